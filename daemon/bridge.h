/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bridge: srtpd as the media controller of a SIP proxy on a router, the
 * semantics behind the ng protocol's offer and answer (ng.c).
 *
 * The router sits on the media path between the caller A, whose offer
 * comes first, and the callee B.  Each leg is SRTP or plain RTP on its
 * own:
 *   - A's offer is forwarded to B with B's leg as the proxy asks: our own
 *     crypto lines (fresh keys, under B's policy and the SDES options) in
 *     place of A's, or no crypto and RTP/AVP.  Unless the proxy names the
 *     profile, B's leg is as A offered it, raised to SRTP only where B's
 *     policy requires it and lowered to RTP where B's model has no SRTP.  Every other line of A's
 *     offer is kept; addresses are not rewritten.
 *   - B's answer goes back to A with A's leg decided by the policy, as
 *     negotiate_answer() decides for a phone: A's first acceptable crypto
 *     line echoed with our key, A's other alternative at port 0.
 *   - The plan lists, per media stream and direction, what the router
 *     does to the packets it forwards: unprotect with the sender's key,
 *     protect with our key toward the receiver, or both (SRTP on both legs
 *     with different keys or session parameters).
 *   - ICE lines (candidates, credentials) are never forwarded: srtpd does
 *     no ICE, and a candidate would let media take a path around the
 *     router and its transform.
 *   - Our keys carry no lifetime (unless the proxy asks for SDES-lifetime,
 *     2^31 packets): the proxy, not srtpd, decides when a re-INVITE is
 *     sent, so srtpd could not re-key a leg before its key runs out.
 * Syntax is sdp.c's and sdes.c's, acceptability policy.c's; no netlink.
 */

#ifndef NFSRTP_BRIDGE_H
#define NFSRTP_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "negotiate.h"
#include "policy.h"
#include "sdp.h"

enum bridge_transport {
	BRIDGE_KEEP,		/* B's leg as A offered it */
	BRIDGE_RTP,		/* RTP/AVP toward B: no SRTP */
	BRIDGE_SRTP,		/* RTP/SAVP toward B: SRTP required */
};

/* What the proxy asks for B's leg (ng: transport-protocol, SDES). */
struct bridge_opts {
	enum bridge_transport transport;
	bool sdes_off;			/* no crypto toward B */
	uint32_t no_suites;		/* bits 1 << enum sdes_suite */
	uint32_t only_suites;		/* bits; 0: no restriction */
	bool unencrypted_srtp;		/* offer UNENCRYPTED_SRTP */
	bool unencrypted_srtcp;		/* offer UNENCRYPTED_SRTCP */
	bool unauthenticated_srtp;	/* offer UNAUTHENTICATED_SRTP */
	bool lifetime;			/* offer a key lifetime (2^31) */
	bool osrtp_offer;		/* SRTP not required toward B goes as
					 * RFC 8643 OSRTP, not SAVP + AVP */
	bool nonew;			/* offer B no suite A did not offer */
	bool first_32;			/* AES_CM_128_HMAC_SHA1_32's crypto
					 * line first (SDES-order:, -prefer) */
	/* A's leg: suites A's answer takes first (SDES-offerer_pref:) */
	uint8_t a_prefer[SDES_SUITE_COUNT];
	unsigned int a_nprefer;
	bool keep_suite;		/* an answer keeps A's suite (SDES-static) */
	bool rtcp_demux;		/* no a=rtcp-mux toward B (rtcp-mux
					 * demux, reject) */
	/*
	 * rtcp-mux offer: every open RTP m-line of the offer (at the offer)
	 * or of the answer (at the answer) must multiplex already, since
	 * srtpd, which does not anchor media, cannot multiplex for a phone.
	 */
	bool mux_needed;
	bool mux_refused;		/* at the answer: none may (demux) */
	/*
	 * Anchored (relay.h): the router relays every media stream taken,
	 * so the plan has the flows of plain ones too (neither unprotect
	 * nor protect), not only those with SRTP on a leg.
	 */
	bool relay_all;
};

/* One media stream of A's offer and what went to B for it. */
struct bridge_group {
	struct neg_group a;		/* A's m-lines */
	bool rtp;			/* an RTP stream; else passed through */
	unsigned int b_first;		/* our m-lines toward B */
	unsigned int b_count;
	struct srtp_policy pb;		/* B's leg: policy and options */
	struct neg_offer offer;		/* our offer toward B for it */
	/* A's leg as A's policy answers it, known from the offer on */
	bool a_srtp;
	enum sdes_suite a_suite;	/* of our key toward A (its guard's) */
	struct sdp_conn a_conn;
	unsigned int a_port;
	unsigned int a_rtcp_port;
	bool a_mux;
};

struct bridge {
	struct srtp_policy pa;		/* A's leg: the phone's policy */
	struct srtp_policy pb_base;	/* B's leg: its phone's policy */
	struct bridge_opts opts;
	struct sdp a_offer;
	struct bridge_group *groups;	/* ngroups of them (a pending
					 * offer costs what it has) */
	size_t ngroups;
	size_t b_nmedia;
};

/* What the router does to one direction of one media stream. */
struct bridge_flow {
	unsigned int index;		/* media stream (group) number */
	unsigned int a_line;		/* its m-line in A's offer */
	bool a_to_b;			/* direction */
	struct sdp_conn from;		/* the sender's address (any port) */
	struct sdp_conn to;		/* the receiver's address and ports */
	unsigned int to_port;
	unsigned int to_rtcp_port;
	bool rtcp_mux;
	bool unprotect;			/* SRTP from the sender: its key */
	struct sdes_crypto in;
	bool protect;			/* SRTP to the receiver: our key */
	struct sdes_crypto out;
};

struct bridge_plan {
	struct bridge_flow flows[2 * NEG_MEDIA_MAX];
	size_t nflows;
	bool secure_a;			/* A's leg fully secure (padlock) */
	bool secure_b;
};

#define BRIDGE_REJECTED	NEG_REJECTED	/* the call cannot go on: reason */

/*
 * A's offer under A's policy @p, B's leg under B's policy @pb (its phone
 * model's; the proxy's options shape it further): fills @b (bridge_free()
 * it) and *@out, the offer to forward to B (malloc'd).  @again (NULL, or
 * per media stream, in order) holds our crypto lines toward B of the
 * offer B last answered (a re-offer): B is offered those keys again, so
 * its crypto contexts and rollover counters go on.  0; BRIDGE_REJECTED
 * with the reason in @err when the policy or the options leave nothing
 * to offer; -1 with @err when the SDP is malformed or memory or entropy
 * ran out.
 */
int bridge_offer(struct bridge *b, const struct srtp_policy *p,
		 const struct srtp_policy *pb, const struct bridge_opts *o,
		 const struct sdes_crypto *const *again, const char *sdp,
		 size_t len, char **out, char *err, size_t errlen);

/*
 * B's answer to the offer bridge_offer() made: *@out is the answer to
 * forward to A, @plan what to install (bridge_plan_wipe() it).  @keep_a
 * (NULL, or per m-line of A's offer) holds our crypto lines of an earlier
 * answer toward A to answer with again (the 200 after a 183 of the same
 * branch): A's keys then stay.  Return values as for bridge_offer().
 */
int bridge_answer(struct bridge *b, const char *sdp, size_t len,
		  const struct sdes_crypto *const *keep_a, char **out,
		  struct bridge_plan *plan, char *err, size_t errlen);

void bridge_free(struct bridge *b);
void bridge_plan_wipe(struct bridge_plan *plan);

#endif /* NFSRTP_BRIDGE_H */
