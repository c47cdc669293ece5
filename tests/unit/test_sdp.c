// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/sdp.c: RFC 4566 syntax, RFC 3605 a=rtcp, and the
 * Polycom bulletin's offers with their a=crypto lines (daemon/sdes.c).
 * Key bytes come from coreutils' base64 -d, not from the code under test.
 */

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sdes.h"
#include "sdp.h"
#include "check_hex.h"
#include "check_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SESSION(addr) \
	"v=0\r\n" \
	"o=- 1234 1 IN IP4 " addr "\r\n" \
	"s=-\r\n" \
	"c=IN IP4 " addr "\r\n" \
	"t=0 0\r\n"

#define RTPMAPS \
	"a=rtpmap:0 PCMU/8000\r\n" \
	"a=rtpmap:8 PCMA/8000\r\n" \
	"a=rtpmap:18 G729/8000\r\n" \
	"a=rtpmap:101 telephone-event/8000\r\n"

/* The bulletin's three offers, made whole with session lines. */
static const char polycom1[] =
	SESSION("192.0.2.10")
	"m=audio 2230 RTP/SAVP 0 8 18 101\r\n"
	"a=sendrecv\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI\r\n"
	RTPMAPS
	"m=audio 2230 RTP/AVP 0 8 18 101\r\n"
	RTPMAPS;

static const char polycom2[] =
	SESSION("192.0.2.20")
	"m=audio 2222 RTP/SAVP 0 8 18 101\r\n"
	"a=sendrecv\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:W1AGU0FjVJv0avRW8JgztcoE6B2dBAyIlXCdQh7w\r\n"
	RTPMAPS;

static const char polycom3[] =
	SESSION("192.0.2.30")
	"m=audio 2224 RTP/SAVP 0 8 18 101\r\n"
	"a=sendrecv\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:ApP9lqvXICbkc18R6P+OBNErRM5Jwa3kmhn84idw UNAUTHENTICATED_SRTP\r\n"
	RTPMAPS
	"m=audio 2224 RTP/AVP 0 8 18 101\r\n"
	RTPMAPS;

static void parse_ok(const char *text, struct sdp *s)
{
	char err[256] = "";
	int rc = sdp_parse(text, strlen(text), s, err, sizeof(err));

	ck_assert_msg(rc == 0, "parse failed: %s", err);
}

/* parse, format, compare with @want */
static void check_format(const char *text, const char *want)
{
	struct sdp s;
	char *out;

	parse_ok(text, &s);
	out = sdp_format(&s);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, want);
	free(out);
	sdp_free(&s);
}

static const struct {
	const char *doc;
	const char *conn;
	unsigned int port;
	size_t nmedia;
	const char *key_hex;	/* key||salt, from base64 -d */
	bool unauth;
} offers[] = {
	{ polycom1, "192.0.2.10", 2230, 2,
	  "9e5df6eb12d2846b885cb324caaa3e13133918f6f3f8c2db58c668b51448", false },
	{ polycom2, "192.0.2.20", 2222, 1,
	  "5b5006534163549bf46af456f09833b5ca04e81d9d040c8895709d421ef0", false },
	{ polycom3, "192.0.2.30", 2224, 2,
	  "0293fd96abd72026e4735f11e8ff8e04d12b44ce49c1ade49a19fce22770", true },
};

START_TEST(polycom_offers)
{
	struct sdes_crypto c;
	struct sdp_conn conn;
	struct sdp s;
	uint8_t want[30];
	const char *v;
	size_t pos = 0, i;
	char err[128];

	parse_ok(offers[_i].doc, &s);
	ck_assert_uint_eq(s.nmedia, offers[_i].nmedia);
	ck_assert_uint_eq(s.lines.n, 5);
	for (i = 0; i < s.nmedia; i++) {
		ck_assert_str_eq(s.media[i].media, "audio");
		ck_assert_uint_eq(s.media[i].port, offers[_i].port);
		ck_assert_uint_eq(s.media[i].nports, 1);
		ck_assert_str_eq(s.media[i].proto, i ? "RTP/AVP" : "RTP/SAVP");
		ck_assert_str_eq(s.media[i].fmts, "0 8 18 101");
		ck_assert(sdp_proto_is_secure(s.media[i].proto) == !i);
		ck_assert_int_eq(sdp_media_conn(&s, &s.media[i], &conn), 0);
		ck_assert_int_eq(conn.family, AF_INET);
		ck_assert_str_eq(conn.addr, offers[_i].conn);
	}
	ck_assert_uint_eq(s.media[0].lines.n, 6);

	v = sdp_media_attr(&s.media[0], "crypto", &pos);
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_null(sdp_media_attr(&s.media[0], "crypto", &pos));
	ck_assert_int_eq(sdes_parse_crypto(v, strlen(v), &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.tag, 1);
	ck_assert_int_eq(c.suite, SDES_AES_CM_128_HMAC_SHA1_80);
	ck_assert_uint_eq(c.nkeys, 1);
	hex(offers[_i].key_hex, want, sizeof(want));
	ck_assert_mem_eq(c.keys[0].key, want, 16);
	ck_assert_mem_eq(c.keys[0].salt, want + 16, 14);
	ck_assert(c.unauthenticated_srtp == offers[_i].unauth);
	ck_assert(!c.unencrypted_srtp && !c.unencrypted_srtcp);
	sdes_crypto_wipe(&c);
	if (s.nmedia > 1)
		ck_assert(!sdp_media_has_attr(&s.media[1], "crypto"));
	sdp_free(&s);

	check_format(offers[_i].doc, offers[_i].doc);
}
END_TEST

START_TEST(connections)
{
	static const char doc[] =
		"v=0\r\n"
		"o=alice 2890844526 2890844526 IN IP6 2001:db8::1\r\n"
		"s= \r\n"
		"c=IN IP6 2001:db8::1\r\n"
		"t=0 0\r\n"
		"m=audio 49170 RTP/SAVP 0\r\n"
		"m=audio 49172 RTP/SAVPF 0\r\n"
		"c=IN IP4 198.51.100.7\r\n"
		"m=video 51372 RTP/AVP 99\r\n"
		"c=IN IP6 media.example.com.\r\n"
		"m=audio 49174 RTP/AVP 0\r\n"
		"c=IN IP4 224.2.1.1/127/3\r\n";
	static const struct {
		int family;
		const char *addr;
	} want[] = {
		{ AF_INET6, "2001:db8::1" },
		{ AF_INET, "198.51.100.7" },
		{ AF_INET6, "media.example.com." },
		{ AF_INET, "224.2.1.1" },
	};
	struct sdp_conn conn;
	struct sdp s;
	size_t i;

	parse_ok(doc, &s);
	ck_assert_uint_eq(s.nmedia, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		memset(&conn, 0xa5, sizeof(conn));
		ck_assert_int_eq(sdp_media_conn(&s, &s.media[i], &conn), 0);
		ck_assert_int_eq(conn.family, want[i].family);
		ck_assert_str_eq(conn.addr, want[i].addr);
	}
	sdp_free(&s);
	check_format(doc, doc);

	/* no c= anywhere */
	parse_ok("v=0\r\no=- 1 1 IN IP4 h.example\r\ns=-\r\nt=0 0\r\n"
		 "m=audio 9 RTP/AVP 0\r\n", &s);
	ck_assert_int_eq(sdp_media_conn(&s, &s.media[0], &conn), -1);
	sdp_free(&s);
}
END_TEST

START_TEST(rtcp_attributes)
{
	static const char doc[] =
		SESSION("192.0.2.1")
		"m=audio 49170 RTP/AVP 0\r\n"
		"a=rtcp:53020\r\n"
		"m=audio 49180 RTP/AVP 0\r\n"
		"a=rtcp:53020 IN IP6 2001:db8::7\r\n"
		"m=audio 49190 RTP/SAVPF 0\r\n"
		"a=rtcp-mux\r\n"
		"m=audio 49200 RTP/AVP 0\r\n"
		"c=IN IP4 198.51.100.9\r\n";
	static const struct {
		int rc;
		unsigned int port;
		int family;
		const char *addr;
		bool mux;
	} want[] = {
		{ 1, 53020, AF_INET, "192.0.2.1", false },
		{ 1, 53020, AF_INET6, "2001:db8::7", false },
		{ 0, 49191, AF_INET, "192.0.2.1", true },
		{ 0, 49201, AF_INET, "198.51.100.9", false },
	};
	struct sdp_conn conn;
	unsigned int port;
	struct sdp s;
	size_t i;

	parse_ok(doc, &s);
	ck_assert_uint_eq(s.nmedia, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ck_assert_int_eq(sdp_media_rtcp(&s, &s.media[i], &port, &conn),
				 want[i].rc);
		ck_assert_uint_eq(port, want[i].port);
		ck_assert_int_eq(conn.family, want[i].family);
		ck_assert_str_eq(conn.addr, want[i].addr);
		ck_assert(sdp_media_has_attr(&s.media[i], "rtcp-mux") ==
			  want[i].mux);
	}
	/* a malformed a=rtcp added after parsing */
	ck_assert_int_eq(sdp_media_add_line(&s.media[3], 'a', "rtcp:port"), 0);
	ck_assert_int_eq(sdp_media_rtcp(&s, &s.media[3], &port, &conn), -1);
	sdp_free(&s);
	check_format(doc, doc);
}
END_TEST

START_TEST(lines_in_order)
{
	/* lines of every type kept in order */
	static const char crlf[] =
		"v=0\r\n"
		"o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5\r\n"
		"s=SDP Seminar\r\n"
		"i=A Seminar on the session description protocol\r\n"
		"u=http://www.example.com/seminars/sdp.pdf\r\n"
		"e=j.doe@example.com (Jane Doe)\r\n"
		"c=IN IP4 224.2.17.12/127\r\n"
		"t=2873397496 2873404696\r\n"
		"y=unknown type\r\n"
		"a=recvonly\r\n"
		"m=audio 49170 RTP/AVP 0\r\n"
		"b=AS:64\r\n"
		"x=-junk=kept\r\n"
		"m=video 51372/2 RTP/AVP 99\r\n"
		"a=rtpmap:99 h263-1998/90000\r\n"
		"m=application 0 udp wb\r\n";
	static const char types[] = "vosiuectya";
	struct sdp s;
	size_t i;

	parse_ok(crlf, &s);
	ck_assert_uint_eq(s.lines.n, strlen(types));
	for (i = 0; i < s.lines.n; i++)
		ck_assert_int_eq(s.lines.v[i].type, types[i]);
	ck_assert_str_eq(s.lines.v[8].value, "unknown type");
	ck_assert_uint_eq(s.nmedia, 3);
	ck_assert_uint_eq(s.media[0].lines.n, 2);
	ck_assert_int_eq(s.media[0].lines.v[1].type, 'x');
	ck_assert_str_eq(s.media[0].lines.v[1].value, "-junk=kept");
	ck_assert_uint_eq(s.media[1].port, 51372);
	ck_assert_uint_eq(s.media[1].nports, 2);
	ck_assert_str_eq(s.media[2].media, "application");
	ck_assert_uint_eq(s.media[2].port, 0);
	ck_assert_str_eq(s.media[2].proto, "udp");
	ck_assert_str_eq(s.media[2].fmts, "wb");
	sdp_free(&s);
	check_format(crlf, crlf);
}
END_TEST

START_TEST(lf_to_crlf)
{
	char lf[sizeof(polycom1)];
	size_t i, n = 0;

	/* the bulletin's first offer with LF ends and no final one */
	for (i = 0; i + 1 < sizeof(polycom1) - 1; i++)
		if (polycom1[i] != '\r')
			lf[n++] = polycom1[i];
	lf[n] = '\0';
	ck_assert_ptr_null(strchr(lf, '\r'));
	check_format(lf, polycom1);

	check_format("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\n"
		     "m=audio 9 RTP/AVP 0 8\na=sendonly",
		     "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
		     "m=audio 9 RTP/AVP 0 8\r\na=sendonly\r\n");
	/* mixed line ends, extra blanks in m=, a final CR alone */
	check_format("v=0\r\no=- 1 1 IN IP4 192.0.2.1\ns=-\r\nt=0 0\n"
		     "m=audio  009\tRTP/AVP 0   8 \r",
		     "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
		     "m=audio 9 RTP/AVP 0 8\r\n");
	/* a session without media */
	check_format("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\n",
		     "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n");
}
END_TEST

START_TEST(attribute_lookup)
{
	static const char doc[] =
		SESSION("192.0.2.1")
		"m=audio 9 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:one\r\n"
		"a=cryptox:no\r\n"
		"a=rtcp-mux\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:two\r\n"
		"b=crypto:no\r\n"
		"a=crypto\r\n"
		"a=sendrecv\r\n";
	static const char *const want[] = {
		"1 AES_CM_128_HMAC_SHA1_80 inline:one",
		"2 AES_CM_128_HMAC_SHA1_32 inline:two",
		"",
	};
	struct sdp_media *m;
	struct sdp s;
	const char *v;
	size_t pos = 0, i;
	char *out;

	parse_ok(doc, &s);
	m = &s.media[0];
	for (i = 0; (v = sdp_media_attr(m, "crypto", &pos)) != NULL; i++) {
		ck_assert_uint_lt(i, ARRAY_SIZE(want));
		ck_assert_str_eq(v, want[i]);
	}
	ck_assert_uint_eq(i, ARRAY_SIZE(want));
	ck_assert(sdp_media_has_attr(m, "rtcp-mux"));
	ck_assert(!sdp_media_has_attr(m, "rtcp"));
	ck_assert(!sdp_media_has_attr(m, "rtcp-"));
	ck_assert(!sdp_media_has_attr(m, "send"));
	ck_assert(sdp_media_has_attr(m, "sendrecv"));

	ck_assert_uint_eq(sdp_media_del_attr(m, "crypto"), 3);
	ck_assert_uint_eq(sdp_media_del_attr(m, "crypto"), 0);
	ck_assert_uint_eq(sdp_media_del_attr(m, "rtcp"), 0);
	ck_assert_uint_eq(m->lines.n, 4);
	out = sdp_format(&s);
	ck_assert_str_eq(out, SESSION("192.0.2.1")
			 "m=audio 9 RTP/SAVP 0\r\n"
			 "a=cryptox:no\r\n"
			 "a=rtcp-mux\r\n"
			 "b=crypto:no\r\n"
			 "a=sendrecv\r\n");
	free(out);
	sdp_free(&s);
}
END_TEST

START_TEST(building)
{
	struct sdp_media *m;
	struct sdp s;
	char *out;
	int i;

	sdp_init(&s);
	sdp_free(&s);		/* freeing an empty description is fine */
	ck_assert_int_eq(sdp_add_line(&s, 'v', "0"), 0);
	ck_assert_int_eq(sdp_add_line(&s, 'o', "- 1 1 IN IP4 192.0.2.1"), 0);
	ck_assert_int_eq(sdp_add_line(&s, 's', "-"), 0);
	ck_assert_int_eq(sdp_add_line(&s, 't', "0 0"), 0);
	ck_assert_int_eq(sdp_add_line(&s, 'm', "audio 9 RTP/AVP 0"), -1);
	ck_assert_int_eq(sdp_add_line(&s, 'a', "x\r\na=y"), -1);
	ck_assert_int_eq(sdp_add_line(&s, 'A', "x"), -1);
	ck_assert_ptr_null(sdp_add_media(&s, "a-media-type-of-32-characters-xx",
					 9, "RTP/AVP", "0"));
	ck_assert_ptr_null(sdp_add_media(&s, "audio", 65536, "RTP/AVP", "0"));
	ck_assert_ptr_null(sdp_add_media(&s, "audio", 9, "RTP/AVP", ""));
	/* enough media to move the array a few times */
	for (i = 0; i < 20; i++) {
		m = sdp_add_media(&s, "audio", 2000 + i, "RTP/SAVP", "0 8");
		ck_assert_ptr_nonnull(m);
		ck_assert_int_eq(sdp_media_add_line(m, 'a', "rtcp-mux"), 0);
	}
	s.media[1].nports = 2;
	ck_assert_uint_eq(s.nmedia, 20);
	out = sdp_format(&s);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(strstr(out, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n"
				     "s=-\r\nt=0 0\r\n"
				     "m=audio 2000 RTP/SAVP 0 8\r\na=rtcp-mux\r\n"
				     "m=audio 2001/2 RTP/SAVP 0 8\r\na=rtcp-mux\r\n"
				     "m=audio 2002 RTP/SAVP 0 8\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "m=audio 2019 RTP/SAVP 0 8\r\n"
				     "a=rtcp-mux\r\n"));
	sdp_free(&s);
	check_format(out, out);
	free(out);
}
END_TEST

START_TEST(many_lines)
{
	/* no limit but SDP_MAX_LEN: thousands of media and lines */
	static const char head[] = SESSION("192.0.2.1");
	size_t size = SDP_MAX_LEN + 1, off, n = 0;
	char *doc = malloc(size);
	struct sdp s;
	char *out;

	ck_assert_ptr_nonnull(doc);
	off = (size_t)snprintf(doc, size, "%s", head);
	while (off + 40 < SDP_MAX_LEN) {
		off += (size_t)snprintf(doc + off, size - off,
					"m=audio %zu RTP/AVP 0\r\na=x\r\n",
					n % 65536);
		n++;
	}
	parse_ok(doc, &s);
	ck_assert_uint_eq(s.nmedia, n);
	ck_assert_uint_gt(n, 2000);
	ck_assert_uint_eq(s.media[n - 1].port, (n - 1) % 65536);
	out = sdp_format(&s);
	ck_assert_str_eq(out, doc);
	free(out);
	sdp_free(&s);

	/* exactly SDP_MAX_LEN bytes passes, one more does not */
	memset(doc + off, 'a', SDP_MAX_LEN - off);
	memcpy(doc + off, "a=", 2);
	ck_assert_int_eq(sdp_parse(doc, SDP_MAX_LEN, &s, NULL, 0), 0);
	sdp_free(&s);
	doc[SDP_MAX_LEN] = 'a';
	ck_assert_int_eq(sdp_parse(doc, SDP_MAX_LEN + 1, &s, NULL, 0), -1);
	free(doc);
}
END_TEST

/* Each document is parsed whole, so the line number says which line. */
static const struct {
	const char *doc;
	const char *err;	/* must appear in the message */
} bad[] = {
	{ "", "line 1: empty" },
	{ "v=1\r\n", "line 1: a description starts with v=0" },
	{ " v=0\r\n", "line 1: a description starts with v=0" },
	{ "o=- 1 1 IN IP4 h.example\r\nv=0\r\n", "line 1: a description starts with v=0" },
	{ "v=0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n", "line 4: the session section has no o=" },
	{ "v=0\r\no=- 1 1 IN IP4 h.example\r\nt=0 0\r\n", "line 3: the session section has no s=" },
	{ "v=0\r\no=- 1 1 IN IP4 h.example\r\ns=-\r\n", "line 3: the session section has no t=" },
	{ "v=0\r\no=- 1 1 IN IP4\r\ns=-\r\nt=0 0\r\n", "line 2: o= has 5 fields" },
	{ SESSION("h.example") "m=audio 65536 RTP/AVP 0\r\n", "line 6: m= port \"65536\"" },
	{ SESSION("h.example") "m=audio 12a RTP/AVP 0\r\n", "line 6: m= port" },
	{ SESSION("h.example") "m=audio -1 RTP/AVP 0\r\n", "line 6: m= port" },
	{ SESSION("h.example") "m=audio 2230/0 RTP/AVP 0\r\n", "line 6: m= number of ports" },
	{ SESSION("h.example") "m=audio 2230/ RTP/AVP 0\r\n", "line 6: m= number of ports" },
	{ SESSION("h.example") "m=audio 2230 RTP/AVP\r\n", "line 6: m= needs" },
	{ SESSION("h.example") "m=audio 2230 RTP/AVP \r\n", "line 6: m= needs" },
	{ SESSION("h.example") "m=\r\n", "line 6: m= needs" },
	{ SESSION("h.example") "m=audio 2230 RTP//AVP 0\r\n", "line 6: m= proto" },
	{ SESSION("h.example") "m=audio 2230 RTP/AVP 0 8,\r\n", "line 6: m= format" },
	{ SESSION("h.example") "m=audio:x 2230 RTP/AVP 0\r\n", "line 6: m= media" },
	{ SESSION("h.example") "m=a-media-type-of-32-characters-xx 9 RTP/AVP 0\r\n", "line 6: m= media" },
	{ SESSION("h.example") "m=audio 9 UDP/TLS/RTP/SAVPF/with/a/long/tail 0\r\n", "line 6: m= proto" },
	{ "v=0\r\no=- 1 1 IN IP4 h.example\r\ns=-\r\nc=IN IP4 300.1.2.3\r\nt=0 0\r\n", "line 4: c= not an IPv4 address" },
	{ "v=0\r\no=- 1 1 IN IP4 h.example\r\ns=-\r\nc=IN IP4 2001:db8::1\r\nt=0 0\r\n", "line 4: c= not an IPv4" },
	{ "v=0\r\no=- 1 1 IN IP4 h.example\r\ns=-\r\nc=IN IP6 192.0.2.1\r\nt=0 0\r\n", "line 4: c= not an IPv6" },
	{ "v=0\r\no=- 1 1 IN IP4 h.example\r\ns=-\r\nc=IN IP7 192.0.2.1\r\nt=0 0\r\n", "line 4: c= address type" },
	{ "v=0\r\no=- 1 1 IN IP4 h.example\r\ns=-\r\nc=ATM IP4 192.0.2.1\r\nt=0 0\r\n", "line 4: c= network type" },
	{ "v=0\r\no=- 1 1 IN IP4 h.example\r\ns=-\r\nc=IN IP4\r\nt=0 0\r\n", "line 4: c= needs" },
	{ "v=0\r\no=- 1 1 IN IP4 h.example\r\ns=-\r\nc=IN IP4 1.2.3.4 x\r\nt=0 0\r\n", "line 4: c= has more" },
	{ SESSION("h.example") "m=audio 9 RTP/AVP 0\r\nc=IN IP4 bad_name.example\r\n", "line 7: c= not an IPv4" },
	{ SESSION("h.example") "m=audio 9 RTP/AVP 0\r\nc=IN IP4 -bad.example\r\n", "line 7: c= not an IPv4" },
	{ SESSION("h.example") "m=audio 9 RTP/AVP 0\r\nc=IN IP4 224.2.1.1/256\r\n", "line 7: c= TTL" },
	{ SESSION("h.example") "m=audio 9 RTP/AVP 0\r\nc=IN IP4 224.2.1.1/127/0\r\n", "line 7: c= address count" },
	{ SESSION("h.example") "m=audio 9 RTP/AVP 0\r\nc=IN IP6 ff15::1/1/2\r\n", "line 7: c= IPv6 address takes no TTL" },
	{ SESSION("h.example") "m=audio 9 RTP/AVP 0\r\na=rtcp:70000\r\n", "line 7: a=rtcp port" },
	{ SESSION("h.example") "m=audio 9 RTP/AVP 0\r\na=rtcp:9 IN IP4\r\n", "line 7: a=rtcp needs" },
	{ SESSION("h.example") "m=audio 9 RTP/AVP 0\r\na=rtcp:9 IN IP4 1.2.3.256\r\n", "line 7: a=rtcp not an IPv4" },
	{ SESSION("h.example") "hello\r\n", "line 6: not of the form x=value" },
	{ SESSION("h.example") "\r\n", "line 6: not of the form x=value" },
	{ SESSION("h.example") "A=b\r\n", "line 6: not of the form x=value" },
	{ SESSION("h.example") "=b\r\n", "line 6: not of the form x=value" },
	{ SESSION("h.example") "a\r\n", "line 6: not of the form x=value" },
	{ SESSION("h.example") "a=x\ry\r\n", "line 6: carriage return" },
	{ SESSION("h.example") "a=x\r\r\n", "line 6: carriage return" },
};

START_TEST(rejected)
{
	struct sdp s;
	char err[256] = "";

	memset(&s, 0xa5, sizeof(s));
	ck_assert_int_eq(sdp_parse(bad[_i].doc, strlen(bad[_i].doc), &s, err,
				   sizeof(err)), -1);
	ck_assert_msg(strstr(err, bad[_i].err), "\"%s\" lacks \"%s\"", err,
		      bad[_i].err);
	/* left empty, so sdp_free is safe and a no-op */
	ck_assert_ptr_null(s.lines.v);
	ck_assert_uint_eq(s.lines.n, 0);
	ck_assert_ptr_null(s.media);
	ck_assert_uint_eq(s.nmedia, 0);
	sdp_free(&s);
}
END_TEST

START_TEST(rejected_nul_and_length)
{
	static const char head[] = SESSION("h.example");
	static const char nul[] = SESSION("h.example") "a=x\0y\r\n";
	char *big = malloc(SDP_MAX_LEN + 2);
	char err[256] = "";
	struct sdp s;

	ck_assert_int_eq(sdp_parse(nul, sizeof(nul) - 1, &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 6: NUL byte");

	/* a long line 6 crosses the limit */
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', SDP_MAX_LEN + 1);
	memcpy(big, head, strlen(head));
	memcpy(big + strlen(head), "a=", 2);
	big[SDP_MAX_LEN + 1] = '\0';
	ck_assert_int_eq(sdp_parse(big, SDP_MAX_LEN + 1, &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 6: description longer than 65536 bytes");
	free(big);
	/* no message buffer is fine too */
	ck_assert_int_eq(sdp_parse("v=0", 3, &s, NULL, 0), -1);
	ck_assert_int_eq(sdp_parse("v=0", 3, &s, err, 1), -1);
	ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(secure_profiles)
{
	static const struct {
		const char *proto;
		bool secure;
	} t[] = {
		{ "RTP/SAVP", true }, { "RTP/SAVPF", true },
		{ "UDP/TLS/RTP/SAVP", true }, { "UDP/TLS/RTP/SAVPF", true },
		{ "RTP/AVP", false }, { "RTP/AVPF", false }, { "SAVP", false },
		{ "RTP/SAVPX", false }, { "RTP/savp", false }, { "", false },
		{ "udp", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		ck_assert_msg(sdp_proto_is_secure(t[i].proto) == t[i].secure,
			      "%s", t[i].proto);
}
END_TEST

static Suite *sdp_suite(void)
{
	Suite *s = suite_create("sdp");
	TCase *tc = tcase_create("sdp");

	tcase_add_loop_test(tc, polycom_offers, 0, ARRAY_SIZE(offers));
	tcase_add_test(tc, connections);
	tcase_add_test(tc, rtcp_attributes);
	tcase_add_test(tc, lines_in_order);
	tcase_add_test(tc, lf_to_crlf);
	tcase_add_test(tc, attribute_lookup);
	tcase_add_test(tc, building);
	tcase_add_test(tc, many_lines);
	tcase_add_loop_test(tc, rejected, 0, ARRAY_SIZE(bad));
	tcase_add_test(tc, rejected_nul_and_length);
	tcase_add_test(tc, secure_profiles);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(sdp_suite)
