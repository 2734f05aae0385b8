/* SPDX-License-Identifier: BSD-2-Clause
 *
 * illegal_ones: executes the undefined encoding 0xffffffff.  A correct
 * system raises an illegal-instruction exception (scause 2) and stops the
 * program or hands it to its handler.  If resumed the program exits 1.
 * qemu-riscv64: SIGILL.
 */
	.option norvc
	.text
	.globl	main
main:
	.word	0xffffffff
	li	a0, 1
	ret
