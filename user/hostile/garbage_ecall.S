/* SPDX-License-Identifier: BSD-2-Clause
 *
 * garbage_ecall: ecalls whose a7 is neither exit (93) nor write (64), with
 * garbage in a0..a6: a7 = 0xdeadbeef, -1, 1000, 0x7fffffff, 4096, 2000
 * (none is a Linux system call number, even truncated to 32 bits as
 * qemu-user does).
 * Under Kola these go to the runtime (not the kernel's exit/write path).
 * A correct system must survive them: it either returns an error in a0 and
 * resumes after the ecall, or terminates this program alone.  If it
 * resumes, sp, gp, tp and s0-s11 must be preserved; the program then
 * prints "garbage_ecall: survived" and exits 0 (2 if a register changed).
 * qemu-riscv64: every call returns -ENOSYS (-38); prints, exits 0.
 */
	.option norvc
	.text
	.globl	main
main:
	addi	sp, sp, -16
	sd	ra, 8(sp)
	/* recognisable values in the registers that must be preserved */
	li	s0, 0x5050505050505050
	li	s1, 0x5151515151515151
	li	s2, 0x5252525252525252
	li	s3, 0x5353535353535353
	li	s4, 0x5454545454545454
	li	s5, 0x5555555555555555
	li	s6, 0x5656565656565656
	li	s7, 0x5757575757575757
	li	s8, 0x5858585858585858
	li	s9, 0x5959595959595959
	li	s10, 0x5a5a5a5a5a5a5a5a
	li	s11, 0x5b5b5b5b5b5b5b5b
	mv	t5, sp
	mv	t6, gp
	mv	t4, tp

	la	t3, numbers
1:	ld	a7, 0(t3)
	li	a0, 0xffffffc000000000	/* kernel-like pointer */
	li	a1, -1
	li	a2, 0x7fffffffffffffff
	li	a3, 0
	li	a4, 0x12345
	li	a5, 0x8000000000000000
	li	a6, 0xdeadbeefcafebabe
	ecall
	bne	sp, t5, bad
	bne	gp, t6, bad
	bne	tp, t4, bad
	addi	t3, t3, 8
	la	t0, numbers_end
	bltu	t3, t0, 1b

	li	t0, 0x5050505050505050
	bne	s0, t0, bad
	li	t0, 0x5151515151515151
	bne	s1, t0, bad
	li	t0, 0x5252525252525252
	bne	s2, t0, bad
	li	t0, 0x5353535353535353
	bne	s3, t0, bad
	li	t0, 0x5454545454545454
	bne	s4, t0, bad
	li	t0, 0x5555555555555555
	bne	s5, t0, bad
	li	t0, 0x5656565656565656
	bne	s6, t0, bad
	li	t0, 0x5757575757575757
	bne	s7, t0, bad
	li	t0, 0x5858585858585858
	bne	s8, t0, bad
	li	t0, 0x5959595959595959
	bne	s9, t0, bad
	li	t0, 0x5a5a5a5a5a5a5a5a
	bne	s10, t0, bad
	li	t0, 0x5b5b5b5b5b5b5b5b
	bne	s11, t0, bad

	la	a0, msg
	call	puts
	li	a0, 0
	ld	ra, 8(sp)
	addi	sp, sp, 16
	ret
bad:
	li	a0, 2
	li	a7, 93
	ecall

	.section .rodata
	.balign	8
numbers:
	.dword	0xdeadbeef, -1, 1000, 0x7fffffff, 4096, 2000
numbers_end:
msg:	.asciz	"garbage_ecall: survived"
