# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: GPL-2.0
# Helpers for guest test scripts (sourced; run inside scripts/vm).

set -euo pipefail
SRTPCTL=$NFSRTP_TOP/build/bin/srtpctl
TEST=$(basename "$0" .sh)

fail() {
	echo "FAIL $TEST: $*" >&2
	exit 1
}

step() {
	echo "--- $TEST [${SECONDS} s]: $*"
}

# expect_match PATTERN TEXT: TEXT matches the extended regex PATTERN.
expect_match() {
	grep -Eq -- "$1" <<<"$2" || fail "expected /$1/ in: $2"
}

# must_fail CMD...: CMD exits non-zero; its stderr is left in $ERR.
must_fail() {
	if ERR=$("$@" 2>&1 >/dev/null); then
		fail "expected failure: $*"
	fi
}

# nap SECONDS: sleep without starting a program.  Starting one (fork,
# exec, dynamic linking) costs 50 to 100 ms of the emulated one-vCPU
# guest, so "sleep 0.1" in a polling loop took as much CPU as the
# processes the loop waited for.  read -t on a FIFO that this shell
# holds open at both ends, and nobody writes to, times out instead.
NAP_FIFO=$(mktemp -u /tmp/nap.XXXXXX)
mkfifo "$NAP_FIFO"
exec {NAP_FD}<>"$NAP_FIFO"
rm -f "$NAP_FIFO"
nap() {
	read -r -t "$1" -u "$NAP_FD" _ || :
}

# file_count FILE ERE: how many lines of FILE (a CR at the end dropped,
# as SIP and SDP have it) match ERE, in FILE_COUNT; its status: 0 if
# any did.  The shell reads the file: no program is started, so that a
# poll of wait_for costs the guest little.  A missing file has none.
file_count() {
	local line
	FILE_COUNT=0
	if [ -f "$1" ]; then
		while IFS= read -r line || [ -n "$line" ]; do
			line=${line%$'\r'}
			[[ $line =~ $2 ]] && FILE_COUNT=$((FILE_COUNT + 1))
		done <"$1"
	fi
	[ "$FILE_COUNT" -gt 0 ]
}

# srtpctl_shows NS ERE ARGS...: what "srtpctl -n NS -j ARGS" prints
# matches ERE (one program started per poll of wait_for)
srtpctl_shows() {
	local ns=$1 re=$2 out
	shift 2
	out=$("$SRTPCTL" -n "$ns" -j "$@") && [[ $out =~ $re ]]
}

# wait_for SECONDS CMD...: poll CMD until it succeeds, at most SECONDS
# (times NFSRTP_SCALE: on the debug kernel everything takes several
# times as long, and scripts/vm gives its guest as much more time).
wait_for() {
	local limit=$(($1 * ${NFSRTP_SCALE:-1})) start=$SECONDS
	shift
	until "$@"; do
		[ $((SECONDS - start)) -lt "$limit" ] || fail "timed out after ${limit}s waiting for: $*"
		nap 0.1
	done
}

module_loaded() {
	[ -d /sys/module/nf_srtp ]
}

# reload_with_simd: reload nf_srtp with the x86 SIMD crypto drivers a host
# would have loaded before it (the guest has no udev to load them)
reload_with_simd() {
	local m
	rmmod nf_srtp
	wait_for 10 bash -c '! [ -d /sys/module/nf_srtp ]'
	for m in aesni_intel ghash_clmulni_intel sha1_ssse3; do
		modprobe -q "$m" 2>/dev/null || echo "($m not usable on this CPU)"
	done
	insmod "$NFSRTP_KO"
}

RTPWIRE=$NFSRTP_TOP/build/bin/rtpwire

# topo_host NS DEV ADDR4/LEN ADDR6/LEN [GW4 GW6]: in NS, the loopback and
# DEV up with these addresses (and default routes through GW4 and GW6),
# in one ip: each program started costs the emulated guest 50 to 100 ms.
# An empty address or gateway is left out (a host of one family).
topo_host() {
	{
		echo "link set lo up"
		[ -z "$3" ] || echo "addr add $3 dev $2"
		[ -z "$4" ] || echo "addr add $4 dev $2 nodad"
		echo "link set $2 up"
		[ -z "${5:-}" ] || echo "route add default via $5"
		[ -z "${6:-}" ] || echo "route add default via $6"
	} | ip -n "$1" -b -
}

# Two hosts on one link: namespaces nfsrtp-a (10.0.1.1, fd00:1::1) and
# nfsrtp-b (10.0.1.2, fd00:1::2), over veth-a/veth-b.
topo_pair() {
	ip -b - <<-EOF
	netns add nfsrtp-a
	netns add nfsrtp-b
	link add veth-a netns nfsrtp-a type veth peer name veth-b netns nfsrtp-b
	EOF
	topo_host nfsrtp-a veth-a 10.0.1.1/24 fd00:1::1/64
	topo_host nfsrtp-b veth-b 10.0.1.2/24 fd00:1::2/64
}

# A line A - R - B: nfsrtp-a (10.0.1.1, fd00:1::1) -- nfsrtp-r
# (10.0.1.254 / 10.0.2.254, fd00:1::fe / fd00:2::fe) -- nfsrtp-b
# (10.0.2.1, fd00:2::1), R forwarding.
topo_line() {
	ip -b - <<-EOF
	netns add nfsrtp-a
	netns add nfsrtp-r
	netns add nfsrtp-b
	link add veth-a netns nfsrtp-a type veth peer name veth-ra netns nfsrtp-r
	link add veth-b netns nfsrtp-b type veth peer name veth-rb netns nfsrtp-r
	EOF
	topo_host nfsrtp-a veth-a 10.0.1.1/24 fd00:1::1/64 10.0.1.254 fd00:1::fe
	topo_host nfsrtp-b veth-b 10.0.2.1/24 fd00:2::1/64 10.0.2.254 fd00:2::fe
	ip -n nfsrtp-r -b - <<-EOF
	link set lo up
	addr add 10.0.1.254/24 dev veth-ra
	addr add fd00:1::fe/64 dev veth-ra nodad
	addr add 10.0.2.254/24 dev veth-rb
	addr add fd00:2::fe/64 dev veth-rb nodad
	link set veth-ra up
	link set veth-rb up
	EOF
	ip netns exec nfsrtp-r sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1
}

topo_cleanup() {
	local ns
	for ns in nfsrtp-a nfsrtp-b nfsrtp-r; do
		ip netns del $ns 2>/dev/null || true
	done
}

# rx_start NS OUTFILE ARGS...: start an rtpwire receiver in NS and wait
# (bounded) until it listens.  Its PID is left in $RX_PID.
rx_start() {
	local ns=$1 out=$2
	shift 2
	: >"$out"
	ip netns exec "$ns" "$RTPWIRE" recv "$@" >"$out" 2>&1 &
	RX_PID=$!
	wait_for 20 file_count "$out" listening
}

# rx_wait OUTFILE: wait for the receiver of rx_start; fail with its output.
rx_wait() {
	wait "$RX_PID" || fail "receiver: $(tail -n 2 "$1")"
}

# Small python jobs of a test (json_get and json_checks over srtpctl -j
# output, ngc.py requests) go to a python3 that stays up
# (tests/tools/pyserve.py): a python3 start costs 0.5 to 1 s in a TCG
# guest, and tests poll these with wait_for.  A server's FIFOs are
# opened by name, so subshells and background jobs reach it too; a lock
# keeps their requests apart.  The server "json" is started here.
PYSERVE=$NFSRTP_TOP/tests/tools/pyserve.py
declare -gA PYSERVE_DIR PYSERVE_PID PYSERVE_NS PYSERVE_LOCK

# pyserve_lock NAME, pyserve_unlock NAME: keep the requests of this
# shell, its subshells and background jobs to server NAME apart.  The
# lock is a byte in a FIFO that every one of them holds open: whoever
# reads it holds the lock and writes it back to release it, all in the
# shell itself (flock(1) was one program started per request).  A
# holder killed with it (the test is ending) keeps it: the wait is
# bounded.
pyserve_lock() {
	read -r -N 1 -t 60 -u "${PYSERVE_LOCK[$1]}" _ ||
		fail "pyserve: the lock of server $1 held for 60 s"
}
pyserve_unlock() {
	printf . >&"${PYSERVE_LOCK[$1]}"
}

# pyserve_start NAME [NS]: a server NAME, in network namespace NS if given
pyserve_start() {
	local dir fd
	dir=$(mktemp -d /tmp/pyserve.XXXXXX)
	mkfifo "$dir/in" "$dir/out" "$dir/lock"
	exec {fd}<>"$dir/lock"
	PYSERVE_LOCK[$1]=$fd
	pyserve_unlock "$1"
	if [ -n "${2:-}" ]; then
		ip netns exec "$2" python3 "$PYSERVE" "$dir" &
	else
		python3 "$PYSERVE" "$dir" &
	fi
	PYSERVE_PID[$1]=$!
	PYSERVE_DIR[$1]=$dir
	PYSERVE_NS[$1]=${2:-}
}
[ -n "${PYSERVE_PID[json]:-}" ] || pyserve_start json

# pyserve_request ARG...: a request as pyserve.py reads it (under LC_ALL=C,
# so that a length is in bytes)
pyserve_request() {
	local a
	printf '%d\n' $#
	for a; do printf '%d\n%s' "${#a}" "$a"; done
}

# pyserve_reply: pyserve.py's reply on stdin, its output and errors
# printed, its status returned (2: no reply)
pyserve_reply() {
	local status len out= err=
	read -r status && read -r len || { echo "pyserve: no reply" >&2; return 2; }
	[ "$len" -eq 0 ] || IFS= read -r -N "$len" out
	read -r len || { echo "pyserve: short reply" >&2; return 2; }
	[ "$len" -eq 0 ] || IFS= read -r -N "$len" err
	printf '%s' "$out"
	printf '%s' "$err" >&2
	return "$status"
}

# pyserve NAME OP ARG...: one request to server NAME (see pyserve.py); a
# python3 of its own if the server is gone
pyserve() {
	local LC_ALL=C name=$1 ns status=0
	shift
	if kill -0 "${PYSERVE_PID[$name]}" 2>/dev/null; then
		pyserve_lock "$name"
		pyserve_request "$@" >"${PYSERVE_DIR[$name]}/in"
		pyserve_reply <"${PYSERVE_DIR[$name]}/out" || status=$?
		pyserve_unlock "$name"
		return "$status"
	else
		ns=${PYSERVE_NS[$name]}
		pyserve_request "$@" |
			if [ -n "$ns" ]; then
				ip netns exec "$ns" python3 "$PYSERVE"
			else
				python3 "$PYSERVE"
			fi | pyserve_reply
	fi
}

# prom_value FILE NAME{LABELS}: the value of that series in FILE, a
# Prometheus text scrape (nothing if it has none).  The series is
# matched as a string: its labels may hold spaces, quotes, backslashes.
prom_value() {
	# (ENVIRON: awk -v would take the backslashes of a label for escapes)
	K=$2 awk 'index($0, ENVIRON["K"] " ") == 1 { print substr($0, length(ENVIRON["K"]) + 2) }' "$1"
}

# json_get JSON EXPR: EXPR (python, over the JSON as d) printed; on an
# error, the exception on stderr and status 1
json_get() {
	pyserve json get "$@"
}

# term_ok PID LOG: SIGTERM to PID (a child of this shell), which must exit
# 0; else the test fails with LOG
term_ok() {
	local rc=0

	kill -TERM "$1"
	wait "$1" || rc=$?
	[ "$rc" = 0 ] || fail "$1 exited $rc: $(cat "$2")"
}

# nfsrtp_counter NAME: the packets of counter NAME of srtpd's table
# (inet nfsrtp) in R
nfsrtp_counter() {
	json_get "$(ip netns exec nfsrtp-r nft -j list counter inet nfsrtp "$1")" \
		'[o["counter"]["packets"] for o in d["nftables"] if "counter" in o][0]'
}

# ---- ng replies (ngc.py's JSON) ----

# result JSON: the reply's result, with the error's reason.
result() { json_get "$1" 'd["result"] + ("" if d["result"] != "error" else ": " + d["error-reason"])'; }

# sdp_of JSON FILE: the reply's SDP into FILE.
sdp_of() { json_get "$1" 'd["sdp"]' >"$2"; }

# key_of SDP: the key-params of its first a=crypto line.
key_of() { tr -d '\r' <"$1" | awk '$1 ~ /^a=crypto:/ { print $3; exit }'; }

# bracket ADDR: an IPv6 address in brackets, for ADDR:PORT.
bracket() { case "$1" in *:*) echo "[$1]" ;; *) echo "$1" ;; esac; }

# json_checks JSON EXPR=VALUE...: every EXPR (python, over the JSON as d)
# prints as VALUE; each one that does not is printed, and the call fails.
json_checks() {
	pyserve json checks "$@"
}

# ---- SRTP between two endpoints, checked on the wire (srtpd.sh, and
# the call of the installed packages, tests/install/apt-guest.sh) ----

# sdp_crypto SDP [TAG]: "SUITE KEY-PARAMS FLAGS" of the crypto line TAG (the
# first one by default), FLAGS as rtpwire --flags takes them.
sdp_crypto() {
	tr -d '\r' <"$1" | awk -v tag="${2:-}" '
		$1 ~ /^a=crypto:/ && (tag == "" || substr($1, 10) == tag) {
			f = ""
			for (i = 4; i <= NF; i++) {
				if ($i == "UNENCRYPTED_SRTP") f = f ",no-encrypt-rtp"
				if ($i == "UNENCRYPTED_SRTCP") f = f ",no-encrypt-rtcp"
				if ($i == "UNAUTHENTICATED_SRTP") f = f ",no-auth"
			}
			print $2, $3, (f == "" ? "none" : substr(f, 2))
			exit
		}'
}

# sdp_tag SDP: the tag of its first crypto line (the answer's choice).
sdp_tag() { tr -d '\r' <"$1" | sed -n 's/^a=crypto:\([0-9]*\) .*/\1/p' | head -n 1; }

# wire_flow NAME SRC-NS DST-NS DST-IF SRC-ADDR SRC-PORT DST-ADDR DST-PORT
#           "SUITE KEY FLAGS" COUNT [RTPWIRE-ARGS...]: a flow, run by
# wire_flows_run: the application at SRC sends COUNT plain RTP packets
# (and RTCP) to DST; a socket at DST must get all of them plain, and a
# sniffer on DST-IF must find every one of them on the wire as SRTP that
# libsrtp2 decrypts with the SDP's key.  Its receivers start at once,
# their output in the test's directory $tmp.
declare -A FLOW_TX FLOW_RX
FLOWS=()
wire_flow() {
	local name=$1 src=$2 dst=$3 ifc=$4 saddr=$5 sport=$6 daddr=$7 dport=$8
	local suite key flags count=${10} f=$tmp/flow${#FLOWS[@]}
	read -r suite key flags <<<"$9"
	shift 10
	ip netns exec "$dst" "$RTPWIRE" recv --bind "$daddr" --port "$dport" \
		--count "$count" --rtcp "$@" >"$f.plain" 2>&1 &
	FLOW_RX[$f]="$! "
	ip netns exec "$dst" "$RTPWIRE" recv --sniff "$ifc" --bind "$daddr" \
		--port "$dport" --count "$count" --rtcp --suite "$suite" \
		--key "$key" --flags "$flags" "$@" >"$f.sniff" 2>&1 &
	FLOW_RX[$f]+=$!
	FLOW_TX[$f]=$(printf '%q ' ip netns exec "$src" "$RTPWIRE" send \
		--dst "$daddr:$dport" --src-port "$sport" --count "$count" --rtcp "$@")
	FLOWS+=("$f")
	echo "$name $saddr -> $daddr:$dport" >"$f.name"
}

# wire_flows_listening: every receiver of the flows is ready.
wire_flows_listening() {
	local f
	for f in "${FLOWS[@]}"; do
		grep -q listening "$f.plain" && grep -q listening "$f.sniff" ||
			return 1
	done
}

# wire_flows_run: the flows declared, at the same time; each must pass.
wire_flows_run() {
	local f p tx=()
	wait_for 20 wire_flows_listening
	for f in "${FLOWS[@]}"; do
		eval "${FLOW_TX[$f]}" >/dev/null &
		tx+=($!)
	done
	for p in "${tx[@]}"; do
		wait "$p" || fail "a sender failed"
	done
	for f in "${FLOWS[@]}"; do
		for p in ${FLOW_RX[$f]}; do
			wait "$p" || fail "$(cat "$f.name"):
at the socket: $(tail -n 1 "$f.plain")
on the wire: $(tail -n 1 "$f.sniff")"
		done
		cat "$f.name"
		echo "    on the wire, libsrtp2: $(tail -n 1 "$f.sniff")"
		echo "    at the socket:         $(tail -n 1 "$f.plain")"
	done
	FLOWS=()
}
