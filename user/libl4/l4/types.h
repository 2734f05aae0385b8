/* SPDX-License-Identifier: BSD-2-Clause
 *
 * l4/types.h: the basic types of the L4 X.2 convenience interface, encoded as Kola encodes the
 * words (abi/src/main/java/kola/abi: ThreadId, Fpage, Timeout). RV64, lp64: a word is 64 bits.
 */
#ifndef KOLA_L4_TYPES_H
#define KOLA_L4_TYPES_H

#define L4_INLINE static inline __attribute__((always_inline, unused))

typedef unsigned long L4_Word_t;
typedef unsigned long L4_Word64_t;
typedef unsigned int L4_Word32_t;
typedef unsigned short L4_Word16_t;
typedef unsigned char L4_Word8_t;
typedef L4_Word_t L4_Bool_t;

#define L4_64BIT 1
#define L4_LITTLE_ENDIAN 1

/*
 * ---- Thread ids (ThreadId.java): global ids number << 32 | version, both 32 bits, the version's
 * low 6 bits not all 0; local ids the thread's UTCB address (low 6 bits 0), which names it within
 * its own space only ----
 */

typedef union {
	L4_Word_t raw;
	struct {
		L4_Word_t version : 32;
		L4_Word_t thread_no : 32;
	} X;
	struct {
		L4_Word_t zeros : 6;
		L4_Word_t local_id : 58;
	} local;
} L4_ThreadId_t;

/*
 * nil: "no thread" (ThreadId.NIL = 0); any: an open receive (ThreadId.ANY = -1); anylocalthread:
 * a receive from any thread of the receiver's space (ThreadId.ANY_LOCAL = -1 << 6).
 */
#define L4_nilthread ((L4_ThreadId_t){ .raw = 0UL })
#define L4_anythread ((L4_ThreadId_t){ .raw = ~0UL })
#define L4_anylocalthread ((L4_ThreadId_t){ .raw = ~0UL << 6 })

L4_INLINE L4_ThreadId_t L4_GlobalId(L4_Word_t threadno, L4_Word_t version)
{
	L4_ThreadId_t t;
	t.raw = (threadno & 0xFFFFFFFFUL) << 32 | (version & 0xFFFFFFFFUL);
	return t;
}

L4_INLINE L4_Word_t L4_ThreadNo(L4_ThreadId_t t)
{
	return t.raw >> 32;
}

L4_INLINE L4_Word_t L4_Version(L4_ThreadId_t t)
{
	return t.raw & 0xFFFFFFFFUL;
}

L4_INLINE L4_Bool_t L4_IsNilThread(L4_ThreadId_t t)
{
	return t.raw == 0;
}

L4_INLINE L4_Bool_t L4_IsThreadEqual(L4_ThreadId_t l, L4_ThreadId_t r)
{
	return l.raw == r.raw;
}

L4_INLINE L4_Bool_t L4_IsThreadNotEqual(L4_ThreadId_t l, L4_ThreadId_t r)
{
	return l.raw != r.raw;
}

/* The form of an id, by its low 6 bits, as X.2 (and Pistachio) tell them apart: nil has the local form, any the global one. */
L4_INLINE L4_Bool_t L4_IsLocalId(L4_ThreadId_t t)
{
	return t.local.zeros == 0;
}

L4_INLINE L4_Bool_t L4_IsGlobalId(L4_ThreadId_t t)
{
	return t.local.zeros != 0;
}

/* ---- Fpages (Fpage.java): rwx bits 0..2, extension bit 3, s bits 4..9, base >> 10 from bit 10 ---- */

typedef union {
	L4_Word_t raw;
	struct {
		L4_Word_t rwx : 3;
		L4_Word_t extended : 1;
		L4_Word_t s : 6;
		L4_Word_t b : 54;
	} X;
} L4_Fpage_t;

#define L4_Readable 0x04UL
#define L4_Writable 0x02UL
#define L4_eXecutable 0x01UL
#define L4_FullyAccessible 0x07UL
#define L4_ReadWriteOnly 0x06UL
#define L4_ReadeXecOnly 0x05UL
#define L4_NoAccess 0x00UL

#define L4_Nilpage ((L4_Fpage_t){ .raw = 0UL })
/* s = 1, base 0 (Fpage.COMPLETE) */
#define L4_CompleteAddressSpace ((L4_Fpage_t){ .raw = 1UL << 4 })

L4_INLINE L4_Bool_t L4_IsNilFpage(L4_Fpage_t f)
{
	return f.raw == 0;
}

/* The fpage of 2^s bytes at base, no rights. base must be aligned to 2^s (the kernel checks). */
L4_INLINE L4_Fpage_t L4_FpageLog2(L4_Word_t base, int s)
{
	L4_Fpage_t f;
	f.raw = (base & ~0x3FFUL) | ((L4_Word_t)(s & 0x3F) << 4);
	return f;
}

/* The fpage at base of size bytes, rounded up to a power of two (as X.2's L4_Fpage). */
L4_INLINE L4_Fpage_t L4_Fpage(L4_Word_t base, L4_Word_t size)
{
	int s = 0;
	while (s < 63 && (1UL << s) < size)
		s++;
	return L4_FpageLog2(base, s);
}

L4_INLINE L4_Word_t L4_Rights(L4_Fpage_t f)
{
	return f.raw & 7;
}

L4_INLINE void L4_Set_Rights(L4_Fpage_t *f, L4_Word_t rwx)
{
	f->raw = (f->raw & ~7UL) | (rwx & 7);
}

L4_INLINE L4_Fpage_t L4_FpageAddRights(L4_Fpage_t f, L4_Word_t rwx)
{
	f.raw |= rwx & 7;
	return f;
}

L4_INLINE L4_Fpage_t L4_FpageAddRightsTo(L4_Fpage_t *f, L4_Word_t rwx)
{
	f->raw |= rwx & 7;
	return *f;
}

L4_INLINE L4_Fpage_t L4_FpageRemoveRights(L4_Fpage_t f, L4_Word_t rwx)
{
	f.raw &= ~(rwx & 7);
	return f;
}

L4_INLINE L4_Word_t L4_SizeLog2(L4_Fpage_t f)
{
	return f.X.s;
}

L4_INLINE L4_Word_t L4_Size(L4_Fpage_t f)
{
	return f.X.s == 0 ? 0 : 1UL << f.X.s;
}

L4_INLINE L4_Word_t L4_Address(L4_Fpage_t f)
{
	L4_Word_t mask = f.X.s >= 10 ? (1UL << f.X.s) - 1 : 0x3FFUL;
	return f.raw & ~mask;
}

/* ---- Time (Timeout.java): 16 bits; a period is m * 2^e us, m bits 0..9, e bits 10..14 ---- */

typedef union {
	L4_Word16_t raw;
	struct {
		L4_Word16_t m : 10;
		L4_Word16_t e : 5;
		L4_Word16_t a : 1;
	} period;
} L4_Time_t;

/* Timeout.NEVER = 0; Timeout.ZERO = m 0, e 1 (0x400). A point has a = 1: m bits 0..9, c bit 10, e bits 11..14. */
#define L4_Never ((L4_Time_t){ .raw = 0 })
#define L4_ZeroTime ((L4_Time_t){ .raw = 1 << 10 })

/*
 * A relative period of about us microseconds, rounded up to the next one representable (as
 * Timeout.relative); 0 gives L4_ZeroTime; beyond the longest period (1023 * 2^31 us) the longest.
 */
L4_INLINE L4_Time_t L4_TimePeriod(L4_Word64_t us)
{
	L4_Time_t t;
	unsigned e = 0;
	if (us == 0)
		return L4_ZeroTime;
	while (us > 1023) {
		us = (us + 1) >> 1;
		e++;
	}
	if (e > 31) {
		e = 31;
		us = 1023;
	}
	t.raw = (L4_Word16_t)(e << 10 | us);
	return t;
}

L4_INLINE L4_Bool_t L4_IsTimeEqual(L4_Time_t l, L4_Time_t r)
{
	return l.raw == r.raw;
}

/* The Ipc timeouts word: send timeout in bits 16..31, receive timeout in bits 0..15. */
L4_INLINE L4_Word_t L4_Timeouts(L4_Time_t snd, L4_Time_t rcv)
{
	return (L4_Word_t)snd.raw << 16 | rcv.raw;
}

/* ---- Clock: X.2's L4_Clock_t, microseconds since boot (SystemClock's a0) ---- */

typedef union {
	L4_Word64_t raw;
} L4_Clock_t;

L4_INLINE L4_Clock_t L4_ClockAddUsec(L4_Clock_t c, L4_Word64_t us)
{
	c.raw += us;
	return c;
}

L4_INLINE L4_Clock_t L4_ClockSubUsec(L4_Clock_t c, L4_Word64_t us)
{
	c.raw -= us;
	return c;
}

L4_INLINE L4_Bool_t L4_IsClockEarlier(L4_Clock_t l, L4_Clock_t r)
{
	return l.raw < r.raw;
}

L4_INLINE L4_Bool_t L4_IsClockLater(L4_Clock_t l, L4_Clock_t r)
{
	return l.raw > r.raw;
}

#endif
