package kola.bench;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: an 8-byte load through the memory accessor on a TLB hit and on a TLB miss with a page-table
 * walk, and the same load pattern from a plain {@link MemorySegment} ({@link MemoryBench}). Each
 * invocation is one batch of {@value MemoryBench#BATCH} loads; scores are ns per load.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xss2m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MemoryBenchmark {
    private MemoryBench.Session hit;
    private MemoryBench.Session miss;
    private MemorySegment segment;
    private long hitBatches;
    private long missBatches;

    @Setup(Level.Trial)
    public void setUp() {
        hit = new MemoryBench.Session(MemoryBench.Mode.TLB_HIT);
        miss = new MemoryBench.Session(MemoryBench.Mode.TLB_MISS);
        segment = MemoryBench.segment();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        JmhChecks.near("TLB-hit loads", hit.completed(), hitBatches * MemoryBench.BATCH, 0);
        JmhChecks.near("TLB-miss loads", miss.completed(), missBatches * MemoryBench.BATCH, 0);
        hit.checkWalks();
        miss.checkWalks();
    }

    /** Memory.load64 through the accessor, TLB hit. */
    @Benchmark
    @OperationsPerInvocation(MemoryBench.BATCH)
    public void accessorLoadTlbHit() {
        hit.batches(1);
        hitBatches++;
    }

    /** Memory.load64 through the accessor, TLB miss: a 3-level Sv39 walk and a TLB fill per load. */
    @Benchmark
    @OperationsPerInvocation(MemoryBench.BATCH)
    public void accessorLoadTlbMiss() {
        miss.batches(1);
        missBatches++;
    }

    /** MemorySegment.get(JAVA_LONG) of the TLB-hit pattern: the floor. */
    @Benchmark
    @OperationsPerInvocation(MemoryBench.BATCH)
    public long memorySegmentLoad() {
        long sum = MemoryBench.segmentBatch(segment);
        if (sum != MemoryBench.SEGMENT_BATCH_SUM) {
            throw new IllegalStateException("MemorySegment loads summed to " + sum);
        }
        return sum;
    }
}
