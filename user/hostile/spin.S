/* SPDX-License-Identifier: BSD-2-Clause
 *
 * spin: an endless loop that never makes a system call and never faults.
 * A correct system keeps running everything else (timer preemption) and
 * can stop this program from outside, e.g. by a time or instruction budget
 * of the runner or by killing its thread; the program itself never exits.
 * qemu-riscv64: runs until killed.
 */
	.text
	.globl	main
main:
1:	j	1b
