// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/ng.c against a recording stand-in for the kernel:
 * the ng commands as Kamailio's rtpengine module sends them, the streams
 * a bridged call installs, the reply cache, every malformed request, the
 * model from the User-Agent, and the state file a restarted srtpd reads.
 */

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/stat.h>
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

/* where Kamailio saw the offer and the answer come from */
#define A_RF	"\x01l3:IP48:10.0.1.2e"
#define B_RF	"\x01l3:IP48:10.0.3.2e"
#define FROM_A	"received-from", A_RF
#define FROM_B	"received-from", B_RF

/* ---- the kernel stand-in ---- */

#define FAKE_MAX 64

struct fake {
	struct nfsrtp_stream s[FAKE_MAX];
	bool used[FAKE_MAX];
	unsigned int adds, dels, updates, rekeys, rematches, appends;
	unsigned int new_sessions;	/* contexts replaced without state */
	bool refuse;
};

static struct fake fake;

/*
 * As the kernel refuses: a second stream with the same match, or a second
 * protect stream toward the same destination (its guard).
 */
static bool taken(const struct fake *f, const struct nfsrtp_stream *s,
		  unsigned int self)
{
	unsigned int i;

	for (i = 1; i < FAKE_MAX; i++) {
		const struct nfsrtp_stream *o = &f->s[i];

		if (!f->used[i] || i == self || o->family != s->family)
			continue;
		/* an open destination (protect, dport 0): by its source */
		if (!o->dport || !s->dport) {
			if (o->op == s->op && o->dport == s->dport &&
			    o->sport == s->sport &&
			    !memcmp(o->saddr, s->saddr, 16))
				return true;
			continue;
		}
		if (o->dport != s->dport || memcmp(o->daddr, s->daddr, 16))
			continue;
		if ((o->op == NF_SRTP_OP_PROTECT && s->op == NF_SRTP_OP_PROTECT) ||
		    (o->op == s->op && !memcmp(o->saddr, s->saddr, 16)))
			return true;
	}
	return false;
}

static int f_add(void *arg, const struct nfsrtp_stream *s, uint32_t *id,
		 char *err, size_t errlen)
{
	struct fake *f = arg;
	unsigned int i;

	if (f->refuse) {
		snprintf(err, errlen, "no room (test)");
		return -28;
	}
	if (taken(f, s, 0)) {
		snprintf(err, errlen, "match taken (test)");
		return -17;
	}
	for (i = 1; i < FAKE_MAX && f->used[i]; i++)
		;
	ck_assert_uint_lt(i, FAKE_MAX);
	f->s[i] = *s;
	f->s[i].id = i;
	f->s[i].packets = 100 + i;
	f->s[i].bytes = 17200 + i;
	f->s[i].rtcp_packets = 10 + i;	/* of the packets, RTCP */
	f->s[i].rtcp_bytes = 800 + i;
	f->s[i].drops[NF_SRTP_DROP_AUTH] = i;
	f->s[i].rtcp_drops = i - 1;	/* of the drops, RTCP */
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

/* STREAM_SET: the match and the keys change in place */
static int f_update(void *arg, const struct nfsrtp_stream_update *u,
		    char *err, size_t errlen)
{
	struct fake *f = arg;
	struct nfsrtp_stream *s;

	ck_assert_msg(u->id < FAKE_MAX && f->used[u->id], "set of unknown %u",
		      u->id);
	s = &f->s[u->id];
	if (u->set_params) {
		ck_assert_uint_gt(u->nkeys, 0);
		s->flags = u->flags;
		s->nkeys = u->nkeys;
		memcpy(s->keys, u->keys, sizeof(s->keys));
		f->rekeys++;
		f->new_sessions += u->new_session;
	} else if (u->nkeys) {
		/* appended: the kernel's key slots, as many as libnfsrtp has */
		if (s->nkeys + u->nkeys > NFSRTP_KEYS_MAX) {
			snprintf(err, errlen, "no free key slot (test)");
			return -28;
		}
		memcpy(&s->keys[s->nkeys], u->keys, u->nkeys * sizeof(u->keys[0]));
		s->nkeys += u->nkeys;
		f->appends++;
	}
	if (u->match) {
		struct nfsrtp_stream m = *u->match;

		m.op = s->op;
		if (taken(f, &m, u->id)) {
			snprintf(err, errlen, "match taken (test)");
			return -17;
		}
		s->family = u->match->family;
		memcpy(s->saddr, u->match->saddr, sizeof(s->saddr));
		memcpy(s->daddr, u->match->daddr, sizeof(s->daddr));
		s->dport = u->match->dport;
		s->rtcp_dport = u->match->rtcp_dport;
		f->rematches++;
	}
	ck_assert(u->set_params || u->match || u->nkeys);
	ck_assert(!u->new_session || u->set_params);
	f->updates++;
	return 0;
}

static char log_text[8192];

/* each line as "[CALL-ID] line" */
static void f_log(void *arg, const char *call_id, const char *line)
{
	size_t n = strlen(log_text);

	(void)arg;
	snprintf(log_text + n, sizeof(log_text) - n, "[%s] %s\n",
		 call_id ? call_id : "", line);
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
static struct calls table;	/* srtpd's one table */
static struct ng ng;
static time_t now = 1000;
static struct benc_doc reply_doc;
static char *reply_text;
static struct sockaddr_in sender;	/* the proxy's socket */

static void setup(void)
{
	static const char xml[] =
		"<sip><sec sec.srtp.enable=\"1\" sec.srtp.offer=\"1\"/></sip>";
	struct ng_ops ops = { f_add, f_del, f_get, f_update, f_log, &fake };
	char err[256];

	memset(&fake, 0, sizeof(fake));
	log_text[0] = '\0';
	config_init(&cfg);
	ck_assert(!config_load_buffer(&cfg, "t.cfg", xml, strlen(xml), err,
				      sizeof(err)));
	calls_init(&table);
	ng_init(&ng, &table, &ops, &cfg, NULL);
	memset(&reply_doc, 0, sizeof(reply_doc));
	reply_text = NULL;
	sender = (struct sockaddr_in){ .sin_family = AF_INET,
				       .sin_port = htons(40000),
				       .sin_addr.s_addr = htonl(0x7f000001) };
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
	if (ng_handle(&ng, msg, len, (struct sockaddr *)&sender,
		      sizeof(sender), now, &reply_text, &rlen))
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
static char last_answer_sdp[256];

/* A call with media ports of its own (two calls never share a match). */
static void offer_answer(const char *id)
{
	const struct benc_node *r;
	static unsigned int seq;
	char c1[64], c2[64], o[512], a[256];

	/* cookies have no space: the call id may */
	snprintf(c1, sizeof(c1), "o-%u", ++seq);
	snprintf(c2, sizeof(c2), "a-%u", seq);
	snprintf(o, sizeof(o),
		 "v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		 "m=audio %u RTP/SAVP 0\r\n"
		 "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		 "m=audio %u RTP/AVP 0\r\n", 4000 + 2 * seq, 4000 + 2 * seq);
	snprintf(a, sizeof(a),
		 "v=0\r\no=gw 5 5 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP 0\r\n", 6000 + 2 * seq);
	r = send_req(c1, "command", "offer", FROM_A, "call-id", id, "from-tag", "ft",
		     "sdp", o, "transport-protocol", "RTP/AVP", NULL);
	result_is(r, "ok");
	snprintf(last_answer_cookie, sizeof(last_answer_cookie), "%s", c2);
	snprintf(last_answer_sdp, sizeof(last_answer_sdp), "%s", a);
	r = send_req(c2, "command", "answer", FROM_B, "call-id", id, "from-tag", "ft",
		     "to-tag", "tt", "sdp", a, NULL);
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

static void addr_is(const uint8_t *a, const char *want)
{
	char text[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, a, text, sizeof(text));
	ck_assert_str_eq(text, want);
}

/*
 * The mixed call, as Kamailio drives it: offer, answer, query, delete.
 * From the offer on, a guard keeps the gateway's media from reaching the
 * SRTP phone in clear; the answer's protect stream is that guard, changed
 * in place; after the delete it is a guard again for the guard tail.
 */
/*
 * A phone that offers AES_CM_128_HMAC_SHA1_32 alone: the guard installed
 * at the offer has the suite the phone will be answered with, so the
 * answer changes it in place.  A guard of another suite would have to be
 * removed and added again (the kernel cannot change a stream's suite in
 * place): a moment with no stream toward the phone.
 */
START_TEST(guard_has_the_answers_suite)
{
	static const char offer32[] =
		"v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" KEY_A "\r\n";
	const struct benc_node *r, *s;

	r = send_req("g1", "command", "offer", FROM_A, "call-id", "call32",
		     "from-tag", "ft", "sdp", offer32,
		     "flags", "\x01l13:trust-address7:RTP/AVPe", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(live(), 1);
	ck_assert_uint_eq(fake.s[1].suite, NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32);

	r = send_req("g2", "command", "answer", FROM_B, "call-id", "call32",
		     "from-tag", "ft", "to-tag", "tt", "sdp", answer_sdp, NULL);
	result_is(r, "ok");
	s = benc_get(r, "sdp");
	ck_assert(str_has(s, "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:"));
	ck_assert_uint_eq(live(), 2);
	ck_assert_uint_eq(fake.adds, 2);
	ck_assert_uint_eq(fake.dels, 0);
	ck_assert_uint_eq(fake.s[1].op, NF_SRTP_OP_PROTECT);
	addr_is(fake.s[1].saddr, "10.0.3.2");
	ck_assert_uint_eq(fake.s[1].suite, NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32);
}
END_TEST

START_TEST(mixed_call)
{
	const struct benc_node *r, *s;

	r = send_req("c1", "command", "offer", FROM_A, "call-id", "call1",
		     "from-tag", "ft", "sdp", offer_sdp,
		     "flags", "\x01l13:trust-address7:RTP/AVPe", NULL);
	result_is(r, "ok");
	s = benc_get(r, "sdp");
	ck_assert(str_has(s, "m=audio 4000 RTP/AVP 0\r\n"));
	ck_assert(!str_has(s, "a=crypto"));
	/* the guard: toward the phone, from the phone itself only */
	ck_assert_uint_eq(live(), 1);
	ck_assert_uint_eq(fake.s[1].op, NF_SRTP_OP_PROTECT);
	addr_is(fake.s[1].daddr, "10.0.1.2");
	addr_is(fake.s[1].saddr, "10.0.1.2");
	ck_assert(fake.s[1].has_saddr);
	ck_assert_uint_eq(fake.s[1].dport, 4000);
	ck_assert_uint_eq(fake.s[1].rtcp_dport, 4001);
	ck_assert_uint_eq(fake.s[1].nkeys, 1);

	r = send_req("c2", "command", "answer", FROM_B, "call-id", "call1",
		     "from-tag", "ft", "to-tag", "tt", "sdp", answer_sdp, NULL);
	result_is(r, "ok");
	s = benc_get(r, "sdp");
	ck_assert(str_has(s, "m=audio 6000 RTP/SAVP 0\r\n"));
	ck_assert(str_has(s, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"));
	ck_assert(str_has(s, "m=audio 0 RTP/AVP 0\r\n"));
	/* protect gateway -> phone (the guard, in place), unprotect back */
	ck_assert_uint_eq(live(), 2);
	ck_assert_uint_eq(fake.adds, 2);
	ck_assert_uint_eq(fake.rematches, 1);
	ck_assert_uint_eq(fake.rekeys, 1);
	ck_assert_uint_eq(fake.s[1].op, NF_SRTP_OP_PROTECT);
	addr_is(fake.s[1].saddr, "10.0.3.2");
	ck_assert_uint_eq(fake.s[1].dport, 4000);
	ck_assert_uint_eq(fake.s[1].suite, NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80);
	ck_assert_uint_eq(fake.s[2].op, NF_SRTP_OP_UNPROTECT);
	addr_is(fake.s[2].daddr, "10.0.3.2");
	ck_assert_uint_eq(fake.s[2].dport, 6000);
	ck_assert_uint_eq(fake.s[2].rtcp_dport, 6001);
	ck_assert_uint_eq(fake.s[2].sport, 0);

	r = send_req("c3", "command", "query", "call-id", "call1", NULL);
	result_is(r, "ok");
	s = benc_get(benc_get(r, "totals"), "RTP");
	/*
	 * each direction counted once: protect 101 (11 RTCP), unprotect
	 * 102 (12 RTCP); RTP without RTCP, RTCP on its own; the drops (1,
	 * 2) apart: of the unprotect stream's, 1 RTCP
	 */
	ck_assert_int_eq(benc_get(s, "packets")->i, 90 + 90);
	ck_assert_int_eq(benc_get(s, "bytes")->i, 16400 + 16400);
	ck_assert_int_eq(benc_get(s, "errors")->i, 1 + 1);
	s = benc_get(benc_get(r, "totals"), "RTCP");
	ck_assert_int_eq(benc_get(s, "packets")->i, 11 + 12);
	ck_assert_int_eq(benc_get(s, "bytes")->i, 801 + 802);
	ck_assert_int_eq(benc_get(s, "errors")->i, 0 + 1);
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
	/* the protect stream is a guard again; the unprotect one is gone */
	ck_assert_uint_eq(live(), 1);
	ck_assert(fake.used[1]);
	addr_is(fake.s[1].saddr, "10.0.1.2");
	addr_is(fake.s[1].daddr, "10.0.1.2");
	ck_assert_uint_eq(fake.rekeys, 2);
	r = send_req("c4b", "command", "list", NULL);
	ck_assert_uint_eq(benc_get(r, "calls")->len, 0);
	/* again (Kamailio deletes a CANCELled call twice): ok, warned */
	r = send_req("c6", "command", "delete", "call-id", "call1", NULL);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "warning"), "Unknown call-id"));
	ck_assert_uint_eq(live(), 1);
	ck_assert_int_eq(calls_expire(&table, now + NG_GUARD_TAIL - 1),
			 now + NG_GUARD_TAIL);
	ck_assert_uint_eq(live(), 1);
	ck_assert_int_eq(calls_expire(&table, now + NG_GUARD_TAIL), 0);
	ck_assert_uint_eq(live(), 0);
	ck_assert_ptr_null(ng_find(&ng, "call1"));
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
	r = send_req(last_answer_cookie, "command", "answer", FROM_B, "call-id", "y", "sdp",
		     last_answer_sdp, NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(fake.adds, 4);
}
END_TEST

/* The counters srtpd's metrics report: requests and errors by command. */
START_TEST(command_counters)
{
	static const char junk[] = "c9 d7:command";
	unsigned long total = 0;
	unsigned int i;

	ck_assert_str_eq(ng_command_name(0), "ping");
	ck_assert_str_eq(ng_command_name(NG_COMMANDS - 1), "other");
	ck_assert_ptr_null(ng_command_name(NG_COMMANDS));
	send_req("c1", "command", "ping", NULL);
	send_req("c2", "command", "ping", NULL);
	offer_answer("x");			/* an offer, an answer */
	/* srtpd's log lines name their call apart (the journal's CALL_ID=) */
	ck_assert_ptr_nonnull(strstr(log_text, "[x] call x: offer from-tag"));
	ck_assert_ptr_nonnull(strstr(log_text, "[x] call x: answer to-tag"));
	send_req("c3", "command", "query", "call-id", "nope", NULL);
	send_req("c4", "command", "offer", "call-id", "y\001 z", "from-tag", "f",
		 "sdp", "junk", NULL);
	ck_assert_str_eq(ng.last_error_call, "y? z");	/* a control byte made '?' */
	send_req("c5", "command", "dance", NULL);
	send_raw(junk, sizeof(junk) - 1);	/* malformed bencode */
	send_req("c1", "command", "ping", NULL);	/* a retransmit */
	ck_assert_uint_eq(ng.commands[0], 2);			/* ping */
	ck_assert_uint_eq(ng.command_errors[0], 0);
	ck_assert_uint_eq(ng.commands[1], 2);			/* offer */
	ck_assert_uint_eq(ng.command_errors[1], 1);
	ck_assert_uint_eq(ng.commands[2], 1);			/* answer */
	ck_assert_uint_eq(ng.command_errors[2], 0);
	ck_assert_uint_eq(ng.commands[4], 1);			/* query */
	ck_assert_uint_eq(ng.command_errors[4], 1);
	ck_assert_uint_eq(ng.commands[NG_COMMANDS - 1], 2);	/* other */
	ck_assert_uint_eq(ng.command_errors[NG_COMMANDS - 1], 2);
	for (i = 0; i < NG_COMMANDS; i++)
		total += ng.commands[i];
	ck_assert_uint_eq(total + ng.retransmits, ng.requests);
}
END_TEST

/* The cache forgets a reply at its time: wiped, freed, not returned. */
START_TEST(cache_expiry)
{
	static const struct ng_cached zero;
	const struct benc_node *r;
	unsigned int i;

	offer_answer("x");
	ck_assert_uint_eq(ng.cache_count, 2);
	ck_assert_int_eq(ng_cache_next_expiry(&ng, now), NG_CACHE_TTL + 1);
	now += 10;
	r = send_req("d1", "command", "delete", "call-id", "x", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(ng.cache_count, 3);
	ck_assert_int_eq(ng_cache_next_expiry(&ng, now), NG_CACHE_TTL + 1 - 10);
	/* at the TTL they are kept, a second later they are gone */
	now += NG_CACHE_TTL - 10;
	ng_cache_expire(&ng, now);
	ck_assert_uint_eq(ng.cache_count, 3);
	now += 1;
	ng_cache_expire(&ng, now);
	ck_assert_uint_eq(ng.cache_count, 1);
	ck_assert_int_eq(ng_cache_next_expiry(&ng, now), 10);
	now += 10;
	ng_cache_expire(&ng, now);
	ck_assert_uint_eq(ng.cache_count, 0);
	ck_assert_uint_eq(ng.cache_bytes, 0);
	ck_assert_int_eq(ng_cache_next_expiry(&ng, now), -1);
	for (i = 0; i < NG_CACHE_SIZE; i++)
		ck_assert(!memcmp(&ng.cache[i], &zero, sizeof(zero)));
	/* a request purges too, and an expired reply is not returned */
	r = send_req("d1", "command", "delete", "call-id", "x", NULL);
	ck_assert(str_has(benc_get(r, "warning"), "Unknown call-id"));
	now += NG_CACHE_TTL + 1;
	send_req("p", "command", "ping", NULL);
	ck_assert_uint_eq(ng.cache_count, 1);
	/* a clock stepped back expires them too */
	now -= 5;
	ng_cache_expire(&ng, now);
	ck_assert_uint_eq(ng.cache_count, 0);
	ck_assert_uint_eq(ng.retransmits, 0);
}
END_TEST

/* A kept reply goes back only to the socket that asked. */
START_TEST(cache_per_sender)
{
	const struct benc_node *r;
	char *first;

	offer_answer("x");
	r = send_req("d1", "command", "delete", "call-id", "x", NULL);
	result_is(r, "ok");
	ck_assert_ptr_null(benc_get(r, "warning"));
	first = strdup(reply_text);
	/* the same cookie from another port: a new request */
	sender.sin_port = htons(40001);
	r = send_req("d1", "command", "delete", "call-id", "x", NULL);
	ck_assert(str_has(benc_get(r, "warning"), "Unknown call-id"));
	ck_assert_uint_eq(ng.retransmits, 0);
	/* ... and from another address */
	sender.sin_port = htons(40000);
	sender.sin_addr.s_addr = htonl(0x7f000002);
	r = send_req("d1", "command", "delete", "call-id", "x", NULL);
	ck_assert(str_has(benc_get(r, "warning"), "Unknown call-id"));
	ck_assert_uint_eq(ng.retransmits, 0);
	/* the first sender's retransmission still gets its own reply */
	sender.sin_addr.s_addr = htonl(0x7f000001);
	send_req("d1", "command", "delete", "call-id", "x", NULL);
	ck_assert_str_eq(reply_text, first);
	ck_assert_uint_eq(ng.retransmits, 1);
	free(first);
}
END_TEST

/* The cache holds at most NG_CACHE_SIZE replies and cache_limit bytes. */
START_TEST(cache_bounds)
{
	char cookie[32];
	size_t one;
	unsigned int i;

	for (i = 0; i < NG_CACHE_SIZE + 10; i++) {
		snprintf(cookie, sizeof(cookie), "p%05u", i);
		send_req(cookie, "command", "ping", NULL);
	}
	ck_assert_uint_eq(ng.cache_count, NG_CACHE_SIZE);
	one = strlen(reply_text);
	ck_assert_uint_eq(ng.cache_bytes, NG_CACHE_SIZE * one);
	/* the oldest went first: p00000 runs again, p00010 is kept */
	send_req("p00010", "command", "ping", NULL);
	ck_assert_uint_eq(ng.retransmits, 1);
	send_req("p00000", "command", "ping", NULL);
	ck_assert_uint_eq(ng.retransmits, 1);

	ng_free(&ng);
	ng_init(&ng, &table, &(struct ng_ops){ f_add, f_del, f_get, f_update, f_log,
				       &fake }, &cfg, NULL);
	ng.cache_limit = 3 * one;
	for (i = 0; i < 5; i++) {
		snprintf(cookie, sizeof(cookie), "p%05u", i);
		send_req(cookie, "command", "ping", NULL);
		ck_assert_uint_le(ng.cache_bytes, ng.cache_limit);
	}
	ck_assert_uint_eq(ng.cache_count, 3);
	send_req("p00001", "command", "ping", NULL);	/* evicted */
	send_req("p00004", "command", "ping", NULL);	/* kept */
	ck_assert_uint_eq(ng.retransmits, 1);
	/* a reply larger than the whole cache is not kept */
	ng.cache_limit = one - 1;
	send_req("big", "command", "ping", NULL);
	ck_assert_uint_le(ng.cache_bytes, ng.cache_limit);
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
	error_has(send_req("k6", "command", "offer", FROM_A, "from-tag", "f", "sdp",
			   offer_sdp, NULL), "missing \"call-id\"");
	error_has(send_req("k7", "command", "offer", FROM_A, "call-id", "c",
			   "from-tag", "f", NULL), "missing \"sdp\"");
	error_has(send_req("k8", "command", "offer", FROM_A, "call-id", "c",
			   "from-tag", "f", "sdp", "\x01i5e", NULL),
		  "\"sdp\": not a string");
	error_has(send_req("k9", "command", "offer", FROM_A, "call-id", "c",
			   "from-tag", "f", "sdp", "garbage", NULL),
		  "offer SDP");
	error_has(send_req("k10", "command", "answer", FROM_B, "call-id", "nope",
			   "sdp", answer_sdp, NULL), "Unknown call-id");
	ck_assert_str_eq(ng.last_error, "answer nope: Unknown call-id");
	error_has(send_req("k11", "command", "query", "call-id", "nope", NULL),
		  "Unknown call-id");
	error_has(send_req("k12", "command", "offer", FROM_A, "call-id", "c",
			   "from-tag", "f", "sdp", offer_sdp,
			   "transport-protocol", "UDP/TLS/RTP/SAVPF", NULL),
		  "not supported");
	error_has(send_req("k13", "command", "offer", FROM_A, "call-id", "c",
			   "from-tag", "f", "sdp", offer_sdp,
			   "SDES", "\x01l7:only-XYe", NULL), "unknown suite");
	error_has(send_req("k14", "command", "offer", FROM_A, "call-id", "c",
			   "from-tag", "f", "sdp", offer_sdp,
			   "model", "IP_999", NULL), "unknown phone model");
	error_has(send_req("k15", "command", "list", "limit", "x", NULL),
		  "not a count");
	error_has(send_req("k16", "command", "offer", FROM_A, "call-id", "a\nb",
			   "from-tag", "f", "sdp", offer_sdp, NULL),
		  "control characters");
	/* unknown keys are ignored */
	r = send_req("k17", "command", "ping", "supports", "\x01l10:load limite",
		     "ICE", "remove", NULL);
	result_is(r, "pong");
	ck_assert_str_eq(ng.last_error, "");
	ck_assert_uint_eq(table.count, 0);
}
END_TEST

/* The kernel refuses: an error reply, nothing left installed. */
START_TEST(kernel_refuses)
{
	const struct benc_node *r;

	r = send_req("o", "command", "offer", FROM_A, "call-id", "k", "from-tag", "f",
		     "sdp", offer_sdp, "transport-protocol", "RTP/AVP", NULL);
	result_is(r, "ok");
	fake.refuse = true;
	r = send_req("a", "command", "answer", FROM_B, "call-id", "k", "sdp",
		     answer_sdp, NULL);
	error_has(r, "the kernel refused a stream: no room");
	/* the offer's guard stays: nothing reaches the phone in clear */
	ck_assert_uint_eq(live(), 1);
	ck_assert_uint_eq(fake.s[1].op, NF_SRTP_OP_PROTECT);
	ck_assert_mem_eq(fake.s[1].saddr, fake.s[1].daddr, 4);
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
	r = send_req("o", "command", "offer", FROM_A, "call-id", "m", "from-tag", "f",
		     "sdp", offer_sdp, "transport-protocol", "RTP/AVP",
		     "user-agent", "PolycomSoundPointIP-SPIP_300-UA/2.0", NULL);
	result_is(r, "ok");
	r = send_req("a", "command", "answer", FROM_B, "call-id", "m", "sdp",
		     answer_sdp, NULL);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "m=audio 0 RTP/SAVP 0\r\n"));
	ck_assert(str_has(benc_get(r, "sdp"), "m=audio 6000 RTP/AVP 0\r\n"));
	ck_assert_uint_eq(live(), 0);
	r = send_req("q", "command", "query", "call-id", "m", NULL);
	ck_assert(benc_is(benc_get(r, "model"), "IP_300"));
}
END_TEST

/* The whole of file @path (at most @size - 1 bytes) into @text. */
static void read_text(const char *path, char *text, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	n = fread(text, 1, size - 1, f);
	text[n] = '\0';
	fclose(f);
}

/* srtpd restarted: the calls come back from the state file. */
START_TEST(state_file)
{
	char path[] = "/tmp/ng-state-XXXXXX", err[256], text[2048];
	const struct benc_node *r;
	struct ng_ops ops = { f_add, f_del, f_get, f_update, f_log, &fake };
	struct calls again_table;	/* a restarted srtpd's */
	struct ng again;
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	offer_answer("call one");	/* a space: escaped in the file */
	offer_answer("two");
	ck_assert_uint_eq(live(), 4);
	ck_assert_msg(!ng_save(&ng, path, err, sizeof(err)), "%s", err);
	read_text(path, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "call call%20one ft tt "));
	ck_assert_ptr_null(strstr(text, "inline"));

	/* the old process is gone (SIGKILL: nothing removed) */
	ng.ops.del = f_del_none;
	ng_free(&ng);
	ng_init(&ng, &table, &ops, &cfg, NULL);
	fake.used[4] = false;	/* one stream vanished meanwhile */
	ck_assert_int_eq(ng_restore(&ng, path, f_exists, &fake, err,
				    sizeof(err)), 2);
	ck_assert_uint_eq(table.count, 2);
	ck_assert_uint_eq(ng_find(&ng, "two")->set.n, 1);
	r = send_req("q", "command", "query", "call-id", "call one", NULL);
	result_is(r, "ok");
	ck_assert(benc_is(benc_get(r, "to-tag"), "tt"));
	r = send_req("d", "command", "delete", "call-id", "call one", NULL);
	result_is(r, "ok");
	r = send_req("d2", "command", "delete", "call-id", "two", NULL);
	result_is(r, "ok");
	/* restored streams have no known match: no guard is made of them */
	ck_assert_uint_eq(live(), 0);

	/* a damaged file is refused with its line */
	f = fopen(path, "w");
	fputs("# x\ncall broken\n", f);
	fclose(f);
	calls_init(&again_table);
	ng_init(&again, &again_table, &ops, &cfg, NULL);
	ck_assert_int_eq(ng_restore(&again, path, f_exists, &fake, err,
				    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":2: malformed"));
	ng_free(&again);
	unlink(path);
	ck_assert_int_eq(ng_restore(&again, path, f_exists, &fake, err,
				    sizeof(err)), 0);

	/* a clean stop: the streams removed, then a state with no call */
	offer_answer("three");
	ng_free(&ng);
	ck_assert_uint_eq(live(), 0);
	ck_assert_msg(!ng_save(&ng, path, err, sizeof(err)), "%s", err);
	read_text(path, text, sizeof(text));
	ck_assert_ptr_null(strstr(text, "\ncall "));
	unlink(path);
}
END_TEST

/* The crypto line of SDP reply @r (its first a=crypto), into @out. */
static void crypto_of(const struct benc_node *r, char *out, size_t size)
{
	const struct benc_node *sdp = benc_get(r, "sdp");
	char *text, *p, *e;

	ck_assert_msg(sdp != NULL, "no sdp: %s", reply_text);
	text = strndup(sdp->s, sdp->len);
	p = strstr(text, "a=crypto:");
	ck_assert_ptr_nonnull(p);
	e = strstr(p, "\r\n");
	ck_assert_ptr_nonnull(e);
	*e = '\0';
	snprintf(out, size, "%s", p);
	free(text);
}

static const struct benc_node *offer_from_a(const char *cookie, const char *id,
					    const char *sdp)
{
	return send_req(cookie, "command", "offer", FROM_A, "call-id", id,
			"from-tag", "ft", "sdp", sdp, "transport-protocol",
			"RTP/AVP", NULL);
}

static const struct benc_node *answer_from(const char *cookie, const char *id,
					   const char *tag, const char *from,
					   const char *sdp)
{
	return send_req(cookie, "command", "answer", "received-from", from,
			"call-id", id, "from-tag", "ft", "to-tag", tag,
			"sdp", sdp, NULL);
}

/* An offer in a dialog whose tags are known, from @rf (received-from). */
static const struct benc_node *dialog_offer(const char *cookie,
					    const char *id, const char *rf,
					    const char *ftag, const char *ttag,
					    const char *sdp, const char *proto)
{
	return send_req(cookie, "command", "offer", "received-from", rf,
			"call-id", id, "from-tag", ftag, "to-tag", ttag,
			"sdp", sdp, "transport-protocol", proto, NULL);
}

/* Its answer, from @rf. */
static const struct benc_node *dialog_answer(const char *cookie,
					     const char *id, const char *rf,
					     const char *ftag, const char *ttag,
					     const char *sdp)
{
	return send_req(cookie, "command", "answer", "received-from", rf,
			"call-id", id, "from-tag", ftag, "to-tag", ttag,
			"sdp", sdp, NULL);
}

static unsigned int count_op(uint8_t op)
{
	unsigned int i, n = 0;

	for (i = 0; i < FAKE_MAX; i++)
		n += fake.used[i] && fake.s[i].op == op;
	return n;
}

/* The live unprotect stream from IPv4 address @src. */
static unsigned int unprotect_from(const struct fake *f, const char *src)
{
	uint8_t a[16] = { 0 };
	unsigned int i;

	ck_assert_int_eq(inet_pton(AF_INET, src, a), 1);
	for (i = 0; i < FAKE_MAX; i++)
		if (f->used[i] && f->s[i].op == NF_SRTP_OP_UNPROTECT &&
		    !memcmp(f->s[i].saddr, a, 4))
			return i;
	ck_abort_msg("no unprotect stream from %s", src);
	return 0;
}

/*
 * Early media: the 183's answer and then the 200's, same to-tag.  The
 * second keeps every stream and the caller's key; a 200 that moves the
 * callee's port changes the streams in place, never remove-then-add.
 */
START_TEST(early_media_then_200)
{
	static const char moved[] =
		"v=0\r\no=gw 5 6 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6100 RTP/AVP 0\r\n";
	char k183[256], k200[256], kmoved[256];
	const struct benc_node *r;
	char daddr[INET_ADDRSTRLEN];

	result_is(offer_from_a("o", "em", offer_sdp), "ok");
	r = answer_from("a183", "em", "tt", "\x01l3:IP48:10.0.3.2e", answer_sdp);
	result_is(r, "ok");
	crypto_of(r, k183, sizeof(k183));
	ck_assert_uint_eq(live(), 2);
	/* the offer's guard became the protect stream toward the caller */
	ck_assert_uint_eq(fake.updates, 1);
	r = answer_from("a200", "em", "tt", "\x01l3:IP48:10.0.3.2e", answer_sdp);
	result_is(r, "ok");
	crypto_of(r, k200, sizeof(k200));
	ck_assert_str_eq(k183, k200);		/* the caller's key stays */
	ck_assert_uint_eq(fake.adds, 2);
	ck_assert_uint_eq(fake.dels, 0);
	ck_assert_uint_eq(fake.updates, 1);	/* nothing changed */

	r = answer_from("a200b", "em", "tt", "\x01l3:IP48:10.0.3.2e", moved);
	result_is(r, "ok");
	crypto_of(r, kmoved, sizeof(kmoved));
	ck_assert_str_eq(k183, kmoved);
	ck_assert_uint_eq(fake.adds, 2);
	ck_assert_uint_eq(fake.dels, 0);
	ck_assert_uint_eq(fake.rematches, 2);	/* + the unprotect stream */
	ck_assert_uint_eq(fake.rekeys, 1);
	inet_ntop(AF_INET, fake.s[2].daddr, daddr, sizeof(daddr));
	ck_assert_str_eq(daddr, "10.0.3.2");
	ck_assert_uint_eq(fake.s[2].dport, 6100);
	ck_assert_ptr_nonnull(strstr(log_text, "call em: answer to-tag tt"));
	ck_assert_ptr_null(strstr(log_text, "inline"));
}
END_TEST

/*
 * A re-INVITE that adds a=rtcp-mux, answered with it, then one that drops
 * it: the streams toward and from the caller change in place, flags and
 * match together, never removed and added (a moment without a stream).
 */
START_TEST(mux_reoffer_in_place)
{
	static const char mux_sdp[] =
		"v=0\r\no=- 1 2 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=rtcp-mux\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"m=audio 4000 RTP/AVP 0\r\n";
	static const char mux_answer[] =
		"v=0\r\no=gw 5 6 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6000 RTP/AVP 0\r\na=rtcp-mux\r\n";
	unsigned int i, muxed = 0, adds;

	result_is(offer_from_a("o1", "mx", offer_sdp), "ok");
	result_is(answer_from("a1", "mx", "tt", "\x01l3:IP48:10.0.3.2e",
			      answer_sdp), "ok");
	adds = fake.adds;
	result_is(offer_from_a("o2", "mx", mux_sdp), "ok");
	result_is(answer_from("a2", "mx", "tt", "\x01l3:IP48:10.0.3.2e",
			      mux_answer), "ok");
	ck_assert_uint_eq(fake.adds, adds);
	ck_assert_uint_eq(fake.dels, 0);
	for (i = 0; i < FAKE_MAX; i++) {
		if (!fake.used[i] || !(fake.s[i].flags & NF_SRTP_F_RTCP_MUX))
			continue;
		ck_assert_uint_eq(fake.s[i].rtcp_dport, 0);
		muxed++;
	}
	/* the caller's leg is SRTP both ways: both its streams multiplex */
	ck_assert_uint_eq(muxed, 2);
	result_is(offer_from_a("o3", "mx", offer_sdp), "ok");
	result_is(answer_from("a3", "mx", "tt", "\x01l3:IP48:10.0.3.2e",
			      answer_sdp), "ok");
	ck_assert_uint_eq(fake.adds, adds);
	ck_assert_uint_eq(fake.dels, 0);
	for (i = 0; i < FAKE_MAX; i++)
		ck_assert(!fake.used[i] ||
			  !(fake.s[i].flags & NF_SRTP_F_RTCP_MUX));
}
END_TEST

/*
 * A forked call: two callees answer with their own to-tags.  Each branch
 * gets its own key toward the caller (one key for two forks would let
 * one callee make the router reuse keystream toward the caller).  The
 * losing fork's delete removes its branch only; the BYE the whole call.
 */
START_TEST(forked_call)
{
	static const char b2_sdp[] =
		"v=0\r\no=gw2 5 5 IN IP4 10.0.3.3\r\ns=-\r\nc=IN IP4 10.0.3.3\r\nt=0 0\r\n"
		"m=audio 7000 RTP/AVP 0\r\n";
	char k1[256], k2[256];
	const struct benc_node *r;

	result_is(offer_from_a("o", "fork", offer_sdp), "ok");
	r = answer_from("a1", "fork", "t1", "\x01l3:IP48:10.0.3.2e", answer_sdp);
	result_is(r, "ok");
	crypto_of(r, k1, sizeof(k1));
	r = answer_from("a2", "fork", "t2", "\x01l3:IP48:10.0.3.3e", b2_sdp);
	result_is(r, "ok");
	crypto_of(r, k2, sizeof(k2));
	ck_assert_str_ne(k1, k2);
	/*
	 * The caller's direction is taken over by the later answer (one
	 * protect stream per destination: its guard): new source, new key.
	 */
	ck_assert_uint_eq(live(), 3);
	ck_assert_uint_eq(count_op(NF_SRTP_OP_PROTECT), 1);
	ck_assert_uint_eq(fake.rematches, 2);	/* guard -> t1 -> t2 */
	ck_assert_uint_eq(fake.rekeys, 2);
	ck_assert_uint_eq(fake.dels, 0);

	/* a third fork refuses without having answered: nothing goes */
	r = send_req("d0", "command", "delete", "call-id", "fork",
		     "from-tag", "ft", "to-tag", "t3", NULL);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "warning"), "Unknown to-tag"));
	ck_assert_uint_eq(live(), 3);
	/* the first fork is CANCELled: its 487 deletes its branch */
	r = send_req("d1", "command", "delete", "call-id", "fork",
		     "from-tag", "ft", "to-tag", "t1", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(live(), 2);
	ck_assert_ptr_nonnull(ng_find(&ng, "fork"));
	ck_assert_uint_eq(fake.s[3].dport, 7000);	/* t2's stay */
	ck_assert(fake.used[1] && !fake.used[2] && fake.used[3]);
	/* the BYE from the callee: its tag is the from-tag then */
	r = send_req("d2", "command", "delete", "call-id", "fork",
		     "from-tag", "t2", "to-tag", "ft", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(live(), 1);		/* the guard tail */
	calls_expire(&table, now + NG_GUARD_TAIL);
	ck_assert_uint_eq(live(), 0);
	ck_assert_ptr_null(ng_find(&ng, "fork"));
}
END_TEST

/*
 * A delete that names its branch by via-branch alone (Kamailio's
 * "via-branch=2" flag, no to-tag): that fork's branch goes, the other
 * stays; a via-branch no answer came with removes nothing but the call,
 * as a delete without tags does.
 */
START_TEST(delete_by_via_branch)
{
	static const char b2_sdp[] =
		"v=0\r\no=gw2 5 5 IN IP4 10.0.3.3\r\ns=-\r\nc=IN IP4 10.0.3.3\r\nt=0 0\r\n"
		"m=audio 7000 RTP/AVP 0\r\n";
	const struct benc_node *r;

	result_is(offer_from_a("o", "via", offer_sdp), "ok");
	result_is(send_req("a1", "command", "answer", "received-from", B_RF,
			   "call-id", "via", "from-tag", "ft", "to-tag", "t1",
			   "via-branch", "z9hG4bK.1", "sdp", answer_sdp, NULL),
		  "ok");
	result_is(send_req("a2", "command", "answer", "received-from",
			   "\x01l3:IP48:10.0.3.3e", "call-id", "via",
			   "from-tag", "ft", "to-tag", "t2",
			   "via-branch", "z9hG4bK.2", "sdp", b2_sdp, NULL),
		  "ok");
	ck_assert_uint_eq(live(), 3);
	r = send_req("d1", "command", "delete", "call-id", "via",
		     "from-tag", "ft", "via-branch", "z9hG4bK.1", NULL);
	result_is(r, "ok");
	ck_assert_ptr_nonnull(strstr(log_text, "call via: branch to-tag t1 deleted"));
	ck_assert_uint_eq(live(), 2);
	ck_assert_uint_eq(fake.s[3].dport, 7000);	/* t2's stay */
	ck_assert(fake.used[1] && !fake.used[2] && fake.used[3]);
	/* one branch left: its via-branch ends the call */
	r = send_req("d2", "command", "delete", "call-id", "via",
		     "from-tag", "ft", "via-branch", "z9hG4bK.2", NULL);
	result_is(r, "ok");
	ck_assert_ptr_nonnull(strstr(log_text, "call via: deleted (2 streams)"));
	ck_assert_uint_eq(live(), 1);		/* the guard tail */
	calls_expire(&table, now + NG_GUARD_TAIL);
	ck_assert_uint_eq(live(), 0);
}
END_TEST

/*
 * Hold by c=0.0.0.0 (RFC 2543 style, Polycom's and many gateways'): the
 * streams keep the addresses they had; none becomes a wildcard match.
 */
START_TEST(hold_keeps_addresses)
{
	static const char hold_offer[] =
		"v=0\r\no=- 1 2 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"a=sendonly\r\n"
		"m=audio 4000 RTP/AVP 0\r\n";
	static const uint8_t zero[16];
	unsigned int i;

	result_is(offer_from_a("o", "hold", offer_sdp), "ok");
	result_is(answer_from("a", "hold", "tt", "\x01l3:IP48:10.0.3.2e",
			      answer_sdp), "ok");
	ck_assert_uint_eq(live(), 2);
	result_is(offer_from_a("o2", "hold", hold_offer), "ok");
	result_is(answer_from("a2", "hold", "tt", "\x01l3:IP48:10.0.3.2e",
			      answer_sdp), "ok");
	ck_assert_uint_eq(live(), 2);
	ck_assert_uint_eq(fake.dels, 0);
	for (i = 0; i < FAKE_MAX; i++) {
		if (!fake.used[i])
			continue;
		ck_assert_msg(memcmp(fake.s[i].saddr, zero, 4) &&
			      memcmp(fake.s[i].daddr, zero, 4),
			      "stream %u matches 0.0.0.0", i);
	}
	/* a call that starts on hold has no address to match: nothing */
	result_is(offer_from_a("o3", "held", hold_offer), "ok");
	result_is(answer_from("a3", "held", "tt", "\x01l3:IP48:10.0.3.2e",
			      answer_sdp), "ok");
	ck_assert_uint_eq(live(), 2);
}
END_TEST

/*
 * A caller's SDP names a third party's address and port (a DNS server):
 * refused before anything is forwarded or installed.  So are a callee's
 * answer from elsewhere than its signalling source and a port below the
 * media range; a configured media network lets a gateway's media address
 * differ from its signalling address.
 */
START_TEST(hostile_media_addresses)
{
	static const char dns_offer[] =
		"v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 192.0.2.53\r\nt=0 0\r\n"
		"m=audio 53 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";
	static const char low_port[] =
		"v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 53 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";
	static const char elsewhere[] =
		"v=0\r\no=gw 5 5 IN IP4 10.0.9.9\r\ns=-\r\nc=IN IP4 10.0.9.9\r\nt=0 0\r\n"
		"m=audio 6000 RTP/AVP 0\r\n";
	const struct benc_node *r;
	char err[128];

	error_has(offer_from_a("o1", "h", dns_offer),
		  "media address 192.0.2.53 is neither the address the SDP came from (10.0.1.2)");
	ck_assert_ptr_null(ng_find(&ng, "h"));
	error_has(offer_from_a("o2", "h", low_port),
		  "media port 53 (RTCP 54) is outside the media port range 1024-65535");
	/* no received-from: only media networks are trusted */
	error_has(send_req("o3", "command", "offer", "call-id", "h",
			   "from-tag", "ft", "sdp", offer_sdp, NULL),
		  "no received-from");
	error_has(send_req("o4", "command", "offer", "call-id", "h",
			   "from-tag", "ft", "sdp", offer_sdp,
			   "received-from", "\x01l3:IP44:nopee", NULL),
		  "\"received-from\"");

	result_is(offer_from_a("o5", "h", offer_sdp), "ok");
	r = answer_from("a1", "h", "tt", "\x01l3:IP48:10.0.3.2e", elsewhere);
	error_has(r, "the callee's media address 10.0.9.9 is neither");
	ck_assert_uint_eq(fake.adds, 1);	/* the offer's guard only */
	ck_assert_uint_eq(live(), 1);

	ck_assert(!media_parse_net("10.0.9.0/24", &ng.trust.nets[0], err,
				sizeof(err)));
	ng.trust.nnets = 1;
	r = answer_from("a2", "h", "tt", "\x01l3:IP48:10.0.3.2e", elsewhere);
	result_is(r, "ok");
	ck_assert_uint_eq(live(), 2);

	ck_assert_int_eq(media_parse_net("10.0.9.0/33", &ng.trust.nets[1], err,
				      sizeof(err)), -1);
	ck_assert_int_eq(media_parse_net("example.com", &ng.trust.nets[1], err,
				      sizeof(err)), -1);
	ck_assert(!media_parse_net("fd00::/8", &ng.trust.nets[1], err,
				sizeof(err)));
	ck_assert_int_eq(ng_parse_ports("2000-1000", &ng.trust, err,
					sizeof(err)), -1);
	ck_assert_int_eq(ng_parse_ports("0-100", &ng.trust, err,
					sizeof(err)), -1);
	ck_assert(!ng_parse_ports("10000-20000", &ng.trust, err, sizeof(err)));
	error_has(offer_from_a("o6", "h2", offer_sdp), "10000-20000");
}
END_TEST

/*
 * A CANCEL crossing the 200: the delete with delete-delay leaves the call
 * (and its streams, transforming) until the delay runs out, so the
 * answer that follows still finds it.
 */
START_TEST(delete_delay)
{
	const struct benc_node *r;

	result_is(offer_from_a("o", "dd", offer_sdp), "ok");
	r = send_req("d", "command", "delete", "call-id", "dd", "from-tag", "ft",
		     "delete-delay", "\x01i5e", NULL);
	result_is(r, "ok");
	ck_assert_int_eq(calls_expire(&table, now), now + 5);
	result_is(answer_from("a", "dd", "tt", "\x01l3:IP48:10.0.3.2e",
			      answer_sdp), "ok");
	ck_assert_uint_eq(live(), 2);
	/* the answer made the call live again; its BYE deletes it later */
	ck_assert_int_gt(calls_expire(&table, now + 10), now + 10);	/* idle check */
	ck_assert_uint_eq(live(), 2);
	r = send_req("d2", "command", "delete", "call-id", "dd",
		     "delete-delay", "\x01i5e", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(live(), 2);
	ck_assert_int_eq(calls_expire(&table, now + 4), now + 5);
	ck_assert_uint_eq(live(), 2);
	/* the delay is over: the guard tail begins */
	ck_assert_int_eq(calls_expire(&table, now + 5), now + 5 + NG_GUARD_TAIL);
	ck_assert_uint_eq(live(), 1);
	ck_assert_int_eq(calls_expire(&table, now + 5 + NG_GUARD_TAIL), 0);
	ck_assert_uint_eq(live(), 0);
	ck_assert_ptr_null(ng_find(&ng, "dd"));
	result_is(offer_from_a("o2", "dd2", offer_sdp), "ok");
	error_has(send_req("d4", "command", "delete", "call-id", "dd2",
			   "delete-delay", "\x01i-1e", NULL), "delete-delay");
	error_has(send_req("d5", "command", "delete", "call-id", "dd2",
			   "delete-delay", "5s", NULL), "delete-delay");
	/* Kamailio's delete-delay=N flag comes as a string */
	result_is(send_req("d6", "command", "delete", "call-id", "dd2",
			   "delete-delay", "7", NULL), "ok");
	ck_assert_int_eq(calls_expire(&table, now), now + 7);
}
END_TEST

/*
 * srtpd killed during a guard tail: the state file lists the guards and
 * the restarted srtpd removes them (nothing else would).  A call on hold
 * from its offer gets no guard: there is no address to guard.
 */
START_TEST(guards_after_restart)
{
	char path[] = "/tmp/ng-guards-XXXXXX", err[256], text[2048];
	struct ng_ops ops = { f_add, f_del, f_get, f_update, f_log, &fake };
	const struct benc_node *r;
	FILE *f;
	size_t n;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	offer_answer("g");
	r = send_req("d", "command", "delete", "call-id", "g", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(live(), 1);
	ck_assert_msg(!ng_save(&ng, path, err, sizeof(err)), "%s", err);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "\nguards 1\n"));
	ck_assert_ptr_null(strstr(text, "call g "));

	ng.ops.del = f_del_none;	/* SIGKILL */
	ng_free(&ng);
	ng_init(&ng, &table, &ops, &cfg, NULL);
	ck_assert_int_eq(ng_restore(&ng, path, f_exists, &fake, err,
				    sizeof(err)), 0);
	ck_assert_uint_eq(live(), 0);
	ck_assert_uint_eq(table.count, 0);
	unlink(path);
}
END_TEST

/*
 * The bulletin's Scenario Two (require=1) with a plain PSTN gateway: a
 * call from the gateway was refused, as the caller's leg got the phones'
 * policy.  A caller from a --plain-peer network (or "model" plain) has a
 * plain leg; the phone's leg follows the phones' policy: SRTP only.
 */
START_TEST(scenario_two_from_gateway)
{
	static const char xml[] =
		"<sip><sec sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" "
		"sec.srtp.offer=\"1\" sec.srtp.require=\"1\"/></sip>";
	static const char gw_offer[] =
		"v=0\r\no=gw 1 1 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6000 RTP/AVP 0\r\n";
	static const char phone_answer[] =
		"v=0\r\no=- 7 7 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";
	const struct benc_node *r;
	char err[256];
	unsigned int i;

	config_free(&cfg);
	config_init(&cfg);
	ck_assert(!config_load_buffer(&cfg, "s2.cfg", xml, strlen(xml), err,
				      sizeof(err)));
	/* the phones' policy for the gateway: refused, as before */
	error_has(send_req("o1", "command", "offer", FROM_B, "call-id", "s2",
			   "from-tag", "gw", "sdp", gw_offer, NULL),
		  "the caller's offer");
	ck_assert_ptr_null(ng_find(&ng, "s2"));

	ck_assert(!media_parse_net("10.0.3.0/24", &ng.trust.plain[0], err,
				sizeof(err)));
	ng.trust.nplain = 1;
	r = send_req("o2", "command", "offer", FROM_B, "call-id", "s2",
		     "from-tag", "gw", "sdp", gw_offer, NULL);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "m=audio 6000 RTP/SAVP 0\r\n"));
	ck_assert(str_has(benc_get(r, "sdp"), "a=crypto:1 AES_CM_128_HMAC_SHA1_80"));
	ck_assert(!str_has(benc_get(r, "sdp"), "RTP/AVP"));
	ck_assert_uint_eq(live(), 0);	/* the gateway's leg needs no guard */
	r = send_req("a2", "command", "answer", FROM_A, "call-id", "s2",
		     "from-tag", "gw", "to-tag", "ph", "sdp", phone_answer, NULL);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "m=audio 4000 RTP/AVP 0\r\n"));
	ck_assert(!str_has(benc_get(r, "sdp"), "a=crypto"));
	/* protect gateway -> phone, unprotect phone -> gateway */
	ck_assert_uint_eq(live(), 2);
	for (i = 1; i <= 2; i++) {
		if (fake.s[i].op == NF_SRTP_OP_PROTECT) {
			addr_is(fake.s[i].daddr, "10.0.1.2");
			ck_assert_uint_eq(fake.s[i].dport, 4000);
		} else {
			addr_is(fake.s[i].saddr, "10.0.1.2");
			ck_assert_uint_eq(fake.s[i].dport, 6000);
		}
	}
	r = send_req("q", "command", "query", "call-id", "s2", NULL);
	ck_assert(benc_is(benc_get(r, "model"), "plain"));
	ck_assert_ptr_nonnull(strstr(log_text, "model plain, callee IP_650"));

	/* the same by the proxy's word, from anywhere */
	ng.trust.nplain = 0;
	r = send_req("o3", "command", "offer", FROM_B, "call-id", "s3",
		     "from-tag", "gw", "sdp", gw_offer, "model", "plain", NULL);
	result_is(r, "ok");
	ck_assert(!str_has(benc_get(r, "sdp"), "RTP/AVP"));
	error_has(send_req("o4", "command", "offer", FROM_B, "call-id", "s4",
			   "from-tag", "gw", "sdp", gw_offer,
			   "callee-model", "IP_999", NULL),
		  "\"callee-model\": unknown phone model");
}
END_TEST

/*
 * A re-INVITE from the callee (the gateway puts the phone on hold and
 * back): its from-tag is the callee's, its answer's to-tag the caller's.
 * It stays one dialog: the streams are changed in place (the phone's
 * unchanged key keeps its stream), and the BYE removes the whole call.
 */
START_TEST(reinvite_from_callee)
{
	static const char gw_reoffer[] =
		"v=0\r\no=gw 5 6 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6000 RTP/AVP 0\r\na=sendonly\r\n";
	static const char phone_reanswer[] =
		"v=0\r\no=- 1 2 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"a=recvonly\r\n";
	const struct benc_node *r;

	result_is(offer_from_a("o", "ri", offer_sdp), "ok");
	result_is(answer_from("a", "ri", "tt", "\x01l3:IP48:10.0.3.2e",
			      answer_sdp), "ok");
	ck_assert_uint_eq(live(), 2);
	r = dialog_offer("o2", "ri", B_RF, "tt", "ft", gw_reoffer, "RTP/SAVP");
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "m=audio 6000 RTP/SAVP 0\r\n"));
	r = dialog_answer("a2", "ri", A_RF, "tt", "ft", phone_reanswer);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "m=audio 4000 RTP/AVP 0\r\n"));
	/* the same two streams: the protect one re-keyed, none added */
	ck_assert_uint_eq(live(), 2);
	ck_assert_uint_eq(fake.adds, 2);
	ck_assert_uint_eq(fake.dels, 0);
	ck_assert_uint_eq(count_op(NF_SRTP_OP_PROTECT), 1);
	r = send_req("q", "command", "query", "call-id", "ri", NULL);
	ck_assert(benc_is(benc_get(r, "from-tag"), "ft"));
	/* the BYE: the dialog's only branch, so the whole call */
	r = send_req("d", "command", "delete", "call-id", "ri",
		     "from-tag", "ft", "to-tag", "tt", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(live(), 1);	/* its guard, for the tail */
	ck_assert_int_eq(calls_expire(&table, now + NG_GUARD_TAIL), 0);
	ck_assert_uint_eq(live(), 0);
}
END_TEST

/*
 * A delayed offer: A's INVITE has no SDP, the gateway's 200 OK carries
 * the offer and A's ACK the answer.  Kamailio's rtpengine module sends
 * both with the dialog's tags turned round (from-tag: the callee's), so
 * the bridge's caller is the gateway: its plain offer goes to A as
 * SRTP with a key of ours, A's answer back plain, and A's re-INVITE
 * later is a re-offer from the other side of the same call.
 */
START_TEST(delayed_offer)
{
	static const char gw_offer[] =
		"v=0\r\no=gw 5 5 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6000 RTP/AVP 0\r\n";
	static const char phone_answer[] =
		"v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";
	static const char phone_reoffer[] =
		"v=0\r\no=- 1 2 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"a=sendonly\r\n";
	static const char gw_reanswer[] =
		"v=0\r\no=gw 5 6 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6000 RTP/AVP 0\r\na=recvonly\r\n";
	char key_to_a[256], again[256];
	const struct benc_node *r;
	unsigned int adds, updates, rekeys;

	/* the 200 OK's offer, from the gateway, toward A as SRTP */
	r = dialog_offer("o", "late", B_RF, "tt", "ft", gw_offer, "RTP/SAVP");
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "m=audio 6000 RTP/SAVP 0\r\n"));
	crypto_of(r, key_to_a, sizeof(key_to_a));
	/*
	 * No stream yet: A's address comes with its answer, so nothing can
	 * be sent to A before the streams toward it exist; the gateway's
	 * leg is plain and needs no guard.
	 */
	ck_assert_uint_eq(live(), 0);
	/* the ACK's answer, from A: plain toward the gateway */
	r = dialog_answer("a", "late", A_RF, "tt", "ft", phone_answer);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "m=audio 4000 RTP/AVP 0\r\n"));
	ck_assert(!str_has(benc_get(r, "sdp"), "a=crypto"));
	ck_assert_uint_eq(live(), 2);
	ck_assert_uint_eq(count_op(NF_SRTP_OP_PROTECT), 1);
	ck_assert_uint_eq(count_op(NF_SRTP_OP_UNPROTECT), 1);
	unprotect_from(&fake, "10.0.1.2");
	ck_assert_ptr_nonnull(strstr(log_text, "call late: answer to-tag ft"));

	/*
	 * The 200 sent again (its ACK crossed it), and the ACK that answers
	 * it: the same key toward A, the streams as they are.  New keys here
	 * would re-key A's leg with a key A never saw.
	 */
	adds = fake.adds;
	updates = fake.updates;
	rekeys = fake.rekeys;
	r = dialog_offer("o1", "late", B_RF, "tt", "ft", gw_offer, "RTP/SAVP");
	result_is(r, "ok");
	crypto_of(r, again, sizeof(again));
	ck_assert_str_eq(again, key_to_a);
	r = dialog_answer("a1", "late", A_RF, "tt", "ft", phone_answer);
	result_is(r, "ok");
	ck_assert_uint_eq(fake.adds, adds);
	ck_assert_uint_eq(fake.updates, updates);
	ck_assert_uint_eq(fake.rekeys, rekeys);
	ck_assert_uint_eq(fake.dels, 0);

	/* A holds the gateway: a re-offer from the dialog's other side */
	r = dialog_offer("o2", "late", A_RF, "ft", "tt", phone_reoffer, "RTP/AVP");
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "m=audio 4000 RTP/AVP 0\r\n"));
	r = dialog_answer("a2", "late", B_RF, "ft", "tt", gw_reanswer);
	result_is(r, "ok");
	/* back to A as SRTP (keys of its own: the dialog's other side) */
	ck_assert(str_has(benc_get(r, "sdp"), "m=audio 6000 RTP/SAVP 0\r\n"));
	ck_assert(str_has(benc_get(r, "sdp"), "a=crypto:1 "));
	ck_assert_uint_eq(live(), 2);
	ck_assert_uint_eq(fake.dels, 0);

	/*
	 * A's BYE: the whole call.  The protect stream toward A becomes a
	 * guard that starts a new session: A's next call on this port
	 * finds none of this one's SSRCs and indices in it.
	 */
	ck_assert_uint_eq(fake.new_sessions, 0);
	result_is(send_req("d", "command", "delete", "call-id", "late",
			   "from-tag", "ft", "to-tag", "tt", NULL), "ok");
	ck_assert_uint_eq(live(), 1);
	ck_assert_uint_eq(fake.new_sessions, 1);
	ck_assert_int_eq(calls_expire(&table, now + NG_GUARD_TAIL), 0);
	ck_assert_uint_eq(live(), 0);
}
END_TEST

/*
 * The callee holds the caller by c=0.0.0.0 (RFC 2543 style) on a call
 * with SRTP on both legs: its re-INVITE turns the roles round (the
 * bridge's caller is the callee), and the streams must keep the
 * addresses they had, each its own: A's media still matched from A
 * toward B, B's from B toward A, never 0.0.0.0 and never A toward A.
 */
START_TEST(callee_hold_keeps_addresses)
{
	static const char b_srtp[] =
		"v=0\r\no=gw 5 5 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw\r\n"
		"m=audio 0 RTP/AVP 0\r\n";
	static const char b_hold[] =
		"v=0\r\no=gw 5 6 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
		"m=audio 6000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw\r\n"
		"a=sendonly\r\n";
	static const char a_held[] =
		"v=0\r\no=- 1 2 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"a=recvonly\r\n";
	static const uint8_t a[4] = { 10, 0, 1, 2 }, b[4] = { 10, 0, 3, 2 };
	struct nfsrtp_stream before[FAKE_MAX];
	const struct benc_node *r;
	unsigned int i;

	result_is(send_req("o1", "command", "offer", FROM_A, "call-id", "ch",
			   "from-tag", "ft", "sdp", offer_sdp, NULL), "ok");
	result_is(answer_from("a1", "ch", "tt", "\x01l3:IP48:10.0.3.2e", b_srtp),
		  "ok");
	ck_assert_uint_eq(live(), 4);
	memcpy(before, fake.s, sizeof(before));
	r = send_req("o2", "command", "offer", FROM_B, "call-id", "ch",
		     "from-tag", "tt", "to-tag", "ft", "sdp", b_hold, NULL);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "c=IN IP4 0.0.0.0\r\n"));
	ck_assert(str_has(benc_get(r, "sdp"), "a=sendonly\r\n"));
	r = send_req("a2", "command", "answer", FROM_A, "call-id", "ch",
		     "from-tag", "tt", "to-tag", "ft", "sdp", a_held, NULL);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "a=recvonly\r\n"));
	ck_assert_uint_eq(live(), 4);
	ck_assert_uint_eq(fake.dels, 0);
	for (i = 0; i < FAKE_MAX; i++) {
		const struct nfsrtp_stream *s = &fake.s[i];

		if (!fake.used[i])
			continue;
		/* each stream still matches the direction it matched */
		ck_assert_msg(!memcmp(s->saddr, before[i].saddr, 4) &&
			      !memcmp(s->daddr, before[i].daddr, 4) &&
			      s->dport == before[i].dport,
			      "stream %u: %u.%u.%u.%u -> %u.%u.%u.%u:%u, was %u.%u.%u.%u -> %u.%u.%u.%u:%u",
			      i, s->saddr[0], s->saddr[1], s->saddr[2], s->saddr[3],
			      s->daddr[0], s->daddr[1], s->daddr[2], s->daddr[3], s->dport,
			      before[i].saddr[0], before[i].saddr[1], before[i].saddr[2],
			      before[i].saddr[3], before[i].daddr[0], before[i].daddr[1],
			      before[i].daddr[2], before[i].daddr[3], before[i].dport);
		ck_assert_msg((!memcmp(s->saddr, a, 4) && !memcmp(s->daddr, b, 4) &&
			       s->dport == 6000) ||
			      (!memcmp(s->saddr, b, 4) && !memcmp(s->daddr, a, 4) &&
			       s->dport == 4000), "stream %u: not between A and B", i);
	}
}
END_TEST

/*
 * A proxy passes an INVITE twice when its retransmission comes while the
 * first copy is still with us (Kamailio's workers, before the first has
 * made the transaction): the same offer again.  The callee got the
 * first's SDP, so the second is forwarded the same, under the same keys;
 * the answer then installs those.  Once answered, the same SDP is a
 * re-offer again (a session refresh), and a changed one a new offer.
 */
START_TEST(same_offer_twice)
{
	static const char b_srtp[] =
		"v=0\r\no=gw 5 5 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw\r\n"
		"m=audio 0 RTP/AVP 0\r\n";
	char k1[256], k2[256], k3[256];
	unsigned int adds;

	crypto_of(send_req("o1", "command", "offer", FROM_A, "call-id", "tw",
			   "from-tag", "ft", "sdp", offer_sdp, NULL), k1,
		  sizeof(k1));
	adds = fake.adds;
	crypto_of(send_req("o1x", "command", "offer", FROM_A, "call-id", "tw",
			   "from-tag", "ft", "sdp", offer_sdp, NULL), k2,
		  sizeof(k2));
	ck_assert_str_eq(k1, k2);
	ck_assert_uint_eq(fake.adds, adds);
	ck_assert_ptr_nonnull(strstr(log_text,
				     "call tw: the same offer again from-tag ft"));
	/* the answer installs the keys the callee has: the offer's */
	result_is(answer_from("a1", "tw", "tt", "\x01l3:IP48:10.0.3.2e", b_srtp),
		  "ok");
	ck_assert_uint_eq(live(), 4);
	ck_assert_ptr_null(ng_find(&ng, "tw")->offer_fwd);
	/* answered: the same SDP is a session refresh, its keys kept */
	crypto_of(send_req("o2", "command", "offer", FROM_A, "call-id", "tw",
			   "from-tag", "ft", "sdp", offer_sdp, NULL), k3,
		  sizeof(k3));
	ck_assert_str_eq(k1, k3);
	ck_assert_int_eq(ng_find(&ng, "tw")->again_branch, 0);
	/* another call's first offer, twice with different SDPs: new keys */
	crypto_of(send_req("o3", "command", "offer", FROM_A, "call-id", "tw2",
			   "from-tag", "f2", "sdp",
			   "v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
			   "m=audio 4400 RTP/SAVP 0\r\n"
			   "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n",
			   NULL), k1, sizeof(k1));
	crypto_of(send_req("o3x", "command", "offer", FROM_A, "call-id", "tw2",
			   "from-tag", "f2", "sdp",
			   "v=0\r\no=- 1 2 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
			   "m=audio 4400 RTP/SAVP 0\r\n"
			   "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n",
			   NULL), k2, sizeof(k2));
	ck_assert_str_ne(k1, k2);
}
END_TEST

/*
 * Timers: an offer no answer follows goes after the no-answer timeout; a
 * call whose kernel counters stop moving goes after the idle timeout,
 * and one whose counters move stays.  Each leaves its guard for the tail.
 */
START_TEST(timers)
{
	time_t t;

	result_is(offer_from_a("o", "na", offer_sdp), "ok");
	ck_assert_int_eq(calls_expire(&table, now), now + CALLS_NO_ANSWER);
	ck_assert_int_eq(calls_expire(&table, now + CALLS_NO_ANSWER - 1),
			 now + CALLS_NO_ANSWER);
	ck_assert_ptr_nonnull(ng_find(&ng, "na"));
	calls_expire(&table, now + CALLS_NO_ANSWER);
	ck_assert_ptr_nonnull(strstr(log_text, "call na: deleted, no answer came"));
	calls_expire(&table, now + CALLS_NO_ANSWER + NG_GUARD_TAIL);
	ck_assert_ptr_null(ng_find(&ng, "na"));
	ck_assert_uint_eq(live(), 0);

	result_is(offer_from_a("o2", "idle", offer_sdp), "ok");
	result_is(answer_from("a2", "idle", "tt", "\x01l3:IP48:10.0.3.2e",
			      answer_sdp), "ok");
	ck_assert_uint_eq(live(), 2);
	/* packets flow: the counters move at every check */
	for (t = now; t < now + 3 * CALLS_IDLE; t += CALLS_IDLE / 4) {
		fake.s[1].packets += 50;
		calls_expire(&table, t);
		ck_assert_ptr_nonnull(ng_find(&ng, "idle"));
	}
	/* then nothing for the idle timeout, from the last check that saw
	 * the counters move */
	t -= CALLS_IDLE / 4;
	calls_expire(&table, t + CALLS_IDLE - 1);
	ck_assert(!ng_find(&ng, "idle")->e.closing);
	calls_expire(&table, t + CALLS_IDLE);
	ck_assert(ng_find(&ng, "idle")->e.closing);
	ck_assert_ptr_nonnull(strstr(log_text,
				     "call idle: deleted, no packet for the idle timeout"));
	calls_expire(&table, t + CALLS_IDLE + NG_GUARD_TAIL);
	ck_assert_uint_eq(live(), 0);
}
END_TEST

/*
 * A call without kernel streams (plain RTP on both legs) has nothing to
 * watch: it goes after the idle timeout from its last offer or answer,
 * and a re-offer restarts that wait.  Before, such a call was never idle
 * and, its BYE lost, stayed until the session timeout (none by default).
 */
START_TEST(plain_call_idles)
{
	static const char plain[] =
		"v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4000 RTP/AVP 0\r\n";
	static const char plain2[] =
		"v=0\r\no=- 1 2 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4000 RTP/AVP 0\r\na=sendonly\r\n";
	const time_t t0 = now;

	result_is(offer_from_a("o", "pl", plain), "ok");
	result_is(answer_from("a", "pl", "tt", B_RF, answer_sdp), "ok");
	ck_assert_uint_eq(live(), 0);
	ck_assert_uint_eq(ng_find(&ng, "pl")->set.n, 0);
	ck_assert_int_eq(calls_expire(&table, t0), t0 + CALLS_IDLE / 4);
	calls_expire(&table, t0 + CALLS_IDLE - 1);
	ck_assert_ptr_nonnull(ng_find(&ng, "pl"));

	/* a hold re-INVITE at t0 + 200: the wait starts again */
	now = t0 + 200;
	result_is(dialog_offer("o2", "pl", A_RF, "ft", "tt", plain2, "RTP/AVP"),
		  "ok");
	result_is(dialog_answer("a2", "pl", B_RF, "ft", "tt", answer_sdp), "ok");
	calls_expire(&table, t0 + 200);
	calls_expire(&table, t0 + CALLS_IDLE + 1);
	ck_assert_ptr_nonnull(ng_find(&ng, "pl"));
	calls_expire(&table, t0 + 200 + CALLS_IDLE - 1);
	ck_assert_ptr_nonnull(ng_find(&ng, "pl"));
	calls_expire(&table, t0 + 200 + CALLS_IDLE);
	ck_assert_ptr_null(ng_find(&ng, "pl"));
	ck_assert_ptr_nonnull(strstr(log_text,
				     "call pl: deleted, no packet for the idle timeout (0 streams)"));
	ck_assert_uint_eq(table.count, 0);
	now = t0;
}
END_TEST

/*
 * Limits: calls from one address, calls in all, and the memory all
 * calls hold.  10 000 offers that are never answered stay within them
 * and all expire.
 */
static bool control_gone(void *arg, struct call_entry *e, const char *why,
			 time_t t)
{
	(void)arg; (void)e; (void)why; (void)t;
	ck_abort_msg("the control socket's call expired");
	return true;
}

/*
 * One table for both front ends: --max-calls counts the control socket's
 * calls as well, and a Call-ID that is the control socket's is not ng's.
 */
START_TEST(limit_both_front_ends)
{
	static const char plain_offer[] =
		"v=0\r\no=gw 1 1 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6000 RTP/AVP 0\r\n";
	const struct call_front control = { .name = "control socket",
					    .expire = control_gone };
	struct call_entry other = { .id = "ctl", .front = &control,
				    .answered = true };

	table.limits.max_calls = 2;
	calls_link(&table, &other);
	result_is(send_req("o1", "command", "offer", FROM_B, "call-id", "c1",
			   "from-tag", "f", "sdp", plain_offer, "model", "plain",
			   NULL), "ok");
	error_has(send_req("o2", "command", "offer", FROM_B, "call-id", "c2",
			   "from-tag", "f", "sdp", plain_offer, "model", "plain",
			   NULL), "too many calls (2, --max-calls)");
	/* a re-offer of a call it has is no new call */
	result_is(send_req("o3", "command", "offer", FROM_B, "call-id", "c1",
			   "from-tag", "f", "sdp", plain_offer, "model", "plain",
			   NULL), "ok");
	/* the control socket's call is not ng's to offer, answer or delete */
	table.limits.max_calls = 3;
	error_has(send_req("o5", "command", "offer", FROM_B, "call-id", "ctl",
			   "from-tag", "f", "sdp", plain_offer, "model", "plain",
			   NULL), "call-id ctl is a call of srtpd's control socket front end");
	ck_assert_ptr_null(ng_find(&ng, "ctl"));
	result_is(send_req("d5", "command", "delete", "call-id", "ctl",
			   "from-tag", "f", NULL), "ok");	/* unknown to ng */
	ck_assert_ptr_eq(calls_find(&table, "ctl"), &other);
	calls_expire(&table, now + 10);
	calls_unlink(&table, &other);
	table.limits.max_calls = 2;
	result_is(send_req("o4", "command", "offer", FROM_B, "call-id", "c2",
			   "from-tag", "f", "sdp", plain_offer, "model", "plain",
			   NULL), "ok");
	ck_assert_uint_eq(table.count, 2);
}
END_TEST

START_TEST(limits)
{
	static const char plain_offer[] =
		"v=0\r\no=gw 1 1 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6000 RTP/AVP 0\r\n";
	char id[32], cookie[32];
	unsigned int i;

	table.limits.max_per_source = 3;
	for (i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "ps%u", i);
		result_is(send_req(id, "command", "offer", FROM_B, "call-id", id,
				   "from-tag", "f", "sdp", plain_offer,
				   "model", "plain", NULL), "ok");
	}
	error_has(send_req("ps3", "command", "offer", FROM_B, "call-id", "ps3",
			   "from-tag", "f", "sdp", plain_offer, "model", "plain",
			   NULL), "too many calls from 10.0.3.2 (3, --max-calls-per-source)");
	/* a re-offer of a call it has is no new call */
	result_is(send_req("ps0b", "command", "offer", FROM_B, "call-id", "ps0",
			   "from-tag", "f", "sdp", plain_offer, "model", "plain",
			   NULL), "ok");

	table.limits.max_per_source = 100000;
	table.limits.max_memory = 5 * 1024 * 1024;
	for (i = 3; i < 1000; i++) {
		const struct benc_node *r;

		snprintf(id, sizeof(id), "m%u", i);
		r = send_req(id, "command", "offer", FROM_B, "call-id", id,
			     "from-tag", "f", "sdp", plain_offer, "model",
			     "plain", NULL);
		if (benc_is(benc_get(r, "result"), "error"))
			break;
	}
	error_has(send_req("mx", "command", "offer", FROM_B, "call-id", "mx",
			   "from-tag", "f", "sdp", plain_offer, "model", "plain",
			   NULL), "the calls' memory is spent");
	ck_assert_uint_lt(i, 1000);
	ck_assert_uint_le(table.memory, table.limits.max_memory);
	calls_expire(&table, now + CALLS_NO_ANSWER);
	ck_assert_uint_eq(table.count, 0);
	ck_assert_uint_eq(table.memory, 0);

	/* 10 000 offers never answered: the call cap, then all expire */
	table.limits.max_memory = (size_t)CALLS_MEMORY_MAX << 20;
	for (i = 0; i < CALLS_MAX; i++) {
		snprintf(id, sizeof(id), "u%u", i);
		snprintf(cookie, sizeof(cookie), "k%u", i);
		result_is(send_req(cookie, "command", "offer", FROM_B, "call-id",
				   id, "from-tag", "f", "sdp", plain_offer,
				   "model", "plain", NULL), "ok");
	}
	error_has(send_req("k-last", "command", "offer", FROM_B, "call-id",
			   "u-last", "from-tag", "f", "sdp", plain_offer,
			   "model", "plain", NULL), "too many calls (10000, --max-calls)");
	ck_assert_uint_le(table.memory, table.limits.max_memory);
	ck_assert_int_eq(calls_expire(&table, now + CALLS_NO_ANSWER - 1),
			 now + CALLS_NO_ANSWER);
	ck_assert_uint_eq(table.count, CALLS_MAX);
	calls_expire(&table, now + CALLS_NO_ANSWER);
	ck_assert_uint_eq(table.count, 0);
	ck_assert_uint_eq(table.memory, 0);
}
END_TEST

/* Whether the kernel has a protect stream toward 10.0.1.2:@port (A). */
static bool guarded_toward_a(uint16_t port)
{
	static const uint8_t a[4] = { 10, 0, 1, 2 };
	unsigned int i;

	for (i = 1; i < FAKE_MAX; i++)
		if (fake.used[i] && fake.s[i].op == NF_SRTP_OP_PROTECT &&
		    fake.s[i].dport == port && !memcmp(fake.s[i].daddr, a, 4))
			return true;
	return false;
}

/* The kernel stream from A toward B's @port (A's unprotect), or 0. */
static unsigned int from_a_to(uint16_t port)
{
	unsigned int i;

	for (i = 1; i < FAKE_MAX; i++)
		if (fake.used[i] && fake.s[i].op == NF_SRTP_OP_UNPROTECT &&
		    fake.s[i].dport == port)
			return i;
	return 0;
}

/*
 * A re-INVITE moves the caller's media to another port: its re-offer
 * guards the new port at once (the callee may send there before its
 * answer), and the answer moves the flow onto that guard, in place; the
 * stream toward the old port goes.  Before, the answer tried to move the
 * old protect stream onto the guarded port, which the kernel refuses
 * (one protect stream a destination), and the re-INVITE failed.
 */
START_TEST(caller_moves_port)
{
	static const char moved[] =
		"v=0\r\no=- 1 2 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4100 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";
	unsigned int before;

	result_is(offer_from_a("o", "mv", offer_sdp), "ok");
	result_is(answer_from("a", "mv", "tt", B_RF, answer_sdp), "ok");
	ck_assert(guarded_toward_a(4000));
	ck_assert_uint_eq(live(), 2);
	result_is(dialog_offer("o2", "mv", A_RF, "ft", "tt", moved, "RTP/AVP"),
		  "ok");
	ck_assert(guarded_toward_a(4100));		/* from the re-offer on */
	ck_assert(guarded_toward_a(4000));
	before = fake.adds;
	result_is(dialog_answer("a2", "mv", B_RF, "ft", "tt", answer_sdp), "ok");
	ck_assert(guarded_toward_a(4100));
	ck_assert(!guarded_toward_a(4000));
	ck_assert_uint_eq(fake.adds, before);		/* nothing added */
	ck_assert_uint_eq(live(), 2);
	ck_assert_uint_eq(ng_find(&ng, "mv")->set.n, 2);
}
END_TEST

/*
 * A re-answer the kernel refuses halfway (srtpd.8, "A re-answer that
 * fails"): what was applied stays, since the callee has moved already
 * (A's audio now matched toward B's new port), and the error is
 * returned; media toward A, the SRTP leg, still meets a protect stream
 * or its guard on every port; the same answer again completes it.
 */
START_TEST(reanswer_refused_halfway)
{
	static const char reoffer[] =
		"v=0\r\no=- 1 2 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"m=video 4002 RTP/SAVP 96\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";
	static const char reanswer[] =
		"v=0\r\no=gw 5 6 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6100 RTP/AVP 0\r\nm=video 6102 RTP/AVP 96\r\n";
	const struct benc_node *r;
	unsigned int audio;

	result_is(offer_from_a("o", "h", offer_sdp), "ok");
	result_is(answer_from("a", "h", "tt", B_RF, answer_sdp), "ok");
	audio = from_a_to(6000);
	ck_assert_uint_ne(audio, 0);
	ck_assert_uint_eq(live(), 2);
	result_is(dialog_offer("o2", "h", A_RF, "ft", "tt", reoffer, "RTP/AVP"),
		  "ok");
	ck_assert(guarded_toward_a(4002));		/* from the re-offer on */
	ck_assert_uint_eq(live(), 3);

	fake.refuse = true;				/* no new stream */
	r = dialog_answer("a2", "h", B_RF, "ft", "tt", reanswer);
	error_has(r, "no room");
	ck_assert_uint_eq(from_a_to(6100), audio);	/* applied, in place */
	ck_assert_uint_eq(from_a_to(6102), 0);
	ck_assert(guarded_toward_a(4000));
	ck_assert(guarded_toward_a(4002));
	ck_assert_uint_eq(live(), 3);
	ck_assert_ptr_nonnull(strstr(ng.last_error, "no room"));

	fake.refuse = false;
	result_is(dialog_answer("a3", "h", B_RF, "ft", "tt", reanswer), "ok");
	ck_assert_uint_eq(from_a_to(6100), audio);
	ck_assert_uint_ne(from_a_to(6102), 0);
	ck_assert(guarded_toward_a(4000) && guarded_toward_a(4002));
	ck_assert_uint_eq(live(), 4);
}
END_TEST

/*
 * Options srtpd does not act on are answered with a warning, never
 * silently; "no-" of a suite srtpd never offers is met; query lists the
 * tags; statistics counts calls.
 */
START_TEST(options_and_reports)
{
	const struct benc_node *r, *st, *tags;

	r = send_req("o", "command", "offer", FROM_A, "call-id", "op",
		     "from-tag", "ft", "sdp", offer_sdp, "transport-protocol",
		     "RTP/AVP", "SDES",
		     "\x01l20:no-NULL_HMAC_SHA1_8022:no-F8_128_HMAC_SHA1_806:static5:nonew"
		     "53:order:AES_CM_128_HMAC_SHA1_32,AES_CM_128_HMAC_SHA1_80e",
		     "ICE", "force", "rtcp-mux", "\x01l5:demux5:bogise",
		     "BUNDLE", "\x01l7:requiree", NULL);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "warning"),
			  "ignored: rtcp-mux=bogis, ICE=force, BUNDLE"));
	ck_assert_ptr_nonnull(strstr(log_text, "call op: offer"));
	result_is(answer_from("a", "op", "tt", "\x01l3:IP48:10.0.3.2e",
			      answer_sdp), "ok");
	r = send_req("q", "command", "query", "call-id", "op", NULL);
	tags = benc_get(r, "tags");
	ck_assert_ptr_nonnull(tags);
	ck_assert(benc_is(benc_get(benc_get(tags, "ft"), "role"), "caller"));
	ck_assert(benc_is(benc_get(benc_get(tags, "tt"), "role"), "callee"));
	ck_assert_int_eq(benc_get(benc_get(tags, "tt"), "streams")->i, 2);
	result_is(offer_from_a("o2", "op2",
			       "v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
			       "m=audio 4100 RTP/SAVP 0\r\n"
			       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"),
		  "ok");
	r = send_req("s", "command", "statistics", NULL);
	result_is(r, "ok");
	st = benc_get(r, "statistics");
	ck_assert_int_eq(benc_get(st, "calls")->i, 2);
	ck_assert_int_eq(benc_get(st, "unanswered")->i, 1);
	ck_assert_int_eq(benc_get(st, "kernel-streams")->i, 3);
	ck_assert_int_gt(benc_get(st, "memory")->i, 0);
}
END_TEST

/* The SDP in reply @r has line @line (CRLF-terminated in the SDP). */
static bool reply_sdp_has(const struct benc_node *r, const char *line)
{
	const struct benc_node *sdp = benc_get(r, "sdp");
	char want[128];

	snprintf(want, sizeof(want), "\r\n%s\r\n", line);
	return sdp && sdp->type == BENC_STR && memmem(sdp->s, sdp->len, want,
						      strlen(want));
}

/*
 * The ng names of the SDES and rtcp-mux options, as flags (Kamailio's
 * rtpengine_manage("SDES-pad rtcp-mux-demux ...")) and as keys:
 * SDES-pad is met and SDES-offerer_pref: orders A's answer, silently;
 * rtcp-mux-demux takes a=rtcp-mux out of the offer toward B;
 * rtcp-mux-offer is refused for an offer that does not multiplex;
 * SDES-static in the answer keeps A's suite through a re-offer that
 * puts another first.
 */
START_TEST(sdes_and_rtcp_mux_options)
{
	static const char mux_offer[] =
		"v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" KEY_A "\r\n"
		"a=rtcp-mux\r\n";
	const struct benc_node *r;

	r = send_req("m1", "command", "offer", FROM_A, "call-id", "mx",
		     "from-tag", "ft", "sdp", offer_sdp, "flags",
		     "\x01l14:rtcp-mux-offere", NULL);
	result_is(r, "error");
	ck_assert(str_has(benc_get(r, "error-reason"),
			  "rtcp-mux offer: m-line 0 of the offer does not multiplex RTCP"));
	ck_assert_uint_eq(fake.adds, 0);

	r = send_req("m2", "command", "offer", FROM_A, "call-id", "mx",
		     "from-tag", "ft", "sdp", mux_offer, "transport-protocol",
		     "RTP/AVP", "flags",
		     "\x01l8:SDES-pad14:rtcp-mux-demux"
		     "41:SDES-offerer_pref:AES_CM_128_HMAC_SHA1_32e", NULL);
	result_is(r, "ok");
	ck_assert_ptr_null(benc_get(r, "warning"));
	ck_assert(!reply_sdp_has(r, "a=rtcp-mux"));
	r = answer_from("m3", "mx", "tt", B_RF, answer_sdp);
	result_is(r, "ok");
	ck_assert_ptr_null(benc_get(r, "warning"));
	ck_assert(!reply_sdp_has(r, "a=rtcp-mux"));
	ck_assert(str_has(benc_get(r, "sdp"), "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:"));

	/* A's re-offer puts _80 first; answered with static, _32 stays */
	r = dialog_offer("m6", "mx", A_RF, "ft", "tt", mux_offer, "RTP/AVP");
	result_is(r, "ok");
	r = send_req("m7", "command", "answer", "received-from", B_RF,
		     "call-id", "mx", "from-tag", "ft", "to-tag", "tt", "sdp",
		     answer_sdp, "flags", "\x01l11:SDES-statice", NULL);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:"));
	/* without it, A's first suite again */
	r = dialog_offer("m8", "mx", A_RF, "ft", "tt", mux_offer, "RTP/AVP");
	result_is(r, "ok");
	r = answer_from("m9", "mx", "tt", B_RF, answer_sdp);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"));
}
END_TEST

/* The state file is 0600 whatever the umask, even over an old .tmp. */
START_TEST(state_file_mode)
{
	char path[] = "/tmp/ng-state-XXXXXX", tmp[64], err[256];
	struct stat st;
	mode_t old = umask(022);
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	chmod(path, 0644);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);	/* a leftover */
	ck_assert_int_ge(fd, 0);
	close(fd);
	offer_answer("x");
	ck_assert_msg(!ng_save(&ng, path, err, sizeof(err)), "%s", err);
	umask(old);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(access(tmp, F_OK), -1);
	unlink(path);
}
END_TEST

/*
 * A phone reuses its media port: its next call, within the guard tail of
 * the last, takes that call's guard over instead of being refused.
 */
START_TEST(next_call_takes_the_guard)
{
	const struct benc_node *r;

	result_is(offer_from_a("o", "c1", offer_sdp), "ok");
	result_is(answer_from("a", "c1", "tt", "\x01l3:IP48:10.0.3.2e",
			      answer_sdp), "ok");
	r = send_req("d", "command", "delete", "call-id", "c1", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(live(), 1);		/* c1's guard */
	result_is(offer_from_a("o2", "c2", offer_sdp), "ok");
	ck_assert_uint_eq(live(), 1);		/* the same guard, c2's now */
	ck_assert_uint_eq(fake.adds, 2);
	ck_assert_ptr_null(ng_find(&ng, "c1"));
	result_is(answer_from("a2", "c2", "tt", "\x01l3:IP48:10.0.3.2e",
			      answer_sdp), "ok");
	ck_assert_uint_eq(live(), 2);
	/*
	 * c2's query counts c2's packets: the guard's kernel counters went
	 * on from c1 (the fake's stream has 100 + id packets and id auth
	 * drops from its add, c1's), and c2 has seen none of them.
	 */
	r = send_req("q2", "command", "query", "call-id", "c2", NULL);
	result_is(r, "ok");
	r = benc_get(r, "streams");
	ck_assert_ptr_nonnull(r);
	for (r = r->first; r; r = r->next) {
		if (!benc_is(benc_get(r, "operation"), "protect"))
			continue;
		ck_assert_int_eq(benc_get(r, "packets")->i, 0);
		ck_assert_int_eq(benc_get(r, "bytes")->i, 0);
		ck_assert_int_eq(benc_get(r, "authentication-failures")->i, 0);
		ck_assert_int_eq(benc_get(r, "errors")->i, 0);
		ck_assert_int_eq(benc_get(r, "rtcp-errors")->i, 0);
	}
	/* a deleted call's guard toward the callee is taken over the same way */
	r = send_req("d2", "command", "delete", "call-id", "c2", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(live(), 1);
	result_is(offer_from_a("o3", "c3", offer_sdp), "ok");
	ck_assert_uint_eq(live(), 1);
}
END_TEST

/*
 * RFC 8643: OSRTP=offer (key or flag) sends the caller's SAVP + AVP pair
 * to the callee as one RTP/AVP m-line with a=crypto; accept is met
 * already; an unknown value is a warning; a caller's opportunistic offer
 * makes its leg SRTP.
 */
START_TEST(osrtp_options)
{
	static const char osrtp_a[] =
		"v=0\r\no=- 1 1 IN IP4 10.0.1.2\r\ns=-\r\nc=IN IP4 10.0.1.2\r\nt=0 0\r\n"
		"m=audio 4000 RTP/AVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";
	const struct benc_node *r, *sdp;
	char line[256];

	r = send_req("o1", "command", "offer", FROM_A, "call-id", "os1",
		     "from-tag", "ft", "sdp", offer_sdp, "OSRTP", "offer", NULL);
	result_is(r, "ok");
	ck_assert_ptr_null(benc_get(r, "warning"));
	sdp = benc_get(r, "sdp");
	ck_assert_ptr_nonnull(sdp);
	ck_assert_ptr_nonnull(memmem(sdp->s, sdp->len, "m=audio 4000 RTP/AVP 0\r\n", 24));
	ck_assert_ptr_null(memmem(sdp->s, sdp->len, "SAVP", 4));
	crypto_of(r, line, sizeof(line));
	ck_assert_ptr_null(strstr(line, KEY_A));
	result_is(send_req("d1", "command", "delete", "call-id", "os1", NULL), "ok");

	r = send_req("o2", "command", "offer", FROM_A, "call-id", "os2",
		     "from-tag", "ft", "sdp", offer_sdp, "flags",
		     "\x01l11:OSRTP-offer12:OSRTP-accepte", NULL);
	result_is(r, "ok");
	ck_assert_ptr_null(benc_get(r, "warning"));
	sdp = benc_get(r, "sdp");
	ck_assert_ptr_null(memmem(sdp->s, sdp->len, "SAVP", 4));
	result_is(send_req("d2", "command", "delete", "call-id", "os2", NULL), "ok");

	/* without it, the bulletin's pair */
	r = send_req("o3", "command", "offer", FROM_A, "call-id", "os3",
		     "from-tag", "ft", "sdp", offer_sdp, "OSRTP",
		     "\x01l12:offer-legacy5:boguse", NULL);
	result_is(r, "ok");
	sdp = benc_get(r, "sdp");
	ck_assert_ptr_nonnull(memmem(sdp->s, sdp->len, "RTP/SAVP", 8));
	ck_assert(str_has(benc_get(r, "warning"), "ignored: OSRTP=bogus"));
	result_is(send_req("d3", "command", "delete", "call-id", "os3", NULL), "ok");
	error_has(send_req("o4", "command", "offer", FROM_A, "call-id", "os4",
			   "from-tag", "ft", "sdp", offer_sdp, "OSRTP",
			   "\x01i1e", NULL), "\"OSRTP\": not a string or a list");

	/* an opportunistic caller, a plain gateway: A's leg is SRTP */
	result_is(send_req("o5", "command", "offer", FROM_A, "call-id", "os5",
			   "from-tag", "ft", "sdp", osrtp_a,
			   "transport-protocol", "RTP/AVP", NULL), "ok");
	r = answer_from("a5", "os5", "tt", "\x01l3:IP48:10.0.3.2e", answer_sdp);
	result_is(r, "ok");
	sdp = benc_get(r, "sdp");
	ck_assert_ptr_nonnull(memmem(sdp->s, sdp->len, "m=audio 6000 RTP/AVP 0\r\na=crypto:1 ", 35));
	ck_assert_uint_eq(count_op(NF_SRTP_OP_UNPROTECT), 1);
	ck_assert_uint_eq(count_op(NF_SRTP_OP_PROTECT), 1);
}
END_TEST

/*
 * A caller's re-offer (a session refresh) offers the callee our key of
 * the last offer again: the callee keeps its crypto context and rollover
 * counter, and nothing in the kernel changes.  A new key from the
 * callee re-keys its direction only.
 */
START_TEST(reoffer_keeps_keys_toward_callee)
{
	static const char b_srtp[] =
		"v=0\r\no=gw 5 5 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw\r\n"
		"m=audio 0 RTP/AVP 0\r\n";
	static const char b_rekey[] =
		"v=0\r\no=gw 5 6 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:YUJDZGVmZ2hpSktMbW9QUXJzVHVWd3l6MTIzNDU2\r\n"
		"m=audio 0 RTP/AVP 0\r\n";
	char k1[256], k2[256], k3[256];
	unsigned int rekeys, adds, appends, i;

	crypto_of(send_req("o1", "command", "offer", FROM_A, "call-id", "rk",
			   "from-tag", "ft", "sdp", offer_sdp, NULL), k1,
		  sizeof(k1));
	result_is(answer_from("a1", "rk", "tt", "\x01l3:IP48:10.0.3.2e", b_srtp),
		  "ok");
	rekeys = fake.rekeys;
	crypto_of(send_req("o2", "command", "offer", FROM_A, "call-id", "rk",
			   "from-tag", "ft", "sdp", offer_sdp, NULL), k2,
		  sizeof(k2));
	ck_assert_str_eq(k1, k2);
	result_is(answer_from("a2", "rk", "tt", "\x01l3:IP48:10.0.3.2e", b_srtp),
		  "ok");
	ck_assert_uint_eq(fake.rekeys, rekeys);
	ck_assert_uint_eq(fake.dels, 0);
	/* the callee changes its key: one stream re-keyed, ours stays */
	crypto_of(send_req("o3", "command", "offer", FROM_A, "call-id", "rk",
			   "from-tag", "ft", "sdp", offer_sdp, NULL), k3,
		  sizeof(k3));
	ck_assert_str_eq(k1, k3);
	/*
	 * An answer from another dialog (a callee's forged To-tag) would put
	 * the kept key into a second crypto context: refused, nothing new.
	 */
	adds = fake.adds;
	error_has(answer_from("a3x", "rk", "other", "\x01l3:IP48:10.0.3.2e",
			      b_rekey), "not from the dialog it went to");
	ck_assert_uint_eq(fake.adds, adds);
	appends = fake.appends;
	result_is(answer_from("a3", "rk", "tt", "\x01l3:IP48:10.0.3.2e", b_rekey),
		  "ok");
	/*
	 * The callee's new key goes next to its old one, which it may still
	 * send under until the answer reaches it: appended, not replaced.
	 */
	ck_assert_uint_eq(fake.rekeys, rekeys);
	ck_assert_uint_eq(fake.appends, appends + 1);
	ck_assert_uint_eq(fake.s[unprotect_from(&fake, "10.0.3.2")].nkeys, 2);
	/*
	 * Where the kernel refuses the append (here: no free key slot after
	 * 14 more), the keys are replaced, and that is logged.
	 */
	for (i = 0; i < 15; i++) {
		char sdp[512], id[16];

		snprintf(sdp, sizeof(sdp),
			 "v=0\r\no=gw 5 %u IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
			 "m=audio 6000 RTP/SAVP 0\r\n"
			 "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:YUJDZGVmZ2hpSktMbW9QUXJzVHVWd3l6MTIzNDU%c\r\n"
			 "m=audio 0 RTP/AVP 0\r\n", 7 + i, 'A' + i);
		snprintf(id, sizeof(id), "o%u", 10 + i);
		result_is(send_req(id, "command", "offer", FROM_A, "call-id", "rk",
				   "from-tag", "ft", "sdp", offer_sdp, NULL), "ok");
		snprintf(id, sizeof(id), "a%u", 10 + i);
		result_is(answer_from(id, "rk", "tt", "\x01l3:IP48:10.0.3.2e", sdp),
			  "ok");
	}
	ck_assert_uint_eq(fake.appends, appends + 1 + 14);
	ck_assert_uint_eq(fake.rekeys, rekeys + 1);
	ck_assert_uint_eq(fake.s[unprotect_from(&fake, "10.0.3.2")].nkeys, 1);
	ck_assert_ptr_nonnull(strstr(log_text, "refused the new key next to the old one"));
	/* a first offer of another call gets a key of its own */
	crypto_of(send_req("o4", "command", "offer", FROM_B, "call-id", "rk2",
			   "from-tag", "f2", "sdp",
			   "v=0\r\no=- 1 1 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
			   "m=audio 4400 RTP/SAVP 0\r\n"
			   "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n",
			   NULL), k2, sizeof(k2));
	ck_assert_str_ne(k1, k2);
}
END_TEST

/*
 * The callee's model from its answer (callee-model, or the User-Agent
 * the proxy passes), shown by query and used for the caller's re-offers
 * to it: a callee found to be an IP 300 (no SRTP) gets plain RTP.
 */
START_TEST(callee_model_from_answer)
{
	const struct benc_node *r, *tags, *sdp;

	result_is(send_req("o", "command", "offer", FROM_A, "call-id", "cm",
			   "from-tag", "ft", "sdp", offer_sdp,
			   "transport-protocol", "RTP/AVP", NULL), "ok");
	r = send_req("a", "command", "answer", "received-from",
		     "\x01l3:IP48:10.0.3.2e", "call-id", "cm", "from-tag", "ft",
		     "to-tag", "tt", "sdp", answer_sdp, "ua",
		     "PolycomSoundPointIP-SPIP_300-UA/3.1.0", NULL);
	result_is(r, "ok");
	ck_assert_ptr_nonnull(strstr(log_text, "(model IP_300)"));
	tags = benc_get(send_req("q", "command", "query", "call-id", "cm", NULL),
			"tags");
	ck_assert(benc_is(benc_get(benc_get(tags, "tt"), "model"), "IP_300"));
	/* the re-offer to it, as A offered it: plain RTP for an IP 300 */
	r = send_req("o2", "command", "offer", FROM_A, "call-id", "cm",
		     "from-tag", "ft", "sdp", offer_sdp, NULL);
	result_is(r, "ok");
	sdp = benc_get(r, "sdp");
	ck_assert_ptr_null(memmem(sdp->s, sdp->len, "crypto", 6));
	ck_assert_ptr_null(memmem(sdp->s, sdp->len, "SAVP", 4));
	/* an unknown model in the answer is an error, nothing changes */
	error_has(send_req("a2", "command", "answer", "received-from",
			   "\x01l3:IP48:10.0.3.2e", "call-id", "cm", "from-tag",
			   "ft", "to-tag", "tt", "sdp", answer_sdp,
			   "callee-model", "IP_99", NULL), "unknown phone model");
}
END_TEST

/*
 * Kamailio's configuration (tests/e2e/kamailio.cfg) names the phone of
 * every answer with Polycom's User-Agent as "model", the key it also
 * sends with offers: in an answer that is the callee's model, unless
 * "callee-model" says otherwise.
 */
START_TEST(callee_model_as_the_proxy_sends_it)
{
	const struct benc_node *r, *tags;

	result_is(send_req("o", "command", "offer", FROM_A, "call-id", "km",
			   "from-tag", "ft", "sdp", offer_sdp,
			   "transport-protocol", "RTP/AVP", NULL), "ok");
	r = send_req("a", "command", "answer", "received-from",
		     "\x01l3:IP48:10.0.3.2e", "call-id", "km", "from-tag", "ft",
		     "to-tag", "tt", "sdp", answer_sdp, "model", "IP_300", NULL);
	result_is(r, "ok");
	ck_assert_ptr_nonnull(strstr(log_text, "(model IP_300)"));
	tags = benc_get(send_req("q", "command", "query", "call-id", "km", NULL),
			"tags");
	ck_assert(benc_is(benc_get(benc_get(tags, "tt"), "model"), "IP_300"));
	/* callee-model, where a proxy sends both, wins */
	r = send_req("a2", "command", "answer", "received-from",
		     "\x01l3:IP48:10.0.3.2e", "call-id", "km", "from-tag", "ft",
		     "to-tag", "tt", "sdp", answer_sdp, "model", "IP_300",
		     "callee-model", "IP_601", NULL);
	result_is(r, "ok");
	tags = benc_get(send_req("q2", "command", "query", "call-id", "km",
				 NULL), "tags");
	ck_assert(benc_is(benc_get(benc_get(tags, "tt"), "model"), "IP_601"));
}
END_TEST

/* ---- anchored calls (nganchor.h): the router's own ports on each leg ---- */

static struct ng_anchoring anch;

/* The relay table's stand-in: what srtpd's nftables table would hold. */
static struct {
	struct natmap_relay r[NGA_RELAYS_MAX * 2];
	size_t n;
	unsigned int changes;
	bool refuse;
} frel;

static bool relay_same(const struct natmap_relay *a,
		       const struct natmap_relay *b)
{
	return !strcmp(a->from.str, b->from.str) &&
	       !strcmp(a->local.str, b->local.str) &&
	       a->local_port == b->local_port;	/* the DNAT map's key */
}

static int f_relay(void *arg, const struct natmap_relay *del, size_t ndel,
		   const struct natmap_relay *add, size_t nadd, char *err,
		   size_t errlen)
{
	size_t i, j;

	(void)arg;
	if (frel.refuse) {
		snprintf(err, errlen, "nftables: refused (test)");
		return -1;
	}
	for (i = 0; i < ndel; i++) {
		for (j = 0; j < frel.n && !relay_same(&frel.r[j], &del[i]); j++)
			;
		ck_assert_msg(j < frel.n, "delete of a relay not in the table");
		frel.r[j] = frel.r[--frel.n];
	}
	for (i = 0; i < nadd; i++) {
		for (j = 0; j < frel.n; j++)
			ck_assert_msg(!relay_same(&frel.r[j], &add[i]),
				      "a relay's key twice in the table");
		ck_assert_uint_lt(frel.n, NGA_RELAYS_MAX * 2);
		frel.r[frel.n++] = add[i];
	}
	frel.changes++;
	return 0;
}

/* Two interfaces on loopback addresses, ten pairs of ports each. */
static void setup_anchored(void)
{
	char err[256];

	setup();
	memset(&anch, 0, sizeof(anch));
	memset(&frel, 0, sizeof(frel));
	ck_assert(!anchor_ifs_add(&anch.ifs, "lan/127.0.0.1", err, sizeof(err)));
	ck_assert(!anchor_ifs_add(&anch.ifs, "wan/127.0.0.2!192.0.2.7", err,
				  sizeof(err)));
	ck_assert(!anchor_ifs_add(&anch.ifs, "wan/::1", err, sizeof(err)));
	ck_assert_msg(!anchor_pool_init(&anch.pool, &anch.ifs, 61300, 61319,
					err, sizeof(err)), "%s", err);
	anch.relay = f_relay;
	anch.epfd = epoll_create1(EPOLL_CLOEXEC);
	ck_assert_int_ge(anch.epfd, 0);
	ng.anchor = &anch;
}

static void teardown_anchored(void)
{
	teardown();
	ck_assert_uint_eq(frel.n, 0);
	ck_assert_uint_eq(anchor_pool_held(&anch.pool, &anch.ifs.v[0]), 0);
	ck_assert_uint_eq(anchor_pool_held(&anch.pool, &anch.ifs.v[1]), 0);
	ck_assert_uint_eq(anchor_pool_held(&anch.pool, &anch.ifs.v[2]), 0);
	anchor_pool_free(&anch.pool);
	close(anch.epfd);
}

/* The port of the first m-line of @sdp. */
static unsigned int first_port(const struct benc_node *sdp)
{
	char *s = strndup(sdp->s, sdp->len), *m = strstr(s, "m=audio ");
	unsigned int port = 0;

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(sscanf(m, "m=audio %u", &port), 1);
	free(s);
	return port;
}

/* A phone behind NAT: its SDP names its private address. */
static const char natted_offer[] =
	"v=0\r\no=- 1 1 IN IP4 192.168.1.10\r\ns=-\r\nc=IN IP4 192.168.1.10\r\nt=0 0\r\n"
	"m=audio 4000 RTP/SAVP 0\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n"
	"a=candidate:1 1 UDP 2130706431 192.168.1.10 4000 typ host\r\n";
#define ANCHOR_OPTS	"replace", "\x01l6:origin18:session-connectione", \
			"ICE", "remove", "direction", "\x01l3:lan3:wane"

/*
 * Kamailio's rtpengine_manage() with an anchoring srtpd: each side's SDP
 * names only the router's address and ports on its leg, the NATed phone
 * is reached at its SIP source, the kernel matches the router's own
 * ports, the relays join the legs, and the delete takes everything away.
 */
START_TEST(anchored_call)
{
	const struct benc_node *r, *sdp;
	unsigned int lan, wan, i;
	struct nfsrtp_stream *un = NULL, *pr = NULL;
	char addr[64];

	r = send_req("o1", "command", "offer", FROM_A, "call-id", "anc",
		     "from-tag", "ft", "sdp", natted_offer, "transport-protocol",
		     "RTP/AVP", ANCHOR_OPTS, NULL);
	result_is(r, "ok");
	ck_assert_ptr_null(benc_get(r, "warning"));	/* replace, direction used */
	sdp = benc_get(r, "sdp");
	/* toward the gateway: the advertised address of "wan", its ports */
	ck_assert(str_has(sdp, "o=- 1 1 IN IP4 192.0.2.7\r\n"));
	ck_assert(str_has(sdp, "c=IN IP4 192.0.2.7\r\n"));
	ck_assert(!str_has(sdp, "192.168.1.10"));
	ck_assert(!str_has(sdp, "127.0.0.2"));
	ck_assert(!str_has(sdp, "a=candidate"));
	wan = first_port(sdp);
	ck_assert_uint_ge(wan, 61300);
	ck_assert_uint_le(wan, 61318);
	ck_assert_uint_eq(wan % 2, 0);
	snprintf(addr, sizeof(addr), "a=rtcp:%u IN IP4 192.0.2.7", wan + 1);
	ck_assert(str_has(sdp, addr));
	/* no stream and no relay before the answer: nothing crosses yet */
	ck_assert_uint_eq(live(), 0);
	ck_assert_uint_eq(frel.n, 0);
	ck_assert_uint_eq(anchor_pool_held(&anch.pool, &anch.ifs.v[0]), 1);
	ck_assert_uint_eq(anchor_pool_held(&anch.pool, &anch.ifs.v[1]), 1);

	r = send_req("a1", "command", "answer", FROM_B, "call-id", "anc",
		     "from-tag", "ft", "to-tag", "tt", "sdp", answer_sdp,
		     ANCHOR_OPTS, NULL);
	result_is(r, "ok");
	sdp = benc_get(r, "sdp");
	/* toward the phone: "lan", SRTP with our key */
	ck_assert(str_has(sdp, "c=IN IP4 127.0.0.1\r\n"));
	ck_assert(str_has(sdp, "o=gw 5 5 IN IP4 127.0.0.1\r\n"));
	ck_assert(!str_has(sdp, "10.0.3.2"));
	ck_assert(str_has(sdp, "RTP/SAVP"));
	ck_assert(str_has(sdp, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"));
	lan = first_port(sdp);
	ck_assert_uint_ge(lan, 61300);
	ck_assert_uint_eq(lan % 2, 0);

	ck_assert_uint_eq(live(), 2);
	for (i = 1; i < FAKE_MAX; i++) {
		if (fake.used[i] && fake.s[i].op == NF_SRTP_OP_UNPROTECT)
			un = &fake.s[i];
		if (fake.used[i] && fake.s[i].op == NF_SRTP_OP_PROTECT)
			pr = &fake.s[i];
	}
	ck_assert_ptr_nonnull(un);
	ck_assert_ptr_nonnull(pr);
	/*
	 * the phone's SRTP: from its NAT's address (not its SDP's) to lan,
	 * latching from its SDP's ports (a new NAT mapping takes over)
	 */
	addr_is(un->saddr, "10.0.1.2");
	addr_is(un->daddr, "127.0.0.1");
	ck_assert_uint_eq(un->dport, lan);
	ck_assert_uint_eq(un->rtcp_dport, lan + 1);
	ck_assert(un->flags & NF_SRTP_F_LATCH);
	addr_is(un->peer.addr, "10.0.1.2");
	ck_assert_uint_eq(un->peer.port, 4000);
	ck_assert_uint_eq(un->rtcp_peer.port, 4001);
	/*
	 * SRTP to the phone: from lan's ports to wherever NAT sends it (an
	 * open destination: the relay's, or the latched flow's)
	 */
	addr_is(pr->saddr, "127.0.0.1");
	ck_assert_uint_eq(pr->sport, lan);
	ck_assert_uint_eq(pr->rtcp_sport, lan + 1);
	addr_is(pr->daddr, "0.0.0.0");
	ck_assert_uint_eq(pr->dport, 0);
	ck_assert(!(pr->flags & NF_SRTP_F_LATCH));

	/* RTP and RTCP each way */
	ck_assert_uint_eq(frel.n, 4);
	for (i = 0; i < frel.n; i++) {
		const struct natmap_relay *x = &frel.r[i];

		if (!strcmp(x->from.str, "10.0.1.2")) {
			ck_assert_str_eq(x->local.str, "127.0.0.1");
			ck_assert_str_eq(x->to.str, "10.0.3.2");
			ck_assert_str_eq(x->out.str, "127.0.0.2");
			ck_assert_uint_eq(x->local_port - lan, x->out_port - wan);
			ck_assert_uint_eq(x->to_port, 6000 + x->local_port - lan);
		} else {
			ck_assert_str_eq(x->from.str, "10.0.3.2");
			ck_assert_str_eq(x->local.str, "127.0.0.2");
			ck_assert_str_eq(x->to.str, "10.0.1.2");
			ck_assert_str_eq(x->out.str, "127.0.0.1");
			ck_assert_uint_eq(x->to_port, 4000 + x->local_port - wan);
		}
	}

	/* query: each party's interface and ports, and the relays */
	r = send_req("q1", "command", "query", "call-id", "anc", NULL);
	result_is(r, "ok");
	{
		const struct benc_node *an = benc_get(r, "anchor");
		const struct benc_node *caller = benc_get(an, "caller");
		const struct benc_node *callee = benc_get(an, "callee");
		const struct benc_node *rel = benc_get(an, "relays"), *e;
		char want[64];
		unsigned int k = 0;

		ck_assert(benc_is(benc_get(caller, "interface"), "lan"));
		ck_assert(benc_is(benc_get(caller, "address"), "127.0.0.1"));
		ck_assert_int_eq(benc_get(caller, "ports")->first->i, lan);
		ck_assert(benc_is(benc_get(callee, "interface"), "wan"));
		ck_assert(benc_is(benc_get(callee, "address"), "192.0.2.7"));
		ck_assert_int_eq(benc_get(callee, "ports")->first->i, wan);
		for (e = rel->first; e; e = e->next, k++)
			;
		ck_assert_uint_eq(k, 4);
		/* the phone's RTP: to lan's port, on from wan's to B */
		snprintf(want, sizeof(want), "127.0.0.1:%u", lan);
		for (e = rel->first; e; e = e->next)
			if (benc_is(benc_get(e, "local"), want))
				break;
		ck_assert_ptr_nonnull(e);
		ck_assert(benc_is(benc_get(e, "from"), "10.0.1.2"));
		ck_assert(benc_is(benc_get(e, "to"), "10.0.3.2:6000"));
		snprintf(want, sizeof(want), "127.0.0.2:%u", wan);
		ck_assert(benc_is(benc_get(e, "out"), want));
	}

	/* the 200 after the 183: the same plan, nothing changes */
	r = send_req("a2", "command", "answer", FROM_B, "call-id", "anc",
		     "from-tag", "ft", "to-tag", "tt", "sdp", answer_sdp,
		     ANCHOR_OPTS, NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(first_port(benc_get(r, "sdp")), lan);
	ck_assert_uint_eq(frel.changes, 1);
	ck_assert_uint_eq(fake.adds, 2);

	r = send_req("d1", "command", "delete", "call-id", "anc", "from-tag",
		     "ft", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(live(), 0);	/* no guard: nothing is relayed */
	ck_assert_uint_eq(frel.n, 0);
	ck_assert_uint_eq(anchor_pool_held(&anch.pool, &anch.ifs.v[0]), 0);
	ck_assert_uint_eq(anchor_pool_held(&anch.pool, &anch.ifs.v[1]), 0);
}
END_TEST

/*
 * Every pair of the range held: the next offer gets a clear error and
 * holds nothing; the delete of a call gives its ports back.
 */
START_TEST(anchored_ports_run_out)
{
	const struct benc_node *r;
	char id[16], cookie[16];
	unsigned int i;

	for (i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "full%u", i);
		snprintf(cookie, sizeof(cookie), "o%u", i);
		r = send_req(cookie, "command", "offer", FROM_A, "call-id", id,
			     "from-tag", "ft", "sdp", natted_offer, ANCHOR_OPTS,
			     NULL);
		result_is(r, "ok");
	}
	ck_assert_uint_eq(anchor_pool_held(&anch.pool, &anch.ifs.v[0]), 10);
	r = send_req("o10", "command", "offer", FROM_A, "call-id", "full10",
		     "from-tag", "ft", "sdp", natted_offer, ANCHOR_OPTS, NULL);
	error_has(r, "srtpd holds 10 of 10");
	ck_assert_uint_eq(anchor_pool_held(&anch.pool, &anch.ifs.v[0]), 10);
	ck_assert_uint_eq(anchor_pool_held(&anch.pool, &anch.ifs.v[1]), 10);
	r = send_req("q", "command", "query", "call-id", "full10", NULL);
	error_has(r, "Unknown call-id");

	r = send_req("d", "command", "delete", "call-id", "full3", "from-tag",
		     "ft", NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(anchor_pool_held(&anch.pool, &anch.ifs.v[0]), 9);
	r = send_req("o11", "command", "offer", FROM_A, "call-id", "full10",
		     "from-tag", "ft", "sdp", natted_offer, ANCHOR_OPTS, NULL);
	result_is(r, "ok");
}
END_TEST

/*
 * Where the media goes: trust-address takes the SDP's address, which must
 * still be one srtpd trusts; a relay table that refuses leaves the call
 * without relays, so nothing crosses, and the delete cleans up.
 */
START_TEST(anchored_addresses_and_refusals)
{
	const struct benc_node *r;

	r = send_req("o1", "command", "offer", FROM_A, "call-id", "t1",
		     "from-tag", "ft", "sdp", natted_offer, ANCHOR_OPTS,
		     "flags", "\x01l13:trust-address7:RTP/AVPe", NULL);
	result_is(r, "ok");
	r = send_req("a1", "command", "answer", FROM_B, "call-id", "t1",
		     "from-tag", "ft", "to-tag", "tt", "sdp", answer_sdp, NULL);
	error_has(r, "192.168.1.10");
	ck_assert_uint_eq(frel.n, 0);

	/* an unknown direction= name */
	r = send_req("o2", "command", "offer", FROM_A, "call-id", "t2",
		     "from-tag", "ft", "sdp", natted_offer,
		     "direction", "\x01l3:lan4:dmz0e", NULL);
	error_has(r, "direction=dmz0");
	ck_assert_uint_eq(anchor_pool_held(&anch.pool, &anch.ifs.v[0]), 1);

	/* SIP-source-address: the SIP source, whatever the SDP says */
	r = send_req("o3", "command", "offer", FROM_A, "call-id", "t3",
		     "from-tag", "ft", "sdp", offer_sdp, ANCHOR_OPTS,
		     "flags", "\x01l18:SIP-source-address7:RTP/AVPe", NULL);
	result_is(r, "ok");
	frel.refuse = true;
	r = send_req("a3", "command", "answer", FROM_B, "call-id", "t3",
		     "from-tag", "ft", "to-tag", "tt", "sdp", answer_sdp, NULL);
	error_has(r, "nftables: refused (test)");
	ck_assert_uint_eq(frel.n, 0);
	frel.refuse = false;
	r = send_req("a4", "command", "answer", FROM_B, "call-id", "t3",
		     "from-tag", "ft", "to-tag", "tt", "sdp", answer_sdp, NULL);
	result_is(r, "ok");
	ck_assert_uint_eq(frel.n, 4);	/* RTP and RTCP each way */
}
END_TEST

/* The protect stream toward the phone of an anchored call, or NULL. */
/* Whether a relay of the table sends to port @port. */
static bool relay_to_port(unsigned int port)
{
	size_t i;

	for (i = 0; i < frel.n; i++)
		if (frel.r[i].to_port == port)
			return true;
	return false;
}

static const struct nfsrtp_stream *unprotect_stream(void)
{
	unsigned int i;

	for (i = 1; i < FAKE_MAX; i++)
		if (fake.used[i] && fake.s[i].op == NF_SRTP_OP_UNPROTECT)
			return &fake.s[i];
	return NULL;
}

/*
 * Call "fk"'s @cmd (offer, answer or delete), to-tag @tag (NULL: none)
 * and @sdp (offer, answer), as the proxy sends it; its result is @want.
 */
static void fk_request(const char *cmd, const char *tag, const char *sdp,
		       const char *want)
{
	static unsigned int n;
	const struct benc_node *r;
	char cookie[16];

	snprintf(cookie, sizeof(cookie), "fk%u", ++n);
	if (!strcmp(cmd, "offer"))
		r = send_req(cookie, "command", cmd, FROM_A, "call-id", "fk",
			     "from-tag", "ft", "sdp", sdp, "transport-protocol",
			     "RTP/AVP", ANCHOR_OPTS, NULL);
	else if (sdp)
		r = send_req(cookie, "command", cmd, FROM_B, "call-id", "fk",
			     "from-tag", "ft", "to-tag", tag, "sdp", sdp, NULL);
	else
		r = send_req(cookie, "command", cmd, "call-id", "fk",
			     "from-tag", "ft", "to-tag", tag, NULL);
	result_is(r, want);
}

/* The kernel has @streams streams and the relay table @relays relays. */
static void holds(unsigned int streams, unsigned int relays)
{
	ck_assert_uint_eq(live(), streams);
	ck_assert_uint_eq(frel.n, relays);
}

/*
 * What the review of the first version found: every failure after the
 * kernel changed, and every branch removed, must leave no relay without
 * the streams it needs.  Two forks (the last answer's plan is the
 * call's): deleting the other fork changes nothing, deleting the one
 * installed takes relays and streams; an answer refused while writing
 * its SDP installs nothing; a re-offer whose relays would be refused
 * (RTCP port 0) leaves the streams and relays as they were.
 */
START_TEST(anchored_failures_leave_no_relay_alone)
{
	static const char answer2[] =
		"v=0\r\no=gw 5 5 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6002 RTP/AVP 0\r\n";
	static const char answer_multi[] =
		"v=0\r\no=gw 5 5 IN IP4 10.0.3.2\r\ns=-\r\nc=IN IP4 10.0.3.2\r\nt=0 0\r\n"
		"m=audio 6000/2 RTP/AVP 0\r\n";
	static const char reoffer[] =
		"v=0\r\no=- 1 2 IN IP4 192.168.1.10\r\ns=-\r\nc=IN IP4 192.168.1.10\r\nt=0 0\r\n"
		"m=audio 4100 RTP/SAVP 0\r\na=rtcp:0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A "\r\n";

	fk_request("offer", NULL, natted_offer, "ok");
	/* the refused answer: nothing installed */
	fk_request("answer", "t0", answer_multi, "error");
	holds(0, 0);
	fk_request("answer", "t1", answer_sdp, "ok");
	fk_request("answer", "t2", answer2, "ok");
	holds(2, 4);
	fk_request("delete", "t1", NULL, "ok");
	holds(2, 4);		/* t2's plan stays */

	/* a re-offer whose RTCP port is 0: refused, nothing changes */
	fk_request("offer", NULL, reoffer, "ok");
	fk_request("answer", "t2", answer2, "error");
	holds(2, 4);
	ck_assert_ptr_nonnull(unprotect_stream());
	ck_assert_uint_eq(unprotect_stream()->peer.port, 4000);
	ck_assert(relay_to_port(4000) && !relay_to_port(4100));

	fk_request("delete", "t2", NULL, "ok");
	holds(0, 0);
}
END_TEST

/* A UDP socket bound to @addr (any port); its port in *@port. */
static int udp_socket(int family, const char *addr, unsigned int *port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, addr, &s4->sin_addr), 1);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, addr, &s6->sin6_addr), 1);
		len = sizeof(*s6);
	}
	ck_assert(!bind(fd, (struct sockaddr *)&ss, len));
	len = sizeof(ss);
	ck_assert(!getsockname(fd, (struct sockaddr *)&ss, &len));
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
		      ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static void send_to(int fd, int family, const char *addr, unsigned int port,
		    const char *text)
{
	struct anchor_addr a;
	struct sockaddr_storage ss;
	socklen_t len;

	ck_assert(!anchor_addr_parse(addr, &a));
	ck_assert_int_eq(a.family, family);
	len = anchor_sockaddr(&a, port, &ss);
	ck_assert_int_eq(sendto(fd, text, strlen(text), 0,
				(struct sockaddr *)&ss, len), (ssize_t)strlen(text));
}

/*
 * What @fd received within @ms milliseconds ("" when nothing), and from
 * which port.
 */
static const char *received(int fd, unsigned int *from_port, int ms)
{
	static char buf[256];
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int i;

	buf[0] = '\0';
	/* the relay runs in this thread: turn it until the packet is there */
	for (i = 0; i < ms / 10 && poll(&p, 1, 10) == 0; i++)
		nga_urelay_run(&anch);
	n = recvfrom(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT,
		     (struct sockaddr *)&ss, &len);
	if (n < 0)
		return "";
	buf[n] = '\0';
	if (from_port)
		*from_port = ntohs(ss.ss_family == AF_INET ?
				   ((struct sockaddr_in *)&ss)->sin_port :
				   ((struct sockaddr_in6 *)&ss)->sin6_port);
	return buf;
}

/*
 * IPv4 toward the phone, IPv6 toward the gateway (address-family=IP6):
 * Linux's NAT cannot relay between them, srtpd does, between its own
 * sockets, taking only the sender's address; a plain peer is answered
 * where its packets come from.  Real packets on loopback.
 */
START_TEST(anchored_two_families)
{
	const struct benc_node *r, *an, *e;
	unsigned int pa, pb, ra, rb, from, sp;
	int a, b, stranger;
	char o[512], ans[256], want[64];
	unsigned int k;

	a = udp_socket(AF_INET, "127.0.0.1", &pa);
	b = udp_socket(AF_INET6, "::1", &pb);
	stranger = udp_socket(AF_INET, "127.0.0.2", &sp);
	/* the phone's SDP names a port it does not send from */
	snprintf(o, sizeof(o),
		 "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP 0\r\n", pa + 1 == 65536 ? pa - 1 : pa + 1);
	r = send_req("o1", "command", "offer", "received-from",
		     "\x01l3:IP49:127.0.0.1e", "call-id", "mixed", "from-tag", "ft",
		     "sdp", o, "address-family", "IP6",
		     "direction", "\x01l3:lan3:wane", NULL);
	result_is(r, "ok");
	ck_assert_ptr_null(benc_get(r, "warning"));
	ck_assert(str_has(benc_get(r, "sdp"), "c=IN IP6 ::1\r\n"));
	rb = first_port(benc_get(r, "sdp"));

	snprintf(ans, sizeof(ans),
		 "v=0\r\no=gw 5 5 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP 0\r\na=rtcp-mux\r\n", pb);
	r = send_req("a1", "command", "answer", "received-from",
		     "\x01l3:IP63:::1e", "call-id", "mixed", "from-tag", "ft",
		     "to-tag", "tt", "sdp", ans, NULL);
	result_is(r, "ok");
	ck_assert(str_has(benc_get(r, "sdp"), "c=IN IP4 127.0.0.1\r\n"));
	ra = first_port(benc_get(r, "sdp"));
	ck_assert_uint_eq(frel.n, 0);		/* nothing for NAT */
	ck_assert_uint_eq(live(), 0);		/* plain: no stream */

	/* the phone to the gateway, from the router's IPv6 port */
	send_to(a, AF_INET, "127.0.0.1", ra, "rtp one");
	ck_assert_str_eq(received(b, &from, 1000), "rtp one");
	ck_assert_uint_eq(from, rb);
	/* the gateway back: to where the phone's packet came from */
	send_to(b, AF_INET6, "::1", rb, "rtp two");
	ck_assert_str_eq(received(a, &from, 1000), "rtp two");
	ck_assert_uint_eq(from, ra);
	/* a stranger to the phone's side: counted, not relayed */
	send_to(stranger, AF_INET, "127.0.0.1", ra, "forged");
	ck_assert_str_eq(received(b, NULL, 200), "");

	r = send_req("q1", "command", "query", "call-id", "mixed", NULL);
	an = benc_get(r, "anchor");
	k = 0;
	snprintf(want, sizeof(want), "127.0.0.1:%u", ra);
	for (e = benc_get(an, "relays")->first; e; e = e->next) {
		ck_assert(benc_is(benc_get(e, "by"), "srtpd"));
		if (!benc_is(benc_get(e, "local"), want))
			continue;
		k++;
		ck_assert_int_eq(benc_get(e, "packets")->i, 1);
		ck_assert_int_eq(benc_get(e, "strangers")->i, 1);
	}
	ck_assert_uint_eq(k, 1);

	r = send_req("d1", "command", "delete", "call-id", "mixed", "from-tag",
		     "ft", NULL);
	result_is(r, "ok");
	/* the ports are gone: nothing is relayed */
	send_to(a, AF_INET, "127.0.0.1", ra, "after");
	ck_assert_str_eq(received(b, NULL, 200), "");
	close(a);
	close(b);
	close(stranger);
}
END_TEST

static Suite *ng_suite(void)
{
	Suite *s = suite_create("ng");
	TCase *t = tcase_create("core");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, ping);
	tcase_add_test(t, mixed_call);
	tcase_add_test(t, guard_has_the_answers_suite);
	tcase_add_test(t, retransmission);
	tcase_add_test(t, command_counters);
	tcase_add_test(t, cache_expiry);
	tcase_add_test(t, cache_per_sender);
	tcase_add_test(t, cache_bounds);
	tcase_add_test(t, bad_requests);
	tcase_add_test(t, kernel_refuses);
	tcase_add_test(t, reanswer_refused_halfway);
	tcase_add_test(t, phone_model);
	tcase_add_test(t, state_file);
	tcase_add_test(t, early_media_then_200);
	tcase_add_test(t, mux_reoffer_in_place);
	tcase_add_test(t, forked_call);
	tcase_add_test(t, delete_by_via_branch);
	tcase_add_test(t, hold_keeps_addresses);
	tcase_add_test(t, hostile_media_addresses);
	tcase_add_test(t, delete_delay);
	tcase_add_test(t, guards_after_restart);
	tcase_add_test(t, scenario_two_from_gateway);
	tcase_add_test(t, reinvite_from_callee);
	tcase_add_test(t, delayed_offer);
	tcase_add_test(t, callee_hold_keeps_addresses);
	tcase_add_test(t, same_offer_twice);
	tcase_add_test(t, timers);
	tcase_add_test(t, plain_call_idles);
	tcase_add_test(t, caller_moves_port);
	tcase_add_test(t, options_and_reports);
	tcase_add_test(t, sdes_and_rtcp_mux_options);
	tcase_add_test(t, state_file_mode);
	tcase_add_test(t, next_call_takes_the_guard);
	tcase_add_test(t, osrtp_options);
	tcase_add_test(t, reoffer_keeps_keys_toward_callee);
	tcase_add_test(t, callee_model_from_answer);
	tcase_add_test(t, callee_model_as_the_proxy_sends_it);

	suite_add_tcase(s, t);
	/* 10 000 calls: more than Check's default 4 s under the sanitizers */
	t = tcase_create("anchored");
	tcase_add_checked_fixture(t, setup_anchored, teardown_anchored);
	tcase_add_test(t, anchored_call);
	tcase_add_test(t, anchored_ports_run_out);
	tcase_add_test(t, anchored_addresses_and_refusals);
	tcase_add_test(t, anchored_two_families);
	tcase_add_test(t, anchored_failures_leave_no_relay_alone);
	suite_add_tcase(s, t);

	t = tcase_create("load");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, limits);
	tcase_add_test(t, limit_both_front_ends);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(ng_suite)
