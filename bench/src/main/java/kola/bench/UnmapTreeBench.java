package kola.bench;

import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.kernel.Image;
import kola.system.Sigma0;

/**
 * Unmap of a large mapping tree (paper section 2: unmap is recursive; DESIGN.md: the long kernel
 * operations are bounded). The mapper holds one page from sigma0 and maps it, by map items of up
 * to {@value #ITEMS_PER_IPC} per IPC, to {@code size} distinct addresses spread over
 * {@value #SINKS} receiver spaces: a fan-out of {@code size} mapping-database nodes under the
 * mapper's node. Then one Unmap of that page (no flush) removes them all; the mapper reads
 * {@link System#nanoTime()} around that one system call. The figure is host ns per mapping removed.
 *
 * <p>The host drives the rounds ({@link Tree#round()}): the mapper builds a tree when asked, the
 * host counts the kernel's mapping nodes, the mapper unmaps when asked, and the host checks that
 * exactly {@code size} nodes went. Page-table nodes made by the first build stay (unmap clears
 * leaf entries only), so every later round finds them in place.
 */
final class UnmapTreeBench {
    /** Receiver spaces the tree fans out to. */
    static final int SINKS = 4;
    /** Map items per IPC: 31 items of two words fill the 63 message registers. */
    static final int ITEMS_PER_IPC = 31;
    static final long POOL = 0x4000_0000L;
    /** Each receiver's receive window: 1 GiB, room for 262,144 pages. */
    static final long WINDOW = 0x4000_0000L;
    static final int WINDOW_LOG2 = 30;
    private static final long PAGE = 4096;

    private UnmapTreeBench() {
    }

    static final class State extends BenchSystem.Probe {
        long requested;
        boolean built;
        long unmapRequested;
        long rounds;
        long lastNanos;
        long buildCalls;
    }

    /** A system that builds and unmaps trees of {@code size} mappings on request. */
    static final class Tree {
        final int size;
        private final State state = new State();
        private final BenchSystem sys;
        private long nodesBuilt;

        Tree(int size) {
            if (size < 1 || size > SINKS * (1 << (WINDOW_LOG2 - 12))) {
                throw new IllegalArgumentException("tree size " + size + " out of range");
            }
            this.size = size;
            long kmem = Math.max(8L << 20, (((long) size * 64 * 2) + (4L << 20)) & -4096L);
            long ram = Math.max(64L << 20, 4 * kmem);
            this.sys = boot(state, size, ram, kmem);
            sys.runUntil(() -> state.started, 100_000);
        }

        /** One round: {@link #build()}, then {@link #unmap()}; returns the host ns of the Unmap call. */
        long round() {
            build();
            return unmap();
        }

        /** Has the mapper build a tree of {@code size} mappings (untimed). */
        void build() {
            state.built = false;
            state.requested++;
            sys.runUntil(() -> state.built, 100L * size + 100_000);
            nodesBuilt = sys.kernel.physicalMemory()[2];
        }

        /**
         * Has the mapper unmap the tree {@link #build()} made; returns the host ns of its Unmap call.
         *
         * @throws IllegalStateException unless exactly {@code size} mapping nodes went
         */
        long unmap() {
            if (!state.built) {
                throw new IllegalStateException("no tree built");
            }
            state.built = false;
            state.unmapRequested++;
            long target = state.requested;
            sys.runUntil(() -> state.rounds == target, 100_000);
            long after = sys.kernel.physicalMemory()[2];
            if (nodesBuilt - after != size) {
                throw sys.failure("the unmap removed " + (nodesBuilt - after) + " mapping nodes, not " + size);
            }
            return state.lastNanos;
        }

        /** Mapping nodes in the whole system now. */
        long mappingNodes() {
            return sys.kernel.physicalMemory()[2];
        }
    }

    private static BenchSystem boot(State s, int size, long ram, long kmem) {
        Image image = Image.builder(Sigma0::new, () -> l4 -> {
            Kip kip = l4.kernelInterface();
            String failure = null;
            for (int i = 0; i < SINKS && failure == null; i++) {
                failure = BenchSystem.startTask(l4, BenchSystem.threadId(kip, i), "tree-sink", kip.sigma0(),
                        BenchSystem.PRIORITY);
            }
            if (failure == null) {
                failure = BenchSystem.startTask(l4, BenchSystem.threadId(kip, SINKS), "tree-mapper", kip.sigma0(),
                        BenchSystem.PRIORITY);
            }
            if (failure != null) {
                s.fail("root task: " + failure);
            }
        }).module("tree-sink", () -> l4 -> sink(l4, s))
                .module("tree-mapper", () -> l4 -> mapper(l4, s, size))
                .build();
        return new BenchSystem("unmap of a " + size + "-mapping tree", ram, kmem, image, s);
    }

    /** A receiver: accepts mappings anywhere in its 1 GiB window and answers every message. */
    private static void sink(L4 l4, State s) {
        l4.setBr(0, Items.acceptor(Fpage.of(WINDOW, WINDOW_LOG2, 0), false));
        long mapper = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag)) {
                s.fail("sink: a mapping message failed (error code " + l4.errorCode() + ")");
                return;
            }
            l4.setMr(0, MsgTag.make(MsgTag.label(tag) + 1, 0, 0));
            mapper = l4.replyWait(mapper);
        }
    }

    /** The mapper: on request, maps its page {@code size} times; on request, unmaps it, timed. */
    private static void mapper(L4 l4, State s, int size) {
        if (!Sigma0.requestPage(l4, Sigma0.anyPage(12), Fpage.of(POOL, 12, 0))) {
            s.fail("mapper: sigma0 refused a page");
            return;
        }
        Kip kip = l4.kernelInterface();
        long page = Fpage.of(POOL, 12, Fpage.R);
        long all = Fpage.of(POOL, 12, Fpage.RWX);
        s.started = true;
        for (long round = 0; ; round++) {
            while (s.requested <= round) {
                l4.systemClock(); // wait for the host, one kernel entry per look
            }
            // Mapping j goes to sink j % SINKS, at window offset (j / SINKS) pages.
            for (int sink = 0; sink < SINKS; sink++) {
                long to = BenchSystem.threadId(kip, sink);
                int j = sink;
                while (j < size) {
                    int items = 0;
                    for (; items < ITEMS_PER_IPC && j < size; items++, j += SINKS) {
                        Items.putMap(l4, 1 + 2 * items, page, (long) (j / SINKS) * PAGE);
                    }
                    l4.setMr(0, MsgTag.make(s.buildCalls, 0, 2 * items));
                    long tag = l4.call(to);
                    if (tag != MsgTag.make(s.buildCalls + 1, 0, 0)) {
                        s.fail("mapper: mapping call to " + ThreadId.toString(to) + " got " + MsgTag.toString(tag));
                        return;
                    }
                    s.buildCalls++;
                }
            }
            s.built = true;
            while (s.unmapRequested <= round) {
                l4.systemClock();
            }
            l4.setMr(0, all);
            long start = System.nanoTime();
            l4.unmap(0);
            long elapsed = System.nanoTime() - start;
            s.lastNanos = elapsed;
            s.rounds = round + 1;
        }
    }
}
