package kola.kernel;

import static kola.kernel.KernelHarness.KIP_BASE;
import static kola.kernel.KernelHarness.sleep;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kola.machine.CostModel;
import org.junit.jupiter.api.Test;

/** SystemClock: simulated microseconds since boot, monotonic. */
class SystemClockTest {
    static final long A = tid(3);
    static final long B = tid(4);

    @Test
    void isMonotonicAndAdvancesWithWork() {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withTimeslice(50)).unchecked();
        List<Long> a = new ArrayList<>();
        List<Long> b = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "t", 0, 100);
            h.startTask(l4, B, "t", 1, 100);
        });
        h.module("t", l4 -> {
            List<Long> out = KernelHarness.entry(l4) == 0 ? a : b;
            for (int i = 0; i < 2000; i++) {
                out.add(l4.systemClock());
                for (int j = 0; j < 50; j++) {
                    l4.memory().load32(KIP_BASE);
                }
            }
        });
        h.run();
        for (List<Long> out : List.of(a, b)) {
            assertEquals(2000, out.size());
            for (int i = 1; i < out.size(); i++) {
                assertTrue(out.get(i) >= out.get(i - 1), "monotonic at " + i);
            }
            assertTrue(out.get(out.size() - 1) > out.get(0), "advances");
        }
        // The two threads interleaved (50 us slices), and their clocks agree: one clock for all.
        assertTrue(a.get(a.size() - 1) > b.get(0) && b.get(b.size() - 1) > a.get(0));
    }

    @Test
    void isTheCycleClockInMicroseconds() {
        KernelHarness h = new KernelHarness();
        List<long[]> seen = new ArrayList<>();
        h.root(l4 -> {
            for (int i = 0; i < 5; i++) {
                long us = l4.systemClock();
                seen.add(new long[] {us, h.kernel.cycles()});
                sleep(l4, 1234);
            }
        });
        h.run();
        for (long[] s : seen) {
            assertEquals(s[1] / CostModel.CYCLES_PER_MICROSECOND, s[0]);
        }
        for (int i = 1; i < seen.size(); i++) {
            long d = seen.get(i)[0] - seen.get(i - 1)[0];
            assertTrue(d >= 1234 && d <= 1236, "a 1234 us sleep between two reads: " + d);
        }
    }

    @Test
    void startsNearZeroAtBoot() {
        KernelHarness h = new KernelHarness();
        List<Long> cycles = new ArrayList<>();
        List<Long> seen = new ArrayList<>();
        h.root(l4 -> {
            cycles.add(h.kernel.cycles());
            seen.add(l4.systemClock());
        });
        h.run();
        // Boot charges nothing; before the root task's first instruction the harness's sigma0, an
        // empty program, ends (one kernel entry) and the kernel switches to the root task's space.
        assertEquals(List.of(CostModel.TRAP + CostModel.CONTEXT_SWITCH), cycles);
        assertEquals(List.of(0L), seen, "150 cycles in, the clock still reads its first microsecond");
    }
}
