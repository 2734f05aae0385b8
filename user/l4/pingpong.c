/* SPDX-License-Identifier: BSD-2-Clause
 *
 * The classic L4 IPC benchmark, reduced to what an unprivileged task can do under `kola exec`:
 * ROUNDS round trips (L4_Call) to the runtime's echo service, with 0 and with 8 untyped words.
 * Pistachio's pingpong makes its own threads and address spaces, which needs the privileged
 * root task's ThreadControl and SpaceControl; a task of `kola exec` has neither.
 *
 * One line per message size:
 *   pingpong: W words: R round trips, C cycles, I instructions per round trip
 * C is simulated cycles (Kola_SystemClock's cycle count: the whole round trip, kernel and echo
 * service included), I is this thread's own retired instructions (rdinstret), both averaged,
 * rounded down. The simulation is deterministic: every run prints the same figures.
 */
#include "rt.h"
#include <l4/l4.h>

#define ECHO_LABEL 0xEC0UL
#define ROUNDS 1000
#define WARMUP 10

static inline unsigned long rdinstret(void)
{
	unsigned long n;
	__asm__ volatile("rdinstret %0" : "=r"(n));
	return n;
}

/* n round trips with `words` words each: every reply is checked (each word plus one). */
static int rounds(L4_ThreadId_t echo, int words, int n)
{
	L4_MsgTag_t tag = L4_MsgTagAddLabel(L4_Niltag, ECHO_LABEL);
	tag.X.u = (L4_Word_t)words;
	for (int i = 0; i < n; i++) {
		L4_Set_MsgTag(tag);
		for (int w = 1; w <= words; w++)
			L4_LoadMR(w, (L4_Word_t)w);
		L4_MsgTag_t r = L4_Call(echo);
		if (L4_IpcFailed(r) || r.raw != tag.raw)
			return 0;
		if (words > 0) {
			L4_Word_t last;
			L4_StoreMR(words, &last);
			if (last != (L4_Word_t)words + 1)
				return 0;
		}
	}
	return 1;
}

static int measure(L4_ThreadId_t echo, int words)
{
	if (!rounds(echo, words, WARMUP)) {
		printf("pingpong: %d words: the echo failed (ErrorCode %lu)\n", words, L4_ErrorCode());
		return 0;
	}
	L4_Word64_t c0, c1;
	Kola_SystemClock(&c0);
	unsigned long i0 = rdinstret();
	int ok = rounds(echo, words, ROUNDS);
	unsigned long i1 = rdinstret();
	Kola_SystemClock(&c1);
	if (!ok) {
		printf("pingpong: %d words: the echo failed (ErrorCode %lu)\n", words, L4_ErrorCode());
		return 0;
	}
	printf("pingpong: %d words: %d round trips, %lu cycles, %lu instructions per round trip\n", words, ROUNDS,
	       (c1 - c0) / ROUNDS, (i1 - i0) / ROUNDS);
	return 1;
}

int main(void)
{
	L4_ThreadId_t echo = L4_Pager();
	int ok = measure(echo, 0);
	ok &= measure(echo, 8);
	return ok ? 0 : 1;
}
