/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srtp_platform.h - what the portable SRTP core needs from its host.
 *
 * kmod/srtp.c is compiled both into the kernel module and into userspace
 * programs (daemon, unit tests).  It includes nothing but its own three
 * headers; this one maps the few host services it uses onto the kernel
 * or onto libc.
 */

#ifndef _SRTP_PLATFORM_H
#define _SRTP_PLATFORM_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <crypto/algapi.h>

/* Seconds of a monotonic clock, for SSRC idle times: cheap per packet. */
static inline u32 srtp_now(void)
{
	return (u32)div_u64(get_jiffies_64(), HZ);
}

/*
 * Allocations happen only when a context or a key is installed, on
 * behalf of whoever installs it: charged to its memory cgroup.
 */
static inline void *srtp_zalloc(size_t size)
{
	return kzalloc(size, GFP_KERNEL_ACCOUNT);
}

/* Wipes and frees; @size is what was given to srtp_zalloc(). */
static inline void srtp_zfree(void *p, size_t size)
{
	kfree_sensitive(p);
}

#else /* !__KERNEL__ */

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

/* The kernel's names, from the UAPI types every Linux libc ships. */
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

/* The compiler must not drop the wipe of a buffer about to be freed. */
static inline void memzero_explicit(void *s, size_t count)
{
	explicit_bzero(s, count);
}

static inline void *srtp_zalloc(size_t size)
{
	return calloc(1, size);
}

/*
 * Seconds of a monotonic clock (CLOCK_MONOTONIC_COARSE), plus
 * srtp_clock_skew, which tests advance to age SSRCs; with
 * srtp_clock_frozen, srtp_clock_skew alone, so that a slow run cannot
 * age one by itself.  They live in the userspace crypto backend
 * (daemon/crypto_ossl.c).
 */
extern u32 srtp_clock_skew;
extern bool srtp_clock_frozen;
u32 srtp_now(void);

/* Makes a failed GCM decrypt scramble its buffer (tests). */
extern bool srtp_ossl_gcm_scramble;

static inline void srtp_zfree(void *p, size_t size)
{
	if (!p)
		return;
	explicit_bzero(p, size);
	free(p);
}

/*
 * Constant-time comparison (same contract as the kernel's): returns zero
 * when equal, nonzero otherwise, in time that depends only on @size.
 */
static inline unsigned long crypto_memneq(const void *a, const void *b,
					  size_t size)
{
	const u8 *x = a;
	const u8 *y = b;
	unsigned long neq = 0;

	while (size--) {
		neq |= *x++ ^ *y++;
		/* Keep the compiler from exiting the loop early. */
		__asm__ ("" : "+r" (neq));
	}
	return neq;
}

#endif /* __KERNEL__ */

#endif /* _SRTP_PLATFORM_H */
