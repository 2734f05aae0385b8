/* SPDX-License-Identifier: BSD-2-Clause
 *
 * RV64I unconditional jumps: JAL and JALR, the link value (pc + 4),
 * forward and backward targets, the low bit of a JALR target cleared,
 * negative and extreme JALR offsets, rd == rs1 for JALR (the target uses
 * the old rs1), rd = x0, a call and return.
 */
#include "test.h"

TEST_BEGIN(rv64i_jump)

	/* JAL forward: jumps, and links pc + 4 */
	TEST_CASE(1, a4, 4, 1: jal a4, 2f; j fail; 2: la a5, 1b; sub a4, a4, a5)
	/* JAL backward */
	TEST_CASE(2, a4, 4, j 2f; 1: j 3f; 2: jal a4, 1b; j fail; 3: la a5, 2b; sub a4, a4, a5)
	/* JAL with rd = x0 links nothing */
	TEST_CASE(3, x0, 0, jal x0, 1f; j fail; 1:)
	/* JAL far forward, beyond any branch range (8 KiB of illegal zeros) */
	TEST_CASE(4, a4, 4, 1: jal a4, 2f; .fill 2048, 4, 0; 2: la a5, 1b; sub a4, a4, a5)

	/* JALR: jumps to rs1 + imm, links pc + 4 */
	TEST_CASE(5, a4, 4, la t0, 2f; 1: jalr a4, 0(t0); j fail; 2: la a5, 1b; sub a4, a4, a5)
	/* the low bit of the target is cleared: odd rs1 */
	TEST_CASE(6, a4, 4, la t0, 2f; addi t0, t0, 1; 1: jalr a4, 0(t0); j fail; 2: la a5, 1b; sub a4, a4, a5)
	/* ... odd immediate */
	TEST_CASE(7, a4, 4, la t0, 2f; 1: jalr a4, 1(t0); j fail; 2: la a5, 1b; sub a4, a4, a5)
	/* ... odd rs1 and odd immediate adding up to an even target */
	TEST_CASE(8, a4, 4, la t0, 2f; addi t0, t0, -1; 1: jalr a4, 1(t0); j fail; 2: la a5, 1b; sub a4, a4, a5)
	/* negative, +2047 and -2048 immediates */
	TEST_CASE(9, a4, 4, la t0, 2f+100; 1: jalr a4, -100(t0); j fail; 2: la a5, 1b; sub a4, a4, a5)
	TEST_CASE(10, a4, 4, la t0, 2f+2048; 1: jalr a4, -2048(t0); j fail; 2: la a5, 1b; sub a4, a4, a5)
	TEST_CASE(11, a4, 4, la t0, 2f-2047; 1: jalr a4, 2047(t0); j fail; 2: la a5, 1b; sub a4, a4, a5)
	/* rd == rs1: the target is computed from the old value */
	TEST_CASE(12, t0, 4, la t0, 2f; 1: jalr t0, 0(t0); j fail; 2: la a5, 1b; sub t0, t0, a5)
	/* JALR with rd = x0 (jr) */
	TEST_CASE(13, x0, 0, la t0, 1f; jalr x0, 0(t0); j fail; 1:)
	/* a backward JALR */
	TEST_CASE(14, a4, 4, j 2f; 1: j 3f; 2: la t0, 1b; 4: jalr a4, 0(t0); j fail; 3: la a5, 4b; sub a4, a4, a5)

	/* call and return through ra */
	TEST_CASE(15, a0, 42, li a0, 21; call double_it)
	TEST_CASE(16, a0, 84, li a0, 21; la t1, double_it; jalr ra, 0(t1); jalr ra, 0(t1))
	/* the link register survives as the return address chain */
	TEST_CASE(17, a0, 15, li a0, 5; call add_ten)

TEST_END

	.text
double_it:
	add	a0, a0, a0
	ret

add_ten:
	mv	t3, ra
	jal	t4, add_five
	jal	t4, add_five
	mv	ra, t3
	jalr	x0, 0(ra)
add_five:
	addi	a0, a0, 5
	jr	t4
