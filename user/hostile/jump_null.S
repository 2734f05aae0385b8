/* SPDX-License-Identifier: BSD-2-Clause
 *
 * jump_null: jumps to address 0 (a call through a null function pointer).
 * A correct system raises an instruction page fault (scause 12, stval 0,
 * sepc 0) and stops the program or hands it to its handler.
 * qemu-riscv64: SIGSEGV.
 */
	.text
	.globl	main
main:
	li	t0, 0
	jalr	ra, 0(t0)
	li	a0, 1
	ret
