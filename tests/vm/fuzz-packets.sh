#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packet fuzzing: mutated RTP and RTCP into protect streams, mutated SRTP
# and SRTCP into unprotect streams (rtpwire --fuzz: header fields, CSRC
# counts, extensions and padding that lie, cuts, junk tails, other
# versions, sequence numbers at their edges, SRTCP index and tag bytes,
# STUN, junk), over the suites, IPv4 and IPv6, RTCP on port + 1 and
# multiplexed, with and without MKI and authentication.  Nothing is lost
# silently: every packet sent into a stream is transformed, let through
# as STUN, or dropped and counted by reason, and what the receiving side
# gets (an nftables counter) is exactly what the stream transformed or
# let through.  With authentication, unprotect lets no mutated packet
# through and delivers every other one.  scripts/vm fails the test on any
# splat in the kernel log.
#   FUZZ_PACKETS_SEED: the mutations' seed (default: random, printed)
#   FUZZ_PACKETS_COUNT (100): RTP packets per direction and case
# Not AES-192: Debian's libsrtp2 derives its keys otherwise than RFC 6188
# (tests/unit/test_srtp_libsrtp.c), so it cannot make our SRTP for it.
. "$(dirname "$0")/lib.bash"
trap topo_cleanup EXIT
topo_pair
SEED=${FUZZ_PACKETS_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
N=${FUZZ_PACKETS_COUNT:-100}
K128='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
K256='inline:N0PhTVOLedpCsCvO7k8RFAMHQ/g4QY9hSQhNP+DwoQ1Yh4nk3Qerd5Qu/dZEQg=='
KGCM128='inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotQ=='
KGCM256='inline:N0PhTVOLedpCsCvO7k8RFAMHQ/g4QY9hSQhNP+DwoQ1Yh4nk3Qerd5Qu/dY='
tmp=$(mktemp -d)
port=5000
echo "seed $SEED, $N RTP packets (and $((N / 10)) RTCP) per direction and case, 30% mutated"

# Every UDP datagram that reaches either side's input, counted per
# destination port pair (and dropped there: no socket listens).
for ns in nfsrtp-a nfsrtp-b; do
	ip netns exec $ns nft add table inet sink
	ip netns exec $ns nft add chain inet sink input \
		'{ type filter hook input priority 0; policy accept; }'
done

# counted NS PORT: count (and drop) what reaches NS for PORT and PORT + 1
counted() {
	ip netns exec "$1" nft add counter inet sink "p$2"
	ip netns exec "$1" nft add rule inet sink input \
		udp dport "{ $2, $(($2 + 1)) }" counter name "p$2" drop
}
# The check of one stream, in one python: argv = the stream (srtpctl -j
# stream show), the receiving side's counter (nft -j list counter), the
# sender's summary line, STRICT (0|1), FINAL (0: only say whether the
# counts have settled).  The stream's counters must add up to what was
# sent; the receiving side got what the stream passed; with STRICT (an
# authenticated unprotect stream) exactly the packets that were not
# mutated were transformed, and only the STUN ones let through.
cat >"$tmp/check.py" <<'EOF'
import json, re, sys
d = json.loads(sys.argv[1])[0]
got = [o["counter"]["packets"] for o in json.loads(sys.argv[2])["nftables"]
       if "counter" in o][0]
m = re.match(r"sent rtp (\d+) rtcp (\d+), mutated (\d+) \(stun (\d+)\), refused (\d+)",
             sys.argv[3])
sent = int(m[1]) + int(m[2])
mutated, stun_sent, refused = int(m[3]), int(m[4]), int(m[5])
strict, final = sys.argv[4] == "1", sys.argv[5] == "1"
drops = sum(d["drops"].values())
passed = d["packets"] + d["stun"]
if not final:	# both lag the sender a little
    sys.exit(0 if passed + drops >= sent and got >= passed else 3)
print(f"    stream {d['id']} {d['op']}: sent {sent} (mutated {mutated}, stun {stun_sent}),"
      f" transformed {d['packets']}, stun {d['stun']}, dropped {drops} {d['drops']},"
      f" arrived {got}")
ok = passed + drops == sent and got == passed and d["stun"] == stun_sent
if strict:
    ok &= d["packets"] == sent - mutated and drops == mutated - stun_sent
else:
    ok &= refused <= drops
sys.exit(0 if ok else 1)
EOF
# check ID LINE NS PORT STRICT FINAL
check() {
	python3 "$tmp/check.py" \
		"$("$SRTPCTL" -n nfsrtp-a -j stream show "$1")" \
		"$(ip netns exec "$3" nft -j list counter inet sink "p$4")" "$2" "$5" "$6"
}
# stream_check ID LINE NS PORT STRICT: wait (bounded) until the counts
# settle, then check them
stream_check() {
	wait_for 20 check "$@" 0
	check "$@" 1 || fail "stream $1: the counters do not add up"
}

# run_case NAME FAMILY SUITE KEYS FLAGS WIRE-EXTRA SRTPCTL-EXTRA
run_case() {
	local name=$1 fam=$2 suite=$3 keys=$4 flags=$5 wire=$6 ctl=$7
	local a=10.0.1.1 b=10.0.1.2 ab ba k line strict=1
	local -a ctlkeys=() wirekeys=()

	[ "$fam" = 6 ] && { a='[fd00:1::1]'; b='[fd00:1::2]'; }
	for k in $keys; do
		ctlkeys+=(key "$k")
		wirekeys+=(--key "$k")
	done
	case "$flags" in *no-auth*) strict=0 ;; esac
	port=$((port + 4))
	step "$name: mutated RTP/RTCP into a protect stream"
	counted nfsrtp-b $port
	ab=$(json_get "$("$SRTPCTL" -n nfsrtp-a -j stream add protect \
		src "$a:$((port + 100))" dst "$b:$port" suite "$suite" \
		"${ctlkeys[@]}" $flags $ctl)" 'd["id"]')
	line=$(ip netns exec nfsrtp-a "$RTPWIRE" send --dst "$b:$port" \
		--src-port $((port + 100)) --count "$N" --rtcp $wire \
		--fuzz 30 --fuzz-seed "$((SEED + port))")
	stream_check "$ab" "$line" nfsrtp-b $port 0

	step "$name: mutated SRTP/SRTCP into an unprotect stream"
	counted nfsrtp-a $((port + 102))
	ba=$(json_get "$("$SRTPCTL" -n nfsrtp-a -j stream add unprotect \
		src "$b:$((port + 2))" dst "$a:$((port + 102))" suite "$suite" \
		"${ctlkeys[@]}" $flags $ctl)" 'd["id"]')
	line=$(ip netns exec nfsrtp-b "$RTPWIRE" send --dst "$a:$((port + 102))" \
		--src-port $((port + 2)) --count "$N" --rtcp --suite "$suite" \
		"${wirekeys[@]}" --flags "$flags" $wire \
		--fuzz 30 --fuzz-seed "$((SEED + port + 2))")
	stream_check "$ba" "$line" nfsrtp-a $((port + 102)) $strict
	"$SRTPCTL" -n nfsrtp-a stream del "$ab"
	"$SRTPCTL" -n nfsrtp-a stream del "$ba"
}

run_case "AES_CM_128_HMAC_SHA1_80 IPv4" 4 AES_CM_128_HMAC_SHA1_80 "$K128" "" "" ""
run_case "AES_CM_128_HMAC_SHA1_32 IPv6 rtcp-mux" 6 AES_CM_128_HMAC_SHA1_32 "$K128" "" "--mux" "rtcp-mux"
run_case "AES_256_CM_HMAC_SHA1_80 MKI" 6 AES_256_CM_HMAC_SHA1_80 "$K256|1:4 $K256|2:4" "" "--key-index 1" ""
run_case "AEAD_AES_128_GCM" 4 AEAD_AES_128_GCM "$KGCM128" "" "" ""
run_case "AEAD_AES_256_GCM IPv6 rtcp-mux" 6 AEAD_AES_256_GCM "$KGCM256" "" "--mux" "rtcp-mux"
run_case "UNAUTHENTICATED_SRTP" 4 AES_CM_128_HMAC_SHA1_80 "$K128" "no-auth" "" ""

step "no stream left"
[ "$("$SRTPCTL" -n nfsrtp-a -j stream show)" = "[]" ] || fail "streams left"
echo "PASS $TEST"
