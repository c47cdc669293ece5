/* SPDX-License-Identifier: GPL-2.0 */
/*
 * anchor: srtpd as the media endpoint of each call leg.
 *
 * Anchored, the SDP each side sees names the router's own address and
 * ports on that side, and the router relays the media between the legs.
 * This file holds what that needs before any packet moves:
 *   - media interfaces, written as rtpengine's are, "[NAME/]LOCAL[!ADV]":
 *     LOCAL is the address srtpd binds and the kernel matches, ADV the one
 *     written into SDP (a box behind a 1:1 NAT; ADV defaults to LOCAL);
 *     one address per family and name, since srtpd offers no ICE
 *     alternatives;
 *   - the choice of a leg's interface: by name (ng's direction=), else the
 *     one whose address the routing table uses toward the peer;
 *   - a pool of media ports: a leg's RTP port (even) and RTCP port (the
 *     next one) are each held by a bound UDP socket, so that no other
 *     program and no other leg takes them, until the leg is released;
 *   - the rewriting of one SDP for one leg: media ports and connection
 *     addresses become the router's, o= and the session's c= too when the
 *     proxy asks (replace-origin, replace-session-connection), and a=rtcp
 *     names the router's RTCP port.  ICE lines are bridge.c's to remove.
 * No netlink and no nftables here.
 */

#ifndef NFSRTP_ANCHOR_H
#define NFSRTP_ANCHOR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "sdp.h"

#define ANCHOR_IF_MAX	16	/* interfaces (a name and a family each) */
#define ANCHOR_NAME_MAX	32	/* a name's length, with its NUL */
#define ANCHOR_PORT_MIN	1024	/* no media port below it */
#define ANCHOR_PORTS_MIN	30000	/* the default range, rtpengine's */
#define ANCHOR_PORTS_MAX	40000

struct anchor_addr {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t a[16];			/* network order; 4 bytes for IPv4 */
	char str[INET6_ADDRSTRLEN];	/* as inet_ntop() writes it */
};

struct anchor_if {
	char name[ANCHOR_NAME_MAX];
	struct anchor_addr local;	/* bound; what the kernel matches */
	struct anchor_addr adv;		/* written into SDP */
};

struct anchor_ifs {
	struct anchor_if v[ANCHOR_IF_MAX];
	unsigned int n;
};

/*
 * "[NAME/]LOCAL[!ADV]" into @out (NAME "default" when left out): LOCAL
 * and ADV unicast addresses of one family, NAME letters, digits and
 * "_.:-".  0, or -1 with the reason in @err.
 */
int anchor_if_parse(const char *spec, struct anchor_if *out, char *err,
		    size_t errlen);

/*
 * Adds @spec to @s: refused (-1, @err) when malformed, when @s is full,
 * or when an interface of that name already has an address of that
 * family.
 */
int anchor_ifs_add(struct anchor_ifs *s, const char *spec, char *err,
		   size_t errlen);

/* The interface @name of @family, or NULL. */
const struct anchor_if *anchor_if_by_name(const struct anchor_ifs *s,
					  const char *name, int family);

/*
 * The interface toward @peer: the one whose LOCAL address the routing
 * table picks as the source toward it, else the only interface of the
 * family.  NULL with the reason in @err when neither exists.
 */
const struct anchor_if *anchor_if_toward(const struct anchor_ifs *s,
					 const struct anchor_addr *peer,
					 char *err, size_t errlen);

/* A literal address (no name lookup) into @out; 0 or -1. */
int anchor_addr_parse(const char *s, struct anchor_addr *out);

/* The length of an address of @family: 16 for AF_INET6, else 4. */
size_t anchor_addr_len(int family);

/* @a and @port as a socket address into @ss; its length. */
socklen_t anchor_sockaddr(const struct anchor_addr *a, unsigned int port,
			  struct sockaddr_storage *ss);

/*
 * A held port's socket takes no packet (@drop): a socket filter drops
 * each one before it is queued (the kernel counts it in UDP InErrors),
 * since srtpd reads none and a stranger could otherwise fill every held
 * socket's buffer.  Without (@drop false), it receives: srtpd relays its
 * packets itself (nganchor.c).  0, or -1 with errno.
 */
int anchor_port_filter(int fd, bool drop);

/* One leg's media ports on one interface. */
struct anchor_ports {
	const struct anchor_if *ifc;
	unsigned int rtp;		/* even */
	unsigned int rtcp;		/* rtp + 1 */
	int fd_rtp, fd_rtcp;		/* the sockets that hold them */
};

/* The media ports srtpd hands out, per interface. */
struct anchor_pool {
	const struct anchor_ifs *ifs;
	unsigned int min, max;		/* RTP ports: even ones in [min, max - 1] */
	unsigned int next[ANCHOR_IF_MAX];	/* where the next search starts */
	unsigned int held[ANCHOR_IF_MAX];	/* pairs held, per interface */
	uint64_t *bits[ANCHOR_IF_MAX];	/* one bit per RTP port held */
};

/*
 * "MIN-MAX", both in [ANCHOR_PORT_MIN, 65535], with room for at least
 * one even/odd pair, into *@min and *@max; 0, or -1 with @err.
 */
int anchor_parse_range(const char *s, unsigned int *min, unsigned int *max,
		       char *err, size_t errlen);

/* The pool over @ifs (kept by reference) and [@min, @max]: 0 or -1. */
int anchor_pool_init(struct anchor_pool *p, const struct anchor_ifs *ifs,
		     unsigned int min, unsigned int max, char *err,
		     size_t errlen);
void anchor_pool_free(struct anchor_pool *p);

/* How many RTP/RTCP pairs of @p can be held at most on one interface. */
unsigned int anchor_pool_pairs(const struct anchor_pool *p);

/*
 * Reserves a free RTP/RTCP pair on @ifc: binds both ports of LOCAL,
 * skipping those held by srtpd or by another program.  0; -1 with the
 * reason in @err when every pair of the range is taken (errno ENOSPC) or
 * when LOCAL cannot be bound (errno as bind() set it).
 */
int anchor_reserve(struct anchor_pool *p, const struct anchor_if *ifc,
		   struct anchor_ports *out, char *err, size_t errlen);

/* Releases @r (closes its sockets); a released or zeroed @r is a no-op. */
void anchor_release(struct anchor_pool *p, struct anchor_ports *r);

/* Pairs @p holds on @ifc. */
unsigned int anchor_pool_held(const struct anchor_pool *p,
			      const struct anchor_if *ifc);

/* What the router puts in one m-line of a leg's SDP. */
struct anchor_media {
	bool anchored;			/* false: the m-line as it is */
	unsigned int rtp, rtcp;		/* rtcp == rtp: RTCP multiplexed */
};

struct anchor_sdp_opts {
	const struct anchor_if *ifc;	/* the leg's interface */
	bool replace_origin;		/* o= names the router */
	bool replace_session_conn;	/* the session's c= too */
};

/*
 * Rewrites @d for the leg @o->ifc faces, @am one entry per m-line (@n of
 * them): an anchored open m-line gets the router's RTP port, its own c=
 * with the advertised address (in place of any it had) and
 * "a=rtcp:PORT IN IP4|IP6 ADDR" (in place of any); a closed one (port 0)
 * keeps its port, and a c= of its own names the router too.  0, or -1
 * with @err (an m-line of several ports, a malformed o=, no memory).
 */
int anchor_sdp_rewrite(struct sdp *d, const struct anchor_media *am,
		       size_t n, const struct anchor_sdp_opts *o, char *err,
		       size_t errlen);

#endif /* NFSRTP_ANCHOR_H */
