/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trust: what an SDP from an untrusted SIP peer may put into a kernel
 * match.  A media address must be the address the SDP's SIP message came
 * from, or in a configured media network (srtpd's --media-net); a media
 * port must be in the configured range (--media-ports).  Otherwise an
 * offer naming c=192.0.2.53 m=audio 53 would make the router transform,
 * and so drop, someone else's DNS.  Both front ends, ng and the control
 * socket, check every SDP they take from a peer with these functions.
 */

#ifndef NFSRTP_TRUST_H
#define NFSRTP_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdp.h"

/* A network media addresses may be in (besides the signalling source). */
struct media_net {
	int family;
	uint8_t addr[16];
	unsigned int prefix;
};

#define MEDIA_NETS_MAX	32

/* The checks' configuration (a view: the networks are not copied). */
struct media_trust {
	const struct media_net *nets;
	unsigned int nnets;
	unsigned int port_min, port_max;
};

/* "ADDR[/PREFIX]" into @out; 0, or -1 with @err. */
int media_parse_net(const char *s, struct media_net *out, char *err,
		    size_t errlen);
/* "MIN-MAX" (1-65535) into *@min and *@max; 0, or -1 with @err. */
int media_parse_ports(const char *s, unsigned int *min, unsigned int *max,
		      char *err, size_t errlen);

bool media_net_has(const struct media_net *net, int family,
		   const uint8_t *a);
/* Whether the literal address @src (family 0: none) is in one of @nets. */
bool media_in_nets(const struct media_net *nets, unsigned int n,
		   const struct sdp_conn *src);
bool media_addr_unspecified(int family, const uint8_t *a);

/*
 * Media address @conn, port @port and RTCP port @rtcp (0: not matched)
 * of a description signalled from @src (family 0: unknown), as the
 * kernel would match them: 0, or -1 with the reason in @err, which names
 * the description's owner @who ("the caller's").  The unspecified
 * address (hold, RFC 3264 8.4) is no match at all and passes.
 */
int media_check(const struct media_trust *t, const struct sdp_conn *src,
		const struct sdp_conn *conn, unsigned int port,
		unsigned int rtcp, const char *who, char *err, size_t errlen);
/* Every open RTP m-line of @d, signalled from @src, as media_check(). */
int media_check_sdp(const struct media_trust *t, const struct sdp *d,
		    const struct sdp_conn *src, const char *who, char *err,
		    size_t errlen);

#endif /* NFSRTP_TRUST_H */
