/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nf_srtp: SRTP and SRTCP (RFC 3711) in place on UDP media flows.
 *
 * Documentation
 * =============
 *
 * The module is driven over generic netlink.  The family is
 * NF_SRTP_GENL_NAME ("nf_srtp"), version NF_SRTP_GENL_VERSION.  State is
 * kept per network namespace: every command acts on the namespace of the
 * socket that sends it, and the family is usable in every namespace.
 *
 * Every command requires CAP_NET_ADMIN in the user namespace that owns the
 * network namespace (GENL_UNS_ADMIN_PERM); without it the kernel answers
 * -EPERM.  Attributes are validated strictly: an unknown attribute, a wrong
 * type or a wrong length is refused with -EINVAL and an extended ACK
 * message naming the attribute.
 *
 * NF_SRTP_CMD_GET_STATS
 * ---------------------
 *
 * Returns the counters of the caller's network namespace.  The request
 * carries no attribute.  The reply is a single message:
 *
 *    NF_SRTP_A_VERSION: NLA_U32, the module's API version, equal to
 *                       NF_SRTP_GENL_VERSION for this header
 *    NF_SRTP_A_STATS: NLA_NESTED
 *        NF_SRTP_A_STATS_STREAMS: NLA_U32, streams installed in this
 *                                 network namespace
 *
 * Userspace must ignore attributes it does not know: later versions add
 * counters to NF_SRTP_A_STATS.
 */

#ifndef _UAPI_LINUX_NF_SRTP_H
#define _UAPI_LINUX_NF_SRTP_H

#define NF_SRTP_GENL_NAME "nf_srtp"
#define NF_SRTP_GENL_VERSION 1

enum nf_srtp_cmd {
	NF_SRTP_CMD_UNSPEC,
	NF_SRTP_CMD_GET_STATS,

	__NF_SRTP_CMD_MAX
};

#define NF_SRTP_CMD_MAX (__NF_SRTP_CMD_MAX - 1)

enum nf_srtp_attr {
	NF_SRTP_A_UNSPEC,
	NF_SRTP_A_VERSION,
	NF_SRTP_A_STATS,

	__NF_SRTP_A_MAX
};

#define NF_SRTP_A_MAX (__NF_SRTP_A_MAX - 1)

enum nf_srtp_stats_attr {
	NF_SRTP_A_STATS_UNSPEC,
	NF_SRTP_A_STATS_STREAMS,

	__NF_SRTP_A_STATS_MAX
};

#define NF_SRTP_A_STATS_MAX (__NF_SRTP_A_STATS_MAX - 1)

#endif /* _UAPI_LINUX_NF_SRTP_H */
