// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/sdes.c: RFC 4568 key-params syntax.  Expected
 * bytes come from coreutils' base64 -d, not from the code under test.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdes.h"

static void hex(const char *h, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int v;

		ck_assert(sscanf(h + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
}

static int parse(enum sdes_suite s, const char *text, struct sdes_key *k,
		 char *err)
{
	return sdes_parse_key(s, text, strlen(text), k, err, 128);
}

START_TEST(bulletin_key)
{
	/* Scenario One of the bulletin; bytes from `base64 -d`. */
	struct sdes_key k;
	uint8_t want[30];
	char err[128];

	hex("9e5df6eb12d2846b885cb324caaa3e13133918f6f3f8c2db58c668b51448",
	    want, sizeof(want));
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_80,
			       "inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI",
			       &k, err), 0);
	ck_assert_uint_eq(k.key_len, 16);
	ck_assert_uint_eq(k.salt_len, 14);
	ck_assert_mem_eq(k.key, want, 16);
	ck_assert_mem_eq(k.salt, want + 16, 14);
	ck_assert_uint_eq(k.lifetime, 0);
	ck_assert_uint_eq(k.mki_len, 0);
}
END_TEST

START_TEST(rfc4568_example_lifetime_mki)
{
	/* RFC 4568 section 4's example: |2^20|1:32 */
	struct sdes_key k;
	uint8_t want[30], mki[32] = { 0 };
	char err[128];

	hex("3d2d6e40255e7821426a75667239293f2c2335685c603d265d7b71695051",
	    want, sizeof(want));
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_80,
			       "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32",
			       &k, err), 0);
	ck_assert_mem_eq(k.key, want, 16);
	ck_assert_uint_eq(k.lifetime, 1u << 20);
	ck_assert(k.lifetime_pow2);
	ck_assert_uint_eq(k.mki_len, 32);
	mki[31] = 1;
	ck_assert_mem_eq(k.mki, mki, 32);
}
END_TEST

START_TEST(padded_and_unpadded_256)
{
	const char *padded =
		"inline:N0PhTVOLedpCsCvO7k8RFAMHQ/g4QY9hSQhNP+DwoQ1Yh4nk3Qerd5Qu/dZEQg==";
	const char *unpadded =
		"inline:N0PhTVOLedpCsCvO7k8RFAMHQ/g4QY9hSQhNP+DwoQ1Yh4nk3Qerd5Qu/dZEQg";
	struct sdes_key a, b;
	uint8_t want[46];
	char err[128];

	hex("3743e14d538b79da42b02bceee4f1114030743f838418f6149084d3fe0f0a10d588789e4dd07ab77942efdd64442",
	    want, sizeof(want));
	ck_assert_int_eq(parse(SDES_AES_256_CM_HMAC_SHA1_80, padded, &a, err), 0);
	ck_assert_int_eq(parse(SDES_AES_256_CM_HMAC_SHA1_80, unpadded, &b, err), 0);
	ck_assert_mem_eq(a.key, want, 32);
	ck_assert_mem_eq(a.salt, want + 32, 14);
	ck_assert_mem_eq(b.key, want, 32);
	ck_assert_mem_eq(b.salt, want + 32, 14);
}
END_TEST

START_TEST(lifetimes)
{
	const char *base = "inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI";
	struct sdes_key k;
	char text[128], err[128];

	snprintf(text, sizeof(text), "%s|2^31", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_32, text, &k, err), 0);
	ck_assert_uint_eq(k.lifetime, 1ULL << 31);
	snprintf(text, sizeof(text), "%s|1024", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_32, text, &k, err), 0);
	ck_assert_uint_eq(k.lifetime, 1024);
	ck_assert(!k.lifetime_pow2);
	snprintf(text, sizeof(text), "%s|2^48", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_32, text, &k, err), 0);

	snprintf(text, sizeof(text), "%s|2^49", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_32, text, &k, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "lifetime"));
	snprintf(text, sizeof(text), "%s|0", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_32, text, &k, err), -1);
	snprintf(text, sizeof(text), "%s|-5", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_32, text, &k, err), -1);
	snprintf(text, sizeof(text), "%s|", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_32, text, &k, err), -1);
	/* lifetime after the MKI is out of order */
	snprintf(text, sizeof(text), "%s|1:4|1024", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_32, text, &k, err), -1);
}
END_TEST

START_TEST(mkis)
{
	const char *base = "inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI";
	const uint8_t m4[4] = { 0, 0, 1, 0 };
	const uint8_t m2[2] = { 0xff, 0xff };
	struct sdes_key k;
	char text[128], err[128];

	snprintf(text, sizeof(text), "%s|256:4", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_80, text, &k, err), 0);
	ck_assert_uint_eq(k.mki_len, 4);
	ck_assert_mem_eq(k.mki, m4, 4);
	snprintf(text, sizeof(text), "%s|65535:2", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_80, text, &k, err), 0);
	ck_assert_mem_eq(k.mki, m2, 2);

	snprintf(text, sizeof(text), "%s|65536:2", base);	/* too big */
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_80, text, &k, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "MKI"));
	snprintf(text, sizeof(text), "%s|1:0", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_80, text, &k, err), -1);
	snprintf(text, sizeof(text), "%s|1:129", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_80, text, &k, err), -1);
	snprintf(text, sizeof(text), "%s|:4", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_80, text, &k, err), -1);
	snprintf(text, sizeof(text), "%s|1:4|2:4", base);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_80, text, &k, err), -1);
}
END_TEST

START_TEST(bad_keys)
{
	struct sdes_key k;
	char err[128];

	/* 30 bytes given to a 46-byte suite */
	ck_assert_int_eq(parse(SDES_AES_256_CM_HMAC_SHA1_80,
			       "inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI",
			       &k, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "needs 46"));
	/* the error never echoes the key */
	ck_assert_ptr_null(strstr(err, "nl326x"));
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_80,
			       "inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRR!",
			       &k, err), -1);
	ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_80,
			       "uri:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI",
			       &k, err), -1);
	ck_assert_int_eq(parse(SDES_SUITE_UNKNOWN,
			       "inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI",
			       &k, err), -1);
	/* a failed parse leaves no key bytes behind */
	ck_assert_uint_eq(k.key_len, 0);
	ck_assert_uint_eq(k.key[0], 0);
}
END_TEST

START_TEST(format_round_trip)
{
	const char *texts[] = {
		"inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI",
		"inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32",
		"inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI|1024|4294967295:4",
	};
	struct sdes_key k;
	char out[256], err[128];
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		ck_assert_int_eq(parse(SDES_AES_CM_128_HMAC_SHA1_80, texts[i],
				       &k, err), 0);
		ck_assert_int_eq(sdes_format_key(&k, out, sizeof(out)),
				 (int)strlen(texts[i]));
		ck_assert_str_eq(out, texts[i]);
	}
}
END_TEST

START_TEST(suite_names)
{
	ck_assert_int_eq(sdes_suite_by_name("AES_CM_128_HMAC_SHA1_32", 23),
			 SDES_AES_CM_128_HMAC_SHA1_32);
	ck_assert_int_eq(sdes_suite_by_name("AEAD_AES_256_GCM", 16),
			 SDES_AEAD_AES_256_GCM);
	ck_assert_int_eq(sdes_suite_by_name("AES_CM_128_HMAC_SHA1_8", 22),
			 SDES_SUITE_UNKNOWN);
	ck_assert_int_eq(sdes_suite_by_name("F8_128_HMAC_SHA1_80", 19),
			 SDES_SUITE_UNKNOWN);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sdes");
	TCase *tc = tcase_create("key-params");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, bulletin_key);
	tcase_add_test(tc, rfc4568_example_lifetime_mki);
	tcase_add_test(tc, padded_and_unpadded_256);
	tcase_add_test(tc, lifetimes);
	tcase_add_test(tc, mkis);
	tcase_add_test(tc, bad_keys);
	tcase_add_test(tc, format_round_trip);
	tcase_add_test(tc, suite_names);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
