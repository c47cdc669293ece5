// SPDX-License-Identifier: GPL-2.0
/*
 * srtpd: the SRTP policy daemon.  Reads the sec.srtp.* configuration,
 * negotiates the SDP of calls for a local SIP component over its control
 * socket, installs the calls' streams in nf_srtp and re-keys them when the
 * kernel reports a soft lifetime limit.  See Documentation/srtpd.8.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "call.h"
#include "config.h"
#include "control.h"
#include "lib/nfsrtp.h"
#include "policy.h"

#define DEFAULT_SOCKET	"/run/srtpd.sock"
#define MAX_CLIENTS	64
#define MAX_CONFIGS	16

struct client {
	int fd;
	bool subscribed;
};

struct srtpd {
	const char *configs[MAX_CONFIGS];
	unsigned int nconfigs;
	const char *model;
	const char *socket_path;
	bool use_syslog;
	struct srtp_config cfg;
	struct nfsrtp *nl;	/* requests */
	struct nfsrtp *ev;	/* the events group */
	struct call_table calls;
	int listen_fd;
	int signal_fd;
	int events_fd;
	struct client clients[MAX_CLIENTS];
	unsigned int nclients;
	bool stop;
};

static bool log_to_syslog;

static void logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_to_syslog) {
		vsyslog(prio, fmt, ap);
	} else {
		fputs("srtpd: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

/* ---- configuration ---- */

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
	};
	char headers[CALL_ID_MAX + 600];
	int k = code == 404 ? 1 : code == 488 ? 2 : code == 500 ? 3 : 0;

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
	size_t size = 128 + (size_t)d->calls.count * (CALL_ID_MAX + 128);
	char *body = malloc(size);
	static const char *const states[] = { "offered", "active", "rekeying" };
	struct call *c;
	size_t off = 0;

	if (!body) {
		reply_error(fd, 500, NULL, "out of memory");
		return;
	}
	body[0] = '\0';
	for (c = d->calls.head; c; c = c->next) {
		unsigned int i, n = 0;

		for (i = 0; i < NEG_MEDIA_MAX; i++)
			n += !!c->media[i].protect + !!c->media[i].unprotect;
		off += (size_t)snprintf(body + off, size - off,
					"%s %s streams=%u secure=%s\n", c->id,
					states[c->state], n,
					c->result && c->result->secure ?
					"yes" : "no");
	}
	reply(fd, 200, "OK", "", body);
	free(body);
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
		logmsg(LOG_INFO, "call %s deleted", r.call_id);
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
		logmsg(rc == CALL_REJECTED ? LOG_NOTICE : LOG_WARNING,
		       "call %s: %s", r.call_id, why);
		reply_error(cl->fd, code_of(rc), r.call_id, why);
		return;
	}
	if (r.verb != CTL_OFFER)
		logmsg(LOG_INFO, "call %s: media %s", r.call_id,
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

static int on_event(const struct nfsrtp_event *ev, void *arg)
{
	struct srtpd *d = arg;
	struct call *c;
	char *sdp, headers[CALL_ID_MAX + 32];
	int rc = call_event(&d->calls, ev, &c, &sdp);

	if (rc < 0) {
		logmsg(LOG_ERR, "call %s: cannot re-key", c ? c->id : "?");
	} else if (rc == 1) {
		logmsg(LOG_INFO, "call %s: key reached half its lifetime, re-offering",
		       c->id);
		snprintf(headers, sizeof(headers), "Call-ID: %s\n", c->id);
		broadcast(d, "REKEY", headers, sdp);
		explicit_bzero(sdp, strlen(sdp));
		free(sdp);
	} else if (c && ev->type == NF_SRTP_EVENT_HARD_LIMIT) {
		logmsg(LOG_WARNING, "call %s: stream %u key %d reached its lifetime",
		       c->id, ev->stream, ev->key_index);
	}
	return 0;
}

/* ---- main loop ---- */

static void handle_signal(struct srtpd *d)
{
	struct signalfd_siginfo si;

	while (read(d->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			load_config(d, false);
		else
			d->stop = true;
	}
}

static int run(struct srtpd *d)
{
	struct pollfd pfd[3 + MAX_CLIENTS];
	unsigned int i, n;

	while (!d->stop) {
		pfd[0] = (struct pollfd){ .fd = d->signal_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = d->listen_fd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = d->events_fd, .events = POLLIN };
		for (i = 0; i < d->nclients; i++)
			pfd[3 + i] = (struct pollfd){ .fd = d->clients[i].fd,
						      .events = POLLIN };
		n = 3 + d->nclients;
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			logmsg(LOG_ERR, "poll: %s", strerror(errno));
			return -1;
		}
		if (pfd[0].revents)
			handle_signal(d);
		if (pfd[2].revents) {
			int rc = nfsrtp_events_read(d->ev, on_event, d);

			if (rc == -ENOBUFS)
				logmsg(LOG_WARNING, "kernel events were lost (socket overrun)");
			else if (rc)
				logmsg(LOG_WARNING, "reading kernel events: %s",
				       strerror(-rc));
		}
		/* clients last, highest first: drop_client moves the last */
		for (i = n; i-- > 3;)
			if (pfd[i].revents)
				read_client(d, i - 3);
		if (pfd[1].revents)
			accept_client(d);
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: srtpd --config FILE [--config FILE ...] [--model MODEL]\n"
		"             [--socket PATH] [--syslog]\n"
		"  --config FILE   sip.cfg XML; later files override earlier ones\n"
		"  --model MODEL   the default phone model (%s)\n"
		"  --socket PATH   the control socket (%s), mode 0600\n"
		"  --syslog        log to syslog (default: standard error)\n",
		POLICY_DEFAULT_MODEL, DEFAULT_SOCKET);
}

static int parse_args(struct srtpd *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "model", required_argument, NULL, 'm' },
		{ "socket", required_argument, NULL, 's' },
		{ "syslog", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "c:m:s:lh", opts, NULL)) != -1) {
		switch (o) {
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
	return 0;
}

static int setup(struct srtpd *d)
{
	struct call_ops ops = {
		.add = k_add, .del = k_del, .update = k_update, .arg = d,
	};
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
	d->events_fd = nfsrtp_events_open(d->ev);
	if (d->events_fd < 0) {
		logmsg(LOG_ERR, "nf_srtp events: %s", strerror(-d->events_fd));
		return -1;
	}
	call_table_init(&d->calls, &ops);
	return open_socket(d);
}

int main(int argc, char **argv)
{
	static struct srtpd d = {
		.socket_path = DEFAULT_SOCKET, .listen_fd = -1,
		.signal_fd = -1, .events_fd = -1,
	};
	int rc = 1;

	if (parse_args(&d, argc, argv))
		return 2;
	log_to_syslog = d.use_syslog;
	if (log_to_syslog)
		openlog("srtpd", LOG_PID, LOG_DAEMON);
	if (load_config(&d, true))
		return 2;
	if (!setup(&d)) {
		logmsg(LOG_INFO, "listening on %s", d.socket_path);
		rc = run(&d) ? 1 : 0;
		logmsg(LOG_INFO, "stopping: removing the streams of %u call(s)",
		       d.calls.count);
	}
	call_table_free(&d.calls);
	while (d.nclients)
		drop_client(&d, 0);
	if (d.listen_fd >= 0) {
		close(d.listen_fd);
		unlink(d.socket_path);
	}
	nfsrtp_close(d.nl);
	nfsrtp_close(d.ev);
	config_free(&d.cfg);
	return rc;
}
