// SPDX-License-Identifier: GPL-2.0
/*
 * A call's totals from its kernel streams (kset_totals(): ng's query and
 * srtpd's metrics): an endpoint's call counts both of its streams; a
 * packet a router forwards passes the unprotect stream of its direction
 * and then the protect stream, and counts once, while a direction with
 * no unprotect stream (a plain leg's media protected toward the SRTP
 * leg) counts at its protect stream; errors and SRTP drops count at
 * every stream; a stream taken over from a deleted call counts from the
 * takeover; a stream that cannot be read counts nothing and is reported.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "kset.h"
#include "check_main.h"

/* the kernel's counters of stream @id: its packets (of which RTCP) */
struct fake_stream {
	uint32_t id;
	uint64_t packets, bytes, rtcp_packets, rtcp_bytes, rtcp_drops;
	uint64_t auth, replay, too_old;
};

static struct fake_stream kernel[KSET_MAX];
static unsigned int nkernel;

static int fake_get(void *arg, uint32_t id, struct nfsrtp_stream *out)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < nkernel; i++) {
		const struct fake_stream *f = &kernel[i];

		if (f->id != id)
			continue;
		memset(out, 0, sizeof(*out));
		out->id = id;
		out->packets = f->packets;
		out->bytes = f->bytes;
		out->rtcp_packets = f->rtcp_packets;
		out->rtcp_bytes = f->rtcp_bytes;
		out->rtcp_drops = f->rtcp_drops;
		out->drops[NF_SRTP_DROP_AUTH] = f->auth;
		out->drops[NF_SRTP_DROP_REPLAY] = f->replay;
		out->drops[NF_SRTP_DROP_TOO_OLD] = f->too_old;
		return 0;
	}
	return -ENOENT;
}

static struct kset set;

/* a slot of @set for kernel stream @f */
static void slot(uint8_t op, bool a_to_b, const struct fake_stream *f)
{
	struct kslot *st = &set.streams[set.n++];

	memset(st, 0, sizeof(*st));
	st->k.id = f->id;
	st->k.op = op;
	st->a_to_b = a_to_b;
	kernel[nkernel++] = *f;
}

static void setup(void)
{
	memset(&set, 0, sizeof(set));
	memset(kernel, 0, sizeof(kernel));
	nkernel = 0;
}

/* A phone's call (the control socket): what it sends and what it gets. */
START_TEST(endpoint_counts_both_streams)
{
	struct kset_totals t;

	slot(NF_SRTP_OP_PROTECT, true, &(struct fake_stream){
		.id = 1, .packets = 110, .bytes = 20000, .rtcp_packets = 10,
		.rtcp_bytes = 800 });
	slot(NF_SRTP_OP_UNPROTECT, false, &(struct fake_stream){
		.id = 2, .packets = 53, .bytes = 9000, .rtcp_packets = 3,
		.rtcp_bytes = 240, .auth = 3, .replay = 2, .too_old = 1 });
	ck_assert(kset_counts(&set, 0));
	ck_assert(kset_counts(&set, 1));
	ck_assert_uint_eq(kset_totals(&set, fake_get, NULL, &t), 0);
	ck_assert_uint_eq(t.packets, 100 + 50);
	ck_assert_uint_eq(t.bytes, 19200 + 8760);
	ck_assert_uint_eq(t.rtcp_packets, 13);
	ck_assert_uint_eq(t.rtcp_bytes, 1040);
	ck_assert_uint_eq(t.auth, 3);
	ck_assert_uint_eq(t.replay, 3);
	ck_assert_uint_eq(t.errors, 6);
}
END_TEST

/*
 * A router between an SRTP phone (A) and an SRTP phone (B): each
 * direction is unprotected from its leg and protected toward the other,
 * one packet passing both streams.
 */
START_TEST(forwarded_packet_counts_once)
{
	struct kset_totals t;

	/* A to B: 100 RTP in, 2 of them forged (auth), 98 out */
	slot(NF_SRTP_OP_UNPROTECT, true, &(struct fake_stream){
		.id = 1, .packets = 98, .bytes = 9800, .auth = 2 });
	slot(NF_SRTP_OP_PROTECT, true, &(struct fake_stream){
		.id = 2, .packets = 98, .bytes = 9800 });
	/* B to A: 40 RTP and 4 RTCP, one RTCP dropped on the way out */
	slot(NF_SRTP_OP_PROTECT, false, &(struct fake_stream){
		.id = 3, .packets = 43, .bytes = 4300, .rtcp_packets = 3,
		.rtcp_bytes = 300, .rtcp_drops = 1, .replay = 1 });
	slot(NF_SRTP_OP_UNPROTECT, false, &(struct fake_stream){
		.id = 4, .packets = 44, .bytes = 4400, .rtcp_packets = 4,
		.rtcp_bytes = 400 });
	ck_assert(kset_counts(&set, 0));
	ck_assert(!kset_counts(&set, 1));
	ck_assert(!kset_counts(&set, 2));
	ck_assert(kset_counts(&set, 3));
	ck_assert_uint_eq(kset_totals(&set, fake_get, NULL, &t), 0);
	ck_assert_uint_eq(t.packets, 98 + 40);
	ck_assert_uint_eq(t.bytes, 9800 + 4000);
	ck_assert_uint_eq(t.rtcp_packets, 4);
	ck_assert_uint_eq(t.rtcp_bytes, 400);
	/* every stream's drops, the protect streams' too */
	ck_assert_uint_eq(t.auth, 2);
	ck_assert_uint_eq(t.replay, 1);
	ck_assert_uint_eq(t.rtcp_errors, 1);
	ck_assert_uint_eq(t.errors, 2);
}
END_TEST

/*
 * An SRTP phone (A) toward a plain gateway (B): B's plain RTP has no
 * unprotect stream, so its packets count where they are protected.
 */
START_TEST(plain_leg_counts_at_protect)
{
	struct kset_totals t;

	slot(NF_SRTP_OP_UNPROTECT, true, &(struct fake_stream){
		.id = 7, .packets = 30, .bytes = 3000 });
	slot(NF_SRTP_OP_PROTECT, false, &(struct fake_stream){
		.id = 8, .packets = 25, .bytes = 2500 });
	ck_assert(kset_counts(&set, 1));
	ck_assert_uint_eq(kset_totals(&set, fake_get, NULL, &t), 0);
	ck_assert_uint_eq(t.packets, 55);
	ck_assert_uint_eq(t.bytes, 5500);
}
END_TEST

/*
 * A guard taken over from a deleted call (a phone keeps its media port
 * from one call to the next) counts from the takeover; counters the
 * kernel had below the base (they only grow: never) give 0, not a wrap.
 */
START_TEST(taken_over_stream_counts_from_base)
{
	struct kslot_base base = {
		.packets = 500, .bytes = 50000, .rtcp_packets = 20,
		.rtcp_bytes = 2000, .auth = 5, .replay = 7,
	};
	struct kset_totals t;

	slot(NF_SRTP_OP_PROTECT, true, &(struct fake_stream){
		.id = 9, .packets = 630, .bytes = 63000, .rtcp_packets = 30,
		.rtcp_bytes = 3000, .auth = 6, .replay = 1 });
	set.streams[0].base = &base;
	ck_assert_uint_eq(kset_totals(&set, fake_get, NULL, &t), 0);
	ck_assert_uint_eq(t.rtcp_packets, 10);
	ck_assert_uint_eq(t.packets, 130 - 10);
	ck_assert_uint_eq(t.bytes, 13000 - 1000);
	ck_assert_uint_eq(t.rtcp_bytes, 1000);
	ck_assert_uint_eq(t.auth, 1);
	ck_assert_uint_eq(t.replay, 0);
	set.streams[0].base = NULL;
}
END_TEST

/* A stream gone from the kernel (or a dump it was not in): reported. */
START_TEST(unreadable_stream_reported)
{
	struct kset_totals t;

	slot(NF_SRTP_OP_PROTECT, true, &(struct fake_stream){
		.id = 1, .packets = 10, .bytes = 1000 });
	slot(NF_SRTP_OP_UNPROTECT, false, &(struct fake_stream){
		.id = 2, .packets = 20, .bytes = 2000 });
	kernel[1].id = 99;
	ck_assert_uint_eq(kset_totals(&set, fake_get, NULL, &t), 1);
	ck_assert_uint_eq(t.packets, 10);
	ck_assert_uint_eq(t.bytes, 1000);
}
END_TEST

static Suite *kset_suite(void)
{
	Suite *s = suite_create("kset");
	TCase *tc = tcase_create("totals");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, endpoint_counts_both_streams);
	tcase_add_test(tc, forwarded_packet_counts_once);
	tcase_add_test(tc, plain_leg_counts_at_protect);
	tcase_add_test(tc, taken_over_stream_counts_from_base);
	tcase_add_test(tc, unreadable_stream_reported);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(kset_suite)
