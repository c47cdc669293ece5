// SPDX-License-Identifier: GPL-2.0
/*
 * Differential tests of the SRTP core against libsrtp2 2.5.
 *
 * For every suite, every session flag combination and MKI off/on, a
 * seeded stream of random RTP packets (0..15 CSRCs, header extensions,
 * padding, payloads 0..1400 bytes, several SSRCs, sequence numbers that
 * wrap so the ROC goes to 1) and random compound RTCP packets:
 *   - our protect equals libsrtp2's protect byte for byte;
 *   - libsrtp2 unprotects ours and we unprotect libsrtp2's, both giving
 *     back the original, delivered in a shuffled order;
 *   - a replayed packet is refused by both.
 *
 * libsrtp2 differs from RFC 3711 in its first SRTCP index (1, not 0): the
 * contexts here set srtp_params.srtcp_first_index = 1 to match it.  The
 * _32 suites give libsrtp2 an 80-bit SRTCP policy (RFC 4568 6.2).
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <srtp2/srtp.h>

#include "ref_srtp.h"

#include "srtp.h"

#define BUF_LEN		2048
#define NSSRC		3
#define RTP_PER_CFG	240
#define RTCP_PER_CFG	48
#define BATCH		8

static u64 rng_state;

static u32 rnd(void)
{
	/* xorshift64*: deterministic across runs and platforms. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (u32)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static unsigned int rnd_below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static void rnd_fill(u8 *p, unsigned int n)
{
	while (n--)
		*p++ = (u8)rnd();
}

struct cfg {
	enum srtp_suite suite;
	u32 flags;
	unsigned int mki_len;	/* 0: no MKI */
};

struct pkt {
	u8 plain[BUF_LEN];
	unsigned int plain_len;
	u8 ours[BUF_LEN];	/* our protect output */
	u8 theirs[BUF_LEN];	/* libsrtp2 protect output */
	int len;
};

/* Random RTP packet of any header shape; returns its length. */
static unsigned int gen_rtp(u8 *b, u32 ssrc, u16 seq)
{
	unsigned int cc = rnd_below(16), len, payload, i;
	bool ext = rnd_below(3) == 0, pad = rnd_below(4) == 0;

	b[0] = 0x80 | (u8)cc;
	b[1] = (u8)rnd_below(128) | (rnd_below(2) ? 0x80 : 0);
	if (b[1] >= 192 && b[1] <= 223)
		b[1] &= 0x7f;	/* would look like RTCP on a muxed port */
	b[2] = seq >> 8;
	b[3] = seq & 0xff;
	rnd_fill(b + 4, 4);
	b[8] = ssrc >> 24;
	b[9] = ssrc >> 16;
	b[10] = ssrc >> 8;
	b[11] = ssrc;
	len = 12;
	for (i = 0; i < cc; i++, len += 4)
		rnd_fill(b + len, 4);
	if (ext) {
		unsigned int words = rnd_below(8);

		b[0] |= 0x10;
		rnd_fill(b + len, 2);
		b[len + 2] = 0;
		b[len + 3] = (u8)words;
		rnd_fill(b + len + 4, 4 * words);
		len += 4 + 4 * words;
	}
	payload = rnd_below(4) ? rnd_below(200) : rnd_below(1401);
	if (pad && !payload)
		payload = 1;
	rnd_fill(b + len, payload);
	len += payload;
	if (pad) {
		b[0] |= 0x20;
		b[len - 1] = (u8)(1 + rnd_below(payload < 255 ? payload : 255));
	}
	return len;
}

/* Random compound RTCP packet (SR or RR first), last part maybe padded. */
static unsigned int gen_rtcp(u8 *b, u32 ssrc)
{
	static const u8 types[] = { 202, 203, 204, 205, 206, 207 };
	unsigned int parts = 1 + rnd_below(4), len = 0, i;

	for (i = 0; i < parts; i++) {
		unsigned int words = (i == 0 ? 1 : 0) + rnd_below(i ? 12 : 40);
		u8 *p = b + len;

		p[0] = 0x80 | (u8)rnd_below(32);
		p[1] = i ? types[rnd_below(sizeof(types))] :
			   (u8)(200 + rnd_below(2));
		p[2] = 0;
		p[3] = (u8)words;
		rnd_fill(p + 4, 4 * words);
		if (i == 0) {
			p[4] = ssrc >> 24;
			p[5] = ssrc >> 16;
			p[6] = ssrc >> 8;
			p[7] = ssrc;
		}
		len += 4 + 4 * words;
		if (i == parts - 1 && words && rnd_below(3) == 0) {
			p[0] |= 0x20;
			b[len - 1] = (u8)(1 + rnd_below(4 * words));
		}
	}
	return len;
}

/* ---- libsrtp2 setup ---- */

/*
 * The core numbers suites from 0, ref_srtp from 1 (as the UAPI does); the
 * session flags have the same values (checked at compile time).
 */
_Static_assert(SRTP_F_UNENCRYPTED_SRTP == REF_UNENCRYPTED_SRTP &&
	       SRTP_F_UNENCRYPTED_SRTCP == REF_UNENCRYPTED_SRTCP &&
	       SRTP_F_UNAUTHENTICATED_SRTP == REF_UNAUTHENTICATED_SRTP,
	       "session flags");
static void ls_policy_for(const struct cfg *c, srtp_crypto_policy_t *rtp,
			  srtp_crypto_policy_t *rtcp)
{
	ck_assert_int_eq(ref_srtp_policy((unsigned int)c->suite + 1, c->flags,
					 rtp, rtcp), 0);
}

#define NKEYS 2

struct keys {
	u8 material[NKEYS][64];	/* master key || master salt */
	u8 mki[NKEYS][SRTP_CORE_MKI_MAX];
	srtp_master_key_t mk[NKEYS];
	srtp_master_key_t *mkp[NKEYS];
};

static srtp_t ls_new(const struct cfg *c, struct keys *k, bool inbound)
{
	srtp_policy_t pol;
	srtp_t s;

	memset(&pol, 0, sizeof(pol));
	ls_policy_for(c, &pol.rtp, &pol.rtcp);
	pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	pol.window_size = 128;
	pol.allow_repeat_tx = 0;
	if (c->mki_len) {
		unsigned int i;

		for (i = 0; i < NKEYS; i++) {
			k->mk[i].key = k->material[i];
			k->mk[i].mki_id = k->mki[i];
			k->mk[i].mki_size = c->mki_len;
			k->mkp[i] = &k->mk[i];
		}
		pol.keys = k->mkp;
		pol.num_master_keys = NKEYS;
	} else {
		pol.key = k->material[0];
	}
	ck_assert_int_eq(srtp_create(&s, &pol), srtp_err_status_ok);
	return s;
}

static struct srtp_ctx *our_new(const struct cfg *c, struct keys *k,
				enum srtp_dir dir)
{
	const struct srtp_suite_info *si = srtp_suite_get(c->suite);
	struct srtp_params p = {
		.suite = c->suite,
		.dir = dir,
		.flags = c->flags,
		.window = 128,
		.mki_len = c->mki_len,
		.srtcp_first_index = 1,	/* libsrtp2 numbering */
	};
	unsigned int i, n = c->mki_len ? NKEYS : 1;
	enum srtp_reason why;
	struct srtp_ctx *ctx;
	int err;

	ctx = srtp_ctx_new(&p, &err, &why);
	ck_assert_msg(ctx, "ctx_new: %d %s", err, srtp_reason_name(why));
	for (i = 0; i < n; i++) {
		struct srtp_key *key;

		key = srtp_key_new(c->suite, k->material[i], si->key_len,
				   k->material[i] + si->key_len, si->salt_len,
				   k->mki[i], c->mki_len, 0, &err, &why);
		ck_assert_ptr_nonnull(key);
		ck_assert_int_eq(srtp_ctx_add_key(ctx, key, &why), (int)i);
	}
	return ctx;
}

/* ---- one configuration ---- */

struct run {
	const struct cfg *c;
	/*
	 * libsrtp2 2.5 looks for the MKI of an SRTCP packet before the SRTP
	 * tag length (srtp_get_session_keys() uses rtp_auth), so it cannot
	 * unprotect SRTCP with MKI when the SRTP and SRTCP tags differ (the
	 * _32 suites, UNAUTHENTICATED_SRTP), not even its own output.  Then
	 * only its protect is compared and its unprotect skipped.
	 */
	bool ls_rtcp_rx_broken;
	srtp_t ls_tx, ls_rx;
	struct srtp_ctx *tx, *rx;
	struct pkt batch[BATCH];
	unsigned int tag_rtp;
};

static int first_diff(const u8 *a, const u8 *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return (int)i;
	return -1;
}

static void protect_both(struct run *r, struct pkt *p, bool rtcp,
			 unsigned int key)
{
	enum srtp_reason why;
	srtp_err_status_t st;
	int ls_len = (int)p->plain_len;

	memcpy(p->ours, p->plain, p->plain_len);
	memcpy(p->theirs, p->plain, p->plain_len);
	if (r->c->mki_len)
		ck_assert_int_eq(srtp_ctx_set_active_key(r->tx, key), 0);
	if (rtcp)
		p->len = srtp_rtcp_protect(r->tx, p->ours, p->plain_len,
					   BUF_LEN, &why);
	else
		p->len = srtp_rtp_protect(r->tx, p->ours, p->plain_len,
					  BUF_LEN, &why);
	ck_assert_msg(p->len > 0, "our protect: %d %s", p->len,
		      srtp_reason_name(why));
	if (!r->ls_tx) {
		/* No libsrtp2 peer (AES-192): we talk to ourselves. */
		memcpy(p->theirs, p->ours, (size_t)p->len);
		return;
	}
	if (rtcp)
		st = srtp_protect_rtcp_mki(r->ls_tx, p->theirs, &ls_len,
					   r->c->mki_len != 0, key);
	else
		st = srtp_protect_mki(r->ls_tx, p->theirs, &ls_len,
				      r->c->mki_len != 0, key);
	ck_assert_int_eq(st, srtp_err_status_ok);
	ck_assert_int_eq(p->len, ls_len);
	ck_assert_msg(!memcmp(p->ours, p->theirs, (size_t)p->len),
		      "protect differs: %s key %u len %d first diff at %d",
		      rtcp ? "rtcp" : "rtp", key, p->len,
		      first_diff(p->ours, p->theirs, (size_t)p->len));
}

static void unprotect_both(struct run *r, struct pkt *p, bool rtcp)
{
	u8 buf[BUF_LEN];
	enum srtp_reason why;
	srtp_err_status_t st;
	int n, ls_len = p->len;
	bool mki = r->c->mki_len != 0;

	/* libsrtp2 unprotects our packet. */
	memcpy(buf, p->ours, (size_t)p->len);
	if (!r->ls_rx || (rtcp && r->ls_rtcp_rx_broken))
		goto ours;
	if (rtcp)
		st = srtp_unprotect_rtcp_mki(r->ls_rx, buf, &ls_len, mki);
	else
		st = srtp_unprotect_mki(r->ls_rx, buf, &ls_len, mki);
	ck_assert_int_eq(st, srtp_err_status_ok);
	ck_assert_int_eq(ls_len, (int)p->plain_len);
	ck_assert_mem_eq(buf, p->plain, p->plain_len);
ours:

	/* We unprotect libsrtp2's. */
	memcpy(buf, p->theirs, (size_t)p->len);
	if (rtcp)
		n = srtp_rtcp_unprotect(r->rx, buf, (unsigned int)p->len, &why);
	else
		n = srtp_rtp_unprotect(r->rx, buf, (unsigned int)p->len, &why);
	ck_assert_msg(n == (int)p->plain_len, "our unprotect: %d %s", n,
		      srtp_reason_name(why));
	ck_assert_mem_eq(buf, p->plain, p->plain_len);
}

/* A packet delivered twice: both implementations refuse it. */
static void replay_both(struct run *r, struct pkt *p, bool rtcp)
{
	u8 buf[BUF_LEN];
	enum srtp_reason why;
	srtp_err_status_t st;
	int n, ls_len = p->len;
	bool mki = r->c->mki_len != 0;

	memcpy(buf, p->ours, (size_t)p->len);
	if (r->ls_rx && (!rtcp || !r->ls_rtcp_rx_broken)) {
		if (rtcp)
			st = srtp_unprotect_rtcp_mki(r->ls_rx, buf, &ls_len,
						     mki);
		else
			st = srtp_unprotect_mki(r->ls_rx, buf, &ls_len, mki);
		ck_assert_int_eq(st, srtp_err_status_replay_fail);
	}
	memcpy(buf, p->theirs, (size_t)p->len);
	if (rtcp)
		n = srtp_rtcp_unprotect(r->rx, buf, (unsigned int)p->len, &why);
	else
		n = srtp_rtp_unprotect(r->rx, buf, (unsigned int)p->len, &why);
	ck_assert_int_lt(n, 0);
	ck_assert_int_eq(why, SRTP_R_REPLAY);
}

static void deliver_shuffled(struct run *r, unsigned int n, bool rtcp)
{
	unsigned int order[BATCH], i;

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n; i > 1; i--) {
		unsigned int j = rnd_below(i), t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
	for (i = 0; i < n; i++)
		unprotect_both(r, &r->batch[order[i]], rtcp);
	replay_both(r, &r->batch[rnd_below(n)], rtcp);
}

static void run_cfg(const struct cfg *c, u64 seed)
{
	const struct srtp_suite_info *si = srtp_suite_get(c->suite);
	u16 seq[NSSRC];
	u32 ssrcs[NSSRC];
	struct keys k;
	struct run *r;
	unsigned int i, b, keyi = 0;

	r = calloc(1, sizeof(*r));
	ck_assert_ptr_nonnull(r);
	rng_state = seed;
	memset(&k, 0, sizeof(k));
	for (i = 0; i < NKEYS; i++) {
		rnd_fill(k.material[i], si->key_len + si->salt_len);
		rnd_fill(k.mki[i], c->mki_len);
		k.mki[i][0] = (u8)i;	/* distinct MKIs */
	}
	for (i = 0; i < NSSRC; i++) {
		ssrcs[i] = rnd();
		/* Wrap within the run: the ROC moves to 1. */
		seq[i] = (u16)(65536 - RTP_PER_CFG / (2 * NSSRC) - i);
	}
	r->c = c;
	r->ls_rtcp_rx_broken = c->mki_len && !si->aead &&
		((c->flags & SRTP_F_UNAUTHENTICATED_SRTP) ||
		 si->srtp_tag_len != si->srtcp_tag_len);
	/*
	 * libsrtp2 2.5 built without OPENSSL_KDF (Debian: NSS) derives the
	 * AES-192 session keys with an AES-256 PRF keyed by the master key
	 * and 8 salt bytes (srtp_stream_init_keys(): kdf_keylen = 46), not
	 * per RFC 6188; AES-192 is checked against RFC 6188 7.1 and the
	 * OpenSSL model in test_srtp_vectors.c and here against ourselves.
	 */
	if (si->key_len != 24) {
		r->ls_tx = ls_new(c, &k, false);
		r->ls_rx = ls_new(c, &k, true);
	}
	r->tx = our_new(c, &k, SRTP_DIR_OUTBOUND);
	r->rx = our_new(c, &k, SRTP_DIR_INBOUND);

	for (i = 0; i < RTP_PER_CFG; i += BATCH) {
		for (b = 0; b < BATCH; b++) {
			struct pkt *p = &r->batch[b];
			unsigned int s = rnd_below(NSSRC);

			if (c->mki_len && rnd_below(8) == 0)
				keyi = rnd_below(NKEYS);
			p->plain_len = gen_rtp(p->plain, ssrcs[s], seq[s]++);
			protect_both(r, p, false, keyi);
		}
		deliver_shuffled(r, BATCH, false);
	}
	for (i = 0; i < RTCP_PER_CFG; i += BATCH / 2) {
		for (b = 0; b < BATCH / 2; b++) {
			struct pkt *p = &r->batch[b];

			if (c->mki_len && rnd_below(4) == 0)
				keyi = rnd_below(NKEYS);
			p->plain_len = gen_rtcp(p->plain,
						ssrcs[rnd_below(NSSRC)]);
			protect_both(r, p, true, keyi);
		}
		deliver_shuffled(r, BATCH / 2, true);
	}
	/* The wrap happened: every SSRC went past 65535. */
	for (i = 0; i < NSSRC; i++)
		ck_assert_uint_lt(seq[i], 1000);

	srtp_ctx_free(r->tx);
	srtp_ctx_free(r->rx);
	if (r->ls_tx) {
		ck_assert_int_eq(srtp_dealloc(r->ls_tx), srtp_err_status_ok);
		ck_assert_int_eq(srtp_dealloc(r->ls_rx), srtp_err_status_ok);
	}
	free(r);
}

/* Loop index -> configuration: suite x flags x MKI length. */
static const unsigned int mki_lens[] = { 0, 1, 4, 128 };

#define NFLAGS 8
#define NCFG (SRTP_SUITE_COUNT * NFLAGS * 4)

static bool cfg_of(int n, struct cfg *c)
{
	const struct srtp_suite_info *si;

	c->mki_len = mki_lens[n % 4];
	n /= 4;
	c->flags = (u32)(n % NFLAGS);
	c->suite = (enum srtp_suite)(n / NFLAGS);
	si = srtp_suite_get(c->suite);
	/* RFC 7714 has no unencrypted or unauthenticated SRTP. */
	return !(si->aead && (c->flags & (SRTP_F_UNENCRYPTED_SRTP |
					   SRTP_F_UNAUTHENTICATED_SRTP)));
}

START_TEST(test_differential)
{
	struct cfg c;

	if (!cfg_of(_i, &c))
		return;
	run_cfg(&c, 0x5eed0000ULL + (u64)_i);
}
END_TEST

/* The GCM suites refuse the flags libsrtp2 has no RFC for. */
START_TEST(test_gcm_refuses_unencrypted_srtp)
{
	struct srtp_params p = {
		.suite = SRTP_AEAD_AES_128_GCM,
		.dir = SRTP_DIR_OUTBOUND,
		.flags = SRTP_F_UNENCRYPTED_SRTP,
	};
	enum srtp_reason why;
	int err;

	ck_assert_ptr_null(srtp_ctx_new(&p, &err, &why));
	ck_assert_int_eq(err, -EOPNOTSUPP);
}
END_TEST

/* ---- re-key without MKI ---- */

/*
 * An RFC 4568 re-key of a running call without MKI: the receiver has the
 * old key A active and the peer's new key B installed after it; the
 * sender (libsrtp2, one session per key, or our core switched by
 * srtp_ctx_set_active_key()) moves from A to B at a moment the receiver
 * cannot know.  Every packet must go through; the receiver moves to B
 * once (SRTP_EV_KEY_SWITCH) and then A is retired.  A garbled packet
 * fails with both keys, is counted once and moves nothing.  The A phase
 * crosses the sequence wrap, so B starts at ROC 1: the replay and ROC
 * state belong to the SSRC and carry over.
 */
#define RK_A	10	/* packets protected with A */
#define RK_B	10	/* packets protected with B */

struct rk_sender {
	srtp_t ls[2];			/* libsrtp2: one session per key */
	struct srtp_ctx *ours;		/* or our core, with A and B */
	bool rtcp;
};

static srtp_t rk_ls_new(const struct cfg *c, u8 *material)
{
	srtp_policy_t pol;
	srtp_t s;

	memset(&pol, 0, sizeof(pol));
	ls_policy_for(c, &pol.rtp, &pol.rtcp);
	pol.ssrc.type = ssrc_any_outbound;
	pol.window_size = 128;
	pol.key = material;
	ck_assert_int_eq(srtp_create(&s, &pol), srtp_err_status_ok);
	return s;
}

/* Our context with A (slot 0) and B (slot 1), no MKI. */
static struct srtp_ctx *rk_ctx(const struct cfg *c, struct keys *k,
			       enum srtp_dir dir)
{
	const struct srtp_suite_info *si = srtp_suite_get(c->suite);
	struct srtp_ctx *ctx = our_new(c, k, dir);
	enum srtp_reason why;
	struct srtp_key *key;
	int err;

	key = srtp_key_new(c->suite, k->material[1], si->key_len,
			   k->material[1] + si->key_len, si->salt_len, NULL, 0,
			   0, &err, &why);
	ck_assert_ptr_nonnull(key);
	ck_assert_int_eq(srtp_ctx_add_key(ctx, key, &why), 1);
	return ctx;
}

/*
 * Protects p->plain with @key into p->ours.  libsrtp2 protects every
 * packet with both sessions, so that both follow the ROC and the SRTCP
 * index as one sender would, and the one of @key is sent.
 */
static void rk_protect(struct rk_sender *s, struct pkt *p, unsigned int key)
{
	enum srtp_reason why;
	unsigned int i;

	if (s->ours) {
		memcpy(p->ours, p->plain, p->plain_len);
		ck_assert_int_eq(srtp_ctx_set_active_key(s->ours, key), 0);
		p->len = s->rtcp ?
			srtp_rtcp_protect(s->ours, p->ours, p->plain_len,
					  BUF_LEN, &why) :
			srtp_rtp_protect(s->ours, p->ours, p->plain_len,
					 BUF_LEN, &why);
		ck_assert_msg(p->len > 0, "protect: %s",
			      srtp_reason_name(why));
		return;
	}
	for (i = 0; i < 2; i++) {
		int len = (int)p->plain_len;

		memcpy(p->theirs, p->plain, p->plain_len);
		ck_assert_int_eq(s->rtcp ?
				 srtp_protect_rtcp(s->ls[i], p->theirs, &len) :
				 srtp_protect(s->ls[i], p->theirs, &len),
				 srtp_err_status_ok);
		if (i == key) {
			memcpy(p->ours, p->theirs, (size_t)len);
			p->len = len;
		}
	}
}

/* Unprotects a copy of p->ours: @exp, and for SRTP_R_OK the plaintext. */
static void rk_expect(struct srtp_ctx *rx, const struct pkt *p, bool rtcp,
		      enum srtp_reason exp)
{
	enum srtp_reason why = SRTP_R_OK;
	u8 buf[BUF_LEN];
	int n;

	memcpy(buf, p->ours, (size_t)p->len);
	n = rtcp ? srtp_rtcp_unprotect(rx, buf, (unsigned int)p->len, &why) :
		   srtp_rtp_unprotect(rx, buf, (unsigned int)p->len, &why);
	ck_assert_msg(exp ? n < 0 : n == (int)p->plain_len,
		      "unprotect gave %d (%s), want %s", n,
		      srtp_reason_name(why), srtp_reason_name(exp));
	ck_assert_str_eq(srtp_reason_name(why), srtp_reason_name(exp));
	if (!exp)
		ck_assert_mem_eq(buf, p->plain, p->plain_len);
}

static void rk_gen(struct pkt *p, bool rtcp, u32 ssrc, u16 seq)
{
	p->plain_len = rtcp ? gen_rtcp(p->plain, ssrc) :
			      gen_rtp(p->plain, ssrc, seq);
}

static void rk_run(const struct cfg *c, bool ls, bool rtcp, u64 seed)
{
	const struct srtp_suite_info *si = srtp_suite_get(c->suite);
	struct rk_sender s = { .rtcp = rtcp };
	struct pkt *p, *held, *last;
	struct srtp_events ev;
	struct srtp_ctx *rx;
	struct keys k;
	unsigned int i;
	u32 ssrc;
	u16 seq;

	p = calloc(3, sizeof(*p));
	ck_assert_ptr_nonnull(p);
	held = p + 1;
	last = p + 2;
	rng_state = seed;
	memset(&k, 0, sizeof(k));
	for (i = 0; i < 2; i++)
		rnd_fill(k.material[i], si->key_len + si->salt_len);
	if (ls) {
		s.ls[0] = rk_ls_new(c, k.material[0]);
		s.ls[1] = rk_ls_new(c, k.material[1]);
	} else {
		s.ours = rk_ctx(c, &k, SRTP_DIR_OUTBOUND);
	}
	rx = rk_ctx(c, &k, SRTP_DIR_INBOUND);
	ssrc = rnd();
	seq = (u16)(65536 - RK_A / 2);

	/* A: all go, except one held back for later. */
	for (i = 0; i < RK_A; i++) {
		struct pkt *q = i == RK_A / 2 ? held : p;

		rk_gen(q, rtcp, ssrc, seq++);
		rk_protect(&s, q, 0);
		if (q == p)
			rk_expect(rx, p, rtcp, SRTP_R_OK);
	}
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), SRTP_EV_NEW_SSRC);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 0);

	/* The first B packet, garbled: fails with A and B, counted once. */
	rk_gen(p, rtcp, ssrc, seq++);
	rk_protect(&s, p, 1);
	/* RTCP: the packet type (200 <-> 201); RTP: the last tag byte. */
	p->ours[rtcp ? 1 : p->len - 1] ^= 0x01;
	rk_expect(rx, p, rtcp, SRTP_R_AUTH_FAIL);
	p->ours[rtcp ? 1 : p->len - 1] ^= 0x01;
	ck_assert_uint_eq(srtp_ctx_drops(rx, SRTP_R_AUTH_FAIL), 1);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), 0);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 0);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 0), RK_A - 1);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 1), 0);

	/* The genuine one (same index: nothing moved) switches to B. */
	rk_expect(rx, p, rtcp, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), SRTP_EV_KEY_SWITCH);
	ck_assert_uint_eq(ev.active_key, 1);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 1);
	for (i = 1; i < RK_B; i++) {
		rk_gen(p, rtcp, ssrc, seq++);
		rk_protect(&s, p, 1);
		rk_expect(rx, p, rtcp, SRTP_R_OK);
	}
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), 0);

	/* A is retired: a late A packet and a new one both fail. */
	rk_expect(rx, held, rtcp, SRTP_R_AUTH_FAIL);
	rk_gen(last, rtcp, ssrc, seq++);
	rk_protect(&s, last, 0);
	rk_expect(rx, last, rtcp, SRTP_R_AUTH_FAIL);
	ck_assert_uint_eq(srtp_ctx_drops(rx, SRTP_R_AUTH_FAIL), 3);
	/* The replay state carried over; B goes on. */
	rk_expect(rx, p, rtcp, SRTP_R_REPLAY);
	rk_gen(p, rtcp, ssrc, seq++);
	rk_protect(&s, p, 1);
	rk_expect(rx, p, rtcp, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), 0);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 1);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 0), RK_A - 1);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 1), RK_B + 1);
	ck_assert_uint_eq(srtp_ctx_drops(rx, SRTP_R_AUTH_FAIL), 3);
	ck_assert_uint_eq(srtp_ctx_drops(rx, SRTP_R_REPLAY), 1);

	srtp_ctx_free(rx);
	srtp_ctx_free(s.ours);
	for (i = 0; i < 2; i++)
		if (s.ls[i])
			ck_assert_int_eq(srtp_dealloc(s.ls[i]),
					 srtp_err_status_ok);
	free(p);
}

/*
 * Loop index -> suite x sender (libsrtp2, ours) x session parameters
 * (none; unencrypted SRTCP, and unencrypted SRTP for the CM suites).
 */
#define RK_NCFG (SRTP_SUITE_COUNT * 2 * 2)

START_TEST(test_rekey_without_mki)
{
	struct cfg c = { .suite = (enum srtp_suite)(_i / 4) };
	const struct srtp_suite_info *si = srtp_suite_get(c.suite);
	bool ls = _i & 1;

	if (_i & 2)
		c.flags = SRTP_F_UNENCRYPTED_SRTCP |
			  (si->aead ? 0 : SRTP_F_UNENCRYPTED_SRTP);
	/* libsrtp2's AES-192 KDF is not RFC 6188's (see run_cfg()). */
	if (ls && si->key_len == 24)
		return;
	rk_run(&c, ls, false, 0x7e4e0000ULL + (u64)_i);
	rk_run(&c, ls, true, 0x7e4e1000ULL + (u64)_i);
}
END_TEST

/*
 * tests/vm/hostile.sh's protect stream, told to libsrtp2: gateway B's
 * SSRC sends, 7 spoofed SSRCs take the free slots and 33 more are
 * refused, B's sent and old indices come again (tx-replay), then nothing
 * for a while, and B goes on.  The pause is shorter than the SSRC aging
 * time, exactly it, and far longer; in the variants with a retirement, 8
 * new SSRCs come after it and the last one retires B (7 of them retire
 * the spoofed SSRCs, idle longer), and B comes back once that one is
 * idle in turn.  Whatever the pause, every packet of B the core protects
 * must unprotect in a libsrtp2 receiver that saw all of them (replay
 * window 128, the one of rtpwire): the aging of an SSRC keeps its ROC,
 * its sender window and its SRTCP index.  Loop index: the pause, the
 * retirement, and B's numbers from 1000 (hostile.sh's) or from 65386, so
 * that B's ROC is 1 when it pauses.
 */
#define HP_NCFG 16

/* A sender report of @ssrc, as rtpwire sends (28 bytes). */
static unsigned int hp_sr(u8 *b, u32 ssrc)
{
	b[0] = 0x80;
	b[1] = 200;
	b[2] = 0;
	b[3] = 6;
	b[4] = ssrc >> 24;
	b[5] = ssrc >> 16;
	b[6] = ssrc >> 8;
	b[7] = ssrc;
	rnd_fill(b + 8, 20);
	return 28;
}

static void hp_send(struct srtp_ctx *tx, srtp_t rx, struct pkt *p, bool rtcp,
		    u32 ssrc, u16 seq)
{
	enum srtp_reason why;
	int len;

	p->plain_len = rtcp ? hp_sr(p->plain, ssrc) :
			      gen_rtp(p->plain, ssrc, seq);
	memcpy(p->ours, p->plain, p->plain_len);
	p->len = rtcp ? srtp_rtcp_protect(tx, p->ours, p->plain_len, BUF_LEN,
					  &why) :
			srtp_rtp_protect(tx, p->ours, p->plain_len, BUF_LEN,
					 &why);
	ck_assert_msg(p->len > 0, "protect of 0x%x/%u: %s", ssrc, seq,
		      srtp_reason_name(why));
	len = p->len;
	ck_assert_msg((rtcp ? srtp_unprotect_rtcp(rx, p->ours, &len) :
			      srtp_unprotect(rx, p->ours, &len)) ==
		      srtp_err_status_ok,
		      "libsrtp2 refused %s of 0x%x (seq %u)",
		      rtcp ? "rtcp" : "rtp", ssrc, seq);
	ck_assert_int_eq(len, (int)p->plain_len);
	ck_assert_mem_eq(p->ours, p->plain, p->plain_len);
}

/* B's RTP from @first, with RTCP after every tenth, as rtpwire sends. */
static void hp_flow(struct srtp_ctx *tx, srtp_t rx, struct pkt *p, u32 b,
		    u16 first, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		hp_send(tx, rx, p, false, b, (u16)(first + i));
		if ((first + i + 1) % 10 == 0)
			hp_send(tx, rx, p, true, b, 0);
	}
}

static void hp_refused(struct srtp_ctx *tx, struct pkt *p, u32 ssrc, u16 seq,
		       enum srtp_reason want)
{
	enum srtp_reason why;

	p->plain_len = gen_rtp(p->ours, ssrc, seq);
	ck_assert_int_lt(srtp_rtp_protect(tx, p->ours, p->plain_len, BUF_LEN,
					  &why), 0);
	ck_assert_str_eq(srtp_reason_name(why), srtp_reason_name(want));
}

START_TEST(test_protect_across_idle_gap)
{
	static const u32 gaps[HP_NCFG / 4] = {
		0, SRTP_CORE_SSRC_IDLE - 1, SRTP_CORE_SSRC_IDLE,
		10 * SRTP_CORE_SSRC_IDLE,
	};
	struct cfg c = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80 };
	const struct srtp_suite_info *si = srtp_suite_get(c.suite);
	bool retire = _i & 1;
	u16 s0 = _i & 2 ? 65386 : 1000;
	const u32 b = 0x11223344;
	struct srtp_ctx *tx;
	struct keys k;
	struct pkt *p;
	unsigned int i;
	srtp_t rx;

	p = calloc(1, sizeof(*p));
	ck_assert_ptr_nonnull(p);
	rng_state = 0x4057113ULL + (u64)_i;
	memset(&k, 0, sizeof(k));
	rnd_fill(k.material[0], si->key_len + si->salt_len);
	tx = our_new(&c, &k, SRTP_DIR_OUTBOUND);
	rx = ls_new(&c, &k, true);
	/* time moves only when the test says (a loaded host took a second) */
	srtp_clock_frozen = true;
	srtp_clock_skew = 1000;

	hp_flow(tx, rx, p, b, s0, 100);
	hp_refused(tx, p, b, s0 + 5, SRTP_R_TX_REPLAY);
	hp_refused(tx, p, b, (u16)(s0 - 100), SRTP_R_TX_REPLAY);
	hp_flow(tx, rx, p, b, (u16)(s0 + 100), 50);
	for (i = 0; i < 40; i++) {
		if (i < SRTP_CORE_SSRC_MAX - 1)
			hp_send(tx, rx, p, false, 0x5000 + i, 1);
		else
			hp_refused(tx, p, 0x5000 + i, 1, SRTP_R_SSRC_LIMIT);
	}
	hp_flow(tx, rx, p, b, (u16)(s0 + 150), 50);
	/* the matrix: sent, at the window's edge, left of it, 0 */
	hp_refused(tx, p, b, (u16)(s0 + 199), SRTP_R_TX_REPLAY);
	hp_refused(tx, p, b, (u16)(s0 + 199 - 127), SRTP_R_TX_REPLAY);
	hp_refused(tx, p, b, (u16)(s0 + 199 - 128), SRTP_R_TX_REPLAY);
	hp_refused(tx, p, b, 0, SRTP_R_TX_REPLAY);

	srtp_clock_skew += gaps[_i / 4];
	if (retire) {
		srtp_clock_skew += SRTP_CORE_SSRC_IDLE;
		for (i = 0; i < SRTP_CORE_SSRC_MAX; i++)
			hp_send(tx, rx, p, false, 0x6000 + i, 1);
		/* B is out: back only once a slot's SSRC is idle. */
		hp_refused(tx, p, b, (u16)(s0 + 200), SRTP_R_SSRC_LIMIT);
		srtp_clock_skew += SRTP_CORE_SSRC_IDLE;
		hp_refused(tx, p, b, (u16)(s0 + 199), SRTP_R_TX_REPLAY);
	}
	hp_flow(tx, rx, p, b, (u16)(s0 + 200), 200);
	ck_assert_uint_eq(srtp_ctx_drops(tx, SRTP_R_TX_REPLAY), retire ? 7 : 6);
	ck_assert_uint_eq(srtp_ctx_drops(tx, SRTP_R_SSRC_LIMIT),
			  retire ? 34 : 33);
	srtp_clock_skew = 0;
	srtp_clock_frozen = false;
	srtp_ctx_free(tx);
	ck_assert_int_eq(srtp_dealloc(rx), srtp_err_status_ok);
	free(p);
}
END_TEST

static Suite *libsrtp_suite(void)
{
	Suite *s = suite_create("srtp_libsrtp");
	TCase *tc = tcase_create("differential");

	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_differential, 0, NCFG);
	tcase_add_test(tc, test_gcm_refuses_unencrypted_srtp);
	tcase_add_loop_test(tc, test_rekey_without_mki, 0, RK_NCFG);
	tcase_add_loop_test(tc, test_protect_across_idle_gap, 0, HP_NCFG);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (srtp_init() != srtp_err_status_ok)
		return 1;
	sr = srunner_create(libsrtp_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	srtp_shutdown();
	return failed != 0;
}
