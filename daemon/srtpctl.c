// SPDX-License-Identifier: GPL-2.0
/*
 * srtpctl: the administrator's command line for nf_srtp, in the manner of
 * iproute2.  See Documentation/srtpctl.8.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/nfsrtp.h"
#include "pcap.h"
#include "sdes.h"
#include "srtpctl.h"

static int json_output;
static int show_stats;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: srtpctl [-j] [-s] [-n NETNS] OBJECT COMMAND [ARGS]\n"
		"  srtpctl stats\n"
		"  srtpctl stream add {protect|unprotect} [src ADDR[:PORT]] dst {ADDR:PORT|any}\n"
		"                     suite SUITE key inline:KEY_SALT[|LIFETIME][|MKI:LEN] [key ...]\n"
		"                     [no-auth] [no-encrypt-rtp] [no-encrypt-rtcp]\n"
		"                     [window N] [rtcp-mux] [rtcp-port SPORT:DPORT] [reassemble]\n"
		"                     [ssrc SSRC] [latch [peer ADDR:PORT] [rtcp-peer ADDR:PORT]]\n"
		"  srtpctl stream del ID\n"
		"  srtpctl stream show [ID]\n"
		"  srtpctl stream flush\n"
		"  srtpctl stream set ID [key KEY_PARAMS ...] [active N]\n"
		"  srtpctl stream set ID {replace|new-session} [suite SUITE] [no-auth] [no-encrypt-rtp]\n"
		"                     [no-encrypt-rtcp] [reassemble] [window N]\n"
		"                     key KEY_PARAMS [key ...] [active N]\n"
		"  srtpctl stream set ID [src ADDR[:PORT]] dst ADDR:PORT [rtcp-port S:D]\n"
		"                     [rtcp-mux|no-rtcp-mux] [...]\n"
		"  srtpctl stream set ID ssrc {SSRC|none} [...]\n"
		"  srtpctl stream set ID {latch|no-latch} [...]\n"
		"  srtpctl monitor [count N] [timeout SECONDS]\n"
		"  srtpctl pcap {decrypt|encrypt} IN.pcap OUT.pcap suite SUITE key KEY_PARAMS\n"
		"               [key ...] [filter BPF] [no-auth] [no-encrypt-rtp]\n"
		"               [no-encrypt-rtcp] [keep-failed]\n"
		"  srtpctl sdp {offer|answer} --config FILE [--config FILE ...]\n"
		"              [--model MODEL] --media ADDR:PORT [--show-keys]\n"
		"  srtpctl conference --config FILE [--config FILE ...] [--model MODEL]\n"
		"  srtpctl call {offer|answer} CALL-ID media ADDR:PORT [model MODEL]\n"
		"  srtpctl call {complete|delete} CALL-ID; srtpctl call {list|ping}\n"
		"  srtpctl call watch [count N] [timeout SECONDS]   (socket PATH)\n"
		"ADDR is IPv4 or [IPv6]; SUITE is an RFC 4568/6188/7714 name;\n"
		"SSRC is 0-4294967295 or 0x0-0xffffffff (the stream's one SSRC).\n"
		"Options: -j JSON output, -s counters, -b FILE commands from FILE\n"
		"         (\"-\": standard input), -n NETNS in network namespace\n"
		"         NETNS (a name of ip netns, or a path), -h this text.\n");
}

static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("srtpctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static struct nfsrtp *handle;	/* one netlink socket for all commands */

static int open_module(struct nfsrtp **h)
{
	int err = 0;

	if (!handle)
		err = nfsrtp_open(&handle);
	*h = handle;

	if (err == -ENOENT)
		fprintf(stderr,
			"srtpctl: generic netlink family \"nf_srtp\" not found: is nf_srtp.ko loaded?\n");
	else if (err)
		fprintf(stderr, "srtpctl: cannot open generic netlink: %s\n",
			strerror(-err));
	return err;
}

/* Runs one request; prints the kernel's reason on failure. */
static int kernel_error(struct nfsrtp *h, const char *what)
{
	fprintf(stderr, "srtpctl: %s: %s\n", what, nfsrtp_last_error(h));
	return 1;
}

static void print_drops_json(const uint64_t *drops)
{
	unsigned int i;
	int first = 1;

	for (i = 1; i <= NF_SRTP_DROP_MAX; i++)
		if (drops[i]) {
			printf("%s\"%s\":%llu", first ? "" : ",",
			       nfsrtp_drop_name(i),
			       (unsigned long long)drops[i]);
			first = 0;
		}
}

static void print_drops_text(const uint64_t *drops, const char *label)
{
	unsigned int i;

	printf("%s", label);
	for (i = 1; i <= NF_SRTP_DROP_MAX; i++)
		if (drops[i])
			printf(" %s %llu", nfsrtp_drop_name(i),
			       (unsigned long long)drops[i]);
	printf("\n");
}

static int cmd_stats(int argc, char **argv)
{
	struct nfsrtp_stats st;
	struct nfsrtp *h;
	int err;

	(void)argv;
	if (argc > 0)
		return fail("stats takes no argument");
	if (open_module(&h))
		return 1;
	err = nfsrtp_get_stats(h, &st);
	if (err) {
		kernel_error(h, "stats");
		return 1;
	}

	if (json_output) {
		printf("{\"version\":%u,\"streams\":%u,\"protected\":%llu,"
		       "\"unprotected\":%llu,\"stun\":%llu,\"drops\":{",
		       st.version, st.streams, (unsigned long long)st.protected,
		       (unsigned long long)st.unprotected,
		       (unsigned long long)st.stun);
		print_drops_json(st.drops);
		printf("},\"defrag\":[%s%s%s]}\n",
		       st.defrag & NF_SRTP_DEFRAG_IPV4 ? "\"ipv4\"" : "",
		       st.defrag == (NF_SRTP_DEFRAG_IPV4 | NF_SRTP_DEFRAG_IPV6) ?
		       "," : "",
		       st.defrag & NF_SRTP_DEFRAG_IPV6 ? "\"ipv6\"" : "");
	} else {
		printf("nf_srtp API version %u\nstreams %u\n", st.version,
		       st.streams);
		printf("protected %llu unprotected %llu stun %llu\n",
		       (unsigned long long)st.protected,
		       (unsigned long long)st.unprotected,
		       (unsigned long long)st.stun);
		print_drops_text(st.drops, "drops");
		printf("defragmentation%s%s%s\n",
		       st.defrag & NF_SRTP_DEFRAG_IPV4 ? " ipv4" : "",
		       st.defrag & NF_SRTP_DEFRAG_IPV6 ? " ipv6" : "",
		       st.defrag ? "" : " off");
	}
	return 0;
}

/*
 * ADDR, ADDR:PORT, [V6ADDR] or [V6ADDR]:PORT.  *port stays 0 when none is
 * given.  Returns 0 or -1.
 */
static int parse_endpoint(const char *text, int *family, uint8_t *addr,
			  uint16_t *port)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *portstr = NULL;
	char *end;
	int fam;

	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close)
			return -1;
		*close = '\0';
		if (close[1] == ':')
			portstr = close + 2;
		else if (close[1])
			return -1;
		memmove(buf, buf + 1, strlen(buf));
		fam = AF_INET6;
	} else {
		char *colon = strchr(buf, ':');

		if (colon) {
			if (strchr(colon + 1, ':'))
				return -1;	/* IPv6 needs brackets */
			*colon = '\0';
			portstr = colon + 1;
		}
		fam = AF_INET;
	}
	if (inet_pton(fam, buf, addr) != 1)
		return -1;
	if (*family && *family != fam)
		return -1;
	*family = fam;
	*port = 0;
	if (portstr) {
		unsigned long p;

		errno = 0;
		p = strtoul(portstr, &end, 10);
		if (errno || *end || end == portstr || p < 1 || p > 65535)
			return -1;
		*port = (uint16_t)p;
	}
	return 0;
}

static int parse_u32(const char *text, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || end == text || text[0] == '-' || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* An SSRC: decimal, or hexadecimal after 0x; no sign, no blanks. */
static int parse_ssrc(const char *text, uint32_t *out)
{
	const char *digits = text;
	unsigned long v;
	int base = 10;
	char *end;

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		digits = text + 2;
		base = 16;
	}
	if (!isxdigit((unsigned char)digits[0]))
		return -1;
	errno = 0;
	v = strtoul(digits, &end, base);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/*
 * The value of "ssrc": an SSRC to pin the stream to, or (@none_ok, for
 * "stream set") "none" for no pin.
 */
static int parse_pin(const char *text, int none_ok, bool *pinned,
		     uint32_t *ssrc)
{
	if (none_ok && !strcmp(text, "none")) {
		*pinned = false;
		*ssrc = 0;
		return 0;
	}
	if (parse_ssrc(text, ssrc))
		return fail("ssrc: \"%s\" is not an SSRC (0-4294967295 or 0x0-0xffffffff%s)",
			    text, none_ok ? ", or \"none\"" : "");
	*pinned = true;
	return 0;
}

/* Parses RFC 4568 key-params into keys[*nkeys] for @suite. */
static int parse_key(uint32_t suite, const char *text, struct nfsrtp_key *keys,
		     unsigned int *nkeys)
{
	struct nfsrtp_key *k;
	struct sdes_key sk;
	char err[160];

	if (!suite)
		return fail("\"suite\" must come before \"key\"");
	if (*nkeys == NFSRTP_KEYS_MAX)
		return fail("at most %d keys per stream", NFSRTP_KEYS_MAX);
	if (sdes_parse_key((enum sdes_suite)suite, text, strlen(text), &sk,
			   err, sizeof(err)))
		return fail("key %u: %s", *nkeys + 1, err);
	k = &keys[(*nkeys)++];
	memcpy(k->key, sk.key, sk.key_len);
	memcpy(k->salt, sk.salt, sk.salt_len);
	k->key_len = sk.key_len;
	k->salt_len = sk.salt_len;
	k->lifetime = sk.lifetime;
	k->mki_len = sk.mki_len;
	memcpy(k->mki, sk.mki, sk.mki_len);
	sdes_key_wipe(&sk);
	return 0;
}

static int parse_rtcp_ports(const char *text, struct nfsrtp_stream *s)
{
	unsigned int sp, dp;
	char tail;

	if (sscanf(text, "%u:%u%c", &sp, &dp, &tail) != 2 || sp > 65535 ||
	    dp < 1 || dp > 65535)
		return -1;
	s->rtcp_sport = (uint16_t)sp;
	s->rtcp_dport = (uint16_t)dp;
	return 0;
}

/*
 * "dst any" (*@any_dst): a protect stream matched by its source alone; the
 * family is the source's and the destination stays all zero.
 */
static int parse_stream_args(int argc, char **argv, struct nfsrtp_stream *s,
			     bool *any_dst)
{
	int i;

	if (argc < 1)
		return fail("stream add: protect or unprotect?");
	if (!strcmp(argv[0], "protect"))
		s->op = NF_SRTP_OP_PROTECT;
	else if (!strcmp(argv[0], "unprotect"))
		s->op = NF_SRTP_OP_UNPROTECT;
	else
		return fail("stream add: \"%s\": expected protect or unprotect",
			    argv[0]);

	for (i = 1; i < argc; i++) {
		const char *kw = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		int rc;

		if (!strcmp(kw, "no-auth")) {
			s->flags |= NF_SRTP_F_UNAUTHENTICATED_SRTP;
			continue;
		} else if (!strcmp(kw, "no-encrypt-rtp")) {
			s->flags |= NF_SRTP_F_UNENCRYPTED_SRTP;
			continue;
		} else if (!strcmp(kw, "no-encrypt-rtcp")) {
			s->flags |= NF_SRTP_F_UNENCRYPTED_SRTCP;
			continue;
		} else if (!strcmp(kw, "rtcp-mux")) {
			s->flags |= NF_SRTP_F_RTCP_MUX;
			continue;
		} else if (!strcmp(kw, "reassemble")) {
			s->flags |= NF_SRTP_F_REASSEMBLE;
			continue;
		} else if (!strcmp(kw, "latch")) {
			s->flags |= NF_SRTP_F_LATCH;
			continue;
		}
		if (!val)
			return fail("\"%s\" needs a value", kw);
		i++;
		if (!strcmp(kw, "src")) {
			if (parse_endpoint(val, &s->family, s->saddr, &s->sport))
				return fail("src: \"%s\" is not ADDR[:PORT] of the stream's family", val);
			s->has_saddr = true;
		} else if (!strcmp(kw, "dst")) {
			if (!strcmp(val, "any")) {
				*any_dst = true;
				continue;
			}
			if (parse_endpoint(val, &s->family, s->daddr, &s->dport) ||
			    !s->dport)
				return fail("dst: \"%s\" is not ADDR:PORT of the stream's family", val);
		} else if (!strcmp(kw, "suite")) {
			s->suite = nfsrtp_suite_by_name(val);
			if (!s->suite)
				return fail("unknown suite \"%s\"", val);
		} else if (!strcmp(kw, "key")) {
			rc = parse_key(s->suite, val, s->keys, &s->nkeys);
			if (rc)
				return rc;
		} else if (!strcmp(kw, "window")) {
			if (parse_u32(val, &s->window) || s->window < 64 ||
			    s->window > 1024)
				return fail("window: \"%s\" is not 64-1024", val);
		} else if (!strcmp(kw, "rtcp-port")) {
			if (parse_rtcp_ports(val, s))
				return fail("rtcp-port: \"%s\" is not SPORT:DPORT", val);
		} else if (!strcmp(kw, "ssrc")) {
			rc = parse_pin(val, 0, &s->pinned, &s->pin_ssrc);
			if (rc)
				return rc;
		} else if (!strcmp(kw, "peer") || !strcmp(kw, "rtcp-peer")) {
			struct nfsrtp_peer *p = kw[0] == 'p' ? &s->peer :
							       &s->rtcp_peer;

			if (parse_endpoint(val, &s->family, p->addr, &p->port) ||
			    !p->port)
				return fail("%s: \"%s\" is not ADDR:PORT of the stream's family",
					    kw, val);
			p->family = s->family;
		} else {
			return fail("stream add: unknown keyword \"%s\"", kw);
		}
	}
	if (*any_dst && (s->dport || !s->has_saddr || !s->sport))
		return fail("stream add: \"dst any\" needs \"src ADDR:PORT\" and no other dst");
	if (!s->dport && !*any_dst)
		return fail("stream add: \"dst ADDR:PORT\" is required");
	if (!s->suite)
		return fail("stream add: \"suite SUITE\" is required");
	if (!s->nkeys)
		return fail("stream add: at least one \"key\" is required");
	return 0;
}

static int cmd_stream_add(int argc, char **argv)
{
	struct nfsrtp_stream *s = calloc(1, sizeof(*s));
	bool any_dst = false;
	struct nfsrtp *h;
	uint32_t id;
	int rc;

	if (!s)
		return fail("out of memory");
	rc = parse_stream_args(argc, argv, s, &any_dst);
	if (rc)
		goto out;
	rc = 1;
	if (open_module(&h))
		goto out;
	if (nfsrtp_stream_add(h, s, &id)) {
		kernel_error(h, "stream add");
		goto out;
	}
	if (json_output)
		printf("{\"id\":%u}\n", id);
	else
		printf("stream %u\n", id);
	rc = 0;
out:
	nfsrtp_stream_wipe(s);
	free(s);
	return rc;
}

static int cmd_stream_del(int argc, char **argv)
{
	struct nfsrtp *h;
	uint32_t id;
	int rc = 0;

	if (argc != 1 || parse_u32(argv[0], &id) || !id)
		return fail("stream del: expected one stream ID");
	if (open_module(&h))
		return 1;
	if (nfsrtp_stream_del(h, id))
		rc = kernel_error(h, "stream del");
	return rc;
}

static int cmd_stream_flush(int argc, char **argv)
{
	struct nfsrtp *h;
	int rc = 0;

	(void)argv;
	if (argc)
		return fail("stream flush takes no argument");
	if (open_module(&h))
		return 1;
	if (nfsrtp_stream_flush(h))
		rc = kernel_error(h, "stream flush");
	return rc;
}

/* Whether @n bytes at @p are all zero. */
static bool memchr_inv_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return true;
	return false;
}

static void format_endpoint(int family, const uint8_t *addr, uint16_t port,
			    char *out, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (!port && !memchr_inv_zero(addr, family == AF_INET6 ? 16 : 4)) {
		snprintf(out, size, "any");
		return;
	}
	inet_ntop(family, addr, a, sizeof(a));
	if (family == AF_INET6)
		snprintf(out, size, port ? "[%s]:%u" : "[%s]", a, port);
	else
		snprintf(out, size, port ? "%s:%u" : "%s", a, port);
}

static void format_mki(const struct nfsrtp_key *k, char *out, size_t size)
{
	size_t off = 0;
	unsigned int i;

	out[0] = '\0';
	for (i = 0; i < k->mki_len && off + 3 <= size; i++)
		off += (size_t)snprintf(out + off, size - off, "%02x",
					k->mki[i]);
}

static const char *flag_names[] = {
	"no-encrypt-rtp", "no-encrypt-rtcp", "no-auth", "rtcp-mux",
	"reassemble", "latch",
};

/* A latching stream's peer, "ADDR:PORT", or "" when it has none. */
static void format_peer(const struct nfsrtp_peer *p, char *out, size_t size)
{
	out[0] = '\0';
	if (p->port)
		format_endpoint(p->family, p->addr, p->port, out, size);
}

/* " peer ADDR:PORT rtcp-peer ADDR:PORT", each part only when known. */
static void print_peers_text(const struct nfsrtp_peer *rtp,
			     const struct nfsrtp_peer *rtcp)
{
	char buf[64];

	format_peer(rtp, buf, sizeof(buf));
	if (buf[0])
		printf(" peer %s", buf);
	format_peer(rtcp, buf, sizeof(buf));
	if (buf[0])
		printf(" rtcp-peer %s", buf);
}

static void print_text(const struct nfsrtp_stream *s)
{
	char src[64] = "any", dst[64], mki[2 * NFSRTP_MKI_MAX + 1];
	unsigned int i;

	if (s->has_saddr)
		format_endpoint(s->family, s->saddr, s->sport, src, sizeof(src));
	format_endpoint(s->family, s->daddr, s->dport, dst, sizeof(dst));
	printf("stream %u %s src %s dst %s suite %s window %u", s->id,
	       s->op == NF_SRTP_OP_PROTECT ? "protect" : "unprotect", src, dst,
	       nfsrtp_suite_name(s->suite), s->window);
	if (!(s->flags & NF_SRTP_F_RTCP_MUX))
		printf(" rtcp-port %u:%u", s->rtcp_sport, s->rtcp_dport);
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (s->flags & (1u << i))
			printf(" %s", flag_names[i]);
	if (s->pinned)
		printf(" ssrc 0x%08x", s->pin_ssrc);
	print_peers_text(&s->peer, &s->rtcp_peer);
	printf("\n");
	for (i = 0; i < s->nkeys; i++) {
		const struct nfsrtp_key *k = &s->keys[i];

		printf("    key %u%s", k->index, k->active ? " active" : "");
		if (k->mki_len) {
			format_mki(k, mki, sizeof(mki));
			printf(" mki 0x%s", mki);
		}
		if (k->lifetime)
			printf(" lifetime %llu", (unsigned long long)k->lifetime);
		if (show_stats)
			printf(" packets %llu", (unsigned long long)k->packets);
		printf("\n");
	}
	if (!show_stats)
		return;
	printf("    packets %llu bytes %llu stun %llu rtcp-packets %llu rtcp-bytes %llu rtcp-drops %llu",
	       (unsigned long long)s->packets, (unsigned long long)s->bytes,
	       (unsigned long long)s->stun,
	       (unsigned long long)s->rtcp_packets,
	       (unsigned long long)s->rtcp_bytes,
	       (unsigned long long)s->rtcp_drops);
	if (s->flags & NF_SRTP_F_LATCH)
		printf(" latches %llu", (unsigned long long)s->latches);
	printf("\n");
	print_drops_text(s->drops, "    drops");
}

/* ,"peer":"ADDR:PORT"|null,"rtcp_peer":... */
static void print_peers_json(const struct nfsrtp_peer *rtp,
			     const struct nfsrtp_peer *rtcp)
{
	const struct nfsrtp_peer *p[2] = { rtp, rtcp };
	const char *name[2] = { "peer", "rtcp_peer" };
	char buf[64];
	int i;

	for (i = 0; i < 2; i++) {
		format_peer(p[i], buf, sizeof(buf));
		if (buf[0])
			printf(",\"%s\":\"%s\"", name[i], buf);
		else
			printf(",\"%s\":null", name[i]);
	}
}

static void print_json(const struct nfsrtp_stream *s, int first)
{
	char src[64], dst[64], mki[2 * NFSRTP_MKI_MAX + 1];
	unsigned int i;

	format_endpoint(s->family, s->daddr, s->dport, dst, sizeof(dst));
	printf("%s{\"id\":%u,\"op\":\"%s\",", first ? "" : ",", s->id,
	       s->op == NF_SRTP_OP_PROTECT ? "protect" : "unprotect");
	if (s->has_saddr) {
		format_endpoint(s->family, s->saddr, s->sport, src, sizeof(src));
		printf("\"src\":\"%s\",", src);
	} else {
		printf("\"src\":null,");
	}
	printf("\"dst\":\"%s\",\"suite\":\"%s\",\"window\":%u,\"flags\":[",
	       dst, nfsrtp_suite_name(s->suite), s->window);
	for (i = 0, first = 1; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (s->flags & (1u << i)) {
			printf("%s\"%s\"", first ? "" : ",", flag_names[i]);
			first = 0;
		}
	printf("]");
	if (!(s->flags & NF_SRTP_F_RTCP_MUX))
		printf(",\"rtcp_src_port\":%u,\"rtcp_dst_port\":%u",
		       s->rtcp_sport, s->rtcp_dport);
	if (s->pinned)
		printf(",\"ssrc\":%u", s->pin_ssrc);
	else
		printf(",\"ssrc\":null");
	print_peers_json(&s->peer, &s->rtcp_peer);
	printf(",\"keys\":[");
	for (i = 0; i < s->nkeys; i++) {
		const struct nfsrtp_key *k = &s->keys[i];

		format_mki(k, mki, sizeof(mki));
		printf("%s{\"index\":%u,\"mki\":%s%s%s,\"lifetime\":%llu,"
		       "\"packets\":%llu,\"active\":%s}",
		       i ? "," : "", k->index, k->mki_len ? "\"" : "",
		       k->mki_len ? mki : "null", k->mki_len ? "\"" : "",
		       (unsigned long long)k->lifetime,
		       (unsigned long long)k->packets,
		       k->active ? "true" : "false");
	}
	printf("],\"packets\":%llu,\"bytes\":%llu,\"rtcp-packets\":%llu,"
	       "\"rtcp-bytes\":%llu,\"rtcp-drops\":%llu,\"stun\":%llu,"
	       "\"latches\":%llu,\"drops\":{",
	       (unsigned long long)s->packets, (unsigned long long)s->bytes,
	       (unsigned long long)s->rtcp_packets,
	       (unsigned long long)s->rtcp_bytes,
	       (unsigned long long)s->rtcp_drops,
	       (unsigned long long)s->stun,
	       (unsigned long long)s->latches);
	print_drops_json(s->drops);
	printf("}}");
}

static int show_one(const struct nfsrtp_stream *s, void *arg)
{
	int *count = arg;

	if (json_output)
		print_json(s, *count == 0);
	else
		print_text(s);
	(*count)++;
	return 0;
}

static int cmd_stream_show(int argc, char **argv)
{
	struct nfsrtp_stream *s = NULL;
	struct nfsrtp *h;
	int count = 0, rc = 0, err;
	uint32_t id = 0;

	if (argc > 1 || (argc == 1 && (parse_u32(argv[0], &id) || !id)))
		return fail("stream show: expected at most one stream ID");
	if (open_module(&h))
		return 1;
	if (json_output)
		printf("[");
	if (id) {
		s = calloc(1, sizeof(*s));
		err = s ? nfsrtp_stream_get(h, id, s) : -ENOMEM;
		if (!err)
			show_one(s, &count);
		free(s);
	} else {
		err = nfsrtp_stream_dump(h, show_one, &count);
	}
	if (json_output)
		printf("]\n");
	if (err)
		rc = kernel_error(h, "stream show");
	return rc;
}

/*
 * stream set ID [key K ...] [active N]
 * stream set ID {replace|new-session} [suite SUITE] [no-auth] [no-encrypt-rtp] [no-encrypt-rtcp]
 *                       [window N] key K [key K ...] [active N]
 * and, with either or alone, a new match:
 *               [src ADDR[:PORT]] dst ADDR:PORT [rtcp-port SPORT:DPORT]
 *               [rtcp-mux|no-rtcp-mux]
 * and a new SSRC pin: ssrc {SSRC|none}
 * and latching on or off (unprotect): latch|no-latch
 */
static int parse_set_args(int argc, char **argv, const struct nfsrtp_stream *cur,
			  struct nfsrtp_stream_update *u, struct nfsrtp_stream *m)
{
	bool replace = false;
	int i, rc, mux = -1, latch = -1;

	for (i = 0; i < argc; i++) {
		const char *kw = argv[i];

		if (!strcmp(kw, "replace") || !strcmp(kw, "new-session")) {
			replace = true;
			u->set_params = true;
			u->new_session = !strcmp(kw, "new-session");
			u->flags = cur->flags & (NF_SRTP_F_RTCP_MUX |
						 NF_SRTP_F_REASSEMBLE |
						 NF_SRTP_F_LATCH);
		} else if (!strcmp(kw, "rtcp-mux") || !strcmp(kw, "no-rtcp-mux")) {
			mux = !strcmp(kw, "rtcp-mux");
		} else if (!strcmp(kw, "latch") || !strcmp(kw, "no-latch")) {
			latch = !strcmp(kw, "latch");
		} else if (!strcmp(kw, "no-auth") && u->set_params) {
			u->flags |= NF_SRTP_F_UNAUTHENTICATED_SRTP;
		} else if (!strcmp(kw, "no-encrypt-rtp") && u->set_params) {
			u->flags |= NF_SRTP_F_UNENCRYPTED_SRTP;
		} else if (!strcmp(kw, "no-encrypt-rtcp") && u->set_params) {
			u->flags |= NF_SRTP_F_UNENCRYPTED_SRTCP;
		} else if (!strcmp(kw, "reassemble") && u->set_params) {
			u->flags |= NF_SRTP_F_REASSEMBLE;
		} else if (i + 1 >= argc) {
			return fail("stream set: \"%s\" needs a value, or \"replace\" first", kw);
		} else if (!strcmp(kw, "suite") && u->set_params) {
			if (u->nkeys)
				return fail("stream set: \"suite\" goes before the keys");
			u->suite = nfsrtp_suite_by_name(argv[++i]);
			if (!u->suite)
				return fail("unknown suite \"%s\"", argv[i]);
		} else if (!strcmp(kw, "key")) {
			rc = parse_key(u->suite ? u->suite : cur->suite, argv[++i],
				       u->keys, &u->nkeys);
			if (rc)
				return rc;
		} else if (!strcmp(kw, "active")) {
			if (parse_u32(argv[++i], &u->active))
				return fail("active: \"%s\" is not a key index", argv[i]);
			u->set_active = true;
		} else if (!strcmp(kw, "window") && u->set_params) {
			if (parse_u32(argv[++i], &u->window) || u->window < 64 ||
			    u->window > 1024)
				return fail("window: \"%s\" is not 64-1024", argv[i]);
		} else if (!strcmp(kw, "src")) {
			if (parse_endpoint(argv[++i], &m->family, m->saddr,
					   &m->sport))
				return fail("src: \"%s\" is not ADDR[:PORT] of the stream's family", argv[i]);
			m->has_saddr = true;
			u->match = m;
		} else if (!strcmp(kw, "dst")) {
			if (parse_endpoint(argv[++i], &m->family, m->daddr,
					   &m->dport) || !m->dport)
				return fail("dst: \"%s\" is not ADDR:PORT of the stream's family", argv[i]);
			u->match = m;
		} else if (!strcmp(kw, "rtcp-port")) {
			if (parse_rtcp_ports(argv[++i], m))
				return fail("rtcp-port: \"%s\" is not SPORT:DPORT", argv[i]);
			u->match = m;
		} else if (!strcmp(kw, "ssrc")) {
			rc = parse_pin(argv[++i], 1, &u->pinned, &u->pin_ssrc);
			if (rc)
				return rc;
			u->set_pin = true;
		} else {
			return fail("stream set: unknown keyword \"%s\"", kw);
		}
	}
	if (u->match && !m->dport)
		return fail("stream set: a new match needs dst ADDR:PORT");
	if (mux >= 0 && !u->match)
		return fail("stream set: \"%s\" needs the stream's new match (dst ADDR:PORT)",
			    mux ? "rtcp-mux" : "no-rtcp-mux");
	/* (the module takes flags with keys for a new crypto context) */
	if (mux >= 0 && !replace && u->nkeys)
		return fail("stream set: \"%s\" with keys needs \"replace\"",
			    mux ? "rtcp-mux" : "no-rtcp-mux");
	if (latch >= 0 && !replace && u->nkeys)
		return fail("stream set: \"%s\" with keys needs \"replace\"",
			    latch ? "latch" : "no-latch");
	if (mux >= 0 || latch >= 0) {
		/* the flags alone, without keys: only the datapath's change */
		if (!replace)
			u->flags = cur->flags;
		u->set_params = true;
	}
	if (mux >= 0)
		u->flags = (u->flags & ~NF_SRTP_F_RTCP_MUX) |
			   (mux ? NF_SRTP_F_RTCP_MUX : 0);
	if (latch >= 0)
		u->flags = (u->flags & ~NF_SRTP_F_LATCH) |
			   (latch ? NF_SRTP_F_LATCH : 0);
	if (replace && !u->nkeys)
		return fail("stream set: \"%s\" needs new keys",
			    u->new_session ? "new-session" : "replace");
	if (!u->nkeys && !u->set_active && !u->match && !u->set_pin &&
	    latch < 0)
		return fail("stream set: nothing to change");
	return 0;
}

static int cmd_stream_set(int argc, char **argv)
{
	struct nfsrtp_stream_update *u = calloc(1, sizeof(*u));
	struct nfsrtp_stream *cur = calloc(1, sizeof(*cur));
	struct nfsrtp_stream *m = calloc(1, sizeof(*m));
	struct nfsrtp *h;
	int rc = 1, i;

	if (!u || !cur || !m) {
		rc = fail("out of memory");
		goto out;
	}
	if (argc < 1 || parse_u32(argv[0], &u->id) || !u->id) {
		rc = fail("stream set: expected a stream ID");
		goto out;
	}
	/* A bad pin is told before the module is asked, as for "add". */
	for (i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "ssrc"))
			continue;
		rc = parse_pin(argv[++i], 1, &u->pinned, &u->pin_ssrc);
		if (rc)
			goto out;
	}
	rc = 1;
	if (open_module(&h))
		goto out;
	/* The stream's suite says how long its keys are. */
	if (nfsrtp_stream_get(h, u->id, cur)) {
		kernel_error(h, "stream set");
		goto out;
	}
	rc = parse_set_args(argc - 1, argv + 1, cur, u, m);
	if (rc)
		goto out;
	rc = 0;
	if (nfsrtp_stream_set(h, u))
		rc = kernel_error(h, "stream set");
out:
	if (u)
		explicit_bzero(u, sizeof(*u));
	free(u);
	free(cur);
	free(m);
	return rc;
}

struct monitor_opts {
	unsigned long count;	/* stop after this many; 0: never */
	unsigned long seen;
};

static int print_event(const struct nfsrtp_event *ev, void *arg)
{
	struct monitor_opts *mo = arg;
	char mki[2 * NFSRTP_MKI_MAX + 1];
	unsigned int i;

	if (ev->type == NFSRTP_EVENT_LOST) {
		if (json_output)
			printf("{\"event\":\"events-lost\"}\n");
		else
			printf("events lost: the socket overran (\"srtpctl stream show\" resynchronises)\n");
		fflush(stdout);
		return 0;	/* not an event of count N */
	}
	for (i = 0; i < ev->mki_len; i++)
		snprintf(mki + 2 * i, 3, "%02x", ev->mki[i]);
	mki[2 * ev->mki_len] = '\0';
	if (json_output) {
		printf("{\"event\":\"%s\",\"stream\":%u", nfsrtp_event_name(ev->type),
		       ev->stream);
		if (ev->key_index >= 0)
			printf(",\"key\":%d", ev->key_index);
		if (ev->mki_len)
			printf(",\"mki\":\"%s\"", mki);
		if (ev->type == NF_SRTP_EVENT_NEW_SSRC)
			printf(",\"ssrc\":%u", ev->ssrc);
		if (ev->type == NF_SRTP_EVENT_LATCH)
			print_peers_json(&ev->peer, &ev->rtcp_peer);
		printf("}\n");
	} else {
		printf("stream %u %s", ev->stream, nfsrtp_event_name(ev->type));
		if (ev->key_index >= 0)
			printf(" key %d", ev->key_index);
		if (ev->mki_len)
			printf(" mki 0x%s", mki);
		if (ev->type == NF_SRTP_EVENT_NEW_SSRC)
			printf(" ssrc 0x%08x", ev->ssrc);
		if (ev->type == NF_SRTP_EVENT_LATCH)
			print_peers_text(&ev->peer, &ev->rtcp_peer);
		printf("\n");
	}
	fflush(stdout);
	return mo->count && ++mo->seen >= mo->count;
}

/* monitor [count N] [timeout SECONDS] */
static int cmd_monitor(int argc, char **argv)
{
	struct monitor_opts mo = { 0 };
	uint32_t timeout = 0;
	struct nfsrtp *h;
	uint32_t v;
	int i;

	for (i = 0; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "count") &&
		    !parse_u32(argv[i + 1], &v)) {
			mo.count = v;
			i++;
		} else if (i + 1 < argc && !strcmp(argv[i], "timeout") &&
			   !parse_u32(argv[i + 1], &v)) {
			timeout = v;
			i++;
		} else {
			return fail("monitor: expected [count N] [timeout SECONDS]");
		}
	}
	if (open_module(&h))
		return 1;
	if (!json_output)
		printf("monitoring nf_srtp events\n");
	else
		printf("{\"event\":\"monitoring\"}\n");
	fflush(stdout);
	if (nfsrtp_monitor(h, print_event, &mo,
			   timeout ? (int)(timeout * 1000) : -1))
		return kernel_error(h, "monitor");
	return 0;
}

static int cmd_stream(int argc, char **argv)
{
	if (argc < 1 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		return cmd_stream_show(argc ? argc - 1 : 0, argv + 1);
	if (!strcmp(argv[0], "add"))
		return cmd_stream_add(argc - 1, argv + 1);
	if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete"))
		return cmd_stream_del(argc - 1, argv + 1);
	if (!strcmp(argv[0], "flush"))
		return cmd_stream_flush(argc - 1, argv + 1);
	if (!strcmp(argv[0], "set") || !strcmp(argv[0], "change"))
		return cmd_stream_set(argc - 1, argv + 1);
	return fail("stream: unknown command \"%s\"", argv[0]);
}

/*
 * pcap {decrypt|encrypt} FILE-IN FILE-OUT suite SUITE key KEY_PARAMS
 *      [key ...] [filter BPF] [no-auth] [no-encrypt-rtp]
 *      [no-encrypt-rtcp] [keep-failed]
 * Keywords may also be written --suite, --key, ... as in other tools.
 */
static int cmd_pcap(int argc, char **argv)
{
	struct pcapx_opts *o = calloc(1, sizeof(*o));
	struct pcapx_stats st;
	char err[256];
	int i, rc = 2;

	if (!o)
		return fail("out of memory");
	if (argc < 3 || (strcmp(argv[0], "decrypt") && strcmp(argv[0], "encrypt"))) {
		fail("pcap: expected decrypt|encrypt FILE-IN FILE-OUT ...");
		goto out;
	}
	o->encrypt = !strcmp(argv[0], "encrypt");
	o->report = stderr;
	for (i = 3; i < argc; i++) {
		const char *kw = argv[i] + (strncmp(argv[i], "--", 2) ? 0 : 2);
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(kw, "no-auth")) {
			o->flags |= NF_SRTP_F_UNAUTHENTICATED_SRTP;
		} else if (!strcmp(kw, "no-encrypt-rtp")) {
			o->flags |= NF_SRTP_F_UNENCRYPTED_SRTP;
		} else if (!strcmp(kw, "no-encrypt-rtcp")) {
			o->flags |= NF_SRTP_F_UNENCRYPTED_SRTCP;
		} else if (!strcmp(kw, "keep-failed")) {
			o->keep_failed = true;
		} else if (!val) {
			fail("pcap: \"%s\" needs a value", argv[i]);
			goto out;
		} else if (!strcmp(kw, "suite")) {
			o->suite = sdes_suite_by_name(val, strlen(val));
			if (!o->suite) {
				fail("unknown suite \"%s\"", val);
				goto out;
			}
			i++;
		} else if (!strcmp(kw, "key")) {
			if (!o->suite || o->nkeys == PCAPX_KEYS_MAX) {
				fail("pcap: \"suite\" before \"key\", at most %d keys",
				     PCAPX_KEYS_MAX);
				goto out;
			}
			if (sdes_parse_key(o->suite, val, strlen(val),
					   &o->keys[o->nkeys], err, sizeof(err))) {
				fail("key %u: %s", o->nkeys + 1, err);
				goto out;
			}
			o->nkeys++;
			i++;
		} else if (!strcmp(kw, "filter")) {
			o->filter = val;
			i++;
		} else {
			fail("pcap: unknown keyword \"%s\"", argv[i]);
			goto out;
		}
	}
	if (!o->nkeys) {
		fail("pcap: \"suite SUITE key KEY_PARAMS\" are required");
		goto out;
	}
	rc = 1;
	if (pcapx_run(argv[1], argv[2], o, &st, err, sizeof(err))) {
		fprintf(stderr, "srtpctl: pcap: %s\n", err);
		goto out;
	}
	if (json_output)
		printf("{\"packets\":%lu,\"rtp\":%lu,\"rtcp\":%lu,\"failed\":%lu,"
		       "\"other\":%lu}\n", st.packets, st.rtp, st.rtcp, st.failed,
		       st.skipped);
	else
		printf("%lu packets: %lu RTP and %lu RTCP %s, %lu refused, %lu other\n",
		       st.packets, st.rtp, st.rtcp,
		       o->encrypt ? "encrypted" : "decrypted", st.failed,
		       st.skipped);
	rc = 0;
out:
	explicit_bzero(o, sizeof(*o));
	free(o);
	return rc;
}

static int run_command(int argc, char **argv)
{
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[0], "stats"))
		return cmd_stats(argc - 1, argv + 1);
	if (!strcmp(argv[0], "stream"))
		return cmd_stream(argc - 1, argv + 1);
	if (!strcmp(argv[0], "monitor"))
		return cmd_monitor(argc - 1, argv + 1);
	if (!strcmp(argv[0], "pcap"))
		return cmd_pcap(argc - 1, argv + 1);
	if (!strcmp(argv[0], "sdp"))
		return srtpctl_sdp(argc - 1, argv + 1, json_output);
	if (!strcmp(argv[0], "call"))
		return srtpctl_call(argc - 1, argv + 1, json_output);
	if (!strcmp(argv[0], "conference"))
		return srtpctl_conference(argc - 1, argv + 1, json_output);
	fprintf(stderr, "srtpctl: unknown object \"%s\"\n", argv[0]);
	usage(stderr);
	return 2;
}

/*
 * -b FILE: one command per line ("-" is standard input), as ip -batch
 * does; blank lines and lines starting with # are skipped.  Stops at the
 * first failure and names its line.  Keeps keys off the process list.
 */
static int run_batch(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[4096], *argv[64];
	unsigned int lineno = 0;
	int rc = 0;

	if (!f)
		return fail("%s: %s", path, strerror(errno));
	while (!rc && fgets(line, sizeof(line), f)) {
		int argc = 0;
		char *tok, *save;

		lineno++;
		for (tok = strtok_r(line, " \t\r\n", &save); tok && argc < 64;
		     tok = strtok_r(NULL, " \t\r\n", &save))
			argv[argc++] = tok;
		if (!argc || argv[0][0] == '#')
			continue;
		rc = run_command(argc, argv);
		if (rc)
			fprintf(stderr, "srtpctl: %s:%u: command failed\n", path,
				lineno);
	}
	explicit_bzero(line, sizeof(line));
	if (f != stdin)
		fclose(f);
	return rc;
}

/*
 * -n NETNS: what "ip -n" does, without a second program: the module's
 * streams are per network namespace, and "ip netns exec NS srtpctl"
 * costs an exec (and a remount of /sys) that srtpctl does not need.  A
 * name is one of ip netns (/run/netns/NAME); a path (/proc/PID/ns/net)
 * is taken as it is.
 */
static int enter_netns(const char *ns)
{
	char path[4096];
	int fd, err;

	if (!*ns)
		return fail("-n: an empty namespace name");
	if (strchr(ns, '/'))
		snprintf(path, sizeof(path), "%s", ns);
	else if ((size_t)snprintf(path, sizeof(path), "/run/netns/%s", ns) >=
		 sizeof(path))
		return fail("-n: namespace name too long");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("network namespace \"%s\": %s (%s)", ns,
			    strerror(errno), path);
	err = setns(fd, CLONE_NEWNET) ? errno : 0;
	close(fd);
	if (err)
		return fail("network namespace \"%s\": %s", ns, strerror(err));
	return 0;
}

int main(int argc, char **argv)
{
	const char *batch = NULL;
	int i = 1, rc;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json_output = 1;
		} else if (!strcmp(argv[i], "-s") ||
			   !strcmp(argv[i], "--stats")) {
			show_stats = 1;
		} else if ((!strcmp(argv[i], "-b") ||
			    !strcmp(argv[i], "--batch")) && i + 1 < argc) {
			batch = argv[++i];
		} else if ((!strcmp(argv[i], "-n") ||
			    !strcmp(argv[i], "--netns")) && i + 1 < argc) {
			rc = enter_netns(argv[++i]);
			if (rc)
				return rc;
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "srtpctl: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (batch && i < argc)
		rc = fail("-b takes no command on the command line");
	else
		rc = batch ? run_batch(batch) : run_command(argc - i, argv + i);
	nfsrtp_close(handle);
	return rc;
}
