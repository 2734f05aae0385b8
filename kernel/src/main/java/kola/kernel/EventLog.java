package kola.kernel;

import kola.machine.CycleClock;

/**
 * The kernel event stream ({@link KernelEvents}): every event updates a running 64-bit hash and a
 * count, so that two runs of the same image with the same inputs can be compared (DESIGN.md,
 * "Execution model"), and goes to a listener when one is attached (tracing). With no listener the
 * cost is a few multiplies and one null check.
 */
final class EventLog {
    private static final long PRIME = 0x100000001B3L;
    private final CycleClock clock;
    private long hash = 0xCBF29CE484222325L;
    private long count;
    KernelEvents.Listener listener;

    EventLog(CycleClock clock) {
        this.clock = clock;
    }

    void record(int type, long a, long b, long c) {
        long time = clock.now();
        long h = hash;
        h = (h ^ type) * PRIME;
        h = (h ^ time) * PRIME;
        h = (h ^ a) * PRIME;
        h = (h ^ b) * PRIME;
        h = (h ^ c) * PRIME;
        hash = h;
        count++;
        KernelEvents.Listener l = listener;
        if (l != null) {
            l.event(type, time, a, b, c);
        }
    }

    long hash() {
        return hash;
    }

    long count() {
        return count;
    }
}
