// SPDX-License-Identifier: GPL-2.0
/*
 * natmap: the nftables table of anchored media relays (natmap.h).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <netinet/in.h>
#include <nftables/libnftables.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "errmsg.h"
#include "natmap.h"

static void __attribute__((format(printf, 2, 3)))
put(struct strbuf *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		b->oom = true;	/* cannot happen with our formats: refuse */
		return;
	}
	strbuf_put(b, line, n);
}

/* One family's maps, sets and rules ("4": ip, "6": ip6). */
static void family_text(struct strbuf *b, int family,
			const struct anchor_ifs *ifs, unsigned int min,
			unsigned int max)
{
	const char *v = family == AF_INET ? "4" : "6";
	const char *t = family == AF_INET ? "ipv4_addr" : "ipv6_addr";
	unsigned int i, n = 0;

	put(b, "\tmap dnat%s {\n\t\ttype %s . %s . inet_service : %s . inet_service\n\t}\n",
	    v, t, t, t);
	put(b, "\tmap snat%s {\n\t\ttype %s . inet_service : %s . inet_service\n\t}\n",
	    v, t, t);
	put(b, "\tset live%s {\n\t\ttype %s . inet_service\n\t}\n", v, t);
	put(b, "\tset ours%s {\n\t\ttype %s . inet_service\n\t\tflags interval\n",
	    v, t);
	for (i = 0; i < ifs->n; i++) {
		if (ifs->v[i].local.family != family)
			continue;
		put(b, "%s %s . %u-%u", n++ ? "," : "\t\telements = {",
		    ifs->v[i].local.str, min, max);
	}
	put(b, "%s\t}\n", n ? " }\n" : "");
}

struct fam_words {
	const char *v;		/* the maps' and sets' suffix */
	const char *nfproto;
	const char *ip;		/* the address expression's protocol */
};

static struct fam_words words(int family)
{
	if (family == AF_INET)
		return (struct fam_words){ "4", "ipv4", "ip" };
	return (struct fam_words){ "6", "ipv6", "ip6" };
}

static void dnat_rule(struct strbuf *b, int family)
{
	struct fam_words w = words(family);

	put(b, "\t\tmeta nfproto %s dnat %s to %s saddr . %s daddr . udp dport",
	    w.nfproto, w.ip, w.ip, w.ip);
	put(b, " map @dnat%s\n", w.v);
}

static void snat_rule(struct strbuf *b, int family)
{
	struct fam_words w = words(family);

	put(b, "\t\tmeta nfproto %s meta l4proto udp snat %s to", w.nfproto,
	    w.ip);
	put(b, " ct original %s daddr . ct original proto-dst map @snat%s\n",
	    w.ip, w.v);
}

/*
 * A rule's start: UDP of @w's family with its @port ("sport", "dport")
 * in the media range, one comparison that turns the router's other UDP
 * away before any set lookup.
 */
static void media_udp(struct strbuf *b, const struct fam_words *w,
		      const char *port, unsigned int min, unsigned int max)
{
	put(b, "\t\tmeta nfproto %s meta l4proto udp udp %s %u-%u", w->nfproto,
	    port, min, max);
}

/*
 * A packet to one of the router's media ports without a live relay is
 * not tracked, and counted ("unrelayed"): it reaches the router itself,
 * where srtpd's socket holds the port and drops it.  Neither a flow
 * whose relay is gone (conntrack would go on translating it, for UDP 30
 * s after its last packet, 120 s once it saw both directions: both of
 * its directions are addressed to the router's ports) nor one that
 * began before its relay (a gateway sends before its answer reaches
 * srtpd: its local conntrack entry would keep it from being NATed) is
 * carried by a conntrack entry past this rule.
 */
static void notrack_rule(struct strbuf *b, int family, unsigned int min,
			 unsigned int max)
{
	struct fam_words w = words(family);

	media_udp(b, &w, "dport", min, max);
	put(b, " %s daddr . udp dport @ours%s", w.ip, w.v);
	put(b, " %s daddr . udp dport != @live%s counter name unrelayed notrack\n",
	    w.ip, w.v);
}

/*
 * A packet to a live relay's port that reaches the router itself comes
 * from someone the relay does not carry (the DNAT key holds the sending
 * peer's address): it is counted ("strangers") and dropped, where
 * srtpd's socket would drop it unseen.
 */
static void stranger_rule(struct strbuf *b, int family, unsigned int min,
			  unsigned int max)
{
	struct fam_words w = words(family);

	media_udp(b, &w, "dport", min, max);
	put(b, " %s daddr . udp dport @live%s counter name strangers drop\n",
	    w.ip, w.v);
}

void natmap_table_text(struct strbuf *b, const struct anchor_ifs *ifs,
		       unsigned int min, unsigned int max)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	unsigned int i;

	put(b, "table inet " NATMAP_TABLE " {\n");
	for (i = 0; i < 2; i++)
		family_text(b, fams[i], ifs, min, max);
	put(b, "\tcounter unrelayed {\n\t}\n\tcounter strangers {\n\t}\n");

	/* before conntrack (raw): see notrack_rule() */
	put(b, "\tchain untracked {\n\t\ttype filter hook prerouting");
	put(b, " priority raw; policy accept;\n");
	for (i = 0; i < 2; i++)
		notrack_rule(b, fams[i], min, max);
	put(b, "\t}\n");
	/* before any other DNAT: the relays are the router's own ports */
	put(b, "\tchain prerouting {\n\t\ttype nat hook prerouting");
	put(b, " priority dstnat - 1; policy accept;\n");
	for (i = 0; i < 2; i++)
		dnat_rule(b, fams[i]);
	put(b, "\t}\n\tchain postrouting {\n\t\ttype nat hook postrouting");
	put(b, " priority srcnat - 1; policy accept;\n");
	for (i = 0; i < 2; i++)
		snat_rule(b, fams[i]);
	/* relayed packets are forwarded: what comes in here is not */
	put(b, "\t}\n\tchain strangers {\n\t\ttype filter hook input");
	put(b, " priority filter; policy accept;\n");
	for (i = 0; i < 2; i++)
		stranger_rule(b, fams[i], min, max);
	put(b, "\t}\n}\n");
}

static bool relay_ok(const struct natmap_relay *r)
{
	int f = r->from.family;

	return (f == AF_INET || f == AF_INET6) && r->local.family == f &&
	       r->to.family == f && r->out.family == f &&
	       r->local_port && r->local_port <= 65535 &&
	       r->to_port && r->to_port <= 65535 &&
	       r->out_port && r->out_port <= 65535;
}

int natmap_text(struct strbuf *b, const struct natmap_relay *r, size_t n,
		bool add)
{
	const char *op = add ? "add" : "delete";
	size_t i;

	for (i = 0; i < n; i++) {
		const char *v = r[i].from.family == AF_INET ? "4" : "6";

		if (!relay_ok(&r[i]))
			return -1;
		put(b, "%s element inet " NATMAP_TABLE " dnat%s { %s . %s . %u : %s . %u }\n",
		    op, v, r[i].from.str, r[i].local.str, r[i].local_port,
		    r[i].to.str, r[i].to_port);
		put(b, "%s element inet " NATMAP_TABLE " snat%s { %s . %u : %s . %u }\n",
		    op, v, r[i].local.str, r[i].local_port, r[i].out.str,
		    r[i].out_port);
		put(b, "%s element inet " NATMAP_TABLE " live%s { %s . %u }\n",
		    op, v, r[i].local.str, r[i].local_port);
	}
	return 0;
}

/* Runs @cmds as one transaction: 0, or -1 with nftables' first line. */
static int run(struct natmap *nm, const struct strbuf *cmds, char *err,
	       size_t errlen)
{
	const char *msg, *nl;

	if (cmds->oom || !cmds->p) {
		errmsg_set(err, errlen, "nftables: out of memory");
		return -1;
	}
	if (!nft_run_cmd_from_buffer(nm->nft, cmds->p))
		return 0;
	msg = nft_ctx_get_error_buffer(nm->nft);
	if (!msg || !*msg)
		msg = "failed";
	nl = strchr(msg, '\n');
	errmsg_set(err, errlen, "nftables: %.*s",
		   (int)(nl ? nl - msg : (long)strlen(msg)), msg);
	return -1;
}

int natmap_open(struct natmap *nm, const struct anchor_ifs *ifs,
		unsigned int min, unsigned int max, char *err, size_t errlen)
{
	struct strbuf b = { 0 };
	int rc;

	nm->nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!nm->nft || nft_ctx_buffer_output(nm->nft) ||
	    nft_ctx_buffer_error(nm->nft)) {
		errmsg_set(err, errlen, "nftables: cannot create a context");
		natmap_close(nm);
		return -1;
	}
	nm->ct = nfct_open(CONNTRACK, 0);
	if (!nm->ct) {
		errmsg_set(err, errlen, "conntrack: cannot open netlink: %s",
			   strerror(errno));
		natmap_close(nm);
		return -1;
	}
	/* a table a previous srtpd left goes in the same transaction */
	put(&b, "table inet " NATMAP_TABLE "\ndelete table inet " NATMAP_TABLE "\n");
	natmap_table_text(&b, ifs, min, max);
	rc = run(nm, &b, err, errlen);
	strbuf_free(&b);
	if (rc)
		natmap_close(nm);
	return rc;
}

/*
 * Deletes the conntrack entry of relay @r's flow, if any: NAT decided
 * its addresses when its first packet came, and a changed or deleted
 * relay would go on relaying it.  It is found by the tuple the receiver
 * sends from and to (the reply of a flow the sender began, the original
 * of one the receiver began), which is known exactly; the sender's port
 * (behind NAT) is not.
 */
static int forget_flow(struct nfct_handle *h, const struct natmap_relay *r)
{
	struct nf_conntrack *ct = nfct_new();
	int rc;

	if (!ct)
		return -ENOMEM;
	nfct_set_attr_u8(ct, ATTR_L3PROTO, (uint8_t)r->to.family);
	if (r->to.family == AF_INET) {
		uint32_t src, dst;

		memcpy(&src, r->to.a, 4);
		memcpy(&dst, r->out.a, 4);
		nfct_set_attr_u32(ct, ATTR_IPV4_SRC, src);
		nfct_set_attr_u32(ct, ATTR_IPV4_DST, dst);
	} else {
		nfct_set_attr(ct, ATTR_IPV6_SRC, r->to.a);
		nfct_set_attr(ct, ATTR_IPV6_DST, r->out.a);
	}
	nfct_set_attr_u8(ct, ATTR_L4PROTO, IPPROTO_UDP);
	nfct_set_attr_u16(ct, ATTR_PORT_SRC, htons((uint16_t)r->to_port));
	nfct_set_attr_u16(ct, ATTR_PORT_DST, htons((uint16_t)r->out_port));
	rc = nfct_query(h, NFCT_Q_DESTROY, ct) ? -errno : 0;
	nfct_destroy(ct);
	return rc == -ENOENT ? 0 : rc;
}

int natmap_forget(struct natmap *nm, const struct natmap_relay *r, size_t n,
		  char *err, size_t errlen)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = forget_flow(nm->ct, &r[i]);
		if (rc) {
			errmsg_set(err, errlen,
				   "conntrack: the flow %s:%u to %s:%u cannot be deleted: %s",
				   r[i].to.str, r[i].to_port, r[i].out.str,
				   r[i].out_port, strerror(-rc));
			return -1;
		}
	}
	return 0;
}

int natmap_change(struct natmap *nm, const struct natmap_relay *del,
		  size_t ndel, const struct natmap_relay *add, size_t nadd,
		  char *err, size_t errlen)
{
	struct strbuf b = { 0 };
	int rc;

	if (!ndel && !nadd)
		return 0;
	/* deletions first: a relay whose key stays gets its new value */
	if (natmap_text(&b, del, ndel, false) ||
	    natmap_text(&b, add, nadd, true)) {
		strbuf_free(&b);
		errmsg_set(err, errlen, "relay: mixed families or port 0");
		return -1;
	}
	rc = run(nm, &b, err, errlen);
	strbuf_free(&b);
	if (rc)
		return -1;
	/* committed: a conntrack entry left is the caller's to report */
	if (natmap_forget(nm, del, ndel, err, errlen) ||
	    natmap_forget(nm, add, nadd, err, errlen))
		return 1;
	return 0;
}

void natmap_close(struct natmap *nm)
{
	if (nm->ct)
		nfct_close(nm->ct);
	nm->ct = NULL;
	if (!nm->nft)
		return;
	nft_run_cmd_from_buffer(nm->nft, "delete table inet " NATMAP_TABLE "\n");
	nft_ctx_free(nm->nft);
	nm->nft = NULL;
}
