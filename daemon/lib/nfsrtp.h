/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnfsrtp: drive the nf_srtp kernel module over generic netlink.
 *
 * One handle per thread.  Every function returns 0 or a negative errno;
 * on failure nfsrtp_last_error() returns the kernel's extended ACK message
 * (which names the offending attribute) or a description of the error.
 */

#ifndef NFSRTP_H
#define NFSRTP_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/nf_srtp.h>

struct nfsrtp;

#define NFSRTP_KEYS_MAX		16
#define NFSRTP_MKI_MAX		128

/* A master key.  key/salt are write-only: dumps leave them zero. */
struct nfsrtp_key {
	uint8_t key[32];
	uint8_t salt[14];
	unsigned int key_len;
	unsigned int salt_len;
	uint8_t mki[NFSRTP_MKI_MAX];
	unsigned int mki_len;		/* 0: no MKI */
	uint64_t lifetime;		/* packets; 0: the default, 2^48 */
	uint32_t index;			/* dumps: position in the stream */
	uint64_t packets;		/* dumps: packets processed with it */
	bool active;			/* dumps: the key protect uses */
};

/* A latching stream's peer (NF_SRTP_F_LATCH); port 0: none yet. */
struct nfsrtp_peer {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
};

struct nfsrtp_stream {
	uint32_t id;			/* chosen by the kernel */
	uint8_t op;			/* NF_SRTP_OP_* */
	int family;			/* AF_INET or AF_INET6 */
	bool has_saddr;			/* false: any source address */
	uint8_t saddr[16];
	uint8_t daddr[16];		/* all zero, dport 0: any (protect,
					 * by the source address and port) */
	uint16_t sport;			/* 0: any */
	uint16_t dport;			/* 0: any destination (see daddr) */
	uint16_t rtcp_sport;		/* 0: default (sport + 1) */
	uint16_t rtcp_dport;		/* 0: default (dport + 1) */
	uint32_t suite;			/* enum nf_srtp_suite */
	uint32_t flags;			/* NF_SRTP_F_* */
	uint32_t window;		/* 0: the default */
	/*
	 * SSRC pinning: with @pinned, the stream transforms only packets of
	 * SSRC @pin_ssrc (RTP SSRC; RTCP sender SSRC) and drops any other
	 * SSRC (NF_SRTP_DROP_SSRC_PIN) before any crypto or state change.
	 * Without it (the default), the stream takes up to 8 live SSRCs.
	 * Any value is an SSRC, 0 too.  Dumps: the stream's pin.
	 */
	bool pinned;
	uint32_t pin_ssrc;
	unsigned int nkeys;
	struct nfsrtp_key keys[NFSRTP_KEYS_MAX];
	/* Dumps only. */
	uint64_t packets;
	uint64_t bytes;
	uint64_t drops[NF_SRTP_DROP_MAX + 1];
	uint64_t stun;			/* STUN let through (RFC 7983) */
	uint64_t rtcp_packets;		/* of @packets, RTCP */
	uint64_t rtcp_bytes;		/* of @bytes, RTCP */
	uint64_t rtcp_drops;		/* of @drops (all reasons), RTCP */
	uint64_t latches;		/* times the peer moved */
	/*
	 * NF_SRTP_F_LATCH: RTP's and RTCP's peer (dumps), or the one to
	 * start from (add; port 0: none).
	 */
	struct nfsrtp_peer peer;
	struct nfsrtp_peer rtcp_peer;
};

struct nfsrtp_stats {
	uint32_t version;	/* the module's API version */
	uint32_t streams;	/* streams installed in this namespace */
	uint64_t protected;	/* packets protected in this namespace */
	uint64_t unprotected;	/* packets unprotected */
	uint64_t drops[NF_SRTP_DROP_MAX + 1];	/* by enum nf_srtp_drop */
	uint32_t defrag;	/* NF_SRTP_DEFRAG_IPV4 | NF_SRTP_DEFRAG_IPV6 */
	uint64_t stun;		/* STUN messages streams let through */
};

/*
 * Connect to the nf_srtp family of the caller's network namespace.
 * -ENOENT: the family is not registered (the module is not loaded).
 */
int nfsrtp_open(struct nfsrtp **out);
void nfsrtp_close(struct nfsrtp *h);

int nfsrtp_get_stats(struct nfsrtp *h, struct nfsrtp_stats *stats);

/* Installs @s; the kernel's id for it goes to *id. */
int nfsrtp_stream_add(struct nfsrtp *h, const struct nfsrtp_stream *s,
		      uint32_t *id);
int nfsrtp_stream_del(struct nfsrtp *h, uint32_t id);
int nfsrtp_stream_get(struct nfsrtp *h, uint32_t id,
		      struct nfsrtp_stream *out);
/*
 * Calls @cb for every stream of the namespace; a non-zero return stops.
 * -EINTR: streams were added, removed or changed while the kernel dumped
 * them (NLM_F_DUMP_INTR), so @cb may have missed a stream or seen an old
 * state of one; the dump is worth running again.
 */
int nfsrtp_stream_dump(struct nfsrtp *h,
		       int (*cb)(const struct nfsrtp_stream *s, void *arg),
		       void *arg);
int nfsrtp_stream_flush(struct nfsrtp *h);

/* What nfsrtp_stream_set() changes. */
struct nfsrtp_stream_update {
	uint32_t id;
	unsigned int nkeys;		/* keys to append (or the new keys) */
	struct nfsrtp_key keys[NFSRTP_KEYS_MAX];
	bool set_active;
	uint32_t active;		/* index of the key to use */
	bool set_params;		/* replace the context: */
	uint32_t suite;			/* NF_SRTP_SUITE_*; 0: keep */
	uint32_t flags;			/* NF_SRTP_F_* */
	uint32_t window;		/* 0: keep */
	/*
	 * A new match (family, addresses and ports of this stream), taken
	 * over atomically: every packet of the old or the new match meets
	 * the stream meanwhile.  NULL: keep.
	 */
	const struct nfsrtp_stream *match;
	/*
	 * With @set_pin, a new pin: pinned to @pin_ssrc if @pinned, else
	 * none (see struct nfsrtp_stream).  Atomic: each packet meets the
	 * old pin or the new one; the SSRC state stays.  The kernel changes
	 * it last, only if the rest of the request succeeds.
	 */
	bool set_pin;
	bool pinned;
	uint32_t pin_ssrc;
	/*
	 * With @set_params: the keys start a new session on the stream
	 * (another call on its match), whose context does not take the old
	 * one's SSRC state (ROC, replay windows, SRTCP indices, retired
	 * SSRCs, pin) over.  The keys must be new.
	 */
	bool new_session;
};

int nfsrtp_stream_set(struct nfsrtp *h, const struct nfsrtp_stream_update *u);

/* An event of the "events" multicast group. */
struct nfsrtp_event {
	unsigned int type;		/* enum nf_srtp_event, NFSRTP_EVENT_LOST */
	uint32_t stream;
	int key_index;			/* -1 when the event names no key */
	unsigned int mki_len;		/* that key's MKI, if it has one */
	uint8_t mki[NFSRTP_MKI_MAX];
	uint32_t ssrc;			/* NF_SRTP_EVENT_NEW_SSRC */
	struct nfsrtp_peer peer;	/* NF_SRTP_EVENT_LATCH: RTP's peer */
	struct nfsrtp_peer rtcp_peer;	/* and RTCP's (port 0: none yet) */
};

/*
 * Not a kernel event: the events socket overran and events were lost
 * (nfsrtp_monitor() goes on; a stream dump resynchronises).
 */
#define NFSRTP_EVENT_LOST	0x100

/*
 * Joins the events group on @h and calls @cb for every event until @cb
 * returns non-zero or @timeout_ms (< 0: forever) passes without one.  An
 * overrun of the socket (a burst of events, a slow reader) is told to
 * @cb as an event of type NFSRTP_EVENT_LOST, and the monitor goes on.
 * Returns 0, or a negative errno.  @h is used for nothing else then.
 */
int nfsrtp_monitor(struct nfsrtp *h,
		   int (*cb)(const struct nfsrtp_event *ev, void *arg),
		   void *arg, int timeout_ms);
const char *nfsrtp_event_name(unsigned int type);

/*
 * For an event loop: joins the events group on @h (used for nothing else
 * then), gives its socket a 4 MiB receive buffer (what SO_RCVBUF allows
 * without CAP_NET_ADMIN) and returns the socket's file descriptor to
 * poll, or a negative errno.  nfsrtp_events_read() then delivers the
 * queued events without
 * blocking; -ENOBUFS means the socket overran and events were lost (dump
 * the streams to resynchronise).
 */
int nfsrtp_events_open(struct nfsrtp *h);
int nfsrtp_events_read(struct nfsrtp *h,
		       int (*cb)(const struct nfsrtp_event *ev, void *arg),
		       void *arg);

/* Names, for output: "AES_CM_128_HMAC_SHA1_80", "auth", ... */
const char *nfsrtp_suite_name(uint32_t suite);
uint32_t nfsrtp_suite_by_name(const char *name);	/* 0: unknown */
const char *nfsrtp_drop_name(unsigned int reason);

/* Wipes the key material of @s. */
void nfsrtp_stream_wipe(struct nfsrtp_stream *s);

/* A human readable explanation of the last failure on this handle. */
const char *nfsrtp_last_error(const struct nfsrtp *h);

#endif /* NFSRTP_H */
