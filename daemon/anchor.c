// SPDX-License-Identifier: GPL-2.0
/*
 * anchor: media interfaces, the media port pool and the SDP rewriting of
 * anchor.h.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "anchor.h"
#include "errmsg.h"
#include "trust.h"

#define SPEC_MAX	128

int anchor_addr_parse(const char *s, struct anchor_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = strchr(s, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(out->family, s, out->a) != 1 ||
	    !inet_ntop(out->family, out->a, out->str, sizeof(out->str))) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

static bool name_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len >= ANCHOR_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-", s[i]))
			return false;
	return true;
}

/*
 * Why @a cannot be a media address of the router, or NULL: srtpd binds
 * it and the kernel matches it, so it must name one host; an IPv6
 * link-local address would need a scope that SDP cannot carry.
 */
static const char *not_unicast(const struct anchor_addr *a)
{
	static const uint8_t bcast[4] = { 255, 255, 255, 255 };

	if (media_addr_unspecified(a->family, a->a))
		return "the unspecified address";
	if (a->family == AF_INET) {
		if ((a->a[0] & 0xf0) == 0xe0)
			return "a multicast address";
		if (!memcmp(a->a, bcast, 4))
			return "the broadcast address";
		return NULL;
	}
	if (a->a[0] == 0xff)
		return "a multicast address";
	if (a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80)
		return "a link-local address (SDP cannot carry its scope)";
	return NULL;
}

static int parse_addr(const char *s, const char *what, const char *spec,
		      struct anchor_addr *out, char *err, size_t errlen)
{
	const char *why;

	if (anchor_addr_parse(s, out)) {
		errmsg_set(err, errlen,
			   "interface \"%s\": %s address \"%s\" is not an IPv4 or IPv6 address",
			   spec, what, s);
		return -1;
	}
	why = not_unicast(out);
	if (why) {
		errmsg_set(err, errlen, "interface \"%s\": %s address %s is %s",
			   spec, what, out->str, why);
		return -1;
	}
	return 0;
}

int anchor_if_parse(const char *spec, struct anchor_if *out, char *err,
		    size_t errlen)
{
	char buf[SPEC_MAX], *addr = buf, *adv, *slash;

	memset(out, 0, sizeof(*out));
	if (strlen(spec) >= sizeof(buf)) {
		errmsg_set(err, errlen, "interface \"%.32s...\": too long",
			   spec);
		return -1;
	}
	strcpy(buf, spec);
	slash = strchr(buf, '/');
	if (slash) {
		if (!name_ok(buf, slash - buf)) {
			errmsg_set(err, errlen,
				   "interface \"%s\": the name must be 1 to %d letters, digits or \"_.:-\"",
				   spec, ANCHOR_NAME_MAX - 1);
			return -1;
		}
		memcpy(out->name, buf, slash - buf);
		addr = slash + 1;
	} else {
		strcpy(out->name, "default");
	}
	adv = strchr(addr, '!');
	if (adv)
		*adv++ = '\0';
	if (parse_addr(addr, "local", spec, &out->local, err, errlen))
		return -1;
	if (!adv) {
		out->adv = out->local;
		return 0;
	}
	if (parse_addr(adv, "advertised", spec, &out->adv, err, errlen))
		return -1;
	if (out->adv.family != out->local.family) {
		errmsg_set(err, errlen,
			   "interface \"%s\": the advertised address is not of the local address's family",
			   spec);
		return -1;
	}
	return 0;
}

int anchor_ifs_add(struct anchor_ifs *s, const char *spec, char *err,
		   size_t errlen)
{
	struct anchor_if ifc;

	if (anchor_if_parse(spec, &ifc, err, errlen))
		return -1;
	if (anchor_if_by_name(s, ifc.name, ifc.local.family)) {
		errmsg_set(err, errlen,
			   "interface \"%s\": %s has an IPv%c address already (one per family)",
			   spec, ifc.name,
			   ifc.local.family == AF_INET ? '4' : '6');
		return -1;
	}
	if (s->n == ANCHOR_IF_MAX) {
		errmsg_set(err, errlen,
			   "interface \"%s\": more than %d interfaces", spec,
			   ANCHOR_IF_MAX);
		return -1;
	}
	s->v[s->n++] = ifc;
	return 0;
}

const struct anchor_if *anchor_if_by_name(const struct anchor_ifs *s,
					  const char *name, int family)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].local.family == family &&
		    !strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

size_t anchor_addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

socklen_t anchor_sockaddr(const struct anchor_addr *a, unsigned int port,
			  struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->a, 4);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	memcpy(&sin6->sin6_addr, a->a, 16);
	return sizeof(*sin6);
}

/* The source address the routing table picks toward @peer: 0 or -1. */
static int routed_source(const struct anchor_addr *peer, uint8_t *src)
{
	struct sockaddr_storage ss;
	socklen_t len = anchor_sockaddr(peer, 9, &ss);
	int fd, rc = -1;

	fd = socket(peer->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (!connect(fd, (struct sockaddr *)&ss, len)) {
		len = sizeof(ss);
		if (!getsockname(fd, (struct sockaddr *)&ss, &len)) {
			if (peer->family == AF_INET)
				memcpy(src, &((struct sockaddr_in *)&ss)->sin_addr, 4);
			else
				memcpy(src, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
			rc = 0;
		}
	}
	close(fd);
	return rc;
}

const struct anchor_if *anchor_if_toward(const struct anchor_ifs *s,
					 const struct anchor_addr *peer,
					 char *err, size_t errlen)
{
	const struct anchor_if *only = NULL;
	char srcstr[INET6_ADDRSTRLEN] = "none";
	unsigned int i, count = 0;
	uint8_t src[16];
	bool routed;

	routed = !routed_source(peer, src);
	for (i = 0; i < s->n; i++) {
		const struct anchor_if *ifc = &s->v[i];

		if (ifc->local.family != peer->family)
			continue;
		if (routed && !memcmp(ifc->local.a, src,
				      anchor_addr_len(peer->family)))
			return ifc;
		only = ifc;
		count++;
	}
	if (count == 1)
		return only;
	if (routed)
		inet_ntop(peer->family, src, srcstr, sizeof(srcstr));
	if (!count)
		errmsg_set(err, errlen, "no IPv%c media interface for the peer %s",
			   peer->family == AF_INET ? '4' : '6', peer->str);
	else
		errmsg_set(err, errlen,
			   "no media interface has %s, the routing table's source toward %s: name one (direction=)",
			   srcstr, peer->str);
	return NULL;
}

int anchor_parse_range(const char *s, unsigned int *min, unsigned int *max,
		       char *err, size_t errlen)
{
	unsigned int lo, hi;

	if (media_parse_ports(s, &lo, &hi, err, errlen))
		return -1;
	if (lo < ANCHOR_PORT_MIN) {
		errmsg_set(err, errlen,
			   "port range %s: the router's media ports start at %d or above",
			   s, ANCHOR_PORT_MIN);
		return -1;
	}
	if ((lo + 1) / 2 * 2 + 1 > hi) {
		errmsg_set(err, errlen,
			   "port range %s: no room for an RTP/RTCP pair (an even port and the next)",
			   s);
		return -1;
	}
	*min = lo;
	*max = hi;
	return 0;
}

static unsigned int first_rtp(const struct anchor_pool *p)
{
	return (p->min + 1) / 2 * 2;
}

static unsigned int last_rtp(const struct anchor_pool *p)
{
	return (p->max - 1) / 2 * 2;
}

unsigned int anchor_pool_pairs(const struct anchor_pool *p)
{
	return (last_rtp(p) - first_rtp(p)) / 2 + 1;
}

int anchor_pool_init(struct anchor_pool *p, const struct anchor_ifs *ifs,
		     unsigned int min, unsigned int max, char *err,
		     size_t errlen)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	if (min < ANCHOR_PORT_MIN || max > 65535 ||
	    (min + 1) / 2 * 2 + 1 > max) {
		errmsg_set(err, errlen, "port range %u-%u: no room for a pair",
			   min, max);
		return -1;
	}
	p->ifs = ifs;
	p->min = min;
	p->max = max;
	for (i = 0; i < ifs->n; i++) {
		p->bits[i] = calloc(65536 / 64, sizeof(uint64_t));
		if (!p->bits[i]) {
			anchor_pool_free(p);
			errmsg_set(err, errlen, "port pool: out of memory");
			return -1;
		}
		p->next[i] = first_rtp(p);
	}
	return 0;
}

void anchor_pool_free(struct anchor_pool *p)
{
	unsigned int i;

	for (i = 0; i < ANCHOR_IF_MAX; i++)
		free(p->bits[i]);
	memset(p, 0, sizeof(*p));
}

static int if_index(const struct anchor_pool *p, const struct anchor_if *ifc)
{
	if (!ifc || ifc < p->ifs->v || ifc >= p->ifs->v + p->ifs->n)
		return -1;
	return ifc - p->ifs->v;
}

static bool bit_test(const uint64_t *b, unsigned int port)
{
	return b[port / 64] & (1ULL << (port % 64));
}

static void bit_flip(uint64_t *b, unsigned int port)
{
	b[port / 64] ^= 1ULL << (port % 64);
}

int anchor_port_filter(int fd, bool drop)
{
	struct sock_filter ret0 = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &ret0 };
	int none = 0;

	if (drop)
		return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
				  sizeof(prog));
	return setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &none,
			  sizeof(none));
}

/* A socket bound to @a:@port; -1 with errno. */
static int bind_port(const struct anchor_addr *a, unsigned int port)
{
	struct sockaddr_storage ss;
	socklen_t len = anchor_sockaddr(a, port, &ss);
	int fd, one = 1, saved;

	fd = socket(a->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if ((a->family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    anchor_port_filter(fd, true) ||
	    bind(fd, (struct sockaddr *)&ss, len)) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Binds @port and @port + 1 into @out: 0, or -1 with errno. */
static int bind_pair(const struct anchor_if *ifc, unsigned int port,
		     struct anchor_ports *out)
{
	int saved;

	out->fd_rtp = bind_port(&ifc->local, port);
	if (out->fd_rtp < 0)
		return -1;
	out->fd_rtcp = bind_port(&ifc->local, port + 1);
	if (out->fd_rtcp < 0) {
		saved = errno;
		close(out->fd_rtp);
		out->fd_rtp = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

int anchor_reserve(struct anchor_pool *p, const struct anchor_if *ifc,
		   struct anchor_ports *out, char *err, size_t errlen)
{
	int i = if_index(p, ifc);
	unsigned int n, tries = anchor_pool_pairs(p), port;

	memset(out, 0, sizeof(*out));
	out->fd_rtp = out->fd_rtcp = -1;
	if (i < 0) {
		errmsg_set(err, errlen, "port pool: not one of its interfaces");
		errno = EINVAL;
		return -1;
	}
	port = p->next[i];
	for (n = 0; n < tries; n++, port += 2) {
		if (port > last_rtp(p))
			port = first_rtp(p);
		if (bit_test(p->bits[i], port))
			continue;
		if (bind_pair(ifc, port, out)) {
			if (errno == EADDRINUSE)
				continue;
			errmsg_set(err, errlen,
				   "interface %s: cannot bind %s port %u: %s",
				   ifc->name, ifc->local.str, port,
				   strerror(errno));
			return -1;
		}
		bit_flip(p->bits[i], port);
		p->held[i]++;
		p->next[i] = port + 2 > last_rtp(p) ? first_rtp(p) : port + 2;
		out->ifc = ifc;
		out->rtp = port;
		out->rtcp = port + 1;
		return 0;
	}
	errmsg_set(err, errlen,
		   "interface %s (%s): no free RTP/RTCP port pair in %u-%u (srtpd holds %u of %u, other programs the rest)",
		   ifc->name, ifc->local.str, p->min, p->max, p->held[i],
		   anchor_pool_pairs(p));
	errno = ENOSPC;
	return -1;
}

void anchor_release(struct anchor_pool *p, struct anchor_ports *r)
{
	int i = if_index(p, r->ifc);

	if (i < 0)
		return;
	if (r->fd_rtp >= 0)
		close(r->fd_rtp);
	if (r->fd_rtcp >= 0)
		close(r->fd_rtcp);
	if (bit_test(p->bits[i], r->rtp)) {
		bit_flip(p->bits[i], r->rtp);
		p->held[i]--;
	}
	memset(r, 0, sizeof(*r));
	r->fd_rtp = r->fd_rtcp = -1;
}

unsigned int anchor_pool_held(const struct anchor_pool *p,
			      const struct anchor_if *ifc)
{
	int i = if_index(p, ifc);

	return i < 0 ? 0 : p->held[i];
}

static void drop_type(struct sdp_lines *l, char type)
{
	size_t i, o = 0;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].type == type)
			free(l->v[i].value);
		else
			l->v[o++] = l->v[i];
	}
	l->n = o;
}

static int set_type(struct sdp_lines *l, char type, const char *value)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].type == type && sdp_line_set(&l->v[i], value))
			return -1;
	return 0;
}

/* An open m-line: the router's port, c= and a=rtcp. */
static int anchor_media(struct sdp_media *m, const struct anchor_media *am,
			const char *conn, const struct anchor_if *ifc)
{
	char rtcp[64 + INET6_ADDRSTRLEN];
	size_t at = 0;

	m->port = am->rtp;
	drop_type(&m->lines, 'c');
	sdp_media_del_attr(m, "rtcp");
	/* RFC 4566 5: i= comes before c= */
	while (at < m->lines.n && m->lines.v[at].type == 'i')
		at++;
	snprintf(rtcp, sizeof(rtcp), "rtcp:%u IN IP%c %s", am->rtcp,
		 ifc->adv.family == AF_INET ? '4' : '6', ifc->adv.str);
	if (sdp_media_insert_line(m, at, 'c', conn) ||
	    sdp_media_add_line(m, 'a', rtcp))
		return -1;
	return 0;
}

/* o=USER SESS-ID SESS-VERSION IN IP4|IP6 ADDR with the router's address. */
static int replace_origin(struct sdp *d, const struct anchor_if *ifc,
			  char *err, size_t errlen)
{
	char user[256], id[64], ver[64], net[16], type[16], addr[SDP_ADDR_MAX];
	char o[sizeof(user) + sizeof(id) + sizeof(ver) + 64 + INET6_ADDRSTRLEN];
	char tail;
	size_t i;

	for (i = 0; i < d->lines.n; i++) {
		struct sdp_line *ln = &d->lines.v[i];

		if (ln->type != 'o')
			continue;
		if (sscanf(ln->value, "%255s %63s %63s %15s %15s %255s %c", user,
			   id, ver, net, type, addr, &tail) != 6) {
			errmsg_set(err, errlen,
				   "o=%.64s: not six fields, cannot replace its address",
				   ln->value);
			return -1;
		}
		snprintf(o, sizeof(o), "%s %s %s IN IP%c %s", user, id, ver,
			 ifc->adv.family == AF_INET ? '4' : '6', ifc->adv.str);
		if (sdp_line_set(ln, o))
			goto nomem;
	}
	return 0;
nomem:
	errmsg_set(err, errlen, "out of memory");
	return -1;
}

int anchor_sdp_rewrite(struct sdp *d, const struct anchor_media *am,
		       size_t n, const struct anchor_sdp_opts *o, char *err,
		       size_t errlen)
{
	const struct anchor_if *ifc = o->ifc;
	char conn[16 + INET6_ADDRSTRLEN];
	size_t i;

	if (n != d->nmedia) {
		errmsg_set(err, errlen, "%zu m-lines, %zu anchored", d->nmedia,
			   n);
		return -1;
	}
	snprintf(conn, sizeof(conn), "IN IP%c %s",
		 ifc->adv.family == AF_INET ? '4' : '6', ifc->adv.str);
	for (i = 0; i < n; i++) {
		struct sdp_media *m = &d->media[i];

		if (!m->port) {
			/* closed: no media, but no address of the peer's */
			if (set_type(&m->lines, 'c', conn))
				goto nomem;
			continue;
		}
		if (!am[i].anchored)
			continue;
		if (m->nports != 1) {
			errmsg_set(err, errlen,
				   "m-line %zu: %u ports (\"port/n\"); an anchored stream has one",
				   i + 1, m->nports);
			return -1;
		}
		if (anchor_media(m, &am[i], conn, ifc))
			goto nomem;
	}
	if (o->replace_session_conn && set_type(&d->lines, 'c', conn))
		goto nomem;
	if (o->replace_origin && replace_origin(d, ifc, err, errlen))
		return -1;
	return 0;
nomem:
	errmsg_set(err, errlen, "out of memory");
	return -1;
}
