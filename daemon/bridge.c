// SPDX-License-Identifier: GPL-2.0
/*
 * bridge: offer and answer through a router that terminates SRTP per leg.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bridge.h"
#include "errmsg.h"

#define BIT(s)	(1u << (s))

static bool rtp_proto(const char *proto)
{
	return !strncmp(proto, "RTP/", 4);
}

/* The profile of the other kind: RTP/AVP(F) <-> RTP/SAVP(F). */
static const char *proto_as(const char *proto, bool secure)
{
	bool feedback = proto[strlen(proto) - 1] == 'F';

	if (secure)
		return feedback ? "RTP/SAVPF" : "RTP/SAVP";
	return feedback ? "RTP/AVPF" : "RTP/AVP";
}

static bool is_crypto(const struct sdp_line *ln)
{
	return ln->type == 'a' && !strncmp(ln->value, "crypto:", 7);
}

/*
 * ICE (RFC 8445) lines are not forwarded: srtpd does no ICE, and a
 * candidate left in (a TURN relay, a reflexive address) would let the
 * media take a path around the router, and around its transform.
 */
static bool is_ice(const struct sdp_line *ln)
{
	static const char *const names[] = {
		"candidate", "remote-candidates", "end-of-candidates",
		"ice-ufrag", "ice-pwd", "ice-options", "ice-lite",
		"ice-mismatch", "ice-pacing",
	};
	size_t i, len;

	if (ln->type != 'a')
		return false;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		len = strlen(names[i]);
		if (!strncmp(ln->value, names[i], len) &&
		    (ln->value[len] == ':' || !ln->value[len]))
			return true;
	}
	return false;
}

/*
 * Nor BUNDLE (RFC 8843) grouping: srtpd installs one kernel stream pair
 * per m-line, matched by its own address and port and keyed by its own
 * a=crypto, so m-lines cannot share one transport.  Without the group
 * (a=group:BUNDLE, a=bundle-only) the far end does not bundle either, and
 * each m-line keeps the port it was offered with (RFC 8843 7.3.3).  Other
 * groups (a=group:LS) and a=mid pass.
 */
static bool is_bundle(const struct sdp_line *ln)
{
	if (ln->type != 'a')
		return false;
	if (!strcmp(ln->value, "bundle-only"))
		return true;
	return !strncmp(ln->value, "group:BUNDLE", 12) &&
	       (ln->value[12] == ' ' || !ln->value[12]);
}

static bool open_line(const struct sdp *d, int i)
{
	return i >= 0 && d->media[i].port && rtp_proto(d->media[i].proto);
}

/* What the bridge does not forward: ICE and BUNDLE, as above. */
static bool not_forwarded(const struct sdp_line *ln)
{
	return is_ice(ln) || is_bundle(ln);
}

/* RTCP multiplexing (RFC 5761) toward B, which demux takes away. */
static bool is_mux(const struct sdp_line *ln)
{
	return ln->type == 'a' && !strcmp(ln->value, "rtcp-mux");
}

/*
 * The proxy's rtcp-mux needs of @d (the offer or the answer, @who): an
 * open RTP m-line without a=rtcp-mux where it is needed, or with it where
 * it is refused, is refused.
 */
static int check_mux(const struct bridge_opts *o, const struct sdp *d,
		     const char *who, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < d->nmedia; i++) {
		bool mux;

		if (!open_line(d, (int)i))
			continue;
		mux = sdp_media_has_attr(&d->media[i], "rtcp-mux");
		if (o->mux_needed && !mux) {
			errmsg_set(err, errlen,
				"rtcp-mux offer: m-line %zu of the %s does not multiplex RTCP, and srtpd, which leaves media on the phones' own ports, cannot multiplex it for them",
				i, who);
			return BRIDGE_REJECTED;
		}
		if (o->mux_refused && mux) {
			errmsg_set(err, errlen,
				"rtcp-mux demux: m-line %zu of the %s multiplexes RTCP, and srtpd, which leaves media on the phones' own ports, cannot take that apart for the other phone",
				i, who);
			return BRIDGE_REJECTED;
		}
	}
	return 0;
}

/* The alternatives group (negotiate.h) m-line @i of @d is in. */
static size_t group_of(const struct neg_group *g, size_t n, size_t i)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (g[k].secure == (int)i || g[k].plain == (int)i)
			return k;
	return n;
}

/*
 * Two open RTP m-lines of @d on one address and port that are not
 * alternatives of one media stream (the bulletin's SAVP and AVP pair): a
 * transport shared under BUNDLE, which one kernel stream per m-line
 * cannot carry (their matches would be the same).  0, or -1 with @err
 * naming both.
 */
static int shared_transport(const struct sdp *d, const char *who, char *err,
			    size_t errlen)
{
	struct neg_group g[NEG_MEDIA_MAX];
	size_t i, j, n = negotiate_groups(d, g);
	struct sdp_conn ci, cj;

	for (i = 0; i < d->nmedia; i++) {
		if (!open_line(d, (int)i) || sdp_media_conn(d, &d->media[i], &ci) ||
		    !strcmp(ci.addr, "0.0.0.0") || !strcmp(ci.addr, "::"))
			continue;	/* a hold's address is never matched */
		for (j = i + 1; j < d->nmedia; j++) {
			if (!open_line(d, (int)j) || d->media[j].port != d->media[i].port ||
			    group_of(g, n, i) == group_of(g, n, j) ||
			    sdp_media_conn(d, &d->media[j], &cj) ||
			    strcmp(ci.addr, cj.addr))
				continue;
			errmsg_set(err, errlen,
				"%s SDP: m-lines %zu and %zu share %s port %u (BUNDLE, RFC 8843): srtpd needs a port per media stream",
				who, i + 1, j + 1, ci.addr, d->media[i].port);
			return -1;
		}
	}
	return 0;
}

static int add_crypto(struct sdp_media *m, const struct sdes_crypto *c)
{
	char line[1024] = "crypto:";
	int rc;

	if (sdes_format_crypto(c, line + 7, sizeof(line) - 7) < 0)
		return -1;
	rc = sdp_media_add_line(m, 'a', line);
	explicit_bzero(line, sizeof(line));
	return rc;
}

/*
 * An m-section like @t (its lines, in order) with profile @proto, port
 * @port and formats @fmts; its a=crypto lines replaced by @crypto (where
 * the first one was, else at the end).
 */
static int emit_media(struct sdp *out, const struct sdp_media *t,
		      const char *media, unsigned int port, const char *proto,
		      const char *fmts, const struct sdes_crypto *crypto,
		      unsigned int ncrypto, bool demux)
{
	struct sdp_media *m = sdp_add_media(out, media, port, proto, fmts);
	bool done = !ncrypto;
	unsigned int i;
	size_t k;

	if (!m)
		return -1;
	m->nports = t ? t->nports : 1;
	for (k = 0; t && k < t->lines.n; k++) {
		const struct sdp_line *ln = &t->lines.v[k];

		if (is_crypto(ln)) {
			for (i = 0; !done && i < ncrypto; i++)
				if (add_crypto(m, &crypto[i]))
					return -1;
			done = true;
			continue;
		}
		if (not_forwarded(ln) || (demux && is_mux(ln)))
			continue;
		if (sdp_media_add_line(m, ln->type, ln->value))
			return -1;
	}
	for (i = 0; !done && i < ncrypto; i++)
		if (add_crypto(m, &crypto[i]))
			return -1;
	return 0;
}

/* An m-section copied as it is. */
static int copy_media(struct sdp *out, const struct sdp_media *t)
{
	struct sdp_media *m = sdp_add_media(out, t->media, t->port, t->proto,
					    t->fmts);
	size_t k;

	if (!m)
		return -1;
	m->nports = t->nports;
	for (k = 0; k < t->lines.n; k++)
		if (!not_forwarded(&t->lines.v[k]) &&
		    sdp_media_add_line(m, t->lines.v[k].type,
				       t->lines.v[k].value))
			return -1;
	return 0;
}

static int copy_session(struct sdp *out, const struct sdp *in)
{
	size_t k;

	for (k = 0; k < in->lines.n; k++)
		if (!not_forwarded(&in->lines.v[k]) &&
		    sdp_add_line(out, in->lines.v[k].type, in->lines.v[k].value))
			return -1;
	return 0;
}

/* The suites of A's crypto lines in m-line @i (bits 1 << enum sdes_suite). */
static uint32_t a_suites(const struct bridge *b, int i)
{
	const char *v, *name;
	uint32_t bits = 0;
	size_t pos = 0, len;

	if (i < 0)
		return 0;
	while ((v = sdp_media_attr(&b->a_offer.media[i], "crypto", &pos))) {
		name = v + strcspn(v, " ");
		name += strspn(name, " ");
		len = strcspn(name, " ");
		bits |= BIT(sdes_suite_by_name(name, len));
	}
	return bits & ~BIT(SDES_SUITE_UNKNOWN);
}

/*
 * The suites the options let us offer, from those the policy offers;
 * with SDES-nonew, of those A offered in @a_bits (if A offered any).
 */
static int leg_b_suites(const struct bridge_opts *o, uint32_t a_bits,
			struct srtp_policy *pb, char *err, size_t errlen)
{
	uint32_t b80 = BIT(SDES_AES_CM_128_HMAC_SHA1_80);
	uint32_t b32 = BIT(SDES_AES_CM_128_HMAC_SHA1_32);
	uint32_t mask = o->nonew && a_bits ? a_bits : ~0u;
	bool allow80 = !(o->no_suites & b80) && (mask & b80) &&
		       (!o->only_suites || (o->only_suites & b80));
	bool allow32 = !(o->no_suites & b32) && (mask & b32) &&
		       (!o->only_suites || (o->only_suites & b32));

	pb->offer_80 = pb->offer_80 && allow80;
	pb->offer_32 = pb->offer_32 && allow32;
	if (!pb->offer_80 && !pb->offer_32) {
		/* the proxy named a suite the configuration does not offer */
		pb->offer_80 = allow80;
		pb->offer_32 = !allow80 && allow32;
	}
	if (!pb->offer_80 && !pb->offer_32) {
		errmsg_set(err, errlen,
			"the SDES options leave no suite to offer (srtpd offers AES_CM_128_HMAC_SHA1_80 and AES_CM_128_HMAC_SHA1_32%s)",
			o->nonew && a_bits ? " of those the caller offered" : "");
		return -1;
	}
	pb->first_32 = o->first_32;
	return 0;
}

/* RFC 8643: A offered SRTP in an RTP/AVP m-line with no SAVP sibling. */
static bool a_osrtp(const struct bridge *b, const struct neg_group *g)
{
	size_t pos = 0;

	return g->secure < 0 && open_line(&b->a_offer, g->plain) &&
	       sdp_media_attr(&b->a_offer.media[g->plain], "crypto", &pos);
}

/* B's leg of group @g: B's policy shaped by the proxy's options. */
static int leg_b_policy(const struct bridge *b, const struct neg_group *g,
			struct srtp_policy *pb, char *err, size_t errlen)
{
	const struct bridge_opts *o = &b->opts;
	bool osrtp = a_osrtp(b, g);
	bool secure = open_line(&b->a_offer, g->secure) || osrtp;
	bool plain = open_line(&b->a_offer, g->plain);

	*pb = b->pb_base;
	pb->lifetime = 0;
	switch (o->transport) {
	case BRIDGE_RTP:
		pb->offer = false;
		pb->require = false;
		break;
	case BRIDGE_SRTP:
		pb->srtp = pb->offer = pb->require = true;
		break;
	case BRIDGE_KEEP:
		if (!pb->srtp) {		/* B's model has no SRTP */
			pb->offer = pb->require = false;
		} else if (pb->require) {	/* B's policy: SRTP only */
			pb->offer = true;
		} else {			/* as A offered it */
			pb->offer = secure;
			pb->require = secure && !plain;
			pb->osrtp = osrtp;
		}
		break;
	}
	pb->osrtp |= o->osrtp_offer;
	if (o->sdes_off) {
		if (pb->require) {
			errmsg_set(err, errlen,
				"SDES-off leaves no key exchange for the RTP/SAVP leg toward the callee");
			return -1;
		}
		pb->offer = false;
	}
	if (!pb->offer)
		return 0;
	if (o->unencrypted_srtp)
		pb->sp[CFG_SP_NO_ENC_RTP].offer = true;
	if (o->unencrypted_srtcp)
		pb->sp[CFG_SP_NO_ENC_RTCP].offer = true;
	if (o->unauthenticated_srtp)
		pb->sp[CFG_SP_NO_AUTH].offer = true;
	if (o->lifetime && !pb->lifetime)
		pb->lifetime = 1ULL << 31;
	return leg_b_suites(o, a_suites(b, osrtp ? g->plain : g->secure),
			    pb, err, errlen);
}

/* Our m-lines toward B for RTP group @g of A's offer. */
static int offer_group(struct bridge *b, struct bridge_group *g,
		       const struct sdes_crypto *again, struct sdp *out,
		       char *err, size_t errlen)
{
	const struct sdp *a = &b->a_offer;
	const struct sdp_media *t = &a->media[g->a.secure >= 0 &&
					      a->media[g->a.secure].port ?
					      g->a.secure : g->a.plain];
	const struct sdp_media *tp = g->a.plain >= 0 ? &a->media[g->a.plain] : t;
	struct neg_local l;

	if (leg_b_policy(b, &g->a, &g->pb, err, errlen))
		return BRIDGE_REJECTED;
	if (b->opts.rtcp_demux && sdp_media_has_attr(t, "rtcp-mux-only")) {
		/* RFC 8858: it has no RTCP port to fall back to */
		errmsg_set(err, errlen,
			"rtcp-mux demux: m=%s offers a=rtcp-mux-only, which cannot go without multiplexing",
			t->media);
		return BRIDGE_REJECTED;
	}
	memset(&l, 0, sizeof(l));
	if (sdp_media_conn(a, t, &l.conn)) {
		errmsg_set(err, errlen, "offer SDP: m=%s has no connection address (c=)",
			t->media);
		return -1;
	}
	l.port = t->port;
	l.fmts = t->fmts;
	l.again = again;
	if (negotiate_offer(&g->pb, &l, &g->offer, err, errlen))
		return -1;
	if (g->offer.secure &&
	    emit_media(out, t, t->media, t->port,
		       proto_as(t->proto, !g->offer.osrtp), t->fmts,
		       g->offer.crypto, g->offer.ncrypto, b->opts.rtcp_demux))
		goto oom;
	if (g->offer.plain && !g->offer.osrtp &&
	    emit_media(out, tp, tp->media, t->port, proto_as(tp->proto, false),
		       tp->fmts, NULL, 0, b->opts.rtcp_demux))
		goto oom;
	return 0;
oom:
	errmsg_set(err, errlen, "out of memory");
	return -1;
}

/* A's leg: the policy's answer to A's offer (its SDP is not used). */
static int decide_a(struct bridge *b, const struct sdp *ans,
		    const struct sdes_crypto *const *keep,
		    struct neg_result *ra, char *err, size_t errlen)
{
	/* @ans: the description whose address stands in for ours */
	struct neg_local l;
	struct sdp unused;
	size_t i;
	int rc;

	memset(&l, 0, sizeof(l));
	l.port = 9;
	l.keep = keep;
	l.keep_suite = b->opts.keep_suite;
	memcpy(l.prefer, b->opts.a_prefer, b->opts.a_nprefer);
	l.nprefer = b->opts.a_nprefer;
	for (i = 0; i < ans->nmedia; i++)
		if (!sdp_media_conn(ans, &ans->media[i], &l.conn))
			break;
	if (i == ans->nmedia) {
		errmsg_set(err, errlen, "%s SDP: no connection address (c=)",
			ans == &b->a_offer ? "offer" : "answer");
		return -1;
	}
	rc = negotiate_answer(&b->pa, &b->a_offer, &l, &unused, ra, err,
			      errlen);
	if (rc == NEG_REJECTED)
		errmsg_set(err, errlen, "the caller's offer: %s", ra->reason);
	if (!rc)
		sdp_free(&unused);
	return rc;
}

/*
 * Whether A's leg can be answered at all: found out now, so that the
 * proxy can refuse the call (488) before it is forwarded.  *@out (free
 * it, negotiate_result_wipe() first) says how.
 */
static int check_a(struct bridge *b, struct neg_result **out, char *err,
		   size_t errlen)
{
	struct neg_result *ra = calloc(1, sizeof(*ra));
	int rc;

	*out = NULL;
	if (!ra) {
		errmsg_set(err, errlen, "out of memory");
		return -1;
	}
	rc = decide_a(b, &b->a_offer, NULL, ra, err, errlen);
	if (rc) {
		negotiate_result_wipe(ra);
		free(ra);
		return rc;
	}
	*out = ra;
	return 0;
}

/* What A's leg of each RTP group will be, for guards from the offer on. */
static void note_a_legs(struct bridge *b, const struct neg_result *ra)
{
	size_t i, k;

	for (i = 0; i < ra->nstreams; i++) {
		const struct neg_stream *s = &ra->streams[i];

		for (k = 0; k < b->ngroups; k++) {
			struct bridge_group *g = &b->groups[k];

			if ((int)s->index != g->a.secure &&
			    (int)s->index != g->a.plain)
				continue;
			g->a_srtp = s->srtp;
			g->a_suite = s->local.suite;
			g->a_conn = s->remote_conn;
			g->a_port = s->remote_port;
			g->a_rtcp_port = s->remote_rtcp_port;
			/* demux: B, and so A's answer, will have none */
			g->a_mux = s->rtcp_mux && !b->opts.rtcp_demux;
		}
	}
}

int bridge_offer(struct bridge *b, const struct srtp_policy *p,
		 const struct srtp_policy *pb, const struct bridge_opts *o,
		 const struct sdes_crypto *const *again, const char *sdp,
		 size_t len, char **out, char *err, size_t errlen)
{
	struct neg_group groups[NEG_MEDIA_MAX];
	struct neg_result *ra = NULL;
	char why[256];
	struct sdp fwd;
	size_t i;
	int rc = -1;

	memset(b, 0, sizeof(*b));
	b->pa = *p;
	b->pa.lifetime = 0;	/* see bridge.h: no re-key without a re-INVITE */
	b->pb_base = *pb;
	b->opts = *o;
	*out = NULL;
	sdp_init(&b->a_offer);
	sdp_init(&fwd);
	if (sdp_parse(sdp, len, &b->a_offer, why, sizeof(why))) {
		errmsg_set(err, errlen, "offer SDP: %s", why);
		return -1;
	}
	if (!b->a_offer.nmedia || b->a_offer.nmedia > NEG_MEDIA_MAX) {
		errmsg_set(err, errlen, "offer SDP: %zu m-lines (1 to %d are handled)",
			b->a_offer.nmedia, NEG_MEDIA_MAX);
		return -1;
	}
	if (shared_transport(&b->a_offer, "offer", err, errlen))
		return -1;
	rc = check_mux(&b->opts, &b->a_offer, "offer", err, errlen);
	if (rc)
		return rc;
	rc = check_a(b, &ra, err, errlen);
	if (rc)
		return rc;
	if (copy_session(&fwd, &b->a_offer))
		goto oom;
	b->ngroups = negotiate_groups(&b->a_offer, groups);
	b->groups = calloc(b->ngroups, sizeof(*b->groups));
	if (!b->groups) {
		b->ngroups = 0;
		goto oom;
	}
	for (i = 0; i < b->ngroups; i++) {
		struct bridge_group *g = &b->groups[i];
		int k;

		g->a = groups[i];
		g->b_first = (unsigned int)fwd.nmedia;
		g->rtp = open_line(&b->a_offer, g->a.secure) ||
			 open_line(&b->a_offer, g->a.plain);
		if (g->rtp) {
			rc = offer_group(b, g, again && i < NEG_MEDIA_MAX ?
					 again[i] : NULL, &fwd, err, errlen);
			if (rc)
				goto out;
		} else {
			for (k = 0; k < (int)b->a_offer.nmedia; k++)
				if ((k == g->a.secure || k == g->a.plain) &&
				    copy_media(&fwd, &b->a_offer.media[k]))
					goto oom;
		}
		g->b_count = (unsigned int)fwd.nmedia - g->b_first;
	}
	b->b_nmedia = fwd.nmedia;
	note_a_legs(b, ra);
	*out = sdp_format(&fwd);
	if (!*out)
		goto oom;
	rc = 0;
	goto out;
oom:
	errmsg_set(err, errlen, "out of memory");
	rc = -1;
out:
	negotiate_result_wipe(ra);
	free(ra);
	sdp_free(&fwd);
	return rc;
}

/* ---- the answer ---- */

struct answer_state {
	struct bridge *b;
	const struct sdp *ans;		/* B's answer */
	struct neg_result *ra;		/* A's leg, all groups */
	struct neg_result *rb;		/* B's leg of the current group */
	struct sdp *fwd;		/* the answer to A */
	struct bridge_plan *plan;
	char *err;
	size_t errlen;
};

static const struct neg_stream *a_stream(const struct neg_result *ra,
					 const struct neg_group *g)
{
	size_t i;

	for (i = 0; i < ra->nstreams; i++)
		if ((int)ra->streams[i].index == g->secure ||
		    (int)ra->streams[i].index == g->plain)
			return &ra->streams[i];
	return NULL;
}

static void add_flow(struct bridge_plan *plan, unsigned int index,
		     unsigned int a_line, bool a_to_b,
		     const struct neg_stream *src, const struct neg_stream *dst)
{
	struct bridge_flow *f = &plan->flows[plan->nflows++];

	memset(f, 0, sizeof(*f));
	f->index = index;
	f->a_line = a_line;
	f->a_to_b = a_to_b;
	f->from = src->remote_conn;
	f->to = dst->remote_conn;
	f->to_port = dst->remote_port;
	f->to_rtcp_port = dst->remote_rtcp_port;
	f->rtcp_mux = src->rtcp_mux && dst->rtcp_mux;
	f->unprotect = src->srtp;
	if (src->srtp)
		f->in = src->remote;
	f->protect = dst->srtp;
	if (dst->srtp)
		f->out = dst->local;
}

/* The kernel sends a stream's RTCP to its RTP address (or multiplexed). */
static const char *rtcp_elsewhere(const struct neg_stream *s)
{
	return !s->rtcp_mux && strcmp(s->remote_rtcp_conn.addr,
				      s->remote_conn.addr) ?
	       s->remote_rtcp_conn.addr : NULL;
}

/* A's m-lines of RTP group @gi, with B's answer for it in @st->rb. */
static int answer_group(struct answer_state *st, unsigned int gi,
			const struct sdp *view, bool b_took)
{
	const struct bridge_group *g = &st->b->groups[gi];
	const struct sdp *a = &st->b->a_offer;
	const struct neg_stream *sa = a_stream(st->ra, &g->a);
	const struct neg_stream *sb = &st->rb->streams[0];
	bool take = sa && b_took;
	int i;

	/* in-path, media cannot cross families; anchored, srtpd relays it */
	if (take && !st->b->opts.relay_all &&
	    sa->remote_conn.family != sb->remote_conn.family) {
		errmsg_set(st->err, st->errlen,
			"m=%s: the caller and the callee use different address families",
			sa->media);
		return BRIDGE_REJECTED;
	}
	if (take && (rtcp_elsewhere(sa) || rtcp_elsewhere(sb))) {
		errmsg_set(st->err, st->errlen,
			"m=%s: RTCP to another address (%s) than RTP is not supported",
			sa->media, rtcp_elsewhere(sa) ? rtcp_elsewhere(sa) :
			rtcp_elsewhere(sb));
		return BRIDGE_REJECTED;
	}
	for (i = 0; i < (int)a->nmedia; i++) {
		const struct sdp_media *am = &a->media[i];
		const struct sdp_media *bm;
		int rc;

		if (i != g->a.secure && i != g->a.plain)
			continue;
		if (!take || i != (int)sa->index) {
			rc = sdp_add_media(st->fwd, am->media, 0, am->proto,
					   am->fmts) ? 0 : -1;
		} else {
			bm = &view->media[sb->index];
			rc = emit_media(st->fwd, bm, am->media, bm->port,
					am->proto, bm->fmts,
					sa->srtp ? &sa->local : NULL,
					sa->srtp ? 1 : 0, false);
		}
		if (rc) {
			errmsg_set(st->err, st->errlen, "out of memory");
			return -1;
		}
	}
	if (take && (sa->srtp || sb->srtp || st->b->opts.relay_all)) {
		add_flow(st->plan, gi, sa->index, true, sa, sb);
		add_flow(st->plan, gi, sa->index, false, sb, sa);
	}
	if (take) {
		st->plan->secure_a &= sa->srtp && policy_crypto_secure(&sa->local);
		st->plan->secure_b &= sb->srtp && policy_crypto_secure(&sb->local);
	}
	return 0;
}

static bool all_rejected(const struct sdp *view)
{
	size_t i;

	for (i = 0; i < view->nmedia; i++)
		if (view->media[i].port)
			return false;
	return true;
}

static int answer_groups(struct answer_state *st)
{
	struct bridge *b = st->b;
	size_t gi;
	int rc;

	for (gi = 0; gi < b->ngroups; gi++) {
		const struct bridge_group *g = &b->groups[gi];
		struct sdp view = *st->ans;
		unsigned int k;
		bool took;

		view.media = &st->ans->media[g->b_first];
		view.nmedia = g->b_count;
		if (!g->rtp) {
			for (k = 0; k < g->b_count; k++)
				if (copy_media(st->fwd, &view.media[k]))
					return -1;
			continue;
		}
		took = !all_rejected(&view);
		memset(st->rb, 0, sizeof(*st->rb));
		if (took) {
			rc = negotiate_complete(&g->pb, &g->offer, &view, st->rb);
			if (rc) {
				errmsg_set(st->err, st->errlen,
					"the callee's answer: %s", st->rb->reason);
				return rc;
			}
		}
		rc = answer_group(st, (unsigned int)gi, &view, took);
		negotiate_result_wipe(st->rb);
		if (rc)
			return rc;
	}
	return 0;
}

int bridge_answer(struct bridge *b, const char *sdp, size_t len,
		  const struct sdes_crypto *const *keep_a, char **out,
		  struct bridge_plan *plan, char *err, size_t errlen)
{
	struct neg_result *ra = calloc(2, sizeof(*ra));
	struct answer_state st = {
		.b = b, .ra = ra, .rb = ra + 1, .plan = plan, .err = err,
		.errlen = errlen,
	};
	struct sdp ans, fwd;
	char why[256];
	int rc = -1;

	*out = NULL;
	memset(plan, 0, sizeof(*plan));
	plan->secure_a = plan->secure_b = true;
	sdp_init(&ans);
	sdp_init(&fwd);
	st.ans = &ans;
	st.fwd = &fwd;
	if (!ra) {
		errmsg_set(err, errlen, "out of memory");
		return -1;
	}
	if (sdp_parse(sdp, len, &ans, why, sizeof(why))) {
		errmsg_set(err, errlen, "answer SDP: %s", why);
		goto out;
	}
	if (ans.nmedia != b->b_nmedia) {
		errmsg_set(err, errlen,
			"the callee's answer has %zu m-lines, the offer %zu (RFC 3264 6)",
			ans.nmedia, b->b_nmedia);
		rc = BRIDGE_REJECTED;
		goto out;
	}
	if (shared_transport(&ans, "answer", err, errlen)) {
		rc = BRIDGE_REJECTED;
		goto out;
	}
	rc = check_mux(&b->opts, &ans, "answer", err, errlen);
	if (rc)
		goto out;
	rc = decide_a(b, &ans, keep_a, ra, err, errlen);
	if (rc)
		goto out;
	if (copy_session(&fwd, &ans)) {
		errmsg_set(err, errlen, "out of memory");
		rc = -1;
		goto out;
	}
	rc = answer_groups(&st);
	if (!rc && !plan->nflows && !ra->nstreams) {
		errmsg_set(err, errlen, "no media stream is left");
		rc = BRIDGE_REJECTED;
	}
	if (!rc) {
		*out = sdp_format(&fwd);
		if (!*out) {
			errmsg_set(err, errlen, "out of memory");
			rc = -1;
		}
	}
out:
	if (rc)
		bridge_plan_wipe(plan);
	negotiate_result_wipe(ra);
	negotiate_result_wipe(ra + 1);
	free(ra);
	sdp_free(&ans);
	sdp_free(&fwd);
	return rc;
}

void bridge_free(struct bridge *b)
{
	size_t i;

	for (i = 0; b->groups && i < b->ngroups; i++)
		negotiate_offer_free(&b->groups[i].offer);
	if (b->groups)
		explicit_bzero(b->groups, b->ngroups * sizeof(*b->groups));
	free(b->groups);
	sdp_free(&b->a_offer);
	explicit_bzero(b, sizeof(*b));
}

void bridge_plan_wipe(struct bridge_plan *plan)
{
	explicit_bzero(plan, sizeof(*plan));
}
