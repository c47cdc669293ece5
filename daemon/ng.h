/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ng: rtpengine's control protocol, so that a SIP proxy's rtpengine module
 * (Kamailio's, unmodified) drives srtpd.  A request is one datagram: a
 * cookie, a space and a bencoded dictionary; the reply carries the same
 * cookie.  Commands: ping, offer, answer, delete, query, list.  Offer and
 * answer go through bridge.c (the policy and the proxy's options); the
 * streams are installed through struct ng_ops.  Documentation/srtpd.8
 * lists every key read and every option ignored.
 */

#ifndef NFSRTP_NG_H
#define NFSRTP_NG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "bencode.h"
#include "bridge.h"
#include "config.h"
#include "lib/nfsrtp.h"

#define NG_MSG_MAX	65535	/* a UDP datagram */
#define NG_COOKIE_MAX	64
#define NG_CACHE_SIZE	1024	/* replies kept for retransmissions */
#define NG_CACHE_TTL	30	/* seconds */
#define NG_CALLS_MAX	10000
#define NG_STREAMS_MAX	(4 * NEG_MEDIA_MAX)	/* per call */

/* What ng asks of the kernel; 0 or a negative errno. */
struct ng_ops {
	int (*add)(void *arg, const struct nfsrtp_stream *s, uint32_t *id,
		   char *err, size_t errlen);
	int (*del)(void *arg, uint32_t id);
	int (*get)(void *arg, uint32_t id, struct nfsrtp_stream *out);
	void *arg;
};

/* One kernel stream of a call, and what it is for. */
struct ng_stream {
	uint32_t id;
	bool a_to_b;
	uint8_t op;		/* NF_SRTP_OP_* */
};

struct ng_call {
	char id[256];
	char from_tag[128];
	char to_tag[128];
	char model[32];
	time_t created;
	bool offered;		/* a bridge (offer) is pending or done */
	bool answered;		/* streams installed */
	struct bridge *br;
	struct ng_stream streams[NG_STREAMS_MAX];
	unsigned int nstreams;
	struct ng_call *next;
};

struct ng_cached {
	char cookie[NG_COOKIE_MAX + 1];
	char *reply;
	size_t len;
	time_t when;
};

struct ng {
	struct ng_ops ops;
	const struct srtp_config *cfg;	/* srtpd's current configuration */
	const char *model;		/* default phone model, or NULL */
	struct ng_call *calls;
	unsigned int ncalls;
	struct ng_cached cache[NG_CACHE_SIZE];
	unsigned int cache_next;
	unsigned long requests;
	unsigned long retransmits;
	unsigned long generation;	/* changes when streams do: save */
	/* the last request's error ("" when it succeeded), for the log */
	char last_error[640];
};

void ng_init(struct ng *n, const struct ng_ops *ops,
	     const struct srtp_config *cfg, const char *model);
/* Removes every call's streams and frees everything. */
void ng_free(struct ng *n);

/*
 * Handles one request of @len bytes received at @now.  *@reply (malloc'd,
 * @rlen bytes) is what to send back.  Returns 0, or -1 when the request
 * has no usable cookie and gets no reply.
 */
int ng_handle(struct ng *n, const char *msg, size_t len, time_t now,
	      char **reply, size_t *rlen);

struct ng_call *ng_find(struct ng *n, const char *id);

/*
 * The phone model named by a User-Agent (Polycom's "SPIP_601",
 * "SSIP_4000", ...) into @out; false when it names none.
 */
bool ng_model_from_ua(const char *ua, size_t len, char *out, size_t size);

/*
 * The state file: one line per installed call (its id, tags, model and
 * kernel stream ids; never a key), so that a restarted srtpd can delete
 * and query the calls it had.  ng_save() writes @path atomically;
 * ng_restore() adopts the calls of @path whose streams the kernel still
 * has (@exists says) and returns how many, or -1 with @err.
 */
int ng_save(const struct ng *n, const char *path, char *err, size_t errlen);
int ng_restore(struct ng *n, const char *path,
	       bool (*exists)(void *arg, uint32_t id), void *arg,
	       char *err, size_t errlen);

#endif /* NFSRTP_NG_H */
