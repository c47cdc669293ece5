// SPDX-License-Identifier: GPL-2.0
/*
 * sdes: RFC 4568 crypto attribute syntax.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sdes.h"

#define LIFETIME_2_48 (1ULL << 48)

static const struct sdes_suite_info suites[SDES_SUITE_COUNT] = {
	[SDES_AES_CM_128_HMAC_SHA1_80] = { "AES_CM_128_HMAC_SHA1_80", 16, 14, LIFETIME_2_48 },
	[SDES_AES_CM_128_HMAC_SHA1_32] = { "AES_CM_128_HMAC_SHA1_32", 16, 14, LIFETIME_2_48 },
	[SDES_AES_192_CM_HMAC_SHA1_80] = { "AES_192_CM_HMAC_SHA1_80", 24, 14, LIFETIME_2_48 },
	[SDES_AES_192_CM_HMAC_SHA1_32] = { "AES_192_CM_HMAC_SHA1_32", 24, 14, LIFETIME_2_48 },
	[SDES_AES_256_CM_HMAC_SHA1_80] = { "AES_256_CM_HMAC_SHA1_80", 32, 14, LIFETIME_2_48 },
	[SDES_AES_256_CM_HMAC_SHA1_32] = { "AES_256_CM_HMAC_SHA1_32", 32, 14, LIFETIME_2_48 },
	[SDES_AEAD_AES_128_GCM] = { "AEAD_AES_128_GCM", 16, 12, LIFETIME_2_48 },
	[SDES_AEAD_AES_256_GCM] = { "AEAD_AES_256_GCM", 32, 12, LIFETIME_2_48 },
};

enum sdes_suite sdes_suite_by_name(const char *name, size_t len)
{
	int i;

	for (i = 1; i < SDES_SUITE_COUNT; i++)
		if (strlen(suites[i].name) == len &&
		    !memcmp(suites[i].name, name, len))
			return i;
	return SDES_SUITE_UNKNOWN;
}

const struct sdes_suite_info *sdes_suite_info(enum sdes_suite suite)
{
	if (suite <= SDES_SUITE_UNKNOWN || suite >= SDES_SUITE_COUNT)
		return NULL;
	return &suites[suite];
}

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char c)
{
	const char *p = c ? strchr(b64chars, c) : NULL;

	return p ? (int)(p - b64chars) : -1;
}

int sdes_b64_decode(const char *in, size_t len, uint8_t *out, size_t outlen)
{
	size_t n = 0, i, pad = 0;
	uint32_t acc = 0;
	int bits = 0;

	while (len && in[len - 1] == '=' && pad < 2) {
		len--;
		pad++;
	}
	if (pad && (len + pad) % 4)
		return -1;
	if (len % 4 == 1)
		return -1;
	for (i = 0; i < len; i++) {
		int v = b64_value(in[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == outlen)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	/* Leftover bits must be zero: one encoding per value. */
	if (bits && (acc & ((1u << bits) - 1)))
		return -1;
	return (int)n;
}

size_t sdes_b64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];

		out[o++] = b64chars[v >> 18];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = b64chars[(v >> 6) & 63];
		out[o++] = b64chars[v & 63];
	}
	if (i < len) {
		uint32_t v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0);

		out[o++] = b64chars[v >> 18];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = i + 1 < len ? b64chars[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* 1*DIGIT without overflow past @max; no sign, no leading '+'. */
static int parse_decimal(const char *s, size_t len, uint64_t max,
			 uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 20)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* lifetime = ["2^"] 1*(DIGIT) (RFC 4568 9.2), at most the suite's. */
static int parse_lifetime(const char *s, size_t len, uint64_t max,
			  struct sdes_key *k)
{
	uint64_t v;

	if (len > 2 && s[0] == '2' && s[1] == '^') {
		if (parse_decimal(s + 2, len - 2, 63, &v))
			return -1;
		k->lifetime = 1ULL << v;
		k->lifetime_pow2 = true;
	} else {
		if (parse_decimal(s, len, UINT64_MAX, &v))
			return -1;
		k->lifetime = v;
		k->lifetime_pow2 = false;
	}
	if (!k->lifetime || k->lifetime > max)
		return -1;
	return 0;
}

/* mki-value ":" mki-length: a decimal value stored in length bytes. */
static int parse_mki(const char *s, size_t len, struct sdes_key *k)
{
	const char *colon = memchr(s, ':', len);
	uint64_t mlen;
	size_t i, j;

	if (!colon || parse_decimal(colon + 1, len - (size_t)(colon + 1 - s),
				    SDES_MKI_MAX, &mlen) || mlen < 1 ||
	    colon == s)
		return -1;
	memset(k->mki, 0, sizeof(k->mki));
	k->mki_len = (unsigned int)mlen;
	/* Arbitrary precision: mki = mki * 10 + digit, big-endian bytes. */
	for (i = 0; s + i < colon; i++) {
		unsigned int carry;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		carry = (unsigned int)(s[i] - '0');
		for (j = k->mki_len; j-- > 0;) {
			unsigned int v = k->mki[j] * 10u + carry;

			k->mki[j] = (uint8_t)v;
			carry = v >> 8;
		}
		if (carry)
			return -1;	/* does not fit in mki-length bytes */
	}
	return 0;
}

int sdes_parse_key(enum sdes_suite suite, const char *text, size_t len,
		   struct sdes_key *out, char *err, size_t errlen)
{
	const struct sdes_suite_info *si = sdes_suite_info(suite);
	uint8_t raw[SDES_KEY_MAX + SDES_SALT_MAX + 3];
	const char *p = text, *end = text + len, *bar;
	int n;

	memset(out, 0, sizeof(*out));
	if (!si) {
		set_err(err, errlen, "unknown crypto suite");
		return -1;
	}
	if (len < 7 || memcmp(text, "inline:", 7)) {
		set_err(err, errlen, "key-params must use the \"inline:\" method");
		return -1;
	}
	p += 7;
	bar = memchr(p, '|', (size_t)(end - p));
	if (!bar)
		bar = end;
	n = sdes_b64_decode(p, (size_t)(bar - p), raw, sizeof(raw));
	if (n < 0) {
		set_err(err, errlen, "key||salt is not valid base64");
		goto fail;
	}
	if ((unsigned int)n != si->key_len + si->salt_len) {
		set_err(err, errlen, "key||salt is %d bytes, %s needs %u", n,
			si->name, si->key_len + si->salt_len);
		goto fail;
	}
	out->key_len = si->key_len;
	out->salt_len = si->salt_len;
	memcpy(out->key, raw, si->key_len);
	memcpy(out->salt, raw + si->key_len, si->salt_len);
	explicit_bzero(raw, sizeof(raw));

	/* Then optionally |lifetime, then optionally |MKI:length. */
	p = bar;
	while (p < end) {
		const char *field = p + 1;

		bar = memchr(field, '|', (size_t)(end - field));
		if (!bar)
			bar = end;
		if (memchr(field, ':', (size_t)(bar - field))) {
			if (out->mki_len || parse_mki(field, (size_t)(bar - field), out)) {
				set_err(err, errlen, "invalid MKI \"%.*s\" (MKI:LENGTH, length 1-128)",
					(int)(bar - field), field);
				goto fail;
			}
		} else if (out->lifetime || out->mki_len ||
			   parse_lifetime(field, (size_t)(bar - field),
					  si->max_lifetime, out)) {
			set_err(err, errlen, "invalid lifetime \"%.*s\" (decimal or 2^n, at most 2^48)",
				(int)(bar - field), field);
			goto fail;
		}
		p = bar;
	}
	return 0;

fail:
	explicit_bzero(raw, sizeof(raw));
	sdes_key_wipe(out);
	return -1;
}

static void put_mki_decimal(const struct sdes_key *k, char *buf, size_t size)
{
	uint8_t v[SDES_MKI_MAX];
	char digits[SDES_MKI_MAX * 3 + 2];
	size_t nd = 0, i;
	bool zero;

	memcpy(v, k->mki, k->mki_len);
	do {
		unsigned int rem = 0;

		zero = true;
		for (i = 0; i < k->mki_len; i++) {
			unsigned int cur = rem << 8 | v[i];

			v[i] = (uint8_t)(cur / 10);
			rem = cur % 10;
			if (v[i])
				zero = false;
		}
		digits[nd++] = (char)('0' + rem);
	} while (!zero);
	for (i = 0; i < nd && i + 1 < size; i++)
		buf[i] = digits[nd - 1 - i];
	buf[i < size ? i : size - 1] = '\0';
}

int sdes_format_key(const struct sdes_key *k, char *buf, size_t size)
{
	uint8_t raw[SDES_KEY_MAX + SDES_SALT_MAX];
	char b64[(sizeof(raw) + 2) / 3 * 4 + 1];
	char mki[SDES_MKI_MAX * 3 + 2];
	int n, off;

	memcpy(raw, k->key, k->key_len);
	memcpy(raw + k->key_len, k->salt, k->salt_len);
	sdes_b64_encode(raw, k->key_len + k->salt_len, b64);
	explicit_bzero(raw, sizeof(raw));
	n = snprintf(buf, size, "inline:%s", b64);
	explicit_bzero(b64, sizeof(b64));
	if (n < 0 || (size_t)n >= size)
		return -1;
	off = n;
	if (k->lifetime) {
		if (k->lifetime_pow2)
			n = snprintf(buf + off, size - off, "|2^%d",
				     __builtin_ctzll(k->lifetime));
		else
			n = snprintf(buf + off, size - off, "|%llu",
				     (unsigned long long)k->lifetime);
		if (n < 0 || (size_t)n >= size - off)
			return -1;
		off += n;
	}
	if (k->mki_len) {
		put_mki_decimal(k, mki, sizeof(mki));
		n = snprintf(buf + off, size - off, "|%s:%u", mki, k->mki_len);
		if (n < 0 || (size_t)n >= size - off)
			return -1;
		off += n;
	}
	return off;
}

void sdes_key_wipe(struct sdes_key *k)
{
	explicit_bzero(k, sizeof(*k));
}
