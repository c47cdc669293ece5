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

# wait_for SECONDS CMD...: poll CMD until it succeeds, at most SECONDS.
wait_for() {
	local limit=$1 start=$SECONDS
	shift
	until "$@"; do
		[ $((SECONDS - start)) -lt "$limit" ] || fail "timed out after ${limit}s waiting for: $*"
		sleep 0.1
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

# Two hosts on one link: namespaces nfsrtp-a (10.0.1.1, fd00:1::1) and
# nfsrtp-b (10.0.1.2, fd00:1::2), over veth-a/veth-b.
topo_pair() {
	ip netns add nfsrtp-a
	ip netns add nfsrtp-b
	ip link add veth-a netns nfsrtp-a type veth peer name veth-b netns nfsrtp-b
	ip -n nfsrtp-a addr add 10.0.1.1/24 dev veth-a
	ip -n nfsrtp-b addr add 10.0.1.2/24 dev veth-b
	ip -n nfsrtp-a addr add fd00:1::1/64 dev veth-a nodad
	ip -n nfsrtp-b addr add fd00:1::2/64 dev veth-b nodad
	for ns in nfsrtp-a nfsrtp-b; do
		ip -n $ns link set lo up
	done
	ip -n nfsrtp-a link set veth-a up
	ip -n nfsrtp-b link set veth-b up
}

# A line A - R - B: nfsrtp-a (10.0.1.1, fd00:1::1) -- nfsrtp-r
# (10.0.1.254 / 10.0.2.254, fd00:1::fe / fd00:2::fe) -- nfsrtp-b
# (10.0.2.1, fd00:2::1), R forwarding.
topo_line() {
	local ns
	for ns in nfsrtp-a nfsrtp-r nfsrtp-b; do
		ip netns add $ns
		ip -n $ns link set lo up
	done
	ip link add veth-a netns nfsrtp-a type veth peer name veth-ra netns nfsrtp-r
	ip link add veth-b netns nfsrtp-b type veth peer name veth-rb netns nfsrtp-r
	ip -n nfsrtp-a addr add 10.0.1.1/24 dev veth-a
	ip -n nfsrtp-a addr add fd00:1::1/64 dev veth-a nodad
	ip -n nfsrtp-r addr add 10.0.1.254/24 dev veth-ra
	ip -n nfsrtp-r addr add fd00:1::fe/64 dev veth-ra nodad
	ip -n nfsrtp-r addr add 10.0.2.254/24 dev veth-rb
	ip -n nfsrtp-r addr add fd00:2::fe/64 dev veth-rb nodad
	ip -n nfsrtp-b addr add 10.0.2.1/24 dev veth-b
	ip -n nfsrtp-b addr add fd00:2::1/64 dev veth-b nodad
	ip -n nfsrtp-a link set veth-a up
	ip -n nfsrtp-b link set veth-b up
	ip -n nfsrtp-r link set veth-ra up
	ip -n nfsrtp-r link set veth-rb up
	ip -n nfsrtp-a route add default via 10.0.1.254
	ip -n nfsrtp-a -6 route add default via fd00:1::fe
	ip -n nfsrtp-b route add default via 10.0.2.254
	ip -n nfsrtp-b -6 route add default via fd00:2::fe
	ip netns exec nfsrtp-r sysctl -qw net.ipv4.ip_forward=1
	ip netns exec nfsrtp-r sysctl -qw net.ipv6.conf.all.forwarding=1
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
	wait_for 20 grep -q listening "$out"
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
declare -gA PYSERVE_DIR PYSERVE_PID PYSERVE_NS

# pyserve_start NAME [NS]: a server NAME, in network namespace NS if given
pyserve_start() {
	local dir
	dir=$(mktemp -d /tmp/pyserve.XXXXXX)
	mkfifo "$dir/in" "$dir/out"
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
	local LC_ALL=C name=$1 ns
	shift
	if kill -0 "${PYSERVE_PID[$name]}" 2>/dev/null; then
		{
			flock 8
			pyserve_request "$@" >"${PYSERVE_DIR[$name]}/in"
			pyserve_reply <"${PYSERVE_DIR[$name]}/out"
		} 8>"${PYSERVE_DIR[$name]}/lock"
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

# json_get JSON EXPR: EXPR (python, over the JSON as d) printed; on an
# error, the exception on stderr and status 1
json_get() {
	pyserve json get "$@"
}

# json_checks JSON EXPR=VALUE...: every EXPR (python, over the JSON as d)
# prints as VALUE; each one that does not is printed, and the call fails.
json_checks() {
	pyserve json checks "$@"
}
