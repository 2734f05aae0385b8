package kola.kernel;

import static kola.kernel.AddressSpaceHarness.window;
import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kola.abi.Fpage;
import kola.abi.KernelLabels;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.kernel.AddressSpaceHarness.Reply;
import org.junit.jupiter.api.Test;

/**
 * Page faults (L4 X.2 "Page Faults"; DESIGN.md "Memory"): an access without a usable mapping is
 * sent to the thread's pager as IPC (label -2 | access, MR1 the address, MR2 the start ip); the
 * pager's map reply installs the mapping and the access is retried; the thread's own registers
 * are untouched. A fault that cannot be resolved (no pager, pager deleted, refused, pagers that
 * fault on each other) halts the thread and is reported, and everything else goes on.
 */
class PageFaultTest {
    static final long VA_A = MapItemTest.VA_A;
    /** A page of the boss's (root task's) own space, faulted in 1:1 from sigma0. */
    static final long BOSS_PAGE = 0x0300_0000L;
    static final int RW = Fpage.R | Fpage.W;

    @Test
    void aStoreWithoutMappingGoesToThePagerWhoseMapReplyLetsItComplete() {
        new AddressSpaceHarness("A").pager("A", ROOT).script(b -> {
            assertEquals(0, b.l4.memory().load64(BOSS_PAGE + 0x10), "the boss has its page");
            b.inv("the boss faulted its own page in");
            assertEquals(BOSS_PAGE >>> 12, b.mapped("roottask", BOSS_PAGE).pfn());

            Reply f = b.write("A", VA_A + 0x10, 0x5EED);
            b.inv("A faulted");
            assertTrue(f.isFault(), f.toString());
            assertEquals(KernelLabels.PAGE_FAULT | Fpage.W, f.label(), "label: page fault | w");
            assertEquals(2, MsgTag.untyped(f.tag()));
            assertEquals(0, MsgTag.typed(f.tag()));
            assertEquals(VA_A + 0x10, f.word(0), "MR1: the fault address");
            assertEquals(KernelHarness.ip(b.l4, "A", 0), f.word(1), "MR2: the instruction pointer");
            assertEquals(b.id("A"), f.from(), "the fault comes from the faulting thread");
            assertTrue(b.state(b.id("A")).startsWith("receiving"), "A waits for the pager's reply: " + b.state(b.id("A")));
            b.unmapped("A", VA_A);

            Reply done = b.resolve("A", Fpage.of(BOSS_PAGE, 12, RW), VA_A);
            b.inv("the pager mapped the page");
            b.ok(done, "A's store completed");
            assertEquals(0x5EED, b.l4.memory().load64(BOSS_PAGE + 0x10), "the value was stored in the pager's frame");
            Kernel.Mapping m = b.mapped("A", VA_A);
            assertEquals("roottask", m.parentSpace());
            assertEquals(RW, m.rights());
            assertEquals(0x5EED, b.readOk("A", VA_A + 0x10), "no second fault");
        }).run();
    }

    @Test
    void aLoadFaultsWithAccessRead() {
        new AddressSpaceHarness("A").pager("A", ROOT).script(b -> {
            b.l4.memory().store64(BOSS_PAGE + 0x20, 0x77);
            Reply f = b.read("A", VA_A + 0x20);
            b.inv("A faulted on a load");
            assertTrue(f.isFault(), f.toString());
            assertEquals(KernelLabels.PAGE_FAULT | Fpage.R, f.label());
            assertEquals(VA_A + 0x20, f.faultAddress());
            Reply done = b.resolve("A", Fpage.of(BOSS_PAGE, 12, Fpage.R), VA_A);
            b.inv("mapped read-only");
            assertEquals(0x77, b.ok(done, "load").word(0));
        }).run();
    }

    @Test
    void aMapReplyWithTooFewRightsFaultsAgain() {
        new AddressSpaceHarness("A").pager("A", ROOT).script(b -> {
            b.l4.memory().load64(BOSS_PAGE);
            Reply f = b.write("A", VA_A, 9);
            assertTrue(f.isFault(), f.toString());
            Reply again = b.resolve("A", Fpage.of(BOSS_PAGE, 12, Fpage.R), VA_A);
            b.inv("mapped read-only for a store");
            assertTrue(again.isFault(), "the retried store faults again: " + again);
            assertEquals(Fpage.W, again.faultAccess());
            Reply done = b.resolve("A", Fpage.of(BOSS_PAGE, 12, RW), VA_A);
            b.ok(done, "store");
            b.inv("then read-write");
            assertEquals(RW, b.mapped("A", VA_A).rights(), "the repeated map extended the rights");
            assertEquals(9, b.l4.memory().load64(BOSS_PAGE));
        }).run();
    }

    @Test
    void theFaultingThreadsOwnRegistersAreUnchanged() {
        long t = tid(10);
        long[] seen = new long[5];
        AddressSpaceHarness a = new AddressSpaceHarness().alias("mrs", t);
        a.module("mrs", l4 -> {
            l4.setMr(0, 0x1111);
            l4.setMr(1, 0x2222);
            l4.setMr(2, 0x3333);
            l4.setMr(3, 0x4444);
            l4.setBr(0, 0x5550);
            l4.memory().store64(VA_A, 1);
            seen[0] = l4.mr(0);
            seen[1] = l4.mr(1);
            seen[2] = l4.mr(2);
            seen[3] = l4.mr(3);
            seen[4] = l4.br(0);
            l4.setMr(0, MsgTag.make(0x42, 0, 0));
            l4.send(ROOT);
        });
        a.script(b -> {
            b.l4.memory().load64(BOSS_PAGE);
            b.startTask(t, "mrs", 0, ROOT, 100);
            Reply f = b.receive("mrs");
            assertTrue(f.isFault(), f.toString());
            b.resolveNoWait(t, Fpage.of(BOSS_PAGE, 12, RW), VA_A);
            Reply done = b.receive("mrs");
            assertEquals(0x42, done.label());
            assertEquals(0x1111, seen[0]);
            assertEquals(0x2222, seen[1]);
            assertEquals(0x3333, seen[2]);
            assertEquals(0x4444, seen[3]);
            assertEquals(0x5550, seen[4], "BR0 too");
            b.inv("done");
        }).run();
    }

    @Test
    void aStoreToAReadOnlyMappingFaultsWithAccessWrite() {
        new AddressSpaceHarness("A").pager("A", ROOT).script(b -> {
            b.sigma0("A", Fpage.of(MapItemTest.P, 12, Fpage.R), window(VA_A));
            b.l4.memory().store64(BOSS_PAGE, 0xB0);
            Reply f = b.write("A", VA_A + 8, 3);
            b.inv("store to a read-only page");
            assertTrue(f.isFault(), f.toString());
            assertEquals(KernelLabels.PAGE_FAULT | Fpage.W, f.label());
            assertEquals(VA_A + 8, f.faultAddress());
            b.ok(b.resolve("A", Fpage.of(BOSS_PAGE, 12, RW), VA_A), "store");
            b.inv("the pager's page replaced sigma0's");
            assertEquals("roottask", b.mapped("A", VA_A).parentSpace());
            assertEquals(3, b.l4.memory().load64(BOSS_PAGE + 8));
        }).run();
    }

    @Test
    void aFaultOutsideTheUserAddressSpaceGoesToThePagerToo() {
        long[] addresses = {1L << 38, -4096L, Long.MIN_VALUE};
        new AddressSpaceHarness("A", "B", "C").pager("A", ROOT).pager("B", ROOT).pager("C", ROOT).script(b -> {
            String[] ws = {"A", "B", "C"};
            for (int i = 0; i < 3; i++) {
                Reply f = b.read(ws[i], addresses[i]);
                assertTrue(f.isFault(), f.toString());
                assertEquals(KernelLabels.PAGE_FAULT | Fpage.R, f.label());
                assertEquals(addresses[i], f.faultAddress());
                b.inv("fault at 0x" + Long.toHexString(addresses[i]));
                b.answer(ws[i], MsgTag.make(KernelLabels.REFUSED, 0, 0));
                b.sleep(100);
                b.inv("refused");
                assertEquals("inactive", b.state(b.id(ws[i])));
            }
        }).run();
    }

    /** A program that stores at VA_A, then reports to the root task. */
    static kola.abi.Program toucher(List<String> log) {
        return l4 -> {
            l4.memory().store64(VA_A, 1);
            log.add("stored");
            l4.setMr(0, MsgTag.make(0x99, 0, 0));
            l4.send(ROOT);
        };
    }

    @Test
    void withoutPagerTheThreadIsHaltedAndReportedAndOthersGoOn() {
        long t = tid(10);
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness("B").module("nopager", toucher(log));
        a.script(b -> {
            b.startTask(t, "nopager", 0, ThreadId.NIL, 100);
            b.sleep(1000);
            b.inv("the thread without pager faulted");
            assertTrue(a.console().contains("halted"), a.console());
            assertTrue(a.console().contains("no pager"), a.console());
            assertEquals("inactive", b.state(t));
            assertEquals(List.of(), log);
            b.page("B", MapItemTest.P, VA_A);
            b.writeOk("B", VA_A, 5);
            assertEquals(5, b.readOk("B", VA_A));
        }).run();
    }

    @Test
    void aPagerDeletedWhileTheThreadWaitsForItsReplyHaltsTheThread() {
        long pager = tid(10);
        long t = tid(11);
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness("B").module("lazy", l4 -> {
            l4.waitAny();
            log.add("got " + Long.toHexString(MsgTag.label(l4.mr(0))));
            l4.receive(ROOT); // never answers
        }).module("toucher", toucher(log));
        a.script(b -> {
            b.startTask(pager, "lazy", 0, KernelHarness.SIGMA0, 110);
            b.startTask(t, "toucher", 0, pager, 100);
            b.sleep(1000);
            assertEquals(List.of("got " + Long.toHexString(KernelLabels.PAGE_FAULT | Fpage.W)), log);
            assertEquals("receiving", b.state(t), "the thread waits for its pager's reply");
            b.inv("the pager got the fault");
            assertEquals(1, b.l4.threadControl(pager, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1));
            b.inv("the pager was deleted");
            b.sleep(1000);
            b.inv("afterwards");
            assertEquals("inactive", b.state(t));
            assertTrue(a.console().contains("halted"), a.console());
            assertEquals(1, log.size(), "the store never completed");
            b.page("B", MapItemTest.P, VA_A);
            assertEquals(0, b.readOk("B", VA_A), "others go on");
        }).run();
    }

    @Test
    void aPagerDeletedBeforeItReceivedTheFaultHaltsTheThread() {
        long pager = tid(10);
        long t = tid(11);
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness().module("busy", l4 -> l4.receive(ROOT))
                .module("toucher", toucher(log));
        a.script(b -> {
            b.startTask(pager, "busy", 0, KernelHarness.SIGMA0, 110);
            b.startTask(t, "toucher", 0, pager, 100);
            b.sleep(1000);
            assertEquals("sending", b.state(t), "the fault IPC waits for the pager");
            b.inv("the fault waits");
            assertEquals(1, b.l4.threadControl(pager, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1));
            b.sleep(1000);
            b.inv("the pager was deleted");
            assertEquals("inactive", b.state(t));
            assertTrue(a.console().contains("halted"), a.console());
            assertEquals(List.of(), log);
        }).run();
    }

    @Test
    void aRefusedFaultHaltsTheThread() {
        long pager = tid(10);
        long t = tid(11);
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness().module("refuser", l4 -> {
            long client = l4.waitAny();
            while (true) {
                log.add("fault " + (KernelLabels.isPageFault(MsgTag.label(l4.mr(0)))));
                l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
                client = l4.replyWait(client);
            }
        }).module("toucher", toucher(log));
        a.script(b -> {
            b.startTask(pager, "refuser", 0, KernelHarness.SIGMA0, 110);
            b.startTask(t, "toucher", 0, pager, 100);
            b.sleep(1000);
            b.inv("refused");
            assertEquals(List.of("fault true"), log);
            assertEquals("inactive", b.state(t));
            assertTrue(a.console().contains("halted"), a.console());
            assertTrue(a.console().contains("refused"), a.console());
        }).run();
    }

    @Test
    void pagersThatFaultOnEachOtherAreBothHaltedAndTheKernelGoesOn() {
        long pa = tid(10);
        long pb = tid(11);
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness("B").module("PA", toucher(log)).module("PB", toucher(log));
        a.script(b -> {
            b.startTask(pa, "PA", 0, pb, 100);
            b.startTask(pb, "PB", 0, pa, 100);
            b.sleep(5000);
            b.inv("both faulted");
            assertEquals(List.of(), log);
            b.page("B", MapItemTest.P, VA_A);
            assertEquals(0, b.readOk("B", VA_A), "others go on");
            assertFalse(b.state(pa).startsWith("sending") || b.state(pb).startsWith("sending"),
                    "neither waits forever: PA " + b.state(pa) + ", PB " + b.state(pb) + "\n" + a.console());
            assertEquals("inactive", b.state(pa), a.console());
            assertEquals("inactive", b.state(pb), a.console());
        });
        Kernel.RunResult r = a.run();
        assertTrue(r.traps() < 2_000_000, "run returned because nothing was left to do");
        String console = a.console();
        assertTrue(console.contains("thread " + ThreadId.toString(pa)) && console.contains("thread " + ThreadId.toString(pb)),
                "both reported:\n" + console);
    }

    @Test
    void aPagerWhoseOwnFaultGoesToItsFaultingClientHaltsBoth() {
        long pa = tid(10);
        long pb = tid(11);
        List<String> log = new ArrayList<>();
        AddressSpaceHarness a = new AddressSpaceHarness().module("PA", toucher(log)).module("PB", l4 -> {
            l4.waitAny(); // PA's fault
            log.add("PB got a fault");
            l4.memory().load64(VA_A); // PB's own fault goes to PA, which waits for PB's reply
            log.add("PB loaded");
        });
        a.script(b -> {
            b.startTask(pb, "PB", 0, pa, 110);
            b.startTask(pa, "PA", 0, pb, 100);
            b.sleep(5000);
            b.inv("both faulted");
            assertEquals(List.of("PB got a fault"), log);
            assertEquals("inactive", b.state(pa), a.console());
            assertFalse(b.state(pb).startsWith("receiving") || b.state(pb).startsWith("sending"),
                    "PB does not wait forever for a halted thread: " + b.state(pb) + "\n" + a.console());
        });
        Kernel.RunResult r = a.run();
        assertTrue(r.traps() < 2_000_000);
    }
}
