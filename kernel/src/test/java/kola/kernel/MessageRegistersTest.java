package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import kola.abi.MsgTag;
import org.junit.jupiter.api.Test;

/** A thread's message registers: MR0..MR15 held until more are used, all 64 after; a register never written is 0. */
class MessageRegistersTest {

    @Test
    void aNewThreadHoldsTheFirstSixteenRegistersAndReadsTheOthersAsZero() {
        Tcb t = new Tcb(1);
        assertEquals(16, t.mr.length);
        t.setMr(15, 77);
        assertEquals(16, t.mr.length, "MR15 is one of the sixteen");
        assertEquals(77, t.mr(15));
        for (int i = 16; i < MsgTag.MESSAGE_REGISTERS; i++) {
            assertEquals(0, t.mr(i), "MR" + i);
        }
    }

    @Test
    void writingPastTheSixteenGrowsToAllSixtyFourKeepingTheValues() {
        Tcb t = new Tcb(1);
        for (int i = 0; i < Tcb.FEW_MESSAGE_REGISTERS; i++) {
            t.setMr(i, 100 + i);
        }
        t.setMr(63, -1);
        assertEquals(MsgTag.MESSAGE_REGISTERS, t.mr.length);
        for (int i = 0; i < Tcb.FEW_MESSAGE_REGISTERS; i++) {
            assertEquals(100 + i, t.mr(i), "MR" + i);
        }
        assertEquals(-1, t.mr(63));
        long[] grown = t.mr;
        assertSame(grown, t.registers(MsgTag.MESSAGE_REGISTERS), "grown once, never again");
        assertSame(grown, t.registers(1), "never shrunk");
    }

    @Test
    void registersGrowsOnlyWhenAskedForMoreThanItHolds() {
        Tcb t = new Tcb(1);
        long[] few = t.mr;
        assertSame(few, t.registers(Tcb.FEW_MESSAGE_REGISTERS));
        assertEquals(MsgTag.MESSAGE_REGISTERS, t.registers(Tcb.FEW_MESSAGE_REGISTERS + 1).length);
    }

    @Test
    void copyingFillsRegistersTheArrayDoesNotHoldWithZero() {
        Tcb t = new Tcb(1);
        for (int i = 0; i < Tcb.FEW_MESSAGE_REGISTERS; i++) {
            t.setMr(i, 10 + i);
        }
        long[] to = new long[12];
        java.util.Arrays.fill(to, -1);
        t.copyMrs(13, to, 1, 10);
        assertArrayEquals(new long[] {-1, 23, 24, 25, 0, 0, 0, 0, 0, 0, 0, -1}, to, "MR13..MR15, then zeros");
    }

    @Test
    void copyingFromPastTheHeldRegistersGivesZeros() {
        Tcb t = new Tcb(1);
        long[] to = {-1, -1, -1, -1};
        t.copyMrs(30, to, 1, 2);
        assertArrayEquals(new long[] {-1, 0, 0, -1}, to);
        t.copyMrs(Tcb.FEW_MESSAGE_REGISTERS, to, 0, 0);
        assertArrayEquals(new long[] {-1, 0, 0, -1}, to, "nothing copied, nothing written");
    }

    @Test
    void copyingFromAllSixtyFourCopiesThem() {
        Tcb t = new Tcb(1);
        for (int i = 0; i < MsgTag.MESSAGE_REGISTERS; i++) {
            t.setMr(i, i * 3L);
        }
        long[] to = new long[MsgTag.MAX_WORDS];
        t.copyMrs(1, to, 0, MsgTag.MAX_WORDS);
        for (int i = 0; i < MsgTag.MAX_WORDS; i++) {
            assertEquals((i + 1) * 3L, to[i], "MR" + (i + 1));
        }
    }
}
