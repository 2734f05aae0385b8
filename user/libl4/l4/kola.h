/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/kola.h: Kola's extensions of X.2 (kola.abi.Comm, kola.abi.Kmem and kola.abi.Sched;
 * docs/DESIGN.md): communication control (CommControl, call -12), kernel memory (KmemControl,
 * -13: quotas, retyping held pages into kernel objects under the precise model, lending them
 * under lend, kpagers), and scheduling contexts, passive threads and domains (SchedControl, -14);
 * Kola's words in the KIP (the models, RAM size, clock rate).
 *
 * Under the capabilities model IPC names slots of the caller's object space: slot i is the
 * selector i << 12 (never a global thread id). L4_KolaReply is the one-shot reply capability.
 */
#ifndef KOLA_L4_KOLA_H
#define KOLA_L4_KOLA_H

#include <l4/types.h>
#include <l4/syscalls.h>
#include <l4/kip.h>

#define __L4_SYS_COMM_CONTROL (-12L)
#define __L4_SYS_KMEM_CONTROL (-13L)
#define __L4_SYS_SCHED_CONTROL (-14L)

/* CommControl operations (kola.abi.Comm). */
#define L4_COMM_CHIEF 1
#define L4_COMM_POLICY 2
#define L4_COMM_PCLAN 3
#define L4_COMM_PCLAN_POLICY 4
#define L4_COMM_GATE 5
#define L4_COMM_LOOKUP 6
#define L4_COMM_MAP 7
#define L4_COMM_NOTIFICATION 8
#define L4_COMM_IRQ_BIND 9
#define L4_COMM_IRQ_ACK 10
#define L4_COMM_SAVE_REPLY 11
#define L4_COMM_BIND_NOTIFICATION 12
#define L4_COMM_ENDPOINT 13
#define L4_COMM_ENDPOINT_GATE 14

/* Slots per object space, and rights on a capability (an object fpage's rwx bits). */
#define L4_KOLA_SLOTS 1024
#define L4_KOLA_RECEIVE 4UL
#define L4_KOLA_SEND 2UL
#define L4_KOLA_GRANT 1UL

/* KmemControl: no quota; leave the quota, only read. */
#define L4_KMEM_UNLIMITED ((L4_Word_t)-1L)
#define L4_KMEM_UNCHANGED ((L4_Word_t)-2L)

/* KmemControl operations (a3) and the kernel-memory models the KIP names (Kola_KipKmemModel). */
#define L4_KMEM_QUOTA 0
#define L4_KMEM_RETYPE 1
#define L4_KMEM_LEND 2
#define L4_KMEM_KPAGER 3
#define L4_KMEM_EVICT 4
#define L4_KMEM_RESTORE 5
#define L4_KMEM_MODEL_POOL 0
#define L4_KMEM_MODEL_QUOTA 1
#define L4_KMEM_MODEL_LEND 2
#define L4_KMEM_MODEL_KPAGER 3
#define L4_KMEM_MODEL_PRECISE 4

/* The label of a kernel-memory fault (kpager model): MR1 a thread of the account, MR2 its number. */
#define L4_KMEM_FAULT_LABEL ((L4_Word_t)(-9L << 4))

/* Kinds of kernel object a retyped page holds. */
#define L4_KMEM_TCB 1
#define L4_KMEM_SPACE 2
#define L4_KMEM_PAGE_TABLE 3
#define L4_KMEM_MAPPING_NODE 4
#define L4_KMEM_GATE 5
#define L4_KMEM_CAPABILITY 6
#define L4_KMEM_OBJECT_SPACE 7
#define L4_KMEM_NOTIFICATION 8
#define L4_KMEM_REPLY 9
#define L4_KMEM_ENDPOINT 10

/* The communication-control models the KIP names (Kola_KipCommModel; kola.abi.Comm.MODEL_*). */
#define L4_COMM_MODEL_GLOBAL_IDS 0
#define L4_COMM_MODEL_CLANS 1
#define L4_COMM_MODEL_REDIRECTION 2
#define L4_COMM_MODEL_REDIRECTORS 3
#define L4_COMM_MODEL_PCLANS 4
#define L4_COMM_MODEL_VIRTUAL_THREADS 5
#define L4_COMM_MODEL_CAPABILITIES 6

/*
 * Kola's words in the KIP (kola.abi.KipLayout), after X.2's fixed part and the processor
 * descriptor; kip is what L4_GetKernelInterface returned. The models are also feature strings
 * ("kola-comm=global-ids", "kola-kmem=precise", ...: L4_HasFeature).
 */
#define __KOLA_KIP_COMM_MODEL 0x260
#define __KOLA_KIP_KMEM_MODEL 0x268
#define __KOLA_KIP_RAM_BYTES 0x270
#define __KOLA_KIP_CYCLES_PER_MICROSECOND 0x278
#define __KOLA_KIP_THREAD_NUMBER_LIMIT 0x280
#define __KOLA_KIP_INTERRUPT_LINES 0x288

L4_INLINE L4_Word_t __Kola_KipWord(void *kip, L4_Word_t offset)
{
	return *(volatile L4_Word_t *)((L4_Word_t)kip + offset);
}

/* The communication-control model (L4_COMM_MODEL_*) and the kernel-memory model (L4_KMEM_MODEL_*). */
L4_INLINE L4_Word_t Kola_KipCommModel(void *kip)
{
	return __Kola_KipWord(kip, __KOLA_KIP_COMM_MODEL);
}

L4_INLINE L4_Word_t Kola_KipKmemModel(void *kip)
{
	return __Kola_KipWord(kip, __KOLA_KIP_KMEM_MODEL);
}

/* The RAM in bytes (conventional memory from physical address 0). */
L4_INLINE L4_Word_t Kola_KipRamBytes(void *kip)
{
	return __Kola_KipWord(kip, __KOLA_KIP_RAM_BYTES);
}

/* Simulated cycles per microsecond (the rdcycle and SystemClock cycles). */
L4_INLINE L4_Word_t Kola_KipCyclesPerMicrosecond(void *kip)
{
	return __Kola_KipWord(kip, __KOLA_KIP_CYCLES_PER_MICROSECOND);
}

/* One more than the highest thread number the kernel accepts (X.2's t bits may allow more). */
L4_INLINE L4_Word_t Kola_KipThreadNumberLimit(void *kip)
{
	return __Kola_KipWord(kip, __KOLA_KIP_THREAD_NUMBER_LIMIT);
}

/* The interrupt lines: pseudo-threads 0..lines - 1. */
L4_INLINE L4_Word_t Kola_KipInterruptLines(void *kip)
{
	return __Kola_KipWord(kip, __KOLA_KIP_INTERRUPT_LINES);
}

/* The memory type of a boot module's pages: boot-loader specific, subtype 3 (L4_MemoryDescType). */
#define Kola_BootModuleMemoryType ((L4_Word_t)(3 << 4 | L4_BootLoaderSpecificMemoryType))
/* The generic boot information's pages (l4/bootinfo.h): boot-loader type, subtype 1, as kickstart's. */
#define Kola_BootInfoMemoryType ((L4_Word_t)(1 << 4 | L4_BootLoaderSpecificMemoryType))

/* The selector of slot i, as a thread-id word for IPC. */
L4_INLINE L4_ThreadId_t L4_KolaSelector(L4_Word_t slot)
{
	L4_ThreadId_t t;
	t.raw = slot << 12;
	return t;
}

/* The one-shot reply capability, and the sender an open receive reports for bound-notification bits. */
#define L4_KolaReply (L4_KolaSelector(0xFFFFFUL))
#define L4_KolaNotified (L4_KolaSelector(0xFFFFEUL))

/* The object fpage of 2^sizeLog2 slots from slot first, with rights (bit 3 marks an object fpage). */
L4_INLINE L4_Fpage_t L4_KolaObjectFpage(L4_Word_t first, L4_Word_t sizeLog2, L4_Word_t rights)
{
	L4_Fpage_t f;
	f.raw = first << 12 | sizeLog2 << 4 | 8UL | (rights & 7UL);
	return f;
}

/* CommControl(op, a, b, c): 1 (or the value asked for) on success, 0 on failure with L4_ErrorCode set. */
L4_INLINE L4_Word_t L4_CommControl(L4_Word_t op, L4_Word_t a, L4_Word_t b, L4_Word_t c)
{
	__L4_Regs_t r = {{op, a, b, c, 0, 0, 0}};
	__L4_Syscall(__L4_SYS_COMM_CONTROL, &r);
	return r.a[0];
}

/*
 * CommControl ENDPOINT: an IPC endpoint in the caller's slot `selector`, with all rights. A closed
 * receive from it (L4_Ipc with FromSpecifier = selector) takes its first waiting sender, or waits
 * in order of arrival with its other receivers; the result ("from") is the label of the gate the
 * sender used. A send through the endpoint capability itself finds no partner. 1 on success, 0 on
 * failure with L4_ErrorCode set (invalid parameter: a bad or taken slot).
 */
L4_INLINE L4_Word_t Kola_Endpoint(L4_ThreadId_t selector)
{
	return L4_CommControl(L4_COMM_ENDPOINT, selector.raw, 0, 0);
}

/*
 * CommControl ENDPOINT_GATE: a gate labelled `label` to the endpoint in the caller's slot
 * `endpoint` (which needs the send right there) in the caller's slot `selector`, with all rights.
 * A send through it goes to the endpoint's first waiting receiver or waits on the endpoint; a call
 * through it (L4_Call(selector)) is answered through the receiver's L4_KolaReply. 1 on success, 0
 * on failure with L4_ErrorCode set (invalid parameter: a bad or taken slot, no endpoint there, no
 * send right, or a label of 0, ~0 or L4_KolaReply's word).
 */
L4_INLINE L4_Word_t Kola_EndpointGate(L4_ThreadId_t selector, L4_ThreadId_t endpoint, L4_Word_t label)
{
	return L4_CommControl(L4_COMM_ENDPOINT_GATE, selector.raw, endpoint.raw, label);
}

/*
 * KmemControl(space, quota): 1 on success with *held = the kernel memory charged to the space and
 * every space it created, and *quota_out = its quota; 0 on failure with L4_ErrorCode set.
 */
L4_INLINE L4_Word_t L4_KmemControl(L4_ThreadId_t space, L4_Word_t quota, L4_Word_t *held, L4_Word_t *quota_out)
{
	__L4_Regs_t r = {{space.raw, quota, 0, 0, 0, 0, 0}};
	__L4_Syscall(__L4_SYS_KMEM_CONTROL, &r);
	*held = r.a[1];
	*quota_out = r.a[2];
	return r.a[0];
}

/*
 * KmemControl RETYPE(fpage, kind, account) (precise model): the pages of fpage, held writable and
 * not mapped on, become kernel memory for objects of kind of account's space. 1 on success with
 * *pages = the pages retyped; 0 on failure with L4_ErrorCode set.
 */
L4_INLINE L4_Word_t L4_KmemRetype(L4_Fpage_t fpage, L4_Word_t kind, L4_ThreadId_t account, L4_Word_t *pages)
{
	__L4_Regs_t r = {{fpage.raw, kind, account.raw, L4_KMEM_RETYPE, 0, 0, 0}};
	__L4_Syscall(__L4_SYS_KMEM_CONTROL, &r);
	*pages = r.a[1];
	return r.a[0];
}

/* KmemControl LEND(fpage, account) (lend model): as L4_KmemRetype, for objects of any kind, pinned. */
L4_INLINE L4_Word_t L4_KmemLend(L4_Fpage_t fpage, L4_ThreadId_t account, L4_Word_t *pages)
{
	__L4_Regs_t r = {{fpage.raw, account.raw, 0, L4_KMEM_LEND, 0, 0, 0}};
	__L4_Syscall(__L4_SYS_KMEM_CONTROL, &r);
	*pages = r.a[1];
	return r.a[0];
}

/* SchedControl operations (kola.abi.Sched). */
#define L4_SCHED_CREATE 0
#define L4_SCHED_CONFIGURE 1
#define L4_SCHED_BIND 2
#define L4_SCHED_UNBIND 3
#define L4_SCHED_PASSIVE 4
#define L4_SCHED_TIMEOUT_HANDLER 5
#define L4_SCHED_DELETE 6
#define L4_SCHED_QUERY 7
#define L4_SCHED_DOMAIN 8
#define L4_SCHED_DOMAIN_SCHEDULE 9
/* Domain-switch counter-measures; a slot word of a domain schedule (in MR1..MRn). */
#define L4_SCHED_FLUSH 1UL
#define L4_SCHED_PAD 2UL
#define L4_SchedSlot(domain, micros) (((L4_Word_t)(domain) << 32) | ((L4_Word_t)(micros) & 0xFFFFFFFFUL))
/* The label of a timeout fault (MR1 the caller whose context ran out, MR2 the context). */
#define L4_KOLA_TIMEOUT_FAULT_LABEL ((L4_Word_t)(-7L << 4))

/*
 * SchedControl(op, a, b, c): 1 on success, 0 on failure with L4_ErrorCode set; out[0..2] receive
 * QUERY's budget available (cycles), cycles consumed and bound thread (0 otherwise). out may be 0.
 */
L4_INLINE L4_Word_t L4_SchedControl(L4_Word_t op, L4_Word_t a, L4_Word_t b, L4_Word_t c, L4_Word_t *out)
{
	__L4_Regs_t r = {{op, a, b, c, 0, 0, 0}};
	__L4_Syscall(__L4_SYS_SCHED_CONTROL, &r);
	if (out) {
		out[0] = r.a[1];
		out[1] = r.a[2];
		out[2] = r.a[3];
	}
	return r.a[0];
}

#endif
