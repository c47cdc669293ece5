#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The YNL spec (Documentation/netlink/specs/nf_srtp.yaml) drives the
# module through the kernel's own YNL CLI alone (build/ynl, make ynl):
# the spec validates against the genetlink schema; a stream added with
# it comes back in a dump and a get with its fields, IPv4 and IPv6, and
# without key material; bad requests get the kernel's extended ACK; a
# deletion is announced on the events group (through YNL's library) and
# the stream is gone.
. "$(dirname "$0")/lib.bash"

YNL_DIR=$NFSRTP_TOP/build/ynl
SPEC=$NFSRTP_TOP/Documentation/netlink/specs/nf_srtp.yaml
[ -f "$YNL_DIR/tools/net/ynl/cli.py" ] ||
	fail "no YNL tool in $YNL_DIR: run make ynl on the host"
SCHEMA=$YNL_DIR/Documentation/netlink/genetlink.yaml
# The guest's root is read-only: no bytecode caches.  The first request
# validates the spec against the schema; the others skip the validation,
# which costs seconds per start in a TCG guest.
ynl() {
	PYTHONDONTWRITEBYTECODE=1 python3 "$YNL_DIR/tools/net/ynl/cli.py" \
		--spec "$SPEC" --no-schema --output-json "$@"
}
# ynl_lib ARGS... <SCRIPT: a python script with YNL's library (YnlFamily,
# NlError) and the spec loaded as `nl`, arguments in sys.argv[1:].
YNL_PRELUDE='import json, sys
sys.path.insert(0, sys.argv[1] + "/tools/net/ynl")
from lib import YnlFamily, NlError
nl = YnlFamily(sys.argv[2], "")
del sys.argv[1:3]
'
ynl_lib() {
	PYTHONDONTWRITEBYTECODE=1 python3 -c "$YNL_PRELUDE$(cat)" "$YNL_DIR" "$SPEC" "$@"
}
# ynl_fails ARGS...: the request fails; its output (the kernel's error
# and extended ACK) is printed and left in $ERR.
ynl_fails() {
	if ERR=$(ynl "$@" 2>&1); then
		fail "expected failure: ynl $*: $ERR"
	fi
	echo "$ERR"
}

# The master key and salt of the streams below, as hex.
KEY=9e5df6eb12d2846b885cb324caaa3e13
SALT=133918f6f3f8c2db58c668b51448
key() { # key MKI: one NF_SRTP_A_KEY as YNL JSON
	printf '{"master-key":"%s","master-salt":"%s","mki":"%s","lifetime":1048576}' \
		"$KEY" "$SALT" "$1"
}

step "the spec is valid and drives get-stats"
out=$(ynl --schema "$SCHEMA" --do get-stats)
json_checks "$out" 'd["version"]=1' 'd["stats"]["streams"]=0' || fail "get-stats: $out"

step "stream-add, IPv4 with two MKI keys, and IPv6"
out=$(ynl --do stream-add --json '{"stream":{"op":"protect",
	"src-ipv4":"0a000101","dst-ipv4":"0a000102","src-port":4000,"dst-port":5000,
	"suite":"aes-cm-128-hmac-sha1-80","window":256,
	"keys":{"key":['"$(key 00000001)"','"$(key 00000002)"']}}}')
id=$(json_get "$out" 'd["stream"]["id"]')
[ "$id" -gt 0 ] || fail "no stream id: $out"
out=$(ynl --do stream-add --json '{"stream":{"op":"unprotect",
	"dst-ipv6":"fd000001000000000000000000000002","dst-port":6000,
	"suite":"aead-aes-128-gcm","flags":["rtcp-mux"],
	"keys":{"key":[{"master-key":"'$KEY'","master-salt":"'${SALT:0:24}'"}]}}}')
id6=$(json_get "$out" 'd["stream"]["id"]')

step "the dump and the get show the streams, without key material"
dump=$(ynl --dump stream-get)
echo "$dump"
s4='[m["stream"] for m in d if m["stream"]["id"] == '$id'][0]'
s6='[m["stream"] for m in d if m["stream"]["id"] == '$id6'][0]'
checks=('len(d)=2')
for check in \
	"${s4}[\"op\"]=protect" \
	"${s4}[\"src-ipv4\"]=10.0.1.1" "${s4}[\"dst-ipv4\"]=10.0.1.2" \
	"${s4}[\"src-port\"]=4000" "${s4}[\"dst-port\"]=5000" \
	"${s4}[\"rtcp-src-port\"]=4001" "${s4}[\"rtcp-dst-port\"]=5001" \
	"${s4}[\"suite\"]=aes-cm-128-hmac-sha1-80" "${s4}[\"window\"]=256" \
	"${s4}[\"flags\"]=[]" \
	"[k[\"mki\"] for k in ${s4}[\"keys\"][\"key\"]]=['00000001', '00000002']" \
	"[k[\"lifetime\"] for k in ${s4}[\"keys\"][\"key\"]]=[1048576, 1048576]" \
	"[k[\"index\"] for k in ${s4}[\"keys\"][\"key\"]]=[0, 1]" \
	"${s4}[\"keys\"][\"key\"][0][\"active\"]=True" \
	"${s4}[\"counters\"][\"packets\"]=0" \
	"${s6}[\"op\"]=unprotect" "${s6}[\"dst-ipv6\"]=fd00:1::2" \
	"'src-ipv6' in $s6 or 'src-ipv4' in $s6=False" \
	"${s6}[\"flags\"]=['rtcp-mux']" "${s6}[\"suite\"]=aead-aes-128-gcm"; do
	checks+=("$check")
done
json_checks "$dump" "${checks[@]}" || fail "dump: $dump"
get=$(ynl --do stream-get --json '{"stream":{"id":'"$id"'}}')
json_checks "$get" 'd["stream"]["dst-ipv4"]=10.0.1.2' || fail "get: $get"
# No key or salt, neither as an attribute nor anywhere in the output.
for out in "$dump" "$get"; do
	case "$out" in
	*master-key* | *master-salt*) fail "a key attribute came back: $out" ;;
	*"$KEY"* | *"$SALT"* | *"${SALT:0:24}"*) fail "key bytes came back: $out" ;;
	esac
done

step "bad requests get the kernel's extended ACK"
# mixed families: the module's own check
ynl_fails --do stream-add --json '{"stream":{"op":"protect",
	"src-ipv4":"0a000101","dst-ipv6":"fd000001000000000000000000000002",
	"dst-port":5002,"suite":"aes-cm-128-hmac-sha1-80",
	"keys":{"key":['"$(key 00000003)"']}}}'
expect_match 'source and destination addresses of different families' "$ERR"
# a lifetime beyond 2^48: the policy's range
ynl_fails --do stream-add --json '{"stream":{"op":"protect",
	"src-ipv4":"0a000101","dst-ipv4":"0a000102","dst-port":5004,
	"suite":"aes-cm-128-hmac-sha1-80",
	"keys":{"key":[{"master-key":"'$KEY'","master-salt":"'$SALT'",
	"lifetime":281474976710657}]}}}'
expect_match "'bad-attr': '.stream.keys.key.lifetime'" "$ERR"
expect_match 'integer out of range' "$ERR"
# an IPv4 address of 5 bytes: the policy's exact length
ynl_fails --do stream-add --json '{"stream":{"op":"protect",
	"src-ipv4":"0a00010101","dst-ipv4":"0a000102","dst-port":5006,
	"suite":"aes-cm-128-hmac-sha1-80","keys":{"key":['"$(key 00000004)"']}}}'
expect_match "'bad-attr': '.stream.src-ipv4'" "$ERR"
expect_match 'size out of range' "$ERR"
[ "$(json_get "$(ynl --do get-stats)" 'd["stats"]["streams"]')" = 2 ] ||
	fail "a refused request left a stream"

step "stream-set pins a stream to an SSRC, moves the pin and removes it; changes RTCP multiplexing and latching"
# pin-ssrc comes back while the stream is pinned, SSRC 0 included; YNL's
# library for this sequence (one python start instead of fifteen)
ynl_lib "$id" "$(key 00000006)" <<'EOF' || fail "pinning, multiplexing"
sid = int(sys.argv[1])
def pin():
    return nl.do("stream-get", {"stream": {"id": sid}})["stream"].get("pin-ssrc")
def refused(op, stream, reason):
    try:
        nl.do(op, {"stream": stream})
    except NlError as e:
        msg = str(e.nl_msg)
        print(f"    {op} refused: {msg}")
        assert reason in msg, f"{op}: {reason!r} not in {msg!r}"
        return
    sys.exit(f"{op} {stream}: accepted")
seen = [pin()]
nl.do("stream-set", {"stream": {"id": sid, "pin-ssrc": 287454020}})
seen.append(pin())
nl.do("stream-set", {"stream": {"id": sid, "pin-ssrc": 0}})
seen.append(pin())
refused("stream-set", {"id": sid, "pin-ssrc": 5, "unpin": True},
        "a pin or no pin: not both")
seen.append(pin())
nl.do("stream-set", {"stream": {"id": sid, "unpin": True}})
seen.append(pin())
print(f"    pin-ssrc: {seen}")
assert seen == [None, 287454020, 0, 0, None], seen
key = json.loads(sys.argv[2])
refused("stream-add", {"op": "protect", "src-ipv4": "0a000101",
                       "dst-ipv4": "0a000102", "dst-port": 5008, "unpin": True,
                       "suite": "aes-cm-128-hmac-sha1-80",
                       "keys": {"key": [key]}},
        "a new stream has no pin to remove")
add = {"op": "unprotect", "dst-ipv4": "0a000102", "dst-port": 5010,
       "pin-ssrc": 4294967295, "suite": "aes-cm-128-hmac-sha1-80",
       "keys": {"key": [key]}}
idp = nl.do("stream-add", {"stream": add})["stream"]["id"]
got = nl.do("stream-get", {"stream": {"id": idp}})["stream"].get("pin-ssrc")
print(f"    stream {idp} added with pin-ssrc {got}")
assert got == 4294967295, got
nl.do("stream-del", {"stream": {"id": idp}})
# RTCP multiplexing changes in place with the match it comes with; other
# flags only with new keys
match = {"src-ipv4": "0a000101", "dst-ipv4": "0a000102", "src-port": 4000,
         "dst-port": 5000}
refused("stream-set", {"id": sid, "flags": ["rtcp-mux"]},
        "a change of NF_SRTP_F_RTCP_MUX needs the stream's match")
refused("stream-set", {"id": sid, "flags": ["unencrypted-srtp"]},
        "need new keys")
def mux_state():
    s = nl.do("stream-get", {"stream": {"id": sid}})["stream"]
    return (sorted(s.get("flags", [])), s.get("rtcp-dst-port"),
            len(s["keys"]["key"]))
seen = [mux_state()]
nl.do("stream-set", {"stream": {"id": sid, "flags": ["rtcp-mux"], **match}})
seen.append(mux_state())
nl.do("stream-set", {"stream": {"id": sid, "flags": [], **match}})
seen.append(mux_state())
print(f"    flags, rtcp-dst-port, keys: {seen}")
assert seen == [([], 5001, 2), (["rtcp-mux"], None, 2), ([], 5001, 2)], seen
# latching turns off and on without keys, on an unprotect stream only;
# its peer is given at stream-add, never by stream-set
refused("stream-set", {"id": sid, "flags": ["latch"]},
        "NF_SRTP_F_LATCH is for unprotect streams")
add = {"op": "unprotect", "src-ipv4": "0a000101", "dst-ipv4": "0a000102",
       "dst-port": 5012, "suite": "aes-cm-128-hmac-sha1-80",
       "flags": ["latch"], "peer": {"ipv4": "0a000101", "port": 4012},
       "keys": {"key": [key]}}
idl = nl.do("stream-add", {"stream": add})["stream"]["id"]
def latch_state():
    s = nl.do("stream-get", {"stream": {"id": idl}})["stream"]
    return (sorted(s.get("flags", [])), s.get("peer", {}).get("port"),
            len(s["keys"]["key"]))
seen = [latch_state()]
nl.do("stream-set", {"stream": {"id": idl, "flags": []}})
seen.append(latch_state())
nl.do("stream-set", {"stream": {"id": idl, "flags": ["latch"]}})
seen.append(latch_state())
refused("stream-set", {"id": idl, "peer": {"ipv4": "0a000101", "port": 4014}},
        "a peer is given at STREAM_ADD, then learnt")
print(f"    latching stream {idl}: flags, peer port, keys: {seen}")
assert seen == [(["latch"], 4012, 1), ([], 4012, 1), (["latch"], 4012, 1)], seen
nl.do("stream-del", {"stream": {"id": idl}})
EOF

step "stream-del; the stream is gone"
ynl --do stream-del --json '{"stream":{"id":'"$id"'}}' >/dev/null
[ "$(json_get "$(ynl --dump stream-get)" '[m["stream"]["id"] for m in d]')" = "[$id6]" ] ||
	fail "stream $id not deleted: $(ynl --dump stream-get)"
ynl_fails --do stream-get --json '{"stream":{"id":'"$id"'}}'
expect_match 'no stream with this id' "$ERR"

step "a deletion is announced on the events group"
# cli.py --subscribe with --do trips over a notification that comes
# before the reply (6.12's lib/ynl.py, _ops(): op is None): YNL's library
# instead, a listener and a requester on two sockets.  The module sends
# the event before it acks the deletion.
out=$(PYTHONDONTWRITEBYTECODE=1 python3 - "$YNL_DIR" "$SPEC" "$id6" <<'EOF'
import json, sys
sys.path.insert(0, sys.argv[1] + "/tools/net/ynl")
from lib import YnlFamily
schema = sys.argv[1] + "/Documentation/netlink/genetlink.yaml"
listener = YnlFamily(sys.argv[2], schema)
listener.ntf_subscribe("events")
YnlFamily(sys.argv[2], schema).do("stream-del", {"stream": {"id": int(sys.argv[3])}})
listener.check_ntf()
print(json.dumps(listener.async_msg_queue))
EOF
)
[ "$(json_get "$out" '[(m["name"], m["msg"]) for m in d]')" = \
  "[('event', {'event': 'stream-del', 'stream': {'id': $id6}})]" ] ||
	fail "events: $out"
[ "$(ynl --dump stream-get)" = "[]" ] || fail "streams left: $(ynl --dump stream-get)"
[ "$(json_get "$(ynl --do get-stats)" 'd["stats"]["streams"]')" = 0 ] ||
	fail "streams counted after the deletion"
echo "PASS $TEST"
