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
}
