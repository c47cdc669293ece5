// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libnfsrtp: generic netlink client of nf_srtp over libnl-genl-3.
 */

#include <errno.h>
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
 * Send @msg (consumed) and run @parse on each reply message until the
 * kernel's ACK or error.  Returns 0 or the kernel's negative errno.
 */
static int transact(struct nfsrtp *h, struct nl_msg *msg,
		    nl_recvmsg_msg_cb_t parse, void *arg)
{
	struct nl_cb *cb;
	int err;

	h->kernel_err = 0;
	h->errmsg[0] = '\0';
	cb = nl_cb_clone(nl_socket_get_cb(h->sock));
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	if (parse)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse, arg);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, h);

	err = nl_send_auto(h->sock, msg);
	nlmsg_free(msg);
	if (err < 0) {
		err = -EIO;
		set_error(h, err, "netlink send");
		goto out;
	}
	/* Replies, then the ACK (NL_STOP) or an error (NL_STOP). */
	do {
		err = nl_recvmsgs(h->sock, cb);
	} while (err > 0);
	if (h->kernel_err)
		err = h->kernel_err;
	else if (err < 0) {
		err = -EIO;
		set_error(h, err, "netlink receive");
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

static int parse_stats(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[NF_SRTP_A_MAX + 1];
	struct nlattr *st[NF_SRTP_A_STATS_MAX + 1];
	struct nfsrtp_stats *stats = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NF_SRTP_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[NF_SRTP_A_VERSION])
		stats->version = nla_get_u32(tb[NF_SRTP_A_VERSION]);
	if (tb[NF_SRTP_A_STATS] &&
	    nla_parse_nested(st, NF_SRTP_A_STATS_MAX, tb[NF_SRTP_A_STATS],
			     NULL) == 0 &&
	    st[NF_SRTP_A_STATS_STREAMS])
		stats->streams = nla_get_u32(st[NF_SRTP_A_STATS_STREAMS]);
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
