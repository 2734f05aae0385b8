package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CycleClockTest {

    @Test
    void startsAtZero() {
        assertEquals(0, new CycleClock().now());
    }

    @Test
    void advanceAddsCycles() {
        CycleClock clock = new CycleClock();
        clock.advance(10);
        clock.advance(0);
        clock.advance(5);
        assertEquals(15, clock.now());
    }

    @Test
    void advanceRejectsNegative() {
        assertThrows(IllegalArgumentException.class, () -> new CycleClock().advance(-1));
    }

    @Test
    void advanceToMovesOnlyForward() {
        CycleClock clock = new CycleClock();
        clock.advanceTo(100);
        assertEquals(100, clock.now());
        clock.advanceTo(50);
        assertEquals(100, clock.now());
        clock.advanceTo(100);
        assertEquals(100, clock.now());
    }

    @Test
    void atTheBaseRateTimeAndCyclesAreOne() {
        CycleClock clock = new CycleClock();
        clock.advance(7);
        clock.advanceTo(100);
        assertEquals(CycleClock.BASE_KHZ, clock.khz());
        assertEquals(100, clock.now());
        assertEquals(100, clock.cycles());
        assertEquals(50, clock.cyclesUntil(150));
        assertEquals(-10, clock.cyclesUntil(90));
        assertEquals(130, clock.timeAfter(30));
    }

    @Test
    void atAnotherRateWorkTakesItsCyclesTimeAndIdleTimePassesInWholeCycles() {
        CycleClock clock = new CycleClock();
        clock.advance(1000);
        clock.setKhz(300_000); // 0.3 GHz: a cycle is 3.33 ns
        assertEquals(1000, clock.now(), "a change of rate moves nothing");
        clock.advance(3);
        assertEquals(1010, clock.now());
        clock.advance(1);
        assertEquals(1013, clock.now(), "floor(4 * 10 / 3): no error kept from the first charge");
        clock.advance(2);
        assertEquals(1020, clock.now(), "6 cycles are exactly 20 ns, as one charge of 6 would be");
        assertEquals(1006, clock.cycles());
        assertEquals(3, clock.cyclesUntil(1030), "the first cycle boundary at or after 1030 is 1030");
        assertEquals(4, clock.cyclesUntil(1031), "after 1031: 1033.3");
        assertEquals(1033, clock.timeAfter(4));
        clock.advanceTo(1031);
        assertEquals(1033, clock.now(), "idle time stops at the cycle boundary");
        assertEquals(1010, clock.cycles());
        assertEquals(0, clock.cyclesUntil(1033));
        assertEquals(-3, clock.cyclesUntil(1023));
        clock.setKhz(CycleClock.BASE_KHZ);
        clock.advance(5);
        assertEquals(1038, clock.now());
        assertEquals(1015, clock.cycles());
    }

    @Test
    void halfTheRateDoublesTheTimeOfTheSameWork() {
        CycleClock clock = new CycleClock();
        clock.setKhz(500_000);
        for (int i = 0; i < 100; i++) {
            clock.advance(i);
        }
        assertEquals(4950, clock.cycles());
        assertEquals(9900, clock.now());
        assertEquals(Long.MAX_VALUE / 4 - 4950, clock.cyclesUntil(Long.MAX_VALUE), "a far deadline: huge, no overflow");
        assertEquals(Long.MAX_VALUE, clock.timeAfter(Long.MAX_VALUE - 1));
    }

    @Test
    void ratesOutsideOneKilohertzToTheBaseAreRefused() {
        CycleClock clock = new CycleClock();
        assertThrows(IllegalArgumentException.class, () -> clock.setKhz(0));
        assertThrows(IllegalArgumentException.class, () -> clock.setKhz(CycleClock.BASE_KHZ + 1));
        assertThrows(IllegalArgumentException.class, () -> clock.setKhz(-1));
        assertEquals(CycleClock.BASE_KHZ, clock.khz());
        clock.setKhz(1);
        clock.advance(1);
        assertEquals(1_000_000, clock.now(), "1 kHz: a cycle is a millisecond");
    }
}
