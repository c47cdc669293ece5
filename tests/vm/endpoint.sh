#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Endpoint: an application in namespace A sends plain RTP and RTCP from an
# ordinary UDP socket, nf_srtp in A protects them, and in B libsrtp2
# decrypts what came over the wire and checks every packet.  The reverse:
# B sends libsrtp2-protected packets, A's socket gets the original plain
# RTP.  Over the suites, session parameters, MKI, RTCP on port+1 and
# multiplexed, a sequence wrap (ROC 1), IPv4 and IPv6.
. "$(dirname "$0")/lib.bash"
trap topo_cleanup EXIT
topo_pair

K128='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
K256='inline:N0PhTVOLedpCsCvO7k8RFAMHQ/g4QY9hSQhNP+DwoQ1Yh4nk3Qerd5Qu/dZEQg=='
KGCM128='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotQ=='
KGCM256='inline:N0PhTVOLedpCsCvO7k8RFAMHQ/g4QY9hSQhNP+DwoQ1Yh4nk3Qerd5Qu/dY='
tmp=$(mktemp -d)
port=5000

# run_case NAME FAMILY SUITE "KEYS" "FLAGS" "EXTRA-RTPWIRE" "EXTRA-SRTPCTL"
run_case() {
	local name=$1 fam=$2 suite=$3 keys=$4 flags=$5 wire=$6 ctl=$7
	local a=10.0.1.1 b=10.0.1.2 ab ba k n out
	local -a ctlkeys=() wirekeys=()

	if [ "$fam" = 6 ]; then a='[fd00:1::1]'; b='[fd00:1::2]'; fi
	for k in $keys; do
		ctlkeys+=(key "$k")
		wirekeys+=(--key "$k")
	done
	port=$((port + 4))
	step "$name: A protects, libsrtp2 in B decrypts"
	out=$("$SRTPCTL" -n nfsrtp-a -j stream add protect \
		src "$a:$((port + 100))" dst "$b:$port" suite "$suite" \
		"${ctlkeys[@]}" $flags $ctl)
	ab=$(json_get "$out" 'd["id"]')
	rx_start nfsrtp-b "$tmp/rx" --bind "$b" --port $port --count 300 \
		--rtcp --suite "$suite" "${wirekeys[@]}" --flags "$flags" $wire
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst "$b:$port" \
		--src-port $((port + 100)) --count 300 --rtcp $wire >/dev/null
	rx_wait "$tmp/rx"
	out=$("$SRTPCTL" -n nfsrtp-a -j stream show "$ab")
	n=$(json_get "$out" 'd[0]["packets"]')
	[ "$n" = 330 ] || fail "$name: stream counted $n packets, not 330"

	step "$name: libsrtp2 in B protects, A's socket gets plain RTP"
	out=$("$SRTPCTL" -n nfsrtp-a -j stream add unprotect \
		src "$b:$((port + 2))" dst "$a:$((port + 102))" suite "$suite" \
		"${ctlkeys[@]}" $flags $ctl)
	ba=$(json_get "$out" 'd["id"]')
	rx_start nfsrtp-a "$tmp/rx" --bind "$a" --port $((port + 102)) \
		--count 300 --rtcp $wire
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst "$a:$((port + 102))" \
		--src-port $((port + 2)) --count 300 --rtcp --suite "$suite" \
		"${wirekeys[@]}" --flags "$flags" $wire >/dev/null
	rx_wait "$tmp/rx"
	out=$("$SRTPCTL" -n nfsrtp-a -j stream show "$ba")
	n=$(json_get "$out" 'd[0]["packets"]')
	[ "$n" = 330 ] || fail "$name: stream counted $n packets, not 330"
	expect_match '"drops":\{\}' "$out"
	"$SRTPCTL" -n nfsrtp-a stream del "$ab"
	"$SRTPCTL" -n nfsrtp-a stream del "$ba"
}

run_case "AES_CM_128_HMAC_SHA1_80 IPv4" 4 AES_CM_128_HMAC_SHA1_80 "$K128" "" "" ""
run_case "AES_CM_128_HMAC_SHA1_80 IPv6" 6 AES_CM_128_HMAC_SHA1_80 "$K128" "" "" ""
run_case "AES_CM_128_HMAC_SHA1_32 rtcp-mux" 4 AES_CM_128_HMAC_SHA1_32 "$K128" "" "--mux" "rtcp-mux"
run_case "ROC moves (sequence wrap)" 4 AES_CM_128_HMAC_SHA1_80 "$K128" "" "--seq 65400" ""
run_case "MKI, second key" 6 AES_CM_128_HMAC_SHA1_80 "$K128|1:4 $K128|2:4" "" "--key-index 1" ""
run_case "UNENCRYPTED_SRTP" 4 AES_CM_128_HMAC_SHA1_80 "$K128" "no-encrypt-rtp" "" ""
run_case "UNENCRYPTED_SRTCP" 4 AES_CM_128_HMAC_SHA1_80 "$K128" "no-encrypt-rtcp" "" ""
run_case "UNAUTHENTICATED_SRTP" 4 AES_CM_128_HMAC_SHA1_80 "$K128" "no-auth" "" ""
run_case "AES_256_CM_HMAC_SHA1_80" 4 AES_256_CM_HMAC_SHA1_80 "$K256" "" "" ""
run_case "AEAD_AES_128_GCM" 4 AEAD_AES_128_GCM "$KGCM128" "" "" ""
run_case "AEAD_AES_256_GCM IPv6 mux" 6 AEAD_AES_256_GCM "$KGCM256" "" "--mux" "rtcp-mux"

step "no stream left, no key in any dump"
[ "$("$SRTPCTL" -n nfsrtp-a -j stream show)" = "[]" ] || fail "streams left"
echo "PASS $TEST"
