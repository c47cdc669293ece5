#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# e2e-fork: the router of tests/vm/e2e.sh (Kamailio with
# tests/e2e/kamailio.cfg, srtpd over ng, SIPp, tests/e2e/topo.bash)
# with a call that forks downstream, and a phone sending STUN on its media
# port.  A's link is captured from before the INVITE to after the BYE.
#
#   a forked call, A -> B: phone A (SRTP) calls B; B's side is a forking
#     proxy (tests/e2e/sipp/fork-uas.xml): fork X sends a 183 with SDP
#     (To tag fork-x, media on 10.0.2.2:40000), then fork Y (fork-y, port
#     40010), then fork Y's 200.  Kamailio passes all three answers to
#     srtpd, which keeps a branch per to-tag: A gets a key of R's per
#     fork, the 200 the key of fork Y's 183.  Early media from X, then
#     from Y, reaches A under the key of the answer A got from that fork
#     (the stream toward A moves to Y in place); after the 200, media
#     flows both ways between A and fork Y.  Fork X's streams (toward port
#     40000) stay while the call is up: srtpd cannot tell a 183 from a
#     200, and the proxy never passes X's 487 upstream.
#   STUN on A's media port: A sends 3 RFC 5389 Binding requests from its
#     RTP port toward the address R gave it (fork Y's), between two halves
#     of an SRTP flow: they reach B byte for byte, R's streams count them
#     as stun and drop nothing, and B's libsrtp2 checks the flow around
#     them.
#   fork X, which lost, sends SRTP toward A under its key after the 200:
#     R's unprotect stream toward A (fork Y's key) refuses every packet.
#   A's BYE: srtpd deletes the whole call (Kamailio's rtpengine_delete()
#     sends no to-tag); once R's streams toward A are guards, fork Y's
#     50 RTP and 5 RTCP packets in clear toward A are dropped by R's guard
#     (--guard-tail 10), every one (e2e_guarded); then no stream and no
#     call.
#
# Every media receiver checks every packet with libsrtp2 and the key of
# the SDP its side saw.  The capture: no media to or from A's port is in
# clear, and it holds exactly the flows' packets and A's 3 STUN messages;
# srtpctl pcap decrypts every packet toward A with the keys A got, every
# packet from A but the STUN with A's key.  Neither srtpd nor Kamailio
# may log a warning or an error, and srtpd must exit 0 on SIGTERM.
. "$(dirname "$0")/lib.bash"
# shellcheck source=tests/e2e/topo.bash
. "$NFSRTP_TOP/tests/e2e/topo.bash"
S=AES_CM_128_HMAC_SHA1_80
N=100				# RTP packets per flow, and N/10 RTCP
E2E_FLOW_COUNT=$N
UA_A=PolycomSoundPointIP-SPIP_601-UA/4.0.1.13681
UA_B=PolycomSoundPointIP-SPIP_650-UA/4.0.1.13681
ID=call-fork-1
STUNPY=$NFSRTP_TOP/tests/tools/stun.py

e2e_exit_trap

r() { "$SRTPCTL" -n nfsrtp-r "$@"; }
streams() { json_get "$(r -j stream show)" 'len(d)'; }
no_streams() { [ "$(r -j stream show)" = "[]" ]; }
key() { head -c 30 /dev/urandom | base64; }
sdp_has() { tr -d '\r' <"$1" | grep -Eq -- "$2"; }
sdps() { [ "$(tr -d '\r' <"$1" | grep -c '^v=0')" = "$2" ]; }
# nth_sdp FILE N: the Nth SDP of the SIPp log FILE, into FILE.N
nth_sdp() {
	tr -d '\r' <"$1" | awk -v n="$2" '/^v=0/ { i++ } i == n' >"$1.$2"
}
# stream OP DST EXPR: EXPR (python, s: the stream) of R's one OP stream
# toward DST (ADDR:PORT)
stream() {
	json_get "$(r -j stream show)" \
		"(lambda s: $3)(*[s for s in d if s['op'] == '$1' and s['dst'] == '$2'] or [None])"
}
# answered TAG: srtpd logged an answer of call $ID from TAG
answered() { grep -q "call $ID: answer to-tag $1:" "$E2E_DIR/srtpd.out"; }
# answer N TAG PORT: A's Nth SDP, from fork TAG, names B's PORT; its key
answer() {
	wait_for 30 sdps "$E2E_DIR/a-b.sdp" "$1"
	wait_for 30 answered "$2"
	nth_sdp "$E2E_DIR/a-b.sdp" "$1"
	sdp_has "$E2E_DIR/a-b.sdp.$1" '^c=IN IP4 10\.0\.2\.2$' || fail "answer $1: not B's address"
	sdp_has "$E2E_DIR/a-b.sdp.$1" "^m=audio $3 RTP/SAVP " || fail "answer $1: not RTP/SAVP on $3"
	sdp_has "$E2E_DIR/a-b.sdp.$1" "^a=crypto:1 $S inline:" || fail "answer $1: no $S a=crypto"
	e2e_sdp_show "$E2E_DIR/a-b.sdp.$1"
	echo "    srtpd: $(grep "call $ID: answer to-tag $2:" "$E2E_DIR/srtpd.out" | tail -n 1 | sed 's/^.*call [^:]*: //')"
}
in_call() { e2e_in_call "call $ID" "$1"; }
# clean: srtpd's query of the call: no authentication failure, replay or
# error in any of its streams so far
clean() {
	local out
	out=$(e2e_ng command=query call-id=$ID)
	[ "$(result "$out")" = ok ] || fail "query: $out"
	echo "    ng query: $(json_get "$out" 'd["totals"]')"
	[ "$(json_get "$out" 'd["totals"]["RTP"]["errors"] + d["totals"]["RTCP"]["errors"] + d["totals"]["SRTP"]["authentication-failures"] + d["totals"]["SRTP"]["replays"]')" = 0 ] ||
		fail "query: errors: $out"
}

sysctl -qw net.core.rmem_max=$((4 << 20))
step "topology: A 10.0.1.2, B 10.0.2.2, router R 10.0.{1,2}.1; srtpd and Kamailio in R"
e2e_topo
# a guard tail long enough for the media sent after the BYE, always
# (times NFSRTP_SCALE: a slow kernel sends it later)
e2e_srtpd_start --guard-tail $((10 * ${NFSRTP_SCALE:-1}))
# shellcheck disable=SC2119
e2e_kamailio_start
e2e_capture_start cap nfsrtp-a veth-a

KA=inline:$(key)
KX=inline:$(key)
KY=inline:$(key)
step "A (SRTP) calls B; B's side forks: fork X (port 40000), fork Y (port 40010)"
e2e_uas b nfsrtp-b 10.0.2.2 fork-uas -key rtp_port 40000 -key rtp_port2 40010 \
	-key crypto_key "${KX#inline:}" -key crypto_key2 "${KY#inline:}" -key ua "$UA_B"
e2e_uac a-b nfsrtp-a 10.0.1.2 $ID 10.0.1.1:5060 phone-uac \
	-s b -key to_host 10.0.2.2 -key from_user a \
	-key rtp_port 20000 -key crypto_key "${KA#inline:}" -key profile RTP/SAVP \
	-key ua "$UA_A"
wait_for 60 test -s "$E2E_DIR/b.sdp"
echo "    the offer B got:"
e2e_sdp_show "$E2E_DIR/b.sdp"
sdp_has "$E2E_DIR/b.sdp" '^m=audio 20000 RTP/SAVP ' || fail "B's offer is not RTP/SAVP"
KRB=$(e2e_sdp_key "$E2E_DIR/b.sdp")
{ [ -n "$KRB" ] && [ "$KRB" != "$KA" ]; } || fail "B's offer: not a key of R's: $(e2e_short "$KRB")"

step "fork X: a 183 with SDP (To tag fork-x); its early media reaches A"
e2e_signal nfsrtp-b 10.0.2.2 $ID 183-x
answer 1 fork-x 40000
KRX=$(e2e_sdp_key "$E2E_DIR/a-b.sdp.1")
{ [ "$KRX" != "$KA" ] && [ "$KRX" != "$KX" ]; } || fail "fork X's answer: not a key of R's"
in_call 4
E2E_FLOW_SSRC=0x0f0a0001 e2e_flow "fork X -> A, early media, at A under fork X's answer" \
	nfsrtp-b nfsrtp-a 10.0.1.2 20000 40000 "$KX" "$KRX"

step "fork Y: a 183 with SDP (To tag fork-y); the stream toward A moves to it"
e2e_signal nfsrtp-b 10.0.2.2 $ID 183-y
answer 2 fork-y 40010
KRY=$(e2e_sdp_key "$E2E_DIR/a-b.sdp.2")
{ [ "$KRY" != "$KA" ] && [ "$KRY" != "$KY" ]; } || fail "fork Y's answer: not a key of R's"
[ "$KRY" != "$KRX" ] || fail "the two forks' answers gave A one key"
in_call 6
E2E_FLOW_SSRC=0x0f0a0002 e2e_flow "fork Y -> A, early media, at A under fork Y's answer" \
	nfsrtp-b nfsrtp-a 10.0.1.2 20000 40010 "$KY" "$KRY"

step "fork Y answers: its 200 (To tag fork-y); media both ways"
e2e_signal nfsrtp-b 10.0.2.2 $ID 200
e2e_call_up a-b b
answer 3 fork-y 40010
[ "$(e2e_sdp_key "$E2E_DIR/a-b.sdp.3")" = "$KRY" ] || fail "the 200 gave A another key than fork Y's 183"
tr -d '\r' <"$E2E_DIR/b.messages" | grep -A 12 '^ACK ' | grep -q '^To: .*;tag=fork-y' ||
	fail "A's ACK is not fork Y's"
echo "    the 200: fork Y's key again; A's ACK went to fork Y"
[ "$(grep -c "answer $ID: rtpengine_answer" "$E2E_DIR/kamailio.out")" -ge 3 ] ||
	fail "Kamailio did not pass the two 183s and the 200 to srtpd"
out=$(e2e_ng command=query call-id=$ID)
tags=$(json_get "$out" "' '.join(sorted('%s:%d' % (t['tag'], t['streams']) for t in d['tags'].values() if t['role'] == 'callee'))")
echo "    ng query, the callees' tags and their streams: $tags"
[ "$tags" = "fork-x:2 fork-y:4" ] || fail "ng query: tags: $out"
E2E_FLOW_SSRC=0x0f0a0003 e2e_flow "A -> fork Y, at B under the offer's key" \
	nfsrtp-a nfsrtp-b 10.0.2.2 40010 20000 "$KA" "$KRB"
E2E_FLOW_SSRC=0x0f0a0003 e2e_flow "fork Y -> A, at A under fork Y's answer" \
	nfsrtp-b nfsrtp-a 10.0.1.2 20000 40010 "$KY" "$KRY"
# R's streams by destination: toward A and fork Y (theirs), toward fork X
by_dst=$(json_get "$(r -j stream show)" "' '.join(sorted('%s>%s:%s' % (s['src'], s['dst'], s['op']) for s in d))")
[ "$by_dst" = "10.0.1.2>10.0.2.2:40000:protect 10.0.1.2>10.0.2.2:40000:unprotect 10.0.1.2>10.0.2.2:40010:protect 10.0.1.2>10.0.2.2:40010:unprotect 10.0.2.2>10.0.1.2:20000:protect 10.0.2.2>10.0.1.2:20000:unprotect" ] ||
	fail "R's streams: $by_dst"
echo "    fork X's 2 streams (toward 10.0.2.2:40000) stay: no delete names fork-x"
clean

step "A sends STUN from its media port toward fork Y, between halves of an SRTP flow"
# RTP alone: a second sender would start SRTCP's index at 0 again
rx_start nfsrtp-b "$E2E_DIR/rx-stun.out" --bind 10.0.2.2 --port 40010 --count $N \
	--stun --timeout 60 --suite "$S" --key "$KRB" --ssrc 0x0f0a0004
E2E_PID[rx-stun]=$RX_PID
send_half() {
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.2.2:40010 --src-port 20000 \
		--count $((N / 2)) --offset "$1" --suite "$S" --key "$KA" \
		--ssrc 0x0f0a0004 >"$E2E_DIR/tx.out" 2>&1 || fail "A's sender: $(cat "$E2E_DIR/tx.out")"
}
send_half 0
ip netns exec nfsrtp-a python3 "$STUNPY" send --src 10.0.1.2:20000 --dst 10.0.2.2:40010 \
	binding binding binding >"$E2E_DIR/stun.sent"
send_half $((N / 2))
wait "${E2E_PID[rx-stun]}" || fail "B's receiver: $(tail -n 1 "$E2E_DIR/rx-stun.out")"
unset "E2E_PID[rx-stun]"
echo "    at B, libsrtp2 under the offer's key: $(tail -n 1 "$E2E_DIR/rx-stun.out")"
! grep -q EPERM "$E2E_DIR/stun.sent" || fail "the STUN was dropped on A's way out"
[ "$(awk '$1 == "stun" { print $2 }' "$E2E_DIR/rx-stun.out")" = "$(awk '{ print $2 }' "$E2E_DIR/stun.sent")" ] ||
	fail "the STUN B got is not what A sent: $(cat "$E2E_DIR/stun.sent" "$E2E_DIR/rx-stun.out")"
echo "    B got A's 3 Binding requests byte for byte"
for op in unprotect protect; do
	[ "$(stream $op 10.0.2.2:40010 's["stun"]')" = 3 ] ||
		fail "R's $op stream toward fork Y: stun $(stream $op 10.0.2.2:40010 's["stun"]')"
	[ "$(stream $op 10.0.2.2:40010 'json.dumps(s["drops"])')" = "{}" ] ||
		fail "R's $op stream toward fork Y dropped: $(r -s stream show)"
done
echo "    R's streams toward fork Y: stun 3, no drop: $(stream unprotect 10.0.2.2:40010 '"unprotect packets %d stun %d drops %s" % (s["packets"], s["stun"], s["drops"])'), $(stream protect 10.0.2.2:40010 '"protect packets %d stun %d drops %s" % (s["packets"], s["stun"], s["drops"])')"
clean

step "fork X, which lost, sends SRTP toward A under its key: R refuses it"
auth_drops() { stream unprotect 10.0.1.2:20000 's["drops"].get("auth", 0)'; }
auth_drops_are() { [ "$(auth_drops)" = "$1" ]; }
before=$(auth_drops)
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.2:20000 --src-port 40000 \
	--count 20 --suite "$S" --key "$KX" --ssrc 0x0f0a0005 >/dev/null
wait_for 30 auth_drops_are $((before + 20))
echo "    R's unprotect stream toward A (fork Y's key): authentication failures $before -> $(auth_drops)"

step "A hangs up: no call left; fork Y's media toward A after the BYE is dropped"
e2e_hangup nfsrtp-a 10.0.1.2 $ID
e2e_deleted $ID
# within the guard tail: R's guard drops it (the capture below checks
# that none reached A)
e2e_guarded "after the BYE" "fork Y" nfsrtp-b 40010
e2e_sipp_wait a-b 90
e2e_sipp_wait b 90
out=$(e2e_ng command=list)
[ "$(json_get "$out" 'd["calls"]')" = "[]" ] ||
	fail "ng list after the BYE: $out; R's streams: $(r stream show)"
wait_for 30 no_streams
echo "    after the BYE (and the guard tail): no stream in R, ng list: no call"

step "A's link from before the INVITE to after the BYE: no media in clear"
e2e_capture_stop cap
e2e_capture_check cap 10.0.1.2 20000
# from A, "RTP" counts the 3 STUN messages
[[ $E2E_CAPTURE == "to 10.0.1.2:20000 $((33 * N / 10)) (RTP $((3 * N)), RTCP $((3 * N / 10))), from it $((21 * N / 10 + 3)) (RTP $((2 * N + 3)), RTCP $((N / 10))), in clear 0" ]] ||
	fail "cap: not the flows' packets alone: $E2E_CAPTURE"
e2e_capture_decrypt cap 'dst host 10.0.1.2 and (udp dst port 20000 or udp dst port 20001)' "$KRX" "$KRY"
[[ $E2E_DECRYPTED == *": $((3 * N)) RTP and $((3 * N / 10)) RTCP decrypted, 0 refused"* ]] ||
	fail "cap: toward A: $E2E_DECRYPTED"
e2e_capture_decrypt cap 'src host 10.0.1.2 and (udp src port 20000 or udp src port 20001) and udp[8] >= 0x80' "$KA"
[[ $E2E_DECRYPTED == *": $((2 * N)) RTP and $((N / 10)) RTCP decrypted, 0 refused"* ]] ||
	fail "cap: from A: $E2E_DECRYPTED"
stun=$(tcpdump -r "$E2E_DIR/cap.pcap" -nq 'src host 10.0.1.2 and udp src port 20000 and udp[8] < 4' 2>/dev/null | wc -l)
[ "$stun" = 3 ] || fail "cap: $stun STUN messages from A's media port, not 3"
echo "    the rest from A's media port: its 3 STUN messages"

step "Kamailio and srtpd stop; neither logged a warning or an error"
e2e_finish
echo "PASS $TEST"
