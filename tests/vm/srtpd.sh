#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# srtpd: two phones, one srtpd each in namespaces A and B, complete an
# offer/answer through their control sockets (the test plays the SIP
# component: it carries the SDP from one srtpd to the other).  Each side's
# application sends plain RTP and RTCP; on the wire it is SRTP, which
# libsrtp2 (rtpwire --sniff, reading the interface before netfilter)
# decrypts with the keys of the SDP; it arrives plain at the other side.
# The bulletin's Scenario One (IPv4), Three (IPv6, UNAUTHENTICATED_SRTP to
# an IP 601) and a call refused with 488.  Then a key lifetime of 1024
# packets makes A re-key mid-flow (REKEY event, re-offer carried to B):
# no packet lost, without MKI (B finds the new key by trying it) and with
# MKI.  Deleted calls leave no stream; srtpd stops cleanly on SIGTERM.
. "$(dirname "$0")/lib.bash"
SRTPD=$NFSRTP_TOP/build/bin/srtpd
S=AES_CM_128_HMAC_SHA1_80
SCALE=${NFSRTP_SCALE:-1}
tmp=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; topo_cleanup' EXIT
topo_pair
# receivers ask for 4 MiB socket buffers: let them have it
sysctl -qw net.core.rmem_max=$((4 << 20))

# The phones' sip.cfg files.
cat >"$tmp/one.cfg" <<'EOF'
<!-- Scenario One: mixed SRTP and plain endpoints -->
<sip><sec sec.srtp.enable="1" sec.srtp.leg.enable="1" sec.srtp.offer="1"
          sec.srtp.leg.allowLocalConf="0"/></sip>
EOF
cat >"$tmp/require.cfg" <<'EOF'
<sip><sec sec.srtp.enable="1" sec.srtp.require="1"/></sip>
EOF
cat >"$tmp/three.cfg" <<'EOF'
<!-- Scenario Three: the IP 601 encrypts but does not authenticate -->
<sip><sec sec.srtp.enable="1" sec.srtp.leg.enable="1" sec.srtp.offer="1"
          sec.srtp.sessionParams.noAuth.offer="1"
          sec.srtp.sessionParams.leg.noAuth.offer="1"
          sec.srtp.sessionParams.leg.noAuth.require="1"
          sec.srtp.sessionParams.IP_4000.noAuth.offer="1"/></sip>
EOF
cat >"$tmp/plain.cfg" <<'EOF'
<sip><sec sec.srtp.enable="1"/></sip>
EOF
# layered over one.cfg for the re-key
cat >"$tmp/lifetime.cfg" <<'EOF'
<sip><sec sec.srtp.key.lifetime="1024"/></sip>
EOF
cat >"$tmp/mki.cfg" <<'EOF'
<sip><sec sec.srtp.mki.enabled="1"/></sip>
EOF

# phone_start P NS SRTPD-ARGS...: srtpd of phone P (a or b) in NS, with
# its control socket $tmp/P.sock; waits until it answers.
phone_start() {
	local p=$1 ns=$2
	shift 2
	rm -f "$tmp/$p.sock"
	ip netns exec "$ns" "$SRTPD" "$@" --socket "$tmp/$p.sock" \
		>"$tmp/$p.log" 2>&1 &
	eval "PID_$p=$!"
	PIDS+=($!)
	wait_for 20 test -S "$tmp/$p.sock"
	call "$p" ping || fail "srtpd $p does not answer: $(cat "$tmp/$p.log")"
}

# phone_stop P: SIGTERM; srtpd exits 0, with no call left to clean up and
# no complaint in its log.
phone_stop() {
	local p=$1 pid rc=0
	pid=$(eval echo "\$PID_$p")
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || fail "srtpd $p exited $rc: $(cat "$tmp/$p.log")"
	expect_match 'stopping: removing the streams of 0 call' "$(cat "$tmp/$p.log")"
	# nothing went wrong on the way (a lost reply or event, a kernel error)
	! grep -Ei 'warning|lost|not delivered|cannot|refused|error' "$tmp/$p.log" ||
		fail "srtpd $p complained"
	[ ! -e "$tmp/$p.sock" ] || fail "srtpd $p left its socket"
}

# call P ARGS...: srtpctl call ARGS on phone P's socket.
call() {
	local p=$1
	shift
	"$SRTPCTL" call "$@" socket "$tmp/$p.sock"
}

# streams: the kernel streams of both phones, one line each (one python
# run: it is slow under TCG), from srtpctl -j stream show:
#   P: OP SRC>DST SUITE flags=F keys=PACKETS[*: active],... packets=N drops={...}
streams() {
	local ja jb
	ja=$("$SRTPCTL" -n nfsrtp-a -j stream show)
	jb=$("$SRTPCTL" -n nfsrtp-b -j stream show)
	json_get "{\"a\":$ja,\"b\":$jb}" '"\n".join("%s: %s %s>%s %s flags=%s keys=%s packets=%d drops=%s" % (p, s["op"], s["src"], s["dst"], s["suite"], ",".join(s["flags"]), ",".join("%d%s" % (k["packets"], "*" if k["active"] else "") for k in s["keys"]), s["packets"], json.dumps(s["drops"], separators=(",", ":"))) for p in "ab" for s in sorted(d[p], key=lambda s: s["op"]))'
}

# expect_streams LINE...: the streams of both phones are exactly these.
expect_streams() {
	local got want
	got=$(streams)
	want=$(printf '%s\n' "$@")
	[ "$got" = "$want" ] || fail "streams:
$got
expected:
$want"
}

# host MEDIA: the address of ADDR:PORT or [ADDR]:PORT
host() {
	local h=${1%:*}
	h=${h#[}
	echo "${h%]}"
}

# negotiate ID A-MEDIA B-MEDIA: A offers, B answers, A completes (each
# told where the other's SDP came from); the SDP in $tmp/ID.offer and
# $tmp/ID.answer, srtpctl's "secure:" lines in $tmp/ID.secure (B's,
# then A's).
negotiate() {
	local id=$1
	call a offer "$id" media "$2" >"$tmp/$id.offer" 2>/dev/null ||
		fail "$id: A's offer failed"
	call b answer "$id" media "$3" from "$(host "$2")" <"$tmp/$id.offer" \
		>"$tmp/$id.answer" 2>"$tmp/$id.secure" || fail "$id: B's answer failed"
	call a complete "$id" from "$(host "$3")" <"$tmp/$id.answer" \
		2>>"$tmp/$id.secure" || fail "$id: A's completion failed"
}


# ---------------------------------------------------------------------

step "Scenario One: A offers SRTP and RTP, B requires SRTP (IPv4)"
cp "$tmp/one.cfg" "$tmp/a-live.cfg"
phone_start a nfsrtp-a --config "$tmp/a-live.cfg"
phone_start b nfsrtp-b --config "$tmp/require.cfg"
negotiate c1 10.0.1.1:4000 10.0.1.2:5000
sdp=$(tr -d '\r' <"$tmp/c1.offer")
expect_match '^m=audio 4000 RTP/SAVP 0 8 18 101$' "$(grep '^m=' <<<"$sdp" | head -n 1)"
expect_match '^m=audio 4000 RTP/AVP 0 8 18 101$' "$(grep '^m=' <<<"$sdp" | tail -n 1)"
expect_match "^a=crypto:1 $S inline:[A-Za-z0-9+/]{40}\$" "$sdp"
sdp=$(tr -d '\r' <"$tmp/c1.answer")
expect_match '^m=audio 5000 RTP/SAVP ' "$sdp"
expect_match "^a=crypto:1 $S inline:[A-Za-z0-9+/]{40}\$" "$sdp"
expect_match '^m=audio 0 RTP/AVP' "$sdp"
[ "$(cat "$tmp/c1.secure")" = "secure: yes
secure: yes" ] || fail "c1 not secure: $(cat "$tmp/c1.secure")"
expect_match '^c1 active streams=2 secure=yes$' "$(call a list)"
expect_match '^c1 active streams=2 secure=yes$' "$(call b list)"
wire_flow "A->B" nfsrtp-a nfsrtp-b veth-b 10.0.1.1 4000 10.0.1.2 5000 \
	"$(sdp_crypto "$tmp/c1.offer" "$(sdp_tag "$tmp/c1.answer")")" 100
wire_flow "B->A" nfsrtp-b nfsrtp-a veth-a 10.0.1.2 5000 10.0.1.1 4000 \
	"$(sdp_crypto "$tmp/c1.answer")" 100
wire_flows_run
expect_streams \
	"a: protect 10.0.1.1:4000>10.0.1.2:5000 $S flags= keys=110* packets=110 drops={}" \
	"a: unprotect 10.0.1.2>10.0.1.1:4000 $S flags= keys=110* packets=110 drops={}" \
	"b: protect 10.0.1.2:5000>10.0.1.1:4000 $S flags= keys=110* packets=110 drops={}" \
	"b: unprotect 10.0.1.1>10.0.1.2:5000 $S flags= keys=110* packets=110 drops={}"

step "SIGHUP: A reloads a configuration that offers no SRTP; the established call stays"
cp "$tmp/plain.cfg" "$tmp/a-live.cfg"
kill -HUP "$PID_a"
wait_for 20 grep -q 'reloaded 1 configuration file(s); model IP_650: SRTP on, offer off' "$tmp/a.log"
expect_match '^c1 active streams=2 secure=yes$' "$(call a list)"
wire_flow "A->B after SIGHUP" nfsrtp-a nfsrtp-b veth-b 10.0.1.1 4000 10.0.1.2 5000 \
	"$(sdp_crypto "$tmp/c1.offer" "$(sdp_tag "$tmp/c1.answer")")" 20 --seq 3000
wire_flows_run
# a new call follows the new policy: plain RTP only
call a offer c1b media 10.0.1.1:4010 >"$tmp/c1b.offer" 2>/dev/null
sdp=$(tr -d '\r' <"$tmp/c1b.offer")
expect_match '^m=audio 4010 RTP/AVP ' "$sdp"
! grep -q 'SAVP\|a=crypto' <<<"$sdp" || fail "SRTP offered after the reload"
call a delete c1b
call a delete c1
call b delete c1
expect_streams
[ -z "$(call a list)$(call b list)" ] || fail "calls left after delete"
phone_stop a
phone_stop b

step "Scenario Three: A offers UNAUTHENTICATED_SRTP, B is an IP 601 that requires it (IPv6)"
phone_start a nfsrtp-a --config "$tmp/three.cfg"
phone_start b nfsrtp-b --config "$tmp/three.cfg" --model IP_601
negotiate c2 '[fd00:1::1]:4100' '[fd00:1::2]:5100'
expect_match "^a=crypto:1 $S inline:[^ ]+ UNAUTHENTICATED_SRTP\$" "$(tr -d '\r' <"$tmp/c2.offer")"
expect_match "^a=crypto:1 $S inline:[^ ]+ UNAUTHENTICATED_SRTP\$" "$(tr -d '\r' <"$tmp/c2.answer")"
# no authentication: not the padlock
[ "$(cat "$tmp/c2.secure")" = "secure: no
secure: no" ] || fail "c2: $(cat "$tmp/c2.secure")"
expect_match '^c2 active streams=2 secure=no$' "$(call b list)"
wire_flow "A->B" nfsrtp-a nfsrtp-b veth-b '[fd00:1::1]' 4100 '[fd00:1::2]' 5100 \
	"$(sdp_crypto "$tmp/c2.offer")" 50
wire_flow "B->A" nfsrtp-b nfsrtp-a veth-a '[fd00:1::2]' 5100 '[fd00:1::1]' 4100 \
	"$(sdp_crypto "$tmp/c2.answer")" 50
wire_flows_run
expect_streams \
	"a: protect [fd00:1::1]:4100>[fd00:1::2]:5100 $S flags=no-auth keys=55* packets=55 drops={}" \
	"a: unprotect [fd00:1::2]>[fd00:1::1]:4100 $S flags=no-auth keys=55* packets=55 drops={}" \
	"b: protect [fd00:1::2]:5100>[fd00:1::1]:4100 $S flags=no-auth keys=55* packets=55 drops={}" \
	"b: unprotect [fd00:1::1]>[fd00:1::2]:5100 $S flags=no-auth keys=55* packets=55 drops={}"
call a delete c2
call b delete c2
phone_stop a
phone_stop b

step "488: A offers plain RTP only, B requires SRTP; nothing is installed"
phone_start a nfsrtp-a --config "$tmp/plain.cfg"
phone_start b nfsrtp-b --config "$tmp/require.cfg"
call a offer c3 media 10.0.1.1:4200 >"$tmp/c3.offer" 2>/dev/null
expect_match '^m=audio 4200 RTP/AVP ' "$(tr -d '\r' <"$tmp/c3.offer")"
rc=0
call b answer c3 media 10.0.1.2:5200 from 10.0.1.1 <"$tmp/c3.offer" \
	>"$tmp/c3.answer" 2>"$tmp/c3.err" || rc=$?
[ "$rc" = 3 ] || fail "488 expected (exit 3), got exit $rc: $(cat "$tmp/c3.err")"
expect_match '488 .*sec\.srtp\.require=1' "$(tr '\n' ' ' <"$tmp/c3.err")"
[ ! -s "$tmp/c3.answer" ] || fail "an answer SDP with the 488"
[ -z "$(call b list)" ] || fail "B kept the refused call"
expect_match '^c3 offered streams=0 ' "$(call a list)"
expect_streams
call a delete c3

step "403: an offer whose media would aim B's kernel at a third address or a privileged port"
# A's SRTP offer of c1, which B accepted, made hostile three ways
sed 's/^c=IN IP4 10.0.1.1/c=IN IP4 192.0.2.53/' "$tmp/c1.offer" >"$tmp/c4.offer"
sed 's/^m=audio 4000 /m=audio 53 /' "$tmp/c1.offer" >"$tmp/c5.offer"
# refused ID FROM REASON: B's answer to $tmp/ID.offer, told it came from
# FROM ("" for no Received-From), is a 403 giving REASON
refused() {
	local rc=0
	call b answer "$1" media 10.0.1.2:5300 ${2:+from "$2"} <"$tmp/$1.offer" \
		>"$tmp/$1.answer" 2>"$tmp/$1.err" || rc=$?
	[ "$rc" = 5 ] || fail "$1: 403 expected (exit 5), got exit $rc: $(cat "$tmp/$1.err")"
	expect_match "403 Forbidden.*$3" "$(tr '\n' ' ' <"$tmp/$1.err")"
	[ ! -s "$tmp/$1.answer" ] || fail "$1: an answer SDP with the 403"
}
refused c4 10.0.1.1 "the peer's media address 192.0.2.53 is neither the address the SDP came from \(10.0.1.1\)"
refused c5 10.0.1.1 "the peer's media port 53 \(RTCP 54\) is outside the media port range 1024-65535"
cp "$tmp/c1.offer" "$tmp/c6.offer"
refused c6 "" "media address 10.0.1.1 is neither the address the SDP came from \(no received-from\)"
[ -z "$(call b list)" ] || fail "B kept a refused call: $(call b list)"
expect_streams
expect_match 'call c4: 403: the peer' "$(cat "$tmp/b.log")"
phone_stop a
phone_stop b

# rekey NAME A-SRTPD-ARGS...: A's key lives 1024 packets.  A flow A->B
# crosses the soft limit (512 packets of A's key): A's srtpd re-offers (a
# REKEY event); the test carries the re-offer to B and B's answer back,
# and A's kernel moves to the new key mid-flow.  Every packet arrives
# plain at B.  Then a short flow is checked on the wire with the new key.
rekey() {
	local name=$1 id=c4 k0 k1 kp rx tx watch mon out bu
	shift
	step "re-key mid-flow, $name"
	phone_start a nfsrtp-a "$@"
	phone_start b nfsrtp-b --config "$tmp/require.cfg"
	call a watch count 1 timeout $((60 * SCALE)) >"$tmp/events" 2>&1 &
	watch=$!
	wait_for 20 grep -q '^subscribed$' "$tmp/events"
	"$SRTPCTL" -n nfsrtp-b -j monitor >"$tmp/mon-b" 2>&1 &
	mon=$!
	PIDS+=("$mon")
	wait_for 20 grep -q '"monitoring"' "$tmp/mon-b"
	negotiate $id 10.0.1.1:4000 10.0.1.2:5000
	k0=$(sdp_crypto "$tmp/$id.offer")
	read -r _ kp _ <<<"$k0"
	expect_match '\|1024(\||$)' "$kp"
	bu=$("$SRTPCTL" -n nfsrtp-b stream show |
		sed -n 's/^stream \([0-9]*\) unprotect .*/\1/p')

	# 900 RTP + 90 RTCP: the old key cannot run out (990 < 1024) and the
	# new one stays under its own soft limit (no second re-key).  One
	# flow, sent in two parts: quickly up to the soft limit (460 RTP +
	# 46 RTCP = 506 packets), then paced, 10 ms a packet, so that the
	# re-key has at least 4.8 s to land mid-flow (times NFSRTP_SCALE, as
	# the watch's and the receiver's timeouts: on the debug kernel the
	# watch's 60 s were over before the key reached its soft limit).
	rx_start nfsrtp-b "$tmp/plain" --bind 10.0.1.2 --port 5000 --count 900 \
		--rtcp --timeout $((60 * SCALE))
	rx=$RX_PID
	{
		ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5000 \
			--src-port 4000 --count 460 --rtcp &&
		ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5000 \
			--src-port 4000 --count 440 --offset 460 --rtcp \
			--interval-us $((10000 * SCALE))
	} >"$tmp/send" &
	tx=$!
	wait_for 60 grep -q '^EVENT REKEY$' "$tmp/events"
	# the re-offer: the SDP after the event's blank line
	awk 'sdp && NF; /^EVENT REKEY/ { ev = 1 } ev && !NF { sdp = 1 }' \
		"$tmp/events" >"$tmp/$id.reoffer"
	call b answer $id media 10.0.1.2:5000 from 10.0.1.1 <"$tmp/$id.reoffer" \
		>"$tmp/$id.reanswer" 2>/dev/null || fail "B refused the re-offer"
	call a complete $id from 10.0.1.2 <"$tmp/$id.reanswer" 2>/dev/null ||
		fail "A refused the answer to its re-offer"
	kill -0 "$tx" 2>/dev/null ||
		fail "the flow ended before the re-key completed (guest too slow?)"
	wait "$watch" || fail "watch: $(cat "$tmp/events")"
	expect_match "^Call-ID: $id\$" "$(cat "$tmp/events")"
	wait "$tx" || fail "sender failed"
	wait "$rx" || fail "$name: plain arrival at B: $(tail -n 1 "$tmp/plain")
$(streams)"
	echo "$name: at B's socket: $(tail -n 1 "$tmp/plain")"
	k1=$(sdp_crypto "$tmp/$id.reoffer")
	[ "${k1#* }" != "${k0#* }" ] || fail "the re-offer kept the old key"
	# B answered the re-offer with the key it had
	[ "$(sdp_crypto "$tmp/$id.reanswer")" = "$(sdp_crypto "$tmp/$id.answer")" ] ||
		fail "B changed its key on a re-offer"

	# the new key on the wire, with libsrtp2: a second flow (seq 5000)
	wire_flow "$name, new key:" nfsrtp-a nfsrtp-b veth-b 10.0.1.1 4000 \
		10.0.1.2 5000 "$k1" 50 --seq 5000
	wire_flows_run

	# 990 + 55 packets; A's protect and B's unprotect moved at the same
	# packet: the same count on the new key.  A's old key was freed when
	# the new one became active (the module reaps keys older than the
	# active one); B's stays until a key is added after it.
	out=$(streams)
	echo "$out"
	expect_match "^a: protect 10\.0\.1\.1:4000>10\.0\.1\.2:5000 $S flags= keys=[1-9][0-9]*\* packets=1045 drops=\{\}\$" "$out"
	expect_match "^b: unprotect 10\.0\.1\.1>10\.0\.1\.2:5000 $S flags= keys=[1-9][0-9]*,[1-9][0-9]*\* packets=1045 drops=\{\}\$" "$out"
	[ "$(sed -n 's/^a: protect .* keys=\([0-9]*\)\*.*/\1/p' <<<"$out")" = \
	  "$(sed -n 's/^b: unprotect .* keys=[0-9]*,\([0-9]*\)\*.*/\1/p' <<<"$out")" ] ||
		fail "A's and B's packets on the new key differ"
	[ "$(grep -c 'drops={}$' <<<"$out")" = 4 ] || fail "drops"
	if [[ $kp != *:4 ]]; then
		# no MKI: B found A's new key by trying it, and moved to it
		expect_match '^b: unprotect .* keys=[0-9]+,[0-9]+\* ' "$out"
		wait_for 20 grep -qF "{\"event\":\"key-switch\",\"stream\":$bu,\"key\":1}" \
			"$tmp/mon-b"
	fi
	call a delete $id
	call b delete $id
	expect_streams
	kill "$mon"
	wait "$mon" 2>/dev/null || true
	phone_stop a
	phone_stop b
}

rekey "MKI" --config "$tmp/one.cfg" --config "$tmp/lifetime.cfg" \
	--config "$tmp/mki.cfg"
rekey "no MKI" --config "$tmp/one.cfg" --config "$tmp/lifetime.cfg"

step "re-key when the soft limit's event was lost: srtpd stopped, its events socket overrun"
# A's srtpd is stopped (SIGSTOP) while 5000 streams are added to and
# removed from A's namespace six times (60 000 events, far more than its
# socket's 4 MiB hold) and then A's flow crosses its key's soft limit:
# that event is
# dropped with the others.  Resumed, srtpd reads the overrun (ENOBUFS),
# looks its calls' streams up in the kernel, finds the key past half its
# lifetime, and re-offers (REKEY) all the same.
# The call moves no packet until the fill is done, which took over the
# default idle timeout (300 s) on the debug kernel: B's srtpd then
# deleted the idle call and B had no streams.  Idling is not this
# step's subject, so neither phone times the call out.
phone_start a nfsrtp-a --config "$tmp/one.cfg" --config "$tmp/lifetime.cfg" \
	--idle-timeout 86400
phone_start b nfsrtp-b --config "$tmp/require.cfg" --idle-timeout 86400
negotiate c5 10.0.1.1:4000 10.0.1.2:5000
call a watch count 1 timeout $((400 * SCALE)) >"$tmp/events" 2>&1 &
watch=$!
wait_for 20 grep -q '^subscribed$' "$tmp/events"
kill -STOP "$PID_a"
key=$(head -c 30 /dev/urandom | base64)
for i in $(seq 0 4999); do
	echo "stream add protect src 10.0.9.1:$((10000 + 2 * i)) dst 10.0.9.2:$((10000 + 2 * i)) suite $S key inline:$key"
done >"$tmp/fill"
for round in 1 2 3 4 5 6; do
	"$SRTPCTL" -n nfsrtp-a -b "$tmp/fill" >"$tmp/fill.ids" ||
		fail "adding 5000 streams failed"
	[ "$(wc -l <"$tmp/fill.ids")" = 5000 ] ||
		fail "$(wc -l <"$tmp/fill.ids") stream ids, not 5000"
	sed "s/^stream /stream del /" "$tmp/fill.ids" >"$tmp/unfill"
	"$SRTPCTL" -n nfsrtp-a -b "$tmp/unfill" || fail "removing them failed"
done
# 480 RTP + 48 RTCP = 528 packets: past the soft limit (512 of 1024)
rx_start nfsrtp-b "$tmp/plain" --bind 10.0.1.2 --port 5000 --count 480 --rtcp
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5000 --src-port 4000 \
	--count 480 --rtcp >/dev/null
# (once, on the debug kernel, all of them reached B's socket as SRTP:
# which streams the kernels had then tells why)
wait "$RX_PID" || fail "receiver: $(tail -n 2 "$tmp/plain")
$(streams)
$("$SRTPCTL" -n nfsrtp-a stream show)
$("$SRTPCTL" -n nfsrtp-b stream show)"
! grep -q '^EVENT REKEY$' "$tmp/events" || fail "a re-offer from a stopped srtpd"
kill -CONT "$PID_a"
wait "$watch" || fail "no re-offer after the overrun: $(cat "$tmp/events")
$(tail -n 5 "$tmp/a.log")"
expect_match '^EVENT REKEY$' "$(cat "$tmp/events")"
expect_match 'kernel events overran the socket: 2 streams of 1 calls looked up again' "$(cat "$tmp/a.log")"
expect_match 'call c5: key reached half its lifetime, re-offering' "$(cat "$tmp/a.log")"
call a delete c5
call b delete c5
expect_streams
phone_stop a
phone_stop b

echo "PASS $TEST"
