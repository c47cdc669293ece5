// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/trust.c: which media addresses and ports an SDP
 * from a SIP peer may put into a kernel match (both front ends use it;
 * test_ng covers ng's use, the control socket's is tested in srtpd.sh).
 */

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "trust.h"
#include "check_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char pbx_offer[] =
	"v=0\r\n"
	"o=- 1 1 IN IP4 10.0.1.2\r\n"
	"s=-\r\n"
	"c=IN IP4 10.0.1.2\r\n"
	"t=0 0\r\n"
	"m=audio 4000 RTP/AVP 0\r\n"
	"m=video 4002 RTP/AVP 96\r\n"
	"c=IN IP4 %s\r\n"
	"%s";

/* The verdict on @offer's second m-line at @addr with @extra lines. */
static int check(const struct media_trust *t, const char *from,
		 const char *addr, const char *extra, char *err)
{
	struct sdp_conn src = { 0 };
	char text[1024], perr[256];
	struct sdp d;
	int rc;

	if (from) {
		src.family = strchr(from, ':') ? AF_INET6 : AF_INET;
		snprintf(src.addr, sizeof(src.addr), "%s", from);
	}
	snprintf(text, sizeof(text), pbx_offer, addr, extra);
	ck_assert_msg(!sdp_parse(text, strlen(text), &d, perr, sizeof(perr)),
		      "%s", perr);
	err[0] = '\0';
	rc = media_check_sdp(t, &d, &src, "the peer's", err, 256);
	sdp_free(&d);
	return rc;
}

START_TEST(address_is_the_source_or_a_media_net)
{
	struct media_net nets[1];
	struct media_trust t = { nets, 0, 1024, 65535 };
	char err[256];

	/* the SIP message's source itself */
	ck_assert_msg(!check(&t, "10.0.1.2", "10.0.1.2", "", err), "%s", err);
	/* a third address: refused, and the reason says why */
	ck_assert_int_eq(check(&t, "10.0.1.2", "192.0.2.53", "", err), -1);
	ck_assert_msg(strstr(err, "the peer's media address 192.0.2.53 is neither the address the SDP came from (10.0.1.2)"),
		      "%s", err);
	/* no source known: only a media network may say yes */
	ck_assert_int_eq(check(&t, NULL, "10.0.1.2", "", err), -1);
	ck_assert_msg(strstr(err, "(no received-from)"), "%s", err);
	ck_assert(!media_parse_net("192.0.2.0/25", &nets[0], err, sizeof(err)));
	t.nnets = 1;
	ck_assert_msg(!check(&t, "10.0.1.2", "192.0.2.53", "", err), "%s", err);
	ck_assert_int_eq(check(&t, "10.0.1.2", "192.0.2.200", "", err), -1);
	/* hold (RFC 3264 8.4) is no match at all */
	ck_assert_msg(!check(&t, "10.0.1.2", "0.0.0.0", "", err), "%s", err);
	/* a name is never matched */
	ck_assert_int_eq(check(&t, "10.0.1.2", "pbx.example", "", err), -1);
	ck_assert_msg(strstr(err, "is not a literal address"), "%s", err);
}
END_TEST

START_TEST(ports_in_range)
{
	struct media_trust t = { NULL, 0, 1024, 65535 };
	char err[256];
	struct sdp_conn src = { AF_INET, "10.0.1.2" };
	struct sdp_conn conn = { AF_INET, "10.0.1.2" };

	ck_assert(!media_check(&t, &src, &conn, 1024, 1025, "x", err, 256));
	ck_assert_int_eq(media_check(&t, &src, &conn, 53, 54, "x", err, 256), -1);
	ck_assert_msg(strstr(err, "media port 53 (RTCP 54) is outside the media port range 1024-65535"),
		      "%s", err);
	/* an a=rtcp port outside the range is refused as well */
	ck_assert_int_eq(check(&t, "10.0.1.2", "10.0.1.2",
			       "a=rtcp:53\r\n", err), -1);
	ck_assert_msg(strstr(err, "RTCP 53"), "%s", err);
	/* with rtcp-mux RTCP is on the RTP port: nothing else is matched */
	ck_assert_msg(!check(&t, "10.0.1.2", "10.0.1.2",
			     "a=rtcp:53\r\na=rtcp-mux\r\n", err), "%s", err);
	ck_assert(!media_parse_ports("20000-20010", &t.port_min, &t.port_max,
				     err, sizeof(err)));
	ck_assert_int_eq(check(&t, "10.0.1.2", "10.0.1.2", "", err), -1);
}
END_TEST

START_TEST(parsers)
{
	static const char *const bad_nets[] = {
		"10.0.9.0/33", "example.com", "fd00::/129", "10.0.0.1/", "/8",
		"10.0.0.1/8x",
	};
	static const char *const bad_ports[] = {
		"2000-1000", "0-100", "1-65536", "100", "100-200x", "-",
	};
	struct media_net net;
	unsigned int lo = 7, hi = 7;
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_nets); i++)
		ck_assert_msg(media_parse_net(bad_nets[i], &net, err,
					      sizeof(err)) == -1, "%s",
			      bad_nets[i]);
	for (i = 0; i < ARRAY_SIZE(bad_ports); i++) {
		ck_assert_msg(media_parse_ports(bad_ports[i], &lo, &hi, err,
						sizeof(err)) == -1, "%s",
			      bad_ports[i]);
		ck_assert(lo == 7 && hi == 7);
	}
	ck_assert(!media_parse_net("fd00::/8", &net, err, sizeof(err)));
	ck_assert_int_eq(net.family, AF_INET6);
	ck_assert_uint_eq(net.prefix, 8);
	{
		struct sdp_conn in = { AF_INET6, "fd12::1" };
		struct sdp_conn out = { AF_INET6, "fe80::1" };
		struct sdp_conn v4 = { AF_INET, "10.0.0.1" };

		ck_assert(media_in_nets(&net, 1, &in));
		ck_assert(!media_in_nets(&net, 1, &out));
		ck_assert(!media_in_nets(&net, 1, &v4));
	}
}
END_TEST

static Suite *trust_suite(void)
{
	Suite *s = suite_create("trust");
	TCase *tc = tcase_create("trust");

	tcase_add_test(tc, address_is_the_source_or_a_media_net);
	tcase_add_test(tc, ports_in_range);
	tcase_add_test(tc, parsers);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(trust_suite)
