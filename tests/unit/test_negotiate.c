// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/negotiate.c: the bulletin's three scenarios line
 * for line (keys aside), answers to a matrix of offers under several
 * answerer policies, every rejection reason, what real devices send, and
 * an offer completed by its answer with the keys crossing correctly.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "negotiate.h"
#include "policy.h"
#include "sdp.h"
#include "check_main.h"

/* The media descriptions printed in the bulletin, keys as KEY. */
static const char scenario_one[] =
	"m=audio 2230 RTP/SAVP 0 8 18 101\r\n"
	"a=sendrecv\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"m=audio 2230 RTP/AVP 0 8 18 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n";

static const char scenario_two[] =
	"m=audio 2222 RTP/SAVP 0 8 18 101\r\n"
	"a=sendrecv\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n";

static const char scenario_three[] =
	"m=audio 2224 RTP/SAVP 0 8 18 101\r\n"
	"a=sendrecv\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY UNAUTHENTICATED_SRTP\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"m=audio 2224 RTP/AVP 0 8 18 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n";

/* The scenarios' sip.cfg settings. */
#define CFG_ONE "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" " \
	"sec.srtp.offer=\"1\" sec.srtp.leg.allowLocalConf=\"0\""
#define CFG_TWO "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" " \
	"sec.srtp.offer=\"1\" sec.srtp.require=\"1\""
#define CFG_THREE "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" " \
	"sec.srtp.offer=\"1\" sec.srtp.sessionParams.noAuth.offer=\"1\" " \
	"sec.srtp.sessionParams.leg.noAuth.offer=\"1\" " \
	"sec.srtp.sessionParams.leg.noAuth.require=\"1\" " \
	"sec.srtp.sessionParams.IP_4000.noAuth.offer=\"1\""

static struct srtp_policy policy(const char *attrs, const char *model)
{
	struct srtp_config c;
	struct srtp_policy p;
	char xml[4096], err[512];

	snprintf(xml, sizeof(xml), "<sip><sec %s/></sip>", attrs);
	config_init(&c);
	ck_assert_msg(!config_load_buffer(&c, "t.cfg", xml, strlen(xml), err,
					  sizeof(err)), "%s", err);
	ck_assert_msg(!policy_build(&c, model, &p, err, sizeof(err)), "%s", err);
	config_free(&c);
	return p;
}

static struct neg_local local(const char *addr, unsigned int port)
{
	struct neg_local l;

	memset(&l, 0, sizeof(l));
	l.conn.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	snprintf(l.conn.addr, sizeof(l.conn.addr), "%s", addr);
	l.port = port;
	l.session_id = 4242;
	return l;
}

/* @text with every inline: key||salt replaced by KEY; malloc'd. */
static char *mask_keys(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	const char *p = text;

	ck_assert_ptr_nonnull(out);
	while (*p) {
		if (!strncmp(p, "inline:", 7)) {
			memcpy(o, "inline:KEY", 10);
			o += 10;
			p += 7;
			while (*p && *p != '|' && *p != ' ' && *p != '\r' &&
			       *p != ';')
				p++;
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

/* The formatted offer of @attrs on @model, from its first m= line. */
static char *offer_media(const char *attrs, const char *model,
			 unsigned int port, struct neg_offer *o)
{
	struct srtp_policy p = policy(attrs, model);
	struct neg_local l = local("192.0.2.10", port);
	char err[256], *text, *masked, *m;

	ck_assert_msg(!negotiate_offer(&p, &l, o, err, sizeof(err)), "%s", err);
	text = sdp_format(&o->sdp);
	ck_assert_ptr_nonnull(text);
	masked = mask_keys(text);
	free(text);
	m = strdup(strstr(masked, "m="));
	free(masked);
	return m;
}

/* Each scenario's offer, from every class of SRTP model. */
START_TEST(bulletin_scenarios)
{
	static const struct {
		const char *cfg;
		unsigned int port;
		const char *media;
		const char *models[3];
	} cases[] = {
		{ CFG_ONE, 2230, scenario_one, { "IP_601", "IP_650", "IP_4000" } },
		{ CFG_TWO, 2222, scenario_two, { "IP_601", "IP_650", "IP_4000" } },
		{ CFG_THREE, 2224, scenario_three, { "IP_601", "IP_650", "IP_4000" } },
	};
	struct neg_offer o;
	size_t i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (k = 0; k < 3; k++) {
			char *m = offer_media(cases[i].cfg, cases[i].models[k],
					      cases[i].port, &o);

			ck_assert_msg(!strcmp(m, cases[i].media),
				      "scenario %zu on %s:\n%s", i + 1,
				      cases[i].models[k], m);
			free(m);
			negotiate_offer_free(&o);
		}
	}
}
END_TEST

/* The session-level lines of every offer and answer. */
START_TEST(session_lines)
{
	struct srtp_policy p = policy(CFG_ONE, NULL);
	struct neg_local l = local("2001:db8::10", 4000);
	struct neg_offer o;
	char err[256], *text;

	ck_assert(!negotiate_offer(&p, &l, &o, err, sizeof(err)));
	text = sdp_format(&o.sdp);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(!strncmp(text,
			       "v=0\r\no=- 4242 0 IN IP6 2001:db8::10\r\ns=-\r\n"
			       "c=IN IP6 2001:db8::10\r\nt=0 0\r\n"
			       "m=audio 4000 RTP/SAVP 0 8 18 101\r\n", 98),
		      "%s", text);
	free(text);
	negotiate_offer_free(&o);
}
END_TEST

START_TEST(plain_offers)
{
	struct neg_offer o;
	char *m;

	/* no offer, or SRTP off: AVP alone, with its direction */
	m = offer_media("sec.srtp.enable=\"1\"", NULL, 5000, &o);
	ck_assert_str_eq(m, "m=audio 5000 RTP/AVP 0 8 18 101\r\na=sendrecv\r\n"
			 "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
			 "a=rtpmap:18 G729/8000\r\n"
			 "a=rtpmap:101 telephone-event/8000\r\n");
	ck_assert(!o.secure && o.plain);
	free(m);
	negotiate_offer_free(&o);
	m = offer_media("sec.srtp.enable=\"1\" sec.srtp.offer=\"1\"", "IP_301",
			5000, &o);
	ck_assert_ptr_null(strstr(m, "SAVP"));
	free(m);
	negotiate_offer_free(&o);
}
END_TEST

/* Suites, lifetime, MKI and the other session parameters in offers. */
START_TEST(offer_options)
{
	struct neg_offer o;
	char *m;

	m = offer_media("sec.srtp.enable=\"1\" sec.srtp.require=\"1\" "
			"sec.srtp.offer.HMAC_SHA1_32=\"1\" "
			"sec.srtp.key.lifetime=\"1048576\" sec.srtp.mki.enabled=\"1\" "
			"sec.srtp.sessionParams.noEncrypRTCP.offer=\"1\" "
			"sec.srtp.sessionParams.noEncrypRTP.require=\"1\"",
			NULL, 6000, &o);
	ck_assert_str_eq(m,
		"m=audio 6000 RTP/SAVP 0 8 18 101\r\na=sendrecv\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY|1048576|1:4 "
		"UNENCRYPTED_SRTP UNENCRYPTED_SRTCP\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:KEY|1048576|1:4 "
		"UNENCRYPTED_SRTP UNENCRYPTED_SRTCP\r\n"
		"a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:18 G729/8000\r\na=rtpmap:101 telephone-event/8000\r\n");
	free(m);
	/* each crypto line has its own key */
	ck_assert_int_ne(memcmp(o.crypto[0].keys[0].key, o.crypto[1].keys[0].key,
				16), 0);
	negotiate_offer_free(&o);
	m = offer_media("sec.srtp.enable=\"1\" sec.srtp.offer=\"1\" "
			"sec.srtp.offer.HMAC_SHA1_80=\"0\" sec.srtp.offer.HMAC_SHA1_32=\"1\"",
			NULL, 6000, &o);
	ck_assert_ptr_nonnull(strstr(m, "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:KEY\r\n"));
	ck_assert_ptr_null(strstr(m, "_80"));
	free(m);
	negotiate_offer_free(&o);
}
END_TEST

/* Keys are fresh for every offer: 30 random bytes, never repeated. */
START_TEST(fresh_keys)
{
	struct srtp_policy p = policy(CFG_ONE, NULL);
	struct neg_local l = local("192.0.2.10", 2230);
	struct neg_offer a, b;
	char err[256];

	ck_assert(!negotiate_offer(&p, &l, &a, err, sizeof(err)));
	ck_assert(!negotiate_offer(&p, &l, &b, err, sizeof(err)));
	ck_assert_uint_eq(a.crypto[0].keys[0].key_len, 16);
	ck_assert_uint_eq(a.crypto[0].keys[0].salt_len, 14);
	ck_assert_int_ne(memcmp(a.crypto[0].keys[0].key, b.crypto[0].keys[0].key,
				16), 0);
	ck_assert_int_ne(memcmp(a.crypto[0].keys[0].salt,
				b.crypto[0].keys[0].salt, 14), 0);
	negotiate_offer_free(&a);
	negotiate_offer_free(&b);
}
END_TEST

/* ---- answers ---- */

static const char session_head[] =
	"v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\n"
	"c=IN IP4 198.51.100.7\r\nt=0 0\r\n";

#define KEY_A "nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI"
#define KEY_B "W1AGU0FjVJv0avRW8JgztcoE6B2dBAyIlXCdQh7w"

/* A full offer: the session head, then @media with KEY as KEY_A. */
static char *full_offer(const char *media)
{
	size_t n = strlen(session_head) + strlen(media) * 2 + 1;
	char *out = malloc(n), *o;
	const char *p;

	ck_assert_ptr_nonnull(out);
	strcpy(out, session_head);
	o = out + strlen(out);
	for (p = media; *p;) {
		if (!strncmp(p, "inline:KEY", 10)) {
			o += sprintf(o, "inline:%s", KEY_A);
			p += 10;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

struct outcome {
	int rc;
	struct sdp answer;
	struct neg_result r;
	char *text;
};

static void answer(const char *attrs, const char *model, const char *offer_text,
		   struct outcome *out)
{
	struct srtp_policy p = policy(attrs, model);
	struct neg_local l = local("192.0.2.20", 7000);
	struct sdp offer;
	char err[512];

	memset(out, 0, sizeof(*out));
	ck_assert_msg(!sdp_parse(offer_text, strlen(offer_text), &offer, err,
				 sizeof(err)), "%s", err);
	out->rc = negotiate_answer(&p, &offer, &l, &out->answer, &out->r, err,
				   sizeof(err));
	ck_assert_msg(out->rc >= 0, "%s", err);
	if (out->rc == 0) {
		out->text = sdp_format(&out->answer);
		ck_assert_ptr_nonnull(out->text);
	}
	sdp_free(&offer);
}

static void outcome_free(struct outcome *o)
{
	free(o->text);
	sdp_free(&o->answer);
	negotiate_result_wipe(&o->r);
}

START_TEST(answer_scenario_one)
{
	char *offer = full_offer(scenario_one);
	struct outcome o;
	char *masked;

	answer("sec.srtp.enable=\"1\"", NULL, offer, &o);
	ck_assert_int_eq(o.rc, 0);
	masked = mask_keys(o.text);
	ck_assert_str_eq(strstr(masked, "m="),
			 "m=audio 7000 RTP/SAVP 0 8 18 101\r\n"
			 "a=sendrecv\r\n"
			 "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY\r\n"
			 "a=rtpmap:0 PCMU/8000\r\n"
			 "a=rtpmap:8 PCMA/8000\r\n"
			 "a=rtpmap:18 G729/8000\r\n"
			 "a=rtpmap:101 telephone-event/8000\r\n"
			 "m=audio 0 RTP/AVP 0 8 18 101\r\n");
	free(masked);
	ck_assert(o.r.secure);
	ck_assert_uint_eq(o.r.nstreams, 1);
	ck_assert(o.r.streams[0].srtp);
	ck_assert_uint_eq(o.r.streams[0].index, 0);
	ck_assert_str_eq(o.r.streams[0].remote_conn.addr, "198.51.100.7");
	ck_assert_uint_eq(o.r.streams[0].remote_port, 2230);
	ck_assert_uint_eq(o.r.streams[0].remote_rtcp_port, 2231);
	ck_assert_uint_eq(o.r.streams[0].local_port, 7000);
	/* their key is the offer's; ours is new */
	ck_assert_ptr_null(strstr(o.text, KEY_A));
	ck_assert_uint_eq(o.r.streams[0].remote.keys[0].key[0], 0x9e);
	ck_assert_int_ne(memcmp(o.r.streams[0].remote.keys[0].key,
				o.r.streams[0].local.keys[0].key, 16), 0);
	outcome_free(&o);
	free(offer);
}
END_TEST

struct matrix_case {
	const char *offer;	/* media section, KEY for the key */
	const char *attrs;	/* answerer's sip.cfg */
	const char *model;
	int rc;			/* 0 or NEG_REJECTED */
	int srtp;		/* the stream is SRTP (when accepted) */
	int secure;		/* the padlock */
	const char *reason;	/* part of the 488 reason */
};

#define ON "sec.srtp.enable=\"1\""
#define OFF "sec.srtp.enable=\"0\""
#define REQ "sec.srtp.enable=\"1\" sec.srtp.require=\"1\""
#define LEG601 "sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" " \
	"sec.srtp.sessionParams.leg.noAuth.require=\"1\""

static const char avp_only[] =
	"m=audio 2230 RTP/AVP 0 8\r\na=sendrecv\r\n";

static const struct matrix_case matrix[] = {
	/* scenario one's offer (SAVP + AVP) */
	{ scenario_one, ON, NULL, 0, 1, 1, NULL },
	{ scenario_one, OFF, NULL, 0, 0, 0, NULL },
	{ scenario_one, REQ, NULL, 0, 1, 1, NULL },
	{ scenario_one, ON, "IP_601", 0, 0, 0, NULL },	/* leg.enable Null */
	{ scenario_one, ON, "IP_300", 0, 0, 0, NULL },
	{ scenario_one, LEG601, "IP_601", 0, 0, 0, NULL }, /* falls back to AVP */
	/* scenario two's offer (SAVP only) */
	{ scenario_two, ON, NULL, 0, 1, 1, NULL },
	{ scenario_two, OFF, NULL, NEG_REJECTED, 0, 0, "SRTP is off" },
	{ scenario_two, ON, "IP_500", NEG_REJECTED, 0, 0, "SRTP is off" },
	{ scenario_two, LEG601, "IP_601", NEG_REJECTED, 0, 0,
	  "UNAUTHENTICATED_SRTP is not offered, but sec.srtp.sessionParams.leg.noAuth.require=1" },
	/* scenario three's offer (UNAUTHENTICATED_SRTP) */
	{ scenario_three, ON, NULL, 0, 0, 0, NULL },	/* not willing: AVP */
	{ scenario_three, ON " sec.srtp.sessionParams.noAuth.offer=\"1\"", NULL,
	  0, 1, 0, NULL },
	{ scenario_three, LEG601, "IP_601", 0, 1, 0, NULL },
	{ scenario_three, ON " sec.srtp.sessionParams.IP_4000.noAuth.offer=\"1\"",
	  "IP_4000", 0, 1, 0, NULL },
	{ scenario_three, REQ, NULL, NEG_REJECTED, 0, 0,
	  "secure media is required (sec.srtp.require=1) and the SRTP offer is not acceptable: a=crypto:1 AES_CM_128_HMAC_SHA1_80: UNAUTHENTICATED_SRTP is offered" },
	/* plain offers */
	{ avp_only, ON, NULL, 0, 0, 0, NULL },
	{ avp_only, REQ, NULL, NEG_REJECTED, 0, 0,
	  "secure media is required (sec.srtp.require=1) and only RTP/AVP is offered" },
	{ avp_only, LEG601 " sec.srtp.require=\"1\"", "IP_601", NEG_REJECTED, 0,
	  0, "only RTP/AVP" },
};

START_TEST(answer_matrix)
{
	const struct matrix_case *c = &matrix[_i];
	char *offer = full_offer(c->offer);
	struct outcome o;

	answer(c->attrs, c->model, offer, &o);
	ck_assert_int_eq(o.rc, c->rc);
	if (c->rc == 0) {
		ck_assert_uint_eq(o.r.nstreams, 1);
		ck_assert_int_eq(o.r.streams[0].srtp, c->srtp);
		ck_assert_int_eq(o.r.secure, c->secure);
		/* the taken m-line has our port, the other port 0 */
		ck_assert_ptr_nonnull(strstr(o.text, c->srtp ?
				"m=audio 7000 RTP/SAVP" : "m=audio 7000 RTP/AVP"));
		if (strstr(c->offer, "RTP/AVP") && strstr(c->offer, "RTP/SAVP"))
			ck_assert_ptr_nonnull(strstr(o.text, c->srtp ?
				"m=audio 0 RTP/AVP" : "m=audio 0 RTP/SAVP"));
		ck_assert_int_eq(strstr(o.text, "a=crypto:") != NULL, c->srtp);
		if (c->srtp && strstr(c->offer, "UNAUTHENTICATED_SRTP"))
			ck_assert_ptr_nonnull(strstr(o.text, " UNAUTHENTICATED_SRTP\r\n"));
	} else {
		ck_assert_msg(strstr(o.r.reason, c->reason), "\"%s\" lacks \"%s\"",
			      o.r.reason, c->reason);
		/* no key survives a rejection */
		ck_assert_uint_eq(o.r.streams[0].remote.keys[0].key[0], 0);
	}
	outcome_free(&o);
	free(offer);
}
END_TEST

/* The first acceptable line wins; what is skipped and why. */
START_TEST(answer_first_acceptable)
{
	static const char media[] =
		"m=audio 2230 RTP/SAVP 0\r\n"
		"a=crypto:1 F8_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B " KDR=4\r\n"
		"a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:" KEY_B " UNAUTHENTICATED_SRTP\r\n"
		"a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:" KEY_B " -VENDOR_X\r\n"
		"a=crypto:8 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";
	char *offer = full_offer(media);
	struct outcome o;

	answer(ON, NULL, offer, &o);
	ck_assert_int_eq(o.rc, 0);
	ck_assert_uint_eq(o.r.streams[0].remote.tag, 7);
	ck_assert_ptr_nonnull(strstr(o.text, "a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:"));
	ck_assert_ptr_null(strstr(o.text, "a=crypto:8"));
	ck_assert_ptr_null(strstr(o.text, "VENDOR"));
	outcome_free(&o);
	free(offer);
}
END_TEST

/* Every line refused: the reason of the last one is given. */
START_TEST(answer_reasons)
{
	static const struct {
		const char *media;
		const char *reason;
	} cases[] = {
		{ "m=audio 2230 RTP/SAVP 0\r\n", "no a=crypto line" },
		{ "m=audio 2230 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A " KDR=4\r\n",
		  "KDR=4 is not supported" },
		{ "m=audio 2230 RTP/SAVP 0\r\na=crypto:1 F8_128_HMAC_SHA1_80 inline:" KEY_A "\r\n",
		  "F8_128_HMAC_SHA1_80 is not supported" },
		{ "m=audio 2230 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n",
		  "invalid a=crypto" },
		{ "m=audio 2230 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A " FOO\r\n",
		  "invalid a=crypto" },
		{ "m=audio 2230 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A " UNENCRYPTED_SRTCP\r\n",
		  "UNENCRYPTED_SRTCP is offered, but sec.srtp.sessionParams.noEncrypRTCP.offer is not 1" },
		{ "m=audio 2230 RTP/SAVP 0\r\na=crypto:1 AEAD_AES_128_GCM inline:" KEY_A "\r\n",
		  "invalid a=crypto" },	/* 30 bytes for a 28-byte suite */
		{ "m=audio 2230 RTP/SAVP 0\r\n"
		  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A " KDR=1\r\n"
		  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B "\r\n",
		  "tag 1 repeated" },
		{ "m=audio 0 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n",
		  "no RTP media stream" },
		{ "m=image 2230 udptl t38\r\n", "no RTP media stream" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *offer = full_offer(cases[i].media);
		struct outcome o;

		answer(ON, NULL, offer, &o);
		ck_assert_int_eq(o.rc, NEG_REJECTED);
		ck_assert_msg(strstr(o.r.reason, cases[i].reason),
			      "case %zu: \"%s\" lacks \"%s\"", i, o.r.reason,
			      cases[i].reason);
		ck_assert_ptr_null(strstr(o.r.reason, KEY_A));
		outcome_free(&o);
		free(offer);
	}
}
END_TEST

/* What real devices send. */
START_TEST(answer_real_devices)
{
	static const char *const media[] = {
		/* a lifetime as 2^31, unpadded base64 */
		"m=audio 2230 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "|2^31\r\n",
		/* tag 0 */
		"m=audio 2230 RTP/SAVP 0\r\na=crypto:0 AES_CM_128_HMAC_SHA1_32 inline:" KEY_A "\r\n",
		/* MKI and two keys */
		"m=audio 2230 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "|2^20|1:4;inline:" KEY_B "|2^20|2:4\r\n",
		/* AVP first, SAVP second on the same port */
		"m=audio 2230 RTP/AVP 0\r\nm=audio 2230 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n",
		/* SAVPF, media-level c=, a=rtcp, rtcp-mux */
		"m=audio 2230 RTP/SAVPF 0\r\nc=IN IP4 203.0.113.9\r\na=rtcp:3000 IN IP4 203.0.113.10\r\na=rtcp-mux\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n",
	};
	size_t i;

	for (i = 0; i < sizeof(media) / sizeof(media[0]); i++) {
		char *offer = full_offer(media[i]);
		struct outcome o;

		answer(REQ, NULL, offer, &o);
		ck_assert_msg(o.rc == 0, "case %zu: %s", i, o.r.reason);
		ck_assert(o.r.streams[0].srtp && o.r.secure);
		outcome_free(&o);
		free(offer);
	}
	{
		char *offer = full_offer(media[4]);
		struct outcome o;

		answer(REQ, NULL, offer, &o);
		ck_assert_str_eq(o.r.streams[0].remote_conn.addr, "203.0.113.9");
		ck_assert_str_eq(o.r.streams[0].remote_rtcp_conn.addr, "203.0.113.10");
		ck_assert_uint_eq(o.r.streams[0].remote_rtcp_port, 3000);
		ck_assert(o.r.streams[0].rtcp_mux);
		ck_assert_ptr_nonnull(strstr(o.text, "a=rtcp-mux\r\n"));
		ck_assert_ptr_null(strstr(o.text, "a=rtcp:"));
		outcome_free(&o);
		free(offer);
	}
}
END_TEST

/* Audio and video: each its own stream, one rejected, one taken. */
START_TEST(answer_two_streams)
{
	static const char media[] =
		"m=audio 2230 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY\r\n"
		"m=audio 2230 RTP/AVP 0\r\n"
		"m=video 2240 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=recvonly\r\n";
	char *offer = full_offer(media);
	struct outcome o;

	answer(ON, NULL, offer, &o);
	ck_assert_int_eq(o.rc, 0);
	ck_assert_uint_eq(o.r.nstreams, 2);
	ck_assert(!o.r.secure);		/* the video is in the clear */
	ck_assert_uint_eq(o.r.streams[1].index, 2);
	ck_assert_uint_eq(o.r.streams[1].local_port, 7002);
	ck_assert_ptr_nonnull(strstr(o.text,
		"m=video 7002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=sendonly\r\n"));
	outcome_free(&o);
	answer(REQ, NULL, offer, &o);	/* video refused, audio secure */
	ck_assert_int_eq(o.rc, 0);
	ck_assert_uint_eq(o.r.nstreams, 1);
	ck_assert(o.r.secure);
	ck_assert_ptr_nonnull(strstr(o.text, "m=video 0 RTP/AVP 96\r\n"));
	outcome_free(&o);
	free(offer);
}
END_TEST

/* Offer, answer, completion: the keys cross. */
START_TEST(complete_round_trip)
{
	static const char *const cfgs[] = { CFG_ONE, CFG_TWO, CFG_THREE };
	size_t i;

	for (i = 0; i < 3; i++) {
		struct srtp_policy pa = policy(cfgs[i], "IP_650");
		struct srtp_policy pb = policy(cfgs[i], "IP_601");
		struct neg_local la = local("192.0.2.10", 2230);
		struct neg_local lb = local("192.0.2.20", 7000);
		struct neg_offer off;
		struct neg_result rb, ra;
		struct sdp offer, ans, ans2;
		char err[512], *text;

		ck_assert(!negotiate_offer(&pa, &la, &off, err, sizeof(err)));
		text = sdp_format(&off.sdp);
		ck_assert(!sdp_parse(text, strlen(text), &offer, err, sizeof(err)));
		free(text);
		ck_assert_int_eq(negotiate_answer(&pb, &offer, &lb, &ans, &rb, err,
						  sizeof(err)), 0);
		text = sdp_format(&ans);
		ck_assert(!sdp_parse(text, strlen(text), &ans2, err, sizeof(err)));
		free(text);
		ck_assert_msg(negotiate_complete(&pa, &off, &ans2, &ra) == 0, "%s",
			      ra.reason);
		ck_assert(ra.streams[0].srtp && rb.streams[0].srtp);
		ck_assert_int_eq(ra.secure, i != 2);
		ck_assert_int_eq(rb.secure, i != 2);
		/* A's key is what B unprotects with, and the reverse */
		ck_assert_mem_eq(ra.streams[0].local.keys[0].key,
				 rb.streams[0].remote.keys[0].key, 16);
		ck_assert_mem_eq(rb.streams[0].local.keys[0].key,
				 ra.streams[0].remote.keys[0].key, 16);
		ck_assert_mem_eq(rb.streams[0].local.keys[0].salt,
				 ra.streams[0].remote.keys[0].salt, 14);
		ck_assert_uint_eq(ra.streams[0].remote_port, 7000);
		ck_assert_uint_eq(rb.streams[0].remote_port, 2230);
		ck_assert_int_eq(ra.streams[0].remote.unauthenticated_srtp, i == 2);
		negotiate_result_wipe(&ra);
		negotiate_result_wipe(&rb);
		sdp_free(&offer);
		sdp_free(&ans);
		sdp_free(&ans2);
		negotiate_offer_free(&off);
	}
}
END_TEST

/* Answers that do not fit our offer. */
START_TEST(complete_rejects)
{
	static const struct {
		const char *media;
		const char *reason;
	} cases[] = {
		{ "m=audio 7000 RTP/SAVP 0\r\n", "m-lines" },
		{ "m=audio 7000 RTP/SAVP 0\r\nm=audio 0 RTP/AVP 0\r\n", "exactly one a=crypto" },
		{ "m=audio 7000 RTP/SAVP 0\r\na=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:KEY\r\nm=audio 0 RTP/AVP 0\r\n",
		  "tag 2 was not offered" },
		{ "m=audio 7000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:KEY\r\nm=audio 0 RTP/AVP 0\r\n",
		  "names AES_CM_128_HMAC_SHA1_32" },
		{ "m=audio 7000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY UNENCRYPTED_SRTP\r\nm=audio 0 RTP/AVP 0\r\n",
		  "changes the session parameters" },
		{ "m=audio 7000 RTP/AVP 0\r\nm=audio 0 RTP/AVP 0\r\n", "turns our RTP/SAVP" },
		{ "m=audio 0 RTP/SAVP 0\r\nm=audio 0 RTP/AVP 0\r\n", "rejects every m-line" },
	};
	struct srtp_policy pa = policy(CFG_ONE, NULL);
	struct neg_local la = local("192.0.2.10", 2230);
	struct neg_offer off;
	char err[256];
	size_t i;

	ck_assert(!negotiate_offer(&pa, &la, &off, err, sizeof(err)));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = full_offer(cases[i].media);
		struct neg_result r;
		struct sdp ans;

		ck_assert(!sdp_parse(text, strlen(text), &ans, err, sizeof(err)));
		ck_assert_int_eq(negotiate_complete(&pa, &off, &ans, &r),
				 NEG_REJECTED);
		ck_assert_msg(strstr(r.reason, cases[i].reason),
			      "case %zu: \"%s\" lacks \"%s\"", i, r.reason,
			      cases[i].reason);
		negotiate_result_wipe(&r);
		sdp_free(&ans);
		free(text);
	}
	negotiate_offer_free(&off);
}
END_TEST

/* RFC 8643: SRTP offered in an RTP/AVP m-line. */
START_TEST(osrtp_answer)
{
	static const char os80[] =
		"m=audio 4000 RTP/AVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY\r\n"
		"a=rtpmap:0 PCMU/8000\r\n";
	static const char osf8[] =
		"m=audio 4000 RTP/AVP 0\r\n"
		"a=crypto:1 F8_128_HMAC_SHA1_80 inline:KEY\r\n";
	char *offer = full_offer(os80), *bad = full_offer(osf8);
	struct outcome o;

	/* SRTP enabled: encrypted, answered in RTP/AVP with our key */
	answer("sec.srtp.enable=\"1\"", NULL, offer, &o);
	ck_assert_int_eq(o.rc, 0);
	ck_assert_uint_eq(o.r.nstreams, 1);
	ck_assert(o.r.streams[0].srtp);
	ck_assert_str_eq(o.r.streams[0].remote.suite_name,
			 "AES_CM_128_HMAC_SHA1_80");
	ck_assert_ptr_nonnull(strstr(o.text, "m=audio 7000 RTP/AVP 0\r\n"
					     "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"));
	ck_assert_ptr_null(strstr(o.text, KEY_A));
	ck_assert_ptr_null(strstr(o.text, "SAVP"));
	outcome_free(&o);

	/* it satisfies sec.srtp.require: the media is SRTP */
	answer(CFG_TWO, NULL, offer, &o);
	ck_assert_int_eq(o.rc, 0);
	ck_assert(o.r.streams[0].srtp);
	outcome_free(&o);

	/* SRTP off: plain, and no crypto line in the answer */
	answer("sec.srtp.enable=\"0\"", NULL, offer, &o);
	ck_assert_int_eq(o.rc, 0);
	ck_assert(!o.r.streams[0].srtp);
	ck_assert_ptr_null(strstr(o.text, "crypto"));
	outcome_free(&o);

	/* nothing acceptable: plain (RFC 8643 3.2), refused under require */
	answer("sec.srtp.enable=\"1\"", NULL, bad, &o);
	ck_assert_int_eq(o.rc, 0);
	ck_assert(!o.r.streams[0].srtp);
	ck_assert_ptr_null(strstr(o.text, "crypto"));
	outcome_free(&o);
	answer(CFG_TWO, NULL, bad, &o);
	ck_assert_int_eq(o.rc, NEG_REJECTED);
	ck_assert_msg(strstr(o.r.reason, "opportunistic SRTP (RFC 8643) offer is not acceptable"),
		      "%s", o.r.reason);
	outcome_free(&o);
	free(offer);
	free(bad);
}
END_TEST

/* Our opportunistic offer, answered with and without SRTP. */
START_TEST(osrtp_offer_round_trip)
{
	struct srtp_policy pa = policy(CFG_ONE, NULL);
	struct srtp_policy on = policy("sec.srtp.enable=\"1\"", NULL);
	struct srtp_policy off = policy("sec.srtp.enable=\"0\"", NULL);
	struct srtp_policy req = policy(CFG_TWO, NULL);
	const struct srtp_policy *answerers[] = { &on, &off };
	struct neg_local la = local("192.0.2.10", 2230);
	struct neg_local lb = local("192.0.2.20", 7000);
	struct neg_offer o;
	char err[512], *text;
	size_t i;

	pa.osrtp = true;
	ck_assert(!negotiate_offer(&pa, &la, &o, err, sizeof(err)));
	ck_assert(o.osrtp);
	ck_assert_uint_eq(o.sdp.nmedia, 1);
	ck_assert_str_eq(o.sdp.media[0].proto, "RTP/AVP");
	text = sdp_format(&o.sdp);
	ck_assert_ptr_nonnull(strstr(text, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"));
	for (i = 0; i < 2; i++) {
		struct neg_result rb, ra;
		struct sdp offer, ans, ans2;
		char *t2;

		ck_assert(!sdp_parse(text, strlen(text), &offer, err, sizeof(err)));
		ck_assert_int_eq(negotiate_answer(answerers[i], &offer, &lb, &ans,
						  &rb, err, sizeof(err)), 0);
		t2 = sdp_format(&ans);
		ck_assert(!sdp_parse(t2, strlen(t2), &ans2, err, sizeof(err)));
		free(t2);
		ck_assert_msg(negotiate_complete(&pa, &o, &ans2, &ra) == 0, "%s",
			      ra.reason);
		ck_assert_int_eq(ra.streams[0].srtp, i == 0);
		ck_assert_int_eq(rb.streams[0].srtp, i == 0);
		if (i == 0) {
			ck_assert_mem_eq(ra.streams[0].local.keys[0].key,
					 rb.streams[0].remote.keys[0].key, 16);
			ck_assert_mem_eq(rb.streams[0].local.keys[0].key,
					 ra.streams[0].remote.keys[0].key, 16);
		}
		ck_assert_uint_eq(ra.streams[0].remote_port, 7000);
		negotiate_result_wipe(&ra);
		negotiate_result_wipe(&rb);
		sdp_free(&offer);
		sdp_free(&ans);
		sdp_free(&ans2);
	}
	free(text);

	/* an answer must keep RTP/AVP */
	{
		char *t = full_offer("m=audio 7000 RTP/SAVP 0\r\n"
				     "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY\r\n");
		struct neg_result r;
		struct sdp ans;

		ck_assert(!sdp_parse(t, strlen(t), &ans, err, sizeof(err)));
		ck_assert_int_eq(negotiate_complete(&pa, &o, &ans, &r), NEG_REJECTED);
		ck_assert_msg(strstr(r.reason, "opportunistic"), "%s", r.reason);
		negotiate_result_wipe(&r);
		sdp_free(&ans);
		free(t);
	}
	negotiate_offer_free(&o);

	/* required SRTP is never opportunistic: RTP/SAVP alone */
	req.osrtp = true;
	ck_assert(!negotiate_offer(&req, &la, &o, err, sizeof(err)));
	ck_assert(!o.osrtp);
	ck_assert_uint_eq(o.sdp.nmedia, 1);
	ck_assert_str_eq(o.sdp.media[0].proto, "RTP/SAVP");
	negotiate_offer_free(&o);
}
END_TEST

static Suite *negotiate_suite(void)
{
	Suite *s = suite_create("negotiate");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, bulletin_scenarios);
	tcase_add_test(tc, session_lines);
	tcase_add_test(tc, plain_offers);
	tcase_add_test(tc, offer_options);
	tcase_add_test(tc, fresh_keys);
	tcase_add_test(tc, answer_scenario_one);
	tcase_add_loop_test(tc, answer_matrix, 0,
			    sizeof(matrix) / sizeof(matrix[0]));
	tcase_add_test(tc, answer_first_acceptable);
	tcase_add_test(tc, answer_reasons);
	tcase_add_test(tc, answer_real_devices);
	tcase_add_test(tc, answer_two_streams);
	tcase_add_test(tc, complete_round_trip);
	tcase_add_test(tc, complete_rejects);
	tcase_add_test(tc, osrtp_answer);
	tcase_add_test(tc, osrtp_offer_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(negotiate_suite)
