#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug harness's own test (make check-debug runs it before the
# suite): a test that triggers a checker's report must fail.  Each fault
# of tests/debug/canary.c is planted in a guest of SERIES (scripts/vm
# --no-module: nf_srtp is not involved) and the run must fail with that
# checker's report in scripts/vm's output; the canary without a fault
# must pass, so that what fails the others is the fault.  Prints a
# PASS/FAIL line per fault; exits 1 when one is not as expected.
#
#   tests/debug/canaries.sh [SERIES]     (default debug; make canary first)
#
# VM_LANES guests at a time (default: the number of CPUs).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
series=${1:-debug}
ko=$top/build/canary-$series/nfsrtp_canary.ko
out=$top/build/results/canaries-$series
lanes=${VM_LANES:-$(nproc)}

# fault, then the line scripts/vm must print (an extended regexp)
faults=(
	"none|"
	"leak|kmemleak reports [0-9]+ unreferenced object"
	"use-after-free|KASAN: [a-z-]*use-after-free"
	"sleep-in-atomic|BUG: sleeping function called from invalid context"
	"lock-inversion|possible circular locking dependency detected"
	"rcu|suspicious RCU usage"
	"shift|UBSAN: shift-out-of-bounds"
)

[ -f "$ko" ] || { echo "canaries: $ko missing: make canary KVER=$series" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"

plant() { # plant FAULT: one guest; its output and status in $out
	NFSRTP_VM_SMP=1 "$top/scripts/vm" -k "$series" --no-module -t 120 \
		-n "canary-$1" -- insmod "$ko" "fault=$1" >"$out/$1.log" 2>&1
	echo $? >"$out/$1.rc"
}

running=0
for f in "${faults[@]}"; do
	if [ "$running" -ge "$lanes" ]; then
		wait -n
		running=$((running - 1))
	fi
	plant "${f%%|*}" &
	running=$((running + 1))
done
wait

bad=0
for f in "${faults[@]}"; do
	name=${f%%|*} want=${f#*|}
	rc=$(cat "$out/$name.rc")
	if [ -z "$want" ]; then
		if [ "$rc" = 0 ]; then
			echo "PASS canary/$name (the canary alone passes)"
			continue
		fi
		why="the canary without a fault failed (status $rc)"
	elif [ "$rc" = 0 ]; then
		why="the run passed: the fault went unseen"
	elif report=$(grep -m 1 -E -- "$want" "$out/$name.log"); then
		report=${report#vm:}
		echo "PASS canary/$name (failed, as it must: ${report#"${report%%[! ]*}"})"
		continue
	else
		why="the run failed (status $rc) without \"$want\""
	fi
	echo "FAIL canary/$name: $why; its output:"
	sed 's/^/    /' "$out/$name.log" | tail -n 40
	bad=1
done
exit $bad
