// SPDX-License-Identifier: GPL-2.0
/*
 * natmapctl: drives daemon/natmap.c, srtpd's nftables relay table, for
 * tests/vm/anchor.sh, the way srtpd does: one table for the interfaces
 * and port range given, relays added and deleted in transactions.
 *
 *   natmapctl --ports MIN-MAX --interface SPEC [--interface SPEC ...]
 *
 * creates the table, prints "ready", then reads commands, one per line,
 * and answers each with "ok" or "error: MESSAGE":
 *   add|del FROM LOCAL:PORT TO:PORT OUT:PORT [FROM LOCAL:PORT ...]
 * (IPv6 addresses in brackets, [fd00::1]:30000); several relays on one
 * line are one transaction.  End of input (or "quit") deletes the table.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anchor.h"
#include "natmap.h"

#define MAX_RELAYS	8

static void die(const char *msg)
{
	fprintf(stderr, "natmapctl: %s\n", msg);
	exit(2);
}

/* "ADDR:PORT" or "[ADDR6]:PORT": 0 or -1. */
static int parse_endpoint(char *s, struct anchor_addr *a, unsigned int *port)
{
	char *colon, *end;
	unsigned long p;

	if (*s == '[') {
		colon = strstr(s, "]:");
		if (!colon)
			return -1;
		*colon = '\0';
		s++;
		colon++;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		*colon = '\0';
	}
	p = strtoul(colon + 1, &end, 10);
	if (*end || !p || p > 65535 || anchor_addr_parse(s, a))
		return -1;
	*port = p;
	return 0;
}

static int parse_relay(char **tok, struct natmap_relay *r)
{
	memset(r, 0, sizeof(*r));
	if (anchor_addr_parse(tok[0], &r->from) ||
	    parse_endpoint(tok[1], &r->local, &r->local_port) ||
	    parse_endpoint(tok[2], &r->to, &r->to_port) ||
	    parse_endpoint(tok[3], &r->out, &r->out_port))
		return -1;
	return 0;
}

static void command(struct natmap *nm, char *line)
{
	struct natmap_relay r[MAX_RELAYS];
	char *tok[4 * MAX_RELAYS + 2], *save = NULL, *t;
	unsigned int n = 0, i;
	char err[512];
	bool add;

	for (t = strtok_r(line, " \t\n", &save); t && n < 4 * MAX_RELAYS + 1;
	     t = strtok_r(NULL, " \t\n", &save))
		tok[n++] = t;
	if (!n)
		return;
	add = !strcmp(tok[0], "add");
	if ((!add && strcmp(tok[0], "del")) || (n - 1) % 4 || n == 1) {
		printf("error: add|del FROM LOCAL:PORT TO:PORT OUT:PORT ...\n");
		return;
	}
	for (i = 0; i < (n - 1) / 4; i++) {
		if (parse_relay(&tok[1 + 4 * i], &r[i])) {
			printf("error: relay %u malformed\n", i + 1);
			return;
		}
	}
	if (natmap_change(nm, add ? NULL : r, add ? 0 : (n - 1) / 4,
			  add ? r : NULL, add ? (n - 1) / 4 : 0, err, sizeof(err)))
		printf("error: %s\n", err);
	else
		printf("ok\n");
}

int main(int argc, char **argv)
{
	unsigned int min = 0, max = 0;
	struct anchor_ifs ifs = { 0 };
	struct natmap nm = { 0 };
	char err[512], line[2048];
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ports") && i + 1 < argc) {
			if (anchor_parse_range(argv[++i], &min, &max, err,
					       sizeof(err)))
				die(err);
		} else if (!strcmp(argv[i], "--interface") && i + 1 < argc) {
			if (anchor_ifs_add(&ifs, argv[++i], err, sizeof(err)))
				die(err);
		} else {
			die("usage: natmapctl --ports MIN-MAX --interface SPEC...");
		}
	}
	if (!max || !ifs.n)
		die("--ports and at least one --interface are needed");
	if (natmap_open(&nm, &ifs, min, max, err, sizeof(err)))
		die(err);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	while (fgets(line, sizeof(line), stdin) && strcmp(line, "quit\n"))
		command(&nm, line);
	natmap_close(&nm);
	return 0;
}
