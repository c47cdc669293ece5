// SPDX-License-Identifier: GPL-2.0
/*
 * nf_srtp: keeping stream flows out of flowtables.
 *
 * A flow that an nftables flowtable has offloaded (`flow add @ft`) is
 * forwarded from the ingress hook of its devices and skips PRE_ROUTING
 * and POST_ROUTING, so nf_srtp would never see its packets again: a
 * protect stream's RTP would leave in clear, an unprotect stream's SRTP
 * would reach the plain side unchecked.  The flowtable refuses to offload
 * a conntrack entry that has a helper extension (nft_flow_offload_eval(),
 * the same on 6.1 and 6.12), so a stream's flow gets one, empty (no
 * helper is attached: the extension only marks the entry):
 *
 * - a new flow, at its first packet, while the entry is unconfirmed (the
 *   only time an extension may be added);
 * - a flow that was confirmed before the stream existed, and may be
 *   offloaded already, cannot get one: its entry is deleted, and its
 *   next packet makes a new one that does.  Entries offloaded before the
 *   stream was installed see no packet at our hooks at all, so they are
 *   deleted when the stream is inserted (nf_srtp_ct_flush()).  A deleted
 *   entry stops its software-offloaded flow at once: flow_offload_lookup()
 *   skips a flow whose conntrack entry is dying (a hardware-offloaded one
 *   runs on until the flowtable's garbage collection, about a second).
 *
 * Not covered: an entry created and confirmed by packets of the opposite
 * direction that meet no stream (no stream for the reverse flow) can be
 * offloaded before the stream's own direction shows a packet here.  The
 * daemon installs both directions of a leg, so a call's flows are not
 * affected.
 */

#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_helper.h>

#include "nf_srtp.h"

/*
 * A packet of a stream: its conntrack entry must never be offloaded.
 * False when the entry cannot be marked (no memory): the caller drops
 * the packet, which then confirms no entry that could be offloaded.
 */
bool nf_srtp_ct_hold(struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (!ct || nfct_help(ct))
		return true;
	if (!nf_ct_is_confirmed(ct))
		return nf_ct_helper_ext_add(ct, GFP_ATOMIC);
	nf_ct_kill(ct);
	return true;
}

static bool nf_srtp_ct_addr_eq(const union nf_inet_addr *a,
			       const union nf_inet_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static bool nf_srtp_ct_addr_any(const union nf_inet_addr *a)
{
	return !memchr_inv(a, 0, sizeof(*a));
}

/*
 * Whether packets from @src to @dst (one conntrack tuple's ends, either
 * way round) match stream key @k, with its source wildcards.
 */
static bool nf_srtp_ct_ends_match(const struct nf_srtp_tuple *k,
				  const union nf_inet_addr *saddr,
				  __be16 sport,
				  const union nf_inet_addr *daddr,
				  __be16 dport)
{
	/* A protect stream with an open destination: by its source alone */
	if (!k->dport)
		return sport == k->sport && nf_srtp_ct_addr_eq(saddr, &k->saddr);
	return dport == k->dport && nf_srtp_ct_addr_eq(daddr, &k->daddr) &&
	       (!k->sport || sport == k->sport) &&
	       (nf_srtp_ct_addr_any(&k->saddr) ||
		nf_srtp_ct_addr_eq(saddr, &k->saddr));
}

/*
 * A packet on the wire has one of four tuples of its entry: the original
 * or the reply tuple (before NAT), or one of them turned round (after).
 */
static bool nf_srtp_ct_tuple_match(const struct nf_srtp_tuple *k,
				   const struct nf_conntrack_tuple *t)
{
	return nf_srtp_ct_ends_match(k, &t->src.u3, t->src.u.udp.port,
				     &t->dst.u3, t->dst.u.udp.port) ||
	       nf_srtp_ct_ends_match(k, &t->dst.u3, t->dst.u.udp.port,
				     &t->src.u3, t->src.u.udp.port);
}

static int nf_srtp_ct_stream_match(struct nf_conn *ct, void *data)
{
	const struct nf_srtp_stream *s = data;
	const struct nf_srtp_node *n = s->node[s->cur];
	int i, d;

	if (nf_ct_l3num(ct) != n[NF_SRTP_NODE_RTP].key.family ||
	    nf_ct_protonum(ct) != IPPROTO_UDP)
		return 0;
	/* Its RTP and RTCP matches and a protect stream's guards. */
	for (i = 0; i < NF_SRTP_NODES; i++) {
		if (!n[i].hashed)
			continue;
		for (d = IP_CT_DIR_ORIGINAL; d < IP_CT_DIR_MAX; d++)
			if (nf_srtp_ct_tuple_match(&n[i].key,
						   &ct->tuplehash[d].tuple))
				return 1;
	}
	return 0;
}

/*
 * Deletes the conntrack entries of @s's flows in @net, offloaded or not,
 * and for a protect stream those of any flow to its destinations, so
 * that none of them can bypass the stream or its guards.  Called with
 * the stream hashed, under the namespace's mutex.  May sleep.  Costs a
 * walk of the host's conntrack table (entries of other namespaces are
 * skipped), none when the namespace has no entry.
 */
void nf_srtp_ct_flush(struct net *net, struct nf_srtp_stream *s)
{
	struct nf_ct_iter_data iter = { .net = net, .data = s };

	if (!nf_conntrack_count(net))
		return;
	nf_ct_iterate_cleanup_net(nf_srtp_ct_stream_match, &iter);
}

/*
 * A latching stream's peer moved (NF_SRTP_F_LATCH, hook.c): deletes the
 * conntrack entry of the flow @t describes, from the old peer to the
 * stream's destination, in the zone of @skb's own entry.  An anchored
 * relay's NAT gives every flow to the router's port the same translation
 * (toward the same port of the other leg's peer): the old entry holds it
 * until it times out, which it never does while the other leg sends, and
 * the new flow's entry could not be confirmed meanwhile.  Softirq, under
 * rcu_read_lock().
 */
void nf_srtp_ct_forget(struct net *net, struct sk_buff *skb,
		       const struct nf_srtp_tuple *t)
{
	const struct nf_conntrack_zone *zone = &nf_ct_zone_dflt;
	struct nf_conntrack_tuple_hash *h;
	struct nf_conntrack_tuple tuple;
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (ct)
		zone = nf_ct_zone(ct);
	memset(&tuple, 0, sizeof(tuple));
	tuple.src.l3num = t->family;
	tuple.src.u3 = t->saddr;
	tuple.src.u.udp.port = t->sport;
	tuple.dst.u3 = t->daddr;
	tuple.dst.u.udp.port = t->dport;
	tuple.dst.protonum = IPPROTO_UDP;
	tuple.dst.dir = IP_CT_DIR_ORIGINAL;
	h = nf_conntrack_find_get(net, zone, &tuple);
	if (!h)
		return;
	ct = nf_ct_tuplehash_to_ctrack(h);
	nf_ct_kill(ct);
	nf_ct_put(ct);
}
