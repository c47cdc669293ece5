// SPDX-License-Identifier: GPL-2.0
/*
 * metrics: the Prometheus text format of srtpd's counters (metrics.h).
 * Names follow Prometheus' conventions: an nfsrtp_ prefix, counters end
 * in _total, units in the name (_bytes), one family per quantity with
 * its dimensions as labels.
 */

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"

static void put(struct strbuf *b, const char *s)
{
	strbuf_str(b, s);
}

static void putu(struct strbuf *b, uint64_t v)
{
	char n[24];

	snprintf(n, sizeof(n), "%" PRIu64, v);
	strbuf_str(b, n);
}

void metrics_label(struct strbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			strbuf_put(b, "\\\\", 2);
			break;
		case '"':
			strbuf_put(b, "\\\"", 2);
			break;
		case '\n':
			strbuf_put(b, "\\n", 2);
			break;
		default:
			strbuf_put(b, s, 1);
		}
	}
}

/* "# HELP name help\n# TYPE name type\n" */
static void family(struct strbuf *b, const char *name, const char *type,
		   const char *help)
{
	put(b, "# HELP ");
	put(b, name);
	put(b, " ");
	put(b, help);
	put(b, "\n# TYPE ");
	put(b, name);
	put(b, " ");
	put(b, type);
	put(b, "\n");
}

/* "name{label="value"} v\n"; @label NULL: no label */
static void sample(struct strbuf *b, const char *name, const char *label,
		   const char *value, uint64_t v)
{
	put(b, name);
	if (label) {
		put(b, "{");
		put(b, label);
		put(b, "=\"");
		metrics_label(b, value);
		put(b, "\"}");
	}
	put(b, " ");
	putu(b, v);
	put(b, "\n");
}

static void module_families(struct strbuf *b, const struct nfsrtp_stats *st)
{
	unsigned int r;

	family(b, "nfsrtp_up", "gauge",
	       "Whether srtpd could read nf_srtp's counters for this scrape.");
	sample(b, "nfsrtp_up", NULL, NULL, st != NULL);
	if (!st)
		return;
	family(b, "nfsrtp_streams", "gauge",
	       "Kernel streams installed in srtpd's network namespace, every user's.");
	sample(b, "nfsrtp_streams", NULL, NULL, st->streams);
	family(b, "nfsrtp_packets_total", "counter",
	       "Packets nf_srtp transformed in the namespace, by operation.");
	sample(b, "nfsrtp_packets_total", "op", "protect", st->protected);
	sample(b, "nfsrtp_packets_total", "op", "unprotect", st->unprotected);
	family(b, "nfsrtp_drops_total", "counter",
	       "Packets nf_srtp dropped in the namespace, by reason (auth: authentication failures; replay, too-old: replays).");
	for (r = 1; r <= NF_SRTP_DROP_MAX; r++)
		if (r != NF_SRTP_DROP_PAD)
			sample(b, "nfsrtp_drops_total", "reason",
			       nfsrtp_drop_name(r), st->drops[r]);
	family(b, "nfsrtp_stun_total", "counter",
	       "STUN messages the namespace's streams let through (RFC 7983).");
	sample(b, "nfsrtp_stun_total", NULL, NULL, st->stun);
}

static void ng_families(struct strbuf *b, const struct metrics *m)
{
	unsigned int i;

	if (!m->ng_commands)
		return;
	family(b, "nfsrtp_ng_requests_total", "counter",
	       "ng requests srtpd answered, by command (other: unknown or malformed), retransmits apart.");
	for (i = 0; i < NG_COMMANDS; i++)
		sample(b, "nfsrtp_ng_requests_total", "command",
		       ng_command_name(i), m->ng_commands[i]);
	family(b, "nfsrtp_ng_errors_total", "counter",
	       "ng requests answered with an error, by command.");
	for (i = 0; i < NG_COMMANDS; i++)
		sample(b, "nfsrtp_ng_errors_total", "command",
		       ng_command_name(i), m->ng_errors[i]);
	family(b, "nfsrtp_ng_retransmits_total", "counter",
	       "ng requests answered from the reply cache (a proxy's retransmits).");
	sample(b, "nfsrtp_ng_retransmits_total", NULL, NULL, m->ng_retransmits);
}

static void daemon_families(struct strbuf *b, const struct metrics *m)
{
	unsigned long open = 0, closing = 0;
	unsigned int i;
	size_t c;

	for (c = 0; c < m->ncalls; c++) {
		if (m->calls[c].closing)
			closing++;
		else
			open++;
	}
	family(b, "nfsrtp_calls", "gauge",
	       "Calls srtpd holds, by state (closing: deleted, guards left).");
	sample(b, "nfsrtp_calls", "state", "open", open);
	sample(b, "nfsrtp_calls", "state", "closing", closing);
	family(b, "nfsrtp_key_events_total", "counter",
	       "Kernel events srtpd received, by event.");
	for (i = 1; i < __NF_SRTP_EVENT_MAX; i++)
		sample(b, "nfsrtp_key_events_total", "event",
		       nfsrtp_event_name(i), m->events ? m->events[i] : 0);
	family(b, "nfsrtp_events_lost_total", "counter",
	       "Times srtpd's kernel events socket overran (events lost, streams looked up again).");
	sample(b, "nfsrtp_events_lost_total", NULL, NULL, m->events_lost);
	family(b, "nfsrtp_scrape_unreadable_streams", "gauge",
	       "Kernel streams of calls this scrape could not read: their calls' counters leave them out.");
	sample(b, "nfsrtp_scrape_unreadable_streams", NULL, NULL, m->unreadable);
	family(b, "nfsrtp_config_reloads_total", "counter",
	       "Configuration reloads (SIGHUP), by result.");
	sample(b, "nfsrtp_config_reloads_total", "result", "ok",
	       m->reloads - m->reload_errors);
	sample(b, "nfsrtp_config_reloads_total", "result", "error",
	       m->reload_errors);
}

/* The per-call families of struct kset_totals' counters. */
static const struct {
	const char *name, *help;
	size_t off;		/* of the uint64_t in struct kset_totals */
} call_counters[] = {
	{ "nfsrtp_call_rtp_packets_total",
	  "A call's RTP packets, each forwarded packet once (as ng query's totals).",
	  offsetof(struct kset_totals, packets) },
	{ "nfsrtp_call_rtp_bytes_total",
	  "A call's RTP bytes (UDP payload), as ng query's totals.",
	  offsetof(struct kset_totals, bytes) },
	{ "nfsrtp_call_rtp_errors_total",
	  "A call's RTP packets dropped, any reason.",
	  offsetof(struct kset_totals, errors) },
	{ "nfsrtp_call_rtcp_packets_total",
	  "A call's RTCP packets, each forwarded packet once.",
	  offsetof(struct kset_totals, rtcp_packets) },
	{ "nfsrtp_call_rtcp_bytes_total",
	  "A call's RTCP bytes (UDP payload).",
	  offsetof(struct kset_totals, rtcp_bytes) },
	{ "nfsrtp_call_rtcp_errors_total",
	  "A call's RTCP packets dropped, any reason.",
	  offsetof(struct kset_totals, rtcp_errors) },
	{ "nfsrtp_call_auth_failures_total",
	  "A call's SRTP and SRTCP packets that failed authentication.",
	  offsetof(struct kset_totals, auth) },
	{ "nfsrtp_call_replays_total",
	  "A call's SRTP and SRTCP packets dropped as replays or too old.",
	  offsetof(struct kset_totals, replay) },
};

/* name{call_id="...",front="..."} */
static void call_series(struct strbuf *b, const char *name,
			const struct metrics_call *c)
{
	put(b, name);
	put(b, "{call_id=\"");
	metrics_label(b, c->id);
	put(b, "\",front=\"");
	metrics_label(b, c->front);
	put(b, "\"} ");
}

static void call_families(struct strbuf *b, const struct metrics *m)
{
	size_t c, f;
	uint64_t v;

	family(b, "nfsrtp_call_streams", "gauge", "A call's kernel streams.");
	for (c = 0; c < m->ncalls; c++) {
		call_series(b, "nfsrtp_call_streams", &m->calls[c]);
		putu(b, m->calls[c].streams);
		put(b, "\n");
	}
	for (f = 0; f < sizeof(call_counters) / sizeof(call_counters[0]); f++) {
		family(b, call_counters[f].name, "counter", call_counters[f].help);
		for (c = 0; c < m->ncalls; c++) {
			memcpy(&v, (const char *)&m->calls[c].t +
			       call_counters[f].off, sizeof(v));
			call_series(b, call_counters[f].name, &m->calls[c]);
			putu(b, v);
			put(b, "\n");
		}
	}
}

void metrics_render(struct strbuf *b, const struct metrics *m)
{
	module_families(b, m->stats);
	daemon_families(b, m);
	ng_families(b, m);
	call_families(b, m);
}
