#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel datapath benchmark: the guest side of scripts/bench-kernel (run by
# scripts/vm; needs pktgen, dummy, veth, nft).
#
# Why the windows run concurrently.  Under QEMU/TCG on a shared 2-core
# host the speed of a vCPU changes by tens of percent from one second to
# the next (measured: 1-s rates of one unchanged configuration range from
# 10 000 to 45 000 pps, with a correlation time of about a second), so
# configurations measured one after the other, even in A B B A order with
# 1-s windows, differ by ~20% per cycle for no reason.  Here the
# configurations to compare run at the same time: each is driven by the
# kpktgend_0 thread of its own network namespace, all of them on CPU 0,
# and the scheduler interleaves them every few milliseconds, so a change
# of the host's speed hits all of them alike.  A configuration's figure is
# its capacity: packets per second of its thread's CPU time (pktgen's
# packet count over the thread's sum_exec_runtime), i.e. the inverse of
# the per-packet cost of pktgen + the path, all of it done in that thread
# (netif_receive with bottom halves disabled; no IRQ time accounting in
# these kernels).  Ratios are taken within a window; scripts/bench-kernel
# takes their median over the windows.  What concurrency cannot remove is
# a systematic difference of a few percent between namespaces doing the
# same work (placement of their data under the emulator; it changes from
# boot to boot): the A/A control below shows its size.
#
# The one comparison that cannot run concurrently is module / no module
# (loading the module changes every namespace).  There, every
# window also runs REF, a path without netfilter (pktgen start_xmit into a
# dummy in namespace G), whose cost the module cannot change; R0's
# capacity divided by REF's cancels the host's speed, and the module is
# removed and inserted in A B B A cycles (base, loaded, loaded, base) with
# a discarded warm-up window after every insmod/rmmod.  R2, a second
# router like R0, runs alongside as an A/A control: R2/R0 should be 1.
#
# Topology: routers with the same devices and addresses, each with its
# own upstream namespace P (the veth needs a peer; P feeds R in the chain):
#
#   Px (pin0: dummy, chain ingress) -- veth-pr == veth-ra -- Rx (sink0)
#
# R forwards 10.0.2.0/24 to sink0, a dummy that frees and counts what it
# is given.
#
#   R0, R2  no stream (module loaded: "loaded, no stream")
#   R1  the matching protect stream 10.0.1.1:4000 -> 10.0.2.1:5000, and
#       one unrelated unprotect stream
#   RU  the matching unprotect stream 10.0.1.1:4002 -> 10.0.2.1:5002, and
#       one unrelated protect stream
#       (each of R1, RU and RN has streams of both operations, so the
#       same hooks: a namespace gets the hook of an operation with its
#       first stream of it, and "N against 1" compares table sizes only)
#   RN  both matching streams among N (N - 2 unrelated ones, half protect,
#       half unprotect), grown in steps (BENCH_STREAMS)
#   P0, PU, PN  one protect stream 4002 -> 5002 each, feeding R0, RU, RN
#   R3  no stream, but two empty nftables base chains at nf_srtp's hook
#       points and priorities (prerouting -150, postrouting 110): what
#       any netfilter user costs there, the floor for "nomatch" ("nft2")
#   RF  no stream; an nftables flowtable on veth-ra and sink0 offloads
#       the direct flow (:5000): plain forwarding by nf_flow_table's
#       software fast path, from the ingress hook, without the IP stack
#       ("flowtable", in the stages and rtpe-direct windows)
#   G   ref0 (dummy): REF
#
# Tables are per namespace.  Up to 7678a50 the module registered its hooks
# in every namespace (pernet init), so R0 was "loaded, no stream"; since
# then a namespace gets them with its first stream, so R0 has none.
#
#   direct  pktgen (xmit_mode netif_receive, dst_mac = veth-ra's MAC,
#           source 10.0.1.1, not local) on R's veth-ra: 10.0.1.1:4000 ->
#           10.0.2.1:5000 (the protect stream's flow) or :7000 (no
#           stream's flow), UDP payload 172 bytes, made RTP with a moving
#           sequence number by an nftables rule in R (below).
#   chain   pktgen on P's pin0: 10.0.1.1:4002 -> 10.0.2.1:5002; P's
#           nftables rule makes it RTP, P protects it and forwards the
#           SRTP to its R, which unprotects it (RU, RN) or only forwards it
#           (R0: "cprotect").  Sender and receiver streams are created
#           together and see every packet, so they stay in step; after each
#           series the script checks that R's unprotect stream unprotected
#           exactly the packets P protected and dropped none.
#
# Every window checks that each router's sink0 forwarded exactly the
# packets pktgen injected towards it (nothing dropped anywhere), that no
# backlog dropped a packet, and reports CPU 0's busy share.
#
# Series:
#   module    BENCH_PAIRS cycles base, loaded, loaded, base of the window
#             {R0, R2, REF} (rmmod/insmod between them)
#   direct-N  BENCH_PAIRS windows {loaded: R0, protect-1: R1, protect-N:
#             RN :5000} alternating with BENCH_PAIRS windows {loaded,
#             protect-1, nomatch-N: RN :7000, nft2: R3 :7000}
#   chain-N   BENCH_PAIRS windows {loaded: R0 direct, cprotect: P0 -> R0,
#             unprotect-1: PU -> RU, unprotect-N: PN -> RN}
#   stages    (BENCH_STAGES=1) BENCH_PAIRS windows {loaded, protect-1,
#             p-null: RZ, p-auth: RA, p-cipher: RC, flowtable: RF} (below)
#   rtpe-direct, rtpe-chain (BENCH_RTPENGINE=1: rtpengine's kernel module
#             in RE, below) BENCH_PAIRS windows {loaded, protect-1,
#             encrypt: RE, flowtable: RF}, then BENCH_PAIRS windows
#             {loaded, cprotect, unprotect-1, decrypt: PE -> RE}
#   anchor-direct, anchor-chain (BENCH_ANCHOR=1: anchored media, relayed
#             by srtpd's NAT table in RX and RY, below) BENCH_PAIRS windows
#             {loaded, protect-1, relay: RY, a-protect: RX[, encrypt: RE]},
#             then BENCH_PAIRS windows {loaded, cprotect, unprotect-1,
#             a-unprotect: PX -> RX[, decrypt: PE -> RE]} (rtpengine's
#             when its series ran)
#
# Output:
#   RESULT SERIES INDEX KIND BUSY DROPS KSOFTIRQD_NS CONFIG:PKTS:CPU_NS...
#       one per window: KIND is base/loaded (module) or p/n (direct) or c
#       (chain) or e (rtpe-direct) or s (stages), BUSY CPU 0's busy
#       share in per mille, DROPS the backlog drops, KSOFTIRQD_NS
#       ksoftirqd/0's CPU time, then per configuration pktgen's packets
#       and its thread's CPU time in the window
#   WARMUP ...            the same for discarded windows
#   STREAMS N             RN's table size for the series after it
#   CLOCK NS              the guest clock's ns per instruction (clockcal),
#                         when BENCH_CLOCKCAL names the program
#   INFO ...              facts (timings, stream checks)
#   DONE                  the run completed
#
# Environment: BENCH_PAIRS (15), BENCH_SECONDS (2: window length),
# BENCH_WARMUP (0.5: seconds of traffic before a window starts),
# BENCH_STREAMS ("1000 100000": RN's sizes, ascending), BENCH_BUDGET
# (1200: guest seconds after which no more streams are added),
# BENCH_STAGES (0; 1: the stages series), BENCH_RTPENGINE (0; 1: the
# rtpengine series), BENCH_ANCHOR (0; 1: the anchored series),
# BENCH_CLOCKCAL (a program printing the guest clock's ns per
# instruction; scripts/bench-kernel passes build/bench/clockcal under
# BENCH_ICOUNT, and no CLOCK line is printed without it).
set -euo pipefail
PAIRS=${BENCH_PAIRS:-15}
SECS=${BENCH_SECONDS:-2}
WARM=${BENCH_WARMUP:-0.5}
SIZES=${BENCH_STREAMS:-"1000 100000"}
BUDGET=${BENCH_BUDGET:-1200}
SRTPCTL=$NFSRTP_TOP/build/bin/srtpctl
RTPE_CALL=$NFSRTP_TOP/tests/bench/rtpe_call.py
KEY='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
SUITE=AES_CM_128_HMAC_SHA1_80
RA_MAC=02:00:00:00:00:02
PR_MAC=02:00:00:00:00:01
PIN_MAC=02:00:00:00:00:09
PKT_SIZE=$((14 + 20 + 8 + 172))
tmp=$(mktemp -d)

info() { echo "INFO $*"; }
die() {
	echo "FAIL pktgen.sh: $*"
	exit 1
}
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
# shellcheck source=tests/bench/pglib.bash
. "$(dirname "$0")/pglib.bash"
ns() { echo "nfb-$1"; }
# inn X CMD...: CMD in namespace X with its /sys (ip netns exec)
inn() {
	local n
	n=$(ns "$1")
	shift
	ip netns exec "$n" "$@"
}
ctl() {
	local x=$1
	shift
	inn "$x" "$SRTPCTL" "$@"
}

# Per namespace X: HOLDER[X], a process living in it, so that the script
# reads the namespace's /proc/net (sink0's counter, pktgen's files) as
# /proc/HOLDER/net without entering it; PGT[X], its kpktgend_0 thread.
declare -A HOLDER PGT PGIN PGOUT
RUNNING=()
NATMAP_PID=()
cleanup() {
	set +e
	local x
	for x in "${RUNNING[@]}"; do
		echo stop >&"${PGIN[$x]}"
	done
	for x in "${RUNNING[@]}"; do
		read -r -t 10 -u "${PGOUT[$x]}" _
	done
	[ -z "${RTPE_PID:-}" ] || kill "$RTPE_PID" 2>/dev/null
	for x in "${NATMAP_PID[@]}"; do
		kill "$x" 2>/dev/null
	done
	for x in "${!HOLDER[@]}"; do
		kill "${HOLDER[$x]}" 2>/dev/null
	done
	for x in "${!HOLDER[@]}"; do
		ip netns del "$(ns "$x")" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

modprobe pktgen
modprobe dummy
modprobe veth
# BENCH_SIMD=1: the SIMD crypto drivers a real host's udev loads before
# nf_srtp (the guest has no udev); without them the generic C drivers.
if [ "${BENCH_SIMD:-0}" = 1 ]; then
	for m in aesni_intel sha1_ssse3 ghash_clmulni_intel; do
		modprobe "$m" || { echo "BENCH_SIMD: $m did not load" >&2; exit 1; }
	done
fi
info "crypto modules loaded: $(lsmod | awk '/^(aesni_intel|sha1_ssse3|ghash_clmulni_intel) / {print $1}' | xargs echo) (BENCH_SIMD=${BENCH_SIMD:-0})"
# The chain's second hop (veth) goes through CPU 0's backlog: normally
# drained at once by the P thread's own local_bh_enable(), but when a
# softirq run is cut short ksoftirqd/0 takes over, and until it runs the
# backlog grows: make room, and count ksoftirqd/0's CPU time per window
# (scripts/bench-kernel leaves out the chain windows where it ran).
sysctl -qw net.core.netdev_max_backlog=100000
KSOFTIRQD=
for d in /proc/[0-9]*; do
	read -r c 2>/dev/null <"$d/comm" || continue
	[ "$c" != ksoftirqd/0 ] || KSOFTIRQD=${d#/proc/}
done
[ -n "$KSOFTIRQD" ] || die "no ksoftirqd/0"
# this script and its sampling on CPU 1, out of the pktgen threads' way
# (a one-vCPU guest, scripts/vm --icount, has no CPU 1: the script then
# shares CPU 0, and its time is not the pktgen threads' CPU time)
CPU1=()
if [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ]; then
	taskset -p -c 1 $$ >/dev/null
	CPU1=(taskset -c 1)
fi

# --- topology ---
mkns() {
	local n before t
	n=$(ns "$1")
	pg_threads kpktgend_0
	before=$REPLY
	ip netns add "$n"
	pg_threads kpktgend_0
	for t in $REPLY; do
		case $before in *" $t "*) ;; *) PGT[$1]=${t#*=} ;; esac
	done
	[ -n "${PGT[$1]:-}" ] || die "no kpktgend_0 appeared for namespace $1"
	ip -n "$n" link set lo up
	inn "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
	pg_holder "$1" "$n"
	HOLDER[$1]=$PG_HOLDER
	# shellcheck disable=SC2153
	PGIN[$1]=$PG_IN
	# shellcheck disable=SC2153
	PGOUT[$1]=$PG_OUT
}
# pktgen's payload is no valid RTP (its magic reads as P=1, X=1, CC=14:
# protect drops it as malformed) and its sequence number is constant.  A
# raw-priority nftables rule makes it RTP: first two bytes 0x8000 (V=2,
# PT 0), then a sequence number that moves by one a packet (the 32-bit
# word 0x80000000 + counter mod 65536).  It is in every R (for the direct
# flows, in every configuration, the baseline too) and every P (chain).
nft_rtp() {
	printf '%s\n' 'table ip bench {' '	chain pre {' \
		'		type filter hook prerouting priority raw; policy accept;' \
		"		udp dport $2 @th,64,32 set numgen inc mod 65536 offset 0x80000000" \
		'	}' '}' >"$tmp/nft"
	inn "$1" nft -f "$tmp/nft" || die "nft in $1"
}
# nft_floor X: two empty base chains where nf_srtp hooks in
nft_floor() {
	printf '%s\n' 'table ip floor {' \
		'	chain pre { type filter hook prerouting priority -150; policy accept; }' \
		'	chain post { type filter hook postrouting priority 110; policy accept; }' \
		'}' >"$tmp/nft"
	inn "$1" nft -f "$tmp/nft" || die "nft floor in $1"
}
# pg_dev X DEV: kpktgend_0 of namespace X drives DEV
pg_dev() {
	echo "add_device $2" >"/proc/${HOLDER[$1]}/net/pktgen/kpktgend_0" ||
		die "pktgen: add_device $2 in $1"
}
# pair X: router R<X> and its upstream P<X>
pair() {
	local r=R$1 p=P$1 rn pn
	mkns "$r"
	mkns "$p"
	rn=$(ns "$r")
	pn=$(ns "$p")
	ip link add veth-pr netns "$pn" address "$PR_MAC" type veth \
		peer name veth-ra netns "$rn" address "$RA_MAC"
	ip -n "$rn" addr add 10.0.3.254/24 dev veth-ra
	ip -n "$rn" link set veth-ra up
	ip -n "$rn" link add sink0 type dummy
	ip -n "$rn" addr add 10.0.2.254/24 dev sink0
	ip -n "$rn" link set sink0 up
	ip -n "$pn" link add pin0 address "$PIN_MAC" type dummy
	ip -n "$pn" addr add 10.0.9.254/24 dev pin0
	ip -n "$pn" link set pin0 up
	ip -n "$pn" addr add 10.0.3.1/24 dev veth-pr
	ip -n "$pn" link set veth-pr up
	ip -n "$pn" route add 10.0.2.0/24 via 10.0.3.254
	ip -n "$pn" neigh replace 10.0.3.254 lladdr "$RA_MAC" dev veth-pr nud permanent
	nft_rtp "$r" '{ 5000, 7000 }'
	nft_rtp "$p" 5002
	pg_dev "$r" veth-ra
	pg_dev "$p" pin0
}

# --- pktgen ---
# Configurations: CFG[NAME]="SOURCE ROUTER DPORT [DST]": pktgen in
# namespace SOURCE, flow to DST (10.0.2.1):DPORT, forwarded by ROUTER's
# sink0 ("-": REF, none).
declare -A CFG
CFG[ref]="G - 0"
# pg_config X DPORT [DST [COUNT]]: the pktgen device of namespace X, its
# flow to DST (10.0.2.1):DPORT, COUNT packets (0: until stopped).
pg_config() {
	local x=$1 dport=$2 dst=${3:-10.0.2.1} count=${4:-0} f dev sport mac mode
	case $x in
	R*) dev=veth-ra mac=$RA_MAC sport=4000 mode=netif_receive ;;
	P*) dev=pin0 mac=$PIN_MAC sport=4002 mode=netif_receive ;;
	G) dev=ref0 mac=$PIN_MAC sport=4000 dport=5000 mode=start_xmit ;;
	esac
	f=/proc/${HOLDER[$x]}/net/pktgen/$dev
	pg_flow "$f" "$count" $mode $mac 10.0.1.1 "$dst" $sport $sport "$dport" "$dport"
	PGDEV[$x]=$f
}
declare -A PGDEV
# pg_sofar X: packets pktgen of namespace X sent since its last start, and
# its errors, into $REPLY ("PKTS ERRORS")
pg_sofar() { pg_count "${PGDEV[$1]}"; }
# cpu_ns X: CPU time of namespace X's kpktgend_0, ns
cpu_ns() { thread_ns "${PGT[$1]}"; }
pg_start() {
	local x
	for x in "$@"; do
		echo start >&"${PGIN[$x]}"
		RUNNING+=("$x")
	done
}
pg_stop() {
	local x r
	for x in "${RUNNING[@]}"; do
		echo stop >&"${PGIN[$x]}"
	done
	# the holder answers when its thread has stopped
	for x in "${RUNNING[@]}"; do
		read -r -t 30 -u "${PGOUT[$x]}" r || die "pktgen in $x did not stop"
		[ "$r" = stopped ] || die "pktgen in $x: $r"
	done
	RUNNING=()
}

# --- sampling, without starting a process ---
# sink_tx X: sink0's tx_packets in router X (ref0's in G), into $REPLY
sink_tx() {
	local f=/proc/${HOLDER[$1]}/net/dev
	dev_tx "$f" sink0 || dev_tx "$f" ref0 || die "no sink0 in $f"
}
# cpu0: "busy total" jiffies of CPU 0, into $REPLY
cpu0() {
	local l
	while read -r l; do
		case $l in "cpu0 "*)
			# shellcheck disable=SC2086
			set -- $l
			REPLY="$(($2 + $3 + $4 + $7 + $8 + $9)) $(($2 + $3 + $4 + $5 + $6 + $7 + $8 + $9))"
			return 0
			;;
		esac
	done </proc/stat
}
# backlog drops, all CPUs, into $REPLY
bdrops() {
	local n=0 l
	while read -r l; do
		# shellcheck disable=SC2086
		set -- $l
		n=$((n + 16#$2))
	done </proc/net/softnet_stat
	REPLY=$n
}

diag() {
	local x
	set +e
	for x in "${!HOLDER[@]}"; do
		echo "--- $x"
		ctl "$x" -j stream show 2>&1 | cut -c 1-600
		ctl "$x" -j stats 2>&1
		ip -n "$(ns "$x")" -s link show
		cat "${PGDEV[$x]:-/dev/null}"
	done
	set -e
}

# sinks_of CONFIG...: the routers (and G) the configurations end in
sinks_of() {
	local c s=" "
	for c in "$@"; do
		# shellcheck disable=SC2086
		set -- ${CFG[$c]}
		if [ "$2" = - ]; then
			s="$s G "
		else
			case $s in *" $2 "*) ;; *) s="$s$2 " ;; esac
		fi
	done
	REPLY=$s
}
# window KIND SERIES INDEX LABEL CONFIG...: the configurations run at the
# same time; one line: KIND SERIES INDEX LABEL BUSY DROPS CONFIG:PKTS:CPU_NS...
window() {
	local kind=$1 series=$2 idx=$3 label=$4 c x src rtr start
	shift 4
	local cfgs=("$@") srcs=()
	local -A k0 k1 n0 n1 s0 inj nsrc
	for c in "${cfgs[@]}"; do
		# shellcheck disable=SC2086
		set -- ${CFG[$c]}
		pg_config "$1" "$3" "${4:-}"
		srcs+=("$1")
	done
	sinks_of "${cfgs[@]}"
	local sinks=$REPLY
	for x in $sinks; do
		sink_tx "$x"
		s0[$x]=$REPLY
	done
	local -A before
	for x in "${srcs[@]}"; do
		pg_sofar "$x"
		before[$x]=${REPLY% *}
	done
	pg_start "${srcs[@]}"
	# every thread running (pktgen zeroes its count when it starts)
	start=$SECONDS
	for src in "${srcs[@]}"; do
		while :; do
			pg_sofar "$src"
			[ "${REPLY% *}" -eq 0 ] || [ "${REPLY% *}" -eq "${before[$src]}" ] || break
			if [ $((SECONDS - start)) -ge 30 ]; then
				diag
				die "$series $label: pktgen in $src sent nothing within 30s"
			fi
			nap 0.02
		done
	done
	nap "$WARM"
	local u0 u1 d0 d1 q0 q1
	cpu0; u0=$REPLY; bdrops; d0=$REPLY
	read -r q0 _ <"/proc/$KSOFTIRQD/schedstat"
	for c in "${cfgs[@]}"; do
		# shellcheck disable=SC2086
		set -- ${CFG[$c]}
		pg_sofar "$1"; k0[$c]=${REPLY% *}
		cpu_ns "$1"; n0[$c]=$REPLY
	done
	nap "$SECS"
	for c in "${cfgs[@]}"; do
		# shellcheck disable=SC2086
		set -- ${CFG[$c]}
		pg_sofar "$1"; k1[$c]=${REPLY% *}
		cpu_ns "$1"; n1[$c]=$REPLY
	done
	read -r q1 _ <"/proc/$KSOFTIRQD/schedstat"
	cpu0; u1=$REPLY; bdrops; d1=$REPLY
	pg_stop
	# nothing lost: each sink forwarded what was injected towards it
	for c in "${cfgs[@]}"; do
		# shellcheck disable=SC2086
		set -- ${CFG[$c]}
		pg_sofar "$1"
		src=$1 rtr=$2
		[ "$rtr" != - ] || rtr=G
		# (netif_receive_skb() reports NET_RX_DROP for what an ingress
		# hook stole: every packet the flowtable forwards counts as a
		# pktgen error; the sink's count below checks RF's delivery)
		[ "${REPLY#* }" -eq 0 ] || [ "$src" = RF ] ||
			{ diag; die "$series $label: $src's pktgen counts ${REPLY#* } errors"; }
		inj[$rtr]=$((${inj[$rtr]:-0} + ${REPLY% *}))
		nsrc[$rtr]=$((${nsrc[$rtr]:-0} + 1))
	done
	# (pktgen's count can miss the packet in flight when it stops: allow
	# one more per source)
	for x in $sinks; do
		start=$SECONDS
		while sink_tx "$x" && { [ $((REPLY - s0[$x])) -lt "${inj[$x]}" ] ||
			[ $((REPLY - s0[$x])) -gt $((inj[$x] + nsrc[$x])) ]; }; do
			if [ $((SECONDS - start)) -ge 2 ]; then
				diag
				die "$series $label: $x forwarded $((REPLY - s0[$x])) of ${inj[$x]} packets injected"
			fi
			nap 0.02
		done
	done
	# shellcheck disable=SC2086
	set -- $u0 $u1
	local busy=0 line
	[ $(($4 - $2)) -eq 0 ] || busy=$((1000 * ($3 - $1) / ($4 - $2)))
	line="$kind $series $idx $label $busy $((d1 - d0)) $((q1 - q0))"
	for c in "${cfgs[@]}"; do
		[ $((k1[$c] - k0[$c])) -gt 0 ] || { diag; die "$series $label: $c sent nothing in the window"; }
		line="$line $c:$((k1[$c] - k0[$c])):$((n1[$c] - n0[$c]))"
	done
	echo "$line"
}

# --- streams ---
stream_id() { grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2; }
# add_stream X OP SPORT DPORT [FLAG...]: prints the new stream's id
add_stream() {
	local id
	id=$(ctl "$1" -j stream add "$2" src "10.0.1.1:$3" dst "10.0.2.1:$4" \
		suite $SUITE key "$KEY" "${@:5}" | stream_id)
	[ -n "$id" ] || die "$2 stream not added in $1"
	echo "$id"
}
# stream_packets X ID: the stream's packet count; dies if it dropped any
stream_packets() {
	local j n
	j=$(ctl "$1" -j stream show "$2")
	grep -q '"drops":{}' <<<"$j" || die "stream $2 in $1 dropped packets: $j"
	n=$(grep -o '"packets":[0-9]*,"bytes"' <<<"$j" | grep -o '[0-9]*')
	[ -n "$n" ] || die "stream $2 in $1: no packet count: $j"
	echo "$n"
}
# check_one X ID WHAT: the stream transformed packets and dropped none
check_one() {
	local n
	n=$(stream_packets "$1" "$2")
	[ "$n" -gt 0 ] || die "$3 stream in $1 transformed nothing"
	info "$3 stream in $1: $n packets, no drops"
}
# check_chain P PID R RID WHAT: R's unprotect stream unprotected exactly
# what P's protect stream protected, and neither dropped a packet
check_chain() {
	local np nr
	np=$(stream_packets "$1" "$2")
	nr=$(stream_packets "$3" "$4")
	[ "$nr" -gt 0 ] || die "$5: $3's unprotect stream unprotected nothing"
	[ "$np" -eq "$nr" ] || die "$5: $1 protected $np packets, $3 unprotected $nr"
	info "$5: $1 protected $np packets, $3 unprotected all of them, no drops"
}
# unrelated N FIRST: batch file of N streams numbered from FIRST, every
# other one protect and unprotect, none matching the generators' flows.
unrelated() {
	awk -v n="$1" -v f="$2" -v k="$KEY" -v s="$SUITE" 'BEGIN {
		for (i = f; i < f + n; i++) {
			a = sprintf("10.%d.%d.%d", 64 + int(i / 65536), int(i / 256) % 256, i % 256)
			printf "stream add %s src 10.0.1.1:6000 dst %s:6000 suite %s key %s\n",
				i % 2 ? "unprotect" : "protect", a, s, k
		} }'
}
# add_unrelated N FIRST: into RN, batches of 10000 while within BUDGET;
# sets ADDED.
add_unrelated() {
	local n=$1 first=$2 k t0=$EPOCHREALTIME
	ADDED=0
	while [ $ADDED -lt "$n" ]; do
		if [ $SECONDS -ge "$BUDGET" ]; then
			info "stream budget (${BUDGET}s) spent: stopped at $((first + ADDED)) of $((first + n)) streams"
			break
		fi
		k=$((n - ADDED > 10000 ? 10000 : n - ADDED))
		unrelated "$k" $((first + ADDED)) >"$tmp/batch"
		ctl RN -b "$tmp/batch" >/dev/null || die "adding streams failed at $((first + ADDED))"
		ADDED=$((ADDED + k))
	done
	info "added $ADDED unrelated streams to RN in $(elapsed "$t0") s; now $(ctl RN -j stats | grep -o '"streams":[0-9]*'); MemAvailable $(awk '/MemAvailable/ { print $2 }' /proc/meminfo) kB"
}

# --- the flowtable: forwarding's fast path, the floor of any path ---
# RF forwards the direct flow as R0 does, but an nftables flowtable on
# its two devices offloads the flow once conntrack has seen it: from then
# on nf_flow_table's ingress hook looks the packet up, rewrites TTL and
# MAC and hands it to sink0, skipping the IP stack and every other hook.
# No forwarding in Linux is shorter, so a transform's cost on top of it
# bounds what any netfilter datapath could reach (performance.md, "The
# 2x target's bound").  A counter in the forward chain shows that the
# windows' packets took the fast path.
FT_PRIMED=0
flowtable_router() {
	pair F
	printf '%s\n' 'table inet fastpath {' \
		'	flowtable fast { hook ingress priority filter; devices = { veth-ra, sink0 }; }' \
		'	chain forward {' \
		'		type filter hook forward priority filter; policy accept;' \
		'		udp dport 5000 counter flow add @fast' \
		'	}' '}' >"$tmp/nft"
	inn RF nft -f "$tmp/nft" || die "nft flowtable in RF"
	CFG[flowtable]="RF RF 5000"
}
ft_offloaded() { grep -q 'dport=5000 .*\[OFFLOAD\]' "/proc/${HOLDER[RF]}/net/nf_conntrack"; }
# ft_slowpath: packets of RF's flow that went through the forward chain
ft_slowpath() {
	REPLY=$(inn RF nft list chain inet fastpath forward | grep -o 'packets [0-9]*' | cut -d' ' -f2)
}
# flowtable_prime: a few packets through RF, until its flow is offloaded
flowtable_prime() {
	[ "$FT_PRIMED" = 0 ] || return 0
	pg_config RF 5000 10.0.2.1 0
	pg_start RF
	wait_until 30 ft_offloaded
	pg_stop
	ft_slowpath
	FT_SLOW0=$REPLY
	FT_PRIMED=1
	info "flowtable: RF's flow offloaded after $FT_SLOW0 packets through its forward chain"
}
# flowtable_check: the windows' packets did not take the slow path
flowtable_check() {
	ft_offloaded || die "flowtable: RF's flow is no longer offloaded"
	ft_slowpath
	[ "$REPLY" -le $((FT_SLOW0 + 2)) ] ||
		die "flowtable: $((REPLY - FT_SLOW0)) packets took RF's slow path during the windows"
	info "flowtable: RF's flow still offloaded; $((REPLY - FT_SLOW0)) packets through its forward chain since it was primed"
}

# --- the stages of protect ---
# Routers RZ, RA and RC each have R1's protect stream (and an unrelated
# unprotect stream, as R1 has) with parts of the transform turned off by
# the stream's flags, RFC 4568's session parameters: RZ neither
# encrypts nor authenticates (what is left is the hook, the lookup, the
# writable skb, the index and the checksum: the framework), RA
# authenticates only (HMAC-SHA1 and the tag's tailroom), RC encrypts
# only (AES-CM).  Their windows run with loaded and protect-1, so the
# differences of their per-packet costs are the stages' costs.
stages_series() {
	local x t0=$EPOCHREALTIME rz ra rc
	for x in Z A C; do
		pair "$x"
		unrelated 1 1 | ctl "R$x" -b - >/dev/null || die "R$x's unrelated stream"
	done
	rz=$(add_stream RZ protect 4000 5000 no-auth no-encrypt-rtp)
	ra=$(add_stream RA protect 4000 5000 no-encrypt-rtp)
	rc=$(add_stream RC protect 4000 5000 no-auth)
	CFG[p-null]="RZ RZ 5000"
	CFG[p-auth]="RA RA 5000"
	CFG[p-cipher]="RC RC 5000"
	flowtable_prime
	for i in $(seq "$PAIRS"); do
		window RESULT stages "$i" s loaded protect-1 p-null p-auth p-cipher flowtable
	done
	info "series stages took $(elapsed "$t0") s"
	flowtable_check
	check_one RZ "$rz" "p-null (no-auth no-encrypt-rtp)"
	check_one RA "$ra" "p-auth (no-encrypt-rtp)"
	check_one RC "$rc" "p-cipher (no-auth)"
}

# --- the rtpengine contender ---
# rtpengine's kernel module (xt_RTPENGINE, Debian's rtpengine-kernel-dkms)
# and its daemon (rtpengine-daemon) in router RE, driven over ng by
# tests/bench/rtpe_call.py: call "enc" has it encrypt the direct flow
# 10.0.1.1:4000 -> 10.0.3.254:ENC_PORT (RE's own address: rtpengine
# relays media sent to it), made RTP by RE's nftables rule as R1's flow
# is; call "dec" has it decrypt the chain PE -> RE, whose SRTP PE's
# nf_srtp protect stream makes with the key the call's offer carries.
# Both go on to 10.0.2.1 through RE's sink0, so each window's check
# (sink0 forwarded what was injected) holds rtpengine to the same
# standard as nf_srtp.  rtpengine hands a flow to its kernel module once
# its daemon has relayed the flow's first packet: one packet primes
# each, and the flow's target must be in /proc/rtpengine/0/list first.
RTPE_LIST=/proc/rtpengine/0/list
RTPE_PID=
rtpe_target() { grep -qx "local inet4 10.0.3.254:$1" "$RTPE_LIST"; }
# rtpe_stats PORT: "PACKETS ERRORS" of RE's kernel target for PORT
rtpe_stats() {
	REPLY=$(awk -v want="local inet4 10.0.3.254:$1" '$0 == want { f = 1; next }
		/^local / { f = 0 }
		f && $1 == "stats:" { print $4, $6; exit }' "$RTPE_LIST")
}
rtpe_started() {
	kill -0 "$RTPE_PID" 2>/dev/null || die "rtpengine exited: $(tail -n 20 "$tmp/rtpengine.log")"
	inn RE python3 "$RTPE_CALL" ping 2>/dev/null
}
# nft_rtp_add X DPORT: X's flow to DPORT made RTP too (nft_rtp)
nft_rtp_add() {
	inn "$1" nft add rule ip bench pre udp dport "$2" @th,64,32 set numgen inc mod 65536 \
		offset 0x80000000 || die "nft in $1"
}
# rtpe_prime X PORT: one packet of X's flow to RE's PORT; rtpengine's
# daemon relays it and hands the flow to the kernel
rtpe_prime() {
	local s0
	sink_tx RE
	s0=$REPLY
	pg_config "$1" "$2" 10.0.3.254 1
	pg_start "$1"
	local start=$SECONDS
	until rtpe_target "$2"; do
		if [ $((SECONDS - start)) -ge 30 ]; then
			echo "rtpengine's log:"
			tail -n 30 "$tmp/rtpengine.log"
			echo "its kernel targets: $(grep '^local' "$RTPE_LIST" | xargs echo)"
			grep '^Udp:' "/proc/${HOLDER[RE]}/net/snmp"
			inn RE nft list ruleset
			cat "${PGDEV[$1]}"
			die "rtpengine: no kernel target for port $2 30 s after $1's first packet"
		fi
		nap 0.1
	done
	pg_stop
	wait_until 10 sink_grew RE "$s0"
}
sink_grew() { sink_tx "$1" && [ "$REPLY" -gt "$2" ]; }
rtpengine_series() {
	local t0=$EPOCHREALTIME conf=$tmp/rtpengine.conf out enc_port dec_port pe_id
	local user kern enc dec
	modprobe xt_RTPENGINE ||
		die "rtpengine: no xt_RTPENGINE for $(uname -r) (rtpengine-kernel-dkms builds it)"
	pair E
	inn RE iptables -I INPUT -p udp -j RTPENGINE --id 0 || die "rtpengine: iptables rule in RE"
	# no media timeout: RE idles between the series
	printf '%s\n' '[rtpengine]' 'table = 0' 'no-fallback = true' \
		'interface = s/10.0.3.254;k/10.0.2.254' 'listen-ng = 127.0.0.1:2223' \
		'port-min = 30000' 'port-max = 30099' 'endpoint-learning = immediate' \
		'timeout = 86400' 'silent-timeout = 86400' 'foreground = true' \
		'log-stderr = true' 'log-level = 6' >"$conf"
	# the daemon on CPU 1 with this script, out of the pktgen threads' way
	inn RE "${CPU1[@]}" rtpengine --config-file="$conf" >"$tmp/rtpengine.log" 2>&1 &
	RTPE_PID=$!
	wait_until 60 rtpe_started
	info "rtpengine $(rtpengine --version 2>&1 | head -n 1) started in $(elapsed "$t0") s, xt_RTPENGINE $(modinfo -F version xt_RTPENGINE)"
	out=$(inn RE python3 "$RTPE_CALL" encrypt enc 10.0.1.1:4000 10.0.2.1:5000 "$KEY") ||
		die "rtpengine: call enc: $out"
	enc_port=${out%% *}
	enc_port=${enc_port#10.0.3.254:}
	out=$(inn RE python3 "$RTPE_CALL" decrypt dec 10.0.1.1:4002 10.0.2.1:5002 "$KEY") ||
		die "rtpengine: call dec: $out"
	dec_port=${out%% *}
	dec_port=${dec_port#10.0.3.254:}
	[ "$enc_port$dec_port" -eq "$enc_port$dec_port" ] 2>/dev/null ||
		die "rtpengine: S's side of its calls is not on interface s (10.0.3.254): $enc_port, $dec_port"
	nft_rtp_add RE "$enc_port"
	nft_rtp_add PE "$dec_port"
	pe_id=$(ctl PE -j stream add protect src 10.0.1.1:4002 dst "10.0.3.254:$dec_port" \
		suite $SUITE key "$KEY" | stream_id)
	[ -n "$pe_id" ] || die "protect stream not added in PE"
	rtpe_prime RE "$enc_port"
	rtpe_prime PE "$dec_port"
	info "rtpengine: calls enc (RE port $enc_port) and dec (port $dec_port) in its kernel after $(elapsed "$t0") s"
	CFG[encrypt]="RE RE $enc_port 10.0.3.254"
	CFG[decrypt]="PE RE $dec_port 10.0.3.254"
	flowtable_prime
	t0=$EPOCHREALTIME
	for i in $(seq "$PAIRS"); do
		window RESULT rtpe-direct "$i" e loaded protect-1 encrypt flowtable
	done
	for i in $(seq "$PAIRS"); do
		window RESULT rtpe-chain "$i" c loaded cprotect unprotect-1 decrypt
	done
	info "series rtpe-direct and rtpe-chain took $(elapsed "$t0") s"
	flowtable_check
	# the kernel did the work: its targets transformed every packet but
	# the two primes, with no error (each window checked that RE's sink0
	# forwarded what was injected), and the daemon relayed only those
	rtpe_stats "$enc_port"
	enc=$REPLY
	rtpe_stats "$dec_port"
	dec=$REPLY
	read -r user kern <<<"$(inn RE python3 "$RTPE_CALL" stats)"
	[ "$enc $dec" = "${enc% *} 0 ${dec% *} 0" ] ||
		die "rtpengine's kernel counted errors: enc ${enc#* }, dec ${dec#* }"
	[ "$user" = 2 ] || die "rtpengine's daemon relayed $user packets, not the 2 primes"
	[ $(($(stream_packets PE "$pe_id") - 1)) -eq "${dec% *}" ] ||
		die "rtpengine decrypted ${dec% *} packets, PE protected $(stream_packets PE "$pe_id")"
	sink_tx RE
	info "rtpengine: its kernel encrypted ${enc% *} and decrypted ${dec% *} packets (every one PE protected but the prime), no error; the daemon relayed $user (the primes); its kernel total $kern; RE's sink0 $REPLY"
}

# --- anchored media: the relay is Linux's NAT (datapath.md) ---
# RX and RY hold srtpd's nftables table (daemon/natmap.c, through
# natmapctl as srtpd drives it), for their own addresses 10.0.3.254 (the
# senders' side) and 10.0.2.254 (sink0's).  RY relays the direct flow
# sent to its port 30000 on to 10.0.2.1:5000 from its port 30002 and has
# no stream: NAT alone ("relay").  RX relays the same flow and protects
# it after the SNAT with a stream on its own source address and port
# and an open destination ("a-protect"); it also relays P's SRTP sent
# to its port 30004 on to 10.0.2.1:5002 from its port 30006,
# unprotected before the DNAT by a latching stream on its own
# destination address and port ("a-unprotect", the chain from PX).  Each window's check (sink0 forwarded what was
# injected) holds only if NAT relayed every packet: without it, a packet
# to 10.0.3.254 stays in the router.
NATMAPCTL=$NFSRTP_TOP/build/bin/natmapctl
declare -A NATMAP_FD
natmap_ready() { grep -q '^ready$' "$tmp/natmap-$1.out"; }
natmap_answered() { [ "$(grep -c '^ok$\|^error' "$tmp/natmap-$1.out")" -ge "$2" ]; }
# natmap_start X: natmapctl in router X, its commands through a FIFO
natmap_start() {
	local fd
	mkfifo "$tmp/natmap-$1.in"
	inn "$1" "$NATMAPCTL" --ports 30000-30099 --interface a/10.0.3.254 \
		--interface b/10.0.2.254 <"$tmp/natmap-$1.in" >"$tmp/natmap-$1.out" 2>&1 &
	NATMAP_PID+=("$!")
	exec {fd}>"$tmp/natmap-$1.in"
	NATMAP_FD[$1]=$fd
	wait_until 30 natmap_ready "$1"
}
# natmap_add X N RELAY: relay number N of router X (natmapctl's syntax)
natmap_add() {
	echo "add $3" >&"${NATMAP_FD[$1]}"
	wait_until 30 natmap_answered "$1" "$2"
	[ "$(tail -n 1 "$tmp/natmap-$1.out")" = ok ] ||
		die "natmapctl in $1: $(tail -n 1 "$tmp/natmap-$1.out")"
}
anchor_series() {
	local t0=$EPOCHREALTIME rx_p rx_u px
	pair X
	pair Y
	nft_rtp_add RX 30000
	nft_rtp_add RY 30000
	nft_rtp_add PX 30004
	natmap_start RX
	natmap_start RY
	natmap_add RY 1 "10.0.1.1 10.0.3.254:30000 10.0.2.1:5000 10.0.2.254:30002"
	natmap_add RX 1 "10.0.1.1 10.0.3.254:30000 10.0.2.1:5000 10.0.2.254:30002"
	natmap_add RX 2 "10.0.1.1 10.0.3.254:30004 10.0.2.1:5002 10.0.2.254:30006"
	# as srtpd installs them: protect by the router's port alone (an
	# open destination), unprotect latching onto the sender
	rx_p=$(ctl RX -j stream add protect src 10.0.2.254:30002 dst any \
		suite $SUITE key "$KEY" | stream_id)
	rx_u=$(ctl RX -j stream add unprotect src 10.0.1.1 dst 10.0.3.254:30004 \
		suite $SUITE key "$KEY" latch | stream_id)
	px=$(ctl PX -j stream add protect src 10.0.1.1:4002 dst 10.0.3.254:30004 \
		suite $SUITE key "$KEY" | stream_id)
	[ -n "$rx_p" ] && [ -n "$rx_u" ] && [ -n "$px" ] || die "anchored streams not added"
	CFG[relay]="RY RY 30000 10.0.3.254"
	CFG[a-protect]="RX RX 30000 10.0.3.254"
	CFG[a-unprotect]="PX RX 30004 10.0.3.254"
	# with the rtpengine series before, its kernel module in the same
	# windows: it relays too (to RE's own address), as the anchored
	# router does
	local enc=() dec=()
	[ -z "${CFG[encrypt]:-}" ] || enc=(encrypt)
	[ -z "${CFG[decrypt]:-}" ] || dec=(decrypt)
	for i in $(seq "$PAIRS"); do
		window RESULT anchor-direct "$i" a loaded protect-1 relay a-protect "${enc[@]}"
	done
	for i in $(seq "$PAIRS"); do
		window RESULT anchor-chain "$i" c loaded cprotect unprotect-1 a-unprotect "${dec[@]}"
	done
	info "series anchor-direct and anchor-chain took $(elapsed "$t0") s"
	check_one RX "$rx_p" "a-protect (relayed, then protected)"
	check_chain PX "$px" RX "$rx_u" "a-unprotect (unprotected, then relayed)"
}

[ -z "${BENCH_CLOCKCAL:-}" ] || echo "CLOCK $("$BENCH_CLOCKCAL")"
info "kernel $(uname -r), $(getconf _NPROCESSORS_ONLN) CPUs, windows of ${SECS}s after ${WARM}s of traffic, $PAIRS per series, RN sizes: $SIZES"
info "module $NFSRTP_KO, srcversion $(modinfo -F srcversion "$NFSRTP_KO"), built $(date -u -r "$NFSRTP_KO" '+%Y-%m-%d %H:%M UTC')"
t_all=$EPOCHREALTIME

# --- 0. namespaces ---
t0=$EPOCHREALTIME
mkns G
ip -n "$(ns G)" link add ref0 type dummy
ip -n "$(ns G)" link set ref0 up
pg_dev G ref0
for x in 0 2 1 U N 3; do
	pair "$x"
done
nft_floor R3
[ "${BENCH_STAGES:-0}${BENCH_RTPENGINE:-0}" = 00 ] || flowtable_router
info "namespaces set up in $(elapsed "$t0") s"
CFG[loaded]="R0 R0 5000"
CFG[aa]="R2 R2 5000"
CFG[protect-1]="R1 R1 5000"
CFG[cprotect]="P0 R0 5002"
CFG[unprotect-1]="PU RU 5002"
CFG[nft2]="R3 R3 7000"

# --- 1. module: R0, R2 and REF; base (rmmod) / loaded (insmod), A B B A ---
for dep in $(modinfo -F depends "$NFSRTP_KO" | tr , ' ') \
	   $(modinfo -F softdep "$NFSRTP_KO" | sed -n 's/^pre: *//p'); do
	modprobe "$dep"
done
t_ins=
t_rm=
modswitch() {
	local t0=$EPOCHREALTIME
	if [ "$1" = in ]; then
		insmod "$NFSRTP_KO"
		t_ins="$t_ins $(elapsed "$t0")"
		window WARMUP module "$2" loaded loaded aa ref
	else
		rmmod nf_srtp
		t_rm="$t_rm $(elapsed "$t0")"
		window WARMUP module "$2" base loaded aa ref
	fi
}
t0=$EPOCHREALTIME
# One unmeasured cycle first: under -icount (6.1) the first insmod after
# the namespaces exist moved R0 and R2 down by 4% for the rest of the
# series, loaded or not (42 600 -> 40 400..41 500 packets per CPU-second;
# something in the guest's state, not the path: R0 of the later series,
# module loaded, is back at 42 600), so a base window from before it
# would stand apart from all the others.
modswitch out 0
modswitch in 0
modswitch out 0
for cycle in $(seq "$PAIRS"); do
	window RESULT module "$cycle" base loaded aa ref
	modswitch in "$cycle"
	window RESULT module "$cycle" loaded loaded aa ref
	window RESULT module "$cycle" loaded loaded aa ref
	modswitch out "$cycle"
	window RESULT module "$cycle" base loaded aa ref
done
info "series module took $(elapsed "$t0") s; insmod took (s):$t_ins; rmmod took (s):$t_rm"
insmod "$NFSRTP_KO"

# --- 2. streams ---
P0_ID=$(add_stream P0 protect 4002 5002)
PU_ID=$(add_stream PU protect 4002 5002)
RU_ID=$(add_stream RU unprotect 4002 5002)
PN_ID=$(add_stream PN protect 4002 5002)
RN_UID=$(add_stream RN unprotect 4002 5002)
R1_ID=$(add_stream R1 protect 4000 5000)
unrelated 1 1 | ctl R1 -b - >/dev/null || die "R1's unrelated stream"
unrelated 1 0 | ctl RU -b - >/dev/null || die "RU's unrelated stream"
RN_PID=$(add_stream RN protect 4000 5000)

# --- 3. per table size of RN: direct and chain series ---
have=2
for n in $SIZES; do
	[ "$n" -gt "$have" ] || continue
	add_unrelated $((n - have)) "$have"
	have=$((have + ADDED))
	[ "$ADDED" -gt 0 ] || break
	echo "STREAMS $have"
	CFG[nomatch-$have]="RN RN 7000"
	CFG[protect-$have]="RN RN 5000"
	CFG[unprotect-$have]="PN RN 5002"
	t0=$EPOCHREALTIME
	for i in $(seq "$PAIRS"); do
		window RESULT "direct-$have" "$i" p loaded protect-1 "protect-$have"
		window RESULT "direct-$have" "$i" n loaded protect-1 "nomatch-$have" nft2
	done
	info "series direct-$have took $(elapsed "$t0") s"
	check_one R1 "$R1_ID" protect-1
	check_one RN "$RN_PID" "protect-$have"
	t0=$EPOCHREALTIME
	for i in $(seq "$PAIRS"); do
		window RESULT "chain-$have" "$i" c loaded cprotect unprotect-1 "unprotect-$have"
	done
	info "series chain-$have took $(elapsed "$t0") s"
	check_one P0 "$P0_ID" "cprotect (P0's protect)"
	check_chain PU "$PU_ID" RU "$RU_ID" unprotect-1
	check_chain PN "$PN_ID" RN "$RN_UID" "unprotect-$have"
	[ "$have" -eq "$n" ] || break
done
info "RN stats: $(ctl RN -j stats)"

# --- 4. what each part of protect costs (BENCH_STAGES=1) ---
[ "${BENCH_STAGES:-0}" != 1 ] || stages_series

# --- 5. the rtpengine contender (BENCH_RTPENGINE=1) ---
[ "${BENCH_RTPENGINE:-0}" != 1 ] || rtpengine_series

# --- 6. anchored media (BENCH_ANCHOR=1) ---
[ "${BENCH_ANCHOR:-0}" != 1 ] || anchor_series
info "total $(elapsed "$t_all") s"
echo DONE
