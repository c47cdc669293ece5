#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Churn: 10 000 streams added and removed while a protected flow runs,
# which must lose nothing; a namespace deleted with streams in it; the
# module unloaded with streams and traffic.  Objects are counted through
# debugfs: nothing may be left.
. "$(dirname "$0")/lib.bash"
trap topo_cleanup EXIT
topo_pair

K='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
S=AES_CM_128_HMAC_SHA1_80
N=${CHURN_STREAMS:-10000}
tmp=$(mktemp -d)
live=/sys/kernel/debug/nf_srtp/streams
a() { "$SRTPCTL" -n nfsrtp-a "$@"; }
live_is() { [ "$(cat $live)" = "$1" ]; }

step "$N streams come and go while protected flows run"
a stream add protect src 10.0.1.1:4000 dst 10.0.1.2:5000 suite $S key "$K" >/dev/null
[ "$N" -le 25000 ] || fail "at most 25000 streams (one port pair each)"
for i in $(seq 0 $((N - 1))); do
	echo "stream add unprotect src 10.0.1.2 dst 10.0.1.1:$((10000 + 2 * i)) suite $S key $K"
done >"$tmp/add"
churn() {
	a -j -b "$tmp/add" >"$tmp/ids" || return 1
	[ "$(wc -l <"$tmp/ids")" = "$N" ] || return 1
	a -j stats >"$tmp/peak"
	sed 's/.*"id":\([0-9]*\).*/stream del \1/' "$tmp/ids" >"$tmp/del"
	a -b "$tmp/del"
}
churn &
churner=$!
flows=0
seq=0
# One verified flow after another for as long as the churn runs.
while kill -0 "$churner" 2>/dev/null || [ $flows = 0 ]; do
	rx_start nfsrtp-b "$tmp/rx" --bind 10.0.1.2 --port 5000 --count 300 --rtcp \
		--suite $S --key "$K" --seq $seq --timeout 120
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5000 --src-port 4000 \
		--count 300 --rtcp --seq $seq --interval-us 1000 >/dev/null
	rx_wait "$tmp/rx"
	flows=$((flows + 1))
	seq=$((seq + 300))
done
wait "$churner" || fail "churn failed"
expect_match "\"streams\":$((N + 1))" "$(cat "$tmp/peak")"
expect_match '"streams":1' "$(a -j stats)"
wait_for 60 live_is 1
echo "$flows flows of 300 RTP + 30 RTCP packets intact during the churn"

step "a namespace deleted with its streams"
ip netns add nfsrtp-c
for i in $(seq 1 200); do
	echo "stream add protect src 10.9.0.2 dst 10.9.0.1:$((20000 + 2 * i)) suite $S key $K"
done >"$tmp/c"
"$SRTPCTL" -n nfsrtp-c -b "$tmp/c" >/dev/null
live_is 201 || fail "debugfs counts $(cat $live) streams, not 201"
ip netns del nfsrtp-c
wait_for 60 live_is 1

step "module unloaded with streams and traffic"
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.1.2 --port 5000 --count 100000 --timeout 20
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5000 --src-port 4000 \
	--count 100000 --interval-us 100 --seq 7 >/dev/null &
tx=$!
# some packets went through the stream first
wait_for 60 srtpctl_shows nfsrtp-a '"packets":[1-9]' stream show
rmmod nf_srtp
wait_for 30 bash -c '! [ -d /sys/module/nf_srtp ]'
kill "$tx" 2>/dev/null || true
wait "$tx" 2>/dev/null || true
kill "$RX_PID" 2>/dev/null || true
wait "$RX_PID" 2>/dev/null || true
echo "PASS $TEST"
