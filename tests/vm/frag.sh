#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IP fragments on a router.  R reassembles nothing until a stream that
# asks for it (reassemble, NF_SRTP_F_REASSEMBLE) is installed: before,
# every packet of a stream's flow that arrives in fragments is dropped
# and counted ("fragment"), and no packet turns reassembly on; after,
# every packet of the flow is reassembled, transformed and fragmented
# again.  Fragmented traffic of no stream passes.  Links have an MTU of
# 1280 and the RTP payload is 1400 bytes, so every media packet is two
# fragments on every link, IPv4 and IPv6.
. "$(dirname "$0")/lib.bash"
trap topo_cleanup EXIT
topo_line
for dev in nfsrtp-a:veth-a nfsrtp-r:veth-ra nfsrtp-r:veth-rb nfsrtp-b:veth-b; do
	ip -n "${dev%%:*}" link set "${dev#*:}" mtu 1280
done

K='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
S=AES_CM_128_HMAC_SHA1_80
P=1400
tmp=$(mktemp -d)
r() { "$SRTPCTL" -n nfsrtp-r "$@"; }
send() { local ns=$1; shift; ip netns exec "$ns" "$RTPWIRE" send --payload $P "$@" >/dev/null; }

# defrag: the families R reassembles for nf_srtp, comma-separated
defrag() { json_get "$(r -j stats)" '",".join(d["defrag"])'; }
drops_of() { json_get "$(r -j stream show "$1")" 'json.dumps(d[0]["drops"], sort_keys=True)'; }
packets_of() { json_get "$(r -j stream show "$1")" 'd[0]["packets"]'; }
defrag_is() { [ "$(defrag)" = "$1" ]; }
add() { json_get "$(r -j stream add "$@")" 'd["id"]'; }

drops_are() { [ "$(drops_of "$1")" = "$2" ]; }
# cold FAM ID N SENDER-NS SEND-ARGS...: N packets of stream ID's flow sent
# in fragments are dropped and counted, and reassembly stays as FAM says
cold() {
	local want=$1 id=$2 n=$3 ns=$4
	shift 4
	send "$ns" --count "$n" "$@"
	wait_for 20 drops_are "$id" "{\"fragment\": $n}"
	[ "$(packets_of "$id")" = 0 ] || fail "a fragment was transformed"
	defrag_is "$want" || fail "reassembly: $(defrag), expected \"$want\""
	echo "$n fragmented packets dropped and counted; reassembly: \"$(defrag)\""
}

step "IPv4: fragments of no stream's flow pass untouched"
id=$(add unprotect src 10.0.1.1:4000 dst 10.0.2.1:5000 suite $S key "$K")
# To the stream's port from another source: past the port filter, no match
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.2.1 --port 5000 --count 20 --payload $P
send nfsrtp-a --dst 10.0.2.1:5000 --src-port 4100 --count 20
rx_wait "$tmp/rx"
defrag_is "" || fail "reassembly on without a stream's fragment: $(defrag)"
[ "$(drops_of "$id")" = '{}' ] || fail "drops: $(drops_of "$id")"

step "IPv4 unprotect: fragmented SRTP is dropped and counted, and turns nothing on"
cold "" "$id" 20 nfsrtp-a --dst 10.0.2.1:5000 --src-port 4000 --suite $S --key "$K"

step "IPv4 unprotect: a stream that asks for reassembly turns it on; then each packet is reassembled, decrypted, sent on in fragments"
r stream set "$id" replace reassemble key "$K"
defrag_is ipv4 || fail "reassembly: $(defrag)"
expect_match ' reassemble' "$(r stream show "$id")"
# The 20 dropped packets never reached the crypto state: the flow starts
# again from its first packet.
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.2.1 --port 5000 --count 100 \
	--rtcp --payload $P
send nfsrtp-a --dst 10.0.2.1:5000 --src-port 4000 --count 100 --rtcp \
	--suite $S --key "$K"
rx_wait "$tmp/rx"
[ "$(packets_of "$id")" = 110 ] || fail "packets: $(packets_of "$id")"
[ "$(drops_of "$id")" = '{"fragment": 20}' ] || fail "drops: $(drops_of "$id")"

step "IPv4 protect: B's fragmented RTP reaches A as SRTP libsrtp2 decrypts"
id=$(add protect src 10.0.2.1:5002 dst 10.0.1.1:4002 suite $S key "$K")
rx_start nfsrtp-a "$tmp/rx" --bind 10.0.1.1 --port 4002 --count 100 --rtcp \
	--payload $P --suite $S --key "$K"
send nfsrtp-b --dst 10.0.1.1:4002 --src-port 5002 --count 100 --rtcp
rx_wait "$tmp/rx"
[ "$(packets_of "$id")" = 110 ] || fail "packets: $(packets_of "$id")"
[ "$(drops_of "$id")" = '{}' ] || fail "drops: $(drops_of "$id")"

step "IPv6 protect: a forwarded fragmented packet of the flow is dropped and counted"
id=$(add protect src "[fd00:2::1]:5004" dst "[fd00:1::1]:4004" suite $S key "$K")
cold ipv4 "$id" 1 nfsrtp-b --dst "[fd00:1::1]:4004" --src-port 5004

step "IPv6 protect: a second stream that asks for reassembly turns it on for IPv6"
id6=$(add protect src "[fd00:2::1]:5008" dst "[fd00:1::1]:4008" suite $S key "$K" reassemble)
defrag_is ipv4,ipv6 || fail "reassembly: $(defrag)"

step "IPv6 protect: then each packet of the first is reassembled, encrypted, sent on in fragments"
rx_start nfsrtp-a "$tmp/rx" --bind "[fd00:1::1]" --port 4004 --count 100 --skip 1 \
	--rtcp --payload $P --suite $S --key "$K"
send nfsrtp-b --dst "[fd00:1::1]:4004" --src-port 5004 --count 99 --offset 1 --rtcp
rx_wait "$tmp/rx"
[ "$(packets_of "$id")" = 109 ] || fail "packets: $(packets_of "$id")"

step "IPv6 unprotect: A's fragmented SRTP reaches B as plain RTP"
id=$(add unprotect src "[fd00:1::1]:4006" dst "[fd00:2::1]:5006" suite $S key "$K")
rx_start nfsrtp-b "$tmp/rx" --bind "[fd00:2::1]" --port 5006 --count 100 --rtcp \
	--payload $P
send nfsrtp-a --dst "[fd00:2::1]:5006" --src-port 4006 --count 100 --rtcp \
	--suite $S --key "$K"
rx_wait "$tmp/rx"
[ "$(packets_of "$id")" = 110 ] || fail "packets: $(packets_of "$id")"
[ "$(drops_of "$id")" = '{}' ] || fail "drops: $(drops_of "$id")"

step "the namespace's drop total"
[ "$(json_get "$(r -j stats)" 'd["drops"]')" = "{'fragment': 21}" ] ||
	fail "stats: $(r -j stats)"
echo "PASS $TEST"
