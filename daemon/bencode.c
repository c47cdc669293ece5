// SPDX-License-Identifier: GPL-2.0
/*
 * bencode: parser and writer.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bencode.h"
#include "errmsg.h"

struct frame {
	struct benc_node *node;	/* the open list or dictionary */
	struct benc_node *last;	/* its last member so far */
	const char *key;	/* dictionary: the key read, awaiting a value */
	size_t keylen;
};

struct parser {
	const char *buf;
	const char *p;
	const char *end;
	struct benc_doc *doc;
	size_t cap;
	struct frame stack[BENC_DEPTH_MAX];
	int depth;
	char *err;
	size_t errlen;
};

static int fail(struct parser *ps, const char *what)
{
	errmsg_set(ps->err, ps->errlen, "offset %zu: %s",
		   (size_t)(ps->p - ps->buf), what);
	return -1;
}

/* 1*DIGIT without leading zeros, up to @stop; into *@v. */
static int digits(struct parser *ps, char stop, uint64_t max, uint64_t *v)
{
	const char *start = ps->p;

	*v = 0;
	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
		unsigned int d = (unsigned int)(*ps->p - '0');

		if (*v > (max - d) / 10)
			return fail(ps, "number too large");
		*v = *v * 10 + d;
		ps->p++;
	}
	if (ps->p == start)
		return fail(ps, "digits expected");
	if (*start == '0' && ps->p - start > 1)
		return fail(ps, "leading zero");
	if (ps->p == ps->end || *ps->p != stop)
		return fail(ps, stop == ':' ? "':' expected" : "'e' expected");
	ps->p++;
	return 0;
}

static int read_string(struct parser *ps, const char **s, size_t *len)
{
	uint64_t n;

	if (digits(ps, ':', SIZE_MAX, &n))
		return -1;
	if (n > (uint64_t)(ps->end - ps->p))
		return fail(ps, "string runs past the end");
	*s = ps->p;
	*len = (size_t)n;
	ps->p += n;
	return 0;
}

static int read_int(struct parser *ps, int64_t *out)
{
	bool neg = false;
	uint64_t v;

	ps->p++;	/* 'i' */
	if (ps->p < ps->end && *ps->p == '-') {
		neg = true;
		ps->p++;
	}
	if (digits(ps, 'e', neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX, &v))
		return -1;
	if (neg && !v)
		return fail(ps, "negative zero");
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static struct benc_node *new_node(struct parser *ps, enum benc_type t)
{
	struct benc_node *n;

	if (ps->doc->n == ps->cap) {
		fail(ps, "too many values");
		return NULL;
	}
	n = &ps->doc->nodes[ps->doc->n++];
	memset(n, 0, sizeof(*n));
	n->type = t;
	return n;
}

/* Appends @n to the open container, or makes it the root. */
static void attach(struct parser *ps, struct benc_node *n)
{
	struct frame *f;

	if (!ps->depth) {
		ps->doc->root = n;
		return;
	}
	f = &ps->stack[ps->depth - 1];
	if (f->node->type == BENC_DICT) {
		n->key = f->key;
		n->keylen = f->keylen;
		f->key = NULL;
	}
	if (f->last)
		f->last->next = n;
	else
		f->node->first = n;
	f->last = n;
	f->node->len++;
}

static int read_value(struct parser *ps)
{
	char c = *ps->p;
	struct benc_node *n;

	if (c == 'i') {
		n = new_node(ps, BENC_INT);
		if (!n || read_int(ps, &n->i))
			return -1;
	} else if (c >= '0' && c <= '9') {
		n = new_node(ps, BENC_STR);
		if (!n || read_string(ps, &n->s, &n->len))
			return -1;
	} else if (c == 'l' || c == 'd') {
		if (ps->depth == BENC_DEPTH_MAX)
			return fail(ps, "nested too deeply");
		n = new_node(ps, c == 'l' ? BENC_LIST : BENC_DICT);
		if (!n)
			return -1;
		ps->p++;
		attach(ps, n);
		ps->stack[ps->depth++] = (struct frame){ .node = n };
		return 0;
	} else {
		return fail(ps, "a value expected");
	}
	attach(ps, n);
	return 0;
}

int benc_parse(const char *buf, size_t len, struct benc_doc *doc, char *err,
	       size_t errlen)
{
	struct parser ps = {
		.buf = buf, .p = buf, .end = buf + len, .doc = doc,
		.err = err, .errlen = errlen,
	};

	memset(doc, 0, sizeof(*doc));
	/* every value takes at least two bytes ("0:", "le") */
	ps.cap = len / 2 + 1 < BENC_NODES_MAX ? len / 2 + 1 : BENC_NODES_MAX;
	doc->nodes = calloc(ps.cap, sizeof(*doc->nodes));
	if (!doc->nodes) {
		errmsg_set(err, errlen, "out of memory");
		return -1;
	}
	do {
		struct frame *f = ps.depth ? &ps.stack[ps.depth - 1] : NULL;

		if (ps.p == ps.end)
			return fail(&ps, "unexpected end");
		if (f && *ps.p == 'e' && !f->key) {
			ps.p++;
			ps.depth--;
			continue;
		}
		if (f && f->node->type == BENC_DICT && !f->key) {
			if (*ps.p < '0' || *ps.p > '9')
				return fail(&ps, "a dictionary key (string) expected");
			if (read_string(&ps, &f->key, &f->keylen))
				return -1;
			continue;
		}
		if (read_value(&ps))
			return -1;
	} while (ps.depth);
	if (ps.p != ps.end)
		return fail(&ps, "data after the value");
	return 0;
}

void benc_doc_free(struct benc_doc *doc)
{
	free(doc->nodes);
	memset(doc, 0, sizeof(*doc));
}

const struct benc_node *benc_get(const struct benc_node *d, const char *key)
{
	size_t klen = strlen(key);
	const struct benc_node *n;

	if (!d || d->type != BENC_DICT)
		return NULL;
	for (n = d->first; n; n = n->next)
		if (n->keylen == klen && !memcmp(n->key, key, klen))
			return n;
	return NULL;
}

bool benc_is(const struct benc_node *n, const char *s)
{
	size_t len = strlen(s);

	return n && n->type == BENC_STR && n->len == len &&
	       !memcmp(n->s, s, len);
}

void benc_raw(struct strbuf *b, const char *s, size_t len)
{
	strbuf_put(b, s, len);
}

void benc_str(struct strbuf *b, const char *s, size_t len)
{
	char head[24];
	int n = snprintf(head, sizeof(head), "%zu:", len);

	benc_raw(b, head, (size_t)n);
	benc_raw(b, s, len);
}

void benc_cstr(struct strbuf *b, const char *s)
{
	benc_str(b, s, strlen(s));
}

void benc_int(struct strbuf *b, int64_t v)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "i%" PRId64 "e", v);

	benc_raw(b, text, (size_t)n);
}
