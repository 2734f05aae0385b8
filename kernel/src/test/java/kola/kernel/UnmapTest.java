package kola.kernel;

import static kola.kernel.AddressSpaceHarness.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import kola.abi.Fpage;
import kola.abi.KernelError;
import kola.abi.KernelLabels;
import kola.abi.MsgTag;
import kola.kernel.AddressSpaceHarness.Boss;
import kola.kernel.AddressSpaceHarness.Reply;
import org.junit.jupiter.api.Test;

/**
 * Unmap (L4 X.2 "Unmap"; paper section 2): without flush only what derives from the caller's
 * mappings goes, recursively and in every space; with flush the caller's own too; partial rights
 * are revoked below; the complete fpage; several fpages; a bad control word; and the TLB, which
 * must not keep a translation the unmap removed.
 */
class UnmapTest {
    static final long P = MapItemTest.P;
    static final long P2 = MapItemTest.P2;
    static final long VA_A = MapItemTest.VA_A;
    static final long VA_B = MapItemTest.VA_B;
    static final long VA_C = MapItemTest.VA_C;
    static final long VA_D = 0x40_0000L;
    static final long FLUSH = 0x40;
    static final int RW = Fpage.R | Fpage.W;
    static final int RWX = Fpage.RWX;

    /** sigma0 → A → B → C → D, all rwx, with 0xA1 written at A's page. */
    static void chain(Boss b) {
        b.page("A", P, VA_A);
        b.writeOk("A", VA_A, 0xA1);
        b.mapPage("A", VA_A, "B", VA_B, RWX);
        b.inv("A -> B");
        b.mapPage("B", VA_B, "C", VA_C, RWX);
        b.inv("B -> C");
        b.mapPage("C", VA_C, "D", VA_D, RWX);
        b.inv("C -> D");
        assertEquals(0xA1, b.readOk("D", VA_D));
        assertEquals("C", b.mapped("D", VA_D).parentSpace());
    }

    @Test
    void unmapWithoutFlushRemovesEverythingDerivedRecursivelyInEverySpace() {
        new AddressSpaceHarness("A", "B", "C", "D").script(b -> {
            chain(b);
            Reply r = b.unmap("A", 0, Fpage.of(VA_A, 12, RWX));
            b.inv("A unmaps");
            assertEquals(KernelError.OK, r.word(0));
            assertEquals(Fpage.of(VA_A, 12, Fpage.R), r.word(1), "the fpage comes back with its status in rwx: D read it");
            b.mapped("A", VA_A);
            b.unmapped("B", VA_B);
            b.unmapped("C", VA_C);
            b.unmapped("D", VA_D);
            assertEquals(0xA1, b.readOk("A", VA_A), "A keeps its page and its data");
        }).run();
    }

    @Test
    void unmapInTheMiddleOfAChainRemovesOnlyWhatIsBelow() {
        new AddressSpaceHarness("A", "B", "C", "D").script(b -> {
            chain(b);
            b.unmap("D", 0, Fpage.of(VA_D, 12, RWX));
            b.inv("D unmaps: nothing derives from D");
            assertEquals(5, b.mappings().stream().filter(m -> m.pfn() == P >>> 12).count(), "sigma0, A, B, C, D");
            b.unmap("C", 0, Fpage.of(VA_C, 12, RWX));
            b.inv("C unmaps");
            b.unmapped("D", VA_D);
            b.mapped("C", VA_C);
            b.mapped("B", VA_B);
            b.mapped("A", VA_A);
            b.unmap("B", 0, Fpage.of(VA_B, 12, RWX));
            b.inv("B unmaps");
            b.unmapped("C", VA_C);
            b.mapped("B", VA_B);
        }).run();
    }

    @Test
    void flushRemovesTheCallersOwnMappingToo() {
        new AddressSpaceHarness("A", "B", "C", "D").script(b -> {
            chain(b);
            b.unmap("B", FLUSH, Fpage.of(VA_B, 12, RWX));
            b.inv("B flushes");
            b.unmapped("B", VA_B);
            b.unmapped("C", VA_C);
            b.unmapped("D", VA_D);
            b.mapped("A", VA_A);
            b.unmap("A", FLUSH, Fpage.of(VA_A, 12, RWX));
            b.inv("A flushes");
            b.unmapped("A", VA_A);
            assertEquals(List.of(), b.of("A"));
            b.mapped("sigma0", P);
        }).run();
    }

    @Test
    void unmappingOnlyWriteRevokesWriteBelowAndKeepsRead() {
        new AddressSpaceHarness("A", "B", "C", "D").pager("D", KernelHarness.ROOT).script(b -> {
            chain(b);
            b.writeOk("D", VA_D + 8, 0xD0);
            b.unmap("A", 0, Fpage.of(VA_A, 12, Fpage.W));
            b.inv("A revokes write");
            assertEquals(RWX, b.mapped("A", VA_A).rights());
            assertEquals(Fpage.R | Fpage.X, b.mapped("B", VA_B).rights());
            assertEquals(Fpage.R | Fpage.X, b.mapped("C", VA_C).rights());
            assertEquals(Fpage.R | Fpage.X, b.mapped("D", VA_D).rights());
            assertEquals(0xD0, b.readOk("D", VA_D + 8), "a load still works");
            Reply f = b.write("D", VA_D + 8, 1);
            assertTrue(f.isFault(), "a store faults: " + f);
            assertEquals(Fpage.W, f.faultAccess());
            assertEquals(VA_D + 8, f.faultAddress());
            b.inv("D faulted");
            b.answer("D", MsgTag.make(KernelLabels.REFUSED, 0, 0));
            b.inv("fault refused");
            assertEquals(0xD0, b.readOk("A", VA_A + 8));
        }).run();
    }

    @Test
    void unmappingOnlyReadFromAReadWritePageLeavesWriteWhichImpliesRead() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.writeOk("A", VA_A, 3);
            b.mapPage("A", VA_A, "B", VA_B, RW);
            b.unmap("A", 0, Fpage.of(VA_A, 12, Fpage.R));
            b.inv("A revokes read");
            assertEquals(Fpage.W, b.mapped("B", VA_B).rights());
            b.writeOk("B", VA_B, 4);
            assertEquals(4, b.readOk("B", VA_B), "Sv39 has no write-only pages: w implies r");
        }).run();
    }

    @Test
    void flushWithPartialRightsReducesTheCallersOwnRightsToo() {
        new AddressSpaceHarness("A", "B").pager("A", KernelHarness.ROOT).script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            b.unmap("A", FLUSH, Fpage.of(VA_A, 12, Fpage.W));
            b.inv("A flushes write");
            assertEquals(Fpage.R | Fpage.X, b.mapped("A", VA_A).rights());
            assertEquals(Fpage.R | Fpage.X, b.mapped("B", VA_B).rights());
            Reply f = b.write("A", VA_A, 1);
            assertTrue(f.isFault(), f.toString());
            assertEquals(Fpage.W, f.faultAccess());
            b.answer("A", MsgTag.make(KernelLabels.REFUSED, 0, 0));
            b.inv("A's fault refused");
        }).run();
    }

    @Test
    void completeFpageUnmapsEverythingDerivedFromTheWholeSpace() {
        new AddressSpaceHarness("A", "B", "C").script(b -> {
            b.page("A", P, VA_A);
            b.page("A", P2, 0x7000_0000L);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            b.mapPage("A", 0x7000_0000L, "B", VA_B + 0x1000, RWX);
            b.mapPage("A", VA_A, "C", VA_C, RWX);
            b.mapPage("B", VA_B + 0x1000, "C", VA_C + 0x1000, RWX);
            Reply r = b.unmap("A", 0, Fpage.COMPLETE | RWX);
            b.inv("A unmaps the complete space");
            assertEquals(Fpage.COMPLETE, r.word(1));
            assertEquals(List.of(), b.of("B"));
            assertEquals(List.of(), b.of("C"));
            assertEquals(2, b.of("A").size());
            b.unmap("A", FLUSH, Fpage.COMPLETE | RWX);
            b.inv("A flushes the complete space");
            assertEquals(List.of(), b.of("A"));
        }).run();
    }

    @Test
    void severalFpagesInOneUnmap() {
        new AddressSpaceHarness("A", "B").script(b -> {
            for (int i = 0; i < 4; i++) {
                b.page("A", P + i * 0x1000L, VA_A + i * 0x1000L);
                b.mapPage("A", VA_A + i * 0x1000L, "B", VA_B + i * 0x1000L, RWX);
            }
            b.inv("setup");
            Reply r = b.unmap("A", 1, Fpage.of(VA_A, 12, RWX), Fpage.of(VA_A + 0x2000, 12, RWX));
            b.inv("unmap of 2 fpages");
            assertEquals(Map.of(VA_B + 0x1000, (P >>> 12) + 1, VA_B + 0x3000, (P >>> 12) + 3),
                    MapItemTest.frames(b, "B"));
            assertEquals(Fpage.of(VA_A, 12, 0), r.word(1));
            assertEquals(Fpage.of(VA_A + 0x2000, 12, 0), r.word(2));

            // n = 4: a nil and a malformed fpage are skipped and come back unchanged; only MR0..MR3 count
            long bad = VA_A + 0x1000 | 13 << 4 | RWX;
            r = b.unmap("A", 3, Fpage.NIL, bad, Fpage.of(VA_A + 0x3000, 12, RWX), Fpage.of(0x5000_0000L, 12, RWX),
                    Fpage.of(VA_A + 0x1000, 12, RWX));
            b.inv("unmap of 4 fpages");
            assertEquals(Map.of(VA_B + 0x1000, (P >>> 12) + 1), MapItemTest.frames(b, "B"),
                    "the fifth fpage lies beyond n and is not unmapped");
            assertEquals(KernelError.OK, r.word(0));
            assertEquals(Fpage.NIL, r.word(1));
            assertEquals(bad, r.word(2));
            assertEquals(Fpage.of(VA_A + 0x3000, 12, 0), r.word(3));
        }).run();
    }

    @Test
    void unknownControlBitsAreAnInvalidParameterAndChangeNothing() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            var before = b.mappings();
            for (long control : new long[] {0x80, 0x100, FLUSH | 0x1000, 1L << 63, -1L}) {
                Reply r = b.unmap("A", control, Fpage.of(VA_A, 12, RWX));
                b.inv("unmap with control 0x" + Long.toHexString(control));
                assertEquals(KernelError.INVALID_PARAMETER, r.word(0), "control 0x" + Long.toHexString(control));
                assertEquals(Fpage.of(VA_A, 12, RWX), r.word(1), "MR0 untouched");
                assertEquals(before, b.mappings());
            }
            Reply ok = b.unmap("A", 0, Fpage.of(VA_A, 12, RWX));
            assertEquals(KernelError.OK, ok.word(0), "a good unmap clears ErrorCode");
            b.unmapped("B", VA_B);
        }).run();
    }

    @Test
    void unmapOfMemoryNotHeldChangesNothing() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            var before = b.mappings();
            b.unmap("B", FLUSH, Fpage.of(VA_A, 12, RWX), Fpage.of(0, 30, RWX));
            b.inv("B unmaps what it does not hold");
            assertEquals(before, b.mappings());
            b.unmap("B", FLUSH, Fpage.of(VA_B, 12, 0));
            b.inv("B flushes no rights");
            assertEquals(before, b.mappings(), "an fpage without rights revokes nothing");
        }).run();
    }

    @Test
    void noStaleTranslationSurvivesAnUnmapEvenAfterATlbHit() {
        new AddressSpaceHarness("A", "B").pager("B", KernelHarness.ROOT).script(b -> {
            b.page("A", P, VA_A);
            b.writeOk("A", VA_A, 0x55);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            assertEquals(0x55, b.readOk("B", VA_B));
            long hits = b.kernel().machine.tlb().hits();
            assertEquals(0x55, b.readOk("B", VA_B));
            assertEquals(hits + 1, b.kernel().machine.tlb().hits(), "the second read, one access, hit the TLB");
            b.unmap("A", 0, Fpage.of(VA_A, 12, RWX));
            b.inv("A unmaps");
            Reply f = b.read("B", VA_B);
            assertTrue(f.isFault(), "the read after the unmap faults: " + f);
            assertEquals(Fpage.R, f.faultAccess());
            assertEquals(VA_B, f.faultAddress());
            b.inv("B faulted");
            b.answer("B", MsgTag.make(KernelLabels.REFUSED, 0, 0));
        }).run();
    }

    @Test
    void noStaleWriteRightSurvivesARightsReduction() {
        new AddressSpaceHarness("A", "B").pager("B", KernelHarness.ROOT).script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            b.writeOk("B", VA_B, 1);
            b.writeOk("B", VA_B, 2);
            b.unmap("A", 0, Fpage.of(VA_A, 12, Fpage.W));
            b.inv("A revokes write");
            Reply f = b.write("B", VA_B, 3);
            assertTrue(f.isFault(), "the write after the revoke faults: " + f);
            assertEquals(Fpage.W, f.faultAccess());
            b.answer("B", MsgTag.make(KernelLabels.REFUSED, 0, 0));
            assertEquals(2, b.readOk("A", VA_A));
        }).run();
    }

    /** A page of A derived (through B) from another page of A, both in one flushed range. */
    @Test
    void flushOfARangeHoldingAPageDerivedFromAnotherInTheRange() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            b.mapPage("B", VA_B, "A", VA_A + 0x1000, RWX);
            b.inv("setup");
            long used = b.kernel().kernelMemory()[0];
            b.unmap("A", FLUSH, Fpage.of(VA_A, 14, RWX));
            b.inv("A flushes the range");
            assertEquals(List.of(), b.of("A"));
            assertEquals(List.of(), b.of("B"));
            b.mapped("sigma0", P);
            // The three mapping nodes went; the page tables stay with their spaces.
            assertEquals(3 * MapNode.BYTES, used - b.kernel().kernelMemory()[0]);
            // sigma0's frame still works as a root: it maps it again
            b.page("B", P, VA_B);
            b.inv("sigma0 maps the frame again");
            assertEquals("sigma0", b.mapped("B", VA_B).parentSpace());
        }).run();
    }

    @Test
    void nonFlushOfARangeHoldingAPageDerivedFromAnotherInTheRange() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            b.mapPage("B", VA_B, "A", VA_A + 0x1000, RWX);
            b.unmap("A", 0, Fpage.of(VA_A, 14, Fpage.W));
            b.inv("A revokes write in the range");
            assertEquals(RWX, b.mapped("A", VA_A).rights());
            assertEquals(Fpage.R | Fpage.X, b.mapped("B", VA_B).rights());
            assertEquals(Fpage.R | Fpage.X, b.mapped("A", VA_A + 0x1000).rights());
            b.unmap("A", 0, Fpage.of(VA_A, 14, RWX));
            b.inv("A unmaps the range");
            assertEquals(Map.of(VA_A, P >>> 12), MapItemTest.frames(b, "A"));
        }).run();
    }

    @Test
    void flushWithPartialRightsOfARangeHoldingAPageDerivedFromAnotherInTheRange() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            b.mapPage("B", VA_B, "A", VA_A + 0x1000, RW);
            b.unmap("A", FLUSH, Fpage.of(VA_A, 14, Fpage.R | Fpage.W));
            b.inv("A flushes rw in the range");
            assertEquals(Map.of(VA_A, P >>> 12), MapItemTest.frames(b, "A"));
            assertEquals(Fpage.X, b.mapped("A", VA_A).rights());
            assertEquals(Fpage.X, b.mapped("B", VA_B).rights());
        }).run();
    }

    @Test
    void sigma0RevokesWhatItHandedOutAndHandsItOutAgain() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            b.writeOk("A", VA_A, 0x99);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            Reply r = b.call(KernelHarness.SIGMA0, AddressSpaceHarness.SIGMA0_UNMAP, 0, Fpage.of(P, 12, RWX));
            b.inv("sigma0 unmaps");
            assertEquals(KernelError.OK, r.word(0));
            b.unmapped("A", VA_A);
            b.unmapped("B", VA_B);
            b.mapped("sigma0", P);
            r = b.call(KernelHarness.SIGMA0, AddressSpaceHarness.SIGMA0_UNMAP, FLUSH, Fpage.of(P, 14, RWX));
            b.inv("sigma0 flushes its own identity pages");
            b.page("B", P, VA_B);
            b.inv("sigma0 maps the frame again");
            assertEquals(0x99, b.readOk("B", VA_B), "the frame kept its data");
            assertEquals("sigma0", b.mapped("B", VA_B).parentSpace());
        }).run();
    }

    @Test
    void deletingASpaceRemovesItsMappingsAndEverythingDerivedFromThem() {
        new AddressSpaceHarness("A", "B", "C").script(b -> {
            b.page("A", P, VA_A);
            b.page("A", P2, VA_A + 0x1000);
            b.mapPage("A", VA_A, "B", VA_B, RWX);
            b.mapPage("B", VA_B, "A", VA_A + 0x3000, RWX);
            b.mapPage("A", VA_A + 0x1000, "C", VA_C, RWX);
            b.mapPage("C", VA_C, "B", VA_B + 0x1000, RWX);
            b.page("C", P + 0x4000, VA_C + 0x4000);
            b.inv("setup");
            long used = b.kernel().kernelMemory()[0];
            assertEquals(1, b.l4.threadControl(b.id("A"), kola.abi.ThreadId.NIL, kola.abi.ThreadId.NIL,
                    kola.abi.ThreadId.NIL, -1));
            b.inv("A deleted");
            assertTrue(b.kernel().spaces().stream().noneMatch(s -> s.name().equals("A")));
            assertEquals(List.of(), b.of("B"), b.dump());
            assertEquals(Map.of(VA_C + 0x4000, (P + 0x4000) >>> 12), MapItemTest.frames(b, "C"), b.dump());
            // A's TCB and space descriptor, its five page tables (the root, and two levels each on the way
            // to its pages and to its KIP at the top of the address space), and six mapping nodes: A's
            // three and the three derived from them in B and C.
            assertEquals(Tcb.BYTES + Space.BYTES + 5 * 4096 + 6 * MapNode.BYTES, used - b.kernel().kernelMemory()[0]);
            b.page("B", P, VA_B);
            assertEquals("sigma0", b.mapped("B", VA_B).parentSpace());
        }).run();
    }
}
