package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kola.abi.Memory;
import kola.abi.Program;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.machine.Machine;
import kola.system.RootTask;
import kola.system.Sigma0;
import kola.system.TimerDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timer interrupts as IPC to the user-level timer driver: a sleep through the driver ends at its
 * deadline when the machine is idle, and (should) also when another, lower-priority thread is
 * running at the deadline.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InterruptLatencyTest {

    static final long SLEEP_MICROS = 1_000;
    static final int SLEEPS = 5;

    static final class Outcome {
        final List<Long> slept = new ArrayList<>();
        volatile boolean done;
        String failure;
    }

    /** Sleeps {@link #SLEEPS} times {@link #SLEEP_MICROS} µs through the timer driver, timing each by SystemClock. */
    static Program sleeper(Outcome o) {
        return l4 -> {
            long timer = RootTask.lookup(l4, "timer");
            for (int i = 0; i < SLEEPS; i++) {
                long t0 = l4.systemClock();
                if (!TimerDriver.sleep(l4, timer, SLEEP_MICROS)) {
                    o.failure = "sleep " + i + " failed";
                    break;
                }
                o.slept.add(l4.systemClock() - t0);
            }
            o.done = true;
        };
    }

    /** Spins on memory accesses (each a preemption point) until the sleeper is done. */
    static Program spinner(Outcome o) {
        return l4 -> {
            Memory m = l4.memory();
            for (long i = 0; !o.done; i++) {
                m.store64(0x0200_0000L + (i & 0xFF) * 8, i);
            }
        };
    }

    static Outcome run(boolean busy) {
        Outcome o = new Outcome();
        Image.Builder b = Image.builder(Sigma0::new, RootTask::new)
                .module("timer", TimerDriver::new, 230, List.of("irq=1"))
                .module("sleeper", () -> sleeper(o), 150, List.of());
        if (busy) {
            b.module("spinner", () -> spinner(o), 50, List.of());
        }
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Kernel kernel = new Kernel(new Machine(new Machine.Config(64L << 20, 256, null, null)),
                KernelConfig.defaults().withKernelMemory(4L << 20), b.build(),
                new PrintStream(console, true, StandardCharsets.UTF_8));
        kernel.run();
        assertNull(o.failure, () -> o.failure + "\n" + console);
        assertEquals(SLEEPS, o.slept.size(), console::toString);
        return o;
    }

    @Test
    void sleepEndsAtItsDeadlineWhenIdle() {
        for (long us : run(false).slept) {
            assertTrue(us >= SLEEP_MICROS && us <= SLEEP_MICROS + 10, "slept " + us + " µs for " + SLEEP_MICROS);
        }
    }

    @Test
    void sleepUnderLoadIsLateByAtMostOneTimeSlice() {
        // A regression bound that holds today (see the disabled test below for what should hold).
        long slice = KernelConfig.defaults().timesliceMicros();
        for (long us : run(true).slept) {
            assertTrue(us >= SLEEP_MICROS && us <= slice + 10, "slept " + us + " µs for " + SLEEP_MICROS);
        }
    }

    @Test
    void sleepEndsAtItsDeadlineWhileALowerPriorityThreadRuns() {
        for (long us : run(true).slept) {
            assertTrue(us >= SLEEP_MICROS && us <= SLEEP_MICROS + 10, "slept " + us + " µs for " + SLEEP_MICROS);
        }
    }
}
