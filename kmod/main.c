// SPDX-License-Identifier: GPL-2.0
/*
 * nf_srtp: module init and exit, per network namespace state.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/nf_srtp.h>

#include "crypto.h"
#include "nf_srtp.h"
#include "selftest.h"

unsigned int nf_srtp_net_id __read_mostly;

static int __net_init nf_srtp_net_init(struct net *net)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(net);

	atomic_set(&nsn->nr_streams, 0);
	return 0;
}

static void __net_exit nf_srtp_net_exit(struct net *net)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(net);

	WARN_ON_ONCE(atomic_read(&nsn->nr_streams));
}

static struct pernet_operations nf_srtp_net_ops = {
	.init = nf_srtp_net_init,
	.exit = nf_srtp_net_exit,
	.id = &nf_srtp_net_id,
	.size = sizeof(struct nf_srtp_net),
};

static int __init nf_srtp_init(void)
{
	int err;

	err = nf_srtp_crypto_init();
	if (err) {
		pr_err("nf_srtp: crypto setup failed: %d\n", err);
		return err;
	}
	/* The failing vector is named by nf_srtp_selftest() itself. */
	err = nf_srtp_selftest();
	if (err)
		goto err_crypto;

	err = register_pernet_subsys(&nf_srtp_net_ops);
	if (err)
		goto err_crypto;

	err = nf_srtp_genl_init();
	if (err)
		goto err_pernet;

	pr_info("nf_srtp: SRTP/SRTCP datapath, netlink API version %d\n",
		NF_SRTP_GENL_VERSION);
	return 0;

err_pernet:
	unregister_pernet_subsys(&nf_srtp_net_ops);
err_crypto:
	nf_srtp_crypto_exit();
	return err;
}

static void __exit nf_srtp_exit(void)
{
	nf_srtp_genl_exit();
	unregister_pernet_subsys(&nf_srtp_net_ops);
	nf_srtp_crypto_exit();
}

module_init(nf_srtp_init);
module_exit(nf_srtp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SRTP/SRTCP (RFC 3711) in place on UDP media flows");
MODULE_AUTHOR("The nf-srtp developers");
MODULE_ALIAS_GENL_FAMILY(NF_SRTP_GENL_NAME);
