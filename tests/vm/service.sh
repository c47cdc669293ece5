#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# srtpd as dist/srtpd.service runs it, without systemd: started as an
# unprivileged user holding CAP_NET_ADMIN alone (in its bounding, permitted,
# effective and ambient sets, as AmbientCapabilities= and
# CapabilityBoundingSet= give it), its socket and state in a directory of
# its own mode 0700 (RuntimeDirectory=), with $NOTIFY_SOCKET pointing at a
# listener (Type=notify), --metrics as the unit has it.  It must say
# READY=1 once it serves (ng, control socket, metrics), take an ng
# call and install its streams, say RELOADING=1 then READY=1 on SIGHUP,
# STOPPING=1 on SIGTERM, remove the call's streams and exit 0.  Its
# standard error is named the journal's stream ($JOURNAL_STREAM): its
# lines must reach a stand-in for journald's socket with PRIORITY=,
# SYSLOG_IDENTIFIER=srtpd and, for a call's, CALL_ID= (a refused offer's
# too), no key, and nothing on standard error.  The same user without
# CAP_NET_ADMIN: srtpd refuses to start, and says why.
. "$(dirname "$0")/lib.bash"
SRTPD=$NFSRTP_TOP/build/bin/srtpd
NGC=$NFSRTP_TOP/tests/tools/ngc.py
S=AES_CM_128_HMAC_SHA1_80
SUID=64999	# the service's user: not root, in no group of root's
tmp=$(mktemp -d)
chmod 755 "$tmp"
PID= LPID=
JPID=
cleanup() {
	[ -z "$PID" ] || kill "$PID" 2>/dev/null || true
	[ -z "$JPID" ] || kill "$JPID" 2>/dev/null || true
	[ -z "$LPID" ] || kill "$LPID" 2>/dev/null || true
	topo_cleanup
}
trap cleanup EXIT
topo_pair
a() { "$SRTPCTL" -n nfsrtp-a "$@"; }
ng() { ip netns exec nfsrtp-a python3 "$NGC" --server 127.0.0.1:2223 "$@"; }

# The service's RuntimeDirectory=: the user's, 0700.
run=$tmp/run
install -d -o $SUID -g $SUID -m 0700 "$run"
cp "$NFSRTP_TOP/dist/sip.cfg" "$tmp/sip.cfg"
chmod 644 "$tmp/sip.cfg"

# The notify listener: every datagram on a line of its own, its fields
# joined by spaces, flushed at once.
python3 - "$tmp/notify" "$tmp/notes" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
with open(sys.argv[2], "w") as f:
    while True:
        f.write(" ".join(s.recv(4096).decode().split("\n")) + "\n")
        f.flush()
PY
LPID=$!
wait_for 20 test -S "$tmp/notify"
notes() { cat "$tmp/notes"; }
noted() { grep -qE -- "$1" "$tmp/notes"; }

# The journal: systemd gives a service's standard error to journald and
# names the stream in $JOURNAL_STREAM; srtpd then sends its lines to
# journald's socket with fields.  This listener stands in for journald:
# every datagram of its native protocol (FIELD=value lines, or FIELD, a
# little-endian 64-bit length and the value) as a JSON line.
mkdir -p /run/systemd/journal
python3 - /run/systemd/journal/socket "$tmp/journal" <<'PY' &
import json, os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
with open(sys.argv[2], "w") as f:
    while True:
        d, fields = s.recv(65536), {}
        while d:
            line, nl, rest = d.partition(b"\n")
            if b"=" in line:
                k, _, v = line.partition(b"=")
                d = rest
            else:
                k, n = line, struct.unpack("<Q", rest[:8])[0]
                v, d = rest[8:8 + n], rest[9 + n:]
            fields[k.decode()] = v.decode("utf-8", "replace")
        f.write(json.dumps(fields) + "\n")
        f.flush()
PY
JPID=$!
wait_for 20 test -S /run/systemd/journal/socket
# journal FIELD=VALUE...: the MESSAGE of each entry that has all of these
journal() {
	python3 - "$tmp/journal" "$@" <<'PY'
import json, sys
want = [a.split("=", 1) for a in sys.argv[2:]]
for line in open(sys.argv[1]):
    e = json.loads(line)
    if all(e.get(k) == v for k, v in want):
        print(e.get("MESSAGE"))
PY
}

# as the service's user with CAP_NET_ADMIN alone, in A (each program
# execs the next: $! is srtpd's PID)
as_service=(ip netns exec nfsrtp-a setpriv --reuid=$SUID --regid=$SUID
	--clear-groups --inh-caps=-all,+net_admin --ambient-caps=-all,+net_admin
	--bounding-set=-all,+net_admin)

step "without CAP_NET_ADMIN srtpd does not start, and says why"
rc=0
ip netns exec nfsrtp-a setpriv --reuid=$SUID --regid=$SUID --clear-groups \
	--inh-caps=-all --bounding-set=-all \
	"$SRTPD" --config "$tmp/sip.cfg" --socket "$run/srtpd.sock" \
	--state "$run/ng-state" --ng 127.0.0.1:2223 >"$tmp/nocap.log" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "srtpd started without CAP_NET_ADMIN: $(cat "$tmp/nocap.log")"
expect_match 'permission denied: srtpd needs CAP_NET_ADMIN' "$(cat "$tmp/nocap.log")"
[ ! -e "$run/srtpd.sock" ] || fail "a socket was left"

step "started as user $SUID with CAP_NET_ADMIN only: READY=1 once it serves"
# standard error is "the journal's stream": the file whose device and
# inode $JOURNAL_STREAM names, as systemd sets it
: >"$tmp/srtpd.log"
NOTIFY_SOCKET=$tmp/notify JOURNAL_STREAM=$(stat -c %d:%i "$tmp/srtpd.log") \
	"${as_service[@]}" "$SRTPD" --config "$tmp/sip.cfg" \
	--socket "$run/srtpd.sock" --state "$run/ng-state" --ng 127.0.0.1:2223 \
	--metrics 127.0.0.1:9813 >>"$tmp/srtpd.log" 2>&1 &
PID=$!
wait_for 30 noted '^READY=1'
echo "    notified: $(notes)"
expect_match '^READY=1 STATUS=0 call\(s\), ng 127.0.0.1:2223$' "$(notes)"
# ready means serving: both sockets answer now, without waiting
expect_match '"result": "pong"' "$(ng command=ping)"
"$SRTPCTL" call ping socket "$run/srtpd.sock" >/dev/null ||
	fail "the control socket does not answer"
# and its metrics, the module's counters read with CAP_NET_ADMIN alone
m=$(ip netns exec nfsrtp-a curl -sS --max-time 20 http://127.0.0.1:9813/metrics) ||
	fail "no metrics"
expect_match '^nfsrtp_up 1$' "$m"
status=$(cat "/proc/$PID/status")
expect_match $'^Uid:\t'"$SUID"$'\t'"$SUID" "$(grep ^Uid: <<<"$status")"
for set in CapEff CapPrm CapBnd CapAmb; do
	# CAP_NET_ADMIN is bit 12
	expect_match "^$set:"$'\t'"0000000000001000$" "$(grep "^$set:" <<<"$status")"
done
[ "$(stat -c %u:%a "$run/srtpd.sock")" = "$SUID:600" ] ||
	fail "control socket $(stat -c %u:%a "$run/srtpd.sock")"

step "an ng call: srtpd installs its streams as that user"
printf 'v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\nm=audio 5000 RTP/SAVP 0\r\na=crypto:1 %s inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI\r\n' \
	"$S" >"$tmp/offer"
out=$(ng command=offer call-id=svc-1 from-tag=f1 sdp=@"$tmp/offer" \
	'received-from:=["IP4","10.0.1.2"]' transport-protocol=RTP/SAVP)
expect_match '"result": "ok"' "$out"
printf 'v=0\r\no=- 2 2 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\nm=audio 6000 RTP/SAVP 0\r\na=crypto:1 %s inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n' \
	"$S" >"$tmp/answer"
out=$(ng command=answer call-id=svc-1 from-tag=f1 to-tag=t1 sdp=@"$tmp/answer" \
	'received-from:=["IP4","10.0.1.2"]')
expect_match '"result": "ok"' "$out"
n=$(json_get "$(a -j stats)" 'd["streams"]')
[ "$n" -gt 0 ] || fail "no stream installed: $(a -j stats)"
echo "    $n streams"
grep -q 'call svc-1 f1 t1' "$run/ng-state" || fail "state: $(cat "$run/ng-state")"

step "the journal: srtpd's lines with PRIORITY= and the call's CALL_ID="
# an offer refused (its SDP is junk): a notice, under its Call-ID
out=$(ng command=offer call-id='svc 2' from-tag=f2 sdp=junk)
expect_match '"result": "error"' "$out"
wait_for 20 grep -q 'svc 2' "$tmp/journal"
j=$(journal SYSLOG_IDENTIFIER=srtpd CALL_ID=svc-1 PRIORITY=6)
echo "$j" | sed 's/^/    CALL_ID=svc-1 PRIORITY=6: /'
expect_match '^ng call svc-1: offer from-tag f1' "$j"
expect_match '^ng call svc-1: answer to-tag t1' "$j"
j=$(journal SYSLOG_IDENTIFIER=srtpd "CALL_ID=svc 2" PRIORITY=5)
echo "    CALL_ID=svc 2 PRIORITY=5: $j"
expect_match '^ng offer svc\?2: offer SDP' "$j"
expect_match '^listening on ' "$(journal SYSLOG_IDENTIFIER=srtpd PRIORITY=6)"
! grep -qE 'inline:|nl326xLShGuIXLMkyqo|PS1uQCVeeCFCanVmcjkp' "$tmp/journal" ||
	fail "a key in the journal"
# nothing went to standard error meanwhile: it is the journal's stream
[ ! -s "$tmp/srtpd.log" ] || fail "lines on standard error: $(cat "$tmp/srtpd.log")"

step "SIGHUP: RELOADING=1, then READY=1"
before=$(wc -l <"$tmp/notes")
kill -HUP "$PID"
wait_for 30 bash -c "[ \$(wc -l <'$tmp/notes') -ge $((before + 2)) ]"
reload=$(tail -n +$((before + 1)) "$tmp/notes")
echo "    notified: $reload"
expect_match '^RELOADING=1 MONOTONIC_USEC=[0-9]+$' "$(head -n 1 <<<"$reload")"
expect_match '^READY=1 STATUS=1 call\(s\), ng 127.0.0.1:2223$' "$(sed -n 2p <<<"$reload")"
wait_for 20 grep -q 'reloaded 1 configuration file' "$tmp/journal"

step "SIGTERM: STOPPING=1, the streams removed, exit 0"
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=
[ "$rc" = 0 ] || fail "srtpd exited $rc: $(cat "$tmp/srtpd.log" "$tmp/journal")"
noted '^STOPPING=1$' || fail "no STOPPING=1: $(notes)"
[ "$(json_get "$(a -j stats)" 'd["streams"]')" = 0 ] || fail "streams left: $(a -j stats)"
expect_match 'stopping: removing the streams of 1 call' "$(journal SYSLOG_IDENTIFIER=srtpd)"
# no complaint but the refused offer's
! grep -Ei 'warning|cannot' "$tmp/journal" || fail "srtpd complained"
[ "$(journal PRIORITY=3)$(journal PRIORITY=4)" = "" ] || fail "errors or warnings in the journal"
[ ! -s "$tmp/srtpd.log" ] || fail "lines on standard error: $(cat "$tmp/srtpd.log")"
[ ! -e "$run/srtpd.sock" ] || fail "srtpd left its socket"
echo "PASS $TEST"
