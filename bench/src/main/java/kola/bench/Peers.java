package kola.bench;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.locks.LockSupport;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The peers Kola's IPC is measured against, each a ping-pong of {@code n} round trips between two
 * parties, returning host nanoseconds: a bare continuation ping-pong with no kernel (the floor of
 * Kola's design: the two continuation switches every round trip needs), two virtual threads and
 * two platform threads handing a token over {@link SynchronousQueue}s, and two platform threads
 * with {@link LockSupport} park/unpark.
 */
public final class Peers {
    private static final ContinuationScope SCOPE = new ContinuationScope("peer");

    private Peers() {
    }

    /** Two continuations resumed alternately by a loop, each yielding once per turn. */
    public static long continuationPingPong(long n) {
        long[] token = new long[1];
        Continuation a = new Continuation(SCOPE, () -> {
            while (true) {
                token[0]++;
                Continuation.yield(SCOPE);
            }
        });
        Continuation b = new Continuation(SCOPE, () -> {
            while (true) {
                token[0]++;
                Continuation.yield(SCOPE);
            }
        });
        long start = System.nanoTime();
        for (long i = 0; i < n; i++) {
            a.run();
            b.run();
        }
        long elapsed = System.nanoTime() - start;
        if (token[0] != 2 * n) {
            throw new AssertionError("continuation ping-pong lost turns");
        }
        return elapsed;
    }

    /** Two virtual threads over two synchronous queues. */
    public static long virtualThreads(long n) throws InterruptedException {
        return queuePingPong(n, Thread.ofVirtual());
    }

    /** Two platform threads over two synchronous queues. */
    public static long platformThreads(long n) throws InterruptedException {
        return queuePingPong(n, Thread.ofPlatform());
    }

    private static long queuePingPong(long n, Thread.Builder builder) throws InterruptedException {
        SynchronousQueue<Long> ping = new SynchronousQueue<>();
        SynchronousQueue<Long> pong = new SynchronousQueue<>();
        Thread server = builder.start(() -> {
            try {
                for (long i = 0; i < n; i++) {
                    pong.put(ping.take() + 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long[] elapsed = new long[1];
        Thread client = builder.start(() -> {
            try {
                long start = System.nanoTime();
                long v = 0;
                for (long i = 0; i < n; i++) {
                    ping.put(v);
                    v = pong.take();
                }
                elapsed[0] = System.nanoTime() - start;
                if (v != n) {
                    throw new AssertionError("queue ping-pong lost messages");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        client.join();
        server.join();
        return elapsed[0];
    }

    /** Two platform threads handing a volatile token back and forth with park/unpark. */
    public static long parkUnpark(long n) throws InterruptedException {
        ParkPair pair = new ParkPair();
        Thread server = Thread.ofPlatform().start(() -> {
            for (long i = 0; i < n; i++) {
                while (pair.turn != 1) {
                    LockSupport.park(pair);
                }
                pair.turn = 0;
                LockSupport.unpark(pair.client);
            }
        });
        pair.server = server;
        long[] elapsed = new long[1];
        Thread client = Thread.ofPlatform().unstarted(() -> {
            long start = System.nanoTime();
            for (long i = 0; i < n; i++) {
                pair.turn = 1;
                LockSupport.unpark(pair.server);
                while (pair.turn != 0) {
                    LockSupport.park(pair);
                }
            }
            elapsed[0] = System.nanoTime() - start;
        });
        pair.client = client;
        client.start();
        client.join();
        server.join();
        return elapsed[0];
    }

    private static final class ParkPair {
        volatile int turn;
        volatile Thread server;
        volatile Thread client;
    }
}
