#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the per-stage budget of a transformed packet (issue 15;
# Documentation/performance.md, "Where a transformed packet's
# instructions go").  Router R of A - R - B forwards A's 172-byte RTP
# (or SRTP) to B through one nf_srtp stream; function_graph traces the
# hook's functions named in FUNCS below (only those: every other function
# keeps its ftrace call site a NOP) for COUNT packets, and
# tests/bench/budget.py prints, per function, the mean instructions per
# packet, the tracer's own cost taken out.  Run under instruction
# counting, where the guest clock counts instructions:
#
#   make module KVER=6.1 && make userspace
#   scripts/vm -k 6.1 --icount 2 -t 900 -- \
#       bash tests/bench/budget.sh [OP [SUITE [COUNT [SIMD]]]]
#
#   OP: protect (the default) or unprotect; SUITE: AES_CM_128_HMAC_SHA1_80;
#   COUNT: 400 packets; SIMD: 1 loads aesni_intel, ghash_clmulni_intel
#   and sha1_ssse3 first, as udev does on a real host, 0 keeps the C
#   drivers.  (Arguments, not the environment: scripts/vm does not pass
#   the host's environment into the guest.)
set -u
. "$NFSRTP_TOP/tests/vm/lib.bash"
OP=${1:-protect}
SUITE=${2:-AES_CM_128_HMAC_SHA1_80}
COUNT=${3:-400}
SIMD=${4:-1}
T=/sys/kernel/tracing

rmmod nf_srtp 2>/dev/null
if [ "$SIMD" = 1 ]; then
	for m in aesni_intel ghash_clmulni_intel sha1_ssse3; do
		modprobe -q "$m" || echo "($m not usable on this CPU)"
	done
fi
insmod "$NFSRTP_KO" || fail "insmod"
topo_line
# B drops the packets quietly: no port unreachable back toward A
ip netns exec nfsrtp-b nft -f - <<'EOF'
table inet budget {
	chain input {
		type filter hook input priority 0; udp dport 5000 counter drop
	}
}
EOF
case $SUITE in
*256*) klen=46 ;;
AEAD_AES_128_GCM) klen=28 ;;
*) klen=30 ;;
esac
key=inline:$(head -c "$klen" /dev/urandom | base64 -w0)
"$SRTPCTL" -n nfsrtp-r stream add "$OP" src 10.0.1.1:4000 dst 10.0.2.1:5000 \
	suite "$SUITE" key "$key" >/dev/null || fail "stream add"
case $OP in
protect) hook=nf_srtp_out4 wire=() ;;
unprotect) hook=nf_srtp_in4 wire=(--suite "$SUITE" --key "$key") ;;
*) fail "OP=$OP" ;;
esac
send() { # send FIRST_SEQ N
	ip netns exec nfsrtp-a "$RTPWIRE" send --dst 10.0.2.1:5000 --src-port 4000 \
		--seq "$1" --count "$2" "${wire[@]}" >/dev/null || fail "rtpwire send"
}
FUNCS="$hook nf_srtp_match4 nf_srtp_match nf_srtp_lookup
	nf_srtp_transform skb_ensure_writable srtp_rtp_protect srtp_rtp_unprotect
	srtp_aes_ctr srtp_hmac_sha1 srtp_gcm_encrypt srtp_gcm_decrypt
	srtp_replay_add srtp_key_use nf_srtp_stream_events ip_send_check"


mountpoint -q $T || mount -t tracefs nodev $T || fail "tracefs"
tmp=$(mktemp -d)
send 1 50	# the SSRC and the stream warm, outside the trace
seq=100
# trace FILE FUNCTION...: COUNT packets with those functions traced
trace() {
	local out=$1 f
	shift
	echo function_graph >$T/current_tracer
	echo "$hook" >$T/set_graph_function
	: >$T/set_ftrace_filter
	for f in "$@"; do
		echo "$f" >>$T/set_ftrace_filter 2>/dev/null || echo "(not traceable: $f)"
	done
	echo 0 >$T/max_graph_depth
	echo 0 >$T/options/funcgraph-irqs
	: >$T/trace
	echo 1 >$T/tracing_on
	send "$seq" "$COUNT"
	echo 0 >$T/tracing_on
	cp $T/trace "$out"
	echo nop >$T/current_tracer
	seq=$((seq + COUNT))
}
# shellcheck disable=SC2086
trace "$tmp/full" $FUNCS
trace "$tmp/root" "$hook"
echo "op $OP, suite $SUITE, $COUNT packets, kernel $(uname -r)"
python3 "$NFSRTP_TOP/tests/bench/budget.py" --root "$hook" "$tmp/full" "$tmp/root" ||
	fail "budget.py"
"$SRTPCTL" -n nfsrtp-r -j stats
