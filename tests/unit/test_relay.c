// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/relay.c: an anchored flow of the bridge's plan as
 * the kernel streams' matches and the NAT table's relays.
 */

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "relay.h"
#include "check_main.h"

static struct anchor_ifs ifs;
static char err[256];

static void setup(void)
{
	memset(&ifs, 0, sizeof(ifs));
	ck_assert(!anchor_ifs_add(&ifs, "lan/10.0.1.1", err, sizeof(err)));
	ck_assert(!anchor_ifs_add(&ifs, "wan/10.0.3.1!192.0.2.4", err,
				  sizeof(err)));
	ck_assert(!anchor_ifs_add(&ifs, "lan/fd00:1::1", err, sizeof(err)));
}

static struct bridge_flow flow(const char *from, const char *to,
			       unsigned int port, unsigned int rtcp, bool mux)
{
	struct bridge_flow f = { .to_port = port, .to_rtcp_port = rtcp,
				 .rtcp_mux = mux, .a_to_b = true };

	f.from.family = strchr(from, ':') ? AF_INET6 : AF_INET;
	snprintf(f.from.addr, sizeof(f.from.addr), "%s", from);
	f.to.family = strchr(to, ':') ? AF_INET6 : AF_INET;
	snprintf(f.to.addr, sizeof(f.to.addr), "%s", to);
	return f;
}

static void addr_is(const uint8_t *a, int family, const char *want)
{
	char s[INET6_ADDRSTRLEN];

	ck_assert(inet_ntop(family, a, s, sizeof(s)));
	ck_assert_str_eq(s, want);
}

START_TEST(phone_to_gateway)
{
	struct anchor_ports in = { &ifs.v[0], 30000, 30001, -1, -1 };
	struct anchor_ports out = { &ifs.v[1], 30102, 30103, -1, -1 };
	struct bridge_flow f = flow("192.168.1.2", "10.0.3.2", 4000, 4001,
				    false);
	struct relay_flow rf;

	ck_assert_msg(!relay_flow(&f, &in, &out, &rf, err, sizeof(err)), "%s",
		      err);
	/* unprotect: the phone (any port) to the router's LAN ports */
	addr_is(rf.in.saddr, AF_INET, "192.168.1.2");
	addr_is(rf.in.daddr, AF_INET, "10.0.1.1");
	ck_assert_uint_eq(rf.in.sport, 0);
	ck_assert_uint_eq(rf.in.dport, 30000);
	ck_assert_uint_eq(rf.in.rtcp_dport, 30001);
	/*
	 * protect: from the router's local WAN address (not the advertised
	 * one) and port, to wherever NAT sends it (an open destination)
	 */
	addr_is(rf.out.saddr, AF_INET, "10.0.3.1");
	addr_is(rf.out.daddr, AF_INET, "0.0.0.0");
	ck_assert_uint_eq(rf.out.sport, 30102);
	ck_assert_uint_eq(rf.out.rtcp_sport, 30103);
	ck_assert_uint_eq(rf.out.dport, 0);
	ck_assert_uint_eq(rf.out.rtcp_dport, 0);
	ck_assert(kmatch_open_dst(&rf.out));
	ck_assert(!kmatch_open_dst(&rf.in));
	/* the NAT table: RTP and RTCP */
	ck_assert_uint_eq(rf.nrelay, 2);
	ck_assert_str_eq(rf.relay[0].from.str, "192.168.1.2");
	ck_assert_str_eq(rf.relay[0].local.str, "10.0.1.1");
	ck_assert_uint_eq(rf.relay[0].local_port, 30000);
	ck_assert_str_eq(rf.relay[0].to.str, "10.0.3.2");
	ck_assert_uint_eq(rf.relay[0].to_port, 4000);
	ck_assert_str_eq(rf.relay[0].out.str, "10.0.3.1");
	ck_assert_uint_eq(rf.relay[0].out_port, 30102);
	ck_assert_uint_eq(rf.relay[1].local_port, 30001);
	ck_assert_uint_eq(rf.relay[1].to_port, 4001);
	ck_assert_uint_eq(rf.relay[1].out_port, 30103);
}
END_TEST

START_TEST(multiplexed)
{
	struct anchor_ports in = { &ifs.v[2], 30000, 30001, -1, -1 };
	struct anchor_ports out = { &ifs.v[2], 30002, 30003, -1, -1 };
	struct bridge_flow f = flow("fd00:1::2", "fd00:1::3", 5004, 5004, true);
	struct relay_flow rf;

	ck_assert_msg(!relay_flow(&f, &in, &out, &rf, err, sizeof(err)), "%s",
		      err);
	ck_assert_int_eq(rf.in.family, AF_INET6);
	addr_is(rf.out.saddr, AF_INET6, "fd00:1::1");
	ck_assert_uint_eq(rf.in.rtcp_dport, 0);
	ck_assert_uint_eq(rf.out.rtcp_sport, 0);
	ck_assert_uint_eq(rf.out.rtcp_dport, 0);
	ck_assert_uint_eq(rf.nrelay, 1);
	ck_assert_uint_eq(rf.relay[0].out_port, 30002);
}
END_TEST

/*
 * An IPv4 leg and an IPv6 leg: NAT cannot relay between them, srtpd
 * does; each match is of its own leg's family.
 */
START_TEST(two_families)
{
	struct anchor_ports v4 = { &ifs.v[0], 30000, 30001, -1, -1 };
	struct anchor_ports v6 = { &ifs.v[2], 30002, 30003, -1, -1 };
	struct bridge_flow f = flow("192.168.1.2", "fd00:1::3", 5004, 5005,
				    false);
	struct relay_flow rf;

	ck_assert_msg(!relay_flow(&f, &v4, &v6, &rf, err, sizeof(err)), "%s",
		      err);
	ck_assert(rf.user);
	ck_assert_int_eq(rf.in.family, AF_INET);
	addr_is(rf.in.daddr, AF_INET, "10.0.1.1");
	ck_assert_uint_eq(rf.in.dport, 30000);
	ck_assert_int_eq(rf.out.family, AF_INET6);
	addr_is(rf.out.saddr, AF_INET6, "fd00:1::1");
	addr_is(rf.out.daddr, AF_INET6, "::");
	ck_assert_uint_eq(rf.out.sport, 30002);
	ck_assert(kmatch_open_dst(&rf.out));
	ck_assert_uint_eq(rf.nrelay, 2);
	ck_assert_str_eq(rf.relay[1].to.str, "fd00:1::3");
	ck_assert_uint_eq(rf.relay[1].to_port, 5005);
}
END_TEST

START_TEST(refused)
{
	struct anchor_ports v4 = { &ifs.v[0], 30000, 30001, -1, -1 };
	struct bridge_flow f;
	struct relay_flow rf;

	/* a peer's address of the other family than the router's port */
	f = flow("fd00:1::2", "10.0.3.2", 5004, 5005, false);
	ck_assert(relay_flow(&f, &v4, &v4, &rf, err, sizeof(err)) == -1);
	ck_assert_msg(strstr(err, "of another family"), "%s", err);
	f = flow("192.168.1.2", "fd00:1::3", 5004, 5005, false);
	ck_assert(relay_flow(&f, &v4, &v4, &rf, err, sizeof(err)) == -1);
	/* a name, not an address */
	f = flow("gw.example.net", "10.0.3.2", 5004, 5005, false);
	ck_assert(relay_flow(&f, &v4, &v4, &rf, err, sizeof(err)) == -1);
	ck_assert_msg(strstr(err, "not a literal address"), "%s", err);
}
END_TEST

static Suite *relay_suite(void)
{
	Suite *s = suite_create("relay");
	TCase *tc = tcase_create("relay");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, phone_to_gateway);
	tcase_add_test(tc, multiplexed);
	tcase_add_test(tc, two_families);
	tcase_add_test(tc, refused);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(relay_suite)
