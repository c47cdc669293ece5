#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ng: srtpd as the media controller of a SIP proxy on router R, over
# rtpengine's ng protocol (tests/tools/ngc.py sends what Kamailio's
# rtpengine module sends; tests/e2e drives it with Kamailio itself).
# A - R - B in a line.  The mixed call: phone A offers SRTP, gateway B
# answers plain RTP; R unprotects A's media toward B and protects B's
# toward A with its own key.  srtpd is killed with SIGKILL mid-call:
# media keeps flowing, the restarted srtpd recovers the call from its
# state file and deletes it.  Then SRTP on both legs over IPv6, each leg
# with its own keys.  Fail closed: plain media toward A is dropped from
# the offer on, at a re-INVITE that moves A to another port, and after a
# delete with delete-delay (during which R still transforms).  Every flow
# is checked by libsrtp2 (rtpwire) with the keys taken from the SDP
# srtpd returned.
. "$(dirname "$0")/lib.bash"
SRTPD=$NFSRTP_TOP/build/bin/srtpd
S=AES_CM_128_HMAC_SHA1_80
KA='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
KA2='inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz'
KB='inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'
tmp=$(mktemp -d)
RPID=
trap '[ -z "$RPID" ] || kill -9 "$RPID" 2>/dev/null || true; topo_cleanup' EXIT
topo_line
sysctl -qw net.core.rmem_max=$((4 << 20))

cat >"$tmp/r.cfg" <<'EOF'
<!-- the phones: current models and the legacy IP 601 (leg) with SRTP -->
<sip><sec sec.srtp.enable="1" sec.srtp.leg.enable="1" sec.srtp.offer="1"/></sip>
EOF

pyserve_start r nfsrtp-r
ng() { pyserve r run "$NFSRTP_TOP/tests/tools/ngc.py" "$@"; }
r() { "$SRTPCTL" -n nfsrtp-r "$@"; }

# router_start: srtpd in R with ng on loopback; waits until it answers.
# A deleted call's guards stay $GUARD_TAIL seconds.
GUARD_TAIL=2
router_start() {
	ip netns exec nfsrtp-r "$SRTPD" --config "$tmp/r.cfg" \
		--socket "$tmp/r.sock" --ng 127.0.0.1:2223 \
		--state "$tmp/ng.state" --guard-tail "$GUARD_TAIL" >>"$tmp/r.log" 2>&1 &
	RPID=$!
	wait_for 20 test -S "$tmp/r.sock"
	expect_match '"result": "pong"' "$(ng command=ping)"
}

# router_stop: SIGTERM; srtpd removes every stream and exits 0.
router_stop() {
	local rc=0

	kill -TERM "$RPID"
	wait "$RPID" || rc=$?
	RPID=
	[ "$rc" = 0 ] || fail "srtpd exited $rc: $(cat "$tmp/r.log")"
}




# offer_sdp ADDR FAMILY PORT KEY [AVP]: a phone's offer, SAVP (+ AVP).
offer_sdp() {
	printf 'v=0\r\no=phone 1 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n' "$2" "$1" "$2" "$1"
	printf 'm=audio %s RTP/SAVP 0 101\r\na=crypto:1 %s %s\r\n' "$3" "$S" "$4"
	printf 'a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n'
	if [ -n "${5:-}" ]; then
		printf 'm=audio %s RTP/AVP 0 101\r\n' "$3"
		printf 'a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n'
	fi
}

# answer_sdp ADDR FAMILY PORT [KEY]: the callee's answer, AVP or SAVP.
answer_sdp() {
	printf 'v=0\r\no=callee 7 7 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n' "$2" "$1" "$2" "$1"
	if [ -n "${4:-}" ]; then
		printf 'm=audio %s RTP/SAVP 0 101\r\na=crypto:1 %s %s\r\n' "$3" "$S" "$4"
	else
		printf 'm=audio %s RTP/AVP 0 101\r\n' "$3"
	fi
	printf 'a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n'
}

# flow FROM-NS TO-NS DST-ADDR DST-PORT SRC-PORT COUNT SEND-KEY RECV-KEY
# [SSRC]: COUNT RTP (and RTCP) packets; "-" for a plain side.  The
# receiver checks every packet with libsrtp2 (or as plain RTP).  A flow
# sent again needs another SSRC: the same indices would be replays.
flow() {
	local rx=(--ssrc "${9:-0x11223344}") tx=(--ssrc "${9:-0x11223344}")
	[ "$7" = - ] || tx+=(--suite $S --key "$7")
	[ "$8" = - ] || rx+=(--suite $S --key "$8")
	rx_start "$2" "$tmp/rx" --bind "$(bracket "$3")" --port "$4" --count "$6" --rtcp "${rx[@]}"
	ip netns exec "$1" "$RTPWIRE" send --dst "$(bracket "$3"):$4" \
		--src-port "$5" --count "$6" --rtcp "${tx[@]}" >/dev/null
	wait "$RX_PID" || fail "receiver: $(tail -n 2 "$tmp/rx")
R's streams:
$(r -j stream show 2>&1)"
	echo "    $(tail -n 1 "$tmp/rx")"
}

# no_streams: R has no stream left within 20 s (a deleted call's guards
# stay for the guard tail, 2 s here).
streams_empty() { [ "$(r -j stream show)" = "[]" ]; }
no_streams() { wait_for 20 streams_empty; }

step "ping; bad requests get an error reply"
router_start
expect_match '^error: malformed bencode' "$(result "$(ng --raw 'x1 d7:command')")"
expect_match '^error: Unrecognized command' "$(result "$(ng command=dance)")"
expect_match '^error: Unknown call-id' "$(result "$(ng command=query call-id=nope)")"
expect_match '^error: offer SDP' "$(result "$(ng command=offer call-id=c from-tag=f sdp=junk)")"
# every error reply is logged with its reason
expect_match 'ng offer c: offer SDP: line 1' "$(cat "$tmp/r.log")"

step "mixed call: phone A offers SRTP, gateway B answers plain RTP"
offer_sdp 10.0.1.1 IP4 4000 "$KA" avp >"$tmp/a.offer"
out=$(ng command=offer call-id=mixed-1 from-tag=a1 sdp=@"$tmp/a.offer" \
	'received-from:=["IP4","10.0.1.1"]' 'flags:=["trust-address"]' transport-protocol=RTP/AVP \
	'SDES:=["no-AES_CM_128_HMAC_SHA1_32"]' user-agent=PolycomSoundPointIP-SPIP_601-UA/3.1)
[ "$(result "$out")" = ok ] || fail "offer: $out"
sdp_of "$out" "$tmp/b.offer"
grep -q '^m=audio 4000 RTP/AVP 0 101' "$tmp/b.offer" || fail "offer to B: $(cat "$tmp/b.offer")"
! grep -q 'a=crypto' "$tmp/b.offer" || fail "crypto toward the gateway"
grep -c '^m=' "$tmp/b.offer" | grep -qx 1 || fail "one m-line toward B expected"
answer_sdp 10.0.2.1 IP4 5000 >"$tmp/b.answer"
out=$(ng command=answer call-id=mixed-1 from-tag=a1 to-tag=b1 sdp=@"$tmp/b.answer" \
	'received-from:=["IP4","10.0.2.1"]')
[ "$(result "$out")" = ok ] || fail "answer: $out"
sdp_of "$out" "$tmp/a.answer"
grep -q '^m=audio 5000 RTP/SAVP 0 101' "$tmp/a.answer" || fail "answer to A: $(cat "$tmp/a.answer")"
grep -q '^m=audio 0 RTP/AVP' "$tmp/a.answer" || fail "AVP alternative not refused"
KRA=$(key_of "$tmp/a.answer")
[ -n "$KRA" ] && [ "$KRA" != "$KA" ] || fail "no key of our own toward A"
expect_match '"model": "IP_601"' "$(ng command=query call-id=mixed-1)"
echo "A -> B: A's SRTP arrives at the gateway as plain RTP"
flow nfsrtp-a nfsrtp-b 10.0.2.1 5000 4000 200 "$KA" -
echo "B -> A: the gateway's RTP arrives at A as SRTP under the answer's key"
flow nfsrtp-b nfsrtp-a 10.0.1.1 4000 5000 200 - "$KRA"
out=$(ng command=query call-id=mixed-1)
echo "    query: $(json_get "$out" 'd["totals"]')"
[ "$(json_get "$out" '(d["totals"]["RTP"]["packets"], d["totals"]["RTCP"]["packets"])')" = "(400, 40)" ] ||
	fail "query: $out"
[ "$(json_get "$out" 'd["totals"]["RTP"]["errors"] + d["totals"]["RTCP"]["errors"]')" = 0 ] || fail "query: $out"

step "srtpd killed mid-call: media flows, the restarted srtpd recovers the call"
grep -q 'call mixed-1 a1 b1 IP_601' "$tmp/ng.state" || fail "state: $(cat "$tmp/ng.state")"
! grep -qi 'inline\|crypto' "$tmp/ng.state" || fail "a key in the state file"
kill -9 "$RPID"
wait "$RPID" 2>/dev/null || true
RPID=
flow nfsrtp-a nfsrtp-b 10.0.2.1 5000 4000 100 "$KA" - 0x55667788
router_start
expect_match 'recovered 1 call' "$(cat "$tmp/r.log")"
out=$(ng command=list)
[ "$(json_get "$out" 'd["calls"]')" = "['mixed-1']" ] || fail "list: $out"
out=$(ng command=query call-id=mixed-1)
[ "$(json_get "$out" '(d["totals"]["RTP"]["packets"], d["totals"]["RTCP"]["packets"])')" = "(500, 50)" ] ||
	fail "query: $out"
[ "$(result "$(ng command=delete call-id=mixed-1 from-tag=a1)")" = ok ] || fail "delete"
no_streams	# after the guard tail
! grep -q mixed-1 "$tmp/ng.state" || fail "deleted call still in the state file"

step "early media, then a fork: streams changed in place, never re-added"
ids() { json_get "$(r -j stream show)" '" ".join(sorted(str(s["id"]) for s in d))'; }
offer_sdp 10.0.1.1 IP4 4020 "$KA" avp >"$tmp/a.offer"
out=$(ng command=offer call-id=em-3 from-tag=a3 sdp=@"$tmp/a.offer" \
	'received-from:=["IP4","10.0.1.1"]' transport-protocol=RTP/AVP)
[ "$(result "$out")" = ok ] || fail "offer: $out"
answer_sdp 10.0.2.1 IP4 5020 >"$tmp/b.answer"
# the 183's answer, then the 200's of the same branch (same to-tag)
out=$(ng command=answer call-id=em-3 from-tag=a3 to-tag=b3 sdp=@"$tmp/b.answer" \
	'received-from:=["IP4","10.0.2.1"]')
[ "$(result "$out")" = ok ] || fail "183 answer: $out"
sdp_of "$out" "$tmp/a.answer183"
K183=$(key_of "$tmp/a.answer183")
before=$(ids)
out=$(ng command=answer call-id=em-3 from-tag=a3 to-tag=b3 sdp=@"$tmp/b.answer" \
	'received-from:=["IP4","10.0.2.1"]')
[ "$(result "$out")" = ok ] || fail "200 answer: $out"
sdp_of "$out" "$tmp/a.answer200"
[ "$(key_of "$tmp/a.answer200")" = "$K183" ] || fail "the 200 changed A's key"
[ "$(ids)" = "$before" ] || fail "streams re-added: $before -> $(ids)"
echo "    183 and 200: one key toward A, streams $before kept"
flow nfsrtp-b nfsrtp-a 10.0.1.1 4020 5020 50 - "$K183" 0x0a0b0c01
# a second fork answers from the same gateway on another port: the
# direction toward A moves to it in place (new source port, new key)
answer_sdp 10.0.2.1 IP4 5022 >"$tmp/b2.answer"
out=$(ng command=answer call-id=em-3 from-tag=a3 to-tag=b4 sdp=@"$tmp/b2.answer" \
	'received-from:=["IP4","10.0.2.1"]')
[ "$(result "$out")" = ok ] || fail "fork answer: $out"
sdp_of "$out" "$tmp/a.answer2"
K2=$(key_of "$tmp/a.answer2")
[ -n "$K2" ] && [ "$K2" != "$K183" ] || fail "the fork shares A's key"
flow nfsrtp-b nfsrtp-a 10.0.1.1 4020 5022 50 - "$K2" 0x0a0b0c02
flow nfsrtp-a nfsrtp-b 10.0.2.1 5022 4020 50 "$KA" - 0x0a0b0c03
# the losing fork's 487: its branch goes, the winner's streams stay
[ "$(result "$(ng command=delete call-id=em-3 from-tag=a3 to-tag=b3)")" = ok ] || fail "delete b3"
flow nfsrtp-b nfsrtp-a 10.0.1.1 4020 5022 50 - "$K2" 0x0a0b0c04
[ "$(result "$(ng command=delete call-id=em-3 from-tag=a3 to-tag=b4)")" = ok ] || fail "delete b4"
no_streams	# after the guard tail

step "a hostile offer aims media at a third party: refused, nothing installed"
offer_sdp 10.0.2.1 IP4 53 "$KA" >"$tmp/evil.offer"
out=$(ng command=offer call-id=evil from-tag=e sdp=@"$tmp/evil.offer" \
	'received-from:=["IP4","10.0.1.1"]')
expect_match 'media address 10.0.2.1 is neither the address the SDP came from' "$(result "$out")"
[ "$(r -j stream show)" = "[]" ] || fail "streams: $(r stream show)"

step "fail closed: from the offer on, at a re-INVITE and after the BYE, nothing reaches A in clear"
src_drops() { json_get "$(r -j stats)" 'd["drops"].get("source", 0)'; }
drops_at_least() { [ "$(src_drops)" -ge "$1" ]; }
# listen_count NS ADDR PORT FILE: counts the datagrams to ADDR:PORT, until
# FILE.stop appears, into FILE.
listen_count() {
	rm -f "$4" "$4.stop" "$4.ready"
	ip netns exec "$1" python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(0.05)
open(sys.argv[3] + ".ready", "w").close()
n = 0
while not os.path.exists(sys.argv[3] + ".stop"):
    try:
        s.recv(2048)
        n += 1
    except socket.timeout:
        pass
open(sys.argv[3], "w").write("%d\n" % n)' "$2" "$3" "$4" &
	wait_for 20 test -e "$4.ready"
}
listen_stop() { touch "$1.stop"; wait_for 20 test -s "$1"; cat "$1"; }
# plain_burst SSRC [PORT]: the gateway sends 20 plain RTP packets toward
# A's PORT (4030)
plain_burst() {
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst "10.0.1.1:${2:-4030}" \
		--src-port 5030 --count 20 --ssrc "$1" >/dev/null
}
# guarded_burst WHAT SSRC PORT: 20 plain packets toward A's PORT are
# dropped for their source, and none reaches A
guarded_burst() {
	local base
	base=$(src_drops)
	listen_count nfsrtp-a 10.0.1.1 "$3" "$tmp/burst"
	plain_burst "$2" "$3"
	wait_for 20 drops_at_least $((base + 20))
	[ "$(listen_stop "$tmp/burst")" = 0 ] || fail "plain RTP reached A $1"
	echo "    $1: 20 plain packets toward A:$3 dropped by a guard, 0 arrived"
}
call_gone() { ! grep -q fc-4 <<<"$(ng command=list)"; }
# a guard tail long enough for the slow guest to send after the BYE
router_stop
GUARD_TAIL=$((60 * ${NFSRTP_SCALE:-1}))
router_start
offer_sdp 10.0.1.1 IP4 4030 "$KA" avp >"$tmp/a.offer"
out=$(ng command=offer call-id=fc-4 from-tag=a4 sdp=@"$tmp/a.offer" \
	'received-from:=["IP4","10.0.1.1"]' transport-protocol=RTP/AVP)
[ "$(result "$out")" = ok ] || fail "offer: $out"
# the gateway knows A's address from the offer and sends before its answer
guarded_burst "before the answer" 0x0d0e0f01 4030
answer_sdp 10.0.2.1 IP4 5030 >"$tmp/b.answer"
out=$(ng command=answer call-id=fc-4 from-tag=a4 to-tag=b4 sdp=@"$tmp/b.answer" \
	'received-from:=["IP4","10.0.2.1"]')
[ "$(result "$out")" = ok ] || fail "answer: $out"
sdp_of "$out" "$tmp/a.answer"
flow nfsrtp-b nfsrtp-a 10.0.1.1 4030 5030 50 - "$(key_of "$tmp/a.answer")" 0x0d0e0f02
# a re-INVITE: A moves its media to port 4040; the gateway has the
# re-offer and sends there before its answer reaches R
offer_sdp 10.0.1.1 IP4 4040 "$KA" avp >"$tmp/a.reoffer"
out=$(ng command=offer call-id=fc-4 from-tag=a4 to-tag=b4 sdp=@"$tmp/a.reoffer" \
	'received-from:=["IP4","10.0.1.1"]' transport-protocol=RTP/AVP)
[ "$(result "$out")" = ok ] || fail "re-offer: $out"
guarded_burst "at A's new port, before the re-answer" 0x0d0e0f03 4040
out=$(ng command=answer call-id=fc-4 from-tag=a4 to-tag=b4 sdp=@"$tmp/b.answer" \
	'received-from:=["IP4","10.0.2.1"]')
[ "$(result "$out")" = ok ] || fail "re-answer: $out"
sdp_of "$out" "$tmp/a.reanswer"
flow nfsrtp-b nfsrtp-a 10.0.1.1 4040 5030 50 - "$(key_of "$tmp/a.reanswer")" 0x0d0e0f04
# the BYE with a delete-delay (Kamailio's, for a CANCEL that may cross a
# 200): R's streams go on transforming meanwhile, then the call closes to
# its guard.  The delay outlasts the flow below: 20 s, scaled (on the
# debug kernel the flow came after 20 s, into no stream at all)
DELAY=$((20 * ${NFSRTP_SCALE:-1}))
[ "$(result "$(ng command=delete call-id=fc-4 from-tag=a4 to-tag=b4 "delete-delay:=$DELAY")")" = ok ] ||
	fail "delete"
flow nfsrtp-b nfsrtp-a 10.0.1.1 4040 5030 20 - "$(key_of "$tmp/a.reanswer")" 0x0d0e0f05
echo "    during the delete-delay: the gateway's media still reaches A, protected"
wait_for 60 call_gone
echo "    after the delete-delay: the call is gone from ng list"
# the BYE is out, the gateway still sends for a moment
guarded_burst "after the BYE" 0x0d0e0f06 4040
[ "$(json_get "$(r -j stream show)" 'len(d)')" = 1 ] ||
	fail "expected the guard alone: $(r stream show)"
expect_match '"calls": \[\]' "$(ng command=list)"
# a clean stop removes the guards too; the 2 s tail is seen to end above
router_stop
[ "$(r -j stream show)" = "[]" ] || fail "streams left: $(r stream show)"
GUARD_TAIL=2
router_start

step "SRTP on both legs (IPv6): each leg its own keys, R re-encrypts"
offer_sdp fd00:1::1 IP6 4010 "$KA2" >"$tmp/a.offer"
out=$(ng command=offer call-id=srtp-2 from-tag=a2 sdp=@"$tmp/a.offer" \
	'received-from:=["IP6","fd00:1::1"]')
[ "$(result "$out")" = ok ] || fail "offer: $out"
sdp_of "$out" "$tmp/b.offer"
grep -q '^m=audio 4010 RTP/SAVP 0 101' "$tmp/b.offer" || fail "offer to B: $(cat "$tmp/b.offer")"
KRB=$(key_of "$tmp/b.offer")
[ -n "$KRB" ] && [ "$KRB" != "$KA2" ] || fail "no key of our own toward B"
answer_sdp fd00:2::1 IP6 5010 "$KB" >"$tmp/b.answer"
out=$(ng command=answer call-id=srtp-2 from-tag=a2 to-tag=b2 sdp=@"$tmp/b.answer" \
	'received-from:=["IP6","fd00:2::1"]')
[ "$(result "$out")" = ok ] || fail "answer: $out"
sdp_of "$out" "$tmp/a.answer"
KRA=$(key_of "$tmp/a.answer")
[ -n "$KRA" ] && [ "$KRA" != "$KB" ] && [ "$KRA" != "$KRB" ] || fail "keys toward A"
echo "A -> B: sent under A's key, received under R's key toward B"
flow nfsrtp-a nfsrtp-b fd00:2::1 5010 4010 200 "$KA2" "$KRB"
echo "B -> A: sent under B's key, received under R's key toward A"
flow nfsrtp-b nfsrtp-a fd00:1::1 4010 5010 200 "$KB" "$KRA"
[ "$(json_get "$(r -j stream show)" 'len(d)')" = 4 ] ||
	fail "expected 4 streams: $(r stream show)"

step "a retransmitted delete is answered from the cache; SIGTERM leaves nothing"
out=$(ng --src-port 40100 --cookie dup1 command=delete call-id=srtp-2)
[ "$(result "$out")" = ok ] || fail "delete: $out"
[ "$(ng --src-port 40100 --cookie dup1 command=delete call-id=srtp-2)" = "$out" ] ||
	fail "the retransmission was not answered from the cache"
# the same cookie from another socket is a new request, not the kept reply
expect_match 'Unknown call-id' "$(ng --src-port 40101 --cookie dup1 command=delete call-id=srtp-2)"
out=$(ng command=offer call-id=left from-tag=l sdp=@"$tmp/a.offer" \
	'received-from:=["IP6","fd00:1::1"]')
# A's port is the last call's, whose guard is still there: taken over
[ "$(result "$out")" = ok ] || fail "offer: $out"
out=$(ng command=answer call-id=left to-tag=l sdp=@"$tmp/b.answer" \
	'received-from:=["IP6","fd00:2::1"]')
[ "$(result "$out")" = ok ] || fail "answer: $out"
router_stop
expect_match 'stopping: removing the streams of 1 call' "$(cat "$tmp/r.log")"
[ "$(r -j stream show)" = "[]" ] || fail "streams left: $(r stream show)"
! grep -q '^call ' "$tmp/ng.state" || fail "calls left in the state file"
! grep -Ei 'warning|lost|cannot|refused' "$tmp/r.log" || fail "srtpd complained"
echo "PASS $TEST"
