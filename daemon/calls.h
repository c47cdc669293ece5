/* SPDX-License-Identifier: GPL-2.0 */
/*
 * calls: srtpd's one table of calls, whichever front end made them (the
 * control socket's call.c, ng's ng.c).  A Call-ID names one call in the
 * whole daemon; the limits (--max-calls, --max-calls-per-source,
 * --max-memory) count every call, and every call runs on the same timers
 * (--no-answer-timeout, --idle-timeout, --session-timeout, a delete's
 * delay or guard tail).  What a call is beyond that (its legs, branches,
 * keys and kernel streams) is its front end's: each front end embeds a
 * struct call_entry first in its calls and tells the table, through
 * struct call_front, how to count a call's packets and how to end it.
 */

#ifndef NFSRTP_CALLS_H
#define NFSRTP_CALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sdp.h"

#define CALL_ID_MAX	256
#define CALLS_MAX	10000	/* default --max-calls */
#define CALLS_PER_SOURCE 1000	/* default --max-calls-per-source */
#define CALLS_MEMORY_MAX 256	/* default --max-memory, MiB */
#define CALLS_NO_ANSWER	180	/* default --no-answer-timeout, s */
#define CALLS_IDLE	300	/* default --idle-timeout, s */

struct call_entry;
struct kset;

/* What the table asks of a call's front end. */
struct call_front {
	const char *name;	/* "ng", "control": in errors */
	/*
	 * The packets the call's kernel streams have transformed, for the
	 * idle timer; negative when they cannot be read.
	 */
	int64_t (*packets)(void *arg, struct call_entry *e);
	/*
	 * A timer of the call ran out (@why says which): end it, or close
	 * it (guards left until e->delete_at).  Returns false when the
	 * call is freed (and unlinked with calls_unlink()).
	 */
	bool (*expire)(void *arg, struct call_entry *e, const char *why,
		       time_t now);
	/* the call's kernel streams (kset.h), for srtpd's metrics */
	const struct kset *(*set)(struct call_entry *e);
	void *arg;
};

/* What every call is to the table; the first member of a front's call. */
struct call_entry {
	char id[CALL_ID_MAX];
	const struct call_front *front;
	struct sdp_conn origin;	/* whence its first offer; family 0: local */
	time_t created;
	time_t offered_at;	/* its last offer */
	bool answered;		/* false: the no-answer timer runs */
	bool closing;		/* ended: only its guards left */
	time_t delete_at;	/* a delete-delay or guard tail; 0: none */
	time_t active_at;	/* its packet counters last moved, or (no
				 * kernel stream) its last offer or answer;
				 * 0: from the next check on */
	time_t next_check;	/* of the counters */
	int64_t last_packets;
	size_t cost;		/* bytes it is reckoned to hold */
	struct call_entry *next;
};

/* What the calls may hold, and for how long; 0: no limit. */
struct call_limits {
	unsigned int max_calls;
	unsigned int max_per_source;	/* calls offered from one address */
	size_t max_memory;		/* bytes, all calls together */
	unsigned int no_answer;		/* s an offer waits for an answer */
	unsigned int idle;		/* s without a packet */
	unsigned int session;		/* s a call may last */
};

struct calls {
	struct call_entry *head;
	unsigned int count;		/* closing calls included */
	size_t memory;			/* the calls' costs together */
	struct call_limits limits;
};

/* srtpd's defaults: the CALLS_* above, no session timeout. */
void calls_limits_defaults(struct call_limits *l);
/* An empty table, with the default limits. */
void calls_init(struct calls *t);

/* The call named @id, of any front end and closing ones included. */
struct call_entry *calls_find(struct calls *t, const char *id);
/* @e, or the first call after it, that belongs to @front; NULL at the end. */
struct call_entry *calls_next_of(struct call_entry *e,
				 const struct call_front *front);

/*
 * Whether a new call from @src (family 0: a local client) may start:
 * 0, or -1 with the reason in @err.
 */
int calls_admit(const struct calls *t, const struct sdp_conn *src,
		char *err, size_t errlen);

/* Links @e, whose id, front, origin and times are set, into the table. */
void calls_link(struct calls *t, struct call_entry *e);
/* Unlinks @e and gives back what it was charged. */
void calls_unlink(struct calls *t, struct call_entry *e);

/*
 * Reckons @e at @cost bytes from now on: 0, or -1 with the reason in
 * @err when that would take the calls past limits.max_memory.
 */
int calls_charge(struct calls *t, struct call_entry *e, size_t cost,
		 char *err, size_t errlen);

/*
 * An offer or answer of @e: a call without kernel streams, which has no
 * media srtpd could watch, is idle from here (the idle timeout).
 */
static inline void calls_touch(struct call_entry *e)
{
	e->active_at = 0;
	e->next_check = 0;
}

/* The calls that are not closing, all or those whose origin is @src. */
unsigned int calls_open(const struct calls *t, const struct sdp_conn *src);

/*
 * The timers at @now: every call whose delete-delay, no-answer, idle or
 * session timer ran out goes to its front's expire().  Returns when the
 * next is due (0: none), for a poll timeout.
 */
time_t calls_expire(struct calls *t, time_t now);

#endif /* NFSRTP_CALLS_H */
