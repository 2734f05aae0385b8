package kola.kernel;

import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
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
import org.junit.jupiter.api.Test;

/**
 * The kpager model (paper section 4.2): a shortage of an account with a kpager is a fault IPC
 * to the kpager, which lends pages, after which the operation is redone; the kpager can evict
 * what it lent (page-table nodes rebuilt on the next fault, mappings exported authenticated) and
 * give it back; and the paper's denial of service: a silent kpager holds the server that maps
 * to its client.
 */
class KmemKpagerTest {
    static final long K = tid(3);
    static final long A = tid(4);
    static final long S = tid(5);
    static final long PAGE = PhysicalMemory.PAGE_SIZE;
    static final long WINDOW = 0x1000_0000L;
    static final long KWINDOW = 0x2000_0000L;
    private static final long NEVER = Timeout.pair(Timeout.NEVER, Timeout.NEVER);
    /** Requests to the kpager: evict every page it lent; restore every page it evicted. */
    static final long EVICT_ALL = 0x77;
    static final long RESTORE_ALL = 0x78;

    private static KernelHarness harness(KmemModel model) {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withKmem(model));
        h.sigma0(KmemFramesTest::sigma0);
        return h;
    }

    /**
     * A kpager: takes 16 pages from sigma0 and lends one per kernel-memory fault, up to
     * {@code budget}, refusing after that; evicts and restores on request. Logs what it did.
     */
    private static void kpager(KernelHarness h, L4 l4, int budget) {
        KmemFramesTest.memory(l4, 0x0300_0000L, 16, KWINDOW);
        int lent = 0;
        List<Long> evicted = new ArrayList<>();
        long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
        while (true) {
            long label = MsgTag.label(l4.mr(0));
            long reply = 0;
            if (label == KernelLabels.KMEM_FAULT) {
                long account = l4.mr(1);
                if (lent < budget && l4.kmemControl(Kmem.LEND, Fpage.of(KWINDOW + lent * PAGE, 12, Fpage.RWX), account, 0) == 1) {
                    lent++;
                    h.log("fault: lent");
                } else {
                    h.log("fault: refused");
                    reply = KernelLabels.REFUSED;
                }
            } else if (label == EVICT_ALL) {
                int mappings = 0;
                for (int i = 0; i < lent; i++) {
                    long page = Fpage.of(KWINDOW + i * PAGE, 12, Fpage.RWX);
                    if (l4.kmemControl(Kmem.EVICT, page, 0, 0) == 1) {
                        evicted.add(page);
                        mappings += (int) l4.ret(Kmem.OUT_MAPPINGS);
                    }
                }
                h.log("evicted " + (evicted.size() == lent ? "every page it lent" : evicted.size() + " of " + lent) + ", "
                        + mappings + " exported");
            } else if (label == RESTORE_ALL) {
                int mappings = 0;
                long first = evicted.get(0);
                // A forged export (one word changed) and a second restore of the same export are refused.
                long word = KWINDOW + (Fpage.base(first) - KWINDOW) + 8 * 4;
                l4.memory().store64(word, l4.memory().load64(word) ^ 1);
                h.log("forged: " + (l4.kmemControl(Kmem.RESTORE, first, 0, 0) == 1 ? "restored" : KernelError.describe(l4.errorCode())));
                l4.memory().store64(word, l4.memory().load64(word) ^ 1);
                for (long page : evicted) {
                    if (l4.kmemControl(Kmem.RESTORE, page, 0, 0) == 1) {
                        mappings += (int) l4.ret(Kmem.OUT_MAPPINGS);
                    }
                }
                h.log("restored " + mappings);
                h.log("again: " + (l4.kmemControl(Kmem.RESTORE, first, 0, 0) == 1 ? "restored" : KernelError.describe(l4.errorCode())));
            }
            l4.setMr(0, MsgTag.make(reply, 0, 0));
            from = l4.ipc(from, ThreadId.ANY, NEVER);
        }
    }

    @Test
    void aShortageIsAFaultToTheKpagerWhichLendsAndTheCallIsRedone() {
        KernelHarness h = harness(KmemModel.KPAGER);
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, K, "kpager", 0, 200);
            h.check(h.createActivated(l4, A), "A");
            h.check(l4.kmemControl(Kmem.KPAGER, A, K, 0) == 1, "A's kpager");
            for (int i = 0; i < 6; i++) {
                seen.add(l4.threadControl(tid(10 + i), A, l4.myGlobalId(), ThreadId.NIL, KernelHarness.UTCB + (i + 1) * 1024L) == 1
                        ? "ok" : KernelError.describe(l4.errorCode()));
            }
        });
        h.module("kpager", l4 -> kpager(h, l4, 1));
        h.run();
        h.assertNoFailures();
        String oom = KernelError.describe(KernelError.OUT_OF_MEMORY);
        assertEquals(List.of("ok", "ok", "ok", "ok", oom, oom), seen); // one page: four control blocks
        assertEquals(List.of("fault: lent", "fault: refused", "fault: refused"), h.log);
        assertEquals(List.of(), h.kernel.checkInvariants());
    }

    /** The server maps one page into its client, far from anything (page-table nodes needed), and logs the outcome. */
    private static void server(KernelHarness h, L4 l4) {
        KmemFramesTest.memory(l4, 0x0300_0000L, 12, WINDOW);
        l4.setMr(0, MsgTag.make(0, 0, 2));
        Items.putMap(l4, 1, Fpage.of(WINDOW, 12, Fpage.RWX), 0x3E_0000_0000L);
        long tag = l4.ipc(A, ThreadId.NIL, NEVER);
        h.log("server: " + ((l4.mr(0) & MsgTag.ERROR) == 0 ? "sent" : "error " + l4.errorCode()));
    }

    private String silentKpager(KmemModel model) {
        KernelHarness h = harness(model);
        h.root(l4 -> {
            h.startTask(l4, K, "silent", 0, 50);
            h.startTask(l4, A, "client", 0, 50);
            if (model == KmemModel.KPAGER) {
                h.check(l4.kmemControl(Kmem.KPAGER, A, K, 0) == 1, "A's kpager");
            }
            h.startTask(l4, S, "server", 0, 40);
        });
        h.module("silent", l4 -> l4.ipc(ThreadId.NIL, l4.myGlobalId(), NEVER)); // never answers anyone
        h.module("client", l4 -> {
            l4.setBr(0, Items.acceptor(Fpage.COMPLETE, false));
            l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
        });
        h.module("server", l4 -> server(h, l4));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(), h.kernel.checkInvariants());
        return h.log.isEmpty() ? "server blocked: " + h.state(S) : h.log.get(0);
    }

    @Test
    void aSilentKpagerHoldsTheServerThatMapsToItsClientOnlyUnderTheKpagerModel() {
        assertEquals("server blocked: sending", silentKpager(KmemModel.KPAGER));
        assertEquals("server: sent", silentKpager(KmemModel.PRECISE));
        assertEquals("server: sent", silentKpager(KmemModel.POOL));
    }

    @Test
    void theKpagerEvictsWhatItLentAndGivesItBackAuthenticated() {
        KernelHarness h = harness(KmemModel.KPAGER);
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, K, "kpager", 0, 200);
            KernelHarness.sleep(l4, 1000); // the kpager takes its memory from sigma0 first (sigma0 will fault to it)
            long me = l4.myGlobalId();
            h.check(l4.kmemControl(Kmem.KPAGER, me, K, 0) == 1, "the root task's kpager");
            // Four pages in four 2 MiB regions: mapping nodes and page-table nodes from what the kpager lends.
            for (int i = 0; i < 4; i++) {
                KmemFramesTest.memory(l4, 0x0200_0000L + i * PAGE, 12, WINDOW + i * (2L << 20));
                l4.memory().store64(WINDOW + i * (2L << 20), 100 + i);
            }
            Space root = h.kernel.threads.lookup(me).space;
            l4.setMr(0, MsgTag.make(EVICT_ALL, 0, 0));
            l4.ipc(K, K, NEVER);
            int mapped = 0;
            for (int i = 0; i < 4; i++) {
                mapped += root.pages.get((WINDOW + i * (2L << 20)) >>> 12) != null ? 1 : 0;
            }
            seen.add("mapped after the eviction " + mapped);
            h.check(h.kernel.checkInvariants().isEmpty(), "invariants: " + h.kernel.checkInvariants());
            l4.setMr(0, MsgTag.make(RESTORE_ALL, 0, 0));
            l4.ipc(K, K, NEVER);
            long sum = 0;
            for (int i = 0; i < 4; i++) {
                sum += l4.memory().load64(WINDOW + i * (2L << 20)); // (a page-table node evicted is rebuilt here)
            }
            seen.add("read back " + sum);
        });
        h.module("kpager", l4 -> kpager(h, l4, 16));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("mapped after the eviction 0", "read back " + (100 + 101 + 102 + 103)), seen);
        List<String> log = h.log.stream().filter(s -> !s.startsWith("fault")).toList();
        assertEquals(List.of("evicted every page it lent, 4 exported", "forged: " + KernelError.describe(KernelError.INVALID_PARAMETER),
                "restored 4", "again: " + KernelError.describe(KernelError.INVALID_PARAMETER)), log);
        assertEquals(List.of(), h.kernel.checkInvariants());
    }

    @Test
    void theKpagerEvictsDerivedCapabilitiesAndGivesThemBack() {
        KernelHarness h = harness(KmemModel.KPAGER);
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, K, "kpager", 0, 200);
            KernelHarness.sleep(l4, 1000);
            long me = l4.myGlobalId();
            h.check(h.createActivated(l4, A), "A");
            h.check(l4.kmemControl(Kmem.KPAGER, A, K, 0) == 1, "A's kpager");
            h.check(l4.commControl(kola.abi.Comm.GATE, kola.abi.Comm.selector(1), me, 0x77) == 1, "a gate of the root task's");
            for (int i = 0; i < 10; i++) { // (the first needs A's object space and capability pages: the root task faults to K)
                h.check(l4.commControl(kola.abi.Comm.MAP, A, kola.abi.Comm.objectFpage(1, 0, kola.abi.Comm.SEND),
                        kola.abi.Comm.selector(10 + i)) == 1, "a capability mapped into A's slot " + (10 + i));
            }
            Space a = h.kernel.threads.lookup(A).space;
            seen.add("A holds " + a.objects.used);
            l4.setMr(0, MsgTag.make(EVICT_ALL, 0, 0));
            l4.ipc(K, K, NEVER);
            seen.add("after the eviction " + a.objects.used);
            h.check(h.kernel.checkInvariants().isEmpty(), "invariants: " + h.kernel.checkInvariants());
            l4.setMr(0, MsgTag.make(RESTORE_ALL, 0, 0));
            l4.ipc(K, K, NEVER);
            Space root = h.kernel.threads.lookup(me).space;
            CapNode c = a.objects.slots[15];
            seen.add("after the restore " + a.objects.used + ", slot 15 derived from the gate: "
                    + (c != null && c.parent == root.objects.slots[1] && c.rights == kola.abi.Comm.SEND));
        });
        h.module("kpager", l4 -> kpager(h, l4, 16));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("A holds 10", "after the eviction 0", "after the restore 10, slot 15 derived from the gate: true"), seen);
        // The page of A's object space (a slot table cannot be exported) stays; the capabilities' page goes and comes back.
        List<String> log = h.log.stream().filter(s -> !s.startsWith("fault")).toList();
        assertEquals(List.of("evicted 1 of 2, 10 exported", "forged: " + KernelError.describe(KernelError.INVALID_PARAMETER),
                "restored 10", "again: " + KernelError.describe(KernelError.INVALID_PARAMETER)), log);
        assertEquals(List.of(), h.kernel.checkInvariants());
    }

    @Test
    void kpagerOperationsRefuseBadInputAndChangeNothing() {
        KernelHarness h = harness(KmemModel.KPAGER);
        h.root(l4 -> {
            KmemFramesTest.memory(l4, 0x0200_0000L, 14, WINDOW);
            h.startTask(l4, A, "a", 0, 90);
            long me = l4.myGlobalId();
            h.expectError(l4, "KPAGER of no space", KernelError.INVALID_SPACE, 0, () -> l4.kmemControl(Kmem.KPAGER, tid(99), me, 0));
            h.expectError(l4, "a kpager that is no thread", KernelError.INVALID_THREAD, 0,
                    () -> l4.kmemControl(Kmem.KPAGER, A, tid(99), 0));
            h.expectError(l4, "EVICT of a page never lent", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.EVICT, Fpage.of(WINDOW, 12, Fpage.RWX), 0, 0));
            h.expectError(l4, "EVICT of a page not held", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.EVICT, Fpage.of(0x5000_0000L, 12, Fpage.RWX), 0, 0));
            h.expectError(l4, "RESTORE of a page with no export", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.RESTORE, Fpage.of(WINDOW, 12, Fpage.RWX), 0, 0));
            h.expectError(l4, "EVICT of 2 MiB", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.EVICT, Fpage.of(0, 21, Fpage.RWX), 0, 0));
            h.expectError(l4, "RETYPE under kpager", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.RETYPE, Fpage.of(WINDOW, 12, Fpage.RWX), Kmem.TCB, me));
            h.expectError(l4, "operation 6", KernelError.INVALID_PARAMETER, 0, () -> l4.kmemControl(6, 0, 0, 0));
            h.check(l4.kmemControl(Kmem.KPAGER, A, me, 0) == 1, "the root task is A's kpager");
            h.check(l4.kmemControl(Kmem.KPAGER, A, ThreadId.NIL, 0) == 1, "and no longer");
        });
        h.module("a", l4 -> h.expectError(l4, "KPAGER of its own space, unprivileged", KernelError.NO_PRIVILEGE, 0,
                () -> l4.kmemControl(Kmem.KPAGER, l4.myGlobalId(), l4.myGlobalId(), 0)));
        h.run();
        h.assertNoFailures();
        for (KmemModel m : List.of(KmemModel.POOL, KmemModel.LEND, KmemModel.PRECISE)) {
            KernelHarness g = harness(m);
            g.root(l4 -> g.expectError(l4, m + ": KPAGER", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.KPAGER, l4.myGlobalId(), l4.myGlobalId(), 0)));
            g.run();
            g.assertNoFailures();
        }
    }
}
