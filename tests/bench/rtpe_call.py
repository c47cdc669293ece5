#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""rtpe_call: one call through rtpengine-daemon over ng, for the kernel
benchmark's rtpengine contender (tests/bench/pktgen.sh).

  rtpe_call.py encrypt CALL-ID S-ADDR:PORT K-ADDR:PORT KEY
  rtpe_call.py decrypt CALL-ID S-ADDR:PORT K-ADDR:PORT KEY
  rtpe_call.py stats
  rtpe_call.py ping

encrypt: S offers plain RTP/AVP, rtpengine offers K RTP/SAVP with one
AES_CM_128_HMAC_SHA1_80 a=crypto line (no DTLS, no other suite), K
answers with KEY: rtpengine encrypts what S sends to K.  decrypt: S
offers RTP/SAVP with KEY, K gets and answers RTP/AVP: rtpengine decrypts
what S sends.  Both print "ADDRESS:PORT" (where S sends to, on
rtpengine's interface s) and, for encrypt, the key rtpengine encrypts
with (its offer's a=crypto line to K).  stats prints the daemon's
relayed-packet counts, userspace and kernel ("USER KERNEL").  ping
exits 0 once rtpengine answers (a second at most).

Endpoint learning is immediate: rtpengine hands a direction to its kernel
module on the first packet from S once the answer is in (its default,
"delayed", waits 3 s after the last signalling).  Exits 1 with rtpengine's
reply on any error.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from ngc import benc, unbenc  # noqa: E402

import socket  # noqa: E402

SUITE = "AES_CM_128_HMAC_SHA1_80"
OTHER_SUITES = ("AEAD_AES_256_GCM", "AEAD_AES_128_GCM", "AES_256_CM_HMAC_SHA1_80",
                "AES_256_CM_HMAC_SHA1_32", "AES_192_CM_HMAC_SHA1_80",
                "AES_192_CM_HMAC_SHA1_32", "AES_CM_128_HMAC_SHA1_32",
                "F8_128_HMAC_SHA1_80", "F8_128_HMAC_SHA1_32",
                "NULL_HMAC_SHA1_80", "NULL_HMAC_SHA1_32")
COMMON = {
    "ICE": "remove",
    "DTLS": "off",
    "SDES": ["no-" + s for s in OTHER_SUITES],
    "endpoint-learning": "immediate",
    "replace": ["origin", "session-connection"],
}


def ng(req, server=("127.0.0.1", 2223), tries=5):
    cookie = os.urandom(6).hex().encode()
    sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sk.settimeout(2 if tries > 1 else 1)
    for _ in range(tries):
        sk.sendto(cookie + b" " + benc(req), server)
        try:
            data = sk.recv(65536)
        except socket.timeout:
            continue
        sp = data.index(b" ")
        if data[:sp] != cookie:
            continue
        rep, _ = unbenc(data, sp + 1)
        if rep.get("result") != ("pong" if req["command"] == "ping" else "ok"):
            sys.exit("rtpe_call: %s: %r" % (req["command"], rep))
        return rep
    sys.exit("rtpe_call: no reply from rtpengine at %s:%d" % server)


def sdp(addr, port, proto, key=None, tag=1):
    lines = ["v=0", "o=- 1 1 IN IP4 " + addr, "s=-", "c=IN IP4 " + addr, "t=0 0",
             "m=audio %s %s 0" % (port, proto), "a=rtpmap:0 PCMU/8000"]
    if key:
        lines.append("a=crypto:%d %s %s" % (tag, SUITE, key))
    return "\r\n".join(lines + ["a=sendrecv", ""])


def media(text, want_proto):
    """rtpengine's address:port in its SDP, and its crypto line's tag and key"""
    c = re.search(r"^c=IN IP4 (\S+)", text, re.M)
    m = re.search(r"^m=audio (\d+) (\S+)", text, re.M)
    if not m or m.group(2) != want_proto:
        sys.exit("rtpe_call: rtpengine's SDP has no %s m= line:\n%s" % (want_proto, text))
    cr = re.findall(r"^a=crypto:(\d+) (\S+) (inline:\S+)", text, re.M)
    if want_proto == "RTP/SAVP" and (len(cr) != 1 or cr[0][1] != SUITE):
        sys.exit("rtpe_call: want one %s a=crypto line from rtpengine:\n%s" % (SUITE, text))
    return "%s:%s" % (c.group(1) if c else "?", m.group(1)), cr[0] if cr else None


def call(mode, call_id, s, k, key):
    s_addr, s_port = s.rsplit(":", 1)
    k_addr, k_port = k.rsplit(":", 1)
    tags = {"call-id": call_id, "from-tag": "s-" + call_id}
    if mode == "encrypt":
        offer = sdp(s_addr, s_port, "RTP/AVP")
        proto_k, proto_s = "RTP/SAVP", "RTP/AVP"
    else:
        offer = sdp(s_addr, s_port, "RTP/SAVP", key)
        proto_k, proto_s = "RTP/AVP", "RTP/SAVP"
    # S's side on interface s, K's on k (an answer has no direction: it
    # would name the answerer's side first)
    rep = ng(dict(COMMON, command="offer", sdp=offer, direction=["s", "k"], **tags,
                  **{"transport-protocol": proto_k}))
    _, crypto = media(rep["sdp"], proto_k)
    if mode == "encrypt":
        answer = sdp(k_addr, k_port, "RTP/SAVP", key, int(crypto[0]))
    else:
        answer = sdp(k_addr, k_port, "RTP/AVP")
    rep = ng(dict(COMMON, command="answer", sdp=answer, **tags,
                  **{"to-tag": "k-" + call_id}))
    addr, _ = media(rep["sdp"], proto_s)
    print(addr, crypto[2] if mode == "encrypt" else "")


def main(argv):
    if argv[:1] in (["encrypt"], ["decrypt"]) and len(argv) == 5:
        call(*argv)
    elif argv == ["ping"]:
        ng({"command": "ping"}, tries=1)
    elif argv == ["stats"]:
        st = ng({"command": "statistics"})["statistics"]["totalstatistics"]
        print(st["relayedpackets_user"], st["relayedpackets_kernel"])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
