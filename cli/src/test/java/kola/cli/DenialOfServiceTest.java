package kola.cli;

import static kola.cli.FuzzHarness.ping;
import static kola.cli.FuzzHarness.sleep;
import static kola.cli.FuzzHarness.task;
import static kola.cli.FuzzHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.KernelError;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Schedule;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import org.junit.jupiter.api.Test;

/**
 * Denial of service under the central kernel-memory pool (paper section 4.2: "it is trivial to
 * mount a denial-of-service attack on the kernel-memory allocator"), recorded as measured facts.
 * With plain L4's fixed pool, one task that asks for kernel objects until there are none left
 * denies every other task the next one: they get {@code OUT_OF_MEMORY}. Nothing else breaks —
 * no kernel exception, no invariant violated (the checker runs after every kernel entry), objects
 * that exist stay, IPC (which needs no kernel memory) goes on — and deleting the hog gives the
 * memory back.
 */
class DenialOfServiceTest {
    /** Task-server protocol: create a thread in the caller's space. Reply: MR1 KernelError, MR2 the id. */
    static final long CREATE = 0x40;
    /** Task-server protocol: delete the hog (the administrator's remedy). */
    static final long REMEDY = 0x41;
    static final long ECHO = tid(0);
    static final long VICTIM = tid(1);
    static final long HOG = tid(2);
    static final long POOL = 192 << 10;

    /**
     * Threads. The root task is the task server: ThreadControl is privileged, so tasks ask it for
     * threads (as L4 systems do), and every thread it makes comes out of the one central pool.
     * The victim gets a worker thread and talks to an echo server; then the hog asks for threads
     * until the server says no; then the victim asks for one more.
     */
    @Test
    void oneTaskTakesEveryThreadTheCentralPoolHasAndTheVictimGetsOutOfMemory() {
        FuzzHarness h = new FuzzHarness().config(KernelConfig.defaults().withKernelMemory(POOL));
        AtomicLong memoryWhenHogStopped = new AtomicLong();
        h.module("echo", FuzzHarness::echo);
        h.module("hog", l4 -> {
            if (FuzzHarness.entry(l4) == WORKER) {
                worker(l4);
            }
            int got = 0;
            while (true) {
                long rc = create(l4);
                if (rc != KernelError.OK) {
                    memoryWhenHogStopped.set(h.kernel.kernelMemory()[0]);
                    h.log("hog: got " + got + " threads, then " + KernelError.describe(rc));
                    break;
                }
                got++;
            }
            while (true) {
                sleep(l4, 10_000);
            }
        });
        h.module("victim", l4 -> {
            if (FuzzHarness.entry(l4) == WORKER) {
                worker(l4);
            }
            long first = create(l4);
            long worker = l4.mr(2);
            h.log("victim: first thread " + KernelError.describe(first));
            h.log("victim: echo before " + ping(l4, ECHO, 10, 10_000));
            sleep(l4, 20_000); // the hog runs meanwhile
            long second = create(l4);
            h.log("victim: second thread " + KernelError.describe(second));
            int answered = 0;
            for (int i = 0; i < 10; i++) {
                answered += ping(l4, ECHO, 2 * i, 10_000) ? 1 : 0;
            }
            h.log("victim: echo after " + answered + " of 10");
            h.log("victim: worker alive " + (l4.exchangeRegisters(worker, ExRegs.DELIVER, 0, 0, 0, 0, ThreadId.NIL) != ThreadId.NIL
                    && (l4.ret(ExRegs.OUT_CONTROL) & ExRegs.WAS_HALTED) == 0));
            l4.setMr(0, MsgTag.make(REMEDY, 0, 0));
            l4.call(l4.kernelInterface().rootTask());
            h.log("victim: after the hog is gone " + KernelError.describe(create(l4)));
        });
        h.root(l4 -> taskServer(h, l4));
        h.run(2_000_000);

        List<String> hog = h.logged("hog:");
        assertEquals(1, hog.size(), () -> h.log + "\n" + h.console());
        int got = Integer.parseInt(hog.get(0).split(" ")[2]);
        System.out.println("denial of service, central pool of " + (POOL >> 10) + " KiB: " + hog.get(0)
                + "; kernel memory in use then: " + memoryWhenHogStopped.get() + " of " + h.kernel.kernelMemory()[1]
                + " bytes; " + h.log);
        assertTrue(got > 10, "the hog got " + got + " threads");
        assertTrue(hog.get(0).endsWith(KernelError.describe(KernelError.OUT_OF_MEMORY)), hog.get(0));
        assertTrue(memoryWhenHogStopped.get() + 1024 > h.kernel.kernelMemory()[1], "the pool was exhausted");
        assertEquals(List.of(
                "victim: first thread ok",
                "victim: echo before true",
                "victim: second thread " + KernelError.describe(KernelError.OUT_OF_MEMORY),
                "victim: echo after 10 of 10",
                "victim: worker alive true",
                "victim: after the hog is gone ok"), h.logged("victim:"), () -> h.log + "\n" + h.console());
        h.assertInvariantsHold();
    }

    /** Entry 1 of the hog and the victim: a thread the task server made for them. It lives on. */
    static final int WORKER = 1;

    static void worker(L4 l4) {
        while (true) {
            l4.receive(l4.myGlobalId()); // waits for ever (nobody can send that): alive, costing no time
        }
    }

    /** Asks the task server for a thread in the caller's space; returns the KernelError (MR2 the id). */
    static long create(L4 l4) {
        l4.setMr(0, MsgTag.make(CREATE, 0, 0));
        long tag = l4.call(l4.kernelInterface().rootTask());
        return MsgTag.failed(tag) ? -1 : l4.mr(1);
    }

    /** The root task as task server: starts echo, victim and hog, then creates threads on request. */
    static void taskServer(FuzzHarness h, L4 l4) {
        long sigma0 = l4.kernelInterface().sigma0();
        for (String failure : new String[] {task(l4, ECHO, sigma0, "echo", 0, 150),
            task(l4, VICTIM, sigma0, "victim", 0, 140), task(l4, HOG, sigma0, "hog", 0, 130)}) {
            if (failure != null) {
                h.log("root: " + failure);
            }
        }
        long next = ThreadId.number(tid(10));
        Map<Long, Integer> slots = new HashMap<>();
        List<Long> hogThreads = new ArrayList<>();
        long from = l4.waitAny();
        while (true) {
            long label = MsgTag.label(l4.mr(0));
            if (label == CREATE) {
                long id = ThreadId.global(next++, 1);
                int slot = slots.merge(from, 1, Integer::sum);
                long rc = KernelError.OK;
                // The new thread runs the requester's program at its WORKER entry.
                l4.exchangeRegisters(from, ExRegs.DELIVER, 0, 0, 0, 0, ThreadId.NIL);
                long ip = (l4.ret(ExRegs.OUT_IP) & ~0xFFFF_FFFFL) + WORKER;
                if (l4.threadControl(id, from, l4.myGlobalId(), sigma0, FuzzHarness.UTCB + slot * 1024L) == 0) {
                    rc = l4.errorCode();
                } else {
                    l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, 100, Schedule.UNCHANGED);
                    if (l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, ip, 0, 0, ThreadId.NIL) == ThreadId.NIL) {
                        rc = l4.errorCode();
                    }
                    if (from == HOG) {
                        hogThreads.add(id);
                    }
                }
                l4.setMr(1, rc);
                l4.setMr(2, id);
                l4.setMr(0, MsgTag.make(0, 2, 0));
            } else if (label == REMEDY) {
                for (long t : hogThreads) {
                    l4.threadControl(t, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1);
                }
                l4.threadControl(HOG, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1);
                l4.setMr(0, MsgTag.make(0, 0, 0));
            } else {
                l4.setMr(0, MsgTag.make(1, 0, 0));
            }
            from = l4.replyWait(from);
        }
    }

    /**
     * Page tables (the paper's own example in section 4.2: a pager's map fails because the
     * client has no memory for the page table). An unprivileged task needs no privilege to eat
     * the pool: every page it touches in a fresh 2 MiB region costs a page table, charged to the
     * one central pool. Here one pager serves both the hog and the victim, mapping its single page
     * wherever they fault. When the pool is dry, the pager's map to the hog fails (message
     * overflow, and the hog dies of its fault), the root task's ThreadControl gets
     * OUT_OF_MEMORY, the pager's map to the victim fails the same way (the victim dies of its next
     * fault), and IPC between two other tasks goes on untouched.
     */
    @Test
    void oneTaskEatsThePoolWithPageTablesAndTheOthersGetErrors() {
        FuzzHarness h = new FuzzHarness().config(KernelConfig.defaults().withKernelMemory(POOL));
        AtomicLong hogPages = new AtomicLong();
        long pager = tid(4);
        h.module("echo", FuzzHarness::echo);
        h.module("pager", l4 -> {
            long page = 0x4000_0000L;
            if (!kola.system.Sigma0.requestPage(l4, kola.system.Sigma0.anyPage(12), Fpage.of(page, 12, 0))) {
                h.log("pager: no page from sigma0");
                return;
            }
            long client = l4.waitAny();
            while (true) {
                if (!MsgTag.failed(l4.mr(0)) && kola.abi.KernelLabels.isPageFault(MsgTag.label(l4.mr(0)))) {
                    Items.putMap(l4, 1, Fpage.of(page, 12, Fpage.R | Fpage.W), l4.mr(1) & -4096L);
                    l4.setMr(0, MsgTag.make(0, 0, 2));
                    l4.ipc(client, ThreadId.NIL, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
                    if (MsgTag.failed(l4.mr(0))) {
                        h.log("pager: map to " + (client == HOG ? "hog" : client == VICTIM ? "victim" : ThreadId.toString(client))
                                + " failed: " + IpcError.describe(l4.errorCode() & 0xF));
                    }
                }
                client = l4.waitAny();
            }
        });
        h.module("hog", l4 -> {
            for (long i = 0; i < 10_000; i++) {
                l4.memory().store8(0x10_0000_0000L + (i << 21), 1);
                hogPages.incrementAndGet();
            }
            h.log("hog: touched every page"); // must not happen: the pool is too small
        });
        h.module("victim", l4 -> {
            l4.memory().store64(0x0F00_0000L, 1);
            h.log("victim: first page mapped");
            sleep(l4, 2_000); // the hog runs meanwhile
            h.log("victim: touching a new page");
            l4.memory().store64(0x0F20_0000L, 2);
            h.log("victim: second page mapped");
        });
        h.module("client", l4 -> {
            sleep(l4, 4_000);
            int answered = 0;
            for (int i = 0; i < 10; i++) {
                answered += ping(l4, ECHO, 2 * i, 10_000) ? 1 : 0;
            }
            h.log("client: echo after " + answered + " of 10");
        });
        h.root(l4 -> {
            long sigma0 = l4.kernelInterface().sigma0();
            for (String failure : new String[] {task(l4, ECHO, sigma0, "echo", 0, 160),
                task(l4, pager, sigma0, "pager", 0, 200), task(l4, VICTIM, pager, "victim", 0, 140),
                task(l4, HOG, pager, "hog", 0, 130), task(l4, tid(3), sigma0, "client", 0, 120)}) {
                if (failure != null) {
                    h.log("root: " + failure);
                }
            }
            sleep(l4, 3_000);
            long spare = tid(9);
            h.log("root: ThreadControl after the hog " + (l4.threadControl(spare, spare, l4.myGlobalId(), ThreadId.NIL, -1) == 1
                    ? "ok" : KernelError.describe(l4.errorCode())));
        });
        h.run(200_000);

        Kernel.SpaceInfo hogSpace = null;
        for (Kernel.SpaceInfo s : h.kernel.spaces()) {
            if (s.name().equals("hog")) {
                hogSpace = s;
            }
        }
        System.out.println("denial of service by page tables, central pool of " + (POOL >> 10) + " KiB: the hog touched "
                + hogPages.get() + " pages in separate 2 MiB regions and holds " + (hogSpace == null ? "?" : hogSpace.kernelBytes())
                + " bytes of kernel memory; " + h.log);
        assertTrue(hogPages.get() > 5, "pages " + hogPages.get());
        assertEquals(List.of(
                "victim: first page mapped",
                "pager: map to hog failed: message overflow (send phase)",
                "victim: touching a new page",
                "pager: map to victim failed: message overflow (send phase)",
                "root: ThreadControl after the hog " + KernelError.describe(KernelError.OUT_OF_MEMORY),
                "client: echo after 10 of 10"), h.log, h::console);
        assertEquals("inactive", h.info(HOG).state());
        assertEquals("inactive", h.info(VICTIM).state());
        assertTrue(h.console().contains("(victim) halted: page fault at 0xf200000: IPC to the pager failed: message overflow"),
                h.console());
        h.assertInvariantsHold();
    }
}
