// SPDX-License-Identifier: GPL-2.0
/*
 * The RFC 7983 classifier of the SRTP core (srtp_demux()), which the
 * hooks ask about every packet a stream matches: RTP and RTCP go to the
 * transforms, whole RFC 5389 STUN messages pass, everything else is
 * dropped.  Each datagram is handed over in a buffer of exactly the bytes
 * the caller copies out (SRTP_DEMUX_HEAD at most), so that ASan catches
 * a read past them.
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "srtp.h"
#include "check_main.h"

/* A Binding request with ICE attributes, laid out as RFC 5769 2.1's. */
static const u8 binding_request[108] = {
	0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42,
	0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
	0xfa, 0x87, 0xdf, 0xae,
	0x80, 0x22, 0x00, 0x10, 'S', 'T', 'U', 'N', ' ', 't', 'e', 's',
	't', ' ', 'c', 'l', 'i', 'e', 'n', 't',
	0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
	0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36,
	0x00, 0x06, 0x00, 0x09, 'e', 'v', 't', 'j', ':', 'h', '6', 'v',
	'Y', ' ', ' ', ' ',
	0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56,
	0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49, 0xc1, 0xb5, 0x71, 0xa2,
	0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf,
};

/* srtp_demux() of a datagram of @len bytes, given only its head. */
static enum srtp_demux demux(const u8 *pkt, unsigned int len)
{
	unsigned int n = len < SRTP_DEMUX_HEAD ? len : SRTP_DEMUX_HEAD;
	u8 *head = malloc(n ? n : 1);
	enum srtp_demux d, other;

	ck_assert_ptr_nonnull(head);
	memcpy(head, pkt, n);
	d = srtp_demux(head, len);
	/* The out-of-line part alone gives the same answer. */
	other = srtp_demux_other(head, len);
	free(head);
	ck_assert_int_eq(d, other);
	return d;
}

/* A STUN header: @type, message length @mlen, the cookie, an ID. */
static void stun_header(u8 *b, u16 type, u16 mlen)
{
	unsigned int i;

	b[0] = type >> 8;
	b[1] = type;
	b[2] = mlen >> 8;
	b[3] = mlen;
	b[4] = 0x21;
	b[5] = 0x12;
	b[6] = 0xa4;
	b[7] = 0x42;
	for (i = 8; i < SRTP_STUN_HDR; i++)
		b[i] = (u8)(0x30 + i);
}

START_TEST(test_stun_messages_pass)
{
	u8 b[64];

	ck_assert_int_eq(demux(binding_request, sizeof(binding_request)),
			 SRTP_DEMUX_STUN);
	/* a bare Binding request: the header alone */
	stun_header(b, 0x0001, 0);
	ck_assert_int_eq(demux(b, SRTP_STUN_HDR), SRTP_DEMUX_STUN);
	/* an indication, a success and an error response, with attributes */
	memset(b, 0, sizeof(b));
	stun_header(b, 0x0011, 12);
	ck_assert_int_eq(demux(b, 32), SRTP_DEMUX_STUN);
	stun_header(b, 0x0101, 12);
	ck_assert_int_eq(demux(b, 32), SRTP_DEMUX_STUN);
	stun_header(b, 0x0111, 44);
	ck_assert_int_eq(demux(b, 64), SRTP_DEMUX_STUN);
	/* the highest first byte of RFC 7983's STUN range */
	stun_header(b, 0x03ff, 0);
	ck_assert_int_eq(demux(b, SRTP_STUN_HDR), SRTP_DEMUX_STUN);
}
END_TEST

START_TEST(test_broken_stun_is_other)
{
	u8 b[sizeof(binding_request) + 4];

	/* classic RFC 3489: a transaction ID where the cookie would be */
	memcpy(b, binding_request, sizeof(binding_request));
	b[4] = 0x5a;
	ck_assert_int_eq(demux(b, sizeof(binding_request)), SRTP_DEMUX_OTHER);
	/* each byte of the cookie matters */
	memcpy(b, binding_request, sizeof(binding_request));
	b[7] ^= 1;
	ck_assert_int_eq(demux(b, sizeof(binding_request)), SRTP_DEMUX_OTHER);
	/* the length says more, or less, than the datagram holds */
	memcpy(b, binding_request, sizeof(binding_request));
	ck_assert_int_eq(demux(b, sizeof(binding_request) - 4),
			 SRTP_DEMUX_OTHER);
	ck_assert_int_eq(demux(b, sizeof(binding_request) + 4),
			 SRTP_DEMUX_OTHER);
	/* a length that is no multiple of 4, though it fits the datagram */
	stun_header(b, 0x0001, 5);
	ck_assert_int_eq(demux(b, SRTP_STUN_HDR + 5), SRTP_DEMUX_OTHER);
	/* shorter than the header */
	stun_header(b, 0x0001, 0);
	ck_assert_int_eq(demux(b, SRTP_STUN_HDR - 1), SRTP_DEMUX_OTHER);
	ck_assert_int_eq(demux(b, 8), SRTP_DEMUX_OTHER);
	ck_assert_int_eq(demux(b, 1), SRTP_DEMUX_OTHER);
	/* a good header behind a first byte outside 0..3 */
	stun_header(b, 0x0401, 0);
	ck_assert_int_eq(demux(b, SRTP_STUN_HDR), SRTP_DEMUX_OTHER);
}
END_TEST

/*
 * Every first byte, in a datagram that is a whole STUN message but for
 * that byte: RTP for 128..191, STUN for 0..3, else other.
 */
START_TEST(test_every_first_byte)
{
	unsigned int v;
	u8 b[172];

	memset(b, 0xa5, sizeof(b));
	stun_header(b, 0, sizeof(b) - SRTP_STUN_HDR);
	for (v = 0; v < 256; v++) {
		enum srtp_demux want = SRTP_DEMUX_OTHER;

		if (v >= 128 && v <= 191)
			want = SRTP_DEMUX_RTP;
		else if (v <= 3)
			want = SRTP_DEMUX_STUN;
		b[0] = v;
		ck_assert_msg(demux(b, sizeof(b)) == want, "first byte %u", v);
		/* and with no cookie, only RTP's first bytes are RTP */
		b[4] = 0;
		ck_assert_msg(demux(b, sizeof(b)) ==
			      (want == SRTP_DEMUX_RTP ? SRTP_DEMUX_RTP :
			       SRTP_DEMUX_OTHER), "first byte %u, no cookie", v);
		b[4] = 0x21;
	}
}
END_TEST

START_TEST(test_rfc7983_ranges)
{
	static const struct {
		u8 first;
		enum srtp_demux want;
	} cases[] = {
		{ 0x80, SRTP_DEMUX_RTP },	/* RTP, V=2 */
		{ 0x90, SRTP_DEMUX_RTP },	/* RTP with an extension */
		{ 0xbf, SRTP_DEMUX_RTP },	/* P, X, CC 15 */
		{ 0x81, SRTP_DEMUX_RTP },	/* RTCP RR with a report */
		{ 0x10, SRTP_DEMUX_OTHER },	/* ZRTP */
		{ 0x13, SRTP_DEMUX_OTHER },
		{ 0x14, SRTP_DEMUX_OTHER },	/* DTLS change cipher spec */
		{ 0x16, SRTP_DEMUX_OTHER },	/* DTLS handshake */
		{ 0x17, SRTP_DEMUX_OTHER },	/* DTLS application data */
		{ 0x3f, SRTP_DEMUX_OTHER },
		{ 0x40, SRTP_DEMUX_OTHER },	/* TURN channel 0x4000 */
		{ 0x4f, SRTP_DEMUX_OTHER },
		{ 0x04, SRTP_DEMUX_OTHER },	/* unassigned */
		{ 0x50, SRTP_DEMUX_OTHER },
		{ 0x7f, SRTP_DEMUX_OTHER },	/* RTP version 1 */
		{ 0xc0, SRTP_DEMUX_OTHER },	/* RTP version 3 */
		{ 0xff, SRTP_DEMUX_OTHER },
	};
	unsigned int i;
	u8 b[48];

	memset(b, 0, sizeof(b));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b[0] = cases[i].first;
		ck_assert_msg(demux(b, sizeof(b)) == cases[i].want,
			      "first byte 0x%02x", cases[i].first);
		/* short datagrams are classified by their first byte too */
		ck_assert_msg(demux(b, 1) == cases[i].want,
			      "1 byte, first 0x%02x", cases[i].first);
	}
	/* nothing to classify: left to the transforms, which refuse it */
	ck_assert_int_eq(srtp_demux(b, 0), SRTP_DEMUX_RTP);
}
END_TEST

static Suite *demux_suite(void)
{
	Suite *s = suite_create("demux");
	TCase *tc = tcase_create("rfc7983");

	tcase_add_test(tc, test_stun_messages_pass);
	tcase_add_test(tc, test_broken_stun_is_other);
	tcase_add_test(tc, test_every_first_byte);
	tcase_add_test(tc, test_rfc7983_ranges);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(demux_suite)
