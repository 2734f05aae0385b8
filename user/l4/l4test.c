/* SPDX-License-Identifier: BSD-2-Clause
 *
 * An X.2 test program in the manner of Pistachio's l4test, for what needs a root task's authority:
 * run it privileged (`kola exec --privileged l4test`). It makes its own threads and an address
 * space and checks ThreadControl, SpaceControl, ExchangeRegisters, Schedule, IPC between its own
 * threads (timeouts, a missing partner, cancellation, deletion) and page faults served by a pager
 * written in C: one of its threads maps pages of its own space into the new space, and an Unmap
 * takes them back so that the next access faults again. (What an unprivileged task can check is
 * in l4lib_test.c.)
 *
 * One line per check, "ok  N what" or "FAIL N what", then "P passed, F failed"; exit 0 only if
 * none failed.
 */
#include "rt.h"
#include <l4/l4.h>
#include "check.h"

/* Where the new space sees the test page: its pager maps test_page there. */
#define TEST_VA 0x50000000UL
#define REPORT_LABEL 0x77UL
#define STACK_WORDS 1024
/* Kola's kernel labels are negative 48-bit labels: a page fault is -2 << 4 | rwx. */
#define PAGE_FAULT_LABEL 0xFFFFFFFFFFE0UL
/* An exception is -5 << 4. */
#define EXCEPTION_LABEL 0xFFFFFFFFFFB0UL


static L4_Word_t stacks[7][STACK_WORDS] __attribute__((aligned(16)));
/* In .data (initialised), page-aligned: the page the pager lends the new space. */
static volatile L4_Word_t test_page[512] __attribute__((aligned(4096))) = {1};
/* The pager's count of faults on TEST_VA, and of all faults. */
static volatile int test_faults, all_faults;
static L4_ThreadId_t main_id;

/* An echo server: every message comes back with each untyped word plus one, the label kept. */
static void echo_server(void *unused)
{
	(void)unused;
	L4_ThreadId_t from;
	L4_MsgTag_t tag = L4_Wait(&from);
	for (;;) {
		if (L4_IpcFailed(tag)) {
			tag = L4_Wait(&from);
			continue;
		}
		L4_Msg_t m;
		L4_MsgStore(tag, &m);
		for (L4_Word_t i = 0; i < L4_UntypedWords(tag); i++)
			L4_MsgPutWord(&m, i, L4_MsgWord(&m, i) + 1);
		L4_MsgLoad(&m);
		tag = L4_ReplyWait(from, &from);
	}
}

/* Waits for a message from main that never comes; then tells main how its receive ended. */
static void waiter(void *unused)
{
	(void)unused;
	L4_Receive(main_id);
	L4_Word_t err = L4_ErrorCode();
	L4_LoadMR(0, L4_MsgTagAddLabel(L4_Niltag, REPORT_LABEL).raw | 1);
	L4_LoadMR(1, err);
	L4_Send(main_id);
}

/* Receives one message from anyone and reports to main: the sender it saw, the actual sender, the p flag. */
static void propagation_receiver(void *unused)
{
	(void)unused;
	L4_ThreadId_t from;
	L4_MsgTag_t tag = L4_Wait(&from);
	L4_Word_t actual = L4_ActualSender().raw;
	L4_LoadMR(0, L4_MsgTagAddLabel(L4_Niltag, REPORT_LABEL).raw | 3);
	L4_LoadMR(1, from.raw);
	L4_LoadMR(2, actual);
	L4_LoadMR(3, L4_IpcPropagated(tag) ? 1 : 0);
	L4_Send(main_id);
}

/*
 * The pager of the new space, in C: a fault at TEST_VA gets test_page; any other fault gets the
 * same page of this space (touched first, so that this space has it), as an X.2 root task pages
 * the spaces it makes from its own.
 */
static void pager(void *unused)
{
	(void)unused;
	L4_ThreadId_t from;
	L4_MsgTag_t tag = L4_Wait(&from);
	for (;;) {
		if (L4_IpcFailed(tag) || (L4_Label(tag) & ~0xFUL) != PAGE_FAULT_LABEL || L4_UntypedWords(tag) != 2) {
			tag = L4_Wait(&from);
			continue;
		}
		L4_Word_t addr;
		L4_StoreMR(1, &addr);
		L4_Word_t page = addr & ~4095UL;
		L4_Fpage_t fp;
		all_faults++;
		/* A map item maps only what this space holds: touch the page first (its pager maps it here). */
		if (page == TEST_VA) {
			test_faults++;
			(void)test_page[0];
			fp = L4_FpageLog2((L4_Word_t)test_page, 12);
		} else {
			(void)*(volatile char *)page;
			fp = L4_FpageLog2(page, 12);
		}
		L4_Msg_t m;
		L4_MsgClear(&m);
		L4_MsgAppendMapItem(&m, L4_MapItem(L4_FpageAddRights(fp, L4_FullyAccessible), page));
		L4_MsgLoad(&m);
		tag = L4_ReplyWait(from, &from);
	}
}

/* A thread of this space paged by the C pager's local id: reads TEST_VA and reports it. */
static void local_client(void *unused)
{
	(void)unused;
	L4_LoadMR(0, L4_MsgTagAddLabel(L4_Niltag, REPORT_LABEL).raw | 1);
	L4_LoadMR(1, *(volatile L4_Word_t *)TEST_VA);
	L4_Send(main_id);
}

/* A thread whose exception handler is main, named by main's local id: an ebreak, then a report. */
static L4_ThreadId_t main_local;

static void breaker(void *unused)
{
	(void)unused;
	L4_Set_ExceptionHandler(main_local);
	__asm__ volatile(".option push\n.option norvc\nebreak\n.option pop");
	L4_LoadMR(0, L4_MsgTagAddLabel(L4_Niltag, REPORT_LABEL).raw);
	L4_Send(main_id);
}

/* The new space's thread: reads and writes TEST_VA, reports, then reads it again after main's reply. */
static void client(void *unused)
{
	(void)unused;
	volatile L4_Word_t *p = (volatile L4_Word_t *)TEST_VA;
	L4_Word_t first = *p;
	*p = 0xBEEF;
	L4_LoadMR(0, L4_MsgTagAddLabel(L4_Niltag, REPORT_LABEL).raw | 2);
	L4_LoadMR(1, first);
	L4_LoadMR(2, *p);
	L4_Call(main_id);
	L4_Word_t again = *p;
	L4_LoadMR(0, L4_MsgTagAddLabel(L4_Niltag, REPORT_LABEL).raw | 1);
	L4_LoadMR(1, again);
	L4_Send(main_id);
}

static L4_Word_t ipc_error(L4_MsgTag_t tag)
{
	return L4_IpcFailed(tag) ? L4_ErrorCode() : 0;
}

/* The cycles and the time (ns) a loop of about 2000 instructions takes. */
static void cycles_and_time(L4_Word_t *cycles, L4_Word_t *time)
{
	unsigned long c0, t0, c1, t1;
	__asm__ volatile("rdcycle %0\n\trdtime %1" : "=r"(c0), "=r"(t0));
	for (volatile int i = 0; i < 400; i++) {
	}
	__asm__ volatile("rdcycle %0\n\trdtime %1" : "=r"(c1), "=r"(t1));
	*cycles = c1 - c0;
	*time = t1 - t0;
}

int main(void)
{
	L4_ThreadId_t me = main_id = L4_MyGlobalId();
	L4_ThreadId_t runtime = L4_Pager();
	void *kip = L4_GetKernelInterface();
	L4_Word_t utcb = (L4_Word_t)__L4_Utcb();
	L4_Word_t usize = L4_UtcbSize(kip);
	L4_Word_t base = L4_ThreadNo(me);
	L4_ThreadId_t echo = L4_GlobalId(base + 1, 1), idle = L4_GlobalId(base + 2, 1);
	L4_ThreadId_t pg = L4_GlobalId(base + 3, 1), cl = L4_GlobalId(base + 4, 1);
	L4_ThreadId_t nobody = L4_GlobalId(base + 100, 1);
	L4_Word_t old;

	/* ThreadControl: threads in this space, each with a UTCB of the area. */
	check(L4_ThreadControl(echo, me, me, runtime, (void *)(utcb + usize)) == 1, "ThreadControl creates a thread in its own space");
	check(L4_ThreadControl(L4_GlobalId(base + 5, 1), me, me, runtime, (void *)(utcb + usize + 8)) == 0
		      && L4_ErrorCode() == L4_ERROR_UTCB_AREA, "a misaligned UTCB is refused (invalid UTCB)");
	check(L4_ThreadControl(L4_GlobalId(base + 5, 1), me, me, runtime, (void *)(utcb + (1UL << 30))) == 0
		      && L4_ErrorCode() == L4_ERROR_UTCB_AREA, "a UTCB outside the UTCB area is refused");
	check(L4_ThreadControl(L4_nilthread, me, me, runtime, (void *)(utcb + 5 * usize)) == 0
		      && L4_ErrorCode() == L4_ERROR_INVALID_THREAD, "ThreadControl of the nil thread is refused");
	check(L4_ThreadControl(idle, me, me, runtime, (void *)(utcb + 2 * usize)) == 1, "a second thread, not started");

	/* Schedule and ExchangeRegisters. */
	check(L4_Set_Priority(echo, 90) != 0, "Schedule sets a thread's priority");
	check(L4_Set_Priority(nobody, 90) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_THREAD,
	      "Schedule of a thread that does not exist is refused");
	Kola_Start(echo, &stacks[0][STACK_WORDS], echo_server, 0);
	L4_Set_UserDefinedHandleOf(echo, 0x1234);
	check(L4_UserDefinedHandleOf(echo) == 0x1234, "ExchangeRegisters writes and reads the user-defined handle");
	check(L4_IsThreadEqual(L4_PagerOf(echo), runtime), "ExchangeRegisters reads the pager");

	/* IPC with the echo server. */
	L4_Msg_t m;
	L4_MsgClear(&m);
	L4_Set_MsgLabel(&m, 0x42);
	L4_MsgAppendWord(&m, 10);
	L4_MsgAppendWord(&m, 20);
	L4_MsgAppendWord(&m, 30);
	L4_MsgLoad(&m);
	L4_MsgTag_t tag = L4_Call(echo);
	L4_MsgStore(tag, &m);
	check(L4_IpcSucceeded(tag) && L4_Label(tag) == 0x42 && L4_UntypedWords(tag) == 3 && L4_MsgWord(&m, 0) == 11
		      && L4_MsgWord(&m, 2) == 31, "L4_Call to a thread of its own: the words come back plus one");

	/* Timeouts and missing partners. */
	L4_LoadMR(0, 0);
	tag = L4_Send_Timeout(idle, L4_ZeroTime);
	check(L4_IpcErrorKind(ipc_error(tag)) == L4_ErrTimeout && !L4_IpcErrorInReceive(ipc_error(tag)),
	      "a send with a zero timeout to a thread that does not receive times out in the send phase");
	L4_Clock_t t0 = L4_SystemClock();
	tag = L4_Receive_Timeout(idle, L4_TimePeriod(2000));
	L4_Clock_t t1 = L4_SystemClock();
	check(L4_IpcErrorKind(ipc_error(tag)) == L4_ErrTimeout && L4_IpcErrorInReceive(ipc_error(tag))
		      && t1.raw - t0.raw >= 2000, "a receive with a 2 ms timeout times out after at least 2 ms");
	L4_LoadMR(0, 0);
	tag = L4_Send_Timeout(nobody, L4_ZeroTime);
	check(L4_IpcErrorKind(ipc_error(tag)) == L4_ErrNonExist, "a send to a thread that does not exist finds no partner");

	/* Cancellation: ExchangeRegisters aborts a receive; the thread learns it was cancelled. */
	Kola_Start(idle, &stacks[1][STACK_WORDS], waiter, 0);
	L4_Sleep(L4_TimePeriod(100));
	L4_ThreadState_t st = L4_AbortReceive_and_stop(idle);
	check(L4_ThreadWasReceiving(st), "ExchangeRegisters finds the waiter receiving and stops it");
	L4_Start(idle);
	tag = L4_Receive(idle);
	L4_Word_t werr;
	L4_StoreMR(1, &werr);
	check(L4_IpcSucceeded(tag) && L4_Label(tag) == REPORT_LABEL && L4_IpcErrorKind(werr) == L4_ErrCanceled
		      && L4_IpcErrorInReceive(werr), "the aborted receive ended cancelled, in the receive phase");

	/* SpaceControl, a pager in C and Unmap. */
	check(L4_ThreadControl(pg, me, me, runtime, (void *)(utcb + 3 * usize)) == 1, "the pager thread is created");
	Kola_Start(pg, &stacks[2][STACK_WORDS], pager, 0);
	check(L4_ThreadControl(cl, cl, me, L4_nilthread, (void *)-1) == 1, "a thread in a new space, not yet active");
	L4_Fpage_t kipArea = L4_FpageLog2((L4_Word_t)kip, L4_KipAreaSizeLog2(kip));
	L4_Fpage_t utcbArea = L4_FpageLog2(utcb, L4_UtcbAreaSizeLog2(kip));
	check(L4_SpaceControl(cl, 0, L4_FpageLog2((L4_Word_t)kip & ~0x1FFFUL, 13), utcbArea, L4_nilthread, &old) == 0
		      && L4_ErrorCode() == L4_ERROR_KIP_AREA, "SpaceControl refuses a KIP area of two pages");
	check(L4_SpaceControl(cl, 2, kipArea, utcbArea, L4_nilthread, &old) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM,
	      "SpaceControl refuses an unknown control bit");
	check(L4_SpaceControl(cl, 0, kipArea, utcbArea, L4_nilthread, &old) == 1 && old == 0,
	      "SpaceControl sets the new space's areas (old control 0)");
	check(L4_ThreadControl(cl, cl, me, pg, (void *)L4_Address(utcbArea)) == 1, "the new space's thread is activated, its pager in C");
	Kola_Start(cl, &stacks[3][STACK_WORDS], client, 0);
	L4_ThreadId_t from;
	tag = L4_Receive(cl);
	L4_Word_t first, written;
	L4_StoreMR(1, &first);
	L4_StoreMR(2, &written);
	check(L4_IpcSucceeded(tag) && first == 1 && written == 0xBEEF && test_page[0] == 0xBEEF && test_faults == 1,
	      "the C pager mapped its page into the new space: one fault, the write seen here");
	check(all_faults > 1, "the new space's code and stack came from the C pager too");
	L4_UnmapFpage(L4_FpageAddRights(L4_FpageLog2((L4_Word_t)test_page, 12), L4_FullyAccessible));
	test_page[0] = 0xCAFE;
	check(test_page[0] == 0xCAFE, "Unmap without flush leaves this space its own page");
	L4_LoadMR(0, 0);
	L4_Reply(cl);
	tag = L4_Receive(cl);
	L4_Word_t again;
	L4_StoreMR(1, &again);
	check(L4_IpcSucceeded(tag) && again == 0xCAFE && test_faults == 2,
	      "after the Unmap the new space faulted again and was paged again");
	(void)from;

	/* A pager given as a local id (X.2): it names a thread of the paged thread's own space. */
	L4_ThreadId_t lp = L4_GlobalId(base + 7, 1), pg_local = L4_LocalIdOf(pg);
	int faults_before = test_faults;
	check(L4_IsLocalId(pg_local) && L4_ThreadControl(lp, me, me, pg_local, (void *)(utcb + 7 * usize)) == 1
	      && L4_IsThreadEqual(L4_PagerOf(lp), pg_local), "ThreadControl takes the pager's local id; L4_PagerOf gives it back local");
	Kola_Start(lp, &stacks[5][STACK_WORDS], local_client, 0);
	tag = L4_Receive(lp);
	L4_StoreMR(1, &again);
	check(L4_IpcSucceeded(tag) && test_faults == faults_before + 1 && again == test_page[0],
	      "its fault went to the pager its local id names, which mapped its page");
	L4_ThreadId_t bk = L4_GlobalId(base + 8, 1);
	main_local = L4_MyLocalId();
	check(L4_ThreadControl(bk, me, me, runtime, (void *)(utcb + 8 * usize)) == 1, "a thread for an exception");
	Kola_Start(bk, &stacks[6][STACK_WORDS], breaker, 0);
	L4_ThreadId_t ex_from;
	tag = L4_Wait(&ex_from);
	L4_Word_t ex_pc, ex_cause;
	L4_StoreMR(1, &ex_pc);
	L4_StoreMR(2, &ex_cause);
	check(L4_IpcSucceeded(tag) && L4_Label(tag) == EXCEPTION_LABEL && ex_cause == 3 && L4_IsLocalId(ex_from)
	      && L4_SameThreads(ex_from, bk), "an exception handler named by its local id gets the ebreak, from the thread's local id");
	L4_LoadMR(0, 1);
	L4_LoadMR(1, ex_pc + 4);
	L4_Reply(ex_from);
	tag = L4_Receive(bk);
	check(L4_IpcSucceeded(tag) && L4_Label(tag) == REPORT_LABEL, "its reply resumed the thread after the ebreak");

	/* Sigma0: a page of its free memory, mapped where it lies; a page the kernel reserved is refused. */
	L4_Fpage_t got = L4_Sigma0_GetAny(L4_nilthread, 12, L4_CompleteAddressSpace);
	int usable = 0;
	if (!L4_IsNilFpage(got)) {
		volatile L4_Word_t *w = (volatile L4_Word_t *)L4_Address(got);
		*w = 0x5161A0;
		usable = *w == 0x5161A0;
	}
	check(!L4_IsNilFpage(got) && L4_SizeLog2(got) == 12 && usable, "L4_Sigma0_GetAny maps a free page 1:1, usable");
	check(L4_IsNilFpage(L4_Sigma0_GetPage(L4_nilthread, L4_FpageAddRights(L4_FpageLog2(0, 12), L4_FullyAccessible))),
	      "sigma0 refuses a page of kernel memory with a nil fpage");

	/* Propagation: main sends as the echo server (a thread of its own space); the receiver sees
	 * the echo server as the sender, the p flag, and main as the actual sender. */
	L4_ThreadId_t prop = L4_GlobalId(base + 6, 1);
	check(L4_ThreadControl(prop, me, me, runtime, (void *)(utcb + 6 * usize)) == 1, "a propagation receiver");
	Kola_Start(prop, &stacks[4][STACK_WORDS], propagation_receiver, 0);
	L4_Set_VirtualSender(echo);
	tag = L4_MsgTagAddLabel(L4_Niltag, 0x55);
	L4_Set_Propagation(&tag);
	L4_Set_MsgTag(tag);
	tag = L4_Send(prop);
	L4_Word_t seen_from, seen_actual, seen_flag;
	L4_MsgTag_t back = L4_Receive(prop);
	L4_StoreMR(1, &seen_from);
	L4_StoreMR(2, &seen_actual);
	L4_StoreMR(3, &seen_flag);
	L4_ThreadId_t f = {.raw = seen_from}, a = {.raw = seen_actual};
	check(L4_IpcSucceeded(tag) && L4_IpcSucceeded(back) && seen_flag == 1 && L4_SameThreads(f, echo) && L4_SameThreads(a, me),
	      "a propagated send: the receiver sees the virtual sender, the p flag and the actual sender");

	/* Deletion. */
	check(L4_ThreadControl(echo, L4_nilthread, L4_nilthread, L4_nilthread, (void *)-1) == 1, "ThreadControl deletes the echo server");
	L4_LoadMR(0, 0);
	tag = L4_Send_Timeout(echo, L4_ZeroTime);
	check(L4_IpcErrorKind(ipc_error(tag)) == L4_ErrNonExist, "a deleted thread is no partner");

	/* MemoryControl: the Svpbmt memory type of this space's own pages. */
	L4_Fpage_t page = L4_FpageLog2((L4_Word_t)test_page, 12);
	test_page[1] = 0x5A5A;
	check(L4_Set_PageAttribute(page, Kola_NonCacheableMemory) == 1 && test_page[1] == 0x5A5A
	      && (test_page[2] = 0x7777, test_page[2] == 0x7777),
	      "L4_Set_PageAttribute: a page of its own non-cacheable, its values kept, still written and read");
	L4_Fpage_t pages[2] = {page, L4_FpageLog2((L4_Word_t)stacks & ~0xFFFUL, 12)};
	L4_Word_t attributes[4] = {L4_DefaultMemory, Kola_IOMemory, 3, 0};
	L4_Set_Rights(&pages[0], 1);
	check(L4_Set_PagesAttributes(2, pages, attributes) == 1, "L4_Set_PagesAttributes: IO and the default, chosen by the fpages");
	L4_Set_Rights(&pages[1], 2);
	check(L4_Set_PagesAttributes(2, pages, attributes) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM,
	      "an fpage choosing attribute 3 (reserved): invalid parameter");
	check(L4_Set_PageAttribute(page, ~0UL) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM
	      && L4_MemoryControl(0x40, attributes) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM,
	      "an attribute of all ones, a control word with bit 6: invalid parameter");
	check(L4_Set_PageAttribute(L4_CompleteAddressSpace, L4_DefaultMemory) == 1 && test_page[2] == 0x7777,
	      "the complete fpage: every page of the space back to the default");

	/* ProcessorControl: the internal frequency is the rate of the cycles; time runs on in ns. */
	L4_Word_t khz = L4_ProcDescInternalFreq(L4_ProcDesc(kip, 0)), dc, dt;
	check(L4_ProcessorControl(0, ~0UL, ~0UL, ~0UL) == 1 && L4_ProcessorControl(0, khz, 0, 0) == 1 && khz == 1000000,
	      "L4_ProcessorControl: unchanged (~0), and the current frequency (1 GHz), succeed");
	check(L4_ProcessorControl(0, khz / 2, 0, 0) == 1 && L4_ProcDescInternalFreq(L4_ProcDesc(kip, 0)) == khz / 2
	      && L4_ProcDescExternalFreq(L4_ProcDesc(kip, 0)) == khz && (cycles_and_time(&dc, &dt), dt == 2 * dc && dc > 1000),
	      "at 500 MHz: the descriptor says so, and the same loop's time is twice its cycles (rdtime, rdcycle)");
	check(L4_ProcessorControl(0, 0, 0, 1100) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM
	      && L4_ProcessorControl(1, 0, 0, 0) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM
	      && L4_ProcessorControl(0, 2 * khz, 0, 0) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM
	      && L4_ProcessorControl(0, khz / 4, 33000, 0) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM
	      && L4_ProcDescInternalFreq(L4_ProcDesc(kip, 0)) == khz / 2,
	      "a voltage, processor 1, 2 GHz, an external frequency: invalid parameter; nothing changed");
	check(L4_ProcessorControl(0, khz, 0, 0) == 1 && L4_ProcDescInternalFreq(L4_ProcDesc(kip, 0)) == khz
	      && (cycles_and_time(&dc, &dt), dt == dc && dc > 1000),
	      "back at 1 GHz: a cycle a nanosecond");

	return checks_done();
}
