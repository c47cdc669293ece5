/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ref_srtp: libsrtp2, the reference implementation, configured the way
 * RFC 3711/4568 say, for the tests and tools that check our output.
 */

#ifndef NFSRTP_REF_SRTP_H
#define NFSRTP_REF_SRTP_H

#include <srtp2/srtp.h>

/* RFC 4568 session parameters, as NF_SRTP_F_* in the UAPI header. */
#define REF_UNENCRYPTED_SRTP		0x1
#define REF_UNENCRYPTED_SRTCP		0x2
#define REF_UNAUTHENTICATED_SRTP	0x4

/*
 * Crypto policies of @suite (numbered as enum sdes_suite and the UAPI's
 * enum nf_srtp_suite) with the session parameters @flags.  The _32 suites
 * get an 80-bit SRTCP tag (RFC 4568 6.2), which libsrtp2 does only when
 * given a separate RTCP policy.  Returns 0, or -1 for an unknown suite.
 */
int ref_srtp_policy(unsigned int suite, unsigned int flags,
		    srtp_crypto_policy_t *rtp, srtp_crypto_policy_t *rtcp);

#endif /* NFSRTP_REF_SRTP_H */
