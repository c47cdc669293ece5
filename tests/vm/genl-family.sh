#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module registers its generic netlink family with per-netns state,
# userspace reaches it through libnl-genl (srtpctl), permissions follow
# GENL_UNS_ADMIN_PERM, and the module unloads cleanly, also after a
# namespace came and went.  scripts/vm checks the kernel log afterwards.
. "$(dirname "$0")/lib.bash"

step "family visible through libnl-genl"
module_loaded || fail "nf_srtp not loaded by the harness"
out=$($SRTPCTL stats)
expect_match '^nf_srtp API version 1$' "$out"
expect_match '^streams 0$' "$out"
expect_match '^\{"version":1,"streams":0,"protected":0,"unprotected":0,"stun":0,"drops":\{\},"defrag":\[\]\}$' "$($SRTPCTL -j stats)"
genl ctrl list 2>/dev/null | grep -q 'Name: nf_srtp' || fail "genl ctrl list does not show nf_srtp"

step "the genetlink header is checked: reserved field, nlmsg_flags"
# GET_STATS by hand: once as libnl sends it, once with reserved = 1, once
# with NLM_F_CREATE; the kernel's errno for each (0 = a reply came).
out=$(python3 - <<'EOF'
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
def ask(family, cmd, attrs=b"", reserved=0, flags=0x1):
    msg = struct.pack("BBH", cmd, 1, reserved) + attrs
    s.send(struct.pack("IHHII", 16 + len(msg), family, flags, 1, 0) + msg)
    r = s.recv(65536)
    ln, typ = struct.unpack("IH", r[:6])
    return r, (struct.unpack("i", r[16:20])[0] if typ == 2 else 0)
name = b"nf_srtp\0"
attr = struct.pack("HH", 4 + len(name), 2) + name
r, err = ask(0x10, 3, attr)          # CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME
fid = struct.unpack("H", r[r.index(struct.pack("HH", 6, 1)) + 4:][:2])[0]
print(*(ask(fid, 1, **kw)[1] for kw in ({}, {"reserved": 1}, {"flags": 0x401})))
EOF
)
[ "$out" = "0 -22 -22" ] || fail "GET_STATS errnos (plain, reserved, NLM_F_CREATE): $out"

step "usable in another network namespace"
ip netns add nfsrtp-t1
out=$("$SRTPCTL" -n nfsrtp-t1 -j stats)
expect_match '"streams":0' "$out"

step "CAP_NET_ADMIN over the namespace is required"
must_fail setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$SRTPCTL" stats
expect_match 'Operation not permitted' "$ERR"
# root of a new user namespace does not own the initial network namespace
must_fail unshare --user --map-root-user "$SRTPCTL" stats
expect_match 'Operation not permitted' "$ERR"
# ... but owns a network namespace it creates (netnsok + GENL_UNS_ADMIN_PERM)
out=$(unshare --user --map-root-user --net "$SRTPCTL" stats)
expect_match '^streams 0$' "$out"

step "unload, family gone, reload, unload with a namespace alive"
rmmod nf_srtp
wait_for 10 bash -c '! [ -d /sys/module/nf_srtp ]'
must_fail "$SRTPCTL" stats
expect_match 'family "nf_srtp" not found' "$ERR"
insmod "$NFSRTP_KO"
ip netns add nfsrtp-t2
expect_match '"streams":0' "$("$SRTPCTL" -n nfsrtp-t2 -j stats)"
ip netns del nfsrtp-t2
rmmod nf_srtp
ip netns del nfsrtp-t1
module_loaded && fail "nf_srtp still loaded"
echo "PASS $TEST"
