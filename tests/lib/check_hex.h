/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expected bytes in Check tests, written as hex (from base64 -d | xxd and
 * the like, never from the code under test).
 */

#ifndef NFSRTP_CHECK_HEX_H
#define NFSRTP_CHECK_HEX_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>

static inline void hex(const char *h, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int v;

		ck_assert(sscanf(h + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
}

#endif /* NFSRTP_CHECK_HEX_H */
