package kola.bench;

import kola.abi.Fpage;
import kola.abi.KernelError;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.ThreadId;
import kola.kernel.Image;
import kola.system.Sigma0;

/**
 * Thread and address-space lifecycle (L4 X.2 "ThreadControl", "SpaceControl"), as the root task
 * (privileged) does it in a loop:
 *
 * <ul>
 * <li>{@link Kind#THREAD}: ThreadControl creates a thread in the root task's own space with a
 * UTCB (created and activated in one call), then ThreadControl deletes it. Two kernel entries.</li>
 * <li>{@link Kind#SPACE}: ThreadControl creates a thread in a new address space, SpaceControl
 * sets its KIP and UTCB areas (which maps the KIP: page-table nodes are made), then ThreadControl
 * deletes the thread, and with its last thread the space goes (mappings, TLB entries, page
 * table). Three kernel entries.</li>
 * </ul>
 *
 * Every system call's result is checked; the thread made and deleted is always the same thread
 * number, version 1, so the kernel's tables stay the same size.
 */
final class LifecycleBench {
    /** Operations before the timed ones. */
    static final long WARMUP = 5_000;
    /**
     * Host time a JMH session spends warming up before its first invocation. Without it, early
     * JMH iterations were now and then 10x slower than the later ones (the root task's loop runs
     * in one continuation for the whole trial, so it is compiled on stack, late).
     */
    static final long SESSION_WARMUP_NANOS = 2_000_000_000L;

    private LifecycleBench() {
    }

    /** What is created and deleted. */
    enum Kind {
        THREAD(2),
        SPACE(3);

        /** Kernel entries per create + delete. */
        final int traps;

        Kind(int traps) {
            this.traps = traps;
        }
    }

    static final class State extends BenchSystem.Probe {
        long ops;
        long elapsed;
    }

    /** Boots a fresh system, warms up, then times {@code n} create + delete; returns their host ns. */
    static long measure(Kind kind, long n) {
        State s = new State();
        BenchSystem sys = boot(kind, s, WARMUP, n);
        sys.runToEnd();
        if (s.ops != n) {
            throw sys.failure(s.ops + " of " + n + " create + delete operations completed");
        }
        return s.elapsed;
    }

    /** A root task creating and deleting forever; for JMH. */
    static final class Session {
        private final Kind kind;
        private final State state = new State();
        private final BenchSystem sys;

        /** A session warmed up for {@link #SESSION_WARMUP_NANOS}, for JMH. */
        Session(Kind kind) {
            this(kind, SESSION_WARMUP_NANOS);
        }

        /** A session that warms up for {@code warmupNanos} of host time after its warm-up operations. */
        Session(Kind kind, long warmupNanos) {
            this.kind = kind;
            this.sys = boot(kind, state, WARMUP, -1);
            sys.runUntil(() -> state.started, 10L * kind.traps * WARMUP);
            for (long end = System.nanoTime() + warmupNanos; System.nanoTime() < end; ) {
                ops(10_000);
            }
        }

        void ops(long n) {
            sys.step(kind.traps * n);
        }

        long completed() {
            return state.ops;
        }

        /** Live threads and spaces now. */
        int[] threadsAndSpaces() {
            return new int[] {sys.kernel.threads().size(), sys.kernel.spaces().size()};
        }
    }

    private static BenchSystem boot(Kind kind, State s, long warmup, long n) {
        Image image = Image.builder(Sigma0::new, () -> l4 -> root(l4, kind, s, warmup, n)).build();
        return new BenchSystem(kind + " create + delete", 64L << 20, 4L << 20, image, s);
    }

    private static void root(L4 l4, Kind kind, State s, long warmup, long n) {
        if (!ops(l4, kind, s, warmup)) {
            return;
        }
        s.ops = 0;
        s.started = true;
        if (n < 0) {
            while (ops(l4, kind, s, 1)) {
                // counted in ops
            }
            return;
        }
        long start = System.nanoTime();
        boolean ok = ops(l4, kind, s, n);
        long elapsed = System.nanoTime() - start;
        if (ok) {
            s.elapsed = elapsed;
        }
    }

    private static boolean ops(L4 l4, Kind kind, State s, long count) {
        Kip kip = l4.kernelInterface();
        long me = l4.myGlobalId();
        long id = BenchSystem.threadId(kip, 0);
        long utcb = Fpage.base(Kip.STANDARD_UTCB_AREA) + BenchSystem.UTCB_SIZE;
        for (long i = 0; i < count; i++) {
            if (kind == Kind.THREAD) {
                if (l4.threadControl(id, me, me, kip.sigma0(), utcb) == 0) {
                    return failed(l4, s, "ThreadControl(create)");
                }
            } else {
                if (l4.threadControl(id, id, me, kip.sigma0(), -1) == 0) {
                    return failed(l4, s, "ThreadControl(create space)");
                }
                if (l4.spaceControl(id, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, ThreadId.NIL) == 0) {
                    return failed(l4, s, "SpaceControl");
                }
            }
            if (l4.threadControl(id, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1) == 0) {
                return failed(l4, s, "ThreadControl(delete)");
            }
            s.ops++;
        }
        return true;
    }

    private static boolean failed(L4 l4, State s, String call) {
        s.fail(call + ": " + KernelError.describe(l4.errorCode()));
        return false;
    }
}
