/* SPDX-License-Identifier: BSD-2-Clause
 *
 * crt0 for freestanding Kola user programs (also runs under qemu-riscv64).
 *
 * Entry: _start, sp set by the loader (16-byte aligned, argc at sp, argv
 * after it, as Linux lays out a new program's stack).  We set gp, zero
 * .sbss/.bss, call int main(int argc, char **argv) and exit with its return
 * value through ecall 93.
 */
	.section .text.start, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	/* gp must be loaded with relaxation off, or the assembler would
	 * express it relative to gp itself. */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop

	/* zero [start of .bss, _end): from this file's .bss, the first in the
	 * output .bss (crt0 is linked first), not from __bss_start, which the
	 * linker sets before aligning .bss and which may lie on a page outside
	 * every segment (a page-aligned object in .bss, and no .data); then
	 * doublewords, then any tail bytes. */
	la	t0, __crt0_bss
	la	t1, _end
	addi	t0, t0, 7
	andi	t0, t0, -8
	addi	t2, t1, -8
1:	bgtu	t0, t2, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	bgeu	t0, t1, 4f
	sb	zero, 0(t0)
	addi	t0, t0, 1
	j	2b
4:
	/* main(argc, argv): the loader's initial stack, as Linux lays it out (argc at sp, argv
	 * after it), which both kola exec's runtime and qemu-riscv64 provide. */
	ld	a0, 0(sp)
	addi	a1, sp, 8
	call	main
	/* exit(a0); never returns, but loop on it if it does */
6:	li	a7, 93
	ecall
	j	6b
	.size	_start, . - _start

	/* Every program has a .bss, so [__crt0_bss, _end) lies inside the
	 * data segment: without one the linker still sets _end past the last
	 * mapped byte. */
	.section .bss
	.balign	8
__crt0_bss:
	.zero	8
