// SPDX-License-Identifier: GPL-2.0
/*
 * Negative tests of the SRTP core: each refused packet or setting is
 * checked for its specific reason code, and the state machines (replay
 * window, ROC estimation, per-SSRC bound, MKI, lifetime) for what they
 * must and must not accept.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srtp.h"
#include "check_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define ROOM 2048

static const u8 master[46] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x10, 0x32, 0x54,
	0x76, 0x98, 0xba, 0xdc, 0xfe, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
	0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x0e,
	0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a,
	0xab, 0xe6,
};

struct opts {
	enum srtp_suite suite;
	u32 flags;
	u32 window;
	u32 mki_len;
	u32 srtcp_first;
	u64 lifetime;
	unsigned int nkeys;
};

static struct srtp_key *key_of(const struct opts *o, unsigned int i)
{
	const struct srtp_suite_info *si = srtp_suite_get(o->suite);
	u8 mk[32], mki[SRTP_CORE_MKI_MAX];
	enum srtp_reason why;
	struct srtp_key *k;
	int err;

	memcpy(mk, master, si->key_len);
	mk[0] ^= (u8)i;		/* each key different */
	memset(mki, 0xa0, sizeof(mki));
	mki[0] = (u8)(0x10 + i);
	k = srtp_key_new(o->suite, mk, si->key_len, master + 32, si->salt_len,
			 mki, o->mki_len, o->lifetime, &err, &why);
	ck_assert_msg(k, "key_new %d %s", err, srtp_reason_name(why));
	return k;
}

static struct srtp_ctx *ctx_of(const struct opts *o, enum srtp_dir dir)
{
	struct srtp_params p = {
		.suite = o->suite,
		.dir = dir,
		.flags = o->flags,
		.window = o->window,
		.mki_len = o->mki_len,
		.srtcp_first_index = o->srtcp_first,
	};
	unsigned int i, n = o->nkeys ? o->nkeys : 1;
	enum srtp_reason why;
	struct srtp_ctx *ctx;
	int err;

	ctx = srtp_ctx_new(&p, &err, &why);
	ck_assert_msg(ctx, "ctx_new %d %s", err, srtp_reason_name(why));
	for (i = 0; i < n; i++)
		ck_assert_int_eq(srtp_ctx_add_key(ctx, key_of(o, i), &why),
				 (int)i);
	return ctx;
}

/* A 12 byte header RTP packet with a @plen byte payload. */
static unsigned int rtp(u8 *b, u32 ssrc, u16 seq, unsigned int plen)
{
	unsigned int i;

	memset(b, 0, 12);
	b[0] = 0x80;
	b[1] = 0x60;
	b[2] = seq >> 8;
	b[3] = seq & 0xff;
	b[4] = 0x12;
	b[8] = ssrc >> 24;
	b[9] = ssrc >> 16;
	b[10] = ssrc >> 8;
	b[11] = ssrc;
	for (i = 0; i < plen; i++)
		b[12 + i] = (u8)(i * 7 + 1);
	return 12 + plen;
}

/* An RTCP receiver report with one report block (32 bytes). */
static unsigned int rtcp(u8 *b, u32 ssrc)
{
	unsigned int i;

	b[0] = 0x81;
	b[1] = 201;
	b[2] = 0;
	b[3] = 7;
	b[4] = ssrc >> 24;
	b[5] = ssrc >> 16;
	b[6] = ssrc >> 8;
	b[7] = ssrc;
	for (i = 8; i < 32; i++)
		b[i] = (u8)i;
	return 32;
}

static int prot(struct srtp_ctx *tx, u8 *b, unsigned int len)
{
	enum srtp_reason why;
	int n = srtp_rtp_protect(tx, b, len, ROOM, &why);

	ck_assert_msg(n > 0, "protect %d %s", n, srtp_reason_name(why));
	return n;
}

static int prot_rtcp(struct srtp_ctx *tx, u8 *b, unsigned int len)
{
	enum srtp_reason why;
	int n = srtp_rtcp_protect(tx, b, len, ROOM, &why);

	ck_assert_msg(n > 0, "protect %d %s", n, srtp_reason_name(why));
	return n;
}

/* Unprotect a copy of @b and expect @exp (SRTP_R_OK: success). */
static void expect_rtp(struct srtp_ctx *rx, const u8 *b, int len,
		       enum srtp_reason exp)
{
	enum srtp_reason why = SRTP_R_OK;
	u8 buf[ROOM];
	int n;

	memcpy(buf, b, (size_t)len);
	n = srtp_rtp_unprotect(rx, buf, (unsigned int)len, &why);
	ck_assert_msg(exp ? n < 0 : n > 0, "unprotect gave %d (%s), want %s",
		      n, srtp_reason_name(why), srtp_reason_name(exp));
	ck_assert_str_eq(srtp_reason_name(why), srtp_reason_name(exp));
}

static void expect_rtcp(struct srtp_ctx *rx, const u8 *b, int len,
			enum srtp_reason exp)
{
	enum srtp_reason why = SRTP_R_OK;
	u8 buf[ROOM];
	int n;

	memcpy(buf, b, (size_t)len);
	n = srtp_rtcp_unprotect(rx, buf, (unsigned int)len, &why);
	ck_assert_msg(exp ? n < 0 : n > 0, "unprotect gave %d (%s), want %s",
		      n, srtp_reason_name(why), srtp_reason_name(exp));
	ck_assert_str_eq(srtp_reason_name(why), srtp_reason_name(exp));
}

static const enum srtp_suite all_suites[] = {
	SRTP_AES_CM_128_HMAC_SHA1_80, SRTP_AES_CM_128_HMAC_SHA1_32,
	SRTP_AES_192_CM_HMAC_SHA1_80, SRTP_AES_192_CM_HMAC_SHA1_32,
	SRTP_AES_256_CM_HMAC_SHA1_80, SRTP_AES_256_CM_HMAC_SHA1_32,
	SRTP_AEAD_AES_128_GCM, SRTP_AEAD_AES_256_GCM,
};

/* ---- authentication ---- */

START_TEST(test_tamper_srtp)
{
	struct opts o = { .suite = all_suites[_i] };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	u8 pkt[ROOM], bad[ROOM];
	int n = prot(tx, pkt, rtp(pkt, 0x1234, 100, 40));
	static const unsigned int where[] = { 1, 4, 11, 12, 30, 51 };
	unsigned int i;

	/* Header (marker, timestamp, SSRC), payload, last tag byte. */
	for (i = 0; i < ARRAY_SIZE(where); i++) {
		memcpy(bad, pkt, (size_t)n);
		bad[where[i]] ^= 0x01;
		expect_rtp(rx, bad, n, SRTP_R_AUTH_FAIL);
	}
	memcpy(bad, pkt, (size_t)n);
	bad[n - 1] ^= 0x80;
	expect_rtp(rx, bad, n, SRTP_R_AUTH_FAIL);
	/* One byte short: a different tag position. */
	expect_rtp(rx, pkt, n - 1, SRTP_R_AUTH_FAIL);
	ck_assert_uint_eq(srtp_ctx_drops(rx, SRTP_R_AUTH_FAIL), 8);
	/* None of it moved the state: the genuine packet still goes. */
	expect_rtp(rx, pkt, n, SRTP_R_OK);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

START_TEST(test_tamper_srtcp)
{
	struct opts o = { .suite = all_suites[_i] };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	u8 pkt[ROOM], bad[ROOM];
	int n = prot_rtcp(tx, pkt, rtcp(pkt, 0x1234));
	unsigned int word = srtp_suite_get(o.suite)->aead ? 32 + 16 : 32;
	static const unsigned int where[] = { 0, 5, 8, 31 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		memcpy(bad, pkt, (size_t)n);
		bad[where[i]] ^= 0x01;
		expect_rtcp(rx, bad, n, SRTP_R_AUTH_FAIL);
	}
	/* The SRTCP index is authenticated. */
	memcpy(bad, pkt, (size_t)n);
	bad[word + 3] ^= 0x01;
	expect_rtcp(rx, bad, n, SRTP_R_AUTH_FAIL);
	/* Clearing E to read plaintext is refused before anything else. */
	memcpy(bad, pkt, (size_t)n);
	bad[word] &= 0x7f;
	expect_rtcp(rx, bad, n, SRTP_R_BAD_E_BIT);
	memcpy(bad, pkt, (size_t)n);
	bad[n - 1] ^= 0x01;
	expect_rtcp(rx, bad, n, SRTP_R_AUTH_FAIL);
	expect_rtcp(rx, pkt, n, SRTP_R_OK);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/* ---- replay ---- */

START_TEST(test_replay_and_too_old)
{
	struct opts o = { .suite = all_suites[_i], .window = 64 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	static u8 pkts[70][256];
	int len[70];
	unsigned int i;

	for (i = 0; i < 70; i++)
		len[i] = prot(tx, pkts[i], rtp(pkts[i], 7, (u16)(1000 + i), 20));
	expect_rtp(rx, pkts[0], len[0], SRTP_R_OK);
	expect_rtp(rx, pkts[0], len[0], SRTP_R_REPLAY);
	expect_rtp(rx, pkts[64], len[64], SRTP_R_OK);
	/* 64 behind the highest: just outside a 64 window. */
	expect_rtp(rx, pkts[0], len[0], SRTP_R_TOO_OLD);
	/* 63 behind: inside, never seen. */
	expect_rtp(rx, pkts[1], len[1], SRTP_R_OK);
	expect_rtp(rx, pkts[1], len[1], SRTP_R_REPLAY);
	expect_rtp(rx, pkts[64], len[64], SRTP_R_REPLAY);
	expect_rtp(rx, pkts[2], len[2], SRTP_R_OK);
	expect_rtp(rx, pkts[69], len[69], SRTP_R_OK);
	/* The window slid by 5: 1 is now 68 behind. */
	expect_rtp(rx, pkts[3], len[3], SRTP_R_TOO_OLD);
	expect_rtp(rx, pkts[6], len[6], SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_drops(rx, SRTP_R_REPLAY), 3);
	ck_assert_uint_eq(srtp_ctx_drops(rx, SRTP_R_TOO_OLD), 2);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

START_TEST(test_window_size_configurable)
{
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80,
			  .window = 1024 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	static u8 pkts[1100][64];
	int len[1100];
	unsigned int i;

	for (i = 0; i < 1100; i++)
		len[i] = prot(tx, pkts[i], rtp(pkts[i], 9, (u16)(60000 + i), 4));
	expect_rtp(rx, pkts[1099], len[1099], SRTP_R_OK);
	/* 1023 behind (across the seq wrap, ROC 0 vs 1): accepted. */
	expect_rtp(rx, pkts[76], len[76], SRTP_R_OK);
	expect_rtp(rx, pkts[75], len[75], SRTP_R_TOO_OLD);
	for (i = 77; i < 1099; i += 97)
		expect_rtp(rx, pkts[i], len[i], SRTP_R_OK);
	for (i = 77; i < 1099; i += 97)
		expect_rtp(rx, pkts[i], len[i], SRTP_R_REPLAY);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

START_TEST(test_srtcp_replay)
{
	struct opts o = { .suite = all_suites[_i] };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	static u8 pkts[200][128];
	int len[200];
	unsigned int i;

	for (i = 0; i < 200; i++)
		len[i] = prot_rtcp(tx, pkts[i], rtcp(pkts[i], 0x55));
	expect_rtcp(rx, pkts[0], len[0], SRTP_R_OK);
	expect_rtcp(rx, pkts[0], len[0], SRTP_R_REPLAY);
	expect_rtcp(rx, pkts[199], len[199], SRTP_R_OK);
	expect_rtcp(rx, pkts[199], len[199], SRTP_R_REPLAY);
	expect_rtcp(rx, pkts[10], len[10], SRTP_R_TOO_OLD);
	expect_rtcp(rx, pkts[150], len[150], SRTP_R_OK);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/* ---- RFC 3711 Appendix A ---- */

START_TEST(test_roc_estimation)
{
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80,
			  .window = 1024 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	static const u16 seqs[] = { 65000, 65530, 10, 65535, 40000 };
	static u8 pkts[5][64];
	int len[5];
	unsigned int i;

	struct srtp_ctx *tx2 = ctx_of(&o, SRTP_DIR_OUTBOUND);
	enum srtp_reason why;

	/*
	 * Sender and receiver both estimate: 65000, 65530 have ROC 0; 10
	 * wraps to ROC 1; 65535 arriving after 10 is ROC 0 (late); 40000
	 * after 10 (s_l < 2^15, SEQ - s_l > 2^15) is ROC 0 as well, 25010
	 * behind the highest index 65546: the sender refuses it (it is left
	 * of its window), so a second sender that never saw the others
	 * makes the packet the receiver must refuse.
	 */
	for (i = 0; i < 4; i++)
		len[i] = prot(tx, pkts[i], rtp(pkts[i], 3, seqs[i], 8));
	len[4] = (int)rtp(pkts[4], 3, seqs[4], 8);
	ck_assert_int_lt(srtp_rtp_protect(tx, pkts[4], (unsigned int)len[4],
					  sizeof(pkts[4]), &why), 0);
	ck_assert_int_eq(why, SRTP_R_TX_REPLAY);
	len[4] = prot(tx2, pkts[4], rtp(pkts[4], 3, seqs[4], 8));
	expect_rtp(rx, pkts[0], len[0], SRTP_R_OK);
	expect_rtp(rx, pkts[1], len[1], SRTP_R_OK);
	expect_rtp(rx, pkts[2], len[2], SRTP_R_OK);
	expect_rtp(rx, pkts[3], len[3], SRTP_R_OK);
	/* 40000 with ROC 0 is 25010 behind: outside any window. */
	expect_rtp(rx, pkts[4], len[4], SRTP_R_TOO_OLD);
	srtp_ctx_free(tx);
	srtp_ctx_free(tx2);
	srtp_ctx_free(rx);
}
END_TEST

START_TEST(test_forged_packets_do_not_move_state)
{
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	u8 a[128], b[128], forged[128];
	int na, nb, nf;

	na = prot(tx, a, rtp(a, 5, 100, 10));
	nb = prot(tx, b, rtp(b, 5, 101, 10));
	expect_rtp(rx, a, na, SRTP_R_OK);
	/* A forged packet far ahead (would set ROC/s_l) is rejected... */
	nf = (int)rtp(forged, 5, 30000, 20);
	expect_rtp(rx, forged, nf, SRTP_R_AUTH_FAIL);
	nf = (int)rtp(forged, 5, 99, 20);
	expect_rtp(rx, forged, nf, SRTP_R_AUTH_FAIL);
	/* ...and neither moved the window nor marked 99 as received. */
	expect_rtp(rx, b, nb, SRTP_R_OK);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/* ---- per-SSRC bound ---- */

START_TEST(test_ssrc_limit)
{
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	u8 pkt[128], forged[128];
	enum srtp_reason why;
	unsigned int i;
	int n;

	/* Forged packets of new SSRCs take no slot. */
	for (i = 0; i < 20; i++) {
		n = (int)rtp(forged, 0x1000 + i, 1, 30);
		expect_rtp(rx, forged, n, SRTP_R_AUTH_FAIL);
	}
	for (i = 0; i < SRTP_CORE_SSRC_MAX; i++) {
		n = prot(tx, pkt, rtp(pkt, 0x100 + i, 1, 10));
		expect_rtp(rx, pkt, n, SRTP_R_OK);
	}
	/* The next SSRC: refused by both sides, and counted. */
	n = (int)rtp(pkt, 0x200, 1, 10);
	ck_assert_int_lt(srtp_rtp_protect(tx, pkt, (unsigned int)n, ROOM,
					  &why), 0);
	ck_assert_int_eq(why, SRTP_R_SSRC_LIMIT);
	n = (int)rtcp(pkt, 0x200);
	ck_assert_int_lt(srtp_rtcp_protect(tx, pkt, (unsigned int)n, ROOM,
					   &why), 0);
	ck_assert_int_eq(why, SRTP_R_SSRC_LIMIT);
	ck_assert_uint_eq(srtp_ctx_drops(tx, SRTP_R_SSRC_LIMIT), 2);
	n = (int)rtp(forged, 0x200, 1, 30);
	expect_rtp(rx, forged, n, SRTP_R_SSRC_LIMIT);
	ck_assert_uint_eq(srtp_ctx_drops(rx, SRTP_R_SSRC_LIMIT), 1);
	/* Known SSRCs still work, RTP and RTCP. */
	n = prot(tx, pkt, rtp(pkt, 0x100, 2, 10));
	expect_rtp(rx, pkt, n, SRTP_R_OK);
	n = prot_rtcp(tx, pkt, rtcp(pkt, 0x101));
	expect_rtcp(rx, pkt, n, SRTP_R_OK);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/* ---- the sender never uses an index twice ---- */

/* Protect that must fail with @want; the packet is not sent. */
static void expect_prot_fail(struct srtp_ctx *tx, u32 ssrc, u16 seq,
			     enum srtp_reason want)
{
	enum srtp_reason why;
	u8 b[128];

	ck_assert_int_lt(srtp_rtp_protect(tx, b, rtp(b, ssrc, seq, 10), ROOM,
					  &why), 0);
	ck_assert_str_eq(srtp_reason_name(why), srtp_reason_name(want));
}

START_TEST(test_tx_index_never_twice)
{
	struct opts o = { .suite = all_suites[_i], .window = 64 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	static const u16 ok[] = { 100, 105, 103, 101, 170, 107 };
	u8 b[128];
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		n = prot(tx, b, rtp(b, 7, ok[i], 10));
		expect_rtp(rx, b, n, SRTP_R_OK);
	}
	/*
	 * Each of these indices was sent already, or is left of the window
	 * (170 - 64), where the sender no longer knows: a new payload under
	 * the same key and index would be a two-time pad (GCM: a repeated
	 * nonce).  RTCP numbers its own packets and is not affected.
	 */
	expect_prot_fail(tx, 7, 100, SRTP_R_TX_REPLAY);
	expect_prot_fail(tx, 7, 103, SRTP_R_TX_REPLAY);
	expect_prot_fail(tx, 7, 170, SRTP_R_TX_REPLAY);
	expect_prot_fail(tx, 7, 106, SRTP_R_TX_REPLAY);
	ck_assert_uint_eq(srtp_ctx_drops(tx, SRTP_R_TX_REPLAY), 4);
	n = prot_rtcp(tx, b, rtcp(b, 7));
	expect_rtcp(rx, b, n, SRTP_R_OK);
	/* Inside the window and new: sent, and accepted. */
	n = prot(tx, b, rtp(b, 7, 108, 10));
	expect_rtp(rx, b, n, SRTP_R_OK);
	/* Another SSRC has its own indices. */
	n = prot(tx, b, rtp(b, 8, 100, 10));
	expect_rtp(rx, b, n, SRTP_R_OK);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/* ---- the transform in three steps, two packets in flight ---- */

/*
 * srtp_begin() of @len bytes at @b (copied into @buf): must succeed.  The
 * kernel hook runs srtp_crypt() outside its lock, so another packet's
 * srtp_begin() or srtp_end() can come between any two steps: these tests
 * play such interleavings out on one thread.
 */
static void begin_ok(struct srtp_ctx *ctx, struct srtp_pkt *pkt, bool is_rtcp,
		     u8 *buf, const u8 *b, int len)
{
	enum srtp_reason why = SRTP_R_OK;
	int ret;

	memcpy(buf, b, (size_t)len);
	ret = srtp_begin(ctx, pkt, is_rtcp, buf, (unsigned int)len, ROOM, &why);
	ck_assert_msg(ret == 0, "begin %d %s", ret, srtp_reason_name(why));
}

/* srtp_end() after srtp_crypt(): @exp, SRTP_R_OK for a length. */
static int end_expect(struct srtp_ctx *ctx, struct srtp_pkt *pkt,
		      enum srtp_reason exp)
{
	enum srtp_reason why = SRTP_R_OK;
	int n;

	srtp_crypt(ctx, pkt);
	n = srtp_end(ctx, pkt, &why);
	ck_assert_msg(exp ? n < 0 : n > 0, "end gave %d (%s), want %s", n,
		      srtp_reason_name(why), srtp_reason_name(exp));
	ck_assert_str_eq(srtp_reason_name(why), srtp_reason_name(exp));
	return n;
}

/*
 * Two copies of one packet in flight at once (two CPUs): both pass
 * srtp_begin()'s replay check, both authenticate, and srtp_end() takes
 * the first and refuses the second as a replay, for SRTP and SRTCP.
 */
START_TEST(test_split_replay_in_flight)
{
	struct opts o = { .suite = all_suites[_i] };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	u8 b[128], c[128], a1[ROOM], a2[ROOM];
	struct srtp_pkt p1, p2;
	int n, m;

	n = prot(tx, b, rtp(b, 7, 500, 20));
	m = prot_rtcp(tx, c, rtcp(c, 7));
	begin_ok(rx, &p1, false, a1, b, n);
	begin_ok(rx, &p2, false, a2, b, n);
	ck_assert_int_eq(end_expect(rx, &p1, SRTP_R_OK), 32);
	end_expect(rx, &p2, SRTP_R_REPLAY);
	begin_ok(rx, &p1, true, a1, c, m);
	begin_ok(rx, &p2, true, a2, c, m);
	end_expect(rx, &p2, SRTP_R_OK);
	end_expect(rx, &p1, SRTP_R_REPLAY);
	ck_assert_uint_eq(srtp_ctx_drops(rx, SRTP_R_REPLAY), 2);
	/* And a third copy, after both, never got past srtp_begin(). */
	expect_rtp(rx, b, n, SRTP_R_REPLAY);
	expect_rtcp(rx, c, m, SRTP_R_REPLAY);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/*
 * Protect reserves in srtp_begin(): a second packet with the same
 * sequence number, begun while the first is in flight, is refused before
 * any crypto; two SRTCP packets in flight get two indices; both sides
 * then accept what was sent.
 */
START_TEST(test_split_tx_reserves)
{
	struct opts o = { .suite = all_suites[_i] };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	u8 b[128], c[128], a1[ROOM], a2[ROOM];
	struct srtp_pkt p1, p2;
	enum srtp_reason why;
	int n1, n2;

	begin_ok(tx, &p1, false, a1, b, (int)rtp(b, 9, 40, 20));
	rtp(c, 9, 40, 21);
	memcpy(a2, c, 33);
	ck_assert_int_eq(srtp_begin(tx, &p2, false, a2, 33, ROOM, &why),
			 -EALREADY);
	ck_assert_int_eq(why, SRTP_R_TX_REPLAY);
	n1 = end_expect(tx, &p1, SRTP_R_OK);
	expect_rtp(rx, a1, n1, SRTP_R_OK);

	begin_ok(tx, &p1, true, a1, b, (int)rtcp(b, 9));
	begin_ok(tx, &p2, true, a2, c, (int)rtcp(c, 9));
	n2 = end_expect(tx, &p2, SRTP_R_OK);
	n1 = end_expect(tx, &p1, SRTP_R_OK);
	/* E||index follows the packet (CM) or its tag (GCM): 0, then 1. */
	{
		unsigned int off = 32 + (o.suite >= SRTP_AEAD_AES_128_GCM ?
					  16 : 0);
		ck_assert_uint_eq(a1[off + 3], 0);
		ck_assert_uint_eq(a2[off + 3], 1);
	}
	expect_rtcp(rx, a2, n2, SRTP_R_OK);
	expect_rtcp(rx, a1, n1, SRTP_R_OK);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/*
 * Two new SSRCs in flight at once: srtp_begin() of the second reuses the
 * scratch state of a not yet admitted SSRC, so srtp_end() looks each up
 * again.  Both are admitted with their own state: each one's replay is
 * refused, and each goes on with its next packet.
 */
START_TEST(test_split_new_ssrcs)
{
	struct opts o = { .suite = all_suites[_i] };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	u8 b[128], c[128], a1[ROOM], a2[ROOM];
	struct srtp_pkt p1, p2;
	struct srtp_events ev;
	int n, m;

	n = prot(tx, b, rtp(b, 0x1111, 65000, 20));
	m = prot(tx, c, rtp(c, 0x2222, 3, 20));
	begin_ok(rx, &p1, false, a1, b, n);
	begin_ok(rx, &p2, false, a2, c, m);
	end_expect(rx, &p1, SRTP_R_OK);
	end_expect(rx, &p2, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev) & SRTP_EV_NEW_SSRC,
			  SRTP_EV_NEW_SSRC);
	expect_rtp(rx, b, n, SRTP_R_REPLAY);
	expect_rtp(rx, c, m, SRTP_R_REPLAY);
	n = prot(tx, b, rtp(b, 0x1111, 65001, 20));
	expect_rtp(rx, b, n, SRTP_R_OK);
	m = prot(tx, c, rtp(c, 0x2222, 4, 20));
	expect_rtp(rx, c, m, SRTP_R_OK);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/*
 * A key's lifetime with packets in flight.  Unprotect: two packets pass
 * srtp_begin() with one use left; the first srtp_end() spends the key,
 * the second is refused (lifetime), so the key never takes more than its
 * lifetime.  Protect counts the use in srtp_begin(): with two uses, a
 * third packet begun while two are in flight finds the key spent.
 */
START_TEST(test_split_lifetime)
{
	struct opts big = { .suite = all_suites[_i] };
	struct opts two = { .suite = all_suites[_i], .lifetime = 2 };
	struct srtp_ctx *tx = ctx_of(&big, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&two, SRTP_DIR_INBOUND);
	struct srtp_ctx *tx2 = ctx_of(&two, SRTP_DIR_OUTBOUND);
	u8 b[3][128], a[3][ROOM];
	struct srtp_pkt p[3];
	enum srtp_reason why;
	int n[3], i;

	for (i = 0; i < 3; i++)
		n[i] = prot(tx, b[i], rtp(b[i], 5, (u16)(10 + i), 20));
	expect_rtp(rx, b[0], n[0], SRTP_R_OK);
	begin_ok(rx, &p[1], false, a[1], b[1], n[1]);
	begin_ok(rx, &p[2], false, a[2], b[2], n[2]);
	end_expect(rx, &p[1], SRTP_R_OK);
	end_expect(rx, &p[2], SRTP_R_LIFETIME);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 0), 2);

	for (i = 0; i < 2; i++)
		begin_ok(tx2, &p[i], false, a[i], b[i],
			 (int)rtp(b[i], 5, (u16)(10 + i), 20));
	rtp(b[2], 5, 12, 20);
	memcpy(a[2], b[2], 32);
	ck_assert_int_eq(srtp_begin(tx2, &p[2], false, a[2], 32, ROOM, &why),
			 -EKEYEXPIRED);
	ck_assert_int_eq(why, SRTP_R_LIFETIME);
	end_expect(tx2, &p[1], SRTP_R_OK);
	end_expect(tx2, &p[0], SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_key_used(tx2, 0), 2);
	srtp_ctx_free(tx);
	srtp_ctx_free(tx2);
	srtp_ctx_free(rx);
}
END_TEST

/*
 * A packet begun with the active key while the peer re-keys (no MKI):
 * the next key is chosen in srtp_begin() and tried in srtp_crypt(); a
 * packet of the new key, in flight beside one of the old key, switches
 * the active key only in srtp_end(), and both are accepted.
 */
START_TEST(test_split_rekey_in_flight)
{
	struct opts o = { .suite = all_suites[_i], .nkeys = 2 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	u8 b[128], c[128], a1[ROOM], a2[ROOM];
	struct srtp_pkt p1, p2;
	int n, m;

	n = prot(tx, b, rtp(b, 3, 700, 20));
	ck_assert_int_eq(srtp_ctx_set_active_key(tx, 1), 0);
	m = prot(tx, c, rtp(c, 3, 701, 20));
	begin_ok(rx, &p1, false, a1, b, n);
	begin_ok(rx, &p2, false, a2, c, m);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 0);
	end_expect(rx, &p2, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 1);
	end_expect(rx, &p1, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 0), 1);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 1), 1);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/* ---- SSRC aging ---- */

/* Protects RTP of @ssrc/@seq with @tx; @rx, if any, must accept it. */
static void send_one(struct srtp_ctx *tx, struct srtp_ctx *rx, u32 ssrc,
		     u16 seq, u8 *out, int *outlen)
{
	u8 b[128];
	int n = prot(tx, b, rtp(b, ssrc, seq, 10));

	if (rx)
		expect_rtp(rx, b, n, SRTP_R_OK);
	if (out) {
		memcpy(out, b, (size_t)n);
		*outlen = n;
	}
}

/*
 * A full table makes room by retiring the SSRC idle longest, only once
 * it has been idle SRTP_CORE_SSRC_IDLE seconds; a retired SSRC comes back
 * with its ROC and refuses the indices it used.
 */
START_TEST(test_ssrc_aging)
{
	struct opts o = { .suite = all_suites[_i] };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	/* Sees only SSRC 0x100, so never retires it. */
	struct srtp_ctx *rx_one = ctx_of(&o, SRTP_DIR_INBOUND);
	u8 old[128], forged[128], b[128];
	struct srtp_events ev;
	int nold, n;
	unsigned int i;

	/* time moves only when the test says (a loaded host took a second) */
	srtp_clock_frozen = true;
	srtp_clock_skew = 1000;
	/* SSRC 0x100 wraps its sequence number: ROC 1 from seq 0 on. */
	send_one(tx, rx, 0x100, 65534, b, &n);
	expect_rtp(rx_one, b, n, SRTP_R_OK);
	send_one(tx, rx, 0x100, 65535, b, &n);
	expect_rtp(rx_one, b, n, SRTP_R_OK);
	send_one(tx, rx, 0x100, 0, old, &nold);
	expect_rtp(rx_one, old, nold, SRTP_R_OK);
	for (i = 1; i < SRTP_CORE_SSRC_MAX; i++)
		send_one(tx, rx, 0x100 + i, 1, NULL, NULL);
	/* Full, nobody idle: the ninth SSRC is refused by both sides. */
	expect_prot_fail(tx, 0x200, 1, SRTP_R_SSRC_LIMIT);
	srtp_clock_skew += SRTP_CORE_SSRC_IDLE - 1;
	expect_prot_fail(tx, 0x200, 1, SRTP_R_SSRC_LIMIT);
	/* 0x100 idle long enough; the others keep talking. */
	srtp_clock_skew += 1;
	for (i = 1; i < SRTP_CORE_SSRC_MAX; i++)
		send_one(tx, rx, 0x100 + i, 2, NULL, NULL);
	/* A forged packet of a new SSRC authenticates not, retires nobody. */
	srtp_ctx_take_events(rx, &ev);
	n = (int)rtp(forged, 0x300, 1, 30);
	expect_rtp(rx, forged, n, SRTP_R_AUTH_FAIL);
	/* 0x200 takes 0x100's slot on both sides. */
	send_one(tx, rx, 0x200, 1, NULL, NULL);
	ck_assert(srtp_ctx_take_events(rx, &ev) & SRTP_EV_NEW_SSRC);
	ck_assert_uint_eq(ev.new_ssrc, 0x200);
	/* 0x100 comes back once 0x200 is idle in turn. */
	expect_prot_fail(tx, 0x100, 1, SRTP_R_SSRC_LIMIT);
	srtp_clock_skew += SRTP_CORE_SSRC_IDLE;
	for (i = 1; i < SRTP_CORE_SSRC_MAX; i++)
		send_one(tx, rx, 0x100 + i, 3, NULL, NULL);
	/* Its old indices: never sent again, never accepted again. */
	expect_prot_fail(tx, 0x100, 0, SRTP_R_TX_REPLAY);
	expect_prot_fail(tx, 0x100, 65535, SRTP_R_TX_REPLAY);
	expect_rtp(rx, old, nold, SRTP_R_REPLAY);
	/* Its next packet carries ROC 1, as a receiver that kept it expects. */
	send_one(tx, rx, 0x100, 1, b, &n);
	expect_rtp(rx_one, b, n, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_drops(rx, SRTP_R_AUTH_FAIL), 1);
	srtp_clock_skew = 0;
	srtp_clock_frozen = false;
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
	srtp_ctx_free(rx_one);
}
END_TEST

/*
 * SRTP_CORE_SSRC_MAX live and SRTP_CORE_SSRC_RETIRED_MAX retired SSRCs
 * per key: then new SSRCs are refused, until every key the retired ones
 * used is spent.
 */
START_TEST(test_ssrc_retired_bound)
{
	const unsigned int all = SRTP_CORE_SSRC_MAX +
				 SRTP_CORE_SSRC_RETIRED_MAX;
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80, .nkeys = 2,
			  .lifetime = all + 1 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	unsigned int i;

	srtp_clock_skew = 0;
	for (i = 0; i < all; i++) {
		if (i >= SRTP_CORE_SSRC_MAX)
			srtp_clock_skew += SRTP_CORE_SSRC_IDLE;
		send_one(tx, NULL, 0x1000 + i, 1, NULL, NULL);
	}
	srtp_clock_skew += SRTP_CORE_SSRC_IDLE;
	expect_prot_fail(tx, 0x1000 + all, 1, SRTP_R_SSRC_LIMIT);
	/* A live SSRC goes on (and spends key 0). */
	send_one(tx, NULL, 0x1000 + all - 1, 2, NULL, NULL);
	ck_assert_uint_eq(srtp_ctx_key_used(tx, 0), all + 1);
	/* Key 1 now: SSRCs retired under key 0 alone can be forgotten. */
	srtp_clock_skew += SRTP_CORE_SSRC_IDLE;
	send_one(tx, NULL, 0x1000 + all, 1, NULL, NULL);
	ck_assert_uint_eq(srtp_ctx_key_used(tx, 1), 1);
	srtp_clock_skew = 0;
	srtp_ctx_free(tx);
}
END_TEST

/* ---- SSRC pinning ---- */

/*
 * A pinned context transforms its SSRC byte for byte as an unpinned one
 * does, and refuses every other SSRC, RTP and RTCP, protect and
 * unprotect, forged or validly protected, before any state changes: no
 * SSRC slot, no event, no key use.  Loop: every suite, pinned to SSRC 0
 * (a valid SSRC, not "no pin") and to 0xdeadbeef.
 */
START_TEST(test_ssrc_pin)
{
	const unsigned int ns = ARRAY_SIZE(all_suites);
	struct opts o = { .suite = all_suites[_i % ns] };
	const u32 pin = _i < (int)ns ? 0 : 0xdeadbeef;
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *ptx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *prx = ctx_of(&o, SRTP_DIR_INBOUND);
	struct srtp_ctx *next = ctx_of(&o, SRTP_DIR_OUTBOUND);
	u8 a[ROOM], b[ROOM], plain[ROOM];
	u64 tx_used, rx_used;
	enum srtp_reason why;
	unsigned int i;
	int na, nb, n;
	u32 got = 1;
	u16 seq;

	ck_assert(!srtp_ctx_pin(ptx, &got));
	srtp_ctx_set_pin(ptx, true, pin);
	srtp_ctx_set_pin(prx, true, pin);
	ck_assert(srtp_ctx_pin(ptx, &got));
	ck_assert_uint_eq(got, pin);

	/* The pinned SSRC: the same bytes as without a pin, both ways. */
	for (seq = 1; seq <= 4; seq++) {
		na = prot(tx, a, rtp(a, pin, seq, 40));
		nb = prot(ptx, b, rtp(b, pin, seq, 40));
		ck_assert_int_eq(na, nb);
		ck_assert(!memcmp(a, b, (size_t)na));
		n = srtp_rtp_unprotect(prx, b, (unsigned int)nb, &why);
		ck_assert_int_eq(n, (int)rtp(plain, pin, seq, 40));
		ck_assert(!memcmp(b, plain, (size_t)n));
		na = prot_rtcp(tx, a, rtcp(a, pin));
		nb = prot_rtcp(ptx, b, rtcp(b, pin));
		ck_assert_int_eq(na, nb);
		ck_assert(!memcmp(a, b, (size_t)na));
		n = srtp_rtcp_unprotect(prx, b, (unsigned int)nb, &why);
		ck_assert_int_eq(n, (int)rtcp(plain, pin));
		ck_assert(!memcmp(b, plain, (size_t)n));
	}
	srtp_ctx_take_events(ptx, NULL);
	srtp_ctx_take_events(prx, NULL);
	tx_used = srtp_ctx_key_used(ptx, 0);
	rx_used = srtp_ctx_key_used(prx, 0);

	/* A flood of other SSRCs, plain and forged: refused, counted. */
	for (i = 0; i < 3 * SRTP_CORE_SSRC_MAX; i++) {
		na = (int)rtp(a, pin + 1 + i, 1, 40);
		ck_assert_int_eq(srtp_rtp_protect(ptx, a, (unsigned int)na,
						  ROOM, &why), -EPERM);
		ck_assert_int_eq(why, SRTP_R_SSRC_PIN);
		na = (int)rtcp(a, pin + 1 + i);
		ck_assert_int_eq(srtp_rtcp_protect(ptx, a, (unsigned int)na,
						   ROOM, &why), -EPERM);
		ck_assert_int_eq(why, SRTP_R_SSRC_PIN);
		na = (int)rtp(a, pin + 1 + i, 1, 40);
		expect_rtp(prx, a, na, SRTP_R_SSRC_PIN);
		na = (int)rtcp(a, pin + 1 + i);
		memset(a + na, 0x55, 40);	/* a forged SRTCP trailer */
		expect_rtcp(prx, a, na + 40, SRTP_R_SSRC_PIN);
	}
	/* Validly protected by an unpinned sender: refused all the same. */
	for (i = 0; i < SRTP_CORE_SSRC_MAX - 1; i++) {
		na = prot(tx, a, rtp(a, pin + 1 + i, 1, 40));
		expect_rtp(prx, a, na, SRTP_R_SSRC_PIN);
		na = prot_rtcp(tx, a, rtcp(a, pin + 1 + i));
		expect_rtcp(prx, a, na, SRTP_R_SSRC_PIN);
	}
	ck_assert_uint_eq(srtp_ctx_drops(ptx, SRTP_R_SSRC_PIN),
			  6 * SRTP_CORE_SSRC_MAX);
	ck_assert_uint_eq(srtp_ctx_drops(prx, SRTP_R_SSRC_PIN),
			  6 * SRTP_CORE_SSRC_MAX + 2 * (SRTP_CORE_SSRC_MAX - 1));
	/* Nothing moved: no new SSRC, no key use, no other reason. */
	ck_assert_uint_eq(srtp_ctx_take_events(ptx, NULL), 0);
	ck_assert_uint_eq(srtp_ctx_take_events(prx, NULL), 0);
	ck_assert_uint_eq(srtp_ctx_key_used(ptx, 0), tx_used);
	ck_assert_uint_eq(srtp_ctx_key_used(prx, 0), rx_used);
	ck_assert_uint_eq(srtp_ctx_drops(prx, SRTP_R_AUTH_FAIL), 0);
	ck_assert_uint_eq(srtp_ctx_drops(prx, SRTP_R_SSRC_LIMIT), 0);

	/* The pinned flow goes on as if nothing had come. */
	na = prot(tx, a, rtp(a, pin, 5, 40));
	nb = prot(ptx, b, rtp(b, pin, 5, 40));
	ck_assert_int_eq(na, nb);
	ck_assert(!memcmp(a, b, (size_t)na));
	expect_rtp(prx, b, nb, SRTP_R_OK);

	/* A new context (STREAM_SET with new parameters) keeps the pin. */
	ck_assert_int_eq(srtp_ctx_inherit(next, ptx), 0);
	got = 1;
	ck_assert(srtp_ctx_pin(next, &got));
	ck_assert_uint_eq(got, pin);
	expect_prot_fail(next, pin + 1, 1, SRTP_R_SSRC_PIN);

	/*
	 * Unpinned: the flood took no slot.  The pinned SSRC holds one; the
	 * others fill the rest and the one after is over the bound.
	 */
	srtp_ctx_set_pin(ptx, false, pin);
	srtp_ctx_set_pin(prx, false, pin);
	ck_assert(!srtp_ctx_pin(prx, &got));
	for (i = 1; i < SRTP_CORE_SSRC_MAX; i++)
		send_one(ptx, prx, pin + 1 + i, 1, NULL, NULL);
	expect_prot_fail(ptx, pin + 100, 1, SRTP_R_SSRC_LIMIT);
	/* Pinned again to one of them: the rest are out, it goes on. */
	srtp_ctx_set_pin(ptx, true, pin + 2);
	srtp_ctx_set_pin(prx, true, pin + 2);
	expect_prot_fail(ptx, pin, 6, SRTP_R_SSRC_PIN);
	send_one(ptx, prx, pin + 2, 2, NULL, NULL);
	srtp_ctx_free(tx);
	srtp_ctx_free(ptx);
	srtp_ctx_free(prx);
	srtp_ctx_free(next);
}
END_TEST

/*
 * A context replaced by one with new keys or parameters (STREAM_SET)
 * keeps its SSRCs' ROC, replay windows and SRTCP indices.
 */
START_TEST(test_ctx_inherit)
{
	struct opts o = { .suite = all_suites[_i] };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	struct srtp_ctx *tx2 = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx2 = ctx_of(&o, SRTP_DIR_INBOUND);
	u8 old[128], b[128];
	int nold, n;

	send_one(tx, rx, 9, 65535, NULL, NULL);
	send_one(tx, rx, 9, 0, old, &nold);	/* ROC 1 */
	n = prot_rtcp(tx, b, rtcp(b, 9));
	expect_rtcp(rx, b, n, SRTP_R_OK);
	ck_assert_int_eq(srtp_ctx_inherit(tx2, rx), -EINVAL);
	ck_assert_int_eq(srtp_ctx_inherit(tx2, tx), 0);
	ck_assert_int_eq(srtp_ctx_inherit(rx2, rx), 0);
	/* The new sender refuses the old index and goes on with ROC 1... */
	expect_prot_fail(tx2, 9, 0, SRTP_R_TX_REPLAY);
	send_one(tx2, rx, 9, 1, b, &n);
	/* ...and with the SRTCP index, which the old receiver accepts. */
	n = prot_rtcp(tx2, b, rtcp(b, 9));
	expect_rtcp(rx, b, n, SRTP_R_OK);
	/* The new receiver refuses a replay of what the old one took. */
	expect_rtp(rx2, old, nold, SRTP_R_REPLAY);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
	srtp_ctx_free(tx2);
	srtp_ctx_free(rx2);
}
END_TEST

/* A larger window after the change: what the old one forgot counts as used. */
START_TEST(test_ctx_inherit_wider_window)
{
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80, .window = 64 };
	struct opts wide = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80,
			     .window = 1024 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *tx2 = ctx_of(&wide, SRTP_DIR_OUTBOUND);
	unsigned int seq;

	for (seq = 1000; seq < 1200; seq++)
		send_one(tx, NULL, 9, (u16)seq, NULL, NULL);
	ck_assert_int_eq(srtp_ctx_inherit(tx2, tx), 0);
	/* 1100 was sent, 99 behind: inside the new window, not the old. */
	expect_prot_fail(tx2, 9, 1100, SRTP_R_TX_REPLAY);
	expect_prot_fail(tx2, 9, 1199, SRTP_R_TX_REPLAY);
	send_one(tx2, NULL, 9, 1200, NULL, NULL);
	srtp_ctx_free(tx);
	srtp_ctx_free(tx2);
}
END_TEST

/* ---- malformed packets ---- */

START_TEST(test_malformed_rtp)
{
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	enum srtp_reason why;
	u8 p[256];
	unsigned int len;

	/* Too short for a header (protect) / header + tag (unprotect). */
	len = rtp(p, 1, 1, 0);
	ck_assert_int_lt(srtp_rtp_protect(tx, p, 11, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_TOO_SHORT);
	expect_rtp(rx, p, 12 + 9, SRTP_R_TOO_SHORT);
	/* Version 1. */
	len = rtp(p, 1, 1, 20);
	p[0] = 0x40;
	ck_assert_int_lt(srtp_rtp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_VERSION);
	expect_rtp(rx, p, (int)len, SRTP_R_BAD_VERSION);
	/* 15 CSRCs announced, 60 bytes needed, 20 + tag present. */
	len = rtp(p, 1, 1, 20);
	p[0] = 0x8f;
	ck_assert_int_lt(srtp_rtp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_CSRC);
	expect_rtp(rx, p, (int)len + 10, SRTP_R_BAD_CSRC);
	/* Extension header cut: X set, 2 bytes after the fixed header. */
	len = rtp(p, 1, 1, 2);
	p[0] = 0x90;
	ck_assert_int_lt(srtp_rtp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_EXT);
	expect_rtp(rx, p, (int)len + 10, SRTP_R_BAD_EXT);
	/* Extension length past the end. */
	len = rtp(p, 1, 1, 20);
	p[0] = 0x90;
	p[14] = 0;
	p[15] = 5;
	ck_assert_int_lt(srtp_rtp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_EXT);
	expect_rtp(rx, p, (int)len + 10, SRTP_R_BAD_EXT);
	/* Padding count 0, count past the payload, no payload at all. */
	len = rtp(p, 1, 1, 20);
	p[0] = 0xa0;
	p[len - 1] = 0;
	ck_assert_int_lt(srtp_rtp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_PADDING);
	p[len - 1] = 21;
	ck_assert_int_lt(srtp_rtp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_PADDING);
	p[len - 1] = 20;	/* the whole payload: fine */
	ck_assert_int_gt(srtp_rtp_protect(tx, p, len, ROOM, &why), 0);
	len = rtp(p, 1, 2, 0);
	p[0] = 0xa0;
	ck_assert_int_lt(srtp_rtp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_PADDING);
	/* Not enough room for the tag. */
	len = rtp(p, 1, 3, 20);
	ck_assert_int_lt(srtp_rtp_protect(tx, p, len, len + 9, &why), 0);
	ck_assert_int_eq(why, SRTP_R_NO_ROOM);
	ck_assert_int_eq(srtp_rtp_protect(tx, p, len, len + 10, &why),
			 (int)len + 10);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/* Padding is checked after decryption, on authenticated packets. */
START_TEST(test_bad_padding_after_unprotect)
{
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx;
	u8 p[256];
	int n;

	/* Unauthenticated and unencrypted: the header can be edited. */
	o.flags = SRTP_F_UNAUTHENTICATED_SRTP | SRTP_F_UNENCRYPTED_SRTP;
	srtp_ctx_free(tx);
	tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	rx = ctx_of(&o, SRTP_DIR_INBOUND);
	n = prot(tx, p, rtp(p, 1, 1, 20));
	ck_assert_int_eq(n, 32);	/* no tag */
	p[0] |= 0x20;
	p[n - 1] = 0;
	expect_rtp(rx, p, n, SRTP_R_BAD_PADDING);
	p[n - 1] = 21;
	expect_rtp(rx, p, n, SRTP_R_BAD_PADDING);
	p[n - 1] = 3;
	expect_rtp(rx, p, n, SRTP_R_OK);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

START_TEST(test_malformed_rtcp)
{
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	enum srtp_reason why;
	u8 p[256];
	unsigned int len;

	len = rtcp(p, 1);
	ck_assert_int_lt(srtp_rtcp_protect(tx, p, 7, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_TOO_SHORT);
	expect_rtcp(rx, p, 8 + 4 + 10 - 1, SRTP_R_TOO_SHORT);
	p[0] = 0x41;
	ck_assert_int_lt(srtp_rtcp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_VERSION);
	expect_rtcp(rx, p, (int)len + 14, SRTP_R_BAD_VERSION);
	/* Payload type 96 is RTP, not RTCP. */
	len = rtcp(p, 1);
	p[1] = 96;
	ck_assert_int_lt(srtp_rtcp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_RTCP);
	expect_rtcp(rx, p, (int)len + 14, SRTP_R_BAD_RTCP);
	/* Length field says 9 words, 8 present; or 6, leaving 4 stray. */
	len = rtcp(p, 1);
	p[3] = 8;
	ck_assert_int_lt(srtp_rtcp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_RTCP);
	p[3] = 6;
	ck_assert_int_lt(srtp_rtcp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_VERSION);	/* stray: 0x1c.. */
	p[28] = 0x80;		/* a second part, longer than what is left */
	p[29] = 202;
	p[30] = 0;
	p[31] = 1;
	ck_assert_int_lt(srtp_rtcp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_RTCP);
	p[31] = 0;		/* exactly what is left: valid */
	ck_assert_int_gt(srtp_rtcp_protect(tx, p, len, ROOM, &why), 0);
	/* Two parts, padding on the first one. */
	len = rtcp(p, 1);
	p[3] = 3;
	p[0] = 0xa1;
	p[15] = 4;
	p[16] = 0x80;
	p[17] = 202;
	p[18] = 0;
	p[19] = 3;
	ck_assert_int_lt(srtp_rtcp_protect(tx, p, len, ROOM, &why), 0);
	ck_assert_int_eq(why, SRTP_R_BAD_PADDING);
	p[0] = 0x81;
	ck_assert_int_gt(srtp_rtcp_protect(tx, p, len, ROOM, &why), 0);
	/* Not enough room for E||index and the tag. */
	len = rtcp(p, 1);
	ck_assert_int_lt(srtp_rtcp_protect(tx, p, len, len + 13, &why), 0);
	ck_assert_int_eq(why, SRTP_R_NO_ROOM);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

START_TEST(test_rtcp_mux_helper)
{
	u8 b[2] = { 0x80, 0 };

	b[1] = 200;
	ck_assert(srtp_is_rtcp(b, 2));
	b[1] = 192;
	ck_assert(srtp_is_rtcp(b, 2));
	b[1] = 223;
	ck_assert(srtp_is_rtcp(b, 2));
	b[1] = 191;
	ck_assert(!srtp_is_rtcp(b, 2));
	b[1] = 224;
	ck_assert(!srtp_is_rtcp(b, 2));
	b[1] = 96;
	ck_assert(!srtp_is_rtcp(b, 2));
	b[1] = 200;
	ck_assert(!srtp_is_rtcp(b, 1));
}
END_TEST

/* ---- MKI and lifetime ---- */

START_TEST(test_unknown_mki)
{
	struct opts o = { .suite = all_suites[_i], .mki_len = 4,
			  .nkeys = 2 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	const struct srtp_suite_info *si = srtp_suite_get(o.suite);
	unsigned int plen = 12 + 16;	/* rtp() with a 16 byte payload */
	unsigned int mki_off = si->aead ? plen + 16 : plen;
	u8 p[ROOM];
	int n;

	n = prot(tx, p, rtp(p, 1, 1, 16));
	ck_assert_int_eq(p[mki_off], 0x10);	/* key 0's MKI */
	p[mki_off] = 0x30;
	expect_rtp(rx, p, n, SRTP_R_UNKNOWN_MKI);
	/* Key 1 is chosen by its MKI. */
	ck_assert_int_eq(srtp_ctx_set_active_key(tx, 1), 0);
	n = prot(tx, p, rtp(p, 1, 2, 16));
	ck_assert_int_eq(p[mki_off], 0x11);
	expect_rtp(rx, p, n, SRTP_R_OK);
	/* The MKI of the other key: wrong key, tag fails. */
	n = prot(tx, p, rtp(p, 1, 3, 16));
	p[mki_off] = 0x10;
	expect_rtp(rx, p, n, SRTP_R_AUTH_FAIL);
	/* SRTCP too. */
	n = prot_rtcp(tx, p, rtcp(p, 1));
	p[si->aead ? 32 + 16 + 4 : 32 + 4] = 0x7f;
	expect_rtcp(rx, p, n, SRTP_R_UNKNOWN_MKI);
	ck_assert_int_eq(srtp_ctx_set_active_key(tx, 2), -EINVAL);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

START_TEST(test_lifetime_hard_limit)
{
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80,
			  .lifetime = 6 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	struct srtp_events ev;
	enum srtp_reason why;
	u8 p[ROOM];
	unsigned int i;
	int n = 0;

	for (i = 0; i < 2; i++)
		prot(tx, p, rtp(p, 1, (u16)i, 8));
	/* The first packet of SSRC 1 admitted it: reported once. */
	ck_assert_uint_eq(srtp_ctx_take_events(tx, &ev), SRTP_EV_NEW_SSRC);
	ck_assert_uint_eq(ev.new_ssrc, 1);
	/* SRTP and SRTCP count together: the 3rd packet is half. */
	prot_rtcp(tx, p, rtcp(p, 1));
	ck_assert_uint_eq(srtp_ctx_take_events(tx, &ev), SRTP_EV_SOFT_LIMIT);
	ck_assert_uint_eq(ev.soft_key, 0);
	ck_assert_uint_eq(srtp_ctx_take_events(tx, &ev), 0);	/* once */
	prot(tx, p, rtp(p, 1, 2, 8));
	prot(tx, p, rtp(p, 1, 3, 8));
	ck_assert_uint_eq(srtp_ctx_take_events(tx, &ev), 0);
	n = prot(tx, p, rtp(p, 1, 4, 8));
	ck_assert_uint_eq(srtp_ctx_take_events(tx, &ev), SRTP_EV_HARD_LIMIT);
	ck_assert_uint_eq(ev.hard_key, 0);
	/* Retired: no next key, so drop. */
	n = (int)rtp(p, 1, 5, 8);
	ck_assert_int_eq(srtp_rtp_protect(tx, p, (unsigned int)n, ROOM, &why),
			 -EKEYEXPIRED);
	ck_assert_int_eq(why, SRTP_R_LIFETIME);
	n = (int)rtcp(p, 1);
	ck_assert_int_lt(srtp_rtcp_protect(tx, p, (unsigned int)n, ROOM,
					   &why), 0);
	ck_assert_int_eq(why, SRTP_R_LIFETIME);
	ck_assert_uint_eq(srtp_ctx_drops(tx, SRTP_R_LIFETIME), 2);

	/* The receiver counts too (after authentication). */
	{
		struct opts o2 = o;
		struct srtp_ctx *tx2;
		static u8 q[8][128];
		int m[8];

		o2.lifetime = 0;
		tx2 = ctx_of(&o2, SRTP_DIR_OUTBOUND);
		for (i = 0; i < 8; i++)
			m[i] = prot(tx2, q[i], rtp(q[i], 1, (u16)i, 8));
		/* A forged packet does not count. */
		q[7][20] ^= 1;
		expect_rtp(rx, q[7], m[7], SRTP_R_AUTH_FAIL);
		/* nor does it admit its SSRC */
		ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), 0);
		for (i = 0; i < 6; i++)
			expect_rtp(rx, q[i], m[i], SRTP_R_OK);
		expect_rtp(rx, q[6], m[6], SRTP_R_LIFETIME);
		ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev),
				  SRTP_EV_SOFT_LIMIT | SRTP_EV_HARD_LIMIT |
				  SRTP_EV_NEW_SSRC);
		ck_assert_uint_eq(ev.new_ssrc, 1);
		srtp_ctx_free(tx2);
	}
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

START_TEST(test_lifetime_rollover_to_next_key)
{
	struct opts o = { .suite = all_suites[_i], .lifetime = 4,
			  .mki_len = 2, .nkeys = 2 };
	const struct srtp_suite_info *si = srtp_suite_get(o.suite);
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	unsigned int plen = 12 + 8, mki_off = si->aead ? plen + 16 : plen;
	struct srtp_events ev;
	enum srtp_reason why;
	u8 p[ROOM];
	unsigned int i;
	int n;

	for (i = 0; i < 8; i++) {
		n = prot(tx, p, rtp(p, 1, (u16)i, 8));
		/* No gap: 4 packets with key 0, then key 1. */
		ck_assert_int_eq(p[mki_off], i < 4 ? 0x10 : 0x11);
		expect_rtp(rx, p, n, SRTP_R_OK);
		if (i == 3) {
			/* with the admission of the SSRC by packet 0 */
			ck_assert_uint_eq(srtp_ctx_take_events(tx, &ev),
					  SRTP_EV_SOFT_LIMIT |
					  SRTP_EV_HARD_LIMIT |
					  SRTP_EV_NEW_SSRC);
			ck_assert_uint_eq(ev.hard_key, 0);
		}
		if (i == 4) {
			ck_assert_uint_eq(srtp_ctx_take_events(tx, &ev),
					  SRTP_EV_KEY_SWITCH);
			ck_assert_uint_eq(ev.active_key, 1);
		}
	}
	ck_assert_uint_eq(srtp_ctx_take_events(tx, &ev),
			  SRTP_EV_SOFT_LIMIT | SRTP_EV_HARD_LIMIT);
	ck_assert_uint_eq(ev.hard_key, 1);
	n = (int)rtp(p, 1, 9, 8);
	ck_assert_int_lt(srtp_rtp_protect(tx, p, (unsigned int)n, ROOM, &why),
			 0);
	ck_assert_int_eq(why, SRTP_R_LIFETIME);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/* ---- re-key without MKI (see also test_srtp_libsrtp.c) ---- */

/* Protects RTP (or RTCP) with the key in @slot of @tx. */
static int prot_with(struct srtp_ctx *tx, unsigned int slot, bool is_rtcp,
		     u8 *b, u32 ssrc, u16 seq, unsigned int plen)
{
	ck_assert_int_eq(srtp_ctx_set_active_key(tx, slot), 0);
	if (is_rtcp)
		return prot_rtcp(tx, b, rtcp(b, ssrc));
	return prot(tx, b, rtp(b, ssrc, seq, plen));
}

static void expect_pkt(struct srtp_ctx *rx, bool is_rtcp, const u8 *b,
		       int len, enum srtp_reason exp)
{
	if (is_rtcp)
		expect_rtcp(rx, b, len, exp);
	else
		expect_rtp(rx, b, len, exp);
}

/*
 * Only the key right after the active one is tried, once; the switch
 * goes one key at a time; an empty payload works too.  The second half
 * of the loop runs it with a backend whose failed GCM decrypt scrambles
 * the buffer, as srtp_crypto.h allows: the core must not rely on it.
 */
START_TEST(test_rekey_tries_only_the_next_key)
{
	const int ns = ARRAY_SIZE(all_suites);
	struct opts o = { .suite = all_suites[_i % (2 * ns) / 2], .nkeys = 3 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	bool is_rtcp = _i & 1;
	struct srtp_events ev;
	u8 p[ROOM];
	u16 seq = 1;
	int n;

	srtp_ossl_gcm_scramble = _i >= 2 * ns;
	n = prot_with(tx, 0, is_rtcp, p, 9, seq++, 0);
	expect_pkt(rx, is_rtcp, p, n, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), SRTP_EV_NEW_SSRC);
	/* Key 2 is two ahead: not tried. */
	n = prot_with(tx, 2, is_rtcp, p, 9, seq++, 0);
	expect_pkt(rx, is_rtcp, p, n, SRTP_R_AUTH_FAIL);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 0);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 2), 0);
	/* Key 1, then key 2: one switch each. */
	n = prot_with(tx, 1, is_rtcp, p, 9, seq++, 0);
	expect_pkt(rx, is_rtcp, p, n, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), SRTP_EV_KEY_SWITCH);
	ck_assert_uint_eq(ev.active_key, 1);
	n = prot_with(tx, 2, is_rtcp, p, 9, seq++, 40);
	expect_pkt(rx, is_rtcp, p, n, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), SRTP_EV_KEY_SWITCH);
	ck_assert_uint_eq(ev.active_key, 2);
	/* Both older keys are retired; no key after 2: one try only. */
	n = prot_with(tx, 0, is_rtcp, p, 9, seq++, 40);
	expect_pkt(rx, is_rtcp, p, n, SRTP_R_AUTH_FAIL);
	n = prot_with(tx, 1, is_rtcp, p, 9, seq++, 40);
	expect_pkt(rx, is_rtcp, p, n, SRTP_R_AUTH_FAIL);
	ck_assert_uint_eq(srtp_ctx_drops(rx, SRTP_R_AUTH_FAIL), 3);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), 0);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 0), 1);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 1), 1);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 2), 1);
	srtp_ossl_gcm_scramble = false;
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/* A next key that is spent is not tried; the spent-key rule stays. */
START_TEST(test_rekey_skips_a_spent_next_key)
{
	struct opts o = { .suite = all_suites[_i], .nkeys = 2,
			  .lifetime = 2 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	struct srtp_events ev;
	u8 p[ROOM];
	int n;

	/* Key 1 used up on the receiver, then key 0 made active again. */
	ck_assert_int_eq(srtp_ctx_set_active_key(rx, 1), 0);
	n = prot_with(tx, 1, false, p, 9, 1, 8);
	expect_rtp(rx, p, n, SRTP_R_OK);
	n = prot_with(tx, 1, false, p, 9, 2, 8);
	expect_rtp(rx, p, n, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 1), 2);
	ck_assert_int_eq(srtp_ctx_set_active_key(rx, 0), 0);
	srtp_ctx_take_events(rx, &ev);
	/* tx's key 1 is spent too: a fresh sender for the next one. */
	srtp_ctx_free(tx);
	o.lifetime = 0;
	tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	n = prot_with(tx, 1, false, p, 9, 3, 8);
	expect_rtp(rx, p, n, SRTP_R_AUTH_FAIL);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 0);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), 0);
	n = prot_with(tx, 0, false, p, 9, 4, 8);
	expect_rtp(rx, p, n, SRTP_R_OK);
	/* Key 0 spent: the next packet hands over to key 1... spent too. */
	n = prot_with(tx, 0, false, p, 9, 5, 8);
	expect_rtp(rx, p, n, SRTP_R_OK);
	n = prot_with(tx, 0, false, p, 9, 6, 8);
	expect_rtp(rx, p, n, SRTP_R_LIFETIME);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/*
 * UNAUTHENTICATED_SRTP: an SRTP packet has no tag, so nothing fails and
 * it is not tried with the next key (it decrypts with the active key,
 * to garbage).  SRTCP is always authenticated and does switch the
 * context, SRTP included.
 */
START_TEST(test_rekey_unauthenticated_srtp)
{
	struct opts o = { .suite = all_suites[_i], .nkeys = 2,
			  .flags = SRTP_F_UNAUTHENTICATED_SRTP };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	enum srtp_reason why;
	struct srtp_events ev;
	u8 p[ROOM], plain[ROOM];
	unsigned int len;
	int n;

	len = rtp(plain, 9, 1, 40);
	n = prot_with(tx, 1, false, p, 9, 1, 40);
	ck_assert_int_eq(srtp_rtp_unprotect(rx, p, (unsigned int)n, &why),
			 (int)len);
	ck_assert_int_ne(memcmp(p, plain, len), 0);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), SRTP_EV_NEW_SSRC);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 0);
	n = prot_with(tx, 1, true, p, 9, 0, 0);
	expect_rtcp(rx, p, n, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), SRTP_EV_KEY_SWITCH);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 1);
	len = rtp(plain, 9, 2, 40);
	n = prot_with(tx, 1, false, p, 9, 2, 40);
	ck_assert_int_eq(srtp_rtp_unprotect(rx, p, (unsigned int)n, &why),
			 (int)len);
	ck_assert_mem_eq(p, plain, len);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/*
 * With MKI the packet names its key: no second try.  A packet accepted
 * with a newer key than the active one makes it active (the peer moved);
 * the older key is still accepted until it is reaped, then unknown.
 */
START_TEST(test_rekey_with_mki_unchanged)
{
	struct opts o = { .suite = all_suites[_i], .mki_len = 2,
			  .nkeys = 2 };
	const struct srtp_suite_info *si = srtp_suite_get(o.suite);
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	unsigned int mki_off = si->aead ? 12 + 8 + 16 : 12 + 8;
	struct srtp_events ev;
	struct srtp_key *k;
	u8 p[ROOM], late[ROOM];
	int n, nlate;

	nlate = prot_with(tx, 0, false, late, 9, 3, 8);
	n = prot_with(tx, 1, false, p, 9, 1, 8);
	expect_rtp(rx, p, n, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev),
			  SRTP_EV_NEW_SSRC | SRTP_EV_KEY_SWITCH);
	ck_assert_uint_eq(ev.active_key, 1);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 1);
	/* Key 1's packet naming key 0 fails with key 0 only. */
	n = prot_with(tx, 1, false, p, 9, 2, 8);
	p[mki_off] = 0x10;
	expect_rtp(rx, p, n, SRTP_R_AUTH_FAIL);
	n = prot_with(tx, 0, true, p, 9, 0, 0);
	p[si->aead ? 32 + 16 + 4 : 32 + 4] = 0x11;
	expect_rtcp(rx, p, n, SRTP_R_AUTH_FAIL);
	ck_assert_uint_eq(srtp_ctx_take_events(rx, &ev), 0);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 1);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 0), 0);
	ck_assert_uint_eq(srtp_ctx_key_used(rx, 1), 1);
	/* A late packet of key 0: accepted, no switch back. */
	memcpy(p, late, nlate);
	expect_rtp(rx, p, nlate, SRTP_R_OK);
	ck_assert_uint_eq(srtp_ctx_active_key(rx), 1);
	/* Once key 0 is reaped its MKI is unknown. */
	k = srtp_ctx_reap_key(rx);
	ck_assert_ptr_nonnull(k);
	srtp_key_free(k);
	ck_assert_ptr_null(srtp_ctx_reap_key(rx));
	nlate = prot_with(tx, 0, false, late, 9, 4, 8);
	expect_rtp(rx, late, nlate, SRTP_R_UNKNOWN_MKI);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/*
 * Re-keys without end: each new key is added, the old one retires when
 * the sender moves on (set active; unprotect follows by trying the next
 * key) and is reaped, so no more than two keys are ever live, indices
 * keep counting and every packet goes through.  Key @_i of the loop
 * picks the suite; half of the runs carry an MKI.
 */
START_TEST(test_rekey_unlimited)
{
	struct opts o = { .suite = all_suites[_i / 2],
			  .mki_len = _i % 2 ? 1 : 0 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	struct srtp_events ev;
	unsigned int i, j, len;
	enum srtp_reason why;
	struct srtp_key *k;
	u8 p[ROOM], plain[ROOM];
	u16 seq = 1;
	int n;

	for (i = 1; i < 200; i++) {
		ck_assert_int_eq(srtp_ctx_add_key(tx, key_of(&o, i), &why),
				 (int)i);
		ck_assert_int_eq(srtp_ctx_add_key(rx, key_of(&o, i), &why),
				 (int)i);
		ck_assert_int_eq(srtp_ctx_set_active_key(tx, i), 0);
		for (j = 0; j < 3; j++, seq++) {
			len = rtp(plain, 7, seq, 20);
			n = prot(tx, p, rtp(p, 7, seq, 20));
			ck_assert_int_eq(srtp_rtp_unprotect(rx, p,
							    (unsigned int)n,
							    &why), (int)len);
			ck_assert_mem_eq(p, plain, len);
		}
		ck_assert_uint_eq(srtp_ctx_active_key(rx), i);
		srtp_ctx_take_events(rx, &ev);
		ck_assert_uint_eq(ev.active_key, i);
		n = prot_rtcp(tx, p, rtcp(p, 7));
		expect_rtcp(rx, p, n, SRTP_R_OK);
		ck_assert_uint_eq(srtp_ctx_key_count(tx), 2);
		k = srtp_ctx_reap_key(tx);
		ck_assert_ptr_nonnull(k);
		srtp_key_free(k);
		k = srtp_ctx_reap_key(rx);
		ck_assert_ptr_nonnull(k);
		srtp_key_free(k);
		ck_assert_ptr_null(srtp_ctx_reap_key(tx));
		ck_assert_ptr_null(srtp_ctx_reap_key(rx));
		ck_assert_uint_eq(srtp_ctx_first_key(tx), i);
		ck_assert_uint_eq(srtp_ctx_key_count(rx), 1);
		/* The reaped key is gone for good. */
		ck_assert_uint_eq(srtp_ctx_key_used(tx, i - 1), 0);
		ck_assert_int_eq(srtp_ctx_set_active_key(tx, i - 1), -EINVAL);
	}
	/* Nothing older than the active key: SRTP_CORE_KEYS_MAX live, full. */
	for (i = 200; i < 200 + SRTP_CORE_KEYS_MAX - 1; i++)
		ck_assert_int_eq(srtp_ctx_add_key(tx, key_of(&o, i), &why),
				 (int)i);
	ck_assert_ptr_null(srtp_ctx_reap_key(tx));
	k = key_of(&o, i);
	ck_assert_int_eq(srtp_ctx_add_key(tx, k, &why), -ENOSPC);
	ck_assert_int_eq(why, SRTP_R_KEY_LIMIT);
	/* Moving on frees all but the active one, and room again. */
	ck_assert_int_eq(srtp_ctx_set_active_key(tx, i - 1), 0);
	for (j = 0; j < SRTP_CORE_KEYS_MAX - 1; j++) {
		struct srtp_key *old = srtp_ctx_reap_key(tx);

		ck_assert_ptr_nonnull(old);
		srtp_key_free(old);
	}
	ck_assert_ptr_null(srtp_ctx_reap_key(tx));
	ck_assert_int_eq(srtp_ctx_add_key(tx, k, &why), (int)i);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
}
END_TEST

/* ---- setup errors and limits ---- */

START_TEST(test_bad_params)
{
	struct srtp_params p = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80,
				 .dir = SRTP_DIR_INBOUND };
	enum srtp_reason why;
	struct srtp_key *k;
	int err;

	p.kdr = 1;
	ck_assert_ptr_null(srtp_ctx_new(&p, &err, &why));
	ck_assert_int_eq(err, -EOPNOTSUPP);
	ck_assert_int_eq(why, SRTP_R_KDR_UNSUPPORTED);
	p.kdr = 0;
	p.flags = SRTP_F_UNAUTHENTICATED_SRTCP;
	ck_assert_ptr_null(srtp_ctx_new(&p, &err, &why));
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_int_eq(why, SRTP_R_BAD_PARAM);
	p.flags = 0;
	p.window = 63;
	ck_assert_ptr_null(srtp_ctx_new(&p, &err, &why));
	ck_assert_int_eq(why, SRTP_R_BAD_PARAM);
	p.window = SRTP_CORE_WINDOW_MAX + 1;
	ck_assert_ptr_null(srtp_ctx_new(&p, &err, &why));
	p.window = 0;
	p.mki_len = SRTP_CORE_MKI_MAX + 1;
	ck_assert_ptr_null(srtp_ctx_new(&p, &err, &why));
	p.mki_len = 0;
	p.suite = SRTP_SUITE_COUNT;
	ck_assert_ptr_null(srtp_ctx_new(&p, &err, &why));
	p.suite = SRTP_AEAD_AES_256_GCM;
	p.flags = SRTP_F_UNAUTHENTICATED_SRTP;
	ck_assert_ptr_null(srtp_ctx_new(&p, &err, &why));
	ck_assert_int_eq(err, -EOPNOTSUPP);
	/* Wrong key or salt length. */
	k = srtp_key_new(SRTP_AES_CM_128_HMAC_SHA1_80, master, 32, master + 32,
			 14, NULL, 0, 0, &err, &why);
	ck_assert_ptr_null(k);
	ck_assert_int_eq(why, SRTP_R_BAD_PARAM);
	k = srtp_key_new(SRTP_AEAD_AES_128_GCM, master, 16, master + 32, 14,
			 NULL, 0, 0, &err, &why);
	ck_assert_ptr_null(k);
	k = srtp_key_new(SRTP_AES_CM_128_HMAC_SHA1_80, master, 16, master + 32,
			 14, NULL, 0, SRTP_CORE_LIFETIME_MAX + 1, &err, &why);
	ck_assert_ptr_null(k);
}
END_TEST

START_TEST(test_key_limits)
{
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80,
			  .mki_len = 1, .nkeys = SRTP_CORE_KEYS_MAX };
	struct srtp_ctx *ctx = ctx_of(&o, SRTP_DIR_INBOUND);
	struct opts o2 = o;
	struct srtp_ctx *ctx2;
	enum srtp_reason why;
	struct srtp_key *k = key_of(&o, 99);

	ck_assert_int_eq(srtp_ctx_add_key(ctx, k, &why), -ENOSPC);
	ck_assert_int_eq(why, SRTP_R_KEY_LIMIT);
	/* Duplicate MKI, MKI length or suite mismatch: refused. */
	o2.nkeys = 1;
	ctx2 = ctx_of(&o2, SRTP_DIR_INBOUND);
	srtp_key_free(k);
	k = key_of(&o2, 0);
	ck_assert_int_eq(srtp_ctx_add_key(ctx2, k, &why), -EEXIST);
	ck_assert_int_eq(why, SRTP_R_BAD_PARAM);
	srtp_key_free(k);
	o2.mki_len = 2;
	k = key_of(&o2, 5);
	ck_assert_int_eq(srtp_ctx_add_key(ctx2, k, &why), -EINVAL);
	ck_assert_int_eq(why, SRTP_R_BAD_PARAM);
	srtp_key_free(k);
	o2.mki_len = 1;
	o2.suite = SRTP_AES_256_CM_HMAC_SHA1_80;
	k = key_of(&o2, 5);
	ck_assert_int_eq(srtp_ctx_add_key(ctx2, k, &why), -EINVAL);
	srtp_key_free(k);
	srtp_ctx_free(ctx);
	srtp_ctx_free(ctx2);
}
END_TEST

START_TEST(test_wrong_direction_and_no_key)
{
	struct srtp_params p = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80,
				 .dir = SRTP_DIR_OUTBOUND };
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND), *bare;
	enum srtp_reason why;
	u8 b[128];
	int n, err;

	n = prot(tx, b, rtp(b, 1, 1, 8));
	ck_assert_int_lt(srtp_rtp_unprotect(tx, b, (unsigned int)n, &why), 0);
	ck_assert_int_eq(why, SRTP_R_WRONG_DIR);
	ck_assert_int_lt(srtp_rtcp_unprotect(tx, b, (unsigned int)n, &why),
			 0);
	ck_assert_int_eq(why, SRTP_R_WRONG_DIR);
	bare = srtp_ctx_new(&p, &err, &why);
	ck_assert_ptr_nonnull(bare);
	n = (int)rtp(b, 1, 1, 8);
	ck_assert_int_lt(srtp_rtp_protect(bare, b, (unsigned int)n, ROOM,
					  &why), 0);
	ck_assert_int_eq(why, SRTP_R_NO_KEY);
	srtp_ctx_free(bare);
	srtp_ctx_free(tx);
}
END_TEST

START_TEST(test_e_bit_and_unencrypted_srtcp)
{
	struct opts o = { .suite = all_suites[_i],
			  .flags = SRTP_F_UNENCRYPTED_SRTCP };
	struct opts enc = { .suite = all_suites[_i] };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	struct srtp_ctx *rx = ctx_of(&o, SRTP_DIR_INBOUND);
	struct srtp_ctx *rx_enc = ctx_of(&enc, SRTP_DIR_INBOUND);
	u8 p[ROOM], orig[64];
	unsigned int len = rtcp(p, 1);
	int n;

	memcpy(orig, p, len);
	n = prot_rtcp(tx, p, len);
	/* The body stays in clear, E is 0. */
	ck_assert_mem_eq(p, orig, len);
	expect_rtcp(rx_enc, p, n, SRTP_R_BAD_E_BIT);
	p[20] ^= 4;
	expect_rtcp(rx, p, n, SRTP_R_AUTH_FAIL);
	p[20] ^= 4;
	expect_rtcp(rx, p, n, SRTP_R_OK);
	srtp_ctx_free(tx);
	srtp_ctx_free(rx);
	srtp_ctx_free(rx_enc);
}
END_TEST

START_TEST(test_srtcp_index_limit)
{
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80,
			  .srtcp_first = SRTP_CORE_SRTCP_INDEX_MAX };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	enum srtp_reason why;
	u8 p[ROOM];
	int n;

	n = prot_rtcp(tx, p, rtcp(p, 1));
	ck_assert_int_eq(p[32], 0xff);	/* E || 0x7fffffff */
	ck_assert_int_eq(p[35], 0xff);
	n = (int)rtcp(p, 1);
	ck_assert_int_eq(srtp_rtcp_protect(tx, p, (unsigned int)n, ROOM,
					   &why), -EOVERFLOW);
	ck_assert_int_eq(why, SRTP_R_INDEX_LIMIT);
	srtp_ctx_free(tx);
}
END_TEST

START_TEST(test_first_srtcp_index_is_zero)
{
	struct opts o = { .suite = SRTP_AES_CM_128_HMAC_SHA1_80 };
	struct srtp_ctx *tx = ctx_of(&o, SRTP_DIR_OUTBOUND);
	u8 p[ROOM];

	prot_rtcp(tx, p, rtcp(p, 1));
	ck_assert_int_eq(p[32], 0x80);
	ck_assert_int_eq(p[35], 0x00);
	prot_rtcp(tx, p, rtcp(p, 1));
	ck_assert_int_eq(p[35], 0x01);
	/* Per SSRC: another sender starts at 0 again. */
	prot_rtcp(tx, p, rtcp(p, 2));
	ck_assert_int_eq(p[35], 0x00);
	srtp_ctx_free(tx);
}
END_TEST

static Suite *negative_suite(void)
{
	Suite *s = suite_create("srtp_negative");
	TCase *tc = tcase_create("negative");
	const int ns = ARRAY_SIZE(all_suites);

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_tamper_srtp, 0, ns);
	tcase_add_loop_test(tc, test_tamper_srtcp, 0, ns);
	tcase_add_loop_test(tc, test_replay_and_too_old, 0, ns);
	tcase_add_test(tc, test_window_size_configurable);
	tcase_add_loop_test(tc, test_srtcp_replay, 0, ns);
	tcase_add_test(tc, test_roc_estimation);
	tcase_add_test(tc, test_forged_packets_do_not_move_state);
	tcase_add_test(tc, test_ssrc_limit);
	tcase_add_loop_test(tc, test_tx_index_never_twice, 0, ns);
	tcase_add_loop_test(tc, test_ssrc_aging, 0, ns);
	tcase_add_test(tc, test_ssrc_retired_bound);
	tcase_add_loop_test(tc, test_ssrc_pin, 0, 2 * ns);
	tcase_add_loop_test(tc, test_ctx_inherit, 0, ns);
	tcase_add_test(tc, test_ctx_inherit_wider_window);
	tcase_add_test(tc, test_malformed_rtp);
	tcase_add_test(tc, test_bad_padding_after_unprotect);
	tcase_add_test(tc, test_malformed_rtcp);
	tcase_add_test(tc, test_rtcp_mux_helper);
	tcase_add_loop_test(tc, test_unknown_mki, 0, ns);
	tcase_add_test(tc, test_lifetime_hard_limit);
	tcase_add_loop_test(tc, test_lifetime_rollover_to_next_key, 0, ns);
	tcase_add_loop_test(tc, test_rekey_tries_only_the_next_key, 0, 4 * ns);
	tcase_add_loop_test(tc, test_rekey_skips_a_spent_next_key, 0, ns);
	tcase_add_loop_test(tc, test_rekey_unauthenticated_srtp, 0, 6);
	tcase_add_loop_test(tc, test_rekey_with_mki_unchanged, 0, ns);
	tcase_add_loop_test(tc, test_rekey_unlimited, 0, 2 * ns);
	tcase_add_test(tc, test_bad_params);
	tcase_add_test(tc, test_key_limits);
	tcase_add_test(tc, test_wrong_direction_and_no_key);
	tcase_add_loop_test(tc, test_e_bit_and_unencrypted_srtcp, 0, ns);
	tcase_add_test(tc, test_srtcp_index_limit);
	tcase_add_test(tc, test_first_srtcp_index_is_zero);
	tcase_add_loop_test(tc, test_split_replay_in_flight, 0, ns);
	tcase_add_loop_test(tc, test_split_tx_reserves, 0, ns);
	tcase_add_loop_test(tc, test_split_new_ssrcs, 0, ns);
	tcase_add_loop_test(tc, test_split_lifetime, 0, ns);
	tcase_add_loop_test(tc, test_split_rekey_in_flight, 0, ns);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(negative_suite)
