/* SPDX-License-Identifier: BSD-2-Clause
 *
 * Zicsr user counters: rdcycle, rdtime, rdinstret (CSRRS rd, csr, x0) and
 * the other read-only forms (CSRRC with x0, CSRRSI/CSRRCI with 0), which
 * must not trap.  No values are assumed: instret must strictly increase
 * between two reads, cycle and time must not decrease.
 */
#include "test.h"
	.option arch, +zicsr

TEST_BEGIN(zicsr)

	/* instret strictly increases between two reads */
	TEST_CASE(1, a2, 1, rdinstret a0; rdinstret a1; sltu a2, a0, a1)
	TEST_CASE(2, a2, 1, rdinstret a0; li t0, 100; 1: addi t0, t0, -1; bnez t0, 1b; rdinstret a1; sltu a2, a0, a1)
	/* ... on every one of 16 consecutive reads */
	TEST_CASE(3, t0, 0, li t0, 16; rdinstret a0; 1: rdinstret a1; bgeu a0, a1, fail; mv a0, a1; addi t0, t0, -1; bnez t0, 1b)
	/* cycle and time do not decrease */
	TEST_CASE(4, a2, 0, rdcycle a0; li t0, 100; 1: addi t0, t0, -1; bnez t0, 1b; rdcycle a1; sltu a2, a1, a0)
	TEST_CASE(5, a2, 0, rdtime a0; li t0, 100; 1: addi t0, t0, -1; bnez t0, 1b; rdtime a1; sltu a2, a1, a0)
	/* the other read-only access forms, by name and by number */
	TEST_CASE(6, a2, 1, csrrs a0, instret, x0; csrrc a1, instret, x0; sltu a2, a0, a1)
	TEST_CASE(7, a2, 1, csrrsi a0, instret, 0; csrrci a1, instret, 0; sltu a2, a0, a1)
	TEST_CASE(8, a2, 1, csrr a0, 0xc02; csrr a1, 0xc02; sltu a2, a0, a1)
	TEST_CASE(9, x0, 0, csrrsi a0, cycle, 0; csrrci a0, time, 0; csrrc a0, cycle, x0; csrrs a0, time, x0; csrr a0, 0xc00; csrr a0, 0xc01)
	/* a read into x0 is still a legal read */
	TEST_CASE(10, x0, 0, csrrs x0, cycle, x0; csrrs x0, time, x0; csrrs x0, instret, x0)

TEST_END
