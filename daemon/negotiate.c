// SPDX-License-Identifier: GPL-2.0
/*
 * negotiate: offers, answers and their completion under the bulletin's
 * policy.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "errmsg.h"
#include "negotiate.h"

#define DEFAULT_FMTS	"0 8 18 101"
#define MKI_LEN		4	/* sec.srtp.mki.enabled: "a four-byte MKI" */
#define LINE_MAX_LEN	4096

static int fill_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int negotiate_new_key(enum sdes_suite suite, struct sdes_key *k)
{
	const struct sdes_suite_info *si = sdes_suite_info(suite);

	memset(k, 0, sizeof(*k));
	if (!si)
		return -1;
	k->key_len = si->key_len;
	k->salt_len = si->salt_len;
	if (fill_random(k->key, k->key_len) ||
	    fill_random(k->salt, k->salt_len)) {
		sdes_key_wipe(k);
		return -1;
	}
	return 0;
}

/* Our key-params for @suite: a fresh key, the policy's lifetime and MKI. */
static int our_key(const struct srtp_policy *p, const struct neg_local *l,
		   enum sdes_suite suite, struct sdes_key *k)
{
	uint32_t mki = l->mki ? l->mki : 1;
	int i;

	if (negotiate_new_key(suite, k))
		return -1;
	k->lifetime = p->lifetime;
	if (p->mki) {
		k->mki_len = MKI_LEN;
		for (i = MKI_LEN - 1; i >= 0; i--, mki >>= 8)
			k->mki[i] = (uint8_t)mki;
	}
	return 0;
}

static void our_crypto_init(struct sdes_crypto *c, unsigned long tag,
			    enum sdes_suite suite)
{
	memset(c, 0, sizeof(*c));
	c->tag = tag;
	c->suite = suite;
	c->kdr = -1;
	snprintf(c->suite_name, sizeof(c->suite_name), "%s",
		 sdes_suite_info(suite)->name);
}

/* a=crypto:<line> on @m; the formatted text is wiped after use. */
static int add_crypto_line(struct sdp_media *m, const struct sdes_crypto *c)
{
	char line[LINE_MAX_LEN];
	int n, rc;

	memcpy(line, "crypto:", 7);
	n = sdes_format_crypto(c, line + 7, sizeof(line) - 7);
	if (n < 0)
		return -1;
	rc = sdp_media_add_line(m, 'a', line);
	explicit_bzero(line, sizeof(line));
	return rc;
}

static const char *family_word(int family)
{
	return family == AF_INET6 ? "IP6" : "IP4";
}

/* v=, o=, s=, c=, t= for our side. */
static int add_session_lines(struct sdp *s, const struct neg_local *l)
{
	char buf[SDP_ADDR_MAX + 96];
	uint64_t id = l->session_id;

	if (!id && fill_random(&id, sizeof(id)))
		return -1;
	id &= 0x7fffffffffffffffULL;	/* stays a positive 63-bit number */
	snprintf(buf, sizeof(buf), "- %llu %llu IN %s %s",
		 (unsigned long long)id, (unsigned long long)l->version,
		 family_word(l->conn.family), l->conn.addr);
	if (sdp_add_line(s, 'v', "0") || sdp_add_line(s, 'o', buf) ||
	    sdp_add_line(s, 's', "-"))
		return -1;
	snprintf(buf, sizeof(buf), "IN %s %s", family_word(l->conn.family),
		 l->conn.addr);
	if (sdp_add_line(s, 'c', buf) || sdp_add_line(s, 't', "0 0"))
		return -1;
	return 0;
}

/* The rtpmap lines of the bulletin's offers for the formats we know. */
static int add_rtpmaps(struct sdp_media *m, const char *fmts)
{
	static const struct {
		const char *pt;
		const char *map;
	} known[] = {
		{ "0", "0 PCMU/8000" }, { "8", "8 PCMA/8000" },
		{ "9", "9 G722/8000" }, { "18", "18 G729/8000" },
		{ "101", "101 telephone-event/8000" },
	};
	char copy[256], *tok, *save = NULL;
	size_t i;

	snprintf(copy, sizeof(copy), "%s", fmts);
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
			char line[64];

			if (strcmp(tok, known[i].pt))
				continue;
			snprintf(line, sizeof(line), "rtpmap:%s", known[i].map);
			if (sdp_media_add_line(m, 'a', line))
				return -1;
		}
	}
	return 0;
}

static bool same_session_params(const struct sdes_crypto *a,
				const struct sdes_crypto *b)
{
	return a->unencrypted_srtp == b->unencrypted_srtp &&
	       a->unencrypted_srtcp == b->unencrypted_srtcp &&
	       a->unauthenticated_srtp == b->unauthenticated_srtp;
}

static int offer_crypto_lines(const struct srtp_policy *p,
			      const struct neg_local *l, struct neg_offer *o)
{
	unsigned long tag32 = p->offer_80 ? 2 : 1;
	int sp;

	/* the tags by suite, whatever the lines' order (RFC 4568 6.1) */
	if (p->offer_32 && p->first_32)
		our_crypto_init(&o->crypto[o->ncrypto++], tag32,
				SDES_AES_CM_128_HMAC_SHA1_32);
	if (p->offer_80)
		our_crypto_init(&o->crypto[o->ncrypto++], 1,
				SDES_AES_CM_128_HMAC_SHA1_80);
	if (p->offer_32 && !p->first_32)
		our_crypto_init(&o->crypto[o->ncrypto++], tag32,
				SDES_AES_CM_128_HMAC_SHA1_32);
	for (unsigned int i = 0; i < o->ncrypto; i++) {
		struct sdes_crypto *c = &o->crypto[i];
		const struct sdes_crypto *again = l->again;

		for (sp = 0; sp < CFG_SP_COUNT; sp++) {
			if (!p->sp[sp].offer)
				continue;
			if (sp == CFG_SP_NO_AUTH)
				c->unauthenticated_srtp = true;
			else if (sp == CFG_SP_NO_ENC_RTCP)
				c->unencrypted_srtcp = true;
			else
				c->unencrypted_srtp = true;
		}
		c->nkeys = 1;
		/* a key is kept only for the same transform it had */
		if (again && again->suite == c->suite && again->nkeys &&
		    same_session_params(again, c))
			c->keys[0] = again->keys[again->nkeys - 1];
		else if (our_key(p, l, c->suite, &c->keys[0]))
			return -1;
	}
	return 0;
}

int negotiate_offer(const struct srtp_policy *p, const struct neg_local *l,
		    struct neg_offer *o, char *err, size_t errlen)
{
	const char *fmts = l->fmts ? l->fmts : DEFAULT_FMTS;
	struct sdp_media *m;
	unsigned int i, n = 0;

	memset(o, 0, sizeof(*o));
	sdp_init(&o->sdp);
	o->local = *l;
	o->local.fmts = NULL;	/* not kept: the caller's pointers */
	o->local.keep = NULL;
	o->local.again = NULL;
	o->secure = p->srtp && p->offer;
	o->plain = !p->require;
	o->osrtp = o->secure && o->plain && p->osrtp;
	if (add_session_lines(&o->sdp, l))
		goto fail;
	if (o->secure) {
		if (offer_crypto_lines(p, l, o))
			goto fail;
		m = sdp_add_media(&o->sdp, "audio", l->port,
				  o->osrtp ? "RTP/AVP" : "RTP/SAVP", fmts);
		if (!m || sdp_media_add_line(m, 'a', "sendrecv"))
			goto fail;
		for (i = 0; i < o->ncrypto; i++)
			if (add_crypto_line(m, &o->crypto[i]))
				goto fail;
		if (add_rtpmaps(m, fmts))
			goto fail;
		o->secure_index = n++;
	}
	if (o->osrtp) {
		o->plain_index = o->secure_index;
	} else if (o->plain) {
		m = sdp_add_media(&o->sdp, "audio", l->port, "RTP/AVP", fmts);
		if (!m)
			goto fail;
		/* The bulletin's AVP alternative carries no a=sendrecv. */
		if (!o->secure && sdp_media_add_line(m, 'a', "sendrecv"))
			goto fail;
		if (add_rtpmaps(m, fmts))
			goto fail;
		o->plain_index = n++;
	}
	return 0;

fail:
	errmsg_set(err, errlen, "cannot build the offer: %s",
		errno ? strerror(errno) : "out of memory");
	negotiate_offer_free(o);
	return -1;
}

void negotiate_offer_free(struct neg_offer *o)
{
	unsigned int i;

	for (i = 0; i < 2; i++)
		sdes_crypto_wipe(&o->crypto[i]);
	sdp_free(&o->sdp);
	memset(o, 0, sizeof(*o));
}

void negotiate_result_wipe(struct neg_result *r)
{
	size_t i;

	for (i = 0; i < NEG_MEDIA_MAX; i++) {
		sdes_crypto_wipe(&r->streams[i].local);
		sdes_crypto_wipe(&r->streams[i].remote);
	}
	memset(r, 0, sizeof(*r));
}

/* ---- answering ---- */

static bool proto_is_rtp(const char *proto)
{
	return !strcmp(proto, "RTP/AVP") || !strcmp(proto, "RTP/SAVP") ||
	       !strcmp(proto, "RTP/AVPF") || !strcmp(proto, "RTP/SAVPF");
}

size_t negotiate_groups(const struct sdp *offer, struct neg_group *g)
{
	size_t n = 0, i = 0;

	while (i < offer->nmedia) {
		const struct sdp_media *a = &offer->media[i];
		bool sa = sdp_proto_is_secure(a->proto);

		g[n].secure = sa ? (int)i : -1;
		g[n].plain = sa ? -1 : (int)i;
		if (i + 1 < offer->nmedia) {
			const struct sdp_media *b = &offer->media[i + 1];

			if (a->port && b->port == a->port &&
			    !strcmp(a->media, b->media) &&
			    sdp_proto_is_secure(b->proto) != sa) {
				if (sa)
					g[n].plain = (int)i + 1;
				else
					g[n].secure = (int)i + 1;
				i++;
			}
		}
		i++;
		n++;
	}
	return n;
}

/* Where suite @s stands in @order (@n long); @n when it is not there. */
static size_t suite_rank(const uint8_t *order, size_t n, enum sdes_suite s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (order[i] == s)
			return i;
	return n;
}

/*
 * The acceptable crypto line of @m whose suite stands first in @order
 * (@norder suites), else the first acceptable one, into @out; -1 with
 * the reason of the last refusal in @why.
 */
static int choose_crypto(const struct srtp_policy *p,
			 const struct sdp_media *m, const uint8_t *order,
			 size_t norder, struct sdes_crypto *out, char *why,
			 size_t whylen)
{
	struct sdes_crypto cand;
	unsigned long seen[32];
	size_t nseen = 0, pos = 0, k, best = 0;
	const char *v;
	int found = 0;

	errmsg_set(why, whylen, "no a=crypto line");
	while ((v = sdp_media_attr(m, "crypto", &pos))) {
		char r[200];
		bool dup = false;
		size_t rank;

		if (sdes_parse_crypto(v, strlen(v), &cand, r, sizeof(r))) {
			if (!found)
				errmsg_set(why, whylen, "invalid a=crypto: %s",
					   r);
			continue;
		}
		for (k = 0; k < nseen; k++)
			dup |= seen[k] == cand.tag;
		if (dup) {
			/* RFC 4568 9.1: tags are unique in a media stream */
			if (!found)
				errmsg_set(why, whylen,
					   "a=crypto tag %lu repeated",
					   cand.tag);
			sdes_crypto_wipe(&cand);
			continue;
		}
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = cand.tag;
		rank = suite_rank(order, norder, cand.suite);
		if (found && rank >= best) {
			sdes_crypto_wipe(&cand);
			continue;
		}
		if (policy_accept_crypto(p, &cand, r, sizeof(r))) {
			if (!found)
				errmsg_set(why, whylen, "a=crypto:%lu %s: %s",
					   cand.tag, cand.suite_name, r);
			sdes_crypto_wipe(&cand);
			continue;
		}
		if (found)
			sdes_crypto_wipe(out);
		*out = cand;
		sdes_crypto_wipe(&cand);
		found = 1;
		best = rank;
		if (!rank)
			break;
	}
	return found ? 0 : -1;
}

static const char *mirror_direction(const char *attr)
{
	if (!strcmp(attr, "sendonly"))
		return "recvonly";
	if (!strcmp(attr, "recvonly"))
		return "sendonly";
	return attr;
}

static bool copied_attr(const char *value)
{
	static const char *const names[] = { "rtpmap", "fmtp", "ptime",
					     "maxptime" };
	size_t i, n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = strlen(names[i]);
		if (!strncmp(value, names[i], n) && value[n] == ':')
			return true;
	}
	return false;
}

/* Our m-line for offered @om: its formats, codecs and direction. */
static int answer_media(struct sdp *answer, const struct sdp_media *om,
			unsigned int port, const struct sdes_crypto *ours,
			bool mux)
{
	struct sdp_media *m = sdp_add_media(answer, om->media, port,
					    om->proto, om->fmts);
	bool crypto_done = false;
	size_t i;

	if (!m)
		return -1;
	for (i = 0; i < om->lines.n; i++) {
		const struct sdp_line *ln = &om->lines.v[i];
		const char *v = ln->value;
		int rc = 0;

		if (ln->type != 'a')
			continue;
		if (!strcmp(v, "sendrecv") || !strcmp(v, "sendonly") ||
		    !strcmp(v, "recvonly") || !strcmp(v, "inactive"))
			rc = sdp_media_add_line(m, 'a', mirror_direction(v));
		else if (!strncmp(v, "crypto:", 7) && ours && !crypto_done) {
			rc = add_crypto_line(m, ours);
			crypto_done = true;
		} else if (copied_attr(v))
			rc = sdp_media_add_line(m, 'a', v);
		if (rc)
			return -1;
	}
	if (mux && sdp_media_add_line(m, 'a', "rtcp-mux"))
		return -1;
	return 0;
}

static int reject_media(struct sdp *answer, const struct sdp_media *om)
{
	return sdp_add_media(answer, om->media, 0, om->proto, om->fmts) ?
	       0 : -1;
}

/* The peer's addresses of stream @s from offer or answer @d, m-line @m. */
static int remote_addrs(const struct sdp *d, const struct sdp_media *m,
			struct neg_stream *s, char *why, size_t whylen)
{
	if (sdp_media_conn(d, m, &s->remote_conn)) {
		errmsg_set(why, whylen, "m=%s has no connection address (c=)",
			m->media);
		return -1;
	}
	s->remote_port = m->port;
	s->rtcp_mux = sdp_media_has_attr(m, "rtcp-mux");
	if (sdp_media_rtcp(d, m, &s->remote_rtcp_port,
			   &s->remote_rtcp_conn) < 0) {
		errmsg_set(why, whylen, "m=%s has a malformed a=rtcp", m->media);
		return -1;
	}
	return 0;
}

/*
 * Our answer crypto line: the offer's tag, suite and parameters, with a
 * fresh key or the one @keep says to keep.
 */
static int answer_crypto(const struct srtp_policy *p,
			 const struct neg_local *l, unsigned int index,
			 const struct sdes_crypto *theirs,
			 struct sdes_crypto *ours)
{
	const struct sdes_crypto *keep = l->keep && index < NEG_MEDIA_MAX ?
					 l->keep[index] : NULL;

	our_crypto_init(ours, theirs->tag, theirs->suite);
	ours->unencrypted_srtp = theirs->unencrypted_srtp;
	ours->unencrypted_srtcp = theirs->unencrypted_srtcp;
	ours->unauthenticated_srtp = theirs->unauthenticated_srtp;
	ours->kdr = theirs->kdr;
	ours->wsh = theirs->wsh;
	ours->nkeys = 1;
	if (keep && keep->suite == theirs->suite && keep->nkeys) {
		ours->keys[0] = keep->keys[keep->nkeys - 1];
		return 0;
	}
	return our_key(p, l, theirs->suite, &ours->keys[0]);
}

/* A rejected call keeps its reason and loses every key. */
static void wipe_keep_reason(struct neg_result *r)
{
	char keep[sizeof(r->reason)];

	memcpy(keep, r->reason, sizeof(keep));
	negotiate_result_wipe(r);
	memcpy(r->reason, keep, sizeof(keep));
}

struct answer_ctx {
	const struct srtp_policy *p;
	const struct sdp *offer;
	const struct neg_local *l;
	struct sdp *answer;
	struct neg_result *r;
	unsigned int next_port;
	char first_reason[256];
};

static bool open_rtp(const struct sdp *d, int i)
{
	return i >= 0 && d->media[i].port && proto_is_rtp(d->media[i].proto);
}

/* RFC 8643: SRTP offered in an RTP/AVP m-line that has no SAVP sibling. */
static bool opportunistic(const struct sdp *offer, const struct neg_group *g)
{
	size_t pos = 0;

	return g->secure < 0 && open_rtp(offer, g->plain) &&
	       sdp_media_attr(&offer->media[g->plain], "crypto", &pos);
}

/*
 * The suites to choose first in m-line @index of the offer, into @order:
 * the kept line's under keep_suite, then the preferred ones.
 */
static size_t answer_order(const struct neg_local *l, int index,
			   uint8_t *order)
{
	const struct sdes_crypto *keep = l->keep && index >= 0 &&
					 index < NEG_MEDIA_MAX ?
					 l->keep[index] : NULL;
	size_t n = 0;

	if (l->keep_suite && keep && keep->suite != SDES_SUITE_UNKNOWN)
		order[n++] = (uint8_t)keep->suite;
	memcpy(order + n, l->prefer, l->nprefer);
	return n + l->nprefer;
}

/* Decides one group; adds its m-lines to the answer in offer order. */
static int answer_group(struct answer_ctx *a, const struct neg_group *g)
{
	uint8_t order[SDES_SUITE_COUNT + 1];
	const struct sdp *offer = a->offer;
	int idx[2] = { g->secure, g->plain }, take = -1, i;
	struct neg_stream *s = &a->r->streams[a->r->nstreams];
	bool osrtp = opportunistic(offer, g);
	int srtp_line = osrtp ? g->plain : g->secure;
	bool keyed = false;	/* a crypto line of the offer is taken */
	char why[256] = "";

	memset(s, 0, sizeof(*s));
	if (open_rtp(offer, srtp_line)) {
		if (!a->p->srtp)
			snprintf(why, sizeof(why),
				 "SRTP is off on this phone (sec.srtp.enable)");
		else if (!choose_crypto(a->p, &offer->media[srtp_line],
					order, answer_order(a->l, srtp_line,
							    order),
					&s->remote, why, sizeof(why)))
			keyed = true;
	}
	if (keyed)
		take = srtp_line;
	if (take < 0 && open_rtp(offer, g->plain)) {
		if (a->p->require) {
			char srtp_why[sizeof(why)];

			memcpy(srtp_why, why, sizeof(why));
			if (g->secure >= 0 || osrtp)
				errmsg_set(why, sizeof(why),
					"secure media is required (sec.srtp.require=1) and the %s offer is not acceptable: %s",
					osrtp ? "opportunistic SRTP (RFC 8643)" :
					"SRTP", srtp_why);
			else
				snprintf(why, sizeof(why),
					 "secure media is required (sec.srtp.require=1) and only RTP/AVP is offered");
		} else {
			/* RFC 8643 3.2: unacceptable crypto, plain RTP */
			take = g->plain;
		}
	}
	if (take < 0 && !a->first_reason[0] && why[0])
		errmsg_set(a->first_reason, sizeof(a->first_reason), "m=%s: %s",
			offer->media[idx[g->secure < 0]].media, why);
	if (take >= 0) {
		const struct sdp_media *om = &offer->media[take];

		s->index = (unsigned int)take;
		snprintf(s->media, sizeof(s->media), "%s", om->media);
		s->srtp = keyed;
		s->local_conn = a->l->conn;
		s->local_port = a->next_port;
		a->next_port += 2;
		if (remote_addrs(offer, om, s, why, sizeof(why)) ||
		    (s->srtp && answer_crypto(a->p, a->l, s->index, &s->remote,
					      &s->local))) {
			sdes_crypto_wipe(&s->remote);
			sdes_crypto_wipe(&s->local);
			if (!a->first_reason[0])
				snprintf(a->first_reason,
					 sizeof(a->first_reason), "%s", why);
			take = -1;
		}
	}
	if (take >= 0)
		a->r->nstreams++;
	/* both alternatives, in offer order */
	for (i = 0; i < (int)offer->nmedia; i++) {
		const struct sdp_media *om = &offer->media[i];
		int rc;

		if (i != g->secure && i != g->plain)
			continue;
		if (i == take)
			rc = answer_media(a->answer, om, s->local_port,
					  s->srtp ? &s->local : NULL,
					  s->rtcp_mux);
		else
			rc = reject_media(a->answer, om);
		if (rc)
			return -1;
	}
	return 0;
}

int negotiate_answer(const struct srtp_policy *p, const struct sdp *offer,
		     const struct neg_local *l, struct sdp *answer,
		     struct neg_result *r, char *err, size_t errlen)
{
	struct neg_group groups[NEG_MEDIA_MAX];
	struct answer_ctx a = {
		.p = p, .offer = offer, .l = l, .answer = answer, .r = r,
		.next_port = l->port,
	};
	size_t ng, i;

	memset(r, 0, sizeof(*r));
	sdp_init(answer);
	if (!offer->nmedia || offer->nmedia > NEG_MEDIA_MAX) {
		snprintf(r->reason, sizeof(r->reason),
			 "the offer has %zu m-lines (1 to %d are handled)",
			 offer->nmedia, NEG_MEDIA_MAX);
		return NEG_REJECTED;
	}
	ng = negotiate_groups(offer, groups);
	if (add_session_lines(answer, l))
		goto fail;
	for (i = 0; i < ng; i++)
		if (answer_group(&a, &groups[i]))
			goto fail;
	if (!r->nstreams) {
		snprintf(r->reason, sizeof(r->reason), "%s",
			 a.first_reason[0] ? a.first_reason :
			 "no RTP media stream is offered");
		sdp_free(answer);
		wipe_keep_reason(r);
		return NEG_REJECTED;
	}
	r->secure = true;
	for (i = 0; i < r->nstreams; i++)
		r->secure &= r->streams[i].srtp &&
			     policy_crypto_secure(&r->streams[i].local);
	return 0;

fail:
	errmsg_set(err, errlen, "cannot build the answer: out of memory or entropy");
	sdp_free(answer);
	negotiate_result_wipe(r);
	return -1;
}

/* ---- completing our offer ---- */

static int complete_secure(const struct neg_offer *o,
			   const struct sdp_media *am, struct neg_stream *s,
			   struct neg_result *r)
{
	size_t pos = 0;
	const char *v = sdp_media_attr(am, "crypto", &pos);
	char why[200];
	unsigned int i;

	if (!v || sdp_media_attr(am, "crypto", &pos)) {
		snprintf(r->reason, sizeof(r->reason),
			 "the answer's %s m-line must carry exactly one a=crypto",
			 am->proto);
		return NEG_REJECTED;
	}
	if (sdes_parse_crypto(v, strlen(v), &s->remote, why, sizeof(why))) {
		snprintf(r->reason, sizeof(r->reason),
			 "the answer's a=crypto is invalid: %s", why);
		return NEG_REJECTED;
	}
	for (i = 0; i < o->ncrypto; i++) {
		const struct sdes_crypto *c = &o->crypto[i];

		if (c->tag != s->remote.tag)
			continue;
		if (c->suite != s->remote.suite || !s->remote.nkeys) {
			snprintf(r->reason, sizeof(r->reason),
				 "the answer's a=crypto:%lu names %s, we offered %s with that tag",
				 s->remote.tag, s->remote.suite_name,
				 c->suite_name);
			return NEG_REJECTED;
		}
		if (!same_session_params(c, &s->remote)) {
			snprintf(r->reason, sizeof(r->reason),
				 "the answer's a=crypto:%lu changes the session parameters we offered",
				 s->remote.tag);
			return NEG_REJECTED;
		}
		if (s->remote.kdr > 0) {
			snprintf(r->reason, sizeof(r->reason),
				 "the answer's a=crypto:%lu asks for KDR=%d (only 0 is supported)",
				 s->remote.tag, s->remote.kdr);
			return NEG_REJECTED;
		}
		s->local = *c;
		return 0;
	}
	snprintf(r->reason, sizeof(r->reason),
		 "the answer's a=crypto tag %lu was not offered", s->remote.tag);
	return NEG_REJECTED;
}

int negotiate_complete(const struct srtp_policy *p, const struct neg_offer *o,
		       const struct sdp *answer, struct neg_result *r)
{
	const struct sdp_media *am = NULL;
	struct neg_stream *s = &r->streams[0];
	char why[256];
	int rc;

	memset(r, 0, sizeof(*r));
	if (answer->nmedia != o->sdp.nmedia) {
		snprintf(r->reason, sizeof(r->reason),
			 "the answer has %zu m-lines, the offer %zu (RFC 3264 6)",
			 answer->nmedia, o->sdp.nmedia);
		return NEG_REJECTED;
	}
	if (o->osrtp && answer->media[o->secure_index].port) {
		size_t pos = 0;

		am = &answer->media[o->secure_index];
		s->index = o->secure_index;
		if (sdp_proto_is_secure(am->proto)) {
			/* RFC 8643 3.2: the answer keeps the offer's profile */
			snprintf(r->reason, sizeof(r->reason),
				 "the answer turns our opportunistic RTP/AVP m-line (RFC 8643) into %s",
				 am->proto);
			return NEG_REJECTED;
		}
		s->srtp = sdp_media_attr(am, "crypto", &pos) != NULL;
		if (s->srtp) {
			rc = complete_secure(o, am, s, r);
			if (rc)
				goto reject;
		}
	} else if (o->secure && !o->osrtp &&
		   answer->media[o->secure_index].port) {
		/* Both alternatives accepted: the secure one is the stream. */
		am = &answer->media[o->secure_index];
		s->index = o->secure_index;
		s->srtp = true;
		if (!sdp_proto_is_secure(am->proto)) {
			snprintf(r->reason, sizeof(r->reason),
				 "the answer turns our RTP/SAVP m-line into %s",
				 am->proto);
			return NEG_REJECTED;
		}
		rc = complete_secure(o, am, s, r);
		if (rc)
			goto reject;
	} else if (o->plain && !o->osrtp &&
		   answer->media[o->plain_index].port) {
		am = &answer->media[o->plain_index];
		s->index = o->plain_index;
		if (p->require) {
			snprintf(r->reason, sizeof(r->reason),
				 "secure media is required (sec.srtp.require=1) and the answer takes RTP/AVP");
			return NEG_REJECTED;
		}
	} else {
		snprintf(r->reason, sizeof(r->reason),
			 "the answer rejects every m-line");
		return NEG_REJECTED;
	}
	snprintf(s->media, sizeof(s->media), "%s", am->media);
	s->local_conn = o->local.conn;
	s->local_port = o->local.port;
	if (remote_addrs(answer, am, s, why, sizeof(why))) {
		snprintf(r->reason, sizeof(r->reason), "%s", why);
		rc = NEG_REJECTED;
		goto reject;
	}
	r->nstreams = 1;
	r->secure = s->srtp && policy_crypto_secure(&s->local);
	return 0;

reject:
	sdes_crypto_wipe(&s->remote);
	sdes_crypto_wipe(&s->local);
	return rc;
}
