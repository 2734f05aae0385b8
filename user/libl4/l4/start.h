/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/start.h: starting a thread at a C function (Kola's RISC-V glue; X.2 leaves it to the
 * architecture). A thread started with ExchangeRegisters, or by its pager's start message, begins
 * with fresh registers: pc = ip, sp, tp = its UTCB, everything else 0, gp included. C code needs
 * gp (the linker relaxes accesses near __global_pointer$ into gp-relative ones), so the thread is
 * started at Kola_ThreadEntry, which sets gp and calls the function found at the top of its stack.
 */
#ifndef KOLA_L4_START_H
#define KOLA_L4_START_H

#include <l4/thread.h>

/* Sets gp, then calls fn(arg) with fn at 0(sp) and arg at 8(sp), on the stack above them; if fn
 * returns, the thread waits for ever (a receive from itself, with no timeout; under capabilities,
 * where that names no one, a wait for a reply to no call). */
void Kola_ThreadEntry(void);

/* The sp and ip that start a thread at fn(arg) on the stack that ends at stack_top (16-byte aligned). */
L4_INLINE L4_Word_t Kola_EntryStack(void *stack_top, void (*fn)(void *), void *arg)
{
	L4_Word_t *sp = (L4_Word_t *)stack_top - 2;
	sp[0] = (L4_Word_t)fn;
	sp[1] = (L4_Word_t)arg;
	return (L4_Word_t)sp;
}

/* Starts (or restarts) thread t at fn(arg), on the stack that ends at stack_top. */
L4_INLINE void Kola_Start(L4_ThreadId_t t, void *stack_top, void (*fn)(void *), void *arg)
{
	L4_Start_SpIp(t, Kola_EntryStack(stack_top, fn, arg), (L4_Word_t)Kola_ThreadEntry);
}

#endif
