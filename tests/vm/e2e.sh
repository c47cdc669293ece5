#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# e2e: the SIP appliance router, end to end.  Router R runs Kamailio
# (tests/e2e/kamailio.cfg, its rtpengine module) as the SIP proxy and
# srtpd as its media controller over rtpengine's ng protocol; SIPp plays
# phone A, phone B and the plain-RTP gateway G (tests/e2e/sipp); the
# topology is tests/e2e/topo.bash.  While a call is up, rtpwire sends
# RTP and RTCP both ways between the addresses of the SDP, and every
# receiver checks every packet: with libsrtp2 and the key of the SDP that
# side saw where its leg is SRTP, as plain RTP where it is not.
#
#   call 1, A -> G: A (an IP 601) offers RTP/SAVP with its key; G gets a
#     plain RTP/AVP offer and answers plain, first with early media (a
#     183 with SDP), then the 200; A gets an RTP/SAVP answer with R's
#     key, the same in both.  R has 2 kernel streams: A's SRTP unprotected toward
#     G, G's RTP protected toward A.
#   call 2, A -> B: SRTP on both legs, each with its own keys (B's offer
#     carries R's key, not A's; A's answer R's, not B's); R decrypts and
#     re-encrypts both ways with 4 kernel streams.  srtpd's policy has
#     sec.srtp.key.lifetime=1024, which R's keys on these bridged legs do
#     not carry: 3200 packets each way, 3.1 lifetimes, all received and
#     checked, no drop in R.  Then A refreshes the
#     session (a re-INVITE with the same SDP, through Kamailio): B is
#     offered R's key again and A answered with R's key again, so both
#     phones keep their crypto contexts, R's streams are untouched (no
#     re-key, no re-match), and media flows on.
#   hold and resume, call 2: A holds B (a re-INVITE with a=sendonly,
#     Polycom style): B is offered sendonly, A answered recvonly, both
#     with R's keys again, R's streams untouched; A resumes (sendrecv)
#     the same way, and media flows both ways.  A's UPDATE with SDP (RFC
#     3311): Kamailio passes its offer and its 200's answer to srtpd, the
#     keys stay.  A makes the call inactive (a=inactive, RFC 3264 8.4):
#     B is offered inactive, A answered inactive, keys and R's streams
#     as they were; A resumes and media flows both ways.  Then B holds A (its own re-INVITE, through the route
#     set: c=0.0.0.0, RFC 2543 style, and sendonly): A is offered
#     c=0.0.0.0 sendonly, B answered recvonly, each with a fresh key of
#     R's (a callee's re-offer); R's 4 streams keep their matches, none
#     matches 0.0.0.0, and B's music on hold reaches A under the new
#     key.  B resumes (sendrecv), new keys again, media both ways.  No
#     authentication failure, replay or error in R (ng query).
#   call 3, A -> B, CANCEL crossing the 200: A cancels at the 180, the
#     proxy answers the CANCEL and passes it on, and B answers the
#     INVITE 200 all the same: the 200 wins.  The proxy sends srtpd no
#     delete for a CANCEL (a 487 would run failure_route, which does),
#     so the call is never deleted: A ACKs, media both ways, the call and
#     its 4 streams are there after it; A's BYE then removes them.
#   call 4, A -> G, opportunistic SRTP (RFC 8643, baresip's and
#     Asterisk's best-effort mode): A offers RTP/AVP with a=crypto; G
#     gets RTP/AVP without it, A an RTP/AVP answer with R's key, so A's
#     leg is SRTP all the same: media both ways as in call 1.  G
#     (gw-uas-wait.xml) has the offer and sends before it answers: 50
#     RTP and 5 RTCP packets in clear toward A's media ports, which the
#     guard srtpd installed with the offer (R's one stream then) drops,
#     every one, for its source; then G answers, and srtpd's query counts
#     those drops as the call's errors, nothing else.
#
# Fail closed at both edges of every call: from the offer on (call 4),
# and after each BYE.  Each call ends with A's BYE: once srtpd has
# deleted the call (its log) and R's streams toward A are guards
# (--guard-tail 10), the far side (G for calls 1 and 4, B for calls 2
# and 3) sends on from its media port, 50 RTP and 5 RTCP packets in
# clear toward A's media ports: R's source drops rise by exactly those
# (e2e_guarded).  When the guard tail is over, no stream is left in R and
# no call in srtpd.  tcpdump on A's link from before the first INVITE to
# after the last BYE: no media packet to or from A's port is in clear,
# none of those bursts among them.  srtpd runs as deployment.md has it
# run (--user, CAP_NET_ADMIN alone, its state in a directory of that
# user's: e2e_srtpd_start).  Neither srtpd nor Kamailio may log a warning
# or an error, and srtpd must exit 0 on SIGTERM.
. "$(dirname "$0")/lib.bash"
# shellcheck source=tests/e2e/topo.bash
. "$NFSRTP_TOP/tests/e2e/topo.bash"
S=AES_CM_128_HMAC_SHA1_80
N=$E2E_FLOW_COUNT		# RTP packets per flow, and N/10 RTCP
NX=100				# ... per flow of the later steps of a call
# srtpd's policy has a key lifetime, which the phones' offers would carry
# (sec.srtp.key.lifetime): not on bridged legs, where only the proxy
# could re-key them.  Call 2 runs NL packets each way under R's keys,
# 3.1 lifetimes, in one flow: none may be dropped.
E2E_SRTPD_CFG='<sip><sec sec.srtp.enable="1" sec.srtp.leg.enable="1" sec.srtp.offer="1" sec.srtp.key.lifetime="1024"/></sip>'
NL=3200
# each SIPp's bound on its whole run: call 2 (hold, resume, UPDATE) lasts
# minutes on a loaded host under TCG
E2E_SIPP_TIMEOUT=${E2E_SIPP_TIMEOUT:-480}
UA_A=PolycomSoundPointIP-SPIP_601-UA/4.0.1.13681
UA_B=PolycomSoundPointIP-SPIP_650-UA/4.0.1.13681
# a deleted call's guards stay this long (srtpd's default is 5 s): long
# enough for the burst after each BYE on a slow emulated CPU, as in
# e2e-fork.sh, times NFSRTP_SCALE (10 s was too short on the debug
# kernel); each hangup waits it out
GUARD_TAIL=$((10 * ${NFSRTP_SCALE:-1}))

e2e_exit_trap

r() { "$SRTPCTL" -n nfsrtp-r "$@"; }
streams() { json_get "$(r -j stream show)" 'len(d)'; }
no_streams() { [ "$(r -j stream show)" = "[]" ]; }
key() { head -c 30 /dev/urandom | base64; }
# sdp_has FILE REGEX: a line of the SDP in FILE matches REGEX
sdp_has() { file_count "$1" "$2"; }
# crypto_lines FILE N: FILE (SDPs a SIPp logged) has N a=crypto lines
crypto_lines() { file_count "$1" '^a=crypto'; [ "$FILE_COUNT" = "$2" ]; }
# sdps FILE N: the SIPp log FILE holds N SDPs
sdps() { file_count "$1" '^v=0'; [ "$FILE_COUNT" = "$2" ]; }
# last_sdp FILE: the last SDP of the SIPp log FILE, into FILE.last
last_sdp() { tr -d '\r' <"$1" | awk '/^v=0/ { s = "" } { s = s $0 "\n" } END { printf "%s", s }' >"$1.last"; }
# direction FILE: the a=sendrecv/sendonly/recvonly/inactive of an SDP
direction() { grep -Eo '^a=(sendrecv|sendonly|recvonly|inactive)' "$1" || echo "(none)"; }
# matches: R's kernel streams as "id op src dst:port", no keys
matches() { r stream show | awk '$1 == "stream" { print $2, $3, $5, $7 }'; }
# exchange N WHAT-B WHAT-A: wait until B's log and A's hold N SDPs each;
# print the last of each (c=, m=, a=crypto shortened, direction)
exchange() {
	wait_for 30 sdps "$E2E_DIR/b.sdp" "$1"
	wait_for 30 sdps "$E2E_DIR/a-b.sdp" "$1"
	last_sdp "$E2E_DIR/b.sdp"
	last_sdp "$E2E_DIR/a-b.sdp"
	echo "    $2 ($(direction "$E2E_DIR/b.sdp.last")):"
	e2e_sdp_show "$E2E_DIR/b.sdp.last"
	echo "    $3 ($(direction "$E2E_DIR/a-b.sdp.last")):"
	e2e_sdp_show "$E2E_DIR/a-b.sdp.last"
}
# a_reinvite SIGNAL N B-DIR A-DIR WHAT: A's re-INVITE on phone-uac.xml's
# SIGNAL, the Nth SDP each side saw: B is offered B-DIR from A's address
# with R's key again, A is answered A-DIR with R's key again, and R's
# streams are as they were ($before).
a_reinvite() {
	e2e_signal nfsrtp-a 10.0.1.2 call-a-b-1 "$1"
	exchange "$2" "the offer B got" "the answer A got"
	sdp_has "$E2E_DIR/b.sdp.last" "^a=$3\$" || fail "$5: B's offer is not $3"
	sdp_has "$E2E_DIR/b.sdp.last" '^c=IN IP4 10\.0\.1\.2$' || fail "$5: B's offer: not A's address"
	sdp_has "$E2E_DIR/a-b.sdp.last" "^a=$4\$" || fail "$5: A's answer is not $4"
	[ "$(e2e_sdp_key "$E2E_DIR/b.sdp.last")" = "$KRB" ] || fail "$5 gave B a new key"
	[ "$(e2e_sdp_key "$E2E_DIR/a-b.sdp.last")" = "$KRA" ] || fail "$5 gave A a new key"
	[ "$(r -j stream show)" = "$before" ] ||
		fail "$5 changed R's streams: $before -> $(r -j stream show)"
	echo "    R's keys kept both ways; R's 4 streams unchanged (none removed, none a wildcard)"
}
# clean ID: srtpd's query of call ID: no authentication failure, replay
# or error in any of its streams so far
clean() {
	local out
	out=$(e2e_ng command=query call-id="$1")
	[ "$(result "$out")" = ok ] || fail "query $1: $out"
	echo "    ng query: $(json_get "$out" 'd["totals"]')"
	[ "$(json_get "$out" 'd["totals"]["RTP"]["errors"] + d["totals"]["RTCP"]["errors"] + d["totals"]["SRTP"]["authentication-failures"] + d["totals"]["SRTP"]["replays"]')" = 0 ] ||
		fail "query $1: errors: $out"
}
# engaged ID: how many offers and answers of call ID Kamailio passed to
# srtpd ("OFFERS ANSWERS"; a request retransmitted while the first copy
# is with srtpd counts twice)
engaged() {
	echo "$(grep -c "offer $1: rtpengine_offer" "$E2E_DIR/kamailio.out" || true)" \
		"$(grep -c "answer $1: rtpengine_answer" "$E2E_DIR/kamailio.out" || true)"
}

# call ID UAS-NAME UAS-NS UAS-IP UAS-SCENARIO CALLEE-USER UAS-ARGS...:
# A places call ID through R to the UAS; returns when it is up.
call() {
	place "$@"
	up "$1" "$2"
}

# place ID UAS-NAME UAS-NS UAS-IP UAS-SCENARIO CALLEE-USER UAS-ARGS...:
# the UAS, then A's call ID through R to it (A's key $KA, its profile
# $PROFILE or RTP/SAVP); returns at once.
place() {
	local id=$1 uas=$2 ns=$3 ip=$4 sf=$5 user=$6
	shift 6
	e2e_uas "$uas" "$ns" "$ip" "$sf" "$@"
	e2e_uac "a-$uas" nfsrtp-a 10.0.1.2 "$id" 10.0.1.1:5060 phone-uac \
		-s "$user" -key to_host "$ip" -key from_user a \
		-key rtp_port 20000 -key crypto_key "${KA#inline:}" \
		-key profile "${PROFILE:-RTP/SAVP}" -key ua "$UA_A"
}

# up ID UAS-NAME: call ID is up (A has the answer, the UAS the ACK),
# Kamailio passed its answer to srtpd; prints what Kamailio did and the
# SDPs each side got.
up() {
	local id=$1 uas=$2
	e2e_call_up "a-$uas" "$uas"
	grep -q "answer $id: rtpengine_answer" "$E2E_DIR/kamailio.out" ||
		fail "$id: Kamailio did not call rtpengine_answer"
	grep -E "(offer|answer) $id: " "$E2E_DIR/kamailio.out" |
		sed -E 's/^.*(offer|answer) [^:]*: /    Kamailio: /; s/\(" +/("/'
	echo "    the offer ${uas^^} got:"
	e2e_sdp_show "$E2E_DIR/$uas.sdp"
	echo "    the answer A got:"
	e2e_sdp_show "$E2E_DIR/a-$uas.sdp"
}

# in_call ID STREAMS: R has STREAMS kernel streams; print them.
in_call() { e2e_in_call "$@"; }

# counted ID [RTP-ERRORS RTCP-ERRORS]: srtpd's query of call ID counts
# both flows, A's phone model, no authentication failure or replay, and
# as errors RTP-ERRORS and RTCP-ERRORS (the packets R's guard dropped
# before the answer; none by default).
counted() {
	local out
	out=$(e2e_ng command=query call-id="$1")
	[ "$(result "$out")" = ok ] || fail "query $1: $out"
	echo "    ng query: model $(json_get "$out" 'd["model"]'), $(json_get "$out" 'd["totals"]')"
	[ "$(json_get "$out" 'd["model"]')" = IP_601 ] || fail "query $1: model: $out"
	[ "$(json_get "$out" '(d["totals"]["RTP"]["packets"], d["totals"]["RTCP"]["packets"])')" = "($((2 * N)), $((2 * (N / 10))))" ] ||
		fail "query $1: RTP and RTCP packets: $out"
	[ "$(json_get "$out" 'd["totals"]["SRTP"]["authentication-failures"] + d["totals"]["SRTP"]["replays"]')" = 0 ] ||
		fail "query $1: authentication failures or replays: $out"
	[ "$(json_get "$out" '(d["totals"]["RTP"]["errors"], d["totals"]["RTCP"]["errors"])')" = "(${2:-0}, ${3:-0})" ] ||
		fail "query $1: errors other than ${2:-0} RTP and ${3:-0} RTCP: $out"
}

# hangup ID UAS WHO NS PORT: A's BYE.  Once srtpd has deleted the call
# and R's streams toward A are guards, the far side WHO (in NS, from its
# media port PORT) sends on in clear toward A's media ports: R drops
# every packet (e2e_guarded).  Both SIPps end well; when the guard tail
# is over, no stream and no call are left.
hangup() {
	local id=$1 uas=$2 out
	e2e_hangup nfsrtp-a 10.0.1.2 "$id"
	e2e_deleted "$id"
	e2e_guarded "after the BYE" "$3" "$4" "$5"
	e2e_sipp_wait "a-$uas" 90
	e2e_sipp_wait "$uas" 90
	wait_for $((GUARD_TAIL + 30)) no_streams
	out=$(e2e_ng command=list)
	[ "$(json_get "$out" 'd["calls"]')" = "[]" ] || fail "ng list after the BYE: $out"
	echo "    after the guard tail: no stream in R, ng list: no call"
}

# guarded_offer UAS: the UAS (gw-uas-wait.xml) has the offer, and R's
# one stream is the guard the offer installed toward A's media ports (a
# protect stream whose only source is A's own address); prints both.
guarded_offer() {
	wait_for 60 test -s "$E2E_DIR/$1.sdp"
	echo "    the offer ${1^^} got, not answered yet:"
	e2e_sdp_show "$E2E_DIR/$1.sdp"
	# (srtpd installed it before Kamailio sent the INVITE on)
	{ [ "$(streams)" = 1 ] && e2e_guards_only && [ -n "$(e2e_toward_a)" ]; } ||
		fail "no guard toward A before the answer: $(r stream show)"
	echo "    R's one stream, the guard toward A: $(e2e_toward_a)"
}

sysctl -qw net.core.rmem_max=$((4 << 20))
step "topology: A 10.0.1.2, B 10.0.2.2, G 10.0.3.2, router R 10.0.{1,2,3}.1"
e2e_topo

step "srtpd in R (ng on 127.0.0.1:2223) answers a ping; then Kamailio"
e2e_srtpd_start --guard-tail "$GUARD_TAIL"
echo "    srtpd --guard-tail $GUARD_TAIL"
# shellcheck disable=SC2119
e2e_kamailio_start
e2e_capture_start cap nfsrtp-a veth-a

KA=inline:$(key)
KB=inline:$(key)
step "call 1: A (SRTP, key $(e2e_short "$KA")) calls the plain-RTP gateway G"
call call-a-g-1 g nfsrtp-g 10.0.3.2 gw-uas gw -key rtp_port 30000 -key ua e2e-gateway/1.0
sdp_has "$E2E_DIR/g.sdp" '^c=IN IP4 10\.0\.1\.2$' || fail "G's offer: not A's address"
sdp_has "$E2E_DIR/g.sdp" '^m=audio 20000 RTP/AVP ' || fail "G's offer is not RTP/AVP"
! sdp_has "$E2E_DIR/g.sdp" '^a=crypto' || fail "G's offer has a=crypto"
sdp_has "$E2E_DIR/a-g.sdp" '^c=IN IP4 10\.0\.3\.2$' || fail "A's answer: not G's address"
sdp_has "$E2E_DIR/a-g.sdp" '^m=audio 30000 RTP/SAVP ' || fail "A's answer is not RTP/SAVP"
KRA=$(e2e_sdp_key "$E2E_DIR/a-g.sdp")
sdp_has "$E2E_DIR/a-g.sdp" "^a=crypto:1 $S inline:" || fail "A's answer has no $S a=crypto"
[ "$KRA" != "$KA" ] || fail "A's answer carries A's own key"
# early media: G's 183 and its 200 carry one SDP; srtpd answered both, for
# one branch, with one key toward A and the same two streams
# (a 200 retransmitted before the ACK is passed again)
[ "$(grep -c "answer call-a-g-1: rtpengine_answer" "$E2E_DIR/kamailio.out")" -ge 2 ] ||
	fail "Kamailio did not pass both the 183 and the 200 to srtpd"
[ "$(tr -d '\r' <"$E2E_DIR/a-g.sdp" | grep -c '^a=crypto')" = 2 ] ||
	fail "A did not get both answers: $(cat "$E2E_DIR/a-g.sdp")"
[ "$(tr -d '\r' <"$E2E_DIR/a-g.sdp" | grep '^a=crypto' | sort -u | wc -l)" = 1 ] ||
	fail "the 183 and the 200 gave A different keys"
echo "    the 183 and the 200: one answer, one key toward A"
in_call call-a-g-1 2
e2e_flow "A -> G, SRTP under A's key, at G plain" nfsrtp-a nfsrtp-g 10.0.3.2 30000 20000 "$KA" -
e2e_flow "G -> A, plain, at A SRTP under the answer's key" nfsrtp-g nfsrtp-a 10.0.1.2 20000 30000 - "$KRA"
counted call-a-g-1
step "call 1: A hangs up"
hangup call-a-g-1 g G nfsrtp-g 30000

step "call 2: A (SRTP, key $(e2e_short "$KA")) calls phone B (SRTP, key $(e2e_short "$KB"))"
call call-a-b-1 b nfsrtp-b 10.0.2.2 phone-uas b \
	-key rtp_port 40000 -key crypto_key "${KB#inline:}" -key ua "$UA_B"
sdp_has "$E2E_DIR/b.sdp" '^m=audio 20000 RTP/SAVP ' || fail "B's offer is not RTP/SAVP"
sdp_has "$E2E_DIR/b.sdp" "^a=crypto:1 $S inline:" || fail "B's offer has no $S a=crypto"
KRB=$(e2e_sdp_key "$E2E_DIR/b.sdp")
[ "$KRB" != "$KA" ] || fail "B's offer carries A's key: R does not terminate SRTP"
sdp_has "$E2E_DIR/a-b.sdp" '^m=audio 40000 RTP/SAVP ' || fail "A's answer is not RTP/SAVP"
sdp_has "$E2E_DIR/a-b.sdp" "^a=crypto:1 $S inline:" || fail "A's answer has no $S a=crypto"
KRA=$(e2e_sdp_key "$E2E_DIR/a-b.sdp")
[ "$KRA" != "$KB" ] || fail "A's answer carries B's key: R does not terminate SRTP"
{ [ "$KRA" != "$KA" ] && [ "$KRA" != "$KRB" ]; } || fail "A's answer: a key of another leg"
in_call call-a-b-1 4
e2e_flow "A -> B, under A's key, at B under the offer's key" nfsrtp-a nfsrtp-b 10.0.2.2 40000 20000 "$KA" "$KRB"
e2e_flow "B -> A, under B's key, at A under the answer's key" nfsrtp-b nfsrtp-a 10.0.1.2 20000 40000 "$KB" "$KRA"
counted call-a-b-1
step "call 2: $NL packets each way under R's keys, 3.1 times sec.srtp.key.lifetime (1024)"
for f in "$E2E_DIR/b.sdp" "$E2E_DIR/a-b.sdp"; do
	! tr -d '\r' <"$f" | grep -q '^a=crypto:.*inline:[^ ]*|' ||
		fail "$(basename "$f"): a key with a lifetime or MKI: $(grep a=crypto "$f")"
done
E2E_FLOW_COUNT=$NL E2E_FLOW_SSRC=0x44556677 e2e_flow "A -> B" nfsrtp-a nfsrtp-b 10.0.2.2 40000 20000 "$KA" "$KRB"
E2E_FLOW_COUNT=$NL E2E_FLOW_SSRC=0x44556677 e2e_flow "B -> A" nfsrtp-b nfsrtp-a 10.0.1.2 20000 40000 "$KB" "$KRA"
out=$(r -j stream show)
echo "    R's protect streams: $(json_get "$out" '", ".join("%d packets, key lifetimes %s" % (s["packets"], [k["lifetime"] for k in s["keys"]]) for s in d if s["op"] == "protect")')"
[ "$(json_get "$out" 'all(s["packets"] >= '"$NL"' and not s["drops"] and all(k["lifetime"] in (0, 1 << 48) for k in s["keys"]) for s in d)')" = True ] ||
	fail "R's streams after $NL packets: $out"
clean call-a-b-1
step "call 2: A refreshes the session: a re-INVITE with the same SDP"
before=$(r -j stream show)
e2e_refresh nfsrtp-a 10.0.1.2 call-a-b-1
wait_for 30 crypto_lines "$E2E_DIR/b.sdp" 2
wait_for 30 crypto_lines "$E2E_DIR/a-b.sdp" 2
[ "$(tr -d '\r' <"$E2E_DIR/b.sdp" | grep '^a=crypto' | sort -u | wc -l)" = 1 ] ||
	fail "the re-offer gave B a new key: $(e2e_short "$(grep a=crypto "$E2E_DIR/b.sdp")")"
[ "$(tr -d '\r' <"$E2E_DIR/a-b.sdp" | grep '^a=crypto' | sort -u | wc -l)" = 1 ] ||
	fail "the re-answer gave A a new key"
after=$(r -j stream show)
[ "$after" = "$before" ] || fail "the refresh changed R's streams: $before -> $after"
echo "    B was offered R's key again, A answered with R's key again; R's 4 streams unchanged"
E2E_FLOW_SSRC=0x55667788 e2e_flow "A -> B after the refresh" nfsrtp-a nfsrtp-b 10.0.2.2 40000 20000 "$KA" "$KRB"
E2E_FLOW_SSRC=0x55667788 e2e_flow "B -> A after the refresh" nfsrtp-b nfsrtp-a 10.0.1.2 20000 40000 "$KB" "$KRA"
step "call 2: A holds B (a=sendonly, Polycom style), B answers recvonly"
before=$(r -j stream show)
a_reinvite hold 3 sendonly recvonly "the hold"
step "call 2: A resumes (a=sendrecv), B answers sendrecv"
a_reinvite resume 4 sendrecv sendrecv "the resume"
E2E_FLOW_COUNT=$NX E2E_FLOW_SSRC=0x66778899 e2e_flow "A -> B after the resume" nfsrtp-a nfsrtp-b 10.0.2.2 40000 20000 "$KA" "$KRB"
E2E_FLOW_COUNT=$NX E2E_FLOW_SSRC=0x66778899 e2e_flow "B -> A after the resume" nfsrtp-b nfsrtp-a 10.0.1.2 20000 40000 "$KB" "$KRA"
clean call-a-b-1

step "call 2: A sends an UPDATE with SDP (RFC 3311)"
before=$(r -j stream show)
read -r o1 a1 <<<"$(engaged call-a-b-1)"
e2e_signal nfsrtp-a 10.0.1.2 call-a-b-1 update
exchange 5 "the offer B got in the UPDATE" "the answer A got in its 200"
grep -q '^UPDATE ' "$E2E_DIR/b.messages" || fail "B got no UPDATE"
[ "$(e2e_sdp_key "$E2E_DIR/b.sdp.last")" = "$KRB" ] || fail "the UPDATE gave B a new key"
[ "$(e2e_sdp_key "$E2E_DIR/a-b.sdp.last")" = "$KRA" ] || fail "the UPDATE gave A a new key"
[ "$(r -j stream show)" = "$before" ] || fail "the UPDATE changed R's streams"
read -r o2 a2 <<<"$(engaged call-a-b-1)"
echo "    Kamailio passed the UPDATE's offer and its 200's answer to srtpd: offers $o1 -> $o2, answers $a1 -> $a2"
{ [ "$o2" -gt "$o1" ] && [ "$a2" -gt "$a1" ]; } || fail "Kamailio did not engage srtpd for the UPDATE and its 200"
echo "    keys kept both ways; R's 4 streams unchanged"

step "call 2: A makes the call inactive (a=inactive, RFC 3264 8.4), B answers inactive"
before=$(r -j stream show)
a_reinvite inactive 6 inactive inactive "inactive"
step "call 2: A resumes from inactive (a=sendrecv), B answers sendrecv"
a_reinvite resume 7 sendrecv sendrecv "the resume"
E2E_FLOW_COUNT=$NX E2E_FLOW_SSRC=0x6a6b6c6d e2e_flow "A -> B after inactive" nfsrtp-a nfsrtp-b 10.0.2.2 40000 20000 "$KA" "$KRB"
E2E_FLOW_COUNT=$NX E2E_FLOW_SSRC=0x6a6b6c6d e2e_flow "B -> A after inactive" nfsrtp-b nfsrtp-a 10.0.1.2 20000 40000 "$KB" "$KRA"
clean call-a-b-1

step "call 2: B holds A (its re-INVITE: c=0.0.0.0, RFC 2543 style, and sendonly)"
mbefore=$(matches)
e2e_signal nfsrtp-b 10.0.2.2 call-a-b-1 hold
exchange 8 "the answer B got" "the offer A got"
sdp_has "$E2E_DIR/a-b.sdp.last" '^c=IN IP4 0\.0\.0\.0$' || fail "A's offer is not c=0.0.0.0"
sdp_has "$E2E_DIR/a-b.sdp.last" '^a=sendonly$' || fail "A's offer is not sendonly"
sdp_has "$E2E_DIR/b.sdp.last" '^a=recvonly$' || fail "B's answer is not recvonly"
sdp_has "$E2E_DIR/b.sdp.last" '^c=IN IP4 10\.0\.1\.2$' || fail "B's answer: not A's address"
KRA2=$(e2e_sdp_key "$E2E_DIR/a-b.sdp.last")
KRB2=$(e2e_sdp_key "$E2E_DIR/b.sdp.last")
{ [ -n "$KRA2" ] && [ -n "$KRB2" ]; } || fail "B's hold: an SDP without a=crypto"
[ "$KRA2" != "$KB" ] || fail "A's offer carries B's key: R does not terminate SRTP"
[ "$KRB2" != "$KA" ] || fail "B's answer carries A's key: R does not terminate SRTP"
{ [ "$KRA2" != "$KRA" ] && [ "$KRB2" != "$KRB" ]; } || fail "a callee's re-offer kept R's keys"
echo "    a callee's re-offer: R's fresh keys toward both (A $(e2e_short "$KRA2"), B $(e2e_short "$KRB2"))"
in_call call-a-b-1 4
mafter=$(matches)
[ "$mafter" = "$mbefore" ] || fail "the hold moved R's streams: $mbefore -> $mafter"
! r stream show | grep -q '0\.0\.0\.0' || fail "a stream matches 0.0.0.0"
echo "    every stream kept its match; none matches 0.0.0.0"
E2E_FLOW_COUNT=$NX E2E_FLOW_SSRC=0x778899aa e2e_flow "B -> A on hold (music), at A under the new key" nfsrtp-b nfsrtp-a 10.0.1.2 20000 40000 "$KB" "$KRA2"

step "call 2: B resumes (its re-INVITE, sendrecv)"
e2e_signal nfsrtp-b 10.0.2.2 call-a-b-1 resume
exchange 9 "the answer B got" "the offer A got"
sdp_has "$E2E_DIR/a-b.sdp.last" '^c=IN IP4 10\.0\.2\.2$' || fail "A's offer: not B's address"
sdp_has "$E2E_DIR/a-b.sdp.last" '^a=sendrecv$' || fail "A's offer is not sendrecv"
sdp_has "$E2E_DIR/b.sdp.last" '^a=sendrecv$' || fail "B's answer is not sendrecv"
KRA3=$(e2e_sdp_key "$E2E_DIR/a-b.sdp.last")
KRB3=$(e2e_sdp_key "$E2E_DIR/b.sdp.last")
{ [ "$KRA3" != "$KB" ] && [ "$KRB3" != "$KA" ]; } || fail "B's resume: a key of the other leg"
[ "$(matches)" = "$mbefore" ] || fail "the resume moved R's streams: $(matches)"
E2E_FLOW_COUNT=$NX E2E_FLOW_SSRC=0x8899aabb e2e_flow "A -> B after B's resume" nfsrtp-a nfsrtp-b 10.0.2.2 40000 20000 "$KA" "$KRB3"
E2E_FLOW_COUNT=$NX E2E_FLOW_SSRC=0x8899aabb e2e_flow "B -> A after B's resume" nfsrtp-b nfsrtp-a 10.0.1.2 20000 40000 "$KB" "$KRA3"
clean call-a-b-1
step "call 2: A hangs up"
hangup call-a-b-1 b B nfsrtp-b 40000

step "call 3: A calls B and cancels at the 180; B's 200 crosses the CANCEL"
e2e_uas bc nfsrtp-b 10.0.2.2 phone-cancel-uas \
	-key rtp_port 40000 -key crypto_key "${KB#inline:}" -key ua "$UA_B"
e2e_uac a-bc nfsrtp-a 10.0.1.2 call-a-b-2 10.0.1.1:5060 phone-cancel-uac \
	-s b -key to_host 10.0.2.2 -key from_user a \
	-key rtp_port 20000 -key crypto_key "${KA#inline:}" -key profile RTP/SAVP \
	-key ua "$UA_A"
e2e_call_up a-bc bc
up=$SECONDS
grep -q '^CANCEL ' "$E2E_DIR/bc.messages" || fail "B got no CANCEL"
read -r o1 a1 <<<"$(engaged call-a-b-2)"
{ [ "$o1" -ge 1 ] && [ "$a1" -ge 1 ]; } || fail "call 3: Kamailio passed $o1 offers, $a1 answers to srtpd"
grep -q 'call call-a-b-2: answer' "$E2E_DIR/srtpd.out" ||
	fail "srtpd saw no answer for call 3: $(grep call-a-b-2 "$E2E_DIR/srtpd.out")"
KRB=$(e2e_sdp_key "$E2E_DIR/bc.sdp")
KRA=$(e2e_sdp_key "$E2E_DIR/a-bc.sdp")
{ [ -n "$KRA" ] && [ -n "$KRB" ] && [ "$KRA" != "$KB" ] && [ "$KRB" != "$KA" ]; } ||
	fail "call 3: keys: A $(e2e_short "$KRA"), B $(e2e_short "$KRB")"
in_call call-a-b-2 4
E2E_FLOW_COUNT=$NX E2E_FLOW_SSRC=0x99aabbcc e2e_flow "A -> B, the 200 won" nfsrtp-a nfsrtp-b 10.0.2.2 40000 20000 "$KA" "$KRB"
E2E_FLOW_COUNT=$NX E2E_FLOW_SSRC=0x99aabbcc e2e_flow "B -> A, the 200 won" nfsrtp-b nfsrtp-a 10.0.1.2 20000 40000 "$KB" "$KRA"
# the CANCEL made no delete: after the flows, the call is there
! grep -q 'call call-a-b-2: deleted' "$E2E_DIR/srtpd.out" ||
	fail "srtpd got a delete for the answered call: $(grep call-a-b-2 "$E2E_DIR/srtpd.out")"
out=$(e2e_ng command=list)
[ "$(json_get "$out" 'd["calls"]')" = "['call-a-b-2']" ] || fail "ng list: $out"
in_call call-a-b-2 4
echo "    $((SECONDS - up)) s after the 200, no delete: ng list $(json_get "$out" 'd["calls"]'), R's 4 streams"
clean call-a-b-2
step "call 3: A hangs up"
hangup call-a-b-2 bc B nfsrtp-b 40000

step "call 4: A offers opportunistic SRTP (RFC 8643: RTP/AVP with a=crypto) to G; G sends before it answers"
PROFILE=RTP/AVP place call-a-g-2 g2 nfsrtp-g 10.0.3.2 gw-uas-wait gw -key rtp_port 30000 -key ua e2e-gateway/1.0
guarded_offer g2
e2e_guarded "before G's answer" G nfsrtp-g 30000
e2e_signal nfsrtp-g 10.0.3.2 call-a-g-2 answer
up call-a-g-2 g2
sdp_has "$E2E_DIR/g2.sdp" '^m=audio 20000 RTP/AVP ' || fail "G's offer is not RTP/AVP"
! sdp_has "$E2E_DIR/g2.sdp" '^a=crypto' || fail "G's offer has a=crypto: A's key went on"
sdp_has "$E2E_DIR/a-g2.sdp" '^m=audio 30000 RTP/AVP ' || fail "A's answer is not RTP/AVP (RFC 8643 3.2)"
sdp_has "$E2E_DIR/a-g2.sdp" "^a=crypto:1 $S inline:" || fail "A's answer has no $S a=crypto: the call would run plain"
KRA=$(e2e_sdp_key "$E2E_DIR/a-g2.sdp")
[ "$KRA" != "$KA" ] || fail "A's answer carries A's own key"
in_call call-a-g-2 2
e2e_flow "A -> G, SRTP under A's key in RTP/AVP, at G plain" nfsrtp-a nfsrtp-g 10.0.3.2 30000 20000 "$KA" -
e2e_flow "G -> A, plain, at A SRTP under the answer's key" nfsrtp-g nfsrtp-a 10.0.1.2 20000 30000 - "$KRA"
# the guard the offer installed is the answer's stream toward A: its
# drops are the call's
counted call-a-g-2 "$E2E_BURST" $((E2E_BURST / 10))
step "call 4: A hangs up"
hangup call-a-g-2 g2 G nfsrtp-g 30000

step "A's link from before the first INVITE to after the last BYE: no media in clear"
e2e_capture_stop cap
e2e_capture_check cap 10.0.1.2 20000
echo "    none of the $E2E_GUARDED packets sent in clear toward A before the answer and after the BYEs among them"

step "Kamailio and srtpd stop; neither logged a warning or an error"
e2e_finish
echo "PASS $TEST"
