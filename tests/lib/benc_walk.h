/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writes a parsed bencode tree back out (tests and fuzzing): for valid
 * input the result is the input itself, byte for byte.
 */

#ifndef NFSRTP_BENC_WALK_H
#define NFSRTP_BENC_WALK_H

#include "bencode.h"

static inline void benc_walk(struct strbuf *b, const struct benc_node *n)
{
	const struct benc_node *m;

	switch (n->type) {
	case BENC_INT:
		benc_int(b, n->i);
		return;
	case BENC_STR:
		benc_str(b, n->s, n->len);
		return;
	case BENC_LIST:
	case BENC_DICT:
		benc_raw(b, n->type == BENC_LIST ? "l" : "d", 1);
		for (m = n->first; m; m = m->next) {
			if (n->type == BENC_DICT)
				benc_str(b, m->key, m->keylen);
			benc_walk(b, m);
		}
		benc_end(b);
		return;
	}
}

#endif /* NFSRTP_BENC_WALK_H */
