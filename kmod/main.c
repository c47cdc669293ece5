// SPDX-License-Identifier: GPL-2.0
/*
 * nf_srtp: module init and exit, per network namespace state.
 */

#include <linux/debugfs.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/nf_srtp.h>

#include "crypto.h"
#include "nf_srtp.h"
#include "selftest.h"

unsigned int nf_srtp_net_id __read_mostly;
struct workqueue_struct *nf_srtp_wq;
static struct dentry *nf_srtp_debugfs;

static int __net_init nf_srtp_net_init(struct net *net)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(net);

	/* The hooks come with the namespace's streams (table.c). */
	return nf_srtp_table_init(nsn);
}

/*
 * Unregistering a hook does not wait for the packets inside it; the core
 * runs synchronize_rcu() between .pre_exit and .exit (namespace exit and
 * module unload alike), so by .exit no packet is left in our hooks and
 * the tables can go.
 */
static void __net_exit nf_srtp_net_pre_exit(struct net *net)
{
	nf_srtp_hooks_unregister(net, nf_srtp_pernet(net));
}

static void __net_exit nf_srtp_net_exit(struct net *net)
{
	struct nf_srtp_net *nsn = nf_srtp_pernet(net);

	nf_srtp_stream_flush(net, false);
	nf_srtp_defrag_release(net, nsn);
	nf_srtp_table_destroy(nsn);
}

static struct pernet_operations nf_srtp_net_ops = {
	.init = nf_srtp_net_init,
	.pre_exit = nf_srtp_net_pre_exit,
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

	nf_srtp_wq = alloc_workqueue("nf_srtp", 0, 0);
	if (!nf_srtp_wq) {
		err = -ENOMEM;
		goto err_crypto;
	}

	err = register_pernet_subsys(&nf_srtp_net_ops);
	if (err)
		goto err_wq;

	err = nf_srtp_genl_init();
	if (err)
		goto err_pernet;

	/* Root-only view of live objects, for leak checks in the tests. */
	nf_srtp_debugfs = debugfs_create_dir("nf_srtp", NULL);
	debugfs_create_atomic_t("streams", 0400, nf_srtp_debugfs,
				&nf_srtp_live_streams);

	pr_info("nf_srtp: SRTP/SRTCP datapath, netlink API version %d\n",
		NF_SRTP_GENL_VERSION);
	return 0;

err_pernet:
	unregister_pernet_subsys(&nf_srtp_net_ops);
err_wq:
	rcu_barrier();
	destroy_workqueue(nf_srtp_wq);
err_crypto:
	nf_srtp_crypto_exit();
	return err;
}

static void __exit nf_srtp_exit(void)
{
	debugfs_remove_recursive(nf_srtp_debugfs);
	nf_srtp_genl_exit();
	unregister_pernet_subsys(&nf_srtp_net_ops);
	/* Streams freed by the namespaces' exit wait for a grace period. */
	rcu_barrier();
	destroy_workqueue(nf_srtp_wq);
	nf_srtp_crypto_exit();
}

module_init(nf_srtp_init);
module_exit(nf_srtp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SRTP/SRTCP (RFC 3711) in place on UDP media flows");
MODULE_AUTHOR("The nf-srtp developers");
MODULE_ALIAS_GENL_FAMILY(NF_SRTP_GENL_NAME);
/*
 * The crypto templates nf_srtp_crypto_init() instantiates.  Without them
 * loaded, the crypto API runs modprobe from inside our init and gives up
 * after 60 s (-ETIMEDOUT), which a slow root file system can reach.
 */
MODULE_SOFTDEP("pre: ctr gcm ghash_generic");
