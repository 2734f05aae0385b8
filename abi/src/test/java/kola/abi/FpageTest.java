package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FpageTest {
    @Test
    void encodingFollowsX2() {
        long f = Fpage.of(0x10000, 12, Fpage.R | Fpage.W);
        assertEquals(0x10000L | 12 << 4 | 6, f);
        assertEquals(0x10000, Fpage.base(f));
        assertEquals(12, Fpage.sizeLog2(f));
        assertEquals(4096, Fpage.size(f));
        assertEquals(6, Fpage.rights(f));
        assertEquals(7, Fpage.RWX);
        assertEquals(4, Fpage.R);
        assertEquals(2, Fpage.W);
        assertEquals(1, Fpage.X);
    }

    @Test
    void nilAndComplete() {
        assertTrue(Fpage.isNil(Fpage.NIL));
        assertFalse(Fpage.isValid(Fpage.NIL));
        assertTrue(Fpage.isComplete(Fpage.COMPLETE));
        assertTrue(Fpage.isComplete(Fpage.COMPLETE | Fpage.RWX));
        assertFalse(Fpage.isComplete(Fpage.of(0, 12, 0)));
        assertFalse(Fpage.isValid(Fpage.COMPLETE), "complete is no memory fpage");
        assertEquals("fpage(nil)", Fpage.toString(Fpage.NIL));
        assertEquals("fpage(complete, rwx)", Fpage.toString(Fpage.COMPLETE | Fpage.RWX));
        assertEquals("fpage(0x10000, 2^16, r-x)", Fpage.toString(Fpage.of(0x10000, 16, 5)));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Fpage.of(0x1000, 11, 0), "smaller than a page");
        assertThrows(IllegalArgumentException.class, () -> Fpage.of(0, 39, 0), "larger than the address space");
        assertThrows(IllegalArgumentException.class, () -> Fpage.of(0x1000, 13, 0), "misaligned");
        assertThrows(IllegalArgumentException.class, () -> Fpage.of(0x800, 12, 0), "misaligned");
        assertThrows(IllegalArgumentException.class, () -> Fpage.of(-4096, 12, 0), "negative base");
        assertThrows(IllegalArgumentException.class, () -> Fpage.of(0, 12, 8), "rights beyond rwx");
        assertThrows(IllegalArgumentException.class, () -> Fpage.of(0, 12, -1));
    }

    @Test
    void validity() {
        assertTrue(Fpage.isValid(Fpage.of(0, 38, 0)), "the whole user address space");
        assertTrue(Fpage.isValid(Fpage.of((1L << 38) - 4096, 12, 7)), "the last page");
        assertFalse(Fpage.isValid((1L << 38) | 12 << 4), "beyond 2^38");
        assertFalse(Fpage.isValid(0x1000 | 11 << 4), "s = 11");
        assertFalse(Fpage.isValid(0x1000 | 13 << 4), "misaligned for s = 13");
        assertFalse(Fpage.isValid(0x1400 | 12 << 4), "misaligned for s = 12");
        assertFalse(Fpage.isValid(0x1000 | 12 << 4 | 8), "extension bit");
        assertFalse(Fpage.isValid(39 << 4), "s = 39");
        assertFalse(Fpage.isValid(63 << 4), "s = 63");
        assertFalse(Fpage.isValid(-1L), "all ones");
    }

    @Test
    void withRightsOverlapsContains() {
        long f = Fpage.of(0x20000, 13, 0);
        assertEquals(Fpage.of(0x20000, 13, 5), Fpage.withRights(f, 5));
        assertEquals(Fpage.of(0x20000, 13, 7), Fpage.withRights(f, 0xFF), "only rwx are taken");
        assertTrue(Fpage.contains(f, 0x20000));
        assertTrue(Fpage.contains(f, 0x21FFF));
        assertFalse(Fpage.contains(f, 0x22000));
        assertFalse(Fpage.contains(f, 0x1FFFF));
        assertTrue(Fpage.overlaps(f, Fpage.of(0x21000, 12, 0)));
        assertTrue(Fpage.overlaps(f, Fpage.of(0, 20, 0)));
        assertFalse(Fpage.overlaps(f, Fpage.of(0x22000, 12, 0)));
        assertFalse(Fpage.overlaps(f, Fpage.of(0x1F000, 12, 0)));
    }

    @Test
    void rightsString() {
        assertEquals("---", Fpage.rightsString(0));
        assertEquals("rwx", Fpage.rightsString(7));
        assertEquals("-w-", Fpage.rightsString(2));
    }

    @Test
    void ofRefusesARegionBeyondTheUserAddressSpace() {
        // MAX_SIZE_LOG2: "a user address space is 2^38 bytes"; isValid rejects regions beyond it,
        // so the checked constructor should too rather than hand out a word the kernel refuses.
        assertThrows(IllegalArgumentException.class, () -> Fpage.of(1L << 38, 12, 0));
        assertThrows(IllegalArgumentException.class, () -> Fpage.of(1L << 40, 20, 0));
    }

    @Test
    void statusBitsAreTheRwxOfTheReturnedFpage() {
        long f = Fpage.of(0x20000, 12, 0);
        assertFalse(Fpage.wasReferenced(f) || Fpage.wasWritten(f) || Fpage.wasExecuted(f));
        assertTrue(Fpage.wasReferenced(Fpage.withRights(f, Fpage.R)));
        assertFalse(Fpage.wasWritten(Fpage.withRights(f, Fpage.R)));
        assertTrue(Fpage.wasWritten(Fpage.withRights(f, Fpage.R | Fpage.W)));
        assertTrue(Fpage.wasExecuted(Fpage.withRights(f, Fpage.R | Fpage.X)));
        assertFalse(Fpage.wasExecuted(Fpage.withRights(f, Fpage.R | Fpage.W)));
        assertFalse(Fpage.wasReferenced(Fpage.COMPLETE | Fpage.W), "each bit alone");
    }
}
