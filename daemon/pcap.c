// SPDX-License-Identifier: GPL-2.0
/*
 * pcap: SRTP/SRTCP decryption and encryption of capture files with the
 * same core the kernel runs (kmod/srtp.c over daemon/crypto_ossl.c).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/nf_srtp.h>

#include "errmsg.h"
#include "pcap.h"
#include "srtp.h"

#define SNAP_MAX	65535

static struct srtp_ctx *make_ctx(const struct pcapx_opts *o, char *err,
				 size_t errlen)
{
	unsigned int flags = 0, i;
	struct srtp_params p = { 0 };
	enum srtp_reason why;
	struct srtp_ctx *ctx;
	int e;

	if (o->flags & NF_SRTP_F_UNENCRYPTED_SRTP)
		flags |= SRTP_F_UNENCRYPTED_SRTP;
	if (o->flags & NF_SRTP_F_UNENCRYPTED_SRTCP)
		flags |= SRTP_F_UNENCRYPTED_SRTCP;
	if (o->flags & NF_SRTP_F_UNAUTHENTICATED_SRTP)
		flags |= SRTP_F_UNAUTHENTICATED_SRTP;
	/* sdes numbers suites from 1, the core from 0 */
	p.suite = (enum srtp_suite)(o->suite - 1);
	p.dir = o->encrypt ? SRTP_DIR_OUTBOUND : SRTP_DIR_INBOUND;
	p.flags = flags;
	p.window = SRTP_CORE_WINDOW_MAX;
	p.mki_len = o->keys[0].mki_len;
	ctx = srtp_ctx_new(&p, &e, &why);
	if (!ctx) {
		errmsg_set(err, errlen, "cannot set up the crypto context: %s",
			srtp_reason_name(why));
		return NULL;
	}
	for (i = 0; i < o->nkeys; i++) {
		const struct sdes_key *k = &o->keys[i];
		struct srtp_key *key;

		key = srtp_key_new(p.suite, k->key, k->key_len, k->salt,
				   k->salt_len, k->mki, k->mki_len, k->lifetime,
				   &e, &why);
		if (!key || srtp_ctx_add_key(ctx, key, &why) < 0) {
			srtp_key_free(key);
			srtp_ctx_free(ctx);
			errmsg_set(err, errlen, "key %u: %s", i + 1,
				srtp_reason_name(why));
			return NULL;
		}
	}
	return ctx;
}

/* Where the IP header starts in a frame of link type @dlt; -1: not IP. */
static int l3_offset(int dlt, const uint8_t *f, unsigned int len)
{
	unsigned int off, type;

	switch (dlt) {
	case DLT_EN10MB:
		if (len < 14)
			return -1;
		type = (unsigned int)(f[12] << 8 | f[13]);
		off = 14;
		while ((type == 0x8100 || type == 0x88a8) && len >= off + 4) {
			type = (unsigned int)(f[off + 2] << 8 | f[off + 3]);
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (len < 16)
			return -1;
		type = (unsigned int)(f[14] << 8 | f[15]);
		off = 16;
		break;
	case DLT_LINUX_SLL2:
		if (len < 20)
			return -1;
		type = (unsigned int)(f[0] << 8 | f[1]);
		off = 20;
		break;
	case DLT_RAW:
		return 0;
	default:
		return -1;
	}
	return type == 0x0800 || type == 0x86dd ? (int)off : -1;
}

struct udp_pkt {
	unsigned int l3, l4, end;	/* offsets in the frame */
	bool v6;
};

/* Finds an unfragmented UDP datagram whose lengths agree with the frame. */
static bool find_udp(uint8_t *f, unsigned int caplen, int l3,
		     struct udp_pkt *u)
{
	unsigned int hl, total, udplen;

	if (l3 < 0 || caplen < (unsigned int)l3 + 1)
		return false;
	u->l3 = (unsigned int)l3;
	u->v6 = (f[l3] >> 4) == 6;
	if (!u->v6) {
		if ((f[l3] >> 4) != 4 || caplen < u->l3 + 20)
			return false;
		hl = (f[l3] & 0x0f) * 4u;
		total = (unsigned int)(f[l3 + 2] << 8 | f[l3 + 3]);
		if (hl < 20 || f[l3 + 9] != 17 ||
		    (f[l3 + 6] & 0x3f) || f[l3 + 7])	/* MF or offset */
			return false;
	} else {
		if (caplen < u->l3 + 40 || f[l3 + 6] != 17)
			return false;	/* extension headers: not handled */
		hl = 40;
		total = 40 + (unsigned int)(f[l3 + 4] << 8 | f[l3 + 5]);
	}
	u->l4 = u->l3 + hl;
	u->end = u->l3 + total;
	if (total < hl + 8 || u->end > caplen)
		return false;		/* truncated capture */
	udplen = (unsigned int)(f[u->l4 + 4] << 8 | f[u->l4 + 5]);
	return udplen == total - hl;
}

static uint32_t sum16(const uint8_t *p, unsigned int len, uint32_t sum)
{
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* New lengths and checksums after the payload became @plen bytes. */
static void fix_headers(uint8_t *f, const struct udp_pkt *u, unsigned int plen)
{
	uint8_t *ip = f + u->l3, *uh = f + u->l4;
	unsigned int udplen = 8 + plen;
	uint32_t sum;
	uint16_t c;

	uh[4] = (uint8_t)(udplen >> 8);
	uh[5] = (uint8_t)udplen;
	uh[6] = uh[7] = 0;
	if (!u->v6) {
		unsigned int total = (u->l4 - u->l3) + udplen;

		ip[2] = (uint8_t)(total >> 8);
		ip[3] = (uint8_t)total;
		ip[10] = ip[11] = 0;
		c = fold(sum16(ip, u->l4 - u->l3, 0));
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
		sum = sum16(ip + 12, 8, 0);
	} else {
		ip[4] = (uint8_t)(udplen >> 8);
		ip[5] = (uint8_t)udplen;
		sum = sum16(ip + 8, 32, 0);
	}
	sum += 17 + udplen;
	c = fold(sum16(uh, udplen, sum));
	if (!c)
		c = 0xffff;
	uh[6] = (uint8_t)(c >> 8);
	uh[7] = (uint8_t)c;
}

static int transform(struct srtp_ctx *ctx, const struct pcapx_opts *o,
		     uint8_t *data, unsigned int len, unsigned int room,
		     bool rtcp, enum srtp_reason *why)
{
	if (o->encrypt)
		return rtcp ? srtp_rtcp_protect(ctx, data, len, room, why) :
			      srtp_rtp_protect(ctx, data, len, room, why);
	return rtcp ? srtp_rtcp_unprotect(ctx, data, len, why) :
		      srtp_rtp_unprotect(ctx, data, len, why);
}

struct run {
	const struct pcapx_opts *o;
	struct pcapx_stats *st;
	struct srtp_ctx *ctx;
	struct bpf_program bpf;
	bool have_bpf;
	int dlt;
	pcap_dumper_t *dump;
	uint8_t *buf;
};

/* Handles one frame; returns false when it must be left out. */
static bool one_frame(struct run *r, struct pcap_pkthdr *h, uint8_t *f)
{
	unsigned int room = h->caplen + SRTP_CORE_TRAILER_MAX;
	enum srtp_reason why = SRTP_R_OK;
	struct udp_pkt u;
	bool rtcp;
	uint8_t *data;
	int n;

	r->st->packets++;
	if ((r->have_bpf && !pcap_offline_filter(&r->bpf, h, f)) ||
	    !find_udp(f, h->caplen, l3_offset(r->dlt, f, h->caplen), &u)) {
		r->st->skipped++;
		return true;
	}
	data = f + u.l4 + 8;
	rtcp = srtp_is_rtcp(data, u.end - u.l4 - 8);
	/* trailing bytes after the IP datagram (padding) are dropped */
	n = transform(r->ctx, r->o, data, u.end - u.l4 - 8,
		      room - (u.l4 + 8), rtcp, &why);
	if (n < 0) {
		r->st->failed++;
		if (r->o->report)
			fprintf(r->o->report,
				"packet %lu: %s refused: %s%s\n", r->st->packets,
				rtcp ? "RTCP" : "RTP", srtp_reason_name(why),
				r->o->keep_failed ? " (kept unchanged)" : "");
		return r->o->keep_failed;
	}
	fix_headers(f, &u, (unsigned int)n);
	h->caplen = u.l4 + 8 + (unsigned int)n;
	h->len = h->caplen;
	if (rtcp)
		r->st->rtcp++;
	else
		r->st->rtp++;
	return true;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h,
		      const u_char *bytes)
{
	struct run *r = (struct run *)user;
	struct pcap_pkthdr nh = *h;
	uint8_t *f = r->buf;

	/* A private copy with room for what protect appends. */
	if (h->caplen > SNAP_MAX)
		nh.caplen = SNAP_MAX;
	memcpy(f, bytes, nh.caplen);
	if (h->caplen != h->len) {
		/* truncated by the capture: never transformed */
		r->st->packets++;
		r->st->skipped++;
		pcap_dump((u_char *)r->dump, &nh, f);
		return;
	}
	if (one_frame(r, &nh, f))
		pcap_dump((u_char *)r->dump, &nh, f);
}

int pcapx_run(const char *in, const char *out, const struct pcapx_opts *o,
	      struct pcapx_stats *st, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct run r = { .o = o, .st = st };
	pcap_t *p;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (!o->nkeys || !sdes_suite_info(o->suite)) {
		errmsg_set(err, errlen, "a suite and at least one key are needed");
		return -1;
	}
	p = pcap_open_offline(in, ebuf);
	if (!p) {
		errmsg_set(err, errlen, "%s", ebuf);
		return -1;
	}
	r.dlt = pcap_datalink(p);
	if (r.dlt != DLT_EN10MB && r.dlt != DLT_LINUX_SLL &&
	    r.dlt != DLT_LINUX_SLL2 && r.dlt != DLT_RAW) {
		errmsg_set(err, errlen, "%s: link type %s is not Ethernet, Linux cooked or raw IP",
			in, pcap_datalink_val_to_name(r.dlt) ?: "unknown");
		goto out_close;
	}
	if (o->filter && *o->filter) {
		if (pcap_compile(p, &r.bpf, o->filter, 1,
				 PCAP_NETMASK_UNKNOWN) < 0) {
			errmsg_set(err, errlen, "filter \"%s\": %s", o->filter,
				pcap_geterr(p));
			goto out_close;
		}
		r.have_bpf = true;
	}
	r.ctx = make_ctx(o, err, errlen);
	r.buf = malloc(SNAP_MAX + SRTP_CORE_TRAILER_MAX);
	if (!r.ctx || !r.buf) {
		if (r.ctx)
			errmsg_set(err, errlen, "out of memory");
		goto out_free;
	}
	r.dump = pcap_dump_open(p, out);
	if (!r.dump) {
		errmsg_set(err, errlen, "%s: %s", out, pcap_geterr(p));
		goto out_free;
	}
	if (pcap_loop(p, -1, on_packet, (u_char *)&r) == -1)
		errmsg_set(err, errlen, "%s: %s", in, pcap_geterr(p));
	else
		rc = 0;
	pcap_dump_close(r.dump);
out_free:
	free(r.buf);
	srtp_ctx_free(r.ctx);
	if (r.have_bpf)
		pcap_freecode(&r.bpf);
out_close:
	pcap_close(p);
	return rc;
}
