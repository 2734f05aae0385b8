package kola.bench;

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
 * JMH: the page-fault round trip ({@link PageFaultBench}): fault, page-fault IPC to the pager, the
 * pager's Unmap and map reply, the retried load. Each invocation advances a running system by
 * {@value #BATCH} faults, three kernel entries each.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xss2m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PageFaultBenchmark {
    static final int BATCH = 1000;
    private PageFaultBench.Session session;
    private long invocations;
    private long faultsAtStart;

    @Setup(Level.Trial)
    public void setUp() {
        session = new PageFaultBench.Session();
        faultsAtStart = session.faultsServed();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        JmhChecks.near("faulting loads", session.completed(), invocations * BATCH, 2);
        JmhChecks.near("faults served", session.faultsServed() - faultsAtStart, invocations * BATCH, 2);
    }

    /** One faulting load, served by a user-level pager. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void pageFaultRoundTrip() {
        session.faults(BATCH);
        invocations++;
    }
}
