#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall, on the host (no guest): what lands under
# DESTDIR, file by file; libnfsrtp's soname and exported symbols against
# its header; a program built with the installed pkg-config file and run
# against the installed library; the systemd unit through
# systemd-analyze verify and security (exposure at most 2.0); the example
# sip.cfg through the policy; srtpctl's bash completion; an operator's
# changed sip.cfg kept by a second install and by uninstall; uninstall
# leaving no file behind; PREFIX=/usr with Debian's multiarch LIBDIR; and
# make module_install.  Prints PASS or FAIL and what differs.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL install: $*"; exit 1; }
step() { echo "--- install: $*"; }
. tests/install/lib.bash
d=$tmp/root

step "make install DESTDIR=... (PREFIX=/usr/local)"
make -s install DESTDIR="$d" >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; fail "make install"; }
(cd "$d" && find . ! -type d | sed 's|^\.||' | sort) >"$tmp/got"
sort >"$tmp/want" <<'LIST'
/etc/default/srtpd
/etc/nf-srtp/sip.cfg
/usr/local/include/nfsrtp/linux/nf_srtp.h
/usr/local/include/nfsrtp/nfsrtp.h
/usr/local/lib/libnfsrtp.so
/usr/local/lib/libnfsrtp.so.0
/usr/local/lib/libnfsrtp.so.VERSION
/usr/local/lib/pkgconfig/libnfsrtp.pc
/usr/local/lib/systemd/system/srtpd.service
/usr/local/lib/sysusers.d/srtpd.conf
/usr/local/sbin/srtpctl
/usr/local/sbin/srtpd
/usr/local/share/bash-completion/completions/srtpctl
/usr/local/share/doc/nf-srtp/examples/sip.cfg
/usr/local/share/man/man8/srtpctl.8
/usr/local/share/man/man8/srtpd.8
LIST
sed -i "s/VERSION/$(cat VERSION)/" "$tmp/want"
diff -u "$tmp/want" "$tmp/got" || fail "the installed files differ (- expected, + installed)"
[ "$(stat -c %a "$d/usr/local/sbin/srtpd")" = 755 ] || fail "srtpd is not mode 0755"

step "libnfsrtp: soname, symbols, a program built with pkg-config"
lib=$d/usr/local/lib
soname=$(readelf -d "$lib/libnfsrtp.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libnfsrtp.so.0 ] || fail "soname '$soname', not libnfsrtp.so.0"
[ "$(readlink "$lib/libnfsrtp.so.0")" = "libnfsrtp.so.$(cat VERSION)" ] ||
	fail "libnfsrtp.so.0 -> $(readlink "$lib/libnfsrtp.so.0")"
# exactly the functions the installed header declares, at version NFSRTP_0
grep -oE '\bnfsrtp_[a-z_]+\(' "$d/usr/local/include/nfsrtp/nfsrtp.h" |
	sed 's/($/@@NFSRTP_0/' | sort -u >"$tmp/declared"
nm -D --defined-only "$lib/libnfsrtp.so" | awk '$2 == "T" { print $3 }' |
	sort -u >"$tmp/exported"
diff -u "$tmp/declared" "$tmp/exported" ||
	fail "exported symbols differ from nfsrtp.h, version NFSRTP_0 (- declared, + exported)"
export PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$d
# shellcheck disable=SC2046
cc -Wall -Werror -o "$tmp/client" tests/install/client.c $(pkg-config --cflags --libs libnfsrtp) ||
	fail "a client does not build against the installed libnfsrtp"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
# (not "ldd | grep -q": under pipefail, grep's early exit can kill ldd
# with SIGPIPE and fail the pipeline although the line was there)
grep -q 'libnfsrtp.so.0 => not found' <<<"$(ldd "$tmp/client")" ||
	fail "the client is not linked to libnfsrtp.so.0"
LD_LIBRARY_PATH=$lib "$tmp/client" >"$tmp/suites" || fail "the client failed"
grep -qx AES_CM_128_HMAC_SHA1_80 "$tmp/suites" || fail "suites: $(cat "$tmp/suites")"

step "srtpd.service: systemd-analyze verify, security"
unit=$d/usr/local/lib/systemd/system/srtpd.service
grep -q '^ExecStart=/usr/local/sbin/srtpd --config /etc/nf-srtp/sip.cfg ' "$unit" ||
	fail "ExecStart: $(grep ExecStart= "$unit")"
# verify checks that commands exist: srtpd's path in the staged tree
sed "s|/usr/local/sbin/srtpd|$d/usr/local/sbin/srtpd|" "$unit" >"$tmp/srtpd.service"
unit_check "$unit" "$tmp/srtpd.service"
grep -qx 'u srtpd - "nf-srtp policy daemon" /nonexistent /usr/sbin/nologin' \
	"$d/usr/local/lib/sysusers.d/srtpd.conf" || fail "sysusers.d entry"

step "the example sip.cfg through the policy"
"$d/usr/local/sbin/srtpctl" sdp offer --config "$d/etc/nf-srtp/sip.cfg" \
	--media 192.0.2.10:2230 >"$tmp/offer" 2>&1 || fail "sip.cfg: $(cat "$tmp/offer")"
grep -q '^m=audio 2230 RTP/SAVP ' "$tmp/offer" || fail "no SRTP offered: $(cat "$tmp/offer")"
grep -q '^m=audio 2230 RTP/AVP ' "$tmp/offer" || fail "no plain RTP offered: $(cat "$tmp/offer")"

step "bash completion"
complete_words() { # the completions of the command line "$*"
	bash -c '. /usr/share/bash-completion/bash_completion
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_srtpctl srtpctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$d/usr/local/share/bash-completion/completions/srtpctl" "$@"
}
[ "$(complete_words srtpctl stream a)" = add ] || fail "srtpctl stream a: $(complete_words srtpctl stream a)"
[ "$(complete_words srtpctl -j stream add p)" = protect ] || fail "srtpctl -j stream add p"
expect_words="call conference"
[ "$(complete_words srtpctl c | sort | tr "\n" " ")" = "$expect_words " ] ||
	fail "srtpctl c: $(complete_words srtpctl c)"
# the suites it offers are libnfsrtp's, all of them
complete_words srtpctl stream add protect suite "" | sort >"$tmp/completed"
sort "$tmp/suites" | diff -u - "$tmp/completed" ||
	fail "the completion's suites differ from libnfsrtp's (- library, + completion)"

step "a changed sip.cfg survives install and uninstall"
echo '<!-- changed -->' >>"$d/etc/nf-srtp/sip.cfg"
make -s install DESTDIR="$d" >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; fail "make install again"; }
grep -q 'changed' "$d/etc/nf-srtp/sip.cfg" || fail "install overwrote sip.cfg"
make -s uninstall DESTDIR="$d" >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; fail "make uninstall"; }
left=$(cd "$d" && find . ! -type d | sed 's|^\.||')
[ "$left" = /etc/nf-srtp/sip.cfg ] || fail "after uninstall, with a changed sip.cfg: $left"

step "uninstall leaves nothing"
rm -rf "$d"
make -s install DESTDIR="$d" >/dev/null 2>&1 && make -s uninstall DESTDIR="$d" >/dev/null 2>&1 ||
	fail "install, uninstall"
left=$(cd "$d" && find . ! -type d)
[ -z "$left" ] || fail "files left: $left"
for dir in usr/local/include/nfsrtp usr/local/share/doc/nf-srtp etc/nf-srtp; do
	[ ! -e "$d/$dir" ] || fail "$dir left"
done

step "PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu"
rm -rf "$d"
make -s install DESTDIR="$d" PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu \
	UNITDIR=/lib/systemd/system >/dev/null 2>&1 || fail "make install PREFIX=/usr"
grep -q '^ExecStart=/usr/sbin/srtpd ' "$d/lib/systemd/system/srtpd.service" ||
	fail "ExecStart under PREFIX=/usr: $(grep ExecStart= "$d/lib/systemd/system/srtpd.service")"
grep -qx 'libdir=/usr/lib/x86_64-linux-gnu' "$d/usr/lib/x86_64-linux-gnu/pkgconfig/libnfsrtp.pc" ||
	fail "libnfsrtp.pc: $(cat "$d/usr/lib/x86_64-linux-gnu/pkgconfig/libnfsrtp.pc")"

if [ -e build/kmod-6.1/nf_srtp.ko ]; then
	step "make module_install KVER=6.1 DESTDIR=..."
	rm -rf "$d"
	make -s module_install KVER=6.1 DESTDIR="$d" >"$tmp/make.log" 2>&1 ||
		{ cat "$tmp/make.log"; fail "make module_install"; }
	rel=$(scripts/kver 6.1)
	[ "$(cd "$d" && find . -type f)" = "./lib/modules/$rel/updates/nf_srtp.ko" ] ||
		fail "module_install: $(cd "$d" && find . -type f)"
	modinfo -F alias "$d/lib/modules/$rel/updates/nf_srtp.ko" |
		grep -qx 'net-pf-16-proto-16-family-nf_srtp' ||
		fail "no generic netlink alias: the family would not autoload"
fi
echo "PASS install"
