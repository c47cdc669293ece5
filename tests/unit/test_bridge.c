// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/bridge.c: a router between an SRTP phone and a
 * plain gateway (the bulletin's mixed scenario), SRTP on both legs with
 * different keys, the proxy's SDES options, and every rejection.  Keys
 * are checked by value: the phone's key unprotects, ours protects.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bridge.h"
#include "config.h"
#include "check_main.h"

#define KEY_A	"WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"
#define KEY_A32	"YUJDZGVmZ2hpSktMbW9QUXJzVHVWd3l6MTIzNDU2"
#define KEY_B	"MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw"

#define SESSION_A "v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
#define SESSION_B "v=0\r\no=gw 5 5 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
#define RTPMAPS "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"

/* Scenario One of the bulletin: SAVP with two suites, AVP on the same port. */
static const char offer_mixed[] = SESSION_A
	"m=audio 4000 RTP/SAVP 0 101\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
	"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" KEY_A32 "\r\n"
	RTPMAPS
	"m=audio 4000 RTP/AVP 0 101\r\n" RTPMAPS;

static const char offer_savp[] = SESSION_A
	"m=audio 4000 RTP/SAVP 0\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";

static const char offer_avp[] = SESSION_A "m=audio 4000 RTP/AVP 0 101\r\n" RTPMAPS;

static const char answer_gw[] = SESSION_B "m=audio 6000 RTP/AVP 0 101\r\n" RTPMAPS;

static const char answer_savp_b[] = SESSION_B
	"m=audio 6000 RTP/SAVP 0\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B "\r\n";

static struct srtp_policy pol;
static struct bridge br;
static struct bridge_plan plan;
static char err[512];

static void set_policy(const char *attrs)
{
	struct srtp_config c;
	char xml[1024];

	snprintf(xml, sizeof(xml), "<sip><sec %s/></sip>", attrs);
	config_init(&c);
	ck_assert_msg(!config_load_buffer(&c, "t.cfg", xml, strlen(xml), err,
					  sizeof(err)), "%s", err);
	ck_assert_msg(!policy_build(&c, NULL, &pol, err, sizeof(err)), "%s", err);
	config_free(&c);
}

static void setup(void)
{
	set_policy("sec.srtp.enable=\"1\" sec.srtp.offer=\"1\"");
	memset(&br, 0, sizeof(br));
	memset(&plan, 0, sizeof(plan));
}

static void teardown(void)
{
	bridge_free(&br);
	bridge_plan_wipe(&plan);
}

static void parse(const char *text, struct sdp *d)
{
	ck_assert_msg(!sdp_parse(text, strlen(text), d, err, sizeof(err)),
		      "%s: %s", err, text);
}

/* The @nth a=crypto line of @m (-1: must have none). */
static void crypto_of(const struct sdp_media *m, int nth,
		      struct sdes_crypto *c)
{
	size_t pos = 0;
	const char *v = NULL;
	int i;

	for (i = 0; i <= (nth < 0 ? 0 : nth); i++)
		v = sdp_media_attr(m, "crypto", &pos);
	if (nth < 0) {
		ck_assert_ptr_null(v);
		return;
	}
	ck_assert_ptr_nonnull(v);
	ck_assert_msg(!sdes_parse_crypto(v, strlen(v), c, err, sizeof(err)),
		      "%s", err);
}

static unsigned int ncrypto(const struct sdp_media *m)
{
	size_t pos = 0;
	unsigned int n = 0;

	while (sdp_media_attr(m, "crypto", &pos))
		n++;
	return n;
}

static void key_is(const struct sdes_crypto *c, const char *b64)
{
	struct sdes_crypto want;
	char line[200];

	snprintf(line, sizeof(line), "1 %s inline:%s", c->suite_name, b64);
	ck_assert(!sdes_parse_crypto(line, strlen(line), &want, err, sizeof(err)));
	ck_assert_uint_eq(c->keys[0].key_len, want.keys[0].key_len);
	ck_assert_mem_eq(c->keys[0].key, want.keys[0].key, want.keys[0].key_len);
	ck_assert_mem_eq(c->keys[0].salt, want.keys[0].salt, want.keys[0].salt_len);
}

static bool same_key(const struct sdes_crypto *a, const struct sdes_crypto *b)
{
	return a->suite == b->suite && a->keys[0].key_len == b->keys[0].key_len &&
	       !memcmp(a->keys[0].key, b->keys[0].key, a->keys[0].key_len) &&
	       !memcmp(a->keys[0].salt, b->keys[0].salt, a->keys[0].salt_len);
}

static void offer(const char *sdp, const struct bridge_opts *o,
		  struct sdp *fwd)
{
	char *out;

	ck_assert_msg(!bridge_offer(&br, &pol, &pol, o, NULL, sdp, strlen(sdp), &out, err,
				    sizeof(err)), "%s", err);
	parse(out, fwd);
	free(out);
}

static void answer(const char *sdp, struct sdp *back)
{
	char *out;

	ck_assert_msg(!bridge_answer(&br, sdp, strlen(sdp), NULL, &out, &plan, err,
				     sizeof(err)), "%s", err);
	parse(out, back);
	free(out);
}

static void flow_is(const struct bridge_flow *f, bool a_to_b,
		    const char *from, const char *to, unsigned int port,
		    unsigned int rtcp)
{
	ck_assert(f->a_to_b == a_to_b);
	ck_assert_str_eq(f->from.addr, from);
	ck_assert_str_eq(f->to.addr, to);
	ck_assert_uint_eq(f->to_port, port);
	ck_assert_uint_eq(f->to_rtcp_port, rtcp);
	ck_assert_int_eq(f->to.family, AF_INET);
}

/* The mixed scenario: SRTP phone, plain gateway (transport RTP/AVP). */
START_TEST(phone_to_plain_gateway)
{
	struct bridge_opts o = { .transport = BRIDGE_RTP };
	struct sdp fwd, back;
	struct sdes_crypto ours;

	offer(offer_mixed, &o, &fwd);
	/* one plain m-line toward the gateway, the phone's codecs and address */
	ck_assert_uint_eq(fwd.nmedia, 1);
	ck_assert_str_eq(fwd.media[0].proto, "RTP/AVP");
	ck_assert_uint_eq(fwd.media[0].port, 4000);
	ck_assert_str_eq(fwd.media[0].fmts, "0 101");
	ck_assert(sdp_media_attr(&fwd.media[0], "rtpmap", &(size_t){ 0 }));
	crypto_of(&fwd.media[0], -1, NULL);

	answer(answer_gw, &back);
	/* the phone gets SAVP on the gateway's port with our key; AVP refused */
	ck_assert_uint_eq(back.nmedia, 2);
	ck_assert_str_eq(back.media[0].proto, "RTP/SAVP");
	ck_assert_uint_eq(back.media[0].port, 6000);
	ck_assert_str_eq(back.media[1].proto, "RTP/AVP");
	ck_assert_uint_eq(back.media[1].port, 0);
	crypto_of(&back.media[0], 0, &ours);
	ck_assert_uint_eq(ncrypto(&back.media[0]), 1);
	ck_assert_uint_eq(ours.tag, 1);
	ck_assert_str_eq(ours.suite_name, "AES_CM_128_HMAC_SHA1_80");

	/* the router unprotects the phone's media, protects the gateway's */
	ck_assert_uint_eq(plan.nflows, 2);
	flow_is(&plan.flows[0], true, "10.0.1.2", "10.0.3.2", 6000, 6001);
	ck_assert(plan.flows[0].unprotect && !plan.flows[0].protect);
	key_is(&plan.flows[0].in, KEY_A);
	flow_is(&plan.flows[1], false, "10.0.3.2", "10.0.1.2", 4000, 4001);
	ck_assert(plan.flows[1].protect && !plan.flows[1].unprotect);
	ck_assert(same_key(&plan.flows[1].out, &ours));
	ck_assert(!same_key(&plan.flows[1].out, &plan.flows[0].in));
	ck_assert(plan.secure_a);
	ck_assert(!plan.secure_b);
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

START_TEST(crypto_line_position)
{
	struct bridge_opts o = { .transport = BRIDGE_RTP };
	struct sdp fwd, back;
	char *text;

	offer(offer_mixed, &o, &fwd);
	answer(answer_gw, &back);
	text = sdp_format(&back);
	/* the crypto line where the gateway's a= lines end, codecs kept */
	ck_assert_ptr_nonnull(strstr(text, "a=rtpmap:101 telephone-event/8000\r\na=crypto:1 "));
	ck_assert_ptr_nonnull(strstr(text, "o=gw 5 5 IN IP4 10.0.3.2\r\n"));
	free(text);
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

/* SRTP on both legs: each leg has its own keys; the router re-keys. */
START_TEST(srtp_both_legs)
{
	struct bridge_opts o = { .transport = BRIDGE_KEEP };
	struct sdp fwd, back;
	struct sdes_crypto to_b, to_a;

	offer(offer_savp, &o, &fwd);
	ck_assert_uint_eq(fwd.nmedia, 1);
	ck_assert_str_eq(fwd.media[0].proto, "RTP/SAVP");
	crypto_of(&fwd.media[0], 0, &to_b);
	ck_assert_uint_eq(to_b.tag, 1);
	ck_assert_uint_eq(ncrypto(&fwd.media[0]), 1);	/* the 32 suite is not offered */

	answer(answer_savp_b, &back);
	ck_assert_uint_eq(back.nmedia, 1);
	ck_assert_str_eq(back.media[0].proto, "RTP/SAVP");
	crypto_of(&back.media[0], 0, &to_a);
	ck_assert(!same_key(&to_a, &to_b));

	ck_assert_uint_eq(plan.nflows, 2);
	ck_assert(plan.flows[0].unprotect && plan.flows[0].protect);
	key_is(&plan.flows[0].in, KEY_A);
	ck_assert(same_key(&plan.flows[0].out, &to_b));
	ck_assert(plan.flows[1].unprotect && plan.flows[1].protect);
	key_is(&plan.flows[1].in, KEY_B);
	ck_assert(same_key(&plan.flows[1].out, &to_a));
	ck_assert(plan.secure_a && plan.secure_b);
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

/* A plain caller, an SRTP callee: protect toward B, unprotect from B. */
START_TEST(plain_caller_srtp_callee)
{
	struct bridge_opts o = { .transport = BRIDGE_SRTP };
	struct sdp fwd, back;
	struct sdes_crypto to_b;

	offer(offer_avp, &o, &fwd);
	ck_assert_uint_eq(fwd.nmedia, 1);	/* required: SAVP alone */
	ck_assert_str_eq(fwd.media[0].proto, "RTP/SAVP");
	crypto_of(&fwd.media[0], 0, &to_b);
	answer(answer_savp_b, &back);
	ck_assert_str_eq(back.media[0].proto, "RTP/AVP");
	crypto_of(&back.media[0], -1, NULL);
	ck_assert_uint_eq(plan.nflows, 2);
	ck_assert(!plan.flows[0].unprotect && plan.flows[0].protect);
	ck_assert(same_key(&plan.flows[0].out, &to_b));
	ck_assert(plan.flows[1].unprotect && !plan.flows[1].protect);
	key_is(&plan.flows[1].in, KEY_B);
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

/* Both legs plain: nothing for the router to do. */
START_TEST(plain_both_legs)
{
	struct bridge_opts o = { .transport = BRIDGE_KEEP };
	struct sdp fwd, back;

	offer(offer_avp, &o, &fwd);
	ck_assert_str_eq(fwd.media[0].proto, "RTP/AVP");
	answer(answer_gw, &back);
	ck_assert_uint_eq(plan.nflows, 0);
	ck_assert_uint_eq(back.media[0].port, 6000);
	sdp_free(&fwd);
	sdp_free(&back);
	bridge_plan_wipe(&plan);
	bridge_free(&br);

	/* anchored, the router relays plain media too: flows, no transform */
	o.relay_all = true;
	offer(offer_avp, &o, &fwd);
	answer(answer_gw, &back);
	ck_assert_uint_eq(plan.nflows, 2);
	flow_is(&plan.flows[0], true, "10.0.1.2", "10.0.3.2", 6000, 6001);
	flow_is(&plan.flows[1], false, "10.0.3.2", "10.0.1.2", 4000, 4001);
	ck_assert(!plan.flows[0].unprotect && !plan.flows[0].protect);
	ck_assert(!plan.flows[1].unprotect && !plan.flows[1].protect);
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

/* The SDES options shape the offer toward B. */
START_TEST(sdes_options)
{
	struct bridge_opts o = {
		.transport = BRIDGE_SRTP,
		.only_suites = 1u << SDES_AES_CM_128_HMAC_SHA1_32,
		.unencrypted_srtcp = true,
		.lifetime = true,
	};
	struct sdp fwd;
	struct sdes_crypto c;
	char *out;

	offer(offer_mixed, &o, &fwd);
	crypto_of(&fwd.media[0], 0, &c);
	ck_assert_str_eq(c.suite_name, "AES_CM_128_HMAC_SHA1_32");
	ck_assert(c.unencrypted_srtcp && !c.unencrypted_srtp);
	ck_assert(c.keys[0].lifetime == 1ULL << 31);
	ck_assert_uint_eq(ncrypto(&fwd.media[0]), 1);
	sdp_free(&fwd);
	bridge_free(&br);

	/* nothing left to offer */
	o.only_suites = 0;
	o.no_suites = (1u << SDES_AES_CM_128_HMAC_SHA1_32) |
		      (1u << SDES_AES_CM_128_HMAC_SHA1_80);
	ck_assert_int_eq(bridge_offer(&br, &pol, &pol, &o, NULL, offer_mixed,
				      strlen(offer_mixed), &out, err,
				      sizeof(err)), BRIDGE_REJECTED);
	ck_assert_ptr_nonnull(strstr(err, "no suite"));
	bridge_free(&br);

	/* SDES off where SRTP is required toward B */
	memset(&o, 0, sizeof(o));
	o.transport = BRIDGE_SRTP;
	o.sdes_off = true;
	ck_assert_int_eq(bridge_offer(&br, &pol, &pol, &o, NULL, offer_mixed,
				      strlen(offer_mixed), &out, err,
				      sizeof(err)), BRIDGE_REJECTED);
	ck_assert_ptr_nonnull(strstr(err, "SDES-off"));
	bridge_free(&br);

	/* SDES off, transport kept: the SAVP alternative is not offered */
	o.transport = BRIDGE_KEEP;
	offer(offer_mixed, &o, &fwd);
	ck_assert_uint_eq(fwd.nmedia, 1);
	ck_assert_str_eq(fwd.media[0].proto, "RTP/AVP");
	sdp_free(&fwd);
}
END_TEST

/*
 * SDES-nonew: of the suites the policy offers (both here), the callee is
 * offered only those the caller offered; SDES-order: puts _32's line
 * first, its tag still 2.
 */
START_TEST(sdes_nonew_and_order)
{
	struct bridge_opts o = { .transport = BRIDGE_SRTP };
	struct sdp fwd;
	struct sdes_crypto c;
	char *out;

	set_policy("sec.srtp.enable=\"1\" sec.srtp.offer=\"1\" "
		   "sec.srtp.offer.HMAC_SHA1_32=\"1\"");
	offer(offer_savp, &o, &fwd);		/* both, _80 first */
	ck_assert_uint_eq(ncrypto(&fwd.media[0]), 2);
	crypto_of(&fwd.media[0], 0, &c);
	ck_assert_str_eq(c.suite_name, "AES_CM_128_HMAC_SHA1_80");
	sdp_free(&fwd);
	bridge_free(&br);

	o.nonew = true;				/* A offered _80 alone */
	offer(offer_savp, &o, &fwd);
	ck_assert_uint_eq(ncrypto(&fwd.media[0]), 1);
	crypto_of(&fwd.media[0], 0, &c);
	ck_assert_str_eq(c.suite_name, "AES_CM_128_HMAC_SHA1_80");
	sdp_free(&fwd);
	bridge_free(&br);

	o.first_32 = true;			/* A offered both */
	offer(offer_mixed, &o, &fwd);
	ck_assert_uint_eq(ncrypto(&fwd.media[0]), 2);
	crypto_of(&fwd.media[0], 0, &c);
	ck_assert_str_eq(c.suite_name, "AES_CM_128_HMAC_SHA1_32");
	ck_assert_uint_eq(c.tag, 2);
	crypto_of(&fwd.media[0], 1, &c);
	ck_assert_str_eq(c.suite_name, "AES_CM_128_HMAC_SHA1_80");
	ck_assert_uint_eq(c.tag, 1);
	sdp_free(&fwd);
	bridge_free(&br);

	/* nonew where the caller's only suite is one srtpd does not offer */
	o.first_32 = false;
	o.no_suites = 1u << SDES_AES_CM_128_HMAC_SHA1_80;
	ck_assert_int_eq(bridge_offer(&br, &pol, &pol, &o, NULL, offer_savp,
				      strlen(offer_savp), &out, err,
				      sizeof(err)), BRIDGE_REJECTED);
	ck_assert_ptr_nonnull(strstr(err, "of those the caller offered"));
}
END_TEST

/* The suite A's answer takes, in the nth SRTP flow toward B's key. */
static enum sdes_suite a_suite_of(const struct sdp *back)
{
	struct sdes_crypto c;

	crypto_of(&back->media[0], 0, &c);
	return c.suite;
}

/*
 * SDES-offerer_pref: A's answer (and its guard, from the offer on) takes
 * the preferred suite A offered, not A's first; SDES-static: a later
 * answer keeps A's suite though the re-offer puts another first.
 */
START_TEST(sdes_offerer_pref_and_static)
{
	static const char offer_32_last[] = SESSION_A
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" KEY_A32 "\r\n";
	static const char offer_32_first[] = SESSION_A
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" KEY_A32 "\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";
	struct bridge_opts o = { .transport = BRIDGE_RTP };
	const struct sdes_crypto *keep[NEG_MEDIA_MAX] = { NULL };
	struct sdes_crypto kept;
	struct sdp fwd, back;
	char *out;

	offer(offer_32_last, &o, &fwd);			/* no preference */
	ck_assert_int_eq(br.groups[0].a_suite, SDES_AES_CM_128_HMAC_SHA1_80);
	answer(answer_gw, &back);
	ck_assert_int_eq(a_suite_of(&back), SDES_AES_CM_128_HMAC_SHA1_80);
	crypto_of(&back.media[0], 0, &kept);		/* our _80 line */
	sdp_free(&fwd);
	sdp_free(&back);
	bridge_free(&br);
	bridge_plan_wipe(&plan);

	o.a_prefer[0] = SDES_AES_256_CM_HMAC_SHA1_80;	/* not offered */
	o.a_prefer[1] = SDES_AES_CM_128_HMAC_SHA1_32;
	o.a_nprefer = 2;
	offer(offer_32_last, &o, &fwd);
	ck_assert_int_eq(br.groups[0].a_suite, SDES_AES_CM_128_HMAC_SHA1_32);
	answer(answer_gw, &back);
	ck_assert_int_eq(a_suite_of(&back), SDES_AES_CM_128_HMAC_SHA1_32);
	ck_assert_uint_eq(plan.nflows, 2);
	ck_assert(plan.flows[0].unprotect);
	key_is(&plan.flows[0].in, KEY_A32);		/* A's _32 key */
	sdp_free(&fwd);
	sdp_free(&back);
	bridge_free(&br);
	bridge_plan_wipe(&plan);

	/* the re-offer puts _32 first; the answer keeps _80 only if static */
	o.a_nprefer = 0;
	keep[0] = &kept;
	offer(offer_32_first, &o, &fwd);
	ck_assert_int_eq(bridge_answer(&br, answer_gw, strlen(answer_gw), keep,
				       &out, &plan, err, sizeof(err)), 0);
	parse(out, &back);
	free(out);
	ck_assert_int_eq(a_suite_of(&back), SDES_AES_CM_128_HMAC_SHA1_32);
	sdp_free(&back);
	bridge_plan_wipe(&plan);
	br.opts.keep_suite = true;
	ck_assert_int_eq(bridge_answer(&br, answer_gw, strlen(answer_gw), keep,
				       &out, &plan, err, sizeof(err)), 0);
	parse(out, &back);
	free(out);
	ck_assert_int_eq(a_suite_of(&back), SDES_AES_CM_128_HMAC_SHA1_80);
	sdp_free(&fwd);
	sdp_free(&back);
	sdes_crypto_wipe(&kept);
}
END_TEST

/*
 * rtcp-mux options: demux takes a=rtcp-mux out of the offer toward B (A's
 * guard then expects RTCP on its own port) and refuses a=rtcp-mux-only;
 * offer needs multiplexing in the SDP; an answer that multiplexes after
 * demux is refused.
 */
START_TEST(rtcp_mux_options)
{
	static const char mux[] = SESSION_A
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"a=rtcp-mux\r\n";
	static const char mux_only[] = SESSION_A
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"a=rtcp-mux\r\na=rtcp-mux-only\r\n";
	static const char answer_mux[] = SESSION_B
		"m=audio 6000 RTP/AVP 0\r\na=rtcp-mux\r\n";
	struct bridge_opts o = { .transport = BRIDGE_RTP };
	struct sdp fwd, back;
	char *out;

	offer(mux, &o, &fwd);				/* accept: as it is */
	ck_assert(sdp_media_has_attr(&fwd.media[0], "rtcp-mux"));
	ck_assert(br.groups[0].a_mux);
	sdp_free(&fwd);
	bridge_free(&br);

	o.rtcp_demux = true;
	offer(mux, &o, &fwd);
	ck_assert(!sdp_media_has_attr(&fwd.media[0], "rtcp-mux"));
	ck_assert(!br.groups[0].a_mux);
	ck_assert_uint_eq(br.groups[0].a_rtcp_port, 4001);
	answer(answer_gw, &back);
	ck_assert(!sdp_media_has_attr(&back.media[0], "rtcp-mux"));
	ck_assert(!plan.flows[0].rtcp_mux && !plan.flows[1].rtcp_mux);
	sdp_free(&back);
	bridge_plan_wipe(&plan);
	br.opts.mux_refused = true;		/* the answer's demux */
	ck_assert_int_eq(bridge_answer(&br, answer_mux, strlen(answer_mux),
				       NULL, &out, &plan, err, sizeof(err)),
			 BRIDGE_REJECTED);
	ck_assert_ptr_nonnull(strstr(err, "rtcp-mux demux"));
	ck_assert_ptr_null(out);
	sdp_free(&fwd);
	bridge_free(&br);

	ck_assert_int_eq(bridge_offer(&br, &pol, &pol, &o, NULL, mux_only,
				      strlen(mux_only), &out, err, sizeof(err)),
			 BRIDGE_REJECTED);
	ck_assert_ptr_nonnull(strstr(err, "rtcp-mux-only"));
	bridge_free(&br);

	o.rtcp_demux = false;
	o.mux_needed = true;				/* offer, require */
	ck_assert_int_eq(bridge_offer(&br, &pol, &pol, &o, NULL, offer_savp,
				      strlen(offer_savp), &out, err,
				      sizeof(err)), BRIDGE_REJECTED);
	ck_assert_ptr_nonnull(strstr(err, "rtcp-mux offer: m-line 0 of the offer"));
	bridge_free(&br);
	offer(mux, &o, &fwd);
	ck_assert(sdp_media_has_attr(&fwd.media[0], "rtcp-mux"));
	ck_assert_int_eq(bridge_answer(&br, answer_gw, strlen(answer_gw), NULL,
				       &out, &plan, err, sizeof(err)),
			 BRIDGE_REJECTED);
	ck_assert_ptr_nonnull(strstr(err, "of the answer does not multiplex"));
	answer(answer_mux, &back);
	ck_assert(sdp_media_has_attr(&back.media[0], "rtcp-mux"));
	ck_assert(plan.flows[0].rtcp_mux);
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

/* The caller's SRTP offer is unacceptable to the policy: no call. */
START_TEST(caller_unacceptable)
{
	static const char bad[] = SESSION_A
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 F8_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";
	struct bridge_opts o = { .transport = BRIDGE_RTP };
	char *out;

	/* refused at the offer: the proxy answers 488, nothing forwarded */
	ck_assert_int_eq(bridge_offer(&br, &pol, &pol, &o, NULL, bad, strlen(bad), &out,
				      err, sizeof(err)), BRIDGE_REJECTED);
	ck_assert_ptr_nonnull(strstr(err, "the caller's offer"));
	ck_assert_ptr_nonnull(strstr(err, "F8_128_HMAC_SHA1_80"));
	ck_assert_ptr_null(out);
}
END_TEST

/* The callee's answer does not fit our offer. */
START_TEST(callee_answer_wrong)
{
	static const char wrong_tag[] = SESSION_B
		"m=audio 6000 RTP/SAVP 0\r\n"
		"a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B "\r\n";
	static const char two[] = SESSION_B
		"m=audio 6000 RTP/SAVP 0\r\nm=audio 6000 RTP/AVP 0\r\n";
	struct bridge_opts o = { .transport = BRIDGE_KEEP };
	struct sdp fwd;
	char *out;

	offer(offer_savp, &o, &fwd);
	ck_assert_int_eq(bridge_answer(&br, wrong_tag, strlen(wrong_tag), NULL, &out,
				       &plan, err, sizeof(err)),
			 BRIDGE_REJECTED);
	ck_assert_ptr_nonnull(strstr(err, "tag 7 was not offered"));
	ck_assert_int_eq(bridge_answer(&br, two, strlen(two), NULL, &out, &plan, err,
				       sizeof(err)), BRIDGE_REJECTED);
	ck_assert_ptr_nonnull(strstr(err, "RFC 3264"));
	{
		static const char rtcp_away[] = SESSION_B
			"m=audio 6000 RTP/SAVP 0\r\n"
			"a=rtcp:6001 IN IP4 10.0.9.9\r\n"
			"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B "\r\n";

		/* the kernel sends RTCP to the RTP address: refused, not bent */
		ck_assert_int_eq(bridge_answer(&br, rtcp_away, strlen(rtcp_away),
					       NULL, &out, &plan, err,
					       sizeof(err)),
				 BRIDGE_REJECTED);
		ck_assert_ptr_nonnull(strstr(err, "RTCP to another address (10.0.9.9)"));
		ck_assert_uint_eq(plan.nflows, 0);
	}
	ck_assert_int_eq(bridge_answer(&br, "v=1\r\n", 5, NULL, &out, &plan, err,
				       sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "answer SDP"));
	sdp_free(&fwd);
}
END_TEST

/* The callee refuses the stream: the caller's m-lines get port 0. */
START_TEST(callee_refuses)
{
	static const char refused[] = SESSION_B "m=audio 0 RTP/AVP 0\r\n";
	struct bridge_opts o = { .transport = BRIDGE_RTP };
	struct sdp fwd, back;

	offer(offer_mixed, &o, &fwd);
	answer(refused, &back);
	ck_assert_uint_eq(back.nmedia, 2);
	ck_assert_uint_eq(back.media[0].port, 0);
	ck_assert_uint_eq(back.media[1].port, 0);
	ck_assert_uint_eq(plan.nflows, 0);
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

/* Non-RTP media pass through untouched, both ways. */
START_TEST(other_media_pass)
{
	static const char o2[] = SESSION_A
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"m=application 5000 udp wb\r\na=orient:portrait\r\n";
	static const char a2[] = SESSION_B "m=audio 6000 RTP/AVP 0\r\n"
		"m=application 7000 udp wb\r\n";
	struct bridge_opts o = { .transport = BRIDGE_RTP };
	struct sdp fwd, back;

	offer(o2, &o, &fwd);
	ck_assert_uint_eq(fwd.nmedia, 2);
	ck_assert_str_eq(fwd.media[1].proto, "udp");
	ck_assert(sdp_media_attr(&fwd.media[1], "orient", &(size_t){ 0 }));
	answer(a2, &back);
	ck_assert_uint_eq(back.nmedia, 2);
	ck_assert_uint_eq(back.media[1].port, 7000);
	ck_assert_str_eq(back.media[0].proto, "RTP/SAVP");
	ck_assert_uint_eq(plan.nflows, 2);
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

START_TEST(malformed_offer)
{
	struct bridge_opts o = { 0 };
	char *out;

	ck_assert_int_eq(bridge_offer(&br, &pol, &pol, &o, NULL, "v=0\r\nx", 6, &out, err,
				      sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "offer SDP: line"));
	ck_assert_ptr_null(out);
}
END_TEST

/* A phone without SRTP (IP_300 policy) may still take the plain line. */
START_TEST(caller_policy_plain)
{
	struct bridge_opts o = { .transport = BRIDGE_RTP };
	struct sdp fwd, back;

	set_policy("sec.srtp.enable=\"0\"");
	offer(offer_mixed, &o, &fwd);
	answer(answer_gw, &back);
	ck_assert_uint_eq(back.media[0].port, 0);
	ck_assert_uint_eq(back.media[1].port, 6000);
	ck_assert_uint_eq(plan.nflows, 0);
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

/*
 * sec.srtp.key.lifetime is not offered on either leg: only the proxy
 * sends re-INVITEs, so srtpd could not re-key before the key ran out and
 * the call's media would stop.  The proxy's SDES-lifetime asks for 2^31.
 */
START_TEST(no_lifetime_on_bridged_legs)
{
	struct bridge_opts o = { .transport = BRIDGE_KEEP };
	struct sdp fwd, back;
	struct sdes_crypto ours, theirs;

	set_policy("sec.srtp.enable=\"1\" sec.srtp.offer=\"1\" sec.srtp.key.lifetime=\"1024\"");
	ck_assert(pol.lifetime == 1024);
	offer(offer_savp, &o, &fwd);
	crypto_of(&fwd.media[0], 0, &theirs);
	ck_assert(theirs.keys[0].lifetime == 0);
	answer(answer_savp_b, &back);
	crypto_of(&back.media[0], 0, &ours);
	ck_assert(ours.keys[0].lifetime == 0);
	ck_assert(plan.flows[1].out.keys[0].lifetime == 0);
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

/*
 * B's leg follows B's policy, not A's: SRTP only toward a callee whose
 * policy requires it, plain RTP toward one whose model has no SRTP,
 * whatever A offered; as A offered it otherwise.
 */
START_TEST(callee_policy_shapes_its_leg)
{
	struct bridge_opts o = { .transport = BRIDGE_KEEP };
	struct srtp_policy pb = pol;
	struct sdp fwd;
	char *out;

	pb.require = true;
	ck_assert_msg(!bridge_offer(&br, &pol, &pb, &o, NULL, offer_mixed,
				    strlen(offer_mixed), &out, err, sizeof(err)),
		      "%s", err);
	parse(out, &fwd);
	free(out);
	ck_assert_uint_eq(fwd.nmedia, 1);
	ck_assert_str_eq(fwd.media[0].proto, "RTP/SAVP");
	ck_assert_uint_eq(ncrypto(&fwd.media[0]), 1);
	sdp_free(&fwd);
	bridge_free(&br);

	pb = pol;
	pb.srtp = pb.offer = false;
	ck_assert_msg(!bridge_offer(&br, &pol, &pb, &o, NULL, offer_mixed,
				    strlen(offer_mixed), &out, err, sizeof(err)),
		      "%s", err);
	parse(out, &fwd);
	free(out);
	ck_assert_uint_eq(fwd.nmedia, 1);
	ck_assert_str_eq(fwd.media[0].proto, "RTP/AVP");
	crypto_of(&fwd.media[0], -1, NULL);
	sdp_free(&fwd);
	bridge_free(&br);

	ck_assert_msg(!bridge_offer(&br, &pol, &pol, &o, NULL, offer_mixed,
				    strlen(offer_mixed), &out, err, sizeof(err)),
		      "%s", err);
	parse(out, &fwd);
	free(out);
	ck_assert_uint_eq(fwd.nmedia, 2);	/* as A offered: SAVP + AVP */
	sdp_free(&fwd);
}
END_TEST

/* Whether any line of @d (session or media) is an ICE line. */
static bool has_ice(const struct sdp *d)
{
	size_t i, k;

	for (k = 0; k < d->lines.n; k++)
		if (!strncmp(d->lines.v[k].value, "ice-", 4))
			return true;
	for (i = 0; i < d->nmedia; i++)
		for (k = 0; k < d->media[i].lines.n; k++)
			if (!strncmp(d->media[i].lines.v[k].value, "candidate", 9) ||
			    !strncmp(d->media[i].lines.v[k].value, "ice-", 4) ||
			    !strncmp(d->media[i].lines.v[k].value, "end-of-candidates", 17))
				return true;
	return false;
}

/*
 * ICE lines are not forwarded either way: a TURN relay candidate would
 * let the callee send around the router, in clear, to the SRTP phone.
 */
START_TEST(ice_lines_not_forwarded)
{
	static const char ice_offer[] =
		"v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"a=ice-ufrag:F7gI\r\na=ice-pwd:x9cml/YzichV2+XlhiMu8g\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"a=candidate:1 1 UDP 2130706431 10.0.1.2 4000 typ host\r\n"
		"a=candidate:2 1 UDP 16777215 198.51.100.7 61000 typ relay raddr 10.0.1.2 rport 4000\r\n"
		"a=end-of-candidates\r\n" RTPMAPS;
	static const char ice_answer[] = SESSION_B "a=ice-lite\r\n"
		"m=audio 6000 RTP/AVP 0\r\n"
		"a=ice-ufrag:8hhY\r\na=ice-pwd:asd88fgpdd777uzjYhagZg\r\n"
		"a=candidate:1 1 UDP 2130706431 10.0.3.2 6000 typ host\r\n" RTPMAPS;
	struct bridge_opts o = { .transport = BRIDGE_RTP };
	struct sdp fwd, back;

	offer(ice_offer, &o, &fwd);
	ck_assert(!has_ice(&fwd));
	ck_assert(sdp_media_attr(&fwd.media[0], "rtpmap", &(size_t){ 0 }));
	answer(ice_answer, &back);
	ck_assert(!has_ice(&back));
	ck_assert(sdp_media_attr(&back.media[0], "rtpmap", &(size_t){ 0 }));
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

/* Whether @d (session or media) has a BUNDLE line, and how many a=mid. */
static bool has_bundle(const struct sdp *d, unsigned int *mids)
{
	bool found = false;
	size_t i, k;

	*mids = 0;
	for (k = 0; k < d->lines.n; k++)
		if (!strncmp(d->lines.v[k].value, "group:BUNDLE", 12))
			found = true;
	for (i = 0; i < d->nmedia; i++)
		for (k = 0; k < d->media[i].lines.n; k++) {
			if (!strcmp(d->media[i].lines.v[k].value, "bundle-only"))
				found = true;
			if (!strncmp(d->media[i].lines.v[k].value, "mid:", 4))
				(*mids)++;
		}
	return found;
}

static bool has_group_ls(const struct sdp *d)
{
	size_t k;

	for (k = 0; k < d->lines.n; k++)
		if (!strcmp(d->lines.v[k].value, "group:LS a v"))
			return true;
	return false;
}

/*
 * RFC 8843: the BUNDLE group is not forwarded either way, so neither end
 * bundles and each m-line keeps its own port and key; other groups and
 * a=mid pass.  An SDP whose m-lines already share a port is refused with
 * a reason, before anything is forwarded.
 */
START_TEST(bundle_not_forwarded)
{
	static const char bundle_offer[] = SESSION_A
		"a=group:BUNDLE a v\r\na=group:LS a v\r\n"
		"m=audio 4000 RTP/SAVP 0\r\na=mid:a\r\na=rtcp-mux\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n" RTPMAPS
		"m=video 4002 RTP/SAVP 96\r\na=mid:v\r\na=rtcp-mux\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"a=rtpmap:96 VP8/90000\r\n"
		"m=video 0 RTP/SAVP 97\r\na=mid:w\r\na=bundle-only\r\n"
		"a=rtpmap:97 H264/90000\r\n";
	static const char bundle_answer[] = SESSION_B
		"a=group:BUNDLE a v\r\n"
		"m=audio 6000 RTP/AVP 0\r\na=mid:a\r\n"
		"m=video 6002 RTP/AVP 96\r\na=mid:v\r\n"
		"m=video 0 RTP/AVP 97\r\na=mid:w\r\n";
	static const char shared_offer[] = SESSION_A
		"a=group:BUNDLE a v\r\n"
		"m=audio 4000 RTP/SAVP 0\r\na=mid:a\r\na=rtcp-mux\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"m=video 4000 RTP/SAVP 96\r\na=mid:v\r\na=rtcp-mux\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";
	static const char shared_answer[] = SESSION_B
		"m=audio 6000 RTP/AVP 0\r\n"
		"m=video 6000 RTP/AVP 96\r\n"
		"m=video 0 RTP/AVP 97\r\n";
	struct bridge_opts o = { .transport = BRIDGE_RTP };
	struct sdp fwd, back;
	unsigned int mids;
	char *out = NULL;

	offer(bundle_offer, &o, &fwd);
	ck_assert(!has_bundle(&fwd, &mids));
	ck_assert_uint_eq(mids, 3);
	ck_assert(has_group_ls(&fwd));	/* other groups stay */
	ck_assert_uint_eq(fwd.nmedia, 3);
	ck_assert_uint_eq(fwd.media[0].port, 4000);
	ck_assert_uint_eq(fwd.media[1].port, 4002);
	answer(bundle_answer, &back);
	ck_assert(!has_bundle(&back, &mids));
	ck_assert_uint_eq(mids, 3);
	sdp_free(&fwd);
	sdp_free(&back);
	bridge_free(&br);

	ck_assert_int_eq(bridge_offer(&br, &pol, &pol, &o, NULL, shared_offer,
				      strlen(shared_offer), &out, err,
				      sizeof(err)), -1);
	ck_assert_ptr_null(out);
	ck_assert_msg(strstr(err, "offer SDP: m-lines 1 and 2 share 10.0.1.2 port 4000 (BUNDLE"),
		      "%s", err);
	bridge_free(&br);

	offer(bundle_offer, &o, &fwd);
	sdp_free(&fwd);
	ck_assert_int_eq(bridge_answer(&br, shared_answer, strlen(shared_answer),
				       NULL, &out, &plan, err, sizeof(err)),
			 BRIDGE_REJECTED);
	ck_assert_ptr_null(out);
	ck_assert_msg(strstr(err, "answer SDP: m-lines 1 and 2 share 10.0.3.2 port 6000"),
		      "%s", err);
}
END_TEST

/* RFC 8643: an opportunistic caller, mirrored toward the callee. */
static const char offer_osrtp[] = SESSION_A
	"m=audio 4000 RTP/AVP 0 101\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
	RTPMAPS;

static const char answer_osrtp_b[] = SESSION_B
	"m=audio 6000 RTP/AVP 0\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B "\r\n";

START_TEST(osrtp_caller_mirrored)
{
	struct bridge_opts o = { .transport = BRIDGE_KEEP };
	struct sdp fwd, back;
	struct sdes_crypto to_b, to_a;

	offer(offer_osrtp, &o, &fwd);
	/* one RTP/AVP m-line toward B with our key, no SAVP */
	ck_assert_uint_eq(fwd.nmedia, 1);
	ck_assert_str_eq(fwd.media[0].proto, "RTP/AVP");
	crypto_of(&fwd.media[0], 0, &to_b);
	ck_assert(!same_key(&to_b, &(struct sdes_crypto){ 0 }));

	answer(answer_osrtp_b, &back);
	/* A's answer keeps RTP/AVP and carries our crypto line */
	ck_assert_uint_eq(back.nmedia, 1);
	ck_assert_str_eq(back.media[0].proto, "RTP/AVP");
	crypto_of(&back.media[0], 0, &to_a);
	ck_assert(!same_key(&to_a, &to_b));
	ck_assert_uint_eq(plan.nflows, 2);
	ck_assert(plan.flows[0].unprotect && plan.flows[0].protect);
	key_is(&plan.flows[0].in, KEY_A);
	ck_assert(same_key(&plan.flows[0].out, &to_b));
	ck_assert(plan.flows[1].unprotect && plan.flows[1].protect);
	key_is(&plan.flows[1].in, KEY_B);
	ck_assert(same_key(&plan.flows[1].out, &to_a));
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

/* The callee ignores the crypto line: its leg is plain, A's stays SRTP. */
START_TEST(osrtp_callee_plain)
{
	struct bridge_opts o = { .transport = BRIDGE_KEEP };
	struct sdp fwd, back;

	offer(offer_osrtp, &o, &fwd);
	answer(answer_gw, &back);
	ck_assert_str_eq(back.media[0].proto, "RTP/AVP");
	crypto_of(&back.media[0], 0, &(struct sdes_crypto){ 0 });
	ck_assert_uint_eq(plan.nflows, 2);
	ck_assert(plan.flows[0].unprotect && !plan.flows[0].protect);
	ck_assert(!plan.flows[1].unprotect && plan.flows[1].protect);
	ck_assert(plan.secure_a && !plan.secure_b);
	sdp_free(&fwd);
	sdp_free(&back);
}
END_TEST

/* OSRTP=offer: the bulletin's SAVP + AVP pair goes to B as one m-line. */
START_TEST(osrtp_offer_option)
{
	struct bridge_opts o = { .transport = BRIDGE_KEEP, .osrtp_offer = true };
	struct bridge_opts srtp = { .transport = BRIDGE_SRTP, .osrtp_offer = true };
	struct sdp fwd, back;
	struct sdes_crypto to_b;

	offer(offer_mixed, &o, &fwd);
	ck_assert_uint_eq(fwd.nmedia, 1);
	ck_assert_str_eq(fwd.media[0].proto, "RTP/AVP");
	ck_assert_uint_eq(fwd.media[0].port, 4000);
	crypto_of(&fwd.media[0], 0, &to_b);
	answer(answer_osrtp_b, &back);
	/* A offered the pair: its answer takes the SAVP line */
	ck_assert_uint_eq(back.nmedia, 2);
	ck_assert_str_eq(back.media[0].proto, "RTP/SAVP");
	ck_assert_uint_eq(back.media[1].port, 0);
	ck_assert(plan.flows[0].protect && same_key(&plan.flows[0].out, &to_b));
	key_is(&plan.flows[1].in, KEY_B);
	sdp_free(&fwd);
	sdp_free(&back);
	bridge_free(&br);
	bridge_plan_wipe(&plan);

	/* required SRTP toward B is never opportunistic */
	offer(offer_mixed, &srtp, &fwd);
	ck_assert_uint_eq(fwd.nmedia, 1);
	ck_assert_str_eq(fwd.media[0].proto, "RTP/SAVP");
	sdp_free(&fwd);
}
END_TEST

static Suite *bridge_suite(void)
{
	Suite *s = suite_create("bridge");
	TCase *t = tcase_create("core");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, phone_to_plain_gateway);
	tcase_add_test(t, no_lifetime_on_bridged_legs);
	tcase_add_test(t, callee_policy_shapes_its_leg);
	tcase_add_test(t, ice_lines_not_forwarded);
	tcase_add_test(t, bundle_not_forwarded);
	tcase_add_test(t, osrtp_caller_mirrored);
	tcase_add_test(t, osrtp_callee_plain);
	tcase_add_test(t, osrtp_offer_option);
	tcase_add_test(t, crypto_line_position);
	tcase_add_test(t, srtp_both_legs);
	tcase_add_test(t, plain_caller_srtp_callee);
	tcase_add_test(t, plain_both_legs);
	tcase_add_test(t, sdes_options);
	tcase_add_test(t, sdes_nonew_and_order);
	tcase_add_test(t, sdes_offerer_pref_and_static);
	tcase_add_test(t, rtcp_mux_options);
	tcase_add_test(t, caller_unacceptable);
	tcase_add_test(t, callee_answer_wrong);
	tcase_add_test(t, callee_refuses);
	tcase_add_test(t, other_media_pass);
	tcase_add_test(t, malformed_offer);
	tcase_add_test(t, caller_policy_plain);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(bridge_suite)
