// SPDX-License-Identifier: GPL-2.0
/*
 * call: calls, their kernel streams and their re-keying.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "call.h"
#include "errmsg.h"

static int64_t call_packets(void *arg, struct call_entry *e);
static bool call_expire_one(void *arg, struct call_entry *e, const char *why,
			    time_t now);

static const struct kset *call_set(struct call_entry *e)
{
	return &((struct call *)e)->set;
}

void call_table_init(struct call_table *t, struct calls *calls,
		     const struct call_ops *ops)
{
	memset(t, 0, sizeof(*t));
	t->calls = calls;
	t->ops = *ops;
	t->front = (struct call_front){
		.name = "control socket",
		.packets = ops->get ? call_packets : NULL,
		.expire = call_expire_one, .set = call_set, .arg = t,
	};
	kstream_sum_key(t->sum_key);
}

struct call *call_first(const struct call_table *t)
{
	return (struct call *)calls_next_of(t->calls->head, &t->front);
}

struct call *call_next(const struct call_table *t, const struct call *c)
{
	return (struct call *)calls_next_of(c->e.next, &t->front);
}

struct call *call_find(struct call_table *t, const char *id)
{
	struct call_entry *e = calls_find(t->calls, id);

	return e && e->front == &t->front ? (struct call *)e : NULL;
}

struct call *call_by_stream(struct call_table *t, uint32_t id)
{
	struct call *c;

	if (!id)
		return NULL;
	for (c = call_first(t); c; c = call_next(t, c))
		if (kset_find(&c->set, id))
			return c;
	return NULL;
}

/* ---- kernel streams ---- */

/* How call @c's streams reach the kernel (kset.h): our keys at once. */
static struct kset_owner owner_of(const struct call_table *t,
				  const struct call *c)
{
	struct kset_owner o = {
		.ks = {
			.add = t->ops.add, .del = t->ops.del,
			.update = t->ops.update, .arg = t->ops.arg,
		},
		.sum_key = t->sum_key, .flags = KSTREAM_ACTIVATE,
		.call_id = c->e.id,
	};

	return o;
}

static int addr_of(const struct sdp_conn *c, int family, uint8_t *out)
{
	return c->family == family &&
	       inet_pton(family, c->addr, out) == 1 ? 0 : -1;
}

/*
 * The two kernel streams of negotiated SRTP stream @s, the @group-th of
 * the call:
 *   protect    our address:port -> the peer's, with our key (RTCP from
 *              port + 1 to the peer's RTCP port, or multiplexed);
 *   unprotect  the peer's address, any port -> our address:port, with
 *              the peer's key (any source port: phones behind NAT).
 */
static int media_wants(const struct neg_stream *s, uint8_t group,
		       struct kwant w[2], char *why, size_t whylen)
{
	int family = s->local_conn.family;
	struct kmatch *p = &w[0].match, *u = &w[1].match;

	memset(w, 0, 2 * sizeof(*w));
	if (addr_of(&s->local_conn, family, p->saddr) ||
	    addr_of(&s->remote_conn, family, p->daddr)) {
		errmsg_set(why, whylen,
			"m=%s: the peer's address %s is not a literal %s address",
			s->media, s->remote_conn.addr,
			family == AF_INET6 ? "IPv6" : "IPv4");
		return -1;
	}
	if (!s->rtcp_mux && strcmp(s->remote_rtcp_conn.addr,
				   s->remote_conn.addr)) {
		errmsg_set(why, whylen,
			"m=%s: RTCP to another address (%s) than RTP is not supported",
			s->media, s->remote_rtcp_conn.addr);
		return -1;
	}
	w[0].op = NF_SRTP_OP_PROTECT;
	w[0].a_to_b = true;
	w[0].crypto = &s->local;
	p->family = (uint8_t)family;
	p->sport = (uint16_t)s->local_port;
	p->dport = (uint16_t)s->remote_port;
	p->rtcp_sport = (uint16_t)(s->rtcp_mux ? 0 : s->local_port + 1);
	p->rtcp_dport = (uint16_t)(s->rtcp_mux ? 0 : s->remote_rtcp_port);

	w[1].op = NF_SRTP_OP_UNPROTECT;
	w[1].crypto = &s->remote;
	u->family = (uint8_t)family;
	memcpy(u->saddr, p->daddr, sizeof(p->daddr));
	memcpy(u->daddr, p->saddr, sizeof(p->saddr));
	u->dport = (uint16_t)s->local_port;
	u->rtcp_dport = (uint16_t)(s->rtcp_mux ? 0 : s->local_port + 1);
	w[0].group = w[1].group = group;
	w[0].mux = w[1].mux = s->rtcp_mux;
	return 0;
}

static void remove_streams(struct call_table *t, struct call *c)
{
	struct kset_owner o = owner_of(t, c);

	kset_clear(&o, &c->set);
}

/*
 * The kernel streams of @c become those of @r (kset_apply()): the n-th
 * media stream of @r is group n; streams @r no longer has go.  On failure
 * the streams changed so far keep their change; a call's first install
 * (@first) is removed whole.
 */
static int apply_streams(struct call_table *t, struct call *c,
			 const struct neg_result *r, bool first, char *why,
			 size_t whylen)
{
	struct kwant *w = calloc(2 * NEG_MEDIA_MAX, sizeof(*w));
	struct kset_owner o = owner_of(t, c);
	size_t i, n = 0;
	int rc = 0;
	char kerr[256];

	if (!w) {
		errmsg_set(why, whylen, "out of memory");
		return CALL_FAILED;
	}
	for (i = 0; i < r->nstreams && i < NEG_MEDIA_MAX; i++) {
		if (!r->streams[i].srtp)
			continue;
		if (media_wants(&r->streams[i], (uint8_t)i, &w[n], why,
				whylen)) {
			rc = CALL_REJECTED;
			break;
		}
		n += 2;
	}
	if (!rc && kset_apply(&o, &c->set, 0, w, n, kerr, sizeof(kerr))) {
		errmsg_set(why, whylen, "%s", kerr);
		rc = CALL_FAILED;
	}
	free(w);
	if (rc && first)
		remove_streams(t, c);
	return rc;
}

static int install_streams(struct call_table *t, struct call *c, char *why,
			   size_t whylen)
{
	return apply_streams(t, c, c->result, true, why, whylen);
}

/* ---- calls ---- */

static void free_result(struct neg_result **r)
{
	if (*r) {
		negotiate_result_wipe(*r);
		free(*r);
		*r = NULL;
	}
}

static void free_offer(struct neg_offer **o)
{
	if (*o) {
		negotiate_offer_free(*o);
		free(*o);
		*o = NULL;
	}
}

static void call_free(struct call *c)
{
	free_offer(&c->offer);
	free_result(&c->result);
	explicit_bzero(c, sizeof(*c));
	free(c);
}

static void unlink_call(struct call_table *t, struct call *c)
{
	calls_unlink(t->calls, &c->e);
}

/* The state of @c; the table's no-answer timer runs while it is offered. */
static void set_state(struct call *c, enum call_state state)
{
	c->state = state;
	c->e.answered = state != CALL_OFFERED;
	calls_touch(&c->e);
}

static uint64_t random_session_id(void)
{
	uint64_t id = 0;

	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint64_t)time(NULL);
	id &= 0x7fffffffffffffffULL;
	return id ? id : 1;
}

/*
 * Whether call @id may start: 0, or -1 with the reason (the Call-ID is
 * the other front end's, or the table is full).  The control socket's
 * client is local: no per-source limit.
 */
static int may_start(struct call_table *t, const char *id, char *why,
		     size_t whylen)
{
	struct call_entry *other = calls_find(t->calls, id);
	struct sdp_conn local = { 0 };

	if (other) {
		errmsg_set(why, whylen,
			   "call-id %s is a call of srtpd's %s front end",
			   id, other->front->name);
		return -1;
	}
	return calls_admit(t->calls, &local, why, whylen);
}

/*
 * A new call @id, linked into the table, or NULL with the reason: the
 * Call-ID is the other front end's, or the limits are reached.  A call is
 * reckoned at what it holds at most: itself, an offer and a result.
 */
static struct call *new_call(struct call_table *t, const char *id,
			     const struct srtp_policy *p,
			     const struct neg_local *l, char *why,
			     size_t whylen)
{
	const size_t cost = sizeof(struct call) + sizeof(struct neg_offer) +
			    sizeof(struct neg_result);
	struct call *c;

	if (may_start(t, id, why, whylen))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		errmsg_set(why, whylen, "out of memory");
		return NULL;
	}
	if (calls_charge(t->calls, &c->e, cost, why, whylen)) {
		free(c);
		return NULL;
	}
	snprintf(c->e.id, sizeof(c->e.id), "%s", id);
	c->e.front = &t->front;
	c->policy = *p;
	c->local = *l;
	c->local.fmts = NULL;
	c->local.keep = NULL;
	/* one o= session id for every description of the call */
	if (!c->local.session_id)
		c->local.session_id = random_session_id();
	c->mki_next = 1;
	c->e.created = time(NULL);
	c->e.offered_at = c->e.created;
	calls_link(t->calls, &c->e);
	return c;
}

void call_table_free(struct call_table *t)
{
	struct call *c;

	/* srtpd frees it on every exit, a start that failed before it */
	if (!t->calls)
		return;
	while ((c = call_first(t))) {
		remove_streams(t, c);
		unlink_call(t, c);
		call_free(c);
	}
}

/* The packets the call's streams have transformed, as the kernel says. */
static int64_t call_packets(void *arg, struct call_entry *e)
{
	struct call *c = (struct call *)e;
	struct call_table *t = arg;
	struct nfsrtp_stream *s;
	unsigned int i;
	uint64_t sum = 0;

	if (!c->set.n)
		return -1;	/* no SRTP stream: never idle */
	s = calloc(1, sizeof(*s));
	for (i = 0; s && i < c->set.n; i++) {
		if (!t->ops.get(t->ops.arg, c->set.streams[i].k.id, s))
			sum += s->packets;
		explicit_bzero(s, sizeof(*s));
	}
	free(s);
	return (int64_t)(sum & INT64_MAX);
}

/* A timer of the call ran out: it goes, with its streams. */
static bool call_expire_one(void *arg, struct call_entry *e, const char *why,
			    time_t now)
{
	struct call *c = (struct call *)e;
	struct call_table *t = arg;

	(void)now;
	if (t->gone)
		t->gone(t->gone_arg, c, why);
	remove_streams(t, c);
	unlink_call(t, c);
	call_free(c);
	return false;
}

int call_delete(struct call_table *t, const char *id)
{
	struct call *c = call_find(t, id);

	if (!c)
		return CALL_BAD;
	remove_streams(t, c);
	unlink_call(t, c);
	call_free(c);
	return 0;
}

static char *format_sdp(const struct sdp *s, char *why, size_t whylen)
{
	char *text = sdp_format(s);

	if (!text)
		errmsg_set(why, whylen, "out of memory");
	return text;
}

/* Makes and keeps our offer for @c; *@sdp is its text. */
static int make_offer(struct call *c, char **sdp, char *why, size_t whylen)
{
	struct neg_local l = c->local;

	c->offer = calloc(1, sizeof(*c->offer));
	if (!c->offer) {
		errmsg_set(why, whylen, "out of memory");
		return CALL_FAILED;
	}
	l.mki = c->mki_next;
	l.version = c->version++;
	if (negotiate_offer(&c->policy, &l, c->offer, why, whylen)) {
		free(c->offer);
		c->offer = NULL;
		return CALL_FAILED;
	}
	*sdp = format_sdp(&c->offer->sdp, why, whylen);
	if (!*sdp) {
		free_offer(&c->offer);
		return CALL_FAILED;
	}
	c->mki_next++;
	return 0;
}

int call_offer(struct call_table *t, const char *id,
	       const struct srtp_policy *p, const struct neg_local *l,
	       char **sdp, char *why, size_t whylen)
{
	struct call *c = call_find(t, id);
	int rc;

	*sdp = NULL;
	if (c && c->state != CALL_ACTIVE) {
		errmsg_set(why, whylen, "call %s already has an offer outstanding",
			id);
		return CALL_BAD;
	}
	if (c) {
		/* a re-offer: new keys, the call's own policy and address */
		rc = make_offer(c, sdp, why, whylen);
		if (!rc)
			set_state(c, CALL_REKEYING);
		return rc;
	}
	c = new_call(t, id, p, l, why, whylen);
	if (!c)
		return CALL_FAILED;
	rc = make_offer(c, sdp, why, whylen);
	if (rc) {
		unlink_call(t, c);
		call_free(c);
		return rc;
	}
	c->we_offered = true;
	set_state(c, CALL_OFFERED);
	return 0;
}

/*
 * Moves the installed streams of @c from c->result to @n (kstream.c):
 * new keys are appended (ours made active at once: the peer has it,
 * since it answered or offered it; theirs left for the module to switch
 * to on the first packet it authenticates), a stream that moved or
 * changed its parameters is changed in place.
 */
static int rekey_streams(struct call_table *t, struct call *c,
			 struct neg_result *n, char *why, size_t whylen)
{
	return apply_streams(t, c, n, false, why, whylen);
}

/* Parses @text as SDP into a heap object; NULL with @why. */
static struct sdp *parse_sdp(const char *text, size_t len, const char *what,
			     char *why, size_t whylen)
{
	struct sdp *s = calloc(1, sizeof(*s));
	char err[256];

	if (!s) {
		errmsg_set(why, whylen, "out of memory");
		return NULL;
	}
	if (sdp_parse(text, len, s, err, sizeof(err))) {
		errmsg_set(why, whylen, "the %s SDP is invalid: %s", what, err);
		free(s);
		return NULL;
	}
	return s;
}

static void free_sdp(struct sdp *s)
{
	if (s) {
		sdp_free(s);
		free(s);
	}
}

/* Our crypto lines to keep in an answer to their re-offer. */
static void keep_keys(const struct call *c,
		      const struct sdes_crypto *keep[NEG_MEDIA_MAX])
{
	size_t i;

	memset(keep, 0, sizeof(keep[0]) * NEG_MEDIA_MAX);
	for (i = 0; c->result && i < c->result->nstreams; i++) {
		const struct neg_stream *s = &c->result->streams[i];

		if (s->srtp && s->index < NEG_MEDIA_MAX)
			keep[s->index] = &s->local;
	}
}

int call_answer(struct call_table *t, const char *id,
		const struct srtp_policy *p, const struct neg_local *l,
		const char *offer, size_t len, char **sdp, char *why,
		size_t whylen)
{
	const struct sdes_crypto *keep[NEG_MEDIA_MAX];
	struct call *c = call_find(t, id);
	struct neg_result *r = NULL;
	struct sdp *o = NULL, answer;
	struct neg_local nl;
	int rc;

	*sdp = NULL;
	sdp_init(&answer);
	if (c && c->state != CALL_ACTIVE) {
		errmsg_set(why, whylen,
			"call %s has our offer outstanding (offers crossed)", id);
		return CALL_BAD;
	}
	if (!c && may_start(t, id, why, whylen))
		return CALL_FAILED;
	o = parse_sdp(offer, len, "offer", why, whylen);
	r = calloc(1, sizeof(*r));
	if (!o || !r) {
		rc = o ? CALL_FAILED : CALL_BAD;
		if (o)
			errmsg_set(why, whylen, "out of memory");
		goto out;
	}
	if (c) {
		nl = c->local;
		nl.version = c->version++;
		nl.mki = c->mki_next;
		keep_keys(c, keep);
		nl.keep = keep;
		p = &c->policy;
	} else {
		nl = *l;
		nl.keep = NULL;
		if (!nl.session_id)
			nl.session_id = random_session_id();
	}
	rc = negotiate_answer(p, o, &nl, &answer, r, why, whylen);
	if (rc < 0) {
		rc = CALL_FAILED;
		goto out;
	}
	if (rc == NEG_REJECTED) {
		errmsg_set(why, whylen, "%s", r->reason);
		rc = CALL_REJECTED;	/* an active call keeps its streams */
		goto out;
	}
	if (c) {
		rc = rekey_streams(t, c, r, why, whylen);
		if (rc)
			goto out;
		free_result(&c->result);
		c->result = r;
		r = NULL;
		c->mki_next++;
	} else {
		c = new_call(t, id, p, &nl, why, whylen);
		if (!c) {
			rc = CALL_FAILED;
			goto out;
		}
		c->result = r;
		r = NULL;
		c->version = 1;
		rc = install_streams(t, c, why, whylen);
		if (rc) {
			unlink_call(t, c);
			call_free(c);
			goto out;
		}
		c->mki_next = 2;
		set_state(c, CALL_ACTIVE);
	}
	*sdp = format_sdp(&answer, why, whylen);
	rc = *sdp ? 0 : CALL_FAILED;
out:
	sdp_free(&answer);
	free_sdp(o);
	free_result(&r);
	return rc;
}

int call_complete(struct call_table *t, const char *id, const char *answer,
		  size_t len, char *why, size_t whylen)
{
	struct call *c = call_find(t, id);
	struct neg_result *r = NULL;
	struct sdp *a = NULL;
	int rc;

	if (!c || !c->offer) {
		errmsg_set(why, whylen, c ? "call %s has no offer outstanding" :
			"no call %s", id);
		return CALL_BAD;
	}
	a = parse_sdp(answer, len, "answer", why, whylen);
	if (!a)
		return CALL_BAD;
	r = calloc(1, sizeof(*r));
	if (!r) {
		errmsg_set(why, whylen, "out of memory");
		rc = CALL_FAILED;
		goto out;
	}
	rc = negotiate_complete(&c->policy, c->offer, a, r);
	if (rc == NEG_REJECTED) {
		errmsg_set(why, whylen, "%s", r->reason);
		rc = CALL_REJECTED;
	} else if (c->state == CALL_OFFERED) {
		c->result = r;
		r = NULL;
		rc = install_streams(t, c, why, whylen);
		if (rc)
			free_result(&c->result);
	} else {
		rc = rekey_streams(t, c, r, why, whylen);
		if (!rc) {
			free_result(&c->result);
			c->result = r;
			r = NULL;
		}
	}
	free_offer(&c->offer);
	if (!rc) {
		set_state(c, CALL_ACTIVE);
	} else if (c->state == CALL_OFFERED) {
		/* the call never started: forget it */
		unlink_call(t, c);
		call_free(c);
	} else {
		set_state(c, CALL_ACTIVE);	/* the old keys carry on */
	}
out:
	free_sdp(a);
	free_result(&r);
	return rc;
}

int call_event(struct call_table *t, const struct nfsrtp_event *ev,
	       struct call **out, char **sdp)
{
	struct call *c = call_by_stream(t, ev->stream);
	struct kslot *st;
	char why[256];

	*out = c;
	*sdp = NULL;
	if (!c)
		return 0;
	st = kset_find(&c->set, ev->stream);
	if (ev->type == NF_SRTP_EVENT_STREAM_DEL) {
		kset_drop(&c->set, (unsigned int)(st - c->set.streams));
		return 0;
	}
	if (ev->type != NF_SRTP_EVENT_SOFT_LIMIT || c->state != CALL_ACTIVE)
		return 0;
	/* only our own sending key: the peer re-keys its own */
	if (st->k.op != NF_SRTP_OP_PROTECT ||
	    ev->key_index + 1 != (int)st->k.nkeys)
		return 0;
	if (make_offer(c, sdp, why, sizeof(why)))
		return -1;
	set_state(c, CALL_REKEYING);
	return 1;
}
