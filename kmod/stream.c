// SPDX-License-Identifier: GPL-2.0
/*
 * nf_srtp: stream objects.  A stream owns a crypto context of the SRTP
 * core; it is freed from a workqueue after an RCU grace period, so a
 * packet that found it in the table can finish with it, and the context
 * (keys, key schedules) is wiped on the way out.
 */

#include <linux/slab.h>
#include <linux/workqueue.h>

#include "nf_srtp.h"

/* Streams allocated and not yet freed, in every namespace: for tests. */
atomic_t nf_srtp_live_streams = ATOMIC_INIT(0);

struct nf_srtp_stream *nf_srtp_stream_alloc(unsigned int nkeys)
{
	struct nf_srtp_stream *s;

	s = kzalloc(struct_size(s, keys, nkeys), GFP_KERNEL);
	if (!s)
		return NULL;
	atomic_inc(&nf_srtp_live_streams);
	s->nkeys = nkeys;
	spin_lock_init(&s->lock);
	s->node[0].stream = s;
	s->node[1].stream = s;
	s->node[1].rtcp = true;
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

/* Caller holds s->lock. */
void nf_srtp_stream_count_drop(struct nf_srtp_stream *s,
			       enum nf_srtp_drop why)
{
	if (why > NF_SRTP_DROP_UNSPEC && why <= NF_SRTP_DROP_MAX)
		s->drops[why]++;
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
	case SRTP_R_NO_ROOM:
		return NF_SRTP_DROP_NO_ROOM;
	case SRTP_R_CRYPTO:
	case SRTP_R_NOMEM:
		return NF_SRTP_DROP_CRYPTO;
	default:
		return NF_SRTP_DROP_MALFORMED;
	}
}
