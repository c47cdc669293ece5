#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Re-key without MKI through the hook: an unprotect stream holds two keys
# and no MKI; libsrtp2 in B sends the first half of an RTP flow under the
# first key and the second half under the second.  (SRTCP is left out:
# a second libsrtp2 sender would start its SRTCP index again, which the
# receiver rightly takes for replays; the unit and self-tests switch
# keys on SRTCP.)  The
# first packet of the second key fails with the active key and is tried
# with the next one, which takes over; A's socket must get every packet
# byte for byte and the stream must drop none.  For GCM that second try
# works on the copy the core kept before the first (srtp_rx_keep(), in
# the per-CPU scratch buffer, in softirq).  Run with the drivers of the
# harness's load (generic), then again with the x86 SIMD drivers.
. "$(dirname "$0")/lib.bash"
trap topo_cleanup EXIT
topo_pair

K128A='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
K128B='inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'
KGCM128A='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotQ=='
KGCM128B='inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaQ=='
KGCM256A='inline:N0PhTVOLedpCsCvO7k8RFAMHQ/g4QY9hSQhNP+DwoQ1Yh4nk3Qerd5Qu/dY='
KGCM256B='inline:M0PhTVOLedpCsCvO7k8RFAMHQ/g4QY9hSQhNP+DwoQ1Yh4nk3Qerd5Qu/dY='
tmp=$(mktemp -d)
port=6000

# run_case NAME SUITE KEY1 KEY2 "EXTRA-RTPWIRE" "EXTRA-SRTPCTL"
run_case() {
	local name=$1 suite=$2 k1=$3 k2=$4 wire=$5 ctl=$6 id out
	local a=10.0.1.1 b=10.0.1.2

	port=$((port + 4))
	step "$name: 100 packets under key 0, then 100 under key 1, no MKI"
	out=$("$SRTPCTL" -n nfsrtp-a -j stream add unprotect \
		src "$b:$port" dst "$a:$((port + 100))" suite "$suite" \
		key "$k1" key "$k2" $ctl)
	id=$(json_get "$out" 'd["id"]')
	rx_start nfsrtp-a "$tmp/rx" --bind "$a" --port $((port + 100)) \
		--count 200 $wire
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst "$a:$((port + 100))" \
		--src-port $port --count 100 --suite "$suite" --key "$k1" \
		$wire >/dev/null
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst "$a:$((port + 100))" \
		--src-port $port --count 100 --offset 100 --suite "$suite" \
		--key "$k1" --key "$k2" --key-index 1 $wire >/dev/null
	rx_wait "$tmp/rx"
	out=$("$SRTPCTL" -n nfsrtp-a -j stream show "$id")
	[ "$(json_get "$out" '[k["packets"] for k in d[0]["keys"]]')" = "[100, 100]" ] ||
		fail "$name: key usage: $out"
	[ "$(json_get "$out" '[k["active"] for k in d[0]["keys"]]')" = "[False, True]" ] ||
		fail "$name: active key: $out"
	expect_match '"drops":\{\}' "$out"
	"$SRTPCTL" -n nfsrtp-a stream del "$id"
}

run_all() {
	run_case "AEAD_AES_128_GCM" AEAD_AES_128_GCM "$KGCM128A" "$KGCM128B" "" ""
	run_case "AEAD_AES_256_GCM" AEAD_AES_256_GCM "$KGCM256A" "$KGCM256B" \
		"" ""
	run_case "AES_CM_128_HMAC_SHA1_80" AES_CM_128_HMAC_SHA1_80 "$K128A" \
		"$K128B" "" ""
}

step "with the drivers of the harness's load"
module_loaded || fail "nf_srtp not loaded by the harness"
dmesg | grep 'nf_srtp: self-tests passed' | tail -n 1
run_all

step "again with the accelerated drivers a host would have"
topo_cleanup
reload_with_simd
dmesg | grep 'nf_srtp: self-tests passed' | tail -n 1
topo_pair
run_all
echo "PASS $TEST"
