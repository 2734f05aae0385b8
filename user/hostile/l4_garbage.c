/* SPDX-License-Identifier: BSD-2-Clause
 *
 * Hostile: 20,000 L4 system calls (a7 = -1 .. -11) with garbage in a0..a6, in the message
 * registers and in the buffer registers of its UTCB, from a seeded xorshift. Every call must come
 * back with an error or a harmless result; the kernel must neither crash nor hang, and its
 * invariants must hold after every call (the tests check them). Two concessions keep the program
 * itself alive, not the kernel: IPC timeouts are zero (so it never blocks for ever), and
 * ExchangeRegisters never names this very thread (restarting itself at a garbage address would
 * end the program, not the test), and its own Pager and ExceptionHandler words stay intact (a
 * thread that names a pager that does not exist is ended at its next page fault, correctly).
 * Correct system: prints "l4_garbage: survived" and exits 0.
 */
#include "rt.h"

static uint64_t state = 0x9E3779B97F4A7C15UL;

static uint64_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/* Mostly small or structured values, sometimes anything. */
static long garbage(void)
{
	uint64_t r = next();
	switch (r & 7) {
	case 0: return 0;
	case 1: return -1;
	case 2: return (long)(r >> 50);              /* small */
	case 3: return (long)((r >> 20) << 14 | 1);   /* thread-id shaped */
	case 4: return (long)(r >> 8) << 10 | (long)(r & 0x3F) << 4 | (long)(r >> 60); /* fpage shaped */
	default: return (long)next();
	}
}

static inline long l4(long n, long a0, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r3 __asm__("a3") = a3;
	register long r4 __asm__("a4") = a4;
	register long r5 __asm__("a5") = a5;
	register long r6 __asm__("a6") = a6;
	register long r7 __asm__("a7") = n;
	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6)
			 : "r"(r7)
			 : "memory");
	return r0;
}

int main(void)
{
	volatile long *utcb;
	__asm__ volatile("mv %0, tp" : "=r"(utcb));
	long me = utcb[0];
	const long zero_timeouts = 1L << 10 << 16 | 1L << 10; /* send and receive timeout ZERO */
	for (int i = 0; i < 20000; i++) {
		for (int w = 16; w < 16 + 64 + 33; w++) {
			if ((next() & 3) == 0) {
				utcb[w] = garbage();
			}
		}
		if ((next() & 7) == 0) {
			/* the control words too, but for Pager and ExceptionHandler (3, 4): a thread that
			 * names a pager that does not exist ends at its next page fault, as it should */
			static const int words[] = {2, 5, 6, 7, 8, 9};
			utcb[words[next() % 6]] = garbage();
		}
		long call = -1 - (long)(next() % 11);
		long a0 = garbage(), a1 = garbage(), a2 = garbage();
		if (call == -1 || call == -2) {
			a2 = zero_timeouts;
		}
		if (call == -4 && (a0 == me || (a0 & ~0x3FL) == (me & ~0x3FL))) {
			continue;
		}
		if (call == -11) {
			continue; /* KDB_Enter: a dump of every mapping each time, harmless but long */
		}
		l4(call, a0, a1, a2, garbage(), garbage(), garbage(), garbage());
	}
	printf("l4_garbage: survived\n");
	return 0;
}
