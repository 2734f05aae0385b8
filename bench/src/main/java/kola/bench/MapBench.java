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
 * Map and unmap of one 4 KiB page between two address spaces (paper section 2, figure 1; L4 X.2
 * "Mapping", "Unmap"). The mapper holds a page from sigma0; each operation is a Call to the
 * receiver carrying a map item of that page (it lands in the receiver's one-page receive window,
 * making a mapping-database node and a page-table entry in the receiver's space), the receiver's
 * ReplyWait, and the mapper's Unmap of its page without flush (which removes the receiver's
 * mapping and its TLB entry and leaves the mapper's). Three kernel entries per operation.
 *
 * <p>Checked: every reply tag (a failed map fails the IPC: error flag), and every
 * {@value #VERIFY_EVERY}th operation the receiver loads from its window and must read the value
 * the mapper just stored in its page, so the mapping is real and points at the mapper's frame.
 */
final class MapBench {
    /** Operations before the timed ones. */
    static final long WARMUP = 5_000;
    static final long POOL = 0x4000_0000L;
    static final long WINDOW = 0x2000_0000L;
    /** Kernel entries per map + unmap. */
    static final int TRAPS_PER_OP = 3;
    /** Every this many operations the receiver checks the mapping by loading through it. */
    static final int VERIFY_EVERY = 1024;
    private static final long LABEL_MASK = 0xFFFF_FFFFL;

    private MapBench() {
    }

    static final class State extends BenchSystem.Probe {
        long ops;
        long verified;
        long elapsed;
    }

    /** Boots a fresh system, warms up, then times {@code n} map + unmap operations; returns their host ns. */
    static long measure(long n) {
        State s = new State();
        BenchSystem sys = boot(s, WARMUP, n, VERIFY_EVERY);
        sys.runToEnd();
        if (s.ops != n) {
            throw sys.failure(s.ops + " of " + n + " map + unmap operations completed");
        }
        return s.elapsed;
    }

    /** A mapper mapping and unmapping forever; for JMH ({@value #TRAPS_PER_OP} kernel entries per operation). */
    static final class Session {
        private final State state = new State();
        private final BenchSystem sys;

        Session() {
            this(VERIFY_EVERY);
        }

        /** With the receiver loading through its mapping every {@code verifyEvery} operations (a power of two). */
        Session(int verifyEvery) {
            sys = boot(state, WARMUP, -1, verifyEvery);
            sys.runUntil(() -> state.started, 10 * TRAPS_PER_OP * WARMUP);
        }

        void ops(long n) {
            sys.step(TRAPS_PER_OP * n);
        }

        long completed() {
            return state.ops;
        }

        long verified() {
            return state.verified;
        }

        /** The mappings of the receiver's space now (from the kernel's mapping database). */
        long receiverMappings() {
            return sys.kernel.mappings().stream().filter(m -> m.space().equals("map-receiver")).count();
        }
    }

    private static BenchSystem boot(State s, long warmup, long n, int verifyEvery) {
        Image image = Image.builder(Sigma0::new, () -> l4 -> {
            Kip kip = l4.kernelInterface();
            String failure = BenchSystem.startTask(l4, BenchSystem.threadId(kip, 0), "map-receiver", kip.sigma0(),
                    BenchSystem.PRIORITY);
            if (failure == null) {
                failure = BenchSystem.startTask(l4, BenchSystem.threadId(kip, 1), "map-mapper", kip.sigma0(),
                        BenchSystem.PRIORITY);
            }
            if (failure != null) {
                s.fail("root task: " + failure);
            }
        }).module("map-receiver", () -> l4 -> receiver(l4, s, verifyEvery - 1))
                .module("map-mapper", () -> l4 -> mapper(l4, s, warmup, n, verifyEvery - 1))
                .build();
        return new BenchSystem("map + unmap of a page", 64L << 20, 4L << 20, image, s);
    }

    /** The receiver: accepts one page at WINDOW, answers label l with l + 1, checks the page now and then. */
    private static void receiver(L4 l4, State s, long verifyMask) {
        l4.setBr(0, Items.acceptor(Fpage.of(WINDOW, 12, 0), false));
        long mapper = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            long label = MsgTag.label(tag);
            if (MsgTag.failed(tag) || MsgTag.typed(tag) != 2 || MsgTag.untyped(tag) != 0) {
                s.fail("receiver: expected a map item, got " + MsgTag.toString(tag) + " from " + ThreadId.toString(mapper));
                return;
            }
            if ((label & verifyMask) == 0) {
                long v = l4.memory().load64(WINDOW);
                if (v != label) {
                    s.fail("receiver: the mapped page holds " + v + ", the mapper stored " + label);
                    return;
                }
                s.verified++;
            }
            l4.setMr(0, MsgTag.make(label + 1, 0, 0));
            mapper = l4.replyWait(mapper);
        }
    }

    /** The mapper: per operation, a Call with a map item of its page, then Unmap of the page (no flush). */
    private static void mapper(L4 l4, State s, long warmup, long n, long verifyMask) {
        if (!Sigma0.requestPage(l4, Sigma0.anyPage(12), Fpage.of(POOL, 12, 0))) {
            s.fail("mapper: sigma0 refused a page");
            return;
        }
        long receiver = BenchSystem.threadId(l4.kernelInterface(), 0);
        if (!ops(l4, s, receiver, 0, warmup, verifyMask)) {
            return;
        }
        s.ops = 0;
        s.started = true;
        if (n < 0) {
            for (long i = warmup; ; i++) {
                if (!ops(l4, s, receiver, i, 1, verifyMask)) {
                    return;
                }
            }
        }
        long start = System.nanoTime();
        boolean ok = ops(l4, s, receiver, warmup, n, verifyMask);
        long elapsed = System.nanoTime() - start;
        if (ok) {
            s.elapsed = elapsed;
        }
    }

    private static boolean ops(L4 l4, State s, long receiver, long first, long count, long verifyMask) {
        long page = Fpage.of(POOL, 12, Fpage.R | Fpage.W);
        long all = Fpage.of(POOL, 12, Fpage.RWX);
        for (long i = first, end = first + count; i < end; i++) {
            long label = i & LABEL_MASK;
            if ((label & verifyMask) == 0) {
                l4.memory().store64(POOL, label);
            }
            Items.putMap(l4, 1, page, 0);
            l4.setMr(0, MsgTag.make(label, 0, 2));
            long tag = l4.call(receiver);
            if (tag != MsgTag.make(label + 1, 0, 0)) {
                s.fail("mapper: call " + i + " got " + MsgTag.toString(tag)
                        + (MsgTag.failed(tag) ? " (error code " + l4.errorCode() + ")" : ""));
                return false;
            }
            l4.setMr(0, all);
            l4.unmap(0);
            s.ops++;
        }
        return true;
    }
}
