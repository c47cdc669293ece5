#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# e2e-nat: the anchoring router, end to end, with SIP phones behind NAT.
# Router R runs Kamailio with the configuration it would have for
# rtpengine (tests/e2e/kamailio-nat.cfg: nathelper and
# rtpengine_manage("replace-origin replace-session-connection ICE=remove
# RTP/AVP") toward the gateway, RTP/SAVP toward a phone) and srtpd,
# anchoring on its --interface addresses, as its media engine.  SIPp
# plays phone A, behind NAT box N on 192.168.1.0/24, which R cannot
# route to; gateway G (plain RTP) on 10.0.3.0/24; phone B on IPv6 alone
# (tests/e2e/topo.bash: e2e_topo_nat).
#
#   call 1, A -> G: every SDP R forwards names R's address on that side
#     and nothing of A's or G's; G gets RTP/AVP, A an RTP/SAVP answer
#     under R's key.  Media both ways through N with zero loss: at G as
#     plain RTP, at A checked by libsrtp2 with the key of A's answer.
#     Then N maps A anew (its conntrack entries deleted, new ports
#     61000/61001): R latches onto the new source after its first packet
#     that authenticates (ng query, srtpd's log), and G's media follows
#     it.  A forged packet from N's address (another port, a wrong key)
#     and A's own SRTP sent by a third address (G's) move nothing: the
#     first counted as authentication failures, the second as strangers.
#   call 2, A -> B: SRTP on both legs, each under R's own keys, IPv4
#     toward A and IPv6 toward B (address-family=IP6 in the offer toward
#     B, Kamailio's double Record-Route): media both ways, libsrtp2 at
#     both ends.
#
# A hangs up each call itself (the 200's route set, through N); R holds
# no port of srtpd's range after each.  tcpdump on A's link from before
# the first INVITE to after the last BYE: no media to or from A's port
# in clear.  Neither srtpd nor Kamailio may log a warning or an error.
. "$(dirname "$0")/lib.bash"
E2E_KAMAILIO_CFG=$NFSRTP_TOP/tests/e2e/kamailio-nat.cfg
# shellcheck source=tests/e2e/topo.bash
. "$NFSRTP_TOP/tests/e2e/topo.bash"
S=AES_CM_128_HMAC_SHA1_80
N=200				# RTP packets per flow, and N/10 RTCP
UA_A=PolycomSoundPointIP-SPIP_601-UA/4.0.1.13681
UA_B=PolycomSoundPointIP-SPIP_650-UA/4.0.1.13681
E2E_SIPP_TIMEOUT=${E2E_SIPP_TIMEOUT:-300}

e2e_exit_trap

r() { "$SRTPCTL" -n nfsrtp-r "$@"; }
key() { head -c 30 /dev/urandom | base64; }
# addrs FILE: every IPv4 and IPv6 address the SDP in FILE names (o=, c=,
# a=rtcp, a=candidate), sorted, on one line
addrs() {
	tr -d '\r' <"$1" | grep -E '^(o|c|a)=' |
		grep -oE '([0-9]+\.){3}[0-9]+|[0-9a-f]*:[0-9a-f:]*:[0-9a-f]+' |
		sort -u | tr '\n' ' '
}
# last_sdp FILE: the last SDP a SIPp logged in FILE, into FILE.last
last_sdp() { tr -d '\r' <"$1" | awk '/^v=0/ { s = "" } { s = s $0 "\n" } END { printf "%s", s }' >"$1.last"; }
port_of() { awk '$1 ~ /^m=/ { print $2; exit }' "$1"; }
# held: UDP sockets bound in R's media range (srtpd holding ports)
held() { ip netns exec nfsrtp-r ss -Huan 'sport >= :30000 and sport <= :30019' | wc -l; }
no_ports() { [ "$(held)" = 0 ]; }

# flow WHAT FROM-NS DST SPORT TO-NS BIND PORT OFFSET TX-KEY RX-KEY: N RTP
# packets and N/10 RTCP, from OFFSET on, from FROM-NS's SPORT (and
# SPORT+1) to DST (R's ADDR:PORT; RTCP to PORT+1), received in TO-NS at
# BIND:PORT (and PORT+1), which the anchor forwards them to; protected
# with TX-KEY by the sender, checked with libsrtp2 and RX-KEY by the
# receiver, plain where a key is "-".  Any loss fails.
flow() {
	local what=$1 from=$2 dst=$3 sport=$4 to=$5 bind=$6 port=$7 off=$8 tx=() rx=()
	[ "$9" = - ] || tx=(--suite "$S" --key "$9")
	[ "${10}" = - ] || rx=(--suite "$S" --key "${10}")
	rx_start "$to" "$E2E_DIR/rx.out" --bind "$bind" --port "$port" --count "$N" \
		--rtcp --offset "$off" --timeout 60 "${rx[@]}"
	E2E_PID[rx]=$RX_PID
	ip netns exec "$from" "$RTPWIRE" send --dst "$dst" --src-port "$sport" \
		--count "$N" --rtcp --offset "$off" "${tx[@]}" >"$E2E_DIR/tx.out" 2>&1 ||
		fail "$what: sender: $(cat "$E2E_DIR/tx.out")"
	wait "$RX_PID" || fail "$what: receiver: $(tail -n 2 "$E2E_DIR/rx.out")"
	unset "E2E_PID[rx]"
	echo "    $what: $(tail -n 1 "$E2E_DIR/rx.out")"
}

# query ID EXPR: EXPR (python, over call ID's ng query as d, the
# caller's unprotect stream, A's SRTP, as u)
query() {
	json_get "$(e2e_ng command=query call-id="$1")" \
		"(lambda u: $2)([s for s in d['streams'] if (s['operation'], s['direction']) == ('unprotect', 'caller-to-callee')][0])"
}
auth_failures_reach() { [ "$(query call-nat-1 'u["authentication-failures"]')" -ge "$1" ]; }
strangers_reach() { [ "$(nfsrtp_counter strangers)" -ge "$1" ]; }

# only_r UAS ADDR: the last offer the UAS got (UAS.sdp.last) names only
# R's ADDR on its side, the last answer A got (a-UAS.sdp.last) only R's
# 10.0.1.1; both are printed
only_r() {
	last_sdp "$E2E_DIR/$1.sdp"
	last_sdp "$E2E_DIR/a-$1.sdp"
	echo "    the offer ${1^^} got:"
	e2e_sdp_show "$E2E_DIR/$1.sdp.last"
	echo "    the answer A got:"
	e2e_sdp_show "$E2E_DIR/a-$1.sdp.last"
	[ "$(addrs "$E2E_DIR/$1.sdp.last")" = "$2 " ] ||
		fail "the offer ${1^^} got names more than R: $(cat "$E2E_DIR/$1.sdp.last")"
	[ "$(addrs "$E2E_DIR/a-$1.sdp.last")" = "10.0.1.1 " ] ||
		fail "the answer A got names more than R: $(cat "$E2E_DIR/a-$1.sdp.last")"
}

# hangup ID UAC UAS: A's BYE; both SIPps end well, srtpd deletes the call
# and R holds none of its ports
hangup() {
	e2e_hangup nfsrtp-a 192.168.1.2 "$1"
	e2e_sipp_wait "$2"
	e2e_sipp_wait "$3"
	wait_for 30 file_count "$E2E_DIR/srtpd.out" "call $1: deleted \\("
	wait_for 30 no_ports
	echo "    A hung up: srtpd deleted $1, R holds no port of its range"
}

step "topology: A behind N's NAT, G, B on IPv6, R anchoring between them"
e2e_topo_nat
e2e_srtpd_start --interface lan/10.0.1.1 --interface default/10.0.3.1 \
	--interface default/fd00:2::1 --port-min 30000 --port-max 30019
e2e_kamailio_start
e2e_capture_start cap-a nfsrtp-a veth-a
KA=inline:$(key)
KB=inline:$(key)

step "call 1, A -> G: A's INVITE through its NAT, every SDP R's"
e2e_uas g nfsrtp-g 10.0.3.2 gw-uas -key rtp_port 30500 -key ua e2e-gateway/1.0
e2e_uac a-g nfsrtp-a 192.168.1.2 call-nat-1 10.0.1.1:5060 phone-uac \
	-s gw -key to_host 10.0.3.2 -key from_user a -key rtp_port 20000 \
	-key crypto_key "${KA#inline:}" -key profile RTP/SAVP -key ua "$UA_A"
e2e_call_up a-g g
grep -E "call-nat-1: rtpengine_manage" "$E2E_DIR/kamailio.out" |
	sed -E 's/^.*: (INVITE|ACK|BYE) /    Kamailio, \1 /' | sort -u
only_r g 10.0.3.1
grep -q '^m=audio [0-9]* RTP/AVP ' "$E2E_DIR/g.sdp.last" &&
	! grep -q '^a=crypto' "$E2E_DIR/g.sdp.last" || fail "G's offer is not plain RTP"
grep -q '^m=audio [0-9]* RTP/SAVP ' "$E2E_DIR/a-g.sdp.last" || fail "A's answer is not SRTP"
RG=$(port_of "$E2E_DIR/g.sdp.last")
RA=$(port_of "$E2E_DIR/a-g.sdp.last")
grep -q "^a=rtcp:$((RG + 1)) IN IP4 10.0.3.1\$" "$E2E_DIR/g.sdp.last" || fail "G's offer: no a=rtcp"
KRA=$(e2e_sdp_key "$E2E_DIR/a-g.sdp.last")
[ -n "$KRA" ] && [ "$KRA" != "$KA" ] || fail "A's answer has no key of R's"
echo "    R's ports: $RA toward A, $RG toward G"

step "call 1: media both ways through A's NAT, zero loss"
flow "A -> G" nfsrtp-a "10.0.1.1:$RA" 20000 nfsrtp-g 10.0.3.2 30500 0 "$KA" -
flow "G -> A" nfsrtp-g "10.0.3.1:$RG" 30500 nfsrtp-a 192.168.1.2 20000 0 - "$KRA"
[ "$(query call-nat-1 '(u["peer"], u["rtcp-peer"], u["latches"])')" = \
	"('10.0.1.2:20000', '10.0.1.2:20001', 0)" ] ||
	fail "A's stream: $(e2e_ng command=query call-id=call-nat-1)"

step "call 1: N maps A anew mid-call; R latches after A's first authenticated packet"
e2e_nat_remap 20000 61000
flow "A -> G, A now 10.0.1.2:61000" nfsrtp-a "10.0.1.1:$RA" 20000 nfsrtp-g 10.0.3.2 30500 $N "$KA" -
[ "$(query call-nat-1 '(u["peer"], u["rtcp-peer"], u["latches"])')" = \
	"('10.0.1.2:61000', '10.0.1.2:61001', 2)" ] ||
	fail "no latch: $(e2e_ng command=query call-id=call-nat-1)"
# srtpd logs the kernel's events as they reach it (multicast)
moved='media now comes from 10\.0\.1\.2 port 61000 \(RTCP: 10\.0\.1\.2 port 61001\)'
wait_for 20 file_count "$E2E_DIR/srtpd.out" "$moved"
echo "    srtpd: $(grep -oE "stream [0-9]+: $moved" "$E2E_DIR/srtpd.out")"
flow "G -> A, at the new mapping" nfsrtp-g "10.0.3.1:$RG" 30500 nfsrtp-a 192.168.1.2 20000 $N - "$KRA"

step "call 1: forged and stray packets move nothing"
# from N's address, another port: a spoofer on A's side without A's key
before=$(query call-nat-1 'u["authentication-failures"]')
ip netns exec nfsrtp-n "$RTPWIRE" send --dst "10.0.1.1:$RA" --src-port 4050 \
	--count 10 --offset $((2 * N)) --suite $S --key "$KB" >/dev/null
wait_for 20 auth_failures_reach $((before + 10))
# A's own packets, replayed from a third address (G's): not A's address,
# never relayed nor offered to the kernel's stream
before=$(nfsrtp_counter strangers)
ip netns exec nfsrtp-g "$RTPWIRE" send --dst "10.0.1.1:$RA" --src-port 20000 \
	--count 10 --offset $((2 * N)) --suite $S --key "$KA" >/dev/null
wait_for 20 strangers_reach $((before + 10))
[ "$(nfsrtp_counter strangers)" = $((before + 10)) ] ||
	fail "strangers: $before -> $(nfsrtp_counter strangers)"
[ "$(query call-nat-1 '(u["peer"], u["latches"], u["authentication-failures"])')" = \
	"('10.0.1.2:61000', 2, 10)" ] ||
	fail "after the forgeries: $(e2e_ng command=query call-id=call-nat-1)"
echo "    10 forged from N's 10.0.1.2:4050: authentication failures; 10 of A's from G: strangers; A's peer kept"
hangup call-nat-1 a-g g

step "call 2, A -> B: SRTP on both legs under R's keys, IPv4 toward A, IPv6 toward B"
e2e_uas b nfsrtp-b fd00:2::2 phone-uas -key rtp_port 40000 \
	-key crypto_key "${KB#inline:}" -key ua "$UA_B"
e2e_uac a-b nfsrtp-a 192.168.1.2 call-nat-2 10.0.1.1:5060 phone-uac \
	-s b -key to_host '[fd00:2::2]' -key from_user a -key rtp_port 20010 \
	-key crypto_key "${KA#inline:}" -key profile RTP/SAVP -key ua "$UA_A"
e2e_call_up a-b b
only_r b fd00:2::1
RB=$(port_of "$E2E_DIR/b.sdp.last")
RA=$(port_of "$E2E_DIR/a-b.sdp.last")
KRB=$(e2e_sdp_key "$E2E_DIR/b.sdp.last")
KRA=$(e2e_sdp_key "$E2E_DIR/a-b.sdp.last")
[ -n "$KRB" ] && [ -n "$KRA" ] && [ "$KRB" != "$KA" ] && [ "$KRA" != "$KB" ] &&
	[ "$KRA" != "$KRB" ] || fail "keys: each leg must have R's own"
flow "A -> B" nfsrtp-a "10.0.1.1:$RA" 20010 nfsrtp-b "[fd00:2::2]" 40000 0 "$KA" "$KRB"
flow "B -> A" nfsrtp-b "[fd00:2::1]:$RB" 40000 nfsrtp-a 192.168.1.2 20010 0 "$KB" "$KRA"
out=$(e2e_ng command=query call-id=call-nat-2)
json_checks "$out" \
	'sum(s["packets"] for s in d["streams"])=880' \
	'sum(s["authentication-failures"] + s["replays"] for s in d["streams"])=0'
hangup call-nat-2 a-b b

step "A's link carried no media in clear"
e2e_capture_stop cap-a
e2e_capture_check cap-a 192.168.1.2 20000
e2e_capture_check cap-a 192.168.1.2 20010
e2e_finish
echo "PASS $TEST"
