// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/anchor.c: media interfaces as rtpengine writes
 * them, the choice of a leg's interface, the media port pool (real
 * sockets on 127.0.0.1, ports above Linux's ephemeral range) and the
 * rewriting of a leg's SDP.
 */

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "anchor.h"
#include "check_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A range of 127.0.0.1 no other test uses, above ip_local_port_range. */
#define POOL_MIN	61200
#define POOL_MAX	61209	/* five pairs: 61200/1 ... 61208/9 */

START_TEST(interface_specs)
{
	struct anchor_if ifc;
	char err[256];

	ck_assert(!anchor_if_parse("10.0.1.1", &ifc, err, sizeof(err)));
	ck_assert_str_eq(ifc.name, "default");
	ck_assert_str_eq(ifc.local.str, "10.0.1.1");
	ck_assert_str_eq(ifc.adv.str, "10.0.1.1");
	ck_assert_int_eq(ifc.local.family, AF_INET);

	/* rtpengine's order: the local address, then the advertised one */
	ck_assert(!anchor_if_parse("external/10.0.3.1!192.0.2.4", &ifc, err,
				   sizeof(err)));
	ck_assert_str_eq(ifc.name, "external");
	ck_assert_str_eq(ifc.local.str, "10.0.3.1");
	ck_assert_str_eq(ifc.adv.str, "192.0.2.4");

	ck_assert(!anchor_if_parse("pub:1/2001:DB8:0::1!2001:db8::ff", &ifc,
				   err, sizeof(err)));
	ck_assert_str_eq(ifc.name, "pub:1");
	ck_assert_int_eq(ifc.local.family, AF_INET6);
	ck_assert_str_eq(ifc.local.str, "2001:db8::1");	/* canonical */
	ck_assert_str_eq(ifc.adv.str, "2001:db8::ff");
}
END_TEST

START_TEST(interface_specs_refused)
{
	static const struct {
		const char *spec;
		const char *why;	/* part of the message */
	} bad[] = {
		{ "", "not an IPv4 or IPv6 address" },
		{ "/10.0.1.1", "the name must be" },
		{ "in ternal/10.0.1.1", "the name must be" },
		{ "a23456789012345678901234567890123/10.0.1.1", "the name" },
		{ "int/eth0", "\"eth0\" is not an IPv4 or IPv6 address" },
		{ "int/10.0.1.1/24", "is not an IPv4" },
		{ "int/0.0.0.0", "the unspecified address" },
		{ "int/::", "the unspecified address" },
		{ "int/224.0.0.9", "a multicast address" },
		{ "int/ff02::1", "a multicast address" },
		{ "int/255.255.255.255", "the broadcast address" },
		{ "int/fe80::1", "link-local" },
		{ "int/10.0.1.1!", "advertised address \"\"" },
		{ "int/10.0.1.1!0.0.0.0", "advertised address 0.0.0.0" },
		{ "int/10.0.1.1!2001:db8::1", "not of the local address's family" },
		{ "int/10.0.1.1!192.0.2.1!192.0.2.2", "is not an IPv4" },
	};
	struct anchor_if ifc;
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		ck_assert_msg(anchor_if_parse(bad[i].spec, &ifc, err,
					      sizeof(err)) == -1,
			      "%s accepted", bad[i].spec);
		ck_assert_msg(strstr(err, bad[i].why), "%s: \"%s\"",
			      bad[i].spec, err);
	}
}
END_TEST

START_TEST(interface_set)
{
	struct anchor_ifs s = { 0 };
	char err[256], spec[64];
	unsigned int i;

	ck_assert(!anchor_ifs_add(&s, "int/10.0.1.1", err, sizeof(err)));
	ck_assert(!anchor_ifs_add(&s, "int/2001:db8::1", err, sizeof(err)));
	ck_assert(!anchor_ifs_add(&s, "ext/10.0.3.1!192.0.2.4", err,
				  sizeof(err)));
	/* one address per name and family */
	ck_assert(anchor_ifs_add(&s, "int/10.0.1.9", err, sizeof(err)) == -1);
	ck_assert_msg(strstr(err, "int has an IPv4 address already"), "%s",
		      err);
	ck_assert_uint_eq(s.n, 3);

	ck_assert_str_eq(anchor_if_by_name(&s, "int", AF_INET)->local.str,
			 "10.0.1.1");
	ck_assert_str_eq(anchor_if_by_name(&s, "int", AF_INET6)->local.str,
			 "2001:db8::1");
	ck_assert(!anchor_if_by_name(&s, "ext", AF_INET6));
	ck_assert(!anchor_if_by_name(&s, "dmz", AF_INET));

	for (i = s.n; i < ANCHOR_IF_MAX; i++) {
		snprintf(spec, sizeof(spec), "n%u/10.9.0.%u", i, i + 1);
		ck_assert_msg(!anchor_ifs_add(&s, spec, err, sizeof(err)), "%s",
			      err);
	}
	ck_assert(anchor_ifs_add(&s, "last/10.9.1.1", err, sizeof(err)) == -1);
	ck_assert_msg(strstr(err, "more than 16 interfaces"), "%s", err);
}
END_TEST

START_TEST(interface_toward_the_peer)
{
	struct anchor_ifs s = { 0 };
	struct anchor_addr peer;
	const struct anchor_if *ifc;
	char err[256];

	/* the routing table's source toward a loopback peer is 127.0.0.1 */
	ck_assert(!anchor_ifs_add(&s, "a/127.0.0.3", err, sizeof(err)));
	ck_assert(!anchor_ifs_add(&s, "b/127.0.0.1", err, sizeof(err)));
	ck_assert(!anchor_ifs_add(&s, "c/2001:db8::1", err, sizeof(err)));
	ck_assert(!anchor_addr_parse("127.0.0.5", &peer));
	ifc = anchor_if_toward(&s, &peer, err, sizeof(err));
	ck_assert_msg(ifc, "%s", err);
	ck_assert_str_eq(ifc->name, "b");

	/* the only interface of the family, wherever the route goes */
	ck_assert(!anchor_addr_parse("2001:db8:5::5", &peer));
	ifc = anchor_if_toward(&s, &peer, err, sizeof(err));
	ck_assert_msg(ifc, "%s", err);
	ck_assert_str_eq(ifc->name, "c");

	/* two candidates, neither the routed source: refused, and said why */
	memset(&s, 0, sizeof(s));
	ck_assert(!anchor_ifs_add(&s, "a/127.0.0.3", err, sizeof(err)));
	ck_assert(!anchor_ifs_add(&s, "b/127.0.0.4", err, sizeof(err)));
	ck_assert(!anchor_addr_parse("127.0.0.5", &peer));
	ck_assert(!anchor_if_toward(&s, &peer, err, sizeof(err)));
	ck_assert_msg(strstr(err, "no media interface has 127.0.0.1"), "%s",
		      err);
	ck_assert(!anchor_addr_parse("2001:db8::9", &peer));
	ck_assert(!anchor_if_toward(&s, &peer, err, sizeof(err)));
	ck_assert_msg(strstr(err, "no IPv6 media interface"), "%s", err);
}
END_TEST

START_TEST(port_ranges)
{
	static const char *const bad[] = {
		"1023-2000", "0-2000", "40000-40000", "40001-40002",
		"2000-1000", "1024-65536", "x-2000", "2000",
	};
	unsigned int lo = 7, hi = 7;
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ck_assert_msg(anchor_parse_range(bad[i], &lo, &hi, err,
						 sizeof(err)) == -1, "%s",
			      bad[i]);
		ck_assert(lo == 7 && hi == 7);
	}
	ck_assert(!anchor_parse_range("40001-40003", &lo, &hi, err,
				      sizeof(err)));
	ck_assert(lo == 40001 && hi == 40003);
	ck_assert(!anchor_parse_range("30000-40000", &lo, &hi, err,
				      sizeof(err)));
}
END_TEST

/* Whether @port of 127.0.0.1 can be bound now (by anybody else). */
static bool port_free(unsigned int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port),
				   .sin_addr.s_addr = htonl(0x7f000001) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	bool ok;

	ck_assert_int_ge(fd, 0);
	ok = !bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	close(fd);
	return ok;
}

START_TEST(pool_reserves_and_releases)
{
	struct anchor_ports r[6];
	struct anchor_ifs s = { 0 };
	struct anchor_pool p;
	unsigned int i, seen = 0, port;
	char err[256];

	ck_assert(!anchor_ifs_add(&s, "lo/127.0.0.1", err, sizeof(err)));
	ck_assert(!anchor_pool_init(&p, &s, POOL_MIN, POOL_MAX, err,
				    sizeof(err)));
	ck_assert_uint_eq(anchor_pool_pairs(&p), 5);
	for (i = 0; i < 5; i++) {
		ck_assert_msg(!anchor_reserve(&p, &s.v[0], &r[i], err,
					      sizeof(err)), "%s", err);
		ck_assert_uint_eq(r[i].rtp % 2, 0);
		ck_assert_uint_eq(r[i].rtcp, r[i].rtp + 1);
		ck_assert(r[i].rtp >= POOL_MIN && r[i].rtcp <= POOL_MAX);
		ck_assert(r[i].ifc == &s.v[0]);
		seen |= 1U << ((r[i].rtp - POOL_MIN) / 2);
		/* held: nobody else can bind them */
		ck_assert(!port_free(r[i].rtp));
		ck_assert(!port_free(r[i].rtcp));
	}
	ck_assert_uint_eq(seen, 0x1f);
	ck_assert_uint_eq(anchor_pool_held(&p, &s.v[0]), 5);

	/* exhausted: a clear error, and nothing taken */
	ck_assert(anchor_reserve(&p, &s.v[0], &r[5], err, sizeof(err)) == -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_msg(strstr(err, "no free RTP/RTCP port pair in 61200-61209"),
		      "%s", err);
	ck_assert_msg(strstr(err, "srtpd holds 5 of 5"), "%s", err);
	ck_assert_int_eq(r[5].fd_rtp, -1);

	/* a released pair is free for everybody, and reserved again */
	port = r[2].rtp;
	anchor_release(&p, &r[2]);
	ck_assert(port_free(port) && port_free(port + 1));
	ck_assert_int_eq(r[2].fd_rtp, -1);
	ck_assert_uint_eq(anchor_pool_held(&p, &s.v[0]), 4);
	ck_assert(!anchor_reserve(&p, &s.v[0], &r[5], err, sizeof(err)));
	ck_assert_uint_eq(anchor_pool_held(&p, &s.v[0]), 5);
	/* releasing twice is harmless */
	anchor_release(&p, &r[2]);
	ck_assert_uint_eq(anchor_pool_held(&p, &s.v[0]), 5);

	for (i = 0; i < 6; i++)
		anchor_release(&p, &r[i]);
	ck_assert_uint_eq(anchor_pool_held(&p, &s.v[0]), 0);
	for (i = POOL_MIN; i <= POOL_MAX; i++)
		ck_assert_msg(port_free(i), "port %u still bound", i);
	anchor_pool_free(&p);
}
END_TEST

START_TEST(pool_skips_ports_of_other_programs)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(POOL_MIN + 3),
				   .sin_addr.s_addr = htonl(0x7f000001) };
	struct anchor_ifs s = { 0 };
	struct anchor_ports r[5];
	struct anchor_pool p;
	char err[256];
	unsigned int i;
	int other;

	/* another program holds the RTCP port of the second pair */
	other = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert(!bind(other, (struct sockaddr *)&sin, sizeof(sin)));
	ck_assert(!anchor_ifs_add(&s, "lo/127.0.0.1", err, sizeof(err)));
	ck_assert(!anchor_pool_init(&p, &s, POOL_MIN, POOL_MAX, err,
				    sizeof(err)));
	for (i = 0; i < 4; i++) {
		ck_assert_msg(!anchor_reserve(&p, &s.v[0], &r[i], err,
					      sizeof(err)), "%s", err);
		ck_assert_uint_ne(r[i].rtp, POOL_MIN + 2);
	}
	ck_assert(anchor_reserve(&p, &s.v[0], &r[4], err, sizeof(err)) == -1);
	ck_assert_msg(strstr(err, "srtpd holds 4 of 5"), "%s", err);
	/* its RTP port was left as it was: free */
	ck_assert(port_free(POOL_MIN + 2));
	for (i = 0; i < 4; i++)
		anchor_release(&p, &r[i]);
	close(other);
	anchor_pool_free(&p);
}
END_TEST

START_TEST(pool_bind_errors)
{
	struct anchor_ifs s = { 0 }, other = { 0 };
	struct anchor_ports r;
	struct anchor_pool p;
	char err[256];

	/* an address this host does not have */
	ck_assert(!anchor_ifs_add(&s, "gone/192.0.2.77", err, sizeof(err)));
	ck_assert(!anchor_ifs_add(&other, "lo/127.0.0.1", err, sizeof(err)));
	ck_assert(!anchor_pool_init(&p, &s, POOL_MIN, POOL_MAX, err,
				    sizeof(err)));
	ck_assert(anchor_reserve(&p, &s.v[0], &r, err, sizeof(err)) == -1);
	ck_assert_int_eq(errno, EADDRNOTAVAIL);
	ck_assert_msg(strstr(err, "cannot bind 192.0.2.77 port 61200"), "%s",
		      err);
	/* an interface of another set */
	ck_assert(anchor_reserve(&p, &other.v[0], &r, err, sizeof(err)) == -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(anchor_pool_held(&p, &s.v[0]), 0);
	anchor_pool_free(&p);
}
END_TEST

static const char phone_offer[] =
	"v=0\r\n"
	"o=alice 2890844526 2890844527 IN IP4 192.168.1.20\r\n"
	"s=-\r\n"
	"c=IN IP4 192.168.1.20\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/SAVP 0 101\r\n"
	"i=voice\r\n"
	"c=IN IP4 192.168.1.21\r\n"
	"a=rtcp:49171 IN IP4 192.168.1.20\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n"
	"m=video 0 RTP/SAVP 96\r\n"
	"c=IN IP4 192.168.1.20\r\n"
	"m=audio 49180 RTP/AVP 8\r\n";

static char *rewrite(const char *text, const struct anchor_media *am,
		     size_t n, const struct anchor_sdp_opts *o, int *rc,
		     char *err)
{
	char perr[256];
	struct sdp d;
	char *out;

	ck_assert_msg(!sdp_parse(text, strlen(text), &d, perr, sizeof(perr)),
		      "%s", perr);
	*rc = anchor_sdp_rewrite(&d, am, n, o, err, 256);
	out = *rc ? NULL : sdp_format(&d);
	sdp_free(&d);
	return out;
}

START_TEST(sdp_rewrite)
{
	const struct anchor_media am[3] = {
		{ true, 30000, 30001 }, { true, 30002, 30003 }, { false, 0, 0 },
	};
	struct anchor_ifs s = { 0 };
	struct anchor_sdp_opts o = { 0 };
	char err[256];
	char *out;
	int rc;

	ck_assert(!anchor_ifs_add(&s, "int/10.0.1.1!198.51.100.1", err,
				  sizeof(err)));
	o.ifc = &s.v[0];
	o.replace_origin = true;
	o.replace_session_conn = true;
	out = rewrite(phone_offer, am, 3, &o, &rc, err);
	ck_assert_msg(out, "%s", err);
	ck_assert_str_eq(out,
		"v=0\r\n"
		"o=alice 2890844526 2890844527 IN IP4 198.51.100.1\r\n"
		"s=-\r\n"
		"c=IN IP4 198.51.100.1\r\n"
		"t=0 0\r\n"
		"m=audio 30000 RTP/SAVP 0 101\r\n"
		"i=voice\r\n"
		"c=IN IP4 198.51.100.1\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n"
		"a=rtcp:30001 IN IP4 198.51.100.1\r\n"
		"m=video 0 RTP/SAVP 96\r\n"
		"c=IN IP4 198.51.100.1\r\n"
		"m=audio 49180 RTP/AVP 8\r\n");
	free(out);

	/* without the flags o= and the session's c= stay; the m-line has
	 * its own c= */
	o.replace_origin = false;
	o.replace_session_conn = false;
	out = rewrite(phone_offer, am, 3, &o, &rc, err);
	ck_assert_msg(out, "%s", err);
	ck_assert_msg(strstr(out, "o=alice 2890844526 2890844527 IN IP4 192.168.1.20\r\n"
			      "s=-\r\nc=IN IP4 192.168.1.20\r\n"), "%s", out);
	ck_assert_msg(strstr(out, "m=audio 30000 RTP/SAVP 0 101\r\ni=voice\r\n"
			      "c=IN IP4 198.51.100.1\r\n"), "%s", out);
	free(out);
}
END_TEST

START_TEST(sdp_rewrite_ipv6_and_mux)
{
	static const char offer[] =
		"v=0\r\n"
		"o=- 1 1 IN IP6 fd00::20\r\n"
		"s=-\r\n"
		"c=IN IP6 fd00::20\r\n"
		"t=0 0\r\n"
		"m=audio 5004 RTP/AVP 0\r\n"
		"a=rtcp-mux\r\n";
	const struct anchor_media am[1] = { { true, 40000, 40000 } };
	struct anchor_ifs s = { 0 };
	struct anchor_sdp_opts o = { 0 };
	char err[256];
	char *out;
	int rc;

	ck_assert(!anchor_ifs_add(&s, "v6/2001:db8::1", err, sizeof(err)));
	o.ifc = &s.v[0];
	o.replace_origin = true;
	out = rewrite(offer, am, 1, &o, &rc, err);
	ck_assert_msg(out, "%s", err);
	ck_assert_str_eq(out,
		"v=0\r\n"
		"o=- 1 1 IN IP6 2001:db8::1\r\n"
		"s=-\r\n"
		"c=IN IP6 fd00::20\r\n"
		"t=0 0\r\n"
		"m=audio 40000 RTP/AVP 0\r\n"
		"c=IN IP6 2001:db8::1\r\n"
		"a=rtcp-mux\r\n"
		"a=rtcp:40000 IN IP6 2001:db8::1\r\n");
	free(out);
}
END_TEST

START_TEST(sdp_rewrite_refused)
{
	static const char multi[] =
		"v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\n"
		"t=0 0\r\nm=video 5004/2 RTP/AVP 96\r\n";
	const struct anchor_media am[2] = { { true, 30000, 30001 },
					    { true, 30002, 30003 } };
	struct anchor_ifs s = { 0 };
	struct anchor_sdp_opts o = { 0 };
	char err[256];
	int rc;

	ck_assert(!anchor_ifs_add(&s, "10.0.1.1", err, sizeof(err)));
	o.ifc = &s.v[0];
	ck_assert(!rewrite(multi, am, 1, &o, &rc, err));
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, "m-line 1: 2 ports"), "%s", err);
	ck_assert(!rewrite(multi, am, 2, &o, &rc, err));
	ck_assert_msg(strstr(err, "1 m-lines, 2 anchored"), "%s", err);
}
END_TEST

static Suite *anchor_suite(void)
{
	Suite *s = suite_create("anchor");
	TCase *tc = tcase_create("anchor");

	tcase_add_test(tc, interface_specs);
	tcase_add_test(tc, interface_specs_refused);
	tcase_add_test(tc, interface_set);
	tcase_add_test(tc, interface_toward_the_peer);
	tcase_add_test(tc, port_ranges);
	tcase_add_test(tc, pool_reserves_and_releases);
	tcase_add_test(tc, pool_skips_ports_of_other_programs);
	tcase_add_test(tc, pool_bind_errors);
	tcase_add_test(tc, sdp_rewrite);
	tcase_add_test(tc, sdp_rewrite_ipv6_and_mux);
	tcase_add_test(tc, sdp_rewrite_refused);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(anchor_suite)
