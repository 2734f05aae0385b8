/* SPDX-License-Identifier: BSD-2-Clause
 *
 * illegal: executes the all-zeros instruction (0x0000, defined to be
 * illegal), then, if resumed after it, the undefined encoding 0xffffffff
 * (its low bits announce an instruction longer than 32 bits).  A correct
 * system raises an illegal-instruction exception (scause 2; stval 0 or the
 * instruction bits) for each, and stops the program or hands it to its
 * handler.  If both are skipped the program exits 1.  illegal_ones runs
 * the second encoding on its own.
 * qemu-riscv64: SIGILL.
 */
	.option norvc
	.text
	.globl	main
main:
	.word	0x00000000
	.word	0xffffffff
	li	a0, 1
	ret
