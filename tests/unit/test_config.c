// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/config.c: the sec.srtp.* parameters of Technical
 * Bulletin 25751 read from sip.cfg XML.  Expected names are written out
 * here from the bulletin's table, not taken from the code under test.
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "check_main.h"

#define ERRLEN 512
#define N_SRTP_PARAMS 27	/* the bulletin's sec.srtp.* names */

/* The bulletin's names, in enum cfg_param order, as an operator types them. */
static const char *const bulletin_names[CFG_PARAM_COUNT] = {
	"sec.srtp.enable",
	"sec.srtp.leg.enable",
	"sec.srtp.leg.allowLocalConf",
	"sec.srtp.offer",
	"sec.srtp.require",
	"sec.srtp.offer.HMAC_SHA1_80",
	"sec.srtp.offer.HMAC_SHA1_32",
	"sec.srtp.key.lifetime",
	"sec.srtp.mki.enabled",
	"voIpProt.SIP.conference.address",
	"sec.srtp.sessionParams.noAuth.offer",
	"sec.srtp.sessionParams.noAuth.require",
	"sec.srtp.sessionParams.noEncrypRTCP.offer",
	"sec.srtp.sessionParams.noEncrypRTCP.require",
	"sec.srtp.sessionParams.noEncrypRTP.offer",
	"sec.srtp.sessionParams.noEncrypRTP.require",
	"sec.srtp.sessionParams.leg.noAuth.offer",
	"sec.srtp.sessionParams.leg.noAuth.require",
	"sec.srtp.sessionParams.leg.noEncrypRTCP.offer",
	"sec.srtp.sessionParams.leg.noEncrypRTCP.require",
	"sec.srtp.sessionParams.leg.noEncrypRTP.offer",
	"sec.srtp.sessionParams.leg.noEncrypRTP.require",
	"sec.srtp.sessionParams.IP_4000.noAuth.offer",
	"sec.srtp.sessionParams.IP_4000.noAuth.require",
	"sec.srtp.sessionParams.IP_4000.noEncrypRTCP.offer",
	"sec.srtp.sessionParams.IP_4000.noEncrypRTCP.require",
	"sec.srtp.sessionParams.IP_4000.noEncrypRTP.offer",
	"sec.srtp.sessionParams.IP_4000.noEncrypRTP.require",
};

static int load_as(struct srtp_config *c, const char *name, const char *xml,
		   char *err)
{
	return config_load_buffer(c, name, xml, strlen(xml), err, ERRLEN);
}

static int load(struct srtp_config *c, const char *xml, char *err)
{
	return load_as(c, "t.cfg", xml, err);
}

/* Loads @xml, which must fail, into a fresh config; the message in @err. */
static void load_fails(const char *xml, char *err)
{
	struct srtp_config c;

	config_init(&c);
	ck_assert_int_eq(load(&c, xml, err), -1);
	ck_assert_uint_eq(c.nfiles, 0);
	ck_assert_uint_eq(c.nwarnings, 0);
	ck_assert(!c.v[CFG_ENABLE].present);
	config_free(&c);
}

/* Loads `<a NAME="VALUE"/>` into a fresh config and returns the result. */
static int load_one(struct srtp_config *c, const char *name,
		    const char *value, char *err)
{
	char xml[512];

	snprintf(xml, sizeof(xml), "<a %s=\"%s\"/>", name, value);
	config_init(c);
	return load(c, xml, err);
}

static void assert_contains(const char *s, const char *sub)
{
	ck_assert_msg(strstr(s, sub), "\"%s\" does not contain \"%s\"", s, sub);
}

static bool has_warning(const struct srtp_config *c, const char *sub)
{
	size_t i;

	for (i = 0; i < c->nwarnings; i++)
		if (strstr(c->warnings[i], sub))
			return true;
	return false;
}

START_TEST(names)
{
	int i, j;

	for (i = 0; i < CFG_PARAM_COUNT; i++) {
		ck_assert_str_eq(config_param_name(i), bulletin_names[i]);
		ck_assert_int_eq(config_param_by_name(bulletin_names[i]), i);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(config_param_name(i),
					 config_param_name(j));
	}
	ck_assert_str_eq(config_param_name(cfg_sp_param(CFG_FORM_LEG,
							CFG_SP_NO_AUTH, true)),
			 "sec.srtp.sessionParams.leg.noAuth.require");
	ck_assert_str_eq(config_param_name(cfg_sp_param(CFG_FORM_IP_4000,
							CFG_SP_NO_ENC_RTP,
							false)),
			 "sec.srtp.sessionParams.IP_4000.noEncrypRTP.offer");
	ck_assert_str_eq(config_param_name(cfg_sp_param(CFG_FORM_UNTAGGED,
							CFG_SP_NO_ENC_RTCP,
							true)),
			 "sec.srtp.sessionParams.noEncrypRTCP.require");
	ck_assert_ptr_null(config_param_name(CFG_PARAM_COUNT));
	ck_assert_ptr_null(config_param_name(-1));
	/* exact case, no aliases, no prefixes */
	ck_assert_int_eq(config_param_by_name("SEC.SRTP.ENABLE"), -1);
	ck_assert_int_eq(config_param_by_name(
		"sec.srtp.sessionParams.noEncryptRTP.offer"), -1);
	ck_assert_int_eq(config_param_by_name("sec.srtp."), -1);
	ck_assert_int_eq(config_param_by_name(""), -1);
	ck_assert_int_eq(config_param_by_name(NULL), -1);
}
END_TEST

START_TEST(every_parameter)
{
	struct srtp_config c;
	char xml[512], err[ERRLEN];
	int p, q, n = 0;

	for (p = 0; p < CFG_PARAM_COUNT; p++) {
		const char *value = "1";
		uint64_t want = 1;

		if (p == CFG_CONFERENCE_ADDRESS)
			continue;
		n++;
		if (p == CFG_KEY_LIFETIME) {
			value = "4096";
			want = 4096;
		}
		snprintf(xml, sizeof(xml),
			 "<polycomConfig>\n  <sec %s=\"%s\"/>\n</polycomConfig>\n",
			 bulletin_names[p], value);
		config_init(&c);
		ck_assert_msg(load(&c, xml, err) == 0, "%s: %s",
			      bulletin_names[p], err);
		for (q = 0; q < CFG_PARAM_COUNT; q++)
			ck_assert_msg(c.v[q].present == (q == p),
				      "%s set slot %d", bulletin_names[p], q);
		ck_assert(!c.v[p].null);
		ck_assert_uint_eq(c.v[p].num, want);
		ck_assert_ptr_null(c.v[p].str);
		ck_assert_str_eq(c.v[p].at.file, "t.cfg");
		ck_assert_uint_eq(c.v[p].at.line, 2);
		ck_assert_uint_eq(c.nwarnings, 0);
		ck_assert(config_bool(&c, p, false));
		config_free(&c);
	}
	ck_assert_int_eq(n, N_SRTP_PARAMS);

	/* and 0 where 0|1 is allowed */
	for (p = 0; p < CFG_PARAM_COUNT; p++) {
		if (p == CFG_CONFERENCE_ADDRESS)
			continue;
		ck_assert_int_eq(load_one(&c, bulletin_names[p], "0", err), 0);
		ck_assert(!c.v[p].null);
		ck_assert_uint_eq(c.v[p].num, 0);
		ck_assert(!config_bool(&c, p, true));
		config_free(&c);
	}

	ck_assert_int_eq(load_one(&c, "voIpProt.SIP.conference.address",
				  "sip:conf@bridge.example.com", err), 0);
	ck_assert(c.v[CFG_CONFERENCE_ADDRESS].present);
	ck_assert(!c.v[CFG_CONFERENCE_ADDRESS].null);
	ck_assert_str_eq(c.v[CFG_CONFERENCE_ADDRESS].str,
			 "sip:conf@bridge.example.com");
	config_free(&c);
}
END_TEST

START_TEST(defaults)
{
	struct srtp_config c;
	char err[ERRLEN];
	int p;

	config_init(&c);
	for (p = 0; p < CFG_PARAM_COUNT; p++) {
		ck_assert(!c.v[p].present);
		ck_assert(c.v[p].null);
		ck_assert_uint_eq(c.v[p].num, 0);
		ck_assert_ptr_null(c.v[p].str);
		ck_assert(config_bool(&c, p, true));
		ck_assert(!config_bool(&c, p, false));
	}
	ck_assert_uint_eq(c.nfiles, 0);
	ck_assert_uint_eq(c.nwarnings, 0);
	ck_assert_ptr_null(c.warnings);

	/* a file without sec.srtp.* changes nothing but the count */
	ck_assert_int_eq(load(&c, "<polycomConfig/>", err), 0);
	ck_assert_uint_eq(c.nfiles, 1);
	for (p = 0; p < CFG_PARAM_COUNT; p++)
		ck_assert(!c.v[p].present && c.v[p].null);

	/* config_free leaves it re-initialised, and can be repeated */
	ck_assert_int_eq(load(&c, "<a sec.srtp.enable=\"1\" "
			      "voIpProt.SIP.conference.address=\"x\"/>", err), 0);
	config_free(&c);
	ck_assert_uint_eq(c.nfiles, 0);
	ck_assert(c.v[CFG_ENABLE].null && !c.v[CFG_ENABLE].present);
	ck_assert_ptr_null(c.v[CFG_CONFERENCE_ADDRESS].str);
	config_free(&c);
}
END_TEST

START_TEST(null_values)
{
	struct srtp_config c;
	char err[ERRLEN];

	ck_assert_int_eq(load_one(&c, "sec.srtp.offer.HMAC_SHA1_80", "", err),
			 0);
	ck_assert(c.v[CFG_OFFER_HMAC_SHA1_80].present);
	ck_assert(c.v[CFG_OFFER_HMAC_SHA1_80].null);
	ck_assert_uint_eq(c.v[CFG_OFFER_HMAC_SHA1_80].num, 0);
	/* "1 or Null": the caller decides what Null means */
	ck_assert(config_bool(&c, CFG_OFFER_HMAC_SHA1_80, true));
	ck_assert(!config_bool(&c, CFG_OFFER_HMAC_SHA1_80, false));
	config_free(&c);

	ck_assert_int_eq(load_one(&c, "sec.srtp.key.lifetime", "", err), 0);
	ck_assert(c.v[CFG_KEY_LIFETIME].present && c.v[CFG_KEY_LIFETIME].null);
	ck_assert_uint_eq(c.v[CFG_KEY_LIFETIME].num, 0);
	config_free(&c);

	ck_assert_int_eq(load_one(&c, "voIpProt.SIP.conference.address", "",
				  err), 0);
	ck_assert(c.v[CFG_CONFERENCE_ADDRESS].present);
	ck_assert(c.v[CFG_CONFERENCE_ADDRESS].null);
	ck_assert_ptr_null(c.v[CFG_CONFERENCE_ADDRESS].str);
	config_free(&c);
}
END_TEST

START_TEST(layering)
{
	struct srtp_config c;
	char err[ERRLEN];

	config_init(&c);
	ck_assert_int_eq(load_as(&c, "site.cfg",
		"<sip>\n"
		"<sec sec.srtp.enable=\"1\" sec.srtp.offer=\"1\"\n"
		"     sec.srtp.key.lifetime=\"2048\"/>\n"
		"<voIpProt voIpProt.SIP.conference.address=\"conf@a\"/>\n"
		"</sip>\n", err), 0);
	ck_assert_int_eq(load_as(&c, "phone.cfg",
		"<sip>\n"
		"\n"
		"<sec sec.srtp.enable=\"0\" sec.srtp.offer=\"\"/>\n"
		"<x voIpProt.SIP.conference.address=\"conf@b\"/>\n"
		"</sip>\n", err), 0);
	ck_assert_uint_eq(c.nfiles, 2);

	ck_assert(!c.v[CFG_ENABLE].null);
	ck_assert_uint_eq(c.v[CFG_ENABLE].num, 0);
	ck_assert_str_eq(c.v[CFG_ENABLE].at.file, "phone.cfg");
	ck_assert_uint_eq(c.v[CFG_ENABLE].at.line, 3);

	/* the empty value overrides the earlier 1 */
	ck_assert(c.v[CFG_OFFER].present && c.v[CFG_OFFER].null);
	ck_assert(!config_bool(&c, CFG_OFFER, false));
	ck_assert_str_eq(c.v[CFG_OFFER].at.file, "phone.cfg");
	ck_assert_uint_eq(c.v[CFG_OFFER].at.line, 3);

	/* not mentioned by the second file: the first one's */
	ck_assert_uint_eq(c.v[CFG_KEY_LIFETIME].num, 2048);
	ck_assert_str_eq(c.v[CFG_KEY_LIFETIME].at.file, "site.cfg");
	ck_assert_uint_eq(c.v[CFG_KEY_LIFETIME].at.line, 2);

	ck_assert_str_eq(c.v[CFG_CONFERENCE_ADDRESS].str, "conf@b");
	ck_assert_uint_eq(c.v[CFG_CONFERENCE_ADDRESS].at.line, 4);

	/* an empty address overrides (and frees) the earlier one */
	ck_assert_int_eq(load(&c, "<a voIpProt.SIP.conference.address=\"\"/>",
			      err), 0);
	ck_assert(c.v[CFG_CONFERENCE_ADDRESS].null);
	ck_assert_ptr_null(c.v[CFG_CONFERENCE_ADDRESS].str);
	ck_assert_uint_eq(c.nfiles, 3);
	ck_assert_uint_eq(c.nwarnings, 0);
	config_free(&c);
}
END_TEST

START_TEST(error_line)
{
	char err[ERRLEN];

	load_fails("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<polycomConfig>\n"
		   "  <sec sec.srtp.enable=\"1\"/>\n"
		   "  <!-- the offer -->\n"
		   "  <sec sec.srtp.offer=\"yes\"/>\n"
		   "</polycomConfig>\n", err);
	ck_assert_str_eq(err, "t.cfg:5: sec.srtp.offer=\"yes\": permitted "
			 "values are \"0\", \"1\" or empty (Null)");

	/* an element spread over lines: the line of its start tag */
	load_fails("<polycomConfig>\n"
		   "\n"
		   "  <sec\n"
		   "    sec.srtp.enable=\"1\"\n"
		   "    sec.srtp.require=\"2\"/>\n"
		   "</polycomConfig>\n", err);
	assert_contains(err, "t.cfg:3: ");
}
END_TEST

START_TEST(lifetime)
{
	static const struct {
		const char *text;
		int ret;
		uint64_t num;
		const char *msg;
	} cases[] = {
		{ "0", 0, 0, NULL },
		{ "1024", 0, 1024, NULL },
		{ "01024", 0, 1024, NULL },
		{ "1048576", 0, 1048576, NULL },
		{ "281474976710656", 0, 281474976710656ULL, NULL },
		{ "500", -1, 0, "minimum 1024" },
		{ "1", -1, 0, "minimum 1024" },
		{ "1023", -1, 0, "minimum 1024" },
		{ "281474976710657", -1, 0, "281474976710656" },
		{ "18446744073709551616", -1, 0, "too large" },
		{ "99999999999999999999999999999999", -1, 0, "too large" },
		{ "-1024", -1, 0, "not a number" },
		{ "+1024", -1, 0, "not a number" },
		{ " 1024", -1, 0, "not a number" },
		{ "1024 ", -1, 0, "not a number" },
		{ "2^20", -1, 0, "not a number" },
		{ "0x400", -1, 0, "not a number" },
	};
	struct srtp_config c;
	char err[ERRLEN];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = load_one(&c, "sec.srtp.key.lifetime", cases[i].text,
				   err);

		ck_assert_msg(ret == cases[i].ret, "%s: %d", cases[i].text,
			      ret);
		if (!ret) {
			ck_assert_uint_eq(c.v[CFG_KEY_LIFETIME].num,
					  cases[i].num);
			ck_assert(!c.v[CFG_KEY_LIFETIME].null);
		} else {
			ck_assert(!c.v[CFG_KEY_LIFETIME].present);
			assert_contains(err, "t.cfg:1: sec.srtp.key.lifetime");
			assert_contains(err, cases[i].msg);
		}
		config_free(&c);
	}
}
END_TEST

START_TEST(bool_values)
{
	static const char *const bad[] = {
		"2", "true", "on", " 1", "1 ", "01", "00", "-0", "1.0", "0x1",
	};
	struct srtp_config c;
	char err[ERRLEN], want[64];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(load_one(&c, "sec.srtp.enable", bad[i], err),
				 -1);
		snprintf(want, sizeof(want), "sec.srtp.enable=\"%s\"", bad[i]);
		assert_contains(err, "t.cfg:1: ");
		assert_contains(err, want);
		assert_contains(err, "\"0\", \"1\"");
		ck_assert(!c.v[CFG_ENABLE].present);
		config_free(&c);
	}
	/* control characters and long values are cut and escaped */
	ck_assert_int_eq(load_one(&c, "sec.srtp.offer", "1&#10;&#9;"
				  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
				  err), -1);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_ptr_null(strchr(err, '\t'));
	assert_contains(err, "1\\x0a\\x09xxx");
	assert_contains(err, "...");
	config_free(&c);
}
END_TEST

START_TEST(unknown_names)
{
	char err[ERRLEN];

	load_fails("<a>\n<b sec.srtp.foo=\"1\"/></a>", err);
	ck_assert_str_eq(err, "t.cfg:2: unknown parameter sec.srtp.foo");

	/* near misses get a suggestion */
	load_fails("<a sec.srtp.ofer=\"1\"/>", err);
	assert_contains(err, "unknown parameter sec.srtp.ofer");
	assert_contains(err, "did you mean sec.srtp.offer?");
	load_fails("<a sec.srtp.Enable=\"1\"/>", err);
	assert_contains(err, "did you mean sec.srtp.enable?");
	load_fails("<a sec.srtp.sessionParams.leg.noAuth.requires=\"1\"/>",
		   err);
	assert_contains(err,
			"did you mean sec.srtp.sessionParams.leg.noAuth.require?");
	load_fails("<a sec.srtp.sessionParams.IP4000.noAuth.offer=\"1\"/>",
		   err);
	assert_contains(err,
			"did you mean sec.srtp.sessionParams.IP_4000.noAuth.offer?");
	load_fails("<a sec.srtp.allowLocalConf=\"0\"/>", err);
	assert_contains(err, "unknown parameter sec.srtp.allowLocalConf");
	ck_assert_ptr_null(strstr(err, "did you mean"));

	/* the bare prefix and the sessionParams stem are names too */
	load_fails("<a sec.srtp.=\"1\"/>", err);
	assert_contains(err, "unknown parameter sec.srtp.");
	load_fails("<a sec.srtp.sessionParams.noAuth=\"1\"/>", err);
	assert_contains(err, "unknown parameter");
}
END_TEST

START_TEST(other_case_prefix)
{
	struct srtp_config c;
	char err[ERRLEN];

	/* not ours (names are case-sensitive), but worth a warning */
	ck_assert_int_eq(load_one(&c, "SEC.SRTP.ENABLE", "1", err), 0);
	ck_assert(!c.v[CFG_ENABLE].present);
	ck_assert_uint_eq(c.nwarnings, 1);
	assert_contains(c.warnings[0], "t.cfg:1: SEC.SRTP.ENABLE ignored");
	config_free(&c);
}
END_TEST

START_TEST(alias)
{
	static const struct {
		const char *alias;
		enum cfg_param p;
	} cases[] = {
		{ "sec.srtp.sessionParams.noEncryptRTCP.offer",
		  CFG_SP_FIRST + 2 },
		{ "sec.srtp.sessionParams.noEncryptRTP.require",
		  CFG_SP_FIRST + 5 },
		{ "sec.srtp.sessionParams.leg.noEncryptRTP.offer",
		  CFG_SP_FIRST + 10 },
		{ "sec.srtp.sessionParams.IP_4000.noEncryptRTCP.require",
		  CFG_SP_FIRST + 15 },
	};
	struct srtp_config c;
	char err[ERRLEN];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(load_one(&c, cases[i].alias, "1", err), 0);
		ck_assert(c.v[cases[i].p].present);
		ck_assert_uint_eq(c.v[cases[i].p].num, 1);
		ck_assert_uint_eq(c.nwarnings, 1);
		assert_contains(c.warnings[0], "t.cfg:1: ");
		assert_contains(c.warnings[0], cases[i].alias);
		assert_contains(c.warnings[0], bulletin_names[cases[i].p]);
		config_free(&c);
	}

	/* the alias does not hide a bad value */
	ck_assert_int_eq(load_one(&c, cases[0].alias, "2", err), -1);
	assert_contains(err, "noEncrypRTCP.offer=\"2\"");
	config_free(&c);

	/* only the sessionParams have an alias */
	load_fails("<a sec.srtp.noEncryptRTP.offer=\"1\"/>", err);
	assert_contains(err, "unknown parameter");
}
END_TEST

START_TEST(set_twice)
{
	struct srtp_config c;
	char err[ERRLEN];

	config_init(&c);
	ck_assert_int_eq(load(&c,
		"<sip>\n"
		"  <sec sec.srtp.offer=\"1\"/>\n"
		"  <sec sec.srtp.offer=\"0\"/>\n"
		"  <sec sec.srtp.sessionParams.noEncrypRTP.offer=\"1\"/>\n"
		"  <sec sec.srtp.sessionParams.noEncryptRTP.offer=\"\"/>\n"
		"</sip>\n", err), 0);
	ck_assert_uint_eq(c.v[CFG_OFFER].num, 0);
	ck_assert_uint_eq(c.v[CFG_OFFER].at.line, 3);
	ck_assert_uint_eq(c.nwarnings, 3);
	ck_assert_str_eq(c.warnings[0],
			 "t.cfg:3: sec.srtp.offer set again (first at line 2)");
	ck_assert(c.v[CFG_SP_FIRST + 4].null);
	ck_assert(has_warning(&c, "t.cfg:5: sec.srtp.sessionParams."
			      "noEncrypRTP.offer set again (first at line 4)"));

	/* across files it is plain layering: no warning */
	ck_assert_int_eq(load(&c, "<a sec.srtp.offer=\"1\"/>", err), 0);
	ck_assert_uint_eq(c.nwarnings, 3);
	ck_assert_uint_eq(c.v[CFG_OFFER].num, 1);
	config_free(&c);
}
END_TEST

START_TEST(warning_flood)
{
	struct srtp_config c;
	char *xml, err[ERRLEN];
	size_t n = 0, i;

	xml = malloc(200 * 40 + 16);
	ck_assert_ptr_nonnull(xml);
	n += (size_t)sprintf(xml + n, "<a>");
	for (i = 0; i < 200; i++)
		n += (size_t)sprintf(xml + n, "<b sec.srtp.offer=\"1\"/>\n");
	sprintf(xml + n, "</a>");
	config_init(&c);
	ck_assert_int_eq(load(&c, xml, err), 0);
	ck_assert_uint_lt(c.nwarnings, 100);
	assert_contains(c.warnings[c.nwarnings - 1], "more warnings not shown");
	config_free(&c);
	free(xml);
}
END_TEST

START_TEST(malformed)
{
	char err[ERRLEN];

	load_fails("<sip>\n<sec sec.srtp.enable=\"1\">\n</sip>\n", err);
	ck_assert_str_eq(err, "t.cfg:3: XML error: mismatched tag");
	load_fails("<sip>\n\n\n<sec sec.srtp.enable=1/>\n</sip>\n", err);
	assert_contains(err, "t.cfg:4: XML error: ");
	load_fails("", err);
	assert_contains(err, "t.cfg:1: XML error: ");
	load_fails("<sip sec.srtp.enable=\"1\">", err);
	assert_contains(err, "XML error: ");
	load_fails("<a/><b/>", err);
	assert_contains(err, "XML error: junk after document element");
	/* a value that is fine up to an XML error: still nothing loaded */
	load_fails("<a sec.srtp.enable=\"1\"/>\n&", err);
	assert_contains(err, "t.cfg:2: XML error: ");
}
END_TEST

START_TEST(duplicate_attribute)
{
	char err[ERRLEN];

	load_fails("<sip>\n<sec sec.srtp.enable=\"1\" sec.srtp.enable=\"0\"/>"
		   "</sip>", err);
	ck_assert_str_eq(err, "t.cfg:2: XML error: duplicate attribute");
}
END_TEST

/* A deep comparison of two configurations. */
static void assert_same(const struct srtp_config *a,
			const struct srtp_config *b)
{
	size_t i;
	int p;

	ck_assert_uint_eq(a->nfiles, b->nfiles);
	ck_assert_uint_eq(a->nwarnings, b->nwarnings);
	for (i = 0; i < a->nwarnings; i++)
		ck_assert_str_eq(a->warnings[i], b->warnings[i]);
	for (p = 0; p < CFG_PARAM_COUNT; p++) {
		const struct cfg_value *x = &a->v[p], *y = &b->v[p];

		ck_assert_int_eq(x->present, y->present);
		ck_assert_int_eq(x->null, y->null);
		ck_assert_uint_eq(x->num, y->num);
		ck_assert_str_eq(x->at.file, y->at.file);
		ck_assert_uint_eq(x->at.line, y->at.line);
		ck_assert_int_eq(!x->str, !y->str);
		if (x->str)
			ck_assert_str_eq(x->str, y->str);
	}
}

START_TEST(atomicity)
{
	static const char first[] =
		"<sip>\n"
		"<a sec.srtp.enable=\"1\" sec.srtp.offer=\"1\"/>\n"
		"<a sec.srtp.offer=\"1\" sec.srtp.key.lifetime=\"4096\"/>\n"
		"<c voIpProt.SIP.conference.address=\"conf@first\"/>\n"
		"</sip>\n";
	/* each fails late, after settings and warnings of its own */
	static const char *const second[] = {
		"<sip>\n"
		"<a sec.srtp.enable=\"0\" sec.srtp.offer=\"\"/>\n"
		"<a sec.srtp.enable=\"\"/>\n"
		"<c voIpProt.SIP.conference.address=\"conf@second\"/>\n"
		"<a sec.srtp.sessionParams.noEncryptRTP.offer=\"1\"/>\n"
		"<a sec.srtp.key.lifetime=\"500\"/>\n"
		"</sip>\n",
		"<sip>\n"
		"<c voIpProt.SIP.conference.address=\"conf@second\"/>\n"
		"<a sec.srtp.require=\"1\" sec.srtp.bogus=\"1\"/>\n"
		"</sip>\n",
		"<sip>\n"
		"<a sec.srtp.enable=\"0\" sec.srtp.key.lifetime=\"0\"/>\n"
		"<c voIpProt.SIP.conference.address=\"\"/>\n"
		"</sip",
	};
	struct srtp_config c, ref;
	char err[ERRLEN];
	size_t i;

	config_init(&ref);
	ck_assert_int_eq(load(&ref, first, err), 0);
	ck_assert_uint_eq(ref.nwarnings, 1);
	for (i = 0; i < sizeof(second) / sizeof(second[0]); i++) {
		config_init(&c);
		ck_assert_int_eq(load(&c, first, err), 0);
		ck_assert_int_eq(load(&c, second[i], err), -1);
		assert_same(&c, &ref);
		ck_assert_str_eq(c.v[CFG_CONFERENCE_ADDRESS].str, "conf@first");
		ck_assert_uint_eq(c.v[CFG_ENABLE].num, 1);
		/* and the config still works afterwards */
		ck_assert_int_eq(load(&c, "<a sec.srtp.enable=\"0\"/>", err), 0);
		ck_assert_uint_eq(c.v[CFG_ENABLE].num, 0);
		ck_assert_uint_eq(c.nfiles, 2);
		config_free(&c);
	}
	config_free(&ref);
}
END_TEST

START_TEST(realistic_sip_cfg)
{
	static const char xml[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<!-- SIP Application BootROM 4.0.0 -->\n"
		"<polycomConfig xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
		"    xsi:noNamespaceSchemaLocation=\"polycomConfig.xsd\">\n"
		"  <voIpProt>\n"
		"    <SIP voIpProt.SIP.enable=\"1\" voIpProt.SIP.local.port=\"5060\"\n"
		"         voIpProt.SIP.conference.address=\"\"\n"
		"         voIpProt.SIP.useRFC2543hold=\"0\"/>\n"
		"    <server voIpProt.server.1.address=\"sip.example.com\"\n"
		"            voIpProt.server.1.port=\"5061\"\n"
		"            voIpProt.server.1.transport=\"TLS\"/>\n"
		"  </voIpProt>\n"
		"  <tone tone.dtmf.level=\"-15\" tone.dtmf.onTime=\"50\"\n"
		"        tone.chord.ringer.1.freq.1=\"1400\">\n"
		"    <ringer tone.ringer.1.type=\"ring-classic\"/>\n"
		"  </tone>\n"
		"  <sec sec.tagSerialNo=\"0\" sec.encryption.upgradeConfig=\"0\"\n"
		"       sec.srtp.enable=\"1\" sec.srtp.offer=\"1\" sec.srtp.require=\"0\"\n"
		"       sec.srtp.offer.HMAC_SHA1_80=\"\" sec.srtp.offer.HMAC_SHA1_32=\"1\"\n"
		"       sec.srtp.key.lifetime=\"\" sec.srtp.mki.enabled=\"0\">\n"
		"    <srtp sec.srtp.leg.enable=\"0\" sec.srtp.leg.allowLocalConf=\"1\"\n"
		"          sec.srtp.sessionParams.noAuth.offer=\"0\"\n"
		"          sec.srtp.sessionParams.noAuth.require=\"0\"\n"
		"          sec.srtp.sessionParams.leg.noEncrypRTCP.offer=\"1\"/>\n"
		"    <pwd sec.pwd.length.admin=\"1\" sec.pwd.length.user=\"2\"/>\n"
		"  </sec>\n"
		"  <dialplan dialplan.digitmap=\"[2-9]11|0T|011xxx.T|[0-1][2-9]xxxxxxxxx\"/>\n"
		"  <up up.backlight.idleIntensity=\"1\">Some text &amp; more</up>\n"
		"</polycomConfig>\n";
	struct srtp_config c;
	char err[ERRLEN];
	int p, set = 0;

	config_init(&c);
	ck_assert_msg(load(&c, xml, err) == 0, "%s", err);
	ck_assert_uint_eq(c.nwarnings, 0);
	for (p = 0; p < CFG_PARAM_COUNT; p++)
		set += c.v[p].present;
	ck_assert_int_eq(set, 13);
	ck_assert(config_bool(&c, CFG_ENABLE, false));
	ck_assert(config_bool(&c, CFG_OFFER, false));
	ck_assert(!config_bool(&c, CFG_REQUIRE, true));
	ck_assert(c.v[CFG_OFFER_HMAC_SHA1_80].present &&
		  c.v[CFG_OFFER_HMAC_SHA1_80].null);
	ck_assert(config_bool(&c, CFG_OFFER_HMAC_SHA1_32, false));
	ck_assert(c.v[CFG_KEY_LIFETIME].null);
	ck_assert(!config_bool(&c, CFG_MKI_ENABLED, true));
	ck_assert(!config_bool(&c, CFG_LEG_ENABLE, true));
	ck_assert(config_bool(&c, CFG_LEG_ALLOW_LOCAL_CONF, false));
	ck_assert(c.v[CFG_CONFERENCE_ADDRESS].present &&
		  c.v[CFG_CONFERENCE_ADDRESS].null);
	ck_assert(config_bool(&c, cfg_sp_param(CFG_FORM_LEG,
					       CFG_SP_NO_ENC_RTCP, false),
			      false));
	ck_assert_uint_eq(c.v[cfg_sp_param(CFG_FORM_LEG, CFG_SP_NO_ENC_RTCP,
					   false)].at.line, 21);
	ck_assert_uint_eq(c.v[CFG_ENABLE].at.line, 17);
	config_free(&c);
}
END_TEST

/* The values each scenario of the bulletin sets, the rest stay unset. */
static void assert_scenario(const char *xml, const enum cfg_param *ones,
			    size_t n)
{
	struct srtp_config c;
	char err[ERRLEN];
	size_t i;
	int p;

	config_init(&c);
	ck_assert_msg(load(&c, xml, err) == 0, "%s", err);
	for (p = 0; p < CFG_PARAM_COUNT; p++) {
		bool want = false;

		for (i = 0; i < n; i++)
			want |= ones[i] == (enum cfg_param)p;
		if (p == CFG_LEG_ALLOW_LOCAL_CONF && strstr(xml, "allowLocal")) {
			ck_assert(c.v[p].present && !c.v[p].null);
			ck_assert_uint_eq(c.v[p].num, 0);
			continue;
		}
		ck_assert_msg(c.v[p].present == want, "%s",
			      bulletin_names[p]);
		if (want)
			ck_assert_msg(config_bool(&c, p, false), "%s",
				      bulletin_names[p]);
	}
	ck_assert_uint_eq(c.nwarnings, 0);
	config_free(&c);
}

START_TEST(bulletin_scenarios)
{
	static const enum cfg_param one[] = {
		CFG_ENABLE, CFG_LEG_ENABLE, CFG_OFFER,
	};
	static const enum cfg_param two[] = {
		CFG_ENABLE, CFG_LEG_ENABLE, CFG_OFFER, CFG_REQUIRE,
	};
	const enum cfg_param three[] = {
		CFG_ENABLE, CFG_LEG_ENABLE, CFG_OFFER,
		cfg_sp_param(CFG_FORM_UNTAGGED, CFG_SP_NO_AUTH, false),
		cfg_sp_param(CFG_FORM_LEG, CFG_SP_NO_AUTH, false),
		cfg_sp_param(CFG_FORM_LEG, CFG_SP_NO_AUTH, true),
		cfg_sp_param(CFG_FORM_IP_4000, CFG_SP_NO_AUTH, false),
	};

	/* as printed, one attribute a line */
	assert_scenario("<sip><sec\n"
			"sec.srtp.enable=\"1\" \n"
			"sec.srtp.leg.enable=\"1\" \n"
			"sec.srtp.offer=\"1\" \n"
			"sec.srtp.leg.allowLocalConf=\"0\"\n"
			"/></sip>\n", one, 3);
	assert_scenario("<sip><sec\n"
			"sec.srtp.enable=\"1\" \n"
			"sec.srtp.leg.enable=\"1\" \n"
			"sec.srtp.offer=\"1\" \n"
			"sec.srtp.require=\"1\" \n"
			"/></sip>\n", two, 4);
	assert_scenario("<sip><sec\n"
			"sec.srtp.enable=\"1\" \n"
			"sec.srtp.leg.enable=\"1\" \n"
			"sec.srtp.offer=\"1\" \n"
			"sec.srtp.sessionParams.noAuth.offer=\"1\" \n"
			"sec.srtp.sessionParams.leg.noAuth.offer=\"1\" \n"
			"sec.srtp.sessionParams.leg.noAuth.require=\"1\" \n"
			"sec.srtp.sessionParams.IP_4000.noAuth.offer=\"1\" \n"
			"/></sip>\n", three, 7);
}
END_TEST

START_TEST(xml_features)
{
	struct srtp_config c;
	char err[ERRLEN];

	/* entities, character references, CDATA, namespaces-as-names */
	config_init(&c);
	ck_assert_msg(load(&c,
		"<!DOCTYPE sip [<!ENTITY on \"1\">]>\n"
		"<sip xmlns:p=\"urn:x\">"
		"<p:sec sec.srtp.enable=\"&on;\" sec.srtp.offer=\"&#49;\"/>"
		"<![CDATA[<x sec.srtp.require=\"1\"/>]]>"
		"<x voIpProt.SIP.conference.address=\"a&amp;b&lt;c\"/>"
		"</sip>", err) == 0, "%s", err);
	ck_assert_uint_eq(c.v[CFG_ENABLE].num, 1);
	ck_assert_uint_eq(c.v[CFG_OFFER].num, 1);
	ck_assert(!c.v[CFG_REQUIRE].present);
	ck_assert_str_eq(c.v[CFG_CONFERENCE_ADDRESS].str, "a&b<c");
	config_free(&c);

	/* a declared ISO-8859-1 document ends up in UTF-8 */
	config_init(&c);
	ck_assert_int_eq(load(&c,
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
		"<a voIpProt.SIP.conference.address=\"caf\xe9\"/>", err), 0);
	ck_assert_str_eq(c.v[CFG_CONFERENCE_ADDRESS].str, "caf\xc3\xa9");
	config_free(&c);

	/* an entity bomb is expat's error, not a hang */
	load_fails("<!DOCTYPE a [\n"
		   "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
		   "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		   "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		   "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		   "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		   "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
		   "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
		   "]>\n<a voIpProt.SIP.conference.address=\"&g;\"/>", err);
	assert_contains(err, "XML error: ");
}
END_TEST

START_TEST(messages_bounded)
{
	struct srtp_config c;
	char err[8], big[ERRLEN];

	memset(err, 'z', sizeof(err));
	config_init(&c);
	ck_assert_int_eq(config_load_buffer(&c, "t.cfg", "<a", 2, err,
					    sizeof(err)), -1);
	ck_assert_str_eq(err, "t.cfg:1");
	ck_assert_int_eq(config_load_buffer(&c, "t.cfg", "<a", 2, NULL, 0),
			 -1);
	ck_assert_int_eq(config_load_buffer(&c, NULL, "<a", 2, big,
					    sizeof(big)), -1);
	assert_contains(big, "XML error");
	/* NUL bytes are not XML */
	ck_assert_int_eq(config_load_buffer(&c, "t.cfg", "<a/>\0<b/>", 9, big,
					    sizeof(big)), -1);
	ck_assert_uint_eq(c.nfiles, 0);
	config_free(&c);
}
END_TEST

START_TEST(buffer_too_large)
{
	struct srtp_config c;
	size_t len = (4u << 20) + 1;
	char err[ERRLEN], *xml;

	xml = malloc(len);
	ck_assert_ptr_nonnull(xml);
	memset(xml, ' ', len);
	memcpy(xml, "<a sec.srtp.enable=\"1\"/>", 24);
	config_init(&c);
	ck_assert_int_eq(config_load_buffer(&c, "big.cfg", xml, len, err,
					    sizeof(err)), -1);
	assert_contains(err, "big.cfg: ");
	assert_contains(err, "4 MiB");
	ck_assert(!c.v[CFG_ENABLE].present);
	/* exactly 4 MiB is still fine */
	ck_assert_int_eq(config_load_buffer(&c, "big.cfg", xml, len - 1, err,
					    sizeof(err)), 0);
	ck_assert(c.v[CFG_ENABLE].present);
	config_free(&c);
	free(xml);
}
END_TEST

/* A temporary file holding @text; its name in @path. */
static void temp_file(char *path, size_t pathlen, const char *text,
		      size_t len)
{
	int fd;

	snprintf(path, pathlen, "/tmp/test_config.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

START_TEST(files)
{
	static const char xml[] =
		"<sip>\n<sec sec.srtp.enable=\"1\"/>\n"
		"<sec sec.srtp.key.lifetime=\"65536\"/>\n</sip>\n";
	static const char bad[] =
		"<sip>\n\n<a sec.srtp.mki.enabled=\"x\"/>\n</sip>\n";
	struct srtp_config c;
	char path[64], err[ERRLEN], want[128];

	temp_file(path, sizeof(path), xml, strlen(xml));
	config_init(&c);
	ck_assert_msg(config_load(&c, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(c.v[CFG_ENABLE].at.file, path);
	ck_assert_uint_eq(c.v[CFG_ENABLE].at.line, 2);
	ck_assert_uint_eq(c.v[CFG_KEY_LIFETIME].num, 65536);
	ck_assert_uint_eq(c.v[CFG_KEY_LIFETIME].at.line, 3);
	unlink(path);

	/* gone: the file name and strerror, and nothing changes */
	ck_assert_int_eq(config_load(&c, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(config_load(&c, "/tmp", err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "/tmp: %s", strerror(EISDIR));
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(c.nfiles, 1);
	ck_assert_uint_eq(c.v[CFG_ENABLE].num, 1);

	/* an error in a file names the file and the line */
	temp_file(path, sizeof(path), bad, strlen(bad));
	ck_assert_int_eq(config_load(&c, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: sec.srtp.mki.enabled=\"x\"", path);
	assert_contains(err, want);
	unlink(path);

	/* a malformed file, across the reader's chunks */
	{
		size_t len = 200000;
		char *big = malloc(len);

		ck_assert_ptr_nonnull(big);
		memset(big, '\n', len);
		memcpy(big, "<sip>", 5);
		memcpy(big + len - 6, "</sap>", 6);	/* line len - 10 */
		temp_file(path, sizeof(path), big, len);
		free(big);
		ck_assert_int_eq(config_load(&c, path, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:%zu: XML error: mismatched tag",
			 path, len - 10);
		ck_assert_str_eq(err, want);
		unlink(path);
	}
	ck_assert_uint_eq(c.nfiles, 1);
	config_free(&c);
}
END_TEST

START_TEST(file_too_large)
{
	struct srtp_config c;
	char path[64], err[ERRLEN];
	int fd;

	temp_file(path, sizeof(path), "<a sec.srtp.enable=\"1\"/>", 24);
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (4 << 20) + 1), 0);
	close(fd);
	config_init(&c);
	ck_assert_int_eq(config_load(&c, path, err, sizeof(err)), -1);
	assert_contains(err, path);
	assert_contains(err, "4 MiB");
	ck_assert(!c.v[CFG_ENABLE].present);
	unlink(path);
	config_free(&c);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("sip.cfg");

	tcase_add_test(tc, names);
	tcase_add_test(tc, every_parameter);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, null_values);
	tcase_add_test(tc, layering);
	tcase_add_test(tc, error_line);
	tcase_add_test(tc, lifetime);
	tcase_add_test(tc, bool_values);
	tcase_add_test(tc, unknown_names);
	tcase_add_test(tc, other_case_prefix);
	tcase_add_test(tc, alias);
	tcase_add_test(tc, set_twice);
	tcase_add_test(tc, warning_flood);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, duplicate_attribute);
	tcase_add_test(tc, atomicity);
	tcase_add_test(tc, realistic_sip_cfg);
	tcase_add_test(tc, bulletin_scenarios);
	tcase_add_test(tc, xml_features);
	tcase_add_test(tc, messages_bounded);
	tcase_add_test(tc, buffer_too_large);
	tcase_add_test(tc, files);
	tcase_add_test(tc, file_too_large);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(config_suite)
