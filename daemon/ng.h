/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ng: rtpengine's control protocol, so that a SIP proxy's rtpengine module
 * (Kamailio's, unmodified) drives srtpd.  A request is one datagram: a
 * cookie, a space and a bencoded dictionary; the reply carries the same
 * cookie.  Commands: ping, offer, answer, delete, query, list.  Offer and
 * answer go through bridge.c (the policy and the proxy's options); the
 * streams are installed through struct ng_ops, and changed in place
 * (STREAM_SET) when a later answer or re-offer changes them, so that
 * media never meets a moment without its transform.  A media address
 * reaches the kernel only if it is the address the SDP was signalled
 * from ("received-from") or in a configured media network, and a port
 * only within the configured range.  With srtpd's media interfaces
 * (struct ng_anchoring), calls are anchored instead (nganchor.h): each
 * side's SDP names the router's ports, and the kernel's streams and NAT
 * relays join the legs.  Documentation/srtpd.8 lists every key read and
 * every option ignored.
 */

#ifndef NFSRTP_NG_H
#define NFSRTP_NG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>

#include "bencode.h"
#include "bridge.h"
#include "calls.h"
#include "config.h"
#include "kset.h"
#include "kstream.h"
#include "lib/nfsrtp.h"
#include "nganchor.h"
#include "trust.h"

#define NG_MSG_MAX	65535	/* a UDP datagram */
#define NG_COOKIE_MAX	64
#define NG_CACHE_SIZE	1024	/* replies kept for retransmissions */
#define NG_CACHE_BYTES	(4 << 20)	/* and at most this many bytes of them */
#define NG_CACHE_TTL	30	/* seconds */
#define NG_PORT_MIN	1024	/* default lowest media port */

/* What ng asks of the kernel; 0 or a negative errno. */
struct ng_ops {
	int (*add)(void *arg, const struct nfsrtp_stream *s, uint32_t *id,
		   char *err, size_t errlen);
	int (*del)(void *arg, uint32_t id);
	int (*get)(void *arg, uint32_t id, struct nfsrtp_stream *out);
	/* STREAM_SET: a new match and/or new crypto, atomically */
	int (*update)(void *arg, const struct nfsrtp_stream_update *u,
		      char *err, size_t errlen);
	/* a line for srtpd's log (calls created, answered, deleted) about
	 * call @call_id */
	void (*log)(void *arg, const char *call_id, const char *line);
	void *arg;
};

/*
 * A callee's answer, by its to-tag: early media (183) and the 200 of the
 * same branch, or the branches of a forked call.  Each branch has its own
 * keys toward the caller, kept from one answer of the branch to the next.
 */
struct ng_branch {
	bool used;
	char to_tag[128];
	char via_branch[128];
	struct sdp_conn src;		/* where its answer came from */
	struct sdes_crypto *a_keys[NEG_MEDIA_MAX];	/* per A m-line */
	/* our keys toward the callee, per media stream: a re-offer's */
	struct sdes_crypto *b_keys[NEG_MEDIA_MAX];
	char model[32];			/* the callee's phone model */
};

#define NG_BRANCHES_MAX	8
/* The branch of a guard (kset.h): it drops every packet toward its leg. */
#define NG_GUARD	KSET_GUARD
#define NG_GUARD_TAIL	5	/* default seconds of guard after a call */

struct ng_call {
	struct call_entry e;	/* in the one table: id, origin, timers */
	char from_tag[128];
	char model[32];
	char callee_model[32];	/* of the last offer, for its answers */
	bool offered;		/* a bridge (offer) is pending or done */
	bool by_callee;		/* the pending offer is a callee's re-offer */
	uint8_t callee_branch;	/* ... within this branch's dialog */
	/*
	 * The branch whose keys toward the callee the pending offer offers
	 * again, or -1: only that branch may answer it.
	 */
	int again_branch;
	/*
	 * The pending offer, until its answer: a digest of what made it
	 * (from-tag, models, options, SDP) and the SDP it forwarded (keys
	 * in it: wiped), so that the same offer again (a request the proxy
	 * passed twice) is forwarded the same, under the same keys.
	 */
	uint64_t offer_sum;
	char *offer_fwd;
	struct sdp_conn a_src;	/* where the offer came from */
	struct bridge *br;
	struct ng_branch branches[NG_BRANCHES_MAX];
	struct kset set;		/* its kernel streams */
	struct nga_call *ac;		/* anchored: its ports and relays */
	enum nga_addr offer_addr;	/* the pending offer's address flag */
};

/* What srtpd lets an SDP put into a kernel match. */
struct ng_trust {
	struct media_net nets[MEDIA_NETS_MAX];
	unsigned int nnets;
	unsigned int port_min, port_max;
	unsigned int delete_delay;	/* seconds, when a delete names none */
	unsigned int guard_tail;	/* seconds of guards after a call */
	struct media_net plain[MEDIA_NETS_MAX];	/* --plain-peer: no SRTP */
	unsigned int nplain;
};

/* Who sent a request: a proxy retransmits from the same socket. */
struct ng_peer {
	uint16_t family;	/* AF_INET, AF_INET6; AF_UNSPEC: unknown */
	uint16_t port;		/* network order */
	uint32_t scope;
	uint8_t addr[16];
};

/* A reply, with keys in its SDP: wiped when it expires or is evicted. */
struct ng_cached {
	char cookie[NG_COOKIE_MAX + 1];
	struct ng_peer peer;
	char *reply;
	size_t len;
	time_t when;
};

/* ping, offer, answer, delete, query, list, statistics, other */
#define NG_COMMANDS	8

/* The name of command index @i (< NG_COMMANDS) of struct ng's counters. */
const char *ng_command_name(unsigned int i);

struct ng {
	struct ng_ops ops;
	struct ng_trust trust;
	const struct srtp_config *cfg;	/* srtpd's current configuration */
	const char *model;		/* default phone model, or NULL */
	/* srtpd's media interfaces and ports: calls are anchored; or NULL */
	struct ng_anchoring *anchor;
	struct calls *calls;		/* srtpd's one table (calls.h) */
	struct call_front front;	/* ng's calls in it */
	struct ng_cached cache[NG_CACHE_SIZE];
	unsigned int cache_next;	/* the oldest entry's slot, or free */
	unsigned int cache_count;
	size_t cache_bytes;
	size_t cache_limit;		/* NG_CACHE_BYTES; tests lower it */
	unsigned long requests;
	unsigned long retransmits;
	/* the requests answered (not retransmits), by ng_command_name() */
	unsigned long commands[NG_COMMANDS];
	unsigned long command_errors[NG_COMMANDS];	/* of those: errors */
	unsigned long generation;	/* changes when streams do: save */
	uint64_t sum_key[2];		/* SipHash key of crypto_sum */
	/* the last request's error ("" when it succeeded), for the log */
	char last_error[640];
	char last_error_call[CALL_ID_MAX];	/* its call-id, or "" */
};

/* ng's calls go into @calls, which srtpd's other front end shares. */
void ng_init(struct ng *n, struct calls *calls, const struct ng_ops *ops,
	     const struct srtp_config *cfg, const char *model);
/* Removes every call's streams and frees everything. */
void ng_free(struct ng *n);

/*
 * Handles one request of @len bytes from @from (NULL: unknown) received
 * at @now.  *@reply (malloc'd, @rlen bytes) is what to send back.  A
 * request whose cookie the same sender used within NG_CACHE_TTL seconds
 * gets the kept reply; from another sender it is a new request.  Returns
 * 0, or -1 when the request has no usable cookie and gets no reply.
 */
int ng_handle(struct ng *n, const char *msg, size_t len,
	      const struct sockaddr *from, socklen_t fromlen, time_t now,
	      char **reply, size_t *rlen);

/*
 * Wipes and frees the kept replies older than NG_CACHE_TTL at @now
 * (ng_handle does it too).  ng_cache_next_expiry() is the number of
 * seconds until the next one expires, or -1 when none is kept.
 */
void ng_cache_expire(struct ng *n, time_t now);
int ng_cache_next_expiry(const struct ng *n, time_t now);

/* ng's call @id; NULL when there is none, or it is the other front's. */
struct ng_call *ng_find(struct ng *n, const char *id);

/* ng's calls in the table, one after another: NULL after the last. */
struct ng_call *ng_first(const struct ng *n);
struct ng_call *ng_next(const struct ng *n, const struct ng_call *c);

/* The defaults: ports from NG_PORT_MIN, NG_GUARD_TAIL, no networks. */
void ng_trust_defaults(struct ng_trust *t);

/* "MIN-MAX" into the trust's port range; 0, or -1 with @err. */
int ng_parse_ports(const char *s, struct ng_trust *t, char *err,
		   size_t errlen);

/*
 * The phone model named by a User-Agent (Polycom's "SPIP_601",
 * "SSIP_4000", ...) into @out; false when it names none.
 */
bool ng_model_from_ua(const char *ua, size_t len, char *out, size_t size);

/*
 * The state file: one line per installed call (its id, tags, model and
 * kernel stream ids; never a key), so that a restarted srtpd can delete
 * and query the calls it had, and one per deleted call's guards, which
 * the restarted srtpd removes.  ng_save() writes @path atomically;
 * ng_restore() adopts the calls of @path whose streams the kernel still
 * has (@exists says) and returns how many, or -1 with @err.
 */
int ng_save(const struct ng *n, const char *path, char *err, size_t errlen);
int ng_restore(struct ng *n, const char *path,
	       bool (*exists)(void *arg, uint32_t id), void *arg,
	       char *err, size_t errlen);

#endif /* NFSRTP_NG_H */
