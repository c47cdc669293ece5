// SPDX-License-Identifier: GPL-2.0
/*
 * The offline commands as an operator runs them: build/bin/srtpctl sdp
 * offer|answer and conference, with configuration files on disk.  Exit
 * status (0 done, 2 bad input, 3 rejected call), stdout, stderr, JSON,
 * and keys only with --show-keys.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"

#ifndef SRTPCTL_PATH
#define SRTPCTL_PATH "build/bin/srtpctl"
#endif

static char dir[64];

static void write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static char *read_file(const char *name)
{
	char path[128], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	fclose(f);
	return buf;
}

/*
 * Runs "srtpctl ARGS < IN > out 2> err" in the test directory through
 * sh; returns the exit status.  @in may be NULL (/dev/null).
 */
static int run(const char *args, const char *in)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), "cd %s && %s %s < %s > out 2> err", dir,
		 SRTPCTL_PATH, args, in ? in : "/dev/null");
	st = system(cmd);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void expect(const char *name, const char *part)
{
	char *text = read_file(name);

	ck_assert_msg(strstr(text, part), "%s lacks \"%s\":\n%s", name, part,
		      text);
	free(text);
}

static void expect_not(const char *name, const char *part)
{
	char *text = read_file(name);

	ck_assert_msg(!strstr(text, part), "%s has \"%s\":\n%s", name, part,
		      text);
	free(text);
}

#define SCEN1 "<sip><sec sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" " \
	"sec.srtp.offer=\"1\" sec.srtp.leg.allowLocalConf=\"0\"/></sip>\n"
#define SCEN2 "<sip><sec sec.srtp.enable=\"1\" sec.srtp.leg.enable=\"1\" " \
	"sec.srtp.offer=\"1\" sec.srtp.require=\"1\"/></sip>\n"

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/srtpctl-sdp-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file("one.cfg", SCEN1);
	write_file("two.cfg", SCEN2);
	write_file("off.cfg", "<sip><sec sec.srtp.enable=\"0\"/></sip>\n");
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(offer_then_answer)
{
	ck_assert_int_eq(run("sdp offer --config one.cfg --model IP_601 --media 192.0.2.10:2230",
			     NULL), 0);
	expect("out", "m=audio 2230 RTP/SAVP 0 8 18 101\r\na=sendrecv\r\n"
	       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:");
	expect("out", "m=audio 2230 RTP/AVP 0 8 18 101\r\n");
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "cp %s/out %s/offer.sdp", dir, dir);
		ck_assert_int_eq(system(cmd), 0);
	}
	ck_assert_int_eq(run("sdp answer --config two.cfg --media [2001:db8::2]:4000",
			     "offer.sdp"), 0);
	expect("out", "c=IN IP6 2001:db8::2\r\n");
	expect("out", "m=audio 4000 RTP/SAVP 0 8 18 101\r\n");
	expect("out", "m=audio 0 RTP/AVP 0 8 18 101\r\n");
	/* the off phone takes the AVP alternative */
	ck_assert_int_eq(run("sdp answer --config off.cfg --media 192.0.2.20:4000",
			     "offer.sdp"), 0);
	expect("out", "m=audio 0 RTP/SAVP");
	expect("out", "m=audio 4000 RTP/AVP");
	expect_not("out", "a=crypto");
}
END_TEST

START_TEST(rejected_call)
{
	write_file("avp.sdp", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
		   "c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n");
	ck_assert_int_eq(run("sdp answer --config two.cfg --media 192.0.2.20:4000",
			     "avp.sdp"), 3);
	expect("err", "488 Not Acceptable Here: m=audio: secure media is required");
	ck_assert_int_eq(run("-j sdp answer --config two.cfg --media 192.0.2.20:4000",
			     "avp.sdp"), 3);
	expect("out", "{\"status\":\"rejected\",\"code\":488,\"reason\":");
}
END_TEST

START_TEST(bad_input)
{
	write_file("bad.cfg", "<sip>\n<sec sec.srtp.key.lifetime=\"500\"/>\n</sip>\n");
	write_file("bad.sdp", "hello\r\n");
	ck_assert_int_eq(run("sdp offer --config bad.cfg --media 192.0.2.1:2000",
			     NULL), 2);
	expect("err", "bad.cfg:2:");
	expect("err", "1024");
	ck_assert_int_eq(run("sdp answer --config one.cfg --media 192.0.2.1:2000",
			     "bad.sdp"), 2);
	expect("err", "the offer SDP is invalid: line 1");
	ck_assert_int_eq(run("sdp offer --config missing.cfg --media 192.0.2.1:2000",
			     NULL), 2);
	expect("err", "missing.cfg");
	ck_assert_int_eq(run("sdp offer --config one.cfg --media 192.0.2.1", NULL), 2);
	expect("err", "--media takes ADDR:PORT");
	ck_assert_int_eq(run("sdp offer --config one.cfg", NULL), 2);
	ck_assert_int_eq(run("sdp offer --config one.cfg --model IP_999 --media 192.0.2.1:2000",
			     NULL), 2);
	expect("err", "unknown phone model \"IP_999\"");
	write_file("req.cfg", "<sip><sec sec.srtp.require=\"1\"/></sip>\n");
	ck_assert_int_eq(run("sdp offer --config req.cfg --media 192.0.2.1:2000",
			     NULL), 2);
	expect("err", "SRTP is off");
}
END_TEST

START_TEST(layering_and_notes)
{
	write_file("site.cfg", "<sip><sec sec.srtp.enable=\"1\" sec.srtp.offer=\"1\" "
		   "sec.srtp.require=\"1\"/></sip>\n");
	write_file("phone.cfg", "<sip><sec sec.srtp.require=\"\"/></sip>\n");
	ck_assert_int_eq(run("sdp offer --config site.cfg --media 192.0.2.1:2000",
			     NULL), 0);
	expect_not("out", "RTP/AVP");
	/* the per-phone file takes require back to Null: AVP offered too */
	ck_assert_int_eq(run("sdp offer --config site.cfg --config phone.cfg --media 192.0.2.1:2000",
			     NULL), 0);
	expect("out", "m=audio 2000 RTP/AVP");
	write_file("legoff.cfg", "<sip><sec sec.srtp.enable=\"1\" sec.srtp.offer=\"1\"/></sip>\n");
	ck_assert_int_eq(run("sdp offer --config legoff.cfg --model IP_601 --media 192.0.2.1:2000",
			     NULL), 0);
	expect("err", "note: sec.srtp.offer=1 has no effect");
	expect_not("out", "SAVP");
}
END_TEST

START_TEST(json_and_keys)
{
	char *text, *p;

	ck_assert_int_eq(run("-j sdp offer --config one.cfg --media 192.0.2.10:2230",
			     NULL), 0);
	expect("out", "\"crypto\":[{\"tag\":1,\"suite\":\"AES_CM_128_HMAC_SHA1_80\"");
	expect_not("out", "key_params");
	/* the key is in the SDP field only, never elsewhere */
	text = read_file("out");
	p = strstr(text, "inline:");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(strstr(p + 1, "inline:"));
	free(text);
	ck_assert_int_eq(run("-j sdp offer --config one.cfg --media 192.0.2.10:2230 --show-keys",
			     NULL), 0);
	expect("out", "\"key_params\":\"inline:");
}
END_TEST

START_TEST(conference)
{
	ck_assert_int_eq(run("conference --config one.cfg --model IP_601", NULL), 0);
	expect("out", "Service unavailable\n");
	ck_assert_int_eq(run("conference --config one.cfg --model IP_650", NULL), 0);
	expect("out", "allowed\n");
	ck_assert_int_eq(run("-j conference --config one.cfg --model IP_601", NULL), 0);
	expect("out", "\"local_conference\":false,\"verdict\":\"Service unavailable\"");
}
END_TEST

#define ADD "stream add protect src 192.0.2.1 dst 192.0.2.2:5000 " \
	"suite AES_CM_128_HMAC_SHA1_80 "

/*
 * "ssrc" of stream add and stream set: every value is checked before the
 * module is asked (exit 2, the value named), so no kernel is needed.
 */
START_TEST(stream_ssrc_syntax)
{
	static const char *const bad[] = {
		"-1", "+1", "4294967296", "0x100000000", "0x", "0xg", "12ab",
		"1.5", "' 7'", "''", "0x-1", "none",
	};
	char args[256];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(args, sizeof(args), ADD "ssrc %s", bad[i]);
		ck_assert_int_eq(run(args, NULL), 2);
		expect("err", "is not an SSRC (0-4294967295 or 0x0-0xffffffff)");
		if (!strcmp(bad[i], "none"))
			continue;	/* only stream set removes a pin */
		snprintf(args, sizeof(args), "stream set 7 ssrc %s", bad[i]);
		ck_assert_int_eq(run(args, NULL), 2);
		expect("err", "is not an SSRC (0-4294967295 or 0x0-0xffffffff, or \"none\")");
	}
	ck_assert_int_eq(run(ADD "ssrc", NULL), 2);
	expect("err", "\"ssrc\" needs a value");
	/* Good values get past the SSRC: the next complaint is the key. */
	ck_assert_int_eq(run(ADD "ssrc 0", NULL), 2);
	expect("err", "at least one \"key\" is required");
	ck_assert_int_eq(run(ADD "ssrc 4294967295", NULL), 2);
	expect("err", "at least one \"key\" is required");
	ck_assert_int_eq(run(ADD "ssrc 0xDEADbeef", NULL), 2);
	expect("err", "at least one \"key\" is required");
	expect_not("err", "SSRC");
	/* ... and for stream set, the module (absent here, or no stream 1e9). */
	ck_assert_int_ne(run("stream set 1000000000 ssrc 0x12345678", NULL), 2);
	expect_not("err", "SSRC");
	ck_assert_int_ne(run("stream set 1000000000 ssrc none", NULL), 2);
	expect_not("err", "SSRC");
	ck_assert_int_eq(run("-h", NULL), 0);
	expect("out", "srtpctl stream set ID ssrc {SSRC|none}");
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("srtpctl_sdp");
	TCase *tc = tcase_create("cli");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, offer_then_answer);
	tcase_add_test(tc, rejected_call);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, layering_and_notes);
	tcase_add_test(tc, json_and_keys);
	tcase_add_test(tc, conference);
	tcase_add_test(tc, stream_ssrc_syntax);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(cli_suite)
