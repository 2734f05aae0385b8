package kola.system.fuzz;

import java.util.SplittableRandom;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.Schedule;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.system.Sigma0;

/**
 * An unprivileged fuzz task (issue #6): its threads issue random system calls with random
 * arguments and misbehave on purpose, each in one of several roles chosen by the entry point the
 * root task started it at ({@link L4#startIp()} minus the module's base):
 *
 * <ul>
 * <li>{@link #WORKER}: a random mix of everything below, one action at a time;</li>
 * <li>{@link #SERVER}: receives from anyone and answers with random messages and items (maps and
 * grants of its own pages, strings), restarts threads whose exception IPC it gets;</li>
 * <li>{@link #PAGER}: a user-level pager with a pool of pages from its own pager; it maps them at
 * its clients' faults, and at random refuses, answers garbage, does not answer, revokes its
 * pool (an unmap storm) or dies;</li>
 * <li>{@link #HOG}: touches page after page, each in a fresh page table, to exhaust kernel memory;</li>
 * <li>{@link #FLOODER}: sends to one server as fast as it can;</li>
 * <li>{@link #SPINNER}: loops calling the kernel;</li>
 * <li>{@link #THROWER}: throws (runtime, checked, error, stack overflow, bad register index).</li>
 * </ul>
 *
 * All randomness comes from a {@link SplittableRandom} seeded by the plan; the program never reads
 * host time and never iterates a hash map, so the same seed gives the same calls.
 */
public final class FuzzTask implements Program {
    public static final int WORKER = 0;
    public static final int SERVER = 1;
    public static final int PAGER = 2;
    public static final int HOG = 3;
    public static final int FLOODER = 4;
    public static final int SPINNER = 5;
    public static final int THROWER = 6;
    /** Entries the program knows; any other entry runs a worker. */
    public static final int ROLES = 7;

    /** Where a pager keeps its pool in its own space. */
    public static final long POOL = 0x2000_0000L;
    /** Pool pages of a pager. */
    public static final int POOL_PAGES = 32;
    /** Where a hog starts touching. */
    public static final long HOG_BASE = 0x40_0000_0000L >>> 2;
    private static final long PAGE = 4096;

    private final FuzzPlan plan;
    private final SplittableRandom seeds;
    /** Pool pages this space's pager holds (shared by the pager threads of the space). */
    private final boolean[] held = new boolean[POOL_PAGES];

    /** A fuzz task of {@code plan}; its threads' random sources derive from {@code seed}. */
    public FuzzTask(FuzzPlan plan, long seed) {
        this.plan = plan;
        this.seeds = new SplittableRandom(seed);
    }

    /** The role of the thread {@code l4}: its entry number, folded onto the known roles. */
    public static int role(L4 l4) {
        long entry = l4.startIp() & 0xFFFF_FFFFL;
        return entry < ROLES ? (int) entry : WORKER;
    }

    @Override
    public void run(L4 l4) throws Exception {
        FuzzWords w = new FuzzWords(seeds.split(), plan, l4);
        switch (role(l4)) {
            case SERVER -> serve(l4, w, Integer.MAX_VALUE, false);
            case PAGER -> serve(l4, w, Integer.MAX_VALUE, true);
            case HOG -> {
                hog(l4, w, 50 + w.below(400));
                work(l4, w);
            }
            case FLOODER -> {
                flood(l4, w, 100 + w.below(2000));
                work(l4, w);
            }
            case SPINNER -> {
                spin(l4, w, 100 + w.below(3000));
                work(l4, w);
            }
            case THROWER -> {
                work(l4, w, w.below(50));
                misbehave(l4, w);
            }
            default -> work(l4, w);
        }
    }

    // ---- the worker ------------------------------------------------------------------------

    private void work(L4 l4, FuzzWords w) throws Exception {
        work(l4, w, Integer.MAX_VALUE);
    }

    /** Runs {@code actions} random actions (forever for MAX_VALUE). */
    private void work(L4 l4, FuzzWords w, int actions) throws Exception {
        for (int n = 0; n < actions; n++) {
            int a = plan.focus() != 0 && w.chance(50) ? focused(w, plan.focus()) : w.below(1000);
            if (a < 220) {
                randomIpc(l4, w, w.chance(70) ? w.shortTimeouts() : w.timeouts());
            } else if (a < 320) {
                touchHeap(l4, w);
            } else if (a < 350) {
                touch(l4, w, w.address());
            } else if (a < 420) {
                mapStorm(l4, w);
            } else if (a < 470) {
                unmapStorm(l4, w);
            } else if (a < 510) {
                exchangeRegisters(l4, w);
            } else if (a < 530) {
                l4.threadSwitch(w.chance(50) ? ThreadId.NIL : w.threadId());
            } else if (a < 550) {
                l4.schedule(w.threadId(), scheduleWord(w), w.chance(80) ? Schedule.UNCHANGED : w.word(),
                        w.chance(50) ? Schedule.UNCHANGED : w.below(300) - 20, w.chance(80) ? Schedule.UNCHANGED : w.word());
            } else if (a < 560) {
                l4.systemClock();
            } else if (a < 580) {
                privileged(l4, w);
            } else if (a < 630) {
                serve(l4, w, 1 + w.below(8), false);
            } else if (a < 660) {
                sigma0Request(l4, w);
            } else if (a < 700) {
                callServer(l4, w);
            } else if (a < 715) {
                flood(l4, w, 5 + w.below(40));
            } else if (a < 725) {
                spin(l4, w, 5 + w.below(100));
            } else if (a < 728) {
                misbehave(l4, w);
            } else if (a < 730) {
                return; // the thread ends: halted, as if its program returned
            } else if (a < 733) {
                l4.kdbPrint("fuzz: " + ThreadId.toString(l4.myGlobalId()) + " says " + Long.toHexString(w.word()));
            } else if (a < 783) {
                stringIpc(l4, w);
            } else if (a < 833) {
                long from = w.chance(50) ? w.learnedId() : w.threadId();
                w.buffers(l4);
                w.learn(l4.ipc(ThreadId.NIL, from, w.shortTimeouts()));
            } else if (a < 863) {
                utcb(l4, w);
                l4.systemClock();
            } else if (a < 873) {
                hog(l4, w, 1 + w.below(64));
            } else if (a < 874) {
                l4.kdbEnter("fuzz: " + ThreadId.toString(l4.myGlobalId()));
            } else if (a < 876) {
                l4.kdbQuery(switch (w.below(7)) {
                    case 0 -> "ps";
                    case 1 -> "spaces";
                    case 2 -> "mem";
                    case 3 -> "kmem";
                    case 4 -> "mappings";
                    case 5 -> "";
                    default -> Long.toHexString(w.word());
                });
            } else {
                randomIpc(l4, w, w.shortTimeouts());
            }
        }
    }

    /** An action number from the plan's focus group (the ranges of {@link #work}). */
    private static int focused(FuzzWords w, int focus) {
        return switch (focus) {
            case FuzzPlan.FOCUS_IPC -> w.chance(80) ? w.below(220) : 783 + w.below(50);
            case FuzzPlan.FOCUS_MEMORY -> 220 + w.below(250);
            case FuzzPlan.FOCUS_STRINGS -> 733 + w.below(50);
            case FuzzPlan.FOCUS_SERVICE -> 580 + w.below(145);
            default -> 470 + w.below(110);
        };
    }

    private static long scheduleWord(FuzzWords w) {
        return switch (w.below(4)) {
            case 0 -> Schedule.UNCHANGED;
            case 1 -> Schedule.timeslice(1 + w.below(20_000));
            case 2 -> (long) w.timeout() << 16;
            default -> w.word();
        };
    }

    /** One Ipc with a random message, random buffers and random partners. */
    static void randomIpc(L4 l4, FuzzWords w, long timeouts) {
        w.message(l4);
        if (w.chance(60)) {
            w.buffers(l4);
        }
        long to = w.chance(15) ? ThreadId.NIL : w.threadId();
        long from = switch (w.below(5)) {
            case 0 -> ThreadId.NIL;
            case 1 -> ThreadId.ANY;
            case 2 -> to;
            default -> w.threadId();
        };
        w.learn(l4.ipc(to, from, timeouts));
    }

    private static void touchHeap(L4 l4, FuzzWords w) {
        int n = 1 + w.below(4);
        for (int i = 0; i < n; i++) {
            long va = w.heapPage() + w.below(4096 - 8);
            if (w.chance(50)) {
                l4.memory().store64(va, w.word());
            } else {
                l4.memory().load64(va);
            }
        }
    }

    /** A load or store at any address: a page fault on purpose, in or out of the address space. */
    private static void touch(L4 l4, FuzzWords w, long va) {
        switch (w.below(6)) {
            case 0 -> l4.memory().load8(va);
            case 1 -> l4.memory().store8(va, w.word());
            case 2 -> l4.memory().load32(va);
            case 3 -> l4.memory().store64(va, w.word());
            case 4 -> {
                byte[] b = new byte[1 + w.below(9000)];
                l4.memory().read(va, b, 0, b.length);
            }
            default -> {
                byte[] b = new byte[1 + w.below(9000)];
                l4.memory().write(va, b, 0, b.length);
            }
        }
    }

    /** Maps and grants pages of the heap (touched first, or not) to another thread, several items a message. */
    private static void mapStorm(L4 l4, FuzzWords w) {
        int pages = w.below(6);
        for (int i = 0; i < pages; i++) {
            l4.memory().store64(w.heapPage(), i);
        }
        int u = w.below(3);
        int items = 1 + w.below(Math.min(8, (63 - u) / 2));
        for (int i = 1; i <= u; i++) {
            l4.setMr(i, w.word());
        }
        for (int k = 0; k < items; k++) {
            int mr = u + 1 + 2 * k;
            long fpage = w.chance(80) ? w.heapFpage() : w.fpage();
            long sendBase = w.chance(70) ? w.heapPage() : w.address();
            if (w.chance(30)) {
                Items.putGrant(l4, mr, fpage, sendBase);
            } else {
                Items.putMap(l4, mr, fpage, sendBase);
            }
        }
        l4.setMr(0, MsgTag.make(w.below(16), u, 2 * items));
        long to = w.chance(60) ? w.learnedId() : w.threadId();
        long from = w.chance(40) ? to : ThreadId.NIL;
        if (w.chance(40)) {
            w.buffers(l4);
        }
        w.learn(l4.ipc(to, from, w.shortTimeouts()));
    }

    /** Unmaps up to 64 fpages at once, with and without flush, heap and garbage, or the whole space. */
    private static void unmapStorm(L4 l4, FuzzWords w) {
        int n = w.chance(80) ? w.below(8) : w.below(64);
        for (int i = 0; i <= n; i++) {
            l4.setMr(i, switch (w.below(10)) {
                case 0 -> Fpage.COMPLETE | w.below(8);
                case 1, 2 -> w.fpage();
                default -> w.heapFpage();
            });
        }
        long control = w.chance(90) ? n | (w.chance(50) ? 0x40 : 0) : w.word();
        l4.unmap(control);
    }

    private static void exchangeRegisters(L4 l4, FuzzWords w) {
        long dest = w.chance(40) ? l4.myGlobalId() : w.threadId();
        long control = switch (w.below(6)) {
            case 0 -> 0;
            case 1 -> ExRegs.ABORT_IPC | ExRegs.RESUME;
            case 2 -> ExRegs.HALT;
            case 3 -> ExRegs.SET_SP_IP | ExRegs.RESUME;
            case 4 -> w.below(1 << 9);
            default -> w.word();
        };
        if (dest == l4.myGlobalId() && (control & (ExRegs.HALT_VALID | ExRegs.HALT_VALUE)) == ExRegs.HALT) {
            control &= ~ExRegs.HALT_VALUE; // halting itself forever only loses a thread, and nobody resumes it
        }
        long ip = w.chance(70) ? (l4.startIp() & ~0xFFFF_FFFFL) + w.below(ROLES + 2) : w.word();
        l4.exchangeRegisters(dest, control, w.word(), ip, w.word(), w.word(), w.chance(50) ? l4.pager() : w.threadId());
    }

    /** The privileged calls, which an unprivileged task may not make: garbage for the checks. */
    private static void privileged(L4 l4, FuzzWords w) {
        if (w.chance(50)) {
            l4.threadControl(w.threadId(), w.threadId(), w.threadId(), w.threadId(), w.word());
        } else {
            l4.spaceControl(w.threadId(), w.word(), w.fpage(), w.fpage(), w.threadId());
        }
    }

    private static void sigma0Request(L4 l4, FuzzWords w) {
        if (w.chance(60)) {
            long want = w.chance(50) ? Sigma0.anyPage(12 + w.below(3)) : w.fpage();
            Sigma0.requestPage(l4, want, w.chance(80) ? Fpage.of(w.heapPage(), 12, 0) : w.fpage());
        } else {
            l4.setMr(1, w.fpage());
            l4.setMr(2, w.chance(80) ? 0 : w.word());
            l4.setMr(0, w.chance(80) ? MsgTag.make(KernelLabels.SIGMA0, 2, 0) : w.tag());
            w.buffers(l4);
            l4.ipc(l4.kernelInterface().sigma0(), l4.kernelInterface().sigma0(), w.shortTimeouts());
        }
    }

    /** A call with a small well-formed message to a thread that may be a server, with timeouts. */
    private static void callServer(L4 l4, FuzzWords w) {
        long to = w.chance(70) ? w.learnedId() : w.guessId();
        int u = w.below(4);
        for (int i = 1; i <= u; i++) {
            l4.setMr(i, w.word());
        }
        l4.setMr(0, MsgTag.make(w.below(8), u, 0));
        l4.setBr(0, Items.acceptor(w.chance(70) ? Fpage.of(FuzzWords.HEAP, 18, 0) : w.fpage(), w.chance(50)));
        long timeouts = w.chance(80) ? Timeout.pair(Timeout.relative(1 + w.below(500)), Timeout.relative(1 + w.below(500)))
                : w.timeouts();
        w.learn(l4.ipc(to, to, timeouts));
    }

    /** An Ipc carrying string items whose buffers are (mostly) heap pages, received into heap buffers. */
    private static void stringIpc(L4 l4, FuzzWords w) {
        int strings = 1 + w.below(3);
        for (int k = 0; k < strings; k++) {
            long length = w.chance(80) ? w.below(2 * 4096) : w.below(64 * 1024);
            Items.putString(l4, 1 + 2 * k, w.chance(85) ? w.heapPage() + w.below(64) : w.address(), length);
            l4.setBr(1 + 2 * k, Items.stringWord(w.chance(80) ? 8192 : w.below(64 * 1024)));
            l4.setBr(2 + 2 * k, w.chance(85) ? w.heapPage() : w.address());
        }
        l4.setBr(0, Items.acceptor(w.chance(50) ? Fpage.NIL : Fpage.of(FuzzWords.HEAP, 18, 0), w.chance(90)));
        l4.setMr(0, MsgTag.make(w.below(16), 0, 2 * strings));
        long to = w.chance(60) ? w.learnedId() : w.threadId();
        long from = w.chance(50) ? to : w.chance(50) ? ThreadId.ANY : ThreadId.NIL;
        w.learn(l4.ipc(to, from, w.shortTimeouts()));
    }

    /** UTCB registers: user handle, exception handler, buffer registers; no trap. */
    private static void utcb(L4 l4, FuzzWords w) {
        switch (w.below(4)) {
            case 0 -> l4.setUserHandle(w.word());
            case 1 -> l4.setExceptionHandler(w.chance(70) ? w.learnedId() : w.threadId());
            case 2 -> w.buffers(l4);
            default -> l4.setMr(w.below(64), w.word());
        }
    }

    // ---- servers and pagers ----------------------------------------------------------------

    /**
     * Receives from anyone (or a learned thread) and answers, {@code rounds} times. A pager serves
     * page faults from its pool; anyone answers exception IPC by restarting the thread (or not)
     * and anything else with a random message.
     */
    private void serve(L4 l4, FuzzWords w, int rounds, boolean pager) {
        w.buffers(l4);
        if (pager && w.chance(80)) {
            l4.setBr(0, Items.acceptor(Fpage.NIL, false));
        }
        long from = l4.ipc(ThreadId.NIL, pager || w.chance(70) ? ThreadId.ANY : w.learnedId(),
                Timeout.pair(Timeout.NEVER, pager || w.chance(30) ? Timeout.NEVER : w.timeout()));
        for (int n = 0; n < rounds; n++) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag)) {
                if (n + 1 >= rounds) {
                    return;
                }
                from = l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER,
                        pager ? Timeout.NEVER : w.chance(50) ? Timeout.NEVER : w.timeout()));
                continue;
            }
            w.learn(from);
            long label = MsgTag.label(tag);
            boolean answer = true;
            if (KernelLabels.isPageFault(label) && MsgTag.untyped(tag) >= 1) {
                answer = pageFault(l4, w, from, l4.mr(1), (int) (label & 7), pager);
            } else if (label == KernelLabels.INTERRUPT && ThreadId.number(from) < l4.kernelInterface().systemBase()) {
                // An interrupt: acknowledge it (a message to the pseudo-thread), now or, rarely, never.
                l4.setMr(0, MsgTag.make(0, 0, 0));
                answer = !w.oneIn(20);
            } else if (label == KernelLabels.EXCEPTION && MsgTag.untyped(tag) >= 2) {
                long startIp = l4.mr(1);
                switch (w.below(10)) {
                    case 0 -> l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
                    case 1 -> w.message(l4);
                    case 2 -> {
                        l4.setMr(1, (startIp & ~0xFFFF_FFFFL) + w.below(ROLES + 2));
                        l4.setMr(0, MsgTag.make(0, 1, 0));
                    }
                    case 3 -> answer = false;
                    default -> {
                        l4.setMr(1, startIp);
                        l4.setMr(0, MsgTag.make(0, 1, 0));
                    }
                }
            } else if (w.chance(70)) {
                reply(l4, w);
            } else {
                w.message(l4);
            }
            if (pager && w.oneIn(400)) {
                l4.setMr(0, Fpage.of(POOL, 17, Fpage.RWX)); // revoke the pool from every client
                l4.unmap(w.chance(20) ? 0x40 : 0);
                if (w.chance(20)) {
                    java.util.Arrays.fill(held, false);
                }
                l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
            }
            if (pager && w.oneIn(3000)) {
                return; // the pager dies: its clients' faults wait for a thread that never answers
            }
            if (n + 1 >= rounds) {
                if (answer) {
                    l4.ipc(from, ThreadId.NIL, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
                }
                return;
            }
            if (!pager && w.oneIn(8)) {
                w.buffers(l4);
            }
            int receiveTimeout = pager ? Timeout.NEVER : w.chance(60) ? Timeout.NEVER : w.timeout();
            if (answer) {
                from = l4.ipc(from, ThreadId.ANY, Timeout.pair(w.chance(90) ? Timeout.ZERO : w.timeout(), receiveTimeout));
            } else {
                from = l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, receiveTimeout));
            }
        }
    }

    /** An answer with a few words and maybe items: maps or grants of heap pages, a string. */
    private static void reply(L4 l4, FuzzWords w) {
        int u = w.below(4);
        for (int i = 1; i <= u; i++) {
            l4.setMr(i, w.word());
        }
        int t = 0;
        switch (w.below(5)) {
            case 0 -> {
                Items.putMap(l4, u + 1, w.heapFpage(), w.heapPage());
                t = 2;
            }
            case 1 -> {
                Items.putGrant(l4, u + 1, Fpage.of(w.heapPage(), 12, Fpage.RWX), w.heapPage());
                t = 2;
            }
            case 2 -> {
                Items.putString(l4, u + 1, w.heapPage() + w.below(64), w.below(6000));
                t = 2;
            }
            default -> { }
        }
        l4.setMr(0, MsgTag.make(w.below(8), u, t));
    }

    /**
     * Answers a page fault at {@code address}: the pager maps one of its pool pages there (mostly
     * read-write, sometimes with too few rights), or refuses, or answers garbage, or not at all
     * (returns false). A non-pager answers at random.
     */
    private boolean pageFault(L4 l4, FuzzWords w, long client, long address, int access, boolean pager) {
        int choice = w.below(100);
        if (!pager && choice < 50 || choice >= 97) {
            w.message(l4);
            return !w.oneIn(10);
        }
        if (choice < 3) {
            l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
            return true;
        }
        if (choice < 5) {
            return false; // the client waits until someone cancels its fault
        }
        long page = address & -PAGE;
        int index = (int) Long.remainderUnsigned(page >>> 12 ^ client * 0x9E3779B97F4A7C15L, POOL_PAGES);
        long poolVa = POOL + index * PAGE;
        hold(l4, w, index, poolVa);
        int rights = w.chance(95) ? Fpage.RWX : access | w.below(8);
        Items.putMap(l4, 1, Fpage.of(poolVa, 12, rights), page);
        l4.setMr(0, MsgTag.make(0, 0, 2));
        return true;
    }

    /** Makes sure the pager holds pool page {@code index}: from sigma0 by its protocol, otherwise by touching it. */
    private void hold(L4 l4, FuzzWords w, int index, long poolVa) {
        if (held[index] && w.chance(95)) {
            return;
        }
        Kip kip = l4.kernelInterface();
        if (l4.pager() == kip.sigma0()) {
            held[index] = Sigma0.requestPage(l4, Sigma0.anyPage(12), Fpage.of(poolVa, 12, 0));
        } else {
            l4.memory().load64(poolVa);
            held[index] = true;
        }
    }

    // ---- hogs, flooders, spinners, throwers -------------------------------------------------

    /** Touches {@code pages} pages, each in its own 2 MiB region (so each needs a page table of its own). */
    private static void hog(L4 l4, FuzzWords w, int pages) {
        long base = HOG_BASE + ((long) w.below(64) << 30);
        for (int i = 0; i < pages; i++) {
            l4.memory().store8(base + ((long) i << 21) + w.below(4096), i);
        }
    }

    /** Sends to one thread as fast as it can, with zero, short or no send timeouts. */
    private static void flood(L4 l4, FuzzWords w, int messages) {
        long target = w.chance(70) ? w.learnedId() : w.guessId();
        long timeouts = switch (w.below(3)) {
            case 0 -> Timeout.pair(Timeout.ZERO, Timeout.NEVER);
            case 1 -> Timeout.pair(Timeout.relative(1 + w.below(100)), Timeout.NEVER);
            default -> Timeout.pair(Timeout.NEVER, Timeout.NEVER);
        };
        boolean call = w.chance(30);
        for (int i = 0; i < messages; i++) {
            l4.setMr(1, i);
            l4.setMr(0, MsgTag.make(w.below(4), 1, 0));
            l4.ipc(target, call ? target : ThreadId.NIL, call ? w.shortTimeouts() : timeouts);
        }
    }

    /** Loops calling the kernel: clock, yield, donate, schedule. */
    private static void spin(L4 l4, FuzzWords w, int calls) {
        for (int i = 0; i < calls; i++) {
            switch (i & 3) {
                case 0 -> l4.systemClock();
                case 1 -> l4.threadSwitch(ThreadId.NIL);
                case 2 -> l4.threadSwitch(w.chance(50) ? w.learnedId() : w.guessId());
                default -> l4.schedule(w.threadId(), Schedule.UNCHANGED, Schedule.UNCHANGED, Schedule.UNCHANGED,
                        Schedule.UNCHANGED);
            }
        }
    }

    /** Ends the thread by an exception of some kind, after maybe naming an exception handler. */
    private static void misbehave(L4 l4, FuzzWords w) throws Exception {
        if (w.chance(50)) {
            l4.setExceptionHandler(w.chance(70) ? w.learnedId() : w.threadId());
        }
        switch (w.below(8)) {
            case 0 -> throw new IllegalStateException("fuzz: thrown on purpose");
            case 1 -> throw new Exception("fuzz: checked, on purpose");
            case 2 -> throw new AssertionError("fuzz: an Error, on purpose");
            case 3 -> l4.setMr(64 + w.below(4), 1); // a bad register index
            case 4 -> l4.setBr(-1, 1);
            case 5 -> {
                Object nothing = w.chance(100) ? null : new Object();
                nothing.hashCode();
            }
            case 6 -> {
                if (w.oneIn(10)) {
                    recurse(0);
                }
                throw new ArithmeticException("fuzz: / by zero");
            }
            default -> {
                byte[] tooSmall = new byte[4];
                l4.memory().read(w.heapPage(), tooSmall, 0, 8); // bad bounds: the accessor throws
            }
        }
        throw new IllegalStateException("fuzz: misbehaved");
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }
}
