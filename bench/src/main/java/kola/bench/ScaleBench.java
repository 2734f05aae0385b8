package kola.bench;

import java.lang.ref.Reference;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.machine.Machine;
import kola.system.Sigma0;

/**
 * Kola at scale: many threads.
 *
 * <p><b>Blocked threads</b> ({@link #blocked}): the root task creates {@code n} threads in spaces
 * of {@value BenchSystem#THREADS_PER_STANDARD_SPACE} threads each (the standard UTCB area of 1 MiB
 * holds 1024 UTCBs of 1 KiB): the first thread of each space as a task (ThreadControl, SpaceControl,
 * ThreadControl, Schedule, ExchangeRegisters), the others by ThreadControl (create and activate in
 * the space) and ExchangeRegisters (start). Every thread runs to an open receive with no timeout
 * and blocks there. Measured: host time per thread from boot until all are blocked, and host heap
 * per thread (used heap after {@link System#gc()}, with the system alive, minus the used heap
 * before boot). The kernel gets a central pool of {@code n} TCBs plus page tables, on a machine
 * with four times that RAM (backed lazily, so it costs only what is written).
 *
 * <p><b>Active clients</b> ({@link Clients}): a server and {@code n} client threads, each
 * calling the server in a loop with one word (its own id) and checking the answer (label + 1, the
 * word + 1). The clients have a higher priority than the server (110 and 100), so a client that
 * has its answer runs at once, calls again, finds the server busy and queues on its send queue:
 * with n ≥ 2 every client waits in the server's send queue in turn and the server takes them in
 * FIFO order, so all {@code n} clients are active and their round trips interleave. With one
 * client it is the plain ping-pong. Two kernel entries per round trip (the client's Call, the
 * server's ReplyWait); the host times {@link Kernel#run(long)} of {@code 2k} entries and checks
 * that {@code k} round trips completed.
 */
final class ScaleBench {
    static final int SERVER_PRIORITY = 100;
    static final int CLIENT_PRIORITY = 110;
    private static final long LABEL_MASK = 0xFFFF_FFFFL;

    private ScaleBench() {
    }

    // ---- blocked threads ----------------------------------------------------------------------

    static final class BlockedState extends BenchSystem.Probe {
        long created;
        long blocked;
        long woke;
    }

    /**
     * A measurement of {@code threads} blocked threads: host ns from boot until all are blocked,
     * used heap before and after (bytes, after GC), and the kernel's count of live threads.
     */
    record Blocked(long threads, long nanos, long heapBefore, long heapAfter, int liveThreads) {
        double nanosPerThread() {
            return (double) nanos / threads;
        }

        double heapBytesPerThread() {
            return (double) (heapAfter - heapBefore) / threads;
        }
    }

    /** Creates {@code n} threads blocked in receive in a fresh system and measures it (see the class comment). */
    static Blocked blocked(int n) {
        return blocked(n, null);
    }

    /**
     * Like {@link #blocked(int)}; {@code whileAlive}, if not null, runs after the measurement with
     * the system still alive (for a heap histogram).
     */
    static Blocked blocked(int n, Runnable whileAlive) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be positive: " + n);
        }
        BlockedState s = new BlockedState();
        long heapBefore = usedHeapAfterGc();
        long start = System.nanoTime();
        BenchSystem sys = bootBlocked(s, n);
        sys.runToEnd();
        long nanos = System.nanoTime() - start;
        if (s.created != n || s.blocked != n || s.woke != 0) {
            throw sys.failure("created " + s.created + ", blocked " + s.blocked + ", woke " + s.woke + " of " + n);
        }
        long heapAfter = usedHeapAfterGc();
        int live = liveThreads(sys.kernel);
        if (live != n + 2 + Machine.LINES) {
            throw sys.failure(live + " live threads, expected " + n + " blocked threads, sigma0, the root task and "
                    + Machine.LINES + " interrupt pseudo-threads");
        }
        if (whileAlive != null) {
            whileAlive.run();
        }
        Reference.reachabilityFence(sys);
        return new Blocked(n, nanos, heapBefore, heapAfter, live);
    }

    private static int liveThreads(Kernel kernel) {
        // run() reports the live thread count as of its return; run(0) returns at once with it.
        return kernel.run(0).threads();
    }

    /** Used heap after two full collections. */
    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Kernel memory for {@code n} threads in spaces of 1024: TCBs, space descriptors and page tables, plus slack. */
    static long kernelMemoryFor(long threads) {
        long spaces = threads / BenchSystem.THREADS_PER_STANDARD_SPACE + 2;
        long bytes = threads * 1024 + spaces * (256 + 4 * 4096) + (16L << 20);
        return (bytes + 4095) & -4096L;
    }

    private static BenchSystem bootBlocked(BlockedState s, int n) {
        long kmem = kernelMemoryFor(n);
        long ram = Math.max(256L << 20, 4 * kmem);
        Image image = Image.builder(Sigma0::new, () -> l4 -> createBlocked(l4, s, n))
                .module("sleeper", () -> l4 -> {
                    s.blocked++;
                    l4.waitAny();
                    s.woke++;
                    s.fail("a blocked thread " + ThreadId.toString(l4.myGlobalId()) + " woke up: error code "
                            + l4.errorCode());
                })
                .build();
        KernelConfig config = KernelConfig.defaults().withKernelMemory(kmem)
                .withThreadNumberLimit(Math.max(KernelConfig.defaults().threadNumberLimit(), n + 1024L))
                .withTimeslice(BenchSystem.LONG_SLICE_MICROS);
        return new BenchSystem(n + " blocked threads",
                new Machine.Config(ram, 256, null, java.io.OutputStream.nullOutputStream()), config, image, s);
    }

    /** The root task of the blocked-threads system: n sleepers, 1024 per space. */
    private static void createBlocked(L4 l4, BlockedState s, int n) {
        Kip kip = l4.kernelInterface();
        long next = 0;
        while (s.created < n) {
            long first = BenchSystem.threadId(kip, next++);
            String failure = BenchSystem.startTask(l4, first, "sleeper", kip.sigma0(), BenchSystem.PRIORITY);
            if (failure != null) {
                s.fail("root task, thread " + s.created + ": " + failure);
                return;
            }
            s.created++;
            for (int slot = 1; slot < BenchSystem.THREADS_PER_STANDARD_SPACE && s.created < n; slot++) {
                failure = BenchSystem.startThread(l4, BenchSystem.threadId(kip, next++), first, slot, kip.sigma0(),
                        "sleeper", 0, BenchSystem.PRIORITY);
                if (failure != null) {
                    s.fail("root task, thread " + s.created + ": " + failure);
                    return;
                }
                s.created++;
            }
        }
    }

    // ---- active clients -----------------------------------------------------------------------

    static final class ClientState extends BenchSystem.Probe {
        int clientsStarted;
        long calls;
    }

    /** A server and {@code n} clients calling it; {@link #roundTrips} advances them. */
    static final class Clients {
        final int clients;
        private final ClientState state = new ClientState();
        private final BenchSystem sys;

        Clients(int clients) {
            if (clients < 1) {
                throw new IllegalArgumentException("client count must be positive: " + clients);
            }
            this.clients = clients;
            long kmem = kernelMemoryFor(clients + 1);
            Image image = Image.builder(Sigma0::new, () -> l4 -> createClients(l4, state, clients))
                    .module("scale-server", () -> l4 -> server(l4, state))
                    .module("scale-client", () -> l4 -> client(l4, state))
                    .build();
            sys = new BenchSystem(clients + " active clients", Math.max(256L << 20, 4 * kmem), kmem, image, state);
            sys.runUntil(() -> state.clientsStarted == clients, 100L * clients + 100_000);
            // Every client has made its first call; warm up so that each has made a few.
            roundTrips(Math.max(20_000, 4L * clients));
        }

        /** Runs {@code n} more round trips (two kernel entries each) and checks they completed. */
        void roundTrips(long n) {
            long before = state.calls;
            sys.step(2 * n);
            long done = state.calls - before;
            if (Math.abs(done - n) > 2) {
                throw sys.failure(done + " round trips completed in " + 2 * n + " kernel entries, expected " + n);
            }
        }

        /** Host ns of {@code n} round trips. */
        long timedRoundTrips(long n) {
            long start = System.nanoTime();
            roundTrips(n);
            return System.nanoTime() - start;
        }

        long completed() {
            return state.calls;
        }
    }

    /**
     * Gets the server's and the clients' programs compiled before the measured client systems
     * start their threads, by running a throw-away system of {@code n} clients. Each client and
     * the server runs its loop in one frame that never returns, and a live frame keeps the code
     * it runs (an interpreted one moves to compiled code only by OSR, one frame at a time when
     * the method's shared loop counter overflows in it; a compiled one stays in its code after a
     * later compilation replaces it): a client whose thread starts while its program is
     * interpreted or compiled with profiling keeps running that code, in practice, for as long as
     * it lives (BENCHMARKS.md, "Issue 17: the 10,000-client round trip"). Without this warm-up the first system with many clients would have most of its
     * clients in such frames (their method reaches the optimizing compiler only after some
     * thousand clients have started), while the one-client system's single frame moves to
     * optimized code within its warm-up: the rows would compare the JIT's tiers of the
     * benchmark's own client loop, not the kernel's IPC. A throw-away system of as many clients
     * as the measured one is not enough: the optimizing compiler takes the client loop only when
     * some thousands of clients have started, and compiles it in the background meanwhile, so that
     * about half of the measured system's 10,000 clients still started in the profiled code (their
     * stack chunks held 72 words against the optimized frames' 24). Twice as many leaves none.
     */
    static void warmPrograms(int n) {
        new Clients(2 * n).roundTrips(8L * n);
    }

    // ---- bare continuations -------------------------------------------------------------------

    private static final jdk.internal.vm.ContinuationScope ROBIN_SCOPE = new jdk.internal.vm.ContinuationScope("robin");

    /**
     * The state of its own each client of a bare round robin has, and which of its cache lines
     * (64 bytes) a turn touches: one block of {@link #blockLines} lines per client (a {@code long[]}
     * whose 16-byte header and words fill exactly that), of which each turn reads and writes one
     * word in each line of {@link #touched}. The blocks are allocated one after the other in the
     * order the clients are resumed, or in a seeded random order.
     *
     * <p>Kola's own per-client objects lie in the order the server takes the clients, one run of
     * them per client (BENCHMARKS.md, section W1–W9, measured from their addresses): the TCB (lines
     * 0-9), the continuation, the user-side object, the stack chunk and the message registers,
     * 1,256 bytes in all (in some processes the chunks lie in a run of their own, as the collector
     * left them). A round trip touches the TCB's head (lines 0-3), the continuation and the
     * user-side object's head (9-11), the stack chunk (13-17, which the bare continuations here
     * have of their own) and the first message registers (17-18). {@link #KOLA} lays out 20-line
     * blocks that way, without the chunk's lines, {@link #DENSE} packs the same nine lines with
     * nothing between them, {@link #SCATTERED} scatters 20 lines of each client over the heap.
     */
    enum StateLayout {
        /** No state: what the JDK's continuations alone cost. */
        NONE("", "", 0, new int[0], true),
        /** 20 lines, all touched, the clients' blocks in a random order: no two neighbours. */
        SCATTERED("-20-lines", " each touching 20 lines of its own state, the clients' blocks scattered", 20,
                lines(0, 20), false),
        /** Kola's layout: in order, 20 lines per client, lines 0-3, 9-11 and 17-18 touched. */
        KOLA("-kola-layout", " each touching 9 of 20 lines of its own state as Kola's round trip does, the blocks in order",
                20, new int[] {0, 1, 2, 3, 9, 10, 11, 17, 18}, true),
        /** The same nine lines per client, in order, with no untouched line between them. */
        DENSE("-9-lines-in-order", " each touching 9 lines of its own state, the blocks in order with no lines between",
                9, lines(0, 9), true);

        /** The JVM's header of a {@code long[]} (mark word, class pointer, length), in bytes. */
        private static final int ARRAY_HEADER = 16;

        /** The rows' name suffix. */
        final String suffix;
        /** What the rows' description says of the clients' state. */
        final String description;
        final int blockLines;
        private final int[] touched;
        final boolean inOrder;

        StateLayout(String suffix, String description, int blockLines, int[] touched, boolean inOrder) {
            this.suffix = suffix;
            this.description = description;
            this.blockLines = blockLines;
            this.touched = touched;
            this.inOrder = inOrder;
        }

        private static int[] lines(int from, int to) {
            return java.util.stream.IntStream.range(from, to).toArray();
        }

        /** Lines of each client's block a turn touches. */
        int touchedLines() {
            return touched.length;
        }

        /** A client's block: exactly {@link #blockLines} lines with its header. */
        long[] newBlock() {
            return new long[blockLines == 0 ? 0 : (blockLines * 64 - ARRAY_HEADER) / Long.BYTES];
        }

        /** The word of a block in each touched line (line 0's first word follows the header). */
        int[] touchedWords() {
            int[] words = new int[touched.length];
            for (int i = 0; i < words.length; i++) {
                words[i] = Math.max(0, (touched[i] * 64 - ARRAY_HEADER) / Long.BYTES);
            }
            return words;
        }
    }

    /**
     * The shape of the clients' round trips without a kernel: {@code n} client continuations and
     * one server continuation, resumed client, server, next client, ... by a loop (with one client,
     * the two bare continuations of {@code continuation-floor}). Every resume thaws a continuation
     * that last ran {@code n} round trips ago (its {@code Continuation} and stack chunk), which is
     * what the JDK's continuations cost at that scale before any kernel state. The continuations
     * are made in the order they are resumed, and so are their stack chunks on their first turns:
     * the host's prefetchers stream them in.
     *
     * <p>With a {@link StateLayout} other than {@link StateLayout#NONE} each client also has state
     * of its own and touches some of its lines on each turn: the cost of a client's cold state on
     * the host, without the kernel.
     */
    static final class RoundRobin {
        private final jdk.internal.vm.Continuation[] clients;
        private final jdk.internal.vm.Continuation server;
        private final long[] turns = new long[1];
        private final long[][] states;
        private int next;

        RoundRobin(int n) {
            this(n, StateLayout.NONE);
        }

        RoundRobin(int n, StateLayout layout) {
            if (n < 1) {
                throw new IllegalArgumentException("client count must be positive: " + n);
            }
            states = new long[n][];
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            if (!layout.inOrder) {
                java.util.SplittableRandom random = new java.util.SplittableRandom(n);
                for (int i = n - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int o = order[i];
                    order[i] = order[j];
                    order[j] = o;
                }
            }
            for (int i : order) {
                states[i] = layout.newBlock();
            }
            int[] words = layout.touchedWords();
            clients = new jdk.internal.vm.Continuation[n];
            for (int i = 0; i < n; i++) {
                long[] state = states[i];
                clients[i] = new jdk.internal.vm.Continuation(ROBIN_SCOPE, () -> turns(turns, state, words));
            }
            server = new jdk.internal.vm.Continuation(ROBIN_SCOPE, () -> turns(turns, new long[0], new int[0]));
            roundTrips(Math.max(20_000, 4L * n));
        }

        /** A continuation's body: touches its state's {@code words}, counts a turn and yields, for ever. */
        private static void turns(long[] turns, long[] state, int[] words) {
            while (true) {
                for (int w : words) {
                    state[w]++;
                }
                turns[0]++;
                jdk.internal.vm.Continuation.yield(ROBIN_SCOPE);
            }
        }

        /** Runs {@code n} round trips (a client's turn, then the server's) and checks that every turn was taken. */
        void roundTrips(long n) {
            long before = turns[0];
            int i = next;
            for (long k = 0; k < n; k++) {
                clients[i].run();
                server.run();
                if (++i == clients.length) {
                    i = 0;
                }
            }
            next = i;
            if (turns[0] - before != 2 * n) {
                throw new IllegalStateException((turns[0] - before) + " turns in " + n + " round trips, expected " + 2 * n);
            }
        }

        /** Host ns of {@code n} round trips. */
        long timedRoundTrips(long n) {
            long start = System.nanoTime();
            roundTrips(n);
            return System.nanoTime() - start;
        }

        /** The turns all continuations have taken so far. */
        long turns() {
            return turns[0];
        }

        /** The lines of their state the clients have touched so far (the sum of every word of it). */
        long touched() {
            long sum = 0;
            for (long[] state : states) {
                for (long w : state) {
                    sum += w;
                }
            }
            return sum;
        }
    }

    private static void createClients(L4 l4, ClientState s, int n) {
        Kip kip = l4.kernelInterface();
        String failure = BenchSystem.startTask(l4, BenchSystem.threadId(kip, 0), "scale-server", kip.sigma0(),
                SERVER_PRIORITY);
        long next = 1;
        int created = 0;
        while (failure == null && created < n) {
            long first = BenchSystem.threadId(kip, next++);
            failure = BenchSystem.startTask(l4, first, "scale-client", kip.sigma0(), CLIENT_PRIORITY);
            created++;
            for (int slot = 1; failure == null && slot < BenchSystem.THREADS_PER_STANDARD_SPACE && created < n; slot++) {
                failure = BenchSystem.startThread(l4, BenchSystem.threadId(kip, next++), first, slot, kip.sigma0(),
                        "scale-client", 0, CLIENT_PRIORITY);
                created++;
            }
        }
        if (failure != null) {
            s.fail("root task: " + failure);
        }
    }

    /** The server: answers label l with l + 1 and word w with w + 1. */
    private static void server(L4 l4, ClientState s) {
        long client = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag) || MsgTag.untyped(tag) != 1 || MsgTag.typed(tag) != 0) {
                s.fail("server: bad request " + MsgTag.toString(tag) + " from " + ThreadId.toString(client));
                return;
            }
            l4.setMr(1, l4.mr(1) + 1);
            l4.setMr(0, MsgTag.make(MsgTag.label(tag) + 1, 1, 0));
            client = l4.replyWait(client);
        }
    }

    /** A client: calls the server forever with its own id, checking every answer. */
    private static void client(L4 l4, ClientState s) {
        long server = BenchSystem.threadId(l4.kernelInterface(), 0);
        long me = l4.myGlobalId();
        s.clientsStarted++;
        for (long i = 0; ; i++) {
            long label = i & LABEL_MASK;
            l4.setMr(1, me);
            l4.setMr(0, MsgTag.make(label, 1, 0));
            long tag = l4.call(server);
            if (tag != MsgTag.make(label + 1, 1, 0) || l4.mr(1) != me + 1) {
                s.fail("client " + ThreadId.toString(me) + ": call " + i + " got " + MsgTag.toString(tag) + ", word "
                        + l4.mr(1) + (MsgTag.failed(tag) ? " (error code " + l4.errorCode() + ")" : ""));
                return;
            }
            s.calls++;
        }
    }
}
