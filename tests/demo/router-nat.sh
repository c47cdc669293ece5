#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The anchoring router demonstration, run inside a guest by scripts/vm
# (which loads the module first), like tests/demo/router.sh:
#
#   scripts/vm -k 6.1 -n demo-anchor -- bash tests/demo/router-nat.sh
#
# Phone A behind a masquerading NAT box N calls gateway G through router
# R, which G cannot route past and which cannot route to A's network.
# Kamailio in R has the configuration it would have for rtpengine
# (tests/e2e/kamailio-nat.cfg: rtpengine_manage with "replace-origin
# replace-session-connection ICE=remove"); srtpd anchors the media on its
# --interface addresses.  Shown: the SDP at every step (each side sees
# only R), the kernel streams and srtpd's relays, media both ways through
# the NAT (libsrtp2 at A, plain at G), one packet on each of R's links,
# N mapping A anew mid-call and R following it (srtpctl monitor's latch
# events), and the hang-up leaving nothing.  tests/vm/e2e-nat.sh is the
# same as a test.
. "$(dirname "$0")/../vm/lib.bash"
E2E_KAMAILIO_CFG=$NFSRTP_TOP/tests/e2e/kamailio-nat.cfg
# shellcheck source=tests/e2e/topo.bash
. "$NFSRTP_TOP/tests/e2e/topo.bash"
# shellcheck source=tests/demo/lib.bash
. "$NFSRTP_TOP/tests/demo/lib.bash"
UA_A=PolycomSoundPointIP-SPIP_601-UA/4.0.1.13681

# sdp FILE: the last SDP a SIPp logged in FILE, keys shortened
sdp() {
	e2e_short "$(tr -d '\r' <"$1" | awk '/^v=0/ { s = "" } { s = s $0 "\n" } END { printf "%s", s }')"
}
port_of() { sdp "$1" | awk '$1 ~ /^m=/ { print $2; exit }'; }
# capture NS IFNAME FILTER FILE: one UDP packet FILTER selects on IFNAME
# in NS (tcpdump -c 1, bounded); returns when tcpdump listens
capture() {
	ip netns exec "$1" timeout 120 tcpdump -U -n -i "$2" -c 1 -X "udp and $3" \
		>"$E2E_DIR/$4" 2>"$E2E_DIR/$4.err" &
	DEMO_BG+=($!)
	wait_for 60 grep -q 'listening on' "$E2E_DIR/$4.err"
}
# send FROM-NS DST SPORT OFFSET KEY / recv NS BIND PORT OFFSET KEY: 100
# RTP and 10 RTCP packets of the flow from OFFSET on ("-": plain)
recv() {
	local k=()
	[ "$5" = - ] || k=(--suite AES_CM_128_HMAC_SHA1_80 --key "$5")
	rx_start "$1" "$E2E_DIR/rx.out" --bind "$2" --port "$3" --count 100 --rtcp \
		--offset "$4" --timeout 60 "${k[@]}"
}
send() {
	local k=()
	[ "$5" = - ] || k=(--suite AES_CM_128_HMAC_SHA1_80 --key "$5")
	ip netns exec "$1" "$RTPWIRE" send --dst "$2" --src-port "$3" --count 100 \
		--rtcp --offset "$4" "${k[@]}" >/dev/null
	rx_wait "$E2E_DIR/rx.out"
	echo "   $(tail -n 1 "$E2E_DIR/rx.out")"
}

# both_ways OFFSET WHAT-A WHAT-G: A's 100 RTP and 10 RTCP from OFFSET on
# to G through R, then G's to A, each said and checked at the receiver
both_ways() {
	recv nfsrtp-g 10.0.3.2 30500 "$1" -
	echo "   $2"
	send nfsrtp-a "10.0.1.1:$RA" 20000 "$1" "$KA"
	recv nfsrtp-a 192.168.1.2 20000 "$1" "$KRA"
	echo "   $3"
	send nfsrtp-g "10.0.3.1:$RG" 30500 "$1" -
}

echo "== guest kernel $(uname -r); nf_srtp loaded:"
grep '^nf_srtp ' /proc/modules

say "phone A behind a NAT box, router R anchoring the media, gateway G"
cat <<'EOF'
    phone A 192.168.1.2 --- 192.168.1.1 N 10.0.1.2 --- 10.0.1.1  router R:  10.0.3.1 --- 10.0.3.2 gateway G
                            (masquerades A                        Kamailio,
                             as 10.0.1.2)                         srtpd, nf_srtp
    R has no route to 192.168.1.0/24; G has none past R: media crosses
    only through R's anchors (network namespaces nfsrtp-a, -n, -r, -g)
EOF
e2e_topo_nat

say "srtpd in R, anchoring: a media interface per side, a port range"
e2e_srtpd_start --interface lan/10.0.1.1 --interface default/10.0.3.1 \
	--interface default/fd00:2::1 --port-min 30000 --port-max 30019
echo "   srtpd --ng 127.0.0.1:2223 --interface lan/10.0.1.1 --interface default/10.0.3.1 ...; its log:"
indent <"$E2E_DIR/srtpd.out"

say "Kamailio in R, configured as for rtpengine (tests/e2e/kamailio-nat.cfg)"
# shellcheck disable=SC2119
e2e_kamailio_start
echo "   Kamailio's example configuration's NAT traversal (nathelper), and"
echo "   rtpengine_manage() in its branch, reply and failure routes with:"
grep '^#!define ANCHOR' "$E2E_KAMAILIO_CFG" | indent
sed -n '/^route\[NATDETECT\]/,/^}/p' "$E2E_KAMAILIO_CFG" | indent

KA=inline:$(head -c 30 /dev/urandom | base64)
say "phone A (SIPp) calls sip:gw@10.0.3.2; its INVITE leaves N from 10.0.1.2"
e2e_uas g nfsrtp-g 10.0.3.2 gw-uas -key rtp_port 30500 -key ua e2e-gateway/1.0
e2e_uac a-g nfsrtp-a 192.168.1.2 call-nat-demo 10.0.1.1:5060 phone-uac \
	-s gw -key to_host 10.0.3.2 -key from_user a -key rtp_port 20000 \
	-key crypto_key "${KA#inline:}" -key profile RTP/SAVP -key ua "$UA_A"
e2e_call_up a-g g
echo "   1. A's offer: its private address, its key"
e2e_short "$(tr -d '\r' <"$E2E_DIR/a-g.messages" |
	awk '/^INVITE / { i = 1 } i && /^v=0/ { s = 1 } s && /^(-----|$)/ { exit } s')" | indent
echo "   2. Kamailio: $(grep -o 'INVITE call-nat-demo: rtpengine_manage(.*)' "$E2E_DIR/kamailio.out" | head -n 1 | sed 's/^[^:]*: //')"
echo "      the offer G got: R's address on G's side, plain RTP, no key"
sdp "$E2E_DIR/g.sdp" | indent
echo "   3. the answer A got: R's address on A's side, SRTP under R's key"
sdp "$E2E_DIR/a-g.sdp" | indent
KRA=$(e2e_sdp_key "$E2E_DIR/a-g.sdp")
RA=$(port_of "$E2E_DIR/a-g.sdp")
RG=$(port_of "$E2E_DIR/g.sdp")

say "what srtpd set up in R: two kernel streams and the relays (Linux NAT)"
r stream show | indent
echo "   the relays, in srtpd's nftables maps (source . R's port : where to):"
for m in dnat4 snat4; do
	echo "   nft list map inet nfsrtp $m:"
	ip netns exec nfsrtp-r nft list map inet nfsrtp "$m" | grep -A 3 'elements' |
		sed 's/^[[:space:]]*//' | indent
done

say "media both ways through the NAT (100 RTP + 10 RTCP each)"
capture nfsrtp-r veth-ra "src host 10.0.1.2 and src port 20000" a-leg.cap
capture nfsrtp-r veth-rg "dst host 10.0.3.2 and dst port 30500" g-leg.cap
both_ways 0 "A -> R $RA -> G: SRTP under A's key on A's side, plain at G" \
	"G -> R $RG -> A: plain from G, SRTP under R's key at A (libsrtp2)"
demo_bg_wait
echo "   A's first packet on R's link toward A: from N's address, SRTP (182 bytes)"
indent <"$E2E_DIR/a-leg.cap"
echo "   the same packet on G's link: from R's address, plain RTP (172 bytes)"
indent <"$E2E_DIR/g-leg.cap"

say "N maps A anew mid-call (its entries deleted, ports 61000/61001)"
ip netns exec nfsrtp-r "$SRTPCTL" monitor count 2 timeout 60 >"$E2E_DIR/monitor.out" 2>&1 &
DEMO_BG+=($!)
wait_for 20 file_count "$E2E_DIR/monitor.out" monitoring
e2e_nat_remap 20000 61000
both_ways 100 "A -> G, A now seen as 10.0.1.2:61000:" \
	"G -> A: R sends it to the new mapping"
demo_bg_wait
echo "   srtpctl monitor in R (the kernel's events):"
grep -v monitoring "$E2E_DIR/monitor.out" | indent
moved='media now comes from 10\.0\.1\.2 port 61000 \(RTCP: 10\.0\.1\.2 port 61001\)'
wait_for 20 file_count "$E2E_DIR/srtpd.out" "$moved"
echo "   srtpd's log: $(grep -oE "stream [0-9]+: $moved" "$E2E_DIR/srtpd.out")"

say "the counters (srtpctl -s stream show in R)"
r -s stream show | indent

say "A hangs up: its BYE through N and R"
e2e_hangup nfsrtp-a 192.168.1.2 call-nat-demo
e2e_sipp_wait a-g 90
e2e_sipp_wait g 90
wait_for 30 no_streams
echo "   R's streams: $(r -j stream show); srtpd's calls: $(e2e_ng command=list)"
echo "   srtpd's relays: $(ip netns exec nfsrtp-r nft list table inet nfsrtp | grep -c 'dnat to') left"
demo_finish
