/* SPDX-License-Identifier: GPL-2.0 */
/*
 * control: srtpd's control protocol, spoken over a Unix SOCK_SEQPACKET
 * socket by the local SIP component (one message per request, reply or
 * event; see Documentation/srtpd.8).  A message is text:
 *
 *   VERB                        request: OFFER, ANSWER, COMPLETE, DELETE,
 *   Call-ID: a84b4c76e66710     LIST, PING, SUBSCRIBE
 *   Media: 192.0.2.10:2230
 *   Model: IP_601
 *   Received-From: 192.0.2.77   where the body's SIP message came from
 *
 *   v=0 ...                     the body (SDP), after one empty line
 *
 * Replies start with "CODE PHRASE" (200 OK, 400 Bad Request, 403
 * Forbidden, 404 No Such Call, 488 Not Acceptable Here, 500 Server Error)
 * and carry Reason: on
 * failure; events start with "EVENT NAME".  Header names are
 * case-insensitive; lines end in LF (CRLF accepted).
 */

#ifndef NFSRTP_CONTROL_H
#define NFSRTP_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "call.h"

#define CTL_MSG_MAX	(65536 + 4096)	/* an SDP and its headers */

enum ctl_verb {
	CTL_PING,
	CTL_OFFER,		/* Call-ID, Media: our offer for a new call */
	CTL_ANSWER,		/* Call-ID, Media, body: their offer */
	CTL_COMPLETE,		/* Call-ID, body: their answer to our offer */
	CTL_DELETE,		/* Call-ID */
	CTL_LIST,
	CTL_SUBSCRIBE,		/* this connection receives events */
};

struct ctl_request {
	enum ctl_verb verb;
	char call_id[CALL_ID_MAX];
	char media[300];	/* "ADDR:PORT" or "[ADDR]:PORT"; "" if absent */
	char model[32];		/* "" if absent */
	struct sdp_conn from;	/* Received-From; family 0 if absent */
	const char *body;	/* points into the message; NULL if none */
	size_t body_len;
};

/*
 * Parses request @msg of @len bytes.  0, or -1 with @err: unknown verb, a
 * header missing for the verb, a malformed or oversized header, a body
 * where none belongs.  Unknown headers are ignored.
 */
int ctl_parse(const char *msg, size_t len, struct ctl_request *r, char *err,
	      size_t errlen);

/*
 * Builds a reply (or, with @code 0, an "EVENT @phrase" message): @headers
 * is "" or lines each ending in '\n', @body may be NULL.  malloc'd, NULL
 * on ENOMEM; *@len is its length.
 */
char *ctl_message(int code, const char *phrase, const char *headers,
		  const char *body, size_t *len);

/* "192.0.2.10:2230" / "[2001:db8::1]:2230" into @l; 0 or -1. */
int ctl_parse_media(const char *text, struct neg_local *l);

#endif /* NFSRTP_CONTROL_H */
