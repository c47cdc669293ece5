// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of daemon/bencode.c: what rtpengine's ng protocol sends
 * (keys unsorted, nested lists), every malformation, the limits, and the
 * writer.
 */

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bencode.h"
#include "benc_walk.h"
#include "check_main.h"

static void parse_ok(const char *text, size_t len, struct benc_doc *d)
{
	char err[128];

	ck_assert_msg(!benc_parse(text, len, d, err, sizeof(err)), "%s: %s",
		      text, err);
}

/* An offer as Kamailio's rtpengine module sends it (keys unsorted). */
START_TEST(ng_offer)
{
	static const char msg[] =
		"d7:command5:offer7:call-id12:a84b4c76e6678:from-tag4:ftag"
		"5:flagsl13:trust-address9:symmetrice"
		"18:transport-protocol8:RTP/SAVP"
		"3:sdp12:v=0\r\no=- 1\r\n"
		"6:numberi-42ee";
	const struct benc_node *n;
	struct benc_doc d;

	parse_ok(msg, strlen(msg), &d);
	ck_assert_int_eq(d.root->type, BENC_DICT);
	ck_assert_uint_eq(d.root->len, 7);
	ck_assert(benc_is(benc_get(d.root, "command"), "offer"));
	ck_assert(benc_is(benc_get(d.root, "call-id"), "a84b4c76e667"));
	n = benc_get(d.root, "flags");
	ck_assert_int_eq(n->type, BENC_LIST);
	ck_assert_uint_eq(n->len, 2);
	ck_assert(benc_is(n->first, "trust-address"));
	ck_assert(benc_is(n->first->next, "symmetric"));
	ck_assert_ptr_null(n->first->next->next);
	ck_assert_uint_eq(benc_get(d.root, "sdp")->len, 12);
	ck_assert_int_eq(benc_get(d.root, "number")->i, -42);
	ck_assert_ptr_null(benc_get(d.root, "to-tag"));
	ck_assert_ptr_null(benc_get(n, "x"));	/* not a dictionary */
	benc_doc_free(&d);
}
END_TEST

START_TEST(values)
{
	static const struct {
		const char *text;
		enum benc_type type;
		int64_t i;
		size_t len;
	} cases[] = {
		{ "i0e", BENC_INT, 0, 0 },
		{ "i9223372036854775807e", BENC_INT, INT64_MAX, 0 },
		{ "i-9223372036854775808e", BENC_INT, INT64_MIN, 0 },
		{ "0:", BENC_STR, 0, 0 },
		{ "3:a\0b", BENC_STR, 0, 3 },
		{ "le", BENC_LIST, 0, 0 },
		{ "de", BENC_DICT, 0, 0 },
		{ "lli1eee", BENC_LIST, 0, 1 },
		{ "d1:ad1:bleee", BENC_DICT, 0, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct benc_doc d;
		size_t len = cases[i].type == BENC_STR && cases[i].len == 3 ?
			     5 : strlen(cases[i].text);

		parse_ok(cases[i].text, len, &d);
		ck_assert_int_eq(d.root->type, cases[i].type);
		if (cases[i].type == BENC_INT)
			ck_assert(d.root->i == cases[i].i);
		else
			ck_assert_uint_eq(d.root->len, cases[i].len);
		benc_doc_free(&d);
	}
}
END_TEST

START_TEST(malformed)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{ "", "offset 0: unexpected end" },
		{ "i", "digits expected" },
		{ "ie", "digits expected" },
		{ "i01e", "leading zero" },
		{ "i-0e", "negative zero" },
		{ "i1", "'e' expected" },
		{ "i9223372036854775808e", "number too large" },
		{ "i-9223372036854775809e", "number too large" },
		{ "i1x", "'e' expected" },
		{ "01:a", "leading zero" },
		{ "5:abc", "string runs past the end" },
		{ "99999999999999999999:a", "number too large" },
		{ "1a", "':' expected" },
		{ "l", "unexpected end" },
		{ "li1e", "unexpected end" },
		{ "d1:a", "unexpected end" },
		{ "di1ei2ee", "a dictionary key (string) expected" },
		{ "d1:ae", "offset 4: a value expected" },
		{ "x", "a value expected" },
		{ "i1ei2e", "offset 3: data after the value" },
		{ "lee", "data after the value" },
		{ "e", "a value expected" },
	};
	struct benc_doc d;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(benc_parse(cases[i].text, strlen(cases[i].text), &d,
					 err, sizeof(err)) == -1, "%s",
			      cases[i].text);
		ck_assert_msg(strstr(err, cases[i].err), "%s: \"%s\" lacks \"%s\"",
			      cases[i].text, err, cases[i].err);
		benc_doc_free(&d);
	}
}
END_TEST

START_TEST(limits)
{
	char deep[2 * BENC_DEPTH_MAX + 4], err[128];
	struct benc_doc d;
	size_t i, n;
	char *many;

	/* BENC_DEPTH_MAX lists nest; one more does not */
	for (i = 0; i < BENC_DEPTH_MAX; i++) {
		deep[i] = 'l';
		deep[BENC_DEPTH_MAX + i] = 'e';
	}
	parse_ok(deep, 2 * BENC_DEPTH_MAX, &d);
	benc_doc_free(&d);
	memmove(deep + 1, deep, 2 * BENC_DEPTH_MAX);
	deep[0] = 'l';
	deep[2 * BENC_DEPTH_MAX + 1] = 'e';
	ck_assert_int_eq(benc_parse(deep, 2 * BENC_DEPTH_MAX + 2, &d, err,
				    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "nested too deeply"));
	benc_doc_free(&d);
	/* BENC_NODES_MAX values parse, one more does not */
	n = BENC_NODES_MAX - 1;
	many = malloc(2 * n + 4);
	ck_assert_ptr_nonnull(many);
	many[0] = 'l';
	for (i = 0; i < n; i++)
		memcpy(many + 1 + 2 * i, "0:", 2);
	many[1 + 2 * n] = 'e';
	parse_ok(many, 2 * n + 2, &d);
	ck_assert_uint_eq(d.root->len, n);
	benc_doc_free(&d);
	memcpy(many + 1 + 2 * n, "0:e", 3);
	ck_assert_int_eq(benc_parse(many, 2 * n + 4, &d, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "too many values"));
	benc_doc_free(&d);
	free(many);
}
END_TEST

START_TEST(writer_round_trip)
{
	static const char msg[] =
		"d6:result2:ok3:sdp5:v=0\r\n4:tagsd4:ftagd7:streamsli1ei-2eeee"
		"3:set0:e";
	struct strbuf b = { 0 };
	struct benc_doc d;

	benc_dict(&b);
	benc_cstr(&b, "result");
	benc_cstr(&b, "ok");
	benc_cstr(&b, "sdp");
	benc_str(&b, "v=0\r\nxx", 5);
	benc_cstr(&b, "tags");
	benc_dict(&b);
	benc_cstr(&b, "ftag");
	benc_dict(&b);
	benc_cstr(&b, "streams");
	benc_list(&b);
	benc_int(&b, 1);
	benc_int(&b, -2);
	benc_end(&b);
	benc_end(&b);
	benc_end(&b);
	benc_cstr(&b, "set");
	benc_cstr(&b, "");
	benc_end(&b);
	ck_assert(!b.oom);
	ck_assert_str_eq(b.p, msg);
	ck_assert_uint_eq(b.len, strlen(msg));
	strbuf_free(&b);
	/* the parsed tree written out again is the message itself */
	parse_ok(msg, strlen(msg), &d);
	benc_walk(&b, d.root);
	ck_assert_str_eq(b.p, msg);
	strbuf_free(&b);
	benc_doc_free(&d);
}
END_TEST

static Suite *bencode_suite(void)
{
	Suite *s = suite_create("bencode");
	TCase *tc = tcase_create("bencode");

	tcase_add_test(tc, ng_offer);
	tcase_add_test(tc, values);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, writer_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(bencode_suite)
