// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libnfsrtp: generic netlink client of nf_srtp over libnl-genl-3.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/nf_srtp.h>

#include "nfsrtp.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct nfsrtp {
	struct nl_sock *sock;
	int family;
	int kernel_err;		/* negative errno from the last NLMSG_ERROR */
	bool done;		/* the transaction's ACK, error or DONE came */
	bool dump_intr;		/* a message had NLM_F_DUMP_INTR */
	char errmsg[256];
};

static void set_error(struct nfsrtp *h, int err, const char *what)
{
	snprintf(h->errmsg, sizeof(h->errmsg), "%s: %s", what, strerror(-err));
}

/* Keep the kernel's errno and its extended ACK message, if any. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nfsrtp *h = arg;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	size_t hlen = sizeof(*e);

	(void)nla;
	h->done = true;
	h->kernel_err = e->error;
	set_error(h, e->error, "nf_srtp");

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += e->msg.nlmsg_len - sizeof(e->msg);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + hlen)
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)e + hlen),
		      nlh->nlmsg_len - NLMSG_HDRLEN - hlen, NULL) == 0 &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(h->errmsg, sizeof(h->errmsg), "nf_srtp: %s (%s)",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]),
			 strerror(-e->error));
	return NL_STOP;
}

int nfsrtp_open(struct nfsrtp **out)
{
	struct nfsrtp *h;
	int one = 1;
	int err;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->sock = nl_socket_alloc();
	if (!h->sock) {
		free(h);
		return -ENOMEM;
	}
	err = genl_connect(h->sock);
	if (err < 0) {
		err = -EPROTONOSUPPORT;
		goto fail;
	}
	setsockopt(nl_socket_get_fd(h->sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	h->family = genl_ctrl_resolve(h->sock, NF_SRTP_GENL_NAME);
	if (h->family < 0) {
		err = -ENOENT;
		goto fail;
	}
	*out = h;
	return 0;

fail:
	nl_socket_free(h->sock);
	free(h);
	return err;
}

void nfsrtp_close(struct nfsrtp *h)
{
	if (!h)
		return;
	nl_socket_free(h->sock);
	free(h);
}

const char *nfsrtp_last_error(const struct nfsrtp *h)
{
	return h->errmsg[0] ? h->errmsg : "no error";
}

/*
 * The streams changed while the kernel dumped them: note it, and read the
 * dump to its end (the transaction fails with -EINTR then).
 */
static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct nfsrtp *h = arg;

	(void)msg;
	h->dump_intr = true;
	return NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct nfsrtp *h = arg;

	(void)msg;
	h->done = true;
	return NL_STOP;
}

/*
 * Send @msg (consumed) and run @parse on each reply message until the
 * kernel's ACK or error.  Returns 0 or the kernel's negative errno.
 */
static int transact(struct nfsrtp *h, struct nl_msg *msg,
		    nl_recvmsg_msg_cb_t parse, void *arg)
{
	struct nl_cb *cb;
	int err;

	h->kernel_err = 0;
	h->done = false;
	h->dump_intr = false;
	h->errmsg[0] = '\0';
	cb = nl_cb_clone(nl_socket_get_cb(h->sock));
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	if (parse)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse, arg);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, h);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, h);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, h);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, h);

	err = nl_send_auto(h->sock, msg);
	/* Requests may carry keys: leave nothing behind in freed memory. */
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	if (err < 0) {
		err = -EIO;
		set_error(h, err, "netlink send");
		goto out;
	}
	/*
	 * Replies, then the ACK, an error or the end of a dump: read until
	 * one of those, so nothing of this transaction is left queued.
	 */
	do {
		err = nl_recvmsgs(h->sock, cb);
	} while (err >= 0 && !h->done);
	if (h->kernel_err) {
		err = h->kernel_err;
	} else if (err < 0) {
		err = -EIO;
		set_error(h, err, "netlink receive");
	} else if (h->dump_intr) {
		err = -EINTR;
		snprintf(h->errmsg, sizeof(h->errmsg),
			 "nf_srtp: the streams changed during the dump, which may have missed some: run it again (%s)",
			 strerror(-err));
	}
out:
	nl_cb_put(cb);
	return err;
}

static struct nl_msg *new_request(struct nfsrtp *h, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0,
			 flags | NLM_F_ACK, cmd, NF_SRTP_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void get_drops(struct nlattr *nest, uint64_t *drops)
{
	struct nlattr *d;
	int rem;

	/* (NF_SRTP_DROP_PAD, padding, carries nothing) */
	nla_for_each_nested(d, nest, rem) {
		if (nla_type(d) > NF_SRTP_DROP_PAD &&
		    nla_type(d) <= NF_SRTP_DROP_MAX &&
		    nla_len(d) == sizeof(uint64_t))
			drops[nla_type(d)] = nla_get_u64(d);
	}
}

static int parse_stats(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[NF_SRTP_A_MAX + 1];
	struct nlattr *st[NF_SRTP_A_STATS_MAX + 1];
	struct nfsrtp_stats *stats = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NF_SRTP_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[NF_SRTP_A_VERSION])
		stats->version = nla_get_u32(tb[NF_SRTP_A_VERSION]);
	if (!tb[NF_SRTP_A_STATS] ||
	    nla_parse_nested(st, NF_SRTP_A_STATS_MAX, tb[NF_SRTP_A_STATS],
			     NULL) < 0)
		return NL_OK;
	if (st[NF_SRTP_A_STATS_STREAMS])
		stats->streams = nla_get_u32(st[NF_SRTP_A_STATS_STREAMS]);
	if (st[NF_SRTP_A_STATS_PROTECTED])
		stats->protected = nla_get_u64(st[NF_SRTP_A_STATS_PROTECTED]);
	if (st[NF_SRTP_A_STATS_UNPROTECTED])
		stats->unprotected = nla_get_u64(st[NF_SRTP_A_STATS_UNPROTECTED]);
	if (st[NF_SRTP_A_STATS_DROPS])
		get_drops(st[NF_SRTP_A_STATS_DROPS], stats->drops);
	if (st[NF_SRTP_A_STATS_DEFRAG])
		stats->defrag = nla_get_u32(st[NF_SRTP_A_STATS_DEFRAG]);
	if (st[NF_SRTP_A_STATS_STUN])
		stats->stun = nla_get_u64(st[NF_SRTP_A_STATS_STUN]);
	return NL_OK;
}

int nfsrtp_get_stats(struct nfsrtp *h, struct nfsrtp_stats *stats)
{
	struct nl_msg *msg = new_request(h, NF_SRTP_CMD_GET_STATS, 0);

	if (!msg)
		return -ENOMEM;
	memset(stats, 0, sizeof(*stats));
	return transact(h, msg, parse_stats, stats);
}

static const char *const suite_names[__NF_SRTP_SUITE_MAX] = {
	[NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80] = "AES_CM_128_HMAC_SHA1_80",
	[NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32] = "AES_CM_128_HMAC_SHA1_32",
	[NF_SRTP_SUITE_AES_192_CM_HMAC_SHA1_80] = "AES_192_CM_HMAC_SHA1_80",
	[NF_SRTP_SUITE_AES_192_CM_HMAC_SHA1_32] = "AES_192_CM_HMAC_SHA1_32",
	[NF_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80] = "AES_256_CM_HMAC_SHA1_80",
	[NF_SRTP_SUITE_AES_256_CM_HMAC_SHA1_32] = "AES_256_CM_HMAC_SHA1_32",
	[NF_SRTP_SUITE_AEAD_AES_128_GCM] = "AEAD_AES_128_GCM",
	[NF_SRTP_SUITE_AEAD_AES_256_GCM] = "AEAD_AES_256_GCM",
};

const char *nfsrtp_suite_name(uint32_t suite)
{
	if (suite >= __NF_SRTP_SUITE_MAX || !suite_names[suite])
		return "unknown";
	return suite_names[suite];
}

uint32_t nfsrtp_suite_by_name(const char *name)
{
	uint32_t i;

	for (i = 1; i < __NF_SRTP_SUITE_MAX; i++)
		if (!strcmp(suite_names[i], name))
			return i;
	return 0;
}

static const char *const drop_names[NF_SRTP_DROP_MAX + 1] = {
	[NF_SRTP_DROP_MALFORMED] = "malformed",
	[NF_SRTP_DROP_AUTH] = "auth",
	[NF_SRTP_DROP_REPLAY] = "replay",
	[NF_SRTP_DROP_TOO_OLD] = "too-old",
	[NF_SRTP_DROP_UNKNOWN_MKI] = "unknown-mki",
	[NF_SRTP_DROP_LIFETIME] = "lifetime",
	[NF_SRTP_DROP_SSRC_LIMIT] = "ssrc-limit",
	[NF_SRTP_DROP_NO_ROOM] = "no-room",
	[NF_SRTP_DROP_NOMEM] = "nomem",
	[NF_SRTP_DROP_GSO] = "gso",
	[NF_SRTP_DROP_CRYPTO] = "crypto",
	[NF_SRTP_DROP_FRAGMENT] = "fragment",
	[NF_SRTP_DROP_TX_REPLAY] = "tx-replay",
	[NF_SRTP_DROP_SOURCE] = "source",
	[NF_SRTP_DROP_CHECKSUM] = "checksum",
	[NF_SRTP_DROP_NOT_RTP] = "not-rtp",
	[NF_SRTP_DROP_SSRC_PIN] = "ssrc-pin",
	[NF_SRTP_DROP_ASYNC] = "async",
	[NF_SRTP_DROP_REPLACED] = "replaced",
};

const char *nfsrtp_drop_name(unsigned int reason)
{
	if (reason > NF_SRTP_DROP_MAX || !drop_names[reason])
		return "unknown";
	return drop_names[reason];
}

void nfsrtp_stream_wipe(struct nfsrtp_stream *s)
{
	explicit_bzero(s->keys, sizeof(s->keys));
}

static int put_key(struct nl_msg *msg, const struct nfsrtp_key *k)
{
	struct nlattr *nest = nla_nest_start(msg, NF_SRTP_A_KEY);

	if (!nest ||
	    nla_put(msg, NF_SRTP_A_KEY_MASTER_KEY, (int)k->key_len, k->key) ||
	    nla_put(msg, NF_SRTP_A_KEY_MASTER_SALT, (int)k->salt_len, k->salt))
		return -EMSGSIZE;
	if (k->mki_len &&
	    nla_put(msg, NF_SRTP_A_KEY_MKI, (int)k->mki_len, k->mki))
		return -EMSGSIZE;
	if (k->lifetime &&
	    nla_put_u64(msg, NF_SRTP_A_KEY_LIFETIME, k->lifetime))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_keys(struct nl_msg *msg, const struct nfsrtp_key *keys,
		    unsigned int n)
{
	struct nlattr *nest = nla_nest_start(msg, NF_SRTP_A_STREAM_KEYS);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (put_key(msg, &keys[i]))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * The match of @s: addresses in the attributes of their family (which
 * is all the kernel learns of it), ports.
 */
static int put_match(struct nl_msg *msg, const struct nfsrtp_stream *s)
{
	bool v4 = s->family == AF_INET;
	int alen = v4 ? 4 : 16;

	if (nla_put(msg, v4 ? NF_SRTP_A_STREAM_DST_IPV4 :
			      NF_SRTP_A_STREAM_DST_IPV6, alen, s->daddr) ||
	    (s->dport &&
	     nla_put_u16(msg, NF_SRTP_A_STREAM_DST_PORT, s->dport)))
		return -EMSGSIZE;
	if (s->has_saddr &&
	    nla_put(msg, v4 ? NF_SRTP_A_STREAM_SRC_IPV4 :
			      NF_SRTP_A_STREAM_SRC_IPV6, alen, s->saddr))
		return -EMSGSIZE;
	if (s->sport && nla_put_u16(msg, NF_SRTP_A_STREAM_SRC_PORT, s->sport))
		return -EMSGSIZE;
	if (s->rtcp_sport &&
	    nla_put_u16(msg, NF_SRTP_A_STREAM_RTCP_SRC_PORT, s->rtcp_sport))
		return -EMSGSIZE;
	if (s->rtcp_dport &&
	    nla_put_u16(msg, NF_SRTP_A_STREAM_RTCP_DST_PORT, s->rtcp_dport))
		return -EMSGSIZE;
	return 0;
}

/* A latching stream's first peer, if the caller gives one (port != 0). */
static int put_peer(struct nl_msg *msg, int type, const struct nfsrtp_peer *p)
{
	bool v4 = p->family == AF_INET;
	struct nlattr *nest;

	if (!p->port)
		return 0;
	nest = nla_nest_start(msg, type);
	if (!nest ||
	    nla_put(msg, v4 ? NF_SRTP_A_PEER_IPV4 : NF_SRTP_A_PEER_IPV6,
		    v4 ? 4 : 16, p->addr) ||
	    nla_put_u16(msg, NF_SRTP_A_PEER_PORT, p->port))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_stream(struct nl_msg *msg, const struct nfsrtp_stream *s)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, NF_SRTP_A_STREAM);
	if (!nest ||
	    nla_put_u8(msg, NF_SRTP_A_STREAM_OP, s->op) ||
	    nla_put_u32(msg, NF_SRTP_A_STREAM_SUITE, s->suite) ||
	    put_match(msg, s))
		return -EMSGSIZE;
	if (s->flags && nla_put_u32(msg, NF_SRTP_A_STREAM_FLAGS, s->flags))
		return -EMSGSIZE;
	if (s->window && nla_put_u32(msg, NF_SRTP_A_STREAM_WINDOW, s->window))
		return -EMSGSIZE;
	if (s->pinned &&
	    nla_put_u32(msg, NF_SRTP_A_STREAM_PIN_SSRC, s->pin_ssrc))
		return -EMSGSIZE;
	if (put_peer(msg, NF_SRTP_A_STREAM_PEER, &s->peer) ||
	    put_peer(msg, NF_SRTP_A_STREAM_RTCP_PEER, &s->rtcp_peer))
		return -EMSGSIZE;
	if (put_keys(msg, s->keys, s->nkeys))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int parse_id(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[NF_SRTP_A_MAX + 1];
	struct nlattr *st[NF_SRTP_A_STREAM_MAX + 1];
	uint32_t *id = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NF_SRTP_A_MAX, NULL) < 0 ||
	    !tb[NF_SRTP_A_STREAM] ||
	    nla_parse_nested(st, NF_SRTP_A_STREAM_MAX, tb[NF_SRTP_A_STREAM],
			     NULL) < 0 || !st[NF_SRTP_A_STREAM_ID])
		return NL_SKIP;
	*id = nla_get_u32(st[NF_SRTP_A_STREAM_ID]);
	return NL_OK;
}

int nfsrtp_stream_add(struct nfsrtp *h, const struct nfsrtp_stream *s,
		      uint32_t *id)
{
	struct nl_msg *msg;
	int err;

	if (s->family != AF_INET && s->family != AF_INET6)
		return -EAFNOSUPPORT;
	msg = nlmsg_alloc_size(16384);
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0,
			 NLM_F_ACK, NF_SRTP_CMD_STREAM_ADD,
			 NF_SRTP_GENL_VERSION) ||
	    put_stream(msg, s)) {
		explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	*id = 0;
	err = transact(h, msg, parse_id, id);
	if (!err && !*id)
		err = -EPROTO;
	return err;
}

static struct nl_msg *id_request(struct nfsrtp *h, uint8_t cmd, uint32_t id)
{
	struct nl_msg *msg = new_request(h, cmd, 0);
	struct nlattr *nest;

	if (!msg)
		return NULL;
	nest = nla_nest_start(msg, NF_SRTP_A_STREAM);
	if (!nest || nla_put_u32(msg, NF_SRTP_A_STREAM_ID, id)) {
		nlmsg_free(msg);
		return NULL;
	}
	nla_nest_end(msg, nest);
	return msg;
}

int nfsrtp_stream_del(struct nfsrtp *h, uint32_t id)
{
	struct nl_msg *msg = id_request(h, NF_SRTP_CMD_STREAM_DEL, id);

	if (!msg)
		return -ENOMEM;
	return transact(h, msg, NULL, NULL);
}

int nfsrtp_stream_flush(struct nfsrtp *h)
{
	struct nl_msg *msg = new_request(h, NF_SRTP_CMD_STREAM_FLUSH, 0);

	if (!msg)
		return -ENOMEM;
	return transact(h, msg, NULL, NULL);
}

static void get_keys(struct nlattr *keys, struct nfsrtp_stream *s)
{
	struct nlattr *k;
	int rem;

	nla_for_each_nested(k, keys, rem) {
		struct nlattr *kt[NF_SRTP_A_KEY_MAX + 1];
		struct nfsrtp_key *key;

		if (s->nkeys == NFSRTP_KEYS_MAX ||
		    nla_parse_nested(kt, NF_SRTP_A_KEY_MAX, k, NULL) < 0)
			continue;
		key = &s->keys[s->nkeys++];
		if (kt[NF_SRTP_A_KEY_INDEX])
			key->index = nla_get_u32(kt[NF_SRTP_A_KEY_INDEX]);
		if (kt[NF_SRTP_A_KEY_LIFETIME])
			key->lifetime = nla_get_u64(kt[NF_SRTP_A_KEY_LIFETIME]);
		if (kt[NF_SRTP_A_KEY_PACKETS])
			key->packets = nla_get_u64(kt[NF_SRTP_A_KEY_PACKETS]);
		key->active = kt[NF_SRTP_A_KEY_ACTIVE] != NULL;
		if (kt[NF_SRTP_A_KEY_MKI] &&
		    nla_len(kt[NF_SRTP_A_KEY_MKI]) <= NFSRTP_MKI_MAX) {
			key->mki_len = (unsigned int)nla_len(kt[NF_SRTP_A_KEY_MKI]);
			memcpy(key->mki, nla_data(kt[NF_SRTP_A_KEY_MKI]),
			       key->mki_len);
		}
	}
}

static void get_counters(struct nlattr *cnt, struct nfsrtp_stream *s)
{
	struct nlattr *ct[NF_SRTP_A_CNT_MAX + 1];

	if (nla_parse_nested(ct, NF_SRTP_A_CNT_MAX, cnt, NULL) < 0)
		return;
	if (ct[NF_SRTP_A_CNT_PACKETS])
		s->packets = nla_get_u64(ct[NF_SRTP_A_CNT_PACKETS]);
	if (ct[NF_SRTP_A_CNT_BYTES])
		s->bytes = nla_get_u64(ct[NF_SRTP_A_CNT_BYTES]);
	if (ct[NF_SRTP_A_CNT_DROPS])
		get_drops(ct[NF_SRTP_A_CNT_DROPS], s->drops);
	if (ct[NF_SRTP_A_CNT_STUN])
		s->stun = nla_get_u64(ct[NF_SRTP_A_CNT_STUN]);
	if (ct[NF_SRTP_A_CNT_RTCP_PACKETS])
		s->rtcp_packets = nla_get_u64(ct[NF_SRTP_A_CNT_RTCP_PACKETS]);
	if (ct[NF_SRTP_A_CNT_RTCP_BYTES])
		s->rtcp_bytes = nla_get_u64(ct[NF_SRTP_A_CNT_RTCP_BYTES]);
	if (ct[NF_SRTP_A_CNT_RTCP_DROPS])
		s->rtcp_drops = nla_get_u64(ct[NF_SRTP_A_CNT_RTCP_DROPS]);
	if (ct[NF_SRTP_A_CNT_LATCHES])
		s->latches = nla_get_u64(ct[NF_SRTP_A_CNT_LATCHES]);
}

/* A NF_SRTP_A_STREAM_PEER-like nest into @p; left empty if malformed. */
static void get_peer(struct nlattr *a, struct nfsrtp_peer *p)
{
	struct nlattr *pt[NF_SRTP_A_PEER_MAX + 1];

	memset(p, 0, sizeof(*p));
	if (!a || nla_parse_nested(pt, NF_SRTP_A_PEER_MAX, a, NULL) < 0 ||
	    !pt[NF_SRTP_A_PEER_PORT])
		return;
	if (pt[NF_SRTP_A_PEER_IPV4] && nla_len(pt[NF_SRTP_A_PEER_IPV4]) == 4)
		p->family = AF_INET;
	else if (pt[NF_SRTP_A_PEER_IPV6] &&
		 nla_len(pt[NF_SRTP_A_PEER_IPV6]) == 16)
		p->family = AF_INET6;
	else
		return;
	memcpy(p->addr, nla_data(pt[p->family == AF_INET ? NF_SRTP_A_PEER_IPV4 :
						   NF_SRTP_A_PEER_IPV6]),
	       p->family == AF_INET ? 4 : 16);
	p->port = nla_get_u16(pt[NF_SRTP_A_PEER_PORT]);
}

/* An address attribute of @len bytes into @out; false if it is not one. */
static bool get_addr(struct nlattr *a, int len, uint8_t *out)
{
	if (!a || nla_len(a) != len)
		return false;
	memcpy(out, nla_data(a), (size_t)len);
	return true;
}

/* The family comes from the destination address attribute's type. */
static int get_match_addrs(struct nlattr **st, struct nfsrtp_stream *s)
{
	if (get_addr(st[NF_SRTP_A_STREAM_DST_IPV4], 4, s->daddr)) {
		s->family = AF_INET;
		s->has_saddr = get_addr(st[NF_SRTP_A_STREAM_SRC_IPV4], 4,
					s->saddr);
	} else if (get_addr(st[NF_SRTP_A_STREAM_DST_IPV6], 16, s->daddr)) {
		s->family = AF_INET6;
		s->has_saddr = get_addr(st[NF_SRTP_A_STREAM_SRC_IPV6], 16,
					s->saddr);
	} else {
		return -1;
	}
	return 0;
}

static int parse_stream(struct nl_msg *msg, struct nfsrtp_stream *s)
{
	struct nlattr *tb[NF_SRTP_A_MAX + 1];
	struct nlattr *st[NF_SRTP_A_STREAM_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NF_SRTP_A_MAX, NULL) < 0 ||
	    !tb[NF_SRTP_A_STREAM] ||
	    nla_parse_nested(st, NF_SRTP_A_STREAM_MAX, tb[NF_SRTP_A_STREAM],
			     NULL) < 0 || !st[NF_SRTP_A_STREAM_ID] ||
	    get_match_addrs(st, s))
		return -1;
	s->id = nla_get_u32(st[NF_SRTP_A_STREAM_ID]);
	if (st[NF_SRTP_A_STREAM_OP])
		s->op = nla_get_u8(st[NF_SRTP_A_STREAM_OP]);
	if (st[NF_SRTP_A_STREAM_SUITE])
		s->suite = nla_get_u32(st[NF_SRTP_A_STREAM_SUITE]);
	if (st[NF_SRTP_A_STREAM_FLAGS])
		s->flags = nla_get_u32(st[NF_SRTP_A_STREAM_FLAGS]);
	if (st[NF_SRTP_A_STREAM_WINDOW])
		s->window = nla_get_u32(st[NF_SRTP_A_STREAM_WINDOW]);
	if (st[NF_SRTP_A_STREAM_PIN_SSRC]) {
		s->pinned = true;
		s->pin_ssrc = nla_get_u32(st[NF_SRTP_A_STREAM_PIN_SSRC]);
	}
	if (st[NF_SRTP_A_STREAM_SRC_PORT])
		s->sport = nla_get_u16(st[NF_SRTP_A_STREAM_SRC_PORT]);
	if (st[NF_SRTP_A_STREAM_DST_PORT])
		s->dport = nla_get_u16(st[NF_SRTP_A_STREAM_DST_PORT]);
	if (st[NF_SRTP_A_STREAM_RTCP_SRC_PORT])
		s->rtcp_sport = nla_get_u16(st[NF_SRTP_A_STREAM_RTCP_SRC_PORT]);
	if (st[NF_SRTP_A_STREAM_RTCP_DST_PORT])
		s->rtcp_dport = nla_get_u16(st[NF_SRTP_A_STREAM_RTCP_DST_PORT]);
	if (st[NF_SRTP_A_STREAM_KEYS])
		get_keys(st[NF_SRTP_A_STREAM_KEYS], s);
	if (st[NF_SRTP_A_STREAM_COUNTERS])
		get_counters(st[NF_SRTP_A_STREAM_COUNTERS], s);
	get_peer(st[NF_SRTP_A_STREAM_PEER], &s->peer);
	get_peer(st[NF_SRTP_A_STREAM_RTCP_PEER], &s->rtcp_peer);
	return 0;
}

struct dump_ctx {
	int (*cb)(const struct nfsrtp_stream *s, void *arg);
	void *arg;
	struct nfsrtp_stream s;
	int stopped;
};

static int on_stream(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *d = arg;

	if (d->stopped || parse_stream(msg, &d->s))
		return NL_SKIP;
	d->stopped = d->cb(&d->s, d->arg);
	return NL_OK;
}

/* Runs the GET request @msg, passing each stream in the reply to @cb. */
static int get_streams(struct nfsrtp *h, struct nl_msg *msg,
		       int (*cb)(const struct nfsrtp_stream *s, void *arg),
		       void *arg)
{
	struct dump_ctx *d;
	int err;

	if (!msg)
		return -ENOMEM;
	d = calloc(1, sizeof(*d));
	if (!d) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	d->cb = cb;
	d->arg = arg;
	err = transact(h, msg, on_stream, d);
	free(d);
	return err;
}

int nfsrtp_stream_dump(struct nfsrtp *h,
		       int (*cb)(const struct nfsrtp_stream *s, void *arg),
		       void *arg)
{
	return get_streams(h, new_request(h, NF_SRTP_CMD_STREAM_GET,
					  NLM_F_DUMP), cb, arg);
}

static int copy_stream(const struct nfsrtp_stream *s, void *arg)
{
	memcpy(arg, s, sizeof(*s));
	return 0;
}

int nfsrtp_stream_get(struct nfsrtp *h, uint32_t id,
		      struct nfsrtp_stream *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = get_streams(h, id_request(h, NF_SRTP_CMD_STREAM_GET, id),
			  copy_stream, out);
	if (!err && !out->id)
		err = -EPROTO;
	return err;
}

int nfsrtp_stream_set(struct nfsrtp *h, const struct nfsrtp_stream_update *u)
{
	struct nl_msg *msg;
	struct nlattr *nest;

	if (u->match && u->match->family != AF_INET &&
	    u->match->family != AF_INET6)
		return -EAFNOSUPPORT;
	msg = nlmsg_alloc_size(16384);
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0,
			 NLM_F_ACK, NF_SRTP_CMD_STREAM_SET,
			 NF_SRTP_GENL_VERSION) ||
	    !(nest = nla_nest_start(msg, NF_SRTP_A_STREAM)) ||
	    nla_put_u32(msg, NF_SRTP_A_STREAM_ID, u->id) ||
	    (u->nkeys && put_keys(msg, u->keys, u->nkeys)) ||
	    (u->set_active &&
	     nla_put_u32(msg, NF_SRTP_A_STREAM_ACTIVE_KEY, u->active)) ||
	    (u->set_params && u->suite &&
	     nla_put_u32(msg, NF_SRTP_A_STREAM_SUITE, u->suite)) ||
	    (u->set_params &&
	     nla_put_u32(msg, NF_SRTP_A_STREAM_FLAGS, u->flags)) ||
	    (u->set_params && u->window &&
	     nla_put_u32(msg, NF_SRTP_A_STREAM_WINDOW, u->window)) ||
	    (u->set_params && u->new_session &&
	     nla_put_flag(msg, NF_SRTP_A_STREAM_NEW_SESSION)) ||
	    (u->match && put_match(msg, u->match)) ||
	    (u->set_pin && u->pinned &&
	     nla_put_u32(msg, NF_SRTP_A_STREAM_PIN_SSRC, u->pin_ssrc)) ||
	    (u->set_pin && !u->pinned &&
	     nla_put_flag(msg, NF_SRTP_A_STREAM_UNPIN))) {
		explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return transact(h, msg, NULL, NULL);
}

static const char *const event_names[__NF_SRTP_EVENT_MAX] = {
	[NF_SRTP_EVENT_SOFT_LIMIT] = "soft-limit",
	[NF_SRTP_EVENT_HARD_LIMIT] = "hard-limit",
	[NF_SRTP_EVENT_KEY_SWITCH] = "key-switch",
	[NF_SRTP_EVENT_NEW_SSRC] = "new-ssrc",
	[NF_SRTP_EVENT_STREAM_DEL] = "stream-del",
	[NF_SRTP_EVENT_LATCH] = "latch",
};

const char *nfsrtp_event_name(unsigned int type)
{
	if (type == NFSRTP_EVENT_LOST)
		return "events-lost";
	if (type >= __NF_SRTP_EVENT_MAX || !event_names[type])
		return "unknown";
	return event_names[type];
}

struct monitor_ctx {
	int (*cb)(const struct nfsrtp_event *ev, void *arg);
	void *arg;
	int stop;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[NF_SRTP_A_MAX + 1];
	struct nlattr *st[NF_SRTP_A_STREAM_MAX + 1];
	struct monitor_ctx *m = arg;
	struct nfsrtp_event ev = { .key_index = -1 };

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NF_SRTP_A_MAX, NULL) < 0 ||
	    !tb[NF_SRTP_A_EVENT] || !tb[NF_SRTP_A_STREAM] ||
	    nla_parse_nested(st, NF_SRTP_A_STREAM_MAX, tb[NF_SRTP_A_STREAM],
			     NULL) < 0 || !st[NF_SRTP_A_STREAM_ID])
		return NL_SKIP;
	ev.type = nla_get_u8(tb[NF_SRTP_A_EVENT]);
	ev.stream = nla_get_u32(st[NF_SRTP_A_STREAM_ID]);
	if (st[NF_SRTP_A_STREAM_SSRC])
		ev.ssrc = nla_get_u32(st[NF_SRTP_A_STREAM_SSRC]);
	get_peer(st[NF_SRTP_A_STREAM_PEER], &ev.peer);
	get_peer(st[NF_SRTP_A_STREAM_RTCP_PEER], &ev.rtcp_peer);
	if (st[NF_SRTP_A_STREAM_KEYS]) {
		struct nlattr *k = nla_data(st[NF_SRTP_A_STREAM_KEYS]);
		struct nlattr *kt[NF_SRTP_A_KEY_MAX + 1];

		if (nla_len(st[NF_SRTP_A_STREAM_KEYS]) >= (int)sizeof(*k) &&
		    nla_parse_nested(kt, NF_SRTP_A_KEY_MAX, k, NULL) == 0 &&
		    kt[NF_SRTP_A_KEY_INDEX]) {
			ev.key_index = (int)nla_get_u32(kt[NF_SRTP_A_KEY_INDEX]);
			if (kt[NF_SRTP_A_KEY_MKI] &&
			    nla_len(kt[NF_SRTP_A_KEY_MKI]) <= NFSRTP_MKI_MAX) {
				ev.mki_len = (unsigned int)nla_len(kt[NF_SRTP_A_KEY_MKI]);
				memcpy(ev.mki, nla_data(kt[NF_SRTP_A_KEY_MKI]),
				       ev.mki_len);
			}
		}
	}
	if (!m->stop)
		m->stop = m->cb(&ev, m->arg);
	return NL_OK;
}

/* Joins the events group on @h; the socket carries nothing else then. */
static int join_events(struct nfsrtp *h)
{
	int grp;

	grp = genl_ctrl_resolve_grp(h->sock, NF_SRTP_GENL_NAME,
				    NF_SRTP_MCGRP_EVENTS);
	if (grp < 0)
		return -ENOENT;
	if (nl_socket_add_membership(h->sock, grp) < 0) {
		set_error(h, -EPERM, "joining the events group");
		return -EPERM;
	}
	nl_socket_disable_seq_check(h->sock);
	return 0;
}

/* Delivers what is queued on @h to @m; -EAGAIN when nothing was. */
static int read_events(struct nfsrtp *h, struct monitor_ctx *m)
{
	struct nl_cb *nlcb = nl_cb_clone(nl_socket_get_cb(h->sock));
	int rc;

	if (!nlcb)
		return -ENOMEM;
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, on_event, m);
	rc = nl_recvmsgs(h->sock, nlcb);
	nl_cb_put(nlcb);
	if (rc == -NLE_AGAIN)
		return -EAGAIN;
	if (rc == -NLE_NOMEM)
		return -ENOBUFS;	/* the socket overran: events were lost */
	return rc < 0 ? -EIO : 0;
}

/*
 * Room for a burst: every stream added or removed is an event, and a
 * daemon installing thousands of calls' streams reads its events between
 * its requests: 4 MiB holds thousands of them.  SO_RCVBUFFORCE (with
 * CAP_NET_ADMIN, which a stream request needs anyway) passes
 * net.core.rmem_max; without it, what SO_RCVBUF allows.
 */
#define EVENTS_RCVBUF	(4 << 20)

int nfsrtp_events_open(struct nfsrtp *h)
{
	int size = EVENTS_RCVBUF, fd, err = join_events(h);

	if (err)
		return err;
	if (nl_socket_set_nonblocking(h->sock) < 0)
		return -EIO;
	fd = nl_socket_get_fd(h->sock);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

int nfsrtp_events_read(struct nfsrtp *h,
		       int (*cb)(const struct nfsrtp_event *ev, void *arg),
		       void *arg)
{
	struct monitor_ctx m = { .cb = cb, .arg = arg };
	int rc;

	do {
		rc = read_events(h, &m);
	} while (!rc && !m.stop);
	return rc == -EAGAIN ? 0 : rc;
}

int nfsrtp_monitor(struct nfsrtp *h,
		   int (*cb)(const struct nfsrtp_event *ev, void *arg),
		   void *arg, int timeout_ms)
{
	struct monitor_ctx m = { .cb = cb, .arg = arg };
	struct pollfd pfd;
	int err;

	err = join_events(h);
	if (err)
		return err;
	pfd.fd = nl_socket_get_fd(h->sock);
	pfd.events = POLLIN;
	while (!m.stop) {
		int n = poll(&pfd, 1, timeout_ms);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* timeout or error: done */
		err = read_events(h, &m);
		if (err == -ENOBUFS) {
			struct nfsrtp_event lost = {
				.type = NFSRTP_EVENT_LOST, .key_index = -1,
			};

			m.stop = m.cb(&lost, m.arg);
			err = 0;
		}
		if (err)
			break;
	}
	return err;
}
