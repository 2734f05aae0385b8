/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/sigma0.h: sigma0's RPC protocol (L4 X.2, "Sigma0 RPC protocol"; kola.system.Sigma0). A
 * request has label -6 << 4, MR1 the fpage wanted (its base all ones: any free region of its
 * size), MR2 the attributes (0); the reply maps it, send base = the fpage's base, so that the
 * caller's receive window decides where it lands. A refusal is a map item of the nil fpage.
 */
#ifndef KOLA_L4_SIGMA0_H
#define KOLA_L4_SIGMA0_H

#include <l4/types.h>
#include <l4/message.h>
#include <l4/ipc.h>
#include <l4/kip.h>

/* The sigma0 protocol's label, as the 48-bit label field holds -6 << 4. */
#define L4_SIGMA0_LABEL (((L4_Word_t)-6 << 4) & 0xFFFFFFFFFFFFUL)

/* Sigma0's thread: the first user thread (the KIP's ThreadIdUserBase, version 1). */
L4_INLINE L4_ThreadId_t L4_Sigma0(void)
{
	return L4_GlobalId(L4_ThreadIdUserBase(L4_GetKernelInterface()), 1);
}

/*
 * Asks sigma0 s0 (nil: the KIP's) for fpage f, mapped into RcvWindow. Returns the fpage sigma0
 * sent (nil if it refused, or the IPC failed).
 */
L4_INLINE L4_Fpage_t L4_Sigma0_GetPage_RcvWindow(L4_ThreadId_t s0, L4_Fpage_t f, L4_Fpage_t RcvWindow)
{
	L4_Msg_t msg;
	L4_MapItem_t m;
	if (L4_IsNilThread(s0))
		s0 = L4_Sigma0();
	L4_Accept(L4_MapGrantItems(RcvWindow));
	L4_MsgClear(&msg);
	L4_Set_MsgLabel(&msg, L4_SIGMA0_LABEL);
	L4_MsgAppendWord(&msg, f.raw);
	L4_MsgAppendWord(&msg, 0);
	L4_MsgLoad(&msg);
	L4_MsgTag_t tag = L4_Call(s0);
	L4_Accept(L4_UntypedWordsAcceptor);
	if (L4_IpcFailed(tag) || L4_TypedWords(tag) != 2)
		return L4_Nilpage;
	L4_MsgStore(tag, &msg);
	L4_MsgGetMapItem(&msg, 0, &m);
	return L4_MapItemSndFpage(m);
}

/* Fpage f, mapped where it lies (the whole address space as the window: sigma0 maps 1:1). */
L4_INLINE L4_Fpage_t L4_Sigma0_GetPage(L4_ThreadId_t s0, L4_Fpage_t f)
{
	return L4_Sigma0_GetPage_RcvWindow(s0, f, L4_CompleteAddressSpace);
}

/* Any free region of 2^s bytes, into RcvWindow. */
L4_INLINE L4_Fpage_t L4_Sigma0_GetAny(L4_ThreadId_t s0, L4_Word_t s, L4_Fpage_t RcvWindow)
{
	return L4_Sigma0_GetPage_RcvWindow(s0, L4_FpageLog2(~0UL, (int)s), RcvWindow);
}

#endif
