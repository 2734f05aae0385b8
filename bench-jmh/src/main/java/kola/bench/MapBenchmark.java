package kola.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH: map + unmap of one page between two spaces ({@link MapBench}; ns per operation), and unmap
 * of a tree of 1,000, 10,000 and 100,000 mappings ({@link UnmapTreeBench}; ns per mapping: each
 * invocation is one Unmap system call, the tree built before it, untimed, by a per-invocation
 * set-up).
 */
public class MapBenchmark extends KolaBenchmark {
    static final int BATCH = 1000;

    /** A mapper and a receiver. */
    @State(Scope.Thread)
    public static class Pair {
        MapBench.Session session;
        long invocations;

        @Setup(Level.Trial)
        public void setUp() {
            session = new MapBench.Session();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            JmhChecks.near("map + unmap operations", session.completed(), invocations * BATCH, 2);
        }
    }

    /** A tree of 1,000 mappings, rebuilt before every invocation. */
    @State(Scope.Thread)
    public static class Tree1k {
        UnmapTreeBench.Tree tree;

        @Setup(Level.Trial)
        public void setUp() {
            tree = new UnmapTreeBench.Tree(1_000);
        }

        @Setup(Level.Invocation)
        public void build() {
            tree.build();
        }
    }

    /** A tree of 10,000 mappings, rebuilt before every invocation. */
    @State(Scope.Thread)
    public static class Tree10k {
        UnmapTreeBench.Tree tree;

        @Setup(Level.Trial)
        public void setUp() {
            tree = new UnmapTreeBench.Tree(10_000);
        }

        @Setup(Level.Invocation)
        public void build() {
            tree.build();
        }
    }

    /** A tree of 100,000 mappings, rebuilt before every invocation. */
    @State(Scope.Thread)
    public static class Tree100k {
        UnmapTreeBench.Tree tree;

        @Setup(Level.Trial)
        public void setUp() {
            tree = new UnmapTreeBench.Tree(100_000);
        }

        @Setup(Level.Invocation)
        public void build() {
            tree.build();
        }
    }

    /** Call with a map item of one page, the receiver's ReplyWait, the mapper's Unmap. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void mapUnmapPage(Pair p) {
        p.session.ops(BATCH);
        p.invocations++;
    }

    /** Unmap of a page mapped to 1,000 addresses in 4 spaces; per mapping. */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public long unmapTree1k(Tree1k t) {
        return t.tree.unmap();
    }

    /** Unmap of a page mapped to 10,000 addresses in 4 spaces; per mapping. */
    @Benchmark
    @OperationsPerInvocation(10_000)
    public long unmapTree10k(Tree10k t) {
        return t.tree.unmap();
    }

    /** Unmap of a page mapped to 100,000 addresses in 4 spaces; per mapping. */
    @Benchmark
    @OperationsPerInvocation(100_000)
    public long unmapTree100k(Tree100k t) {
        return t.tree.unmap();
    }
}
