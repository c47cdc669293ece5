#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module runs its crypto known-answer self-tests at load and logs one
# line naming the drivers it tested; a failing vector would have kept it
# from loading.  Checked on the harness's load (whatever AES/SHA drivers
# the bare guest has) and again after loading the x86 accelerated crypto
# modules, which udev would load on a real host.  scripts/vm checks the
# kernel log for splats afterwards.  With those modules the self-test
# also provokes -EINPROGRESS from the public simd wrappers (async-ctr,
# async-gcm) and must say it passed.
. "$(dirname "$0")/lib.bash"

LINE='nf_srtp: self-tests passed \(aes-ctr: (.+), sha1: (.+), gcm: (.+)\)$'

# check_loads N: exactly N self-test lines, no failure, drivers named.
check_loads() {
	local n last
	n=$(dmesg | grep -c 'nf_srtp: self-tests passed' || true)
	[ "$n" -eq "$1" ] || fail "$n self-test lines after $1 loads"
	if dmesg | grep -E 'nf_srtp: (self-test .* failed|crypto setup failed)'; then
		fail "a self-test failed"
	fi
	last=$(dmesg | grep 'nf_srtp: self-tests passed' | tail -n 1)
	[[ $last =~ $LINE ]] || fail "malformed self-test line: $last"
	[ -n "${BASH_REMATCH[1]// /}" ] || fail "no aes-ctr driver in: $last"
	[ -n "${BASH_REMATCH[2]// /}" ] || fail "no sha1 driver in: $last"
	[ -n "${BASH_REMATCH[3]// /}" ] || fail "no gcm driver in: $last"
	echo "load $1: aes-ctr ${BASH_REMATCH[1]}; sha1 ${BASH_REMATCH[2]}; gcm ${BASH_REMATCH[3]}"
	[ "$1" != 1 ] || FIRST_CTR=${BASH_REMATCH[1]}
}

step "self-tests passed at the harness's load"
module_loaded || fail "nf_srtp not loaded by the harness"
check_loads 1

step "again with the accelerated drivers a host would have"
reload_with_simd
check_loads 2

step "the -EINPROGRESS path, provoked with the FPU busy (kmod/selftest.c)"
for op in ctr gcm; do
	line=$(dmesg | grep "nf_srtp: self-test async-$op " | tail -n 1)
	echo "$line"
	case $line in
	*"async-$op passed ("*-EINPROGRESS*) ;;
	*) fail "async-$op did not pass with the SIMD drivers: $line" ;;
	esac
done
for v in libsrtp2-aes-cm-128-hmac-sha1-80 libsrtp2-aead-aes-128-gcm; do
	line=$(dmesg | grep "nf_srtp: self-test async-core $v " | tail -n 1)
	echo "$line"
	case $line in
	*"async-core $v passed"*) ;;
	*) fail "async-core $v did not pass with the SIMD drivers: $line" ;;
	esac
done
# The self-test's own -EINPROGRESS, provoked at every load, is no event
# for the operator: no warning (a real packet's names the driver).
line=$(dmesg | grep 'nf_srtp: .* answered asynchronously' || true)
[ -z "$line" ] || fail "the self-test's provoked -EINPROGRESS warned: $line"
# Debian's bare guest's first load has no public driver but the generic
# one, and must say why it skipped async-ctr; a kernel with AES-NI built
# in (the debug kernel) ran it at both loads.
case $FIRST_CTR in
*aesni*)
	[ "$(dmesg | grep -c 'nf_srtp: self-test async-ctr passed (')" = 2 ] ||
		fail "AES-NI is built in, but async-ctr did not pass at both loads" ;;
*)
	dmesg | grep -q 'nf_srtp: self-test async-ctr skipped: ' ||
		fail "the first load did not say why async-ctr was skipped" ;;
esac

step "unload"
rmmod nf_srtp
module_loaded && fail "nf_srtp still loaded"
echo "PASS $TEST"
