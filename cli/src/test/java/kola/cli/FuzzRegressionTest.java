package kola.cli;

import static kola.cli.FuzzHarness.sleep;
import static kola.cli.FuzzHarness.task;
import static kola.cli.FuzzHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.KernelError;
import kola.abi.Kip;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.kernel.KernelConfig;
import kola.kernel.KernelEvents;
import org.junit.jupiter.api.Test;

/**
 * Minimal scenarios of kernel bugs the fuzzer found (issue #6), each reduced from a failing seed
 * and operation to a few system calls, run with the invariant checker after every kernel entry.
 * They failed when found (the kernel error or violation is quoted in each) and pass since the
 * kernel was fixed; they stay as regression tests.
 */
class FuzzRegressionTest {
    static final long A = tid(0);
    static final long B = tid(1);

    /**
     * Found as {@code thread 5a.2: current but queued} (seed 1, op 58): sigma0 refuses a page
     * fault; the kernel made the faulting thread ready (queued it) while sigma0's reply was still
     * in progress, and sigma0, blocking in its receive phase, then switched directly to it:
     * the current thread was also in a ready queue.
     */
    @Test
    void aRefusedFaultWhosePagerThenWaitsLeavesTheReadyQueuesConsistent() {
        FuzzHarness h = new FuzzHarness();
        h.module("a", l4 -> {
            l4.memory().load64(0x1000); // kernel memory: sigma0 refuses
            h.log("a: survived");
        });
        h.root(l4 -> {
            String failure = task(l4, A, l4.kernelInterface().sigma0(), "a", 0, 100);
            h.log("root: " + (failure == null ? "ok" : failure));
        });
        h.run(100_000);
        assertEquals(List.of("root: ok"), h.log);
        assertEquals("inactive", h.info(A).state(), h.console());
        h.assertInvariantsHold();
    }

    /**
     * Found as {@code thread 59.2: has a timeout but is ready} (seed 1, op 3930): a sender with a
     * send timeout blocked on a receiver; the receiver's receive found the message malformed (an
     * odd typed count) and failed both partners, but the sender's timeout stayed armed: it would
     * later have "timed out" an IPC the thread was no longer in.
     */
    @Test
    void aMalformedMessageFailsBothPartnersAndDisarmsTheSendersTimeout() {
        FuzzHarness h = new FuzzHarness();
        h.module("a", l4 -> {
            l4.setMr(1, 1);
            l4.setMr(0, MsgTag.make(1, 0, 1)); // t = 1: half an item
            l4.ipc(B, ThreadId.NIL, Timeout.pair(Timeout.relative(5_000), Timeout.NEVER));
            h.log("a: " + IpcError.describe(l4.errorCode()));
            long before = l4.systemClock();
            sleep(l4, 10_000); // past the old send timeout, which must not cut this sleep short
            h.log("a: slept the whole 10 ms " + (l4.systemClock() - before >= 10_000));
        });
        h.module("b", l4 -> {
            sleep(l4, 1_000); // a blocks on b meanwhile
            l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.relative(20_000)));
            h.log("b: " + IpcError.describe(l4.errorCode()));
        });
        h.root(l4 -> {
            long sigma0 = l4.kernelInterface().sigma0();
            task(l4, B, sigma0, "b", 0, 100);
            task(l4, A, sigma0, "a", 0, 100);
        });
        h.run(100_000);
        assertEquals(List.of(
                "b: message overflow (receive phase)",
                "a: message overflow (send phase)",
                "a: slept the whole 10 ms true"), h.log, h.console());
        h.assertInvariantsHold();
    }

    /**
     * Found as {@code NullPointerException: ... "space.pageTable" is null} in
     * {@code SystemCalls.spaceControl} (seed 1, op 13829): an interrupt's pseudo-thread used as a
     * space specifier named the kernel's pseudo-space, which has no page table.
     */
    @Test
    void anInterruptThreadNamesNoSpace() {
        FuzzHarness h = new FuzzHarness();
        h.root(l4 -> {
            long irq = ThreadId.global(1, 1);
            long r1 = l4.spaceControl(irq, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, ThreadId.NIL);
            h.log("SpaceControl: " + r1 + " " + KernelError.describe(l4.errorCode()));
            long r2 = l4.threadControl(A, irq, l4.myGlobalId(), ThreadId.NIL, -1);
            h.log("ThreadControl: " + r2 + " " + KernelError.describe(l4.errorCode()));
        });
        h.run(100_000);
        assertEquals(List.of("SpaceControl: 0 invalid space", "ThreadControl: 0 invalid space"), h.log, h.console());
        h.assertInvariantsHold();
    }

    /**
     * Found as {@code page table of fuzz#36: leaf at 0x2b503d8000 has no mapping node} (seed 1,
     * op 34806 with the bugs above patched out locally): a receiver's acceptor named a window
     * larger than the address space (s = 45, base beyond 2^38); a map into it landed outside the
     * user address space, where the page table (which has 39 bits) and the mapping database (which
     * kept all 64) disagree.
     */
    @Test
    void aMapIntoAMalformedReceiveWindowFailsCleanly() {
        FuzzHarness h = new FuzzHarness();
        h.module("a", l4 -> { // the sender: a heap page of its own, mapped to b
            l4.memory().store64(0x0200_0000L, 7);
            Items.putMap(l4, 1, Fpage.of(0x0200_0000L, 12, Fpage.RWX), 0x0200_0000L);
            l4.setMr(0, MsgTag.make(0, 0, 2));
            l4.ipc(B, ThreadId.NIL, Timeout.pair(Timeout.relative(10_000), Timeout.NEVER));
            h.log("a: " + (MsgTag.failed(l4.mr(0)) ? IpcError.describe(l4.errorCode()) : "sent"));
        });
        h.module("b", l4 -> {
            long window = (0xD678_8F2B_503D_8000L & -(1L << 45)) | 45L << 4; // s = 45: larger than the space
            l4.setBr(0, Items.acceptor(window, false));
            l4.ipc(ThreadId.NIL, A, Timeout.pair(Timeout.NEVER, Timeout.relative(20_000)));
            h.log("b: " + (MsgTag.failed(l4.mr(0)) ? IpcError.describe(l4.errorCode()) : "received"));
        });
        h.root(l4 -> {
            long sigma0 = l4.kernelInterface().sigma0();
            task(l4, B, sigma0, "b", 0, 110);
            task(l4, A, sigma0, "a", 0, 100);
        });
        h.run(100_000);
        assertEquals(List.of("b: message overflow (receive phase)", "a: message overflow (send phase)"),
                h.log.stream().map(s -> s.replaceAll(" \\(offset.*", "")).toList(), h.console());
        h.assertInvariantsHold();
    }

    /**
     * Found by DenialOfServiceTest's page-table hog (the victim's next fault spun, 24,977 faults
     * on one page in 50,000 operations): when the central pool is dry, making sigma0's own root
     * mapping node for a frame fails too; {@code MappingDatabase.map} took the missing node for
     * "sigma0 does not hold this page" and skipped it, the fault IPC succeeded with nothing
     * mapped, and the access faulted again, forever, with no error anywhere. A map that runs out
     * of kernel memory must fail (message overflow): the faulting thread dies, reported.
     */
    @Test
    void aMapThatRunsOutOfKernelMemoryMakingSigma0sNodeFailsInsteadOfLivelocking() {
        FuzzHarness h = new FuzzHarness().config(KernelConfig.defaults().withKernelMemory(192 << 10));
        long victim = tid(1);
        h.module("hog", l4 -> {
            for (long i = 0; i < 120; i++) {
                l4.memory().store8(0x0100_0000L + (i << 21), 1); // a page table per page, till the pool is dry
            }
        });
        h.module("victim", l4 -> {
            l4.memory().store64(0x0F20_0000L, 2); // after the hog: a fresh 2 MiB region
            h.log("victim: mapped");
        });
        h.root(l4 -> {
            long sigma0 = l4.kernelInterface().sigma0();
            task(l4, tid(2), sigma0, "hog", 0, 130);
            task(l4, victim, sigma0, "victim", 0, 120);
        });
        long[] victimFaults = {0};
        h.kernel().setEventListener((type, time, a, b, c) -> {
            if (type == KernelEvents.FAULT && a == victim) {
                victimFaults[0]++;
            }
        });
        h.run(50_000);
        assertEquals(List.of(), h.log);
        assertTrue(victimFaults[0] < 10, "the victim faulted " + victimFaults[0] + " times on one page");
        assertEquals("inactive", h.info(victim).state(), h.console());
        assertTrue(h.console().contains("(victim) halted"), h.console());
    }
}
