/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_srtp: module-internal declarations shared by its files.
 */

#ifndef _NF_SRTP_H
#define _NF_SRTP_H

#include <linux/atomic.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/* Per network namespace state; the streams live here. */
struct nf_srtp_net {
	atomic_t nr_streams;
};

extern unsigned int nf_srtp_net_id;

static inline struct nf_srtp_net *nf_srtp_pernet(const struct net *net)
{
	return net_generic(net, nf_srtp_net_id);
}

int nf_srtp_genl_init(void);
void nf_srtp_genl_exit(void);

#endif /* _NF_SRTP_H */
