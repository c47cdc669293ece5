// SPDX-License-Identifier: GPL-2.0
/*
 * srtpctl: the administrator's command line for nf_srtp.
 *
 *   srtpctl [-j] stats
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/nfsrtp.h"

static int json_output;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: srtpctl [OPTIONS] OBJECT COMMAND\n"
		"  srtpctl [-j] stats     counters of this network namespace\n"
		"Options:\n"
		"  -j, --json             JSON output\n"
		"  -h, --help             this text\n");
}

static int open_module(struct nfsrtp **h)
{
	int err = nfsrtp_open(h);

	if (err == -ENOENT)
		fprintf(stderr,
			"srtpctl: generic netlink family \"nf_srtp\" not found: is nf_srtp.ko loaded?\n");
	else if (err)
		fprintf(stderr, "srtpctl: cannot open generic netlink: %s\n",
			strerror(-err));
	return err;
}

static int cmd_stats(int argc, char **argv)
{
	struct nfsrtp_stats st;
	struct nfsrtp *h;
	int err;

	(void)argv;
	if (argc > 0) {
		fprintf(stderr, "srtpctl: stats takes no argument\n");
		return 2;
	}
	if (open_module(&h))
		return 1;
	err = nfsrtp_get_stats(h, &st);
	if (err) {
		fprintf(stderr, "srtpctl: stats: %s\n", nfsrtp_last_error(h));
		nfsrtp_close(h);
		return 1;
	}
	nfsrtp_close(h);

	if (json_output)
		printf("{\"version\":%u,\"streams\":%u}\n", st.version,
		       st.streams);
	else
		printf("nf_srtp API version %u\nstreams %u\n", st.version,
		       st.streams);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json_output = 1;
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
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[i], "stats"))
		return cmd_stats(argc - i - 1, argv + i + 1);

	fprintf(stderr, "srtpctl: unknown object \"%s\"\n", argv[i]);
	usage(stderr);
	return 2;
}
