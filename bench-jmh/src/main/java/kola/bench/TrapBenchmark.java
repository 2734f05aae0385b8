package kola.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH: the trap path alone, a null system call (SystemClock; see {@link TrapPath}). Each
 * invocation advances a running system by {@value #BATCH} calls, one kernel entry each.
 */
@State(Scope.Thread)
public class TrapBenchmark extends KolaBenchmark {
    static final int BATCH = 1000;
    private TrapPath.Session session;
    private long invocations;

    @Setup(Level.Trial)
    public void setUp() {
        session = new TrapPath.Session();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        JmhChecks.near("null system calls", session.completed(), invocations * BATCH, 2);
    }

    /** SystemClock: kernel entry, dispatch, return. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void nullSystemCall() {
        session.calls(BATCH);
        invocations++;
    }
}
