// SPDX-License-Identifier: GPL-2.0
/*
 * nf_srtp: IP defragmentation, turned on when a stream asks for it.
 *
 * Media packets are far smaller than any MTU, and reassembling every
 * fragmented packet a router forwards (a hook on every packet, and
 * unrelated traffic reassembled and fragmented again) is not something
 * loading nf_srtp should do by itself, nor something a packet from
 * outside should be able to turn on.  So a namespace reassembles a family
 * only once a stream with NF_SRTP_F_REASSEMBLE is installed for it (its
 * media is known to come in fragments: video, or a path with a small
 * MTU).  Until then a fragment of a stream's flow is dropped and counted
 * (hook.c).  A router that runs conntrack reassembles anyway.  Reassembly
 * stays on until the namespace goes: turning it off again when the last
 * such stream goes would rebuild the hook list for every call.
 */

#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "nf_srtp.h"

static_assert(NF_SRTP_DEFRAG_IPV4 == BIT(0) && NF_SRTP_DEFRAG_IPV6 == BIT(1));

/*
 * Turns on reassembly of @family (NFPROTO_IPV4 or NFPROTO_IPV6) for the
 * namespace, once.  Process context, nsn->lock held: the
 * nf_defrag_ipv{4,6}_enable() calls take a mutex.
 */
int nf_srtp_defrag_need(struct net *net, struct nf_srtp_net *nsn, u8 family)
{
	u32 bit = family == NFPROTO_IPV6 ? NF_SRTP_DEFRAG_IPV6 :
					   NF_SRTP_DEFRAG_IPV4;
	int err;

	if (nsn->defrag_on & bit)
		return 0;
	err = family == NFPROTO_IPV6 ? nf_defrag_ipv6_enable(net) :
				       nf_defrag_ipv4_enable(net);
	if (!err)
		WRITE_ONCE(nsn->defrag_on, nsn->defrag_on | bit);
	return err;
}

/* The families reassembled for nf_srtp, NF_SRTP_DEFRAG_* bits. */
u32 nf_srtp_defrag_families(const struct nf_srtp_net *nsn)
{
	return READ_ONCE(nsn->defrag_on);
}

/* Namespace exit, once the hooks are unregistered (main.c). */
void nf_srtp_defrag_release(struct net *net, struct nf_srtp_net *nsn)
{
	if (nsn->defrag_on & NF_SRTP_DEFRAG_IPV4)
		nf_defrag_ipv4_disable(net);
	if (nsn->defrag_on & NF_SRTP_DEFRAG_IPV6)
		nf_defrag_ipv6_disable(net);
	nsn->defrag_on = 0;
}
