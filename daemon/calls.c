// SPDX-License-Identifier: GPL-2.0
/*
 * calls: the one table of srtpd's calls, their limits and their timers.
 */

#include <string.h>

#include "calls.h"
#include "errmsg.h"

void calls_limits_defaults(struct call_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->max_calls = CALLS_MAX;
	l->max_per_source = CALLS_PER_SOURCE;
	l->max_memory = (size_t)CALLS_MEMORY_MAX << 20;
	l->no_answer = CALLS_NO_ANSWER;
	l->idle = CALLS_IDLE;
}

void calls_init(struct calls *t)
{
	memset(t, 0, sizeof(*t));
	calls_limits_defaults(&t->limits);
}

struct call_entry *calls_find(struct calls *t, const char *id)
{
	struct call_entry *e;

	for (e = t->head; e; e = e->next)
		if (!strcmp(e->id, id))
			return e;
	return NULL;
}

struct call_entry *calls_next_of(struct call_entry *e,
				 const struct call_front *front)
{
	for (; e; e = e->next)
		if (e->front == front)
			return e;
	return NULL;
}

static bool same_origin(const struct call_entry *e,
			const struct sdp_conn *src)
{
	return e->origin.family == src->family &&
	       !strcmp(e->origin.addr, src->addr);
}

unsigned int calls_open(const struct calls *t, const struct sdp_conn *src)
{
	const struct call_entry *e;
	unsigned int k = 0;

	for (e = t->head; e; e = e->next)
		k += !e->closing && (!src || same_origin(e, src));
	return k;
}

int calls_admit(const struct calls *t, const struct sdp_conn *src,
		char *err, size_t errlen)
{
	const struct call_limits *l = &t->limits;

	if (l->max_calls && t->count >= l->max_calls) {
		errmsg_set(err, errlen, "too many calls (%u, --max-calls)",
			   l->max_calls);
		return -1;
	}
	if (l->max_per_source && src->family &&
	    calls_open(t, src) >= l->max_per_source) {
		errmsg_set(err, errlen,
			   "too many calls from %s (%u, --max-calls-per-source)",
			   src->addr, l->max_per_source);
		return -1;
	}
	return 0;
}

void calls_link(struct calls *t, struct call_entry *e)
{
	e->next = t->head;
	t->head = e;
	t->count++;
}

void calls_unlink(struct calls *t, struct call_entry *e)
{
	struct call_entry **pp;

	for (pp = &t->head; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			t->count--;
			t->memory -= e->cost;
			e->cost = 0;
			e->next = NULL;
			return;
		}
	}
}

int calls_charge(struct calls *t, struct call_entry *e, size_t cost,
		 char *err, size_t errlen)
{
	size_t max = t->limits.max_memory;

	if (max && t->memory - e->cost + cost > max) {
		errmsg_set(err, errlen,
			   "the calls' memory is spent (%zu of %zu MiB, --max-memory)",
			   t->memory >> 20, max >> 20);
		return -1;
	}
	t->memory = t->memory - e->cost + cost;
	e->cost = cost;
	return 0;
}

static void sooner(time_t *next, time_t at)
{
	if (!*next || at < *next)
		*next = at;
}

/* Whether @e has moved no packet for the idle timeout at @now. */
static bool idle(const struct calls *t, struct call_entry *e, time_t now,
		 time_t *next)
{
	time_t timeout = t->limits.idle;
	int64_t packets;

	if (now >= e->next_check) {
		packets = e->front->packets(e->front->arg, e);
		/*
		 * Without kernel streams (-1: plain RTP on both legs, or
		 * every stream rejected) nothing moves: such a call is idle
		 * from its last offer or answer (calls_touch()).  Forgetting
		 * it removes no transform; a later re-offer starts it anew.
		 */
		if (!e->active_at ||
		    (packets >= 0 && packets != e->last_packets)) {
			e->last_packets = packets;
			e->active_at = now;
		}
		if (now - e->active_at >= timeout)
			return true;
		/* at least every quarter of the timeout, and when it ends */
		e->next_check = now + (timeout >= 4 ? timeout / 4 : 1);
		if (e->active_at + timeout < e->next_check)
			e->next_check = e->active_at + timeout;
	}
	sooner(next, e->next_check);
	return false;
}

/* Why @e has to go at @now ("" if it need not), and when to look. */
static const char *call_timer(const struct calls *t, struct call_entry *e,
			      time_t now, time_t *next)
{
	const struct call_limits *l = &t->limits;

	*next = 0;
	if (e->delete_at) {
		*next = e->delete_at;
		return e->delete_at <= now ? "its delete-delay ran out" : "";
	}
	if (l->session && now - e->created >= (time_t)l->session)
		return "its session timeout ran out";
	if (l->session)
		*next = e->created + (time_t)l->session;
	if (!e->answered) {
		if (!l->no_answer)
			return "";
		if (now - e->offered_at >= (time_t)l->no_answer)
			return "no answer came";
		sooner(next, e->offered_at + (time_t)l->no_answer);
		return "";
	}
	if (l->idle && e->front->packets && idle(t, e, now, next))
		return "no packet for the idle timeout";
	return "";
}

time_t calls_expire(struct calls *t, time_t now)
{
	struct call_entry *e, *next;
	const char *why;
	time_t due = 0, at;

	for (e = t->head; e; e = next) {
		next = e->next;
		why = call_timer(t, e, now, &at);
		if (why[0]) {
			if (!e->front->expire(e->front->arg, e, why, now))
				continue;	/* freed */
			at = e->delete_at;
		}
		if (at)
			sooner(&due, at);
	}
	return due;
}
