/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crypto.h - module-wide state of the kernel crypto backend (crypto.c).
 *
 * The per-key interface is srtp_crypto.h; this adds what the module
 * itself needs: setting up the shared transforms once at load time, and
 * hooks for the known-answer self-tests.
 */

#ifndef _NF_SRTP_CRYPTO_H
#define _NF_SRTP_CRYPTO_H

#include <linux/types.h>

struct srtp_aes;
struct srtp_gcm;

/*
 * Allocates the shared SHA-1 transform and resolves, once, which AES-CTR
 * and AES-GCM drivers the key objects will use.  Process context.
 */
int nf_srtp_crypto_init(void);
void nf_srtp_crypto_exit(void);

/* Driver names chosen by nf_srtp_crypto_init(), for the log. */
const char *nf_srtp_crypto_ctr_driver(bool generic);
const char *nf_srtp_crypto_gcm_driver(bool generic);
const char *nf_srtp_crypto_sha1_driver(void);

/*
 * Self-test hook: while set, the per-packet functions take the generic
 * (non-SIMD) path they otherwise use only when the FPU is busy, so both
 * paths are checked against the known answers.  Only called from module
 * init, before any key exists.
 */
void nf_srtp_crypto_force_generic(bool on);

#endif /* _NF_SRTP_CRYPTO_H */
