package kola.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH: the page-fault round trip ({@link PageFaultBench}): fault, page-fault IPC to the pager, the
 * pager's Unmap and map reply, the retried load. Each invocation advances a running system by
 * {@value #BATCH} faults, three kernel entries each.
 */
@State(Scope.Thread)
public class PageFaultBenchmark extends KolaBenchmark {
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
