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
 *   - live4/live6: the router's (address, port) of every live relay.  The
 *     forward chain drops a packet of a flow NAT set up toward one of the
 *     router's media ports (ours4/ours6: its interfaces' addresses and the
 *     port range) whose relay is gone, and counts it (counter "stale"):
 *     a flow conntrack still remembers after its call ended is not
 *     forwarded, in clear or at all.
 * conntrack's reply direction carries the other peer's media back: from
 * the router's port on the second leg to wherever the first peer's media
 * came from, NAT or not.  nf_srtp's streams see the packets as they are on
 * the wire of their leg: unprotect at prerouting before the DNAT (the
 * router's own address and port as destination), protect at postrouting
 * after the SNAT (the router's own address as source).
 *
 * Each change is one nftables transaction: a relay's elements come and go
 * together.  natmap_text() is the text of a change (tested without a
 * kernel); natmap_apply() runs it through libnftables.
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

struct natmap {
	struct nft_ctx *nft;
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

/* Adds or deletes @n relays in one transaction: 0, or -1 with @err. */
int natmap_apply(struct natmap *nm, const struct natmap_relay *r, size_t n,
		 bool add, char *err, size_t errlen);

/* Deletes the table (every relay with it) and frees the context. */
void natmap_close(struct natmap *nm);

#endif /* NFSRTP_NATMAP_H */
