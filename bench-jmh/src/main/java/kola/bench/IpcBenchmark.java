package kola.bench;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH microbenchmarks of the Kola IPC round trip (Call from the client, ReplyWait in the server;
 * 0, 8 and 63 untyped words each way; client and server in two address spaces or two threads of
 * one space) and of its floor, two bare continuations resumed in turn. Each invocation does {@value #BATCH} round trips; JMH reports nanoseconds per round trip.
 *
 * <p>Run from the shaded jar, on the class path (see BENCHMARKS.md):
 * {@code java -jar bench-jmh/target/benchmarks.jar IpcBenchmark -f 1 -wi 3 -i 5}. The forked JVMs
 * get their flags from {@link KolaBenchmark}.
 */
@State(Scope.Thread)
public class IpcBenchmark extends KolaBenchmark {
    /** Round trips per benchmark invocation. */
    static final int BATCH = 1000;
    private static final ContinuationScope SCOPE = new ContinuationScope("jmh-floor");

    private KolaIpc.Session words0;
    private KolaIpc.Session words8;
    private KolaIpc.Session words63;
    private KolaIpc.Session sameSpace0;
    private KolaIpc.Session sameSpace8;
    private KolaIpc.Session sameSpace63;
    private Continuation a;
    private Continuation b;
    private final long[] token = new long[1];
    private long floorTurns;

    @Setup(Level.Trial)
    public void setUp() {
        words0 = new KolaIpc.Session(KolaIpc.Layout.CROSS_SPACE, 0);
        words8 = new KolaIpc.Session(KolaIpc.Layout.CROSS_SPACE, 8);
        words63 = new KolaIpc.Session(KolaIpc.Layout.CROSS_SPACE, 63);
        sameSpace0 = new KolaIpc.Session(KolaIpc.Layout.SAME_SPACE, 0);
        sameSpace8 = new KolaIpc.Session(KolaIpc.Layout.SAME_SPACE, 8);
        sameSpace63 = new KolaIpc.Session(KolaIpc.Layout.SAME_SPACE, 63);
        a = new Continuation(SCOPE, this::turns);
        b = new Continuation(SCOPE, this::turns);
    }

    private void turns() {
        while (true) {
            token[0]++;
            Continuation.yield(SCOPE);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (token[0] != floorTurns) {
            throw new IllegalStateException("continuation floor lost turns: " + token[0] + " != " + floorTurns);
        }
        // Each session ran only if its benchmark did: JMH runs one benchmark method per trial.
        long calls = words0.completed() + words8.completed() + words63.completed() + sameSpace0.completed()
                + sameSpace8.completed() + sameSpace63.completed();
        if (calls == 0 && floorTurns == 0) {
            throw new IllegalStateException("Kola IPC sessions made no calls");
        }
    }

    /** Kola Call/ReplyWait round trip, 0 untyped words, client and server in two address spaces. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void kolaCall0WordsCrossSpace() {
        words0.roundTrips(BATCH);
    }

    /** Kola Call/ReplyWait round trip, 8 untyped words each way, two address spaces. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void kolaCall8WordsCrossSpace() {
        words8.roundTrips(BATCH);
    }

    /** Kola Call/ReplyWait round trip, 63 untyped words each way (all message registers), two address spaces. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void kolaCall63WordsCrossSpace() {
        words63.roundTrips(BATCH);
    }

    /** Kola Call/ReplyWait round trip, 0 untyped words, client and server two threads of one space. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void kolaCall0WordsSameSpace() {
        sameSpace0.roundTrips(BATCH);
    }

    /** Kola Call/ReplyWait round trip, 8 untyped words each way, one space. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void kolaCall8WordsSameSpace() {
        sameSpace8.roundTrips(BATCH);
    }

    /** Kola Call/ReplyWait round trip, 63 untyped words each way, one space. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void kolaCall63WordsSameSpace() {
        sameSpace63.roundTrips(BATCH);
    }

    /** The floor: two continuations resumed in turn, one yield each, no kernel. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void continuationFloor() {
        for (int i = 0; i < BATCH; i++) {
            a.run();
            b.run();
        }
        floorTurns += 2 * BATCH;
    }
}
