package kola.kernel;

import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.spinUntil;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kola.abi.KernelError;
import kola.abi.KernelLabels;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Sched;
import kola.abi.ThreadId;
import kola.machine.CostModel;
import org.junit.jupiter.api.Test;

/**
 * Scheduling contexts (budgets as sporadic servers), passive servers on lent budgets, timeout
 * faults, domains, and the refusals of SchedControl (paper section 3.1; DESIGN.md, "Scheduling").
 */
class SchedControlTest {
    static final long A = tid(3);
    static final long B = tid(4);
    static final long S = tid(5);
    static final long NEVER = KernelHarness.NEVER;

    /** Cycles now (SystemClock's ret(0)). */
    static long cycles(L4 l4) {
        l4.systemClock();
        return l4.ret(0);
    }

    /** The scheduling state a refused call must leave alone: every context and every thread's scheduling words. */
    static String schedState(Kernel k) {
        StringBuilder b = new StringBuilder();
        for (SchedContext sc : k.cpu.contexts) {
            if (sc != null) {
                b.append(sc).append(' ').append(sc.budget).append('/').append(sc.period).append(" home ").append(sc.home)
                        .append(" holder ").append(sc.holder).append(" refills ").append(sc.refills()).append(';');
            }
        }
        for (long no = 0; no < k.threads.scanLimit(); no++) {
            Tcb t = k.threads.byNumber(no);
            if (t != null) {
                b.append(t).append(" d").append(t.domain).append(" sc ").append(t.sc).append(" passive ").append(t.passive)
                        .append(" handler ").append(t.timeoutHandler).append(';');
            }
        }
        return b.append(" active ").append(k.cpu.ready.active).append(" schedule ").append(k.cpu.hasDomainSchedule()).toString();
    }

    // ---- the sporadic server, by itself ---------------------------------------------------------

    @Test
    void consumedBudgetComesBackOnePeriodAfterItsUse() {
        SchedContext sc = new SchedContext(1, null, 100, 1000, 0);
        assertEquals(100, sc.available(0));
        assertFalse(sc.charge(60, 0, 60));
        assertEquals(40, sc.available(60));
        assertEquals(2, sc.refills());
        assertEquals(1000, sc.refillTime(1));
        assertEquals(60, sc.refillAmount(1));
        assertTrue(sc.charge(40, 500, 540), "all of it used");
        assertTrue(sc.depleted);
        assertEquals(1000, sc.nextRefill());
        assertEquals(0, sc.available(999));
        assertEquals(60, sc.available(1000));
        assertEquals(100, sc.available(1500));
        assertEquals(100, sc.consumed);
        // More than there is is not taken: the sum stays the budget.
        SchedContext over = new SchedContext(2, null, 100, 1000, 0);
        over.charge(150, 0, 150);
        assertEquals(100, over.consumed);
        assertEquals(1, over.refills());
        assertEquals(100, over.refillAmount(0));
        assertEquals(1000, over.refillTime(0));
    }

    @Test
    void refillsBeyondTheLimitAreMergedIntoTheLast() {
        SchedContext sc = new SchedContext(1, null, 1000, 10_000, 0);
        for (int i = 0; i < 20; i++) {
            sc.charge(10, i * 100L, i * 100L + 10);
        }
        assertEquals(SchedContext.MAX_REFILLS, sc.refills());
        long sum = 0;
        for (int i = 0; i < sc.refills(); i++) {
            sum += sc.refillAmount(i);
            assertTrue(i == 0 || sc.refillTime(i) >= sc.refillTime(i - 1));
        }
        assertEquals(1000, sum);
        assertEquals(800, sc.available(2000));
        assertEquals(11_900, sc.refillTime(sc.refills() - 1), "the merged refill comes at the latest of its parts");
    }

    /** Random charges never break the refill invariants, and without overruns no window of one period gets more than the budget. */
    @Test
    void randomChargesKeepTheRefillsWithinTheBudget() {
        for (long seed = 1; seed <= 200; seed++) {
            java.util.Random r = new java.util.Random(seed);
            long budget = 1 + r.nextInt(5000);
            long period = budget + r.nextInt(20_000);
            SchedContext sc = new SchedContext(1, null, budget, period, 0);
            long now = 0;
            List<long[]> runs = new ArrayList<>(); // (start, cycles) of each charge
            for (int i = 0; i < 300; i++) {
                now += r.nextInt(3) == 0 ? r.nextInt(3 * (int) period) : r.nextInt(200);
                long available = sc.available(now);
                if (available == 0) {
                    continue; // the thread waits for a refill
                }
                // Within what is available; with odd seeds, sometimes a few cycles past it (a Java thread's overrun).
                boolean overrun = seed % 2 == 1 && r.nextInt(10) == 0;
                long used = overrun ? available + 1 + r.nextInt(20) : 1 + r.nextInt((int) Math.min(available, Integer.MAX_VALUE));
                long before = sc.consumed;
                long end = now + used;
                sc.charge(used, now, end);
                runs.add(new long[] {now, sc.consumed - before});
                now = end;
                assertTrue(sc.refills() >= 1 && sc.refills() <= SchedContext.MAX_REFILLS, "seed " + seed);
                long sum = 0;
                for (int j = 0; j < sc.refills(); j++) {
                    assertTrue(sc.refillAmount(j) > 0, "seed " + seed);
                    assertTrue(j == 0 || sc.refillTime(j) >= sc.refillTime(j - 1), "seed " + seed);
                    sum += sc.refillAmount(j);
                }
                assertEquals(budget, sum, "seed " + seed);
                assertEquals(sc.available(now) == 0, sc.depleted, "seed " + seed);
            }
            // The sporadic-server guarantee: what was charged from any start time on, within one
            // period, is at most the budget (an overrun is taken from later refills, which it delays).
            for (long[] a : seed % 2 == 1 ? List.<long[]>of() : runs) {
                long inWindow = 0;
                for (long[] b : runs) {
                    if (b[0] >= a[0] && b[0] < a[0] + period) {
                        inWindow += b[1];
                    }
                }
                assertTrue(inWindow <= budget, "seed " + seed + ": " + inWindow + " cycles charged in a period from " + a[0]);
            }
        }
    }

    // ---- budgets in the kernel -------------------------------------------------------------------

    /** A priority-100 spinner with budget B per period P, and a priority-50 spinner without one, both until 10 ms. */
    private static List<Long> budgetRun(boolean budget) {
        KernelHarness h = new KernelHarness();
        List<Long> out = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "spin", 0, 100);
            h.startTask(l4, B, "spin", 1, 50);
            if (budget) {
                h.check(l4.schedControl(Sched.CREATE, 1, 200, 1000) == 1, "create");
                h.check(l4.schedControl(Sched.BIND, 1, A, 0) == 1, "bind");
            }
            KernelHarness.sleep(l4, 20_000);
            if (budget) {
                h.check(l4.schedControl(Sched.QUERY, 1, 0, 0) == 1, "query");
                out.add(l4.ret(Sched.OUT_CONSUMED));
                h.check(l4.ret(Sched.OUT_BOUND) == A, "bound to A");
            }
        });
        h.module("spin", l4 -> {
            if (KernelHarness.entry(l4) == 1) {
                out.add(cycles(l4)); // when the low-priority spinner first runs
            }
            spinUntil(l4, 10_000);
        });
        h.run();
        h.assertNoFailures();
        return out;
    }

    @Test
    void aBudgetLimitsAHighPrioritySpinnerSoThatALowerPriorityRuns() {
        List<Long> without = budgetRun(false);
        assertTrue(without.get(0) >= 10_000_000, "without a budget the low priority waits for the spinner: " + without);
        List<Long> with = budgetRun(true);
        long firstRun = with.get(0);
        long consumed = with.get(1);
        assertTrue(firstRun > 200_000 && firstRun < 210_000, "it runs once the 200 µs budget is gone: " + firstRun);
        // 10 ms of spinning with 200 µs per 1000 µs: ten periods' budget, exactly (the same every run).
        assertEquals(2_000_000, consumed - consumed % 1000, "consumed " + consumed);
        assertEquals(with, budgetRun(true), "deterministic");
    }

    // ---- passive servers -------------------------------------------------------------------------

    /**
     * A client with a context calls a passive server, which spins {@code work} µs before it replies.
     * The root task is the timeout-fault handler if {@code handler}. Returns the log.
     */
    private static List<String> passiveRun(long budgetMicros, long periodMicros, long work, boolean handler) {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, S, "server", 0, 120);
            KernelHarness.sleep(l4, 10); // the server runs to its receive, then is made passive
            h.check(l4.schedControl(Sched.PASSIVE, S, 1, 0) == 1, "passive");
            h.check(h.kernel.threads.lookup(S).state == Tcb.RECEIVING, "the server waits");
            h.check(l4.schedControl(Sched.CREATE, 1, budgetMicros, periodMicros) == 1, "create");
            h.startTask(l4, A, "client", 0, 100);
            h.check(l4.schedControl(Sched.BIND, 1, A, 0) == 1, "bind");
            if (handler) {
                h.check(l4.schedControl(Sched.TIMEOUT_HANDLER, S, ROOT, 0) == 1, "handler");
                long from = l4.ipc(ThreadId.NIL, S, NEVER);
                long tag = l4.mr(0);
                h.log("fault from " + ThreadId.toString(from) + " label " + (MsgTag.label(tag) == KernelLabels.TIMEOUT_FAULT
                        ? "TIMEOUT_FAULT" : MsgTag.label(tag)) + " words " + MsgTag.untyped(tag)
                        + " caller " + ThreadId.toString(l4.mr(1)) + " sc " + l4.mr(2) + " at " + cycles(l4) / 1000 + " µs");
                l4.setMr(0, 0);
                l4.ipc(S, ThreadId.NIL, NEVER); // the reply: it goes on when its budget is back
            }
        });
        h.module("server", l4 -> {
            long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            Tcb self = h.kernel.threads.lookup(S);
            h.log("server runs on " + self.sc + " lent by " + self.donor);
            spinUntil(l4, l4.systemClock() + work);
            l4.setMr(0, MsgTag.make(0, 1, 0));
            l4.setMr(1, 42);
            l4.ipc(from, ThreadId.NIL, NEVER);
            h.log("server after its reply");
        });
        h.module("client", l4 -> {
            l4.setMr(0, MsgTag.make(0, 0, 0));
            long start = cycles(l4);
            l4.ipc(S, S, NEVER);
            Tcb self = h.kernel.threads.lookup(A);
            Tcb server = h.kernel.threads.lookup(S);
            h.log("client got " + l4.mr(1) + " after " + (cycles(l4) - start) / 1000 + " µs, runs on " + self.sc
                    + ", server holds " + server.sc);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(), h.kernel.checkInvariants());
        return h.log;
    }

    @Test
    void aPassiveServerRunsOnTheCallersBudgetAndGivesItBackWithTheReply() {
        List<String> log = passiveRun(5000, 10_000, 100, false);
        assertEquals("server runs on sc 1 lent by " + ThreadId.toString(A), log.get(0));
        assertTrue(log.get(1).startsWith("client got 42 after 10"), log.toString());
        assertTrue(log.get(1).endsWith("runs on sc 1, server holds null"), log.toString());
        assertEquals(2, log.size(), "the passive server does not run after its reply: it has no budget: " + log);
    }

    @Test
    void whenTheLentBudgetRunsOutTheServerWaitsForTheRefill() {
        List<String> log = passiveRun(300, 5000, 1000, false);
        // The server spins until 1000 µs have passed; its 300 µs run out and it waits for the
        // refill, 5000 µs after the budget's first use, by when the 1000 µs are past.
        assertEquals("server runs on sc 1 lent by " + ThreadId.toString(A), log.get(0));
        String got = log.get(1);
        long after = Long.parseLong(got.substring("client got 42 after ".length(), got.indexOf(" µs")));
        assertTrue(after >= 5000 && after < 5100, got);
    }

    @Test
    void whenTheLentBudgetRunsOutTheServerSendsATimeoutFaultToItsHandler() {
        List<String> log = passiveRun(300, 5000, 1000, true);
        assertEquals("server runs on sc 1 lent by " + ThreadId.toString(A), log.get(0));
        String fault = log.get(1);
        assertTrue(fault.startsWith("fault from " + ThreadId.toString(S) + " label TIMEOUT_FAULT words 2 caller "
                + ThreadId.toString(A) + " sc 1 at 31"), fault); // 300 µs after the call at about 12 µs
        assertTrue(log.get(2).startsWith("client got 42 after 50"), log.toString());
        assertEquals(3, log.size(), log.toString());
    }

    // ---- domains ---------------------------------------------------------------------------------

    private static List<long[]> domainRun(int measures, long pad) {
        KernelHarness h = new KernelHarness();
        List<long[]> switches = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "spin", 0, 100);
            h.startTask(l4, B, "spin", 1, 100);
            h.check(l4.schedControl(Sched.DOMAIN, B, 1, 0) == 1, "domain");
            l4.setMr(1, Sched.slot(0, 100));
            l4.setMr(2, Sched.slot(1, 300));
            h.check(l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, measures, pad) == 1, "schedule");
            h.check(l4.schedControl(Sched.DOMAIN, ROOT, 1, 0) == 1, "root to domain 1");
            h.log("root runs in domain 1 at " + cycles(l4));
        });
        h.module("spin", l4 -> spinUntil(l4, 2_000));
        h.kernel().setEventListener((type, time, a, b, c) -> {
            if (type == KernelEvents.DOMAIN) {
                switches.add(new long[] {time, a, b});
            }
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(), h.kernel.checkInvariants());
        return switches; // the first: the schedule's start
    }

    @Test
    void domainsSwitchAtTheirTimesWhateverRuns() {
        List<long[]> sw = domainRun(0, 0);
        long t0 = sw.get(0)[0];
        long[] lengths = {100_000, 300_000};
        long slotStart = t0;
        assertEquals(0, sw.get(0)[2], "slot 0 first");
        for (int i = 1; i < 6; i++) {
            slotStart += lengths[(i - 1) % 2];
            long[] e = sw.get(i);
            assertEquals(i % 2, e[1], "domain of switch " + i);
            // The switch happens at the first preemption point at or after the slot's end (a Java
            // thread stops at its next metered point), after the cost of the kernel entry (100 cycles) it
            // stopped with, if any.
            assertTrue(e[0] >= slotStart && e[0] < slotStart + 150, "switch " + i + " at " + (e[0] - t0) + " cycles");
        }
    }

    @Test
    void withPaddingTheNextDomainStartsExactlyAtItsTime() {
        List<long[]> sw = domainRun(Sched.PAD | Sched.FLUSH, 5000);
        long t0 = sw.get(0)[0];
        long[] lengths = {100_000, 300_000};
        long slotStart = t0;
        for (int i = 1; i < 6; i++) {
            slotStart += lengths[(i - 1) % 2];
            assertEquals(slotStart, sw.get(i)[0], "switch " + i);
        }
    }

    @Test
    void onlyTheActiveDomainRunsAndAHighPrioritySpinnerCannotTakeAnotherDomainsTime() {
        KernelHarness h = new KernelHarness();
        List<Long> firstRun = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "spin", 0, 200);  // domain 0, high priority, spins 5 ms
            h.startTask(l4, B, "spin", 1, 10);   // domain 1, low priority
            h.check(l4.schedControl(Sched.DOMAIN, B, 1, 0) == 1, "domain");
            l4.setMr(1, Sched.slot(0, 500));
            l4.setMr(2, Sched.slot(1, 500));
            h.check(l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, 0, 0) == 1, "schedule");
        });
        h.module("spin", l4 -> {
            firstRun.add(cycles(l4) / 1000);
            spinUntil(l4, 5000);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(2, firstRun.size());
        assertTrue(firstRun.get(1) >= 500 && firstRun.get(1) < 600, "domain 1 runs in its first slot: " + firstRun);
    }

    /**
     * A thread ready in a domain the schedule never runs waits for ever, and with nothing else to
     * happen the idle machine stops: it does not switch domains without end (found by fuzzing,
     * as a kernel loop that never returned).
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 20, unit = java.util.concurrent.TimeUnit.SECONDS,
            threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aReadyThreadOfADomainWithoutSlotsDoesNotKeepTheIdleMachineSwitching() {
        KernelHarness h = new KernelHarness();
        List<Long> ran = new ArrayList<>();
        h.root(l4 -> {
            h.startTask(l4, A, "spin", 0, 10); // lower than the root: ready, not yet run
            h.check(l4.schedControl(Sched.DOMAIN, A, 3, 0) == 1, "A to domain 3");
            l4.setMr(1, Sched.slot(0, 500));
            l4.setMr(2, Sched.slot(1, 500));
            h.check(l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, 0, 0) == 1, "a schedule of domains 0 and 1");
        });
        h.module("spin", l4 -> ran.add(cycles(l4)));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of(), ran, "domain 3 never runs");
        assertEquals("ready,domain 3", h.state(A));
    }

    // ---- refusals -------------------------------------------------------------------------------

    @Test
    void schedControlRefusesBadInputAndChangesNothing() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "idle", 0, 100);
            h.startTask(l4, B, "idle", 0, 100);
            h.check(l4.schedControl(Sched.CREATE, 1, 100, 1000) == 1, "create 1");
            h.check(l4.schedControl(Sched.CREATE, 2, 100, 1000) == 1, "create 2");
            h.check(l4.schedControl(Sched.BIND, 1, A, 0) == 1, "bind 1 to A");
            String before = schedState(h.kernel);
            int p = KernelError.INVALID_PARAMETER;
            int th = KernelError.INVALID_THREAD;
            h.expectError(l4, "bad op", p, 0, () -> l4.schedControl(-1, 1, 1, 1));
            h.expectError(l4, "bad op", p, 0, () -> l4.schedControl(Sched.DOMAIN_SCHEDULE + 1, 1, 1, 1));
            h.expectError(l4, "id 0", p, 0, () -> l4.schedControl(Sched.CREATE, 0, 100, 1000));
            h.expectError(l4, "id too big", p, 0, () -> l4.schedControl(Sched.CREATE, Sched.CONTEXTS, 100, 1000));
            h.expectError(l4, "negative id", p, 0, () -> l4.schedControl(Sched.CREATE, -5, 100, 1000));
            h.expectError(l4, "id in use", p, 0, () -> l4.schedControl(Sched.CREATE, 1, 100, 1000));
            h.expectError(l4, "zero budget", p, 0, () -> l4.schedControl(Sched.CREATE, 3, 0, 1000));
            h.expectError(l4, "negative budget", p, 0, () -> l4.schedControl(Sched.CREATE, 3, -100, 1000));
            h.expectError(l4, "budget over period", p, 0, () -> l4.schedControl(Sched.CREATE, 3, 2000, 1000));
            h.expectError(l4, "period too long", p, 0, () -> l4.schedControl(Sched.CREATE, 3, 100, Sched.MAX_MICROS + 1));
            h.expectError(l4, "overflowing period", p, 0, () -> l4.schedControl(Sched.CREATE, 3, 100, Long.MAX_VALUE));
            h.expectError(l4, "configure a free id", p, 0, () -> l4.schedControl(Sched.CONFIGURE, 3, 100, 1000));
            h.expectError(l4, "configure budget over period", p, 0, () -> l4.schedControl(Sched.CONFIGURE, 1, 2000, 1000));
            h.expectError(l4, "bind a free id", p, 0, () -> l4.schedControl(Sched.BIND, 3, B, 0));
            h.expectError(l4, "bind to no thread", th, 0, () -> l4.schedControl(Sched.BIND, 2, tid(99), 0));
            h.expectError(l4, "bind to an interrupt", th, 0, () -> l4.schedControl(Sched.BIND, 2, ThreadId.global(1, 1), 0));
            h.expectError(l4, "bind a bound context", p, 0, () -> l4.schedControl(Sched.BIND, 1, B, 0));
            h.expectError(l4, "bind to a thread that has one", p, 0, () -> l4.schedControl(Sched.BIND, 2, A, 0));
            h.expectError(l4, "unbind an unbound context", p, 0, () -> l4.schedControl(Sched.UNBIND, 2, 0, 0));
            h.expectError(l4, "unbind a free id", p, 0, () -> l4.schedControl(Sched.UNBIND, 77, 0, 0));
            h.expectError(l4, "passive: no thread", th, 0, () -> l4.schedControl(Sched.PASSIVE, tid(99), 1, 0));
            h.expectError(l4, "passive: bad flag", p, 0, () -> l4.schedControl(Sched.PASSIVE, B, 2, 0));
            h.expectError(l4, "passive with a context", p, 0, () -> l4.schedControl(Sched.PASSIVE, A, 1, 0));
            h.expectError(l4, "handler: no thread", th, 0, () -> l4.schedControl(Sched.TIMEOUT_HANDLER, tid(99), ROOT, 0));
            h.expectError(l4, "handler: no handler", th, 0, () -> l4.schedControl(Sched.TIMEOUT_HANDLER, A, tid(99), 0));
            h.expectError(l4, "handler: itself", p, 0, () -> l4.schedControl(Sched.TIMEOUT_HANDLER, A, A, 0));
            h.expectError(l4, "delete a bound context", p, 0, () -> l4.schedControl(Sched.DELETE, 1, 0, 0));
            h.expectError(l4, "delete a free id", p, 0, () -> l4.schedControl(Sched.DELETE, 3, 0, 0));
            h.expectError(l4, "query a free id", p, 0, () -> l4.schedControl(Sched.QUERY, 3, 0, 0));
            h.expectError(l4, "domain: no thread", th, 0, () -> l4.schedControl(Sched.DOMAIN, tid(99), 1, 0));
            h.expectError(l4, "domain too big", p, 0, () -> l4.schedControl(Sched.DOMAIN, B, Sched.DOMAINS, 0));
            h.expectError(l4, "negative domain", p, 0, () -> l4.schedControl(Sched.DOMAIN, B, -1, 0));
            // The domain schedule: slots in MR1..MRn.
            l4.setMr(1, Sched.slot(0, 100));
            l4.setMr(2, Sched.slot(1, 100));
            h.expectError(l4, "too many slots", p, 0, () -> l4.schedControl(Sched.DOMAIN_SCHEDULE, Sched.MAX_SLOTS + 1, 0, 0));
            h.expectError(l4, "negative slots", p, 0, () -> l4.schedControl(Sched.DOMAIN_SCHEDULE, -1, 0, 0));
            h.expectError(l4, "unknown counter-measure", p, 0, () -> l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, 4, 0));
            h.expectError(l4, "pad without PAD", p, 0, () -> l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, 0, 100));
            h.expectError(l4, "PAD without pad", p, 0, () -> l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, Sched.PAD, 0));
            h.expectError(l4, "pad over half a slot", p, 0, () -> l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, Sched.PAD, 50_001));
            h.expectError(l4, "no schedule with measures", p, 0, () -> l4.schedControl(Sched.DOMAIN_SCHEDULE, 0, Sched.FLUSH, 0));
            l4.setMr(2, Sched.slot(Sched.DOMAINS, 100));
            h.expectError(l4, "slot of a domain too big", p, 0, () -> l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, 0, 0));
            l4.setMr(2, Sched.slot(1, Sched.MIN_SLOT_MICROS - 1));
            h.expectError(l4, "slot too short", p, 0, () -> l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, 0, 0));
            l4.setMr(2, -1L);
            h.expectError(l4, "slot word all ones", p, 0, () -> l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, 0, 0));
            h.check(before.equals(schedState(h.kernel)), "refused calls changed the scheduling state:\n  " + before
                    + "\n  " + schedState(h.kernel));
            // A handler of another domain would be a path between partitions.
            h.check(l4.schedControl(Sched.DOMAIN, B, 2, 0) == 1, "B to domain 2");
            h.expectError(l4, "handler of another domain", p, 0, () -> l4.schedControl(Sched.TIMEOUT_HANDLER, A, B, 0));
            // Unbound, a context can be deleted, and its memory goes back.
            long bytes = h.kernel.threads.lookup(ROOT).space.kernelBytes[KernelObject.SCHED_CONTEXT.ordinal()];
            h.check(bytes == 2 * SchedContext.BYTES, "charged for two: " + bytes);
            h.check(l4.schedControl(Sched.UNBIND, 1, 0, 0) == 1 && l4.schedControl(Sched.DELETE, 1, 0, 0) == 1, "unbind, delete");
            h.check(h.kernel.threads.lookup(ROOT).space.kernelBytes[KernelObject.SCHED_CONTEXT.ordinal()] == SchedContext.BYTES,
                    "one left charged");
            h.check(h.kernel.threads.lookup(A).sc == null, "A unbound");
        });
        h.module("idle", l4 -> KernelHarness.sleep(l4, 100));
        h.run();
        h.assertNoFailures();
    }

    @Test
    void anUnprivilegedTaskIsRefusedAllButQueryingItsOwnContext() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.check(l4.schedControl(Sched.CREATE, 1, 100, 1000) == 1, "create");
            h.check(l4.schedControl(Sched.CREATE, 2, 100, 1000) == 1, "create");
            h.startTask(l4, A, "task", 0, 200);
            h.check(l4.schedControl(Sched.BIND, 1, A, 0) == 1, "bind");
            KernelHarness.sleep(l4, 1000);
        });
        h.module("task", l4 -> {
            int np = KernelError.NO_PRIVILEGE;
            String before = schedState(h.kernel);
            h.expectError(l4, "create", np, 0, () -> l4.schedControl(Sched.CREATE, 3, 100, 1000));
            h.expectError(l4, "configure", np, 0, () -> l4.schedControl(Sched.CONFIGURE, 1, 1000, 1000));
            h.expectError(l4, "bind", np, 0, () -> l4.schedControl(Sched.BIND, 2, A, 0));
            h.expectError(l4, "unbind its own", np, 0, () -> l4.schedControl(Sched.UNBIND, 1, 0, 0));
            h.expectError(l4, "passive", np, 0, () -> l4.schedControl(Sched.PASSIVE, ROOT, 1, 0));
            h.expectError(l4, "handler", np, 0, () -> l4.schedControl(Sched.TIMEOUT_HANDLER, A, ROOT, 0));
            h.expectError(l4, "delete", np, 0, () -> l4.schedControl(Sched.DELETE, 2, 0, 0));
            h.expectError(l4, "domain", np, 0, () -> l4.schedControl(Sched.DOMAIN, A, 1, 0));
            h.expectError(l4, "schedule", np, 0, () -> l4.schedControl(Sched.DOMAIN_SCHEDULE, 0, 0, 0));
            h.expectError(l4, "query another's", np, 0, () -> l4.schedControl(Sched.QUERY, 2, 0, 0));
            h.check(before.equals(schedState(h.kernel)), "refusals changed nothing");
            // Its context has run it for its ten refused calls and this query, a kernel entry each
            // (the harness does not meter a task's Java code), all within the first period: the
            // rest of the 100 µs budget is available.
            long consumed = 11 * CostModel.TRAP;
            h.check(l4.schedControl(Sched.QUERY, 1, 0, 0) == 1 && l4.ret(Sched.OUT_BOUND) == A
                    && l4.ret(Sched.OUT_CONSUMED) == consumed
                    && l4.ret(Sched.OUT_AVAILABLE) == 100 * CostModel.CYCLES_PER_MICROSECOND - consumed,
                    "query its own: available " + l4.ret(Sched.OUT_AVAILABLE) + ", consumed " + l4.ret(Sched.OUT_CONSUMED));
        });
        h.run();
        h.assertNoFailures();
    }

    @Test
    void aDeletedClientsLentContextComesBackUnboundAndTheServerStops() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, S, "server", 0, 120);
            KernelHarness.sleep(l4, 10);
            h.check(l4.schedControl(Sched.PASSIVE, S, 1, 0) == 1, "passive");
            h.check(l4.schedControl(Sched.CREATE, 1, 1000, 2000) == 1, "create");
            h.startTask(l4, A, "client", 0, 100);
            h.check(l4.schedControl(Sched.BIND, 1, A, 0) == 1, "bind");
            KernelHarness.sleep(l4, 300); // the client calls, the server spins on its budget
            Tcb server = h.kernel.threads.lookup(S);
            h.check(server.sc != null && server.donor == h.kernel.threads.lookup(A), "lent");
            h.check(l4.threadControl(A, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, KernelHarness.NO_UTCB) == 1, "delete client");
            h.check(server.sc == null && server.donor == null, "the server lost the lent context");
            SchedContext sc = h.kernel.cpu.contexts[1];
            h.check(sc.home == null && sc.holder == null, "unbound");
            h.check(l4.schedControl(Sched.DELETE, 1, 0, 0) == 1, "now deletable");
        });
        h.module("server", l4 -> {
            l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            h.log("server got a call");
            spinUntil(l4, 100_000);
            h.log("server spun out");
        });
        h.module("client", l4 -> {
            l4.setMr(0, 0);
            l4.ipc(S, S, NEVER);
            h.log("client got an answer");
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("server got a call"), h.log);
        assertNull(h.kernel.cpu.contexts[1]);
    }

    @Test
    void aCallThatTimesOutTakesItsContextBackAndTheServerStops() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, S, "server", 0, 120);
            KernelHarness.sleep(l4, 10);
            h.check(l4.schedControl(Sched.PASSIVE, S, 1, 0) == 1, "passive");
            h.check(l4.schedControl(Sched.CREATE, 1, 5000, 10_000) == 1, "create");
            h.startTask(l4, A, "client", 0, 100);
            h.check(l4.schedControl(Sched.BIND, 1, A, 0) == 1, "bind");
        });
        h.module("server", l4 -> {
            l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            h.log("server got a call");
            spinUntil(l4, 3000); // longer than the client waits
            h.log("server done");
        });
        h.module("client", l4 -> {
            l4.setMr(0, 0);
            l4.ipc(S, S, kola.abi.Timeout.pair(kola.abi.Timeout.NEVER, kola.abi.Timeout.relative(500)));
            Tcb self = h.kernel.threads.lookup(A);
            Tcb server = h.kernel.threads.lookup(S);
            h.log("client: " + kola.abi.IpcError.describe(l4.errorCode()) + ", runs on " + self.sc + ", server holds "
                    + server.sc + ", lent to " + self.lentTo);
        });
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("server got a call", "client: " + kola.abi.IpcError.describe(
                kola.abi.IpcError.code(kola.abi.IpcError.TIMEOUT, true)) + ", runs on sc 1, server holds null, lent to null"), h.log);
        Tcb server = h.kernel.threads.lookup(S);
        assertEquals(Tcb.READY, server.state, "the server was stopped mid-work");
        assertFalse(server.runnable(), "ready, but with no budget");
        assertEquals("ready,passive", h.state(S), "what the kernel debugger's ps shows");
    }

    @Test
    void aThreadSwitchToAThreadOfAnotherDomainYieldsInstead() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "t", 0, 50);
            h.startTask(l4, B, "t", 1, 50);
            h.check(l4.schedControl(Sched.DOMAIN, B, 1, 0) == 1, "domain");
            l4.threadSwitch(B);
            h.log("root after its switch");
            l4.setMr(1, Sched.slot(0, 100));
            l4.setMr(2, Sched.slot(1, 100));
            h.check(l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, 0, 0) == 1, "schedule");
            h.log("root set the schedule");
        });
        h.module("t", l4 -> h.log("entry " + KernelHarness.entry(l4) + " in the " + cycles(l4) / 100_000 + "th 100 µs"));
        h.run();
        h.assertNoFailures();
        assertEquals(List.of("root after its switch", "root set the schedule", "entry 0 in the 0th 100 µs", "entry 1 in the 1th 100 µs"),
                h.log, "B runs only in domain 1's slot");
    }

    @Test
    void theInvariantCheckerSeesABrokenContext() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "idle", 0, 100);
            h.check(l4.schedControl(Sched.CREATE, 1, 100, 1000) == 1 && l4.schedControl(Sched.BIND, 1, A, 0) == 1, "bound");
        });
        h.module("idle", l4 -> KernelHarness.sleep(l4, 100));
        h.run();
        h.assertNoFailures();
        Kernel k = h.kernel;
        assertEquals(List.of(), k.checkInvariants());
        SchedContext sc = k.cpu.contexts[1];
        sc.budget += 1; // the refills no longer add up to it
        assertTrue(k.checkInvariants().contains("sc 1: refills add up to 100000, the budget is 100001"), k.checkInvariants().toString());
        sc.budget -= 1;
        Tcb a = k.threads.lookup(A);
        a.sc = null; // bound, but holding nothing
        assertTrue(k.checkInvariants().stream().anyMatch(v -> v.startsWith("sc 1: held by " + a)), k.checkInvariants().toString());
        a.sc = sc;
        Space root = k.threads.lookup(ROOT).space;
        root.kernelBytes[KernelObject.SCHED_CONTEXT.ordinal()] = 0;
        assertTrue(k.checkInvariants().stream().anyMatch(v -> v.contains("bytes for scheduling contexts")), k.checkInvariants().toString());
    }

    @Test
    void budgetsAndDomainsRunTheSameTwice() {
        assertSame(Boolean.TRUE, Boolean.TRUE);
        long a = determinismRun();
        assertEquals(a, determinismRun());
    }

    private static long determinismRun() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, S, "server", 0, 120);
            KernelHarness.sleep(l4, 10);
            l4.schedControl(Sched.PASSIVE, S, 1, 0);
            l4.schedControl(Sched.CREATE, 1, 200, 1000);
            h.startTask(l4, A, "client", 0, 100);
            l4.schedControl(Sched.BIND, 1, A, 0);
            h.startTask(l4, B, "spin", 0, 150);
            l4.schedControl(Sched.DOMAIN, B, 1, 0);
            l4.setMr(1, Sched.slot(0, 700));
            l4.setMr(2, Sched.slot(1, 300));
            l4.schedControl(Sched.DOMAIN_SCHEDULE, 2, Sched.FLUSH | Sched.PAD, 2000);
        });
        h.module("server", l4 -> {
            long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            while (true) {
                spinUntil(l4, l4.systemClock() + 50);
                l4.setMr(0, 0);
                from = l4.ipc(from, ThreadId.ANY, NEVER);
            }
        });
        h.module("client", l4 -> {
            for (int i = 0; i < 40; i++) {
                l4.setMr(0, 0);
                l4.ipc(S, S, NEVER);
            }
        });
        h.module("spin", l4 -> spinUntil(l4, 8000));
        return h.run().eventHash();
    }
}
