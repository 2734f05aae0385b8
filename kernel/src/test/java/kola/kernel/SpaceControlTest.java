package kola.kernel;

import static kola.kernel.KernelHarness.NO_UTCB;
import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.KernelError;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.SpaceControl;
import kola.abi.ThreadId;
import kola.abi.ThreadState;
import org.junit.jupiter.api.Test;

/** SpaceControl: the KIP and UTCB areas of a space, the read-only KIP mapping, and the errors. */
class SpaceControlTest {
    static final long A = tid(3);
    static final long B = tid(4);
    static final long NIL = ThreadId.NIL;
    static final long KIP_AREA = Fpage.of(0x1000_0000L, 12, 0);
    static final long UTCB_AREA = Fpage.of(0x2000_0000L, 14, 0);

    static void start(KernelHarness h, L4 l4, long id, String module, int k, int prio) {
        h.check(l4.schedule(id, -1, -1, prio, -1) == ThreadState.INACTIVE, "schedule: a thread not yet started is inactive");
        long utcb = h.kernel.threads.lookup(id).utcbLocation;
        h.check(l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, KernelHarness.ip(l4, module, k), 0, 0, 0) == utcb,
                "start " + ThreadId.toString(id) + " (its local id back): " + KernelError.describe(l4.errorCode()));
    }

    Space spaceOf(KernelHarness h, long id) {
        return h.kernel.threads.lookup(id).space;
    }

    @Test
    void setsTheAreasAndMapsTheKipReadOnly() {
        KernelHarness h = new KernelHarness();
        List<Long> seen = new ArrayList<>();
        h.root(l4 -> {
            h.check(l4.threadControl(A, A, ROOT, NIL, NO_UTCB) == 1, "create");
            h.check(l4.spaceControl(A, 0, KIP_AREA | Fpage.RWX, UTCB_AREA, NIL) == 1, "space control");
            seen.add(l4.ret(0));
            Space s = spaceOf(h, A);
            seen.add(s.kipArea);
            seen.add(s.utcbArea);
            // UTCBs now come from the new area only.
            h.expectError(l4, "utcb in the standard area", KernelError.INVALID_UTCB, 0,
                    () -> l4.threadControl(A, A, NIL, NIL, KernelHarness.UTCB));
            h.check(l4.threadControl(A, A, NIL, NIL, Fpage.base(UTCB_AREA) + 3 * 1024) == 1, "activate");
            h.check(l4.threadControl(B, A, ROOT, NIL, Fpage.base(UTCB_AREA) + 15 * 1024) == 1, "last slot");
            h.expectError(l4, "one past the area", KernelError.INVALID_UTCB, 0,
                    () -> l4.threadControl(tid(9), A, ROOT, NIL, Fpage.base(UTCB_AREA) + 16 * 1024));
            start(h, l4, A, "a", 0, 100);
            start(h, l4, B, "a", 1, 90);
        });
        h.module("a", l4 -> {
            long kip = Fpage.base(KIP_AREA);
            if (KernelHarness.entry(l4) == 0) {
                seen.add(l4.memory().load32(kip));
                seen.add(l4.memory().load64(kip + kola.abi.KipLayout.API_VERSION));
                seen.add(l4.memory().load64(kip + kola.abi.KipLayout.THREAD_INFO) >>> 20 & 0xFFF);
                h.log("read");
                l4.memory().store32(kip, 0); // read-only: the thread faults and is halted
                h.log("wrote the KIP");
            } else {
                h.log("other thread runs");
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(0L, KIP_AREA, UTCB_AREA, (long) Kip.MAGIC, (long) Kip.API_VERSION_X2 << 24,
                Kernel.USER_BASE), seen);
        assertEquals(List.of("read", "other thread runs"), h.log);
        assertEquals("inactive", h.state(A), "the faulting thread has no pager: it ends");
        h.assertConsoleContains("halted: page fault at 0x10000000");
    }

    @Test
    void theBootSpacesHaveTheKipAtTheStandardArea() {
        KernelHarness h = new KernelHarness();
        List<Long> seen = new ArrayList<>();
        h.sigma0(l4 -> seen.add(l4.memory().load32(KernelHarness.KIP_BASE)));
        h.root(l4 -> seen.add(l4.memory().load32(KernelHarness.KIP_BASE)));
        h.run();
        assertEquals(List.of((long) Kip.MAGIC, (long) Kip.MAGIC), seen);
    }

    @Test
    void aSecondSpaceControlBeforeActivationMovesTheKip() {
        KernelHarness h = new KernelHarness();
        long other = Fpage.of(0x3000_0000L, 12, 0);
        h.root(l4 -> {
            l4.threadControl(A, A, ROOT, NIL, NO_UTCB);
            h.check(l4.spaceControl(A, 0, KIP_AREA, UTCB_AREA, NIL) == 1, "first");
            h.check(l4.spaceControl(A, 0, other, UTCB_AREA, ThreadId.ANY) == 1, "second");
            h.check(spaceOf(h, A).pageTable.lookup(Fpage.base(KIP_AREA)) == 0, "old KIP page unmapped");
            l4.threadControl(A, A, NIL, NIL, Fpage.base(UTCB_AREA));
            start(h, l4, A, "a", 0, 100);
        });
        h.module("a", l4 -> {
            h.log("new " + Long.toHexString(l4.memory().load32(Fpage.base(other))));
            h.log("old " + l4.memory().load32(Fpage.base(KIP_AREA)));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("new " + Long.toHexString(Kip.MAGIC)), h.log);
        h.assertConsoleContains("halted: page fault at 0x10000000");
    }

    @Test
    void onceAThreadIsActiveTheAreasAreIgnored() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.createActivated(l4, A);
            Space s = spaceOf(h, A);
            long kip = s.kipArea;
            long utcb = s.utcbArea;
            h.check(l4.spaceControl(A, 0, KIP_AREA, UTCB_AREA, NIL) == 1, "accepted");
            h.check(s.kipArea == kip && s.utcbArea == utcb, "areas unchanged");
            h.check(s.pageTable.lookup(Fpage.base(KIP_AREA)) == 0, "no new KIP mapping");
            h.check(l4.spaceControl(A, 0, Fpage.NIL, Fpage.NIL, NIL) == 1, "even bad areas are ignored");
        });
        h.run();
        h.assertNoFailures();
    }

    @Test
    void aPrivilegedSpaceMakesThePrivilegedCallsAndDelegatesNoFurtherOnceActive() {
        KernelHarness h = new KernelHarness();
        List<Long> seen = new ArrayList<>();
        h.root(l4 -> {
            h.check(l4.threadControl(A, A, ROOT, NIL, NO_UTCB) == 1, "create A");
            h.check(l4.spaceControl(A, SpaceControl.PRIVILEGED, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, NIL) == 1,
                    "privileged space");
            seen.add(l4.ret(0)); // the old control word: 0
            h.check(l4.spaceControl(A, SpaceControl.PRIVILEGED, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, NIL) == 1,
                    "again");
            seen.add(l4.ret(0)); // now PRIVILEGED
            h.check(l4.threadControl(A, A, NIL, ROOT, Fpage.base(Kip.STANDARD_UTCB_AREA)) == 1, "activate A");
            h.check(l4.threadControl(B, B, ROOT, NIL, NO_UTCB) == 1, "create B");
            h.check(l4.spaceControl(B, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, NIL) == 1, "B unprivileged");
            h.check(l4.threadControl(B, B, NIL, ROOT, Fpage.base(Kip.STANDARD_UTCB_AREA)) == 1, "activate B");
            start(h, l4, A, "a", 0, 100);
            start(h, l4, B, "b", 0, 90);
        });
        long c = tid(5);
        h.module("a", l4 -> {
            // A thread of a privileged space creates a thread in a space of its own, and may make it privileged.
            h.check(l4.threadControl(c, c, A, NIL, NO_UTCB) == 1, "A creates C: " + KernelError.describe(l4.errorCode()));
            h.check(l4.spaceControl(c, SpaceControl.PRIVILEGED, KIP_AREA, UTCB_AREA, NIL) == 1, "A configures C's space");
            // Its own space is active: the bit (like the areas) is ignored, and the old word says privileged.
            h.check(l4.spaceControl(A, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, NIL) == 1, "own space");
            seen.add(l4.ret(0));
            h.log("a done");
        });
        h.module("b", l4 -> {
            h.expectError(l4, "B creates a thread", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.threadControl(tid(6), tid(6), B, NIL, NO_UTCB));
            h.expectError(l4, "B makes its own space privileged", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.spaceControl(B, SpaceControl.PRIVILEGED, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, NIL));
            h.log("b done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("a done", "b done"), h.log);
        assertEquals(List.of(0L, SpaceControl.PRIVILEGED, SpaceControl.PRIVILEGED), seen);
        assertTrue(spaceOf(h, A).privileged, "A still privileged");
        assertTrue(spaceOf(h, c).privileged, "C privileged");
        assertTrue(!spaceOf(h, B).privileged, "B never privileged");
        assertEquals(null, h.kernel.threads.lookup(tid(6)), "B made no thread");
    }

    @Test
    void unprivilegedCallerGetsNoPrivilege() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.check(l4.threadControl(B, B, ROOT, NIL, NO_UTCB) == 1, "B, not yet configured");
            h.startTask(l4, A, "a", 0, 100);
        });
        h.module("a", l4 -> {
            h.expectError(l4, "own space", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.spaceControl(A, 0, KIP_AREA, UTCB_AREA, NIL));
            h.expectError(l4, "other space", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.spaceControl(B, 0, KIP_AREA, UTCB_AREA, NIL));
            h.log("done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("done"), h.log);
        assertEquals(Fpage.NIL, h.kernel.threads.lookup(B).space.kipArea);
    }

    @Test
    void invalidSpaceKipAreaUtcbAreaAndParameters() {
        KernelHarness h = new KernelHarness();
        long kipBase = Fpage.base(KIP_AREA);
        long utcbBase = Fpage.base(UTCB_AREA);
        h.root(l4 -> {
            h.check(l4.threadControl(A, A, ROOT, NIL, NO_UTCB) == 1, "create");
            Space s = spaceOf(h, A);
            String[] names = {"nil space", "any space", "nonexistent", "stale"};
            long[] spaces = {NIL, ThreadId.ANY, tid(900), ThreadId.global(ThreadId.number(A), 2)};
            for (int i = 0; i < spaces.length; i++) {
                long sp = spaces[i];
                h.expectError(l4, names[i], KernelError.INVALID_SPACE, 0,
                        () -> l4.spaceControl(sp, 0, KIP_AREA, UTCB_AREA, NIL));
            }
            long[] badKip = {
                Fpage.NIL,
                Fpage.of(kipBase, 13, 0),                    // two pages
                kipBase | 0x400 | 12 << 4,                  // misaligned base
                kipBase | 11 << 4,                          // too small
                (1L << 38) | 12 << 4,                       // outside the address space
                Fpage.COMPLETE,
                kipBase | 12 << 4 | 8,                      // extension bit
            };
            for (long kip : badKip) {
                h.expectError(l4, "kip area " + Fpage.toString(kip), KernelError.INVALID_KIP_AREA, 0,
                        () -> l4.spaceControl(A, 0, kip, UTCB_AREA, NIL));
            }
            long[] badUtcb = {
                Fpage.NIL,
                utcbBase | 11 << 4,                         // smaller than the minimum area
                utcbBase | 0x400 | 14 << 4,                 // misaligned
                Fpage.of(kipBase, 12, 0),                   // the KIP page itself
                Fpage.of(0x1000_0000L & ~((1L << 20) - 1), 20, 0), // a larger area around the KIP
                Fpage.COMPLETE,
            };
            for (long utcb : badUtcb) {
                h.expectError(l4, "utcb area " + Fpage.toString(utcb), KernelError.INVALID_UTCB, 0,
                        () -> l4.spaceControl(A, 0, KIP_AREA, utcb, NIL));
            }
            for (long control : new long[] {2, 3, -1, 1L << 63}) {
                h.expectError(l4, "control " + control, KernelError.INVALID_PARAMETER, 0,
                        () -> l4.spaceControl(A, control, KIP_AREA, UTCB_AREA, NIL));
            }
            h.expectError(l4, "redirector that is no thread", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.spaceControl(A, 0, KIP_AREA, UTCB_AREA, kola.abi.ThreadId.global(999, 7)));
            h.expectError(l4, "privileged, with a bad KIP area", KernelError.INVALID_KIP_AREA, 0,
                    () -> l4.spaceControl(A, SpaceControl.PRIVILEGED, Fpage.NIL, UTCB_AREA, NIL));
            h.check(!s.privileged, "not privileged by rejected calls");
            h.check(s.kipArea == Fpage.NIL && s.utcbArea == Fpage.NIL, "areas unchanged by rejected calls");
            h.check(s.pageTable.lookup(kipBase) == 0, "no KIP mapping by rejected calls");
            h.check(l4.spaceControl(A, 0, KIP_AREA, UTCB_AREA, NIL) == 1, "the good call works after all that");
            h.log("done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("done"), h.log);
    }

    @Test
    void theMinimumUtcbAreaHoldsFourUtcbs() {
        KernelHarness h = new KernelHarness();
        long small = Fpage.of(0x2000_0000L, 12, 0);
        h.root(l4 -> {
            l4.threadControl(A, A, ROOT, NIL, NO_UTCB);
            h.check(l4.spaceControl(A, 0, KIP_AREA, small, NIL) == 1, "4 KiB UTCB area");
            for (int i = 0; i < 4; i++) {
                h.check(l4.threadControl(tid(10 + i), A, ROOT, NIL, 0x2000_0000L + i * 1024L) == 1, "slot " + i);
            }
            h.expectError(l4, "fifth UTCB", KernelError.INVALID_UTCB, 0,
                    () -> l4.threadControl(tid(20), A, ROOT, NIL, 0x2000_0000L + 4 * 1024L));
        });
        h.run();
        h.assertNoFailures();
        // A and the four threads in its UTCB slots; the fifth was refused.
        Space a = h.kernel.threads.lookup(A).space;
        assertEquals(List.of(A, tid(10), tid(11), tid(12), tid(13)), h.kernel.threads().stream()
                .filter(t -> t.asid() == a.asid).map(Kernel.ThreadInfo::id).toList());
        assertNull(h.kernel.threads.lookup(tid(20)));
    }

    @Test
    void aSpaceControlRefusedForLackOfKernelMemoryChangesNothing() {
        // Mapping the KIP needs two page-table frames below the root. With room for one only,
        // SpaceControl fails with OUT_OF_MEMORY; like every rejected call it must leave kernel
        // memory as it was (no half-built page table charged to the space).
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withKernelMemory(96 * 1024));
        h.root(l4 -> {
            h.check(l4.threadControl(A, A, ROOT, NIL, NO_UTCB) == 1, "create A");
            List<Long> fill = new ArrayList<>();
            for (long n = 10; l4.threadControl(tid(n), ROOT, ROOT, NIL, NO_UTCB) == 1; n++) {
                fill.add(tid(n));
            }
            long free = h.kernel.kernelMemory()[1] - h.kernel.kernelMemory()[0];
            int k = (int) Math.ceilDiv(4096 - free, Tcb.BYTES);
            for (int i = 0; i < k; i++) {
                l4.threadControl(fill.remove(fill.size() - 1), NIL, NIL, NIL, NO_UTCB);
            }
            free = h.kernel.kernelMemory()[1] - h.kernel.kernelMemory()[0];
            h.check(free >= 4096 && free < 8192, "room for one frame, not two: " + free);
            h.expectError(l4, "space control without memory for the KIP mapping", KernelError.OUT_OF_MEMORY, 0,
                    () -> l4.spaceControl(A, 0, KIP_AREA, UTCB_AREA, NIL));
            h.check(spaceOf(h, A).kipArea == Fpage.NIL, "areas unchanged");
            for (int i = 0; i < 4; i++) {
                l4.threadControl(fill.remove(fill.size() - 1), NIL, NIL, NIL, NO_UTCB);
            }
            h.check(l4.spaceControl(A, 0, KIP_AREA, UTCB_AREA, NIL) == 1, "works with memory");
        });
        h.run();
        h.assertNoFailures();
    }

    @Test
    void anInterruptThreadHasNoSpaceToControl() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            long irq = l4.kernelInterface().interruptThread(5);
            h.expectError(l4, "space control of an interrupt thread", KernelError.INVALID_SPACE, 0,
                    () -> l4.spaceControl(irq, 0, KIP_AREA, UTCB_AREA, NIL));
            h.log("done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("done"), h.log);
    }
}
