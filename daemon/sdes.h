/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdes: the syntax of RFC 4568 (SDP Security Descriptions) crypto
 * attributes: suite names and key-params ("inline:" key||salt, lifetime,
 * MKI).  Syntax only: what a policy accepts is decided elsewhere.
 */

#ifndef NFSRTP_SDES_H
#define NFSRTP_SDES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDES_KEY_MAX	32
#define SDES_SALT_MAX	14
#define SDES_MKI_MAX	128

/* Numbered as enum nf_srtp_suite in the UAPI header. */
enum sdes_suite {
	SDES_SUITE_UNKNOWN = 0,
	SDES_AES_CM_128_HMAC_SHA1_80 = 1,
	SDES_AES_CM_128_HMAC_SHA1_32,
	SDES_AES_192_CM_HMAC_SHA1_80,
	SDES_AES_192_CM_HMAC_SHA1_32,
	SDES_AES_256_CM_HMAC_SHA1_80,
	SDES_AES_256_CM_HMAC_SHA1_32,
	SDES_AEAD_AES_128_GCM,
	SDES_AEAD_AES_256_GCM,
	SDES_SUITE_COUNT
};

struct sdes_suite_info {
	const char *name;
	unsigned int key_len;
	unsigned int salt_len;
	uint64_t max_lifetime;	/* 2^48 for SRTP (RFC 3711 9.2) */
};

/* One key-params of RFC 4568 section 9.2 (the "inline" method). */
struct sdes_key {
	uint8_t key[SDES_KEY_MAX];
	uint8_t salt[SDES_SALT_MAX];
	unsigned int key_len;
	unsigned int salt_len;
	uint64_t lifetime;		/* packets; 0 when not given */
	bool lifetime_pow2;		/* written as 2^n */
	unsigned int mki_len;		/* bytes; 0 when no MKI */
	uint8_t mki[SDES_MKI_MAX];	/* big-endian value of mki_len bytes */
};

enum sdes_suite sdes_suite_by_name(const char *name, size_t len);
const struct sdes_suite_info *sdes_suite_info(enum sdes_suite suite);

/*
 * Parses one key-params, e.g.
 *   inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4
 * for @suite.  Padded and unpadded base64 are accepted.  Returns 0, or -1
 * with a message in @err (never containing key material).
 */
int sdes_parse_key(enum sdes_suite suite, const char *text, size_t len,
		   struct sdes_key *out, char *err, size_t errlen);

/* Writes @k as key-params into @buf; returns the length or -1. */
int sdes_format_key(const struct sdes_key *k, char *buf, size_t size);

/* Base64 (RFC 4648), padded on output; decode accepts missing padding. */
int sdes_b64_decode(const char *in, size_t len, uint8_t *out, size_t outlen);
size_t sdes_b64_encode(const uint8_t *in, size_t len, char *out);

/* Wipes a key. */
void sdes_key_wipe(struct sdes_key *k);

/* A whole a=crypto attribute (RFC 4568 section 9.1). */
#define SDES_KEYS_MAX	16	/* key-params in one attribute */
#define SDES_TAG_MAX	999999999UL	/* tag = 1*9DIGIT */

enum sdes_fec_order {
	SDES_FEC_NONE = 0,
	SDES_FEC_SRTP,		/* FEC_ORDER=FEC_SRTP */
	SDES_SRTP_FEC,		/* FEC_ORDER=SRTP_FEC */
};

struct sdes_crypto {
	unsigned long tag;		/* 0..SDES_TAG_MAX */
	enum sdes_suite suite;		/* SDES_SUITE_UNKNOWN: not one of ours */
	char suite_name[64];		/* as written (truncated if longer) */
	struct sdes_key keys[SDES_KEYS_MAX];
	unsigned int nkeys;		/* 0 only when the suite is unknown */
	/* session parameters */
	bool unencrypted_srtp;		/* UNENCRYPTED_SRTP */
	bool unencrypted_srtcp;		/* UNENCRYPTED_SRTCP */
	bool unauthenticated_srtp;	/* UNAUTHENTICATED_SRTP */
	int kdr;			/* KDR=n, 0..24; -1 when absent */
	unsigned long wsh;		/* WSH=n, at least 64; 0 when absent */
	enum sdes_fec_order fec_order;
	bool fec_key;			/* FEC_KEY=... present (checked, unused) */
	unsigned int ignored_params;	/* unknown '-' parameters skipped */
};

/*
 * Parses the value of an a=crypto attribute, the text after "crypto:":
 *   1 AES_CM_128_HMAC_SHA1_80 inline:KEY||SALT|2^20|1:4 UNENCRYPTED_SRTCP
 * Key-params are separated by ';'; with more than one, each carries an MKI
 * and all MKIs have one length and differ.  A suite this code does not know
 * is not an error: the result has SDES_SUITE_UNKNOWN and no keys, and the
 * caller skips the line (RFC 4568 6.1).  An unknown session parameter
 * makes the line invalid unless its name starts with '-'.  Returns 0, or -1
 * with a message in @err that never contains key material.
 */
int sdes_parse_crypto(const char *text, size_t len, struct sdes_crypto *out,
		      char *err, size_t errlen);

/* Writes @c as an a=crypto value (no "crypto:"); the length, or -1. */
int sdes_format_crypto(const struct sdes_crypto *c, char *buf, size_t size);

/* Wipes every key of @c. */
void sdes_crypto_wipe(struct sdes_crypto *c);

#endif /* NFSRTP_SDES_H */
