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
"""

import argparse
import os
import socket
import struct
import sys


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


def datagram(src, dst, payload, bad_checksum=False):
    """An IP header and a UDP header with a valid (or a wrong) checksum."""
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
    udp = udp[:6] + struct.pack("!H", csum) + udp[8:]
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
    args = ap.parse_args()

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
