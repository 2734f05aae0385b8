package kola.machine;

import java.lang.reflect.Method;

/**
 * Measures host heap allocated by the current thread, to check that hot paths allocate nothing.
 * Reached by reflection because the tests are compiled into module kola.machine, which does not
 * read java.management.
 */
final class Allocations {

    /** Measurement noise allowed (boxing of the counter, reflection); any per-call allocation in a loop is far above it. */
    static final long NOISE_BYTES = 1024;

    private Allocations() {
    }

    /** Returns the bytes {@code body} allocated, after running it once to warm up. */
    static long of(Runnable body) {
        try {
            Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            body.run();
            allocated.invoke(threads);
            long before = (Long) allocated.invoke(threads);
            body.run();
            return (Long) allocated.invoke(threads) - before;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot measure allocation", e);
        }
    }
}
