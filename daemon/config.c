// SPDX-License-Identifier: GPL-2.0
/*
 * config: the sec.srtp.* parameters of Polycom's sip.cfg (Technical
 * Bulletin 25751), read with expat.  See config.h for the model and
 * Documentation/configuration.md for the operator's view.
 *
 * A file is parsed into a struct cfg_pending (this file's values and
 * warnings only) and merged into the caller's configuration once the
 * whole file has been accepted, so an error leaves the configuration as it
 * was without deep copies.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <expat.h>

#include "config.h"

#define CFG_FILE_MAX		(4u << 20)	/* 4 MiB: sip.cfg is ~100 KiB */
#define CFG_LIFETIME_MIN	1024ULL
#define CFG_LIFETIME_MAX	(1ULL << 48)	/* RFC 3711: 2^48 packets */
#define CFG_PREFIX		"sec.srtp."
#define CFG_NAME_MAX		64	/* longer than every known name */
#define CFG_QUOTE_MAX		48	/* bytes of a value shown in messages */
#define CFG_QUOTE_BUF		(CFG_QUOTE_MAX * 4 + 8)	/* all escaped, "..." */
#define CFG_FILE_WARN_MAX	64	/* warnings kept per file */
#define CFG_READ_CHUNK		65536

enum cfg_kind { CFG_KIND_BOOL, CFG_KIND_LIFETIME, CFG_KIND_STRING };

#define SP(form, sp) \
	"sec.srtp.sessionParams." form sp ".offer", \
	"sec.srtp.sessionParams." form sp ".require"
#define SP_FORM(form) \
	SP(form, "noAuth"), SP(form, "noEncrypRTCP"), SP(form, "noEncrypRTP")

/*
 * Indexed by enum cfg_param; the sessionParams follow cfg_sp_param()'s
 * order: form, then session parameter, then offer before require.
 */
static const char *const cfg_names[CFG_PARAM_COUNT] = {
	[CFG_ENABLE] = "sec.srtp.enable",
	[CFG_LEG_ENABLE] = "sec.srtp.leg.enable",
	[CFG_LEG_ALLOW_LOCAL_CONF] = "sec.srtp.leg.allowLocalConf",
	[CFG_OFFER] = "sec.srtp.offer",
	[CFG_REQUIRE] = "sec.srtp.require",
	[CFG_OFFER_HMAC_SHA1_80] = "sec.srtp.offer.HMAC_SHA1_80",
	[CFG_OFFER_HMAC_SHA1_32] = "sec.srtp.offer.HMAC_SHA1_32",
	[CFG_KEY_LIFETIME] = "sec.srtp.key.lifetime",
	[CFG_MKI_ENABLED] = "sec.srtp.mki.enabled",
	[CFG_CONFERENCE_ADDRESS] = "voIpProt.SIP.conference.address",
	SP_FORM(""), SP_FORM("leg."), SP_FORM("IP_4000."),
};

#undef SP_FORM
#undef SP

/* One file's contribution, merged by cfg_commit(). */
struct cfg_pending {
	struct cfg_value v[CFG_PARAM_COUNT];
	unsigned int first[CFG_PARAM_COUNT]; /* first line setting it, or 0 */
	char **warnings;
	size_t nwarnings;
	size_t nsuppressed;		/* beyond CFG_FILE_WARN_MAX */
};

struct cfg_loader {
	XML_Parser parser;
	const char *name;	/* the file name in messages */
	struct cfg_pending pend;
	char *err;
	size_t errlen;
	bool failed;
};

static enum cfg_kind cfg_kind(enum cfg_param p)
{
	if (p == CFG_KEY_LIFETIME)
		return CFG_KIND_LIFETIME;
	if (p == CFG_CONFERENCE_ADDRESS)
		return CFG_KIND_STRING;
	return CFG_KIND_BOOL;
}

const char *config_param_name(enum cfg_param p)
{
	if ((int)p < 0 || p >= CFG_PARAM_COUNT)
		return NULL;
	return cfg_names[p];
}

int config_param_by_name(const char *name)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < CFG_PARAM_COUNT; i++)
		if (!strcmp(cfg_names[i], name))
			return i;
	return -1;
}

static void cfg_value_reset(struct cfg_value *v)
{
	memset(v, 0, sizeof(*v));
	v->null = true;
}

void config_init(struct srtp_config *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < CFG_PARAM_COUNT; i++)
		cfg_value_reset(&c->v[i]);
}

static void cfg_free_strings(char **s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

void config_free(struct srtp_config *c)
{
	int i;

	for (i = 0; i < CFG_PARAM_COUNT; i++)
		free(c->v[i].str);
	cfg_free_strings(c->warnings, c->nwarnings);
	config_init(c);
}

bool config_bool(const struct srtp_config *c, enum cfg_param p,
		 bool null_value)
{
	if ((int)p < 0 || p >= CFG_PARAM_COUNT || c->v[p].null)
		return null_value;
	return c->v[p].num != 0;
}

/*
 * @s for a message: at most CFG_QUOTE_MAX bytes, control characters and
 * quotes escaped, so that a value from a hostile file can neither flood
 * nor garble a log line.
 */
static void cfg_quote(const char *s, char *out, size_t outlen)
{
	size_t n = 0, i, len = strlen(s);

	for (i = 0; i < len && i < CFG_QUOTE_MAX && n + 5 < outlen; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\')
			n += (size_t)snprintf(out + n, outlen - n, "\\x%02x", ch);
		else
			out[n++] = (char)ch;
	}
	if (i < len && n + 4 < outlen) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

static unsigned long cfg_line(struct cfg_loader *ld)
{
	return (unsigned long)XML_GetCurrentLineNumber(ld->parser);
}

/* The first error wins; cfg_start() then stops the parser. */
static void __attribute__((format(printf, 3, 4)))
cfg_fail(struct cfg_loader *ld, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ld->failed)
		return;
	ld->failed = true;
	if (!ld->err || !ld->errlen)
		return;
	if (line)
		n = snprintf(ld->err, ld->errlen, "%s:%lu: ", ld->name, line);
	else
		n = snprintf(ld->err, ld->errlen, "%s: ", ld->name);
	if (n < 0 || (size_t)n >= ld->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* strerror() is not reentrant; the GNU strerror_r() is. */
static void cfg_fail_errno(struct cfg_loader *ld, int errnum)
{
	char buf[128];

	cfg_fail(ld, 0, "%s", strerror_r(errnum, buf, sizeof(buf)));
}

static void __attribute__((format(printf, 2, 3)))
cfg_warn(struct cfg_loader *ld, const char *fmt, ...)
{
	struct cfg_pending *pd = &ld->pend;
	char msg[512], **w;
	va_list ap;
	int n;

	if (pd->nwarnings >= CFG_FILE_WARN_MAX) {
		pd->nsuppressed++;
		return;
	}
	n = snprintf(msg, sizeof(msg), "%s:%lu: ", ld->name, cfg_line(ld));
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	w = realloc(pd->warnings, (pd->nwarnings + 1) * sizeof(*w));
	if (!w)
		goto oom;
	pd->warnings = w;
	w[pd->nwarnings] = strdup(msg);
	if (!w[pd->nwarnings])
		goto oom;
	pd->nwarnings++;
	return;
oom:
	cfg_fail(ld, 0, "out of memory");
}

/* Edit distance of @a and @b ignoring case, capped at 3 ("far"). */
static unsigned int cfg_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int row[CFG_NAME_MAX + 1];

	if (la > CFG_NAME_MAX || lb > CFG_NAME_MAX ||
	    (la > lb ? la - lb : lb - la) > 2)
		return 3;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned int)j;
	for (i = 1; i <= la; i++) {
		unsigned int diag = row[0];

		row[0] = (unsigned int)i;
		for (j = 1; j <= lb; j++) {
			unsigned int up = row[j], best;

			best = diag + (tolower((unsigned char)a[i - 1]) !=
				       tolower((unsigned char)b[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb] < 3 ? row[lb] : 3;
}

/* The known name closest to @name, if it is a near miss, or NULL. */
static const char *cfg_suggest(const char *name)
{
	unsigned int best = 3, d;
	const char *hit = NULL;
	int i;

	for (i = 0; i < CFG_PARAM_COUNT; i++) {
		if (cfg_kind(i) == CFG_KIND_STRING)
			continue;
		d = cfg_distance(name, cfg_names[i]);
		if (d < best) {
			best = d;
			hit = cfg_names[i];
		}
	}
	return hit;
}

/*
 * The bulletin's table spells noEncrypRTCP/noEncrypRTP, its prose
 * noEncryptRTCP/noEncryptRTP; both reach operators.  Returns the parameter
 * of the prose spelling @name, or -1.
 */
static int cfg_alias(const char *name)
{
	char canon[CFG_NAME_MAX + 1];
	const char *t = strstr(name, "noEncryptRT");
	size_t off;

	if (!t || strlen(name) > CFG_NAME_MAX)
		return -1;
	off = (size_t)(t - name) + strlen("noEncryp");
	memcpy(canon, name, off);
	strcpy(canon + off, name + off + 1);
	return config_param_by_name(canon);
}

static int cfg_parse_bool(const char *s, uint64_t *num)
{
	if ((s[0] != '0' && s[0] != '1') || s[1])
		return -1;
	*num = (uint64_t)(s[0] - '0');
	return 0;
}

/* Digits only: a sign, spaces or a suffix are mistakes, not intent. */
static int cfg_parse_lifetime(struct cfg_loader *ld, const char *name,
			      const char *s, uint64_t *num)
{
	char q[CFG_QUOTE_BUF];
	uint64_t v = 0;
	const char *p;

	cfg_quote(s, q, sizeof(q));
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9') {
			cfg_fail(ld, cfg_line(ld),
				 "%s=\"%s\": not a number; permitted values are 0 or 1024..%llu (2^48) packets, decimal digits only",
				 name, q, CFG_LIFETIME_MAX);
			return -1;
		}
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > CFG_LIFETIME_MAX) {
			cfg_fail(ld, cfg_line(ld),
				 "%s=\"%s\": too large; maximum %llu (2^48) packets",
				 name, q, CFG_LIFETIME_MAX);
			return -1;
		}
	}
	if (v && v < CFG_LIFETIME_MIN) {
		cfg_fail(ld, cfg_line(ld),
			 "%s=\"%s\": too small; minimum 1024 packets (or 0 for no lifetime)",
			 name, q);
		return -1;
	}
	*num = v;
	return 0;
}

/* Parses @s for parameter @p into @v (whose str is NULL). */
static int cfg_parse_value(struct cfg_loader *ld, enum cfg_param p,
			   const char *s, struct cfg_value *v)
{
	char q[CFG_QUOTE_BUF];

	if (!*s)
		return 0;	/* Null: the operator unset it on purpose */
	switch (cfg_kind(p)) {
	case CFG_KIND_BOOL:
		if (cfg_parse_bool(s, &v->num) == 0)
			break;
		cfg_quote(s, q, sizeof(q));
		cfg_fail(ld, cfg_line(ld),
			 "%s=\"%s\": permitted values are \"0\", \"1\" or empty (Null)",
			 cfg_names[p], q);
		return -1;
	case CFG_KIND_LIFETIME:
		if (cfg_parse_lifetime(ld, cfg_names[p], s, &v->num))
			return -1;
		break;
	case CFG_KIND_STRING:
		v->str = strdup(s);
		if (!v->str) {
			cfg_fail(ld, 0, "out of memory");
			return -1;
		}
		break;
	}
	v->null = false;
	return 0;
}

static void cfg_set(struct cfg_loader *ld, enum cfg_param p, const char *s)
{
	struct cfg_pending *pd = &ld->pend;
	struct cfg_value v;

	cfg_value_reset(&v);
	v.present = true;
	snprintf(v.at.file, sizeof(v.at.file), "%s", ld->name);
	v.at.line = (unsigned int)cfg_line(ld);
	if (cfg_parse_value(ld, p, s, &v))
		return;
	/* the later setter wins, as across files, but it is worth a word */
	if (pd->first[p])
		cfg_warn(ld, "%s set again (first at line %u)", cfg_names[p],
			 pd->first[p]);
	else
		pd->first[p] = v.at.line ? v.at.line : 1;
	free(pd->v[p].str);
	pd->v[p] = v;
}

/* A sec.srtp.* attribute: known, an alias, or an error. */
static void cfg_srtp_attr(struct cfg_loader *ld, const char *name,
			  const char *value)
{
	char q[CFG_QUOTE_BUF];
	const char *hint;
	int p = config_param_by_name(name);

	if (p >= 0) {
		cfg_set(ld, p, value);
		return;
	}
	p = cfg_alias(name);
	if (p >= 0) {
		cfg_warn(ld, "%s is an alias of %s, the canonical (bulletin table) spelling",
			 name, cfg_names[p]);
		cfg_set(ld, p, value);
		return;
	}
	cfg_quote(name, q, sizeof(q));
	hint = cfg_suggest(name);
	if (hint)
		cfg_fail(ld, cfg_line(ld),
			 "unknown parameter %s (did you mean %s?)", q, hint);
	else
		cfg_fail(ld, cfg_line(ld), "unknown parameter %s", q);
}

static void XMLCALL cfg_start(void *data, const XML_Char *el,
			      const XML_Char **atts)
{
	struct cfg_loader *ld = data;
	char q[CFG_QUOTE_BUF];
	size_t i;

	(void)el;
	for (i = 0; atts[i] && atts[i + 1] && !ld->failed; i += 2) {
		const char *name = atts[i], *value = atts[i + 1];

		if (!strncmp(name, CFG_PREFIX, strlen(CFG_PREFIX))) {
			cfg_srtp_attr(ld, name, value);
		} else if (!strcmp(name, cfg_names[CFG_CONFERENCE_ADDRESS])) {
			cfg_set(ld, CFG_CONFERENCE_ADDRESS, value);
		} else if (!strncasecmp(name, CFG_PREFIX, strlen(CFG_PREFIX))) {
			/* the phone would ignore it too: say so, no more */
			cfg_quote(name, q, sizeof(q));
			cfg_warn(ld, "%s ignored: parameter names are case-sensitive",
				 q);
		}
		/* hundreds of other sip.cfg attributes: not ours */
	}
	if (ld->failed)
		XML_StopParser(ld->parser, XML_FALSE);
}

static void cfg_pending_free(struct cfg_pending *pd)
{
	int i;

	for (i = 0; i < CFG_PARAM_COUNT; i++)
		free(pd->v[i].str);
	cfg_free_strings(pd->warnings, pd->nwarnings);
	memset(pd, 0, sizeof(*pd));
}

static int cfg_loader_init(struct cfg_loader *ld, const char *name,
			   char *err, size_t errlen)
{
	memset(ld, 0, sizeof(*ld));
	ld->name = name ? name : "(buffer)";
	ld->err = err;
	ld->errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	/* NULL encoding: the document's declaration, else UTF-8 */
	ld->parser = XML_ParserCreate(NULL);
	if (!ld->parser) {
		cfg_fail(ld, 0, "out of memory");
		return -1;
	}
	XML_SetUserData(ld->parser, ld);
	XML_SetStartElementHandler(ld->parser, cfg_start);
	return 0;
}

static void cfg_loader_done(struct cfg_loader *ld)
{
	if (ld->parser)
		XML_ParserFree(ld->parser);
	ld->parser = NULL;
	cfg_pending_free(&ld->pend);
}

/* The outcome of one XML_Parse*() call, with expat's error as ours. */
static int cfg_status(struct cfg_loader *ld, enum XML_Status st)
{
	if (st == XML_STATUS_OK && !ld->failed)
		return 0;
	if (!ld->failed)
		cfg_fail(ld, (unsigned long)XML_GetErrorLineNumber(ld->parser),
			 "XML error: %s",
			 XML_ErrorString(XML_GetErrorCode(ld->parser)));
	return -1;
}

/*
 * Merges the file into @c.  The only allocation comes first, so that the
 * merge itself cannot fail half-way.
 */
static int cfg_commit(struct cfg_loader *ld, struct srtp_config *c)
{
	struct cfg_pending *pd = &ld->pend;
	size_t extra = pd->nwarnings + (pd->nsuppressed ? 1 : 0), i;
	char *more = NULL;
	char **w;

	if (pd->nsuppressed &&
	    asprintf(&more, "%s: %zu more warnings not shown", ld->name,
		     pd->nsuppressed) < 0) {
		cfg_fail(ld, 0, "out of memory");
		return -1;
	}
	if (extra) {
		w = realloc(c->warnings, (c->nwarnings + extra) * sizeof(*w));
		if (!w) {
			free(more);
			cfg_fail(ld, 0, "out of memory");
			return -1;
		}
		c->warnings = w;
	}
	for (i = 0; i < pd->nwarnings; i++)
		c->warnings[c->nwarnings++] = pd->warnings[i];
	if (more)
		c->warnings[c->nwarnings++] = more;
	free(pd->warnings);
	pd->warnings = NULL;
	pd->nwarnings = 0;
	for (i = 0; i < CFG_PARAM_COUNT; i++) {
		if (!pd->first[i])
			continue;
		free(c->v[i].str);
		c->v[i] = pd->v[i];
		pd->v[i].str = NULL;
	}
	c->nfiles++;
	return 0;
}

int config_load_buffer(struct srtp_config *c, const char *name,
		       const char *xml, size_t len, char *err, size_t errlen)
{
	struct cfg_loader ld;
	int ret = -1;

	if (cfg_loader_init(&ld, name, err, errlen))
		goto out;
	if (len > CFG_FILE_MAX) {
		cfg_fail(&ld, 0, "larger than %u bytes (4 MiB)", CFG_FILE_MAX);
		goto out;
	}
	if (cfg_status(&ld, XML_Parse(ld.parser, xml ? xml : "",
				      xml ? (int)len : 0, XML_TRUE)))
		goto out;
	ret = cfg_commit(&ld, c);
out:
	cfg_loader_done(&ld);
	return ret;
}

/* Streams @fd into the parser, at most CFG_FILE_MAX bytes. */
static int cfg_feed_fd(struct cfg_loader *ld, int fd)
{
	size_t total = 0;
	char *buf;
	ssize_t n;

	for (;;) {
		buf = XML_GetBuffer(ld->parser, CFG_READ_CHUNK);
		if (!buf) {
			cfg_fail(ld, 0, "out of memory");
			return -1;
		}
		n = read(fd, buf, CFG_READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cfg_fail_errno(ld, errno);
			return -1;
		}
		total += (size_t)n;
		if (total > CFG_FILE_MAX) {
			cfg_fail(ld, 0, "larger than %u bytes (4 MiB)",
				 CFG_FILE_MAX);
			return -1;
		}
		if (cfg_status(ld, XML_ParseBuffer(ld->parser, (int)n, n == 0)))
			return -1;
		if (n == 0)
			return 0;
	}
}

int config_load(struct srtp_config *c, const char *path, char *err,
		size_t errlen)
{
	struct cfg_loader ld;
	struct stat st;
	int fd = -1, ret = -1;

	if (cfg_loader_init(&ld, path ? path : "(null)", err, errlen))
		goto out;
	fd = open(path ? path : "", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		cfg_fail_errno(&ld, errno);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		cfg_fail_errno(&ld, EISDIR);
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size > (off_t)CFG_FILE_MAX) {
		cfg_fail(&ld, 0, "larger than %u bytes (4 MiB)", CFG_FILE_MAX);
		goto out;
	}
	if (cfg_feed_fd(&ld, fd))
		goto out;
	ret = cfg_commit(&ld, c);
out:
	if (fd >= 0)
		close(fd);
	cfg_loader_done(&ld);
	return ret;
}
