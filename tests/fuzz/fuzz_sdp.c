// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_sdp - libFuzzer target for daemon/sdp.c and sdes_parse_crypto().
 *
 * Input: an SDP document.  When it parses:
 *  1. it is formatted, the output parsed again (must succeed) and
 *     formatted again (must be byte-identical to the first output);
 *  2. for every media: sdp_media_conn(), sdp_media_rtcp(), the attribute
 *     helpers, and every a=crypto through sdes_parse_crypto(); a line with
 *     a known suite is formatted with sdes_format_crypto() and parsed
 *     again, which must succeed and give the same tag, suite, keys and
 *     session parameters.
 * A broken invariant is a real bug: abort().  Leaks and memory errors are
 * ASan's.  Seeds: tests/fuzz/corpus/sdp/.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdes.h"
#include "sdp.h"

#define CRYPTO_TEXT_MAX	8192	/* 16 key-params of ~400 bytes, and more */

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_sdp: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	abort();
}

static bool same_crypto(const struct sdes_crypto *a,
			const struct sdes_crypto *b)
{
	unsigned int i;

	if (a->tag != b->tag || a->suite != b->suite ||
	    a->nkeys != b->nkeys ||
	    a->unencrypted_srtp != b->unencrypted_srtp ||
	    a->unencrypted_srtcp != b->unencrypted_srtcp ||
	    a->unauthenticated_srtp != b->unauthenticated_srtp ||
	    a->kdr != b->kdr || a->wsh != b->wsh ||
	    a->fec_order != b->fec_order)
		return false;
	for (i = 0; i < a->nkeys; i++) {
		const struct sdes_key *x = &a->keys[i], *y = &b->keys[i];

		if (x->key_len != y->key_len || x->salt_len != y->salt_len ||
		    memcmp(x->key, y->key, x->key_len) ||
		    memcmp(x->salt, y->salt, x->salt_len) ||
		    x->lifetime != y->lifetime || x->mki_len != y->mki_len ||
		    memcmp(x->mki, y->mki, x->mki_len))
			return false;
	}
	return true;
}

static void check_crypto(const char *value)
{
	static struct sdes_crypto c, c2;
	static char text[CRYPTO_TEXT_MAX];
	char err[256];
	int n;

	if (sdes_parse_crypto(value, strlen(value), &c, err, sizeof(err))) {
		if (c.nkeys)
			fail("failed crypto parse left keys", err);
		return;
	}
	if (c.suite == SDES_SUITE_UNKNOWN) {
		if (c.nkeys)
			fail("unknown suite with keys", NULL);
		return;
	}
	n = sdes_format_crypto(&c, text, sizeof(text));
	if (n < 0 || (size_t)n != strlen(text))
		fail("sdes_format_crypto failed", NULL);
	if (sdes_parse_crypto(text, (size_t)n, &c2, err, sizeof(err)))
		fail("formatted a=crypto does not parse", err);
	if (!same_crypto(&c, &c2))
		fail("formatted a=crypto parses differently", text);
	sdes_crypto_wipe(&c);
	sdes_crypto_wipe(&c2);
}

static void check_media(const struct sdp *s, const struct sdp_media *m)
{
	struct sdp_conn conn;
	unsigned int port;
	const char *v;
	size_t pos = 0;

	sdp_media_conn(s, m, &conn);
	/* sdp_parse() checked every a=rtcp */
	if (sdp_media_rtcp(s, m, &port, &conn) < 0)
		fail("a=rtcp accepted by sdp_parse is malformed", NULL);
	if (sdp_media_has_attr(m, "rtcp") != (sdp_media_rtcp(s, m, NULL, NULL) == 1))
		fail("a=rtcp lookup disagrees", NULL);
	sdp_media_has_attr(m, "rtcp-mux");
	sdp_proto_is_secure(m->proto);
	while ((v = sdp_media_attr(m, "crypto", &pos)) != NULL)
		check_crypto(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdp s, s2;
	char *out, *out2;
	char err[256];
	size_t i;

	if (sdp_parse((const char *)data, size, &s, err, sizeof(err))) {
		if (s.nmedia || s.lines.n || s.media || s.lines.v)
			fail("failed parse left lines behind", err);
		if (strncmp(err, "line ", 5))
			fail("message without a line number", err);
		return 0;
	}
	out = sdp_format(&s);
	if (!out)
		fail("sdp_format failed", NULL);
	if (sdp_parse(out, strlen(out), &s2, err, sizeof(err)))
		fail("formatted SDP does not parse", err);
	out2 = sdp_format(&s2);
	if (!out2 || strcmp(out, out2))
		fail("format, parse, format is not stable", NULL);
	if (s2.nmedia != s.nmedia || s2.lines.n != s.lines.n)
		fail("re-parse gives another structure", NULL);

	for (i = 0; i < s.nmedia; i++)
		check_media(&s, &s.media[i]);
	/* deleting an attribute keeps the description valid */
	if (s.nmedia) {
		struct sdp_media *m = &s.media[s.nmedia - 1];
		size_t before = m->lines.n, n = sdp_media_del_attr(m, "crypto");

		if (m->lines.n != before - n || sdp_media_has_attr(m, "crypto"))
			fail("sdp_media_del_attr left a line", NULL);
	}

	free(out);
	free(out2);
	sdp_free(&s);
	sdp_free(&s2);
	return 0;
}
