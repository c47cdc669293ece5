/* SPDX-License-Identifier: GPL-2.0 */
/*
 * selftest.h - known-answer self-tests run at module load.
 */

#ifndef _NF_SRTP_SELFTEST_H
#define _NF_SRTP_SELFTEST_H

/*
 * Runs every known-answer test against the crypto backend (after
 * nf_srtp_crypto_init()).  Returns 0, or -EINVAL after logging the
 * vector that failed; process context, may sleep.
 */
int nf_srtp_selftest(void);

#endif /* _NF_SRTP_SELFTEST_H */
