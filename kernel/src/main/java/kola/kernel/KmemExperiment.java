package kola.kernel;

import java.util.ArrayList;
import java.util.List;
import kola.abi.Comm;
import kola.abi.KernelError;
import kola.abi.Kmem;
import kola.abi.L4;
import kola.abi.ThreadId;
import kola.abi.Timeout;

/**
 * The kernel-memory experiment ({@code kola experiment kmem}; paper section 4.2), under every
 * kernel-memory model Kola has: a hog creates kernel objects (notifications in its own object
 * space) until refused; then a victim in another task creates one. The paper predicts the victim
 * is refused under the central pool. Under quotas the root task gave each a quota of 16 KiB above
 * what it held at start.
 */
public final class KmemExperiment {
    static final long HOG = ThreadId.global(Kernel.USER_BASE + 3, 1);
    static final long VICTIM = ThreadId.global(Kernel.USER_BASE + 4, 1);
    /** The central pool the experiment boots with: small, so that a hog can empty it. */
    public static final long POOL = 128 << 10;
    static final long QUOTA_ROOM = 16 << 10;

    private KmemExperiment() {
    }

    /** Runs the experiment; rows as the communication experiment's. */
    public static List<CommExperiment.Row> run() {
        List<CommExperiment.Row> rows = new ArrayList<>();
        for (KmemModel model : KmemModel.values()) {
            long[] out = new long[3]; // hog's objects, victim refused (1/0), hog's bytes held
            Image image = Image.builder(() -> l4 -> { }, () -> l4 -> {
                startWithQuota(l4, HOG, QUOTA_ROOM, 0, 100);
                startWithQuota(l4, VICTIM, QUOTA_ROOM, 1, 90);
            }).module("task", () -> l4 -> {
                if ((l4.startIp() & 0xFFFF_FFFFL) == 0) {
                    for (int slot = 1; slot < Comm.SLOTS && l4.commControl(Comm.NOTIFICATION, Comm.selector(slot), 0, 0) == 1; slot++) {
                        out[0]++;
                    }
                    l4.kmemControl(l4.myGlobalId(), Kmem.UNCHANGED);
                    out[2] = l4.ret(Kmem.OUT_HELD);
                    return;
                }
                l4.ipc(ThreadId.NIL, Comm.REPLY, Timeout.pair(Timeout.NEVER, Timeout.relative(1000)));
                out[1] = l4.commControl(Comm.NOTIFICATION, Comm.selector(1), 0, 0) == 1 ? 0
                        : l4.errorCode() == KernelError.OUT_OF_MEMORY ? 1 : -1;
            }, 100, List.of()).build();
            CommExperiment.run(CommExperiment.machine(),
                    KernelConfig.defaults().withKernelMemory(POOL).withComm(CommModel.CAPABILITIES).withKmem(model), image, 5_000_000);
            String m = model.label();
            rows.add(new CommExperiment.Row(m, "hog-objects-before-refused", out[0], "objects"));
            rows.add(new CommExperiment.Row(m, "hog-kernel-bytes", out[2], "bytes"));
            rows.add(new CommExperiment.Row(m, "victim-refused", out[1], "bool"));
            rows.addAll(whoPays(model));
        }
        return rows;
    }

    /** Starts task {@code t} at entry {@code entry} with {@code priority}, its quota {@code room} bytes above what it holds. */
    private static void startWithQuota(L4 l4, long t, long room, int entry, int priority) {
        CommExperiment.create(l4, t);
        CommExperiment.activate(l4, t, ThreadId.NIL, ThreadId.NIL);
        l4.kmemControl(t, Kmem.UNCHANGED);
        l4.kmemControl(t, l4.ret(Kmem.OUT_HELD) + room);
        CommExperiment.start(l4, t, entry, priority);
    }

    /** Pages the server maps into the client in the who-pays workload, one per 2 MiB region (each needs a leaf page table). */
    static final int SERVER_PAGES = 16;
    private static final long SERVER_WINDOW = 0x1000_0000L;
    private static final long CLIENT_BASE = 0x4000_0000L;

    /**
     * Who pays (paper section 4.2): a server maps pages into a client, one per 2 MiB region, so
     * each costs the client a mapping node and a page-table frame. Which account is charged,
     * and can the server exhaust the client's kernel memory (the client then cannot make an
     * object of its own)? Under quotas each task has 32 KiB above what it held at start.
     */
    private static List<CommExperiment.Row> whoPays(KmemModel model) {
        long[] out = new long[5]; // client bytes before, after; server bytes before, after; client refused
        long server = HOG;
        long client = VICTIM;
        Image image = Image.builder(() -> l4 -> {
            // Sigma0: maps the megabyte the server asks for (MR1 its physical base) into the server's window.
            while (true) {
                long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
                long base = l4.mr(1);
                l4.setMr(0, kola.abi.MsgTag.make(0, 0, 2));
                kola.abi.Items.putMap(l4, 1, kola.abi.Fpage.of(base, 20, kola.abi.Fpage.RWX), 0);
                l4.ipc(from, ThreadId.NIL, Timeout.pair(Timeout.ZERO, Timeout.ZERO));
            }
        }, () -> l4 -> {
            startWithQuota(l4, server, 2 * QUOTA_ROOM, 0, 90);
            startWithQuota(l4, client, 2 * QUOTA_ROOM, 1, 100);
        }).module("task", () -> l4 -> {
            if ((l4.startIp() & 0xFFFF_FFFFL) == 0) { // the server
                l4.kmemControl(server, Kmem.UNCHANGED);
                out[2] = l4.ret(Kmem.OUT_HELD);
                l4.setBr(0, kola.abi.Items.acceptor(kola.abi.Fpage.of(SERVER_WINDOW, 20, 0), false));
                l4.setMr(0, kola.abi.MsgTag.make(0, 1, 0));
                l4.setMr(1, 0x0400_0000L);
                long sigma0 = l4.kernelInterface().sigma0();
                l4.ipc(sigma0, sigma0, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
                for (int i = 0; i < SERVER_PAGES; i++) {
                    l4.setMr(0, kola.abi.MsgTag.make(0, 0, 2));
                    kola.abi.Items.putMap(l4, 1, kola.abi.Fpage.of(SERVER_WINDOW + i * 4096L, 12, kola.abi.Fpage.R | kola.abi.Fpage.W),
                            CLIENT_BASE + i * (2L << 20));
                    l4.ipc(client, ThreadId.NIL, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
                }
                l4.kmemControl(server, Kmem.UNCHANGED);
                out[3] = l4.ret(Kmem.OUT_HELD);
                return;
            }
            // The client: takes what the server maps, then tries to make an object of its own.
            l4.kmemControl(client, Kmem.UNCHANGED);
            out[0] = l4.ret(Kmem.OUT_HELD);
            for (int i = 0; i < SERVER_PAGES; i++) {
                l4.setBr(0, kola.abi.Items.acceptor(kola.abi.Fpage.COMPLETE, false));
                l4.ipc(ThreadId.NIL, server, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
            }
            l4.kmemControl(client, Kmem.UNCHANGED);
            out[1] = l4.ret(Kmem.OUT_HELD);
            out[4] = l4.commControl(Comm.NOTIFICATION, Comm.selector(1), 0, 0) == 1 ? 0
                    : l4.errorCode() == KernelError.OUT_OF_MEMORY ? 1 : -1;
        }, 100, List.of()).build();
        CommExperiment.run(CommExperiment.machine(), KernelConfig.defaults().withKernelMemory(POOL).withKmem(model), image,
                5_000_000);
        String m = model.label();
        return List.of(
                new CommExperiment.Row(m, "client-bytes-from-server-maps", out[1] - out[0], "bytes"),
                new CommExperiment.Row(m, "server-bytes-from-its-maps", out[3] - out[2], "bytes"),
                new CommExperiment.Row(m, "client-starved-by-server", out[4], "bool"));
    }
}
