// SPDX-License-Identifier: GPL-2.0
/*
 * sdp: RFC 4566 session description syntax, with RFC 3605 a=rtcp.
 *
 * Every line is kept as written, in order, so that a description this code
 * only partly understands is passed on unchanged.  The m= line is the
 * exception: it is held as fields (negotiate.c edits the port and the
 * formats) and written back from them, with single spaces.
 */

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sdp.h"
#include "strbuf.h"

#define QUOTE_MAX	40	/* most input bytes echoed in a message */
#define QUOTE_BUF	(QUOTE_MAX + 6)

struct field {
	const char *p;
	size_t len;
};

struct parser {
	struct sdp *s;
	unsigned int lineno;
	char *err;
	size_t errlen;
	bool have_o, have_s, have_t;
};

static void __attribute__((format(printf, 4, 5)))
set_err(char *err, size_t errlen, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return;
	n = snprintf(err, errlen, "line %u: ", line);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

#define perr(ps, ...) \
	(set_err((ps)->err, (ps)->errlen, (ps)->lineno, __VA_ARGS__), -1)

/*
 * A piece of input for a message, quoted: at most QUOTE_MAX bytes, and
 * anything but printable ASCII shown as '?' so a message stays one line.
 */
static const char *quote(char buf[QUOTE_BUF], const struct field *f)
{
	size_t n = f->len > QUOTE_MAX ? QUOTE_MAX : f->len, i, o = 0;

	buf[o++] = '"';
	for (i = 0; i < n; i++)
		buf[o++] = f->p[i] > 0x20 && f->p[i] < 0x7f ? f->p[i] : '?';
	if (n < f->len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* The next field separated by SP or TAB; false when there is none. */
static bool next_field(const char **p, const char *end, struct field *f)
{
	const char *s = *p;

	while (s < end && is_wsp(*s))
		s++;
	if (s == end)
		return false;
	f->p = s;
	while (s < end && !is_wsp(*s))
		s++;
	f->len = (size_t)(s - f->p);
	*p = s;
	return true;
}

static bool field_is(const struct field *f, const char *s)
{
	return f->len == strlen(s) && !memcmp(f->p, s, f->len);
}

/* 1*DIGIT, at most @max; leading zeros are tolerated. */
static int parse_uint(const char *s, size_t len, unsigned int max,
		      unsigned int *out)
{
	unsigned long v = 0;
	size_t i;

	if (!len)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > max)
			return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

/* token-char of RFC 4566 section 9: VCHAR but "(),/:;<=>?@[\] */
static bool is_token_char(char c)
{
	return c > 0x20 && c < 0x7f && !strchr("\"(),/:;<=>?@[\\]", c);
}

static bool is_token(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++)
		if (!is_token_char(s[i]))
			return false;
	return true;
}

/* proto = token *("/" token) */
static bool is_proto(const char *s, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '/')
			continue;
		if (!is_token(s + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

/*
 * A host name of letters, digits, '-' and '.', labels of 1-63 characters
 * that neither start nor end with '-', an optional final '.' (an FQDN as
 * written).  The last label must not be all digits: "1.2.3.999" is a bad
 * IPv4 address, not a name.
 */
static bool is_hostname(const char *s, size_t len)
{
	size_t i, label = 0;
	bool digits_only = true;

	if (len && s[len - 1] == '.')
		len--;
	if (!len || len > 253)
		return false;
	for (i = 0; i <= len; i++) {
		char c = i < len ? s[i] : '.';

		if (c == '.') {
			if (!label || s[i - 1] == '-')
				return false;
			if (i == len && digits_only)
				return false;
			label = 0;
			digits_only = true;
			continue;
		}
		if (c == '-' && !label)
			return false;
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '-')
			return false;
		if (c < '0' || c > '9')
			digits_only = false;
		if (++label > 63)
			return false;
	}
	return true;
}

/*
 * nettype addrtype connection-address, of a c= line or an a=rtcp (RFC 4566
 * 5.7): "IN IP4 addr[/ttl[/n]]" or "IN IP6 addr[/n]".  The address is an
 * IP literal of the family or a name.  Returns NULL, or what is wrong.
 */
static const char *parse_conn_fields(const struct field *net,
				     const struct field *type,
				     const struct field *addr,
				     struct sdp_conn *out)
{
	char buf[SDP_ADDR_MAX];
	unsigned char bin[16];
	const char *slash = memchr(addr->p, '/', addr->len);
	size_t alen = slash ? (size_t)(slash - addr->p) : addr->len;
	unsigned int v;
	int family;

	if (!field_is(net, "IN"))
		return "network type is not IN";
	if (field_is(type, "IP4"))
		family = AF_INET;
	else if (field_is(type, "IP6"))
		family = AF_INET6;
	else
		return "address type is not IP4 or IP6";
	if (!alen || alen >= sizeof(buf))
		return "address is empty or too long";
	memcpy(buf, addr->p, alen);
	buf[alen] = '\0';
	if (inet_pton(family, buf, bin) != 1 && !is_hostname(buf, alen))
		return family == AF_INET ? "not an IPv4 address or a host name" :
					   "not an IPv6 address or a host name";
	if (slash) {
		const char *end = addr->p + addr->len, *s = slash + 1;
		const char *slash2 = memchr(s, '/', (size_t)(end - s));

		/* IPv4: /ttl[/number]; IPv6: /number */
		if (family == AF_INET) {
			if (parse_uint(s, (size_t)((slash2 ? slash2 : end) - s),
				       255, &v))
				return "TTL is not a number 0-255";
			s = slash2 ? slash2 + 1 : NULL;
		} else if (slash2) {
			return "IPv6 address takes no TTL";
		}
		if (s && (parse_uint(s, (size_t)(end - s), 65535, &v) || !v))
			return "address count is not a number 1-65535";
	}
	if (out) {
		out->family = family;
		memcpy(out->addr, buf, alen + 1);
	}
	return NULL;
}

static const char *parse_conn(const char *v, struct sdp_conn *out)
{
	const char *p = v, *end = v + strlen(v);
	struct field f[4];

	if (!next_field(&p, end, &f[0]) || !next_field(&p, end, &f[1]) ||
	    !next_field(&p, end, &f[2]))
		return "needs network type, address type and address";
	if (next_field(&p, end, &f[3]))
		return "has more than three fields";
	return parse_conn_fields(&f[0], &f[1], &f[2], out);
}

/* a=rtcp:port [nettype addrtype connection-address] (RFC 3605) */
static const char *parse_rtcp(const char *v, unsigned int *port,
			      struct sdp_conn *conn, bool *has_addr)
{
	const char *p = v, *end = v + strlen(v);
	struct field f[5];
	size_t n = 0;

	while (n < 5 && next_field(&p, end, &f[n]))
		n++;
	if (n != 1 && n != 4)
		return "needs a port, optionally followed by IN, IP4/IP6 and an address";
	if (parse_uint(f[0].p, f[0].len, 65535, port))
		return "port is not a number 0-65535";
	*has_addr = n == 4;
	return n == 4 ? parse_conn_fields(&f[1], &f[2], &f[3], conn) : NULL;
}

/* The value of attribute @name in @attr ("name" or "name:value"), or NULL. */
static const char *attr_match(const char *attr, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(attr, name, n))
		return NULL;
	if (attr[n] == '\0')
		return attr + n;
	if (attr[n] == ':')
		return attr + n + 1;
	return NULL;
}

static const char *attr_value(const struct sdp_line *l, const char *name)
{
	return l->type == 'a' ? attr_match(l->value, name) : NULL;
}

static int lines_add(struct sdp_lines *l, char type, const char *v, size_t n)
{
	char *copy;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct sdp_line *nv = reallocarray(l->v, cap, sizeof(*nv));

		if (!nv)
			return -1;
		l->v = nv;
		l->cap = cap;
	}
	copy = malloc(n + 1);
	if (!copy)
		return -1;
	memcpy(copy, v, n);
	copy[n] = '\0';
	l->v[l->n].type = type;
	l->v[l->n].value = copy;
	l->n++;
	return 0;
}

static void lines_free(struct sdp_lines *l)
{
	size_t i;

	/* a=crypto lines carry inline keys: nothing is freed unwiped */
	for (i = 0; i < l->n; i++) {
		explicit_bzero(l->v[i].value, strlen(l->v[i].value));
		free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * struct sdp has no capacity field, so the media array grows to the next
 * power of two (at least 4) whenever nmedia reaches one: amortised O(1)
 * appends with the capacity implied by nmedia.  A caller that shrinks
 * nmedia keeps this true, as the implied capacity only grows with nmedia.
 */
static struct sdp_media *media_append(struct sdp *s)
{
	size_t n = s->nmedia;

	if (n == 0 || (n >= 4 && !(n & (n - 1)))) {
		struct sdp_media *nm = reallocarray(s->media, n ? n * 2 : 4,
						    sizeof(*nm));

		if (!nm)
			return NULL;
		s->media = nm;
	}
	memset(&s->media[n], 0, sizeof(s->media[n]));
	s->media[n].nports = 1;
	s->nmedia++;
	return &s->media[n];
}

static void media_free(struct sdp_media *m)
{
	lines_free(&m->lines);
	free(m->fmts);
	m->fmts = NULL;
}

void sdp_init(struct sdp *s)
{
	memset(s, 0, sizeof(*s));
}

void sdp_free(struct sdp *s)
{
	size_t i;

	lines_free(&s->lines);
	for (i = 0; i < s->nmedia; i++)
		media_free(&s->media[i]);
	free(s->media);
	sdp_init(s);
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... */
static int parse_mline(struct parser *ps, const char *v, size_t n,
		       struct sdp_media *m)
{
	const char *p = v, *end = v + n, *slash;
	struct field media, port, proto, f;
	struct strbuf fmts = { 0 };
	char q[QUOTE_BUF];
	size_t plen;

	if (!next_field(&p, end, &media) || !next_field(&p, end, &port) ||
	    !next_field(&p, end, &proto))
		return perr(ps, "m= needs media, port, proto and at least one format");
	if (!is_token(media.p, media.len) || media.len >= sizeof(m->media))
		return perr(ps, "m= media %s is not a token of at most %zu characters",
			    quote(q, &media), sizeof(m->media) - 1);
	slash = memchr(port.p, '/', port.len);
	plen = slash ? (size_t)(slash - port.p) : port.len;
	if (parse_uint(port.p, plen, 65535, &m->port))
		return perr(ps, "m= port %s is not a number 0-65535",
			    quote(q, &port));
	if (slash && (parse_uint(slash + 1, port.len - plen - 1, 65535,
				 &m->nports) || !m->nports))
		return perr(ps, "m= number of ports in %s is not 1-65535",
			    quote(q, &port));
	if (!is_proto(proto.p, proto.len) || proto.len >= sizeof(m->proto))
		return perr(ps, "m= proto %s is not token/token... of at most %zu characters",
			    quote(q, &proto), sizeof(m->proto) - 1);
	memcpy(m->media, media.p, media.len);
	memcpy(m->proto, proto.p, proto.len);

	/* The formats, rejoined with single spaces. */
	while (next_field(&p, end, &f)) {
		if (!is_token(f.p, f.len)) {
			strbuf_free(&fmts);
			return perr(ps, "m= format %s is not a token",
				    quote(q, &f));
		}
		if (fmts.len)
			strbuf_put(&fmts, " ", 1);
		strbuf_put(&fmts, f.p, f.len);
	}
	if (fmts.oom) {
		strbuf_free(&fmts);
		return perr(ps, "out of memory");
	}
	if (!fmts.len)
		return perr(ps, "m= needs media, port, proto and at least one format");
	m->fmts = fmts.p;
	return 0;
}

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address> */
static int check_origin(struct parser *ps, const char *v)
{
	const char *p = v, *end = v + strlen(v);
	struct field f;
	unsigned int nf = 0;

	while (next_field(&p, end, &f))
		nf++;
	if (nf != 6)
		return perr(ps, "o= has %u fields, needs 6 (username, session id, version, nettype, addrtype, address)",
			    nf);
	return 0;
}

static int check_session(struct parser *ps)
{
	if (!ps->have_o)
		return perr(ps, "the session section has no o= line");
	if (!ps->have_s)
		return perr(ps, "the session section has no s= line");
	if (!ps->have_t)
		return perr(ps, "the session section has no t= line");
	return 0;
}

static int start_media(struct parser *ps, const char *v, size_t n)
{
	struct sdp_media *m;

	if (!ps->s->nmedia && check_session(ps))
		return -1;
	m = media_append(ps->s);
	if (!m)
		return perr(ps, "out of memory");
	return parse_mline(ps, v, n, m);
}

static int check_line(struct parser *ps, char type, const char *value)
{
	bool session = !ps->s->nmedia;
	const char *why, *a;
	struct sdp_conn c;
	unsigned int port;
	bool has_addr;

	switch (type) {
	case 'c':
		why = parse_conn(value, &c);
		if (why)
			return perr(ps, "c= %s", why);
		break;
	case 'o':
		if (session && check_origin(ps, value))
			return -1;
		ps->have_o |= session;
		break;
	case 's':
		ps->have_s |= session;
		break;
	case 't':
		ps->have_t |= session;
		break;
	case 'a':
		a = attr_match(value, "rtcp");
		if (!session && a) {
			why = parse_rtcp(a, &port, &c, &has_addr);
			if (why)
				return perr(ps, "a=rtcp %s", why);
		}
		break;
	}
	return 0;
}

static int parse_line(struct parser *ps, const char *l, size_t n)
{
	struct sdp_lines *lines;
	const char *cr;

	if (ps->lineno == 1 && (n != 3 || memcmp(l, "v=0", 3)))
		return perr(ps, "a description starts with v=0");
	if (memchr(l, '\0', n))
		return perr(ps, "NUL byte");
	cr = memchr(l, '\r', n);
	if (cr)
		return perr(ps, "carriage return at column %zu not followed by a line feed",
			    (size_t)(cr - l) + 1);
	if (n < 2 || l[0] < 'a' || l[0] > 'z' || l[1] != '=')
		return perr(ps, "not of the form x=value with x a lowercase letter");
	if (l[0] == 'm')
		return start_media(ps, l + 2, n - 2);

	lines = ps->s->nmedia ? &ps->s->media[ps->s->nmedia - 1].lines :
				&ps->s->lines;
	if (lines_add(lines, l[0], l + 2, n - 2))
		return perr(ps, "out of memory");
	return check_line(ps, l[0], lines->v[lines->n - 1].value);
}

static int parse_lines(struct parser *ps, const char *text, size_t len)
{
	size_t pos = 0;

	if (!len) {
		ps->lineno = 1;
		return perr(ps, "empty description; a description starts with v=0");
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t next = nl ? end + 1 : len;

		ps->lineno++;
		if (end > pos && text[end - 1] == '\r')
			end--;
		if (parse_line(ps, text + pos, end - pos))
			return -1;
		pos = next;
	}
	return ps->s->nmedia ? 0 : check_session(ps);
}

int sdp_parse(const char *text, size_t len, struct sdp *out, char *err,
	      size_t errlen)
{
	struct parser ps = { .s = out, .err = err, .errlen = errlen };

	sdp_init(out);
	if (len > SDP_MAX_LEN) {
		const char *p = text, *end = text + SDP_MAX_LEN;

		/* Name the line where the limit falls. */
		ps.lineno = 1;
		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			ps.lineno++;
			p++;
		}
		return perr(&ps, "description longer than %d bytes",
			    SDP_MAX_LEN);
	}
	if (parse_lines(&ps, text, len)) {
		sdp_free(out);
		return -1;
	}
	return 0;
}

static void format_lines(struct strbuf *b, const struct sdp_lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		char head[2] = { l->v[i].type, '=' };

		strbuf_put(b, head, 2);
		strbuf_str(b, l->v[i].value);
		strbuf_put(b, "\r\n", 2);
	}
}

char *sdp_format(const struct sdp *s)
{
	struct strbuf b = { 0 };
	char num[32];
	size_t i;

	format_lines(&b, &s->lines);
	for (i = 0; i < s->nmedia; i++) {
		const struct sdp_media *m = &s->media[i];

		strbuf_str(&b, "m=");
		strbuf_str(&b, m->media);
		if (m->nports > 1)
			snprintf(num, sizeof(num), " %u/%u", m->port,
				 m->nports);
		else
			snprintf(num, sizeof(num), " %u", m->port);
		strbuf_str(&b, num);
		strbuf_put(&b, " ", 1);
		strbuf_str(&b, m->proto);
		if (m->fmts && *m->fmts) {
			strbuf_put(&b, " ", 1);
			strbuf_str(&b, m->fmts);
		}
		strbuf_put(&b, "\r\n", 2);
		format_lines(&b, &m->lines);
	}
	/* An empty description is still a string. */
	strbuf_put(&b, "", 0);
	if (b.oom) {
		strbuf_free(&b);
		return NULL;
	}
	return b.p;
}

/*
 * A line added by hand must survive sdp_format() and a new sdp_parse():
 * a lowercase type other than m (sdp_add_media() makes those), no CR, LF
 * or NUL in the value.
 */
static bool line_ok(char type, const char *value)
{
	return type >= 'a' && type <= 'z' && type != 'm' && value &&
	       !strpbrk(value, "\r\n");
}

int sdp_add_line(struct sdp *s, char type, const char *value)
{
	if (!line_ok(type, value))
		return -1;
	return lines_add(&s->lines, type, value, strlen(value));
}

int sdp_media_add_line(struct sdp_media *m, char type, const char *value)
{
	if (!line_ok(type, value))
		return -1;
	return lines_add(&m->lines, type, value, strlen(value));
}

int sdp_media_insert_line(struct sdp_media *m, size_t at, char type,
			  const char *value)
{
	struct sdp_lines *l = &m->lines;
	struct sdp_line ln;

	if (!line_ok(type, value) || at > l->n)
		return -1;
	if (lines_add(l, type, value, strlen(value)))
		return -1;
	ln = l->v[l->n - 1];
	memmove(&l->v[at + 1], &l->v[at], (l->n - 1 - at) * sizeof(*l->v));
	l->v[at] = ln;
	return 0;
}

int sdp_line_set(struct sdp_line *ln, const char *value)
{
	char *copy;

	if (!line_ok(ln->type, value))
		return -1;
	copy = strdup(value);
	if (!copy)
		return -1;
	explicit_bzero(ln->value, strlen(ln->value));
	free(ln->value);
	ln->value = copy;
	return 0;
}

struct sdp_media *sdp_add_media(struct sdp *s, const char *media,
				unsigned int port, const char *proto,
				const char *fmts)
{
	struct sdp_media *m;
	char *f;

	if (!media || !proto || !fmts || !*fmts ||
	    strlen(media) >= sizeof(m->media) ||
	    strlen(proto) >= sizeof(m->proto) || port > 65535)
		return NULL;
	f = strdup(fmts);
	if (!f)
		return NULL;
	m = media_append(s);
	if (!m) {
		free(f);
		return NULL;
	}
	strcpy(m->media, media);
	strcpy(m->proto, proto);
	m->port = port;
	m->fmts = f;
	return m;
}

static const char *first_line(const struct sdp_lines *l, char type)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].type == type)
			return l->v[i].value;
	return NULL;
}

int sdp_media_conn(const struct sdp *s, const struct sdp_media *m,
		   struct sdp_conn *out)
{
	const char *c = m ? first_line(&m->lines, 'c') : NULL;
	struct sdp_conn tmp;

	if (!c && s)
		c = first_line(&s->lines, 'c');
	if (!c || parse_conn(c, &tmp))
		return -1;
	if (out)
		*out = tmp;
	return 0;
}

int sdp_media_rtcp(const struct sdp *s, const struct sdp_media *m,
		   unsigned int *port, struct sdp_conn *conn)
{
	struct sdp_conn mc = { 0 }, rc;
	unsigned int p;
	size_t pos = 0;
	const char *v = sdp_media_attr(m, "rtcp", &pos);
	bool has_addr;

	if (sdp_media_conn(s, m, &mc))
		memset(&mc, 0, sizeof(mc));
	if (!v) {
		p = m->port + 1;
	} else {
		if (parse_rtcp(v, &p, &rc, &has_addr))
			return -1;
		if (has_addr)
			mc = rc;
	}
	if (port)
		*port = p;
	if (conn)
		*conn = mc;
	return v ? 1 : 0;
}

const char *sdp_media_attr(const struct sdp_media *m, const char *name,
			   size_t *pos)
{
	size_t i;

	for (i = *pos; i < m->lines.n; i++) {
		const char *v = attr_value(&m->lines.v[i], name);

		if (v) {
			*pos = i + 1;
			return v;
		}
	}
	*pos = m->lines.n;
	return NULL;
}

bool sdp_media_has_attr(const struct sdp_media *m, const char *name)
{
	size_t pos = 0;

	return sdp_media_attr(m, name, &pos) != NULL;
}

size_t sdp_media_del_attr(struct sdp_media *m, const char *name)
{
	size_t i, o = 0, removed;

	for (i = 0; i < m->lines.n; i++) {
		if (attr_value(&m->lines.v[i], name))
			free(m->lines.v[i].value);
		else
			m->lines.v[o++] = m->lines.v[i];
	}
	removed = m->lines.n - o;
	m->lines.n = o;
	return removed;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* RTP/SAVP, RTP/SAVPF, and UDP/TLS/RTP/SAVP(F) which share the syntax. */
bool sdp_proto_is_secure(const char *proto)
{
	return proto &&
	       (ends_with(proto, "/SAVP") || ends_with(proto, "/SAVPF"));
}
