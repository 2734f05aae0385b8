/* SPDX-License-Identifier: BSD-2-Clause
 *
 * Macros for the ISA test programs (assembly, run through cpp).
 *
 * A test program is
 *     #include "test.h"
 *     TEST_BEGIN(name)
 *       TEST_... (n, ...)     test number n >= 1, in any order
 *     TEST_END
 * It runs as main() under crt0.  Success: exit(0), nothing printed.
 * Failure of test n: prints "name: test n failed" on fd 1 and exits with
 * (n << 1) | 1, as riscv-tests do.  The number of the running test is kept
 * in TESTNUM (s11); tests may use a0-a7, t0-t6, s0-s10 freely but must
 * leave sp, gp, tp and s11 intact (or restore them before checking).
 * Instructions are not compressed unless a file says .option rvc.
 */
#ifndef ISA_TEST_H
#define ISA_TEST_H

#define TESTNUM s11

#define TEST_BEGIN(name)                                \
	.section .rodata.str1.1, "aMS", @progbits, 1;   \
.Ltest_name: .asciz #name;                              \
.Ltest_fmt: .asciz "%s: test %d failed\n";              \
	.text;                                          \
	.option norvc;                                  \
	.align 2;                                       \
	.globl main;                                    \
	.type main, @function;                          \
main:                                                   \
	li TESTNUM, 0;

#define TEST_END                                        \
	li a0, 0;                                       \
	li a7, 93;                                      \
	ecall;                                          \
fail:                                                   \
	la a0, .Ltest_fmt;                              \
	la a1, .Ltest_name;                             \
	mv a2, TESTNUM;                                 \
	call printf;                                    \
	slli a0, TESTNUM, 1;                            \
	ori a0, a0, 1;                                  \
	li a7, 93;                                      \
	ecall;                                          \
	j fail;                                         \
	.size main, . - main;

/* Run code, then require register testreg == correct. */
#define TEST_CASE(n, testreg, correct, ...)             \
test_##n:                                               \
	li TESTNUM, n;                                  \
	__VA_ARGS__;                                    \
	li t2, correct;                                 \
	bne testreg, t2, fail;

/* rd = inst(v1, v2) with distinct registers, rd == rs1, rd == rs2, rs1 == rs2 == rd */
#define TEST_RR_OP(n, inst, result, v1, v2)             \
	TEST_CASE(n, a4, result, li a1, v1; li a2, v2; inst a4, a1, a2)
#define TEST_RR_SRC1_EQ_DEST(n, inst, result, v1, v2)   \
	TEST_CASE(n, a1, result, li a1, v1; li a2, v2; inst a1, a1, a2)
#define TEST_RR_SRC2_EQ_DEST(n, inst, result, v1, v2)   \
	TEST_CASE(n, a2, result, li a1, v1; li a2, v2; inst a2, a1, a2)
#define TEST_RR_SRC12_EQ_DEST(n, inst, result, v1)      \
	TEST_CASE(n, a1, result, li a1, v1; inst a1, a1, a1)
/* a write to x0 is ignored */
#define TEST_RR_ZERODEST(n, inst, v1, v2)               \
	TEST_CASE(n, x0, 0, li a1, v1; li a2, v2; inst x0, a1, a2)
/* x0 as a source reads 0 */
#define TEST_RR_ZEROSRC1(n, inst, result, v2)           \
	TEST_CASE(n, a4, result, li a2, v2; inst a4, x0, a2)
#define TEST_RR_ZEROSRC2(n, inst, result, v1)           \
	TEST_CASE(n, a4, result, li a1, v1; inst a4, a1, x0)

/* rd = inst(v1, imm) */
#define TEST_IMM_OP(n, inst, result, v1, imm)           \
	TEST_CASE(n, a4, result, li a1, v1; inst a4, a1, imm)
#define TEST_IMM_SRC1_EQ_DEST(n, inst, result, v1, imm) \
	TEST_CASE(n, a1, result, li a1, v1; inst a1, a1, imm)
#define TEST_IMM_ZERODEST(n, inst, v1, imm)             \
	TEST_CASE(n, x0, 0, li a1, v1; inst x0, a1, imm)
#define TEST_IMM_ZEROSRC(n, inst, result, imm)          \
	TEST_CASE(n, a4, result, inst a4, x0, imm)

/* Branch on (v1, v2): taken forward and taken backward. */
#define TEST_BR_TAKEN(n, inst, v1, v2)                  \
test_##n:                                               \
	li TESTNUM, n;                                  \
	li a1, v1;                                      \
	li a2, v2;                                      \
	inst a1, a2, 1f;                                \
	j fail;                                         \
1:	j 3f;                                           \
2:	j 4f;                                           \
3:	inst a1, a2, 2b;                                \
	j fail;                                         \
4:

/* Branch on (v1, v2): not taken forward and not taken backward. */
#define TEST_BR_NOTTAKEN(n, inst, v1, v2)               \
test_##n:                                               \
	li TESTNUM, n;                                  \
	li a1, v1;                                      \
	li a2, v2;                                      \
	inst a1, a2, 1f;                                \
	j 2f;                                           \
1:	j fail;                                         \
2:	inst a1, a2, 1b;                                \

/* Load of width inst at base+off must give result. */
#define TEST_LD(n, inst, result, off, base)             \
	TEST_CASE(n, a4, result, la a1, base; inst a4, off(a1))

/* Store v (width sinst) to base+off, then load with linst: result. */
#define TEST_ST(n, sinst, linst, result, v, off, base)  \
	TEST_CASE(n, a4, result, la a1, base; li a2, v; sinst a2, off(a1); linst a4, off(a1))

#endif
