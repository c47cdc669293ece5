// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer tests of the SRTP core: RFC 3711 B.2 (AES-CM keystream)
 * and B.3 (key derivation), RFC 6188 7.1/7.2 (AES-192/256 key
 * derivation), RFC 7714 16.1/16.2/17.1/17.2 (AEAD_AES_128/256_GCM SRTP and
 * SRTCP), plus whole packets checked against a reference model written
 * here on plain OpenSSL (AES-ECB and HMAC()), not on the core.
 *
 * Every expected byte string below was also recomputed independently
 * with the openssl command line tool / pyca cryptography before being
 * written here.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "srtp.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#include "srtp_crypto.h"
#include "check_main.h"

static unsigned int unhex(u8 *out, unsigned int max, const char *hex)
{
	unsigned int n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int v;

		if (*hex >= '0' && *hex <= '9')
			v = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f')
			v = *hex - 'a' + 10;
		else if (*hex >= 'A' && *hex <= 'F')
			v = *hex - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		ck_assert_uint_lt(n, max);
		out[n++] = (u8)(hi << 4 | v);
		hi = -1;
	}
	ck_assert_int_eq(hi, -1);
	return n;
}

#define ck_assert_hex(buf, len, hex) do {				\
	u8 _exp[2048];							\
	unsigned int _n = unhex(_exp, sizeof(_exp), hex);		\
	ck_assert_uint_eq(_n, (len));					\
	ck_assert_mem_eq((buf), _exp, _n);				\
} while (0)

/* ---- RFC 3711 B.2: AES-CM keystream ---- */

START_TEST(test_rfc3711_b2_keystream)
{
	static const struct {
		unsigned int block;
		const char *ks;
	} exp[] = {
		{ 0x0000, "E03EAD0935C95E80E166B16DD92B4EB4" },
		{ 0x0001, "D23513162B02D0F72A43A2FE4A5F97AB" },
		{ 0x0002, "41E95B3BB0A2E8DD477901E4FCA894C0" },
		{ 0xfeff, "EC8CDF7398607CB0F2D21675EA9EA1E4" },
		{ 0xff00, "362B7C3C6773516318A077D7FC5073AE" },
		{ 0xff01, "6A2CC3787889374FBEB4C81B17BA6C44" },
	};
	const unsigned int nblocks = 0xff02;
	u8 key[16], salt[14], iv[16];
	struct srtp_aes *aes;
	unsigned int i;
	u8 *ks;

	unhex(key, sizeof(key), "2B7E151628AED2A6ABF7158809CF4F3C");
	unhex(salt, sizeof(salt), "F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
	/* SSRC 0, ROC 0, SEQ 0: the IV is the salt shifted by 16 bits. */
	srtp_cm_iv(iv, salt, 0, 0);
	ck_assert_hex(iv, 16, "F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");

	ks = calloc(nblocks, 16);
	ck_assert_ptr_nonnull(ks);
	ck_assert_int_eq(srtp_aes_new(&aes, key, sizeof(key)), 0);
	ck_assert_int_eq(srtp_aes_ctr(aes, iv, ks, nblocks * 16), 0);
	for (i = 0; i < ARRAY_SIZE(exp); i++)
		ck_assert_hex(ks + 16 * exp[i].block, 16, exp[i].ks);
	srtp_aes_free(aes);
	free(ks);
}
END_TEST

START_TEST(test_cm_iv_layout)
{
	u8 salt[14], iv[16];

	/* SSRC lands in bytes 4..7, the 48-bit index in bytes 8..13. */
	memset(salt, 0, sizeof(salt));
	srtp_cm_iv(iv, salt, 0x11223344, 0xaabbccddeeffULL);
	ck_assert_hex(iv, 16, "0000000011223344aabbccddeeff0000");
}
END_TEST

/* ---- RFC 3711 B.3 and RFC 6188 7: key derivation ---- */

struct kdf_vec {
	const char *name, *mkey, *msalt, *enc, *salt, *auth;
};

static const struct kdf_vec kdf_vecs[] = {
	{ "RFC 3711 B.3",
	  "E1F97A0D3E018BE0D64FA32C06DE4139",
	  "0EC675AD498AFEEBB6960B3AABE6",
	  "C61E7A93744F39EE10734AFE3FF7A087",
	  "30CBBC08863D8C85D49DB34A9AE1",
	  "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4" },
	{ "RFC 6188 7.1 (AES-192)",
	  "73edc66c4fa15776fb57f9505c17136550ffda71f3e8e5f1",
	  "c8522f3acd4ce86d5add78edbb11",
	  "31874736a8f1143870c26e4857d8a5b2c4a354407faadabb",
	  "2372b82d639b6d8503a47adc0a6c",
	  "355b10973cd95b9eacf4061c7e1a7151e7cfbfcb" },
	{ "RFC 6188 7.2 (AES-256)",
	  "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6",
	  "3b04803de51ee7c96423ab5b78d2",
	  "5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4",
	  "fa31791685ca444a9e07c6c64e93",
	  "fd9c32d39ed5fbb5a9dc96b30818454d1313dc05" },
};

START_TEST(test_kdf_vectors)
{
	const struct kdf_vec *v = &kdf_vecs[_i];
	u8 mkey[32], msalt[14], out[32];
	unsigned int klen = unhex(mkey, sizeof(mkey), v->mkey);

	ck_assert_uint_eq(unhex(msalt, sizeof(msalt), v->msalt), 14);
	ck_assert_int_eq(srtp_kdf(mkey, klen, msalt, 14, 0, out, klen), 0);
	ck_assert_hex(out, klen, v->enc);
	ck_assert_int_eq(srtp_kdf(mkey, klen, msalt, 14, 2, out, 14), 0);
	ck_assert_hex(out, 14, v->salt);
	ck_assert_int_eq(srtp_kdf(mkey, klen, msalt, 14, 1, out, 20), 0);
	ck_assert_hex(out, 20, v->auth);
}
END_TEST

START_TEST(test_kdf_rejects_bad_sizes)
{
	u8 k[32] = { 0 }, out[16];

	ck_assert_int_eq(srtp_kdf(k, 15, k, 14, 0, out, 16), -EINVAL);
	ck_assert_int_eq(srtp_kdf(k, 16, k, 13, 0, out, 16), -EINVAL);
}
END_TEST

/* ---- RFC 7714 16 and 17: AEAD_AES_128_GCM / AEAD_AES_256_GCM ---- */

#define GCM_SALT "517569642070726f2071756f"
#define GCM_RTP "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064" \
		"6976697361 20696e207061727465732074726573"
#define GCM_RTCP "81c8000d4d6172734e5450314e5450325254502000000" \
		 "42a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"

static const struct {
	const char *name, *key, *srtp, *srtcp;
} gcm_vecs[] = {
	{ "RFC 7714 16.1 / 17.1 (AES-128-GCM)",
	  "000102030405060708090a0b0c0d0e0f",
	  "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd5"
	  "0d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee439"
	  "0cce",
	  "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32d"
	  "c676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf872"
	  "45d9eade800005d4" },
	{ "RFC 7714 16.2 / 17.2 (AES-256-GCM)",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab1801238"
	  "9a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a7"
	  "6c13",
	  "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50"
	  "a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6c"
	  "b26ac3be800005d4" },
};

START_TEST(test_rfc7714_ivs)
{
	u8 salt[12], iv[12];

	unhex(salt, sizeof(salt), GCM_SALT);
	srtp_gcm_rtp_iv(iv, salt, 0x5501a0b2, 0, 0xf17b);
	ck_assert_hex(iv, 12, "51753c6580c2726f20718414");
	srtp_gcm_rtcp_iv(iv, salt, 0x4d617273, 0x5d4);
	ck_assert_hex(iv, 12, "517524055203726f207170bb");
	/* The E bit is not part of the IV. */
	srtp_gcm_rtcp_iv(iv, salt, 0x4d617273, 0x800005d4);
	ck_assert_hex(iv, 12, "517524055203726f207170bb");
}
END_TEST

START_TEST(test_rfc7714_srtp)
{
	u8 key[32], salt[12], iv[12], pkt[128], exp[128];
	unsigned int klen = unhex(key, sizeof(key), gcm_vecs[_i].key);
	unsigned int len = unhex(pkt, sizeof(pkt), GCM_RTP);
	unsigned int elen = unhex(exp, sizeof(exp), gcm_vecs[_i].srtp);
	struct srtp_gcm *g;

	unhex(salt, sizeof(salt), GCM_SALT);
	ck_assert_uint_eq(elen, len + 16);
	ck_assert_int_eq(srtp_gcm_new(&g, key, klen), 0);
	srtp_gcm_rtp_iv(iv, salt, 0x5501a0b2, 0, 0xf17b);
	/* RFC 7714 8.2: the AAD is the RTP header, the tag follows. */
	ck_assert_int_eq(srtp_gcm_encrypt(g, iv, pkt, 12, pkt + 12, len - 12,
					  pkt + len), 0);
	ck_assert_mem_eq(pkt, exp, elen);
	ck_assert_int_eq(srtp_gcm_decrypt(g, iv, pkt, 12, pkt + 12, len - 12,
					  pkt + len), 0);
	ck_assert_hex(pkt, len, GCM_RTP);
	/* Tampered ciphertext. */
	memcpy(pkt, exp, elen);
	pkt[20] ^= 1;
	ck_assert_int_eq(srtp_gcm_decrypt(g, iv, pkt, 12, pkt + 12, len - 12,
					  pkt + len), -EBADMSG);
	srtp_gcm_free(g);
}
END_TEST

START_TEST(test_rfc7714_srtcp)
{
	u8 key[32], salt[12], iv[12], pkt[128], exp[128], aad[12];
	unsigned int klen = unhex(key, sizeof(key), gcm_vecs[_i].key);
	unsigned int len = unhex(pkt, sizeof(pkt), GCM_RTCP);
	unsigned int elen = unhex(exp, sizeof(exp), gcm_vecs[_i].srtcp);
	struct srtp_gcm *g;

	unhex(salt, sizeof(salt), GCM_SALT);
	ck_assert_uint_eq(elen, len + 16 + 4);
	ck_assert_int_eq(srtp_gcm_new(&g, key, klen), 0);
	srtp_gcm_rtcp_iv(iv, salt, 0x4d617273, 0x5d4);
	/* RFC 7714 9.2: AAD = first 8 octets || E||SRTCP index. */
	memcpy(aad, pkt, 8);
	unhex(aad + 8, 4, "800005d4");
	ck_assert_int_eq(srtp_gcm_encrypt(g, iv, aad, 12, pkt + 8, len - 8,
					  pkt + len), 0);
	unhex(pkt + len + 16, 4, "800005d4");
	ck_assert_mem_eq(pkt, exp, elen);
	ck_assert_int_eq(srtp_gcm_decrypt(g, iv, aad, 12, pkt + 8, len - 8,
					  pkt + len), 0);
	ck_assert_hex(pkt, len, GCM_RTCP);
	/* A different index (AAD) must not verify. */
	memcpy(pkt, exp, elen);
	aad[11] ^= 1;
	ck_assert_int_eq(srtp_gcm_decrypt(g, iv, aad, 12, pkt + 8, len - 8,
					  pkt + len), -EBADMSG);
	srtp_gcm_free(g);
}
END_TEST

/* ---- whole packets against an OpenSSL reference model ---- */

/* Reference AES-CM keystream XOR, built on AES-ECB only. */
static void ref_ctr(const u8 *key, unsigned int klen, const u8 iv[16],
		    u8 *buf, unsigned int len)
{
	const EVP_CIPHER *c = klen == 16 ? EVP_aes_128_ecb() :
			      klen == 24 ? EVP_aes_192_ecb() :
					   EVP_aes_256_ecb();
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	u8 ctr[16], ks[16];
	unsigned int i, j;
	int outl;

	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(EVP_EncryptInit_ex(x, c, NULL, key, NULL), 1);
	EVP_CIPHER_CTX_set_padding(x, 0);
	memcpy(ctr, iv, 16);
	for (i = 0; i < len; i += 16) {
		ck_assert_int_eq(EVP_EncryptUpdate(x, ks, &outl, ctr, 16), 1);
		for (j = 0; j < 16 && i + j < len; j++)
			buf[i + j] ^= ks[j];
		for (j = 16; j-- > 0;)
			if (++ctr[j])
				break;
	}
	EVP_CIPHER_CTX_free(x);
}

/* RFC 3711 4.3.1 with r = 0, on the reference keystream. */
static void ref_kdf(const u8 *mk, unsigned int klen, const u8 *ms, u8 label,
		    u8 *out, unsigned int len)
{
	u8 iv[16] = { 0 };

	memcpy(iv, ms, 14);
	iv[7] ^= label;
	memset(out, 0, len);
	ref_ctr(mk, klen, iv, out, len);
}

static void ref_iv(u8 iv[16], const u8 *salt, u32 ssrc, u64 idx)
{
	int i;

	memset(iv, 0, 16);
	memcpy(iv, salt, 14);
	for (i = 0; i < 4; i++)
		iv[7 - i] ^= (u8)(ssrc >> (8 * i));
	for (i = 0; i < 6; i++)
		iv[13 - i] ^= (u8)(idx >> (8 * i));
}

static const enum srtp_suite cm_suites[] = {
	SRTP_AES_CM_128_HMAC_SHA1_80, SRTP_AES_CM_128_HMAC_SHA1_32,
	SRTP_AES_192_CM_HMAC_SHA1_80, SRTP_AES_192_CM_HMAC_SHA1_32,
	SRTP_AES_256_CM_HMAC_SHA1_80, SRTP_AES_256_CM_HMAC_SHA1_32,
};

static struct srtp_ctx *mk_ctx(enum srtp_suite s, enum srtp_dir dir,
			       const u8 *mk, const u8 *ms)
{
	const struct srtp_suite_info *si = srtp_suite_get(s);
	struct srtp_params p = { .suite = s, .dir = dir };
	enum srtp_reason why;
	struct srtp_ctx *ctx;
	struct srtp_key *k;
	int err;

	ctx = srtp_ctx_new(&p, &err, &why);
	ck_assert_ptr_nonnull(ctx);
	k = srtp_key_new(s, mk, si->key_len, ms, si->salt_len, NULL, 0, 0,
			 &err, &why);
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(srtp_ctx_add_key(ctx, k, &why), 0);
	return ctx;
}

/* SRTP with ROC 1 (seq wraps) and SRTCP, each suite, vs the model. */
START_TEST(test_cm_packets_vs_reference)
{
	enum srtp_suite s = cm_suites[_i];
	const struct srtp_suite_info *si = srtp_suite_get(s);
	u8 mk[32], ms[14], ek[32], ak[20], sk[14], iv[16], mac[20];
	u8 pkt[256], ref[256];
	struct srtp_ctx *tx, *rx;
	enum srtp_reason why;
	unsigned int i, mlen;
	int n;

	for (i = 0; i < sizeof(mk); i++)
		mk[i] = (u8)(0x40 + 3 * i);
	unhex(ms, sizeof(ms), "0EC675AD498AFEEBB6960B3AABE6");
	tx = mk_ctx(s, SRTP_DIR_OUTBOUND, mk, ms);
	rx = mk_ctx(s, SRTP_DIR_INBOUND, mk, ms);

	/* SRTP: seq 0xffff then 0x0000 (ROC 1). */
	ref_kdf(mk, si->key_len, ms, 0, ek, si->key_len);
	ref_kdf(mk, si->key_len, ms, 1, ak, 20);
	ref_kdf(mk, si->key_len, ms, 2, sk, 14);
	for (i = 0; i < 2; i++) {
		u16 seq = i ? 0x0000 : 0xffff;
		u64 idx = i ? 0x10000 : 0xffff;
		u8 roc[4] = { 0, 0, 0, (u8)(idx >> 16) };

		memset(pkt, 0, sizeof(pkt));
		unhex(pkt, 12, "80 00 0000 11223344 deadbeef");
		pkt[2] = seq >> 8;
		pkt[3] = seq & 0xff;
		for (n = 12; n < 12 + 40; n++)
			pkt[n] = (u8)n;
		memcpy(ref, pkt, sizeof(pkt));
		n = srtp_rtp_protect(tx, pkt, 52, sizeof(pkt), &why);
		ck_assert_int_eq(n, 52 + si->srtp_tag_len);

		ref_iv(iv, sk, 0xdeadbeef, idx);
		ref_ctr(ek, si->key_len, iv, ref + 12, 40);
		memcpy(ref + 52, roc, 4);
		HMAC(EVP_sha1(), ak, 20, ref, 56, mac, &mlen);
		memcpy(ref + 52, mac, si->srtp_tag_len);
		ck_assert_mem_eq(pkt, ref, (size_t)n);

		n = srtp_rtp_unprotect(rx, pkt, (unsigned int)n, &why);
		ck_assert_int_eq(n, 52);
		ck_assert_int_eq(pkt[12], 12);
		ck_assert_int_eq(pkt[51], 51);
	}

	/* SRTCP, index 0: RFC numbers the first packet 0. */
	ref_kdf(mk, si->key_len, ms, 3, ek, si->key_len);
	ref_kdf(mk, si->key_len, ms, 4, ak, 20);
	ref_kdf(mk, si->key_len, ms, 5, sk, 14);
	memset(pkt, 0, sizeof(pkt));
	unhex(pkt, 28, "80c90006 deadbeef 01020304 05060708 090a0b0c "
		  "0d0e0f10 11121314");
	memcpy(ref, pkt, sizeof(pkt));
	n = srtp_rtcp_protect(tx, pkt, 28, sizeof(pkt), &why);
	ck_assert_int_eq(n, 28 + 4 + 10);
	ref_iv(iv, sk, 0xdeadbeef, 0);
	ref_ctr(ek, si->key_len, iv, ref + 8, 20);
	unhex(ref + 28, 4, "80000000");
	HMAC(EVP_sha1(), ak, 20, ref, 32, mac, &mlen);
	memcpy(ref + 32, mac, 10);
	ck_assert_mem_eq(pkt, ref, (size_t)n);
	n = srtp_rtcp_unprotect(rx, pkt, (unsigned int)n, &why);
	ck_assert_int_eq(n, 28);
	ck_assert_hex(pkt, 28, "80c90006 deadbeef 01020304 05060708 090a0b0c "
		      "0d0e0f10 11121314");
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

START_TEST(test_suite_table)
{
	/* RFC 4568 6.2 / RFC 6188 / RFC 7714 sizes. */
	const struct srtp_suite_info *si;

	si = srtp_suite_get(SRTP_AES_CM_128_HMAC_SHA1_32);
	ck_assert_uint_eq(si->srtp_tag_len, 4);
	ck_assert_uint_eq(si->srtcp_tag_len, 10);
	ck_assert_uint_eq(si->salt_len, 14);
	si = srtp_suite_get(SRTP_AES_192_CM_HMAC_SHA1_80);
	ck_assert_uint_eq(si->key_len, 24);
	si = srtp_suite_get(SRTP_AEAD_AES_256_GCM);
	ck_assert_uint_eq(si->key_len, 32);
	ck_assert_uint_eq(si->salt_len, 12);
	ck_assert_uint_eq(si->srtp_tag_len, 16);
	ck_assert_ptr_null(srtp_suite_get(SRTP_SUITE_COUNT));
	ck_assert_str_eq(srtp_reason_name(SRTP_R_SSRC_LIMIT), "ssrc_limit");
}
END_TEST

static Suite *vectors_suite(void)
{
	Suite *s = suite_create("srtp_vectors");
	TCase *tc = tcase_create("vectors");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rfc3711_b2_keystream);
	tcase_add_test(tc, test_cm_iv_layout);
	tcase_add_loop_test(tc, test_kdf_vectors, 0, 3);
	tcase_add_test(tc, test_kdf_rejects_bad_sizes);
	tcase_add_test(tc, test_rfc7714_ivs);
	tcase_add_loop_test(tc, test_rfc7714_srtp, 0, 2);
	tcase_add_loop_test(tc, test_rfc7714_srtcp, 0, 2);
	tcase_add_loop_test(tc, test_cm_packets_vs_reference, 0, 6);
	tcase_add_test(tc, test_suite_table);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(vectors_suite)
