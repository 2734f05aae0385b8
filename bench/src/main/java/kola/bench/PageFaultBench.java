package kola.bench;

import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.Memory;
import kola.abi.MsgTag;
import kola.kernel.Image;
import kola.system.RootTask;
import kola.system.Sigma0;

/**
 * The page-fault round trip (paper section 2; L4 X.2 "Page Faults"): a client's load finds no
 * mapping, the kernel sends page-fault IPC (label -2, MR1 the address) to the client's pager, the
 * pager answers with a map item, and the kernel retries the load, which now succeeds.
 *
 * <p>The pager holds one page (from sigma0) at {@value #POOL} and writes {@value #MAGIC} into it.
 * The client loads from two addresses in turn, {@value #X0} and {@value #X1}; the pager, on each
 * fault, first unmaps its page from everyone (Unmap without flush: its own mapping stays) and then
 * maps it at the faulting address. So every load faults: the one before it removed the mapping
 * this one would have used. One operation is three kernel entries: the client's fault, the pager's
 * Unmap and the pager's ReplyWait; it includes a map, an unmap and the TLB refill of the retried
 * load.
 *
 * <p>Checked: every load returns the pager's value (so it read the pager's page), and the pager
 * served exactly one fault per load.
 */
final class PageFaultBench {
    /** Loads before the timed ones. */
    static final long WARMUP = 5_000;
    static final long POOL = 0x4000_0000L;
    static final long X0 = 0x1000_0000L;
    static final long X1 = 0x1000_1000L;
    static final long MAGIC = 0x6b6f_6c61_7066_6c74L;
    /** Kernel entries per page-fault round trip. */
    static final int TRAPS_PER_FAULT = 3;

    private PageFaultBench() {
    }

    static final class State extends BenchSystem.Probe {
        long loads;
        long faults;
        long elapsed;
    }

    /** Boots a fresh system, warms up, then times {@code n} faulting loads; returns their host ns. */
    static long measure(long n) {
        State s = new State();
        BenchSystem sys = boot(s, WARMUP, n);
        sys.runToEnd();
        if (s.loads != n) {
            throw sys.failure(s.loads + " of " + n + " faulting loads completed");
        }
        if (s.faults != WARMUP + n) {
            throw sys.failure("the pager served " + s.faults + " faults for " + (WARMUP + n) + " loads");
        }
        return s.elapsed;
    }

    /** A system whose client faults forever; for JMH ({@value #TRAPS_PER_FAULT} kernel entries per fault). */
    static final class Session {
        private final State state = new State();
        private final BenchSystem sys = boot(state, WARMUP, -1);

        Session() {
            sys.runUntil(() -> state.started, 10 * TRAPS_PER_FAULT * WARMUP);
            // Align with the fault cycle: the client has just loaded; its next load faults.
        }

        void faults(long n) {
            sys.step(TRAPS_PER_FAULT * n);
        }

        long completed() {
            return state.loads;
        }

        long faultsServed() {
            return state.faults;
        }
    }

    private static BenchSystem boot(State s, long warmup, long n) {
        Image image = Image.builder(Sigma0::new, () -> l4 -> root(l4, s))
                .module("pf-pager", () -> l4 -> pager(l4, s))
                .module("pf-client", () -> l4 -> client(l4, s, warmup, n))
                .build();
        return new BenchSystem("page-fault round trip", 64L << 20, 4L << 20, image, s);
    }

    private static void root(L4 l4, State s) {
        Kip kip = l4.kernelInterface();
        String failure = BenchSystem.startTask(l4, BenchSystem.threadId(kip, 0), "pf-pager", kip.sigma0(),
                BenchSystem.PRIORITY);
        if (failure == null) {
            failure = BenchSystem.startTask(l4, BenchSystem.threadId(kip, 1), "pf-client", BenchSystem.threadId(kip, 0),
                    BenchSystem.PRIORITY);
        }
        if (failure != null) {
            s.fail("root task: " + failure);
        }
    }

    /** The pager: one page, unmapped from everyone and mapped at the faulting address on each fault. */
    private static void pager(L4 l4, State s) {
        if (!Sigma0.requestPage(l4, Sigma0.anyPage(12), Fpage.of(POOL, 12, 0))) {
            s.fail("pager: sigma0 refused a page");
            return;
        }
        l4.memory().store64(POOL, MAGIC);
        long client = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag) || !KernelLabels.isPageFault(MsgTag.label(tag)) || MsgTag.untyped(tag) != 2) {
                s.fail("pager: not a page fault: " + MsgTag.toString(tag) + " from " + kola.abi.ThreadId.toString(client));
                return;
            }
            long address = l4.mr(1);
            if (address != X0 && address != X1) {
                s.fail("pager: fault at unexpected address 0x" + Long.toHexString(address));
                return;
            }
            s.faults++;
            l4.setMr(0, Fpage.of(POOL, 12, Fpage.RWX));
            l4.unmap(0);
            Items.putMap(l4, 1, Fpage.of(POOL, 12, Fpage.R | Fpage.W), address & -4096L);
            l4.setMr(0, MsgTag.make(0, 0, 2));
            client = l4.replyWait(client);
        }
    }

    /** The client: loads at X0 and X1 in turn; every one faults. n < 0: forever, counting. */
    private static void client(L4 l4, State s, long warmup, long n) {
        Memory m = l4.memory();
        if (!loads(m, s, 0, warmup)) {
            return;
        }
        s.loads = 0;
        s.started = true;
        if (n < 0) {
            for (long i = warmup; ; i++) {
                if (!loads(m, s, i, 1)) {
                    return;
                }
            }
        }
        long start = System.nanoTime();
        boolean ok = loads(m, s, warmup, n);
        long elapsed = System.nanoTime() - start;
        if (ok) {
            s.elapsed = elapsed;
        }
    }

    private static boolean loads(Memory m, State s, long first, long count) {
        for (long i = first, end = first + count; i < end; i++) {
            long v = m.load64((i & 1) == 0 ? X0 : X1);
            if (v != MAGIC) {
                s.fail("client: load " + i + " read 0x" + Long.toHexString(v) + ", not the pager's page");
                return false;
            }
            s.loads++;
        }
        return true;
    }
}
