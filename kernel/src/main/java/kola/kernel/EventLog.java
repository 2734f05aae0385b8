package kola.kernel;

import kola.machine.CycleClock;

/**
 * The kernel event stream ({@link KernelEvents}): every event updates a running 64-bit hash and a
 * count, so that two runs of the same image with the same inputs can be compared (DESIGN.md,
 * "Execution model"), and goes to a listener when one is attached (tracing). With no listener the
 * cost is a few multiplies and one null check: an event's words are multiplied each by a constant
 * of its own, independently of one another and of the hash so far, and only their sum (by xor)
 * goes through the one multiply that depends on the previous event. (Hashed word by word, FNV-1a,
 * the five dependent multiplies per event cost about 2 % of an IPC round trip.)
 */
final class EventLog {
    private static final long PRIME = 0x100000001B3L;
    private static final long K_TIME = 0x9E3779B97F4A7C15L;
    private static final long K_A = 0xC2B2AE3D27D4EB4FL;
    private static final long K_B = 0x165667B19E3779F9L;
    private static final long K_C = 0xD6E8FEB86659FD93L;
    private final CycleClock clock;
    private long hash = 0xCBF29CE484222325L;
    private long count;
    KernelEvents.Listener listener;

    EventLog(CycleClock clock) {
        this.clock = clock;
    }

    void record(int type, long a, long b, long c) {
        long time = clock.now();
        long event = type ^ time * K_TIME ^ a * K_A ^ b * K_B ^ c * K_C; // (independent multiplies, in parallel)
        hash = (hash ^ event) * PRIME;
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
