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
	int err;

	mutex_init(&nsn->lock);
	xa_init_flags(&nsn->streams, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	nsn->stats = alloc_percpu(struct nf_srtp_pcpu_stats);
	if (!nsn->stats)
		return -ENOMEM;
	err = rhashtable_init(&nsn->table, &nf_srtp_rht_params);
	if (err)
		free_percpu(nsn->stats);
	return err;
}

void nf_srtp_table_destroy(struct nf_srtp_net *nsn)
{
	kvfree(rcu_dereference_protected(nsn->dport_refs, true));
	rhashtable_destroy(&nsn->table);
	xa_destroy(&nsn->streams);
	free_percpu(nsn->stats);
}

static bool nf_srtp_addr_any(const union nf_inet_addr *a)
{
	return !(a->all[0] | a->all[1] | a->all[2] | a->all[3]);
}

static void nf_srtp_count(struct nf_srtp_net *nsn,
			  const struct nf_srtp_stream *s, int delta)
{
	const struct nf_srtp_tuple *t = &s->node[0].key;

	atomic_add(delta, &nsn->nr_streams);
	if (!t->sport)
		atomic_add(delta, &nsn->nr_wild_port);
	/* A protect stream's guards are found by the any-source probe. */
	if (nf_srtp_addr_any(&t->saddr) || s->op == NF_SRTP_OP_PROTECT)
		atomic_add(delta, &nsn->nr_wild_addr);
}

/* The destination port filter, allocated once; caller holds nsn->lock. */
static int nf_srtp_dport_refs_alloc(struct nf_srtp_net *nsn)
{
	u32 *refs;

	if (rcu_access_pointer(nsn->dport_refs))
		return 0;
	refs = kvcalloc(2 * NF_SRTP_PORTS, sizeof(*refs), GFP_KERNEL_ACCOUNT);
	if (!refs)
		return -ENOMEM;
	rcu_assign_pointer(nsn->dport_refs, refs);
	return 0;
}

/* Caller holds nsn->lock; the filter exists once a node is hashed. */
static void nf_srtp_dport_ref(struct nf_srtp_net *nsn,
			      const struct nf_srtp_tuple *t, int delta)
{
	u32 *refs = rcu_dereference_protected(nsn->dport_refs,
					      lockdep_is_held(&nsn->lock));
	unsigned int i = nf_srtp_dport_slot(t->dir, t->dport);

	WRITE_ONCE(refs[i], refs[i] + delta);
}

static void nf_srtp_unhash(struct nf_srtp_net *nsn, struct nf_srtp_stream *s)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(s->node); i++) {
		if (!s->node[i].hashed)
			continue;
		rhashtable_remove_fast(&nsn->table, &s->node[i].rh,
				       nf_srtp_rht_params);
		nf_srtp_dport_ref(nsn, &s->node[i].key, -1);
		s->node[i].hashed = false;
	}
}

/*
 * A protect stream guards the destinations it sends to: packets to them
 * from any other source meet a guard node and are dropped, so nothing
 * but the stream's SRTP reaches the SRTP leg there (datapath.md).
 */
static void nf_srtp_guard_keys(struct nf_srtp_stream *s)
{
	int i;

	for (i = NF_SRTP_NODE_RTP; i <= NF_SRTP_NODE_RTCP; i++) {
		struct nf_srtp_tuple *g = &s->node[NF_SRTP_NODE_GUARD_RTP + i].key;

		*g = s->node[i].key;
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

static bool nf_srtp_node_used(const struct nf_srtp_stream *s, int node)
{
	bool mux = s->flags & NF_SRTP_F_RTCP_MUX;

	if (node >= NF_SRTP_NODE_GUARD_RTP && s->op != NF_SRTP_OP_PROTECT)
		return false;
	return !mux || (node != NF_SRTP_NODE_RTCP &&
			node != NF_SRTP_NODE_GUARD_RTCP);
}

static int nf_srtp_hash(struct nf_srtp_net *nsn, struct nf_srtp_stream *s,
			struct netlink_ext_ack *extack)
{
	int i, err;

	if (s->op == NF_SRTP_OP_PROTECT)
		nf_srtp_guard_keys(s);
	for (i = 0; i < NF_SRTP_NODES; i++) {
		if (!nf_srtp_node_used(s, i))
			continue;
		err = rhashtable_lookup_insert_fast(&nsn->table, &s->node[i].rh,
						    nf_srtp_rht_params);
		if (err) {
			if (err == -EEXIST)
				nf_srtp_hash_clash(extack, i);
			nf_srtp_unhash(nsn, s);
			return err;
		}
		s->node[i].hashed = true;
		nf_srtp_dport_ref(nsn, &s->node[i].key, 1);
	}
	return 0;
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
	err = nf_srtp_dport_refs_alloc(nsn);
	if (err) {
		NL_SET_ERR_MSG(extack, "no memory for the port filter");
		goto out;
	}
	/* A namespace pays only for the hooks its streams need. */
	err = nf_srtp_hook_need(net, nsn, s->node[0].key.family, s->op);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot register the netfilter hook");
		goto out;
	}
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
	spin_lock_bh(&s->lock);
	s->dead = true;
	spin_unlock_bh(&s->lock);
	cancel_work_sync(&s->event_work);
	if (notify)
		nf_srtp_notify(net, NF_SRTP_EVENT_STREAM_DEL, s->id, -1, 0);
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
 * The stream node matching @t, most specific first: exact source, then
 * any source port, then any source (for a protect packet, a guard).
 * Wildcard probes are skipped while no stream of the namespace uses
 * them.  Caller holds rcu_read_lock();
 * @t is modified.
 */
struct nf_srtp_node *nf_srtp_lookup(struct nf_srtp_net *nsn,
				    struct nf_srtp_tuple *t)
{
	struct nf_srtp_node *n;

	n = nf_srtp_find(nsn, t);
	if (n)
		return n;
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
