package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TlbTest {

    private static final int RWX = Tlb.READ | Tlb.WRITE | Tlb.EXECUTE;

    @Test
    void accessBitsFollowL4() {
        assertEquals(4, Tlb.READ);
        assertEquals(2, Tlb.WRITE);
        assertEquals(1, Tlb.EXECUTE);
        assertEquals(256, new Tlb().entries());
    }

    @Test
    void fillThenLookupHits() {
        Tlb tlb = new Tlb(16);
        assertEquals(-1, tlb.lookup(1, 0x42, Tlb.READ));
        tlb.fill(1, 0x42, 0x999, RWX);
        assertEquals(0x999, tlb.lookup(1, 0x42, Tlb.READ));
        assertEquals(0x999, tlb.lookup(1, 0x42, RWX));
        assertEquals(-1, tlb.lookup(2, 0x42, Tlb.READ), "other space");
        assertEquals(-1, tlb.lookup(1, 0x43, Tlb.READ), "other page");
        assertEquals(2, tlb.hits());
        assertEquals(3, tlb.misses());
    }

    @Test
    void lookupMissesWhenARightIsLacking() {
        Tlb tlb = new Tlb(16);
        tlb.fill(0, 7, 70, Tlb.READ);
        assertEquals(-1, tlb.lookup(0, 7, Tlb.WRITE));
        assertEquals(-1, tlb.lookup(0, 7, Tlb.READ | Tlb.USER));
        assertEquals(70, tlb.lookup(0, 7, Tlb.READ));
        tlb.fill(0, 7, 71, Tlb.READ | Tlb.WRITE | Tlb.USER);
        assertEquals(71, tlb.lookup(0, 7, Tlb.WRITE | Tlb.USER), "refill replaces");
        tlb.flush(0, 7);
        assertEquals(-1, tlb.lookup(0, 7, Tlb.READ), "no stale duplicate left behind");
    }

    @Test
    void flushRemovesExactlyThatEntry() {
        Tlb tlb = new Tlb(64);
        tlb.fill(1, 10, 100, RWX);
        tlb.fill(1, 11, 110, RWX);
        tlb.fill(2, 10, 200, RWX);
        tlb.flush(1, 10);
        tlb.flush(1, 12);
        assertEquals(-1, tlb.lookup(1, 10, 0));
        assertEquals(110, tlb.lookup(1, 11, 0));
        assertEquals(200, tlb.lookup(2, 10, 0));
        assertEquals(2, tlb.flushes());
    }

    @Test
    void flushRangeRemovesThePagesInTheRange() {
        for (long pages : new long[] {3, 1000}) {
            Tlb tlb = new Tlb(64);
            for (long vpn = 0; vpn < 8; vpn++) {
                tlb.fill(5, vpn, vpn + 100, RWX);
                tlb.fill(6, vpn, vpn + 200, RWX);
            }
            tlb.flushRange(5, 2, pages);
            long end = 2 + pages;
            for (long vpn = 0; vpn < 8; vpn++) {
                long expected = vpn >= 2 && vpn < end ? -1 : vpn + 100;
                assertEquals(expected, tlb.lookup(5, vpn, 0), "vpn " + vpn + " pages " + pages);
                assertEquals(vpn + 200, tlb.lookup(6, vpn, 0));
            }
        }
    }

    @Test
    void flushRangeOfNothingRemovesNothing() {
        Tlb tlb = new Tlb(16);
        tlb.fill(0, 0, 1, RWX);
        tlb.flushRange(0, 0, 0);
        assertEquals(1, tlb.lookup(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> tlb.flushRange(0, 0, -1));
    }

    @Test
    void flushRangeNearTheTopOfTheAddressSpaceDoesNotWrap() {
        Tlb tlb = new Tlb(16);
        tlb.fill(0, 0, 1, RWX);
        tlb.fill(0, Long.MAX_VALUE, 2, RWX);
        tlb.flushRange(0, Long.MAX_VALUE, 1000);
        assertEquals(1, tlb.lookup(0, 0, 0));
        assertEquals(-1, tlb.lookup(0, Long.MAX_VALUE, 0));
    }

    @Test
    void flushAsidLeavesOtherSpaces() {
        Tlb tlb = new Tlb(64);
        for (int asid = 0; asid < 3; asid++) {
            for (long vpn = 0; vpn < 5; vpn++) {
                tlb.fill(asid, vpn, asid * 10 + vpn, RWX);
            }
        }
        tlb.flushAsid(1);
        for (long vpn = 0; vpn < 5; vpn++) {
            assertEquals(vpn, tlb.lookup(0, vpn, 0));
            assertEquals(-1, tlb.lookup(1, vpn, 0));
            assertEquals(20 + vpn, tlb.lookup(2, vpn, 0));
        }
    }

    @Test
    void flushAllEmptiesTheTlb() {
        Tlb tlb = new Tlb(8);
        tlb.fill(0, 1, 1, RWX);
        tlb.fill(3, 1, 1, RWX);
        assertEquals(2, tlb.validEntries());
        assertEquals(CostModel.TLB_FLUSH, tlb.flushAll(), "the cost for the caller to charge");
        assertEquals(0, tlb.validEntries());
        assertEquals(-1, tlb.lookup(0, 1, 0));
        assertEquals(-1, tlb.lookup(3, 1, 0));
        assertEquals(1, tlb.flushes());
        tlb.resetCounters();
        assertEquals(0, tlb.flushes());
        assertEquals(0, tlb.misses());
        assertEquals(0, tlb.hits());
    }

    @Test
    void addressSpacesShareTheCapacity() {
        Tlb tlb = new Tlb();
        for (long vpn = 0; vpn < 64; vpn++) {
            tlb.fill(1, vpn, vpn, RWX); // space 1's working set: a quarter of the TLB
        }
        for (long vpn = 0; vpn < 64; vpn++) {
            tlb.lookup(1, vpn, 0);
        }
        assertEquals(64, tlb.hits(), "alone, space 1's working set fits");
        for (long vpn = 0; vpn < 4 * Tlb.DEFAULT_ENTRIES; vpn++) {
            tlb.fill(2, vpn, vpn, RWX); // space 2 thrashes the TLB
        }
        assertEquals(Tlb.DEFAULT_ENTRIES, tlb.validEntries());
        tlb.resetCounters();
        for (long vpn = 0; vpn < 64; vpn++) {
            tlb.lookup(1, vpn, 0);
        }
        assertEquals(0, tlb.hits(), "space 2's entries took every way space 1 had");
        assertEquals(64, tlb.misses());
    }

    @Test
    void fullSetEvictsAnEntry() {
        Tlb tlb = new Tlb(1);
        tlb.fill(0, 1, 10, RWX);
        tlb.fill(0, 2, 20, RWX);
        assertEquals(-1, tlb.lookup(0, 1, 0));
        assertEquals(20, tlb.lookup(0, 2, 0));
        Tlb four = new Tlb(4);
        for (long vpn = 0; vpn < 5; vpn++) {
            four.fill(0, vpn, vpn, RWX);
        }
        int present = 0;
        for (long vpn = 0; vpn < 5; vpn++) {
            present += four.lookup(0, vpn, 0) >= 0 ? 1 : 0;
        }
        assertEquals(4, present);
    }

    @Test
    void badArgumentsAreRejected() {
        for (int entries : new int[] {0, -1, 3, 100}) {
            assertThrows(IllegalArgumentException.class, () -> new Tlb(entries));
        }
        Tlb tlb = new Tlb(16);
        assertThrows(IllegalArgumentException.class, () -> tlb.lookup(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> tlb.fill(-1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> tlb.flush(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> tlb.flushAsid(-1));
    }
}
