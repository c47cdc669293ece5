#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Key hygiene shown, not assumed: the session keys and salts the module
# derives (RFC 3711 4.3; they never leave the kernel, unlike the master
# key, which userspace handles too) are looked for in all of the guest's
# RAM through /proc/kcore (tests/tools/keyscan.c), freed memory included.
# While streams of AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM carry
# traffic both ways, the scan must find their cipher keys and salts (it
# works); once the streams are deleted, and again once the module is
# unloaded with streams in place, it must find none of them: every copy
# was wiped before it was freed.  The needles are given masked (every
# byte XOR 0x5c), so that neither this script, nor the scanner, nor the
# page cache holds them as they are; after the last scan they are derived
# again from the master keys and checked.  The guest has 512 MiB: the
# scans read all of it, three times, under emulation.
# vm-mem: 512M
. "$(dirname "$0")/lib.bash"
trap topo_cleanup EXIT
topo_pair

KEYSCAN=$NFSRTP_TOP/build/bin/keyscan
KCM='nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI'
KGCM='ehwPXpPSS4hh8Ko8XZ4LchTG6KGfPVsHwuSm+A=='
tmp=$(mktemp -d)
live=/sys/kernel/debug/nf_srtp/streams
a() { "$SRTPCTL" -n nfsrtp-a "$@"; }
live_is() { [ "$(cat $live)" = "$1" ]; }

# The streams are added by one "srtpctl -b" that stays alive, blocked
# reading its next command, until the scans are done.  Its kernel stack
# is live memory, so a copy of a session key that the key derivation
# leaves in a stack frame is found on every run; in the freed stacks of
# processes that had exited, it was found only on some runs.
batch_pid=
batch_start() {
	mkfifo "$tmp/cmds"
	"$SRTPCTL" -n nfsrtp-a -b "$tmp/cmds" >"$tmp/batch.out" 2>&1 &
	batch_pid=$!
	exec 7>"$tmp/cmds"
}
# batch_add N ARGS...: "stream add ARGS" through the batch; the module
# then holds N streams
batch_add() {
	local n=$1
	shift
	echo "stream add $*" >&7
	wait_for 30 live_is "$n"
}
batch_stop() {
	exec 7>&-
	wait "$batch_pid" || fail "srtpctl -b: $(cat "$tmp/batch.out")"
	rm -f "$tmp/cmds"
}

# The session keys and salts of $KCM and $KGCM, each byte XOR 0x5c (the
# derivation is checked at the end).  HMAC keys are not kept as they are
# by the kernel's hmac(sha1) (it keeps the hashed pads), so they are
# looked for but not required while the streams live.
cat >"$tmp/needles" <<'EOF'
cm-srtp-key d4ab4ad27a1606397a73ce67d6d58b2f
cm-srtp-auth 8773fbd6f586cd2b80456f975fa2643f21ce0770
cm-srtp-salt 7812c85a2f00360a2258668b7027
cm-srtcp-key 9f3761c9d8802c40ff0a0f569b7f46e9
cm-srtcp-auth 5904635e6ad96bfd2c499a38498162e00c8628d6
cm-srtcp-salt fb7a4bce793efdafa9aedaff4bc9
gcm-srtp-key 4cc5f06466bb8cfb28625f417d16dc86
gcm-srtp-salt 631e090be403a0f96f931df0
gcm-srtcp-key c6bc95dab6dae31e6425a858a0d7e7a8
gcm-srtcp-salt d92395e1260d08dca2ed1b48
EOF
required='cm-srtp-key cm-srtp-salt cm-srtcp-key cm-srtcp-salt gcm-srtp-key gcm-srtp-salt gcm-srtcp-key gcm-srtcp-salt'

# streams: a protect stream and an unprotect stream per suite, and 100
# RTP + 10 RTCP packets through each, checked on the far side
streams_with_traffic() {
	local suite key port n
	for suite in AES_CM_128_HMAC_SHA1_80 AEAD_AES_128_GCM; do
		if [ $suite = AEAD_AES_128_GCM ]; then key=$KGCM; port=4010; else key=$KCM; port=4000; fi
		n=$(cat $live)
		batch_add $((n + 1)) protect src 10.0.1.1:$port dst 10.0.1.2:$((port + 1000)) \
			suite $suite key "inline:$key"
		batch_add $((n + 2)) unprotect src 10.0.1.2:$((port + 1002)) \
			dst 10.0.1.1:$((port + 2)) suite $suite key "inline:$key"
		rx_start nfsrtp-b "$tmp/rx" --bind 10.0.1.2 --port $((port + 1000)) \
			--count 100 --rtcp --suite $suite --key "inline:$key"
		ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.1.2:$((port + 1000)) \
			--src-port $port --count 100 --rtcp >/dev/null
		rx_wait "$tmp/rx"
		rx_start nfsrtp-a "$tmp/rx" --bind 10.0.1.1 --port $((port + 2)) \
			--count 100 --rtcp
		ip netns exec nfsrtp-b "$RTPWIRE" send --dst 10.0.1.1:$((port + 2)) \
			--src-port $((port + 1002)) --count 100 --rtcp --suite $suite \
			--key "inline:$key" >/dev/null
		rx_wait "$tmp/rx"
	done
}

# found NAME: how many places the last scan found needle NAME in
found() { awk -v n="$1" '$1 == n { print $2 }' "$tmp/scan"; }
scan() {
	"$KEYSCAN" "$tmp/needles" >"$tmp/scan" || fail "keyscan: $(cat "$tmp/scan")"
	echo "    $(tr '\n' ' ' <"$tmp/scan")"
}
none_found() {
	local n bad=
	for n in $(awk '!/^scanned/ { print $1 }' "$tmp/scan"); do
		[ "$(found "$n")" = 0 ] || bad="$bad $n($(found "$n"))"
	done
	[ -z "$bad" ] || fail "$1: key material left in memory:$bad"
}

step "live streams of both suites with traffic: the scan finds their keys"
batch_start
streams_with_traffic
live_is 4 || fail "debugfs counts $(cat $live) streams, not 4"
scan
for n in $required; do
	[ "$(found "$n")" -ge 1 ] || fail "the scan does not find $n in a live stream"
done
[ "$(awk '/^scanned/ { print $2 }' "$tmp/scan")" -ge 256 ] ||
	fail "the scan read less than 256 MiB"

step "streams deleted: none of their keys is left in memory"
a stream flush
wait_for 60 live_is 0
scan
none_found "after the streams were deleted"

step "the module unloaded with streams in place: none of their keys is left"
streams_with_traffic
rmmod nf_srtp
wait_for 30 bash -c '! [ -d /sys/module/nf_srtp ]'
scan
none_found "after the module was unloaded"
batch_stop

step "the needles are the session keys of the master keys (RFC 3711 4.3)"
python3 - "$tmp/needles" "$KCM" "$KGCM" <<'EOF' || fail "the needles are not the session keys"
import base64, sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
def kdf(mk, ms, label, n):
    iv = bytearray(16)
    iv[:len(ms)] = ms
    iv[7] ^= label
    enc = Cipher(algorithms.AES(mk), modes.CTR(bytes(iv))).encryptor()
    return enc.update(bytes(n)) + enc.finalize()
want = {}
for suite, key, salt_len, auth in (("cm", sys.argv[2], 14, True),
                                   ("gcm", sys.argv[3], 12, False)):
    raw = base64.b64decode(key)
    mk, ms = raw[:16], raw[16:16 + salt_len]
    for off, proto in ((0, "srtp"), (3, "srtcp")):
        want[f"{suite}-{proto}-key"] = kdf(mk, ms, off, 16)
        if auth:
            want[f"{suite}-{proto}-auth"] = kdf(mk, ms, off + 1, 20)
        want[f"{suite}-{proto}-salt"] = kdf(mk, ms, off + 2, salt_len)
got = dict(line.split() for line in open(sys.argv[1]))
masked = {n: bytes(b ^ 0x5c for b in v).hex() for n, v in want.items()}
assert got == masked, (sorted(got), sorted(masked))
print(f"    {len(got)} needles checked")
EOF
echo "PASS $TEST"
