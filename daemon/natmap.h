/* SPDX-License-Identifier: GPL-2.0 */
/*
 * natmap: the relay of anchored media, done by Linux's own NAT.
 *
 * srtpd owns one nftables table, "inet nfsrtp", in its network
 * namespace.  Its maps hold, per relayed direction of a media stream
 * (a "relay"), what conntrack's NAT does to the first packet of a flow:
 *   - dnat4/dnat6: (peer's address, router's address, router's port) to
 *     (other peer's address, its port), at prerouting before any other
 *     NAT (priority dstnat - 1).  The peer's address is part of the key,
 *     so a stranger's packets to the router's port are not relayed (they
 *     reach srtpd's socket, which holds the port);
 *   - snat4/snat6: (router's address, router's port), the flow's original
 *     destination, to the router's address and port on the other leg, at
 *     postrouting (srcnat - 1);
 *   - live4/live6: the router's (address, port) of every live relay, and
 *     ours4/ours6: its interfaces' addresses with the port range;
 *   - untracked (priority raw): a packet to one of ours without a live
 *     relay gets no conntrack entry, and is counted ("unrelayed"): it
 *     reaches the router itself, where srtpd's socket holds the port.
 *     A flow whose relay is gone is not relayed on by the conntrack
 *     entry NAT made for it, and a flow that began before its relay (a
 *     gateway sends before its answer reaches srtpd) leaves no local
 *     entry that would keep it from being NATed once the relay comes;
 *   - strangers (input): a packet to a live relay's port that reaches
 *     the router itself was not relayed (its sender is not the relay's
 *     peer): counted ("strangers") and dropped;
 *   - a changed or deleted relay's conntrack entry is deleted too
 *     (natmap_forget(), libnetfilter_conntrack): a port given to another
 *     call must not carry the old flow's NAT.
 * conntrack's reply direction carries the other peer's media back: from
 * the router's port on the second leg to wherever the first peer's media
 * came from, NAT or not.  nf_srtp's streams see the packets as they are on
 * the wire of their leg: unprotect at prerouting before the DNAT (the
 * router's own address and port as destination; latching, so that a new
 * NAT mapping of the peer takes the old one's place), protect at
 * postrouting after the SNAT, matched by the router's own address and
 * port alone (an open destination): whatever leaves from there toward
 * the SRTP leg is protected, to wherever conntrack sends it.
 *
 * Each change is one nftables transaction: a relay's elements come and go
 * together.  natmap_text() is the text of a change (tested without a
 * kernel); natmap_change() runs it through libnftables.
 */

#ifndef NFSRTP_NATMAP_H
#define NFSRTP_NATMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "anchor.h"
#include "strbuf.h"

#define NATMAP_TABLE	"nfsrtp"

/* One direction of one media stream (RTP or RTCP): all one family. */
struct natmap_relay {
	struct anchor_addr from;	/* the sending peer (any port) */
	struct anchor_addr local;	/* the router's address it sends to */
	unsigned int local_port;
	struct anchor_addr to;		/* the receiving peer */
	unsigned int to_port;
	struct anchor_addr out;		/* the router's address toward it */
	unsigned int out_port;
};

struct nft_ctx;
struct nfct_handle;

struct natmap {
	struct nft_ctx *nft;
	struct nfct_handle *ct;		/* conntrack's netlink */
};

/*
 * The table for the interfaces @ifs and the port range [@min, @max]: its
 * maps, sets and chains, with no relay.
 */
void natmap_table_text(struct strbuf *b, const struct anchor_ifs *ifs,
		       unsigned int min, unsigned int max);

/*
 * The commands that add (@add) or delete @n relays, appended to @b; -1
 * when a relay mixes families or has a port out of 1-65535.
 */
int natmap_text(struct strbuf *b, const struct natmap_relay *r, size_t n,
		bool add);

/*
 * Creates the table (replacing one a previous srtpd left): 0, or -1 with
 * nftables' message in @err.
 */
int natmap_open(struct natmap *nm, const struct anchor_ifs *ifs,
		unsigned int min, unsigned int max, char *err, size_t errlen);

/*
 * Deletes relays @del and adds @add in one transaction, then the
 * conntrack entries of both relays' flows (natmap_forget()): 0; -1 with
 * @err when the transaction failed (nothing changed); 1 with @err when
 * it was made but a conntrack entry could not be deleted.
 */
int natmap_change(struct natmap *nm, const struct natmap_relay *del,
		  size_t ndel, const struct natmap_relay *add, size_t nadd,
		  char *err, size_t errlen);

/*
 * Deletes the conntrack entries of the flows of @n relays (found by
 * the receiver's address and port and the router's on its leg): NAT
 * decided a flow's addresses at its first packet, and goes on relaying
 * it as it was.  0, or -1 with @err.
 */
int natmap_forget(struct natmap *nm, const struct natmap_relay *r, size_t n,
		  char *err, size_t errlen);

/* Deletes the table (every relay with it) and frees the context. */
void natmap_close(struct natmap *nm);

#endif /* NFSRTP_NATMAP_H */
