#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The router demonstration, run inside a guest by scripts/vm (which loads
# the module first), like tests/demo/demo.sh:
#
#   scripts/vm -k 6.1 -n demo-router -- bash tests/demo/router.sh
#
# A SIP appliance router R between an SRTP phone A and a plain-RTP
# gateway G (tests/e2e/topo.bash): Kamailio is R's SIP proxy
# (tests/e2e/kamailio.cfg) and drives srtpd over rtpengine's ng protocol;
# SIPp plays the phone and the gateway (tests/e2e/sipp).  A calls G: the
# SDP at every step is shown (keys shortened), then the kernel streams
# srtpd installed, media both ways checked with libsrtp2 and the keys of
# the SDP, one packet captured on each of R's links (SRTP on A's, plain
# RTP on G's), the counters, and the hang-up leaving nothing behind.
# tests/vm/e2e.sh is the same as a test, with a call between two phones.
. "$(dirname "$0")/../vm/lib.bash"
# shellcheck source=tests/e2e/topo.bash
. "$NFSRTP_TOP/tests/e2e/topo.bash"
# shellcheck source=tests/demo/lib.bash
. "$NFSRTP_TOP/tests/demo/lib.bash"
UA_A=PolycomSoundPointIP-SPIP_601-UA/4.0.1.13681

# sipp_body FILE sent|received REGEX: the body (SDP) of the first SIP
# message SIPp logged in FILE (its -message_file) as sent or received
# whose first line matches REGEX, CR removed, keys shortened.
sipp_body() {
	python3 - "$@" <<'EOF' | sed -E 's#inline:([A-Za-z0-9+/]{8})[A-Za-z0-9+/=]*#inline:\1...#g'
import re, sys
text, way, start = open(sys.argv[1], errors="replace").read(), sys.argv[2], sys.argv[3]
for block in re.split(r"(?m)^-{20,} .*\n", text):
    head, _, msg = block.partition("\n")
    msg = msg.lstrip("\n").replace("\r", "")
    if way in head and re.match(start, msg):
        print(msg.partition("\n\n")[2].strip())
        break
EOF
}
# capture IFNAME FILE: one UDP packet from A's RTP port, on IFNAME in R
# (tcpdump -c 1, bounded); returns when tcpdump listens.
capture() {
	ip netns exec nfsrtp-r timeout 120 tcpdump -U -n -i "$1" -c 1 -X \
		'udp and src host 10.0.1.2 and src port 20000' >"$E2E_DIR/$2" 2>"$E2E_DIR/$2.err" &
	DEMO_BG+=($!)
	wait_for 60 grep -q 'listening on' "$E2E_DIR/$2.err"
}

echo "== guest kernel $(uname -r); nf_srtp loaded:"
grep '^nf_srtp ' /proc/modules
dmesg | grep 'nf_srtp: self-tests passed' | tail -n 1

say "a SIP appliance router R between an SRTP phone and a plain-RTP gateway"
cat <<'EOF'
    phone A    10.0.1.2 veth-a --- veth-ra 10.0.1.1 \
    (phone B   10.0.2.2 veth-b --- veth-rb 10.0.2.1  router R: Kamailio, srtpd,
                                                     nf_srtp; forwards)
    gateway G  10.0.3.2 veth-g --- veth-rg 10.0.3.1 /
    (network namespaces nfsrtp-a, -b, -g and -r; B is not called here)
EOF
e2e_topo

say "srtpd in R: the media controller, rtpengine's ng protocol on 127.0.0.1:2223"
echo "   its sip.cfg (SRTP for the phones, the legacy IP 601 included):"
echo "$E2E_SRTPD_CFG" | indent
e2e_srtpd_start
echo "   srtpd --config sip.cfg --ng 127.0.0.1:2223 --user 65534:65534 ...; its log:"
indent <"$E2E_DIR/srtpd.out"
echo "   an ng ping: $(e2e_ng command=ping)"

say "Kamailio in R: the SIP proxy, with its rtpengine module pointed at srtpd"
# shellcheck disable=SC2119
e2e_kamailio_start
echo "   listening on 10.0.1.1, 10.0.2.1 and 10.0.3.1, port 5060 (tests/e2e/kamailio.cfg):"
echo "   a call to the gateway gets rtpengine_offer(\"RTP/AVP model=IP_NNN\") (plain RTP"
echo "   toward G, A's phone model from its User-Agent) and rtpengine_answer(\"RTP/SAVP\")"

KA=inline:$(head -c 30 /dev/urandom | base64)
say "phone A (SIPp, User-Agent $UA_A) calls sip:gw@10.0.3.2 through R"
e2e_uas g nfsrtp-g 10.0.3.2 gw-uas -key rtp_port 30000 -key ua e2e-gateway/1.0
e2e_uac a-g nfsrtp-a 10.0.1.2 call-a-g-demo 10.0.1.1:5060 phone-uac \
	-s gw -key to_host 10.0.3.2 -key from_user a -key rtp_port 20000 \
	-key crypto_key "${KA#inline:}" -key profile RTP/SAVP -key ua "$UA_A"
e2e_call_up a-g g
echo "   1. A's INVITE to R: SRTP (RTP/SAVP), A's key"
sipp_body "$E2E_DIR/a-g.messages" sent '^INVITE ' | indent
echo "   2. Kamailio: $(grep -o 'rtpengine_offer(.*)' "$E2E_DIR/kamailio.out" | head -n 1)"
echo "      srtpd's offer, in the INVITE R forwarded to G: plain RTP/AVP, no key"
e2e_short "$(tr -d '\r' <"$E2E_DIR/g.sdp")" | indent
echo "   3. G's 200 OK to R: plain RTP"
sipp_body "$E2E_DIR/g.messages" sent '^SIP/2.0 200 ' | indent
echo "   4. Kamailio: $(grep -o 'rtpengine_answer(.*)' "$E2E_DIR/kamailio.out" | head -n 1)"
echo "      srtpd's answer, in the 200 OK R forwarded to A: SRTP, A's crypto line"
echo "      accepted with a key of R's own"
e2e_short "$(tr -d '\r' <"$E2E_DIR/a-g.sdp")" | indent
KRA=$(e2e_sdp_key "$E2E_DIR/a-g.sdp")
! grep -q 'a=crypto' "$E2E_DIR/g.sdp" || fail "G's offer has a=crypto"
{ [ -n "$KRA" ] && [ "$KRA" != "$KA" ]; } || fail "A's answer has no key of R's own"

say "the streams srtpd installed in R's kernel (srtpctl stream show)"
echo "   unprotect A's SRTP (A's key) toward G, protect G's RTP (R's key) toward A:"
r stream show | indent

say "media: 300 RTP + 30 RTCP packets each way, as the SDP says"
capture veth-ra a-leg.cap
capture veth-rg g-leg.cap
echo "   every packet checked at the receiver, byte for byte (rtpwire):"
e2e_flow "A -> G, SRTP under A's key; G's socket gets it plain" \
	nfsrtp-a nfsrtp-g 10.0.3.2 30000 20000 "$KA" -
e2e_flow "G -> A, plain; A decrypts it with libsrtp2 and the answer's key" \
	nfsrtp-g nfsrtp-a 10.0.1.2 20000 30000 - "$KRA"
demo_bg_wait
echo
echo "   A's first packet on A's link (tcpdump -X on veth-ra in R): SRTP, the"
echo "   RTP header in the clear (80 00 03 e8: sequence 1000), the payload"
echo "   encrypted, then the 10-byte tag: 182 bytes of UDP payload"
indent <"$E2E_DIR/a-leg.cap"
echo "   the same packet on G's link (veth-rg), after nf_srtp: plain RTP, the"
echo "   payload as A's application made it (00 01 02 03 ...), 172 bytes"
indent <"$E2E_DIR/g-leg.cap"
grep -q 'length 182' "$E2E_DIR/a-leg.cap" || fail "A's link: not an SRTP packet"
grep -q 'length 172' "$E2E_DIR/g-leg.cap" || fail "G's link: not a plain RTP packet"

say "the counters: srtpctl -s stream show in R"
r -s stream show | indent
say "and srtpd's ng query, as Kamailio's rtpengine module would read them"
e2e_ng command=query call-id=call-a-g-demo | python3 -m json.tool | indent

say "A hangs up: its BYE through R, Kamailio's rtpengine_delete()"
e2e_hangup nfsrtp-a 10.0.1.2 call-a-g-demo
e2e_sipp_wait a-g 90
e2e_sipp_wait g 90
wait_for 30 no_streams
echo "   R's streams: $(r -j stream show); srtpd's calls: $(e2e_ng command=list)"

say "Kamailio and srtpd stop"
demo_finish
