/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srtp_crypto.h - the block cipher and MAC primitives the SRTP core uses.
 *
 * Bound at link time, not through a table of function pointers, so a
 * packet costs no indirect call: kmod/crypto.c implements this interface
 * on the kernel crypto API, daemon/crypto_ossl.c on OpenSSL libcrypto.
 *
 * Key objects are opaque.  They are created when a key is installed
 * (the *_new() functions may sleep and allocate) and the *_free()
 * functions wipe every secret they hold.  The per-packet functions do
 * not allocate.
 *
 * Memory rules, for the kernel backend's scatterlists: @iv, the GCM @tag,
 * a GCM @aad of at most SRTP_CRYPTO_AAD_COPY bytes, and the HMAC inputs
 * and output (a hash takes virtual addresses, not scatterlists) may be on
 * the caller's stack: the backend copies what it maps.  @buf and a longer
 * @aad point into the packet, never into a stack frame.
 *
 * Concurrency: the per-packet functions may run on one key object from
 * several CPUs at once (the core's srtp_crypt() runs outside the caller's
 * per-context lock).  The kernel backend serializes each AES-CTR and
 * AES-GCM object with a lock of its own, around the preallocated request
 * and the copies it keeps; HMAC keeps no per-call state in the object.
 * Only packets of one stream, one direction and one of SRTP or SRTCP
 * share an object, so a stream's RTP and RTCP never wait for each other.
 * The userspace backend keeps per-call state in its objects too and has
 * no lock: its callers (tests, benchmarks, the pcap reader) are
 * single-threaded.
 *
 * All functions return 0 or a negative errno.  The kernel backend's
 * srtp_aes_ctr(), srtp_gcm_encrypt() and srtp_gcm_decrypt() may return
 * -EINPROGRESS, when the hook handed them the packet's owner and an
 * asynchronous transform queued the request (kmod/crypto.c): the request
 * then owns the packet, and the caller must return at once without
 * touching the packet again (SRTP_R_ASYNC).  For that case @buf, and a
 * GCM @aad longer than 16 bytes, must be in the packet; the backend
 * copies @iv, the GCM @tag and a shorter @aad.  Called without an owner,
 * they never return -EINPROGRESS.
 */

#ifndef _SRTP_CRYPTO_H
#define _SRTP_CRYPTO_H

#include "srtp_platform.h"

struct srtp_prf;
struct srtp_aes;
struct srtp_hmac;
struct srtp_gcm;

/*
 * The RFC 3711 4.3.1 pseudo-random function: AES-CM keystream under the
 * master key, whose output is the session keys and salts.  Used only
 * while a key is installed (may sleep and allocate).  Unlike
 * srtp_aes_ctr(), whose keystream is as public as the packet once it is
 * XORed in, every byte of this one is a secret: the backend leaves no
 * copy of it anywhere but @out, and wipes its own buffers (the kernel's
 * CTR drivers leave keystream blocks in their stack frames, which is why
 * the KDF does not use srtp_aes_ctr()).
 */
int srtp_prf_new(struct srtp_prf **out, const u8 *key, unsigned int keylen);
/*
 * Writes (not XORs) @len bytes of keystream to @out; the 128-bit counter
 * block starts at @iv and is incremented as a big-endian integer.
 */
int srtp_prf_keystream(struct srtp_prf *prf, const u8 iv[16], u8 *out,
		       unsigned int len);
void srtp_prf_free(struct srtp_prf *prf);

/* AES with a 16, 24 or 32 byte key, used in counter mode. */
int srtp_aes_new(struct srtp_aes **out, const u8 *key, unsigned int keylen);
/*
 * XORs @len bytes of AES-CTR keystream into @buf; the 128-bit counter
 * block starts at @iv and is incremented as a big-endian integer.
 */
int srtp_aes_ctr(struct srtp_aes *aes, const u8 iv[16], u8 *buf,
		 unsigned int len);
void srtp_aes_free(struct srtp_aes *aes);

/* HMAC-SHA1; the backend precomputes the keyed inner and outer states. */
int srtp_hmac_new(struct srtp_hmac **out, const u8 *key, unsigned int keylen);
/* HMAC over @a || @b (@b may be NULL when @blen is 0); 20 bytes out. */
int srtp_hmac_sha1(struct srtp_hmac *h, const u8 *a, unsigned int alen,
		   const u8 *b, unsigned int blen, u8 out[20]);
void srtp_hmac_free(struct srtp_hmac *h);

/* A GCM AAD up to this long may be on the stack (SRTCP's is 12 bytes). */
#define SRTP_CRYPTO_AAD_COPY	16

/* AES-GCM with a 16 or 32 byte key, 12 byte IV and 16 byte tag. */
int srtp_gcm_new(struct srtp_gcm **out, const u8 *key, unsigned int keylen);
/* Encrypts @buf in place and writes the 16 byte tag to @tag. */
int srtp_gcm_encrypt(struct srtp_gcm *g, const u8 iv[12], const u8 *aad,
		     unsigned int aadlen, u8 *buf, unsigned int len, u8 *tag);
/*
 * Decrypts @buf in place; -EBADMSG when the tag does not verify.  After
 * a failure the content of @buf is unspecified (the kernel's AEAD API
 * promises nothing else): a caller that needs the ciphertext again keeps
 * a copy (srtp_scratch()).
 */
int srtp_gcm_decrypt(struct srtp_gcm *g, const u8 iv[12], const u8 *aad,
		     unsigned int aadlen, u8 *buf, unsigned int len,
		     const u8 *tag);
void srtp_gcm_free(struct srtp_gcm *g);

/*
 * A buffer of at least @len bytes where the core keeps a copy of a
 * packet during one per-packet call, or NULL if there is none that
 * large.  Exists once an srtp_gcm key object does; valid until the
 * per-packet call returns, and used by nothing else meanwhile (kernel:
 * one per CPU, and the per-packet functions run with bottom halves
 * disabled).  It holds public data only
 * (ciphertext) and is not wiped.  SRTP_SCRATCH_SIZE covers any UDP
 * payload.
 */
#define SRTP_SCRATCH_SIZE	65536
u8 *srtp_scratch(unsigned int len);

#endif /* _SRTP_CRYPTO_H */
