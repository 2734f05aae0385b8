/* SPDX-License-Identifier: BSD-2-Clause
 *
 * privileged: reads a supervisor CSR (sstatus) from user mode.  A correct
 * system raises an illegal-instruction exception (scause 2) and stops the
 * program or hands it to its handler; the CSR is never read.  If execution
 * continues after it the program exits 1.
 * qemu-riscv64: SIGILL.
 */
	.option arch, +zicsr
	.text
	.globl	main
main:
	csrr	a0, sstatus
	li	a0, 1
	ret
