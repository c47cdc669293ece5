// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/natmap.c's text: the nftables table of anchored
 * relays and the commands of a change.  tests/vm/anchor.sh runs them
 * through libnftables in a kernel and sends media through the relays.
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "natmap.h"
#include "check_main.h"

static struct natmap_relay relay(const char *from, const char *local,
				 unsigned int lport, const char *to,
				 unsigned int tport, const char *out,
				 unsigned int oport)
{
	struct natmap_relay r = { .local_port = lport, .to_port = tport,
				  .out_port = oport };

	ck_assert(!anchor_addr_parse(from, &r.from));
	ck_assert(!anchor_addr_parse(local, &r.local));
	ck_assert(!anchor_addr_parse(to, &r.to));
	ck_assert(!anchor_addr_parse(out, &r.out));
	return r;
}

START_TEST(table)
{
	struct anchor_ifs ifs = { 0 };
	struct strbuf b = { 0 };
	char err[256];

	ck_assert(!anchor_ifs_add(&ifs, "int/10.0.1.1", err, sizeof(err)));
	ck_assert(!anchor_ifs_add(&ifs, "ext/10.0.3.1!192.0.2.4", err,
				  sizeof(err)));
	ck_assert(!anchor_ifs_add(&ifs, "ext/2001:db8::1", err, sizeof(err)));
	natmap_table_text(&b, &ifs, 30000, 40000);
	ck_assert(!b.oom && b.p);
	/* the local addresses (not the advertised one) and the range */
	ck_assert_msg(strstr(b.p, "\t\ttype ipv4_addr . inet_service\n\t\tflags interval\n"
			     "\t\telements = { 10.0.1.1 . 30000-40000, 10.0.3.1 . 30000-40000 }\n"),
		      "%s", b.p);
	ck_assert_msg(strstr(b.p, "elements = { 2001:db8::1 . 30000-40000 }\n"),
		      "%s", b.p);
	ck_assert(!strstr(b.p, "192.0.2.4"));
	/* the sender is part of the DNAT key */
	ck_assert(strstr(b.p, "dnat ip to ip saddr . ip daddr . udp dport map @dnat4\n"));
	ck_assert(strstr(b.p, "dnat ip6 to ip6 saddr . ip6 daddr . udp dport map @dnat6\n"));
	ck_assert(strstr(b.p, "snat ip to ct original ip daddr . ct original proto-dst map @snat4\n"));
	ck_assert(strstr(b.p, "meta nfproto ipv6 meta l4proto udp udp dport 30000-40000 ip6 daddr . udp dport @ours6 ip6 daddr . udp dport != @live6 counter name unrelayed notrack\n"));
	ck_assert(strstr(b.p, "meta nfproto ipv4 meta l4proto udp udp dport 30000-40000 ip daddr . udp dport @ours4 ip daddr . udp dport != @live4 counter name unrelayed notrack\n"));
	ck_assert(strstr(b.p, "type filter hook prerouting priority raw;"));
	ck_assert(!strstr(b.p, "hook forward"));
	/* what reaches the router at a live relay's port is a stranger's */
	ck_assert(strstr(b.p, "type filter hook input priority filter;"));
	ck_assert(strstr(b.p, "meta nfproto ipv4 meta l4proto udp udp dport 30000-40000 ip daddr . udp dport @live4 counter name strangers drop\n"));
	ck_assert(strstr(b.p, "meta nfproto ipv6 meta l4proto udp udp dport 30000-40000 ip6 daddr . udp dport @live6 counter name strangers drop\n"));
	/* nothing seals a leg any more: its protect stream matches by source */
	ck_assert(!strstr(b.p, "hook postrouting priority srcnat + 5"));
	ck_assert(strstr(b.p, "priority dstnat - 1;"));
	ck_assert(strstr(b.p, "priority srcnat - 1;"));
	strbuf_free(&b);

	/* no interface of a family: its set is empty, not malformed */
	memset(&ifs, 0, sizeof(ifs));
	ck_assert(!anchor_ifs_add(&ifs, "10.0.1.1", err, sizeof(err)));
	natmap_table_text(&b, &ifs, 30000, 40000);
	ck_assert_msg(strstr(b.p, "\tset ours6 {\n\t\ttype ipv6_addr . inet_service\n"
			     "\t\tflags interval\n\t}\n"), "%s", b.p);
	strbuf_free(&b);
}
END_TEST

START_TEST(relay_commands)
{
	struct natmap_relay r[2];
	struct strbuf b = { 0 };

	r[0] = relay("192.168.1.2", "10.0.1.1", 30000, "10.0.3.2", 4000,
		     "10.0.3.1", 30002);
	r[1] = relay("2001:db8::2", "2001:db8::1", 30001, "2001:db8:3::2",
		     4001, "2001:db8:3::1", 30003);
	ck_assert(!natmap_text(&b, r, 2, true));
	ck_assert_str_eq(b.p,
		"add element inet nfsrtp dnat4 { 192.168.1.2 . 10.0.1.1 . 30000 : 10.0.3.2 . 4000 }\n"
		"add element inet nfsrtp snat4 { 10.0.1.1 . 30000 : 10.0.3.1 . 30002 }\n"
		"add element inet nfsrtp live4 { 10.0.1.1 . 30000 }\n"
		"add element inet nfsrtp dnat6 { 2001:db8::2 . 2001:db8::1 . 30001 : 2001:db8:3::2 . 4001 }\n"
		"add element inet nfsrtp snat6 { 2001:db8::1 . 30001 : 2001:db8:3::1 . 30003 }\n"
		"add element inet nfsrtp live6 { 2001:db8::1 . 30001 }\n");
	strbuf_free(&b);
	ck_assert(!natmap_text(&b, r, 1, false));
	ck_assert(!strncmp(b.p, "delete element inet nfsrtp dnat4 { ", 35));
	strbuf_free(&b);
}
END_TEST

START_TEST(relay_refused)
{
	struct natmap_relay r;
	struct strbuf b = { 0 };

	/* a relay of two families: NAT cannot translate between them */
	r = relay("192.168.1.2", "10.0.1.1", 30000, "2001:db8:3::2", 4000,
		  "2001:db8:3::1", 30002);
	ck_assert_int_eq(natmap_text(&b, &r, 1, true), -1);
	r = relay("192.168.1.2", "10.0.1.1", 30000, "10.0.3.2", 0,
		  "10.0.3.1", 30002);
	ck_assert_int_eq(natmap_text(&b, &r, 1, true), -1);
	r = relay("192.168.1.2", "10.0.1.1", 65536, "10.0.3.2", 4000,
		  "10.0.3.1", 30002);
	ck_assert_int_eq(natmap_text(&b, &r, 1, true), -1);
	strbuf_free(&b);
}
END_TEST

static Suite *natmap_suite(void)
{
	Suite *s = suite_create("natmap");
	TCase *tc = tcase_create("natmap");

	tcase_add_test(tc, table);
	tcase_add_test(tc, relay_commands);
	tcase_add_test(tc, relay_refused);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(natmap_suite)
