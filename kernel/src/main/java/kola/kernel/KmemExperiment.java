package kola.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kola.abi.Comm;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelError;
import kola.abi.KernelLabels;
import kola.abi.Kmem;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.machine.PhysicalMemory;

/**
 * The kernel-memory experiment ({@code kola experiment kmem}; paper section 4.2): the same
 * workloads under every kernel-memory model (docs/EXPERIMENTS.md):
 *
 * <ul>
 * <li>denial of service: a hog makes objects until refused, then a victim in another task makes one;</li>
 * <li>who pays for the page tables and mapping nodes a server's maps make in its client, and can
 * the server starve the client;</li>
 * <li>the kpager's denial of service: a server maps to a client whose kpager never answers;</li>
 * <li>a long-running task that grows and shrinks, getting its pages along figure 5's pager chain
 * (C's pager P2, P1, sigma0): the IPCs per page, and its peak against its current kernel memory;</li>
 * <li>revocation: what it costs to take a task's kernel memory away.</li>
 * </ul>
 *
 * <p>Each task is funded alike where the model lets it be: 3 pages (12 KiB) for the hog and the
 * victim (as a quota, lent, retyped one page per kind, or lent by their kpager on faults).
 */
public final class KmemExperiment {
    static final long HOG = tid(3);
    static final long VICTIM = tid(4);
    static final long KPAGER = tid(5);
    static final long SERVER = tid(6);
    static final long CLIENT = tid(7);
    static final long P1 = tid(8);
    static final long P2 = tid(9);
    /** The central pool the experiment boots with: small, so that a hog can empty it. */
    public static final long POOL = 128 << 10;
    private static final long PAGE = PhysicalMemory.PAGE_SIZE;
    private static final long NEVER = Timeout.pair(Timeout.NEVER, Timeout.NEVER);
    /** Where the root task keeps the megabyte sigma0 gives it (physical ROOT_MEMORY). */
    static final long ROOT_WINDOW = 0x1000_0000L;
    private static final long ROOT_MEMORY = 0x0400_0000L;
    /** Where a task keeps pages it is given (a kpager, a pager of the chain, a client). */
    static final long WINDOW = 0x2000_0000L;
    /** The slot of the root task's gate to sigma0 (capabilities model). */
    static final int SIGMA0_GATE = 60;
    /** Sigma0 protocol of the experiment: map MR1 (physical) at MR2; take MR1 from everyone it was mapped to. */
    static final long MAP = 1;
    static final long UNMAP = 2;
    /** A pager of the chain: one page, please (MR1: where, in the asker's window). */
    private static final long ONE_PAGE = 3;
    /** A pager of the chain: lend a page to the kernel for me (lend). */
    private static final long LEND_FOR_ME = 4;

    private KmemExperiment() {
    }

    private static long tid(long n) {
        return ThreadId.global(Kernel.USER_BASE + n, 1);
    }

    /** Runs the experiment; rows as the communication experiment's. */
    public static List<CommExperiment.Row> run() {
        List<CommExperiment.Row> rows = new ArrayList<>();
        for (KmemModel model : KmemModel.values()) {
            rows.addAll(denialOfService(model));
            rows.addAll(whoPays(model));
            rows.add(silentKpager(model));
            rows.addAll(growAndShrink(model));
            rows.addAll(revocation(model));
        }
        return rows;
    }

    private static KernelConfig config(KmemModel model, CommModel comm) {
        return KernelConfig.defaults().withKernelMemory(POOL).withComm(comm).withKmem(model);
    }

    // ---- the experiment's sigma0, and how the root task reaches it ---------------------------

    /**
     * Sigma0: label {@link #MAP} maps the fpage MR1 (physical base) to the sender at send base
     * MR2; label {@link #UNMAP} takes MR1 from everyone it was mapped to. Under capabilities it
     * answers through the reply capability.
     */
    static void sigma0(L4 l4) {
        boolean caps = l4.kernelInterface().capabilities();
        long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
        while (true) {
            long label = MsgTag.label(l4.mr(0));
            long fpage = l4.mr(1);
            long at = l4.mr(2);
            if (label == UNMAP) {
                l4.setMr(0, fpage);
                l4.unmap(0);
                l4.setMr(0, MsgTag.make(0, 0, 0));
            } else {
                l4.setMr(0, MsgTag.make(0, 0, 2));
                Items.putMap(l4, 1, fpage, at);
            }
            from = l4.ipc(caps ? Comm.REPLY : from, ThreadId.ANY, NEVER);
        }
    }

    /** Calls sigma0 with MR0..MR2: by its id, or under capabilities through a gate the (privileged) caller makes once. */
    static void callSigma0(L4 l4) {
        long sigma0 = l4.kernelInterface().sigma0();
        if (!l4.kernelInterface().capabilities()) {
            l4.ipc(sigma0, sigma0, NEVER);
            return;
        }
        long[] mrs = {l4.mr(0), l4.mr(1), l4.mr(2)};
        if (l4.commControl(Comm.LOOKUP, Comm.selector(SIGMA0_GATE), 0, 0) == 0) {
            l4.commControl(Comm.GATE, Comm.selector(SIGMA0_GATE), sigma0, 0x50);
        }
        for (int i = 0; i < mrs.length; i++) {
            l4.setMr(i, mrs[i]);
        }
        l4.ipc(Comm.selector(SIGMA0_GATE), Comm.REPLY, NEVER);
    }

    /** Asks sigma0 for the physical fpage {@code [phys, phys + 2^sizeLog2)}, into the caller at {@code va}. */
    static void memory(L4 l4, long phys, int sizeLog2, long va) {
        l4.setBr(0, Items.acceptor(Fpage.COMPLETE, false));
        l4.setMr(0, MsgTag.make(MAP, 2, 0));
        l4.setMr(1, Fpage.of(phys, sizeLog2, Fpage.RWX));
        l4.setMr(2, va);
        callSigma0(l4);
    }

    /** Makes sigma0 take back what it mapped of the physical fpage. */
    static void revokeFromSigma0(L4 l4, long phys, int sizeLog2) {
        l4.setMr(0, MsgTag.make(UNMAP, 1, 0));
        l4.setMr(1, Fpage.of(phys, sizeLog2, Fpage.RWX));
        callSigma0(l4);
    }

    /** Receives pages into the caller's window. */
    private static void takePages(L4 l4) {
        l4.setBr(0, Items.acceptor(Fpage.of(WINDOW, 20, 0), false));
        l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
    }

    /**
     * Funds task {@code t} with {@code kinds.length} pages of kernel memory from page {@code first}
     * of the root task's window, as the model has it: a quota of as many bytes (quota), pages lent
     * (lend), a page retyped per kind (precise), or a kpager that lends that many (kpager).
     */
    private static void fund(L4 l4, KmemModel model, long t, int first, int... kinds) {
        switch (model) {
            case POOL -> { }
            case QUOTA -> {
                l4.kmemControl(t, Kmem.UNCHANGED);
                l4.kmemControl(t, l4.ret(Kmem.OUT_HELD) + kinds.length * PAGE);
            }
            case LEND, PRECISE -> {
                for (int i = 0; i < kinds.length; i++) {
                    long page = Fpage.of(ROOT_WINDOW + (first + i) * PAGE, 12, Fpage.RWX);
                    l4.kmemControl(model == KmemModel.LEND ? Kmem.LEND : Kmem.RETYPE, page, model == KmemModel.LEND ? t : kinds[i], t);
                }
            }
            case KPAGER -> l4.kmemControl(Kmem.KPAGER, t, KPAGER, 0);
        }
    }

    /**
     * The kpager: takes 64 pages the root task maps it, then lends one per kernel-memory fault,
     * at most {@code budget} per account (refusing after that), and on {@link #EVICT_ALL} evicts
     * every page it lent that it can (replying the count).
     */
    private static void kpager(L4 l4, int budget) {
        boolean caps = l4.kernelInterface().capabilities();
        memory(l4, ROOT_MEMORY + (2 << 20), 18, WINDOW);
        Map<Long, Integer> lent = new HashMap<>();
        List<Long> pages = new ArrayList<>();
        int next = 0;
        long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
        while (true) {
            long label = MsgTag.label(l4.mr(0));
            long reply = 0;
            long word = 0;
            if (label == KernelLabels.KMEM_FAULT) {
                long account = l4.mr(1);
                int n = lent.getOrDefault(l4.mr(2), 0);
                long page = Fpage.of(WINDOW + next * PAGE, 12, Fpage.RWX);
                if (n < budget && next < 64 && l4.kmemControl(Kmem.LEND, page, account, 0) == 1) {
                    lent.put(l4.mr(2), n + 1);
                    pages.add(page);
                    next++;
                } else {
                    reply = KernelLabels.REFUSED;
                }
            } else if (label == EVICT_ALL) {
                for (long page : pages) {
                    word += l4.kmemControl(Kmem.EVICT, page, 0, 0);
                }
            }
            l4.setMr(0, MsgTag.make(reply, 1, 0));
            l4.setMr(1, word);
            from = l4.ipc(caps ? Comm.REPLY : from, ThreadId.ANY, NEVER);
        }
    }

    /** Asks the kpager to evict every page it lent that it can; returns how many it evicted. */
    static final long EVICT_ALL = 0x77;

    /**
     * Starts the kpager (entry 9 of "task"), which takes 64 pages from sigma0 first (under
     * capabilities through the root task's gate, mapped to it), and waits until it has.
     */
    private static void startKpager(L4 l4, boolean caps) {
        CommExperiment.create(l4, KPAGER);
        CommExperiment.activate(l4, KPAGER, ThreadId.NIL, ThreadId.NIL);
        if (caps) {
            l4.commControl(Comm.MAP, KPAGER, Comm.objectFpage(SIGMA0_GATE, 0, Comm.SEND), Comm.selector(SIGMA0_GATE));
        }
        CommExperiment.start(l4, KPAGER, 9, 200);
        l4.ipc(ThreadId.NIL, caps ? Comm.REPLY : l4.myGlobalId(), Timeout.pair(Timeout.NEVER, Timeout.relative(1000)));
    }

    /** Makes task {@code t} at entry {@code entry} with {@code priority}: created, activated (with {@code pager}), not started. */
    private static void make(L4 l4, long t, long pager) {
        CommExperiment.create(l4, t);
        CommExperiment.activate(l4, t, ThreadId.NIL, pager);
    }

    /** An image of the experiment's sigma0, {@code root}, and module "task" whose entries are {@code roles}. */
    private static Image image(kola.abi.Program root, kola.abi.Program roles) {
        return Image.builder(() -> KmemExperiment::sigma0, () -> root).module("task", () -> roles, 100, List.of()).build();
    }

    private static int entry(L4 l4) {
        return (int) (l4.startIp() & 0xFFFF_FFFFL);
    }

    // ---- denial of service -------------------------------------------------------------------

    /**
     * A hog makes notifications until refused; then a victim in another task makes one. The
     * paper predicts the victim is refused under the central pool.
     */
    private static List<CommExperiment.Row> denialOfService(KmemModel model) {
        long[] out = new long[3]; // hog's objects, victim refused (1/0), hog's bytes held
        int[] kinds = {Kmem.OBJECT_SPACE, Kmem.NOTIFICATION, Kmem.CAPABILITY};
        Image image = image(l4 -> {
            memory(l4, ROOT_MEMORY, 16, ROOT_WINDOW);
            if (model == KmemModel.KPAGER) {
                startKpager(l4, true);
            }
            make(l4, HOG, ThreadId.NIL);
            make(l4, VICTIM, ThreadId.NIL);
            fund(l4, model, HOG, 0, kinds);
            fund(l4, model, VICTIM, 4, kinds);
            CommExperiment.start(l4, HOG, 0, 100);
            CommExperiment.start(l4, VICTIM, 1, 90);
        }, l4 -> {
            switch (entry(l4)) {
                case 0 -> {
                    for (int slot = 1; slot < Comm.SLOTS && l4.commControl(Comm.NOTIFICATION, Comm.selector(slot), 0, 0) == 1; slot++) {
                        out[0]++;
                    }
                    l4.kmemControl(l4.myGlobalId(), Kmem.UNCHANGED);
                    out[2] = l4.ret(Kmem.OUT_HELD);
                }
                case 1 -> {
                    l4.ipc(ThreadId.NIL, Comm.REPLY, Timeout.pair(Timeout.NEVER, Timeout.relative(5000)));
                    out[1] = l4.commControl(Comm.NOTIFICATION, Comm.selector(1), 0, 0) == 1 ? 0
                            : l4.errorCode() == KernelError.OUT_OF_MEMORY ? 1 : -1;
                }
                case 9 -> kpager(l4, 3);
                default -> { }
            }
        });
        CommExperiment.run(CommExperiment.machine(), config(model, CommModel.CAPABILITIES), image, 5_000_000);
        String m = model.label();
        return List.of(new CommExperiment.Row(m, "hog-objects-before-refused", out[0], "objects"),
                new CommExperiment.Row(m, "hog-kernel-bytes", out[2], "bytes"),
                new CommExperiment.Row(m, "victim-refused", out[1], "bool"));
    }

    // ---- who pays ----------------------------------------------------------------------------

    /** Pages the server maps into the client in the who-pays workload, one per 2 MiB region (each needs a leaf page table). */
    static final int SERVER_PAGES = 16;
    private static final long CLIENT_BASE = 0x4000_0000L;

    /**
     * Who pays (paper section 4.2): a server maps pages into a client, one per 2 MiB region, so
     * each costs the client a mapping node and a page-table node. Which account is charged, and
     * can the server exhaust the client's kernel memory (the client then cannot make an object of
     * its own)? The client is funded with 8 pages (precise: 4 of page tables, 1 of mapping
     * nodes, 1 each for its object space, notifications and capabilities).
     */
    private static List<CommExperiment.Row> whoPays(KmemModel model) {
        long[] out = new long[6]; // client bytes before, after; server bytes before, after; client starved; pages mapped
        Image image = image(l4 -> {
            memory(l4, ROOT_MEMORY, 16, ROOT_WINDOW);
            if (model == KmemModel.KPAGER) {
                startKpager(l4, false);
            }
            make(l4, SERVER, ThreadId.NIL);
            make(l4, CLIENT, ThreadId.NIL);
            fund(l4, model, CLIENT, 0, Kmem.PAGE_TABLE, Kmem.PAGE_TABLE, Kmem.PAGE_TABLE, Kmem.PAGE_TABLE,
                    Kmem.MAPPING_NODE, Kmem.OBJECT_SPACE, Kmem.NOTIFICATION, Kmem.CAPABILITY);
            CommExperiment.start(l4, SERVER, 0, 90);
            CommExperiment.start(l4, CLIENT, 1, 100);
        }, l4 -> {
            switch (entry(l4)) {
                case 0 -> { // the server
                    out[2] = held(l4, SERVER);
                    memory(l4, ROOT_MEMORY + (1 << 20), 16, WINDOW);
                    for (int i = 0; i < SERVER_PAGES; i++) {
                        l4.setMr(0, MsgTag.make(0, 0, 2));
                        Items.putMap(l4, 1, Fpage.of(WINDOW + i * PAGE, 12, Fpage.R | Fpage.W), CLIENT_BASE + i * (2L << 20));
                        l4.ipc(CLIENT, ThreadId.NIL, NEVER);
                        out[5] += (l4.mr(0) & MsgTag.ERROR) == 0 ? 1 : 0;
                    }
                    out[3] = held(l4, SERVER);
                }
                case 1 -> { // the client: takes what the server maps, then tries to make an object of its own
                    out[0] = held(l4, CLIENT);
                    for (int i = 0; i < SERVER_PAGES; i++) {
                        l4.setBr(0, Items.acceptor(Fpage.COMPLETE, false));
                        l4.ipc(ThreadId.NIL, SERVER, Timeout.pair(Timeout.NEVER, Timeout.relative(20_000)));
                    }
                    out[1] = held(l4, CLIENT);
                    out[4] = l4.commControl(Comm.NOTIFICATION, Comm.selector(1), 0, 0) == 1 ? 0
                            : l4.errorCode() == KernelError.OUT_OF_MEMORY ? 1 : -1;
                }
                case 9 -> kpager(l4, 8);
                default -> { }
            }
        });
        CommExperiment.run(CommExperiment.machine(), config(model, CommModel.GLOBAL_IDS), image, 5_000_000);
        String m = model.label();
        return List.of(new CommExperiment.Row(m, "server-pages-mapped", out[5], "pages"),
                new CommExperiment.Row(m, "client-bytes-from-server-maps", out[1] - out[0], "bytes"),
                new CommExperiment.Row(m, "server-bytes-from-its-maps", out[3] - out[2], "bytes"),
                new CommExperiment.Row(m, "client-starved-by-server", out[4], "bool"));
    }

    /** The kernel memory charged to {@code t}'s space and the spaces below it. */
    private static long held(L4 l4, long t) {
        l4.kmemControl(t, Kmem.UNCHANGED);
        return l4.ret(Kmem.OUT_HELD);
    }

    // ---- the kpager's denial of service ------------------------------------------------------

    /**
     * The paper's kpager attack: a server maps a page into a client whose kernel memory is short;
     * under the kpager model the server faults to the client's kpager, which never answers. Is
     * the server still blocked when the run ends (1), or did it get an answer (0)?
     */
    private static CommExperiment.Row silentKpager(KmemModel model) {
        long[] done = {0};
        Image image = image(l4 -> {
            make(l4, KPAGER, ThreadId.NIL);
            CommExperiment.start(l4, KPAGER, 2, 50); // alive, and never answers
            make(l4, CLIENT, ThreadId.NIL);
            fund(l4, model == KmemModel.KPAGER ? model : KmemModel.POOL, CLIENT, 0);
            if (model == KmemModel.QUOTA) {
                l4.kmemControl(CLIENT, held(l4, CLIENT)); // short: no room at all
            }
            CommExperiment.start(l4, CLIENT, 1, 50);
            make(l4, SERVER, ThreadId.NIL);
            CommExperiment.start(l4, SERVER, 0, 40);
        }, l4 -> {
            switch (entry(l4)) {
                case 0 -> {
                    memory(l4, ROOT_MEMORY + (1 << 20), 12, WINDOW);
                    l4.setMr(0, MsgTag.make(0, 0, 2));
                    Items.putMap(l4, 1, Fpage.of(WINDOW, 12, Fpage.RWX), 0x3E_0000_0000L);
                    l4.ipc(CLIENT, ThreadId.NIL, NEVER);
                    done[0] = 1;
                }
                case 1 -> takePages(l4);
                case 2 -> l4.ipc(ThreadId.NIL, l4.myGlobalId(), NEVER);
                default -> { }
            }
        });
        CommExperiment.run(CommExperiment.machine(), config(model, CommModel.GLOBAL_IDS), image, 5_000_000);
        return new CommExperiment.Row(model.label(), "server-blocked-by-clients-kpager", 1 - done[0], "bool");
    }

    // ---- a long-running task along figure 5's chain ------------------------------------------

    /** Notifications the task makes at its peak, and keeps after it shrinks. */
    static final int PEAK = 300;
    static final int KEEP = 10;

    /**
     * A long-running task C grows to {@link #PEAK} notifications and shrinks to {@link #KEEP}.
     * Whenever it is refused it gets a page along figure 5's chain (C asks its pager P2, P2 asks
     * P1, P1 asks sigma0; the page comes back down as map items): under lend P2 lends it to the
     * kernel for C (C would need kernel memory of its own to take it); under precise C retypes
     * it; under kpager P2 is C's kpager and lends it on C's fault. After shrinking, C
     * gives back what it can: under precise it flushes the pages its remaining objects do not
     * use; under kpager P2 evicts what it can; lent pages stay. Rows: IPCs per page, C's peak and
     * current kernel memory, and the pages the kernel still holds for it.
     */
    private static List<CommExperiment.Row> growAndShrink(KmemModel model) {
        String m = model.label();
        if (model == KmemModel.POOL || model == KmemModel.QUOTA) {
            return List.of(); // (no pages to get along the chain)
        }
        long[] out = new long[6]; // messages along the chain, pages got, peak bytes, current bytes, pages held at peak, after
        Image image = image(l4 -> {
            make(l4, P1, ThreadId.NIL);
            CommExperiment.start(l4, P1, 3, 150);
            make(l4, P2, ThreadId.NIL);
            CommExperiment.start(l4, P2, 4, 140);
            make(l4, CLIENT, P2);
            if (model == KmemModel.KPAGER) {
                l4.kmemControl(Kmem.KPAGER, CLIENT, P2, 0);
            }
            CommExperiment.start(l4, CLIENT, 5, 100);
        }, l4 -> {
            switch (entry(l4)) {
                case 3 -> chainPager(l4, out, 0x0500_0000L, true); // P1: pages from sigma0
                case 4 -> chainPager(l4, out, 0, false); // P2: pages from P1 (and C's kpager under kpager)
                case 5 -> growAndShrinkClient(l4, model, out);
                default -> { }
            }
        });
        CommExperiment.run(CommExperiment.machine(), config(model, CommModel.GLOBAL_IDS), image, 5_000_000);
        return List.of(new CommExperiment.Row(m, "chain-ipcs-per-page", out[1] == 0 ? 0 : (double) out[0] / out[1], "ipc"),
                new CommExperiment.Row(m, "peak-kernel-bytes", out[2], "bytes"),
                new CommExperiment.Row(m, "current-kernel-bytes", out[3], "bytes"),
                new CommExperiment.Row(m, "pages-held-at-peak", out[4], "pages"),
                new CommExperiment.Row(m, "pages-held-after-shrink", out[5], "pages"));
    }

    /**
     * A pager of figure 5's chain: for each request it gets one page from upstream (sigma0, or
     * P1) and maps it down to the asker; as C's kpager (a kernel-memory fault) it lends the page
     * for C instead. {@code out[0]} counts the messages of the chain.
     */
    private static void chainPager(L4 l4, long[] out, long physical, boolean fromSigma0) {
        int next = 0;
        List<Long> lent = new ArrayList<>();
        long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
        while (true) {
            long label = MsgTag.label(l4.mr(0));
            long account = l4.mr(1);
            if (label == EVICT_ALL) {
                long evicted = 0;
                for (long page : lent) {
                    evicted += l4.kmemControl(Kmem.EVICT, page, 0, 0);
                }
                l4.setMr(0, MsgTag.make(0, 1, 0));
                l4.setMr(1, evicted);
                from = l4.ipc(from, ThreadId.ANY, NEVER);
                continue;
            }
            long va = WINDOW + next++ * PAGE;
            if (fromSigma0) {
                memory(l4, physical + (next - 1) * PAGE, 12, va);
            } else {
                l4.setBr(0, Items.acceptor(Fpage.COMPLETE, false));
                l4.setMr(0, MsgTag.make(ONE_PAGE, 1, 0));
                l4.setMr(1, va);
                l4.ipc(P1, P1, NEVER);
            }
            out[0] += fromSigma0 ? 3 : 2; // its request up and its answer down (and sigma0's answer)
            if (label == KernelLabels.KMEM_FAULT || label == LEND_FOR_ME) {
                // P2 lends the page for C itself (as the paper's figure 5 chain does): C would
                // need kernel memory of its own to take it.
                out[0] += label == KernelLabels.KMEM_FAULT ? 1 : 0; // (the fault message; C counts its request)
                long page = Fpage.of(va, 12, Fpage.RWX);
                boolean ok = l4.kmemControl(Kmem.LEND, page, label == LEND_FOR_ME ? from : account, 0) == 1;
                if (ok) {
                    lent.add(page);
                    out[1] += label == KernelLabels.KMEM_FAULT ? 1 : 0;
                }
                l4.setMr(0, MsgTag.make(ok ? 0 : KernelLabels.REFUSED, 0, 0));
            } else {
                l4.setMr(0, MsgTag.make(0, 0, 2));
                Items.putMap(l4, 1, Fpage.of(va, 12, Fpage.RWX), account);
            }
            from = l4.ipc(from, ThreadId.ANY, NEVER);
        }
    }

    /** C gets a page along the chain (asks P2) and turns it into kernel memory for itself: lent, or retyped into {@code kind}. */
    private static void page(L4 l4, KmemModel model, int kind, List<Long> pages, long[] out) {
        long va = WINDOW + pages.size() * PAGE;
        l4.setBr(0, Items.acceptor(Fpage.COMPLETE, false));
        l4.setMr(0, MsgTag.make(model == KmemModel.LEND ? LEND_FOR_ME : ONE_PAGE, 1, 0));
        l4.setMr(1, va);
        l4.ipc(P2, P2, NEVER);
        out[0]++;
        out[1]++;
        long fpage = Fpage.of(va, 12, Fpage.RWX);
        boolean ok = (l4.mr(0) & MsgTag.ERROR) == 0 && MsgTag.label(l4.mr(0)) == 0
                && (model == KmemModel.LEND || l4.kmemControl(Kmem.RETYPE, fpage, kind, l4.myGlobalId()) == 1);
        if (!ok) {
            throw new IllegalStateException(model.label() + ": no page from the chain: " + KernelError.describe(l4.errorCode()));
        }
        pages.add(fpage);
    }

    /**
     * C: funds itself first (so that it lives on its own pages: lend one page; precise one of
     * each kind it uses), grows, getting a page along the chain whenever it is refused (precise:
     * capabilities run out first, 85 a page against 128 notifications, so a capability page,
     * then a notification page if that was not it), then shrinks and gives back what it can.
     */
    private static void growAndShrinkClient(L4 l4, KmemModel model, long[] out) {
        long me = l4.myGlobalId();
        List<Long> pages = new ArrayList<>();
        if (model == KmemModel.LEND) {
            page(l4, model, 0, pages, out);
        } else if (model == KmemModel.PRECISE) {
            page(l4, model, Kmem.OBJECT_SPACE, pages, out);
            page(l4, model, Kmem.NOTIFICATION, pages, out);
            page(l4, model, Kmem.CAPABILITY, pages, out);
        }
        for (int slot = 1; slot <= PEAK; slot++) {
            int tries = 0;
            while (l4.commControl(Comm.NOTIFICATION, Comm.selector(slot), 0, 0) == 0) {
                if (model == KmemModel.KPAGER || l4.errorCode() != KernelError.OUT_OF_MEMORY || tries++ == 2) {
                    throw new IllegalStateException(model.label() + ": notification " + slot + " refused: "
                            + KernelError.describe(l4.errorCode()));
                }
                page(l4, model, tries == 1 ? Kmem.CAPABILITY : Kmem.NOTIFICATION, pages, out);
            }
        }
        out[2] = held(l4, me);
        out[4] = model == KmemModel.KPAGER ? out[1] : pages.size();
        // Shrink: the newest notifications go (their capabilities unmapped), the first KEEP stay.
        for (int slot = PEAK; slot > KEEP; slot--) {
            l4.setMr(0, Comm.objectFpage(slot, 0, Comm.SEND | Comm.RECEIVE | Comm.GRANT));
            l4.unmap(0x40);
        }
        out[3] = held(l4, me);
        long kept = pages.size();
        if (model == KmemModel.PRECISE) {
            // The newest pages hold the newest objects, all gone: flush every page but the first
            // three (object space, the first notifications, their capabilities).
            for (int i = pages.size() - 1; i >= 3; i--) {
                l4.setMr(0, pages.get(i));
                l4.unmap(0x40);
                kept--;
            }
            out[3] = held(l4, me);
        } else if (model == KmemModel.KPAGER) {
            l4.setMr(0, MsgTag.make(EVICT_ALL, 0, 0));
            l4.ipc(P2, P2, NEVER);
            kept = out[1] - l4.mr(1);
        }
        out[5] = kept;
        int alive = 0;
        for (int slot = 1; slot <= KEEP; slot++) {
            alive += l4.commControl(Comm.LOOKUP, Comm.selector(slot), 0, 0) != 0 ? 1 : 0;
        }
        if (alive != KEEP) {
            throw new IllegalStateException(model.label() + ": " + alive + " of the " + KEEP + " notifications kept survived");
        }
    }

    // ---- revocation --------------------------------------------------------------------------

    /**
     * Revocation (precise): a task holds {@link #REVOKED_OBJECTS} notifications and as many
     * capabilities in pages its creator retyped for it; the creator's pager (sigma0) unmaps those
     * pages. Rows: the simulated cycles of that one unmap, per object destroyed. Under kpager: the
     * cycles per mapping the kpager exports when it evicts a page of mapping nodes.
     */
    private static List<CommExperiment.Row> revocation(KmemModel model) {
        if (model != KmemModel.PRECISE) {
            return List.of();
        }
        long[] out = new long[3]; // cycles of the revoking unmap, objects destroyed, objects made
        kola.machine.Machine machine = CommExperiment.machine();
        Kernel[] kernel = new Kernel[1];
        Image image = image(l4 -> {
            memory(l4, ROOT_MEMORY, 16, ROOT_WINDOW);
            make(l4, CLIENT, ThreadId.NIL);
            // Pages 0..15 for the client's objects: an object space, 3 of notifications, 4 of capabilities.
            l4.kmemControl(Kmem.RETYPE, Fpage.of(ROOT_WINDOW, 12, Fpage.RWX), Kmem.OBJECT_SPACE, CLIENT);
            l4.kmemControl(Kmem.RETYPE, Fpage.of(ROOT_WINDOW + 4 * PAGE, 14, Fpage.RWX), Kmem.CAPABILITY, CLIENT);
            l4.kmemControl(Kmem.RETYPE, Fpage.of(ROOT_WINDOW + 8 * PAGE, 13, Fpage.RWX), Kmem.NOTIFICATION, CLIENT);
            CommExperiment.start(l4, CLIENT, 6, 100);
            l4.ipc(ThreadId.NIL, l4.myGlobalId(), Timeout.pair(Timeout.NEVER, Timeout.relative(50_000)));
            long before = machine.clock().now();
            long destroyed = kernel[0].frames.destroyed();
            revokeFromSigma0(l4, ROOT_MEMORY, 16);
            out[0] = machine.clock().now() - before;
            out[1] = kernel[0].frames.destroyed() - destroyed;
        }, l4 -> {
            if (entry(l4) == 6) {
                for (int slot = 1; slot <= REVOKED_OBJECTS; slot++) {
                    out[2] += l4.commControl(Comm.NOTIFICATION, Comm.selector(slot), 0, 0);
                }
                l4.ipc(ThreadId.NIL, l4.myGlobalId(), NEVER);
            }
        });
        kernel[0] = new Kernel(machine, config(model, CommModel.GLOBAL_IDS), image,
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        kernel[0].run(5_000_000);
        String m = model.label();
        if (out[2] != REVOKED_OBJECTS) {
            throw new IllegalStateException(m + ": the task made " + out[2] + " of " + REVOKED_OBJECTS + " notifications");
        }
        return List.of(new CommExperiment.Row(m, "revoked-objects", out[1], "objects"),
                new CommExperiment.Row(m, "revoke-all-cycles", out[0], "cycles"),
                new CommExperiment.Row(m, "revoke-cycles-per-object", out[1] == 0 ? 0 : (double) out[0] / out[1], "cycles"));
    }

    /** Notifications (each with its capability) the revocation workload's task makes. */
    static final int REVOKED_OBJECTS = 200;
}
