package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MsgTagTest {
    @Test
    void layoutFollowsX2() {
        long tag = MsgTag.make(0x1234, 5, 6);
        assertEquals(0x1234L << 16 | 6 << 6 | 5, tag);
        assertEquals(5, MsgTag.untyped(tag));
        assertEquals(6, MsgTag.typed(tag));
        assertEquals(0x1234, MsgTag.label(tag));
        assertEquals(0, MsgTag.flags(tag));
        assertFalse(MsgTag.failed(tag));
    }

    @Test
    void flagBits() {
        assertEquals(1L << 12, MsgTag.PROPAGATED);
        assertEquals(1L << 13, MsgTag.REDIRECTED);
        assertEquals(1L << 14, MsgTag.CROSS_CPU);
        assertEquals(1L << 15, MsgTag.ERROR);
        long all = MsgTag.make(7, 1, 2) | MsgTag.PROPAGATED | MsgTag.REDIRECTED | MsgTag.CROSS_CPU | MsgTag.ERROR;
        assertEquals(0xF000L, MsgTag.flags(all));
        assertTrue(MsgTag.failed(all));
        assertEquals(7, MsgTag.label(all), "flags do not disturb the label");
        assertEquals(1, MsgTag.untyped(all));
        assertEquals(2, MsgTag.typed(all));
    }

    @Test
    void negativeLabelsAreSignExtendedFrom48Bits() {
        assertEquals(-2, MsgTag.label(MsgTag.make(-2, 2, 0)));
        assertEquals(-(1L << 47), MsgTag.label(MsgTag.make(-(1L << 47), 0, 0)));
        assertEquals((1L << 47) - 1, MsgTag.label(MsgTag.make((1L << 47) - 1, 63, 63)));
        assertEquals(0, MsgTag.flags(MsgTag.make(-1, 0, 0)), "a negative label sets no flag");
    }

    @Test
    void countsAreSixBitsAndMaxWordsIs63() {
        assertEquals(64, MsgTag.MESSAGE_REGISTERS);
        assertEquals(63, MsgTag.MAX_WORDS);
        long tag = MsgTag.make(0, 63, 63);
        assertEquals(63, MsgTag.untyped(tag));
        assertEquals(63, MsgTag.typed(tag));
        assertEquals(0, MsgTag.label(tag), "counts do not spill into the label");
        assertEquals(0, MsgTag.flags(tag), "nor into the flags");
    }

    @Test
    void theErrorTagAloneIsAFailedEmptyMessage() {
        assertTrue(MsgTag.failed(MsgTag.ERROR));
        assertEquals(0, MsgTag.untyped(MsgTag.ERROR));
        assertEquals(0, MsgTag.label(MsgTag.ERROR));
    }

    @Test
    void readableForm() {
        assertEquals("tag(label=-2, u=2, t=0)", MsgTag.toString(MsgTag.make(-2, 2, 0)));
        assertEquals("tag(label=0, u=0, t=0, error)", MsgTag.toString(MsgTag.ERROR));
    }
}
