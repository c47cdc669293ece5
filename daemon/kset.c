// SPDX-License-Identifier: GPL-2.0
/*
 * kset: a call's kernel streams, planned the one way both front ends use.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "kset.h"
#include "trust.h"

static void changed(const struct kset_owner *o)
{
	if (o->changed)
		o->changed(o->arg);
}

struct kslot *kset_find(struct kset *set, uint32_t id)
{
	unsigned int i;

	for (i = 0; id && i < set->n; i++)
		if (set->streams[i].k.id == id)
			return &set->streams[i];
	return NULL;
}

void kset_drop(struct kset *set, unsigned int i)
{
	free(set->streams[i].base);
	memmove(&set->streams[i], &set->streams[i + 1],
		(set->n - i - 1) * sizeof(set->streams[0]));
	set->n--;
	memset(&set->streams[set->n], 0, sizeof(set->streams[0]));
}

void kset_remove(const struct kset_owner *o, struct kset *set, unsigned int i)
{
	kstream_del(&o->ks, &set->streams[i].k);
	kset_drop(set, i);
	changed(o);
}

void kset_clear(const struct kset_owner *o, struct kset *set)
{
	while (set->n)
		kset_remove(o, set, set->n - 1);
}

int kset_add(const struct kset_owner *o, struct kset *set,
	     const struct nfsrtp_stream *s, const struct kslot *proto,
	     char *err, size_t errlen)
{
	struct kslot *st;

	if (set->n >= KSET_MAX) {
		errmsg_set(err, errlen, "too many streams in one call (%d)",
			   KSET_MAX);
		return -1;
	}
	st = &set->streams[set->n];
	*st = *proto;
	st->base = NULL;
	if (kstream_add(&o->ks, o->sum_key, s, &st->k, err, errlen)) {
		memset(st, 0, sizeof(*st));
		return -1;
	}
	set->n++;
	changed(o);
	return 0;
}

static bool same_dst(const struct kmatch *a, const struct kmatch *b)
{
	return a->family == b->family && a->dport == b->dport &&
	       !memcmp(a->daddr, b->daddr, sizeof(a->daddr));
}

bool kset_protects(const struct kset *set, const struct kmatch *m)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (set->streams[i].k.op == NF_SRTP_OP_PROTECT &&
		    same_dst(&set->streams[i].k.match, m))
			return true;
	return false;
}

/* Branch @branch's stream for want @w's group, direction and op. */
static struct kslot *slot_of(struct kset *set, uint8_t branch,
			     const struct kwant *w)
{
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		struct kslot *st = &set->streams[i];

		if (st->branch == branch && st->group == w->group &&
		    st->a_to_b == w->a_to_b && st->k.op == w->op)
			return st;
	}
	return NULL;
}

/*
 * A stream of the set the kernel would refuse to duplicate, that this
 * plan has not claimed: one with the same match, or for protect one
 * toward the same destination (a protect stream guards its destination
 * against every other source).  Another branch's, when two forks answer
 * (the later answer takes the caller's direction over), the other
 * direction's after a re-INVITE from the callee turned the roles round,
 * or a guard.  It is changed in place, never duplicated.
 */
static struct kslot *same_match(struct kset *set, uint8_t branch,
				const struct kmatch *m, uint8_t op)
{
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		struct kslot *st = &set->streams[i];
		const struct kmatch *o = &st->k.match;

		if (st->k.op != op || (st->branch == branch && st->seen) ||
		    !same_dst(o, m))
			continue;
		if (op == NF_SRTP_OP_PROTECT ||
		    !memcmp(o->saddr, m->saddr, sizeof(o->saddr)))
			return st;
	}
	return NULL;
}

/*
 * A side on hold (c=0.0.0.0) keeps the address the stream has: never a
 * wildcard match.  1 when there is none to keep (no stream then).
 */
static int hold_keep(struct kmatch *m, const struct kslot *st)
{
	if (media_addr_unspecified(m->family, m->saddr)) {
		if (!st || st->k.match.family != m->family)
			return 1;
		memcpy(m->saddr, st->k.match.saddr, sizeof(m->saddr));
		m->sport = st->k.match.sport;
		m->rtcp_sport = st->k.match.rtcp_sport;
	}
	if (media_addr_unspecified(m->family, m->daddr) && !kmatch_open_dst(m)) {
		if (!st || st->k.match.family != m->family)
			return 1;
		memcpy(m->daddr, st->k.match.daddr, sizeof(m->daddr));
		m->dport = st->k.match.dport;
		m->rtcp_dport = st->k.match.rtcp_dport;
	}
	return 0;
}

/* The stream want @w takes in branch @branch: found, or NULL (a new one). */
static struct kslot *claim(const struct kset_owner *o, struct kset *set,
			   uint8_t branch, const struct kwant *w,
			   struct kslot *st, const struct kmatch *m)
{
	/*
	 * A protect stream moving to a destination the set guards already
	 * (the caller's new port, guarded from its re-offer on): the kernel
	 * keeps one protect stream a destination, so that one takes the flow
	 * over in place, never leaving the new port unguarded, and the old
	 * stream, which no want claims now, goes after.  Its context starts
	 * anew there (RFC 4568 7.1.4: a new transport address, a new crypto
	 * context).
	 */
	if (st && w->op == NF_SRTP_OP_PROTECT &&
	    memcmp(&st->k.match, m, sizeof(*m))) {
		struct kslot *there = same_match(set, branch, m, w->op);

		if (there && there != st)
			st = there;
	}
	if (!st)
		st = same_match(set, branch, m, w->op);
	if (!st && w->op == NF_SRTP_OP_PROTECT && o->adopt)
		st = o->adopt(o->arg, set, m);
	return st;
}

/* A latching want's flag and the peer it starts from (struct kwant). */
static void latch_from(struct nfsrtp_stream *s, const struct kwant *w)
{
	struct nfsrtp_peer *p[2] = { &s->peer, &s->rtcp_peer };
	uint16_t port[2] = { w->peer_port, w->peer_rtcp_port };
	int i;

	s->flags |= NF_SRTP_F_LATCH;
	for (i = 0; i < 2; i++) {
		if (!port[i])
			continue;
		p[i]->family = s->family;
		memcpy(p[i]->addr, s->saddr, sizeof(p[i]->addr));
		p[i]->port = port[i];
	}
}

static int apply_one(const struct kset_owner *o, struct kset *set,
		     uint8_t branch, const struct kwant *w,
		     struct nfsrtp_stream *s, char *err, size_t errlen)
{
	struct kslot *st = slot_of(set, branch, w);
	struct kmatch m = w->match;
	struct kstream_ops ks = o->ks;
	struct kstream was;
	int rc;

	ks.call_id = o->call_id;	/* the streams' lines name their call */
	if (hold_keep(&m, st)) {
		kstream_log(&ks, "call %s: m-line %u on hold before any address was known: no stream",
			  o->call_id, w->group);
		return 0;
	}
	memset(s, 0, sizeof(*s));
	s->op = w->op;
	kstream_to_match(&m, s);
	kstream_crypto(s, w->crypto, w->mux);
	if (w->latch)
		latch_from(s, w);
	st = claim(o, set, branch, w, st, &m);
	if (!st) {
		struct kslot fresh = {
			.a_to_b = w->a_to_b, .group = w->group,
			.branch = branch, .seen = true,
		};

		rc = kset_add(o, set, s, &fresh, err, errlen);
		explicit_bzero(s, sizeof(*s));
		return rc;
	}
	was = st->k;
	st->branch = branch;
	st->group = w->group;
	st->a_to_b = w->a_to_b;
	st->seen = true;
	rc = kstream_put(&ks, o->sum_key, &st->k, s, o->flags, err, errlen);
	if (memcmp(&was, &st->k, sizeof(was)))
		changed(o);
	explicit_bzero(&was, sizeof(was));
	explicit_bzero(s, sizeof(*s));
	return rc;
}

int kset_apply(const struct kset_owner *o, struct kset *set, uint8_t branch,
	       const struct kwant *w, size_t n, char *err, size_t errlen)
{
	struct nfsrtp_stream *s = calloc(1, sizeof(*s));
	unsigned int i;
	size_t k;
	int rc = 0;

	if (!s) {
		errmsg_set(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < set->n; i++)
		set->streams[i].seen = false;
	for (k = 0; k < n && !rc; k++)
		rc = apply_one(o, set, branch, &w[k], s, err, errlen);
	free(s);
	if (rc)
		return -1;
	i = set->n;
	while (i--)
		if (set->streams[i].branch == branch && !set->streams[i].seen)
			kset_remove(o, set, i);
	return 0;
}

/* @v less the base @b, never below 0 (a kernel stream's counters only grow) */
static uint64_t since(uint64_t v, uint64_t b)
{
	return v > b ? v - b : 0;
}

void kslot_totals(const struct kslot *st, const struct nfsrtp_stream *s,
		  struct kset_totals *t)
{
	static const struct kslot_base none;
	const struct kslot_base *b = st->base ? st->base : &none;
	uint64_t drops = 0;
	unsigned int r;

	for (r = 1; r <= NF_SRTP_DROP_MAX; r++)
		drops += s->drops[r];
	/* a guard taken over from a deleted call: what this call saw */
	t->rtcp_packets = since(s->rtcp_packets, b->rtcp_packets);
	t->rtcp_bytes = since(s->rtcp_bytes, b->rtcp_bytes);
	/* (a kernel counter of all packets, RTCP ones included) */
	t->packets = since(since(s->packets, b->packets), t->rtcp_packets);
	t->bytes = since(since(s->bytes, b->bytes), t->rtcp_bytes);
	t->rtcp_errors = since(s->rtcp_drops, b->rtcp_errors);
	t->errors = since(since(drops, b->errors), t->rtcp_errors);
	t->auth = since(s->drops[NF_SRTP_DROP_AUTH], b->auth);
	t->replay = since(s->drops[NF_SRTP_DROP_REPLAY] +
			  s->drops[NF_SRTP_DROP_TOO_OLD], b->replay);
}

void kset_totals_add(struct kset_totals *t, const struct kset_totals *one,
		     bool count)
{
	if (count) {
		t->packets += one->packets;
		t->bytes += one->bytes;
		t->rtcp_packets += one->rtcp_packets;
		t->rtcp_bytes += one->rtcp_bytes;
	}
	t->errors += one->errors;
	t->rtcp_errors += one->rtcp_errors;
	t->auth += one->auth;
	t->replay += one->replay;
}

bool kset_counts(const struct kset *set, unsigned int i)
{
	unsigned int k;

	if (set->streams[i].k.op == NF_SRTP_OP_UNPROTECT)
		return true;
	for (k = 0; k < set->n; k++)
		if (set->streams[k].k.op == NF_SRTP_OP_UNPROTECT &&
		    set->streams[k].a_to_b == set->streams[i].a_to_b)
			return false;
	return true;
}

unsigned int kset_totals(const struct kset *set,
			 int (*get)(void *arg, uint32_t id,
				    struct nfsrtp_stream *out),
			 void *arg, struct kset_totals *t)
{
	struct nfsrtp_stream *s = calloc(1, sizeof(*s));
	struct kset_totals one;
	unsigned int i, missing = 0;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < set->n; i++) {
		if (!s || get(arg, set->streams[i].k.id, s)) {
			missing++;
			continue;
		}
		kslot_totals(&set->streams[i], s, &one);
		explicit_bzero(s, sizeof(*s));
		kset_totals_add(t, &one, kset_counts(set, i));
	}
	free(s);
	return missing;
}
