// SPDX-License-Identifier: GPL-2.0
/*
 * crypto.c - srtp_crypto.h on the kernel crypto API.
 *
 * The per-packet functions run in softirq under the caller's per-context
 * spinlock: they must neither sleep nor allocate, and a netfilter hook
 * cannot wait for an asynchronous request.  Every transform is therefore
 * synchronous (CRYPTO_ALG_ASYNC in the mask) and every request either
 * lives on the stack (sync skcipher) or is preallocated in the key object
 * (AEAD).
 *
 * Driver choice.  On x86 the fast AES-NI skcipher and AEAD algorithms are
 * registered twice: an internal synchronous one ("__ctr-aes-aesni",
 * "__generic-gcm-aesni", CRYPTO_ALG_INTERNAL) that uses the FPU
 * unconditionally, and an asynchronous simd wrapper around it that defers
 * to cryptd when the FPU is busy.  A synchronous "ctr(aes)" is thus the
 * generic ctr template over the one-block "aes-aesni" cipher (one FPU
 * section per 16 bytes), and a synchronous "gcm(aes)" is the generic gcm
 * template with the table-driven "ghash-generic".  Like the simd wrapper
 * does, we call the internal algorithm directly when crypto_simd_usable()
 * says the FPU may be used, and otherwise (softirq that interrupted a
 * kernel FPU section, rare) the generic synchronous one.  Both are checked
 * by the self-test.  Where no internal algorithm exists (another arch, or
 * aesni-intel not loaded) only the generic one is used.
 *
 * Driver names observed (Debian amd64 kernels under QEMU TCG -cpu max,
 * after loading aesni_intel, ghash_clmulni_intel and sha1_ssse3 as udev
 * does on a real host), SIMD / generic:
 *   6.1:  aes-ctr __ctr-aes-aesni / ctr(aes-aesni), sha1 sha1-avx2,
 *         gcm __generic-gcm-aesni / gcm_base(ctr(aes-aesni),ghash-generic)
 *   6.12: aes-ctr __ctr-aes-aesni / ctr(aes-aesni), sha1 sha1-avx2,
 *         gcm __generic-gcm-aesni-avx / gcm_base(ctr(aes-aesni),ghash-generic)
 * Without those modules: ctr(aes-generic), sha1-generic and
 * gcm_base(ctr(aes-generic),ghash-generic) only.  The asynchronous
 * "ghash-clmulni" cannot back a synchronous gcm, hence ghash-generic.
 *
 * The drivers are resolved once at module load and pinned there; key
 * objects allocate their transforms by driver name, so the self-test has
 * exercised exactly the drivers the datapath uses.
 *
 * The internal algorithms are not a public contract (issue 12, point 9).
 * The public options, measured in instructions per 172-byte packet in a
 * QEMU -icount guest (Documentation/performance.md, "Crypto API
 * layering"), against these internal ones:
 *  (b) public synchronous algorithms only: 13 FPU sections per AES-CM
 *      packet instead of 4 (one per CTR block), 11 per GCM packet
 *      instead of 3 (6.1) or 1 (6.12), and GHASH by the table-driven
 *      ghash-generic (not constant time): +1 570 to 1 590 instructions
 *      per AES-CM packet (-6% of the forwarding capacity), +7 060 to
 *      7 620 per GCM packet (-25 to -27%).  Out of the 3% budget.
 *  (c) library interfaces: 6.1 has no AES-GCM library, and the lib/crypto
 *      AES and 6.12 AES-GCM are generic C without AES-NI or PCLMULQDQ.
 *  (a) the public asynchronous "ctr(aes)" and "gcm(aes)", which resolve
 *      to the simd wrappers (ctr-aes-aesni, generic-gcm-aesni[-avx]),
 *      called only when crypto_simd_usable(), with the generic one as
 *      the fallback: the same FPU sections, +77 to 134 instructions per
 *      packet (-0.3 to -0.6%).  Within budget, but an asynchronous
 *      transform may answer any request with -EINPROGRESS (the wrapper
 *      does when the FPU is busy or its cryptd queue is not empty, and an
 *      accelerator that outranks it may always), and the request then
 *      still owns the packet and the key's preallocated request (one in
 *      flight per request object).  Fail-closed then means the hook hands
 *      its skb reference to the request (NF_STOLEN; the completion
 *      callback frees it and counts the drop), and the key neither
 *      reuses nor frees that request until the callback ran.  The core
 *      has no way to tell the hook that yet; until it does, (a) is not
 *      used and this backend stays on the internal algorithms.
 * Whatever the driver, nothing relies on the content of a buffer after
 * a failed decrypt: the core keeps a copy when it needs one
 * (srtp_scratch() below).
 */

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/vmalloc.h>
#include <asm/simd.h>
#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/hash.h>
#include <crypto/sha1.h>
#include <crypto/skcipher.h>
#include <crypto/internal/simd.h>

#include "crypto.h"
#include "srtp_crypto.h"

#define GCM_IV_SIZE	12
#define GCM_TAG_SIZE	16

/* The shared transforms: they pin the drivers the key objects use. */
static struct {
	struct crypto_shash *sha1;
	struct crypto_sync_skcipher *ctr_simd;	/* NULL if none */
	struct crypto_sync_skcipher *ctr_generic;
	struct crypto_aead *gcm_simd;		/* NULL if none */
	struct crypto_aead *gcm_generic;
	bool generic_only;			/* self-test hook */
} nf_srtp_crypto;

/* The internal SIMD algorithms are reached only with this type and mask. */
#define SIMD_TYPE	CRYPTO_ALG_INTERNAL
#define SIMD_MASK	(CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC)

static bool srtp_use_simd(const void *simd_tfm)
{
	return simd_tfm && !READ_ONCE(nf_srtp_crypto.generic_only) &&
	       crypto_simd_usable();
}

/* ---------------------------------------------------------------- AES-CTR */

struct srtp_aes {
	struct crypto_sync_skcipher *simd;	/* NULL if none */
	struct crypto_sync_skcipher *generic;
	u8 ctr[AES_BLOCK_SIZE];		/* counter of the next block */
	u8 iv[AES_BLOCK_SIZE];		/* copy handed to (and bumped by) a request */
	u8 bounce[AES_BLOCK_SIZE];	/* a block that straddles two pages */
};

static const char *sync_skcipher_driver(struct crypto_sync_skcipher *tfm)
{
	return crypto_tfm_alg_driver_name(crypto_skcipher_tfm(&tfm->base));
}

static struct crypto_sync_skcipher *srtp_aes_alloc(struct crypto_sync_skcipher *ref,
						   u32 type, const u8 *key,
						   unsigned int keylen)
{
	struct crypto_sync_skcipher *tfm;
	int err;

	tfm = crypto_alloc_sync_skcipher(sync_skcipher_driver(ref), type,
					 type ? SIMD_MASK : 0);
	if (IS_ERR(tfm))
		return tfm;
	err = crypto_sync_skcipher_setkey(tfm, key, keylen);
	if (err) {
		crypto_free_sync_skcipher(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

void srtp_aes_free(struct srtp_aes *aes)
{
	if (!aes)
		return;
	/* crypto_free_*() wipes the expanded key with the tfm context. */
	crypto_free_sync_skcipher(aes->simd);
	crypto_free_sync_skcipher(aes->generic);
	kfree_sensitive(aes);
}

int srtp_aes_new(struct srtp_aes **out, const u8 *key, unsigned int keylen)
{
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

	aes->generic = srtp_aes_alloc(nf_srtp_crypto.ctr_generic, 0, key,
				      keylen);
	if (IS_ERR(aes->generic)) {
		err = PTR_ERR(aes->generic);
		aes->generic = NULL;
		goto fail;
	}
	if (nf_srtp_crypto.ctr_simd) {
		aes->simd = srtp_aes_alloc(nf_srtp_crypto.ctr_simd, SIMD_TYPE,
					   key, keylen);
		if (IS_ERR(aes->simd)) {
			err = PTR_ERR(aes->simd);
			aes->simd = NULL;
			goto fail;
		}
	}
	*out = aes;
	return 0;

fail:
	srtp_aes_free(aes);
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
static int srtp_ctr_run(struct srtp_aes *aes, struct crypto_sync_skcipher *tfm,
			u8 *data, unsigned int len)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, tfm);
	struct scatterlist sg;
	int err;

	/* The request advances its IV: hand it a copy. */
	memcpy(aes->iv, aes->ctr, AES_BLOCK_SIZE);
	sg_init_one(&sg, data, len);
	skcipher_request_set_sync_tfm(req, tfm);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, len, aes->iv);
	err = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	return err;
}

/*
 * The skcipher walk hands a driver at most the rest of a page at a time;
 * when a 16-byte block straddles a page boundary it kmallocs a bounce
 * buffer (GFP_ATOMIC) for it.  To never allocate, we cut the buffer at
 * page boundaries ourselves: whole blocks up to the boundary go in place,
 * and the straddling block goes through aes->bounce.
 */
int srtp_aes_ctr(struct srtp_aes *aes, const u8 iv[16], u8 *buf,
		 unsigned int len)
{
	struct crypto_sync_skcipher *tfm;
	bool bounced = false;
	unsigned int n;
	int err = 0;

	tfm = srtp_use_simd(aes->simd) ? aes->simd : aes->generic;
	memcpy(aes->ctr, iv, AES_BLOCK_SIZE);
	while (len && !err) {
		n = min_t(unsigned int, len, PAGE_SIZE - offset_in_page(buf));
		if (n == len) {
			err = srtp_ctr_run(aes, tfm, buf, n);
		} else if (n >= AES_BLOCK_SIZE) {
			n = round_down(n, AES_BLOCK_SIZE);
			err = srtp_ctr_run(aes, tfm, buf, n);
		} else {
			n = min_t(unsigned int, len, AES_BLOCK_SIZE);
			memcpy(aes->bounce, buf, n);
			err = srtp_ctr_run(aes, tfm, aes->bounce, n);
			memcpy(buf, aes->bounce, n);
			bounced = true;
		}
		ctr_add(aes->ctr, n / AES_BLOCK_SIZE);
		buf += n;
		len -= n;
	}
	if (bounced)
		memzero_explicit(aes->bounce, sizeof(aes->bounce));
	return err;
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
 * exit.  The per-packet functions run under spin_lock_bh(): nothing
 * else on the CPU can use the buffer meanwhile.
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
	struct crypto_aead *simd;		/* NULL if none */
	struct crypto_aead *generic;
	struct aead_request *simd_req;		/* one per tfm: reqsize differs */
	struct aead_request *generic_req;
	u8 iv[GCM_IV_SIZE];
};

static struct crypto_aead *srtp_gcm_alloc(struct crypto_aead *ref, u32 type,
					  const u8 *key, unsigned int keylen,
					  struct aead_request **reqp)
{
	struct aead_request *req = NULL;
	struct crypto_aead *tfm;
	int err;

	tfm = crypto_alloc_aead(crypto_aead_driver_name(ref), type,
				type ? SIMD_MASK : CRYPTO_ALG_ASYNC);
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
	/* No callback: the transform is synchronous, requests never queue. */
	aead_request_set_callback(req, 0, NULL, NULL);
	*reqp = req;
	return tfm;
}

void srtp_gcm_free(struct srtp_gcm *g)
{
	if (!g)
		return;
	/* aead_request_free() is kfree_sensitive(). */
	aead_request_free(g->simd_req);
	aead_request_free(g->generic_req);
	crypto_free_aead(g->simd);
	crypto_free_aead(g->generic);
	kfree_sensitive(g);
}

int srtp_gcm_new(struct srtp_gcm **out, const u8 *key, unsigned int keylen)
{
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

	g->generic = srtp_gcm_alloc(nf_srtp_crypto.gcm_generic, 0, key, keylen,
				    &g->generic_req);
	if (IS_ERR(g->generic)) {
		err = PTR_ERR(g->generic);
		g->generic = NULL;
		goto fail;
	}
	if (nf_srtp_crypto.gcm_simd) {
		g->simd = srtp_gcm_alloc(nf_srtp_crypto.gcm_simd, SIMD_TYPE,
					 key, keylen, &g->simd_req);
		if (IS_ERR(g->simd)) {
			err = PTR_ERR(g->simd);
			g->simd = NULL;
			goto fail;
		}
	}
	*out = g;
	return 0;

fail:
	srtp_gcm_free(g);
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
			  unsigned int len, const u8 *tag, bool enc)
{
	struct scatterlist sg[3];
	struct aead_request *req;
	unsigned int n = 1;

	req = srtp_use_simd(g->simd) ? g->simd_req : g->generic_req;
	n += !!aadlen + !!len;
	sg_init_table(sg, n);
	n = 0;
	if (aadlen)
		sg_set_buf(&sg[n++], aad, aadlen);
	if (len)
		sg_set_buf(&sg[n++], buf, len);
	sg_set_buf(&sg[n], tag, GCM_TAG_SIZE);

	memcpy(g->iv, iv, GCM_IV_SIZE);
	aead_request_set_ad(req, aadlen);
	aead_request_set_crypt(req, sg, sg, enc ? len : len + GCM_TAG_SIZE,
			       g->iv);
	return enc ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
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
	return srtp_gcm_crypt(g, iv, aad, aadlen, buf, len, tag, false);
}

/* ------------------------------------------------------------ module-wide */

const char *nf_srtp_crypto_ctr_driver(bool generic)
{
	struct crypto_sync_skcipher *tfm = generic ? nf_srtp_crypto.ctr_generic :
						     nf_srtp_crypto.ctr_simd;

	return tfm ? sync_skcipher_driver(tfm) : NULL;
}

const char *nf_srtp_crypto_gcm_driver(bool generic)
{
	struct crypto_aead *tfm = generic ? nf_srtp_crypto.gcm_generic :
					    nf_srtp_crypto.gcm_simd;

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

/* An internal algorithm is optional: a missing one is no error. */
static void *optional(void *tfm)
{
	return IS_ERR(tfm) ? NULL : tfm;
}

int nf_srtp_crypto_init(void)
{
	struct crypto_sync_skcipher *ctr;
	struct crypto_shash *sha1;
	struct crypto_aead *gcm;

	sha1 = crypto_alloc_shash("sha1", 0, 0);
	if (IS_ERR(sha1))
		return PTR_ERR(sha1);
	nf_srtp_crypto.sha1 = sha1;

	ctr = crypto_alloc_sync_skcipher("ctr(aes)", 0, 0);
	if (IS_ERR(ctr))
		goto fail_ctr;
	nf_srtp_crypto.ctr_generic = ctr;

	gcm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(gcm))
		goto fail_gcm;
	nf_srtp_crypto.gcm_generic = gcm;

	nf_srtp_crypto.ctr_simd =
		optional(crypto_alloc_sync_skcipher("__ctr(aes)", SIMD_TYPE,
						    SIMD_MASK));
	nf_srtp_crypto.gcm_simd =
		optional(crypto_alloc_aead("__gcm(aes)", SIMD_TYPE, SIMD_MASK));
	return 0;

fail_gcm:
	nf_srtp_crypto_exit();
	return PTR_ERR(gcm);
fail_ctr:
	nf_srtp_crypto_exit();
	return PTR_ERR(ctr);
}

void nf_srtp_crypto_exit(void)
{
	/* The crypto_free_*() functions accept NULL. */
	crypto_free_aead(nf_srtp_crypto.gcm_simd);
	crypto_free_aead(nf_srtp_crypto.gcm_generic);
	crypto_free_sync_skcipher(nf_srtp_crypto.ctr_simd);
	crypto_free_sync_skcipher(nf_srtp_crypto.ctr_generic);
	crypto_free_shash(nf_srtp_crypto.sha1);
	memset(&nf_srtp_crypto, 0, sizeof(nf_srtp_crypto));
	nf_srtp_scratch_free();
}
