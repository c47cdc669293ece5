// SPDX-License-Identifier: GPL-2.0
/*
 * nf_srtp: the generic netlink family.  include/uapi/linux/nf_srtp.h is its
 * specification.
 */

#include <net/genetlink.h>
#include <uapi/linux/nf_srtp.h>

#include "nf_srtp.h"

static const struct nla_policy nf_srtp_policy[NF_SRTP_A_MAX + 1] = {
	[NF_SRTP_A_VERSION] = { .type = NLA_REJECT },
	[NF_SRTP_A_STATS] = { .type = NLA_REJECT },
};

static struct genl_family nf_srtp_genl_family;

static int nf_srtp_fill_stats(struct sk_buff *skb, struct net *net)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(net);
	struct nlattr *stats;

	if (nla_put_u32(skb, NF_SRTP_A_VERSION, NF_SRTP_GENL_VERSION))
		return -EMSGSIZE;

	stats = nla_nest_start(skb, NF_SRTP_A_STATS);
	if (!stats)
		return -EMSGSIZE;
	if (nla_put_u32(skb, NF_SRTP_A_STATS_STREAMS,
			atomic_read(&nsn->nr_streams))) {
		nla_nest_cancel(skb, stats);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, stats);
	return 0;
}

static int nf_srtp_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

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

static const struct genl_small_ops nf_srtp_genl_ops[] = {
	{
		.cmd = NF_SRTP_CMD_GET_STATS,
		.doit = nf_srtp_get_stats,
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
	.resv_start_op = NF_SRTP_CMD_GET_STATS + 1,
};

int __init nf_srtp_genl_init(void)
{
	return genl_register_family(&nf_srtp_genl_family);
}

void nf_srtp_genl_exit(void)
{
	genl_unregister_family(&nf_srtp_genl_family);
}
