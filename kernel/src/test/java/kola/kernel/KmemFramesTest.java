package kola.kernel;

import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kola.abi.Comm;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelError;
import kola.abi.Kmem;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.machine.PhysicalMemory;
import org.junit.jupiter.api.Test;

/**
 * Kernel memory made of user memory (paper section 4.2): the {@code precise} model (pages retyped
 * into objects of one kind; revoking a page destroys exactly its objects) and {@code lend} (pages
 * lent for objects of any kind, pinned until the account is gone), their refusals, and the
 * fallback of an account without pages to its creator's.
 */
class KmemFramesTest {
    static final long A = tid(3);
    static final long B = tid(4);
    /** Where the root task keeps the memory sigma0 gives it, and the physical frames it asks for. */
    static final long WINDOW = 0x1000_0000L;
    static final long PHYS = 0x0200_0000L;
    static final long PAGE = PhysicalMemory.PAGE_SIZE;
    private static final long NEVER = Timeout.pair(Timeout.NEVER, Timeout.NEVER);

    static void sigma0(L4 l4) {
        KmemExperiment.sigma0(l4);
    }

    static void memory(L4 l4, long phys, int sizeLog2, long va) {
        KmemExperiment.memory(l4, phys, sizeLog2, va);
    }

    static void revokeFromSigma0(L4 l4, long phys, int sizeLog2) {
        KmemExperiment.revokeFromSigma0(l4, phys, sizeLog2);
    }

    /** A harness with {@code model}, naming threads by global id. */
    private static KernelHarness harness(KmemModel model) {
        return harness(model, CommModel.GLOBAL_IDS);
    }

    private static KernelHarness harness(KmemModel model, CommModel comm) {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withComm(comm).withKmem(model));
        h.sigma0(KmemFramesTest::sigma0);
        return h;
    }

    private static long page(int i) {
        return Fpage.of(WINDOW + i * PAGE, 12, Fpage.RWX);
    }

    /** Notifications made in the caller's object space from slot 1 on, until refused; -1 if refused for another reason. */
    private static int notifications(L4 l4) {
        int got = 0;
        for (int slot = 1; slot < Comm.SLOTS; slot++) {
            if (l4.commControl(Comm.NOTIFICATION, Comm.selector(slot), 0, 0) == 0) {
                return l4.errorCode() == KernelError.OUT_OF_MEMORY ? got : -1;
            }
            got++;
        }
        return got;
    }

    /** A task that makes notifications until refused, logs how many, and stays (its objects with it). */
    private static void makeNotificationsAndStay(KernelHarness h, L4 l4) {
        h.log("A made " + notifications(l4));
        sleep(l4, 1_000_000);
    }

    /** Sleeps {@code micros}: a receive nobody can answer (under capabilities from the reply capability, which it does not hold). */
    private static void sleep(L4 l4, long micros) {
        long from = l4.kernelInterface().capabilities() ? Comm.REPLY : l4.myGlobalId();
        l4.ipc(ThreadId.NIL, from, Timeout.pair(Timeout.NEVER, Timeout.relative(micros)));
    }

    private static Space space(KernelHarness h, long id) {
        Tcb t = h.kernel.threads.lookup(id);
        return t == null ? null : t.space;
    }

    @Test
    void aFundedTaskMakesObjectsFromItsOwnPagesOnlyAndRevokingAPageDestroysExactlyItsObjects() {
        KernelHarness h = harness(KmemModel.PRECISE, CommModel.CAPABILITIES);
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            memory(l4, PHYS, 16, WINDOW);
            h.startTask(l4, A, "a", 0, 90);
            h.check(l4.kmemControl(Kmem.RETYPE, page(0), Kmem.OBJECT_SPACE, A) == 1 && l4.ret(Kmem.OUT_PAGES) == 1, "object space");
            h.check(l4.kmemControl(Kmem.RETYPE, Fpage.of(WINDOW + 2 * PAGE, 13, Fpage.RWX), Kmem.NOTIFICATION, A) == 1,
                    "notifications, two pages");
            h.check(l4.kmemControl(Kmem.RETYPE, Fpage.of(WINDOW + 4 * PAGE, 13, Fpage.RWX), Kmem.CAPABILITY, A) == 1
                    && l4.ret(Kmem.OUT_PAGES) == 2, "capabilities, two pages");
            Space root = space(h, l4.myGlobalId());
            root.debugger = true;
            h.check(root.pageTable.lookup(WINDOW + 2 * PAGE) == 0, "the root task can no longer reach a retyped page");
            long poolBefore = h.kernel.kmem.used() - frameBytes(h);
            sleep(l4, 2000); // A makes its objects
            seen.add("pool bytes for A's objects: " + (h.kernel.kmem.used() - frameBytes(h) - poolBefore));
            Space a = space(h, A);
            seen.add("capabilities " + a.objects.used);
            String kmem = Kdb.query(h.kernel, root, "kmem"); // (the kernel debugger's view, as a module with its right sees it)
            seen.add("kmem shows A's pages: " + kmem.lines().filter(r -> r.trim().startsWith("a ")).map(r -> r.trim().split("\\s+")[9])
                    .findFirst().orElse("no row"));
            // The root task takes one capability page back (flushes its own mapping): exactly its capabilities go.
            l4.setMr(0, Fpage.of(WINDOW + 5 * PAGE, 12, Fpage.RWX));
            l4.unmap(0x40);
            seen.add("capabilities left " + a.objects.used);
            seen.add("notifications charged " + a.kernelBytes[KernelObject.NOTIFICATION.ordinal()] / Notification.BYTES);
            h.check(h.kernel.checkInvariants().isEmpty(), "invariants after revoking: " + h.kernel.checkInvariants());
            // Sigma0 maps the page again: it comes back zeroed.
            memory(l4, PHYS + 5 * PAGE, 12, WINDOW + 5 * PAGE);
            seen.add("the page again: " + l4.memory().load64(WINDOW + 5 * PAGE + 8));
        });
        h.module("a", l4 -> makeNotificationsAndStay(h, l4));
        h.run();
        h.assertNoFailures();
        int perPage = (int) (PAGE / CapNode.BYTES);
        assertEquals(List.of("pool bytes for A's objects: 0", "capabilities " + 2 * perPage, "kmem shows A's pages: 5",
                "capabilities left " + perPage, "notifications charged " + perPage, "the page again: 0"), seen);
        assertEquals(List.of("A made " + 2 * perPage), h.log);
        assertEquals(List.of(), h.kernel.checkInvariants());
    }

    private static long frameBytes(KernelHarness h) {
        long sum = 0;
        for (KernelFrame f : h.kernel.frames.frames()) {
            sum += f.used;
        }
        return sum;
    }

    private static int tables(KernelHarness h, Space s) {
        int n = 0;
        for (KernelFrame f : h.kernel.frames.frames()) {
            n += f.table == s ? 1 : 0;
        }
        return n;
    }

    /** A's receiver: takes one map into anywhere, then waits. */
    private static void takeOneMap(L4 l4) {
        l4.setBr(0, Items.acceptor(Fpage.COMPLETE, false));
        l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
        sleep(l4, 1_000_000);
    }

    @Test
    void revokingByThePagerDestroysThreadsAndPageTablesAndTheirMappings() {
        KernelHarness h = harness(KmemModel.PRECISE);
        List<String> seen = new ArrayList<>();
        long far = 0x3E_0000_0000L; // a gigabyte of A's with nothing in it: a map there needs two page-table nodes
        h.root(l4 -> {
            memory(l4, PHYS, 16, WINDOW);
            h.startTask(l4, A, "a", 0, 90);
            h.check(l4.kmemControl(Kmem.RETYPE, page(0), Kmem.TCB, A) == 1, "TCBs");
            h.check(l4.kmemControl(Kmem.RETYPE, Fpage.of(WINDOW + 4 * PAGE, 14, Fpage.RWX), Kmem.PAGE_TABLE, A) == 1, "page tables");
            h.check(l4.kmemControl(Kmem.RETYPE, page(1), Kmem.MAPPING_NODE, A) == 1, "mapping nodes");
            int made = 0;
            for (int i = 0; i < 6; i++) {
                if (l4.threadControl(tid(10 + i), A, l4.myGlobalId(), ThreadId.NIL, KernelHarness.UTCB + (i + 1) * 1024L) == 1) {
                    made++;
                } else {
                    seen.add("thread " + i + ": " + KernelError.describe(l4.errorCode()));
                }
            }
            seen.add("threads made " + made);
            Space a = space(h, A);
            l4.setMr(0, MsgTag.make(0, 0, 2));
            Items.putMap(l4, 1, Fpage.of(WINDOW + 2 * PAGE, 12, Fpage.RWX), far);
            l4.ipc(A, ThreadId.NIL, NEVER);
            seen.add("page-table nodes from A's pages " + tables(h, a) + ", mapped " + (a.pages.get(far >>> 12) != null));
            revokeFromSigma0(l4, PHYS, 12); // the TCB page: A's four threads made from it die
            seen.add("threads left in A " + a.threads);
            revokeFromSigma0(l4, PHYS + 4 * PAGE, 14); // the page-table pages: the nodes go, and the mapping under them
            seen.add("page-table nodes after " + tables(h, a) + ", mapped " + (a.pages.get(far >>> 12) != null)
                    + ", entry " + a.pageTable.lookup(far));
            h.check(h.kernel.checkInvariants().isEmpty(), "invariants: " + h.kernel.checkInvariants());
        });
        h.module("a", KmemFramesTest::takeOneMap);
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("thread 4: " + KernelError.describe(KernelError.OUT_OF_MEMORY),
                "thread 5: " + KernelError.describe(KernelError.OUT_OF_MEMORY), "threads made 4",
                "page-table nodes from A's pages 2, mapped true", "threads left in A 1",
                "page-table nodes after 0, mapped false, entry 0"), seen);
        assertEquals(List.of(), h.kernel.checkInvariants());
    }

    @Test
    void aThreadThatRevokesThePageItsOwnControlBlockLivesInIsDestroyedAtTheEndOfThatVeryCall() {
        KernelHarness h = harness(KmemModel.PRECISE);
        h.root(l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                // The second thread of the root task's space, whose control block is in page 0: it flushes page 0.
                l4.setMr(0, page(0));
                l4.unmap(0x40);
                h.log("the revoking thread ran on"); // never: it was destroyed at the end of its own kernel entry
                return;
            }
            memory(l4, PHYS, 12, WINDOW);
            long me = l4.myGlobalId();
            h.check(l4.kmemControl(Kmem.RETYPE, page(0), Kmem.TCB, me) == 1, "the root task's own TCBs");
            h.check(h.startThread(l4, tid(10), me, 1, "roottask", 1, 255), "a second thread, from that page");
            sleep(l4, 1000);
            h.log("root: its second thread " + (h.kernel.threads.lookup(tid(10)) == null ? "gone" : "alive"));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("root: its second thread gone"), h.log);
        assertEquals(List.of(), h.kernel.checkInvariants());
    }

    @Test
    void lentPagesArePinnedAndGoBackWhenTheAccountIsGone() {
        KernelHarness h = harness(KmemModel.LEND, CommModel.CAPABILITIES);
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            memory(l4, PHYS, 16, WINDOW);
            h.startTask(l4, A, "a", 0, 90);
            h.check(l4.kmemControl(Kmem.LEND, Fpage.of(WINDOW, 14, Fpage.RWX), A, 0) == 1 && l4.ret(Kmem.OUT_PAGES) == 4, "lend 4");
            sleep(l4, 2000);
            Space a = space(h, A);
            seen.add("A holds " + a.objects.used + " capabilities");
            revokeFromSigma0(l4, PHYS, 14); // the root task loses its mappings; the kernel keeps the pages
            seen.add("after the unmap " + a.objects.used + ", frames " + h.kernel.frames.frameCount());
            h.check(h.kernel.checkInvariants().isEmpty(), "invariants: " + h.kernel.checkInvariants());
            h.check(l4.threadControl(A, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1) == 1, "delete A");
            seen.add("after A is gone, frames " + h.kernel.frames.frameCount());
            memory(l4, PHYS, 12, WINDOW);
            seen.add("the page again: " + l4.memory().load64(WINDOW));
        });
        h.module("a", l4 -> makeNotificationsAndStay(h, l4));
        h.run();
        h.assertNoFailures();
        // 4 pages for the object space (one page), notifications of 32 and capabilities of 48 bytes.
        int pairs = (int) (3 * PAGE / (Notification.BYTES + CapNode.BYTES));
        assertEquals(List.of("A made " + pairs), h.log);
        assertEquals(List.of("A holds " + pairs + " capabilities", "after the unmap " + pairs + ", frames 4",
                "after A is gone, frames 0", "the page again: 0"), seen);
    }

    @Test
    void anAccountWithoutPagesDrawsOnItsCreatorsAndOneWithPagesOnlyOnItsOwn() {
        KernelHarness h = harness(KmemModel.PRECISE);
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            memory(l4, PHYS, 16, WINDOW);
            h.check(h.createActivated(l4, A), "A");
            h.check(h.createActivated(l4, B), "B");
            Space root = space(h, l4.myGlobalId());
            // The root task funds its own notifications: A, which has none of its own, draws on them.
            h.check(l4.kmemControl(Kmem.RETYPE, page(0), Kmem.TCB, l4.myGlobalId()) == 1, "root's TCBs");
            h.check(l4.kmemControl(Kmem.RETYPE, page(1), Kmem.TCB, B) == 1, "B's TCBs");
            l4.threadControl(tid(10), A, l4.myGlobalId(), ThreadId.NIL, KernelHarness.UTCB + 1024);
            l4.threadControl(tid(11), B, l4.myGlobalId(), ThreadId.NIL, KernelHarness.UTCB + 1024);
            seen.add("A's thread lives in " + where(h, tid(10), root));
            seen.add("B's thread lives in " + where(h, tid(11), root));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("A's thread lives in the root task's page", "B's thread lives in B's page"), seen);
    }

    private static String where(KernelHarness h, long id, Space root) {
        KernelFrame f = h.kernel.threads.lookup(id).frame;
        return f == KernelFrame.POOL ? "the pool" : f.account == root ? "the root task's page" : f.account == space(h, B) ? "B's page" : f.account + "'s page";
    }

    @Test
    void retypeAndLendRefuseBadInputAndChangeNothing() {
        KernelHarness h = harness(KmemModel.PRECISE);
        h.root(l4 -> {
            memory(l4, PHYS, 16, WINDOW);
            h.startTask(l4, A, "a", 0, 90);
            long me = l4.myGlobalId();
            h.expectError(l4, "kind 0", KernelError.INVALID_PARAMETER, 0, () -> l4.kmemControl(Kmem.RETYPE, page(0), 0, me));
            h.expectError(l4, "kind 11 (none)", KernelError.INVALID_PARAMETER, 0, () -> l4.kmemControl(Kmem.RETYPE, page(0), Kmem.ENDPOINT + 1, me));
            h.expectError(l4, "nil fpage", KernelError.INVALID_PARAMETER, 0, () -> l4.kmemControl(Kmem.RETYPE, Fpage.NIL, Kmem.TCB, me));
            h.expectError(l4, "complete fpage", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.RETYPE, Fpage.COMPLETE, Kmem.TCB, me));
            h.expectError(l4, "an object fpage", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.RETYPE, Comm.objectFpage(1, 0, Fpage.RWX), Kmem.TCB, me));
            h.expectError(l4, "over 1 MiB", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.RETYPE, Fpage.of(0, 21, Fpage.RWX), Kmem.TCB, me));
            h.expectError(l4, "pages not held (16 of 32)", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.RETYPE, Fpage.of(WINDOW, 17, Fpage.RWX), Kmem.TCB, me));
            h.expectError(l4, "no such account", KernelError.INVALID_SPACE, 0,
                    () -> l4.kmemControl(Kmem.RETYPE, page(0), Kmem.TCB, tid(99)));
            h.expectError(l4, "LEND under precise", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.LEND, page(0), me, 0));
            h.expectError(l4, "operation 3", KernelError.INVALID_PARAMETER, 0, () -> l4.kmemControl(3, page(0), Kmem.TCB, me));
            // A page mapped on may not be retyped (its receiver would keep reaching it).
            l4.setMr(0, MsgTag.make(0, 0, 2));
            Items.putMap(l4, 1, page(5), 0x2000_0000L);
            l4.ipc(A, ThreadId.NIL, NEVER);
            h.expectError(l4, "a page mapped on", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.RETYPE, page(5), Kmem.TCB, me));
            // Sigma0 maps page 6's frame to the root task a second time (at page 7): the two share it.
            memory(l4, PHYS + 6 * PAGE, 12, WINDOW + 7 * PAGE);
            h.expectError(l4, "a page shared with another mapping of its frame", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.RETYPE, page(6), Kmem.TCB, me));
            h.check(l4.kmemControl(Kmem.RETYPE, page(0), Kmem.TCB, me) == 1, "a good one");
            h.expectError(l4, "retyped already", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.RETYPE, page(0), Kmem.TCB, me));
        });
        h.module("a", l4 -> {
            l4.setBr(0, Items.acceptor(Fpage.COMPLETE, false));
            l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER); // (takes the root task's page 5)
            sleep(l4, 1000); // the root task is done meanwhile
            long me = l4.myGlobalId();
            l4.setMr(0, Fpage.of(0x2000_0000L, 12, Fpage.W));
            l4.unmap(0x40); // takes W from its own mapping
            h.expectError(l4, "read-only page", KernelError.INVALID_PARAMETER, 0,
                    () -> l4.kmemControl(Kmem.RETYPE, Fpage.of(0x2000_0000L, 12, Fpage.RWX), Kmem.TCB, me));
            h.expectError(l4, "for another task, unprivileged", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.kmemControl(Kmem.RETYPE, Fpage.of(0x2000_0000L, 12, Fpage.RWX), Kmem.TCB, tid(2)));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(), h.kernel.checkInvariants());
    }

    @Test
    void retypeIsRefusedUnderThePoolAndLendUnderPrecise() {
        for (KmemModel m : List.of(KmemModel.POOL, KmemModel.QUOTA)) {
            KernelHarness h = harness(m);
            h.root(l4 -> {
                memory(l4, PHYS, 12, WINDOW);
                h.expectError(l4, m + ": retype", KernelError.INVALID_PARAMETER, 0,
                        () -> l4.kmemControl(Kmem.RETYPE, page(0), Kmem.TCB, l4.myGlobalId()));
                h.expectError(l4, m + ": lend", KernelError.INVALID_PARAMETER, 0,
                        () -> l4.kmemControl(Kmem.LEND, page(0), l4.myGlobalId(), 0));
            });
            h.run();
            h.assertNoFailures();
            assertNull(h.kernel.frames);
        }
    }

    @Test
    void theKipNamesTheKernelMemoryModel() {
        for (KmemModel m : KmemModel.values()) {
            KernelHarness h = harness(m);
            long[] word = new long[1];
            h.root(l4 -> word[0] = l4.memory().load64(KernelHarness.KIP_BASE + kola.abi.Kip.KMEM_MODEL_OFFSET));
            h.run();
            h.assertNoFailures();
            assertEquals(m.ordinal(), word[0], m.label());
            assertTrue(h.kernel.kip().kmemModel() == m.ordinal());
        }
    }
}
