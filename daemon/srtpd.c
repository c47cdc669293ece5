// SPDX-License-Identifier: GPL-2.0
/*
 * srtpd: the SRTP policy daemon.  Reads the sec.srtp.* configuration,
 * negotiates the SDP of calls for a local SIP component over its control
 * socket, installs the calls' streams in nf_srtp and re-keys them when the
 * kernel reports a soft lifetime limit.  See Documentation/srtpd.8.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#include "call.h"
#include "config.h"
#include "control.h"
#include "lib/nfsrtp.h"
#include "metrics.h"
#include "natmap.h"
#include "ng.h"
#include "policy.h"

#define DEFAULT_SOCKET	"/run/srtpd.sock"
#define DEFAULT_NG_ADDR	"127.0.0.1"
#define DEFAULT_STATE	"/run/srtpd.ng-state"
#define MAX_CLIENTS	64
#define MAX_CONFIGS	16
#define MAX_NG_ALLOW	32
#define NG_REFUSED_LOG_SECS	10	/* at most one line per that many s */
#define FIRST_CLIENT	6	/* poll slots: signals, listen, events, ng, metrics,
				 * srtpd's own relays */
#define METRICS_CONNECTIONS	16	/* --metrics: scrapes at a time */

struct client {
	int fd;
	bool subscribed;
};

struct srtpd {
	const char *configs[MAX_CONFIGS];
	unsigned int nconfigs;
	const char *model;
	const char *socket_path;
	const char *ng_listen;	/* [ADDR:]PORT, or NULL: no ng */
	const char *state_path;
	struct media_net ng_allow[MAX_NG_ALLOW];	/* who may send ng requests */
	unsigned int nng_allow;			/* 0: loopback only */
	unsigned long ng_refused;		/* requests from others */
	unsigned long ng_refused_logged;
	time_t ng_refused_when;			/* CLOCK_MONOTONIC */
	bool use_syslog;
	const char *user;	/* --user: NAME or UID:GID, or NULL */
	uid_t uid;
	gid_t gid;
	bool started;		/* set up, state saved: a stop cleans up */
	struct srtp_config cfg;
	struct nfsrtp *nl;	/* requests */
	struct nfsrtp *ev;	/* the events group */
	struct calls table;	/* every call, of both front ends */
	struct call_table calls;	/* the control socket's */
	struct ng ng;
	struct ng_trust trust;	/* from the command line */
	struct call_limits limits;	/* from the command line */
	/* --interface: ng's calls are anchored (nganchor.h) */
	struct ng_anchoring anchor;
	unsigned int port_min, port_max;	/* the router's media ports */
	struct natmap natmap;
	unsigned long ng_saved;	/* ng.generation last written */
	int ng_fd;
	const char *metrics_listen;	/* --metrics [ADDR:]PORT, or NULL */
	struct MHD_Daemon *mhd;
	int metrics_fd;			/* its epoll fd, or -1 */
	unsigned long events[__NF_SRTP_EVENT_MAX];	/* kernel events read */
	unsigned long events_lost;	/* overruns of the events socket */
	unsigned long reloads, reload_errors;
	int listen_fd;
	int signal_fd;
	int events_fd;
	struct client clients[MAX_CLIENTS];
	unsigned int nclients;
	bool stop;
};

static bool log_to_syslog;
static bool log_to_journal;	/* standard error is the journal's stream */

/*
 * Under systemd, standard error is a stream to the journal, which
 * $JOURNAL_STREAM names (device:inode): srtpd then logs to the journal
 * itself, with the priority and, for a call's lines, CALL_ID= as fields
 * of their own.  Started otherwise (a shell, a pipe), the variable is
 * absent or names another file, and lines go to standard error.
 */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st))
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

/* A line of the log, about call @call_id ("" or NULL: none). */
static void vlog(int prio, const char *call_id, const char *fmt, va_list ap)
{
	char line[1024];

	if (log_to_syslog) {
		vsyslog(prio, fmt, ap);
		return;
	}
	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_to_journal &&
	    !(call_id && *call_id ?
	      sd_journal_send("MESSAGE=%s", line, "PRIORITY=%d", prio,
			      "SYSLOG_IDENTIFIER=srtpd", "CALL_ID=%s", call_id,
			      NULL) :
	      sd_journal_send("MESSAGE=%s", line, "PRIORITY=%d", prio,
			      "SYSLOG_IDENTIFIER=srtpd", NULL)))
		return;
	/* not under systemd, or the journal refused it: standard error */
	fprintf(stderr, "srtpd: %s\n", line);
}

static void logmsg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void logcall(int prio, const char *call_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, NULL, fmt, ap);
	va_end(ap);
}

static void logcall(int prio, const char *call_id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(prio, call_id, fmt, ap);
	va_end(ap);
}

/* ---- configuration ---- */

/*
 * Every other model the configuration cannot run for (require=1 where a
 * model has no SRTP, ...): a call naming it will be refused, which the
 * operator learns now rather than from the first such call.
 */
static void note_models(const struct srtp_config *c)
{
	const struct policy_model *m;
	struct srtp_policy p;
	char why[512];
	size_t i;

	for (i = 0; (m = policy_model_at(i)); i++)
		if (policy_build(c, m->name, &p, why, sizeof(why)))
			logmsg(LOG_NOTICE, "note: no call of the %s (%s) can go under this configuration: %s",
			       m->product, m->name, why);
}

/*
 * Loads every file into a new configuration and checks that the default
 * model's policy can run; the old one stays on any error.
 */
static int load_config(struct srtpd *d, bool initial)
{
	struct srtp_config c;
	struct srtp_policy p;
	char err[512];
	unsigned int i;
	size_t w;

	config_init(&c);
	for (i = 0; i < d->nconfigs; i++) {
		if (config_load(&c, d->configs[i], err, sizeof(err)))
			goto fail;
	}
	if (policy_build(&c, d->model, &p, err, sizeof(err)))
		goto fail;
	for (w = 0; w < c.nwarnings; w++)
		logmsg(LOG_WARNING, "warning: %s", c.warnings[w]);
	if (p.note[0])
		logmsg(LOG_NOTICE, "note: %s", p.note);
	note_models(&c);
	if (!initial)
		config_free(&d->cfg);
	d->cfg = c;
	logmsg(LOG_INFO, "%s %u configuration file(s); model %s: SRTP %s, offer %s, require %s",
	       initial ? "loaded" : "reloaded", d->nconfigs, p.model->name,
	       p.srtp ? "on" : "off", p.offer ? "on" : "off",
	       p.require ? "on" : "off");
	return 0;
fail:
	logmsg(LOG_ERR, "%s%s", initial ? "" :
	       "configuration not reloaded, the previous one stays: ", err);
	config_free(&c);
	return -1;
}

/* ---- the kernel, for call.c ---- */

static int k_add(void *arg, const struct nfsrtp_stream *s, uint32_t *id,
		 char *err, size_t errlen)
{
	struct srtpd *d = arg;
	int rc = nfsrtp_stream_add(d->nl, s, id);

	if (rc)
		snprintf(err, errlen, "%s", nfsrtp_last_error(d->nl));
	return rc;
}

static int k_del(void *arg, uint32_t id)
{
	struct srtpd *d = arg;
	int rc = nfsrtp_stream_del(d->nl, id);

	if (rc && rc != -ENOENT)
		logmsg(LOG_WARNING, "removing stream %u: %s", id,
		       nfsrtp_last_error(d->nl));
	return rc;
}

static int k_update(void *arg, const struct nfsrtp_stream_update *u,
		    char *err, size_t errlen)
{
	struct srtpd *d = arg;
	int rc = nfsrtp_stream_set(d->nl, u);

	if (rc)
		snprintf(err, errlen, "%s", nfsrtp_last_error(d->nl));
	return rc;
}

static void ng_logline(void *arg, const char *call_id, const char *line)
{
	(void)arg;
	logcall(LOG_INFO, call_id, "ng %s", line);
}

static int k_get(void *arg, uint32_t id, struct nfsrtp_stream *out)
{
	struct srtpd *d = arg;

	return nfsrtp_stream_get(d->nl, id, out);
}

/* A failed start leaves the recovered calls' streams in place. */
static int k_keep(void *arg, uint32_t id)
{
	(void)arg;
	(void)id;
	return 0;
}

static bool k_exists(void *arg, uint32_t id)
{
	struct nfsrtp_stream *s = calloc(1, sizeof(*s));
	bool found = s && !k_get(arg, id, s);

	free(s);
	return found;
}

/* ---- the ng socket (SIP proxies) ---- */

/* "[ADDR:]PORT", IPv6 as "[ADDR]:PORT"; ADDR defaults to loopback. */
static int ng_address(const char *text, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 2] = DEFAULT_NG_ADDR;
	const char *port = text, *colon = strrchr(text, ':');
	unsigned long p;
	char *end;

	memset(ss, 0, sizeof(*ss));
	if (colon) {
		size_t hl = (size_t)(colon - text);

		if (text[0] == '[' && hl > 2 && text[hl - 1] == ']') {
			text++;
			hl -= 2;
		}
		if (!hl || hl >= sizeof(host))
			return -1;
		memcpy(host, text, hl);
		host[hl] = '\0';
		port = colon + 1;
	}
	errno = 0;
	p = strtoul(port, &end, 10);
	if (errno || *end || !*port || *port == '-' || !p || p > 65535)
		return -1;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*s6);
		return 0;
	}
	return -1;
}

/* The default of --ng-allow. */
static const struct media_net loopback_nets[] = {
	{ .family = AF_INET, .addr = { 127 }, .prefix = 8 },
	{ .family = AF_INET6, .addr = { [15] = 1 }, .prefix = 128 },
};

/* Whether @ss is in @nets; an IPv4-mapped IPv6 address is IPv4. */
static bool in_nets(const struct media_net *nets, unsigned int count,
		    const struct sockaddr_storage *ss)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	const uint8_t *a;
	int family = ss->ss_family;
	unsigned int i;

	if (family == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr;
	} else if (family == AF_INET6) {
		a = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
		if (!memcmp(a, mapped, sizeof(mapped))) {
			family = AF_INET;
			a += 12;
		}
	} else {
		return false;
	}
	for (i = 0; i < count; i++)
		if (media_net_has(&nets[i], family, a))
			return true;
	return false;
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
	return in_nets(loopback_nets, 2, ss);
}

/* Whether @ss may send ng requests: --ng-allow, or loopback. */
static bool ng_allowed(const struct srtpd *d,
		       const struct sockaddr_storage *ss)
{
	return d->nng_allow ? in_nets(d->ng_allow, d->nng_allow, ss) :
	       is_loopback(ss);
}

static void peer_text(const struct sockaddr_storage *ss, char *out,
		      size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(out, size, "%s:%u", a, ntohs(s4->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(out, size, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		snprintf(out, size, "%s", a);
	}
}

/* A request from a sender not allowed: counted, logged now and then. */
static void ng_refuse(struct srtpd *d, const struct sockaddr_storage *from)
{
	struct timespec ts;
	char who[INET6_ADDRSTRLEN + 16];

	d->ng_refused++;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (d->ng_refused_logged &&
	    ts.tv_sec - d->ng_refused_when < NG_REFUSED_LOG_SECS)
		return;
	peer_text(from, who, sizeof(who));
	logmsg(LOG_WARNING, "ng: request from %s dropped: not an --ng-allow address (%lu dropped, %lu since the last report)",
	       who, d->ng_refused, d->ng_refused - d->ng_refused_logged);
	d->ng_refused_logged = d->ng_refused;
	d->ng_refused_when = ts.tv_sec;
}

static int open_ng(struct srtpd *d)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	if (ng_address(d->ng_listen, &ss, &len)) {
		logmsg(LOG_ERR, "--ng %s: not [ADDR:]PORT", d->ng_listen);
		return -1;
	}
	if (!d->nng_allow && !is_loopback(&ss)) {
		logmsg(LOG_ERR, "--ng %s is not a loopback address: name the proxies that may send requests with --ng-allow",
		       d->ng_listen);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len)) {
		logmsg(LOG_ERR, "ng socket %s: %s", d->ng_listen, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	d->ng_fd = fd;
	return 0;
}

static void save_state(struct srtpd *d)
{
	char err[512];

	if (d->ng.generation == d->ng_saved)
		return;
	if (ng_save(&d->ng, d->state_path, err, sizeof(err)))
		logmsg(LOG_ERR, "state not saved: %s", err);
	else
		d->ng_saved = d->ng.generation;
}

static void read_ng(struct srtpd *d)
{
	static char buf[NG_MSG_MAX + 1];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	char *out;
	size_t olen;
	ssize_t n;

	n = recvfrom(d->ng_fd, buf, sizeof(buf), MSG_TRUNC,
		     (struct sockaddr *)&from, &flen);
	if (n <= 0)
		return;
	if (!ng_allowed(d, &from)) {
		ng_refuse(d, &from);
		explicit_bzero(buf, (size_t)n < sizeof(buf) ? (size_t)n :
			       sizeof(buf));
		return;
	}
	if ((size_t)n > NG_MSG_MAX) {
		logmsg(LOG_WARNING, "ng: a %zd-byte request dropped (at most %d)",
		       n, NG_MSG_MAX);
		explicit_bzero(buf, sizeof(buf));	/* may hold SDP keys */
		return;
	}
	if (ng_handle(&d->ng, buf, (size_t)n, (struct sockaddr *)&from, flen,
		      time(NULL), &out, &olen)) {
		logmsg(LOG_WARNING, "ng: a request without a cookie dropped");
	} else {
		if (sendto(d->ng_fd, out, olen, MSG_DONTWAIT,
			   (struct sockaddr *)&from, flen) < 0)
			logmsg(LOG_WARNING, "ng reply lost: %s", strerror(errno));
		explicit_bzero(out, olen);	/* SDP with keys */
		free(out);
		if (d->ng.last_error[0])
			logcall(LOG_NOTICE, d->ng.last_error_call, "ng %s",
				d->ng.last_error);
	}
	explicit_bzero(buf, (size_t)n);
	save_state(d);
}

/* ---- the control socket ---- */

static int open_socket(struct srtpd *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd;

	if (strlen(d->socket_path) >= sizeof(sa.sun_path)) {
		logmsg(LOG_ERR, "socket path too long: %s", d->socket_path);
		return -1;
	}
	strcpy(sa.sun_path, d->socket_path);
	/* a stale socket of an earlier run, never any other file */
	if (!lstat(d->socket_path, &st) && S_ISSOCK(st.st_mode))
		unlink(d->socket_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		logmsg(LOG_ERR, "socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0177);	/* srw------- : root (our user) only */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16)) {
		logmsg(LOG_ERR, "%s: %s", d->socket_path, strerror(errno));
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	d->listen_fd = fd;
	return 0;
}

static void accept_client(struct srtpd *d)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	/* the socket's mode is the first fence, the peer's uid the second */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		logmsg(LOG_WARNING, "control connection from uid %u refused",
		       (unsigned int)cred.uid);
		close(fd);
		return;
	}
	if (d->nclients == MAX_CLIENTS) {
		logmsg(LOG_WARNING, "control connection refused: %d clients",
		       MAX_CLIENTS);
		close(fd);
		return;
	}
	d->clients[d->nclients].fd = fd;
	d->clients[d->nclients].subscribed = false;
	d->nclients++;
}

static void drop_client(struct srtpd *d, unsigned int i)
{
	close(d->clients[i].fd);
	d->clients[i] = d->clients[--d->nclients];
}

static void send_msg(int fd, char *msg, size_t len)
{
	if (!msg)
		return;
	if (send(fd, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		logmsg(LOG_WARNING, "control reply lost: %s", strerror(errno));
	explicit_bzero(msg, len);	/* SDP with keys */
	free(msg);
}

static void reply(int fd, int code, const char *phrase, const char *headers,
		  const char *body)
{
	size_t len = 0;
	char *msg = ctl_message(code, phrase, headers, body, &len);

	send_msg(fd, msg, len);
}

static void reply_error(int fd, int code, const char *call_id,
			const char *why)
{
	static const char *const phrases[] = {
		[0] = "Bad Request", [1] = "No Such Call",
		[2] = "Not Acceptable Here", [3] = "Server Error",
		[4] = "Forbidden",
	};
	char headers[CALL_ID_MAX + 600];
	int k = code == 404 ? 1 : code == 488 ? 2 : code == 500 ? 3 :
		code == 403 ? 4 : 0;

	snprintf(headers, sizeof(headers), "%s%s%sReason: %.500s\n",
		 call_id ? "Call-ID: " : "", call_id ? call_id : "",
		 call_id ? "\n" : "", why);
	reply(fd, code, phrases[k], headers, NULL);
}

static int code_of(int rc)
{
	return rc == CALL_REJECTED ? 488 : rc == CALL_BAD ? 400 : 500;
}

/* The policy of the request's model (or the default) for a new call. */
static int request_policy(struct srtpd *d, const struct ctl_request *r,
			  struct srtp_policy *p, char *err, size_t errlen)
{
	return policy_build(&d->cfg, r->model[0] ? r->model : d->model, p,
			    err, errlen);
}

/*
 * 200 for OFFER, ANSWER and COMPLETE: Call-ID, and once the exchange is
 * complete (not for an offer) whether the call is secure.
 */
static void reply_sdp(struct srtpd *d, int fd, const char *id, char *sdp,
		      bool negotiated)
{
	struct call *c = call_find(&d->calls, id);
	char headers[CALL_ID_MAX + 64];

	snprintf(headers, sizeof(headers), "Call-ID: %s\n%s", id,
		 !negotiated ? "" : c && c->result && c->result->secure ?
		 "Secure: yes\n" : "Secure: no\n");
	reply(fd, 200, "OK", headers, sdp);
	if (sdp) {
		explicit_bzero(sdp, strlen(sdp));
		free(sdp);
	}
}

static void do_list(struct srtpd *d, int fd)
{
	size_t size = 128 + (size_t)d->table.count * (CALL_ID_MAX + 128);
	char *body = malloc(size);
	static const char *const states[] = { "offered", "active", "rekeying" };
	struct call *c;
	size_t off = 0;

	if (!body) {
		reply_error(fd, 500, NULL, "out of memory");
		return;
	}
	body[0] = '\0';
	for (c = call_first(&d->calls); c; c = call_next(&d->calls, c)) {
		off += (size_t)snprintf(body + off, size - off,
					"%s %s streams=%u secure=%s\n", c->e.id,
					states[c->state], c->set.n,
					c->result && c->result->secure ?
					"yes" : "no");
	}
	reply(fd, 200, "OK", "", body);
	free(body);
}

/*
 * The peer's SDP in an ANSWER (their offer) or COMPLETE (their answer):
 * its media addresses and ports go into kernel matches, so they must be
 * the Received-From address or in a --media-net, and in --media-ports
 * (trust.h), as an ng request's.  0, or -1 with @why.  An SDP that does
 * not parse is left to call_answer()/call_complete() to refuse.
 */
static int check_peer_sdp(const struct srtpd *d, const struct ctl_request *r,
			  char *why, size_t whylen)
{
	const struct media_trust t = {
		d->trust.nets, d->trust.nnets, d->trust.port_min,
		d->trust.port_max,
	};
	struct sdp sdp;
	int rc;

	if (!r->body || sdp_parse(r->body, r->body_len, &sdp, why, whylen))
		return 0;
	rc = media_check_sdp(&t, &sdp, &r->from, "the peer's", why, whylen);
	sdp_free(&sdp);
	return rc;
}

static void handle_request(struct srtpd *d, struct client *cl,
			   const char *msg, size_t len)
{
	struct ctl_request r;
	struct srtp_policy p;
	struct neg_local l = { 0 };
	char why[512], *sdp = NULL;
	int rc;

	if (ctl_parse(msg, len, &r, why, sizeof(why))) {
		reply_error(cl->fd, 400, NULL, why);
		return;
	}
	if ((r.verb == CTL_OFFER || r.verb == CTL_ANSWER) &&
	    ctl_parse_media(r.media, &l)) {
		reply_error(cl->fd, 400, r.call_id,
			    "Media takes ADDR:PORT (IPv6 as [ADDR]:PORT)");
		return;
	}
	if ((r.verb == CTL_ANSWER || r.verb == CTL_COMPLETE) &&
	    check_peer_sdp(d, &r, why, sizeof(why))) {
		logcall(LOG_NOTICE, r.call_id, "call %s: 403: %s", r.call_id, why);
		reply_error(cl->fd, 403, r.call_id, why);
		return;
	}
	switch (r.verb) {
	case CTL_PING:
		reply(cl->fd, 200, "OK", "", NULL);
		return;
	case CTL_LIST:
		do_list(d, cl->fd);
		return;
	case CTL_SUBSCRIBE:
		cl->subscribed = true;
		reply(cl->fd, 200, "OK", "", NULL);
		return;
	case CTL_DELETE:
		if (call_delete(&d->calls, r.call_id)) {
			reply_error(cl->fd, 404, r.call_id, "no such call");
			return;
		}
		logcall(LOG_INFO, r.call_id, "call %s deleted", r.call_id);
		reply(cl->fd, 200, "OK", "", NULL);
		return;
	case CTL_OFFER:
	case CTL_ANSWER:
		if (request_policy(d, &r, &p, why, sizeof(why))) {
			reply_error(cl->fd, 400, r.call_id, why);
			return;
		}
		if (r.verb == CTL_OFFER)
			rc = call_offer(&d->calls, r.call_id, &p, &l, &sdp, why,
					sizeof(why));
		else
			rc = call_answer(&d->calls, r.call_id, &p, &l, r.body,
					 r.body_len, &sdp, why, sizeof(why));
		break;
	case CTL_COMPLETE:
		rc = call_complete(&d->calls, r.call_id, r.body, r.body_len,
				   why, sizeof(why));
		break;
	default:
		return;
	}
	if (rc) {
		logcall(rc == CALL_REJECTED ? LOG_NOTICE : LOG_WARNING,
			r.call_id, "call %s: %s", r.call_id, why);
		reply_error(cl->fd, code_of(rc), r.call_id, why);
		return;
	}
	if (r.verb != CTL_OFFER)
		logcall(LOG_INFO, r.call_id, "call %s: media %s", r.call_id,
		       call_find(&d->calls, r.call_id) &&
		       call_find(&d->calls, r.call_id)->result->secure ?
		       "secure" : "not completely secure");
	reply_sdp(d, cl->fd, r.call_id, sdp, r.verb != CTL_OFFER);
}

static void read_client(struct srtpd *d, unsigned int i)
{
	static char buf[CTL_MSG_MAX + 1];
	ssize_t n = recv(d->clients[i].fd, buf, sizeof(buf), MSG_TRUNC);

	if (n <= 0) {
		drop_client(d, i);
		return;
	}
	if ((size_t)n > CTL_MSG_MAX) {
		reply_error(d->clients[i].fd, 400, NULL, "message too long");
	} else {
		buf[n] = '\0';
		handle_request(d, &d->clients[i], buf, (size_t)n);
	}
	explicit_bzero(buf, sizeof(buf));
}

/* ---- kernel events ---- */

static void broadcast(struct srtpd *d, const char *event, const char *headers,
		      const char *body)
{
	unsigned int i, sent = 0;

	for (i = 0; i < d->nclients; i++) {
		size_t len = 0;
		char *msg;

		if (!d->clients[i].subscribed)
			continue;
		msg = ctl_message(0, event, headers, body, &len);
		send_msg(d->clients[i].fd, msg, len);
		sent++;
	}
	if (!sent)
		logmsg(LOG_WARNING, "event %s not delivered: no subscriber",
		       event);
}

/* A latching stream's peer, for the log: "ADDR port PORT" or "none". */
static void latch_peer_text(const struct nfsrtp_peer *p, char *out,
			    size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (!p->port || !inet_ntop(p->family, p->addr, a, sizeof(a)))
		snprintf(out, size, "none");
	else
		snprintf(out, size, "%s port %u", a, p->port);
}

/*
 * An anchored stream's sender came from elsewhere than before (a new NAT
 * mapping) and authenticated: the kernel follows it (NF_SRTP_F_LATCH).
 */
static void log_latch(const struct nfsrtp_event *ev)
{
	char rtp[INET6_ADDRSTRLEN + 16], rtcp[INET6_ADDRSTRLEN + 16];

	latch_peer_text(&ev->peer, rtp, sizeof(rtp));
	latch_peer_text(&ev->rtcp_peer, rtcp, sizeof(rtcp));
	logmsg(LOG_NOTICE, "stream %u: media now comes from %s (RTCP: %s)",
	       ev->stream, rtp, rtcp);
}

static int on_event(const struct nfsrtp_event *ev, void *arg)
{
	struct srtpd *d = arg;
	struct call *c;
	char *sdp, headers[CALL_ID_MAX + 32];
	int rc = call_event(&d->calls, ev, &c, &sdp);

	if (rc < 0) {
		logcall(LOG_ERR, c ? c->e.id : NULL, "call %s: cannot re-key",
			c ? c->e.id : "?");
	} else if (rc == 1) {
		logcall(LOG_INFO, c->e.id,
			"call %s: key reached half its lifetime, re-offering",
			c->e.id);
		snprintf(headers, sizeof(headers), "Call-ID: %s\n", c->e.id);
		broadcast(d, "REKEY", headers, sdp);
		explicit_bzero(sdp, strlen(sdp));
		free(sdp);
	} else if (c && ev->type == NF_SRTP_EVENT_HARD_LIMIT) {
		logcall(LOG_WARNING, c->e.id,
			"call %s: stream %u key %d reached its lifetime",
			c->e.id, ev->stream, ev->key_index);
	} else if (ev->type == NF_SRTP_EVENT_LATCH) {
		log_latch(ev);
	}
	return 0;
}

/*
 * One kernel stream of a control socket call after events were lost:
 * the event its deletion or its key's soft limit would have sent, made
 * from what the kernel holds now.
 */
static void resync_stream(struct srtpd *d, uint32_t id, bool protect)
{
	struct nfsrtp_event ev = { .stream = id, .key_index = -1 };
	struct nfsrtp_stream s;
	uint64_t lifetime;
	unsigned int k;
	int rc = nfsrtp_stream_get(d->nl, id, &s);

	if (rc == -ENOENT) {
		ev.type = NF_SRTP_EVENT_STREAM_DEL;
		on_event(&ev, d);
		return;
	}
	if (rc || !protect)
		return;
	for (k = 0; k < s.nkeys; k++) {
		if (!s.keys[k].active)
			continue;
		/* the kernel's soft limit: half the key's lifetime */
		lifetime = s.keys[k].lifetime ? s.keys[k].lifetime : 1ULL << 48;
		if (s.keys[k].packets * 2 >= lifetime) {
			ev.type = NF_SRTP_EVENT_SOFT_LIMIT;
			ev.key_index = (int)s.keys[k].index;
			on_event(&ev, d);
		}
	}
	explicit_bzero(&s, sizeof(s));
}

/*
 * The events socket overran: events were dropped, and among them may be
 * a soft lifetime limit (a re-key that would never happen) or a stream's
 * removal.  Every stream of every control socket call is looked up in
 * the kernel instead (ng calls are not re-keyed and keep no state from
 * events).  A call's re-key started here is a call_event() like any.
 */
static void resync_after_overrun(struct srtpd *d)
{
	unsigned int i, k, n = 0, calls = 0;
	struct call *c, *next;
	struct kstream ks[KSET_MAX];

	for (c = call_first(&d->calls); c; c = next) {
		/* a stream gone or re-keyed leaves the call where it is */
		next = call_next(&d->calls, c);
		calls++;
		/* a stream found gone leaves the set: look at a copy */
		k = c->set.n;
		for (i = 0; i < k; i++)
			ks[i] = c->set.streams[i].k;
		for (i = 0; i < k; i++)
			resync_stream(d, ks[i].id,
				      ks[i].op == NF_SRTP_OP_PROTECT);
		n += k;
	}
	explicit_bzero(ks, sizeof(ks));
	d->events_lost++;
	logmsg(LOG_NOTICE, "kernel events overran the socket: %u streams of %u calls looked up again",
	       n, calls);
}

/* A kernel event as it came: counted for the metrics, then handled. */
static int on_kernel_event(const struct nfsrtp_event *ev, void *arg)
{
	struct srtpd *d = arg;

	if (ev->type < __NF_SRTP_EVENT_MAX)
		d->events[ev->type]++;
	return on_event(ev, arg);
}

/* ---- the process ---- */

/*
 * Keys live in srtpd's memory (the SDP it writes and reads, the reply
 * cache): no core dump may hold them.  Not dumpable also keeps other
 * processes of the same uid from ptrace and /proc/PID/mem.  Again after
 * a change of uid, which resets it to fs.suid_dumpable.
 */
static int no_core_dumps(void)
{
	static const struct rlimit zero = { 0, 0 };
	struct rlimit now;

	/*
	 * setrlimit only when the limit is not 0 already: the service runs
	 * with LimitCORE=0 and a system call filter without it.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) || getrlimit(RLIMIT_CORE, &now) ||
	    ((now.rlim_cur || now.rlim_max) && setrlimit(RLIMIT_CORE, &zero))) {
		logmsg(LOG_ERR, "cannot disable core dumps: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* --user NAME, or UID:GID */
static int resolve_user(struct srtpd *d)
{
	const struct passwd *pw = NULL;
	unsigned long u, g;
	char *end;

	errno = 0;
	u = strtoul(d->user, &end, 10);
	if (end != d->user && *end == ':' && !errno) {
		const char *gs = end + 1;

		g = strtoul(gs, &end, 10);
		if (errno || end == gs || *end || *gs == '-' ||
		    u > 0xfffffffe || g > 0xfffffffe) {
			logmsg(LOG_ERR, "--user %s: not NAME or UID:GID", d->user);
			return -1;
		}
		d->uid = (uid_t)u;
		d->gid = (gid_t)g;
	} else {
		pw = getpwnam(d->user);
		if (!pw) {
			logmsg(LOG_ERR, "--user %s: no such user", d->user);
			return -1;
		}
		d->uid = pw->pw_uid;
		d->gid = pw->pw_gid;
	}
	if (!d->uid || !d->gid) {
		logmsg(LOG_ERR, "--user %s: is root or of group root", d->user);
		return -1;
	}
	return 0;
}

static int capabilities(struct __user_cap_data_struct data[2], bool set)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	return (int)syscall(set ? SYS_capset : SYS_capget, &h, data);
}

/*
 * Everything that needs root is open (netlink, the ng and control sockets,
 * the state read): become --user, keeping only CAP_NET_ADMIN, which the
 * kernel checks on every stream request (GENL_UNS_ADMIN_PERM).  The
 * bounding set and the ambient set keep nothing else either, and no
 * exec can gain privileges (srtpd runs no program anyway).
 */
static int drop_privileges(struct srtpd *d)
{
	struct __user_cap_data_struct cap[2] = { 0 };
	const uint32_t keep = 1U << CAP_NET_ADMIN;
	bool name = !strchr(d->user, ':');
	int c;

	for (c = 0; c <= 63; c++) {
		if (c == CAP_NET_ADMIN)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL) {
			logmsg(LOG_ERR, "--user: dropping capability %d: %s", c,
			       strerror(errno));
			return -1;
		}
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) ||
	    (name ? initgroups(d->user, d->gid) : setgroups(0, NULL)) ||
	    setresgid(d->gid, d->gid, d->gid) ||
	    setresuid(d->uid, d->uid, d->uid)) {
		logmsg(LOG_ERR, "--user %s: %s", d->user, strerror(errno));
		return -1;
	}
	cap[0].permitted = keep;
	cap[0].effective = keep;
	if (capabilities(cap, true) || prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		logmsg(LOG_ERR, "--user %s: capabilities: %s", d->user,
		       strerror(errno));
		return -1;
	}
	/* no ambient capabilities before Linux 4.3: EINVAL, nothing to clear */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL) {
		logmsg(LOG_ERR, "--user: ambient capabilities: %s",
		       strerror(errno));
		return -1;
	}
	/* the change of uid made srtpd dumpable again (fs.suid_dumpable) */
	if (no_core_dumps())
		return -1;
	/* and check: no way back, nothing but CAP_NET_ADMIN */
	memset(cap, 0, sizeof(cap));
	if (!setuid(0) || capabilities(cap, false) ||
	    cap[0].effective != keep || cap[0].permitted != keep ||
	    cap[0].inheritable || cap[1].effective || cap[1].permitted ||
	    cap[1].inheritable) {
		logmsg(LOG_ERR, "--user %s: privileges not dropped", d->user);
		return -1;
	}
	logmsg(LOG_INFO, "running as uid %u gid %u with CAP_NET_ADMIN only",
	       (unsigned int)d->uid, (unsigned int)d->gid);
	return 0;
}

/* SIGHUP reads the configuration files again: as --user. */
static void check_readable(struct srtpd *d)
{
	unsigned int i;

	for (i = 0; i < d->nconfigs; i++)
		if (access(d->configs[i], R_OK))
			logmsg(LOG_WARNING, "warning: --config %s: %s as --user %s; SIGHUP cannot reload it",
			       d->configs[i], strerror(errno), d->user);
}

/* ---- metrics (--metrics) ---- */

/*
 * A scrape reads every stream of the namespace in one dump, not one
 * request per stream (40 000 of them with 10 000 calls, in srtpd's one
 * loop): their counters alone, sorted by id.
 */
struct scrape_stream {
	uint32_t id;
	uint64_t packets, bytes, rtcp_packets, rtcp_bytes, rtcp_drops;
	uint64_t drops[NF_SRTP_DROP_MAX + 1];
};

struct scrape {
	struct scrape_stream *s;
	size_t n, cap;
	bool oom;
};

static int scrape_one(const struct nfsrtp_stream *st, void *arg)
{
	struct scrape *sc = arg;
	struct scrape_stream *e;

	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? 2 * sc->cap : 256;
		void *p = realloc(sc->s, cap * sizeof(*sc->s));

		if (!p) {
			sc->oom = true;
			return 1;
		}
		sc->s = p;
		sc->cap = cap;
	}
	e = &sc->s[sc->n++];
	e->id = st->id;
	e->packets = st->packets;
	e->bytes = st->bytes;
	e->rtcp_packets = st->rtcp_packets;
	e->rtcp_bytes = st->rtcp_bytes;
	e->rtcp_drops = st->rtcp_drops;
	memcpy(e->drops, st->drops, sizeof(e->drops));
	return 0;
}

static int scrape_cmp(const void *a, const void *b)
{
	const struct scrape_stream *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* kset_totals()'s reader: a stream of the dump; -ENOENT when not in it */
static int scrape_get(void *arg, uint32_t id, struct nfsrtp_stream *out)
{
	const struct scrape *sc = arg;
	const struct scrape_stream key = { .id = id }, *e;

	e = sc->n ? bsearch(&key, sc->s, sc->n, sizeof(*sc->s), scrape_cmp) :
		    NULL;
	if (!e)
		return -ENOENT;
	memset(out, 0, sizeof(*out));
	out->id = e->id;
	out->packets = e->packets;
	out->bytes = e->bytes;
	out->rtcp_packets = e->rtcp_packets;
	out->rtcp_bytes = e->rtcp_bytes;
	out->rtcp_drops = e->rtcp_drops;
	memcpy(out->drops, e->drops, sizeof(out->drops));
	return 0;
}

/*
 * Every call's traffic from the dump (ng query's numbers); a stream the
 * dump missed (-EINTR: the streams changed meanwhile, dumped again once)
 * counts in *@unreadable.  NULL when out of memory.
 */
static struct metrics_call *gather_calls(struct srtpd *d, size_t *n,
					 unsigned long *unreadable)
{
	struct scrape sc = { 0 };
	struct metrics_call *calls, *c;
	struct call_entry *e;
	const struct kset *set;
	int rc, tries = 0;

	*n = 0;
	*unreadable = 0;
	do {
		sc.n = 0;
		rc = nfsrtp_stream_dump(d->nl, scrape_one, &sc);
	} while (rc == -EINTR && !sc.oom && ++tries < 2);
	calls = sc.oom ? NULL : calloc(d->table.count + 1, sizeof(*calls));
	if (!calls) {
		free(sc.s);
		return NULL;
	}
	if (sc.n)
		qsort(sc.s, sc.n, sizeof(*sc.s), scrape_cmp);
	for (e = d->table.head; e && *n < d->table.count; e = e->next) {
		c = &calls[(*n)++];
		c->id = e->id;
		c->front = e->front->name;
		c->closing = e->closing;
		set = e->front->set ? e->front->set(e) : NULL;
		if (!set)
			continue;
		c->streams = set->n;
		*unreadable += kset_totals(set, scrape_get, &sc, &c->t);
	}
	free(sc.s);
	return calls;
}

static void render_metrics(struct srtpd *d, struct strbuf *b)
{
	struct nfsrtp_stats st;
	struct metrics m = {
		.events = d->events, .events_lost = d->events_lost,
		.reloads = d->reloads, .reload_errors = d->reload_errors,
	};
	struct metrics_call *calls;

	if (!nfsrtp_get_stats(d->nl, &st))
		m.stats = &st;
	if (d->ng_fd >= 0) {
		m.ng_commands = d->ng.commands;
		m.ng_errors = d->ng.command_errors;
		m.ng_retransmits = d->ng.retransmits;
	}
	calls = gather_calls(d, &m.ncalls, &m.unreadable);
	if (!calls) {
		b->oom = true;
		return;
	}
	m.calls = calls;
	metrics_render(b, &m);
	free(calls);
}

static enum MHD_Result reply_text(struct MHD_Connection *conn,
				  unsigned int status, const char *text,
				  size_t len, const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(len, (void *)text,
					    MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				status == MHD_HTTP_OK ?
				"text/plain; version=0.0.4; charset=utf-8" :
				"text/plain; charset=utf-8");
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* GET (or HEAD) /metrics; anything else is refused. */
static enum MHD_Result serve_metrics(void *cls, struct MHD_Connection *conn,
				     const char *url, const char *method,
				     const char *version,
				     const char *upload_data,
				     size_t *upload_size, void **con_cls)
{
	static const char not_found[] = "not found: the metrics are at /metrics\n";
	static const char no_method[] = "only GET and HEAD\n";
	static const char no_memory[] = "out of memory\n";
	struct strbuf b = { 0 };
	enum MHD_Result rc;

	(void)version;
	(void)upload_data;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, no_method,
				  sizeof(no_method) - 1, "GET, HEAD");
	if (*upload_size)
		return MHD_NO;	/* a GET with a body: drop the connection */
	if (strcmp(url, "/metrics"))
		return reply_text(conn, MHD_HTTP_NOT_FOUND, not_found,
				  sizeof(not_found) - 1, NULL);
	render_metrics(cls, &b);
	if (b.oom)
		rc = reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, no_memory,
				sizeof(no_memory) - 1, NULL);
	else
		rc = reply_text(conn, MHD_HTTP_OK, b.p ? b.p : "", b.len, NULL);
	strbuf_free(&b);
	return rc;
}

/*
 * The HTTP server of --metrics, run from srtpd's own loop (its epoll fd
 * among the polled ones): a scrape is answered between two ng requests,
 * never at the same time, so no lock.  Bounded: 16 connections, 10 s of
 * silence, 32 KiB of request each.
 */
static int open_metrics(struct srtpd *d)
{
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	socklen_t len;

	if (ng_address(d->metrics_listen, &ss, &len)) {
		logmsg(LOG_ERR, "--metrics %s: not [ADDR:]PORT", d->metrics_listen);
		return -1;
	}
	d->mhd = MHD_start_daemon(MHD_USE_EPOLL |
				  (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				  0, NULL, NULL, serve_metrics, d,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				  MHD_OPTION_CONNECTION_LIMIT,
				  (unsigned int)METRICS_CONNECTIONS,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT,
				  (size_t)32768,
				  MHD_OPTION_END);
	if (!d->mhd) {
		logmsg(LOG_ERR, "--metrics %s: cannot listen there (in use, or not an address of this host?)",
		       d->metrics_listen);
		return -1;
	}
	info = MHD_get_daemon_info(d->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info) {
		logmsg(LOG_ERR, "--metrics: no epoll descriptor");
		return -1;
	}
	d->metrics_fd = info->epoll_fd;
	return 0;
}

/* ms until the metrics server needs to run (a connection's timeout), or -1 */
static int metrics_timeout(struct srtpd *d)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (!d->mhd || MHD_get_timeout(d->mhd, &ms) != MHD_YES)
		return -1;
	return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

static unsigned int metrics_connections(struct srtpd *d)
{
	const union MHD_DaemonInfo *info;

	info = MHD_get_daemon_info(d->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return info ? info->num_connections : 0;
}

/*
 * Serve the metrics server's events and its connections' timeouts.
 * libmicrohttpd takes its listening socket out of its epoll set while it
 * holds METRICS_CONNECTIONS connections and puts it back only at the
 * start of a later MHD_run(), and MHD_get_timeout() has no deadline for
 * that: when connections that held every slot time out, the scrapes
 * queued behind them would wait for the next ng request or kernel event.
 * Run it once more when this run freed a slot.
 */
static void run_metrics(struct srtpd *d)
{
	bool full = metrics_connections(d) >= METRICS_CONNECTIONS;

	MHD_run(d->mhd);
	if (full && metrics_connections(d) < METRICS_CONNECTIONS)
		MHD_run(d->mhd);
}

/* ---- main loop ---- */

/*
 * Under systemd (Type=notify, $NOTIFY_SOCKET set) the service manager
 * learns when srtpd is ready, reloading and stopping; elsewhere it is a
 * no-op.  A failed notification changes nothing for the calls.
 */
static void notify_ready(const struct srtpd *d)
{
	sd_notifyf(0, "READY=1\nSTATUS=%u call(s), ng %s", d->table.count,
		   d->ng_listen ? d->ng_listen : "off");
}

static void notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
		   (unsigned long long)ts.tv_sec * 1000000ULL +
		   (unsigned long long)ts.tv_nsec / 1000);
}

static void handle_signal(struct srtpd *d)
{
	struct signalfd_siginfo si;

	while (read(d->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			notify_reloading();
			d->reloads++;
			if (load_config(d, false))
				d->reload_errors++;
			notify_ready(d);
		} else {
			d->stop = true;
		}
	}
}

static void call_gone(void *arg, const struct call *c, const char *why)
{
	(void)arg;
	logcall(LOG_INFO, c->e.id, "call %s: deleted, %s", c->e.id, why);
}

/*
 * The calls' timers, both front ends': calls whose time ran out go; the
 * ms until the next is due.
 */
static int expire_calls(struct srtpd *d)
{
	time_t now = time(NULL), due;

	due = calls_expire(&d->table, now);
	if (d->ng_fd >= 0)
		save_state(d);
	if (!due)
		return -1;
	return due <= now ? 0 : (int)(due - now) * 1000;
}

/*
 * Kept ng replies older than their TTL are wiped (keys and all); the ms
 * until the next one expires, or -1: none.
 */
static int expire_replies(struct srtpd *d)
{
	time_t now = time(NULL);
	int secs;

	if (d->ng_fd < 0)
		return -1;
	ng_cache_expire(&d->ng, now);
	secs = ng_cache_next_expiry(&d->ng, now);
	return secs < 0 ? -1 : secs * 1000;
}

static int run(struct srtpd *d)
{
	struct pollfd pfd[FIRST_CLIENT + MAX_CLIENTS];
	unsigned int i, n;
	int timeout;

	while (!d->stop) {
		int replies = expire_replies(d), scrapes = metrics_timeout(d);

		timeout = expire_calls(d);
		if (replies >= 0 && (timeout < 0 || replies < timeout))
			timeout = replies;
		if (scrapes >= 0 && (timeout < 0 || scrapes < timeout))
			timeout = scrapes;
		pfd[0] = (struct pollfd){ .fd = d->signal_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = d->listen_fd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = d->events_fd, .events = POLLIN };
		/* a negative fd is ignored by poll: no ng socket */
		pfd[3] = (struct pollfd){ .fd = d->ng_fd, .events = POLLIN };
		pfd[4] = (struct pollfd){ .fd = d->metrics_fd, .events = POLLIN };
		/* srtpd's own relays (two families), or -1 */
		pfd[5] = (struct pollfd){ .fd = d->anchor.epfd, .events = POLLIN };
		for (i = 0; i < d->nclients; i++)
			pfd[FIRST_CLIENT + i] =
				(struct pollfd){ .fd = d->clients[i].fd,
						 .events = POLLIN };
		n = FIRST_CLIENT + d->nclients;
		if (poll(pfd, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			logmsg(LOG_ERR, "poll: %s", strerror(errno));
			return -1;
		}
		if (pfd[0].revents)
			handle_signal(d);
		if (pfd[2].revents) {
			int rc = nfsrtp_events_read(d->ev, on_kernel_event, d);

			if (rc == -ENOBUFS)
				resync_after_overrun(d);
			else if (rc)
				logmsg(LOG_WARNING, "reading kernel events: %s",
				       strerror(-rc));
		}
		if (pfd[5].revents)
			nga_urelay_run(&d->anchor);
		if (pfd[3].revents)
			read_ng(d);
		if (d->mhd)
			run_metrics(d);
		/* clients last, highest first: drop_client moves the last */
		for (i = n; i-- > FIRST_CLIENT;)
			if (pfd[i].revents)
				read_client(d, i - FIRST_CLIENT);
		if (pfd[1].revents)
			accept_client(d);
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: srtpd --config FILE [--config FILE ...] [--model MODEL]\n"
		"             [--socket PATH] [--ng [ADDR:]PORT] [--state PATH]\n"
		"             [--ng-allow ADDR[/PREFIX] ...]\n"
		"             [--media-net ADDR[/PREFIX] ...] [--media-ports MIN-MAX]\n"
		"             [--delete-delay SECONDS] [--guard-tail SECONDS]\n"
		"             [--plain-peer ADDR[/PREFIX] ...] [LIMITS]\n"
		"             [--interface [NAME/]LOCAL[!ADV] ... [--port-min N]\n"
		"              [--port-max N]]\n"
		"             [--metrics [ADDR:]PORT] [--user NAME|UID:GID] [--syslog]\n"
		"  --config FILE   sip.cfg XML; later files override earlier ones\n"
		"  --model MODEL   the default phone model (%s)\n"
		"  --socket PATH   the control socket (%s), mode 0600\n"
		"  --ng [ADDR:]PORT  serve rtpengine's ng protocol on UDP (ADDR\n"
		"                  defaults to %s; IPv6 as [ADDR]:PORT)\n"
		"  --ng-allow ADDR[/PREFIX]  take ng requests from there (repeat;\n"
		"                  default: loopback only)\n"
		"  --state PATH    the ng calls' state file (%s)\n"
		"  --media-net ADDR[/PREFIX]  media addresses an SDP may name\n"
		"                  besides its signalling source (repeatable)\n"
		"  --media-ports MIN-MAX  the media ports an SDP may name\n"
		"                  (%d-65535)\n"
		"  --delete-delay SECONDS  keep a deleted ng call this long\n"
		"                  unless the delete says (0)\n"
		"  --guard-tail SECONDS  drop media toward a deleted call's SRTP\n"
		"                  legs this long (%d)\n"
		"  --plain-peer ADDR[/PREFIX]  callers signalling from here have\n"
		"                  no SRTP (a gateway): plain RTP on their leg\n"
		"  --interface [NAME/]LOCAL[!ADV]  anchor ng's calls: a media\n"
		"                  interface (repeatable; ADV is written in SDP)\n"
		"  --port-min N, --port-max N  the router's media ports when\n"
		"                  anchoring (%u-%u)\n"
		"  --max-calls N, --max-calls-per-source N, --max-memory MIB\n"
		"                  calls in all, both front ends (%d), ng calls\n"
		"                  from one address (%d),\n"
		"                  their memory together (%d MiB)\n"
		"  --no-answer-timeout S, --idle-timeout S, --session-timeout S\n"
		"                  an offer's wait for its answer (%d s), a call\n"
		"                  without packets (%d s), any call (0: no limit)\n"
		"  --metrics [ADDR:]PORT  serve Prometheus metrics over HTTP at\n"
		"                  /metrics (ADDR defaults to %s)\n"
		"  --user NAME|UID:GID  once the sockets are open, run as this user\n"
		"                  with CAP_NET_ADMIN only (default: stay root)\n"
		"  --syslog        log to syslog (default: standard error)\n",
		POLICY_DEFAULT_MODEL, DEFAULT_SOCKET, DEFAULT_NG_ADDR,
		DEFAULT_STATE, NG_PORT_MIN, NG_GUARD_TAIL, ANCHOR_PORTS_MIN,
		ANCHOR_PORTS_MAX, CALLS_MAX,
		CALLS_PER_SOURCE, CALLS_MEMORY_MAX, CALLS_NO_ANSWER, CALLS_IDLE,
		DEFAULT_NG_ADDR);
}

/*
 * The numeric options of the calls' limits and timers: an unsigned int of
 * struct call_limits or of struct ng_trust each, but --max-memory (MiB
 * into bytes).
 */
#define MEMORY_FIELD	SIZE_MAX

struct number_option {
	int opt;
	const char *name;
	unsigned long min, max;
	bool limit;		/* of struct call_limits, not ng_trust */
	size_t field;		/* offsetof in it */
};

static const struct number_option number_options[] = {
	{ 'D', "delete-delay", 0, 86400, false,
	  offsetof(struct ng_trust, delete_delay) },
	{ 'G', "guard-tail", 0, 86400, false,
	  offsetof(struct ng_trust, guard_tail) },
	{ 'C', "max-calls", 1, 1000000, true,
	  offsetof(struct call_limits, max_calls) },
	{ 'E', "max-calls-per-source", 1, 1000000, true,
	  offsetof(struct call_limits, max_per_source) },
	{ 'M', "max-memory", 1, 1048576, true, MEMORY_FIELD },
	{ 'A', "no-answer-timeout", 1, 86400, true,
	  offsetof(struct call_limits, no_answer) },
	{ 'I', "idle-timeout", 0, 86400, true,
	  offsetof(struct call_limits, idle) },
	{ 'T', "session-timeout", 0, 604800, true,
	  offsetof(struct call_limits, session) },
};

static const struct number_option *number_option(int o)
{
	size_t i;

	for (i = 0; i < sizeof(number_options) / sizeof(number_options[0]); i++)
		if (number_options[i].opt == o)
			return &number_options[i];
	return NULL;
}

static int number(const struct number_option *no, const char *arg,
		  unsigned long *v, char *err, size_t errlen)
{
	char *end;

	errno = 0;
	*v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || *v < no->min || *v > no->max) {
		snprintf(err, errlen, "--%s \"%s\": not a number from %lu to %lu",
			 no->name, arg, no->min, no->max);
		return -1;
	}
	return 0;
}

static int trust_option(struct srtpd *d, int o, const char *arg)
{
	struct ng_trust *t = &d->trust;
	const struct number_option *no;
	char err[256];
	unsigned long v;
	char *base;

	if (o == 'N' || o == 'L') {
		struct media_net *nets = o == 'N' ? t->nets : t->plain;
		unsigned int *n = o == 'N' ? &t->nnets : &t->nplain;

		if (*n == MEDIA_NETS_MAX) {
			fprintf(stderr, "srtpd: at most %d --%s\n", MEDIA_NETS_MAX,
				o == 'N' ? "media-net" : "plain-peer");
			return -1;
		}
		if (media_parse_net(arg, &nets[*n], err, sizeof(err)))
			goto bad;
		(*n)++;
		return 0;
	}
	if (o == 'P') {
		if (ng_parse_ports(arg, t, err, sizeof(err)))
			goto bad;
		return 0;
	}
	no = number_option(o);
	if (number(no, arg, &v, err, sizeof(err)))
		goto bad;
	base = no->limit ? (char *)&d->limits : (char *)t;
	if (no->field == MEMORY_FIELD)
		d->limits.max_memory = (size_t)v << 20;
	else
		*(unsigned int *)(base + no->field) = (unsigned int)v;
	return 0;
bad:
	fprintf(stderr, "srtpd: %s\n", err);
	return -1;
}

/* --port-min, --port-max */
static int port_option(struct srtpd *d, int o, const char *arg)
{
	unsigned int *v = o == 'p' ? &d->port_min : &d->port_max;
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || n < ANCHOR_PORT_MIN || n > 65535) {
		fprintf(stderr, "srtpd: --%s \"%s\": not a port from %d to 65535\n",
			o == 'p' ? "port-min" : "port-max", arg, ANCHOR_PORT_MIN);
		return -1;
	}
	*v = (unsigned int)n;
	return 0;
}

/* The anchoring options together: they make sense with --ng only. */
static int anchor_args(struct srtpd *d)
{
	if (!d->anchor.ifs.n) {
		if (d->port_min || d->port_max) {
			fprintf(stderr, "srtpd: --port-min and --port-max need --interface\n");
			return -1;
		}
		return 0;
	}
	if (!d->ng_listen) {
		fprintf(stderr, "srtpd: --interface anchors ng's calls: it needs --ng\n");
		return -1;
	}
	if (!d->port_min)
		d->port_min = ANCHOR_PORTS_MIN;
	if (!d->port_max)
		d->port_max = ANCHOR_PORTS_MAX;
	/* an even RTP port and the next one for RTCP */
	if ((d->port_min + 1) / 2 * 2 + 1 > d->port_max) {
		fprintf(stderr, "srtpd: --port-min %u --port-max %u: no room for an RTP/RTCP pair\n",
			d->port_min, d->port_max);
		return -1;
	}
	return 0;
}

static int parse_args(struct srtpd *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "model", required_argument, NULL, 'm' },
		{ "socket", required_argument, NULL, 's' },
		{ "ng", required_argument, NULL, 'n' },
		{ "state", required_argument, NULL, 'S' },
		{ "ng-allow", required_argument, NULL, 'a' },
		{ "user", required_argument, NULL, 'u' },
		{ "syslog", no_argument, NULL, 'l' },
		{ "metrics", required_argument, NULL, 'H' },
		{ "media-net", required_argument, NULL, 'N' },
		{ "media-ports", required_argument, NULL, 'P' },
		{ "delete-delay", required_argument, NULL, 'D' },
		{ "guard-tail", required_argument, NULL, 'G' },
		{ "plain-peer", required_argument, NULL, 'L' },
		{ "interface", required_argument, NULL, 'i' },
		{ "port-min", required_argument, NULL, 'p' },
		{ "port-max", required_argument, NULL, 'q' },
		{ "max-calls", required_argument, NULL, 'C' },
		{ "max-calls-per-source", required_argument, NULL, 'E' },
		{ "max-memory", required_argument, NULL, 'M' },
		{ "no-answer-timeout", required_argument, NULL, 'A' },
		{ "idle-timeout", required_argument, NULL, 'I' },
		{ "session-timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[256];
	int o;

	ng_trust_defaults(&d->trust);
	calls_limits_defaults(&d->limits);
	while ((o = getopt_long(argc, argv, "c:m:s:n:S:a:u:lhN:P:D:G:L:C:E:M:A:I:T:H:i:p:q:", opts,
				NULL)) != -1) {
		switch (o) {
		case 'N':
		case 'P':
		case 'D':
		case 'G':
		case 'L':
		case 'C':
		case 'E':
		case 'M':
		case 'A':
		case 'I':
		case 'T':
			if (trust_option(d, o, optarg))
				return -1;
			break;
		case 'i':
			if (anchor_ifs_add(&d->anchor.ifs, optarg, err,
					   sizeof(err))) {
				fprintf(stderr, "srtpd: --interface %s\n", err);
				return -1;
			}
			break;
		case 'p':
		case 'q':
			if (port_option(d, o, optarg))
				return -1;
			break;
		case 'c':
			if (d->nconfigs == MAX_CONFIGS) {
				fprintf(stderr, "srtpd: too many --config\n");
				return -1;
			}
			d->configs[d->nconfigs++] = optarg;
			break;
		case 'm':
			d->model = optarg;
			break;
		case 's':
			d->socket_path = optarg;
			break;
		case 'H':
			d->metrics_listen = optarg;
			break;
		case 'n':
			d->ng_listen = optarg;
			break;
		case 'S':
			d->state_path = optarg;
			break;
		case 'a':
			if (d->nng_allow == MAX_NG_ALLOW) {
				fprintf(stderr, "srtpd: too many --ng-allow (at most %d)\n",
					MAX_NG_ALLOW);
				return -1;
			}
			if (media_parse_net(optarg, &d->ng_allow[d->nng_allow], err,
					 sizeof(err))) {
				fprintf(stderr, "srtpd: --ng-allow %s\n", err);
				return -1;
			}
			d->nng_allow++;
			break;
		case 'u':
			d->user = optarg;
			break;
		case 'l':
			d->use_syslog = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !d->nconfigs) {
		usage(stderr);
		return -1;
	}
	return anchor_args(d);
}

/* The ng calls of a killed srtpd whose streams are still installed. */
static int restore_state(struct srtpd *d)
{
	char err[512];
	int n = ng_restore(&d->ng, d->state_path, k_exists, d, err,
			   sizeof(err));

	if (n < 0) {
		logmsg(LOG_ERR, "%s (move it away to start without it)", err);
		return -1;
	}
	if (n)
		logmsg(LOG_NOTICE, "recovered %d call(s) from %s", n,
		       d->state_path);
	return 0;
}

/*
 * The state file rewritten without what is gone, as srtpd's final user:
 * if it cannot write it now, it could not later either.
 */
static int first_save(struct srtpd *d)
{
	char err[512];

	if (ng_save(&d->ng, d->state_path, err, sizeof(err))) {
		logmsg(LOG_ERR, "state file: %s%s", err, d->user ?
		       " (its directory must be writable by --user)" : "");
		return -1;
	}
	d->ng_saved = d->ng.generation;
	return 0;
}

/* The relay operation of ng's anchored calls: srtpd's nftables table. */
static int relay_change(void *arg, const struct natmap_relay *del,
			size_t ndel, const struct natmap_relay *add, size_t nadd,
			char *err, size_t errlen)
{
	struct srtpd *d = arg;
	int rc = natmap_change(&d->natmap, del, ndel, add, nadd, err, errlen);

	if (rc > 0)	/* the relays changed: the entry lives out its timeout */
		logmsg(LOG_WARNING, "anchoring: %s", err);
	return rc < 0 ? -1 : 0;
}

/*
 * With --interface, ng's calls are anchored: the port pool, and the
 * nftables table of the relays (a previous srtpd's replaced).
 */
static int open_anchor(struct srtpd *d)
{
	char err[512];

	if (!d->anchor.ifs.n)
		return 0;
	if (anchor_pool_init(&d->anchor.pool, &d->anchor.ifs, d->port_min,
			     d->port_max, err, sizeof(err)) ||
	    natmap_open(&d->natmap, &d->anchor.ifs, d->port_min, d->port_max,
			err, sizeof(err))) {
		logmsg(LOG_ERR, "anchoring: %s", err);
		anchor_pool_free(&d->anchor.pool);
		return -1;
	}
	d->anchor.relay = relay_change;
	d->anchor.arg = d;
	/* the streams whose legs are of two families: srtpd relays them */
	d->anchor.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->anchor.epfd < 0) {
		logmsg(LOG_ERR, "anchoring: epoll: %s", strerror(errno));
		natmap_close(&d->natmap);
		anchor_pool_free(&d->anchor.pool);
		return -1;
	}
	d->ng.anchor = &d->anchor;
	logmsg(LOG_INFO, "anchoring ng's calls: %u media interface(s), ports %u-%u (%u pairs each)",
	       d->anchor.ifs.n, d->port_min, d->port_max,
	       anchor_pool_pairs(&d->anchor.pool));
	return 0;
}

/* After ng_free(): its anchored calls' relays and ports are gone. */
static void close_anchor(struct srtpd *d)
{
	if (!d->anchor.relay)
		return;
	natmap_close(&d->natmap);
	anchor_pool_free(&d->anchor.pool);
	close(d->anchor.epfd);
	d->anchor.epfd = -1;
	d->anchor.relay = NULL;
}

static int setup(struct srtpd *d)
{
	struct call_ops ops = {
		.add = k_add, .del = k_del, .update = k_update, .get = k_get,
		.arg = d,
	};
	struct ng_ops ng_ops = {
		.add = k_add, .del = k_del, .get = k_get, .update = k_update,
		.log = ng_logline, .arg = d,
	};
	struct nfsrtp_stats st;
	sigset_t set;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->signal_fd < 0)
		return -1;
	rc = nfsrtp_open(&d->nl);
	if (!rc)
		rc = nfsrtp_open(&d->ev);
	if (rc) {
		logmsg(LOG_ERR, "nf_srtp: %s", rc == -ENOENT ?
		       "generic netlink family not found: is nf_srtp.ko loaded?" :
		       strerror(-rc));
		return -1;
	}
	/*
	 * Every request needs CAP_NET_ADMIN over the namespace: without it,
	 * a start that looked fine would refuse every call.
	 */
	rc = nfsrtp_get_stats(d->nl, &st);
	if (rc) {
		logmsg(LOG_ERR, "nf_srtp: %s", rc == -EPERM ?
		       "permission denied: srtpd needs CAP_NET_ADMIN (root, or a user holding it, as srtpd.service's AmbientCapabilities=)" :
		       nfsrtp_last_error(d->nl));
		return -1;
	}
	d->events_fd = nfsrtp_events_open(d->ev);
	if (d->events_fd < 0) {
		logmsg(LOG_ERR, "nf_srtp events: %s", strerror(-d->events_fd));
		return -1;
	}
	calls_init(&d->table);
	d->table.limits = d->limits;
	call_table_init(&d->calls, &d->table, &ops);
	d->calls.gone = call_gone;
	d->calls.gone_arg = d;
	ng_init(&d->ng, &d->table, &ng_ops, &d->cfg, d->model);
	d->ng.trust = d->trust;
	if (d->ng_listen && (open_ng(d) || open_anchor(d) || restore_state(d)))
		return -1;
	if (open_socket(d))
		return -1;
	if (d->metrics_listen && open_metrics(d))
		return -1;
	if (d->user) {
		if (drop_privileges(d))
			return -1;
		check_readable(d);
	}
	if (d->ng_listen && first_save(d))
		return -1;
	d->started = true;
	return 0;
}

int main(int argc, char **argv)
{
	static struct srtpd d = {
		.socket_path = DEFAULT_SOCKET, .state_path = DEFAULT_STATE,
		.listen_fd = -1, .signal_fd = -1, .events_fd = -1, .ng_fd = -1,
		.metrics_fd = -1, .anchor.epfd = -1,
	};
	int rc = 1;

	if (parse_args(&d, argc, argv))
		return 2;
	log_to_syslog = d.use_syslog;
	log_to_journal = !log_to_syslog && stderr_is_journal();
	if (log_to_syslog)
		openlog("srtpd", LOG_PID, LOG_DAEMON);
	if (no_core_dumps())
		return 1;
	if (d.user && resolve_user(&d))
		return 2;
	if (load_config(&d, true))
		return 2;
	if (!setup(&d)) {
		logmsg(LOG_INFO, "listening on %s%s%s", d.socket_path,
		       d.ng_listen ? " and ng " : "",
		       d.ng_listen ? d.ng_listen : "");
		notify_ready(&d);
		rc = run(&d) ? 1 : 0;
		sd_notify(0, "STOPPING=1");
		logmsg(LOG_INFO, "stopping: removing the streams of %u call(s)",
		       d.table.count);
		if (d.ng_refused)
			logmsg(LOG_NOTICE, "ng: %lu request(s) from senders not allowed were dropped",
			       d.ng_refused);
	}
	call_table_free(&d.calls);
	if (d.ng_fd >= 0) {
		/*
		 * A clean stop removes the streams: nothing to recover.  A
		 * failed start leaves the recovered calls and the state
		 * file to the next start.
		 */
		if (!d.started)
			d.ng.ops.del = k_keep;
		ng_free(&d.ng);
		close_anchor(&d);
		d.ng.generation = d.ng_saved + 1;
		if (d.started)
			save_state(&d);
		close(d.ng_fd);
	}
	if (d.mhd)
		MHD_stop_daemon(d.mhd);
	while (d.nclients)
		drop_client(&d, 0);
	if (d.listen_fd >= 0) {
		close(d.listen_fd);
		/* as --user, the socket's directory may not be ours */
		if (unlink(d.socket_path) && errno != ENOENT)
			logmsg(LOG_NOTICE, "%s left in place (%s); the next start replaces it",
			       d.socket_path, strerror(errno));
	}
	nfsrtp_close(d.nl);
	nfsrtp_close(d.ev);
	config_free(&d.cfg);
	return rc;
}
