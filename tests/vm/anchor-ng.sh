#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# srtpd anchoring ng's calls (--interface): phone A on 192.168.1.0/24
# behind a masquerading NAT box N, router R, gateway B on 10.0.2.0/24.
# R has no route to A's network and B none beyond its own link, so media
# crosses only through R's relays.  The offer and the answer go as
# Kamailio's rtpengine_manage("replace-origin replace-session-connection
# ICE=remove RTP/AVP") sends them; every SDP R returns names only R's
# addresses; A's SRTP reaches B as RTP and B's RTP reaches A as SRTP
# (libsrtp2, keys from the SDP A received), through A's NAT, with zero
# loss; then a call with SRTP on both legs, each under its own keys.  An
# SRTP phone behind a NAT that changes ports is latched onto after its
# first packet that authenticates, B's packets before it dying at the
# NAT.  (e2e-nat.sh places such calls through Kamailio and SIPp: IPv6
# toward B, a mapping changed mid-call, forged and stray packets.)
# Then: after the delete nothing crosses (the relays, their
# conntrack entries and the ports are gone), the port range running out
# is a clear ng error that holds nothing, every port is released, and the
# table goes with srtpd.
. "$(dirname "$0")/lib.bash"
SRTPD=$NFSRTP_TOP/build/bin/srtpd
S=AES_CM_128_HMAC_SHA1_80
KA='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
KB='inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'
tmp=$(mktemp -d)
RPID=
cleanup() {
	[ -z "$RPID" ] || kill -9 "$RPID" 2>/dev/null || :
	ip netns del nfsrtp-n 2>/dev/null || :
	topo_cleanup
}
trap cleanup EXIT

step "A behind N's NAT, R, B; no route but through R's relays"
ip -b - <<-EOF
netns add nfsrtp-a
netns add nfsrtp-n
netns add nfsrtp-r
netns add nfsrtp-b
link add veth-a netns nfsrtp-a type veth peer name veth-na netns nfsrtp-n
link add veth-nr netns nfsrtp-n type veth peer name veth-ra netns nfsrtp-r
link add veth-b netns nfsrtp-b type veth peer name veth-rb netns nfsrtp-r
EOF
topo_host nfsrtp-a veth-a 192.168.1.2/24 fd00:a::2/64 192.168.1.1
topo_host nfsrtp-b veth-b 10.0.2.1/24 fd00:2::1/64
ip -n nfsrtp-n -b - <<-EOF
link set lo up
addr add 192.168.1.1/24 dev veth-na
addr add 10.0.1.1/24 dev veth-nr
link set veth-na up
link set veth-nr up
route add default via 10.0.1.254
EOF
ip -n nfsrtp-r -b - <<-EOF
link set lo up
addr add 10.0.1.254/24 dev veth-ra
addr add 10.0.2.254/24 dev veth-rb
addr add fd00:2::fe/64 dev veth-rb nodad
link set veth-ra up
link set veth-rb up
EOF
ip netns exec nfsrtp-n sysctl -qw net.ipv4.ip_forward=1
ip netns exec nfsrtp-r sysctl -qw net.ipv4.ip_forward=1
# A's port 4030 leaves N as 61030 (a NAT that changes ports); the
# others keep theirs
ip netns exec nfsrtp-n nft -f - <<-EOF
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "veth-nr" udp sport 4030 masquerade to :61030
		oifname "veth-nr" masquerade
	}
}
EOF

cat >"$tmp/r.cfg" <<'EOF'
<sip><sec sec.srtp.enable="1" sec.srtp.offer="1"/></sip>
EOF
pyserve_start r nfsrtp-r
ng() { pyserve r run "$NFSRTP_TOP/tests/tools/ngc.py" "$@"; }
r() { "$SRTPCTL" -n nfsrtp-r "$@"; }

# addrs FILE: the IPv4 addresses an SDP names, sorted, on one line
addrs() { grep -oE '[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+' "$1" | sort -u | tr '\n' ' '; }
# port_of FILE: the port of its first m-line
port_of() { tr -d '\r' <"$1" | awk '$1 ~ /^m=/ { print $2; exit }'; }
# held: UDP sockets bound in R's media range (srtpd's, holding ports)
held() { ip netns exec nfsrtp-r ss -Huan 'sport >= :30000 and sport <= :30009' | wc -l; }
# noports: UDP datagrams R received for a port no socket holds
noports() { ip netns exec nfsrtp-r awk '/^Udp: [0-9]/ { print $3 }' /proc/net/snmp; }
noports_reach() { [ "$(noports)" -ge "$1" ]; }

# offer ID FILE: A's offer as Kamailio's rtpengine_manage() sends it
offer() {
	ng command=offer call-id="$1" from-tag=fa sdp=@"$tmp/a.offer" \
		'received-from:=["IP4","10.0.1.1"]' transport-protocol=RTP/AVP \
		'replace:=["origin","session-connection"]' ICE=remove
}

step "srtpd in R with two media interfaces and five port pairs each"
# lan first: the callee's leg, not known before its answer, is "default"
ip netns exec nfsrtp-r "$SRTPD" --config "$tmp/r.cfg" --socket "$tmp/r.sock" \
	--ng 127.0.0.1:2223 --state "$tmp/ng.state" \
	--interface lan/10.0.1.254 --interface default/10.0.2.254 \
	--interface default/fd00:2::fe \
	--port-min 30000 --port-max 30009 >>"$tmp/r.log" 2>&1 &
RPID=$!
wait_for 20 test -S "$tmp/r.sock"
expect_match '"result": "pong"' "$(ng command=ping)"
expect_match 'anchoring ng.s calls: 3 media interface\(s\), ports 30000-30009 \(5 pairs each\)' \
	"$(cat "$tmp/r.log")"
ruleset=$(ip netns exec nfsrtp-r nft list table inet nfsrtp | tr -s "\n\t " "   ")
expect_match 'elements = \{ 10\.0\.1\.254 \. 30000-30009, 10\.0\.2\.254 \. 30000-30009 \}' "$ruleset"

step "the offer: B sees R's address on its side, and nothing of A's"
printf 'v=0\r\no=phone 1 1 IN IP4 192.168.1.2\r\ns=-\r\nc=IN IP4 192.168.1.2\r\nt=0 0\r\n%b%b%b' \
	'm=audio 4000 RTP/SAVP 0\r\n' "a=crypto:1 $S $KA\r\n" \
	'a=candidate:1 1 UDP 2130706431 192.168.1.2 4000 typ host\r\n' >"$tmp/a.offer"
out=$(offer call-1)
[ "$(result "$out")" = ok ] || fail "offer: $out"
sdp_of "$out" "$tmp/b.offer"
[ "$(addrs "$tmp/b.offer")" = "10.0.2.254 " ] || fail "offer to B: $(cat "$tmp/b.offer")"
! grep -q 'a=candidate\|a=crypto' "$tmp/b.offer" || fail "offer to B: $(cat "$tmp/b.offer")"
PB=$(port_of "$tmp/b.offer")
grep -q "^a=rtcp:$((PB + 1)) IN IP4 10.0.2.254" "$tmp/b.offer" || fail "offer to B: $(cat "$tmp/b.offer")"
[ "$(held)" = 4 ] || fail "ports held after the offer: $(held)"
[ "$(r -j stream show)" = "[]" ] || fail "streams before the answer: $(r -j stream show)"

step "B's early media before its answer stays in R"
# a gateway sends as soon as it answers, before its answer reaches
# srtpd: the port's socket drops it (counted in UDP InErrors, and
# nothing is queued), and the flow must not stay R's own once the
# relay comes
inerrors() { ip netns exec nfsrtp-r awk '/^Udp: [0-9]/ { print $4 }' /proc/net/snmp; }
inerrors_reach() { [ "$(inerrors)" -ge "$1" ]; }
before=$(inerrors)
ip netns exec nfsrtp-b "$RTPWIRE" send --dst "10.0.2.254:$PB" --src-port 5000 \
	--count 20 >/dev/null
wait_for 20 inerrors_reach $((before + 20))
queued=$(ip netns exec nfsrtp-r ss -Huan "src 10.0.2.254:$PB" | awk '{ print $2 }')
[ "$queued" = 0 ] || fail "srtpd's socket queued $queued bytes"

step "the answer: A sees R's address on its side, SRTP under R's key"
printf 'v=0\r\no=gw 7 7 IN IP4 10.0.2.1\r\ns=-\r\nc=IN IP4 10.0.2.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n' \
	>"$tmp/b.answer"
out=$(ng command=answer call-id=call-1 from-tag=fa to-tag=tb sdp=@"$tmp/b.answer" \
	'received-from:=["IP4","10.0.2.1"]' 'replace:=["origin","session-connection"]' ICE=remove)
[ "$(result "$out")" = ok ] || fail "answer: $out"
sdp_of "$out" "$tmp/a.answer"
[ "$(addrs "$tmp/a.answer")" = "10.0.1.254 " ] || fail "answer to A: $(cat "$tmp/a.answer")"
PA=$(port_of "$tmp/a.answer")
KRA=$(key_of "$tmp/a.answer")
[ -n "$KRA" ] || fail "no key toward A: $(cat "$tmp/a.answer")"
grep -q '^m=audio [0-9]* RTP/SAVP 0' "$tmp/a.answer" || fail "answer to A: $(cat "$tmp/a.answer")"

step "A's SRTP, through its NAT, reaches B as RTP"
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.2.1 --port 5000 --count 200 --rtcp
ip netns exec nfsrtp-a "$RTPWIRE" send --dst "10.0.1.254:$PA" --src-port 4000 \
	--count 200 --rtcp --suite $S --key "$KA" >/dev/null
rx_wait "$tmp/rx"
echo "    $(tail -n 1 "$tmp/rx")"

step "B's RTP reaches A, through its NAT, as SRTP libsrtp2 decrypts"
rx_start nfsrtp-a "$tmp/rx" --bind 192.168.1.2 --port 4000 --count 200 --rtcp \
	--suite $S --key "$KRA"
ip netns exec nfsrtp-b "$RTPWIRE" send --dst "10.0.2.254:$PB" --src-port 5000 \
	--count 200 --rtcp >/dev/null
rx_wait "$tmp/rx"
echo "    $(tail -n 1 "$tmp/rx")"
out=$(ng command=query call-id=call-1)
[ "$(json_get "$out" '(d["totals"]["RTP"]["packets"], d["totals"]["RTCP"]["packets"])')" = "(400, 40)" ] ||
	fail "query: $out"
[ "$(json_get "$out" 'd["totals"]["RTP"]["errors"] + d["totals"]["RTCP"]["errors"]')" = 0 ] ||
	fail "query: $out"
# where the media goes: the phone's SRTP from its NAT's address to lan's
# port, on from the gateway side's port to the gateway
json_checks "$out" \
	'd["anchor"]["caller"]["interface"]=lan' \
	'd["anchor"]["callee"]["interface"]=default' \
	'len(d["anchor"]["relays"])=4' \
	"[r[\"out\"] for r in d[\"anchor\"][\"relays\"] if r[\"local\"] == \"10.0.1.254:$PA\"]=['10.0.2.254:$PB']" \
	"[r[\"from\"] for r in d[\"anchor\"][\"relays\"] if r[\"local\"] == \"10.0.1.254:$PA\"]=['10.0.1.1']"

# srtp_call ID A-PORT B-ADDR B-PORT [OFFER-ARG...]: A (from A-PORT
# through its NAT) calls B (at B-ADDR, B-PORT) with SRTP on both legs,
# each under its own keys (B's: KB), then 200 RTP and 20 RTCP each way,
# checked by libsrtp2 at both ends with the keys of the SDP each saw.
# The router's ports and keys are left in RA, RB, KRA, KRB.
srtp_call() {
	local id=$1 pa=$2 b=$3 pb=$4 fam=IP4 rbaddr=10.0.2.254
	shift 4
	case "$b" in *:*) fam=IP6 rbaddr='[fd00:2::fe]' ;; esac
	sed "s/ 4000 / $pa /" "$tmp/a.offer" >"$tmp/$id.a.offer"
	out=$(ng command=offer call-id="$id" from-tag=fa sdp=@"$tmp/$id.a.offer" \
		'received-from:=["IP4","10.0.1.1"]' transport-protocol=RTP/SAVP \
		'replace:=["origin","session-connection"]' ICE=remove "$@")
	[ "$(result "$out")" = ok ] || fail "offer: $out"
	sdp_of "$out" "$tmp/$id.b.offer"
	RB=$(port_of "$tmp/$id.b.offer")
	KRB=$(key_of "$tmp/$id.b.offer")
	[ -n "$KRB" ] && [ "$KRB" != "$KA" ] ||
		fail "no key of R's own toward B: $(cat "$tmp/$id.b.offer")"
	printf 'v=0\r\no=gw 8 8 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n%b%b' \
		"$fam" "$b" "$fam" "$b" "m=audio $pb RTP/SAVP 0\r\n" \
		"a=crypto:1 $S $KB\r\n" >"$tmp/$id.b.answer"
	out=$(ng command=answer call-id="$id" from-tag=fa to-tag=tb sdp=@"$tmp/$id.b.answer" \
		"received-from:=[\"$fam\",\"$b\"]" ICE=remove \
		'replace:=["origin","session-connection"]')
	[ "$(result "$out")" = ok ] || fail "answer: $out"
	sdp_of "$out" "$tmp/$id.a.answer"
	[ "$(addrs "$tmp/$id.a.answer")" = "10.0.1.254 " ] ||
		fail "answer to A: $(cat "$tmp/$id.a.answer")"
	RA=$(port_of "$tmp/$id.a.answer")
	KRA=$(key_of "$tmp/$id.a.answer")
	[ "$KRA" != "$KB" ] && [ "$KRA" != "$KRB" ] || fail "keys shared between legs"
	rx_start nfsrtp-b "$tmp/rx" --bind "$(bracket "$b")" --port "$pb" --count 200 \
		--rtcp --suite $S --key "$KRB"
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst "10.0.1.254:$RA" --src-port "$pa" \
		--count 200 --rtcp --suite $S --key "$KA" >/dev/null
	rx_wait "$tmp/rx"
	echo "    A -> B: $(tail -n 1 "$tmp/rx")"
	rx_start nfsrtp-a "$tmp/rx" --bind 192.168.1.2 --port "$pa" --count 200 \
		--rtcp --suite $S --key "$KRA"
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst "$rbaddr:$RB" --src-port "$pb" \
		--count 200 --rtcp --suite $S --key "$KB" >/dev/null
	rx_wait "$tmp/rx"
	echo "    B -> A: $(tail -n 1 "$tmp/rx")"
}

step "SRTP on both legs, each with its own keys, through the same NAT"
# the second call's ports: the pool hands out the next pairs
srtp_call call-2 4010 10.0.2.1 5010
[ "$(addrs "$tmp/call-2.b.offer")" = "10.0.2.254 " ] || fail "offer to B: $(cat "$tmp/call-2.b.offer")"
[ "$RA" != "$PA" ] && [ "$RB" != "$PB" ] || fail "call-2 shares call-1's ports"
[ "$(result "$(ng command=delete call-id=call-2 from-tag=fa)")" = ok ] || fail "delete call-2"

step "an SRTP phone behind a NAT that changes its port: R latches onto it"
# A's SDP says 4030; its media comes from N's 10.0.1.1:61030.  B's
# packets before A's first go to the SDP's port as SRTP (R's protect
# stream matches its own port, whatever the destination) and die at N;
# A's first authenticated packet moves the unprotect stream's peer to
# 61030, and the conntrack entry B's packets made for 4030 goes with the
# old peer, so that A's flow takes the relay over and B's media follows
# it back to A
sed 's/ 4000 / 4030 /' "$tmp/a.offer" >"$tmp/a4.offer"
out=$(ng command=offer call-id=call-4 from-tag=fa sdp=@"$tmp/a4.offer" \
	'received-from:=["IP4","10.0.1.1"]' transport-protocol=RTP/AVP)
[ "$(result "$out")" = ok ] || fail "offer: $out"
sdp_of "$out" "$tmp/b4.offer"
RB=$(port_of "$tmp/b4.offer")
sed 's/ 5000 / 5030 /' "$tmp/b.answer" >"$tmp/b4.answer"
out=$(ng command=answer call-id=call-4 from-tag=fa to-tag=tb sdp=@"$tmp/b4.answer" \
	'received-from:=["IP4","10.0.2.1"]')
[ "$(result "$out")" = ok ] || fail "answer: $out"
sdp_of "$out" "$tmp/a4.answer"
RA=$(port_of "$tmp/a4.answer")
KRA=$(key_of "$tmp/a4.answer")
a_udp() { ip netns exec nfsrtp-a awk '/^Udp: [0-9]/ { print $2 + $3 }' /proc/net/snmp; }
# stream_of EXPR: EXPR of call-4's unprotect stream u (its query)
stream_of() {
	json_get "$(ng command=query call-id=call-4)" \
		"[($1) for u in d['streams'] if u['operation'] == 'unprotect'][0]"
}
protected() {
	json_get "$(ng command=query call-id=call-4)" \
		"[u['packets'] for u in d['streams'] if u['operation'] == 'protect'][0]"
}
protected_reach() { [ "$(protected)" -ge "$1" ]; }
# a_to_b A-PORT OFFSET / b_to_a A-PORT OFFSET: 20 RTP packets of the
# flow from OFFSET on, A's SRTP from A-PORT to B as RTP, B's RTP to
# A-PORT as SRTP libsrtp2 checks with the key A received
a_to_b() {
	rx_start nfsrtp-b "$tmp/rx" --bind 10.0.2.1 --port 5030 --count 20 --offset "$2"
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst "10.0.1.254:$RA" --src-port "$1" \
		--count 20 --offset "$2" --suite $S --key "$KA" >/dev/null
	rx_wait "$tmp/rx"
}
b_to_a() {
	rx_start nfsrtp-a "$tmp/rx" --bind 192.168.1.2 --port "$1" --count 20 \
		--offset "$2" --suite $S --key "$KRA"
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst "10.0.2.254:$RB" --src-port 5030 \
		--count 20 --offset "$2" >/dev/null
	rx_wait "$tmp/rx"
}
a_before=$(a_udp)
ip netns exec nfsrtp-b "$RTPWIRE" send --dst "10.0.2.254:$RB" --src-port 5030 \
	--count 10 >/dev/null
wait_for 20 protected_reach 10
[ "$(a_udp)" = "$a_before" ] || fail "A received $(($(a_udp) - a_before)) datagrams"
[ "$(stream_of 'u["peer"], u["latches"]')" = "('10.0.1.1:4030', 0)" ] ||
	fail "before A's media: $(ng command=query call-id=call-4)"
a_to_b 4030 0
echo "    A -> B through the port-changing NAT: $(tail -n 1 "$tmp/rx")"
[ "$(stream_of 'u["peer"], u["latches"]')" = "('10.0.1.1:61030', 1)" ] ||
	fail "latch: $(ng command=query call-id=call-4)"
b_to_a 4030 10
echo "    B -> A through the port-changing NAT: $(tail -n 1 "$tmp/rx")"
# srtpd logs the kernel's event as it reaches it (multicast)
wait_for 20 file_count "$tmp/r.log" "media now comes from 10\.0\.1\.1 port 61030"

[ "$(result "$(ng command=delete call-id=call-4 from-tag=fa)")" = ok ] || fail "delete call-4"

step "after the delete, nothing crosses: relays, conntrack entries and ports gone"
# ct_flows: R's conntrack entries of the call's flows (to R's ports)
ct_flows() {
	ip netns exec nfsrtp-r grep -cE \
		"dst=10\.0\.[12]\.254 sport=[0-9]+ dport=($PA|$((PA + 1))|$PB|$((PB + 1))) " \
		/proc/net/nf_conntrack || :
}
# ct_flows_expect N WHAT: ct_flows is N, read up to five times: a read
# of /proc/net/nf_conntrack can miss an entry while conntrack's garbage
# collector frees others (the ng requests' own flows expire all along)
ct_flows_expect() {
	local i
	for i in 1 2 3 4 5; do
		[ "$(ct_flows)" = "$1" ] && return 0
		nap 0.2
	done
	fail "$2: $(ip netns exec nfsrtp-r cat /proc/net/nf_conntrack)"
}
# call-1's media once more, so that its flows' entries (UDP: 30 s after
# the last packet unless a flow lasted) are there however long the
# steps since took
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.2.1 --port 5000 --count 10 --offset 200 --rtcp
ip netns exec nfsrtp-a "$RTPWIRE" send --dst "10.0.1.254:$PA" --src-port 4000 \
	--count 10 --offset 200 --rtcp --suite $S --key "$KA" >/dev/null
rx_wait "$tmp/rx"
# both directions of RTP and RTCP in two entries, made by A's packets
ct_flows_expect 2 "conntrack"
[ "$(result "$(ng command=delete call-id=call-1 from-tag=fa)")" = ok ] || fail "delete"
# a port given to the next call must not find the old flows' NAT (three
# reads, none may show one: a read that misses an entry proves nothing)
for i in 1 2 3; do
	[ "$(ct_flows)" = 0 ] ||
		fail "conntrack after the delete: $(ip netns exec nfsrtp-r cat /proc/net/nf_conntrack)"
	nap 0.2
done
[ "$(held)" = 0 ] || fail "ports held after the delete: $(held)"
[ "$(r -j stream show)" = "[]" ] || fail "streams after the delete: $(r -j stream show)"
before=$(noports)
ip netns exec nfsrtp-b "$RTPWIRE" send --dst "10.0.2.254:$PB" --src-port 5000 \
	--count 50 --rtcp >/dev/null
# 50 RTP and 5 RTCP, each to R itself (untracked: no relay has the port),
# where no socket has the port now
wait_for 20 noports_reach $((before + 55))
[ "$(noports)" = $((before + 55)) ] || fail "NoPorts: $before -> $(noports)"

step "the port range runs out: a clear error, nothing held for it"
for i in 1 2 3 4 5; do
	[ "$(result "$(offer "full-$i")")" = ok ] || fail "offer full-$i"
done
[ "$(held)" = 20 ] || fail "ports held by five offers: $(held)"
out=$(result "$(offer full-6)")
expect_match '^error: interface lan \(10\.0\.1\.254\): no free RTP/RTCP port pair in 30000-30009 \(srtpd holds 5 of 5' "$out"
[ "$(held)" = 20 ] || fail "ports held after the refused offer: $(held)"
expect_match 'Unknown call-id' "$(result "$(ng command=query call-id=full-6)")"
for i in 1 2 3 4 5; do
	[ "$(result "$(ng command=delete call-id="full-$i" from-tag=fa)")" = ok ] ||
		fail "delete full-$i"
done
[ "$(held)" = 0 ] || fail "ports held after the deletes: $(held)"

step "the table goes with srtpd"
term_ok "$RPID" "$tmp/r.log"
RPID=
if ip netns exec nfsrtp-r nft list table inet nfsrtp >/dev/null 2>&1; then
	fail "table inet nfsrtp left behind"
fi
echo "PASS $TEST"
