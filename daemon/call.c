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

#define WINDOW_MAX	1024

void call_table_init(struct call_table *t, const struct call_ops *ops)
{
	memset(t, 0, sizeof(*t));
	t->ops = *ops;
}

struct call *call_find(struct call_table *t, const char *id)
{
	struct call *c;

	for (c = t->head; c; c = c->next)
		if (!strcmp(c->id, id))
			return c;
	return NULL;
}

struct call *call_by_stream(struct call_table *t, uint32_t id)
{
	struct call *c;
	unsigned int i;

	if (!id)
		return NULL;
	for (c = t->head; c; c = c->next)
		for (i = 0; i < NEG_MEDIA_MAX; i++)
			if (c->media[i].protect == id ||
			    c->media[i].unprotect == id)
				return c;
	return NULL;
}

/* ---- kernel streams ---- */

static void key_to_kernel(const struct sdes_key *k, struct nfsrtp_key *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->key, k->key, k->key_len);
	memcpy(out->salt, k->salt, k->salt_len);
	out->key_len = k->key_len;
	out->salt_len = k->salt_len;
	memcpy(out->mki, k->mki, k->mki_len);
	out->mki_len = k->mki_len;
	out->lifetime = k->lifetime;
}

static uint32_t crypto_flags(const struct sdes_crypto *c, bool mux)
{
	return (c->unencrypted_srtp ? NF_SRTP_F_UNENCRYPTED_SRTP : 0) |
	       (c->unencrypted_srtcp ? NF_SRTP_F_UNENCRYPTED_SRTCP : 0) |
	       (c->unauthenticated_srtp ? NF_SRTP_F_UNAUTHENTICATED_SRTP : 0) |
	       (mux ? NF_SRTP_F_RTCP_MUX : 0);
}

void call_stream_crypto(struct nfsrtp_stream *s, const struct sdes_crypto *c,
			bool mux)
{
	unsigned int i;

	s->suite = (uint32_t)c->suite;
	s->flags = crypto_flags(c, mux);
	/* the WSH hint sizes a receiver's window; 0: the module's default */
	if (s->op == NF_SRTP_OP_UNPROTECT && c->wsh)
		s->window = c->wsh > WINDOW_MAX ? WINDOW_MAX : (uint32_t)c->wsh;
	s->nkeys = c->nkeys > NFSRTP_KEYS_MAX ? NFSRTP_KEYS_MAX : c->nkeys;
	for (i = 0; i < s->nkeys; i++)
		key_to_kernel(&c->keys[i], &s->keys[i]);
}

static int addr_of(const struct sdp_conn *c, int family, uint8_t *out)
{
	return c->family == family &&
	       inet_pton(family, c->addr, out) == 1 ? 0 : -1;
}

/* The two kernel streams of negotiated SRTP stream @s. */
static int kernel_streams(const struct neg_stream *s,
			  struct nfsrtp_stream *prot,
			  struct nfsrtp_stream *unprot, char *why,
			  size_t whylen)
{
	int family = s->local_conn.family;

	memset(prot, 0, sizeof(*prot));
	memset(unprot, 0, sizeof(*unprot));
	if (addr_of(&s->local_conn, family, prot->saddr) ||
	    addr_of(&s->remote_conn, family, prot->daddr)) {
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
	prot->op = NF_SRTP_OP_PROTECT;
	prot->family = family;
	prot->has_saddr = true;
	prot->sport = (uint16_t)s->local_port;
	prot->dport = (uint16_t)s->remote_port;
	prot->rtcp_sport = (uint16_t)(s->rtcp_mux ? 0 : s->local_port + 1);
	prot->rtcp_dport = (uint16_t)(s->rtcp_mux ? 0 : s->remote_rtcp_port);
	call_stream_crypto(prot, &s->local, s->rtcp_mux);

	unprot->op = NF_SRTP_OP_UNPROTECT;
	unprot->family = family;
	unprot->has_saddr = true;
	memcpy(unprot->saddr, prot->daddr, sizeof(prot->daddr));
	memcpy(unprot->daddr, prot->saddr, sizeof(prot->saddr));
	unprot->sport = 0;	/* any: the peer may sit behind NAT */
	unprot->dport = (uint16_t)s->local_port;
	unprot->rtcp_dport = (uint16_t)(s->rtcp_mux ? 0 : s->local_port + 1);
	call_stream_crypto(unprot, &s->remote, s->rtcp_mux);
	return 0;
}

static void remove_streams(struct call_table *t, struct call *c)
{
	unsigned int i;

	for (i = 0; i < NEG_MEDIA_MAX; i++) {
		if (c->media[i].protect)
			t->ops.del(t->ops.arg, c->media[i].protect);
		if (c->media[i].unprotect)
			t->ops.del(t->ops.arg, c->media[i].unprotect);
	}
	memset(c->media, 0, sizeof(c->media));
}

static int install_streams(struct call_table *t, struct call *c, char *why,
			   size_t whylen)
{
	struct nfsrtp_stream *ks = calloc(2, sizeof(*ks));
	size_t i;
	int rc = 0;

	if (!ks) {
		errmsg_set(why, whylen, "out of memory");
		return CALL_FAILED;
	}
	for (i = 0; i < c->result->nstreams && !rc; i++) {
		const struct neg_stream *s = &c->result->streams[i];
		struct call_media *m = &c->media[i];
		char kerr[256];

		if (!s->srtp)
			continue;
		if (kernel_streams(s, &ks[0], &ks[1], why, whylen)) {
			rc = CALL_REJECTED;
			break;
		}
		rc = t->ops.add(t->ops.arg, &ks[0], &m->protect, kerr,
				sizeof(kerr));
		if (!rc)
			rc = t->ops.add(t->ops.arg, &ks[1], &m->unprotect, kerr,
					sizeof(kerr));
		if (rc) {
			errmsg_set(why, whylen, "m=%s: the kernel refused a stream: %s",
				s->media, kerr);
			rc = CALL_FAILED;
		}
		m->protect_keys = ks[0].nkeys;
		m->unprotect_keys = ks[1].nkeys;
		explicit_bzero(ks, 2 * sizeof(*ks));
	}
	explicit_bzero(ks, 2 * sizeof(*ks));
	free(ks);
	if (rc)
		remove_streams(t, c);
	return rc;
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
	struct call **pp;

	for (pp = &t->head; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			t->count--;
			return;
		}
	}
}

static uint64_t random_session_id(void)
{
	uint64_t id = 0;

	if (getrandom(&id, sizeof(id), 0) != sizeof(id))
		id = (uint64_t)time(NULL);
	id &= 0x7fffffffffffffffULL;
	return id ? id : 1;
}

static struct call *new_call(struct call_table *t, const char *id,
			     const struct srtp_policy *p,
			     const struct neg_local *l)
{
	struct call *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->policy = *p;
	c->local = *l;
	c->local.fmts = NULL;
	c->local.keep = NULL;
	/* one o= session id for every description of the call */
	if (!c->local.session_id)
		c->local.session_id = random_session_id();
	c->mki_next = 1;
	c->next = t->head;
	t->head = c;
	t->count++;
	return c;
}

void call_table_free(struct call_table *t)
{
	while (t->head) {
		struct call *c = t->head;

		remove_streams(t, c);
		unlink_call(t, c);
		call_free(c);
	}
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
			c->state = CALL_REKEYING;
		return rc;
	}
	c = new_call(t, id, p, l);
	if (!c) {
		errmsg_set(why, whylen, "out of memory");
		return CALL_FAILED;
	}
	rc = make_offer(c, sdp, why, whylen);
	if (rc) {
		unlink_call(t, c);
		call_free(c);
		return rc;
	}
	c->we_offered = true;
	c->state = CALL_OFFERED;
	return 0;
}

static bool same_key(const struct sdes_key *a, const struct sdes_key *b)
{
	return a->key_len == b->key_len && a->salt_len == b->salt_len &&
	       !memcmp(a->key, b->key, a->key_len) &&
	       !memcmp(a->salt, b->salt, a->salt_len) &&
	       a->mki_len == b->mki_len && !memcmp(a->mki, b->mki, a->mki_len);
}

/* The streams of @n are those installed, only the keys may differ. */
static bool same_layout(const struct neg_result *o, const struct neg_result *n)
{
	size_t i;

	if (o->nstreams != n->nstreams)
		return false;
	for (i = 0; i < n->nstreams; i++) {
		const struct neg_stream *a = &o->streams[i], *b = &n->streams[i];

		if (a->srtp != b->srtp || a->index != b->index ||
		    a->local_port != b->local_port ||
		    a->remote_port != b->remote_port ||
		    a->remote_rtcp_port != b->remote_rtcp_port ||
		    a->rtcp_mux != b->rtcp_mux ||
		    strcmp(a->remote_conn.addr, b->remote_conn.addr) ||
		    strcmp(a->local_conn.addr, b->local_conn.addr))
			return false;
		if (a->srtp && (a->local.suite != b->local.suite ||
				a->remote.suite != b->remote.suite ||
				crypto_flags(&a->local, 0) != crypto_flags(&b->local, 0)))
			return false;
	}
	return true;
}

/*
 * Appends @k to kernel stream @id (and makes it the active one).  The
 * kernel numbers a stream's keys 0, 1, ... and reaps those older than
 * the active one, so *@nkeys, the keys added so far, is the new key's
 * index however often the stream was re-keyed.
 */
static int add_key(struct call_table *t, uint32_t id, unsigned int *nkeys,
		   const struct sdes_key *k, bool activate, char *why,
		   size_t whylen)
{
	struct nfsrtp_stream_update *u;
	char kerr[256];
	int rc;

	u = calloc(1, sizeof(*u));
	if (!u) {
		errmsg_set(why, whylen, "out of memory");
		return CALL_FAILED;
	}
	u->id = id;
	u->nkeys = 1;
	key_to_kernel(k, &u->keys[0]);
	u->set_active = activate;
	u->active = *nkeys;
	rc = t->ops.update(t->ops.arg, u, kerr, sizeof(kerr));
	explicit_bzero(u, sizeof(*u));
	free(u);
	if (rc) {
		errmsg_set(why, whylen, "the kernel refused the new key of stream %u: %s",
			id, kerr);
		return CALL_FAILED;
	}
	(*nkeys)++;
	return 0;
}

/*
 * Moves the installed streams of @c from c->result to @n: new keys are
 * added (ours made active at once: the peer has it, since it answered or
 * offered it; theirs left for the module to switch to on the first packet
 * it authenticates), or, when the streams themselves changed, everything
 * is installed again.
 */
static int rekey_streams(struct call_table *t, struct call *c,
			 struct neg_result *n, char *why, size_t whylen)
{
	struct neg_result *old = c->result;
	size_t i;
	int rc = 0;

	if (!same_layout(old, n)) {
		remove_streams(t, c);
		c->result = n;
		rc = install_streams(t, c, why, whylen);
		c->result = old;
		return rc;
	}
	for (i = 0; i < n->nstreams && !rc; i++) {
		const struct neg_stream *a = &old->streams[i], *b = &n->streams[i];
		struct call_media *m = &c->media[i];

		if (!b->srtp)
			continue;
		if (!same_key(&a->remote.keys[a->remote.nkeys - 1],
			      &b->remote.keys[b->remote.nkeys - 1]))
			rc = add_key(t, m->unprotect, &m->unprotect_keys,
				     &b->remote.keys[b->remote.nkeys - 1],
				     false, why, whylen);
		if (!rc && !same_key(&a->local.keys[0], &b->local.keys[0]))
			rc = add_key(t, m->protect, &m->protect_keys,
				     &b->local.keys[0], true, why, whylen);
	}
	return rc;
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
		c = new_call(t, id, p, &nl);
		if (!c) {
			errmsg_set(why, whylen, "out of memory");
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
		c->state = CALL_ACTIVE;
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
		c->state = CALL_ACTIVE;
	} else if (c->state == CALL_OFFERED) {
		/* the call never started: forget it */
		unlink_call(t, c);
		call_free(c);
	} else {
		c->state = CALL_ACTIVE;	/* the old keys carry on */
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
	char why[256];
	unsigned int i;

	*out = c;
	*sdp = NULL;
	if (!c)
		return 0;
	if (ev->type == NF_SRTP_EVENT_STREAM_DEL) {
		for (i = 0; i < NEG_MEDIA_MAX; i++) {
			if (c->media[i].protect == ev->stream)
				c->media[i].protect = 0;
			if (c->media[i].unprotect == ev->stream)
				c->media[i].unprotect = 0;
		}
		return 0;
	}
	if (ev->type != NF_SRTP_EVENT_SOFT_LIMIT || c->state != CALL_ACTIVE)
		return 0;
	for (i = 0; i < NEG_MEDIA_MAX; i++)
		if (c->media[i].protect == ev->stream)
			break;
	/* only our own sending key: the peer re-keys its own */
	if (i == NEG_MEDIA_MAX ||
	    ev->key_index + 1 != (int)c->media[i].protect_keys)
		return 0;
	if (make_offer(c, sdp, why, sizeof(why)))
		return -1;
	c->state = CALL_REKEYING;
	return 1;
}
