// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/call.c and daemon/control.c against a recording
 * stand-in for the kernel: which streams a call installs (addresses,
 * ports, keys from the SDP, flags), re-keying in both roles, deletion,
 * and every failure path rolling back.
 */

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "call.h"
#include "config.h"
#include "control.h"
#include "check_main.h"

/* ---- the kernel stand-in ---- */

#define FAKE_MAX 32

struct fake {
	struct nfsrtp_stream s[FAKE_MAX];
	bool used[FAKE_MAX];
	unsigned int active[FAKE_MAX];
	int fail_add_after;	/* refuse the add after this many; -1 never */
	unsigned int adds;
	unsigned int dels;
	unsigned int replaces;	/* STREAM_SETs with new parameters */
	unsigned int rematches;	/* STREAM_SETs with a new match */
	bool fail_update;
};

static int f_add(void *arg, const struct nfsrtp_stream *s, uint32_t *id,
		 char *err, size_t errlen)
{
	struct fake *f = arg;
	unsigned int i;

	if (f->fail_add_after >= 0 && (int)f->adds >= f->fail_add_after) {
		snprintf(err, errlen, "no room (test)");
		return -28;
	}
	for (i = 1; i < FAKE_MAX && f->used[i]; i++)
		;
	ck_assert_uint_lt(i, FAKE_MAX);
	f->s[i] = *s;
	f->s[i].id = i;
	f->used[i] = true;
	f->active[i] = 0;
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

static int f_update(void *arg, const struct nfsrtp_stream_update *u,
		    char *err, size_t errlen)
{
	struct fake *f = arg;
	struct nfsrtp_stream *s = &f->s[u->id];
	unsigned int i;

	if (f->fail_update) {
		snprintf(err, errlen, "refused (test)");
		return -22;
	}
	ck_assert(u->id < FAKE_MAX && f->used[u->id]);
	if (u->set_params) {
		/* a new context of these keys, the SSRC state carried over */
		ck_assert_uint_gt(u->nkeys, 0);
		s->flags = u->flags;
		if (u->window)
			s->window = u->window;
		s->nkeys = 0;
		f->active[u->id] = 0;
		f->replaces++;
	}
	for (i = 0; i < u->nkeys; i++)
		s->keys[s->nkeys++] = u->keys[i];
	if (u->set_active)
		f->active[u->id] = u->active;
	if (u->match) {
		s->family = u->match->family;
		s->has_saddr = u->match->has_saddr;
		memcpy(s->saddr, u->match->saddr, sizeof(s->saddr));
		memcpy(s->daddr, u->match->daddr, sizeof(s->daddr));
		s->sport = u->match->sport;
		s->dport = u->match->dport;
		s->rtcp_sport = u->match->rtcp_sport;
		s->rtcp_dport = u->match->rtcp_dport;
		f->rematches++;
	}
	ck_assert(u->set_params || u->match || u->nkeys);
	return 0;
}

static struct fake fake;
static struct calls table;	/* srtpd's one table */
static struct call_table calls;

static int f_get(void *arg, uint32_t id, struct nfsrtp_stream *out)
{
	struct fake *f = arg;

	if (id >= FAKE_MAX || !f->used[id])
		return -2;	/* -ENOENT */
	*out = f->s[id];
	return 0;
}

/* The id of call @c's kernel stream with op @op (it has one media stream). */
static uint32_t stream_of(const struct call *c, uint8_t op)
{
	unsigned int i;

	for (i = 0; i < c->set.n; i++)
		if (c->set.streams[i].k.op == op)
			return c->set.streams[i].k.id;
	return 0;
}

static unsigned int live(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < FAKE_MAX; i++)
		n += fake.used[i];
	return n;
}

static void setup(void)
{
	struct call_ops ops = { f_add, f_del, f_update, NULL, &fake };

	memset(&fake, 0, sizeof(fake));
	fake.fail_add_after = -1;
	calls_init(&table);
	call_table_init(&calls, &table, &ops);
}

static void teardown(void)
{
	call_table_free(&calls);
	ck_assert_uint_eq(live(), 0);
}

static struct srtp_policy policy(const char *attrs)
{
	struct srtp_config c;
	struct srtp_policy p;
	char xml[2048], err[512];

	snprintf(xml, sizeof(xml), "<sip><sec %s/></sip>", attrs);
	config_init(&c);
	ck_assert_msg(!config_load_buffer(&c, "t.cfg", xml, strlen(xml), err,
					  sizeof(err)), "%s", err);
	ck_assert_msg(!policy_build(&c, NULL, &p, err, sizeof(err)), "%s", err);
	config_free(&c);
	return p;
}

static struct neg_local local(const char *media)
{
	struct neg_local l;

	memset(&l, 0, sizeof(l));
	ck_assert(!ctl_parse_media(media, &l));
	return l;
}

/* The first key of the a=crypto line in @sdp, decoded. */
static void sdp_key(const char *sdp, struct sdes_key *k)
{
	const char *p = strstr(sdp, "a=crypto:");
	struct sdes_crypto c;
	char err[128];
	size_t n;

	ck_assert_ptr_nonnull(p);
	p += 9;
	n = strcspn(p, "\r\n");
	ck_assert_msg(!sdes_parse_crypto(p, n, &c, err, sizeof(err)), "%s", err);
	*k = c.keys[0];
	sdes_crypto_wipe(&c);
}

static void expect_key(const struct nfsrtp_key *kk, const struct sdes_key *k)
{
	ck_assert_uint_eq(kk->key_len, k->key_len);
	ck_assert_mem_eq(kk->key, k->key, k->key_len);
	ck_assert_mem_eq(kk->salt, k->salt, k->salt_len);
	ck_assert_uint_eq(kk->mki_len, k->mki_len);
	ck_assert_uint_eq(kk->lifetime, k->lifetime);
}

static const struct nfsrtp_stream *find(uint8_t op, uint16_t dport)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX; i++)
		if (fake.used[i] && fake.s[i].op == op &&
		    fake.s[i].dport == dport)
			return &fake.s[i];
	return NULL;
}

#define A_CFG "sec.srtp.enable=\"1\" sec.srtp.offer=\"1\""
#define B_CFG "sec.srtp.enable=\"1\" sec.srtp.require=\"1\""

/* One table answers an offer made by a second table (the peer). */
/* srtpd's exit after a start that failed before the table was set up */
START_TEST(free_before_init)
{
	struct call_table never = { 0 };

	call_table_free(&never);
	call_table_free(&never);
}
END_TEST

START_TEST(answer_installs_two_streams)
{
	struct srtp_policy pa = policy(A_CFG), pb = policy(B_CFG);
	struct neg_local la = local("10.0.1.1:4000"), lb = local("10.0.1.2:5000");
	struct calls peer_table;	/* another srtpd's */
	struct call_table peer;
	struct call_ops none = { f_add, f_del, f_update, NULL, &fake };
	struct sdes_key ka, kb;
	const struct nfsrtp_stream *prot, *unprot;
	char *offer, *answer, why[256];
	uint8_t a4[4], b4[4];

	calls_init(&peer_table);
	call_table_init(&peer, &peer_table, &none);
	ck_assert_int_eq(call_offer(&peer, "c1", &pa, &la, &offer, why,
				    sizeof(why)), 0);
	ck_assert_uint_eq(live(), 0);	/* an offer installs nothing */
	ck_assert_int_eq(call_answer(&calls, "c1", &pb, &lb, offer,
				     strlen(offer), &answer, why, sizeof(why)),
			 0);
	ck_assert_uint_eq(live(), 2);
	sdp_key(offer, &ka);
	sdp_key(answer, &kb);
	inet_pton(AF_INET, "10.0.1.1", a4);
	inet_pton(AF_INET, "10.0.1.2", b4);
	/* B protects toward A with B's key (the answer's) */
	prot = find(NF_SRTP_OP_PROTECT, 4000);
	ck_assert_ptr_nonnull(prot);
	ck_assert_mem_eq(prot->saddr, b4, 4);
	ck_assert_mem_eq(prot->daddr, a4, 4);
	ck_assert_uint_eq(prot->sport, 5000);
	ck_assert_uint_eq(prot->rtcp_sport, 5001);
	ck_assert_uint_eq(prot->rtcp_dport, 4001);
	ck_assert_uint_eq(prot->suite, NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80);
	ck_assert_uint_eq(prot->flags, 0);
	ck_assert_uint_eq(prot->nkeys, 1);
	expect_key(&prot->keys[0], &kb);
	/* and unprotects A's packets, from any port, with A's key */
	unprot = find(NF_SRTP_OP_UNPROTECT, 5000);
	ck_assert_ptr_nonnull(unprot);
	ck_assert(unprot->has_saddr);
	ck_assert_mem_eq(unprot->saddr, a4, 4);
	ck_assert_uint_eq(unprot->sport, 0);
	ck_assert_uint_eq(unprot->rtcp_dport, 5001);
	expect_key(&unprot->keys[0], &ka);
	ck_assert_int_ne(memcmp(ka.key, kb.key, 16), 0);
	/* the offerer completes: its own two streams */
	ck_assert_int_eq(call_complete(&peer, "c1", answer, strlen(answer), why,
				       sizeof(why)), 0);
	ck_assert_uint_eq(live(), 4);
	expect_key(&find(NF_SRTP_OP_PROTECT, 5000)->keys[0], &ka);
	expect_key(&find(NF_SRTP_OP_UNPROTECT, 4000)->keys[0], &kb);
	ck_assert_int_eq(call_find(&peer, "c1")->state, CALL_ACTIVE);
	ck_assert(call_find(&peer, "c1")->result->secure);
	ck_assert_int_eq(call_delete(&peer, "c1"), 0);
	ck_assert_uint_eq(live(), 2);
	ck_assert_int_eq(call_delete(&calls, "c1"), 0);
	ck_assert_uint_eq(live(), 0);
	ck_assert_int_eq(call_delete(&calls, "c1"), CALL_BAD);
	free(offer);
	free(answer);
	call_table_free(&peer);
}
END_TEST

/* Session parameters become stream flags; rtcp-mux and IPv6. */
START_TEST(flags_mux_ipv6)
{
	static const char offer[] =
		"v=0\r\no=- 1 1 IN IP6 fd00:1::1\r\ns=-\r\nc=IN IP6 fd00:1::1\r\nt=0 0\r\n"
		"m=audio 4000 RTP/SAVP 0\r\na=rtcp-mux\r\n"
		"a=crypto:5 AES_CM_128_HMAC_SHA1_32 inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI "
		"UNENCRYPTED_SRTCP UNAUTHENTICATED_SRTP WSH=256\r\n";
	struct srtp_policy p = policy("sec.srtp.enable=\"1\" "
		"sec.srtp.sessionParams.noAuth.offer=\"1\" "
		"sec.srtp.sessionParams.noEncrypRTCP.offer=\"1\"");
	struct neg_local l = local("[fd00:1::2]:5000");
	const struct nfsrtp_stream *s;
	char *answer, why[256];

	ck_assert_int_eq(call_answer(&calls, "v6", &p, &l, offer, strlen(offer),
				     &answer, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(answer, "a=crypto:5 AES_CM_128_HMAC_SHA1_32 inline:"));
	ck_assert_ptr_nonnull(strstr(answer, "a=rtcp-mux\r\n"));
	s = find(NF_SRTP_OP_PROTECT, 4000);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->family, AF_INET6);
	ck_assert_uint_eq(s->flags, NF_SRTP_F_UNENCRYPTED_SRTCP |
			  NF_SRTP_F_UNAUTHENTICATED_SRTP | NF_SRTP_F_RTCP_MUX);
	ck_assert_uint_eq(s->rtcp_sport, 0);
	ck_assert_uint_eq(s->rtcp_dport, 0);
	s = find(NF_SRTP_OP_UNPROTECT, 5000);
	ck_assert_uint_eq(s->window, 256);
	ck_assert(!call_find(&calls, "v6")->result->secure);
	free(answer);
}
END_TEST

/* Plain RTP installs nothing; a 488 installs nothing and keeps nothing. */
START_TEST(plain_and_rejected)
{
	static const char avp[] =
		"v=0\r\no=- 1 1 IN IP4 10.0.1.1\r\ns=-\r\nc=IN IP4 10.0.1.1\r\nt=0 0\r\n"
		"m=audio 4000 RTP/AVP 0\r\n";
	struct srtp_policy on = policy("sec.srtp.enable=\"1\"");
	struct srtp_policy req = policy(B_CFG);
	struct neg_local l = local("10.0.1.2:5000");
	char *answer, why[256];

	ck_assert_int_eq(call_answer(&calls, "p", &on, &l, avp, strlen(avp),
				     &answer, why, sizeof(why)), 0);
	ck_assert_uint_eq(live(), 0);
	ck_assert_ptr_nonnull(call_find(&calls, "p"));
	free(answer);
	ck_assert_int_eq(call_answer(&calls, "r", &req, &l, avp, strlen(avp),
				     &answer, why, sizeof(why)), CALL_REJECTED);
	ck_assert_ptr_null(answer);
	ck_assert_ptr_nonnull(strstr(why, "secure media is required"));
	ck_assert_ptr_null(call_find(&calls, "r"));
	ck_assert_int_eq(call_answer(&calls, "x", &on, &l, "garbage", 7,
				     &answer, why, sizeof(why)), CALL_BAD);
	ck_assert_ptr_nonnull(strstr(why, "the offer SDP is invalid"));
}
END_TEST

/* The kernel refuses the second stream: the first is removed again. */
START_TEST(install_rolls_back)
{
	struct srtp_policy pa = policy(A_CFG), pb = policy(B_CFG);
	struct neg_local la = local("10.0.1.1:4000"), lb = local("10.0.1.2:5000");
	struct calls peer_table;	/* another srtpd's */
	struct call_table peer;
	struct fake other;
	struct call_ops ops = { f_add, f_del, f_update, NULL, &other };
	char *offer, *answer, why[256];

	memset(&other, 0, sizeof(other));
	other.fail_add_after = -1;
	calls_init(&peer_table);
	call_table_init(&peer, &peer_table, &ops);
	ck_assert(!call_offer(&peer, "c", &pa, &la, &offer, why, sizeof(why)));
	fake.fail_add_after = 1;
	ck_assert_int_eq(call_answer(&calls, "c", &pb, &lb, offer, strlen(offer),
				     &answer, why, sizeof(why)), CALL_FAILED);
	ck_assert_ptr_nonnull(strstr(why, "the kernel refused a stream: no room (test)"));
	ck_assert_uint_eq(fake.adds, 1);
	ck_assert_uint_eq(live(), 0);
	ck_assert_ptr_null(call_find(&calls, "c"));
	/* an answer for an unknown call, a second offer while one is out */
	ck_assert_int_eq(call_complete(&calls, "nope", "v=0\r\n", 5, why,
				       sizeof(why)), CALL_BAD);
	ck_assert_int_eq(call_offer(&peer, "c", &pa, &la, &answer, why,
				    sizeof(why)), CALL_BAD);
	ck_assert_ptr_nonnull(strstr(why, "already has an offer outstanding"));
	free(offer);
	call_table_free(&peer);
}
END_TEST

/*
 * Call "k" offered by table @a (kernel @fa, A with a 2048-packet lifetime)
 * and answered by the fixture's table (B), completed: both sides active.
 */
struct pair {
	struct fake fa;
	struct calls ta;	/* another srtpd's */
	struct call_table a;
	char *offer;
	char *answer;
};

static void establish(struct pair *pr)
{
	struct srtp_policy pa = policy(A_CFG " sec.srtp.key.lifetime=\"2048\"");
	struct srtp_policy pb = policy(B_CFG);
	struct neg_local la = local("10.0.1.1:4000"), lb = local("10.0.1.2:5000");
	struct call_ops ops = { f_add, f_del, f_update, NULL, &pr->fa };
	char why[256];

	memset(pr, 0, sizeof(*pr));
	pr->fa.fail_add_after = -1;
	calls_init(&pr->ta);
	call_table_init(&pr->a, &pr->ta, &ops);
	ck_assert(!call_offer(&pr->a, "k", &pa, &la, &pr->offer, why,
			      sizeof(why)));
	ck_assert(!call_answer(&calls, "k", &pb, &lb, pr->offer,
			       strlen(pr->offer), &pr->answer, why, sizeof(why)));
	ck_assert(!call_complete(&pr->a, "k", pr->answer, strlen(pr->answer),
				 why, sizeof(why)));
}

static void pair_free(struct pair *pr)
{
	free(pr->offer);
	free(pr->answer);
	call_table_free(&pr->a);
}

/* A whole re-key: soft limit on our key, re-offer, answer, complete. */
START_TEST(rekey_both_roles)
{
	struct srtp_policy pb = policy(B_CFG);
	struct neg_local lb = local("10.0.1.2:5000");
	struct nfsrtp_event ev = { .type = NF_SRTP_EVENT_SOFT_LIMIT };
	struct sdes_key k1, k2, kb;
	const struct nfsrtp_stream *s;
	struct pair pr;
	struct call *c;
	char *reoffer, *reanswer, why[256];
	uint32_t aprot;
	unsigned int i;

	establish(&pr);
	sdp_key(pr.offer, &k1);
	sdp_key(pr.answer, &kb);
	ck_assert_uint_eq(k1.lifetime, 2048);
	aprot = stream_of(call_find(&pr.a, "k"), NF_SRTP_OP_PROTECT);
	/* events that need nothing */
	ev.stream = stream_of(call_find(&pr.a, "k"), NF_SRTP_OP_UNPROTECT);
	ev.key_index = 0;
	ck_assert_int_eq(call_event(&pr.a, &ev, &c, &reoffer), 0);
	ev.stream = 999;
	ck_assert_int_eq(call_event(&pr.a, &ev, &c, &reoffer), 0);
	/* our protect key at half its lifetime: a re-offer */
	ev.stream = aprot;
	ck_assert_int_eq(call_event(&pr.a, &ev, &c, &reoffer), 1);
	ck_assert_str_eq(c->e.id, "k");
	ck_assert_int_eq(c->state, CALL_REKEYING);
	{
		char *none;

		/* a second soft limit while the re-offer is out: nothing */
		ck_assert_int_eq(call_event(&pr.a, &ev, &c, &none), 0);
		ck_assert_ptr_null(none);
	}
	sdp_key(reoffer, &k2);
	ck_assert_int_ne(memcmp(k1.key, k2.key, 16), 0);
	/* the same o= session, a higher version */
	{
		unsigned long long id1, v1, id2, v2;

		ck_assert_int_eq(sscanf(strstr(pr.offer, "o=- "), "o=- %llu %llu",
					&id1, &v1), 2);
		ck_assert_int_eq(sscanf(strstr(reoffer, "o=- "), "o=- %llu %llu",
					&id2, &v2), 2);
		ck_assert_uint_eq(id1, id2);
		ck_assert_uint_gt(v2, v1);
	}
	/* B answers the re-offer: keeps its key, learns A's new one */
	ck_assert_int_eq(call_answer(&calls, "k", &pb, &lb, reoffer,
				     strlen(reoffer), &reanswer, why, sizeof(why)),
			 0);
	{
		struct sdes_key kb2;

		sdp_key(reanswer, &kb2);
		ck_assert_mem_eq(kb2.key, kb.key, 16);
	}
	s = find(NF_SRTP_OP_UNPROTECT, 5000);
	ck_assert_uint_eq(s->nkeys, 2);
	expect_key(&s->keys[1], &k2);
	ck_assert_uint_eq(fake.active[s->id], 0);	/* switches by itself */
	s = find(NF_SRTP_OP_PROTECT, 4000);
	ck_assert_uint_eq(s->nkeys, 1);			/* B's key unchanged */
	/* A completes: its protect stream switches to the new key */
	ck_assert_int_eq(call_complete(&pr.a, "k", reanswer, strlen(reanswer), why,
				       sizeof(why)), 0);
	ck_assert_uint_eq(pr.fa.s[aprot].nkeys, 2);
	expect_key(&pr.fa.s[aprot].keys[1], &k2);
	ck_assert_uint_eq(pr.fa.active[aprot], 1);
	ck_assert_int_eq(call_find(&pr.a, "k")->state, CALL_ACTIVE);
	for (i = 0; i < FAKE_MAX; i++)
		ck_assert_uint_eq(pr.fa.used[i] ? pr.fa.s[i].nkeys : 0,
				  pr.fa.used[i] ? (i == aprot ? 2 : 1) : 0);
	free(reoffer);
	free(reanswer);
	pair_free(&pr);
}
END_TEST

/* A refused re-key leaves the call on its old keys. */
START_TEST(rekey_refused)
{
	struct srtp_policy pb = policy(B_CFG);
	struct neg_local lb = local("10.0.1.2:5000");
	struct nfsrtp_event ev = { .type = NF_SRTP_EVENT_SOFT_LIMIT };
	struct pair pr;
	struct call *c;
	char *reoffer, *reanswer, why[256];

	establish(&pr);
	ev.stream = stream_of(call_find(&pr.a, "k"), NF_SRTP_OP_PROTECT);
	ck_assert_int_eq(call_event(&pr.a, &ev, &c, &reoffer), 1);
	ck_assert(!call_answer(&calls, "k", &pb, &lb, reoffer, strlen(reoffer),
			       &reanswer, why, sizeof(why)));
	pr.fa.fail_update = true;
	ck_assert_int_eq(call_complete(&pr.a, "k", reanswer, strlen(reanswer),
				       why, sizeof(why)), CALL_FAILED);
	ck_assert_ptr_nonnull(strstr(why, "refused (test)"));
	ck_assert_int_eq(call_find(&pr.a, "k")->state, CALL_ACTIVE);
	ck_assert_uint_eq(pr.fa.s[ev.stream].nkeys, 1);
	free(reoffer);
	free(reanswer);
	pair_free(&pr);
}
END_TEST

/* @sdp with the first @from replaced by @to (malloc'd). */
static char *replace(const char *sdp, const char *from, const char *to)
{
	const char *p = strstr(sdp, from);
	size_t n = strlen(sdp) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(out);
	snprintf(out, n, "%.*s%s%s", (int)(p - sdp), sdp, to, p + strlen(from));
	return out;
}

/*
 * The peer re-offers with its media moved (another address and port):
 * both streams are changed in place (STREAM_SET with the new match), so
 * their ids, keys and crypto contexts (ROC, replay state) go on, and no
 * packet meets a moment without them; nothing is deleted or added.
 */
START_TEST(reoffer_moves_in_place)
{
	struct srtp_policy pb = policy(B_CFG);
	struct neg_local lb = local("10.0.1.2:5000");
	const struct nfsrtp_stream *prot, *unprot;
	char *moved, *moved2, *reanswer, why[256];
	uint32_t pid, uid;
	uint8_t a9[4];
	struct sdes_key ka, kb;
	struct pair pr;

	establish(&pr);
	sdp_key(pr.offer, &ka);
	sdp_key(pr.answer, &kb);
	pid = find(NF_SRTP_OP_PROTECT, 4000)->id;
	uid = find(NF_SRTP_OP_UNPROTECT, 5000)->id;
	ck_assert_uint_eq(fake.adds, 2);
	moved = replace(pr.offer, "m=audio 4000", "m=audio 4100");
	moved2 = replace(moved, "c=IN IP4 10.0.1.1", "c=IN IP4 10.0.1.9");
	ck_assert_int_eq(call_answer(&calls, "k", &pb, &lb, moved2,
				     strlen(moved2), &reanswer, why,
				     sizeof(why)), 0);
	ck_assert_uint_eq(fake.adds, 2);
	ck_assert_uint_eq(fake.dels, 0);
	ck_assert_uint_eq(fake.replaces, 0);
	ck_assert_uint_eq(fake.rematches, 2);
	ck_assert_ptr_null(find(NF_SRTP_OP_PROTECT, 4000));
	prot = find(NF_SRTP_OP_PROTECT, 4100);
	ck_assert_ptr_nonnull(prot);
	ck_assert_uint_eq(prot->id, pid);
	inet_pton(AF_INET, "10.0.1.9", a9);
	ck_assert_mem_eq(prot->daddr, a9, 4);
	ck_assert_uint_eq(prot->rtcp_dport, 4101);
	ck_assert_uint_eq(prot->sport, 5000);
	ck_assert_uint_eq(prot->nkeys, 1);	/* our key, its context */
	expect_key(&prot->keys[0], &kb);
	unprot = find(NF_SRTP_OP_UNPROTECT, 5000);
	ck_assert_uint_eq(unprot->id, uid);
	ck_assert_mem_eq(unprot->saddr, a9, 4);
	ck_assert_uint_eq(unprot->nkeys, 1);	/* the peer kept its key */
	expect_key(&unprot->keys[0], &ka);
	/* the same offer again changes nothing */
	free(reanswer);
	ck_assert_int_eq(call_answer(&calls, "k", &pb, &lb, moved2,
				     strlen(moved2), &reanswer, why,
				     sizeof(why)), 0);
	ck_assert_uint_eq(fake.rematches, 2);
	ck_assert_uint_eq(fake.adds + fake.dels, 2);
	free(moved);
	free(moved2);
	free(reanswer);
	pair_free(&pr);
}
END_TEST

/*
 * The peer puts the call on hold the RFC 2543 way (c=0.0.0.0, sendonly):
 * the streams keep the peer's address, the unprotect stream never takes
 * packets from anyone (a wildcard source), the protect stream never sends
 * to 0.0.0.0; the peer's resume from its address changes nothing either.
 * A call that begins on hold installs no stream for it.
 */
START_TEST(peer_hold_keeps_matches)
{
	struct srtp_policy pb = policy(B_CFG);
	struct neg_local lb = local("10.0.1.2:5000");
	const struct nfsrtp_stream *prot, *unprot;
	char *hold, *hold2, *reanswer, why[256];
	uint8_t a1[4];
	struct pair pr;

	establish(&pr);
	inet_pton(AF_INET, "10.0.1.1", a1);
	hold = replace(pr.offer, "c=IN IP4 10.0.1.1", "c=IN IP4 0.0.0.0");
	hold2 = replace(hold, "a=sendrecv", "a=sendonly");
	ck_assert_int_eq(call_answer(&calls, "k", &pb, &lb, hold2,
				     strlen(hold2), &reanswer, why,
				     sizeof(why)), 0);
	ck_assert_uint_eq(fake.adds, 2);
	ck_assert_uint_eq(fake.dels, 0);
	ck_assert_uint_eq(fake.rematches, 0);
	prot = find(NF_SRTP_OP_PROTECT, 4000);
	ck_assert_ptr_nonnull(prot);
	ck_assert_mem_eq(prot->daddr, a1, 4);
	unprot = find(NF_SRTP_OP_UNPROTECT, 5000);
	ck_assert_ptr_nonnull(unprot);
	ck_assert(unprot->has_saddr);
	ck_assert_mem_eq(unprot->saddr, a1, 4);
	free(reanswer);
	/* resumed from its own address: as it was */
	ck_assert_int_eq(call_answer(&calls, "k", &pb, &lb, pr.offer,
				     strlen(pr.offer), &reanswer, why,
				     sizeof(why)), 0);
	ck_assert_uint_eq(fake.adds + fake.dels + fake.rematches, 2);
	free(reanswer);
	/* a call that starts on hold: nothing to match yet */
	ck_assert_int_eq(call_answer(&calls, "h", &pb, &lb, hold2,
				     strlen(hold2), &reanswer, why,
				     sizeof(why)), 0);
	ck_assert_uint_eq(call_find(&calls, "h")->set.n, 0);
	ck_assert_uint_eq(fake.adds, 2);
	free(reanswer);
	free(hold);
	free(hold2);
	pair_free(&pr);
}
END_TEST

/*
 * A re-offer that changes the session parameters (UNENCRYPTED_SRTCP,
 * which the answer takes up) replaces the crypto contexts of both
 * streams in place, with the same keys: same streams, so ROC and replay
 * state go on; nothing deleted or added.
 */
START_TEST(reoffer_params_in_place)
{
	struct srtp_policy pa = policy(A_CFG);
	struct srtp_policy pb = policy("sec.srtp.enable=\"1\" "
		"sec.srtp.require=\"1\" "
		"sec.srtp.sessionParams.noEncrypRTCP.offer=\"1\"");
	struct neg_local la = local("10.0.1.1:4000"), lb = local("10.0.1.2:5000");
	struct call_ops none = { f_add, f_del, f_update, NULL, &fake };
	const struct nfsrtp_stream *unprot;
	char *offer, *answer, *reoffer, *reanswer, why[256];
	struct calls peer_table;	/* another srtpd's */
	struct call_table peer;
	const char *eol;
	uint32_t uid, pid;
	size_t n;

	calls_init(&peer_table);
	call_table_init(&peer, &peer_table, &none);
	ck_assert(!call_offer(&peer, "k", &pa, &la, &offer, why, sizeof(why)));
	ck_assert_msg(!call_answer(&calls, "k", &pb, &lb, offer, strlen(offer),
				   &answer, why, sizeof(why)), "%s", why);
	uid = find(NF_SRTP_OP_UNPROTECT, 5000)->id;
	pid = find(NF_SRTP_OP_PROTECT, 4000)->id;
	ck_assert_uint_eq(find(NF_SRTP_OP_UNPROTECT, 5000)->flags, 0);
	/* the crypto line of the offer, with UNENCRYPTED_SRTCP added */
	eol = strstr(strstr(offer, "a=crypto:"), "\r\n");
	n = strlen(offer) + 32;
	reoffer = malloc(n);
	ck_assert_ptr_nonnull(reoffer);
	snprintf(reoffer, n, "%.*s UNENCRYPTED_SRTCP%s",
		 (int)(eol - offer), offer, eol);
	ck_assert_msg(!call_answer(&calls, "k", &pb, &lb, reoffer,
				   strlen(reoffer), &reanswer, why,
				   sizeof(why)), "%s", why);
	ck_assert_uint_eq(fake.adds, 2);
	ck_assert_uint_eq(fake.dels, 0);
	unprot = find(NF_SRTP_OP_UNPROTECT, 5000);
	ck_assert_uint_eq(unprot->id, uid);
	ck_assert_uint_eq(unprot->flags, NF_SRTP_F_UNENCRYPTED_SRTCP);
	ck_assert_uint_eq(unprot->nkeys, 1);
	/* the answer takes the parameter up for our key too: in place */
	ck_assert_uint_eq(fake.replaces, 2);
	ck_assert_uint_eq(find(NF_SRTP_OP_PROTECT, 4000)->id, pid);
	ck_assert_uint_eq(find(NF_SRTP_OP_PROTECT, 4000)->flags,
			  NF_SRTP_F_UNENCRYPTED_SRTCP);
	ck_assert_uint_eq(find(NF_SRTP_OP_PROTECT, 4000)->nkeys, 1);
	free(offer);
	free(answer);
	free(reoffer);
	free(reanswer);
	call_table_free(&peer);
}
END_TEST

static bool ng_gone(void *arg, struct call_entry *e, const char *why,
		    time_t now)
{
	(void)arg; (void)e; (void)why; (void)now;
	ck_abort_msg("the other front end's call expired");
	return true;
}

/*
 * One table for both front ends: --max-calls counts ng's calls as well
 * (the table refuses a new call, never a call it has), and a Call-ID
 * that is ng's call is not the control socket's.
 */
START_TEST(limit_both_front_ends)
{
	struct srtp_policy pa = policy(A_CFG);
	struct neg_local la = local("10.0.1.1:4000");
	const struct call_front ng_front = { .name = "ng", .expire = ng_gone };
	struct call_entry ng_call = { .id = "b2", .front = &ng_front,
				      .answered = true };
	char *sdp, why[256];

	table.limits.max_calls = 2;
	calls_link(&table, &ng_call);
	ck_assert_int_eq(call_offer(&calls, "a", &pa, &la, &sdp, why,
				    sizeof(why)), 0);
	free(sdp);
	ck_assert_int_eq(call_offer(&calls, "b", &pa, &la, &sdp, why,
				    sizeof(why)), CALL_FAILED);
	ck_assert_ptr_null(sdp);
	ck_assert_str_eq(why, "too many calls (2, --max-calls)");
	ck_assert_int_eq(call_answer(&calls, "b", &pa, &la, "v=0\r\n", 5,
				     &sdp, why, sizeof(why)), CALL_FAILED);
	ck_assert_str_eq(why, "too many calls (2, --max-calls)");
	ck_assert_ptr_null(call_find(&calls, "b"));
	ck_assert_uint_eq(table.count, 2);
	table.limits.max_calls = 3;
	ck_assert_int_eq(call_offer(&calls, "b2", &pa, &la, &sdp, why,
				    sizeof(why)), CALL_FAILED);
	ck_assert_str_eq(why, "call-id b2 is a call of srtpd's ng front end");
	ck_assert_ptr_null(call_find(&calls, "b2"));
	ck_assert_int_eq(call_answer(&calls, "b2", &pa, &la, "v=0\r\n", 5,
				     &sdp, why, sizeof(why)), CALL_FAILED);
	ck_assert_str_eq(why, "call-id b2 is a call of srtpd's ng front end");
	ck_assert_int_eq(call_delete(&calls, "b2"), CALL_BAD);
	calls_expire(&table, time(NULL) + 100);	/* "a" waits, ng's too */
	ck_assert_ptr_eq(calls_find(&table, "b2"), &ng_call);
	calls_unlink(&table, &ng_call);
	table.limits.max_calls = 2;
	ck_assert_int_eq(call_offer(&calls, "b", &pa, &la, &sdp, why,
				    sizeof(why)), 0);
	free(sdp);
	ck_assert_uint_eq(table.count, 2);
}
END_TEST

static char gone_text[512];

static void gone(void *arg, const struct call *c, const char *why)
{
	size_t n = strlen(gone_text);

	ck_assert_ptr_eq(arg, &calls);
	snprintf(gone_text + n, sizeof(gone_text) - n, "%s: %s\n", c->e.id, why);
}

/*
 * The timers of ng's calls for the control socket's: an offer that no
 * COMPLETE follows goes after --no-answer-timeout, any call after
 * --session-timeout, with its streams.
 */
START_TEST(timers)
{
	struct srtp_policy pa = policy(A_CFG), pb = policy(B_CFG);
	struct neg_local la = local("10.0.1.1:4000"), lb = local("10.0.1.2:5000");
	char *offer, *answer, *other, why[256];
	time_t t0;

	gone_text[0] = '\0';
	table.limits.no_answer = 180;
	calls.gone = gone;
	calls.gone_arg = &calls;
	ck_assert(!call_offer(&calls, "out", &pa, &la, &offer, why,
			      sizeof(why)));
	ck_assert(!call_offer(&calls, "mine", &pa, &la, &other, why,
			      sizeof(why)));
	ck_assert(!call_answer(&calls, "in", &pb, &lb, other, strlen(other),
			       &answer, why, sizeof(why)));
	ck_assert_int_eq(call_delete(&calls, "mine"), 0);
	ck_assert_uint_eq(live(), 2);
	t0 = call_find(&calls, "out")->e.created;
	call_find(&calls, "in")->e.created = t0;	/* the same second */
	ck_assert_int_eq(calls_expire(&table, t0 + 179), t0 + 180);
	ck_assert_uint_eq(table.count, 2);
	ck_assert_int_eq(calls_expire(&table, t0 + 180), 0);
	ck_assert_ptr_null(call_find(&calls, "out"));
	ck_assert_ptr_nonnull(call_find(&calls, "in"));
	ck_assert_str_eq(gone_text, "out: no answer came\n");
	ck_assert_uint_eq(live(), 2);
	table.limits.session = 600;
	ck_assert_int_eq(calls_expire(&table, t0 + 300), t0 + 600);
	ck_assert_int_eq(calls_expire(&table, t0 + 600), 0);
	ck_assert_uint_eq(table.count, 0);
	ck_assert_uint_eq(live(), 0);
	ck_assert_str_eq(gone_text, "out: no answer came\n"
			 "in: its session timeout ran out\n");
	free(offer);
	free(other);
	free(answer);
}
END_TEST

/*
 * The idle timer of ng's calls for the control socket's: a call whose
 * kernel counters stop moving goes after --idle-timeout, with its
 * streams; one whose counters move stays.
 */
START_TEST(idle_timer)
{
	struct call_ops ops = { f_add, f_del, f_update, f_get, &fake };
	struct srtp_policy pa = policy(A_CFG), pb = policy(B_CFG);
	struct neg_local lb = local("10.0.1.2:5000");
	struct neg_local la = local("10.0.1.1:4000");
	char *offer, *answer, why[256];
	time_t t, t0;
	unsigned int i;

	call_table_free(&calls);
	call_table_init(&calls, &table, &ops);
	gone_text[0] = '\0';
	calls.gone = gone;
	calls.gone_arg = &calls;
	table.limits.idle = 300;
	ck_assert(!call_offer(&calls, "x", &pa, &la, &offer, why,
			      sizeof(why)));
	call_delete(&calls, "x");
	ck_assert(!call_answer(&calls, "in", &pb, &lb, offer, strlen(offer),
			       &answer, why, sizeof(why)));
	ck_assert_uint_eq(live(), 2);
	t0 = call_find(&calls, "in")->e.created;
	/* packets flow: the counters move at every check */
	for (t = t0; t < t0 + 900; t += 75) {
		for (i = 0; i < FAKE_MAX; i++)
			fake.s[i].packets += fake.used[i] ? 50 : 0;
		calls_expire(&table, t);
		ck_assert_ptr_nonnull(call_find(&calls, "in"));
	}
	/* then nothing for the idle timeout from the last check that saw
	 * them move */
	t -= 75;
	ck_assert_int_eq(calls_expire(&table, t + 299), t + 300);
	ck_assert_ptr_nonnull(call_find(&calls, "in"));
	ck_assert_int_eq(calls_expire(&table, t + 300), 0);
	ck_assert_ptr_null(call_find(&calls, "in"));
	ck_assert_str_eq(gone_text, "in: no packet for the idle timeout\n");
	ck_assert_uint_eq(live(), 0);
	free(offer);
	free(answer);
}
END_TEST

/* ---- the control protocol ---- */

START_TEST(control_parse)
{
	static const char msg[] =
		"ANSWER\r\ncall-id:  abc@host \r\nMedia: [fd00::1]:4000\n"
		"Model: IP_601\nX-Unknown: ignored\n"
		"Received-From: fd00::9\n\nv=0\r\n";
	struct ctl_request r;
	struct neg_local l;
	char err[256];

	ck_assert_msg(!ctl_parse(msg, strlen(msg), &r, err, sizeof(err)), "%s",
		      err);
	ck_assert_int_eq(r.verb, CTL_ANSWER);
	ck_assert_str_eq(r.call_id, "abc@host");
	ck_assert_str_eq(r.media, "[fd00::1]:4000");
	ck_assert_str_eq(r.model, "IP_601");
	ck_assert_int_eq(r.from.family, AF_INET6);
	ck_assert_str_eq(r.from.addr, "fd00::9");
	ck_assert_uint_eq(r.body_len, 5);
	ck_assert(!memcmp(r.body, "v=0\r\n", 5));
	memset(&l, 0, sizeof(l));
	ck_assert(!ctl_parse_media(r.media, &l));
	ck_assert_int_eq(l.conn.family, AF_INET6);
	ck_assert_uint_eq(l.port, 4000);
	ck_assert(!ctl_parse("PING", 4, &r, err, sizeof(err)));
	ck_assert_int_eq(r.from.family, 0);
	ck_assert(!ctl_parse("DELETE\nCall-ID: x\n", 18, &r, err, sizeof(err)));
}
END_TEST

START_TEST(control_rejects)
{
	static const struct {
		const char *msg;
		const char *err;
	} cases[] = {
		{ "HELLO\n", "unknown request" },
		{ "offer\nCall-ID: x\nMedia: 10.0.0.1:2\n", "unknown request" },
		{ "OFFER\nMedia: 10.0.0.1:2\n", "needs a Call-ID" },
		{ "OFFER\nCall-ID: x\n", "needs a Media" },
		{ "ANSWER\nCall-ID: x\nMedia: 10.0.0.1:2\n", "needs an SDP body" },
		{ "DELETE\nCall-ID: x\n\nbody", "takes no body" },
		{ "DELETE\nCall-ID x\n", "malformed header" },
		{ "DELETE\nCall-ID: \n", "Call-ID: empty" },
		{ "DELETE\nCall-ID: a\tb\n", "control characters" },
		{ "COMPLETE\nCall-ID: x\nReceived-From: pbx.example\n\nv=0\n",
		  "Received-From: \"pbx.example\" is not a literal" },
		{ "COMPLETE\nCall-ID: x\nReceived-From: [fd00::1]\n\nv=0\n",
		  "is not a literal IPv4 or IPv6" },
		{ "COMPLETE\nCall-ID: x\nReceived-From: 10.0.0.1:5060\n\nv=0\n",
		  "is not a literal" },
		{ "COMPLETE\nCall-ID: x\nReceived-From:\n\nv=0\n",
		  "Received-From: empty" },
	};
	struct ctl_request r;
	char err[256], big[CALL_ID_MAX + 40];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(ctl_parse(cases[i].msg, strlen(cases[i].msg), &r,
					   err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, cases[i].err), "case %zu: %s", i, err);
	}
	memset(big, 'x', sizeof(big));
	memcpy(big, "DELETE\nCall-ID: ", 16);
	big[sizeof(big) - 1] = '\n';
	ck_assert_int_eq(ctl_parse(big, sizeof(big), &r, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
}
END_TEST

START_TEST(control_media_and_message)
{
	static const char *const bad[] = {
		"10.0.0.1", "10.0.0.1:", "10.0.0.1:0", "10.0.0.1:65535",
		"10.0.0.1:-5", "fd00::1:4000", "[fd00::1]4000", "[10.0.0.1]:4",
		"host.example:4000", "10.0.0.1:4000x",
	};
	struct neg_local l;
	size_t i, len;
	char *m;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ctl_parse_media(bad[i], &l) == -1, "%s", bad[i]);
	m = ctl_message(488, "Not Acceptable Here", "Reason: x\n", NULL, &len);
	ck_assert_str_eq(m, "488 Not Acceptable Here\nReason: x\n\n");
	ck_assert_uint_eq(len, strlen(m));
	free(m);
	m = ctl_message(0, "REKEY", "Call-ID: c\n", "v=0\r\n", &len);
	ck_assert_str_eq(m, "EVENT REKEY\nCall-ID: c\n\nv=0\r\n");
	free(m);
}
END_TEST

static Suite *call_suite(void)
{
	Suite *s = suite_create("call");
	TCase *tc = tcase_create("calls");
	TCase *ctl = tcase_create("control");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, free_before_init);
	tcase_add_test(tc, answer_installs_two_streams);
	tcase_add_test(tc, flags_mux_ipv6);
	tcase_add_test(tc, plain_and_rejected);
	tcase_add_test(tc, install_rolls_back);
	tcase_add_test(tc, rekey_both_roles);
	tcase_add_test(tc, rekey_refused);
	tcase_add_test(tc, reoffer_moves_in_place);
	tcase_add_test(tc, reoffer_params_in_place);
	tcase_add_test(tc, peer_hold_keeps_matches);
	tcase_add_test(tc, limit_both_front_ends);
	tcase_add_test(tc, timers);
	tcase_add_test(tc, idle_timer);
	suite_add_tcase(s, tc);
	tcase_add_test(ctl, control_parse);
	tcase_add_test(ctl, control_rejects);
	tcase_add_test(ctl, control_media_and_message);
	suite_add_tcase(s, ctl);
	return s;
}

CHECK_MAIN(call_suite)
