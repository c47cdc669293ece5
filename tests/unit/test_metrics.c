// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text srtpd's --metrics serves (daemon/metrics.c): every
 * family has its HELP and TYPE, the values are the ones given, counters
 * end in _total, and a Call-ID a SIP peer chose (quotes, backslashes,
 * newlines) cannot break out of its label.  promtool checks a live
 * scrape in tests/vm/service.sh.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"
#include "check_main.h"

static struct strbuf out;

static void render(const struct metrics *m)
{
	strbuf_free(&out);
	metrics_render(&out, m);
	ck_assert(!out.oom);
}

/* @line is a whole line of the output */
static bool has_line(const char *line)
{
	size_t n = strlen(line);
	const char *p = out.p;

	while ((p = strstr(p, line))) {
		if ((p == out.p || p[-1] == '\n') && p[n] == '\n')
			return true;
		p++;
	}
	return false;
}

#define ck_line(l) ck_assert_msg(has_line(l), "no line \"%s\" in:\n%s", l, out.p)

START_TEST(module_and_daemon)
{
	struct nfsrtp_stats st = {
		.streams = 4, .protected = 1000, .unprotected = 998, .stun = 3,
	};
	unsigned long cmds[NG_COMMANDS] = { 5, 2, 2, 1, 1, 0, 0, 3 };
	unsigned long errs[NG_COMMANDS] = { 0, 1, 0, 0, 1, 0, 0, 3 };
	unsigned long events[__NF_SRTP_EVENT_MAX] = { 0 };
	struct metrics m = {
		.stats = &st, .ng_commands = cmds, .ng_errors = errs,
		.ng_retransmits = 7, .events = events, .events_lost = 1,
		.reloads = 3, .reload_errors = 1, .unreadable = 2,
	};

	st.drops[NF_SRTP_DROP_AUTH] = 17;
	st.drops[NF_SRTP_DROP_SOURCE] = 55;
	events[NF_SRTP_EVENT_SOFT_LIMIT] = 2;
	events[NF_SRTP_EVENT_KEY_SWITCH] = 1;
	render(&m);
	ck_line("# TYPE nfsrtp_up gauge");
	ck_line("nfsrtp_up 1");
	ck_line("nfsrtp_streams 4");
	ck_line("# TYPE nfsrtp_packets_total counter");
	ck_line("nfsrtp_packets_total{op=\"protect\"} 1000");
	ck_line("nfsrtp_packets_total{op=\"unprotect\"} 998");
	ck_line("nfsrtp_drops_total{reason=\"auth\"} 17");
	ck_line("nfsrtp_drops_total{reason=\"source\"} 55");
	ck_line("nfsrtp_drops_total{reason=\"replay\"} 0");
	ck_line("nfsrtp_stun_total 3");
	ck_line("nfsrtp_key_events_total{event=\"soft-limit\"} 2");
	ck_line("nfsrtp_key_events_total{event=\"key-switch\"} 1");
	ck_line("nfsrtp_key_events_total{event=\"hard-limit\"} 0");
	ck_line("nfsrtp_events_lost_total 1");
	ck_line("nfsrtp_config_reloads_total{result=\"ok\"} 2");
	ck_line("nfsrtp_config_reloads_total{result=\"error\"} 1");
	ck_line("nfsrtp_scrape_unreadable_streams 2");
	ck_line("nfsrtp_ng_requests_total{command=\"ping\"} 5");
	ck_line("nfsrtp_ng_requests_total{command=\"other\"} 3");
	ck_line("nfsrtp_ng_errors_total{command=\"offer\"} 1");
	ck_line("nfsrtp_ng_errors_total{command=\"query\"} 1");
	ck_line("nfsrtp_ng_retransmits_total 7");
	ck_line("nfsrtp_calls{state=\"open\"} 0");
	/* no padding "reason": it is not one */
	ck_assert_ptr_null(strstr(out.p, "reason=\"unknown\""));
	/* a family's samples follow its TYPE line, none elsewhere */
	ck_assert_ptr_nonnull(strstr(out.p,
		"# TYPE nfsrtp_stun_total counter\nnfsrtp_stun_total 3\n"));
}
END_TEST

/* Without the module's counters: nfsrtp_up 0 and no module family. */
START_TEST(module_unreadable)
{
	struct metrics m = { 0 };

	render(&m);
	ck_line("nfsrtp_up 0");
	ck_assert_ptr_null(strstr(out.p, "nfsrtp_packets_total"));
	/* and no ng family without --ng */
	ck_assert_ptr_null(strstr(out.p, "nfsrtp_ng_"));
	ck_line("nfsrtp_calls{state=\"open\"} 0");
}
END_TEST

START_TEST(calls_and_hostile_ids)
{
	struct metrics_call calls[] = {
		{ .id = "a84b4c76e66710@pc33.atlanta.example.com", .front = "ng",
		  .streams = 4,
		  .t = { .packets = 600, .bytes = 106200, .rtcp_packets = 60,
			 .rtcp_bytes = 2100, .errors = 5, .rtcp_errors = 1,
			 .auth = 3, .replay = 2 } },
		{ .id = "evil\"} 1\nnfsrtp_up{x=\"\\", .front = "ng",
		  .closing = true, .streams = 1, .t = { .packets = 9 } },
	};
	struct metrics m = { .calls = calls, .ncalls = 2 };
	const char *p;
	int lines = 0;

	render(&m);
	ck_line("nfsrtp_calls{state=\"open\"} 1");
	ck_line("nfsrtp_calls{state=\"closing\"} 1");
	ck_line("nfsrtp_call_streams{call_id=\"a84b4c76e66710@pc33.atlanta.example.com\",front=\"ng\"} 4");
	ck_line("nfsrtp_call_rtp_packets_total{call_id=\"a84b4c76e66710@pc33.atlanta.example.com\",front=\"ng\"} 600");
	ck_line("nfsrtp_call_rtp_bytes_total{call_id=\"a84b4c76e66710@pc33.atlanta.example.com\",front=\"ng\"} 106200");
	ck_line("nfsrtp_call_rtp_errors_total{call_id=\"a84b4c76e66710@pc33.atlanta.example.com\",front=\"ng\"} 5");
	ck_line("nfsrtp_call_rtcp_packets_total{call_id=\"a84b4c76e66710@pc33.atlanta.example.com\",front=\"ng\"} 60");
	ck_line("nfsrtp_call_rtcp_bytes_total{call_id=\"a84b4c76e66710@pc33.atlanta.example.com\",front=\"ng\"} 2100");
	ck_line("nfsrtp_call_rtcp_errors_total{call_id=\"a84b4c76e66710@pc33.atlanta.example.com\",front=\"ng\"} 1");
	ck_line("nfsrtp_call_auth_failures_total{call_id=\"a84b4c76e66710@pc33.atlanta.example.com\",front=\"ng\"} 3");
	ck_line("nfsrtp_call_replays_total{call_id=\"a84b4c76e66710@pc33.atlanta.example.com\",front=\"ng\"} 2");
	/* the hostile id stays inside its label: escaped, on one line */
	ck_line("nfsrtp_call_rtp_packets_total{call_id=\"evil\\\"} 1\\nnfsrtp_up{x=\\\"\\\\\",front=\"ng\"} 9");
	for (p = out.p; *p; p++)
		lines += *p == '\n';
	/* every line is a comment or starts a sample of ours */
	for (p = out.p; *p; p = strchr(p, '\n') + 1)
		ck_assert_msg(!strncmp(p, "# ", 2) || !strncmp(p, "nfsrtp_", 7),
			      "a line that is neither: %.40s", p);
	ck_assert_int_gt(lines, 20);
	ck_assert_ptr_null(strstr(out.p, "\nnfsrtp_up{"));
}
END_TEST

START_TEST(label_escaping)
{
	strbuf_free(&out);
	metrics_label(&out, "a\\b\"c\nd");
	ck_assert_str_eq(out.p, "a\\\\b\\\"c\\nd");
}
END_TEST

static Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("metrics");

	tcase_add_test(tc, module_and_daemon);
	tcase_add_test(tc, module_unreadable);
	tcase_add_test(tc, calls_and_hostile_ids);
	tcase_add_test(tc, label_escaping);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(metrics_suite)
