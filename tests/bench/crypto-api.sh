#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the crypto API layering measurement (issue 12, point 9;
# Documentation/performance.md, "Crypto API layering") and of the HMAC's
# pieces (issue 15; "The HMAC's floor on this CPU").  Needs a module
# built with tests/bench/crypto-api.patch applied, which adds a "bench"
# parameter to the self-test:
#   git apply tests/bench/crypto-api.patch
#   make B=build-bench module KVER=6.1; git checkout kmod/selftest.c
#   NFSRTP_VM_BUILD=build-bench scripts/vm -k 6.1 --icount 2 -t 800 \
#       -- bash tests/bench/crypto-api.sh
# Under --icount 2 the guest clock advances about 4.01 ns per
# instruction, so the ns/pkt it prints are instructions x 4.01.  The
# FPU sections are counted with a kprobe on kernel_fpu_begin_mask, in a
# separate pass.
set -u
rmmod nf_srtp 2>/dev/null
for m in aesni_intel ghash_clmulni_intel sha1_ssse3; do
	modprobe -q "$m" || echo "($m not usable on this CPU)"
done
dmesg -C
insmod "$NFSRTP_KO" bench="${BENCH_N:-2000}" || {
	echo "insmod failed"
	dmesg | tail
	exit 1
}
dmesg | grep -E 'BENCH|self-tests'
rmmod nf_srtp
