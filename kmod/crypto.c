// SPDX-License-Identifier: GPL-2.0
/*
 * crypto.c - srtp_crypto.h on the kernel crypto API.
 *
 * The per-packet functions run in softirq, or with bottom halves
 * disabled, outside the caller's per-context lock (the core's
 * srtp_crypt()): they must neither sleep nor allocate, and a netfilter
 * hook cannot wait for an asynchronous request.  Several CPUs may call
 * them on one key object at once: each AES-CTR and AES-GCM object has a
 * spinlock around its preallocated requests and the buffers they read
 * (HMAC keeps its state on the stack), and only one stream's SRTP, or
 * its SRTCP, of one direction ever shares an object.  Only public algorithms are
 * used (issue 12, point 9): no CRYPTO_ALG_INTERNAL, no crypto/internal/.
 *
 * Driver choice.  On x86 the fast AES-NI skcipher and AEAD algorithms
 * are registered as an internal synchronous algorithm that uses the FPU
 * unconditionally and a public asynchronous simd wrapper around it
 * ("ctr-aes-aesni", "generic-gcm-aesni[-avx]"), which runs its child
 * inline when crypto_simd_usable() (and its cryptd queue is empty) and
 * otherwise hands the request to cryptd.  A synchronous "ctr(aes)" is the
 * generic ctr template over the one-block "aes-aesni" cipher (one FPU
 * section per 16 bytes), and a synchronous "gcm(aes)" is the generic gcm
 * template with the table-driven "ghash-generic".  Each key object
 * therefore holds two transforms: the public "ctr(aes)"/"gcm(aes)" that
 * may be asynchronous (the "public" path), called only when
 * may_use_simd() (what the wrapper's crypto_simd_usable(), in
 * crypto/internal/simd.h, tests outside the crypto manager's extra
 * tests) and when the caller has handed us the packet's owner (below),
 * and the synchronous generic one for everything else
 * (softirq that interrupted a kernel FPU section; the self-test in
 * process context).  Both are checked by the self-test.  Where the public
 * algorithm is the synchronous one (another arch, aesni-intel not
 * loaded) only that one is used.
 *
 * Driver names observed (Debian amd64 kernels under QEMU TCG -cpu max,
 * after loading aesni_intel, ghash_clmulni_intel and sha1_ssse3 as udev
 * does on a real host), public / generic:
 *   6.1:  aes-ctr ctr-aes-aesni / ctr(aes-aesni), sha1 sha1-avx2,
 *         gcm generic-gcm-aesni / gcm_base(ctr(aes-aesni),ghash-generic)
 *   6.12: aes-ctr ctr-aes-aesni / ctr(aes-aesni), sha1 sha1-avx2,
 *         gcm generic-gcm-aesni-avx / gcm_base(ctr(aes-aesni),ghash-generic)
 * Without those modules: ctr(aes-generic), sha1-generic and
 * gcm_base(ctr(aes-generic),ghash-generic) only.  The asynchronous
 * "ghash-clmulni" cannot back a synchronous gcm, hence ghash-generic.
 *
 * The drivers are resolved once at module load and pinned there; key
 * objects allocate their transforms by driver name, so the self-test has
 * exercised exactly the drivers the datapath uses.
 *
 * Cost (Documentation/performance.md, "Crypto API layering"): the simd
 * wrapper adds 77 to 134 instructions per packet to calling its internal
 * child directly, with the same FPU sections; the public synchronous
 * algorithms alone would cost 13 FPU sections per AES-CM packet instead
 * of 4 and 11 per GCM packet instead of 3 (6.1) or 1 (6.12), and the
 * lib/crypto interfaces have no AES-NI (and 6.1 no AES-GCM).
 *
 * -EINPROGRESS.  An asynchronous transform may answer any request with
 * -EINPROGRESS (the wrapper does when its cryptd queue is not empty; an
 * accelerator that outranks it may always).  The request then still
 * uses the packet and the key object's preallocated request, so:
 *  - the public path runs only with an owner: the hook puts the skb in a
 *    per-CPU slot (nf_srtp_crypto_set_owner(), BHs off) before it calls
 *    the core, and the request takes it along.  On -EINPROGRESS the core
 *    returns at once without touching the packet (SRTP_R_ASYNC), the
 *    hook counts an "async" drop and returns NF_STOLEN, and the
 *    completion frees the skb, and nothing else;
 *  - what the request reads besides the packet is in the key object:
 *    the IV, a bounced CTR block, the GCM tag and an AAD of up to
 *    SRTP_CRYPTO_AAD_COPY bytes are copied there (an async-only copy, not
 *    shared with the generic path);
 *  - the key object never uses its public transform again (one packet
 *    lost per key rather than all of them, and the request is never
 *    reused): the generic one from then on, with a warning, once;
 *  - freeing a key object whose request is in flight leaves the free to
 *    the completion (srtp_async.state), which defers it to a workqueue;
 *    module exit waits for every completion and deferred free
 *    (nf_srtp_crypto_drain()).
 * No request sets CRYPTO_TFM_REQ_MAY_BACKLOG: -EBUSY (or -ENOSPC) means
 * not queued, a plain error.
 *
 * Whatever the driver, nothing relies on the content of a buffer after
 * a failed decrypt: the core keeps a copy when it needs one
 * (srtp_scratch() below).
 */

#define pr_fmt(fmt) "nf_srtp: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <asm/simd.h>
#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/hash.h>
#include <crypto/sha1.h>
#include <crypto/skcipher.h>

#include "crypto.h"
#include "srtp_crypto.h"

#define GCM_IV_SIZE	12
#define GCM_TAG_SIZE	16

/* The shared transforms: they pin the drivers the key objects use. */
static struct {
	struct crypto_shash *sha1;
	struct crypto_skcipher *ctr_public;	/* NULL if = generic */
	struct crypto_sync_skcipher *ctr_generic;
	struct crypto_aead *gcm_public;		/* NULL if = generic */
	struct crypto_aead *gcm_generic;
	bool generic_only;			/* self-test hooks */
	bool public_always;
	bool public_ownerless;
	bool ctr_warned;			/* the -EINPROGRESS warning */
	bool gcm_warned;
} nf_srtp_crypto;

/* ---------------------------------------------------- asynchronous requests */

/*
 * The packet's owner for the public path: set by the hook around one
 * per-packet call, with bottom halves disabled (same CPU throughout).
 */
static DEFINE_PER_CPU(struct sk_buff *, nf_srtp_owner);

/* Requests in flight and deferred frees; module exit waits for zero. */
static atomic_t nf_srtp_async_pending = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(nf_srtp_async_wq);
static struct workqueue_struct *nf_srtp_free_wq;

enum {
	SRTP_ASYNC_IDLE,
	SRTP_ASYNC_INFLIGHT,
	SRTP_ASYNC_FREEING,
};

/* The asynchronous side of a key object. */
struct srtp_async {
	atomic_t state;
	bool dead;		/* saw -EINPROGRESS: public path never again */
	struct sk_buff *owner;	/* of the request in flight */
	const char *driver;	/* for the log */
	bool *warned;		/* once per driver and module load */
	void (*destroy)(struct srtp_async *a);
	struct work_struct free_work;
};

void nf_srtp_crypto_set_owner(struct sk_buff *skb)
{
	this_cpu_write(nf_srtp_owner, skb);
}

static void srtp_async_put(void)
{
	if (atomic_dec_return(&nf_srtp_async_pending) == 0)
		wake_up_all(&nf_srtp_async_wq);
}

static void srtp_async_free_work(struct work_struct *work)
{
	struct srtp_async *a = container_of(work, struct srtp_async,
					    free_work);

	a->destroy(a);
	srtp_async_put();
}

/*
 * The completion of a request that answered -EINPROGRESS.  Runs in the
 * driver's completion context (cryptd: a worker with BHs disabled): it
 * drops the packet, and finishes the key object's free if one came
 * meanwhile, from a workqueue since crypto_free_*() may sleep.
 */
static void srtp_async_complete(struct srtp_async *a, int err)
{
	struct sk_buff *skb = a->owner;

	/* Backlog notification: cannot happen without MAY_BACKLOG. */
	if (err == -EINPROGRESS)
		return;
	a->owner = NULL;
	kfree_skb(skb);
	if (atomic_cmpxchg(&a->state, SRTP_ASYNC_INFLIGHT,
			   SRTP_ASYNC_IDLE) == SRTP_ASYNC_FREEING) {
		/* The pending count now covers the deferred free. */
		queue_work(nf_srtp_free_wq, &a->free_work);
		return;
	}
	srtp_async_put();
}

/*
 * The completion callback's type changed in 6.3, from the request's
 * struct crypto_async_request to its data pointer: both forms are here,
 * and the kernel's crypto_completion_t picks one.
 */
static void srtp_async_done_data(void *data, int err)
{
	srtp_async_complete(data, err);
}

static void srtp_async_done_areq(struct crypto_async_request *areq, int err)
{
	srtp_async_complete(areq->data, err);
}

#define srtp_async_done							\
	__builtin_choose_expr(__builtin_types_compatible_p(crypto_completion_t, \
			typeof(srtp_async_done_data) *),		\
		srtp_async_done_data, srtp_async_done_areq)

static void srtp_async_init(struct srtp_async *a, const char *driver,
			    bool *warned, void (*destroy)(struct srtp_async *a))
{
	atomic_set(&a->state, SRTP_ASYNC_IDLE);
	a->driver = driver;
	a->warned = warned;
	a->destroy = destroy;
	INIT_WORK(&a->free_work, srtp_async_free_work);
}

/*
 * Whether a call on @a goes to its public transform @tfm; *@owner is then
 * the packet's owner the request takes along (NULL only for the
 * self-test's calls from process context, public_ownerless).
 */
static bool srtp_use_public(struct srtp_async *a, const void *tfm,
			    struct sk_buff **owner)
{
	if (!tfm || a->dead || READ_ONCE(nf_srtp_crypto.generic_only))
		return false;
	*owner = this_cpu_read(nf_srtp_owner);
	if (!*owner && !READ_ONCE(nf_srtp_crypto.public_ownerless))
		return false;
	return may_use_simd() || READ_ONCE(nf_srtp_crypto.public_always);
}

/* Before a call on the public transform. */
static void srtp_async_start(struct srtp_async *a, struct sk_buff *owner)
{
	a->owner = owner;
	atomic_set(&a->state, SRTP_ASYNC_INFLIGHT);
}

/*
 * After it: on -EINPROGRESS the request owns the packet (and the owner
 * slot is emptied), else the call is over.
 */
static int srtp_async_end(struct srtp_async *a, int err)
{
	if (err != -EINPROGRESS) {
		a->owner = NULL;
		atomic_set(&a->state, SRTP_ASYNC_IDLE);
		return err;
	}
	/*
	 * The completion may have run already and put its count: then this
	 * brings the count back to zero.
	 */
	if (atomic_inc_return(&nf_srtp_async_pending) == 0)
		wake_up_all(&nf_srtp_async_wq);
	this_cpu_write(nf_srtp_owner, NULL);
	a->dead = true;
	/*
	 * The self-test provokes this at every load (public_always): only
	 * a real packet's -EINPROGRESS is worth an operator's attention.
	 */
	if (!READ_ONCE(nf_srtp_crypto.public_always) && !xchg(a->warned, true))
		pr_warn("%s answered asynchronously: packet dropped, that key now uses the synchronous driver\n",
			a->driver);
	return err;
}

/* The key object's free: now, or by the completion if one is pending. */
static void srtp_async_release(struct srtp_async *a)
{
	if (atomic_xchg(&a->state, SRTP_ASYNC_FREEING) == SRTP_ASYNC_INFLIGHT)
		return;
	a->destroy(a);
}

/* ------------------------------------------------------------ object locks */

/*
 * A key object's lock.  The hook calls with bottom halves already off
 * (it keeps them off across the core's three steps), and takes a plain
 * spin_lock(): no second BH section per packet.  The self-test's calls
 * from process context take spin_lock_bh().  Either way the lock is only
 * ever held with BHs off, as lockdep checks.  Returns whether BHs were
 * disabled here, for srtp_obj_unlock().
 */
static bool srtp_obj_lock(spinlock_t *lock)
{
	if (in_softirq()) {
		spin_lock(lock);
		return false;
	}
	spin_lock_bh(lock);
	return true;
}

static void srtp_obj_unlock(spinlock_t *lock, bool bh)
{
	if (bh)
		spin_unlock_bh(lock);
	else
		spin_unlock(lock);
}

/* ---------------------------------------------------------------- AES-CTR */

struct srtp_aes {
	spinlock_t lock;		/* one packet at a time: all below */
	struct crypto_skcipher *pub;		/* NULL if none */
	struct skcipher_request *pub_req;
	struct crypto_sync_skcipher *generic;
	struct srtp_async async;
	struct scatterlist pub_sg;	/* of pub_req */
	u8 ctr[AES_BLOCK_SIZE];		/* counter of the next block */
	u8 iv[AES_BLOCK_SIZE];		/* copy handed to (and bumped by) a request */
	u8 bounce[AES_BLOCK_SIZE];	/* a block that straddles two pages */
	u8 pub_iv[AES_BLOCK_SIZE];	/* the same, for pub_req only */
	u8 pub_bounce[AES_BLOCK_SIZE];
};

static const char *sync_skcipher_driver(struct crypto_sync_skcipher *tfm)
{
	return crypto_tfm_alg_driver_name(crypto_skcipher_tfm(&tfm->base));
}

static void srtp_aes_destroy(struct srtp_async *a)
{
	struct srtp_aes *aes = container_of(a, struct srtp_aes, async);

	/* crypto_free_*() wipes the expanded key with the tfm context. */
	skcipher_request_free(aes->pub_req);
	crypto_free_skcipher(aes->pub);
	crypto_free_sync_skcipher(aes->generic);
	kfree_sensitive(aes);
}

void srtp_aes_free(struct srtp_aes *aes)
{
	if (!aes)
		return;
	srtp_async_release(&aes->async);
}

static int srtp_aes_new_public(struct srtp_aes *aes, const u8 *key,
			       unsigned int keylen)
{
	struct crypto_skcipher *tfm;
	int err;

	tfm = crypto_alloc_skcipher(crypto_skcipher_driver_name(nf_srtp_crypto.ctr_public),
				    0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	aes->pub = tfm;
	err = crypto_skcipher_setkey(tfm, key, keylen);
	if (err)
		return err;
	aes->pub_req = skcipher_request_alloc(tfm, GFP_KERNEL_ACCOUNT);
	if (!aes->pub_req)
		return -ENOMEM;
	/* No CRYPTO_TFM_REQ_MAY_BACKLOG: -EBUSY is an error. */
	skcipher_request_set_callback(aes->pub_req, 0, srtp_async_done,
				      &aes->async);
	return 0;
}

int srtp_aes_new(struct srtp_aes **out, const u8 *key, unsigned int keylen)
{
	struct crypto_sync_skcipher *tfm;
	struct srtp_aes *aes;
	int err;

	*out = NULL;
	if (!nf_srtp_crypto.ctr_generic)
		return -ENODEV;
	if (keylen != AES_KEYSIZE_128 && keylen != AES_KEYSIZE_192 &&
	    keylen != AES_KEYSIZE_256)
		return -EINVAL;
	aes = kzalloc(sizeof(*aes), GFP_KERNEL_ACCOUNT);
	if (!aes)
		return -ENOMEM;
	spin_lock_init(&aes->lock);
	srtp_async_init(&aes->async, nf_srtp_crypto_ctr_driver(false),
			&nf_srtp_crypto.ctr_warned, srtp_aes_destroy);

	tfm = crypto_alloc_sync_skcipher(sync_skcipher_driver(nf_srtp_crypto.ctr_generic),
					 0, 0);
	if (IS_ERR(tfm)) {
		err = PTR_ERR(tfm);
		goto fail;
	}
	aes->generic = tfm;
	err = crypto_sync_skcipher_setkey(tfm, key, keylen);
	if (!err && nf_srtp_crypto.ctr_public)
		err = srtp_aes_new_public(aes, key, keylen);
	if (err)
		goto fail;
	*out = aes;
	return 0;

fail:
	srtp_aes_destroy(&aes->async);
	return err;
}

/* ctr += blocks, as a 128-bit big-endian integer. */
static void ctr_add(u8 ctr[AES_BLOCK_SIZE], unsigned int blocks)
{
	unsigned int i = AES_BLOCK_SIZE;
	unsigned long sum = blocks;

	while (sum && i--) {
		sum += ctr[i];
		ctr[i] = sum & 0xff;
		sum >>= 8;
	}
}

/* XORs keystream from aes->ctr into @data; does not advance aes->ctr. */
static int srtp_ctr_generic(struct srtp_aes *aes, u8 *data, unsigned int len)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, aes->generic);
	struct scatterlist sg;
	int err;

	/* The request advances its IV: hand it a copy. */
	memcpy(aes->iv, aes->ctr, AES_BLOCK_SIZE);
	sg_init_one(&sg, data, len);
	skcipher_request_set_sync_tfm(req, aes->generic);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, aes->iv);
	err = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	return err;
}

/* The same on the public transform; may answer -EINPROGRESS. */
static int srtp_ctr_public(struct srtp_aes *aes, struct sk_buff *owner,
			   u8 *data, unsigned int len)
{
	struct skcipher_request *req = aes->pub_req;

	memcpy(aes->pub_iv, aes->ctr, AES_BLOCK_SIZE);
	sg_init_one(&aes->pub_sg, data, len);
	skcipher_request_set_crypt(req, &aes->pub_sg, &aes->pub_sg, len,
				   aes->pub_iv);
	srtp_async_start(&aes->async, owner);
	return srtp_async_end(&aes->async, crypto_skcipher_encrypt(req));
}

static int srtp_ctr_run(struct srtp_aes *aes, struct sk_buff *owner,
			bool pub, u8 *data, unsigned int len)
{
	if (pub)
		return srtp_ctr_public(aes, owner, data, len);
	return srtp_ctr_generic(aes, data, len);
}

/*
 * The skcipher walk hands a driver at most the rest of a page at a time;
 * when a 16-byte block straddles a page boundary it kmallocs a bounce
 * buffer (GFP_ATOMIC) for it.  To never allocate, we cut the buffer at
 * page boundaries ourselves: whole blocks up to the boundary go in place,
 * and the straddling block goes through a bounce block in the key object
 * (one per transform: an asynchronous request may still be using its
 * own).  On -EINPROGRESS nothing more is done: the request owns @buf.
 * Caller holds aes->lock.
 */
static int srtp_aes_ctr_locked(struct srtp_aes *aes, const u8 iv[16],
			       u8 *buf, unsigned int len)
{
	struct sk_buff *owner = NULL;
	bool bounced = false;
	unsigned int n;
	u8 *bounce;
	bool pub;
	int err = 0;

	pub = srtp_use_public(&aes->async, aes->pub, &owner);
	bounce = pub ? aes->pub_bounce : aes->bounce;
	memcpy(aes->ctr, iv, AES_BLOCK_SIZE);
	while (len && !err) {
		n = min_t(unsigned int, len, PAGE_SIZE - offset_in_page(buf));
		if (n == len) {
			err = srtp_ctr_run(aes, owner, pub, buf, n);
		} else if (n >= AES_BLOCK_SIZE) {
			n = round_down(n, AES_BLOCK_SIZE);
			err = srtp_ctr_run(aes, owner, pub, buf, n);
		} else {
			n = min_t(unsigned int, len, AES_BLOCK_SIZE);
			memcpy(bounce, buf, n);
			err = srtp_ctr_run(aes, owner, pub, bounce, n);
			if (err == -EINPROGRESS)
				return err;
			memcpy(buf, bounce, n);
			bounced = true;
		}
		ctr_add(aes->ctr, n / AES_BLOCK_SIZE);
		buf += n;
		len -= n;
	}
	if (err == -EINPROGRESS)
		return err;
	if (bounced)
		memzero_explicit(bounce, AES_BLOCK_SIZE);
	return err;
}

int srtp_aes_ctr(struct srtp_aes *aes, const u8 iv[16], u8 *buf,
		 unsigned int len)
{
	bool bh = srtp_obj_lock(&aes->lock);
	int err;

	err = srtp_aes_ctr_locked(aes, iv, buf, len);
	srtp_obj_unlock(&aes->lock, bh);
	return err;
}

/* -------------------------------------------------------------- KDF PRF */

/*
 * The session keys are AES-CM keystream under the master key (RFC 3711
 * 4.3.1), so the keystream of the KDF is itself secret.  The crypto API's
 * CTR implementations compute keystream blocks in stack buffers they do
 * not wipe (the ctr template in place, every block; the AES-NI driver,
 * a partial last block), and freed stacks keep them: keyscan.sh found
 * session keys and salts in freed memory after the streams were gone.
 * So the PRF is the library AES, one block at a time into heap memory
 * we wipe.  It is table-based C and not constant-time, as is the hash
 * subkey setup of the AES-NI GCM driver that uses it the same way; it
 * runs only while a key is installed, from a netlink request.
 */
struct srtp_prf {
	struct crypto_aes_ctx aes;
	u8 ctr[AES_BLOCK_SIZE];
	u8 block[AES_BLOCK_SIZE];
};

int srtp_prf_new(struct srtp_prf **out, const u8 *key, unsigned int keylen)
{
	struct srtp_prf *prf;
	int err;

	*out = NULL;
	prf = kzalloc(sizeof(*prf), GFP_KERNEL);
	if (!prf)
		return -ENOMEM;
	err = aes_expandkey(&prf->aes, key, keylen);
	if (err) {
		kfree_sensitive(prf);
		return err;
	}
	*out = prf;
	return 0;
}

int srtp_prf_keystream(struct srtp_prf *prf, const u8 iv[16], u8 *out,
		       unsigned int len)
{
	unsigned int n;

	memcpy(prf->ctr, iv, AES_BLOCK_SIZE);
	while (len) {
		n = min_t(unsigned int, len, AES_BLOCK_SIZE);
		aes_encrypt(&prf->aes, prf->block, prf->ctr);
		memcpy(out, prf->block, n);
		ctr_add(prf->ctr, 1);
		out += n;
		len -= n;
	}
	memzero_explicit(prf->block, sizeof(prf->block));
	return 0;
}

void srtp_prf_free(struct srtp_prf *prf)
{
	kfree_sensitive(prf);
}

/* -------------------------------------------------------------- HMAC-SHA1 */

/*
 * RFC 2104 with the keyed inner and outer SHA-1 states precomputed: a
 * packet costs two compression functions fewer than hmac(sha1) from
 * scratch, and no per-key transform (the SHA-1 tfm is shared; a shash
 * tfm without a key is safe to use concurrently, the state is in the
 * on-stack descriptor).
 */
struct srtp_hmac {
	unsigned int statesize;
	u8 state[];	/* inner state, then outer state */
};

void srtp_hmac_free(struct srtp_hmac *h)
{
	if (!h)
		return;
	kfree_sensitive(h);
}

/* Hashes @pad (one block) from the initial state and exports the result. */
static int hmac_pad_state(struct crypto_shash *tfm, const u8 *pad, u8 *state)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	int err;

	desc->tfm = tfm;
	err = crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, pad, SHA1_BLOCK_SIZE) ?:
	      crypto_shash_export(desc, state);
	shash_desc_zero(desc);
	return err;
}

int srtp_hmac_new(struct srtp_hmac **out, const u8 *key, unsigned int keylen)
{
	struct crypto_shash *tfm = nf_srtp_crypto.sha1;
	struct srtp_hmac *h;
	unsigned int ss, i;
	u8 *pad;
	int err;

	*out = NULL;
	if (!tfm)
		return -ENODEV;
	ss = crypto_shash_statesize(tfm);
	h = kzalloc(struct_size(h, state, 2 * ss), GFP_KERNEL_ACCOUNT);
	pad = kzalloc(SHA1_BLOCK_SIZE, GFP_KERNEL);
	if (!h || !pad) {
		err = -ENOMEM;
		goto out;
	}
	h->statesize = ss;

	/* A key longer than a block is replaced by its digest (RFC 2104). */
	if (keylen > SHA1_BLOCK_SIZE) {
		err = crypto_shash_tfm_digest(tfm, key, keylen, pad);
		if (err)
			goto out;
	} else {
		memcpy(pad, key, keylen);
	}

	for (i = 0; i < SHA1_BLOCK_SIZE; i++)
		pad[i] ^= 0x36;
	err = hmac_pad_state(tfm, pad, h->state);
	if (err)
		goto out;
	for (i = 0; i < SHA1_BLOCK_SIZE; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	err = hmac_pad_state(tfm, pad, h->state + ss);

out:
	kfree_sensitive(pad);
	if (err)
		srtp_hmac_free(h);
	else
		*out = h;
	return err;
}

int srtp_hmac_sha1(struct srtp_hmac *h, const u8 *a, unsigned int alen,
		   const u8 *b, unsigned int blen, u8 out[20])
{
	struct crypto_shash *tfm = nf_srtp_crypto.sha1;
	SHASH_DESC_ON_STACK(desc, tfm);
	int err;

	desc->tfm = tfm;
	err = crypto_shash_import(desc, h->state) ?:
	      crypto_shash_update(desc, a, alen);
	if (!err && blen)
		err = crypto_shash_update(desc, b, blen);
	/* The inner digest goes to @out, then is hashed from there. */
	err = err ?:
	      crypto_shash_final(desc, out) ?:
	      crypto_shash_import(desc, h->state + h->statesize) ?:
	      crypto_shash_finup(desc, out, SHA1_DIGEST_SIZE, out);
	/* The imported states are as good as the key. */
	shash_desc_zero(desc);
	return err;
}

/* ---------------------------------------------------------------- scratch */

/*
 * srtp_scratch(): one SRTP_SCRATCH_SIZE buffer per possible CPU, as
 * IPComp keeps its per-CPU scratch.  The core copies a GCM packet there
 * when a second key may have to be tried on it (kmod/srtp.c,
 * srtp_rx_keep()).  Allocated with the first GCM key object, so that a
 * module without GCM streams does not pay for it, and freed at module
 * exit.  The per-packet functions run with bottom halves disabled:
 * nothing else on the CPU can use the buffer meanwhile.
 */
static DEFINE_PER_CPU(u8 *, nf_srtp_scratch);
static DEFINE_MUTEX(nf_srtp_scratch_lock);
static bool nf_srtp_scratch_ready;

static int nf_srtp_scratch_alloc(void)
{
	int cpu, err = 0;

	mutex_lock(&nf_srtp_scratch_lock);
	if (nf_srtp_scratch_ready)
		goto out;
	for_each_possible_cpu(cpu) {
		u8 **p = per_cpu_ptr(&nf_srtp_scratch, cpu);

		if (*p)
			continue;
		*p = vmalloc_node(SRTP_SCRATCH_SIZE, cpu_to_node(cpu));
		if (!*p) {
			err = -ENOMEM;
			goto out;
		}
	}
	/* Pairs with the smp_load_acquire() in srtp_scratch(). */
	smp_store_release(&nf_srtp_scratch_ready, true);
out:
	mutex_unlock(&nf_srtp_scratch_lock);
	return err;
}

static void nf_srtp_scratch_free(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		u8 **p = per_cpu_ptr(&nf_srtp_scratch, cpu);

		vfree(*p);
		*p = NULL;
	}
	nf_srtp_scratch_ready = false;
}

u8 *srtp_scratch(unsigned int len)
{
	/* Only with bottom halves disabled is this CPU's buffer ours. */
	if (WARN_ON_ONCE(!in_softirq()))
		return NULL;
	/* Pairs with the smp_store_release() in nf_srtp_scratch_alloc(). */
	if (!smp_load_acquire(&nf_srtp_scratch_ready) ||
	    len > SRTP_SCRATCH_SIZE)
		return NULL;
	return this_cpu_read(nf_srtp_scratch);
}

/* ---------------------------------------------------------------- AES-GCM */

struct srtp_gcm {
	spinlock_t lock;			/* one packet at a time */
	struct crypto_aead *pub;		/* NULL if none */
	struct crypto_aead *generic;
	struct aead_request *pub_req;		/* one per tfm: reqsize differs */
	struct aead_request *generic_req;
	struct srtp_async async;
	struct scatterlist sg[3];		/* of pub_req */
	/* What generic_req reads besides the packet: srtp_gcm_generic(). */
	u8 iv[GCM_IV_SIZE];
	u8 aad[SRTP_CRYPTO_AAD_COPY];
	u8 tag[GCM_TAG_SIZE];
	/* What pub_req reads besides the packet: see srtp_gcm_public(). */
	u8 pub_iv[GCM_IV_SIZE];
	u8 pub_aad[SRTP_CRYPTO_AAD_COPY];
	u8 pub_tag[GCM_TAG_SIZE];
};

static struct crypto_aead *srtp_gcm_alloc(struct crypto_aead *ref, u32 mask,
					  const u8 *key, unsigned int keylen,
					  struct aead_request **reqp)
{
	struct aead_request *req = NULL;
	struct crypto_aead *tfm;
	int err;

	tfm = crypto_alloc_aead(crypto_aead_driver_name(ref), 0, mask);
	if (IS_ERR(tfm))
		return tfm;
	err = crypto_aead_setkey(tfm, key, keylen) ?:
	      crypto_aead_setauthsize(tfm, GCM_TAG_SIZE);
	if (!err) {
		req = aead_request_alloc(tfm, GFP_KERNEL_ACCOUNT);
		if (!req)
			err = -ENOMEM;
	}
	if (err) {
		crypto_free_aead(tfm);
		return ERR_PTR(err);
	}
	*reqp = req;
	return tfm;
}

static void srtp_gcm_destroy(struct srtp_async *a)
{
	struct srtp_gcm *g = container_of(a, struct srtp_gcm, async);

	/* aead_request_free() is kfree_sensitive(). */
	aead_request_free(g->pub_req);
	aead_request_free(g->generic_req);
	crypto_free_aead(g->pub);
	crypto_free_aead(g->generic);
	kfree_sensitive(g);
}

void srtp_gcm_free(struct srtp_gcm *g)
{
	if (!g)
		return;
	srtp_async_release(&g->async);
}

int srtp_gcm_new(struct srtp_gcm **out, const u8 *key, unsigned int keylen)
{
	struct crypto_aead *tfm;
	struct srtp_gcm *g;
	int err;

	*out = NULL;
	if (!nf_srtp_crypto.gcm_generic)
		return -ENODEV;
	if (keylen != AES_KEYSIZE_128 && keylen != AES_KEYSIZE_256)
		return -EINVAL;
	err = nf_srtp_scratch_alloc();
	if (err)
		return err;
	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return -ENOMEM;
	spin_lock_init(&g->lock);
	srtp_async_init(&g->async, nf_srtp_crypto_gcm_driver(false),
			&nf_srtp_crypto.gcm_warned, srtp_gcm_destroy);

	tfm = srtp_gcm_alloc(nf_srtp_crypto.gcm_generic, CRYPTO_ALG_ASYNC, key,
			     keylen, &g->generic_req);
	if (IS_ERR(tfm)) {
		err = PTR_ERR(tfm);
		goto fail;
	}
	g->generic = tfm;
	/* Synchronous: no callback, requests never queue. */
	aead_request_set_callback(g->generic_req, 0, NULL, NULL);
	if (nf_srtp_crypto.gcm_public) {
		tfm = srtp_gcm_alloc(nf_srtp_crypto.gcm_public, 0, key, keylen,
				     &g->pub_req);
		if (IS_ERR(tfm)) {
			err = PTR_ERR(tfm);
			goto fail;
		}
		g->pub = tfm;
		/* No CRYPTO_TFM_REQ_MAY_BACKLOG: -EBUSY is an error. */
		aead_request_set_callback(g->pub_req, 0, srtp_async_done,
					  &g->async);
	}
	*out = g;
	return 0;

fail:
	srtp_gcm_destroy(&g->async);
	return err;
}

/* AAD || data || tag as up to three scatterlist entries. */
static void srtp_gcm_sg(struct scatterlist *sg, const u8 *aad,
			unsigned int aadlen, u8 *buf, unsigned int len,
			const u8 *tag)
{
	unsigned int n = 1;

	n += !!aadlen + !!len;
	sg_init_table(sg, n);
	n = 0;
	if (aadlen)
		sg_set_buf(&sg[n++], aad, aadlen);
	if (len)
		sg_set_buf(&sg[n++], buf, len);
	sg_set_buf(&sg[n], tag, GCM_TAG_SIZE);
}

/*
 * The public transform may answer -EINPROGRESS, and its request may then
 * outlive the caller's buffers other than the packet: it gets its own
 * copies of the IV, the tag and a short AAD (srtp_crypto.h), and its
 * scatterlist lives in the key object.  A longer AAD is in the packet.
 */
static int srtp_gcm_public(struct srtp_gcm *g, struct sk_buff *owner,
			   const u8 iv[GCM_IV_SIZE], const u8 *aad,
			   unsigned int aadlen, u8 *buf, unsigned int len,
			   u8 *tag, bool enc)
{
	struct aead_request *req = g->pub_req;
	int err;

	if (aadlen <= SRTP_CRYPTO_AAD_COPY) {
		memcpy(g->pub_aad, aad, aadlen);
		aad = g->pub_aad;
	}
	if (!enc)
		memcpy(g->pub_tag, tag, GCM_TAG_SIZE);
	srtp_gcm_sg(g->sg, aad, aadlen, buf, len, g->pub_tag);
	memcpy(g->pub_iv, iv, GCM_IV_SIZE);
	aead_request_set_ad(req, aadlen);
	aead_request_set_crypt(req, g->sg, g->sg,
			       enc ? len : len + GCM_TAG_SIZE, g->pub_iv);
	srtp_async_start(&g->async, owner);
	err = enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	err = srtp_async_end(&g->async, err);
	if (!err && enc)
		memcpy(tag, g->pub_tag, GCM_TAG_SIZE);
	return err;
}

/*
 * The synchronous transform.  The IV, the tag and a short AAD may be on
 * the caller's stack (srtp_crypto.h), so they are copied into the key
 * object, where the scatterlist may point; a longer AAD is in the packet.
 */
static int srtp_gcm_generic(struct srtp_gcm *g, const u8 iv[GCM_IV_SIZE],
			    const u8 *aad, unsigned int aadlen, u8 *buf,
			    unsigned int len, u8 *tag, bool enc)
{
	struct aead_request *req = g->generic_req;
	struct scatterlist sg[3];
	int err;

	if (aadlen <= SRTP_CRYPTO_AAD_COPY) {
		memcpy(g->aad, aad, aadlen);
		aad = g->aad;
	}
	if (!enc)
		memcpy(g->tag, tag, GCM_TAG_SIZE);
	srtp_gcm_sg(sg, aad, aadlen, buf, len, g->tag);
	memcpy(g->iv, iv, GCM_IV_SIZE);
	aead_request_set_ad(req, aadlen);
	aead_request_set_crypt(req, sg, sg, enc ? len : len + GCM_TAG_SIZE,
			       g->iv);
	err = enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	if (!err && enc)
		memcpy(tag, g->tag, GCM_TAG_SIZE);
	return err;
}

/*
 * In place: AAD || data || tag as up to three scatterlist entries, since
 * the AAD need not precede the data in memory (SRTCP) and the tag is
 * wherever the caller keeps it.  The AAD entry comes first and holds all
 * of it, which keeps the AES-NI driver from linearizing (kmalloc) it.
 *
 * Unlike srtp_aes_ctr(), an AEAD request cannot be split: when the data
 * crosses a page boundary in the middle of a 16-byte block, the crypto
 * API's skcipher walk bounces that block through a GFP_ATOMIC buffer.  A
 * failure there is an error return (the packet is dropped), never a
 * sleep.
 */
static int srtp_gcm_crypt(struct srtp_gcm *g, const u8 iv[GCM_IV_SIZE],
			  const u8 *aad, unsigned int aadlen, u8 *buf,
			  unsigned int len, u8 *tag, bool enc)
{
	bool bh = srtp_obj_lock(&g->lock);
	struct sk_buff *owner = NULL;
	int err;

	if (srtp_use_public(&g->async, g->pub, &owner))
		err = srtp_gcm_public(g, owner, iv, aad, aadlen, buf, len,
				      tag, enc);
	else
		err = srtp_gcm_generic(g, iv, aad, aadlen, buf, len, tag, enc);
	srtp_obj_unlock(&g->lock, bh);
	return err;
}

int srtp_gcm_encrypt(struct srtp_gcm *g, const u8 iv[12], const u8 *aad,
		     unsigned int aadlen, u8 *buf, unsigned int len, u8 *tag)
{
	return srtp_gcm_crypt(g, iv, aad, aadlen, buf, len, tag, true);
}

int srtp_gcm_decrypt(struct srtp_gcm *g, const u8 iv[12], const u8 *aad,
		     unsigned int aadlen, u8 *buf, unsigned int len,
		     const u8 *tag)
{
	return srtp_gcm_crypt(g, iv, aad, aadlen, buf, len, (u8 *)tag, false);
}

/* ------------------------------------------------------------ module-wide */

const char *nf_srtp_crypto_ctr_driver(bool generic)
{
	if (generic)
		return nf_srtp_crypto.ctr_generic ?
		       sync_skcipher_driver(nf_srtp_crypto.ctr_generic) : NULL;
	return nf_srtp_crypto.ctr_public ?
	       crypto_skcipher_driver_name(nf_srtp_crypto.ctr_public) : NULL;
}

const char *nf_srtp_crypto_gcm_driver(bool generic)
{
	struct crypto_aead *tfm = generic ? nf_srtp_crypto.gcm_generic :
					    nf_srtp_crypto.gcm_public;

	return tfm ? crypto_aead_driver_name(tfm) : NULL;
}

const char *nf_srtp_crypto_sha1_driver(void)
{
	return nf_srtp_crypto.sha1 ? crypto_shash_driver_name(nf_srtp_crypto.sha1) :
				     NULL;
}

void nf_srtp_crypto_force_generic(bool on)
{
	WRITE_ONCE(nf_srtp_crypto.generic_only, on);
}

void nf_srtp_crypto_force_public(bool always, bool ownerless)
{
	WRITE_ONCE(nf_srtp_crypto.public_always, always);
	WRITE_ONCE(nf_srtp_crypto.public_ownerless, ownerless);
}

long nf_srtp_crypto_drain(long timeout)
{
	return wait_event_timeout(nf_srtp_async_wq,
				  !atomic_read(&nf_srtp_async_pending),
				  timeout);
}

/*
 * The public algorithm, kept only if it is another driver than the
 * synchronous one (else there is nothing to gain).
 */
static struct crypto_skcipher *ctr_public(const char *generic)
{
	struct crypto_skcipher *tfm = crypto_alloc_skcipher("ctr(aes)", 0, 0);

	if (IS_ERR(tfm))
		return NULL;
	if (!strcmp(crypto_skcipher_driver_name(tfm), generic)) {
		crypto_free_skcipher(tfm);
		return NULL;
	}
	return tfm;
}

static struct crypto_aead *gcm_public(const char *generic)
{
	struct crypto_aead *tfm = crypto_alloc_aead("gcm(aes)", 0, 0);

	if (IS_ERR(tfm))
		return NULL;
	if (!strcmp(crypto_aead_driver_name(tfm), generic)) {
		crypto_free_aead(tfm);
		return NULL;
	}
	return tfm;
}

int nf_srtp_crypto_init(void)
{
	struct crypto_sync_skcipher *ctr;
	struct crypto_shash *sha1;
	struct crypto_aead *gcm;

	nf_srtp_free_wq = alloc_workqueue("nf_srtp_crypto", 0, 0);
	if (!nf_srtp_free_wq)
		return -ENOMEM;

	sha1 = crypto_alloc_shash("sha1", 0, 0);
	if (IS_ERR(sha1)) {
		nf_srtp_crypto_exit();
		return PTR_ERR(sha1);
	}
	nf_srtp_crypto.sha1 = sha1;

	ctr = crypto_alloc_sync_skcipher("ctr(aes)", 0, 0);
	if (IS_ERR(ctr))
		goto fail_ctr;
	nf_srtp_crypto.ctr_generic = ctr;

	gcm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(gcm))
		goto fail_gcm;
	nf_srtp_crypto.gcm_generic = gcm;

	nf_srtp_crypto.ctr_public = ctr_public(sync_skcipher_driver(ctr));
	nf_srtp_crypto.gcm_public = gcm_public(crypto_aead_driver_name(gcm));
	return 0;

fail_gcm:
	nf_srtp_crypto_exit();
	return PTR_ERR(gcm);
fail_ctr:
	nf_srtp_crypto_exit();
	return PTR_ERR(ctr);
}

/*
 * After every key object was freed: waits for the completions still due
 * and the frees they deferred, then for the completion callbacks and the
 * free work to have returned (the callbacks run with BHs or IRQs off,
 * hence synchronize_rcu()), before the transforms and the module go.
 */
void nf_srtp_crypto_exit(void)
{
	wait_event(nf_srtp_async_wq, !atomic_read(&nf_srtp_async_pending));
	synchronize_rcu();
	if (nf_srtp_free_wq)
		destroy_workqueue(nf_srtp_free_wq);
	nf_srtp_free_wq = NULL;
	/* The crypto_free_*() functions accept NULL. */
	crypto_free_aead(nf_srtp_crypto.gcm_public);
	crypto_free_aead(nf_srtp_crypto.gcm_generic);
	crypto_free_skcipher(nf_srtp_crypto.ctr_public);
	crypto_free_sync_skcipher(nf_srtp_crypto.ctr_generic);
	crypto_free_shash(nf_srtp_crypto.sha1);
	memset(&nf_srtp_crypto, 0, sizeof(nf_srtp_crypto));
	nf_srtp_scratch_free();
}
