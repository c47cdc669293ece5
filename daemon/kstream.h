/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kstream: a call's nf_srtp streams, one builder for both front ends
 * (the control socket's calls, call.c, and ng's bridged calls, ng.c).
 *
 * Each installed kernel stream is remembered here by its id, its match
 * (no secret), its suite and session parameters, and keyed digests of
 * its crypto and of each key it holds (never a key).  A stream that
 * changes is changed in place by STREAM_SET, never deleted and added
 * again, so that no packet meets a moment without its transform:
 *   - a new match is taken over atomically (the kernel hashes the new
 *     one before the old one leaves);
 *   - new keys under the same suite and parameters are appended to the
 *     stream's keys, and the context with its ROC, replay window and
 *     SRTCP index goes on (a peer's new key is used from the first
 *     packet that opens under it; ours, with KSTREAM_ACTIVATE, at once);
 *   - a new suite or new session parameters (RTCP multiplexing among
 *     them) replace the context, which keeps its SSRC state (ROC,
 *     replay, indices);
 *   - the operation never changes: a stream is never removed and added
 *     again to become another.
 * kstream_put() is that one way, and kset.c's planner, which both front
 * ends use (call.c's endpoint calls, ng.c's bridged calls), its one user.
 */

#ifndef NFSRTP_KSTREAM_H
#define NFSRTP_KSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/nfsrtp.h"
#include "sdes.h"

/* What a call asks of the kernel; each returns 0 or a negative errno. */
struct kstream_ops {
	int (*add)(void *arg, const struct nfsrtp_stream *s, uint32_t *id,
		   char *err, size_t errlen);
	int (*del)(void *arg, uint32_t id);
	/* STREAM_SET: a new match and/or new crypto, atomically */
	int (*update)(void *arg, const struct nfsrtp_stream_update *u,
		      char *err, size_t errlen);
	/*
	 * a line for srtpd's log, about call @call_id ("" or NULL: none), or
	 * NULL
	 */
	void (*log)(void *arg, const char *call_id, const char *line);
	void *arg;
	const char *call_id;	/* the call whose streams these are, or NULL */
};

/* What a kernel stream matches (no secret: compared as it is). */
/*
 * A stream's match.  A protect match with an all-zero destination and
 * no destination port but a source port has an open destination (the
 * router's port of an anchored leg: kmatch_open_dst()); otherwise an
 * all-zero address is a side on hold.
 */
struct kmatch {
	uint8_t family;
	uint8_t saddr[16];
	uint8_t daddr[16];
	uint16_t sport;		/* 0: any */
	uint16_t dport;
	uint16_t rtcp_sport;
	uint16_t rtcp_dport;
};

#define KSTREAM_KEY_SUMS	4

/* One installed kernel stream, as the daemon knows it. */
struct kstream {
	uint32_t id;		/* 0: none */
	uint8_t op;		/* NF_SRTP_OP_* */
	bool mux;		/* RTCP multiplexed */
	struct kmatch match;
	uint64_t crypto_sum;	/* keyed digest of suite, flags and keys */
	/* the suite and session parameters installed (no secret) */
	uint32_t suite, flags, window;
	/*
	 * Keys given to the stream since its context was made: the index
	 * the kernel gives the next key appended (it numbers a context's
	 * keys 0, 1, ..., and reaped keys keep their numbers).
	 */
	unsigned int nkeys;
	/*
	 * Keyed digests of the last keys it was given, the newest last (a
	 * key older than these is given again, and the kernel refuses an MKI
	 * it holds: then the keys are replaced)
	 */
	uint64_t key_sums[KSTREAM_KEY_SUMS];
	unsigned int nkey_sums;
};

/* kstream_set(): appended keys of a protect stream become active at once */
#define KSTREAM_ACTIVATE	1u
/*
 * kstream_set(): the keys start a new session on the stream (it becomes a
 * guard, or another call's): a new crypto context without the old one's
 * SSRC state (NF_SRTP_A_STREAM_NEW_SESSION)
 */
#define KSTREAM_NEW_SESSION	2u
/*
 * Crypto line @c as kernel stream @s (its op already set) takes it: suite,
 * session parameters as flags, the replay window of an unprotect stream
 * (the WSH hint), and the keys.
 */
void kstream_crypto(struct nfsrtp_stream *s, const struct sdes_crypto *c,
		    bool mux);

/* @s's match into @m, and back (the rest of @s is left as it is). */
void kstream_match_of(const struct nfsrtp_stream *s, struct kmatch *m);
/* Whether @m matches by its source alone (see struct kmatch). */
bool kmatch_open_dst(const struct kmatch *m);
void kstream_to_match(const struct kmatch *m, struct nfsrtp_stream *s);

/* A digest of @s's suite, parameters and keys under the secret @key. */
uint64_t kstream_sum(const uint64_t key[2], const struct nfsrtp_stream *s);

/*
 * Installs @s; *@st then describes it.  0, or -1 with the kernel's reason
 * in @err.
 */
int kstream_add(const struct kstream_ops *o, const uint64_t key[2],
		const struct nfsrtp_stream *s, struct kstream *st, char *err,
		size_t errlen);

/*
 * Installed stream @st becomes @s in one STREAM_SET (nothing is sent when
 * nothing changed): its match, and its crypto as the comment at the top
 * says.  Keys @st already holds are not sent again.  Where the kernel
 * refuses an append (no free key slot), the keys are replaced, and that
 * is logged.  0, or -1 with @err when @s has another operation or the
 * kernel refused (@st is left as it is, and so is the kernel's stream).
 */
int kstream_set(const struct kstream_ops *o, const uint64_t key[2],
		struct kstream *st, const struct nfsrtp_stream *s,
		unsigned int flags, char *err, size_t errlen);

/*
 * Stream @st (id 0: none yet) becomes @s: added when there is none,
 * otherwise kstream_set() with @flags.  0, or -1 with @err (@st is left
 * as it was).
 */
int kstream_put(const struct kstream_ops *o, const uint64_t key[2],
		struct kstream *st, const struct nfsrtp_stream *s,
		unsigned int flags, char *err, size_t errlen);

/* A line for srtpd's log through @o->log (none when it is NULL). */
void kstream_log(const struct kstream_ops *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Removes @st from the kernel and forgets it. */
void kstream_del(const struct kstream_ops *o, struct kstream *st);

/*
 * SipHash-2-4 of @len bytes under @key: whether a stream's crypto changed
 * is decided on such digests, so that srtpd keeps no copy of keys it has
 * handed to the kernel, and no peer can choose keys that collide.
 */
uint64_t kstream_siphash(const uint64_t key[2], const void *p, size_t len);

/* A secret for kstream_sum(), from the kernel's random source. */
void kstream_sum_key(uint64_t key[2]);

#endif /* NFSRTP_KSTREAM_H */
