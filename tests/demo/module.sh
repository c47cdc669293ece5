#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demonstration run by `make demo` inside a guest (scripts/vm loads the
# module first): the module, its generic netlink family and its counters.
set -euo pipefail
SRTPCTL=$NFSRTP_TOP/build/bin/srtpctl

echo "== guest kernel: $(uname -r)"
echo "== nf_srtp loaded:"
grep '^nf_srtp ' /proc/modules
echo "== its generic netlink family, as the kernel's controller lists it:"
genl ctrl get name nf_srtp
echo "== srtpctl stats (through libnfsrtp / libnl-genl):"
"$SRTPCTL" stats
echo "== srtpctl -j stats:"
"$SRTPCTL" -j stats
echo "== the same family in a fresh network namespace:"
ip netns add demo
ip netns exec demo "$SRTPCTL" -j stats
ip netns del demo
echo "== unloading"
rmmod nf_srtp
echo "== kernel log of the module:"
dmesg | grep -i nf_srtp || true
