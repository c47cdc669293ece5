// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the bencode parser of the ng protocol
 * (daemon/bencode.c).  Whatever parses is written out again and must be
 * the input byte for byte: the encoding is canonical (no leading zeros)
 * and dictionaries keep their order.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bencode.h"
#include "benc_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf b = { 0 };
	struct benc_doc d;
	char err[128];

	if (!benc_parse((const char *)data, size, &d, err, sizeof(err))) {
		benc_walk(&b, d.root);
		if (!b.oom && (b.len != size || memcmp(b.p, data, size)))
			abort();
	} else if (!memchr(err, '\0', sizeof(err))) {
		abort();
	}
	strbuf_free(&b);
	benc_doc_free(&d);
	return 0;
}
