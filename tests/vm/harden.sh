#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# harden: srtpd's privileges and its ng port.  A - R - B in a line; srtpd
# in R serves ng on all of R's addresses to the allowed proxy A
# (10.0.1.1) and R's loopback, and drops to user nobody keeping only
# CAP_NET_ADMIN: /proc shows it (and that it is not dumpable), a call
# still installs its streams and media crosses them, a request from B is
# dropped and logged, SIGHUP re-reads the configuration, and SIGTERM
# removes the streams and the socket.  The state file is 0600 and
# nobody's; a state directory nobody cannot write stops the start, and
# so does --ng on a non-loopback address without --ng-allow.
. "$(dirname "$0")/lib.bash"
SRTPD=$NFSRTP_TOP/build/bin/srtpd
S=AES_CM_128_HMAC_SHA1_80
KA='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
tmp=$(mktemp -d)
RPID=
trap '[ -z "$RPID" ] || kill -9 "$RPID" 2>/dev/null || true; topo_cleanup' EXIT
topo_line
umask 022
# nobody reads the configuration (SIGHUP) and writes /run-like dir only
chmod 755 "$tmp"
mkdir "$tmp/run"
chown nobody:nogroup "$tmp/run"
chmod 700 "$tmp/run"
cat >"$tmp/r.cfg" <<'EOF'
<sip><sec sec.srtp.enable="1" sec.srtp.leg.enable="1" sec.srtp.offer="1"/></sip>
EOF

ng() { ip netns exec "$1" python3 "$NFSRTP_TOP/tests/tools/ngc.py" "${@:2}"; }
r() { "$SRTPCTL" -n nfsrtp-r "$@"; }
status() { awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "/proc/$RPID/status"; }

step "--ng on a non-loopback address needs --ng-allow"
rc=0
ip netns exec nfsrtp-r "$SRTPD" --config "$tmp/r.cfg" --socket "$tmp/x.sock" \
	--ng 0.0.0.0:2223 --state "$tmp/x.state" >"$tmp/x.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "exit $rc: $(cat "$tmp/x.log")"
expect_match 'not a loopback address: name the proxies.*--ng-allow' "$(cat "$tmp/x.log")"

step "--user UID:GID: a state directory the user cannot write stops the start"
rc=0
ip netns exec nfsrtp-r "$SRTPD" --config "$tmp/r.cfg" --socket "$tmp/run/x.sock" \
	--ng 127.0.0.1:2223 --state "$tmp/x.state" --user 65534:65534 >"$tmp/x.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "exit $rc: $(cat "$tmp/x.log")"
expect_match 'running as uid 65534 gid 65534 with CAP_NET_ADMIN only' "$(cat "$tmp/x.log")"
expect_match "state file: $tmp/x.state.tmp: Permission denied \(its directory must be writable by --user\)" \
	"$(cat "$tmp/x.log")"
[ ! -e "$tmp/x.state" ] || fail "a state file written"

step "srtpd --user nobody: uid 65534, CAP_NET_ADMIN only, not dumpable"
ip netns exec nfsrtp-r "$SRTPD" --config "$tmp/r.cfg" --socket "$tmp/run/r.sock" \
	--ng 0.0.0.0:2223 --ng-allow 10.0.1.1 --ng-allow 127.0.0.0/8 \
	--state "$tmp/run/ng.state" --user nobody >"$tmp/r.log" 2>&1 &
RPID=$!
wait_for 20 grep -q 'listening on' "$tmp/r.log"
expect_match 'running as uid 65534 gid 65534 with CAP_NET_ADMIN only' "$(cat "$tmp/r.log")"
for k in Uid Gid; do
	expect_match '^65534\s+65534\s+65534\s+65534$' "$(status $k)"
done
expect_match '^65534$' "$(status Groups)"
for k in CapEff CapPrm CapBnd; do
	[ "$(status $k)" = 0000000000001000 ] || fail "$k $(status $k), want cap_net_admin only"
done
for k in CapInh CapAmb; do
	[ "$(status $k)" = 0000000000000000 ] || fail "$k $(status $k)"
done
[ "$(status NoNewPrivs)" = 1 ] || fail "NoNewPrivs $(status NoNewPrivs)"
# not dumpable: its /proc files (not the directory) belong to root, not
# to its uid, so that nobody's other processes cannot read its memory
[ "$(stat -c %u "/proc/$RPID/mem")" = 0 ] ||
	fail "/proc/$RPID/mem is $(stat -c %U "/proc/$RPID/mem")'s: dumpable"
must_fail setpriv --reuid=65534 --regid=65534 --clear-groups dd if="/proc/$RPID/environ" of=/dev/null
expect_match '^Max core file size +0 +0 ' "$(grep 'core file' "/proc/$RPID/limits")"
echo "    $(status Uid | tr -s '\t ' ' ') CapEff $(status CapEff)"

step "a call installs streams after the drop; media crosses them"
expect_match '"result": "pong"' "$(ng nfsrtp-r command=ping)"
expect_match '"result": "pong"' "$(ng nfsrtp-a --server 10.0.1.254:2223 command=ping)"
printf 'v=0\r\no=a 1 1 IN IP4 10.0.1.1\r\ns=-\r\nc=IN IP4 10.0.1.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\na=crypto:1 %s %s\r\n' \
	"$S" "$KA" >"$tmp/a.offer"
printf 'v=0\r\no=b 7 7 IN IP4 10.0.2.1\r\ns=-\r\nc=IN IP4 10.0.2.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n' \
	>"$tmp/b.answer"
out=$(ng nfsrtp-a --server 10.0.1.254:2223 command=offer call-id=h1 from-tag=a \
	sdp=@"$tmp/a.offer" transport-protocol=RTP/AVP 'received-from:=["IP4","10.0.1.1"]')
[ "$(result "$out")" = ok ] || fail "offer: $out"
out=$(ng nfsrtp-a --server 10.0.1.254:2223 command=answer call-id=h1 from-tag=a \
	to-tag=b sdp=@"$tmp/b.answer" 'received-from:=["IP4","10.0.2.1"]')
[ "$(result "$out")" = ok ] || fail "answer: $out"
[ "$(json_get "$(r -j stream show)" 'len(d)')" = 2 ] ||
	fail "expected 2 streams: $(r stream show)"
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.2.1 --port 5000 --count 50
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.2.1:5000 --src-port 4000 \
	--count 50 --suite $S --key "$KA" >/dev/null
rx_wait "$tmp/rx"
echo "    A -> B: $(tail -n 1 "$tmp/rx")"
out=$(ng nfsrtp-r command=query call-id=h1)
[ "$(json_get "$out" 'd["totals"]["RTP"]["packets"]')" = 50 ] || fail "query: $out"
# the control socket: root's srtpctl still gets in
SRTPD_SOCKET=$tmp/run/r.sock r call ping >/dev/null || fail "control socket: no pong"

step "the state file: 0600, nobody's, under umask 022"
wait_for 10 grep -q '^call h1 ' "$tmp/run/ng.state"
[ "$(stat -c '%a %U' "$tmp/run/ng.state")" = "600 nobody" ] ||
	fail "state file $(stat -c '%a %U' "$tmp/run/ng.state")"

step "a request from B, not allowed: no reply, dropped, counted, logged once"
must_fail ng nfsrtp-b --server 10.0.2.254:2223 command=list
expect_match 'no reply' "$ERR"
wait_for 10 grep -q 'request from 10.0.2.1:[0-9]* dropped: not an --ng-allow address (1 dropped' "$tmp/r.log"
[ "$(grep -c 'dropped: not an --ng-allow' "$tmp/r.log")" = 1 ] ||
	fail "not rate-limited: $(grep 'dropped: not' "$tmp/r.log")"

step "SIGHUP re-reads the configuration as nobody"
kill -HUP "$RPID"
wait_for 10 grep -q 'reloaded 1 configuration file' "$tmp/r.log"

step "SIGTERM: the streams, the socket and the state file's calls go"
kill -TERM "$RPID"
rc=0
wait "$RPID" || rc=$?
RPID=
[ "$rc" = 0 ] || fail "srtpd exited $rc: $(cat "$tmp/r.log")"
expect_match 'stopping: removing the streams of 1 call' "$(cat "$tmp/r.log")"
expect_match 'ng: 5 request\(s\) from senders not allowed were dropped' "$(cat "$tmp/r.log")"
[ "$(r -j stream show)" = "[]" ] || fail "streams left: $(r stream show)"
[ ! -e "$tmp/run/r.sock" ] || fail "control socket left"
! grep -q '^call ' "$tmp/run/ng.state" || fail "calls left in the state file"
! grep -Ei 'error|cannot|lost|left in place' "$tmp/r.log" || fail "srtpd complained"
echo "PASS $TEST"
