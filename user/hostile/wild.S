/* SPDX-License-Identifier: BSD-2-Clause
 *
 * wild: a load from address 0, then (if that is ever resumed past) a store
 * to a kernel-like high address (0xffffffc000000000, the upper half of an
 * Sv39 address space).  A correct system delivers a load page fault
 * (scause 13, stval 0) for the first access and stops the program or hands
 * the fault to its handler; nothing is read or written, the system goes on.
 * If both accesses are somehow skipped the program exits 1.
 * qemu-riscv64: SIGSEGV on the load.
 */
	.text
	.globl	main
main:
	li	t0, 0
	ld	t1, 0(t0)		/* load page fault, scause 13 */
	li	t0, 0xffffffc000000000
	sd	t1, 0(t0)		/* store page fault, scause 15 */
	li	a0, 1
	ret
