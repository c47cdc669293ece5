#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ngc: a small client of rtpengine's ng protocol, for srtpd's tests.

  ngc.py [--server ADDR:PORT] [--cookie C] KEY=VALUE ... prints the reply
  ngc.py [--server ADDR:PORT] --raw TEXT                 sends TEXT as is

--src-port PORT sends from that UDP port (srtpd answers a repeated cookie
from its kept reply only to the same address and port).

KEY=VALUE sends a string, KEY=@FILE the file's contents, KEY:=JSON a list
or an integer.  The reply's dictionary is printed as JSON (strings
decoded as UTF-8).  Like a proxy, it sends the request again with the
same cookie when no reply comes within a second, at most 5 times; exit
status 1 when none came at all.
"""
import json
import os
import socket
import sys


def benc(v):
    if isinstance(v, bool):
        raise TypeError("no booleans in bencode")
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return b"%d:%s" % (len(v), v)
    if isinstance(v, list):
        return b"l" + b"".join(benc(x) for x in v) + b"e"
    if isinstance(v, dict):
        return b"d" + b"".join(benc(k) + benc(x) for k, x in v.items()) + b"e"
    raise TypeError(type(v))


def unbenc(b, i=0):
    c = b[i:i + 1]
    if c == b"i":
        e = b.index(b"e", i)
        return int(b[i + 1:e]), e + 1
    if c in (b"l", b"d"):
        i += 1
        items = []
        while b[i:i + 1] != b"e":
            v, i = unbenc(b, i)
            items.append(v)
        if c == b"l":
            return items, i + 1
        return dict(zip(items[::2], items[1::2])), i + 1
    colon = b.index(b":", i)
    n = int(b[i:colon])
    s = b[colon + 1:colon + 1 + n]
    try:
        s = s.decode()
    except UnicodeDecodeError:
        s = repr(s)
    return s, colon + 1 + n


def main(argv):
    server = ("127.0.0.1", 2223)
    cookie = "%d_%d" % (os.getpid(), int.from_bytes(os.urandom(3), "big"))
    raw = None
    src_port = 0
    req = {}
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--server":
            host, _, port = args.pop(0).rpartition(":")
            server = (host.strip("[]"), int(port))
        elif a == "--cookie":
            cookie = args.pop(0)
        elif a == "--src-port":
            src_port = int(args.pop(0))
        elif a == "--raw":
            raw = args.pop(0).encode()
        elif ":=" in a:
            k, v = a.split(":=", 1)
            req[k] = json.loads(v)
        elif "=" in a:
            k, v = a.split("=", 1)
            if v.startswith("@"):
                with open(v[1:], "rb") as f:
                    v = f.read()
            req[k] = v
        else:
            print("ngc: bad argument %r" % a, file=sys.stderr)
            return 2
    msg = raw if raw is not None else cookie.encode() + b" " + benc(req)
    fam = socket.AF_INET6 if ":" in server[0] else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if src_port:
        s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", src_port))
    s.settimeout(1.0)
    for _ in range(5):
        s.sendto(msg, server)
        try:
            data = s.recv(70000)
        except socket.timeout:
            continue
        sp = data.index(b" ")
        if raw is None and data[:sp] != cookie.encode():
            continue
        reply, _ = unbenc(data, sp + 1)
        print(json.dumps(reply))
        return 0
    print("ngc: no reply from %s:%d" % server, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
