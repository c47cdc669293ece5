#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""rtpclear: the media packets of one endpoint in a capture, and those in clear.

    rtpclear.py FILE.pcap ADDR PORT

Reads a classic pcap file (Ethernet, Linux cooked v1/v2 or raw IP; what
tcpdump -w writes) and takes the UDP packets to and from ADDR (IPv4 or
IPv6) whose port there is PORT (RTP) or PORT + 1 (RTCP).  A packet is in
clear when it is the media rtpwire sends, untransformed:

  - RTP: version 2 and a payload that counts up by one from byte to byte
    (rtpwire's packet i carries i*7+j at payload byte j); encrypted
    payload does that for 16 bytes with probability 2^-120;
  - RTCP: a compound whose RTCP length fields end exactly at the end of
    the datagram; SRTCP carries the E flag, index and tag after it.

Prints one line: the packets to ADDR and from ADDR, RTP and RTCP, and how
many were in clear.  Exits 1 when any was, 2 on a bad file.
"""

import ipaddress
import struct
import sys


def frames(path):
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        sys.exit('rtpclear: %s: not a pcap file' % path)
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        sys.exit('rtpclear: %s: not a classic pcap file' % path)
    link = struct.unpack(end + 'I', data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if link == 1 and len(frame) >= 14:		# Ethernet
            etype, l3 = struct.unpack('>H', frame[12:14])[0], 14
            while etype in (0x8100, 0x88a8) and len(frame) >= l3 + 4:
                etype = struct.unpack('>H', frame[l3 + 2:l3 + 4])[0]
                l3 += 4
        elif link == 113 and len(frame) >= 16:		# Linux cooked v1
            etype, l3 = struct.unpack('>H', frame[14:16])[0], 16
        elif link == 276 and len(frame) >= 20:		# Linux cooked v2
            etype, l3 = struct.unpack('>H', frame[0:2])[0], 20
        elif link in (12, 101):				# raw IP
            etype, l3 = 0x0800 if frame[:1] and frame[0] >> 4 == 4 else 0x86dd, 0
        else:
            continue
        if etype in (0x0800, 0x86dd):
            yield frame[l3:]


def udp(ip):
    """(src, dst, sport, dport, payload) of an unfragmented UDP packet."""
    if len(ip) >= 20 and ip[0] >> 4 == 4:
        hl = (ip[0] & 15) * 4
        total = struct.unpack('>H', ip[2:4])[0]
        if ip[9] != 17 or struct.unpack('>H', ip[6:8])[0] & 0x3fff:
            return None
        src, dst, l4, end = ip[12:16], ip[16:20], hl, total
    elif len(ip) >= 40 and ip[0] >> 4 == 6:
        if ip[6] != 17:
            return None
        src, dst, l4 = ip[8:24], ip[24:40], 40
        end = 40 + struct.unpack('>H', ip[4:6])[0]
    else:
        return None
    if l4 + 8 > min(end, len(ip)):
        return None
    sport, dport, ulen = struct.unpack('>HHH', ip[l4:l4 + 6])
    return (ipaddress.ip_address(bytes(src)), ipaddress.ip_address(bytes(dst)),
            sport, dport, ip[l4 + 8:l4 + ulen])


def rtp_clear(p):
    if len(p) < 28 or p[0] >> 6 != 2:
        return False
    return all(p[12 + j + 1] == (p[12 + j] + 1) & 0xff for j in range(15))


def rtcp_clear(p):
    off = 0
    while off + 4 <= len(p):
        if p[off] >> 6 != 2 or not 192 <= p[off + 1] <= 223:
            return False
        off += 4 * (struct.unpack('>H', p[off + 2:off + 4])[0] + 1)
    return off == len(p) and off > 0


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: rtpclear.py FILE.pcap ADDR PORT')
    addr = ipaddress.ip_address(sys.argv[2])
    port = int(sys.argv[3])
    count = {(d, k): 0 for d in ('to', 'from') for k in ('rtp', 'rtcp')}
    clear = 0
    for ip in frames(sys.argv[1]):
        u = udp(ip)
        if not u:
            continue
        src, dst, sport, dport, payload = u
        if dst == addr and dport in (port, port + 1):
            d, p = 'to', dport
        elif src == addr and sport in (port, port + 1):
            d, p = 'from', sport
        else:
            continue
        kind = 'rtcp' if p == port + 1 else 'rtp'
        count[(d, kind)] += 1
        clear += rtcp_clear(payload) if kind == 'rtcp' else rtp_clear(payload)
    print('to %s:%d %d (RTP %d, RTCP %d), from it %d (RTP %d, RTCP %d), in clear %d' % (
        addr, port, count[('to', 'rtp')] + count[('to', 'rtcp')],
        count[('to', 'rtp')], count[('to', 'rtcp')],
        count[('from', 'rtp')] + count[('from', 'rtcp')],
        count[('from', 'rtp')], count[('from', 'rtcp')], clear))
    return 1 if clear else 0


if __name__ == '__main__':
    sys.exit(main())
