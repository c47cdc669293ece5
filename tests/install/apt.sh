#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages, installed on this machine the way an operator
# installs them: make deb, then apt-get install ./*.deb of nf-srtp-dkms,
# srtpd, srtpctl, libnfsrtp0 and libnfsrtp-dev.  Then the srtpd user
# exists (sysusers.d), DKMS has built and installed nf_srtp.ko for every
# kernel that has headers (Debian's 6.1 and 6.12 at least), the packaged
# unit passes systemd-analyze verify and rates "OK" in security, and a
# program built with pkg-config against libnfsrtp-dev runs.  A guest of
# 6.1 and one of 6.12 (scripts/vm --no-module) run apt-guest.sh: modprobe
# of the DKMS-built module, the two-phone call with the packaged srtpd
# as user srtpd with CAP_NET_ADMIN only, srtpctl, the metrics against
# srtpctl.  Last, apt-get purge must leave no file of the packages
# behind: none of what dpkg -L listed (directories that other packages
# own apart), nothing in DKMS's tree or /lib/modules, no /etc/nf-srtp.
# The srtpd user stays, as Debian leaves the system users of purged
# packages (files they own may outlive them).
# It changes the machine and puts it back, whatever happens: make
# check-install, not make check.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
version=$(cat VERSION)
pkgs=(nf-srtp-dkms srtpd srtpctl libnfsrtp0 libnfsrtp-dev)
fail() { echo "FAIL apt: $*"; exit 1; }
step() { echo "--- apt: $*"; }
. tests/install/lib.bash
export DEBIAN_FRONTEND=noninteractive
[ "$(id -u)" = 0 ] || fail "needs root: it installs packages"
for p in "${pkgs[@]}"; do
	! dpkg -s "$p" >/dev/null 2>&1 || fail "$p is installed already: purge it first"
done
! in_dkms || fail "nf-srtp is in DKMS already (make dkms_install?): $(dkms status -m nf-srtp)"
log=build/apt.log
tmp=$(mktemp -d)
purge() { apt-get purge -y "${pkgs[@]}" >>"$log" 2>&1; }
trap 'purge || true; rm -rf "$tmp"' EXIT

step "make deb"
make -s deb >"$log" 2>&1 || { tail -n 30 "$log"; fail "make deb"; }
debs=()
for p in "${pkgs[@]}"; do
	f=$(ls "$top"/build/deb/"${p}_${version}"_*.deb) || fail "no package $p"
	debs+=("$f")
done

step "apt-get install ./nf-srtp-dkms_*.deb ./srtpd_*.deb ./srtpctl_*.deb ./libnfsrtp0_*.deb ./libnfsrtp-dev_*.deb"
start=$SECONDS
apt-get install -y "${debs[@]}" >>"$log" 2>&1 || { tail -n 40 "$log"; fail "apt-get install"; }
echo "    $((SECONDS - start)) s; $(grep -m 1 '^Building for ' "$log")"
for p in "${pkgs[@]}"; do
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$p")" = installed ] || fail "$p not installed"
	dpkg -L "$p"
done | sort -u >"$tmp/files"
echo "    $(wc -l <"$tmp/files") paths in the packages"

step "the srtpd user (sysusers.d)"
IFS=: read -r _ _ uid _ _ home shell <<<"$(getent passwd srtpd)" || fail "no srtpd user"
[ "$uid" -lt 1000 ] && [ "$shell" = /usr/sbin/nologin ] && [ "$home" = /nonexistent ] ||
	fail "srtpd user: $(getent passwd srtpd)"
echo "    $(getent passwd srtpd)"

step "DKMS: nf_srtp.ko built and installed for every kernel with headers"
dkms_check_installed "$version"

step "the packaged srtpd.service"
unit=/lib/systemd/system/srtpd.service
grep -q '^ExecStart=/usr/sbin/srtpd --config /etc/nf-srtp/sip.cfg ' "$unit" ||
	fail "ExecStart: $(grep ExecStart= "$unit")"
unit_check "$unit"

step "libnfsrtp-dev: a program built with pkg-config libnfsrtp runs"
# shellcheck disable=SC2046
cc -Wall -Werror -o "$tmp/client" tests/install/client.c \
	$(pkg-config --cflags --libs libnfsrtp) ||
	fail "the client does not build"
# (/lib is /usr/lib on a merged-/usr system: compare where they lead)
so=$(ldd "$tmp/client" | awk '$1 == "libnfsrtp.so.0" { print $3 }')
packaged=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/libnfsrtp.so.0
[ -n "$so" ] && [ "$(readlink -f "$so")" = "$(readlink -f "$packaged")" ] &&
	[[ $(dpkg -S "$packaged") == libnfsrtp0:* ]] ||
	fail "not linked to the packaged library: $(ldd "$tmp/client")"
"$tmp/client" >"$tmp/suites" || fail "the client failed"
grep -qx AES_CM_128_HMAC_SHA1_80 "$tmp/suites" || fail "suites: $(cat "$tmp/suites")"

for s in 6.1 6.12; do
	step "a $s guest: the DKMS module, the packaged srtpd and srtpctl, a call"
	scripts/vm -k "$s" --no-module -n "apt-$s" -- "$top/tests/install/apt-guest.sh" \
		>"build/apt-$s.out" 2>&1 || { cat "build/apt-$s.out"; fail "the $s guest"; }
	sed 's/^/    /' "build/apt-$s.out"
done

step "apt-get purge: nothing of ours left"
purge || { tail -n 30 "$log"; fail "apt-get purge"; }
trap 'rm -rf "$tmp"' EXIT
for p in "${pkgs[@]}"; do
	! dpkg -s "$p" >/dev/null 2>&1 || fail "dpkg still knows $p: $(dpkg -s "$p" | grep ^Status)"
done
: >"$tmp/left"
while read -r f; do
	[ "$f" != /. ] || continue
	if [ -d "$f" ]; then
		# a directory stays only if another package has it (/lib, a
		# link to /usr/lib on a merged-/usr system, too)
		dpkg -S "$f" >/dev/null 2>&1 || echo "$f/" >>"$tmp/left"
	elif [ -e "$f" ] || [ -L "$f" ]; then
		echo "$f" >>"$tmp/left"
	fi
done <"$tmp/files"
ls -d /usr/src/nf-srtp-* /var/lib/dkms/nf-srtp /lib/modules/*/updates/dkms/nf_srtp.ko* \
	/etc/nf-srtp /etc/default/srtpd 2>/dev/null >>"$tmp/left" || true
[ ! -s "$tmp/left" ] || fail "left behind: $(cat "$tmp/left")"
! in_dkms || fail "DKMS still has it: $(dkms status -m nf-srtp)"
echo "    $(wc -l <"$tmp/files") paths checked: none left; the srtpd user stays"
echo "PASS apt"
