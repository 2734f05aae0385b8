package kola.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.Memory;
import kola.kernel.Image;
import kola.system.Sigma0;

/**
 * The memory accessor (DESIGN.md, "Memory"): an 8-byte load by a user program through
 * {@link Memory#load64}, which translates through the TLB and, on a miss, walks the space's Sv39
 * page table, against the same load from a plain {@link MemorySegment}.
 *
 * <ul>
 * <li>{@link Mode#TLB_HIT}: the loads walk the 512 words of one page, whose translation stays in
 * the TLB.</li>
 * <li>{@link Mode#TLB_MISS}: the loads visit {@value #MISS_PAGES} pages in turn, four times the
 * TLB's 256 entries: with its 4-way sets and round-robin replacement every load misses and walks
 * the three levels of the page table.</li>
 * <li>{@link #segmentLoads}: the loads of the TLB-hit pattern from a 4 KiB native segment.</li>
 * </ul>
 *
 * <p>Three ways to run the worker: {@link #measure} boots a system for each measurement; a
 * {@link Warm} worker keeps one system for all its measurements, each a round of timed loads
 * with a system call between rounds; a {@link Session} (JMH) makes a system call after every
 * batch. A fresh system's first load misses the TLB at the call site measured, and the JIT, which
 * profiles that site, then keeps the slow path's call in the loop; a warm worker's loop that only
 * hits has never missed there (BENCHMARKS.md).
 *
 * <p>The worker's pages come from sigma0 (its pager) by faulting them in, and hold known values
 * (word k of the hit page holds k + 1; word 0 of miss page p holds p + 1); the loads of each
 * call of {@link #loads} are summed and compared with the expected sum, so the loads cannot be
 * optimized away and a wrong translation is caught. The harness also checks the MMU's walk
 * counter: no walk per load in the hit mode, one per load in the miss mode.
 */
final class MemoryBench {
    /** Where the worker's pages lie: virtual = physical (sigma0 maps 1:1), above kernel memory. */
    static final long BASE = 0x0100_0000L;
    /** Pages of the TLB-miss pattern: 4 × the TLB's entries. */
    static final int MISS_PAGES = 1024;
    private static final int WORDS_PER_PAGE = 512;
    /**
     * Loads per batch, a multiple of both patterns' periods: the worker traps once per batch (a
     * SystemClock), which the JMH session counts.
     */
    static final int BATCH = 10 * MISS_PAGES;
    /** Batches before the timed ones. */
    static final long WARMUP_BATCHES = 200;

    private MemoryBench() {
    }

    /** The access pattern. */
    enum Mode {
        TLB_HIT,
        TLB_MISS
    }

    /** How the worker goes on after its warm-up. */
    private enum Pace {
        /** A number of timed batches, then the worker ends ({@link #measure}). */
        ONCE,
        /** Batches for ever, a SystemClock after each ({@link Session}). */
        PER_BATCH,
        /** Timed rounds of {@link State#requested} batches, a SystemClock between them ({@link Warm}). */
        ON_REQUEST
    }

    static final class State extends BenchSystem.Probe {
        long loads;
        long elapsed;
        /** Called by the worker right before its timed loads. */
        Runnable onTimed;
        /** Batches of the next round ({@link Pace#ON_REQUEST}): set by the host, taken by the worker. */
        long requested;
        /** Rounds completed ({@link Pace#ON_REQUEST}). */
        long rounds;
    }

    /** The address of load {@code i} in {@code mode}. */
    static long address(Mode mode, long i) {
        return mode == Mode.TLB_HIT ? BASE + ((i & (WORDS_PER_PAGE - 1)) << 3) : BASE + ((i & (MISS_PAGES - 1)) << 12);
    }

    /** The value load {@code i} reads. */
    static long expected(Mode mode, long i) {
        return mode == Mode.TLB_HIT ? (i & (WORDS_PER_PAGE - 1)) + 1 : (i & (MISS_PAGES - 1)) + 1;
    }

    private static long expectedSum(Mode mode, long first, long count) {
        long sum = 0;
        for (long i = first; i < first + count; i++) {
            sum += expected(mode, i);
        }
        return sum;
    }

    /** A measurement: the host ns of the timed loads, and the page-table walks they made. */
    record Result(long nanos, long loads, long walks) {
    }

    /** Boots a fresh system, warms up, then times {@code n} loads (a multiple of {@link #BATCH} is best). */
    static Result measure(Mode mode, long n) {
        State s = new State();
        long batches = Math.max(1, (n + BATCH - 1) / BATCH);
        BenchSystem sys = boot(mode, s, Pace.ONCE, batches);
        long[] walks = new long[2];
        s.onTimed = () -> walks[0] = sys.machine.mmu().walks();
        sys.runToEnd();
        walks[1] = sys.machine.mmu().walks();
        long loads = batches * BATCH;
        if (s.loads != loads) {
            throw sys.failure(s.loads + " of " + loads + " loads completed");
        }
        Result r = new Result(s.elapsed * n / loads, n, (walks[1] - walks[0]) * n / loads);
        checkWalks(sys, mode, loads, walks[1] - walks[0]);
        return r;
    }

    /** Throws unless the walks match the mode: none per load on a hit, one per load on a miss. */
    static void checkWalks(BenchSystem sys, Mode mode, long loads, long walks) {
        if (mode == Mode.TLB_HIT && walks > 16) {
            throw sys.failure(walks + " page-table walks in " + loads + " loads that should hit the TLB");
        }
        if (mode == Mode.TLB_MISS && walks < loads) {
            throw sys.failure("only " + walks + " page-table walks in " + loads + " loads that should miss the TLB");
        }
    }

    /**
     * A worker on one system for all its measurements: booted, its pages filled and warmed up at
     * the first, it then times each round of loads asked for ({@link #nanos}) and waits in a
     * SystemClock between rounds (the accessor's read translation outlives that kernel entry: the
     * TLB still holds the page).
     */
    static final class Warm {
        private final Mode mode;
        private final State state = new State();
        private BenchSystem sys;

        Warm(Mode mode) {
            this.mode = mode;
        }

        /** Times {@code n} more loads (rounded up to batches); returns their host ns. */
        long nanos(long n) {
            return measure(n).nanos();
        }

        /** Times {@code n} more loads (rounded up to batches), checking their sums and walks. */
        Result measure(long n) {
            State s = state;
            if (sys == null) {
                sys = boot(mode, s, Pace.ON_REQUEST, 0);
                sys.runUntil(() -> s.started, 1_000_000);
            }
            long batches = Math.max(1, (n + BATCH - 1) / BATCH);
            long[] walks = new long[2];
            s.onTimed = () -> walks[0] = sys.machine.mmu().walks();
            long round = s.rounds;
            s.loads = 0;
            s.requested = batches;
            sys.runUntil(() -> s.rounds != round, 2);
            walks[1] = sys.machine.mmu().walks();
            long loads = batches * BATCH;
            if (s.loads != loads) {
                throw sys.failure(s.loads + " of " + loads + " loads completed");
            }
            checkWalks(sys, mode, loads, walks[1] - walks[0]);
            return new Result(s.elapsed * n / loads, n, (walks[1] - walks[0]) * n / loads);
        }

        /** Kernel entries made so far: one per round after the boot, warm-up and first wait. */
        long traps() {
            return sys == null ? 0 : sys.traps();
        }
    }

    /** A worker loading forever, one SystemClock per {@link #BATCH} loads; for JMH. */
    static final class Session {
        private final Mode mode;
        private final State state = new State();
        private final BenchSystem sys;
        private long walksAtStart;

        Session(Mode mode) {
            this.mode = mode;
            this.sys = boot(mode, state, Pace.PER_BATCH, 0);
            sys.runUntil(() -> state.started, 1_000_000);
            walksAtStart = sys.machine.mmu().walks();
            state.loads = 0;
        }

        /** {@code n} more batches of {@link #BATCH} loads. */
        void batches(long n) {
            sys.step(n);
        }

        long completed() {
            return state.loads;
        }

        /** Throws unless the walks so far match the mode. */
        void checkWalks() {
            MemoryBench.checkWalks(sys, mode, state.loads, sys.machine.mmu().walks() - walksAtStart);
        }
    }

    private static BenchSystem boot(Mode mode, State s, Pace pace, long batches) {
        Image image = Image.builder(Sigma0::new, () -> l4 -> {
            Kip kip = l4.kernelInterface();
            String failure = BenchSystem.startTask(l4, BenchSystem.threadId(kip, 0), "mem-worker", kip.sigma0(),
                    BenchSystem.PRIORITY);
            if (failure != null) {
                s.fail("root task: " + failure);
            }
        }).module("mem-worker", () -> l4 -> worker(l4, mode, s, pace, batches)).build();
        return new BenchSystem("memory accessor (" + mode + ")", 64L << 20, 4L << 20, image, s);
    }

    /** The worker: fills its pages, warms up, then loads at {@code pace} ({@code batches}: for {@link Pace#ONCE}). */
    private static void worker(L4 l4, Mode mode, State s, Pace pace, long batches) {
        Memory m = l4.memory();
        if (mode == Mode.TLB_HIT) {
            for (int k = 0; k < WORDS_PER_PAGE; k++) {
                m.store64(BASE + 8L * k, k + 1);
            }
        } else {
            for (int p = 0; p < MISS_PAGES; p++) {
                m.store64(BASE + ((long) p << 12), p + 1);
            }
        }
        long expected = expectedSum(mode, 0, BATCH); // every batch starts its pattern afresh
        if (!batches(m, mode, s, expected, WARMUP_BATCHES)) {
            return;
        }
        s.loads = 0;
        s.started = true;
        l4.systemClock();
        switch (pace) {
            case ONCE -> timed(m, mode, s, expected, batches);
            case PER_BATCH -> {
                while (batches(m, mode, s, expected, 1)) {
                    l4.systemClock();
                }
            }
            case ON_REQUEST -> {
                while (true) {
                    long k = s.requested;
                    if (k == 0) {
                        l4.systemClock(); // the host takes its turn: it asks for the next round
                        continue;
                    }
                    s.requested = 0;
                    if (!timed(m, mode, s, expected, k)) {
                        return;
                    }
                    s.rounds++;
                }
            }
        }
    }

    /** {@code batches} batches, timed: the host ns go to {@link State#elapsed}; false if they summed wrong. */
    private static boolean timed(Memory m, Mode mode, State s, long expected, long batches) {
        if (s.onTimed != null) {
            s.onTimed.run();
        }
        long start = System.nanoTime();
        if (!batches(m, mode, s, expected, batches)) {
            return false;
        }
        s.elapsed = System.nanoTime() - start;
        return true;
    }

    /** {@code n} batches; false if their loads summed wrong ({@code expected} is one batch's sum). */
    private static boolean batches(Memory m, Mode mode, State s, long expected, long n) {
        long sum = loads(m, mode, n);
        if (sum != expected * n) {
            s.fail(mode + ": " + n + " batches of loads summed to " + sum + ", expected " + expected * n);
            return false;
        }
        s.loads += n * BATCH;
        return true;
    }

    /**
     * The loads of {@code n} batches, summed: all of a round's loads in one call, and nothing else
     * in the method. The JIT compiles the loop where it is hottest, and a method that called it
     * once per batch would be compiled with the loop inlined and the caller's own values live
     * around it; C2 then ran short of registers and kept the sum in a vector register, two moves
     * more on every load's chain (1.1-1.9 ns per load instead of 0.55, in more than a third of the
     * processes when two ran at once; BENCHMARKS.md). Called once per round, this method stays the
     * outermost compiled one; the JMH {@link Session}, which calls it once per batch, leaves that
     * to the JIT.
     */
    private static long loads(Memory m, Mode mode, long n) {
        long sum = 0;
        if (mode == Mode.TLB_HIT) {
            for (long b = 0; b < n; b++) {
                for (int i = 0; i < BATCH; i++) {
                    sum += m.load64(BASE + ((i & (WORDS_PER_PAGE - 1)) << 3));
                }
            }
        } else {
            for (long b = 0; b < n; b++) {
                for (int i = 0; i < BATCH; i++) {
                    sum += m.load64(BASE + ((long) (i & (MISS_PAGES - 1)) << 12));
                }
            }
        }
        return sum;
    }

    // ---- the baseline: a plain MemorySegment ---------------------------------------------------

    /** A 4 KiB native segment holding the TLB-hit page's values (word k = k + 1). */
    static MemorySegment segment() {
        MemorySegment seg = Arena.ofAuto().allocate(4096, 4096);
        for (int k = 0; k < WORDS_PER_PAGE; k++) {
            seg.set(ValueLayout.JAVA_LONG, 8L * k, k + 1);
        }
        return seg;
    }

    /**
     * {@code batches} batches of the TLB-hit pattern's loads from {@code seg}, summed: like
     * {@link #loads}, all of a round's loads in one call.
     */
    static long segmentSum(MemorySegment seg, long batches) {
        long sum = 0;
        for (long b = 0; b < batches; b++) {
            for (int i = 0; i < BATCH; i++) {
                sum += seg.get(ValueLayout.JAVA_LONG, (long) (i & (WORDS_PER_PAGE - 1)) << 3);
            }
        }
        return sum;
    }

    /** The sum of one batch of {@link #segmentSum}. */
    static final long SEGMENT_BATCH_SUM = expectedSum(Mode.TLB_HIT, 0, BATCH);

    /** {@code n} loads (rounded up to batches) from a fresh segment, checked; returns their host ns. */
    static long segmentLoads(long n) {
        MemorySegment seg = segment();
        long batches = Math.max(1, (n + BATCH - 1) / BATCH);
        if (segmentSum(seg, WARMUP_BATCHES) != WARMUP_BATCHES * SEGMENT_BATCH_SUM) {
            throw new IllegalStateException("MemorySegment loads summed wrong");
        }
        long start = System.nanoTime();
        long sum = segmentSum(seg, batches);
        long elapsed = System.nanoTime() - start;
        if (sum != batches * SEGMENT_BATCH_SUM) {
            throw new IllegalStateException("MemorySegment loads summed wrong");
        }
        return elapsed * n / (batches * BATCH);
    }
}
