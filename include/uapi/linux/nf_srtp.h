/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nf_srtp: SRTP and SRTCP (RFC 3711) in place on UDP media flows.
 *
 * Documentation
 * =============
 *
 * The module is driven over generic netlink.  The family is
 * NF_SRTP_GENL_NAME ("nf_srtp"), version NF_SRTP_GENL_VERSION.
 * Documentation/netlink/specs/nf_srtp.yaml describes it for the kernel's
 * YNL tools (tools/net/ynl/cli.py) and must follow this header.  State is
 * kept per network namespace: every command acts on the namespace of the
 * socket that sends it, and the family is usable in every namespace.
 *
 * Every command requires CAP_NET_ADMIN in the user namespace that owns the
 * network namespace (GENL_UNS_ADMIN_PERM); without it the kernel answers
 * -EPERM.  Requests are validated strictly: a genetlink header whose
 * reserved field is not zero, nlmsg_flags other than NLM_F_REQUEST,
 * NLM_F_ACK, NLM_F_ECHO (and NLM_F_DUMP for a dump), an unknown
 * attribute, a wrong type or a wrong length are refused with -EINVAL and
 * an extended ACK message (naming the attribute).  In replies, dumps and
 * events, userspace must ignore attributes it does not know: later
 * versions add some.
 *
 * A nest that holds NLA_U64 attributes has a padding attribute of its
 * own (NF_SRTP_A_STATS_PAD, NF_SRTP_A_KEY_PAD, NF_SRTP_A_CNT_PAD,
 * NF_SRTP_DROP_PAD), which the kernel may insert before a u64 so that it
 * is 8-byte aligned on architectures that need it (nla_put_u64_64bit()).
 * It carries nothing and must be skipped; requests must not carry it.
 *
 * Streams
 * -------
 *
 * A stream is one direction of one media flow: a match on UDP packets
 * (source and destination address and port, all IPv4 or all IPv6), an
 * operation (protect: RTP in, SRTP out; unprotect: SRTP in, RTP out) and a
 * crypto context (suite, session parameters, replay window, one or more
 * master keys).  Protect streams act on packets leaving the box (sent or
 * forwarded), unprotect streams on packets entering it (received or to be
 * forwarded); Documentation/datapath.md says where exactly.
 *
 * The source port may be left out (or zero): the stream then matches any
 * port of the source address, as needed for peers behind NAT whose public
 * port is not known in advance.  An unprotect stream may leave the source
 * address out as well (any source); a protect stream may not (-EINVAL):
 * it encrypts whatever it matches under the stream's key, so only its
 * peer may feed it.  An exact match is preferred to a port wildcard,
 * which is preferred to an address wildcard.  Two streams with the same
 * match are refused (-EEXIST).
 *
 * A protect stream may instead leave the destination open: an all-zero
 * destination address (0.0.0.0 or ::, which still gives the family) and
 * no destination port.  It then matches by its source address and port
 * alone, both required: every packet that leaves the box from there is
 * protected, whatever its destination.  This is for the router's own port
 * of an anchored call's leg, where Linux's NAT chooses the destination
 * (the peer's media goes back to wherever the peer's came from, behind
 * NAT or not; Documentation/datapath.md, "Anchored media").  An exact
 * match is preferred to it, and it to the wildcards above.
 *
 * A protect stream also guards its destinations (its RTP and RTCP
 * destination address and port): a packet sent there from any other
 * source is dropped and counted (NF_SRTP_DROP_SOURCE), so that nothing
 * but the stream's SRTP reaches the peer on those ports.  Hence two
 * protect streams to the same destination are refused (-EEXIST), even
 * from different sources.  A stream with an open destination has no
 * guard.
 *
 * The stream's RTCP uses NF_SRTP_A_STREAM_RTCP_SRC_PORT and
 * NF_SRTP_A_STREAM_RTCP_DST_PORT (default: the RTP ports plus one; a zero
 * RTP source port gives a zero RTCP source port), or the RTP ports with
 * NF_SRTP_F_RTCP_MUX (RFC 5761: RTCP is told apart by its packet type).
 *
 * What a stream matches is told apart by the first byte of the UDP
 * payload, as RFC 7983 section 7 does for the protocols that share a
 * media port:
 *
 *    128..191 (RTP and RTCP): transformed; refused ones are dropped and
 *        counted by reason (enum nf_srtp_drop).
 *    0..3 (STUN), when the datagram is a whole RFC 5389 STUN message:
 *        the magic cookie 0x2112A442 at offset 4 and a message length
 *        that is a multiple of 4 and, with the 20-byte header, the UDP
 *        payload's length.  Such a message (ICE connectivity checks and
 *        keepalives, which phones send to the address and port of their
 *        RTP and RTCP) is let through untransformed and counted
 *        (NF_SRTP_A_CNT_STUN, NF_SRTP_A_STATS_STUN), never as a drop.
 *        Classic RFC 3489 STUN (no cookie) is not: ICE uses RFC 5389,
 *        and a whole STUN header keeps what passes to STUN messages.
 *    anything else (ZRTP, DTLS, TURN channel data, unassigned first
 *        bytes, broken STUN): dropped and counted (NF_SRTP_DROP_NOT_RTP).
 *
 * No RTP or RTCP packet is let through this way: their first byte is
 * never STUN's, so a protect stream sends none in the clear and an
 * unprotect stream delivers none it has not authenticated.  (A STUN
 * message carries its own integrity, which its receiver checks.)  An
 * empty UDP payload is malformed (NF_SRTP_DROP_MALFORMED).  A protect
 * stream's guard (see above) drops STUN from other sources too.
 *
 * Key material is write-only: no reply, dump or event ever carries a
 * master key or salt, and the kernel wipes the request's key attributes
 * after use.
 *
 * NF_SRTP_CMD_GET_STATS
 * ---------------------
 *
 * Returns the counters of the caller's network namespace.  The request
 * carries no attribute.  The reply is a single message:
 *
 *    NF_SRTP_A_VERSION: NLA_U32, the module's API version, equal to
 *                       NF_SRTP_GENL_VERSION for this header
 *    NF_SRTP_A_STATS: NLA_NESTED
 *        NF_SRTP_A_STATS_STREAMS: NLA_U32, streams installed in this
 *                                 network namespace
 *        NF_SRTP_A_STATS_PROTECTED: NLA_U64, packets protected in this
 *                                   namespace since the module loaded
 *        NF_SRTP_A_STATS_UNPROTECTED: NLA_U64, packets unprotected
 *        NF_SRTP_A_STATS_DROPS: NLA_NESTED, packets dropped, one NLA_U64
 *                               per non-zero enum nf_srtp_drop reason
 *                               (the attribute type is the reason);
 *                               these survive the streams they hit
 *        NF_SRTP_A_STATS_DEFRAG: NLA_U32, the IP families whose
 *                                defragmentation nf_srtp has enabled in
 *                                this namespace: NF_SRTP_DEFRAG_IPV4,
 *                                NF_SRTP_DEFRAG_IPV6 (a stream with
 *                                NF_SRTP_F_REASSEMBLE turns it on for its
 *                                family; see NF_SRTP_DROP_FRAGMENT)
 *        NF_SRTP_A_STATS_STUN: NLA_U64, STUN messages streams of this
 *                              namespace let through untransformed
 *                              (see Streams), protect and unprotect;
 *                              counted in neither PROTECTED nor
 *                              UNPROTECTED, nor as drops
 *
 * NF_SRTP_CMD_STREAM_ADD
 * ----------------------
 *
 * Installs a stream.  The request carries NF_SRTP_A_STREAM, a nest of:
 *
 *    NF_SRTP_A_STREAM_OP: NLA_U8, enum nf_srtp_op, required
 *    NF_SRTP_A_STREAM_DST_IPV4: binary, exactly 4 bytes, network order
 *    NF_SRTP_A_STREAM_DST_IPV6: binary, exactly 16 bytes, network order
 *                               One of the two is required, not both:
 *                               it gives the stream's address family.
 *    NF_SRTP_A_STREAM_SRC_IPV4: binary, exactly 4 bytes
 *    NF_SRTP_A_STREAM_SRC_IPV6: binary, exactly 16 bytes
 *                               At most one, of the destination's
 *                               family (-EINVAL otherwise); absent or
 *                               all zero: any source address (unprotect
 *                               only; required for protect)
 *    NF_SRTP_A_STREAM_SRC_PORT: NLA_U16, host order; absent or 0: any
 *                               (required with an open destination)
 *    NF_SRTP_A_STREAM_DST_PORT: NLA_U16, host order, 1-65535, required;
 *                               refused with an open destination
 *    NF_SRTP_A_STREAM_RTCP_SRC_PORT: NLA_U16, optional (see above)
 *    NF_SRTP_A_STREAM_RTCP_DST_PORT: NLA_U16, optional (see above)
 *    NF_SRTP_A_STREAM_SUITE: NLA_U32, enum nf_srtp_suite, required
 *    NF_SRTP_A_STREAM_FLAGS: NLA_U32, NF_SRTP_F_* bits, optional.
 *        NF_SRTP_F_REASSEMBLE: the stream's media may come in IP
 *        fragments (video, a small MTU): adding the stream turns on IP
 *        reassembly of its family for the namespace (nf_defrag_ipv4 or
 *        nf_defrag_ipv6), which stays on until the namespace goes.
 *        Without any such stream a fragmented packet of a stream's flow
 *        is dropped and counted (NF_SRTP_DROP_FRAGMENT) and nothing a
 *        packet does turns reassembly on.
 *        NF_SRTP_F_LATCH (unprotect only, -EINVAL otherwise): the stream
 *        follows its peer.  The source address and port of the last
 *        packet that authenticated are the peer's, one for RTP and one
 *        for RTCP (NF_SRTP_A_STREAM_PEER, NF_SRTP_A_STREAM_RTCP_PEER).
 *        When an authenticated packet comes from another source (the
 *        peer's NAT gave it a new mapping, the peer moved) the stream
 *        latches onto it: NF_SRTP_EVENT_LATCH tells the new source,
 *        NF_SRTP_A_CNT_LATCHES counts the moves, and the conntrack entry
 *        of the flow between the old source and the packet's destination
 *        is deleted, so that NAT can give the new flow the translation
 *        the old one held (an anchored relay's port toward the other
 *        leg).  A packet that does not authenticate (a forged one from
 *        any source) is dropped and counted as always and moves nothing;
 *        nor does a replayed one.  The first authenticated packet sets
 *        the peer (an event too, not a move) unless STREAM_ADD gave one.
 *        STREAM_SET may turn the flag on or off without new keys; the
 *        peer is kept.
 *    NF_SRTP_A_STREAM_PEER, NF_SRTP_A_STREAM_RTCP_PEER: NLA_NESTED,
 *        optional, latching streams only: the peer to start from (where
 *        the SDP says the media comes from), as in dumps (below).  A
 *        first authenticated packet from elsewhere is then a move, and
 *        the conntrack entry of the expected flow (made by the other
 *        leg's media sent there before) is deleted.  Refused by
 *        STREAM_SET: the peer is learnt from then on.
 *    NF_SRTP_A_STREAM_WINDOW: NLA_U32, replay window in packets, 64-1024,
 *                             optional (default 128; RFC 4568 WSH)
 *    NF_SRTP_A_STREAM_PIN_SSRC: NLA_U32, host order, optional: pins the
 *                             stream to this SSRC (any value, 0 too).
 *        A pinned stream transforms only the packets of that SSRC: RTP
 *        whose header carries it, RTCP whose compound packet's sender
 *        SSRC (the first header's, in the clear in SRTCP too) is it.
 *        Any other SSRC is dropped and counted (NF_SRTP_DROP_SSRC_PIN)
 *        as soon as its header is parsed: before any crypto and before
 *        the stream's SSRC or key state is touched.  So a pinned stream
 *        holds the state of one SSRC at most, and a flood of other
 *        SSRCs costs it nothing but the drops.  Absent: not pinned, the
 *        stream takes up to 8 live SSRCs at once
 *        (Documentation/datapath.md, "SSRCs and pinning").  STUN (see
 *        Streams) has no SSRC and is not affected.
 *    NF_SRTP_A_STREAM_KDR: NLA_U32, key derivation rate, optional; only 0
 *                          is supported, anything else is refused with
 *                          -EOPNOTSUPP
 *    NF_SRTP_A_STREAM_KEYS: NLA_NESTED, required: 1 to 16 nests, each of
 *                           type NF_SRTP_A_KEY, holding
 *        NF_SRTP_A_KEY_MASTER_KEY: binary, the suite's key length, required
 *        NF_SRTP_A_KEY_MASTER_SALT: binary, 14 bytes (12 for AEAD suites),
 *                                   required
 *        NF_SRTP_A_KEY_MKI: binary, 1-128 bytes, optional; either every
 *                           key of the stream has one, all of one length,
 *                           or none has
 *        NF_SRTP_A_KEY_LIFETIME: NLA_U64, packets the key may protect or
 *                                unprotect, 1 to 2^48, optional (default
 *                                2^48); the policy refuses other values
 *      The first key is the active one: protect uses it until it is spent
 *      and then the next one.  Unprotect with MKI uses the key the packet
 *      names (and makes it the active one if it is newer); without MKI it
 *      uses the active key, and moves to the next one when the active one
 *      is spent or when a packet authenticates with the next one (the
 *      peer re-keyed).  Either move raises NF_SRTP_EVENT_KEY_SWITCH.
 *      Keys are numbered by their index: 0 for the first key of the
 *      stream, one more for each key added after it, never reused.
 *
 * The reply carries NF_SRTP_A_STREAM with NF_SRTP_A_STREAM_ID.  A
 * namespace holds at most max_streams streams (a module parameter, 131072
 * by default, set by the initial namespace's root); beyond it the request
 * fails with -ENOSPC.  A stream's memory is charged to the memory cgroup
 * of the process that adds it.
 *
 * NF_SRTP_CMD_STREAM_DEL
 * ----------------------
 *
 * Removes a stream: NF_SRTP_A_STREAM with NF_SRTP_A_STREAM_ID.  Packets in
 * flight finish with the old state; the keys are wiped once no CPU uses
 * them any more.
 *
 * NF_SRTP_CMD_STREAM_GET
 * ----------------------
 *
 * With NF_SRTP_A_STREAM holding NF_SRTP_A_STREAM_ID: that stream.  As a
 * dump (NLM_F_DUMP, no attribute): every stream of the namespace, one
 * message each.  The dump of a namespace with many streams spans several
 * reads.  If streams are added, removed or changed (STREAM_SET) between
 * two of them, the messages after the change and the final NLMSG_DONE
 * carry NLM_F_DUMP_INTR: the dump may have missed a stream or shown an
 * old state, and should be run again.  A
 * stream is described by NF_SRTP_A_STREAM, a nest of the attributes of
 * NF_SRTP_CMD_STREAM_ADD (keys without their master key and salt) plus:
 *
 *    NF_SRTP_A_STREAM_ID: NLA_U32
 *    NF_SRTP_A_STREAM_KEYS: nests NF_SRTP_A_KEY of
 *        NF_SRTP_A_KEY_MKI, NF_SRTP_A_KEY_LIFETIME (absent: 2^48),
 *        NF_SRTP_A_KEY_INDEX: NLA_U32, the key's index (0 = the first key
 *                             of the stream; the keys reaped are gone)
 *        NF_SRTP_A_KEY_PACKETS: NLA_U64, packets processed with it
 *        NF_SRTP_A_KEY_ACTIVE: NLA_FLAG, the key protect uses (for
 *                              unprotect without MKI: the key tried)
 *    NF_SRTP_A_STREAM_COUNTERS: NLA_NESTED
 *        NF_SRTP_A_CNT_PACKETS: NLA_U64, packets transformed
 *        NF_SRTP_A_CNT_BYTES: NLA_U64, UDP payload bytes of those packets
 *                             before the transform
 *        NF_SRTP_A_CNT_DROPS: NLA_NESTED, one NLA_U64 per reason with a
 *                             non-zero count; the attribute type is the
 *                             enum nf_srtp_drop reason
 *        NF_SRTP_A_CNT_STUN: NLA_U64, STUN messages the stream let
 *                            through untransformed (see Streams); not
 *                            in PACKETS or BYTES, not a drop
 *        NF_SRTP_A_CNT_RTCP_PACKETS: NLA_U64, of PACKETS, the RTCP
 *                                    (SRTCP) ones
 *        NF_SRTP_A_CNT_RTCP_BYTES: NLA_U64, of BYTES, those of RTCP
 *        NF_SRTP_A_CNT_RTCP_DROPS: NLA_U64, of the drops (all reasons
 *                                  together), those of RTCP packets: on
 *                                  the RTCP port, or found to be RTCP on
 *                                  a multiplexed one
 *        NF_SRTP_A_CNT_LATCHES: NLA_U64, times a latching stream's peer
 *                               moved (NF_SRTP_F_LATCH)
 *    NF_SRTP_A_STREAM_PEER, NF_SRTP_A_STREAM_RTCP_PEER: NLA_NESTED, a
 *        latching stream's peer for RTP and for RTCP, each once a packet
 *        of its kind authenticated (NF_SRTP_F_LATCH):
 *        NF_SRTP_A_PEER_IPV4 or NF_SRTP_A_PEER_IPV6: binary, network order
 *        NF_SRTP_A_PEER_PORT: NLA_U16, host order
 *    NF_SRTP_A_STREAM_PIN_SSRC: NLA_U32, present only while the stream
 *                               is pinned: the SSRC it is pinned to
 *
 * NF_SRTP_CMD_STREAM_SET
 * ----------------------
 *
 * Changes a stream while its packets flow.  NF_SRTP_A_STREAM holds
 * NF_SRTP_A_STREAM_ID and any of:
 *
 *    NF_SRTP_A_STREAM_KEYS: keys as for NF_SRTP_CMD_STREAM_ADD.  Without
 *                           NF_SRTP_A_STREAM_FLAGS they are appended to
 *                           the stream's keys, with an MKI of the
 *                           stream's MKI length that no live key has
 *                           (-EEXIST), taking the next indices.  First
 *                           the keys older than the active key are
 *                           reaped: wiped and freed, their MKIs unknown
 *                           from then on.  So a stream can be re-keyed
 *                           any number of times; it holds at most 16
 *                           live keys, and a request that would make
 *                           more fails with -ENOSPC.  A key is the next
 *                           key of a re-key, used by protect when the
 *                           current one is spent or when it is made
 *                           active, and by unprotect as soon as a packet
 *                           carries its MKI, or, without MKI, as soon as
 *                           a packet that fails with the active key
 *                           authenticates with the key right after it
 *                           (not for SRTP without authentication, which
 *                           has no tag to fail).
 *    NF_SRTP_A_STREAM_ACTIVE_KEY: NLA_U32, the index of the live key
 *                                 protect (and unprotect without MKI)
 *                                 uses from now on (-EINVAL for no live
 *                                 key); the keys older than it are then
 *                                 reaped.
 *    NF_SRTP_A_STREAM_SUITE, NF_SRTP_A_STREAM_FLAGS,
 *    NF_SRTP_A_STREAM_WINDOW: a new suite (a re-INVITE that settles on
 *                           another one) or new session parameters.
 *                           They need new keys (of the new suite): the
 *                           crypto context is replaced by one made of
 *                           NF_SRTP_A_STREAM_KEYS (required then),
 *                           which takes over the old one's SSRC state:
 *                           ROC, replay windows and SRTCP indices go on,
 *                           so no index is sent or accepted twice.  The
 *                           stream stays in place meanwhile: no packet
 *                           meets a moment without a transform.
 *                           NF_SRTP_F_REASSEMBLE newly set turns
 *                           reassembly on as STREAM_ADD does.
 *                           NF_SRTP_F_RTCP_MUX may change, with or
 *                           without keys, and only with a new match
 *                           in the same request (-EINVAL): the match
 *                           with RTCP on the RTP ports or on ports of
 *                           its own takes over as below, the crypto
 *                           state stays.  FLAGS without KEYS may
 *                           change NF_SRTP_F_RTCP_MUX and
 *                           NF_SRTP_F_LATCH only (-EINVAL).
 *    NF_SRTP_A_STREAM_SRC_IPV4, NF_SRTP_A_STREAM_SRC_IPV6,
 *    NF_SRTP_A_STREAM_DST_IPV4, NF_SRTP_A_STREAM_DST_IPV6,
 *    NF_SRTP_A_STREAM_SRC_PORT, NF_SRTP_A_STREAM_DST_PORT,
 *    NF_SRTP_A_STREAM_RTCP_SRC_PORT,
 *    NF_SRTP_A_STREAM_RTCP_DST_PORT: a new match, as for STREAM_ADD
 *                           (a destination address and DST_PORT
 *                           required; the family may change),
 *                           for a re-INVITE that moves the media.  The
 *                           stream takes it over atomically: the new
 *                           match is checked first (-EEXIST if another
 *                           stream holds it, and then nothing changes),
 *                           hashed before the old one leaves the table,
 *                           and the crypto state stays, so every packet
 *                           of either match meets the stream at every
 *                           moment.  With KEYS (and FLAGS or WINDOW) in
 *                           the same request, the keys change first.
 *    NF_SRTP_A_STREAM_PIN_SSRC: NLA_U32, pins the stream to this SSRC
 *                           (as for STREAM_ADD), or moves the pin to it.
 *    NF_SRTP_A_STREAM_UNPIN: NLA_FLAG, removes the pin: the stream
 *                           takes any SSRC again.  Not with PIN_SSRC
 *                           (-EINVAL); not in STREAM_ADD (-EINVAL).
 *                           Either changes the pin atomically, between
 *                           two packets of the stream: each packet meets
 *                           the old pin or the new one.  The SSRC state
 *                           stays: an SSRC the stream tracked before it
 *                           was pinned out goes on with its ROC and
 *                           replay window when it is let in again.  The
 *                           pin changes last, once everything else in
 *                           the request has succeeded, so a request
 *                           that fails leaves the pin as it was.  A new
 *                           crypto context (FLAGS, WINDOW) keeps it.
 *    NF_SRTP_A_STREAM_NEW_SESSION: NLA_FLAG, the keys start a new SRTP
 *                           session on the stream (another call on the
 *                           same match, a guard between two calls): its
 *                           crypto context is replaced by one made of
 *                           NF_SRTP_A_STREAM_KEYS (required, -EINVAL;
 *                           SUITE, FLAGS and WINDOW optional, the
 *                           stream's otherwise) that does not take the
 *                           old one's SSRC state over: every SSRC
 *                           starts again with ROC 0, empty replay
 *                           windows and the first SRTCP index, no SSRC
 *                           is retired, and the pin goes (PIN_SSRC in
 *                           the same request sets a new one).  Without
 *                           it the state of every call on a port would
 *                           pile up in the stream (its SSRCs and their
 *                           indices), until new SSRCs were refused
 *                           (ssrc-limit) or a sender's first packets
 *                           were taken for repeats (tx-replay) or sent
 *                           under another call's ROC.  The keys must be
 *                           new: an index sent under the old keys may
 *                           be sent again.  Not in STREAM_ADD (-EINVAL).
 *
 * NF_SRTP_CMD_STREAM_FLUSH
 * ------------------------
 *
 * Removes every stream of the caller's network namespace.  No attribute.
 *
 * Events
 * ------
 *
 * The multicast group NF_SRTP_MCGRP_EVENTS ("events") carries
 * NF_SRTP_CMD_EVENT messages to listeners of the stream's namespace
 * (joining needs CAP_NET_ADMIN there).  Each holds
 *
 *    NF_SRTP_A_EVENT: NLA_U8, enum nf_srtp_event
 *    NF_SRTP_A_STREAM: NLA_NESTED with NF_SRTP_A_STREAM_ID and, by event:
 *        SOFT_LIMIT, HARD_LIMIT, KEY_SWITCH: NF_SRTP_A_STREAM_KEYS with one
 *            NF_SRTP_A_KEY: NF_SRTP_A_KEY_INDEX and, if the stream's keys
 *            have MKIs, NF_SRTP_A_KEY_MKI; never key material.  The index
 *            is the key's position in the stream's keys when the work
 *            item sends the event (a STREAM_SET that replaced the keys
 *            in between makes it name the new key at that position).
 *        NEW_SSRC: NF_SRTP_A_STREAM_SSRC
 *        LATCH: NF_SRTP_A_STREAM_PEER and NF_SRTP_A_STREAM_RTCP_PEER as
 *            the stream has them when the work item sends the event (one
 *            of them new)
 *
 * Events of one stream are coalesced while one is pending: a listener
 * always learns that an event happened, not how many times.
 */

#ifndef _UAPI_LINUX_NF_SRTP_H
#define _UAPI_LINUX_NF_SRTP_H

#define NF_SRTP_GENL_NAME "nf_srtp"
#define NF_SRTP_GENL_VERSION 1
#define NF_SRTP_MCGRP_EVENTS "events"

enum nf_srtp_cmd {
	NF_SRTP_CMD_UNSPEC,
	NF_SRTP_CMD_GET_STATS,
	NF_SRTP_CMD_STREAM_ADD,
	NF_SRTP_CMD_STREAM_DEL,
	NF_SRTP_CMD_STREAM_GET,
	NF_SRTP_CMD_STREAM_FLUSH,
	NF_SRTP_CMD_STREAM_SET,
	NF_SRTP_CMD_EVENT,

	__NF_SRTP_CMD_MAX
};

#define NF_SRTP_CMD_MAX (__NF_SRTP_CMD_MAX - 1)

enum nf_srtp_attr {
	NF_SRTP_A_UNSPEC,
	NF_SRTP_A_VERSION,
	NF_SRTP_A_STATS,
	NF_SRTP_A_STREAM,
	NF_SRTP_A_EVENT,

	__NF_SRTP_A_MAX
};

#define NF_SRTP_A_MAX (__NF_SRTP_A_MAX - 1)

enum nf_srtp_stats_attr {
	NF_SRTP_A_STATS_UNSPEC,
	NF_SRTP_A_STATS_STREAMS,
	NF_SRTP_A_STATS_PAD,
	NF_SRTP_A_STATS_PROTECTED,
	NF_SRTP_A_STATS_UNPROTECTED,
	NF_SRTP_A_STATS_DROPS,
	NF_SRTP_A_STATS_DEFRAG,
	NF_SRTP_A_STATS_STUN,

	__NF_SRTP_A_STATS_MAX
};

#define NF_SRTP_A_STATS_MAX (__NF_SRTP_A_STATS_MAX - 1)

/* NF_SRTP_A_STATS_DEFRAG */
#define NF_SRTP_DEFRAG_IPV4	0x1
#define NF_SRTP_DEFRAG_IPV6	0x2

enum nf_srtp_stream_attr {
	NF_SRTP_A_STREAM_UNSPEC,
	NF_SRTP_A_STREAM_ID,
	NF_SRTP_A_STREAM_OP,
	NF_SRTP_A_STREAM_SRC_IPV4,
	NF_SRTP_A_STREAM_SRC_IPV6,
	NF_SRTP_A_STREAM_DST_IPV4,
	NF_SRTP_A_STREAM_DST_IPV6,
	NF_SRTP_A_STREAM_SRC_PORT,
	NF_SRTP_A_STREAM_DST_PORT,
	NF_SRTP_A_STREAM_RTCP_SRC_PORT,
	NF_SRTP_A_STREAM_RTCP_DST_PORT,
	NF_SRTP_A_STREAM_SUITE,
	NF_SRTP_A_STREAM_FLAGS,
	NF_SRTP_A_STREAM_WINDOW,
	NF_SRTP_A_STREAM_KDR,
	NF_SRTP_A_STREAM_KEYS,
	NF_SRTP_A_STREAM_COUNTERS,
	NF_SRTP_A_STREAM_ACTIVE_KEY,
	NF_SRTP_A_STREAM_SSRC,
	NF_SRTP_A_STREAM_PIN_SSRC,
	NF_SRTP_A_STREAM_UNPIN,
	NF_SRTP_A_STREAM_NEW_SESSION,
	NF_SRTP_A_STREAM_PEER,
	NF_SRTP_A_STREAM_RTCP_PEER,

	__NF_SRTP_A_STREAM_MAX
};

#define NF_SRTP_A_STREAM_MAX (__NF_SRTP_A_STREAM_MAX - 1)

enum nf_srtp_key_attr {
	NF_SRTP_A_KEY_UNSPEC,
	NF_SRTP_A_KEY_MASTER_KEY,
	NF_SRTP_A_KEY_MASTER_SALT,
	NF_SRTP_A_KEY_MKI,
	NF_SRTP_A_KEY_LIFETIME,
	NF_SRTP_A_KEY_INDEX,
	NF_SRTP_A_KEY_PACKETS,
	NF_SRTP_A_KEY_ACTIVE,
	NF_SRTP_A_KEY_PAD,

	__NF_SRTP_A_KEY_MAX
};

#define NF_SRTP_A_KEY_MAX (__NF_SRTP_A_KEY_MAX - 1)

/* Inside NF_SRTP_A_STREAM_PEER and NF_SRTP_A_STREAM_RTCP_PEER. */
enum nf_srtp_peer_attr {
	NF_SRTP_A_PEER_UNSPEC,
	NF_SRTP_A_PEER_IPV4,
	NF_SRTP_A_PEER_IPV6,
	NF_SRTP_A_PEER_PORT,

	__NF_SRTP_A_PEER_MAX
};

#define NF_SRTP_A_PEER_MAX (__NF_SRTP_A_PEER_MAX - 1)

/* The only attribute type inside NF_SRTP_A_STREAM_KEYS. */
#define NF_SRTP_A_KEY 1

enum nf_srtp_counter_attr {
	NF_SRTP_A_CNT_UNSPEC,
	NF_SRTP_A_CNT_PACKETS,
	NF_SRTP_A_CNT_BYTES,
	NF_SRTP_A_CNT_DROPS,
	NF_SRTP_A_CNT_PAD,
	NF_SRTP_A_CNT_STUN,
	NF_SRTP_A_CNT_RTCP_PACKETS,
	NF_SRTP_A_CNT_RTCP_BYTES,
	NF_SRTP_A_CNT_RTCP_DROPS,
	NF_SRTP_A_CNT_LATCHES,

	__NF_SRTP_A_CNT_MAX
};

#define NF_SRTP_A_CNT_MAX (__NF_SRTP_A_CNT_MAX - 1)

enum nf_srtp_op {
	NF_SRTP_OP_PROTECT = 1,		/* RTP in, SRTP out */
	NF_SRTP_OP_UNPROTECT = 2,	/* SRTP in, RTP out */
};

/* Crypto suites: RFC 4568 6.2, RFC 6188, RFC 7714. */
enum nf_srtp_suite {
	NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80 = 1,
	NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32,
	NF_SRTP_SUITE_AES_192_CM_HMAC_SHA1_80,
	NF_SRTP_SUITE_AES_192_CM_HMAC_SHA1_32,
	NF_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80,
	NF_SRTP_SUITE_AES_256_CM_HMAC_SHA1_32,
	NF_SRTP_SUITE_AEAD_AES_128_GCM,
	NF_SRTP_SUITE_AEAD_AES_256_GCM,

	__NF_SRTP_SUITE_MAX
};

/* NF_SRTP_A_STREAM_FLAGS: RFC 4568 6.3 session parameters and options. */
#define NF_SRTP_F_UNENCRYPTED_SRTP	0x1
#define NF_SRTP_F_UNENCRYPTED_SRTCP	0x2
#define NF_SRTP_F_UNAUTHENTICATED_SRTP	0x4
#define NF_SRTP_F_RTCP_MUX		0x8
#define NF_SRTP_F_REASSEMBLE		0x10
#define NF_SRTP_F_LATCH			0x20
#define NF_SRTP_F_ALL			0x3f

/*
 * Why a packet of a stream was dropped: the attribute types inside
 * NF_SRTP_A_CNT_DROPS.
 */
enum nf_srtp_drop {
	NF_SRTP_DROP_UNSPEC,
	NF_SRTP_DROP_PAD,		/* not a reason: padding (see above) */
	NF_SRTP_DROP_MALFORMED,		/* RTP/RTCP header or length invalid */
	NF_SRTP_DROP_AUTH,		/* authentication tag mismatch */
	NF_SRTP_DROP_REPLAY,		/* index already received */
	NF_SRTP_DROP_TOO_OLD,		/* index left of the replay window */
	NF_SRTP_DROP_UNKNOWN_MKI,	/* no key has the packet's MKI */
	NF_SRTP_DROP_LIFETIME,		/* the key's lifetime is exhausted */
	NF_SRTP_DROP_SSRC_LIMIT,	/* more SSRCs than a stream tracks */
	NF_SRTP_DROP_NO_ROOM,		/* no room to grow the packet */
	NF_SRTP_DROP_NOMEM,		/* the skb could not be made writable */
	NF_SRTP_DROP_GSO,		/* a GSO/UDP_SEGMENT super-packet */
	NF_SRTP_DROP_CRYPTO,		/* the crypto API failed */
	NF_SRTP_DROP_FRAGMENT,		/* an IP fragment, in a namespace
					 * that does not reassemble them
					 * (NF_SRTP_F_REASSEMBLE)
					 */
	NF_SRTP_DROP_TX_REPLAY,		/* protect: the index was already
					 * sent (or is left of the window)
					 * for its SSRC: sending it again
					 * would reuse a keystream
					 */
	NF_SRTP_DROP_SOURCE,		/* sent to a protect stream's
					 * destination from another source
					 */
	NF_SRTP_DROP_CHECKSUM,		/* unprotect without authentication:
					 * the UDP checksum is wrong
					 */
	NF_SRTP_DROP_NOT_RTP,		/* neither RTP/RTCP (first byte
					 * 128..191) nor a STUN message: ZRTP,
					 * DTLS, TURN channel data, ...
					 * (RFC 7983)
					 */
	NF_SRTP_DROP_SSRC_PIN,		/* an SSRC other than the one the
					 * stream is pinned to
					 * (NF_SRTP_A_STREAM_PIN_SSRC)
					 */
	NF_SRTP_DROP_ASYNC,		/* the crypto driver queued the
					 * request (-EINPROGRESS) instead of
					 * running it: the packet is freed
					 * when it completes; that key uses
					 * the synchronous driver from then on
					 */
	NF_SRTP_DROP_REPLACED,		/* unprotect: the stream's crypto
					 * context was replaced (STREAM_SET)
					 * while the packet was decrypted
					 * outside the stream's lock; it is
					 * not accepted without the new
					 * context's replay window
					 */

	__NF_SRTP_DROP_MAX
};

#define NF_SRTP_DROP_MAX (__NF_SRTP_DROP_MAX - 1)

enum nf_srtp_event {
	NF_SRTP_EVENT_UNSPEC,
	NF_SRTP_EVENT_SOFT_LIMIT,	/* a key reached half its lifetime */
	NF_SRTP_EVENT_HARD_LIMIT,	/* a key reached its lifetime */
	NF_SRTP_EVENT_KEY_SWITCH,	/* the active key moved to the next */
	NF_SRTP_EVENT_NEW_SSRC,		/* a new SSRC authenticated */
	NF_SRTP_EVENT_STREAM_DEL,	/* the stream was removed */
	NF_SRTP_EVENT_LATCH,		/* a latching stream's peer is set
					 * or moved (NF_SRTP_F_LATCH)
					 */

	__NF_SRTP_EVENT_MAX
};

#endif /* _UAPI_LINUX_NF_SRTP_H */
