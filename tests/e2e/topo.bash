# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: GPL-2.0
#
# The end-to-end topology and its programs, for guest tests (sourced after
# tests/vm/lib.bash, whose fail and wait_for it uses):
#
#   nfsrtp-a  phone A   10.0.1.2/24 veth-a ---- veth-ra 10.0.1.1/24 \
#   nfsrtp-b  phone B   10.0.2.2/24 veth-b ---- veth-rb 10.0.2.1/24  nfsrtp-r
#   nfsrtp-g  gateway G 10.0.3.2/24 veth-g ---- veth-rg 10.0.3.1/24 /  router R
#
# R forwards and runs the SIP proxy (Kamailio, tests/e2e/kamailio.cfg) and
# the media controller (on 127.0.0.1:2223 in R); each phone and the
# gateway has its default route via R.  Every program started here runs
# in the background with its output in $E2E_DIR; e2e_cleanup stops them
# (by PID) and removes the namespaces.
#
#   e2e_topo                       build the namespaces and links
#   e2e_topo_nat                   ... of the anchored router: A behind N's
#                                  NAT, B on IPv6 (below)
#   e2e_nat_remap PORT NEWPORT     N maps A's PORT (and PORT+1) anew
#   e2e_exit_trap                  on exit: logs and R's streams if the
#                                  test failed (e2e_dump), e2e_cleanup
#   e2e_srtpd_start [ARGS...]      srtpd in R with ng on 127.0.0.1:2223 (and
#                                  ARGS) as deployment.md runs it (--user,
#                                  its state in a directory of that user's),
#                                  waits until it answers an ng ping
#   e2e_ng KEY=VALUE...            an ng request to srtpd (tests/tools/ngc.py)
#   e2e_kamailio_start [ARGS...]   start the proxy in R, wait until it listens
#   e2e_kamailio_stop              SIGTERM, wait (bounded) until it is gone
#   e2e_uas NAME NS IP SCENARIO [SIPP-ARGS...]
#                                  a SIPp UAS on IP:5060, waits until it listens
#   e2e_uac NAME NS IP CALLID PROXY SCENARIO [SIPP-ARGS...]
#                                  a SIPp UAC placing call CALLID via PROXY
#   e2e_call_up NAME-UAC NAME-UAS  wait until the UAC has the answer and the
#                                  UAS the ACK
#   e2e_hangup NS IP CALLID        tell the UAC on IP:5060 to send its BYE
#   e2e_refresh NS IP CALLID       ... to re-INVITE with the same SDP once
#   e2e_rekey NS IP CALLID KEY     ... to re-INVITE with key-params KEY
#   e2e_signal NS IP CALLID SUBJECT  an INFO with that Subject to a SIPp
#                                  (gw-uas-wait.xml: answer now;
#                                  phone-uac.xml: hold, resume, update;
#                                  phone-uas.xml: hold, resume)
#   e2e_invite NAME NS IP CALLID PROXY URI UA SDP-FILE
#                                  one INVITE, no dialog: its final status
#   e2e_sipp_wait NAME [SECONDS]   wait (bounded) for a SIPp to exit 0
#   e2e_stop NAME [SECONDS]        SIGTERM a program, its exit status in E2E_RC
#   e2e_flow WHAT FROM-NS TO-NS DST-IP DST-PORT SRC-PORT SEND-KEY RECV-KEY
#                                  RTP+RTCP sent with rtpwire, checked at
#                                  the receiver (libsrtp2 or plain)
#   e2e_sdp_key FILE               the key-params of an SDP's first a=crypto
#   e2e_sdp_show FILE              its c=, m= and a=crypto lines, keys shortened
#   e2e_short TEXT                 TEXT with every inline: key shortened
#   e2e_capture_start NAME NS DEV  tcpdump of DEV's UDP into NAME.pcap
#   e2e_capture_stop NAME          stop it; fails if it dropped a packet
#   e2e_capture_check NAME ADDR PORT
#                                  the media to and from ADDR:PORT (and
#                                  PORT+1) in NAME.pcap; fails on any in clear
#   e2e_capture_decrypt NAME FILTER KEY...
#                                  decrypt what FILTER selects (srtpctl
#                                  pcap); fails on any packet refused
#   e2e_src_drops                  R's packets dropped for their source
#   e2e_deleted ID                 wait until srtpd deleted call ID and R
#                                  keeps at most guards toward A's media port
#   e2e_guarded WHAT WHO NS PORT   WHO (in NS, from PORT) sends RTP and RTCP
#                                  in clear toward A's media ports: R drops
#                                  exactly those for their source
#
# Files of SIPp instance NAME in $E2E_DIR: NAME.sdp (the SDP it received:
# the offer for a UAS, the answer for the UAC), NAME.messages (every SIP
# message sent and received), NAME.errors, NAME.out (its screen).

E2E_TOP=${E2E_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
E2E_SIPP=$E2E_TOP/tests/e2e/sipp
E2E_KAMAILIO_CFG=${E2E_KAMAILIO_CFG:-$E2E_TOP/tests/e2e/kamailio.cfg}
E2E_DIR=${E2E_DIR:-$(mktemp -d /tmp/e2e.XXXXXX)}
E2E_NS=(nfsrtp-a nfsrtp-b nfsrtp-g nfsrtp-r)
declare -gA E2E_PID=()

# e2e_dump: the last lines of every log of the run, and R's streams.
e2e_dump() {
	local f
	echo "=== R's streams"
	"$SRTPCTL" -n nfsrtp-r -s stream show 2>&1 | tail -n 20
	for f in "$E2E_DIR"/*; do
		[ -f "$f" ] || continue
		case "$f" in *.cfg|*.sock|*.pcap|*.wav) continue ;; esac
		echo "=== $(basename "$f")"
		tail -n 40 "$f"
	done
}

# e2e_exit_trap: on exit, e2e_dump if the test failed, then e2e_cleanup;
# the run's directory is removed when the test passed.
e2e_exit_trap() {
	# shellcheck disable=SC2154
	trap 'rc=$?; set +e; [ $rc = 0 ] || e2e_dump >&2; e2e_cleanup
	      [ $rc != 0 ] || rm -rf "$E2E_DIR"; exit $rc' EXIT
}

e2e_topo() {
	local ns h n net
	# one ip per namespace, in batch mode (a program started costs the
	# emulated guest 50 to 100 ms)
	{
		for ns in "${E2E_NS[@]}"; do echo "netns add $ns"; done
		for h in a:1 b:2 g:3; do
			echo "link add veth-${h%:*} netns nfsrtp-${h%:*} type veth peer name veth-r${h%:*} netns nfsrtp-r"
		done
	} | ip -b -
	for h in a:1 b:2 g:3; do
		n=${h%:*} net=${h#*:}
		ip -n "nfsrtp-$n" -b - <<-EOF
		link set lo up
		addr add 10.0.$net.2/24 dev veth-$n
		link set veth-$n up
		route add default via 10.0.$net.1
		EOF
	done
	{
		echo "link set lo up"
		for h in a:1 b:2 g:3; do
			echo "addr add 10.0.${h#*:}.1/24 dev veth-r${h%:*}"
			echo "link set veth-r${h%:*} up"
		done
	} | ip -n nfsrtp-r -b -
	ip netns exec nfsrtp-r sysctl -qw net.ipv4.ip_forward=1
	pyserve_start r nfsrtp-r	# e2e_ng's ngc.py
}

# e2e_topo_nat: the anchored router's topology (tests/e2e/kamailio-nat.cfg):
# phone A at 192.168.1.2 behind NAT box N, which masquerades it as its
# own 10.0.1.2 on R's link; phone B on IPv6 alone (fd00:2::2, R
# fd00:2::1); gateway G as in e2e_topo.  R has no route to A's network,
# and neither G nor B any beyond R, so media crosses only through R's
# anchors.  N keeps the ports it can (masquerade's default): A's SIP
# leaves from 10.0.1.2:5060, its media from 10.0.1.2:20000.
e2e_topo_nat() {
	E2E_NS=(nfsrtp-a nfsrtp-n nfsrtp-b nfsrtp-g nfsrtp-r)
	ip -b - <<-EOF
	netns add nfsrtp-a
	netns add nfsrtp-n
	netns add nfsrtp-b
	netns add nfsrtp-g
	netns add nfsrtp-r
	link add veth-a netns nfsrtp-a type veth peer name veth-na netns nfsrtp-n
	link add veth-n netns nfsrtp-n type veth peer name veth-ra netns nfsrtp-r
	link add veth-b netns nfsrtp-b type veth peer name veth-rb netns nfsrtp-r
	link add veth-g netns nfsrtp-g type veth peer name veth-rg netns nfsrtp-r
	EOF
	topo_host nfsrtp-a veth-a 192.168.1.2/24 "" 192.168.1.1
	ip -n nfsrtp-n -b - <<-EOF
	link set lo up
	addr add 192.168.1.1/24 dev veth-na
	addr add 10.0.1.2/24 dev veth-n
	link set veth-na up
	link set veth-n up
	route add default via 10.0.1.1
	EOF
	topo_host nfsrtp-b veth-b "" fd00:2::2/64 "" fd00:2::1
	topo_host nfsrtp-g veth-g 10.0.3.2/24 "" 10.0.3.1
	ip -n nfsrtp-r -b - <<-EOF
	link set lo up
	addr add 10.0.1.1/24 dev veth-ra
	addr add 10.0.3.1/24 dev veth-rg
	addr add fd00:2::1/64 dev veth-rb nodad
	link set veth-ra up
	link set veth-rb up
	link set veth-rg up
	EOF
	ip netns exec nfsrtp-n sysctl -qw net.ipv4.ip_forward=1
	ip netns exec nfsrtp-r sysctl -qw net.ipv4.ip_forward=1
	ip netns exec nfsrtp-n nft -f - <<-EOF
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "veth-n" masquerade
		}
	}
	EOF
	E2E_KAMAILIO_ADDRS="10.0.1.1 10.0.3.1 [fd00:2::1]"
	pyserve_start r nfsrtp-r	# e2e_ng's ngc.py
}

# e2e_nat_remap PORT NEWPORT: N maps A's PORT and PORT+1 anew, as
# NEWPORT and NEWPORT+1 (a NAT that restarted, or whose mapping timed
# out): a rule for each, and N's conntrack entries of the old mapping
# deleted (which must exist: A sent from there).
e2e_nat_remap() {
	local i
	for i in 0 1; do
		ip netns exec nfsrtp-n nft insert rule ip nat post oifname veth-n \
			udp sport $(($1 + i)) masquerade to :$(($2 + i))
		ip netns exec nfsrtp-n conntrack -D -p udp --orig-port-src $(($1 + i)) \
			>/dev/null 2>&1 || fail "N had no conntrack entry of A's port $(($1 + i))"
	done
}

# e2e_stop NAME [SECONDS]: SIGTERM the program NAME if it still runs, and
# wait for it (SIGKILL after SECONDS, 10 by default); its exit status in
# E2E_RC (137 when it had to be killed, empty when it was not running).
e2e_stop() {
	local name=$1 limit=${2:-10} pid start=$SECONDS
	E2E_RC=
	pid=${E2E_PID[$name]:-}
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null; do
		if [ $((SECONDS - start)) -ge "$limit" ]; then
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		nap 0.1
	done
	E2E_RC=0
	wait "$pid" 2>/dev/null || E2E_RC=$?
	unset "E2E_PID[$name]"
}

e2e_cleanup() {
	local name ns
	for name in "${!E2E_PID[@]}"; do
		e2e_stop "$name" 5
	done
	for ns in "${E2E_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
}

# e2e_listening NS ADDR:PORT: a UDP socket is bound to ADDR:PORT in NS.
e2e_listening() {
	[ -n "$(ss -N "$1" -Hlun "src $2")" ]
}

# e2e_alive NAME: the program NAME still runs (fails the test with the
# end of its output if not).
e2e_alive() {
	local name=$1
	kill -0 "${E2E_PID[$name]}" 2>/dev/null ||
		fail "$name exited early: $(tail -n 20 "$E2E_DIR/$name.out" 2>/dev/null)"
}

# e2e_start NAME NS CMD...: CMD in NS, in the background, output in
# $E2E_DIR/NAME.out; its PID in E2E_PID[NAME].
e2e_start() {
	local name=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$@" >"$E2E_DIR/$name.out" 2>&1 </dev/null &
	E2E_PID[$name]=$!
}

# e2e_srtpd_start: the media controller in R: srtpd with ng on
# 127.0.0.1:2223, its configuration $E2E_SRTPD_CFG (SRTP for the current
# phone models and the legacy IP 601) in $E2E_DIR, its log in
# $E2E_DIR/srtpd.out.  It runs as Documentation/deployment.md has
# operators run it: --user, so that once its sockets are open it is
# $E2E_SRTPD_USER with CAP_NET_ADMIN alone, its control socket and state
# file in a directory that user owns ($E2E_DIR/run, deployment.md's
# /run/srtpd), its configuration readable by it (for SIGHUP).  The guest
# has no srtpd user (it runs the host's /etc/passwd): nobody's UID:GID,
# numerically, as tests/vm/harden.sh does.  Returns when it answers an ng
# ping, as that user: start it before Kamailio, whose rtpengine module
# pings its controller at start.  Arguments go to srtpd (--plain-peer,
# --guard-tail, ...); set E2E_SRTPD_CFG for another policy.
E2E_SRTPD_CFG=${E2E_SRTPD_CFG:-'<sip><sec sec.srtp.enable="1" sec.srtp.leg.enable="1" sec.srtp.offer="1"/></sip>'}
E2E_SRTPD_USER=${E2E_SRTPD_USER:-65534:65534}
e2e_srtpd_start() {
	local uid=${E2E_SRTPD_USER%%:*} gid=${E2E_SRTPD_USER#*:}
	# the user reaches $E2E_DIR/run and reads srtpd.cfg, nothing more:
	# mktemp made $E2E_DIR 0700
	chmod 0711 "$E2E_DIR"
	install -d -o "$uid" -g "$gid" -m 0700 "$E2E_DIR/run"
	printf '%s\n' "$E2E_SRTPD_CFG" >"$E2E_DIR/srtpd.cfg"
	chmod 0644 "$E2E_DIR/srtpd.cfg"
	e2e_start srtpd nfsrtp-r "$E2E_TOP/build/bin/srtpd" \
		--config "$E2E_DIR/srtpd.cfg" --ng 127.0.0.1:2223 \
		--socket "$E2E_DIR/run/srtpd.sock" --state "$E2E_DIR/run/ng-state" \
		--user "$E2E_SRTPD_USER" "$@"
	# ss until it listens: ngc.py waits a second before each resend,
	# so a ping sent too early costs a second or more
	wait_for 60 e2e_srtpd_listening
	wait_for 30 e2e_ng_pong
	e2e_srtpd_dropped "$uid" "$gid"
}

# e2e_srtpd_dropped UID GID: srtpd runs as UID:GID, its effective
# capabilities CAP_NET_ADMIN alone (/proc), and said so in its log.
e2e_srtpd_dropped() {
	local st=/proc/${E2E_PID[srtpd]}/status
	grep -q "running as uid $1 gid $2 with CAP_NET_ADMIN only" "$E2E_DIR/srtpd.out" ||
		fail "srtpd did not drop to --user $1:$2: $(cat "$E2E_DIR/srtpd.out")"
	{ [ "$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "$st")" = "$1 $1 $1 $1" ] &&
		[ "$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' "$st")" = "$2 $2 $2 $2" ] &&
		[ "$(awk '$1 == "CapEff:" { print $2 }' "$st")" = 0000000000001000 ]; } ||
		fail "srtpd: $(grep -E '^(Uid|Gid|CapEff):' "$st" | tr -s '\t\n' '  ')"
	echo "    srtpd: uid $1 gid $2, CAP_NET_ADMIN only (--user $E2E_SRTPD_USER; its state in $E2E_DIR/run)"
}

e2e_srtpd_listening() {
	e2e_alive srtpd
	e2e_listening nfsrtp-r 127.0.0.1:2223
}

# e2e_ng KEY=VALUE...: one ng request to srtpd in R; the reply as JSON
# (tests/tools/ngc.py: KEY=@FILE, KEY:=JSON, retransmits like a proxy).
e2e_ng() {
	pyserve r run "$E2E_TOP/tests/tools/ngc.py" "$@"
}

e2e_ng_pong() {
	e2e_alive srtpd
	e2e_ng command=ping 2>/dev/null | grep -q '"result": "pong"'
}

# e2e_kamailio_start: the proxy in R with $E2E_KAMAILIO_CFG
# (tests/e2e/kamailio.cfg unless set before sourcing), in the
# foreground (-DD, it forks only its workers), logging to stderr (-E);
# waits until it listens on its addresses (E2E_KAMAILIO_ADDRS).  Its log:
# $E2E_DIR/kamailio.out.  Arguments go to kamailio (-A 'NG_FLAGS="..."').
# Its transaction timers are Kamailio's defaults times NFSRTP_SCALE (on
# the debug kernel a forked INVITE outlived fr_inv_timer's 120 s, and
# then max_inv_lifetime's 180 s: a 408 while its fork rang).
e2e_kamailio_start() {
	local a scale=${NFSRTP_SCALE:-1}
	e2e_start kamailio nfsrtp-r kamailio -f "$E2E_KAMAILIO_CFG" \
		-DD -E -m 32 -M 4 -A "FR_TIMER=$((30000 * scale))" \
		-A "FR_INV_TIMER=$((120000 * scale))" \
		-A "MAX_INV_LIFETIME=$((180000 * scale))" \
		-A "MAX_NONINV_LIFETIME=$((32000 * scale))" "$@"
	for a in ${E2E_KAMAILIO_ADDRS:-10.0.1.1 10.0.2.1 10.0.3.1}; do
		wait_for 30 e2e_up kamailio nfsrtp-r "$a:5060"
	done
}

# e2e_up NAME NS ADDR:PORT: NAME still runs and listens on ADDR:PORT.
e2e_up() {
	e2e_alive "$1"
	e2e_listening "$2" "$3"
}

e2e_kamailio_stop() {
	e2e_stop kamailio 20
}

# sipp options common to every instance: one call, no keyboard, bounded
# (the whole run, call held included: $E2E_SIPP_TIMEOUT seconds, 240 by
# default, times NFSRTP_SCALE), the
# received SDP to NAME.sdp (the scenarios' <log>), messages and
# errors to files; run in $E2E_DIR (SIPp may write there).  SIPp's
# watchdog, which ends the run after 120 main-loop stalls of 0.5 s (or 10
# of 3 s) within 10 minutes, is kept from ending it: on a slow guest (seen
# on the PREEMPT_RT kernel under TCG on a busy host) the A-B call with its
# holds and UPDATEs tripped it 121 times with every packet delivered, and
# -timeout bounds the run already.
e2e_sipp_args() {
	local name=$1
	# times NFSRTP_SCALE, as every bound of the tests (lib.bash: wait_for)
	echo -m 1 -nostdin -timeout "$((${E2E_SIPP_TIMEOUT:-240} * ${NFSRTP_SCALE:-1}))" -timeout_error \
		-watchdog_minor_maxtriggers 1000000 -watchdog_major_maxtriggers 1000000 \
		-trace_logs -log_file "$E2E_DIR/$name.sdp" \
		-trace_msg -message_file "$E2E_DIR/$name.messages" \
		-trace_err -error_file "$E2E_DIR/$name.errors"
}

# e2e_uas NAME NS IP SCENARIO [SIPP-ARGS...]: a SIPp UAS (SCENARIO.xml of
# tests/e2e/sipp) on IP:5060 in NS; returns when it listens.
e2e_uas() {
	local name=$1 ns=$2 ip=$3 sf=$4
	shift 4
	# shellcheck disable=SC2016,SC2046
	e2e_start "$name" "$ns" sh -c 'cd "$1" && shift && exec "$@"' - "$E2E_DIR" \
		sipp -sf "$E2E_SIPP/$sf.xml" -i "$ip" -p 5060 -bind_local \
		$(e2e_sipp_args "$name") "$@"
	wait_for 30 e2e_up "$name" "$ns" "$(bracket "$ip"):5060"
}

# e2e_uac NAME NS IP CALLID PROXY SCENARIO [SIPP-ARGS...]: a SIPp UAC on
# IP:5060 in NS, placing one call with Call-ID CALLID through the proxy
# at PROXY (ADDR:PORT).
e2e_uac() {
	local name=$1 ns=$2 ip=$3 callid=$4 proxy=$5 sf=$6
	shift 6
	# shellcheck disable=SC2016,SC2046
	e2e_start "$name" "$ns" sh -c 'cd "$1" && shift && exec "$@"' - "$E2E_DIR" \
		sipp -sf "$E2E_SIPP/$sf.xml" -i "$ip" -p 5060 -bind_local \
		-cid_str "$callid" $(e2e_sipp_args "$name") "$@" "$proxy"
}

# e2e_call_up UAC UAS: the UAS has the ACK, so the UAC has written the
# answer SDP (SIPp writes and flushes each <log> at once, before it sends
# the ACK) and now waits for the hang-up signal.
e2e_call_up() {
	local uac=$1 uas=$2
	wait_for 60 e2e_acked "$uac" "$uas"
	[ -s "$E2E_DIR/$uac.sdp" ] || fail "$uac: no answer SDP"
}

e2e_acked() {
	e2e_alive "$1"
	e2e_alive "$2"
	file_count "$E2E_DIR/$2.messages" '^ACK '
}

# e2e_hangup NS IP CALLID: the hang-up signal of phone-uac.xml, an INFO
# of the call's Call-ID to IP:5060, sent once from NS (loopback there).
e2e_hangup() {
	e2e_signal "$1" "$2" "$3" hangup
}

# e2e_refresh NS IP CALLID: phone-uac.xml's refresh signal (an INFO with
# "Subject: refresh"): it re-INVITEs with the same SDP.
e2e_refresh() {
	e2e_signal "$1" "$2" "$3" refresh
}

# e2e_rekey NS IP CALLID KEY: phone-uac.xml's rekey signal ("Subject:
# rekey KEY"): it re-INVITEs with a=crypto:1 ... inline:KEY (KEY: the
# key-params without "inline:", lifetime or MKI included).
e2e_rekey() {
	e2e_signal "$1" "$2" "$3" "rekey $4"
}

# e2e_signal NS IP CALLID SUBJECT: an INFO of call CALLID with that
# Subject to the SIPp on IP:5060, sent once from NS (loopback there).
e2e_signal() {
	ip netns exec "$1" python3 - "$2" "$3" "$4" <<'EOF'
import os, socket, sys
ip, callid, subject = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((ip, 0))
port = s.getsockname()[1]
token = os.urandom(6).hex()
msg = ("INFO sip:%s:5060 SIP/2.0\r\n"
       "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-%s\r\n"
       "From: <sip:test@%s>;tag=%s\r\n"
       "To: <sip:%s>\r\n"
       "Call-ID: %s\r\n"
       "CSeq: 1 INFO\r\n"
       "Subject: %s\r\n"
       "Max-Forwards: 1\r\n"
       "Content-Length: 0\r\n\r\n") % (ip, ip, port, token, ip, token, ip,
                                          callid, subject)
s.sendto(msg.encode(), (ip, 5060))
EOF
}

# e2e_invite NAME NS IP CALLID PROXY URI UA SDP-FILE: one INVITE of call
# CALLID from IP (an ephemeral port) in NS to the proxy at PROXY
# (ADDR:PORT) for URI, User-Agent UA, the SDP of SDP-FILE; sent again
# every 0.5 s until a reply comes, a negative final reply ACKed.  Prints
# the final status code, or "timeout" after 20 s; the messages go to
# $E2E_DIR/NAME.messages.  For offers that must be refused: a 2xx fails
# the test (no dialog is kept to end it), unless E2E_INVITE_2XX=1.
e2e_invite() {
	local status
	status=$(ip netns exec "$2" python3 - "$3" "$4" "$5" "$6" "$7" "$8" \
		"$E2E_DIR/$1.messages" <<'EOF'
import os, socket, sys, time
ip, callid, proxy, uri, ua, sdpfile, log = sys.argv[1:8]
host, port = proxy.rsplit(':', 1)
sdp = open(sdpfile).read().replace('\r\n', '\n').replace('\n', '\r\n')
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((ip, 0))
lport = s.getsockname()[1]
branch, tag = 'z9hG4bK-' + os.urandom(6).hex(), os.urandom(6).hex()
head = ("Via: SIP/2.0/UDP %s:%d;branch=%s\r\n"
        "From: <sip:x@%s>;tag=%s\r\n") % (ip, lport, branch, ip, tag)
invite = ("INVITE %s SIP/2.0\r\n%s"
          "To: <%s>\r\nCall-ID: %s\r\nCSeq: 1 INVITE\r\n"
          "Contact: <sip:x@%s:%d>\r\nMax-Forwards: 70\r\nUser-Agent: %s\r\n"
          "Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s") % (
    uri, head, uri, callid, ip, lport, ua, len(sdp), sdp)
out = open(log, 'a')
out.write(invite + '\n')
s.settimeout(0.5)
status, to, end = None, None, time.time() + 20
while status is None and time.time() < end:
    if to is None:
        s.sendto(invite.encode(), (host, int(port)))
    try:
        reply = s.recv(65535).decode(errors='replace')
    except socket.timeout:
        continue
    out.write(reply + '\n')
    code = int(reply.split(' ', 2)[1])
    to = next((l.split(':', 1)[1].strip() for l in reply.split('\r\n')
               if l.lower().startswith(('to:', 't:'))), '')
    if code >= 200:
        status = code
if status and status >= 300:
    ack = ("ACK %s SIP/2.0\r\n%sTo: %s\r\nCall-ID: %s\r\nCSeq: 1 ACK\r\n"
           "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n") % (
        uri, head, to, callid)
    s.sendto(ack.encode(), (host, int(port)))
    out.write(ack + '\n')
print(status or 'timeout')
EOF
) || fail "$1: the INVITE could not be sent"
	# E2E_INVITE_2XX=1: a 2xx is what the caller wants to see (it is
	# not ACKed: the callee retransmits it until its timer ends)
	case $status in
	2*) [ "${E2E_INVITE_2XX:-0}" = 1 ] || fail "$1: the INVITE was accepted ($status)" ;;
	esac
	echo "$status"
}

# e2e_sipp_wait NAME [SECONDS]: wait (bounded, 60 s by default, times
# NFSRTP_SCALE) for SIPp NAME to exit; fail unless it exits 0 (every
# call successful).
e2e_sipp_wait() {
	local name=$1 limit=$((${2:-60} * ${NFSRTP_SCALE:-1})) pid rc=0 start=$SECONDS
	pid=${E2E_PID[$name]}
	while kill -0 "$pid" 2>/dev/null; do
		[ $((SECONDS - start)) -lt "$limit" ] ||
			fail "$name still runs after ${limit}s: $(tail -n 30 "$E2E_DIR/$name.out")"
		nap 0.1
	done
	wait "$pid" || rc=$?
	unset "E2E_PID[$name]"
	[ "$rc" = 0 ] || fail "$name exited $rc: $(cat "$E2E_DIR/$name.errors" 2>/dev/null; tail -n 30 "$E2E_DIR/$name.out")"
}

# e2e_sdp_key FILE: the key-params (inline:...) of the first a=crypto line
# of the SDP in FILE; empty when it has none.
e2e_sdp_key() {
	tr -d '\r' <"$1" | awk '$1 ~ /^a=crypto:/ { print $3; exit }'
}

# e2e_short TEXT...: TEXT with every inline: key cut to its first 8
# characters ("inline:nl326xLS..."); lifetime and MKI are kept.
e2e_short() {
	sed -E 's#inline:([A-Za-z0-9+/]{8})[A-Za-z0-9+/=]*#inline:\1...#g' <<<"$*"
}

# e2e_sdp_show FILE: the c=, m= and a=crypto lines of the SDP in FILE,
# indented, keys shortened.
e2e_sdp_show() {
	e2e_short "$(tr -d '\r' <"$1" | grep -E '^(c|m)=|^a=crypto:')" | sed 's/^/      /'
}

# e2e_flow WHAT FROM-NS TO-NS DST-IP DST-PORT SRC-PORT SEND-KEY RECV-KEY:
# $E2E_FLOW_COUNT RTP packets and a tenth as many RTCP from FROM-NS's
# SRC-PORT to DST-IP:DST-PORT (RTCP: both ports + 1), protected with
# SEND-KEY (an SDP key-params, inline:...) by the sender; the receiver
# (in TO-NS, bound to DST-IP) checks every packet, unprotected with
# libsrtp2 and RECV-KEY, or as plain RTP where a key is "-".  Prints
# WHAT and the receiver's summary line; fails with it.
E2E_FLOW_COUNT=${E2E_FLOW_COUNT:-300}
E2E_SUITE=${E2E_SUITE:-AES_CM_128_HMAC_SHA1_80}
e2e_flow() {
	local what=$1 from=$2 to=$3 ip=$4 port=$5 sport=$6 tx=() rx=()
	[ "$7" = - ] || tx=(--suite "$E2E_SUITE" --key "$7")
	[ "$8" = - ] || rx=(--suite "$E2E_SUITE" --key "$8")
	# a flow after another of the same keys needs an SSRC of its own
	[ -z "${E2E_FLOW_SSRC:-}" ] || {
		tx+=(--ssrc "$E2E_FLOW_SSRC")
		rx+=(--ssrc "$E2E_FLOW_SSRC")
	}
	rx_start "$to" "$E2E_DIR/rx.out" --bind "$ip" --port "$port" \
		--count "$E2E_FLOW_COUNT" --rtcp --timeout 60 "${rx[@]}"
	E2E_PID[rx]=$RX_PID
	ip netns exec "$from" "$RTPWIRE" send --dst "$ip:$port" --src-port "$sport" \
		--count "$E2E_FLOW_COUNT" --rtcp "${tx[@]}" >"$E2E_DIR/tx.out" 2>&1 ||
		fail "$what: sender: $(cat "$E2E_DIR/tx.out")"
	wait "$RX_PID" || fail "$what: receiver: $(tail -n 2 "$E2E_DIR/rx.out")"
	unset "E2E_PID[rx]"
	echo "    $what: $(tail -n 1 "$E2E_DIR/rx.out")"
}

# e2e_capture_start NAME NS DEV: tcpdump on DEV in NS, every UDP packet
# into $E2E_DIR/NAME.pcap (classic pcap, each packet written as it
# comes); returns when it captures.  Start it before the call's INVITE.
e2e_capture_start() {
	local name=$1 ns=$2 dev=$3
	e2e_start "$name" "$ns" tcpdump -i "$dev" -U -Z root -B 8192 -s 0 \
		-w "$E2E_DIR/$name.pcap" udp
	wait_for 30 e2e_capturing "$name"
}

e2e_capturing() {
	e2e_alive "$1"
	grep -q '^tcpdump: listening on' "$E2E_DIR/$1.out"
}

# e2e_capture_stop NAME: stop the capture; it must have kept every
# packet (none dropped by the kernel).  Prints tcpdump's counts.
e2e_capture_stop() {
	local name=$1 got
	e2e_stop "$name" 20
	got=$(grep -E 'packets (captured|received|dropped)' "$E2E_DIR/$name.out" |
		paste -sd, - | sed 's/,/, /g')
	grep -q '^0 packets dropped by kernel' "$E2E_DIR/$name.out" ||
		fail "$name: the capture lost packets: $got"
	echo "    capture $name: $got"
}

# e2e_capture_check NAME ADDR PORT: the UDP packets of NAME.pcap to and
# from ADDR:PORT and ADDR:PORT+1 (tests/tools/rtpclear.py): none may be
# rtpwire's media in clear.  Prints the counts and leaves them in
# E2E_CAPTURE ("to ADDR:PORT N (RTP n, RTCP n), from it N (...), in
# clear 0").
e2e_capture_check() {
	E2E_CAPTURE=$(python3 "$E2E_TOP/tests/tools/rtpclear.py" \
		"$E2E_DIR/$1.pcap" "$2" "$3") ||
		fail "$1: media in clear on the wire: $E2E_CAPTURE"
	echo "    capture $1: $E2E_CAPTURE"
}

# e2e_capture_decrypt NAME FILTER KEY...: srtpctl pcap decrypt of what
# the BPF expression FILTER selects in NAME.pcap, with the keys (several:
# a re-key without MKI, tried in turn as a receiver does); no packet may
# be refused.  Prints srtpctl's line ("N packets: N RTP and N RTCP
# decrypted, 0 refused, N other") and leaves it in E2E_DECRYPTED.
e2e_capture_decrypt() {
	local name=$1 filter=$2 args=() k
	shift 2
	for k in "$@"; do
		args+=(key "$k")
	done
	E2E_DECRYPTED=$("$E2E_TOP/build/bin/srtpctl" pcap decrypt \
		"$E2E_DIR/$name.pcap" "$E2E_DIR/$name.plain.pcap" \
		suite "$E2E_SUITE" "${args[@]}" filter "$filter" \
		2>"$E2E_DIR/$name.refused") ||
		fail "$name: srtpctl pcap: $(cat "$E2E_DIR/$name.refused")"
	[[ $E2E_DECRYPTED == *" 0 refused,"* ]] ||
		fail "$name ($filter): $E2E_DECRYPTED: $(head -n 5 "$E2E_DIR/$name.refused")"
	echo "    capture $name, $filter: $E2E_DECRYPTED"
}

# e2e_src_drops: R's packets dropped for their source (guards, and
# protect streams toward a destination from anyone else): its kernel's
# "source" drop counter.
e2e_src_drops() {
	json_get "$("$SRTPCTL" -n nfsrtp-r -j stats)" 'd["drops"].get("source", 0)'
}

# e2e_toward_a: R's streams toward A's media port 10.0.1.2:20000, as
# "stream ID OP SRC > DST", "; " between them; empty when there is none.
e2e_toward_a() {
	json_get "$("$SRTPCTL" -n nfsrtp-r -j stream show)" \
		'"; ".join("stream %d %s %s > %s" % (s["id"], s["op"], s["src"], s["dst"]) for s in d if s["dst"] == "10.0.1.2:20000")'
}

# e2e_guards_only: every stream of R's toward A's media port is a guard,
# a protect stream whose only source is A's own address (none at all
# passes too: e2e_guarded then finds what crossed).
e2e_guards_only() {
	[ "$(json_get "$("$SRTPCTL" -n nfsrtp-r -j stream show)" \
		'len([s for s in d if s["dst"] == "10.0.1.2:20000" and (s["op"], s["src"]) != ("protect", "10.0.1.2")])')" = 0 ]
}

# e2e_deleted ID: wait (bounded) until srtpd has deleted call ID (its log
# line) and R has turned the call's streams toward A into guards, for
# --guard-tail seconds, or removed them (e2e_guards_only); prints the
# line and what R keeps toward A.  The line comes before the streams
# change: media sent between the two would still be protected.
e2e_deleted() {
	wait_for 30 file_count "$E2E_DIR/srtpd.out" "call $1: deleted \\("
	wait_for 30 e2e_guards_only
	echo "    srtpd: $(grep "call $1: deleted (" "$E2E_DIR/srtpd.out" | tail -n 1 | sed 's/^.*call [^:]*: //')"
	echo "    R toward A's media port: $(e2e_toward_a | sed 's/^$/no stream/')"
}

# e2e_guarded WHAT WHO NS PORT: WHO (a name for the line printed), in NS,
# sends $E2E_BURST RTP packets and a tenth as many RTCP in clear
# (rtpwire: an RTCP report after every 10th RTP packet; SSRC 0x0e0e0e0e)
# from its PORT (and PORT+1) toward A's media ports 10.0.1.2:20000 and
# 20001.  R must drop every one of them for its source, and no more: its
# source drops rise by exactly the burst (waited for, bounded), or the
# test fails with how many crossed.  A's link must not see them either,
# which the capture of the calling test checks.  Prints WHAT and the
# counts ("after the BYE: G's 50 RTP + 5 RTCP in clear toward A: R
# dropped them, source drops 110 -> 165"); E2E_GUARDED counts every
# packet sent so in the run.
E2E_BURST=${E2E_BURST:-50}
E2E_GUARDED=0
e2e_guarded() {
	local what=$1 who=$2 ns=$3 port=$4 before after n=$E2E_BURST m=$((E2E_BURST / 10)) t
	before=$(e2e_src_drops)
	ip netns exec "$ns" "$RTPWIRE" send --dst 10.0.1.2:20000 --src-port "$port" \
		--count "$n" --rtcp --ssrc 0x0e0e0e0e >"$E2E_DIR/tx.out" 2>&1 ||
		fail "$what: $who's sender: $(cat "$E2E_DIR/tx.out")"
	E2E_GUARDED=$((E2E_GUARDED + n + m))
	# the packets cross the veth pair through a backlog queue: R may
	# count the last of them a moment after rtpwire returns (bounded)
	t=$SECONDS
	until after=$(e2e_src_drops); [ "$after" -ge $((before + n + m)) ]; do
		[ $((SECONDS - t)) -lt 30 ] || break
		nap 0.1
	done
	[ "$after" = $((before + n + m)) ] ||
		fail "$what: $who sent $n RTP + $m RTCP in clear toward A: R dropped $((after - before)) (source drops $before -> $after); R toward A's media port: $(e2e_toward_a | sed 's/^$/no stream/')"
	echo "    $what: $who's $n RTP + $m RTCP in clear toward A: R dropped them, source drops $before -> $after"
}

# e2e_in_call WHAT N: R has N kernel streams (WHAT names the call in the
# failure); print them.
e2e_in_call() {
	local n
	n=$(json_get "$("$SRTPCTL" -n nfsrtp-r -j stream show)" 'len(d)')
	[ "$n" = "$2" ] ||
		fail "$1: $n kernel streams in R, expected $2: $("$SRTPCTL" -n nfsrtp-r stream show)"
	echo "    R's kernel streams ($n):"
	"$SRTPCTL" -n nfsrtp-r stream show | sed 's/^/      /'
}

# e2e_finish: Kamailio and srtpd stop; neither logged a warning or an
# error, srtpd exits 0 and leaves no stream in R; srtpd's log is shown.
# One warning of Kamailio's is a race of its own, not a fault: a request
# sent again while tm has not yet sent its first reply finds no address
# to resend that reply to ("no resolved dst to retransmit"); the debug
# kernel's guest is slow enough for SIPp to retransmit meanwhile.
e2e_finish() {
	e2e_kamailio_stop
	! grep -E 'ERROR|CRITICAL|WARNING|BUG' "$E2E_DIR/kamailio.out" |
		grep -v 't_retransmit_reply(): no resolved dst to retransmit$' ||
		fail "Kamailio complained"
	e2e_stop srtpd 20
	[ "$E2E_RC" = 0 ] || fail "srtpd exited $E2E_RC: $(tail -n 20 "$E2E_DIR/srtpd.out")"
	! grep -Ei 'warn|error|lost|cannot|refused|fail' "$E2E_DIR/srtpd.out" || fail "srtpd complained"
	[ "$("$SRTPCTL" -n nfsrtp-r -j stream show)" = "[]" ] ||
		fail "streams left: $("$SRTPCTL" -n nfsrtp-r stream show)"
	echo "    srtpd's log:"
	sed 's/^/      /' "$E2E_DIR/srtpd.out"
}
