/* SPDX-License-Identifier: BSD-2-Clause
 *
 * One misaligned store (SW to an address = 2 mod 4), read back with byte
 * loads.  qemu-riscv64 emulates it and the program exits 0; Kola's hart
 * traps with store/AMO-address-misaligned, cause 6 (see TRAP_LIST).
 */
#include "test.h"

TEST_BEGIN(misaligned_store)

	TEST_CASE(1, a4, 0x44332211,
		la a1, mbuf; li a2, 0x44332211; sw a2, 2(a1);
		lbu a4, 5(a1); lbu t1, 4(a1); slli a4, a4, 8; or a4, a4, t1;
		lbu t1, 3(a1); slli a4, a4, 8; or a4, a4, t1;
		lbu t1, 2(a1); slli a4, a4, 8; or a4, a4, t1)

TEST_END

	.data
	.balign 8
mbuf:	.dword	0, 0
