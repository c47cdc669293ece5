// SPDX-License-Identifier: GPL-2.0
/*
 * control: the srtpd control protocol's messages.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "control.h"
#include "errmsg.h"

static const struct {
	const char *name;
	enum ctl_verb verb;
	bool call_id;		/* Call-ID: required */
	bool media;		/* Media: required */
	bool body;		/* a body required (else forbidden) */
} verbs[] = {
	{ "PING", CTL_PING, false, false, false },
	{ "OFFER", CTL_OFFER, true, true, false },
	{ "ANSWER", CTL_ANSWER, true, true, true },
	{ "COMPLETE", CTL_COMPLETE, true, false, true },
	{ "DELETE", CTL_DELETE, true, false, false },
	{ "LIST", CTL_LIST, false, false, false },
	{ "SUBSCRIBE", CTL_SUBSCRIBE, false, false, false },
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

/* The next line of [*p, end): its length without the line end. */
static const char *next_line(const char **p, const char *end, size_t *len)
{
	const char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));
	const char *stop = nl ? nl : end;

	*p = nl ? nl + 1 : end;
	if (stop > line && stop[-1] == '\r')
		stop--;
	*len = (size_t)(stop - line);
	return line;
}

static bool printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return false;
	return true;
}

static int copy_value(char *dst, size_t size, const char *v, size_t len,
		      const char *name, char *err, size_t errlen)
{
	if (!len || len >= size || !printable(v, len)) {
		errmsg_set(err, errlen, "%s: %s", name,
			!len ? "empty" : len >= size ? "too long" :
			"control characters");
		return -1;
	}
	memcpy(dst, v, len);
	dst[len] = '\0';
	return 0;
}

/* "Received-From: ADDR", a literal IPv4 or IPv6 address (no brackets). */
static int received_from(struct sdp_conn *from, const char *v, size_t len,
			 char *err, size_t errlen)
{
	unsigned char a[16];

	if (copy_value(from->addr, sizeof(from->addr), v, len,
		       "Received-From", err, errlen))
		return -1;
	from->family = memchr(v, ':', len) ? AF_INET6 : AF_INET;
	if (inet_pton(from->family, from->addr, a) != 1) {
		errmsg_set(err, errlen,
			"Received-From: \"%s\" is not a literal IPv4 or IPv6 address",
			from->addr);
		return -1;
	}
	return 0;
}

static int header(struct ctl_request *r, const char *line, size_t len,
		  char *err, size_t errlen)
{
	const char *colon = memchr(line, ':', len), *v;
	size_t nlen, vlen;

	if (!colon || colon == line) {
		errmsg_set(err, errlen, "malformed header line (NAME: VALUE)");
		return -1;
	}
	nlen = (size_t)(colon - line);
	v = colon + 1;
	vlen = len - nlen - 1;
	while (vlen && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (nlen == 7 && !strncasecmp(line, "Call-ID", 7))
		return copy_value(r->call_id, sizeof(r->call_id), v, vlen,
				  "Call-ID", err, errlen);
	if (nlen == 5 && !strncasecmp(line, "Media", 5))
		return copy_value(r->media, sizeof(r->media), v, vlen, "Media",
				  err, errlen);
	if (nlen == 5 && !strncasecmp(line, "Model", 5))
		return copy_value(r->model, sizeof(r->model), v, vlen, "Model",
				  err, errlen);
	if (nlen == 13 && !strncasecmp(line, "Received-From", 13))
		return received_from(&r->from, v, vlen, err, errlen);
	return 0;	/* unknown headers are for newer clients */
}

int ctl_parse(const char *msg, size_t len, struct ctl_request *r, char *err,
	      size_t errlen)
{
	const char *p = msg, *end = msg + len, *line;
	size_t n, i;

	memset(r, 0, sizeof(*r));
	if (len > CTL_MSG_MAX) {
		errmsg_set(err, errlen, "message longer than %d bytes", CTL_MSG_MAX);
		return -1;
	}
	line = next_line(&p, end, &n);
	for (i = 0; i < NVERBS; i++)
		if (strlen(verbs[i].name) == n && !memcmp(line, verbs[i].name, n))
			break;
	if (i == NVERBS) {
		errmsg_set(err, errlen, "unknown request \"%.*s\"",
			(int)(n > 20 ? 20 : n), printable(line, n) ? line : "?");
		return -1;
	}
	r->verb = verbs[i].verb;
	while (p < end) {
		line = next_line(&p, end, &n);
		if (!n)
			break;
		if (header(r, line, n, err, errlen))
			return -1;
	}
	if (p < end) {
		r->body = p;
		r->body_len = (size_t)(end - p);
	}
	if (verbs[i].call_id && !r->call_id[0]) {
		errmsg_set(err, errlen, "%s needs a Call-ID header", verbs[i].name);
		return -1;
	}
	if (verbs[i].media && !r->media[0]) {
		errmsg_set(err, errlen, "%s needs a Media header", verbs[i].name);
		return -1;
	}
	if (verbs[i].body != (r->body != NULL)) {
		errmsg_set(err, errlen, verbs[i].body ? "%s needs an SDP body" :
			"%s takes no body", verbs[i].name);
		return -1;
	}
	return 0;
}

char *ctl_message(int code, const char *phrase, const char *headers,
		  const char *body, size_t *len)
{
	size_t blen = body ? strlen(body) : 0;
	size_t size = strlen(phrase) + strlen(headers) + blen + 32;
	char *msg = malloc(size);
	int n;

	if (!msg)
		return NULL;
	if (code)
		n = snprintf(msg, size, "%d %s\n%s\n", code, phrase, headers);
	else
		n = snprintf(msg, size, "EVENT %s\n%s\n", phrase, headers);
	if (n < 0 || (size_t)n >= size) {
		free(msg);
		return NULL;
	}
	if (blen)
		memcpy(msg + n, body, blen + 1);
	*len = (size_t)n + blen;
	return msg;
}

int ctl_parse_media(const char *text, struct neg_local *l)
{
	const char *colon, *host = text;
	unsigned char buf[16];
	unsigned long port;
	size_t hlen;
	char *end;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || close[1] != ':')
			return -1;
		host = text + 1;
		hlen = (size_t)(close - host);
		colon = close + 1;
		l->conn.family = AF_INET6;
	} else {
		colon = strrchr(text, ':');
		if (!colon)
			return -1;
		hlen = (size_t)(colon - text);
		l->conn.family = AF_INET;
	}
	if (!hlen || hlen >= sizeof(l->conn.addr))
		return -1;
	memcpy(l->conn.addr, host, hlen);
	l->conn.addr[hlen] = '\0';
	if (inet_pton(l->conn.family, l->conn.addr, buf) != 1)
		return -1;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	/* below 65535: RTCP takes port + 1 */
	if (errno || *end || !colon[1] || colon[1] == '-' || colon[1] == '+' ||
	    port < 1 || port > 65534)
		return -1;
	l->port = (unsigned int)port;
	return 0;
}
