package kola.kernel;

import static kola.kernel.KernelHarness.NEVER;
import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.UTCB;
import static kola.kernel.KernelHarness.sleep;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kola.abi.ExRegs;
import kola.abi.KernelLabels;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import org.junit.jupiter.api.Test;

/**
 * Pager and exception-handler words given as local thread ids (L4 X.2; Pistachio stores the word
 * as given and sends the page fault as the faulting thread's own IPC to it): a local id names a
 * thread of the faulting thread's space, whoever set it (ThreadControl from another space,
 * ExchangeRegisters, the thread itself), for the fault, the exception and the start message;
 * ExchangeRegisters gives the word back in the form it was set. A local id that names no thread of
 * the space (a free UTCB slot; a thread of another space at that slot; bits that read as another
 * space's thread number) fails the fault as a pager that is gone does, reaching nobody; pagers of
 * one space that fault on each other are caught as a cycle; under the capabilities model a local
 * id is no IPC name and names no pager.
 */
class LocalPagerTest {
    static final long A = tid(3);
    static final long B = tid(4);
    static final long C = tid(5);
    static final long D = tid(6);
    static final long NIL = ThreadId.NIL;
    static final long SLOT0 = UTCB;
    static final long SLOT1 = UTCB + 1024;
    static final long SLOT2 = UTCB + 2048;
    static final long FREE = UTCB + 40 * 1024;
    static final long FAULT_VA = 0x5000_0000L;

    /** Sends the X.2 start message (ip of entry {@code k} of module x, sp 0) to {@code to}; true if sent. */
    static boolean startMessage(L4 l4, long to, int k) {
        l4.setMr(0, MsgTag.make(0, 2, 0));
        l4.setMr(1, KernelHarness.ip(l4, "x", k));
        l4.setMr(2, 0);
        l4.ipc(to, NIL, NEVER);
        return !MsgTag.failed(l4.mr(0));
    }

    /**
     * The root task creates B in A's space with pager SLOT0, A's local id: the word is B's space's
     * name for A. A's start message starts B; B's fault reaches A, from B's local id; C names A as
     * its exception handler by local id and its exception reaches A too. ExchangeRegisters reads
     * each pager back as it was set, local or global.
     */
    @Test
    void aLocalPagerAndExceptionHandlerNameThreadsOfTheFaultingThreadsSpace() {
        KernelHarness h = new KernelHarness();
        List<Long> seen = new ArrayList<>();
        List<Long> pagers = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            h.check(l4.threadControl(B, A, ROOT, SLOT0, SLOT1) == 1, "B, paged by SLOT0 (A, in B's space)");
            h.check(l4.threadControl(C, A, ROOT, SLOT0, SLOT2) == 1, "C, paged by SLOT0");
            l4.exchangeRegisters(B, ExRegs.DELIVER, 0, 0, 0, 0, NIL);
            pagers.add(l4.ret(ExRegs.OUT_PAGER));
        });
        h.module("x", l4 -> {
            int entry = KernelHarness.entry(l4);
            if (entry == 1) {
                l4.memory().load64(FAULT_VA);
                h.log("b: fault resolved?");
                return;
            }
            if (entry == 2) {
                l4.setExceptionHandler(SLOT0);
                throw new IllegalStateException("c throws");
            }
            h.check(startMessage(l4, SLOT1, 1), "A starts B: its pager, by the local id B's pager word holds");
            long from = l4.ipc(NIL, SLOT1, NEVER);
            seen.add(from);
            seen.add(MsgTag.label(l4.mr(0)));
            seen.add(l4.mr(1));
            l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
            l4.reply(from);
            h.check(startMessage(l4, C, 2), "A starts C, named globally");
            from = l4.ipc(NIL, SLOT2, NEVER);
            seen.add(from);
            seen.add(MsgTag.label(l4.mr(0)));
            // ExchangeRegisters gives the pager word back as it was set: local, then global.
            l4.exchangeRegisters(SLOT1, ExRegs.DELIVER, 0, 0, 0, 0, NIL);
            pagers.add(l4.ret(ExRegs.OUT_PAGER));
            l4.exchangeRegisters(SLOT1, ExRegs.SET_PAGER, 0, 0, 0, 0, A);
            l4.exchangeRegisters(SLOT1, ExRegs.DELIVER, 0, 0, 0, 0, NIL);
            pagers.add(l4.ret(ExRegs.OUT_PAGER));
            l4.exchangeRegisters(SLOT1, ExRegs.SET_PAGER, 0, 0, 0, 0, SLOT0);
            l4.exchangeRegisters(SLOT1, ExRegs.DELIVER, 0, 0, 0, 0, NIL);
            pagers.add(l4.ret(ExRegs.OUT_PAGER));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(SLOT1, KernelLabels.PAGE_FAULT | kola.abi.Fpage.R, FAULT_VA, SLOT2, KernelLabels.EXCEPTION),
                seen, "the fault and the exception, each from its thread's local id");
        assertEquals(List.of(SLOT0, SLOT0, A, SLOT0), pagers);
        h.assertConsoleContains("page fault at 0x50000000 refused by " + ThreadId.toString(A));
        assertEquals(List.of(), h.log);
    }

    /**
     * Local pager words that name no thread of the faulting thread's space: a free UTCB slot;
     * the slot where another space has a thread (D's, at SLOT2); a word whose bits read as the
     * root task's thread number. Each fault fails, reported, as with a pager that is gone, and
     * nobody else receives anything.
     */
    @Test
    void aLocalIdNamingNoThreadOfTheSpaceFailsTheFaultAndReachesNobody() {
        long rootNumberLocal = ThreadId.number(ROOT) << 32 | 0x400; // local form: version bits 0..5 are 0
        assertTrue(ThreadId.isLocal(rootNumberLocal));
        long[] words = {FREE, SLOT2, rootNumberLocal};
        KernelHarness h = new KernelHarness();
        List<Long> got = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            h.startTask(l4, D, "x", 3, 100);
            h.check(l4.threadControl(tid(20), D, ROOT, NIL, SLOT2) == 1, "a thread of D's space at SLOT2");
            for (int i = 0; i < words.length; i++) {
                long id = tid(10 + i);
                h.check(l4.threadControl(id, A, ROOT, NIL, UTCB + (10 + i) * 1024L) == 1, "faulter " + i);
                h.check(l4.exchangeRegisters(id, ExRegs.SET_PAGER | ExRegs.SET_SP_IP | ExRegs.RESUME, 0,
                        KernelHarness.ip(l4, "x", 1), 0, 0, words[i]) != NIL, "start faulter " + i);
            }
            // Whoever might have been reached waits: the root task itself, and D.
            long from = l4.ipc(NIL, ThreadId.ANY, kola.abi.Timeout.pair(kola.abi.Timeout.NEVER,
                    kola.abi.Timeout.relative(20_000)));
            got.add(MsgTag.failed(l4.mr(0)) ? -1 : from);
        });
        h.module("x", l4 -> {
            int entry = KernelHarness.entry(l4);
            if (entry == 1) {
                l4.memory().load64(FAULT_VA);
                h.log("fault resolved?");
            } else if (entry == 3) {
                long from = l4.ipc(NIL, ThreadId.ANY, kola.abi.Timeout.pair(kola.abi.Timeout.NEVER,
                        kola.abi.Timeout.relative(20_000)));
                got.add(MsgTag.failed(l4.mr(0)) ? -1 : from);
            } else {
                sleep(l4, 30_000);
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(), h.log);
        assertEquals(List.of(-1L, -1L), got, "D and the root task received nothing");
        for (long w : words) {
            h.assertConsoleContains("pager " + ThreadId.toString(w) + " names no thread of its space");
        }
        for (int i = 0; i < words.length; i++) {
            assertTrue(h.kernel.threads.lookup(tid(10 + i)).halted || h.kernel.threads.lookup(tid(10 + i)).ended,
                    "faulter " + i + " did not go on");
        }
    }

    /**
     * The thread's own Pager word is read once at the fault: a thread that names a free slot
     * faults without a pager; named again by local id, the same fault goes to A.
     */
    @Test
    void theWordAtTheFaultIsTheOneUsed() {
        KernelHarness h = new KernelHarness();
        List<Long> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            h.check(l4.threadControl(B, A, ROOT, NIL, SLOT1) == 1, "B, no pager yet");
            h.check(l4.threadControl(C, A, ROOT, NIL, SLOT2) == 1, "C, no pager yet");
            h.check(l4.exchangeRegisters(B, ExRegs.SET_IP | ExRegs.SET_PAGER | ExRegs.RESUME, 0, KernelHarness.ip(l4, "x", 1), 0, 0, A)
                    != NIL, "start B, paged by A globally");
            h.check(l4.exchangeRegisters(C, ExRegs.SET_IP | ExRegs.SET_PAGER | ExRegs.RESUME, 0, KernelHarness.ip(l4, "x", 2), 0, 0, A)
                    != NIL, "start C, paged by A globally");
        });
        h.module("x", l4 -> {
            int entry = KernelHarness.entry(l4);
            if (entry == 1) {
                l4.exchangeRegisters(l4.myLocalId(), ExRegs.SET_PAGER, 0, 0, 0, 0, SLOT0); // its own word: A, locally
                l4.memory().load64(FAULT_VA);
                return;
            }
            if (entry == 2) {
                l4.exchangeRegisters(l4.myLocalId(), ExRegs.SET_PAGER, 0, 0, 0, 0, FREE);
                l4.memory().load64(FAULT_VA);
                h.log("c: fault resolved?");
                return;
            }
            long from = l4.ipc(NIL, ThreadId.ANY, NEVER);
            seen.add(from);
            seen.add(l4.mr(1));
            l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
            l4.reply(from);
            sleep(l4, 10_000);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(SLOT1, FAULT_VA), seen, "only B's fault reached A");
        h.assertConsoleContains("pager " + ThreadId.toString(FREE) + " names no thread of its space");
        assertEquals(List.of(), h.log);
    }

    /** Two threads of one space, each the other's pager by local id, fault: the cycle is found, neither waits forever. */
    @Test
    void localPagersThatFaultOnEachOtherAreACycle() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            h.check(l4.threadControl(B, A, ROOT, NIL, SLOT1) == 1, "B");
            h.check(l4.threadControl(C, A, ROOT, NIL, SLOT2) == 1, "C");
            h.check(l4.exchangeRegisters(B, ExRegs.SET_IP | ExRegs.SET_PAGER | ExRegs.RESUME, 0, KernelHarness.ip(l4, "x", 1), 0, 0, SLOT2)
                    != NIL, "B paged by C, locally");
            h.check(l4.exchangeRegisters(C, ExRegs.SET_IP | ExRegs.SET_PAGER | ExRegs.RESUME, 0, KernelHarness.ip(l4, "x", 1), 0, 0, SLOT1)
                    != NIL, "C paged by B, locally");
        });
        h.module("x", l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                l4.memory().load64(FAULT_VA);
                h.log("fault resolved?");
                return;
            }
            sleep(l4, 10_000);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(), h.log);
        h.assertConsoleContains("its pager waits, through a cycle of pagers, for this very thread");
        assertFalse(h.kernel.threads.lookup(B).inIpc() || h.kernel.threads.lookup(C).inIpc(), "neither waits");
    }

    /** Under capabilities a local id is no IPC name: as a pager it names nobody, and the fault fails. */
    @Test
    void underCapabilitiesALocalPagerNamesNobody() {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withComm(CommModel.CAPABILITIES));
        List<Long> got = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "x", 0, 100);
            h.check(l4.threadControl(B, A, ROOT, NIL, SLOT1) == 1, "B");
            h.check(l4.exchangeRegisters(B, ExRegs.SET_IP | ExRegs.SET_PAGER | ExRegs.RESUME, 0, KernelHarness.ip(l4, "x", 1), 0, 0, SLOT0)
                    != NIL, "B paged by SLOT0");
        });
        h.module("x", l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                l4.memory().load64(FAULT_VA);
                h.log("fault resolved?");
                return;
            }
            l4.ipc(NIL, ThreadId.ANY, kola.abi.Timeout.pair(kola.abi.Timeout.NEVER, kola.abi.Timeout.relative(20_000)));
            got.add(MsgTag.failed(l4.mr(0)) ? -1L : l4.mr(0));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(-1L), got, "A got no fault");
        h.assertConsoleContains("pager " + ThreadId.toString(SLOT0) + " is gone");
        assertEquals(List.of(), h.log);
    }
}
