#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink API: every command needs CAP_NET_ADMIN over the
# namespace; bad requests get a clear error naming the problem; no reply
# or dump carries key material (checked on the raw netlink bytes); streams
# are per namespace; a dump that straddles a change is flagged.
. "$(dirname "$0")/lib.bash"
trap topo_cleanup EXIT
topo_pair

K='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
S=AES_CM_128_HMAC_SHA1_80
a() { "$SRTPCTL" -n nfsrtp-a "$@"; }
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
[ "$("$SRTPCTL" -n nfsrtp-b -j stream show)" = "[]" ] || fail "stream leaked into B"
[ "$($SRTPCTL -j stream show)" = "[]" ] || fail "stream leaked into the initial namespace"
expect_match '"streams":1' "$(a -j stats)"

step "no key material in the raw netlink replies"
# The key||salt bytes, and the key and salt alone, as hex.
raw=$(printf '%s' "${K#inline:}" | base64 -d | od -An -tx1 | tr -d ' \n')
strace -f -xx -s 65536 -e trace=recvmsg,recvfrom -o "$TMPDIR_TEST/trace" \
	"$SRTPCTL" -n nfsrtp-a -s stream show >/dev/null
strace -f -xx -s 65536 -e trace=recvmsg,recvfrom -o "$TMPDIR_TEST/trace2" \
	"$SRTPCTL" -n nfsrtp-a stream show "$id" >/dev/null
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
# srtpctl -n: a namespace that does not exist is named, nothing runs
must_fail "$SRTPCTL" -n nfsrtp-none stream show
expect_match 'network namespace "nfsrtp-none": No such file or directory \(/run/netns/nfsrtp-none\)' "$ERR"
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
# an open destination (dst any): protect streams, by source address
# and port, one per source
must_fail a stream add unprotect src 10.0.1.1:4400 dst 0.0.0.0:5400 suite $S key "$K"
expect_match 'only a protect stream may have an open destination' "$ERR"
must_fail a stream add protect src 10.0.1.1 dst 0.0.0.0:5400 suite $S key "$K"
expect_match 'open destination needs a source port' "$ERR"
must_fail a stream add protect src 10.0.1.1:4400 dst 0.0.0.0:5400 suite $S key "$K"
expect_match 'an open destination has no destination port' "$ERR"
id3=$(json_get "$(a -j stream add protect src 10.0.1.1:4400 dst any suite $S \
	key "$K")" 'd["id"]')
expect_match "^stream $id3 protect src 10.0.1.1:4400 dst any .* rtcp-port 4401:0$" \
	"$(a stream show "$id3" | head -n 1)"
must_fail a stream add protect src 10.0.1.1:4400 dst any suite $S key "$K"
expect_match 'same addresses and ports' "$ERR"
a stream del "$id3"
# latching: unprotect streams only, and a peer only with it
must_fail a stream add protect src 10.0.1.1:4500 dst 10.0.1.2:5500 suite $S key "$K" latch
expect_match 'NF_SRTP_F_LATCH is for unprotect streams' "$ERR"
must_fail a stream add unprotect src 10.0.1.1 dst 10.0.1.2:5500 suite $S key "$K" \
	peer 10.0.1.1:4500
expect_match 'a peer is for a latching stream' "$ERR"
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
# a new suite in place (a re-INVITE that settles on another one), with
# a key of it: the same stream, and B's libsrtp2 authenticates every
# packet under the new suite's 32-bit tag
K32='inline:dGhpcnR5IGJ5dGVzIGtleSBhbmQgc2FsdCAzMiEh'
must_fail a stream set "$id2" suite AES_CM_128_HMAC_SHA1_32 key "$K32"
must_fail a stream set "$id2" replace key "$K32" suite AES_CM_128_HMAC_SHA1_32
expect_match 'before the keys' "$ERR"
a stream set "$id2" replace suite AES_CM_128_HMAC_SHA1_32 key "$K32"
expect_match "stream $id2 protect src 10.0.1.1 dst 10.0.1.2:5200 suite AES_CM_128_HMAC_SHA1_32 " \
	"$(a stream show "$id2")"
rxdir=$(mktemp -d)
rx_start nfsrtp-b "$rxdir/rx" --bind 10.0.1.2 --port 5200 --count 10 \
	--suite AES_CM_128_HMAC_SHA1_32 --key "$K32" --timeout 60
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5200 --src-port 4100 \
	--count 10 >/dev/null
rx_wait "$rxdir/rx"
expect_match '^received rtp 10/10 rtcp 0/0 bad 0 unprotect-failed 0 ' "$(tail -n 1 "$rxdir/rx")"
# RTCP multiplexing changes in place too (a re-INVITE that adds
# a=rtcp-mux, then drops it), with the match it comes with: the same
# stream, whose SRTP and SRTCP go on; B's libsrtp2 checks both each time
must_fail a stream set "$id2" rtcp-mux
expect_match "needs the stream's new match" "$ERR"
must_fail a stream set "$id2" dst 10.0.1.2:5200 rtcp-mux key "$K32"
expect_match 'with keys needs "replace"' "$ERR"
mux_round() { # mux_round SEQ [--mux]: 20 RTP and 2 RTCP from A to B
	rx_start nfsrtp-b "$rxdir/rx" --bind 10.0.1.2 --port 5200 --count 20 \
		--rtcp ${2:-} --seq "$1" --suite AES_CM_128_HMAC_SHA1_32 \
		--key "$K32" --timeout 60
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5200 \
		--src-port 4100 --count 20 --rtcp ${2:-} --seq "$1" >/dev/null
	rx_wait "$rxdir/rx"
	expect_match '^received rtp 20/20 rtcp 2/2 bad 0 unprotect-failed 0 ' \
		"$(tail -n 1 "$rxdir/rx")"
}
mux_round 2000
a stream set "$id2" src 10.0.1.1 dst 10.0.1.2:5200 rtcp-mux
expect_match "^stream $id2 protect src 10.0.1.1 dst 10.0.1.2:5200 suite AES_CM_128_HMAC_SHA1_32 window 128 rtcp-mux$" \
	"$(a stream show "$id2" | head -n 1)"
mux_round 2020 --mux
a stream set "$id2" src 10.0.1.1 dst 10.0.1.2:5200 no-rtcp-mux
expect_match "^stream $id2 protect src 10.0.1.1 dst 10.0.1.2:5200 suite AES_CM_128_HMAC_SHA1_32 window 128 rtcp-port 0:5201$" \
	"$(a stream show "$id2" | head -n 1)"
mux_round 2040
# one context all along: 60 RTP and 6 RTCP, and the first 10
expect_match '^    key 0 active packets 76$' "$(a -s stream show "$id2")"
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

step "a dump that straddles a change is flagged NLM_F_DUMP_INTR"
for p in $(seq 1 40); do
	a stream add unprotect dst 10.0.1.1:$((7000 + 2 * p)) suite $S key "$K" >/dev/null
done
# A raw dump on a fresh socket, whose first part (filled when the request
# is sent) holds a few streams only; between it and the rest, the command
# given runs.  Prints the streams seen and whether a message was flagged.
dump_with() {
	ip netns exec nfsrtp-a python3 - "$@" <<'EOF'
import socket, struct, subprocess, sys
def sock():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    s.bind((0, 0))
    return s
c = sock()
name = b"nf_srtp\0"
attr = struct.pack("HH", 4 + len(name), 2) + name
msg = struct.pack("BBH", 3, 1, 0) + attr
c.send(struct.pack("IHHII", 16 + len(msg), 0x10, 1, 1, 0) + msg)
r = c.recv(65536)
fid = struct.unpack("H", r[r.index(struct.pack("HH", 6, 1)) + 4:][:2])[0]
s = sock()
msg = struct.pack("BBH", 4, 1, 0)       # NF_SRTP_CMD_STREAM_GET
s.send(struct.pack("IHHII", 16 + len(msg), fid, 0x301, 1, 0) + msg)
if sys.argv[1:]:
    subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
streams, intr = 0, False
while True:
    data, off = s.recv(1 << 20), 0
    while off < len(data):
        ln, typ, flags = struct.unpack_from("IHH", data, off)
        intr |= bool(flags & 0x10)      # NLM_F_DUMP_INTR
        if typ == 2:
            sys.exit("dump error %d" % struct.unpack_from("i", data, off + 16)[0])
        if typ == 3:                    # NLMSG_DONE
            print(streams, intr)
            sys.exit(0)
        streams += 1
        off += (ln + 3) & ~3
EOF
}
out=$(dump_with)
[ "$out" = "40 False" ] || fail "quiet dump: $out"
last=$(json_get "$(a -j stream show)" 'd[-1]["id"]')
out=$(dump_with "$SRTPCTL" stream del "$last")
[ "$out" = "39 True" ] || fail "dump across a removal (streams seen, flagged): $out"
a stream flush
echo "PASS $TEST"
