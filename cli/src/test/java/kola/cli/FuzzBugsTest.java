package kola.cli;

import static kola.cli.FuzzHarness.task;
import static kola.cli.FuzzHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import kola.abi.MsgTag;
import kola.kernel.KernelConfig;
import org.junit.jupiter.api.Test;

/**
 * Kernel bugs found by the fuzzing work of issue #6 and not fixed yet, each as a minimal
 * reproducer that states what should happen. They are disabled so that the build stays green;
 * remove {@code @Disabled} when the kernel is fixed (fixed ones move to {@link FuzzRegressionTest}).
 */
class FuzzBugsTest {

    /**
     * Expected: threads of one priority share the CPU round robin, each for its time slice (L4
     * X.2, "Scheduling"). Actual: a thread that wakes a higher-priority thread again and again (a
     * client of a higher-priority server, here a flooder) never leaves the head of its ready
     * queue: each wake-up preempts it with {@code enqueueFront}, and when its slice runs out
     * {@code Cpu.dispatch} refills it without sending the thread to the tail. Its peers at the
     * same priority never run. (Found by ContainmentTest's flood: with 1 ms slices the client,
     * at the flooder's priority, did not run once in 56 ms.)
     */
    @Test
    void aThreadThatKeepsWakingAHigherPriorityServerStillYieldsToItsPeers() {
        FuzzHarness h = new FuzzHarness().config(KernelConfig.defaults().withTimeslice(1_000));
        long server = tid(0);
        h.module("server", FuzzHarness::echo);
        h.module("flooder", l4 -> {
            while (true) {
                l4.setMr(0, MsgTag.make(7, 0, 0));
                l4.send(server);
            }
        });
        h.module("peer", l4 -> h.log("peer: ran at " + l4.systemClock() + " µs"));
        h.root(l4 -> {
            long sigma0 = l4.kernelInterface().sigma0();
            task(l4, server, sigma0, "server", 0, 150);
            task(l4, tid(1), sigma0, "flooder", 0, 100);
            task(l4, tid(2), sigma0, "peer", 0, 100);
        });
        h.run(100_000);
        assertEquals(1, h.logged("peer: ran").size(), () -> "the peer never ran in " + h.kernel.cycles() / 1000 + " µs");
    }
}
