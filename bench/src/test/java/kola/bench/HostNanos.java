package kola.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.LongSupplier;

/**
 * The check for a harness result that is host time. Host nanoseconds vary from run to run, so no
 * value can be expected; what the harness promises is that the figure is the time of a window
 * inside the call (the timed operations, after boot and warm-up): more than nothing, and no more
 * than the whole call took. That catches a figure in the wrong unit, an absolute
 * {@link System#nanoTime()} or one summed over more than the call.
 */
final class HostNanos {
    private HostNanos() {
    }

    /** Runs {@code measure}; asserts that the host ns it returns lie in (0, the call's own duration]; returns them. */
    static long assertWithinTheCall(String what, LongSupplier measure) {
        long start = System.nanoTime();
        long nanos = measure.getAsLong();
        long call = System.nanoTime() - start;
        assertTrue(nanos > 0 && nanos <= call, what + ": " + nanos + " ns timed in a call of " + call + " ns");
        return nanos;
    }
}
