/* SPDX-License-Identifier: BSD-2-Clause
 *
 * Kola_ThreadEntry (l4/start.h): where a thread started at a C function begins.
 */
#include <l4/start.h>

__asm__(".text\n"
	".globl Kola_ThreadEntry\n"
	".type Kola_ThreadEntry, @function\n"
	"Kola_ThreadEntry:\n"
	".option push\n"
	".option norelax\n"
	"	la gp, __global_pointer$\n"
	".option pop\n"
	"	ld t0, 0(sp)\n"
	"	ld a0, 8(sp)\n"
	"	addi sp, sp, 16\n"
	"	jalr t0\n"
	/* fn returned: Ipc(nil, myself, never), a receive from itself, which never ends (L4_Sleep's)
	 * where global ids name threads. Under the object-space models it names no one and fails at
	 * once: then Ipc(nil, L4_KolaReply, never), a wait for the reply to a call this thread never
	 * made, which never ends under capabilities. (Without it the thread would loop through failed
	 * receives for ever, holding the processor for the rest of each time slice.) */
	"1:	li a0, 0\n"
	"	ld a1, 0(tp)\n"
	"	li a2, 0\n"
	"	li a7, -1\n"
	"	ecall\n"
	"	li a0, 0\n"
	"	li a1, 0xFFFFF000\n"
	"	li a2, 0\n"
	"	li a7, -1\n"
	"	ecall\n"
	"	j 1b\n"
	".size Kola_ThreadEntry, . - Kola_ThreadEntry\n");
