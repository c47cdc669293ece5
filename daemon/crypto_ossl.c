// SPDX-License-Identifier: GPL-2.0
/*
 * crypto_ossl.c - the SRTP core's crypto interface (kmod/srtp_crypto.h)
 * on OpenSSL libcrypto, for userspace (daemon, unit tests, benchmarks).
 *
 * Nothing is allocated per packet, and no EVP context is re-initialized
 * per packet.  In OpenSSL 3.0 every EVP_EncryptInit_ex() that sets an IV
 * asks the provider for the IV length through an OSSL_PARAM query
 * (EVP_CIPHER_CTX_get_iv_length()), and every GCM tag ctrl is another
 * one; on a 172 byte packet those cost more than the AES itself (see
 * Documentation/performance.md).  So each key object keeps an AES-ECB
 * EVP_CIPHER_CTX (AES-NI through the provider, keyed once) and a
 * keystream buffer:
 *  - AES-CTR: the counter blocks are written into the buffer, encrypted
 *    in one ECB call per 512 bytes and XORed into the data;
 *  - AES-GCM: OpenSSL's GCM mode (CRYPTO_gcm128_*: GHASH with PCLMULQDQ)
 *    driven by that ECB context, for its single blocks and, through a
 *    ctr32 stream function, for the payload.
 * HMAC-SHA1 uses the low-level SHA1 API on precomputed inner and outer
 * states, because in OpenSSL 3 every EVP_MD_CTX_copy_ex()/EVP_MAC re-init
 * duplicates the provider context, which allocates; SHA_CTX is a plain
 * struct to copy.  That API is deprecated in OpenSSL 3, hence
 * OPENSSL_SUPPRESS_DEPRECATED.
 *
 * It also gives the core its clock (srtp_now(), kmod/srtp_platform.h).
 */

#define OPENSSL_SUPPRESS_DEPRECATED

#include <endian.h>
#include <string.h>
#include <limits.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/modes.h>
#include <openssl/sha.h>

#include "srtp_crypto.h"

u32 srtp_clock_skew;
bool srtp_clock_frozen;
/*
 * Tests set this to make a failed GCM decrypt overwrite the buffer, as
 * srtp_crypto.h allows a backend to.
 */
bool srtp_ossl_gcm_scramble;

/* The coarse clock is read from the vDSO, without a system call. */
u32 srtp_now(void)
{
	struct timespec ts;

	if (srtp_clock_frozen)
		return srtp_clock_skew;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (u32)ts.tv_sec + srtp_clock_skew;
}

#define SRTP_OSSL_KS_BLOCKS	32
#define SRTP_OSSL_KS_BYTES	(16 * SRTP_OSSL_KS_BLOCKS)

struct srtp_aes {
	EVP_CIPHER_CTX *ecb;
	u8 ks[SRTP_OSSL_KS_BYTES];	/* counter blocks, then keystream */
};

struct srtp_hmac {
	SHA_CTX inner;	/* after key ^ ipad */
	SHA_CTX outer;	/* after key ^ opad */
	SHA_CTX work;
	u8 ihash[SHA_DIGEST_LENGTH];
};

struct srtp_gcm {
	EVP_CIPHER_CTX *ecb;
	GCM128_CONTEXT *gcm;
	bool err;			/* an ECB call failed in a callback */
	u8 ks[SRTP_OSSL_KS_BYTES];
};

static const EVP_CIPHER *srtp_ossl_ecb_cipher(unsigned int keylen)
{
	switch (keylen) {
	case 16:
		return EVP_aes_128_ecb();
	case 24:
		return EVP_aes_192_ecb();
	case 32:
		return EVP_aes_256_ecb();
	default:
		return NULL;
	}
}

/* An AES-ECB encryption context without padding, or NULL. */
static EVP_CIPHER_CTX *srtp_ossl_ecb_new(const u8 *key, unsigned int keylen)
{
	const EVP_CIPHER *c = srtp_ossl_ecb_cipher(keylen);
	EVP_CIPHER_CTX *ctx;

	if (!c)
		return NULL;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return NULL;
	if (EVP_EncryptInit_ex(ctx, c, NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* Encrypts @len (a multiple of 16) bytes of @buf in place. */
static int srtp_ossl_ecb(EVP_CIPHER_CTX *ecb, u8 *buf, unsigned int len)
{
	int outl;

	if (EVP_EncryptUpdate(ecb, buf, &outl, buf, (int)len) != 1 ||
	    outl != (int)len)
		return -EIO;
	return 0;
}

/* @out = @in ^ @ks over @len bytes (@in may be @out). */
static void srtp_ossl_xor(u8 *out, const u8 *in, const u8 *ks, size_t len)
{
	u64 a, b;

	for (; len >= 8; len -= 8, out += 8, in += 8, ks += 8) {
		memcpy(&a, in, 8);
		memcpy(&b, ks, 8);
		a ^= b;
		memcpy(out, &a, 8);
	}
	while (len--)
		*out++ = *in++ ^ *ks++;
}

static u64 srtp_ossl_get_be64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

static void srtp_ossl_put_be64(u8 *p, u64 v)
{
	v = htobe64(v);
	memcpy(p, &v, 8);
}

/*
 * Writes @n counter blocks from the 128-bit big-endian counter @hi:@lo
 * (incremented with carry, as srtp_aes_ctr() specifies) into @ks.
 */
static void srtp_ossl_ctr128_blocks(u8 *ks, unsigned int n, u64 *hi,
				    u64 *lo)
{
	unsigned int i;

	for (i = 0; i < n; i++, ks += 16) {
		srtp_ossl_put_be64(ks, *hi);
		srtp_ossl_put_be64(ks + 8, *lo);
		if (!++*lo)
			++*hi;
	}
}

int srtp_aes_new(struct srtp_aes **out, const u8 *key, unsigned int keylen)
{
	struct srtp_aes *a;

	*out = NULL;
	if (!srtp_ossl_ecb_cipher(keylen))
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->ecb = srtp_ossl_ecb_new(key, keylen);
	if (!a->ecb) {
		srtp_aes_free(a);
		return -EIO;
	}
	*out = a;
	return 0;
}

int srtp_aes_ctr(struct srtp_aes *aes, const u8 iv[16], u8 *buf,
		 unsigned int len)
{
	u64 hi = srtp_ossl_get_be64(iv), lo = srtp_ossl_get_be64(iv + 8);
	unsigned int n, blocks;

	while (len) {
		n = len < SRTP_OSSL_KS_BYTES ? len : SRTP_OSSL_KS_BYTES;
		blocks = (n + 15) / 16;
		srtp_ossl_ctr128_blocks(aes->ks, blocks, &hi, &lo);
		if (srtp_ossl_ecb(aes->ecb, aes->ks, 16 * blocks))
			return -EIO;
		srtp_ossl_xor(buf, buf, aes->ks, n);
		buf += n;
		len -= n;
	}
	return 0;
}

void srtp_aes_free(struct srtp_aes *aes)
{
	if (!aes)
		return;
	EVP_CIPHER_CTX_free(aes->ecb);	/* cleanses the key schedule */
	explicit_bzero(aes, sizeof(*aes));
	free(aes);
}

/*
 * The KDF's PRF is counter mode on the same ECB context: the keystream
 * is computed in the key object's heap buffer, which srtp_aes_free()
 * wipes, and nowhere else.
 */
struct srtp_prf {
	struct srtp_aes *aes;
};

int srtp_prf_new(struct srtp_prf **out, const u8 *key, unsigned int keylen)
{
	struct srtp_prf *prf;
	int err;

	*out = NULL;
	prf = calloc(1, sizeof(*prf));
	if (!prf)
		return -ENOMEM;
	err = srtp_aes_new(&prf->aes, key, keylen);
	if (err) {
		free(prf);
		return err;
	}
	*out = prf;
	return 0;
}

int srtp_prf_keystream(struct srtp_prf *prf, const u8 iv[16], u8 *out,
		       unsigned int len)
{
	memset(out, 0, len);
	return srtp_aes_ctr(prf->aes, iv, out, len);
}

void srtp_prf_free(struct srtp_prf *prf)
{
	if (!prf)
		return;
	srtp_aes_free(prf->aes);
	free(prf);
}

int srtp_hmac_new(struct srtp_hmac **out, const u8 *key, unsigned int keylen)
{
	u8 pad[SHA_CBLOCK];
	struct srtp_hmac *h;
	unsigned int i;

	*out = NULL;
	if (keylen > SHA_CBLOCK)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < keylen; i++)
		pad[i] ^= key[i];
	SHA1_Init(&h->inner);
	SHA1_Update(&h->inner, pad, sizeof(pad));
	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < keylen; i++)
		pad[i] ^= key[i];
	SHA1_Init(&h->outer);
	SHA1_Update(&h->outer, pad, sizeof(pad));
	explicit_bzero(pad, sizeof(pad));
	*out = h;
	return 0;
}

int srtp_hmac_sha1(struct srtp_hmac *h, const u8 *a, unsigned int alen,
		   const u8 *b, unsigned int blen, u8 out[20])
{
	h->work = h->inner;
	SHA1_Update(&h->work, a, alen);
	if (blen)
		SHA1_Update(&h->work, b, blen);
	SHA1_Final(h->ihash, &h->work);
	h->work = h->outer;
	SHA1_Update(&h->work, h->ihash, sizeof(h->ihash));
	SHA1_Final(out, &h->work);
	return 0;
}

void srtp_hmac_free(struct srtp_hmac *h)
{
	if (!h)
		return;
	explicit_bzero(h, sizeof(*h));
	free(h);
}

/* block128_f of CRYPTO_gcm128: one AES block with the key's ECB context. */
static void srtp_ossl_gcm_block(const unsigned char in[16],
				unsigned char out[16], const void *key)
{
	struct srtp_gcm *g = (struct srtp_gcm *)key;
	int outl;

	if (EVP_EncryptUpdate(g->ecb, out, &outl, in, 16) != 1 || outl != 16)
		g->err = true;
}

/*
 * ctr128_f of CRYPTO_gcm128: @blocks keystream blocks from @ivec, whose
 * last 32 bits count (big-endian, modulo 2^32), XORed from @in to @out.
 */
static void srtp_ossl_gcm_ctr32(const unsigned char *in, unsigned char *out,
				size_t blocks, const void *key,
				const unsigned char ivec[16])
{
	struct srtp_gcm *g = (struct srtp_gcm *)key;
	u64 hi = srtp_ossl_get_be64(ivec);
	u32 head, c = (u32)ivec[12] << 24 | (u32)ivec[13] << 16 |
		      (u32)ivec[14] << 8 | ivec[15];
	size_t n, i;

	memcpy(&head, ivec + 8, 4);
	while (blocks) {
		n = blocks < SRTP_OSSL_KS_BLOCKS ? blocks : SRTP_OSSL_KS_BLOCKS;
		for (i = 0; i < n; i++, c++) {
			u8 *b = g->ks + 16 * i;
			u32 be = htobe32(c);

			srtp_ossl_put_be64(b, hi);
			memcpy(b + 8, &head, 4);
			memcpy(b + 12, &be, 4);
		}
		if (srtp_ossl_ecb(g->ecb, g->ks, 16 * n))
			g->err = true;
		srtp_ossl_xor(out, in, g->ks, 16 * n);
		in += 16 * n;
		out += 16 * n;
		blocks -= n;
	}
}

int srtp_gcm_new(struct srtp_gcm **out, const u8 *key, unsigned int keylen)
{
	struct srtp_gcm *g;

	*out = NULL;
	if (keylen != 16 && keylen != 32)
		return -EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->ecb = srtp_ossl_ecb_new(key, keylen);
	if (g->ecb)
		g->gcm = CRYPTO_gcm128_new(g, srtp_ossl_gcm_block);
	if (!g->ecb || !g->gcm || g->err) {
		srtp_gcm_free(g);
		return -EIO;
	}
	*out = g;
	return 0;
}

/* Sets the IV and feeds the AAD: the common start of both directions. */
static int srtp_ossl_gcm_start(struct srtp_gcm *g, const u8 iv[12],
			       const u8 *aad, unsigned int aadlen)
{
	g->err = false;
	CRYPTO_gcm128_setiv(g->gcm, iv, 12);
	if (aadlen && CRYPTO_gcm128_aad(g->gcm, aad, aadlen))
		return -EINVAL;
	return g->err ? -EIO : 0;
}

int srtp_gcm_encrypt(struct srtp_gcm *g, const u8 iv[12], const u8 *aad,
		     unsigned int aadlen, u8 *buf, unsigned int len, u8 *tag)
{
	int ret = srtp_ossl_gcm_start(g, iv, aad, aadlen);

	if (ret)
		return ret;
	if (len && CRYPTO_gcm128_encrypt_ctr32(g->gcm, buf, buf, len,
					       srtp_ossl_gcm_ctr32))
		return -EINVAL;
	CRYPTO_gcm128_tag(g->gcm, tag, 16);
	return g->err ? -EIO : 0;
}

int srtp_gcm_decrypt(struct srtp_gcm *g, const u8 iv[12], const u8 *aad,
		     unsigned int aadlen, u8 *buf, unsigned int len,
		     const u8 *tag)
{
	int ret = srtp_ossl_gcm_start(g, iv, aad, aadlen);

	if (ret)
		return ret;
	if (len && CRYPTO_gcm128_decrypt_ctr32(g->gcm, buf, buf, len,
					       srtp_ossl_gcm_ctr32))
		return -EINVAL;
	if (g->err)
		return -EIO;
	/* Constant-time compare (CRYPTO_memcmp) of the 16 byte tag. */
	if (CRYPTO_gcm128_finish(g->gcm, tag, 16)) {
		/* The tests check that nobody relies on @buf after this. */
		if (srtp_ossl_gcm_scramble)
			memset(buf, 0xa5, len);
		return -EBADMSG;
	}
	return 0;
}

/*
 * One buffer per thread, in static TLS: nothing to allocate, and every
 * thread that runs the core has its own (kmod/srtp_crypto.h).
 */
u8 *srtp_scratch(unsigned int len)
{
	static __thread u8 scratch[SRTP_SCRATCH_SIZE];

	return len <= sizeof(scratch) ? scratch : NULL;
}

void srtp_gcm_free(struct srtp_gcm *g)
{
	if (!g)
		return;
	CRYPTO_gcm128_release(g->gcm);	/* cleanses H and the table */
	EVP_CIPHER_CTX_free(g->ecb);
	explicit_bzero(g, sizeof(*g));
	free(g);
}
