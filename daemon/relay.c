// SPDX-License-Identifier: GPL-2.0
/*
 * relay: an anchored flow as kernel matches and NAT relays (relay.h).
 */

#include <string.h>
#include <sys/socket.h>

#include "errmsg.h"
#include "relay.h"

int relay_flow(const struct bridge_flow *f, const struct anchor_ports *in,
	       const struct anchor_ports *out, struct relay_flow *rf,
	       char *err, size_t errlen)
{
	struct anchor_addr from, to;
	const struct anchor_addr *lin = &in->ifc->local;
	const struct anchor_addr *lout = &out->ifc->local;
	bool mux = f->rtcp_mux;
	size_t len;

	memset(rf, 0, sizeof(*rf));
	if (anchor_addr_parse(f->from.addr, &from) ||
	    anchor_addr_parse(f->to.addr, &to)) {
		errmsg_set(err, errlen,
			   "media address %s or %s is not a literal address",
			   f->from.addr, f->to.addr);
		return -1;
	}
	if (from.family != lin->family || to.family != lout->family) {
		errmsg_set(err, errlen,
			   "%s to %s: the router's ports are %s and %s, of another family",
			   from.str, to.str, lin->str, lout->str);
		return -1;
	}
	/* Linux's NAT does not translate between IPv4 and IPv6: srtpd does */
	rf->user = lin->family != lout->family;

	len = anchor_addr_len(from.family);
	rf->in.family = (uint8_t)from.family;
	memcpy(rf->in.saddr, from.a, len);
	memcpy(rf->in.daddr, lin->a, len);
	rf->in.dport = (uint16_t)in->rtp;
	rf->in.rtcp_dport = (uint16_t)(mux ? 0 : in->rtcp);

	/*
	 * Protect by the router's port alone (an open destination): NAT
	 * sends the flow wherever the receiver's media comes from.
	 */
	len = anchor_addr_len(to.family);
	rf->out.family = (uint8_t)to.family;
	memcpy(rf->out.saddr, lout->a, len);
	rf->out.sport = (uint16_t)out->rtp;
	rf->out.rtcp_sport = (uint16_t)(mux ? 0 : out->rtcp);

	rf->relay[0] = (struct natmap_relay){
		.from = from, .local = *lin, .local_port = in->rtp,
		.to = to, .to_port = f->to_port,
		.out = *lout, .out_port = out->rtp,
	};
	rf->nrelay = 1;
	if (!mux) {
		rf->relay[1] = rf->relay[0];
		rf->relay[1].local_port = in->rtcp;
		rf->relay[1].to_port = f->to_rtcp_port;
		rf->relay[1].out_port = out->rtcp;
		rf->nrelay = 2;
	}
	return 0;
}
