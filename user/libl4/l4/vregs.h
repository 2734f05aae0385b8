/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/vregs.h: the UTCB at tp (docs/ABI-RISCV.md, "The UTCB"): thread control registers,
 * message registers MR0..MR63 (words 16..79), buffer registers BR0..BR32 (words 80..112).
 * The kernel reads MRs and BRs at an Ipc (Unmap: MRs), the writable control words at every
 * kernel entry, and writes the received message when an Ipc returns and the control words and
 * ErrorCode at every return to user mode.
 */
#ifndef KOLA_L4_VREGS_H
#define KOLA_L4_VREGS_H

#include <l4/types.h>

#define __L4_TCR_MY_GLOBAL_ID 0
#define __L4_TCR_PROCESSOR_NO 1
#define __L4_TCR_USER_DEFINED_HANDLE 2
#define __L4_TCR_PAGER 3
#define __L4_TCR_EXCEPTION_HANDLER 4
#define __L4_TCR_XFER_TIMEOUT 6
#define __L4_TCR_ERROR_CODE 7
#define __L4_TCR_INTENDED_RECEIVER 8
#define __L4_TCR_VIRTUAL_ACTUAL_SENDER 9
#define __L4_TCR_MY_LOCAL_ID 10
#define __L4_TCR_MR0 16
#define __L4_TCR_BR0 80
#define __L4_NUM_MRS 64
#define __L4_NUM_BRS 33

/* The UTCB's address: tp, fixed for the thread's life (the kernel sets it at start). */
L4_INLINE L4_Word_t *__L4_Utcb(void)
{
	L4_Word_t *u;
	__asm__("mv %0, tp" : "=r"(u));
	return u;
}

/* Thread control registers: volatile, as the kernel may rewrite them at any return to user mode. */
L4_INLINE L4_Word_t __L4_TCR(int word)
{
	return ((volatile L4_Word_t *)__L4_Utcb())[word];
}

L4_INLINE void __L4_TCR_Set(int word, L4_Word_t value)
{
	((volatile L4_Word_t *)__L4_Utcb())[word] = value;
}

L4_INLINE void L4_LoadMR(int i, L4_Word_t w)
{
	__L4_Utcb()[__L4_TCR_MR0 + i] = w;
}

L4_INLINE void L4_StoreMR(int i, L4_Word_t *w)
{
	*w = __L4_Utcb()[__L4_TCR_MR0 + i];
}

L4_INLINE void L4_LoadMRs(int i, int k, const L4_Word_t *w)
{
	L4_Word_t *mr = __L4_Utcb() + __L4_TCR_MR0 + i;
	while (k-- > 0)
		*mr++ = *w++;
}

L4_INLINE void L4_StoreMRs(int i, int k, L4_Word_t *w)
{
	const L4_Word_t *mr = __L4_Utcb() + __L4_TCR_MR0 + i;
	while (k-- > 0)
		*w++ = *mr++;
}

L4_INLINE void L4_LoadBR(int i, L4_Word_t w)
{
	__L4_Utcb()[__L4_TCR_BR0 + i] = w;
}

L4_INLINE void L4_StoreBR(int i, L4_Word_t *w)
{
	*w = __L4_Utcb()[__L4_TCR_BR0 + i];
}

L4_INLINE void L4_LoadBRs(int i, int k, const L4_Word_t *w)
{
	L4_Word_t *br = __L4_Utcb() + __L4_TCR_BR0 + i;
	while (k-- > 0)
		*br++ = *w++;
}

L4_INLINE void L4_StoreBRs(int i, int k, L4_Word_t *w)
{
	const L4_Word_t *br = __L4_Utcb() + __L4_TCR_BR0 + i;
	while (k-- > 0)
		*w++ = *br++;
}

#endif
