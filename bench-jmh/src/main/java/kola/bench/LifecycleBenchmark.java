package kola.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH: thread create + delete, and address-space create + delete ({@link LifecycleBench}), by the
 * root task. Each invocation advances a running system by {@value #BATCH} operations.
 */
public class LifecycleBenchmark extends KolaBenchmark {
    static final int BATCH = 1000;

    /** A root task creating and deleting one kind of object. */
    public abstract static class Root {
        LifecycleBench.Session session;
        long invocations;
        private long opsAtStart;

        abstract LifecycleBench.Kind kind();

        @Setup(Level.Trial)
        public void setUp() {
            session = new LifecycleBench.Session(kind());
            opsAtStart = session.completed();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            JmhChecks.near(kind() + " create + delete", session.completed() - opsAtStart, invocations * BATCH, 2);
        }
    }

    /** Threads. */
    @State(Scope.Thread)
    public static class Threads extends Root {
        @Override
        LifecycleBench.Kind kind() {
            return LifecycleBench.Kind.THREAD;
        }
    }

    /** Spaces. */
    @State(Scope.Thread)
    public static class Spaces extends Root {
        @Override
        LifecycleBench.Kind kind() {
            return LifecycleBench.Kind.SPACE;
        }
    }

    /** ThreadControl create (in the caller's space, with a UTCB) + ThreadControl delete. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void threadCreateDelete(Threads r) {
        r.session.ops(BATCH);
        r.invocations++;
    }

    /** ThreadControl create in a new space + SpaceControl + ThreadControl delete (the space goes too). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void spaceCreateDelete(Spaces r) {
        r.session.ops(BATCH);
        r.invocations++;
    }
}
