// SPDX-License-Identifier: GPL-2.0
/*
 * genlfuzz: random and mutated generic netlink requests at nf_srtp, for
 * tests/vm/fuzz-genl.sh.
 *
 *   genlfuzz [--seconds N] [--seed S] [--valid-every K] [--expect-eperm]
 *            [--dst A.B.C.D] [--ports LO-HI] [--rate R] [--duty P]
 *
 * Every request is built from the UAPI (include/uapi/linux/nf_srtp.h):
 * a command (mostly ours, sometimes any number), a stream nest with any
 * subset of its attributes and key nests, values at and beyond their
 * edges; then some of its attributes get another type, another length,
 * a duplicate, a nest flag or byte-order flag, and some requests get
 * bytes flipped or a header length that lies.  Every K-th request is a
 * valid operation instead (stream add from 10.0.1.1, port P - 1000, to
 * --dst, port P of --ports, where the test sends traffic; set with new
 * keys, a new match, a pin or an active key; del; get; dump; flush), so that the fuzzing meets live
 * streams.  Requests are paced to --rate a second (1000; 0: as fast as
 * replies come) and flushes come at most once a second, so that streams
 * live long enough to meet traffic on a fast machine too.  A paced run
 * is also idle at least (100 - P)% of the time (--duty P, 50): after
 * a request that took t it sleeps at least t (100 - P) / P, so that on a
 * slow kernel (a debug kernel, where a request costs 50 times as much),
 * where it can never keep the rate, it still leaves the senders on the
 * same CPU their share instead of starving them.
 *
 * Each reply is checked: it comes, it carries our sequence number, every
 * message and attribute length fits, an error is 0 or a negative errno
 * with well-formed extended-ACK attributes whose offset points into the
 * request, and no reply carries the master key of a valid add.  With
 * --expect-eperm (a user without CAP_NET_ADMIN over the namespace) no
 * request may succeed.  Exits 0 with a summary line; 1 at the first
 * malformed or missing reply, with the request that caused it in hex.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <linux/nf_srtp.h>

#define BUF_SIZE	65536
#define ERRNO_MAX	4096
#define IDS_MAX		64

static uint64_t rng_state;
static const unsigned char *fz_key;	/* the master key of valid adds */
static size_t fz_key_len = 16;

struct msg {
	unsigned char buf[BUF_SIZE];
	size_t len;
};

struct fuzzer {
	int fd;
	uint16_t family;
	uint32_t seq;
	bool expect_eperm;
	struct in_addr dst;
	unsigned int port_lo, port_hi;
	uint32_t ids[IDS_MAX];	/* streams valid adds made */
	unsigned int nids;
	unsigned long sent, valid, ok, added, replies, dumps, enobufs;
	unsigned long errnos[ERRNO_MAX];
};

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from --seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

static void die(const char *what)
{
	fprintf(stderr, "genlfuzz: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * At most one flush a second, however fast the requests go: the streams
 * must live long enough to meet the test's traffic.
 */
static bool may_flush(void)
{
	static double last;
	double t = now();

	if (t - last < 1.0)
		return false;
	last = t;
	return true;
}

/* --- building requests --- */

static void msg_start(struct msg *m, uint16_t type, uint16_t flags,
		      uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g = NLMSG_DATA(h);

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	g->cmd = cmd;
	g->version = version;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

static bool room(const struct msg *m, size_t len)
{
	return m->len + NLA_HDRLEN + NLA_ALIGN(len) <= BUF_SIZE - 64;
}

static void put(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	if (!room(m, len))
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(m->buf + m->len + NLA_HDRLEN, data, len);
	memset(m->buf + m->len + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_HDRLEN + NLA_ALIGN(len);
}

static size_t nest_start(struct msg *m, uint16_t type)
{
	size_t at = m->len;

	put(m, type | NLA_F_NESTED, NULL, 0);
	return at;
}

static void nest_end(struct msg *m, size_t at)
{
	struct nlattr *a = (struct nlattr *)(m->buf + at);

	a->nla_len = m->len - at;
}

/*
 * Puts attribute @type with @data, or, now and then, a mutation of it:
 * another length, another type, a second copy, a nest or byte-order flag,
 * or nothing at all.  @mutate is the percentage of attributes mutated.
 */
static void put_fuzzed(struct msg *m, uint16_t type, const void *data,
		       size_t len, unsigned int mutate)
{
	unsigned char junk[256];
	size_t i, n;

	if (!chance(mutate)) {
		put(m, type, data, len);
		return;
	}
	switch (below(7)) {
	case 0:	/* another length: shorter, longer, or empty */
		n = below(len + 24);
		for (i = 0; i < n; i++)
			junk[i] = i < len ? ((const unsigned char *)data)[i] :
					    (unsigned char)rnd();
		put(m, type, junk, n);
		break;
	case 1:	/* another type */
		put(m, below(40), data, len);
		break;
	case 2:	/* twice */
		put(m, type, data, len);
		put(m, type, data, len);
		break;
	case 3:
		put(m, type | NLA_F_NESTED, data, len);
		break;
	case 4:
		put(m, type | NLA_F_NET_BYTEORDER, data, len);
		break;
	case 5:	/* random bytes of a random length */
		n = below(sizeof(junk));
		for (i = 0; i < n; i++)
			junk[i] = (unsigned char)rnd();
		put(m, type, junk, n);
		break;
	default: /* left out */
		break;
	}
}

static uint32_t edge_u32(void)
{
	static const uint32_t edges[] = {
		0, 1, 2, 63, 64, 65, 128, 1023, 1024, 1025, 0x7fff, 0xffff,
		0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	};

	return chance(70) ? edges[below(sizeof(edges) / sizeof(edges[0]))] :
			    (uint32_t)rnd();
}

static uint64_t edge_u64(void)
{
	static const uint64_t edges[] = {
		0, 1, 1023, 1024, 1ULL << 20, 1ULL << 31, 1ULL << 48,
		(1ULL << 48) + 1, ~0ULL,
	};

	return chance(70) ? edges[below(sizeof(edges) / sizeof(edges[0]))] :
			    rnd();
}

static void put_u8(struct msg *m, uint16_t t, uint8_t v, unsigned int mut)
{
	put_fuzzed(m, t, &v, 1, mut);
}

static void put_u16(struct msg *m, uint16_t t, uint16_t v, unsigned int mut)
{
	put_fuzzed(m, t, &v, 2, mut);
}

static void put_u32(struct msg *m, uint16_t t, uint32_t v, unsigned int mut)
{
	put_fuzzed(m, t, &v, 4, mut);
}

static void put_u64(struct msg *m, uint16_t t, uint64_t v, unsigned int mut)
{
	put_fuzzed(m, t, &v, 8, mut);
}

static size_t suite_key_len(uint32_t suite)
{
	switch (suite) {
	case NF_SRTP_SUITE_AES_192_CM_HMAC_SHA1_80:
	case NF_SRTP_SUITE_AES_192_CM_HMAC_SHA1_32:
		return 24;
	case NF_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80:
	case NF_SRTP_SUITE_AES_256_CM_HMAC_SHA1_32:
	case NF_SRTP_SUITE_AEAD_AES_256_GCM:
		return 32;
	default:
		return 16;
	}
}

static bool suite_aead(uint32_t suite)
{
	return suite == NF_SRTP_SUITE_AEAD_AES_128_GCM ||
	       suite == NF_SRTP_SUITE_AEAD_AES_256_GCM;
}

/* One NF_SRTP_A_KEY nest for @suite; @mki_len 0: no MKI. */
static void put_key(struct msg *m, uint32_t suite, size_t mki_len,
		    unsigned int mut)
{
	unsigned char key[32], salt[14], mki[200];
	size_t at, i, klen = suite_key_len(suite);

	for (i = 0; i < sizeof(key); i++)
		key[i] = i < fz_key_len ? fz_key[i] : (unsigned char)rnd();
	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)rnd();
	for (i = 0; i < sizeof(mki); i++)
		mki[i] = (unsigned char)(i == mki_len - 1 ? rnd() : 0);
	at = nest_start(m, chance(mut / 4 + 1) ? below(4) : NF_SRTP_A_KEY);
	put_fuzzed(m, NF_SRTP_A_KEY_MASTER_KEY, key, klen, mut);
	put_fuzzed(m, NF_SRTP_A_KEY_MASTER_SALT, salt,
		   suite_aead(suite) ? 12 : 14, mut);
	if (mki_len)
		put_fuzzed(m, NF_SRTP_A_KEY_MKI, mki, mki_len, mut);
	if (chance(40))
		put_u64(m, NF_SRTP_A_KEY_LIFETIME,
			chance(mut) ? edge_u64() : 1ULL << 20, mut);
	if (chance(mut / 2)) {	/* reply-only attributes in a request */
		put_u32(m, NF_SRTP_A_KEY_INDEX, edge_u32(), mut);
		put_u64(m, NF_SRTP_A_KEY_PACKETS, edge_u64(), mut);
		put(m, NF_SRTP_A_KEY_ACTIVE, NULL, 0);
		put(m, NF_SRTP_A_KEY_PAD, NULL, 0);
	}
	nest_end(m, at);
}

static void put_keys(struct msg *m, uint32_t suite, unsigned int nkeys,
		     unsigned int mut)
{
	size_t at = nest_start(m, NF_SRTP_A_STREAM_KEYS);
	size_t mki_len = chance(50) ? 0 :
			 chance(mut) ? below(200) : 1 + below(4);
	unsigned int i;

	for (i = 0; i < nkeys; i++)
		put_key(m, suite, mki_len, mut);
	nest_end(m, at);
}

/* A stream id: one of ours @percent of the time (valid operations: 80). */
static uint32_t some_id(const struct fuzzer *f, unsigned int percent)
{
	if (f->nids && chance(percent))
		return f->ids[below(f->nids)];
	return edge_u32();
}

static uint16_t some_port(const struct fuzzer *f)
{
	return f->port_lo + below(f->port_hi - f->port_lo + 1);
}

/*
 * A stream nest for @cmd: the attributes a valid request has, each
 * mutated with probability @mut percent, plus (when @mut) any of the
 * others, and reply-only ones.
 */
static void put_stream(struct fuzzer *f, struct msg *m, uint8_t cmd,
		       unsigned int mut)
{
	bool add = cmd == NF_SRTP_CMD_STREAM_ADD;
	bool set = cmd == NF_SRTP_CMD_STREAM_SET;
	uint32_t suite = chance(mut) ? below(12) : 1 + below(8);
	unsigned char v6[16] = { 0xfd, 0, 0, 1 };
	/* valid adds: 10.0.1.1:(port - 1000), where the test's senders are */
	uint32_t src = htonl(0x0a000101 + (mut ? below(4) : 0));
	/* valid ones: an even port, where a sender's RTP goes */
	uint16_t dport = mut ? some_port(f) : some_port(f) & ~1;
	size_t at;

	at = nest_start(m, chance(mut / 4 + 1) ? below(6) : NF_SRTP_A_STREAM);
	if (!add)
		put_u32(m, NF_SRTP_A_STREAM_ID, some_id(f, mut ? 30 : 80), mut);
	if (add || (set && chance(30)) || chance(mut)) {
		if (add)
			put_u8(m, NF_SRTP_A_STREAM_OP,
			       chance(mut) ? (uint8_t)rnd() :
			       chance(75) ? NF_SRTP_OP_PROTECT :
					    NF_SRTP_OP_UNPROTECT, mut);
		if (!mut || chance(80)) {
			put_fuzzed(m, NF_SRTP_A_STREAM_DST_IPV4, &f->dst, 4, mut);
			put_fuzzed(m, NF_SRTP_A_STREAM_SRC_IPV4, &src, 4, mut);
		} else {
			v6[15] = 1 + below(3);
			put_fuzzed(m, NF_SRTP_A_STREAM_DST_IPV6, v6, 16, mut);
			if (chance(50)) {
				v6[15] = 9;
				put_fuzzed(m, NF_SRTP_A_STREAM_SRC_IPV6, v6, 16,
					   mut);
			}
		}
		put_u16(m, NF_SRTP_A_STREAM_DST_PORT,
			chance(mut) ? (uint16_t)edge_u32() : dport, mut);
		if (chance(60))
			put_u16(m, NF_SRTP_A_STREAM_SRC_PORT,
				chance(mut) ? (uint16_t)edge_u32() :
					      dport - 1000, mut);
		if (chance(20)) {
			put_u16(m, NF_SRTP_A_STREAM_RTCP_SRC_PORT,
				(uint16_t)edge_u32(), mut);
			put_u16(m, NF_SRTP_A_STREAM_RTCP_DST_PORT,
				(uint16_t)edge_u32(), mut);
		}
	}
	if (add || (set && chance(40)) || chance(mut)) {
		put_u32(m, NF_SRTP_A_STREAM_SUITE, suite, mut);
		put_keys(m, suite, chance(mut) ? below(40) : 1 + below(3), mut);
	}
	if (chance(add ? 30 : 15))
		put_u32(m, NF_SRTP_A_STREAM_FLAGS,
			chance(mut) ? edge_u32() :
				      below(NF_SRTP_F_ALL + 1) &
				      ~NF_SRTP_F_REASSEMBLE, mut);
	if (chance(20))
		put_u32(m, NF_SRTP_A_STREAM_WINDOW,
			chance(mut) ? edge_u32() : 64 + below(961), mut);
	if (mut && chance(mut / 2 + 5))
		put_u32(m, NF_SRTP_A_STREAM_KDR, chance(50) ? 0 : edge_u32(),
			mut);
	if (chance(mut ? 20 : 5))
		put_u32(m, NF_SRTP_A_STREAM_PIN_SSRC, edge_u32(), mut);
	if (set && chance(15))
		put(m, NF_SRTP_A_STREAM_UNPIN, NULL, 0);
	if (chance(set ? 15 : 3))
		put(m, NF_SRTP_A_STREAM_NEW_SESSION, NULL, 0);
	if (set && chance(20))
		put_u32(m, NF_SRTP_A_STREAM_ACTIVE_KEY, below(20), mut);
	if (chance(mut / 3)) {	/* reply-only, unknown and padding */
		put_u32(m, NF_SRTP_A_STREAM_SSRC, edge_u32(), mut);
		put_fuzzed(m, NF_SRTP_A_STREAM_COUNTERS, "\4\0\1\0", 4, mut);
		put_fuzzed(m, NF_SRTP_A_STREAM_MAX + 1 + below(8), "xxxx", 4,
			   mut);
	}
	nest_end(m, at);
}

/* A request: mostly our commands with fuzzed stream nests. */
static void build_fuzzed(struct fuzzer *f, struct msg *m)
{
	static const uint8_t cmds[] = {
		NF_SRTP_CMD_GET_STATS, NF_SRTP_CMD_STREAM_ADD,
		NF_SRTP_CMD_STREAM_ADD, NF_SRTP_CMD_STREAM_DEL,
		NF_SRTP_CMD_STREAM_GET, NF_SRTP_CMD_STREAM_SET,
		NF_SRTP_CMD_STREAM_SET, NF_SRTP_CMD_EVENT,
	};
	uint8_t cmd = chance(90) ? cmds[below(sizeof(cmds))] : (uint8_t)rnd();
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	unsigned int mut = 5 + below(40), i, n;

	/* a flush always succeeds: rarely, or no stream lives to see traffic */
	if (chance(1) && may_flush())
		cmd = NF_SRTP_CMD_STREAM_FLUSH;

	if (cmd == NF_SRTP_CMD_STREAM_GET && chance(30))
		flags |= NLM_F_DUMP;
	if (chance(3))	/* other request flags; never a second dump bit */
		flags |= (uint16_t)rnd() & (NLM_F_APPEND | 0xf8);
	msg_start(m, f->family, flags, cmd,
		  chance(95) ? NF_SRTP_GENL_VERSION : (uint8_t)rnd());
	if (cmd == NF_SRTP_CMD_EVENT && chance(50))
		put_u8(m, NF_SRTP_A_EVENT, (uint8_t)rnd(), mut);
	if (chance(92))
		put_stream(f, m, cmd, mut);
	if (chance(mut / 4)) {	/* top-level attributes a request has not */
		put_u32(m, NF_SRTP_A_VERSION, edge_u32(), mut);
		put_fuzzed(m, NF_SRTP_A_STATS, "\x08\0\x01\0\0\0\0\0", 8, mut);
		put_fuzzed(m, below(12), "abcdefgh", below(9), mut);
	}
	if (chance(5))	/* a second stream nest */
		put_stream(f, m, cmd, mut);
	if (chance(8)) {	/* flipped bytes anywhere after the headers */
		n = 1 + below(4);
		for (i = 0; i < n && m->len > NLMSG_HDRLEN + GENL_HDRLEN; i++)
			m->buf[NLMSG_HDRLEN + GENL_HDRLEN +
			       below(m->len - NLMSG_HDRLEN - GENL_HDRLEN)] ^=
				(unsigned char)(1 + below(255));
	}
	if (chance(3) && m->len > NLMSG_HDRLEN + GENL_HDRLEN + 4)
		m->len -= 1 + below(4);	/* the last attribute cut short */
}

/* A valid operation on the streams this run added. */
static void build_valid(struct fuzzer *f, struct msg *m, uint8_t *cmdp)
{
	uint8_t cmd;
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	size_t at;

	switch (below(f->nids ? 10 : 2)) {
	case 0:
	case 1:
	case 2:
		cmd = NF_SRTP_CMD_STREAM_ADD;
		break;
	case 3:
	case 4:
	case 5:
		cmd = NF_SRTP_CMD_STREAM_SET;
		break;
	case 6:
		cmd = NF_SRTP_CMD_STREAM_DEL;
		break;
	case 7:
		cmd = NF_SRTP_CMD_STREAM_GET;
		break;
	case 8:
		cmd = NF_SRTP_CMD_STREAM_GET;
		flags |= NLM_F_DUMP;
		break;
	default:
		cmd = chance(5) && may_flush() ? NF_SRTP_CMD_STREAM_FLUSH :
						 NF_SRTP_CMD_GET_STATS;
		break;
	}
	msg_start(m, f->family, flags, cmd, NF_SRTP_GENL_VERSION);
	*cmdp = cmd;
	if (cmd == NF_SRTP_CMD_STREAM_ADD || cmd == NF_SRTP_CMD_STREAM_SET) {
		put_stream(f, m, cmd, 0);
	} else if (cmd == NF_SRTP_CMD_STREAM_DEL ||
		   (cmd == NF_SRTP_CMD_STREAM_GET && !(flags & NLM_F_DUMP))) {
		at = nest_start(m, NF_SRTP_A_STREAM);
		put_u32(m, NF_SRTP_A_STREAM_ID, some_id(f, 80), 0);
		nest_end(m, at);
	}
}

/* --- checking replies --- */

static void hexdump(const char *what, const unsigned char *p, size_t len)
{
	size_t i;

	fprintf(stderr, "%s (%zu bytes):", what, len);
	for (i = 0; i < len; i++)
		fprintf(stderr, "%s%02x", i % 32 ? "" : "\n  ", p[i]);
	fprintf(stderr, "\n");
}

static void bad_reply(const struct msg *req, const unsigned char *p,
		      size_t len, const char *why)
{
	fprintf(stderr, "genlfuzz: bad reply: %s\n", why);
	hexdump("request", req->buf, req->len);
	hexdump("reply", p, len);
	exit(1);
}

/*
 * Every attribute length fits, recursively (into nests: ours carry
 * NLA_F_NESTED, and so do the top-level stats and stream nests); NULL,
 * or why not.
 */
static const char *check_attrs(const unsigned char *p, size_t len, int depth)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t alen = a->nla_len;
		uint16_t type = a->nla_type & NLA_TYPE_MASK;
		bool nest = (a->nla_type & NLA_F_NESTED) ||
			    (depth == 0 && (type == NF_SRTP_A_STATS ||
					    type == NF_SRTP_A_STREAM));

		if (alen < NLA_HDRLEN || alen > len)
			return "an attribute longer than its container";
		if (nest && depth < 8) {
			const char *why = check_attrs(p + NLA_HDRLEN,
						      alen - NLA_HDRLEN,
						      depth + 1);
			if (why)
				return why;
		}
		alen = NLA_ALIGN(alen);
		if (alen > len)
			alen = len;
		p += alen;
		len -= alen;
	}
	return len ? "trailing bytes after the attributes" : NULL;
}

static bool has_key(const unsigned char *p, size_t len)
{
	return fz_key && memmem(p, len, fz_key, fz_key_len);
}

/* An NLMSG_ERROR: the errno, its extended ACK well formed. */
static int check_error(struct fuzzer *f, const struct msg *req,
		       const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t len = h->nlmsg_len, off;
	const unsigned char *tlv;
	const char *why;

	if (len < NLMSG_HDRLEN + sizeof(*e))
		bad_reply(req, (const void *)h, len, "a short error message");
	if (e->error > 0 || e->error <= -ERRNO_MAX)
		bad_reply(req, (const void *)h, len, "an error out of range");
	f->errnos[-e->error]++;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return e->error;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	if (off > len)
		bad_reply(req, (const void *)h, len, "extended ACK past the end");
	tlv = (const unsigned char *)h + off;
	why = check_attrs(tlv, len - off, 1);
	if (why)
		bad_reply(req, (const void *)h, len, why);
	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *a = (const struct nlattr *)tlv;

		if (a->nla_type == NLMSGERR_ATTR_OFFS &&
		    a->nla_len == NLA_HDRLEN + 4) {
			uint32_t at;

			memcpy(&at, tlv + NLA_HDRLEN, 4);
			if (at >= req->len)
				bad_reply(req, (const void *)h, len,
					  "the bad attribute's offset is past the request");
		}
		off += NLA_ALIGN(a->nla_len);
		tlv += NLA_ALIGN(a->nla_len);
	}
	return e->error;
}

/* A reply of ours: well formed, and a STREAM_ADD's id is kept. */
static void check_data(struct fuzzer *f, const struct msg *req,
		       const struct nlmsghdr *h, uint8_t cmd)
{
	const unsigned char *p = (const unsigned char *)h;
	size_t len = h->nlmsg_len;
	const char *why;

	if (len < NLMSG_HDRLEN + GENL_HDRLEN)
		bad_reply(req, p, len, "a reply without a genetlink header");
	why = check_attrs(p + NLMSG_HDRLEN + GENL_HDRLEN,
			  len - NLMSG_HDRLEN - GENL_HDRLEN, 0);
	if (why)
		bad_reply(req, p, len, why);
	if (f->expect_eperm)
		bad_reply(req, p, len, "a reply to a user without CAP_NET_ADMIN");
	if (cmd == NF_SRTP_CMD_STREAM_ADD && f->nids < IDS_MAX) {
		/* NF_SRTP_A_STREAM { NF_SRTP_A_STREAM_ID u32 } */
		const struct nlattr *s = (const void *)(p + NLMSG_HDRLEN +
							GENL_HDRLEN);
		const struct nlattr *id = (const void *)((const char *)s +
							 NLA_HDRLEN);

		if (len >= NLMSG_HDRLEN + GENL_HDRLEN + 2 * NLA_HDRLEN + 4 &&
		    (s->nla_type & NLA_TYPE_MASK) == NF_SRTP_A_STREAM &&
		    id->nla_type == NF_SRTP_A_STREAM_ID) {
			memcpy(&f->ids[f->nids++], (const char *)id + NLA_HDRLEN,
			       4);
			f->added++;
		}
	}
}

/* Receives and checks every message of the reply to @req. */
static void receive(struct fuzzer *f, const struct msg *req, uint8_t cmd)
{
	static unsigned char buf[BUF_SIZE];
	bool done = false;

	while (!done) {
		ssize_t n = recv(f->fd, buf, sizeof(buf), 0);
		size_t left;
		struct nlmsghdr *h;

		if (n < 0 && errno == ENOBUFS) {
			f->enobufs++;
			return;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			bad_reply(req, buf, 0, "no reply within 20 s");
		if (n < 0)
			die("recv");
		f->replies++;
		left = n;
		h = (struct nlmsghdr *)buf;
		if (has_key(buf, n))
			bad_reply(req, buf, n, "the reply carries a master key");
		for (; left; h = (struct nlmsghdr *)((char *)h +
						     NLMSG_ALIGN(h->nlmsg_len))) {
			if (left < NLMSG_HDRLEN || h->nlmsg_len < NLMSG_HDRLEN ||
			    h->nlmsg_len > left)
				bad_reply(req, buf, n, "a message longer than the datagram");
			if (h->nlmsg_seq != f->seq)
				bad_reply(req, buf, n, "another sequence number");
			if (h->nlmsg_type == NLMSG_ERROR) {
				if (check_error(f, req, h) == 0) {
					if (f->expect_eperm)
						bad_reply(req, buf, n,
							  "success for a user without CAP_NET_ADMIN");
					f->ok++;
				}
				done = true;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				if (f->expect_eperm)
					bad_reply(req, buf, n,
						  "a dump for a user without CAP_NET_ADMIN");
				f->dumps++;
				f->ok++;
				done = true;
			} else if (h->nlmsg_type == f->family) {
				check_data(f, req, h, cmd);
			} else {
				bad_reply(req, buf, n, "an unexpected message type");
			}
			left -= NLMSG_ALIGN(h->nlmsg_len) < left ?
				NLMSG_ALIGN(h->nlmsg_len) : left;
			if (done && left)
				bad_reply(req, buf, n, "messages after the end");
		}
	}
}

/*
 * After a request whose header lies about its length the kernel may
 * answer nothing (shorter than a header), one error, or read what follows
 * the claimed end as more messages: read whatever is there, and check
 * lengths and errnos only.  A request is processed within sendto(), so
 * its replies (but a dump's later parts, and a lying header is never
 * a dump we follow) are queued when it returns: no need to wait.
 */
static void drain(struct fuzzer *f, const struct msg *req)
{
	static unsigned char buf[BUF_SIZE];
	ssize_t n;

	while ((n = recv(f->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		size_t left = n;

		f->replies++;
		for (; left >= NLMSG_HDRLEN;
		     h = (struct nlmsghdr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len))) {
			if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > left)
				bad_reply(req, buf, n, "a message longer than the datagram");
			if (h->nlmsg_type == NLMSG_ERROR)
				check_error(f, req, h);
			left -= NLMSG_ALIGN(h->nlmsg_len) < left ?
				NLMSG_ALIGN(h->nlmsg_len) : left;
		}
	}
}

static void request(struct fuzzer *f, struct msg *m, uint8_t cmd)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->buf;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	bool lie = chance(2);

	h->nlmsg_seq = ++f->seq;
	h->nlmsg_len = lie ? NLMSG_HDRLEN + below(m->len) : m->len;
	if (sendto(f->fd, m->buf, m->len, 0, (struct sockaddr *)&nl,
		   sizeof(nl)) < 0)
		die("sendto");
	f->sent++;
	if (lie)
		drain(f, m);
	else
		receive(f, m, cmd);
}

/* --- the family --- */

static uint16_t resolve_family(int fd)
{
	struct msg m;
	static unsigned char buf[BUF_SIZE];
	struct nlmsghdr *h = (struct nlmsghdr *)m.buf;
	ssize_t n;

	msg_start(&m, GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1);
	put(&m, CTRL_ATTR_FAMILY_NAME, NF_SRTP_GENL_NAME,
	    sizeof(NF_SRTP_GENL_NAME));
	h->nlmsg_len = m.len;
	if (send(fd, m.buf, m.len, 0) < 0)
		die("send");
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		die("recv");
	h = (struct nlmsghdr *)buf;
	if (h->nlmsg_type == NLMSG_ERROR) {
		errno = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
		die("family " NF_SRTP_GENL_NAME);
	}
	{
		unsigned char *p = buf + NLMSG_HDRLEN + GENL_HDRLEN;
		size_t left = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

		while (left >= NLA_HDRLEN) {
			struct nlattr *a = (struct nlattr *)p;
			uint16_t id;

			if (a->nla_len < NLA_HDRLEN || a->nla_len > left)
				break;
			if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
				memcpy(&id, p + NLA_HDRLEN, 2);
				return id;
			}
			p += NLA_ALIGN(a->nla_len);
			left -= (size_t)NLA_ALIGN(a->nla_len) < left ?
				(size_t)NLA_ALIGN(a->nla_len) : left;
		}
	}
	fprintf(stderr, "genlfuzz: no family id for " NF_SRTP_GENL_NAME "\n");
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: genlfuzz [--seconds N] [--seed S] [--valid-every K] [--expect-eperm]\n"
		"                [--dst A.B.C.D] [--ports LO-HI] [--rate R] [--duty P]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "valid-every", required_argument, NULL, 'v' },
		{ "expect-eperm", no_argument, NULL, 'e' },
		{ "dst", required_argument, NULL, 'd' },
		{ "ports", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duty", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	static struct fuzzer f = { .port_lo = 5000, .port_hi = 5007 };
	static struct msg m;
	static unsigned char key[16];
	unsigned long seconds = 10, valid_every = 8, i, seed = time(NULL);
	unsigned long rate = 1000, duty = 50;
	double start, busy = 0;
	struct timeval tv = { .tv_sec = 20 };
	int one = 1, c;
	time_t end;

	inet_pton(AF_INET, "10.0.1.2", &f.dst);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			seconds = strtoul(optarg, NULL, 10);
			break;
		case 'S':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			valid_every = strtoul(optarg, NULL, 10);
			break;
		case 'e':
			f.expect_eperm = true;
			break;
		case 'r':
			rate = strtoul(optarg, NULL, 10);
			break;
		case 'D':
			duty = strtoul(optarg, NULL, 10);
			if (duty < 1 || duty > 100)
				usage();
			break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &f.dst) != 1)
				usage();
			break;
		case 'p':
			if (sscanf(optarg, "%u-%u", &f.port_lo, &f.port_hi) != 2 ||
			    f.port_lo <= 1000 || f.port_lo > f.port_hi ||
			    f.port_hi > 65535)
				usage();
			break;
		default:
			usage();
		}
	}
	rng_state = seed ? seed : 1;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)rnd();
	fz_key = key;
	printf("genlfuzz: seed %lu, %lu s\n", seed, seconds);
	fflush(stdout);

	f.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (f.fd < 0)
		die("socket");
	/* capped errors: an error does not echo the request (and its key) */
	if (setsockopt(f.fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(f.fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) ||
	    setsockopt(f.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("setsockopt");
	f.family = resolve_family(f.fd);

	start = now();
	end = time(NULL) + seconds;
	for (i = 1; time(NULL) < end; i++) {
		/*
		 * Paced to --rate requests a second: on a fast machine the
		 * fuzzing would otherwise delete and change the streams
		 * faster than the traffic's 50 packets a second can meet them.
		 */
		double ahead = (double)i / rate - (now() - start);
		double idle = busy * (100 - duty) / duty;
		double t0;
		uint8_t cmd;

		if (rate && (ahead > 0 || idle > 0))
			usleep((useconds_t)((ahead > idle ? ahead : idle) * 1e6));
		t0 = now();

		if (valid_every && i % valid_every == 0) {
			build_valid(&f, &m, &cmd);
			f.valid++;
		} else {
			build_fuzzed(&f, &m);
			cmd = ((struct genlmsghdr *)NLMSG_DATA(m.buf))->cmd;
		}
		request(&f, &m, cmd);
		busy = now() - t0;
		if (f.nids == IDS_MAX)
			f.nids = 0;	/* forget: new adds refill the list */
	}

	printf("genlfuzz: %lu requests (%lu valid operations), %lu succeeded, %lu streams added, %lu dumps, %lu reply datagrams, %lu ENOBUFS\n",
	       f.sent, f.valid, f.ok, f.added, f.dumps, f.replies, f.enobufs);
	printf("genlfuzz: errors:");
	for (i = 1; i < ERRNO_MAX; i++)
		if (f.errnos[i])
			printf(" %s %lu", strerrorname_np(i) ?: "?", f.errnos[i]);
	printf("\n");
	return 0;
}
