/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/thread.h: ThreadControl, ExchangeRegisters and the thread control registers of the UTCB
 * (L4 X.2; KernelError.java, ExRegs.java).
 */
#ifndef KOLA_L4_THREAD_H
#define KOLA_L4_THREAD_H

#include <l4/types.h>
#include <l4/vregs.h>
#include <l4/syscalls.h>

/* ErrorCode of ThreadControl, SpaceControl, Schedule, ExchangeRegisters (KernelError.java). */
#define L4_ERROR_OK 0
#define L4_ERROR_NO_PRIVILEGE 1
#define L4_ERROR_INVALID_THREAD 2
#define L4_ERROR_INVALID_SPACE 3
#define L4_ERROR_INVALID_SCHEDULER 4
#define L4_ERROR_INVALID_PARAM 5
#define L4_ERROR_UTCB_AREA 6
#define L4_ERROR_KIP_AREA 7
#define L4_ERROR_NO_MEM 8

const char *L4_ErrorCode_String(L4_Word_t err);

/* ---- Thread control registers ---- */

L4_INLINE L4_ThreadId_t L4_MyGlobalId(void)
{
	L4_ThreadId_t t;
	t.raw = __L4_TCR(__L4_TCR_MY_GLOBAL_ID);
	return t;
}

/* MyLocalId: this thread's local id, its UTCB's address (UTCB word 10, the same as tp). */
L4_INLINE L4_ThreadId_t L4_MyLocalId(void)
{
	L4_ThreadId_t t;
	t.raw = __L4_TCR(__L4_TCR_MY_LOCAL_ID);
	return t;
}

L4_INLINE L4_ThreadId_t L4_Myself(void)
{
	return L4_MyGlobalId();
}

L4_INLINE L4_Word_t L4_ProcessorNo(void)
{
	return __L4_TCR(__L4_TCR_PROCESSOR_NO);
}

L4_INLINE L4_Word_t L4_UserDefinedHandle(void)
{
	return __L4_TCR(__L4_TCR_USER_DEFINED_HANDLE);
}

L4_INLINE void L4_Set_UserDefinedHandle(L4_Word_t v)
{
	__L4_TCR_Set(__L4_TCR_USER_DEFINED_HANDLE, v);
}

L4_INLINE L4_ThreadId_t L4_Pager(void)
{
	L4_ThreadId_t t;
	t.raw = __L4_TCR(__L4_TCR_PAGER);
	return t;
}

L4_INLINE void L4_Set_Pager(L4_ThreadId_t p)
{
	__L4_TCR_Set(__L4_TCR_PAGER, p.raw);
}

/* Kola: until the thread sets it, a RISC-V thread's exception handler is its pager. */
L4_INLINE L4_ThreadId_t L4_ExceptionHandler(void)
{
	L4_ThreadId_t t;
	t.raw = __L4_TCR(__L4_TCR_EXCEPTION_HANDLER);
	return t;
}

L4_INLINE void L4_Set_ExceptionHandler(L4_ThreadId_t h)
{
	__L4_TCR_Set(__L4_TCR_EXCEPTION_HANDLER, h.raw);
}

L4_INLINE L4_Word_t L4_ErrorCode(void)
{
	return __L4_TCR(__L4_TCR_ERROR_CODE);
}

L4_INLINE L4_Word_t L4_XferTimeouts(void)
{
	return __L4_TCR(__L4_TCR_XFER_TIMEOUT);
}

L4_INLINE void L4_Set_XferTimeouts(L4_Word_t v)
{
	__L4_TCR_Set(__L4_TCR_XFER_TIMEOUT, v);
}

/* ---- System calls ---- */

/*
 * ThreadControl (privileged): 1 on success, 0 on failure (L4_ErrorCode). UtcbLocation (void *)-1
 * leaves it unchanged.
 */
L4_INLINE L4_Word_t L4_ThreadControl(L4_ThreadId_t dest, L4_ThreadId_t SpaceSpecifier, L4_ThreadId_t Scheduler,
				     L4_ThreadId_t Pager, void *UtcbLocation)
{
	__L4_Regs_t r = {{dest.raw, SpaceSpecifier.raw, Scheduler.raw, Pager.raw, (L4_Word_t)UtcbLocation, 0, 0}};
	__L4_Syscall(__L4_SYS_THREAD_CONTROL, &r);
	return r.a[0];
}

/*
 * ExchangeRegisters: dest is a global id, or the local id of a thread of this space. Returns the
 * other form of dest's id (its local id for a global dest, anylocalthread if it has no UTCB yet;
 * its global id for a local dest), or nil on failure (L4_ErrorCode). With the d bit (1 << 9) the
 * old state and values come back in the out-parameters, without it 0 (X.2: undefined). sp and ip
 * are the thread's live x2 and pc. Setting ip restarts the thread with fresh registers (Kola).
 */
L4_INLINE L4_ThreadId_t L4_ExchangeRegisters(L4_ThreadId_t dest, L4_Word_t control, L4_Word_t sp, L4_Word_t ip,
					     L4_Word_t flags, L4_Word_t UserDefHandle, L4_ThreadId_t pager,
					     L4_Word_t *old_control, L4_Word_t *old_sp, L4_Word_t *old_ip,
					     L4_Word_t *old_flags, L4_Word_t *old_UserDefHandle,
					     L4_ThreadId_t *old_pager)
{
	__L4_Regs_t r = {{dest.raw, control, sp, ip, flags, UserDefHandle, pager.raw}};
	L4_ThreadId_t result;
	__L4_Syscall(__L4_SYS_EXCHANGE_REGISTERS, &r);
	result.raw = r.a[0];
	*old_control = r.a[1];
	*old_sp = r.a[2];
	*old_ip = r.a[3];
	*old_flags = r.a[4];
	*old_UserDefHandle = r.a[5];
	old_pager->raw = r.a[6];
	return result;
}

/* ---- Derived from ExchangeRegisters ---- */

typedef struct {
	L4_Word_t raw;
} L4_ThreadState_t;

L4_INLINE L4_Bool_t L4_ThreadWasHalted(L4_ThreadState_t s)
{
	return (s.raw & 1) != 0;
}

L4_INLINE L4_Bool_t L4_ThreadWasReceiving(L4_ThreadState_t s)
{
	return (s.raw & 2) != 0;
}

L4_INLINE L4_Bool_t L4_ThreadWasSending(L4_ThreadState_t s)
{
	return (s.raw & 4) != 0;
}

L4_INLINE L4_Bool_t L4_ThreadWasIpcing(L4_ThreadState_t s)
{
	return (s.raw & 6) != 0;
}

#define __L4_EXREGS(t, control, sp, ip, flags, udh, pager, c, osp, oip, ofl, oudh, opager) \
	L4_ExchangeRegisters((t), (control), (sp), (ip), (flags), (udh), (pager), (c), (osp), (oip), (ofl), (oudh), (opager))

/* GlobalIdOf: the global id of t (a local id of this space: ExchangeRegisters converts it; nil if it names no thread). */
L4_INLINE L4_ThreadId_t L4_GlobalIdOf(L4_ThreadId_t t)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	if (L4_IsLocalId(t))
		return __L4_EXREGS(t, 0, 0, 0, 0, 0, L4_nilthread, &d, &d, &d, &d, &d, &p);
	return t;
}

/* LocalIdOf: the local id of t (a global id of a thread of this space: ExchangeRegisters converts it; nil if it cannot). */
L4_INLINE L4_ThreadId_t L4_LocalIdOf(L4_ThreadId_t t)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	if (L4_IsGlobalId(t))
		return __L4_EXREGS(t, 0, 0, 0, 0, 0, L4_nilthread, &d, &d, &d, &d, &d, &p);
	return t;
}

/* SameThreads: whether l and r, either form, name the same thread. */
L4_INLINE L4_Bool_t L4_SameThreads(L4_ThreadId_t l, L4_ThreadId_t r)
{
	return L4_GlobalIdOf(l).raw == L4_GlobalIdOf(r).raw;
}

L4_INLINE L4_Word_t L4_UserDefinedHandleOf(L4_ThreadId_t t)
{
	L4_Word_t d, handle;
	L4_ThreadId_t p;
	__L4_EXREGS(t, 1UL << 9, 0, 0, 0, 0, L4_nilthread, &d, &d, &d, &d, &handle, &p);
	return handle;
}

L4_INLINE void L4_Set_UserDefinedHandleOf(L4_ThreadId_t t, L4_Word_t handle)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	__L4_EXREGS(t, 1UL << 6, 0, 0, 0, handle, L4_nilthread, &d, &d, &d, &d, &d, &p);
}

L4_INLINE L4_ThreadId_t L4_PagerOf(L4_ThreadId_t t)
{
	L4_Word_t d;
	L4_ThreadId_t pager;
	__L4_EXREGS(t, 1UL << 9, 0, 0, 0, 0, L4_nilthread, &d, &d, &d, &d, &d, &pager);
	return pager;
}

L4_INLINE void L4_Set_PagerOf(L4_ThreadId_t t, L4_ThreadId_t pager)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	__L4_EXREGS(t, 1UL << 7, 0, 0, 0, 0, pager, &d, &d, &d, &d, &d, &p);
}

/* Resume a halted thread (H = 1, h = 0), with its IPC aborted as X.2's L4_Start does (r, s). */
L4_INLINE void L4_Start(L4_ThreadId_t t)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	__L4_EXREGS(t, (1UL << 8) + 6, 0, 0, 0, 0, L4_nilthread, &d, &d, &d, &d, &d, &p);
}

/* Start (or restart) t at ip with sp: Kola gives it fresh registers (tp = its UTCB). */
L4_INLINE void L4_Start_SpIp(L4_ThreadId_t t, L4_Word_t sp, L4_Word_t ip)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	__L4_EXREGS(t, (3UL << 3) + (1UL << 8) + 6, sp, ip, 0, 0, L4_nilthread, &d, &d, &d, &d, &d, &p);
}

L4_INLINE void L4_Start_SpIpFlags(L4_ThreadId_t t, L4_Word_t sp, L4_Word_t ip, L4_Word_t flags)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	__L4_EXREGS(t, (7UL << 3) + (1UL << 8) + 6, sp, ip, flags, 0, L4_nilthread, &d, &d, &d, &d, &d, &p);
}

L4_INLINE L4_ThreadState_t L4_Stop(L4_ThreadId_t t)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	L4_ThreadState_t s;
	__L4_EXREGS(t, 1 + (1UL << 8) + (1UL << 9), 0, 0, 0, 0, L4_nilthread, &s.raw, &d, &d, &d, &d, &p);
	return s;
}

L4_INLINE L4_ThreadState_t L4_Stop_SpIpFlags(L4_ThreadId_t t, L4_Word_t *sp, L4_Word_t *ip, L4_Word_t *flags)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	L4_ThreadState_t s;
	__L4_EXREGS(t, 1 + (1UL << 8) + (1UL << 9), 0, 0, 0, 0, L4_nilthread, &s.raw, sp, ip, flags, &d, &p);
	return s;
}

L4_INLINE L4_ThreadState_t L4_AbortReceive_and_stop(L4_ThreadId_t t)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	L4_ThreadState_t s;
	__L4_EXREGS(t, 3 + (1UL << 8) + (1UL << 9), 0, 0, 0, 0, L4_nilthread, &s.raw, &d, &d, &d, &d, &p);
	return s;
}

L4_INLINE L4_ThreadState_t L4_AbortSend_and_stop(L4_ThreadId_t t)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	L4_ThreadState_t s;
	__L4_EXREGS(t, 5 + (1UL << 8) + (1UL << 9), 0, 0, 0, 0, L4_nilthread, &s.raw, &d, &d, &d, &d, &p);
	return s;
}

L4_INLINE L4_ThreadState_t L4_AbortIpc_and_stop(L4_ThreadId_t t)
{
	L4_Word_t d;
	L4_ThreadId_t p;
	L4_ThreadState_t s;
	__L4_EXREGS(t, 7 + (1UL << 8) + (1UL << 9), 0, 0, 0, 0, L4_nilthread, &s.raw, &d, &d, &d, &d, &p);
	return s;
}

/* Interrupts (privileged; ThreadControl on the line's pseudo-thread). */
L4_INLINE L4_Word_t L4_AssociateInterrupt(L4_ThreadId_t InterruptThread, L4_ThreadId_t HandlerThread)
{
	return L4_ThreadControl(InterruptThread, InterruptThread, L4_nilthread, HandlerThread, (void *)-1);
}

L4_INLINE L4_Word_t L4_DeassociateInterrupt(L4_ThreadId_t InterruptThread)
{
	return L4_ThreadControl(InterruptThread, InterruptThread, L4_nilthread, InterruptThread, (void *)-1);
}

#endif
