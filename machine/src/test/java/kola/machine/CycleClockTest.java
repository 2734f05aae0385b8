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
        assertEquals(Long.MAX_VALUE / 2 + 1 - 4950, clock.cyclesUntil(Long.MAX_VALUE), "a far deadline: huge, no overflow");
        assertEquals(Long.MAX_VALUE, clock.timeAfter(Long.MAX_VALUE - 1));
    }

    /**
     * Found by the system-call fuzz (a kernel that idled for ever, its loop making no progress):
     * below about a quarter of the base rate, idle time to a deadline more than 2^63 / 10^6 ns
     * (2.5 hours) after the last change of rate took a capped number of cycles (2^61) whose time
     * overflowed, so the clock never reached the deadline and the kernel's idle loop waited for
     * it again and again. Now the cycles are exact and time past the end stops at its end.
     */
    @Test
    void idleTimeToAFarDeadlineAtALowRateEndsAtItsCycleBoundary() {
        CycleClock clock = new CycleClock();
        clock.advance(7);
        clock.setKhz(1000); // 1 MHz: a cycle is a microsecond
        long far = (1L << 62) + 1; // 2^62 = 4611686018427387904 ns
        clock.advanceTo(far);
        long cycles = 7 + Math.ceilDiv(far - 7, 1000); // whole microseconds after the change at 7 ns
        assertEquals(cycles, clock.cycles());
        assertEquals(7 + (cycles - 7) * 1000, clock.now(), "the first cycle boundary at or after the deadline");
        assertEquals(4611686018427388007L, clock.now());
        assertEquals(0, clock.cyclesUntil(clock.now()));
        assertEquals(1, clock.cyclesUntil(clock.now() + 1));
        clock.advance(2);
        assertEquals(4611686018427390007L, clock.now());
        // A deadline whose cycle boundary lies past the end of time: time stops at its end.
        clock.advanceTo(Long.MAX_VALUE - 1);
        assertEquals(Long.MAX_VALUE, clock.now());
        assertEquals(7 + Math.ceilDiv(Long.MAX_VALUE - 1 - 7, 1000), clock.cycles());
        clock.advance(5);
        assertEquals(Long.MAX_VALUE, clock.now());
        assertEquals(Long.MAX_VALUE, clock.timeAfter(1));
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
