# shellcheck shell=bash disable=SC2034
# SPDX-License-Identifier: GPL-2.0
# Helpers for guest test scripts (sourced; run inside scripts/vm).

set -euo pipefail
SRTPCTL=$NFSRTP_TOP/build/bin/srtpctl
TEST=$(basename "$0" .sh)

fail() {
	echo "FAIL $TEST: $*" >&2
	exit 1
}

step() {
	echo "--- $TEST: $*"
}

# expect_match PATTERN TEXT: TEXT matches the extended regex PATTERN.
expect_match() {
	grep -Eq -- "$1" <<<"$2" || fail "expected /$1/ in: $2"
}

# must_fail CMD...: CMD exits non-zero; its stderr is left in $ERR.
must_fail() {
	if ERR=$("$@" 2>&1 >/dev/null); then
		fail "expected failure: $*"
	fi
}

# wait_for SECONDS CMD...: poll CMD until it succeeds, at most SECONDS.
wait_for() {
	local limit=$1 start=$SECONDS
	shift
	until "$@"; do
		[ $((SECONDS - start)) -lt "$limit" ] || fail "timed out after ${limit}s waiting for: $*"
		sleep 0.1
	done
}

module_loaded() {
	[ -d /sys/module/nf_srtp ]
}
