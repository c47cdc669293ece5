// SPDX-License-Identifier: GPL-2.0
/*
 * policy: the bulletin's sec.srtp.* semantics for one phone model.
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errmsg.h"
#include "policy.h"

static const struct policy_model models[] = {
	{ "IP_300", "SoundPoint IP 300", POLICY_NO_SRTP },
	{ "IP_500", "SoundPoint IP 500", POLICY_NO_SRTP },
	{ "IP_301", "SoundPoint IP 301", POLICY_LEGACY },
	{ "IP_501", "SoundPoint IP 501", POLICY_LEGACY },
	{ "IP_600", "SoundPoint IP 600", POLICY_LEGACY },
	{ "IP_601", "SoundPoint IP 601", POLICY_LEGACY },
	{ "IP_4000", "SoundStation IP 4000", POLICY_IP_4000 },
	{ "IP_320", "SoundPoint IP 320", POLICY_CURRENT },
	{ "IP_330", "SoundPoint IP 330", POLICY_CURRENT },
	{ "IP_430", "SoundPoint IP 430", POLICY_CURRENT },
	{ "IP_450", "SoundPoint IP 450", POLICY_CURRENT },
	{ "IP_550", "SoundPoint IP 550", POLICY_CURRENT },
	{ "IP_560", "SoundPoint IP 560", POLICY_CURRENT },
	{ "IP_650", "SoundPoint IP 650", POLICY_CURRENT },
	{ "IP_670", "SoundPoint IP 670", POLICY_CURRENT },
	{ "IP_5000", "SoundStation IP 5000", POLICY_CURRENT },
	{ "IP_6000", "SoundStation IP 6000", POLICY_CURRENT },
	{ "IP_7000", "SoundStation IP 7000", POLICY_CURRENT },
};

#define NMODELS (sizeof(models) / sizeof(models[0]))

/* "IP_601", "ip_601" and "IP601" all name the SoundPoint IP 601. */
static bool model_name_eq(const char *want, const char *name)
{
	if (!strcasecmp(want, name))
		return true;
	return !strncasecmp(name, "IP", 2) && !strncasecmp(want, "IP_", 3) &&
	       !strcasecmp(want + 3, name + 2);
}

const struct policy_model *policy_model_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < NMODELS; i++)
		if (model_name_eq(models[i].name, name))
			return &models[i];
	return NULL;
}

const struct policy_model *policy_model_at(size_t i)
{
	return i < NMODELS ? &models[i] : NULL;
}

/* "sec.srtp.require=1 (sip.cfg:12)", for messages. */
static void describe(const struct srtp_config *c, enum cfg_param p,
		     char *buf, size_t size)
{
	const struct cfg_value *v = &c->v[p];

	if (!v->present || v->null)
		snprintf(buf, size, "%s is Null", config_param_name(p));
	else if (v->at.file[0])
		snprintf(buf, size, "%s=%llu (%s:%u)", config_param_name(p),
			 (unsigned long long)v->num, v->at.file, v->at.line);
	else
		snprintf(buf, size, "%s=%llu", config_param_name(p),
			 (unsigned long long)v->num);
}

static enum cfg_form form_of(enum policy_class cls)
{
	if (cls == POLICY_LEGACY)
		return CFG_FORM_LEG;
	if (cls == POLICY_IP_4000)
		return CFG_FORM_IP_4000;
	return CFG_FORM_UNTAGGED;
}

/*
 * SRTP is on for a model when sec.srtp.enable is 1 and, on the legacy
 * platforms, sec.srtp.leg.enable is 1 as well.  The bulletin's table says
 * leg.enable=1 makes the phone decline SRTP, but all three of its
 * scenarios set leg.enable=1 to run SRTP on legacy phones, and its own
 * allowLocalConf row says leg.enable=0 leaves local conferences allowed,
 * which only makes sense if 0 means "no SRTP on legacy phones".  The
 * scenarios are what was deployed; the table row is the typo.
 */
static bool srtp_on(const struct srtp_config *c, enum policy_class cls)
{
	if (cls == POLICY_NO_SRTP || !config_bool(c, CFG_ENABLE, false))
		return false;
	if (cls == POLICY_LEGACY)
		return config_bool(c, CFG_LEG_ENABLE, false);
	return true;
}

/* Why SRTP is off, for messages. */
static void why_off(const struct srtp_config *c, const struct policy_model *m,
		    char *buf, size_t size)
{
	if (m->cls == POLICY_NO_SRTP) {
		snprintf(buf, size, "the %s has no SRTP", m->product);
	} else if (!config_bool(c, CFG_ENABLE, false)) {
		describe(c, CFG_ENABLE, buf, size);
	} else {
		char d[300];

		describe(c, CFG_LEG_ENABLE, d, sizeof(d));
		errmsg_set(buf, size, "%s, and the %s is a legacy platform", d,
			m->product);
	}
}

/*
 * A local conference needs "Service unavailable" only on a legacy phone
 * that runs SRTP, with no conference server and allowLocalConf not 1.
 * Null counts as 0 here as for every other 0|1 parameter but
 * HMAC_SHA1_80: the bulletin's note asks for local bridging to be off on
 * legacy phones running SRTP, so "allowed" must be written.
 */
static bool conference_allowed(const struct srtp_config *c,
			       const struct policy_model *m, bool srtp)
{
	const struct cfg_value *addr = &c->v[CFG_CONFERENCE_ADDRESS];

	if (addr->present && !addr->null && addr->str && addr->str[0])
		return true;
	if (m->cls != POLICY_LEGACY || !srtp)
		return true;
	return config_bool(c, CFG_LEG_ALLOW_LOCAL_CONF, false);
}

static void build_sp(const struct srtp_config *c, enum cfg_form form,
		     struct srtp_policy *out)
{
	int sp;

	for (sp = 0; sp < CFG_SP_COUNT; sp++) {
		bool require = config_bool(c, cfg_sp_param(form, sp, true),
					   false);

		out->sp[sp].require = require;
		/* "require ... logically sets offer to 1" */
		out->sp[sp].offer = require ||
			config_bool(c, cfg_sp_param(form, sp, false), false);
	}
}

int policy_build(const struct srtp_config *c, const char *model,
		 struct srtp_policy *out, char *err, size_t errlen)
{
	const struct policy_model *m;
	char why[400];

	memset(out, 0, sizeof(*out));
	m = policy_model_by_name(model ? model : POLICY_DEFAULT_MODEL);
	if (!m) {
		errmsg_set(err, errlen, "unknown phone model \"%s\"", model);
		return -1;
	}
	out->model = m;
	out->srtp = srtp_on(c, m->cls);
	out->local_conference = conference_allowed(c, m, out->srtp);
	if (!out->srtp) {
		/*
		 * require=1 here would fail every call: refuse to run it.
		 * offer=1 only loses its effect (calls still work in the
		 * clear), so it is reported, not refused.
		 */
		if (config_bool(c, CFG_REQUIRE, false)) {
			char d[300];

			why_off(c, m, why, sizeof(why));
			describe(c, CFG_REQUIRE, d, sizeof(d));
			errmsg_set(err, errlen,
				"%s demands secure media, but SRTP is off on the %s: %s",
				d, m->product, why);
			return -1;
		}
		if (config_bool(c, CFG_OFFER, false)) {
			why_off(c, m, why, sizeof(why));
			errmsg_set(out->note, sizeof(out->note),
				"sec.srtp.offer=1 has no effect: SRTP is off on the %s (%s)",
				m->product, why);
		}
		return 0;
	}
	out->require = config_bool(c, CFG_REQUIRE, false);
	out->offer = out->require || config_bool(c, CFG_OFFER, false);
	out->offer_80 = config_bool(c, CFG_OFFER_HMAC_SHA1_80, true);
	out->offer_32 = config_bool(c, CFG_OFFER_HMAC_SHA1_32, false);
	out->lifetime = c->v[CFG_KEY_LIFETIME].null ? 0 :
			c->v[CFG_KEY_LIFETIME].num;
	out->mki = config_bool(c, CFG_MKI_ENABLED, false);
	build_sp(c, form_of(m->cls), out);
	if (out->offer && !out->offer_80 && !out->offer_32) {
		errmsg_set(err, errlen,
			"SRTP is offered but no crypto suite is: sec.srtp.offer.HMAC_SHA1_80=0 and sec.srtp.offer.HMAC_SHA1_32 is not 1");
		return -1;
	}
	return 0;
}

static const char *const sp_names[CFG_SP_COUNT] = {
	[CFG_SP_NO_AUTH] = "UNAUTHENTICATED_SRTP",
	[CFG_SP_NO_ENC_RTCP] = "UNENCRYPTED_SRTCP",
	[CFG_SP_NO_ENC_RTP] = "UNENCRYPTED_SRTP",
};

const char *policy_sp_sdp_name(enum cfg_sp sp)
{
	return sp < CFG_SP_COUNT ? sp_names[sp] : "?";
}

bool policy_crypto_has_sp(const struct sdes_crypto *cr, enum cfg_sp sp)
{
	switch (sp) {
	case CFG_SP_NO_AUTH:
		return cr->unauthenticated_srtp;
	case CFG_SP_NO_ENC_RTCP:
		return cr->unencrypted_srtcp;
	case CFG_SP_NO_ENC_RTP:
		return cr->unencrypted_srtp;
	default:
		return false;
	}
}

bool policy_crypto_secure(const struct sdes_crypto *cr)
{
	return cr->suite != SDES_SUITE_UNKNOWN && !cr->unauthenticated_srtp &&
	       !cr->unencrypted_srtp && !cr->unencrypted_srtcp;
}

static bool suite_is_aead(enum sdes_suite s)
{
	return s == SDES_AEAD_AES_128_GCM || s == SDES_AEAD_AES_256_GCM;
}

int policy_accept_crypto(const struct srtp_policy *p,
			 const struct sdes_crypto *cr, char *why,
			 size_t whylen)
{
	int sp;

	if (!p->srtp) {
		errmsg_set(why, whylen, "SRTP is off");
		return -1;
	}
	if (cr->suite == SDES_SUITE_UNKNOWN) {
		errmsg_set(why, whylen, "crypto suite %s is not supported",
			cr->suite_name);
		return -1;
	}
	if (!cr->nkeys) {
		errmsg_set(why, whylen, "no key");
		return -1;
	}
	if (cr->kdr > 0) {
		errmsg_set(why, whylen,
			"KDR=%d is not supported (only a key derivation rate of 0)",
			cr->kdr);
		return -1;
	}
	if (cr->unauthenticated_srtp && suite_is_aead(cr->suite)) {
		/* RFC 7714 section 13.3: AEAD cannot drop authentication */
		errmsg_set(why, whylen, "UNAUTHENTICATED_SRTP with the AEAD suite %s",
			cr->suite_name);
		return -1;
	}
	for (sp = 0; sp < CFG_SP_COUNT; sp++) {
		enum cfg_form form = form_of(p->model->cls);
		bool has = policy_crypto_has_sp(cr, sp);

		if (has && !p->sp[sp].offer) {
			errmsg_set(why, whylen, "%s is offered, but %s is not 1",
				sp_names[sp],
				config_param_name(cfg_sp_param(form, sp, false)));
			return -1;
		}
		if (!has && p->sp[sp].require) {
			errmsg_set(why, whylen, "%s is not offered, but %s=1",
				sp_names[sp],
				config_param_name(cfg_sp_param(form, sp, true)));
			return -1;
		}
	}
	return 0;
}
