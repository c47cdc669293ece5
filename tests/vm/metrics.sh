#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# metrics: srtpd --metrics, scraped with curl in router R of A - R - B
# and checked with promtool (Debian's prometheus package).  The mixed
# call of ng.sh under a Call-ID with a quote, a backslash and a space:
# phone A's SRTP toward gateway B, one packet's tag tampered and one
# replayed.  The call's series must equal ng query's totals (RTP and
# RTCP packets, bytes, errors; authentication failures, replays), the
# namespace's must equal srtpctl's statistics, ng's requests count by
# command.  Paths and methods other than GET /metrics are refused; 16
# connections that send half a request and hold every slot hold nothing
# up (ng still answers at once), and when they hang up together a scrape
# queued behind them is served at once, not at srtpd's next wakeup.  The
# deleted call is closing while its guard stays, then its series go.
. "$(dirname "$0")/lib.bash"
SRTPD=$NFSRTP_TOP/build/bin/srtpd
NGC=$NFSRTP_TOP/tests/tools/ngc.py
S=AES_CM_128_HMAC_SHA1_80
KA='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
CALL='mix "1" \ call'
URL=http://127.0.0.1:9813/metrics
# long enough for the scrape after the delete to see the call closing:
# on the debug kernel the delete, the scrape and promtool took over 2 s
GUARD_TAIL=$((5 * ${NFSRTP_SCALE:-1}))
tmp=$(mktemp -d)
RPID= HPID= CPID=
cleanup() {
	[ -z "$CPID" ] || kill "$CPID" 2>/dev/null || true
	[ -z "$HPID" ] || kill "$HPID" 2>/dev/null || true
	[ -z "$RPID" ] || kill -CONT "$RPID" 2>/dev/null || true
	[ -z "$RPID" ] || kill "$RPID" 2>/dev/null || true
	topo_cleanup
}
trap cleanup EXIT
topo_line
r() { "$SRTPCTL" -n nfsrtp-r "$@"; }
ng() { ip netns exec nfsrtp-r python3 "$NGC" --server 127.0.0.1:2223 "$@"; }
scrape() { ip netns exec nfsrtp-r curl -sS --max-time 20 "$@"; }
# metric NAME{LABELS}: its value in the last scrape ($tmp/m), or fail
metric() {
	local v
	v=$(prom_value "$tmp/m" "$1")
	[ -n "$v" ] || fail "no series $1 in the scrape"
	echo "$v"
}
promcheck() {
	promtool check metrics <"$tmp/m" >"$tmp/promtool" 2>&1 ||
		fail "promtool check metrics: $(cat "$tmp/promtool")"
}

step "srtpd in R with --metrics 127.0.0.1:9813; a scrape before any call"
echo '<sip><sec sec.srtp.enable="1" sec.srtp.offer="1"/></sip>' >"$tmp/r.cfg"
ip netns exec nfsrtp-r "$SRTPD" --config "$tmp/r.cfg" --socket "$tmp/r.sock" \
	--ng 127.0.0.1:2223 --state "$tmp/ng.state" --metrics 127.0.0.1:9813 --guard-tail "$GUARD_TAIL" \
	>"$tmp/r.log" 2>&1 &
RPID=$!
wait_for 20 test -S "$tmp/r.sock"
expect_match '"result": "pong"' "$(ng command=ping)"
scrape -D "$tmp/headers" "$URL" >"$tmp/m" || fail "no scrape: $(cat "$tmp/r.log")"
grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/headers" ||
	fail "content type: $(cat "$tmp/headers")"
promcheck
echo "    $(grep -c '^# TYPE' "$tmp/m") families, promtool: clean"
[ "$(metric nfsrtp_up)" = 1 ] || fail "nfsrtp_up $(metric nfsrtp_up)"
[ "$(metric 'nfsrtp_calls{state="open"}')" = 0 ] || fail "calls before any"
[ "$(metric 'nfsrtp_ng_requests_total{command="ping"}')" = 1 ] || fail "ping not counted"
! grep -q '^nfsrtp_call_streams{' "$tmp/m" || fail "a call series without a call"

step "16 connections that send half a request hold every slot: ng still answers"
ip netns exec nfsrtp-r python3 - "$tmp" <<'PY' &
import os, socket, sys, time
d = sys.argv[1]
held = []
for i in range(16):
    try:
        s = socket.create_connection(("127.0.0.1", 9813), timeout=5)
        s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        held.append(s)
    except OSError:
        pass
open(d + "/held", "w").write("%d\n" % len(held))
for _ in range(6000):
    if os.path.exists(d + "/hangup"):
        break
    time.sleep(0.1)
for s in held:
    s.close()
open(d + "/closed", "w").write("1\n")
PY
HPID=$!
wait_for 30 test -s "$tmp/held"
echo "    $(cat "$tmp/held") connections opened and held"
# connections srtpd has not accepted yet (the listen queue)
queued() { [ "$(ip netns exec nfsrtp-r ss -Hltn 'sport = :9813' | awk '{ print $2 }')" = "$1" ]; }
wait_for 30 queued 0
start=$SECONDS
expect_match '"result": "pong"' "$(ng command=ping)"
echo "    ng ping answered in $((SECONDS - start)) s"

step "they hang up together while srtpd is busy: a scrape queued behind them goes through"
# srtpd stopped, a scrape waits in the listen queue, the 16 hang up: when
# srtpd runs again it drops all 16 in one pass, and must then take the
# scrape at once, not at its next wakeup for something else (the expiry
# of the first step's ng reply, 30 s after it was sent)
kill -STOP "$RPID"
ip netns exec nfsrtp-r curl -sS -o "$tmp/queued" -f --max-time $((60 * ${NFSRTP_SCALE:-1})) "$URL" &
CPID=$!
wait_for 10 queued 1
touch "$tmp/hangup"
wait_for 10 test -s "$tmp/closed"
kill -CONT "$RPID"
start=$SECONDS
wait "$CPID" || fail "no scrape after the held connections hung up"
CPID=
took=$((SECONDS - start))
echo "    the queued scrape answered $took s after srtpd resumed"
[ "$took" -le $((5 * ${NFSRTP_SCALE:-1})) ] ||
	fail "the queued scrape took $took s: srtpd did not take it when the slots were freed"
[ "$(prom_value "$tmp/queued" nfsrtp_up)" = 1 ] || fail "the queued scrape: $(head -c 300 "$tmp/queued")"
wait "$HPID"
HPID=

step "the mixed call: A's SRTP toward gateway B, packet 10 tampered, 20 replayed"
printf 'v=0\r\no=a 1 1 IN IP4 10.0.1.1\r\ns=-\r\nc=IN IP4 10.0.1.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\na=crypto:1 %s %s\r\n' \
	"$S" "$KA" >"$tmp/offer"
out=$(ng command=offer call-id="$CALL" from-tag=a1 sdp=@"$tmp/offer" \
	'received-from:=["IP4","10.0.1.1"]' transport-protocol=RTP/AVP)
expect_match '"result": "ok"' "$out"
printf 'v=0\r\no=b 1 1 IN IP4 10.0.2.1\r\ns=-\r\nc=IN IP4 10.0.2.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n' >"$tmp/answer"
out=$(ng command=answer call-id="$CALL" from-tag=a1 to-tag=b1 sdp=@"$tmp/answer" \
	'received-from:=["IP4","10.0.2.1"]')
expect_match '"result": "ok"' "$out"
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.2.1 --port 5000 --count 100 --skip 1 --rtcp
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.2.1:5000 --src-port 4000 \
	--count 100 --rtcp --suite $S --key "$KA" --tamper 10 --replay 20 >/dev/null
rx_wait "$tmp/rx"
echo "    B: $(tail -n 1 "$tmp/rx")"

step "the call's series are ng query's totals; the namespace's are srtpctl's"
q=$(ng command=query call-id="$CALL")
scrape "$URL" >"$tmp/m" || fail "no scrape"
promcheck
id='call_id="mix \"1\" \\ call",front="ng"'
grep -F "nfsrtp_call_rtp_packets_total{$id}" "$tmp/m" | sed 's/^/    /'
for pair in 'rtp_packets_total:["RTP"]["packets"]' 'rtp_bytes_total:["RTP"]["bytes"]' \
	'rtp_errors_total:["RTP"]["errors"]' 'rtcp_packets_total:["RTCP"]["packets"]' \
	'rtcp_bytes_total:["RTCP"]["bytes"]' 'rtcp_errors_total:["RTCP"]["errors"]' \
	'auth_failures_total:["SRTP"]["authentication-failures"]' \
	'replays_total:["SRTP"]["replays"]'; do
	want=$(json_get "$q" "d[\"totals\"]${pair#*:}")
	got=$(metric "nfsrtp_call_${pair%%:*}{$id}")
	[ "$got" = "$want" ] || fail "nfsrtp_call_${pair%%:*}: $got, query says $want"
done
[ "$(metric "nfsrtp_call_rtp_packets_total{$id}")" = 99 ] || fail "not 99 RTP packets"
[ "$(metric "nfsrtp_call_auth_failures_total{$id}")" = 1 ] || fail "not 1 auth failure"
[ "$(metric "nfsrtp_call_replays_total{$id}")" = 1 ] || fail "not 1 replay"
st=$(r -j stats)
[ "$(metric nfsrtp_streams)" = "$(json_get "$st" 'd["streams"]')" ] || fail "streams: $st"
[ "$(metric 'nfsrtp_packets_total{op="unprotect"}')" = "$(json_get "$st" 'd["unprotected"]')" ] ||
	fail "unprotected: $st"
[ "$(metric 'nfsrtp_drops_total{reason="auth"}')" = "$(json_get "$st" 'd["drops"].get("auth", 0)')" ] ||
	fail "auth drops: $st"
[ "$(metric 'nfsrtp_calls{state="open"}')" = 1 ] || fail "not one open call"
[ "$(metric "nfsrtp_call_streams{$id}")" = "$(json_get "$q" 'len(d["streams"])')" ] ||
	fail "the call's streams"
for c in offer answer query; do
	[ "$(metric "nfsrtp_ng_requests_total{command=\"$c\"}")" = 1 ] ||
		fail "ng $c: $(metric "nfsrtp_ng_requests_total{command=\"$c\"}")"
done
echo "    equal: 8 call series to query's totals, streams, packets and auth drops to srtpctl's"

step "other paths and methods are refused"
[ "$(scrape -o /dev/null -w '%{http_code}' http://127.0.0.1:9813/)" = 404 ] || fail "/ not 404"
[ "$(scrape -o /dev/null -w '%{http_code}' -X POST -d x "$URL")" = 405 ] || fail "POST not 405"
[ "$(scrape -o /dev/null -w '%{http_code}' -I "$URL")" = 200 ] || fail "HEAD not 200"

step "deleted: the call is closing (its guard toward A), then its series go"
expect_match '"result": "ok"' "$(ng command=delete call-id="$CALL")"
scrape "$URL" >"$tmp/m" || fail "no scrape"
promcheck
[ "$(metric 'nfsrtp_calls{state="closing"}')" = 1 ] || fail "the deleted call is not closing"
[ "$(metric 'nfsrtp_calls{state="open"}')" = 0 ] || fail "an open call after the delete"
[ "$(metric "nfsrtp_call_streams{$id}")" = 1 ] || fail "not one guard left"
no_call_series() {
	scrape "$URL" >"$tmp/m" && ! grep -q '^nfsrtp_call_[a-z_]*{' "$tmp/m"
}
# the guard tail
wait_for 30 no_call_series
promcheck
[ "$(metric 'nfsrtp_calls{state="closing"}')" = 0 ] || fail "a closing call left"
kill -TERM "$RPID"
rc=0
wait "$RPID" || rc=$?
RPID=
[ "$rc" = 0 ] || fail "srtpd exited $rc: $(cat "$tmp/r.log")"
echo "PASS $TEST"
