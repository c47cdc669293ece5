// SPDX-License-Identifier: GPL-2.0
/*
 * clockcal: the guest clock's nanoseconds per instruction, for
 * scripts/bench-kernel under QEMU's -icount, where CPU times are meant to
 * count instructions at 2^SHIFT ns each.  It times a loop of a known
 * number of instructions (dec; jnz: two per turn) with CLOCK_MONOTONIC and
 * prints the smallest of five tries (interrupts only add time).  A guest
 * whose clock is not what the benchmark assumes would turn every
 * instruction count in the report into a wrong one; the benchmark checks
 * this figure and refuses to report.  x86-64 only.
 */
#include <stdio.h>
#include <time.h>

#define TURNS	5000000UL	/* 10^7 instructions: 40 ms at shift=2 */

static double ns_per_insn(void)
{
	struct timespec a, b;
	unsigned long n = TURNS;

	clock_gettime(CLOCK_MONOTONIC, &a);
	__asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(n));
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) /
	       (2.0 * TURNS);
}

int main(void)
{
	double best = ns_per_insn();
	int i;

	for (i = 1; i < 5; i++) {
		double v = ns_per_insn();

		if (v < best)
			best = v;
	}
	printf("%.4f\n", best);
	return 0;
}
