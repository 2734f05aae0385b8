/* SPDX-License-Identifier: BSD-2-Clause
 *
 * Zifencei: code written by the program runs after FENCE.I.  The code
 * buffer lives in the section .rwxcode, flagged "awx", which the linker
 * places in a writable and executable segment (this program alone is
 * linked with --no-warn-rwx-segments).  Each test writes instructions
 * with ordinary stores, executes FENCE.I, calls the buffer and checks a0.
 */
#include "test.h"
	.option arch, +zifencei

#define ADDI_A0_ZERO(imm)  (((imm) << 20) | 0x00000513)	/* addi a0, x0, imm */
#define ADDI_A0_A0(imm)    (((imm) << 20) | 0x00050513)	/* addi a0, a0, imm */
#define RET                0x00008067			/* jalr x0, 0(ra) */

/* call the code buffer at offset off */
#define CALL_BUF(off) la t0, codebuf; jalr ra, off(t0)

TEST_BEGIN(fence_i)

	/* the initial contents of the buffer execute */
	TEST_CASE(1, a0, 1, CALL_BUF(0))
	/* overwrite one instruction word, fence.i, run the new one */
	TEST_CASE(2, a0, 2, la t0, codebuf; li t1, ADDI_A0_ZERO(2); sw t1, 0(t0); fence.i; CALL_BUF(0))
	/* change one byte of the immediate (imm 2 -> 0x102) */
	TEST_CASE(3, a0, 0x102, la t0, codebuf; li t1, 0x10; sb t1, 3(t0); fence.i; CALL_BUF(0))
	/* copy a template from .text into the buffer and run it */
	TEST_CASE(4, a0, 3,
		la a1, tmpl; la a2, codebuf; li a3, 8;
		1: lw t1, 0(a1); sw t1, 0(a2); addi a1, a1, 4; addi a2, a2, 4; addi a3, a3, -4; bnez a3, 1b;
		fence.i; CALL_BUF(0))
	/* rewrite, run, ten times in a row: every run sees the latest store */
	TEST_CASE(5, s1, 10,
		li s1, 0;
		1: la t0, codebuf; slli t1, s1, 20; li t2, ADDI_A0_ZERO(0); or t1, t1, t2;
		sw t1, 0(t0); li t1, RET; sw t1, 4(t0); fence.i; CALL_BUF(0);
		bne a0, s1, fail; addi s1, s1, 1; li t0, 10; blt s1, t0, 1b)
	/* patch an instruction in the middle of a sequence already executed */
	TEST_CASE(6, a0, 2,
		la t0, codebuf; li t1, ADDI_A0_ZERO(0); sw t1, 0(t0);
		li t1, ADDI_A0_A0(1); sw t1, 4(t0); sw t1, 8(t0); li t1, RET; sw t1, 12(t0);
		fence.i; CALL_BUF(0))
	TEST_CASE(7, a0, 11, la t0, codebuf; li t1, ADDI_A0_A0(10); sw t1, 8(t0); fence.i; CALL_BUF(0))
	/* 16-bit instructions written with halfword stores: c.li a0, 5; c.jr ra */
	TEST_CASE(8, a0, 5, la t0, codebuf; li t1, 0x4515; sh t1, 32(t0); li t1, 0x8082; sh t1, 34(t0); fence.i; CALL_BUF(32))
	/* c.li a0, -7 (0x5565) in place of c.li a0, 5 */
	TEST_CASE(9, a0, -7, la t0, codebuf; li t1, 0x5565; sh t1, 32(t0); fence.i; CALL_BUF(32))
	/* a 32-bit instruction at a 2-byte aligned address (buffer + 34) */
	TEST_CASE(10, a0, 9,
		la t0, codebuf; li t1, ADDI_A0_ZERO(9); sh t1, 34(t0); srli t1, t1, 16; sh t1, 36(t0);
		li t1, 0x8082; sh t1, 38(t0); fence.i; CALL_BUF(34))

TEST_END

	/* template copied by test 4: addi a0, x0, 3; ret */
	.text
	.balign 4
tmpl:
	.word	ADDI_A0_ZERO(3)
	.word	RET

	.section .rwxcode, "awx", @progbits
	.balign 64
codebuf:
	.word	ADDI_A0_ZERO(1)
	.word	RET
	.fill	30, 4, 0
