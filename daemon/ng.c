// SPDX-License-Identifier: GPL-2.0
/*
 * ng: rtpengine's control protocol for srtpd.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "call.h"
#include "errmsg.h"
#include "ng.h"

#define ERR_MAX		512
#define DEFAULT_LIFETIME_BITS	31

void ng_init(struct ng *n, const struct ng_ops *ops,
	     const struct srtp_config *cfg, const char *model)
{
	memset(n, 0, sizeof(*n));
	n->ops = *ops;
	n->cfg = cfg;
	n->model = model;
}

/* ---- calls ---- */

struct ng_call *ng_find(struct ng *n, const char *id)
{
	struct ng_call *c;

	for (c = n->calls; c; c = c->next)
		if (!strcmp(c->id, id))
			return c;
	return NULL;
}

static void remove_streams(struct ng *n, struct ng_call *c)
{
	unsigned int i;

	for (i = 0; i < c->nstreams; i++)
		n->ops.del(n->ops.arg, c->streams[i].id);
	c->nstreams = 0;
	c->answered = false;
}

static void drop_bridge(struct ng_call *c)
{
	if (c->br) {
		bridge_free(c->br);
		free(c->br);
		c->br = NULL;
	}
}

static void call_free(struct ng *n, struct ng_call *c)
{
	struct ng_call **pp;

	for (pp = &n->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			n->ncalls--;
			break;
		}
	}
	if (c->nstreams)
		n->generation++;
	remove_streams(n, c);
	drop_bridge(c);
	free(c);
}

void ng_free(struct ng *n)
{
	unsigned int i;

	while (n->calls)
		call_free(n, n->calls);
	for (i = 0; i < NG_CACHE_SIZE; i++) {
		if (n->cache[i].reply) {
			explicit_bzero(n->cache[i].reply, n->cache[i].len);
			free(n->cache[i].reply);
		}
	}
	memset(n, 0, sizeof(*n));
}

/* ---- the request ---- */

struct req {
	struct ng *n;
	const struct benc_node *d;
	struct strbuf *out;		/* reply members after "result" */
	char *err;
	time_t now;
};

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

/* One SDES option ("off", "no-SUITE", ...); unknown ones are ignored. */
static int sdes_option(struct bridge_opts *o, const char *s, size_t len,
		       char *err)
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
	else if ((len > 3 && !memcmp(s, "no-", 3)) ||
		 (len > 5 && !memcmp(s, "only-", 5))) {
		bool only = s[0] == 'o';
		size_t skip = only ? 5 : 3;

		suite = sdes_suite_by_name(s + skip, len - skip);
		if (suite == SDES_SUITE_UNKNOWN) {
			errmsg_set(err, ERR_MAX, "SDES: unknown suite \"%.*s\"",
				(int)(len - skip > 64 ? 64 : len - skip),
				s + skip);
			return -1;
		}
		if (only)
			o->only_suites |= 1u << suite;
		else
			o->no_suites |= 1u << suite;
	}
	return 0;
}

static int list_options(struct req *q, const struct benc_node *l,
			struct bridge_opts *o, bool flags)
{
	const struct benc_node *e;

	if (l->type == BENC_STR)
		return flags ? 0 : sdes_option(o, l->s, l->len, q->err);
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
			if (sdes_option(o, e->s + 5, e->len - 5, q->err))
				return -1;
		} else if (flags && e->len == 8 && !memcmp(e->s, "RTP/SAVP", 8)) {
			o->transport = BRIDGE_SRTP;
		} else if (flags && e->len == 7 && !memcmp(e->s, "RTP/AVP", 7)) {
			o->transport = BRIDGE_RTP;
		} else if (!flags && sdes_option(o, e->s, e->len, q->err)) {
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
	return transport_option(q, o);
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

/* The phone model of the request: "model", else the User-Agent. */
static int request_model(struct req *q, char *model, size_t size)
{
	char ua[256];

	if (get_str(q, "model", model, size, false))
		return -1;
	if (model[0]) {
		if (!policy_model_by_name(model)) {
			errmsg_set(q->err, ERR_MAX, "unknown phone model \"%s\"",
				model);
			return -1;
		}
		return 0;
	}
	/* Kamailio passes a "ua=$ua" flag as "ua" */
	if (get_str(q, "user-agent", ua, sizeof(ua), false) ||
	    (!ua[0] && get_str(q, "ua", ua, sizeof(ua), false)))
		return -1;
	if (!ua[0] || !ng_model_from_ua(ua, strlen(ua), model, size))
		snprintf(model, size, "%s", q->n->model ? q->n->model : "");
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

static struct ng_call *new_call(struct req *q, const char *id)
{
	struct ng_call *c;

	if (q->n->ncalls >= NG_CALLS_MAX) {
		errmsg_set(q->err, ERR_MAX, "too many calls (%d)", NG_CALLS_MAX);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		errmsg_set(q->err, ERR_MAX, "out of memory");
		return NULL;
	}
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->created = q->now;
	c->next = q->n->calls;
	q->n->calls = c;
	q->n->ncalls++;
	return c;
}

static int cmd_offer(struct req *q)
{
	char id[sizeof(((struct ng_call *)0)->id)], tag[128], model[32];
	const struct benc_node *sdp;
	struct bridge_opts opts;
	struct srtp_policy p;
	struct bridge *br;
	struct ng_call *c;
	char *fwd;
	int rc;

	if (get_str(q, "call-id", id, sizeof(id), true) ||
	    get_str(q, "from-tag", tag, sizeof(tag), true) ||
	    !(sdp = get_sdp(q)) || parse_options(q, &opts) ||
	    request_model(q, model, sizeof(model)))
		return -1;
	if (policy_build(q->n->cfg, model[0] ? model : NULL, &p, q->err,
			 ERR_MAX))
		return -1;
	br = calloc(1, sizeof(*br));
	if (!br) {
		errmsg_set(q->err, ERR_MAX, "out of memory");
		return -1;
	}
	rc = bridge_offer(br, &p, &opts, sdp->s, sdp->len, &fwd, q->err,
			  ERR_MAX);
	if (rc) {
		bridge_free(br);
		free(br);
		return -1;
	}
	c = ng_find(q->n, id);
	if (!c)
		c = new_call(q, id);
	if (!c) {
		bridge_free(br);
		free(br);
		explicit_bzero(fwd, strlen(fwd));
		free(fwd);
		return -1;
	}
	/* a re-offer replaces the pending one; installed streams stay */
	drop_bridge(c);
	c->br = br;
	c->offered = true;
	snprintf(c->from_tag, sizeof(c->from_tag), "%s", tag);
	snprintf(c->model, sizeof(c->model), "%s", p.model->name);
	benc_cstr(q->out, "sdp");
	benc_cstr(q->out, fwd);
	explicit_bzero(fwd, strlen(fwd));
	free(fwd);
	return 0;
}

static int kernel_stream(const struct bridge_flow *f, bool protect,
			 struct nfsrtp_stream *s, char *err)
{
	const struct sdes_crypto *c = protect ? &f->out : &f->in;

	memset(s, 0, sizeof(*s));
	s->op = protect ? NF_SRTP_OP_PROTECT : NF_SRTP_OP_UNPROTECT;
	s->family = f->to.family;
	s->has_saddr = true;
	if (inet_pton(s->family, f->from.addr, s->saddr) != 1 ||
	    inet_pton(s->family, f->to.addr, s->daddr) != 1) {
		errmsg_set(err, ERR_MAX,
			"media address %s or %s is not a literal address",
			f->from.addr, f->to.addr);
		return -1;
	}
	s->dport = (uint16_t)f->to_port;
	s->rtcp_dport = (uint16_t)(f->rtcp_mux ? 0 : f->to_rtcp_port);
	call_stream_crypto(s, c, f->rtcp_mux);
	return 0;
}

static int add_stream(struct req *q, struct ng_call *c,
		      const struct bridge_flow *f, bool protect,
		      struct nfsrtp_stream *s)
{
	char kerr[256];
	uint32_t id = 0;
	int rc;

	if (kernel_stream(f, protect, s, q->err))
		return -1;
	rc = q->n->ops.add(q->n->ops.arg, s, &id, kerr, sizeof(kerr));
	explicit_bzero(s, sizeof(*s));
	if (rc) {
		errmsg_set(q->err, ERR_MAX, "the kernel refused a stream: %s",
			kerr);
		return -1;
	}
	c->streams[c->nstreams].id = id;
	c->streams[c->nstreams].a_to_b = f->a_to_b;
	c->streams[c->nstreams].op = protect ? NF_SRTP_OP_PROTECT :
				     NF_SRTP_OP_UNPROTECT;
	c->nstreams++;
	return 0;
}

static int install(struct req *q, struct ng_call *c,
		   const struct bridge_plan *plan)
{
	struct nfsrtp_stream *s = calloc(1, sizeof(*s));
	size_t i;
	int rc = 0;

	if (!s) {
		errmsg_set(q->err, ERR_MAX, "out of memory");
		return -1;
	}
	for (i = 0; i < plan->nflows && !rc; i++) {
		const struct bridge_flow *f = &plan->flows[i];

		if (f->unprotect)
			rc = add_stream(q, c, f, false, s);
		if (!rc && f->protect)
			rc = add_stream(q, c, f, true, s);
	}
	free(s);
	if (rc)
		remove_streams(q->n, c);
	else
		c->answered = true;
	q->n->generation++;
	return rc;
}

static int cmd_answer(struct req *q)
{
	char id[sizeof(((struct ng_call *)0)->id)], tag[128];
	const struct benc_node *sdp;
	struct bridge_plan *plan;
	struct ng_call *c;
	char *fwd;
	int rc;

	if (get_str(q, "call-id", id, sizeof(id), true) ||
	    get_str(q, "to-tag", tag, sizeof(tag), false) ||
	    !(sdp = get_sdp(q)))
		return -1;
	c = ng_find(q->n, id);
	if (!c || !c->br) {
		errmsg_set(q->err, ERR_MAX, c ? "no offer is pending for this call" :
			"Unknown call-id");
		return -1;
	}
	plan = calloc(1, sizeof(*plan));
	if (!plan) {
		errmsg_set(q->err, ERR_MAX, "out of memory");
		return -1;
	}
	rc = bridge_answer(c->br, sdp->s, sdp->len, &fwd, plan, q->err,
			   ERR_MAX);
	if (!rc) {
		/* a re-negotiation replaces the streams of the last one */
		remove_streams(q->n, c);
		rc = install(q, c, plan);
		if (rc) {
			explicit_bzero(fwd, strlen(fwd));
			free(fwd);
		}
	}
	bridge_plan_wipe(plan);
	free(plan);
	if (rc)
		return -1;
	if (tag[0])
		snprintf(c->to_tag, sizeof(c->to_tag), "%s", tag);
	drop_bridge(c);
	benc_cstr(q->out, "sdp");
	benc_cstr(q->out, fwd);
	explicit_bzero(fwd, strlen(fwd));
	free(fwd);
	return 0;
}

/* ---- delete, query, list ---- */

static struct ng_call *request_call(struct req *q)
{
	char id[sizeof(((struct ng_call *)0)->id)];
	struct ng_call *c;

	if (get_str(q, "call-id", id, sizeof(id), true))
		return NULL;
	c = ng_find(q->n, id);
	if (!c)
		errmsg_set(q->err, ERR_MAX, "Unknown call-id");
	return c;
}

struct totals {
	uint64_t packets, bytes, errors, auth, replay;
};

/* @count: the totals count this stream's packets (each packet once) */
static void stream_stats(struct req *q, const struct ng_stream *st,
			 bool count, struct totals *t)
{
	struct nfsrtp_stream *s = calloc(1, sizeof(*s));
	uint64_t drops = 0;
	unsigned int r;

	benc_dict(q->out);
	benc_cstr(q->out, "id");
	benc_int(q->out, st->id);
	benc_cstr(q->out, "direction");
	benc_cstr(q->out, st->a_to_b ? "caller-to-callee" : "callee-to-caller");
	benc_cstr(q->out, "operation");
	benc_cstr(q->out, st->op == NF_SRTP_OP_PROTECT ? "protect" : "unprotect");
	if (!s || q->n->ops.get(q->n->ops.arg, st->id, s)) {
		benc_cstr(q->out, "status");
		benc_cstr(q->out, "missing");
		benc_end(q->out);
		free(s);
		return;
	}
	for (r = 1; r <= NF_SRTP_DROP_MAX; r++)
		drops += s->drops[r];
	benc_cstr(q->out, "packets");
	benc_int(q->out, (int64_t)s->packets);
	benc_cstr(q->out, "bytes");
	benc_int(q->out, (int64_t)s->bytes);
	benc_cstr(q->out, "errors");
	benc_int(q->out, (int64_t)drops);
	benc_cstr(q->out, "authentication-failures");
	benc_int(q->out, (int64_t)s->drops[NF_SRTP_DROP_AUTH]);
	benc_cstr(q->out, "replays");
	benc_int(q->out, (int64_t)(s->drops[NF_SRTP_DROP_REPLAY] +
				   s->drops[NF_SRTP_DROP_TOO_OLD]));
	benc_end(q->out);
	if (count) {
		t->packets += s->packets;
		t->bytes += s->bytes;
	}
	t->errors += drops;
	t->auth += s->drops[NF_SRTP_DROP_AUTH];
	t->replay += s->drops[NF_SRTP_DROP_REPLAY] + s->drops[NF_SRTP_DROP_TOO_OLD];
	explicit_bzero(s, sizeof(*s));
	free(s);
}

static int cmd_query(struct req *q)
{
	struct ng_call *c = request_call(q);
	bool unprotects[2] = { false, false };
	struct totals t = { 0 };
	unsigned int i;

	if (!c)
		return -1;
	/*
	 * A forwarded packet passes the unprotect stream of its direction,
	 * if there is one, then the protect stream: count it once.
	 */
	for (i = 0; i < c->nstreams; i++)
		if (c->streams[i].op == NF_SRTP_OP_UNPROTECT)
			unprotects[c->streams[i].a_to_b] = true;
	benc_cstr(q->out, "created");
	benc_int(q->out, (int64_t)c->created);
	benc_cstr(q->out, "from-tag");
	benc_cstr(q->out, c->from_tag);
	if (c->to_tag[0]) {
		benc_cstr(q->out, "to-tag");
		benc_cstr(q->out, c->to_tag);
	}
	benc_cstr(q->out, "model");
	benc_cstr(q->out, c->model);
	benc_cstr(q->out, "streams");
	benc_list(q->out);
	for (i = 0; i < c->nstreams; i++)
		stream_stats(q, &c->streams[i],
			     c->streams[i].op == NF_SRTP_OP_UNPROTECT ||
			     !unprotects[c->streams[i].a_to_b], &t);
	benc_end(q->out);
	benc_cstr(q->out, "totals");
	benc_dict(q->out);
	benc_cstr(q->out, "RTP");
	benc_dict(q->out);
	benc_cstr(q->out, "packets");
	benc_int(q->out, (int64_t)t.packets);
	benc_cstr(q->out, "bytes");
	benc_int(q->out, (int64_t)t.bytes);
	benc_cstr(q->out, "errors");
	benc_int(q->out, (int64_t)t.errors);
	benc_end(q->out);
	benc_cstr(q->out, "SRTP");
	benc_dict(q->out);
	benc_cstr(q->out, "authentication-failures");
	benc_int(q->out, (int64_t)t.auth);
	benc_cstr(q->out, "replays");
	benc_int(q->out, (int64_t)t.replay);
	benc_end(q->out);
	benc_end(q->out);
	return 0;
}

/*
 * Deleting a call that is not there succeeds with a warning: the proxy
 * wants it gone, and Kamailio sends two deletes for a CANCELled call.
 */
static int cmd_delete(struct req *q)
{
	struct ng_call *c = request_call(q);

	if (!c) {
		if (strcmp(q->err, "Unknown call-id"))
			return -1;
		benc_cstr(q->out, "warning");
		benc_cstr(q->out, "Unknown call-id (already deleted)");
		q->err[0] = '\0';
		return 0;
	}
	call_free(q->n, c);
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
	for (c = q->n->calls; c && limit > 0; c = c->next, limit--)
		benc_cstr(q->out, c->id);
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
};

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

static struct ng_cached *cache_find(struct ng *n, const char *cookie,
				    time_t now)
{
	unsigned int i;

	for (i = 0; i < NG_CACHE_SIZE; i++) {
		struct ng_cached *e = &n->cache[i];

		if (e->reply && now - e->when <= NG_CACHE_TTL &&
		    !strcmp(e->cookie, cookie))
			return e;
	}
	return NULL;
}

static void cache_put(struct ng *n, const char *cookie, const char *reply,
		      size_t len, time_t now)
{
	struct ng_cached *e = &n->cache[n->cache_next];
	char *copy = malloc(len + 1);

	if (!copy)
		return;	/* a retransmission would run again: harmless */
	n->cache_next = (n->cache_next + 1) % NG_CACHE_SIZE;
	if (e->reply) {
		explicit_bzero(e->reply, e->len);
		free(e->reply);
	}
	memcpy(copy, reply, len + 1);
	snprintf(e->cookie, sizeof(e->cookie), "%s", cookie);
	e->reply = copy;
	e->len = len;
	e->when = now;
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

static void note_error(struct ng *n, const struct benc_node *d,
		       const char *err)
{
	char cmd[16], id[64];

	log_field(d, "command", cmd, sizeof(cmd));
	log_field(d, "call-id", id, sizeof(id));
	snprintf(n->last_error, sizeof(n->last_error), "%s%s%s: %s",
		 cmd[0] ? cmd : "request", id[0] ? " " : "", id, err);
}

int ng_handle(struct ng *n, const char *msg, size_t len, time_t now,
	      char **reply, size_t *rlen)
{
	char cookie[NG_COOKIE_MAX + 1], err[ERR_MAX] = "";
	struct strbuf out = { 0 }, r = { 0 };
	struct ng_cached *hit;
	struct benc_doc doc = { 0 };
	const char *result = "error";
	size_t body;
	int rc = -1;

	*reply = NULL;
	*rlen = 0;
	n->last_error[0] = '\0';
	if (len > NG_MSG_MAX || split_cookie(msg, len, cookie, &body))
		return -1;
	n->requests++;
	hit = cache_find(n, cookie, now);
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
	if (rc)
		note_error(n, doc.root, err);
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
	cache_put(n, cookie, *reply, *rlen, now);
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

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errmsg_set(err, errlen, "%s: path too long", path);
		return -1;
	}
	f = fopen(tmp, "we");
	if (!f) {
		errmsg_set(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	fputs("# srtpd state: call id, tags, model, created, streams (id:dir:op)\n",
	      f);
	for (c = n->calls; c; c = c->next) {
		if (!c->answered)
			continue;
		fputs("call ", f);
		put_escaped(f, c->id);
		put_escaped(f, c->from_tag[0] ? c->from_tag : "-");
		put_escaped(f, c->to_tag[0] ? c->to_tag : "-");
		put_escaped(f, c->model[0] ? c->model : "-");
		fprintf(f, "%lld", (long long)c->created);
		for (i = 0; i < c->nstreams; i++)
			fprintf(f, " %u:%c:%u", c->streams[i].id,
				c->streams[i].a_to_b ? 'a' : 'b',
				c->streams[i].op);
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

static int restore_line(struct ng *n, char *line,
			bool (*exists)(void *arg, uint32_t id), void *arg)
{
	char *save = NULL, *tok[5], *s;
	struct ng_call *c;
	unsigned int i;
	long long created;

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
	if (unescape(tok[0], c->id, sizeof(c->id)) ||
	    unescape(tok[1], c->from_tag, sizeof(c->from_tag)) ||
	    unescape(tok[2], c->to_tag, sizeof(c->to_tag)) ||
	    unescape(tok[3], c->model, sizeof(c->model)) ||
	    sscanf(tok[4], "%lld", &created) != 1 || ng_find(n, c->id))
		goto bad;
	if (!strcmp(c->to_tag, "-"))
		c->to_tag[0] = '\0';
	c->created = (time_t)created;
	while ((s = strtok_r(NULL, " \n", &save))) {
		unsigned int id, op;
		char dir;

		if (c->nstreams >= NG_STREAMS_MAX ||
		    sscanf(s, "%u:%c:%u", &id, &dir, &op) != 3 || !id ||
		    (dir != 'a' && dir != 'b') ||
		    (op != NF_SRTP_OP_PROTECT && op != NF_SRTP_OP_UNPROTECT))
			goto bad;
		if (!exists(arg, id))
			continue;	/* gone meanwhile */
		c->streams[c->nstreams].id = id;
		c->streams[c->nstreams].a_to_b = dir == 'a';
		c->streams[c->nstreams].op = (uint8_t)op;
		c->nstreams++;
	}
	c->answered = true;
	c->next = n->calls;
	n->calls = c;
	n->ncalls++;
	return 0;
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
	int count = 0;
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
		if (restore_line(n, line, exists, arg)) {
			errmsg_set(err, errlen, "%s:%u: malformed call line",
				path, lineno);
			fclose(f);
			return -1;
		}
		count++;
	}
	fclose(f);
	return count;
}
