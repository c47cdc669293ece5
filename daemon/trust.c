// SPDX-License-Identifier: GPL-2.0
/*
 * trust: the media address and port checks of trust.h.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "errmsg.h"
#include "trust.h"

static unsigned int addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

int media_parse_net(const char *s, struct media_net *out, char *err,
		    size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long prefix;
	char *end;

	memset(out, 0, sizeof(*out));
	if (len >= sizeof(addr))
		goto bad;
	memcpy(addr, s, len);
	addr[len] = '\0';
	out->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(out->family, addr, out->addr) != 1)
		goto bad;
	out->prefix = 8 * addr_len(out->family);
	if (slash) {
		errno = 0;
		prefix = strtoul(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || prefix > out->prefix)
			goto bad;
		out->prefix = (unsigned int)prefix;
	}
	return 0;
bad:
	errmsg_set(err, errlen,
		"\"%s\": not an IPv4 or IPv6 address with an optional /PREFIX",
		s);
	return -1;
}

int media_parse_ports(const char *s, unsigned int *min, unsigned int *max,
		      char *err, size_t errlen)
{
	unsigned int lo, hi;
	char tail;

	if (sscanf(s, "%u-%u%c", &lo, &hi, &tail) != 2 || !lo || lo > hi ||
	    hi > 65535) {
		errmsg_set(err, errlen,
			"\"%s\": not a port range MIN-MAX within 1-65535", s);
		return -1;
	}
	*min = lo;
	*max = hi;
	return 0;
}

bool media_net_has(const struct media_net *net, int family,
		   const uint8_t *a)
{
	unsigned int full = net->prefix / 8, rest = net->prefix % 8;

	if (net->family != family || memcmp(net->addr, a, full))
		return false;
	return !rest || !((net->addr[full] ^ a[full]) & (0xff << (8 - rest)));
}

bool media_in_nets(const struct media_net *nets, unsigned int n,
		   const struct sdp_conn *src)
{
	uint8_t a[16];
	unsigned int i;

	if (!src->family || inet_pton(src->family, src->addr, a) != 1)
		return false;
	for (i = 0; i < n; i++)
		if (media_net_has(&nets[i], src->family, a))
			return true;
	return false;
}

bool media_addr_unspecified(int family, const uint8_t *a)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, addr_len(family));
}

/*
 * Whether media address @a may go into a kernel match: the address the
 * SDP's SIP message came from (@src), or one in a media network.
 */
static bool addr_trusted(const struct media_trust *t,
			 const struct sdp_conn *src, int family,
			 const uint8_t *a)
{
	uint8_t s[16];
	unsigned int i;

	if (src->family == family && inet_pton(family, src->addr, s) == 1 &&
	    !memcmp(s, a, addr_len(family)))
		return true;
	for (i = 0; i < t->nnets; i++)
		if (media_net_has(&t->nets[i], family, a))
			return true;
	return false;
}

static bool port_trusted(const struct media_trust *t, unsigned int port)
{
	return port >= t->port_min && port <= t->port_max;
}

int media_check(const struct media_trust *t, const struct sdp_conn *src,
		const struct sdp_conn *conn, unsigned int port,
		unsigned int rtcp, const char *who, char *err, size_t errlen)
{
	uint8_t a[16];

	if ((conn->family != AF_INET && conn->family != AF_INET6) ||
	    inet_pton(conn->family, conn->addr, a) != 1) {
		errmsg_set(err, errlen,
			"%s media address \"%s\" is not a literal address",
			who, conn->addr);
		return -1;
	}
	if (media_addr_unspecified(conn->family, a))
		return 0;
	if (!addr_trusted(t, src, conn->family, a)) {
		errmsg_set(err, errlen,
			"%s media address %s is neither the address the SDP came from (%s) nor in a media network (--media-net)",
			who, conn->addr, src->family ? src->addr : "no received-from");
		return -1;
	}
	if (port && (!port_trusted(t, port) || (rtcp && !port_trusted(t, rtcp)))) {
		errmsg_set(err, errlen,
			"%s media port %u (RTCP %u) is outside the media port range %u-%u (--media-ports)",
			who, port, rtcp, t->port_min, t->port_max);
		return -1;
	}
	return 0;
}

int media_check_sdp(const struct media_trust *t, const struct sdp *d,
		    const struct sdp_conn *src, const char *who, char *err,
		    size_t errlen)
{
	struct sdp_conn conn, rconn;
	unsigned int rtcp;
	size_t i;

	for (i = 0; i < d->nmedia; i++) {
		const struct sdp_media *m = &d->media[i];

		if (!m->port || strncmp(m->proto, "RTP/", 4))
			continue;
		if (sdp_media_conn(d, m, &conn) ||
		    sdp_media_rtcp(d, m, &rtcp, &rconn) < 0) {
			errmsg_set(err, errlen,
				"%s SDP: m=%s without a usable c= or a=rtcp",
				who, m->media);
			return -1;
		}
		if (media_check(t, src, &conn, m->port,
				sdp_media_has_attr(m, "rtcp-mux") ? 0 : rtcp,
				who, err, errlen))
			return -1;
	}
	return 0;
}
