#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 7983 on a stream's ports: phones send STUN (ICE checks, keepalives)
# to the address and port of their RTP.  A STUN message a protect or an
# unprotect stream matches arrives unchanged, is counted as STUN and
# moves no drop counter; the stream's SRTP before and after it is
# transformed as ever.  What is neither RTP nor STUN (ZRTP, DTLS, TURN
# channel data, RFC 3489 STUN without the magic cookie) is dropped,
# counted as not-rtp, and never delivered.  Over IPv4 and IPv6.
. "$(dirname "$0")/lib.bash"
trap topo_cleanup EXIT
topo_pair

K='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
S=AES_CM_128_HMAC_SHA1_80
STUNPY=$NFSRTP_TOP/tests/tools/stun.py
tmp=$(mktemp -d)
a() { "$SRTPCTL" -n nfsrtp-a "$@"; }

# stream_get ID EXPR: EXPR of the stream's srtpctl -j record (as d)
stream_get() {
	json_get "$(a -j stream show "$1")" "(lambda d: $2)(d[0])"
}
drops_of() { stream_get "$1" 'json.dumps(d["drops"], sort_keys=True)'; }
stun_is() { [ "$(stream_get "$1" 'd["stun"]')" = "$2" ]; }
packets_is() { [ "$(stream_get "$1" 'd["packets"]')" = "$2" ]; }
not_rtp_is() { [ "$(stream_get "$1" 'd["drops"].get("not-rtp", 0)')" = "$2" ]; }

# stun_rx NS ADDR PORT: a receiver of every datagram, its PID in $SRX
stun_rx() {
	: >"$tmp/rx"
	ip netns exec "$1" python3 "$STUNPY" recv --bind "$2" --port "$3" >"$tmp/rx" 2>&1 &
	SRX=$!
	wait_for 20 grep -q listening "$tmp/rx"
}

# check_delivery RTPLEN: the receiver got the STUN messages sent (in
# $tmp/sent, lines "KIND HEX") byte for byte and in order, 10 RTP or
# SRTP packets of RTPLEN bytes, and nothing else
check_delivery() {
	wait "$SRX" || fail "receiver: $(tail -n 3 "$tmp/rx")"
	local want got rtp all
	want=$(awk '{print $2}' "$tmp/sent")
	got=$(awk '$1 != "listening" && $2 !~ /^[89ab]/ {print $2}' "$tmp/rx")
	[ "$got" = "$want" ] || fail "STUN delivered: $got, sent: $want"
	rtp=$(awk -v n="$1" '$1 == n && $2 ~ /^80/' "$tmp/rx" | wc -l)
	all=$(grep -vc listening "$tmp/rx")
	[ "$rtp" = 10 ] || fail "$rtp packets of $1 bytes: $(cat "$tmp/rx")"
	[ "$all" = $((10 + $(wc -l <"$tmp/sent"))) ] ||
		fail "other datagrams delivered: $(cat "$tmp/rx")"
	echo "    delivered: $(wc -l <"$tmp/sent") STUN unchanged, 10 media of $1 bytes, nothing else"
}

# one_way FAMILY OP PORT_A PORT_B: a stream of operation OP on A, STUN
# and the rest sent on its ports.  Protect: A sends RTP (SRTP of 182
# bytes at B); unprotect: B sends SRTP (RTP of 172 bytes at A).
one_way() {
	local op=$2 a_ip=10.0.1.1 b_ip=10.0.1.2 ea eb
	local id tx_ns rx_ns src dst sport rx_ip rx_port len key=() bad
	if [ "$1" = 6 ]; then a_ip=fd00:1::1 b_ip=fd00:1::2; fi
	ea=$a_ip:$3 eb=$b_ip:$4
	if [ "$1" = 6 ]; then ea="[$a_ip]:$3" eb="[$b_ip]:$4"; fi
	if [ "$op" = protect ]; then
		id=$(json_get "$(a -j stream add protect src "$ea" dst "$eb" \
			suite $S key "$K")" 'd["id"]')
		tx_ns=nfsrtp-a rx_ns=nfsrtp-b src=$ea dst=$eb sport=$3
		rx_ip=$b_ip rx_port=$4 len=182
	else
		id=$(json_get "$(a -j stream add unprotect src "$eb" dst "$ea" \
			suite $S key "$K")" 'd["id"]')
		tx_ns=nfsrtp-b rx_ns=nfsrtp-a src=$eb dst=$ea sport=$4
		rx_ip=$a_ip rx_port=$3 len=172 key=(--suite "$S" --key "$K")
	fi
	stun_rx "$rx_ns" "$rx_ip" "$rx_port"

	# media, STUN, media: the stream's SRTP goes on around the STUN
	ip netns exec $tx_ns "$RTPWIRE" send --dst "$dst" --src-port "$sport" \
		--count 5 "${key[@]}" >/dev/null
	ip netns exec $tx_ns python3 "$STUNPY" send --src "$src" --dst "$dst" \
		binding binding response keepalive >"$tmp/sent"
	wait_for 20 stun_is "$id" 4
	ip netns exec $tx_ns "$RTPWIRE" send --dst "$dst" --src-port "$sport" \
		--count 5 --offset 5 "${key[@]}" >/dev/null
	wait_for 20 packets_is "$id" 10
	[ "$(drops_of "$id")" = '{}' ] || fail "STUN moved a drop counter: $(drops_of "$id")"

	# what is neither RTP nor STUN: dropped, counted, never delivered
	bad=$(ip netns exec $tx_ns python3 "$STUNPY" send --src "$src" --dst "$dst" \
		zrtp dtls turn rfc3489)
	wait_for 20 not_rtp_is "$id" 4
	[ "$(drops_of "$id")" = '{"not-rtp": 4}' ] || fail "drop counters: $(drops_of "$id")"
	# the receiver stops at this one: the rest would have come before it
	ip netns exec $tx_ns python3 "$STUNPY" send --src "$src" --dst "$dst" stop >>"$tmp/sent"
	check_delivery $len
	if grep -qF "$(awk '$1 == "turn" {print $2}' <<<"$bad")" "$tmp/rx"; then
		fail "TURN channel data delivered"
	fi
	stun_is "$id" 5 || fail "STUN count: $(stream_get "$id" 'd["stun"]')"
	packets_is "$id" 10 || fail "media packets: $(stream_get "$id" 'd["packets"]')"
	echo "    stream $id: $(a -s stream show "$id" | tail -n 2 | tr -s ' ' | paste -sd ';')"
}

step "IPv4 protect stream: STUN from A to B passes, the rest is dropped at A"
one_way 4 protect 4020 5020
step "IPv4 unprotect stream: STUN from B to A passes, the rest is dropped at A"
one_way 4 unprotect 4022 5022
step "IPv6 protect stream"
one_way 6 protect 4024 5024
step "IPv6 unprotect stream"
one_way 6 unprotect 4026 5026

step "the namespace's totals count STUN and not-rtp, and nothing else"
st=$(a -j stats)
echo "    $st"
[ "$(json_get "$st" 'd["stun"]')" = 20 ] || fail "STUN total: $st"
[ "$(json_get "$st" 'json.dumps(d["drops"], sort_keys=True)')" = '{"not-rtp": 16}' ] ||
	fail "drop totals: $st"
[ "$(json_get "$st" 'd["protected"] + d["unprotected"]')" = 40 ] || fail "media totals: $st"
expect_match '^protected 20 unprotected 20 stun 20$' "$(a stats)"
echo "PASS $TEST"
