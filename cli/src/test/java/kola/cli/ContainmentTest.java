package kola.cli;

import static kola.cli.FuzzHarness.ping;
import static kola.cli.FuzzHarness.sleep;
import static kola.cli.FuzzHarness.task;
import static kola.cli.FuzzHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelError;
import kola.abi.KernelLabels;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import java.util.List;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import org.junit.jupiter.api.Test;

/**
 * Fault containment (issue #6): a task that throws, touches memory it has no mapping for, loops
 * calling the kernel, floods a server, exhausts kernel memory, or whose pager dies hurts only
 * itself. In every case a server and a client in other tasks keep talking (every one of the
 * client's calls is answered), the kernel answers the culprit with error codes, and the invariant
 * checker runs after every kernel entry (a violation fails the test).
 */
class ContainmentTest {
    static final long SERVER = tid(0);
    static final long CLIENT = tid(1);
    static final long BAD = tid(2);
    static final long PAGER = tid(3);
    static final int CALLS = 40;

    /** What the root task does after starting the world. */
    interface RootTail {
        void run(FuzzHarness h, L4 l4);
    }

    /**
     * The world: sigma0, a root task that starts the echo server, the bad task (with pager
     * {@code badPager}; -1 means sigma0) and the good client, then runs {@code tail}.
     */
    static FuzzHarness world(java.util.function.Function<FuzzHarness, Program> bad, int badPriority, long badPager,
                             RootTail tail) {
        FuzzHarness h = new FuzzHarness();
        h.module("server", FuzzHarness::echo);
        h.module("bad", bad.apply(h));
        h.module("client", l4 -> {
            int ok = 0;
            for (int i = 0; i < CALLS; i++) {
                ok += ping(l4, SERVER, 2 * i, 50_000) ? 1 : 0;
                sleep(l4, 200);
            }
            h.log("client: " + ok + " of " + CALLS + " calls answered");
        });
        h.root(l4 -> {
            long sigma0 = l4.kernelInterface().sigma0();
            check(h, task(l4, SERVER, sigma0, "server", 0, 150));
            check(h, task(l4, BAD, badPager == -1 ? sigma0 : badPager, "bad", 0, badPriority));
            check(h, task(l4, CLIENT, sigma0, "client", 0, 100));
            if (tail != null) {
                tail.run(h, l4);
            }
        });
        return h;
    }

    static void check(FuzzHarness h, String failure) {
        if (failure != null) {
            h.log("root: " + failure);
        }
    }

    /** Runs the world to its end; the client must have had every call answered. */
    static void runAndExpectTheOthersWent(FuzzHarness h) {
        h.runUntilLogged("client:", 3_000_000);
        assertEquals(java.util.List.of("client: " + CALLS + " of " + CALLS + " calls answered"), h.logged("client:"),
                () -> "log " + h.log + "\nconsole:\n" + h.console());
        assertEquals(java.util.List.of(), h.logged("root:"));
        h.assertInvariantsHold();
    }

    @Test
    void aTaskThatThrowsHaltsAloneAndIsReported() {
        FuzzHarness h = world(hh -> l4 -> {
            l4.systemClock();
            throw new IllegalStateException("bad task: thrown on purpose");
        }, 120, -1, null);
        runAndExpectTheOthersWent(h);
        assertTrue(h.console().contains("bad task: thrown on purpose"), h.console());
        assertEquals("inactive", h.info(BAD).state());
    }

    @Test
    void aTaskWhoseExceptionGoesToAHandlerIsRestartedByIt() {
        // The bad task names a handler: each exception arrives there as IPC (label EXCEPTION, MR2
        // the kind) and the handler restarts the thread at its entry, three times, then refuses.
        long handler = tid(4);
        FuzzHarness h = world(hh -> l4 -> {
            l4.setExceptionHandler(handler);
            l4.systemClock();
            throw new ArithmeticException("bad task: / by zero");
        }, 120, -1, (hh, l4) -> check(hh, task(l4, handler, l4.kernelInterface().sigma0(), "handler", 0, 140)));
        h.module("handler", l4 -> {
            int restarts = 0;
            long from = l4.waitAny();
            while (true) {
                long tag = l4.mr(0);
                if (MsgTag.label(tag) == KernelLabels.EXCEPTION && from == BAD && restarts < 3) {
                    restarts++;
                    h.log("handler: exception " + l4.mr(2) + " from the bad task, restart " + restarts);
                    l4.setMr(0, MsgTag.make(0, 1, 0)); // MR1 (the start ip) stays: restart there
                } else {
                    l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
                }
                from = l4.replyWait(from);
            }
        });
        runAndExpectTheOthersWent(h);
        assertEquals(3, h.logged("handler: exception " + KernelLabels.EXC_RUNTIME).size(), h.log::toString);
        assertEquals("inactive", h.info(BAD).state());
    }

    @Test
    void aTaskWithoutAPagerThatTouchesUnmappedMemoryHaltsAlone() {
        FuzzHarness h = world(hh -> l4 -> {
            l4.memory().store64(0x1000_0000L, 42);
            hh.log("bad: survived the fault");
        }, 120, ThreadId.NIL, null);
        runAndExpectTheOthersWent(h);
        assertTrue(h.console().contains("no pager"), h.console());
        assertEquals(java.util.List.of(), h.logged("bad:"));
    }

    @Test
    void aTaskThatTouchesMemoryOutsideTheAddressSpaceHaltsAlone() {
        FuzzHarness h = world(hh -> l4 -> {
            l4.memory().load64(1L << 40);
            hh.log("bad: survived the fault");
        }, 120, -1, null);
        runAndExpectTheOthersWent(h);
        assertEquals(java.util.List.of(), h.logged("bad:"));
        assertEquals("inactive", h.info(BAD).state(), h.console());
    }

    @Test
    void aTaskThatLoopsCallingTheKernelDoesNotStarveItsPeers() {
        // Same priority as the client: round robin by time slice (1 ms here) keeps the client going.
        FuzzHarness h = world(hh -> l4 -> {
            while (true) {
                l4.systemClock();
                l4.threadSwitch(ThreadId.NIL);
                l4.schedule(l4.myGlobalId(), -1, -1, -1, -1);
            }
        }, 100, -1, null);
        h.config(KernelConfig.defaults().withTimeslice(1_000));
        runAndExpectTheOthersWent(h);
        assertEquals("ready", h.info(BAD).state());
    }

    @Test
    void aTaskThatFloodsTheServerDoesNotShutOutItsOtherClients() {
        // Three threads of the bad task send to the server as fast as they can, with no timeout;
        // the server takes their messages in turn with the client's calls, which all get through.
        // (The flooders run below the client: at the client's own priority they would starve it,
        // the kernel bug FuzzBugsTest#aThreadThatKeepsWakingAHigherPriorityServerStillYieldsToItsPeers.)
        FuzzHarness h = world(hh -> l4 -> {
            for (long i = 0; ; i++) {
                l4.setMr(1, i);
                l4.setMr(0, MsgTag.make(7, 1, 0));
                l4.send(SERVER);
            }
        }, 90, -1, (hh, l4) -> {
            long sigma0 = l4.kernelInterface().sigma0();
            for (int k = 1; k <= 2; k++) {
                long e = FuzzHarness.thread(l4, tid(10 + k), BAD, k, sigma0, "bad", 0, 90);
                if (e != KernelError.OK) {
                    hh.log("root: flooder " + k + ": " + KernelError.describe(e));
                }
            }
        });
        long[] flooded = {0};
        h.kernel().setEventListener((type, time, a, b, c) -> {
            if (type == kola.kernel.KernelEvents.TRANSFER && b == SERVER && a != CLIENT) {
                flooded[0]++;
            }
        });
        h.runUntilLogged("client:", 1_000_000);
        assertEquals(java.util.List.of("client: " + CALLS + " of " + CALLS + " calls answered"), h.logged("client:"),
                () -> "log " + h.log + "\nconsole:\n" + h.console());
        assertTrue(flooded[0] > 1_000, "the server took " + flooded[0] + " flood messages");
        h.assertInvariantsHold();
    }

    @Test
    void aTaskThatExhaustsKernelMemoryGetsErrorsAndTheOthersGoOn() {
        // A small central pool; the bad task touches one page in each of many 2 MiB regions, so
        // each fault costs a page table: the pool runs dry. Its last fault fails (the map runs out
        // of kernel memory: message overflow) and it dies, the root task's ThreadControl gets
        // OUT_OF_MEMORY, and the client's IPC, which needs no kernel memory, goes on.
        FuzzHarness h = world(hh -> l4 -> {
            for (long i = 0; ; i++) {
                l4.memory().store8(0x0100_0000L + (i << 21), 1); // 16 MiB + i * 2 MiB: sigma0 maps its own frame
            }
        }, 90, -1, (hh, l4) -> {
            sleep(l4, 3_000);
            long spare = tid(9);
            long created = l4.threadControl(spare, spare, l4.myGlobalId(), ThreadId.NIL, -1);
            hh.log("oom: ThreadControl " + (created == 1 ? "succeeded" : KernelError.describe(l4.errorCode())));
        });
        h.config(KernelConfig.defaults().withKernelMemory(256 << 10));
        runAndExpectTheOthersWent(h);
        assertEquals(java.util.List.of("oom: ThreadControl " + KernelError.describe(KernelError.OUT_OF_MEMORY)),
                h.logged("oom:"), h.console());
        assertTrue(h.console().contains("message overflow"), h.console());
    }

    @Test
    void aTaskWhosePagerDiesHaltsAloneOnceThePagerIsDeleted() {
        // The pager serves one fault, then dies (throws) on the next: that fault stays unanswered
        // and its thread waits. The root task deletes the dead pager: the waiting fault is
        // cancelled and the thread halts; a second task that faults afterwards finds its pager gone.
        long second = tid(5);
        FuzzHarness h = world(hh -> l4 -> {
            l4.memory().store64(0x1000_0000L, 1);
            hh.log("bad: first page mapped");
            l4.memory().store64(0x1000_1000L, 2);
            hh.log("bad: survived");
        }, 120, PAGER, null);
        h.module("pager", l4 -> {
            long client = l4.waitAny();
            long page = l4.mr(1) & -4096L;
            if (!kola.system.Sigma0.requestPage(l4, kola.system.Sigma0.anyPage(12), Fpage.of(0x4000_0000L, 12, 0))) {
                throw new IllegalStateException("pager: sigma0 refused");
            }
            Items.putMap(l4, 1, Fpage.of(0x4000_0000L, 12, Fpage.RWX), page);
            l4.setMr(0, MsgTag.make(0, 0, 2));
            l4.ipc(client, ThreadId.ANY, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
            throw new IllegalStateException("pager: dies on purpose");
        });
        h.root(l4 -> {
            long sigma0 = l4.kernelInterface().sigma0();
            check(h, task(l4, SERVER, sigma0, "server", 0, 150));
            check(h, task(l4, PAGER, sigma0, "pager", 0, 140));
            check(h, task(l4, BAD, PAGER, "bad", 0, 120));
            check(h, task(l4, CLIENT, sigma0, "client", 0, 100));
            sleep(l4, 5_000);
            h.log("deleted pager: " + (l4.threadControl(PAGER, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1) == 1
                    ? "ok" : KernelError.describe(l4.errorCode())));
            check(h, task(l4, second, PAGER, "bad", 0, 120));
        });
        runAndExpectTheOthersWent(h);
        assertEquals(java.util.List.of("bad: first page mapped"), h.logged("bad:"), h.console());
        assertEquals(java.util.List.of("deleted pager: ok"), h.logged("deleted pager:"));
        assertTrue(h.console().contains("pager: dies on purpose"), h.console());
        assertTrue(h.console().contains("cancelled"), h.console());
        assertTrue(h.console().contains("is gone"), h.console());
        assertNull(h.info(PAGER));
        // Both halted in their own spaces, and neither waits for anyone: the fault the dead pager
        // never answered was cancelled, not left pending.
        for (long t : new long[] {BAD, second}) {
            Kernel.ThreadInfo info = h.info(t);
            assertEquals(List.of("bad", "inactive", 0L), List.of(info.space(), info.state(), info.waitsFor()),
                    info::toString);
        }
    }
}
