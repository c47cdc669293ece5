#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The destination port filter (kmod/nf_srtp.h, struct
# nf_srtp_port_filter): a packet to a port that no stream of the hook's
# operation uses leaves the hook without a lookup, and a port's bit stays
# set exactly as long as a table node has it.  What the filter lets
# through is seen by a kprobe on nf_srtp_match4() (noinline: the lookup
# starts there; a kprobe event, not the function tracer, which the debug
# kernel does not have), counted over N packets to a port from a source
# no stream matches, so every packet passes through R untouched either
# way.
. "$(dirname "$0")/lib.bash"
trap topo_cleanup EXIT
topo_line

K='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
S=AES_CM_128_HMAC_SHA1_80
T=/sys/kernel/tracing
N=20
tmp=$(mktemp -d)
r() { "$SRTPCTL" -n nfsrtp-r "$@"; }
add() { json_get "$(r -j stream add "$@")" 'd["id"]'; }
mountpoint -q $T || mount -t tracefs nodev $T || fail "tracefs"
echo 'p:nfsrtp_pf/match4 nf_srtp:nf_srtp_match4' >>$T/kprobe_events ||
	fail "no kprobe on nf_srtp_match4"
echo 1 >$T/events/nfsrtp_pf/match4/enable || fail "kprobe not enabled"
# hits: the kprobe's hit count so far
hits() {
	local n
	n=$(awk '$1 == "nfsrtp_pf/match4" || $1 == "match4" { print $2 }' $T/kprobe_profile)
	[[ $n =~ ^[0-9]+$ ]] || fail "no hit count for the kprobe in kprobe_profile: '$n'"
	echo "$n"
}

# lookups PORT [ADDR]: N packets from A to PORT at ADDR (10.0.2.1), from
# source port 4200, which no stream has, all delivered; prints how many
# reached nf_srtp_match4
lookups() {
	local addr=${2:-10.0.2.1}
	local h0
	rx_start nfsrtp-b "$tmp/rx" --bind "$addr" --port "$1" --count $N
	h0=$(hits)
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst "$addr:$1" --src-port 4200 \
		--count $N >/dev/null || fail "rtpwire send"
	rx_wait "$tmp/rx"
	echo $(($(hits) - h0))
}
# expect PORT WANT WHY [ADDR]
expect() {
	local got
	got=$(lookups "$1" "${4:-}")
	[ "$got" = "$2" ] || fail "$3: $got of $N packets to port $1 were looked up, expected $2"
	echo "port $1: $got of $N packets looked up ($3)"
}

step "two unprotect streams on port 5000, one on 6000: packets to 5000 are looked up"
a=$(add unprotect src 10.0.1.1:4000 dst 10.0.2.1:5000 suite $S key "$K")
b=$(add unprotect src 10.0.1.1:4100 dst 10.0.2.1:5000 suite $S key "$K")
c=$(add unprotect src 10.0.1.1:4300 dst 10.0.2.1:6000 suite $S key "$K")
expect 5000 $N "streams $a and $b use it"
expect 7000 0 "no stream uses it"

step "one of the two deleted: port 5000 is still in use"
r stream del "$a" || fail "stream del $a"
expect 5000 $N "stream $b still uses it"

step "the last one deleted: port 5000 leaves the filter, 6000 stays"
r stream del "$b" || fail "stream del $b"
expect 5000 0 "no stream uses it any more"
expect 6000 $N "stream $c uses it"

step "a stream moved by stream set takes its port along"
# (the RTCP port moves too: its old 6001 must leave the filter)
r stream set "$c" src 10.0.1.1:4300 dst 10.0.2.1:5000 >/dev/null || fail "stream set"
expect 5000 $N "stream $c moved there"
expect 6000 0 "stream $c left it"
expect 6001 0 "stream $c's RTCP left it"
expect 5001 $N "stream $c's RTCP moved there"

step "a protect stream's port is in the other half of the filter"
r stream del "$c" || fail "stream del $c"
p=$(add protect src 10.0.1.1:4000 dst 10.0.2.1:5000 suite $S key "$K")
# Packets to the stream's own destination from another source meet its
# guard and are dropped (datapath.md), so these go to port 5000 of
# another address of B: past the filter, looked up at POST_ROUTING once,
# no match.
ip -n nfsrtp-b addr add 10.0.2.2/24 dev veth-b
expect 5000 $N "protect stream $p uses it" 10.0.2.2
r stream del "$p" || fail "stream del $p"
expect 5000 0 "no stream uses it" 10.0.2.2
echo 0 >$T/events/nfsrtp_pf/match4/enable
echo '-:nfsrtp_pf/match4' >>$T/kprobe_events
echo "PASS $TEST"
