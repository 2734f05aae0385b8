package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThreadIdTest {
    @Test
    void globalIdIsNumberAboveVersion() {
        long id = ThreadId.global(0x40, 1);
        assertEquals(0x40L << 32 | 1, id);
        assertEquals(0x40, ThreadId.number(id));
        assertEquals(1, ThreadId.version(id));
        long big = ThreadId.global(0xFFFF_FFFFL, 0xFFFF_FFFFL);
        assertEquals(0xFFFF_FFFFL, ThreadId.number(big));
        assertEquals(0xFFFF_FFFFL, ThreadId.version(big));
        assertEquals(-1L, big, "the largest global id has the bit pattern of anythread");
    }

    @Test
    void nilAndAny() {
        assertEquals(0, ThreadId.NIL);
        assertEquals(-1, ThreadId.ANY);
        assertTrue(ThreadId.isNil(ThreadId.NIL));
        assertFalse(ThreadId.isNil(ThreadId.ANY));
        assertFalse(ThreadId.isNil(ThreadId.global(0, 1)));
        assertEquals("nil", ThreadId.toString(ThreadId.NIL));
        assertEquals("any", ThreadId.toString(ThreadId.ANY));
        assertEquals("40.1", ThreadId.toString(ThreadId.global(0x40, 1)));
    }

    @Test
    void badNumbersAndVersionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ThreadId.global(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> ThreadId.global(1L << 32, 1));
        assertThrows(IllegalArgumentException.class, () -> ThreadId.global(Long.MIN_VALUE, 1));
        assertThrows(IllegalArgumentException.class, () -> ThreadId.global(5, 0));
        assertThrows(IllegalArgumentException.class, () -> ThreadId.global(5, -1));
        assertThrows(IllegalArgumentException.class, () -> ThreadId.global(5, 1L << 32));
    }

    @Test
    void theFormIsInTheLowSixBits() {
        long local = 0x3F_FFE0_0400L; // a UTCB address: 1 KiB-aligned
        assertTrue(ThreadId.isLocal(local));
        assertFalse(ThreadId.isGlobal(local));
        assertTrue(ThreadId.isGlobal(ThreadId.global(0x40, 1)));
        assertFalse(ThreadId.isLocal(ThreadId.global(0x40, 0x41)));
        assertTrue(ThreadId.isLocal(ThreadId.NIL), "X.2: nil has the local form");
        assertTrue(ThreadId.isGlobal(ThreadId.ANY), "X.2: anythread has the global form");
        assertEquals(0xFFFF_FFFF_FFFF_FFC0L, ThreadId.ANY_LOCAL);
        assertTrue(ThreadId.isLocal(ThreadId.ANY_LOCAL));
        assertEquals("anylocal", ThreadId.toString(ThreadId.ANY_LOCAL));
        assertEquals("local:3fffe00400", ThreadId.toString(local));
    }

    @Test
    void aVersionThatIsAMultipleOf64IsRefused() {
        for (long v : new long[] {64, 128, 0x40_0000_00L, 0xFFFF_FFC0L}) {
            assertThrows(IllegalArgumentException.class, () -> ThreadId.global(5, v), "version " + v);
        }
        assertEquals(5L << 32 | 65, ThreadId.global(5, 65));
        assertEquals(5L << 32 | 63, ThreadId.global(5, 63));
    }

    @Test
    void theVersionZeroIdIsNotAGlobalIdButDecodes() {
        long raw = 7L << 32;
        assertEquals(7, ThreadId.number(raw));
        assertEquals(0, ThreadId.version(raw));
    }
}
