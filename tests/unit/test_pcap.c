// SPDX-License-Identifier: GPL-2.0
/*
 * srtpctl pcap (daemon/pcap.c) against libsrtp2: captures of
 * libsrtp2-protected media decrypt to the original packets, captures we
 * encrypt decrypt with libsrtp2; other packets pass untouched; refused
 * packets are left out (or kept) and counted; lengths and checksums are
 * right in the output.
 */

#include <arpa/inet.h>
#include <check.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcap.h"
#include "ref_srtp.h"

#define KEY "inline:nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI"
#define NRTP 20

struct frame {
	uint8_t b[2048];
	unsigned int len;
};

static uint32_t sum16(const uint8_t *p, unsigned int len, uint32_t s)
{
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)(p[len - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* An Ethernet or Linux-cooked frame with IPv4/IPv6, UDP and @payload. */
static void make_frame(struct frame *f, int dlt, bool v6, uint16_t sport,
		       uint16_t dport, const uint8_t *payload, unsigned int plen)
{
	unsigned int l2 = dlt == DLT_EN10MB ? 14 : 16;
	unsigned int l3len = v6 ? 40 : 20, udplen = 8 + plen;
	uint8_t *ip = f->b + l2, *uh = ip + l3len;
	uint32_t s;

	memset(f->b, 0, sizeof(f->b));
	if (dlt == DLT_EN10MB) {
		memset(f->b, 0x02, 12);
		f->b[12] = v6 ? 0x86 : 0x08;
		f->b[13] = v6 ? 0xdd : 0x00;
	} else {
		f->b[14] = v6 ? 0x86 : 0x08;
		f->b[15] = v6 ? 0xdd : 0x00;
	}
	if (v6) {
		ip[0] = 0x60;
		ip[4] = (uint8_t)(udplen >> 8);
		ip[5] = (uint8_t)udplen;
		ip[6] = 17;
		ip[7] = 64;
		ip[8] = 0xfd;
		ip[23] = 1;
		ip[24] = 0xfd;
		ip[39] = 2;
		s = sum16(ip + 8, 32, 0);
	} else {
		ip[0] = 0x45;
		ip[2] = (uint8_t)((20 + udplen) >> 8);
		ip[3] = (uint8_t)(20 + udplen);
		ip[8] = 64;
		ip[9] = 17;
		ip[12] = 10;
		ip[15] = 1;
		ip[16] = 10;
		ip[19] = 2;
		s = ~sum16(ip, 20, 0) & 0xffff;
		ip[10] = (uint8_t)(s >> 8);
		ip[11] = (uint8_t)s;
		s = sum16(ip + 12, 8, 0);
	}
	uh[0] = (uint8_t)(sport >> 8);
	uh[1] = (uint8_t)sport;
	uh[2] = (uint8_t)(dport >> 8);
	uh[3] = (uint8_t)dport;
	uh[4] = (uint8_t)(udplen >> 8);
	uh[5] = (uint8_t)udplen;
	memcpy(uh + 8, payload, plen);
	s = ~sum16(uh, udplen, s + 17 + udplen) & 0xffff;
	uh[6] = (uint8_t)(s >> 8);
	uh[7] = (uint8_t)s;
	f->len = l2 + l3len + udplen;
}

/* Checks the IP and UDP checksums of a frame and returns its payload. */
static const uint8_t *check_frame(const uint8_t *b, unsigned int len, int dlt,
				  unsigned int *plen)
{
	unsigned int l2 = dlt == DLT_EN10MB ? 14 : 16, l3len, udplen;
	const uint8_t *ip = b + l2, *uh;
	bool v6 = (ip[0] >> 4) == 6;
	uint32_t s;

	l3len = v6 ? 40 : 20;
	uh = ip + l3len;
	udplen = (unsigned int)(uh[4] << 8 | uh[5]);
	ck_assert_uint_eq(l2 + l3len + udplen, len);
	if (v6) {
		ck_assert_uint_eq((unsigned int)(ip[4] << 8 | ip[5]), udplen);
		s = sum16(ip + 8, 32, 0);
	} else {
		ck_assert_uint_eq((unsigned int)(ip[2] << 8 | ip[3]), 20 + udplen);
		ck_assert_uint_eq(sum16(ip, 20, 0), 0xffff);
		s = sum16(ip + 12, 8, 0);
	}
	ck_assert_uint_eq(sum16(uh, udplen, s + 17 + udplen), 0xffff);
	*plen = udplen - 8;
	return uh + 8;
}

static unsigned int rtp_plain(uint8_t *b, unsigned int i)
{
	unsigned int j;

	memset(b, 0, 12);
	b[0] = 0x80;
	b[2] = (uint8_t)((100 + i) >> 8);
	b[3] = (uint8_t)(100 + i);
	b[8] = 0x11;
	b[9] = 0x22;
	b[10] = 0x33;
	b[11] = 0x44;
	for (j = 0; j < 160; j++)
		b[12 + j] = (uint8_t)(i * 7 + j);
	return 172;
}

static unsigned int rtcp_plain(uint8_t *b, unsigned int r)
{
	memset(b, 0, 28);
	b[0] = 0x80;
	b[1] = 200;
	b[3] = 6;
	b[4] = 0x11;
	b[5] = 0x22;
	b[6] = 0x33;
	b[7] = 0x44;
	b[11] = (uint8_t)r;
	return 28;
}

static srtp_t ref_session(bool inbound)
{
	static const char *raw = "nl326xLShGuIXLMkyqo+ExM5GPbz+MLbWMZotRRI";
	uint8_t key[30];
	srtp_policy_t pol;
	srtp_t s;

	ck_assert_int_eq(sdes_b64_decode(raw, strlen(raw), key, sizeof(key)), 30);
	memset(&pol, 0, sizeof(pol));
	ck_assert_int_eq(ref_srtp_policy(1, 0, &pol.rtp, &pol.rtcp), 0);
	pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	pol.window_size = 128;
	pol.key = key;
	ck_assert_int_eq(srtp_create(&s, &pol), srtp_err_status_ok);
	return s;
}

static void dump(pcap_dumper_t *d, const struct frame *f)
{
	struct pcap_pkthdr h = { .caplen = f->len, .len = f->len };

	pcap_dump((u_char *)d, &h, f->b);
}

static void opts_init(struct pcapx_opts *o, bool encrypt)
{
	char err[128];

	memset(o, 0, sizeof(*o));
	o->encrypt = encrypt;
	o->suite = SDES_AES_CM_128_HMAC_SHA1_80;
	o->nkeys = 1;
	ck_assert_int_eq(sdes_parse_key(o->suite, KEY, strlen(KEY), &o->keys[0],
					err, sizeof(err)), 0);
	o->report = NULL;	/* counted in the stats, checked below */
}

/*
 * libsrtp2-protected RTP and RTCP from 4000/4001 to 5000/5001, a tampered
 * and a replayed packet, a DNS query and an ARP frame.  Returns the
 * number of frames written.
 */
static unsigned int write_protected(const char *path, int dlt, bool v6)
{
	pcap_t *dead = pcap_open_dead(dlt, 65535);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	srtp_t s = ref_session(false);
	struct frame f, replay = { 0 };
	uint8_t p[256];
	unsigned int i, n = 0;
	int len;

	ck_assert_ptr_nonnull(d);
	for (i = 0; i < NRTP; i++) {
		len = (int)rtp_plain(p, i);
		ck_assert_int_eq(srtp_protect(s, p, &len), srtp_err_status_ok);
		make_frame(&f, dlt, v6, 4000, 5000, p, (unsigned int)len);
		dump(d, &f);
		n++;
		if (i == 3)
			replay = f;
		if (i == 5) {		/* a forged copy of the next packet */
			len = (int)rtp_plain(p, 50);
			ck_assert_int_eq(srtp_protect(s, p, &len), srtp_err_status_ok);
			p[len - 1] ^= 1;
			make_frame(&f, dlt, v6, 4000, 5000, p, (unsigned int)len);
			dump(d, &f);
			n++;
		}
		if (i % 10 == 9) {
			len = (int)rtcp_plain(p, i / 10);
			ck_assert_int_eq(srtp_protect_rtcp(s, p, &len), srtp_err_status_ok);
			make_frame(&f, dlt, v6, 4001, 5001, p, (unsigned int)len);
			dump(d, &f);
			n++;
		}
	}
	dump(d, &replay);
	memcpy(p, "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);
	make_frame(&f, dlt, v6, 40000, 53, p, 12);
	dump(d, &f);
	if (dlt == DLT_EN10MB) {
		memset(f.b, 0xff, 12);
		f.b[12] = 0x08;
		f.b[13] = 0x06;
		f.len = 42;
		dump(d, &f);
		n++;
	}
	srtp_dealloc(s);
	pcap_dump_close(d);
	pcap_close(dead);
	return n + 2;
}

static void decrypt_case(int dlt, bool v6, bool keep)
{
	char in[] = "/tmp/nfsrtp-pcap-in-XXXXXX", out[] = "/tmp/nfsrtp-pcap-out-XXXXXX";
	char ebuf[PCAP_ERRBUF_SIZE], err[256];
	struct pcap_pkthdr *h;
	struct pcapx_stats st;
	struct pcapx_opts o;
	const u_char *b;
	unsigned int total, rtp = 0, rtcp = 0, other = 0, kept = 0, plen;
	uint8_t want[256];
	pcap_t *p;

	close(mkstemp(in));
	close(mkstemp(out));
	total = write_protected(in, dlt, v6);
	opts_init(&o, false);
	o.filter = "udp port 5000 or udp port 5001";
	o.keep_failed = keep;
	ck_assert_int_eq(pcapx_run(in, out, &o, &st, err, sizeof(err)), 0);
	ck_assert_uint_eq(st.packets, total);
	ck_assert_uint_eq(st.rtp, NRTP);
	ck_assert_uint_eq(st.rtcp, 2);
	ck_assert_uint_eq(st.failed, 2);	/* the forgery and the replay */
	ck_assert_uint_eq(st.skipped, total - NRTP - 4);

	p = pcap_open_offline(out, ebuf);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(pcap_datalink(p), dlt);
	while (pcap_next_ex(p, &h, &b) == 1) {
		const uint8_t *pl;

		if (h->len == 42) {	/* ARP, untouched */
			other++;
			continue;
		}
		pl = check_frame(b, h->caplen, dlt, &plen);
		if (plen == 12) {	/* the DNS query, untouched */
			ck_assert_mem_eq(pl, "\x12\x34\x01\x00", 4);
			other++;
		} else if (pl[1] == 200) {
			ck_assert_uint_eq(plen, rtcp_plain(want, rtcp));
			ck_assert_mem_eq(pl, want, plen);
			rtcp++;
		} else if (plen == 172) {
			/* decrypted RTP arrives in order, the refused left out */
			rtp_plain(want, rtp);
			ck_assert_mem_eq(pl, want, 172);
			rtp++;
		} else {
			kept++;		/* refused, kept as it was */
			ck_assert_uint_eq(plen, 182);
		}
	}
	pcap_close(p);
	ck_assert_uint_eq(rtp, NRTP);
	ck_assert_uint_eq(rtcp, 2);
	ck_assert_uint_eq(other, dlt == DLT_EN10MB ? 2 : 1);
	ck_assert_uint_eq(kept, keep ? 2 : 0);
	unlink(in);
	unlink(out);
}

START_TEST(decrypt_ethernet_ipv4)
{
	decrypt_case(DLT_EN10MB, false, false);
}
END_TEST

START_TEST(decrypt_cooked_ipv6_keep_failed)
{
	decrypt_case(DLT_LINUX_SLL, true, true);
}
END_TEST

START_TEST(encrypt_then_libsrtp2)
{
	char in[] = "/tmp/nfsrtp-pcap-in-XXXXXX", out[] = "/tmp/nfsrtp-pcap-out-XXXXXX";
	char ebuf[PCAP_ERRBUF_SIZE], err[256];
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	srtp_t s = ref_session(true);
	struct pcap_pkthdr *h;
	struct pcapx_stats st;
	struct pcapx_opts o;
	const u_char *b;
	pcap_dumper_t *d;
	struct frame f;
	uint8_t p[256], want[256];
	unsigned int i, n = 0, plen;
	pcap_t *rd;

	close(mkstemp(in));
	close(mkstemp(out));
	d = pcap_dump_open(dead, in);
	for (i = 0; i < NRTP; i++) {
		make_frame(&f, DLT_EN10MB, false, 4000, 5000, p, rtp_plain(p, i));
		dump(d, &f);
	}
	make_frame(&f, DLT_EN10MB, false, 4001, 5001, p, rtcp_plain(p, 0));
	dump(d, &f);
	pcap_dump_close(d);
	pcap_close(dead);

	opts_init(&o, true);
	ck_assert_int_eq(pcapx_run(in, out, &o, &st, err, sizeof(err)), 0);
	ck_assert_uint_eq(st.rtp, NRTP);
	ck_assert_uint_eq(st.rtcp, 1);
	rd = pcap_open_offline(out, ebuf);
	ck_assert_ptr_nonnull(rd);
	while (pcap_next_ex(rd, &h, &b) == 1) {
		const uint8_t *pl = check_frame(b, h->caplen, DLT_EN10MB, &plen);
		int len = (int)plen;

		memcpy(p, pl, plen);
		if (p[1] == 200) {
			ck_assert_uint_eq(plen, 28 + 4 + 10);
			ck_assert_int_eq(srtp_unprotect_rtcp(s, p, &len), srtp_err_status_ok);
			ck_assert_int_eq(len, (int)rtcp_plain(want, 0));
		} else {
			ck_assert_uint_eq(plen, 172 + 10);
			ck_assert_int_eq(srtp_unprotect(s, p, &len), srtp_err_status_ok);
			ck_assert_int_eq(len, (int)rtp_plain(want, n++));
		}
		ck_assert_mem_eq(p, want, (size_t)len);
	}
	pcap_close(rd);
	ck_assert_uint_eq(n, NRTP);
	srtp_dealloc(s);
	unlink(in);
	unlink(out);
}
END_TEST

START_TEST(errors_are_clear)
{
	char in[] = "/tmp/nfsrtp-pcap-in-XXXXXX", err[256];
	pcap_t *dead = pcap_open_dead(DLT_IEEE802_11, 65535);
	struct pcapx_stats st;
	struct pcapx_opts o;
	pcap_dumper_t *d;

	close(mkstemp(in));
	d = pcap_dump_open(dead, in);
	pcap_dump_close(d);
	pcap_close(dead);
	opts_init(&o, false);
	ck_assert_int_eq(pcapx_run(in, "/tmp/nfsrtp-pcap-x", &o, &st, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "is not Ethernet"));
	ck_assert_int_eq(pcapx_run("/nonexistent.pcap", "/tmp/nfsrtp-pcap-x", &o, &st,
				   err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "nonexistent"));
	write_protected(in, DLT_EN10MB, false);
	o.filter = "udp port banana";
	ck_assert_int_eq(pcapx_run(in, "/tmp/nfsrtp-pcap-x", &o, &st, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "filter"));
	unlink(in);
	unlink("/tmp/nfsrtp-pcap-x");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pcap");
	TCase *tc = tcase_create("pcap");
	SRunner *sr;
	int failed;

	if (srtp_init() != srtp_err_status_ok)
		return EXIT_FAILURE;
	tcase_add_test(tc, decrypt_ethernet_ipv4);
	tcase_add_test(tc, decrypt_cooked_ipv6_keep_failed);
	tcase_add_test(tc, encrypt_then_libsrtp2);
	tcase_add_test(tc, errors_are_clear);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
