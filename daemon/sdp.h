/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sdp: the syntax of RFC 4566 session descriptions, with the RFC 3605
 * a=rtcp and RFC 5761 a=rtcp-mux attributes.  Syntax only: offers and
 * answers are negotiate.c's, what is acceptable is policy.c's.
 *
 * A parsed description keeps every line, in order, so that what this code
 * does not interpret is written back unchanged.  The m= line is the only
 * line held in parsed form (its fields can be edited); the others are held
 * as their type letter and value and interpreted on demand.
 */

#ifndef NFSRTP_SDP_H
#define NFSRTP_SDP_H

#include <stdbool.h>
#include <stddef.h>

#define SDP_MAX_LEN	65536	/* longest description sdp_parse() takes */
#define SDP_ADDR_MAX	256	/* an address as written: IPv4, IPv6 or FQDN */

/* One line, "x=value", without its line end. */
struct sdp_line {
	char type;
	char *value;
};

struct sdp_lines {
	struct sdp_line *v;
	size_t n;
	size_t cap;
};

/* A c= line (or the address of an a=rtcp). */
struct sdp_conn {
	int family;			/* AF_INET or AF_INET6 */
	char addr[SDP_ADDR_MAX];	/* unicast address or FQDN as written */
};

struct sdp_media {
	char media[32];		/* "audio", "video", ... */
	unsigned int port;	/* 0 = stream rejected or disabled */
	unsigned int nports;	/* 1 unless written "port/n" */
	char proto[32];		/* "RTP/AVP", "RTP/SAVP", ... */
	char *fmts;		/* format list as written, e.g. "0 8 18 101" */
	struct sdp_lines lines;	/* the lines after m=, in order */
};

struct sdp {
	struct sdp_lines lines;	/* session level: v= up to the first m= */
	struct sdp_media *media;
	size_t nmedia;
};

/*
 * Parses @len bytes of @text (CRLF or LF line ends).  Checks: v=0 first,
 * o=, s= and t= present at session level, every line "x=value" with x a
 * lowercase letter, m= and c= well formed (port 0..65535, IN IP4/IP6 with
 * a valid address or a name), a=rtcp well formed, at most SDP_MAX_LEN
 * bytes.  Returns 0, or -1 with "line N: message" in @err.
 */
int sdp_parse(const char *text, size_t len, struct sdp *out, char *err,
	      size_t errlen);

/* Writes @s with CRLF line ends; malloc'd, NUL-terminated; NULL on ENOMEM. */
char *sdp_format(const struct sdp *s);

void sdp_init(struct sdp *s);
void sdp_free(struct sdp *s);

/* Building: appends a line (copies @value); 0 or -1 on ENOMEM. */
int sdp_add_line(struct sdp *s, char type, const char *value);
int sdp_media_add_line(struct sdp_media *m, char type, const char *value);

/*
 * Inserts a line into @m's lines before index @at (@at == number of lines:
 * appends); replaces the value of one line.  0, or -1 on ENOMEM or a line
 * sdp_media_add_line() would refuse.
 */
int sdp_media_insert_line(struct sdp_media *m, size_t at, char type,
			  const char *value);
int sdp_line_set(struct sdp_line *ln, const char *value);

/* Appends an m= section; returns it (valid until the next add), or NULL. */
struct sdp_media *sdp_add_media(struct sdp *s, const char *media,
				unsigned int port, const char *proto,
				const char *fmts);

/*
 * The connection of @m: its own c= line, else the session's.  0, or -1
 * when there is none.
 */
int sdp_media_conn(const struct sdp *s, const struct sdp_media *m,
		   struct sdp_conn *out);

/*
 * The RTCP port and address of @m: a=rtcp (RFC 3605) when present (its
 * address, when not written, is the media's connection), else port + 1.
 * Returns 1 when a=rtcp was present, 0 when port + 1 was assumed, -1 when
 * the a=rtcp line is malformed.
 */
int sdp_media_rtcp(const struct sdp *s, const struct sdp_media *m,
		   unsigned int *port, struct sdp_conn *conn);

/*
 * Attribute lookup: the value of the next a=@name or a=@name:value line
 * of @m at or after *@pos ("" for a flag attribute such as rtcp-mux), with
 * *@pos set past it; NULL when there is no more.  Start with *@pos = 0.
 */
const char *sdp_media_attr(const struct sdp_media *m, const char *name,
			   size_t *pos);
bool sdp_media_has_attr(const struct sdp_media *m, const char *name);

/* Removes every a=@name[:...] line of @m; returns how many. */
size_t sdp_media_del_attr(struct sdp_media *m, const char *name);

/* True when @proto is a secure RTP profile (RTP/SAVP, RTP/SAVPF). */
bool sdp_proto_is_secure(const char *proto);

#endif /* NFSRTP_SDP_H */
