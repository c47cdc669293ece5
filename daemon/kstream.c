// SPDX-License-Identifier: GPL-2.0
/*
 * kstream: a call's nf_srtp streams, added, changed in place, removed.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "errmsg.h"
#include "kstream.h"

#define WINDOW_MAX	1024

/* ---- kernel streams from crypto lines ---- */

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

void kstream_crypto(struct nfsrtp_stream *s, const struct sdes_crypto *c,
		    bool mux)
{
	unsigned int i;

	s->suite = (uint32_t)c->suite;
	s->flags = (c->unencrypted_srtp ? NF_SRTP_F_UNENCRYPTED_SRTP : 0) |
		   (c->unencrypted_srtcp ? NF_SRTP_F_UNENCRYPTED_SRTCP : 0) |
		   (c->unauthenticated_srtp ?
		    NF_SRTP_F_UNAUTHENTICATED_SRTP : 0) |
		   (mux ? NF_SRTP_F_RTCP_MUX : 0);
	/* the WSH hint sizes a receiver's window; 0: the module's default */
	if (s->op == NF_SRTP_OP_UNPROTECT && c->wsh)
		s->window = c->wsh > WINDOW_MAX ? WINDOW_MAX : (uint32_t)c->wsh;
	s->nkeys = c->nkeys > NFSRTP_KEYS_MAX ? NFSRTP_KEYS_MAX : c->nkeys;
	for (i = 0; i < s->nkeys; i++)
		key_to_kernel(&c->keys[i], &s->keys[i]);
}

void kstream_match_of(const struct nfsrtp_stream *s, struct kmatch *m)
{
	memset(m, 0, sizeof(*m));
	m->family = s->family;
	if (s->has_saddr)
		memcpy(m->saddr, s->saddr, sizeof(m->saddr));
	memcpy(m->daddr, s->daddr, sizeof(m->daddr));
	m->sport = s->sport;
	m->dport = s->dport;
	m->rtcp_sport = s->rtcp_sport;
	m->rtcp_dport = s->rtcp_dport;
}

bool kmatch_open_dst(const struct kmatch *m)
{
	static const uint8_t zero[16];

	return m->sport && !m->dport && !m->rtcp_dport &&
	       !memcmp(m->daddr, zero, sizeof(zero));
}

void kstream_to_match(const struct kmatch *m, struct nfsrtp_stream *s)
{
	s->family = m->family;
	s->has_saddr = true;
	memcpy(s->saddr, m->saddr, sizeof(m->saddr));
	memcpy(s->daddr, m->daddr, sizeof(m->daddr));
	s->sport = m->sport;
	s->dport = m->dport;
	s->rtcp_sport = m->rtcp_sport;
	s->rtcp_dport = m->rtcp_dport;
}

/* ---- digests of installed crypto ---- */

#define ROTL64(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

static void sip_round(uint64_t v[4])
{
	v[0] += v[1]; v[1] = ROTL64(v[1], 13); v[1] ^= v[0];
	v[0] = ROTL64(v[0], 32);
	v[2] += v[3]; v[3] = ROTL64(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL64(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL64(v[1], 17); v[1] ^= v[2];
	v[2] = ROTL64(v[2], 32);
}

/*
 * SipHash-2-4 of @len bytes under @key: whether a stream's crypto changed
 * is decided on this digest, so that srtpd keeps no copy of keys it has
 * handed to the kernel, and no peer can choose keys that collide.
 */
uint64_t kstream_siphash(const uint64_t key[2], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v[4] = {
		key[0] ^ 0x736f6d6570736575ULL, key[1] ^ 0x646f72616e646f6dULL,
		key[0] ^ 0x6c7967656e657261ULL, key[1] ^ 0x7465646279746573ULL,
	};
	uint64_t m, b = (uint64_t)len << 56;
	size_t i, k;

	for (i = 0; i + 8 <= len; i += 8) {
		for (m = 0, k = 0; k < 8; k++)
			m |= (uint64_t)p[i + k] << (8 * k);
		v[3] ^= m;
		sip_round(v);
		sip_round(v);
		v[0] ^= m;
	}
	for (k = 0; i + k < len; k++)
		b |= (uint64_t)p[i + k] << (8 * k);
	v[3] ^= b;
	sip_round(v);
	sip_round(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (k = 0; k < 4; k++)
		sip_round(v);
	m = v[0] ^ v[1] ^ v[2] ^ v[3];
	explicit_bzero(v, sizeof(v));
	return m;
}

struct key_buf {
	uint8_t key[32], salt[14], mki[NFSRTP_MKI_MAX];
	uint32_t key_len, salt_len, mki_len;
	uint64_t lifetime;
};

static void key_buf(struct key_buf *b, const struct nfsrtp_key *k)
{
	memset(b, 0, sizeof(*b));
	memcpy(b->key, k->key, sizeof(b->key));
	memcpy(b->salt, k->salt, sizeof(b->salt));
	memcpy(b->mki, k->mki, sizeof(b->mki));
	b->key_len = k->key_len;
	b->salt_len = k->salt_len;
	b->mki_len = k->mki_len;
	b->lifetime = k->lifetime;
}

uint64_t kstream_sum(const uint64_t key[2], const struct nfsrtp_stream *s)
{
	struct {
		uint32_t suite, flags, window, nkeys;
		struct key_buf k[NFSRTP_KEYS_MAX];
	} *buf = calloc(1, sizeof(*buf));
	uint64_t sum;
	unsigned int i;

	if (!buf)
		return 0;	/* never equal to a real digest: rewritten */
	buf->suite = s->suite;
	buf->flags = s->flags;
	buf->window = s->window;
	buf->nkeys = s->nkeys;
	for (i = 0; i < s->nkeys && i < NFSRTP_KEYS_MAX; i++)
		key_buf(&buf->k[i], &s->keys[i]);
	sum = kstream_siphash(key, (const uint8_t *)buf, sizeof(*buf));
	explicit_bzero(buf, sizeof(*buf));
	free(buf);
	return sum | 1;
}

static uint64_t key_sum(const uint64_t key[2], const struct nfsrtp_key *k)
{
	struct key_buf b;
	uint64_t sum;

	key_buf(&b, k);
	sum = kstream_siphash(key, (const uint8_t *)&b, sizeof(b));
	explicit_bzero(&b, sizeof(b));
	return sum | 1;
}

void kstream_sum_key(uint64_t key[2])
{
	/* no entropy: digests still tell keys apart, only predictably */
	if (getrandom(key, 2 * sizeof(key[0]), 0) != 2 * sizeof(key[0]))
		memset(key, 0, 2 * sizeof(key[0]));
}

/* ---- streams ---- */

static void note_key(struct kstream *st, uint64_t sum)
{
	if (st->nkey_sums == KSTREAM_KEY_SUMS) {
		memmove(st->key_sums, st->key_sums + 1,
			(KSTREAM_KEY_SUMS - 1) * sizeof(st->key_sums[0]));
		st->nkey_sums--;
	}
	st->key_sums[st->nkey_sums++] = sum;
}

static bool holds_key(const struct kstream *st, uint64_t sum)
{
	unsigned int i;

	for (i = 0; i < st->nkey_sums; i++)
		if (st->key_sums[i] == sum)
			return true;
	return false;
}

/* @st's crypto is @s's, made anew from its keys. */
static void note_context(const uint64_t key[2], struct kstream *st,
			 const struct nfsrtp_stream *s)
{
	unsigned int i;

	st->suite = s->suite;
	st->flags = s->flags;
	st->window = s->window;
	st->nkeys = s->nkeys;
	st->nkey_sums = 0;
	for (i = 0; i < s->nkeys && i < NFSRTP_KEYS_MAX; i++)
		note_key(st, key_sum(key, &s->keys[i]));
}

int kstream_add(const struct kstream_ops *o, const uint64_t key[2],
		const struct nfsrtp_stream *s, struct kstream *st, char *err,
		size_t errlen)
{
	char kerr[256] = "";
	uint32_t id = 0;
	int rc;

	rc = o->add(o->arg, s, &id, kerr, sizeof(kerr));
	if (rc) {
		errmsg_set(err, errlen, "the kernel refused a stream: %s", kerr);
		return -1;
	}
	st->id = id;
	st->op = s->op;
	st->mux = !!(s->flags & NF_SRTP_F_RTCP_MUX);
	kstream_match_of(s, &st->match);
	st->crypto_sum = kstream_sum(key, s);
	note_context(key, st, s);
	return 0;
}

void kstream_log(const struct kstream_ops *o, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!o->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->log(o->arg, o->call_id, line);
}

int kstream_set(const struct kstream_ops *o, const uint64_t key[2],
		struct kstream *st, const struct nfsrtp_stream *s,
		unsigned int flags, char *err, size_t errlen)
{
	bool mux = !!(s->flags & NF_SRTP_F_RTCP_MUX);
	struct nfsrtp_stream_update *u;
	uint64_t sum, sums[NFSRTP_KEYS_MAX];
	unsigned int i, n = 0;
	bool append;
	struct kmatch m;
	char kerr[256] = "";
	int rc;

	if (st->op != s->op) {
		/* never removed and added again: no moment without it */
		errmsg_set(err, errlen,
			   "stream %u cannot change its operation in place",
			   st->id);
		return -1;
	}
	kstream_match_of(s, &m);
	sum = kstream_sum(key, s);
	if (sum == st->crypto_sum && !memcmp(&st->match, &m, sizeof(m)) &&
	    !(flags & KSTREAM_NEW_SESSION))
		return 0;
	u = calloc(1, sizeof(*u));
	if (!u) {
		errmsg_set(err, errlen, "out of memory");
		return -1;
	}
	u->id = st->id;
	append = !(flags & KSTREAM_NEW_SESSION) &&
		 sum != st->crypto_sum && st->suite &&
		 st->suite == s->suite &&
		 st->flags == s->flags && st->window == s->window &&
		 (s->op == NF_SRTP_OP_UNPROTECT || (flags & KSTREAM_ACTIVATE));
	if (append) {
		/* the keys the stream does not hold yet, in their order */
		for (i = 0; i < s->nkeys && i < NFSRTP_KEYS_MAX; i++) {
			sums[n] = key_sum(key, &s->keys[i]);
			if (!holds_key(st, sums[n]))
				u->keys[n++] = s->keys[i];
		}
		u->nkeys = n;
		if (n && s->op == NF_SRTP_OP_PROTECT) {
			u->set_active = true;
			u->active = st->nkeys;
		}
	} else if (sum != st->crypto_sum || (flags & KSTREAM_NEW_SESSION)) {
		u->set_params = true;
		u->new_session = !!(flags & KSTREAM_NEW_SESSION);
		u->suite = s->suite;
		u->flags = s->flags;
		u->window = s->window;
		u->nkeys = s->nkeys;
		memcpy(u->keys, s->keys, sizeof(u->keys));
	}
	/* multiplexed or not, RTCP has another match: the kernel wants it */
	if (memcmp(&st->match, &m, sizeof(m)) || st->mux != mux)
		u->match = s;
	rc = 0;
	if (u->nkeys || u->set_params || u->match)
		rc = o->update(o->arg, u, kerr, sizeof(kerr));
	if (rc && append && n) {
		kstream_log(o, "stream %u: the kernel refused the new key next to the old one (%s): replacing it",
		       st->id, kerr);
		memset(u->keys, 0, sizeof(u->keys));
		u->set_active = false;
		u->active = 0;
		u->set_params = true;
		u->suite = s->suite;
		u->flags = s->flags;
		u->window = s->window;
		u->nkeys = s->nkeys;
		memcpy(u->keys, s->keys, sizeof(u->keys));
		append = false;
		rc = o->update(o->arg, u, kerr, sizeof(kerr));
	}
	explicit_bzero(u, sizeof(*u));
	free(u);
	if (rc) {
		explicit_bzero(sums, sizeof(sums));
		errmsg_set(err, errlen, "the kernel refused to change stream %u: %s",
			st->id, kerr);
		return -1;
	}
	st->match = m;
	st->mux = mux;
	if (append) {
		for (i = 0; i < n; i++)
			note_key(st, sums[i]);
		st->nkeys += n;
		st->crypto_sum = sum;
	} else if (sum != st->crypto_sum) {
		note_context(key, st, s);
		st->crypto_sum = sum;
	}
	explicit_bzero(sums, sizeof(sums));
	return 0;
}

int kstream_put(const struct kstream_ops *o, const uint64_t key[2],
		struct kstream *st, const struct nfsrtp_stream *s,
		unsigned int flags, char *err, size_t errlen)
{
	if (!st->id)
		return kstream_add(o, key, s, st, err, errlen);
	return kstream_set(o, key, st, s, flags, err, errlen);
}

void kstream_del(const struct kstream_ops *o, struct kstream *st)
{
	if (st->id)
		o->del(o->arg, st->id);
	memset(st, 0, sizeof(*st));
}
