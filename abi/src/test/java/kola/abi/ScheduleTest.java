package kola.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScheduleTest {
    @Test
    void timesliceIsARelativePeriodInBits16To31() {
        assertEquals((long) Timeout.relative(10_000) << 16, Schedule.timeslice(10_000));
        assertEquals(10_000, Timeout.micros(Schedule.timeslice(10_000) >>> 16));
        assertEquals(0, Schedule.timeslice(5000) & 0xFFFF, "total quantum bits stay zero");
        assertEquals(0, Schedule.timeslice(1023L << 31) >>> 32);
    }

    @Test
    void constantsAndBadInput() {
        assertEquals(-1, Schedule.UNCHANGED);
        assertEquals(255, Schedule.MAX_PRIORITY);
        assertThrows(IllegalArgumentException.class, () -> Schedule.timeslice(-1));
    }
}
