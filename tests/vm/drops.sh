#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What a stream refuses is dropped, never delivered, and counted per
# reason (and RTCP's drops apart from RTP's): a tampered tag, a replay, a
# packet left of the replay window,
# packets too short to be RTP, an unknown MKI, a spent key, a bad UDP
# checksum on SRTP without authentication.  The rest of the flow is
# delivered intact.  GSO super-packets are segmented and each packet
# transformed, in both directions.
. "$(dirname "$0")/lib.bash"
trap topo_cleanup EXIT
topo_pair

K='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
S=AES_CM_128_HMAC_SHA1_80
tmp=$(mktemp -d)
a() { "$SRTPCTL" -n nfsrtp-a "$@"; }

# drops_of ID: the stream's drop counters as JSON
drops_of() {
	json_get "$(a -j stream show "$1")" 'json.dumps(d[0]["drops"], sort_keys=True)'
}

step "tamper, replay, too old, malformed"
id=$(json_get "$(a -j stream add unprotect src 10.0.1.2:5000 dst 10.0.1.1:4000 \
	suite $S key "$K" window 64)" 'd["id"]')
rx_start nfsrtp-a "$tmp/rx" --bind 10.0.1.1 --port 4000 --count 300 --skip 2
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4000 --src-port 5000 \
	--count 300 --suite $S --key "$K" --tamper 3 --replay 5 --late 10 \
	--garbage 4 >/dev/null
rx_wait "$tmp/rx"
got=$(drops_of "$id")
[ "$got" = '{"auth": 1, "malformed": 4, "replay": 1, "too-old": 1}' ] ||
	fail "drop counters: $got"
[ "$(json_get "$(a -j stream show "$id")" 'd[0]["packets"]')" = 298 ] ||
	fail "delivered packet count"

step "RTCP's drops apart: a tampered SRTCP report, on the RTCP port and multiplexed"
# stream_is ID EXPR: EXPR (python, s: stream ID as srtpctl -j shows it)
stream_is() {
	[ "$(json_get "$(a -j stream show "$1")" "(lambda s: $2)(d[0])")" = True ]
}
for mux in "" rtcp-mux; do
	port=$((4020 + ${#mux}))
	id=$(json_get "$(a -j stream add unprotect src 10.0.1.2:$((port + 1000)) \
		dst 10.0.1.1:$port suite $S key "$K" $mux)" 'd["id"]')
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:$port \
		--src-port $((port + 1000)) --count 100 --rtcp ${mux:+--mux} \
		--suite $S --key "$K" --tamper 5 --tamper-rtcp 3 >/dev/null
	# 99 RTP and 9 RTCP packets through, 2 dropped of which 1 RTCP
	wait_for 20 stream_is "$id" 's["packets"] == 99 + 9 and s["rtcp-packets"] == 9'
	stream_is "$id" 's["drops"] == {"auth": 2} and s["rtcp-drops"] == 1' ||
		fail "${mux:-RTCP port}: $(a -j stream show "$id")"
	echo "    ${mux:-RTCP port}: $(json_get "$(a -j stream show "$id")" '"packets %d (RTCP %d), drops %s, of them RTCP %d" % (d[0]["packets"], d[0]["rtcp-packets"], d[0]["drops"], d[0]["rtcp-drops"])')"
done

step "unknown MKI"
id=$(json_get "$(a -j stream add unprotect src 10.0.1.2:5002 dst 10.0.1.1:4002 \
	suite $S key "$K|1:4")" 'd["id"]')
rx_start nfsrtp-a "$tmp/rx" --bind 10.0.1.1 --port 4002 --count 20 --timeout 3
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4002 --src-port 5002 \
	--count 20 --suite $S --key "$K|7:4" >/dev/null
wait "$RX_PID" && fail "packets with an unknown MKI were delivered"
expect_match '^received rtp 0/20' "$(tail -n 1 "$tmp/rx")"
[ "$(drops_of "$id")" = '{"unknown-mki": 20}' ] || fail "drop counters: $(drops_of "$id")"

step "a spent key: lifetime 100, 150 packets"
id=$(json_get "$(a -j stream add unprotect src 10.0.1.2:5004 dst 10.0.1.1:4004 \
	suite $S key "$K|100")" 'd["id"]')
rx_start nfsrtp-a "$tmp/rx" --bind 10.0.1.1 --port 4004 --count 150 --skip 50
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4004 --src-port 5004 \
	--count 150 --suite $S --key "$K" >/dev/null
rx_wait "$tmp/rx"
[ "$(drops_of "$id")" = '{"lifetime": 50}' ] || fail "drop counters: $(drops_of "$id")"

step "more SSRCs than a stream tracks: the ninth is dropped and counted"
id=$(json_get "$(a -j stream add unprotect src 10.0.1.2:5006 dst 10.0.1.1:4006 \
	suite $S key "$K")" 'd["id"]')
# One process, back to back: SSRCs idle for 30 s make room (srtp.h), so
# nine senders in turn under a slow emulated CPU would not prove the bound.
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4006 --src-port 5006 \
	--count 10 --suite $S --key "$K" --ssrc $((0x1001)) --ssrcs 9 >/dev/null
wait_for 20 srtpctl_shows nfsrtp-a '"ssrc-limit": *10' stream show $id
[ "$(json_get "$(a -j stream show "$id")" 'd[0]["packets"]')" = 80 ] || fail "packets of 8 SSRCs"

step "a packet tap on A sees the SRTP, A's socket the plain RTP (cloned skbs)"
id=$(json_get "$(a -j stream add unprotect src 10.0.1.2:5008 dst 10.0.1.1:4008 \
	suite $S key "$K")" 'd["id"]')
ip netns exec nfsrtp-a tcpdump -U -n -i veth-a -c 20 'udp dst port 4008' \
	>"$tmp/cap" 2>"$tmp/caperr" &
cap=$!
wait_for 30 grep -q 'listening on' "$tmp/caperr"
rx_start nfsrtp-a "$tmp/rx" --bind 10.0.1.1 --port 4008 --count 20
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4008 --src-port 5008 \
	--count 20 --suite $S --key "$K" >/dev/null
rx_wait "$tmp/rx"
wait "$cap" || fail "tcpdump: $(cat "$tmp/caperr")"
# 12 + 160 bytes of RTP and a 10-byte tag on the wire
[ "$(grep -c 'UDP, length 182' "$tmp/cap")" = 20 ] || fail "tap saw: $(cat "$tmp/cap")"

step "GSO super-packets (UDP_SEGMENT) are segmented, every packet transformed"
id=$(json_get "$(a -j stream add protect src 10.0.1.1:4010 dst 10.0.1.2:5010 \
	suite $S key "$K")" 'd["id"]')
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.1.2 --port 5010 --count 10 \
	--suite $S --key "$K"
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5010 --src-port 4010 \
	--count 10 --gso 4 >/dev/null
rx_wait "$tmp/rx"
expect_match '^received rtp 10/10 rtcp 0/0 bad 0' "$(tail -n 1 "$tmp/rx")"
[ "$(drops_of "$id")" = '{}' ] || fail "drop counters: $(drops_of "$id")"
# and SRTP super-packets into an unprotect stream
id=$(json_get "$(a -j stream add unprotect src 10.0.1.2:5014 dst 10.0.1.1:4014 \
	suite $S key "$K")" 'd["id"]')
rx_start nfsrtp-a "$tmp/rx" --bind 10.0.1.1 --port 4014 --count 10
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4014 --src-port 5014 \
	--count 10 --gso 4 --suite $S --key "$K" >/dev/null
rx_wait "$tmp/rx"
expect_match '^received rtp 10/10 rtcp 0/0 bad 0' "$(tail -n 1 "$tmp/rx")"
[ "$(drops_of "$id")" = '{}' ] || fail "drop counters: $(drops_of "$id")"
echo "GSO: 10 packets in super-packets of 4, each way: all delivered, none dropped"

step "UDP checksums of protected packets: left to the device where it offloads, else computed"
# A's sender leaves by veth-a: with its checksum offload on, the module
# leaves the UDP checksum to the device (CHECKSUM_PARTIAL); with it off,
# it computes it.  B's sniffer checks every checksum as on the wire.
id=$(json_get "$(a -j stream add protect src 10.0.1.1:4016 dst 10.0.1.2:5016 \
	suite $S key "$K")" 'd["id"]')
rx_start nfsrtp-b "$tmp/rx" --sniff veth-b --bind 10.0.1.2 --port 5016 --count 20 \
	--suite $S --key "$K"
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5016 --src-port 4016 \
	--count 20 >/dev/null
rx_wait "$tmp/rx"
echo "offload on: $(tail -n 1 "$tmp/rx")"
expect_match 'udp checksum bad 0 \(left to the device 20\)' "$(tail -n 1 "$tmp/rx")"
ip netns exec nfsrtp-a ethtool -K veth-a tx off >/dev/null
rx_start nfsrtp-b "$tmp/rx" --sniff veth-b --bind 10.0.1.2 --port 5016 --count 40 \
	--skip 20 --suite $S --key "$K"
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5016 --src-port 4016 \
	--count 20 --offset 20 >/dev/null
rx_wait "$tmp/rx"
ip netns exec nfsrtp-a ethtool -K veth-a tx on >/dev/null
echo "offload off: $(tail -n 1 "$tmp/rx")"
expect_match 'udp checksum bad 0 \(left to the device 0\)' "$(tail -n 1 "$tmp/rx")"

step "SRTP without authentication: a bad UDP checksum is dropped, never repaired"
id=$(json_get "$(a -j stream add unprotect src 10.0.1.2:5012 dst 10.0.1.1:4012 \
	suite $S key "$K" no-auth)" 'd["id"]')
rx_start nfsrtp-a "$tmp/rx" --bind 10.0.1.1 --port 4012 --count 20
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4012 --src-port 5012 \
	--count 20 --suite $S --key "$K" --flags no-auth >/dev/null
rx_wait "$tmp/rx"
# three damaged datagrams (flipped checksum), then one intact one
ip netns exec nfsrtp-b python3 "$NFSRTP_TOP/tests/tools/forge.py" --src 10.0.1.2:5012 \
	--dst 10.0.1.1:4012 --ssrc 0x11223344 --seq 1100,1101,1102 --bad-checksum >/dev/null
ip netns exec nfsrtp-b python3 "$NFSRTP_TOP/tests/tools/forge.py" --src 10.0.1.2:5012 \
	--dst 10.0.1.1:4012 --ssrc 0x11223344 --seq 1103 >/dev/null
wait_for 20 srtpctl_shows nfsrtp-a '"packets": *21' stream show $id
[ "$(drops_of "$id")" = '{"checksum": 3}' ] || fail "drop counters: $(drops_of "$id")"

step "unrelated traffic passes untouched"
rx_start nfsrtp-a "$tmp/rx" --bind 10.0.1.1 --port 4100 --count 50
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4100 --count 50 >/dev/null
rx_wait "$tmp/rx"
echo "PASS $TEST"
