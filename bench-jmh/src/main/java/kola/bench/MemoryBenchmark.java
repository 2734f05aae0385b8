package kola.bench;

import java.lang.foreign.MemorySegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH: an 8-byte load through the memory accessor on a TLB hit and on a TLB miss with a page-table
 * walk, and the same load pattern from a plain {@link MemorySegment} ({@link MemoryBench}). Each
 * invocation is one batch of {@value MemoryBench#BATCH} loads; scores are ns per load.
 */
public class MemoryBenchmark extends KolaBenchmark {
    /**
     * A worker loading in one pattern. Each benchmark has its own state, so its forked JVM runs
     * only its own pattern: the TLB-hit figure is the accessor's best case, compiled without
     * page-table walks on the hot path (with walks hot too it is about 3x slower: see
     * BENCHMARKS.md, {@code kola-load-tlb-hit-after-misses}).
     */
    public abstract static class Worker {
        MemoryBench.Session session;
        long batches;

        abstract MemoryBench.Mode mode();

        @Setup(Level.Trial)
        public void setUp() {
            session = new MemoryBench.Session(mode());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            JmhChecks.near(mode() + " loads", session.completed(), batches * MemoryBench.BATCH, 0);
            session.checkWalks();
        }
    }

    /** Loads that hit the TLB. */
    @State(Scope.Thread)
    public static class Hit extends Worker {
        @Override
        MemoryBench.Mode mode() {
            return MemoryBench.Mode.TLB_HIT;
        }
    }

    /** Loads that miss the TLB. */
    @State(Scope.Thread)
    public static class Miss extends Worker {
        @Override
        MemoryBench.Mode mode() {
            return MemoryBench.Mode.TLB_MISS;
        }
    }

    /** The native segment. */
    @State(Scope.Thread)
    public static class Segment {
        MemorySegment segment;

        @Setup(Level.Trial)
        public void setUp() {
            segment = MemoryBench.segment();
        }
    }

    /** Memory.load64 through the accessor, TLB hit. */
    @Benchmark
    @OperationsPerInvocation(MemoryBench.BATCH)
    public void accessorLoadTlbHit(Hit w) {
        w.session.batches(1);
        w.batches++;
    }

    /** Memory.load64 through the accessor, TLB miss: a 3-level Sv39 walk and a TLB fill per load. */
    @Benchmark
    @OperationsPerInvocation(MemoryBench.BATCH)
    public void accessorLoadTlbMiss(Miss w) {
        w.session.batches(1);
        w.batches++;
    }

    /** MemorySegment.get(JAVA_LONG) of the TLB-hit pattern: the floor. */
    @Benchmark
    @OperationsPerInvocation(MemoryBench.BATCH)
    public long memorySegmentLoad(Segment s) {
        long sum = MemoryBench.segmentSum(s.segment, 1);
        if (sum != MemoryBench.SEGMENT_BATCH_SUM) {
            throw new IllegalStateException("MemorySegment loads summed to " + sum);
        }
        return sum;
    }
}
