package kola.kernel;

import static kola.kernel.KernelHarness.KIP_BASE;
import static kola.kernel.KernelHarness.ROOT;
import static kola.kernel.KernelHarness.SIGMA0;
import static kola.kernel.KernelHarness.UTCB;
import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kola.abi.Comm;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.Kip;
import kola.abi.KernelLabels;
import kola.abi.Kmem;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Schedule;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.machine.Machine;
import kola.machine.PhysicalMemory;
import kola.machine.Timer;

/**
 * A coverage-guided fuzz target for the whole system-call surface. An input decodes to a small
 * world: one to four tasks (some with a second thread), each with a pager, a priority and a way to
 * end, and a program of up to {@value #MAX_STEPS} steps spread over the root task and the tasks'
 * threads: IPC of every form with random tags and typed items (map, grant and string items mixed
 * in one message, strings simple or compound, pointing anywhere: the task's own pages, device
 * registers, the KIP and UTCB areas, unmapped and kernel memory), receive buffers (compound and
 * chained, up to BR32), requests to sigma0 for any physical page
 * (devices and kernel memory too), ThreadControl, SpaceControl, ExchangeRegisters with any control
 * bits, Schedule, ThreadSwitch, Unmap, MemoryControl and ProcessorControl, loads and stores that fault, interrupt attachment and a
 * timer that fires, the kernel debugger, and threads that return or throw while others are in IPC
 * with them.
 *
 * <p>The kernel checks its invariants after every kernel entry; the test fails on anything
 * escaping {@link Kernel#run} (an {@link InvariantViolation} included) or an invariant broken at
 * the end. A run stops after {@value #MAX_TRAPS} kernel entries, so one input takes milliseconds.
 * The stored inputs run in every build; {@code fuzz/coverage.sh} fuzzes it coverage-guided.
 */
class SyscallSurfaceFuzzTest {
    static final int MAX_TASKS = 4;
    static final int MAX_STEPS = 64;
    static final long MAX_TRAPS = 3000;
    /** Stands for the calling thread's own id: resolved when the step runs. */
    static final long SELF = 0x5E1F_0000_0000_5E1FL;
    /** Each task's own pages: SCRATCH + task * 64 KiB, in sigma0's RAM, so faults there are resolved (when sigma0 is the pager). */
    static final long SCRATCH = 0x0600_0000L;
    /** Where threads ask sigma0 to map device registers. */
    static final long DEVICE_VA = 0x7000_0000L;
    /** The machine's device registers (RAM is 256 MiB, devices start at the next GiB). */
    static final long DEVICES = 1L << 30;
    static final long UART = DEVICES + Machine.UART_OFFSET;
    static final long TIMER = DEVICES + Machine.TIMER_OFFSET;
    static final long PIC = DEVICES + Machine.PIC_OFFSET;
    static final int PAGE = PhysicalMemory.PAGE_SIZE;

    @FuzzTest(maxDuration = "10m")
    void systemCallsNeverBreakTheKernel(FuzzedDataProvider data) {
        World.decode(data).run();
    }

    /** Seeded random worlds under every communication model: the same cases in every build. */
    @org.junit.jupiter.api.Test
    void randomWorldsUnderEveryCommunicationModel() throws Exception {
        for (CommModel model : CommModel.values()) {
            RandomInputs.check("randomWorlds-" + model.label(), 0xC0FFEE + model.ordinal(), 12, 600, 3000,
                    d -> World.decode(d, model).run());
        }
    }

    /** Seeded random worlds under every kernel-memory model (KmemControl's operations drawn with the rest). */
    @org.junit.jupiter.api.Test
    void randomWorldsUnderEveryKernelMemoryModel() throws Exception {
        for (KmemModel kmem : KmemModel.values()) {
            RandomInputs.check("randomWorlds-kmem-" + kmem.label(), 0x4B4D454DL + kmem.ordinal(), 12, 600, 3000,
                    d -> World.decode(d, CommModel.values()[d.consumeInt(0, CommModel.values().length - 1)], kmem).run());
        }
    }

    // ---- the pools values are drawn from ----------------------------------------------------

    /** Thread ids: the world's own threads first (drawn more often), then the odd ones. */
    static final long[] IDS = {
        tid(3), tid(4), tid(5), tid(6), tid(7), tid(8), tid(9), tid(10), ROOT, SIGMA0, SELF, ThreadId.NIL, ThreadId.ANY,
        tid(11), tid(12), ThreadId.global(Machine.TIMER_IRQ, 1), ThreadId.global(Machine.UART_IRQ, 1),
        ThreadId.global(0, 1), ThreadId.global(Machine.LINES - 1, 1), ThreadId.global(Machine.LINES, 1),
        ThreadId.global(Kernel.SYSTEM_BASE, 1), ThreadId.global(ThreadId.number(tid(3)), 2),
        ThreadId.global(ThreadId.number(tid(4)), 3), ThreadId.number(tid(5)) << 32, tid(50),
        ThreadId.global(KernelConfig.defaults().threadNumberLimit() + 3, 1), UTCB, UTCB + 1024,
        Comm.selector(1), Comm.selector(2), Comm.selector(3), Comm.selector(4), Comm.REPLY, Comm.selector(Comm.SLOTS - 1),
        Comm.selector(Comm.SLOTS), Comm.selector(1) + 8, ThreadId.ANY_LOCAL, UTCB + 2048,
        ThreadId.number(tid(4)) << 32 | 64,
    };
    static final int LIVE_IDS = 13;
    static final int[] TIMEOUTS = {
        Timeout.NEVER, Timeout.ZERO, Timeout.ZERO, Timeout.relative(1), Timeout.relative(200), Timeout.relative(3000),
        Timeout.relative(100_000), Timeout.POINT | 7, 0xFFFF, Timeout.MAX_PERIOD,
    };
    static final long[] LABELS = {
        0, 1, 2, 0x100, KernelLabels.PAGE_FAULT | Fpage.R, KernelLabels.PAGE_FAULT | Fpage.W, KernelLabels.INTERRUPT,
        KernelLabels.SIGMA0, KernelLabels.PREEMPTION, KernelLabels.EXCEPTION, KernelLabels.REFUSED, -1,
    };
    static final long[] STRING_LENGTHS = {0, 1, 8, 100, PAGE - 1, PAGE, PAGE + 1, 3 * PAGE, Items.MAX_STRING,
        Items.MAX_STRING + 1};
    static final int[] SIZES_LOG2 = {12, 12, 12, 13, 14, 16, 20, 22, 30};
    /**
     * Sizes of what sigma0 is asked for: smaller, as sigma0 maps all of it and the invariant check
     * after every kernel entry takes time in proportion to the pages mapped.
     */
    static final int[] PHYSICAL_SIZES_LOG2 = {12, 12, 12, 13, 14, 16, 18};
    static final long[] UTCBS = {-1, UTCB, UTCB + 1024, UTCB + 2048, UTCB + 512, UTCB + 63 * 1024L, 0, UTCB - PAGE};
    static final int[] PRIORITIES = {50, 100, 100, 150, 255};

    /** A virtual address: the caller's own pages, another task's, devices, the KIP and UTCB areas, and odd ones. */
    static long address(FuzzedDataProvider d, int task) {
        return switch (d.consumeInt(0, 15)) {
            case 0, 1, 2, 3 -> SCRATCH + task * 0x1_0000L + d.consumeInt(0, 15) * (long) PAGE + offset(d);
            case 4 -> SCRATCH + d.consumeInt(0, MAX_TASKS) * 0x1_0000L + offset(d);
            case 5 -> DEVICE_VA + d.consumeInt(0, 2) * (long) PAGE + offset(d);
            case 6 -> KIP_BASE + offset(d);
            case 7 -> UTCB + d.consumeInt(0, 3) * 1024L + offset(d);
            case 8 -> 0;
            case 9 -> 15L << 20; // kernel memory, were it mapped
            case 10 -> (1L << Fpage.MAX_SIZE_LOG2) - 8;
            case 11 -> 1L << Fpage.MAX_SIZE_LOG2;
            case 12 -> 0x0300_0000L + offset(d); // sigma0's RAM, never mapped to the tasks
            default -> d.consumeLong();
        };
    }

    private static long offset(FuzzedDataProvider d) {
        return d.consumeBoolean() ? 0 : d.consumeInt(0, PAGE - 1);
    }

    /** An fpage over any address (size-aligned), the complete or nil fpage, or any word. */
    static long fpage(FuzzedDataProvider d, int task) {
        return switch (d.consumeInt(0, 11)) {
            case 10 -> Comm.objectFpage(d.consumeInt(0, 7), d.consumeInt(0, 2), d.consumeInt(0, 7));
            case 11 -> Comm.objectFpage(0, 10, d.consumeInt(0, 7)) | (d.consumeBoolean() ? 0x400 : 0);
            case 0 -> Fpage.COMPLETE | d.consumeInt(0, 7);
            case 1 -> Fpage.NIL;
            case 2 -> d.consumeLong();
            case 3 -> Kip.STANDARD_KIP_AREA | d.consumeInt(0, 7);
            case 4 -> Kip.STANDARD_UTCB_AREA | d.consumeInt(0, 7);
            default -> {
                int s = d.pickValue(SIZES_LOG2);
                long base = address(d, task) & -(1L << s) & ((1L << Fpage.MAX_SIZE_LOG2) - 1);
                yield Fpage.of(base, s, d.consumeInt(0, 7));
            }
        };
    }

    /** A physical fpage for sigma0: its RAM, device registers, kernel memory, the KIP frame, "any", or any word. */
    static long physicalFpage(FuzzedDataProvider d) {
        int rights = d.consumeInt(0, 7);
        return switch (d.consumeInt(0, 9)) {
            case 0, 1 -> Fpage.of(0x0400_0000L + d.consumeInt(0, 63) * (long) PAGE, 12, rights);
            case 2 -> Fpage.of(UART, 12, rights);
            case 3 -> Fpage.of(TIMER, 12, rights);
            case 4 -> Fpage.of(PIC, 12, rights);
            case 5 -> Fpage.of(DEVICES, 14, rights);
            case 6 -> Fpage.of(d.consumeInt(0, 15) * (long) PAGE, 12, rights); // kernel memory, the KIP frame
            case 7 -> {
                int s = d.pickValue(PHYSICAL_SIZES_LOG2);
                yield Fpage.of(0x0400_0000L & -(1L << s), s, rights);
            }
            case 8 -> -1L & ~0x3FFL | (long) d.pickValue(PHYSICAL_SIZES_LOG2) << 4 | rights; // any page of that size
            default -> d.consumeLong();
        };
    }

    static long id(FuzzedDataProvider d) {
        if (d.consumeInt(0, 15) == 0) {
            return d.consumeLong();
        }
        return d.consumeBoolean() ? IDS[d.consumeInt(0, LIVE_IDS - 1)] : d.pickValue(IDS);
    }

    static long word(FuzzedDataProvider d, int task) {
        return switch (d.consumeInt(0, 3)) {
            case 0 -> id(d);
            case 1 -> address(d, task);
            case 2 -> d.consumeInt(-2, 300);
            default -> d.consumeLong();
        };
    }

    /**
     * Word 0 of a string item (or buffer item) of any length (Items.stringWord refuses the ones too
     * long, which the kernel must refuse), mostly simple, else with substrings (j), the c bit that
     * joins it to the next item and the C bit that chains another buffer.
     */
    static long stringWord(FuzzedDataProvider d) {
        long w = d.pickValue(STRING_LENGTHS) << 10;
        if (d.consumeInt(0, 2) == 0) {
            w |= (long) (d.consumeBoolean() ? d.consumeInt(0, 3) : d.consumeInt(0, 31)) << 4;
            w |= d.consumeBoolean() ? Items.COMPOUND : 0;
            w |= d.consumeBoolean() ? Items.MORE : 0;
        }
        return w;
    }

    static int timeout(FuzzedDataProvider d) {
        return d.consumeInt(0, 15) == 0 ? d.consumeInt(0, 0xFFFF) : d.pickValue(TIMEOUTS);
    }

    // ---- steps --------------------------------------------------------------------------------

    /** One step of a thread's program. */
    interface Step {
        void run(L4 l4) throws Exception;
    }

    static long resolve(L4 l4, long id) {
        return id == SELF ? l4.myGlobalId() : id;
    }

    static String hex(long[] words) {
        StringBuilder b = new StringBuilder("[");
        for (long w : words) {
            b.append(b.length() > 1 ? " " : "").append(Long.toHexString(w));
        }
        return b.append(']').toString();
    }

    /** KmemControl with whatever words were drawn ({@link Kmem}): quotas, retyping, lending, kpagers, eviction. */
    record KmemStep(int op, long a, long b, long c) implements Step {
        @Override
        public void run(L4 l4) {
            l4.kmemControl(op, resolve(l4, a), resolve(l4, b), resolve(l4, c));
        }
    }

    /** SchedControl with whatever words were drawn ({@link kola.abi.Sched}); MR1..MR3 the slot words of a domain schedule. */
    record SchedStep(int op, long a, long b, long c, long[] slots) implements Step {
        @Override
        public void run(L4 l4) {
            for (int i = 0; i < slots.length; i++) {
                l4.setMr(i + 1, slots[i]);
            }
            l4.schedControl(op, resolve(l4, a), resolve(l4, b), c);
        }
    }

    static SchedStep sched(FuzzedDataProvider d, int task) {
        int op = d.consumeInt(0, 12) == 0 ? d.consumeInt() : d.consumeInt(kola.abi.Sched.CREATE, kola.abi.Sched.DOMAIN_SCHEDULE);
        long a = switch (d.consumeInt(0, 3)) {
            case 0 -> d.consumeInt(-1, 4);
            case 1 -> id(d);
            case 2 -> d.consumeInt(0, 3); // a slot count
            default -> word(d, task);
        };
        long b = d.pickValue(new long[] {0, 1, 2, 3, 50, 100, 1000, -1, Long.MAX_VALUE, 0x1_0000_0000L});
        if (d.consumeBoolean()) {
            b = id(d);
        }
        long c = d.pickValue(new long[] {0, 1, 100, 1000, 5000, 10_000, -1, 0xFFFF_FFFFL, 0x1_0000_0000L});
        long[] slots = new long[3];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = d.consumeInt(0, 7) == 0 ? d.consumeLong()
                    : kola.abi.Sched.slot(d.consumeInt(0, 2), d.pickValue(new long[] {5, 10, 50, 200, 1000}));
        }
        return new SchedStep(op, a, b, c, slots);
    }

    /** CommControl with whatever words were drawn ({@link Comm}). */
    record CommControlStep(int op, long a, long b, long c) implements Step {
        @Override
        public void run(L4 l4) {
            l4.commControl(op, resolve(l4, a), resolve(l4, b), resolve(l4, c));
        }
    }

    /** IPC: {@code to} and {@code from} as the form chose them; MR0.. and BR0.. set first. */
    record IpcStep(long to, long from, long timeouts, long[] mrs, long[] brs) implements Step {
        @Override
        public void run(L4 l4) {
            for (int i = 0; i < brs.length; i++) {
                l4.setBr(i, brs[i]);
            }
            for (int i = 0; i < mrs.length; i++) {
                l4.setMr(i, mrs[i]);
            }
            l4.ipc(resolve(l4, to), resolve(l4, from), timeouts);
        }

        @Override
        public String toString() {
            return "Ipc(to " + ThreadId.toString(to) + ", from " + ThreadId.toString(from) + ", timeouts "
                    + Long.toHexString(timeouts) + ", tag " + MsgTag.toString(mrs[0]) + ", mrs " + hex(mrs)
                    + ", brs " + hex(brs) + ")";
        }
    }

    static IpcStep ipc(FuzzedDataProvider d, int task) {
        long to = id(d);
        long from = id(d);
        switch (d.consumeInt(0, 5)) {
            case 0 -> from = ThreadId.NIL; // send
            case 1 -> to = ThreadId.NIL; // closed receive
            case 2 -> { // open receive
                to = ThreadId.NIL;
                from = ThreadId.ANY;
            }
            case 3 -> from = to; // call
            case 4 -> from = ThreadId.ANY; // reply and wait
            default -> { } // anything
        }
        long timeouts = Timeout.pair(timeout(d), timeout(d)) | (d.consumeInt(0, 31) == 0 ? 1L << 33 : 0);
        int u = d.consumeInt(0, 15) == 0 ? d.pickValue(new int[] {61, 62, 63}) : d.consumeInt(0, 6);
        int t = d.consumeInt(0, 15) == 0 ? d.consumeInt(7, 63) : d.consumeInt(0, 6);
        long label = d.consumeBoolean() ? d.pickValue(LABELS) : d.consumeLong() >> 16;
        long tag = MsgTag.make(label, u, t) | (d.consumeInt(0, 7) == 0 ? (long) d.consumeInt(1, 15) << 12 : 0);
        int words = Math.min(MsgTag.MAX_WORDS, u + t);
        long[] mrs = new long[1 + words];
        mrs[0] = tag;
        for (int i = 1; i <= Math.min(u, words); i++) {
            mrs[i] = word(d, task);
        }
        for (int i = u + 1; i <= words; i += Items.WORDS) {
            long w1;
            switch (d.consumeInt(0, 6)) {
                case 0, 1 -> {
                    mrs[i] = Items.mapWord(address(d, task));
                    w1 = fpage(d, task);
                }
                case 2 -> {
                    mrs[i] = Items.grantWord(address(d, task));
                    w1 = fpage(d, task);
                }
                case 3, 4 -> {
                    mrs[i] = stringWord(d);
                    w1 = address(d, task);
                }
                default -> {
                    mrs[i] = d.consumeLong();
                    w1 = d.consumeLong();
                }
            }
            if (i + 1 <= words) {
                mrs[i + 1] = w1;
            }
        }
        long[] brs = new long[d.consumeInt(0, 7) == 0 ? d.consumeInt(6, 33) : d.consumeInt(0, 5)];
        if (brs.length > 0) {
            brs[0] = d.consumeInt(0, 7) == 0 ? d.consumeLong() : Items.acceptor(fpage(d, task), d.consumeBoolean());
        }
        for (int i = 1; i < brs.length; i++) {
            // A buffer item, then as many addresses as it counts (while BRs last), then the next item.
            brs[i] = d.consumeInt(0, 7) == 0 ? d.consumeLong() : stringWord(d);
            for (int k = Items.substrings(brs[i]); k > 0 && i + 1 < brs.length; k--) {
                brs[++i] = address(d, task);
            }
        }
        return new IpcStep(to, from, timeouts, mrs, brs);
    }

    /** A request to sigma0 for a physical fpage into a receive window (devices go to {@link #DEVICE_VA}). */
    record Sigma0Step(long fpage, long window, long sendBase) implements Step {
        @Override
        public void run(L4 l4) {
            l4.setBr(0, Items.acceptor(window, false));
            l4.setMr(1, fpage);
            l4.setMr(2, 0);
            l4.setMr(3, sendBase);
            l4.setMr(0, MsgTag.make(KernelLabels.SIGMA0, sendBase == -1 ? 2 : 3, 0));
            l4.ipc(SIGMA0, SIGMA0, Timeout.pair(Timeout.NEVER, Timeout.relative(50_000)));
        }

        @Override
        public String toString() {
            return "Sigma0(" + Fpage.toString(fpage) + " into " + Fpage.toString(window) + ", send base "
                    + Long.toHexString(sendBase) + ")";
        }
    }

    static Sigma0Step sigma0(FuzzedDataProvider d, int task) {
        long fpage = physicalFpage(d);
        long window = switch (d.consumeInt(0, 3)) {
            case 0 -> Fpage.of(DEVICE_VA, 14, 0);
            case 1 -> Fpage.COMPLETE;
            default -> fpage(d, task);
        };
        return new Sigma0Step(fpage, window, d.consumeBoolean() ? -1 : address(d, task));
    }

    record MemoryStep(long va, int size, boolean write, long value) implements Step {
        @Override
        public void run(L4 l4) {
            var m = l4.memory();
            switch (size) {
                case 1 -> {
                    if (write) {
                        m.store8(va, value);
                    } else {
                        m.load8(va);
                    }
                }
                case 2 -> {
                    if (write) {
                        m.store16(va, value);
                    } else {
                        m.load16(va);
                    }
                }
                case 4 -> {
                    if (write) {
                        m.store32(va, value);
                    } else {
                        m.load32(va);
                    }
                }
                case 8 -> {
                    if (write) {
                        m.store64(va, value);
                    } else {
                        m.load64(va);
                    }
                }
                default -> {
                    byte[] bytes = new byte[size];
                    if (write) {
                        Arrays.fill(bytes, (byte) value);
                        m.write(va, bytes, 0, size);
                    } else {
                        m.read(va, bytes, 0, size);
                    }
                }
            }
        }

        @Override
        public String toString() {
            return (write ? "Store" : "Load") + size + "(0x" + Long.toHexString(va) + (write ? ", " + value : "") + ")";
        }
    }

    record UnmapStep(long control, long[] fpages) implements Step {
        @Override
        public void run(L4 l4) {
            for (int i = 0; i < fpages.length; i++) {
                l4.setMr(i, fpages[i]);
            }
            l4.unmap(control);
        }

        @Override
        public String toString() {
            return "Unmap(0x" + Long.toHexString(control) + ", " + hex(fpages) + ")";
        }
    }

    static UnmapStep unmap(FuzzedDataProvider d, int task) {
        long[] fpages = new long[d.consumeInt(1, 4)];
        for (int i = 0; i < fpages.length; i++) {
            fpages[i] = fpage(d, task);
        }
        long control = d.consumeInt(0, 15) == 0 ? d.consumeLong()
                : (d.consumeBoolean() ? 0x40 : 0) | (fpages.length - 1 + (d.consumeInt(0, 7) == 0 ? 60 : 0));
        return new UnmapStep(control, fpages);
    }

    /** ExchangeRegisters; {@code entry} >= 0 starts at that entry of the tasks' module, else at {@code ip}. */
    record ExRegsStep(long dest, long control, long sp, int entry, long ip, long flags, long handle, long pager)
            implements Step {
        @Override
        public void run(L4 l4) {
            long at = entry >= 0 ? KernelHarness.ip(l4, "w", entry) : ip;
            l4.exchangeRegisters(resolve(l4, dest), control, sp, at, flags, handle, resolve(l4, pager));
        }
    }

    static ExRegsStep exRegs(FuzzedDataProvider d) {
        long control = switch (d.consumeInt(0, 3)) {
            case 0 -> d.consumeLong();
            case 1 -> d.pickValue(new long[] {ExRegs.HALT, ExRegs.RESUME, ExRegs.ABORT_IPC, ExRegs.ABORT_SEND,
                ExRegs.ABORT_RECEIVE, ExRegs.SET_SP_IP | ExRegs.RESUME, ExRegs.HALT | ExRegs.ABORT_IPC});
            default -> d.consumeLong(0, ExRegs.KNOWN);
        };
        int entry = d.consumeInt(-1, 2 * MAX_TASKS + 1);
        return new ExRegsStep(id(d), control, d.consumeLong(), entry, d.consumeLong(), d.consumeLong(), d.consumeLong(),
                id(d));
    }

    record ScheduleStep(long dest, long time, long processor, long priority, long preemption) implements Step {
        @Override
        public void run(L4 l4) {
            l4.schedule(resolve(l4, dest), time, processor, priority, preemption);
        }
    }

    static long scheduleWord(FuzzedDataProvider d, long... likely) {
        return switch (d.consumeInt(0, 3)) {
            case 0 -> Schedule.UNCHANGED;
            case 1 -> d.consumeLong();
            default -> d.pickValue(likely);
        };
    }

    record SwitchStep(long dest) implements Step {
        @Override
        public void run(L4 l4) {
            l4.threadSwitch(resolve(l4, dest));
        }
    }

    record ThreadControlStep(long dest, long space, long scheduler, long pager, long utcb) implements Step {
        @Override
        public void run(L4 l4) {
            l4.threadControl(resolve(l4, dest), resolve(l4, space), resolve(l4, scheduler), resolve(l4, pager), utcb);
        }
    }

    record SpaceControlStep(long space, long control, long kipArea, long utcbArea, long redirector) implements Step {
        @Override
        public void run(L4 l4) {
            l4.spaceControl(resolve(l4, space), control, kipArea, utcbArea, resolve(l4, redirector));
        }
    }

    static long area(FuzzedDataProvider d, int task) {
        return switch (d.consumeInt(0, 5)) {
            case 0 -> Kip.STANDARD_KIP_AREA;
            case 1 -> Kip.STANDARD_UTCB_AREA;
            case 2 -> 0x2000_0000L | (long) d.consumeInt(10, 16) << 4; // UTCB areas too small, and not

            default -> fpage(d, task);
        };
    }

    /**
     * Creates thread {@code id} (a new task when {@code space} is {@code id}), gives it a priority
     * and starts it at entry {@code entry}: the calls a root task makes, in order, each may fail.
     */
    record SpawnStep(long id, long space, long pager, long utcb, int entry, int priority) implements Step {
        @Override
        public void run(L4 l4) {
            long me = l4.myGlobalId();
            if (space == id) {
                l4.threadControl(id, id, me, ThreadId.NIL, -1);
                l4.spaceControl(id, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, ThreadId.NIL);
                l4.threadControl(id, id, ThreadId.NIL, resolve(l4, pager), utcb);
            } else {
                l4.threadControl(id, resolve(l4, space), me, resolve(l4, pager), utcb);
            }
            l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, priority, Schedule.UNCHANGED);
            l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, KernelHarness.ip(l4, "w", entry), 0, 0,
                    ThreadId.NIL);
        }
    }

    static SpawnStep spawn(FuzzedDataProvider d) {
        long id = d.pickValue(new long[] {tid(11), tid(12), tid(9), tid(10), tid(3)});
        long space = switch (d.consumeInt(0, 2)) {
            case 0 -> id; // a new task
            case 1 -> SELF; // in the caller's space
            default -> id(d);
        };
        return new SpawnStep(id, space, d.pickValue(new long[] {SIGMA0, ROOT, SELF, tid(3), ThreadId.NIL}),
                d.pickValue(UTCBS), d.consumeInt(0, 2 * MAX_TASKS + 1), d.pickValue(PRIORITIES));
    }

    /** Attaches {@code line}'s interrupt to {@code handler} (detaches it when the handler is the line's own id). */
    record InterruptStep(int line, long handler) implements Step {
        @Override
        public void run(L4 l4) {
            long irq = ThreadId.global(line, 1);
            l4.threadControl(irq, irq, ThreadId.NIL, handler == -1 ? irq : resolve(l4, handler), -1);
        }
    }

    /**
     * Asks sigma0 for the timer's registers at {@link #DEVICE_VA} and arms it: its interrupt goes to
     * the line's handler, if a root task's step attached one.
     */
    record TimerStep(long delta) implements Step {
        @Override
        public void run(L4 l4) {
            new Sigma0Step(Fpage.of(TIMER, 12, Fpage.R | Fpage.W), Fpage.of(DEVICE_VA + Machine.TIMER_OFFSET, 12, 0), -1).run(l4);
            long regs = DEVICE_VA + Machine.TIMER_OFFSET;
            long now = l4.memory().load64(regs + Timer.REG_NOW);
            l4.memory().store64(regs + Timer.REG_DEADLINE, now + delta);
        }
    }

    record KdbStep(int what, String text) implements Step {
        @Override
        public void run(L4 l4) {
            switch (what) {
                case 0 -> l4.kdbPrint(text);
                case 1 -> l4.kdbEnter(text);
                default -> l4.kdbQuery(text);
            }
        }
    }

    record SleepStep(int timeout) implements Step {
        @Override
        public void run(L4 l4) {
            l4.ipc(ThreadId.NIL, l4.myGlobalId(), Timeout.pair(Timeout.NEVER, timeout));
        }
    }

    /** Memory loads of the KIP (a preemption point each) and a look at the clock. */
    record SpinStep(int loads) implements Step {
        @Override
        public void run(L4 l4) {
            for (int i = 0; i < loads; i++) {
                l4.memory().load32(KIP_BASE);
            }
            l4.systemClock();
        }
    }

    /** The thread's program ends here: it returns, or throws (a runtime exception, an error, a checked exception). */
    record EndStep(int how) implements Step {
        @Override
        public void run(L4 l4) throws Exception {
            switch (how) {
                case 0 -> throw new ReturnNow();
                case 1 -> throw new IllegalStateException("thrown by the program");
                case 2 -> throw new AssertionError("an error thrown by the program");
                default -> throw new Exception("a checked exception thrown by the program");
            }
        }
    }

    /** Ends a program by returning (caught by {@link World#program}). */
    static final class ReturnNow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReturnNow() {
            super(null, null, false, false);
        }
    }

    /**
     * MemoryControl: fpages in MR0..MRk (k up to 63, the control word sometimes any word), each
     * drawn as any fpage is (the low two bits choose its attribute), attributes mostly in range.
     */
    record MemoryControlStep(long control, long[] fpages, long[] attributes) implements Step {
        @Override
        public void run(L4 l4) {
            for (int i = 0; i < fpages.length; i++) {
                l4.setMr(i, fpages[i]);
            }
            l4.memoryControl(control, attributes[0], attributes[1], attributes[2], attributes[3]);
        }

        @Override
        public String toString() {
            return "MemoryControl(0x" + Long.toHexString(control) + ", fpages " + hex(fpages) + ", attributes "
                    + hex(attributes) + ")";
        }
    }

    static MemoryControlStep memoryControl(FuzzedDataProvider d, int task) {
        int k = d.consumeBoolean() ? d.consumeInt(0, 3) : d.consumeInt(0, 63);
        long control = d.consumeInt(0, 7) == 0 ? d.consumeLong() : k;
        long[] fpages = new long[k + 1];
        for (int i = 0; i < fpages.length; i++) {
            fpages[i] = fpage(d, task);
        }
        long[] attributes = new long[4];
        for (int i = 0; i < attributes.length; i++) {
            attributes[i] = d.consumeInt(0, 5) == 0 ? d.pickValue(new long[] {3, 4, -1, Long.MIN_VALUE, d.consumeLong()})
                    : d.consumeInt(0, 2);
        }
        return new MemoryControlStep(control, fpages, attributes);
    }

    record ProcessorControlStep(long processor, long internal, long external, long voltage) implements Step {
        @Override
        public void run(L4 l4) {
            l4.processorControl(processor, internal, external, voltage);
        }
    }

    /** ProcessorControl: processor 0 mostly; rates none, the base, a quarter, any in range, out of range; other words mostly 0. */
    static ProcessorControlStep processorControl(FuzzedDataProvider d) {
        long base = kola.machine.CycleClock.BASE_KHZ;
        long[] odd = {1, -1, 2, Long.MIN_VALUE, base, base + 1, 1000};
        return new ProcessorControlStep(d.consumeInt(0, 3) == 0 ? d.pickValue(odd) : 0,
                d.consumeInt(0, 3) == 0 ? d.consumeLong(1, base) : d.pickValue(new long[] {0, -1, base, base / 4, base / 2,
                    1, base + 1, base * 2, Long.MIN_VALUE, Long.MAX_VALUE}),
                d.consumeInt(0, 3) == 0 ? d.pickValue(odd) : 0, d.consumeInt(0, 3) == 0 ? d.pickValue(odd) : 0);
    }

    static Step step(FuzzedDataProvider d, int task) {
        int kind = d.consumeInt(0, 48);
        if (kind < 14) {
            return ipc(d, task);
        }
        return switch (kind) {
            case 14, 15, 16 -> sigma0(d, task);
            case 17, 18, 19 -> {
                int size = d.pickValue(new int[] {1, 2, 4, 8, 8, 3, 2 * PAGE});
                yield new MemoryStep(address(d, task), size, d.consumeBoolean(), d.consumeLong());
            }
            case 20, 21 -> unmap(d, task);
            case 22, 23, 24 -> exRegs(d);
            case 25 -> new ScheduleStep(id(d), scheduleWord(d, Schedule.timeslice(100), Schedule.timeslice(5000), 0),
                    scheduleWord(d, 0, 1), scheduleWord(d, 0, 99, 100, 101, 255, 256),
                    scheduleWord(d, 0, 1L << 16 | 100));
            case 26 -> new SwitchStep(id(d));
            case 27, 28 -> new ThreadControlStep(id(d), d.consumeInt(0, 2) == 0 ? ThreadId.NIL : id(d), id(d), id(d),
                    d.pickValue(UTCBS)); // space nil: delete
            case 29 -> new SpaceControlStep(id(d), d.consumeInt(0, 7) == 0 ? d.consumeLong() : d.consumeInt(0, 1),
                    area(d, task), area(d, task), id(d));
            case 30, 31 -> spawn(d);
            case 32 -> new InterruptStep(d.consumeBoolean() ? Machine.TIMER_IRQ : d.consumeInt(0, Machine.LINES),
                    d.consumeBoolean() ? -1 : id(d));
            case 33 -> new TimerStep(d.consumeLong(0, 20_000));
            case 34 -> new KdbStep(d.consumeInt(0, 2), d.pickValue(new String[] {"ps", "spaces", "mem", "kmem",
                "mappings", "", "?", "trace off"}));
            case 35, 36 -> new SleepStep(timeout(d));
            case 37 -> new SpinStep(d.pickValue(new int[] {1, 50, 2000}));
            case 40, 41 -> new CommControlStep(d.consumeInt(0, 12) == 0 ? d.consumeInt() : d.consumeInt(Comm.CHIEF, Comm.ENDPOINT_GATE),
                    word(d, task), d.consumeBoolean() ? id(d) : word(d, task), d.consumeInt(0, 3) == 0 ? d.consumeLong() : id(d));
            case 42 -> new CommControlStep(Comm.MAP, id(d), fpage(d, task), id(d));
            case 43 -> new KmemStep(Kmem.QUOTA, id(d), d.pickValue(new long[] {-3, -2, -2, -1, 0, 4096, 20_000, 100_000, Long.MAX_VALUE}), 0);
            case 44 -> switch (d.consumeInt(0, 5)) {
                case 0 -> new KmemStep(Kmem.RETYPE, fpage(d, task), d.consumeInt(0, Kmem.ENDPOINT + 1), id(d));
                case 1 -> new KmemStep(Kmem.LEND, fpage(d, task), id(d), 0);
                case 2 -> new KmemStep(Kmem.KPAGER, id(d), d.consumeBoolean() ? ThreadId.NIL : id(d), 0);
                case 3 -> new KmemStep(Kmem.EVICT, fpage(d, task), 0, 0);
                case 4 -> new KmemStep(Kmem.RESTORE, fpage(d, task), 0, 0);
                default -> new KmemStep(d.consumeInt(), d.consumeLong(), d.consumeLong(), d.consumeLong());
            };
            case 45, 46 -> sched(d, task);
            case 47 -> memoryControl(d, task);
            case 48 -> processorControl(d);
            default -> new EndStep(d.consumeInt(0, 3));
        };
    }

    // ---- the world ---------------------------------------------------------------------------

    /** How a thread goes on after its steps: return, serve requests and page faults for a while, block for good, throw. */
    static final int RETURN = 0;
    static final int SERVE = 1;
    static final int BLOCK = 2;
    static final int THROW = 3;

    /**
     * Tasks 0..n-1: task i's first thread is {@code tid(3 + i)} running entry i of module "w", its
     * second (if any) {@code tid(7 + i)} running entry 4 + i; scripts[0] is the root task's.
     */
    record World(CommModel model, KmemModel kmem, int tasks, long[] pagers, int[] priorities, boolean[] second, int[] ends,
                 List<List<Step>> scripts) {
        static World decode(FuzzedDataProvider d) {
            return decode(d, CommModel.values()[d.consumeInt(0, CommModel.values().length - 1)]);
        }

        static World decode(FuzzedDataProvider d, CommModel model) {
            return decode(d, model, KmemModel.values()[d.consumeInt(0, KmemModel.values().length - 1)]);
        }

        static World decode(FuzzedDataProvider d, CommModel model, KmemModel kmem) {
            int n = d.consumeInt(1, MAX_TASKS);
            long[] pagers = new long[n];
            int[] priorities = new int[n];
            boolean[] second = new boolean[n];
            for (int i = 0; i < n; i++) {
                pagers[i] = switch (d.consumeInt(0, 7)) {
                    case 0, 1, 2, 3 -> SIGMA0;
                    case 4, 5 -> ROOT;
                    case 6 -> tid(3 + d.consumeInt(0, n - 1));
                    default -> ThreadId.NIL;
                };
                priorities[i] = d.pickValue(PRIORITIES);
                second[i] = d.consumeBoolean();
            }
            // Actor 0 is the root task, actor 1 + e runs entry e.
            int actors = 1 + 2 * MAX_TASKS;
            int[] ends = new int[actors];
            for (int a = 0; a < actors; a++) {
                ends[a] = d.consumeInt(0, 3);
            }
            List<List<Step>> scripts = new ArrayList<>();
            for (int a = 0; a < actors; a++) {
                scripts.add(new ArrayList<>());
            }
            List<Integer> live = new ArrayList<>(List.of(0));
            for (int i = 0; i < n; i++) {
                live.add(1 + i);
                if (second[i]) {
                    live.add(1 + MAX_TASKS + i);
                }
            }
            for (int k = 0; k < MAX_STEPS && d.remainingBytes() > 0; k++) {
                int actor = d.pickValue(live);
                scripts.get(actor).add(step(d, actor == 0 ? MAX_TASKS : (actor - 1) % MAX_TASKS));
            }
            return new World(model, kmem, n, pagers, priorities, second, ends, scripts);
        }

        /** Runs the world; what the kernel ran. */
        Kernel.RunResult run() {
            AddressSpaceHarness a = new AddressSpaceHarness();
            a.h.config(KernelConfig.defaults().withComm(model).withKmem(kmem));
            a.module("w", l4 -> program(l4, 1 + KernelHarness.entry(l4)));
            a.script(b -> {
                L4 l4 = b.l4;
                for (int i = 0; i < tasks; i++) {
                    KernelHarness.createTask(l4, tid(3 + i), pagers[i], KernelHarness.ip(l4, "w", i), priorities[i]);
                    if (second[i]) {
                        new SpawnStep(tid(7 + i), tid(3 + i), pagers[i], UTCB + 1024, MAX_TASKS + i, priorities[i]).run(l4);
                    }
                }
                program(l4, 0);
            });
            Kernel k = a.kernel(); // checks its invariants after every kernel entry
            Kernel.RunResult r;
            try {
                r = a.h.run(MAX_TRAPS);
            } catch (RuntimeException | Error e) {
                throw new AssertionError("Kernel.run threw " + e + "\n" + this + "\nconsole:\n" + tail(a.console()), e);
            }
            assertEquals(List.of(), k.checkInvariants(), () -> "invariants at the end of\n" + this);
            return r;
        }

        void program(L4 l4, int actor) throws Exception {
            List<Step> steps = actor < scripts.size() ? scripts.get(actor) : List.of();
            try {
                for (Step s : steps) {
                    s.run(l4);
                }
            } catch (ReturnNow r) {
                return;
            }
            int end = actor < ends.length ? ends[actor] : RETURN;
            if (end == SERVE) {
                serve(l4, actor == 0 ? MAX_TASKS : (actor - 1) % MAX_TASKS);
            } else if (end == BLOCK) {
                l4.ipc(ThreadId.NIL, l4.myGlobalId(), KernelHarness.NEVER);
            } else if (end == THROW) {
                throw new IllegalStateException("the program ends by throwing");
            }
        }

        /** Answers what arrives, some twenty messages: page faults with a page of its own, anything else with an echo. */
        static void serve(L4 l4, int task) {
            long page = SCRATCH + task * 0x1_0000L;
            long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.relative(20_000)));
            for (int i = 0; i < 20; i++) {
                long tag = l4.mr(0);
                if (MsgTag.failed(tag)) {
                    from = l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.relative(20_000)));
                    continue;
                }
                if (KernelLabels.isPageFault(MsgTag.label(tag))) {
                    Items.putMap(l4, 1, Fpage.of(page, 12, Fpage.RWX), l4.mr(1));
                    l4.setMr(0, MsgTag.make(0, 0, 2));
                } else {
                    l4.setMr(0, MsgTag.make(MsgTag.label(tag), Math.min(MsgTag.untyped(tag), 8), 0));
                }
                from = l4.ipc(from, ThreadId.ANY, Timeout.pair(Timeout.ZERO, Timeout.relative(20_000)));
            }
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(model.label() + ", " + kmem.label() + " world of " + tasks + " tasks: pagers ");
            for (long p : pagers) {
                b.append(ThreadId.toString(p)).append(' ');
            }
            b.append("priorities ").append(Arrays.toString(priorities)).append(" second threads ")
                    .append(Arrays.toString(second)).append(" ends ").append(Arrays.toString(ends));
            for (int actor = 0; actor < scripts.size(); actor++) {
                if (!scripts.get(actor).isEmpty()) {
                    b.append("\n  ").append(actor == 0 ? "root" : "entry " + (actor - 1)).append(':');
                    for (Step s : scripts.get(actor)) {
                        b.append("\n    ").append(s);
                    }
                }
            }
            return b.toString();
        }

        private static String tail(String console) {
            return console.length() <= 4000 ? console : "..." + console.substring(console.length() - 4000);
        }
    }
}
