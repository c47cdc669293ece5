# SPDX-License-Identifier: GPL-2.0
#
# nf-srtp: the user's entry point.
#
#   make               the module for KVER (default 6.1) and the userspace tools
#   make KVER=6.12     the module for Debian's 6.12 kernel
#   make check         unit tests (ASan+UBSan), VM tests on 6.1 and 6.12, style
#   make check-rt      the VM tests on Debian's PREEMPT_RT kernel (KVER=6.12-rt)
#   make check-install make install and uninstall, DKMS for every installed
#                      kernel and its module loaded in 6.1 and 6.12 guests
#                      (changes this machine, then restores it)
#   make check-debug   the VM tests on a KASAN/lockdep/kmemleak kernel built
#                      from Debian's source (KVER=debug; not part of check),
#                      after the canary module's planted faults (make canary)
#   make check-fuzz    the netlink and packet fuzzers, long, on that kernel
#                      (VM_TESTS=tests/vm/fuzz-genl.sh: one of them)
#   make demo          the demonstration in a guest
#   make style         checkpatch --strict over kmod/ and include/
#   make unit          only the unit tests; make vmtest KVER=..; one VM test:
#                      scripts/vm-tests -k 6.1 tests/vm/genl-family.sh
#   make ynl           the kernel's YNL tool into build/ynl (tests/vm/ynl.sh),
#                      and the YNL spec checked against its schema

# KVER: a series of scripts/kver: 6.1, 6.12 (Debian's plain amd64 kernels),
# 6.12-rt (the PREEMPT_RT flavour), debug (scripts/debug-kernel's build).
KVER ?= 6.1
KREL = $(shell scripts/kver $(KVER))
ifeq ($(KVER),debug)
KDIR ?= $(shell scripts/debug-kernel --dir)/src
endif
KDIR ?= /lib/modules/$(KREL)/build
B := build
KBUILD_TREE := $(B)/kmod-$(KVER)

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror
USER_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude/uapi -Idaemon \
	$(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS = $(shell pkg-config --libs libnl-genl-3.0)

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
UNIT_CFLAGS := -std=gnu11 -g -O1 $(WARN) $(SAN) -D_GNU_SOURCE -Ikmod \
	-Iinclude/uapi -Idaemon
UNIT_LIBS = $(B)/libnfsrtp.a $(shell pkg-config --libs check libsrtp2 libcrypto libpcap expat \
	libnl-genl-3.0 libnftables libnetfilter_conntrack)

# The SRTP core and its userspace crypto backend, once they exist.
CORE_SRCS := $(wildcard kmod/srtp.c) $(if $(wildcard kmod/srtp.c),daemon/crypto_ossl.c)
# Userspace code shared by srtpctl, srtpd and the unit tests: RFC 4568 and
# RFC 4566 syntax, the sip.cfg configuration, the bulletin's policy and
# offer/answer.
COMMON_SRCS := daemon/errmsg.c daemon/strbuf.c daemon/sdes.c daemon/sdp.c daemon/config.c daemon/policy.c \
	daemon/negotiate.c daemon/kstream.c daemon/kset.c daemon/calls.c daemon/call.c daemon/control.c daemon/bencode.c \
	daemon/bridge.c daemon/trust.c daemon/anchor.c daemon/relay.c daemon/nganchor.c daemon/ng.c
COMMON_LIBS = $(shell pkg-config --libs expat)
# srtpctl's offline tools on the SRTP core (pcap decrypt/encrypt).
TOOL_SRCS := daemon/pcap.c
# srtpd's alone, and the unit tests': its Prometheus metrics (libnfsrtp's
# names of drops and events).
SRTPD_SRCS := daemon/metrics.c
# The nftables relay table of anchored media (libnftables): srtpd, its unit
# test and tests/tools/natmapctl.
NATMAP_SRCS := daemon/natmap.c
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(wildcard tests/unit/test_*.c))

LIB_SRCS := daemon/lib/nfsrtp.c
LIB_HDRS := daemon/lib/nfsrtp.h include/uapi/linux/nf_srtp.h

.PHONY: all module canary userspace unit vmtest check check-rt check-debug check-fuzz check-flood style demo \
	deps clean ynl install uninstall module_install dkms_source dkms_install \
	dkms_uninstall check-install deb

all: module userspace

deps:
	@scripts/deps

module:
	@mkdir -p $(KBUILD_TREE)/kmod
	@ln -sfn $(CURDIR)/Kbuild $(KBUILD_TREE)/Kbuild
	@ln -sfn $(CURDIR)/include $(KBUILD_TREE)/include
	@for f in kmod/*.[ch]; do ln -sfn $(CURDIR)/$$f $(KBUILD_TREE)/$$f; done
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(KBUILD_TREE) W=1 \
		KCFLAGS=-Werror modules

# The debug harness's canary module (tests/debug/canary.c): make canary
# KVER=debug; tests/debug/canaries.sh loads it.
canary:
	@mkdir -p $(B)/canary-$(KVER)
	@ln -sfn $(CURDIR)/tests/debug/Kbuild $(B)/canary-$(KVER)/Kbuild
	@ln -sfn $(CURDIR)/tests/debug/canary.c $(B)/canary-$(KVER)/canary.c
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(B)/canary-$(KVER) W=1 \
		KCFLAGS=-Werror modules

userspace: $(B)/bin/srtpctl $(B)/bin/srtpd $(B)/bin/rtpwire $(B)/bin/genlfuzz \
	$(B)/bin/keyscan $(B)/bin/natmapctl

$(B)/libnfsrtp.a: $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(B)/obj
	$(CC) $(CPPFLAGS) $(CFLAGS) $(USER_CFLAGS) -c -o $(B)/obj/nfsrtp.o daemon/lib/nfsrtp.c
	ar rcs $@ $(B)/obj/nfsrtp.o

$(B)/bin/srtpctl: daemon/srtpctl.c daemon/srtpctl_sdp.c daemon/srtpctl_call.c $(COMMON_SRCS) $(TOOL_SRCS) $(CORE_SRCS) \
		$(B)/libnfsrtp.a daemon/*.h kmod/srtp*.h
	@mkdir -p $(B)/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(USER_CFLAGS) -Ikmod -o $@ $< daemon/srtpctl_sdp.c \
		daemon/srtpctl_call.c \
		$(COMMON_SRCS) $(TOOL_SRCS) \
		$(CORE_SRCS) $(B)/libnfsrtp.a $(NL_LIBS) \
		$(shell pkg-config --libs libpcap libcrypto) $(COMMON_LIBS)

$(B)/bin/srtpd: daemon/srtpd.c $(COMMON_SRCS) $(SRTPD_SRCS) $(NATMAP_SRCS) $(B)/libnfsrtp.a daemon/*.h
	@mkdir -p $(B)/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(USER_CFLAGS) -o $@ $< $(COMMON_SRCS) $(SRTPD_SRCS) \
		$(NATMAP_SRCS) $(B)/libnfsrtp.a $(NL_LIBS) $(COMMON_LIBS) \
		$(shell pkg-config --libs libsystemd libmicrohttpd libnftables \
		libnetfilter_conntrack)

# The RTP/RTCP endpoints of the VM tests, checked with libsrtp2.
$(B)/bin/rtpwire: tests/tools/rtpwire.c tests/lib/ref_srtp.c tests/lib/ref_srtp.h $(COMMON_SRCS)
	@mkdir -p $(B)/bin
	$(CC) $(CFLAGS) $(USER_CFLAGS) -Itests/lib -o $@ $< tests/lib/ref_srtp.c \
		$(COMMON_SRCS) $(shell pkg-config --libs libsrtp2) $(COMMON_LIBS)

# srtpd's nftables relay table, driven by tests/vm/anchor.sh.
$(B)/bin/natmapctl: tests/tools/natmapctl.c $(NATMAP_SRCS) daemon/anchor.c daemon/trust.c \
		daemon/errmsg.c daemon/strbuf.c daemon/sdp.c daemon/*.h
	@mkdir -p $(B)/bin
	$(CC) $(CFLAGS) $(USER_CFLAGS) -o $@ $< $(NATMAP_SRCS) daemon/anchor.c daemon/trust.c \
		daemon/errmsg.c daemon/strbuf.c daemon/sdp.c \
		$(shell pkg-config --libs libnftables libnetfilter_conntrack)

# The scan of RAM for key material of tests/vm/keyscan.sh.
$(B)/bin/keyscan: tests/tools/keyscan.c
	@mkdir -p $(B)/bin
	$(CC) $(CFLAGS) $(USER_CFLAGS) -o $@ $<

# The generic netlink fuzzer of tests/vm/fuzz-genl.sh.
$(B)/bin/genlfuzz: tests/tools/genlfuzz.c include/uapi/linux/nf_srtp.h
	@mkdir -p $(B)/bin
	$(CC) $(CFLAGS) $(USER_CFLAGS) -o $@ $<

# The sources every unit test links, compiled once (with ASan and UBSan)
# rather than once per test binary; := keeps a test's own additions to
# UNIT_CFLAGS (below) out of them.
UNIT_OBJ_CFLAGS := $(UNIT_CFLAGS) -Itests/lib
UNIT_OBJS := $(patsubst %.c,$(B)/unit/obj/%.o,$(CORE_SRCS) $(COMMON_SRCS) \
		$(TOOL_SRCS) $(SRTPD_SRCS) $(NATMAP_SRCS) tests/lib/ref_srtp.c)

$(B)/unit/obj/%.o: %.c $(wildcard kmod/*.h daemon/*.h tests/lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_OBJ_CFLAGS) -c -o $@ $<

$(B)/unit/%: tests/unit/%.c $(UNIT_OBJS) $(B)/libnfsrtp.a $(wildcard kmod/*.h daemon/*.h tests/lib/*)
	@mkdir -p $(B)/unit
	$(CC) $(UNIT_CFLAGS) -Itests/lib -o $@ $< $(UNIT_OBJS) $(UNIT_LIBS)

# The command-line test runs the srtpctl binary.
$(B)/unit/test_srtpctl_sdp: $(B)/bin/srtpctl
$(B)/unit/test_srtpctl_sdp: UNIT_CFLAGS += -DSRTPCTL_PATH='"$(CURDIR)/$(B)/bin/srtpctl"'

unit: $(UNIT_TESTS)
	@scripts/run-unit $(UNIT_TESTS)

vmtest: module userspace ynl
	@scripts/vm-tests -k $(KVER) tests/vm/*.sh

ynl:
	@scripts/ynl-tool

style:
	@scripts/style

check:
	@scripts/deps
	@scripts/check

# Not part of check: see Documentation/testing.md.
check-rt:
	@scripts/deps --rt
	@scripts/check-kernel 6.12-rt

# The flood of 10 000 unanswered calls alone (make check runs it with
# 3 000, for its time budget).
FLOOD_CALLS ?= 10000
check-flood: module userspace
	@FLOOD_CALLS=$(FLOOD_CALLS) scripts/vm-tests -k $(KVER) tests/vm/e2e-flood.sh

# make install and uninstall (also in check), then DKMS on this machine,
# then the Debian packages installed with apt-get and purged: it changes
# /usr/src, /lib/modules and the installed packages and puts them back,
# so not in check (Documentation/testing.md).
check-install: userspace module
	@scripts/deps --install
	@$(MAKE) -s module KVER=6.12
	@tests/install/install.sh
	@tests/install/dkms.sh
	@tests/install/apt.sh

check-debug:
	@scripts/deps
	@scripts/debug-kernel >/dev/null
	@scripts/check-kernel debug

# The two fuzzers, long, on the debug kernel (Documentation/testing.md,
# "Long fuzz runs"): FUZZ_GENL_SECONDS of netlink fuzzing as root (a
# quarter of it for each unprivileged run), FUZZ_PACKETS_COUNT mutated
# RTP packets per direction and suite.
FUZZ_GENL_SECONDS ?= 600
FUZZ_PACKETS_COUNT ?= 5000
check-fuzz:
	@scripts/deps
	@scripts/debug-kernel >/dev/null
	@FUZZ_GENL_SECONDS=$(FUZZ_GENL_SECONDS) FUZZ_PACKETS_COUNT=$(FUZZ_PACKETS_COUNT) \
		VM_TIMEOUT=$${VM_TIMEOUT:-900} \
		VM_TESTS="$${VM_TESTS:-tests/vm/fuzz-genl.sh tests/vm/fuzz-packets.sh}" \
		scripts/check-kernel debug

# ---- install (Documentation/deployment.md, "Installing") ----
# make install [DESTDIR=...] [PREFIX=/usr/local]: the programs, libnfsrtp
# (shared, with its headers and pkg-config file), the man pages, the
# systemd unit and sysusers.d entry, bash completion, and an example
# sip.cfg, installed as /etc/nf-srtp/sip.cfg only when there is none.
# make uninstall removes all of it but a sip.cfg that was changed.
# make module_install KVER=... [DESTDIR=...]: nf_srtp.ko into
# /lib/modules/<release>/updates (unsigned), then depmod (not into a
# DESTDIR: a package's postinst runs it).
VERSION := $(shell cat VERSION)
SOVERSION := 0
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/nf-srtp
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
INSTALL ?= install
LIBNAME := libnfsrtp.so.$(VERSION)

$(B)/lib/$(LIBNAME): $(LIB_SRCS) $(LIB_HDRS) daemon/lib/libnfsrtp.map
	@mkdir -p $(B)/lib
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(USER_CFLAGS) -fPIC -shared \
		-Wl,-soname,libnfsrtp.so.$(SOVERSION) \
		-Wl,--version-script=daemon/lib/libnfsrtp.map -o $@ \
		daemon/lib/nfsrtp.c $(NL_LIBS)

# the unit and the pkg-config file name the install's directories: written
# by install itself, so that another PREFIX never finds a stale one
SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	-e 's|@UNITDIR@|$(UNITDIR)|g' -e 's|@PREFIX@|$(PREFIX)|g' \
	-e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	-e 's|@VERSION@|$(VERSION)|g'

install: $(B)/bin/srtpd $(B)/bin/srtpctl $(B)/lib/$(LIBNAME)
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR)/nfsrtp/linux $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(SYSCONFDIR)/nf-srtp $(DESTDIR)$(SYSCONFDIR)/default
	$(INSTALL) -m 0755 $(B)/bin/srtpd $(B)/bin/srtpctl $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0644 $(B)/lib/$(LIBNAME) $(DESTDIR)$(LIBDIR)/
	ln -sfn $(LIBNAME) $(DESTDIR)$(LIBDIR)/libnfsrtp.so.$(SOVERSION)
	ln -sfn libnfsrtp.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libnfsrtp.so
	$(SUBST) dist/libnfsrtp.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/libnfsrtp.pc
	chmod 0644 $(DESTDIR)$(LIBDIR)/pkgconfig/libnfsrtp.pc
	$(INSTALL) -m 0644 daemon/lib/nfsrtp.h $(DESTDIR)$(INCLUDEDIR)/nfsrtp/
	$(INSTALL) -m 0644 include/uapi/linux/nf_srtp.h \
		$(DESTDIR)$(INCLUDEDIR)/nfsrtp/linux/
	$(INSTALL) -m 0644 Documentation/srtpd.8 Documentation/srtpctl.8 \
		$(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 dist/sip.cfg $(DESTDIR)$(DOCDIR)/examples/
	$(INSTALL) -m 0644 dist/srtpctl.bash-completion \
		$(DESTDIR)$(BASHCOMPDIR)/srtpctl
	$(SUBST) dist/srtpd.service.in >$(DESTDIR)$(UNITDIR)/srtpd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/srtpd.service
	$(INSTALL) -m 0644 dist/srtpd.sysusers $(DESTDIR)$(SYSUSERSDIR)/srtpd.conf
	@# an operator's configuration is never overwritten
	[ -e $(DESTDIR)$(SYSCONFDIR)/nf-srtp/sip.cfg ] || \
		$(INSTALL) -m 0644 dist/sip.cfg $(DESTDIR)$(SYSCONFDIR)/nf-srtp/
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/srtpd ] || \
		$(INSTALL) -m 0644 dist/srtpd.default $(DESTDIR)$(SYSCONFDIR)/default/srtpd

# what install puts under DESTDIR, the configuration files aside
INSTALLED = $(SBINDIR)/srtpd $(SBINDIR)/srtpctl $(LIBDIR)/$(LIBNAME) \
	$(LIBDIR)/libnfsrtp.so.$(SOVERSION) $(LIBDIR)/libnfsrtp.so \
	$(LIBDIR)/pkgconfig/libnfsrtp.pc $(INCLUDEDIR)/nfsrtp/nfsrtp.h \
	$(INCLUDEDIR)/nfsrtp/linux/nf_srtp.h $(MANDIR)/man8/srtpd.8 \
	$(MANDIR)/man8/srtpctl.8 $(DOCDIR)/examples/sip.cfg \
	$(BASHCOMPDIR)/srtpctl $(UNITDIR)/srtpd.service \
	$(SYSUSERSDIR)/srtpd.conf

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	@# the configuration goes only as it was installed
	cmp -s dist/sip.cfg $(DESTDIR)$(SYSCONFDIR)/nf-srtp/sip.cfg && \
		rm -f $(DESTDIR)$(SYSCONFDIR)/nf-srtp/sip.cfg || true
	cmp -s dist/srtpd.default $(DESTDIR)$(SYSCONFDIR)/default/srtpd && \
		rm -f $(DESTDIR)$(SYSCONFDIR)/default/srtpd || true
	-rmdir $(DESTDIR)$(INCLUDEDIR)/nfsrtp/linux $(DESTDIR)$(INCLUDEDIR)/nfsrtp \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(SYSCONFDIR)/nf-srtp 2>/dev/null

module_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(KBUILD_TREE) \
		INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= DEPMOD=true \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) \
		modules_install
	$(if $(DESTDIR),,depmod $(KREL))

# DKMS (Documentation/deployment.md): make dkms_source [DESTDIR=...] puts
# the module's sources and dkms.conf into /usr/src/nf-srtp-VERSION;
# make dkms_install also has DKMS build and install the module for every
# kernel whose headers are installed; make dkms_uninstall removes it
# from all of them and the sources.
DKMS_SRC = $(DESTDIR)/usr/src/nf-srtp-$(VERSION)

dkms_source:
	$(INSTALL) -d $(DKMS_SRC)/kmod $(DKMS_SRC)/include/uapi/linux
	$(INSTALL) -m 0644 Kbuild $(DKMS_SRC)/
	$(INSTALL) -m 0644 kmod/*.c kmod/*.h $(DKMS_SRC)/kmod/
	$(INSTALL) -m 0644 include/uapi/linux/nf_srtp.h \
		$(DKMS_SRC)/include/uapi/linux/
	$(SUBST) dist/dkms.conf.in >$(DKMS_SRC)/dkms.conf
	chmod 0644 $(DKMS_SRC)/dkms.conf

dkms_install: dkms_source
	dkms status -m nf-srtp -v $(VERSION) | grep -q . || \
		dkms add -m nf-srtp -v $(VERSION)
	@for k in /lib/modules/*/build; do \
		[ -e "$$k/Makefile" ] || continue; \
		r=$${k#/lib/modules/}; r=$${r%/build}; \
		echo "dkms install nf-srtp/$(VERSION) -k $$r"; \
		dkms install -m nf-srtp -v $(VERSION) -k "$$r" || exit 1; \
	done

dkms_uninstall:
	-dkms remove -m nf-srtp -v $(VERSION) --all
	rm -rf /usr/src/nf-srtp-$(VERSION)

# Debian packages (debian/): dpkg-buildpackage in a copy of the tree under
# build/deb/, so that the .debs, .buildinfo and .changes land there;
# lintian over the .changes.
deb:
	@scripts/deps --install
	rm -rf $(B)/deb && mkdir -p $(B)/deb/nf-srtp-$(VERSION)
	tar --exclude=./build --exclude=./.git -cf - . | \
		tar -xf - -C $(B)/deb/nf-srtp-$(VERSION)
	cd $(B)/deb/nf-srtp-$(VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning $(B)/deb/nf-srtp_$(VERSION)_*.changes

demo:
	@scripts/deps
	@$(MAKE) -s all
	@scripts/demo

clean:
	rm -rf $(B)

# Benchmarks and fuzzing (not part of make check).
.PHONY: bench bench-core fuzz

BENCH_CFLAGS := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -Ikmod -Itests/lib

$(B)/bench/bench_core: tests/bench/bench_core.c $(CORE_SRCS) tests/lib/ref_srtp.c \
		tests/lib/ref_srtp.h $(wildcard kmod/*.h)
	@mkdir -p $(B)/bench
	$(CC) $(BENCH_CFLAGS) -o $@ $< $(CORE_SRCS) tests/lib/ref_srtp.c \
		$(shell pkg-config --cflags --libs libsrtp2 libcrypto)

# The guest clock's ns per instruction, checked by scripts/bench-kernel
# under BENCH_ICOUNT.
$(B)/bench/clockcal: tests/bench/clockcal.c
	@mkdir -p $(B)/bench
	$(CC) $(BENCH_CFLAGS) -o $@ $<

# Userspace core vs libsrtp2 vs the raw crypto floor; see
# Documentation/performance.md.
bench-core: $(B)/bench/bench_core
	@scripts/bench-core

bench: bench-core bench-kernel bench-scale

FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(WARN) -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE -Ikmod

FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(B)/fuzz/%: tests/fuzz/%.c $(CORE_SRCS) $(COMMON_SRCS) $(wildcard kmod/*.h daemon/*.h)
	@mkdir -p $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Idaemon -Iinclude/uapi -Itests/lib -o $@ $< $(CORE_SRCS) $(COMMON_SRCS) \
		$(shell pkg-config --libs libcrypto) $(COMMON_LIBS)

# libFuzzer, FUZZ_SECONDS (default 60) per target: tests/fuzz/fuzz_*.c,
# each with its seeds in tests/fuzz/corpus/<name>/.  FUZZ_TARGET=sdp runs
# one.
fuzz: $(FUZZ_TARGETS)
	@scripts/fuzz

# The kernel datapath under pktgen, in one guest boot of BENCH_KVER (6.1 or
# 6.12): rates and ratios to the no-module baseline; see
# Documentation/performance.md.
.PHONY: bench-kernel
BENCH_KVER ?= 6.1
bench-kernel: all $(B)/bench/clockcal
	@scripts/deps --bench
	@$(MAKE) -s module KVER=$(BENCH_KVER)
	@BENCH_KVER=$(BENCH_KVER) scripts/bench-kernel

# Two CPUs against one (tests/bench/scale.sh): a guest with two vCPUs
.PHONY: bench-scale
bench-scale: all
	@$(MAKE) -s module KVER=$(BENCH_KVER)
	@BENCH_KVER=$(BENCH_KVER) scripts/bench-scale
