# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the pktgen benchmarks (tests/bench/pktgen.sh and
# scale.sh), which source this after defining tmp (a private directory)
# and die().  Nothing here starts a process once set up: the benchmarks
# sample counters during their windows without disturbing the CPUs they
# measure.
# shellcheck shell=bash disable=SC2154,SC2034

# sleep without starting a process
mkfifo "$tmp/sleep"
exec {SLEEP_FD}<>"$tmp/sleep"
nap() { read -r -t "$1" -u "$SLEEP_FD" _ || true; }
# wait_until SECONDS CMD...: poll CMD, at most SECONDS.
wait_until() {
	local limit=$1 start=$SECONDS
	shift
	until "$@"; do
		[ $((SECONDS - start)) -lt "$limit" ] || die "timed out after ${limit}s: $*"
		nap 0.05
	done
}
# pg_threads PATTERN: " NAME=PID ... " of the threads whose name matches
# PATTERN (a case pattern), into REPLY
pg_threads() {
	local d c
	REPLY=" "
	for d in /proc/[0-9]*; do
		read -r c 2>/dev/null <"$d/comm" || continue
		# shellcheck disable=SC2254
		case $c in $1) REPLY="$REPLY$c=${d#/proc/} " ;; esac
	done
}
# same_ns PID NS: process PID lives in network namespace NS
same_ns() {
	[ "$(stat -L -c %i "/proc/$1/ns/net")" = "$(stat -L -c %i "/run/netns/$2")" ]
}
# pg_holder NAME NS: a process living in NS, whose /proc/PID/net is NS's
# (pktgen's files, the devices' counters), and which starts pktgen
# there on "start" and stops it on "stop", answering "stopped" (pgctrl
# acts on its writer's namespace).  Sets PG_HOLDER (its PID), PG_IN and
# PG_OUT (file descriptors to talk to it).
pg_holder() {
	mkfifo "$tmp/$1.in" "$tmp/$1.out"
	# shellcheck disable=SC2016
	ip netns exec "$2" bash -c 'while read -r c; do
		case $c in
		start) (echo start >/proc/net/pktgen/pgctrl) & ;;
		stop) echo stop >/proc/net/pktgen/pgctrl; wait; echo stopped ;;
		esac
	done' <"$tmp/$1.in" >"$tmp/$1.out" &
	PG_HOLDER=$!
	exec {PG_IN}<>"$tmp/$1.in"
	exec {PG_OUT}<>"$tmp/$1.out"
	wait_until 10 same_ns "$PG_HOLDER" "$2"
}
# pg_count FILE: "PKTS ERRORS" of the pktgen device FILE since its last
# start (pktgen zeroes its count when it starts), into REPLY
pg_count() {
	local l
	while read -r l; do
		case $l in pkts-sofar:*)
			# shellcheck disable=SC2086
			set -- $l
			REPLY="$2 $4"
			return 0
			;;
		esac
	done <"$1"
	REPLY="0 0"
}
# thread_ns TID: the CPU time of thread TID, ns, into REPLY
thread_ns() {
	local a
	read -r a _ <"/proc/$1/schedstat"
	REPLY=$a
}
# dev_tx FILE DEV: DEV's tx_packets in FILE (a /proc/PID/net/dev), into
# REPLY; fails if DEV is not there
dev_tx() {
	local l
	while read -r l; do
		case $l in "$2":*)
			# shellcheck disable=SC2086
			set -- ${l#*:}
			REPLY=${10}
			return 0
			;;
		esac
	done <"$1"
	return 1
}
# pg_flow FILE COUNT MODE MAC SRC DST SPORT_MIN SPORT_MAX DPORT_MIN DPORT_MAX:
# the pktgen device FILE sends COUNT packets (0: until stopped) of
# PKT_SIZE bytes, one at a time, xmit_mode MODE, to MAC, from SRC to DST,
# UDP ports moving together through their ranges (which end before their
# max).  NO_TIMESTAMP: else the RTP SSRC is pktgen's tv_sec, a new SSRC
# every second.
pg_flow() {
	local f=$1 c
	for c in "count $2" "clone_skb 0" "xmit_mode $3" "burst 1" \
		"delay 0" "pkt_size $PKT_SIZE" "dst_mac $4" \
		"src_min $5" "src_max $5" "dst $6" \
		"udp_src_min $7" "udp_src_max $8" \
		"udp_dst_min $9" "udp_dst_max ${10}" "flag NO_TIMESTAMP"; do
		echo "$c" >"$f" || die "pktgen: '$c' on $f"
	done
}
