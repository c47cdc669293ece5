/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nganchor: an ng call anchored (anchor.h, relay.h, natmap.h).  Each
 * party of the call (the caller and the callee) gets an interface and,
 * per media stream, the router's RTP/RTCP ports on it; the SDP each party
 * receives names those, and the bridge's flows become kernel matches on
 * the router's own ports and NAT relays between the legs.
 *   - interfaces are chosen at the first offer: the offerer's by ng's
 *     first direction=, else toward the offerer's media address by
 *     routing; the answerer's by the second direction=, else the
 *     interface named "default", else the first one configured (the
 *     answerer's address is not known before its answer, as in rtpengine,
 *     which needs direction= for more than one interface too);
 *   - ports are reserved at the offer, kept over re-offers and answers,
 *     and released with the call;
 *   - a change of relays is one call of the relay operation (srtpd's:
 *     one nftables transaction, then the stale conntrack entries flushed),
 *     made after the kernel streams are in place and before they go, so
 *     no packet is relayed without its transform.
 * A media stream whose legs are of two families is relayed by srtpd
 * itself (struct nga_urelay).
 * The kernel streams of an anchored call are all in branch 0 of its kset:
 * every branch of a forked call answers on the same router ports, and
 * the last answer's plan replaces the previous one in place.
 */

#ifndef NFSRTP_NGANCHOR_H
#define NFSRTP_NGANCHOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "anchor.h"
#include "bridge.h"
#include "natmap.h"
#include "relay.h"

#define NGA_CALLER	0
#define NGA_CALLEE	1
#define NGA_RELAYS_MAX	(4 * NEG_MEDIA_MAX)

/* Where a party's media comes from: ng's trust-address and its opposite. */
enum nga_addr {
	NGA_ADDR_AUTO,		/* the SDP's if trusted, else the SIP source */
	NGA_ADDR_SDP,		/* trust-address */
	NGA_ADDR_SOURCE,	/* SIP-source-address */
};

/* An offer's or answer's anchoring options (ng's keys). */
struct nga_opts {
	char dir[2][ANCHOR_NAME_MAX];	/* direction=: offerer's, answerer's */
	bool replace_origin;		/* replace: origin */
	bool replace_session_conn;	/* replace: session-connection */
	enum nga_addr addr;
	int family;			/* address-family: the answerer's
					 * leg's (0: the offerer's) */
};

/* srtpd's anchoring: set when it has media interfaces. */
struct ng_anchoring {
	struct anchor_ifs ifs;
	struct anchor_pool pool;
	/*
	 * The sockets of the directions srtpd relays itself (nga_urelay),
	 * readable when a packet waits: nga_urelay_run() reads them.  -1:
	 * none can be relayed so (an answer that needs one is refused).
	 */
	int epfd;
	/*
	 * Removes relays @del and adds @add, in one change: 0, or -1 with
	 * the reason in @err (nothing changed then).
	 */
	int (*relay)(void *arg, const struct natmap_relay *del, size_t ndel,
		     const struct natmap_relay *add, size_t nadd, char *err,
		     size_t errlen);
	void *arg;
};

/*
 * A direction of a media stream whose legs are of two families: Linux's
 * NAT does not translate between IPv4 and IPv6, so srtpd carries its
 * packets from the router's socket on the sender's leg to its socket on
 * the receiver's.  nf_srtp's streams transform them on the way as under
 * NAT: unprotect before the socket, protect after srtpd sends.  Only
 * the sender's address is taken (others are counted as strangers); a
 * plain receiver's port follows where its own packets come from
 * (symmetric RTP), an SRTP receiver's stays the SDP's, the destination
 * its protect stream matches.
 */
struct nga_urelay {
	struct natmap_relay r;		/* what is relayed, as NAT would */
	bool fixed_to;			/* a protect stream matches r.to */
	int in_fd, out_fd;		/* the router's sockets on each leg */
	struct sockaddr_storage to;	/* where it sends now */
	socklen_t to_len;
	struct nga_urelay *reverse;	/* the direction back, or NULL */
	uint64_t packets, bytes;	/* relayed */
	uint64_t strangers;		/* from another address: dropped */
	uint64_t errors;		/* that could not be sent */
};

/* A user relay wanted: what ng.c's plan gives nga_relays_set(). */
struct nga_uspec {
	struct natmap_relay r;
	bool fixed_to;
};

/* One anchored call. */
struct nga_call {
	const struct anchor_if *ifc[2];		/* by party, NGA_CALLER... */
	struct anchor_ports ports[2][NEG_MEDIA_MAX];	/* by party, group */
	struct natmap_relay relays[NGA_RELAYS_MAX];	/* installed in NAT */
	size_t nrelays;
	struct nga_urelay urelays[NGA_RELAYS_MAX];	/* srtpd's own */
	size_t nurelays;
	bool planned;			/* a branch's plan is installed: */
	unsigned int plan_branch;	/* ... this one's */
};

/*
 * The offer @br made, from party @offerer whose media address is
 * @offerer_addr (NULL: unknown), under @o: interfaces chosen at the first
 * offer, ports reserved for each open RTP stream, and *@fwd (the SDP
 * toward the answerer, malloc'd) rewritten to name the answerer's leg.
 * 0, or -1 with @err (ports already held stay held: the call releases
 * them).  A stream that is not RTP cannot be anchored and is refused.
 */
int nga_offer(struct ng_anchoring *an, struct nga_call *ac,
	      const struct bridge *br, int offerer,
	      const struct anchor_addr *offerer_addr, const struct nga_opts *o,
	      char **fwd, char *err, size_t errlen);

/*
 * The answer *@fwd toward @offerer (malloc'd) rewritten to name the
 * offerer's leg: 0, or -1 with @err.
 */
int nga_answer(const struct nga_call *ac, const struct bridge *br,
	       int offerer, const struct nga_opts *o, char **fwd, char *err,
	       size_t errlen);

/*
 * Flow @f of a plan (its direction as the bridge of @offerer's offer
 * sees it) as kernel matches and relays: 0, or -1 with @err.
 */
int nga_flow(const struct nga_call *ac, const struct bridge_flow *f,
	     int offerer, struct relay_flow *rf, char *err, size_t errlen);

/*
 * Whether @n NAT relays @r and @nu of srtpd's @u can be installed (ports
 * in 1-65535, NAT's of one family): 0, or -1 with @err.  Checked before
 * the kernel's streams change, so that a plan whose relays would be
 * refused changes nothing.
 */
int nga_relays_check(const struct natmap_relay *r, size_t n,
		     const struct nga_uspec *u, size_t nu, char *err,
		     size_t errlen);

/*
 * A plan's relays, in two steps around the change of the kernel's
 * streams, so that no relay ever carries a flow whose streams are not
 * (yet, or any more) the ones it needs:
 *   - nga_relays_prune(): before, the installed relays the plan (@r, @u)
 *     does not have exactly are removed (in NAT: one transaction, then
 *     their conntrack entries), and srtpd's own are stopped;
 *   - nga_relays_set(): after, the plan's relays not yet installed are
 *     added, srtpd's own started.
 * 0, or -1 with @err.  Between the two, a flow whose relay changes is
 * not relayed: its packets stay on the router.
 */
int nga_relays_prune(struct ng_anchoring *an, struct nga_call *ac,
		     const struct natmap_relay *r, size_t n, char *err,
		     size_t errlen);
int nga_relays_set(struct ng_anchoring *an, struct nga_call *ac,
		   const struct natmap_relay *r, size_t n,
		   const struct nga_uspec *u, size_t nu, char *err,
		   size_t errlen);

/*
 * Removes every relay of the call (before its streams go): 0; -1 when
 * NAT's could not be removed (they stay, and so must the streams and
 * the ports they name).
 */
int nga_unplug(struct ng_anchoring *an, struct nga_call *ac);

/* Releases the call's ports (after its relays and streams are gone). */
void nga_release_ports(struct ng_anchoring *an, struct nga_call *ac);

/*
 * Relays the packets waiting on srtpd's own relays' sockets (an->epfd
 * readable): returns how many were relayed.
 */
unsigned int nga_urelay_run(struct ng_anchoring *an);

/* The pairs of ports @ac holds (query). */
unsigned int nga_ports_held(const struct nga_call *ac);

#endif /* NFSRTP_NGANCHOR_H */
