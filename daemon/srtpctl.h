/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srtpctl: the commands that live outside srtpctl.c.
 */

#ifndef NFSRTP_SRTPCTL_H
#define NFSRTP_SRTPCTL_H

#include <stdbool.h>

/* srtpctl sdp {offer|answer} ...; srtpctl conference ... (srtpctl_sdp.c) */
int srtpctl_sdp(int argc, char **argv, bool json);
int srtpctl_conference(int argc, char **argv, bool json);

/* srtpctl call ...: a client of srtpd's control socket (srtpctl_call.c) */
int srtpctl_call(int argc, char **argv, bool json);

#endif /* NFSRTP_SRTPCTL_H */
