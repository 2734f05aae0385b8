/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/syscalls.h: Kola's RISC-V system-call binding (docs/ABI-RISCV.md): ecall with the call
 * number in a7, arguments in a0..a6, results in a0 (ExchangeRegisters: a0..a6; SystemClock:
 * a0, a1). Registers other than a0..a6 survive; the message lives in the UTCB, so every call
 * is a compiler memory barrier.
 */
#ifndef KOLA_L4_SYSCALLS_H
#define KOLA_L4_SYSCALLS_H

#include <l4/types.h>

#define __L4_SYS_IPC (-1L)
#define __L4_SYS_LIPC (-2L)
#define __L4_SYS_UNMAP (-3L)
#define __L4_SYS_EXCHANGE_REGISTERS (-4L)
#define __L4_SYS_THREAD_CONTROL (-5L)
#define __L4_SYS_SPACE_CONTROL (-6L)
#define __L4_SYS_SCHEDULE (-7L)
#define __L4_SYS_THREAD_SWITCH (-8L)
#define __L4_SYS_SYSTEM_CLOCK (-9L)
#define __L4_SYS_KDB_PRINT_CHAR (-10L)
#define __L4_SYS_KDB_ENTER (-11L)
#define __L4_SYS_PROCESSOR_CONTROL (-16L)
#define __L4_SYS_MEMORY_CONTROL (-17L)

/* One ecall: a0..a6 in and out (a0..a6 may be clobbered by the kernel), a7 the number. */
typedef struct {
	L4_Word_t a[7];
} __L4_Regs_t;

L4_INLINE void __L4_Syscall(long n, __L4_Regs_t *r)
{
	register L4_Word_t a0 __asm__("a0") = r->a[0];
	register L4_Word_t a1 __asm__("a1") = r->a[1];
	register L4_Word_t a2 __asm__("a2") = r->a[2];
	register L4_Word_t a3 __asm__("a3") = r->a[3];
	register L4_Word_t a4 __asm__("a4") = r->a[4];
	register L4_Word_t a5 __asm__("a5") = r->a[5];
	register L4_Word_t a6 __asm__("a6") = r->a[6];
	register long a7 __asm__("a7") = n;
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5), "+r"(a6)
			 : "r"(a7)
			 : "memory");
	r->a[0] = a0;
	r->a[1] = a1;
	r->a[2] = a2;
	r->a[3] = a3;
	r->a[4] = a4;
	r->a[5] = a5;
	r->a[6] = a6;
}

/* The common case: up to three arguments, a0 back. */
L4_INLINE L4_Word_t __L4_Syscall3(long n, L4_Word_t x0, L4_Word_t x1, L4_Word_t x2)
{
	register L4_Word_t a0 __asm__("a0") = x0;
	register L4_Word_t a1 __asm__("a1") = x1;
	register L4_Word_t a2 __asm__("a2") = x2;
	register long a7 __asm__("a7") = n;
	__asm__ volatile("ecall"
			 : "+r"(a0), "+r"(a1), "+r"(a2)
			 : "r"(a7)
			 : "a3", "a4", "a5", "a6", "memory");
	return a0;
}

#endif
