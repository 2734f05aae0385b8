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
 * JMH: the trap path alone, a null system call (SystemClock; see {@link TrapPath}). Each
 * invocation advances a running system by {@value #BATCH} calls, one kernel entry each.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xss2m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TrapBenchmark {
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
