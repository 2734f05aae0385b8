package kola.kernel;

import static kola.kernel.KernelHarness.NEVER;
import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.KernelError;
import kola.abi.KernelLabels;
import kola.abi.Kmem;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import org.junit.jupiter.api.Test;

/**
 * The restart state of a system call (seL4's {@code ThreadState_Restart}; DESIGN.md, "Execution
 * model"), for Java threads (RISC-V threads: {@link RiscvRestartTest}): a call that needs a fault
 * resolved first is faulted by the kernel and then performed again by the kernel, once, so the
 * thread's program sees one finished call. Here a receive whose string buffer page is unmapped
 * completes after the receiver's pager maps the page; a pager that never replies leaves the
 * receiver in its fault and the sender in its transfer; a refused fault, an aborted fault IPC and
 * a deleted receiver end the transfer with X.2's transfer error for the sender, the receiver's
 * fault being fatal; a restart at a new ip forgets the call. A kernel-memory fault (kpager model)
 * whose IPC is aborted leaves the restarted call failed out of memory.
 */
class RestartTest {
    static final long P = tid(3);
    static final long R = tid(4);
    static final long S = tid(5);
    static final long PAGE = 4096;
    /** The pager's pages (from sigma0) and the sender's source page. */
    static final long PAGER_PHYS = 0x0300_0000L;
    static final long SOURCE_PHYS = 0x0310_0000L;
    static final long PWIN = 0x0600_0000L;
    static final long SRC = 0x0400_0000L;
    /** The receiver's buffer: a page nobody mapped. */
    static final long DST = 0x0500_0000L;
    static final int LEN = 400;
    /** Pager entries. */
    static final int SERVES = 0;
    static final int SILENT = 1;
    static final int REFUSES = 2;

    static int pattern(int i) {
        return (i * 7 + 3) & 0xFF;
    }

    /** The receiver's pager: maps a page of its own at each fault (entry SERVES), never answers (SILENT) or refuses (REFUSES). */
    static void pager(KernelHarness h, L4 l4) {
        int mode = KernelHarness.entry(l4);
        KmemFramesTest.memory(l4, PAGER_PHYS, 14, PWIN);
        int next = 0;
        long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
        while (true) {
            long label = MsgTag.label(l4.mr(0));
            h.log("fault from " + ThreadId.toString(from) + " at 0x" + Long.toHexString(l4.mr(1)) + " "
                    + Fpage.rightsString((int) (label & Fpage.RWX)));
            if (mode == SILENT) {
                l4.ipc(ThreadId.NIL, l4.myGlobalId(), NEVER); // never
            }
            if (mode == REFUSES) {
                l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
            } else {
                l4.setMr(0, MsgTag.make(0, 0, 2));
                Items.putMap(l4, 1, Fpage.of(PWIN + next++ * PAGE, 12, Fpage.R | Fpage.W), l4.mr(1));
            }
            from = l4.ipc(from, ThreadId.ANY, NEVER);
        }
    }

    /** Entry 0: receives a string from S into DST and logs the outcome; entry 1: logs that it started. */
    static void receiver(KernelHarness h, L4 l4) {
        if (KernelHarness.entry(l4) == 1) {
            h.log("R: started again");
            return;
        }
        l4.setBr(0, Items.acceptor(Fpage.NIL, true));
        l4.setBr(1, Items.stringWord(LEN));
        l4.setBr(2, DST);
        long from = l4.ipc(ThreadId.NIL, S, NEVER);
        if ((l4.mr(0) & MsgTag.ERROR) != 0) {
            h.log("R: error " + l4.errorCode());
            return;
        }
        boolean same = true;
        for (int i = 0; i < LEN; i++) {
            same &= l4.memory().load8(DST + i) == pattern(i);
        }
        h.log("R: received from " + ThreadId.toString(from) + (same ? ", the bytes sent" : ", other bytes"));
    }

    /** Sends LEN bytes of {@link #pattern} from SRC to R as one string and logs the outcome. */
    static void sender(KernelHarness h, L4 l4) {
        KmemFramesTest.memory(l4, SOURCE_PHYS, 12, SRC);
        for (int i = 0; i < LEN; i++) {
            l4.memory().store8(SRC + i, pattern(i));
        }
        l4.setMr(0, MsgTag.make(0, 0, 2));
        l4.setMr(1, Items.stringWord(LEN));
        l4.setMr(2, SRC);
        l4.ipc(R, ThreadId.NIL, NEVER);
        h.log((l4.mr(0) & MsgTag.ERROR) != 0 ? "S: error 0x" + Long.toHexString(l4.errorCode()) : "S: sent");
    }

    /**
     * Boots P (entry {@code pagerMode}), then R (paged by P) and S, R first so that it waits
     * before S sends; then runs {@code boss} in the root task (after the transfer began).
     */
    static KernelHarness system(int pagerMode, java.util.function.BiConsumer<KernelHarness, L4> boss) {
        KernelHarness h = new KernelHarness();
        h.sigma0(KmemFramesTest::sigma0);
        h.module("pager", l4 -> pager(h, l4));
        h.module("receiver", l4 -> receiver(h, l4));
        h.module("sender", l4 -> sender(h, l4));
        h.root(l4 -> {
            h.check(KernelHarness.createTask(l4, P, ThreadId.NIL, KernelHarness.ip(l4, "pager", pagerMode), 200) == null, "P");
            h.check(KernelHarness.createTask(l4, R, P, KernelHarness.ip(l4, "receiver", 0), 150) == null, "R");
            h.check(KernelHarness.createTask(l4, S, ThreadId.NIL, KernelHarness.ip(l4, "sender", 0), 100) == null, "S");
            KernelHarness.sleep(l4, 1000);
            boss.accept(h, l4);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(), h.kernel.checkInvariants());
        return h;
    }

    static String fault() {
        return "fault from " + ThreadId.toString(R) + " at 0x" + Long.toHexString(DST) + " -w-";
    }

    @Test
    void aReceiveIntoAnUnmappedBufferFaultsOnceAndIsRestartedOnceAfterThePagerMapsThePage() {
        KernelHarness h = system(SERVES, (h0, l4) -> { });
        assertEquals(List.of(fault(), "R: received from " + ThreadId.toString(S) + ", the bytes sent", "S: sent"), h.log);
        assertEquals(1, h.kernel.restartedCalls, "the receive was performed again once, by the kernel");
        Tcb r = h.kernel.threads.lookup(R);
        assertEquals(Tcb.NO_RESTART, r.restart);
        assertEquals(PAGER_PHYS >>> 12, h.kernel.mappings().stream()
                .filter(m -> m.va() == DST && m.space().equals("receiver")).findFirst().orElseThrow().pfn(),
                "the buffer page is the pager's");
    }

    @Test
    void aPagerThatNeverRepliesLeavesTheReceiverInItsFaultAndTheSenderInItsTransfer() {
        KernelHarness h = system(SILENT, (h0, l4) -> { });
        assertEquals(List.of(fault()), h.log);
        assertEquals(0, h.kernel.restartedCalls);
        Tcb r = h.kernel.threads.lookup(R);
        assertEquals(Tcb.RESTART_CALL, r.restart, "the receive waits to be restarted");
        assertEquals(Tcb.FAULT_IPC, r.kernelIpc);
        assertTrue(h.state(R).startsWith("receiving"), h.state(R));
        assertTrue(h.state(S).startsWith("sending"), "S waits under its transfer timeout (never): " + h.state(S));
    }

    /** The sender's error when the receiver's fault ended the transfer: aborted, in the partner's space, offset 0. */
    static String aborted() {
        return "S: error 0x" + Long.toHexString(IpcError.code(IpcError.ABORTED, false));
    }

    @Test
    void aRefusedFaultIsFatalForTheReceiverAndAbortsTheSendersTransfer() {
        KernelHarness h = system(REFUSES, (h0, l4) -> { });
        assertEquals(List.of(fault(), aborted()), h.log);
        assertEquals(0, h.kernel.restartedCalls, "a fatal fault restarts nothing");
        assertTrue(h.console().contains("refused by " + ThreadId.toString(P)), h.console());
        assertEquals("inactive", h.state(R));
    }

    @Test
    void anAbortOfTheFaultIpcIsFatalForTheReceiverAndAbortsTheSendersTransfer() {
        KernelHarness h = system(SILENT, (b, l4) -> b.check(l4.exchangeRegisters(R, ExRegs.ABORT_IPC, 0, 0, 0, 0, ThreadId.NIL)
                != ThreadId.NIL, "abort"));
        assertEquals(List.of(fault(), aborted()), h.log);
        assertEquals(0, h.kernel.restartedCalls);
        assertTrue(h.console().contains("IPC to the pager failed: " + IpcError.describe(IpcError.code(IpcError.CANCELLED, true))),
                h.console());
        assertEquals("inactive", h.state(R));
    }

    @Test
    void aReceiverDeletedInItsFaultAbortsTheSendersTransfer() {
        KernelHarness h = system(SILENT, (b, l4) -> b.check(l4.threadControl(R, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1) == 1,
                "delete R"));
        assertEquals(List.of(fault(), aborted()), h.log);
        assertEquals("absent", h.state(R));
        assertEquals(0, h.kernel.restartedCalls);
    }

    @Test
    void aReceiverStartedAtANewIpInItsFaultForgetsTheCall() {
        KernelHarness h = system(SILENT, (b, l4) -> b.check(l4.exchangeRegisters(R, ExRegs.SET_IP, 0,
                KernelHarness.ip(l4, "receiver", 1), 0, 0, ThreadId.NIL) != ThreadId.NIL, "restart R"));
        assertEquals(List.of(fault(), "R: started again", aborted()), h.log);
        assertEquals(0, h.kernel.restartedCalls);
        assertEquals(Tcb.NO_RESTART, h.kernel.threads.lookup(R).restart);
    }

    // ---- kernel-memory faults (kpager model) ------------------------------------------------

    static final long K = tid(6);
    static final long A = tid(7);
    static final long HELPER = tid(8);

    /** The root task creates a thread in account A, whose kpager K answers per {@code kpager}; returns what the call returned. */
    static String kmemCall(KernelHarness h, Program kpager, boolean abort) {
        String[] seen = new String[1];
        h.config(KernelConfig.defaults().withKmem(KmemModel.KPAGER));
        h.sigma0(KmemFramesTest::sigma0);
        h.module("kpager", kpager);
        h.root(l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                // A second thread of the root task aborts the first one's fault IPC.
                KernelHarness.sleep(l4, 1000);
                h.log("abort: " + (l4.exchangeRegisters(ROOT, ExRegs.ABORT_IPC, 0, 0, 0, 0, ThreadId.NIL) != ThreadId.NIL
                        ? "ok" : KernelError.describe(l4.errorCode())));
                return;
            }
            h.startTask(l4, K, "kpager", 0, 200);
            h.check(h.createActivated(l4, A), "A");
            h.check(l4.kmemControl(Kmem.KPAGER, A, K, 0) == 1, "A's kpager");
            if (abort) {
                h.startThread(l4, HELPER, l4.myGlobalId(), 1, "roottask", 1, 50);
            }
            seen[0] = l4.threadControl(tid(10), A, l4.myGlobalId(), ThreadId.NIL, KernelHarness.UTCB + 1024L) == 1
                    ? "ok" : KernelError.describe(l4.errorCode());
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(), h.kernel.checkInvariants());
        return seen[0];
    }

    @Test
    void aKernelMemoryFaultIsSentAndTheCallRestartedOnceAfterTheKpagerLends() {
        KernelHarness h = new KernelHarness();
        String result = kmemCall(h, l4 -> {
            KmemFramesTest.memory(l4, 0x0300_0000L, 12, 0x2000_0000L);
            long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            h.log("kmem fault: " + (MsgTag.label(l4.mr(0)) == KernelLabels.KMEM_FAULT));
            h.log("lent: " + (l4.kmemControl(Kmem.LEND, Fpage.of(0x2000_0000L, 12, Fpage.RWX), l4.mr(1), 0) == 1));
            l4.setMr(0, 0);
            l4.ipc(from, l4.myGlobalId(), NEVER);
        }, false);
        assertEquals("ok", result);
        assertEquals(List.of("kmem fault: true", "lent: true"), h.log);
        assertEquals(1, h.kernel.restartedCalls);
    }

    @Test
    void anAbortedKernelMemoryFaultLeavesTheRestartedCallFailedOutOfMemory() {
        KernelHarness h = new KernelHarness();
        String result = kmemCall(h, l4 -> {
            l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            h.log("kmem fault: " + (MsgTag.label(l4.mr(0)) == KernelLabels.KMEM_FAULT));
            l4.ipc(ThreadId.NIL, l4.myGlobalId(), NEVER); // never answers
        }, true);
        assertEquals(KernelError.describe(KernelError.OUT_OF_MEMORY), result);
        assertEquals(List.of("kmem fault: true", "abort: ok"), h.log);
        assertEquals(1, h.kernel.restartedCalls, "the call was performed again, and failed");
        assertEquals(Tcb.NO_RESTART, h.kernel.threads.lookup(ROOT).restart);
    }

    @Test
    void aRefusedKernelMemoryFaultLeavesTheRestartedCallFailedOutOfMemory() {
        KernelHarness h = new KernelHarness();
        String result = kmemCall(h, l4 -> {
            long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
            l4.ipc(from, l4.myGlobalId(), NEVER);
        }, false);
        assertEquals(KernelError.describe(KernelError.OUT_OF_MEMORY), result);
        assertEquals(1, h.kernel.restartedCalls);
    }
}
