package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import kola.abi.Fpage;
import kola.abi.KernelError;
import kola.abi.Memory;
import kola.machine.CostModel;
import org.junit.jupiter.api.Test;

/**
 * The memory accessor's translation cache (issue 17): valid until the kernel loop runs. A settle
 * that does not leave the thread's run (the meter's slow path short of the preemption point) keeps
 * it, though the hit path puts it aside at every settle; a kernel entry ends it, but for a read
 * translation whose page the TLB still holds, which the resume takes over until a translation
 * before its first read drops it. Either way every access costs what the TLB would charge.
 * Values read back: the clock, the TLB's hits, the MMU's walks and the memory's values.
 */
class UserMemoryCacheTest {
    /** The boss's pages, faulted in 1:1 from sigma0: one read, then {@link #FLOOD} written. */
    static final long READ_PAGE = 0x0300_0000L;
    static final long FLOOD_BASE = 0x0400_0000L;
    /** Pages written to evict the read page's TLB entry: four times the TLB's entries. */
    static final int FLOOD = 1024;
    static final int LOADS = 10;

    /**
     * {@link #LOADS} loads of {@code va}, then a settle: their sum, and the page-table walks, TLB
     * hits and cycles they cost (the caller settles before, where the test needs it).
     */
    private static long[] loads(Kernel k, Memory m, UserApi api, long va) {
        long walks = k.machine.mmu().walks();
        long hits = k.machine.tlb().hits();
        long now = k.clock.now();
        long sum = 0;
        for (int i = 0; i < LOADS; i++) {
            sum += m.load64(va);
        }
        api.settle();
        return new long[] {sum, k.machine.mmu().walks() - walks, k.machine.tlb().hits() - hits, k.clock.now() - now};
    }

    /**
     * Stores i + {@code add} into the i-th of the {@link #FLOOD} pages: the first time it faults
     * every page in; later it refills the TLB, so that the read page's entry goes.
     */
    static void flood(Memory m, long add) {
        for (int i = 0; i < FLOOD; i++) {
            m.store64(FLOOD_BASE + ((long) i << 12), i + add);
        }
    }

    @Test
    void aSettleWithoutKernelEntryKeepsTheCacheAndAKernelEntryEndsIt() {
        long[] seen = new long[8];
        new AddressSpaceHarness().script(b -> {
            Kernel k = b.kernel();
            Memory m = b.l4.memory();
            UserApi api = (UserApi) b.l4;
            m.store64(READ_PAGE + 8, 42);
            flood(m, 0); // faults every page in
            b.l4.systemClock(); // a kernel entry: the cache starts afresh
            assertEquals(42, m.load64(READ_PAGE + 8)); // the read cache now holds the read page
            flood(m, 1); // refills the TLB: the read page's entry goes

            // The meter's slow path settles without a kernel entry when the preemption point is not reached.
            api.settle();
            System.arraycopy(loads(k, m, api, READ_PAGE + 8), 0, seen, 0, 4);

            // After a kernel entry the read goes to the TLB again, which lost the page: one walk.
            b.l4.systemClock();
            System.arraycopy(loads(k, m, api, READ_PAGE + 8), 0, seen, 4, 3);
        }).run();
        assertEquals(LOADS * 42, seen[0]);
        assertEquals(0, seen[1], "no walk: the cache still served the page the TLB lost");
        assertEquals(LOADS, seen[2], "every load counted as a TLB hit");
        assertEquals(LOADS * CostModel.MEMORY_ACCESS, seen[3], "every load charged as a TLB hit");
        assertEquals(LOADS * 42, seen[4]);
        assertEquals(1, seen[5], "the first load after the kernel entry walked the page table");
        assertEquals(LOADS - 1, seen[6], "the other loads hit");
    }

    @Test
    void cachedLoadsSpendTheRoomToTheCycleAcrossTheAccessorsShareAndArePreemptedOnTime() {
        long[] seen = new long[8];
        new AddressSpaceHarness().script(b -> {
            Kernel k = b.kernel();
            Memory m = b.l4.memory();
            UserApi api = (UserApi) b.l4;
            m.store64(READ_PAGE + 16, 7);
            b.l4.systemClock(); // a kernel entry: the thread runs from a fresh arming
            api.settle();
            long room = k.cpu.preemptAt - k.clock.now();
            if (room <= 2000 || room > 100_000_000) {
                throw new AssertionError("room before the preemption point: " + room);
            }
            long walks = k.machine.mmu().walks();
            long hits = k.machine.tlb().hits();
            long now = k.clock.now();
            long traps = k.traps;
            // Past the accessor's first share (half the room): it is shared out again, no kernel entry.
            long n = room / 2 + 1000;
            long sum = 0;
            for (long i = 0; i < n; i++) {
                sum += m.load64(READ_PAGE + 16);
            }
            api.settle();
            seen[0] = n;
            seen[1] = sum;
            seen[2] = k.clock.now() - now;
            seen[3] = k.machine.tlb().hits() - hits;
            seen[4] = k.machine.mmu().walks() - walks;
            seen[5] = k.traps - traps;
            // On to the preemption point: the load that finds no room left is the one that traps.
            long i = n;
            while (k.traps == traps) {
                m.load64(READ_PAGE + 16);
                i++;
            }
            seen[6] = i;
            seen[7] = room;
        }).run();
        long n = seen[0];
        assertEquals(7 * n, seen[1], "every load read the value");
        assertEquals(n * CostModel.MEMORY_ACCESS, seen[2], "every load charged as a TLB hit");
        assertEquals(n, seen[3], "every load counted as a TLB hit");
        assertEquals(0, seen[4], "no walk");
        assertEquals(0, seen[5], "no kernel entry before the preemption point");
        assertEquals(seen[7] / CostModel.MEMORY_ACCESS + 1, seen[6],
                "the load after the one that spends the room's last cycle traps, not earlier or later");
    }

    @Test
    void aReadAfterAKernelEntryThatLeftTheTlbAloneCostsATlbHit() {
        long[] seen = new long[4];
        new AddressSpaceHarness().script(b -> {
            Kernel k = b.kernel();
            Memory m = b.l4.memory();
            UserApi api = (UserApi) b.l4;
            m.store64(READ_PAGE + 8, 42);
            assertEquals(42, m.load64(READ_PAGE + 8)); // the read translation
            b.l4.systemClock(); // a kernel entry that flushes and evicts nothing
            api.settle();
            System.arraycopy(loads(k, m, api, READ_PAGE + 8), 0, seen, 0, 4);
        }).run();
        assertEquals(LOADS * 42, seen[0]);
        assertEquals(0, seen[1], "no walk: the TLB still held the page");
        assertEquals(LOADS, seen[2], "every load counted as a TLB hit");
        assertEquals(LOADS * CostModel.MEMORY_ACCESS, seen[3], "every load charged as a TLB hit");
    }

    @Test
    void aReadTranslationTakenOverAtAResumeGoesWhenATranslationPrecedesItsFirstRead() {
        long[] seen = new long[3];
        new AddressSpaceHarness().script(b -> {
            Kernel k = b.kernel();
            Memory m = b.l4.memory();
            UserApi api = (UserApi) b.l4;
            m.store64(READ_PAGE + 8, 42);
            flood(m, 0); // faults every page in
            b.l4.systemClock();
            assertEquals(42, m.load64(READ_PAGE + 8)); // the read translation
            b.l4.systemClock(); // leaves the TLB alone: the resume takes the read translation over
            flood(m, 1); // the read page's TLB entry goes
            api.settle();
            System.arraycopy(loads(k, m, api, READ_PAGE + 8), 0, seen, 0, 3);
        }).run();
        assertEquals(LOADS * 42, seen[0]);
        assertEquals(1, seen[1], "the first load walked, as it would have without the translation taken over");
        assertEquals(LOADS - 1, seen[2]);
    }

    @Test
    void aReadTranslationTakenOverAtAResumeThatServedAReadStaysAsARefilledOneWould() {
        long[] seen = new long[3];
        new AddressSpaceHarness().script(b -> {
            Kernel k = b.kernel();
            Memory m = b.l4.memory();
            UserApi api = (UserApi) b.l4;
            m.store64(READ_PAGE + 8, 42);
            flood(m, 0);
            b.l4.systemClock();
            assertEquals(42, m.load64(READ_PAGE + 8));
            b.l4.systemClock(); // the resume takes the read translation over
            assertEquals(42, m.load64(READ_PAGE + 8)); // a TLB hit: the translation is the TLB's again
            flood(m, 1); // the read page's TLB entry goes
            api.settle();
            System.arraycopy(loads(k, m, api, READ_PAGE + 8), 0, seen, 0, 3);
        }).run();
        assertEquals(LOADS * 42, seen[0]);
        assertEquals(0, seen[1], "no walk: like a translation refilled by the first read, it lasts the run");
        assertEquals(LOADS, seen[2]);
    }

    @Test
    void aThreadReadsTheFrameMappedAfterItsPageWasRevokedNotTheOneItReadBefore() {
        long va = MapItemTest.VA_A;
        new AddressSpaceHarness("A").script(b -> {
            b.page("A", MapItemTest.P, va);
            b.writeOk("A", va, 111);
            b.page("A", MapItemTest.P2, va + 0x1000);
            b.writeOk("A", va + 0x1000, 222);
            assertEquals(111, b.readOk("A", va)); // A's read translation: va -> P
            assertEquals(111, b.readOk("A", va)); // and again, after A's kernel entries
            AddressSpaceHarness.Reply r = b.call(KernelHarness.SIGMA0, AddressSpaceHarness.SIGMA0_UNMAP, 0,
                    Fpage.of(MapItemTest.P, 12, Fpage.RWX));
            assertEquals(KernelError.OK, r.word(0));
            b.unmapped("A", va);
            b.page("A", MapItemTest.P2, va); // the same page, another frame
            assertEquals(222, b.readOk("A", va), "the frame mapped now");
            b.inv("remapped");
        }).run();
    }
}
