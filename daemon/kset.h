/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kset: the kernel streams of one call, and the one planner that makes
 * them what the call's negotiation says, for both front ends: the control
 * socket's endpoint calls (call.c) and ng's bridged calls (ng.c).
 *
 * A call says what it wants as a list of struct kwant: per media stream
 * (group) and direction, the operation, the match and the crypto.
 * kset_apply() makes one branch of the call (one of ng's callee answers;
 * an endpoint call has one, 0) what the list says:
 *   - the branch's stream of the same group, direction and operation is
 *     changed into the wanted one in place (kstream_put(): kept when
 *     nothing changed, new keys appended, a new match taken over
 *     atomically), so that its ROC and replay state go on;
 *   - a stream the kernel would refuse to duplicate (the same match, or
 *     for protect one toward the same destination: a protect stream
 *     guards its destination) that no want has claimed is taken over in
 *     place instead: another branch's, the other direction's after a
 *     callee's re-INVITE turned the roles round, a guard, or (through
 *     the owner's adopt()) a deleted call's guard;
 *   - a side on hold (an unspecified address, c=0.0.0.0) keeps the
 *     address its stream has: never a wildcard match;
 *   - otherwise the stream is added.  Then the branch's streams that no
 *     want claimed are removed.
 * A stream is never removed and added again to change it, so no packet
 * meets a moment without its transform.
 */

#ifndef NFSRTP_KSET_H
#define NFSRTP_KSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kstream.h"
#include "negotiate.h"
#include "sdes.h"

/* streams in one call: two flows per m-line, each taken in and sent on */
#define KSET_MAX	(4 * NEG_MEDIA_MAX)
/*
 * The branch of a guard: a protect stream toward a leg that is to be SRTP,
 * before its answer or after its call, whose only source is that leg's
 * own address and whose key nobody has (ng.c).
 */
#define KSET_GUARD	0xff

/* A stream's counters when its call took it over from another. */
struct kslot_base {
	uint64_t packets, bytes, rtcp_packets, rtcp_bytes;
	uint64_t errors, rtcp_errors, auth, replay;
};

/* One kernel stream of a call, and what it is for. */
struct kslot {
	struct kstream k;	/* id, match, digests: kstream.c's */
	bool a_to_b;		/* from the call's caller to its callee */
	uint8_t group;		/* media stream (m-line) */
	uint8_t branch;		/* the branch it serves (0: an endpoint's); KSET_GUARD */
	bool seen;		/* claimed by the plan being applied */
	/*
	 * The kernel counters another call's stream had when this call took
	 * it over, or NULL (all of them this call's).  Owned by the slot.
	 */
	struct kslot_base *base;
};

struct kset {
	struct kslot streams[KSET_MAX];
	unsigned int n;
};

/* One kernel stream a call wants. */
struct kwant {
	uint8_t op;			/* NF_SRTP_OP_* */
	uint8_t group;
	bool a_to_b;
	struct kmatch match;		/* an unspecified address: on hold */
	const struct sdes_crypto *crypto;
	bool mux;			/* RTCP multiplexed */
	/*
	 * An unprotect stream that latches (NF_SRTP_F_LATCH): its peer is
	 * the source address of @match with these ports to start from (0:
	 * none; learnt from the first packet that authenticates).
	 */
	bool latch;
	uint16_t peer_port;
	uint16_t peer_rtcp_port;
};

/* Who owns a set, and how its streams reach the kernel. */
struct kset_owner {
	struct kstream_ops ks;
	const uint64_t *sum_key;	/* kstream_sum()'s secret */
	/* kstream_put()'s flags: KSTREAM_ACTIVATE for an endpoint */
	unsigned int flags;
	const char *call_id;		/* for the log */
	/*
	 * Another call's stream protecting toward @m's destination, moved
	 * into @set (a deleted call's guard: a phone keeps its media port
	 * from one call to the next), or NULL.  May be NULL.
	 */
	struct kslot *(*adopt)(void *arg, struct kset *set,
			       const struct kmatch *m);
	/* the set's kernel streams changed (ng saves its state); may be NULL */
	void (*changed)(void *arg);
	void *arg;			/* adopt()'s and changed()'s */
};

/*
 * Branch @branch of @set becomes the @n streams @w says, as the comment at
 * the top says.  0, or -1 with @err: the streams changed so far keep their
 * change (the caller removes a branch that was new).
 */
int kset_apply(const struct kset_owner *o, struct kset *set, uint8_t branch,
	       const struct kwant *w, size_t n, char *err, size_t errlen);

/* Installs @s as a new slot like @proto; 0, or -1 with @err. */
int kset_add(const struct kset_owner *o, struct kset *set,
	     const struct nfsrtp_stream *s, const struct kslot *proto,
	     char *err, size_t errlen);

/* Removes slot @i's kernel stream and the slot. */
void kset_remove(const struct kset_owner *o, struct kset *set, unsigned int i);
/* Removes every stream of @set. */
void kset_clear(const struct kset_owner *o, struct kset *set);
/* Slot @i goes, its kernel stream gone already (or another's now). */
void kset_drop(struct kset *set, unsigned int i);

/*
 * A call's traffic as its kernel streams counted it, RTP and RTCP apart:
 * what ng's query and srtpd's metrics report.  A guard taken over from a
 * deleted call counts from the takeover (struct kslot_base).
 */
struct kset_totals {
	uint64_t packets, bytes, rtcp_packets, rtcp_bytes;
	uint64_t errors, rtcp_errors, auth, replay;
};

/*
 * Slot @st's share, from its kernel stream @s: @t's packets and bytes RTP
 * only, errors all drops (auth and replay among them).
 */
void kslot_totals(const struct kslot *st, const struct nfsrtp_stream *s,
		  struct kset_totals *t);
/*
 * Adds slot totals @one to @t: its errors and SRTP drops always, its
 * packets and bytes when @count (kset_counts()).
 */
void kset_totals_add(struct kset_totals *t, const struct kset_totals *one,
		     bool count);
/*
 * Whether slot @i's packets count in the set's totals: a forwarded packet
 * passes the unprotect stream of its direction, if there is one, then the
 * protect stream, and is counted once.
 */
bool kset_counts(const struct kset *set, unsigned int i);
/*
 * The set's totals, each stream read with @get (its errors and SRTP
 * drops always, its packets when kset_counts()); the streams that cannot
 * be read count nothing and are returned.
 */
unsigned int kset_totals(const struct kset *set,
			 int (*get)(void *arg, uint32_t id,
				    struct nfsrtp_stream *out),
			 void *arg, struct kset_totals *t);

/* The slot of kernel stream @id, or NULL. */
struct kslot *kset_find(struct kset *set, uint32_t id);
/* Whether a stream of @set protects toward @m's destination. */
bool kset_protects(const struct kset *set, const struct kmatch *m);

#endif /* NFSRTP_KSET_H */
