// SPDX-License-Identifier: GPL-2.0
/*
 * sdes: RFC 4568 crypto attribute syntax.
 */

#include <stdio.h>
#include <string.h>

#include "errmsg.h"
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
		errmsg_set(err, errlen, "unknown crypto suite");
		return -1;
	}
	if (len < 7 || memcmp(text, "inline:", 7)) {
		errmsg_set(err, errlen, "key-params must use the \"inline:\" method");
		return -1;
	}
	p += 7;
	bar = memchr(p, '|', (size_t)(end - p));
	if (!bar)
		bar = end;
	n = sdes_b64_decode(p, (size_t)(bar - p), raw, sizeof(raw));
	if (n < 0) {
		errmsg_set(err, errlen, "key||salt is not valid base64");
		goto fail;
	}
	if ((unsigned int)n != si->key_len + si->salt_len) {
		errmsg_set(err, errlen, "key||salt is %d bytes, %s needs %u", n,
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
				errmsg_set(err, errlen, "invalid MKI (MKI:LENGTH, length 1-128, at most once)");
				goto fail;
			}
		} else if (out->lifetime || out->mki_len ||
			   parse_lifetime(field, (size_t)(bar - field),
					  si->max_lifetime, out)) {
			errmsg_set(err, errlen, "invalid lifetime (decimal or 2^n, 1 to 2^48, before the MKI, at most once)");
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

/*
 * a=crypto (RFC 4568 section 9.1):
 *   tag 1*WSP crypto-suite 1*WSP key-params *(";" key-params)
 *   [1*WSP session-param *(1*WSP session-param)]
 */

/* "inline:", 64 base64 characters, |lifetime, |MKI of 309 digits:128 */
#define KEYPARAMS_TEXT_MAX	512
#define WSH_MAX			(1ULL << 31)

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* The next word separated by SP or TAB; false when there is none. */
static bool next_word(const char **p, const char *end, const char **w,
		      size_t *n)
{
	const char *s = *p;

	while (s < end && is_wsp(*s))
		s++;
	if (s == end)
		return false;
	*w = s;
	while (s < end && !is_wsp(*s))
		s++;
	*n = (size_t)(s - *w);
	*p = s;
	return true;
}

/* tag = 1*9DIGIT; one spelling per value, so no leading zero. */
static int parse_tag(const char *s, size_t n, unsigned long *tag)
{
	uint64_t v;

	if (n > 9 || (n > 1 && s[0] == '0') ||
	    parse_decimal(s, n, SDES_TAG_MAX, &v))
		return -1;
	*tag = (unsigned long)v;
	return 0;
}

/* crypto-suite = 1*(ALPHA / DIGIT / "_") */
static bool is_suite_name(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '_')
			return false;
	return n > 0;
}

/*
 * With more than one key-params every key is told apart by its MKI
 * (RFC 4568 6.1 and 9.1; RFC 3711 3.1): each has one, of one length, and
 * no two are equal.
 */
static int check_mkis(const struct sdes_key *keys, unsigned int n,
		      const char *what, char *err, size_t errlen)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		if (!keys[i].mki_len) {
			errmsg_set(err, errlen, "%s %u has no MKI; with several key-params each needs one",
				what, i + 1);
			return -1;
		}
		if (keys[i].mki_len != keys[0].mki_len) {
			errmsg_set(err, errlen, "%s %u has a %u-byte MKI, %s 1 a %u-byte one; MKI lengths must match",
				what, i + 1, keys[i].mki_len, what,
				keys[0].mki_len);
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (memcmp(keys[i].mki, keys[j].mki, keys[i].mki_len))
				continue;
			errmsg_set(err, errlen, "%s %u and %u have the same MKI",
				what, j + 1, i + 1);
			return -1;
		}
	}
	return 0;
}

/* key-params *(";" key-params) into @keys; wiped again on error. */
static int parse_key_list(enum sdes_suite suite, const char *s, size_t len,
			  struct sdes_key *keys, unsigned int *nkeys,
			  const char *what, char *err, size_t errlen)
{
	const char *p = s, *end = s + len;
	unsigned int n = 0;
	char kerr[128];

	for (;;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;

		if (n == SDES_KEYS_MAX) {
			errmsg_set(err, errlen, "more than %d %s", SDES_KEYS_MAX,
				what);
			goto fail;
		}
		if (stop == p) {
			errmsg_set(err, errlen, "%s %u is empty", what, n + 1);
			goto fail;
		}
		/* sdes_parse_key()'s messages never hold key material. */
		if (sdes_parse_key(suite, p, (size_t)(stop - p), &keys[n],
				   kerr, sizeof(kerr))) {
			errmsg_set(err, errlen, "%s %u: %s", what, n + 1, kerr);
			goto fail;
		}
		n++;
		if (!semi)
			break;
		p = semi + 1;
	}
	if (n > 1 && check_mkis(keys, n, what, err, errlen))
		goto fail;
	*nkeys = n;
	return 0;

fail:
	explicit_bzero(keys, sizeof(*keys) * (n < SDES_KEYS_MAX ? n + 1 : n));
	*nkeys = 0;
	return -1;
}

enum {
	SP_UNENCRYPTED_SRTP	= 1 << 0,
	SP_UNENCRYPTED_SRTCP	= 1 << 1,
	SP_UNAUTHENTICATED_SRTP	= 1 << 2,
	SP_KDR			= 1 << 3,
	SP_WSH			= 1 << 4,
	SP_FEC_ORDER		= 1 << 5,
	SP_FEC_KEY		= 1 << 6,
};

static const struct {
	const char *name;
	unsigned int bit;
	bool has_value;
} session_params[] = {
	{ "UNENCRYPTED_SRTP", SP_UNENCRYPTED_SRTP, false },
	{ "UNENCRYPTED_SRTCP", SP_UNENCRYPTED_SRTCP, false },
	{ "UNAUTHENTICATED_SRTP", SP_UNAUTHENTICATED_SRTP, false },
	{ "KDR", SP_KDR, true },
	{ "WSH", SP_WSH, true },
	{ "FEC_ORDER", SP_FEC_ORDER, true },
	{ "FEC_KEY", SP_FEC_KEY, true },
};

static int param_value(struct sdes_crypto *c, unsigned int bit,
		       const char *v, size_t n, char *err, size_t errlen)
{
	struct sdes_key fec[SDES_KEYS_MAX];
	unsigned int nfec;
	uint64_t x;

	switch (bit) {
	case SP_KDR:	/* "KDR=" 1*2DIGIT, 0..24 (RFC 4568 6.3.1) */
		if (n > 2 || parse_decimal(v, n, 24, &x)) {
			errmsg_set(err, errlen, "KDR must be 0 to 24");
			return -1;
		}
		c->kdr = (int)x;
		return 0;
	case SP_WSH:	/* "WSH=" 1*DIGIT, at least 64 (RFC 4568 6.3.6) */
		if (parse_decimal(v, n, WSH_MAX, &x) || x < 64) {
			errmsg_set(err, errlen, "WSH must be 64 to 2^31");
			return -1;
		}
		c->wsh = (unsigned long)x;
		return 0;
	case SP_FEC_ORDER:
		if (n == 8 && !memcmp(v, "FEC_SRTP", 8)) {
			c->fec_order = SDES_FEC_SRTP;
		} else if (n == 8 && !memcmp(v, "SRTP_FEC", 8)) {
			c->fec_order = SDES_SRTP_FEC;
		} else {
			errmsg_set(err, errlen, "FEC_ORDER must be FEC_SRTP or SRTP_FEC");
			return -1;
		}
		return 0;
	case SP_FEC_KEY:
		/* Checked like the main keys, then forgotten: no FEC here. */
		if (parse_key_list(c->suite, v, n, fec, &nfec,
				   "FEC_KEY key-params", err, errlen))
			return -1;
		explicit_bzero(fec, sizeof(fec));
		c->fec_key = true;
		return 0;
	}
	return -1;
}

/* A name to echo in a message: short, upper case, so never key text. */
static bool echoable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '_')
			return false;
	return n > 0 && n <= 24;
}

static int parse_session_param(struct sdes_crypto *c, const char *w,
			       size_t n, unsigned int *seen, char *err,
			       size_t errlen)
{
	const char *eq = memchr(w, '=', n);
	size_t nlen = eq ? (size_t)(eq - w) : n, i;

	for (i = 0; i < sizeof(session_params) / sizeof(session_params[0]);
	     i++) {
		const char *name = session_params[i].name;
		unsigned int bit = session_params[i].bit;

		if (strlen(name) != nlen || memcmp(name, w, nlen))
			continue;
		if (*seen & bit) {
			errmsg_set(err, errlen, "session parameter %s given twice",
				name);
			return -1;
		}
		*seen |= bit;
		if (eq && !session_params[i].has_value) {
			errmsg_set(err, errlen, "%s takes no value", name);
			return -1;
		}
		if (!eq && session_params[i].has_value) {
			errmsg_set(err, errlen, "%s needs a value (%s=...)", name,
				name);
			return -1;
		}
		if (eq)
			return param_value(c, bit, eq + 1, n - nlen - 1, err,
					   errlen);
		c->unencrypted_srtp |= bit == SP_UNENCRYPTED_SRTP;
		c->unencrypted_srtcp |= bit == SP_UNENCRYPTED_SRTCP;
		c->unauthenticated_srtp |= bit == SP_UNAUTHENTICATED_SRTP;
		return 0;
	}
	/* RFC 4568 6.3: '-' marks a parameter that may be ignored. */
	if (w[0] == '-') {
		c->ignored_params++;
		return 0;
	}
	if (n >= 7 && !memcmp(w, "inline:", 7))
		errmsg_set(err, errlen, "key-params after whitespace; several key-params are joined by ';'");
	else if (echoable(w, nlen))
		errmsg_set(err, errlen, "unknown session parameter %.*s",
			(int)nlen, w);
	else
		errmsg_set(err, errlen, "unknown session parameter");
	return -1;
}

static int parse_crypto(const char *text, size_t len, struct sdes_crypto *out,
			char *err, size_t errlen)
{
	const char *p = text, *end = text + len, *w;
	unsigned int seen = 0;
	size_t n, i;

	/* 9.1 admits VCHAR and WSP only; no control bytes reach a log. */
	for (i = 0; i < len; i++)
		if (!is_wsp(text[i]) && (text[i] < 0x21 || text[i] > 0x7e)) {
			errmsg_set(err, errlen, "invalid byte at offset %zu", i);
			return -1;
		}
	if (!len || is_wsp(text[0]) || !next_word(&p, end, &w, &n) ||
	    parse_tag(w, n, &out->tag)) {
		errmsg_set(err, errlen, "tag must come first, 1 to 9 digits without leading zeros");
		return -1;
	}
	if (!next_word(&p, end, &w, &n) || !is_suite_name(w, n)) {
		errmsg_set(err, errlen, "missing or invalid crypto-suite after the tag");
		return -1;
	}
	snprintf(out->suite_name, sizeof(out->suite_name), "%.*s",
		 (int)(n < sizeof(out->suite_name) ? n : sizeof(out->suite_name) - 1),
		 w);
	out->suite = sdes_suite_by_name(w, n);
	if (!next_word(&p, end, &w, &n)) {
		errmsg_set(err, errlen, "missing key-params after the crypto-suite");
		return -1;
	}
	/* An unknown suite's key and session parameters are its own. */
	if (out->suite == SDES_SUITE_UNKNOWN)
		return 0;
	if (parse_key_list(out->suite, w, n, out->keys, &out->nkeys,
			   "key-params", err, errlen))
		return -1;
	while (next_word(&p, end, &w, &n))
		if (parse_session_param(out, w, n, &seen, err, errlen))
			return -1;
	return 0;
}

int sdes_parse_crypto(const char *text, size_t len, struct sdes_crypto *out,
		      char *err, size_t errlen)
{
	explicit_bzero(out, sizeof(*out));
	out->kdr = -1;
	if (parse_crypto(text, len, out, err, errlen)) {
		sdes_crypto_wipe(out);
		return -1;
	}
	return 0;
}

/* Appends @n bytes of @s at *@off; false when they do not fit with a NUL. */
static bool put(char *buf, size_t size, size_t *off, const char *s, size_t n)
{
	if (n >= size - *off)
		return false;
	memcpy(buf + *off, s, n);
	*off += n;
	buf[*off] = '\0';
	return true;
}

static bool crypto_formattable(const struct sdes_crypto *c,
			       const struct sdes_suite_info *si)
{
	unsigned int i;

	if (!si || !c->nkeys || c->nkeys > SDES_KEYS_MAX ||
	    c->tag > SDES_TAG_MAX || c->kdr < -1 || c->kdr > 24 ||
	    (c->wsh && (c->wsh < 64 || c->wsh > WSH_MAX)) ||
	    c->fec_order > SDES_SRTP_FEC)
		return false;
	for (i = 0; i < c->nkeys; i++)
		if (c->keys[i].key_len != si->key_len ||
		    c->keys[i].salt_len != si->salt_len ||
		    c->keys[i].mki_len > SDES_MKI_MAX)
			return false;
	return true;
}

int sdes_format_crypto(const struct sdes_crypto *c, char *buf, size_t size)
{
	const struct sdes_suite_info *si = sdes_suite_info(c->suite);
	char kp[KEYPARAMS_TEXT_MAX], num[48];
	size_t off = 0;
	unsigned int i;
	int n;

	if (!size || !crypto_formattable(c, si))
		return -1;
	n = snprintf(num, sizeof(num), "%lu ", c->tag);
	if (!put(buf, size, &off, num, (size_t)n) ||
	    !put(buf, size, &off, si->name, strlen(si->name)))
		goto fail;
	for (i = 0; i < c->nkeys; i++) {
		n = sdes_format_key(&c->keys[i], kp, sizeof(kp));
		if (n < 0 || !put(buf, size, &off, i ? ";" : " ", 1) ||
		    !put(buf, size, &off, kp, (size_t)n))
			goto fail;
	}
	explicit_bzero(kp, sizeof(kp));
	if ((c->unencrypted_srtp &&
	     !put(buf, size, &off, " UNENCRYPTED_SRTP", 17)) ||
	    (c->unencrypted_srtcp &&
	     !put(buf, size, &off, " UNENCRYPTED_SRTCP", 18)) ||
	    (c->unauthenticated_srtp &&
	     !put(buf, size, &off, " UNAUTHENTICATED_SRTP", 21)))
		goto fail;
	if (c->kdr >= 0) {
		n = snprintf(num, sizeof(num), " KDR=%d", c->kdr);
		if (!put(buf, size, &off, num, (size_t)n))
			goto fail;
	}
	if (c->wsh) {
		n = snprintf(num, sizeof(num), " WSH=%lu", c->wsh);
		if (!put(buf, size, &off, num, (size_t)n))
			goto fail;
	}
	if (c->fec_order != SDES_FEC_NONE &&
	    !put(buf, size, &off, c->fec_order == SDES_FEC_SRTP ?
		 " FEC_ORDER=FEC_SRTP" : " FEC_ORDER=SRTP_FEC", 19))
		goto fail;
	return (int)off;

fail:
	/* Neither the scratch copy nor a partial line keeps key text. */
	explicit_bzero(kp, sizeof(kp));
	explicit_bzero(buf, size);
	return -1;
}

void sdes_crypto_wipe(struct sdes_crypto *c)
{
	explicit_bzero(c->keys, sizeof(c->keys));
	c->nkeys = 0;
}
