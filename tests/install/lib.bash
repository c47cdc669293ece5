# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Helpers of the install tests (sourced by install.sh and apt.sh, which
# define fail).

# unit_check UNIT [VERIFY-COPY]: systemd-analyze verify prints nothing for
# UNIT (or for VERIFY-COPY, UNIT with its commands pointed into a staging
# tree: verify checks that they exist), and security --offline rates
# UNIT's exposure 2.0 ("OK") or less; prints the rating.
unit_check() {
	local out sec exposure
	out=$(systemd-analyze verify --man=no "${2:-$1}" 2>&1) ||
		fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify: $out"
	sec=$(systemd-analyze security --offline=true --no-pager "$1" 2>&1 || true)
	exposure=$(sed -n 's/.*Overall exposure level for srtpd.service: \([0-9.]*\) .*/\1/p' <<<"$sec")
	[ -n "$exposure" ] || fail "no exposure level: $(tail -n 3 <<<"$sec")"
	awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' ||
		fail "exposure $exposure, above 2.0: $(grep '✗' <<<"$sec")"
	echo "    systemd-analyze verify: clean; security: exposure $exposure" \
		"($(grep -c '✗' <<<"$sec") settings open)"
}
