/* SPDX-License-Identifier: BSD-2-Clause
 *
 * One misaligned load (LD from an address = 3 mod 8).  An implementation
 * that emulates misaligned accesses (qemu-riscv64) gets the right value and
 * exits 0.  Kola's hart traps instead: the program must end with a
 * load-address-misaligned fault, cause 4, tval = the address (see
 * TRAP_LIST).  Nothing after the load runs on Kola.
 */
#include "test.h"

TEST_BEGIN(misaligned)

	TEST_CASE(1, a4, 0x0a09080706050403, la a1, mbuf; ld a4, 3(a1))

TEST_END

	.data
	.balign 8
mbuf:	.byte	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
