#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stress: the datapath on both vCPUs while the control plane changes
# everything around it.  RPS spreads A's receive processing over both
# CPUs.  Checked flows, two each way (B's SRTP unprotected in A, A's RTP
# protected toward B, with RTCP), must arrive whole: every packet checked
# byte for byte in A, by libsrtp2 in B.  Meanwhile, concurrently:
#   - batches of streams on other ports are added and removed;
#   - two volatile protect streams with traffic of their own are re-keyed
#     (keys of a 64-packet lifetime appended, so the datapath queues
#     soft-limit, hard-limit and key-switch events), replaced (a new
#     context), moved between two matches, switched to and from RTCP
#     multiplexing, pinned and unpinned;
#   - event listeners come and go (srtpctl monitor), and one stops
#     reading, so that its socket fills;
#   - a namespace with streams and loopback traffic is made and deleted;
# and at the end the module is unloaded under traffic.  Every loop must
# have run and succeeded, both CPUs must have processed packets, the
# debugfs stream count must come back, and (scripts/vm) no splat.  Under
# the debug kernel (make check-debug) lockdep, KASAN and KFENCE watch it.
# vm-smp: 2
. "$(dirname "$0")/lib.bash"
tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	rm -f "$tmp/run"
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	ip netns del nfsrtp-c 2>/dev/null || true
	topo_cleanup
}
trap cleanup EXIT
topo_pair

K='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
K2='inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'
S=AES_CM_128_HMAC_SHA1_80
N=${STRESS_PACKETS:-1500}	# RTP packets per checked flow
live=/sys/kernel/debug/nf_srtp/streams
a() { "$SRTPCTL" -n nfsrtp-a "$@"; }
live_is() { [ "$(cat $live)" = "$1" ]; }
# The packets each CPU has processed (/proc/net/softnet_stat, first
# column, one row per CPU).
processed() {
	local first rest
	while read -r first rest; do
		printf '%d ' "0x$first"
	done </proc/net/softnet_stat
}

[ "$(nproc)" -ge 2 ] || fail "the stress needs two vCPUs, the guest has $(nproc)"

step "RPS over both CPUs in A; checked flows each way, two volatile streams"
ip netns exec nfsrtp-a sh -c 'echo 3 >/sys/class/net/veth-a/queues/rx-0/rps_cpus'
for f in 0 1; do
	a stream add unprotect src 10.0.1.2:$((5000 + 2 * f)) \
		dst 10.0.1.1:$((4000 + 2 * f)) suite $S key "$K" >/dev/null
	a stream add protect src 10.0.1.1:$((4100 + 2 * f)) \
		dst 10.0.1.2:$((5100 + 2 * f)) suite $S key "$K" >/dev/null
done
vol=()
for v in 0 1; do
	vol+=("$(json_get "$(a -j stream add protect src 10.0.1.1:$((4200 + 2 * v)) \
		dst 10.0.1.2:$((5200 + 2 * v)) suite $S key "$K|64")" 'd["id"]')")
done
live_is 6 || fail "debugfs counts $(cat $live) streams, not 6"
before=$(processed)

# loop NAME COMMAND...: runs COMMAND again and again while $tmp/run is
# there, counting rounds in $tmp/NAME.rounds; a failed round ends the
# loop with its output in $tmp/NAME.err.
: >"$tmp/run"
loop() {
	local name=$1 n=0
	shift
	while [ -e "$tmp/run" ]; do
		if ! "$@" >"$tmp/$name.out" 2>&1; then
			cp "$tmp/$name.out" "$tmp/$name.err"
			break
		fi
		n=$((n + 1))
		echo $n >"$tmp/$name.rounds"
	done
}

# Streams of other ports, 200 at a time, added and removed.
for i in $(seq 0 199); do
	echo "stream add unprotect src 10.0.1.2 dst 10.0.1.1:$((20000 + 2 * i)) suite $S key $K"
done >"$tmp/add"
add_del() {
	a -j -b "$tmp/add" >"$tmp/ids" &&
	sed 's/.*"id":\([0-9]*\).*/stream del \1/' "$tmp/ids" >"$tmp/del" &&
	a -b "$tmp/del"
}

# One round of changes to volatile stream $1 (source port $2, port $3).
volatile_round() {
	local id=$1 sport=$2 dport=$3
	cat >"$tmp/vol.$id" <<-EOF
	stream set $id key $K2|64
	stream set $id key $K|64
	stream set $id src 10.0.1.1 dst 10.0.1.2:$dport
	stream set $id ssrc 0x11223344
	stream set $id src 10.0.1.1 dst 10.0.1.2:$dport rtcp-mux
	stream set $id ssrc none
	stream set $id src 10.0.1.1:$sport dst 10.0.1.2:$dport no-rtcp-mux
	stream set $id replace key $K2|64
	EOF
	a -b "$tmp/vol.$id"
}

# An event listener for a moment (2 s times NFSRTP_SCALE: on the debug
# kernel srtpctl's 2 s were over before it had subscribed), its events
# kept; the monitor's exit on its timeout is its success.
listener() {
	ip netns exec nfsrtp-a timeout $((2 * ${NFSRTP_SCALE:-1})) \
		"$SRTPCTL" -j monitor >>"$tmp/events"
	[ $? = 124 ]
}

# A namespace with a stream and loopback traffic through it, deleted
# while the traffic runs.
netns_round() {
	local tx
	ip netns add nfsrtp-c &&
	ip -n nfsrtp-c link set lo up &&
	"$SRTPCTL" -n nfsrtp-c stream add protect src 127.0.0.1 \
		dst 127.0.0.1:9000 suite $S key "$K" >/dev/null || return 1
	ip netns exec nfsrtp-c "$RTPWIRE" send --dst 127.0.0.1:9000 \
		--src-port 9100 --count 100000 --interval-us 200 >/dev/null 2>&1 &
	tx=$!
	nap 0.3
	ip netns del nfsrtp-c
	kill "$tx" 2>/dev/null
	wait "$tx" 2>/dev/null
	return 0
}

step "the checked flows run; around them streams come, change and go"
# a listener that stops reading: once the pipe to a reader that never
# reads is full, its socket fills and events are dropped
"$SRTPCTL" -n nfsrtp-a -j monitor 2>/dev/null | sleep 600 &
stuck=$!
pids+=("$stuck")
for v in 0 1; do
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:$((5200 + 2 * v)) \
		--src-port $((4200 + 2 * v)) --count 200000 --rtcp \
		--interval-us 500 --keep-going >/dev/null 2>"$tmp/vtx$v" &
	pids+=($!)
done
loop add-del add_del &
pids+=($!)
loop volatile-0 volatile_round "${vol[0]}" 4200 5200 &
pids+=($!)
loop volatile-1 volatile_round "${vol[1]}" 4202 5202 &
pids+=($!)
loop listener listener &
pids+=($!)
loop netns netns_round &
pids+=($!)
rx=()
for f in 0 1; do
	rx_start nfsrtp-a "$tmp/rx-a$f" --bind 10.0.1.1 --port $((4000 + 2 * f)) \
		--count "$N" --rtcp --timeout 300
	rx+=("$RX_PID")
	rx_start nfsrtp-b "$tmp/rx-b$f" --bind 10.0.1.2 --port $((5100 + 2 * f)) \
		--count "$N" --rtcp --suite $S --key "$K" --timeout 300
	rx+=("$RX_PID")
done
tx=()
for f in 0 1; do
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:$((4000 + 2 * f)) \
		--src-port $((5000 + 2 * f)) --count "$N" --rtcp --interval-us 1000 \
		--suite $S --key "$K" >/dev/null &
	tx+=($!)
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:$((5100 + 2 * f)) \
		--src-port $((4100 + 2 * f)) --count "$N" --rtcp --interval-us 1000 \
		>/dev/null &
	tx+=($!)
done
for p in "${tx[@]}"; do
	wait "$p" || fail "a sender of the checked flows failed"
done
bad=
for f in 0 1; do
	for side in a b; do
		RX_PID=${rx[0]}
		rx=("${rx[@]:1}")
		wait "$RX_PID" || bad="$bad $side$f: $(tail -n 1 "$tmp/rx-$side$f")"
	done
done
rm -f "$tmp/run"
# the loops end after their round; the volatile senders, which must have
# sent all along, are killed
for v in 0 1; do
	p=${pids[1 + v]}
	kill -0 "$p" 2>/dev/null ||
		fail "the sender of volatile stream $v stopped: $(tail -n 2 "$tmp/vtx$v")"
	kill "$p" 2>/dev/null || true
done
for p in "${pids[@]:3}"; do
	wait "$p" 2>/dev/null || true
done
kill "$stuck" 2>/dev/null || true
pids=()
[ -z "$bad" ] || fail "checked flows lost or damaged packets:$bad"
for f in 0 1; do
	for side in a b; do
		expect_match "^received rtp $N/$N rtcp $((N / 10))/$((N / 10)) bad 0 " \
			"$(tail -n 1 "$tmp/rx-$side$f")"
	done
done
for name in add-del volatile-0 volatile-1 listener netns; do
	[ ! -e "$tmp/$name.err" ] || fail "$name: $(tail -n 3 "$tmp/$name.err")"
	[ -s "$tmp/$name.rounds" ] || fail "$name: no round ran"
	echo "$name: $(cat "$tmp/$name.rounds") rounds"
done
after=$(processed)
read -r -a b0 <<<"$before"
read -r -a a0 <<<"$after"
echo "packets processed per CPU: before ${b0[*]}, after ${a0[*]}"
for c in 0 1; do
	[ $((a0[c] - b0[c])) -ge 100 ] ||
		fail "CPU $c processed $((a0[c] - b0[c])) packets: RPS did not spread the load"
done
# the volatile streams' keys ran out again and again (each round
# replaces them), and the listeners heard of limits and switches (only
# while one is up: a burst may also overrun them)
for id in "${vol[@]}"; do
	d=$(json_get "$(a -j stream show "$id")" 'd[0]["drops"].get("lifetime", 0)')
	[ "$d" -gt 0 ] || fail "volatile stream $id: no key ran out"
done
grep -Eq '"event":"(soft-limit|hard-limit|key-switch)"' "$tmp/events" ||
	fail "no limit or key-switch event heard: $(sort "$tmp/events" | uniq -c | head)"
echo "events heard: $(grep -o '"event":"[a-z-]*"' "$tmp/events" | sort | uniq -c | tr -s ' \n' ' ')"
live_is 6 || fail "debugfs counts $(cat $live) streams, not 6"

step "the module unloaded under traffic on every stream"
for v in 0 1; do
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:$((5200 + 2 * v)) \
		--src-port $((4200 + 2 * v)) --count 200000 --interval-us 200 \
		--keep-going >/dev/null 2>&1 &
	pids+=($!)
	ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:$((4000 + 2 * v)) \
		--src-port $((5000 + 2 * v)) --count 200000 --interval-us 200 \
		--suite $S --key "$K" >/dev/null 2>&1 &
	pids+=($!)
done
wait_for 60 srtpctl_shows nfsrtp-a '"unprotected":[1-9]' stats
rmmod nf_srtp
wait_for 30 bash -c '! [ -d /sys/module/nf_srtp ]'
echo "PASS $TEST"
