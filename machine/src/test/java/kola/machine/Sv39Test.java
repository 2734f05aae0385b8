package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Sv39Test {

    @Test
    void flagBitsFollowTheSpecification() {
        assertEquals(0xFF, Sv39.V | Sv39.R | Sv39.W | Sv39.X | Sv39.U | Sv39.G | Sv39.A | Sv39.D);
        assertEquals(1, Sv39.V);
        assertEquals(128, Sv39.D);
        assertEquals(10, Sv39.PPN_SHIFT);
        assertEquals(3, Sv39.LEVELS);
        assertEquals(39, Sv39.VA_BITS);
    }

    @Test
    void entryHoldsFrameAndFlags() {
        long pte = Sv39.pte(0xABCDE, Sv39.V | Sv39.R | Sv39.W);
        assertEquals((0xABCDEL << 10) | 7, pte);
        assertEquals(0xABCDE, Sv39.pfn(pte));
        assertEquals(7, Sv39.flags(pte));
        long biggest = Sv39.pte((1L << 44) - 1, Sv39.V);
        assertEquals((1L << 44) - 1, Sv39.pfn(biggest));
        assertTrue(Sv39.isValid(biggest));
    }

    @Test
    void vpnSplitsTheAddressNineBitsPerLevel() {
        long va = (0x1A5L << 30) | (0x0F3L << 21) | (0x111L << 12) | 0xABC;
        assertEquals(0x1A5, Sv39.vpn(va, 2));
        assertEquals(0x0F3, Sv39.vpn(va, 1));
        assertEquals(0x111, Sv39.vpn(va, 0));
        assertEquals((0x1A5L << 18) | (0x0F3L << 9) | 0x111, Sv39.pageNumber(va));
        assertEquals(12, Sv39.pageShift(0));
        assertEquals(21, Sv39.pageShift(1));
        assertEquals(30, Sv39.pageShift(2));
    }

    @Test
    void canonicalAddressesSignExtendBit38() {
        assertTrue(Sv39.isCanonical(0));
        assertTrue(Sv39.isCanonical((1L << 38) - 1));
        assertFalse(Sv39.isCanonical(1L << 38));
        assertFalse(Sv39.isCanonical(1L << 39));
        assertTrue(Sv39.isCanonical(-1L));
        assertTrue(Sv39.isCanonical(-(1L << 38)));
        assertFalse(Sv39.isCanonical(-(1L << 38) - 1));
        assertFalse(Sv39.isCanonical(Long.MIN_VALUE));
        assertFalse(Sv39.isCanonical(Long.MAX_VALUE));
    }

    @Test
    void leavesHaveReadOrExecute() {
        assertTrue(Sv39.isLeaf(Sv39.pte(1, Sv39.V | Sv39.R)));
        assertTrue(Sv39.isLeaf(Sv39.pte(1, Sv39.V | Sv39.X)));
        assertTrue(Sv39.isLeaf(Sv39.pte(1, Sv39.V | Sv39.R | Sv39.W | Sv39.X | Sv39.U)));
        assertFalse(Sv39.isLeaf(Sv39.pte(1, Sv39.V)), "pointer");
        assertFalse(Sv39.isLeaf(Sv39.pte(1, Sv39.R)), "not valid");
        assertFalse(Sv39.isLeaf(Sv39.pte(1, Sv39.V | Sv39.W)), "reserved encoding");
    }

    @Test
    void reservedEncodingsAreInvalid() {
        assertFalse(Sv39.isValid(0));
        assertFalse(Sv39.isValid(Sv39.pte(1, Sv39.V | Sv39.W)));
        assertFalse(Sv39.isValid(Sv39.pte(1, Sv39.V | Sv39.W | Sv39.X)));
        assertFalse(Sv39.isValid(Sv39.pte(1, Sv39.V | Sv39.R) | (1L << 54)));
        assertTrue(Sv39.isValid(Sv39.pte(1, Sv39.V) | (3L << 8)), "software bits are free");
    }

    @Test
    void svpbmtTypesAreValidInLeavesOnly() {
        long leaf = Sv39.pte(1, Sv39.V | Sv39.R | Sv39.U);
        for (int type : new int[] {Sv39.PBMT_PMA, Sv39.PBMT_NC, Sv39.PBMT_IO}) {
            long pte = Sv39.withPbmt(leaf, type);
            assertTrue(Sv39.isLeaf(pte), "leaf of type " + type);
            assertEquals(type, Sv39.pbmt(pte));
            assertEquals(1, Sv39.pfn(pte), "the frame is untouched");
            assertEquals(Sv39.V | Sv39.R | Sv39.U, Sv39.flags(pte));
        }
        assertEquals(1L << 61, Sv39.withPbmt(0, Sv39.PBMT_NC), "NC is bit 61");
        assertEquals(2L << 61, Sv39.withPbmt(0, Sv39.PBMT_IO), "IO is bit 62");
        assertFalse(Sv39.isValid(Sv39.withPbmt(leaf, Sv39.PBMT_RESERVED)), "type 3 is reserved");
        assertFalse(Sv39.isValid(Sv39.withPbmt(Sv39.pte(1, Sv39.V), Sv39.PBMT_NC)), "a pointer's PBMT bits are reserved");
        assertFalse(Sv39.isValid(Sv39.withPbmt(Sv39.pte(1, Sv39.V), Sv39.PBMT_IO)));
        assertFalse(Sv39.isValid(leaf | (1L << 63)), "N (Svnapot) is not implemented: reserved");
        assertFalse(Sv39.isValid(leaf | (1L << 60)), "bits 54..60 stay reserved");
        assertEquals(leaf, Sv39.withPbmt(Sv39.withPbmt(leaf, Sv39.PBMT_IO), Sv39.PBMT_PMA), "type 0 clears the field");
    }
}
