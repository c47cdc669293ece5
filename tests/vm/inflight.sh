#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packets of one stream in flight on both CPUs at once.  The hook runs
# the crypto outside the stream's lock, between a check under it
# (srtp_begin()) and a commit under it (srtp_end()), so two copies of one
# packet can both pass the first replay check.  Here they do: B's SRTP
# to A leaves B on veth-b and, mirrored by tc, on a second link veth-b2;
# A's RPS steers veth-a to CPU 0 and veth-a2 to CPU 1, so the two copies
# of every packet, RTP and RTCP, are unprotected at the same time on the
# two CPUs.
#   1. Each packet is accepted once: the stream's packets are what B
#      sent, every other copy is counted as a replay (replay or too-old)
#      and nothing else, and A's receiver gets the flow whole, byte for
#      byte.
#   2. The same while the stream's crypto context is replaced (a new
#      window, the state carried over) and its pin set and removed, in
#      batches of 50 (srtpctl -b): a packet decrypted across a replace is
#      dropped and counted
#      (replaced), never accepted twice; every copy is accounted for, and
#      what A's receiver gets is intact and is what the stream accepted.
# The old contexts and their keys are freed an RCU grace period after
# the replace (nf_srtp_free_later()): under the debug kernel KASAN and
# lockdep watch them.
# vm-smp: 2
. "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d)
cleanup() {
	rm -f "$tmp/run"
	topo_cleanup
}
trap cleanup EXIT
topo_pair

K='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
S=AES_CM_128_HMAC_SHA1_80
SSRC1=0x5eed0001
SSRC2=0x5eed0002
N=${INFLIGHT_PACKETS:-3000}	# RTP packets per phase (and N/10 RTCP)
a() { "$SRTPCTL" -n nfsrtp-a "$@"; }

[ "$(nproc)" -ge 2 ] || fail "this test needs two vCPUs, the guest has $(nproc)"

# stream_get ID EXPR: EXPR of the stream's srtpctl -j record (as d)
stream_get() {
	json_get "$(a -j stream show "$1")" "(lambda d: $2)(d[0])"
}
# The packets each CPU has processed (/proc/net/softnet_stat).
processed() {
	local first rest
	while read -r first rest; do
		printf '%d ' "0x$first"
	done </proc/net/softnet_stat
}
# The packets each CPU's backlog dropped (softnet_stat's second column):
# a copy lost there never reaches the stream, and the counts below
# would be off for a reason that is not the stream's.
backlog_drops() {
	local first second rest
	while read -r first second rest; do
		printf '%d ' "0x$second"
	done </proc/net/softnet_stat
}

step "a second link B -> A that gets a copy of all B sends; RPS: one CPU per link"
ip -b - <<-EOF
link add veth-a2 netns nfsrtp-a type veth peer name veth-b2 netns nfsrtp-b
EOF
mac=$(ip -n nfsrtp-a -br link show veth-a | awk '{print $3}')
ip -n nfsrtp-a link set veth-a2 address "$mac" up
ip -n nfsrtp-b link set veth-b2 up
ip netns exec nfsrtp-a sh -c '
	for f in all default veth-a veth-a2; do
		echo 0 >/proc/sys/net/ipv4/conf/$f/rp_filter
	done
	echo 1 >/sys/class/net/veth-a/queues/rx-0/rps_cpus
	echo 2 >/sys/class/net/veth-a2/queues/rx-0/rps_cpus'
ip netns exec nfsrtp-b sh -c '
	tc qdisc add dev veth-b clsact &&
	tc filter add dev veth-b egress matchall action mirred egress mirror dev veth-b2' ||
	fail "tc could not mirror veth-b onto veth-b2"
id=$(a stream add unprotect src 10.0.1.2:5000 dst 10.0.1.1:4000 \
	suite $S key "$K" | awk '/^stream/ {print $2}')
[ -n "$id" ] || fail "no stream id"

# run_flow SSRC TIMEOUT PAYLOAD: B sends N RTP packets of SSRC with
# PAYLOAD bytes each (and their RTCP), protected with libsrtp2; A's
# receiver takes them (waited for by the
# caller: rx_wait, or wait "$RX_PID").  The sender's summary is left in
# $tmp/tx, the receiver's in $tmp/rx.  A new SSRC per flow: each sender
# process numbers its SRTCP from the start.
run_flow() {
	rx_start nfsrtp-a "$tmp/rx" --bind 10.0.1.1 --port 4000 \
		--count "$N" --rtcp --ssrc "$1" --seq 1000 --timeout "$2" \
		--payload "$3"
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4000 \
		--src-port 5000 --count "$N" --rtcp --ssrc "$1" --seq 1000 \
		--suite $S --key "$K" --interval-us 100 --payload "$3" \
		>"$tmp/tx" 2>&1 ||
		fail "sender: $(cat "$tmp/tx")"
}

# counts ID: "packets replay too-old replaced other-drops" of the stream
counts() {
	stream_get "$1" '" ".join(str(x) for x in (d["packets"], d["drops"].get("replay", 0), d["drops"].get("too-old", 0), d["drops"].get("replaced", 0), sum(v for k, v in d["drops"].items() if k not in ("replay", "too-old", "replaced"))))'
}
# settled ID TOTAL: the stream has seen TOTAL packets (both copies)
settled() {
	local p r o x y
	read -r p r o x y <<<"$(counts "$1")"
	[ $((p + r + o + x + y)) -ge "$2" ]
}

step "1. both copies of every packet at once on two CPUs: each accepted once"
before=($(processed))
run_flow $SSRC1 60 160
rx_wait "$tmp/rx"
sent=$((N + N / 10))
wait_for 30 settled "$id" $((2 * sent))
read -r p r o x y <<<"$(counts "$id")"
after=($(processed))
echo "    sender: $(cat "$tmp/tx")"
echo "    receiver: $(tail -n 1 "$tmp/rx")"
echo "    stream: accepted $p, replay $r, too-old $o, replaced $x, other drops $y"
echo "    backlog drops per CPU: $(backlog_drops)"
[ "$p" = "$sent" ] || fail "the stream accepted $p packets of $sent sent"
[ $((r + o)) = "$sent" ] || fail "$((r + o)) copies counted as replays, $sent sent twice"
[ "$x" = 0 ] && [ "$y" = 0 ] || fail "unexpected drops: replaced $x, other $y"
for c in 0 1; do
	d=$((after[c] - before[c]))
	echo "    CPU $c processed $d packets"
	[ "$d" -ge "$sent" ] || fail "CPU $c processed $d packets, fewer than the $sent copies sent to it"
done

step "2. the same while the stream is replaced and pinned in a loop"
base=($(counts "$id"))
: >"$tmp/run"
# 50 replaces per srtpctl process (-b): one process each would let only a
# handful happen during the flow, under emulation.
for i in $(seq 0 24); do
	echo "stream set $id replace window $((128 + 64 * (i % 3))) key $K"
	echo "stream set $id ssrc $SSRC2"
	echo "stream set $id replace window $((256 - 64 * (i % 3))) key $K"
	echo "stream set $id ssrc none"
done >"$tmp/replaces"
(
	n=0
	while [ -e "$tmp/run" ]; do
		a -b "$tmp/replaces" >/dev/null 2>"$tmp/ctl" || break
		n=$((n + 50))
		echo "$n" >"$tmp/ctl.n"
	done
) &
ctl=$!
# The receiver may miss packets a replace dropped: its summary says.
# Packets of 1200 bytes: their crypto step lasts long enough for a
# replace to land inside one now and then (with 160 bytes, none did in
# five runs of about a thousand replaces each).
run_flow $SSRC2 20 1200
wait "$RX_PID" || true
rm -f "$tmp/run"
wait "$ctl"
[ ! -s "$tmp/ctl" ] || fail "control loop: $(cat "$tmp/ctl")"
loops=$(cat "$tmp/ctl.n" 2>/dev/null || echo 0)
wait_for 30 settled "$id" $((2 * sent + base[0] + base[1] + base[2] + base[3] + base[4]))
read -r p r o x y <<<"$(counts "$id")"
p=$((p - base[0])) r=$((r - base[1])) o=$((o - base[2]))
x=$((x - base[3])) y=$((y - base[4]))
echo "    sender: $(cat "$tmp/tx")"
echo "    receiver: $(tail -n 1 "$tmp/rx")"
echo "    $loops replaces (and as many pin changes) during the flow"
echo "    stream: accepted $p, replay $r, too-old $o, replaced $x, other drops $y"
echo "    replaces that landed inside a packet's crypto step: $x"
[ "$loops" -ge 50 ] || fail "only $loops replaces ran during the flow"
[ "$y" = 0 ] || fail "$y copies dropped for other reasons"
[ $((p + r + o + x)) = $((2 * sent)) ] ||
	fail "$((p + r + o + x)) copies accounted for, $((2 * sent)) sent"
[ "$p" -le "$sent" ] || fail "the stream accepted $p packets, only $sent were sent"
[ $((sent - p)) -le "$x" ] ||
	fail "$((sent - p)) packets never accepted, only $x copies dropped as replaced"
read -r rtp rtcp bad <<<"$(sed -n 's/^received rtp \([0-9]*\)\/[0-9]* rtcp \([0-9]*\)\/[0-9]* bad \([0-9]*\).*/\1 \2 \3/p' "$tmp/rx")"
[ "$bad" = 0 ] || fail "the receiver got $bad bad packets"
[ $((rtp + rtcp)) = "$p" ] ||
	fail "the receiver got $((rtp + rtcp)) packets, the stream accepted $p"
echo "inflight: PASS"
