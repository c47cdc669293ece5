// SPDX-License-Identifier: GPL-2.0
/*
 * ng: rtpengine's control protocol for srtpd.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "call.h"
#include "errmsg.h"
#include "ng.h"

#define ERR_MAX		512
#define DEFAULT_LIFETIME_BITS	31

void ng_trust_defaults(struct ng_trust *t)
{
	memset(t, 0, sizeof(*t));
	t->port_min = NG_PORT_MIN;
	t->port_max = 65535;
	t->guard_tail = NG_GUARD_TAIL;
}

static int64_t ng_packets(void *arg, struct call_entry *e);
static bool ng_expire_call(void *arg, struct call_entry *e, const char *why,
			   time_t now);

static const struct kset *ng_set(struct call_entry *e)
{
	return &((struct ng_call *)e)->set;
}

void ng_init(struct ng *n, struct calls *calls, const struct ng_ops *ops,
	     const struct srtp_config *cfg, const char *model)
{
	memset(n, 0, sizeof(*n));
	n->ops = *ops;
	n->cfg = cfg;
	n->model = model;
	n->calls = calls;
	n->front = (struct call_front){
		.name = "ng", .packets = ng_packets, .expire = ng_expire_call,
		.set = ng_set, .arg = n,
	};
	ng_trust_defaults(&n->trust);
	kstream_sum_key(n->sum_key);
	n->cache_limit = NG_CACHE_BYTES;
}

/* The first branch's to-tag (the answered callee of an unforked call). */
static const char *first_tag(const struct ng_call *c)
{
	unsigned int i;

	for (i = 0; i < NG_BRANCHES_MAX; i++)
		if (c->branches[i].used)
			return c->branches[i].to_tag;
	return "";
}

/* ---- calls ---- */

static struct ng_call *ng_of(const struct ng *n, struct call_entry *e)
{
	return e && e->front == &n->front ? (struct ng_call *)e : NULL;
}

struct ng_call *ng_find(struct ng *n, const char *id)
{
	return ng_of(n, calls_find(n->calls, id));
}

struct ng_call *ng_first(const struct ng *n)
{
	return (struct ng_call *)calls_next_of(n->calls->head, &n->front);
}

struct ng_call *ng_next(const struct ng *n, const struct ng_call *c)
{
	return (struct ng_call *)calls_next_of(c->e.next, &n->front);
}

static void ng_log(struct ng *n, const char *call_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A line for srtpd's log about call @call_id */
static void ng_log(struct ng *n, const char *call_id, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	if (!n->ops.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n->ops.log(n->ops.arg, call_id, line);
}

/* ---- the kernel streams: kset.c's planner ---- */

static struct kstream_ops ks_ops(const struct ng *n)
{
	struct kstream_ops o = {
		.add = n->ops.add, .del = n->ops.del, .update = n->ops.update,
		.log = n->ops.log, .arg = n->ops.arg,
	};

	return o;
}

static void streams_changed(void *arg)
{
	struct ng *n = arg;

	n->generation++;	/* the state file is saved anew */
}

static struct kslot *adopt_guard(void *arg, struct kset *set,
				 const struct kmatch *m);

/* How call @c's streams reach the kernel (kset.h). */
static struct kset_owner owner_of(struct ng *n, const struct ng_call *c)
{
	struct kset_owner o = {
		.ks = ks_ops(n), .sum_key = n->sum_key, .call_id = c->e.id,
		.adopt = adopt_guard, .changed = streams_changed, .arg = n,
	};

	return o;
}

static void remove_stream(struct ng *n, struct ng_call *c, unsigned int i)
{
	struct kset_owner o = owner_of(n, c);

	kset_remove(&o, &c->set, i);
}

static void remove_streams(struct ng *n, struct ng_call *c)
{
	struct kset_owner o = owner_of(n, c);

	kset_clear(&o, &c->set);
	c->e.answered = false;
}

static void forget_keys(struct sdes_crypto **keys)
{
	unsigned int i;

	for (i = 0; i < NEG_MEDIA_MAX; i++) {
		if (keys[i]) {
			sdes_crypto_wipe(keys[i]);
			free(keys[i]);
			keys[i] = NULL;
		}
	}
}

static void branch_free(struct ng_branch *b)
{
	forget_keys(b->a_keys);
	forget_keys(b->b_keys);
	explicit_bzero(b, sizeof(*b));
}

/*
 * An anchored call's relays go before its streams, so that nothing is
 * relayed without its transform: 0; when they cannot be removed, -1,
 * and the streams must stay.
 */
static int unplug_anchor(struct ng *n, struct ng_call *c)
{
	if (!nga_unplug(n->anchor, c->ac))
		return 0;
	ng_log(n, c->e.id, "call %s: its relays could not be removed: its %u kernel streams stay",
	       c->e.id, c->set.n);
	return -1;
}

/* Branch @bi and its streams go; the call's other branches stay. */
static void branch_remove(struct ng *n, struct ng_call *c, unsigned int bi)
{
	unsigned int i = c->set.n;

	/*
	 * Anchored, the call's streams and relays are the plan of the
	 * branch that answered last: they go with that branch only,
	 * relays first.
	 */
	if (c->ac) {
		if (c->ac->planned && c->ac->plan_branch == bi &&
		    !unplug_anchor(n, c))
			remove_streams(n, c);
		branch_free(&c->branches[bi]);
		return;
	}
	while (i--)
		if (c->set.streams[i].branch == bi)
			remove_stream(n, c, i);
	branch_free(&c->branches[bi]);
}

static unsigned int branch_count(const struct ng_call *c)
{
	unsigned int i, k = 0;

	for (i = 0; i < NG_BRANCHES_MAX; i++)
		k += c->branches[i].used;
	return k;
}

/* The branch with to-tag @tag, or -1. */
static int branch_find(const struct ng_call *c, const char *tag)
{
	int i;

	for (i = 0; i < NG_BRANCHES_MAX; i++)
		if (c->branches[i].used && !strcmp(c->branches[i].to_tag, tag))
			return i;
	return -1;
}

static int branch_by_via(const struct ng_call *c, const char *via)
{
	int i;

	for (i = 0; via[0] && i < NG_BRANCHES_MAX; i++)
		if (c->branches[i].used &&
		    !strcmp(c->branches[i].via_branch, via))
			return i;
	return -1;
}

static void drop_bridge(struct ng_call *c)
{
	if (c->br) {
		bridge_free(c->br);
		free(c->br);
		c->br = NULL;
	}
}

/* The pending offer's forwarded SDP goes: its answer came, or its call. */
static void forget_offer(struct ng_call *c)
{
	if (c->offer_fwd) {
		explicit_bzero(c->offer_fwd, strlen(c->offer_fwd));
		free(c->offer_fwd);
		c->offer_fwd = NULL;
	}
}

static void call_free(struct ng *n, struct ng_call *c)
{
	unsigned int i;

	calls_unlink(n->calls, &c->e);
	if (c->ac && unplug_anchor(n, c)) {
		/* left in the kernel, no longer the call's; so are the ports */
		while (c->set.n)
			kset_drop(&c->set, c->set.n - 1);
	} else {
		remove_streams(n, c);
		if (c->ac)
			nga_release_ports(n->anchor, c->ac);
	}
	free(c->ac);
	for (i = 0; i < NG_BRANCHES_MAX; i++)
		branch_free(&c->branches[i]);
	drop_bridge(c);
	forget_offer(c);
	free(c);
}

static bool call_close(struct ng *n, struct ng_call *c, time_t now);

/*
 * The packets the call's streams have transformed, as the kernel says;
 * -1 for a call without streams (a plain call), which is never idle.
 */
static int64_t ng_packets(void *arg, struct call_entry *e)
{
	struct ng_call *c = (struct ng_call *)e;
	struct nfsrtp_stream *s;
	struct ng *n = arg;
	uint64_t sum = 0;
	unsigned int i;

	if (!c->set.n)
		return -1;
	s = calloc(1, sizeof(*s));
	for (i = 0; s && i < c->set.n; i++) {
		if (!n->ops.get(n->ops.arg, c->set.streams[i].k.id, s))
			sum += s->packets;
		explicit_bzero(s, sizeof(*s));
	}
	free(s);
	return (int64_t)(sum & INT64_MAX);
}

/* A timer of the call ran out: it closes to its guards, or goes. */
static bool ng_expire_call(void *arg, struct call_entry *e, const char *why,
			   time_t now)
{
	struct ng_call *c = (struct ng_call *)e;
	struct ng *n = arg;

	if (c->e.closing) {
		ng_log(n, c->e.id, "call %s: its guards removed", c->e.id);
		call_free(n, c);
		return false;
	}
	ng_log(n, c->e.id, "call %s: deleted, %s (%u streams)", c->e.id, why,
	       c->set.n);
	return call_close(n, c, now);
}

/* ---- media networks and ports (trust.c) ---- */

static int check_media(const struct ng *n, const struct sdp_conn *src,
		       const struct sdp_conn *conn, unsigned int port,
		       unsigned int rtcp, const char *who, char *err)
{
	const struct media_trust t = {
		n->trust.nets, n->trust.nnets, n->trust.port_min,
		n->trust.port_max,
	};

	return media_check(&t, src, conn, port, rtcp, who, err, ERR_MAX);
}

static int check_sdp(const struct ng *n, const struct sdp *d,
		     const struct sdp_conn *src, const char *who, char *err)
{
	const struct media_trust t = {
		n->trust.nets, n->trust.nnets, n->trust.port_min,
		n->trust.port_max,
	};

	return media_check_sdp(&t, d, src, who, err, ERR_MAX);
}

int ng_parse_ports(const char *s, struct ng_trust *t, char *err,
		   size_t errlen)
{
	return media_parse_ports(s, &t->port_min, &t->port_max, err, errlen);
}

static void cache_drop(struct ng *n, struct ng_cached *e);

void ng_free(struct ng *n)
{
	struct calls *calls = n->calls;
	struct ng_call *c;
	unsigned int i;

	while ((c = ng_first(n)))
		call_free(n, c);
	for (i = 0; i < NG_CACHE_SIZE; i++)
		cache_drop(n, &n->cache[i]);
	memset(n, 0, sizeof(*n));
	n->calls = calls;	/* with none of ng's: ng_save() writes none */
}

/* ---- the request ---- */

struct req {
	struct ng *n;
	const struct benc_node *d;
	struct strbuf *out;		/* reply members after "result" */
	char *err;
	time_t now;
	bool answer;			/* an answer's options, not an offer's */
	char ignored[256];		/* options not acted on, for a warning */
};

/* Option @s (@len bytes) is read and not acted on: the reply says so. */
static void ignore_option(struct req *q, const char *prefix, const char *s,
			  size_t len)
{
	size_t n = strlen(q->ignored);

	snprintf(q->ignored + n, sizeof(q->ignored) - n, "%s%s%.*s",
		 n ? ", " : "", prefix, (int)(len > 48 ? 48 : len), s);
}

/* The reply's warning for what was ignored; on offer and answer. */
static void warn_ignored(struct req *q)
{
	char text[300];

	if (!q->ignored[0])
		return;
	snprintf(text, sizeof(text), "ignored: %s", q->ignored);
	benc_cstr(q->out, "warning");
	benc_cstr(q->out, text);
}

/* String member @key into @dst; -1 (with the error) if it is no string. */
static int get_str(struct req *q, const char *key, char *dst, size_t size,
		   bool required)
{
	const struct benc_node *v = benc_get(q->d, key);
	size_t i;

	dst[0] = '\0';
	if (!v) {
		if (required)
			errmsg_set(q->err, ERR_MAX, "missing \"%s\"", key);
		return required ? -1 : 0;
	}
	if (v->type != BENC_STR || !v->len || v->len >= size) {
		errmsg_set(q->err, ERR_MAX, "\"%s\": %s", key,
			v->type != BENC_STR ? "not a string" :
			!v->len ? "empty" : "too long");
		return -1;
	}
	for (i = 0; i < v->len; i++) {
		if ((unsigned char)v->s[i] < 0x20 || v->s[i] == 0x7f) {
			errmsg_set(q->err, ERR_MAX, "\"%s\": control characters",
				key);
			return -1;
		}
	}
	memcpy(dst, v->s, v->len);
	dst[v->len] = '\0';
	return 0;
}

/*
 * "order:SUITE,SUITE,...": the crypto lines toward the callee in that
 * order.  srtpd offers two suites, so what counts is whether _32 comes
 * before _80 (a suite left out goes after those named).
 */
static void sdes_order(struct bridge_opts *o, const char *s, size_t len)
{
	int pos80 = -1, pos32 = -1, i = 0;
	size_t n;

	while (len) {
		n = strcspn(s, ",");
		if (n > len)
			n = len;
		switch (sdes_suite_by_name(s, n)) {
		case SDES_AES_CM_128_HMAC_SHA1_80:
			pos80 = pos80 < 0 ? i : pos80;
			break;
		case SDES_AES_CM_128_HMAC_SHA1_32:
			pos32 = pos32 < 0 ? i : pos32;
			break;
		default:
			break;
		}
		i++;
		s += n + (n < len);
		len -= n + (n < len);
	}
	o->first_32 = pos32 >= 0 && (pos80 < 0 || pos32 < pos80);
}

/*
 * "offerer_pref:SUITE,SUITE,...": A's answer takes a line of the first
 * of these A offers (and srtpd accepts), before A's own order.  Suites
 * srtpd does not know are left out: A's answer never takes them.
 */
static void sdes_offerer_pref(struct bridge_opts *o, const char *s,
			      size_t len)
{
	enum sdes_suite suite;
	unsigned int i;
	size_t n;

	o->a_nprefer = 0;
	while (len) {
		n = strcspn(s, ",;");
		if (n > len)
			n = len;
		suite = sdes_suite_by_name(s, n);
		for (i = 0; i < o->a_nprefer && o->a_prefer[i] != suite; i++)
			;
		if (suite != SDES_SUITE_UNKNOWN && i == o->a_nprefer &&
		    o->a_nprefer < SDES_SUITE_COUNT)
			o->a_prefer[o->a_nprefer++] = (uint8_t)suite;
		s += n + (n < len);
		len -= n + (n < len);
	}
}

/*
 * One SDES option.  "no-" of a suite srtpd does not know is met already
 * (it is never offered); "only-" of one is refused (it cannot be
 * offered); "nonew" offers the callee none of srtpd's suites the caller
 * did not offer, "order:" orders them, "offerer_pref:" orders the
 * suites of A's answer; "pad" is met (srtpd's keys always carry their
 * base64 padding, and keys without it are read); "static" keeps A's
 * suite in an answer (in an offer it does nothing, as in rtpengine).
 * Others are ignored, with a warning.
 */
static int sdes_option(struct req *q, struct bridge_opts *o, const char *s,
		       size_t len)
{
	enum sdes_suite suite;

	if ((len == 3 && !memcmp(s, "off", 3)) ||
	    (len == 2 && !memcmp(s, "no", 2)))
		o->sdes_off = true;
	else if (len == 16 && !memcmp(s, "unencrypted_srtp", 16))
		o->unencrypted_srtp = true;
	else if (len == 17 && !memcmp(s, "unencrypted_srtcp", 17))
		o->unencrypted_srtcp = true;
	else if (len == 20 && !memcmp(s, "unauthenticated_srtp", 20))
		o->unauthenticated_srtp = true;
	else if (len == 8 && !memcmp(s, "lifetime", 8))
		o->lifetime = true;
	else if (len == 5 && !memcmp(s, "nonew", 5))
		o->nonew = true;
	else if (len >= 6 && !memcmp(s, "order:", 6))
		sdes_order(o, s + 6, len - 6);
	else if (len >= 13 && !memcmp(s, "offerer_pref:", 13))
		sdes_offerer_pref(o, s + 13, len - 13);
	else if (len == 6 && !memcmp(s, "static", 6))
		o->keep_suite = q->answer;
	else if (len == 3 && !memcmp(s, "pad", 3))
		;	/* met: see above */
	else if ((len > 3 && !memcmp(s, "no-", 3)) ||
		 (len > 5 && !memcmp(s, "only-", 5))) {
		bool only = s[0] == 'o';
		size_t skip = only ? 5 : 3;

		suite = sdes_suite_by_name(s + skip, len - skip);
		if (suite == SDES_SUITE_UNKNOWN && only) {
			errmsg_set(q->err, ERR_MAX,
				"SDES-only-%.*s: an unknown suite, which srtpd cannot offer",
				(int)(len - skip > 64 ? 64 : len - skip),
				s + skip);
			return -1;
		}
		if (suite == SDES_SUITE_UNKNOWN)
			return 0;	/* never offered: nothing to take out */
		if (only)
			o->only_suites |= 1u << suite;
		else
			o->no_suites |= 1u << suite;
	} else {
		ignore_option(q, "SDES-", s, len);
	}
	return 0;
}

/*
 * One OSRTP option (rtpengine's names).  srtpd accepts opportunistic
 * SRTP in either form whenever SRTP is enabled, so accept, accept-RFC
 * and accept-legacy are met already; offer-legacy is the bulletin's
 * SAVP + AVP pair, srtpd's default.
 */
static void osrtp_option(struct req *q, struct bridge_opts *o, const char *s,
			 size_t len)
{
	if ((len == 5 && !memcmp(s, "offer", 5)) ||
	    (len == 9 && !memcmp(s, "offer-RFC", 9)))
		o->osrtp_offer = true;
	else if (len == 12 && !memcmp(s, "offer-legacy", 12))
		o->osrtp_offer = false;
	else if (!(len == 6 && !memcmp(s, "accept", 6)) &&
		 !(len == 10 && !memcmp(s, "accept-RFC", 10)) &&
		 !(len == 13 && !memcmp(s, "accept-legacy", 13)))
		ignore_option(q, "OSRTP=", s, len);
}

/*
 * One rtcp-mux option (rtpengine's names).  srtpd leaves media on the
 * phones' own ports, so RTCP is multiplexed end to end or not at all:
 * "accept" is met (a=rtcp-mux goes on as offered); "demux" and "reject"
 * take a=rtcp-mux out of the offer toward the callee, so that neither
 * phone multiplexes, and refuse an answer that multiplexes; "offer" and
 * "require" are met where the SDP multiplexes already and refused where
 * it does not (bridge.c: check_mux()).
 */
static void mux_option(struct req *q, struct bridge_opts *o, const char *s,
		       size_t len)
{
	if ((len == 5 && !memcmp(s, "demux", 5)) ||
	    (len == 6 && !memcmp(s, "reject", 6))) {
		if (q->answer)
			o->mux_refused = true;
		else
			o->rtcp_demux = true;
	} else if ((len == 5 && !memcmp(s, "offer", 5)) ||
		   (len == 7 && !memcmp(s, "require", 7))) {
		o->mux_needed = true;
	} else if (!(len == 6 && !memcmp(s, "accept", 6))) {
		ignore_option(q, "rtcp-mux=", s, len);
	}
}

typedef void option_fn(struct req *q, struct bridge_opts *o, const char *s,
		       size_t len);

/* Key @key, a string or a list of them (OSRTP, rtcp-mux): each to @fn. */
static int option_key(struct req *q, const char *key, struct bridge_opts *o,
		      option_fn *fn)
{
	const struct benc_node *v = benc_get(q->d, key), *e;

	if (!v)
		return 0;
	if (v->type == BENC_STR) {
		fn(q, o, v->s, v->len);
		return 0;
	}
	if (v->type != BENC_LIST) {
		errmsg_set(q->err, ERR_MAX, "\"%s\": not a string or a list",
			   key);
		return -1;
	}
	for (e = v->first; e; e = e->next)
		if (e->type == BENC_STR)
			fn(q, o, e->s, e->len);
	return 0;
}

static int list_options(struct req *q, const struct benc_node *l,
			struct bridge_opts *o, bool flags)
{
	const struct benc_node *e;

	if (l->type == BENC_STR)
		return flags ? 0 : sdes_option(q, o, l->s, l->len);
	if (l->type != BENC_LIST) {
		errmsg_set(q->err, ERR_MAX, "\"%s\": not a list",
			flags ? "flags" : "SDES");
		return -1;
	}
	for (e = l->first; e; e = e->next) {
		if (e->type != BENC_STR)
			continue;
		/* Kamailio passes unknown flags through: SDES-x in "flags" */
		if (flags && e->len > 5 && !memcmp(e->s, "SDES-", 5)) {
			if (sdes_option(q, o, e->s + 5, e->len - 5))
				return -1;
		} else if (flags && e->len > 6 && !memcmp(e->s, "OSRTP-", 6)) {
			osrtp_option(q, o, e->s + 6, e->len - 6);
		} else if (flags && e->len > 9 &&
			   !memcmp(e->s, "rtcp-mux-", 9)) {
			mux_option(q, o, e->s + 9, e->len - 9);
		} else if (flags && e->len == 8 && !memcmp(e->s, "RTP/SAVP", 8)) {
			o->transport = BRIDGE_SRTP;
		} else if (flags && e->len == 7 && !memcmp(e->s, "RTP/AVP", 7)) {
			o->transport = BRIDGE_RTP;
		} else if (!flags && sdes_option(q, o, e->s, e->len)) {
			return -1;
		}
	}
	return 0;
}

static int transport_option(struct req *q, struct bridge_opts *o)
{
	char tp[32];

	if (get_str(q, "transport-protocol", tp, sizeof(tp), false))
		return -1;
	if (!tp[0])
		return 0;
	if (!strcmp(tp, "RTP/AVP") || !strcmp(tp, "RTP/AVPF")) {
		o->transport = BRIDGE_RTP;
	} else if (!strcmp(tp, "RTP/SAVP") || !strcmp(tp, "RTP/SAVPF")) {
		o->transport = BRIDGE_SRTP;
	} else {
		errmsg_set(q->err, ERR_MAX,
			"transport-protocol \"%s\" is not supported (RTP/AVP, RTP/SAVP)",
			tp);
		return -1;
	}
	return 0;
}

/*
 * Keys rtpengine acts on that srtpd does not: the reply's warning says
 * they were ignored.  ICE lines are always removed (bridge.c), so
 * ICE=remove is met and any other ICE mode ignored.
 */
static void other_options(struct req *q)
{
	static const char *const keys[] = {
		"DTLS", "codec", "BUNDLE", "media-address", "record-call",
		"TOS", "replace", "direction", "address-family",
	};
	/* anchored, the last three are acted on (anchor_options) */
	size_t nkeys = sizeof(keys) / sizeof(keys[0]) - (q->n->anchor ? 3 : 0);
	const struct benc_node *v = benc_get(q->d, "ICE");
	size_t i;

	if (v && !(v->type == BENC_STR && benc_is(v, "remove")))
		ignore_option(q, "ICE=", v->type == BENC_STR ? v->s : "?",
			      v->type == BENC_STR ? v->len : 1);
	for (i = 0; i < nkeys; i++)
		if (benc_get(q->d, keys[i]))
			ignore_option(q, "", keys[i], strlen(keys[i]));
}

/*
 * The strings of list @key (others skipped, as in "flags"), or string
 * @key: each to @fn; -1 when @key is neither.
 */
static int str_list(struct req *q, const char *key,
		    int (*fn)(struct req *q, struct nga_opts *o,
			      const struct benc_node *e, unsigned int i),
		    struct nga_opts *o)
{
	const struct benc_node *v = benc_get(q->d, key), *e;
	unsigned int i = 0;

	if (!v)
		return 0;
	if (v->type == BENC_STR)
		return fn(q, o, v, 0);
	if (v->type != BENC_LIST) {
		errmsg_set(q->err, ERR_MAX, "\"%s\": not a string or a list",
			   key);
		return -1;
	}
	for (e = v->first; e; e = e->next)
		if (e->type == BENC_STR && fn(q, o, e, i++))
			return -1;
	return 0;
}

static int direction_option(struct req *q, struct nga_opts *o,
			    const struct benc_node *e, unsigned int i)
{
	if (i > 1 || !e->len || e->len >= sizeof(o->dir[0])) {
		errmsg_set(q->err, ERR_MAX, i > 1 ?
			   "\"direction\": more than two interfaces" :
			   "\"direction\": an empty or too long interface name");
		return -1;
	}
	memcpy(o->dir[i], e->s, e->len);
	o->dir[i][e->len] = '\0';
	return 0;
}

static int replace_option(struct req *q, struct nga_opts *o,
			  const struct benc_node *e, unsigned int i)
{
	(void)i;
	if (benc_is(e, "origin"))
		o->replace_origin = true;
	else if (benc_is(e, "session-connection") ||
		 benc_is(e, "session connection"))
		o->replace_session_conn = true;
	else
		ignore_option(q, "replace=", e->s, e->len);
	return 0;
}

static int addr_flag(struct req *q, struct nga_opts *o,
		     const struct benc_node *e, unsigned int i)
{
	(void)q;
	(void)i;
	if (benc_is(e, "trust-address") || benc_is(e, "trust address"))
		o->addr = NGA_ADDR_SDP;
	else if (benc_is(e, "SIP-source-address") ||
		 benc_is(e, "sip-source-address") ||
		 benc_is(e, "SIP source address"))
		o->addr = NGA_ADDR_SOURCE;
	return 0;
}

/* address-family: the family of the SDP the answerer is sent */
static int family_option(struct req *q, struct nga_opts *o,
			 const struct benc_node *e, unsigned int i)
{
	(void)i;
	if (benc_is(e, "IP4")) {
		o->family = AF_INET;
	} else if (benc_is(e, "IP6")) {
		o->family = AF_INET6;
	} else {
		errmsg_set(q->err, ERR_MAX,
			   "\"address-family\": \"%.*s\" is not IP4 or IP6",
			   (int)(e->len > 16 ? 16 : e->len), e->s);
		return -1;
	}
	return 0;
}

/*
 * An anchored call's options: direction, replace, address-family, the
 * address flags.  In-path, they are ignored (other_options() says so).
 */
static int anchor_options(struct req *q, struct nga_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (!q->n->anchor)
		return 0;
	return str_list(q, "direction", direction_option, o) ||
	       str_list(q, "replace", replace_option, o) ||
	       str_list(q, "address-family", family_option, o) ||
	       str_list(q, "flags", addr_flag, o);
}

static int parse_options(struct req *q, struct bridge_opts *o)
{
	const struct benc_node *v;

	memset(o, 0, sizeof(*o));
	v = benc_get(q->d, "flags");
	if (v && list_options(q, v, o, true))
		return -1;
	v = benc_get(q->d, "SDES");
	if (v && list_options(q, v, o, false))
		return -1;
	if (option_key(q, "OSRTP", o, osrtp_option) ||
	    option_key(q, "rtcp-mux", o, mux_option))
		return -1;
	other_options(q);
	return transport_option(q, o);
}

/*
 * What an answer's options change in the pending offer's bridge: SDES
 * static and rtcp-mux (the answer's own); the offer's other options stay.
 */
static int answer_options(struct req *q, struct bridge_opts *o)
{
	struct bridge_opts a;

	q->answer = true;
	if (parse_options(q, &a))
		return -1;
	o->keep_suite = a.keep_suite;
	o->mux_needed = a.mux_needed;
	o->mux_refused = a.mux_refused;
	return 0;
}

bool ng_model_from_ua(const char *ua, size_t len, char *out, size_t size)
{
	static const char *const marks[] = { "SPIP_", "SSIP_", "SPIP", "SSIP" };
	size_t i, m, k, ml;

	for (m = 0; m < sizeof(marks) / sizeof(marks[0]); m++) {
		ml = strlen(marks[m]);
		for (i = 0; i + ml < len; i++) {
			if (memcmp(ua + i, marks[m], ml))
				continue;
			for (k = i + ml; k < len && k - i - ml < 6 &&
			     ua[k] >= '0' && ua[k] <= '9'; k++)
				;
			if (k == i + ml)
				continue;
			snprintf(out, size, "IP_%.*s", (int)(k - i - ml),
				 ua + i + ml);
			return policy_model_by_name(out) != NULL;
		}
	}
	return false;
}

/* "plain": a peer without SRTP (a gateway), on no phone model's policy. */
#define PLAIN_PEER	"plain"

static int check_model(struct req *q, const char *key, const char *model)
{
	if (strcasecmp(model, PLAIN_PEER) && !policy_model_by_name(model)) {
		errmsg_set(q->err, ERR_MAX, "\"%s\": unknown phone model \"%s\"",
			key, model);
		return -1;
	}
	return 0;
}

/*
 * A phone model from the request: key @key, else (with @ua) the
 * User-Agent the proxy passes, else @fallback (NULL: srtpd's default).
 */
static int request_model(struct req *q, const char *key, bool ua,
			 const char *fallback, char *model, size_t size)
{
	char agent[256];

	if (get_str(q, key, model, size, false))
		return -1;
	if (model[0])
		return check_model(q, key, model);
	/* Kamailio passes a "ua=$ua" flag as "ua" */
	if (ua &&
	    (get_str(q, "user-agent", agent, sizeof(agent), false) ||
	     (!agent[0] && get_str(q, "ua", agent, sizeof(agent), false))))
		return -1;
	if (ua && agent[0] &&
	    ng_model_from_ua(agent, strlen(agent), model, size))
		return 0;
	if (!fallback)
		fallback = q->n->model ? q->n->model : "";
	snprintf(model, size, "%s", fallback);
	return 0;
}

/*
 * The callee's model for an offer: "callee-model", else what the answer
 * of the call's one answered branch said (a re-offer to a known phone),
 * else the default.
 */
static int callee_model(struct req *q, const struct ng_call *c,
			const char *from_tag, char *model, size_t size)
{
	const char *known = NULL;
	int i;

	for (i = 0; c && c->e.answered && !strcmp(from_tag, c->from_tag) &&
	     i < NG_BRANCHES_MAX; i++) {
		if (!c->branches[i].used)
			continue;
		if (known) {
			known = NULL;	/* forks: no one callee */
			break;
		}
		known = c->branches[i].model;
	}
	return request_model(q, "callee-model", false,
			     known && known[0] ? known : NULL, model, size);
}

/*
 * The policy of one leg: its phone model's, or, for a plain peer (model
 * "plain", or signalling from a --plain-peer network), no SRTP at all:
 * whatever the phones' configuration requires, a gateway that has no
 * SRTP is answered and offered plain RTP on its own leg.
 */
static int leg_policy(struct req *q, const char *model,
		      const struct sdp_conn *src, struct srtp_policy *p,
		      const char **name)
{
	bool plain = !strcasecmp(model, PLAIN_PEER) ||
		     media_in_nets(q->n->trust.plain, q->n->trust.nplain, src);

	if (policy_build(q->n->cfg, plain || !model[0] ? NULL : model, p,
			 q->err, ERR_MAX))
		return -1;
	if (plain) {
		p->srtp = p->offer = p->require = false;
		p->offer_80 = p->offer_32 = false;
	}
	*name = plain ? PLAIN_PEER : p->model->name;
	return 0;
}

static const struct benc_node *get_sdp(struct req *q)
{
	const struct benc_node *v = benc_get(q->d, "sdp");

	if (!v || v->type != BENC_STR || !v->len) {
		errmsg_set(q->err, ERR_MAX, v ? "\"sdp\": not a string" :
			"missing \"sdp\"");
		return NULL;
	}
	return v;
}

/* ---- offer and answer ---- */

/* "received-from": [ "IP4" or "IP6", address ], the SIP message's source. */
static int request_source(struct req *q, struct sdp_conn *src)
{
	const struct benc_node *l = benc_get(q->d, "received-from");
	const struct benc_node *fam, *addr;
	uint8_t a[16];

	memset(src, 0, sizeof(*src));
	if (!l)
		l = benc_get(q->d, "received from");
	if (!l)
		return 0;
	fam = l->type == BENC_LIST ? l->first : NULL;
	addr = fam ? fam->next : NULL;
	if (!addr || fam->type != BENC_STR || addr->type != BENC_STR ||
	    !addr->len || addr->len >= sizeof(src->addr)) {
		errmsg_set(q->err, ERR_MAX,
			"\"received-from\": not a list of a family and an address");
		return -1;
	}
	src->family = benc_is(fam, "IP4") ? AF_INET :
		      benc_is(fam, "IP6") ? AF_INET6 : 0;
	memcpy(src->addr, addr->s, addr->len);
	src->addr[addr->len] = '\0';
	if (!src->family || inet_pton(src->family, src->addr, a) != 1) {
		errmsg_set(q->err, ERR_MAX,
			"\"received-from\": not IP4 or IP6 and a literal address");
		return -1;
	}
	return 0;
}

static struct ng_call *new_call(struct req *q, const char *id,
				const struct sdp_conn *src)
{
	struct call_entry *other = calls_find(q->n->calls, id);
	struct ng_call *c;

	if (other) {
		errmsg_set(q->err, ERR_MAX,
			   "call-id %s is a call of srtpd's %s front end",
			   id, other->front->name);
		return NULL;
	}
	if (calls_admit(q->n->calls, src, q->err, ERR_MAX))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		errmsg_set(q->err, ERR_MAX, "out of memory");
		return NULL;
	}
	snprintf(c->e.id, sizeof(c->e.id), "%s", id);
	c->e.front = &q->n->front;
	c->e.created = q->now;
	c->e.origin = *src;
	c->again_branch = -1;
	calls_link(q->n->calls, &c->e);
	return c;
}

/* ---- the plan into kernel streams ---- */

static int flow_match(const struct bridge_flow *f, struct kmatch *m,
		      char *err)
{
	memset(m, 0, sizeof(*m));
	m->family = (uint8_t)f->to.family;
	if (f->from.family != f->to.family ||
	    inet_pton(f->to.family, f->from.addr, m->saddr) != 1 ||
	    inet_pton(f->to.family, f->to.addr, m->daddr) != 1) {
		errmsg_set(err, ERR_MAX,
			"media address %s or %s is not a literal address",
			f->from.addr, f->to.addr);
		return -1;
	}
	m->dport = (uint16_t)f->to_port;
	m->rtcp_dport = (uint16_t)(f->rtcp_mux ? 0 : f->to_rtcp_port);
	return 0;
}

/* Whether both ends of flow @f may be matched. */
static int check_flow(const struct ng *n, const struct ng_call *c,
		      const struct ng_branch *b, const struct bridge_flow *f,
		      char *err)
{
	const struct sdp_conn *from_src = f->a_to_b ? &c->a_src : &b->src;
	const struct sdp_conn *to_src = f->a_to_b ? &b->src : &c->a_src;
	const char *from_who = f->a_to_b ? "the caller's" : "the callee's";
	const char *to_who = f->a_to_b ? "the callee's" : "the caller's";

	return check_media(n, from_src, &f->from, 0, 0, from_who, err) ||
	       check_media(n, to_src, &f->to, f->to_port,
			   f->rtcp_mux ? 0 : f->to_rtcp_port, to_who, err);
}

/*
 * Whether flow @f goes from the call's caller to its callee.  A callee's
 * re-offer turns the bridge round (its "A" is the callee): a stream keeps
 * the direction between the two parties that it had, so that a side on
 * hold keeps its own address, not the other side's.
 */
static bool caller_to_callee(const struct ng_call *c,
			     const struct bridge_flow *f)
{
	return f->a_to_b != c->by_callee;
}

/* ---- guards: no media in clear toward an SRTP leg, at either end ---- */

/* A guard toward @m's destination: its own source, a key nobody has. */
static int guard_stream(const struct kmatch *m, bool mux, uint32_t suite,
			struct nfsrtp_stream *s)
{
	struct sdes_key k;

	memset(s, 0, sizeof(*s));
	s->op = NF_SRTP_OP_PROTECT;
	kstream_to_match(m, s);
	memcpy(s->saddr, m->daddr, sizeof(s->saddr));
	s->suite = suite;
	s->flags = mux ? NF_SRTP_F_RTCP_MUX : 0;
	if (negotiate_new_key((enum sdes_suite)suite, &k))
		return -1;
	s->nkeys = 1;
	memcpy(s->keys[0].key, k.key, k.key_len);
	memcpy(s->keys[0].salt, k.salt, k.salt_len);
	s->keys[0].key_len = k.key_len;
	s->keys[0].salt_len = k.salt_len;
	sdes_key_wipe(&k);
	return 0;
}

/* Where @st's counters stand now: query counts from here on. */
static void stream_base(struct ng *n, struct kslot *st)
{
	struct nfsrtp_stream *s = calloc(1, sizeof(*s));
	struct kslot_base *b;
	unsigned int r;

	free(st->base);		/* from the call that took it over before */
	/* (none to be had: query counts the other call's packets in) */
	st->base = b = calloc(1, sizeof(*b));
	if (b && s && !n->ops.get(n->ops.arg, st->k.id, s)) {
		b->packets = s->packets;
		b->bytes = s->bytes;
		b->rtcp_packets = s->rtcp_packets;
		b->rtcp_bytes = s->rtcp_bytes;
		for (r = 1; r <= NF_SRTP_DROP_MAX; r++)
			b->errors += s->drops[r];
		b->rtcp_errors = s->rtcp_drops;
		b->auth = s->drops[NF_SRTP_DROP_AUTH];
		b->replay = s->drops[NF_SRTP_DROP_REPLAY] +
			    s->drops[NF_SRTP_DROP_TOO_OLD];
	}
	if (s)
		explicit_bzero(s, sizeof(*s));
	free(s);
}

/*
 * A deleted call's guard toward @m's destination, moved into @set (a
 * call's; kset_owner.adopt): a phone reuses its media port from one call
 * to the next, and its new call must not be refused (-EEXIST) for the
 * guard tail of the last.  NULL when there is none.
 */
static struct kslot *adopt_guard(void *arg, struct kset *set,
				 const struct kmatch *m)
{
	struct ng_call *c = (struct ng_call *)((char *)set -
					       offsetof(struct ng_call, set));
	struct ng *n = arg;
	struct ng_call *o;
	unsigned int i;

	if (set->n >= KSET_MAX)
		return NULL;
	for (o = ng_first(n); o; o = ng_next(n, o)) {
		if (!o->e.closing || o == c)
			continue;
		for (i = 0; i < o->set.n; i++) {
			struct kslot *st = &o->set.streams[i];
			struct kslot *to = &set->streams[set->n];

			if (st->k.op != NF_SRTP_OP_PROTECT ||
			    st->k.match.family != m->family ||
			    st->k.match.dport != m->dport ||
			    memcmp(st->k.match.daddr, m->daddr, sizeof(m->daddr)))
				continue;
			*to = *st;
			to->branch = NG_GUARD;
			to->seen = false;
			stream_base(n, to);	/* frees the base it had */
			st->base = NULL;
			kset_drop(&o->set, i);
			if (!o->set.n)
				call_free(n, o);
			set->n++;
			n->generation++;
			return to;
		}
	}
	return NULL;
}

/*
 * From the offer on, media toward a caller whose leg is to be SRTP is
 * guarded: the callee knows the caller's address from the offer and may
 * send before its answer reaches us (a gateway's first packets after its
 * 200), and they must not cross in clear.  The answer's protect stream
 * takes the guard over in place.
 */
static int install_guards(struct req *q, struct ng_call *c,
			  const struct bridge *br)
{
	struct nfsrtp_stream *s = calloc(1, sizeof(*s));
	struct kset_owner o = owner_of(q->n, c);
	struct kslot st;
	size_t k;
	int rc = 0;

	if (!s) {
		errmsg_set(q->err, ERR_MAX, "out of memory");
		return -1;
	}
	for (k = 0; k < br->ngroups && !rc; k++) {
		const struct bridge_group *g = &br->groups[k];

		if (!g->rtp || !g->a_srtp)
			continue;
		memset(&st, 0, sizeof(st));
		st.k.match.family = (uint8_t)g->a_conn.family;
		if (inet_pton(g->a_conn.family, g->a_conn.addr,
			      st.k.match.daddr) != 1 ||
		    media_addr_unspecified(g->a_conn.family, st.k.match.daddr))
			continue;	/* on hold: nothing can be sent there */
		memcpy(st.k.match.saddr, st.k.match.daddr, sizeof(st.k.match.saddr));
		st.k.match.dport = (uint16_t)g->a_port;
		st.k.match.rtcp_dport = (uint16_t)(g->a_mux ? 0 : g->a_rtcp_port);
		if (kset_protects(&c->set, &st.k.match) ||
		    adopt_guard(q->n, &c->set, &st.k.match))
			continue;
		st.k.op = NF_SRTP_OP_PROTECT;
		st.group = (uint8_t)k;
		st.branch = NG_GUARD;
		st.k.mux = g->a_mux;
		/*
		 * the suite A will be answered with: the answer's protect
		 * stream is this guard, changed in place with new keys only
		 */
		if (guard_stream(&st.k.match, st.k.mux,
				 (uint32_t)(g->a_suite != SDES_SUITE_UNKNOWN ?
					    g->a_suite :
					    SDES_AES_CM_128_HMAC_SHA1_80), s)) {
			errmsg_set(q->err, ERR_MAX, "no entropy for a guard key");
			rc = -1;
			break;
		}
		rc = kset_add(&o, &c->set, s, &st, q->err, ERR_MAX);
		explicit_bzero(s, sizeof(*s));
	}
	free(s);
	return rc;
}

/*
 * Protect stream @st becomes a guard of its destination, in place: a
 * fresh key under its own suite nobody has, its own destination as its
 * only source, in one STREAM_SET.
 */
static int to_guard(struct ng *n, struct kslot *st)
{
	struct nfsrtp_stream *s = calloc(1, sizeof(*s));
	struct kstream_ops o = ks_ops(n);
	struct kmatch m = st->k.match;
	char err[ERR_MAX];
	int rc = -1;

	memcpy(m.saddr, m.daddr, sizeof(m.saddr));
	/* a stream recovered from the state file: its match is not known */
	if (s && m.family && st->k.suite &&
	    !guard_stream(&m, st->k.mux, st->k.suite, s)) {
		/*
		 * A new session: the next call on this port must not find
		 * this one's SSRCs and indices in the stream (kstream.h).
		 */
		rc = kstream_set(&o, n->sum_key, &st->k, s, KSTREAM_NEW_SESSION,
				 err, sizeof(err));
		if (!rc) {
			st->branch = NG_GUARD;
			n->generation++;
		} else {
			rc = -1;
		}
	}
	if (s)
		explicit_bzero(s, sizeof(*s));
	free(s);
	return rc;
}

/*
 * The call is deleted.  Its protect streams become guards for
 * --guard-tail seconds, so that the packets a peer still sends after the
 * BYE do not cross in clear toward an SRTP leg; everything else goes now.
 * Returns false when the call is freed (no guard, or none wanted).
 */
static bool call_close(struct ng *n, struct ng_call *c, time_t now)
{
	unsigned int i;

	/*
	 * Anchored, no packet reaches a leg once the relays are gone: no
	 * guard is needed, and the ports go with the call.
	 */
	if (n->trust.guard_tail && !c->ac) {
		i = c->set.n;
		while (i--)
			if (c->set.streams[i].k.op != NF_SRTP_OP_PROTECT ||
			    to_guard(n, &c->set.streams[i]))
				remove_stream(n, c, i);
	}
	if (!c->set.n || c->ac) {
		call_free(n, c);
		return false;
	}
	for (i = 0; i < NG_BRANCHES_MAX; i++)
		branch_free(&c->branches[i]);
	drop_bridge(c);
	forget_offer(c);
	c->e.closing = true;
	c->e.answered = false;
	c->e.delete_at = now + n->trust.guard_tail;
	return true;
}

/*
 * What a call with bridge @br holds, reckoned from the sizes of its parts
 * and of the offer's SDP (parsed, kept, and forwarded: measured at about
 * 5 times its length), against --max-memory for all calls together.
 */
static int charge(struct req *q, struct ng_call *c, const struct bridge *br,
		  size_t sdp_len)
{
	size_t cost = sizeof(*c) + sizeof(*br) +
		      br->ngroups * sizeof(br->groups[0]) + 6 * sdp_len;

	return calls_charge(q->n->calls, &c->e, cost, q->err, ERR_MAX);
}

/*
 * The branch whose keys a caller's re-offer offers again: the one branch
 * of an answered call (its confirmed dialog).  -1 for a first offer, a
 * callee's re-offer, or while several forks are up.
 */
static int again_branch(const struct ng_call *c, const char *from_tag)
{
	int i, one = -1;

	if (!c || !c->e.answered || strcmp(from_tag, c->from_tag))
		return -1;
	for (i = 0; i < NG_BRANCHES_MAX; i++) {
		if (!c->branches[i].used)
			continue;
		if (one >= 0)
			return -1;
		one = i;
	}
	return one;
}

/*
 * The digest of an offer: its from-tag, both legs' models, the proxy's
 * options and the SDP, keyed as the streams' crypto digests are.
 */
static uint64_t offer_sum(const struct ng *n, const char *tag,
			  const char *aname, const char *bname,
			  const struct bridge_opts *o, const char *sdp,
			  size_t len)
{
	size_t tl = strlen(tag) + 1, al = strlen(aname) + 1,
	       bl = strlen(bname) + 1;
	uint8_t *buf = malloc(tl + al + bl + sizeof(*o) + len);
	uint64_t sum;

	if (!buf)
		return 0;	/* never a real digest: no repeat found */
	memcpy(buf, tag, tl);
	memcpy(buf + tl, aname, al);
	memcpy(buf + tl + al, bname, bl);
	memcpy(buf + tl + al + bl, o, sizeof(*o));
	memcpy(buf + tl + al + bl + sizeof(*o), sdp, len);
	sum = kstream_siphash(n->sum_key, buf, tl + al + bl + sizeof(*o) + len);
	free(buf);
	return sum | 1;
}

/* ---- anchored calls (nganchor.h) ---- */

/*
 * The offerer's address, for the choice of its interface: where its SIP
 * came from, else its first media address.
 */
static const struct anchor_addr *offerer_addr(const struct bridge *br,
					      const struct sdp_conn *src,
					      struct anchor_addr *a)
{
	size_t k;

	if (src->family && !anchor_addr_parse(src->addr, a))
		return a;
	for (k = 0; k < br->ngroups; k++)
		if (br->groups[k].rtp &&
		    !anchor_addr_parse(br->groups[k].a_conn.addr, a))
			return a;
	return NULL;
}

/* The offer anchored: ports reserved, *@fwd naming the answerer's leg. */
static int anchor_offer(struct req *q, struct ng_call *c,
			const struct bridge *br, bool by_callee,
			const struct sdp_conn *src, const struct nga_opts *o,
			char **fwd)
{
	struct anchor_addr addr;

	if (!c->ac)
		c->ac = calloc(1, sizeof(*c->ac));
	if (!c->ac) {
		errmsg_set(q->err, ERR_MAX, "out of memory");
		return -1;
	}
	return nga_offer(q->n->anchor, c->ac, br,
			 by_callee ? NGA_CALLEE : NGA_CALLER,
			 offerer_addr(br, src, &addr), o, fwd, q->err, ERR_MAX);
}

/*
 * A party's media address, anchored: its SDP's when the proxy trusts it
 * (trust-address) or srtpd does (its SIP source, or a --media-net), else
 * where its SIP came from (a phone behind NAT writes its private
 * address); an unspecified one (on hold) stays.
 */
static void anchored_addr(const struct ng *n, enum nga_addr mode,
			  const struct sdp_conn *src, struct sdp_conn *conn)
{
	char err[ERR_MAX];
	uint8_t a[16];

	if (!src->family || mode == NGA_ADDR_SDP ||
	    (inet_pton(conn->family, conn->addr, a) == 1 &&
	     media_addr_unspecified(conn->family, a)))
		return;
	if (mode == NGA_ADDR_SOURCE ||
	    check_media(n, src, conn, 0, 0, "", err))
		*conn = *src;
}

/* The plan's addresses, anchored: each party's as anchored_addr() says. */
static void anchor_flows(const struct ng *n, const struct ng_call *c,
			 const struct ng_branch *b, enum nga_addr answer_mode,
			 struct bridge_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nflows; i++) {
		struct bridge_flow *f = &plan->flows[i];
		const struct sdp_conn *os = &c->a_src, *as = &b->src;

		anchored_addr(n, f->a_to_b ? c->offer_addr : answer_mode,
			      f->a_to_b ? os : as, &f->from);
		anchored_addr(n, f->a_to_b ? answer_mode : c->offer_addr,
			      f->a_to_b ? as : os, &f->to);
	}
}

static int cmd_offer(struct req *q)
{
	char id[CALL_ID_MAX], tag[128], model[32];
	char bmodel[32];
	const struct benc_node *sdp;
	struct bridge_opts opts;
	struct nga_opts ao;
	struct srtp_policy p, pb;
	struct sdp_conn src, none;
	const char *aname, *bname;
	struct bridge *br;
	struct ng_call *c;
	bool fresh;
	uint64_t sum;
	char *fwd;
	int rc, rb, again;

	if (get_str(q, "call-id", id, sizeof(id), true) ||
	    get_str(q, "from-tag", tag, sizeof(tag), true) ||
	    !(sdp = get_sdp(q)) || parse_options(q, &opts) ||
	    anchor_options(q, &ao) ||
	    request_model(q, "model", true, NULL, model, sizeof(model)) ||
	    callee_model(q, ng_find(q->n, id), tag, bmodel, sizeof(bmodel)) ||
	    request_source(q, &src))
		return -1;
	/* anchored, plain media is relayed too: its flows are in the plan */
	opts.relay_all = q->n->anchor != NULL;
	none.family = 0;
	if (leg_policy(q, model, &src, &p, &aname) ||
	    leg_policy(q, bmodel, &none, &pb, &bname))
		return -1;
	br = calloc(1, sizeof(*br));
	if (!br) {
		errmsg_set(q->err, ERR_MAX, "out of memory");
		return -1;
	}
	c = ng_find(q->n, id);
	sum = offer_sum(q->n, tag, aname, bname, &opts, sdp->s, sdp->len);
	/*
	 * The pending offer again, unanswered (a proxy passes an INVITE and
	 * its retransmission both when the second comes while the first is
	 * with us): the same SDP as before, not fresh keys that the callee,
	 * which got the first, would never see.
	 */
	if (c && c->offer_fwd && !c->e.closing && c->offer_sum == sum) {
		ng_log(q->n, id, "call %s: the same offer again from-tag %s: forwarded as before",
		       id, tag);
		free(br);
		warn_ignored(q);
		benc_cstr(q->out, "sdp");
		benc_cstr(q->out, c->offer_fwd);
		return 0;
	}
	again = again_branch(c, tag);
	rc = bridge_offer(br, &p, &pb, &opts, again < 0 ? NULL :
			  (const struct sdes_crypto *const *)c->branches[again].b_keys,
			  sdp->s, sdp->len, &fwd, q->err, ERR_MAX);
	/* anchored, the media addresses are checked as the plan has them */
	if (!rc && !q->n->anchor &&
	    check_sdp(q->n, &br->a_offer, &src, "the caller's", q->err)) {
		explicit_bzero(fwd, strlen(fwd));
		free(fwd);
		rc = -1;
	}
	if (rc) {
		bridge_free(br);
		free(br);
		return -1;
	}
	c = ng_find(q->n, id);
	fresh = !c;
	if (!c)
		c = new_call(q, id, &src);
	if (c && charge(q, c, br, sdp->len)) {
		if (fresh)
			call_free(q->n, c);
		c = NULL;
	}
	/*
	 * Anchored, media reaches a leg only through its relay, which comes
	 * with the answer: no guard is needed before it.
	 */
	if (!c || (q->n->anchor ?
		   anchor_offer(q, c, br, !fresh && branch_find(c, tag) >= 0,
				&src, &ao, &fwd) :
		   install_guards(q, c, br))) {
		if (c && fresh)
			call_free(q->n, c);
		bridge_free(br);
		free(br);
		explicit_bzero(fwd, strlen(fwd));
		free(fwd);
		return -1;
	}
	/*
	 * A re-offer replaces the pending one; installed streams stay until
	 * its answer changes them in place.
	 */
	ng_log(q->n, id, "call %s: %s from-tag %s, model %s, callee %s, %zu media, %s",
	       id, c->br ? "re-offer" : "offer", tag, aname,
	       bname, br->ngroups, opts.transport == BRIDGE_RTP ? "RTP toward the callee" :
	       opts.transport == BRIDGE_SRTP ? "SRTP toward the callee" :
	       "the callee's leg as offered");
	drop_bridge(c);
	c->br = br;
	c->offered = true;
	c->e.offered_at = q->now;
	calls_touch(&c->e);
	c->e.closing = false;	/* its guards are the new offer's */
	c->e.delete_at = 0;
	c->a_src = src;
	c->offer_addr = ao.addr;
	/*
	 * A re-INVITE from a callee carries its own tag as the from-tag:
	 * the answer (to-tag: the caller's) belongs to that callee's branch,
	 * and the call keeps its caller's tag.
	 */
	rb = fresh ? -1 : branch_find(c, tag);
	c->by_callee = rb >= 0;
	c->callee_branch = rb >= 0 ? (uint8_t)rb : 0;
	c->again_branch = again;
	if (rb < 0)
		snprintf(c->from_tag, sizeof(c->from_tag), "%s", tag);
	snprintf(c->model, sizeof(c->model), "%s", aname);
	snprintf(c->callee_model, sizeof(c->callee_model), "%s", bname);
	forget_offer(c);
	c->offer_sum = sum;
	c->offer_fwd = strdup(fwd);	/* none: a repeat gets fresh keys */
	warn_ignored(q);
	benc_cstr(q->out, "sdp");
	benc_cstr(q->out, fwd);
	explicit_bzero(fwd, strlen(fwd));
	free(fwd);
	return 0;
}

/* Whether flow @f has an unspecified address (a side on hold). */
static bool flow_on_hold(const struct bridge_flow *f)
{
	uint8_t a[16];

	return (inet_pton(f->from.family, f->from.addr, a) == 1 &&
		media_addr_unspecified(f->from.family, a)) ||
	       (inet_pton(f->to.family, f->to.addr, a) == 1 &&
		media_addr_unspecified(f->to.family, a));
}

/* Where a plan's wants and relays go. */
struct plan_out {
	struct kwant *w;
	size_t n;
	struct natmap_relay *rel;	/* anchored: NGA_RELAYS_MAX of them */
	size_t nrel;
	struct nga_uspec *urel;		/* two families: srtpd's own */
	size_t nurel;
};

/*
 * Flow @f's matches: in-path, one match (the sender's address to the
 * receiver's); anchored (@ac), the router's own ports on each leg, and
 * its relays into @po unless a side is on hold.
 */
static int flow_matches(const struct ng_call *c, const struct bridge_flow *f,
			struct kmatch *in, struct kmatch *out,
			struct plan_out *po, char *err)
{
	struct relay_flow rf;
	unsigned int j;

	if (!c->ac) {
		if (flow_match(f, in, err))
			return -1;
		*out = *in;
		return 0;
	}
	if (nga_flow(c->ac, f, c->by_callee ? NGA_CALLEE : NGA_CALLER, &rf,
		     err, ERR_MAX))
		return -1;
	*in = rf.in;
	*out = rf.out;
	for (j = 0; j < rf.nrelay && !flow_on_hold(f); j++) {
		if (po->nrel == NGA_RELAYS_MAX || po->nurel == NGA_RELAYS_MAX) {
			errmsg_set(err, ERR_MAX, "too many relays in one call (%d)",
				   NGA_RELAYS_MAX);
			return -1;
		}
		if (!rf.user)
			po->rel[po->nrel++] = rf.relay[j];
		else
			po->urel[po->nurel++] = (struct nga_uspec){
				rf.relay[j], f->protect,
			};
	}
	return 0;
}

/*
 * Anchored, the unprotect stream of @f latches (NF_SRTP_F_LATCH): a
 * sender behind NAT may come from another port than its SDP's, or get a
 * new mapping mid-call.  It starts from the ports the flow the other way
 * is sent to (the sender's SDP), if there is one.
 */
static void latch_want(const struct bridge_plan *plan,
		       const struct bridge_flow *f, struct kwant *w)
{
	size_t i;

	w->latch = true;
	for (i = 0; i < plan->nflows; i++) {
		const struct bridge_flow *g = &plan->flows[i];

		if (g->index != f->index || g->a_to_b == f->a_to_b ||
		    strcmp(g->to.addr, f->from.addr))
			continue;
		w->peer_port = (uint16_t)g->to_port;
		w->peer_rtcp_port = (uint16_t)(g->rtcp_mux ? g->to_port :
						  g->to_rtcp_port);
		return;
	}
}

/*
 * What branch @bi's plan wants of the kernel (kset.h): per flow, the
 * stream that takes it in from its sender, then the one that sends it
 * on; anchored, the relays too.  The direction is the one between the
 * two parties, which a callee's re-offer does not turn round.
 */
static int plan_wants(const struct ng_call *c, const struct bridge_plan *plan,
		      struct plan_out *po, char *err)
{
	struct kmatch in, out;
	size_t i;

	po->n = 0;
	po->nrel = 0;
	po->nurel = 0;
	for (i = 0; i < plan->nflows; i++) {
		const struct bridge_flow *f = &plan->flows[i];
		struct kwant one = {
			.group = (uint8_t)f->index, .mux = f->rtcp_mux,
			.a_to_b = caller_to_callee(c, f),
		};

		if (flow_matches(c, f, &in, &out, po, err))
			return -1;
		if (po->n + 2 > KSET_MAX) {
			errmsg_set(err, ERR_MAX, "too many streams in one call (%d)",
				   KSET_MAX);
			return -1;
		}
		if (f->unprotect) {
			po->w[po->n] = one;
			po->w[po->n].match = in;
			po->w[po->n].op = NF_SRTP_OP_UNPROTECT;
			po->w[po->n].crypto = &f->in;
			if (c->ac)
				latch_want(plan, f, &po->w[po->n]);
			po->n++;
		}
		if (f->protect) {
			po->w[po->n] = one;
			po->w[po->n].match = out;
			po->w[po->n].op = NF_SRTP_OP_PROTECT;
			po->w[po->n++].crypto = &f->out;
		}
	}
	return 0;
}

/*
 * Branch @bi's streams become what @plan says (kset_apply()); anchored,
 * the call's streams (all in branch 0: every branch answers on the same
 * router ports), between the removal of the relays the plan no longer
 * has and the addition of its new ones, so that no relay carries a flow
 * without the transform it needs.
 */
static int apply_plan(struct req *q, struct ng_call *c, unsigned int bi,
		      const struct bridge_plan *plan)
{
	struct kset_owner o = owner_of(q->n, c);
	struct plan_out po = {
		.w = calloc(KSET_MAX, sizeof(*po.w)),
		.rel = c->ac ? calloc(NGA_RELAYS_MAX, sizeof(*po.rel)) : NULL,
		.urel = c->ac ? calloc(NGA_RELAYS_MAX, sizeof(*po.urel)) : NULL,
	};
	int rc = -1;

	if (!po.w || (c->ac && (!po.rel || !po.urel))) {
		errmsg_set(q->err, ERR_MAX, "out of memory");
		goto out;
	}
	rc = plan_wants(c, plan, &po, q->err);
	/* relays that would be refused change nothing; stale ones go first */
	if (!rc && c->ac)
		rc = nga_relays_check(po.rel, po.nrel, po.urel, po.nurel,
				      q->err, ERR_MAX) ||
		     nga_relays_prune(q->n->anchor, c->ac, po.rel, po.nrel,
				      q->err, ERR_MAX);
	if (!rc)
		rc = kset_apply(&o, &c->set, c->ac ? 0 : (uint8_t)bi, po.w,
				po.n, q->err, ERR_MAX);
	if (!rc && c->ac)
		rc = nga_relays_set(q->n->anchor, c->ac, po.rel, po.nrel,
				    po.urel, po.nurel, q->err, ERR_MAX);
	if (!rc && c->ac) {
		c->ac->planned = true;
		c->ac->plan_branch = bi;
	}
out:
	free(po.w);
	free(po.rel);
	free(po.urel);
	return rc;
}

static int keep_key(struct sdes_crypto **slot, const struct sdes_crypto *c)
{
	if (!*slot)
		*slot = malloc(sizeof(**slot));
	if (!*slot)
		return -1;
	**slot = *c;
	return 0;
}

/*
 * Our keys in this answer's plan: toward A (per A m-line) the branch's
 * next answer keeps, toward B (per media stream) the caller's next
 * re-offer offers again.
 */
static int keep_keys(struct ng_branch *b, const struct bridge_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nflows; i++) {
		const struct bridge_flow *f = &plan->flows[i];

		if (!f->protect)
			continue;
		if (!f->a_to_b && f->a_line < NEG_MEDIA_MAX &&
		    keep_key(&b->a_keys[f->a_line], &f->out))
			return -1;
		if (f->a_to_b && f->index < NEG_MEDIA_MAX &&
		    keep_key(&b->b_keys[f->index], &f->out))
			return -1;
	}
	return 0;
}

static int new_branch(struct req *q, struct ng_call *c, const char *tag)
{
	int i;

	for (i = 0; i < NG_BRANCHES_MAX; i++) {
		if (!c->branches[i].used) {
			memset(&c->branches[i], 0, sizeof(c->branches[i]));
			c->branches[i].used = true;
			snprintf(c->branches[i].to_tag,
				 sizeof(c->branches[i].to_tag), "%s", tag);
			return i;
		}
	}
	errmsg_set(q->err, ERR_MAX,
		"too many answers with different to-tags (%d branches)",
		NG_BRANCHES_MAX);
	return -1;
}

static int check_plan(struct req *q, const struct ng_call *c,
		      const struct ng_branch *b, const struct bridge_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nflows; i++)
		if (check_flow(q->n, c, b, &plan->flows[i], q->err))
			return -1;
	return 0;
}

static unsigned int branch_streams(const struct ng_call *c, int bi)
{
	unsigned int i, k = 0;

	for (i = 0; i < c->set.n; i++)
		k += c->set.streams[i].branch == bi;
	return k;
}

/* A leg's transport and suite, for the log (never a key). */
static const char *leg_name(const struct bridge_plan *plan, bool a)
{
	size_t i;

	for (i = 0; i < plan->nflows; i++) {
		const struct bridge_flow *f = &plan->flows[i];

		/* the flow toward a leg protects with that leg's suite */
		if (f->a_to_b != a && f->protect)
			return f->out.suite_name;
	}
	return "RTP";
}

static int answer_branch(struct req *q, struct ng_call *c, int bi,
			 bool fresh, const struct benc_node *sdp,
			 const struct nga_opts *ao, char **fwd)
{
	struct ng_branch *b = &c->branches[bi];
	struct bridge_plan *plan = calloc(1, sizeof(*plan));
	int rc;

	if (!plan) {
		errmsg_set(q->err, ERR_MAX, "out of memory");
		return -1;
	}
	/*
	 * Our keys toward the caller stay from one answer of the branch to
	 * the next; after a callee's re-offer the "caller" is the callee,
	 * whose keys are no caller's to keep: the next answer makes new ones.
	 */
	if (c->by_callee) {
		forget_keys(b->a_keys);
		forget_keys(b->b_keys);
	}
	rc = bridge_answer(c->br, sdp->s, sdp->len,
			   (const struct sdes_crypto *const *)b->a_keys, fwd,
			   plan, q->err, ERR_MAX);
	if (!rc && c->ac)
		anchor_flows(q->n, c, b, ao->addr, plan);
	if (!rc)
		rc = check_plan(q, c, b, plan);
	/* the answer's text first: a refusal there changes nothing */
	if (!rc && c->ac)
		rc = nga_answer(c->ac, c->br,
				c->by_callee ? NGA_CALLEE : NGA_CALLER, ao, fwd,
				q->err, ERR_MAX);
	if (!rc)
		rc = apply_plan(q, c, (unsigned int)bi, plan);
	if (!rc && !c->by_callee && keep_keys(b, plan)) {
		errmsg_set(q->err, ERR_MAX, "out of memory");
		rc = -1;
	}
	if (!rc)
		ng_log(q->n, c->e.id, "call %s: answer to-tag %s: caller's leg %s, callee's leg %s (model %s), %u kernel streams",
		       c->e.id, b->to_tag, leg_name(plan, true),
		       leg_name(plan, false), b->model[0] ? b->model : "default",
		       branch_streams(c, bi));
	bridge_plan_wipe(plan);
	free(plan);
	if (rc && *fwd) {
		explicit_bzero(*fwd, strlen(*fwd));
		free(*fwd);
		*fwd = NULL;
	}
	if (rc && fresh)
		branch_remove(q->n, c, (unsigned int)bi);
	return rc ? -1 : 0;
}

static int cmd_answer(struct req *q)
{
	char id[CALL_ID_MAX], tag[128], via[128];
	char model[sizeof(((struct ng_branch *)0)->model)];
	const struct benc_node *sdp;
	struct nga_opts ao;
	struct sdp_conn src;
	struct ng_call *c;
	char *fwd = NULL;
	bool fresh;
	int bi;

	if (get_str(q, "call-id", id, sizeof(id), true) ||
	    get_str(q, "to-tag", tag, sizeof(tag), false) ||
	    get_str(q, "via-branch", via, sizeof(via), false) ||
	    !(sdp = get_sdp(q)) || request_source(q, &src))
		return -1;
	c = ng_find(q->n, id);
	if (!c || !c->br) {
		errmsg_set(q->err, ERR_MAX, c ? "no offer is pending for this call" :
			"Unknown call-id");
		return -1;
	}
	if (c->by_callee && (!tag[0] || !strcmp(tag, c->from_tag)))
		bi = c->callee_branch;	/* the caller answers the callee */
	else
		bi = branch_find(c, tag);
	/*
	 * A re-offer that offered the callee its keys again is answered by
	 * that callee's dialog only: those keys in a new branch would start
	 * a second crypto context under them, from index 0 again.
	 */
	if (c->again_branch >= 0 && bi != c->again_branch) {
		errmsg_set(q->err, ERR_MAX,
			"the answer to the re-offer comes from to-tag \"%.64s\", not from the dialog it went to",
			tag);
		return -1;
	}
	fresh = bi < 0;
	if (fresh)
		bi = new_branch(q, c, tag);
	if (bi < 0)
		return -1;
	c->branches[bi].src = src;
	/*
	 * The callee's phone model: "callee-model", or "model" (what the
	 * proxy makes of the answer's User-Agent: Kamailio's configuration
	 * sends it with answers as with offers), or the User-Agent itself,
	 * else the offer's; the caller's re-offers to it use it.  A caller
	 * answering a callee's re-offer says nothing about the callee.
	 */
	if (!c->by_callee) {
		if (request_model(q, benc_get(q->d, "callee-model") ?
				  "callee-model" : "model", true,
				  fresh || !c->branches[bi].model[0] ?
				  c->callee_model : c->branches[bi].model,
				  model, sizeof(model))) {
			if (fresh)
				branch_remove(q->n, c, (unsigned int)bi);
			return -1;
		}
		snprintf(c->branches[bi].model, sizeof(c->branches[bi].model),
			 "%s", model);
	}
	if (via[0])
		snprintf(c->branches[bi].via_branch,
			 sizeof(c->branches[bi].via_branch), "%s", via);
	if (answer_options(q, &c->br->opts) || anchor_options(q, &ao) ||
	    answer_branch(q, c, bi, fresh, sdp, &ao, &fwd)) {
		if (fresh && c->branches[bi].used)
			branch_remove(q->n, c, (unsigned int)bi);
		return -1;
	}
	forget_offer(c);	/* answered: the same offer again is a new one */
	c->e.answered = true;
	c->e.delete_at = 0;
	calls_touch(&c->e);
	warn_ignored(q);
	benc_cstr(q->out, "sdp");
	benc_cstr(q->out, fwd);
	explicit_bzero(fwd, strlen(fwd));
	free(fwd);
	return 0;
}

/* ---- delete, query, list ---- */

static struct ng_call *request_call(struct req *q)
{
	char id[CALL_ID_MAX];
	struct ng_call *c;

	if (get_str(q, "call-id", id, sizeof(id), true))
		return NULL;
	c = ng_find(q->n, id);
	if (!c)
		errmsg_set(q->err, ERR_MAX, "Unknown call-id");
	return c;
}

/* "@key": @v, into the reply */
static void put_u64(struct req *q, const char *key, uint64_t v)
{
	benc_cstr(q->out, key);
	benc_int(q->out, (int64_t)v);
}

/* A latching stream's peer, "ADDR:PORT" ("[ADDR]:PORT"), if it has one. */
static void put_peer(struct req *q, const char *name,
		     const struct nfsrtp_peer *p)
{
	char a[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 10];

	if (!p->port || !inet_ntop(p->family, p->addr, a, sizeof(a)))
		return;
	snprintf(text, sizeof(text), p->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 a, p->port);
	benc_cstr(q->out, name);
	benc_cstr(q->out, text);
}

/* Slot @i of @c: its dictionary in "streams", its share in @t. */
static void stream_stats(struct req *q, const struct ng_call *c,
			 unsigned int i, struct kset_totals *t)
{
	const struct kslot *st = &c->set.streams[i];
	struct nfsrtp_stream *s = calloc(1, sizeof(*s));
	struct kset_totals one;

	benc_dict(q->out);
	benc_cstr(q->out, "id");
	benc_int(q->out, st->k.id);
	benc_cstr(q->out, "direction");
	benc_cstr(q->out, st->a_to_b ? "caller-to-callee" : "callee-to-caller");
	benc_cstr(q->out, "operation");
	benc_cstr(q->out, st->k.op == NF_SRTP_OP_PROTECT ? "protect" : "unprotect");
	if (!s || q->n->ops.get(q->n->ops.arg, st->k.id, s)) {
		benc_cstr(q->out, "status");
		benc_cstr(q->out, "missing");
		benc_end(q->out);
		free(s);
		return;
	}
	kslot_totals(st, s, &one);
	if (s->flags & NF_SRTP_F_LATCH) {
		put_peer(q, "peer", &s->peer);
		put_peer(q, "rtcp-peer", &s->rtcp_peer);
		put_u64(q, "latches", s->latches);
	}
	explicit_bzero(s, sizeof(*s));
	free(s);
	/* a stream's own counters: RTCP among its packets and errors */
	put_u64(q, "packets", one.packets + one.rtcp_packets);
	put_u64(q, "bytes", one.bytes + one.rtcp_bytes);
	put_u64(q, "rtcp-packets", one.rtcp_packets);
	put_u64(q, "rtcp-bytes", one.rtcp_bytes);
	put_u64(q, "errors", one.errors + one.rtcp_errors);
	put_u64(q, "rtcp-errors", one.rtcp_errors);
	put_u64(q, "authentication-failures", one.auth);
	put_u64(q, "replays", one.replay);
	benc_end(q->out);
	kset_totals_add(t, &one, kset_counts(&c->set, i));
}

/* "tags": the caller's and each branch's, as rtpengine lists them. */
static void query_tags(struct req *q, const struct ng_call *c)
{
	unsigned int i, k, n;

	benc_cstr(q->out, "tags");
	benc_dict(q->out);
	benc_cstr(q->out, c->from_tag);
	benc_dict(q->out);
	benc_cstr(q->out, "tag");
	benc_cstr(q->out, c->from_tag);
	benc_cstr(q->out, "role");
	benc_cstr(q->out, "caller");
	benc_cstr(q->out, "model");
	benc_cstr(q->out, c->model);
	benc_end(q->out);
	for (i = 0; i < NG_BRANCHES_MAX; i++) {
		const struct ng_branch *b = &c->branches[i];

		if (!b->used || !b->to_tag[0] || !strcmp(b->to_tag, c->from_tag))
			continue;
		for (k = 0, n = 0; k < c->set.n; k++)
			n += c->set.streams[k].branch == i;
		benc_cstr(q->out, b->to_tag);
		benc_dict(q->out);
		benc_cstr(q->out, "tag");
		benc_cstr(q->out, b->to_tag);
		benc_cstr(q->out, "role");
		benc_cstr(q->out, "callee");
		benc_cstr(q->out, "in dialogue with");
		benc_cstr(q->out, c->from_tag);
		benc_cstr(q->out, "streams");
		benc_int(q->out, n);
		if (b->model[0]) {
			benc_cstr(q->out, "model");
			benc_cstr(q->out, b->model);
		}
		benc_end(q->out);
	}
	benc_end(q->out);
}

/* "@key": {packets, bytes, errors}, one kind of a call's totals */
static void put_traffic(struct req *q, const char *key, uint64_t packets,
			uint64_t bytes, uint64_t errors)
{
	benc_cstr(q->out, key);
	benc_dict(q->out);
	put_u64(q, "packets", packets);
	put_u64(q, "bytes", bytes);
	put_u64(q, "errors", errors);
	benc_end(q->out);
}

/* "ADDR:PORT", an IPv6 address in brackets, as a bencoded string */
static void put_addr_port(struct req *q, const struct anchor_addr *a,
			  unsigned int port)
{
	char text[INET6_ADDRSTRLEN + 10];

	snprintf(text, sizeof(text), a->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 a->str, port);
	benc_cstr(q->out, text);
}

/* A socket address as put_addr_port() writes it. */
static void put_sockaddr(struct req *q, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	struct anchor_addr a = { .family = ss->ss_family };
	unsigned int port;

	if (a.family == AF_INET) {
		memcpy(a.a, &s4->sin_addr, 4);
		port = ntohs(s4->sin_port);
	} else {
		memcpy(a.a, &s6->sin6_addr, 16);
		port = ntohs(s6->sin6_port);
	}
	inet_ntop(a.family, a.a, a.str, sizeof(a.str));
	put_addr_port(q, &a, port);
}

/*
 * One of srtpd's own relays, with its counters; "to" is where it sends
 * now (a plain receiver's port follows its packets).
 */
static void query_urelay(struct req *q, const struct nga_urelay *u)
{
	benc_dict(q->out);
	benc_cstr(q->out, "from");
	benc_cstr(q->out, u->r.from.str);
	benc_cstr(q->out, "local");
	put_addr_port(q, &u->r.local, u->r.local_port);
	benc_cstr(q->out, "out");
	put_addr_port(q, &u->r.out, u->r.out_port);
	benc_cstr(q->out, "to");
	put_sockaddr(q, &u->to);
	benc_cstr(q->out, "by");
	benc_cstr(q->out, "srtpd");
	put_u64(q, "packets", u->packets);
	put_u64(q, "bytes", u->bytes);
	put_u64(q, "strangers", u->strangers);
	put_u64(q, "errors", u->errors);
	benc_end(q->out);
}

/*
 * An anchored call's "anchor": per party its interface, the address
 * written into its SDP and its RTP ports by media stream (0: none), and
 * the relays (from the sender's address to the router's port, on from
 * the router's port on the other leg to the receiver).
 */
static void query_anchor(struct req *q, const struct nga_call *ac)
{
	static const char *const party[2] = { "caller", "callee" };
	unsigned int p, k, n;
	size_t i;

	benc_cstr(q->out, "anchor");
	benc_dict(q->out);
	for (p = 0; p < 2; p++) {
		if (!ac->ifc[p])
			continue;
		for (n = NEG_MEDIA_MAX; n && !ac->ports[p][n - 1].ifc; n--)
			;
		benc_cstr(q->out, party[p]);
		benc_dict(q->out);
		benc_cstr(q->out, "interface");
		benc_cstr(q->out, ac->ifc[p]->name);
		benc_cstr(q->out, "address");
		benc_cstr(q->out, ac->ifc[p]->adv.str);
		benc_cstr(q->out, "ports");
		benc_list(q->out);
		for (k = 0; k < n; k++)
			benc_int(q->out, ac->ports[p][k].rtp);
		benc_end(q->out);
		benc_end(q->out);
	}
	benc_cstr(q->out, "relays");
	benc_list(q->out);
	for (i = 0; i < ac->nrelays; i++) {
		const struct natmap_relay *r = &ac->relays[i];

		benc_dict(q->out);
		benc_cstr(q->out, "from");
		benc_cstr(q->out, r->from.str);
		benc_cstr(q->out, "local");
		put_addr_port(q, &r->local, r->local_port);
		benc_cstr(q->out, "out");
		put_addr_port(q, &r->out, r->out_port);
		benc_cstr(q->out, "to");
		put_addr_port(q, &r->to, r->to_port);
		benc_end(q->out);
	}
	for (i = 0; i < ac->nurelays; i++)
		query_urelay(q, &ac->urelays[i]);
	benc_end(q->out);
	benc_end(q->out);
}

static int cmd_query(struct req *q)
{
	struct ng_call *c = request_call(q);
	struct kset_totals t = { 0 };
	unsigned int i;

	if (!c)
		return -1;
	put_u64(q, "created", c->e.created);
	benc_cstr(q->out, "from-tag");
	benc_cstr(q->out, c->from_tag);
	if (first_tag(c)[0]) {
		benc_cstr(q->out, "to-tag");
		benc_cstr(q->out, first_tag(c));
	}
	benc_cstr(q->out, "model");
	benc_cstr(q->out, c->model);
	query_tags(q, c);
	if (c->ac)
		query_anchor(q, c->ac);
	benc_cstr(q->out, "streams");
	benc_list(q->out);
	/* a forwarded packet counted once (kset_counts()) */
	for (i = 0; i < c->set.n; i++)
		stream_stats(q, c, i, &t);
	benc_end(q->out);
	benc_cstr(q->out, "totals");
	benc_dict(q->out);
	put_traffic(q, "RTP", t.packets, t.bytes, t.errors);
	put_traffic(q, "RTCP", t.rtcp_packets, t.rtcp_bytes, t.rtcp_errors);
	benc_cstr(q->out, "SRTP");
	benc_dict(q->out);
	put_u64(q, "authentication-failures", t.auth);
	put_u64(q, "replays", t.replay);
	benc_end(q->out);
	benc_end(q->out);
	return 0;
}

/*
 * "delete-delay": an integer, or digits in a string (Kamailio passes its
 * delete-delay=N flag so), 0 to 86400 seconds.
 */
static int delete_delay(const struct benc_node *v, int64_t *out)
{
	int64_t n = 0;
	size_t i;

	if (v->type == BENC_INT) {
		n = v->i;
	} else if (v->type == BENC_STR && v->len && v->len <= 5) {
		for (i = 0; i < v->len; i++) {
			if (v->s[i] < '0' || v->s[i] > '9')
				return -1;
			n = 10 * n + (v->s[i] - '0');
		}
	} else {
		return -1;
	}
	if (n < 0 || n > 86400)
		return -1;
	*out = n;
	return 0;
}

/*
 * Deleting a call that is not there succeeds with a warning: the proxy
 * wants it gone, and Kamailio sends two deletes for a CANCELled call.
 * A delete whose to-tag (or from-tag, for a BYE from the callee) or
 * via-branch names one branch of several removes that branch: a fork
 * that lost, or early media of a callee that then refused.  A to-tag
 * that is neither a branch nor the caller's is a fork that refused
 * without answering: nothing goes.  Otherwise the whole call goes, at once or after its delete-delay, during which
 * its streams go on transforming and a late answer (a 200 crossing a
 * CANCEL) still finds it.
 */
static int cmd_delete(struct req *q)
{
	const struct benc_node *dd = benc_get(q->d, "delete-delay");
	struct ng_call *c = request_call(q);
	char from[128], to[128], via[128];
	int64_t delay = q->n->trust.delete_delay;
	int bi;

	if (!c || c->e.closing) {
		if (!c && strcmp(q->err, "Unknown call-id"))
			return -1;
		benc_cstr(q->out, "warning");
		benc_cstr(q->out, "Unknown call-id (already deleted)");
		q->err[0] = '\0';
		return 0;
	}
	if (get_str(q, "from-tag", from, sizeof(from), false) ||
	    get_str(q, "to-tag", to, sizeof(to), false) ||
	    get_str(q, "via-branch", via, sizeof(via), false))
		return -1;
	if (dd && delete_delay(dd, &delay)) {
		errmsg_set(q->err, ERR_MAX,
			"\"delete-delay\": not a number of seconds (0 to 86400)");
		return -1;
	}
	bi = branch_find(c, to);
	if (bi < 0)
		bi = branch_find(c, from);
	if (bi < 0 && !to[0])
		bi = branch_by_via(c, via);
	if (bi < 0 && to[0] && strcmp(to, c->from_tag)) {
		/* a fork that never answered refused: the others go on */
		benc_cstr(q->out, "warning");
		benc_cstr(q->out, "Unknown to-tag (no answer came from it)");
		return 0;
	}
	if (bi >= 0 && branch_count(c) > 1) {
		ng_log(q->n, c->e.id, "call %s: branch to-tag %s deleted",
		       c->e.id, c->branches[bi].to_tag);
		branch_remove(q->n, c, (unsigned int)bi);
		return 0;
	}
	if (delay) {
		c->e.delete_at = q->now + delay;
		ng_log(q->n, c->e.id, "call %s: deleted in %lld s", c->e.id,
		       (long long)delay);
		return 0;
	}
	ng_log(q->n, c->e.id, "call %s: deleted (%u streams)", c->e.id, c->set.n);
	call_close(q->n, c, q->now);
	return 0;
}

static int cmd_list(struct req *q)
{
	const struct benc_node *lim = benc_get(q->d, "limit");
	int64_t limit = 32;
	struct ng_call *c;

	if (lim) {
		if (lim->type != BENC_INT || lim->i < 0) {
			errmsg_set(q->err, ERR_MAX, "\"limit\": not a count");
			return -1;
		}
		limit = lim->i;
	}
	benc_cstr(q->out, "calls");
	benc_list(q->out);
	for (c = ng_first(q->n); c && limit > 0; c = ng_next(q->n, c)) {
		if (c->e.closing)
			continue;	/* deleted; only its guards are left */
		benc_cstr(q->out, c->e.id);
		limit--;
	}
	benc_end(q->out);
	return 0;
}

/* srtpd's own figures (rtpengine's "statistics" has more; see srtpd.8). */
static int cmd_statistics(struct req *q)
{
	const struct ng_call *c;
	unsigned int calls = 0, streams = 0, pending = 0, closing = 0;

	for (c = ng_first(q->n); c; c = ng_next(q->n, c)) {
		calls += !c->e.closing;
		streams += c->set.n;
		pending += !c->e.answered && !c->e.closing;
		closing += c->e.closing;
	}
	benc_cstr(q->out, "statistics");
	benc_dict(q->out);
	benc_cstr(q->out, "calls");
	benc_int(q->out, calls);
	benc_cstr(q->out, "unanswered");
	benc_int(q->out, pending);
	benc_cstr(q->out, "closing");
	benc_int(q->out, closing);
	benc_cstr(q->out, "kernel-streams");
	benc_int(q->out, streams);
	put_u64(q, "memory", q->n->calls->memory);
	put_u64(q, "requests", q->n->requests);
	put_u64(q, "retransmits", q->n->retransmits);
	benc_end(q->out);
	return 0;
}

/* ---- the message ---- */

static const struct {
	const char *name;
	int (*fn)(struct req *q);
} commands[] = {
	{ "offer", cmd_offer },
	{ "answer", cmd_answer },
	{ "delete", cmd_delete },
	{ "query", cmd_query },
	{ "list", cmd_list },
	{ "statistics", cmd_statistics },
};

static const char *const command_names[NG_COMMANDS] = {
	"ping", "offer", "answer", "delete", "query", "list", "statistics",
	"other",
};

const char *ng_command_name(unsigned int i)
{
	return i < NG_COMMANDS ? command_names[i] : NULL;
}

/* @root's command's index in command_names: "other" when none is known */
static unsigned int command_index(const struct benc_node *root)
{
	const struct benc_node *cmd = root && root->type == BENC_DICT ?
		benc_get(root, "command") : NULL;
	unsigned int i;

	for (i = 0; cmd && cmd->type == BENC_STR && i < NG_COMMANDS - 1; i++)
		if (benc_is(cmd, command_names[i]))
			return i;
	return NG_COMMANDS - 1;
}

static int dispatch(struct req *q, const char **result)
{
	const struct benc_node *cmd = benc_get(q->d, "command");
	size_t i;

	*result = "ok";
	if (!cmd || cmd->type != BENC_STR) {
		errmsg_set(q->err, ERR_MAX, cmd ? "\"command\": not a string" :
			"missing \"command\"");
		return -1;
	}
	if (benc_is(cmd, "ping")) {
		*result = "pong";
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (benc_is(cmd, commands[i].name))
			return commands[i].fn(q);
	errmsg_set(q->err, ERR_MAX, "Unrecognized command \"%.*s\"",
		(int)(cmd->len > 32 ? 32 : cmd->len), cmd->s);
	return -1;
}

/* ---- the reply cache ---- */

/* Wipes a kept reply (keys in its SDP) and frees it. */
static void cache_drop(struct ng *n, struct ng_cached *e)
{
	if (!e->reply)
		return;
	explicit_bzero(e->reply, e->len);
	free(e->reply);
	n->cache_count--;
	n->cache_bytes -= e->len;
	explicit_bzero(e, sizeof(*e));
}

static bool cache_expired(const struct ng_cached *e, time_t now)
{
	/* a clock stepped back expires it too: better than keeping it */
	return now - e->when > NG_CACHE_TTL || now < e->when;
}

void ng_cache_expire(struct ng *n, time_t now)
{
	unsigned int i;

	for (i = 0; i < NG_CACHE_SIZE; i++)
		if (n->cache[i].reply && cache_expired(&n->cache[i], now))
			cache_drop(n, &n->cache[i]);
}

int ng_cache_next_expiry(const struct ng *n, time_t now)
{
	time_t next = -1, t;
	unsigned int i;

	for (i = 0; i < NG_CACHE_SIZE; i++) {
		if (!n->cache[i].reply)
			continue;
		/* expired once now - when > TTL: in whole seconds */
		t = n->cache[i].when + NG_CACHE_TTL + 1 - now;
		if (t < 0)
			t = 0;
		if (next < 0 || t < next)
			next = t;
	}
	return (int)next;
}

/* The sender, comparable with memcmp. */
static void peer_of(const struct sockaddr *sa, socklen_t len,
		    struct ng_peer *p)
{
	memset(p, 0, sizeof(*p));
	if (!sa)
		return;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s4 = (const void *)sa;

		p->family = AF_INET;
		p->port = s4->sin_port;
		memcpy(p->addr, &s4->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6 &&
		   len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		p->family = AF_INET6;
		p->port = s6->sin6_port;
		p->scope = s6->sin6_scope_id;
		memcpy(p->addr, &s6->sin6_addr, 16);
	}
}

/* The reply kept for @cookie from @peer: a retransmission. */
static struct ng_cached *cache_find(struct ng *n, const char *cookie,
				    const struct ng_peer *peer, time_t now)
{
	unsigned int i;

	for (i = 0; i < NG_CACHE_SIZE; i++) {
		struct ng_cached *e = &n->cache[i];

		if (e->reply && !cache_expired(e, now) &&
		    !memcmp(&e->peer, peer, sizeof(*peer)) &&
		    !strcmp(e->cookie, cookie))
			return e;
	}
	return NULL;
}

/*
 * Keeps a reply, evicting the oldest ones beyond NG_CACHE_SIZE replies or
 * n->cache_limit bytes.  The slots fill in turn, so from cache_next on
 * they are in the order they were filled.
 */
static void cache_put(struct ng *n, const char *cookie,
		      const struct ng_peer *peer, const char *reply,
		      size_t len, time_t now)
{
	struct ng_cached *e;
	unsigned int i;
	char *copy;

	if (len > n->cache_limit)
		return;	/* a retransmission would run again: harmless */
	for (i = 0; i < NG_CACHE_SIZE &&
	     n->cache_bytes + len > n->cache_limit; i++)
		cache_drop(n, &n->cache[(n->cache_next + i) % NG_CACHE_SIZE]);
	copy = malloc(len + 1);
	if (!copy)
		return;
	e = &n->cache[n->cache_next];
	cache_drop(n, e);
	n->cache_next = (n->cache_next + 1) % NG_CACHE_SIZE;
	memcpy(copy, reply, len + 1);
	snprintf(e->cookie, sizeof(e->cookie), "%s", cookie);
	e->peer = *peer;
	e->reply = copy;
	e->len = len;
	e->when = now;
	n->cache_count++;
	n->cache_bytes += len;
}

/* The cookie: 1 to NG_COOKIE_MAX printable bytes before the space. */
static int split_cookie(const char *msg, size_t len, char *cookie,
			size_t *body)
{
	size_t i;

	for (i = 0; i < len && i <= NG_COOKIE_MAX; i++) {
		if (msg[i] == ' ')
			break;
		if ((unsigned char)msg[i] <= 0x20 || msg[i] == 0x7f)
			return -1;
	}
	if (!i || i > NG_COOKIE_MAX || i == len)
		return -1;
	memcpy(cookie, msg, i);
	cookie[i] = '\0';
	*body = i + 1;
	return 0;
}

/* The reply (NUL-terminated: a strbuf is). */
static int finish(struct strbuf *r, char **reply, size_t *rlen)
{
	if (r->oom) {
		strbuf_free(r);
		return -1;
	}
	*reply = r->p;
	*rlen = r->len;
	return 0;
}

/* Printable bytes of string member @key of @d, for a log line. */
static void log_field(const struct benc_node *d, const char *key, char *out,
		      size_t size)
{
	const struct benc_node *v = d && d->type == BENC_DICT ?
				    benc_get(d, key) : NULL;
	size_t i, o = 0;

	out[0] = '\0';
	if (!v || v->type != BENC_STR)
		return;
	for (i = 0; i < v->len && o + 1 < size; i++)
		out[o++] = (v->s[i] > ' ' && v->s[i] < 0x7f) ? v->s[i] : '?';
	out[o] = '\0';
}

/* The request's call-id as the calls have it, control bytes made '?' */
static void call_field(const struct benc_node *d, char *out, size_t size)
{
	const struct benc_node *v = d && d->type == BENC_DICT ?
				    benc_get(d, "call-id") : NULL;
	size_t i, o = 0;

	out[0] = '\0';
	if (!v || v->type != BENC_STR)
		return;
	for (i = 0; i < v->len && o + 1 < size; i++)
		out[o++] = (unsigned char)v->s[i] >= ' ' && v->s[i] != 0x7f ?
			   v->s[i] : '?';
	out[o] = '\0';
}

static void note_error(struct ng *n, const struct benc_node *d,
		       const char *err)
{
	char cmd[16], id[64];

	log_field(d, "command", cmd, sizeof(cmd));
	log_field(d, "call-id", id, sizeof(id));
	call_field(d, n->last_error_call, sizeof(n->last_error_call));
	snprintf(n->last_error, sizeof(n->last_error), "%s%s%s: %s",
		 cmd[0] ? cmd : "request", id[0] ? " " : "", id, err);
}

int ng_handle(struct ng *n, const char *msg, size_t len,
	      const struct sockaddr *from, socklen_t fromlen, time_t now,
	      char **reply, size_t *rlen)
{
	char cookie[NG_COOKIE_MAX + 1], err[ERR_MAX] = "";
	struct strbuf out = { 0 }, r = { 0 };
	struct ng_cached *hit;
	struct ng_peer peer;
	struct benc_doc doc = { 0 };
	const char *result = "error";
	unsigned int cmd;
	size_t body;
	int rc = -1;

	*reply = NULL;
	*rlen = 0;
	n->last_error[0] = '\0';
	n->last_error_call[0] = '\0';
	if (len > NG_MSG_MAX || split_cookie(msg, len, cookie, &body))
		return -1;
	n->requests++;
	ng_cache_expire(n, now);
	peer_of(from, fromlen, &peer);
	hit = cache_find(n, cookie, &peer, now);
	if (hit) {
		n->retransmits++;
		*reply = malloc(hit->len + 1);
		if (!*reply)
			return -1;
		memcpy(*reply, hit->reply, hit->len + 1);
		*rlen = hit->len;
		return 0;
	}
	if (benc_parse(msg + body, len - body, &doc, err, sizeof(err))) {
		char why[ERR_MAX];

		snprintf(why, sizeof(why), "%s", err);
		errmsg_set(err, sizeof(err), "malformed bencode: %s", why);
	} else if (doc.root->type != BENC_DICT) {
		errmsg_set(err, sizeof(err), "the message is not a dictionary");
	} else {
		struct req q = { .n = n, .d = doc.root, .out = &out, .err = err,
				 .now = now };

		rc = dispatch(&q, &result);
	}
	cmd = command_index(doc.root);
	n->commands[cmd]++;
	if (rc) {
		n->command_errors[cmd]++;
		note_error(n, doc.root, err);
	}
	benc_raw(&r, cookie, strlen(cookie));
	benc_raw(&r, " d", 2);
	benc_cstr(&r, "result");
	if (rc) {
		benc_cstr(&r, "error");
		benc_cstr(&r, "error-reason");
		benc_cstr(&r, err);
	} else {
		benc_cstr(&r, result);
		if (out.len)
			benc_raw(&r, out.p, out.len);
	}
	benc_end(&r);
	strbuf_free(&out);
	benc_doc_free(&doc);
	if (finish(&r, reply, rlen))
		return -1;
	cache_put(n, cookie, &peer, *reply, *rlen, now);
	return 0;
}

/* ---- the state file ---- */

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s > ' ' && *s < 0x7f && *s != '%')
			fputc(*s, f);
		else
			fprintf(f, "%%%02X", (unsigned char)*s);
	}
	fputc(' ', f);
}

int ng_save(const struct ng *n, const char *path, char *err, size_t errlen)
{
	char tmp[4096];
	const struct ng_call *c;
	unsigned int i;
	FILE *f;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errmsg_set(err, errlen, "%s: path too long", path);
		return -1;
	}
	/*
	 * 0600 whatever the umask; a new file (O_EXCL), never one left over
	 * with another owner or mode, nor what a symlink points at.
	 */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0 || fchmod(fd, 0600) || !(f = fdopen(fd, "w"))) {
		errmsg_set(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	fputs("# srtpd state: call id, tags, model, created, streams (id:dir:op);\n"
	      "# guards: the stream ids of deleted calls' guards\n", f);
	for (c = ng_first(n); c; c = ng_next(n, c)) {
		if (!c->set.n)
			continue;
		/*
		 * A restarted srtpd removes these at once: a deleted call's
		 * guards, and an anchored call's streams, whose relays and
		 * ports do not outlive srtpd (its table is made anew).
		 */
		if (c->e.closing || c->ac) {
			fputs("guards", f);
			for (i = 0; i < c->set.n; i++)
				fprintf(f, " %u", c->set.streams[i].k.id);
			fputc('\n', f);
			continue;
		}
		fputs("call ", f);
		put_escaped(f, c->e.id);
		put_escaped(f, c->from_tag[0] ? c->from_tag : "-");
		put_escaped(f, first_tag(c)[0] ? first_tag(c) : "-");
		put_escaped(f, c->model[0] ? c->model : "-");
		fprintf(f, "%lld", (long long)c->e.created);
		for (i = 0; i < c->set.n; i++)
			fprintf(f, " %u:%c:%u", c->set.streams[i].k.id,
				c->set.streams[i].a_to_b ? 'a' : 'b',
				c->set.streams[i].k.op);
		fputc('\n', f);
	}
	/* no fsync: the file outlives srtpd, not the machine (nor do streams) */
	if (fflush(f) || ferror(f)) {
		errmsg_set(err, errlen, "%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	fclose(f);
	if (rename(tmp, path)) {
		errmsg_set(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int unescape(const char *in, char *out, size_t size)
{
	size_t o = 0;
	unsigned int v;

	for (; *in; in++) {
		if (o + 1 >= size)
			return -1;
		if (*in == '%') {
			if (sscanf(in + 1, "%2X", &v) != 1 || !v)
				return -1;
			out[o++] = (char)v;
			in += 2;
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
	return 0;
}

/* The guards of a call deleted before the restart: removed now. */
static int remove_guards(struct ng *n, char *ids,
			 bool (*exists)(void *arg, uint32_t id), void *arg)
{
	char *save = NULL, *tok;
	unsigned int id;
	char tail;

	for (tok = strtok_r(ids, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (sscanf(tok, "%u%c", &id, &tail) != 1 || !id)
			return -1;
		if (exists(arg, id))
			n->ops.del(n->ops.arg, id);
	}
	return 0;
}

/* 1: a call adopted; 0: guards removed; -1: a malformed line. */
static int restore_line(struct ng *n, char *line,
			bool (*exists)(void *arg, uint32_t id), void *arg)
{
	char *save = NULL, *tok[5], *s;
	struct ng_call *c;
	unsigned int i;
	long long created;

	if (!strncmp(line, "guards", 6) && (line[6] == ' ' || line[6] == '\n'))
		return remove_guards(n, line + 6, exists, arg);
	if (strncmp(line, "call ", 5))
		return -1;
	for (i = 0; i < 5; i++) {
		tok[i] = strtok_r(i ? NULL : line + 5, " \n", &save);
		if (!tok[i])
			return -1;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	c->again_branch = -1;
	if (unescape(tok[0], c->e.id, sizeof(c->e.id)) ||
	    unescape(tok[1], c->from_tag, sizeof(c->from_tag)) ||
	    unescape(tok[2], c->branches[0].to_tag,
		     sizeof(c->branches[0].to_tag)) ||
	    unescape(tok[3], c->model, sizeof(c->model)) ||
	    sscanf(tok[4], "%lld", &created) != 1 ||
	    calls_find(n->calls, c->e.id))
		goto bad;
	/* one branch, the answered one: its streams' slots are unknown */
	c->branches[0].used = true;
	if (!strcmp(c->branches[0].to_tag, "-"))
		c->branches[0].to_tag[0] = '\0';
	c->e.created = (time_t)created;
	while ((s = strtok_r(NULL, " \n", &save))) {
		unsigned int id, op;
		char dir;

		if (c->set.n >= KSET_MAX ||
		    sscanf(s, "%u:%c:%u", &id, &dir, &op) != 3 || !id ||
		    (dir != 'a' && dir != 'b') ||
		    (op != NF_SRTP_OP_PROTECT && op != NF_SRTP_OP_UNPROTECT))
			goto bad;
		if (!exists(arg, id))
			continue;	/* gone meanwhile */
		c->set.streams[c->set.n].k.id = id;
		c->set.streams[c->set.n].a_to_b = dir == 'a';
		c->set.streams[c->set.n].k.op = (uint8_t)op;
		c->set.n++;
	}
	c->e.answered = true;
	c->e.front = &n->front;
	c->e.offered_at = c->e.created;
	calls_link(n->calls, &c->e);
	return 1;
bad:
	free(c);
	return -1;
}

int ng_restore(struct ng *n, const char *path,
	       bool (*exists)(void *arg, uint32_t id), void *arg,
	       char *err, size_t errlen)
{
	char line[8192];
	unsigned int lineno = 0;
	int count = 0, rc;
	FILE *f = fopen(path, "re");

	if (!f) {
		if (errno == ENOENT)
			return 0;
		errmsg_set(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		rc = restore_line(n, line, exists, arg);
		if (rc < 0) {
			errmsg_set(err, errlen, "%s:%u: malformed call line",
				path, lineno);
			fclose(f);
			return -1;
		}
		count += rc;
	}
	fclose(f);
	return count;
}
