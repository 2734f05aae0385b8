package kola.kernel;

import static kola.kernel.KernelHarness.NEVER;
import static kola.kernel.KernelHarness.NO_UTCB;
import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.UTCB;
import static kola.kernel.KernelHarness.sleep;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.KernelError;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import org.junit.jupiter.api.Test;

/**
 * Local thread ids (L4 X.2, "Thread Ids"): a thread's UTCB location names it within its own
 * space; Ipc takes local ids and anylocalthread, and returns a sender of the receiver's space as
 * its local id; ExchangeRegisters converts between the two forms; a local id never names a thread
 * of another space; the object-space models have no local ids.
 */
class LocalIdsTest {
    static final long A = tid(3);
    static final long B = tid(4);
    static final long C = tid(5);
    static final long D = tid(6);
    static final long E = tid(7);
    static final long NIL = ThreadId.NIL;
    /** The local ids of UTCB slots 0, 1, 2 of the standard area, and a slot nobody uses. */
    static final long SLOT0 = UTCB;
    static final long SLOT1 = UTCB + 1024;
    static final long SLOT2 = UTCB + 2048;
    static final long FREE = UTCB + 40 * 1024;
    static final long ZERO = Timeout.pair(Timeout.ZERO, Timeout.ZERO);
    static final long NEVER_ZERO = Timeout.pair(Timeout.NEVER, Timeout.ZERO);

    /** Sends one word to {@code to}; returns 0, or the ErrorCode of a failure. */
    static long send(L4 l4, long to, long word, long timeouts) {
        l4.setMr(0, MsgTag.make(0, 1, 0));
        l4.setMr(1, word);
        l4.ipc(to, NIL, timeouts);
        return MsgTag.failed(l4.mr(0)) ? l4.errorCode() : 0;
    }

    /** What a receive got: the sender word it returned and MR1 (or the ErrorCode, negated). */
    record Got(long from, long word) {
    }

    static Got receive(L4 l4, long from, long timeouts) {
        long sender = l4.ipc(NIL, from, timeouts);
        return MsgTag.failed(l4.mr(0)) ? new Got(sender, -l4.errorCode()) : new Got(sender, l4.mr(1));
    }

    @Test
    void aThreadsLocalIdIsItsUtcbLocationAndExchangeRegistersGivesTheOtherForm() {
        KernelHarness h = new KernelHarness();
        List<Long> byRoot = new ArrayList<>();
        List<Long> byA = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "task", 0, 100);
            h.startThread(l4, B, A, 1, "task", 1, 100);
            h.check(l4.threadControl(D, A, ROOT, NIL, NO_UTCB) == 1, "D, without UTCB");
            byRoot.add(l4.myLocalId());
            byRoot.add(l4.exchangeRegisters(A, 0, 0, 0, 0, 0, NIL));
            byRoot.add(l4.exchangeRegisters(D, 0, 0, 0, 0, 0, NIL));
            // A local id names a thread of the caller's space only, privileged or not: the root
            // task's space has nobody at slot 1.
            h.expectError(l4, "B's local id from another space", KernelError.INVALID_THREAD, NIL,
                    () -> l4.exchangeRegisters(SLOT1, ExRegs.SET_USER_HANDLE, 0, 0, 0, 5, NIL));
        });
        h.module("task", l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                sleep(l4, 1000);
                return;
            }
            byA.add(l4.myLocalId());
            byA.add(l4.exchangeRegisters(B, 0, 0, 0, 0, 0, NIL));
            byA.add(l4.exchangeRegisters(SLOT1, ExRegs.SET_USER_HANDLE, 0, 0, 0, 0x77, NIL));
            byA.add(l4.exchangeRegisters(l4.myLocalId(), 0, 0, 0, 0, 0, NIL));
            for (long bad : new long[] {FREE, ThreadId.ANY_LOCAL, NIL, SLOT1 + 64, 7L << 32}) {
                h.expectError(l4, "dest " + ThreadId.toString(bad), KernelError.INVALID_THREAD, NIL,
                        () -> l4.exchangeRegisters(bad, ExRegs.SET_USER_HANDLE, 0, 0, 0, 9, NIL));
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(SLOT0, SLOT0, ThreadId.ANY_LOCAL), byRoot,
                "the root task's UTCB is at the standard area's base too; D has no UTCB: anylocalthread");
        assertEquals(List.of(SLOT0, SLOT1, B, A), byA);
        assertEquals(0x77, h.kernel.threads.lookup(B).userHandle, "B was reached by its local id");
    }

    @Test
    void exchangeRegistersDeliversTheOldValuesOnlyWithTheDBit() {
        KernelHarness h = new KernelHarness();
        List<Long> with = new ArrayList<>();
        List<Long> without = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "task", 0, 100);
            l4.exchangeRegisters(A, ExRegs.SET_USER_HANDLE | ExRegs.SET_PAGER | ExRegs.SET_FLAGS, 0, 0, 3, 0x99, ROOT);
            l4.exchangeRegisters(A, ExRegs.HALT, 0, 0, 0, 0, NIL);
            for (int d = 0; d < 2; d++) {
                List<Long> out = d == 0 ? without : with;
                out.add(l4.exchangeRegisters(A, d == 0 ? 0 : ExRegs.DELIVER, 0, 0, 0, 0, NIL));
                for (int i = ExRegs.OUT_CONTROL; i <= ExRegs.OUT_PAGER; i++) {
                    out.add(l4.ret(i));
                }
            }
            // A write without d: it happens, and still nothing comes back.
            l4.exchangeRegisters(A, ExRegs.SET_USER_HANDLE, 0, 0, 0, 0xAA, NIL);
            without.add(l4.ret(ExRegs.OUT_USER_HANDLE));
            l4.exchangeRegisters(A, ExRegs.DELIVER, 0, 0, 0, 0, NIL);
            with.add(l4.ret(ExRegs.OUT_USER_HANDLE));
        });
        h.module("task", l4 -> sleep(l4, 1000));
        h.run();
        h.assertNoFailures();
        long ip = Lifecycle.moduleIpBase(2);
        assertEquals(List.of(SLOT0, 0L, 0L, 0L, 0L, 0L, 0L, 0L), without, "X.2: undefined without d; Kola gives 0");
        assertEquals(List.of(SLOT0, ExRegs.WAS_HALTED, 0L, ip, 3L, 0x99L, ROOT, 0xAAL), with, "(A has not run yet)");
    }

    /**
     * Within one space: a closed receive by local id takes a sender that named the receiver
     * globally, one by global id takes a sender that named it locally, and the sender comes back
     * as its local id either way (X.2). A local id sent from another space names that space's
     * thread (or nobody), never one of this space.
     */
    @Test
    void ipcByLocalIdStaysInTheSpaceAndSendersOfTheSpaceComeBackAsLocalIds() {
        KernelHarness h = new KernelHarness();
        List<Got> gotByA = new ArrayList<>();
        List<Long> errorsOfE = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            h.startThread(l4, B, A, 1, "x", 1, 100);
            h.startTask(l4, E, "y", 0, 100);
        });
        h.module("x", l4 -> {
            if (KernelHarness.entry(l4) == 0) {
                gotByA.add(receive(l4, SLOT1, NEVER)); // B names A globally
                gotByA.add(receive(l4, B, NEVER)); // B names A locally
                gotByA.add(receive(l4, ThreadId.ANY, NEVER)); // E names A globally
            } else {
                h.check(send(l4, A, 1, NEVER) == 0, "B to A, global");
                h.check(send(l4, SLOT0, 2, NEVER) == 0, "B to A, local");
            }
        });
        h.module("y", l4 -> {
            sleep(l4, 500);
            // E's own slot 0 is E itself, not A; E's space has no slot 1.
            errorsOfE.add(send(l4, SLOT0, 3, ZERO));
            errorsOfE.add(send(l4, SLOT1, 3, ZERO));
            errorsOfE.add(-receive(l4, SLOT1, ZERO).word());
            h.check(send(l4, A, 4, NEVER) == 0, "E to A, global");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(new Got(SLOT1, 1), new Got(SLOT1, 2), new Got(E, 4)), gotByA);
        assertEquals(List.of(IpcError.code(IpcError.TIMEOUT, false), IpcError.code(IpcError.NO_PARTNER, false),
                IpcError.code(IpcError.NO_PARTNER, true)), errorsOfE);
    }

    /** anylocalthread takes the first sender of the receiver's space and leaves the others queued. */
    @Test
    void anyLocalThreadReceivesOnlyFromTheSpace() {
        KernelHarness h = new KernelHarness();
        List<Got> got = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            h.startThread(l4, B, A, 1, "x", 1, 100);
            h.startTask(l4, E, "y", 0, 100);
        });
        h.module("x", l4 -> {
            if (KernelHarness.entry(l4) == 0) {
                got.add(receive(l4, ThreadId.ANY_LOCAL, NEVER_ZERO)); // nobody yet
                sleep(l4, 2000); // E, then B queue up
                got.add(receive(l4, ThreadId.ANY_LOCAL, NEVER)); // B, though E came first
                got.add(receive(l4, ThreadId.ANY_LOCAL, NEVER_ZERO)); // E alone is left: not local
                got.add(receive(l4, ThreadId.ANY, NEVER));
                got.add(receive(l4, ThreadId.ANY_LOCAL, NEVER)); // blocks until B's second message
            } else {
                sleep(l4, 1000);
                h.check(send(l4, SLOT0, 1, NEVER) == 0, "B, first");
                sleep(l4, 2000);
                h.check(send(l4, A, 2, NEVER) == 0, "B, second");
            }
        });
        h.module("y", l4 -> {
            sleep(l4, 500);
            h.check(send(l4, A, 9, NEVER) == 0, "E");
        });
        h.run();
        h.assertNoFailures();
        long timeout = -IpcError.code(IpcError.TIMEOUT, true);
        assertEquals(List.of(new Got(NIL, timeout), new Got(SLOT1, 1), new Got(NIL, timeout), new Got(E, 9),
                new Got(SLOT1, 2)), got);
    }

    /** Lcall and LreplyWait (Lipc is Ipc): a local server and its local client. */
    @Test
    void lcallAndLreplyWait() {
        KernelHarness h = new KernelHarness();
        List<Long> replies = new ArrayList<>();
        List<Long> clients = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            h.startThread(l4, B, A, 1, "x", 1, 100);
            h.startThread(l4, C, A, 2, "x", 2, 100);
        });
        h.module("x", l4 -> {
            if (KernelHarness.entry(l4) == 0) {
                long from = l4.lipc(NIL, ThreadId.ANY_LOCAL, NEVER);
                for (int i = 0; i < 4; i++) {
                    clients.add(from);
                    l4.setMr(1, l4.mr(1) * 10);
                    l4.setMr(0, MsgTag.make(0, 1, 0));
                    if (i < 3) {
                        from = l4.lreplyWait(from);
                    } else {
                        l4.reply(from);
                    }
                }
            } else {
                for (int i = 0; i < 2; i++) {
                    l4.setMr(1, KernelHarness.entry(l4) * 100 + i);
                    l4.setMr(0, MsgTag.make(0, 1, 0));
                    long tag = l4.lcall(SLOT0);
                    replies.add(MsgTag.failed(tag) ? -l4.errorCode() : l4.mr(1));
                }
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(SLOT1, SLOT1, SLOT2, SLOT2), clients.stream().sorted().toList(), "B and C, each twice, as local ids");
        assertEquals(List.of(1000L, 1010L, 2000L, 2010L), replies.stream().sorted().toList());
    }

    /** A propagated message keeps its virtual sender's global id, also when both are local; a closed receive by local id takes it. */
    @Test
    void aPropagatedMessageShowsTheVirtualSendersGlobalId() {
        KernelHarness h = new KernelHarness();
        List<Got> got = new ArrayList<>();
        List<Long> actual = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            h.startThread(l4, B, A, 1, "x", 1, 100);
            h.startThread(l4, C, A, 2, "x", 2, 100);
        });
        h.module("x", l4 -> {
            switch (KernelHarness.entry(l4)) {
                case 0 -> {
                    got.add(receive(l4, SLOT1, NEVER)); // waits for B, by its local id
                    actual.add(l4.virtualSender());
                    actual.add((l4.mr(0) & MsgTag.PROPAGATED) != 0 ? 1L : 0L);
                }
                case 2 -> {
                    l4.setVirtualSender(B);
                    l4.setMr(0, MsgTag.make(0, 1, 0) | MsgTag.PROPAGATED);
                    l4.setMr(1, 7);
                    l4.ipc(SLOT0, NIL, NEVER);
                    h.check(!MsgTag.failed(l4.mr(0)), "C sends as B");
                }
                default -> sleep(l4, 1000);
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(new Got(B, 7)), got);
        assertEquals(List.of(C, 1L), actual, "ActualSender: C's global id");
    }

    /**
     * A kernel-made message (a page fault) from a thread to a pager of its own space comes with
     * the faulting thread's local id too; the kernel's own console names the pager globally.
     */
    @Test
    void aPagerOfTheSpaceSeesItsFaultingThreadAsItsLocalId() {
        KernelHarness h = new KernelHarness();
        List<Long> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            // W = B, paged by A, in A's space; A starts it with the X.2 start message.
            h.check(l4.threadControl(B, A, ROOT, A, SLOT1) == 1, "B, paged by A");
        });
        h.module("x", l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                l4.memory().load64(0x5000_0000L);
                h.log("b: fault resolved?");
                return;
            }
            l4.setMr(0, MsgTag.make(0, 2, 0));
            l4.setMr(1, KernelHarness.ip(l4, "x", 1));
            l4.setMr(2, 0);
            l4.ipc(SLOT1, NIL, NEVER);
            h.check(!MsgTag.failed(l4.mr(0)), "the start message to B, by its local id");
            long from = l4.waitAny();
            seen.add(from);
            seen.add(KernelLabels.isPageFault(MsgTag.label(l4.mr(0))) ? l4.mr(1) : -1);
            l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
            l4.reply(from);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(SLOT1, 0x5000_0000L), seen);
        h.assertConsoleContains("page fault at 0x50000000 refused by " + ThreadId.toString(A));
        assertEquals(List.of(), h.log);
    }

    /** The object-space models name partners by selector, which has the local form: there a local id is no IPC name. */
    @Test
    void underCapabilitiesALocalIdIsNoIpcName() {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withComm(CommModel.CAPABILITIES));
        List<Long> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            h.startThread(l4, B, A, 1, "x", 1, 100);
        });
        h.module("x", l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                sleep(l4, 1000);
                return;
            }
            seen.add(send(l4, SLOT1, 1, ZERO));
            seen.add(-receive(l4, ThreadId.ANY_LOCAL, ZERO).word());
            seen.add(-receive(l4, SLOT1, ZERO).word());
            seen.add(l4.myLocalId());
            seen.add(l4.exchangeRegisters(SLOT1, 0, 0, 0, 0, 0, NIL)); // ExchangeRegisters takes thread ids in every model
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(IpcError.code(IpcError.NO_PARTNER, false), IpcError.code(IpcError.NO_PARTNER, true),
                IpcError.code(IpcError.NO_PARTNER, true), SLOT0, B), seen);
    }

    /** Bad words where an IPC takes a local id: each fails in its phase and changes nothing. */
    @Test
    void badLocalIdsFailInTheirPhase() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            h.startThread(l4, B, A, 1, "x", 1, 100);
        });
        h.module("x", l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                sleep(l4, 1000);
                return;
            }
            long noSend = IpcError.code(IpcError.NO_PARTNER, false);
            long noReceive = IpcError.code(IpcError.NO_PARTNER, true);
            for (long to : new long[] {ThreadId.ANY_LOCAL, FREE, SLOT1 + 64, 7L << 32, -1024L}) {
                l4.setMr(0, 0);
                h.expectError(l4, "to " + ThreadId.toString(to), (int) noSend, NIL, () -> l4.ipc(to, to, ZERO));
            }
            for (long from : new long[] {FREE, SLOT1 + 64, 7L << 32}) {
                h.expectError(l4, "from " + ThreadId.toString(from), (int) noReceive, NIL, () -> l4.ipc(NIL, from, ZERO));
            }
        });
        h.run();
        h.assertNoFailures();
    }

    /** ThreadControl: a version that is a multiple of 64 has the local form; a UTCB at address 0 would have local id nil. */
    @Test
    void threadControlRefusesLocalFormIdsAndTheUtcbAtZero() {
        KernelHarness h = new KernelHarness();
        List<Long> seen = new ArrayList<>();
        h.root(l4 -> {
            for (long version : new long[] {64, 128, 0xFFFF_FFC0L}) {
                long id = ThreadId.number(A) << 32 | version;
                h.expectError(l4, "version " + version, KernelError.INVALID_THREAD, 0,
                        () -> l4.threadControl(id, id, ROOT, NIL, NO_UTCB));
            }
            h.check(l4.threadControl(A, A, ROOT, NIL, NO_UTCB) == 1, "create A");
            h.check(l4.spaceControl(A, 0, Fpage.of(0x1000_0000L, 12, 0), Fpage.of(0, 14, 0), NIL) == 1, "UTCB area at 0");
            h.expectError(l4, "UTCB at 0", KernelError.INVALID_UTCB, 0, () -> l4.threadControl(A, A, NIL, NIL, 0));
            h.check(l4.threadControl(A, A, NIL, NIL, 1024) == 1, "UTCB at 1024");
            seen.add(l4.exchangeRegisters(A, 0, 0, 0, 0, 0, NIL));
            h.check(l4.threadControl(B, A, ROOT, NIL, 3072) == 1, "B at 3072");
            seen.add(l4.exchangeRegisters(B, 0, 0, 0, 0, 0, NIL));
            h.expectError(l4, "a UTCB slot in use", KernelError.INVALID_UTCB, 0,
                    () -> l4.threadControl(C, A, ROOT, NIL, 3072));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(1024L, 3072L), seen);
    }

    /** Each activated thread's local id resolves in its space after threads come and go (the kernel's table). */
    @Test
    void localIdsFollowThreadsThatComeAndGo() {
        KernelHarness h = new KernelHarness();
        List<Long> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            for (int round = 0; round < 3; round++) {
                for (int slot = 1; slot <= 20; slot++) {
                    long id = tid(10 + slot);
                    h.check(l4.threadControl(id, A, ROOT, NIL, UTCB + slot * 1024L) == 1, "create " + slot);
                }
                for (int slot = 1; slot <= 20; slot += 1 + round) {
                    h.check(l4.threadControl(tid(10 + slot), NIL, NIL, NIL, NO_UTCB) == 1, "delete " + slot);
                }
                long found = 0;
                for (int slot = 1; slot <= 20; slot++) {
                    long id = tid(10 + slot);
                    boolean alive = h.kernel.threads.lookup(id) != null;
                    Tcb t = h.kernel.threads.lookup(A).space.localThread(UTCB + slot * 1024L);
                    h.check(alive ? t != null && t.id == id : t == null, "slot " + slot + " round " + round);
                    found += alive ? 1 : 0;
                }
                seen.add(found);
                for (int slot = 1; slot <= 20; slot++) {
                    l4.threadControl(tid(10 + slot), NIL, NIL, NIL, NO_UTCB);
                }
            }
        });
        h.module("x", l4 -> sleep(l4, 1000));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(0L, 10L, 13L), seen);
    }
}
