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
 * JMH: thread create + delete, and address-space create + delete ({@link LifecycleBench}), by the
 * root task. Each invocation advances a running system by {@value #BATCH} operations.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED", "-XX:+UseParallelGC", "-Xss2m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LifecycleBenchmark {
    static final int BATCH = 1000;
    private LifecycleBench.Session threads;
    private LifecycleBench.Session spaces;
    private long threadInvocations;
    private long spaceInvocations;

    @Setup(Level.Trial)
    public void setUp() {
        threads = new LifecycleBench.Session(LifecycleBench.Kind.THREAD);
        spaces = new LifecycleBench.Session(LifecycleBench.Kind.SPACE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        JmhChecks.near("thread create + delete", threads.completed(), threadInvocations * BATCH, 2);
        JmhChecks.near("space create + delete", spaces.completed(), spaceInvocations * BATCH, 2);
    }

    /** ThreadControl create (in the caller's space, with a UTCB) + ThreadControl delete. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void threadCreateDelete() {
        threads.ops(BATCH);
        threadInvocations++;
    }

    /** ThreadControl create in a new space + SpaceControl + ThreadControl delete (the space goes too). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void spaceCreateDelete() {
        spaces.ops(BATCH);
        spaceInvocations++;
    }
}
