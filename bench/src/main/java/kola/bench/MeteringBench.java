package kola.bench;

import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.bench.loop.Spin;
import kola.kernel.ClasspathClasses;
import kola.kernel.Image;
import kola.kernel.KernelConfig;
import kola.machine.Machine;
import kola.system.Sigma0;

/**
 * {@code kola bench metering}: the cost of the meter on computation. The same CPU-bound task class
 * ({@link Spin}) runs as a sandboxed module (class files verified, metered, defined by the kernel
 * per space) and as an ordinary program from a factory (not metered), each in a system of its
 * own kept alive across rounds (its classes are defined and compiled once, as a long-running task's
 * are). A driver thread (not metered) asks the task for n iterations by IPC and times the Call with
 * the host clock; the loop runs with the default time slice, so the metered task is preempted
 * at each slice end like any other (the unmetered one cannot be: it makes no memory access).
 * Every reply is checked against {@link Spin#spin} computed on the host.
 */
final class MeteringBench {
    /** The row timing the metered task, and its baseline. */
    static final String METERED = "metered-loop";
    static final String UNMETERED = "unmetered-loop";
    /** Metered time over unmetered time, at most. */
    static final double TARGET = 1.3;
    private static final int MAX_N = 1 << 30;

    private static Session metered;
    private static Session unmetered;

    private MeteringBench() {
    }

    /** Host ns for {@code n} iterations of the loop in the sandboxed (metered) task. */
    static long meteredLoop(long n) {
        if (metered == null) {
            metered = new Session(true);
        }
        return metered.iterations(n);
    }

    /** Host ns for {@code n} iterations of the same loop in an ordinary (unmetered) task. */
    static long unmeteredLoop(long n) {
        if (unmetered == null) {
            unmetered = new Session(false);
        }
        return unmetered.iterations(n);
    }

    /** What driver and host share: the next request, and the last answer. */
    private static final class State extends BenchSystem.Probe {
        int n;
        boolean done;
        long sum;
        long elapsed;
    }

    /** A system with the loop task and a driver, advanced one request at a time. */
    static final class Session {
        private final State state = new State();
        private final BenchSystem sys;

        Session(boolean sandboxed) {
            Image.Builder image = Image.builder(Sigma0::new, () -> l4 -> {
                Kip kip = l4.kernelInterface();
                String failure = BenchSystem.startTask(l4, BenchSystem.threadId(kip, 0), "spin", kip.sigma0(),
                        BenchSystem.PRIORITY);
                if (failure == null) {
                    failure = BenchSystem.startTask(l4, BenchSystem.threadId(kip, 1), "driver", kip.sigma0(),
                            BenchSystem.PRIORITY);
                }
                if (failure != null) {
                    state.fail("root task: " + failure);
                }
            });
            if (sandboxed) {
                image.module("spin", new ClasspathClasses(Spin.class), BenchSystem.PRIORITY, java.util.List.of());
            } else {
                image.module("spin", Spin::new);
            }
            image.module("driver", () -> l4 -> driver(l4, state));
            sys = new BenchSystem((sandboxed ? "metered" : "unmetered") + " loop",
                    new Machine.Config(64L << 20, 256, null, java.io.OutputStream.nullOutputStream()),
                    KernelConfig.defaults().withKernelMemory(4L << 20), image.build(), state);
            sys.runUntil(() -> state.started, 10_000);
        }

        /** Runs one request of {@code n} iterations; returns the host ns the driver measured. */
        long iterations(long n) {
            if (n < 0 || n > MAX_N) {
                throw new IllegalArgumentException("iterations must lie in 0.." + MAX_N + ", not " + n);
            }
            state.n = (int) n;
            state.done = false;
            sys.runUntil(() -> state.done, Long.MAX_VALUE / 2);
            long expected = Spin.spin((int) n);
            if (state.sum != expected) {
                throw sys.failure("the loop of " + n + " iterations gave " + state.sum + ", not " + expected);
            }
            return state.elapsed;
        }
    }

    /**
     * The driver: at each request of the host (a kernel entry, SystemClock, separates them) it
     * calls the loop task with n and times the call.
     */
    private static void driver(L4 l4, State s) {
        long spin = BenchSystem.threadId(l4.kernelInterface(), 0);
        s.started = true;
        while (true) {
            l4.systemClock(); // the host sets the next request while the kernel has control
            int n = s.n;
            long t0 = System.nanoTime();
            l4.setMr(0, MsgTag.make(0, 1, 0));
            l4.setMr(1, n);
            long tag = l4.call(spin);
            long t1 = System.nanoTime();
            if (MsgTag.failed(tag) || MsgTag.untyped(tag) != 1) {
                s.fail("driver: the loop task answered " + MsgTag.toString(tag));
                return;
            }
            s.sum = l4.mr(1);
            s.elapsed = t1 - t0;
            s.done = true;
        }
    }
}
