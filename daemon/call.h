/* SPDX-License-Identifier: GPL-2.0 */
/*
 * call: srtpd's calls, from offer/answer to the nf_srtp streams that carry
 * their media, and their re-keying.  The kernel is reached through struct
 * call_ops (libnfsrtp in srtpd, a recorder in the unit tests).
 *
 * Per negotiated SRTP media stream a call installs two kernel streams:
 *   protect    our address:port -> the peer's, with our key (RTCP from
 *              port + 1 to the peer's RTCP port, or multiplexed);
 *   unprotect  the peer's address, any port -> our address:port, with the
 *              peer's key (any source port: phones behind NAT).
 * Plain RTP streams need nothing installed.  The streams are planned by
 * kset.c, as ng's are: a re-offer or re-answer leaves unchanged streams
 * alone, appends new keys (ours made active, theirs taken up by the
 * kernel with the first packet under them), changes a moved or
 * re-parametrised stream in place (STREAM_SET), so that its ROC and
 * replay state go on and no packet crosses untransformed, and keeps the
 * address of a peer that puts the call on hold (c=0.0.0.0).
 */

#ifndef NFSRTP_CALL_H
#define NFSRTP_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "calls.h"
#include "kset.h"
#include "kstream.h"
#include "lib/nfsrtp.h"
#include "negotiate.h"
#include "policy.h"

/* What srtpd asks of the kernel; each returns 0 or a negative errno. */
struct call_ops {
	int (*add)(void *arg, const struct nfsrtp_stream *s, uint32_t *id,
		   char *err, size_t errlen);
	int (*del)(void *arg, uint32_t id);
	int (*update)(void *arg, const struct nfsrtp_stream_update *u,
		      char *err, size_t errlen);
	/* a stream's counters, for the idle timer; NULL: no idle timer */
	int (*get)(void *arg, uint32_t id, struct nfsrtp_stream *out);
	void *arg;
};

enum call_state {
	CALL_OFFERED,		/* our offer is out, no answer yet */
	CALL_ACTIVE,		/* negotiated; streams installed */
	CALL_REKEYING,		/* our re-offer with new keys is out */
};

struct call {
	struct call_entry e;	/* in the one table: id, timers (calls.h) */
	enum call_state state;
	struct srtp_policy policy;	/* as when the call began (SIGHUP) */
	struct neg_local local;
	struct neg_offer *offer;	/* our outstanding (re-)offer */
	struct neg_result *result;	/* what is installed */
	struct kset set;		/* its kernel streams (kset.h) */
	unsigned int mki_next;		/* MKI value of our next key */
	uint64_t version;		/* o= version of our descriptions */
	bool we_offered;
};

/*
 * The control socket's calls, in srtpd's one table of calls (calls.h),
 * which ng's share: its limits and timers are theirs too.
 */
struct call_table {
	struct calls *calls;
	struct call_front front;
	struct call_ops ops;
	uint64_t sum_key[2];	/* SipHash key of the streams' digests */
	/* told of a call a timer ends, with the reason; may be NULL */
	void (*gone)(void *arg, const struct call *c, const char *why);
	void *gone_arg;
};

/* Results besides 0: the call is rejected (SIP 488), or a bad request. */
#define CALL_REJECTED	NEG_REJECTED	/* reason given */
#define CALL_BAD	2		/* malformed SDP, unknown call, ... */
#define CALL_FAILED	3		/* the kernel refused; reason given */

void call_table_init(struct call_table *t, struct calls *calls,
		     const struct call_ops *ops);
/* Removes every call's streams and frees them. */
void call_table_free(struct call_table *t);

/* The control socket's call @id: NULL if none, or it is ng's. */
struct call *call_find(struct call_table *t, const char *id);
/* The control socket's calls, one after another: NULL after the last. */
struct call *call_first(const struct call_table *t);
struct call *call_next(const struct call_table *t, const struct call *c);

/*
 * We offer: a new call (or, for an active call, a re-offer with new keys).
 * *@sdp (malloc'd) is the description to send.
 */
int call_offer(struct call_table *t, const char *id,
	       const struct srtp_policy *p, const struct neg_local *l,
	       char **sdp, char *why, size_t whylen);

/*
 * They offer: answers @offer and installs the streams; *@sdp is the
 * answer.  For an active call this is their re-offer: our key stays
 * unless it is near its lifetime, their new key is added.
 */
int call_answer(struct call_table *t, const char *id,
		const struct srtp_policy *p, const struct neg_local *l,
		const char *offer, size_t len, char **sdp, char *why,
		size_t whylen);

/* Their answer to our (re-)offer: installs or re-keys the streams. */
int call_complete(struct call_table *t, const char *id, const char *answer,
		  size_t len, char *why, size_t whylen);

/* Removes the call and its streams; CALL_BAD when there is no such call. */
int call_delete(struct call_table *t, const char *id);

/*
 * A kernel event: a soft lifetime limit on one of our protect streams
 * starts a re-key: *@sdp (malloc'd) is the re-offer to send for call
 * *@c.  Returns 1 when a re-offer was made, 0 when the event needs
 * nothing, negative on failure.  A stream removed behind our back
 * (STREAM_DEL for an id we own) is forgotten.
 */
int call_event(struct call_table *t, const struct nfsrtp_event *ev,
	       struct call **c, char **sdp);

/* The call owning kernel stream @id, or NULL. */
struct call *call_by_stream(struct call_table *t, uint32_t id);

#endif /* NFSRTP_CALL_H */
