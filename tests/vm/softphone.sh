#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# softphone: a real softphone through the documented router.  baresip
# (Debian's baresip-core) is phone A, an SRTP phone (mediaenc srtp-mand:
# RTP/SAVP, a=crypto), and the plain-RTP gateway G (no media
# encryption); Kamailio with tests/e2e/kamailio.cfg and srtpd over ng in
# R, as deployment.md has them (tests/e2e/topo.bash).  Both send a
# 440 Hz tone, PCMU in 20 ms packets, as phones do: from the moment
# they have the other's answer or ACK, not when a test says so.
#
#   A calls G.  G answers at once and starts sending; A hangs up when
#   R has carried at least $MEDIA packets each way.
#
# tcpdump on R's side of A's link and of G's link, from before the
# INVITE until G has ended the call.  On A's link every media packet
# (both directions, RTP and RTCP) must decrypt under the keys of the
# SDPs on that link (srtpctl pcap decrypt: a packet in clear is
# refused), so the gateway's first packets after its answer and its
# last ones around the BYE never reached A in clear.  On G's link the
# media is plain RTP both ways, and no SIP message carries a key.
. "$(dirname "$0")/lib.bash"
# shellcheck source=tests/e2e/topo.bash
. "$NFSRTP_TOP/tests/e2e/topo.bash"
MEDIA=${SOFTPHONE_MEDIA:-150}	# packets each way before A hangs up

e2e_exit_trap

r() { "$SRTPCTL" -n nfsrtp-r "$@"; }

# phone NAME NS IP MEDIAENC: a baresip in NS on IP:5060 (media ports
# 20000-20099), sending $E2E_DIR/tone.wav, its outbound proxy R, calls
# answered at once, driven over ctrl_tcp on 127.0.0.1:4444 in NS.
# MEDIAENC: srtp-mand, or - for plain RTP.
phone() {
	local name=$1 ns=$2 ip=$3 enc=$4 dir=$E2E_DIR/$1 params=
	mkdir -p "$dir"
	[ "$enc" = - ] || params=";mediaenc=$enc"
	cat >"$dir/config" <<-EOF
	poll_method		epoll
	sip_listen		$ip:5060
	audio_source		aufile,$E2E_DIR/tone.wav
	rtp_ports		20000-20099
	module_path		/usr/lib/baresip/modules
	module			g711.so
	module			aufile.so
	module			srtp.so
	module_app		account.so
	module_app		menu.so
	module_app		ctrl_tcp.so
	ctrl_tcp_listen		127.0.0.1:4444
	EOF
	printf '<sip:%s@%s>;regint=0;answermode=auto;audio_codecs=PCMU;outbound="sip:%s;lr"%s\n' \
		"$name" "$ip" "${ip%.2}.1" "$params" >"$dir/accounts"
	: >"$dir/contacts"
	e2e_start "$name" "$ns" baresip -f "$dir"
	wait_for 30 e2e_up "$name" "$ns" "$ip:5060"
	wait_for 30 phone_ctrl_up "$name" "$ns"
}

phone_ctrl_up() {
	e2e_alive "$1"
	ip netns exec "$2" ss -Hltn "src 127.0.0.1:4444" | grep -q .
}

# phone_cmd NS COMMAND [PARAMS]: one ctrl_tcp command (a netstring of
# JSON; the menu module's commands); fails unless baresip answers it
# with "ok": true
phone_cmd() {
	local json reply
	json=$(printf '{"command":"%s","params":"%s","token":"t"}' "$2" "${3:-}")
	reply=$(ip netns exec "$1" timeout 10 bash -c '
		exec 3<>/dev/tcp/127.0.0.1/4444 || exit 1
		printf "%d:%s," "${#1}" "$1" >&3
		# events come on the same connection: read up to the response
		while IFS= read -r -d : -t 9 len <&3 &&
			IFS= read -r -N "$((len + 1))" -t 9 msg <&3; do
			[[ $msg != *"\"response\":true"* ]] || { printf "%s\n" "$msg"; exit 0; }
		done
		exit 1' - "$json") || fail "baresip in $1: no reply to $2"
	[[ $reply == *'"ok":true'* ]] || fail "baresip in $1: $2: $reply"
}

# logged NAME REGEX: NAME's output has a line matching REGEX
logged() { grep -Eq -- "$2" "$E2E_DIR/$1.out"; }

# media_each_way N: R's two kernel streams of the call carried N packets
# each (the protect stream toward A, the unprotect stream from A)
media_each_way() {
	json_get "$(r -j stream show)" \
		"sum(1 for s in d if s['op'] in ('protect', 'unprotect') and s['packets'] >= $1) >= 2" |
		grep -qx True
}

no_calls() { [ "$(json_get "$(e2e_ng command=list)" 'd["calls"]')" = "[]" ]; }

# udp_payloads NAME FILTER: the UDP payload lengths of the packets of
# NAME.pcap that FILTER selects, one "COUNT LENGTH" line each
udp_payloads() {
	tcpdump -r "$E2E_DIR/$1.pcap" -n "$2" 2>/dev/null |
		awk '{ print $NF }' | sort | uniq -c
}

python3 -c '
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1)
w.setsampwidth(2)
w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
                       for i in range(8000 * 30)))' "$E2E_DIR/tone.wav"

e2e_topo
e2e_srtpd_start
e2e_kamailio_start
step "baresip: A (SRTP, srtp-mand) and the gateway G (plain RTP)"
phone a nfsrtp-a 10.0.1.2 srtp-mand
phone g nfsrtp-g 10.0.3.2 -
e2e_capture_start capa nfsrtp-r veth-ra
e2e_capture_start capg nfsrtp-r veth-rg

step "A calls G; G answers at once and sends"
phone_cmd nfsrtp-a dial sip:g@10.0.3.2
wait_for 60 logged a 'Call established'
wait_for 60 logged g 'Call established'
wait_for 60 media_each_way "$MEDIA"
echo "    R's streams once $MEDIA packets passed each way:"
r stream show | sed 's/^/      /'

step "A hangs up"
phone_cmd nfsrtp-a hangup
wait_for 60 logged a 'terminated'
wait_for 60 logged g 'terminated'
wait_for 30 no_calls
e2e_capture_stop capa
e2e_capture_stop capg

step "A's link: media toward A SRTP under R's key; from A, A's"
# sdp_keys FILTER: the AES_CM_128_HMAC_SHA1_80 keys of the SIP messages
# on A's link that FILTER selects (no /dev/fd in the guest: no process
# substitution)
sdp_keys() {
	tcpdump -r "$E2E_DIR/capa.pcap" -n -A "udp port 5060 and $1" 2>/dev/null |
		grep -o 'a=crypto:[0-9]* AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/=]*' |
		sed 's/.* //' | sort -u
}
ka=$(sdp_keys 'src host 10.0.1.2')
kr=$(sdp_keys 'dst host 10.0.1.2')
{ [[ $ka == inline:* && $ka != *$'\n'* ]] && [[ $kr == inline:* && $kr != *$'\n'* ]]; } ||
	fail "A's link: not one key each way: A's $(e2e_short "$ka"), R's $(e2e_short "$kr")"
echo "    A's key $(e2e_short "$ka"), R's key $(e2e_short "$kr")"
e2e_capture_decrypt capa 'dst host 10.0.1.2 and not port 5060' "$kr"
rtp=$(sed -E 's/^[0-9]+ packets: ([0-9]+) RTP.*/\1/' <<<"$E2E_DECRYPTED")
[ "$rtp" -ge "$MEDIA" ] || fail "A's link: only $rtp RTP packets toward A"
# From A: its SRTP under its key.  baresip 1.0 also sends two RTCP
# packets of its own in clear, one before its SRTP starts and its RTCP
# BYE after the call; R's unprotect stream drops what it gets of them.
# Those, and no RTP, may be refused here.
from_a=$("$SRTPCTL" pcap decrypt "$E2E_DIR/capa.pcap" "$E2E_DIR/capa-a.pcap" \
	suite "$E2E_SUITE" key "$ka" filter 'src host 10.0.1.2 and not port 5060' \
	2>"$E2E_DIR/capa-a.refused") || fail "srtpctl pcap: $(cat "$E2E_DIR/capa-a.refused")"
echo "    capture capa, from A: $from_a"
! grep -v 'RTCP refused' "$E2E_DIR/capa-a.refused" ||
	fail "A's link: RTP from A refused under A's key"
rtp=$(sed -E 's/^[0-9]+ packets: ([0-9]+) RTP.*/\1/' <<<"$from_a")
[ "$rtp" -ge "$MEDIA" ] || fail "A's link: only $rtp RTP packets from A"

step "G's link: plain RTP both ways, no key in its SIP"
echo "    UDP payload lengths from G: $(udp_payloads capg 'src host 10.0.3.2 and not port 5060' | paste -sd, -)"
echo "    UDP payload lengths to G: $(udp_payloads capg 'dst host 10.0.3.2 and not port 5060' | paste -sd, -)"
for dir in src dst; do
	# PCMU, 20 ms: 12 + 160 bytes; SRTP would add a 10-byte tag
	n=$(udp_payloads capg "$dir host 10.0.3.2 and udp portrange 20000-20099" |
		awk '$2 == 172 { print $1 }')
	[ "${n:-0}" -ge "$MEDIA" ] || fail "G's link ($dir G): ${n:-0} plain RTP packets"
done
# A's SRTP (182 bytes) toward G only once R's stream from A is gone,
# i.e. after the last of A's packets R decrypted for G (172 bytes): the
# proxy has srtpd delete the call at A's BYE, and A's last packets then
# cross as they are (still encrypted; G's leg is plain, no stream guards
# it, nothing of the call is in clear).
last_plain=$(tcpdump -tt -r "$E2E_DIR/capg.pcap" -n \
	'src host 10.0.1.2 and udp portrange 20000-20099 and udp[4:2] = 180' 2>/dev/null |
	tail -n 1 | awk '{ print $1 }')
[ -n "$last_plain" ] || fail "G's link: no plain RTP from A"
early=$(tcpdump -tt -r "$E2E_DIR/capg.pcap" -n \
	'src host 10.0.1.2 and udp portrange 20000-20099 and udp[4:2] = 190' 2>/dev/null |
	awk -v t="$last_plain" '$1 < t')
[ -z "$early" ] || fail "G's link: A's SRTP while R decrypted A's media: $early"
echo "    A's SRTP packets on G's link while R decrypted A's media: none; after: $(tcpdump -r "$E2E_DIR/capg.pcap" -n \
	'src host 10.0.1.2 and udp portrange 20000-20099 and udp[4:2] = 190' 2>/dev/null | wc -l)"
! tcpdump -r "$E2E_DIR/capg.pcap" -n -A 'udp port 5060' 2>/dev/null | grep -q 'a=crypto\|inline:' ||
	fail "a key reached the gateway's link"
! grep -qF -e "${ka#inline:}" -e "${kr#inline:}" "$E2E_DIR/srtpd.out" ||
	fail "a key in srtpd's log"
echo "    no key on G's link or in srtpd's log"
