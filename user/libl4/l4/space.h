/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/space.h: SpaceControl and Unmap (L4 X.2). Unmap's control word: k (fpages MR0..MRk) in bits
 * 0..5, flush bit 0x40 (SystemCalls.unmap). Each fpage comes back with its status in rwx, which
 * the call resets: R referenced, W written, X executed (told only on an execute-only page), since
 * the caller last read it, through the mappings derived from its pages and, with flush, through
 * its own (docs/ABI-RISCV.md, Unmap). Rights 0 revoke nothing: they only read the status.
 */
#ifndef KOLA_L4_SPACE_H
#define KOLA_L4_SPACE_H

#include <l4/types.h>
#include <l4/syscalls.h>
#include <l4/vregs.h>

/*
 * SpaceControl (privileged): 1 on success, 0 on failure (L4_ErrorCode); the old control word in
 * *old_Control. Kola's control word has one bit, Kola_SpacePrivileged: the space's threads may
 * make the privileged calls (set with the areas, before a thread of the space is active); any
 * other bit is an invalid parameter. Redirector: a thread sets it, anythread removes it, nil
 * leaves it.
 */
#define Kola_SpacePrivileged 1UL

L4_INLINE L4_Word_t L4_SpaceControl(L4_ThreadId_t SpaceSpecifier, L4_Word_t control, L4_Fpage_t KernelInterfacePageArea,
				    L4_Fpage_t UtcbArea, L4_ThreadId_t Redirector, L4_Word_t *old_Control)
{
	__L4_Regs_t r = {{SpaceSpecifier.raw, control, KernelInterfacePageArea.raw, UtcbArea.raw, Redirector.raw, 0, 0}};
	__L4_Syscall(__L4_SYS_SPACE_CONTROL, &r);
	*old_Control = r.a[1];
	return r.a[0];
}

/* Unmap: the fpages in MR0..MR(control & 0x3F); with 0x40 (flush) the caller's own mappings too. */
L4_INLINE void L4_Unmap(L4_Word_t control)
{
	__L4_Syscall3(__L4_SYS_UNMAP, control, 0, 0);
}

/* Revokes f's rights from every mapping derived from the caller's pages in f. */
L4_INLINE L4_Fpage_t L4_UnmapFpage(L4_Fpage_t f)
{
	L4_LoadMR(0, f.raw);
	L4_Unmap(0);
	L4_StoreMR(0, &f.raw);
	return f;
}

/* As L4_UnmapFpage, and from the caller's own pages too. */
L4_INLINE L4_Fpage_t L4_Flush(L4_Fpage_t f)
{
	L4_LoadMR(0, f.raw);
	L4_Unmap(0x40);
	L4_StoreMR(0, &f.raw);
	return f;
}

/* n fpages (1..64), each returned with its status. */
L4_INLINE void L4_UnmapFpages(L4_Word_t n, L4_Fpage_t *fpages)
{
	L4_LoadMRs(0, (int)n, &fpages[0].raw);
	L4_Unmap(n - 1);
	L4_StoreMRs(0, (int)n, &fpages[0].raw);
}

L4_INLINE void L4_FlushFpages(L4_Word_t n, L4_Fpage_t *fpages)
{
	L4_LoadMRs(0, (int)n, &fpages[0].raw);
	L4_Unmap(0x40 + n - 1);
	L4_StoreMRs(0, (int)n, &fpages[0].raw);
}

/*
 * The status of f (rights ignored) through the mappings derived from the caller's pages in it,
 * reset, nothing revoked: Unmap of f with rights 0 and no flush. The caller's own accesses count
 * only with flush: L4_Flush of f with rights 0.
 */
L4_INLINE L4_Fpage_t L4_GetStatus(L4_Fpage_t f)
{
	L4_LoadMR(0, f.raw & ~(L4_Word_t)L4_FullyAccessible);
	L4_Unmap(0);
	L4_StoreMR(0, &f.raw);
	return f;
}

/* An fpage Unmap returned: were its pages referenced (R), written (W), executed (X)? */
L4_INLINE L4_Bool_t L4_WasReferenced(L4_Fpage_t f)
{
	return (f.raw & L4_Readable) != 0;
}

L4_INLINE L4_Bool_t L4_WasWritten(L4_Fpage_t f)
{
	return (f.raw & L4_Writable) != 0;
}

/* (X.2's spelling.) Kola tells an execution only on an execute-only page: elsewhere it is R. */
L4_INLINE L4_Bool_t L4_WaseXecuted(L4_Fpage_t f)
{
	return (f.raw & L4_eXecutable) != 0;
}

#endif
