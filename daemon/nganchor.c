// SPDX-License-Identifier: GPL-2.0
/*
 * nganchor: an ng call anchored (nganchor.h).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "errmsg.h"
#include "nganchor.h"

#define NGA_ERR_MAX	256	/* a reason not passed on */

/* The interface named "default" of @family, else the first of it. */
static const struct anchor_if *default_if(const struct anchor_ifs *s,
					  int family)
{
	const struct anchor_if *first = NULL;
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		if (s->v[i].local.family != family)
			continue;
		if (!strcmp(s->v[i].name, "default"))
			return &s->v[i];
		if (!first)
			first = &s->v[i];
	}
	return first;
}

/*
 * A party's interface: by @name, else toward @peer (NULL: unknown) by
 * routing, else the default one of @family.
 */
static const struct anchor_if *pick_if(const struct anchor_ifs *s,
				       const char *name, int family,
				       const struct anchor_addr *peer,
				       char *err, size_t errlen)
{
	const struct anchor_if *ifc;
	char why[NGA_ERR_MAX];

	if (name[0]) {
		ifc = anchor_if_by_name(s, name, family);
		if (!ifc)
			errmsg_set(err, errlen,
				   "direction=%s: no media interface of that name has an IPv%c address",
				   name, family == AF_INET ? '4' : '6');
		return ifc;
	}
	if (peer) {
		ifc = anchor_if_toward(s, peer, why, sizeof(why));
		if (ifc)
			return ifc;
	}
	ifc = default_if(s, family);
	if (!ifc)
		errmsg_set(err, errlen, "no media interface has an IPv%c address",
			   family == AF_INET ? '4' : '6');
	return ifc;
}

/* Whether group @g of @br's offer has an open m-line. */
static bool group_open(const struct bridge *br, const struct bridge_group *g)
{
	const struct sdp *d = &br->a_offer;
	int idx[2] = { g->a.secure, g->a.plain };
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (idx[i] >= 0 && (size_t)idx[i] < d->nmedia &&
		    d->media[idx[i]].port)
			return true;
	return false;
}

static int choose_ifs(struct ng_anchoring *an, struct nga_call *ac,
		      int offerer, const struct anchor_addr *addr,
		      const struct nga_opts *o, char *err, size_t errlen)
{
	int family = addr ? addr->family : AF_INET;

	if (ac->ifc[offerer] && ac->ifc[!offerer])
		return 0;
	ac->ifc[offerer] = pick_if(&an->ifs, o->dir[0], family, addr, err,
				   errlen);
	if (!ac->ifc[offerer])
		return -1;
	ac->ifc[!offerer] = pick_if(&an->ifs, o->dir[1],
				    o->family ? o->family : family, NULL, err,
				    errlen);
	return ac->ifc[!offerer] ? 0 : -1;
}

static int reserve_ports(struct ng_anchoring *an, struct nga_call *ac,
			 const struct bridge *br, char *err, size_t errlen)
{
	size_t k;
	int p;

	for (k = 0; k < br->ngroups; k++) {
		const struct bridge_group *g = &br->groups[k];

		if (!group_open(br, g))
			continue;
		if (!g->rtp || k >= NEG_MEDIA_MAX) {
			errmsg_set(err, errlen,
				   "media stream %zu is not RTP: srtpd anchors RTP streams only",
				   k + 1);
			return -1;
		}
		for (p = 0; p < 2; p++) {
			if (ac->ports[p][k].ifc)
				continue;
			if (anchor_reserve(&an->pool, ac->ifc[p],
					   &ac->ports[p][k], err, errlen))
				return -1;
		}
	}
	return 0;
}

/* *@fwd with @am (one per m-line) on @ifc's side, replaced in place. */
static int rewrite(char **fwd, struct anchor_media *am, size_t n,
		   const struct anchor_if *ifc, const struct nga_opts *o,
		   struct sdp *d, char *err, size_t errlen)
{
	const struct anchor_sdp_opts so = {
		.ifc = ifc, .replace_origin = o->replace_origin,
		.replace_session_conn = o->replace_session_conn,
	};
	char *text;

	if (anchor_sdp_rewrite(d, am, n, &so, err, errlen))
		return -1;
	text = sdp_format(d);
	if (!text) {
		errmsg_set(err, errlen, "out of memory");
		return -1;
	}
	explicit_bzero(*fwd, strlen(*fwd));	/* keys in it */
	free(*fwd);
	*fwd = text;
	return 0;
}

/* The group of our m-line @j toward the answerer, or NULL. */
static const struct bridge_group *group_of_b(const struct bridge *br,
					     size_t j, size_t *k)
{
	for (*k = 0; *k < br->ngroups; (*k)++) {
		const struct bridge_group *g = &br->groups[*k];

		if (j >= g->b_first && j < g->b_first + g->b_count)
			return g;
	}
	return NULL;
}

static int parse_fwd(const char *fwd, struct sdp *d, struct anchor_media **am,
		     char *err, size_t errlen)
{
	char why[NGA_ERR_MAX];

	if (sdp_parse(fwd, strlen(fwd), d, why, sizeof(why))) {
		errmsg_set(err, errlen, "our own SDP does not parse: %s", why);
		return -1;
	}
	*am = calloc(d->nmedia + 1, sizeof(**am));
	if (!*am) {
		sdp_free(d);
		errmsg_set(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int nga_offer(struct ng_anchoring *an, struct nga_call *ac,
	      const struct bridge *br, int offerer,
	      const struct anchor_addr *offerer_addr, const struct nga_opts *o,
	      char **fwd, char *err, size_t errlen)
{
	const struct anchor_ports *pt;
	struct anchor_media *am;
	struct sdp d;
	size_t j, k;
	int rc;

	if (choose_ifs(an, ac, offerer, offerer_addr, o, err, errlen) ||
	    reserve_ports(an, ac, br, err, errlen) ||
	    parse_fwd(*fwd, &d, &am, err, errlen))
		return -1;
	for (j = 0; j < d.nmedia; j++) {
		if (!group_of_b(br, j, &k) || k >= NEG_MEDIA_MAX)
			continue;
		pt = &ac->ports[!offerer][k];
		if (!pt->ifc)
			continue;
		/* RTCP's own port offered even with rtcp-mux: the answer picks */
		am[j] = (struct anchor_media){ true, pt->rtp, pt->rtcp };
	}
	rc = rewrite(fwd, am, d.nmedia, ac->ifc[!offerer], o, &d, err, errlen);
	free(am);
	sdp_free(&d);
	return rc;
}

int nga_answer(const struct nga_call *ac, const struct bridge *br,
	       int offerer, const struct nga_opts *o, char **fwd, char *err,
	       size_t errlen)
{
	struct anchor_media *am;
	struct sdp d;
	size_t k, i;
	int rc;

	if (parse_fwd(*fwd, &d, &am, err, errlen))
		return -1;
	for (k = 0; k < br->ngroups && k < NEG_MEDIA_MAX; k++) {
		const struct anchor_ports *pt = &ac->ports[offerer][k];
		const struct bridge_group *g = &br->groups[k];
		int idx[2] = { g->a.secure, g->a.plain };

		if (!pt->ifc)
			continue;
		for (i = 0; i < 2; i++) {
			struct sdp_media *m;

			if (idx[i] < 0 || (size_t)idx[i] >= d.nmedia)
				continue;
			m = &d.media[idx[i]];
			am[idx[i]] = (struct anchor_media){
				true, pt->rtp,
				sdp_media_has_attr(m, "rtcp-mux") ? pt->rtp : pt->rtcp,
			};
		}
	}
	rc = rewrite(fwd, am, d.nmedia, ac->ifc[offerer], o, &d, err, errlen);
	free(am);
	sdp_free(&d);
	return rc;
}

int nga_flow(const struct nga_call *ac, const struct bridge_flow *f,
	     int offerer, struct relay_flow *rf, char *err, size_t errlen)
{
	int sender = f->a_to_b ? offerer : !offerer;
	const struct anchor_ports *in, *out;

	if (f->index >= NEG_MEDIA_MAX) {
		errmsg_set(err, errlen, "media stream %u: too many", f->index + 1);
		return -1;
	}
	in = &ac->ports[sender][f->index];
	out = &ac->ports[!sender][f->index];
	if (!in->ifc || !out->ifc) {
		errmsg_set(err, errlen,
			   "media stream %u has no router ports (closed in the offer)",
			   f->index + 1);
		return -1;
	}
	return relay_flow(f, in, out, rf, err, errlen);
}

static bool addr_eq(const struct anchor_addr *a, const struct anchor_addr *b)
{
	return a->family == b->family &&
	       !memcmp(a->a, b->a, anchor_addr_len(a->family));
}

static bool relay_eq(const struct natmap_relay *a,
		     const struct natmap_relay *b)
{
	return addr_eq(&a->from, &b->from) && addr_eq(&a->local, &b->local) &&
	       addr_eq(&a->to, &b->to) && addr_eq(&a->out, &b->out) &&
	       a->local_port == b->local_port && a->to_port == b->to_port &&
	       a->out_port == b->out_port;
}

static bool relay_in(const struct natmap_relay *r,
		     const struct natmap_relay *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (relay_eq(r, &set[i]))
			return true;
	return false;
}

/* ---- srtpd's own relays: two families ---- */

/* The socket of @ac holding @a:@port, or -1. */
static int held_fd(const struct nga_call *ac, const struct anchor_addr *a,
		   unsigned int port)
{
	const struct anchor_ports *pt;
	int p, k;

	for (p = 0; p < 2; p++) {
		for (k = 0; k < NEG_MEDIA_MAX; k++) {
			pt = &ac->ports[p][k];
			if (!pt->ifc || pt->ifc->local.family != a->family ||
			    memcmp(pt->ifc->local.a, a->a,
				   anchor_addr_len(a->family)))
				continue;
			if (pt->rtp == port)
				return pt->fd_rtp;
			if (pt->rtcp == port)
				return pt->fd_rtcp;
		}
	}
	return -1;
}

/* Drains what @fd queued while it relayed, so no stale packet stays. */
static void drain(int fd)
{
	char buf[64];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

static void urelays_stop(struct ng_anchoring *an, struct nga_call *ac)
{
	size_t i;

	for (i = 0; i < ac->nurelays; i++) {
		struct nga_urelay *u = &ac->urelays[i];

		epoll_ctl(an->epfd, EPOLL_CTL_DEL, u->in_fd, NULL);
		anchor_port_filter(u->in_fd, true);
		drain(u->in_fd);
	}
	ac->nurelays = 0;
}

static int urelays_start(struct ng_anchoring *an, struct nga_call *ac,
			 const struct nga_uspec *u, size_t nu, char *err,
			 size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN };
	size_t i, j;

	if (nu && an->epfd < 0) {
		errmsg_set(err, errlen,
			   "%s to %s: two families, and srtpd relays none itself here",
			   u[0].r.from.str, u[0].r.to.str);
		return -1;
	}
	for (i = 0; i < nu; i++) {
		struct nga_urelay *x = &ac->urelays[i];

		memset(x, 0, sizeof(*x));
		x->r = u[i].r;
		x->fixed_to = u[i].fixed_to;
		x->in_fd = held_fd(ac, &x->r.local, x->r.local_port);
		x->out_fd = held_fd(ac, &x->r.out, x->r.out_port);
		x->to_len = anchor_sockaddr(&x->r.to, x->r.to_port, &x->to);
		if (x->in_fd < 0 || x->out_fd < 0) {
			errmsg_set(err, errlen, "relay from %s:%u: no socket holds the port",
				   x->r.local.str, x->r.local_port);
			goto fail;
		}
		ev.data.ptr = x;
		ac->nurelays = i + 1;
		if (anchor_port_filter(x->in_fd, false) ||
		    epoll_ctl(an->epfd, EPOLL_CTL_ADD, x->in_fd, &ev)) {
			errmsg_set(err, errlen, "relay from %s:%u: %s",
				   x->r.local.str, x->r.local_port,
				   strerror(errno));
			goto fail;
		}
	}
	/* the direction back: from this one's receiver to its sender */
	for (i = 0; i < nu; i++)
		for (j = 0; j < nu; j++)
			if (ac->urelays[j].in_fd == ac->urelays[i].out_fd)
				ac->urelays[i].reverse = &ac->urelays[j];
	return 0;
fail:
	urelays_stop(an, ac);
	return -1;
}

/* Whether @ss holds the address @a (any port). */
static bool from_addr(const struct sockaddr_storage *ss,
		      const struct anchor_addr *a)
{
	if (ss->ss_family != a->family)
		return false;
	if (a->family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)ss)->sin_addr,
			       a->a, 4);
	return !memcmp(&((const struct sockaddr_in6 *)ss)->sin6_addr, a->a, 16);
}

#define NGA_URELAY_BURST	64	/* packets per socket per turn */

/* Relays what waits on @u's socket; returns how many packets. */
static unsigned int urelay_input(struct nga_urelay *u)
{
	static unsigned char buf[65536];	/* any UDP datagram whole */
	struct sockaddr_storage src;
	unsigned int done = 0, k;
	socklen_t slen;
	ssize_t n;

	for (k = 0; k < NGA_URELAY_BURST; k++) {
		slen = sizeof(src);
		n = recvfrom(u->in_fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&src, &slen);
		if (n < 0)
			break;
		if (!from_addr(&src, &u->r.from)) {
			u->strangers++;
			continue;
		}
		/* symmetric RTP: a plain sender is answered where it is */
		if (u->reverse && !u->reverse->fixed_to) {
			u->reverse->to = src;
			u->reverse->to_len = slen;
		}
		if (sendto(u->out_fd, buf, (size_t)n, MSG_DONTWAIT,
			   (struct sockaddr *)&u->to, u->to_len) != n) {
			u->errors++;
			continue;
		}
		u->packets++;
		u->bytes += (uint64_t)n;
		done++;
	}
	return done;
}

unsigned int nga_urelay_run(struct ng_anchoring *an)
{
	struct epoll_event ev[32];
	unsigned int done = 0;
	int i, n;

	if (an->epfd < 0)
		return 0;
	n = epoll_wait(an->epfd, ev, 32, 0);
	for (i = 0; i < n; i++)
		done += urelay_input(ev[i].data.ptr);
	return done;
}

/* ---- the call's relays ---- */

static bool port_ok(unsigned int port)
{
	return port && port <= 65535;
}

static bool relay_ports_ok(const struct natmap_relay *r)
{
	return port_ok(r->local_port) && port_ok(r->to_port) &&
	       port_ok(r->out_port);
}

int nga_relays_check(const struct natmap_relay *r, size_t n,
		     const struct nga_uspec *u, size_t nu, char *err,
		     size_t errlen)
{
	size_t i;

	if (n > NGA_RELAYS_MAX || nu > NGA_RELAYS_MAX) {
		errmsg_set(err, errlen, "too many relays in one call (%d)",
			   NGA_RELAYS_MAX);
		return -1;
	}
	for (i = 0; i < n + nu; i++) {
		const struct natmap_relay *x = i < n ? &r[i] : &u[i - n].r;

		if (!relay_ports_ok(x) ||
		    (i < n && (x->from.family != x->to.family ||
			       x->local.family != x->out.family))) {
			errmsg_set(err, errlen,
				   "relay from %s to %s port %u: a port out of 1-65535 or two families",
				   x->from.str, x->to.str, x->to_port);
			return -1;
		}
	}
	return 0;
}

static int relays_change(struct ng_anchoring *an, struct nga_call *ac,
			 const struct natmap_relay *del, size_t ndel,
			 const struct natmap_relay *add, size_t nadd,
			 char *err, size_t errlen)
{
	size_t i, j, k;

	if ((ndel || nadd) &&
	    an->relay(an->arg, del, ndel, add, nadd, err, errlen))
		return -1;
	for (i = 0; i < ndel; i++) {
		for (j = 0, k = 0; j < ac->nrelays; j++)
			if (!relay_eq(&ac->relays[j], &del[i]))
				ac->relays[k++] = ac->relays[j];
		ac->nrelays = k;
	}
	for (i = 0; i < nadd; i++)
		ac->relays[ac->nrelays++] = add[i];
	return 0;
}

int nga_relays_prune(struct ng_anchoring *an, struct nga_call *ac,
		     const struct natmap_relay *r, size_t n, char *err,
		     size_t errlen)
{
	struct natmap_relay *del = calloc(NGA_RELAYS_MAX, sizeof(*del));
	size_t i, ndel = 0;
	int rc;

	if (!del) {
		errmsg_set(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < ac->nrelays; i++)
		if (!relay_in(&ac->relays[i], r, n))
			del[ndel++] = ac->relays[i];
	rc = relays_change(an, ac, del, ndel, NULL, 0, err, errlen);
	free(del);
	if (!rc)
		urelays_stop(an, ac);	/* started anew by nga_relays_set() */
	return rc;
}

int nga_relays_set(struct ng_anchoring *an, struct nga_call *ac,
		   const struct natmap_relay *r, size_t n,
		   const struct nga_uspec *u, size_t nu, char *err,
		   size_t errlen)
{
	struct natmap_relay *add = calloc(NGA_RELAYS_MAX, sizeof(*add));
	size_t i, nadd = 0;
	int rc = -1;

	if (!add) {
		errmsg_set(err, errlen, "out of memory");
		return -1;
	}
	if (nga_relays_check(r, n, u, nu, err, errlen))
		goto out;
	for (i = 0; i < n; i++)
		if (!relay_in(&r[i], ac->relays, ac->nrelays) &&
		    !relay_in(&r[i], add, nadd) &&
		    ac->nrelays + nadd < NGA_RELAYS_MAX)
			add[nadd++] = r[i];
	rc = relays_change(an, ac, NULL, 0, add, nadd, err, errlen);
	if (!rc) {
		urelays_stop(an, ac);
		rc = urelays_start(an, ac, u, nu, err, errlen);
	}
out:
	free(add);
	return rc;
}

int nga_unplug(struct ng_anchoring *an, struct nga_call *ac)
{
	char err[NGA_ERR_MAX];

	urelays_stop(an, ac);
	if (ac->nrelays && an->relay(an->arg, ac->relays, ac->nrelays, NULL, 0,
				     err, sizeof(err)))
		return -1;
	ac->nrelays = 0;
	ac->planned = false;
	return 0;
}

void nga_release_ports(struct ng_anchoring *an, struct nga_call *ac)
{
	int p, k;

	for (p = 0; p < 2; p++)
		for (k = 0; k < NEG_MEDIA_MAX; k++)
			anchor_release(&an->pool, &ac->ports[p][k]);
}

unsigned int nga_ports_held(const struct nga_call *ac)
{
	unsigned int n = 0;
	int p, k;

	for (p = 0; p < 2; p++)
		for (k = 0; k < NEG_MEDIA_MAX; k++)
			n += ac->ports[p][k].ifc != NULL;
	return n;
}
