/* SPDX-License-Identifier: BSD-2-Clause
 *
 * bad_write: write (a7 = 64) with buffers the program does not own:
 * NULL, a kernel-like address, a buffer running off the end of the data
 * segment, and an absurd length.  A correct system never reads outside
 * the program's mapped memory: it returns an error (a negative a0) or
 * stops this program, and never crashes.  If it resumes after every call,
 * the program prints "bad_write: survived" and exits 0.
 * qemu-riscv64: each write returns -EFAULT (-14); prints, exits 0.
 */
	.text
	.globl	main
main:
	addi	sp, sp, -16
	sd	ra, 8(sp)

	li	a0, 1
	li	a1, 0			/* NULL */
	li	a2, 16
	li	a7, 64
	ecall

	li	a0, 1
	li	a1, 0xffffffc000000000	/* kernel-like */
	li	a2, 16
	li	a7, 64
	ecall

	li	a0, 1
	la	a1, _end		/* crosses the end of the data segment */
	addi	a1, a1, -4
	li	a2, 0x100000
	li	a7, 64
	ecall

	li	a0, 1
	la	a1, msg
	li	a2, -1			/* length 2^64 - 1 */
	li	a7, 64
	ecall

	la	a0, msg
	call	puts
	li	a0, 0
	ld	ra, 8(sp)
	addi	sp, sp, 16
	ret

	.section .rodata
msg:	.asciz	"bad_write: survived"
