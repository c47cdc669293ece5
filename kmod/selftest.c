// SPDX-License-Identifier: GPL-2.0
/*
 * selftest.c - known-answer tests of the crypto backend, run at module
 * load; the module refuses to load when one fails.
 *
 * The expected values come from published test vectors, each checked on
 * the build host against OpenSSL libcrypto (not against this code):
 * RFC 3711 B.2 (AES-CM keystream), NIST SP 800-38A F.5.3 and F.5.5
 * (CTR-AES192/256), RFC 2202 (HMAC-SHA1 cases 1, 2, 3 and 6) and the
 * McGrew-Viega GCM test cases 3, 4 and 16.  The long vectors (1500-byte
 * AES-CM keystream, 1500 and 5000-byte GCM messages) were computed with
 * OpenSSL and are stored as the SHA-1 of their output.  The SRTP core
 * (srtp.c) is checked over this backend with RFC 3711 B.3 (key
 * derivation) and with packets protected by libsrtp2 on the host.
 *
 * Every vector runs twice, through the public drivers (on x86 the
 * asynchronous simd wrappers, which run synchronously here) and through
 * the generic ones the datapath falls back to when the FPU is busy, and
 * the buffers are placed across page boundaries, where the CTR code
 * splits requests.  All data is kmalloc'd: it goes into scatterlists.
 *
 * Then the -EINPROGRESS path, for real (kat_async()): on x86 a call on
 * the public transform inside a kernel FPU section makes the simd
 * wrapper queue the request to cryptd.  Checked: the call answers
 * -EINPROGRESS, the completion frees the owner (an skb), the key then
 * runs the generic driver and gives the known answer, and a key freed
 * while its request is in flight is freed by the completion.  Through the
 * core, a queued protect spends its index and a queued unprotect moves
 * no state.
 */

#define pr_fmt(fmt) "nf_srtp: " fmt

#include <linux/bottom_half.h>
#include <linux/completion.h>
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <crypto/hash.h>
#ifdef CONFIG_X86
#include <asm/fpu/api.h>
#endif

#include "crypto.h"
#include "selftest.h"
#include "srtp.h"
#include "srtp_crypto.h"

#define LONG_LEN	1500
#define KAT_DRAIN_WAIT	(10 * HZ)

/* ------------------------------------------------------------- vectors */

static const u8 b2_key[] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};

static const u8 b2_iv[] = {
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0x00, 0x00,
};

static const u8 b2_keystream[] = {
	0xe0, 0x3e, 0xad, 0x09, 0x35, 0xc9, 0x5e, 0x80,
	0xe1, 0x66, 0xb1, 0x6d, 0xd9, 0x2b, 0x4e, 0xb4,
	0xd2, 0x35, 0x13, 0x16, 0x2b, 0x02, 0xd0, 0xf7,
	0x2a, 0x43, 0xa2, 0xfe, 0x4a, 0x5f, 0x97, 0xab,
	0x41, 0xe9, 0x5b, 0x3b, 0xb0, 0xa2, 0xe8, 0xdd,
	0x47, 0x79, 0x01, 0xe4, 0xfc, 0xa8, 0x94, 0xc0,
};

static const u8 b2_long_sha1[] = {
	0x5e, 0x34, 0x2b, 0x4b, 0x57, 0x73, 0x80, 0x3f,
	0x31, 0xdc, 0x05, 0xd1, 0xdf, 0x80, 0xf9, 0x51,
	0x01, 0x3f, 0x44, 0x37,
};

static const u8 f5_iv[] = {
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

static const u8 f5_pt[] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
	0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a,
	0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03, 0xac, 0x9c,
	0x9e, 0xb7, 0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51,
	0x30, 0xc8, 0x1c, 0x46, 0xa3, 0x5c, 0xe4, 0x11,
	0xe5, 0xfb, 0xc1, 0x19, 0x1a, 0x0a, 0x52, 0xef,
	0xf6, 0x9f, 0x24, 0x45, 0xdf, 0x4f, 0x9b, 0x17,
	0xad, 0x2b, 0x41, 0x7b, 0xe6, 0x6c, 0x37, 0x10,
};

static const u8 f53_key[] = {
	0x8e, 0x73, 0xb0, 0xf7, 0xda, 0x0e, 0x64, 0x52,
	0xc8, 0x10, 0xf3, 0x2b, 0x80, 0x90, 0x79, 0xe5,
	0x62, 0xf8, 0xea, 0xd2, 0x52, 0x2c, 0x6b, 0x7b,
};

static const u8 f53_ct[] = {
	0x1a, 0xbc, 0x93, 0x24, 0x17, 0x52, 0x1c, 0xa2,
	0x4f, 0x2b, 0x04, 0x59, 0xfe, 0x7e, 0x6e, 0x0b,
	0x09, 0x03, 0x39, 0xec, 0x0a, 0xa6, 0xfa, 0xef,
	0xd5, 0xcc, 0xc2, 0xc6, 0xf4, 0xce, 0x8e, 0x94,
	0x1e, 0x36, 0xb2, 0x6b, 0xd1, 0xeb, 0xc6, 0x70,
	0xd1, 0xbd, 0x1d, 0x66, 0x56, 0x20, 0xab, 0xf7,
	0x4f, 0x78, 0xa7, 0xf6, 0xd2, 0x98, 0x09, 0x58,
	0x5a, 0x97, 0xda, 0xec, 0x58, 0xc6, 0xb0, 0x50,
};

static const u8 f55_key[] = {
	0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe,
	0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81,
	0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61, 0x08, 0xd7,
	0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4,
};

static const u8 f55_ct[] = {
	0x60, 0x1e, 0xc3, 0x13, 0x77, 0x57, 0x89, 0xa5,
	0xb7, 0xa7, 0xf5, 0x04, 0xbb, 0xf3, 0xd2, 0x28,
	0xf4, 0x43, 0xe3, 0xca, 0x4d, 0x62, 0xb5, 0x9a,
	0xca, 0x84, 0xe9, 0x90, 0xca, 0xca, 0xf5, 0xc5,
	0x2b, 0x09, 0x30, 0xda, 0xa2, 0x3d, 0xe9, 0x4c,
	0xe8, 0x70, 0x17, 0xba, 0x2d, 0x84, 0x98, 0x8d,
	0xdf, 0xc9, 0xc5, 0x8d, 0xb6, 0x7a, 0xad, 0xa6,
	0x13, 0xc2, 0xdd, 0x08, 0x45, 0x79, 0x41, 0xa6,
};

static const u8 gcm_key128[] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
	0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
};

static const u8 gcm_key256[] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
	0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
	0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
};

static const u8 gcm_iv[] = {
	0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad,
	0xde, 0xca, 0xf8, 0x88,
};

static const u8 gcm_aad[] = {
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef,
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef,
	0xab, 0xad, 0xda, 0xd2,
};

static const u8 gcm_pt[] = {
	0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5,
	0xa5, 0x59, 0x09, 0xc5, 0xaf, 0xf5, 0x26, 0x9a,
	0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda,
	0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72,
	0x1c, 0x3c, 0x0c, 0x95, 0x95, 0x68, 0x09, 0x53,
	0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25,
	0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57,
	0xba, 0x63, 0x7b, 0x39, 0x1a, 0xaf, 0xd2, 0x55,
};

static const u8 gcm_tc3_ct[] = {
	0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24,
	0x4b, 0x72, 0x21, 0xb7, 0x84, 0xd0, 0xd4, 0x9c,
	0xe3, 0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0,
	0x35, 0xc1, 0x7e, 0x23, 0x29, 0xac, 0xa1, 0x2e,
	0x21, 0xd5, 0x14, 0xb2, 0x54, 0x66, 0x93, 0x1c,
	0x7d, 0x8f, 0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05,
	0x1b, 0xa3, 0x0b, 0x39, 0x6a, 0x0a, 0xac, 0x97,
	0x3d, 0x58, 0xe0, 0x91, 0x47, 0x3f, 0x59, 0x85,
};

static const u8 gcm_tc3_tag[] = {
	0x4d, 0x5c, 0x2a, 0xf3, 0x27, 0xcd, 0x64, 0xa6,
	0x2c, 0xf3, 0x5a, 0xbd, 0x2b, 0xa6, 0xfa, 0xb4,
};

static const u8 gcm_tc4_tag[] = {
	0x5b, 0xc9, 0x4f, 0xbc, 0x32, 0x21, 0xa5, 0xdb,
	0x94, 0xfa, 0xe9, 0x5a, 0xe7, 0x12, 0x1a, 0x47,
};

static const u8 gcm_tc16_ct[] = {
	0x52, 0x2d, 0xc1, 0xf0, 0x99, 0x56, 0x7d, 0x07,
	0xf4, 0x7f, 0x37, 0xa3, 0x2a, 0x84, 0x42, 0x7d,
	0x64, 0x3a, 0x8c, 0xdc, 0xbf, 0xe5, 0xc0, 0xc9,
	0x75, 0x98, 0xa2, 0xbd, 0x25, 0x55, 0xd1, 0xaa,
	0x8c, 0xb0, 0x8e, 0x48, 0x59, 0x0d, 0xbb, 0x3d,
	0xa7, 0xb0, 0x8b, 0x10, 0x56, 0x82, 0x88, 0x38,
	0xc5, 0xf6, 0x1e, 0x63, 0x93, 0xba, 0x7a, 0x0a,
	0xbc, 0xc9, 0xf6, 0x62,
};

static const u8 gcm_tc16_tag[] = {
	0x76, 0xfc, 0x6e, 0xce, 0x0f, 0x4e, 0x17, 0x68,
	0xcd, 0xdf, 0x88, 0x53, 0xbb, 0x2d, 0x55, 0x1b,
};

/* Test case 4's key, IV and AAD with no plaintext (GMAC; OpenSSL). */
static const u8 gcm_aad_only_tag[] = {
	0x34, 0x64, 0x34, 0xfd, 0x51, 0xd5, 0xcd, 0x0c,
	0x58, 0x87, 0xec, 0x63, 0xe3, 0x9b, 0x90, 0x7a,
};

static const u8 gcm_long_sha1[] = {
	0xef, 0xf0, 0xe0, 0xea, 0xab, 0x95, 0x26, 0x1a,
	0xfa, 0x42, 0xf9, 0x29, 0x0c, 0x03, 0xa9, 0x44,
	0x8d, 0x55, 0x58, 0xe3,
};

static const u8 gcm_long_tag[] = {
	0x68, 0x4d, 0x7f, 0x01, 0x71, 0xca, 0x2e, 0xdc,
	0x55, 0xc0, 0x31, 0x6e, 0x20, 0x66, 0x27, 0xbf,
};

static const u8 rfc2202_key1[] = {
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b,
};

static const u8 rfc2202_mac1[] = {
	0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64,
	0xe2, 0x8b, 0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e,
	0xf1, 0x46, 0xbe, 0x00,
};

static const u8 rfc2202_mac2[] = {
	0xef, 0xfc, 0xdf, 0x6a, 0xe5, 0xeb, 0x2f, 0xa2,
	0xd2, 0x74, 0x16, 0xd5, 0xf1, 0x84, 0xdf, 0x9c,
	0x25, 0x9a, 0x7c, 0x79,
};

static const u8 rfc2202_key3[] = {
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa,
};

static const u8 rfc2202_mac3[] = {
	0x12, 0x5d, 0x73, 0x42, 0xb9, 0xac, 0x11, 0xcd,
	0x91, 0xa3, 0x9a, 0xf4, 0x8a, 0xa1, 0x7b, 0x4f,
	0x63, 0xf1, 0x75, 0xd3,
};

static const u8 rfc2202_key6[] = {
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
};

static const u8 rfc2202_mac6[] = {
	0xaa, 0x4a, 0xe5, 0xe1, 0x52, 0x72, 0xd0, 0x0e,
	0x95, 0x70, 0x56, 0x37, 0xce, 0x8a, 0x3b, 0x55,
	0xed, 0x40, 0x21, 0x12,
};

static const u8 gcm5000_sha1[] = {
	0xfc, 0x4a, 0x15, 0x06, 0x58, 0xdc, 0x5e, 0x5a,
	0xb6, 0x95, 0x58, 0x44, 0x7c, 0xdf, 0x7f, 0x76,
	0xa4, 0x60, 0x47, 0xab,
};

static const u8 gcm5000_tag[] = {
	0xb9, 0x32, 0x7f, 0x47, 0x91, 0x5f, 0x79, 0x48,
	0xee, 0x6d, 0x21, 0x5e, 0xb0, 0xa6, 0xad, 0xc0,
};

/*
 * RFC 3711 B.3 key derivation (the session keys and salt were checked on
 * the host against an OpenSSL AES-CTR computation of the PRF).
 */
static const u8 b3_master_key[] = {
	0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0,
	0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39,
};

static const u8 b3_master_salt[] = {
	0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb,
	0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6,
};

static const u8 b3_cipher_key[] = {
	0xc6, 0x1e, 0x7a, 0x93, 0x74, 0x4f, 0x39, 0xee,
	0x10, 0x73, 0x4a, 0xfe, 0x3f, 0xf7, 0xa0, 0x87,
};

static const u8 b3_cipher_salt[] = {
	0x30, 0xcb, 0xbc, 0x08, 0x86, 0x3d, 0x8c, 0x85,
	0xd4, 0x9d, 0xb3, 0x4a, 0x9a, 0xe1,
};

static const u8 b3_auth_key[] = {
	0xce, 0xbe, 0x32, 0x1f, 0x6f, 0xf7, 0x71, 0x6b,
	0x6f, 0xd4, 0xab, 0x49, 0xaf, 0x25, 0x6a, 0x15,
	0x6d, 0x38, 0xba, 0xa4,
};

/*
 * One RTP packet (V=2, PT 0, SEQ 0x1234, TS 0x01020304, SSRC 0xdeadbeef,
 * 64 payload bytes i * 3 + 1, first packet of the session) and one RTCP
 * SR (SSRC 0xdeadbeef, 20 bytes i * 5 + 2, first SRTCP packet: index 1
 * in libsrtp2) protected by libsrtp2 2.5.0 (srtp_protect(),
 * srtp_protect_rtcp()) on the host, with the B.3 master key and salt:
 * AES_CM_128_HMAC_SHA1_80, and AEAD_AES_128_GCM with the first 12 bytes
 * of the salt.
 */
static const u8 rtp_plain_hdr[] = {
	0x80, 0x00, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04,
	0xde, 0xad, 0xbe, 0xef,
};

#define RTP_PLAIN_LEN	76

static const u8 rtcp_plain_hdr[] = {
	0x80, 0xc8, 0x00, 0x06, 0xde, 0xad, 0xbe, 0xef,
};

#define RTCP_PLAIN_LEN	28

static const u8 libsrtp_cm128_80[] = {
	0x80, 0x00, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04,
	0xde, 0xad, 0xbe, 0xef, 0x1f, 0x13, 0x28, 0xe4,
	0x7b, 0x1e, 0x55, 0x2b, 0x3b, 0x31, 0x0b, 0x19,
	0xae, 0x2c, 0xcf, 0x62, 0xf9, 0x2d, 0xae, 0xec,
	0x9d, 0x57, 0x16, 0xb6, 0x1b, 0xc8, 0xc5, 0x92,
	0xec, 0x31, 0x81, 0xb9, 0x1e, 0xa8, 0x4f, 0x65,
	0xdf, 0x93, 0x94, 0x61, 0x68, 0x43, 0x2d, 0xf4,
	0xd8, 0x2a, 0x32, 0xe5, 0xc3, 0x1a, 0x29, 0xd8,
	0xc8, 0xd3, 0xd9, 0x90, 0xc9, 0x98, 0x29, 0x2a,
	0x1b, 0xf7, 0xe0, 0xfd, 0x35, 0xe7, 0x7a, 0xa6,
	0xd9, 0x67, 0x43, 0x2d, 0x93, 0xb7,
};

static const u8 libsrtcp_cm128_80[] = {
	0x80, 0xc8, 0x00, 0x06, 0xde, 0xad, 0xbe, 0xef,
	0x1d, 0xfd, 0x19, 0x84, 0x91, 0x14, 0xad, 0xa9,
	0xdb, 0xde, 0xbd, 0x2f, 0x92, 0x93, 0xae, 0x3f,
	0xa0, 0x78, 0xad, 0x57, 0x80, 0x00, 0x00, 0x01,
	0x34, 0x57, 0x6b, 0xe9, 0xab, 0x87, 0x98, 0x2e,
	0x64, 0x40,
};

static const u8 libsrtp_gcm128[] = {
	0x80, 0x00, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04,
	0xde, 0xad, 0xbe, 0xef, 0x79, 0xd7, 0xe2, 0x9d,
	0xc1, 0xb1, 0x00, 0x4f, 0xfd, 0x0a, 0x48, 0x66,
	0x2b, 0x08, 0x5c, 0x58, 0xd0, 0xa3, 0xd1, 0x77,
	0xcf, 0xfd, 0x3d, 0xcb, 0x9c, 0x18, 0x65, 0x9b,
	0xd6, 0x42, 0xbb, 0xa0, 0x2b, 0x87, 0xa6, 0x09,
	0xa4, 0x65, 0x68, 0x96, 0x68, 0x8d, 0x92, 0x9c,
	0x89, 0xd6, 0x39, 0x08, 0xca, 0x8e, 0x6e, 0x8b,
	0xed, 0x20, 0x93, 0x3b, 0xd5, 0x5c, 0x8f, 0x54,
	0xd8, 0x1c, 0x42, 0xbd, 0xb4, 0x38, 0x62, 0xb9,
	0xe8, 0x31, 0xc3, 0x82, 0xb1, 0x24, 0x01, 0x47,
	0xde, 0xef, 0x28, 0xf5,
};

static const u8 libsrtcp_gcm128[] = {
	0x80, 0xc8, 0x00, 0x06, 0xde, 0xad, 0xbe, 0xef,
	0xcc, 0x5e, 0x5c, 0xf2, 0x94, 0x72, 0x34, 0x7e,
	0x06, 0xd7, 0xf0, 0x6c, 0xd6, 0x68, 0xff, 0xf1,
	0xea, 0x0a, 0x55, 0x7a, 0x3f, 0x0a, 0xa8, 0x0f,
	0x5d, 0x77, 0xd2, 0x11, 0xbf, 0x39, 0x78, 0x8b,
	0x87, 0x69, 0x7d, 0x1d, 0x80, 0x00, 0x00, 0x01,
};

/* -------------------------------------------------------------- engine */

struct kat {
	u8 *page;		/* two pages, page-aligned */
	u8 *aux;		/* AAD, tag, digest: a separate allocation */
	struct crypto_shash *sha1;
	const char *path;	/* "public" or "generic" */
	const char *failed;	/* the vector that failed */
};

#define AUX_AAD		0
#define AUX_TAG		64
#define AUX_DIGEST	96
#define AUX_SIZE	128	/* >= RTP_PLAIN_LEN too */

static int kat_fail(struct kat *t, const char *name, int err)
{
	t->failed = name;
	pr_err("self-test %s (%s drivers) failed: %d\n", name, t->path, err);
	return err ?: -EINVAL;
}

/* --- AES-CTR */

struct ctr_vec {
	const char *name;
	const u8 *key;
	unsigned int keylen;
	const u8 *iv;
	const u8 *pt;		/* NULL: zeros, the output is the keystream */
	const u8 *ct;
	unsigned int len;
};

static const struct ctr_vec ctr_vecs[] = {
	{ "rfc3711-b2-aes-cm", b2_key, 16, b2_iv, NULL, b2_keystream, 48 },
	{ "sp800-38a-f53-ctr-aes192", f53_key, 24, f5_iv, f5_pt, f53_ct, 64 },
	{ "sp800-38a-f55-ctr-aes256", f55_key, 32, f5_iv, f5_pt, f55_ct, 64 },
};

/* Where a vector starts relative to the page boundary (see srtp_aes_ctr). */
static const unsigned int ctr_offsets[] = {
	0, PAGE_SIZE - 1, PAGE_SIZE - 8, PAGE_SIZE - 15, PAGE_SIZE - 16,
	PAGE_SIZE - 17, PAGE_SIZE - 33, PAGE_SIZE - 47,
};

static int kat_ctr_one(const struct ctr_vec *v, u8 *buf)
{
	struct srtp_aes *aes;
	int err;

	err = srtp_aes_new(&aes, v->key, v->keylen);
	if (err)
		return err;
	if (v->pt)
		memcpy(buf, v->pt, v->len);
	else
		memset(buf, 0, v->len);
	err = srtp_aes_ctr(aes, v->iv, buf, v->len);
	if (!err && memcmp(buf, v->ct, v->len))
		err = -EINVAL;
	srtp_aes_free(aes);
	return err;
}

/* 1500 bytes of RFC 3711 B.2 keystream: the multi-block driver paths. */
static int kat_ctr_long(struct kat *t, u8 *buf)
{
	struct srtp_aes *aes;
	int err;

	err = srtp_aes_new(&aes, b2_key, sizeof(b2_key));
	if (err)
		return err;
	memset(buf, 0, LONG_LEN);
	err = srtp_aes_ctr(aes, b2_iv, buf, LONG_LEN) ?:
	      crypto_shash_tfm_digest(t->sha1, buf, LONG_LEN,
				      t->aux + AUX_DIGEST);
	if (!err && memcmp(t->aux + AUX_DIGEST, b2_long_sha1,
			   sizeof(b2_long_sha1)))
		err = -EINVAL;
	srtp_aes_free(aes);
	return err;
}

static int kat_ctr(struct kat *t)
{
	static const unsigned int long_offsets[] = {
		0, PAGE_SIZE - LONG_LEN, PAGE_SIZE - 1, PAGE_SIZE - 17,
		PAGE_SIZE - 700,
	};
	unsigned int i, j;
	int err;

	for (i = 0; i < ARRAY_SIZE(ctr_vecs); i++)
		for (j = 0; j < ARRAY_SIZE(ctr_offsets); j++) {
			err = kat_ctr_one(&ctr_vecs[i], t->page + ctr_offsets[j]);
			if (err)
				return kat_fail(t, ctr_vecs[i].name, err);
		}
	for (j = 0; j < ARRAY_SIZE(long_offsets); j++) {
		err = kat_ctr_long(t, t->page + long_offsets[j]);
		if (err)
			return kat_fail(t, "aes-cm-1500-bytes", err);
	}
	return 0;
}

/* --- HMAC-SHA1 */

struct hmac_vec {
	const char *name;
	const u8 *key;
	unsigned int keylen;
	const char *data;	/* NULL: datalen bytes of 0xdd */
	unsigned int datalen;
	unsigned int split;	/* bytes passed as @a, the rest as @b */
	const u8 *mac;
};

static const struct hmac_vec hmac_vecs[] = {
	{ "rfc2202-hmac-sha1-1", rfc2202_key1, 20, "Hi There", 8, 8, rfc2202_mac1 },
	{ "rfc2202-hmac-sha1-2", (const u8 *)"Jefe", 4,
	  "what do ya want for nothing?", 28, 28, rfc2202_mac2 },
	{ "rfc2202-hmac-sha1-2-split", (const u8 *)"Jefe", 4,
	  "what do ya want for nothing?", 28, 10, rfc2202_mac2 },
	{ "rfc2202-hmac-sha1-3", rfc2202_key3, 20, NULL, 50, 46, rfc2202_mac3 },
	{ "rfc2202-hmac-sha1-6", rfc2202_key6, 80,
	  "Test Using Larger Than Block-Size Key - Hash Key First", 54, 54,
	  rfc2202_mac6 },
};

static int kat_hmac_one(struct kat *t, const struct hmac_vec *v)
{
	u8 *data = t->page + PAGE_SIZE - v->split;	/* across the boundary */
	u8 *mac = t->aux + AUX_DIGEST;
	struct srtp_hmac *h;
	int err;

	err = srtp_hmac_new(&h, v->key, v->keylen);
	if (err)
		return err;
	if (v->data)
		memcpy(data, v->data, v->datalen);
	else
		memset(data, 0xdd, v->datalen);
	err = srtp_hmac_sha1(h, data, v->split, data + v->split,
			     v->datalen - v->split, mac);
	if (!err && memcmp(mac, v->mac, 20))
		err = -EINVAL;
	srtp_hmac_free(h);
	return err;
}

static int kat_hmac(struct kat *t)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(hmac_vecs); i++) {
		err = kat_hmac_one(t, &hmac_vecs[i]);
		if (err)
			return kat_fail(t, hmac_vecs[i].name, err);
	}
	return 0;
}

/* --- AES-GCM */

struct gcm_vec {
	const char *name;
	const u8 *key;
	unsigned int keylen;
	const u8 *aad;
	unsigned int aadlen;
	const u8 *ct;
	unsigned int len;
	const u8 *tag;
};

/* All use gcm_iv and gcm_pt (of which the first @len bytes). */
static const struct gcm_vec gcm_vecs[] = {
	{ "gcm-tc3-aes128", gcm_key128, 16, NULL, 0, gcm_tc3_ct, 64, gcm_tc3_tag },
	{ "gcm-tc4-aes128", gcm_key128, 16, gcm_aad, 20, gcm_tc3_ct, 60, gcm_tc4_tag },
	{ "gcm-tc16-aes256", gcm_key256, 32, gcm_aad, 20, gcm_tc16_ct, 60, gcm_tc16_tag },
	{ "gcm-aad-only-aes128", gcm_key128, 16, gcm_aad, 20, gcm_tc3_ct, 0,
	  gcm_aad_only_tag },
};

/* Where AAD, data and tag sit; they need not be adjacent. */
struct gcm_layout {
	u8 *aad;
	u8 *data;
	u8 *tag;
};

/*
 * Encrypt, check, decrypt, check; then a flipped tag bit and a flipped
 * AAD bit must both give -EBADMSG.
 */
static int kat_gcm_one(const struct gcm_vec *v, const struct gcm_layout *l)
{
	struct srtp_gcm *g;
	int err;

	err = srtp_gcm_new(&g, v->key, v->keylen);
	if (err)
		return err;
	if (v->aadlen)
		memcpy(l->aad, v->aad, v->aadlen);
	memcpy(l->data, gcm_pt, v->len);
	err = srtp_gcm_encrypt(g, gcm_iv, l->aad, v->aadlen, l->data, v->len,
			       l->tag);
	if (!err && (memcmp(l->data, v->ct, v->len) || memcmp(l->tag, v->tag, 16)))
		err = -EINVAL;
	if (!err)
		err = srtp_gcm_decrypt(g, gcm_iv, l->aad, v->aadlen, l->data,
				       v->len, l->tag);
	if (!err && memcmp(l->data, gcm_pt, v->len))
		err = -EINVAL;
	if (err)
		goto out;

	memcpy(l->data, v->ct, v->len);
	l->tag[15] ^= 0x01;
	if (srtp_gcm_decrypt(g, gcm_iv, l->aad, v->aadlen, l->data, v->len,
			     l->tag) != -EBADMSG)
		err = -EPROTO;
	l->tag[15] ^= 0x01;
	if (v->aadlen) {
		memcpy(l->data, v->ct, v->len);
		l->aad[0] ^= 0x80;
		if (srtp_gcm_decrypt(g, gcm_iv, l->aad, v->aadlen, l->data,
				     v->len, l->tag) != -EBADMSG)
			err = -EPROTO;
	}
out:
	srtp_gcm_free(g);
	return err;
}

/*
 * Long messages with 20 bytes of AAD, across a page boundary: 1500 bytes
 * (the AVX path of the 6.1 AES-NI driver starts at 640) and 5000 bytes
 * (its AVX2 path starts at 4096).  P[i] = i * 7 + 3.
 */
struct gcm_long_vec {
	const char *name;
	unsigned int offset;	/* in t->page */
	unsigned int len;
	const u8 *ct_sha1;
	const u8 *tag;
};

static const struct gcm_long_vec gcm_long_vecs[] = {
	{ "gcm-1500-bytes", PAGE_SIZE - 700, 1500, gcm_long_sha1, gcm_long_tag },
	{ "gcm-5000-bytes", 100, 5000, gcm5000_sha1, gcm5000_tag },
};

static int kat_gcm_long(struct kat *t, const struct gcm_long_vec *v)
{
	u8 *aad = t->aux + AUX_AAD, *tag = t->aux + AUX_TAG;
	u8 *data = t->page + v->offset;
	struct srtp_gcm *g;
	unsigned int i;
	int err;

	err = srtp_gcm_new(&g, gcm_key128, sizeof(gcm_key128));
	if (err)
		return err;
	memcpy(aad, gcm_aad, sizeof(gcm_aad));
	for (i = 0; i < v->len; i++)
		data[i] = i * 7 + 3;
	err = srtp_gcm_encrypt(g, gcm_iv, aad, sizeof(gcm_aad), data, v->len,
			       tag) ?:
	      crypto_shash_tfm_digest(t->sha1, data, v->len,
				      t->aux + AUX_DIGEST);
	if (!err && (memcmp(t->aux + AUX_DIGEST, v->ct_sha1, 20) ||
		     memcmp(tag, v->tag, 16)))
		err = -EINVAL;
	if (!err)
		err = srtp_gcm_decrypt(g, gcm_iv, aad, sizeof(gcm_aad), data,
				       v->len, tag);
	for (i = 0; !err && i < v->len; i++)
		if (data[i] != (u8)(i * 7 + 3))
			err = -EINVAL;
	srtp_gcm_free(g);
	return err;
}

static int kat_gcm(struct kat *t)
{
	u8 *p = t->page;
	const struct gcm_layout layouts[] = {
		/* three separate places (AAD and tag in another allocation) */
		{ t->aux + AUX_AAD, p + 256, t->aux + AUX_TAG },
		/* SRTP: AAD, data and tag contiguous, across a page boundary */
		{ p + PAGE_SIZE - 40, p + PAGE_SIZE - 20, p + PAGE_SIZE + 44 },
		/* SRTCP: AAD behind the ciphertext and the tag */
		{ p + 100 + 64 + 16, p + 100, p + 100 + 64 },
	};
	unsigned int i, j;
	int err;

	for (i = 0; i < ARRAY_SIZE(gcm_vecs); i++)
		for (j = 0; j < ARRAY_SIZE(layouts); j++) {
			err = kat_gcm_one(&gcm_vecs[i], &layouts[j]);
			if (err)
				return kat_fail(t, gcm_vecs[i].name, err);
		}
	for (i = 0; i < ARRAY_SIZE(gcm_long_vecs); i++) {
		err = kat_gcm_long(t, &gcm_long_vecs[i]);
		if (err)
			return kat_fail(t, gcm_long_vecs[i].name, err);
	}
	return 0;
}

/* --- the SRTP core over this backend */

static int kat_kdf(struct kat *t)
{
	static const struct {
		const char *name;
		u8 label;
		const u8 *out;
		unsigned int len;
	} labels[] = {
		{ "rfc3711-b3-cipher-key", 0, b3_cipher_key, 16 },
		{ "rfc3711-b3-auth-key", 1, b3_auth_key, 20 },
		{ "rfc3711-b3-cipher-salt", 2, b3_cipher_salt, 14 },
	};
	u8 *out = t->aux + AUX_DIGEST;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(labels); i++) {
		err = srtp_kdf(b3_master_key, sizeof(b3_master_key),
			       b3_master_salt, sizeof(b3_master_salt),
			       labels[i].label, out, labels[i].len);
		if (!err && memcmp(out, labels[i].out, labels[i].len))
			err = -EINVAL;
		if (err)
			return kat_fail(t, labels[i].name, err);
	}
	return 0;
}

struct protect_vec {
	const char *name;
	enum srtp_suite suite;
	unsigned int salt_len;
	const u8 *srtp;
	unsigned int srtp_len;
	const u8 *srtcp;
	unsigned int srtcp_len;
};

static const struct protect_vec protect_vecs[] = {
	{ "libsrtp2-aes-cm-128-hmac-sha1-80", SRTP_AES_CM_128_HMAC_SHA1_80, 14,
	  libsrtp_cm128_80, sizeof(libsrtp_cm128_80),
	  libsrtcp_cm128_80, sizeof(libsrtcp_cm128_80) },
	{ "libsrtp2-aead-aes-128-gcm", SRTP_AEAD_AES_128_GCM, 12,
	  libsrtp_gcm128, sizeof(libsrtp_gcm128),
	  libsrtcp_gcm128, sizeof(libsrtcp_gcm128) },
};

/* A one-key context of @dir for @v; NULL on error. */
static struct srtp_ctx *kat_ctx(const struct protect_vec *v,
				enum srtp_dir dir)
{
	struct srtp_params p = {
		.suite = v->suite,
		.dir = dir,
		.srtcp_first_index = 1,		/* as libsrtp2 */
	};
	enum srtp_reason why;
	struct srtp_ctx *ctx;
	struct srtp_key *key;
	int err;

	ctx = srtp_ctx_new(&p, &err, &why);
	if (!ctx)
		return NULL;
	key = srtp_key_new(v->suite, b3_master_key, sizeof(b3_master_key),
			   b3_master_salt, v->salt_len, NULL, 0, 0, &err, &why);
	if (!key || srtp_ctx_add_key(ctx, key, &why) < 0) {
		srtp_key_free(key);
		srtp_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

/* The plaintext packet: @hdr, then @len - @hdr_len bytes i * @mul + @add. */
static void kat_plain(u8 *buf, const u8 *hdr, unsigned int hdr_len,
		      unsigned int len, u8 mul, u8 add)
{
	unsigned int i;

	memcpy(buf, hdr, hdr_len);
	for (i = 0; i < len - hdr_len; i++)
		buf[hdr_len + i] = i * mul + add;
}

static void kat_rtp_plain(u8 *buf)
{
	kat_plain(buf, rtp_plain_hdr, sizeof(rtp_plain_hdr), RTP_PLAIN_LEN,
		  3, 1);
}

static void kat_rtcp_plain(u8 *buf)
{
	kat_plain(buf, rtcp_plain_hdr, sizeof(rtcp_plain_hdr), RTCP_PLAIN_LEN,
		  5, 2);
}

typedef int (*kat_protect_fn)(struct srtp_ctx *ctx, u8 *buf, unsigned int len,
			      unsigned int room, enum srtp_reason *why);
typedef int (*kat_unprotect_fn)(struct srtp_ctx *ctx, u8 *buf,
				unsigned int len, enum srtp_reason *why);

struct kat_packet {
	kat_protect_fn protect;
	kat_unprotect_fn unprotect;
	void (*plain)(u8 *buf);
	unsigned int plain_len;
	const u8 *prot;		/* libsrtp2's output */
	unsigned int prot_len;
};

/*
 * Protect must give libsrtp2's bytes; unprotect must refuse them with one
 * bit flipped, then restore the packet.  Across a page boundary.
 */
static int kat_packet(struct kat *t, struct srtp_ctx *out, struct srtp_ctx *in,
		      const struct kat_packet *pk)
{
	u8 *buf = t->page + PAGE_SIZE - 20;
	enum srtp_reason why;
	int ret;

	pk->plain(buf);
	ret = pk->protect(out, buf, pk->plain_len, 256, &why);
	if (ret < 0)
		return ret;
	if (ret != pk->prot_len || memcmp(buf, pk->prot, pk->prot_len))
		return -EINVAL;
	buf[pk->plain_len - 1] ^= 0x01;
	if (pk->unprotect(in, buf, pk->prot_len, &why) >= 0 ||
	    why != SRTP_R_AUTH_FAIL)
		return -EPROTO;
	memcpy(buf, pk->prot, pk->prot_len);
	ret = pk->unprotect(in, buf, pk->prot_len, &why);
	if (ret < 0)
		return ret;
	pk->plain(t->aux);
	if (ret != pk->plain_len || memcmp(buf, t->aux, pk->plain_len))
		return -EINVAL;
	return 0;
}

static int kat_protect_one(struct kat *t, const struct protect_vec *v)
{
	const struct kat_packet rtp = {
		srtp_rtp_protect, srtp_rtp_unprotect, kat_rtp_plain,
		RTP_PLAIN_LEN, v->srtp, v->srtp_len,
	};
	const struct kat_packet rtcp = {
		srtp_rtcp_protect, srtp_rtcp_unprotect, kat_rtcp_plain,
		RTCP_PLAIN_LEN, v->srtcp, v->srtcp_len,
	};
	struct srtp_ctx *out = kat_ctx(v, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *in = kat_ctx(v, SRTP_DIR_INBOUND);
	int ret = -ENOMEM;

	if (out && in)
		ret = kat_packet(t, out, in, &rtp) ?:
		      kat_packet(t, out, in, &rtcp);
	srtp_ctx_free(in);
	srtp_ctx_free(out);
	return ret;
}

/*
 * Re-key without MKI through this backend: packets of key 1 go through a
 * receiver whose active key is 0.  For GCM the packet is kept in the
 * per-CPU scratch buffer before the first try and put back for the
 * second (srtp_rx_keep()), whatever path the driver takes: short, across
 * a page boundary, and long enough for the AVX paths.  A garbled packet
 * first fails with both keys and moves nothing.  Unprotect runs with
 * bottom halves disabled, as in the hook.
 */
static struct srtp_ctx *kat_rk_ctx(enum srtp_suite suite, unsigned int salt_len,
				   enum srtp_dir dir)
{
	struct srtp_params p = { .suite = suite, .dir = dir };
	const struct srtp_suite_info *si = srtp_suite_get(suite);
	enum srtp_reason why;
	struct srtp_ctx *ctx;
	struct srtp_key *key;
	u8 mk[32];
	unsigned int i;
	int err;

	ctx = srtp_ctx_new(&p, &err, &why);
	if (!ctx)
		return NULL;
	for (i = 0; i < 2; i++) {
		memset(mk, 0x5a, sizeof(mk));
		memcpy(mk, b3_master_key, sizeof(b3_master_key));
		mk[0] ^= i;
		key = srtp_key_new(suite, mk, si->key_len, b3_master_salt,
				   salt_len, NULL, 0, 0, &err, &why);
		if (!key || srtp_ctx_add_key(ctx, key, &why) < 0) {
			srtp_key_free(key);
			srtp_ctx_free(ctx);
			return NULL;
		}
	}
	return ctx;
}

/* Round 0 garbled, rounds 1 and 2 genuine; payload byte i = i * 11 + round. */
static int kat_rk_one(struct kat *t, enum srtp_suite suite,
		      unsigned int salt_len, bool rtcp, unsigned int off,
		      unsigned int len)
{
	struct srtp_ctx *out = kat_rk_ctx(suite, salt_len, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *in = kat_rk_ctx(suite, salt_len, SRTP_DIR_INBOUND);
	u8 *buf = t->page + off;
	struct srtp_events ev;
	enum srtp_reason why;
	unsigned int i, round;
	int ret = -ENOMEM, n;

	if (!out || !in)
		goto out;
	srtp_ctx_set_active_key(out, 1);
	for (round = 0; round < 3; round++) {
		if (rtcp) {
			kat_rtcp_plain(buf);
			buf[2] = (len / 4 - 1) >> 8;
			buf[3] = len / 4 - 1;
		} else {
			kat_rtp_plain(buf);
			buf[3] += round;
		}
		for (i = 28; i < len; i++)
			buf[i] = i * 11 + round;
		n = rtcp ? srtp_rtcp_protect(out, buf, len, len + 256, &why) :
			   srtp_rtp_protect(out, buf, len, len + 256, &why);
		if (n < 0) {
			ret = n;
			goto out;
		}
		if (round == 0)
			buf[20] ^= 0x01;
		local_bh_disable();
		n = rtcp ? srtp_rtcp_unprotect(in, buf, n, &why) :
			   srtp_rtp_unprotect(in, buf, n, &why);
		local_bh_enable();
		ret = -EPROTO;
		if (round == 0 && (n >= 0 || why != SRTP_R_AUTH_FAIL ||
				   srtp_ctx_drops(in, SRTP_R_AUTH_FAIL) != 1 ||
				   srtp_ctx_active_key(in) != 0))
			goto out;
		if (round == 0)
			continue;
		if (n != len)
			goto out;
		for (i = 28; i < len; i++)
			if (buf[i] != (u8)(i * 11 + round))
				goto out;
	}
	srtp_ctx_take_events(in, &ev);
	if (srtp_ctx_active_key(in) == 1 && (ev.mask & SRTP_EV_KEY_SWITCH))
		ret = 0;
out:
	srtp_ctx_free(in);
	srtp_ctx_free(out);
	return ret;
}

static int kat_rekey(struct kat *t)
{
	static const struct {
		enum srtp_suite suite;
		unsigned int salt_len;
	} suites[] = {
		{ SRTP_AES_CM_128_HMAC_SHA1_80, 14 },
		{ SRTP_AEAD_AES_128_GCM, 12 },
		{ SRTP_AEAD_AES_256_GCM, 12 },
	};
	static const struct {
		unsigned int off, len;
	} shapes[] = {
		{ 256, 100 }, { PAGE_SIZE - 20, 76 }, { PAGE_SIZE - 700, 1400 },
		{ 100, 5000 },
	};
	unsigned int i, j, r;
	int err;

	for (i = 0; i < ARRAY_SIZE(suites); i++)
		for (j = 0; j < ARRAY_SIZE(shapes); j++)
			for (r = 0; r < 2; r++) {
				err = kat_rk_one(t, suites[i].suite,
						 suites[i].salt_len, r,
						 shapes[j].off, shapes[j].len);
				if (err)
					return kat_fail(t, "rekey-without-mki",
							err);
			}
	return 0;
}

static int kat_core(struct kat *t)
{
	unsigned int i;
	int err;

	err = kat_kdf(t) ?: kat_rekey(t);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(protect_vecs); i++) {
		err = kat_protect_one(t, &protect_vecs[i]);
		if (err)
			return kat_fail(t, protect_vecs[i].name, err);
	}
	return 0;
}

/* ---------------------------------------------------------- -EINPROGRESS */

#ifdef CONFIG_X86

static void kat_owner_freed(struct sk_buff *skb)
{
	complete(*(struct completion **)skb->cb);
}

/* An skb to hand over as a packet's owner; @freed completes when freed. */
static struct sk_buff *kat_owner(struct completion *freed)
{
	struct sk_buff *skb = alloc_skb(0, GFP_KERNEL);

	if (!skb)
		return NULL;
	init_completion(freed);
	*(struct completion **)skb->cb = freed;
	skb->destructor = kat_owner_freed;
	return skb;
}

/*
 * A kernel FPU section, with @owner handed over as the hook does: the
 * simd wrapper cannot run its child and queues the request to cryptd,
 * whose worker for this CPU cannot run before kernel_fpu_end().
 */
static void kat_fpu_enter(struct sk_buff *owner)
{
	local_bh_disable();
	nf_srtp_crypto_set_owner(owner);
	kernel_fpu_begin();
}

static void kat_fpu_leave(void)
{
	kernel_fpu_end();
	nf_srtp_crypto_set_owner(NULL);
	local_bh_enable();
}

#define KAT_ASYNC_WAIT	(10 * HZ)

/* One operation on a CTR or GCM key object, for kat_async_one(). */
struct async_op {
	const char *name;
	int (*new)(struct kat *t, void **key);
	int (*run)(struct kat *t, void *key);	/* on the known input */
	int (*check)(struct kat *t);		/* the known answer */
	void (*free)(void *key);
};

/*
 * -EINPROGRESS with the FPU busy; the owner freed by the completion; the
 * key then generic (synchronous with the FPU busy) and right; a key freed
 * in flight.  1: not provoked (the reason is logged), 0: passed.
 */
static int kat_async_one(struct kat *t, const struct async_op *op)
{
	struct completion freed;
	struct sk_buff *skb;
	void *key;
	int err;

	err = op->new(t, &key);
	if (err)
		return kat_fail(t, op->name, err);
	skb = kat_owner(&freed);
	if (!skb) {
		op->free(key);
		return kat_fail(t, op->name, -ENOMEM);
	}
	kat_fpu_enter(skb);
	err = op->run(t, key);
	kat_fpu_leave();
	if (err != -EINPROGRESS) {
		kfree_skb(skb);
		op->free(key);
		if (!err && !op->check(t)) {
			pr_info("self-test %s skipped: the public driver answered synchronously with the FPU busy\n",
				op->name);
			return 1;
		}
		return kat_fail(t, op->name, err ?: -EPROTO);
	}
	if (!wait_for_completion_timeout(&freed, KAT_ASYNC_WAIT)) {
		/* The key and its buffers stay: the request may still run. */
		pr_err("self-test %s: the completion did not free the packet\n",
		       op->name);
		return kat_fail(t, op->name, -ETIMEDOUT);
	}

	/* That key now uses the generic driver, FPU busy or not. */
	skb = kat_owner(&freed);
	if (!skb) {
		op->free(key);
		return kat_fail(t, op->name, -ENOMEM);
	}
	kat_fpu_enter(skb);
	err = op->run(t, key);
	kat_fpu_leave();
	if (err == -EINPROGRESS) {
		wait_for_completion_timeout(&freed, KAT_ASYNC_WAIT);
		pr_err("self-test %s: the key went asynchronous again\n",
		       op->name);
		return kat_fail(t, op->name, -EPROTO);
	}
	kfree_skb(skb);
	op->free(key);
	if (!err)
		err = op->check(t);
	if (err)
		return kat_fail(t, op->name, err);

	/* Freed with its request in flight: the completion frees it. */
	err = op->new(t, &key);
	if (err)
		return kat_fail(t, op->name, err);
	skb = kat_owner(&freed);
	if (!skb) {
		op->free(key);
		return kat_fail(t, op->name, -ENOMEM);
	}
	kat_fpu_enter(skb);
	err = op->run(t, key);
	if (err == -EINPROGRESS)
		op->free(key);
	kat_fpu_leave();
	if (err != -EINPROGRESS) {
		kfree_skb(skb);
		op->free(key);
		return kat_fail(t, op->name, err ?: -EPROTO);
	}
	if (!wait_for_completion_timeout(&freed, KAT_ASYNC_WAIT) ||
	    !nf_srtp_crypto_drain(KAT_ASYNC_WAIT)) {
		pr_err("self-test %s: the free in flight did not finish\n",
		       op->name);
		return kat_fail(t, op->name, -ETIMEDOUT);
	}
	return 0;
}

/* RFC 3711 B.2: the keystream, written over zeros. */
static int async_ctr_new(struct kat *t, void **key)
{
	return srtp_aes_new((struct srtp_aes **)key, b2_key, sizeof(b2_key));
}

static int async_ctr_run(struct kat *t, void *key)
{
	memset(t->page + 256, 0, sizeof(b2_keystream));
	return srtp_aes_ctr(key, b2_iv, t->page + 256, sizeof(b2_keystream));
}

static int async_ctr_check(struct kat *t)
{
	return memcmp(t->page + 256, b2_keystream, sizeof(b2_keystream)) ?
	       -EINVAL : 0;
}

static void async_ctr_free(void *key)
{
	srtp_aes_free(key);
}

/* GCM test case 4: 20 bytes of AAD (in the packet), 60 of data. */
static int async_gcm_new(struct kat *t, void **key)
{
	return srtp_gcm_new((struct srtp_gcm **)key, gcm_key128,
			    sizeof(gcm_key128));
}

static int async_gcm_run(struct kat *t, void *key)
{
	memcpy(t->aux + AUX_AAD, gcm_aad, sizeof(gcm_aad));
	memcpy(t->page + 256, gcm_pt, 60);
	return srtp_gcm_encrypt(key, gcm_iv, t->aux + AUX_AAD,
				sizeof(gcm_aad), t->page + 256, 60,
				t->aux + AUX_TAG);
}

static int async_gcm_check(struct kat *t)
{
	return memcmp(t->page + 256, gcm_tc3_ct, 60) ||
	       memcmp(t->aux + AUX_TAG, gcm_tc4_tag, 16) ? -EINVAL : 0;
}

static void async_gcm_free(void *key)
{
	srtp_gcm_free(key);
}

static const struct async_op async_ops[] = {
	{ "async-ctr", async_ctr_new, async_ctr_run, async_ctr_check,
	  async_ctr_free },
	{ "async-gcm", async_gcm_new, async_gcm_run, async_gcm_check,
	  async_gcm_free },
};

/*
 * Through the core: a queued protect returns -EINPROGRESS (SRTP_R_ASYNC,
 * counted) and spends its index (the same packet again is a tx-replay);
 * a queued unprotect changes no state (the same packet again opens).
 */
static int kat_async_core_one(struct kat *t, const struct protect_vec *v)
{
	struct srtp_ctx *out = kat_ctx(v, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *in = kat_ctx(v, SRTP_DIR_INBOUND);
	struct completion freed;
	u8 *buf = t->page + 256;
	enum srtp_reason why;
	struct sk_buff *skb;
	int err = -ENOMEM;
	int ret = 0;

	if (!out || !in)
		goto out;
	skb = kat_owner(&freed);
	if (!skb)
		goto out;
	kat_rtp_plain(buf);
	kat_fpu_enter(skb);
	ret = srtp_rtp_protect(out, buf, RTP_PLAIN_LEN, 512, &why);
	kat_fpu_leave();
	if (ret != -EINPROGRESS || why != SRTP_R_ASYNC ||
	    srtp_ctx_drops(out, SRTP_R_ASYNC) != 1) {
		if (ret != -EINPROGRESS)
			kfree_skb(skb);
		err = -EPROTO;
		goto wait;
	}
	if (!wait_for_completion_timeout(&freed, KAT_ASYNC_WAIT))
		return -ETIMEDOUT;	/* the contexts stay */
	kat_rtp_plain(buf);
	ret = srtp_rtp_protect(out, buf, RTP_PLAIN_LEN, 512, &why);
	if (ret != -EALREADY || why != SRTP_R_TX_REPLAY) {
		err = -EPROTO;
		goto out;
	}

	skb = kat_owner(&freed);
	if (!skb)
		goto out;
	memcpy(buf, v->srtp, v->srtp_len);
	kat_fpu_enter(skb);
	ret = srtp_rtp_unprotect(in, buf, v->srtp_len, &why);
	kat_fpu_leave();
	if (ret != -EINPROGRESS || why != SRTP_R_ASYNC) {
		if (ret != -EINPROGRESS)
			kfree_skb(skb);
		err = -EPROTO;
		goto wait;
	}
	if (!wait_for_completion_timeout(&freed, KAT_ASYNC_WAIT))
		return -ETIMEDOUT;
	memcpy(buf, v->srtp, v->srtp_len);
	ret = srtp_rtp_unprotect(in, buf, v->srtp_len, &why);
	err = ret == RTP_PLAIN_LEN ? 0 : -EPROTO;
	if (!err) {
		kat_rtp_plain(t->aux);
		if (memcmp(buf, t->aux, RTP_PLAIN_LEN))
			err = -EINVAL;
	}
	goto out;
wait:
	/* A request that went astray must be done with the buffers. */
	if (ret == -EINPROGRESS)
		wait_for_completion_timeout(&freed, KAT_ASYNC_WAIT);
out:
	srtp_ctx_free(in);
	srtp_ctx_free(out);
	return err;
}

static int kat_async(struct kat *t)
{
	const char *drv[ARRAY_SIZE(async_ops)];
	unsigned int i;
	int err = 0;

	drv[0] = nf_srtp_crypto_ctr_driver(false);
	drv[1] = nf_srtp_crypto_gcm_driver(false);

	t->path = "public";
	nf_srtp_crypto_force_public(true, false);
	for (i = 0; i < ARRAY_SIZE(async_ops) && !err; i++) {
		if (!drv[i]) {
			pr_info("self-test %s skipped: no public driver other than the generic one\n",
				async_ops[i].name);
			continue;
		}
		err = kat_async_one(t, &async_ops[i]);
		if (!err)
			pr_info("self-test %s passed (%s: -EINPROGRESS with the FPU busy, packet freed by the completion, then generic; freed in flight)\n",
				async_ops[i].name, drv[i]);
		else if (err > 0)
			err = 0;
	}
	for (i = 0; i < ARRAY_SIZE(protect_vecs) && !err; i++) {
		const char *name = protect_vecs[i].name;

		if (!drv[0] || !drv[1]) {
			pr_info("self-test async-core skipped: no public driver other than the generic one\n");
			break;
		}
		err = kat_async_core_one(t, &protect_vecs[i]);
		if (err)
			err = kat_fail(t, name, err);
		else
			pr_info("self-test async-core %s passed (protect and unprotect queued: SRTP_R_ASYNC, index spent on protect only)\n",
				name);
	}
	nf_srtp_crypto_force_public(false, false);
	return err;
}

#else /* !CONFIG_X86 */

static int kat_async(struct kat *t)
{
	pr_info("self-test async skipped: no way to make the FPU busy on this architecture\n");
	return 0;
}

#endif /* CONFIG_X86 */

/* ---------------------------------------------------------------- main */

static int kat_run(struct kat *t, bool generic)
{
	int err;

	t->path = generic ? "generic" : "public";
	nf_srtp_crypto_force_generic(generic);
	/* Process context: the public path without an owner (crypto.h). */
	nf_srtp_crypto_force_public(false, !generic);
	err = kat_ctr(t) ?: kat_hmac(t) ?: kat_gcm(t) ?: kat_core(t);
	nf_srtp_crypto_force_public(false, false);
	nf_srtp_crypto_force_generic(false);
	return err;
}

/* Both paths where there are public drivers, else the one there is. */
static int kat_run_all(struct kat *t)
{
	int err = 0;

	if (nf_srtp_crypto_ctr_driver(false) || nf_srtp_crypto_gcm_driver(false))
		err = kat_run(t, false);
	return err ?: kat_run(t, true);
}

/* "public/generic", or "generic" where there is no other public driver. */
static void kat_drivers(char *buf, size_t size, const char *pub,
			const char *generic)
{
	if (pub)
		snprintf(buf, size, "%s/%s", pub, generic);
	else
		snprintf(buf, size, "%s", generic);
}

static void kat_report(void)
{
	char ctr[2 * CRYPTO_MAX_ALG_NAME + 1], gcm[2 * CRYPTO_MAX_ALG_NAME + 1];

	kat_drivers(ctr, sizeof(ctr), nf_srtp_crypto_ctr_driver(false),
		    nf_srtp_crypto_ctr_driver(true));
	kat_drivers(gcm, sizeof(gcm), nf_srtp_crypto_gcm_driver(false),
		    nf_srtp_crypto_gcm_driver(true));
	pr_info("self-tests passed (aes-ctr: %s, sha1: %s, gcm: %s)\n",
		ctr, nf_srtp_crypto_sha1_driver(), gcm);
}

int nf_srtp_selftest(void)
{
	struct kat t = { };
	int err = -ENOMEM;

	/* Power-of-two kmalloc sizes are naturally aligned: page-aligned. */
	t.page = kzalloc(2 * PAGE_SIZE, GFP_KERNEL);
	t.aux = kzalloc(AUX_SIZE, GFP_KERNEL);
	if (!t.page || !t.aux)
		goto out;
	t.sha1 = crypto_alloc_shash("sha1", 0, 0);
	if (IS_ERR(t.sha1)) {
		err = PTR_ERR(t.sha1);
		t.sha1 = NULL;
		goto out;
	}
	err = kat_run_all(&t) ?: kat_async(&t);
	/* A request that went astray may still use the buffers. */
	if (!nf_srtp_crypto_drain(KAT_DRAIN_WAIT)) {
		pr_err("self-test: crypto requests still in flight\n");
		return -EINVAL;
	}
	if (err)
		err = -EINVAL;
	else
		kat_report();
out:
	crypto_free_shash(t.sha1);
	kfree(t.aux);
	kfree(t.page);
	return err;
}
