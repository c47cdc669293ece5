// SPDX-License-Identifier: GPL-2.0
/*
 * nf_srtp: IP defragmentation, turned on when media needs it.
 *
 * Media packets are far smaller than any MTU, and reassembling every
 * fragmented packet a router forwards (a hook on every packet, and
 * unrelated traffic reassembled and fragmented again) is not something
 * loading nf_srtp should do by itself.  So a namespace's reassembly is
 * enabled only once a fragment of a stream's flow has been seen: that
 * first fragment is dropped and counted (hook.c), a work item enables
 * nf_defrag_ipv4 or nf_defrag_ipv6 for the family, and from then on the
 * hooks see whole packets.  A router that runs conntrack reassembles
 * anyway, and never gets there.  Reassembly stays on until the namespace
 * goes.
 */

#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "nf_srtp.h"

static_assert(NF_SRTP_DEFRAG_IPV4 == BIT(0) && NF_SRTP_DEFRAG_IPV6 == BIT(1));

/* @family's bit number in defrag_wanted; BIT(nr) is its NF_SRTP_DEFRAG_*. */
static unsigned int nf_srtp_defrag_nr(u8 family)
{
	return family == NFPROTO_IPV6 ? 1 : 0;
}

static int nf_srtp_defrag_enable(struct net *net, u8 family)
{
	return family == NFPROTO_IPV6 ? nf_defrag_ipv6_enable(net) :
					nf_defrag_ipv4_enable(net);
}

/* Process context: nf_defrag_ipv{4,6}_enable() take a mutex. */
static void nf_srtp_defrag_work(struct work_struct *work)
{
	struct nf_srtp_net *nsn = container_of(work, struct nf_srtp_net,
					       defrag_work);
	struct net *net = read_pnet(&nsn->net);
	unsigned int nr;
	u8 family;
	int err;

	mutex_lock(&nsn->lock);
	for (nr = 0; nr < 2; nr++) {
		if (!test_bit(nr, &nsn->defrag_wanted) ||
		    (nsn->defrag_on & BIT(nr)))
			continue;
		family = nr ? NFPROTO_IPV6 : NFPROTO_IPV4;
		err = nf_srtp_defrag_enable(net, family);
		if (err) {
			/* Fragments of streams stay dropped and counted. */
			pr_warn("nf_srtp: cannot enable IPv%d defragmentation: %d\n",
				nr ? 6 : 4, err);
			continue;
		}
		WRITE_ONCE(nsn->defrag_on, nsn->defrag_on | BIT(nr));
	}
	mutex_unlock(&nsn->lock);
}

void nf_srtp_defrag_init(struct net *net, struct nf_srtp_net *nsn)
{
	write_pnet(&nsn->net, net);
	INIT_WORK(&nsn->defrag_work, nf_srtp_defrag_work);
}

/*
 * Datapath: a stream's packet came as fragments of @family.  Asks once;
 * a failure to enable is reported once, by the work item.
 */
void nf_srtp_defrag_request(struct nf_srtp_net *nsn, u8 family)
{
	if (!test_and_set_bit(nf_srtp_defrag_nr(family), &nsn->defrag_wanted))
		queue_work(nf_srtp_wq, &nsn->defrag_work);
}

/* The families reassembled for nf_srtp, NF_SRTP_DEFRAG_* bits. */
u32 nf_srtp_defrag_families(const struct nf_srtp_net *nsn)
{
	return READ_ONCE(nsn->defrag_on);
}

/*
 * Namespace exit, a grace period after the hooks were unregistered
 * (main.c): no packet is left to ask any more.
 */
void nf_srtp_defrag_release(struct net *net, struct nf_srtp_net *nsn)
{
	cancel_work_sync(&nsn->defrag_work);
	if (nsn->defrag_on & NF_SRTP_DEFRAG_IPV4)
		nf_defrag_ipv4_disable(net);
	if (nsn->defrag_on & NF_SRTP_DEFRAG_IPV6)
		nf_defrag_ipv6_disable(net);
	nsn->defrag_on = 0;
}
