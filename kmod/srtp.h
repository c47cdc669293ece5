/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srtp.h - portable SRTP/SRTCP core (RFC 3711, RFC 6188, RFC 7714).
 *
 * One implementation, compiled into the kernel module and into userspace.
 * See Documentation/srtp-core.md for the design notes.
 *
 * Names: libsrtp2 exports srtp_protect_rtcp() and srtp_unprotect_rtcp()
 * and defines SRTP_MAX_* macros; the unit tests link both libraries, so
 * this API uses srtp_rtp_protect() & co. and SRTP_CORE_* limits.
 *
 * Locking: a context is not internally locked.  The caller serializes
 * every call on one context (protect, unprotect, srtp_ctx_add_key,
 * srtp_ctx_set_active_key, srtp_ctx_take_events, reading the counters),
 * e.g. with a per-context spinlock taken in softirq; in the kernel the
 * per-packet calls run with bottom halves disabled (the backend's
 * per-CPU scratch buffer, srtp_scratch()).  The one exception is
 * srtp_crypt(), the crypto step of a transform split in three (below),
 * which runs without that lock.  Nothing here
 * sleeps except srtp_ctx_new() and srtp_key_new(), which must be called
 * without that lock held; the mutable state lives in struct srtp_ctx
 * fields marked "mutable" in srtp.c and in the key's usage counters.
 * Different contexts are independent.
 */

#ifndef _SRTP_CORE_H
#define _SRTP_CORE_H

#include "srtp_platform.h"

enum srtp_suite {
	SRTP_AES_CM_128_HMAC_SHA1_80,
	SRTP_AES_CM_128_HMAC_SHA1_32,
	SRTP_AES_192_CM_HMAC_SHA1_80,
	SRTP_AES_192_CM_HMAC_SHA1_32,
	SRTP_AES_256_CM_HMAC_SHA1_80,
	SRTP_AES_256_CM_HMAC_SHA1_32,
	SRTP_AEAD_AES_128_GCM,
	SRTP_AEAD_AES_256_GCM,
	SRTP_SUITE_COUNT
};

struct srtp_suite_info {
	const char *name;	/* RFC 4568 / RFC 7714 crypto-suite name */
	u8 key_len;		/* master and session cipher key */
	u8 salt_len;		/* master and session salt: 14 CM, 12 GCM */
	u8 auth_key_len;	/* HMAC-SHA1 session key, 0 for AEAD */
	u8 srtp_tag_len;
	u8 srtcp_tag_len;	/* 10 for both _80 and _32 (RFC 4568 6.2) */
	bool aead;
};

/* NULL for an unknown suite. */
const struct srtp_suite_info *srtp_suite_get(enum srtp_suite suite);

/* Session parameters (RFC 4568 6.3). */
#define SRTP_F_UNENCRYPTED_SRTP		0x1
#define SRTP_F_UNENCRYPTED_SRTCP	0x2	/* E bit 0 */
#define SRTP_F_UNAUTHENTICATED_SRTP	0x4
#define SRTP_F_UNAUTHENTICATED_SRTCP	0x8	/* always refused */

/* Limits of one context. */
#define SRTP_CORE_WINDOW_MIN		64
#define SRTP_CORE_WINDOW_MAX		1024
#define SRTP_CORE_WINDOW_DEFAULT	128
/*
 * SSRCs: a context tracks SRTP_CORE_SSRC_MAX at once.  When a new one
 * comes (on unprotect: once its packet authenticated) and the table is
 * full, the SSRC idle longest, for at least SRTP_CORE_SSRC_IDLE seconds,
 * makes room: its index state (ROC, highest index, SRTCP index) is kept
 * as one of SRTP_CORE_SSRC_RETIRED_MAX retired SSRCs, so that if it comes
 * back it goes on where it stopped and no index it used is accepted or
 * sent again.  A retired SSRC is forgotten only when every key it used is
 * spent; with no idle SSRC or no room to retire one, the new SSRC is
 * refused (SRTP_R_SSRC_LIMIT).  A context pinned to one SSRC
 * (srtp_ctx_set_pin()) tracks that one only.
 */
#define SRTP_CORE_SSRC_MAX		8
#define SRTP_CORE_SSRC_RETIRED_MAX	32
#define SRTP_CORE_SSRC_IDLE		30
/*
 * Keys: a context holds at most SRTP_CORE_KEYS_MAX live keys; keys older
 * than the active one leave by srtp_ctx_reap_key(), so a stream can be
 * re-keyed without end.  Key indices count up from 0 and are never
 * reused within a context, up to SRTP_CORE_KEY_INDEX_MAX keys.
 */
#define SRTP_CORE_KEYS_MAX		16
#define SRTP_CORE_KEY_INDEX_MAX		0x7fffffffU
#define SRTP_CORE_MKI_MAX		128
#define SRTP_CORE_TRAILER_MAX		(4 + SRTP_CORE_MKI_MAX + 16)

/* SRTP index space (48 bits) and SRTCP index space (31 bits). */
#define SRTP_CORE_LIFETIME_MAX		0x1000000000000ULL	/* 2^48 */
#define SRTP_CORE_SRTCP_INDEX_MAX	0x7fffffffU

enum srtp_dir {
	SRTP_DIR_OUTBOUND,	/* protect only */
	SRTP_DIR_INBOUND,	/* unprotect only */
};

/* Why a call failed; the context counts every one (srtp_ctx_drops()). */
enum srtp_reason {
	SRTP_R_OK,
	SRTP_R_BAD_PARAM,	/* invalid parameter at setup */
	SRTP_R_KDR_UNSUPPORTED,	/* key derivation rate != 0 */
	SRTP_R_NOMEM,
	SRTP_R_CRYPTO,		/* the crypto backend failed */
	SRTP_R_WRONG_DIR,	/* protect on inbound context, or reverse */
	SRTP_R_NO_KEY,		/* no master key installed */
	SRTP_R_TOO_SHORT,	/* shorter than header + trailer */
	SRTP_R_BAD_VERSION,	/* RTP/RTCP version is not 2 */
	SRTP_R_BAD_CSRC,	/* CSRC list runs past the end */
	SRTP_R_BAD_EXT,		/* header extension runs past the end */
	SRTP_R_BAD_PADDING,	/* P bit with a count of 0 or > payload */
	SRTP_R_BAD_RTCP,	/* RTCP type or compound lengths invalid */
	SRTP_R_BAD_E_BIT,	/* SRTCP E bit disagrees with the session */
	SRTP_R_NO_ROOM,		/* buffer too small for the trailer */
	SRTP_R_AUTH_FAIL,	/* tag mismatch */
	SRTP_R_REPLAY,		/* index already received */
	SRTP_R_TOO_OLD,		/* index left of the replay window */
	SRTP_R_UNKNOWN_MKI,
	SRTP_R_LIFETIME,	/* master key lifetime exhausted */
	SRTP_R_INDEX_LIMIT,	/* 2^48 SRTP / 2^31 SRTCP index exhausted */
	SRTP_R_SSRC_LIMIT,	/* more than SRTP_CORE_SSRC_MAX SSRCs */
	SRTP_R_KEY_LIMIT,	/* more than SRTP_CORE_KEYS_MAX keys */
	/*
	 * Protect: the packet's index was already sent (or is left of the
	 * window) for its SSRC; sending it would reuse a keystream.
	 */
	SRTP_R_TX_REPLAY,
	SRTP_R_SSRC_PIN,	/* not the SSRC the context is pinned to */
	/*
	 * The crypto backend queued the request (-EINPROGRESS): it owns
	 * the packet now, and the packet is lost.  Kernel backend only.
	 */
	SRTP_R_ASYNC,
	SRTP_R_COUNT
};

const char *srtp_reason_name(enum srtp_reason why);

struct srtp_params {
	enum srtp_suite suite;
	enum srtp_dir dir;
	u32 flags;		/* SRTP_F_* */
	u32 window;		/* replay window, 0 = default */
	u32 kdr;		/* key derivation rate: only 0 */
	u32 mki_len;		/* 0 = no MKI, else 1..SRTP_CORE_MKI_MAX */
	/*
	 * First SRTCP index sent per SSRC.  RFC 3711 numbers the first
	 * packet 0 (use 0); libsrtp2 starts at 1, which its byte-exact
	 * interop tests select here.
	 */
	u32 srtcp_first_index;
};

struct srtp_ctx;
struct srtp_key;

/* May sleep.  NULL on error, with *err a negative errno and *why set. */
struct srtp_ctx *srtp_ctx_new(const struct srtp_params *p, int *err,
			      enum srtp_reason *why);
/* Wipes and frees the context and all its keys. */
void srtp_ctx_free(struct srtp_ctx *ctx);

/*
 * Derives the session keys of one master key (may sleep).  @lifetime is
 * the number of packets (SRTP and SRTCP together) the key may process,
 * 0 meaning 2^48.  @mki may be NULL when @mki_len is 0.
 */
struct srtp_key *srtp_key_new(enum srtp_suite suite,
			      const u8 *master_key, unsigned int key_len,
			      const u8 *master_salt, unsigned int salt_len,
			      const u8 *mki, unsigned int mki_len,
			      u64 lifetime, int *err, enum srtp_reason *why);
void srtp_key_free(struct srtp_key *key);

/*
 * Installs @key as the next key of @ctx (does not sleep).  On success
 * the context owns the key and the key's index is returned: 0 for the
 * first key, one more for each key after it, never reused.  On error
 * the caller still owns it; SRTP_R_KEY_LIMIT (-ENOSPC) when
 * SRTP_CORE_KEYS_MAX keys are live.  The first key becomes active.
 */
int srtp_ctx_add_key(struct srtp_ctx *ctx, struct srtp_key *key,
		     enum srtp_reason *why);
/*
 * Takes the oldest key out of @ctx if it is older than the active key
 * (does not sleep): a retired key, which protect never uses again and
 * unprotect no longer tries first.  Returns it, for the caller to free
 * with srtp_key_free() (which wipes it) outside its lock, or NULL when
 * the oldest key is the active one.  Call in a loop to reap them all.
 */
struct srtp_key *srtp_ctx_reap_key(struct srtp_ctx *ctx);
/* The index of the oldest live key, and how many keys are live. */
u32 srtp_ctx_first_key(const struct srtp_ctx *ctx);
unsigned int srtp_ctx_key_count(const struct srtp_ctx *ctx);

/* Public facts of a live key: never its key material. */
struct srtp_key_info {
	u64 used;		/* packets processed */
	u64 lifetime;		/* packets allowed, 2^48 if none was set */
	u8 mki[SRTP_CORE_MKI_MAX];
	u8 mki_len;
	bool active;
};

/* -ENOENT when no live key has index @index. */
int srtp_ctx_key_info(const struct srtp_ctx *ctx, u32 index,
		      struct srtp_key_info *info);
/*
 * Selects the key protect uses (its MKI is sent), and the key unprotect
 * without MKI tries first.
 *
 * Unprotect without MKI (re-key by the peer): a packet that fails
 * authentication with the active key, while a next key is installed
 * (index active + 1, not spent), is tried once with that key.  If it
 * authenticates and is accepted, that key becomes the active one (the
 * older one is retired, as a spent key is, and no longer tried) and
 * SRTP_EV_KEY_SWITCH is raised.  A packet that fails with both keys is
 * one SRTP_R_AUTH_FAIL and changes no state.  The replay and ROC state
 * belong to the SSRC and carry over.  SRTP with
 * SRTP_F_UNAUTHENTICATED_SRTP has no tag, so nothing fails and there is
 * no second try: such a receiver moves only when a key is spent or by
 * this call (SRTCP is always authenticated).  With MKI the packet names
 * its key and none of this applies.
 */
int srtp_ctx_set_active_key(struct srtp_ctx *ctx, u32 index);

/*
 * SSRC pinning.  A pinned context transforms the packets of one SSRC
 * only: for RTP the header's SSRC, for RTCP the sender SSRC of the
 * compound packet (its first header, readable in SRTCP too).  A packet
 * of any other SSRC is refused with SRTP_R_SSRC_PIN as soon as its
 * header is parsed: before any crypto, before a key is chosen (no
 * spent key is passed over), before an SSRC slot is looked for; only
 * the drop is counted.  So a pinned context holds state for its one
 * SSRC at most, and packets of other SSRCs, forged or not, cost it a
 * header parse.  Without a pin (the default) every SSRC is taken, up to
 * SRTP_CORE_SSRC_MAX at once.  @pinned false removes the pin and @ssrc
 * is ignored; any u32, 0 included, is an SSRC.  Changing the pin keeps
 * the SSRC state: an SSRC tracked before it was pinned out goes on
 * where it stopped when it is let in again.  Serialized with the
 * transforms like every call here: a packet meets the old pin or the
 * new one.
 */
void srtp_ctx_set_pin(struct srtp_ctx *ctx, bool pinned, u32 ssrc);
/* Whether @ctx is pinned; if so, its SSRC in *@ssrc. */
bool srtp_ctx_pin(const struct srtp_ctx *ctx, u32 *ssrc);

/*
 * Packet transforms, in place on @buf.  @len is the packet length and
 * @room the writable size of @buf (protect appends the SRTCP index, the
 * MKI and the tag).  They return the new length, or a negative errno
 * with *why set.  On error the buffer content is unspecified (the caller
 * drops the packet), except that protect never writes past @room and
 * nothing ever reads past @len.
 *
 * Protect takes the SRTP index from the sequence number as a receiver
 * would (RFC 3711 3.3.1) and keeps a window of the indices it sent per
 * SSRC, of the context's window size: it never sends one index twice
 * (SRTP_R_TX_REPLAY for a repeat or an index left of the window), so no
 * packet fed to it can make it repeat a keystream or a GCM nonce.
 */
int srtp_rtp_protect(struct srtp_ctx *ctx, u8 *buf, unsigned int len,
		     unsigned int room, enum srtp_reason *why);
int srtp_rtp_unprotect(struct srtp_ctx *ctx, u8 *buf, unsigned int len,
		       enum srtp_reason *why);
int srtp_rtcp_protect(struct srtp_ctx *ctx, u8 *buf, unsigned int len,
		      unsigned int room, enum srtp_reason *why);
int srtp_rtcp_unprotect(struct srtp_ctx *ctx, u8 *buf, unsigned int len,
			enum srtp_reason *why);

/*
 * The transforms in three steps, for a caller that runs the crypto
 * outside its per-context lock: so that one context's packets on several
 * CPUs (a stream's RTP and RTCP, say) do not wait for each other's
 * crypto, as xfrm does for IPsec.
 *
 *   srtp_begin()  under the lock: parses the packet, checks the pin,
 *                 chooses the key, guesses the index, checks the replay
 *                 window.  Protect also reserves: the SSRC is admitted,
 *                 the index marked sent and the key's use counted, so
 *                 no two packets in flight get one index (keystream,
 *                 GCM nonce), and none goes past a key's lifetime.
 *   srtp_crypt()  without the lock (kernel: bottom halves disabled, for
 *                 the backend's per-CPU scratch): the crypto, and for
 *                 unprotect the checks of the decrypted packet.  It
 *                 reads only what srtp_ctx_new() and srtp_key_new() set,
 *                 and changes nothing in the context.
 *   srtp_end()    under the lock again: counts a failure; unprotect
 *                 checks the replay window again (a copy of the packet
 *                 may have been accepted meanwhile: it is then a
 *                 replay), refuses a key spent meanwhile, and only then
 *                 admits the SSRC, marks the index received and counts
 *                 the key's use.
 *
 * srtp_begin() returns 0, or a negative errno with *why set (counted);
 * then the packet is done.  Otherwise one srtp_crypt() and one
 * srtp_end() follow, on the same context; srtp_end() returns what
 * srtp_rtp_protect() & co. return.  A protect that fails in srtp_crypt()
 * keeps its reservation: the index counts as sent.  Between the steps
 * @pkt points to a key of @ctx: a key reaped (srtp_ctx_reap_key()) or a
 * context replaced meanwhile must not be freed before srtp_end() has
 * returned (the kernel frees them an RCU grace period later).  The
 * direction is the context's; srtp_rtp_protect() & co. check it, then
 * run the three steps in a row.
 *
 * struct srtp_pkt lives on the caller's stack; its fields are the core's,
 * except that a caller may read @r after srtp_crypt(): SRTP_R_OK when the
 * crypto succeeded (a caller that then drops the packet after all, the
 * kernel hook when the context was replaced meanwhile, skips srtp_end():
 * nothing waits for it).
 */
struct srtp_pkt {
	struct srtp_key *key;	/* protect: reserved; unprotect: tried first */
	struct srtp_key *next;	/* unprotect: tried second, or NULL */
	u8 *buf;
	u64 index;		/* SRTP index; SRTCP: index, or E||index */
	u32 ssrc;
	unsigned int len;
	unsigned int plen;	/* unprotect: without the trailer */
	unsigned int hdr;	/* RTP header length */
	unsigned int out;	/* the length srtp_end() returns */
	int err;		/* srtp_crypt(): 0 or a negative errno */
	enum srtp_reason r;	/* srtp_crypt(): why it failed */
	bool rtcp;
};

int srtp_begin(struct srtp_ctx *ctx, struct srtp_pkt *pkt, bool rtcp,
	       u8 *buf, unsigned int len, unsigned int room,
	       enum srtp_reason *why);
void srtp_crypt(const struct srtp_ctx *ctx, struct srtp_pkt *pkt);
int srtp_end(struct srtp_ctx *ctx, struct srtp_pkt *pkt,
	     enum srtp_reason *why);

/*
 * Gives @dst, a new context of the same direction that replaces @src
 * (new keys or session parameters for the same stream), @src's SSRC
 * state: ROC, highest indices and replay windows, the next SRTCP index,
 * retired SSRCs.  So a sender goes on with its ROC and SRTCP index and
 * never repeats an index, and a receiver refuses replays of packets it
 * took before.  The SSRCs count as having used @dst's first key.  Call
 * before @dst processes a packet, with both contexts serialized.  The
 * SSRC pin (srtp_ctx_set_pin()) goes over too.
 * Returns -EINVAL (and copies nothing) when the directions differ.
 */
int srtp_ctx_inherit(struct srtp_ctx *dst, const struct srtp_ctx *src);

/* Events raised by the core, collected with srtp_ctx_take_events(). */
#define SRTP_EV_SOFT_LIMIT	0x1	/* a key reached half its lifetime */
#define SRTP_EV_HARD_LIMIT	0x2	/* a key reached its lifetime */
/*
 * The active key moved to the next one: protect or unprotect went past a
 * spent key, or unprotect without MKI accepted a packet protected with
 * the next key (see srtp_ctx_set_active_key()).
 */
#define SRTP_EV_KEY_SWITCH	0x4
#define SRTP_EV_NEW_SSRC	0x8	/* an SSRC was admitted */

struct srtp_events {
	u32 mask;
	u32 soft_key;	/* index of the key of the last SOFT_LIMIT */
	u32 hard_key;	/* index of the key of the last HARD_LIMIT */
	u32 active_key;	/* index of the key now active */
	u32 new_ssrc;	/* the last SSRC admitted */
};

/* Returns the pending events and clears them. */
u32 srtp_ctx_take_events(struct srtp_ctx *ctx, struct srtp_events *ev);

/* Packets processed so far with the key @index (0 for no live key). */
u64 srtp_ctx_key_used(const struct srtp_ctx *ctx, u32 index);
/*
 * The index of the key protect uses (unprotect without MKI: the one it
 * tries first; with MKI: the newest key a packet was accepted with).
 */
u32 srtp_ctx_active_key(const struct srtp_ctx *ctx);

/* Number of failures counted for @why. */
u64 srtp_ctx_drops(const struct srtp_ctx *ctx, enum srtp_reason why);

/* RFC 5761 4: second byte in 192..223 means RTCP on a muxed port. */
bool srtp_is_rtcp(const u8 *buf, unsigned int len);

/*
 * What a datagram on a media port is: RFC 7983 section 7 (updating
 * RFC 5764 5.1.2) tells them apart by the first byte: 0..3 STUN, 16..19
 * ZRTP, 20..63 DTLS, 64..79 TURN channel, 128..191 RTP and RTCP.
 *
 * SRTP_DEMUX_RTP: first byte 128..191, for the transforms, which check
 * the rest.  An empty datagram is counted here too: it has no first
 * byte, and the transforms refuse it (SRTP_R_TOO_SHORT).
 * SRTP_DEMUX_STUN: a whole RFC 5389 STUN message: first byte 0..3, the
 * magic cookie 0x2112A442 at offset 4, a message length that is a
 * multiple of 4 and, with the 20-byte header, the datagram's length.
 * Classic RFC 3489 STUN (no cookie) is not: ICE uses RFC 5389, whose
 * servers echo the cookie, and a whole header keeps what passes
 * untransformed to STUN messages, not whatever starts with 0..3.
 * SRTP_DEMUX_OTHER: anything else (ZRTP, DTLS, TURN channel data,
 * unassigned first bytes, broken STUN).
 *
 * RTP's first byte is never STUN's, so nothing a transform would see
 * (RTP or RTCP of version 2) is ever classified STUN.
 */
enum srtp_demux {
	SRTP_DEMUX_RTP,
	SRTP_DEMUX_STUN,
	SRTP_DEMUX_OTHER,
};

#define SRTP_STUN_HDR		20
#define SRTP_STUN_COOKIE	0x2112a442U
/* The bytes srtp_demux() reads at most: type, length, cookie. */
#define SRTP_DEMUX_HEAD		8

/*
 * @buf holds the first min(@len, SRTP_DEMUX_HEAD) bytes of a datagram
 * of @len bytes: a caller that has the packet in pieces copies out no
 * more.  Inline for RTP, the common case: one compare.
 */
enum srtp_demux srtp_demux_other(const u8 *buf, unsigned int len);

static inline enum srtp_demux srtp_demux(const u8 *buf, unsigned int len)
{
	if (!len || (buf[0] & 0xc0) == 0x80)
		return SRTP_DEMUX_RTP;
	return srtp_demux_other(buf, len);
}

/*
 * Building blocks, exported for the known-answer tests.
 * srtp_kdf(): RFC 3711 4.3 AES-CM PRF with key derivation rate 0 (and
 * RFC 6188 / RFC 7714 key sizes; a 12 byte salt is zero-padded on the
 * right).  May sleep (allocates the PRF).
 */
int srtp_kdf(const u8 *master_key, unsigned int key_len,
	     const u8 *master_salt, unsigned int salt_len, u8 label,
	     u8 *out, unsigned int out_len);
/* RFC 3711 4.1.1: IV = (salt * 2^16) ^ (SSRC * 2^64) ^ (index * 2^16). */
void srtp_cm_iv(u8 iv[16], const u8 salt[14], u32 ssrc, u64 index);
/* RFC 7714 8.1 / 9.1: 00 00 || SSRC || ROC || SEQ, xor salt. */
void srtp_gcm_rtp_iv(u8 iv[12], const u8 salt[12], u32 ssrc, u32 roc,
		     u16 seq);
/* RFC 7714 9.1: 00 00 || SSRC || 00 00 || 0 || index, xor salt. */
void srtp_gcm_rtcp_iv(u8 iv[12], const u8 salt[12], u32 ssrc, u32 index);

#endif /* _SRTP_CORE_H */
