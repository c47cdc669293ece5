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

struct sk_buff;
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

/*
 * The owner of the packet the next per-packet calls on this CPU work on,
 * or NULL: set with bottom halves disabled around them.  Only with an
 * owner do the per-packet functions use the public, possibly
 * asynchronous transforms; when one answers -EINPROGRESS the request
 * takes the owner along, the function returns -EINPROGRESS, the slot is
 * emptied, and the completion frees the skb (kfree_skb()).
 */
void nf_srtp_crypto_set_owner(struct sk_buff *skb);

/*
 * Self-test hooks.  @always: the public transforms even when the FPU is
 * not usable (the simd wrapper then queues to cryptd: -EINPROGRESS).
 * @ownerless: the public transforms without an owner (known-answer tests
 * from process context, where the wrapper runs synchronously).
 */
void nf_srtp_crypto_force_public(bool always, bool ownerless);

/*
 * Waits up to @timeout jiffies until no request is in flight and no key
 * object's free is deferred; returns 0 on timeout (wait_event_timeout()).
 */
long nf_srtp_crypto_drain(long timeout);

#endif /* _NF_SRTP_CRYPTO_H */
