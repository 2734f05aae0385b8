/* SPDX-License-Identifier: BSD-2-Clause
 *
 * A test of libl4 (user/libl4), run by `kola exec`: what an unprivileged task can do. One line
 * per check, "ok  N what" or "FAIL N what", then "P passed, F failed"; exit 0 only if none failed.
 *
 * The encodings are compared with words computed by the Java ABI classes (abi/src/main/java/
 * kola/abi), written next to each constant; cli's Libl4Test checks the same words against them.
 */
#include "rt.h"
#include <l4/l4.h>
#include "check.h"

#define ECHO_LABEL 0xEC0UL
#define STACK_TOP 0x3F00000000UL /* ElfPager.STACK_TOP */
#define STACK_SIZE (2048UL * 4096) /* ElfPager.STACK_PAGES pages */


static inline unsigned long rdcycle(void)
{
	unsigned long c;
	__asm__ volatile("rdcycle %0" : "=r"(c));
	return c;
}

/*
 * A page of its own, to unmap and touch again. Initialised, so in .data: crt0 zeroes from
 * __bss_start, which without a .data lies at the end of the text segment, below a page-aligned
 * .bss and outside every segment.
 */
static volatile unsigned long data_page[512] __attribute__((aligned(4096))) = {1};

extern char __executable_start[], etext[];

/* L4_Call to the echo service with n words: each comes back plus one, the label kept. */
static int echo(int n)
{
	L4_Msg_t msg;
	L4_MsgClear(&msg);
	L4_Set_MsgLabel(&msg, ECHO_LABEL);
	for (int i = 0; i < n; i++)
		L4_MsgAppendWord(&msg, 0x1000UL * (L4_Word_t)i + 7);
	L4_MsgLoad(&msg);
	L4_MsgTag_t tag = L4_Call(L4_Pager());
	if (L4_IpcFailed(tag) || L4_Label(tag) != ECHO_LABEL || L4_UntypedWords(tag) != (L4_Word_t)n
	    || L4_TypedWords(tag) != 0)
		return 0;
	L4_Msg_t back;
	L4_MsgStore(tag, &back);
	for (int i = 0; i < n; i++)
		if (L4_MsgWord(&back, i) != 0x1000UL * (L4_Word_t)i + 8)
			return 0;
	return 1;
}

static void encodings(void)
{
	L4_MsgTag_t tag = L4_Niltag;
	tag = L4_MsgTagAddLabel(tag, ECHO_LABEL);
	tag.X.u = 3;
	tag.X.t = 2;
	/* MsgTag.make(0xEC0, 3, 2) */
	check(tag.raw == 0xEC00083UL && L4_Label(tag) == 0xEC0 && L4_UntypedWords(tag) == 3
	      && L4_TypedWords(tag) == 2, "message tag: label 0xEC0, u 3, t 2 is 0xec00083");
	L4_MsgTag_t err = {.raw = 0x8000UL}; /* MsgTag.ERROR */
	check(L4_IpcFailed(err) && !L4_IpcSucceeded(err) && L4_IpcSucceeded(tag), "the error flag is bit 15");

	L4_Fpage_t f = L4_FpageAddRights(L4_FpageLog2(0x10000, 12), L4_ReadWriteOnly);
	/* Fpage.of(0x10000, 12, R | W) */
	check(f.raw == 0x100C6UL && L4_Address(f) == 0x10000 && L4_Size(f) == 4096 && L4_SizeLog2(f) == 12
	      && L4_Rights(f) == 6, "fpage 0x10000, 2^12, rw- is 0x100c6");
	L4_Fpage_t g = L4_Fpage(0x20000, 0x3000);
	L4_Set_Rights(&g, L4_FullyAccessible);
	/* Fpage.of(0x20000, 14, RWX) */
	check(g.raw == 0x200E7UL && L4_Size(g) == 0x4000, "L4_Fpage rounds the size up: 0x20000, 0x3000 rwx is 0x200e7");
	/* Fpage.COMPLETE, Fpage.NIL */
	check(L4_CompleteAddressSpace.raw == 0x10 && L4_Nilpage.raw == 0 && L4_IsNilFpage(L4_Nilpage),
	      "complete address space 0x10, nil fpage 0");

	/* Timeout.NEVER, ZERO, relative(1000), relative(2000), relative(1025), relative(0) */
	check(L4_Never.raw == 0 && L4_ZeroTime.raw == 0x400 && L4_TimePeriod(1000).raw == 0x3E8
	      && L4_TimePeriod(2000).raw == 0x7E8 && L4_TimePeriod(1025).raw == 0x601
	      && L4_TimePeriod(0).raw == 0x400, "timeouts: never 0, zero 0x400, 1000us 0x3e8, 2000us 0x7e8, 1025us 0x601");
	/* Timeout.pair(ZERO, NEVER), Timeout.pair(relative(1000), ZERO) */
	check(L4_Timeouts(L4_ZeroTime, L4_Never) == 0x4000000UL
	      && L4_Timeouts(L4_TimePeriod(1000), L4_ZeroTime) == 0x3E80400UL, "timeouts word: send << 16 | receive");

	L4_MapItem_t m = L4_MapItem(f, 0x20000);
	/* Items.mapWord(0x20000), then the fpage */
	check(m.raw[0] == 0x20008UL && m.raw[1] == 0x100C6UL && L4_IsMapItem(m) && L4_MapItemSndBase(m) == 0x20000
	      && L4_MapItemSndFpage(m).raw == f.raw, "map item: 0x20008, 0x100c6");
	L4_GrantItem_t gi = L4_GrantItem(f, 0x20000);
	/* Items.grantWord(0x20000) */
	check(gi.raw[0] == 0x2000AUL && L4_IsGrantItem(gi) && !L4_IsMapItem(gi), "grant item: 0x2000a");
	L4_StringItem_t s = L4_StringItem(100, (void *)0x5000);
	/* Items.stringWord(100) */
	check(s.raw[0] == 100UL << 10 && s.raw[1] == 0x5000 && L4_IsStringItem(&s), "simple string item: 100 << 10, address");
	L4_Acceptor_t a = L4_AddAcceptor(L4_MapGrantItems(L4_CompleteAddressSpace), L4_StringItemsAcceptor);
	/* Items.acceptor(Fpage.COMPLETE, true) */
	check(a.raw == 0x11 && L4_HasStringItems(a) && L4_HasMapGrantItems(a) && L4_UntypedWordsAcceptor.raw == 0
	      && L4_RcvWindow(a).raw == 0x10, "acceptor: complete window and strings is 0x11");

	/* ThreadId.global(0x43, 1), ThreadId.NIL, ThreadId.ANY */
	L4_ThreadId_t t = L4_GlobalId(0x43, 1);
	check(t.raw == 0x4300000001UL && L4_ThreadNo(t) == 0x43 && L4_Version(t) == 1 && L4_nilthread.raw == 0
	      && L4_anythread.raw == ~0UL && L4_IsNilThread(L4_nilthread) && !L4_IsNilThread(t),
	      "thread ids: number << 32 | version, nil 0, any -1");
}

static void messages(void)
{
	L4_Msg_t msg;
	L4_MsgClear(&msg);
	L4_Set_MsgLabel(&msg, 0x42);
	L4_MsgAppendWord(&msg, 1);
	L4_MsgAppendWord(&msg, 2);
	L4_MsgAppendMapItem(&msg, L4_MapItem(L4_FpageLog2(0x30000, 12), 0));
	L4_MsgAppendWord(&msg, 3); /* goes before the item */
	check(msg.tag.raw == (0x42UL << 16 | 2 << 6 | 3) && msg.msg[1] == 1 && msg.msg[2] == 2 && msg.msg[3] == 3
	      && msg.msg[4] == 8 && msg.msg[5] == 0x300C0UL, "message building: words before items, tag counts both");

	L4_Word_t words[3] = {10, 20, 30}, got[3] = {0, 0, 0};
	L4_MapItem_t item = L4_MapItem(L4_FpageLog2(0x40000, 12), 0x40000), item2;
	L4_MsgPut(&msg, 0x77, 3, words, 2, &item);
	L4_MsgGet(&msg, got, &item2);
	check(L4_MsgLabel(&msg) == 0x77 && got[0] == 10 && got[2] == 30 && item2.raw[0] == item.raw[0]
	      && item2.raw[1] == item.raw[1] && L4_MsgWord(&msg, 1) == 20, "L4_MsgPut / L4_MsgGet round trip");

	L4_MsgLoad(&msg);
	L4_Word_t mr0, mr4, mr5;
	L4_StoreMR(0, &mr0);
	L4_StoreMR(4, &mr4);
	L4_StoreMR(5, &mr5);
	L4_Word_t *utcb = __L4_Utcb();
	check(mr0 == msg.raw[0] && mr4 == item.raw[0] && mr5 == item.raw[1] && utcb[16] == mr0 && utcb[16 + 5] == mr5,
	      "L4_MsgLoad fills MR0..MR(u+t), MR0 at UTCB word 16");
	L4_LoadBR(3, 0xB3);
	L4_Word_t br;
	L4_StoreBR(3, &br);
	L4_Accept(L4_UntypedWordsAcceptor);
	check(br == 0xB3 && utcb[80 + 3] == 0xB3 && utcb[80] == 0, "L4_LoadBR / L4_StoreBR / L4_Accept: BR0 at UTCB word 80");
}

static void utcb_words(void)
{
	L4_ThreadId_t me = L4_Myself();
	/* ExecRuntime gives the program thread KIP.userBase + 3 (64 + 3), version 1 */
	check(L4_IsThreadEqual(me, L4_MyGlobalId()) && L4_ThreadNo(me) == 67 && L4_Version(me) == 1,
	      "MyGlobalId: thread 67 (userBase + 3), version 1");
	check(!L4_IsNilThread(L4_Pager()) && !L4_IsThreadEqual(L4_Pager(), me) && L4_ProcessorNo() == 0,
	      "the pager is set, processor 0");
	check(L4_IsThreadEqual(L4_ExceptionHandler(), L4_Pager()), "the exception handler is the pager until set (Kola)");
}

/* Local ids: what a task of one thread can see of them (the rest is tested in Java, kernel module). */
static void local_ids(void)
{
	L4_ThreadId_t me = L4_Myself(), local = L4_MyLocalId(), from = L4_nilthread;
	L4_Word_t *utcb = __L4_Utcb();
	/* ElfPager puts the program's thread at the base of Kip.STANDARD_UTCB_AREA */
	check(local.raw == (L4_Word_t)utcb && utcb[10] == local.raw && local.raw == 0x3FFFE00000UL,
	      "MyLocalId: UTCB word 10 is the UTCB's own address (tp), 0x3fffe00000");
	/* ThreadId.ANY_LOCAL = -1 << 6 = 0xffffffffffffffc0 */
	check(L4_IsLocalId(local) && !L4_IsGlobalId(local) && L4_IsGlobalId(me) && !L4_IsLocalId(me)
	      && L4_IsLocalId(L4_nilthread) && L4_IsGlobalId(L4_anythread) && L4_IsLocalId(L4_anylocalthread)
	      && L4_anylocalthread.raw == 0xFFFFFFFFFFFFFFC0UL,
	      "L4_IsLocalId / L4_IsGlobalId by the low 6 bits; anylocalthread is 0xffffffffffffffc0");
	check(L4_IsThreadEqual(L4_GlobalIdOf(local), me) && L4_IsThreadEqual(L4_LocalIdOf(me), local)
	      && L4_IsThreadEqual(L4_GlobalIdOf(me), me) && L4_IsThreadEqual(L4_LocalIdOf(local), local),
	      "L4_GlobalIdOf(MyLocalId) is Myself, L4_LocalIdOf(Myself) is MyLocalId (ExchangeRegisters converts)");
	check(L4_SameThreads(local, me) && L4_SameThreads(me, local) && !L4_SameThreads(me, L4_Pager()),
	      "L4_SameThreads: its two ids name one thread, the pager another");
	L4_ThreadId_t unused = {.raw = local.raw + 1024};
	check(L4_IsNilThread(L4_GlobalIdOf(unused)) && L4_ErrorCode() == L4_ERROR_INVALID_THREAD,
	      "L4_GlobalIdOf a free UTCB slot: nil, invalid thread");
	check(L4_IsNilThread(L4_LocalIdOf(L4_Pager())) && L4_ErrorCode() == L4_ERROR_INVALID_THREAD,
	      "L4_LocalIdOf the pager (another space): nil, invalid thread");

	L4_Set_MsgTag(L4_Niltag);
	L4_MsgTag_t tag = L4_Lipc(local, local, L4_Timeouts(L4_ZeroTime, L4_ZeroTime), &from);
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (L4_ErrTimeout << 1),
	      "L4_Lipc to itself by local id, zero timeouts: it is not receiving, send timeout (2)");
	tag = L4_Lipc(unused, unused, L4_Timeouts(L4_ZeroTime, L4_ZeroTime), &from);
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (L4_ErrNonExist << 1),
	      "L4_Lipc to a free local id: no partner, send phase (4)");
	tag = L4_Receive_Timeout(local, L4_ZeroTime);
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (L4_ErrTimeout << 1 | 1),
	      "L4_Receive from its own local id, zero timeout: receive timeout (3)");
	tag = L4_Receive_Timeout(unused, L4_ZeroTime);
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (L4_ErrNonExist << 1 | 1),
	      "L4_Receive from a free local id: no partner, receive phase (5)");
	tag = L4_Lipc(L4_nilthread, L4_anylocalthread, L4_Timeouts(L4_Never, L4_ZeroTime), &from);
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (L4_ErrTimeout << 1 | 1) && L4_IsNilThread(from),
	      "a receive from anylocalthread, zero timeout, nobody local sending: receive timeout (3)");
	L4_Set_MsgTag(L4_Niltag);
	tag = L4_Lcall(unused);
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (L4_ErrNonExist << 1), "L4_Lcall to a free local id: no partner (4)");

	L4_Word_t control, sp, ip, flags, handle;
	L4_ThreadId_t pager;
	L4_ThreadId_t r = L4_ExchangeRegisters(local, 1UL << 9, 0, 0, 0, 0, L4_nilthread, &control, &sp, &ip, &flags, &handle,
					       &pager);
	check(L4_IsThreadEqual(r, me) && L4_IsThreadEqual(pager, L4_Pager()) && sp != 0 && ip != 0,
	      "L4_ExchangeRegisters on its local id (d set): its global id, its pager, sp and ip");
	r = L4_ExchangeRegisters(me, 0, 0, 0, 0, 0, L4_nilthread, &control, &sp, &ip, &flags, &handle, &pager);
	check(L4_IsThreadEqual(r, local) && control == 0 && sp == 0 && ip == 0 && flags == 0 && handle == 0
	      && L4_IsNilThread(pager), "L4_ExchangeRegisters without d: its local id, the out-parameters 0");
}

static void ipc(void)
{
	check(echo(0), "L4_Call to the echo service, 0 words");
	check(echo(1), "L4_Call to the echo service, 1 word");
	check(echo(8), "L4_Call to the echo service, 8 words");
	check(echo(63), "L4_Call to the echo service, 63 words");

	L4_ThreadId_t pager = L4_Pager(), from = L4_nilthread;
	L4_MsgTag_t tag = L4_MsgTagAddLabel(L4_Niltag, ECHO_LABEL);
	tag.X.u = 1;
	L4_Set_MsgTag(tag);
	L4_LoadMR(1, 41);
	tag = L4_Ipc(pager, pager, L4_Timeouts(L4_Never, L4_Never), &from);
	L4_Word_t w;
	L4_StoreMR(1, &w);
	check(L4_IpcSucceeded(tag) && L4_IsThreadEqual(from, pager) && w == 42, "L4_Ipc returns the sender in *from");
	L4_Set_MsgTag(tag);
	tag = L4_Lipc(pager, pager, L4_Timeouts(L4_Never, L4_Never), &from);
	L4_StoreMR(1, &w);
	check(L4_IpcSucceeded(tag) && L4_IsThreadEqual(from, pager) && w == 43, "L4_Lipc with a global id: as Ipc");

	L4_ThreadId_t nobody = L4_GlobalId(1000, 1);
	L4_Set_MsgTag(L4_Niltag);
	tag = L4_Send_Timeout(nobody, L4_ZeroTime);
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (L4_ErrNonExist << 1) && !L4_IpcErrorInReceive(L4_ErrorCode()),
	      "L4_Send to nobody: no partner, send phase (ErrorCode 4)");
	tag = L4_Receive_Timeout(nobody, L4_ZeroTime);
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (L4_ErrNonExist << 1 | 1), "L4_Receive from nobody: no partner, receive phase (5)");
	tag = L4_Wait_Timeout(L4_ZeroTime, &from);
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (L4_ErrTimeout << 1 | 1) && L4_IsNilThread(from),
	      "L4_Wait with zero timeout: timeout, receive phase (3)");
	tag = L4_Receive_Timeout(pager, L4_ZeroTime);
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (L4_ErrTimeout << 1 | 1), "L4_Receive from the silent pager, zero timeout: timeout (3)");
	L4_Set_MsgTag(L4_Niltag);
	tag = L4_Send_Timeout(L4_Myself(), L4_ZeroTime);
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (L4_ErrTimeout << 1), "L4_Send to itself (not receiving), zero timeout: timeout (2)");
	tag.raw = 0;
	tag.X.u = 62;
	tag.X.t = 2;
	L4_Set_MsgTag(tag);
	tag = L4_Send_Timeout(pager, L4_ZeroTime);
	check(L4_IpcFailed(tag) && L4_IpcErrorKind(L4_ErrorCode()) == L4_ErrMsgOverflow && !L4_IpcErrorInReceive(L4_ErrorCode()),
	      "a tag with u + t = 64: message overflow, send phase (8)");

	L4_Clock_t before = L4_SystemClock();
	tag = L4_Wait_Timeout(L4_TimePeriod(2000), &from);
	L4_Clock_t after = L4_SystemClock();
	L4_Word_t waited = after.raw - before.raw;
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (L4_ErrTimeout << 1 | 1) && waited >= 2000 && waited <= 2100,
	      "a 2000 us receive timeout expires after 2000..2100 simulated us");
	printf("#   waited %lu us\n", waited);
	before = L4_SystemClock();
	L4_Sleep(L4_TimePeriod(500));
	after = L4_SystemClock();
	check(after.raw - before.raw >= 500 && after.raw - before.raw <= 550 && L4_ErrorCode() == (L4_ErrTimeout << 1 | 1),
	      "L4_Sleep(500 us): a receive from itself that times out after 500..550 us");
}

/* ---- String items: compound strings and buffers (X.2 "String items", "Buffer registers") ---- */

static unsigned char str_src[3][128];
static unsigned char str_rcv[3][128];
static unsigned char str_big[5000];

/*
 * Calls the echo service with word 7 and the compound string at s, receiving into the buffers of
 * b. The service answers with word 8 and the string's bytes, each plus one, as one simple string.
 */
static L4_MsgTag_t echo_string(L4_StringItem_t *s, L4_MsgBuffer_t *b)
{
	L4_Msg_t msg;
	L4_MsgClear(&msg);
	L4_Set_MsgLabel(&msg, ECHO_LABEL);
	L4_MsgAppendWord(&msg, 7);
	L4_MsgAppendStringItem(&msg, s);
	L4_MsgLoad(&msg);
	L4_AcceptStrings(L4_StringItemsAcceptor, b);
	return L4_Call(L4_Pager());
}

/* Whether the echo's answer is word 8 and one simple string item of n bytes. */
static int echoed(L4_MsgTag_t tag, L4_Word_t n)
{
	L4_Word_t mr1, mr2;
	L4_StoreMR(1, &mr1);
	L4_StoreMR(2, &mr2);
	return L4_IpcSucceeded(tag) && L4_Label(tag) == ECHO_LABEL && L4_UntypedWords(tag) == 1 && L4_TypedWords(tag) == 2
	       && mr1 == 8 && mr2 == n << 10;
}

static void strings(void)
{
	L4_Word_t w[16];
	L4_StringItem_t *s = (L4_StringItem_t *)w;
	*s = L4_StringItem(100, (void *)0x5000);
	L4_AddSubstringAddressTo(s, (void *)0x6000);
	L4_AddSubstringAddressTo(s, (void *)0x7000);
	/* Items.stringWord(100, 3, false) */
	check(w[0] == 0x19020UL && w[1] == 0x5000 && w[2] == 0x6000 && w[3] == 0x7000 && L4_Substrings(s) == 3
	      && L4_Substring(s, 2) == (void *)0x6000 && !L4_CompoundString(s) && L4_StringWords(s) == 4
	      && L4_StringLength(s) == 300, "L4_AddSubstringAddressTo: 3 substrings of 100 bytes (j = 2) is 0x19020");
	L4_StringItem_t t = L4_StringItem(50, (void *)0x8000);
	L4_StringItem_t *tail = L4_AddSubstringTo(s, &t);
	/* Items.stringWord(100, 3, true), Items.stringWord(50) */
	check(w[0] == 0x19220UL && w[4] == 0xC800UL && w[5] == 0x8000 && tail == (L4_StringItem_t *)&w[4]
	      && L4_CompoundString(s) && L4_StringWords(s) == 6 && L4_StringLength(s) == 350,
	      "L4_AddSubstringTo: c on the first item (0x19220), then 50 bytes: 350 bytes in 6 words");

	L4_Msg_t msg;
	L4_MsgClear(&msg);
	L4_MsgAppendWord(&msg, 9);
	L4_MsgAppendStringItem(&msg, s);
	L4_Word_t back[8] = {0};
	int same = L4_MsgGetStringItem(&msg, 0, (L4_StringItem_t *)back) == 6;
	for (int i = 0; i < 6; i++)
		same = same && msg.msg[2 + i] == w[i] && back[i] == w[i];
	check(same && L4_TypedWords(msg.tag) == 6 && L4_UntypedWords(msg.tag) == 1,
	      "L4_MsgAppendStringItem / L4_MsgGetStringItem: the compound string's 6 words, t = 6");

	L4_MsgBuffer_t b;
	L4_MsgBufferClear(&b);
	L4_MsgBufferAppendSimpleRcvString(&b, L4_StringItem(64, str_rcv[0]));
	L4_MsgBufferAppendRcvString(&b, s);
	/* Items.stringWord(64) | Items.MORE */
	check(b.raw[0] == 0x10001UL && b.raw[1] == (L4_Word_t)str_rcv[0] && b.raw[2] == 0x19220UL && b.raw[7] == 0x8000,
	      "L4_MsgBuffer: a simple buffer with C (another follows: 0x10001), then the compound one");

	/* Send 3 x 40 bytes (c), then 30: 150 bytes, into a compound buffer of 2 x 64 (c), then 100. */
	unsigned char sent[150];
	for (int i = 0; i < 128; i++) {
		str_src[0][i] = (unsigned char)i;
		str_src[1][i] = (unsigned char)(3 * i + 1);
		str_src[2][i] = (unsigned char)(5 * i + 2);
	}
	for (int i = 0; i < 40; i++) {
		sent[i] = str_src[0][i];
		sent[40 + i] = str_src[1][i];
		sent[80 + i] = str_src[2][i];
	}
	for (int i = 0; i < 30; i++)
		sent[120 + i] = str_src[0][64 + i];
	L4_Word_t sw[8], rw[8];
	L4_StringItem_t *ss = (L4_StringItem_t *)sw, *rb = (L4_StringItem_t *)rw;
	*ss = L4_StringItem(40, str_src[0]);
	L4_AddSubstringAddressTo(ss, str_src[1]);
	L4_AddSubstringAddressTo(ss, str_src[2]);
	t = L4_StringItem(30, str_src[0] + 64);
	L4_AddSubstringTo(ss, &t);
	*rb = L4_StringItem(64, str_rcv[0]);
	L4_AddSubstringAddressTo(rb, str_rcv[1]);
	t = L4_StringItem(100, str_rcv[2]);
	L4_AddSubstringTo(rb, &t);
	L4_MsgBufferClear(&b);
	L4_MsgBufferAppendRcvString(&b, rb);
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 128; k++)
			str_rcv[i][k] = 0xEE;
	L4_MsgTag_t tag = echo_string(ss, &b);
	check(echoed(tag, 150), "a compound string to the echo service: word 8 and 150 bytes come back");
	int bytes = 1;
	for (int i = 0; i < 150; i++)
		bytes = bytes && str_rcv[i / 64][i % 64] == (unsigned char)(sent[i] + 1);
	check(bytes && str_rcv[0][64] == 0xEE && str_rcv[2][22] == 0xEE,
	      "... scattered over the compound buffer's substrings in order, each byte plus one, nothing more");

	/* Errors with X.2's offset: the string bytes before the failure (nothing moves). */
	L4_StringItem_t big[2] = {L4_StringItem(2500, str_big), L4_StringItem(0, 0)};
	L4_AddSubstringAddressTo(big, str_big + 2500);
	tag = echo_string(big, &b);
	/* IpcError.code(MESSAGE_OVERFLOW, false) | 4096 << 4 */
	check(L4_IpcFailed(tag) && L4_ErrorCode() == 0x10008UL && L4_IpcErrorOffset(L4_ErrorCode()) == 4096,
	      "5000 bytes to the echo's 4096-byte buffer: message overflow, send phase, offset 4096");
	L4_MsgClear(&msg);
	L4_Set_MsgLabel(&msg, ECHO_LABEL);
	L4_MsgAppendSimpleStringItem(&msg, L4_StringItem(10, str_src[0]));
	L4_MsgAppendSimpleStringItem(&msg, L4_StringItem(10, str_src[1]));
	L4_MsgLoad(&msg);
	tag = L4_Call(L4_Pager());
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (8 | 10 << 4),
	      "two strings to the echo's one buffer (no C): overflow at offset 10, after the first");
	L4_MsgBufferClear(&b);
	L4_MsgBufferAppendSimpleRcvString(&b, L4_StringItem(60, str_rcv[0]));
	str_rcv[0][0] = 0xEE;
	L4_StringItem_t hundred = L4_StringItem(100, str_src[1]);
	tag = echo_string(&hundred, &b);
	L4_Word_t mr1;
	L4_StoreMR(1, &mr1);
	check(L4_IpcFailed(tag) && L4_ErrorCode() == (9 | 60 << 4) && str_rcv[0][0] == 0xEE,
	      "100 bytes back into a 60-byte buffer: overflow, receive phase, offset 60; the buffer untouched");
	check(L4_Label(tag) == ECHO_LABEL && L4_UntypedWords(tag) == 1 && L4_TypedWords(tag) == 2 && mr1 == 8,
	      "... and the receiver still gets the tag (label, u, t) and the untyped word");

	/*
	 * A reply into a buffer whose second substring lies on a page never touched (deep in the
	 * stack): the echo (this task's pager) waits for this task's fault, which it can serve only
	 * after the transfer times out (this task's receive transfer timeout, 1 ms; X.2: the sooner
	 * of the partners'). The redone receive fails with error 5 at offset 64; the next call finds
	 * the page mapped.
	 */
	unsigned char *far = (unsigned char *)(STACK_TOP - STACK_SIZE + 16 * 4096);
	for (int i = 0; i < 64; i++)
		far[4096 - 64 + i] = 0xEE;
	*rb = L4_StringItem(64, far + 4096 - 64);
	L4_AddSubstringAddressTo(rb, far + 4096 + 100);
	L4_MsgBufferClear(&b);
	L4_MsgBufferAppendRcvString(&b, rb);
	L4_Set_XferTimeouts(L4_Timeouts(L4_Never, L4_TimePeriod(1000)));
	tag = echo_string(&hundred, &b);
	/* IpcError.code(XFER_TIMEOUT_OWN, true) | 64 << 4 */
	check(L4_IpcFailed(tag) && L4_ErrorCode() == 0x40BUL,
	      "a reply into an untouched page: transfer timeout in own space, receive phase, offset 64 (0x40b)");
	tag = echo_string(&hundred, &b);
	bytes = echoed(tag, 100);
	for (int i = 0; i < 100; i++)
		bytes = bytes && (i < 64 ? far[4096 - 64 + i] : far[4096 + 100 + i - 64]) == (unsigned char)(str_src[1][i] + 1);
	check(bytes, "... and once the page is mapped the same call succeeds");
	L4_Set_XferTimeouts(0);
}

static void clock(void)
{
	L4_Word64_t c0, c1;
	L4_Clock_t t0 = Kola_SystemClock(&c0), t1;
	int monotonic = 1;
	for (int i = 0; i < 100; i++) {
		t1 = Kola_SystemClock(&c1);
		if (t1.raw < t0.raw || c1 <= c0 || t1.raw != c1 / 1000)
			monotonic = 0;
		t0 = t1;
		c0 = c1;
	}
	check(monotonic, "SystemClock: us never go back, cycles always advance, us = cycles / 1000");
	check(L4_SystemClock().raw >= t1.raw, "L4_SystemClock returns microseconds (a0)");
}

static void privileged(void)
{
	L4_ThreadId_t me = L4_Myself(), pager = L4_Pager(), child = L4_GlobalId(L4_ThreadNo(me) + 1, 1);
	L4_Word_t old;
	check(L4_ThreadControl(child, me, me, pager, (void *)-1) == 0 && L4_ErrorCode() == L4_ERROR_NO_PRIVILEGE,
	      "L4_ThreadControl: refused, no privilege");
	check(L4_SpaceControl(me, 0, L4_FpageLog2(0x3FFFFFF000UL, 12), L4_FpageLog2(0x3FFFE00000UL, 20), L4_nilthread, &old) == 0
	      && L4_ErrorCode() == L4_ERROR_NO_PRIVILEGE, "L4_SpaceControl: refused, no privilege");
	check(L4_Schedule(me, ~0UL, ~0UL, 100, ~0UL, &old) == L4_SCHEDRESULT_ERROR && L4_ErrorCode() == L4_ERROR_NO_PRIVILEGE,
	      "L4_Schedule of itself: refused, not its own scheduler");
	check(L4_Set_Priority(me, 1) == 0 && L4_ErrorCode() == L4_ERROR_NO_PRIVILEGE, "L4_Set_Priority: refused likewise");
	check(L4_Schedule(L4_GlobalId(1000, 1), ~0UL, ~0UL, ~0UL, ~0UL, &old) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_THREAD,
	      "L4_Schedule of nobody: invalid thread");
	L4_Word_t d;
	L4_ThreadId_t p;
	check(L4_IsNilThread(L4_ExchangeRegisters(pager, 0, 0, 0, 0, 0, L4_nilthread, &d, &d, &d, &d, &d, &p))
	      && L4_ErrorCode() == L4_ERROR_INVALID_THREAD, "L4_ExchangeRegisters on another space's thread: invalid thread");
	check(L4_IsNilThread(L4_ExchangeRegisters(me, 1UL << 10, 0, 0, 0, 0, L4_nilthread, &d, &d, &d, &d, &d, &p))
	      && L4_ErrorCode() == L4_ERROR_INVALID_PARAM, "L4_ExchangeRegisters with an unknown control bit: invalid parameter");
}

static void memory_processor_control(void)
{
	L4_Word_t attributes[4] = {Kola_IOMemory, 0, 0, 0};
	data_page[3] = 33;
	check(L4_Set_PageAttribute(L4_FpageLog2((L4_Word_t)data_page, 12), Kola_IOMemory) == 0
	      && L4_ErrorCode() == L4_ERROR_NO_PRIVILEGE && data_page[3] == 33,
	      "L4_Set_PageAttribute: refused, no privilege");
	L4_LoadMR(0, ~0UL);
	check(L4_MemoryControl(~0UL, attributes) == 0 && L4_ErrorCode() == L4_ERROR_NO_PRIVILEGE,
	      "L4_MemoryControl with bad words: refused first for no privilege");
	check(L4_ProcessorControl(0, ~0UL, ~0UL, ~0UL) == 0 && L4_ErrorCode() == L4_ERROR_NO_PRIVILEGE,
	      "L4_ProcessorControl: refused, no privilege");
}

static void exchange_registers(void)
{
	L4_ThreadId_t me = L4_Myself(), pager;
	L4_Word_t control, sp, ip, flags, handle;
	L4_ThreadId_t r = L4_ExchangeRegisters(me, 1UL << 9, 0, 0, 0, 0, L4_nilthread, &control, &sp, &ip, &flags, &handle,
					       &pager);
	L4_Word_t here = (L4_Word_t)__builtin_frame_address(0);
	check(L4_IsThreadEqual(r, L4_MyLocalId()) && sp <= STACK_TOP && sp > STACK_TOP - STACK_SIZE && sp <= here && here - sp < 4096,
	      "L4_ExchangeRegisters on itself: its live sp, in its stack");
	check(ip >= (L4_Word_t)__executable_start && ip < (L4_Word_t)etext, "... its live ip, in its text");
	check(L4_IsThreadEqual(pager, L4_Pager()) && control == 0, "... its pager; not halted, not in IPC");

	L4_Set_UserDefinedHandle(0x5EED1234ABCDUL);
	check(L4_UserDefinedHandleOf(me) == 0x5EED1234ABCDUL, "L4_Set_UserDefinedHandle reaches the kernel (read back by ExchangeRegisters)");
	L4_Set_UserDefinedHandleOf(me, 0xC0FFEEUL);
	check(L4_UserDefinedHandle() == 0xC0FFEEUL, "a handle set by ExchangeRegisters is in the UTCB after the call");
	check(L4_IsThreadEqual(L4_PagerOf(me), L4_Pager()), "L4_PagerOf itself is L4_Pager()");

	/* A pager word may be a local id of the thread's own space (X.2): it comes back as it was set. */
	L4_ThreadId_t runtime = L4_Pager();
	L4_Set_PagerOf(me, L4_MyLocalId());
	L4_ThreadId_t local = L4_PagerOf(me);
	L4_Set_PagerOf(L4_MyLocalId(), runtime);
	volatile L4_Word_t *fresh = (volatile L4_Word_t *)(here - 4096 * 64);
	*fresh = 0x10CA1; /* a stack page never touched: faults to the pager named again globally */
	check(L4_IsThreadEqual(local, L4_MyLocalId()) && L4_IsLocalId(local) && L4_IsThreadEqual(L4_PagerOf(me), runtime)
	      && *fresh == 0x10CA1, "a local pager word reads back local; set back to its global id, a page fault goes to it");

	L4_Word_t xfer = L4_Timeouts(L4_TimePeriod(1000), L4_TimePeriod(1000));
	L4_Set_XferTimeouts(xfer);
	L4_Yield();
	L4_Set_UserDefinedHandle(1);
	check(L4_XferTimeouts() == xfer && L4_UserDefinedHandleOf(me) == 1, "XferTimeouts and the handle survive kernel entries");
	L4_Set_UserDefinedHandleOf(me, 7);
	L4_Set_UserDefinedHandle(8);
	L4_Set_UserDefinedHandleOf(me, 7);
	check(L4_UserDefinedHandle() == 7, "a word the thread overwrote is the kernel's again when the kernel sets it back");
	L4_Set_XferTimeouts(0);
	L4_ThreadSwitch(L4_Pager());
	check(1, "L4_Yield and L4_ThreadSwitch(pager) return");
}

static void unmap(void)
{
	for (int i = 0; i < 512; i++)
		data_page[i] = 0xDA7A0000UL + (L4_Word_t)i;
	L4_Fpage_t page = L4_FpageAddRights(L4_FpageLog2((L4_Word_t)data_page, 12), L4_FullyAccessible);

	/* Without flush: only mappings derived from ours go (there are none); ours stays. */
	L4_Fpage_t back = L4_UnmapFpage(page);
	unsigned long c0 = rdcycle();
	L4_Word_t v = data_page[5];
	unsigned long mapped = rdcycle() - c0;
	check(L4_Address(back) == L4_Address(page) && L4_Rights(back) == 0 && v == 0xDA7A0005UL,
	      "L4_UnmapFpage (no flush): the fpage back with status 0, our page stays");

	back = L4_Flush(page);
	c0 = rdcycle();
	v = data_page[7];
	unsigned long faulted = rdcycle() - c0;
	check(L4_Address(back) == L4_Address(page) && L4_Rights(back) == (L4_Readable | L4_Writable) && v == 0xDA7A0007UL
	      && data_page[511] == 0xDA7A01FFUL,
	      "L4_Flush of a data page: its status rw- (we wrote it); the next touch faults it back in, data kept by the pager");
	check(faulted > mapped + 100, "... and that touch took a page fault (it cost more simulated cycles)");
	printf("#   touch: %lu cycles mapped, %lu after the flush\n", mapped, faulted);

	L4_Fpage_t two[2] = {page, L4_FpageAddRights(L4_FpageLog2(0x7000000000UL, 12), L4_FullyAccessible)};
	L4_FlushFpages(2, two);
	v = data_page[9];
	check(L4_Rights(two[0]) == L4_Readable && two[1].raw == L4_FpageLog2(0x7000000000UL, 12).raw + 7 && v == 0xDA7A0009UL,
	      "L4_FlushFpages: a valid fpage comes back with its status (r--: read since), one beyond the address space unchanged");
}

/* The status Unmap returns (X.2: R referenced, W written, X executed), read with rights 0. */
static void page_status(void)
{
	L4_Fpage_t page = L4_FpageLog2((L4_Word_t)data_page, 12);
	L4_Flush(page); /* rights 0: revokes nothing, resets what came before */
	data_page[3] = 0x57A7;
	L4_Fpage_t s = L4_GetStatus(page);
	check(L4_Address(s) == L4_Address(page) && L4_Rights(s) == 0,
	      "L4_GetStatus of our page after a store: nothing (without flush only mappings derived from ours count)");
	s = L4_Flush(page);
	check(L4_WasReferenced(s) && L4_WasWritten(s) && !L4_WaseXecuted(s) && L4_Address(s) == L4_Address(page),
	      "L4_Flush with rights 0 after a store: referenced and written");
	s = L4_Flush(page);
	check(L4_Rights(s) == 0, "... read again: reset");
	L4_Word_t v = data_page[3];
	s = L4_Flush(page);
	check(v == 0x57A7 && L4_WasReferenced(s) && !L4_WasWritten(s), "after a load: referenced, not written; the page stayed");
	s = L4_Flush(L4_FpageLog2((L4_Word_t)page_status & ~0xFFFUL, 12));
	check(L4_WasReferenced(s) && !L4_WasWritten(s) && !L4_WaseXecuted(s),
	      "the text page running this: referenced (read-execute: a fetch is not told from a read)");
}
/* Kola's extensions (l4/kola.h): an unprivileged task's own object space and kernel-memory figures. */
static void point_timeout(void)
{
	L4_Clock_t at = { .raw = (L4_SystemClock().raw + 3000) & ~3ULL }; /* (2^e = 4 names it exactly) */
	L4_Sleep(L4_TimePoint(at));
	L4_Word64_t woke = L4_SystemClock().raw;
	check(woke >= at.raw && woke < at.raw + 100, "L4_Sleep until an absolute time point wakes at that point");
	L4_Clock_t past = { .raw = L4_SystemClock().raw - 1 };
	check(L4_TimePoint(past).raw == L4_ZeroTime.raw, "L4_TimePoint of a passed clock value: L4_ZeroTime");
}

static void kernel_memory(void);

static void kola_extensions(void)
{
	L4_Word_t held = 0, quota = 0;
	check(L4_KolaSelector(3).raw == 0x3000UL && L4_KolaObjectFpage(4, 2, L4_KOLA_SEND).raw == 0x402AUL
	      && L4_KolaReply.raw == 0xFFFFF000UL, "Kola selectors and object fpages: 0x3000, 0x402a, reply 0xfffff000");
	check(L4_CommControl(L4_COMM_NOTIFICATION, L4_KolaSelector(3).raw, 0, 0) == 1
	      && L4_CommControl(L4_COMM_LOOKUP, L4_KolaSelector(3).raw, 0, 0) == 7,
	      "CommControl: a notification in its own slot 3, all rights");
	check(L4_CommControl(L4_COMM_NOTIFICATION, L4_KolaSelector(3).raw, 0, 0) == 0
	      && L4_ErrorCode() == L4_ERROR_INVALID_PARAM, "CommControl: slot 3 is taken: invalid parameter");
	check(L4_CommControl(L4_COMM_ENDPOINT, L4_KolaSelector(5).raw, 0, 0) == 1
	      && L4_CommControl(L4_COMM_LOOKUP, L4_KolaSelector(5).raw, 0, 0) == 7,
	      "CommControl: an endpoint in its own slot 5, all rights");
	check(L4_CommControl(L4_COMM_ENDPOINT_GATE, L4_KolaSelector(6).raw, L4_KolaSelector(5).raw, 0x5E) == 1
	      && L4_CommControl(L4_COMM_LOOKUP, L4_KolaSelector(6).raw, 0, 0) == 7,
	      "CommControl: a gate to that endpoint, labelled 0x5e, in slot 6");
	check(L4_CommControl(L4_COMM_ENDPOINT_GATE, L4_KolaSelector(7).raw, L4_KolaSelector(3).raw, 0x5E) == 0
	      && L4_ErrorCode() == L4_ERROR_INVALID_PARAM, "CommControl: a gate to a notification as an endpoint: invalid parameter");
	check(L4_CommControl(L4_COMM_ENDPOINT_GATE, L4_KolaSelector(7).raw, L4_KolaSelector(5).raw, 0) == 0
	      && L4_ErrorCode() == L4_ERROR_INVALID_PARAM, "CommControl: an endpoint gate labelled nil: invalid parameter");
	check(L4_CommControl(99, 0, 0, 0) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM,
	      "CommControl: an unknown operation: invalid parameter");
	check(L4_CommControl(L4_COMM_POLICY, L4_Myself().raw, L4_Myself().raw, 0) == 0
	      && L4_ErrorCode() == L4_ERROR_NO_PRIVILEGE, "CommControl: a policy, unprivileged: no privilege");
	check(L4_KmemControl(L4_Myself(), L4_KMEM_UNCHANGED, &held, &quota) == 1 && held > 0 && quota == L4_KMEM_UNLIMITED,
	      "KmemControl: its own figures (kernel memory held, no quota)");
	check(L4_KmemControl(L4_Myself(), 1UL << 20, &held, &quota) == 0 && L4_ErrorCode() == L4_ERROR_NO_PRIVILEGE,
	      "KmemControl: its own quota, unprivileged: no privilege");
	L4_Word_t out[3] = {7, 7, 7};
	check(L4_SchedControl(L4_SCHED_CREATE, 1, 100, 1000, out) == 0 && L4_ErrorCode() == L4_ERROR_NO_PRIVILEGE
	      && out[0] == 0 && out[1] == 0 && out[2] == 0, "SchedControl: a scheduling context, unprivileged: no privilege");
	check(L4_SchedControl(L4_SCHED_QUERY, 1, 0, 0, out) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM,
	      "SchedControl: query a context that does not exist: invalid parameter");
	check(L4_SchedControl(42, 0, 0, 0, 0) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM,
	      "SchedControl: an unknown operation: invalid parameter");
	L4_LoadMR(1, L4_SchedSlot(0, 100));
	check(L4_SchedControl(L4_SCHED_DOMAIN_SCHEDULE, 1, 0, 0, 0) == 0 && L4_ErrorCode() == L4_ERROR_NO_PRIVILEGE,
	      "SchedControl: a domain schedule, unprivileged: no privilege");
	kernel_memory();
}

/* A page of its own to retype: touched once (so its pager maps it), never again after. */
static char kpage[4096] __attribute__((aligned(4096)));

static void kernel_memory(void)
{
	L4_Word_t pages = 0, held = 0, quota = 0, before = 0;
	check(L4_KmemRetype(L4_Nilpage, L4_KMEM_NOTIFICATION, L4_Myself(), &pages) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM,
	      "KmemControl RETYPE of the nil fpage: invalid parameter");
	check(L4_KmemLend(L4_Fpage((L4_Word_t)kpage, 4096), L4_Myself(), &pages) == 0 && L4_ErrorCode() == L4_ERROR_INVALID_PARAM,
	      "KmemControl LEND under precise: invalid parameter");
	kpage[0] = 1;
	L4_KmemControl(L4_Myself(), L4_KMEM_UNCHANGED, &before, &quota);
	check(L4_KmemRetype(L4_Fpage((L4_Word_t)kpage, 4096), L4_KMEM_NOTIFICATION, L4_Myself(), &pages) == 1 && pages == 1,
	      "KmemControl RETYPE: a page of its own into notifications");
	check(L4_CommControl(L4_COMM_NOTIFICATION, L4_KolaSelector(4).raw, 0, 0) == 1
	      && L4_KmemControl(L4_Myself(), L4_KMEM_UNCHANGED, &held, &quota) == 1 && held > before,
	      "a notification made from the retyped page, charged to itself");
	check(L4_KmemRetype(L4_Fpage((L4_Word_t)kpage, 4096), L4_KMEM_NOTIFICATION, L4_Myself(), &pages) == 0
	      && L4_ErrorCode() == L4_ERROR_INVALID_PARAM, "KmemControl RETYPE of a page retyped already: invalid parameter");
}

/* The kernel interface page (l4/kip.h) and Kola's words in it (l4/kola.h). */
#define KIP_BASE 0x3FFFFFF000UL /* Fpage.base(Kip.STANDARD_KIP_AREA) */

static void kernel_interface(void)
{
	L4_Word_t version = 0, flags = 0, id = 0;
	void *kip = L4_KernelInterface(&version, &flags, &id);
	L4_KernelInterfacePage_t *k = kip;
	/* KipLayout.API_VERSION_WORD, API_FLAGS_WORD, KERNEL_ID_WORD */
	check((L4_Word_t)kip == KIP_BASE && version == 0x84000000UL && flags == 4 && id == 0x4B010000UL,
	      "L4_KernelInterface: the KIP at its KIP area, X.2 (0x84000000), 64-bit little-endian (4), kernel id 0x4b010000");
	L4_ApiVersion_t v = {.raw = L4_ApiVersion()};
	L4_ApiFlags_t f = {.raw = L4_ApiFlags()};
	L4_KernelId_t kid = {.raw = L4_KernelId()};
	check(L4_GetKernelInterface() == kip && (k->magic & 0xFFFFFFFFUL) == L4_MAGIC && k->ApiVersion.raw == version
	      && v.x.version == L4_APIVERSION_X2 && f.x.ww == L4_APIFLAG_64BIT && f.x.ee == L4_APIFLAG_LE
	      && kid.x.id == 0x4B && kid.x.subid == 1, "the magic and the API words in the page agree with the call");

	__L4_Regs_t r = {{~0UL, 0x8000000000000000UL, 0x123456789UL, ~0UL, 0xA4A4UL, 0xA5A5UL, 0xA6A6UL}};
	__L4_Syscall(__L4_SYS_KERNEL_INTERFACE, &r);
	check(r.a[0] == KIP_BASE && r.a[1] == version && r.a[2] == flags && r.a[3] == id && r.a[4] == 0xA4A4UL
	      && r.a[5] == 0xA5A5UL && r.a[6] == 0xA6A6UL, "KernelInterface with garbage in a0..a6: the same results, a4..a6 kept");

	/* Kip.systemBase(), userBase() (Kernel.SYSTEM_BASE, USER_BASE) */
	check(L4_ThreadIdSystemBase(kip) == 32 && L4_ThreadIdUserBase(kip) == 64
	      && L4_ThreadNo(L4_Myself()) == L4_ThreadIdUserBase(kip) + 3,
	      "ThreadInfo: SystemBase 32, UserBase 64; this thread is UserBase + 3");
	check(L4_ThreadIdBits(kip) == 22 && Kola_KipThreadNumberLimit(kip) == 1UL << 22
	      && L4_ThreadNo(L4_Myself()) < Kola_KipThreadNumberLimit(kip), "ThreadInfo: t 22 bits for 2^22 thread numbers");

	L4_Word_t n = L4_NumMemoryDescriptors(kip), ram = Kola_KipRamBytes(kip);
	int conventional = 0, reserved = 0, modules = 0, user = 0, devices = 0;
	L4_Word_t kmem_end = 0;
	for (L4_Word_t i = 0; i < n; i++) {
		L4_MemoryDesc_t *m = L4_MemoryDesc(kip, i);
		L4_Word_t type = L4_MemoryDescType(m), low = L4_MemoryDescLow(m), high = L4_MemoryDescHigh(m);
		if (L4_IsMemoryDescVirtual(m))
			user += type == L4_ConventionalMemoryType && low == 0 && high == (1UL << 38) - 1;
		else if (type == L4_ConventionalMemoryType)
			conventional += low == 0 && high == ram - 1;
		else if (type == L4_ReservedMemoryType && low == 0) {
			reserved++;
			kmem_end = high + 1;
		} else if (type == L4_DedicatedMemoryType)
			devices += low >= ram;
		else if (type == Kola_BootModuleMemoryType)
			modules += low >= kmem_end && kmem_end > 0 && high < ram && (low & 0xFFF) == 0 && ((high + 1) & 0xFFF) == 0;
	}
	check(n >= 5 && L4_MemoryDesc(kip, n) == 0 && k->MemoryInfo >> 32 == 0x400,
	      "MemoryInfo: the descriptors at 0x400; none past the last");
	check(conventional == 1 && ram == 256UL << 20 && reserved == 1 && kmem_end == 16UL << 20,
	      "memory: conventional over all 256 MiB of RAM, the kernel's first 16 MiB reserved");
	check(modules == 1 && user == 1 && devices == 2,
	      "memory: this program's pages (boot module, 0x3e) above the kernel's, user space virtual, two devices");

	check(L4_PageSizeMask(kip) == 0x1000 && (L4_PageSizeMask(kip) & 4096) && L4_PageRights(kip) == 7,
	      "PageInfo: 4 KiB pages only, rwx");
	check(L4_UtcbSize(kip) == 1024 && L4_UtcbAlignmentLog2(kip) == 10 && L4_UtcbAreaSizeLog2(kip) == 12
	      && L4_UtcbAreaSize(kip) == 4096 && ((L4_Word_t)__L4_Utcb() & (L4_UtcbSize(kip) - 1)) == 0,
	      "UtcbInfo: 1 KiB UTCBs, 1 KiB-aligned (as this one is), areas from 4 KiB");
	check(L4_KipAreaSizeLog2(kip) == 12 && L4_KipAreaSize(kip) == 4096 && L4_BootInfo(kip) >= kmem_end
	      && (L4_BootInfo(kip) & 0xFFF) == 0 && L4_BootInfo(kip) < ram,
	      "KipAreaInfo: one page; BootInfo a page of RAM above the kernel's");
	L4_ProcDesc_t *p = L4_ProcDesc(kip, 0);
	check(L4_NumProcessors(kip) == 1 && p != 0 && L4_ProcDesc(kip, 1) == 0 && L4_ProcDescInternalFreq(p) == 1000000
	      && L4_ProcDescExternalFreq(p) == 1000000 && Kola_KipCyclesPerMicrosecond(kip) * 1000 == L4_ProcDescInternalFreq(p),
	      "one processor at 1 GHz (1000000 kHz), 1000 cycles per us");
	check(L4_ReadPrecision(kip) == L4_TimePeriod(1).raw && L4_SchedulePrecision(kip) == L4_TimePeriod(1).raw,
	      "ClockInfo: read and schedule precision 1 us");

	L4_Word_t year, month, day;
	L4_KernelGenDate(kip, &year, &month, &day);
	L4_Word_t supplier = L4_KernelSupplier(kip);
	check(year == 2026 && month == 12 && day == 3 && L4_KernelVersion(kip) == 0x10000 && memcmp(&supplier, "Kola", 4) == 0
	      && memcmp(L4_KernelVersionString(kip), "Kola ", 5) == 0,
	      "the kernel descriptor: 2026-12-03, version 0.1.0, supplier and version string Kola");
	check(strcmp(L4_Feature(kip, 0), "kola-comm=global-ids") == 0 && strcmp(L4_Feature(kip, 1), "kola-kmem=precise") == 0
	      && L4_Feature(kip, 2) == 0 && L4_HasFeature("kola-kmem=precise") && !L4_HasFeature("kola-kmem=pre")
	      && Kola_KipCommModel(kip) == L4_COMM_MODEL_GLOBAL_IDS && Kola_KipKmemModel(kip) == L4_KMEM_MODEL_PRECISE,
	      "features and Kola's words name the models: global ids, precise");
	check(k->Ipc == (L4_Word_t)__L4_SYS_IPC && k->SpaceControl == (L4_Word_t)__L4_SYS_SPACE_CONTROL
	      && k->Schedule == (L4_Word_t)__L4_SYS_SCHEDULE && k->ProcessorControl == (L4_Word_t)__L4_SYS_PROCESSOR_CONTROL
	      && k->MemoryControl == (L4_Word_t)__L4_SYS_MEMORY_CONTROL && k->ProcessorControl == (L4_Word_t)-16
	      && k->MemoryControl == (L4_Word_t)-17,
	      "the system-call links hold the a7 numbers (ProcessorControl -16, MemoryControl -17)");
}

/*
 * The generic boot information (l4/bootinfo.h) at the KIP's BootInfo word: its pages from sigma0
 * by address, mapped at a window of this program's, and this program's own module found in it.
 */
#define BOOTINFO_WINDOW 0x30000000UL

static void boot_info(const char *self)
{
	void *kip = L4_GetKernelInterface();
	L4_Word_t bi = L4_BootInfo(kip), n = L4_NumMemoryDescriptors(kip), pages = 0;
	int covered = 0;
	for (L4_Word_t i = 0; i < n; i++) {
		L4_MemoryDesc_t *m = L4_MemoryDesc(kip, i);
		if (!L4_IsMemoryDescVirtual(m) && L4_MemoryDescType(m) == Kola_BootInfoMemoryType && L4_MemoryDescLow(m) == bi) {
			covered++;
			pages = (L4_MemoryDescHigh(m) + 1 - bi) >> 12;
		}
	}
	check(bi != 0 && covered == 1 && pages >= 1, "BootInfo: its pages are one memory descriptor of type 0x1e");

	L4_Fpage_t got = L4_Sigma0_GetPage_RcvWindow(L4_nilthread, L4_FpageAddRights(L4_FpageLog2(bi, 12), L4_Readable),
						     L4_FpageLog2(BOOTINFO_WINDOW, 12));
	void *b = (void *)BOOTINFO_WINDOW;
	check(!L4_IsNilFpage(got) && L4_BootInfo_Valid(b) && L4_BootInfo_Size(b) <= 4096 && L4_BootInfo_Entries(b) >= 3
	      && L4_BootInfo_FirstEntry(b) == (L4_BootRec_t *)(BOOTINFO_WINDOW + sizeof(L4_BootInfo_t)),
	      "sigma0 maps its page, asked by address: L4_BootInfo_Valid, a record per boot module after the header");

	L4_BootRec_t *r = L4_BootInfo_FirstEntry(b);
	L4_Word_t start = 0, size = 0, len = strlen(self);
	int found = 0;
	for (L4_Word_t i = 0; i < L4_BootInfo_Entries(b); i++, r = L4_BootRec_Next(r)) {
		char *line = L4_BootRec_Type(r) == L4_BootInfo_Module ? L4_Module_Cmdline(r) : 0;
		L4_Word_t k = 0;
		while (line != 0 && k < len && line[k] == self[k])
			k++;
		if (line != 0 && k == len && (line[len] == 0 || line[len] == ' ')) {
			found++;
			start = L4_Module_Start(r);
			size = L4_Module_Size(r);
		}
	}
	int described = 0;
	for (L4_Word_t i = 0; i < n; i++) {
		L4_MemoryDesc_t *m = L4_MemoryDesc(kip, i);
		described += L4_MemoryDescType(m) == Kola_BootModuleMemoryType && L4_MemoryDescLow(m) == start
			     && L4_MemoryDescHigh(m) == start + size - 1;
	}
	check(found == 1 && size > 0 && described == 1 && (L4_Word_t)r - BOOTINFO_WINDOW == L4_BootInfo_Size(b),
	      "its own module by name (L4_Module_Cmdline): L4_Module_Start and L4_Module_Size are its 0x3e descriptor's");
}

int main(int argc, char **argv)
{
	encodings();
	messages();
	utcb_words();
	local_ids();
	ipc();
	strings();
	clock();
	privileged();
	memory_processor_control();
	exchange_registers();
	unmap();
	page_status();
	kola_extensions();
	point_timeout();
	kernel_interface();
	boot_info(argc > 0 ? argv[0] : "");
	L4_KDB_PrintString("KDB_PrintString works\n");
	check(1, "L4_KDB_PrintString returns (its line is on the kernel console)");
	L4_KDB_Enter("l4lib_test enters the kernel debugger");
	check(1, "L4_KDB_Enter returns (Kola's debugger prints this space's mappings)");
	check(L4_ErrorCode_String(L4_ERROR_NO_PRIVILEGE)[0] == 'n' && L4_IpcError_String(5)[0] == 'n',
	      "error strings");
	return checks_done();
}
