/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/misc.h: ProcessorControl and MemoryControl (L4 X.2, privileged), under the names of
 * Pistachio's <l4/misc.h> and the X.2 manual. Both return 1 on success, 0 on failure with
 * L4_ErrorCode: no privilege (1) for a thread of a space that is not privileged, invalid
 * parameter (5) for a word the call refuses; a refused call changes nothing.
 *
 * Memory attributes are the RISC-V Svpbmt memory type of a page (kola.abi.MemoryControl):
 * L4_DefaultMemory (0, PMA: cacheable RAM), Kola_NonCacheableMemory (1, NC) and Kola_IOMemory
 * (2, IO); anything else is invalid. With a memory cache (kola exec --cache) an access to an NC
 * or IO page bypasses it and costs a trip to memory; without one the attribute costs nothing.
 * MemoryControl sets the attribute of the caller's own mappings in each fpage (pages it does not
 * hold are skipped; the complete fpage is all of them); a page mapped on from it gets the
 * default in the receiver's space, and the attribute goes with the mapping.
 *
 * ProcessorControl: one processor, 0. InternalFrequency (kHz, 1..1000000) sets its rate: the
 * work it does (costed in cycles) takes time at that rate, while time (timeouts, slices,
 * L4_SystemClock, rdtime) runs on at the 1 GHz time base; the KIP's processor descriptor shows
 * it. ExternalFrequency (the time base) and the voltage (no power model) cannot change: a
 * request to change either, a rate above 1 GHz or another processor is an invalid parameter.
 * 0 or ~0 leaves a parameter unchanged, as does its current value.
 */
#ifndef KOLA_L4_MISC_H
#define KOLA_L4_MISC_H

#include <l4/types.h>
#include <l4/syscalls.h>
#include <l4/vregs.h>

#define L4_DefaultMemory 0UL
#define Kola_NonCacheableMemory 1UL
#define Kola_IOMemory 2UL

L4_INLINE L4_Word_t L4_ProcessorControl(L4_Word_t ProcessorNo, L4_Word_t InternalFrequency, L4_Word_t ExternalFrequency,
					L4_Word_t voltage)
{
	__L4_Regs_t r = {{ProcessorNo, InternalFrequency, ExternalFrequency, voltage, 0, 0, 0}};
	__L4_Syscall(__L4_SYS_PROCESSOR_CONTROL, &r);
	return r.a[0];
}

/*
 * The fpages in MR0..MRk, k = control & 0x3F (any other bit: invalid parameter); fpage i gets
 * attributes[f & 3], its low two bits (where its w and x rights would be) choosing one of the four.
 */
L4_INLINE L4_Word_t L4_MemoryControl(L4_Word_t control, const L4_Word_t *attributes)
{
	__L4_Regs_t r = {{control, attributes[0], attributes[1], attributes[2], attributes[3], 0, 0}};
	__L4_Syscall(__L4_SYS_MEMORY_CONTROL, &r);
	return r.a[0];
}

/* Sets the attribute of the caller's pages in f (f's rights are cleared: it chooses attribute 0). */
L4_INLINE L4_Word_t L4_Set_PageAttribute(L4_Fpage_t f, L4_Word_t attribute)
{
	L4_Word_t attributes[4] = {attribute, 0, 0, 0};
	L4_Set_Rights(&f, 0);
	L4_LoadMR(0, f.raw);
	return L4_MemoryControl(0, attributes);
}

/*
 * n fpages (1..64) in one call, each with the attribute its low two bits choose from
 * attributes[0..3] (set them with L4_Set_Rights: 0..3), as Pistachio's L4_Set_PageAttributes.
 */
L4_INLINE L4_Word_t L4_Set_PagesAttributes(L4_Word_t n, L4_Fpage_t *f, const L4_Word_t *attributes)
{
	L4_LoadMRs(0, (int)n, &f[0].raw);
	return L4_MemoryControl(n - 1, attributes);
}

/* Pistachio's spelling. */
#define L4_Set_PageAttributes L4_Set_PagesAttributes

#endif
