#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Anchored media, the datapath: A - R - B with no route between A and B,
# so that media crosses only when R relays it.  Each phone sends to R's
# own address and port on its side; srtpd's nftables table (daemon/natmap.c,
# driven by natmapctl as srtpd drives it) relays with Linux's NAT, and
# nf_srtp's streams match R's own addresses: unprotect before the DNAT
# (R's port as destination), protect after the SNAT (R's port as source).
# conntrack's reply direction carries B's media back to where A's came
# from.  The protect stream toward A matches R's port alone (an open
# destination), and the unprotect stream from A latches: when A's NAT
# gives it a new port, R follows on the first packet that authenticates
# (a forged one moves nothing), and B's media goes to the new port.
# Then: a stranger's packets to R's port are not relayed, a relay gone
# stops its flow at once although conntrack remembers it, and a deletion
# takes the flows' conntrack entries with it.
. "$(dirname "$0")/lib.bash"
NATMAPCTL=$NFSRTP_TOP/build/bin/natmapctl
tmp=$(mktemp -d)
cleanup() {
	[ ! -s "$tmp/nm.out" ] || sed 's/^/natmapctl: /' "$tmp/nm.out" >&2
	[ -z "${NM_PID:-}" ] || kill "$NM_PID" 2>/dev/null || :
	topo_cleanup
}
trap cleanup EXIT
topo_line
# no route between the phones: only R's relay carries media
ip -n nfsrtp-a -b - <<-EOF
route del default
route del ::/0
EOF
ip -n nfsrtp-b -b - <<-EOF
route del default
route del ::/0
EOF

KA='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
KB='inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'
S=AES_CM_128_HMAC_SHA1_80
r() { "$SRTPCTL" -n nfsrtp-r "$@"; }

step "natmapctl creates srtpd's table in R"
mkfifo "$tmp/nm.in"
ip netns exec nfsrtp-r "$NATMAPCTL" --ports 30000-30099 \
	--interface a/10.0.1.254 --interface a/fd00:1::fe \
	--interface b/10.0.2.254 --interface b/fd00:2::fe \
	<"$tmp/nm.in" >"$tmp/nm.out" 2>&1 &
NM_PID=$!
exec {NM_FD}>"$tmp/nm.in"
wait_for 20 file_count "$tmp/nm.out" '^ready$'

# nm LINE: one command to natmapctl; its answer must be "ok"
nm_replies=1
nm() {
	echo "$*" >&"$NM_FD"
	nm_replies=$((nm_replies + 1))
	wait_for 20 nm_answered
	[ "$(tail -n 1 "$tmp/nm.out")" = ok ] || fail "natmapctl: $(tail -n 1 "$tmp/nm.out")"
}
nm_answered() {
	local n
	n=$(wc -l <"$tmp/nm.out")
	[ "$n" -ge "$nm_replies" ]
}

# unprotect_has EXPR VALUE: EXPR of the unprotect stream u (srtpctl -j)
# prints VALUE
unprotect_has() {
	local out
	out=$(r -j stream show)
	[ "$(json_get "$out" \
		"[($1) for u in d if u['op'] == 'unprotect'][0]")" = "$2" ]
}

strangers_reach() { [ "$(nfsrtp_counter strangers)" -ge "$1" ]; }

# unrelayed: packets to R's media ports without a relay (not tracked)
unrelayed() { nfsrtp_counter unrelayed; }

# ct_flows: R's conntrack entries of the relayed flows, RTP and RTCP
# (A's, whose reply comes from B's ports to R's on B's side)
ct_flows() {
	ip netns exec nfsrtp-r grep -cE 'sport=500[01] dport=3000[23] ' \
		/proc/net/nf_conntrack || :
}

ruleset=$(ip netns exec nfsrtp-r nft list table inet nfsrtp | tr -s "\n\t " "   ")
expect_match 'elements = \{ 10\.0\.1\.254 \. 30000-30099, 10\.0\.2\.254 \. 30000-30099 \}' "$ruleset"
expect_match 'dnat ip to ip saddr \. ip daddr \. udp dport map @dnat4' "$ruleset"

# noports: UDP datagrams R received for a port nobody holds ($fam's)
noports() {
	if [ "$fam" = 4 ]; then
		ip netns exec nfsrtp-r awk '/^Udp: [0-9]/ { print $3 }' /proc/net/snmp
	else
		ip netns exec nfsrtp-r awk '$1 == "Udp6NoPorts" { print $2 }' /proc/net/snmp6
	fi
}
noports_reach() {
	[ "$(noports)" -ge "$1" ]
}

for fam in 4 6; do
	if [ $fam = 4 ]; then a=10.0.1.1 ra=10.0.1.254 b=10.0.2.1 rb=10.0.2.254
		ba=$a bra=$ra bb=$b brb=$rb
	else a=fd00:1::1 ra=fd00:1::fe b=fd00:2::1 rb=fd00:2::fe
		ba="[$a]" bra="[$ra]" bb="[$b]" brb="[$rb]"; fi
	# RTP and RTCP of both directions, in one transaction
	relays="$a $bra:30000 $bb:5000 $brb:30002 $a $bra:30001 $bb:5001 $brb:30003
		$b $brb:30002 $ba:4000 $bra:30000 $b $brb:30003 $ba:4001 $bra:30001"

	step "IPv$fam: A's SRTP to R's port arrives at B as plain RTP"
	nm add $relays
	r stream add unprotect src "$ba" dst "$bra:30000" suite $S key "$KA" \
		latch peer "$ba:4000" rtcp-peer "$ba:4001" >/dev/null
	r stream add protect src "$bra:30000" dst any suite $S key "$KB" >/dev/null
	rx_start nfsrtp-b "$tmp/rx" --bind "$bb" --port 5000 --count 300 --rtcp
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst "$bra:30000" --src-port 4000 \
		--count 300 --rtcp --suite $S --key "$KA" >/dev/null
	rx_wait "$tmp/rx"

	step "IPv$fam: B's RTP to R's port on its side arrives at A as SRTP libsrtp2 decrypts"
	rx_start nfsrtp-a "$tmp/rx" --bind "$ba" --port 4000 --count 300 --rtcp \
		--suite $S --key "$KB"
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst "$brb:30002" --src-port 5000 \
		--count 300 --rtcp >/dev/null
	rx_wait "$tmp/rx"
	out=$(r -j stream show)
	[ "$(json_get "$out" 'sorted(s["packets"] for s in d)')" = "[330, 330]" ] ||
		fail "packet counts: $out"
	[ "$(json_get "$out" 'sum(len(s["drops"]) for s in d)')" = 0 ] || fail "drops: $out"

	step "IPv$fam: a stranger's packets to R's port are not relayed"
	# B (not A) sends to A's side of the relay: no relay has B as its
	# sender there, so they reach R itself, where the table's input
	# chain counts all 55 as strangers and drops them
	ip -n nfsrtp-b route add "$ra" via "$rb"
	before=$(nfsrtp_counter strangers)
	noports0=$(noports)
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst "$bra:30000" --src-port 4000 \
		--count 50 --rtcp --suite $S --key "$KA" >/dev/null
	wait_for 20 strangers_reach $((before + 55))
	[ "$(nfsrtp_counter strangers)" = $((before + 55)) ] ||
		fail "strangers: $before -> $(nfsrtp_counter strangers)"
	[ "$(noports)" = "$noports0" ] || fail "NoPorts: $noports0 -> $(noports)"
	ip -n nfsrtp-b route del "$ra" via "$rb"

	step "IPv$fam: a relay gone stops its flow at once, whatever conntrack remembers"
	# live's elements alone go, as if natmap.c had left the flow's
	# conntrack entry: B's packets are not tracked, so not relayed; they
	# land on R (NoPorts) and are counted as unrelayed
	ip netns exec nfsrtp-r nft delete element inet nfsrtp live$fam "{ $rb . 30002, $rb . 30003 }"
	noports0=$(noports)
	before=$(unrelayed)
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst "$brb:30002" --src-port 5000 \
		--count 50 --rtcp >/dev/null
	wait_for 20 noports_reach $((noports0 + 55))
	[ "$(noports)" = $((noports0 + 55)) ] || fail "NoPorts: $noports0 -> $(noports)"
	[ "$(unrelayed)" = $((before + 55)) ] || fail "unrelayed: $before -> $(unrelayed)"
	out=$(r -j stream show)
	[ "$(json_get "$out" 'sorted(s["packets"] for s in d)')" = "[330, 330]" ] ||
		fail "a packet of the relay gone crossed: $out"
	ip netns exec nfsrtp-r nft add element inet nfsrtp live$fam "{ $rb . 30002, $rb . 30003 }"

	step "IPv$fam: a forged packet from A's address and a new port moves nothing"
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst "$bra:30000" --src-port 4200 \
		--count 5 --offset 300 --suite $S --key "$KB" >/dev/null
	wait_for 20 unprotect_has 'u["drops"].get("auth", 0)' 5
	unprotect_has 'u["latches"], u["peer"], u["rtcp_peer"]' \
		"(0, '$ba:4000', '$ba:4001')" ||
		fail "a forged packet moved the peer: $(r -j stream show)"

	step "IPv$fam: A's NAT maps it to a new port: R latches, B's media follows"
	ip netns exec nfsrtp-r "$SRTPCTL" -j monitor count 2 timeout 30 >"$tmp/ev" &
	mon=$!
	wait_for 20 file_count "$tmp/ev" monitoring
	rx_start nfsrtp-b "$tmp/rx" --bind "$bb" --port 5000 --count 50 --offset 300 --rtcp
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst "$bra:30000" --src-port 4100 \
		--count 50 --offset 300 --rtcp --suite $S --key "$KA" >/dev/null
	rx_wait "$tmp/rx"
	wait "$mon" || fail "no latch events: $(cat "$tmp/ev")"
	grep '"event":"latch"' "$tmp/ev" | grep -qF "\"rtcp_peer\":\"$ba:4101\"" ||
		fail "latch events: $(cat "$tmp/ev")"
	unprotect_has 'u["latches"], u["peer"], u["rtcp_peer"]' \
		"(2, '$ba:4100', '$ba:4101')" ||
		fail "latch: $(r -j stream show)"
	rx_start nfsrtp-a "$tmp/rx" --bind "$ba" --port 4100 --count 50 --offset 300 \
		--rtcp --suite $S --key "$KB"
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst "$brb:30002" --src-port 5000 \
		--count 50 --offset 300 --rtcp >/dev/null
	rx_wait "$tmp/rx"
	if ip netns exec nfsrtp-r grep -qE 'sport=400[01] ' /proc/net/nf_conntrack; then
		fail "the old mapping's flows are left: $(ip netns exec nfsrtp-r cat /proc/net/nf_conntrack)"
	fi

	step "IPv$fam: srtpctl turns latching off and on; a replace keeps it"
	uid=$(json_get "$(r -j stream show)" '[s["id"] for s in d if s["op"] == "unprotect"][0]')
	r stream set "$uid" no-latch
	# off: the last peer stays, shown; nothing else changes
	unprotect_has '"latch" in u["flags"], u["latches"], u["peer"], u["rtcp_peer"]' \
		"(False, 2, '$ba:4100', '$ba:4101')" || fail "no-latch: $(r -j stream show)"
	r stream set "$uid" latch
	unprotect_has '"latch" in u["flags"]' True || fail "latch: $(r -j stream show)"
	expect_match 'with keys needs "replace"' "$(r stream set "$uid" no-latch key "$KA" 2>&1)"
	r stream set "$uid" replace key "$KA"
	unprotect_has '"latch" in u["flags"], u["peer"]' "(True, '$ba:4100')" ||
		fail "replace dropped latching: $(r -j stream show)"

	step "IPv$fam: natmapctl deletes the relays and their conntrack entries"
	[ "$(ct_flows)" = 2 ] || fail "conntrack: $(ip netns exec nfsrtp-r cat /proc/net/nf_conntrack)"
	nm del $relays
	[ "$(ct_flows)" = 0 ] || fail "conntrack: $(ip netns exec nfsrtp-r cat /proc/net/nf_conntrack)"
	r stream flush
done

step "the table goes with natmapctl"
exec {NM_FD}>&-
wait "$NM_PID" || fail "natmapctl exited with $?"
NM_PID=
if ip netns exec nfsrtp-r nft list table inet nfsrtp >/dev/null 2>&1; then
	fail "table inet nfsrtp left behind"
fi
echo "PASS $TEST"
