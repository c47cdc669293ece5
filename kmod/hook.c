// SPDX-License-Identifier: GPL-2.0
/*
 * nf_srtp: the netfilter hooks, IPv4 and IPv6.
 *
 * Unprotect streams are applied at PRE_ROUTING, after conntrack and
 * defragmentation (when on, defrag.c) and before destination NAT, so they
 * see the addresses on the wire and a whole packet, and the plain RTP is
 * what routing, the socket or the next hop gets.  Protect streams are
 * applied at POST_ROUTING after source NAT, on packets the box sends and
 * forwards alike, so they too match what goes on the wire.  A forwarded
 * packet can meet an unprotect stream on the way in and a protect stream
 * on the way out: SRTP to SRTP with other keys, or SRTP to RTP and back.
 * Documentation/datapath.md has the details.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/checksum.h>
#ifdef NF_SRTP_HAVE_NET_GSO_H
#include <net/gso.h>
#endif
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/udp.h>

#include "crypto.h"
#include "nf_srtp.h"

#define NF_SRTP_PRI_IN	NF_IP_PRI_MANGLE	/* -150 */
#define NF_SRTP_PRI_OUT	(NF_IP_PRI_NAT_SRC + 10)	/* 110 */

/* Where the UDP header is, what the packet matches, where it goes on. */
struct nf_srtp_pkt {
	struct nf_srtp_tuple t;
	unsigned int l4off;
	const struct nf_hook_state *state;
};

/*
 * Fills the tuple once the port filter has let the packet through; the
 * whole key is hashed and compared, so the padding must be zero too.
 */
static void nf_srtp_tuple_ports(struct nf_srtp_pkt *p, u8 family, u8 op,
				const struct udphdr *uh)
{
	memset(&p->t, 0, sizeof(p->t));
	p->t.family = family;
	p->t.dir = op;
	p->t.sport = uh->source;
	p->t.dport = uh->dest;
}

/*
 * Whether the UDP checksum of a transformed packet can be left to the
 * device: a protect stream's packet (POST_ROUTING), leaving by a device
 * that checksums UDP of its family.  Received packets (unprotect) go on
 * to a socket or a forwarding path that would only have to verify it.
 */
static bool nf_srtp_csum_offload(const struct sk_buff *skb,
				 const struct nf_srtp_pkt *p)
{
	const struct net_device *out = p->state->out;

	return p->t.dir == NF_SRTP_OP_PROTECT && out &&
	       can_checksum_protocol(out->features, skb->protocol);
}

/*
 * Rewrites IP and UDP lengths and the UDP checksum after a transform: in
 * software (CHECKSUM_NONE), or, where the device offloads, as the
 * pseudo-header sum for the device to complete (CHECKSUM_PARTIAL).
 */
static void nf_srtp_fix_headers(struct sk_buff *skb,
				const struct nf_srtp_pkt *p,
				unsigned int udplen)
{
	struct udphdr *uh = (struct udphdr *)(skb->data + p->l4off);
	bool offload = nf_srtp_csum_offload(skb, p);
	__wsum csum = 0;

	uh->len = htons(udplen);
	uh->check = 0;
	if (!offload)
		csum = skb_checksum(skb, p->l4off, udplen, 0);
	if (p->t.family == NFPROTO_IPV4) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = htons(skb->len - skb_network_offset(skb));
		ip_send_check(iph);
		uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, udplen,
					      IPPROTO_UDP, csum);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6h->payload_len = htons(skb->len - skb_network_offset(skb) -
					  sizeof(*ip6h));
		uh->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, udplen,
					    IPPROTO_UDP, csum);
	}
	if (offload) {
		/* The device adds the sum of the UDP header and payload. */
		uh->check = ~uh->check;
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = (unsigned char *)uh - skb->head;
		skb->csum_offset = offsetof(struct udphdr, check);
		return;
	}
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_NONE;
}

/*
 * Caller holds s->lock (BHs off): a packet of @len bytes transformed, an
 * RTCP one if @rtcp.
 */
static void nf_srtp_count_packet(struct nf_srtp_stream *s,
				 struct nf_srtp_net *nsn, bool rtcp,
				 unsigned int len)
{
	struct nf_srtp_pcpu_stats *st = this_cpu_ptr(nsn->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->packets);
	u64_stats_add(&s->bytes, len);
	if (rtcp) {
		u64_stats_inc(&s->rtcp_packets);
		u64_stats_add(&s->rtcp_bytes, len);
	}
	u64_stats_update_end(&s->syncp);
	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(s->op == NF_SRTP_OP_PROTECT ? &st->protected :
						    &st->unprotected);
	u64_stats_update_end(&st->syncp);
}

/*
 * An authenticated packet of a latching stream (NF_SRTP_F_LATCH), under
 * s->lock: its source is the peer's now.  When the peer moved, @old gets
 * the flow from the old peer to the packet's destination, whose conntrack
 * entry the caller deletes; its family stays 0 otherwise.  A replayed or
 * forged packet never gets here: the core refused it.
 */
static void nf_srtp_latch(struct nf_srtp_stream *s,
			  const struct nf_srtp_pkt *p, bool rtcp,
			  struct nf_srtp_tuple *old)
{
	struct nf_srtp_peer *peer = &s->peer[rtcp];

	if (peer->port == p->t.sport && peer->family == p->t.family &&
	    !memcmp(&peer->addr, &p->t.saddr, sizeof(peer->addr)))
		return;
	if (peer->port) {
		*old = p->t;
		old->saddr = peer->addr;
		old->sport = peer->port;
		u64_stats_update_begin(&s->syncp);
		u64_stats_inc(&s->latches);
		u64_stats_update_end(&s->syncp);
	}
	peer->addr = p->t.saddr;
	peer->port = p->t.sport;
	peer->family = p->t.family;
	s->latch_pending = true;
	if (!s->dead)
		queue_work(nf_srtp_wq, &s->event_work);
}

/*
 * The core's last step, under s->lock; the result of the transform.  An
 * unprotected packet whose stream got a new context meanwhile (STREAM_SET
 * replaced it while the crypto ran) is dropped: it authenticated with the
 * old context, and the new one's replay window never saw its index.  A
 * protected one goes: its index was reserved in the old context before
 * the new one took that context's state over.
 */
static int nf_srtp_end(struct nf_srtp_stream *s, struct nf_srtp_net *nsn,
		       struct srtp_ctx *ctx, struct srtp_pkt *pkt, bool rtcp,
		       unsigned int len, enum srtp_reason *why)
{
	int ret;

	if (unlikely(ctx != s->ctx) && s->op == NF_SRTP_OP_UNPROTECT &&
	    pkt->r == SRTP_R_OK) {
		nf_srtp_stream_count_drop(s, NF_SRTP_DROP_REPLACED, rtcp);
		return -ESTALE;
	}
	ret = srtp_end(ctx, pkt, why);
	if (ret >= 0)
		nf_srtp_count_packet(s, nsn, rtcp, len);
	else
		nf_srtp_stream_count_drop(s, nf_srtp_drop_reason(*why), rtcp);
	return ret;
}

/*
 * Runs the core on the UDP payload of @skb: its checks and reservations
 * under the stream's lock, the crypto outside it, the commit under it
 * again (srtp.h, srtp_begin()).  So the packets of one stream on two
 * CPUs (its RTP on one, its RTCP on the other) wait for each other only
 * during those two short sections, never during the other's crypto.
 * Bottom halves stay off throughout: the backend's per-CPU packet owner
 * and scratch buffer are this CPU's only then.  Received and forwarded
 * packets come in softirq, where they are off already; a local sender's
 * packet (POST_ROUTING in process context) turns them off here.  Events
 * the first step raised are collected after the last, with its own.
 * The context and keys the packet uses between the sections stay
 * allocated: whoever takes one out of the stream frees it an RCU grace
 * period later (nf_srtp_free_later()), and hooks run in an RCU
 * read-side section.
 * Returns the new payload length or a negative errno with *why set;
 * -EINPROGRESS: a crypto request owns @skb now and will free it.
 */
static int nf_srtp_run(struct nf_srtp_stream *s, struct nf_srtp_net *nsn,
		       struct sk_buff *skb, const struct nf_srtp_pkt *p,
		       bool rtcp, u8 *data, unsigned int len,
		       unsigned int room, bool latch, enum srtp_reason *why,
		       struct nf_srtp_tuple *old)
{
	bool bh = !in_softirq();
	struct srtp_ctx *ctx;
	struct srtp_pkt pkt;
	int ret;

	if (bh)
		local_bh_disable();
	spin_lock(&s->lock);
	ctx = s->ctx;
	ret = srtp_begin(ctx, &pkt, rtcp, data, len, room, why);
	if (ret < 0) {
		nf_srtp_stream_count_drop(s, nf_srtp_drop_reason(*why), rtcp);
		nf_srtp_stream_events(s);
	}
	spin_unlock(&s->lock);
	if (ret < 0)
		goto out;

	/* An asynchronous crypto request takes the skb along (crypto.h). */
	nf_srtp_crypto_set_owner(skb);
	srtp_crypt(ctx, &pkt);
	nf_srtp_crypto_set_owner(NULL);

	spin_lock(&s->lock);
	ret = nf_srtp_end(s, nsn, ctx, &pkt, rtcp, len, why);
	if (latch && ret >= 0)
		nf_srtp_latch(s, p, rtcp, old);
	nf_srtp_stream_events(s);
	spin_unlock(&s->lock);
out:
	if (bh)
		local_bh_enable();
	return ret;
}

/*
 * A packet of node @n's stream dropped before the transform: RTCP if it
 * came to the stream's RTCP port (on a multiplexed port it is not known
 * yet, and counts as RTP).
 */
static unsigned int nf_srtp_drop(const struct nf_srtp_node *n,
				 enum nf_srtp_drop why)
{
	struct nf_srtp_stream *s = n->stream;

	spin_lock_bh(&s->lock);
	nf_srtp_stream_count_drop(s, why, n->rtcp);
	spin_unlock_bh(&s->lock);
	return NF_DROP;
}

/* A STUN message on a stream's ports: it goes on as it is, counted. */
static unsigned int nf_srtp_pass_stun(struct nf_srtp_stream *s,
				      struct nf_srtp_net *nsn)
{
	struct nf_srtp_pcpu_stats *st;

	spin_lock_bh(&s->lock);
	st = this_cpu_ptr(nsn->stats);
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->stun);
	u64_stats_update_end(&s->syncp);
	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->stun);
	u64_stats_update_end(&st->syncp);
	spin_unlock_bh(&s->lock);
	return NF_ACCEPT;
}

/*
 * Whether the UDP checksum of a received packet is wrong.  An IPv4
 * datagram may carry none (0); CHECKSUM_UNNECESSARY and CHECKSUM_PARTIAL
 * packets were checked or made by the stack.
 */
static bool nf_srtp_bad_csum(struct sk_buff *skb, const struct nf_srtp_pkt *p)
{
	const struct udphdr *uh = (struct udphdr *)(skb->data + p->l4off);

	if (p->t.family == NFPROTO_IPV4 && !uh->check)
		return false;
	return nf_checksum(skb, NF_INET_PRE_ROUTING, p->l4off, IPPROTO_UDP,
			   p->t.family);
}

static unsigned int nf_srtp_transform(struct sk_buff *skb,
				      struct nf_srtp_net *nsn,
				      const struct nf_srtp_node *n,
				      const struct nf_srtp_pkt *p)
{
	struct nf_srtp_stream *s = n->stream;
	unsigned int hdr = p->l4off + sizeof(struct udphdr);
	unsigned int len, room = 0;
	u8 _head[SRTP_DEMUX_HEAD];
	struct nf_srtp_tuple old;
	const struct udphdr *uh;
	enum srtp_reason why;
	struct udphdr _uh;
	const u8 *head;
	u32 flags;
	bool rtcp;
	u8 *data;
	int ret;

	uh = skb_header_pointer(skb, p->l4off, sizeof(_uh), &_uh);
	if (!uh || ntohs(uh->len) != skb->len - p->l4off)
		return nf_srtp_drop(n, NF_SRTP_DROP_MALFORMED);
	len = skb->len - hdr;
	/*
	 * RFC 7983: RTP and RTCP go on to the transform; a STUN message (ICE
	 * checks and keepalives on the media ports) passes as it is, before
	 * anything is copied or unshared; anything else is dropped.  The
	 * first bytes are read in place when linear, as they usually are.
	 */
	head = skb_header_pointer(skb, hdr, min_t(unsigned int, len,
						  sizeof(_head)), _head);
	if (unlikely(!head))
		return nf_srtp_drop(n, NF_SRTP_DROP_MALFORMED);
	switch (srtp_demux(head, len)) {
	case SRTP_DEMUX_RTP:
		break;
	case SRTP_DEMUX_STUN:
		return nf_srtp_pass_stun(s, nsn);
	default:
		return nf_srtp_drop(n, NF_SRTP_DROP_NOT_RTP);
	}

	/* Linear, private data: unclones and pulls in fragments if needed. */
	if (skb_ensure_writable(skb, skb->len))
		return nf_srtp_drop(n, NF_SRTP_DROP_NOMEM);
	/* STREAM_SET may change the flags meanwhile: one read of them. */
	flags = READ_ONCE(s->flags);
	/*
	 * SRTP without authentication has no tag to catch a damaged packet,
	 * and the checksum is rewritten after the transform: a corrupted
	 * datagram would leave with a valid one.  So it is checked first.
	 */
	if (s->op == NF_SRTP_OP_UNPROTECT &&
	    (flags & NF_SRTP_F_UNAUTHENTICATED_SRTP) &&
	    nf_srtp_bad_csum(skb, p))
		return nf_srtp_drop(n, NF_SRTP_DROP_CHECKSUM);

	if (s->op == NF_SRTP_OP_PROTECT) {
		unsigned int grow = READ_ONCE(s->grow);

		if (skb_tailroom(skb) < grow &&
		    pskb_expand_head(skb, 0, grow - skb_tailroom(skb),
				     GFP_ATOMIC))
			return nf_srtp_drop(n, NF_SRTP_DROP_NOMEM);
		room = len + skb_tailroom(skb);
	}
	data = skb->data + hdr;
	rtcp = n->rtcp ||
	       ((flags & NF_SRTP_F_RTCP_MUX) && srtp_is_rtcp(data, len));

	old.family = 0;
	ret = nf_srtp_run(s, nsn, skb, p, rtcp, data, len, room,
			  s->op == NF_SRTP_OP_UNPROTECT &&
			  (flags & NF_SRTP_F_LATCH), &why, &old);
	/* Counted as an async drop; the request frees the skb. */
	if (ret == -EINPROGRESS)
		return NF_STOLEN;
	if (ret < 0)
		return NF_DROP;
	if (unlikely(old.family))
		nf_srtp_ct_forget(p->state->net, skb, &old);

	if (ret > len)
		__skb_put(skb, ret - len);
	else if (ret < len)
		__skb_trim(skb, skb->len - (len - ret));
	nf_srtp_fix_headers(skb, p, hdr - p->l4off + ret);
	return NF_ACCEPT;
}

/*
 * Our place in the hook list @state traverses, for segments to go on from
 * there; -1 if we are not in it (cannot happen while our hook runs).
 */
static int nf_srtp_hook_pos(const struct nf_hook_state *state,
			    const struct nf_srtp_net *nsn,
			    const struct nf_hook_entries **entries)
{
	const struct nf_hook_entries *e = NULL;
	unsigned int i;

	if (state->pf == NFPROTO_IPV4)
		e = rcu_dereference(state->net->nf.hooks_ipv4[state->hook]);
#if IS_ENABLED(CONFIG_IPV6)
	else if (state->pf == NFPROTO_IPV6)
		e = rcu_dereference(state->net->nf.hooks_ipv6[state->hook]);
#endif
	for (i = 0; e && i < e->num_hook_entries; i++) {
		if (e->hooks[i].priv == nsn) {
			*entries = e;
			return i;
		}
	}
	return -1;
}

/*
 * A GSO super-packet: UDP_SEGMENT from a local sender, or GRO (UDP or
 * fraglist) on a forwarding path, several RTP or RTCP packets of one
 * flow in one skb.  It is segmented, as nf_queue does, each segment is
 * transformed on its own, and the segments that pass go through the hooks
 * after ours (NAT, filter, conntrack confirmation) and on to the
 * okfn, as if each had come alone; the super-packet is consumed.  The
 * segments are allocated here, which is what GSO costs whoever has to
 * look into the packets; packets that come one by one allocate nothing.
 */
static unsigned int nf_srtp_segment(struct sk_buff *skb,
				    struct nf_srtp_net *nsn,
				    const struct nf_srtp_node *n,
				    const struct nf_srtp_pkt *p)
{
	struct nf_hook_state state = *p->state;
	const struct nf_hook_entries *e;
	struct sk_buff *segs, *seg, *next;
	int pos;

	pos = nf_srtp_hook_pos(&state, nsn, &e);
	if (WARN_ON_ONCE(pos < 0))
		return nf_srtp_drop(n, NF_SRTP_DROP_GSO);
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs))
		return nf_srtp_drop(n, NF_SRTP_DROP_GSO);
	consume_skb(skb);
	local_bh_disable();
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		switch (nf_srtp_transform(seg, nsn, n, p)) {
		case NF_ACCEPT:
			break;
		case NF_STOLEN:		/* a crypto request owns it */
			continue;
		default:
			kfree_skb(seg);
			continue;
		}
		if (nf_hook_slow(seg, &state, e, pos + 1) == 1)
			state.okfn(state.net, state.sk, seg);
	}
	local_bh_enable();
	return NF_STOLEN;
}

/*
 * The tail of every hook, for a packet whose destination port a stream
 * uses: the table lookup and the transform.
 */
static unsigned int nf_srtp_match(struct sk_buff *skb,
				  struct nf_srtp_net *nsn,
				  struct nf_srtp_pkt *p, bool fragment)
{
	struct nf_srtp_tuple key = p->t;	/* the lookup changes it */
	struct nf_srtp_node *n;

	n = nf_srtp_lookup(nsn, &key);
	if (!n)
		return NF_ACCEPT;
	if (unlikely(n->guard))
		return nf_srtp_drop(n, NF_SRTP_DROP_SOURCE);
	/*
	 * A stream's packet in IP fragments, in a namespace that does not
	 * reassemble them (no stream asked for it, defrag.c): only the
	 * first fragment has the ports; it is dropped and counted.  The
	 * rest cannot be told from unrelated traffic and go on, to be
	 * discarded by the receiver's reassembly.
	 */
	if (unlikely(fragment))
		return nf_srtp_drop(n, NF_SRTP_DROP_FRAGMENT);
	/* An offloaded flow would bypass the stream (conntrack.c). */
	if (unlikely(!nf_srtp_ct_hold(skb)))
		return nf_srtp_drop(n, NF_SRTP_DROP_NOMEM);
	if (unlikely(skb_is_gso(skb)))
		return nf_srtp_segment(skb, nsn, n, p);
	return nf_srtp_transform(skb, nsn, n, p);
}

/*
 * Whether a stream of @op may match UDP header @uh: its destination port
 * is used, or, on the protect side while the namespace has a stream with
 * an open destination (matched by its source), its source port is.
 */
static __always_inline bool nf_srtp_ports_used(const struct nf_srtp_net *nsn,
					       u8 op, const struct udphdr *uh)
{
	if (nf_srtp_dport_used(nsn, op, uh->dest))
		return true;
	return op == NF_SRTP_OP_PROTECT &&
	       unlikely(atomic_read(&nsn->nr_any_dst)) &&
	       nf_srtp_dport_used(nsn, op, uh->source);
}

/*
 * The port filter, the first thing every UDP packet through a hook meets:
 * false when no stream of @op uses the ports of the UDP header at @l4off.
 * The ports are read in place: the header is in the linear area of the
 * packets drivers and the stack build, and one that is not is let through
 * to the full parse, which copies it out.  Inline and with no local whose
 * address is taken, so that the common packet costs the hook no call, no
 * stack frame and no stack canary.
 */
static __always_inline bool nf_srtp_port_wanted(const struct sk_buff *skb,
						const struct nf_srtp_net *nsn,
						u8 op, unsigned int l4off)
{
	const struct udphdr *uh;

	if (unlikely(skb_headlen(skb) < l4off + sizeof(*uh)))
		return true;
	uh = (const struct udphdr *)(skb->data + l4off);
	return nf_srtp_ports_used(nsn, op, uh);
}

/*
 * The UDP header at @l4off, copied out if need be, when a stream of @op
 * uses its ports; else NULL.
 */
static const struct udphdr *nf_srtp_udp_header(struct sk_buff *skb,
					       struct nf_srtp_net *nsn, u8 op,
					       unsigned int l4off,
					       struct udphdr *buf)
{
	const struct udphdr *uh;

	uh = skb_header_pointer(skb, l4off, sizeof(*buf), buf);
	if (!uh || !nf_srtp_ports_used(nsn, op, uh))
		return NULL;
	return uh;
}

/* An IPv4 packet the port filter let through: the lookup and the rest. */
static noinline unsigned int nf_srtp_match4(struct sk_buff *skb,
					    struct nf_srtp_net *nsn, u8 op,
					    unsigned int l4off,
					    const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct udphdr *uh;
	struct nf_srtp_pkt p;
	struct udphdr _uh;

	p.l4off = l4off;
	p.state = state;
	uh = nf_srtp_udp_header(skb, nsn, op, l4off, &_uh);
	if (!uh)
		return NF_ACCEPT;
	nf_srtp_tuple_ports(&p, NFPROTO_IPV4, op, uh);
	p.t.saddr.ip = iph->saddr;
	p.t.daddr.ip = iph->daddr;
	return nf_srtp_match(skb, nsn, &p, ip_is_fragment(iph));
}

/*
 * The IPv4 hooks.  The common packet, one no stream wants, leaves after
 * the protocol test, one read of the UDP destination port and one read of
 * the port filter, all inline; nothing is written.  Fragments other than
 * the first carry no ports and cannot match.
 */
static __always_inline unsigned int nf_srtp_hook4(struct sk_buff *skb,
						  struct nf_srtp_net *nsn,
						  u8 op,
						  const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int l4off;

	if (iph->protocol != IPPROTO_UDP || (iph->frag_off & htons(IP_OFFSET)))
		return NF_ACCEPT;
	l4off = skb_network_offset(skb) + ip_hdrlen(skb);
	if (likely(!nf_srtp_port_wanted(skb, nsn, op, l4off)))
		return NF_ACCEPT;
	return nf_srtp_match4(skb, nsn, op, l4off, state);
}

/*
 * Where the UDP header of an IPv6 packet with extension headers is.
 * False when there is none to read: another protocol, or a fragment
 * other than the first.
 */
static bool nf_srtp_udp6_exthdr(struct sk_buff *skb, unsigned int *off,
				bool *fragment)
{
	int flags = 0;

	*off = 0;
	if (ipv6_find_hdr(skb, off, IPPROTO_UDP, NULL, &flags) != IPPROTO_UDP)
		return false;
	*fragment = flags & IP6_FH_F_FRAG;
	return true;
}

/*
 * An IPv6 packet the port filter let through, or one with extension
 * headers, which the filter has not seen yet.
 */
static noinline unsigned int nf_srtp_match6(struct sk_buff *skb,
					    struct nf_srtp_net *nsn, u8 op,
					    const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	const struct udphdr *uh;
	bool fragment = false;
	struct nf_srtp_pkt p;
	struct udphdr _uh;

	p.state = state;
	if (ip6h->nexthdr == IPPROTO_UDP)
		p.l4off = skb_network_offset(skb) + sizeof(*ip6h);
	else if (!nf_srtp_udp6_exthdr(skb, &p.l4off, &fragment))
		return NF_ACCEPT;
	uh = nf_srtp_udp_header(skb, nsn, op, p.l4off, &_uh);
	if (!uh)
		return NF_ACCEPT;
	nf_srtp_tuple_ports(&p, NFPROTO_IPV6, op, uh);
	p.t.saddr.in6 = ip6h->saddr;
	p.t.daddr.in6 = ip6h->daddr;
	return nf_srtp_match(skb, nsn, &p, fragment);
}

/*
 * An IPv6 packet that is not plain UDP: UDP behind extension headers goes
 * to the full parse, any other protocol leaves.  Out of line, so that the
 * hooks' plain UDP path keeps its registers and needs no stack.
 */
static noinline unsigned int nf_srtp_exthdr6(struct sk_buff *skb,
					     struct nf_srtp_net *nsn, u8 op,
					     u8 nexthdr,
					     const struct nf_hook_state *state)
{
	if (!ipv6_ext_hdr(nexthdr))
		return NF_ACCEPT;
	return nf_srtp_match6(skb, nsn, op, state);
}

/*
 * The IPv6 hooks: plain UDP (no extension header, the media case) takes
 * the inline filter as IPv4 does; other packets go to the full parse.
 */
static __always_inline unsigned int nf_srtp_hook6(struct sk_buff *skb,
						  struct nf_srtp_net *nsn,
						  u8 op,
						  const struct nf_hook_state *state)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	unsigned int l4off;

	if (nexthdr == IPPROTO_UDP) {
		l4off = skb_network_offset(skb) + sizeof(struct ipv6hdr);
		if (likely(!nf_srtp_port_wanted(skb, nsn, op, l4off)))
			return NF_ACCEPT;
		return nf_srtp_match6(skb, nsn, op, state);
	}
	return nf_srtp_exthdr6(skb, nsn, op, nexthdr, state);
}

static unsigned int nf_srtp_in4(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	return nf_srtp_hook4(skb, priv, NF_SRTP_OP_UNPROTECT, state);
}

static unsigned int nf_srtp_out4(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	return nf_srtp_hook4(skb, priv, NF_SRTP_OP_PROTECT, state);
}

static unsigned int nf_srtp_in6(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	return nf_srtp_hook6(skb, priv, NF_SRTP_OP_UNPROTECT, state);
}

static unsigned int nf_srtp_out6(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	return nf_srtp_hook6(skb, priv, NF_SRTP_OP_PROTECT, state);
}

/*
 * One hook per family and operation, each registered in a namespace with
 * its first stream of that family and operation: an IPv4 deployment adds
 * nothing to IPv6 traffic, a box that only receives SRTP nothing to what
 * it sends.  These are templates: a namespace registers its own copies,
 * whose priv is its nf_srtp_net, so the hooks need no net_generic()
 * lookup.
 */
static const struct nf_hook_ops nf_srtp_hook_ops[NF_SRTP_HOOKS] = {
	[NF_SRTP_HOOK_IN4] = {
		.hook = nf_srtp_in4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_SRTP_PRI_IN,
	},
	[NF_SRTP_HOOK_OUT4] = {
		.hook = nf_srtp_out4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_SRTP_PRI_OUT,
	},
	[NF_SRTP_HOOK_IN6] = {
		.hook = nf_srtp_in6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_SRTP_PRI_IN,
	},
	[NF_SRTP_HOOK_OUT6] = {
		.hook = nf_srtp_out6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_SRTP_PRI_OUT,
	},
};

static unsigned int nf_srtp_hook_index(u8 family, u8 op)
{
	unsigned int i = family == NFPROTO_IPV6 ? NF_SRTP_HOOK_IN6 :
						  NF_SRTP_HOOK_IN4;

	return op == NF_SRTP_OP_PROTECT ? i + 1 : i;
}

/*
 * Registers the hook streams of @family and @op need, once; it stays
 * until the namespace goes (taking it away when a call ends would
 * rebuild the hook list and need a grace period each time).  Caller
 * holds nsn->lock.
 */
int nf_srtp_hook_need(struct net *net, struct nf_srtp_net *nsn, u8 family,
		      u8 op)
{
	unsigned int i = nf_srtp_hook_index(family, op);
	int err;

	if (nsn->hooks & BIT(i))
		return 0;
	nsn->hook_ops[i] = nf_srtp_hook_ops[i];
	nsn->hook_ops[i].priv = nsn;
	err = nf_register_net_hook(net, &nsn->hook_ops[i]);
	if (!err)
		nsn->hooks |= BIT(i);
	return err;
}

void nf_srtp_hooks_unregister(struct net *net, struct nf_srtp_net *nsn)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nf_srtp_hook_ops); i++)
		if (nsn->hooks & BIT(i))
			nf_unregister_net_hook(net, &nsn->hook_ops[i]);
	nsn->hooks = 0;
}
