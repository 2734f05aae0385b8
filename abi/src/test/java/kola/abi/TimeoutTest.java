package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimeoutTest {
    @Test
    void specialValues() {
        assertEquals(0, Timeout.NEVER);
        assertEquals(0x400, Timeout.ZERO, "ZeroTime: m = 0, e = 1");
        assertEquals(-1, Timeout.micros(Timeout.NEVER));
        assertEquals(0, Timeout.micros(Timeout.ZERO));
        assertEquals(Timeout.ZERO, Timeout.relative(0));
    }

    @Test
    void smallPeriodsAreExact() {
        for (long us : new long[] {1, 2, 100, 1000, 1023}) {
            assertEquals(us, Timeout.micros(Timeout.relative(us)));
            assertEquals(us, Timeout.relative(us), "e = 0, m = the value");
        }
    }

    @Test
    void largerPeriodsRoundUp() {
        assertEquals(1024, Timeout.micros(Timeout.relative(1024)));
        assertEquals(1026, Timeout.micros(Timeout.relative(1025)), "m = 513, e = 1");
        assertEquals(10_000, Timeout.micros(Timeout.relative(10_000)));
        long max = 1023L << 31;
        assertEquals(max, Timeout.micros(Timeout.relative(max)));
    }

    @Test
    void mantissaAndExponentAreDecoded() {
        assertEquals(625L << 4, Timeout.micros(4 << 10 | 625));
        assertEquals(0, Timeout.micros(7 << 10), "m = 0 is zero time whatever e is");
        assertEquals(1023L << 31, Timeout.micros(31 << 10 | 1023));
    }

    @Test
    void badValuesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Timeout.relative(-1));
        assertThrows(IllegalArgumentException.class, () -> Timeout.relative((1023L << 31) + 1));
        assertThrows(IllegalArgumentException.class, () -> Timeout.relative(Long.MAX_VALUE));
        assertEquals(-2, Timeout.micros(Timeout.POINT | 5), "absolute time points are not supported");
        assertEquals(-2, Timeout.micros(1L << 16), "wider than 16 bits");
        assertEquals(-2, Timeout.micros(-5));
    }

    @Test
    void relativeNeverProducesNeverOrAPoint() {
        for (long us = 1; us < 1L << 40; us = us * 3 + 1) {
            int t = Timeout.relative(us);
            assertTrue(t != Timeout.NEVER && (t & Timeout.POINT) == 0 && (t & ~0xFFFF) == 0, "relative(" + us + ")");
        }
    }

    @Test
    void pairPacksSendAboveReceive() {
        long p = Timeout.pair(Timeout.ZERO, Timeout.relative(100));
        assertEquals((long) Timeout.ZERO << 16 | 100, p);
        assertEquals(Timeout.ZERO, Timeout.send(p));
        assertEquals(100, Timeout.receive(p));
        assertEquals(0, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
        long masked = Timeout.pair(0x1_2345, 0x1_6789);
        assertEquals(0x2345, Timeout.send(masked), "each half is 16 bits");
        assertEquals(0x6789, Timeout.receive(masked));
        assertEquals(0, masked >>> 32);
    }

    @Test
    void aPointReadSoonAfterItWasMadeIsTheClockValueItNames() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(0x7130);
        for (int i = 0; i < 100_000; i++) {
            long now = r.nextLong(0, 1L << 50);
            long ahead = r.nextLong(1, Timeout.MAX_POINT_AHEAD);
            int t = Timeout.point(now + ahead, now);
            assertTrue(Timeout.isPoint(t) && (t & ~0xFFFF) == 0 && Timeout.micros(t) == -2, "a point, no period");
            int e = t >>> 11 & 0xF;
            long late = r.nextLong(0, (1L << (e + 10)) / 2); // read a while after it was made
            long named = (now + ahead) & -(1L << e); // (a point names a clock value to its granularity, 2^e µs)
            assertEquals(Math.max(0, named - (now + late)), Timeout.untilPoint(t, now + late),
                    "now " + now + " ahead " + ahead + " late " + late);
            assertTrue(now + ahead - named < 1L << e && named > now - (1L << e), "within its granularity");
        }
    }

    @Test
    void aPointThatHasPassedIsAZeroTimeoutAndBadPointsAreRefused() {
        int t = Timeout.point(5000, 1000);
        assertEquals(4000, Timeout.untilPoint(t, 1000), "exact at e = 2: 4000 = 1000 << 2");
        assertEquals(0, Timeout.untilPoint(t, 5000));
        assertEquals(0, Timeout.untilPoint(t, 5300), "passed by 300 µs: zero");
        assertThrows(IllegalArgumentException.class, () -> Timeout.point(1000, 1000));
        assertThrows(IllegalArgumentException.class, () -> Timeout.point(999, 1000));
        assertThrows(IllegalArgumentException.class, () -> Timeout.point(1000 + Timeout.MAX_POINT_AHEAD, 1000));
        assertTrue(!Timeout.isPoint(Timeout.ZERO) && !Timeout.isPoint(Timeout.NEVER) && !Timeout.isPoint(1L << 16 | Timeout.POINT));
    }
}
