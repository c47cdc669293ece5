// SPDX-License-Identifier: GPL-2.0
/*
 * srtp.c - portable SRTP/SRTCP core (RFC 3711, RFC 6188, RFC 7714).
 *
 * Compiled into the kernel module and into userspace: it includes only
 * its own headers and calls the crypto backend through srtp_crypto.h.
 * Every transform works in place on a flat buffer and allocates nothing;
 * design notes in Documentation/srtp-core.md.
 */

#include "srtp.h"
#include "srtp_platform.h"
#include "srtp_crypto.h"

#define SRTP_WORDS		(SRTP_CORE_WINDOW_MAX / 64)
#define SRTP_GCM_TAG_LEN	16
#define SRTP_HMAC_LEN		20
#define SRTP_HMAC_KEY_LEN	20
#define SRTCP_E_FLAG		0x80000000U
#define RTP_MIN_HDR		12
#define RTCP_HDR		8
#define SRTP_PIN_ON		0x100000000ULL	/* above any u32 SSRC */

/*
 * Replay state of one direction of one SSRC.  For SRTP, @top is the
 * highest authenticated 48-bit index (ROC << 16 | SEQ), so it also holds
 * the ROC and s_l of RFC 3711 Appendix A.  Bit i of @bits says whether
 * index top - i was received.  A sender uses only @seen and @top.
 */
struct srtp_replay {
	u64 top;
	u64 bits[SRTP_WORDS];
	bool seen;
};

struct srtp_ssrc {
	u32 ssrc;
	u32 rtcp_next;		/* sender: next SRTCP index */
	u32 last;		/* srtp_now() of its last packet */
	u32 key_gen;		/* the newest key it used (srtp_key.gen) */
	struct srtp_replay rtp;
	struct srtp_replay rtcp;
};

/*
 * An SSRC that made room for another (srtp.h): what it needs to go on
 * where it stopped and to refuse every index it already used.
 */
struct srtp_retired {
	u64 rtp_top;
	u64 rtcp_top;
	u32 ssrc;
	u32 rtcp_next;
	u32 key_gen;
	bool rtp_seen;
	bool rtcp_seen;
	bool used;
};

struct srtp_key {
	enum srtp_suite suite;
	u8 mki_len;
	/* 1, 2, ... in the order keys were added: its index is gen - 1 */
	u32 gen;
	bool soft_sent;		/* mutable */
	bool hard_sent;		/* mutable */
	u64 lifetime;
	u64 used;		/* mutable: packets processed with this key */
	struct srtp_aes *rtp_aes;
	struct srtp_aes *rtcp_aes;
	struct srtp_hmac *rtp_hmac;
	struct srtp_hmac *rtcp_hmac;
	struct srtp_gcm *rtp_gcm;
	struct srtp_gcm *rtcp_gcm;
	u8 rtp_salt[14];
	u8 rtcp_salt[14];
	u8 mki[SRTP_CORE_MKI_MAX];
	u8 work[32];		/* session key being derived, then wiped */
};

struct srtp_ctx {
	const struct srtp_suite_info *si;
	struct srtp_params p;
	/*
	 * SRTP_PIN_ON | the pinned SSRC, or 0 for no pin: one load and one
	 * branch for an unpinned context (srtp_pin_refuses()).  Changed by
	 * srtp_ctx_set_pin() only, under the caller's per-context lock.
	 */
	u64 pin;
	/*
	 * The live keys: index first .. first + nkeys - 1, the key of index
	 * i in keys[i % SRTP_CORE_KEYS_MAX] (srtp_ctx_key()).  A key leaves
	 * by srtp_ctx_reap_key() only, oldest first, which frees its slot.
	 */
	struct srtp_key *keys[SRTP_CORE_KEYS_MAX];
	u32 first;
	unsigned int nkeys;
	/* Everything below is mutable, under the caller's per-context lock. */
	u32 active;		/* index of the active key */
	unsigned int nssrc;
	struct srtp_ssrc ssrc[SRTP_CORE_SSRC_MAX];
	struct srtp_retired retired[SRTP_CORE_SSRC_RETIRED_MAX];
	/*
	 * State of an SSRC not yet admitted (admitted after authentication),
	 * the live SSRC it will replace (-1: a free slot) and the retired
	 * slot it came from or that the replaced one goes to (-1: none).
	 */
	struct srtp_ssrc fresh;
	int fresh_victim;
	int fresh_retired;
	u32 key_gen;		/* the last srtp_key.gen handed out */
	u32 events;
	u32 soft_key;
	u32 hard_key;
	u32 new_ssrc;
	u64 drops[SRTP_R_COUNT];
};

static const struct srtp_suite_info srtp_suites[SRTP_SUITE_COUNT] = {
	[SRTP_AES_CM_128_HMAC_SHA1_80] = {
		"AES_CM_128_HMAC_SHA1_80", 16, 14, 20, 10, 10, false },
	[SRTP_AES_CM_128_HMAC_SHA1_32] = {
		"AES_CM_128_HMAC_SHA1_32", 16, 14, 20, 4, 10, false },
	[SRTP_AES_192_CM_HMAC_SHA1_80] = {
		"AES_192_CM_HMAC_SHA1_80", 24, 14, 20, 10, 10, false },
	[SRTP_AES_192_CM_HMAC_SHA1_32] = {
		"AES_192_CM_HMAC_SHA1_32", 24, 14, 20, 4, 10, false },
	[SRTP_AES_256_CM_HMAC_SHA1_80] = {
		"AES_256_CM_HMAC_SHA1_80", 32, 14, 20, 10, 10, false },
	[SRTP_AES_256_CM_HMAC_SHA1_32] = {
		"AES_256_CM_HMAC_SHA1_32", 32, 14, 20, 4, 10, false },
	[SRTP_AEAD_AES_128_GCM] = {
		"AEAD_AES_128_GCM", 16, 12, 0, 16, 16, true },
	[SRTP_AEAD_AES_256_GCM] = {
		"AEAD_AES_256_GCM", 32, 12, 0, 16, 16, true },
};

static const char * const srtp_reason_names[SRTP_R_COUNT] = {
	[SRTP_R_OK] = "ok",
	[SRTP_R_BAD_PARAM] = "bad_param",
	[SRTP_R_KDR_UNSUPPORTED] = "kdr_unsupported",
	[SRTP_R_NOMEM] = "nomem",
	[SRTP_R_CRYPTO] = "crypto",
	[SRTP_R_WRONG_DIR] = "wrong_dir",
	[SRTP_R_NO_KEY] = "no_key",
	[SRTP_R_TOO_SHORT] = "too_short",
	[SRTP_R_BAD_VERSION] = "bad_version",
	[SRTP_R_BAD_CSRC] = "bad_csrc",
	[SRTP_R_BAD_EXT] = "bad_ext",
	[SRTP_R_BAD_PADDING] = "bad_padding",
	[SRTP_R_BAD_RTCP] = "bad_rtcp",
	[SRTP_R_BAD_E_BIT] = "bad_e_bit",
	[SRTP_R_NO_ROOM] = "no_room",
	[SRTP_R_AUTH_FAIL] = "auth_fail",
	[SRTP_R_REPLAY] = "replay",
	[SRTP_R_TOO_OLD] = "too_old",
	[SRTP_R_UNKNOWN_MKI] = "unknown_mki",
	[SRTP_R_LIFETIME] = "lifetime",
	[SRTP_R_INDEX_LIMIT] = "index_limit",
	[SRTP_R_SSRC_LIMIT] = "ssrc_limit",
	[SRTP_R_KEY_LIMIT] = "key_limit",
	[SRTP_R_TX_REPLAY] = "tx_replay",
	[SRTP_R_SSRC_PIN] = "ssrc_pin",
	[SRTP_R_ASYNC] = "async",
};

const struct srtp_suite_info *srtp_suite_get(enum srtp_suite suite)
{
	if ((unsigned int)suite >= SRTP_SUITE_COUNT)
		return NULL;
	return &srtp_suites[suite];
}

const char *srtp_reason_name(enum srtp_reason why)
{
	if ((unsigned int)why >= SRTP_R_COUNT)
		return "unknown";
	return srtp_reason_names[why];
}

/* Byte-wise big-endian access: same code on every kernel and in libc. */
static u16 srtp_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 srtp_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void srtp_put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* A crypto backend's error: -EINPROGRESS means the packet is gone. */
static enum srtp_reason srtp_crypto_reason(int err)
{
	return err == -EINPROGRESS ? SRTP_R_ASYNC : SRTP_R_CRYPTO;
}

static int srtp_fail(struct srtp_ctx *ctx, enum srtp_reason *why,
		     enum srtp_reason r, int err)
{
	ctx->drops[r]++;
	*why = r;
	return err;
}

bool srtp_is_rtcp(const u8 *buf, unsigned int len)
{
	return len >= 2 && buf[1] >= 192 && buf[1] <= 223;
}

/* A datagram whose first byte is not RTP's (srtp_demux()). */
enum srtp_demux srtp_demux_other(const u8 *buf, unsigned int len)
{
	unsigned int mlen;

	if (!len || (buf[0] & 0xc0) == 0x80)
		return SRTP_DEMUX_RTP;
	if (buf[0] > 3 || len < SRTP_STUN_HDR ||
	    srtp_be32(buf + 4) != SRTP_STUN_COOKIE)
		return SRTP_DEMUX_OTHER;
	mlen = srtp_be16(buf + 2);
	if ((mlen & 3) || mlen != len - SRTP_STUN_HDR)
		return SRTP_DEMUX_OTHER;
	return SRTP_DEMUX_STUN;
}

void srtp_cm_iv(u8 iv[16], const u8 salt[14], u32 ssrc, u64 index)
{
	unsigned int i;

	memcpy(iv, salt, 14);
	iv[14] = 0;
	iv[15] = 0;
	for (i = 0; i < 4; i++)
		iv[4 + i] ^= ssrc >> (24 - 8 * i);
	for (i = 0; i < 6; i++)
		iv[8 + i] ^= index >> (40 - 8 * i);
}

void srtp_gcm_rtp_iv(u8 iv[12], const u8 salt[12], u32 ssrc, u32 roc,
		     u16 seq)
{
	unsigned int i;

	memcpy(iv, salt, 12);
	for (i = 0; i < 4; i++) {
		iv[2 + i] ^= ssrc >> (24 - 8 * i);
		iv[6 + i] ^= roc >> (24 - 8 * i);
	}
	iv[10] ^= seq >> 8;
	iv[11] ^= seq;
}

void srtp_gcm_rtcp_iv(u8 iv[12], const u8 salt[12], u32 ssrc, u32 index)
{
	unsigned int i;

	memcpy(iv, salt, 12);
	index &= SRTP_CORE_SRTCP_INDEX_MAX;
	for (i = 0; i < 4; i++) {
		iv[2 + i] ^= ssrc >> (24 - 8 * i);
		iv[8 + i] ^= index >> (24 - 8 * i);
	}
}

/*
 * RFC 3711 4.3.1 with key derivation rate 0: r = 0, so
 * x = (label << 48) ^ master_salt and the keystream starts at x * 2^16.
 * A 12 byte (GCM) salt is zero-padded on the right to 14 bytes (RFC 7714
 * 11, same as libsrtp2).
 */
static int srtp_kdf_label(struct srtp_prf *prf, const u8 *salt,
			  unsigned int salt_len, u8 label, u8 *out,
			  unsigned int len)
{
	u8 iv[16];
	int ret;

	memset(iv, 0, sizeof(iv));
	memcpy(iv, salt, salt_len);
	iv[7] ^= label;
	ret = srtp_prf_keystream(prf, iv, out, len);
	memzero_explicit(iv, sizeof(iv));
	return ret;
}

static bool srtp_key_sizes_ok(unsigned int key_len, unsigned int salt_len)
{
	return (key_len == 16 || key_len == 24 || key_len == 32) &&
	       (salt_len == 12 || salt_len == 14);
}

int srtp_kdf(const u8 *master_key, unsigned int key_len,
	     const u8 *master_salt, unsigned int salt_len, u8 label,
	     u8 *out, unsigned int out_len)
{
	struct srtp_prf *prf;
	int ret;

	if (!srtp_key_sizes_ok(key_len, salt_len))
		return -EINVAL;
	ret = srtp_prf_new(&prf, master_key, key_len);
	if (ret)
		return ret;
	ret = srtp_kdf_label(prf, master_salt, salt_len, label, out, out_len);
	srtp_prf_free(prf);
	return ret;
}

/* Labels of RFC 3711 4.3.2; SRTCP uses SRTP's plus 3. */
#define SRTP_LABEL_ENC		0
#define SRTP_LABEL_AUTH		1
#define SRTP_LABEL_SALT		2
#define SRTCP_LABEL_OFFSET	3

/* Derives the cipher, MAC and salt of SRTP (@rtcp false) or SRTCP. */
static int srtp_key_derive(struct srtp_key *k, struct srtp_prf *prf,
			   const struct srtp_suite_info *si,
			   const u8 *msalt, bool rtcp)
{
	u8 off = rtcp ? SRTCP_LABEL_OFFSET : 0;
	u8 *salt = rtcp ? k->rtcp_salt : k->rtp_salt;
	int ret;

	ret = srtp_kdf_label(prf, msalt, si->salt_len, SRTP_LABEL_ENC + off,
			     k->work, si->key_len);
	if (ret)
		return ret;
	if (si->aead)
		ret = srtp_gcm_new(rtcp ? &k->rtcp_gcm : &k->rtp_gcm,
				   k->work, si->key_len);
	else
		ret = srtp_aes_new(rtcp ? &k->rtcp_aes : &k->rtp_aes,
				   k->work, si->key_len);
	if (ret)
		return ret;
	if (!si->aead) {
		ret = srtp_kdf_label(prf, msalt, si->salt_len,
				     SRTP_LABEL_AUTH + off, k->work,
				     SRTP_HMAC_KEY_LEN);
		if (ret)
			return ret;
		ret = srtp_hmac_new(rtcp ? &k->rtcp_hmac : &k->rtp_hmac,
				    k->work, SRTP_HMAC_KEY_LEN);
		if (ret)
			return ret;
	}
	return srtp_kdf_label(prf, msalt, si->salt_len,
			      SRTP_LABEL_SALT + off, salt, si->salt_len);
}

void srtp_key_free(struct srtp_key *k)
{
	if (!k)
		return;
	if (k->rtp_aes)
		srtp_aes_free(k->rtp_aes);
	if (k->rtcp_aes)
		srtp_aes_free(k->rtcp_aes);
	if (k->rtp_hmac)
		srtp_hmac_free(k->rtp_hmac);
	if (k->rtcp_hmac)
		srtp_hmac_free(k->rtcp_hmac);
	if (k->rtp_gcm)
		srtp_gcm_free(k->rtp_gcm);
	if (k->rtcp_gcm)
		srtp_gcm_free(k->rtcp_gcm);
	srtp_zfree(k, sizeof(*k));
}

static struct srtp_key *srtp_key_err(struct srtp_key *k, int *err, int e,
				     enum srtp_reason *why,
				     enum srtp_reason r)
{
	srtp_key_free(k);
	*err = e;
	*why = r;
	return NULL;
}

struct srtp_key *srtp_key_new(enum srtp_suite suite,
			      const u8 *master_key, unsigned int key_len,
			      const u8 *master_salt, unsigned int salt_len,
			      const u8 *mki, unsigned int mki_len,
			      u64 lifetime, int *err, enum srtp_reason *why)
{
	const struct srtp_suite_info *si = srtp_suite_get(suite);
	struct srtp_prf *prf;
	struct srtp_key *k;
	int ret;

	if (!si || !master_key || !master_salt || key_len != si->key_len ||
	    salt_len != si->salt_len || mki_len > SRTP_CORE_MKI_MAX ||
	    (mki_len && !mki) || lifetime > SRTP_CORE_LIFETIME_MAX)
		return srtp_key_err(NULL, err, -EINVAL, why,
				    SRTP_R_BAD_PARAM);
	k = srtp_zalloc(sizeof(*k));
	if (!k)
		return srtp_key_err(NULL, err, -ENOMEM, why, SRTP_R_NOMEM);
	k->suite = suite;
	k->mki_len = mki_len;
	if (mki_len)
		memcpy(k->mki, mki, mki_len);
	k->lifetime = lifetime ? lifetime : SRTP_CORE_LIFETIME_MAX;

	ret = srtp_prf_new(&prf, master_key, key_len);
	if (ret)
		return srtp_key_err(k, err, ret, why, SRTP_R_CRYPTO);
	ret = srtp_key_derive(k, prf, si, master_salt, false);
	if (!ret)
		ret = srtp_key_derive(k, prf, si, master_salt, true);
	srtp_prf_free(prf);
	memzero_explicit(k->work, sizeof(k->work));
	if (ret)
		return srtp_key_err(k, err, ret, why, SRTP_R_CRYPTO);
	*err = 0;
	*why = SRTP_R_OK;
	return k;
}

static struct srtp_ctx *srtp_ctx_err(int *err, int e, enum srtp_reason *why,
				     enum srtp_reason r)
{
	*err = e;
	*why = r;
	return NULL;
}

struct srtp_ctx *srtp_ctx_new(const struct srtp_params *p, int *err,
			      enum srtp_reason *why)
{
	const u32 known = SRTP_F_UNENCRYPTED_SRTP | SRTP_F_UNENCRYPTED_SRTCP |
			  SRTP_F_UNAUTHENTICATED_SRTP;
	const struct srtp_suite_info *si = srtp_suite_get(p->suite);
	u32 window = p->window ? p->window : SRTP_CORE_WINDOW_DEFAULT;
	struct srtp_ctx *ctx;

	if (p->kdr)
		return srtp_ctx_err(err, -EOPNOTSUPP, why,
				    SRTP_R_KDR_UNSUPPORTED);
	if (!si || (p->flags & ~known) ||
	    (p->dir != SRTP_DIR_OUTBOUND && p->dir != SRTP_DIR_INBOUND) ||
	    window < SRTP_CORE_WINDOW_MIN || window > SRTP_CORE_WINDOW_MAX ||
	    p->mki_len > SRTP_CORE_MKI_MAX ||
	    p->srtcp_first_index > SRTP_CORE_SRTCP_INDEX_MAX)
		return srtp_ctx_err(err, -EINVAL, why, SRTP_R_BAD_PARAM);
	/* RFC 7714 defines no unencrypted or unauthenticated SRTP. */
	if (si->aead && (p->flags & (SRTP_F_UNENCRYPTED_SRTP |
				     SRTP_F_UNAUTHENTICATED_SRTP)))
		return srtp_ctx_err(err, -EOPNOTSUPP, why, SRTP_R_BAD_PARAM);
	ctx = srtp_zalloc(sizeof(*ctx));
	if (!ctx)
		return srtp_ctx_err(err, -ENOMEM, why, SRTP_R_NOMEM);
	ctx->si = si;
	ctx->p = *p;
	ctx->p.window = window;
	*err = 0;
	*why = SRTP_R_OK;
	return ctx;
}

/* The live key of index @index, or NULL. */
static struct srtp_key *srtp_ctx_key(const struct srtp_ctx *ctx, u32 index)
{
	if (index - ctx->first >= ctx->nkeys)
		return NULL;
	return ctx->keys[index % SRTP_CORE_KEYS_MAX];
}

static u32 srtp_key_index(const struct srtp_key *k)
{
	return k->gen - 1;
}

void srtp_ctx_free(struct srtp_ctx *ctx)
{
	unsigned int i;

	if (!ctx)
		return;
	for (i = 0; i < ctx->nkeys; i++)
		srtp_key_free(srtp_ctx_key(ctx, ctx->first + i));
	srtp_zfree(ctx, sizeof(*ctx));
}

int srtp_ctx_add_key(struct srtp_ctx *ctx, struct srtp_key *key,
		     enum srtp_reason *why)
{
	unsigned int i;

	if (!key || key->suite != ctx->p.suite ||
	    key->mki_len != ctx->p.mki_len)
		return srtp_fail(ctx, why, SRTP_R_BAD_PARAM, -EINVAL);
	if (ctx->nkeys >= SRTP_CORE_KEYS_MAX ||
	    ctx->key_gen >= SRTP_CORE_KEY_INDEX_MAX)
		return srtp_fail(ctx, why, SRTP_R_KEY_LIMIT, -ENOSPC);
	/*
	 * Without MKI there is nothing to compare: unprotect tells the
	 * active key and the next one apart by trying (srtp_rx_next_key()).
	 */
	for (i = 0; i < ctx->nkeys && key->mki_len; i++)
		if (!memcmp(srtp_ctx_key(ctx, ctx->first + i)->mki, key->mki,
			    key->mki_len))
			return srtp_fail(ctx, why, SRTP_R_BAD_PARAM, -EEXIST);
	key->gen = ++ctx->key_gen;
	ctx->keys[srtp_key_index(key) % SRTP_CORE_KEYS_MAX] = key;
	ctx->nkeys++;
	*why = SRTP_R_OK;
	return srtp_key_index(key);
}

struct srtp_key *srtp_ctx_reap_key(struct srtp_ctx *ctx)
{
	struct srtp_key *k;

	if (!ctx->nkeys || ctx->first >= ctx->active)
		return NULL;
	k = srtp_ctx_key(ctx, ctx->first);
	ctx->keys[ctx->first % SRTP_CORE_KEYS_MAX] = NULL;
	ctx->first++;
	ctx->nkeys--;
	return k;
}

u32 srtp_ctx_first_key(const struct srtp_ctx *ctx)
{
	return ctx->first;
}

unsigned int srtp_ctx_key_count(const struct srtp_ctx *ctx)
{
	return ctx->nkeys;
}

int srtp_ctx_key_info(const struct srtp_ctx *ctx, u32 index,
		      struct srtp_key_info *info)
{
	const struct srtp_key *k = srtp_ctx_key(ctx, index);

	if (!k)
		return -ENOENT;
	info->used = k->used;
	info->lifetime = k->lifetime;
	info->mki_len = k->mki_len;
	memcpy(info->mki, k->mki, k->mki_len);
	info->active = index == ctx->active;
	return 0;
}

/*
 * The words of a replay bitmap past a window of @window packets are not
 * kept up to date (srtp_replay_shift()); for a larger window they must
 * say "received", or indices behind the old window would look new.
 */
static void srtp_replay_widen(struct srtp_replay *r, u32 window)
{
	unsigned int w;

	if (!r->seen)
		return;
	for (w = (window + 63) / 64; w < SRTP_WORDS; w++)
		r->bits[w] = ~0ULL;
}

int srtp_ctx_inherit(struct srtp_ctx *dst, const struct srtp_ctx *src)
{
	u32 gen = dst->nkeys ? srtp_ctx_key(dst, dst->first)->gen : 1;
	unsigned int i;

	if (dst->p.dir != src->p.dir)
		return -EINVAL;
	dst->nssrc = src->nssrc;
	memcpy(dst->ssrc, src->ssrc, sizeof(dst->ssrc));
	memcpy(dst->retired, src->retired, sizeof(dst->retired));
	/* @src's key generations mean nothing here: its keys are gone. */
	for (i = 0; i < dst->nssrc; i++) {
		dst->ssrc[i].key_gen = gen;
		/* @src kept only its window's words: the rest counts as used. */
		srtp_replay_widen(&dst->ssrc[i].rtp, src->p.window);
		srtp_replay_widen(&dst->ssrc[i].rtcp, src->p.window);
	}
	for (i = 0; i < SRTP_CORE_SSRC_RETIRED_MAX; i++)
		dst->retired[i].key_gen = gen;
	dst->pin = src->pin;
	return 0;
}

void srtp_ctx_set_pin(struct srtp_ctx *ctx, bool pinned, u32 ssrc)
{
	ctx->pin = pinned ? SRTP_PIN_ON | ssrc : 0;
}

bool srtp_ctx_pin(const struct srtp_ctx *ctx, u32 *ssrc)
{
	*ssrc = (u32)ctx->pin;
	return ctx->pin != 0;
}

/*
 * Whether a pinned context refuses a packet of @ssrc: the first thing
 * the transforms check once they have the SSRC (srtp_ctx_set_pin()).
 */
static bool srtp_pin_refuses(const struct srtp_ctx *ctx, u32 ssrc)
{
	return ctx->pin && (u32)ctx->pin != ssrc;
}

int srtp_ctx_set_active_key(struct srtp_ctx *ctx, u32 index)
{
	if (!srtp_ctx_key(ctx, index))
		return -EINVAL;
	ctx->active = index;
	return 0;
}

u32 srtp_ctx_take_events(struct srtp_ctx *ctx, struct srtp_events *ev)
{
	u32 mask = ctx->events;

	if (ev) {
		ev->mask = mask;
		ev->soft_key = ctx->soft_key;
		ev->hard_key = ctx->hard_key;
		ev->active_key = ctx->active;
		ev->new_ssrc = ctx->new_ssrc;
	}
	ctx->events = 0;
	return mask;
}

u64 srtp_ctx_key_used(const struct srtp_ctx *ctx, u32 index)
{
	const struct srtp_key *k = srtp_ctx_key(ctx, index);

	return k ? k->used : 0;
}

u32 srtp_ctx_active_key(const struct srtp_ctx *ctx)
{
	return ctx->active;
}

u64 srtp_ctx_drops(const struct srtp_ctx *ctx, enum srtp_reason why)
{
	if ((unsigned int)why >= SRTP_R_COUNT)
		return 0;
	return ctx->drops[why];
}

/* ---- keys and lifetime ---- */

static bool srtp_key_spent(const struct srtp_key *k)
{
	return k->used >= k->lifetime;
}

/*
 * The key protect uses, or (no MKI) the key unprotect tries first.  A
 * spent key hands over to the next installed one without a gap.
 */
static struct srtp_key *srtp_active_key(struct srtp_ctx *ctx,
					enum srtp_reason *r)
{
	struct srtp_key *k = srtp_ctx_key(ctx, ctx->active), *next;

	if (!k) {
		*r = SRTP_R_NO_KEY;
		return NULL;
	}
	while (srtp_key_spent(k)) {
		next = srtp_ctx_key(ctx, ctx->active + 1);
		if (!next) {
			*r = SRTP_R_LIFETIME;
			return NULL;
		}
		ctx->active++;
		ctx->events |= SRTP_EV_KEY_SWITCH;
		k = next;
	}
	return k;
}

/* The key an inbound packet names by its MKI (not secret: memcmp). */
static struct srtp_key *srtp_rx_key(struct srtp_ctx *ctx, const u8 *mki,
				    enum srtp_reason *r)
{
	struct srtp_key *k;
	unsigned int i;

	if (!ctx->p.mki_len)
		return srtp_active_key(ctx, r);
	for (i = 0; i < ctx->nkeys; i++) {
		k = srtp_ctx_key(ctx, ctx->first + i);
		if (memcmp(k->mki, mki, ctx->p.mki_len))
			continue;
		if (srtp_key_spent(k)) {
			*r = SRTP_R_LIFETIME;
			return NULL;
		}
		return k;
	}
	*r = ctx->nkeys ? SRTP_R_UNKNOWN_MKI : SRTP_R_NO_KEY;
	return NULL;
}

/* Counts one packet on @k; soft event at half the lifetime, hard at it. */
static void srtp_key_use(struct srtp_ctx *ctx, struct srtp_key *k)
{
	k->used++;
	if (!k->soft_sent && k->used * 2 >= k->lifetime) {
		k->soft_sent = true;
		ctx->events |= SRTP_EV_SOFT_LIMIT;
		ctx->soft_key = srtp_key_index(k);
	}
	if (!k->hard_sent && k->used >= k->lifetime) {
		k->hard_sent = true;
		ctx->events |= SRTP_EV_HARD_LIMIT;
		ctx->hard_key = srtp_key_index(k);
	}
}

/*
 * Re-key without MKI.  The peer switches its sender to a new key at a
 * moment the receiver cannot know, and nothing in the packet names the
 * key.  So a packet that fails authentication with the active key is
 * tried once more with the key after it, if one is installed and not
 * spent: the only key a re-key can have moved to.  Returns that key or
 * NULL.  The second try costs one more authentication, only for packets
 * that fail with the active key while a next key is installed; for GCM,
 * every packet then also costs a copy (srtp_rx_keep()).
 */
static struct srtp_key *srtp_rx_next_key(struct srtp_ctx *ctx)
{
	struct srtp_key *next;

	if (ctx->p.mki_len)
		return NULL;
	next = srtp_ctx_key(ctx, ctx->active + 1);
	return next && !srtp_key_spent(next) ? next : NULL;
}

/*
 * Counts an accepted inbound packet on @k.  Without MKI, a packet that
 * authenticated with the next key (srtp_rx_next_key()) retires the
 * active one as a spent key would be: the active index moves forward,
 * the older key is no longer tried, and SRTP_EV_KEY_SWITCH is raised.
 * With MKI, a packet that names a newer key than the active one moves
 * the active index to it the same way: the peer has switched, and the
 * keys before it become reapable (srtp_ctx_reap_key()), though they are
 * still accepted until they are reaped.  This happens only here, once
 * the packet is accepted.
 */
static void srtp_rx_key_use(struct srtp_ctx *ctx, struct srtp_key *k)
{
	u32 index = srtp_key_index(k);

	if (index > ctx->active &&
	    (ctx->p.mki_len || index == ctx->active + 1)) {
		ctx->active = index;
		ctx->events |= SRTP_EV_KEY_SWITCH;
	}
	srtp_key_use(ctx, k);
}

/* ---- per-SSRC state ---- */

static bool srtp_ssrc_idle(const struct srtp_ssrc *st, u32 now)
{
	return now - st->last >= SRTP_CORE_SSRC_IDLE;
}

/* The live SSRC idle longest, if one is idle enough to retire, or -1. */
static int srtp_ssrc_victim(const struct srtp_ctx *ctx, u32 now)
{
	unsigned int i;
	int v = -1;

	for (i = 0; i < ctx->nssrc; i++) {
		if (!srtp_ssrc_idle(&ctx->ssrc[i], now))
			continue;
		if (v < 0 || now - ctx->ssrc[i].last > now - ctx->ssrc[v].last)
			v = i;
	}
	return v;
}

/*
 * The generation of the oldest key that may still process a packet:
 * retired SSRCs that used only older keys can be forgotten, since no
 * index of theirs can ever be accepted or sent again.
 */
static u32 srtp_oldest_live_gen(const struct srtp_ctx *ctx)
{
	const struct srtp_key *k;
	unsigned int i;

	for (i = 0; i < ctx->nkeys; i++) {
		k = srtp_ctx_key(ctx, ctx->first + i);
		if (!srtp_key_spent(k))
			return k->gen;
	}
	return ctx->key_gen + 1;
}

/* The retired slot of @ssrc, or -1. */
static int srtp_retired_find(const struct srtp_ctx *ctx, u32 ssrc)
{
	unsigned int i;

	for (i = 0; i < SRTP_CORE_SSRC_RETIRED_MAX; i++)
		if (ctx->retired[i].used && ctx->retired[i].ssrc == ssrc)
			return i;
	return -1;
}

/* A retired slot that is free or may be forgotten, or -1. */
static int srtp_retired_room(const struct srtp_ctx *ctx)
{
	u32 live = srtp_oldest_live_gen(ctx);
	unsigned int i;

	for (i = 0; i < SRTP_CORE_SSRC_RETIRED_MAX; i++)
		if (!ctx->retired[i].used || ctx->retired[i].key_gen < live)
			return i;
	return -1;
}

/*
 * Index state of a replay window of which everything up to @top counts
 * as used: a retired SSRC that comes back accepts (or sends) only newer
 * indices.
 */
static void srtp_replay_restore(struct srtp_replay *r, u64 top, bool seen)
{
	r->top = top;
	r->seen = seen;
	memset(r->bits, seen ? 0xff : 0, sizeof(r->bits));
}

static void srtp_ssrc_restore(struct srtp_ssrc *st,
			      const struct srtp_retired *t)
{
	st->rtcp_next = t->rtcp_next;
	st->key_gen = t->key_gen;
	srtp_replay_restore(&st->rtp, t->rtp_top, t->rtp_seen);
	srtp_replay_restore(&st->rtcp, t->rtcp_top, t->rtcp_seen);
}

static void srtp_ssrc_retire(struct srtp_retired *t,
			     const struct srtp_ssrc *st)
{
	t->ssrc = st->ssrc;
	t->rtcp_next = st->rtcp_next;
	t->key_gen = st->key_gen;
	t->rtp_top = st->rtp.top;
	t->rtp_seen = st->rtp.seen;
	t->rtcp_top = st->rtcp.top;
	t->rtcp_seen = st->rtcp.seen;
	t->used = true;
}

/*
 * The state of @ssrc, or the scratch state of a new SSRC, which is
 * admitted by srtp_ssrc_commit() only once a packet is accepted, so
 * forged packets cannot fill the table.  A new SSRC needs a free slot,
 * or an idle SSRC to retire and a retired slot to keep it in (srtp.h);
 * one that was retired before comes back with its index state.
 */
static struct srtp_ssrc *srtp_ssrc_get(struct srtp_ctx *ctx, u32 ssrc,
				       enum srtp_reason *r)
{
	int victim = -1, back;
	unsigned int i;

	for (i = 0; i < ctx->nssrc; i++)
		if (ctx->ssrc[i].ssrc == ssrc)
			return &ctx->ssrc[i];
	back = srtp_retired_find(ctx, ssrc);
	ctx->fresh_retired = back;
	if (ctx->nssrc >= SRTP_CORE_SSRC_MAX) {
		victim = srtp_ssrc_victim(ctx, srtp_now());
		if (victim >= 0 && back < 0)
			ctx->fresh_retired = srtp_retired_room(ctx);
		if (victim < 0 || ctx->fresh_retired < 0) {
			*r = SRTP_R_SSRC_LIMIT;
			return NULL;
		}
	}
	ctx->fresh_victim = victim;
	memset(&ctx->fresh, 0, sizeof(ctx->fresh));
	ctx->fresh.ssrc = ssrc;
	ctx->fresh.rtcp_next = ctx->p.srtcp_first_index;
	if (back >= 0)
		srtp_ssrc_restore(&ctx->fresh, &ctx->retired[back]);
	return &ctx->fresh;
}

/* A packet of @st was accepted with @k: admit a new SSRC, note the use. */
static struct srtp_ssrc *srtp_ssrc_commit(struct srtp_ctx *ctx,
					  struct srtp_ssrc *st,
					  const struct srtp_key *k)
{
	if (st == &ctx->fresh) {
		ctx->events |= SRTP_EV_NEW_SSRC;
		ctx->new_ssrc = st->ssrc;
		if (ctx->fresh_victim >= 0) {
			st = &ctx->ssrc[ctx->fresh_victim];
			srtp_ssrc_retire(&ctx->retired[ctx->fresh_retired],
					 st);
		} else {
			st = &ctx->ssrc[ctx->nssrc++];
			if (ctx->fresh_retired >= 0)
				ctx->retired[ctx->fresh_retired].used = false;
		}
		*st = ctx->fresh;
	}
	st->last = srtp_now();
	if (k->gen > st->key_gen)
		st->key_gen = k->gen;
	return st;
}

/* ---- replay window and index estimation ---- */

/* RFC 3711 Appendix A; the ROC never goes below 0 (see srtp-core.md). */
static u64 srtp_guess_index(const struct srtp_replay *r, u16 seq)
{
	u64 roc = r->top >> 16;
	u32 s_l = r->top & 0xffff;

	if (!r->seen)
		return seq;
	if (s_l < 32768) {
		if ((u32)seq > s_l + 32768 && roc > 0)
			roc--;
	} else if (s_l - 32768 > seq) {
		roc++;
	}
	return roc << 16 | seq;
}

static enum srtp_reason srtp_replay_check(const struct srtp_replay *r,
					  u32 window, u64 idx)
{
	u64 d;

	if (!r->seen || idx > r->top)
		return SRTP_R_OK;
	d = r->top - idx;
	if (d >= window)
		return SRTP_R_TOO_OLD;
	if ((r->bits[d / 64] >> (d % 64)) & 1)
		return SRTP_R_REPLAY;
	return SRTP_R_OK;
}

/*
 * Moves every bit @n positions older.  Only the @nwords words that hold
 * the replay window are kept up to date: srtp_replay_check() never looks
 * past the window, and a default window is 2 words of the 16.
 */
static void srtp_replay_shift(struct srtp_replay *r, u64 n,
			      unsigned int nwords)
{
	unsigned int w, b, i;

	if (n >= (u64)nwords * 64) {
		memset(r->bits, 0, nwords * sizeof(r->bits[0]));
		return;
	}
	w = n / 64;
	b = n % 64;
	for (i = nwords; i-- > 0;) {
		u64 v = 0;

		if (i >= w) {
			v = r->bits[i - w] << b;
			if (b && i > w)
				v |= r->bits[i - w - 1] >> (64 - b);
		}
		r->bits[i] = v;
	}
}

static void srtp_replay_add(struct srtp_replay *r, u64 idx, u32 window)
{
	unsigned int nwords = (window + 63) / 64;
	u64 d;

	if (!r->seen || idx > r->top) {
		if (r->seen)
			srtp_replay_shift(r, idx - r->top, nwords);
		else
			memset(r->bits, 0, sizeof(r->bits));
		r->top = idx;
		r->seen = true;
		r->bits[0] |= 1;
		return;
	}
	d = r->top - idx;
	r->bits[d / 64] |= 1ULL << (d % 64);
}

/* ---- header parsing ---- */

/* Checks V, CC and X against @len and returns the header length. */
static enum srtp_reason srtp_rtp_parse(const u8 *buf, unsigned int len,
				       unsigned int *hdr_len)
{
	unsigned int h;

	if (len < RTP_MIN_HDR)
		return SRTP_R_TOO_SHORT;
	if ((buf[0] >> 6) != 2)
		return SRTP_R_BAD_VERSION;
	h = RTP_MIN_HDR + 4 * (buf[0] & 0x0f);
	if (h > len)
		return SRTP_R_BAD_CSRC;
	if (buf[0] & 0x10) {
		if (len - h < 4)
			return SRTP_R_BAD_EXT;
		h += 4 + 4 * srtp_be16(buf + h + 2);
		if (h > len)
			return SRTP_R_BAD_EXT;
	}
	*hdr_len = h;
	return SRTP_R_OK;
}

/* P bit: the last byte counts the padding, 1..payload length. */
static bool srtp_rtp_padding_ok(const u8 *buf, unsigned int len,
				unsigned int hdr)
{
	u8 pad;

	if (!(buf[0] & 0x20))
		return true;
	if (len == hdr)
		return false;
	pad = buf[len - 1];
	return pad >= 1 && pad <= len - hdr;
}

/* The fixed part of the first RTCP header, readable even when encrypted. */
static enum srtp_reason srtp_rtcp_head(const u8 *buf, unsigned int len)
{
	if (len < RTCP_HDR)
		return SRTP_R_TOO_SHORT;
	if ((buf[0] >> 6) != 2)
		return SRTP_R_BAD_VERSION;
	if (!srtp_is_rtcp(buf, len))
		return SRTP_R_BAD_RTCP;
	return SRTP_R_OK;
}

/*
 * A compound RTCP packet: each part version 2, an RTCP type, a length
 * inside the packet; the parts add up to @len exactly; only the last
 * part may be padded.
 */
static enum srtp_reason srtp_rtcp_parse(const u8 *buf, unsigned int len)
{
	enum srtp_reason r = srtp_rtcp_head(buf, len);
	unsigned int off = 0, plen;

	if (r)
		return r;
	while (off < len) {
		if (len - off < 4)
			return SRTP_R_BAD_RTCP;
		if ((buf[off] >> 6) != 2)
			return SRTP_R_BAD_VERSION;
		if (!srtp_is_rtcp(buf + off, len - off))
			return SRTP_R_BAD_RTCP;
		plen = 4 * (srtp_be16(buf + off + 2) + 1);
		if (plen > len - off || (off == 0 && plen < RTCP_HDR))
			return SRTP_R_BAD_RTCP;
		if (buf[off] & 0x20) {
			if (off + plen != len || !buf[len - 1] ||
			    buf[len - 1] > plen - 4)
				return SRTP_R_BAD_PADDING;
		}
		off += plen;
	}
	return SRTP_R_OK;
}

/* ---- SRTP ---- */

static unsigned int srtp_rtp_tag_len(const struct srtp_ctx *ctx)
{
	if (ctx->p.flags & SRTP_F_UNAUTHENTICATED_SRTP)
		return 0;
	return ctx->si->srtp_tag_len;
}

/*
 * AES-CM: payload keystream, then HMAC over packet || ROC.  The ROC and
 * the MAC are on the stack: the HMAC takes virtual addresses, no
 * scatterlist (srtp_crypto.h).
 */
static int srtp_rtp_seal_cm(const struct srtp_ctx *ctx, struct srtp_key *k,
			    u8 *buf, unsigned int len, unsigned int hdr,
			    u32 ssrc, u64 idx)
{
	unsigned int tag_len = srtp_rtp_tag_len(ctx);
	u8 mac[SRTP_HMAC_LEN];
	u8 iv[16], roc[4];
	int ret;

	if (!(ctx->p.flags & SRTP_F_UNENCRYPTED_SRTP)) {
		srtp_cm_iv(iv, k->rtp_salt, ssrc, idx);
		ret = srtp_aes_ctr(k->rtp_aes, iv, buf + hdr, len - hdr);
		if (ret)
			return ret;
	}
	memcpy(buf + len, k->mki, k->mki_len);
	if (!tag_len)
		return 0;
	srtp_put_be32(roc, idx >> 16);
	ret = srtp_hmac_sha1(k->rtp_hmac, buf, len, roc, 4, mac);
	if (ret)
		return ret;
	memcpy(buf + len + k->mki_len, mac, tag_len);
	return 0;
}

/* RFC 7714 8: header is AAD, tag follows the payload, then the MKI. */
static int srtp_rtp_seal_gcm(struct srtp_key *k, u8 *buf, unsigned int len,
			     unsigned int hdr, u32 ssrc, u64 idx)
{
	u8 iv[12];
	int ret;

	srtp_gcm_rtp_iv(iv, k->rtp_salt, ssrc, idx >> 16, idx & 0xffff);
	ret = srtp_gcm_encrypt(k->rtp_gcm, iv, buf, hdr, buf + hdr,
			       len - hdr, buf + len);
	if (ret)
		return ret;
	memcpy(buf + len + SRTP_GCM_TAG_LEN, k->mki, k->mki_len);
	return 0;
}

/*
 * The end of protect's first step, once the packet has an SSRC state
 * @st, a key @k and an index @idx: with room for its @trailer, the
 * packet is reserved (srtp.h): the SSRC admitted, the index marked sent
 * (SRTP: in the window of sent indices; SRTCP: the next index moved
 * past it) and the key's use counted.
 */
static int srtp_tx_reserve(struct srtp_ctx *ctx, struct srtp_pkt *pkt,
			   struct srtp_ssrc *st, struct srtp_key *k, u64 idx,
			   unsigned int room, unsigned int trailer,
			   enum srtp_reason *why)
{
	if (room < pkt->len || room - pkt->len < trailer)
		return srtp_fail(ctx, why, SRTP_R_NO_ROOM, -ENOSPC);
	st = srtp_ssrc_commit(ctx, st, k);
	if (pkt->rtcp)
		st->rtcp_next = (u32)idx + 1;
	else
		srtp_replay_add(&st->rtp, idx, ctx->p.window);
	srtp_key_use(ctx, k);
	pkt->key = k;
	pkt->index = idx;
	pkt->out = pkt->len + trailer;
	return 0;
}

/*
 * Protect's first step: every check, then the reservation (srtp.h): the
 * SSRC is admitted, the index marked sent and the key's use counted
 * before the crypto, so that no packet in flight beside this one can get
 * the same index, and no key is used past its lifetime.
 */
static int srtp_rtp_protect_begin(struct srtp_ctx *ctx, struct srtp_pkt *pkt,
				  unsigned int room, enum srtp_reason *why)
{
	enum srtp_reason r = SRTP_R_OK;
	const u8 *buf = pkt->buf;
	unsigned int trailer;
	struct srtp_ssrc *st;
	struct srtp_key *k;
	u64 idx;

	r = srtp_rtp_parse(buf, pkt->len, &pkt->hdr);
	if (r)
		return srtp_fail(ctx, why, r, -EINVAL);
	if (!srtp_rtp_padding_ok(buf, pkt->len, pkt->hdr))
		return srtp_fail(ctx, why, SRTP_R_BAD_PADDING, -EINVAL);
	pkt->ssrc = srtp_be32(buf + 8);
	if (srtp_pin_refuses(ctx, pkt->ssrc))
		return srtp_fail(ctx, why, SRTP_R_SSRC_PIN, -EPERM);
	st = srtp_ssrc_get(ctx, pkt->ssrc, &r);
	if (!st)
		return srtp_fail(ctx, why, r, -ENOBUFS);
	idx = srtp_guess_index(&st->rtp, srtp_be16(buf + 2));
	if (idx >= SRTP_CORE_LIFETIME_MAX)
		return srtp_fail(ctx, why, SRTP_R_INDEX_LIMIT, -EOVERFLOW);
	/* An index sent before would repeat its keystream (GCM: nonce). */
	if (srtp_replay_check(&st->rtp, ctx->p.window, idx))
		return srtp_fail(ctx, why, SRTP_R_TX_REPLAY, -EALREADY);
	k = srtp_active_key(ctx, &r);
	if (!k)
		return srtp_fail(ctx, why, r, -EKEYEXPIRED);
	trailer = ctx->p.mki_len + (ctx->si->aead ? SRTP_GCM_TAG_LEN :
				    srtp_rtp_tag_len(ctx));
	return srtp_tx_reserve(ctx, pkt, st, k, idx, room, trailer, why);
}

/*
 * Protect's crypto.  A failure or a queued request (-EINPROGRESS: the
 * packet is lost) leaves the reservation as it is: the index was used
 * with the key, and is spent like a sent one.
 */
static void srtp_rtp_seal(const struct srtp_ctx *ctx, struct srtp_pkt *pkt)
{
	if (ctx->si->aead)
		pkt->err = srtp_rtp_seal_gcm(pkt->key, pkt->buf, pkt->len,
					     pkt->hdr, pkt->ssrc, pkt->index);
	else
		pkt->err = srtp_rtp_seal_cm(ctx, pkt->key, pkt->buf, pkt->len,
					    pkt->hdr, pkt->ssrc, pkt->index);
	if (pkt->err)
		pkt->r = srtp_crypto_reason(pkt->err);
}

/* Verifies and decrypts buf[0..plen); the tag follows the MKI. */
static enum srtp_reason srtp_rtp_open_cm(const struct srtp_ctx *ctx,
					 struct srtp_key *k, u8 *buf,
					 unsigned int plen, unsigned int hdr,
					 u32 ssrc, u64 idx)
{
	unsigned int tag_len = srtp_rtp_tag_len(ctx);
	const u8 *tag = buf + plen + ctx->p.mki_len;
	u8 mac[SRTP_HMAC_LEN];
	u8 iv[16], roc[4];
	int ret;

	if (tag_len) {
		srtp_put_be32(roc, idx >> 16);
		if (srtp_hmac_sha1(k->rtp_hmac, buf, plen, roc, 4, mac))
			return SRTP_R_CRYPTO;
		if (crypto_memneq(mac, tag, tag_len))
			return SRTP_R_AUTH_FAIL;
	}
	if (!(ctx->p.flags & SRTP_F_UNENCRYPTED_SRTP)) {
		srtp_cm_iv(iv, k->rtp_salt, ssrc, idx);
		ret = srtp_aes_ctr(k->rtp_aes, iv, buf + hdr, plen - hdr);
		if (ret)
			return srtp_crypto_reason(ret);
	}
	return SRTP_R_OK;
}

static enum srtp_reason srtp_rtp_open_gcm(struct srtp_key *k, u8 *buf,
					  unsigned int plen, unsigned int hdr,
					  u32 ssrc, u64 idx)
{
	u8 iv[12];
	int ret;

	srtp_gcm_rtp_iv(iv, k->rtp_salt, ssrc, idx >> 16, idx & 0xffff);
	ret = srtp_gcm_decrypt(k->rtp_gcm, iv, buf, hdr, buf + hdr,
			       plen - hdr, buf + plen);
	if (ret == -EBADMSG)
		return SRTP_R_AUTH_FAIL;
	return ret ? srtp_crypto_reason(ret) : SRTP_R_OK;
}

/*
 * Keeps the packet for a second try.  Without MKI, a packet that fails
 * authentication with the active key is tried with the next key
 * (srtp_rx_next_key()).  AES-CM verifies the HMAC before it decrypts, so
 * a failed try has only read the packet.  GCM decrypts in place, and
 * after -EBADMSG srtp_crypto.h promises nothing about the buffer: so
 * when a second try is possible, the whole packet (header or AAD,
 * payload, tag, SRTCP trailer: everything a try is given) is copied to
 * the backend's scratch buffer first, and copied back before the second
 * try.  The copy is ciphertext, public, and needs no wipe.  Returns
 * SRTP_R_CRYPTO if the backend has no scratch buffer for @len bytes.
 */
static enum srtp_reason srtp_rx_keep(const struct srtp_ctx *ctx,
				     const struct srtp_key *next,
				     const u8 *buf, unsigned int len,
				     u8 **copy)
{
	*copy = NULL;
	if (!next || !ctx->si->aead)
		return SRTP_R_OK;
	*copy = srtp_scratch(len);
	if (!*copy)
		return SRTP_R_CRYPTO;
	memcpy(*copy, buf, len);
	return SRTP_R_OK;
}

static enum srtp_reason srtp_rtp_open(const struct srtp_ctx *ctx,
				      struct srtp_key *k,
				      const struct srtp_pkt *pkt)
{
	if (ctx->si->aead)
		return srtp_rtp_open_gcm(k, pkt->buf, pkt->plen, pkt->hdr,
					 pkt->ssrc, pkt->index);
	return srtp_rtp_open_cm(ctx, k, pkt->buf, pkt->plen, pkt->hdr,
				pkt->ssrc, pkt->index);
}

static int srtp_errno(enum srtp_reason r)
{
	switch (r) {
	case SRTP_R_AUTH_FAIL:
		return -EBADMSG;
	case SRTP_R_REPLAY:
	case SRTP_R_TOO_OLD:
		return -EALREADY;
	case SRTP_R_UNKNOWN_MKI:
	case SRTP_R_NO_KEY:
		return -ENOKEY;
	case SRTP_R_LIFETIME:
		return -EKEYEXPIRED;
	case SRTP_R_INDEX_LIMIT:
		return -EOVERFLOW;
	case SRTP_R_SSRC_LIMIT:
		return -ENOBUFS;
	case SRTP_R_SSRC_PIN:
		return -EPERM;
	case SRTP_R_CRYPTO:
		return -EIO;
	case SRTP_R_ASYNC:
		return -EINPROGRESS;
	default:
		return -EINVAL;
	}
}

/*
 * Unprotect's first step: the checks that need no crypto, so that a
 * replayed or unknown packet costs none.  The key is chosen here, and the
 * key a failed authentication is tried with next; nothing is reserved:
 * the state moves in srtp_rx_accept(), once the packet authenticated.
 */
static int srtp_rtp_unprotect_begin(struct srtp_ctx *ctx,
				    struct srtp_pkt *pkt,
				    enum srtp_reason *why)
{
	unsigned int mki_len = ctx->p.mki_len, tag_len;
	enum srtp_reason r = SRTP_R_OK;
	const u8 *buf = pkt->buf;
	struct srtp_ssrc *st;

	tag_len = ctx->si->aead ? SRTP_GCM_TAG_LEN : srtp_rtp_tag_len(ctx);
	if (pkt->len < RTP_MIN_HDR + tag_len + mki_len)
		return srtp_fail(ctx, why, SRTP_R_TOO_SHORT, -EINVAL);
	pkt->plen = pkt->len - tag_len - mki_len;
	r = srtp_rtp_parse(buf, pkt->plen, &pkt->hdr);
	if (r)
		return srtp_fail(ctx, why, r, -EINVAL);
	/* Before the key: srtp_rx_key() may move past a spent one. */
	pkt->ssrc = srtp_be32(buf + 8);
	if (srtp_pin_refuses(ctx, pkt->ssrc))
		return srtp_fail(ctx, why, SRTP_R_SSRC_PIN, -EPERM);
	/* CM: packet | MKI | tag.  GCM: packet+tag | MKI. */
	pkt->key = srtp_rx_key(ctx, buf + pkt->plen +
			       (ctx->si->aead ? tag_len : 0), &r);
	if (!pkt->key)
		return srtp_fail(ctx, why, r, srtp_errno(r));
	st = srtp_ssrc_get(ctx, pkt->ssrc, &r);
	if (!st)
		return srtp_fail(ctx, why, r, srtp_errno(r));
	pkt->index = srtp_guess_index(&st->rtp, srtp_be16(buf + 2));
	if (pkt->index >= SRTP_CORE_LIFETIME_MAX)
		return srtp_fail(ctx, why, SRTP_R_INDEX_LIMIT, -EOVERFLOW);
	r = srtp_replay_check(&st->rtp, ctx->p.window, pkt->index);
	if (r)
		return srtp_fail(ctx, why, r, srtp_errno(r));
	pkt->next = srtp_rx_next_key(ctx);
	pkt->out = pkt->plen;
	return 0;
}

/* ---- SRTCP ---- */

static bool srtp_rtcp_encrypts(const struct srtp_ctx *ctx)
{
	return !(ctx->p.flags & SRTP_F_UNENCRYPTED_SRTCP);
}

/* RFC 3711 3.4: packet | E||index | MKI | tag; tag over packet||E||index. */
static int srtp_rtcp_seal_cm(const struct srtp_ctx *ctx, struct srtp_key *k,
			     u8 *buf, unsigned int len, u32 ssrc, u32 idx)
{
	u8 mac[SRTP_HMAC_LEN];
	u8 iv[16];
	int ret;

	if (srtp_rtcp_encrypts(ctx)) {
		srtp_cm_iv(iv, k->rtcp_salt, ssrc, idx);
		ret = srtp_aes_ctr(k->rtcp_aes, iv, buf + RTCP_HDR,
				   len - RTCP_HDR);
		if (ret)
			return ret;
		idx |= SRTCP_E_FLAG;
	}
	srtp_put_be32(buf + len, idx);
	memcpy(buf + len + 4, k->mki, k->mki_len);
	ret = srtp_hmac_sha1(k->rtcp_hmac, buf, len + 4, NULL, 0, mac);
	if (ret)
		return ret;
	memcpy(buf + len + 4 + k->mki_len, mac, ctx->si->srtcp_tag_len);
	return 0;
}

/*
 * RFC 7714 9: packet | tag | E||index | MKI.  Encrypted: the AAD is the
 * 8 byte header and E||index, gathered on the stack (the backend copies
 * an AAD that short, srtp_crypto.h).  Not encrypted: the AAD is the
 * whole packet and E||index, made contiguous by writing E||index where
 * the tag goes, then moving it behind the tag.
 */
static int srtp_rtcp_seal_gcm(const struct srtp_ctx *ctx, struct srtp_key *k,
			      u8 *buf, unsigned int len, u32 ssrc, u32 idx)
{
	u8 *word = buf + len + SRTP_GCM_TAG_LEN;
	u8 aad[RTCP_HDR + 4], tag[SRTP_GCM_TAG_LEN];
	u8 iv[12];
	int ret;

	srtp_gcm_rtcp_iv(iv, k->rtcp_salt, ssrc, idx);
	if (srtp_rtcp_encrypts(ctx)) {
		memcpy(aad, buf, RTCP_HDR);
		srtp_put_be32(aad + RTCP_HDR, idx | SRTCP_E_FLAG);
		ret = srtp_gcm_encrypt(k->rtcp_gcm, iv, aad, sizeof(aad),
				       buf + RTCP_HDR, len - RTCP_HDR,
				       buf + len);
		if (ret)
			return ret;
		srtp_put_be32(word, idx | SRTCP_E_FLAG);
	} else {
		srtp_put_be32(buf + len, idx);
		ret = srtp_gcm_encrypt(k->rtcp_gcm, iv, buf, len + 4,
				       buf + len + 4, 0, tag);
		if (ret)
			return ret;
		memcpy(buf + len, tag, SRTP_GCM_TAG_LEN);
		srtp_put_be32(word, idx);
	}
	memcpy(word + 4, k->mki, k->mki_len);
	return 0;
}

static unsigned int srtp_rtcp_trailer(const struct srtp_ctx *ctx)
{
	return 4 + ctx->p.mki_len + ctx->si->srtcp_tag_len;
}

/* As srtp_rtp_protect_begin(): the SRTCP index is reserved. */
static int srtp_rtcp_protect_begin(struct srtp_ctx *ctx, struct srtp_pkt *pkt,
				   unsigned int room, enum srtp_reason *why)
{
	unsigned int trailer = srtp_rtcp_trailer(ctx);
	enum srtp_reason r = SRTP_R_OK;
	struct srtp_ssrc *st;
	struct srtp_key *k;
	u32 idx;

	r = srtp_rtcp_parse(pkt->buf, pkt->len);
	if (r)
		return srtp_fail(ctx, why, r, -EINVAL);
	pkt->ssrc = srtp_be32(pkt->buf + 4);
	if (srtp_pin_refuses(ctx, pkt->ssrc))
		return srtp_fail(ctx, why, SRTP_R_SSRC_PIN, -EPERM);
	st = srtp_ssrc_get(ctx, pkt->ssrc, &r);
	if (!st)
		return srtp_fail(ctx, why, r, -ENOBUFS);
	idx = st->rtcp_next;
	if (idx > SRTP_CORE_SRTCP_INDEX_MAX)
		return srtp_fail(ctx, why, SRTP_R_INDEX_LIMIT, -EOVERFLOW);
	k = srtp_active_key(ctx, &r);
	if (!k)
		return srtp_fail(ctx, why, r, -EKEYEXPIRED);
	return srtp_tx_reserve(ctx, pkt, st, k, idx, room, trailer, why);
}

static void srtp_rtcp_seal(const struct srtp_ctx *ctx, struct srtp_pkt *pkt)
{
	if (ctx->si->aead)
		pkt->err = srtp_rtcp_seal_gcm(ctx, pkt->key, pkt->buf,
					      pkt->len, pkt->ssrc, pkt->index);
	else
		pkt->err = srtp_rtcp_seal_cm(ctx, pkt->key, pkt->buf,
					     pkt->len, pkt->ssrc, pkt->index);
	if (pkt->err)
		pkt->r = srtp_crypto_reason(pkt->err);
}

static enum srtp_reason srtp_rtcp_open_cm(const struct srtp_ctx *ctx,
					  struct srtp_key *k, u8 *buf,
					  unsigned int plen, u32 ssrc,
					  u32 word)
{
	const u8 *tag = buf + plen + 4 + ctx->p.mki_len;
	u8 mac[SRTP_HMAC_LEN];
	u8 iv[16];
	int ret;

	if (srtp_hmac_sha1(k->rtcp_hmac, buf, plen + 4, NULL, 0, mac))
		return SRTP_R_CRYPTO;
	if (crypto_memneq(mac, tag, ctx->si->srtcp_tag_len))
		return SRTP_R_AUTH_FAIL;
	if (word & SRTCP_E_FLAG) {
		srtp_cm_iv(iv, k->rtcp_salt, ssrc,
			   word & SRTP_CORE_SRTCP_INDEX_MAX);
		ret = srtp_aes_ctr(k->rtcp_aes, iv, buf + RTCP_HDR,
				   plen - RTCP_HDR);
		if (ret)
			return srtp_crypto_reason(ret);
	}
	return SRTP_R_OK;
}

/* See srtp_rtcp_seal_gcm(); @plen excludes tag, E||index and MKI. */
static enum srtp_reason srtp_rtcp_open_gcm(struct srtp_key *k, u8 *buf,
					   unsigned int plen, u32 ssrc,
					   u32 word)
{
	u8 aad[RTCP_HDR + 4], tag[SRTP_GCM_TAG_LEN];
	u8 *wire_tag = buf + plen;
	u8 iv[12];
	int ret;

	srtp_gcm_rtcp_iv(iv, k->rtcp_salt, ssrc, word);
	if (word & SRTCP_E_FLAG) {
		memcpy(aad, buf, RTCP_HDR);
		srtp_put_be32(aad + RTCP_HDR, word);
		ret = srtp_gcm_decrypt(k->rtcp_gcm, iv, aad, sizeof(aad),
				       buf + RTCP_HDR, plen - RTCP_HDR,
				       wire_tag);
	} else {
		memcpy(tag, wire_tag, SRTP_GCM_TAG_LEN);
		srtp_put_be32(buf + plen, word);
		ret = srtp_gcm_decrypt(k->rtcp_gcm, iv, buf, plen + 4,
				       buf + plen + 4, 0, tag);
		/* Queued: the packet is the request's now. */
		if (ret == -EINPROGRESS)
			return SRTP_R_ASYNC;
		memcpy(wire_tag, tag, SRTP_GCM_TAG_LEN);
	}
	if (ret == -EBADMSG)
		return SRTP_R_AUTH_FAIL;
	return ret ? srtp_crypto_reason(ret) : SRTP_R_OK;
}

static enum srtp_reason srtp_rtcp_open(const struct srtp_ctx *ctx,
				       struct srtp_key *k,
				       const struct srtp_pkt *pkt)
{
	if (ctx->si->aead)
		return srtp_rtcp_open_gcm(k, pkt->buf, pkt->plen, pkt->ssrc,
					  pkt->index);
	return srtp_rtcp_open_cm(ctx, k, pkt->buf, pkt->plen, pkt->ssrc,
				 pkt->index);
}

/* As srtp_rtp_unprotect_begin(); pkt->index is the E||index word. */
static int srtp_rtcp_unprotect_begin(struct srtp_ctx *ctx,
				     struct srtp_pkt *pkt,
				     enum srtp_reason *why)
{
	unsigned int trailer = srtp_rtcp_trailer(ctx), word_off;
	enum srtp_reason r = SRTP_R_OK;
	const u8 *buf = pkt->buf;
	struct srtp_ssrc *st;
	u32 word;

	if (pkt->len < RTCP_HDR + trailer)
		return srtp_fail(ctx, why, SRTP_R_TOO_SHORT, -EINVAL);
	pkt->plen = pkt->len - trailer;
	r = srtp_rtcp_head(buf, pkt->plen);
	if (r)
		return srtp_fail(ctx, why, r, -EINVAL);
	/* The sender SSRC is in the clear, in the first 8 bytes. */
	pkt->ssrc = srtp_be32(buf + 4);
	if (srtp_pin_refuses(ctx, pkt->ssrc))
		return srtp_fail(ctx, why, SRTP_R_SSRC_PIN, -EPERM);
	/* CM: packet | E||index | MKI | tag.  GCM: packet | tag | E||index | MKI. */
	word_off = pkt->plen + (ctx->si->aead ? SRTP_GCM_TAG_LEN : 0);
	word = srtp_be32(buf + word_off);
	if (!(word & SRTCP_E_FLAG) != !srtp_rtcp_encrypts(ctx))
		return srtp_fail(ctx, why, SRTP_R_BAD_E_BIT, -EINVAL);
	pkt->key = srtp_rx_key(ctx, buf + word_off + 4, &r);
	if (!pkt->key)
		return srtp_fail(ctx, why, r, srtp_errno(r));
	st = srtp_ssrc_get(ctx, pkt->ssrc, &r);
	if (!st)
		return srtp_fail(ctx, why, r, srtp_errno(r));
	r = srtp_replay_check(&st->rtcp, ctx->p.window,
			      word & SRTP_CORE_SRTCP_INDEX_MAX);
	if (r)
		return srtp_fail(ctx, why, r, srtp_errno(r));
	pkt->index = word;
	pkt->next = srtp_rx_next_key(ctx);
	pkt->out = pkt->plen;
	return 0;
}

/* ---- the three steps ---- */

int srtp_begin(struct srtp_ctx *ctx, struct srtp_pkt *pkt, bool rtcp,
	       u8 *buf, unsigned int len, unsigned int room,
	       enum srtp_reason *why)
{
	pkt->buf = buf;
	pkt->len = len;
	pkt->rtcp = rtcp;
	pkt->next = NULL;
	pkt->err = 0;
	pkt->r = SRTP_R_OK;
	if (ctx->p.dir == SRTP_DIR_OUTBOUND)
		return rtcp ? srtp_rtcp_protect_begin(ctx, pkt, room, why) :
			      srtp_rtp_protect_begin(ctx, pkt, room, why);
	return rtcp ? srtp_rtcp_unprotect_begin(ctx, pkt, why) :
		      srtp_rtp_unprotect_begin(ctx, pkt, why);
}

/*
 * Unprotect's crypto: the packet opened (srtp_rtp_open(), srtp_rtcp_open())
 * with the key srtp_begin() chose and, without MKI, when that fails
 * authentication, with the next key (srtp_rx_next_key()); pkt->key is
 * then the key that opened the packet.  For GCM the packet (all pkt->len
 * bytes) is kept before the first try and put back before the second
 * (srtp_rx_keep()); for SRTCP with E=0 too: that try decrypts nothing,
 * but it is given the whole packet as AAD.  Without a tag
 * (UNAUTHENTICATED_SRTP) nothing can fail, so there is no second try.  A
 * packet that fails with both keys is one AUTH_FAIL.
 */
static enum srtp_reason srtp_open(const struct srtp_ctx *ctx,
				  struct srtp_key *k,
				  const struct srtp_pkt *pkt)
{
	if (pkt->rtcp)
		return srtp_rtcp_open(ctx, k, pkt);
	return srtp_rtp_open(ctx, k, pkt);
}

static enum srtp_reason srtp_open_rx(const struct srtp_ctx *ctx,
				     struct srtp_pkt *pkt)
{
	enum srtp_reason r;
	u8 *copy;

	r = srtp_rx_keep(ctx, pkt->next, pkt->buf, pkt->len, &copy);
	if (r)
		return r;
	r = srtp_open(ctx, pkt->key, pkt);
	if (r != SRTP_R_AUTH_FAIL || !pkt->next)
		return r;
	if (copy)
		memcpy(pkt->buf, copy, pkt->len);
	r = srtp_open(ctx, pkt->next, pkt);
	if (!r)
		pkt->key = pkt->next;
	return r;
}

/* The decrypted packet is checked as protect checked it. */
static void srtp_open_pkt(const struct srtp_ctx *ctx, struct srtp_pkt *pkt)
{
	pkt->r = srtp_open_rx(ctx, pkt);
	if (!pkt->r && pkt->rtcp)
		pkt->r = srtp_rtcp_parse(pkt->buf, pkt->plen);
	else if (!pkt->r && !srtp_rtp_padding_ok(pkt->buf, pkt->plen, pkt->hdr))
		pkt->r = SRTP_R_BAD_PADDING;
	if (pkt->r)
		pkt->err = srtp_errno(pkt->r);
}

void srtp_crypt(const struct srtp_ctx *ctx, struct srtp_pkt *pkt)
{
	if (ctx->p.dir == SRTP_DIR_INBOUND)
		srtp_open_pkt(ctx, pkt);
	else if (pkt->rtcp)
		srtp_rtcp_seal(ctx, pkt);
	else
		srtp_rtp_seal(ctx, pkt);
}

/*
 * An authenticated inbound packet: now, and only now, the state moves.
 * Other packets may have moved it since srtp_begin(): the replay window
 * is checked again (two copies of one packet in flight at once: the
 * second is a replay), and a key spent meanwhile accepts no more.  The
 * SSRC is looked up again (a new one may have found its slot taken).
 * The index needs no second guess: the one the packet authenticated
 * with is the packet's.
 */
static int srtp_rx_accept(struct srtp_ctx *ctx, struct srtp_pkt *pkt,
			  enum srtp_reason *why)
{
	u64 idx = pkt->rtcp ? pkt->index & SRTP_CORE_SRTCP_INDEX_MAX :
			      pkt->index;
	enum srtp_reason r = SRTP_R_OK;
	struct srtp_ssrc *st;

	st = srtp_ssrc_get(ctx, pkt->ssrc, &r);
	if (!st)
		return srtp_fail(ctx, why, r, srtp_errno(r));
	r = srtp_replay_check(pkt->rtcp ? &st->rtcp : &st->rtp,
			      ctx->p.window, idx);
	if (r)
		return srtp_fail(ctx, why, r, srtp_errno(r));
	if (srtp_key_spent(pkt->key))
		return srtp_fail(ctx, why, SRTP_R_LIFETIME, -EKEYEXPIRED);
	st = srtp_ssrc_commit(ctx, st, pkt->key);
	srtp_replay_add(pkt->rtcp ? &st->rtcp : &st->rtp, idx,
			ctx->p.window);
	srtp_rx_key_use(ctx, pkt->key);
	*why = SRTP_R_OK;
	return pkt->out;
}

int srtp_end(struct srtp_ctx *ctx, struct srtp_pkt *pkt,
	     enum srtp_reason *why)
{
	if (pkt->r)
		return srtp_fail(ctx, why, pkt->r, pkt->err);
	if (ctx->p.dir == SRTP_DIR_INBOUND)
		return srtp_rx_accept(ctx, pkt, why);
	*why = SRTP_R_OK;
	return pkt->out;
}

/* The three steps in a row, for a caller that holds its lock throughout. */
static int srtp_transform(struct srtp_ctx *ctx, enum srtp_dir dir, bool rtcp,
			  u8 *buf, unsigned int len, unsigned int room,
			  enum srtp_reason *why)
{
	struct srtp_pkt pkt;
	int ret;

	if (ctx->p.dir != dir)
		return srtp_fail(ctx, why, SRTP_R_WRONG_DIR, -EINVAL);
	ret = srtp_begin(ctx, &pkt, rtcp, buf, len, room, why);
	if (ret)
		return ret;
	srtp_crypt(ctx, &pkt);
	return srtp_end(ctx, &pkt, why);
}

int srtp_rtp_protect(struct srtp_ctx *ctx, u8 *buf, unsigned int len,
		     unsigned int room, enum srtp_reason *why)
{
	return srtp_transform(ctx, SRTP_DIR_OUTBOUND, false, buf, len, room,
			      why);
}

int srtp_rtp_unprotect(struct srtp_ctx *ctx, u8 *buf, unsigned int len,
		       enum srtp_reason *why)
{
	return srtp_transform(ctx, SRTP_DIR_INBOUND, false, buf, len, 0, why);
}

int srtp_rtcp_protect(struct srtp_ctx *ctx, u8 *buf, unsigned int len,
		      unsigned int room, enum srtp_reason *why)
{
	return srtp_transform(ctx, SRTP_DIR_OUTBOUND, true, buf, len, room,
			      why);
}

int srtp_rtcp_unprotect(struct srtp_ctx *ctx, u8 *buf, unsigned int len,
			enum srtp_reason *why)
{
	return srtp_transform(ctx, SRTP_DIR_INBOUND, true, buf, len, 0, why);
}
