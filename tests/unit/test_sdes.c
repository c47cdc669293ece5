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
#include "check_hex.h"
#include "check_main.h"

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

/* a=crypto values (RFC 4568 9.1).  Keys: the bulletin's and RFC 4568's. */
#define K1 "inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI"
#define K1_HEX "9e5df6eb12d2846b885cb324caaa3e13133918f6f3f8c2db58c668b51448"
#define K2 "inline:W1AGU0FjVJv0avRW8JgztcoE6B2dBAyIlXCdQh7w"
#define K2_HEX "5b5006534163549bf46af456f09833b5ca04e81d9d040c8895709d421ef0"
#define K256 "inline:N0PhTVOLedpCsCvO7k8RFAMHQ/g4QY9hSQhNP+DwoQ1Yh4nk3Qerd5Qu/dZEQg"
#define K256_HEX "3743e14d538b79da42b02bceee4f1114030743f838418f6149084d3fe0f0a10d588789e4dd07ab77942efdd64442"
#define CM80 "AES_CM_128_HMAC_SHA1_80"

#define F_UENC		1	/* UNENCRYPTED_SRTP */
#define F_UENCC		2	/* UNENCRYPTED_SRTCP */
#define F_UAUTH		4	/* UNAUTHENTICATED_SRTP */
#define F_FECKEY	8	/* FEC_KEY given */

static const struct {
	const char *text;
	unsigned long tag;
	enum sdes_suite suite;
	unsigned int nkeys;
	const char *key_hex;	/* key||salt of the first key */
	unsigned int flags;
	int kdr;
	unsigned long wsh;
	enum sdes_fec_order fec;
	unsigned int ignored;
} good_crypto[] = {
	{ "1 " CM80 " " K1, 1, SDES_AES_CM_128_HMAC_SHA1_80, 1, K1_HEX, 0, -1, 0, 0, 0 },
	{ "0 AES_CM_128_HMAC_SHA1_32 " K2, 0, SDES_AES_CM_128_HMAC_SHA1_32, 1, K2_HEX, 0, -1, 0, 0, 0 },
	{ "999999999\t" CM80 "  \t" K1 " \t", 999999999, SDES_AES_CM_128_HMAC_SHA1_80, 1, K1_HEX, 0, -1, 0, 0, 0 },
	{ "7 AES_256_CM_HMAC_SHA1_80 " K256 "|2^31", 7, SDES_AES_256_CM_HMAC_SHA1_80, 1, K256_HEX, 0, -1, 0, 0, 0 },
	{ "2 " CM80 " " K1 "|1:4;" K2 "|2:4", 2, SDES_AES_CM_128_HMAC_SHA1_80, 2, K1_HEX, 0, -1, 0, 0, 0 },
	/* RFC 4568 section 9.1's example */
	{ "1 AES_CM_128_HMAC_SHA1_32 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^20|1:4;inline:QUJjZGVmZ2hpSktMbW9OcHFyc3R1dnd4eXpBQkNE|2^20|2:4 FEC_ORDER=FEC_SRTP",
	  1, SDES_AES_CM_128_HMAC_SHA1_32, 2,
	  "774466766726542b29784737406662356a552c5261417d5c7c7030252a23", 0, -1, 0, SDES_FEC_SRTP, 0 },
	{ "3 " CM80 " " K1 " UNENCRYPTED_SRTP UNENCRYPTED_SRTCP UNAUTHENTICATED_SRTP KDR=24 WSH=64 FEC_ORDER=SRTP_FEC FEC_KEY=" K2 "|1:1;" K1 "|2:1",
	  3, SDES_AES_CM_128_HMAC_SHA1_80, 1, K1_HEX, F_UENC | F_UENCC | F_UAUTH | F_FECKEY, 24, 64, SDES_SRTP_FEC, 0 },
	{ "4 " CM80 " " K1 " -FOO KDR=0 -x=1;2 WSH=2147483648", 4, SDES_AES_CM_128_HMAC_SHA1_80, 1, K1_HEX, 0, 0, 2147483648UL, 0, 2 },
	{ "5 " CM80 " " K1 " KDR=07 UNENCRYPTED_SRTCP", 5, SDES_AES_CM_128_HMAC_SHA1_80, 1, K1_HEX, F_UENCC, 7, 0, 0, 0 },
	/* unknown suites are skipped, not refused: keys left unparsed */
	{ "6 F8_128_HMAC_SHA1_80 inline:anything|2^99 WHATEVER", 6, SDES_SUITE_UNKNOWN, 0, NULL, 0, -1, 0, 0, 0 },
};

START_TEST(crypto_accepted)
{
	struct sdes_crypto c;
	uint8_t want[46];
	char err[256] = "";
	const char *t = good_crypto[_i].text;
	unsigned int flags;

	ck_assert_msg(sdes_parse_crypto(t, strlen(t), &c, err, sizeof(err)) == 0,
		      "%s: %s", t, err);
	ck_assert_uint_eq(c.tag, good_crypto[_i].tag);
	ck_assert_int_eq(c.suite, good_crypto[_i].suite);
	ck_assert_uint_eq(c.nkeys, good_crypto[_i].nkeys);
	if (good_crypto[_i].key_hex) {
		size_t n = strlen(good_crypto[_i].key_hex) / 2;

		hex(good_crypto[_i].key_hex, want, n);
		ck_assert_uint_eq(c.keys[0].key_len + c.keys[0].salt_len, n);
		ck_assert_mem_eq(c.keys[0].key, want, c.keys[0].key_len);
		ck_assert_mem_eq(c.keys[0].salt, want + c.keys[0].key_len,
				 c.keys[0].salt_len);
	}
	flags = (c.unencrypted_srtp ? F_UENC : 0) |
		(c.unencrypted_srtcp ? F_UENCC : 0) |
		(c.unauthenticated_srtp ? F_UAUTH : 0) |
		(c.fec_key ? F_FECKEY : 0);
	ck_assert_uint_eq(flags, good_crypto[_i].flags);
	ck_assert_int_eq(c.kdr, good_crypto[_i].kdr);
	ck_assert_uint_eq(c.wsh, good_crypto[_i].wsh);
	ck_assert_int_eq(c.fec_order, good_crypto[_i].fec);
	ck_assert_uint_eq(c.ignored_params, good_crypto[_i].ignored);
	if (c.suite == SDES_SUITE_UNKNOWN)
		ck_assert_str_eq(c.suite_name, "F8_128_HMAC_SHA1_80");
	if (_i == 4) {
		const uint8_t mki2[4] = { 0, 0, 0, 2 };

		hex(K2_HEX, want, 30);
		ck_assert_mem_eq(c.keys[1].key, want, 16);
		ck_assert_uint_eq(c.keys[1].mki_len, 4);
		ck_assert_mem_eq(c.keys[1].mki, mki2, 4);
	}
	sdes_crypto_wipe(&c);
	ck_assert_uint_eq(c.nkeys, 0);
	ck_assert_uint_eq(c.keys[0].key[0] | c.keys[1].key[0], 0);
}
END_TEST

static const struct {
	const char *text;
	const char *err;	/* must appear in the message */
} bad_crypto[] = {
	{ "01 " CM80 " " K1, "tag" },
	{ "1234567890 " CM80 " " K1, "tag" },
	{ " 1 " CM80 " " K1, "tag" },
	{ "x " CM80 " " K1, "tag" },
	{ "", "tag" },
	{ "1 AES-CM-128 " K1, "crypto-suite" },
	{ "1 inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI", "crypto-suite" },
	{ "1 " CM80, "missing key-params" },
	{ "1 " CM80 "  ", "missing key-params" },
	{ "1 AES_256_CM_HMAC_SHA1_80 " K1, "needs 46" },
	{ "1 " CM80 " inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZot$RI", "base64" },
	{ "1 " CM80 " inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI=", "base64" },
	{ "1 " CM80 " " K1 "|1:4;" K2 "|2:2", "MKI lengths must match" },
	{ "1 " CM80 " " K1 ";" K2, "key-params 1 has no MKI" },
	{ "1 " CM80 " " K1 "|1:4;" K2, "key-params 2 has no MKI" },
	{ "1 " CM80 " " K1 "|7:4;" K2 "|0007:4", "key-params 1 and 2 have the same MKI" },
	{ "1 " CM80 " " K1 "|1:4;", "key-params 2 is empty" },
	{ "1 " CM80 " " K1 " " K2, "joined by ';'" },
	{ "1 " CM80 " " K1 " FOO", "unknown session parameter FOO" },
	{ "1 " CM80 " " K1 " unencrypted_srtp", "unknown session parameter" },
	{ "1 " CM80 " " K1 " KDR=1 KDR=2", "KDR given twice" },
	{ "1 " CM80 " " K1 " UNENCRYPTED_SRTP UNENCRYPTED_SRTP", "UNENCRYPTED_SRTP given twice" },
	{ "1 " CM80 " " K1 " UNENCRYPTED_SRTP=1", "takes no value" },
	{ "1 " CM80 " " K1 " KDR", "needs a value" },
	{ "1 " CM80 " " K1 " KDR=25", "KDR must be" },
	{ "1 " CM80 " " K1 " KDR=005", "KDR must be" },
	{ "1 " CM80 " " K1 " KDR=", "KDR must be" },
	{ "1 " CM80 " " K1 " WSH=63", "WSH must be" },
	{ "1 " CM80 " " K1 " WSH=2147483649", "WSH must be" },
	{ "1 " CM80 " " K1 " WSH=-64", "WSH must be" },
	{ "1 " CM80 " " K1 " FEC_ORDER=SRTP", "FEC_ORDER must be" },
	{ "1 " CM80 " " K1 " FEC_KEY=" K256, "FEC_KEY key-params 1" },
	{ "1 " CM80 " " K1 " FEC_KEY=" K1 ";" K2, "FEC_KEY key-params 1 has no MKI" },
	{ "1 " CM80 " " K1 "\x01", "invalid byte" },
	{ "1 " CM80 " " K1 " UNENCRYPTED_SRTP\xc3\xa9", "invalid byte" },
};

START_TEST(crypto_rejected)
{
	static const uint8_t zero[sizeof(((struct sdes_crypto *)0)->keys)];
	struct sdes_crypto c;
	char err[256] = "";
	const char *t = bad_crypto[_i].text;

	ck_assert_int_eq(sdes_parse_crypto(t, strlen(t), &c, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, bad_crypto[_i].err), "%s: \"%s\" lacks \"%s\"",
		      t, err, bad_crypto[_i].err);
	/* no key material left behind or echoed */
	ck_assert_uint_eq(c.nkeys, 0);
	ck_assert_mem_eq(c.keys, zero, sizeof(zero));
	ck_assert_ptr_null(strstr(err, "nl326x"));
	ck_assert_ptr_null(strstr(err, "W1AGU0"));
	ck_assert_ptr_null(strstr(err, "N0PhTV"));
	ck_assert_ptr_null(strstr(err, "inline:"));
}
END_TEST

START_TEST(crypto_too_many_keys)
{
	char text[2048], err[256];
	struct sdes_crypto c;
	size_t off;
	int i;

	off = (size_t)snprintf(text, sizeof(text), "1 %s ", CM80);
	for (i = 1; i <= SDES_KEYS_MAX; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"%s%s|%d:1", i > 1 ? ";" : "", K1, i);
	ck_assert_int_eq(sdes_parse_crypto(text, off, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.nkeys, SDES_KEYS_MAX);
	ck_assert_uint_eq(c.keys[15].mki[0], 16);
	snprintf(text + off, sizeof(text) - off, ";%s|17:1", K2);
	ck_assert_int_eq(sdes_parse_crypto(text, strlen(text), &c, err,
					   sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "more than 16"));
	ck_assert_uint_eq(c.keys[0].key[0], 0);
}
END_TEST

START_TEST(crypto_format)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "1 " CM80 " " K1, "1 " CM80 " " K1 },
		/* canonical order, '-' and FEC_KEY dropped, KDR without 0 */
		{ "0 " CM80 "\t" K1 "|2^20|1:4;" K2 "|1048576|2:4 -X FEC_ORDER=FEC_SRTP WSH=128 KDR=03 UNAUTHENTICATED_SRTP FEC_KEY=" K2 " UNENCRYPTED_SRTCP UNENCRYPTED_SRTP ",
		  "0 " CM80 " " K1 "|2^20|1:4;" K2 "|1048576|2:4 UNENCRYPTED_SRTP UNENCRYPTED_SRTCP UNAUTHENTICATED_SRTP KDR=3 WSH=128 FEC_ORDER=FEC_SRTP" },
		{ "42 AES_256_CM_HMAC_SHA1_80 " K256 " FEC_ORDER=SRTP_FEC",
		  "42 AES_256_CM_HMAC_SHA1_80 " K256 "== FEC_ORDER=SRTP_FEC" },
	};
	struct sdes_crypto c;
	char out[1024], err[256] = "";
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_msg(sdes_parse_crypto(t[i].in, strlen(t[i].in), &c,
						err, sizeof(err)) == 0, "%s", err);
		ck_assert_int_eq(sdes_format_crypto(&c, out, sizeof(out)),
				 (int)strlen(t[i].out));
		ck_assert_str_eq(out, t[i].out);
		/* one byte short: -1 and nothing of the key left */
		n = strlen(t[i].out);
		memset(out, 'x', sizeof(out));
		ck_assert_int_eq(sdes_format_crypto(&c, out, n), -1);
		ck_assert_ptr_null(memmem(out, n, "inline:", 7));
		ck_assert_int_eq(sdes_format_crypto(&c, out, n + 1), (int)n);
		sdes_crypto_wipe(&c);
	}
	/* an unknown suite has nothing to write */
	ck_assert_int_eq(sdes_parse_crypto("1 NEW_SUITE inline:x", 20, &c, err,
					   sizeof(err)), 0);
	ck_assert_int_eq(sdes_format_crypto(&c, out, sizeof(out)), -1);
}
END_TEST

static Suite *sdes_suite(void)
{
	Suite *s = suite_create("sdes");
	TCase *tc = tcase_create("key-params");

	tcase_add_test(tc, bulletin_key);
	tcase_add_test(tc, rfc4568_example_lifetime_mki);
	tcase_add_test(tc, padded_and_unpadded_256);
	tcase_add_test(tc, lifetimes);
	tcase_add_test(tc, mkis);
	tcase_add_test(tc, bad_keys);
	tcase_add_test(tc, format_round_trip);
	tcase_add_test(tc, suite_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("crypto");
	tcase_add_loop_test(tc, crypto_accepted, 0,
			    sizeof(good_crypto) / sizeof(good_crypto[0]));
	tcase_add_loop_test(tc, crypto_rejected, 0,
			    sizeof(bad_crypto) / sizeof(bad_crypto[0]));
	tcase_add_test(tc, crypto_too_many_keys);
	tcase_add_test(tc, crypto_format);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(sdes_suite)
