#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make dkms_install on this machine, as a router's operator would: DKMS
# must build and install nf_srtp.ko for every kernel whose headers are
# installed (Debian's 6.1 and 6.12 at least).  Then a guest of 6.1 and one
# of 6.12 boot without our build's module: the first netlink request for
# the family (srtpctl stats) must load the DKMS-built module by itself
# (the generic netlink alias), from /lib/modules/<release>/updates/dkms,
# and it must protect a stream that libsrtp2 checks; modprobe -r removes
# it.  make dkms_uninstall must leave no module and no source behind.
# It changes the machine (/usr/src, /lib/modules, DKMS's tree) and puts
# it back, whatever happens: make check-install, not make check.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
version=$(cat VERSION)
fail() { echo "FAIL dkms: $*"; exit 1; }
step() { echo "--- dkms: $*"; }
. tests/install/lib.bash
[ "$(id -u)" = 0 ] || fail "needs root: DKMS installs into /lib/modules"
command -v dkms >/dev/null || fail "no dkms (make check-install installs it)"
! in_dkms || fail "nf-srtp is in DKMS already: $(dkms status -m nf-srtp)"
cleanup() { make -s dkms_uninstall >/dev/null 2>&1 || true; }
trap cleanup EXIT

step "make dkms_install"
make -s dkms_install >build/dkms.log 2>&1 || { tail -n 30 build/dkms.log; fail "make dkms_install"; }
dkms_check_installed "$version"

for s in 6.1 6.12; do
	step "a $s guest: srtpctl stats loads the DKMS module; a stream checked by libsrtp2"
	scripts/vm -k "$s" --no-module -n "dkms-$s" -- bash -c '
		set -e
		! [ -d /sys/module/nf_srtp ] || { echo "loaded before any request"; exit 1; }
		"$NFSRTP_TOP/build/bin/srtpctl" -j stats
		[ -d /sys/module/nf_srtp ] || { echo "not loaded by the request"; exit 1; }
		path=$(modinfo -n nf_srtp)
		echo "module: $path"
		case $path in */updates/dkms/nf_srtp.ko*) ;; *) exit 1 ;; esac
		# a protect stream in this namespace; rtpwire checks it
		ip link set lo up
		K=inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI
		"$NFSRTP_TOP/build/bin/srtpctl" stream add protect src 127.0.0.1:4000 \
			dst 127.0.0.1:5000 suite AES_CM_128_HMAC_SHA1_80 key "$K"
		"$NFSRTP_TOP/build/bin/rtpwire" recv --bind 127.0.0.1 --port 5000 \
			--count 50 --suite AES_CM_128_HMAC_SHA1_80 --key "$K" >/tmp/rx &
		rx=$!
		for i in $(seq 50); do grep -q listening /tmp/rx && break; sleep 0.2; done
		"$NFSRTP_TOP/build/bin/rtpwire" send --dst 127.0.0.1:5000 \
			--src-port 4000 --count 50 >/dev/null
		wait $rx
		tail -n 1 /tmp/rx
		"$NFSRTP_TOP/build/bin/srtpctl" stream flush
		modprobe -r nf_srtp
		! [ -d /sys/module/nf_srtp ]
		echo "removed"
	' >"build/dkms-$s.out" 2>&1 || { cat "build/dkms-$s.out"; fail "the $s guest"; }
	sed 's/^/    /' "build/dkms-$s.out" | grep -v '^    {' || true
done

step "make dkms_uninstall"
make -s dkms_uninstall >build/dkms.log 2>&1 || { cat build/dkms.log; fail "make dkms_uninstall"; }
trap - EXIT
! in_dkms || fail "DKMS still has it: $(dkms status -m nf-srtp)"
left=$(ls -d /usr/src/nf-srtp-* /lib/modules/*/updates/dkms/nf_srtp.ko* 2>/dev/null || true)
[ -z "$left" ] || fail "left behind: $left"
echo "PASS dkms"
