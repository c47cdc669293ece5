#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel datapath benchmark: the guest side of scripts/bench-kernel (run by
# scripts/vm; needs pktgen, dummy, veth, nft).  Every configuration is
# measured in this one boot, so their ratios mean something under TCG.
#
# Router namespace R forwards to 10.0.2.0/24 through a dummy device
# (which frees what it is given and counts it); R's forwarding rate is the
# dummy's tx_packets over a timed window.  pktgen (xmit_mode netif_receive,
# dst_mac = the ingress device's MAC, source 10.0.1.1, not local) runs on
# CPU 0 and, with bottom halves disabled, carries each packet through the
# whole path, so the rate is the inverse of the per-packet cost of pktgen
# + the router (one CPU, nothing queued, nothing lost).
#
#   direct  pktgen on R's ingress veth-ra: 10.0.1.1:4000 -> 10.0.2.1:5000
#           (a protect stream's flow) or :7000 (no stream's flow), UDP
#           payload 172 bytes, made RTP by an nftables rule in R (below).
#   chain   pktgen on namespace P's ingress (a dummy): 10.0.1.1:4002 ->
#           10.0.2.1:5002; an nftables rule in P writes a moving RTP
#           sequence number (numgen inc), P protects with the module and
#           forwards to R over veth-pr -> veth-ra: R gets valid SRTP
#           (AES_CM_128_HMAC_SHA1_80, SSRC and ROC moving on) and unprotects
#           it.  R's cost of unprotect is the chain's per-packet cost with
#           R's unprotect stream minus the chain's cost without it.
#
# Output: one "RESULT CONFIG RUN PPS CPU0_BUSY_PERMILLE BACKLOG_DROPS" line
# per window, "INFO ..." lines, and "DONE" at the end.
#
# Rounds: without and with the module (rmmod/insmod each round) for the
# baseline and the one-stream rows, so those pairs are close in time; then
# the larger tables; then the baseline again (drift check).
#
# Environment: BENCH_RUNS (3), BENCH_SECONDS (3), BENCH_STREAMS ("1000
# 100000": the table sizes after the 1-stream rows), BENCH_BUDGET (1500:
# seconds after which no more streams are added; the rows are then
# measured at the size reached, and an INFO line says so).
set -euo pipefail
RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SECONDS:-3}
SIZES=${BENCH_STREAMS:-"1000 100000"}
BUDGET=${BENCH_BUDGET:-1500}
SRTPCTL=$NFSRTP_TOP/build/bin/srtpctl
KEY='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
SUITE=AES_CM_128_HMAC_SHA1_80
R=bench-r
P=bench-p
RA_MAC=02:00:00:00:00:02
PIN_MAC=02:00:00:00:00:09
PG=/proc/net/pktgen
tmp=$(mktemp -d)

info() { echo "INFO $*"; }
die() {
	echo "FAIL pktgen.sh: $*" >&2
	exit 1
}
# wait_until SECONDS CMD...: poll CMD, at most SECONDS.
wait_until() {
	local limit=$1 start=$SECONDS
	shift
	until "$@"; do
		[ $((SECONDS - start)) -lt "$limit" ] || die "timed out after ${limit}s: $*"
		sleep 0.05
	done
}
inr() { ip netns exec "$R" "$@"; }
ctl() { ip netns exec "$R" "$SRTPCTL" "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

PG_NS=
cleanup() {
	set +e
	[ -z "$PG_NS" ] || ip netns exec "$PG_NS" sh -c "echo stop > $PG/pgctrl" 2>/dev/null
	ip netns del "$P" 2>/dev/null
	ip netns del "$R" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# --- topology ---
modprobe pktgen
modprobe dummy
modprobe veth
for ns in "$R" "$P"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.default.rp_filter=0
done
ip link add veth-pr netns "$P" address 02:00:00:00:00:01 type veth \
	peer name veth-ra netns "$R" address "$RA_MAC"
ip -n "$R" addr add 10.0.3.254/24 dev veth-ra
ip -n "$R" link set veth-ra up
ip -n "$R" link add sink0 type dummy
ip -n "$R" addr add 10.0.2.254/24 dev sink0
ip -n "$R" link set sink0 up
ip -n "$P" link add pin0 address "$PIN_MAC" type dummy
ip -n "$P" addr add 10.0.9.254/24 dev pin0
ip -n "$P" link set pin0 up
ip -n "$P" addr add 10.0.3.1/24 dev veth-pr
ip -n "$P" link set veth-pr up
ip -n "$P" route add 10.0.2.0/24 via 10.0.3.254
ip -n "$P" neigh replace 10.0.3.254 lladdr "$RA_MAC" dev veth-pr nud permanent
# pktgen's payload is no valid RTP (its magic reads as P=1, X=1, CC=14:
# protect drops it as malformed) and its sequence number is constant.  A
# raw-priority nftables rule, in R for the direct flows (in every
# configuration, the baseline too) and in P for the chain's, makes it
# RTP: first two bytes 0x8000 (V=2, PT 0), then a sequence number that
# moves by one a packet (the 32-bit word 0x80000000 + counter mod 65536).
nft_rtp() {
	printf '%s\n' 'table ip bench {' '	chain pre {' \
		'		type filter hook prerouting priority raw; policy accept;' \
		"		udp dport $2 @th,64,32 set numgen inc mod 65536 offset 0x80000000" \
		'	}' '}' >"$tmp/nft"
	ip netns exec "$1" nft -f "$tmp/nft" || die "nft in $1"
}
nft_rtp "$R" '{ 5000, 7000 }'
nft_rtp "$P" 5002
# pktgen's kpktgend_0 and the softirqs it runs are CPU 0; this script and
# its sampling run on CPU 1, out of their way.
taskset -p -c 1 $$ >/dev/null

# --- measuring: one window of R's forwarding ---
# window CONFIG RUN: SECS seconds of sink0's tx counter, CPU 0's busy share
# and the backlog drops, sampled by one bash inside R.
window() {
	local out p0 p1 t0 t1 b0 a0 b1 a1 drops
	# shellcheck disable=SC2016
	out=$(inr bash -c '
		f=/sys/class/net/sink0/statistics/tx_packets
		cpu0() { local l; while read -r l; do
			case $l in "cpu0 "*) set -- $l
			echo $(($2 + $3 + $4 + $7 + $8 + $9)) $(($2 + $3 + $4 + $5 + $6 + $7 + $8 + $9)); return ;;
			esac; done </proc/stat; }
		drops() { local n=0 l; while read -r l; do
			set -- $l; n=$((n + 16#$2)); done </proc/net/softnet_stat; echo $n; }
		read -r p0 <$f; t0=$EPOCHREALTIME; c0=$(cpu0); d0=$(drops)
		sleep "$1"
		read -r p1 <$f; t1=$EPOCHREALTIME; c1=$(cpu0); d1=$(drops)
		echo "$p0 $p1 $t0 $t1 $c0 $c1 $((d1 - d0))"' _ "$SECS")
	read -r p0 p1 t0 t1 b0 a0 b1 a1 drops <<<"$out"
	[ "$p1" -gt "$p0" ] || { diag; die "$1 run $2: nothing forwarded"; }
	awk -v c="$1" -v r="$2" -v p0="$p0" -v p1="$p1" -v t0="$t0" -v t1="$t1" \
		-v b=$((b1 - b0)) -v a=$((a1 - a0)) -v d="$drops" 'BEGIN {
		printf "RESULT %s %s %.0f %d %d\n", c, r, (p1 - p0) / (t1 - t0),
			a ? 1000 * b / a : 0, d }'
}

# diag: what the streams and devices saw, for a failed window
diag() {
	local n
	for n in "$P" "$R"; do
		echo "$n: $(ip netns exec "$n" "$SRTPCTL" -s stream show 2>&1 | head -n 30)" >&2
		echo "$n: $(ip netns exec "$n" "$SRTPCTL" stats 2>&1)" >&2
		ip -n "$n" -s link show >&2
	done
}
sink_tx() { inr cat /sys/class/net/sink0/statistics/tx_packets; }
sink_moved_from() { [ "$(sink_tx)" -gt "$1" ]; }

# pktgen_setup direct|chain DPORT: kpktgend_0 of R (on veth-ra) or of P
# (on pin0), the other one emptied; one shell per namespace.
pktgen_setup() {
	local n ns dev mac sport dport=$2
	if [ "$1" = direct ]; then
		ns=$R dev=veth-ra mac=$RA_MAC sport=4000
	else
		ns=$P dev=pin0 mac=$PIN_MAC sport=4002
	fi
	for n in "$R" "$P"; do
		ip netns exec "$n" sh -c "echo rem_device_all > $PG/kpktgend_0" ||
			die "pktgen: rem_device_all"
	done
	# UDP payload = pkt_size - 14 - 20 - 8.  NO_TIMESTAMP: else the RTP
	# SSRC is pktgen's tv_sec, a new SSRC every second.
	# shellcheck disable=SC2016
	ip netns exec "$ns" sh -ec '
		pg() { echo "$1" >"$2"; }
		pg "add_device $1" /proc/net/pktgen/kpktgend_0
		f=/proc/net/pktgen/$1
		for c in "count 0" "clone_skb 0" "xmit_mode netif_receive" "burst 1" \
			"delay 0" "pkt_size $((14 + 20 + 8 + 172))" "dst_mac $2" \
			"src_min 10.0.1.1" "src_max 10.0.1.1" "dst 10.0.2.1" \
			"udp_src_min $3" "udp_src_max $3" "udp_dst_min $4" "udp_dst_max $4"; do
			pg "$c" "$f"
		done
		pg "flag NO_TIMESTAMP" "$f" 2>/dev/null ||
			echo "INFO pktgen: no NO_TIMESTAMP flag, the RTP SSRC changes every second"' _ "$dev" "$mac" "$sport" "$dport" || die "pktgen setup on $dev failed"
	PG_NS=$ns
}
PG_PID=
pktgen_start() {
	local c0
	c0=$(sink_tx)
	ip netns exec "$PG_NS" sh -c "echo start > $PG/pgctrl" &
	PG_PID=$!
	local start=$SECONDS
	until sink_moved_from "$c0"; do
		if [ $((SECONDS - start)) -ge 30 ]; then
			diag
			die "nothing reached R's egress within 30s"
		fi
		sleep 0.05
	done
}
pktgen_stop() {
	local i
	ip netns exec "$PG_NS" sh -c "echo stop > $PG/pgctrl" || die "pktgen: stop"
	for i in $(seq 100); do
		kill -0 "$PG_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ "$i" -lt 100 ] || die "pktgen did not stop"
	wait "$PG_PID" || true
}
# measure direct|chain DPORT CONFIG RUN
measure() {
	pktgen_setup "$1" "$2"
	pktgen_start
	sleep 0.3
	window "$3" "$4"
	pktgen_stop
}

# --- streams ---
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
# add_unrelated N FIRST: in batches of 10000 while within BUDGET; prints
# how many it added.
add_unrelated() {
	local n=$1 first=$2 done_=0 k t0
	t0=$(now)
	while [ $done_ -lt "$n" ]; do
		if [ $SECONDS -ge "$BUDGET" ]; then
			info "stream budget (${BUDGET}s) spent: stopped at $((first + done_)) of $((first + n)) streams"
			break
		fi
		k=$((n - done_ > 10000 ? 10000 : n - done_))
		unrelated "$k" $((first + done_)) >"$tmp/batch"
		ctl -b "$tmp/batch" >/dev/null || die "adding streams failed at $((first + done_))"
		done_=$((done_ + k))
	done
	info "added $done_ unrelated streams in $(elapsed "$t0") s; now $(ctl -j stats | grep -o '"streams":[0-9]*'); MemAvailable $(awk '/MemAvailable/ { print $2 }' /proc/meminfo) kB" >&2
	echo $done_
}
stream_id() { grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2; }
# add_stream NS OP SPORT DPORT: prints the new stream's id
add_stream() {
	local id
	id=$(ip netns exec "$1" "$SRTPCTL" -j stream add "$2" src "10.0.1.1:$3" \
		dst "10.0.2.1:$4" suite $SUITE key "$KEY" | stream_id)
	[ -n "$id" ] || die "$2 stream not added in $1"
	echo "$id"
}
# check_stream NS ID WHAT: it transformed packets and dropped none.
check_stream() {
	local j
	j=$(ip netns exec "$1" "$SRTPCTL" -j stream show "$2")
	grep -q '"packets":[1-9]' <<<"$j" || die "$3 stream transformed nothing: $j"
	grep -q '"drops":{}' <<<"$j" || die "$3 stream dropped packets: $j"
	info "$3 stream: $(grep -o '"packets":[0-9]*,"bytes":[0-9]*' <<<"$j"), no drops"
}

info "kernel $(uname -r), $(getconf _NPROCESSORS_ONLN) CPUs, window ${SECS}s, $RUNS runs"
t_all=$(now)

# fresh_srtp: P's protect stream and R's unprotect stream created anew
# together, so sender and receiver start in step (a receiver added while
# the sender's ROC is already past 0 would refuse every packet).
fresh_srtp() {
	[ -z "$UNPROT_ID" ] || ctl stream del "$UNPROT_ID"
	[ -z "$PP_ID" ] || ip netns exec "$P" "$SRTPCTL" stream del "$PP_ID"
	PP_ID=$(add_stream "$P" protect 4002 5002)
	UNPROT_ID=$(add_stream "$R" unprotect 4002 5002)
}
PP_ID=
UNPROT_ID=

# --- 1. rounds: no module, then the module with 0 and 1 stream ---
for dep in $(modinfo -F depends "$NFSRTP_KO" | tr , ' '); do
	modprobe "$dep"
done
for run in $(seq "$RUNS"); do
	rmmod nf_srtp
	measure direct 5000 base "$run"
	measure chain 5002 cbase "$run"
	insmod "$NFSRTP_KO"
	UNPROT_ID=
	PP_ID=$(add_stream "$P" protect 4002 5002)
	measure direct 5000 loaded "$run"
	measure chain 5002 cprotect "$run"
	PROT_ID=$(add_stream "$R" protect 4000 5000)
	measure direct 5000 protect-1 "$run"
	check_stream "$R" "$PROT_ID" protect
	ctl stream del "$PROT_ID"
	fresh_srtp
	measure chain 5002 unprotect-1 "$run"
	check_stream "$R" "$UNPROT_ID" unprotect
	check_stream "$P" "$PP_ID" "P's protect"
done
PROT_ID=$(add_stream "$R" protect 4000 5000)

# --- 2. larger tables: both matching streams and unrelated ones ---
have=2
for n in $SIZES; do
	[ "$n" -gt "$have" ] || continue
	added=$(add_unrelated $((n - have)) "$have")
	[ "$added" -gt 0 ] || break
	have=$((have + added))
	for run in $(seq "$RUNS"); do
		measure direct 5000 "protect-$have" "$run"
		measure direct 7000 "nomatch-$have" "$run"
		fresh_srtp
		measure chain 5002 "unprotect-$have" "$run"
	done
	check_stream "$R" "$PROT_ID" protect
	check_stream "$R" "$UNPROT_ID" unprotect
	[ "$have" -eq "$n" ] || break
done
echo "SIZE $have"

# --- 3. the baseline again ---
t0=$(now)
rmmod nf_srtp
info "rmmod with $have streams took $(elapsed "$t0") s"
for run in $(seq "$RUNS"); do
	measure direct 5000 base $((RUNS + run))
done
info "total $(elapsed "$t_all") s"
echo DONE
