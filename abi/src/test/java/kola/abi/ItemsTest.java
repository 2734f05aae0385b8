package kola.abi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/** String items and receive buffers in X.2's encoding ({@code L4_StringItem_t} in Pistachio's {@code l4/message.h}). */
class ItemsTest {
    /** An L4 whose setMr and setBr write into {@code mrs} and {@code brs}. */
    static L4 registers(long[] mrs, long[] brs) {
        InvocationHandler h = (proxy, method, args) -> switch (method.getName()) {
            case "setMr" -> {
                mrs[(int) args[0]] = (long) args[1];
                yield null;
            }
            case "setBr" -> {
                brs[(int) args[0]] = (long) args[1];
                yield null;
            }
            default -> throw new UnsupportedOperationException(method.getName());
        };
        return (L4) Proxy.newProxyInstance(L4.class.getClassLoader(), new Class<?>[] {L4.class}, h);
    }

    @Test
    void aStringWordHoldsLengthSubstringCountAndTheContinuationBit() {
        assertEquals(100L << 10, Items.stringWord(100));
        assertEquals(Items.stringWord(100), Items.stringWord(100, 1, false));
        // j = substrings - 1 in bits 4..8, c in bit 9 (Pistachio: C:1 type:3 j:5 c:1 length).
        long w = Items.stringWord(300, 3, true);
        assertEquals(300L << 10 | 1L << 9 | 2L << 4, w);
        assertEquals(300, Items.stringLength(w));
        assertEquals(3, Items.substrings(w));
        assertEquals(4, Items.stringItemWords(w));
        assertTrue(Items.isCompound(w));
        assertTrue(Items.isString(w));
        assertFalse(Items.more(w));
        assertTrue(Items.more(w | Items.MORE));
        assertEquals(32, Items.substrings(Items.stringWord(1, 32, false)));
        assertEquals(1, Items.substrings(Items.stringWord(1)));
        assertFalse(Items.isCompound(Items.stringWord(7)));
        assertEquals(Items.MAX_STRING, Items.stringLength(Items.stringWord(Items.MAX_STRING, 2, false)));
    }

    @Test
    void aStringWordRefusesWhatX2CannotEncode() {
        assertThrows(IllegalArgumentException.class, () -> Items.stringWord(-1, 1, false));
        assertThrows(IllegalArgumentException.class, () -> Items.stringWord(Items.MAX_STRING + 1, 1, false));
        assertThrows(IllegalArgumentException.class, () -> Items.stringWord(8, 0, false));
        assertThrows(IllegalArgumentException.class, () -> Items.stringWord(8, 33, false));
    }

    @Test
    void putStringAndPutBufferWriteTheItemsWords() {
        long[] mrs = new long[64];
        long[] brs = new long[33];
        L4 l4 = registers(mrs, brs);
        assertEquals(4, Items.putString(l4, 2, 50, true, 0x1000, 0x2000, 0x3000));
        assertEquals(2, Items.putString(l4, 6, 10, false, 0x4000));
        assertArrayEquals(new long[] {0, 0, Items.stringWord(50, 3, true), 0x1000, 0x2000, 0x3000,
            Items.stringWord(10), 0x4000, 0}, java.util.Arrays.copyOf(mrs, 9));
        int br = Items.putBuffer(l4, 1, 64, true, true, 0x5000, 0x6000);
        assertEquals(4, br);
        br = Items.putBuffer(l4, br, 32, false, false, 0x7000);
        assertEquals(6, br);
        assertArrayEquals(new long[] {0, Items.stringWord(64, 2, true) | Items.MORE, 0x5000, 0x6000,
            Items.stringWord(32), 0x7000, 0}, java.util.Arrays.copyOf(brs, 7));
    }
}
