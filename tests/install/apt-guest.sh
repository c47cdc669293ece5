#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of tests/install/apt.sh, run by scripts/vm --no-module on
# a host where the packages of make deb are installed (the guest shares
# the host's root): modprobe nf_srtp loads the module DKMS built for this
# kernel; the bulletin's two-phone call with the packaged programs only,
# /usr/sbin/srtpd for each phone (namespaces A and B) started as the
# srtpd user with CAP_NET_ADMIN alone, as srtpd.service starts it, with
# the package's /etc/nf-srtp/sip.cfg; /usr/sbin/srtpctl carries the SDP
# and shows the streams; media both ways, SRTP on the wire that libsrtp2
# decrypts with the SDP's keys.  A's Prometheus scrape passes promtool,
# and its call's series equal the sums of srtpctl's counters of A's
# streams.  The call deleted, srtpd stopped, modprobe -r.
. "$NFSRTP_TOP/tests/vm/lib.bash"
SRTPD=/usr/sbin/srtpd
SRTPCTL=/usr/sbin/srtpctl
CFG=/etc/nf-srtp/sip.cfg
tmp=$(mktemp -d)
chmod 755 "$tmp"
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	topo_cleanup
}
trap cleanup EXIT

step "modprobe nf_srtp: the module DKMS built for $(uname -r)"
[ ! -d /sys/module/nf_srtp ] || fail "nf_srtp loaded before modprobe"
modprobe nf_srtp
path=$(modinfo -n nf_srtp)
case $path in
/lib/modules/"$(uname -r)"/updates/dkms/nf_srtp.ko*) ;;
*) fail "modprobe found $path, not DKMS's" ;;
esac
[ -d /sys/module/nf_srtp ] || fail "modprobe nf_srtp loaded nothing"
echo "    $path"

topo_pair
# phone_start P NS: the packaged srtpd of phone P in NS, as srtpd.service
# runs it: user srtpd, CAP_NET_ADMIN alone in every set, its socket in a
# directory of its own (RuntimeDirectory=), metrics on the loopback.
phone_start() {
	local p=$1 ns=$2
	install -d -o srtpd -g srtpd -m 0700 "$tmp/$p"
	ip netns exec "$ns" setpriv --reuid=srtpd --regid=srtpd --clear-groups \
		--inh-caps=-all,+net_admin --ambient-caps=-all,+net_admin \
		--bounding-set=-all,+net_admin \
		"$SRTPD" --config "$CFG" --socket "$tmp/$p/srtpd.sock" \
		--metrics 127.0.0.1:9813 >"$tmp/$p.log" 2>&1 &
	eval "PID_$p=$!"
	PIDS+=($!)
	wait_for 30 test -S "$tmp/$p/srtpd.sock"
	call "$p" ping >/dev/null || fail "srtpd $p does not answer: $(cat "$tmp/$p.log")"
}
call() {
	local p=$1
	shift
	"$SRTPCTL" call "$@" socket "$tmp/$p/srtpd.sock"
}

step "srtpd of A and B as user srtpd with CAP_NET_ADMIN only, $CFG"
phone_start a nfsrtp-a
phone_start b nfsrtp-b
status=$(cat "/proc/$PID_a/status")
expect_match $'^Uid:\t'"$(id -u srtpd)"$'\t' "$(grep ^Uid: <<<"$status")"
for set in CapEff CapPrm CapBnd CapAmb; do
	# CAP_NET_ADMIN is bit 12
	expect_match "^$set:"$'\t'"0000000000001000$" "$(grep "^$set:" <<<"$status")"
done
echo "    $(grep ^Uid: <<<"$status"), CapEff 0x1000 (CAP_NET_ADMIN)"

step "A calls B: offer, answer, completion through srtpctl"
call a offer c1 media 10.0.1.1:4000 >"$tmp/offer" || fail "A's offer"
call b answer c1 media 10.0.1.2:5000 from 10.0.1.1 <"$tmp/offer" \
	>"$tmp/answer" 2>"$tmp/secure" || fail "B's answer: $(cat "$tmp/secure")"
call a complete c1 from 10.0.1.2 <"$tmp/answer" 2>>"$tmp/secure" ||
	fail "A's completion: $(cat "$tmp/secure")"
tr -d '\r' <"$tmp/answer" | grep '^m=\|^a=crypto' | sed 's/inline:.*/inline:.../; s/^/    answer: /'
[ "$(cat "$tmp/secure")" = "secure: yes
secure: yes" ] || fail "not secure: $(cat "$tmp/secure")"

step "media both ways: SRTP on the wire (libsrtp2), plain at the sockets"
wire_flow "A->B" nfsrtp-a nfsrtp-b veth-b 10.0.1.1 4000 10.0.1.2 5000 \
	"$(sdp_crypto "$tmp/offer" "$(sdp_tag "$tmp/answer")")" 100
wire_flow "B->A" nfsrtp-b nfsrtp-a veth-a 10.0.1.2 5000 10.0.1.1 4000 \
	"$(sdp_crypto "$tmp/answer")" 100
wire_flows_run

"$SRTPCTL" -n nfsrtp-a -s stream show | sed 's/^/    A: /'

step "A's metrics: promtool, and the call's series against srtpctl -s"
ip netns exec nfsrtp-a curl -sS --max-time 20 http://127.0.0.1:9813/metrics \
	>"$tmp/m" || fail "no scrape: $(cat "$tmp/a.log")"
promtool check metrics <"$tmp/m" >"$tmp/promtool" 2>&1 ||
	fail "promtool check metrics: $(cat "$tmp/promtool")"
series='{call_id="c1",front="control socket"}'
# srtpctl's counters of A's two streams (protect and unprotect, each a
# direction of the call): the call's packets and bytes are their sums,
# RTP apart from RTCP as the kernel counts all of them together
want=$(json_get "$("$SRTPCTL" -n nfsrtp-a -j -s stream show)" '
"\n".join("%s %d" % kv for kv in [
	("nfsrtp_call_rtp_packets_total", sum(s["packets"] - s["rtcp-packets"] for s in d)),
	("nfsrtp_call_rtp_bytes_total", sum(s["bytes"] - s["rtcp-bytes"] for s in d)),
	("nfsrtp_call_rtcp_packets_total", sum(s["rtcp-packets"] for s in d)),
	("nfsrtp_call_rtcp_bytes_total", sum(s["rtcp-bytes"] for s in d)),
	("nfsrtp_call_auth_failures_total", sum(s["drops"].get("auth", 0) for s in d)),
	("nfsrtp_call_streams", len(d))])')
while read -r name value; do
	got=$(prom_value "$tmp/m" "$name$series")
	[ "$got" = "$value" ] || fail "$name$series is '$got', srtpctl says $value"
	echo "    $name$series $got"
done <<<"$want"
# 100 RTP packets each way
[ "$(prom_value "$tmp/m" "nfsrtp_call_rtp_packets_total$series")" = 200 ] ||
	fail "the call's RTP packets are not the 200 sent"

step "hang-up: no stream left; srtpd stops cleanly; modprobe -r"
call a delete c1
call b delete c1
no_streams() { [ "$("$SRTPCTL" -n "$1" -j stream show)" = "[]" ]; }
wait_for 20 no_streams nfsrtp-a
wait_for 20 no_streams nfsrtp-b
for p in a b; do
	pid=$(eval echo "\$PID_$p")
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || fail "srtpd $p exited $rc: $(cat "$tmp/$p.log")"
done
PIDS=()
! grep -Ei 'warning|cannot|error' "$tmp/a.log" "$tmp/b.log" || fail "srtpd complained"
! grep -qE 'inline:' "$tmp/a.log" "$tmp/b.log" || fail "a key in srtpd's log"
modprobe -r nf_srtp
[ ! -d /sys/module/nf_srtp ] || fail "nf_srtp still loaded"
echo "PASS $TEST"
