/* SPDX-License-Identifier: GPL-2.0 */
/*
 * negotiate: RFC 3264 offer/answer with RFC 4568 security descriptions,
 * under the bulletin's policy (policy.h).  Builds our offers, answers
 * offers, and completes our offers with their answers; the result says
 * which streams to install in nf_srtp with which keys.  Keys come fresh
 * from getrandom(2) for every offer and answer.
 */

#ifndef NFSRTP_NEGOTIATE_H
#define NFSRTP_NEGOTIATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "sdes.h"
#include "sdp.h"

#define NEG_MEDIA_MAX	16	/* m-lines in one description */
#define NEG_REJECTED	1	/* SIP 488 Not Acceptable Here */

/* Our side of a call. */
struct neg_local {
	struct sdp_conn conn;	/* our media address */
	unsigned int port;	/* RTP port of the first stream; then +2 */
	const char *fmts;	/* offered formats; NULL: "0 8 18 101" */
	uint64_t session_id;	/* o= session id; 0: random */
	uint64_t version;	/* o= version */
	uint32_t mki;		/* MKI value of our new keys; 0: 1 */
	/*
	 * Answers only: per offer m-line, our crypto line to keep when the
	 * chosen line has its suite (a re-offer that keys only the other
	 * direction); NULL entries, or no array: fresh keys.
	 */
	const struct sdes_crypto *const *keep;
	/*
	 * Answers only: the suites to choose first, the most wanted first
	 * (a proxy's SDES-offerer_pref:); a line of a suite not listed is
	 * chosen only when no listed one is acceptable.  nprefer 0: the
	 * offer's order alone (RFC 4568 7.1.1).
	 */
	uint8_t prefer[SDES_SUITE_COUNT];
	unsigned int nprefer;
	/*
	 * Answers only: the suite of @keep's line is chosen before any
	 * other while the offer still has it (a proxy's SDES-static: a
	 * re-offer's answer leaves the negotiated suite in place).
	 */
	bool keep_suite;
	/*
	 * Offers only: our crypto line toward this peer for this stream in
	 * the last offer it answered; its suite's line offers that key
	 * again (RFC 4568 7.1.4: the peer keeps its crypto context, and its
	 * rollover counter).  NULL: fresh keys.
	 */
	const struct sdes_crypto *again;
};

/* One negotiated media stream. */
struct neg_stream {
	unsigned int index;		/* m-line of the offer (and answer) */
	char media[32];
	bool srtp;			/* SRTP; false: plain RTP */
	struct sdes_crypto local;	/* our line: our key, protects to them */
	struct sdes_crypto remote;	/* theirs: their key, unprotects */
	struct sdp_conn local_conn;
	unsigned int local_port;
	struct sdp_conn remote_conn;
	unsigned int remote_port;
	struct sdp_conn remote_rtcp_conn;
	unsigned int remote_rtcp_port;
	bool rtcp_mux;
};

struct neg_result {
	struct neg_stream streams[NEG_MEDIA_MAX];
	size_t nstreams;
	bool secure;		/* every stream fully secure: the padlock */
	char reason[256];	/* why the call is rejected (488) */
};

/* An offer we made, kept until its answer arrives. */
struct neg_offer {
	struct sdp sdp;
	struct sdes_crypto crypto[2];	/* our crypto lines, in order */
	unsigned int ncrypto;
	unsigned int secure_index;	/* m-line of the SAVP offer */
	unsigned int plain_index;	/* m-line of the AVP offer */
	bool secure;			/* an SAVP m-line was offered */
	bool plain;			/* an AVP m-line was offered */
	bool osrtp;			/* both in one: RTP/AVP with a=crypto
					 * (RFC 8643); secure_index ==
					 * plain_index */
	struct neg_local local;
};

/*
 * Builds our offer under @p into @o (free with negotiate_offer_free()):
 * an SAVP m-line when SRTP is offered, followed on the same port by an AVP
 * one unless it is required, or AVP alone; as in the bulletin's scenarios.
 * With p->osrtp, SRTP offered but not required is one RTP/AVP m-line
 * with the a=crypto lines instead (RFC 8643 opportunistic SRTP).
 * 0, or -1 with @err (no entropy, no memory).
 */
int negotiate_offer(const struct srtp_policy *p, const struct neg_local *l,
		    struct neg_offer *o, char *err, size_t errlen);
void negotiate_offer_free(struct neg_offer *o);

/*
 * Answers @offer under @p: per media stream, the first acceptable crypto
 * line of its SAVP m-line (our own new key, its tag, suite and session
 * parameters), else its AVP alternative unless secure media is required;
 * an AVP m-line alone that carries a=crypto lines (RFC 8643 opportunistic
 * SRTP) is answered in RTP/AVP with our crypto line when SRTP is enabled
 * and one is acceptable (it then satisfies sec.srtp.require), else plain;
 * the m-lines not taken get port 0.  Returns 0 with @answer and @r filled
 * (sdp_free and negotiate_result_wipe them), NEG_REJECTED with the reason
 * in r->reason when no stream is acceptable, or -1 with @err when the
 * answer cannot be built.
 */
int negotiate_answer(const struct srtp_policy *p, const struct sdp *offer,
		     const struct neg_local *l, struct sdp *answer,
		     struct neg_result *r, char *err, size_t errlen);

/*
 * Completes our offer @o with the peer's @answer: which of our m-lines it
 * took, and, for SAVP, its crypto line (one of our tags and suites, with
 * our session parameters).  An answer to an opportunistic offer (o->osrtp)
 * is SRTP when it carries a crypto line, plain RTP when it carries none.
 * 0, or NEG_REJECTED with r->reason.
 */
int negotiate_complete(const struct srtp_policy *p, const struct neg_offer *o,
		       const struct sdp *answer, struct neg_result *r);

void negotiate_result_wipe(struct neg_result *r);

/*
 * The alternatives of one media stream: an SAVP m-line and the AVP m-line
 * next to it for the same media on the same port (the bulletin's "secure
 * media description along with the usual non-secure" one), or one m-line.
 */
struct neg_group {
	int secure;		/* m-line index or -1 */
	int plain;		/* m-line index or -1 */
};

/* The media streams of @d, in m-line order, into @g (NEG_MEDIA_MAX). */
size_t negotiate_groups(const struct sdp *d, struct neg_group *g);

/* Fills @k with a fresh key and salt for @suite; 0 or -1. */
int negotiate_new_key(enum sdes_suite suite, struct sdes_key *k);

#endif /* NFSRTP_NEGOTIATE_H */
