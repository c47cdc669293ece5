/* SPDX-License-Identifier: GPL-2.0 */
/*
 * config: the sec.srtp.* parameters of Polycom's sip.cfg (Technical
 * Bulletin 25751), read from XML the way provisioning writes it.
 *
 * Parameters are XML attributes whose names are the dotted parameter names,
 * on any element anywhere in the tree:
 *
 *   <sip><sec sec.srtp.enable="1" sec.srtp.offer="1"/></sip>
 *
 * Several files are layered: config_load() is called once per file, in
 * order, and a value in a later file overrides the same parameter from an
 * earlier one.  An empty value is Null (the bulletin's "unset") and it
 * overrides too: the operator wrote it.  Attributes outside sec.srtp.* are
 * ignored, except voIpProt.SIP.conference.address.  Syntax and value
 * ranges are checked here; what the values mean for a call is policy.c's.
 */

#ifndef NFSRTP_CONFIG_H
#define NFSRTP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The three forms of the sessionParams (the phone model picks one). */
enum cfg_form {
	CFG_FORM_UNTAGGED,	/* sec.srtp.sessionParams.noAuth.offer */
	CFG_FORM_LEG,		/* sec.srtp.sessionParams.leg.noAuth.offer */
	CFG_FORM_IP_4000,	/* sec.srtp.sessionParams.IP_4000.noAuth.offer */
	CFG_FORM_COUNT
};

/* The three session parameters, in RFC 4568 terms. */
enum cfg_sp {
	CFG_SP_NO_AUTH,		/* noAuth: UNAUTHENTICATED_SRTP */
	CFG_SP_NO_ENC_RTCP,	/* noEncrypRTCP: UNENCRYPTED_SRTCP */
	CFG_SP_NO_ENC_RTP,	/* noEncrypRTP: UNENCRYPTED_SRTP */
	CFG_SP_COUNT
};

enum cfg_param {
	CFG_ENABLE,		/* sec.srtp.enable			0|1 */
	CFG_LEG_ENABLE,		/* sec.srtp.leg.enable			0|1 */
	CFG_LEG_ALLOW_LOCAL_CONF, /* sec.srtp.leg.allowLocalConf	0|1 */
	CFG_OFFER,		/* sec.srtp.offer			0|1 */
	CFG_REQUIRE,		/* sec.srtp.require			0|1 */
	CFG_OFFER_HMAC_SHA1_80,	/* sec.srtp.offer.HMAC_SHA1_80		0|1 */
	CFG_OFFER_HMAC_SHA1_32,	/* sec.srtp.offer.HMAC_SHA1_32		0|1 */
	CFG_KEY_LIFETIME,	/* sec.srtp.key.lifetime	0 | 1024..2^48 */
	CFG_MKI_ENABLED,	/* sec.srtp.mki.enabled			0|1 */
	CFG_CONFERENCE_ADDRESS,	/* voIpProt.SIP.conference.address	string */
	/*
	 * sec.srtp.sessionParams.[leg.|IP_4000.]{noAuth,noEncrypRTCP,
	 * noEncrypRTP}.{offer,require}, 0|1: index with cfg_sp_param().
	 */
	CFG_SP_FIRST,
	CFG_PARAM_COUNT = CFG_SP_FIRST + CFG_FORM_COUNT * CFG_SP_COUNT * 2
};

/* The parameter of one session parameter's offer or require. */
static inline enum cfg_param cfg_sp_param(enum cfg_form form, enum cfg_sp sp,
					  bool require)
{
	return (enum cfg_param)(CFG_SP_FIRST + (form * CFG_SP_COUNT + sp) * 2 +
				(require ? 1 : 0));
}

/* Where a value came from, for messages. */
struct cfg_origin {
	char file[256];
	unsigned int line;
};

struct cfg_value {
	bool present;		/* written in some file (possibly as Null) */
	bool null;		/* empty value, or never written */
	uint64_t num;		/* 0|1, or the lifetime; 0 when null */
	char *str;		/* the string, for CFG_CONFERENCE_ADDRESS */
	struct cfg_origin at;	/* the last file and line that set it */
};

struct srtp_config {
	struct cfg_value v[CFG_PARAM_COUNT];
	char **warnings;	/* "file:line: message", in order */
	size_t nwarnings;
	unsigned int nfiles;	/* files loaded so far */
};

void config_init(struct srtp_config *c);
void config_free(struct srtp_config *c);

/*
 * Layers one XML file over what is loaded.  Returns 0, or -1 with
 * "FILE:LINE: message" in @err: malformed XML, an unknown sec.srtp.* name,
 * a value out of its range (a lifetime of 500, a 2 where 0 or 1 is
 * allowed).  On error @c is left as it was before the call.  Accepted but
 * doubtful input (a parameter set twice in one file, a known alias such
 * as noEncryptRTCP for noEncrypRTCP) adds a warning.
 */
int config_load(struct srtp_config *c, const char *path, char *err,
		size_t errlen);

/* The same, from memory; @name stands for the file name in messages. */
int config_load_buffer(struct srtp_config *c, const char *name,
		       const char *xml, size_t len, char *err, size_t errlen);

/* The dotted name of @p, e.g. "sec.srtp.sessionParams.leg.noAuth.offer". */
const char *config_param_name(enum cfg_param p);

/* The parameter named @name (exact case), or -1. */
int config_param_by_name(const char *name);

/* 1 or 0 for a 0|1 parameter; @null_value when it is Null. */
bool config_bool(const struct srtp_config *c, enum cfg_param p,
		 bool null_value);

#endif /* NFSRTP_CONFIG_H */
