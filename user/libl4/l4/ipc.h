/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/ipc.h: Ipc and Lipc and the functions derived from them (L4 X.2, "IPC"); IPC error codes
 * as Kola sets them (IpcError.java): ErrorCode = kind << 1 | phase (1: receive phase failed),
 * errors 4..7 with X.2's offset from bit 4 (the bytes of the message's strings before the failure).
 */
#ifndef KOLA_L4_IPC_H
#define KOLA_L4_IPC_H

#include <l4/types.h>
#include <l4/syscalls.h>
#include <l4/message.h>
#include <l4/thread.h>

#define L4_ErrOk 0
#define L4_ErrTimeout 1
#define L4_ErrNonExist 2
#define L4_ErrCanceled 3
#define L4_ErrMsgOverflow 4
#define L4_ErrXferTimeoutInvoker 5
#define L4_ErrXferTimeoutPartner 6
#define L4_ErrAborted 7

/* The error kind (1..7) of an IPC ErrorCode. */
L4_INLINE L4_Word_t L4_IpcErrorKind(L4_Word_t err)
{
	return err >> 1 & 7;
}

/* Whether the receive phase failed (else the send phase). */
L4_INLINE L4_Bool_t L4_IpcErrorInReceive(L4_Word_t err)
{
	return (err & 1) != 0;
}

/*
 * Errors 4..7: X.2's offset, the bytes of the message's strings before the point that failed
 * (Kola moves nothing of a message that fails: the offset says where it failed).
 */
L4_INLINE L4_Word_t L4_IpcErrorOffset(L4_Word_t err)
{
	return err >> 4;
}

const char *L4_IpcError_String(L4_Word_t err);

L4_INLINE L4_Bool_t L4_IpcSucceeded(L4_MsgTag_t t)
{
	return (t.X.flags & 8) == 0;
}

L4_INLINE L4_Bool_t L4_IpcFailed(L4_MsgTag_t t)
{
	return (t.X.flags & 8) != 0;
}

/* ---- Propagation (X.2): send as another thread, with the receiver told who really sent ---- */

/* After a redirected receive, the receiver the sender named (else nil). */
L4_INLINE L4_ThreadId_t L4_IntendedReceiver(void)
{
	L4_ThreadId_t t;
	t.raw = __L4_TCR(__L4_TCR_INTENDED_RECEIVER);
	return t;
}

/* After a propagated receive, the thread that actually sent. */
L4_INLINE L4_ThreadId_t L4_ActualSender(void)
{
	L4_ThreadId_t t;
	t.raw = __L4_TCR(__L4_TCR_VIRTUAL_ACTUAL_SENDER);
	return t;
}

/* Before a send with the p flag: the thread to send as (the kernel checks that it may). */
L4_INLINE void L4_Set_VirtualSender(L4_ThreadId_t t)
{
	__L4_TCR_Set(__L4_TCR_VIRTUAL_ACTUAL_SENDER, t.raw);
}

L4_INLINE void L4_Set_Propagation(L4_MsgTag_t *t)
{
	t->X.flags |= 1;
}

L4_INLINE void L4_Clr_Propagation(L4_MsgTag_t *t)
{
	t->X.flags &= ~1UL;
}

L4_INLINE L4_Bool_t L4_IpcPropagated(L4_MsgTag_t t)
{
	return (t.X.flags & 1) != 0;
}

L4_INLINE L4_Bool_t L4_IpcRedirected(L4_MsgTag_t t)
{
	return (t.X.flags & 2) != 0;
}

L4_INLINE L4_Bool_t L4_IpcXcpu(L4_MsgTag_t t)
{
	return (t.X.flags & 4) != 0;
}

/*
 * Ipc: send the message in MR0.. to `to` (nil: no send phase), then receive from FromSpecifier
 * (nil: no receive phase; L4_anythread: any sender; L4_anylocalthread: any thread of this space).
 * Returns the tag (MR0; the error flag on failure, with L4_ErrorCode saying why); *from (may be 0)
 * gets the sender, nil without a receive: a sender of this space as its local id (X.2). `to` and
 * FromSpecifier may be local ids (of threads of this space) under the communication models that
 * name threads by id (kola.abi.Comm; not capabilities, virtual threads).
 */
L4_INLINE L4_MsgTag_t __L4_Ipc(long n, L4_ThreadId_t to, L4_ThreadId_t FromSpecifier, L4_Word_t Timeouts,
			       L4_ThreadId_t *from)
{
	L4_MsgTag_t tag;
	L4_Word_t sender = __L4_Syscall3(n, to.raw, FromSpecifier.raw, Timeouts);
	if (from)
		from->raw = sender;
	L4_StoreMR(0, &tag.raw);
	return tag;
}

L4_INLINE L4_MsgTag_t L4_Ipc(L4_ThreadId_t to, L4_ThreadId_t FromSpecifier, L4_Word_t Timeouts, L4_ThreadId_t *from)
{
	return __L4_Ipc(__L4_SYS_IPC, to, FromSpecifier, Timeouts, from);
}

/* Lipc: IPC meant for local partners (call -2); X.2 lets it be an optimised Ipc, and Kola's is Ipc. */
L4_INLINE L4_MsgTag_t L4_Lipc(L4_ThreadId_t to, L4_ThreadId_t FromSpecifier, L4_Word_t Timeouts, L4_ThreadId_t *from)
{
	return __L4_Ipc(__L4_SYS_LIPC, to, FromSpecifier, Timeouts, from);
}

L4_INLINE L4_MsgTag_t L4_Call_Timeouts(L4_ThreadId_t to, L4_Time_t SndTimeout, L4_Time_t RcvTimeout)
{
	return L4_Ipc(to, to, L4_Timeouts(SndTimeout, RcvTimeout), (L4_ThreadId_t *)0);
}

L4_INLINE L4_MsgTag_t L4_Call(L4_ThreadId_t to)
{
	return L4_Call_Timeouts(to, L4_Never, L4_Never);
}

L4_INLINE L4_MsgTag_t L4_Send_Timeout(L4_ThreadId_t to, L4_Time_t SndTimeout)
{
	return L4_Ipc(to, L4_nilthread, (L4_Word_t)SndTimeout.raw << 16, (L4_ThreadId_t *)0);
}

L4_INLINE L4_MsgTag_t L4_Send(L4_ThreadId_t to)
{
	return L4_Send_Timeout(to, L4_Never);
}

L4_INLINE L4_MsgTag_t L4_Reply(L4_ThreadId_t to)
{
	return L4_Send_Timeout(to, L4_ZeroTime);
}

L4_INLINE L4_MsgTag_t L4_Receive_Timeout(L4_ThreadId_t from, L4_Time_t RcvTimeout)
{
	return L4_Ipc(L4_nilthread, from, RcvTimeout.raw, (L4_ThreadId_t *)0);
}

L4_INLINE L4_MsgTag_t L4_Receive(L4_ThreadId_t from)
{
	return L4_Receive_Timeout(from, L4_Never);
}

L4_INLINE L4_MsgTag_t L4_Wait_Timeout(L4_Time_t RcvTimeout, L4_ThreadId_t *from)
{
	return L4_Ipc(L4_nilthread, L4_anythread, RcvTimeout.raw, from);
}

L4_INLINE L4_MsgTag_t L4_Wait(L4_ThreadId_t *from)
{
	return L4_Wait_Timeout(L4_Never, from);
}

L4_INLINE L4_MsgTag_t L4_ReplyWait_Timeout(L4_ThreadId_t to, L4_Time_t RcvTimeout, L4_ThreadId_t *from)
{
	return L4_Ipc(to, L4_anythread, L4_Timeouts(L4_ZeroTime, RcvTimeout), from);
}

L4_INLINE L4_MsgTag_t L4_ReplyWait(L4_ThreadId_t to, L4_ThreadId_t *from)
{
	return L4_ReplyWait_Timeout(to, L4_Never, from);
}

/* Lcall: Lipc to `to` and back from it, no timeouts. */
L4_INLINE L4_MsgTag_t L4_Lcall(L4_ThreadId_t to)
{
	L4_ThreadId_t dummy;
	return L4_Lipc(to, to, L4_Timeouts(L4_Never, L4_Never), &dummy);
}

/* LreplyWait: Lipc replying to `to` (zero send timeout), then receiving from any thread of this space. */
L4_INLINE L4_MsgTag_t L4_LreplyWait(L4_ThreadId_t to, L4_ThreadId_t *from)
{
	return L4_Lipc(to, L4_anylocalthread, L4_Timeouts(L4_ZeroTime, L4_Never), from);
}

/* Sleeps for t: a receive from itself, which no one can send (ends with a timeout, MR0 kept as X.2 has it). */
L4_INLINE void L4_Sleep(L4_Time_t t)
{
	L4_LoadMR(0, L4_Receive_Timeout(L4_MyGlobalId(), t).raw);
}

#endif
