/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The main() of a Check test program: runs the suite SUITE_FN() returns
 * and exits non-zero when any test failed.
 */

#ifndef NFSRTP_CHECK_MAIN_H
#define NFSRTP_CHECK_MAIN_H

#include <check.h>

#define CHECK_MAIN(suite_fn)						\
int main(void)								\
{									\
	SRunner *sr = srunner_create(suite_fn());			\
	int failed;							\
									\
	srunner_run_all(sr, CK_NORMAL);					\
	failed = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return failed ? 1 : 0;						\
}

#endif /* NFSRTP_CHECK_MAIN_H */
