#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demonstration run by `make demo` inside a guest (scripts/vm loads the
# module first): phone A sends plain RTP/RTCP from an ordinary socket,
# nf_srtp in A protects it, the wire carries SRTP, and libsrtp2 at B
# decrypts every packet and checks it against what A sent.
. "$(dirname "$0")/../vm/lib.bash"
trap topo_cleanup EXIT
K='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI|2^31|1:4'
S=AES_CM_128_HMAC_SHA1_80
tmp=$(mktemp -d)

echo "== guest kernel $(uname -r); nf_srtp loaded:"
grep '^nf_srtp ' /proc/modules
dmesg | grep 'nf_srtp: self-tests passed' | tail -n 1
echo
echo "== two namespaces on a veth pair: A 10.0.1.1, B 10.0.1.2"
topo_pair
echo "== in A: srtpctl stream add protect src 10.0.1.1:4000 dst 10.0.1.2:5000 suite $S key '$K'"
ip netns exec nfsrtp-a "$SRTPCTL" stream add protect src 10.0.1.1:4000 dst 10.0.1.2:5000 \
	suite $S key "$K"
ip netns exec nfsrtp-a "$SRTPCTL" stream show
echo
echo "== capturing on B's side of the wire; A's application sends 200 RTP + 20 RTCP packets"
ip netns exec nfsrtp-b tcpdump -U -n -i veth-b -c 2 -X 'udp port 5000' >"$tmp/cap" 2>"$tmp/caperr" &
cap=$!
wait_for 30 grep -q 'listening on' "$tmp/caperr"
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.1.2 --port 5000 --count 200 --rtcp --suite $S --key "$K"
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5000 --src-port 4000 --count 200 --rtcp
rx_wait "$tmp/rx"
wait "$cap" 2>/dev/null || true
echo "== the first packet on the wire: RTP header in the clear (80 00 03 e8 ...),"
echo "   payload encrypted, then MKI 00000001 and a 10-byte tag (186 bytes of UDP payload):"
sed -n '1,14p' "$tmp/cap"
echo "== (A's application sent that payload as 00 07 0e 15 1c 23 2a 31 ...)"
echo
echo "== libsrtp2 at B, with the key of the stream, decrypted and checked every packet:"
tail -n 1 "$tmp/rx"
echo
echo "== A's counters (srtpctl -s stream show):"
ip netns exec nfsrtp-a "$SRTPCTL" -s stream show
