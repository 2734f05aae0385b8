/* SPDX-License-Identifier: BSD-2-Clause
 *
 * RV64C: every compressed instruction form, written with explicit c.
 * mnemonics so each is assembled as a 16-bit instruction.
 *  quadrant 0: C.ADDI4SPN C.LW C.LD C.SW C.SD
 *  quadrant 1: C.NOP C.ADDI C.ADDIW C.LI C.ADDI16SP C.LUI C.SRLI C.SRAI
 *              C.ANDI C.SUB C.XOR C.OR C.AND C.SUBW C.ADDW C.J C.BEQZ C.BNEZ
 *  quadrant 2: C.SLLI C.LWSP C.LDSP C.JR C.MV C.JALR C.ADD C.SWSP C.SDSP
 * C.EBREAK is assembled but not executed (its encoding is read back).
 * Edge cases: immediates at their limits, sign extension of C.LW, C.LWSP
 * and the word forms, C.JALR links pc + 2, 16-bit branches both ways.
 */
#include "test.h"

TEST_BEGIN(rv64c)
	.option rvc

	/* ---- quadrant 0 ---- */
	/* C.ADDI4SPN: rd' = sp + nzuimm */
	TEST_CASE(1, a0, 4, c.addi4spn a0, sp, 4; sub a0, a0, sp)
	TEST_CASE(2, s1, 1020, c.addi4spn s1, sp, 1020; sub s1, s1, sp)
	/* C.LW sign-extends; offsets 0 and 124 */
	TEST_CASE(3, a0, 0xffffffff80000001, la a1, cdata; c.lw a0, 0(a1))
	TEST_CASE(4, s0, 0x7ffffffe, la a5, cdata; c.lw s0, 124(a5))
	/* C.LD; offsets 8 and 248 */
	TEST_CASE(5, a2, 0x8000000000000002, la a3, cdata; c.ld a2, 8(a3))
	TEST_CASE(6, a4, 0x0123456789abcdef, la s1, cdata; c.ld a4, 248(s1))
	/* C.SW stores one word; C.SD a doubleword; rs1' == rs2' */
	TEST_CASE(7, a0, 0x1111111187654321, la a1, cbuf; li a2, 0x1111111111111111; sd a2, 0(a1); li a3, 0x9999999987654321; c.sw a3, 0(a1); ld a0, 0(a1))
	TEST_CASE(8, a0, 0xfedcba9876543210, la a1, cbuf; li a3, 0xfedcba9876543210; c.sd a3, 248(a1); ld a0, 248(a1))
	TEST_CASE(9, a0, 0, la a1, cbuf; c.sw a1, 124(a1); c.sd a1, 16(a1); lwu a0, 124(a1); ld a2, 16(a1); sub a2, a2, a1; sext.w a1, a1; sext.w a0, a0; sub a0, a0, a1; or a0, a0, a2)

	/* ---- quadrant 1 ---- */
	/* C.NOP changes nothing */
	TEST_CASE(10, a0, 77, li a0, 77; c.nop; c.nop)
	/* C.ADDI: -32..31, any rd, 64-bit wrap */
	TEST_CASE(11, a0, 0x7ffffffffffffffe, li a0, 0x7fffffffffffffff; c.addi a0, -1)
	TEST_CASE(12, t0, -33, li t0, -1; c.addi t0, -32)
	TEST_CASE(13, a0, 0, li a0, -1; c.addi a0, 1)
	TEST_CASE(14, t6, 0x100000000, li t6, 0xffffffe1; c.addi t6, 31)
	/* C.ADDIW: 32-bit sum sign-extended; imm 0 is sext.w */
	TEST_CASE(15, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
	TEST_CASE(16, a0, 0xffffffff80000000, li a0, 0x180000000; c.addiw a0, 0)
	TEST_CASE(17, t1, 0xffffffffffffffe0, li t1, 0x5500000000; c.addiw t1, -32)
	TEST_CASE(18, a5, 0x7fffffff, li a5, 0x7fffffe0; c.addiw a5, 31)
	/* C.LI */
	TEST_CASE(19, a0, -32, li a0, 5; c.li a0, -32)
	TEST_CASE(20, t5, 31, c.li t5, 31)
	TEST_CASE(21, ra, 0, li ra, -1; c.li ra, 0)
	/* C.ADDI16SP: -512..496 in steps of 16 */
	TEST_CASE(22, a0, -512, mv a1, sp; c.addi16sp sp, -512; sub a0, sp, a1; mv sp, a1)
	TEST_CASE(23, a0, 0, mv a1, sp; c.addi16sp sp, -512; c.addi16sp sp, 496; c.addi16sp sp, 16; sub a0, sp, a1; mv sp, a1)
	TEST_CASE(24, a0, 496, mv a1, sp; c.addi16sp sp, 496; sub a0, sp, a1; mv sp, a1)
	/* C.LUI: nzimm sign-extended from bit 17 */
	TEST_CASE(25, a0, 0x1000, c.lui a0, 1)
	TEST_CASE(26, a0, 0x1f000, c.lui a0, 31)
	TEST_CASE(27, s0, 0xfffffffffffe0000, c.lui s0, 0xfffe0)
	TEST_CASE(28, t6, 0xfffffffffffff000, c.lui t6, 0xfffff)
	/* C.SRLI / C.SRAI: shamt 1..63 */
	TEST_CASE(29, a0, 0x4000000000000000, li a0, 0x8000000000000001; c.srli a0, 1)
	TEST_CASE(30, a0, 0x80000000, li a0, 0x8000000000000001; c.srli a0, 32)
	TEST_CASE(31, a0, 1, li a0, 0x8000000000000001; c.srli a0, 63)
	TEST_CASE(32, s1, 0xc000000000000000, li s1, 0x8000000000000001; c.srai s1, 1)
	TEST_CASE(33, s1, 0xffffffff80000000, li s1, 0x8000000000000001; c.srai s1, 32)
	TEST_CASE(34, s1, -1, li s1, 0x8000000000000001; c.srai s1, 63)
	TEST_CASE(35, a3, 0x3fffffff, li a3, 0x7fffffffffffffff; c.srai a3, 33)
	/* C.ANDI: sign-extended immediate */
	TEST_CASE(36, a0, 0x123456789abcdee0, li a0, 0x123456789abcdeff; c.andi a0, -32)
	TEST_CASE(37, a0, 0x1f, li a0, -1; c.andi a0, 31)
	TEST_CASE(38, a0, 0, li a0, -1; c.andi a0, 0)
	TEST_CASE(39, a5, 0xf0f0f0f0f0f0f0f0, li a5, 0xf0f0f0f0f0f0f0f0; c.andi a5, -1)
	/* C.SUB C.XOR C.OR C.AND */
	TEST_CASE(40, a0, 0x8000000000000000, li a0, 0x7fffffffffffffff; li a1, -1; c.sub a0, a1)
	TEST_CASE(41, s0, 0, li s0, 0x1234; c.sub s0, s0)
	TEST_CASE(42, a2, 0x0ff00ff00ff00ff0, li a2, 0xff00ff00ff00ff00; li a3, 0xf0f0f0f0f0f0f0f0; c.xor a2, a3)
	TEST_CASE(43, a4, 0xfff0fff0fff0fff0, li a4, 0xff00ff00ff00ff00; li a5, 0xf0f0f0f0f0f0f0f0; c.or a4, a5)
	TEST_CASE(44, s1, 0xf000f000f000f000, li s1, 0xff00ff00ff00ff00; li s0, 0xf0f0f0f0f0f0f0f0; c.and s1, s0)
	/* C.SUBW / C.ADDW: 32-bit result sign-extended, upper bits ignored */
	TEST_CASE(45, a0, 0xffffffffffffffff, li a0, 0x100000000; li a1, 1; c.subw a0, a1)
	TEST_CASE(46, a0, 0x7fffffff, li a0, 0x1234567880000000; li a1, 0xff00000000000001; c.subw a0, a1)
	TEST_CASE(47, a2, 0xffffffff80000000, li a2, 0x7fffffff; li a3, 1; c.addw a2, a3)
	TEST_CASE(48, a2, 0, li a2, 0xaaaaaaaaffffffff; li a3, 0x5555555500000001; c.addw a2, a3)
	/* C.J forward and backward */
	TEST_CASE(49, x0, 0, c.j 1f; j fail; 1:)
	TEST_CASE(50, x0, 0, c.j 2f; 1: c.j 3f; 2: c.j 1b; j fail; 3:)
	/* C.J near its limits (+2044 forward, -2048 backward over illegal zeros) */
	TEST_CASE(51, x0, 0, c.j 1f; .fill 1020, 2, 0; 1:)
	TEST_CASE(52, x0, 0, c.j 2f; 1: c.j 3f; .fill 1022, 2, 0; 2: c.j 1b; 3:)
	/* C.BEQZ / C.BNEZ: taken and not taken, forward and backward */
	TEST_CASE(53, x0, 0, li a0, 0; c.beqz a0, 1f; j fail; 1:)
	TEST_CASE(54, x0, 0, li a0, 0; c.j 2f; 1: c.j 3f; 2: c.beqz a0, 1b; j fail; 3:)
	TEST_CASE(55, x0, 0, li a0, 0x100000000; c.beqz a0, 1f; c.j 2f; 1: j fail; 2: c.beqz a0, 1b)
	TEST_CASE(56, x0, 0, li s1, -1; c.bnez s1, 1f; j fail; 1:)
	TEST_CASE(57, x0, 0, li s1, 0x8000000000000000; c.j 2f; 1: c.j 3f; 2: c.bnez s1, 1b; j fail; 3:)
	TEST_CASE(58, x0, 0, li s1, 0; c.bnez s1, 1f; c.j 2f; 1: j fail; 2: c.bnez s1, 1b)
	/* C.BNEZ as a loop: 10 + 9 + ... + 1 */
	TEST_CASE(59, a0, 55, li a0, 0; li a1, 10; 1: c.add a0, a1; c.addi a1, -1; c.bnez a1, 1b)
	/* branch offsets near the limits: +254 and -256 */
	TEST_CASE(60, x0, 0, li a0, 0; c.beqz a0, 1f; .fill 126, 2, 0; 1:)
	TEST_CASE(61, x0, 0, li a0, 1; c.j 2f; 1: c.j 3f; .fill 126, 2, 0; 2: c.bnez a0, 1b; 3:)

	/* ---- quadrant 2 ---- */
	/* C.SLLI: shamt 1..63, any rd */
	TEST_CASE(62, a0, 2, li a0, 1; c.slli a0, 1)
	TEST_CASE(63, a0, 0x8000000000000000, li a0, 0xffff; c.slli a0, 63)
	TEST_CASE(64, t0, 0x8000000100000000, li t0, 0x80000001; c.slli t0, 32)
	TEST_CASE(65, t0, 0xffffffff80000000, li t0, 0xffffffffffffffff; c.slli t0, 31)
	/* C.SWSP / C.SDSP / C.LWSP / C.LDSP: offsets up to 252 / 504 in a 512-byte frame */
	TEST_CASE(66, a0, 0xffffffff80000003,
		c.addi16sp sp, -512; li t1, 0x1234567880000003; c.sdsp t1, 0(sp);
		c.lwsp a0, 0(sp); c.addi16sp sp, 496; c.addi16sp sp, 16)
	TEST_CASE(67, a0, 0x7ffffffc,
		c.addi16sp sp, -512; li t1, 0x7ffffffc; c.swsp t1, 252(sp);
		c.lwsp a0, 252(sp); c.addi16sp sp, 496; c.addi16sp sp, 16)
	TEST_CASE(68, t3, 0x8877665544332211,
		c.addi16sp sp, -512; li t1, 0x8877665544332211; c.sdsp t1, 504(sp);
		c.ldsp t3, 504(sp); c.addi16sp sp, 496; c.addi16sp sp, 16)
	TEST_CASE(69, a0, 0x11111111cafef00d,
		c.addi16sp sp, -512; li t1, 0x1111111111111111; c.sdsp t1, 8(sp);
		li t2, 0xcafef00d; c.swsp t2, 8(sp); c.ldsp a0, 8(sp);
		c.addi16sp sp, 496; c.addi16sp sp, 16)
	/* C.JR */
	TEST_CASE(70, x0, 0, la t0, 1f; c.jr t0; j fail; 1:)
	/* C.MV */
	TEST_CASE(71, a0, 0x123456789, li t1, 0x123456789; c.mv a0, t1)
	TEST_CASE(72, t6, -5, li a0, -5; c.mv t6, a0)
	/* C.JALR links pc + 2 */
	TEST_CASE(73, a4, 2, la t0, 2f; 1: c.jalr t0; j fail; 2: la a5, 1b; sub a4, ra, a5)
	/* C.JALR through ra itself: the target is the old ra */
	TEST_CASE(74, a4, 2, la ra, 2f; 1: c.jalr ra; j fail; 2: la a5, 1b; sub a4, ra, a5)
	/* C.JALR call and C.JR return */
	TEST_CASE(75, a0, 14, li a0, 7; la t0, c_double; c.jalr t0)
	/* C.ADD */
	TEST_CASE(76, a0, 0, li a0, -1; li t5, 1; c.add a0, t5)
	TEST_CASE(77, t4, 0xfffffffffffffffe, li t4, 0x7fffffffffffffff; c.add t4, t4)
	TEST_CASE(78, t4, 0x2468acf0, li t4, 0x12345678; c.add t4, t4)
	/* C.EBREAK is encoded 0x9002 (not executed here) */
	TEST_CASE(79, a4, 0x9002, c.j 1f; 2: c.ebreak; 1: la t0, 2b; lhu a4, 0(t0))
	/* the C instructions above are 16 bits long */
	TEST_CASE(80, a4, 14, 1: c.nop; c.li a0, 1; c.addi a0, 1; c.mv a1, a0; c.add a1, a0; c.slli a1, 1; c.sub a0, a1; 2: la a5, 1b; la a4, 2b; sub a4, a4, a5)

TEST_END

	.text
c_double:
	c.add	a0, a0
	c.jr	ra

	.data
	.balign 8
cdata:	.word	0x80000001, 0
	.dword	0x8000000000000002
	.fill	27, 4, 0
	.word	0x7ffffffe		/* cdata + 124 */
	.fill	15, 8, 0
	.dword	0x0123456789abcdef	/* cdata + 248 */
	.balign 8
cbuf:	.fill	32, 8, 0
