#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# e2e-policy: the router of tests/vm/e2e.sh (Kamailio with
# tests/e2e/kamailio.cfg, srtpd over ng, SIPp as the phones and the
# gateway, tests/e2e/topo.bash) under the bulletin's Scenario Two:
# sec.srtp.require=1 for every phone, the plain-RTP gateway G named with
# --plain-peer.  Every call's SRTP leg is captured on A's link from
# before the INVITE to after the BYE.
#
#   refusals (R has no stream yet): phone B, not a plain peer, offers A
#     plain RTP: refused (Kamailio answers 503 when rtpengine_offer
#     fails), nothing installed, the reason logged.  Two hostile offers
#     from A, media aimed at B's address and port 53, and at A's own
#     address port 53: refused, nothing installed, no key in the log.
#   call 1, G -> A: G offers RTP/AVP; A is offered RTP/SAVP alone with
#     R's key, answers SRTP; media both ways (plain at G, libsrtp2 at A).
#     After G's BYE, G's media toward A is dropped by the guard.
#   call 2, A -> G: A offers SRTP only, its key with a lifetime of 2^8
#     packets.  G has the offer and sends media before it answers: the
#     guard drops it.  Then A sends 4 x 200 RTP packets, 3.1 lifetimes,
#     and re-keys by re-INVITE before each key's 256th packet: G gets
#     every packet in clear, libsrtp2 on R's side of A's link follows
#     A's keys through every one of them, no authentication failure.
#     After A's BYE, G's media toward A is dropped by the guard.
#   call 3, G -> A with a delayed offer: G's INVITE has no SDP, A's 200
#     offers SRTP (Kamailio sends it to srtpd as the offer), G gets it
#     plain, and G's ACK answers it (sent to srtpd as the answer): A gets
#     R's key in the ACK, G never A's.  Media both ways; after G's BYE,
#     G's media toward A is dropped by the guard.
#   call 4, the same with 100rel (RFC 3262): A's offer comes in a
#     reliable 183, G's answer in its PRACK (Kamailio remembers the
#     delayed offer by Call-ID and sends the PRACK's SDP to srtpd as the
#     answer, not as an offer); A's 200 and G's ACK have no SDP.
#   call 5, G -> A with 100rel and an offer in the PRACK (RFC 3262 5):
#     G's INVITE offers, A's reliable 183 answers, G's PRACK offers again
#     and A's 200 to the PRACK answers: Kamailio sends that answer to
#     srtpd as well (before, replies to a PRACK passed verbatim, and A's
#     key with them), so G never gets A's key; media both ways.
#   a hostile answer: A calls phone B, whose 200 puts its media at port
#     53: srtpd refuses the answer, and Kamailio (rtpengine_answer
#     failed) removes the a=crypto lines of the 200 it passes on: A gets
#     no key of B's; R has no stream toward port 53, A's leg its guard.
#
# The captures: no media packet to or from A's media ports is
# rtpwire's media in clear (tests/tools/rtpclear.py), srtpctl pcap
# decrypts every one of them with the keys of the SDP, and they are
# exactly the packets of the checked flows: the gateway's media before
# its answer and after the BYE never reached A's link.
. "$(dirname "$0")/lib.bash"
# shellcheck source=tests/e2e/topo.bash
. "$NFSRTP_TOP/tests/e2e/topo.bash"
S=AES_CM_128_HMAC_SHA1_80
UA_A=PolycomSoundPointIP-SPIP_601-UA/4.0.1.13681
UA_B=PolycomSoundPointIP-SPIP_650-UA/4.0.1.13681
UA_G=e2e-gateway/1.0
P=200			# RTP packets per key of call 2 (its lifetime: 256)
E2E_SRTPD_CFG='<sip><sec sec.srtp.enable="1" sec.srtp.leg.enable="1" sec.srtp.offer="1" sec.srtp.require="1"/></sip>'

e2e_exit_trap

r() { "$SRTPCTL" -n nfsrtp-r "$@"; }
streams() { json_get "$(r -j stream show)" 'len(d)'; }
no_streams() { [ "$(r -j stream show)" = "[]" ]; }
nstreams() { [ "$(streams)" = "$1" ]; }
key() { head -c 30 /dev/urandom | base64; }
sdp_has() { tr -d '\r' <"$1" | grep -Eq -- "$2"; }
crypto_lines() { [ "$(tr -d '\r' <"$1" | grep -c '^a=crypto')" = "$2" ]; }
# stream OP EXPR: EXPR (python, s: the stream) of R's one OP stream
stream() {
	json_get "$(r -j stream show)" \
		"(lambda s: $2)(*[s for s in d if s['op'] == '$1'] or [None])"
}
unprotected() { [ "$(stream unprotect 's["packets"]')" = "$1" ]; }

# refused ID REASON: srtpd logged the refusal of call ID's offer with
# REASON (an extended regex); R has no stream, srtpd no call.
refused() {
	local out
	wait_for 20 grep -Eq "ng offer $1: .*$2" "$E2E_DIR/srtpd.out"
	no_streams || fail "$1: streams installed: $(r stream show)"
	out=$(e2e_ng command=list)
	[ "$(json_get "$out" 'd["calls"]')" = "[]" ] || fail "$1: ng list: $out"
	echo "    srtpd: $(grep -E "ng offer $1: " "$E2E_DIR/srtpd.out" | tail -n 1 | sed 's/^.*ng offer/offer/')"
	echo "    R: no stream, no call"
}

# the_guard: R's one stream is a guard toward A's media ports: a protect
# stream whose only source is A's own address.
the_guard() {
	[ "$(stream protect 's["src"] + ">" + s["dst"]')" = "10.0.1.2>10.0.1.2:20000" ] ||
		fail "no guard toward A: $(r stream show)"
	echo "    R's one stream, the guard: $(r stream show | head -n 1)"
}

# one_call_captured NAME KEY-TO-A KEY-FROM-A: capture NAME of A's link
# holds the packets of two flows of 300 RTP + 30 RTCP to and from A's
# port 20000, nothing in clear, each direction decrypting under its key.
one_call_captured() {
	local c=$1
	e2e_capture_stop "$c"
	e2e_capture_check "$c" 10.0.1.2 20000
	[[ $E2E_CAPTURE == "to 10.0.1.2:20000 330 (RTP 300, RTCP 30), from it 330 (RTP 300, RTCP 30), in clear 0" ]] ||
		fail "$c: not the flows' packets alone: $E2E_CAPTURE"
	one_way_decrypts "$c" dst "$2"
	one_way_decrypts "$c" src "$3"
}
# one_way_decrypts NAME dst|src KEY: the packets of capture NAME to
# (dst) or from (src) A's media ports: 300 RTP and 30 RTCP, all decrypted
one_way_decrypts() {
	e2e_capture_decrypt "$1" "$2 host 10.0.1.2 and (udp $2 port 20000 or udp $2 port 20001)" "$3"
	[[ $E2E_DECRYPTED == *": 300 RTP and 30 RTCP decrypted, 0 refused"* ]] ||
		fail "$1: $E2E_DECRYPTED"
}

kamailio_said() {
	grep -E "(offer|answer) $1: " "$E2E_DIR/kamailio.out" |
		sed -E 's/^.*(offer|answer) [^:]*: /    Kamailio: /; s/\(" +/("/'
}

sysctl -qw net.core.rmem_max=$((4 << 20))
step "topology: A 10.0.1.2, B 10.0.2.2, G 10.0.3.2, router R 10.0.{1,2,3}.1"
e2e_topo

step "srtpd in R under Scenario Two (sec.srtp.require=1), G a plain peer; then Kamailio"
# a guard tail long enough for call 2 to take call 1's guard over, always
# (on a debug kernel call 2's offer came 65 s after call 1's BYE)
GUARD_TAIL=$((60 * ${NFSRTP_SCALE:-1}))
e2e_srtpd_start --plain-peer 10.0.3.2 --guard-tail "$GUARD_TAIL"
echo "    sip.cfg: $E2E_SRTPD_CFG; srtpd --plain-peer 10.0.3.2 --guard-tail $GUARD_TAIL"
# shellcheck disable=SC2119
e2e_kamailio_start

step "require=1: phone B (not a plain peer) offers A plain RTP: refused"
printf 'v=0\no=- 1 1 IN IP4 10.0.2.2\ns=-\nc=IN IP4 10.0.2.2\nt=0 0\nm=audio 40000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\na=sendrecv\n' \
	>"$E2E_DIR/plain.sdp"
st=$(e2e_invite b-plain nfsrtp-b 10.0.2.2 call-b-a-plain 10.0.2.1:5060 sip:a@10.0.1.2 "$UA_B" "$E2E_DIR/plain.sdp")
echo "    B's INVITE (m=audio 40000 RTP/AVP, no crypto): $st from Kamailio"
[ "$st" = 503 ] || fail "B's plain offer: $st, expected Kamailio's 503"
refused call-b-a-plain 'secure media is required \(sec\.srtp\.require=1\)'

KH=inline:$(key)
hostile() {
	local id=$1 addr=$2 port=$3 why=$4 st
	printf 'v=0\no=- 1 1 IN IP4 10.0.1.2\ns=-\nc=IN IP4 %s\nt=0 0\nm=audio %s RTP/SAVP 0\na=rtpmap:0 PCMU/8000\na=crypto:1 %s %s\na=sendrecv\n' \
		"$addr" "$port" "$S" "$KH" >"$E2E_DIR/$id.sdp"
	st=$(e2e_invite "$id" nfsrtp-a 10.0.1.2 "$id" 10.0.1.1:5060 sip:gw@10.0.3.2 "$UA_A" "$E2E_DIR/$id.sdp")
	echo "    A's INVITE to G, c=IN IP4 $addr, m=audio $port RTP/SAVP: $st from Kamailio"
	[ "$st" = 503 ] || fail "$id: $st, expected Kamailio's 503"
	refused "$id" "$why"
}
step "hostile offers from A: media aimed at B's DNS port, and at A's own port 53"
hostile call-hostile-1 10.0.2.2 53 'media address 10\.0\.2\.2 is neither the address the SDP came from'
hostile call-hostile-2 10.0.1.2 53 'media port 53 \(RTCP 54\) is outside the media port range'

step "call 1: the plain gateway G calls phone A (SRTP only); A's link captured"
e2e_capture_start cap1 nfsrtp-a veth-a
KA=inline:$(key)
e2e_uas a nfsrtp-a 10.0.1.2 phone-uas -key rtp_port 20000 -key crypto_key "${KA#inline:}" -key ua "$UA_A"
e2e_uac g-a nfsrtp-g 10.0.3.2 call-g-a-1 10.0.3.1:5060 gw-uac \
	-s a -key to_host 10.0.1.2 -key rtp_port 30000 -key ua "$UA_G"
e2e_call_up g-a a
kamailio_said call-g-a-1
echo "    the offer A got:"
e2e_sdp_show "$E2E_DIR/a.sdp"
echo "    the answer G got:"
e2e_sdp_show "$E2E_DIR/g-a.sdp"
sdp_has "$E2E_DIR/a.sdp" '^c=IN IP4 10\.0\.3\.2$' || fail "A's offer: not G's address"
[ "$(tr -d '\r' <"$E2E_DIR/a.sdp" | grep -c '^m=')" = 1 ] || fail "A's offer has an alternative"
sdp_has "$E2E_DIR/a.sdp" '^m=audio 30000 RTP/SAVP ' || fail "A's offer is not RTP/SAVP"
sdp_has "$E2E_DIR/a.sdp" "^a=crypto:1 $S inline:" || fail "A's offer has no $S a=crypto"
KRA=$(e2e_sdp_key "$E2E_DIR/a.sdp")
sdp_has "$E2E_DIR/g-a.sdp" '^c=IN IP4 10\.0\.1\.2$' || fail "G's answer: not A's address"
sdp_has "$E2E_DIR/g-a.sdp" '^m=audio 20000 RTP/AVP ' || fail "G's answer is not RTP/AVP"
! sdp_has "$E2E_DIR/g-a.sdp" '^a=crypto' || fail "G's answer has a=crypto"
grep -q 'ng call call-g-a-1: offer .*model plain' "$E2E_DIR/srtpd.out" ||
	fail "srtpd did not take G for a plain peer"
# A's answer: Kamailio names A's model from its User-Agent
grep -q 'ng call call-g-a-1: answer .*(model IP_601)' "$E2E_DIR/srtpd.out" ||
	fail "srtpd did not take A for an IP 601: $(grep call-g-a-1 "$E2E_DIR/srtpd.out")"
[ "$(streams)" = 2 ] || fail "call 1: not 2 kernel streams: $(r stream show)"
echo "    R's kernel streams (2):"
r stream show | sed 's/^/      /'
e2e_flow "G -> A, plain, at A SRTP under the offer's key" nfsrtp-g nfsrtp-a 10.0.1.2 20000 30000 - "$KRA"
e2e_flow "A -> G, SRTP under A's key, at G plain" nfsrtp-a nfsrtp-g 10.0.3.2 30000 20000 "$KA" -
out=$(e2e_ng command=query call-id=call-g-a-1)
echo "    ng query: model $(json_get "$out" 'd["model"]'), $(json_get "$out" 'd["totals"]')"
[ "$(json_get "$out" '(d["totals"]["RTP"]["packets"], d["totals"]["RTCP"]["packets"])')" = "(600, 60)" ] ||
	fail "query: $out"
[ "$(json_get "$out" 'd["totals"]["RTP"]["errors"] + d["totals"]["RTCP"]["errors"]')" = 0 ] || fail "query: $out"
step "call 1: G hangs up, then sends on"
e2e_hangup nfsrtp-g 10.0.3.2 call-g-a-1
e2e_sipp_wait g-a 90
e2e_sipp_wait a 90
wait_for 30 nstreams 1
the_guard
guard1=$(stream protect 's["id"]')
e2e_guarded "after the BYE" G nfsrtp-g 30000
one_call_captured cap1 "$KRA" "$KA"

step "call 2: A calls G, SRTP only, its key's lifetime 2^8; G sends before it answers"
e2e_capture_start cap2 nfsrtp-a veth-a
K=("" "inline:$(key)|2^8" "inline:$(key)|2^8" "inline:$(key)|2^8" "inline:$(key)|2^8")
e2e_uas g nfsrtp-g 10.0.3.2 gw-uas-wait -key rtp_port 30000 -key ua "$UA_G"
e2e_uac a-g nfsrtp-a 10.0.1.2 call-a-g-2 10.0.1.1:5060 phone-uac \
	-s gw -key to_host 10.0.3.2 -key from_user a -key rtp_port 20000 \
	-key crypto_key "${K[1]#inline:}" -key profile RTP/SAVP -key ua "$UA_A"
wait_for 60 test -s "$E2E_DIR/g.sdp"
echo "    the offer G got:"
e2e_sdp_show "$E2E_DIR/g.sdp"
sdp_has "$E2E_DIR/g.sdp" '^m=audio 20000 RTP/AVP ' || fail "G's offer is not RTP/AVP"
! sdp_has "$E2E_DIR/g.sdp" '^a=crypto' || fail "G's offer has a=crypto"
wait_for 30 nstreams 1
the_guard
[ "$(stream protect 's["id"]')" = "$guard1" ] || fail "call 2 did not take call 1's guard over"
echo "    (call 1's guard, stream $guard1, taken over by call 2)"
e2e_guarded "before G's answer" G nfsrtp-g 30000
e2e_signal nfsrtp-g 10.0.3.2 call-a-g-2 answer
e2e_call_up a-g g
kamailio_said call-a-g-2
echo "    the answer A got:"
e2e_sdp_show "$E2E_DIR/a-g.sdp"
sdp_has "$E2E_DIR/a-g.sdp" '^m=audio 30000 RTP/SAVP ' || fail "A's answer is not RTP/SAVP"
KR=$(e2e_sdp_key "$E2E_DIR/a-g.sdp")
[[ $KR == inline:* && $KR != *"|"* ]] || fail "A's answer: R's key $(e2e_short "$KR"): none, or with a lifetime"
[ "$(streams)" = 2 ] || fail "call 2: not 2 kernel streams: $(r stream show)"
[ "$(stream unprotect '[k["lifetime"] for k in s["keys"]]')" = "[256]" ] ||
	fail "R's unprotect stream does not keep A's lifetime: $(r stream show)"
echo "    R's kernel streams (2), A's key with its lifetime:"
r stream show | sed 's/^/      /'

step "call 2: $((4 * P)) RTP packets from A, 3 re-keys by re-INVITE, $P packets a key"
rx_start nfsrtp-g "$E2E_DIR/rx-g.out" --bind 10.0.3.2 --port 30000 --count $((4 * P)) --timeout 240
E2E_PID[rx-g]=$RX_PID
rx_start nfsrtp-r "$E2E_DIR/sniff.out" --sniff veth-ra --bind 10.0.3.2 --port 30000 \
	--count $((4 * P)) --timeout 240 --suite "$S" --key "${K[1]}" --key "${K[2]}" \
	--key "${K[3]}" --key "${K[4]}"
E2E_PID[sniff]=$RX_PID
for i in 1 2 3 4; do
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.3.2:30000 --src-port 20000 \
		--count $P --offset $(((i - 1) * P)) --suite "$S" --key "${K[$i]}" \
		>"$E2E_DIR/tx.out" 2>&1 || fail "A's sender: $(cat "$E2E_DIR/tx.out")"
	wait_for 60 unprotected $((i * P))
	echo "    key $i ($(e2e_short "${K[$i]}")): $P packets sent; R's unprotect stream: $(stream unprotect '"packets %d, keys %s, drops %s" % (s["packets"], [(k["lifetime"], k["packets"]) for k in s["keys"]], s["drops"])')"
	[ $i = 4 ] && break
	e2e_rekey nfsrtp-a 10.0.1.2 call-a-g-2 "${K[$((i + 1))]#inline:}"
	wait_for 60 crypto_lines "$E2E_DIR/a-g.sdp" $((i + 1))
	[ "$(tr -d '\r' <"$E2E_DIR/g.sdp" | grep -c '^v=0')" = $((i + 1)) ] ||
		fail "re-key $i: G did not get the re-INVITE"
	[ "$(tr -d '\r' <"$E2E_DIR/a-g.sdp" | grep '^a=crypto' | sort -u | wc -l)" = 1 ] ||
		fail "re-key $i: A's answer changed R's key"
	echo "    re-key $i: A's re-INVITE with key $((i + 1)); A answered with R's key again"
done
wait "${E2E_PID[rx-g]}" || fail "G's receiver: $(tail -n 1 "$E2E_DIR/rx-g.out")"
unset "E2E_PID[rx-g]"
echo "    at G, plain: $(tail -n 1 "$E2E_DIR/rx-g.out")"
wait "${E2E_PID[sniff]}" || fail "libsrtp2 on veth-ra: $(tail -n 1 "$E2E_DIR/sniff.out")"
unset "E2E_PID[sniff]"
echo "    on R's side of A's link, libsrtp2 with A's 4 keys: $(tail -n 1 "$E2E_DIR/sniff.out")"
grep -q ' key-switches 3 ' "$E2E_DIR/sniff.out" || fail "libsrtp2 did not see 3 re-keys"
[ "$(stream unprotect 's["drops"]')" = "{}" ] || fail "R's unprotect stream dropped: $(r -s stream show)"
E2E_FLOW_SSRC=0x77665544 e2e_flow "G -> A after the re-keys, at A under R's key" \
	nfsrtp-g nfsrtp-a 10.0.1.2 20000 30000 - "$KR"
out=$(e2e_ng command=query call-id=call-a-g-2)
echo "    ng query: model $(json_get "$out" 'd["model"]'), $(json_get "$out" 'd["totals"]')"
[ "$(json_get "$out" '(d["totals"]["RTP"]["packets"], d["totals"]["RTCP"]["packets"])')" = "($((4 * P + 300)), 30)" ] ||
	fail "query: $out"
# call 2's alone, though the stream toward A was call 1's: its errors
# are G's burst before the answer (e2e_guarded: E2E_BURST RTP packets,
# a tenth as many RTCP)
[ "$(json_get "$out" 'd["totals"]["SRTP"]["authentication-failures"] + d["totals"]["SRTP"]["replays"]')" = 0 ] ||
	fail "query: authentication failures or replays: $out"
[ "$(json_get "$out" '(d["totals"]["RTP"]["errors"], d["totals"]["RTCP"]["errors"])')" = "($E2E_BURST, $((E2E_BURST / 10)))" ] ||
	fail "query: errors other than the guard's $E2E_BURST RTP and $((E2E_BURST / 10)) RTCP: $out $(r -s stream show)"

step "call 2: A hangs up, G sends on"
e2e_hangup nfsrtp-a 10.0.1.2 call-a-g-2
e2e_sipp_wait a-g 90
e2e_sipp_wait g 90
wait_for 30 nstreams 1
the_guard
e2e_guarded "after the BYE" G nfsrtp-g 30000
e2e_capture_stop cap2
e2e_capture_check cap2 10.0.1.2 20000
[[ $E2E_CAPTURE == "to 10.0.1.2:20000 330 (RTP 300, RTCP 30), from it $((4 * P)) (RTP $((4 * P)), RTCP 0), in clear 0" ]] ||
	fail "cap2: not the flows' packets alone: $E2E_CAPTURE"
e2e_capture_decrypt cap2 'dst host 10.0.1.2 and (udp dst port 20000 or udp dst port 20001)' "$KR"
[[ $E2E_DECRYPTED == *": 300 RTP and 30 RTCP decrypted, 0 refused"* ]] || fail "cap2: $E2E_DECRYPTED"
e2e_capture_decrypt cap2 'src host 10.0.1.2 and (udp src port 20000 or udp src port 20001)' \
	"${K[1]}" "${K[2]}" "${K[3]}" "${K[4]}"
[[ $E2E_DECRYPTED == *": $((4 * P)) RTP and 0 RTCP decrypted, 0 refused"* ]] || fail "cap2: $E2E_DECRYPTED"

# late_call ID SUFFIX METHOD CAP: G calls A with a delayed offer (SIPp
# scenarios gw-uac-late$SUFFIX and phone-uas-late$SUFFIX): A's reply
# with SDP has the offer, G's METHOD (ACK, or PRACK after a reliable
# 183) the answer.  G gets A's offer plain and never A's key, A gets R's
# key; media both ways; after G's BYE the guard drops G's media; capture
# CAP of A's link holds only the flows, nothing in clear.
late_call() {
	local id=$1 sfx=$2 method=$3 cap=$4 kl krl out
	e2e_capture_start "$cap" nfsrtp-a veth-a
	kl=inline:$(key)
	e2e_uas a-late nfsrtp-a 10.0.1.2 "phone-uas-late$sfx" -key rtp_port 20000 \
		-key crypto_key "${kl#inline:}" -key ua "$UA_A"
	e2e_uac g-late nfsrtp-g 10.0.3.2 "$id" 10.0.3.1:5060 "gw-uac-late$sfx" \
		-s a -key to_host 10.0.1.2 -key rtp_port 30000 -key ua "$UA_G"
	e2e_call_up g-late a-late
	wait_for 10 test -s "$E2E_DIR/a-late.sdp"
	kamailio_said "$id"
	echo "    the offer G got (A's):"
	e2e_sdp_show "$E2E_DIR/g-late.sdp"
	echo "    the answer A got (G's, in the $method):"
	e2e_sdp_show "$E2E_DIR/a-late.sdp"
	grep -q "offer $id: rtpengine_offer(\"RTP/AVP model=IP_601\") (the reply" "$E2E_DIR/kamailio.out" ||
		fail "Kamailio did not send A's offer to srtpd"
	grep -q "answer $id: rtpengine_answer(\"RTP/SAVP\") (the $method's)" "$E2E_DIR/kamailio.out" ||
		fail "Kamailio did not send the $method's answer to srtpd"
	! grep -q "offer $id: rtpengine_offer(\"RTP/SAVP\")" "$E2E_DIR/kamailio.out" ||
		fail "Kamailio sent G's answer to srtpd as an offer"
	sdp_has "$E2E_DIR/g-late.sdp" '^c=IN IP4 10\.0\.1\.2$' || fail "G's offer: not A's address"
	sdp_has "$E2E_DIR/g-late.sdp" '^m=audio 20000 RTP/AVP ' || fail "G's offer is not RTP/AVP"
	! sdp_has "$E2E_DIR/g-late.sdp" '^a=crypto' || fail "G's offer has a=crypto"
	! grep -qF "${kl#inline:}" "$E2E_DIR/g-late.messages" || fail "A's key reached G"
	sdp_has "$E2E_DIR/a-late.sdp" '^c=IN IP4 10\.0\.3\.2$' || fail "A's answer: not G's address"
	sdp_has "$E2E_DIR/a-late.sdp" '^m=audio 30000 RTP/SAVP ' || fail "A's answer is not RTP/SAVP"
	sdp_has "$E2E_DIR/a-late.sdp" "^a=crypto:1 $S inline:" || fail "A's answer has no $S a=crypto"
	krl=$(e2e_sdp_key "$E2E_DIR/a-late.sdp")
	grep -q "ng call $id: offer from-tag .*model IP_601, .*RTP toward the callee" "$E2E_DIR/srtpd.out" ||
		fail "srtpd did not take A's reply for the offer: $(grep "$id" "$E2E_DIR/srtpd.out")"
	wait_for 30 nstreams 2
	echo "    R's kernel streams (2):"
	r stream show | sed 's/^/      /'
	e2e_flow "G -> A, plain, at A SRTP under the $method's key" nfsrtp-g nfsrtp-a 10.0.1.2 20000 30000 - "$krl"
	e2e_flow "A -> G, SRTP under A's key, at G plain" nfsrtp-a nfsrtp-g 10.0.3.2 30000 20000 "$kl" -
	out=$(e2e_ng command=query call-id="$id")
	echo "    ng query: $(json_get "$out" 'd["totals"]')"
	[ "$(json_get "$out" '(d["totals"]["RTP"]["packets"], d["totals"]["RTCP"]["packets"])')" = "(600, 60)" ] ||
		fail "query: $out"
	[ "$(json_get "$out" 'd["totals"]["RTP"]["errors"] + d["totals"]["RTCP"]["errors"] + d["totals"]["SRTP"]["authentication-failures"]')" = 0 ] ||
		fail "query: $out"
	e2e_hangup nfsrtp-g 10.0.3.2 "$id"
	e2e_sipp_wait g-late 90
	e2e_sipp_wait a-late 90
	wait_for 30 nstreams 1
	the_guard
	e2e_guarded "after the BYE" G nfsrtp-g 30000
	one_call_captured "$cap" "$krl" "$kl"
	KL+=("$kl" "$krl")
}

KL=()
step "call 3: G calls A with a delayed offer: A's 200 has the offer, G's ACK the answer"
late_call call-g-a-3 "" ACK cap3
step "call 4: G calls A with a delayed offer and 100rel: A's reliable 183 has the offer, G's PRACK the answer"
late_call call-g-a-4 -rel PRACK cap4

step "call 5: G calls A with 100rel; A's reliable 183 answers, G's PRACK offers again, A's 200 to it answers"
e2e_capture_start cap5 nfsrtp-a veth-a
KP=inline:$(key)
e2e_uas a-prack nfsrtp-a 10.0.1.2 phone-uas-prack-offer -key rtp_port 20000 \
	-key crypto_key "${KP#inline:}" -key ua "$UA_A"
e2e_uac g-prack nfsrtp-g 10.0.3.2 call-g-a-5 10.0.3.1:5060 gw-uac-prack-offer \
	-s a -key to_host 10.0.1.2 -key rtp_port 30000 -key ua "$UA_G"
e2e_call_up g-prack a-prack
kamailio_said call-g-a-5
! grep -qF "${KP#inline:}" "$E2E_DIR/g-prack.messages" || fail "A's key reached G"
[ "$(grep -c 'answer call-g-a-5: rtpengine_answer' "$E2E_DIR/kamailio.out")" -ge 2 ] ||
	fail "Kamailio did not send both answers (the 183's, the PRACK 200's) to srtpd"
[ "$(grep -c '^v=0' "$E2E_DIR/a-prack.sdp")" = 2 ] || fail "A did not get two offers"
[ "$(grep -c '^v=0' "$E2E_DIR/g-prack.sdp")" = 2 ] || fail "G did not get two answers"
echo "    the answers G got (in the 183, in the PRACK's 200):"
e2e_sdp_show "$E2E_DIR/g-prack.sdp"
! sdp_has "$E2E_DIR/g-prack.sdp" '^a=crypto' || fail "an answer G got has a=crypto"
[ "$(tr -d '\r' <"$E2E_DIR/a-prack.sdp" | grep '^a=crypto' | sort -u | wc -l)" = 1 ] ||
	fail "A's two offers carry different keys of R's"
KRP=$(e2e_sdp_key "$E2E_DIR/a-prack.sdp")
wait_for 30 nstreams 2
e2e_flow "G -> A, plain, at A SRTP under R's key" nfsrtp-g nfsrtp-a 10.0.1.2 20000 30000 - "$KRP"
e2e_flow "A -> G, SRTP under A's key, at G plain" nfsrtp-a nfsrtp-g 10.0.3.2 30000 20000 "$KP" -
e2e_hangup nfsrtp-g 10.0.3.2 call-g-a-5
e2e_sipp_wait g-prack 90
e2e_sipp_wait a-prack 90
wait_for 30 nstreams 1
the_guard
one_call_captured cap5 "$KRP" "$KP"
KL+=("$KP" "$KRP")

step "a hostile answer: B answers A's SRTP call with media at its port 53: refused, B's key never reaches A"
KX=inline:$(key)
KB=inline:$(key)
e2e_uas b-hostile nfsrtp-b 10.0.2.2 phone-uas -key rtp_port 53 \
	-key crypto_key "${KB#inline:}" -key ua "$UA_B"
printf 'v=0\no=- 1 1 IN IP4 10.0.1.2\ns=-\nc=IN IP4 10.0.1.2\nt=0 0\nm=audio 20100 RTP/SAVP 0\na=rtpmap:0 PCMU/8000\na=crypto:1 %s %s\na=sendrecv\n' \
	"$S" "$KX" >"$E2E_DIR/call-hostile-answer.sdp"
st=$(E2E_INVITE_2XX=1 e2e_invite call-hostile-answer nfsrtp-a 10.0.1.2 call-hostile-answer 10.0.1.1:5060 sip:b@10.0.2.2 "$UA_A" "$E2E_DIR/call-hostile-answer.sdp")
echo "    A's INVITE to B (m=audio 20100 RTP/SAVP): $st from Kamailio; B answered m=audio 53 with its key $(e2e_short "$KB")"
[ "$st" = 200 ] || fail "A's call to B: $st, expected B's 200"
wait_for 20 grep -Eq "ng answer call-hostile-answer: .*port 53" "$E2E_DIR/srtpd.out"
echo "    srtpd: $(grep -E "ng answer call-hostile-answer: " "$E2E_DIR/srtpd.out" | tail -n 1 | sed 's/^.*ng answer/answer/')"
# what reached A: B's 200, without B's key or any crypto line
tr -d '\r' <"$E2E_DIR/call-hostile-answer.messages" |
	sed -n '/^SIP\/2.0 200 /,$p' >"$E2E_DIR/hostile-200"
[ -s "$E2E_DIR/hostile-200" ] || fail "A got no 200: $(cat "$E2E_DIR/call-hostile-answer.messages")"
! grep -qF "${KB#inline:}" "$E2E_DIR/call-hostile-answer.messages" ||
	fail "B's key reached A: $(grep -F 'a=crypto' "$E2E_DIR/hostile-200")"
! grep -q '^a=crypto' "$E2E_DIR/hostile-200" ||
	fail "the 200 A got carries a key: $(grep '^a=crypto' "$E2E_DIR/hostile-200")"
echo "    the 200 A got: $(grep -c '^a=crypto' "$E2E_DIR/hostile-200") a=crypto lines; $(grep '^m=' "$E2E_DIR/hostile-200")"
grep -q "answer call-hostile-answer: refused by srtpd; its a=crypto lines removed" "$E2E_DIR/kamailio.out" ||
	fail "Kamailio did not say it removed the keys"
# R: nothing toward B's port 53; A's leg keeps its guard
[ "$(json_get "$(r -j stream show)" 'len([s for s in d if s["dst"].endswith(":53")])')" = 0 ] ||
	fail "a stream toward port 53: $(r stream show)"
[ "$(json_get "$(r -j stream show)" 'sorted(s["src"] + ">" + s["dst"] for s in d if s["dst"] == "10.0.1.2:20100")')" = "['10.0.1.2>10.0.1.2:20100']" ] ||
	fail "A's leg is not guarded: $(r stream show)"
echo "    R: no stream toward port 53; A's media port 20100 guarded"
e2e_ng command=delete call-id=call-hostile-answer >/dev/null
e2e_stop b-hostile

step "Kamailio and srtpd stop; srtpd logged no key"
e2e_kamailio_stop
! grep -E 'CRITICAL|BUG' "$E2E_DIR/kamailio.out" || fail "Kamailio complained"
echo "    Kamailio's errors (the 3 refused offers, the refused answer): $(grep -c ERROR "$E2E_DIR/kamailio.out")"
e2e_stop srtpd 20
[ "$E2E_RC" = 0 ] || fail "srtpd exited $E2E_RC: $(tail -n 20 "$E2E_DIR/srtpd.out")"
no_streams || fail "streams left: $(r stream show)"
for k in "$KH" "$KA" "$KRA" "$KR" "${K[@]:1}" "${KL[@]}" "$KX" "$KB"; do
	k=${k#inline:}
	! grep -qF "${k%%|*}" "$E2E_DIR/srtpd.out" || fail "srtpd logged a key"
done
! grep -q 'inline:' "$E2E_DIR/srtpd.out" || fail "srtpd logged key-params"
# the configuration check of every model, not the default one alone
grep -q 'note: no call of the SoundPoint IP 300 (IP_300) can go under this configuration: sec.srtp.require=1' "$E2E_DIR/srtpd.out" ||
	fail "srtpd did not say that an IP 300 can make no call under require=1"
echo "    none of the run's 17 keys in srtpd's log:"
sed 's/^/      /' "$E2E_DIR/srtpd.out"
echo "PASS $TEST"
