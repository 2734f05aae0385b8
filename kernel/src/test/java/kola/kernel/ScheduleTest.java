package kola.kernel;

import static kola.kernel.KernelHarness.KIP_BASE;
import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.sleep;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kola.abi.ExRegs;
import kola.abi.KernelError;
import kola.abi.L4;
import kola.abi.Schedule;
import kola.abi.ThreadId;
import kola.abi.ThreadState;
import kola.abi.Timeout;
import org.junit.jupiter.api.Test;

/** Schedule, ThreadSwitch and the scheduler: priorities, time slices, round robin, preemption. */
class ScheduleTest {
    static final long A = tid(3);
    static final long B = tid(4);
    static final long C = tid(5);
    static final long U = Schedule.UNCHANGED;

    static long prio(L4 l4, long dest, long prio) {
        return l4.schedule(dest, U, U, prio, U);
    }

    @Test
    void withoutPriorityChangeStartOrderDecides() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "t", 0, 100);
            h.startTask(l4, B, "t", 1, 100);
        });
        h.module("t", l4 -> h.log("entry " + KernelHarness.entry(l4)));
        h.run();
        assertEquals(List.of("entry 0", "entry 1"), h.log);
    }

    @Test
    void aPriorityChangeTakesEffectAtOnce() {
        KernelHarness h = new KernelHarness();
        List<Long> rets = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "t", 0, 100);
            h.startTask(l4, B, "t", 1, 100);
            rets.add(prio(l4, B, 150));
            rets.add(l4.ret(0));
            rets.add(l4.ret(1));
            rets.add(prio(l4, B, U));
            rets.add(l4.ret(1));
        });
        h.module("t", l4 -> h.log("entry " + KernelHarness.entry(l4)));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("entry 1", "entry 0"), h.log, "the thread raised to 150 runs first");
        assertEquals(List.of((long) ThreadState.RUNNING, Schedule.timeslice(10_000), 100L,
                (long) ThreadState.RUNNING, 150L), rets);
        assertEquals(150, h.info(B).priority());
    }

    @Test
    void loweringTheCallersOwnPriorityBelowAReadyThreadSwitchesToIt() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "t", 0, 100);
            h.log("root before");
            prio(l4, ROOT, 50);
            h.log("root after");
        });
        h.module("t", l4 -> h.log("a runs"));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("root before", "a runs", "root after"), h.log);
    }

    @Test
    void raisingAReadyThreadAboveTheCallerSwitchesToItAtOnce() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            prio(l4, ROOT, 120);
            h.startTask(l4, A, "t", 0, 100);
            h.log("root before");
            prio(l4, A, 120); // equal: root keeps running
            h.log("root equal");
            prio(l4, ROOT, 110);
            h.log("root after");
        });
        h.module("t", l4 -> h.log("a runs"));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("root before", "root equal", "a runs", "root after"), h.log);
    }

    @Test
    void aSchedulerCannotGiveMoreThanItsOwnPriority() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.createActivated(l4, A);
            prio(l4, ROOT, 120);
            h.expectError(l4, "above own priority", KernelError.INVALID_PARAMETER, ThreadState.ERROR,
                    () -> prio(l4, A, 121));
            h.expectError(l4, "255", KernelError.INVALID_PARAMETER, ThreadState.ERROR, () -> prio(l4, A, 255));
            h.expectError(l4, "raise itself", KernelError.INVALID_PARAMETER, ThreadState.ERROR,
                    () -> prio(l4, ROOT, 121));
            h.check(prio(l4, A, 120) == ThreadState.INACTIVE, "equal to own priority is fine");
            h.check(prio(l4, A, 0) == ThreadState.INACTIVE, "zero is fine");
            for (long bad : new long[] {256, -2, 1L << 40, Long.MIN_VALUE}) {
                h.expectError(l4, "priority " + bad, KernelError.INVALID_PARAMETER, ThreadState.ERROR,
                        () -> prio(l4, A, bad));
            }
            h.log("done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("done"), h.log);
        assertEquals(0, h.info(A).priority());
    }

    @Test
    void onlyTheSchedulerMaySchedule() {
        KernelHarness h = new KernelHarness();
        h.sigma0(l4 -> {
            l4.receive(ROOT);
            h.expectError(l4, "sigma0 schedules A", KernelError.NO_PRIVILEGE, ThreadState.ERROR, () -> prio(l4, A, 10));
            h.log("sigma0 done");
        });
        h.root(l4 -> {
            h.startTask(l4, A, "a", 0, 100);
            h.startTask(l4, B, "a", 1, 90);
            h.expectError(l4, "nonexistent", KernelError.INVALID_THREAD, ThreadState.ERROR, () -> prio(l4, tid(600), 10));
            h.expectError(l4, "stale", KernelError.INVALID_THREAD, ThreadState.ERROR,
                    () -> prio(l4, ThreadId.global(ThreadId.number(A), 3), 10));
            h.expectError(l4, "nil", KernelError.INVALID_THREAD, ThreadState.ERROR, () -> prio(l4, ThreadId.NIL, 10));
            l4.setMr(0, 0);
            l4.send(KernelHarness.SIGMA0);
        });
        h.module("a", l4 -> {
            if (KernelHarness.entry(l4) == 0) {
                h.expectError(l4, "A schedules B", KernelError.NO_PRIVILEGE, ThreadState.ERROR, () -> prio(l4, B, 10));
                h.expectError(l4, "A schedules itself", KernelError.NO_PRIVILEGE, ThreadState.ERROR, () -> prio(l4, A, 10));
                h.expectError(l4, "A schedules root", KernelError.NO_PRIVILEGE, ThreadState.ERROR,
                        () -> prio(l4, ROOT, 10));
                h.log("a done");
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("sigma0 done", "a done"), h.log);
        assertEquals(90, h.info(B).priority());
    }

    /** X.2: any thread of the scheduler's address space may schedule, not only the scheduler itself. */
    @Test
    void aThreadOfTheSchedulersSpaceMaySchedule() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            if (KernelHarness.entry(l4) == 1) { // a second thread of the root task's space
                h.check(prio(l4, A, 42) != ThreadState.ERROR, "a thread of the scheduler's space schedules A: "
                        + KernelError.describe(l4.errorCode()));
                h.log("sibling done");
                return;
            }
            h.startTask(l4, A, "a", 0, 100);
            long ip = l4.kernelInterface().bootModules().get(1).entry(1);
            h.check(l4.threadControl(tid(9), ROOT, ROOT, ThreadId.NIL, KernelHarness.UTCB + 1024) == 1, "sibling");
            h.check(l4.schedule(tid(9), U, U, 200, U) != ThreadState.ERROR, "its priority");
            h.check(l4.exchangeRegisters(tid(9), kola.abi.ExRegs.SET_SP_IP | kola.abi.ExRegs.RESUME, 0, ip, 0, 0,
                    ThreadId.NIL) == KernelHarness.UTCB + 1024, "start it (its local id back)");
        });
        h.module("a", l4 -> { });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("sibling done"), h.log);
        assertEquals(42, h.info(A).priority());
    }

    @Test
    void timeSliceIsSetAndReadBackAndBadControlWordsAreRejected() {
        KernelHarness h = new KernelHarness();
        List<Long> rets = new ArrayList<>();
        h.root(l4 -> {
            h.createActivated(l4, A);
            l4.schedule(A, Schedule.timeslice(5000), U, U, U);
            rets.add(l4.ret(0));
            l4.schedule(A, U, U, U, U);
            rets.add(l4.ret(0));
            l4.schedule(A, Schedule.timeslice(1), 0, U, 0);
            l4.schedule(A, U, U, U, U);
            rets.add(l4.ret(0));
            long[] badTime = {
                (long) Timeout.NEVER << 16, (long) Timeout.ZERO << 16, Schedule.timeslice(100) | 1,
                Schedule.timeslice(100) | 1L << 40, (long) (Timeout.POINT | 3) << 16,
            };
            for (long t : badTime) {
                h.expectError(l4, "time control " + Long.toHexString(t), KernelError.INVALID_PARAMETER,
                        ThreadState.ERROR, () -> l4.schedule(A, t, U, U, U));
            }
            h.expectError(l4, "processor 1", KernelError.INVALID_PARAMETER, ThreadState.ERROR,
                    () -> l4.schedule(A, U, 1, U, U));
            h.expectError(l4, "preemption control", KernelError.INVALID_PARAMETER, ThreadState.ERROR,
                    () -> l4.schedule(A, U, U, U, 5));
            h.expectError(l4, "a bad word makes the whole call fail", KernelError.INVALID_PARAMETER,
                    ThreadState.ERROR, () -> l4.schedule(A, Schedule.timeslice(7000), U, 10, 5));
            l4.schedule(A, U, U, U, U);
            rets.add(l4.ret(0));
            rets.add(l4.ret(1));
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(Schedule.timeslice(10_000), Schedule.timeslice(5000), Schedule.timeslice(1),
                Schedule.timeslice(1), 100L), rets);
    }

    @Test
    void scheduleReturnsTheThreadState() {
        KernelHarness h = new KernelHarness();
        List<Long> states = new ArrayList<>();
        h.root(l4 -> {
            h.check(l4.threadControl(tid(9), tid(9), ROOT, ThreadId.NIL, -1) == 1, "created, never started");
            h.startTask(l4, C, "t", 2, 100);  // ends at once
            h.startTask(l4, A, "t", 0, 100);  // receives
            h.startTask(l4, B, "t", 1, 100);  // sends to C... C has ended: blocks
            states.add(prio(l4, A, U));      // started, not yet run
            sleep(l4, 100);
            states.add(prio(l4, tid(9), U));
            states.add(prio(l4, C, U));
            states.add(prio(l4, A, U));
            states.add(prio(l4, B, U));
            states.add(prio(l4, ROOT, U));
            l4.exchangeRegisters(A, ExRegs.HALT, 0, 0, 0, 0, 0);
            states.add(prio(l4, A, U));
        });
        h.module("t", l4 -> {
            switch (KernelHarness.entry(l4)) {
                case 0 -> l4.receive(ROOT);
                case 1 -> {
                    l4.setMr(0, 0);
                    l4.send(C);
                }
                default -> { }
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of((long) ThreadState.RUNNING, (long) ThreadState.INACTIVE, (long) ThreadState.INACTIVE,
                (long) ThreadState.WAITING, (long) ThreadState.PENDING_SEND, (long) ThreadState.RUNNING,
                (long) ThreadState.INACTIVE), states);
    }

    // ---- ThreadSwitch -----------------------------------------------------------------------

    static KernelHarness threeThreads(java.util.function.BiConsumer<KernelHarness, L4> first, int thirdPriority) {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "t", 0, 100);
            h.startTask(l4, B, "t", 1, 100);
            h.startTask(l4, C, "t", 2, thirdPriority);
        });
        h.module("t", l4 -> {
            switch (KernelHarness.entry(l4)) {
                case 0 -> first.accept(h, l4);
                case 1 -> h.log("B");
                default -> h.log("C");
            }
        });
        return h;
    }

    @Test
    void aSystemCallAloneDoesNotSwitchBetweenEqualPriorities() {
        KernelHarness h = threeThreads((hh, l4) -> {
            hh.log("A1");
            l4.systemClock();
            hh.log("A2");
        }, 100);
        h.run();
        assertEquals(List.of("A1", "A2", "B", "C"), h.log);
    }

    @Test
    void yieldLetsTheNextThreadOfEqualPriorityRun() {
        KernelHarness h = threeThreads((hh, l4) -> {
            hh.log("A1");
            l4.threadSwitch(ThreadId.NIL);
            hh.log("A2");
        }, 100);
        h.run();
        assertEquals(List.of("A1", "B", "C", "A2"), h.log);
    }

    @Test
    void threadSwitchDonatesToTheNamedThread() {
        KernelHarness h = threeThreads((hh, l4) -> {
            hh.log("A1");
            l4.threadSwitch(C);
            hh.log("A2");
        }, 100);
        h.run();
        assertEquals(List.of("A1", "C", "B", "A2"), h.log);
    }

    @Test
    void threadSwitchToAThreadThatIsNotReadyYields() {
        KernelHarness h = threeThreads((hh, l4) -> {
            hh.log("A1");
            l4.threadSwitch(tid(700));
            hh.log("A2");
        }, 100);
        h.run();
        assertEquals(List.of("A1", "B", "C", "A2"), h.log);
    }

    @Test
    void threadSwitchDonatesEvenToALowerPriorityThread() {
        // L4 X.2, ThreadSwitch: "If dest is ready, processing switches to this thread."
        KernelHarness h = threeThreads((hh, l4) -> {
            hh.log("A1");
            l4.threadSwitch(C);
            hh.log("A2");
        }, 50);
        h.run();
        assertEquals("C", h.log.get(1), "the donation runs C (priority 50) before A (100) goes on: " + h.log);
    }

    @Test
    void yieldDoesNotLetALowerPriorityThreadRun() {
        KernelHarness h = threeThreads((hh, l4) -> {
            hh.log("A1");
            l4.threadSwitch(ThreadId.NIL);
            hh.log("A2");
        }, 50);
        h.run();
        assertEquals(List.of("A1", "B", "A2", "C"), h.log);
    }

    // ---- time slices and preemption ---------------------------------------------------------

    /** One stretch of running of a thread: [from, to] in µs as it observed it. */
    record Stretch(long thread, long from, long to) {
        long length() {
            return to - from;
        }
    }

    /** Threads that spin on memory loads until {@code end} µs and record when they ran. */
    static void spinAndRecord(L4 l4, List<Stretch> stretches, long end) {
        long me = l4.myGlobalId();
        while (true) {
            long now = l4.systemClock();
            Stretch last = stretches.isEmpty() ? null : stretches.get(stretches.size() - 1);
            if (last != null && last.thread() == me) {
                stretches.set(stretches.size() - 1, new Stretch(me, last.from(), now));
            } else {
                stretches.add(new Stretch(me, now, now));
            }
            if (now >= end) {
                return;
            }
            for (int i = 0; i < 100; i++) {
                l4.memory().load32(KIP_BASE);
            }
        }
    }

    @Test
    void equalPrioritiesShareTheCpuRoundRobinByTimeSlice() {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withTimeslice(1000)).unchecked();
        List<Stretch> stretches = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "spin", 0, 100);
            h.startTask(l4, B, "spin", 0, 100);
            h.startTask(l4, C, "spin", 0, 100);
        });
        h.module("spin", l4 -> spinAndRecord(l4, stretches, 20_000));
        h.run();
        h.assertNoFailures();
        assertTrue(stretches.size() >= 15, "round robin: " + stretches);
        for (int i = 0; i + 3 < stretches.size(); i++) {
            Stretch s = stretches.get(i);
            assertEquals(List.of(A, B, C).get(i % 3), s.thread(), "order A, B, C, A, ...: " + stretches);
            if (i > 0) {
                assertTrue(s.length() >= 997 && s.length() <= 1001, "a 1 ms slice, observed " + s);
            }
        }
    }

    @Test
    void aTimeSliceSetBySchedulePerThreadIsUsed() {
        KernelHarness h = new KernelHarness().unchecked();
        List<Stretch> stretches = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "spin", 0, 100);
            h.startTask(l4, B, "spin", 0, 100);
            l4.schedule(A, Schedule.timeslice(500), U, U, U);
            l4.schedule(B, Schedule.timeslice(1500), U, U, U);
        });
        h.module("spin", l4 -> spinAndRecord(l4, stretches, 30_000));
        h.run();
        h.assertNoFailures();
        assertTrue(stretches.size() >= 8, "round robin: " + stretches);
        // From the second round on (the first is the subject of the next test), each thread runs its own slice.
        for (int i = 2; i + 2 < stretches.size(); i++) {
            Stretch s = stretches.get(i);
            long slice = s.thread() == A ? 500 : 1500;
            assertTrue(s.length() >= slice - 3 && s.length() <= slice + 1, "slice " + slice + ", observed " + s
                    + " in " + stretches);
        }
    }

    @Test
    void aNewTimeSliceTakesEffectAtOnce() {
        // L4 X.2 Schedule / Pistachio init_timeslice(): the time slice set by Schedule replaces the
        // current one, so a thread given a 500 us slice before it first runs is preempted after 500 us.
        KernelHarness h = new KernelHarness().unchecked();
        List<Stretch> stretches = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "spin", 0, 100);
            h.startTask(l4, B, "spin", 0, 100);
            l4.schedule(A, Schedule.timeslice(500), U, U, U);
            l4.schedule(B, Schedule.timeslice(500), U, U, U);
        });
        h.module("spin", l4 -> spinAndRecord(l4, stretches, 3_000));
        h.run();
        h.assertNoFailures();
        assertTrue(stretches.get(0).length() <= 501, "first stretch of A with a 500 us slice: " + stretches);
    }

    @Test
    void aHigherPriorityThreadWakingFromATimeoutPreemptsALowerOne() {
        KernelHarness h = new KernelHarness().unchecked();
        List<long[]> woke = new ArrayList<>();
        long[] spins = {0};
        h.root(l4 -> {
            h.startTask(l4, A, "high", 0, 150);
            h.startTask(l4, B, "low", 0, 100);
        });
        h.module("high", l4 -> {
            for (int i = 0; i < 3; i++) {
                long t0 = l4.systemClock();
                sleep(l4, 1000);
                woke.add(new long[] {l4.systemClock() - t0, spins[0]});
            }
        });
        h.module("low", l4 -> {
            // Memory accesses only, no system calls: the only preemption points are the accesses.
            for (int i = 0; i < 5_000_000; i++) {
                l4.memory().load32(KIP_BASE);
                spins[0]++;
            }
            h.log("low done");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(3, woke.size());
        long previous = 0;
        for (long[] w : woke) {
            assertTrue(w[0] >= 1000 && w[0] <= 1002, "woke after " + w[0] + " µs, not at the end of the low thread's slice");
            assertTrue(w[1] > previous && w[1] < 5_000_000, "the low thread ran in between and was interrupted");
            previous = w[1];
        }
        assertEquals(List.of("low done"), h.log);
    }

    @Test
    void aLowerPriorityThreadNeverRunsWhileAHigherOneSpins() {
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withTimeslice(500)).unchecked();
        List<Long> lowRanAt = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "high", 0, 150);
            h.startTask(l4, B, "low", 0, 100);
        });
        h.module("high", l4 -> {
            KernelHarness.spinUntil(l4, 5000);
            h.log("high done at " + (l4.systemClock() >= 5000));
        });
        h.module("low", l4 -> lowRanAt.add(l4.systemClock()));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("high done at true"), h.log);
        assertTrue(lowRanAt.get(0) >= 5000, "low ran only after high finished: " + lowRanAt);
    }

    @Test
    void aVeryLongConfiguredTimeSliceIsReportedWithoutAKernelException() {
        // KernelConfig accepts any positive slice; Schedule reports the old slice as a relative
        // timeout, whose largest value is 1023 * 2^31 us. A longer slice must still give an answer
        // (the largest period, say), not an exception out of the kernel loop.
        KernelHarness h = new KernelHarness().config(KernelConfig.defaults().withTimeslice(3_000_000_000_000L));
        List<Long> seen = new ArrayList<>();
        h.root(l4 -> {
            h.createActivated(l4, A);
            seen.add(l4.schedule(A, U, U, U, U));
        });
        h.run();
        assertEquals(List.of((long) ThreadState.INACTIVE), seen);
    }
}
