// SPDX-License-Identifier: GPL-2.0
/*
 * srtpctl's offline policy commands: "sdp offer", "sdp answer" and
 * "conference" run the bulletin's policy over a sip.cfg without the kernel.
 *
 * Exit status: 0 done; 2 bad usage, configuration or SDP; 3 the policy
 * rejects the call ("488 Not Acceptable Here: <reason>" on stderr).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "control.h"
#include "negotiate.h"
#include "policy.h"
#include "sdp.h"
#include "srtpctl.h"

#define MAX_CONFIGS	16

struct sdp_opts {
	const char *configs[MAX_CONFIGS];
	unsigned int nconfigs;
	const char *model;
	const char *media;
	bool show_keys;
};

static int usage_error(const char *what)
{
	fprintf(stderr, "srtpctl: %s\n", what);
	fprintf(stderr,
		"usage: srtpctl [-j] sdp {offer|answer} --config FILE [--config FILE ...]\n"
		"                    [--model MODEL] --media ADDR:PORT [--show-keys]\n"
		"       srtpctl [-j] conference --config FILE [...] [--model MODEL]\n");
	return 2;
}

static int parse_opts(int argc, char **argv, struct sdp_opts *o,
		      bool need_media)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--show-keys")) {
			o->show_keys = true;
			continue;
		}
		if (i + 1 >= argc)
			return usage_error("an option lacks its value");
		if (!strcmp(a, "--config")) {
			if (o->nconfigs == MAX_CONFIGS)
				return usage_error("too many --config files");
			o->configs[o->nconfigs++] = argv[++i];
		} else if (!strcmp(a, "--model")) {
			o->model = argv[++i];
		} else if (!strcmp(a, "--media") && need_media) {
			o->media = argv[++i];
		} else {
			fprintf(stderr, "srtpctl: unknown option \"%s\"\n", a);
			return usage_error("see srtpctl(8)");
		}
	}
	if (!o->nconfigs)
		return usage_error("--config FILE is required");
	if (need_media && !o->media)
		return usage_error("--media ADDR:PORT is required");
	return 0;
}

static void print_warnings(const struct srtp_config *c,
			   const struct srtp_policy *p)
{
	size_t i;

	for (i = 0; i < c->nwarnings; i++)
		fprintf(stderr, "srtpctl: warning: %s\n", c->warnings[i]);
	if (p && p->note[0])
		fprintf(stderr, "srtpctl: note: %s\n", p->note);
}

/* Loads the files in order and builds the model's policy; 0 or 2. */
static int load_policy(const struct sdp_opts *o, struct srtp_config *c,
		       struct srtp_policy *p)
{
	char err[512];
	unsigned int i;

	config_init(c);
	for (i = 0; i < o->nconfigs; i++) {
		if (config_load(c, o->configs[i], err, sizeof(err))) {
			fprintf(stderr, "srtpctl: %s\n", err);
			return 2;
		}
	}
	if (policy_build(c, o->model, p, err, sizeof(err))) {
		print_warnings(c, NULL);
		fprintf(stderr, "srtpctl: %s\n", err);
		return 2;
	}
	print_warnings(c, p);
	return 0;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", stdout);
		else if (ch == '\r')
			fputs("\\r", stdout);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void json_key(const struct sdes_key *k, bool show)
{
	char text[512];

	printf("{\"lifetime\":%llu,\"mki_len\":%u",
	       (unsigned long long)k->lifetime, k->mki_len);
	if (show && sdes_format_key(k, text, sizeof(text)) > 0) {
		fputs(",\"key_params\":", stdout);
		json_string(text);
	}
	explicit_bzero(text, sizeof(text));
	putchar('}');
}

static void json_crypto(const struct sdes_crypto *c, bool show)
{
	unsigned int i;

	printf("{\"tag\":%lu,\"suite\":", c->tag);
	json_string(c->suite_name);
	printf(",\"unencrypted_srtp\":%s,\"unencrypted_srtcp\":%s,"
	       "\"unauthenticated_srtp\":%s,\"keys\":[",
	       c->unencrypted_srtp ? "true" : "false",
	       c->unencrypted_srtcp ? "true" : "false",
	       c->unauthenticated_srtp ? "true" : "false");
	for (i = 0; i < c->nkeys; i++) {
		if (i)
			putchar(',');
		json_key(&c->keys[i], show);
	}
	fputs("]}", stdout);
}

static void json_policy(const struct srtp_policy *p)
{
	fputs("\"model\":", stdout);
	json_string(p->model->name);
	printf(",\"srtp\":%s,\"offer\":%s,\"require\":%s",
	       p->srtp ? "true" : "false", p->offer ? "true" : "false",
	       p->require ? "true" : "false");
}

static int print_sdp(const struct sdp *s, bool json_field)
{
	char *text = sdp_format(s);

	if (!text) {
		fprintf(stderr, "srtpctl: out of memory\n");
		return -1;
	}
	if (json_field) {
		fputs("\"sdp\":", stdout);
		json_string(text);
	} else {
		fputs(text, stdout);
	}
	explicit_bzero(text, strlen(text));
	free(text);
	return 0;
}

static int cmd_offer(const struct sdp_opts *o, bool json)
{
	struct srtp_config c;
	struct srtp_policy p;
	struct neg_local l = { 0 };
	struct neg_offer off;
	char err[256];
	unsigned int i;
	int rc;

	if (ctl_parse_media(o->media, &l))
		return usage_error("--media takes ADDR:PORT (IPv6 as [ADDR]:PORT)");
	rc = load_policy(o, &c, &p);
	if (rc)
		goto out;
	if (negotiate_offer(&p, &l, &off, err, sizeof(err))) {
		fprintf(stderr, "srtpctl: %s\n", err);
		rc = 2;
		goto out;
	}
	if (json) {
		putchar('{');
		json_policy(&p);
		fputs(",\"crypto\":[", stdout);
		for (i = 0; i < off.ncrypto; i++) {
			if (i)
				putchar(',');
			json_crypto(&off.crypto[i], o->show_keys);
		}
		fputs("],", stdout);
	}
	rc = print_sdp(&off.sdp, json) ? 2 : 0;
	if (json)
		puts("}");
	negotiate_offer_free(&off);
out:
	config_free(&c);
	return rc;
}

static char *read_all(FILE *f, size_t max, size_t *len)
{
	char *buf = malloc(max + 1);
	size_t n = 0, got;

	if (!buf)
		return NULL;
	while ((got = fread(buf + n, 1, max + 1 - n, f)) > 0) {
		n += got;
		if (n > max)
			break;
	}
	buf[n < max ? n : max] = '\0';
	*len = n;
	return buf;
}

static void json_stream(const struct neg_stream *s, bool show)
{
	printf("{\"index\":%u,\"media\":", s->index);
	json_string(s->media);
	printf(",\"srtp\":%s,\"secure\":%s,\"local\":",
	       s->srtp ? "true" : "false",
	       s->srtp && policy_crypto_secure(&s->local) ? "true" : "false");
	printf(s->local_conn.family == AF_INET6 ? "\"[%s]:%u\"" : "\"%s:%u\"",
	       s->local_conn.addr, s->local_port);
	fputs(",\"remote\":", stdout);
	printf(s->remote_conn.family == AF_INET6 ? "\"[%s]:%u\"" : "\"%s:%u\"",
	       s->remote_conn.addr, s->remote_port);
	printf(",\"remote_rtcp_port\":%u,\"rtcp_mux\":%s",
	       s->remote_rtcp_port, s->rtcp_mux ? "true" : "false");
	if (s->srtp) {
		fputs(",\"local_crypto\":", stdout);
		json_crypto(&s->local, show);
		fputs(",\"remote_crypto\":", stdout);
		json_crypto(&s->remote, show);
	}
	putchar('}');
}

static int cmd_answer(const struct sdp_opts *o, bool json)
{
	struct srtp_config c;
	struct srtp_policy p;
	struct neg_local l = { 0 };
	struct neg_result *r = NULL;
	struct sdp offer, answer;
	char err[512], *text = NULL;
	size_t len, i;
	int rc;

	sdp_init(&offer);
	sdp_init(&answer);
	if (ctl_parse_media(o->media, &l))
		return usage_error("--media takes ADDR:PORT (IPv6 as [ADDR]:PORT)");
	rc = load_policy(o, &c, &p);
	if (rc)
		goto out;
	rc = 2;
	text = read_all(stdin, SDP_MAX_LEN, &len);
	if (!text) {
		fprintf(stderr, "srtpctl: out of memory\n");
		goto out;
	}
	if (len > SDP_MAX_LEN) {
		fprintf(stderr, "srtpctl: the offer is longer than %d bytes\n",
			SDP_MAX_LEN);
		goto out;
	}
	if (sdp_parse(text, len, &offer, err, sizeof(err))) {
		fprintf(stderr, "srtpctl: the offer SDP is invalid: %s\n", err);
		goto out;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		goto out;
	rc = negotiate_answer(&p, &offer, &l, &answer, r, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "srtpctl: %s\n", err);
		rc = 2;
		goto out;
	}
	if (rc == NEG_REJECTED) {
		fprintf(stderr, "488 Not Acceptable Here: %s\n", r->reason);
		if (json) {
			printf("{\"status\":\"rejected\",\"code\":488,\"reason\":");
			json_string(r->reason);
			puts("}");
		}
		rc = 3;
		goto out;
	}
	if (json) {
		fputs("{\"status\":\"accepted\",", stdout);
		json_policy(&p);
		printf(",\"secure\":%s,\"streams\":[",
		       r->secure ? "true" : "false");
		for (i = 0; i < r->nstreams; i++) {
			if (i)
				putchar(',');
			json_stream(&r->streams[i], o->show_keys);
		}
		fputs("],", stdout);
	}
	rc = print_sdp(&answer, json) ? 2 : 0;
	if (json)
		puts("}");
out:
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	if (r) {
		negotiate_result_wipe(r);
		free(r);
	}
	sdp_free(&offer);
	sdp_free(&answer);
	config_free(&c);
	return rc;
}

int srtpctl_sdp(int argc, char **argv, bool json)
{
	struct sdp_opts o;

	if (argc < 1)
		return usage_error("sdp: expected offer or answer");
	if (parse_opts(argc - 1, argv + 1, &o, true))
		return 2;
	if (!strcmp(argv[0], "offer"))
		return cmd_offer(&o, json);
	if (!strcmp(argv[0], "answer"))
		return cmd_answer(&o, json);
	return usage_error("sdp: expected offer or answer");
}

int srtpctl_conference(int argc, char **argv, bool json)
{
	struct srtp_config c;
	struct srtp_policy p;
	struct sdp_opts o;
	int rc;

	if (parse_opts(argc, argv, &o, false))
		return 2;
	rc = load_policy(&o, &c, &p);
	if (!rc) {
		const char *verdict = p.local_conference ? "allowed" :
				      "Service unavailable";

		if (json) {
			putchar('{');
			json_policy(&p);
			printf(",\"local_conference\":%s,\"verdict\":",
			       p.local_conference ? "true" : "false");
			json_string(verdict);
			puts("}");
		} else {
			puts(verdict);
		}
	}
	config_free(&c);
	return rc;
}
