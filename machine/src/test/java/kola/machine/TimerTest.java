package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimerTest {

    private static final int LINE = 1;

    private CycleClock clock;
    private InterruptController pic;
    private Timer timer;

    @BeforeEach
    void setUp() {
        clock = new CycleClock();
        pic = new InterruptController(32);
        timer = new Timer(clock, pic, LINE);
    }

    @Test
    void startsDisarmed() {
        assertEquals(Long.MAX_VALUE, timer.deadline());
        assertFalse(timer.isArmed());
        clock.advance(1_000_000);
        timer.poll();
        assertFalse(pic.isPending(LINE));
    }

    @Test
    void firesOnceAtTheDeadline() {
        timer.arm(500);
        assertEquals(500, timer.deadline());
        clock.advanceTo(499);
        timer.poll();
        assertFalse(pic.isPending(LINE));
        clock.advanceTo(500);
        timer.poll();
        assertTrue(pic.isPending(LINE));
        assertEquals(Long.MAX_VALUE, timer.deadline());
        pic.acknowledge(LINE);
        clock.advance(1000);
        timer.poll();
        assertFalse(pic.isPending(LINE), "one-shot");
    }

    @Test
    void firesLateIfPolledLate() {
        timer.arm(100);
        clock.advanceTo(10_000);
        timer.poll();
        assertTrue(pic.isPending(LINE));
    }

    @Test
    void rearmingReplacesTheDeadline() {
        timer.arm(100);
        timer.arm(300);
        clock.advanceTo(200);
        timer.poll();
        assertFalse(pic.isPending(LINE));
        assertEquals(300, timer.deadline());
    }

    @Test
    void cancelDisarms() {
        timer.arm(100);
        timer.cancel();
        clock.advanceTo(200);
        timer.poll();
        assertFalse(pic.isPending(LINE));
        assertEquals(Long.MAX_VALUE, timer.deadline());
    }

    @Test
    void registersReadTheClockAndArm() {
        clock.advance(1234);
        assertEquals(1234, timer.read(Timer.REG_NOW, 8));
        assertEquals(Long.MAX_VALUE, timer.read(Timer.REG_DEADLINE, 8));
        assertEquals(0, timer.read(Timer.REG_CONTROL, 8));
        timer.write(Timer.REG_DEADLINE, 8, 2000);
        assertEquals(2000, timer.deadline());
        assertEquals(2000, timer.read(Timer.REG_DEADLINE, 8));
        assertEquals(1, timer.read(Timer.REG_CONTROL, 8));
        timer.write(Timer.REG_CONTROL, 8, 5);
        assertTrue(timer.isArmed(), "only 0 cancels");
        timer.write(Timer.REG_CONTROL, 8, 0);
        assertFalse(timer.isArmed());
        timer.write(0x100, 8, 7);
        assertEquals(0, timer.read(0x100, 8));
    }

    @Test
    void badLineIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Timer(clock, pic, 32));
        assertEquals(LINE, timer.line());
    }
}
