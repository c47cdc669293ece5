/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnfsrtp: drive the nf_srtp kernel module over generic netlink.
 *
 * One handle per thread.  Every function returns 0 or a negative errno;
 * on failure nfsrtp_last_error() returns the kernel's extended ACK message
 * (which names the offending attribute) or a description of the error.
 */

#ifndef NFSRTP_H
#define NFSRTP_H

#include <stdint.h>

struct nfsrtp;

struct nfsrtp_stats {
	uint32_t version;	/* the module's API version */
	uint32_t streams;	/* streams installed in this namespace */
};

/*
 * Connect to the nf_srtp family of the caller's network namespace.
 * -ENOENT: the family is not registered (the module is not loaded).
 */
int nfsrtp_open(struct nfsrtp **out);
void nfsrtp_close(struct nfsrtp *h);

int nfsrtp_get_stats(struct nfsrtp *h, struct nfsrtp_stats *stats);

/* A human readable explanation of the last failure on this handle. */
const char *nfsrtp_last_error(const struct nfsrtp *h);

#endif /* NFSRTP_H */
