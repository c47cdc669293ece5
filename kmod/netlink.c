// SPDX-License-Identifier: GPL-2.0
/*
 * nf_srtp: the generic netlink family.  include/uapi/linux/nf_srtp.h is its
 * specification.
 */

#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "nf_srtp.h"

/* A key protects or unprotects at most 2^48 packets (RFC 3711 9.2). */
static struct netlink_range_validation nf_srtp_lifetime_range = {
	.min = 1,
	.max = SRTP_CORE_LIFETIME_MAX,
};

static const struct nla_policy nf_srtp_key_policy[NF_SRTP_A_KEY_MAX + 1] = {
	[NF_SRTP_A_KEY_MASTER_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 16, 32),
	[NF_SRTP_A_KEY_MASTER_SALT] = NLA_POLICY_RANGE(NLA_BINARY, 12, 14),
	[NF_SRTP_A_KEY_MKI] = NLA_POLICY_RANGE(NLA_BINARY, 1,
					       SRTP_CORE_MKI_MAX),
	[NF_SRTP_A_KEY_LIFETIME] = NLA_POLICY_FULL_RANGE(NLA_U64,
							 &nf_srtp_lifetime_range),
	[NF_SRTP_A_KEY_INDEX] = { .type = NLA_REJECT },
	[NF_SRTP_A_KEY_PACKETS] = { .type = NLA_REJECT },
	[NF_SRTP_A_KEY_ACTIVE] = { .type = NLA_REJECT },
	[NF_SRTP_A_KEY_PAD] = { .type = NLA_REJECT },
};

static const struct nla_policy nf_srtp_peer_policy[NF_SRTP_A_PEER_MAX + 1] = {
	[NF_SRTP_A_PEER_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[NF_SRTP_A_PEER_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[NF_SRTP_A_PEER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy nf_srtp_stream_policy[NF_SRTP_A_STREAM_MAX + 1] = {
	[NF_SRTP_A_STREAM_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[NF_SRTP_A_STREAM_OP] = NLA_POLICY_RANGE(NLA_U8, NF_SRTP_OP_PROTECT,
						 NF_SRTP_OP_UNPROTECT),
	[NF_SRTP_A_STREAM_SRC_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[NF_SRTP_A_STREAM_SRC_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[NF_SRTP_A_STREAM_DST_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(struct in_addr)),
	[NF_SRTP_A_STREAM_DST_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[NF_SRTP_A_STREAM_SRC_PORT] = { .type = NLA_U16 },
	[NF_SRTP_A_STREAM_DST_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[NF_SRTP_A_STREAM_RTCP_SRC_PORT] = { .type = NLA_U16 },
	[NF_SRTP_A_STREAM_RTCP_DST_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[NF_SRTP_A_STREAM_SUITE] = NLA_POLICY_RANGE(NLA_U32, 1,
						    __NF_SRTP_SUITE_MAX - 1),
	[NF_SRTP_A_STREAM_FLAGS] = NLA_POLICY_MASK(NLA_U32, NF_SRTP_F_ALL),
	[NF_SRTP_A_STREAM_WINDOW] = NLA_POLICY_RANGE(NLA_U32,
						     SRTP_CORE_WINDOW_MIN,
						     SRTP_CORE_WINDOW_MAX),
	[NF_SRTP_A_STREAM_KDR] = { .type = NLA_U32 },
	[NF_SRTP_A_STREAM_KEYS] = NLA_POLICY_NESTED_ARRAY(nf_srtp_key_policy),
	[NF_SRTP_A_STREAM_COUNTERS] = { .type = NLA_REJECT },
	[NF_SRTP_A_STREAM_ACTIVE_KEY] = { .type = NLA_U32 },
	[NF_SRTP_A_STREAM_SSRC] = { .type = NLA_REJECT },
	[NF_SRTP_A_STREAM_PIN_SSRC] = { .type = NLA_U32 },
	[NF_SRTP_A_STREAM_UNPIN] = { .type = NLA_FLAG },
	[NF_SRTP_A_STREAM_NEW_SESSION] = { .type = NLA_FLAG },
	[NF_SRTP_A_STREAM_PEER] = NLA_POLICY_NESTED(nf_srtp_peer_policy),
	[NF_SRTP_A_STREAM_RTCP_PEER] = NLA_POLICY_NESTED(nf_srtp_peer_policy),
};

static const struct nla_policy nf_srtp_policy[NF_SRTP_A_MAX + 1] = {
	[NF_SRTP_A_VERSION] = { .type = NLA_REJECT },
	[NF_SRTP_A_STATS] = { .type = NLA_REJECT },
	[NF_SRTP_A_STREAM] = NLA_POLICY_NESTED(nf_srtp_stream_policy),
	[NF_SRTP_A_EVENT] = { .type = NLA_REJECT },
};

enum nf_srtp_mcgrp {
	NF_SRTP_MCGRP_EVENTS_ID,
};

static const struct genl_multicast_group nf_srtp_mcgrps[] = {
	[NF_SRTP_MCGRP_EVENTS_ID] = { .name = NF_SRTP_MCGRP_EVENTS,
				      .flags = GENL_UNS_ADMIN_PERM },
};

static struct genl_family nf_srtp_genl_family;

/* UAPI suite numbers to the core's. */
static const enum srtp_suite nf_srtp_suites[__NF_SRTP_SUITE_MAX] = {
	[NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_80] = SRTP_AES_CM_128_HMAC_SHA1_80,
	[NF_SRTP_SUITE_AES_CM_128_HMAC_SHA1_32] = SRTP_AES_CM_128_HMAC_SHA1_32,
	[NF_SRTP_SUITE_AES_192_CM_HMAC_SHA1_80] = SRTP_AES_192_CM_HMAC_SHA1_80,
	[NF_SRTP_SUITE_AES_192_CM_HMAC_SHA1_32] = SRTP_AES_192_CM_HMAC_SHA1_32,
	[NF_SRTP_SUITE_AES_256_CM_HMAC_SHA1_80] = SRTP_AES_256_CM_HMAC_SHA1_80,
	[NF_SRTP_SUITE_AES_256_CM_HMAC_SHA1_32] = SRTP_AES_256_CM_HMAC_SHA1_32,
	[NF_SRTP_SUITE_AEAD_AES_128_GCM] = SRTP_AEAD_AES_128_GCM,
	[NF_SRTP_SUITE_AEAD_AES_256_GCM] = SRTP_AEAD_AES_256_GCM,
};

static int nf_srtp_put_drops(struct sk_buff *skb, int type, const u64 *drops)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = NF_SRTP_DROP_PAD + 1; i <= NF_SRTP_DROP_MAX; i++) {
		if (drops[i] &&
		    nla_put_u64_64bit(skb, i, drops[i], NF_SRTP_DROP_PAD))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

struct nf_srtp_totals {
	u64 protected;
	u64 unprotected;
	u64 stun;
	u64 drops[__NF_SRTP_DROP_MAX];
};

static void nf_srtp_sum_stats(struct nf_srtp_net *nsn,
			      struct nf_srtp_totals *sum)
{
	struct nf_srtp_totals one;
	unsigned int start;
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct nf_srtp_pcpu_stats *st = per_cpu_ptr(nsn->stats, cpu);

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			one.protected = u64_stats_read(&st->protected);
			one.unprotected = u64_stats_read(&st->unprotected);
			one.stun = u64_stats_read(&st->stun);
			for (i = 0; i < __NF_SRTP_DROP_MAX; i++)
				one.drops[i] = u64_stats_read(&st->drops[i]);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		sum->protected += one.protected;
		sum->unprotected += one.unprotected;
		sum->stun += one.stun;
		for (i = 0; i < __NF_SRTP_DROP_MAX; i++)
			sum->drops[i] += one.drops[i];
	}
}

static int nf_srtp_fill_stats(struct sk_buff *skb, struct net *net)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(net);
	struct nf_srtp_totals sum;
	struct nlattr *stats;

	if (nla_put_u32(skb, NF_SRTP_A_VERSION, NF_SRTP_GENL_VERSION))
		return -EMSGSIZE;

	nf_srtp_sum_stats(nsn, &sum);
	stats = nla_nest_start(skb, NF_SRTP_A_STATS);
	if (!stats)
		return -EMSGSIZE;
	if (nla_put_u32(skb, NF_SRTP_A_STATS_STREAMS,
			atomic_read(&nsn->nr_streams)) ||
	    nla_put_u64_64bit(skb, NF_SRTP_A_STATS_PROTECTED, sum.protected,
			      NF_SRTP_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, NF_SRTP_A_STATS_UNPROTECTED, sum.unprotected,
			      NF_SRTP_A_STATS_PAD) ||
	    nf_srtp_put_drops(skb, NF_SRTP_A_STATS_DROPS, sum.drops) ||
	    nla_put_u32(skb, NF_SRTP_A_STATS_DEFRAG,
			nf_srtp_defrag_families(nsn)) ||
	    nla_put_u64_64bit(skb, NF_SRTP_A_STATS_STUN, sum.stun,
			      NF_SRTP_A_STATS_PAD)) {
		nla_nest_cancel(skb, stats);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, stats);
	return 0;
}

/* Overwrites the master keys and salts in one NF_SRTP_A_STREAM nest. */
static void nf_srtp_wipe_keys(struct nlattr *nest)
{
	struct nlattr *keys, *k, *a;
	int rem, krem, arem;

	nla_for_each_nested(keys, nest, rem) {
		if (nla_type(keys) != NF_SRTP_A_STREAM_KEYS)
			continue;
		nla_for_each_nested(k, keys, krem) {
			nla_for_each_nested(a, k, arem) {
				if (nla_type(a) == NF_SRTP_A_KEY_MASTER_KEY ||
				    nla_type(a) == NF_SRTP_A_KEY_MASTER_SALT)
					memzero_explicit(nla_data(a),
							 nla_len(a));
			}
		}
	}
}

/*
 * Overwrites the key material of a request once it has been used: in
 * every NF_SRTP_A_STREAM nest and every NF_SRTP_A_STREAM_KEYS in it, not
 * only in those the parser used (the last of duplicates).
 */
static void nf_srtp_wipe_request(struct genl_info *info)
{
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, nlmsg_attrdata(info->nlhdr, GENL_HDRLEN),
			  nlmsg_attrlen(info->nlhdr, GENL_HDRLEN), rem)
		if (nla_type(a) == NF_SRTP_A_STREAM)
			nf_srtp_wipe_keys(a);
}

static int nf_srtp_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	nf_srtp_wipe_request(info);	/* (keys where none belong) */
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &nf_srtp_genl_family, 0,
				NF_SRTP_CMD_GET_STATS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}

	err = nf_srtp_fill_stats(msg, genl_info_net(info));
	if (err)
		goto err_free;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/*
 * The addresses of a match.  The destination attribute, IPv4 or IPv6,
 * gives the family; a source address must be of the same family.
 */
static int nf_srtp_parse_addrs(struct nlattr **tb, struct nlattr *nest,
			       struct nf_srtp_tuple *t,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *d4 = tb[NF_SRTP_A_STREAM_DST_IPV4];
	struct nlattr *d6 = tb[NF_SRTP_A_STREAM_DST_IPV6];
	struct nlattr *s4 = tb[NF_SRTP_A_STREAM_SRC_IPV4];
	struct nlattr *s6 = tb[NF_SRTP_A_STREAM_SRC_IPV6];

	if (!d4 && !d6) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a destination address is required (NF_SRTP_A_STREAM_DST_IPV4 or NF_SRTP_A_STREAM_DST_IPV6)");
		return -EINVAL;
	}
	if (d4 && d6) {
		NL_SET_ERR_MSG_ATTR(extack, d6,
				    "one destination address: IPv4 or IPv6, not both");
		return -EINVAL;
	}
	if (s4 && s6) {
		NL_SET_ERR_MSG_ATTR(extack, s6,
				    "one source address: IPv4 or IPv6, not both");
		return -EINVAL;
	}
	if ((d4 && s6) || (d6 && s4)) {
		NL_SET_ERR_MSG_ATTR(extack, s4 ?: s6,
				    "source and destination addresses of different families");
		return -EINVAL;
	}
	if (d4) {
		t->family = NFPROTO_IPV4;
		t->daddr.ip = nla_get_in_addr(d4);
		if (s4)
			t->saddr.ip = nla_get_in_addr(s4);
	} else {
		t->family = NFPROTO_IPV6;
		t->daddr.in6 = nla_get_in6_addr(d6);
		if (s6)
			t->saddr.in6 = nla_get_in6_addr(s6);
	}
	return 0;
}

static u16 nf_srtp_get_port(const struct nlattr *a, u16 dflt)
{
	return a ? nla_get_u16(a) : dflt;
}

/*
 * The rest of a match with an open destination (all-zero address): a
 * protect stream's, by its source address and port alone, RTCP's by its
 * own source port (default: RTP's plus one).
 */
static int nf_srtp_parse_any_dst(struct nf_srtp_stream *s, int set, bool mux,
				 struct nlattr **tb, struct nlattr *nest,
				 struct netlink_ext_ack *extack)
{
	struct nf_srtp_tuple *rtp = &s->node[set][NF_SRTP_NODE_RTP].key;
	struct nf_srtp_tuple *rtcp = &s->node[set][NF_SRTP_NODE_RTCP].key;
	struct nlattr *rtcp_sport = tb[NF_SRTP_A_STREAM_RTCP_SRC_PORT];
	u16 sport = ntohs(rtp->sport);

	if (s->op != NF_SRTP_OP_PROTECT) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "only a protect stream may have an open destination (an all-zero address)");
		return -EINVAL;
	}
	if (!sport) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a stream with an open destination needs a source port");
		return -EINVAL;
	}
	if (tb[NF_SRTP_A_STREAM_DST_PORT] ||
	    tb[NF_SRTP_A_STREAM_RTCP_DST_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_DST_PORT] ?:
				    tb[NF_SRTP_A_STREAM_RTCP_DST_PORT],
				    "an open destination has no destination port");
		return -EINVAL;
	}
	*rtcp = *rtp;
	s->mux[set] = mux;
	if (mux) {
		if (!rtcp_sport)
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, rtcp_sport,
				    "RTCP ports given with NF_SRTP_F_RTCP_MUX");
		return -EINVAL;
	}
	if (sport == U16_MAX && !rtcp_sport) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_SRC_PORT],
				    "port 65535 has no port+1 for RTCP");
		return -EINVAL;
	}
	rtcp->sport = htons(nf_srtp_get_port(rtcp_sport, sport + 1));
	if (!rtcp->sport) {
		NL_SET_ERR_MSG_ATTR(extack, rtcp_sport,
				    "a stream with an open destination needs an RTCP source port");
		return -EINVAL;
	}
	return 0;
}

/*
 * The match of the stream's RTP and RTCP port pairs, into node set @set;
 * with @mux, RTCP shares the RTP port pair.
 */
static int nf_srtp_parse_match(struct nf_srtp_stream *s, int set, bool mux,
			       struct nlattr **tb, struct nlattr *nest,
			       struct netlink_ext_ack *extack)
{
	struct nf_srtp_tuple *rtp = &s->node[set][NF_SRTP_NODE_RTP].key;
	struct nf_srtp_tuple *rtcp = &s->node[set][NF_SRTP_NODE_RTCP].key;
	u16 sport, dport;
	bool any_src;
	int err;

	memset(rtp, 0, sizeof(*rtp));
	rtp->dir = s->op;
	err = nf_srtp_parse_addrs(tb, nest, rtp, extack);
	if (err)
		return err;
	any_src = !memchr_inv(&rtp->saddr, 0, sizeof(rtp->saddr));
	/*
	 * Whatever a protect stream matches, it encrypts under the call's
	 * key: a wildcard source would let anyone who can reach the box
	 * choose plaintext and sequence numbers for it (datapath.md).
	 */
	if (s->op == NF_SRTP_OP_PROTECT && any_src) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a protect stream needs a source address");
		return -EINVAL;
	}

	sport = nf_srtp_get_port(tb[NF_SRTP_A_STREAM_SRC_PORT], 0);
	/* (an all-zero address is no address: no probe would find it) */
	if (sport && any_src) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_SRC_PORT],
				    "a source port needs a source address");
		return -EINVAL;
	}
	rtp->sport = htons(sport);
	if (!memchr_inv(&rtp->daddr, 0, sizeof(rtp->daddr)))
		return nf_srtp_parse_any_dst(s, set, mux, tb, nest, extack);
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, NF_SRTP_A_STREAM_DST_PORT))
		return -EINVAL;
	dport = nla_get_u16(tb[NF_SRTP_A_STREAM_DST_PORT]);
	rtp->dport = htons(dport);

	*rtcp = *rtp;
	s->mux[set] = mux;
	if (mux) {
		if (tb[NF_SRTP_A_STREAM_RTCP_SRC_PORT] ||
		    tb[NF_SRTP_A_STREAM_RTCP_DST_PORT]) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "RTCP ports given with NF_SRTP_F_RTCP_MUX");
			return -EINVAL;
		}
		return 0;
	}
	if (dport == U16_MAX && !tb[NF_SRTP_A_STREAM_RTCP_DST_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_DST_PORT],
				    "port 65535 has no port+1 for RTCP");
		return -EINVAL;
	}
	rtcp->sport = htons(nf_srtp_get_port(tb[NF_SRTP_A_STREAM_RTCP_SRC_PORT],
					     sport ? (u16)(sport + 1) : 0));
	rtcp->dport = htons(nf_srtp_get_port(tb[NF_SRTP_A_STREAM_RTCP_DST_PORT],
					     dport + 1));
	if (rtcp->sport && any_src) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_RTCP_SRC_PORT],
				    "a source port needs a source address");
		return -EINVAL;
	}
	return 0;
}

/* Why the core refused a key or a context, for the extended ACK. */
static void nf_srtp_set_reason(struct netlink_ext_ack *extack,
			       const struct nlattr *attr,
			       enum srtp_reason why)
{
	switch (why) {
	case SRTP_R_KDR_UNSUPPORTED:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "only a key derivation rate of 0 is supported");
		break;
	case SRTP_R_NOMEM:
		NL_SET_ERR_MSG_ATTR(extack, attr, "out of memory");
		break;
	case SRTP_R_CRYPTO:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the kernel crypto API cannot provide the suite");
		break;
	case SRTP_R_KEY_LIMIT:
		NL_SET_ERR_MSG_ATTR(extack, attr, "too many keys");
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the suite does not allow these parameters");
		break;
	}
}

/*
 * Checks one NF_SRTP_A_KEY and derives its session keys (may sleep).
 * @mki_len is the MKI length every key of the stream has.  The request's
 * key material is wiped by the caller.
 */
static struct srtp_key *nf_srtp_new_key(enum srtp_suite suite,
					struct nlattr *k, unsigned int mki_len,
					struct netlink_ext_ack *extack)
{
	const struct srtp_suite_info *si = srtp_suite_get(suite);
	struct nlattr *tb[NF_SRTP_A_KEY_MAX + 1];
	enum srtp_reason why = SRTP_R_OK;
	struct nlattr *mk, *ms, *mki;
	struct srtp_key *key;
	u64 lifetime;
	int err;

	err = nla_parse_nested(tb, NF_SRTP_A_KEY_MAX, k, nf_srtp_key_policy,
			       extack);
	if (err)
		return ERR_PTR(err);
	if (NL_REQ_ATTR_CHECK(extack, k, tb, NF_SRTP_A_KEY_MASTER_KEY) ||
	    NL_REQ_ATTR_CHECK(extack, k, tb, NF_SRTP_A_KEY_MASTER_SALT))
		return ERR_PTR(-EINVAL);
	mk = tb[NF_SRTP_A_KEY_MASTER_KEY];
	ms = tb[NF_SRTP_A_KEY_MASTER_SALT];
	mki = tb[NF_SRTP_A_KEY_MKI];
	if (nla_len(mk) != si->key_len) {
		NL_SET_ERR_MSG_ATTR(extack, mk, "master key length does not match the suite");
		return ERR_PTR(-EINVAL);
	}
	if (nla_len(ms) != si->salt_len) {
		NL_SET_ERR_MSG_ATTR(extack, ms, "master salt length does not match the suite");
		return ERR_PTR(-EINVAL);
	}
	if ((mki ? nla_len(mki) : 0) != mki_len) {
		NL_SET_ERR_MSG_ATTR(extack, k,
				    "keys need an MKI of the same length, or none");
		return ERR_PTR(-EINVAL);
	}
	lifetime = tb[NF_SRTP_A_KEY_LIFETIME] ?
		   nla_get_u64(tb[NF_SRTP_A_KEY_LIFETIME]) : 0;

	key = srtp_key_new(suite, nla_data(mk), nla_len(mk), nla_data(ms),
			   nla_len(ms), mki ? nla_data(mki) : NULL, mki_len,
			   lifetime, &err, &why);
	if (!key) {
		nf_srtp_set_reason(extack, k, why);
		return ERR_PTR(err);
	}
	return key;
}

/*
 * Refuses an MKI that two keys of @keys share, or that a live key of
 * @ctx (if not NULL; its stream's lock held) already has: the MKI is how
 * unprotect finds a packet's key.
 */
static int nf_srtp_check_mkis(struct nlattr *keys, const struct srtp_ctx *ctx,
			      struct srtp_key_info *live,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *k, *k2, *mki, *mki2;
	unsigned int i, n = ctx ? srtp_ctx_key_count(ctx) : 0;
	u32 first = ctx ? srtp_ctx_first_key(ctx) : 0;
	int rem, rem2;

	nla_for_each_nested(k, keys, rem) {
		mki = nla_find_nested(k, NF_SRTP_A_KEY_MKI);
		if (!mki)
			continue;
		for (i = 0; i < n; i++) {
			if (srtp_ctx_key_info(ctx, first + i, live) ||
			    live->mki_len != nla_len(mki) ||
			    memcmp(live->mki, nla_data(mki), nla_len(mki)))
				continue;
			NL_SET_ERR_MSG_ATTR(extack, mki,
					    "a live key of the stream has this MKI");
			return -EEXIST;
		}
		k2 = nla_data(keys);
		rem2 = nla_len(keys);
		for (; k2 != k; k2 = nla_next(k2, &rem2)) {
			mki2 = nla_find_nested(k2, NF_SRTP_A_KEY_MKI);
			if (mki2 && nla_len(mki2) == nla_len(mki) &&
			    !memcmp(nla_data(mki2), nla_data(mki), nla_len(mki))) {
				NL_SET_ERR_MSG_ATTR(extack, mki,
						    "two keys with the same MKI");
				return -EEXIST;
			}
		}
	}
	return 0;
}

static int nf_srtp_count_keys(struct nlattr *keys, unsigned int max,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *k;
	int rem, n = 0;

	nla_for_each_nested(k, keys, rem) {
		if (nla_type(k) != NF_SRTP_A_KEY) {
			NL_SET_ERR_MSG_ATTR(extack, k,
					    "NF_SRTP_A_STREAM_KEYS holds only NF_SRTP_A_KEY");
			return -EINVAL;
		}
		n++;
	}
	if (n < 1 || n > max) {
		NL_SET_ERR_MSG_ATTR(extack, keys,
				    "a request carries 1 to 16 keys");
		return -EINVAL;
	}
	return n;
}

/* The MKI length of the first key of a request, which all must share. */
static unsigned int nf_srtp_first_mki_len(struct nlattr *keys)
{
	struct nlattr *k, *mki;
	int rem;

	nla_for_each_nested(k, keys, rem) {
		mki = nla_find_nested(k, NF_SRTP_A_KEY_MKI);
		return mki ? nla_len(mki) : 0;
	}
	return 0;
}

static u32 nf_srtp_core_flags(u32 flags)
{
	u32 f = 0;

	if (flags & NF_SRTP_F_UNENCRYPTED_SRTP)
		f |= SRTP_F_UNENCRYPTED_SRTP;
	if (flags & NF_SRTP_F_UNENCRYPTED_SRTCP)
		f |= SRTP_F_UNENCRYPTED_SRTCP;
	if (flags & NF_SRTP_F_UNAUTHENTICATED_SRTP)
		f |= SRTP_F_UNAUTHENTICATED_SRTP;
	return f;
}

/*
 * A crypto context for @s with suite @uapi_suite, @flags and @window,
 * holding the keys of @keys.  May sleep.
 */
static struct srtp_ctx *nf_srtp_new_ctx(const struct nf_srtp_stream *s,
					u32 uapi_suite, u32 flags, u32 window,
					struct nlattr *keys,
					struct nlattr *suite_attr,
					struct netlink_ext_ack *extack)
{
	enum srtp_suite suite = nf_srtp_suites[uapi_suite];
	enum srtp_reason why = SRTP_R_OK;
	struct srtp_params p = {
		.suite = suite,
		.dir = s->op == NF_SRTP_OP_PROTECT ? SRTP_DIR_OUTBOUND :
						     SRTP_DIR_INBOUND,
		.flags = nf_srtp_core_flags(flags),
		.window = window,
		.mki_len = nf_srtp_first_mki_len(keys),
	};
	struct srtp_key_info live;
	struct srtp_ctx *ctx;
	struct srtp_key *key;
	struct nlattr *k;
	int rem, err;

	err = nf_srtp_check_mkis(keys, NULL, &live, extack);
	if (err)
		return ERR_PTR(err);
	ctx = srtp_ctx_new(&p, &err, &why);
	if (!ctx) {
		nf_srtp_set_reason(extack, suite_attr, why);
		return ERR_PTR(err);
	}
	nla_for_each_nested(k, keys, rem) {
		key = nf_srtp_new_key(suite, k, p.mki_len, extack);
		if (IS_ERR(key)) {
			srtp_ctx_free(ctx);
			return ERR_CAST(key);
		}
		err = srtp_ctx_add_key(ctx, key, &why);
		if (err < 0) {
			srtp_key_free(key);
			srtp_ctx_free(ctx);
			nf_srtp_set_reason(extack, k, why);
			return ERR_PTR(err);
		}
	}
	return ctx;
}

/* What protect may add to a packet; the hook reads it without a lock. */
static void nf_srtp_set_grow(struct nf_srtp_stream *s)
{
	const struct srtp_suite_info *si;

	si = srtp_suite_get(nf_srtp_suites[s->suite]);
	WRITE_ONCE(s->grow, max(si->srtp_tag_len, si->srtcp_tag_len) + 4 +
		   s->mki_len);
}

/*
 * A latching stream's first peer (NF_SRTP_A_STREAM_PEER or _RTCP_PEER at
 * STREAM_ADD): an address of the stream's family and a port.
 */
static int nf_srtp_parse_peer(struct nlattr *nest, u8 family,
			      struct nf_srtp_peer *peer,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NF_SRTP_A_PEER_MAX + 1];
	int type = family == NFPROTO_IPV4 ? NF_SRTP_A_PEER_IPV4 :
					    NF_SRTP_A_PEER_IPV6;
	int err;

	if (!nest)
		return 0;
	err = nla_parse_nested(tb, NF_SRTP_A_PEER_MAX, nest,
			       nf_srtp_peer_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, type) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, NF_SRTP_A_PEER_PORT))
		return -EINVAL;
	nla_memcpy(&peer->addr, tb[type], sizeof(peer->addr));
	peer->port = htons(nla_get_u16(tb[NF_SRTP_A_PEER_PORT]));
	peer->family = family;
	return 0;
}

/* The peers a latching stream starts with; only such a stream has any. */
static int nf_srtp_parse_peers(struct nf_srtp_stream *s, struct nlattr **tb,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *rtp = tb[NF_SRTP_A_STREAM_PEER];
	struct nlattr *rtcp = tb[NF_SRTP_A_STREAM_RTCP_PEER];
	u8 family = s->node[0][NF_SRTP_NODE_RTP].key.family;

	if ((rtp || rtcp) && !(s->flags & NF_SRTP_F_LATCH)) {
		NL_SET_ERR_MSG_ATTR(extack, rtp ?: rtcp,
				    "a peer is for a latching stream (NF_SRTP_F_LATCH)");
		return -EINVAL;
	}
	return nf_srtp_parse_peer(rtp, family, &s->peer[0], extack) ?:
	       nf_srtp_parse_peer(rtcp, family, &s->peer[1], extack);
}

/* NF_SRTP_F_LATCH follows the peer that sends: unprotect streams only. */
static int nf_srtp_check_latch(u8 op, u32 flags, struct nlattr **tb,
			       struct netlink_ext_ack *extack)
{
	if (!(flags & NF_SRTP_F_LATCH) || op == NF_SRTP_OP_UNPROTECT)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_FLAGS],
			    "NF_SRTP_F_LATCH is for unprotect streams");
	return -EINVAL;
}

static struct nf_srtp_stream *nf_srtp_parse_stream(struct nlattr *nest,
						   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NF_SRTP_A_STREAM_MAX + 1];
	struct nf_srtp_stream *s;
	int err;

	err = nla_parse_nested(tb, NF_SRTP_A_STREAM_MAX, nest,
			       nf_srtp_stream_policy, extack);
	if (err)
		return ERR_PTR(err);
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, NF_SRTP_A_STREAM_OP) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, NF_SRTP_A_STREAM_SUITE) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, NF_SRTP_A_STREAM_KEYS))
		return ERR_PTR(-EINVAL);
	if (tb[NF_SRTP_A_STREAM_ID]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_ID],
				    "the kernel chooses the stream id");
		return ERR_PTR(-EINVAL);
	}
	if (tb[NF_SRTP_A_STREAM_UNPIN]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_UNPIN],
				    "a new stream has no pin to remove");
		return ERR_PTR(-EINVAL);
	}
	if (tb[NF_SRTP_A_STREAM_NEW_SESSION]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_NEW_SESSION],
				    "a new stream is a new session");
		return ERR_PTR(-EINVAL);
	}
	if (tb[NF_SRTP_A_STREAM_KDR] && nla_get_u32(tb[NF_SRTP_A_STREAM_KDR])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_KDR],
				    "only a key derivation rate of 0 is supported");
		return ERR_PTR(-EOPNOTSUPP);
	}
	err = nf_srtp_count_keys(tb[NF_SRTP_A_STREAM_KEYS],
				 SRTP_CORE_KEYS_MAX, extack);
	if (err < 0)
		return ERR_PTR(err);

	s = nf_srtp_stream_alloc();
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->op = nla_get_u8(tb[NF_SRTP_A_STREAM_OP]);
	s->suite = nla_get_u32(tb[NF_SRTP_A_STREAM_SUITE]);
	s->flags = tb[NF_SRTP_A_STREAM_FLAGS] ?
		   nla_get_u32(tb[NF_SRTP_A_STREAM_FLAGS]) : 0;
	s->window = tb[NF_SRTP_A_STREAM_WINDOW] ?
		    nla_get_u32(tb[NF_SRTP_A_STREAM_WINDOW]) :
		    SRTP_CORE_WINDOW_DEFAULT;
	err = nf_srtp_check_latch(s->op, s->flags, tb, extack);
	if (err)
		goto fail;

	err = nf_srtp_parse_match(s, 0, s->flags & NF_SRTP_F_RTCP_MUX, tb,
				  nest, extack) ?:
	      nf_srtp_parse_peers(s, tb, extack);
	if (err)
		goto fail;
	s->mki_len = nf_srtp_first_mki_len(tb[NF_SRTP_A_STREAM_KEYS]);
	s->ctx = nf_srtp_new_ctx(s, s->suite, s->flags, s->window,
				 tb[NF_SRTP_A_STREAM_KEYS],
				 tb[NF_SRTP_A_STREAM_SUITE], extack);
	if (IS_ERR(s->ctx)) {
		err = PTR_ERR(s->ctx);
		s->ctx = NULL;
		goto fail;
	}
	/* Not in the table yet: no packet sees it, no lock needed. */
	if (tb[NF_SRTP_A_STREAM_PIN_SSRC])
		srtp_ctx_set_pin(s->ctx, true,
				 nla_get_u32(tb[NF_SRTP_A_STREAM_PIN_SSRC]));
	nf_srtp_set_grow(s);
	return s;

fail:
	nf_srtp_stream_free(s);
	return ERR_PTR(err);
}

static int nf_srtp_reply_id(struct genl_info *info, u8 cmd, u32 id)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nf_srtp_genl_family, 0, cmd);
	if (!hdr)
		goto nospace;
	nest = nla_nest_start(msg, NF_SRTP_A_STREAM);
	if (!nest || nla_put_u32(msg, NF_SRTP_A_STREAM_ID, id))
		goto nospace;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int nf_srtp_stream_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[NF_SRTP_A_STREAM];
	struct net *net = genl_info_net(info);
	struct nf_srtp_stream *s;
	u32 id;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, NF_SRTP_A_STREAM))
		return -EINVAL;
	s = nf_srtp_parse_stream(nest, info->extack);
	nf_srtp_wipe_request(info);
	if (IS_ERR(s))
		return PTR_ERR(s);

	err = nf_srtp_stream_insert(net, s, &id, info->extack);
	if (err) {
		/* Its nodes may have been hashed for a moment: RCU frees. */
		nf_srtp_stream_free_rcu(s);
		return err;
	}
	/* @s belongs to the table now, and may already be gone. */
	err = nf_srtp_reply_id(info, NF_SRTP_CMD_STREAM_ADD, id);
	if (err)
		nf_srtp_stream_remove(net, id);
	return err;
}

/*
 * The stream id of a DEL or GET request.  The policy lets such a request
 * carry keys too, unused: they are wiped all the same.
 */
static int nf_srtp_get_id(struct genl_info *info, u32 *id)
{
	struct nlattr *tb[NF_SRTP_A_STREAM_MAX + 1];
	int err;

	nf_srtp_wipe_request(info);
	if (GENL_REQ_ATTR_CHECK(info, NF_SRTP_A_STREAM))
		return -EINVAL;
	err = nla_parse_nested(tb, NF_SRTP_A_STREAM_MAX,
			       info->attrs[NF_SRTP_A_STREAM],
			       nf_srtp_stream_policy, info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[NF_SRTP_A_STREAM], tb,
			      NF_SRTP_A_STREAM_ID))
		return -EINVAL;
	*id = nla_get_u32(tb[NF_SRTP_A_STREAM_ID]);
	return 0;
}

static int nf_srtp_stream_del(struct sk_buff *skb, struct genl_info *info)
{
	u32 id;
	int err;

	err = nf_srtp_get_id(info, &id);
	if (err)
		return err;
	err = nf_srtp_stream_remove(genl_info_net(info), id);
	if (err)
		NL_SET_ERR_MSG(info->extack, "no stream with this id");
	return err;
}

static int nf_srtp_stream_flush_cmd(struct sk_buff *skb,
				    struct genl_info *info)
{
	nf_srtp_wipe_request(info);	/* (keys where none belong) */
	nf_srtp_stream_flush(genl_info_net(info), true);
	return 0;
}

/* The attribute of @a's family: @v4 or the IPv6 one that follows it. */
static int nf_srtp_put_addr(struct sk_buff *msg, int v4,
			    const struct nf_srtp_tuple *t,
			    const union nf_inet_addr *a)
{
	if (t->family == NFPROTO_IPV4)
		return nla_put_in_addr(msg, v4, a->ip);
	return nla_put_in6_addr(msg, v4 + 1, &a->in6);
}

static int nf_srtp_put_match(struct sk_buff *msg,
			     const struct nf_srtp_stream *s)
{
	const struct nf_srtp_tuple *rtp = &s->node[s->cur][NF_SRTP_NODE_RTP].key;
	const struct nf_srtp_tuple *rtcp = &s->node[s->cur][NF_SRTP_NODE_RTCP].key;

	/* (an open destination: the all-zero address, no port) */
	if (nf_srtp_put_addr(msg, NF_SRTP_A_STREAM_DST_IPV4, rtp, &rtp->daddr) ||
	    (rtp->dport &&
	     nla_put_u16(msg, NF_SRTP_A_STREAM_DST_PORT, ntohs(rtp->dport))))
		return -EMSGSIZE;
	if (!ipv6_addr_any(&rtp->saddr.in6) &&
	    nf_srtp_put_addr(msg, NF_SRTP_A_STREAM_SRC_IPV4, rtp, &rtp->saddr))
		return -EMSGSIZE;
	if (rtp->sport &&
	    nla_put_u16(msg, NF_SRTP_A_STREAM_SRC_PORT, ntohs(rtp->sport)))
		return -EMSGSIZE;
	if (s->mux[s->cur])
		return 0;
	if (rtcp->dport &&
	    nla_put_u16(msg, NF_SRTP_A_STREAM_RTCP_DST_PORT, ntohs(rtcp->dport)))
		return -EMSGSIZE;
	if (rtcp->sport &&
	    nla_put_u16(msg, NF_SRTP_A_STREAM_RTCP_SRC_PORT, ntohs(rtcp->sport)))
		return -EMSGSIZE;
	return 0;
}

/* Public facts of the live keys: never the master key or salt. */
static int nf_srtp_put_keys(struct sk_buff *msg, struct nf_srtp_stream *s)
{
	struct srtp_key_info info;
	struct nlattr *keys, *k;
	unsigned int i, n;
	u32 first;
	int err;

	keys = nla_nest_start(msg, NF_SRTP_A_STREAM_KEYS);
	if (!keys)
		return -EMSGSIZE;
	spin_lock_bh(&s->lock);
	first = srtp_ctx_first_key(s->ctx);
	n = srtp_ctx_key_count(s->ctx);
	spin_unlock_bh(&s->lock);
	/* Only netlink, under the namespace's mutex, adds or reaps keys. */
	for (i = 0; i < n; i++) {
		spin_lock_bh(&s->lock);
		err = srtp_ctx_key_info(s->ctx, first + i, &info);
		spin_unlock_bh(&s->lock);
		if (WARN_ON_ONCE(err))
			return -EMSGSIZE;
		k = nla_nest_start(msg, NF_SRTP_A_KEY);
		if (!k || nla_put_u32(msg, NF_SRTP_A_KEY_INDEX, first + i) ||
		    nla_put_u64_64bit(msg, NF_SRTP_A_KEY_PACKETS, info.used,
				      NF_SRTP_A_KEY_PAD))
			return -EMSGSIZE;
		/* The default, 2^48, goes without saying. */
		if (info.lifetime < SRTP_CORE_LIFETIME_MAX &&
		    nla_put_u64_64bit(msg, NF_SRTP_A_KEY_LIFETIME,
				      info.lifetime, NF_SRTP_A_KEY_PAD))
			return -EMSGSIZE;
		if (info.active && nla_put_flag(msg, NF_SRTP_A_KEY_ACTIVE))
			return -EMSGSIZE;
		if (info.mki_len &&
		    nla_put(msg, NF_SRTP_A_KEY_MKI, info.mki_len, info.mki))
			return -EMSGSIZE;
		nla_nest_end(msg, k);
	}
	nla_nest_end(msg, keys);
	return 0;
}

/* One peer of a latching stream, if it has one yet. */
static int nf_srtp_put_peer(struct sk_buff *msg, int type,
			    const struct nf_srtp_peer *peer)
{
	struct nlattr *nest;

	if (!peer->port)
		return 0;
	nest = nla_nest_start(msg, type);
	if (!nest)
		return -EMSGSIZE;
	if (peer->family == NFPROTO_IPV4 ?
	    nla_put_in_addr(msg, NF_SRTP_A_PEER_IPV4, peer->addr.ip) :
	    nla_put_in6_addr(msg, NF_SRTP_A_PEER_IPV6, &peer->addr.in6))
		return -EMSGSIZE;
	if (nla_put_u16(msg, NF_SRTP_A_PEER_PORT, ntohs(peer->port)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int nf_srtp_put_peers(struct sk_buff *msg,
			     const struct nf_srtp_peer *peer)
{
	if (nf_srtp_put_peer(msg, NF_SRTP_A_STREAM_PEER, &peer[0]) ||
	    nf_srtp_put_peer(msg, NF_SRTP_A_STREAM_RTCP_PEER, &peer[1]))
		return -EMSGSIZE;
	return 0;
}

/* The peers of @s, as the datapath sets them. */
static int nf_srtp_put_stream_peers(struct sk_buff *msg,
				    struct nf_srtp_stream *s)
{
	struct nf_srtp_peer peer[2];

	spin_lock_bh(&s->lock);
	memcpy(peer, s->peer, sizeof(peer));
	spin_unlock_bh(&s->lock);
	return nf_srtp_put_peers(msg, peer);
}

/* The SSRC the stream is pinned to, if it is. */
static int nf_srtp_put_pin(struct sk_buff *msg, struct nf_srtp_stream *s)
{
	bool pinned;
	u32 ssrc;

	spin_lock_bh(&s->lock);
	pinned = srtp_ctx_pin(s->ctx, &ssrc);
	spin_unlock_bh(&s->lock);
	if (pinned && nla_put_u32(msg, NF_SRTP_A_STREAM_PIN_SSRC, ssrc))
		return -EMSGSIZE;
	return 0;
}

struct nf_srtp_counters {
	u64 packets;
	u64 bytes;
	u64 stun;
	u64 rtcp_packets;
	u64 rtcp_bytes;
	u64 rtcp_drops;
	u64 latches;
	u64 drops[__NF_SRTP_DROP_MAX];
};

static int nf_srtp_put_counters(struct sk_buff *msg,
				struct nf_srtp_stream *s)
{
	struct nf_srtp_counters c;
	struct nlattr *cnt;
	unsigned int start;
	int i;

	/* Without the stream's lock: the datapath does not wait for dumps. */
	do {
		start = u64_stats_fetch_begin(&s->syncp);
		c.packets = u64_stats_read(&s->packets);
		c.bytes = u64_stats_read(&s->bytes);
		c.stun = u64_stats_read(&s->stun);
		c.rtcp_packets = u64_stats_read(&s->rtcp_packets);
		c.rtcp_bytes = u64_stats_read(&s->rtcp_bytes);
		c.rtcp_drops = u64_stats_read(&s->rtcp_drops);
		c.latches = u64_stats_read(&s->latches);
		for (i = 0; i < __NF_SRTP_DROP_MAX; i++)
			c.drops[i] = u64_stats_read(&s->drops[i]);
	} while (u64_stats_fetch_retry(&s->syncp, start));

	cnt = nla_nest_start(msg, NF_SRTP_A_STREAM_COUNTERS);
	if (!cnt ||
	    nla_put_u64_64bit(msg, NF_SRTP_A_CNT_PACKETS, c.packets,
			      NF_SRTP_A_CNT_PAD) ||
	    nla_put_u64_64bit(msg, NF_SRTP_A_CNT_BYTES, c.bytes,
			      NF_SRTP_A_CNT_PAD) ||
	    nla_put_u64_64bit(msg, NF_SRTP_A_CNT_STUN, c.stun,
			      NF_SRTP_A_CNT_PAD) ||
	    nla_put_u64_64bit(msg, NF_SRTP_A_CNT_RTCP_PACKETS, c.rtcp_packets,
			      NF_SRTP_A_CNT_PAD) ||
	    nla_put_u64_64bit(msg, NF_SRTP_A_CNT_RTCP_BYTES, c.rtcp_bytes,
			      NF_SRTP_A_CNT_PAD) ||
	    nla_put_u64_64bit(msg, NF_SRTP_A_CNT_RTCP_DROPS, c.rtcp_drops,
			      NF_SRTP_A_CNT_PAD) ||
	    nla_put_u64_64bit(msg, NF_SRTP_A_CNT_LATCHES, c.latches,
			      NF_SRTP_A_CNT_PAD))
		return -EMSGSIZE;
	if (nf_srtp_put_drops(msg, NF_SRTP_A_CNT_DROPS, c.drops))
		return -EMSGSIZE;
	nla_nest_end(msg, cnt);
	return 0;
}

/* One stream; @cb is the dump's (which sets cb->seq), NULL for a GET. */
static int nf_srtp_fill_stream(struct sk_buff *msg, u32 portid, u32 seq,
			       int flags, struct nf_srtp_stream *s,
			       struct netlink_callback *cb)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &nf_srtp_genl_family, flags,
			  NF_SRTP_CMD_STREAM_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	nest = nla_nest_start(msg, NF_SRTP_A_STREAM);
	if (!nest ||
	    nla_put_u32(msg, NF_SRTP_A_STREAM_ID, s->id) ||
	    nla_put_u8(msg, NF_SRTP_A_STREAM_OP, s->op) ||
	    nla_put_u32(msg, NF_SRTP_A_STREAM_SUITE, s->suite) ||
	    nla_put_u32(msg, NF_SRTP_A_STREAM_FLAGS, s->flags) ||
	    nla_put_u32(msg, NF_SRTP_A_STREAM_WINDOW, s->window) ||
	    nf_srtp_put_match(msg, s) || nf_srtp_put_pin(msg, s) ||
	    nf_srtp_put_stream_peers(msg, s) ||
	    nf_srtp_put_keys(msg, s) ||
	    nf_srtp_put_counters(msg, s)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return 0;
}

static int nf_srtp_stream_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(genl_info_net(info));
	struct nf_srtp_stream *s;
	struct sk_buff *msg;
	u32 id;
	int err;

	err = nf_srtp_get_id(info, &id);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&nsn->lock);
	s = xa_load(&nsn->streams, id);
	if (s)
		err = nf_srtp_fill_stream(msg, info->snd_portid, info->snd_seq,
					  0, s, NULL);
	else
		err = -ENOENT;
	mutex_unlock(&nsn->lock);
	if (err) {
		if (err == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "no stream with this id");
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * cb->args[0]: the id to continue from.  cb->seq: the generation of the
 * streams when this part was filled; the core compares it with the last
 * part's and flags the messages NLM_F_DUMP_INTR if a change came between.
 */
static int nf_srtp_stream_dump(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(sock_net(skb->sk));
	unsigned long id = cb->args[0];
	struct nf_srtp_stream *s;
	int err = 0;

	mutex_lock(&nsn->lock);
	cb->seq = nsn->gen;
	xa_for_each_start(&nsn->streams, id, s, cb->args[0]) {
		err = nf_srtp_fill_stream(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI, s,
					  cb);
		if (err)
			break;
		cb->args[0] = id + 1;
	}
	mutex_unlock(&nsn->lock);
	/* A full buffer ends this part of the dump; the next one resumes. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ? err : skb->len;
}

/*
 * Frees the keys of @s older than its active key: protect never uses them
 * again and unprotect no longer tries them first (srtp_ctx_reap_key()).
 * nsn->lock held.
 */
static void nf_srtp_reap_keys(struct nf_srtp_stream *s)
{
	struct srtp_key *old[SRTP_CORE_KEYS_MAX];
	unsigned int n = 0;

	spin_lock_bh(&s->lock);
	while (n < ARRAY_SIZE(old) && (old[n] = srtp_ctx_reap_key(s->ctx)))
		n++;
	spin_unlock_bh(&s->lock);
	/* A packet may still be using one outside s->lock (hook.c). */
	nf_srtp_free_later(NULL, old, n);
}

/*
 * Appends the keys of a SET request to a live stream, after reaping the
 * retired ones: a stream holds SRTP_CORE_KEYS_MAX live keys at most, over
 * any number of re-keys.  nsn->lock held.
 */
static int nf_srtp_append_keys(struct nf_srtp_stream *s, struct nlattr *keys,
			       struct netlink_ext_ack *extack)
{
	enum srtp_suite suite = nf_srtp_suites[s->suite];
	struct srtp_key *new[SRTP_CORE_KEYS_MAX];
	struct srtp_key_info live;
	unsigned int n = 0, i, room;
	enum srtp_reason why;
	struct nlattr *k;
	int rem, err;

	nf_srtp_reap_keys(s);
	room = SRTP_CORE_KEYS_MAX - srtp_ctx_key_count(s->ctx);
	err = nf_srtp_count_keys(keys, SRTP_CORE_KEYS_MAX, extack);
	if (err < 0)
		return err;
	if (err > room) {
		NL_SET_ERR_MSG_ATTR(extack, keys,
				    "the stream holds 16 live keys: make a newer key active first");
		return -ENOSPC;
	}
	spin_lock_bh(&s->lock);
	err = nf_srtp_check_mkis(keys, s->ctx, &live, extack);
	spin_unlock_bh(&s->lock);
	if (err)
		return err;
	nla_for_each_nested(k, keys, rem) {
		new[n] = nf_srtp_new_key(suite, k, s->mki_len, extack);
		if (IS_ERR(new[n])) {
			err = PTR_ERR(new[n]);
			goto fail;
		}
		n++;
	}
	/*
	 * All or nothing: count, MKI length and uniqueness are checked, and
	 * only this mutex's holder adds keys; the datapath only moves the
	 * active key forward, which leaves the room as it is.
	 */
	spin_lock_bh(&s->lock);
	for (i = 0; i < n; i++) {
		if (WARN_ON_ONCE(srtp_ctx_add_key(s->ctx, new[i], &why) < 0))
			srtp_key_free(new[i]);
	}
	spin_unlock_bh(&s->lock);
	return 0;

fail:
	while (n--)
		srtp_key_free(new[n]);
	return err;
}

/*
 * New session parameters: a new crypto context from the request's keys
 * replaces the old one between two packets.  nsn->lock held.
 */
static int nf_srtp_replace_ctx(struct nf_srtp_stream *s, struct nlattr **tb,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *keys = tb[NF_SRTP_A_STREAM_KEYS];
	u32 flags = tb[NF_SRTP_A_STREAM_FLAGS] ?
		    nla_get_u32(tb[NF_SRTP_A_STREAM_FLAGS]) : s->flags;
	u32 window = tb[NF_SRTP_A_STREAM_WINDOW] ?
		     nla_get_u32(tb[NF_SRTP_A_STREAM_WINDOW]) : s->window;
	u32 suite = tb[NF_SRTP_A_STREAM_SUITE] ?
		    nla_get_u32(tb[NF_SRTP_A_STREAM_SUITE]) : s->suite;
	struct srtp_ctx *ctx, *old_ctx;
	int n;

	if (!keys) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_FLAGS] ?:
				    tb[NF_SRTP_A_STREAM_WINDOW] ?:
				    tb[NF_SRTP_A_STREAM_SUITE] ?:
				    tb[NF_SRTP_A_STREAM_NEW_SESSION],
				    "a new suite, new session parameters or a new session need new keys");
		return -EINVAL;
	}
	n = nf_srtp_count_keys(keys, SRTP_CORE_KEYS_MAX, extack);
	if (n < 0)
		return n;
	if ((flags & ~s->flags) & NF_SRTP_F_REASSEMBLE) {
		struct net *net = read_pnet(&s->net);

		n = nf_srtp_defrag_need(net, nf_srtp_pernet(net),
					s->node[s->cur][NF_SRTP_NODE_RTP].key.family);
		if (n) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_FLAGS],
					    "cannot turn on IP reassembly");
			return n;
		}
	}
	ctx = nf_srtp_new_ctx(s, suite, flags, window, keys,
			      tb[NF_SRTP_A_STREAM_KEYS], extack);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	spin_lock_bh(&s->lock);
	old_ctx = s->ctx;
	/*
	 * ROC, replay windows and SRTCP indices go on (srtp.h), unless
	 * the new keys start another session: another call's SSRCs must
	 * not pile up in the stream, nor its indices count as sent.
	 */
	if (!tb[NF_SRTP_A_STREAM_NEW_SESSION])
		srtp_ctx_inherit(ctx, old_ctx);
	s->ctx = ctx;
	/* the datapath reads the flags without the lock */
	WRITE_ONCE(s->flags, flags);
	s->window = window;
	spin_unlock_bh(&s->lock);
	/*
	 * The new suite's tag length for the headroom the hook reserves: a
	 * packet sized for the old one that meets the new context fails
	 * in the core (counted), as with a new MKI length.
	 */
	s->suite = suite;
	s->mki_len = nf_srtp_first_mki_len(keys);
	nf_srtp_set_grow(s);
	/* A packet may still be using it outside s->lock (hook.c). */
	nf_srtp_free_later(old_ctx, NULL, 0);
	return 0;
}

/*
 * Whether STREAM_SET asks for a new crypto context: a new session, a new
 * suite or window, or flags with keys or with anything but the datapath's
 * flags changed (the core knows neither multiplexing, which the match and
 * the datapath's choice of RTCP handle, nor latching).
 */
static bool nf_srtp_new_params(const struct nf_srtp_stream *s,
			       struct nlattr **tb)
{
	u32 flags;

	if (tb[NF_SRTP_A_STREAM_WINDOW] || tb[NF_SRTP_A_STREAM_SUITE] ||
	    tb[NF_SRTP_A_STREAM_NEW_SESSION])
		return true;
	if (!tb[NF_SRTP_A_STREAM_FLAGS])
		return false;
	flags = nla_get_u32(tb[NF_SRTP_A_STREAM_FLAGS]);
	return tb[NF_SRTP_A_STREAM_KEYS] ||
	       ((flags ^ s->flags) & ~NF_SRTP_F_DATAPATH);
}

/* Whether a STREAM_SET request carries a new match. */
static bool nf_srtp_has_match(struct nlattr **tb)
{
	static const int match[] = {
		NF_SRTP_A_STREAM_SRC_IPV4, NF_SRTP_A_STREAM_SRC_IPV6,
		NF_SRTP_A_STREAM_DST_IPV4, NF_SRTP_A_STREAM_DST_IPV6,
		NF_SRTP_A_STREAM_SRC_PORT,
		NF_SRTP_A_STREAM_DST_PORT, NF_SRTP_A_STREAM_RTCP_SRC_PORT,
		NF_SRTP_A_STREAM_RTCP_DST_PORT,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(match); i++)
		if (tb[match[i]])
			return true;
	return false;
}

static int nf_srtp_stream_set(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nf_srtp_net *nsn = nf_srtp_pernet(net);
	struct nlattr *nest = info->attrs[NF_SRTP_A_STREAM];
	struct nlattr *tb[NF_SRTP_A_STREAM_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct nf_srtp_stream *s;
	bool rematch, mux;
	u32 old_flags;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, NF_SRTP_A_STREAM))
		return -EINVAL;
	err = nla_parse_nested(tb, NF_SRTP_A_STREAM_MAX, nest,
			       nf_srtp_stream_policy, extack);
	if (err)
		goto out;
	err = -EINVAL;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, NF_SRTP_A_STREAM_ID))
		goto out;

	if (tb[NF_SRTP_A_STREAM_PIN_SSRC] && tb[NF_SRTP_A_STREAM_UNPIN]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_UNPIN],
				    "a pin or no pin: not both");
		goto out;
	}
	if (tb[NF_SRTP_A_STREAM_PEER] || tb[NF_SRTP_A_STREAM_RTCP_PEER]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_PEER] ?:
				    tb[NF_SRTP_A_STREAM_RTCP_PEER],
				    "a peer is given at STREAM_ADD, then learnt");
		goto out;
	}

	/* (the destination address and port are checked with the match) */
	rematch = nf_srtp_has_match(tb);

	mutex_lock(&nsn->lock);
	s = nf_srtp_stream_find(nsn, nla_get_u32(tb[NF_SRTP_A_STREAM_ID]));
	if (!s) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_ID],
				    "no stream with this id");
		err = -ENOENT;
		goto unlock;
	}
	old_flags = s->flags;
	if (tb[NF_SRTP_A_STREAM_FLAGS]) {
		err = nf_srtp_check_latch(s->op,
					  nla_get_u32(tb[NF_SRTP_A_STREAM_FLAGS]),
					  tb, extack);
		if (err)
			goto unlock;
	}
	mux = tb[NF_SRTP_A_STREAM_FLAGS] ?
	      nla_get_u32(tb[NF_SRTP_A_STREAM_FLAGS]) & NF_SRTP_F_RTCP_MUX :
	      old_flags & NF_SRTP_F_RTCP_MUX;
	/* Multiplexed or not, RTCP has another match: it comes with one. */
	if (mux != !!(old_flags & NF_SRTP_F_RTCP_MUX) && !rematch) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_FLAGS],
				    "a change of NF_SRTP_F_RTCP_MUX needs the stream's match");
		err = -EINVAL;
		goto unlock;
	}
	/* A new match is checked in full before anything changes. */
	err = 0;
	if (rematch) {
		err = nf_srtp_parse_match(s, nf_srtp_stream_spare(s), mux, tb,
					  nest, extack) ?:
		      nf_srtp_stream_rematch_check(net, s, extack);
		if (err)
			goto unlock;
	}
	if (nf_srtp_new_params(s, tb))
		err = nf_srtp_replace_ctx(s, tb, extack);
	else if (tb[NF_SRTP_A_STREAM_FLAGS])
		WRITE_ONCE(s->flags, (old_flags & ~NF_SRTP_F_DATAPATH) |
			   (nla_get_u32(tb[NF_SRTP_A_STREAM_FLAGS]) &
			    NF_SRTP_F_DATAPATH));
	else if (tb[NF_SRTP_A_STREAM_KEYS])
		err = nf_srtp_append_keys(s, tb[NF_SRTP_A_STREAM_KEYS], extack);
	/*
	 * Between the new flags and the new match a packet meets one mux
	 * mode's match and the other's choice of RTCP: a datagram taken
	 * for the other kind is dropped or transformed as that kind (the
	 * core refuses an index used before), never passed in clear.
	 */
	if (!err && rematch) {
		err = nf_srtp_stream_rematch(net, s, extack);
		/* the flags go on describing the match the stream kept */
		if (err)
			WRITE_ONCE(s->flags, (s->flags & ~NF_SRTP_F_RTCP_MUX) |
				   (old_flags & NF_SRTP_F_RTCP_MUX));
	}
	if (!err && tb[NF_SRTP_A_STREAM_ACTIVE_KEY]) {
		spin_lock_bh(&s->lock);
		err = srtp_ctx_set_active_key(s->ctx,
					      nla_get_u32(tb[NF_SRTP_A_STREAM_ACTIVE_KEY]));
		spin_unlock_bh(&s->lock);
		if (err)
			NL_SET_ERR_MSG_ATTR(extack, tb[NF_SRTP_A_STREAM_ACTIVE_KEY],
					    "the stream has no live key with this index");
		else
			nf_srtp_reap_keys(s);
	}
	/*
	 * The pin last, once nothing else can fail, under the lock the
	 * datapath holds around the core: a packet meets the old pin or
	 * the new one.
	 */
	if (!err && (tb[NF_SRTP_A_STREAM_PIN_SSRC] ||
		     tb[NF_SRTP_A_STREAM_UNPIN])) {
		struct nlattr *pin = tb[NF_SRTP_A_STREAM_PIN_SSRC];

		spin_lock_bh(&s->lock);
		srtp_ctx_set_pin(s->ctx, !!pin, pin ? nla_get_u32(pin) : 0);
		spin_unlock_bh(&s->lock);
	}
	/* (a failed request may have changed something: keys before match) */
	nf_srtp_changed(nsn);
unlock:
	mutex_unlock(&nsn->lock);
out:
	nf_srtp_wipe_request(info);
	return err;
}

/*
 * An event message for the namespace's listeners, with @event and the
 * NF_SRTP_A_STREAM nest holding @id opened in *@nest; NULL when nobody
 * listens or there is no memory (the event is lost for listeners).
 */
static struct sk_buff *nf_srtp_event_msg(struct net *net, u8 event, u32 id,
					 void **hdr, struct nlattr **nest)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&nf_srtp_genl_family, net,
				NF_SRTP_MCGRP_EVENTS_ID))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &nf_srtp_genl_family, 0,
			   NF_SRTP_CMD_EVENT);
	if (!*hdr || nla_put_u8(msg, NF_SRTP_A_EVENT, event))
		goto nospace;
	*nest = nla_nest_start(msg, NF_SRTP_A_STREAM);
	if (!*nest || nla_put_u32(msg, NF_SRTP_A_STREAM_ID, id))
		goto nospace;
	return msg;

nospace:
	nlmsg_free(msg);
	return NULL;
}

/* Closes @msg of nf_srtp_event_msg() and sends it to the listeners. */
static void nf_srtp_event_send(struct net *net, struct sk_buff *msg,
			       void *hdr, struct nlattr *nest)
{
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&nf_srtp_genl_family, net, msg, 0,
				NF_SRTP_MCGRP_EVENTS_ID, GFP_KERNEL);
}

/*
 * Tells the namespace's listeners about an event of stream @id: @key (if
 * not NULL) by index and MKI, or @ssrc for NF_SRTP_EVENT_NEW_SSRC.
 * Process context; a failure only loses the event for listeners.
 */
void nf_srtp_notify(struct net *net, u8 event, u32 id,
		    const struct nf_srtp_event_key *key, u32 ssrc)
{
	struct nlattr *nest, *keys, *k;
	struct sk_buff *msg;
	void *hdr;

	msg = nf_srtp_event_msg(net, event, id, &hdr, &nest);
	if (!msg)
		return;
	if (event == NF_SRTP_EVENT_NEW_SSRC &&
	    nla_put_u32(msg, NF_SRTP_A_STREAM_SSRC, ssrc))
		goto nospace;
	if (key) {
		keys = nla_nest_start(msg, NF_SRTP_A_STREAM_KEYS);
		k = keys ? nla_nest_start(msg, NF_SRTP_A_KEY) : NULL;
		if (!k || nla_put_u32(msg, NF_SRTP_A_KEY_INDEX, key->index))
			goto nospace;
		if (key->mki_len &&
		    nla_put(msg, NF_SRTP_A_KEY_MKI, key->mki_len, key->mki))
			goto nospace;
		nla_nest_end(msg, k);
		nla_nest_end(msg, keys);
	}
	nf_srtp_event_send(net, msg, hdr, nest);
	return;

nospace:
	nlmsg_free(msg);
}

/*
 * Tells the namespace's listeners that latching stream @id has a new peer
 * (NF_SRTP_EVENT_LATCH): its peers for RTP and RTCP as they are now.
 * Process context; a failure only loses the event for listeners.
 */
void nf_srtp_notify_latch(struct net *net, u32 id,
			  const struct nf_srtp_peer *peer)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	msg = nf_srtp_event_msg(net, NF_SRTP_EVENT_LATCH, id, &hdr, &nest);
	if (!msg)
		return;
	if (nf_srtp_put_peers(msg, peer)) {
		nlmsg_free(msg);
		return;
	}
	nf_srtp_event_send(net, msg, hdr, nest);
}

static const struct genl_small_ops nf_srtp_genl_ops[] = {
	{
		.cmd = NF_SRTP_CMD_GET_STATS,
		.doit = nf_srtp_get_stats,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NF_SRTP_CMD_STREAM_ADD,
		.doit = nf_srtp_stream_add,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NF_SRTP_CMD_STREAM_DEL,
		.doit = nf_srtp_stream_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NF_SRTP_CMD_STREAM_GET,
		.doit = nf_srtp_stream_get,
		.dumpit = nf_srtp_stream_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NF_SRTP_CMD_STREAM_FLUSH,
		.doit = nf_srtp_stream_flush_cmd,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = NF_SRTP_CMD_STREAM_SET,
		.doit = nf_srtp_stream_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family nf_srtp_genl_family __ro_after_init = {
	.name = NF_SRTP_GENL_NAME,
	.version = NF_SRTP_GENL_VERSION,
	.maxattr = NF_SRTP_A_MAX,
	.policy = nf_srtp_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = nf_srtp_genl_ops,
	.n_small_ops = ARRAY_SIZE(nf_srtp_genl_ops),
	.mcgrps = nf_srtp_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nf_srtp_mcgrps),
	/*
	 * A new family has no legacy users: every command gets the core's
	 * checks of the genetlink header (reserved field zero, no stray
	 * nlmsg_flags).
	 */
	.resv_start_op = 0,
};

int __init nf_srtp_genl_init(void)
{
	return genl_register_family(&nf_srtp_genl_family);
}

void nf_srtp_genl_exit(void)
{
	genl_unregister_family(&nf_srtp_genl_family);
}
