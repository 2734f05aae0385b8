package kola.kernel;

import static kola.kernel.AddressSpaceHarness.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import kola.abi.Fpage;
import kola.kernel.AddressSpaceHarness.Transfer;
import org.junit.jupiter.api.Test;

/**
 * Grant items (L4 X.2 "Grant item"; paper section 2): the mapping moves to the receiver, the
 * granter loses it, and what was derived from it keeps deriving from it; rights reduced by the
 * grant are reduced below it too. Also maps of regions whose pages derive from each other.
 */
class MapGrantTest {
    static final long P = MapItemTest.P;
    static final long P2 = MapItemTest.P2;
    static final long VA_A = MapItemTest.VA_A;
    static final long VA_B = MapItemTest.VA_B;
    static final long VA_C = MapItemTest.VA_C;
    static final long VA_D = 0x40_0000L;
    static final int RW = Fpage.R | Fpage.W;
    static final int RWX = Fpage.RWX;

    @Test
    void grantMovesTheMappingAndItsChildrenFollow() {
        new AddressSpaceHarness("A", "B", "C").script(b -> {
            b.page("A", P, VA_A);
            b.writeOk("A", VA_A, 0xA1);
            b.mapPage("A", VA_A, "C", VA_C, RWX);
            b.inv("A maps to C");

            Transfer t = b.grant("A", "B", Fpage.of(VA_A, 12, RWX), 0, window(VA_B));
            assertTrue(t.ok(), t.toString());
            b.inv("A grants to B");
            b.unmapped("A", VA_A);
            Kernel.Mapping mb = b.mapped("B", VA_B);
            assertEquals(P >>> 12, mb.pfn());
            assertEquals(RWX, mb.rights());
            assertEquals("sigma0", mb.parentSpace(), "the granted node keeps its parent");
            Kernel.Mapping mc = b.mapped("C", VA_C);
            assertEquals("B", mc.parentSpace(), "C's mapping now derives from B's");
            assertEquals(VA_B, mc.parentVa());
            assertEquals(0xA1, b.readOk("B", VA_B));
            assertEquals(0xA1, b.readOk("C", VA_C));

            b.unmap("B", 0, Fpage.of(VA_B, 12, RWX));
            b.inv("B unmaps");
            b.unmapped("C", VA_C);
            b.mapped("B", VA_B);
        }).run();
    }

    @Test
    void grantWithinTheOwnSpaceMovesThePage() {
        long a2 = KernelHarness.tid(20);
        AddressSpaceHarness a = new AddressSpaceHarness("A", "C").alias("A2", a2);
        a.script(b -> {
            a.h.startThread(b.l4, a2, b.id("A"), 1, "A", 0, 100);
            b.page("A", P, VA_A);
            b.writeOk("A", VA_A, 0x77);
            b.mapPage("A", VA_A, "C", VA_C, RWX);
            b.inv("setup");
            Transfer t = b.grant("A", "A2", Fpage.of(VA_A, 12, RWX), 0, window(VA_A + 0x5000));
            assertTrue(t.ok(), t.toString());
            b.inv("A grants to its own space");
            b.unmapped("A", VA_A);
            Kernel.Mapping m = b.mapped("A", VA_A + 0x5000);
            assertEquals(P >>> 12, m.pfn());
            assertEquals("sigma0", m.parentSpace());
            assertEquals(VA_A + 0x5000, b.mapped("C", VA_C).parentVa());
            assertEquals(0x77, b.readOk("A2", VA_A + 0x5000));
            assertEquals(2, b.of("A").size() + b.of("C").size());
        }).run();
    }

    @Test
    void grantOntoTheVerySamePlaceChangesNothing() {
        long a2 = KernelHarness.tid(20);
        AddressSpaceHarness a = new AddressSpaceHarness("A").alias("A2", a2);
        a.script(b -> {
            a.h.startThread(b.l4, a2, b.id("A"), 1, "A", 0, 100);
            b.page("A", P, VA_A);
            var before = b.mappings();
            Transfer t = b.grant("A", "A2", Fpage.of(VA_A, 12, RWX), 0, window(VA_A));
            assertTrue(t.ok(), t.toString());
            b.inv("grant to itself, same place");
            assertEquals(before, b.mappings());
        }).run();
    }

    @Test
    void grantWithReducedRightsReducesEverythingBelow() {
        new AddressSpaceHarness("A", "B", "C", "D").script(b -> {
            b.page("A", P, VA_A);
            b.mapPage("A", VA_A, "C", VA_C, RWX);
            b.mapPage("C", VA_C, "D", VA_D, RW);
            b.inv("setup");
            Transfer t = b.grant("A", "B", Fpage.of(VA_A, 12, Fpage.R), 0, window(VA_B));
            assertTrue(t.ok(), t.toString());
            b.inv("A grants read-only");
            b.unmapped("A", VA_A);
            assertEquals(Fpage.R, b.mapped("B", VA_B).rights());
            assertEquals(Fpage.R, b.mapped("C", VA_C).rights());
            assertEquals(Fpage.R, b.mapped("D", VA_D).rights());
            assertEquals("C", b.mapped("D", VA_D).parentSpace());
        }).run();
    }

    @Test
    void grantWithoutAnyRightInCommonGrantsNothing() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.sigma0("A", Fpage.of(P, 12, Fpage.R), window(VA_A));
            var before = b.mappings();
            Transfer t = b.grant("A", "B", Fpage.of(VA_A, 12, Fpage.W), 0, window(VA_B));
            assertTrue(t.ok(), t.toString());
            b.inv("grant of rights not held");
            assertEquals(before, b.mappings(), "the granter keeps what it could not grant");
        }).run();
    }

    @Test
    void grantOfMemoryNotHeldGrantsNothing() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("A", P, VA_A);
            var before = b.mappings();
            Transfer t = b.grant("A", "B", Fpage.of(VA_A + 0x4000, 14, RWX), 0, Fpage.COMPLETE);
            assertTrue(t.ok(), t.toString());
            b.inv("grant of what A does not hold");
            assertEquals(before, b.mappings());
        }).run();
    }

    @Test
    void grantOfARegionMovesEveryPage() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.sigma0("A", Fpage.of(P, 14, RWX), Fpage.of(VA_A, 14, 0));
            Transfer t = b.grant("A", "B", Fpage.of(VA_A, 14, RW), 0, Fpage.of(VA_B, 14, 0));
            assertTrue(t.ok(), t.toString());
            b.inv("A grants 16 KiB");
            assertEquals(List.of(), b.of("A"));
            assertEquals(4, b.of("B").size());
            for (Kernel.Mapping m : b.of("B")) {
                assertEquals("sigma0", m.parentSpace());
                assertEquals(RW, m.rights());
                assertEquals((P >>> 12) + (m.va() - VA_B) / 4096, m.pfn());
            }
        }).run();
    }

    @Test
    void grantOverAMappingFromElsewhereReplacesIt() {
        new AddressSpaceHarness("A", "B", "C").script(b -> {
            b.page("A", P, VA_A);
            b.page("B", P2, VA_B);
            b.mapPage("B", VA_B, "C", VA_C, RWX);
            Transfer t = b.grant("A", "B", Fpage.of(VA_A, 12, RWX), 0, window(VA_B));
            assertTrue(t.ok(), t.toString());
            b.inv("A grants over B's page");
            assertEquals(P >>> 12, b.mapped("B", VA_B).pfn());
            b.unmapped("A", VA_A);
            b.unmapped("C", VA_C);
        }).run();
    }

    @Test
    void grantBackOntoItsOwnAncestorChangesNothing() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("B", P2, VA_B);
            b.mapPage("B", VA_B, "A", VA_A, RWX);
            var before = b.mappings();
            Transfer t = b.grant("A", "B", Fpage.of(VA_A, 12, RWX), 0, window(VA_B));
            assertTrue(t.ok(), t.toString());
            b.inv("A grants onto the mapping it derives from");
            assertEquals(before, b.mappings());
            t = b.map("A", "B", Fpage.of(VA_A, 12, RWX), 0, window(VA_B));
            assertTrue(t.ok(), t.toString());
            b.inv("A maps onto the mapping it derives from");
            assertEquals(before, b.mappings());
        }).run();
    }

    /**
     * A maps a 16 KiB region holding two pages, the second derived from B's page that the first
     * lands on: mapping the first replaces B's page and with it A's second one, which must then
     * not be mapped any more (it is gone).
     */
    @Test
    void mapOfARegionWhoseFirstPageDestroysItsSecond() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("B", P2, VA_B);
            b.mapPage("B", VA_B, "A", VA_A + 0x1000, RWX);
            b.page("A", P, VA_A);
            b.inv("setup");
            Transfer t = b.map("A", "B", Fpage.of(VA_A, 14, RWX), 0, Fpage.of(VA_B, 14, 0));
            assertTrue(t.ok(), t.toString());
            b.inv("A maps the region");
            assertEquals(Map.of(VA_B, P >>> 12), MapItemTest.frames(b, "B"), b.dump());
            assertEquals(Map.of(VA_A, P >>> 12), MapItemTest.frames(b, "A"), b.dump());
        }).run();
    }

    @Test
    void grantOfARegionWhoseFirstPageDestroysItsSecond() {
        new AddressSpaceHarness("A", "B").script(b -> {
            b.page("B", P2, VA_B);
            b.mapPage("B", VA_B, "A", VA_A + 0x1000, RWX);
            b.page("A", P, VA_A);
            b.inv("setup");
            Transfer t = b.grant("A", "B", Fpage.of(VA_A, 14, RWX), 0, Fpage.of(VA_B, 14, 0));
            assertTrue(t.ok(), t.toString());
            b.inv("A grants the region");
            assertEquals(Map.of(VA_B, P >>> 12), MapItemTest.frames(b, "B"), b.dump());
            assertEquals(Map.of(), MapItemTest.frames(b, "A"), b.dump());
        }).run();
    }
}
