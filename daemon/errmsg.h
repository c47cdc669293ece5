/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errmsg: the one way userspace code here reports why something failed:
 * a message formatted into a caller's buffer (never key material).
 */

#ifndef NFSRTP_ERRMSG_H
#define NFSRTP_ERRMSG_H

#include <stddef.h>

/* vsnprintf into @buf; nothing when @buf is NULL or @size 0. */
void errmsg_set(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* NFSRTP_ERRMSG_H */
