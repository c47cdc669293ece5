// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: srtpd's control protocol parser (daemon/control.c),
 * what a local client may send.  A parsed request must be consistent:
 * its body inside the message, its strings terminated, the Media header
 * either valid or refused by ctl_parse_media().
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request r;
	struct neg_local l;
	char err[256];

	if (ctl_parse((const char *)data, size, &r, err, sizeof(err))) {
		if (!memchr(err, '\0', sizeof(err)))
			abort();
		return 0;
	}
	if (r.body && (r.body < (const char *)data ||
		       r.body + r.body_len != (const char *)data + size))
		abort();
	if (strlen(r.call_id) >= sizeof(r.call_id) ||
	    strlen(r.media) >= sizeof(r.media))
		abort();
	memset(&l, 0, sizeof(l));
	if (r.media[0] && !ctl_parse_media(r.media, &l) &&
	    (l.port < 1 || l.port > 65534))
		abort();
	return 0;
}
