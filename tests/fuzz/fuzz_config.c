// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_config - libFuzzer target for the sip.cfg loader (daemon/config.c).
 *
 * Input: one XML document, or two separated by a NUL byte (which XML
 * cannot contain).  Both are layered onto one configuration with
 * config_load_buffer(): a single document is loaded twice, so the
 * override and "set again" paths run; two documents let the second fail
 * after the first succeeded, which checks atomicity.
 *
 * After each load:
 *  - on success, every value keeps its range: a present non-Null 0|1
 *    parameter is 0 or 1, the lifetime 0 or 1024..2^48, a Null one has
 *    num 0 and no string, the conference address a string iff non-Null,
 *    and the message fits its buffer;
 *  - on failure, the configuration equals a snapshot taken before the
 *    call (values, origins, strings, warnings, file count), and the
 *    message is not empty.
 * A violation is a bug: abort().  ASan reports leaks at exit.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define FZ_ERRLEN	256

static void fz_check_values(const struct srtp_config *c)
{
	int p;

	for (p = 0; p < CFG_PARAM_COUNT; p++) {
		const struct cfg_value *v = &c->v[p];

		if (!v->present && !v->null)
			abort();
		if (v->null && (v->num || v->str))
			abort();
		if (p == CFG_CONFERENCE_ADDRESS) {
			if (!v->null != !!v->str)
				abort();
		} else if (v->str) {
			abort();
		} else if (p == CFG_KEY_LIFETIME) {
			if (v->num && (v->num < 1024 || v->num > (1ULL << 48)))
				abort();
		} else if (v->num > 1) {
			abort();
		}
		if (v->present && (!v->at.line || !v->at.file[0]))
			abort();
		if (config_bool(c, p, true) != (v->null || v->num != 0))
			abort();
	}
	for (size_t i = 0; i < c->nwarnings; i++)
		if (!c->warnings[i] || !c->warnings[i][0])
			abort();
}

/* A deep copy of what config_load_buffer() must not change on failure. */
struct fz_snapshot {
	struct srtp_config c;	/* str and warnings pointers unused */
	char *str;
	char **warnings;
};

static void fz_snap(struct fz_snapshot *s, const struct srtp_config *c)
{
	size_t i;

	s->c = *c;
	s->str = c->v[CFG_CONFERENCE_ADDRESS].str ?
		strdup(c->v[CFG_CONFERENCE_ADDRESS].str) : NULL;
	s->warnings = calloc(c->nwarnings + 1, sizeof(char *));
	if (!s->warnings)
		abort();
	for (i = 0; i < c->nwarnings; i++)
		s->warnings[i] = strdup(c->warnings[i]);
}

static void fz_same(const struct fz_snapshot *s, const struct srtp_config *c)
{
	const char *str = c->v[CFG_CONFERENCE_ADDRESS].str;
	size_t i;
	int p;

	if (c->nfiles != s->c.nfiles || c->nwarnings != s->c.nwarnings)
		abort();
	for (p = 0; p < CFG_PARAM_COUNT; p++) {
		const struct cfg_value *a = &c->v[p], *b = &s->c.v[p];

		if (a->present != b->present || a->null != b->null ||
		    a->num != b->num || a->at.line != b->at.line ||
		    strcmp(a->at.file, b->at.file))
			abort();
	}
	if (!str != !s->str || (str && strcmp(str, s->str)))
		abort();
	for (i = 0; i < c->nwarnings; i++)
		if (strcmp(c->warnings[i], s->warnings[i]))
			abort();
}

static void fz_unsnap(struct fz_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->c.nwarnings; i++)
		free(s->warnings[i]);
	free(s->warnings);
	free(s->str);
}

static void fz_load(struct srtp_config *c, const char *name,
		    const uint8_t *data, size_t len)
{
	struct fz_snapshot snap;
	char err[FZ_ERRLEN];

	fz_snap(&snap, c);
	memset(err, 'x', sizeof(err));
	if (config_load_buffer(c, name, (const char *)data, len, err,
			       sizeof(err)) == 0) {
		fz_check_values(c);
		if (c->nfiles != snap.c.nfiles + 1)
			abort();
	} else {
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			abort();
		fz_same(&snap, c);
	}
	fz_unsnap(&snap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	struct srtp_config c;

	config_init(&c);
	if (nul) {
		size_t first = (size_t)(nul - data);

		fz_load(&c, "first.cfg", data, first);
		fz_load(&c, "second.cfg", nul + 1, size - first - 1);
	} else {
		fz_load(&c, "first.cfg", data, size);
		fz_load(&c, "second.cfg", data, size);
	}
	config_free(&c);
	for (int p = 0; p < CFG_PARAM_COUNT; p++)
		if (c.v[p].present || c.v[p].str)
			abort();
	if (c.warnings || c.nwarnings || c.nfiles)
		abort();
	return 0;
}
