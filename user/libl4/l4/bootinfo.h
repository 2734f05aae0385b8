/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/bootinfo.h: the generic boot information, the structure at the KIP's BootInfo word, with
 * the names, layout and semantics of L4Ka::Pistachio's <l4/bootinfo.h> (64-bit words). Kola's
 * kernel writes it at boot (abi/src/main/java/kola/abi/BootInfo.java; docs/ABI-RISCV.md, "The
 * generic boot information"): an eight-word header, then one module record per boot module in
 * the image's order, each with the module's bytes in physical memory (a RISC-V module: the pages
 * of its loaded segments; a Java module: start and size 0) and its command line, the module's
 * name and arguments separated by spaces.
 *
 * BootInfo is a physical address: a program reads the structure where it has mapped its pages,
 * which sigma0 gives out when asked for them by address (L4_Sigma0_GetPage), as Pistachio's root
 * task does. Every accessor takes that mapped address.
 */
#ifndef KOLA_L4_BOOTINFO_H
#define KOLA_L4_BOOTINFO_H

#include <l4/types.h>

#define L4_BOOTINFO_MAGIC ((L4_Word_t)0x14b0021d)
#define L4_BOOTINFO_VERSION 1

/* Record types. Kola writes module records only. */
#define L4_BootInfo_Module 0x0001
#define L4_BootInfo_SimpleExec 0x0002
#define L4_BootInfo_EFITables 0x0101
#define L4_BootInfo_Multiboot 0x0102

/* The part every record starts with. */
typedef struct {
	L4_Word_t type;
	L4_Word_t version;
	L4_Word_t offset_next;
} L4_BootRec_t;

L4_INLINE L4_Word_t L4_BootRec_Type(const L4_BootRec_t *r)
{
	return r->type;
}

/* The record after r: offset_next bytes on (for the last record: just past it). */
L4_INLINE L4_BootRec_t *L4_BootRec_Next(const L4_BootRec_t *r)
{
	return (L4_BootRec_t *)((L4_Word_t)r + r->offset_next);
}

/* A module: size bytes at physical address start, and its command line. */
typedef struct {
	L4_Word_t type; /* L4_BootInfo_Module */
	L4_Word_t version; /* 1 */
	L4_Word_t offset_next;
	L4_Word_t start;
	L4_Word_t size;
	L4_Word_t cmdline_offset;
} L4_Boot_Module_t;

L4_INLINE L4_Word_t L4_Module_Start(const L4_BootRec_t *r)
{
	return ((const L4_Boot_Module_t *)r)->start;
}

L4_INLINE L4_Word_t L4_Module_Size(const L4_BootRec_t *r)
{
	return ((const L4_Boot_Module_t *)r)->size;
}

/* The zero-terminated command line, or 0 if the record has none. */
L4_INLINE char *L4_Module_Cmdline(const L4_BootRec_t *r)
{
	const L4_Boot_Module_t *m = (const L4_Boot_Module_t *)r;
	return m->cmdline_offset ? (char *)((L4_Word_t)m + m->cmdline_offset) : (char *)0;
}

/* The header. */
typedef struct {
	L4_Word_t magic;
	L4_Word_t version;
	L4_Word_t size;
	L4_Word_t first_entry;
	L4_Word_t num_entries;
	L4_Word_t __reserved[3];
} L4_BootInfo_t;

_Static_assert(sizeof(L4_BootInfo_t) == 64, "the header is eight words");
_Static_assert(sizeof(L4_Boot_Module_t) == 48, "a module record is six words");

L4_INLINE L4_Bool_t L4_BootInfo_Valid(const void *b)
{
	const L4_BootInfo_t *h = (const L4_BootInfo_t *)b;
	return h->magic == L4_BOOTINFO_MAGIC && h->version == L4_BOOTINFO_VERSION;
}

/* The structure's size in bytes, header and records. */
L4_INLINE L4_Word_t L4_BootInfo_Size(const void *b)
{
	return ((const L4_BootInfo_t *)b)->size;
}

L4_INLINE L4_BootRec_t *L4_BootInfo_FirstEntry(const void *b)
{
	const L4_BootInfo_t *h = (const L4_BootInfo_t *)b;
	return (L4_BootRec_t *)((L4_Word_t)h + h->first_entry);
}

L4_INLINE L4_Word_t L4_BootInfo_Entries(const void *b)
{
	return ((const L4_BootInfo_t *)b)->num_entries;
}

#endif
