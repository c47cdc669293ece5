#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scaling over CPUs: the guest side of scripts/bench-scale (issue 15).
# Needs a guest with two vCPUs, pktgen, veth, dummy and nft.
#
# Router namespace R has two receive paths, one per CPU: pktgen's
# kpktgend_0 injects into veth-r0 on CPU 0 and kpktgend_1 into veth-r1 on
# CPU 1 (xmit_mode netif_receive, as two receive queues with RSS would
# deliver them), and R forwards everything to sink0, a dummy that frees
# and counts.  Configurations:
#
#   plain    each CPU forwards FLOWS flows to a port no stream uses: what
#            the kernel's own forwarding does on two CPUs (the control)
#   protect  each CPU's FLOWS flows (10.0.1.1:4000+i -> 10.0.2.1:6000+i
#            from CPU 0, 10.0.1.2:4000+i -> 10.0.2.2:6000+i from CPU 1;
#            pktgen moves both ports together) match FLOWS protect
#            streams of their own (rtcp-mux: a protect stream's
#            destination is its own): many streams spread over both CPUs
#   rtcp     one protect stream; CPU 0 sends its RTP (10.0.1.3:4000 ->
#            :5000), CPU 1 its RTCP (4001 -> 5001): one stream's two
#            flows on two CPUs, which must not wait for each other
#   same     one protect stream's RTP from both CPUs (10.0.1.4:4000 ->
#            10.0.2.1:5002, two SSRCs): the most two CPUs can contend
#            for one stream (a flow that RSS splits is not a real case:
#            this bounds what the lock can cost)
#
# nftables rules at raw priority make pktgen's payload RTP with a moving
# sequence number (a counter per device and configuration: the CPUs share
# no rule state, and no stream's sequence number jumps by another
# configuration's packets, which a protect stream would take for a step
# back and drop as tx-replay), or one valid RTCP sender report (V=2,
# PT 200, length 42 words, a fixed SSRC) for the rtcp configuration's
# RTCP.
#
# A configuration's capacity on one path is pktgen's packets over its
# thread's CPU time (/proc/<tid>/schedstat).  Each cycle runs, per
# configuration, the windows a0 a1 b b a1 a0: a0 = CPU 0's path alone,
# a1 = CPU 1's alone, b = both at once.  scripts/bench-scale takes, per
# cycle, the scaling sum(b_i / a_i) over the two paths: 2 when two CPUs
# do twice what one does, less by what they make each other wait.
#
# Every window checks that sink0 forwarded every packet injected and
# that pktgen counted no error; after the run every stream must have
# transformed packets and dropped none.
#
# Output: RESULT CONFIG CYCLE KIND PKTS0:NS0 PKTS1:NS1 (KIND a0, a1 or b;
# a path that did not run has 0:0), INFO lines, DONE.
#
# Environment: BENCH_PAIRS (cycles, 5), BENCH_SECONDS (window, 2),
# BENCH_WARMUP (0.5), BENCH_FLOWS (streams per CPU in protect, 128),
# BENCH_SIMD (1: load the SIMD crypto drivers first).
set -euo pipefail
PAIRS=${BENCH_PAIRS:-5}
SECS=${BENCH_SECONDS:-2}
WARM=${BENCH_WARMUP:-0.5}
FLOWS=${BENCH_FLOWS:-128}
SRTPCTL=$NFSRTP_TOP/build/bin/srtpctl
KEY='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
SUITE=AES_CM_128_HMAC_SHA1_80
PKT_SIZE=$((14 + 20 + 8 + 172))
R=nfs-scale-r
P=nfs-scale-p
tmp=$(mktemp -d)

info() { echo "INFO $*"; }
die() {
	echo "FAIL scale.sh: $*"
	exit 1
}
# shellcheck source=tests/bench/pglib.bash
. "$(dirname "$0")/pglib.bash"

[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || die "needs a guest with two CPUs"
modprobe pktgen
if [ "${BENCH_SIMD:-1}" = 1 ]; then
	for m in aesni_intel ghash_clmulni_intel sha1_ssse3; do
		modprobe "$m" || die "BENCH_SIMD: $m did not load"
	done
fi
# (scripts/vm has loaded the module)
[ -d /sys/module/nf_srtp ] || die "nf_srtp is not loaded"
info "kernel $(uname -r), $(getconf _NPROCESSORS_ONLN) CPUs, crypto modules: $(lsmod | awk '/^(aesni_intel|sha1_ssse3|ghash_clmulni_intel) / {print $1}' | xargs echo)"

# R's pktgen threads: the kpktgend_N that appear with it
declare -A PGT
pg_threads 'kpktgend_[01]'
before=$REPLY
ip netns add "$R"
pg_threads 'kpktgend_[01]'
for t in $REPLY; do
	case $before in *" $t "*) ;; *) PGT[${t%=*}]=${t#*=} ;; esac
done
{ [ -n "${PGT[kpktgend_0]:-}" ] && [ -n "${PGT[kpktgend_1]:-}" ]; } ||
	die "no pktgen threads for $R"
ip netns add "$P"
inr() { ip netns exec "$R" "$@"; }

pg_holder R "$R"
HOLDER=$PG_HOLDER
PG=/proc/$HOLDER/net/pktgen

inr sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.default.rp_filter=0
ip -n "$R" link set lo up
for i in 0 1; do
	ip link add "veth-p$i" netns "$P" type veth peer name "veth-r$i" \
		netns "$R" address "02:00:00:00:01:0$i"
	ip -n "$R" addr add "10.0.$((3 + i)).254/24" dev "veth-r$i"
	ip -n "$R" link set "veth-r$i" up
	ip -n "$P" link set "veth-p$i" up
	echo "add_device veth-r$i" >"$PG/kpktgend_$i" || die "pktgen: add_device veth-r$i"
done
ip -n "$R" link add sink0 type dummy
ip -n "$R" addr add 10.0.2.254/24 dev sink0
ip -n "$R" link set sink0 up
printf '%s\n' 'table ip bench {' '	chain pre {' \
	'		type filter hook prerouting priority raw; policy accept;' \
	'		iifname "veth-r0" udp dport 5000 @th,64,32 set numgen inc mod 65536 offset 0x80000000' \
	'		iifname "veth-r0" udp dport 6000-6999 @th,64,32 set numgen inc mod 65536 offset 0x80000000' \
	'		iifname "veth-r1" udp dport 6000-6999 @th,64,32 set numgen inc mod 65536 offset 0x80000000' \
	'		iifname "veth-r1" udp dport 5001 @th,64,32 set 0x80c8002a @th,96,32 set 0x00c0ffee' \
	'		iifname "veth-r0" udp dport 5002 @th,64,32 set numgen inc mod 65536 offset 0x80000000 @th,128,32 set 0x5eed0000' \
	'		iifname "veth-r1" udp dport 5002 @th,64,32 set numgen inc mod 65536 offset 0x80000000 @th,128,32 set 0x5eed0001' \
	'	}' '}' >"$tmp/nft"
inr nft -f "$tmp/nft" || die "nft in $R"

# streams: FLOWS per CPU for protect, one for rtcp
{
	for h in 1 2; do
		for ((i = 0; i < FLOWS; i++)); do
			echo "stream add protect src 10.0.1.$h:$((4000 + i)) dst 10.0.2.$h:$((6000 + i)) suite $SUITE key $KEY rtcp-mux"
		done
	done
	echo "stream add protect src 10.0.1.3:4000 dst 10.0.2.1:5000 suite $SUITE key $KEY"
	echo "stream add protect src 10.0.1.4:4000 dst 10.0.2.1:5002 suite $SUITE key $KEY rtcp-mux"
} >"$tmp/streams"
inr "$SRTPCTL" -b "$tmp/streams" >/dev/null || die "adding streams"
info "$(inr "$SRTPCTL" -j stats)"

# pg_config I SRC SPORT_MIN SPORT_MAX DST DPORT_MIN [DPORT_MAX]: the flows
# of CPU I's path
pg_config() {
	pg_flow "$PG/veth-r$1" 0 netif_receive "02:00:00:00:01:0$1" "$2" "$5" \
		"$3" "$4" "$6" "${7:-$6}"
}
# configure CONFIG
configure() {
	# (pktgen's port ranges end before their max)
	local last=$((4000 + FLOWS))
	case $1 in
	plain)
		pg_config 0 10.0.1.1 4000 $last 10.0.2.1 7000
		pg_config 1 10.0.1.2 4000 $last 10.0.2.2 7000
		;;
	protect)
		pg_config 0 10.0.1.1 4000 $last 10.0.2.1 6000 $((6000 + FLOWS))
		pg_config 1 10.0.1.2 4000 $last 10.0.2.2 6000 $((6000 + FLOWS))
		;;
	rtcp)
		pg_config 0 10.0.1.3 4000 4000 10.0.2.1 5000
		pg_config 1 10.0.1.3 4001 4001 10.0.2.1 5001
		;;
	same)
		pg_config 0 10.0.1.4 4000 4000 10.0.2.1 5002
		pg_config 1 10.0.1.4 4000 4000 10.0.2.1 5002
		;;
	esac
}
# pg_sofar I: "PKTS ERRORS" of CPU I's pktgen device since its start
pg_sofar() { pg_count "$PG/veth-r$1"; }
cpu_ns() { thread_ns "${PGT[kpktgend_$1]}"; }
sink_tx() { dev_tx "/proc/$HOLDER/net/dev" sink0 || die "no sink0"; }
# idle I: CPU I's path out of the window: its device sends one packet
# and stops, and its thread sleeps
idle() {
	echo "count 1" >"$PG/veth-r$1" || die "pktgen: count on veth-r$1"
}
# window CONFIG CYCLE KIND PATH...
window() {
	local config=$1 cycle=$2 kind=$3 i s0 inj=0 start r
	shift 3
	local -A k0 k1 n0 n1
	configure "$config"
	case " $* " in *" 0 "*) ;; *) idle 0 ;; esac
	case " $* " in *" 1 "*) ;; *) idle 1 ;; esac
	sink_tx
	s0=$REPLY
	echo start >&"$PG_IN"
	for i in "$@"; do
		start=$SECONDS
		until pg_sofar "$i" && [ "${REPLY% *}" -gt 0 ]; do
			[ $((SECONDS - start)) -lt 30 ] || die "$config: pktgen on veth-r$i sent nothing in 30 s"
			nap 0.02
		done
	done
	nap "$WARM"
	for i in "$@"; do
		pg_sofar "$i"; k0[$i]=${REPLY% *}
		cpu_ns "$i"; n0[$i]=$REPLY
	done
	nap "$SECS"
	for i in "$@"; do
		pg_sofar "$i"; k1[$i]=${REPLY% *}
		cpu_ns "$i"; n1[$i]=$REPLY
	done
	echo stop >&"$PG_IN"
	read -r -t 30 -u "$PG_OUT" r || die "pktgen did not stop"
	[ "$r" = stopped ] || die "pktgen: $r"
	for i in 0 1; do
		pg_sofar "$i"
		[ "${REPLY#* }" -eq 0 ] || die "$config: pktgen on veth-r$i counts ${REPLY#* } errors"
		inj=$((inj + ${REPLY% *}))
	done
	# everything injected left by sink0 (pktgen's count may miss the
	# packet in flight when it stops: one per path)
	start=$SECONDS
	while sink_tx && { [ $((REPLY - s0)) -lt $inj ] || [ $((REPLY - s0)) -gt $((inj + 2)) ]; }; do
		if [ $((SECONDS - start)) -ge 2 ]; then
			# what dropped them (set +e: under pipefail a truncated
			# listing would end the script before its FAIL line)
			set +e
			inr "$SRTPCTL" -j stats
			inr "$SRTPCTL" -j stream show | head -c 1500
			inr nstat -a | grep -i -e drop -e err -e discard | head -n 20
			die "$config $kind: sink0 forwarded $((REPLY - s0)) of $inj packets"
		fi
		nap 0.02
	done
	local line="RESULT $config $cycle $kind"
	for i in 0 1; do
		if [ -n "${k0[$i]:-}" ]; then
			line="$line $((k1[$i] - k0[$i])):$((n1[$i] - n0[$i]))"
		else
			line="$line 0:0"
		fi
	done
	echo "$line"
}

t0=$SECONDS
for cycle in $(seq "$PAIRS"); do
	for config in plain protect rtcp same; do
		window "$config" "$cycle" a0 0
		window "$config" "$cycle" a1 1
		window "$config" "$cycle" b 0 1
		window "$config" "$cycle" b 0 1
		window "$config" "$cycle" a1 1
		window "$config" "$cycle" a0 0
	done
done
info "$PAIRS cycles in $((SECONDS - t0)) s"
# every stream transformed packets and dropped none
inr "$SRTPCTL" -j stream show >"$tmp/show"
python3 - "$tmp/show" "$FLOWS" <<'EOF'
import json, sys
streams = json.load(open(sys.argv[1]))
want = 2 * int(sys.argv[2]) + 2
bad = [s for s in streams if not s["packets"] or s["drops"] or s["rtcp-drops"]]
total = sum(s["packets"] for s in streams)
rtcp = sum(s["rtcp-packets"] for s in streams)
if len(streams) != want or bad:
    print(f"FAIL scale.sh: {len(streams)} streams of {want}; idle or dropping: "
          f"{json.dumps(bad[:3])}")
    sys.exit(1)
print(f"INFO {len(streams)} streams, {total} packets protected ({rtcp} RTCP), none dropped")
EOF
echo DONE
