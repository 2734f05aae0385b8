package kola.kernel;

import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import kola.abi.ExRegs;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Schedule;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import org.junit.jupiter.api.Test;

/**
 * Random programs of IPC and thread operations among a few threads in three spaces, with random
 * partners (good, stale, nil, any, nonexistent, interrupt ids), timeouts and tags: the kernel never
 * throws, and between any two kernel entries its thread, queue and timeout structures are consistent.
 * A scenario is decoded from a fuzz input ({@link #scenario}); each property is a {@link FuzzTest},
 * and a plain test runs it over seeded random inputs as well.
 */
class KernelPropertiesTest {
    static final int WORKERS = 4;
    /** The seed of the random scenarios every build runs. */
    static final long RANDOM_IPC_SEED = 0x1BCL;
    static final long[] WORKER_IDS = {tid(3), tid(4), tid(5), tid(6)};
    static final long[] ID_POOL = {
        tid(3), tid(4), tid(5), tid(6), tid(3), tid(4), tid(5), tid(6), // the live ones, weighted
        ROOT, KernelHarness.SIGMA0, ThreadId.NIL, ThreadId.ANY, tid(50),
        ThreadId.global(ThreadId.number(tid(3)), 2), ThreadId.number(tid(5)) << 32, ThreadId.global(1, 1),
        ThreadId.global(KernelConfig.defaults().threadNumberLimit() + 3, 1),
        tid(7), tid(8), ThreadId.global(ThreadId.number(tid(4)), 2),
        KernelHarness.UTCB, KernelHarness.UTCB + 1024, ThreadId.ANY_LOCAL,
    };
    static final long[] UTCB_POOL = {
        -1, KernelHarness.UTCB, KernelHarness.UTCB + 1024, KernelHarness.UTCB + 5 * 1024, KernelHarness.UTCB + 512, 0,
    };
    static final long[] AREA_POOL = {
        kola.abi.Kip.STANDARD_KIP_AREA, kola.abi.Kip.STANDARD_UTCB_AREA, kola.abi.Fpage.of(0x1000_0000L, 12, 0),
        kola.abi.Fpage.of(0x2000_0000L, 14, 0), kola.abi.Fpage.NIL, kola.abi.Fpage.COMPLETE, -1L,
    };
    static final int[] TIMEOUT_POOL = {
        Timeout.NEVER, Timeout.NEVER, Timeout.ZERO, Timeout.ZERO, Timeout.relative(1), Timeout.relative(50),
        Timeout.relative(700), Timeout.relative(5000), Timeout.POINT | 7, 0xFFFF, 0x0400 | 3,
    };
    static final long[] CONTROL_POOL = {
        0, ExRegs.ABORT_IPC, ExRegs.ABORT_RECEIVE, ExRegs.ABORT_SEND, ExRegs.HALT, ExRegs.RESUME, ExRegs.RESUME,
        ExRegs.SET_USER_HANDLE | ExRegs.SET_PAGER | ExRegs.SET_FLAGS, ExRegs.SET_IP, ExRegs.SET_IP | ExRegs.RESUME,
        1L << 9, -1L,
    };

    /** One step of a thread's program. */
    sealed interface Op {
        void run(L4 l4);
    }

    record IpcOp(int to, int from, int sendTimeout, int receiveTimeout, int label, int u, int t, boolean badWord)
            implements Op {
        @Override
        public void run(L4 l4) {
            for (int i = 1; i <= Math.min(63, u + t); i++) {
                l4.setMr(i, label * 31L + i);
            }
            l4.setMr(0, MsgTag.make(label, u, t));
            long timeouts = Timeout.pair(TIMEOUT_POOL[sendTimeout], TIMEOUT_POOL[receiveTimeout]) | (badWord ? 1L << 33 : 0);
            l4.ipc(ID_POOL[to], ID_POOL[from], timeouts);
        }
    }

    record ExRegsOp(int dest, int control, int entry) implements Op {
        @Override
        public void run(L4 l4) {
            long ip = KernelHarness.ip(l4, "w", entry);
            l4.exchangeRegisters(ID_POOL[dest], CONTROL_POOL[control], 0, ip, 1, 2, ROOT);
        }
    }

    record SwitchOp(int dest) implements Op {
        @Override
        public void run(L4 l4) {
            l4.threadSwitch(ID_POOL[dest]);
        }
    }

    record ScheduleOp(int dest, int prio, int sliceMicros) implements Op {
        @Override
        public void run(L4 l4) {
            l4.schedule(ID_POOL[dest], sliceMicros == 0 ? Schedule.UNCHANGED : Schedule.timeslice(sliceMicros),
                    Schedule.UNCHANGED, prio, Schedule.UNCHANGED);
        }
    }

    record WorkOp(int loads) implements Op {
        @Override
        public void run(L4 l4) {
            for (int i = 0; i < loads; i++) {
                l4.memory().load32(KernelHarness.KIP_BASE);
            }
            l4.systemClock();
        }
    }

    /** Root task only: ThreadControl with words from the pools. */
    record ThreadControlOp(int dest, int space, int scheduler, int pager, int utcb) implements Op {
        @Override
        public void run(L4 l4) {
            l4.threadControl(ID_POOL[dest], ID_POOL[space], ID_POOL[scheduler], ID_POOL[pager], UTCB_POOL[utcb]);
        }
    }

    /** Root task only: SpaceControl with words from the pools. */
    record SpaceControlOp(int space, int kip, int utcb, boolean badControl) implements Op {
        @Override
        public void run(L4 l4) {
            l4.spaceControl(ID_POOL[space], badControl ? 1 : 0, AREA_POOL[kip], AREA_POOL[utcb], ThreadId.NIL);
        }
    }

    /** Root task only: delete a worker, or create it again with the next version. */
    record LifecycleOp(int worker, boolean delete) implements Op {
        @Override
        public void run(L4 l4) {
            long id = WORKER_IDS[worker];
            if (delete) {
                for (long v = 1; v <= 3; v++) {
                    l4.threadControl(ThreadId.global(ThreadId.number(id), v), ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1);
                }
            } else {
                long v2 = ThreadId.global(ThreadId.number(id), 2);
                KernelHarness.createTask(l4, v2, ThreadId.NIL, KernelHarness.ip(l4, "w", worker), 100);
            }
        }
    }

    record Scenario(List<List<Op>> scripts, List<Op> rootScript, List<Integer> priorities) {
    }

    // ---- what an input decodes to ---------------------------------------------------------

    /** Index of {@link ThreadId#NIL} and {@link ThreadId#ANY} in {@link #ID_POOL}. */
    static final int NIL = 10;
    static final int ANY = 11;

    /** A worker's step: IPC (8 in 14), ExchangeRegisters (2), ThreadSwitch (1), Schedule (1), work (2). */
    static Op workerOp(FuzzedDataProvider d) {
        int kind = d.consumeInt(0, 13);
        if (kind < 8) {
            int dest = switch (weighted(d, 3, 5, 2)) {
                case 0 -> NIL;
                case 1 -> worker(d);
                default -> id(d);
            };
            int source = switch (weighted(d, 3, 3, 3, 1)) {
                case 0 -> NIL;
                case 1 -> ANY;
                case 2 -> worker(d);
                default -> id(d);
            };
            return new IpcOp(dest, source, timeout(d), timeout(d), d.consumeInt(-3, 3),
                    d.pickValue(new int[] {0, 1, 2, 8, 63, 62}), d.pickValue(new int[] {0, 0, 0, 1, 2, 10}),
                    d.consumeInt(0, 3) == 3);
        }
        if (kind < 10) {
            return new ExRegsOp(id(d), d.consumeInt(0, CONTROL_POOL.length - 1), worker(d));
        }
        if (kind < 11) {
            return new SwitchOp(id(d));
        }
        if (kind < 12) {
            return new ScheduleOp(id(d), d.pickValue(new int[] {-1, 0, 50, 100, 200, 300}),
                    d.pickValue(new int[] {0, 0, 100, 2000}));
        }
        return new WorkOp(d.pickValue(new int[] {1, 100, 3000}));
    }

    /** A root task's step, one of five kinds alike: delete or recreate a worker, sleep, a worker's step, ThreadControl, SpaceControl. */
    static Op rootOp(FuzzedDataProvider d) {
        return switch (d.consumeInt(0, 4)) {
            case 0 -> new LifecycleOp(worker(d), d.consumeBoolean());
            case 1 -> new IpcOp(NIL, 8, 0, 4 + d.consumeInt(1, 3), 0, 0, 0, false); // closed receive from itself: a sleep
            case 2 -> workerOp(d);
            case 3 -> new ThreadControlOp(id(d), id(d), id(d), id(d), d.consumeInt(0, UTCB_POOL.length - 1));
            default -> new SpaceControlOp(id(d), d.consumeInt(0, AREA_POOL.length - 1),
                    d.consumeInt(0, AREA_POOL.length - 1), d.consumeInt(0, 2) == 2);
        };
    }

    /** Scripts of up to 12 steps for each worker, up to 8 for the root task, and the workers' priorities. */
    static Scenario scenario(FuzzedDataProvider d) {
        List<List<Op>> scripts = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            scripts.add(list(d, 12, () -> workerOp(d)));
        }
        List<Op> root = list(d, 8, () -> rootOp(d));
        List<Integer> priorities = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            priorities.add(d.pickValue(new int[] {90, 100, 100, 110}));
        }
        return new Scenario(scripts, root, priorities);
    }

    private static List<Op> list(FuzzedDataProvider d, int max, Supplier<Op> op) {
        int n = d.consumeInt(0, max);
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ops.add(op.get());
        }
        return ops;
    }

    /** Which of {@code weights.length} choices, each as likely as its weight. */
    private static int weighted(FuzzedDataProvider d, int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int x = d.consumeInt(0, total - 1);
        int i = 0;
        while (x >= weights[i]) {
            x -= weights[i++];
        }
        return i;
    }

    private static int id(FuzzedDataProvider d) {
        return d.consumeInt(0, ID_POOL.length - 1);
    }

    private static int worker(FuzzedDataProvider d) {
        return d.consumeInt(0, WORKERS - 1);
    }

    /** A finite timeout (3 in 4), or any of the pool. */
    private static int timeout(FuzzedDataProvider d) {
        return d.consumeInt(0, 3) < 3 ? d.consumeInt(2, 7) : d.consumeInt(0, TIMEOUT_POOL.length - 1);
    }

    static KernelHarness harness(Scenario s) {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            long me = l4.myGlobalId();
            KernelHarness.createTask(l4, WORKER_IDS[0], ThreadId.NIL, KernelHarness.ip(l4, "w", 0), s.priorities().get(0));
            l4.threadControl(WORKER_IDS[1], WORKER_IDS[0], me, ThreadId.NIL, KernelHarness.UTCB + 1024);
            l4.schedule(WORKER_IDS[1], Schedule.UNCHANGED, Schedule.UNCHANGED, s.priorities().get(1), Schedule.UNCHANGED);
            l4.exchangeRegisters(WORKER_IDS[1], ExRegs.SET_SP_IP | ExRegs.RESUME, 0, KernelHarness.ip(l4, "w", 1), 0, 0, 0);
            for (int i = 2; i < WORKERS; i++) {
                KernelHarness.createTask(l4, WORKER_IDS[i], ThreadId.NIL, KernelHarness.ip(l4, "w", i), s.priorities().get(i));
            }
            for (Op op : s.rootScript()) {
                op.run(l4);
            }
        });
        h.module("w", l4 -> {
            for (Op op : s.scripts().get(KernelHarness.entry(l4))) {
                op.run(l4);
            }
        });
        return h;
    }

    @FuzzTest
    void randomIpcNeverBreaksTheKernel(FuzzedDataProvider data) {
        KernelHarness h = harness(scenario(data));
        long budget = 20_000;
        Kernel.RunResult r = null;
        long before = -1;
        while (budget > 0 && (r == null || r.traps() != before)) {
            before = r == null ? -1 : r.traps();
            r = h.run(50);
            budget -= 50;
            checkInvariants(h.kernel);
        }
        checkInvariants(h.kernel);
        checkSnapshot(h.kernel);
    }

    @Test
    void randomIpcNeverBreaksTheKernelOnRandomScenarios() throws Exception {
        RandomInputs.check("randomIpcNeverBreaksTheKernel", RANDOM_IPC_SEED, 250, 800, this::randomIpcNeverBreaksTheKernel);
    }

    @FuzzTest
    void theSameScenarioRunsTheSameTwice(FuzzedDataProvider data) {
        Scenario s = scenario(data);
        KernelHarness a = harness(s);
        KernelHarness b = harness(s);
        Kernel.RunResult ra = a.run(20_000);
        Kernel.RunResult rb = b.run(20_000);
        assertEquals(ra, rb);
        assertEquals(a.kernel.threads(), b.kernel.threads());
        assertEquals(a.console(), b.console());
    }

    @Test
    void theSameScenarioRunsTheSameTwiceOnRandomScenarios() throws Exception {
        RandomInputs.check("theSameScenarioRunsTheSameTwice", 0x5A3EL, 40, 800, this::theSameScenarioRunsTheSameTwice);
    }

    /** The kernel's own view, as the command line sees it. */
    static void checkSnapshot(Kernel k) {
        Set<Long> live = new HashSet<>();
        for (Kernel.ThreadInfo t : k.threads()) {
            live.add(t.id());
        }
        for (Kernel.ThreadInfo t : k.threads()) {
            String base = t.state().replace(",halted", "");
            assertTrue(Set.of("inactive", "inactive,awaiting start", "ready", "sending", "receiving", "interrupt",
                            "interrupt,pending").contains(base),
                    t.toString());
            if (base.equals("sending")) {
                assertTrue(live.contains(t.waitsFor()), "a sender waits for a live thread: " + t);
            }
            if (base.equals("receiving")) {
                assertTrue(t.waitsFor() == ThreadId.ANY || t.waitsFor() == ThreadId.ANY_LOCAL || live.contains(t.waitsFor()),
                        "a closed receiver waits for a live thread: " + t);
            }
        }
        long[] mem = k.kernelMemory();
        assertTrue(mem[0] >= 0 && mem[0] <= mem[1], "kernel memory " + mem[0] + " of " + mem[1]);
    }

    /** Invariants of the kernel's internal structures between two kernel entries. */
    static void checkInvariants(Kernel k) {
        Cpu cpu = k.cpu;
        if (cpu.current != null) {
            assertTrue(cpu.current.runnable(), "the current thread is runnable");
            assertTrue(!cpu.current.queued, "the current thread is in no ready queue");
        }
        List<Tcb> all = new ArrayList<>();
        for (long no = 0, end = k.threads.scanLimit(); no < end; no++) {
            Tcb t = k.threads.byNumber(no);
            if (t != null) {
                all.add(t);
                assertSame(t, k.threads.lookup(t.id), "table lookup by id");
            }
        }
        int timeouts = 0;
        for (Tcb t : all) {
            assertTrue(t.state != Tcb.DEAD, "a live thread is not dead: " + t);
            if (t.queued) {
                assertTrue(t.runnable() && t != cpu.current, "only runnable non-current threads are queued: " + t);
            }
            if (t.runnable() && t != cpu.current) {
                assertTrue(t.queued, "a runnable thread is in a ready queue: " + t + " state " + Kernel.stateName(t));
            }
            if (t.timeoutIndex >= 0) {
                timeouts++;
                assertTrue(t.inIpc(), "only blocked threads have timeouts: " + t);
            }
            if (t.state == Tcb.SENDING) {
                Tcb partner = assertInstanceOf(Tcb.class, t.partner, "a sender waits in a thread's queue (no endpoints here)");
                assertSame(partner, k.threads.lookup(partner.id), "the partner is live: " + t);
                assertTrue(inSendQueue(partner, t), "a sender is queued at its partner: " + t);
            } else {
                assertTrue(t.sendNext == null && t.sendPrev == null, "a non-sender is in no send queue: " + t);
            }
            if (t.state == Tcb.RECEIVING) {
                assertTrue(t.waitFrom != ThreadId.NIL, "a receiver waits for someone: " + t);
            }
            // The send queue is a well-formed list of senders to t.
            Tcb prev = null;
            int n = 0;
            for (Tcb s = t.sendHead; s != null; s = s.sendNext) {
                assertSame(prev, s.sendPrev, "send queue back link");
                assertEquals(Tcb.SENDING, s.state, "queued sender is sending: " + s);
                assertSame(t, s.partner, "queued sender's partner");
                prev = s;
                assertTrue(++n <= all.size(), "send queue is not circular");
            }
            assertSame(prev, t.sendTail, "send queue tail");
        }
        assertEquals(timeouts, cpu.timeouts.size(), "every queued timeout belongs to a live blocked thread");
    }

    private static boolean inSendQueue(Tcb dest, Tcb s) {
        for (Tcb x = dest.sendHead; x != null; x = x.sendNext) {
            if (x == s) {
                return true;
            }
        }
        return false;
    }
}
