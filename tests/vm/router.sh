#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Router: A - R - B in a line, R forwarding.  R unprotects A's SRTP into
# plain RTP toward B and protects B's RTP toward A (the bulletin's mixed
# scenario: SRTP phone, plain-RTP gateway).  Then SRTP on both legs with
# different keys: R decrypts with A's key and re-encrypts with B's.
. "$(dirname "$0")/lib.bash"
trap topo_cleanup EXIT
topo_line

KA='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
KB='inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'
S=AES_CM_128_HMAC_SHA1_80
tmp=$(mktemp -d)
r() { "$SRTPCTL" -n nfsrtp-r "$@"; }

for fam in 4 6; do
	if [ $fam = 4 ]; then a=10.0.1.1 b=10.0.2.1; ba=$a bb=$b
	else a=fd00:1::1 b=fd00:2::1; ba="[$a]" bb="[$b]"; fi

	step "IPv$fam: A's SRTP arrives at B as plain RTP"
	r stream add unprotect src "$ba:4000" dst "$bb:5000" suite $S key "$KA" >/dev/null
	rx_start nfsrtp-b "$tmp/rx" --bind "$bb" --port 5000 --count 300 --rtcp
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst "$bb:5000" --src-port 4000 \
		--count 300 --rtcp --suite $S --key "$KA" >/dev/null
	rx_wait "$tmp/rx"

	step "IPv$fam: B's plain RTP arrives at A as SRTP libsrtp2 decrypts"
	r stream add protect src "$bb:5002" dst "$ba:4002" suite $S key "$KA" >/dev/null
	rx_start nfsrtp-a "$tmp/rx" --bind "$ba" --port 4002 --count 300 --rtcp \
		--suite $S --key "$KA"
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst "$ba:4002" --src-port 5002 \
		--count 300 --rtcp >/dev/null
	rx_wait "$tmp/rx"

	step "IPv$fam: SRTP to SRTP, re-keyed from A's key to B's"
	r stream add unprotect src "$ba:4004" dst "$bb:5004" suite $S key "$KA" >/dev/null
	r stream add protect src "$ba:4004" dst "$bb:5004" suite AES_CM_128_HMAC_SHA1_32 \
		key "$KB" >/dev/null
	rx_start nfsrtp-b "$tmp/rx" --bind "$bb" --port 5004 --count 300 --rtcp \
		--suite AES_CM_128_HMAC_SHA1_32 --key "$KB"
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst "$bb:5004" --src-port 4004 \
		--count 300 --rtcp --suite $S --key "$KA" >/dev/null
	rx_wait "$tmp/rx"

	step "IPv$fam: every stream counted its packets, nothing dropped"
	out=$(r -j stream show)
	[ "$(json_get "$out" 'len(d)')" = 4 ] || fail "expected 4 streams: $out"
	[ "$(json_get "$out" 'sorted(s["packets"] for s in d)')" = "[330, 330, 330, 330]" ] ||
		fail "packet counts: $out"
	[ "$(json_get "$out" 'sum(len(s["drops"]) for s in d)')" = 0 ] || fail "drops: $out"
	r stream flush
	[ "$(r -j stream show)" = "[]" ] || fail "flush left streams"
done
echo "PASS $TEST"
