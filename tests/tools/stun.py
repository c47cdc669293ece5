#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""stun: what else than RTP phones send to media ports, for tests/vm/stun.sh.

  stun.py send --src ADDR:PORT --dst ADDR:PORT KIND...
  stun.py recv --bind ADDR --port PORT [--timeout S]

A sender sends one UDP datagram per KIND, in order, from ADDR:PORT (the
address and port of a stream's RTP, bound with SO_REUSEADDR), and prints
each as "KIND HEX", with " EPERM" after it when netfilter dropped it on
the way out (sendto() failed with EPERM):

  binding    an RFC 5389 Binding request as ICE sends it (USERNAME,
             PRIORITY, ICE-CONTROLLED, MESSAGE-INTEGRITY and FINGERPRINT
             attributes; integrity and fingerprint are placeholders)
  response   a Binding success response (XOR-MAPPED-ADDRESS)
  keepalive  a Binding indication, the header alone
  stop       a Binding indication with the transaction ID "stop": a
             receiver exits when it gets it
  rfc3489    a classic RFC 3489 Binding request: no magic cookie
  zrtp       first byte 0x10 (RFC 7983: ZRTP)
  dtls       a DTLS 1.2 ClientHello record, first byte 0x16
  turn       TURN ChannelData for channel 0x4000, first byte 0x40

Transaction IDs count up per process from a random start, so two runs
never send the same bytes.  A receiver prints "listening", then every
datagram it gets on ADDR:PORT as "LENGTH HEX", and exits 0 after the
"stop" message, or 1 when --timeout (default 30, times NFSRTP_SCALE)
seconds pass between two datagrams.
"""

import argparse
import os
import socket
import struct
import sys

COOKIE = 0x2112A442
STOP_ID = b"stop" + bytes(8)


def endpoint(text):
    addr, _, port = text.rpartition(":")
    return addr.strip("[]"), int(port)


def attr(kind, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!HH", kind, len(value)) + value + bytes(pad)


def stun(mtype, tid, attrs=b"", cookie=True):
    head = struct.pack("!HH", mtype, len(attrs))
    if cookie:
        head += struct.pack("!I", COOKIE) + tid
    else:
        head += os.urandom(4) + tid
    return head + attrs


class Sender:
    def __init__(self):
        self.tid = int.from_bytes(os.urandom(8), "big")

    def next_tid(self):
        self.tid = (self.tid + 1) & (2 ** 96 - 1)
        return self.tid.to_bytes(12, "big")

    def build(self, kind):
        tid = self.next_tid()
        if kind == "binding":
            attrs = (attr(0x0006, b"evtj:h6vY") +
                     attr(0x0024, struct.pack("!I", 0x6E0001FF)) +
                     attr(0x8029, os.urandom(8)) +
                     attr(0x0008, os.urandom(20)) +
                     attr(0x8028, os.urandom(4)))
            return stun(0x0001, tid, attrs)
        if kind == "response":
            xport = 5000 ^ (COOKIE >> 16)
            xaddr = 0x0A000102 ^ COOKIE
            return stun(0x0101, tid,
                        attr(0x0020, struct.pack("!BBHI", 0, 1, xport, xaddr)))
        if kind == "keepalive":
            return stun(0x0011, tid)
        if kind == "stop":
            return stun(0x0011, STOP_ID)
        if kind == "rfc3489":
            return stun(0x0001, tid, cookie=False)
        if kind == "zrtp":
            return bytes([0x10, 0x00]) + os.urandom(30)
        if kind == "dtls":
            body = bytes([1]) + os.urandom(40)
            return struct.pack("!BHHHIH", 0x16, 0xFEFD, 0, 0, 0,
                               len(body)) + body
        if kind == "turn":
            data = bytes([0x80, 0]) + os.urandom(30)
            return struct.pack("!HH", 0x4000, len(data)) + data
        raise SystemExit("stun.py: unknown kind " + kind)


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def do_send(args):
    src, dst = endpoint(args.src), endpoint(args.dst)
    s = socket.socket(family(src[0]), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(src)
    sender = Sender()
    for kind in args.kinds:
        pkt = sender.build(kind)
        try:
            s.sendto(pkt, dst)
            note = ""
        except PermissionError:
            # dropped by netfilter on the way out (a protect stream)
            note = " EPERM"
        print(kind, pkt.hex() + note, flush=True)
    return 0


def do_recv(args):
    s = socket.socket(family(args.bind), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((args.bind, args.port))
    # on a slow kernel (the debug one) scripts/vm sets NFSRTP_SCALE, and
    # every bound of the tests grows with it (tests/vm/lib.bash wait_for)
    scale = int(os.environ.get("NFSRTP_SCALE", "1") or 1)
    s.settimeout(args.timeout * max(scale, 1))
    print("listening", flush=True)
    while True:
        try:
            pkt = s.recv(65535)
        except socket.timeout:
            print("timed out", flush=True)
            return 1
        print(len(pkt), pkt.hex(), flush=True)
        if len(pkt) == 20 and pkt[8:20] == STOP_ID:
            return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    ps = sub.add_parser("send")
    ps.add_argument("--src", required=True)
    ps.add_argument("--dst", required=True)
    ps.add_argument("kinds", nargs="+")
    pr = sub.add_parser("recv")
    pr.add_argument("--bind", required=True)
    pr.add_argument("--port", type=int, required=True)
    pr.add_argument("--timeout", type=float, default=30)
    args = p.parse_args()
    return do_send(args) if args.cmd == "send" else do_recv(args)


if __name__ == "__main__":
    sys.exit(main())
