// SPDX-License-Identifier: GPL-2.0
/*
 * nfsrtp_canary: plants one fault of the kind make check-debug must catch,
 * so that the harness (the debug kernel's checkers, scripts/vm's reading
 * of the kernel log and of kmemleak's scan) is shown to fail a test, not
 * assumed to.  tests/debug/canaries.sh loads it once per fault in a guest
 * of the debug kernel and expects that run to fail with the checker's
 * report; "none" must pass.  Never loaded outside that test.
 *
 *   insmod nfsrtp_canary.ko fault=NAME
 *
 * NAME: none, leak (kmemleak), use-after-free (KASAN), sleep-in-atomic
 * (DEBUG_ATOMIC_SLEEP), lock-inversion (lockdep), rcu (PROVE_RCU),
 * shift (UBSAN).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *fault = "none";
module_param(fault, charp, 0444);
MODULE_PARM_DESC(fault, "the fault to plant at load time");

/* a run-time value the compiler cannot fold: 40 unless changed */
static unsigned int shift = 40;
module_param(shift, uint, 0444);
MODULE_PARM_DESC(shift, "the shift count of fault=shift");

struct canary_obj {
	int value;
	struct rcu_head rcu;
};

static struct canary_obj __rcu *canary_ptr;
static DEFINE_SPINLOCK(canary_a);
static DEFINE_SPINLOCK(canary_b);

static int canary_leak(void)
{
	/* forgotten on purpose: the only reference dies with the frame */
	void *p = kmalloc(128, GFP_KERNEL);

	return p ? 0 : -ENOMEM;
}

static int canary_use_after_free(void)
{
	struct canary_obj *obj = kmalloc(sizeof(*obj), GFP_KERNEL);

	if (!obj)
		return -ENOMEM;
	obj->value = 1;
	kfree(obj);
	pr_info("nfsrtp_canary: read after free: %d\n", READ_ONCE(obj->value));
	return 0;
}

static int canary_sleep_in_atomic(void)
{
	void *p;

	spin_lock(&canary_a);
	p = kmalloc(64, GFP_KERNEL);	/* may sleep: not under a spinlock */
	spin_unlock(&canary_a);
	kfree(p);
	return 0;
}

static int canary_lock_inversion(void)
{
	spin_lock(&canary_a);
	spin_lock(&canary_b);
	spin_unlock(&canary_b);
	spin_unlock(&canary_a);

	spin_lock(&canary_b);
	spin_lock(&canary_a);
	spin_unlock(&canary_a);
	spin_unlock(&canary_b);
	return 0;
}

static int canary_rcu(void)
{
	struct canary_obj *obj = kzalloc(sizeof(*obj), GFP_KERNEL);

	if (!obj)
		return -ENOMEM;
	rcu_assign_pointer(canary_ptr, obj);
	/* outside rcu_read_lock() */
	pr_info("nfsrtp_canary: %d\n", rcu_dereference(canary_ptr)->value);
	RCU_INIT_POINTER(canary_ptr, NULL);
	kfree_rcu(obj, rcu);
	return 0;
}

static int canary_shift(void)
{
	pr_info("nfsrtp_canary: 1 << %u = %u\n", shift, 1U << shift);
	return 0;
}

static const struct {
	const char *name;
	int (*plant)(void);
} canary_faults[] = {
	{ "leak", canary_leak },
	{ "use-after-free", canary_use_after_free },
	{ "sleep-in-atomic", canary_sleep_in_atomic },
	{ "lock-inversion", canary_lock_inversion },
	{ "rcu", canary_rcu },
	{ "shift", canary_shift },
};

static int __init canary_init(void)
{
	size_t i;

	if (!strcmp(fault, "none"))
		return 0;
	for (i = 0; i < ARRAY_SIZE(canary_faults); i++)
		if (!strcmp(fault, canary_faults[i].name)) {
			pr_info("nfsrtp_canary: planting %s\n", fault);
			return canary_faults[i].plant();
		}
	pr_err("nfsrtp_canary: unknown fault \"%s\"\n", fault);
	return -EINVAL;
}

static void __exit canary_exit(void)
{
}

module_init(canary_init);
module_exit(canary_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nf-srtp test: faults the debug kernel must report");
