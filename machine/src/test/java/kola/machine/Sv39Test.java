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
}
