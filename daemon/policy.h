/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy: what the sec.srtp.* parameters of Technical Bulletin 25751 mean
 * for one phone model.  Pure functions: no I/O, no SDP text, no netlink.
 * Documentation/configuration.md ("Policy") explains every decision taken
 * here where the bulletin is silent or contradicts itself.
 */

#ifndef NFSRTP_POLICY_H
#define NFSRTP_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "sdes.h"

/* Which parameters a model reads (the bulletin's "Note" on tagging). */
enum policy_class {
	POLICY_NO_SRTP,		/* SoundPoint IP 300 and 500 */
	POLICY_LEGACY,		/* SoundPoint IP 301, 501, 600, 601: "leg" */
	POLICY_IP_4000,		/* SoundStation IP 4000: "IP_4000" */
	POLICY_CURRENT,		/* every other model: untagged */
};

struct policy_model {
	const char *name;	/* "IP_601" */
	const char *product;	/* "SoundPoint IP 601" */
	enum policy_class cls;
};

#define POLICY_DEFAULT_MODEL	"IP_650"

/* The model called @name (case-insensitive, "IP_601" or "IP601"), or NULL. */
const struct policy_model *policy_model_by_name(const char *name);

/* Every known model, for help texts: @i from 0 until NULL. */
const struct policy_model *policy_model_at(size_t i);

/* The session parameters, indexed by enum cfg_sp. */
struct policy_sp {
	bool offer;		/* we offer it (require forces it on) */
	bool require;		/* an offer without it is unacceptable */
};

/* The effective policy of one model under one configuration. */
struct srtp_policy {
	const struct policy_model *model;
	bool srtp;		/* SRTP usable: accept SRTP offers */
	bool offer;		/* offer a secure m-line (require forces it) */
	bool require;		/* secure media only, both ways */
	bool offer_80;		/* offer AES_CM_128_HMAC_SHA1_80 */
	bool offer_32;		/* offer AES_CM_128_HMAC_SHA1_32 */
	bool first_32;		/* its crypto line before _80's (its tag
				 * stays 2; set by srtpd's ng SDES-order:,
				 * never by the configuration) */
	uint64_t lifetime;	/* master key lifetime in packets; 0: unset */
	bool mki;		/* a 4-byte MKI in our key-params */
	struct policy_sp sp[CFG_SP_COUNT];
	bool local_conference;	/* a local conference is allowed */
	bool osrtp;		/* offer SRTP as RFC 8643 opportunistic SRTP:
				 * one RTP/AVP m-line with a=crypto instead of
				 * the bulletin's SAVP + AVP pair (offer
				 * without require only; set by srtpd's ng
				 * OSRTP option, never by the configuration) */
	char note[256];		/* why an offer= was ignored, or "" */
};

/*
 * Builds the policy of @model (NULL: POLICY_DEFAULT_MODEL) from @c.
 * Returns 0, or -1 with a message in @err when the configuration cannot be
 * run for that model: require=1 where SRTP is off, an offer with no suite
 * to put in it.  A parameter that has no effect on that model with that
 * configuration (offer=1 where SRTP is off) is explained in ->note.
 */
int policy_build(const struct srtp_config *c, const char *model,
		 struct srtp_policy *out, char *err, size_t errlen);

/*
 * Whether an answerer with policy @p may accept the offered crypto line
 * @cr: a suite we run, keys we can install, and the session parameters
 * squared with our offer/require.  0, or -1 with the reason in @why.
 */
int policy_accept_crypto(const struct srtp_policy *p,
			 const struct sdes_crypto *cr, char *why,
			 size_t whylen);

/* The RFC 4568 session parameter of enum cfg_sp @sp, by name. */
const char *policy_sp_sdp_name(enum cfg_sp sp);

/* Whether crypto line @cr carries session parameter @sp. */
bool policy_crypto_has_sp(const struct sdes_crypto *cr, enum cfg_sp sp);

/*
 * The bulletin's padlock: SRTP with RTP authentication and encryption and
 * RTCP encryption (RTCP is always authenticated, RFC 3711).
 */
bool policy_crypto_secure(const struct sdes_crypto *cr);

#endif /* NFSRTP_POLICY_H */
