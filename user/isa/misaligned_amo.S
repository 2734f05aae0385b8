/* SPDX-License-Identifier: BSD-2-Clause
 *
 * One misaligned AMO (AMOADD.W to an address = 2 mod 4).  AMOs are never
 * emulated when misaligned: Kola's hart traps with store/AMO-address-
 * misaligned, cause 6; qemu-riscv64 delivers SIGBUS (see TRAP_LIST).
 * If the AMO does complete, the program checks it and exits 0.
 */
#include "test.h"

TEST_BEGIN(misaligned_amo)

	TEST_CASE(1, a4, 0, la a1, mbuf; addi a1, a1, 2; li a2, 5; amoadd.w a4, a2, (a1); lw a5, 0(a1); li t2, 5; bne a5, t2, fail)

TEST_END

	.data
	.balign 8
mbuf:	.dword	0, 0
