// SPDX-License-Identifier: GPL-2.0
/*
 * nf_srtp: the per network namespace stream tables.
 *
 * Streams are found two ways: by id (an xarray, for the netlink API) and
 * by the packet they match (an rhashtable of nodes keyed by
 * struct nf_srtp_tuple, read under RCU by the hooks).  A stream has one
 * node for its RTP port pair and, unless RTCP is multiplexed, one for its
 * RTCP port pair.  Changes are serialized by nsn->lock.
 */

#include <linux/moduleparam.h>
#include <linux/rhashtable.h>

#include "nf_srtp.h"

/*
 * Streams one network namespace may hold.  With unprivileged user
 * namespaces any local user owns namespaces of their own, so this bounds
 * what one of them can make the kernel keep (each stream also charges
 * its memory to its creator's memory cgroup).  Only the initial
 * namespace's root can change it (/sys/module/nf_srtp/parameters/).
 */
static unsigned int max_streams = 131072;
module_param(max_streams, uint, 0644);
MODULE_PARM_DESC(max_streams, "streams per network namespace (131072)");

static const struct rhashtable_params nf_srtp_rht_params = {
	.head_offset = offsetof(struct nf_srtp_node, rh),
	.key_offset = offsetof(struct nf_srtp_node, key),
	.key_len = sizeof(struct nf_srtp_tuple),
	.automatic_shrinking = true,
};

int nf_srtp_table_init(struct nf_srtp_net *nsn)
{
	int cpu, err;

	mutex_init(&nsn->lock);
	nsn->gen = 1;
	xa_init_flags(&nsn->streams, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	nsn->stats = alloc_percpu(struct nf_srtp_pcpu_stats);
	if (!nsn->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(nsn->stats, cpu)->syncp);
	err = rhashtable_init(&nsn->table, &nf_srtp_rht_params);
	if (err)
		free_percpu(nsn->stats);
	return err;
}

void nf_srtp_table_destroy(struct nf_srtp_net *nsn)
{
	kvfree(rcu_dereference_protected(nsn->ports, true));
	rhashtable_destroy(&nsn->table);
	xa_destroy(&nsn->streams);
	free_percpu(nsn->stats);
}

static bool nf_srtp_addr_any(const union nf_inet_addr *a)
{
	return !(a->all[0] | a->all[1] | a->all[2] | a->all[3]);
}

/* The wildcard probes a stream's match @n needs, counted. */
static void nf_srtp_count_wild(struct nf_srtp_net *nsn,
			       const struct nf_srtp_stream *s,
			       const struct nf_srtp_node *n, int delta)
{
	const struct nf_srtp_tuple *t = &n[NF_SRTP_NODE_RTP].key;

	if (!t->dport) {
		atomic_add(delta, &nsn->nr_any_dst);
		return;
	}
	if (!t->sport)
		atomic_add(delta, &nsn->nr_wild_port);
	/* A protect stream's guards are found by the any-source probe. */
	if (nf_srtp_addr_any(&t->saddr) || s->op == NF_SRTP_OP_PROTECT)
		atomic_add(delta, &nsn->nr_wild_addr);
}

static void nf_srtp_count(struct nf_srtp_net *nsn,
			  const struct nf_srtp_stream *s, int delta)
{
	atomic_add(delta, &nsn->nr_streams);
	nf_srtp_count_wild(nsn, s, s->node[s->cur], delta);
}

/* The destination port filter, allocated once; caller holds nsn->lock. */
static int nf_srtp_port_filter_alloc(struct nf_srtp_net *nsn)
{
	struct nf_srtp_port_filter *f;

	if (rcu_access_pointer(nsn->ports))
		return 0;
	f = kvzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	rcu_assign_pointer(nsn->ports, f);
	return 0;
}

/*
 * Caller holds nsn->lock; the filter exists once a node is hashed.  The
 * bit of a slot is set by its first node and cleared with its last.
 */
static void nf_srtp_dport_ref(struct nf_srtp_net *nsn,
			      const struct nf_srtp_tuple *t, int delta)
{
	struct nf_srtp_port_filter *f;
	/* (an open destination's node: its source port, hook.c) */
	unsigned int i = nf_srtp_dport_slot(t->dir, t->dport ?: t->sport);

	f = rcu_dereference_protected(nsn->ports, lockdep_is_held(&nsn->lock));
	f->refs[i] += delta;
	if (f->refs[i])
		set_bit(i, f->used);
	else
		clear_bit(i, f->used);
}

/* Removes the hashed nodes of one node set. */
static void nf_srtp_unhash_set(struct nf_srtp_net *nsn,
			       struct nf_srtp_node *n)
{
	int i;

	for (i = 0; i < NF_SRTP_NODES; i++) {
		if (!n[i].hashed)
			continue;
		rhashtable_remove_fast(&nsn->table, &n[i].rh,
				       nf_srtp_rht_params);
		nf_srtp_dport_ref(nsn, &n[i].key, -1);
		n[i].hashed = false;
	}
}

static void nf_srtp_unhash(struct nf_srtp_net *nsn, struct nf_srtp_stream *s)
{
	nf_srtp_unhash_set(nsn, s->node[0]);
	nf_srtp_unhash_set(nsn, s->node[1]);
}

/*
 * A protect stream guards the destinations it sends to: packets to them
 * from any other source meet a guard node and are dropped, so nothing
 * but the stream's SRTP reaches the SRTP leg there (datapath.md).
 */
static void nf_srtp_guard_keys(struct nf_srtp_node *n)
{
	int i;

	for (i = NF_SRTP_NODE_RTP; i <= NF_SRTP_NODE_RTCP; i++) {
		struct nf_srtp_tuple *g = &n[NF_SRTP_NODE_GUARD_RTP + i].key;

		*g = n[i].key;
		g->sport = 0;
		memset(&g->saddr, 0, sizeof(g->saddr));
	}
}

/* NL_SET_ERR_MSG() keeps a pointer to its message: literals only. */
static void nf_srtp_hash_clash(struct netlink_ext_ack *extack, int node)
{
	switch (node) {
	case NF_SRTP_NODE_RTP:
		NL_SET_ERR_MSG(extack,
			       "another stream matches the same addresses and ports");
		break;
	case NF_SRTP_NODE_RTCP:
		NL_SET_ERR_MSG(extack,
			       "another stream matches the same RTCP ports");
		break;
	default:
		NL_SET_ERR_MSG(extack,
			       "another protect stream sends to the same destination");
	}
}

static bool nf_srtp_node_used(const struct nf_srtp_stream *s, int set,
			      int node)
{
	bool mux = s->mux[set];

	/* Only a protect stream with a destination has guards. */
	if (node >= NF_SRTP_NODE_GUARD_RTP &&
	    (s->op != NF_SRTP_OP_PROTECT ||
	     !s->node[set][NF_SRTP_NODE_RTP].key.dport))
		return false;
	return !mux || (node != NF_SRTP_NODE_RTCP &&
			node != NF_SRTP_NODE_GUARD_RTCP);
}

/* The node hashed under @key, or NULL.  Caller holds nsn->lock. */
static struct nf_srtp_node *nf_srtp_hashed(struct nf_srtp_net *nsn,
					   const struct nf_srtp_tuple *key)
{
	return rhashtable_lookup_fast(&nsn->table, key, nf_srtp_rht_params);
}

/*
 * Whether node set @set of @s can be hashed: each of its keys free, or
 * held by @s itself (its other set).  Caller holds nsn->lock.
 */
static int nf_srtp_hash_check(struct nf_srtp_net *nsn,
			      struct nf_srtp_stream *s, int set,
			      struct netlink_ext_ack *extack)
{
	struct nf_srtp_node *n = s->node[set], *held;
	int i;

	if (s->op == NF_SRTP_OP_PROTECT)
		nf_srtp_guard_keys(n);
	if (nf_srtp_node_used(s, set, NF_SRTP_NODE_RTCP) &&
	    !memcmp(&n[NF_SRTP_NODE_RTP].key, &n[NF_SRTP_NODE_RTCP].key,
		    sizeof(n[0].key))) {
		NL_SET_ERR_MSG(extack,
			       "the RTCP ports are the RTP ports: use NF_SRTP_F_RTCP_MUX");
		return -EINVAL;
	}
	for (i = 0; i < NF_SRTP_NODES; i++) {
		if (!nf_srtp_node_used(s, set, i))
			continue;
		held = nf_srtp_hashed(nsn, &n[i].key);
		if (held && held->stream != s) {
			nf_srtp_hash_clash(extack, i);
			return -EEXIST;
		}
	}
	return 0;
}

/*
 * Hashes node set @set of @s.  A key its other set holds is not inserted
 * but swapped in place (rhashtable_replace_fast()), so that a packet
 * finds the stream through one node or the other at every moment.  On
 * failure nothing is left hashed from @set.  Caller holds nsn->lock.
 */
static int nf_srtp_hash_set(struct nf_srtp_net *nsn,
			    struct nf_srtp_stream *s, int set,
			    struct netlink_ext_ack *extack)
{
	struct nf_srtp_node *n = s->node[set], *held;
	int i, err;

	err = nf_srtp_hash_check(nsn, s, set, extack);
	if (err)
		return err;
	for (i = 0; i < NF_SRTP_NODES; i++) {
		if (!nf_srtp_node_used(s, set, i) ||
		    nf_srtp_hashed(nsn, &n[i].key))
			continue;
		err = rhashtable_lookup_insert_fast(&nsn->table, &n[i].rh,
						    nf_srtp_rht_params);
		if (err) {
			if (err == -EEXIST)
				nf_srtp_hash_clash(extack, i);
			nf_srtp_unhash_set(nsn, n);
			/* Packets may have found them meanwhile. */
			s->spare_gp = get_state_synchronize_rcu();
			return err;
		}
		n[i].hashed = true;
		nf_srtp_dport_ref(nsn, &n[i].key, 1);
	}
	for (i = 0; i < NF_SRTP_NODES; i++) {
		if (!nf_srtp_node_used(s, set, i) || n[i].hashed)
			continue;
		held = nf_srtp_hashed(nsn, &n[i].key);
		if (WARN_ON_ONCE(!held ||
				 rhashtable_replace_fast(&nsn->table, &held->rh,
							 &n[i].rh,
							 nf_srtp_rht_params)))
			continue;
		held->hashed = false;
		n[i].hashed = true;
	}
	return 0;
}

static int nf_srtp_hash(struct nf_srtp_net *nsn, struct nf_srtp_stream *s,
			struct netlink_ext_ack *extack)
{
	return nf_srtp_hash_set(nsn, s, s->cur, extack);
}

/*
 * The node set a new match of @s is parsed into.  Its nodes were unhashed
 * by the last change of match; packets that found them then may still be
 * walking hash chains through them, so their keys and links are reused
 * only after a grace period has passed since.  Caller holds nsn->lock.
 */
int nf_srtp_stream_spare(struct nf_srtp_stream *s)
{
	cond_synchronize_rcu(s->spare_gp);
	return !s->cur;
}

/*
 * Gives @s the match parsed into its spare node set
 * (nf_srtp_stream_spare()).  The new nodes are hashed, or swapped for the
 * current ones where the keys agree, before the rest of the current ones
 * are unhashed: every packet of either match finds the stream, so none
 * crosses without its transform.  Caller holds nsn->lock.
 */
int nf_srtp_stream_rematch(struct net *net, struct nf_srtp_stream *s,
			   struct netlink_ext_ack *extack)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(net);
	int spare = !s->cur, err;

	/*
	 * The wildcard probes the new match needs are on before its nodes
	 * are hashed, and those of the old one stay on until its nodes are
	 * gone: a packet never skips the probe that would find the stream.
	 */
	nf_srtp_count_wild(nsn, s, s->node[spare], 1);
	err = nf_srtp_hash_set(nsn, s, spare, extack);
	if (err) {
		nf_srtp_count_wild(nsn, s, s->node[spare], -1);
		return err;
	}
	nf_srtp_unhash_set(nsn, s->node[s->cur]);
	s->spare_gp = get_state_synchronize_rcu();
	nf_srtp_count_wild(nsn, s, s->node[s->cur], -1);
	s->cur = spare;
	nf_srtp_changed(nsn);
	/* Flows of the new match offloaded before now would bypass it. */
	nf_srtp_ct_flush(net, s);
	return 0;
}

/*
 * What a stream of @family needs from the namespace before it is hashed:
 * the hook of its family and operation, and reassembly of its family if
 * it asks for it.  nsn->lock held.
 */
static int nf_srtp_stream_needs(struct net *net, struct nf_srtp_net *nsn,
				const struct nf_srtp_stream *s, u8 family,
				struct netlink_ext_ack *extack)
{
	int err;

	/* A namespace pays only for the hooks its streams need. */
	err = nf_srtp_hook_need(net, nsn, family, s->op);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot register the netfilter hook");
		return err;
	}
	if (!(s->flags & NF_SRTP_F_REASSEMBLE))
		return 0;
	err = nf_srtp_defrag_need(net, nsn, family);
	if (err)
		NL_SET_ERR_MSG(extack, "cannot turn on IP reassembly");
	return err;
}

/*
 * Whether @s's spare node set can be hashed (see nf_srtp_hash_check()),
 * with the hooks of its family registered: what can fail is done before
 * STREAM_SET changes anything.
 */
int nf_srtp_stream_rematch_check(struct net *net, struct nf_srtp_stream *s,
				 struct netlink_ext_ack *extack)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(net);
	int spare = !s->cur, err;

	err = nf_srtp_stream_needs(net, nsn, s,
				   s->node[spare][NF_SRTP_NODE_RTP].key.family,
				   extack);
	if (err)
		return err;
	return nf_srtp_hash_check(nsn, s, spare, extack);
}

/*
 * Makes @s visible to the datapath and the API.  On success the table
 * owns the stream and *@id is its id: once the mutex is dropped another
 * request may remove and free it, so the caller must not touch @s again.
 * On failure the caller still owns it.
 */
int nf_srtp_stream_insert(struct net *net, struct nf_srtp_stream *s, u32 *id,
			  struct netlink_ext_ack *extack)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(net);
	int err;

	mutex_lock(&nsn->lock);
	err = nf_srtp_port_filter_alloc(nsn);
	if (err) {
		NL_SET_ERR_MSG(extack, "no memory for the port filter");
		goto out;
	}
	err = nf_srtp_stream_needs(net, nsn, s, s->node[0][0].key.family,
				   extack);
	if (err)
		goto out;
	if (atomic_read(&nsn->nr_streams) >= READ_ONCE(max_streams)) {
		NL_SET_ERR_MSG(extack,
			       "the namespace has as many streams as it may (max_streams)");
		err = -ENOSPC;
		goto out;
	}
	write_pnet(&s->net, net);
	err = xa_alloc_cyclic(&nsn->streams, &s->id, s, xa_limit_31b,
			      &nsn->next_id, GFP_KERNEL);
	if (err < 0) {
		NL_SET_ERR_MSG(extack, "no stream id left");
		goto out;
	}
	err = nf_srtp_hash(nsn, s, extack);
	if (err) {
		xa_erase(&nsn->streams, s->id);
		goto out;
	}
	nf_srtp_count(nsn, s, 1);
	nf_srtp_changed(nsn);
	/* Flows offloaded before now would bypass the stream. */
	nf_srtp_ct_flush(net, s);
	*id = s->id;
	err = 0;
out:
	mutex_unlock(&nsn->lock);
	return err;
}

/*
 * Caller holds nsn->lock.  Packets that found the stream before it was
 * unhashed may still run; they queue no more events, and the stream is
 * freed after them.
 */
static void nf_srtp_stream_unlink(struct net *net, struct nf_srtp_net *nsn,
				  struct nf_srtp_stream *s, bool notify)
{
	nf_srtp_unhash(nsn, s);
	xa_erase(&nsn->streams, s->id);
	nf_srtp_count(nsn, s, -1);
	nf_srtp_changed(nsn);
	spin_lock_bh(&s->lock);
	s->dead = true;
	spin_unlock_bh(&s->lock);
	cancel_work_sync(&s->event_work);
	if (notify)
		nf_srtp_notify(net, NF_SRTP_EVENT_STREAM_DEL, s->id, NULL, 0);
	nf_srtp_stream_free_rcu(s);
}

/* Caller holds nsn->lock. */
struct nf_srtp_stream *nf_srtp_stream_find(struct nf_srtp_net *nsn, u32 id)
{
	return xa_load(&nsn->streams, id);
}

int nf_srtp_stream_remove(struct net *net, u32 id)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(net);
	struct nf_srtp_stream *s;
	int err = -ENOENT;

	mutex_lock(&nsn->lock);
	s = xa_load(&nsn->streams, id);
	if (s) {
		nf_srtp_stream_unlink(net, nsn, s, true);
		err = 0;
	}
	mutex_unlock(&nsn->lock);
	return err;
}

/*
 * Removes every stream; @notify is false when the namespace itself goes
 * (nobody is left in it to listen).
 */
void nf_srtp_stream_flush(struct net *net, bool notify)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(net);
	struct nf_srtp_stream *s;
	unsigned long id;

	mutex_lock(&nsn->lock);
	xa_for_each(&nsn->streams, id, s)
		nf_srtp_stream_unlink(net, nsn, s, notify);
	mutex_unlock(&nsn->lock);
}

static struct nf_srtp_node *nf_srtp_find(struct nf_srtp_net *nsn,
					 const struct nf_srtp_tuple *t)
{
	return rhashtable_lookup(&nsn->table, t, nf_srtp_rht_params);
}

/*
 * A protect packet's probe for a stream with an open destination: by its
 * source address and port alone.
 */
static struct nf_srtp_node *nf_srtp_find_any_dst(struct nf_srtp_net *nsn,
						 const struct nf_srtp_tuple *t)
{
	struct nf_srtp_tuple k = *t;

	memset(&k.daddr, 0, sizeof(k.daddr));
	k.dport = 0;
	return nf_srtp_find(nsn, &k);
}

/*
 * The stream node matching @t, most specific first: exact source and
 * destination, then (protect) any destination, then any source port,
 * then any source (for a protect packet, a guard).  Wildcard probes are
 * skipped while no stream of the namespace uses them, and every probe
 * with a destination when the port filter says no node has @t's
 * destination port (the packet passed it by its source port: only an
 * open destination can match).  Caller holds rcu_read_lock(); @t is
 * modified.
 */
struct nf_srtp_node *nf_srtp_lookup(struct nf_srtp_net *nsn,
				    struct nf_srtp_tuple *t)
{
	struct nf_srtp_node *n;

	if (unlikely(!nf_srtp_dport_used(nsn, t->dir, t->dport)))
		return nf_srtp_find_any_dst(nsn, t);
	n = nf_srtp_find(nsn, t);
	if (n)
		return n;
	if (t->dir == NF_SRTP_OP_PROTECT && atomic_read(&nsn->nr_any_dst)) {
		n = nf_srtp_find_any_dst(nsn, t);
		if (n)
			return n;
	}
	if (atomic_read(&nsn->nr_wild_port)) {
		t->sport = 0;
		n = nf_srtp_find(nsn, t);
		if (n)
			return n;
	}
	if (atomic_read(&nsn->nr_wild_addr)) {
		t->sport = 0;
		memset(&t->saddr, 0, sizeof(t->saddr));
		n = nf_srtp_find(nsn, t);
	}
	return n;
}
