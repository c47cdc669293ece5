#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demonstration run by `make demo` inside a guest (scripts/vm loads the
# module first): the two-phone call of Polycom's SRTP bulletin.  Phones A
# and B are two network namespaces, each with its srtpd; the demo plays the
# SIP component and carries A's offer to B and B's answer back.  Each
# phone's application then sends plain RTP/RTCP from an ordinary socket;
# nf_srtp protects it, the wire carries SRTP (captured with tcpdump, and
# decrypted with libsrtp2 and the keys of the SDP), and nf_srtp at the
# other phone gives the application the plain packets back.
. "$(dirname "$0")/../vm/lib.bash"
SRTPD=$NFSRTP_TOP/build/bin/srtpd
tmp=$(mktemp -d)
trap 'kill $PA $PB 2>/dev/null || true; topo_cleanup' EXIT
sysctl -qw net.core.rmem_max=$((4 << 20))

say() { printf '\n== %s\n' "$*"; }
indent() { tr -d '\r' | sed 's/^/    /'; }
call() { local p=$1; shift; "$SRTPCTL" call "$@" socket "$tmp/$p.sock"; }
# crypto SDP: "SUITE KEY-PARAMS" of its first crypto line
crypto() { tr -d '\r' <"$1" | awk '/^a=crypto:/ { print $2, $3; exit }'; }

echo "== guest kernel $(uname -r); nf_srtp loaded:"
grep '^nf_srtp ' /proc/modules
dmesg | grep 'nf_srtp: self-tests passed' | tail -n 1

say "two phones on a veth pair: A (namespace nfsrtp-a, 10.0.1.1), B (nfsrtp-b, 10.0.1.2)"
topo_pair
cat >"$tmp/a.cfg" <<'EOF'
<sip><sec sec.srtp.enable="1" sec.srtp.leg.enable="1" sec.srtp.offer="1"/></sip>
EOF
cat >"$tmp/b.cfg" <<'EOF'
<sip><sec sec.srtp.enable="1" sec.srtp.require="1"/></sip>
EOF
echo "   A's sip.cfg (the bulletin's Scenario One: offer SRTP, RTP as fallback):"
indent <"$tmp/a.cfg"
echo "   B's sip.cfg (secure media or nothing):"
indent <"$tmp/b.cfg"
ip netns exec nfsrtp-a "$SRTPD" --config "$tmp/a.cfg" --socket "$tmp/a.sock" \
	>"$tmp/a.log" 2>&1 &
PA=$!
ip netns exec nfsrtp-b "$SRTPD" --config "$tmp/b.cfg" --socket "$tmp/b.sock" \
	>"$tmp/b.log" 2>&1 &
PB=$!
wait_for 20 test -S "$tmp/a.sock"
wait_for 20 test -S "$tmp/b.sock"
echo "   srtpd runs in each phone's namespace:"
indent <"$tmp/a.log"
indent <"$tmp/b.log"

say "A calls B.  srtpctl call offer call-1 media 10.0.1.1:4000 (A's srtpd): the INVITE's SDP"
call a offer call-1 media 10.0.1.1:4000 >"$tmp/offer" 2>/dev/null
indent <"$tmp/offer"
say "B answers.  srtpctl call answer call-1 media 10.0.1.2:5000 from 10.0.1.1 < offer (B's srtpd): the 200 OK's SDP"
call b answer call-1 media 10.0.1.2:5000 from 10.0.1.1 <"$tmp/offer" >"$tmp/answer" 2>"$tmp/sec"
indent <"$tmp/answer"
echo "   B's srtpd: $(cat "$tmp/sec") (every stream SRTP, authenticated: the bulletin's padlock)"
say "A completes the call with B's answer.  srtpctl call complete call-1 from 10.0.1.2 < answer"
call a complete call-1 from 10.0.1.2 <"$tmp/answer" 2>"$tmp/sec"
echo "   A's srtpd: $(cat "$tmp/sec")"
echo "   B took the SAVP line with A's first crypto line and its own key, and"
echo "   turned the plain RTP/AVP alternative down (port 0)."

say "the streams each srtpd installed in its kernel (srtpctl stream show)"
echo "   in A: protect with A's key (offer), unprotect with B's key (answer)"
"$SRTPCTL" -n nfsrtp-a stream show | indent
echo "   in B: the other way round"
"$SRTPCTL" -n nfsrtp-b stream show | indent

say "each phone's application sends 200 RTP + 20 RTCP packets, plain, from a UDP socket"
read -r suite_ab key_ab <<<"$(crypto "$tmp/offer")"
read -r suite_ba key_ba <<<"$(crypto "$tmp/answer")"
ip netns exec nfsrtp-b tcpdump -U -n -i veth-b -c 1 -X 'udp dst port 5000' \
	>"$tmp/cap" 2>"$tmp/caperr" &
cap=$!
wait_for 30 grep -q 'listening on' "$tmp/caperr"
# at each phone: a socket (the application) and a sniffer on the wire
# (AF_PACKET, before nf_srtp) that decrypts with libsrtp2 and the SDP's key
rx_start nfsrtp-b "$tmp/b.plain" --bind 10.0.1.2 --port 5000 --count 200 --rtcp
pb=$RX_PID
rx_start nfsrtp-b "$tmp/b.wire" --sniff veth-b --bind 10.0.1.2 --port 5000 \
	--count 200 --rtcp --suite "$suite_ab" --key "$key_ab"
wb=$RX_PID
rx_start nfsrtp-a "$tmp/a.plain" --bind 10.0.1.1 --port 4000 --count 200 --rtcp
pa=$RX_PID
rx_start nfsrtp-a "$tmp/a.wire" --sniff veth-a --bind 10.0.1.1 --port 4000 \
	--count 200 --rtcp --suite "$suite_ba" --key "$key_ba"
wa=$RX_PID
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5000 --src-port 4000 \
	--count 200 --rtcp >/dev/null &
sa=$!
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4000 --src-port 5000 \
	--count 200 --rtcp >/dev/null
wait $sa
for p in $pb $wb $pa $wa; do
	wait "$p" || fail "a receiver: $(tail -qn 1 "$tmp"/*.plain "$tmp"/*.wire)"
done
wait "$cap" 2>/dev/null || true
echo "   the first packet A->B on the wire, captured at B (tcpdump): the RTP header"
echo "   in the clear (80 00 03 e8: sequence 1000), the payload encrypted (A's"
echo "   application sent 00 01 02 03 ...), then the 10-byte tag: 182 bytes of UDP payload"
indent <"$tmp/cap"

say "libsrtp2 on the wire, with the keys of the SDP: every packet decrypted and checked"
echo "   A->B at B, key of A's offer:  $(tail -n 1 "$tmp/b.wire")"
echo "   B->A at A, key of B's answer: $(tail -n 1 "$tmp/a.wire")"
say "and the applications got them plain, every one, byte for byte"
echo "   B's socket: $(tail -n 1 "$tmp/b.plain")"
echo "   A's socket: $(tail -n 1 "$tmp/a.plain")"

say "the counters (srtpctl -s stream show)"
echo "   in A:"
"$SRTPCTL" -n nfsrtp-a -s stream show | indent
echo "   in B:"
"$SRTPCTL" -n nfsrtp-b -s stream show | indent

say "hang up: srtpctl call delete call-1 on both phones; no stream is left"
call a delete call-1
call b delete call-1
n=$("$SRTPCTL" -n nfsrtp-a stream show; "$SRTPCTL" -n nfsrtp-b stream show)
[ -z "$n" ] || fail "streams left: $n"
kill -TERM $PA $PB
wait $PA || fail "A's srtpd did not stop cleanly"
wait $PB || fail "B's srtpd did not stop cleanly"
echo "   both srtpd stopped cleanly"
