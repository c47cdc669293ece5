# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# What the router demonstrations share (tests/demo/router.sh,
# router-nat.sh; sourced after tests/vm/lib.bash and tests/e2e/topo.bash):
# on exit, DEMO_BG's background programs stopped, the end of every log
# shown if the demo failed, the namespaces removed; and the printing
# helpers.
DEMO_BG=()

# shellcheck disable=SC2154
trap 'rc=$?; set +e
      for p in "${DEMO_BG[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
      [ $rc = 0 ] || for f in "$E2E_DIR"/*.out; do
		echo "=== $(basename "$f")"; tail -n 30 "$f"; done >&2
      e2e_cleanup; [ $rc != 0 ] || rm -rf "$E2E_DIR"; exit $rc' EXIT
sysctl -qw net.core.rmem_max=$((4 << 20))

say() { printf '\n== %s\n' "$*"; }
indent() { sed 's/^/    /'; }
r() { "$SRTPCTL" -n nfsrtp-r "$@"; }
no_streams() { [ "$(r -j stream show)" = "[]" ]; }

# demo_bg_wait: wait for DEMO_BG's programs (tcpdump -c 1, srtpctl
# monitor count N), each of which must succeed.
demo_bg_wait() {
	local p
	for p in "${DEMO_BG[@]}"; do
		wait "$p" || fail "$(cat "$E2E_DIR"/*.err 2>/dev/null)"
	done
	DEMO_BG=()
}

# demo_finish: Kamailio and srtpd stop; srtpd exits 0, neither logged a
# warning or an error; srtpd's log is shown.
demo_finish() {
	e2e_kamailio_stop
	e2e_stop srtpd 20
	[ "$E2E_RC" = 0 ] || fail "srtpd exited $E2E_RC"
	! grep -E 'ERROR|CRITICAL|WARNING|BUG' "$E2E_DIR/kamailio.out" || fail "Kamailio complained"
	! grep -Ei 'warn|error|lost|cannot|refused|fail' "$E2E_DIR/srtpd.out" || fail "srtpd complained"
	echo "   srtpd's log:"
	indent <"$E2E_DIR/srtpd.out"
	echo "   (no warning or error in either log)"
}
