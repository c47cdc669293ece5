/* SPDX-License-Identifier: GPL-2.0 */
/*
 * strbuf: a growing, NUL-terminated output buffer for text that may hold
 * keys (SDP, ng replies): it never leaves a copy behind, neither when it
 * grows nor when it is freed.  The first allocation failure latches
 * ->oom; later appends do nothing, so a writer checks once at the end.
 */

#ifndef NFSRTP_STRBUF_H
#define NFSRTP_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *p;
	size_t len;
	size_t cap;
	bool oom;
};

void strbuf_put(struct strbuf *b, const char *s, size_t n);
void strbuf_str(struct strbuf *b, const char *s);
/* Wipes and frees the buffer; @b is empty again. */
void strbuf_free(struct strbuf *b);

#endif /* NFSRTP_STRBUF_H */
