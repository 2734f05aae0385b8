/* SPDX-License-Identifier: BSD-2-Clause
 *
 * selfmodify: stores a NOP over its own first instruction.  .text is
 * mapped read-execute (the ELF segment has no W), so a correct system
 * faults the store (store page fault, scause 15, stval = the address of
 * main) and the code stays unchanged.  If the store succeeds the program
 * exits 1.
 * qemu-riscv64: SIGSEGV.
 */
	.text
	.globl	main
main:
	la	t0, main
	li	t1, 0x00000013		/* addi x0, x0, 0 */
	sw	t1, 0(t0)		/* must fault */
	li	a0, 1
	ret
