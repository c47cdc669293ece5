// SPDX-License-Identifier: GPL-2.0
/*
 * ref_srtp: libsrtp2 policies that follow the RFCs.
 */

#include "ref_srtp.h"

int ref_srtp_policy(unsigned int suite, unsigned int flags,
		    srtp_crypto_policy_t *rtp, srtp_crypto_policy_t *rtcp)
{
	switch (suite) {
	case 1:	/* AES_CM_128_HMAC_SHA1_80 */
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtcp);
		break;
	case 2:	/* AES_CM_128_HMAC_SHA1_32 */
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtcp);
		break;
	case 3:	/* AES_192_CM_HMAC_SHA1_80 */
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(rtp);
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(rtcp);
		break;
	case 4:	/* AES_192_CM_HMAC_SHA1_32 */
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32(rtp);
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(rtcp);
		break;
	case 5:	/* AES_256_CM_HMAC_SHA1_80 */
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtp);
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtcp);
		break;
	case 6:	/* AES_256_CM_HMAC_SHA1_32 */
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(rtp);
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtcp);
		break;
	case 7:	/* AEAD_AES_128_GCM */
		srtp_crypto_policy_set_aes_gcm_128_16_auth(rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(rtcp);
		break;
	case 8:	/* AEAD_AES_256_GCM */
		srtp_crypto_policy_set_aes_gcm_256_16_auth(rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(rtcp);
		break;
	default:
		return -1;
	}
	/* RFC 4568 6.3 session parameters as libsrtp2 security services. */
	rtp->sec_serv = sec_serv_none;
	if (!(flags & REF_UNENCRYPTED_SRTP))
		rtp->sec_serv |= sec_serv_conf;
	if (!(flags & REF_UNAUTHENTICATED_SRTP))
		rtp->sec_serv |= sec_serv_auth;
	else
		rtp->auth_tag_len = 0;
	if (flags & REF_UNENCRYPTED_SRTCP)
		rtcp->sec_serv = sec_serv_auth;
	return 0;
}
