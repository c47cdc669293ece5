/* SPDX-License-Identifier: GPL-2.0 */
/*
 * relay: one flow of the bridge's plan, anchored.  The sender sends to
 * the router's ports on its own leg (@in), NAT relays to the receiver
 * from the router's ports on the receiver's leg (@out), and the kernel's
 * streams match the router's own ports on the wire of each leg
 * (datapath.md, "Anchored media"):
 *   - unprotect (SRTP from the sender), at prerouting before the DNAT:
 *     the sender's address (any port) to the router's @in ports;
 *   - protect (SRTP to the receiver), at postrouting after the SNAT: the
 *     router's @out ports to the receiver's address and ports.
 * The NAT table gets one relay for RTP and, unless RTCP is multiplexed,
 * one for RTCP.  Linux's NAT does not translate between IPv4 and IPv6: a
 * flow whose legs are of two families is relayed by srtpd itself
 * (nganchor.c, @user), its streams matching as they do under NAT: the
 * sender to the router's port before the socket, the router's port to
 * the receiver after srtpd sends.  Syntax and arithmetic only: the
 * ports are anchor.c's, the kernel's streams kset.c's, the table
 * natmap.c's.
 */

#ifndef NFSRTP_RELAY_H
#define NFSRTP_RELAY_H

#include <stddef.h>

#include "anchor.h"
#include "bridge.h"
#include "kstream.h"
#include "natmap.h"

struct relay_flow {
	struct kmatch in;		/* an unprotect stream's, if any */
	struct kmatch out;		/* a protect stream's, if any */
	struct natmap_relay relay[2];	/* RTP, then RTCP */
	unsigned int nrelay;		/* 1 when RTCP is multiplexed */
	bool user;			/* two families: srtpd relays */
};

/*
 * @f arriving at the router's ports @in and leaving from @out into @rf:
 * 0, or -1 with the reason in @err (an address that is not literal, or
 * not of the family of the router's port on its leg).
 */
int relay_flow(const struct bridge_flow *f, const struct anchor_ports *in,
	       const struct anchor_ports *out, struct relay_flow *rf,
	       char *err, size_t errlen);

#endif /* NFSRTP_RELAY_H */
