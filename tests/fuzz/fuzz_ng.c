// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: an ng request as srtpd receives it (daemon/ng.c, with
 * bencode.c, bridge.c and the SDP code behind it), against a stand-in
 * kernel.  Every input that has a cookie must get a reply that starts
 * with that cookie and is one bencoded dictionary with a "result"; the
 * calls an input creates are deleted again and every stream with them.
 * Requests may follow one another (NUL-separated): re-offers, answers of
 * several branches, hold, deletes of one branch or with a delay.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ng.h"

#define SLOTS 256

static struct calls table;
static bool used[SLOTS];
static unsigned int live;

static int f_add(void *arg, const struct nfsrtp_stream *s, uint32_t *id,
		 char *err, size_t errlen)
{
	unsigned int i;

	(void)arg;
	(void)s;
	for (i = 1; i < SLOTS && used[i]; i++)
		;
	if (i == SLOTS) {
		snprintf(err, errlen, "full");
		return -28;
	}
	used[i] = true;
	live++;
	*id = i;
	return 0;
}

static int f_del(void *arg, uint32_t id)
{
	(void)arg;
	if (id >= SLOTS || !used[id])
		abort();	/* a stream removed twice, or never added */
	used[id] = false;
	live--;
	return 0;
}

static int f_get(void *arg, uint32_t id, struct nfsrtp_stream *out)
{
	(void)arg;
	if (id >= SLOTS || !used[id])
		return -2;
	memset(out, 0, sizeof(*out));
	out->id = id;
	return 0;
}

static int f_update(void *arg, const struct nfsrtp_stream_update *u,
		    char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	if (u->id >= SLOTS || !used[u->id] || (!u->set_params && !u->match && !u->nkeys) ||
	    (u->set_params && !u->nkeys))
		abort();	/* a change of no stream, or of nothing */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char xml[] =
		"<sip><sec sec.srtp.enable=\"1\" sec.srtp.offer=\"1\"/></sip>";
	struct ng_ops ops = { f_add, f_del, f_get, f_update, NULL, NULL };
	static struct srtp_config cfg;
	static bool loaded;
	static struct ng ng;
	struct benc_doc d;
	char *reply, err[128];
	size_t len, sp;
	unsigned int rounds;
	time_t due;

	if (!loaded) {
		config_init(&cfg);
		if (config_load_buffer(&cfg, "f.cfg", xml, strlen(xml), err,
				       sizeof(err)))
			abort();
		loaded = true;
	}
	calls_init(&table);
	table.limits.session = 3600;	/* calls with no stream end too */
	ng_init(&ng, &table, &ops, &cfg, NULL);
	/* every address and port trusted: the fuzzer reaches the answers */
	if (media_parse_net("0.0.0.0/0", &ng.trust.nets[0], err, sizeof(err)) ||
	    media_parse_net("::/0", &ng.trust.nets[1], err, sizeof(err)))
		abort();
	ng.trust.nnets = 2;
	ng.trust.port_min = 1;
	/* the input may hold several requests, separated by NUL bytes */
	while (size) {
		const uint8_t *nl = memchr(data, '\0', size);
		size_t n = nl ? (size_t)(nl - data) : size;

		if (!ng_handle(&ng, (const char *)data, n, NULL, 0, 1000,
			       &reply, &len)) {
			sp = strcspn(reply, " ");
			if (sp >= len || memcmp(reply, data, sp) ||
			    benc_parse(reply + sp + 1, len - sp - 1, &d, err,
				       sizeof(err)) ||
			    d.root->type != BENC_DICT ||
			    !benc_get(d.root, "result"))
				abort();
			benc_doc_free(&d);
			free(reply);
		}
		data += n + (nl != NULL);
		size -= n + (nl != NULL);
	}
	/*
	 * Every call ends by its timers alone: no answer, idle (the
	 * stand-in's counters never move), the session timeout,
	 * delete-delay, the guard tail.  An answered call without a
	 * kernel stream is never idle (srtpd.8): its session timeout ends
	 * it, after 48 idle checks 75 s apart.
	 */
	due = calls_expire(&table, 1000);
	for (rounds = 0; due && rounds < 64; rounds++)
		due = calls_expire(&table, due);
	if (due || table.count)
		abort();	/* a call outlived its timers */
	ng_free(&ng);
	if (live)
		abort();	/* a stream outlived its call */
	return 0;
}
