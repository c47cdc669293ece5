#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A router on a hostile network.  R forwards a call between phone A (SRTP,
# 10.0.1.1) and gateway B (plain RTP, 10.0.2.1): it unprotects A's SRTP
# toward B and protects B's RTP toward A.  On each leg an attacker shares
# the link (XA 10.0.1.66 beside A, XB 10.0.2.66 beside B, over a bridge in
# R) and forges packets from its own address or from the legitimate
# sender's.  A packet socket on A's link checks, with libsrtp2, every
# packet that reaches A's media port for the whole call: nothing in clear,
# no index twice, the legitimate media complete and intact; GSO
# super-packets are segmented and every segment transformed.  A stream
# pinned to B's SSRC admits no other under a flood, and its pin changes
# under traffic without a packet lost.  Each attack prints its outcome and
# the counter that shows it: among them forge.py's mutated-field matrix, a
# table of one forged packet a row.  A second call over IPv6
# (fd00:1::/64, fd00:2::/64 on the same legs) meets the core attacks again.
. "$(dirname "$0")/lib.bash"

FORGE=$NFSRTP_TOP/tests/tools/forge.py
cleanup() {
	topo_cleanup
	ip netns del nfsrtp-xa 2>/dev/null || true
	ip netns del nfsrtp-xb 2>/dev/null || true
}
trap cleanup EXIT

# hostile_leg SIDE HOST_NS HOST_ADDR ATTACKER_NS ATTACKER_ADDR: a bridge
# br-SIDE in R (R at 10.0.N.254 and fd00:N::fe) with the host (10.0.N.H,
# fd00:N::H) and the attacker (10.0.N.X, fd00:N::X) on it
hostile_leg() {
	local side=$1 host=$2 haddr=$3 att=$4 aaddr=$5 net=${3%.*}
	local net6=fd00:${net##*.}:
	ip -n nfsrtp-r link add "br-$side" type bridge forward_delay 0
	ip link add "veth-$side" netns "$host" type veth peer name "veth-r$side" netns nfsrtp-r
	ip link add "veth-x$side" netns "$att" type veth peer name "veth-rx$side" netns nfsrtp-r
	ip -n nfsrtp-r link set "veth-r$side" master "br-$side" up
	ip -n nfsrtp-r link set "veth-rx$side" master "br-$side" up
	ip -n nfsrtp-r addr add "$net.254/24" dev "br-$side"
	ip -n nfsrtp-r link set "br-$side" up
	ip -n "$host" addr add "$haddr/24" dev "veth-$side"
	ip -n "$host" link set "veth-$side" up
	ip -n "$host" route add default via "$net.254"
	ip -n "$att" addr add "$aaddr/24" dev "veth-x$side"
	ip -n "$att" link set "veth-x$side" up
	ip -n "$att" route add default via "$net.254"
	ip -n nfsrtp-r addr add "$net6:fe/64" dev "br-$side" nodad
	ip -n "$host" addr add "$net6:${haddr##*.}/64" dev "veth-$side" nodad
	ip -n "$host" -6 route add default via "$net6:fe"
	ip -n "$att" addr add "$net6:${aaddr##*.}/64" dev "veth-x$side" nodad
	ip -n "$att" -6 route add default via "$net6:fe"
}

for ns in nfsrtp-a nfsrtp-b nfsrtp-r nfsrtp-xa nfsrtp-xb; do
	ip netns add $ns
	ip -n $ns link set lo up
done
hostile_leg a nfsrtp-a 10.0.1.1 nfsrtp-xa 10.0.1.66
hostile_leg b nfsrtp-b 10.0.2.1 nfsrtp-xb 10.0.2.66
ip netns exec nfsrtp-r sysctl -qw net.ipv4.ip_forward=1
ip netns exec nfsrtp-r sysctl -qw net.ipv6.conf.all.forwarding=1

KA='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
KR='inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'
S=AES_CM_128_HMAC_SHA1_80
SSRC=0x11223344
tmp=$(mktemp -d)
r() { "$SRTPCTL" -n nfsrtp-r "$@"; }
# forge.py runs in a python3 in each attacker's namespace that stays up
pyserve_start xa nfsrtp-xa
pyserve_start xb nfsrtp-xb
xa() { pyserve xa run "$FORGE" "$@"; }
xb() { pyserve xb run "$FORGE" "$@"; }
# drop COUNTER STREAM: one drop counter of a stream on R (0 if none)
drop() {
	json_get "$(r -j stream show "$2")" "d[0]['drops'].get('$1', 0)"
}
packets() {
	json_get "$(r -j stream show "$1")" "d[0]['packets']"
}
# for wait_for, which runs its command anew each time:
# drop_is COUNTER STREAM N, packets_are STREAM N, packets_over STREAM N
drop_is() { [ "$(drop "$1" "$2")" = "$3" ]; }
packets_are() { [ "$(packets "$1")" = "$2" ]; }
packets_over() { [ "$(packets "$1")" -gt "$2" ]; }
# b_send / a_send FIRST COUNT [RTPWIRE OPTIONS]: part of the legitimate flows
b_send() {
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4002 --src-port 5002 \
		--count "$2" --offset "$1" --rtcp "${@:3}" >/dev/null
}
# (A's libsrtp2 sender numbers its SRTCP anew in each part, which R would
# rightly drop as replays: A's flow is RTP only.)
a_send() {
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.2.1:5000 --src-port 4000 \
		--count "$2" --offset "$1" --suite $S --key "$KA" "${@:3}" >/dev/null
}
# matrix unprotect|protect NS SRC DST SEQ STREAM [--quick]: forge.py's
# mutated-field matrix from NS (nfsrtp-xa or -xb) into STREAM, as SRC
# (see forge.py)
matrix() {
	local started=$SECONDS
	pyserve "${2#nfsrtp-}" run "$FORGE" --matrix "$1" --src "$3" --dst "$4" \
		--ssrc $SSRC --seq "$5" --key "$KA" "${@:7}" \
		--stream "$6" --srtpctl "$SRTPCTL" --netns nfsrtp-r \
		>"$tmp/matrix" || { sed 's/^/    /' "$tmp/matrix"; fail "$1 matrix"; }
	sed 's/^/    /' "$tmp/matrix"
	echo "    ($((SECONDS - started)) s)"
}
# report WHAT VALUE WANT: print an attack's outcome, fail if not WANT
report() {
	echo "    $1: $2"
	[ "$2" = "$3" ] || fail "$1: $2, expected $3"
}

step "R offloads every UDP flow to an nftables flowtable"
# A flow in the flowtable is forwarded from the devices' ingress hook and
# skips PRE_ROUTING and POST_ROUTING, where nf_srtp works.
printf '%s\n' 'table inet ft {' \
	'	flowtable f { hook ingress priority filter; devices = { br-a, br-b }; }' \
	'	chain forward { type filter hook forward priority filter; policy accept;' \
	'		meta l4proto udp flow add @f; }' '}' >"$tmp/ft.nft"
ip netns exec nfsrtp-r nft -f "$tmp/ft.nft"
# offloaded SPORT DPORT: R's conntrack entry of that UDP flow is offloaded
offloaded() {
	ip netns exec nfsrtp-r grep -E "udp .*sport=$1 dport=$2 .*\[OFFLOAD\]" \
		/proc/net/nf_conntrack >/dev/null
}

step "early media: B's plain RTP to A, offloaded before the call has streams"
rx_start nfsrtp-a "$tmp/early" --bind 10.0.1.1 --port 4002 --count 50 --ssrc 0xea \
	--seq 30000
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4002 --src-port 5002 --count 50 \
	--ssrc 0xea --seq 30000 >/dev/null
rx_wait "$tmp/early"
wait_for 30 offloaded 5002 4002
report "B's flow to A offloaded, 50/50 plain RTP at A" "$(tail -n 1 "$tmp/early" | cut -d' ' -f1-3)" \
	"received rtp 50/50"

step "the call: A's SRTP to B in clear, B's RTP to A as SRTP (R's key)"
in_id=$(json_get "$(r -j stream add unprotect src 10.0.1.1 dst 10.0.2.1:5000 \
	suite $S key "$KA")" 'd["id"]')
out_id=$(json_get "$(r -j stream add protect src 10.0.2.1:5002 dst 10.0.1.1:4002 \
	suite $S key "$KR")" 'd["id"]')
# Everything that reaches A's port 4002/4003 during the call, off the
# wire: 400 RTP and 40 RTCP packets of B's flow, nothing else.  A's
# checks take the widest replay window libsrtp2 has (WIN): an index
# twice is refused all the same, but a packet that the way from R to A
# (two veths, a bridge, each CPU of R forwarding part of a burst) let
# others overtake is not, however many ("late N (deepest D)" shows it).
WIN=32767
rx_start nfsrtp-a "$tmp/wire" --sniff veth-a --bind 10.0.1.1 --port 4002 \
	--count 400 --rtcp --suite $S --key "$KR" --other-ssrc --timeout 240 --window $WIN
# B's receiver of A's flow, plain RTP checked byte for byte.
ip netns exec nfsrtp-b "$RTPWIRE" recv --bind 10.0.2.1 --port 5000 --count 400 \
	--timeout 240 --other-ssrc >"$tmp/atob" 2>&1 &
atob=$!
wait_for 20 grep -q listening "$tmp/atob"
b_send 0 100
a_send 0 100
wait_for 30 packets_are "$out_id" 110
wait_for 30 packets_are "$in_id" 100
report "control: packets protected, unprotected" \
	"$(packets "$out_id"), $(packets "$in_id")" "110, 100"
# Installing the protect stream deleted the offloaded entry; the call's
# new entries carry nf_srtp's mark and stay out of the flowtable.
offloaded 5002 4002 && fail "B's flow is still offloaded"
offloaded 4000 5000 && fail "A's flow was offloaded"
report "flows offloaded after the streams" "$(ip netns exec nfsrtp-r \
	grep -c OFFLOAD /proc/net/nf_conntrack || true)" 0

step "repeated and old sequence numbers into the protect stream (XB as B)"
# B's packets 5, 10, 58 (seq 1005...) were sent; XB sends those indices
# again with other payloads, and one left of the window: encrypting them
# would repeat a keystream.  A's wire sees none of them.
xb --src 10.0.2.1:5002 --dst 10.0.1.1:4002 --ssrc $SSRC --seq 1005,1010,1058,900 \
	--fill 0x5a >/dev/null
wait_for 30 drop_is tx-replay "$out_id" 4
report "tx-replay drops" "$(drop tx-replay "$out_id")" 4
report "packets protected" "$(packets "$out_id")" 110

step "RTP from other sources toward A's SRTP port"
xb --src 10.0.2.66:5002 --dst 10.0.1.1:4002 --ssrc $SSRC --seq 1100,1101,1102 >/dev/null
xb --src 10.0.2.1:6000 --dst 10.0.1.1:4002 --ssrc $SSRC --seq 1103,1104 >/dev/null
xb --src 10.0.2.66:5003 --dst 10.0.1.1:4003 --ssrc $SSRC --rtcp >/dev/null
wait_for 30 drop_is source "$out_id" 6
report "source drops (not encrypted, not forwarded)" "$(drop source "$out_id")" 6
report "packets protected" "$(packets "$out_id")" 110

step "a flood of spoofed SSRCs on both legs, during the call"
# Into the protect stream as B: the stream has room for 7 more SSRCs
# (encrypted under their own indices: no keystream repeats), then counts
# the rest; B's SSRC, sending meanwhile, is never idle long enough to
# give up its slot.  Into the unprotect stream as A: nothing
# authenticates.  The call's second part is paced (10 ms a packet) so
# that the flood hits while it flows.
b_send 100 100 --interval-us 10000 &
bsend=$!
a_send 100 100 --interval-us 10000 &
asend=$!
wait_for 30 packets_over "$out_id" 115
xb --src 10.0.2.1:5002 --dst 10.0.1.1:4002 --ssrc 0x5000-0x5027 --seq 1 >/dev/null
xa --src 10.0.1.1:4000 --dst 10.0.2.1:5000 --ssrc 0x6000-0x6027 --seq 1 --tag 10 >/dev/null
wait "$bsend" || fail "B's sender"
wait "$asend" || fail "A's sender"
wait_for 30 drop_is ssrc-limit "$out_id" 33
wait_for 30 drop_is auth "$in_id" 40
wait_for 30 packets_are "$in_id" 200
report "protect: ssrc-limit drops" "$(drop ssrc-limit "$out_id")" 33
report "protect: B's 220 packets and 7 of other SSRCs protected" "$(packets "$out_id")" 227
report "unprotect: auth drops" "$(drop auth "$in_id")" 40
report "unprotect: A's 200 packets unprotected" "$(packets "$in_id")" 200

step "mutated SRTP and SRTCP into the unprotect stream (XA as A)"
# indices A has not sent yet: they fail authentication, and move nothing
xa --src 10.0.1.1:4000 --dst 10.0.2.1:5000 --ssrc $SSRC --seq 1250,1251,1252 --tag 10 >/dev/null
xa --src 10.0.1.1:4001 --dst 10.0.2.1:5001 --ssrc $SSRC --rtcp --srtcp-index 1000 \
	--tag 10 >/dev/null
xa --src 10.0.1.1:4000 --dst 10.0.2.1:5000 --ssrc $SSRC --seq 1253 --payload 0 >/dev/null
wait_for 30 drop_is auth "$in_id" 44
report "auth drops" "$(drop auth "$in_id")" 44
report "malformed drops (too short)" "$(drop malformed "$in_id")" 1

step "the mutated-field matrix into the unprotect stream (XA as A)"
# One packet at a time, each a valid SRTP or SRTCP packet of A's SSRC
# and next index (sealed with A's key) with one thing changed, and each
# counted under its reason; a valid packet of another SSRC passes (to
# B's socket, as "other"), which shows that the rest was valid.
matrix unprotect nfsrtp-xa 10.0.1.1:4000 10.0.2.1:5000 1200 "$in_id"

step "the mutated-field matrix into the protect stream (XB as B)"
# What the stream must not encrypt: broken RTP and RTCP, indices sent.
matrix protect nfsrtp-xb 10.0.2.1:5002 10.0.1.1:4002 1200 "$out_id"

step "the rest of the call"
b_send 200 200
a_send 200 200
rx_wait "$tmp/wire"
wait "$atob" || fail "B's receiver: $(tail -n 1 "$tmp/atob")"
echo "    A's wire: $(tail -n 1 "$tmp/wire")"
echo "    B's socket: $(tail -n 1 "$tmp/atob")"
expect_match '^received rtp 400/400 rtcp 40/40 bad 0 unprotect-failed 0 other 7 ' \
	"$(tail -n 1 "$tmp/wire")"
expect_match '^received rtp 400/400 rtcp 0/0 bad 0 unprotect-failed 0 other 1' \
	"$(tail -n 1 "$tmp/atob")"
r -s stream show

step "1000 replacements of the protect stream's match and keys under traffic"
# A re-INVITE moves media: the daemon gives the stream a new match and new
# keys in one STREAM_SET.  Here the match alternates between B's address
# and port and B's address with any port, each time with the key again
# (a new crypto context that takes over the old one's state), while B
# sends 2000 more packets.  A's wire must see every one, as SRTP that
# authenticates, never a packet in clear or an index twice.
rx_start nfsrtp-a "$tmp/wire2" --sniff veth-a --bind 10.0.1.1 --port 4002 \
	--count 2000 --seq 1400 --rtcp --suite $S --key "$KR" --timeout 400 --window $WIN
for i in $(seq 1 500); do
	echo "stream set $out_id src 10.0.2.1 dst 10.0.1.1:4002 replace key $KR"
	echo "stream set $out_id src 10.0.2.1:5002 dst 10.0.1.1:4002 replace key $KR"
done >"$tmp/replace"
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4002 --src-port 5002 \
	--count 2000 --seq 1400 --rtcp --interval-us 5000 >/dev/null &
bsend=$!
wait_for 30 packets_over "$out_id" 670
start=$SECONDS before=$(packets "$out_id")
r -b "$tmp/replace" >/dev/null
during=$(($(packets "$out_id") - before))
echo "    1000 replacements in $((SECONDS - start)) s, while $during of B's packets passed"
[ "$during" -gt 0 ] || fail "no packet passed during the replacements"
wait "$bsend" || fail "B's sender"
rx_wait "$tmp/wire2"
echo "    A's wire: $(tail -n 1 "$tmp/wire2")"
expect_match '^received rtp 2000/2000 rtcp 200/200 bad 0 unprotect-failed 0 ' \
	"$(tail -n 1 "$tmp/wire2")"
report "stream $out_id: packets, drops" "$(packets "$out_id"), $(json_get \
	"$(r -j stream show "$out_id")" "sorted(d[0]['drops'].items())")" \
	"2647, [('malformed', 18), ('not-rtp', 3), ('source', 6), ('ssrc-limit', 33), ('tx-replay', 8)]"
expect_match "src 10.0.2.1:5002 dst 10.0.1.1:4002" "$(r stream show "$out_id")"

step "GSO super-packets through R, both ways (UDP_SEGMENT senders)"
# Ten packets a super-packet, as a sender using GSO sends them: R must
# segment each and transform every segment, never drop the lot or pass it
# on in clear.  A's wire and B's socket check every packet.
rx_start nfsrtp-a "$tmp/gso-a" --sniff veth-a --bind 10.0.1.1 --port 4002 \
	--count 40 --seq 3400 --suite $S --key "$KR" --timeout 120 --window $WIN
ip netns exec nfsrtp-b "$RTPWIRE" recv --bind 10.0.2.1 --port 5000 --count 40 \
	--seq 1400 --timeout 120 >"$tmp/gso-b" 2>&1 &
gsob=$!
wait_for 20 grep -q listening "$tmp/gso-b"
ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4002 --src-port 5002 \
	--count 40 --seq 3400 --gso 8 >/dev/null
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.2.1:5000 --src-port 4000 \
	--count 40 --seq 1400 --gso 8 --suite $S --key "$KA" >/dev/null
rx_wait "$tmp/gso-a"
wait "$gsob" || fail "B's receiver: $(tail -n 1 "$tmp/gso-b")"
report "A's wire, B's RTP in 5 super-packets" "$(tail -n 1 "$tmp/gso-a" | cut -d' ' -f1-7)" \
	"received rtp 40/40 rtcp 0/0 bad 0"
report "B's socket, A's SRTP in 5 super-packets" "$(tail -n 1 "$tmp/gso-b" | cut -d' ' -f1-7)" \
	"received rtp 40/40 rtcp 0/0 bad 0"
report "gso drops" "$(drop gso "$out_id"), $(drop gso "$in_id")" "0, 0"

step "fragments from outside: XB's fragmented RTP toward A's media port"
# The first fragment of each is dropped at the guard (the rest carry no
# ports and die in A's reassembly); R reassembles nothing, since no
# stream asked for it: no packet from outside turns reassembly on.
ip netns exec nfsrtp-xb "$RTPWIRE" send --dst 10.0.1.1:4002 --src-port 5002 \
	--count 5 --payload 1600 >/dev/null 2>&1 || true
wait_for 30 drop_is source "$out_id" 11
report "source drops" "$(drop source "$out_id")" 11
report "reassembly on R" "[$(json_get "$(r -j stats)" '",".join(d["defrag"])')]" "[]"

step "a protect stream pinned to B's SSRC: a flood of spoofed SSRCs, then unpinned"
# A second leg, B 10.0.2.1:5010 to A 10.0.1.1:4010, pinned at STREAM_ADD
# to B's SSRC.  XB, as B, floods it with 40 SSRCs of RTP and 40 of RTCP
# while B sends (unpinned, 7 would take the free slots, as above): none
# is admitted or reaches A, each is counted as ssrc-pin, and A's wire
# sees B's flow complete and intact.
pin_id=$(json_get "$(r -j stream add protect src 10.0.2.1:5010 dst 10.0.1.1:4010 \
	suite $S key "$KR" ssrc $SSRC)" 'd["id"]')
report "pin shown by show -j" "$(json_get "$(r -j stream show "$pin_id")" \
	'hex(d[0]["ssrc"])')" 0x11223344
expect_match ' ssrc 0x11223344$' "$(r stream show "$pin_id" | head -n 1)"
pin_send() { # pin_send SEQ COUNT INTERVAL_US: B's flow on the pinned leg
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:4010 --src-port 5010 \
		--seq "$1" --count "$2" --rtcp --interval-us "$3" >/dev/null
}
rx_start nfsrtp-a "$tmp/pin1" --sniff veth-a --bind 10.0.1.1 --port 4010 \
	--count 100 --seq 1000 --rtcp --suite $S --key "$KR" --other-ssrc --timeout 120 --window $WIN
pin_send 1000 100 10000 &
bsend=$!
wait_for 30 packets_over "$pin_id" 5
xb --src 10.0.2.1:5010 --dst 10.0.1.1:4010 --ssrc 0x7000-0x7027 --seq 1 >/dev/null
xb --src 10.0.2.1:5011 --dst 10.0.1.1:4011 --ssrc 0x7100-0x7127 --rtcp >/dev/null
wait "$bsend" || fail "B's sender"
rx_wait "$tmp/pin1"
wait_for 30 drop_is ssrc-pin "$pin_id" 80
echo "    A's wire: $(tail -n 1 "$tmp/pin1")"
expect_match '^received rtp 100/100 rtcp 10/10 bad 0 unprotect-failed 0 other 0 ' \
	"$(tail -n 1 "$tmp/pin1")"
report "pinned: ssrc-pin drops" "$(drop ssrc-pin "$pin_id")" 80
report "pinned: ssrc-limit drops" "$(drop ssrc-limit "$pin_id")" 0
report "pinned: B's 110 packets protected, none of another SSRC" "$(packets "$pin_id")" 110
report "namespace ssrc-pin drops" "$(json_get "$(r -j stats)" 'd["drops"]["ssrc-pin"]')" 80
# Unpinned: another SSRC is admitted (protected, and on A's wire).
r stream set "$pin_id" ssrc none
report "pin after ssrc none" "$(json_get "$(r -j stream show "$pin_id")" 'd[0]["ssrc"]')" None
rx_start nfsrtp-a "$tmp/pin2" --sniff veth-a --bind 10.0.1.1 --port 4010 \
	--count 50 --seq 1100 --rtcp --suite $S --key "$KR" --other-ssrc --timeout 120 --window $WIN
xb --src 10.0.2.1:5010 --dst 10.0.1.1:4010 --ssrc 0x7200 --seq 1 >/dev/null
pin_send 1100 50 1000
rx_wait "$tmp/pin2"
echo "    A's wire: $(tail -n 1 "$tmp/pin2")"
expect_match '^received rtp 50/50 rtcp 5/5 bad 0 unprotect-failed 0 other 1 ' \
	"$(tail -n 1 "$tmp/pin2")"
report "unpinned: packets protected, ssrc-pin drops" \
	"$(packets "$pin_id"), $(drop ssrc-pin "$pin_id")" "166, 80"

step "the pin changes again and again while B sends on the pinned leg"
# stream set alternates "ssrc B" and "ssrc none" for as long as a paced
# flow of B (10 s) lasts: each packet meets the old pin or the new one,
# both of which admit B, so A's wire must see every packet and no
# ssrc-pin drop may be counted.
rx_start nfsrtp-a "$tmp/pin3" --sniff veth-a --bind 10.0.1.1 --port 4010 \
	--count 500 --seq 1200 --rtcp --suite $S --key "$KR" --timeout 240 --window $WIN
pin_send 1200 500 20000 &
bsend=$!
changes=0
while kill -0 "$bsend" 2>/dev/null; do
	r stream set "$pin_id" ssrc $SSRC
	r stream set "$pin_id" ssrc none
	changes=$((changes + 2))
done
echo "    $changes pin changes during B's flow of 10 s"
[ "$changes" -ge 10 ] || fail "only $changes pin changes under traffic"
wait "$bsend" || fail "B's sender"
rx_wait "$tmp/pin3"
echo "    A's wire: $(tail -n 1 "$tmp/pin3")"
expect_match '^received rtp 500/500 rtcp 50/50 bad 0 unprotect-failed 0 ' \
	"$(tail -n 1 "$tmp/pin3")"
report "packets protected, ssrc-pin drops" \
	"$(packets "$pin_id"), $(drop ssrc-pin "$pin_id")" "716, 80"
r stream del "$pin_id"

step "IPv6: a second call, A's SRTP to B and B's RTP to A over fd00:1:: and fd00:2::"
# The same attacks again, over IPv6: the attackers forge IPv6 packets
# (forge.py computes their UDP checksum, mandatory in IPv6).
in6=$(json_get "$(r -j stream add unprotect src '[fd00:1::1]' \
	dst '[fd00:2::1]:5100' suite $S key "$KA")" 'd["id"]')
out6=$(json_get "$(r -j stream add protect src '[fd00:2::1]:5102' \
	dst '[fd00:1::1]:4102' suite $S key "$KR")" 'd["id"]')
rx_start nfsrtp-a "$tmp/wire6" --sniff veth-a --bind '[fd00:1::1]' --port 4102 \
	--count 100 --rtcp --suite $S --key "$KR" --other-ssrc --timeout 240 --window $WIN
ip netns exec nfsrtp-b "$RTPWIRE" recv --bind '[fd00:2::1]' --port 5100 --count 100 \
	--timeout 240 --other-ssrc >"$tmp/atob6" 2>&1 &
atob6=$!
wait_for 20 grep -q listening "$tmp/atob6"
b6_send() {
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst '[fd00:1::1]:4102' --src-port 5102 \
		--count "$2" --offset "$1" --rtcp >/dev/null
}
a6_send() {
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst '[fd00:2::1]:5100' --src-port 4100 \
		--count "$2" --offset "$1" --suite $S --key "$KA" >/dev/null
}
v6_started=$SECONDS
b6_send 0 50
a6_send 0 50
wait_for 30 packets_are "$out6" 55
wait_for 30 packets_are "$in6" 50
report "control: packets protected, unprotected" "$(packets "$out6"), $(packets "$in6")" \
	"55, 50"

step "IPv6: a flood of spoofed SSRCs on both legs"
# right after B's packets: B's SSRC is not idle, the flood gets 7 slots
xb --src '[fd00:2::1]:5102' --dst '[fd00:1::1]:4102' --ssrc 0x5000-0x5027 --seq 1 >/dev/null
xa --src '[fd00:1::1]:4100' --dst '[fd00:2::1]:5100' --ssrc 0x6000-0x6027 --seq 1 \
	--tag 10 >/dev/null
wait_for 30 drop_is ssrc-limit "$out6" 33
wait_for 30 drop_is auth "$in6" 40
report "protect: ssrc-limit drops" "$(drop ssrc-limit "$out6")" 33
report "protect: B's 55 packets and 7 of other SSRCs protected" "$(packets "$out6")" 62
report "unprotect: auth drops" "$(drop auth "$in6")" 40

step "IPv6: RTP from other sources toward A's SRTP port"
xb --src '[fd00:2::66]:5102' --dst '[fd00:1::1]:4102' --ssrc $SSRC --seq 1100,1101,1102 \
	>/dev/null
xb --src '[fd00:2::1]:6000' --dst '[fd00:1::1]:4102' --ssrc $SSRC --seq 1103,1104 >/dev/null
wait_for 30 drop_is source "$out6" 5
report "source drops (not encrypted, not forwarded)" "$(drop source "$out6")" 5
report "packets protected" "$(packets "$out6")" 62

step "IPv6: mutated packets into both streams (the matrix's rows marked quick)"
# B's sequence numbers again among them: 3 tx-replay in the protect
# stream (1049 sent, 921 left of the window, 0).
matrix unprotect nfsrtp-xa '[fd00:1::1]:4100' '[fd00:2::1]:5100' 1050 "$in6" --quick
matrix protect nfsrtp-xb '[fd00:2::1]:5102' '[fd00:1::1]:4102' 1050 "$out6" --quick

step "IPv6: fragments from outside: XB's fragmented RTP toward A's media port"
ip netns exec nfsrtp-xb "$RTPWIRE" send --dst '[fd00:1::1]:4102' --src-port 5102 \
	--count 5 --payload 1600 >/dev/null 2>&1 || true
wait_for 30 drop_is source "$out6" 10
report "source drops" "$(drop source "$out6")" 10
report "reassembly on R" "[$(json_get "$(r -j stats)" '",".join(d["defrag"])')]" "[]"

step "IPv6: the rest of the call"
b6_send 50 50
a6_send 50 50
rx_wait "$tmp/wire6"
wait "$atob6" || fail "B's receiver: $(tail -n 1 "$tmp/atob6")"
echo "    A's wire: $(tail -n 1 "$tmp/wire6")"
echo "    B's socket: $(tail -n 1 "$tmp/atob6")"
expect_match '^received rtp 100/100 rtcp 10/10 bad 0 unprotect-failed 0 other 7 ' \
	"$(tail -n 1 "$tmp/wire6")"
expect_match '^received rtp 100/100 rtcp 0/0 bad 0 unprotect-failed 0 other 1' \
	"$(tail -n 1 "$tmp/atob6")"
r -s stream show "$in6"
r -s stream show "$out6"
echo "    (the IPv6 steps took $((SECONDS - v6_started)) s)"

step "an unprivileged user fills the module from a namespace of its own"
# Any local user may own a network namespace (in a user namespace of its
# own): the namespace's stream limit bounds it, and what its streams cost
# is charged to its memory cgroup.
echo 64 >/sys/module/nf_srtp/parameters/max_streams
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
mkdir /sys/fs/cgroup/nfsrtp-user
chmod 755 "$tmp"
for i in $(seq 1 65); do
	echo "stream add unprotect dst 10.0.1.1:$((10000 + 2 * i)) suite $S key $KA"
done >"$tmp/fill"
{
	echo 'mem() { cat /sys/fs/cgroup/nfsrtp-user/memory.current; }'
	echo 'before=$(mem)'
	echo "\"$SRTPCTL\" -b $tmp/fill 2>&1 >/dev/null"
	echo "echo \"streams \$(\"$SRTPCTL\" -j stats | grep -o '\"streams\":[0-9]*' | cut -d: -f2)\""
	echo 'echo "charged $(($(mem) - before))"'
} >"$tmp/user.sh"
chmod 644 "$tmp/fill" "$tmp/user.sh"
out=$(bash -c "echo \$\$ >/sys/fs/cgroup/nfsrtp-user/cgroup.procs &&
	exec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	unshare --user --map-root-user --net bash $tmp/user.sh") || true
echo "$out" | sed 's/^/    /'
expect_match 'as many streams as it may \(max_streams\)' "$out"
expect_match 'fill:65: command failed' "$out"
report "streams in the user's namespace" "$(grep -o '^streams [0-9]*' <<<"$out")" \
	"streams 64"
charged=$(grep -o '^charged -*[0-9]*' <<<"$out" | cut -d' ' -f2)
# each stream holds at least its 4 KiB crypto context
[ "${charged:-0}" -ge $((64 * 4096)) ] ||
	fail "only ${charged:-no} bytes charged to the user's cgroup"
echo "    charged to the user's cgroup: $charged bytes (at least 64 x 4 KiB)"
echo 131072 >/sys/module/nf_srtp/parameters/max_streams
echo "PASS $TEST"
