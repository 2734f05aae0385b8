/* SPDX-License-Identifier: BSD-2-Clause
 *
 * ebreak: executes EBREAK (the 32-bit form).  A correct system reports a
 * breakpoint exception (scause 3, sepc = the ebreak) to the program's
 * handler or stops the program; nothing else is affected.  If execution
 * continues after it the program exits 1.
 * qemu-riscv64: SIGTRAP.
 */
	.option norvc
	.text
	.globl	main
main:
	ebreak
	li	a0, 1
	ret
