/* SPDX-License-Identifier: BSD-2-Clause
 *
 * A reservation does not survive a trap: LR; ecall (write of 0 bytes);
 * SC must fail.  An implementation may drop the reservation on any trap;
 * Kola's hart is to drop it on every trap, so under Kola this program must
 * exit 0.  qemu-riscv64 (qemu-user 7.2) keeps the reservation across the
 * system call, the SC succeeds and the program exits 3 ("rv64a_trap: test
 * 1 failed"); see KOLA_ONLY_LIST.
 */
#include "test.h"

TEST_BEGIN(rv64a_trap)

	/* LR.D; write(1, buf, 0); SC.D fails and memory is unchanged */
	TEST_CASE(1, a5, 0x1234,
		la s1, resv; li a2, 0x1234; sd a2, 0(s1);
		lr.d s2, (s1);
		li a0, 1; mv a1, s1; li a2, 0; li a7, 64; ecall;
		bnez a0, fail;
		li a2, 0x5678; sc.d s3, a2, (s1); beqz s3, fail;
		ld a5, 0(s1))

	/* the same with LR.W / SC.W */
	TEST_CASE(2, a5, 0x1234,
		la s1, resv;
		lr.w s2, (s1);
		li a0, 1; mv a1, s1; li a2, 0; li a7, 64; ecall;
		bnez a0, fail;
		li a2, 0x5678; sc.w s3, a2, (s1); beqz s3, fail;
		lw a5, 0(s1))

TEST_END

	.data
	.balign 8
resv:	.dword	0
