/* SPDX-License-Identifier: GPL-2.0 */
/*
 * metrics: srtpd's counters in the Prometheus text exposition format
 * (version 0.0.4), for --metrics.  What a scrape shows is gathered by
 * srtpd into struct metrics; metrics_render() only formats it, so that
 * the format is tested without a kernel.  No key is ever part of it.
 */

#ifndef NFSRTP_METRICS_H
#define NFSRTP_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "kset.h"
#include "lib/nfsrtp.h"
#include "ng.h"
#include "strbuf.h"

/* One call: its traffic as ng's query reports it (kset_totals()). */
struct metrics_call {
	const char *id;		/* the Call-ID: any bytes a SIP peer chose */
	const char *front;	/* "ng", "control" */
	bool closing;		/* deleted: only its guards left */
	unsigned int streams;	/* its kernel streams */
	struct kset_totals t;
};

struct metrics {
	/* the namespace's module counters; NULL when they cannot be read */
	const struct nfsrtp_stats *stats;
	/* ng's requests and errors by command; NULL without --ng */
	const unsigned long *ng_commands, *ng_errors;
	unsigned long ng_retransmits;
	/* kernel events srtpd received, by type (< __NF_SRTP_EVENT_MAX) */
	const unsigned long *events;
	unsigned long events_lost;	/* overruns of the events socket */
	unsigned long reloads, reload_errors;	/* SIGHUP */
	/* the calls' kernel streams this scrape could not read */
	unsigned long unreadable;
	const struct metrics_call *calls;
	size_t ncalls;
};

/*
 * Appends @m in the text format to @b: every family with its HELP and
 * TYPE lines, label values escaped.  @b->oom says whether it fit.
 */
void metrics_render(struct strbuf *b, const struct metrics *m);

/* @s as a label value: backslash, double quote and newline escaped. */
void metrics_label(struct strbuf *b, const char *s);

#endif /* NFSRTP_METRICS_H */
