#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Events and re-keying: srtpctl monitor sees a new SSRC, the soft limit at
# half a key's lifetime, the hard limit, the switch to the next key (keys
# named by index and MKI), and a stream's removal; a key installed on the
# soft-limit event takes over at the hard limit without losing a packet
# (libsrtp2 checks every one); session parameters replaced on a live
# stream; a new session on a live stream (another call on its match)
# starts its SSRCs afresh; 24 re-keys of one stream (keys older than the active one are
# freed); namespace totals; a monitor whose socket overran says so and
# goes on.
. "$(dirname "$0")/lib.bash"
MON2=
trap 'kill $MON $MON2 2>/dev/null; topo_cleanup' EXIT
topo_pair

K1='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
K2='inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'
K3='inline:YSBuZXcgc2Vzc2lvbiBvbiB0aGUgc2FtZSBwb3J0'
S=AES_CM_128_HMAC_SHA1_80
tmp=$(mktemp -d)
a() { "$SRTPCTL" -n nfsrtp-a "$@"; }
events() { cat "$tmp/mon"; }
# has_event JSON-FRAGMENT: the monitor printed a line containing it
has_event() { grep -qF -- "$1" "$tmp/mon"; }

"$SRTPCTL" -n nfsrtp-a -j monitor >"$tmp/mon" 2>&1 &
MON=$!
wait_for 20 has_event '"monitoring"'

step "unprotect with a 100-packet key: new SSRC, soft and hard limit"
id=$(json_get "$(a -j stream add unprotect src 10.0.1.2:5000 dst 10.0.1.1:4000 \
	suite $S key "$K1|100")" 'd["id"]')
rx_start nfsrtp-a "$tmp/rx" --bind 10.0.1.1 --port 4000 --count 150 --skip 50 \
	--ssrc 0x5eed0001
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4000 --src-port 5000 \
	--count 150 --suite $S --key "$K1" --ssrc 0x5eed0001 >/dev/null
rx_wait "$tmp/rx"
wait_for 20 has_event "{\"event\":\"new-ssrc\",\"stream\":$id,\"ssrc\":$((0x5eed0001))}"
wait_for 20 has_event "{\"event\":\"soft-limit\",\"stream\":$id,\"key\":0}"
wait_for 20 has_event "{\"event\":\"hard-limit\",\"stream\":$id,\"key\":0}"
[ "$(json_get "$(a -j stream show "$id")" 'd[0]["keys"][0]["packets"]')" = 100 ] ||
	fail "key 0 did not count 100 packets"

step "protect: the next key, installed on the soft-limit event, takes over without a gap"
id=$(json_get "$(a -j stream add protect src 10.0.1.1:4002 dst 10.0.1.2:5002 \
	suite $S key "$K1|400|1:4")" 'd["id"]')
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.1.2 --port 5002 --count 600 --rtcp \
	--suite $S --key "$K1|1:4" --key "$K2|2:4"
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5002 --src-port 4002 \
	--count 300 --rtcp >/dev/null
wait_for 20 has_event "{\"event\":\"soft-limit\",\"stream\":$id,\"key\":0,\"mki\":\"00000001\"}"
a stream set "$id" key "$K2|2:4"
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5002 --src-port 4002 \
	--count 300 --rtcp --offset 300 >/dev/null
rx_wait "$tmp/rx"
wait_for 20 has_event "{\"event\":\"key-switch\",\"stream\":$id,\"key\":1,\"mki\":\"00000002\"}"
out=$(a -j stream show "$id")
[ "$(json_get "$out" '[k["packets"] for k in d[0]["keys"]]')" = "[400, 260]" ] ||
	fail "key usage: $out"
[ "$(json_get "$out" '[k["active"] for k in d[0]["keys"]]')" = "[False, True]" ] ||
	fail "active key: $out"

step "session parameters replaced on a live stream"
a stream set "$id" replace no-encrypt-rtp key "$K2"
out=$(a -j stream show "$id")
[ "$(json_get "$out" 'd[0]["flags"]')" = "['no-encrypt-rtp']" ] || fail "flags: $out"
[ "$(json_get "$out" 'len(d[0]["keys"])')" = 1 ] || fail "keys: $out"
# The new context took over the SSRC's state: the last 10 indices sent
# under the old one (seq 1590-1599) are not sent again.  (A local sender
# whose packet netfilter drops gets EPERM: one packet a sender.)
for seq in $(seq 1590 1599); do
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5002 --src-port 4002 \
		--count 1 --seq "$seq" >/dev/null 2>&1 && fail "seq $seq was sent again"
done
wait_for 20 srtpctl_shows nfsrtp-a '"tx-replay": *10' stream show $id
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.1.2 --port 5002 --count 100 --rtcp \
	--suite $S --key "$K2" --flags no-encrypt-rtp --seq 5000
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5002 --src-port 4002 \
	--count 100 --rtcp --seq 5000 >/dev/null
rx_wait "$tmp/rx"
must_fail a stream set "$id" active 3
expect_match 'no live key with this index' "$ERR"

step "a new session on the live stream: the indices of the last one are not its"
# Another call on the stream's match (srtpd turns a call's protect stream
# into a guard, and the phone's next call takes it over): with
# new-session and a new key, the SSRC's state of the last session does
# not carry over, and seq 1590-1599, refused above under the replaced
# context, go out under K3.  (Without it they would be tx-replay drops,
# and a stream that lived through many calls would refuse new SSRCs.)
must_fail a stream set "$id" new-session
expect_match 'needs new keys' "$ERR"
a stream set "$id" new-session key "$K3"
out=$(a -j stream show "$id")
[ "$(json_get "$out" 'd[0]["flags"]')" = "[]" ] || fail "flags: $out"
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.1.2 --port 5002 --count 10 \
	--suite $S --key "$K3" --seq 1590
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5002 --src-port 4002 \
	--count 10 --seq 1590 >/dev/null
rx_wait "$tmp/rx"
out=$(a -j stream show "$id")
[ "$(json_get "$out" 'd[0]["drops"]')" = "{'tx-replay': 10}" ] || fail "drops: $out"

step "re-keys without end: 24 keys through one unprotect stream, old ones freed"
# The peer moves to each new key without MKI; the module follows on the
# first packet that authenticates with it, and reaps the key before when
# the next one is added.  A stream holds 16 live keys: 24 keys prove the
# reaping, every packet checked at the receiver.
rid=$(json_get "$(a -j stream add unprotect src 10.0.1.2:5004 dst 10.0.1.1:4004 \
	suite $S key "$K1")" 'd["id"]')
# shellcheck disable=SC2207 # base64 has no blanks
keys=($(python3 -c '
import base64, hashlib
for i in range(1, 25):
	print("inline:" + base64.b64encode(hashlib.sha256(b"k%d" % i).digest()[:30]).decode())'))
[ "${#keys[@]}" = 24 ] || fail "24 keys: ${keys[*]}"
# Bounded: 24 rounds of two process starts under TCG take a while.
rx_start nfsrtp-a "$tmp/rx" --bind 10.0.1.1 --port 4004 --count 125 --timeout 240
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4004 --src-port 5004 \
	--count 5 --suite $S --key "$K1" >/dev/null
for i in $(seq 1 24); do
	a stream set "$rid" key "${keys[i - 1]}"
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4004 --src-port 5004 \
		--count 5 --offset $((5 * i)) --suite $S --key "${keys[i - 1]}" >/dev/null
done
rx_wait "$tmp/rx"
out=$(a -j stream show "$rid")
# Key 24 is active; key 23 is still there (nothing was added after the
# switch to 24), everything older was reaped.
[ "$(json_get "$out" '[k["index"] for k in d[0]["keys"]]')" = "[23, 24]" ] ||
	fail "live keys after 24 re-keys: $out"
[ "$(json_get "$out" '[k["active"] for k in d[0]["keys"]]')" = "[False, True]" ] ||
	fail "active key after 24 re-keys: $out"
[ "$(json_get "$out" 'd[0]["packets"]')" = 125 ] || fail "packets: $out"
[ "$(json_get "$out" 'd[0]["drops"]')" = "{}" ] || fail "drops: $out"
echo "after 24 re-keys: keys $(json_get "$out" '[(k["index"], k["packets"]) for k in d[0]["keys"]]')"
a stream del "$rid"

step "removal is announced; namespace totals add up"
a stream del "$id"
wait_for 20 has_event "{\"event\":\"stream-del\",\"stream\":$id}"
out=$(a -j stats)
# 150 + 600 + 100 + 10 RTP, 60 + 10 RTCP; unprotected 100 + 125,
# lifetime drops 50
[ "$(json_get "$out" 'd["protected"]')" = 780 ] || fail "protected total: $out"
[ "$(json_get "$out" 'd["unprotected"]')" = 225 ] || fail "unprotected total: $out"
[ "$(json_get "$out" 'd["drops"]')" = "{'lifetime': 50, 'tx-replay': 10}" ] ||
	fail "drop totals: $out"
echo "events seen:"
events

step "a monitor whose socket overran says so and goes on"
# Its output goes to a reader that reads nothing until told: once the
# pipe is full the monitor stops reading, and 3000 stream-del events
# overrun its socket.
mkfifo "$tmp/go"
"$SRTPCTL" -n nfsrtp-a -j monitor 2>&1 |
	{ read -r _ <"$tmp/go"; cat; } >"$tmp/mon2" &
MON2=$!
# joined: a second generic netlink socket in A with a group (the first
# is the monitor of the steps above)
two_listeners() {
	[ "$(ip netns exec nfsrtp-a awk '$2 == 16 && $4 != "00000000"' \
		/proc/net/netlink | wc -l)" -ge 2 ]
}
wait_for 20 two_listeners
for i in $(seq 0 2999); do
	echo "stream add unprotect src 10.0.1.2 dst 10.0.1.1:$((20000 + 2 * i)) suite $S key $K1"
done >"$tmp/many"
a -b "$tmp/many" >/dev/null
a stream flush
echo go >"$tmp/go"
wait_for 60 grep -q '"events-lost"' "$tmp/mon2"
id=$(json_get "$(a -j stream add unprotect dst 10.0.1.1:4100 suite $S key "$K1")" 'd["id"]')
a stream del "$id"
wait_for 30 grep -qF "{\"event\":\"stream-del\",\"stream\":$id}" "$tmp/mon2"
echo "    $(grep -c stream-del "$tmp/mon2") of 3001 stream-del events, then events-lost, then the next"
echo "PASS $TEST"
