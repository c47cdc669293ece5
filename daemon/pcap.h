/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcap: decrypt or encrypt the SRTP/SRTCP of a capture file with the SRTP
 * core, for diagnosing encrypted deployments (srtpctl pcap).
 */

#ifndef NFSRTP_PCAP_H
#define NFSRTP_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdes.h"

#define PCAPX_KEYS_MAX	16

struct pcapx_opts {
	bool encrypt;			/* false: decrypt */
	enum sdes_suite suite;
	unsigned int flags;		/* NF_SRTP_F_UNENCRYPTED_*, _UNAUTH.. */
	unsigned int nkeys;
	struct sdes_key keys[PCAPX_KEYS_MAX];
	const char *filter;		/* BPF expression; NULL: every UDP */
	bool keep_failed;		/* copy refused packets unchanged */
	FILE *report;			/* one line per refused packet */
};

struct pcapx_stats {
	unsigned long packets;		/* read */
	unsigned long rtp;		/* transformed */
	unsigned long rtcp;
	unsigned long failed;		/* refused by the core */
	unsigned long skipped;		/* not selected, or not UDP/IP */
};

/*
 * Reads the classic pcap file @in (Ethernet, Linux cooked v1/v2 or raw IP
 * frames), transforms the UDP payloads the filter selects, fixes IP and
 * UDP lengths and checksums, and writes @out.  Returns 0, or -1 with a
 * message in @err.
 */
int pcapx_run(const char *in, const char *out, const struct pcapx_opts *o,
	      struct pcapx_stats *st, char *err, size_t errlen);

#endif /* NFSRTP_PCAP_H */
