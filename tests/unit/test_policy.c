// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/policy.c: each sec.srtp.* parameter's meaning for
 * each class of phone model, the conference rule, and which offered crypto
 * lines an answerer accepts.  Configurations go through the real XML
 * loader (daemon/config.c).
 */

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "policy.h"
#include "check_main.h"

/* Builds the policy of @model from one sip.cfg holding @attrs. */
static int build(const char *attrs, const char *model, struct srtp_policy *p,
		 char *err, size_t errlen)
{
	struct srtp_config c;
	char xml[4096];
	char lerr[256];
	int rc;

	snprintf(xml, sizeof(xml), "<sip>\n<sec %s/>\n</sip>\n", attrs);
	config_init(&c);
	ck_assert_msg(!config_load_buffer(&c, "sip.cfg", xml, strlen(xml), lerr,
					  sizeof(lerr)), "%s", lerr);
	rc = policy_build(&c, model, p, err, errlen);
	config_free(&c);
	return rc;
}

static struct srtp_policy must_build(const char *attrs, const char *model)
{
	struct srtp_policy p;
	char err[512];

	ck_assert_msg(!build(attrs, model, &p, err, sizeof(err)), "%s", err);
	return p;
}

START_TEST(models)
{
	ck_assert_int_eq(policy_model_by_name("IP_601")->cls, POLICY_LEGACY);
	ck_assert_int_eq(policy_model_by_name("ip601")->cls, POLICY_LEGACY);
	ck_assert_int_eq(policy_model_by_name("IP_301")->cls, POLICY_LEGACY);
	ck_assert_int_eq(policy_model_by_name("IP_501")->cls, POLICY_LEGACY);
	ck_assert_int_eq(policy_model_by_name("IP_600")->cls, POLICY_LEGACY);
	ck_assert_int_eq(policy_model_by_name("IP_4000")->cls, POLICY_IP_4000);
	ck_assert_int_eq(policy_model_by_name("IP_300")->cls, POLICY_NO_SRTP);
	ck_assert_int_eq(policy_model_by_name("IP_500")->cls, POLICY_NO_SRTP);
	ck_assert_int_eq(policy_model_by_name("IP_650")->cls, POLICY_CURRENT);
	ck_assert_int_eq(policy_model_by_name("IP_330")->cls, POLICY_CURRENT);
	ck_assert_ptr_null(policy_model_by_name("IP_999"));
	ck_assert_ptr_null(policy_model_by_name("IP_"));
	ck_assert_int_eq(policy_model_by_name(POLICY_DEFAULT_MODEL)->cls,
			 POLICY_CURRENT);
}
END_TEST

START_TEST(unknown_model)
{
	struct srtp_policy p;
	char err[256];

	ck_assert_int_eq(build("sec.srtp.enable=\"1\"", "IP_999", &p, err,
			       sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "IP_999"));
}
END_TEST

START_TEST(enable)
{
	ck_assert(!must_build("", NULL).srtp);	/* Null: declines */
	ck_assert(!must_build("sec.srtp.enable=\"0\"", NULL).srtp);
	ck_assert(must_build("sec.srtp.enable=\"1\"", NULL).srtp);
	ck_assert(must_build("sec.srtp.enable=\"1\"", "IP_4000").srtp);
	/* IP 300 and 500 have no SRTP whatever the file says */
	ck_assert(!must_build("sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\"",
			      "IP_300").srtp);
	ck_assert(!must_build("sec.srtp.enable=\"1\"", "IP_500").srtp);
}
END_TEST

START_TEST(leg_enable)
{
	/* legacy: both switches; leg.enable=1 turns SRTP on (the scenarios) */
	ck_assert(!must_build("sec.srtp.enable=\"1\"", "IP_601").srtp);
	ck_assert(!must_build("sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"0\"",
			      "IP_601").srtp);
	ck_assert(must_build("sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\"",
			     "IP_601").srtp);
	ck_assert(!must_build("sec.srtp.enable=\"0\" sec.srtp.leg.enable=\"1\"",
			      "IP_601").srtp);
	/* other models ignore it */
	ck_assert(must_build("sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"0\"",
			     "IP_650").srtp);
	ck_assert(must_build("sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"0\"",
			     "IP_4000").srtp);
}
END_TEST

START_TEST(offer_and_require)
{
	struct srtp_policy p;

	p = must_build("sec.srtp.enable=\"1\"", NULL);
	ck_assert(!p.offer && !p.require);
	p = must_build("sec.srtp.enable=\"1\" sec.srtp.offer=\"0\"", NULL);
	ck_assert(!p.offer);
	p = must_build("sec.srtp.enable=\"1\" sec.srtp.offer=\"1\"", NULL);
	ck_assert(p.offer && !p.require);
	/* require forces offer, whatever offer says */
	p = must_build("sec.srtp.enable=\"1\" sec.srtp.offer=\"0\" sec.srtp.require=\"1\"",
		       NULL);
	ck_assert(p.offer && p.require);
}
END_TEST

START_TEST(require_without_srtp)
{
	struct srtp_policy p;
	char err[512];

	ck_assert_int_eq(build("sec.srtp.require=\"1\"", NULL, &p, err,
			       sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "sec.srtp.enable"));
	ck_assert_ptr_nonnull(strstr(err, "sip.cfg:2"));
	ck_assert_int_eq(build("sec.srtp.enable=\"1\" sec.srtp.require=\"1\"",
			       "IP_601", &p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "sec.srtp.leg.enable"));
	ck_assert_int_eq(build("sec.srtp.enable=\"1\" sec.srtp.require=\"1\"",
			       "IP_300", &p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "has no SRTP"));
}
END_TEST

START_TEST(offer_without_srtp_is_a_note)
{
	struct srtp_policy p;

	p = must_build("sec.srtp.enable=\"0\" sec.srtp.offer=\"1\"", NULL);
	ck_assert(!p.offer);
	ck_assert_ptr_nonnull(strstr(p.note, "sec.srtp.offer=1 has no effect"));
	p = must_build("sec.srtp.enable=\"1\" sec.srtp.offer=\"1\"", NULL);
	ck_assert_str_eq(p.note, "");
}
END_TEST

START_TEST(suites)
{
	struct srtp_policy p;
	char err[512];

	p = must_build("sec.srtp.enable=\"1\" sec.srtp.offer=\"1\"", NULL);
	ck_assert(p.offer_80 && !p.offer_32);	/* 80: Null means on */
	p = must_build("sec.srtp.enable=\"1\" sec.srtp.offer=\"1\" sec.srtp.offer.HMAC_SHA1_80=\"\"",
		       NULL);
	ck_assert(p.offer_80);
	p = must_build("sec.srtp.enable=\"1\" sec.srtp.offer=\"1\" sec.srtp.offer.HMAC_SHA1_32=\"1\"",
		       NULL);
	ck_assert(p.offer_80 && p.offer_32);
	p = must_build("sec.srtp.enable=\"1\" sec.srtp.offer=\"1\" sec.srtp.offer.HMAC_SHA1_80=\"0\" sec.srtp.offer.HMAC_SHA1_32=\"1\"",
		       NULL);
	ck_assert(!p.offer_80 && p.offer_32);
	ck_assert_int_eq(build("sec.srtp.enable=\"1\" sec.srtp.offer=\"1\" sec.srtp.offer.HMAC_SHA1_80=\"0\"",
			       NULL, &p, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no crypto suite"));
	/* not offering: the suite switches do not matter */
	must_build("sec.srtp.enable=\"1\" sec.srtp.offer.HMAC_SHA1_80=\"0\"", NULL);
}
END_TEST

START_TEST(lifetime_and_mki)
{
	struct srtp_policy p;

	p = must_build("sec.srtp.enable=\"1\"", NULL);
	ck_assert_uint_eq(p.lifetime, 0);
	ck_assert(!p.mki);
	p = must_build("sec.srtp.enable=\"1\" sec.srtp.key.lifetime=\"0\"", NULL);
	ck_assert_uint_eq(p.lifetime, 0);
	p = must_build("sec.srtp.enable=\"1\" sec.srtp.key.lifetime=\"2048\" sec.srtp.mki.enabled=\"1\"",
		       NULL);
	ck_assert_uint_eq(p.lifetime, 2048);
	ck_assert(p.mki);
}
END_TEST

/* The model picks the form of the sessionParams. */
START_TEST(session_param_forms)
{
	static const char *const attrs =
		"sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" "
		"sec.srtp.sessionParams.noAuth.offer=\"1\" "
		"sec.srtp.sessionParams.leg.noEncrypRTCP.require=\"1\" "
		"sec.srtp.sessionParams.IP_4000.noEncrypRTP.offer=\"1\"";
	struct srtp_policy p;

	p = must_build(attrs, "IP_650");
	ck_assert(p.sp[CFG_SP_NO_AUTH].offer && !p.sp[CFG_SP_NO_AUTH].require);
	ck_assert(!p.sp[CFG_SP_NO_ENC_RTCP].offer);
	ck_assert(!p.sp[CFG_SP_NO_ENC_RTP].offer);
	p = must_build(attrs, "IP_601");
	ck_assert(!p.sp[CFG_SP_NO_AUTH].offer);
	/* require forces offer */
	ck_assert(p.sp[CFG_SP_NO_ENC_RTCP].offer &&
		  p.sp[CFG_SP_NO_ENC_RTCP].require);
	ck_assert(!p.sp[CFG_SP_NO_ENC_RTP].offer);
	p = must_build(attrs, "IP_4000");
	ck_assert(!p.sp[CFG_SP_NO_AUTH].offer);
	ck_assert(!p.sp[CFG_SP_NO_ENC_RTCP].offer);
	ck_assert(p.sp[CFG_SP_NO_ENC_RTP].offer &&
		  !p.sp[CFG_SP_NO_ENC_RTP].require);
}
END_TEST

/* sec.srtp.leg.allowLocalConf with voIpProt.SIP.conference.address. */
START_TEST(conference)
{
	static const struct {
		const char *attrs;
		const char *model;
		bool allowed;
	} cases[] = {
		/* legacy running SRTP: needs allowLocalConf=1 or a server */
		{ "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" sec.srtp.leg.allowLocalConf=\"0\"", "IP_601", false },
		{ "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\"", "IP_601", false },
		{ "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" sec.srtp.leg.allowLocalConf=\"1\"", "IP_601", true },
		{ "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" sec.srtp.leg.allowLocalConf=\"0\" voIpProt.SIP.conference.address=\"conf@example.com\"", "IP_301", true },
		/* empty address is Null: no server */
		{ "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" voIpProt.SIP.conference.address=\"\"", "IP_501", false },
		/* leg.enable 0 or Null: irrelevant, allowed */
		{ "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"0\" sec.srtp.leg.allowLocalConf=\"0\"", "IP_600", true },
		{ "sec.srtp.enable=\"1\" sec.srtp.leg.allowLocalConf=\"0\"", "IP_600", true },
		/* SRTP off altogether on the phone: allowed */
		{ "sec.srtp.enable=\"0\" sec.srtp.leg.enable=\"1\" sec.srtp.leg.allowLocalConf=\"0\"", "IP_601", true },
		/* not a legacy platform: the leg. parameter does not apply */
		{ "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" sec.srtp.leg.allowLocalConf=\"0\"", "IP_650", true },
		{ "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" sec.srtp.leg.allowLocalConf=\"0\"", "IP_4000", true },
		{ "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" sec.srtp.leg.allowLocalConf=\"0\"", "IP_300", true },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct srtp_policy p = must_build(cases[i].attrs, cases[i].model);

		ck_assert_msg(p.local_conference == cases[i].allowed,
			      "case %zu (%s on %s)", i, cases[i].attrs,
			      cases[i].model);
	}
}
END_TEST

static struct sdes_crypto line(enum sdes_suite suite)
{
	struct sdes_crypto c;

	memset(&c, 0, sizeof(c));
	c.tag = 1;
	c.suite = suite;
	c.kdr = -1;
	snprintf(c.suite_name, sizeof(c.suite_name), "%s",
		 sdes_suite_info(suite)->name);
	c.nkeys = 1;
	c.keys[0].key_len = sdes_suite_info(suite)->key_len;
	c.keys[0].salt_len = sdes_suite_info(suite)->salt_len;
	return c;
}

static void expect_refusal(const struct srtp_policy *p,
			   const struct sdes_crypto *c, const char *why_part)
{
	char why[256] = "";

	ck_assert_int_eq(policy_accept_crypto(p, c, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, why_part), "\"%s\" lacks \"%s\"", why,
		      why_part);
}

START_TEST(accept_crypto)
{
	struct srtp_policy on = must_build("sec.srtp.enable=\"1\"", NULL);
	struct srtp_policy off = must_build("sec.srtp.enable=\"0\"", NULL);
	struct sdes_crypto c = line(SDES_AES_CM_128_HMAC_SHA1_80);
	char why[256];
	int s;

	for (s = SDES_AES_CM_128_HMAC_SHA1_80; s < SDES_SUITE_COUNT; s++) {
		struct sdes_crypto any = line(s);

		ck_assert_msg(!policy_accept_crypto(&on, &any, why, sizeof(why)),
			      "%s: %s", any.suite_name, why);
	}
	expect_refusal(&off, &c, "SRTP is off");
	c.suite = SDES_SUITE_UNKNOWN;
	snprintf(c.suite_name, sizeof(c.suite_name), "F8_128_HMAC_SHA1_80");
	expect_refusal(&on, &c, "F8_128_HMAC_SHA1_80 is not supported");
	c = line(SDES_AES_CM_128_HMAC_SHA1_80);
	c.kdr = 0;
	ck_assert(!policy_accept_crypto(&on, &c, why, sizeof(why)));
	c.kdr = 10;
	expect_refusal(&on, &c, "KDR=10");
	c = line(SDES_AEAD_AES_128_GCM);
	c.unauthenticated_srtp = true;
	expect_refusal(&on, &c, "AEAD");
}
END_TEST

/* Offered session parameters against offer/require, untagged form. */
START_TEST(accept_session_params)
{
	struct srtp_policy plain = must_build("sec.srtp.enable=\"1\"", NULL);
	struct srtp_policy willing = must_build(
		"sec.srtp.enable=\"1\" sec.srtp.sessionParams.noAuth.offer=\"1\" "
		"sec.srtp.sessionParams.noEncrypRTCP.offer=\"1\" "
		"sec.srtp.sessionParams.noEncrypRTP.offer=\"1\"", NULL);
	struct srtp_policy demanding = must_build(
		"sec.srtp.enable=\"1\" sec.srtp.sessionParams.noAuth.require=\"1\" "
		"sec.srtp.sessionParams.noEncrypRTCP.require=\"1\" "
		"sec.srtp.sessionParams.noEncrypRTP.require=\"1\"", NULL);
	struct sdes_crypto c = line(SDES_AES_CM_128_HMAC_SHA1_80);
	char why[256];

	ck_assert(!policy_accept_crypto(&plain, &c, why, sizeof(why)));
	ck_assert(!policy_accept_crypto(&willing, &c, why, sizeof(why)));
	expect_refusal(&demanding, &c,
		       "UNAUTHENTICATED_SRTP is not offered, but sec.srtp.sessionParams.noAuth.require=1");
	c.unauthenticated_srtp = true;
	expect_refusal(&plain, &c,
		       "UNAUTHENTICATED_SRTP is offered, but sec.srtp.sessionParams.noAuth.offer is not 1");
	ck_assert(!policy_accept_crypto(&willing, &c, why, sizeof(why)));
	expect_refusal(&demanding, &c, "UNENCRYPTED_SRTCP is not offered");
	c.unencrypted_srtcp = true;
	expect_refusal(&plain, &c, "UNAUTHENTICATED_SRTP is offered");
	expect_refusal(&demanding, &c, "UNENCRYPTED_SRTP is not offered");
	c.unencrypted_srtp = true;
	ck_assert(!policy_accept_crypto(&willing, &c, why, sizeof(why)));
	ck_assert(!policy_accept_crypto(&demanding, &c, why, sizeof(why)));
	c.unauthenticated_srtp = false;
	expect_refusal(&demanding, &c, "UNAUTHENTICATED_SRTP is not offered");
}
END_TEST

/* The message names the model's own form of the parameter. */
START_TEST(accept_names_the_form)
{
	struct srtp_policy leg = must_build(
		"sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" "
		"sec.srtp.sessionParams.leg.noAuth.require=\"1\"", "IP_601");
	struct srtp_policy ss = must_build("sec.srtp.enable=\"1\"", "IP_4000");
	struct sdes_crypto c = line(SDES_AES_CM_128_HMAC_SHA1_32);

	expect_refusal(&leg, &c, "sec.srtp.sessionParams.leg.noAuth.require=1");
	c.unencrypted_srtp = true;
	expect_refusal(&ss, &c,
		       "sec.srtp.sessionParams.IP_4000.noEncrypRTP.offer is not 1");
}
END_TEST

START_TEST(padlock)
{
	struct sdes_crypto c = line(SDES_AES_CM_128_HMAC_SHA1_80);

	ck_assert(policy_crypto_secure(&c));
	c.unencrypted_srtcp = true;
	ck_assert(!policy_crypto_secure(&c));
	c = line(SDES_AES_CM_128_HMAC_SHA1_32);
	c.unauthenticated_srtp = true;
	ck_assert(!policy_crypto_secure(&c));
	c = line(SDES_AEAD_AES_256_GCM);
	c.unencrypted_srtp = true;
	ck_assert(!policy_crypto_secure(&c));
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, models);
	tcase_add_test(tc, unknown_model);
	tcase_add_test(tc, enable);
	tcase_add_test(tc, leg_enable);
	tcase_add_test(tc, offer_and_require);
	tcase_add_test(tc, require_without_srtp);
	tcase_add_test(tc, offer_without_srtp_is_a_note);
	tcase_add_test(tc, suites);
	tcase_add_test(tc, lifetime_and_mki);
	tcase_add_test(tc, session_param_forms);
	tcase_add_test(tc, conference);
	tcase_add_test(tc, accept_crypto);
	tcase_add_test(tc, accept_session_params);
	tcase_add_test(tc, accept_names_the_form);
	tcase_add_test(tc, padlock);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(policy_suite)
