package kola.bench;

import kola.abi.L4;
import kola.abi.Program;
import kola.kernel.Image;
import kola.system.Sigma0;

/**
 * The trap path alone: a null system call. The root task calls SystemClock (L4 X.2) in a loop:
 * one kernel entry that reads the cycle clock and returns, so each call is the continuation yield
 * to the kernel loop, the trap dispatch ({@code Kernel.handleTrap}, {@code SystemCalls.perform}
 * with its reschedule check) and the continuation resume, and nothing else. SystemClock was
 * chosen over ThreadSwitch to self because ThreadSwitch also requeues the caller in the ready
 * queues, which is scheduler work, not trap work.
 *
 * <p>Every result is checked: simulated time never goes backwards and advances by at least the
 * trap's charge every {@value #CHECK_EVERY} calls.
 */
final class TrapPath {
    /** Calls before the timed ones. */
    static final long WARMUP = 10_000;
    private static final int CHECK_EVERY = 1_000;

    private TrapPath() {
    }

    static final class State extends BenchSystem.Probe {
        long calls;
        long elapsed;
    }

    /** Boots a fresh system, makes warm-up calls, then {@code n} timed SystemClock calls; returns their host ns. */
    static long measure(long n) {
        State s = new State();
        BenchSystem sys = boot(s, WARMUP, n);
        sys.runToEnd();
        if (s.calls != n) {
            throw sys.failure(s.calls + " of " + n + " system calls completed");
        }
        return s.elapsed;
    }

    /** A system whose root task calls SystemClock forever; for JMH. One kernel entry per call. */
    static final class Session {
        private final State state = new State();
        private final BenchSystem sys = boot(state, WARMUP, -1);

        Session() {
            sys.runUntil(() -> state.started, 10 * WARMUP);
        }

        /** Makes {@code n} more system calls. */
        void calls(long n) {
            sys.step(n);
        }

        long completed() {
            return state.calls;
        }
    }

    private static BenchSystem boot(State s, long warmup, long n) {
        Program root = l4 -> loop(l4, s, warmup, n);
        return new BenchSystem("null system call", 64L << 20, 4L << 20, Image.builder(Sigma0::new, () -> root).build(), s);
    }

    private static void loop(L4 l4, State s, long warmup, long n) {
        if (!calls(l4, s, warmup)) {
            return;
        }
        s.calls = 0;
        s.started = true;
        if (n < 0) {
            while (calls(l4, s, CHECK_EVERY)) {
                // counted in calls
            }
            return;
        }
        long start = System.nanoTime();
        boolean ok = calls(l4, s, n);
        long elapsed = System.nanoTime() - start;
        if (ok) {
            s.elapsed = elapsed;
        }
    }

    /** {@code n} SystemClock calls; false (failure recorded) if time ran backwards or stood still. */
    private static boolean calls(L4 l4, State s, long n) {
        long first = l4.systemClock();
        s.calls++;
        long last = first;
        for (long i = 1; i < n; i++) {
            long now = l4.systemClock();
            s.calls++;
            if (now < last) {
                s.fail("SystemClock went backwards: " + now + " after " + last);
                return false;
            }
            last = now;
        }
        // Each call charges a trap (100 cycles = 0.1 µs): n calls must move the clock.
        if (n >= CHECK_EVERY && last == first) {
            s.fail("SystemClock did not advance over " + n + " calls");
            return false;
        }
        return true;
    }
}
