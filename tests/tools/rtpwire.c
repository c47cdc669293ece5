// SPDX-License-Identifier: GPL-2.0
/*
 * rtpwire: the RTP/RTCP endpoints of the VM tests.
 *
 *   rtpwire send --dst ADDR:PORT [options]
 *   rtpwire recv --port PORT [options]
 *
 * A sender emits a deterministic media flow from an ordinary UDP socket:
 * RTP packet i has sequence number SEQ+i, timestamp 160*i and a payload
 * derived from i; after every RTCP_EVERY RTP packets an RTCP sender report
 * follows (to PORT+1, or to PORT with --mux).  With --suite/--key the
 * packets are protected with libsrtp2 before they are sent.  A receiver
 * expects that flow: it unprotects with libsrtp2 when given a key, checks
 * every packet byte for byte against what the sender produced, and exits
 * 0 only when it got --count RTP packets less --skip (and their RTCP)
 * intact within --timeout seconds.  Both sides print one summary line.
 *
 * Attacks for the drop tests: --tamper I flips a bit of RTP packet I's
 * tag (--tamper-rtcp I: of RTCP report I's), --replay I sends packet I twice, --late I sends packet I after all
 * the others, --garbage N ends with N packets too short to be RTP.
 * --fuzz P mutates P percent of the packets after they are protected
 * (fuzz_packet(): header fields, lengths, padding, extensions, sequence
 * numbers, SRTCP index, STUN, junk; --fuzz-seed S reproduces a run); a
 * local packet netfilter drops is then counted as refused, not fatal;
 * --keep-going does the same without mutating (a sender into a stream
 * whose keys run out).
 * --offset I makes a sender start at packet I of the flow, so one flow
 * can be sent in parts, and a receiver expect that part: --count
 * packets from packet I on (and the RTCP reports that follow them).  --gso N sends N RTP (or SRTP) packets per
 * UDP_SEGMENT super-packet.  --ssrcs N sends the flow N times, with SSRC
 * --ssrc, --ssrc + 1, ..., back to back in one process.  --payload N makes every RTP packet carry N bytes of
 * payload instead of 160 (sender and receiver must agree), for packets
 * larger than the MTU.
 *
 * A receiver with --sniff IFNAME reads the flow off interface IFNAME with
 * an AF_PACKET socket instead of a UDP socket: the UDP packets that
 * arrive there for --bind ADDR, port --port (RTP) and --port + 1 (RTCP,
 * unless --mux), IPv4 or IPv6, as they were on the wire.  A packet socket
 * sees them before netfilter does, so in a namespace where nf_srtp
 * unprotects them the sniffer still gets the SRTP, which it checks with
 * --suite/--key as a socket receiver would.  It also checks each packet's
 * UDP checksum as it is or will be on the wire: one left to the device
 * (CHECKSUM_PARTIAL, which packet sockets flag) is completed first.
 *
 * A receiver with --other-ssrc counts packets of other SSRCs that
 * unprotect (or, without a key, any) apart ("other N"), instead of as
 * bad: for a flow whose sender's address an attacker shares.
 *
 * A receiver with --stun takes RFC 5389 STUN messages (RFC 7983: first
 * byte 0 to 3, the magic cookie at byte 4) that come between the flow's
 * packets apart: it prints each as "stun HEX" as it arrives, counts them
 * ("stun N") and checks the flow around them as ever.
 *
 * When packets fail to unprotect, the summary says how many of them were
 * the flow's own packets in clear, and libsrtp2's verdict on the rest:
 * tag wrong ("auth"), index received before ("replayed"), index left of
 * the replay window ("too old").  It always ends with how many RTP
 * packets of the flow's SSRC came after one with a higher sequence
 * number, and how far behind the latest was ("late N (deepest D)"): the
 * network's reordering, which a replay window of --window packets (128,
 * libsrtp2's default) takes up to D = window - 1.
 *
 * A receiver given several keys without MKI follows a re-key as RFC 4568
 * receivers must: a packet that fails with the current key is tried with
 * the next one, which becomes current when it authenticates.  It reports
 * how many such switches it made.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ref_srtp.h"
#include "sdes.h"

#define PAYLOAD_LEN	160	/* the default: G.711, 20 ms */
#define PAYLOAD_MAX	1800
#define RTCP_EVERY	10
#define MAX_PKT		2048
#define MAX_COUNT	200000

struct opts {
	bool send;
	int family;
	uint8_t addr[16];
	uint16_t port;
	uint16_t src_port;
	unsigned int count;
	uint32_t ssrc;
	uint16_t seq;
	bool rtcp;
	bool mux;
	bool keep_going;	/* sender: a netfilter drop is not fatal */
	unsigned int interval_us;
	double timeout;
	unsigned int suite;
	unsigned int flags;
	unsigned int nkeys;
	struct sdes_key keys[4];
	unsigned int key_index;	/* sender: the key it uses (0-based) */
	unsigned int skip;	/* receiver: RTP packets the test drops */
	int tamper;		/* sender: corrupt this RTP packet (0-based) */
	int tamper_rtcp;	/* sender: ... and this RTCP report */
	int replay;		/* sender: send this RTP packet twice */
	int late;		/* sender: send this RTP packet last */
	unsigned int garbage;	/* sender: then this many 5-byte packets */
	unsigned int offset;	/* first packet index to send, or expect */
	unsigned int gso;	/* sender: send N packets per UDP_SEGMENT call */
	const char *sniff;	/* receiver: read this interface (AF_PACKET) */
	unsigned int payload;	/* RTP payload bytes per packet */
	bool other_ssrc;	/* receiver: count other SSRCs apart */
	bool stun;		/* receiver: take STUN apart, print it */
	unsigned int fuzz;	/* sender: mutate this percentage */
	unsigned int window;	/* receiver: libsrtp2's replay window */
};

/* sender --fuzz: what it did, for its summary line */
static unsigned int fuzz_mutated, fuzz_stun, fuzz_refused;
static uint64_t fuzz_state = 1;

static void die(const char *msg)
{
	fprintf(stderr, "rtpwire: %s\n", msg);
	exit(2);
}

/*
 * Whether RTP packet @i (or, with @rtcp, report @i, which follows RTP
 * packet RTCP_EVERY * i + RTCP_EVERY - 1) is of the part of the flow a
 * receiver expects: --count packets from --offset on.
 */
static bool in_flow(const struct opts *o, unsigned int i, bool rtcp)
{
	if (rtcp)
		i = RTCP_EVERY * i + RTCP_EVERY - 1;
	return i >= o->offset && i < o->offset + o->count;
}

/* The RTCP reports of that part of the flow. */
static unsigned int rtcp_in_flow(const struct opts *o)
{
	unsigned int r, n = 0;

	for (r = 0; RTCP_EVERY * r < o->offset + o->count; r++)
		n += in_flow(o, r, true);
	return n;
}

static unsigned int rtp_plain(uint8_t *b, const struct opts *o, unsigned int i)
{
	uint16_t seq = (uint16_t)(o->seq + i);
	uint32_t ts = 160 * i;
	unsigned int j;

	b[0] = 0x80;
	b[1] = 0;	/* PCMU */
	b[2] = seq >> 8;
	b[3] = seq & 0xff;
	b[4] = ts >> 24;
	b[5] = ts >> 16;
	b[6] = ts >> 8;
	b[7] = ts;
	b[8] = o->ssrc >> 24;
	b[9] = o->ssrc >> 16;
	b[10] = o->ssrc >> 8;
	b[11] = o->ssrc;
	for (j = 0; j < o->payload; j++)
		b[12 + j] = (uint8_t)(i * 7 + j);
	return 12 + o->payload;
}

/* RTCP sender report number r: 28 bytes, counters derived from r. */
static unsigned int rtcp_plain(uint8_t *b, const struct opts *o, unsigned int r)
{
	uint32_t words[5] = { r, r * 3, 160 * r * RTCP_EVERY, r * RTCP_EVERY,
			      r * RTCP_EVERY * o->payload };
	unsigned int i;

	b[0] = 0x80;
	b[1] = 200;
	b[2] = 0;
	b[3] = 6;
	b[4] = o->ssrc >> 24;
	b[5] = o->ssrc >> 16;
	b[6] = o->ssrc >> 8;
	b[7] = o->ssrc;
	for (i = 0; i < 5; i++) {
		b[8 + 4 * i] = words[i] >> 24;
		b[9 + 4 * i] = words[i] >> 16;
		b[10 + 4 * i] = words[i] >> 8;
		b[11 + 4 * i] = words[i];
	}
	return 28;
}

/*
 * A libsrtp2 session with the keys: all of them with MKI, else only key
 * @first (libsrtp2 knows one key per session without MKI).
 */
static srtp_t ref_session(const struct opts *o, bool inbound,
			  unsigned int first)
{
	static srtp_master_key_t mk[4];
	static srtp_master_key_t *mkp[4];
	static uint8_t material[4][64];
	srtp_policy_t pol;
	unsigned int i;
	srtp_t s;

	memset(&pol, 0, sizeof(pol));
	if (ref_srtp_policy(o->suite, o->flags, &pol.rtp, &pol.rtcp))
		die("unknown suite");
	pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	pol.window_size = o->window;
	for (i = 0; i < o->nkeys; i++) {
		memcpy(material[i], o->keys[i].key, o->keys[i].key_len);
		memcpy(material[i] + o->keys[i].key_len, o->keys[i].salt,
		       o->keys[i].salt_len);
		mk[i].key = material[i];
		mk[i].mki_id = (unsigned char *)o->keys[i].mki;
		mk[i].mki_size = o->keys[i].mki_len;
		mkp[i] = &mk[i];
	}
	if (o->keys[0].mki_len) {
		pol.keys = mkp;
		pol.num_master_keys = o->nkeys;
	} else {
		pol.key = material[first];
	}
	if (srtp_create(&s, &pol) != srtp_err_status_ok)
		die("libsrtp2 refused the policy");
	return s;
}

static int open_socket(const struct opts *o, uint16_t port, bool bind_addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, size = 4 << 20, one = 1;

	fd = socket(o->family, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&ss, 0, sizeof(ss));
	if (o->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (bind_addr)
			memcpy(&sin->sin_addr, o->addr, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		if (bind_addr)
			memcpy(&sin6->sin6_addr, o->addr, 16);
		len = sizeof(*sin6);
	}
	if (bind(fd, (struct sockaddr *)&ss, len))
		die(strerror(errno));
	return fd;
}

static void dest(const struct opts *o, uint16_t port,
		 struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (o->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, o->addr, 4);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, o->addr, 16);
		*len = sizeof(*sin6);
	}
}

/* Protects @b in place with libsrtp2 when @s is set; the new length. */
static int protect(const struct opts *o, srtp_t s, bool rtcp, uint8_t *b,
		   int len)
{
	srtp_err_status_t st = srtp_err_status_ok;
	bool mki = o->keys[0].mki_len > 0;

	if (s && rtcp)
		st = srtp_protect_rtcp_mki(s, b, &len, mki, o->key_index);
	else if (s)
		st = srtp_protect_mki(s, b, &len, mki, o->key_index);
	if (st != srtp_err_status_ok)
		die("libsrtp2 protect failed");
	return len;
}

static uint32_t fuzz_below(uint32_t n)
{
	/* xorshift64*, reproducible from --fuzz-seed */
	fuzz_state ^= fuzz_state >> 12;
	fuzz_state ^= fuzz_state << 25;
	fuzz_state ^= fuzz_state >> 27;
	return n ? (uint32_t)((fuzz_state * 2685821657736338717ULL) >> 33) % n : 0;
}

/*
 * --fuzz: one mutation of the packet about to be sent (after libsrtp2
 * protected it, if it did): bits flipped, a CSRC count, header extension
 * or padding that lies, a cut or a tail of junk, another RTP version,
 * sequence numbers at their edges, bytes near the SRTCP index and tag, a
 * STUN message, or junk.  Returns the new length (at most 1400).
 */
static int fuzz_packet(uint8_t *b, int len)
{
	static const uint16_t seqs[] = { 0, 1, 0x7fff, 0x8000, 0xfffe, 0xffff };
	int i, n, at;

	switch (fuzz_below(10)) {
	case 0:
		n = 1 + (int)fuzz_below(3);
		for (i = 0; i < n && len; i++)
			b[fuzz_below((uint32_t)len)] ^= 1 << fuzz_below(8);
		break;
	case 1:
		b[0] = (uint8_t)((b[0] & 0xf0) | fuzz_below(16));
		break;
	case 2:	/* an extension header whose length may lie */
		at = 12 + 4 * (b[0] & 0x0f);
		b[0] |= 0x10;
		if (at + 4 <= len) {
			b[at] = 0xbe;
			b[at + 1] = 0xde;
			b[at + 2] = (uint8_t)fuzz_below(256);
			b[at + 3] = (uint8_t)fuzz_below(256);
		}
		break;
	case 3:	/* padding whose count may lie */
		b[0] |= 0x20;
		if (len)
			b[len - 1] = (uint8_t)fuzz_below(256);
		break;
	case 4:
		len = (int)fuzz_below((uint32_t)len + 1);
		break;
	case 5:
		n = 1 + (int)fuzz_below(64);
		for (i = 0; i < n && len < 1400; i++)
			b[len++] = (uint8_t)fuzz_below(256);
		break;
	case 6:
		b[0] = (uint8_t)((b[0] & 0x3f) | fuzz_below(4) << 6);
		break;
	case 7:	/* RTP: the sequence number; RTCP: near its index and tag */
		if (len >= 4 && b[1] < 192) {
			n = seqs[fuzz_below(sizeof(seqs) / sizeof(seqs[0]))];
			b[2] = (uint8_t)(n >> 8);
			b[3] = (uint8_t)n;
		} else if (len > 24) {
			b[len - 1 - (int)fuzz_below(24)] ^= 0x80;
		}
		break;
	case 8:	/* a STUN Binding request (RFC 5389) */
		fuzz_stun++;
		len = 20 + 4 * (int)fuzz_below(8);
		memset(b, 0, (size_t)len);
		b[1] = 0x01;
		b[3] = (uint8_t)(len - 20);
		b[4] = 0x21;
		b[5] = 0x12;
		b[6] = 0xa4;
		b[7] = 0x42;
		break;
	default:
		len = (int)fuzz_below(200);
		for (i = 0; i < len; i++)
			b[i] = (uint8_t)fuzz_below(256);
		break;
	}
	return len;
}

/* Protects (with a key) and sends @b; returns the length sent. */
static int send_one(int fd, const struct opts *o, srtp_t s, bool rtcp,
		    uint8_t *b, int len, uint16_t port, bool tamper)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	len = protect(o, s, rtcp, b, len);
	if (tamper)
		b[len - 1] ^= 0x01;
	if (o->fuzz && fuzz_below(100) < o->fuzz) {
		uint8_t was[MAX_PKT];
		int was_len = len;

		memcpy(was, b, (size_t)len);
		len = fuzz_packet(b, len);
		/* some mutations can leave the packet as it was */
		if (len != was_len || memcmp(was, b, (size_t)len))
			fuzz_mutated++;
	}
	dest(o, port, &ss, &sl);
	if (sendto(fd, b, (size_t)len, 0, (struct sockaddr *)&ss, sl) != len) {
		/* a netfilter drop of a local packet reads EPERM */
		if ((!o->fuzz && !o->keep_going) || errno != EPERM)
			die(strerror(errno));
		fuzz_refused++;
	}
	return len;
}

/*
 * Sends the flow's RTP in UDP_SEGMENT super-packets of @o->gso packets,
 * as a sender using GSO would: plain, or SRTP protected with libsrtp2
 * when keys are given (every packet of the flow has one size, so every
 * segment does).
 */
static int send_gso(const struct opts *o)
{
	srtp_t s = o->nkeys ? ref_session(o, false, o->key_index) : NULL;
	uint8_t b[MAX_PKT * 9];
	struct sockaddr_storage ss;
	unsigned int i, n, len = 0, refused = 0;
	socklen_t sl;
	int fd, seg = 0, plen;

	if (o->gso > 8)
		die("--gso takes at most 8");
	fd = open_socket(o, o->src_port, false);
	dest(o, o->port, &ss, &sl);
	for (i = o->offset, n = 0; i < o->offset + o->count; i++) {
		plen = (int)rtp_plain(b + len, o, i);
		if (s)
			plen = protect(o, s, false, b + len, plen);
		if (!seg) {
			seg = plen;
			if (setsockopt(fd, IPPROTO_UDP, UDP_SEGMENT, &seg,
				       sizeof(seg)))
				die("UDP_SEGMENT not supported");
		}
		len += (unsigned int)plen;
		if (++n == o->gso || i + 1 == o->offset + o->count) {
			/* a netfilter drop of a local packet reads EPERM */
			if (sendto(fd, b, len, 0, (struct sockaddr *)&ss, sl) !=
			    (ssize_t)len) {
				if (errno != EPERM)
					die(strerror(errno));
				refused++;
			}
			len = 0;
			n = 0;
		}
	}
	printf("sent rtp %u in super-packets of %u, %u refused\n", o->count,
	       o->gso, refused);
	if (s)
		srtp_dealloc(s);
	close(fd);
	return 0;
}

static int do_send(const struct opts *o)
{
	uint16_t rtcp_port = o->mux ? o->port : (uint16_t)(o->port + 1);
	srtp_t s = o->nkeys ? ref_session(o, false, o->key_index) : NULL;
	unsigned int i, sent = 0, rtcp = 0;
	uint8_t b[MAX_PKT], late[MAX_PKT];
	int fd, rtcp_fd, len, late_len = 0;

	fd = open_socket(o, o->src_port, false);
	/* RTCP leaves from the RTP port + 1, unless multiplexed (RFC 3550). */
	rtcp_fd = fd;
	if (o->rtcp && !o->mux)
		rtcp_fd = open_socket(o, o->src_port ?
				      (uint16_t)(o->src_port + 1) : 0, false);
	/*
	 * A later part of one flow: libsrtp2 numbers SRTCP itself, from 1
	 * in a new session, so the reports of the parts before are
	 * protected and dropped, and report r goes with index r + 1 as if
	 * one sender had sent the whole flow (a receiver would refuse the
	 * indices again as replays).
	 */
	for (i = 0; o->rtcp && s && RTCP_EVERY * (i + 1) <= o->offset; i++)
		protect(o, s, true, b, (int)rtcp_plain(b, o, i));
	for (i = o->offset; i < o->offset + o->count; i++) {
		len = (int)rtp_plain(b, o, i);
		if ((int)i == o->late) {
			/* protected in turn, sent after all the others */
			late_len = protect(o, s, false, b, len);
			memcpy(late, b, (size_t)late_len);
			continue;
		}
		len = send_one(fd, o, s, false, b, len, o->port,
			       (int)i == o->tamper);
		sent++;
		if ((int)i == o->replay) {
			/* the same bytes again, as an attacker would */
			struct sockaddr_storage ss;
			socklen_t sl;

			dest(o, o->port, &ss, &sl);
			if (sendto(fd, b, (size_t)len, 0,
				   (struct sockaddr *)&ss, sl) != len)
				die(strerror(errno));
		}
		if (o->rtcp && (i + 1) % RTCP_EVERY == 0) {
			/* report r follows RTP packet 10r + 9, whatever the offset */
			len = (int)rtcp_plain(b, o, (i + 1) / RTCP_EVERY - 1);
			rtcp++;
			send_one(rtcp_fd, o, s, true, b, len, rtcp_port,
				 (int)rtcp - 1 == o->tamper_rtcp);
		}
		if (o->interval_us)
			usleep(o->interval_us);
	}
	if (late_len) {
		/* now far left of any replay window */
		send_one(fd, o, NULL, false, late, late_len, o->port, false);
		sent++;
	}
	for (i = 0; i < o->garbage; i++) {
		static const uint8_t junk[5] = { 0x80, 0, 0, 1, 2 };

		memcpy(b, junk, sizeof(junk));
		send_one(fd, o, NULL, false, b, sizeof(junk), o->port, false);
	}
	if (o->fuzz)
		printf("sent rtp %u rtcp %u, mutated %u (stun %u), refused %u\n",
		       sent, rtcp, fuzz_mutated, fuzz_stun, fuzz_refused);
	else
		printf("sent rtp %u rtcp %u\n", sent, rtcp);
	if (rtcp_fd != fd)
		close(rtcp_fd);
	close(fd);
	if (s)
		srtp_dealloc(s);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct rx {
	unsigned int rtp_ok, rtcp_ok, bad, auth_fail, other, stun;
	unsigned int clear;	/* of auth_fail: the flow's packet in clear */
	/* of auth_fail, libsrtp2's verdicts: tag, index seen, left of window */
	unsigned int tag_fail, replayed, too_old;
	int first_fail;		/* RTP sequence number of the first, or -1 */
	/* RTP of the flow's SSRC after a higher sequence number: how many, */
	unsigned int late;
	unsigned int deepest;	/* and the most sequence numbers behind */
	int top;		/* the highest sequence number seen (-1: none) */
	uint8_t *seen;		/* RTP packets received, by index */
	uint8_t *seen_rtcp;
	srtp_t s[4];		/* libsrtp2 sessions: one, or one per key */
	unsigned int nsess;
	unsigned int cur;	/* the session tried first */
	unsigned int switches;	/* moves to the next key (no MKI) */
	unsigned long sniffed;	/* --sniff: packets of the flow seen */
	unsigned long csum_bad;	/* --sniff: wrong UDP checksum */
	unsigned long csum_partial;	/* --sniff: left to the device */
};

static bool is_rtcp(const uint8_t *b, int len)
{
	return len >= 2 && b[1] >= 192 && b[1] <= 223;
}

static srtp_err_status_t unprotect(const struct opts *o, srtp_t s, bool rtcp,
				   uint8_t *b, int *len)
{
	bool mki = o->keys[0].mki_len > 0;

	return rtcp ? srtp_unprotect_rtcp_mki(s, b, len, mki) :
		      srtp_unprotect_mki(s, b, len, mki);
}

/*
 * Unprotects @b with the current session and, when that fails and there
 * is a next key (several keys without MKI: the peer re-keyed), with the
 * next one, which then becomes current.
 */
static srtp_err_status_t rx_unprotect(const struct opts *o, struct rx *rx,
				      bool rtcp, uint8_t *b, int *len)
{
	uint8_t copy[MAX_PKT];
	int clen = *len;
	srtp_err_status_t st;

	if (rx->cur + 1 < rx->nsess)
		memcpy(copy, b, (size_t)clen);	/* GCM decrypts in place */
	st = unprotect(o, rx->s[rx->cur], rtcp, b, len);
	if (st == srtp_err_status_ok || rx->cur + 1 >= rx->nsess)
		return st;
	memcpy(b, copy, (size_t)clen);
	*len = clen;
	st = unprotect(o, rx->s[rx->cur + 1], rtcp, b, len);
	if (st == srtp_err_status_ok) {
		rx->cur++;
		rx->switches++;
	}
	return st;
}

static uint32_t packet_ssrc(const uint8_t *b, bool rtcp)
{
	const uint8_t *p = b + (rtcp ? 4 : 8);

	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/*
 * Whether @b (@len bytes) is a packet of the flow exactly as it was sent
 * in clear: a packet that fails to unprotect is told apart as media that
 * crossed untransformed, not a bad SRTP packet.
 */
static bool in_clear(const struct opts *o, const uint8_t *b, int len,
		     bool rtcp)
{
	uint8_t want[MAX_PKT];
	unsigned int i, wlen;

	if (len < 12)
		return false;
	if (rtcp) {
		i = (unsigned int)(b[8] << 24 | b[9] << 16 | b[10] << 8 | b[11]);
		wlen = in_flow(o, i, true) ? rtcp_plain(want, o, i) : 0;
	} else {
		i = (uint16_t)((b[2] << 8 | b[3]) - o->seq);
		wlen = in_flow(o, i, false) ? rtp_plain(want, o, i) : 0;
	}
	return wlen && (unsigned int)len == wlen && !memcmp(want, b, wlen);
}

/*
 * Notes how late an RTP packet of the flow arrived, by its clear
 * header: the network may reorder (a router's CPUs each forward part of
 * a burst), and a receiver's replay window takes only so much of it.
 */
static void note_order(const struct opts *o, const uint8_t *b, int len,
		       struct rx *rx)
{
	int i;

	if (len < 12 || packet_ssrc(b, false) != o->ssrc)
		return;
	i = (uint16_t)((b[2] << 8 | b[3]) - o->seq);
	if (!in_flow(o, (unsigned int)i, false))
		return;		/* not a packet of the flow */
	if (i > rx->top) {
		rx->top = i;
	} else if (i < rx->top) {
		rx->late++;
		if ((unsigned int)(rx->top - i) > rx->deepest)
			rx->deepest = (unsigned int)(rx->top - i);
	}
}

/* Checks one received packet against the flow; returns its verdict. */
static void check_packet(const struct opts *o, uint8_t *b, int len,
			 bool rtcp, struct rx *rx)
{
	uint8_t want[MAX_PKT], raw[MAX_PKT];
	unsigned int i, wlen;
	srtp_err_status_t st = srtp_err_status_ok;
	int rawlen = len;

	if (len > MAX_PKT - 64) {
		rx->bad++;
		return;
	}
	if (o->stun && len >= 20 && b[0] < 4 && b[4] == 0x21 &&
	    b[5] == 0x12 && b[6] == 0xa4 && b[7] == 0x42) {
		printf("stun ");
		for (i = 0; i < (unsigned int)len; i++)
			printf("%02x", b[i]);
		printf("\n");
		rx->stun++;
		return;
	}
	if (!rtcp)
		note_order(o, b, len, rx);
	if (rx->nsess) {
		memcpy(raw, b, (size_t)len);
		st = rx_unprotect(o, rx, rtcp, b, &len);
	}
	if (st != srtp_err_status_ok) {
		rx->auth_fail++;
		rx->clear += in_clear(o, raw, rawlen, rtcp);
		rx->tag_fail += st == srtp_err_status_auth_fail;
		rx->replayed += st == srtp_err_status_replay_fail;
		rx->too_old += st == srtp_err_status_replay_old;
		if (rx->first_fail < 0 && !rtcp && rawlen >= 4)
			rx->first_fail = raw[2] << 8 | raw[3];
		return;
	}
	if (o->other_ssrc && len >= 12 && packet_ssrc(b, rtcp) != o->ssrc) {
		rx->other++;
		return;
	}
	if (rtcp) {
		if (len != 28 || b[1] != 200) {
			rx->bad++;
			return;
		}
		i = (unsigned int)(b[8] << 24 | b[9] << 16 | b[10] << 8 | b[11]);
		wlen = in_flow(o, i, true) ? rtcp_plain(want, o, i) : 0;
		if (!wlen || memcmp(want, b, wlen) || rx->seen_rtcp[i]) {
			rx->bad++;
			return;
		}
		rx->seen_rtcp[i] = 1;
		rx->rtcp_ok++;
		return;
	}
	if (len < 12) {
		rx->bad++;
		return;
	}
	i = (uint16_t)((b[2] << 8 | b[3]) - o->seq);
	wlen = in_flow(o, i, false) ? rtp_plain(want, o, i) : 0;
	if (!wlen || (unsigned int)len != wlen || memcmp(want, b, wlen) ||
	    rx->seen[i]) {
		rx->bad++;
		return;
	}
	rx->seen[i] = 1;
	rx->rtp_ok++;
}

/* ---- --sniff: the flow as it arrives on an interface ---- */

static int open_sniffer(const char *ifname)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	int fd, size = 16 << 20;

	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex)
		die("--sniff: no such interface");
	/* protocol 0: nothing is queued before the bind to the interface */
	fd = socket(AF_PACKET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("--sniff: AF_PACKET socket (root needed)");
	/* the flow may outrun us under emulation: room for all of it */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die(strerror(errno));
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &(int){ 1 },
		       sizeof(int)))
		die(strerror(errno));
	return fd;
}

static uint32_t sum16(uint32_t sum, const uint8_t *b, int len)
{
	int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

static uint16_t fold16(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * Whether the UDP checksum of IP packet @p, UDP header at @udp, is right
 * as it will be on the wire.  A packet the sender left to the device
 * (CHECKSUM_PARTIAL: @partial) carries the pseudo-header sum, which the
 * device completes over the UDP header and payload: it is completed here
 * the same way and then checked.  IPv4 allows no checksum (0).
 */
static bool udp_csum_ok(const uint8_t *p, int udp, bool partial)
{
	bool v4 = p[0] >> 4 == 4;
	int ulen = p[udp + 4] << 8 | p[udp + 5];
	static uint8_t u[65536];
	uint32_t sum;
	uint16_t c;

	memcpy(u, p + udp, (size_t)ulen);
	if (partial) {
		c = (uint16_t)~fold16(sum16(0, u, ulen));
		if (!c)
			c = 0xffff;
		u[6] = (uint8_t)(c >> 8);
		u[7] = (uint8_t)c;
	} else if (v4 && !u[6] && !u[7]) {
		return true;
	}
	/* pseudo header: addresses, protocol, UDP length */
	sum = v4 ? sum16(0, p + 12, 8) : sum16(0, p + 8, 32);
	sum += IPPROTO_UDP + (uint32_t)ulen;
	return fold16(sum16(sum, u, ulen)) == 0xffff;
}

/*
 * The UDP payload of IP packet @p (network header first, as SOCK_DGRAM
 * packet sockets give it): its offset, with its length in *@plen and the
 * destination port in *@dport, when the packet goes to o->addr; else -1.
 * Fragments are not reassembled (the flow's packets are small).
 */
static int udp_payload(const struct opts *o, const uint8_t *p, int len,
		       uint16_t *dport, int *plen)
{
	int off, end, ulen;

	if (len >= 20 && p[0] >> 4 == 4) {
		off = (p[0] & 0x0f) * 4;
		end = p[2] << 8 | p[3];
		if (o->family != AF_INET || off < 20 || end > len ||
		    end < off || p[9] != IPPROTO_UDP ||
		    ((p[6] & 0x3f) | p[7]) || memcmp(p + 16, o->addr, 4))
			return -1;
	} else if (len >= 40 && p[0] >> 4 == 6) {
		uint8_t nh = p[6];

		end = 40 + (p[4] << 8 | p[5]);
		if (o->family != AF_INET6 || end > len ||
		    memcmp(p + 24, o->addr, 16))
			return -1;
		off = 40;
		/* hop-by-hop, routing and destination options headers */
		while ((nh == 0 || nh == 43 || nh == 60) && off + 8 <= end) {
			nh = p[off];
			off += (p[off + 1] + 1) * 8;
		}
		if (nh != IPPROTO_UDP)
			return -1;	/* also a fragment (44) */
	} else {
		return -1;
	}
	if (off + 8 > end)
		return -1;
	ulen = p[off + 4] << 8 | p[off + 5];
	if (ulen < 8 || off + ulen > end)
		return -1;
	*dport = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
	*plen = ulen - 8;
	return off + 8;
}

/* Reads one packet off the sniffer and checks it if it is of the flow. */
static void sniff_one(const struct opts *o, int fd, struct rx *rx)
{
	static uint8_t p[65536];
	struct sockaddr_ll from;
	union {
		struct cmsghdr c;
		uint8_t b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} ctl;
	struct iovec iov = { p, sizeof(p) };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
			     .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
	struct tpacket_auxdata aux = { 0 };
	struct cmsghdr *c;
	uint16_t dport;
	int len, off, plen;
	bool rtcp, partial;

	len = (int)recvmsg(fd, &mh, MSG_TRUNC);
	if (len < 0 || len > (int)sizeof(p) ||
	    from.sll_pkttype == PACKET_OUTGOING)
		return;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_PACKET &&
		    c->cmsg_type == PACKET_AUXDATA)
			memcpy(&aux, CMSG_DATA(c), sizeof(aux));
	partial = aux.tp_status & TP_STATUS_CSUMNOTREADY;
	off = udp_payload(o, p, len, &dport, &plen);
	if (off < 0)
		return;
	if (dport == o->port)
		rtcp = o->mux && is_rtcp(p + off, plen);
	else if (o->rtcp && !o->mux && dport == (uint16_t)(o->port + 1))
		rtcp = true;
	else
		return;
	rx->sniffed++;
	rx->csum_partial += partial;
	if (!udp_csum_ok(p, off - 8, partial)) {
		rx->csum_bad++;
		return;
	}
	check_packet(o, p + off, plen, rtcp, rx);
}

static int do_recv(const struct opts *o)
{
	unsigned int want_rtp = o->count - o->skip;
	unsigned int want_rtcp = o->rtcp ? rtcp_in_flow(o) : 0;
	struct pollfd pfd[2];
	double deadline = now() + o->timeout;
	uint8_t b[MAX_PKT];
	struct rx rx = { .first_fail = -1, .top = -1 };
	int nfd = 1, i;

	if (o->nkeys > 1 && !o->keys[0].mki_len) {
		/* no MKI: one session per key, tried in turn */
		for (rx.nsess = 0; rx.nsess < o->nkeys; rx.nsess++)
			rx.s[rx.nsess] = ref_session(o, true, rx.nsess);
	} else if (o->nkeys) {
		rx.s[0] = ref_session(o, true, 0);
		rx.nsess = 1;
	}
	rx.seen = calloc(o->offset + o->count + 1, 1);
	rx.seen_rtcp = calloc(o->offset + o->count + 1, 1);
	if (!rx.seen || !rx.seen_rtcp)
		die("out of memory");
	if (o->sniff) {
		pfd[0].fd = open_sniffer(o->sniff);
		pfd[0].events = POLLIN;
	} else {
		pfd[0].fd = open_socket(o, o->port, true);
		pfd[0].events = POLLIN;
		if (o->rtcp && !o->mux) {
			pfd[1].fd = open_socket(o, (uint16_t)(o->port + 1),
						true);
			pfd[1].events = POLLIN;
			nfd = 2;
		}
	}
	/* Ready: the test waits for this line before it starts a sender. */
	printf("listening\n");
	fflush(stdout);
	while (rx.rtp_ok < want_rtp || rx.rtcp_ok < want_rtcp) {
		int left = (int)((deadline - now()) * 1000);

		if (left <= 0 || poll(pfd, (nfds_t)nfd, left) <= 0)
			break;
		if (o->sniff) {
			if (pfd[0].revents & POLLIN)
				sniff_one(o, pfd[0].fd, &rx);
			continue;
		}
		for (i = 0; i < nfd; i++) {
			int len;

			if (!(pfd[i].revents & POLLIN))
				continue;
			len = (int)recv(pfd[i].fd, b, sizeof(b) - 64, 0);
			if (len < 0)
				continue;
			check_packet(o, b, len,
				     i == 1 || (o->mux && is_rtcp(b, len)), &rx);
		}
	}
	printf("received rtp %u/%u rtcp %u/%u bad %u unprotect-failed %u",
	       rx.rtp_ok, want_rtp, rx.rtcp_ok, want_rtcp, rx.bad,
	       rx.auth_fail);
	if (rx.auth_fail)	/* what failed: media in clear, or bad SRTP */
		printf(" (in clear %u, auth %u, replayed %u, too old %u, first RTP seq %d)",
		       rx.clear, rx.tag_fail, rx.replayed, rx.too_old,
		       rx.first_fail);
	if (rx.nsess > 1)
		printf(" key-switches %u", rx.switches);
	if (o->other_ssrc)
		printf(" other %u", rx.other);
	if (o->stun)
		printf(" stun %u", rx.stun);
	if (o->sniff) {
		struct tpacket_stats ts;
		socklen_t tl = sizeof(ts);

		if (getsockopt(pfd[0].fd, SOL_PACKET, PACKET_STATISTICS, &ts,
			       &tl))
			ts.tp_drops = 0;
		printf(" sniffed %lu on %s, socket drops %u, udp checksum bad %lu (left to the device %lu)",
		       rx.sniffed, o->sniff, ts.tp_drops, rx.csum_bad,
		       rx.csum_partial);
	}
	printf(" late %u (deepest %u)\n", rx.late, rx.deepest);
	for (i = 0; i < (int)rx.nsess; i++)
		srtp_dealloc(rx.s[i]);
	return rx.rtp_ok == want_rtp && rx.rtcp_ok == want_rtcp && !rx.bad &&
	       !rx.auth_fail && !rx.csum_bad ? 0 : 1;
}

static void parse_addr(struct opts *o, const char *text, bool with_port)
{
	char buf[80], *port = NULL;

	snprintf(buf, sizeof(buf), "%s", text);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close)
			die("bad address");
		*close = '\0';
		if (close[1] == ':')
			port = close + 2;
		memmove(buf, buf + 1, strlen(buf));
		o->family = AF_INET6;
	} else {
		port = strchr(buf, ':');
		if (port)
			*port++ = '\0';
		o->family = AF_INET;
	}
	if (inet_pton(o->family, buf, o->addr) != 1)
		die("bad address");
	if (with_port) {
		if (!port)
			die("address needs a port");
		o->port = (uint16_t)atoi(port);
	}
}

static unsigned int parse_flags(const char *text)
{
	unsigned int f = 0;

	if (strstr(text, "no-encrypt-rtp"))
		f |= REF_UNENCRYPTED_SRTP;
	if (strstr(text, "no-encrypt-rtcp"))
		f |= REF_UNENCRYPTED_SRTCP;
	if (strstr(text, "no-auth"))
		f |= REF_UNAUTHENTICATED_SRTP;
	return f;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dst", 1, NULL, 'd' }, { "bind", 1, NULL, 'b' },
		{ "port", 1, NULL, 'p' }, { "src-port", 1, NULL, 'P' },
		{ "count", 1, NULL, 'c' }, { "ssrc", 1, NULL, 'S' },
		{ "seq", 1, NULL, 'q' }, { "rtcp", 0, NULL, 'r' },
		{ "mux", 0, NULL, 'm' }, { "interval-us", 1, NULL, 'i' },
		{ "timeout", 1, NULL, 't' }, { "suite", 1, NULL, 's' },
		{ "key", 1, NULL, 'k' }, { "flags", 1, NULL, 'f' },
		{ "key-index", 1, NULL, 'K' }, { "skip", 1, NULL, 'x' },
		{ "tamper", 1, NULL, 'T' }, { "replay", 1, NULL, 'R' },
		{ "tamper-rtcp", 1, NULL, 1001 },
		{ "late", 1, NULL, 'L' }, { "garbage", 1, NULL, 'G' },
		{ "offset", 1, NULL, 'O' }, { "gso", 1, NULL, 'g' },
		{ "other-ssrc", 0, NULL, 'o' }, { "ssrcs", 1, NULL, 'N' },
		{ "sniff", 1, NULL, 'n' }, { "payload", 1, NULL, 'y' },
		{ "fuzz", 1, NULL, 'F' }, { "fuzz-seed", 1, NULL, 'X' },
		{ "window", 1, NULL, 'w' }, { "stun", 0, NULL, 'u' },
		{ "keep-going", 0, NULL, 1000 },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { .count = 100, .ssrc = 0x11223344, .seq = 1000,
			  .timeout = 30, .tamper = -1, .tamper_rtcp = -1,
			  .replay = -1,
			  .late = -1, .payload = PAYLOAD_LEN, .window = 128 };
	unsigned int ssrcs = 1, i;
	char err[160];
	int c, rc = 0;

	if (argc < 2)
		die("usage: rtpwire send|recv [options]");
	if (!strcmp(argv[1], "send"))
		o.send = true;
	else if (strcmp(argv[1], "recv"))
		die("usage: rtpwire send|recv [options]");
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd': parse_addr(&o, optarg, true); break;
		case 'b': parse_addr(&o, optarg, false); break;
		case 'p': o.port = (uint16_t)atoi(optarg); break;
		case 'P': o.src_port = (uint16_t)atoi(optarg); break;
		case 'c': o.count = (unsigned int)atoi(optarg); break;
		case 'S': o.ssrc = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'q': o.seq = (uint16_t)atoi(optarg); break;
		case 'r': o.rtcp = true; break;
		case 'm': o.mux = true; break;
		case 'i': o.interval_us = (unsigned int)atoi(optarg); break;
		case 't': o.timeout = atof(optarg); break;
		case 's':
			o.suite = sdes_suite_by_name(optarg, strlen(optarg));
			if (!o.suite)
				die("unknown suite");
			break;
		case 'k':
			if (!o.suite || o.nkeys == 4)
				die("--suite before --key, at most 4 keys");
			if (sdes_parse_key(o.suite, optarg, strlen(optarg),
					   &o.keys[o.nkeys++], err, sizeof(err)))
				die(err);
			break;
		case 'f': o.flags = parse_flags(optarg); break;
		case 'K': o.key_index = (unsigned int)atoi(optarg); break;
		case 'x': o.skip = (unsigned int)atoi(optarg); break;
		case 'T': o.tamper = atoi(optarg); break;
		case 1001: o.tamper_rtcp = atoi(optarg); break;
		case 'R': o.replay = atoi(optarg); break;
		case 'L': o.late = atoi(optarg); break;
		case 'G': o.garbage = (unsigned int)atoi(optarg); break;
		case 'O': o.offset = (unsigned int)atoi(optarg); break;
		case 'o': o.other_ssrc = true; break;
		case 'u': o.stun = true; break;
		case 'g': o.gso = (unsigned int)atoi(optarg); break;
		case 'N': ssrcs = (unsigned int)atoi(optarg); break;
		case 'n': o.sniff = optarg; break;
		case 'y': o.payload = (unsigned int)atoi(optarg); break;
		case 'F': o.fuzz = (unsigned int)atoi(optarg); break;
		case 'X':
			fuzz_state = strtoull(optarg, NULL, 0) ?: 1;
			break;
		case 'w': o.window = (unsigned int)atoi(optarg); break;
		case 1000: o.keep_going = true; break;
		default: die("bad option");
		}
	}
	/*
	 * The guest tests' bounds are those of a Debian kernel; on the debug
	 * kernel, several times slower, scripts/vm sets NFSRTP_SCALE and
	 * every bound grows by it, this one too.
	 */
	if (getenv("NFSRTP_SCALE") && atoi(getenv("NFSRTP_SCALE")) > 1)
		o.timeout *= atoi(getenv("NFSRTP_SCALE"));
	if (!o.family || !o.port || !o.count || o.count > MAX_COUNT)
		die("need an address, a port and a count of 1-200000");
	if (!o.payload || o.payload > PAYLOAD_MAX)
		die("--payload takes 1-1800 bytes");
	if (o.window < 64 || o.window > 32767)
		die("--window takes 64-32767 packets");
	if (o.sniff && o.send)
		die("--sniff is for a receiver");
	if (o.nkeys && o.key_index >= o.nkeys)
		die("--key-index names no --key");
	if (srtp_init() != srtp_err_status_ok)
		die("srtp_init");
	if (!o.send || o.gso)
		return o.send ? send_gso(&o) : do_recv(&o);
	if (!ssrcs || ssrcs > 64)
		die("--ssrcs takes 1-64");
	/* one flow per SSRC, back to back: quicker than a process each */
	for (i = 0; i < ssrcs && !rc; i++, o.ssrc++)
		rc = do_send(&o);
	return rc;
}
