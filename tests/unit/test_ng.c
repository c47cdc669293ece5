// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/ng.c against a recording stand-in for the kernel:
 * the ng commands as Kamailio's rtpengine module sends them, the streams
 * a bridged call installs, the reply cache, every malformed request, the
 * model from the User-Agent, and the state file a restarted srtpd reads.
 */

#include <arpa/inet.h>
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ng.h"
#include "check_main.h"

#define KEY_A	"WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"

static const char offer_sdp[] =
	"v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
	"m=audio 4000 RTP/SAVP 0\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
	"m=audio 4000 RTP/AVP 0\r\n";
static const char answer_sdp[] =
	"v=0\r\no=gw 5 5 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
	"m=audio 6000 RTP/AVP 0\r\n";

/* ---- the kernel stand-in ---- */

#define FAKE_MAX 64

struct fake {
	struct nfsrtp_stream s[FAKE_MAX];
	bool used[FAKE_MAX];
	unsigned int adds, dels;
	bool refuse;
};

static struct fake fake;

static int f_add(void *arg, const struct nfsrtp_stream *s, uint32_t *id,
		 char *err, size_t errlen)
{
	struct fake *f = arg;
	unsigned int i;

	if (f->refuse) {
		snprintf(err, errlen, "no room (test)");
		return -28;
	}
	for (i = 1; i < FAKE_MAX && f->used[i]; i++)
		;
	ck_assert_uint_lt(i, FAKE_MAX);
	f->s[i] = *s;
	f->s[i].id = i;
	f->s[i].packets = 100 + i;
	f->s[i].bytes = 17200 + i;
	f->s[i].drops[NF_SRTP_DROP_AUTH] = i;
	f->used[i] = true;
	f->adds++;
	*id = i;
	return 0;
}

static int f_del(void *arg, uint32_t id)
{
	struct fake *f = arg;

	ck_assert_msg(id < FAKE_MAX && f->used[id], "del of unknown %u", id);
	f->used[id] = false;
	f->dels++;
	return 0;
}

/* a process killed removes nothing */
static int f_del_none(void *arg, uint32_t id)
{
	(void)arg;
	(void)id;
	return 0;
}

static int f_get(void *arg, uint32_t id, struct nfsrtp_stream *out)
{
	struct fake *f = arg;

	if (id >= FAKE_MAX || !f->used[id])
		return -2;
	*out = f->s[id];
	return 0;
}

static bool f_exists(void *arg, uint32_t id)
{
	struct fake *f = arg;

	return id < FAKE_MAX && f->used[id];
}

static unsigned int live(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < FAKE_MAX; i++)
		n += fake.used[i];
	return n;
}

/* ---- fixture ---- */

static struct srtp_config cfg;
static struct ng ng;
static time_t now = 1000;
static struct benc_doc reply_doc;
static char *reply_text;

static void setup(void)
{
	static const char xml[] =
		"<sip><sec sec.srtp.enable=\"1\" sec.srtp.offer=\"1\"/></sip>";
	struct ng_ops ops = { f_add, f_del, f_get, &fake };
	char err[256];

	memset(&fake, 0, sizeof(fake));
	config_init(&cfg);
	ck_assert(!config_load_buffer(&cfg, "t.cfg", xml, strlen(xml), err,
				      sizeof(err)));
	ng_init(&ng, &ops, &cfg, NULL);
	memset(&reply_doc, 0, sizeof(reply_doc));
	reply_text = NULL;
}

static void teardown(void)
{
	benc_doc_free(&reply_doc);
	free(reply_text);
	ng_free(&ng);
	config_free(&cfg);
	ck_assert_uint_eq(live(), 0);
}

/* Sends "cookie body"; returns the reply's dictionary (NULL: no reply). */
static const struct benc_node *send_raw(const char *msg, size_t len)
{
	char err[256];
	size_t rlen, sp;

	benc_doc_free(&reply_doc);
	free(reply_text);
	reply_text = NULL;
	if (ng_handle(&ng, msg, len, now, &reply_text, &rlen))
		return NULL;
	ck_assert_ptr_nonnull(reply_text);
	for (sp = 0; sp < rlen && reply_text[sp] != ' '; sp++)
		;
	ck_assert_uint_lt(sp, rlen);
	ck_assert_msg(!benc_parse(reply_text + sp + 1, rlen - sp - 1, &reply_doc,
				  err, sizeof(err)), "reply: %s", err);
	ck_assert_int_eq(reply_doc.root->type, BENC_DICT);
	return reply_doc.root;
}

/* A request built from NULL-terminated key/value string pairs. */
static const struct benc_node *send_req(const char *cookie, ...)
{
	struct strbuf b = { 0 };
	const struct benc_node *r;
	const char *k, *v;
	va_list ap;

	benc_raw(&b, cookie, strlen(cookie));
	benc_raw(&b, " d", 2);
	va_start(ap, cookie);
	while ((k = va_arg(ap, const char *))) {
		v = va_arg(ap, const char *);
		benc_cstr(&b, k);
		if (v[0] == '\x01')	/* raw bencode follows */
			benc_raw(&b, v + 1, strlen(v + 1));
		else
			benc_cstr(&b, v);
	}
	va_end(ap);
	benc_end(&b);
	ck_assert(!b.oom);
	r = send_raw(b.p, b.len);
	strbuf_free(&b);
	return r;
}

static void result_is(const struct benc_node *r, const char *want)
{
	const struct benc_node *res = benc_get(r, "result");
	const struct benc_node *why = benc_get(r, "error-reason");

	ck_assert_ptr_nonnull(res);
	ck_assert_msg(benc_is(res, want), "result %.*s (%.*s), want %s",
		      (int)res->len, res->s, why ? (int)why->len : 0,
		      why ? why->s : "", want);
}

static void error_has(const struct benc_node *r, const char *text)
{
	const struct benc_node *why = benc_get(r, "error-reason");
	char buf[512];

	result_is(r, "error");
	ck_assert_ptr_nonnull(why);
	snprintf(buf, sizeof(buf), "%.*s", (int)why->len, why->s);
	ck_assert_msg(strstr(buf, text), "error-reason \"%s\" lacks \"%s\"",
		      buf, text);
}

static bool str_has(const struct benc_node *n, const char *text)
{
	char *s;
	bool found;

	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->type, BENC_STR);
	s = strndup(n->s, n->len);
	found = strstr(s, text) != NULL;
	free(s);
	return found;
}

static char last_answer_cookie[64];

static void offer_answer(const char *id)
{
	const struct benc_node *r;
	static unsigned int seq;
	char c1[64], c2[64];

	/* cookies have no space: the call id may */
	snprintf(c1, sizeof(c1), "o-%u", ++seq);
	snprintf(c2, sizeof(c2), "a-%u", seq);
	r = send_req(c1, "command", "offer", "call-id", id, "from-tag", "ft",
		     "sdp", offer_sdp, "transport-protocol", "RTP/AVP", NULL);
	result_is(r, "ok");
	snprintf(last_answer_cookie, sizeof(last_answer_cookie), "%s", c2);
	r = send_req(c2, "command", "answer", "call-id", id, "from-tag", "ft",
		     "to-tag", "tt", "sdp", answer_sdp, NULL);
	result_is(r, "ok");
}

/* ---- tests ---- */

START_TEST(ping)
{
	const struct benc_node *r = send_req("5323_1", "command", "ping", NULL);

	result_is(r, "pong");
	ck_assert(!strncmp(reply_text, "5323_1 d6:result4:ponge", 23));
}
END_TEST

/* The mixed call, as Kamailio drives it: offer, answer, query, delete. */
START_TEST(mixed_call)
{
	const struct benc_node *r, *s;
	char daddr[INET_ADDRSTRLEN];

	r = send_req("c1", "command", "offer", "call-id", "call1",
		     "from-tag", "ft", "sdp", offer_sdp,
		     "flags", "\x01l13:trust-address7:RTP/AVPe", NULL);
	result_is(r, "ok");
	s = benc_get(r, "sdp");
	ck_assert(str_has(s, "m=audio 4000 RTP/AVP 0\r\n"));
	ck_assert(!str_has(s, "a=crypto"));
	ck_assert_uint_eq(fake.adds, 0);	/* nothing before the answer */

	r = send_req("c2", "command", "answer", "call-id", "call1",
		     "from-tag", "ft", "to-tag", "tt", "sdp", answer_sdp, NULL);
	result_is(r, "ok");
	s = benc_get(r, "sdp");
	ck_assert(str_has(s, "m=audio 6000 RTP/SAVP 0\r\n"));
	ck_assert(str_has(s, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"));
	ck_assert(str_has(s, "m=audio 0 RTP/AVP 0\r\n"));
	/* unprotect phone -> gateway, protect gateway -> phone */
	ck_assert_uint_eq(live(), 2);
	ck_assert_uint_eq(fake.s[1].op, NF_SRTP_OP_UNPROTECT);
	inet_ntop(AF_INET, fake.s[1].daddr, daddr, sizeof(daddr));
	ck_assert_str_eq(daddr, "10.0.3.2");
	ck_assert_uint_eq(fake.s[1].dport, 6000);
	ck_assert_uint_eq(fake.s[1].rtcp_dport, 6001);
	ck_assert_uint_eq(fake.s[1].sport, 0);
	ck_assert_uint_eq(fake.s[2].op, NF_SRTP_OP_PROTECT);
	ck_assert_uint_eq(fake.s[2].dport, 4000);
	ck_assert_uint_eq(fake.s[2].suite, NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80);

	r = send_req("c3", "command", "query", "call-id", "call1", NULL);
	result_is(r, "ok");
	s = benc_get(benc_get(r, "totals"), "RTP");
	/* each direction counted once: unprotect 101, protect 102 */
	ck_assert_int_eq(benc_get(s, "packets")->i, 101 + 102);
	ck_assert_int_eq(benc_get(s, "errors")->i, 1 + 2);
	s = benc_get(benc_get(r, "totals"), "SRTP");
	ck_assert_int_eq(benc_get(s, "authentication-failures")->i, 3);
	ck_assert_uint_eq(benc_get(r, "streams")->len, 2);

	r = send_req("c4", "command", "list", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(benc_get(r, "calls")->len, 1);
	ck_assert(benc_is(benc_get(r, "calls")->first, "call1"));

	r = send_req("c5", "command", "delete", "call-id", "call1",
		     "from-tag", "ft", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(live(), 0);
	/* again (Kamailio deletes a CANCELled call twice): ok, warned */
	r = send_req("c6", "command", "delete", "call-id", "call1", NULL);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "warning"), "Unknown call-id"));
}
END_TEST

/* A retransmission is answered from the cache, not executed again. */
START_TEST(retransmission)
{
	const struct benc_node *r;
	char *first;

	offer_answer("x");
	r = send_req("d1", "command", "delete", "call-id", "x", NULL);
	result_is(r, "ok");
	first = strdup(reply_text);
	r = send_req("d1", "command", "delete", "call-id", "x", NULL);
	result_is(r, "ok");
	ck_assert_ptr_null(benc_get(r, "warning"));	/* not run again */
	ck_assert_str_eq(reply_text, first);
	ck_assert_uint_eq(ng.retransmits, 1);
	free(first);
	/* the same cookie after the cache's time is a new request */
	now += NG_CACHE_TTL + 1;
	r = send_req("d1", "command", "delete", "call-id", "x", NULL);
	ck_assert(str_has(benc_get(r, "warning"), "Unknown call-id"));
	/* a retransmitted answer does not install twice */
	offer_answer("y");
	ck_assert_uint_eq(fake.adds, 4);
	r = send_req(last_answer_cookie, "command", "answer", "call-id", "y", "sdp",
		     answer_sdp, NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(fake.adds, 4);
}
END_TEST

START_TEST(bad_requests)
{
	const struct benc_node *r;
	static const char big[NG_MSG_MAX + 10] = "c d";

	/* no cookie, no reply */
	ck_assert_ptr_null(send_raw("d7:command4:pinge", 17));
	ck_assert_ptr_null(send_raw(" d7:command4:pinge", 18));
	ck_assert_ptr_null(send_raw("cookie", 6));
	ck_assert_ptr_null(send_raw(big, sizeof(big)));
	/* everything else gets an error reply */
	error_has(send_raw("k1 d7:command4:ping", 19), "malformed bencode");
	error_has(send_raw("k2 l4:pinge", 11), "not a dictionary");
	error_has(send_raw("k3 de", 5), "missing \"command\"");
	error_has(send_raw("k4 d7:commandi1ee", 17), "\"command\": not a string");
	error_has(send_req("k5", "command", "frobnicate", NULL),
		  "Unrecognized command");
	error_has(send_req("k6", "command", "offer", "from-tag", "f", "sdp",
			   offer_sdp, NULL), "missing \"call-id\"");
	error_has(send_req("k7", "command", "offer", "call-id", "c",
			   "from-tag", "f", NULL), "missing \"sdp\"");
	error_has(send_req("k8", "command", "offer", "call-id", "c",
			   "from-tag", "f", "sdp", "\x01i5e", NULL),
		  "\"sdp\": not a string");
	error_has(send_req("k9", "command", "offer", "call-id", "c",
			   "from-tag", "f", "sdp", "garbage", NULL),
		  "offer SDP");
	error_has(send_req("k10", "command", "answer", "call-id", "nope",
			   "sdp", answer_sdp, NULL), "Unknown call-id");
	ck_assert_str_eq(ng.last_error, "answer nope: Unknown call-id");
	error_has(send_req("k11", "command", "query", "call-id", "nope", NULL),
		  "Unknown call-id");
	error_has(send_req("k12", "command", "offer", "call-id", "c",
			   "from-tag", "f", "sdp", offer_sdp,
			   "transport-protocol", "UDP/TLS/RTP/SAVPF", NULL),
		  "not supported");
	error_has(send_req("k13", "command", "offer", "call-id", "c",
			   "from-tag", "f", "sdp", offer_sdp,
			   "SDES", "\x01l7:only-XYe", NULL), "unknown suite");
	error_has(send_req("k14", "command", "offer", "call-id", "c",
			   "from-tag", "f", "sdp", offer_sdp,
			   "model", "IP_999", NULL), "unknown phone model");
	error_has(send_req("k15", "command", "list", "limit", "x", NULL),
		  "not a count");
	error_has(send_req("k16", "command", "offer", "call-id", "a\nb",
			   "from-tag", "f", "sdp", offer_sdp, NULL),
		  "control characters");
	/* unknown keys are ignored */
	r = send_req("k17", "command", "ping", "supports", "\x01l10:load limite",
		     "ICE", "remove", NULL);
	result_is(r, "pong");
	ck_assert_str_eq(ng.last_error, "");
	ck_assert_uint_eq(ng.ncalls, 0);
}
END_TEST

/* The kernel refuses: an error reply, nothing left installed. */
START_TEST(kernel_refuses)
{
	const struct benc_node *r;

	r = send_req("o", "command", "offer", "call-id", "k", "from-tag", "f",
		     "sdp", offer_sdp, "transport-protocol", "RTP/AVP", NULL);
	result_is(r, "ok");
	fake.refuse = true;
	r = send_req("a", "command", "answer", "call-id", "k", "sdp",
		     answer_sdp, NULL);
	error_has(r, "the kernel refused a stream: no room");
	ck_assert_uint_eq(live(), 0);
}
END_TEST

/* The phone model: an option, or Polycom's User-Agent. */
START_TEST(phone_model)
{
	char m[32];
	const struct benc_node *r;

	ck_assert(ng_model_from_ua("PolycomSoundPointIP-SPIP_601-UA/3.1.0.0084",
				   42, m, sizeof(m)));
	ck_assert_str_eq(m, "IP_601");
	ck_assert(ng_model_from_ua("PolycomSoundStationIP-SSIP_4000-UA/2.0", 38,
				   m, sizeof(m)));
	ck_assert_str_eq(m, "IP_4000");
	ck_assert(!ng_model_from_ua("Linphone/5.0", 12, m, sizeof(m)));
	ck_assert(!ng_model_from_ua("SPIP_", 5, m, sizeof(m)));
	ck_assert(!ng_model_from_ua("x-SPIP_9999999-", 15, m, sizeof(m)));

	/* an IP_300 has no SRTP: the phone gets the plain alternative */
	r = send_req("o", "command", "offer", "call-id", "m", "from-tag", "f",
		     "sdp", offer_sdp, "transport-protocol", "RTP/AVP",
		     "user-agent", "PolycomSoundPointIP-SPIP_300-UA/2.0", NULL);
	result_is(r, "ok");
	r = send_req("a", "command", "answer", "call-id", "m", "sdp",
		     answer_sdp, NULL);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "m=audio 0 RTP/SAVP 0\r\n"));
	ck_assert(str_has(benc_get(r, "sdp"), "m=audio 6000 RTP/AVP 0\r\n"));
	ck_assert_uint_eq(live(), 0);
	r = send_req("q", "command", "query", "call-id", "m", NULL);
	ck_assert(benc_is(benc_get(r, "model"), "IP_300"));
}
END_TEST

/* srtpd restarted: the calls come back from the state file. */
START_TEST(state_file)
{
	char path[] = "/tmp/ng-state-XXXXXX", err[256];
	const struct benc_node *r;
	struct ng_ops ops = { f_add, f_del, f_get, &fake };
	struct ng again;
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	offer_answer("call one");	/* a space: escaped in the file */
	offer_answer("two");
	ck_assert_uint_eq(live(), 4);
	ck_assert_msg(!ng_save(&ng, path, err, sizeof(err)), "%s", err);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	{
		char text[2048];
		size_t n = fread(text, 1, sizeof(text) - 1, f);

		text[n] = '\0';
		ck_assert_ptr_nonnull(strstr(text, "call call%20one ft tt "));
		ck_assert_ptr_null(strstr(text, "inline"));
	}
	fclose(f);

	/* the old process is gone (SIGKILL: nothing removed) */
	ng.ops.del = f_del_none;
	ng_free(&ng);
	ng_init(&ng, &ops, &cfg, NULL);
	fake.used[4] = false;	/* one stream vanished meanwhile */
	ck_assert_int_eq(ng_restore(&ng, path, f_exists, &fake, err,
				    sizeof(err)), 2);
	ck_assert_uint_eq(ng.ncalls, 2);
	ck_assert_uint_eq(ng_find(&ng, "two")->nstreams, 1);
	r = send_req("q", "command", "query", "call-id", "call one", NULL);
	result_is(r, "ok");
	ck_assert(benc_is(benc_get(r, "to-tag"), "tt"));
	r = send_req("d", "command", "delete", "call-id", "call one", NULL);
	result_is(r, "ok");
	r = send_req("d2", "command", "delete", "call-id", "two", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(live(), 0);

	/* a damaged file is refused with its line */
	f = fopen(path, "w");
	fputs("# x\ncall broken\n", f);
	fclose(f);
	ng_init(&again, &ops, &cfg, NULL);
	ck_assert_int_eq(ng_restore(&again, path, f_exists, &fake, err,
				    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":2: malformed"));
	ng_free(&again);
	unlink(path);
	ck_assert_int_eq(ng_restore(&again, path, f_exists, &fake, err,
				    sizeof(err)), 0);
}
END_TEST

static Suite *ng_suite(void)
{
	Suite *s = suite_create("ng");
	TCase *t = tcase_create("core");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, ping);
	tcase_add_test(t, mixed_call);
	tcase_add_test(t, retransmission);
	tcase_add_test(t, bad_requests);
	tcase_add_test(t, kernel_refuses);
	tcase_add_test(t, phone_model);
	tcase_add_test(t, state_file);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(ng_suite)
