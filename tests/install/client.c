// SPDX-License-Identifier: GPL-2.0
/*
 * A program of an operator's, built against the installed libnfsrtp with
 * pkg-config (tests/install/install.sh and apt.sh): every suite libnfsrtp
 * names, one per line; exits 1 if a name does not map back to its suite.
 */
#include <stdio.h>
#include <nfsrtp.h>

int main(void)
{
	unsigned int i;

	for (i = 1; i < __NF_SRTP_SUITE_MAX; i++)
		if (nfsrtp_suite_name(i))
			printf("%s\n", nfsrtp_suite_name(i));
	return nfsrtp_suite_by_name("AEAD_AES_128_GCM") !=
	       NF_SRTP_SUITE_AEAD_AES_128_GCM;
}
