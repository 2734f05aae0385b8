/* SPDX-License-Identifier: BSD-2-Clause
 *
 * RV64A: LR/SC and every AMO.
 *  - LR.W/LR.D then SC to the same address succeeds (rd = 0) and stores;
 *    LR.W sign-extends; SC.W stores only its word.
 *  - SC fails (rd != 0, memory unchanged) without a reservation: SC with no
 *    LR before it, a second SC after a successful one, SC to an address in
 *    another page than the LR (that failed SC also ends the reservation),
 *    SC to the first address after a second LR elsewhere.
 *  - AMOSWAP AMOADD AMOXOR AMOAND AMOOR AMOMIN AMOMAX AMOMINU AMOMAXU in .W
 *    and .D: rd gets the old value (sign-extended for .W), memory gets the
 *    result, the other word of a .W target is untouched; rd = x0; rd == rs2;
 *    the .aq/.rl/.aqrl forms.
 * The reservation lost across a trap (ecall) is tested by rv64a_trap.
 */
#include "test.h"

#define SENTINEL 0x5a5a5a5a

/* .W AMO on the low word of amobuf (the high word holds SENTINEL) */
#define TEST_AMO_W(n, inst, old, newmem, init, v)                       \
	TEST_CASE(n, a4, old,                                           \
		la a1, amobuf; li a3, init; sw a3, 0(a1);               \
		li a3, SENTINEL; sw a3, 4(a1);                          \
		li a2, v; inst a4, a2, (a1);                            \
		lw a5, 0(a1); li t2, newmem; bne a5, t2, fail;          \
		lw a5, 4(a1); li t2, SENTINEL; bne a5, t2, fail)

/* .D AMO on amobuf */
#define TEST_AMO_D(n, inst, old, newmem, init, v)                       \
	TEST_CASE(n, a4, old,                                           \
		la a1, amobuf; li a3, init; sd a3, 0(a1);               \
		li a2, v; inst a4, a2, (a1);                            \
		ld a5, 0(a1); li t2, newmem; bne a5, t2, fail)

TEST_BEGIN(rv64a)

	/* LR.D / SC.D success */
	TEST_CASE(1, a4, 0, la a1, resA; li a2, 0x1111; sd a2, 0(a1); lr.d a3, (a1); addi a3, a3, 1; sc.d a4, a3, (a1))
	TEST_CASE(2, a5, 0x1112, la a1, resA; ld a5, 0(a1))
	/* LR.W sign-extends, SC.W success writes only its word */
	TEST_CASE(3, a3, 0xffffffff80000000, la a1, resA; li a2, 0x7777777780000000; sd a2, 0(a1); lr.w a3, (a1))
	TEST_CASE(4, a4, 0, la a1, resA; li a2, 0x12345678ffffffff; sc.w a4, a2, (a1))
	TEST_CASE(5, a5, 0x77777777ffffffff, la a1, resA; ld a5, 0(a1))
	/* LR.W / SC.W on the upper word of a doubleword */
	TEST_CASE(6, a4, 0, la a1, resA+4; lr.w a3, (a1); li a2, 0x01020304; sc.w a4, a2, (a1); li t2, 0x77777777; bne a3, t2, fail)
	TEST_CASE(7, a5, 0x01020304ffffffff, la a1, resA; ld a5, 0(a1))

	/* SC after a successful SC has no reservation: fails, memory unchanged */
	TEST_CASE(8, a5, 0x99, la a1, resA; li a2, 0x99; sd a2, 0(a1); lr.d a3, (a1); sc.d a4, a2, (a1); bnez a4, fail; li a2, 0x55; sc.d a4, a2, (a1); beqz a4, fail; ld a5, 0(a1))
	TEST_CASE(9, a5, 0x99, la a1, resA; li a2, 0x66; sc.w a4, a2, (a1); beqz a4, fail; ld a5, 0(a1))
	/* SC to another page than the LR fails; the failed SC ends the reservation */
	TEST_CASE(10, a5, 0xbb, la a1, resA; la a6, resB; li a2, 0xbb; sd a2, 0(a6); lr.d a3, (a1); li a2, 0x44; sc.d a4, a2, (a6); beqz a4, fail; ld a5, 0(a6))
	TEST_CASE(11, a5, 0x99, la a1, resA; li a2, 0x33; sc.d a4, a2, (a1); beqz a4, fail; ld a5, 0(a1))
	TEST_CASE(12, a5, 0xbb, la a1, resA; la a6, resB; lr.w a3, (a1); li a2, 0x44; sc.w a4, a2, (a6); beqz a4, fail; lw a5, 0(a6))
	/* a second LR replaces the reservation: SC to the first address fails,
	 * SC to the second one succeeds */
	TEST_CASE(13, a5, 0x99, la a1, resA; la a6, resB; lr.d a3, (a1); lr.d a3, (a6); li a2, 0x22; sc.d a4, a2, (a1); beqz a4, fail; ld a5, 0(a1))
	TEST_CASE(14, a5, 0xcc, la a1, resA; la a6, resB; lr.d a3, (a1); lr.d a3, (a6); li a2, 0xcc; sc.d a4, a2, (a6); bnez a4, fail; ld a5, 0(a6))
	/* an LR/SC retry loop: 100 atomic increments */
	TEST_CASE(15, a5, 100, la a1, resA; sd zero, 0(a1); li t3, 100; 1: lr.d.aq a3, (a1); addi a3, a3, 1; sc.d.rl a4, a3, (a1); bnez a4, 1b; addi t3, t3, -1; bnez t3, 1b; ld a5, 0(a1))
	TEST_CASE(16, a5, 0xffffffffffffff9c, la a1, resA; sw zero, 0(a1); li t3, 100; 1: lr.w.aqrl a3, (a1); addi a3, a3, -1; sc.w.aqrl a4, a3, (a1); bnez a4, 1b; addi t3, t3, -1; bnez t3, 1b; lw a5, 0(a1))

	/* AMOSWAP.W and AMOSWAP.D */
	TEST_AMO_W(101, amoswap.w, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x0000000000000001)
	TEST_AMO_W(102, amoswap.w, 0xffffffff80000000, 0x000000007fffffff, 0x0000000080000000, 0x000000007fffffff)
	TEST_AMO_W(103, amoswap.w, 0xffffffffffffffff, 0x0000000000000001, 0x00000000ffffffff, 0x0000000000000001)
	TEST_AMO_W(104, amoswap.w, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_W(105, amoswap.w, 0x0000000012345678, 0x0000000000000003, 0x0000000012345678, 0xdeadbeef00000003)
	TEST_AMO_W(106, amoswap.w, 0xffffffff80000000, 0xffffffff80000000, 0x0000000080000000, 0x0000000080000000)
	TEST_AMO_D(107, amoswap.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(108, amoswap.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMO_D(109, amoswap.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(110, amoswap.d, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_D(111, amoswap.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0xfedcba9876543210)

	/* AMOADD.W and AMOADD.D */
	TEST_AMO_W(112, amoadd.w, 0x000000007fffffff, 0xffffffff80000000, 0x000000007fffffff, 0x0000000000000001)
	TEST_AMO_W(113, amoadd.w, 0xffffffff80000000, 0xffffffffffffffff, 0x0000000080000000, 0x000000007fffffff)
	TEST_AMO_W(114, amoadd.w, 0xffffffffffffffff, 0x0000000000000000, 0x00000000ffffffff, 0x0000000000000001)
	TEST_AMO_W(115, amoadd.w, 0x0000000000000005, 0x0000000000000000, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_W(116, amoadd.w, 0x0000000012345678, 0x000000001234567b, 0x0000000012345678, 0xdeadbeef00000003)
	TEST_AMO_W(117, amoadd.w, 0xffffffff80000000, 0x0000000000000000, 0x0000000080000000, 0x0000000080000000)
	TEST_AMO_D(118, amoadd.d, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(119, amoadd.d, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMO_D(120, amoadd.d, 0xffffffffffffffff, 0x0000000000000000, 0xffffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(121, amoadd.d, 0x0000000000000005, 0x0000000000000000, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_D(122, amoadd.d, 0x0123456789abcdef, 0xffffffffffffffff, 0x0123456789abcdef, 0xfedcba9876543210)

	/* AMOXOR.W and AMOXOR.D */
	TEST_AMO_W(123, amoxor.w, 0x000000007fffffff, 0x000000007ffffffe, 0x000000007fffffff, 0x0000000000000001)
	TEST_AMO_W(124, amoxor.w, 0xffffffff80000000, 0xffffffffffffffff, 0x0000000080000000, 0x000000007fffffff)
	TEST_AMO_W(125, amoxor.w, 0xffffffffffffffff, 0xfffffffffffffffe, 0x00000000ffffffff, 0x0000000000000001)
	TEST_AMO_W(126, amoxor.w, 0x0000000000000005, 0xfffffffffffffffe, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_W(127, amoxor.w, 0x0000000012345678, 0x000000001234567b, 0x0000000012345678, 0xdeadbeef00000003)
	TEST_AMO_W(128, amoxor.w, 0xffffffff80000000, 0x0000000000000000, 0x0000000080000000, 0x0000000080000000)
	TEST_AMO_D(129, amoxor.d, 0x7fffffffffffffff, 0x7ffffffffffffffe, 0x7fffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(130, amoxor.d, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMO_D(131, amoxor.d, 0xffffffffffffffff, 0xfffffffffffffffe, 0xffffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(132, amoxor.d, 0x0000000000000005, 0xfffffffffffffffe, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_D(133, amoxor.d, 0x0123456789abcdef, 0xffffffffffffffff, 0x0123456789abcdef, 0xfedcba9876543210)

	/* AMOAND.W and AMOAND.D */
	TEST_AMO_W(134, amoand.w, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x0000000000000001)
	TEST_AMO_W(135, amoand.w, 0xffffffff80000000, 0x0000000000000000, 0x0000000080000000, 0x000000007fffffff)
	TEST_AMO_W(136, amoand.w, 0xffffffffffffffff, 0x0000000000000001, 0x00000000ffffffff, 0x0000000000000001)
	TEST_AMO_W(137, amoand.w, 0x0000000000000005, 0x0000000000000001, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_W(138, amoand.w, 0x0000000012345678, 0x0000000000000000, 0x0000000012345678, 0xdeadbeef00000003)
	TEST_AMO_W(139, amoand.w, 0xffffffff80000000, 0xffffffff80000000, 0x0000000080000000, 0x0000000080000000)
	TEST_AMO_D(140, amoand.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(141, amoand.d, 0x8000000000000000, 0x0000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMO_D(142, amoand.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(143, amoand.d, 0x0000000000000005, 0x0000000000000001, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_D(144, amoand.d, 0x0123456789abcdef, 0x0000000000000000, 0x0123456789abcdef, 0xfedcba9876543210)

	/* AMOOR.W and AMOOR.D */
	TEST_AMO_W(145, amoor.w, 0x000000007fffffff, 0x000000007fffffff, 0x000000007fffffff, 0x0000000000000001)
	TEST_AMO_W(146, amoor.w, 0xffffffff80000000, 0xffffffffffffffff, 0x0000000080000000, 0x000000007fffffff)
	TEST_AMO_W(147, amoor.w, 0xffffffffffffffff, 0xffffffffffffffff, 0x00000000ffffffff, 0x0000000000000001)
	TEST_AMO_W(148, amoor.w, 0x0000000000000005, 0xffffffffffffffff, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_W(149, amoor.w, 0x0000000012345678, 0x000000001234567b, 0x0000000012345678, 0xdeadbeef00000003)
	TEST_AMO_W(150, amoor.w, 0xffffffff80000000, 0xffffffff80000000, 0x0000000080000000, 0x0000000080000000)
	TEST_AMO_D(151, amoor.d, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(152, amoor.d, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMO_D(153, amoor.d, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(154, amoor.d, 0x0000000000000005, 0xffffffffffffffff, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_D(155, amoor.d, 0x0123456789abcdef, 0xffffffffffffffff, 0x0123456789abcdef, 0xfedcba9876543210)

	/* AMOMIN.W and AMOMIN.D */
	TEST_AMO_W(156, amomin.w, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x0000000000000001)
	TEST_AMO_W(157, amomin.w, 0xffffffff80000000, 0xffffffff80000000, 0x0000000080000000, 0x000000007fffffff)
	TEST_AMO_W(158, amomin.w, 0xffffffffffffffff, 0xffffffffffffffff, 0x00000000ffffffff, 0x0000000000000001)
	TEST_AMO_W(159, amomin.w, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_W(160, amomin.w, 0x0000000012345678, 0x0000000000000003, 0x0000000012345678, 0xdeadbeef00000003)
	TEST_AMO_W(161, amomin.w, 0xffffffff80000000, 0xffffffff80000000, 0x0000000080000000, 0x0000000080000000)
	TEST_AMO_D(162, amomin.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(163, amomin.d, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMO_D(164, amomin.d, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(165, amomin.d, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_D(166, amomin.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0xfedcba9876543210)

	/* AMOMAX.W and AMOMAX.D */
	TEST_AMO_W(167, amomax.w, 0x000000007fffffff, 0x000000007fffffff, 0x000000007fffffff, 0x0000000000000001)
	TEST_AMO_W(168, amomax.w, 0xffffffff80000000, 0x000000007fffffff, 0x0000000080000000, 0x000000007fffffff)
	TEST_AMO_W(169, amomax.w, 0xffffffffffffffff, 0x0000000000000001, 0x00000000ffffffff, 0x0000000000000001)
	TEST_AMO_W(170, amomax.w, 0x0000000000000005, 0x0000000000000005, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_W(171, amomax.w, 0x0000000012345678, 0x0000000012345678, 0x0000000012345678, 0xdeadbeef00000003)
	TEST_AMO_W(172, amomax.w, 0xffffffff80000000, 0xffffffff80000000, 0x0000000080000000, 0x0000000080000000)
	TEST_AMO_D(173, amomax.d, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(174, amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMO_D(175, amomax.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(176, amomax.d, 0x0000000000000005, 0x0000000000000005, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_D(177, amomax.d, 0x0123456789abcdef, 0x0123456789abcdef, 0x0123456789abcdef, 0xfedcba9876543210)

	/* AMOMINU.W and AMOMINU.D */
	TEST_AMO_W(178, amominu.w, 0x000000007fffffff, 0x0000000000000001, 0x000000007fffffff, 0x0000000000000001)
	TEST_AMO_W(179, amominu.w, 0xffffffff80000000, 0x000000007fffffff, 0x0000000080000000, 0x000000007fffffff)
	TEST_AMO_W(180, amominu.w, 0xffffffffffffffff, 0x0000000000000001, 0x00000000ffffffff, 0x0000000000000001)
	TEST_AMO_W(181, amominu.w, 0x0000000000000005, 0x0000000000000005, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_W(182, amominu.w, 0x0000000012345678, 0x0000000000000003, 0x0000000012345678, 0xdeadbeef00000003)
	TEST_AMO_W(183, amominu.w, 0xffffffff80000000, 0xffffffff80000000, 0x0000000080000000, 0x0000000080000000)
	TEST_AMO_D(184, amominu.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(185, amominu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMO_D(186, amominu.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(187, amominu.d, 0x0000000000000005, 0x0000000000000005, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_D(188, amominu.d, 0x0123456789abcdef, 0x0123456789abcdef, 0x0123456789abcdef, 0xfedcba9876543210)

	/* AMOMAXU.W and AMOMAXU.D */
	TEST_AMO_W(189, amomaxu.w, 0x000000007fffffff, 0x000000007fffffff, 0x000000007fffffff, 0x0000000000000001)
	TEST_AMO_W(190, amomaxu.w, 0xffffffff80000000, 0xffffffff80000000, 0x0000000080000000, 0x000000007fffffff)
	TEST_AMO_W(191, amomaxu.w, 0xffffffffffffffff, 0xffffffffffffffff, 0x00000000ffffffff, 0x0000000000000001)
	TEST_AMO_W(192, amomaxu.w, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_W(193, amomaxu.w, 0x0000000012345678, 0x0000000012345678, 0x0000000012345678, 0xdeadbeef00000003)
	TEST_AMO_W(194, amomaxu.w, 0xffffffff80000000, 0xffffffff80000000, 0x0000000080000000, 0x0000000080000000)
	TEST_AMO_D(195, amomaxu.d, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(196, amomaxu.d, 0x8000000000000000, 0x8000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
	TEST_AMO_D(197, amomaxu.d, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001)
	TEST_AMO_D(198, amomaxu.d, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0xfffffffffffffffb)
	TEST_AMO_D(199, amomaxu.d, 0x0123456789abcdef, 0xfedcba9876543210, 0x0123456789abcdef, 0xfedcba9876543210)

	/* rd = x0: the memory operation still happens */
	TEST_CASE(200, a5, 10, la a1, amobuf; li a2, 3; sd a2, 0(a1); li a3, 7; amoadd.d x0, a3, (a1); ld a5, 0(a1))
	TEST_CASE(201, a5, 0xffffffffdeadbeef, la a1, amobuf; li a3, 0xdeadbeef; amoswap.w zero, a3, (a1); lw a5, 0(a1))
	/* rd == rs2: rd gets the old value, memory the sum with the old rs2 */
	TEST_CASE(202, a2, 40, la a1, amobuf; li a2, 40; sd a2, 0(a1); li a2, 2; amoadd.d a2, a2, (a1); ld a5, 0(a1); li t2, 42; bne a5, t2, fail)
	/* ordering bits do not change the result */
	TEST_CASE(203, a4, 5, la a1, amobuf; li a2, 5; sd a2, 0(a1); li a2, 9; amoswap.d.aq a4, a2, (a1))
	TEST_CASE(204, a4, 9, la a1, amobuf; li a2, 1; amoor.d.rl a4, a2, (a1))
	TEST_CASE(205, a4, 9, la a1, amobuf; li a2, 1; amoand.d.aqrl a4, a2, (a1); ld a5, 0(a1); li t2, 1; bne a5, t2, fail)
	/* a .W AMO on the upper word of a doubleword */
	TEST_CASE(206, a4, 0xffffffff80000000, la a1, amobuf; li a2, 0x800000007fffffff; sd a2, 0(a1); li a2, 1; addi a6, a1, 4; amoadd.w a4, a2, (a6); ld a5, 0(a1); li t2, 0x800000017fffffff; bne a5, t2, fail)

TEST_END

	.data
	.balign 16
amobuf:	.dword	0, 0
	.balign 4096
resA:	.dword	0
	.balign 4096
resB:	.dword	0
