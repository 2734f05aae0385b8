package kola.kernel;

import static kola.kernel.KernelHarness.KIP_BASE;
import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.sleep;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import kola.abi.IpcError;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import org.junit.jupiter.api.Test;

/** A misbehaving program hurts only its own thread: the kernel and the other threads go on. */
class FaultContainmentTest {
    static final long A = tid(3);
    static final long B = tid(4);
    static final long C = tid(5);

    /** A healthy partner: answers calls, to show the system still works after a fault. */
    static void echo(L4 l4) {
        long from = l4.waitAny();
        while (true) {
            l4.setMr(0, MsgTag.make(MsgTag.label(l4.mr(0)) + 1, 0, 0));
            from = l4.replyWait(from);
        }
    }

    static KernelHarness faulty(java.util.function.Function<KernelHarness, kola.abi.Program> badProgram) {
        KernelHarness h = new KernelHarness();
        kola.abi.Program bad = badProgram.apply(h);
        h.root(l4 -> {
            h.startTask(l4, C, "echo", 0, 120);
            h.startTask(l4, A, "bad", 0, 110);
            h.startTask(l4, B, "good", 0, 100);
        });
        h.module("echo", FaultContainmentTest::echo);
        h.module("bad", bad);
        h.module("good", l4 -> {
            l4.setMr(0, MsgTag.make(41, 0, 0));
            long tag = l4.call(C);
            h.log("good: call -> " + (MsgTag.failed(tag) ? "failed" : "label " + MsgTag.label(tag)));
        });
        return h;
    }

    private static int depth(int n) {
        return n == Integer.MIN_VALUE ? 0 : depth(n + 1) + 1;
    }

    @Test
    void aThrowingProgramHaltsItsThreadAndIsReported() {
        KernelHarness h = faulty(hh -> l4 -> {
            l4.systemClock();
            throw new IllegalArgumentException("boom in user code");
        });
        h.run();
        assertEquals(List.of("good: call -> label 42"), h.log);
        h.assertConsoleContains("halted: java.lang.IllegalArgumentException: boom in user code");
        h.assertConsoleContains(ThreadId.toString(A));
        assertEquals("inactive", h.state(A));
    }

    @Test
    void aStackOverflowHaltsItsThreadAndIsReported() {
        KernelHarness h = faulty(hh -> l4 -> {
            l4.systemClock();
            hh.log("depth " + depth(0));
        });
        h.run();
        assertEquals(List.of("good: call -> label 42"), h.log);
        h.assertConsoleContains("halted: java.lang.StackOverflowError");
    }

    @Test
    void anErrorThrownAtTheFirstInstructionIsContainedToo() {
        KernelHarness h = faulty(hh -> l4 -> {
            throw new OutOfMemoryError("pretend");
        });
        h.run();
        assertEquals(List.of("good: call -> label 42"), h.log);
        h.assertConsoleContains("halted: java.lang.OutOfMemoryError: pretend");
    }

    @Test
    void aBadRegisterIndexHaltsOnlyThatThread() {
        KernelHarness h = faulty(hh -> l4 -> {
            l4.setMr(MsgTag.MESSAGE_REGISTERS, 1);
        });
        h.run();
        assertEquals(List.of("good: call -> label 42"), h.log);
        h.assertConsoleContains("halted: java.lang.ArrayIndexOutOfBoundsException");
    }

    @Test
    void aProgramThatReturnsEndsItsThreadQuietly() {
        KernelHarness h = faulty(hh -> l4 -> l4.systemClock());
        h.run();
        assertEquals(List.of("good: call -> label 42"), h.log);
        assertEquals("inactive", h.state(A));
        assertFalse(h.console().contains("halted"), h.console());
    }

    @Test
    void theCallerOfAThreadThatDiedIsReleasedWhenItsCodeEnds() {
        KernelHarness h = new KernelHarness();
        List<Long> errors = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "dies", 0, 110);
            h.startTask(l4, B, "caller", 0, 100);
        });
        h.module("dies", l4 -> {
            l4.waitAny();
            throw new IllegalStateException("dies holding a call");
        });
        h.module("caller", l4 -> {
            l4.setMr(0, 0);
            l4.ipc(A, A, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
            errors.add(l4.errorCode());
        });
        h.run();
        // Its receive had no timeout: before, it waited for ever for a thread whose code had ended.
        assertEquals(List.of(IpcError.code(IpcError.CANCELLED, true)), errors);
    }

    @Test
    void aPageFaultHaltsOnlyTheFaultingThread() {
        KernelHarness h = faulty(hh -> l4 -> {
            l4.memory().load64(0x1234_5000L);
            hh.log("bad: must not get here");
        });
        h.run();
        assertEquals(List.of("good: call -> label 42"), h.log);
        h.assertConsoleContains("halted: page fault at 0x12345000");
        assertEquals("inactive", h.state(A), "a thread whose fault no pager can resolve ends like one that threw");
    }

    @Test
    void anAccessOutsideTheUserAddressSpaceIsAFaultNotAKernelException() {
        long[] addresses = {-1L, -8L, 1L << 38, 1L << 62, Long.MIN_VALUE, (1L << 38) - 2};
        for (long va : addresses) {
            KernelHarness h = faulty(hh -> l4 -> {
                l4.memory().load64(va);
                hh.log("bad: must not get here");
            });
            h.run();
            assertEquals(List.of("good: call -> label 42"), h.log, "address 0x" + Long.toHexString(va));
            h.assertConsoleContains("halted: page fault");
        }
    }

    @Test
    void usingAnotherThreadsL4ThrowsInUserCodeAndHaltsOnlyTheCulprit() {
        KernelHarness h = new KernelHarness();
        AtomicReference<L4> stolen = new AtomicReference<>();
        List<String> caught = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "victim", 0, 120);
            h.startTask(l4, B, "thief", 0, 110);
            h.startTask(l4, C, "thief", 1, 100);
        });
        h.module("victim", l4 -> {
            stolen.set(l4);
            long from = l4.waitAny(); // blocked while the thieves misuse its L4
            h.log("victim received label " + MsgTag.label(l4.mr(0)) + " from " + (from == C ? "C" : ThreadId.toString(from)));
            l4.setMr(0, MsgTag.make(8, 0, 0));
            l4.reply(from);
        });
        h.module("thief", l4 -> {
            L4 other = stolen.get();
            if (KernelHarness.entry(l4) == 0) {
                try {
                    other.systemClock();
                    caught.add("no exception");
                } catch (IllegalStateException e) {
                    caught.add("caught");
                }
                other.setMr(0, MsgTag.make(666, 0, 0)); // registers are plain memory: no trap, no check
                other.ipc(A, ThreadId.NIL, Timeout.pair(Timeout.NEVER, Timeout.NEVER)); // uncaught: B halts
                h.log("thief B: must not get here");
            } else {
                l4.setMr(0, MsgTag.make(7, 0, 0));
                long tag = l4.call(A);
                h.log("C got " + MsgTag.label(tag));
            }
        });
        h.run();
        assertEquals(List.of("caught"), caught);
        assertEquals(List.of("victim received label 7 from C", "C got 8"), h.log);
        h.assertConsoleContains("halted: java.lang.IllegalStateException");
        assertEquals("inactive", h.state(B));
    }

    @Test
    void usingAnotherThreadsMemoryAccessorThrowsInUserCode() {
        // The Memory of a thread is "of this thread's address space" and L4 says its interface is
        // only valid on that thread: another thread (here in another space) must not reach the
        // victim's address space through it.
        KernelHarness h = new KernelHarness();
        AtomicReference<kola.abi.Memory> stolen = new AtomicReference<>();
        List<String> seen = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "victim", 0, 120);
            h.startTask(l4, B, "thief", 0, 110);
        });
        h.module("victim", l4 -> {
            stolen.set(l4.memory());
            l4.receive(ROOT);
        });
        h.module("thief", l4 -> {
            try {
                long v = stolen.get().load32(KIP_BASE);
                seen.add("read 0x" + Long.toHexString(v));
            } catch (IllegalStateException e) {
                seen.add("refused");
            }
        });
        h.run();
        assertEquals(List.of("refused"), seen);
    }

    @Test
    void aSystemCallWhileHoldingAMonitorIsContained() {
        Object lock = new Object();
        KernelHarness h = faulty(hh -> l4 -> {
            synchronized (lock) {
                l4.systemClock();
                sleep(l4, 10);
            }
            hh.log("bad: monitor block done");
        });
        h.run();
        // On JDK 25 a continuation may yield holding a monitor: the program goes on normally, and
        // in any case the good thread's call goes through and the kernel does not break.
        assertTrue(h.log.contains("good: call -> label 42"), h.log + "\n" + h.console());
        assertTrue(h.log.contains("bad: monitor block done"), h.log + "\n" + h.console());
    }

    @Test
    void aKernelRunSurvivesManyFaultingThreads() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            for (int i = 0; i < 50; i++) {
                h.startTask(l4, tid(10 + i), "bad", i % 4, 100);
            }
            h.startTask(l4, C, "echo", 0, 90);
            l4.setMr(0, MsgTag.make(1, 0, 0));
            h.log("root call -> " + MsgTag.label(l4.call(C)));
        });
        h.module("echo", FaultContainmentTest::echo);
        h.module("bad", l4 -> {
            switch (KernelHarness.entry(l4)) {
                case 0 -> throw new RuntimeException("x");
                case 1 -> l4.memory().store8(0, 1);
                case 2 -> l4.memory().store32(KIP_BASE, 1);
                default -> l4.mr(-1);
            }
        });
        h.run();
        assertEquals(List.of("root call -> 2"), h.log);
        assertEquals(50, h.console().lines().filter(s -> s.contains("halted")).count(), h.console());
    }
}
