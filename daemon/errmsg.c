// SPDX-License-Identifier: GPL-2.0
/*
 * errmsg: error messages into caller buffers.
 */

#include <stdarg.h>
#include <stdio.h>

#include "errmsg.h"

void errmsg_set(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}
