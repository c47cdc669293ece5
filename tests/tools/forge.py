#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""forge: the attacker of tests/vm/hostile.sh.

Sends hand-made RTP or SRTP-looking packets over IPv4 or IPv6 with any
source address and port (a raw socket: IP_HDRINCL, or IPPROTO_RAW for
IPv6, with the UDP checksum computed), the way a host on the same link
as a legitimate sender can:

  forge.py --src ADDR:PORT --dst ADDR:PORT --ssrc N[-M] --seq N[,N...]
           [--payload N] [--fill BYTE] [--tag N] [--rtcp [--srtcp-index N]]
           [--bad-checksum]

An IPv6 address is written [ADDR]:PORT.  One packet per SSRC and
sequence number (SSRC ranges are inclusive).  Each RTP packet has a 12
byte header (V=2, PT 0), --payload bytes of --fill (default 0xa5: not
the flow's payload), then --tag bytes of garbage where an SRTP tag would
be.  With --rtcp each packet is instead an RTCP sender report of that
SSRC, followed by an SRTCP word (E=1 and --srtcp-index) when given, then
--tag bytes of garbage (a forged tag).  --bad-checksum sends a wrong UDP
checksum.  Prints the number of packets sent.

  forge.py --matrix unprotect|protect --src ADDR:PORT --dst ADDR:PORT
           --ssrc N --seq N --key inline:KEY --stream ID
           [--srtpctl PATH] [--netns NS] [--quick]

sends the mutated-field matrix (unprotect_rows() and protect_rows()
below) into a stream, from --src (RTP; RTCP from and to the ports plus
one), one packet at a time: each packet is a mutation of a valid
AES_CM_128_HMAC_SHA1_80 SRTP packet or SRTCP packet (unprotect; sealed
here with --key, SSRC --ssrc, index --seq, the index after the last one
the stream received) or of a plain RTP or RTCP packet (protect; SSRC
--ssrc, index --seq, the index after the last one sent).  After each
packet it asks srtpctl (-j stream show ID, in network namespace NS if
given) until the stream's counters (packets, stun, drops by reason)
move, at most 10 seconds, and prints a row: the mutation, the expected
outcome, the counters that moved, how long they took.  Exits 1 if any
row differs.  --quick sends only the rows marked for it (the IPv6
call's handful).
"""

import argparse
import base64
import hmac
import json
import os
import socket
import struct
import subprocess
import sys
import time


def endpoint(text):
    addr, _, port = text.rpartition(":")
    if addr.startswith("["):
        addr = addr[1:-1]
        socket.inet_pton(socket.AF_INET6, addr)
    else:
        socket.inet_aton(addr)
    return addr, int(port)


def ssrc_range(text):
    lo, _, hi = text.partition("-")
    lo = int(lo, 0)
    hi = int(hi, 0) if hi else lo
    if hi < lo or hi - lo > 100000:
        raise argparse.ArgumentTypeError("bad SSRC range")
    return range(lo, hi + 1)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def is_v6(addr):
    return ":" in addr


def datagram(src, dst, payload, bad_checksum=False, ulen_delta=0):
    """An IP header and a UDP header with a valid (or a wrong) checksum.

    ulen_delta is added to the UDP length field (after the checksum is
    computed with the true length), to forge a wrong one."""
    v6 = is_v6(src[0])
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    saddr = socket.inet_pton(fam, src[0])
    daddr = socket.inet_pton(fam, dst[0])
    ulen = 8 + len(payload)
    if v6:
        pseudo = saddr + daddr + struct.pack("!IxxxB", ulen, socket.IPPROTO_UDP)
    else:
        pseudo = saddr + daddr + struct.pack("!BBH", 0, socket.IPPROTO_UDP, ulen)
    udp = struct.pack("!HHHH", src[1], dst[1], ulen, 0) + payload
    csum = checksum(pseudo + udp) or 0xFFFF
    if bad_checksum:
        csum ^= 0x0101
    udp = struct.pack("!HHHH", src[1], dst[1], (ulen + ulen_delta) & 0xFFFF,
                      csum) + payload
    if v6:
        return struct.pack("!IHBB16s16s", 6 << 28, ulen, socket.IPPROTO_UDP,
                           64, saddr, daddr) + udp
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0, 0, 64,
                     socket.IPPROTO_UDP, 0, saddr, daddr)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + udp


def raw_socket(addr):
    if is_v6(addr):
        # IPPROTO_RAW: the IPv6 header is ours (as IP_HDRINCL for IPv4)
        return socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                             socket.IPPROTO_RAW)
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    return sock


def rtp(ssrc, seq, args):
    hdr = struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, 160 * seq, ssrc)
    return hdr + bytes([args.fill]) * args.payload + os.urandom(args.tag)


def rtcp(ssrc, args):
    sr = struct.pack("!BBHI", 0x80, 200, 6, ssrc) + bytes([args.fill]) * 20
    if args.srtcp_index is not None:
        sr += struct.pack("!I", 0x80000000 | args.srtcp_index)
    return sr + os.urandom(args.tag)


# ---- SRTP (RFC 3711), AES_CM_128_HMAC_SHA1_80 only, for --matrix ----

TAG = 10


def aes_ctr(key, iv, data):
    """AES-128 in counter mode, from OpenSSL's libcrypto: hashlib has it
    loaded already (a Python AES package would take seconds to load in
    a guest that reads it over 9p)."""
    import ctypes
    import _hashlib  # noqa: F401 (maps libcrypto)
    lib = ctypes.CDLL("libcrypto.so.3")
    lib.EVP_CIPHER_CTX_new.restype = ctypes.c_void_p
    lib.EVP_aes_128_ctr.restype = ctypes.c_void_p
    lib.EVP_EncryptInit_ex.argtypes = [ctypes.c_void_p] * 5
    lib.EVP_EncryptUpdate.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                      ctypes.c_void_p, ctypes.c_char_p,
                                      ctypes.c_int]
    lib.EVP_CIPHER_CTX_free.argtypes = [ctypes.c_void_p]
    assert len(key) == 16 and len(iv) == 16
    ctx = lib.EVP_CIPHER_CTX_new()
    out = ctypes.create_string_buffer(len(data) + 16)
    n = ctypes.c_int()
    ok = (lib.EVP_EncryptInit_ex(ctx, lib.EVP_aes_128_ctr(), None, key, iv)
          and lib.EVP_EncryptUpdate(ctx, out, ctypes.byref(n), data,
                                    len(data)))
    lib.EVP_CIPHER_CTX_free(ctx)
    if not ok or n.value != len(data):
        raise RuntimeError("libcrypto: AES-CTR failed")
    return out.raw[:n.value]


class Srtp:
    """The session keys of an inline: master key and salt (kdr 0)."""

    def __init__(self, inline):
        master = base64.b64decode(inline.split(":", 1)[1].split("|")[0])
        mkey, msalt = master[:16], master[16:30]
        salt = int.from_bytes(msalt, "big")

        def kdf(label, n):
            x = salt ^ (label << 48)
            return aes_ctr(mkey, (x << 16).to_bytes(16, "big"), bytes(n))
        self.rtp_key, self.rtp_auth, self.rtp_salt = (
            kdf(0, 16), kdf(1, 20), kdf(2, 14))
        self.rtcp_key, self.rtcp_auth, self.rtcp_salt = (
            kdf(3, 16), kdf(4, 20), kdf(5, 14))

    @staticmethod
    def iv(salt, ssrc, index):
        v = (int.from_bytes(salt, "big") << 16) ^ (ssrc << 64) ^ (index << 16)
        return v.to_bytes(16, "big")

    def rtp(self, hdr, payload, roc=0):
        """hdr || encrypted payload || tag, for the index roc:SEQ."""
        seq, ssrc = struct.unpack("!H4xI", hdr[2:12])
        enc = aes_ctr(self.rtp_key, self.iv(self.rtp_salt, ssrc,
                                            roc << 16 | seq), payload)
        pkt = hdr + enc
        tag = hmac.new(self.rtp_auth, pkt + struct.pack("!I", roc),
                       "sha1").digest()[:TAG]
        return pkt + tag

    def rtcp(self, plain, index, encrypt=True):
        """SRTCP: first 8 bytes || encrypted rest || E|index || tag."""
        ssrc = struct.unpack("!I", plain[4:8])[0]
        body = plain[8:]
        if encrypt:
            body = aes_ctr(self.rtcp_key, self.iv(self.rtcp_salt, ssrc,
                                                  index), body)
        pkt = plain[:8] + body + struct.pack(
            "!I", (0x80000000 if encrypt else 0) | index)
        return pkt + hmac.new(self.rtcp_auth, pkt, "sha1").digest()[:TAG]


# ---- the mutated-field matrix ----


def rtp_hdr(ssrc, seq, b0=0x80, b1=0, ts=None):
    return struct.pack("!BBHII", b0, b1, seq & 0xFFFF,
                       160 * seq if ts is None else ts, ssrc)


PAYLOAD = bytes((7 * i) & 0xFF for i in range(160))


def sr(ssrc, b0=0x80, length=6):
    """An RTCP sender report (28 bytes), its length field LENGTH."""
    return struct.pack("!BBHI", b0, 200, length, ssrc) + bytes(range(20))


def flip(pkt, off, mask=0xFF):
    off %= len(pkt)
    return pkt[:off] + bytes([pkt[off] ^ mask]) + pkt[off + 1:]


def unprotect_rows(c, ssrc, seq):
    """(name, port, expected, packet, quick) rows for an unprotect stream
    of AES_CM_128_HMAC_SHA1_80 without MKI whose SSRC ssrc received
    indices up to seq - 1 and window 128 (see hostile.sh)."""
    top = seq - 1       # the last index received
    hdr = rtp_hdr(ssrc, seq)
    good = c.rtp(hdr, PAYLOAD)          # valid: the mutations' base
    body = good[:-TAG]
    ext_words = struct.unpack("!H", good[14:16])[0]
    rows = [
        # the control: the base sealed for another SSRC passes (and shows
        # that the packets below are valid but for their mutation)
        ("control: valid SRTP of SSRC 0x5eed", "rtp", "packets",
         c.rtp(rtp_hdr(0x5EED, 1), PAYLOAD), True),
        ("version 0", "rtp", "not-rtp", flip(good, 0, 0x80), False),
        ("version 1", "rtp", "not-rtp", flip(good, 0, 0xC0), True),
        ("version 3", "rtp", "not-rtp", flip(good, 0, 0x40), False),
        ("padding bit set", "rtp", "auth", flip(good, 0, 0x20), False),
        ("padding, sealed: count 0", "rtp", "malformed",
         c.rtp(rtp_hdr(ssrc, seq, 0xA0), PAYLOAD[:-1] + b"\0"), True),
        ("padding, sealed: count 161 > payload", "rtp", "malformed",
         c.rtp(rtp_hdr(ssrc, seq, 0xA0), PAYLOAD[:-1] + b"\xa1"), False),
        ("padding, sealed: count 255", "rtp", "malformed",
         c.rtp(rtp_hdr(ssrc, seq, 0xA0), PAYLOAD[:-1] + b"\xff"), False),
        ("padding, sealed: no payload", "rtp", "malformed",
         c.rtp(rtp_hdr(ssrc, seq, 0xA0), b""), False),
        ("extension, length past the end", "rtp", "malformed",
         hdr[:0] + bytes([0x90]) + hdr[1:] + b"\xbe\xde\x00\x29"
         + PAYLOAD + good[-TAG:], False),
        ("extension, header past the end", "rtp", "malformed",
         bytes([0x90]) + hdr[1:] + b"\xbe" + good[-TAG:], False),
        ("extension, exactly to the end", "rtp", "auth",
         bytes([0x90]) + hdr[1:] + b"\xbe\xde\x00\x28" + PAYLOAD
         + good[-TAG:], False),
        # its header is the first 4 bytes of ciphertext, its length
        # read from them: too long (malformed) or in the packet (auth)
        ("extension bit set (%d words)" % ext_words, "rtp",
         "auth" if 16 + 4 * ext_words <= len(body) else "malformed",
         flip(good, 0, 0x10), False),
    ]
    for cc in range(1, 16):
        # one word short of the CSRC list
        rows.append(("CSRC count %d, %d bytes of list" % (cc, 4 * cc - 4),
                     "rtp", "malformed",
                     bytes([0x80 | cc]) + hdr[1:] + bytes(4 * cc - 4)
                     + good[-TAG:], cc == 15))
    rows += [
        ("CSRC count 1 (list from the payload)", "rtp", "auth",
         flip(good, 0, 0x01), False),
        ("marker bit", "rtp", "auth", flip(good, 1, 0x80), False),
        ("payload type 0 -> 8", "rtp", "auth", flip(good, 1, 0x08), False),
        ("marker and payload type 72 (RTCP SR's 200)", "rtp", "auth",
         flip(good, 1, 0xC8), False),
        ("timestamp +1", "rtp", "auth", flip(good, 7, 0x01), False),
        ("timestamp high bit", "rtp", "auth", flip(good, 4, 0x80), False),
        ("SSRC of the call, payload byte flipped", "rtp", "auth",
         flip(good, 12 + 80), True),
        ("SSRC other (0x%08x)" % (ssrc ^ 1), "rtp", "auth",
         flip(good, 11, 0x01), False),
        ("seq 0 (index 0, left of the window)", "rtp", "too-old",
         body[:2] + b"\0\0" + body[4:] + good[-TAG:], False),
        ("seq %d (received)" % top, "rtp", "replay",
         c.rtp(rtp_hdr(ssrc, top), PAYLOAD), True),
        ("seq %d (received, window's left edge)" % (top - 127), "rtp",
         "replay", c.rtp(rtp_hdr(ssrc, top - 127), PAYLOAD), False),
        ("seq %d (just left of the window)" % (top - 128), "rtp",
         "too-old", c.rtp(rtp_hdr(ssrc, top - 128), PAYLOAD), False),
        ("seq 65535 (ROC 0, tag of ROC 1)", "rtp", "auth",
         c.rtp(rtp_hdr(ssrc, 65535), PAYLOAD, roc=1), False),
        ("seq %d (+32768: ROC guess edge)" % ((top + 32768) & 0xFFFF),
         "rtp", "auth", c.rtp(rtp_hdr(ssrc, top + 32768), PAYLOAD,
                              roc=1), False),
        ("seq %d (+32769, tag of ROC 1)" % ((top + 32769) & 0xFFFF),
         "rtp", "auth", c.rtp(rtp_hdr(ssrc, top + 32769), PAYLOAD,
                              roc=1), False),
        ("seq +1000 (tag of seq)", "rtp", "auth",
         body[:2] + struct.pack("!H", seq + 1000) + body[4:] + good[-TAG:],
         False),
    ]
    for i in range(TAG):
        rows.append(("tag byte %d flipped" % i, "rtp", "auth",
                     flip(good, len(good) - TAG + i), i in (0, 9)))
    rows += [
        ("tag bit 0 of byte 9", "rtp", "auth",
         flip(good, len(good) - 1, 0x01), False),
        ("tag truncated to 9 bytes", "rtp", "auth", good[:-1], False),
        ("tag truncated to 4 bytes (_32)", "rtp", "auth", good[:-6], False),
        ("tag missing", "rtp", "auth", body, True),
        ("tag zero", "rtp", "auth", body + bytes(TAG), False),
        ("MKI 0x00000001 not configured", "rtp", "auth",
         body + b"\0\0\0\1" + good[-TAG:], False),
        ("trailing byte", "rtp", "auth", good + b"\0", False),
        ("length 0", "rtp", "malformed", b"", True),
        ("length 1", "rtp", "malformed", good[:1], False),
        ("length 11", "rtp", "malformed", good[:11], False),
        ("length 12 (header only)", "rtp", "malformed", good[:12], False),
        ("length 21 (header and tag - 1)", "rtp", "malformed",
         good[:12] + good[-TAG + 1:], False),
        ("length 22 (header and tag)", "rtp", "auth",
         good[:12] + good[-TAG:], False),
        ("UDP length 4 short", "rtp", "malformed", good, False),
        ("UDP length 4 long", "rtp", "malformed", good, False),
    ]
    # SRTCP: the stream encrypts SRTCP (E=1); SSRC ssrc sent no RTCP
    rep = sr(ssrc)
    srtcp = c.rtcp(rep, 7)
    rows += [
        ("SRTCP: E bit cleared", "rtcp", "malformed", flip(srtcp, -TAG - 4,
                                                          0x80), True),
        ("SRTCP: sealed with E=0", "rtcp", "malformed",
         c.rtcp(rep, 7, encrypt=False), False),
        ("SRTCP: index 0, tag byte flipped", "rtcp", "auth",
         flip(c.rtcp(rep, 0), -1), False),
        ("SRTCP: index 2^31-1, tag byte flipped", "rtcp", "auth",
         flip(c.rtcp(rep, 0x7FFFFFFF), -1), True),
        ("SRTCP: index changed", "rtcp", "auth", flip(srtcp, -TAG - 1, 1),
         False),
        ("SRTCP: sender report byte flipped", "rtcp", "auth",
         flip(srtcp, 12), False),
        ("SRTCP: 21 bytes (too short for the index)", "rtcp", "malformed",
         srtcp[:8] + srtcp[-13:], False),
        ("SRTCP: header and tag, no index", "rtcp", "malformed",
         srtcp[:8] + srtcp[-TAG:], False),
        ("SRTCP: version 1", "rtcp", "not-rtp", flip(srtcp, 0, 0xC0), False),
        ("SRTCP: packet type 224 (not 192..223)", "rtcp", "malformed",
         flip(srtcp, 1, 0x28), False),
        ("SRTCP sealed, length field 5 (short)", "rtcp", "malformed",
         c.rtcp(sr(ssrc, length=5), 8), True),
        ("SRTCP sealed, length field 7 (past the end)", "rtcp", "malformed",
         c.rtcp(sr(ssrc, length=7), 9), False),
        ("SRTCP sealed, length field 0 (first part)", "rtcp", "malformed",
         c.rtcp(sr(ssrc, length=0), 10), False),
        ("SRTCP sealed, compound, 2nd part past the end", "rtcp",
         "malformed", c.rtcp(rep + struct.pack("!BBHI", 0x81, 202, 2, ssrc),
                             11), False),
        ("SRTCP sealed, compound, 2nd part 3 bytes", "rtcp", "malformed",
         c.rtcp(rep + b"\x81\xca\x00", 12), False),
        ("SRTCP sealed, compound, padding in 1st part", "rtcp",
         "malformed", c.rtcp(bytes([0xA0]) + rep[1:-1] + b"\x04"
                             + struct.pack("!BBHI", 0x81, 202, 1, ssrc),
                             13), False),
        ("SRTCP sealed, 2nd part version 1", "rtcp", "malformed",
         c.rtcp(rep + struct.pack("!BBHI", 0x41, 202, 1, ssrc), 14), False),
        ("SRTP into the RTCP port", "rtcp", "malformed", good, True),
        ("SRTCP into the RTP port", "rtp", "auth", srtcp, True),
    ]
    return rows


def protect_rows(ssrc, seq):
    """Rows for a protect stream whose SSRC ssrc sent indices up to
    seq - 1 (the window's edge row: the 128 indices before seq; an index
    in the window not sent yet would rightly be encrypted): what the
    stream may not encrypt."""
    top = seq - 1
    p = rtp_hdr(ssrc, seq) + PAYLOAD    # what it would encrypt
    rows = [
        ("version 0", "rtp", "not-rtp", flip(p, 0, 0x80), False),
        ("version 1", "rtp", "not-rtp", flip(p, 0, 0xC0), True),
        ("version 3", "rtp", "not-rtp", flip(p, 0, 0x40), False),
        ("padding, count 0", "rtp", "malformed",
         flip(p, 0, 0x20)[:-1] + b"\0", True),
        ("padding, count 161 > payload", "rtp", "malformed",
         flip(p, 0, 0x20)[:-1] + b"\xa1", False),
        ("padding, no payload", "rtp", "malformed",
         flip(p[:12], 0, 0x20), False),
        ("extension, length past the end", "rtp", "malformed",
         bytes([0x90]) + p[1:12] + b"\xbe\xde\x00\x29" + PAYLOAD, False),
        ("extension, header past the end", "rtp", "malformed",
         bytes([0x90]) + p[1:12] + b"\xbe\xde", False),
    ]
    for cc in (1, 8, 15):
        rows.append(("CSRC count %d, %d bytes of list" % (cc, 4 * cc - 4),
                     "rtp", "malformed",
                     bytes([0x80 | cc]) + p[1:12] + bytes(4 * cc - 4),
                     cc == 15))
    rows += [
        ("seq %d (sent)" % top, "rtp", "tx-replay",
         rtp_hdr(ssrc, top) + PAYLOAD, True),
        ("seq %d (sent, window's left edge)" % (top - 127), "rtp",
         "tx-replay", rtp_hdr(ssrc, top - 127) + PAYLOAD, False),
        ("seq %d (left of the window)" % (top - 128), "rtp", "tx-replay",
         rtp_hdr(ssrc, top - 128) + PAYLOAD, True),
        ("seq 0", "rtp", "tx-replay", rtp_hdr(ssrc, 0) + PAYLOAD, True),
        ("length 0", "rtp", "malformed", b"", True),
        ("length 1", "rtp", "malformed", p[:1], False),
        ("length 11", "rtp", "malformed", p[:11], False),
        ("UDP length 4 short", "rtp", "malformed", p, False),
        ("RTCP: length field 5 (short)", "rtcp", "malformed",
         sr(ssrc, length=5), True),
        ("RTCP: length field 7 (past the end)", "rtcp", "malformed",
         sr(ssrc, length=7), False),
        ("RTCP: compound, 2nd part past the end", "rtcp", "malformed",
         sr(ssrc) + struct.pack("!BBHI", 0x81, 202, 2, ssrc), False),
        ("RTCP: 4 bytes", "rtcp", "malformed", sr(ssrc)[:4], False),
        ("RTCP: packet type 191 (not 192..223)", "rtcp", "malformed",
         flip(sr(ssrc), 1, 0x77), False),
        ("RTP into the RTCP port", "rtcp", "malformed", p, True),
    ]
    return rows


class Counters:
    """A stream's counters, from one srtpctl reading commands as they
    come (-b -, its output line-buffered): no process started a query."""

    def __init__(self, srtpctl, stream):
        self.ctl = subprocess.Popen(["stdbuf", "-oL", srtpctl, "-j", "-b",
                                     "-"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
        self.query = "stream show %d\n" % stream

    def __call__(self):
        self.ctl.stdin.write(self.query)
        self.ctl.stdin.flush()
        line = self.ctl.stdout.readline()
        if not line:
            raise RuntimeError("srtpctl: no answer")
        return counters_of(json.loads(line)[0])


def counters_of(d):
    c = dict(d["drops"])
    c["packets"] = d["packets"]
    c["stun"] = d.get("stun", 0)
    return c


def delta(before, after):
    moved = {k: after.get(k, 0) - before.get(k, 0)
             for k in set(before) | set(after)}
    return " ".join("%s+%d" % (k, v) for k, v in sorted(moved.items())
                    if v) or "nothing"


def matrix(args):
    ssrc, seq = args.ssrc[0], args.seq[0]
    if args.matrix == "unprotect":
        rows = unprotect_rows(Srtp(args.key), ssrc, seq)
    else:
        rows = protect_rows(ssrc, seq)
    if args.quick:
        rows = [r for r in rows if r[4]]
    sock = raw_socket(args.src[0])
    if args.netns:
        # srtpctl runs there; the socket stays where it was made
        import ctypes
        fd = os.open("/run/netns/" + args.netns, os.O_RDONLY)
        if ctypes.CDLL(None, use_errno=True).setns(fd, 0x40000000):
            raise OSError(ctypes.get_errno(), "setns")
        os.close(fd)
    counters = Counters(args.srtpctl, args.stream)
    rtcp_src = (args.src[0], args.src[1] + 1)
    rtcp_dst = (args.dst[0], args.dst[1] + 1)
    bad = 0
    before = counters()
    print("%-48s %-10s %s" % ("mutation", "expected",
                              "counters moved, after"))
    for name, port, want, pkt, _ in rows:
        src, dst = (args.src, args.dst) if port == "rtp" else (rtcp_src,
                                                               rtcp_dst)
        ulen = 0
        if name.startswith("UDP length"):
            ulen = -4 if "short" in name else 4
        sock.sendto(datagram(src, dst, pkt, ulen_delta=ulen), (dst[0], 0))
        sent = time.monotonic()
        limit = sent + 10
        while True:
            after = counters()
            if after != before or time.monotonic() > limit:
                break
            time.sleep(0.02)
        got = delta(before, after)
        ok = got == want + "+1"
        bad += not ok
        print("%-48s %-10s %-14s %5d ms%s" % (
            name, want, got, 1000 * (time.monotonic() - sent),
            "" if ok else "   <-- MISMATCH"))
        sys.stdout.flush()
        before = after
    counters.ctl.stdin.close()
    counters.ctl.wait()
    print("%d mutations, %d as expected, %d not" % (len(rows),
                                                    len(rows) - bad, bad))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=endpoint, required=True)
    ap.add_argument("--dst", type=endpoint, required=True)
    ap.add_argument("--ssrc", type=ssrc_range, default=range(1, 2))
    ap.add_argument("--seq", default="1",
                    type=lambda t: [int(x, 0) for x in t.split(",")])
    ap.add_argument("--payload", type=int, default=160)
    ap.add_argument("--fill", type=lambda t: int(t, 0), default=0xA5)
    ap.add_argument("--tag", type=int, default=0)
    ap.add_argument("--rtcp", action="store_true")
    ap.add_argument("--srtcp-index", type=int)
    ap.add_argument("--bad-checksum", action="store_true")
    ap.add_argument("--matrix", choices=("unprotect", "protect"))
    ap.add_argument("--key")
    ap.add_argument("--stream", type=int)
    ap.add_argument("--srtpctl", default="srtpctl")
    ap.add_argument("--netns")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.matrix:
        return matrix(args)

    sock = raw_socket(args.src[0])
    sent = 0
    for ssrc in args.ssrc:
        for seq in args.seq:
            payload = rtcp(ssrc, args) if args.rtcp else rtp(ssrc, seq, args)
            sock.sendto(datagram(args.src, args.dst, payload,
                                 args.bad_checksum),
                        (args.dst[0], 0))
            sent += 1
    print(sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
