// SPDX-License-Identifier: GPL-2.0
/*
 * crypto_ossl.c - the SRTP core's crypto interface (kmod/srtp_crypto.h)
 * on OpenSSL libcrypto, for userspace (daemon, unit tests, benchmarks).
 *
 * Nothing is allocated per packet: every key object keeps its own
 * EVP_CIPHER_CTX, and a call only resets the IV.  HMAC-SHA1 uses the
 * low-level SHA1 API on precomputed inner and outer states, because in
 * OpenSSL 3 every EVP_MD_CTX_copy_ex()/EVP_MAC re-init duplicates the
 * provider context, which allocates; SHA_CTX is a plain struct to copy.
 * That API is deprecated in OpenSSL 3, hence OPENSSL_SUPPRESS_DEPRECATED.
 */

#define OPENSSL_SUPPRESS_DEPRECATED

#include <string.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "srtp_crypto.h"

struct srtp_aes {
	EVP_CIPHER_CTX *ctx;
};

struct srtp_hmac {
	SHA_CTX inner;	/* after key ^ ipad */
	SHA_CTX outer;	/* after key ^ opad */
	SHA_CTX work;
	u8 ihash[SHA_DIGEST_LENGTH];
};

struct srtp_gcm {
	EVP_CIPHER_CTX *enc;
	EVP_CIPHER_CTX *dec;
};

static const EVP_CIPHER *srtp_ossl_ctr(unsigned int keylen)
{
	switch (keylen) {
	case 16:
		return EVP_aes_128_ctr();
	case 24:
		return EVP_aes_192_ctr();
	case 32:
		return EVP_aes_256_ctr();
	default:
		return NULL;
	}
}

static const EVP_CIPHER *srtp_ossl_gcm(unsigned int keylen)
{
	switch (keylen) {
	case 16:
		return EVP_aes_128_gcm();
	case 32:
		return EVP_aes_256_gcm();
	default:
		return NULL;
	}
}

int srtp_aes_new(struct srtp_aes **out, const u8 *key, unsigned int keylen)
{
	const EVP_CIPHER *c = srtp_ossl_ctr(keylen);
	struct srtp_aes *a;

	*out = NULL;
	if (!c)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->ctx = EVP_CIPHER_CTX_new();
	if (!a->ctx || EVP_EncryptInit_ex(a->ctx, c, NULL, key, NULL) != 1) {
		srtp_aes_free(a);
		return -EIO;
	}
	*out = a;
	return 0;
}

int srtp_aes_ctr(struct srtp_aes *aes, const u8 iv[16], u8 *buf,
		 unsigned int len)
{
	int outl;

	if (len > INT_MAX)
		return -EINVAL;
	if (EVP_EncryptInit_ex(aes->ctx, NULL, NULL, NULL, iv) != 1)
		return -EIO;
	if (len && EVP_EncryptUpdate(aes->ctx, buf, &outl, buf, len) != 1)
		return -EIO;
	return 0;
}

void srtp_aes_free(struct srtp_aes *aes)
{
	if (!aes)
		return;
	EVP_CIPHER_CTX_free(aes->ctx);	/* cleanses the key schedule */
	free(aes);
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

int srtp_gcm_new(struct srtp_gcm **out, const u8 *key, unsigned int keylen)
{
	const EVP_CIPHER *c = srtp_ossl_gcm(keylen);
	struct srtp_gcm *g;

	*out = NULL;
	if (!c)
		return -EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->enc = EVP_CIPHER_CTX_new();
	g->dec = EVP_CIPHER_CTX_new();
	if (!g->enc || !g->dec ||
	    EVP_EncryptInit_ex(g->enc, c, NULL, key, NULL) != 1 ||
	    EVP_DecryptInit_ex(g->dec, c, NULL, key, NULL) != 1) {
		srtp_gcm_free(g);
		return -EIO;
	}
	*out = g;
	return 0;
}

int srtp_gcm_encrypt(struct srtp_gcm *g, const u8 iv[12], const u8 *aad,
		     unsigned int aadlen, u8 *buf, unsigned int len, u8 *tag)
{
	int outl;

	if (len > INT_MAX || aadlen > INT_MAX)
		return -EINVAL;
	if (EVP_EncryptInit_ex(g->enc, NULL, NULL, NULL, iv) != 1)
		return -EIO;
	if (aadlen && EVP_EncryptUpdate(g->enc, NULL, &outl, aad, aadlen) != 1)
		return -EIO;
	if (len && EVP_EncryptUpdate(g->enc, buf, &outl, buf, len) != 1)
		return -EIO;
	if (EVP_EncryptFinal_ex(g->enc, buf + len, &outl) != 1)
		return -EIO;
	if (EVP_CIPHER_CTX_ctrl(g->enc, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
		return -EIO;
	return 0;
}

int srtp_gcm_decrypt(struct srtp_gcm *g, const u8 iv[12], const u8 *aad,
		     unsigned int aadlen, u8 *buf, unsigned int len,
		     const u8 *tag)
{
	int outl;

	if (len > INT_MAX || aadlen > INT_MAX)
		return -EINVAL;
	if (EVP_DecryptInit_ex(g->dec, NULL, NULL, NULL, iv) != 1)
		return -EIO;
	if (EVP_CIPHER_CTX_ctrl(g->dec, EVP_CTRL_GCM_SET_TAG, 16,
				(void *)tag) != 1)
		return -EIO;
	if (aadlen && EVP_DecryptUpdate(g->dec, NULL, &outl, aad, aadlen) != 1)
		return -EIO;
	if (len && EVP_DecryptUpdate(g->dec, buf, &outl, buf, len) != 1)
		return -EIO;
	if (EVP_DecryptFinal_ex(g->dec, buf + len, &outl) != 1)
		return -EBADMSG;
	return 0;
}

void srtp_gcm_free(struct srtp_gcm *g)
{
	if (!g)
		return;
	EVP_CIPHER_CTX_free(g->enc);
	EVP_CIPHER_CTX_free(g->dec);
	free(g);
}
