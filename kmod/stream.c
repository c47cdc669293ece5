// SPDX-License-Identifier: GPL-2.0
/*
 * nf_srtp: stream objects.  A stream owns a crypto context of the SRTP
 * core; it is freed from a workqueue after an RCU grace period, so a
 * packet that found it in the table can finish with it, and the context
 * (keys, key schedules) is wiped on the way out.  Events the core raises
 * while it transforms packets are sent to userspace from a work item.
 */

#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "nf_srtp.h"

/* Streams allocated and not yet freed, in every namespace: for tests. */
atomic_t nf_srtp_live_streams = ATOMIC_INIT(0);

static void nf_srtp_event_work(struct work_struct *work);

struct nf_srtp_stream *nf_srtp_stream_alloc(void)
{
	struct nf_srtp_stream *s;
	int set, i;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return NULL;
	spin_lock_init(&s->lock);
	u64_stats_init(&s->syncp);
	INIT_WORK(&s->event_work, nf_srtp_event_work);
	for (set = 0; set < ARRAY_SIZE(s->node); set++) {
		struct nf_srtp_node *n = s->node[set];

		for (i = 0; i < NF_SRTP_NODES; i++)
			n[i].stream = s;
		n[NF_SRTP_NODE_RTCP].rtcp = true;
		n[NF_SRTP_NODE_GUARD_RTCP].rtcp = true;
		n[NF_SRTP_NODE_GUARD_RTP].guard = true;
		n[NF_SRTP_NODE_GUARD_RTCP].guard = true;
	}
	atomic_inc(&nf_srtp_live_streams);
	return s;
}

/* Frees a stream no packet can reach any more; wipes its keys. */
void nf_srtp_stream_free(struct nf_srtp_stream *s)
{
	if (!s)
		return;
	srtp_ctx_free(s->ctx);
	kfree_sensitive(s);
	atomic_dec(&nf_srtp_live_streams);
}

static void nf_srtp_stream_free_work(struct work_struct *work)
{
	struct nf_srtp_stream *s;

	s = container_of(to_rcu_work(work), struct nf_srtp_stream, free_work);
	nf_srtp_stream_free(s);
}

/*
 * Frees a stream just unhashed, once every CPU has left the RCU read
 * sections that may still use it.  The crypto API's free functions may
 * sleep, hence a work item rather than call_rcu().
 */
void nf_srtp_stream_free_rcu(struct nf_srtp_stream *s)
{
	INIT_RCU_WORK(&s->free_work, nf_srtp_stream_free_work);
	queue_rcu_work(nf_srtp_wq, &s->free_work);
}

/*
 * Keys and a context taken out of a live stream, waiting for the packets
 * that may still use them: the hook runs the crypto outside the stream's
 * lock (hook.c, nf_srtp_run()), with the key and context it found under
 * the lock, inside the RCU read-side section every hook runs in.
 */
struct nf_srtp_grave {
	struct rcu_work free_work;
	struct srtp_ctx *ctx;
	unsigned int nkeys;
	struct srtp_key *keys[SRTP_CORE_KEYS_MAX];
};

static void nf_srtp_free_now(struct srtp_ctx *ctx, struct srtp_key **keys,
			     unsigned int nkeys)
{
	while (nkeys--)
		srtp_key_free(keys[nkeys]);
	srtp_ctx_free(ctx);
}

static void nf_srtp_grave_work(struct work_struct *work)
{
	struct nf_srtp_grave *g;

	g = container_of(to_rcu_work(work), struct nf_srtp_grave, free_work);
	nf_srtp_free_now(g->ctx, g->keys, g->nkeys);
	kfree(g);
}

/*
 * Frees (and wipes) @ctx and @nkeys keys once no packet can be using
 * them: after an RCU grace period, from a workqueue, since the crypto
 * API's free functions may sleep; module exit waits for it (rcu_barrier()
 * and the workqueue's destruction).  Process context.  Without memory
 * for the work item, it waits for the grace period itself.
 */
void nf_srtp_free_later(struct srtp_ctx *ctx, struct srtp_key **keys,
			unsigned int nkeys)
{
	struct nf_srtp_grave *g;

	if (!ctx && !nkeys)
		return;
	if (WARN_ON_ONCE(nkeys > SRTP_CORE_KEYS_MAX))
		nkeys = SRTP_CORE_KEYS_MAX;
	g = kmalloc(sizeof(*g), GFP_KERNEL);
	if (!g) {
		synchronize_rcu();
		nf_srtp_free_now(ctx, keys, nkeys);
		return;
	}
	g->ctx = ctx;
	g->nkeys = nkeys;
	if (nkeys)
		memcpy(g->keys, keys, nkeys * sizeof(*keys));
	INIT_RCU_WORK(&g->free_work, nf_srtp_grave_work);
	queue_rcu_work(nf_srtp_wq, &g->free_work);
}

/*
 * Caller holds s->lock (BHs off): counts for the stream and the netns, and
 * among the stream's RTCP drops if the packet was RTCP.
 */
void nf_srtp_stream_count_drop(struct nf_srtp_stream *s,
			       enum nf_srtp_drop why, bool rtcp)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(read_pnet(&s->net));
	struct nf_srtp_pcpu_stats *st = this_cpu_ptr(nsn->stats);

	if (why <= NF_SRTP_DROP_PAD || why > NF_SRTP_DROP_MAX)
		why = NF_SRTP_DROP_MALFORMED;
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->drops[why]);
	if (rtcp)
		u64_stats_inc(&s->rtcp_drops);
	u64_stats_update_end(&s->syncp);
	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->drops[why]);
	u64_stats_update_end(&st->syncp);
}

/*
 * Caller holds s->lock: collects what the core raised on the last packet
 * and has it sent, unless the stream is on its way out.
 */
void nf_srtp_stream_events(struct nf_srtp_stream *s)
{
	struct srtp_events ev;

	if (!srtp_ctx_take_events(s->ctx, &ev))
		return;
	s->pending.mask |= ev.mask;
	if (ev.mask & SRTP_EV_SOFT_LIMIT)
		s->pending.soft_key = ev.soft_key;
	if (ev.mask & SRTP_EV_HARD_LIMIT)
		s->pending.hard_key = ev.hard_key;
	if (ev.mask & SRTP_EV_KEY_SWITCH)
		s->pending.active_key = ev.active_key;
	if (ev.mask & SRTP_EV_NEW_SSRC)
		s->pending.new_ssrc = ev.new_ssrc;
	if (!s->dead)
		queue_work(nf_srtp_wq, &s->event_work);
}

/*
 * Caller holds s->lock: the key of index @index of the stream's context
 * (no MKI if it was reaped meanwhile).
 */
static void nf_srtp_event_key(struct nf_srtp_stream *s, u32 index,
			      struct nf_srtp_event_key *k)
{
	struct srtp_key_info info;

	k->index = index;
	k->mki_len = 0;
	if (!srtp_ctx_key_info(s->ctx, index, &info)) {
		k->mki_len = info.mki_len;
		memcpy(k->mki, info.mki, info.mki_len);
	}
}

static void nf_srtp_event_work(struct work_struct *work)
{
	struct nf_srtp_event_key soft, active, hard;
	struct nf_srtp_peer peer[2];
	struct nf_srtp_stream *s;
	struct srtp_events ev;
	struct net *net;
	bool latch;

	s = container_of(work, struct nf_srtp_stream, event_work);
	spin_lock_bh(&s->lock);
	ev = s->pending;
	memset(&s->pending, 0, sizeof(s->pending));
	latch = s->latch_pending;
	s->latch_pending = false;
	memcpy(peer, s->peer, sizeof(peer));
	/* The MKIs, not the key material, for the listeners. */
	if (ev.mask & SRTP_EV_SOFT_LIMIT)
		nf_srtp_event_key(s, ev.soft_key, &soft);
	if (ev.mask & SRTP_EV_KEY_SWITCH)
		nf_srtp_event_key(s, ev.active_key, &active);
	if (ev.mask & SRTP_EV_HARD_LIMIT)
		nf_srtp_event_key(s, ev.hard_key, &hard);
	spin_unlock_bh(&s->lock);

	net = read_pnet(&s->net);
	if (ev.mask & SRTP_EV_NEW_SSRC)
		nf_srtp_notify(net, NF_SRTP_EVENT_NEW_SSRC, s->id, NULL,
			       ev.new_ssrc);
	if (ev.mask & SRTP_EV_SOFT_LIMIT)
		nf_srtp_notify(net, NF_SRTP_EVENT_SOFT_LIMIT, s->id, &soft, 0);
	if (ev.mask & SRTP_EV_KEY_SWITCH)
		nf_srtp_notify(net, NF_SRTP_EVENT_KEY_SWITCH, s->id, &active,
			       0);
	if (ev.mask & SRTP_EV_HARD_LIMIT)
		nf_srtp_notify(net, NF_SRTP_EVENT_HARD_LIMIT, s->id, &hard, 0);
	if (latch)
		nf_srtp_notify_latch(net, s->id, peer);
}

/* The core's reason for refusing a packet, as counted in the API. */
enum nf_srtp_drop nf_srtp_drop_reason(enum srtp_reason why)
{
	switch (why) {
	case SRTP_R_AUTH_FAIL:
		return NF_SRTP_DROP_AUTH;
	case SRTP_R_REPLAY:
		return NF_SRTP_DROP_REPLAY;
	case SRTP_R_TOO_OLD:
		return NF_SRTP_DROP_TOO_OLD;
	case SRTP_R_UNKNOWN_MKI:
		return NF_SRTP_DROP_UNKNOWN_MKI;
	case SRTP_R_LIFETIME:
	case SRTP_R_INDEX_LIMIT:
	case SRTP_R_NO_KEY:
		return NF_SRTP_DROP_LIFETIME;
	case SRTP_R_SSRC_LIMIT:
		return NF_SRTP_DROP_SSRC_LIMIT;
	case SRTP_R_TX_REPLAY:
		return NF_SRTP_DROP_TX_REPLAY;
	case SRTP_R_SSRC_PIN:
		return NF_SRTP_DROP_SSRC_PIN;
	case SRTP_R_NO_ROOM:
		return NF_SRTP_DROP_NO_ROOM;
	case SRTP_R_CRYPTO:
	case SRTP_R_NOMEM:
		return NF_SRTP_DROP_CRYPTO;
	case SRTP_R_ASYNC:
		return NF_SRTP_DROP_ASYNC;
	default:
		return NF_SRTP_DROP_MALFORMED;
	}
}
