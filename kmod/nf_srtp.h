/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_srtp: module-internal declarations shared by its files.
 */

#ifndef _NF_SRTP_H
#define _NF_SRTP_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/nf_srtp.h>

#include "srtp.h"

/*
 * What a packet is matched on: the hash key of the stream table.  Ports
 * and addresses are in network order; a zero source port or address is a
 * wildcard.  @dir separates protect from unprotect streams, which are
 * looked up at different hooks.
 */
struct nf_srtp_tuple {
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 family;
	u8 dir;
	u8 pad[2];
};

/*
 * One hash table entry: the RTP or the RTCP port pair of a stream, or a
 * protect stream's guard of one of them: the same destination from any
 * source, which catches what other senders send there (dropped).
 */
struct nf_srtp_node {
	struct rhash_head rh;
	struct nf_srtp_tuple key;
	struct nf_srtp_stream *stream;
	bool rtcp;
	bool guard;
	bool hashed;
};

/* RTP, RTCP (unused with mux), then a protect stream's guards of both. */
enum {
	NF_SRTP_NODE_RTP,
	NF_SRTP_NODE_RTCP,
	NF_SRTP_NODE_GUARD_RTP,
	NF_SRTP_NODE_GUARD_RTCP,
	NF_SRTP_NODES
};

/* Flags the datapath reads and STREAM_SET changes without new keys. */
#define NF_SRTP_F_DATAPATH	(NF_SRTP_F_RTCP_MUX | NF_SRTP_F_LATCH)

/* A latching stream's peer (NF_SRTP_F_LATCH): port 0 until one is seen. */
struct nf_srtp_peer {
	union nf_inet_addr addr;
	__be16 port;
	u8 family;
};

struct nf_srtp_stream {
	u32 id;
	possible_net_t net;
	u8 op;			/* enum nf_srtp_op */
	u32 suite;		/* enum nf_srtp_suite */
	u32 flags;		/* NF_SRTP_F_*; datapath: READ_ONCE */
	u32 window;
	u16 grow;		/* the most protect adds to a packet */
	u8 mki_len;		/* of every key of the stream */
	/*
	 * Two sets of table nodes.  The stream's match is node[cur]; a new
	 * match (NF_SRTP_CMD_STREAM_SET) is hashed in the other set before
	 * the current one is unhashed, so the stream never leaves the table.
	 * Both under the namespace's mutex; the datapath reads neither.
	 */
	struct nf_srtp_node node[2][NF_SRTP_NODES];
	bool mux[2];		/* node[i] matches RTCP on the RTP ports */
	u8 cur;
	unsigned long spare_gp;		/* RCU state when the spare set left */

	/*
	 * The crypto context: read, checked and changed under @lock; the
	 * datapath runs its crypto outside the lock (hook.c), so a context
	 * taken out of the stream is freed a grace period later.
	 */
	spinlock_t lock;
	struct srtp_ctx *ctx;
	/*
	 * Counters: written by the datapath under @lock, read by dumps
	 * without it through @syncp (nothing on 64-bit, a sequence count on
	 * 32-bit, where a u64 load can tear).
	 */
	struct u64_stats_sync syncp;
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t stun;		/* let through untransformed */
	u64_stats_t rtcp_packets;	/* of @packets, RTCP */
	u64_stats_t rtcp_bytes;		/* of @bytes, RTCP */
	u64_stats_t drops[__NF_SRTP_DROP_MAX];
	u64_stats_t rtcp_drops;		/* of @drops, RTCP packets' */
	u64_stats_t latches;		/* the peer moved */
	bool dead;			/* unhashed: queue no more events */
	struct srtp_events pending;	/* events not yet sent */
	/* NF_SRTP_F_LATCH: the peer of RTP and of RTCP, under @lock */
	struct nf_srtp_peer peer[2];
	bool latch_pending;		/* a peer set or moved, not yet told */

	struct work_struct event_work;
	struct rcu_work free_work;
};

/*
 * Namespace totals, per CPU: written by the datapath with BHs off (under
 * a stream's lock), so one writer a CPU; summed by GET_STATS through
 * @syncp.
 */
struct nf_srtp_pcpu_stats {
	struct u64_stats_sync syncp;
	u64_stats_t protected;
	u64_stats_t unprotected;
	u64_stats_t stun;
	u64_stats_t drops[__NF_SRTP_DROP_MAX];
};

/* The hooks, one per family and operation (hook.c). */
enum nf_srtp_hook {
	NF_SRTP_HOOK_IN4,		/* IPv4 unprotect */
	NF_SRTP_HOOK_OUT4,		/* IPv4 protect */
	NF_SRTP_HOOK_IN6,
	NF_SRTP_HOOK_OUT6,
	NF_SRTP_HOOKS
};

/* Per network namespace state. */
struct nf_srtp_net {
	struct mutex lock;		/* serializes changes to the tables */
	struct xarray streams;		/* id -> stream */
	u32 next_id;
	/*
	 * Changed by every change of the streams (add, remove, set), under
	 * @lock, never 0: a dump compares it across its parts (cb->seq) and
	 * flags a dump that straddles a change NLM_F_DUMP_INTR.
	 */
	u32 gen;
	struct rhashtable table;	/* tuple -> node, read under RCU */
	atomic_t nr_streams;
	atomic_t nr_wild_port;		/* streams with any source port */
	atomic_t nr_wild_addr;		/* streams with any source address */
	atomic_t nr_any_dst;		/* protect streams, any destination */
	/* The destination port filter (struct nf_srtp_port_filter). */
	struct nf_srtp_port_filter __rcu *ports;
	struct nf_srtp_pcpu_stats __percpu *stats;
	u8 hooks;			/* registered: BIT(enum nf_srtp_hook) */
	struct nf_hook_ops hook_ops[NF_SRTP_HOOKS];	/* priv: this */
	/* Reassembly (defrag.c), turned on by streams that ask for it. */
	u32 defrag_on;			/* NF_SRTP_DEFRAG_*, under @lock */
};

extern unsigned int nf_srtp_net_id;
extern struct workqueue_struct *nf_srtp_wq;
extern atomic_t nf_srtp_live_streams;

static inline struct nf_srtp_net *nf_srtp_pernet(const struct net *net)
{
	return net_generic(net, nf_srtp_net_id);
}

#define NF_SRTP_PORTS	65536

/*
 * Per operation and destination port (unprotect ports, then protect
 * ports, each indexed by the port as stored, network order), whether a
 * table node of the namespace has it (for a protect stream with an open
 * destination, its source port, which the protect hooks test as well
 * while the namespace has such a stream), so that a packet to a port no
 * stream of the hook's operation uses leaves after one read instead of
 * up to three hash lookups; a forwarded media packet is looked up at one
 * hook only.  The datapath reads only @used, 16 KiB, which stays in
 * cache where 512 KiB of counters would cost a miss per UDP packet on a
 * busy router; @refs, the nodes per slot, serve the control path, under
 * nsn->lock.  Allocated with the namespace's first stream, freed with
 * the namespace.
 */
struct nf_srtp_port_filter {
	DECLARE_BITMAP(used, 2 * NF_SRTP_PORTS);
	u32 refs[2 * NF_SRTP_PORTS];
};

/* The port filter's slot of @op and @port (as stored, network order). */
static inline unsigned int nf_srtp_dport_slot(u8 op, __be16 port)
{
	unsigned int half = op == NF_SRTP_OP_PROTECT ? NF_SRTP_PORTS : 0;

	return half + (__force u16)port;
}

/*
 * False when no stream of the namespace for operation @op has @dport as
 * its destination port: the packet cannot match.  Inline, because every
 * packet through a hook asks it.  Caller holds rcu_read_lock().  A packet
 * racing with the first stream's insertion may miss the filter, as it
 * would have missed the stream a moment earlier.
 */
static inline bool nf_srtp_dport_used(const struct nf_srtp_net *nsn, u8 op,
				      __be16 dport)
{
	const struct nf_srtp_port_filter *f = rcu_dereference(nsn->ports);

	return f && test_bit(nf_srtp_dport_slot(op, dport), f->used);
}

/* A change of the streams, for dumps in progress.  nsn->lock held. */
static inline void nf_srtp_changed(struct nf_srtp_net *nsn)
{
	if (!++nsn->gen)
		nsn->gen = 1;
}

/* The key an event names: its index and MKI (never key material). */
struct nf_srtp_event_key {
	unsigned int index;
	unsigned int mki_len;		/* 0: the stream has no MKI */
	u8 mki[SRTP_CORE_MKI_MAX];
};

/* netlink.c */
int nf_srtp_genl_init(void);
void nf_srtp_genl_exit(void);
void nf_srtp_notify(struct net *net, u8 event, u32 id,
		    const struct nf_srtp_event_key *key, u32 ssrc);
void nf_srtp_notify_latch(struct net *net, u32 id,
			  const struct nf_srtp_peer *peer);

/* table.c */
int nf_srtp_table_init(struct nf_srtp_net *nsn);
void nf_srtp_table_destroy(struct nf_srtp_net *nsn);
int nf_srtp_stream_insert(struct net *net, struct nf_srtp_stream *s, u32 *id,
			  struct netlink_ext_ack *extack);
int nf_srtp_stream_spare(struct nf_srtp_stream *s);
int nf_srtp_stream_rematch_check(struct net *net, struct nf_srtp_stream *s,
				 struct netlink_ext_ack *extack);
int nf_srtp_stream_rematch(struct net *net, struct nf_srtp_stream *s,
			   struct netlink_ext_ack *extack);
int nf_srtp_stream_remove(struct net *net, u32 id);
struct nf_srtp_stream *nf_srtp_stream_find(struct nf_srtp_net *nsn, u32 id);
void nf_srtp_stream_flush(struct net *net, bool notify);
struct nf_srtp_node *nf_srtp_lookup(struct nf_srtp_net *nsn,
				    struct nf_srtp_tuple *t);

/* stream.c */
struct nf_srtp_stream *nf_srtp_stream_alloc(void);
void nf_srtp_stream_events(struct nf_srtp_stream *s);
void nf_srtp_stream_free(struct nf_srtp_stream *s);
void nf_srtp_stream_free_rcu(struct nf_srtp_stream *s);
void nf_srtp_free_later(struct srtp_ctx *ctx, struct srtp_key **keys,
			unsigned int nkeys);
void nf_srtp_stream_count_drop(struct nf_srtp_stream *s,
			       enum nf_srtp_drop why, bool rtcp);
enum nf_srtp_drop nf_srtp_drop_reason(enum srtp_reason why);

/* hook.c */
int nf_srtp_hook_need(struct net *net, struct nf_srtp_net *nsn, u8 family,
		      u8 op);
void nf_srtp_hooks_unregister(struct net *net, struct nf_srtp_net *nsn);

/* conntrack.c */
bool nf_srtp_ct_hold(struct sk_buff *skb);
void nf_srtp_ct_forget(struct net *net, struct sk_buff *skb,
		       const struct nf_srtp_tuple *t);
void nf_srtp_ct_flush(struct net *net, struct nf_srtp_stream *s);

/* defrag.c */
int nf_srtp_defrag_need(struct net *net, struct nf_srtp_net *nsn, u8 family);
u32 nf_srtp_defrag_families(const struct nf_srtp_net *nsn);
void nf_srtp_defrag_release(struct net *net, struct nf_srtp_net *nsn);

#endif /* _NF_SRTP_H */
