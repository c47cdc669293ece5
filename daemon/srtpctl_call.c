// SPDX-License-Identifier: GPL-2.0
/*
 * srtpctl call: a client of srtpd's control socket, for operators and
 * scripts: one request per invocation, the reply's SDP on stdout.
 *
 * Exit status: 0 (200), 2 (400, usage, no daemon), 3 (488), 4 (404),
 * 1 (500 or anything else).
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "srtpctl.h"

#define DEFAULT_SOCKET	"/run/srtpd.sock"

static int usage(const char *what)
{
	fprintf(stderr, "srtpctl: call: %s\n", what);
	fprintf(stderr,
		"usage: srtpctl call offer CALL-ID media ADDR:PORT [model MODEL]\n"
		"       srtpctl call answer CALL-ID media ADDR:PORT [model MODEL] [from ADDR] < OFFER.sdp\n"
		"       srtpctl call complete CALL-ID [from ADDR] < ANSWER.sdp\n"
		"       srtpctl call {delete CALL-ID | list | ping}\n"
		"       srtpctl call watch [count N] [timeout SECONDS]\n"
		"       any of them followed by: socket PATH (default %s)\n",
		DEFAULT_SOCKET);
	return 2;
}

static int connect_daemon(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "srtpctl: socket path too long\n");
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "srtpctl: cannot reach srtpd at %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Receives one message into @buf (NUL-terminated); its length or -1. */
static ssize_t recv_msg(int fd, char *buf, size_t size, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	n = recv(fd, buf, size - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* Prints a reply: its body on stdout, the rest on stderr; the exit code. */
static int show_reply(const char *msg, bool json)
{
	const char *body = strstr(msg, "\n\n");
	const char *reason = strstr(msg, "\nReason: ");
	const char *secure = strstr(msg, "\nSecure: ");
	int code = atoi(msg);

	body = body ? body + 2 : "";
	if (json) {
		printf("{\"code\":%d,\"secure\":%s", code,
		       secure && !strncmp(secure + 9, "yes", 3) ? "true" : "false");
		if (reason) {
			int n = (int)strcspn(reason + 9, "\n");

			fputs(",\"reason\":\"", stdout);
			for (int i = 0; i < n; i++) {
				char ch = reason[9 + i];

				if (ch == '"' || ch == '\\')
					putchar('\\');
				putchar(ch);
			}
			putchar('"');
		}
		puts("}");
		if (code == 200)
			fputs(body, stdout);
	} else if (code == 200) {
		fputs(body, stdout);
		if (secure)
			fprintf(stderr, "secure: %.*s\n",
				(int)strcspn(secure + 9, "\n"), secure + 9);
	} else {
		fprintf(stderr, "srtpctl: %.*s\n", (int)strcspn(msg, "\n"), msg);
		if (reason)
			fprintf(stderr, "srtpctl: %.*s\n",
				(int)strcspn(reason + 1, "\n"), reason + 1);
	}
	switch (code) {
	case 200:
		return 0;
	case 400:
		return 2;
	case 488:
		return 3;
	case 404:
		return 4;
	case 403:
		return 5;
	default:
		return 1;
	}
}

static char *read_stdin(size_t *len)
{
	size_t size = CTL_MSG_MAX, n = 0, got;
	char *buf = malloc(size + 1);

	if (!buf)
		return NULL;
	while (n < size && (got = fread(buf + n, 1, size - n, stdin)) > 0)
		n += got;
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* watch: SUBSCRIBE and print every event until count or timeout. */
static int watch(int fd, char *buf, size_t size, long count, long timeout)
{
	time_t end = timeout > 0 ? time(NULL) + timeout : 0;
	long seen = 0;

	if (send(fd, "SUBSCRIBE\n\n", 11, MSG_NOSIGNAL) < 0 ||
	    recv_msg(fd, buf, size, 5000) < 0 || atoi(buf) != 200) {
		fprintf(stderr, "srtpctl: srtpd refused SUBSCRIBE\n");
		return 1;
	}
	puts("subscribed");
	fflush(stdout);
	while (!count || seen < count) {
		int left = end ? (int)(end - time(NULL)) * 1000 : -1;

		if (end && left <= 0)
			break;
		if (recv_msg(fd, buf, size, left) < 0)
			break;
		fputs(buf, stdout);
		puts("");
		fflush(stdout);
		seen++;
	}
	return count && seen < count ? 1 : 0;
}

int srtpctl_call(int argc, char **argv, bool json)
{
	const char *path = getenv("SRTPD_SOCKET"), *verb, *id = NULL;
	const char *media = NULL, *model = NULL, *from = NULL;
	long count = 0, timeout = 0;
	char *body = NULL, *msg, *buf;
	size_t blen = 0, mlen;
	int i, fd, rc;

	if (argc < 1)
		return usage("expected a command");
	verb = argv[0];
	if (strcmp(verb, "offer") && strcmp(verb, "answer") &&
	    strcmp(verb, "complete") && strcmp(verb, "delete") &&
	    strcmp(verb, "list") && strcmp(verb, "ping") &&
	    strcmp(verb, "watch"))
		return usage("unknown command");
	i = 1;
	if (!strcmp(verb, "offer") || !strcmp(verb, "answer") ||
	    !strcmp(verb, "complete") || !strcmp(verb, "delete")) {
		if (argc < 2)
			return usage("expected a CALL-ID");
		id = argv[i++];
	}
	for (; i < argc; i += 2) {
		if (i + 1 >= argc)
			return usage("a keyword lacks its value");
		if (!strcmp(argv[i], "socket"))
			path = argv[i + 1];
		else if (!strcmp(argv[i], "media"))
			media = argv[i + 1];
		else if (!strcmp(argv[i], "model"))
			model = argv[i + 1];
		else if (!strcmp(argv[i], "from"))
			from = argv[i + 1];
		else if (!strcmp(argv[i], "count"))
			count = strtol(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "timeout"))
			timeout = strtol(argv[i + 1], NULL, 10);
		else
			return usage("unknown keyword");
	}
	if (!path)
		path = DEFAULT_SOCKET;
	if ((!strcmp(verb, "offer") || !strcmp(verb, "answer")) && !media)
		return usage("media ADDR:PORT is required");
	fd = connect_daemon(path);
	if (fd < 0)
		return 2;
	buf = malloc(CTL_MSG_MAX + 1);
	if (!buf) {
		close(fd);
		return 1;
	}
	if (!strcmp(verb, "watch")) {
		rc = watch(fd, buf, CTL_MSG_MAX + 1, count, timeout);
		goto out;
	}
	if (!strcmp(verb, "answer") || !strcmp(verb, "complete")) {
		body = read_stdin(&blen);
		if (!body) {
			rc = 1;
			goto out;
		}
	}
	/* the verb, the header names and line ends fit in 100 bytes */
	mlen = 100 + strlen(verb) + (id ? strlen(id) : 0) +
	       (media ? strlen(media) : 0) +
	       (model ? strlen(model) : 0) + (from ? strlen(from) : 0) + blen;
	msg = malloc(mlen);
	if (!msg) {
		rc = 1;
		goto out;
	}
	for (const char *p = verb; *p; p++)	/* the verb in capitals */
		buf[p - verb] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	buf[strlen(verb)] = '\0';
	rc = snprintf(msg, mlen, "%s\n%s%s%s%s%s%s%s%s%s%s%s%s\n%s", buf,
		      id ? "Call-ID: " : "", id ? id : "", id ? "\n" : "",
		      media ? "Media: " : "", media ? media : "",
		      media ? "\n" : "", model ? "Model: " : "",
		      model ? model : "", model ? "\n" : "",
		      from ? "Received-From: " : "", from ? from : "",
		      from ? "\n" : "", body ? body : "");
	if (send(fd, msg, (size_t)rc, MSG_NOSIGNAL) < 0 ||
	    recv_msg(fd, buf, CTL_MSG_MAX + 1, 30000) < 0) {
		fprintf(stderr, "srtpctl: no reply from srtpd\n");
		rc = 1;
	} else {
		rc = show_reply(buf, json);
	}
	explicit_bzero(msg, mlen);
	free(msg);
out:
	if (body) {
		explicit_bzero(body, blen);
		free(body);
	}
	explicit_bzero(buf, CTL_MSG_MAX + 1);
	free(buf);
	close(fd);
	return rc;
}
