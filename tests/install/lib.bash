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

# in_dkms: DKMS has some version of nf-srtp (its status read whole: under
# pipefail, "dkms status | grep -q ." fails when grep's early exit kills
# dkms with SIGPIPE)
in_dkms() {
	local st
	st=$(dkms status -m nf-srtp 2>/dev/null) || true
	[ -n "$st" ]
}

# dkms_check_installed VERSION: DKMS has nf-srtp VERSION installed, its
# nf_srtp.ko in updates/dkms, for every kernel whose headers are here,
# Debian's 6.1 and 6.12 among them; prints DKMS's status lines.
dkms_check_installed() {
	local k r s st kernels=()
	for k in /lib/modules/*/build; do
		[ -e "$k/Makefile" ] || continue
		r=${k#/lib/modules/}
		kernels+=("${r%/build}")
	done
	for r in "${kernels[@]}"; do
		# (dkms warns on stderr about compilers it cannot read: not ours)
		st=$(dkms status -m nf-srtp -v "$1" -k "$r" 2>/dev/null)
		echo "    $st"
		grep -q 'installed' <<<"$st" || fail "not installed for $r: $st"
		ls /lib/modules/"$r"/updates/dkms/nf_srtp.ko* >/dev/null 2>&1 ||
			fail "no nf_srtp.ko in /lib/modules/$r/updates/dkms"
	done
	for s in 6.1 6.12; do
		r=$(scripts/kver "$s")
		printf '%s\n' "${kernels[@]}" | grep -qx "$r" ||
			fail "no DKMS build for $s ($r)"
	done
}
