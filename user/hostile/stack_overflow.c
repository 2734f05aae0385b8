/* SPDX-License-Identifier: BSD-2-Clause
 *
 * stack_overflow: unbounded recursion, 1 KiB of stack per call, until the
 * stack runs into unmapped memory.  A correct system raises a store page
 * fault (scause 15) at the first unmapped page below the stack and stops
 * the program or hands the fault to its handler; it does not grow the
 * stack into other mappings.  If the recursion ever returns the program
 * exits 1.
 * qemu-riscv64: SIGSEGV once its guest stack (8 MiB by default) is used up.
 */
#include "rt.h"

/* never reached (n counts up from 0); volatile so the compiler cannot tell */
static volatile long stop = -1;

static long depth(volatile char *prev, long n)
{
	volatile char frame[1024];

	if (n == stop)
		return 0;
	frame[0] = (char)n;
	frame[1023] = prev ? prev[0] : 0;
	return depth(frame, n + 1) + frame[512];
}

int main(void)
{
	depth(NULL, 0);
	return 1;
}
