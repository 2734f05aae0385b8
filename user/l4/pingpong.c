/* SPDX-License-Identifier: BSD-2-Clause
 *
 * The classic L4 IPC benchmark, as Pistachio's pingpong: this program makes its own partner
 * threads and measures round trips (L4_Call to a thread that answers with L4_ReplyWait) between
 * them. Run it privileged (`kola exec --privileged pingpong`): it creates threads and an address
 * space with ThreadControl and SpaceControl, as an X.2 root task does.
 *
 * - inter-space: the partner is the first thread of a new space (its pages are this program's
 *   image, mapped there by the runtime, its pager, on each fault);
 * - intra-space: the partner is a second thread of this program's space, called by its local id
 *   with L4_Lcall (L4_Lipc).
 *
 * `pingpong [N]`: N timed round trips per line (default 20000, at most 100000000), after as many
 * untimed ones (at least 20000): the host's JIT settles first, whatever it has seen before. The
 * first line is preceded by four times as many more: a system booted in a JVM that ran another
 * one makes the JIT recompile the kernel loop for its own code paths, which outlasts one line's
 * warm-up. One line per partner and message size (0, 4, 8, 16, 32 and 63 untyped words):
 *   pingpong: inter-space, W words: R round trips, C cycles, I instructions per round trip
 * C is simulated cycles (Kola_SystemClock's cycle count: the whole round trip, kernel and partner
 * included), I this thread's own retired instructions (rdinstret), both averaged and rounded down.
 * Around each timed run come `timing ...` and `timed ...` lines on the kernel console
 * (L4_KDB_PrintChar), so that an observer can time the N round trips in host time (`kola
 * bench ipc`). The simulation
 * is deterministic: every run prints the same figures. Exits 0 if every reply was right.
 */
#include "rt.h"
#include <l4/l4.h>

#define DEFAULT_ROUNDS 20000
#define MAX_ROUNDS 100000000
#define WARMUP 20000
#define STACK_WORDS 1024

static L4_Word_t stacks[2][STACK_WORDS] __attribute__((aligned(16)));
static const int SIZES[] = {0, 4, 8, 16, 32, 63};

static inline unsigned long rdinstret(void)
{
	unsigned long n;
	__asm__ volatile("rdinstret %0" : "=r"(n));
	return n;
}

/* The partner: answers every message with the same tag and words (they are still in its MRs). */
static void pong(void *unused)
{
	(void)unused;
	L4_ThreadId_t from;
	L4_MsgTag_t tag = L4_Wait(&from);
	for (;;) {
		if (L4_IpcFailed(tag)) {
			tag = L4_Wait(&from);
			continue;
		}
		tag = L4_ReplyWait(from, &from);
	}
}

/* One round trip: L4_Call, or for a partner in this space (named by its local id) L4_Lcall. */
static L4_MsgTag_t call(L4_ThreadId_t partner, int local)
{
	return local ? L4_Lcall(partner) : L4_Call(partner);
}

/* n round trips with `words` words each: every reply is checked (the words come back unchanged). */
static int rounds(L4_ThreadId_t partner, int local, int words, int n)
{
	L4_MsgTag_t tag = L4_Niltag;
	tag.X.u = (L4_Word_t)words;
	for (int w = 1; w <= words; w++)
		L4_LoadMR(w, (L4_Word_t)w * 3);
	for (int i = 0; i < n; i++) {
		L4_Set_MsgTag(tag);
		L4_MsgTag_t r = call(partner, local);
		if (L4_IpcFailed(r) || r.raw != tag.raw)
			return 0;
	}
	if (words > 0) {
		L4_Word_t last;
		L4_StoreMR(words, &last);
		if (last != (L4_Word_t)words * 3)
			return 0;
	}
	return 1;
}

static void kdb_line(const char *verb, const char *what, int words)
{
	L4_KDB_PrintString(verb);
	L4_KDB_PrintString(what);
	L4_KDB_PrintString(", ");
	if (words >= 10)
		L4_KDB_PrintChar('0' + words / 10);
	L4_KDB_PrintChar('0' + words % 10);
	L4_KDB_PrintString(" words\n");
}

static int measure(const char *what, L4_ThreadId_t partner, int local, int words, int n)
{
	if (!rounds(partner, local, words, n > WARMUP ? n : WARMUP)) {
		printf("pingpong: %s, %d words: the partner failed (ErrorCode %lu)\n", what, words, L4_ErrorCode());
		return 0;
	}
	kdb_line("timing ", what, words);
	L4_Word64_t c0, c1;
	Kola_SystemClock(&c0);
	unsigned long i0 = rdinstret();
	int ok = rounds(partner, local, words, n);
	unsigned long i1 = rdinstret();
	Kola_SystemClock(&c1);
	kdb_line("timed ", what, words);
	if (!ok) {
		printf("pingpong: %s, %d words: the partner failed (ErrorCode %lu)\n", what, words, L4_ErrorCode());
		return 0;
	}
	printf("pingpong: %s, %d words: %d round trips, %lu cycles, %lu instructions per round trip\n", what, words,
	       n, (c1 - c0) / (L4_Word64_t)n, (i1 - i0) / (unsigned long)n);
	return 1;
}

static int fail(const char *what)
{
	printf("pingpong: %s failed: %s\n", what, L4_ErrorCode_String(L4_ErrorCode()));
	return 1;
}

/* The round trips argv[1] asks for: digits only, 1..MAX_ROUNDS; else 0. */
static int round_trips(int argc, char **argv)
{
	if (argc < 2)
		return DEFAULT_ROUNDS;
	long n = 0;
	for (const char *c = argv[1]; *c; c++) {
		if (*c < '0' || *c > '9' || n > MAX_ROUNDS)
			return 0;
		n = n * 10 + (*c - '0');
	}
	return n >= 1 && n <= MAX_ROUNDS ? (int)n : 0;
}

int main(int argc, char **argv)
{
	int n = round_trips(argc, argv);
	if (n == 0) {
		printf("pingpong: the round trips must be a number from 1 to %d\n", MAX_ROUNDS);
		return 2;
	}
	L4_ThreadId_t me = L4_MyGlobalId();
	L4_ThreadId_t pager = L4_Pager();
	L4_ThreadId_t inter = L4_GlobalId(L4_ThreadNo(me) + 1, 1);
	L4_ThreadId_t intra = L4_GlobalId(L4_ThreadNo(me) + 2, 1);
	L4_Word_t utcb = (L4_Word_t)__L4_Utcb();
	/* As Pistachio's pingpong: the new space's KIP where ours is, its UTCB area around our UTCB. */
	void *kip = L4_GetKernelInterface();
	L4_Fpage_t kipArea = L4_FpageLog2((L4_Word_t)kip, L4_KipAreaSizeLog2(kip));
	L4_Fpage_t utcbArea = L4_FpageLog2(utcb, L4_UtcbAreaSizeLog2(kip) + 1);
	L4_Word_t old;

	/* The inter-space partner: a new space, its areas, then the thread, its pager ours. */
	if (!L4_ThreadControl(inter, inter, me, L4_nilthread, (void *)-1))
		return fail("ThreadControl (create the inter-space partner)");
	if (!L4_SpaceControl(inter, 0, kipArea, utcbArea, L4_nilthread, &old))
		return fail("SpaceControl");
	if (!L4_ThreadControl(inter, inter, me, pager, (void *)L4_Address(utcbArea)))
		return fail("ThreadControl (activate the inter-space partner)");
	/* The intra-space partner: our space, the next UTCB. */
	if (!L4_ThreadControl(intra, me, me, pager, (void *)(utcb + L4_UtcbSize(kip))))
		return fail("ThreadControl (the intra-space partner)");
	Kola_Start(inter, &stacks[0][STACK_WORDS], pong, 0);
	Kola_Start(intra, &stacks[1][STACK_WORDS], pong, 0);

	if (!rounds(inter, 0, 0, 4 * (n > WARMUP ? n : WARMUP))) {
		printf("pingpong: warm-up: the partner failed (ErrorCode %lu)\n", L4_ErrorCode());
		return 1;
	}
	int ok = 1;
	for (unsigned i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++)
		ok &= measure("inter-space", inter, 0, SIZES[i], n);
	L4_ThreadId_t local = L4_LocalIdOf(intra);
	for (unsigned i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++)
		ok &= measure("intra-space", local, 1, SIZES[i], n);
	return ok ? 0 : 1;
}
