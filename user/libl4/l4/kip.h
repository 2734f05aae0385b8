/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/kip.h: the kernel interface page (L4 X.2, "Kernel Interface Page") in its 64-bit binary
 * layout, as Kola writes it (abi/src/main/java/kola/abi/KipLayout.java; docs/ABI-RISCV.md, "The
 * kernel interface page"), and the KernelInterface system call (a7 = -15) that says where it is.
 * The names and types are X.2's; Kola's own words are read with l4/kola.h.
 *
 * The page is mapped read-only at the caller's KIP area. Every accessor takes the address
 * L4_GetKernelInterface returned.
 */
#ifndef KOLA_L4_KIP_H
#define KOLA_L4_KIP_H

#include <l4/types.h>
#include <l4/syscalls.h>

#define __L4_SYS_KERNEL_INTERFACE (-15L)

/* The magic "L4\xe6K" in the low 32 bits of word 0; the API version and flags Kola reports. */
#define L4_MAGIC (('K' << 24) + (230 << 16) + ('4' << 8) + 'L')
#define L4_APIVERSION_X2 (0x84)
#define L4_APIFLAG_LE (0x00)
#define L4_APIFLAG_BE (0x01)
#define L4_APIFLAG_32BIT (0x00)
#define L4_APIFLAG_64BIT (0x01)

/* KernelId: id in bits 24..31, subid in 16..23. Kola's is id 0x4B ('K'), subid 1. */
typedef union {
	L4_Word_t raw;
	struct {
		L4_Word_t __padding : 16;
		L4_Word_t subid : 8;
		L4_Word_t id : 8;
		L4_Word_t __padding2 : 32;
	} x;
} L4_KernelId_t;

/* ApiVersion: version in bits 24..31, subversion in 16..23. */
typedef union {
	L4_Word_t raw;
	struct {
		L4_Word_t __padding : 16;
		L4_Word_t subversion : 8;
		L4_Word_t version : 8;
		L4_Word_t __padding2 : 32;
	} x;
} L4_ApiVersion_t;

/* ApiFlags: endianness (ee) in bits 0..1, word size (ww) in 2..3. */
typedef union {
	L4_Word_t raw;
	struct {
		L4_Word_t ee : 2;
		L4_Word_t ww : 2;
		L4_Word_t __padding : 60;
	} x;
} L4_ApiFlags_t;

/* The fixed part, 72 words. Words X.2 leaves to the kernel are 0 on Kola. */
typedef struct {
	L4_Word_t magic;                /* 0x000 */
	L4_ApiVersion_t ApiVersion;     /* 0x008 */
	L4_ApiFlags_t ApiFlags;         /* 0x010 */
	L4_Word_t KernelVerPtr;         /* 0x018: the kernel descriptor's offset */
	L4_Word_t __reserved20[17];     /* 0x020 */
	L4_Word_t MemoryInfo;           /* 0x0A8: n in bits 0..31, MemDescPtr in 32..63 */
	L4_Word_t __reservedB0[20];     /* 0x0B0 */
	L4_Word_t UtcbAreaInfo;         /* 0x150: m bits 0..9, a 10..15, s 16..21 */
	L4_Word_t KipAreaInfo;          /* 0x158: s bits 0..5 */
	L4_Word_t __reserved160[2];     /* 0x160 */
	L4_Word_t BootInfo;             /* 0x170 */
	L4_Word_t ProcDescPtr;          /* 0x178 */
	L4_Word_t ClockInfo;            /* 0x180: ReadPrecision bits 0..15, SchedulePrecision 16..31 */
	L4_Word_t ThreadInfo;           /* 0x188: t bits 0..7, SystemBase 8..19, UserBase 20..31 */
	L4_Word_t PageInfo;             /* 0x190: rwx bits 0..2, page-size mask from bit 10 */
	L4_Word_t ProcessorInfo;        /* 0x198: processors - 1 bits 0..15, descriptor size (log2) 60..63 */
	/* The system-call links: on Kola each holds the call's number for a7 (0: no such call). */
	L4_Word_t SpaceControl;         /* 0x1A0 */
	L4_Word_t ThreadControl;
	L4_Word_t ProcessorControl;
	L4_Word_t MemoryControl;
	L4_Word_t Ipc;                  /* 0x1C0 */
	L4_Word_t Lipc;
	L4_Word_t Unmap;
	L4_Word_t ExchangeRegisters;
	L4_Word_t SystemClock;          /* 0x1E0 */
	L4_Word_t ThreadSwitch;
	L4_Word_t Schedule;
	L4_Word_t __reserved1F8[5];     /* 0x1F8 */
	L4_Word_t ArchSyscall0;         /* 0x220 */
	L4_Word_t ArchSyscall1;
	L4_Word_t ArchSyscall2;
	L4_Word_t ArchSyscall3;
} L4_KernelInterfacePage_t;

_Static_assert(__builtin_offsetof(L4_KernelInterfacePage_t, MemoryInfo) == 0xA8, "MemoryInfo at 0xA8");
_Static_assert(__builtin_offsetof(L4_KernelInterfacePage_t, UtcbAreaInfo) == 0x150, "UtcbInfo at 0x150");
_Static_assert(__builtin_offsetof(L4_KernelInterfacePage_t, BootInfo) == 0x170, "BootInfo at 0x170");
_Static_assert(__builtin_offsetof(L4_KernelInterfacePage_t, SpaceControl) == 0x1A0, "links from 0x1A0");
_Static_assert(sizeof(L4_KernelInterfacePage_t) == 0x240, "72 words");

/* A processor descriptor: its frequencies in kHz. */
typedef union {
	L4_Word_t raw[4];
	struct {
		L4_Word_t ExternalFreq;
		L4_Word_t InternalFreq;
		L4_Word_t __padding[2];
	} X;
} L4_ProcDesc_t;

/* The kernel descriptor, then its version string and feature strings. */
typedef struct {
	L4_KernelId_t KernelId;
	L4_Word_t KernelGenDate;        /* day bits 0..4, month 5..8, year - 2000 9..15 */
	L4_Word_t KernelVer;            /* subsubver bits 0..15, subver 16..23, ver 24..31 */
	L4_Word_t Supplier;             /* four characters */
	char VersionString[];
} L4_KernelDesc_t;

/* A memory descriptor: type, subtype t, virtual bit, and the first and last 1 KiB of the region. */
typedef union {
	L4_Word_t raw[2];
	struct {
		L4_Word_t type : 4;
		L4_Word_t t : 4;
		L4_Word_t __padding1 : 1;
		L4_Word_t v : 1;
		L4_Word_t low : 54;
		L4_Word_t __padding2 : 10;
		L4_Word_t high : 54;
	} x;
} L4_MemoryDesc_t;

#define L4_UndefinedMemoryType (0x0)
#define L4_ConventionalMemoryType (0x1)
#define L4_ReservedMemoryType (0x2)
#define L4_DedicatedMemoryType (0x3)
#define L4_SharedMemoryType (0x4)
#define L4_BootLoaderSpecificMemoryType (0xE)
#define L4_ArchitectureSpecificMemoryType (0xF)

/* ---- The system call ---- */

/* KernelInterface: the KIP's address in the caller's space; *ApiVersion, *ApiFlags, *KernelId. */
L4_INLINE void *L4_KernelInterface(L4_Word_t *ApiVersion, L4_Word_t *ApiFlags, L4_Word_t *KernelId)
{
	__L4_Regs_t r = {{0, 0, 0, 0, 0, 0, 0}};
	__L4_Syscall(__L4_SYS_KERNEL_INTERFACE, &r);
	*ApiVersion = r.a[1];
	*ApiFlags = r.a[2];
	*KernelId = r.a[3];
	return (void *)r.a[0];
}

L4_INLINE void *L4_GetKernelInterface(void)
{
	L4_Word_t v, f, k;
	return L4_KernelInterface(&v, &f, &k);
}

L4_INLINE L4_Word_t L4_ApiVersion(void)
{
	L4_Word_t v, f, k;
	L4_KernelInterface(&v, &f, &k);
	return v;
}

L4_INLINE L4_Word_t L4_ApiFlags(void)
{
	L4_Word_t v, f, k;
	L4_KernelInterface(&v, &f, &k);
	return f;
}

L4_INLINE L4_Word_t L4_KernelId(void)
{
	L4_Word_t v, f, k;
	L4_KernelInterface(&v, &f, &k);
	return k;
}

/* ---- The page's words ---- */

L4_INLINE L4_KernelInterfacePage_t *__L4_Kip(void *KernelInterface)
{
	return (L4_KernelInterfacePage_t *)KernelInterface;
}

L4_INLINE L4_KernelDesc_t *__L4_KernelDesc(void *KernelInterface)
{
	return (L4_KernelDesc_t *)((L4_Word_t)KernelInterface + __L4_Kip(KernelInterface)->KernelVerPtr);
}

L4_INLINE void L4_KernelGenDate(void *KernelInterface, L4_Word_t *year, L4_Word_t *month, L4_Word_t *day)
{
	L4_Word_t date = __L4_KernelDesc(KernelInterface)->KernelGenDate;
	*year = (date >> 9 & 0x7F) + 2000;
	*month = date >> 5 & 0xF;
	*day = date & 0x1F;
}

L4_INLINE L4_Word_t L4_KernelVersion(void *KernelInterface)
{
	return __L4_KernelDesc(KernelInterface)->KernelVer;
}

L4_INLINE L4_Word_t L4_KernelSupplier(void *KernelInterface)
{
	return __L4_KernelDesc(KernelInterface)->Supplier;
}

L4_INLINE char *L4_KernelVersionString(void *KernelInterface)
{
	return __L4_KernelDesc(KernelInterface)->VersionString;
}

/* Feature string num (from 0), or 0 past the last: they follow the version string, an empty one ends them. */
L4_INLINE char *L4_Feature(void *KernelInterface, L4_Word_t num)
{
	char *s = L4_KernelVersionString(KernelInterface);
	for (L4_Word_t i = 0;; i++) {
		while (*s != 0)
			s++;
		s++;
		if (*s == 0)
			return (char *)0;
		if (i == num)
			return s;
	}
}

L4_INLINE L4_Bool_t L4_HasFeature(const char *name)
{
	void *kip = L4_GetKernelInterface();
	char *f;
	for (L4_Word_t i = 0; (f = L4_Feature(kip, i)) != 0; i++) {
		const char *n = name;
		while (*f != 0 && *f == *n) {
			f++;
			n++;
		}
		if (*f == 0 && *n == 0)
			return 1;
	}
	return 0;
}

L4_INLINE L4_Word_t L4_NumProcessors(void *KernelInterface)
{
	return (__L4_Kip(KernelInterface)->ProcessorInfo & 0xFFFF) + 1;
}

L4_INLINE L4_Word_t L4_NumMemoryDescriptors(void *KernelInterface)
{
	return __L4_Kip(KernelInterface)->MemoryInfo & 0xFFFFFFFFUL;
}

/* Bit k set: pages of 2^k bytes (Kola: 4 KiB only). */
L4_INLINE L4_Word_t L4_PageSizeMask(void *KernelInterface)
{
	return __L4_Kip(KernelInterface)->PageInfo & ~0x3FFUL;
}

L4_INLINE L4_Word_t L4_PageRights(void *KernelInterface)
{
	return __L4_Kip(KernelInterface)->PageInfo & 7;
}

L4_INLINE L4_Word_t L4_ThreadIdBits(void *KernelInterface)
{
	return __L4_Kip(KernelInterface)->ThreadInfo & 0xFF;
}

L4_INLINE L4_Word_t L4_ThreadIdSystemBase(void *KernelInterface)
{
	return __L4_Kip(KernelInterface)->ThreadInfo >> 8 & 0xFFF;
}

L4_INLINE L4_Word_t L4_ThreadIdUserBase(void *KernelInterface)
{
	return __L4_Kip(KernelInterface)->ThreadInfo >> 20 & 0xFFF;
}

/* The precisions are time periods (L4_Time_t's raw 16 bits). */
L4_INLINE L4_Word_t L4_ReadPrecision(void *KernelInterface)
{
	return __L4_Kip(KernelInterface)->ClockInfo & 0xFFFF;
}

L4_INLINE L4_Word_t L4_SchedulePrecision(void *KernelInterface)
{
	return __L4_Kip(KernelInterface)->ClockInfo >> 16 & 0xFFFF;
}

L4_INLINE L4_Word_t L4_UtcbAreaSizeLog2(void *KernelInterface)
{
	return __L4_Kip(KernelInterface)->UtcbAreaInfo >> 16 & 0x3F;
}

L4_INLINE L4_Word_t L4_UtcbAreaSize(void *KernelInterface)
{
	return 1UL << L4_UtcbAreaSizeLog2(KernelInterface);
}

L4_INLINE L4_Word_t L4_UtcbAlignmentLog2(void *KernelInterface)
{
	return __L4_Kip(KernelInterface)->UtcbAreaInfo >> 10 & 0x3F;
}

L4_INLINE L4_Word_t L4_UtcbSize(void *KernelInterface)
{
	L4_Word_t info = __L4_Kip(KernelInterface)->UtcbAreaInfo;
	return (1UL << (info >> 10 & 0x3F)) * (info & 0x3FF);
}

L4_INLINE L4_Word_t L4_KipAreaSizeLog2(void *KernelInterface)
{
	return __L4_Kip(KernelInterface)->KipAreaInfo & 0x3F;
}

L4_INLINE L4_Word_t L4_KipAreaSize(void *KernelInterface)
{
	return 1UL << L4_KipAreaSizeLog2(KernelInterface);
}

/* The physical address of the generic boot information (l4/bootinfo.h). */
L4_INLINE L4_Word_t L4_BootInfo(void *KernelInterface)
{
	return __L4_Kip(KernelInterface)->BootInfo;
}

/* ---- Memory descriptors: where two overlap, the later one holds ---- */

L4_INLINE L4_MemoryDesc_t *L4_MemoryDesc(void *KernelInterface, L4_Word_t num)
{
	L4_Word_t info = __L4_Kip(KernelInterface)->MemoryInfo;
	if (num >= (info & 0xFFFFFFFFUL))
		return (L4_MemoryDesc_t *)0;
	return (L4_MemoryDesc_t *)((L4_Word_t)KernelInterface + (info >> 32)) + num;
}

L4_INLINE L4_Bool_t L4_IsMemoryDescVirtual(L4_MemoryDesc_t *m)
{
	return m->raw[0] >> 9 & 1;
}

/* The type; for types 0xE and 0xF with the subtype in bits 4..7 (a Kola boot module: 0x3E). */
L4_INLINE L4_Word_t L4_MemoryDescType(L4_MemoryDesc_t *m)
{
	L4_Word_t type = m->raw[0] & 0xF;
	return type >= L4_BootLoaderSpecificMemoryType ? m->raw[0] & 0xFF : type;
}

L4_INLINE L4_Word_t L4_MemoryDescLow(L4_MemoryDesc_t *m)
{
	return m->raw[0] & ~0x3FFUL;
}

/* The region's last byte. */
L4_INLINE L4_Word_t L4_MemoryDescHigh(L4_MemoryDesc_t *m)
{
	return (m->raw[1] & ~0x3FFUL) + 0x3FF;
}

/* ---- Processor descriptors ---- */

L4_INLINE L4_ProcDesc_t *L4_ProcDesc(void *KernelInterface, L4_Word_t cpu)
{
	L4_KernelInterfacePage_t *kip = __L4_Kip(KernelInterface);
	if (cpu >= L4_NumProcessors(KernelInterface))
		return (L4_ProcDesc_t *)0;
	return (L4_ProcDesc_t *)((L4_Word_t)kip + kip->ProcDescPtr + (cpu << (kip->ProcessorInfo >> 60)));
}

L4_INLINE L4_Word_t L4_ProcDescExternalFreq(L4_ProcDesc_t *p)
{
	return p->X.ExternalFreq;
}

L4_INLINE L4_Word_t L4_ProcDescInternalFreq(L4_ProcDesc_t *p)
{
	return p->X.InternalFreq;
}

#endif
