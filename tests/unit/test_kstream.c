// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/kstream.c, the one builder of the kernel streams
 * of both front ends' calls, against a recording stand-in for the
 * kernel: what goes into a STREAM_SET (nothing when nothing changed; a
 * new match; only the keys the stream does not hold, appended, ours
 * made active; new parameters as a new context), what cannot change in
 * place, and a refused append falling back to a replace.
 */

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "check_main.h"
#include "kstream.h"

struct fake {
	struct nfsrtp_stream s;		/* the one stream, id 7 */
	bool used;
	unsigned int adds, dels, sets;
	struct nfsrtp_stream_update last;	/* keys wiped: counts only */
	unsigned int last_nkeys;
	bool last_match;		/* the last update carried a match */
	bool refuse_append;
	bool refuse_add;
	char log[512];
};

static struct fake fake;
static const uint64_t sum_key[2] = { 0x0123456789abcdefULL, 42 };

static int f_add(void *arg, const struct nfsrtp_stream *s, uint32_t *id,
		 char *err, size_t errlen)
{
	struct fake *f = arg;

	if (f->refuse_add) {
		snprintf(err, errlen, "no room (test)");
		return -28;
	}
	ck_assert(!f->used);
	f->s = *s;
	f->used = true;
	f->adds++;
	*id = 7;
	return 0;
}

static int f_del(void *arg, uint32_t id)
{
	struct fake *f = arg;

	ck_assert_uint_eq(id, 7);
	ck_assert(f->used);
	f->used = false;
	f->dels++;
	return 0;
}

static int f_update(void *arg, const struct nfsrtp_stream_update *u,
		    char *err, size_t errlen)
{
	struct fake *f = arg;

	ck_assert_uint_eq(u->id, 7);
	ck_assert(u->set_params || u->match || u->nkeys);
	if (f->refuse_append && u->nkeys && !u->set_params) {
		snprintf(err, errlen, "no free key slot (test)");
		return -28;
	}
	f->sets++;
	f->last = *u;
	f->last_nkeys = u->nkeys;
	f->last_match = u->match;
	memset(f->last.keys, 0, sizeof(f->last.keys));
	f->last.match = NULL;
	if (u->set_params)
		f->s.nkeys = 0;
	memcpy(&f->s.keys[f->s.nkeys], u->keys, u->nkeys * sizeof(u->keys[0]));
	f->s.nkeys += u->nkeys;
	if (u->match)
		f->s.dport = u->match->dport;
	return 0;
}

static void f_log(void *arg, const char *call_id, const char *line)
{
	struct fake *f = arg;

	snprintf(f->log, sizeof(f->log), "[%s] %s", call_id ? call_id : "",
		 line);
}

static const struct kstream_ops ops = {
	f_add, f_del, f_update, f_log, &fake, "call-7"
};

static void key(struct nfsrtp_key *k, uint8_t fill)
{
	memset(k, 0, sizeof(*k));
	memset(k->key, fill, 16);
	memset(k->salt, fill, 14);
	k->key_len = 16;
	k->salt_len = 14;
}

/* A stream 10.0.1.2 -> 10.0.1.1:@port with keys filled @k1 (and @k2). */
static struct nfsrtp_stream stream(uint8_t op, uint16_t port, uint8_t k1,
				   uint8_t k2)
{
	struct nfsrtp_stream s;

	memset(&s, 0, sizeof(s));
	s.op = op;
	s.family = AF_INET;
	s.has_saddr = true;
	inet_pton(AF_INET, "10.0.1.2", s.saddr);
	inet_pton(AF_INET, "10.0.1.1", s.daddr);
	s.dport = port;
	s.rtcp_dport = (uint16_t)(port + 1);
	s.suite = NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80;
	s.nkeys = k2 ? 2 : 1;
	key(&s.keys[0], k1);
	if (k2)
		key(&s.keys[1], k2);
	return s;
}

static void setup(void)
{
	memset(&fake, 0, sizeof(fake));
}

/* Nothing changed: nothing sent.  A new match alone: the match only. */
START_TEST(unchanged_and_moved)
{
	struct nfsrtp_stream s = stream(NF_SRTP_OP_UNPROTECT, 4000, 1, 0);
	struct kstream st;
	char err[256];

	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(kstream_add(&ops, sum_key, &s, &st, err, sizeof(err)), 0);
	ck_assert_uint_eq(st.id, 7);
	ck_assert_uint_eq(st.nkeys, 1);
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &s, 0, err,
				     sizeof(err)), 0);
	ck_assert_uint_eq(fake.sets, 0);
	s.dport = 4100;
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &s, 0, err,
				     sizeof(err)), 0);
	ck_assert_uint_eq(fake.sets, 1);
	ck_assert_uint_eq(fake.last_nkeys, 0);
	ck_assert(!fake.last.set_params);
	ck_assert_uint_eq(fake.s.dport, 4100);
	ck_assert_uint_eq(st.match.dport, 4100);
	ck_assert_uint_eq(fake.adds + fake.dels, 1);
}
END_TEST

/*
 * The peer's crypto line with its old key and a new one: only the new
 * key is appended; ours (protect, KSTREAM_ACTIVATE) becomes active at the
 * index the kernel gives it.
 */
START_TEST(only_new_keys_appended)
{
	struct nfsrtp_stream s = stream(NF_SRTP_OP_UNPROTECT, 4000, 1, 0);
	struct nfsrtp_stream s2 = stream(NF_SRTP_OP_UNPROTECT, 4000, 1, 2);
	struct nfsrtp_stream p = stream(NF_SRTP_OP_PROTECT, 4000, 3, 0);
	struct kstream st;
	char err[256];

	memset(&st, 0, sizeof(st));
	ck_assert(!kstream_add(&ops, sum_key, &s, &st, err, sizeof(err)));
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &s2, 0, err,
				     sizeof(err)), 0);
	ck_assert_uint_eq(fake.last_nkeys, 1);
	ck_assert(!fake.last.set_params);
	ck_assert(!fake.last.set_active);	/* the peer's: by itself */
	ck_assert_uint_eq(fake.s.nkeys, 2);
	ck_assert_uint_eq(fake.s.keys[1].key[0], 2);
	ck_assert_uint_eq(st.nkeys, 2);
	kstream_del(&ops, &st);
	ck_assert_uint_eq(st.id, 0);

	ck_assert(!kstream_add(&ops, sum_key, &p, &st, err, sizeof(err)));
	key(&p.keys[0], 4);
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &p, KSTREAM_ACTIVATE,
				     err, sizeof(err)), 0);
	ck_assert_uint_eq(fake.last_nkeys, 1);
	ck_assert(fake.last.set_active);
	ck_assert_uint_eq(fake.last.active, 1);
	key(&p.keys[0], 5);
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &p, KSTREAM_ACTIVATE,
				     err, sizeof(err)), 0);
	ck_assert_uint_eq(fake.last.active, 2);
	ck_assert_uint_eq(st.nkeys, 3);
	/* without KSTREAM_ACTIVATE a protect stream's new key replaces */
	key(&p.keys[0], 6);
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &p, 0, err,
				     sizeof(err)), 0);
	ck_assert(fake.last.set_params);
	ck_assert_uint_eq(st.nkeys, 1);
	ck_assert_uint_eq(fake.adds, 2);
	ck_assert_uint_eq(fake.dels, 1);
}
END_TEST

/* New parameters: a new context of the keys, in place. */
START_TEST(params_replace_in_place)
{
	struct nfsrtp_stream s = stream(NF_SRTP_OP_UNPROTECT, 4000, 1, 0);
	struct kstream st;
	char err[256];

	memset(&st, 0, sizeof(st));
	ck_assert(!kstream_add(&ops, sum_key, &s, &st, err, sizeof(err)));
	s.flags = NF_SRTP_F_UNENCRYPTED_SRTCP;
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &s, 0, err,
				     sizeof(err)), 0);
	ck_assert(fake.last.set_params);
	ck_assert_uint_eq(fake.last.flags, NF_SRTP_F_UNENCRYPTED_SRTCP);
	ck_assert_uint_eq(fake.last_nkeys, 1);
	ck_assert_uint_eq(st.flags, NF_SRTP_F_UNENCRYPTED_SRTCP);
	ck_assert_uint_eq(fake.adds, 1);
	ck_assert_uint_eq(fake.dels, 0);
}
END_TEST

/*
 * Another suite (a re-INVITE that settles on AES_CM_128_HMAC_SHA1_32),
 * with its key: one STREAM_SET that replaces the context with the new
 * suite, never a remove and an add (a moment without a stream).
 */
START_TEST(suite_changes_in_place)
{
	struct nfsrtp_stream s = stream(NF_SRTP_OP_PROTECT, 4000, 1, 0);
	struct nfsrtp_stream o;
	struct kstream st;
	char err[256];

	memset(&st, 0, sizeof(st));
	ck_assert(!kstream_add(&ops, sum_key, &s, &st, err, sizeof(err)));
	o = stream(NF_SRTP_OP_PROTECT, 4000, 2, 0);
	o.suite = NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32;
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &o, KSTREAM_ACTIVATE,
				     err, sizeof(err)), 0);
	ck_assert_uint_eq(fake.adds, 1);
	ck_assert_uint_eq(fake.dels, 0);
	ck_assert_uint_eq(fake.sets, 1);
	ck_assert(fake.last.set_params);
	ck_assert_uint_eq(fake.last.suite, NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32);
	ck_assert_uint_eq(fake.last_nkeys, 1);
	ck_assert_uint_eq(st.suite, NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32);
	/* the same again: nothing to send */
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &o, KSTREAM_ACTIVATE,
				     err, sizeof(err)), 0);
	ck_assert_uint_eq(fake.sets, 1);
}
END_TEST

/*
 * A re-INVITE that adds a=rtcp-mux, then drops it: one STREAM_SET each,
 * in place, with the flags, the keys and the match (the kernel wants the
 * match with a change of multiplexing, even where the ports look alike).
 */
START_TEST(mux_changes_in_place)
{
	struct nfsrtp_stream s = stream(NF_SRTP_OP_PROTECT, 4000, 1, 0);
	struct nfsrtp_stream o;
	struct kstream st;
	char err[256];

	memset(&st, 0, sizeof(st));
	ck_assert(!kstream_add(&ops, sum_key, &s, &st, err, sizeof(err)));
	ck_assert(!st.mux);
	o = s;
	o.flags = NF_SRTP_F_RTCP_MUX;
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &o, KSTREAM_ACTIVATE,
				     err, sizeof(err)), 0);
	ck_assert_uint_eq(fake.sets, 1);
	ck_assert(fake.last.set_params);
	ck_assert_uint_eq(fake.last.flags, NF_SRTP_F_RTCP_MUX);
	ck_assert_uint_eq(fake.last_nkeys, 1);
	ck_assert(fake.last_match);
	ck_assert(st.mux);
	/* and back, with RTCP on ports of its own again */
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &s, KSTREAM_ACTIVATE,
				     err, sizeof(err)), 0);
	ck_assert_uint_eq(fake.sets, 2);
	ck_assert_uint_eq(fake.last.flags, 0);
	ck_assert(fake.last_match);
	ck_assert(!st.mux);
	ck_assert_uint_eq(fake.adds, 1);
	ck_assert_uint_eq(fake.dels, 0);
}
END_TEST

/*
 * The operation never changes: refused, nothing sent, the stream as it
 * was (a stream removed and added again would leave a moment without it).
 */
START_TEST(op_never_changes)
{
	struct nfsrtp_stream s = stream(NF_SRTP_OP_UNPROTECT, 4000, 1, 0);
	struct nfsrtp_stream o;
	struct kstream st, was;
	char err[256];

	memset(&st, 0, sizeof(st));
	ck_assert(!kstream_add(&ops, sum_key, &s, &st, err, sizeof(err)));
	was = st;
	o = s;
	o.op = NF_SRTP_OP_PROTECT;
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &o, 0, err,
				     sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot change its operation"));
	ck_assert_uint_eq(fake.sets + fake.dels, 0);
	ck_assert_mem_eq(&st, &was, sizeof(st));
}
END_TEST

/*
 * kstream_put(), the planner's one way to make a stream what it should
 * be: added when there is none, kept when nothing changed, set in place;
 * another op is refused, never removed and added again.
 */
START_TEST(put_adds_keeps_sets)
{
	struct nfsrtp_stream s = stream(NF_SRTP_OP_UNPROTECT, 4000, 1, 0);
	struct nfsrtp_stream o;
	struct kstream st;
	char err[256];

	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(kstream_put(&ops, sum_key, &st, &s, 0, err,
				     sizeof(err)), 0);
	ck_assert_uint_eq(st.id, 7);
	ck_assert_uint_eq(fake.adds, 1);
	ck_assert_int_eq(kstream_put(&ops, sum_key, &st, &s, 0, err,
				     sizeof(err)), 0);
	ck_assert_uint_eq(fake.adds + fake.sets + fake.dels, 1);
	o = s;
	o.dport = 4100;					/* a new match */
	ck_assert_int_eq(kstream_put(&ops, sum_key, &st, &o, 0, err,
				     sizeof(err)), 0);
	ck_assert_uint_eq(fake.sets, 1);
	ck_assert(fake.last_match);
	ck_assert_uint_eq(fake.adds, 1);
	o.op = NF_SRTP_OP_PROTECT;			/* not in place */
	ck_assert_int_eq(kstream_put(&ops, sum_key, &st, &o, 0, err,
				     sizeof(err)), -1);
	ck_assert_uint_eq(fake.dels, 0);
	ck_assert_uint_eq(fake.adds, 1);
	ck_assert_uint_eq(st.op, NF_SRTP_OP_UNPROTECT);
	ck_assert_uint_eq(st.id, 7);
	memset(&st, 0, sizeof(st));			/* a new one, refused */
	fake.refuse_add = true;
	ck_assert_int_eq(kstream_put(&ops, sum_key, &st, &s, 0, err,
				     sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "the kernel refused a stream: no room"));
	ck_assert_uint_eq(st.id, 0);
}
END_TEST

/* The kernel refuses the append (no free slot): replaced, and logged. */
START_TEST(refused_append_replaces)
{
	struct nfsrtp_stream s = stream(NF_SRTP_OP_UNPROTECT, 4000, 1, 0);
	struct kstream st;
	char err[256];

	memset(&st, 0, sizeof(st));
	ck_assert(!kstream_add(&ops, sum_key, &s, &st, err, sizeof(err)));
	fake.refuse_append = true;
	key(&s.keys[0], 9);
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &s, 0, err,
				     sizeof(err)), 0);
	ck_assert(fake.last.set_params);
	ck_assert_uint_eq(fake.s.nkeys, 1);
	ck_assert_uint_eq(fake.s.keys[0].key[0], 9);
	/* the line names its call apart, for the journal's CALL_ID= */
	ck_assert_ptr_nonnull(strstr(fake.log, "[call-7] stream 7: the kernel refused the new key next to the old one (no free key slot (test)): replacing it"));
	ck_assert_uint_eq(st.nkeys, 1);
	/* the same keys again: nothing to do */
	ck_assert_int_eq(kstream_set(&ops, sum_key, &st, &s, 0, err,
				     sizeof(err)), 0);
	ck_assert_uint_eq(fake.sets, 1);
}
END_TEST

/* The digest tells keys apart and depends on its secret key. */
START_TEST(digests)
{
	struct nfsrtp_stream a = stream(NF_SRTP_OP_UNPROTECT, 4000, 1, 0);
	struct nfsrtp_stream b = stream(NF_SRTP_OP_UNPROTECT, 4000, 2, 0);
	static const uint64_t other[2] = { 1, 2 };

	ck_assert_uint_eq(kstream_sum(sum_key, &a), kstream_sum(sum_key, &a));
	ck_assert_uint_ne(kstream_sum(sum_key, &a), kstream_sum(sum_key, &b));
	ck_assert_uint_ne(kstream_sum(sum_key, &a), kstream_sum(other, &a));
	ck_assert_uint_ne(kstream_sum(sum_key, &a), 0);
}
END_TEST

static Suite *kstream_suite(void)
{
	Suite *s = suite_create("kstream");
	TCase *tc = tcase_create("streams");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, unchanged_and_moved);
	tcase_add_test(tc, only_new_keys_appended);
	tcase_add_test(tc, params_replace_in_place);
	tcase_add_test(tc, suite_changes_in_place);
	tcase_add_test(tc, mux_changes_in_place);
	tcase_add_test(tc, op_never_changes);
	tcase_add_test(tc, put_adds_keeps_sets);
	tcase_add_test(tc, refused_append_replaces);
	tcase_add_test(tc, digests);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(kstream_suite)
