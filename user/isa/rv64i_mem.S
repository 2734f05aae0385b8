/* SPDX-License-Identifier: BSD-2-Clause
 *
 * RV64I loads and stores: LB LBU LH LHU LW LWU LD with sign/zero
 * extension, SB SH SW SD (only the low bytes are stored, the neighbouring
 * bytes are unchanged), little-endian byte order, negative and extreme
 * (-2048, +2047) offsets, rd == rs1, loads into x0, FENCE.
 * Every access is naturally aligned (misaligned ones are in misaligned*).
 */
#include "test.h"

#define FILL 0xdeadbeefcafef00d

/* Store v with sinst at sbuf+off into a doubleword holding FILL; the whole
 * doubleword must then read result, and its neighbours must keep FILL. */
#define TEST_ST_DW(n, sinst, v, off, result)                            \
	TEST_CASE(n, a4, result,                                        \
		la a1, sbuf; li a3, FILL;                               \
		sd a3, -8(a1); sd a3, 0(a1); sd a3, 8(a1);              \
		li a2, v; sinst a2, off(a1); ld a4, 0(a1);              \
		ld a5, -8(a1); bne a5, a3, fail;                        \
		ld a5, 8(a1); bne a5, a3, fail)

TEST_BEGIN(rv64i_mem)

	/* LB */
	TEST_LD(1, lb, 0xffffffffffffff81, 0, tdat_b)
	TEST_LD(2, lb, 0x000000000000007f, 1, tdat_b)
	TEST_LD(3, lb, 0x0000000000000000, 2, tdat_b)
	TEST_LD(4, lb, 0xffffffffffffffff, 3, tdat_b)
	TEST_LD(5, lb, 0xffffffffffffff81, -4, tdat_b+4)

	/* LBU */
	TEST_LD(6, lbu, 0x0000000000000081, 0, tdat_b)
	TEST_LD(7, lbu, 0x000000000000007f, 1, tdat_b)
	TEST_LD(8, lbu, 0x0000000000000000, 2, tdat_b)
	TEST_LD(9, lbu, 0x00000000000000ff, 3, tdat_b)
	TEST_LD(10, lbu, 0x0000000000000081, -4, tdat_b+4)

	/* LH */
	TEST_LD(11, lh, 0xffffffffffff8001, 0, tdat_h)
	TEST_LD(12, lh, 0x0000000000007ffe, 2, tdat_h)
	TEST_LD(13, lh, 0x0000000000000000, 4, tdat_h)
	TEST_LD(14, lh, 0xffffffffffffffff, 6, tdat_h)
	TEST_LD(15, lh, 0xffffffffffff8001, -8, tdat_h+8)

	/* LHU */
	TEST_LD(16, lhu, 0x0000000000008001, 0, tdat_h)
	TEST_LD(17, lhu, 0x0000000000007ffe, 2, tdat_h)
	TEST_LD(18, lhu, 0x0000000000000000, 4, tdat_h)
	TEST_LD(19, lhu, 0x000000000000ffff, 6, tdat_h)
	TEST_LD(20, lhu, 0x0000000000008001, -8, tdat_h+8)

	/* LW */
	TEST_LD(21, lw, 0xffffffff80000001, 0, tdat_w)
	TEST_LD(22, lw, 0x000000007ffffffe, 4, tdat_w)
	TEST_LD(23, lw, 0x0000000000000000, 8, tdat_w)
	TEST_LD(24, lw, 0xffffffffffffffff, 12, tdat_w)
	TEST_LD(25, lw, 0xffffffff80000001, -16, tdat_w+16)

	/* LWU */
	TEST_LD(26, lwu, 0x0000000080000001, 0, tdat_w)
	TEST_LD(27, lwu, 0x000000007ffffffe, 4, tdat_w)
	TEST_LD(28, lwu, 0x0000000000000000, 8, tdat_w)
	TEST_LD(29, lwu, 0x00000000ffffffff, 12, tdat_w)
	TEST_LD(30, lwu, 0x0000000080000001, -16, tdat_w+16)

	/* LD */
	TEST_LD(31, ld, 0x8000000000000001, 0, tdat_d)
	TEST_LD(32, ld, 0x7ffffffffffffffe, 8, tdat_d)
	TEST_LD(33, ld, 0x0000000000000000, 16, tdat_d)
	TEST_LD(34, ld, 0xffffffffffffffff, 24, tdat_d)
	TEST_LD(35, ld, 0x0123456789abcdef, 32, tdat_d)
	TEST_LD(36, ld, 0x8000000000000001, -40, tdat_d+40)

	/* little-endian narrower loads inside a doubleword */
	TEST_LD(37, lbu, 0x00000000000000ef, 0, tdat_d+32)
	TEST_LD(38, lbu, 0x0000000000000001, 7, tdat_d+32)
	TEST_LD(39, lb, 0x0000000000000045, 5, tdat_d+32)
	TEST_LD(40, lhu, 0x00000000000089ab, 2, tdat_d+32)
	TEST_LD(41, lh, 0x0000000000000123, 6, tdat_d+32)
	TEST_LD(42, lw, 0x0000000001234567, 4, tdat_d+32)
	TEST_LD(43, lwu, 0x0000000089abcdef, 0, tdat_d+32)
	TEST_LD(44, lw, 0xffffffff89abcdef, 0, tdat_d+32)

	/* stores of every width, checked on the containing doubleword */
	TEST_ST_DW(45, sb, 0x12, 0, 0xdeadbeefcafef012)
	TEST_ST_DW(46, sb, 0xffffffffffffff80, 7, 0x80adbeefcafef00d)
	TEST_ST_DW(47, sb, 0x1234567899, 3, 0xdeadbeef99fef00d)
	TEST_ST_DW(48, sh, 0x1234, 0, 0xdeadbeefcafe1234)
	TEST_ST_DW(49, sh, 0xabcd, 6, 0xabcdbeefcafef00d)
	TEST_ST_DW(50, sh, 0x123456789abc, 2, 0xdeadbeef9abcf00d)
	TEST_ST_DW(51, sw, 0x12345678, 0, 0xdeadbeef12345678)
	TEST_ST_DW(52, sw, 0xffffffff80000000, 4, 0x80000000cafef00d)
	TEST_ST_DW(53, sw, 0x1122334455667788, 4, 0x55667788cafef00d)
	TEST_ST_DW(54, sd, 0x0123456789abcdef, 0, 0x0123456789abcdef)
	TEST_ST_DW(55, sd, -1, 0, -1)

	/* store then load back, every width, with sign/zero extension */
	TEST_ST(56, sb, lb, 0xffffffffffffff80, 0x80, 0, sbuf2)
	TEST_ST(57, sb, lbu, 0x80, 0xffffffffffffff80, 1, sbuf2)
	TEST_ST(58, sh, lh, 0xffffffffffff8001, 0x8001, 2, sbuf2)
	TEST_ST(59, sh, lhu, 0x8001, 0x8001, 6, sbuf2)
	TEST_ST(60, sw, lw, 0xfffffffffffffffe, 0xfffffffe, 4, sbuf2)
	TEST_ST(61, sw, lwu, 0xfffffffe, 0xfffffffe, 8, sbuf2)
	TEST_ST(62, sd, ld, 0x8000000000000000, 0x8000000000000000, 16, sbuf2)
	/* negative store offset */
	TEST_ST(63, sd, ld, 0x1122334455667788, 0x1122334455667788, -8, sbuf2+24)
	TEST_ST(64, sh, lhu, 0xbeef, 0xbeef, -2, sbuf2+24)
	/* storing x0, storing the base register itself */
	TEST_CASE(65, a4, 0, la a1, sbuf2; li a2, -1; sd a2, 0(a1); sd zero, 0(a1); ld a4, 0(a1))
	TEST_CASE(66, a4, 0, la a1, sbuf2; sd a1, 0(a1); ld a4, 0(a1); sub a4, a4, a1)

	/* rd == rs1 */
	TEST_CASE(67, a1, 0x0123456789abcdef, la a1, tdat_d+32; ld a1, 0(a1))
	TEST_CASE(68, a1, 0xffffffffffffff81, la a1, tdat_b; lb a1, 0(a1))
	/* loads into x0 are performed but do not change x0 */
	TEST_CASE(69, x0, 0, la a1, tdat_d; ld x0, 24(a1); lw x0, 0(a1); lbu x0, 0(a1))
	/* extreme immediates -2048 and +2047 */
	TEST_LD(70, lbu, 0x5a, -2048, big+2048)
	TEST_LD(71, lbu, 0xa5, 2047, big+2048)
	TEST_ST(72, sb, lb, 0x11, 0x11, 2047, big+2048)
	TEST_ST(73, sb, lb, 0x22, 0x22, -2048, big+2048)
	TEST_LD(74, lb, 0x22, 0, big)
	TEST_LD(75, lb, 0x11, 0, big+4095)
	/* FENCE in its forms: a store before it is seen by a load after it */
	TEST_CASE(76, a4, 0x77, la a1, sbuf2; li a2, 0x77; sd a2, 0(a1); fence; ld a4, 0(a1))
	TEST_CASE(77, a4, 0x78, la a1, sbuf2; li a2, 0x78; sd a2, 0(a1); fence rw, rw; fence w, r; fence r, w; fence iorw, iorw; fence.tso; ld a4, 0(a1))

TEST_END

	.data
	.balign 16
tdat_b:	.byte	0x81, 0x7f, 0x00, 0xff
	.balign 2
tdat_h:	.half	0x8001, 0x7ffe, 0x0000, 0xffff
	.balign 4
tdat_w:	.word	0x80000001, 0x7ffffffe, 0, 0xffffffff
	.balign 8
tdat_d:	.dword	0x8000000000000001, 0x7ffffffffffffffe, 0, 0xffffffffffffffff
	.dword	0x0123456789abcdef

	.balign 16
	.dword	0
sbuf:	.dword	0, 0, 0
sbuf2:	.dword	0, 0, 0, 0

big:	.byte	0x5a
	.fill	4094, 1, 0
	.byte	0xa5
