package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kola.abi.KernelError;
import kola.abi.KipLayout;
import kola.abi.L4;
import kola.abi.Memory;
import kola.machine.CycleClock;
import org.junit.jupiter.api.Test;

/**
 * X.2's ProcessorControl: the internal frequency is the processor's rate (the work charged in
 * cycles takes time at it; time, timeouts included, goes on in nanoseconds), shown in the KIP's
 * processor descriptor; the external frequency and the voltage cannot change; bad words are
 * refused and change nothing. Privilege: {@link MemoryControlTest}.
 */
class ProcessorControlTest {
    static final long BASE = CycleClock.BASE_KHZ;
    static final long DESC = KernelHarness.KIP_BASE + KipLayout.PROC_DESC;

    @Test
    void requestsThatChangeNothingSucceedAndBadWordsAreRefusedChangingNothing() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            Memory m = l4.memory();
            long[][] unchanged = {{0, 0, 0, 0}, {0, -1, -1, -1}, {0, BASE, BASE, 0}, {0, BASE, -1, 0}, {0, 0, BASE, -1}};
            for (long[] c : unchanged) {
                long r = l4.processorControl(c[0], c[1], c[2], c[3]);
                h.check(r == 1 && l4.errorCode() == KernelError.OK, java.util.Arrays.toString(c) + ": " + r + ", " + l4.errorCode());
            }
            long[][] refused = {{1, 0, 0, 0}, {-1, 0, 0, 0}, {2, BASE / 2, 0, 0}, {0, BASE + 1, 0, 0}, {0, -2, 0, 0},
                {0, Long.MIN_VALUE, 0, 0}, {0, 0, 33_000, 0}, {0, 0, BASE / 2, 0}, {0, 0, 0, 1200}, {0, 0, 0, BASE},
                {0, BASE / 2, 33_000, 0}, {0, BASE / 2, 0, 900}, {1, BASE / 2, BASE, 0}};
            for (long[] c : refused) {
                h.expectError(l4, "ProcessorControl" + java.util.Arrays.toString(c), KernelError.INVALID_PARAMETER, 0,
                        () -> l4.processorControl(c[0], c[1], c[2], c[3]));
                h.check(h.kernel.clock.khz() == BASE && m.load64(DESC + 8) == BASE, java.util.Arrays.toString(c)
                        + " changed the rate");
            }
            h.check(m.load64(DESC) == BASE && m.load64(DESC + 8) == BASE, "the processor descriptor: 1 GHz, 1 GHz");
            h.check(m.load64(KernelHarness.KIP_BASE + KipLayout.PROCESSOR_CONTROL) == RiscvBinding.PROCESSOR_CONTROL
                    && m.load64(KernelHarness.KIP_BASE + KipLayout.MEMORY_CONTROL) == RiscvBinding.MEMORY_CONTROL,
                    "the KIP links the two calls");
            h.log.add("root done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("root done"), h.log);
    }

    /**
     * Found by {@link SyscallSurfaceFuzzTest} (its random worlds, once they made ProcessorControl
     * calls): a kernel that idled for ever, its run loop making no progress. At a rate below
     * about a quarter of the base, idle time to a deadline more than 2^63 / 10^6 ns (2.5 hours)
     * after the change of rate overflowed in {@link CycleClock}, so the clock never reached the
     * deadline and the kernel waited for it again and again. A thread that sleeps for hours at
     * 1 MHz now wakes at its timeout, at the first cycle (a microsecond) at or after it.
     */
    @Test
    void atALowRateAThreadThatSleepsForHoursWakesAtItsTimeout() {
        KernelHarness h = new KernelHarness();
        List<Object> seen = new ArrayList<>();
        long sleep = 1023L << 24; // µs: 4.8 hours, a representable period (mantissa 1023, exponent 24)
        h.root(l4 -> {
            seen.add(l4.processorControl(0, 1000, 0, 0));
            long before = l4.systemClock();
            l4.ipc(kola.abi.ThreadId.NIL, l4.myGlobalId(), kola.abi.Timeout.pair(kola.abi.Timeout.NEVER,
                    kola.abi.Timeout.relative(sleep)));
            long slept = l4.systemClock() - before;
            // The receive's own cycles (a few hundred, a µs each) come on top of the timeout.
            seen.add(slept >= sleep && slept < sleep + 10_000 ? "woke after the timeout" : "slept " + slept + " µs");
            seen.add(kola.abi.IpcError.describe(l4.errorCode()));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(1L, "woke after the timeout", kola.abi.IpcError.describe(
                kola.abi.IpcError.code(kola.abi.IpcError.TIMEOUT, true))), seen);
    }

    /** Loads of a KIP word (a TLB hit each, one cycle): the cycles and the time they took. */
    private static long[] loads(KernelHarness h, L4 l4, int n) {
        UserApi api = (UserApi) l4;
        api.settle();
        long c = h.kernel.clock.cycles();
        long t = h.kernel.clock.now();
        for (int i = 0; i < n; i++) {
            l4.memory().load64(KernelHarness.KIP_BASE);
        }
        api.settle();
        return new long[] {h.kernel.clock.cycles() - c, h.kernel.clock.now() - t};
    }

    @Test
    void theInternalFrequencySetsTheRateOfWorkButNotOfTimeAndTheKipShowsIt() {
        KernelHarness h = new KernelHarness();
        List<Object> seen = new ArrayList<>();
        long sleeper = KernelHarness.tid(3);
        h.root(l4 -> {
            Memory m = l4.memory();
            m.load64(KernelHarness.KIP_BASE);
            seen.add(List.of(loads(h, l4, 100)[0], loads(h, l4, 100)[1]));
            // A thread sleeps 2000 us, its timeout queued before the change.
            h.startTask(l4, sleeper, "sleeper", 0, 200);
            seen.add(l4.processorControl(0, BASE / 4, 0, 0));
            seen.add(List.of(m.load64(DESC), m.load64(DESC + 8), h.kernel.clock.khz()));
            long[] quarter = loads(h, l4, 100);
            seen.add(List.of(quarter[0], quarter[1]));
            // The root's own sleep: 5000 us of time; the cycles that pass meanwhile are a quarter of the ns.
            long c = h.kernel.clock.cycles();
            long t = h.kernel.clock.now();
            long us = l4.systemClock();
            KernelHarness.sleep(l4, 5000);
            long dc = h.kernel.clock.cycles() - c;
            long dt = h.kernel.clock.now() - t;
            seen.add(l4.systemClock() - us >= 5000 && l4.systemClock() - us <= 5002);
            seen.add(dt == 4 * dc);
            long[] cyclesNow = {l4.systemClock(), l4.ret(0)};
            seen.add(cyclesNow[1] == h.kernel.clock.cycles());
            // Back to the base rate: one cycle a nanosecond again.
            seen.add(l4.processorControl(0, BASE, 0, 0));
            seen.add(m.load64(DESC + 8));
            long[] base = loads(h, l4, 100);
            seen.add(List.of(base[0], base[1]));
        });
        h.module("sleeper", l4 -> {
            long before = l4.systemClock();
            KernelHarness.sleep(l4, 2000);
            h.log.add("slept " + (l4.systemClock() - before >= 2000 && l4.systemClock() - before <= 2002));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(List.of(100L, 100L), 1L, List.of(BASE, BASE / 4, BASE / 4), List.of(100L, 400L), true, true, true,
                1L, BASE, List.of(100L, 100L)), seen);
        assertEquals(List.of("slept true"), h.log, "the timeout queued before the change took its 2000 us, not 4 times that");
        assertTrue(h.kernel.clock.cycles() < h.kernel.clock.now(), "the quarter-rate stretch left fewer cycles than ns");
    }

    @Test
    void atAQuarterOfTheRateAJavaThreadIsPreemptedAtTheSameTimeAfterAQuarterOfTheCycles() {
        long[] seen = new long[5];
        new AddressSpaceHarness().script(b -> {
            Kernel k = b.kernel();
            L4 l4 = b.l4;
            UserApi api = (UserApi) l4;
            Memory m = l4.memory();
            m.store64(0x0300_0000L, 9);
            l4.processorControl(0, BASE / 4, 0, 0);
            m.load64(0x0300_0000L);
            api.settle();
            long preemptAt = k.cpu.preemptAt;
            long now = k.clock.now();
            long room = k.clock.cyclesUntil(preemptAt);
            long traps = k.traps;
            long loads = 0;
            while (k.traps == traps) {
                m.load64(0x0300_0000L); // a TLB hit: one cycle, four ns
                loads++;
            }
            seen[0] = room;
            seen[1] = Math.ceilDiv(preemptAt - now, 4);
            seen[2] = loads;
            seen[3] = preemptAt - now;
            seen[4] = k.clock.khz();
            l4.processorControl(0, BASE, 0, 0);
        }).run();
        assertEquals(BASE / 4, seen[4]);
        assertEquals(seen[1], seen[0], "the room is the cycles to the first boundary at or after the preemption point");
        assertTrue(seen[3] > 4000, "time left in the slice: " + seen[3]);
        assertEquals(seen[0] + 1, seen[2], "the load after the one that spends the room's last cycle traps, "
                + "a quarter as many as the ns left");
    }
}
