// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_unprotect - libFuzzer target for the SRTP core (kmod/srtp.c).
 *
 * Input: a configuration header, then a packet.
 *
 *   byte 0  bits 0-2  suite (enum srtp_suite, all 8)
 *           bit  3    RTCP (else RTP)
 *           bits 4-6  MKI length: 0, 0, 1, 2, 3, 4, 13, 128; the second
 *                     0 installs two keys without MKI (a re-key: the
 *                     receiver tries the next key when the active one
 *                     fails), the others one key without MKI or two
 *                     with
 *           bit  7    tight room: byte 2 is the slack, see below
 *   byte 1  bits 0-2  SRTP_F_* flags (the GCM suites drop the two they
 *                     refuse)
 *           bit  3    protect with key slot 1 (where there are 2 keys)
 *           bits 4-5  replay window: default, 64, 1024, 200
 *           bit  6    master key lifetime FZ_SHORT_LIFE packets (else 2^48)
 *   byte 2  (tight room only) protect room = len + byte % (TRAILER_MAX + 1)
 *   rest    the packet
 *
 * Each input goes through:
 *  1. unprotect of the packet, in a heap buffer of exactly its length,
 *     by a long-lived inbound context of that configuration (recreated
 *     every FZ_RECYCLE uses so the replay state does not saturate);
 *  2. protect of the packet as plaintext, in a heap buffer of exactly
 *     room bytes (len + SRTP_CORE_TRAILER_MAX, or the tight room), by a
 *     long-lived outbound context; when it succeeds, unprotect by the
 *     matching inbound context must give back the input.  Long-lived
 *     pairs drift apart (replay, ROC, SSRC table), so a failed round trip
 *     is retried once on a fresh pair, which must succeed.  A mismatch
 *     is a real bug: abort().  With two keys and no MKI, a packet
 *     protected with key 1 fails with the receiver's active key 0 and
 *     must come back intact from the second try (GCM undoes the first).
 *
 * The keys are fixed, so the seed corpus (tests/fuzz/corpus/unprotect) holds
 * packets that authenticate.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srtp.h"

#define FZ_HDR		2
#define FZ_MKI_SEL	8
#define FZ_FLAGS	8
#define FZ_WIN_SEL	4
#define FZ_LIFE_SEL	2
#define FZ_NCFG		(SRTP_SUITE_COUNT * FZ_MKI_SEL * FZ_FLAGS * FZ_WIN_SEL * \
			 FZ_LIFE_SEL)
#define FZ_SHORT_LIFE	5
#define FZ_RECYCLE	512
#define FZ_NKEYS	2

static const u8 fz_mki_lens[FZ_MKI_SEL] = { 0, 0, 1, 2, 3, 4, 13, 128 };
static const u32 fz_windows[FZ_WIN_SEL] = { 0, 64, 1024, 200 };

struct fz_cfg {
	enum srtp_suite suite;
	bool rtcp;
	bool tight;
	u8 slack;
	u32 flags;
	unsigned int mki_len;
	unsigned int window;
	u64 lifetime;		/* 0: 2^48 */
	unsigned int nkeys;	/* 1, or 2 (MKI, or re-key without MKI) */
	unsigned int slot;	/* active key for protect */
	unsigned int id;	/* index of the contexts of this configuration */
};

struct fz_state {
	struct srtp_ctx *rx;	/* step 1 */
	unsigned int rx_uses;
	struct srtp_ctx *rt_tx;	/* step 2 */
	struct srtp_ctx *rt_rx;
	unsigned int rt_uses;
};

static struct fz_state fz_states[FZ_NCFG];

static void fz_die(const char *what, int err, enum srtp_reason why)
{
	fprintf(stderr, "fuzz_unprotect: %s: %d %s\n", what, err,
		srtp_reason_name(why));
	abort();
}

/* Fixed master key/salt of key @i; distinct MKIs. */
static void fz_key_material(unsigned int i, u8 master[46], u8 mki[128])
{
	unsigned int j;

	for (j = 0; j < 46; j++)
		master[j] = (u8)(0x5a ^ (j * 13) ^ (i * 0x71));
	for (j = 0; j < SRTP_CORE_MKI_MAX; j++)
		mki[j] = (u8)(0xc0 + j);
	mki[0] = (u8)i;
}

static struct srtp_ctx *fz_ctx_new(const struct fz_cfg *c, enum srtp_dir dir)
{
	const struct srtp_suite_info *si = srtp_suite_get(c->suite);
	struct srtp_params p = {
		.suite = c->suite,
		.dir = dir,
		.flags = c->flags,
		.window = c->window,
		.mki_len = c->mki_len,
	};
	unsigned int i, n = c->nkeys;
	u8 master[46], mki[SRTP_CORE_MKI_MAX];
	enum srtp_reason why;
	struct srtp_ctx *ctx;
	struct srtp_key *key;
	int err;

	ctx = srtp_ctx_new(&p, &err, &why);
	if (!ctx)
		fz_die("srtp_ctx_new", err, why);
	for (i = 0; i < n; i++) {
		fz_key_material(i, master, mki);
		key = srtp_key_new(c->suite, master, si->key_len,
				   master + si->key_len, si->salt_len, mki,
				   c->mki_len, c->lifetime, &err, &why);
		if (!key)
			fz_die("srtp_key_new", err, why);
		err = srtp_ctx_add_key(ctx, key, &why);
		if (err != (int)i)
			fz_die("srtp_ctx_add_key", err, why);
	}
	return ctx;
}

/* Decodes the header; returns its length, 0 when the input is too short. */
static size_t fz_parse(const u8 *data, size_t size, struct fz_cfg *c)
{
	const struct srtp_suite_info *si;
	unsigned int mki_sel, win_sel;

	if (size < FZ_HDR)
		return 0;
	memset(c, 0, sizeof(*c));
	c->suite = (enum srtp_suite)(data[0] & 7);
	c->rtcp = data[0] & 8;
	mki_sel = (data[0] >> 4) & 7;
	c->tight = data[0] & 0x80;
	c->flags = data[1] & 7;
	win_sel = (data[1] >> 4) & 3;
	si = srtp_suite_get(c->suite);
	if (si->aead)
		c->flags &= ~(SRTP_F_UNENCRYPTED_SRTP |
			      SRTP_F_UNAUTHENTICATED_SRTP);
	c->mki_len = fz_mki_lens[mki_sel];
	c->window = fz_windows[win_sel];
	c->nkeys = c->mki_len || mki_sel == 1 ? FZ_NKEYS : 1;
	c->slot = c->nkeys > 1 ? (data[1] >> 3) & 1 : 0;
	c->lifetime = data[1] & 0x40 ? FZ_SHORT_LIFE : 0;
	c->id = (((c->suite * FZ_MKI_SEL + mki_sel) * FZ_FLAGS + c->flags) *
		 FZ_WIN_SEL + win_sel) * FZ_LIFE_SEL + !!c->lifetime;
	if (!c->tight)
		return FZ_HDR;
	if (size < FZ_HDR + 1)
		return 0;
	c->slack = data[FZ_HDR];
	return FZ_HDR + 1;
}

static int fz_unprotect(const struct fz_cfg *c, struct srtp_ctx *ctx,
			u8 *buf, unsigned int len, enum srtp_reason *why)
{
	if (c->rtcp)
		return srtp_rtcp_unprotect(ctx, buf, len, why);
	return srtp_rtp_unprotect(ctx, buf, len, why);
}

static int fz_protect(const struct fz_cfg *c, struct srtp_ctx *ctx, u8 *buf,
		      unsigned int len, unsigned int room,
		      enum srtp_reason *why)
{
	if (c->rtcp)
		return srtp_rtcp_protect(ctx, buf, len, room, why);
	return srtp_rtp_protect(ctx, buf, len, room, why);
}

/* Step 1: unprotect of arbitrary bytes. */
static void fz_step_unprotect(const struct fz_cfg *c, const u8 *pkt,
			      size_t len)
{
	struct fz_state *s = &fz_states[c->id];
	enum srtp_reason why;
	u8 *buf;
	int n;

	if (!s->rx || ++s->rx_uses > FZ_RECYCLE) {
		srtp_ctx_free(s->rx);
		s->rx = fz_ctx_new(c, SRTP_DIR_INBOUND);
		s->rx_uses = 0;
	}
	buf = malloc(len ? len : 1);
	if (!buf)
		abort();
	memcpy(buf, pkt, len);
	n = fz_unprotect(c, s->rx, buf, (unsigned int)len, &why);
	if (n >= 0 && (size_t)n > len)
		fz_die("unprotect grew the packet", n, why);
	if (n < 0 && why == SRTP_R_OK)
		fz_die("unprotect failed without a reason", n, why);
	free(buf);
}

static void fz_new_pair(const struct fz_cfg *c, struct fz_state *s)
{
	srtp_ctx_free(s->rt_tx);
	srtp_ctx_free(s->rt_rx);
	s->rt_tx = fz_ctx_new(c, SRTP_DIR_OUTBOUND);
	s->rt_rx = fz_ctx_new(c, SRTP_DIR_INBOUND);
	s->rt_uses = 0;
}

/* Reasons a protect fails that depend on the context's history only. */
static bool fz_state_reason(enum srtp_reason why)
{
	return why == SRTP_R_SSRC_LIMIT || why == SRTP_R_INDEX_LIMIT ||
	       why == SRTP_R_LIFETIME;
}

/*
 * One protect and unprotect on the current pair: 1 done (including a
 * protect refused for the packet's shape), 0 retry on a fresh pair.
 */
static int fz_round_trip(const struct fz_cfg *c, struct fz_state *s,
			 const u8 *pkt, unsigned int len, bool fresh)
{
	unsigned int room = len + (c->tight ? c->slack %
				   (SRTP_CORE_TRAILER_MAX + 1) :
				   SRTP_CORE_TRAILER_MAX);
	enum srtp_reason why;
	int n, m, ret = 1;
	u8 *buf;

	buf = malloc(room ? room : 1);
	if (!buf)
		abort();
	memcpy(buf, pkt, len);
	if (srtp_ctx_set_active_key(s->rt_tx, c->slot))
		fz_die("srtp_ctx_set_active_key", -1, SRTP_R_OK);
	/*
	 * SRTP without a tag cannot tell the keys apart: the control plane
	 * switches such a receiver itself.
	 */
	if (!c->mki_len && !c->rtcp &&
	    (c->flags & SRTP_F_UNAUTHENTICATED_SRTP) &&
	    srtp_ctx_set_active_key(s->rt_rx, c->slot))
		fz_die("srtp_ctx_set_active_key", -1, SRTP_R_OK);
	n = fz_protect(c, s->rt_tx, buf, len, room, &why);
	if (n < 0) {
		if (why == SRTP_R_OK)
			fz_die("protect failed without a reason", n, why);
		ret = fresh || !fz_state_reason(why);
		goto out;
	}
	if ((unsigned int)n < len || (unsigned int)n > room)
		fz_die("protect length", n, why);
	m = fz_unprotect(c, s->rt_rx, buf, (unsigned int)n, &why);
	if (m < 0) {
		if (fresh)
			fz_die("round trip: unprotect of a fresh pair", m, why);
		ret = 0;
		goto out;
	}
	if ((unsigned int)m != len || memcmp(buf, pkt, len))
		fz_die("round trip: output differs from the input", m, why);
out:
	free(buf);
	return ret;
}

/* Step 2: protect, then unprotect must give back the input. */
static void fz_step_round_trip(const struct fz_cfg *c, const u8 *pkt,
			       size_t len)
{
	struct fz_state *s = &fz_states[c->id];

	if (!s->rt_tx || ++s->rt_uses > FZ_RECYCLE)
		fz_new_pair(c, s);
	if (fz_round_trip(c, s, pkt, (unsigned int)len, false))
		return;
	fz_new_pair(c, s);
	fz_round_trip(c, s, pkt, (unsigned int)len, true);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fz_cfg c;
	size_t hdr = fz_parse(data, size, &c);

	if (!hdr || size - hdr > 65535)
		return 0;
	fz_step_unprotect(&c, data + hdr, size - hdr);
	fz_step_round_trip(&c, data + hdr, size - hdr);
	return 0;
}
