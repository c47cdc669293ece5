#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink API: every command needs CAP_NET_ADMIN over the
# namespace; bad requests get a clear error naming the problem; no reply
# or dump carries key material (checked on the raw netlink bytes); streams
# are per namespace.
. "$(dirname "$0")/lib.bash"
trap topo_cleanup EXIT
topo_pair

K='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
S=AES_CM_128_HMAC_SHA1_80
a() { ip netns exec nfsrtp-a "$SRTPCTL" "$@"; }
TMPDIR_TEST=$(mktemp -d)

step "a stream, visible in its namespace only"
id=$(json_get "$(a -j stream add protect src 10.0.1.1:4000 dst 10.0.1.2:5000 \
	suite $S key "$K|2^20|1:4" key "$K|2^20|2:4" window 256)" 'd["id"]')
out=$(a -j stream show)
[ "$(json_get "$out" 'd[0]["id"]')" = "$id" ] || fail "stream not listed: $out"
[ "$(json_get "$out" '[k["mki"] for k in d[0]["keys"]]')" = "['00000001', '00000002']" ] ||
	fail "MKIs: $out"
[ "$(json_get "$out" 'd[0]["window"]')" = 256 ] || fail "window: $out"
[ "$(json_get "$out" 'd[0]["rtcp_dst_port"]')" = 5001 ] || fail "RTCP port: $out"
[ "$(ip netns exec nfsrtp-b "$SRTPCTL" -j stream show)" = "[]" ] || fail "stream leaked into B"
[ "$($SRTPCTL -j stream show)" = "[]" ] || fail "stream leaked into the initial namespace"
expect_match '"streams":1' "$(a -j stats)"

step "no key material in the raw netlink replies"
# The key||salt bytes, and the key and salt alone, as hex.
raw=$(printf '%s' "${K#inline:}" | base64 -d | od -An -tx1 | tr -d ' \n')
strace -f -xx -s 65536 -e trace=recvmsg,recvfrom -o "$TMPDIR_TEST/trace" \
	ip netns exec nfsrtp-a "$SRTPCTL" -s stream show >/dev/null
strace -f -xx -s 65536 -e trace=recvmsg,recvfrom -o "$TMPDIR_TEST/trace2" \
	ip netns exec nfsrtp-a "$SRTPCTL" stream show "$id" >/dev/null
bytes=$(cat "$TMPDIR_TEST/trace" "$TMPDIR_TEST/trace2" | tr -d '\\x\n')
[ ${#bytes} -gt 200 ] || fail "strace captured no netlink reply"
for needle in "${raw:0:32}" "${raw:32:28}" "${raw:8:16}"; do
	case "$bytes" in *"$needle"*) fail "key bytes $needle found in a reply" ;; esac
done
# the MKI is not secret and must be there: proves the capture works
case "$bytes" in *00000001*) ;; *) fail "MKI bytes not in the capture" ;; esac

step "every command needs CAP_NET_ADMIN over the namespace"
nobody() { ip netns exec nfsrtp-a setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all "$SRTPCTL" "$@"; }
for cmd in "stats" "stream show" "stream show $id" "stream del $id" "stream flush" \
	"stream add protect src 10.0.1.1 dst 10.0.1.2:6000 suite $S key $K"; do
	# shellcheck disable=SC2086
	must_fail nobody $cmd
	expect_match 'Operation not permitted' "$ERR"
done
expect_match '"streams":1' "$(a -j stats)"

step "bad requests are refused with a reason"
must_fail a stream add protect src 10.0.1.1:4000 dst 10.0.1.2:5000 suite $S key "$K"
expect_match 'same addresses and ports' "$ERR"
must_fail a stream add protect src 10.0.1.1:3999 dst 10.0.1.2:4999 suite $S key "$K"
expect_match 'same RTCP ports' "$ERR"
must_fail a stream add protect src 10.0.1.1 dst 10.0.1.2:5002 suite $S key "$K|1:4" key "$K"
expect_match 'MKI of the same length' "$ERR"
must_fail a stream add protect src 10.0.1.1 dst 10.0.1.2:5004 suite $S key "$K|1:4" key "$K|1:4"
expect_match 'same MKI' "$ERR"
must_fail a stream add protect src 10.0.1.1 dst 10.0.1.2:5006 suite AEAD_AES_128_GCM key "$K"
expect_match 'needs 28' "$ERR"
must_fail a stream del 999999
expect_match 'no stream with this id' "$ERR"
must_fail a stream add protect src 10.0.1.1 dst 10.0.1.2:65535 suite $S key "$K"
expect_match 'port\+1' "$ERR"
must_fail a stream add protect src 10.0.1.1 dst 10.0.1.2:5008 suite $S key "$K" rtcp-mux rtcp-port 1:2
expect_match 'RTCP ports' "$ERR"
# whatever a protect stream matches, it encrypts: never anyone's RTP
must_fail a stream add protect dst 10.0.1.2:5010 suite $S key "$K"
expect_match 'protect stream needs a source address' "$ERR"
must_fail a stream add protect src 0.0.0.0:4010 dst 10.0.1.2:5010 suite $S key "$K"
expect_match 'protect stream needs a source address' "$ERR"
must_fail a stream add protect src '[::]' dst '[fd00:1::2]:5010' suite $S key "$K"
expect_match 'protect stream needs a source address' "$ERR"
# RTCP on the RTP ports is rtcp-mux; an all-zero source is no source
must_fail a stream add protect src 10.0.1.1:4300 dst 10.0.1.2:5300 suite $S key "$K" \
	rtcp-port 4300:5300
expect_match 'RTCP ports are the RTP ports' "$ERR"
must_fail a stream add unprotect src 0.0.0.0:4000 dst 10.0.1.1:6100 suite $S key "$K"
expect_match 'a source port needs a source address' "$ERR"
# a new match that another stream holds changes nothing
id2=$(json_get "$(a -j stream add protect src 10.0.1.1:4100 dst 10.0.1.2:5100 \
	suite $S key "$K")" 'd["id"]')
must_fail a stream set "$id2" src 10.0.1.1:4000 dst 10.0.1.2:5000 replace key "$K"
expect_match 'same addresses and ports' "$ERR"
expect_match "stream $id2 protect src 10.0.1.1:4100 dst 10.0.1.2:5100 .* window 128" \
	"$(a stream show "$id2")"
must_fail a stream set "$id2" src 10.0.1.1:4100
expect_match 'a new match needs dst' "$ERR"
a stream set "$id2" src 10.0.1.1 dst 10.0.1.2:5200
expect_match "stream $id2 protect src 10.0.1.1 dst 10.0.1.2:5200 " "$(a stream show "$id2")"
a stream del "$id2"
# a protect stream guards its destination: one sender per destination
must_fail a stream add protect src 10.0.1.3:4000 dst 10.0.1.2:5000 suite $S key "$K"
expect_match 'another protect stream sends to the same destination' "$ERR"
must_fail a stream add protect src 10.0.1.3:4000 dst 10.0.1.2:4999 suite $S key "$K"
expect_match 'another protect stream sends to the same destination' "$ERR"
expect_match '"streams":1' "$(a -j stats)"

step "delete, flush"
a stream del "$id"
expect_match '"streams":0' "$(a -j stats)"
for p in 1 2 3; do
	a stream add unprotect dst 10.0.1.1:$((6000 + 2 * p)) suite $S key "$K" >/dev/null
done
expect_match '"streams":3' "$(a -j stats)"
a stream flush
expect_match '"streams":0' "$(a -j stats)"
echo "PASS $TEST"
