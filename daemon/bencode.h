/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bencode: the encoding of rtpengine's "ng" control protocol (a cookie, a
 * space, a bencoded dictionary).  The parser takes untrusted input:
 * bounded depth and node count, no recursion on the input's say, strings
 * pointing into the caller's buffer.  Dictionary keys are kept in arrival
 * order (real proxies do not sort them).
 */

#ifndef NFSRTP_BENCODE_H
#define NFSRTP_BENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define BENC_DEPTH_MAX	32
#define BENC_NODES_MAX	4096

enum benc_type {
	BENC_INT,
	BENC_STR,
	BENC_LIST,
	BENC_DICT,
};

struct benc_node {
	enum benc_type type;
	const char *s;		/* BENC_STR: bytes (not NUL-terminated) */
	size_t len;		/* BENC_STR: length; LIST/DICT: members */
	int64_t i;		/* BENC_INT */
	const char *key;	/* member of a dictionary: its key */
	size_t keylen;
	struct benc_node *first;	/* LIST/DICT: first member */
	struct benc_node *next;		/* next member of the parent */
};

struct benc_doc {
	struct benc_node *nodes;
	size_t n;
	struct benc_node *root;
};

/*
 * Parses exactly @len bytes (one value, nothing after it).  0, or -1 with
 * @err ("offset N: ...").  Free with benc_doc_free() either way.
 */
int benc_parse(const char *buf, size_t len, struct benc_doc *doc, char *err,
	       size_t errlen);
void benc_doc_free(struct benc_doc *doc);

/* The member @key of dictionary @d (the first, if repeated), or NULL. */
const struct benc_node *benc_get(const struct benc_node *d, const char *key);

/* @n is a string equal to @s. */
bool benc_is(const struct benc_node *n, const char *s);

void benc_raw(struct strbuf *b, const char *s, size_t len);
void benc_str(struct strbuf *b, const char *s, size_t len);
void benc_cstr(struct strbuf *b, const char *s);
void benc_int(struct strbuf *b, int64_t v);
/* "d", "l" and "e": dictionaries and lists are written by the caller. */
#define benc_dict(b)	benc_raw((b), "d", 1)
#define benc_list(b)	benc_raw((b), "l", 1)
#define benc_end(b)	benc_raw((b), "e", 1)

#endif /* NFSRTP_BENCODE_H */
