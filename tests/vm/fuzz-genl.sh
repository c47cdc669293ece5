#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generic netlink fuzzing (tests/tools/genlfuzz.c) against a module that
# carries traffic: random and mutated requests for every command and
# attribute, with valid adds, sets, deletions, gets, dumps and flushes in
# between, while A sends RTP and RTCP into the streams the fuzzer adds.
# Then the same from an unprivileged user in a user and network namespace
# of its own, and from an unprivileged user in A (every request refused).
# Every reply must come and be well formed; no reply may carry a key;
# afterwards the module still protects a call that libsrtp2 checks, and
# unloads.  scripts/vm fails the test on any kernel splat.
#   FUZZ_GENL_SECONDS (12, times NFSRTP_SCALE: 48 on the debug kernel,
#   where a request takes 50 times as long): the root run; the
#   unprivileged runs get a quarter each.  FUZZ_GENL_VALID_EVERY (8; 2
#   when NFSRTP_SCALE is above 1): every how many requests a valid one.
#   FUZZ_GENL_SEED: the root run's seed (default: random, printed).
. "$(dirname "$0")/lib.bash"
GENLFUZZ=$NFSRTP_TOP/build/bin/genlfuzz
SECONDS_ROOT=${FUZZ_GENL_SECONDS:-$((12 * ${NFSRTP_SCALE:-1}))}
# every 8th request a valid operation; every 2nd on a slow kernel, where
# the whole run makes a few hundred requests (213 in 48 s on the debug
# kernel, 7 of them adds: no packet met a stream)
VALID_EVERY=${FUZZ_GENL_VALID_EVERY:-$(( ${NFSRTP_SCALE:-1} > 1 ? 2 : 8 ))}
SEED=${FUZZ_GENL_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
tmp=$(mktemp -d)
senders=()
cleanup() {
	local p
	for p in "${senders[@]}"; do kill "$p" 2>/dev/null || true; done
	topo_cleanup
}
trap cleanup EXIT
topo_pair

stats() { "$SRTPCTL" -n nfsrtp-a -j stats; }

step "traffic: A 10.0.1.1:400N -> B 10.0.1.2:500N (RTCP from and to N + 1), N = 0, 2, .. 14"
# B drops it quietly: a port unreachable would stop the senders
ip netns exec nfsrtp-b nft -f - <<'EOF'
table inet sink {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 5000-5015 drop
	}
}
EOF
# what A's senders sent meanwhile (their packets, protected or not, leave
# through A's output hook): the failure below says whether any traffic ran
ip netns exec nfsrtp-a nft -f - <<'EOF'
table inet sent {
	counter flows { }
	chain output {
		type filter hook output priority 0; policy accept;
		udp dport 5000-5015 counter name flows
	}
}
EOF
sent() {
	ip netns exec nfsrtp-a nft list counter inet sent flows |
		awk '$1 == "packets" { print $2 }'
}
# --keep-going: the fuzzer's streams drop some of their packets (a pin, a
# source check), which a local sender reads as EPERM
for i in $(seq 0 2 14); do
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:$((5000 + i)) \
		--src-port $((4000 + i)) --count 200000 --rtcp --keep-going \
		--interval-us 20000 >/dev/null 2>"$tmp/tx$i" &
	senders+=($!)
done
senders_alive() {
	local p i=0
	for p in "${senders[@]}"; do
		kill -0 "$p" 2>/dev/null ||
			fail "sender $i stopped while the fuzzer ran: $(cat "$tmp/tx$i")"
		i=$((i + 2))
	done
}

step "root in A: $SECONDS_ROOT s of requests, 1000 a second at most, idle half the time at least, every ${VALID_EVERY}th valid (seed $SEED)"
ip netns exec nfsrtp-a "$GENLFUZZ" --seconds "$SECONDS_ROOT" --seed "$SEED" \
	--valid-every "$VALID_EVERY" --dst 10.0.1.2 --ports 5000-5015 | tee "$tmp/root"
expect_match '^genlfuzz: [0-9]+ requests' "$(tail -n 2 "$tmp/root")"
senders_alive
out=$(stats)
echo "    A's totals: $out"
# the fuzzing met live streams: some of its valid adds carried traffic
[ "$(json_get "$out" 'd["protected"]')" -gt 0 ] ||
	fail "no packet was protected while the fuzzer ran ($(sent) sent by A's senders): $out
A's streams:
$("$SRTPCTL" -n nfsrtp-a -s stream show)
A's conntrack entries toward B:
$(ip netns exec nfsrtp-a conntrack -L -p udp 2>/dev/null | head -n 20)"
echo "    A's senders sent $(sent) packets"
"$SRTPCTL" -n nfsrtp-a stream flush
[ "$(json_get "$(stats)" 'd["streams"]')" = 0 ] || fail "streams after the flush: $(stats)"

step "an unprivileged user, in a user and network namespace of its own"
chmod 755 "$tmp"
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	unshare --user --map-root-user --net \
	"$GENLFUZZ" --seconds $((SECONDS_ROOT / 4 + 1)) --seed $((SEED + 1)) --rate 0 |
	tee "$tmp/userns"
expect_match '^genlfuzz: [0-9]+ requests' "$(tail -n 2 "$tmp/userns")"

step "an unprivileged user in A: every request refused"
ip netns exec nfsrtp-a setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all "$GENLFUZZ" --expect-eperm --rate 0 \
	--seconds $((SECONDS_ROOT / 4 + 1)) --seed $((SEED + 2)) | tee "$tmp/eperm"
expect_match ' EPERM [0-9]+' "$(tail -n 1 "$tmp/eperm")"
[ "$(json_get "$(stats)" 'd["streams"]')" = 0 ] || fail "an unprivileged user added a stream"

step "afterwards a call is protected and checked by libsrtp2"
for p in "${senders[@]}"; do kill "$p" 2>/dev/null || true; done
senders=()
K='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
id=$(json_get "$("$SRTPCTL" -n nfsrtp-a -j stream add protect \
	src 10.0.1.1:4100 dst 10.0.1.2:5100 suite AES_CM_128_HMAC_SHA1_80 key "$K")" 'd["id"]')
rx_start nfsrtp-b "$tmp/rx" --bind 10.0.1.2 --port 5100 --count 100 --rtcp \
	--suite AES_CM_128_HMAC_SHA1_80 --key "$K"
ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:5100 --src-port 4100 \
	--count 100 --rtcp >/dev/null
rx_wait "$tmp/rx"
echo "    B: $(tail -n 1 "$tmp/rx")"
"$SRTPCTL" -n nfsrtp-a stream del "$id"

step "the module unloads"
topo_cleanup
trap - EXIT
rmmod nf_srtp
wait_for 30 bash -c '! [ -d /sys/module/nf_srtp ]'
echo "PASS $TEST"
