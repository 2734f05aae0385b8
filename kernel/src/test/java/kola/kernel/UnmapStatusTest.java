package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelError;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.kernel.AddressSpaceHarness.Boss;
import kola.kernel.AddressSpaceHarness.Reply;
import kola.kernel.AddressSpaceHarness.Transfer;
import org.junit.jupiter.api.Test;

/**
 * The status Unmap returns (L4 X.2 "Unmap": each fpage's rwx on return, R referenced, W
 * written, X executed; MappingDatabase's class comment): from the MMU's A and D bits, through
 * the mappings derived from the caller's pages and, with flush, its own; accumulated over the
 * fpage's pages; reset by the read, for the reader only; left to the mappings above one that
 * goes; rights 0 revoke nothing; kept when the kernel takes a page for its objects or an entry
 * goes with an evicted page-table node; and the invariant checker's view of A and D. Execution
 * (X, on an execute-only page) needs the hart: the system module's ElfPagerTest.
 */
class UnmapStatusTest {
    static final long P = MapItemTest.P;
    static final long P2 = MapItemTest.P2;
    static final long VA_A = MapItemTest.VA_A;
    static final long VA_B = MapItemTest.VA_B;
    static final long VA_C = MapItemTest.VA_C;
    static final long VA_D = UnmapTest.VA_D;
    static final long FLUSH = 0x40;
    static final int RWX = Fpage.RWX;
    static final int R = Fpage.R;
    static final int RW = Fpage.R | Fpage.W;

    /** Worker w's Unmap of the page at va, rights 0 (a status read only): the status that came back. */
    static int status(Boss b, String w, long control, long va) {
        return fpageStatus(b, w, control, Fpage.of(va, 12, 0));
    }

    /** Worker w's Unmap of {@code fpage}: the status that came back. */
    static int fpageStatus(Boss b, String w, long control, long fpage) {
        Reply r = b.unmap(w, control, fpage);
        b.inv(w + " reads the status of " + Fpage.toString(fpage));
        assertEquals(KernelError.OK, r.word(0));
        assertEquals(Fpage.withRights(fpage, 0), Fpage.withRights(r.word(1), 0), "the fpage itself comes back");
        return Fpage.rights(r.word(1));
    }

    static void assertStatus(int expected, int actual, String what) {
        assertEquals(Fpage.rightsString(expected), Fpage.rightsString(actual), what);
    }

    @Test
    void aPageNobodyTouchedHasNoStatusAndAStatusReadChangesNoMapping() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            var before = b.mappings();
            assertStatus(0, status(b, "A", 0, VA_A), "nothing derived from A's page was touched");
            assertStatus(0, status(b, "A", FLUSH, VA_A), "nor A's own");
            assertStatus(0, status(b, "B", FLUSH, VA_B), "nor B's");
            assertEquals(before, b.mappings(), "rights 0 revoke nothing, with or without flush");
        }).run();
    }

    @Test
    void aReadIsReferencedAWriteIsWrittenAndEachReadResetsThem() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RW);
            b.readOk("B", VA_B);
            assertStatus(R, status(b, "A", 0, VA_A), "B read");
            assertStatus(0, status(b, "A", 0, VA_A), "read again: reset");
            b.writeOk("B", VA_B + 8, 5);
            assertStatus(RW, status(b, "A", 0, VA_A), "B wrote");
            assertStatus(0, status(b, "A", 0, VA_A), "reset");
            assertEquals(5, b.readOk("B", VA_B + 8), "B's page and data stay");
            assertStatus(R, status(b, "A", 0, VA_A), "read after the reset: not written again");
        }).run();
    }

    @Test
    void theCallersOwnAccessesNeedTheFlushBit() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.writeOk("A", VA_A, 7);
            assertStatus(0, status(b, "A", 0, VA_A), "without flush: only what derives from A's page");
            assertStatus(RW, status(b, "A", FLUSH, VA_A), "with flush: A's own write");
            assertStatus(0, status(b, "A", FLUSH, VA_A), "reset");
            assertEquals(7, b.readOk("A", VA_A), "the flush with rights 0 left the page");
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            b.writeOk("B", VA_B, 8);
            assertStatus(RW, status(b, "A", FLUSH, VA_A), "a flush reports the derived mappings too (and A's read)");
            assertStatus(0, status(b, "A", 0, VA_A), "the flush reset what derives, too");
        }).run();
    }

    @Test
    void everyHolderUpTheChainHearsOfAnAccessOnce() {
        new AddressSpaceHarness("A", "B", "C", "D").script(b -> {
            UnmapTest.chain(b); // A wrote its page; D read its own
            assertStatus(R, status(b, "C", 0, VA_C), "C: D's read");
            assertStatus(0, status(b, "C", 0, VA_C), "C again: nothing");
            assertStatus(R, status(b, "A", 0, VA_A), "A hears of D's read although C read it first");
            assertStatus(R, status(b, "B", 0, VA_B), "and so does B");
            assertStatus(0, status(b, "D", 0, VA_D), "nothing derives from D");
            assertStatus(R, status(b, "D", FLUSH, VA_D), "D's own read, with flush");
            assertStatus(RW, status(b, "A", FLUSH, VA_A), "A's own write, which none below saw");
            b.writeOk("D", VA_D + 16, 9);
            assertStatus(RW, status(b, "B", 0, VA_B), "B: D's write");
            assertStatus(RW, status(b, "A", 0, VA_A), "A: D's write");
            assertStatus(RW, status(b, "C", FLUSH, VA_C), "C: D's write (C's own entry untouched)");
            assertStatus(RW, status(b, "D", FLUSH, VA_D), "D: its own write");
            assertStatus(0, status(b, "A", FLUSH, VA_A), "everyone has heard");
        }).run();
    }

    @Test
    void aMappingThatGoesLeavesItsAccessesToThoseItDerivedFrom() {
        new AddressSpaceHarness("A", "B", "C", "D").script(b -> {
            UnmapTest.chain(b);
            status(b, "A", 0, VA_A);
            b.writeOk("D", VA_D, 0xD1);
            Reply r = b.unmap("C", 0, Fpage.of(VA_C, 12, RWX));
            b.inv("C unmaps D");
            assertStatus(RW, Fpage.rights(r.word(1)), "C's unmap that removes D reports D's write");
            b.unmapped("D", VA_D);
            assertStatus(RW, status(b, "A", 0, VA_A), "D is gone and C read it, but A hears of D's write");
            assertStatus(RW, status(b, "B", 0, VA_B), "so does B");

            // A space that is deleted leaves its accesses too.
            b.writeOk("C", VA_C, 0xC1);
            assertEquals(1, b.l4.threadControl(b.id("C"), ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1));
            b.inv("C deleted");
            b.unmapped("C", VA_C);
            assertStatus(RW, status(b, "B", 0, VA_B), "C's write, after C is gone");
            assertStatus(RW, status(b, "A", 0, VA_A), "and A");
            assertEquals(0xC1, b.readOk("A", VA_A));
        }).run();
    }

    @Test
    void theStatusIsAccumulatedOverThePagesOfTheFpageAndResetForAllOfThem() {
        new AddressSpaceHarness("A", "B").script(b -> {
            for (int i = 0; i < 2; i++) {
                b.page("A", P + i * 0x1000L, VA_A + i * 0x1000L);
                b.mapPage("A", VA_A + i * 0x1000L, "B", VA_B + i * 0x1000L, RW);
            }
            b.readOk("B", VA_B);
            b.writeOk("B", VA_B + 0x1000, 1);
            assertStatus(0, fpageStatus(b, "A", 0, Fpage.of(VA_A + 0x4000, 13, 0)), "another fpage: nothing");
            assertStatus(R, status(b, "A", 0, VA_A), "the first page alone: read");
            assertStatus(RW, fpageStatus(b, "A", 0, Fpage.of(VA_A, 13, 0)), "both: the second page's write (the first's read is reset)");
            assertStatus(0, status(b, "A", 0, VA_A + 0x1000), "reset");
            b.readOk("B", VA_B);
            assertStatus(R, fpageStatus(b, "A", 0, Fpage.COMPLETE), "the complete address space");
        }).run();
    }

    @Test
    void anUnmapThatRevokesReportsTheStatusItFound() {
        new AddressSpaceHarness("A", "B").pager("B", KernelHarness.ROOT).script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            b.writeOk("B", VA_B, 1);
            Reply r = b.unmap("A", 0, Fpage.of(VA_A, 12, Fpage.W));
            b.inv("A revokes write");
            assertStatus(RW, Fpage.rights(r.word(1)), "the write before the revoke");
            assertEquals(Fpage.R | Fpage.X, b.mapped("B", VA_B).rights());
            b.readOk("B", VA_B);
            r = b.unmap("A", 0, Fpage.of(VA_A, 12, RWX));
            b.inv("A unmaps");
            assertStatus(R, Fpage.rights(r.word(1)), "the read since");
            b.unmapped("B", VA_B);
            assertStatus(0, status(b, "A", 0, VA_A), "nothing derives any more");
        }).run();
    }

    @Test
    void aGrantedMappingTakesItsAccessesAlong() {
        new AddressSpaceHarness("A", "B", "C").script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            b.writeOk("B", VA_B, 3);
            b.grantPage("B", VA_B, "C", VA_C, RWX);
            b.inv("B grants to C");
            b.unmapped("B", VA_B);
            assertStatus(RW, status(b, "C", FLUSH, VA_C), "C holds the mapping B wrote through");
            assertStatus(RW, status(b, "A", 0, VA_A), "A hears of B's write");
            b.readOk("C", VA_C);
            assertStatus(R, status(b, "A", 0, VA_A), "and of C's read");
        }).run();
    }

    @Test
    void aReadStaysAReadWhenTheRightsLeaveThePageExecuteOnly() {
        new AddressSpaceHarness("A", "B", "C").script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            b.readOk("B", VA_B);
            Reply r = b.unmap("A", 0, Fpage.of(VA_A, 12, RW));
            b.inv("A leaves B execute-only");
            assertEquals(Fpage.X, b.mapped("B", VA_B).rights());
            assertStatus(R, Fpage.rights(r.word(1)), "B's read, not an execution");
            assertStatus(0, status(b, "A", 0, VA_A), "reset");

            b.page("A", P2, VA_A + 0x1000);
            b.mapPage("A", VA_A + 0x1000, "B", VA_B + 0x1000, RWX);
            b.readOk("B", VA_B + 0x1000);
            b.grantPage("B", VA_B + 0x1000, "C", VA_C, Fpage.X);
            b.inv("B grants it execute-only to C");
            assertEquals(Fpage.X, b.mapped("C", VA_C).rights());
            assertStatus(R, status(b, "C", FLUSH, VA_C), "the mapping C holds was read through, not executed");
            assertStatus(R, status(b, "A", 0, VA_A + 0x1000), "and A hears the same");
        }).run();
    }

    @Test
    void theKernelsStringCopyIsTheSendersReadAndTheReceiversWrite() {
        long src = 0x60_0000L;
        long dst = 0x70_0000L;
        new AddressSpaceHarness("M", "A", "B").script(b -> {
            b.page("M", P, VA_A);
            b.page("M", P2, VA_B);
            b.mapPage("M", VA_A, "A", src, RW);
            b.mapPage("M", VA_B, "B", dst, RW);
            Transfer t = b.transfer("A", "B", StringItemTest.buffer(dst, 64), MsgTag.make(0, 0, 2),
                    Items.stringWord(64), src);
            assertTrue(t.ok(), t.toString());
            b.inv("string copied");
            assertStatus(R, status(b, "M", 0, VA_A), "the source: read, as A's own load would");
            assertStatus(RW, status(b, "M", 0, VA_B), "the buffer: written, as B's own store would");
        }).run();
    }

    @Test
    void nilMalformedAndObjectFpagesComeBackAsTheyWereOrWithoutStatus() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            b.writeOk("B", VA_B, 1);
            var before = b.mappings();
            long malformed = VA_A | 11 << 4 | RWX; // 2^11: smaller than a page
            long beyond = 1L << 40 | 12 << 4 | Fpage.R; // outside the user address space
            long object = kola.abi.Comm.objectFpage(0, 0, RWX);
            Reply r = b.unmap("A", 4, Fpage.NIL, malformed, beyond, object, Fpage.of(VA_A, 12, 0));
            b.inv("A unmaps garbage and one good fpage");
            assertEquals(KernelError.OK, r.word(0));
            assertEquals(Fpage.NIL, r.word(1));
            assertEquals(malformed, r.word(2), "a malformed fpage comes back unchanged, rights and all");
            assertEquals(beyond, r.word(3));
            assertEquals(Fpage.withRights(object, 0), r.word(4), "an object fpage: no status");
            assertStatus(RW, Fpage.rights(r.word(5)), "the good one carries B's write");
            assertEquals(before, b.mappings());
            for (long control : new long[] {0x80, FLUSH | 0x100}) {
                b.writeOk("B", VA_B, 2);
                r = b.unmap("A", control, Fpage.of(VA_A, 12, 0));
                b.inv("a bad control word");
                assertEquals(KernelError.INVALID_PARAMETER, r.word(0));
                assertEquals(Fpage.of(VA_A, 12, 0), r.word(1), "MR0 untouched");
                assertStatus(RW, status(b, "A", 0, VA_A), "a refused call reset nothing");
            }
            assertEquals(List.of(), b.kernel().checkInvariants());
        }).run();
    }

    @Test
    void theInvariantCheckerCatchesACachedTranslationItsEntryDoesNotRecord() {
        new AddressSpaceHarness("A").script(b -> {
            b.page("A", P, VA_A);
            b.writeOk("A", VA_A, 1);
            Kernel k = b.kernel();
            Space a = k.lifecycle.spaces().stream().filter(x -> "A".equals(x.name)).findFirst().orElseThrow();
            long vpn = VA_A >>> 12;
            boolean[] cached = {false};
            k.machine.tlb().forEach((asid, page, pfn, rights) -> cached[0] |= asid == a.asid && page == vpn
                    && (rights & kola.machine.Tlb.WRITE) != 0);
            assertTrue(cached[0], "A's write left a TLB entry that allows writing");
            long entry = leafEntry(k, a, VA_A);
            var memory = k.machine.memory();
            long pte = memory.load64(entry);
            assertEquals(kola.machine.Sv39.A | kola.machine.Sv39.D, pte & PageTable.ACCESSED);
            // Clear D behind the MMU's back, the TLB entry kept: a write could go unrecorded.
            memory.store64(entry, pte & ~(long) kola.machine.Sv39.D);
            List<String> found = k.checkInvariants();
            assertTrue(found.stream().anyMatch(p -> p.contains("lacks A or D")), found.toString());
            // D without A.
            memory.store64(entry, pte & ~(long) kola.machine.Sv39.A);
            found = k.checkInvariants();
            assertTrue(found.stream().anyMatch(p -> p.contains("dirty but not accessed")), found.toString());
            memory.store64(entry, pte);
            assertEquals(List.of(), k.checkInvariants(), "restored");
        }).run();
    }

    /** The physical address of the leaf entry of {@code va} in {@code s}'s page table. */
    static long leafEntry(Kernel k, Space s, long va) {
        var memory = k.machine.memory();
        long table = s.pageTable.rootPfn;
        for (int level = 2; level > 0; level--) {
            table = kola.machine.Sv39.pfn(memory.load64((table << 12) + 8L * kola.machine.Sv39.vpn(va, level)));
        }
        return (table << 12) + 8L * kola.machine.Sv39.vpn(va, 0);
    }

    /** The root task's Unmap of the page at {@code va}, rights 0, with {@code control}: the status. */
    static int ownStatus(kola.abi.L4 l4, long control, long va) {
        l4.setMr(0, Fpage.of(va, 12, 0));
        l4.unmap(control);
        return Fpage.rights(l4.mr(0));
    }

    @Test
    void aPageTheKernelTakesForItsObjectsKeepsTheStatusItHad() {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withKmem(KmemModel.PRECISE));
        h.sigma0(KmemFramesTest::sigma0);
        List<String> seen = new java.util.ArrayList<>();
        h.root(l4 -> {
            long va = KmemFramesTest.WINDOW;
            KmemFramesTest.memory(l4, KmemFramesTest.PHYS, 12, va);
            l4.memory().store64(va, 1);
            h.check(l4.kmemControl(kola.abi.Kmem.RETYPE, Fpage.of(va, 12, RWX), kola.abi.Kmem.NOTIFICATION, l4.myGlobalId()) == 1,
                    "retype");
            Space root = h.kernel.threads.lookup(l4.myGlobalId()).space;
            h.check(root.pageTable.lookup(va) == 0, "the page's entry is gone");
            seen.add(Fpage.rightsString(ownStatus(l4, FLUSH, va)));
            seen.add(Fpage.rightsString(ownStatus(l4, FLUSH, va)));
            seen.add(h.kernel.frames.frame(KmemFramesTest.PHYS >>> 12) != null ? "still the kernel's" : "given back");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("rw-", "---", "still the kernel's"), seen, "the write before the retype; reset; rights 0 took nothing");
        assertEquals(List.of(), h.kernel.checkInvariants());
    }

    @Test
    void entriesThatGoWithAnEvictedPageTableNodeLeaveTheirStatusInTheMappings() {
        KernelHarness h = new KernelHarness();
        h.sigma0(KmemFramesTest::sigma0);
        List<String> seen = new java.util.ArrayList<>();
        h.root(l4 -> {
            Kernel k = h.kernel;
            long va = KmemFramesTest.WINDOW;
            KmemFramesTest.memory(l4, KmemFramesTest.PHYS, 13, va);
            l4.memory().store64(va, 1);
            l4.memory().load64(va + 0x1000);
            Space root = k.threads.lookup(l4.myGlobalId()).space;
            // What a kpager's eviction of a page-table node does before it drops the node.
            k.mdb.keepStatus(root, va >>> 12, 2);
            seen.add("entries " + Long.toHexString(root.pageTable.lookup(va) & PageTable.ACCESSED) + " "
                    + Long.toHexString(root.pageTable.lookup(va + 0x1000) & PageTable.ACCESSED));
            boolean[] cached = {false};
            k.machine.tlb().forEach((asid, vpn, pfn, rights) -> cached[0] |= asid == root.asid
                    && (vpn == va >>> 12 || vpn == (va >>> 12) + 1));
            seen.add(cached[0] ? "still in the TLB" : "flushed from the TLB");
            seen.add(Fpage.rightsString(ownStatus(l4, FLUSH, va)) + " " + Fpage.rightsString(ownStatus(l4, FLUSH, va + 0x1000)));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("entries 0 0", "flushed from the TLB", "rw- r--"), seen);
        assertEquals(List.of(), h.kernel.checkInvariants());
    }
}
