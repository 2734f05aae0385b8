package kola.system.fuzz;

import java.util.SplittableRandom;
import kola.abi.Comm;
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
 * <li>{@link #THROWER}: throws (runtime, checked, error, stack overflow, bad register index, and
 * exceptions whose toString or getMessage throws, spins or calls the kernel);</li>
 * <li>{@link #REPLY_PAIR}: threads of one space that call each other, the first a server whose
 * replies carry a string into a buffer page its client has never touched; the server checks that
 * the client got the reply (a client left waiting for ever is reported as a hang);</li>
 * <li>{@link #KIP_CHECK}: reads the word its stack pointer names (where the root task believes the
 * space's KIP is) and sends it to its pager (the root task's KIP probe).</li>
 * </ul>
 *
 * Threads of a space share this program instance, and with it each other's {@link L4} objects:
 * a worker rewrites a sibling's message and buffer registers, user handle and exception handler
 * while the sibling may be blocked in an IPC (after the kernel checked the message), as a buggy
 * multithreaded program would.
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
    public static final int REPLY_PAIR = 7;
    public static final int KIP_CHECK = 8;
    /** Entries the program knows; any other entry runs a worker. */
    public static final int ROLES = 9;
    /** The label of a reply-pair call and of a KIP check's report. */
    public static final long PAIR_LABEL = 0x77;
    public static final long KIP_LABEL = 0x78;
    /** The X.2 deliver bit (d) of ExchangeRegisters' control word. */
    public static final long DELIVER = 1L << 9;
    /** Where a thread maps the UART (sigma0 hands devices to whoever asks) to send strings from it. */
    public static final long DEVICE_VA = 0x3000_0000L;
    /** Where reply-pair clients receive strings: pages of low RAM sigma0 maps idempotently at their first touch. */
    private static final long PAIR_BUFFERS = 0x0400_0000L;
    private static final int PAIR_BUFFER_PAGES = 1 << 15;
    /** Where reply-pair servers send strings from (low RAM too, above the clients' buffers). */
    private static final long PAIR_SOURCES = 0x0C00_0000L;

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
    private final FuzzChecks checks;
    /** The L4 objects of the space's threads, as they started (shared: siblings meddle with each other). */
    private final L4[] siblings = new L4[8];
    /** Their local ids as they started. */
    private final long[] siblingLocal = new long[8];
    private int siblingCount;
    /** Reply pairs: the server's id, and each client's call in progress (client local id, as the server receives it -> token; absent: none). */
    private long pairServer = ThreadId.NIL;
    private final java.util.Map<Long, Long> pairCalls = new java.util.HashMap<>();
    private long pairTokens;

    /** A fuzz task of {@code plan}; its threads' random sources derive from {@code seed}. */
    public FuzzTask(FuzzPlan plan, long seed) {
        this(plan, seed, FuzzChecks.IGNORED);
    }

    /** A fuzz task of {@code plan} that reports failed checks to {@code checks}. */
    public FuzzTask(FuzzPlan plan, long seed, FuzzChecks checks) {
        this.plan = plan;
        this.seeds = new SplittableRandom(seed);
        this.checks = checks;
    }

    /** The role of the thread {@code l4}: its entry number, folded onto the known roles. */
    public static int role(L4 l4) {
        long entry = l4.startIp() & 0xFFFF_FFFFL;
        return entry < ROLES ? (int) entry : WORKER;
    }

    @Override
    public void run(L4 l4) throws Exception {
        FuzzWords w = new FuzzWords(seeds.split(), plan, l4);
        register(l4);
        if (w.objectNames()) {
            // The root task starts a task's first thread with the peer slots it filled as a mask in
            // the user handle (any other thread's handle is garbage for this: it is only a hint).
            long mask = l4.userHandle();
            for (int i = 0; i < Math.min(64, plan.threadSlots()); i++) {
                if ((mask >>> i & 1) != 0) {
                    w.knowPeer(Comm.selector(FuzzWords.PEERS + i));
                }
            }
            lookForPeers(l4, w);
        }
        switch (role(l4)) {
            case SERVER -> serve(l4, w, Integer.MAX_VALUE, false);
            case PAGER -> serve(l4, w, Integer.MAX_VALUE, true);
            case HOG -> {
                hog(l4, w, 50 + w.below(400));
                work(l4, w);
            }
            // Floods and spins are shorter under the object-space models: their rounds' kernel
            // entries go to the communication actions instead (CommControl, capabilities in IPC).
            case FLOODER -> {
                flood(l4, w, w.objectNames() ? 10 + w.below(200) : 100 + w.below(2000));
                work(l4, w);
            }
            case SPINNER -> {
                spin(l4, w, w.objectNames() ? 10 + w.below(300) : 100 + w.below(3000));
                work(l4, w);
            }
            case THROWER -> {
                work(l4, w, w.below(50));
                misbehave(l4, w);
            }
            case REPLY_PAIR -> replyPair(l4, w);
            case KIP_CHECK -> {
                l4.setMr(1, l4.memory().load32(l4.startSp()));
                l4.setMr(0, MsgTag.make(KIP_LABEL, 1, 0));
                // (under capabilities through its gate to the root task, its pager, in slot 1)
                long pager = w.objectNames() && !w.virtualThreads() ? Comm.selector(1) : l4.pager();
                l4.ipc(pager, ThreadId.NIL, Timeout.pair(Timeout.relative(20_000), Timeout.NEVER));
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
            if (w.objectNames() && w.chance(40)) {
                commAction(l4, w); // (drawn only under the object-space models: the others' runs stay as they were)
                continue;
            }
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
                long from = w.objectNames() ? w.partner() : w.chance(50) ? w.learnedId() : w.threadId();
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
            } else if (a < 896) {
                itemMix(l4, w);
            } else if (a < 911) {
                meddle(l4, w);
            } else if (a < 921) {
                kdbCheck(l4, w);
            } else if (a < 931) {
                deliverCheck(l4, w);
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
            case FuzzPlan.FOCUS_STRINGS -> w.chance(70) ? 733 + w.below(50) : 876 + w.below(20);
            case FuzzPlan.FOCUS_SERVICE -> 580 + w.below(145);
            default -> w.chance(80) ? 470 + w.below(110) : 896 + w.below(30);
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
        long to = w.chance(15) ? ThreadId.NIL : w.objectNames() ? w.partner() : w.threadId();
        long from = switch (w.below(5)) {
            case 0 -> ThreadId.NIL;
            case 1 -> ThreadId.ANY;
            case 2 -> to;
            default -> w.objectNames() ? w.partner() : w.threadId();
        };
        w.virtualSender(l4);
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
        long to = w.objectNames() ? w.partner() : w.chance(60) ? w.learnedId() : w.threadId();
        long from = w.chance(40) ? to : ThreadId.NIL;
        w.virtualSender(l4);
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

    private void exchangeRegisters(L4 l4, FuzzWords w) {
        long dest = w.chance(40) ? l4.myGlobalId() : w.threadId();
        long control = switch (w.below(6)) {
            case 0 -> 0;
            case 1 -> ExRegs.ABORT_IPC | ExRegs.RESUME;
            case 2 -> ExRegs.HALT;
            case 3 -> ExRegs.SET_SP_IP | ExRegs.RESUME;
            case 4 -> w.below(1 << 10);
            default -> w.word();
        };
        if (dest == l4.myGlobalId() && (control & (ExRegs.HALT_VALID | ExRegs.HALT_VALUE)) == ExRegs.HALT) {
            control &= ~ExRegs.HALT_VALUE; // halting itself forever only loses a thread, and nobody resumes it
        }
        long ip = w.chance(70) ? (l4.startIp() & ~0xFFFF_FFFFL) + w.below(ROLES + 2) : w.word();
        long pager = switch (w.below(6)) {
            case 0, 1, 2 -> l4.pager();
            case 3 -> siblingLocalId(w, l4); // X.2: a local id names a thread of the paged thread's space
            default -> w.threadId();
        };
        l4.exchangeRegisters(dest, control, w.word(), ip, w.word(), w.word(), pager);
    }

    /**
     * The local id of a thread of this space as it started (a sibling, itself, or one that has
     * since ended or moved: its UTCB slot then names nobody, or another thread).
     */
    private long siblingLocalId(FuzzWords w, L4 self) {
        int n = Math.min(siblingCount, siblings.length);
        return n == 0 ? self.myLocalId() : siblingLocal[w.below(n)];
    }

    /**
     * The control calls: ThreadControl, SpaceControl, KmemControl (every operation, on pages of
     * its own heap mostly: a retyped or lent page is the kernel's from then on, and a touch of it
     * faults for ever), SchedControl (every operation, with any words), MemoryControl (its heap
     * fpages, the complete one, any, in up to 64 MRs, with attributes in range or not) and
     * ProcessorControl (the base rate, a quarter of it, none, any). Privileged calls, which a
     * fuzz task may make only once a privileged fuzzer's SpaceControl has made its space
     * privileged: until then they are garbage for the checks.
     */
    private static void privileged(L4 l4, FuzzWords w) {
        switch (w.below(6)) {
            case 0 -> l4.threadControl(w.threadId(), w.threadId(), w.threadId(), w.threadId(), w.word());
            case 1 -> l4.spaceControl(w.threadId(), w.word(), w.fpage(), w.fpage(), w.threadId());
            case 2 -> {
                int op = w.chance(90) ? w.below(6) : (int) w.word();
                long a = op == kola.abi.Kmem.QUOTA || op == kola.abi.Kmem.KPAGER ? w.threadId() : w.fpage();
                long b = op == kola.abi.Kmem.RETYPE ? w.below(11) : op == kola.abi.Kmem.QUOTA ? w.word() : w.threadId();
                l4.kmemControl(op, a, b, w.chance(80) ? l4.myGlobalId() : w.threadId());
            }
            case 3 -> l4.schedControl(w.chance(90) ? w.below(11) : (int) w.word(), w.below(40), w.chance(50) ? w.threadId() : w.word(),
                    w.chance(50) ? w.below(5000) : w.word());
            case 4 -> {
                int k = w.chance(80) ? w.below(4) : w.below(64);
                for (int i = 0; i <= k; i++) {
                    l4.setMr(i, w.chance(70) ? w.heapFpage() : w.chance(30) ? Fpage.COMPLETE | w.below(4) : w.fpage());
                }
                l4.memoryControl(w.chance(90) ? k : w.word(), w.below(3), w.chance(80) ? w.below(3) : w.word(), w.below(4),
                        w.word());
            }
            default -> l4.processorControl(w.chance(80) ? 0 : w.word(), switch (w.below(5)) {
                case 0 -> 0;
                case 1 -> 1_000_000; // the base rate
                case 2 -> 250_000;
                case 3 -> -1;
                default -> w.word();
            }, w.chance(80) ? 0 : w.word(), w.chance(80) ? 0 : w.word());
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
        long to = w.objectNames() ? w.partner() : w.chance(70) ? w.learnedId() : w.guessId();
        w.virtualSender(l4);
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

    /**
     * An Ipc carrying string items, simple or compound, whose buffers are (mostly) heap pages,
     * received into heap buffers, simple or compound, mostly chained one to the next (C).
     */
    private static void stringIpc(L4 l4, FuzzWords w) {
        int strings = 1 + w.below(3);
        int mr = 1;
        int br = 1;
        for (int k = 0; k < strings; k++) {
            long length = w.chance(80) ? w.below(2 * 4096) : w.below(64 * 1024);
            if (w.chance(60)) {
                mr += Items.putString(l4, mr, length, false, stringSource(w));
            } else {
                long part = length / 4; // two items: two substrings of a quarter each, then the rest
                mr += Items.putString(l4, mr, part, true, stringSource(w), stringSource(w));
                mr += Items.putString(l4, mr, length - 2 * part, false, stringSource(w));
            }
            boolean more = k + 1 < strings ? w.chance(90) : w.chance(10);
            long room = w.chance(80) ? 8192 : w.below(64 * 1024);
            if (w.chance(60)) {
                br = Items.putBuffer(l4, br, room, false, more, stringTarget(w));
            } else {
                br = Items.putBuffer(l4, br, room / 2, true, more, stringTarget(w));
                br = Items.putBuffer(l4, br, room / 4, false, false, stringTarget(w), stringTarget(w));
            }
        }
        l4.setBr(0, Items.acceptor(w.chance(50) ? Fpage.NIL : Fpage.of(FuzzWords.HEAP, 18, 0), w.chance(90)));
        l4.setMr(0, MsgTag.make(w.below(16), 0, mr - 1));
        long to = w.objectNames() ? w.partner() : w.chance(60) ? w.learnedId() : w.threadId();
        long from = w.chance(50) ? to : w.chance(50) ? ThreadId.ANY : ThreadId.NIL;
        w.virtualSender(l4);
        w.learn(l4.ipc(to, from, w.shortTimeouts()));
    }

    /** UTCB registers: user handle, exception handler, buffer registers; no trap. */
    private void utcb(L4 l4, FuzzWords w) {
        switch (w.below(5)) {
            case 0 -> l4.setUserHandle(w.word());
            case 1 -> l4.setExceptionHandler(w.chance(70) ? w.learnedId() : w.threadId());
            case 2 -> w.buffers(l4);
            case 3 -> l4.setExceptionHandler(siblingLocalId(w, l4)); // a local id, resolved at the exception
            default -> l4.setMr(w.below(64), w.word());
        }
    }

    // ---- servers and pagers ----------------------------------------------------------------

    /**
     * Receives from anyone (or a learned thread) and answers, {@code rounds} times. A pager serves
     * page faults from its pool; anyone answers exception IPC by restarting the thread (or not)
     * and anything else with a random message.
     */
    private void serve(L4 l4, FuzzWords w, int rounds, boolean pager) throws Exception {
        w.buffers(l4);
        if (pager && w.chance(80)) {
            l4.setBr(0, Items.acceptor(Fpage.NIL, false));
        } else if (w.objectNames() && w.chance(80)) {
            l4.setBr(0, Items.acceptor(w.objectWindow(), w.chance(50))); // capabilities welcome
        }
        long from = l4.ipc(ThreadId.NIL, pager || w.chance(70) ? ThreadId.ANY : w.objectNames() ? w.partner() : w.learnedId(),
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
                if (pager && w.oneIn(40)) {
                    end(l4, w, "pager"); // in the middle of the fault: its client waits for an answer that never comes
                    return;
                }
                answer = pageFault(l4, w, from, l4.mr(1), (int) (label & 7), pager);
            } else if (label == KernelLabels.INTERRUPT && ThreadId.number(from) < l4.kernelInterface().systemBase()) {
                // An interrupt: acknowledge it (a message to the pseudo-thread), now or, rarely, never.
                l4.setMr(0, MsgTag.make(0, 0, 0));
                answer = !w.oneIn(20);
            } else if (label == KernelLabels.EXCEPTION && MsgTag.untyped(tag) >= 2) {
                if (w.oneIn(8)) {
                    end(l4, w, "exception handler"); // the thread whose exception this is waits for ever
                    return;
                }
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
            if (pager && w.oneIn(800)) {
                return; // the pager dies: its clients' faults wait for a thread that never answers
            }
            if (n + 1 >= rounds) {
                if (answer) {
                    l4.ipc(answerTo(l4, w, from), ThreadId.NIL, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
                }
                return;
            }
            if (!pager && w.oneIn(8)) {
                w.buffers(l4);
            }
            int receiveTimeout = pager ? Timeout.NEVER : w.chance(60) ? Timeout.NEVER : w.timeout();
            if (answer) {
                from = l4.ipc(answerTo(l4, w, from), ThreadId.ANY, Timeout.pair(w.chance(90) ? Timeout.ZERO : w.timeout(),
                        receiveTimeout));
            } else {
                from = l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, receiveTimeout));
            }
        }
    }

    /**
     * Whom a server answers the message it received from {@code from}: {@code from} under the
     * thread-id models; under capabilities the reply capability (a label names nobody), now and
     * then another selector; under virtual threads {@code from} (the receiver's slot for the
     * sender), with a sender name stated.
     */
    private static long answerTo(L4 l4, FuzzWords w, long from) {
        if (!w.objectNames()) {
            return from;
        }
        w.virtualSender(l4);
        if (w.virtualThreads()) {
            return w.chance(90) ? from : w.selector();
        }
        return w.chance(90) ? Comm.REPLY : w.selector();
    }

    /** Sleeps about {@code micros} µs: a closed receive from a partner that never sends (the reply capability under capabilities). */
    private static void sleep(L4 l4, FuzzWords w, long micros) {
        long from = w.objectNames() && !w.virtualThreads() ? Comm.REPLY : l4.myGlobalId();
        l4.ipc(ThreadId.NIL, from, Timeout.pair(Timeout.NEVER, Timeout.relative(micros)));
    }

    // ---- communication control (capabilities, virtual threads) -----------------------------

    /**
     * One action on the object space, under the object-space models: CommControl with every
     * operation (gates to itself, its siblings and others, with valid and invalid labels;
     * endpoints and gates to them; notifications, bound and unbound, signalled and waited on;
     * saved replies; lookups; interrupt acknowledgements), capabilities mapped and granted to a
     * peer in IPC as object fpages, revoked by Unmap of object fpages (with and without the
     * caller's own), calls through a gate, and an endpoint served for a while. A CommControl
     * whose label or selector is malformed (as {@link Comm} defines them, whatever the state)
     * must fail; unbinding a notification (selector 0) must succeed.
     */
    private void commAction(L4 l4, FuzzWords w) {
        boolean caps = !w.virtualThreads();
        switch (w.below(16)) {
            case 0, 1 -> {
                long sel = w.chance(80) ? w.ownSelector() : w.selector();
                long thread = switch (w.below(4)) {
                    case 0, 1 -> l4.myGlobalId();
                    case 2 -> {
                        L4 s = sibling(w, l4);
                        yield s != null ? s.myGlobalId() : w.threadId();
                    }
                    default -> w.threadId();
                };
                long label = label(w);
                long r = l4.commControl(Comm.GATE, sel, thread, label);
                filled(l4, w, "GATE", sel, label, r);
            }
            case 2 -> {
                long sel = w.chance(80) ? w.ownSelector() : w.selector();
                int op = w.chance(50) ? Comm.ENDPOINT : Comm.NOTIFICATION;
                long r = l4.commControl(op, sel, 0, 0);
                filled(l4, w, op == Comm.ENDPOINT ? "ENDPOINT" : "NOTIFICATION", sel, 1, r);
            }
            case 3 -> {
                long sel = w.chance(80) ? w.ownSelector() : w.selector();
                long endpoint = w.chance(70) ? w.madeSelector() : w.selector();
                long label = label(w);
                long r = l4.commControl(Comm.ENDPOINT_GATE, sel, endpoint, label);
                filled(l4, w, "ENDPOINT_GATE", sel, label, r);
            }
            case 4 -> {
                long sel = w.chance(20) ? 0 : w.chance(80) ? w.madeSelector() : w.selector();
                long r = l4.commControl(Comm.BIND_NOTIFICATION, sel, 0, 0);
                if (sel == 0 && r != 1) {
                    checks.report(FuzzChecks.REFUSED_VALID_CALL, "CommControl(BIND_NOTIFICATION, 0) by "
                            + ThreadId.toString(l4.myGlobalId()) + " (unbind, always valid) was refused: error " + l4.errorCode());
                }
            }
            case 5 -> { // signal a notification (a send through it never blocks), or send to anything held
                l4.setMr(1, w.chance(80) ? 1L << w.below(64) : w.word());
                l4.setMr(0, MsgTag.make(w.below(4), w.chance(80) ? 1 : 0, 0));
                w.virtualSender(l4);
                l4.ipc(w.chance(70) ? w.madeSelector() : w.selector(), ThreadId.NIL, w.shortTimeouts());
            }
            case 6 -> { // wait on a notification or an endpoint, or an open receive that may take bound bits or capabilities
                w.buffers(l4);
                if (w.chance(50)) {
                    l4.setBr(0, Items.acceptor(w.objectWindow(), w.chance(50)));
                }
                long from = w.chance(70) ? w.madeSelector() : w.chance(50) ? ThreadId.ANY : w.selector();
                w.learn(l4.ipc(ThreadId.NIL, from, w.shortTimeouts()));
            }
            case 7 -> { // a call through a gate (answered through the callee's reply capability)
                long gate = w.chance(60) ? heldPeer(l4, w) : w.chance(50) ? w.madeSelector() : w.selector();
                int u = w.below(4);
                for (int i = 1; i <= u; i++) {
                    l4.setMr(i, w.word());
                }
                l4.setMr(0, MsgTag.make(w.below(8), u, 0));
                l4.setBr(0, Items.acceptor(w.chance(50) ? w.objectWindow() : Fpage.of(FuzzWords.HEAP, 18, 0), w.chance(50)));
                w.virtualSender(l4);
                w.learn(l4.ipc(gate, w.chance(90) ? gate : Comm.REPLY, w.chance(80)
                        ? Timeout.pair(Timeout.relative(1 + w.below(500)), Timeout.relative(1 + w.below(500))) : w.timeouts()));
            }
            case 8, 9 -> { // capabilities to a peer, mapped or granted (object fpages), with a few words
                int u = w.below(3);
                for (int i = 1; i <= u; i++) {
                    l4.setMr(i, w.word());
                }
                int items = 1 + w.below(3);
                for (int k = 0; k < items; k++) {
                    putMapOrGrant(l4, w, u + 1 + 2 * k, w.chance(95) ? w.objectFpage() : w.fpage(), 30);
                }
                l4.setMr(0, MsgTag.make(w.below(16), u, 2 * items));
                long to = w.chance(70) ? heldPeer(l4, w) : w.selector();
                l4.setBr(0, Items.acceptor(w.objectWindow(), false));
                w.virtualSender(l4);
                w.learn(l4.ipc(to, w.chance(30) ? to : ThreadId.NIL, w.shortTimeouts()));
            }
            case 10 -> { // revoke: unmap object fpages, the own capability too (flush) or only what was derived
                int n = w.below(4);
                for (int i = 0; i <= n; i++) {
                    l4.setMr(i, w.chance(85) ? w.objectFpage() : w.fpage());
                }
                l4.unmap(n | (w.chance(25) ? 0x40 : 0));
            }
            case 11 -> { // a reply capability saved, then answered, given away, or dropped
                w.buffers(l4);
                long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, w.shortTimeouts());
                if (MsgTag.failed(l4.mr(0))) {
                    return;
                }
                w.learn(from);
                long sel = w.chance(80) ? w.ownSelector() : w.selector();
                long r = l4.commControl(Comm.SAVE_REPLY, sel, 0, 0);
                if (!filled(l4, w, "SAVE_REPLY", sel, 1, r)) {
                    return;
                }
                switch (w.below(4)) {
                    case 0, 1 -> {
                        reply(l4, w);
                        l4.ipc(sel, ThreadId.NIL, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
                    }
                    case 2 -> {
                        Items.putGrant(l4, 1, Comm.objectFpage(Comm.slot(sel), 0, Comm.SEND | Comm.GRANT), sel);
                        l4.setMr(0, MsgTag.make(w.below(8), 0, 2));
                        w.virtualSender(l4);
                        l4.ipc(w.peerSelector(), ThreadId.NIL, w.shortTimeouts());
                    }
                    default -> { } // kept: a later send through it, or its revocation, or the task's deletion
                }
            }
            case 12 -> { // serve an endpoint (or a gate, or anything) a few times, answering through the reply capability
                long source = w.chance(30) ? Comm.selector(FuzzWords.OWN) : w.chance(70) ? w.madeSelector() : w.selector();
                for (int i = 0, n = 1 + w.below(6); i < n; i++) {
                    w.buffers(l4);
                    l4.ipc(ThreadId.NIL, source, w.shortTimeouts());
                    if (MsgTag.failed(l4.mr(0))) {
                        break;
                    }
                    reply(l4, w);
                    l4.ipc(caps ? Comm.REPLY : w.selector(), ThreadId.NIL, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
                }
            }
            case 13 -> {
                if (w.chance(70)) {
                    lookForPeers(l4, w);
                } else {
                    l4.commControl(Comm.LOOKUP, w.chance(80) ? w.madeSelector() : w.selector(), w.word(), w.word());
                }
            }
            case 14 -> l4.commControl(Comm.IRQ_ACK, w.below(4), w.chance(70) ? w.madeSelector() : w.selector(), 0);
            default -> { // any operation, any words
                int op = w.chance(80) ? w.below(Comm.ENDPOINT_GATE + 2) : (int) w.word();
                l4.commControl(op, w.chance(50) ? w.selector() : w.word(), w.chance(50) ? w.selector() : w.word(), w.word());
            }
        }
    }

    /**
     * A peer slot this thread holds a capability with the send right in, as a program that
     * knows what it holds would name (it looks, and forgets peers whose slot has emptied); a
     * peer selector that may be empty after a few tries.
     */
    private static long heldPeer(L4 l4, FuzzWords w) {
        for (int i = 0; i < 3; i++) {
            long sel = w.peerSelector();
            if ((l4.commControl(Comm.LOOKUP, sel, 0, 0) & Comm.SEND) != 0) {
                return sel;
            }
            w.forgetPeer(sel);
            if (i == 1) {
                lookForPeers(l4, w);
            }
        }
        return w.peerSelector();
    }

    /** Looks (CommControl LOOKUP) at a few random peer slots and remembers those that hold a capability. */
    private static void lookForPeers(L4 l4, FuzzWords w) {
        for (int i = 0; i < 6; i++) {
            long sel = Comm.selector(FuzzWords.PEERS + w.below(w.plan().threadSlots()));
            if (l4.commControl(Comm.LOOKUP, sel, 0, 0) > 0) {
                w.knowPeer(sel);
            }
        }
    }

    /** A gate label: mostly valid (small, a thread id, any), sometimes one of the four a gate may not carry. */
    private static long label(FuzzWords w) {
        return switch (w.below(10)) {
            case 0 -> switch (w.below(4)) {
                case 0 -> 0;
                case 1 -> -1;
                case 2 -> Comm.REPLY;
                default -> Comm.NOTIFIED;
            };
            case 1, 2, 3 -> 1 + w.below(64);
            case 4, 5 -> w.guessId();
            default -> w.word();
        };
    }

    /** Whether {@code label} may label a gate ({@link Comm#GATE}). */
    static boolean validLabel(long label) {
        return label != 0 && label != -1 && label != Comm.REPLY && label != Comm.NOTIFIED;
    }

    /**
     * After a CommControl that makes something in slot {@code sel} with {@code label}: whether it
     * succeeded ({@code result} 1), in which case the slot is remembered as filled, and reported if
     * the selector or the label was malformed (an accepted invalid call).
     */
    private boolean filled(L4 l4, FuzzWords w, String op, long sel, long label, long result) {
        if (result != 1) {
            return false;
        }
        if (Comm.slot(sel) < 0 || !validLabel(label)) {
            checks.report(FuzzChecks.ACCEPTED_INVALID_CALL, "CommControl(" + op + ", selector 0x" + Long.toHexString(sel)
                    + ", label 0x" + Long.toHexString(label) + ") by " + ThreadId.toString(l4.myGlobalId()) + " succeeded");
        }
        w.made(sel);
        return true;
    }

    private static long stringSource(FuzzWords w) {
        return w.chance(85) ? w.heapPage() + w.below(64) : w.address();
    }

    private static long stringTarget(FuzzWords w) {
        return w.chance(40) ? w.hotPage() : w.chance(85) ? w.heapPage() : w.address();
    }

    /**
     * Puts a map item of {@code fpage} at MR {@code mr}, or in {@code grantPercent} % of cases a
     * grant item, with the send base of a random slot (for an object fpage: where the receiver's
     * window takes it from).
     */
    private static void putMapOrGrant(L4 l4, FuzzWords w, int mr, long fpage, int grantPercent) {
        long sendBase = Comm.selector(w.below(Comm.SLOTS));
        if (w.chance(grantPercent)) {
            Items.putGrant(l4, mr, fpage, sendBase);
        } else {
            Items.putMap(l4, mr, fpage, sendBase);
        }
    }

    /** An answer with a few words and maybe items: maps or grants of heap pages, a string. */
    private static void reply(L4 l4, FuzzWords w) {
        int u = w.below(4);
        for (int i = 1; i <= u; i++) {
            l4.setMr(i, w.word());
        }
        int t = 0;
        if (w.objectNames() && w.chance(30)) { // a capability of its own, mapped or granted to the caller
            putMapOrGrant(l4, w, u + 1, w.objectFpage(), 30);
            l4.setMr(0, MsgTag.make(w.below(8), u, 2));
            return;
        }
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

    /**
     * Sends to one thread as fast as it can, with zero, short or no send timeouts. Under the
     * object-space models mostly to a peer it holds a gate to, never without a send timeout, and
     * now and then a storm of capabilities: a third of the messages carry one, mapped or granted
     * (the very gate it sends through, or any slot it names).
     */
    private static void flood(L4 l4, FuzzWords w, int messages) {
        long target = w.objectNames() ? w.chance(70) ? heldPeer(l4, w) : w.partner() : w.chance(70) ? w.learnedId() : w.guessId();
        w.virtualSender(l4);
        long timeouts = switch (w.below(3)) {
            case 0 -> Timeout.pair(Timeout.ZERO, Timeout.NEVER);
            case 1 -> Timeout.pair(Timeout.relative(1 + w.below(100)), Timeout.NEVER);
            default -> Timeout.pair(w.objectNames() ? Timeout.relative(1 + w.below(1_000)) : Timeout.NEVER, Timeout.NEVER);
        };
        boolean call = w.chance(30);
        boolean caps = w.objectNames() && w.chance(50); // a storm of capabilities: the target's gate itself, or any held
        for (int i = 0; i < messages; i++) {
            l4.setMr(1, i);
            int typed = 0;
            if (caps && w.chance(30)) {
                long fpage = w.chance(50) && Comm.slot(target) > 0
                        ? Comm.objectFpage(Comm.slot(target), 0, w.chance(80) ? Comm.SEND | Comm.GRANT : w.below(8)) : w.objectFpage();
                putMapOrGrant(l4, w, 2, fpage, 20);
                typed = 2;
            }
            l4.setMr(0, MsgTag.make(w.below(4), 1, typed));
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
        switch (w.below(12)) {
            case 8 -> throw new Nasty(l4, 0, "toString throws");
            case 9 -> throw new Nasty(l4, 1, "getMessage throws");
            case 10 -> throw new Nasty(l4, 2, "toString spins");
            case 11 -> throw new Nasty(l4, 3, "toString calls the kernel");
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

    /**
     * An exception that misbehaves when the kernel describes it: its toString or getMessage
     * throws, spins a while (bounded) or makes a system call on the dying thread's L4.
     */
    static final class Nasty extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient L4 l4;
        private final int kind;

        Nasty(L4 l4, int kind, String what) {
            super("fuzz: " + what, null, false, false);
            this.l4 = l4;
            this.kind = kind;
        }

        @Override
        public String getMessage() {
            if (kind == 1) {
                throw new IllegalStateException("fuzz: getMessage throws");
            }
            return super.getMessage();
        }

        @Override
        public String toString() {
            switch (kind) {
                case 0 -> throw new UnsupportedOperationException("fuzz: toString throws");
                case 2 -> {
                    long x = 1;
                    for (int i = 0; i < 200_000; i++) {
                        x = x * 6364136223846793005L + 1442695040888963407L;
                    }
                    return "fuzz: spun " + (x & 0xFF);
                }
                case 3 -> {
                    return "fuzz: the clock says " + l4.systemClock();
                }
                default -> {
                    return getClass().getName() + ": " + getMessage();
                }
            }
        }
    }

    /** Ends the thread in the middle of something: its program returns, or throws. */
    private static void end(L4 l4, FuzzWords w, String who) throws Exception {
        switch (w.below(3)) {
            case 0 -> { }
            case 1 -> throw new IllegalStateException("fuzz: a " + who + " throws in the middle of its work");
            default -> {
                if (w.chance(50)) {
                    l4.setExceptionHandler(w.learnedId());
                }
                throw new Exception("fuzz: a " + who + " dies in the middle of its work");
            }
        }
    }

    // ---- siblings, mixed items, kernel debugger, deliver bit, reply pairs -------------------

    private void register(L4 l4) {
        for (int i = 0; i < Math.min(siblingCount, siblings.length); i++) {
            if (siblings[i] == l4) {
                return;
            }
        }
        siblingLocal[siblingCount % siblings.length] = l4.myLocalId();
        siblings[siblingCount++ % siblings.length] = l4;
    }

    /** Another thread's L4 object of this space, or null. */
    private L4 sibling(FuzzWords w, L4 self) {
        int n = Math.min(siblingCount, siblings.length);
        if (n == 0) {
            return null;
        }
        L4 s = siblings[w.below(n)];
        return s == self ? null : s;
    }

    /**
     * Rewrites a sibling's UTCB through its L4 object: its tag (often to 63 untyped words and a
     * typed item, after the kernel checked it if the sibling is blocked sending), a message or
     * buffer register, its user handle, its exception handler. Once the kernel stops this (a call
     * on another thread's L4 throws), the meddler dies of it.
     */
    private void meddle(L4 l4, FuzzWords w) {
        L4 s = sibling(w, l4);
        if (s == null) {
            return;
        }
        if (w.chance(60) && l4.exchangeRegisters(s.myGlobalId(), ExRegs.DELIVER, 0, 0, 0, 0, ThreadId.NIL) != ThreadId.NIL
                && (l4.ret(ExRegs.OUT_CONTROL) & ExRegs.WAS_SENDING) != 0) {
            s.setMr(0, MsgTag.make(w.below(16), 63, 2)); // the kernel checked the sibling's tag when it blocked
            return;
        }
        switch (w.below(7)) {
            case 0, 1 -> s.setMr(0, MsgTag.make(w.below(16), 63 - w.below(2), 2));
            case 2 -> s.setMr(0, w.tag());
            case 3 -> s.setMr(1 + w.below(63), w.chance(50) ? Items.stringWord(w.below(64 * 1024)) : w.word());
            case 4 -> s.setBr(w.below(33), w.chance(50) ? w.acceptor() : w.word());
            case 5 -> s.setUserHandle(w.word());
            default -> s.setExceptionHandler(w.threadId());
        }
    }

    /**
     * Messages whose string items meet their own map and grant items: a grant of page P then a
     * string from P; a read-only map of P (landing over the receiver's string buffer, a hot page)
     * then a string into it; a string from a device page (the UART, from sigma0).
     */
    private static void itemMix(L4 l4, FuzzWords w) {
        long p = w.hotPage();
        l4.memory().store64(p, w.word());
        int n;
        switch (w.below(4)) {
            case 0 -> {
                Items.putGrant(l4, 1, Fpage.of(p, 12, w.chance(80) ? Fpage.RWX : w.below(8)), p);
                Items.putString(l4, 3, p + w.below(64), 1 + w.below(4000));
                n = 2;
            }
            case 1 -> {
                Items.putMap(l4, 1, Fpage.of(p, 12, w.chance(70) ? Fpage.R : w.below(8)), p);
                Items.putString(l4, 3, w.hotPage() + w.below(64), 1 + w.below(4000));
                n = 2;
            }
            case 2 -> {
                Kip.MemoryDescriptor uart = l4.kernelInterface().device("uart");
                if (uart == null || !Sigma0.requestPage(l4, Fpage.of(uart.base(), 12, Fpage.R | Fpage.W),
                        Fpage.of(DEVICE_VA, 12, 0))) {
                    return;
                }
                Items.putString(l4, 1, DEVICE_VA + w.below(64), 1 + w.below(256));
                n = 1;
            }
            default -> {
                Items.putString(l4, 1, w.hotPage() + w.below(64), 1 + w.below(4000));
                Items.putGrant(l4, 3, Fpage.of(p, 12, Fpage.RWX), p);
                Items.putString(l4, 5, p, 1 + w.below(64));
                n = 3;
            }
        }
        long buffer = w.hotPage();
        l4.memory().store64(buffer, 0);
        l4.setBr(0, Items.acceptor(Fpage.of(FuzzWords.HEAP, 18, 0), true));
        for (int k = 0; k < 3; k++) {
            l4.setBr(1 + 2 * k, Items.stringWord(8192) | (k < 2 ? Items.MORE : 0));
            l4.setBr(2 + 2 * k, k == 0 ? buffer : w.hotPage());
        }
        l4.setMr(0, MsgTag.make(w.below(16), 0, 2 * n));
        long to = w.objectNames() ? w.partner() : w.chance(70) ? w.learnedId() : w.threadId();
        long from = w.chance(50) ? to : w.chance(50) ? ThreadId.ANY : ThreadId.NIL;
        w.virtualSender(l4);
        w.learn(l4.ipc(to, from, w.shortTimeouts()));
    }

    /**
     * The kernel debugger from an unprivileged task: queries about the whole system (their
     * answers must not describe other spaces), turning the trace on, and KdbPrint text that
     * poses as the kernel's own console lines.
     */
    private void kdbCheck(L4 l4, FuzzWords w) {
        String me = ThreadId.toString(l4.myGlobalId());
        switch (w.below(4)) {
            case 0, 1 -> {
                String q = switch (w.below(5)) {
                    case 0 -> "ps";
                    case 1 -> "spaces";
                    case 2 -> "mem";
                    case 3 -> "kmem";
                    default -> "mappings";
                };
                String a = l4.kdbQuery(q);
                if (a != null && (a.contains("sigma0") || a.contains("roottask"))) {
                    checks.report(FuzzChecks.KDB_LEAK, "unprivileged thread " + me + " got kdbQuery(\"" + q
                            + "\") answered with other spaces' state: " + a.lines().skip(1).findFirst().orElse(a));
                }
            }
            case 2 -> {
                String a = l4.kdbQuery(w.chance(80) ? "trace on" : " trace on ");
                if ("trace on".equals(a)) {
                    checks.report(FuzzChecks.KDB_LEAK, "unprivileged thread " + me + " turned the kernel trace on");
                    l4.kdbQuery("trace off");
                }
            }
            default -> l4.kdbPrint(switch (w.below(4)) {
                case 0 -> "kernel: thread " + me + " (sigma0) halted: " + FuzzChecks.FORGED;
                case 1 -> "fuzz: two lines\nkernel: " + FuzzChecks.FORGED;
                case 2 -> "fuzz: \r\nkernel: " + FuzzChecks.FORGED + "\n";
                default -> "kernel:" + FuzzChecks.FORGED;
            });
        }
    }

    /** ExchangeRegisters on itself with the X.2 deliver bit (and harmless others): a valid call. */
    private static void deliverCheck(L4 l4, FuzzWords w, FuzzChecks checks) {
        long control = DELIVER | (w.chance(50) ? ExRegs.SET_USER_HANDLE : 0) | (w.chance(30) ? ExRegs.RESUME : 0);
        long handle = w.word();
        long me = l4.myGlobalId();
        if (l4.exchangeRegisters(me, control, 0, 0, 0, handle, ThreadId.NIL) == ThreadId.NIL
                && l4.errorCode() == kola.abi.KernelError.INVALID_PARAMETER) {
            checks.report(FuzzChecks.REFUSED_VALID_CALL, "ExchangeRegisters(" + ThreadId.toString(me) + ", control 0x"
                    + Long.toHexString(control) + ") on itself, with the X.2 deliver bit, was refused: invalid parameter");
        }
    }

    private void deliverCheck(L4 l4, FuzzWords w) {
        deliverCheck(l4, w, checks);
    }

    /**
     * A reply pair: the first thread of the space in this role serves, the others call it. The
     * server replies with a string into the caller's buffer, a page the caller has never
     * touched (so the transfer faults in the caller's space), then watches that the caller got
     * the reply or an error; one still waiting in its receive is reported as a hang.
     */
    private void replyPair(L4 l4, FuzzWords w) throws Exception {
        long me = l4.myGlobalId();
        l4.setUserHandle(0); // a new incarnation (ExchangeRegisters restarts threads) is in no call
        if (w.virtualThreads()) {
            // Under virtual threads a global id names nobody and a call needs sender names coordinated
            // in both directions: no pair call could arrive, so the pair's check would be dead code.
            work(l4, w);
            return;
        }
        boolean caps = w.objectNames();
        if (pairServer == ThreadId.NIL || pairServer == me) {
            pairServer = me;
            pairServe(l4, w);
        }
        long server = pairServer;
        long sigma0 = l4.kernelInterface().sigma0();
        while (true) {
            if (l4.pager() != sigma0 || w.oneIn(50)) {
                work(l4, w, 1 + w.below(20)); // a client whose pager is not sigma0 may wait for a slow one: not checked
                continue;
            }
            long buffer = PAIR_BUFFERS + ((long) w.below(PAIR_BUFFER_PAGES) << 12);
            long token = ++pairTokens;
            l4.setBr(0, Items.acceptor(Fpage.NIL, true));
            l4.setBr(1, Items.stringWord(8192));
            l4.setBr(2, buffer + w.below(64));
            // The server receives its space's callers under their local ids; under capabilities
            // under the label of the gate they call it through: their global ids. (The gate is
            // made first: making it unmaps through MR0.)
            long key = caps ? me : l4.myLocalId();
            long to = caps ? pairGate(l4, server) : server;
            l4.setMr(1, token);
            l4.setMr(0, MsgTag.make(PAIR_LABEL, 1, 0));
            pairCalls.put(key, token);
            l4.setUserHandle(token); // names this incarnation's call for the server's check
            l4.ipc(to, to, Timeout.pair(Timeout.relative(1 + w.below(2000)), Timeout.NEVER));
            l4.setUserHandle(0);
            pairCalls.remove(key);
            if (MsgTag.failed(l4.mr(0)) && l4.errorCode() == kola.abi.IpcError.code(kola.abi.IpcError.NO_PARTNER, false)) {
                pairServer = me; // the server is gone: this client serves from now on
                pairServe(l4, w);
            }
            server = pairServer;
            sleep(l4, w, 1 + w.below(500));
        }
    }

    /**
     * Whether sigma0's answer to a client's page fault always arrives, so that a client still
     * waiting 2 ms after the reply (in its receive, or in the fault on its buffer page, which
     * ExchangeRegisters does not tell apart) is a hang: under global ids, and under capabilities
     * (the answer goes through the reply capability). Under clans, redirection, redirectors and
     * pclans the root task's random chiefs, policies and redirectors may refuse or redirect the
     * answer, an ordinary message from sigma0's space (only the fault itself, a kernel-made IPC,
     * goes by global id under every model): the client then waits in its fault by the policy.
     */
    private static boolean sigma0AlwaysAnswers(L4 l4) {
        int model = l4.kernelInterface().commModel();
        return model == Comm.MODEL_GLOBAL_IDS || model == Comm.MODEL_CAPABILITIES;
    }

    /**
     * Capabilities: a gate to the pair's server labelled with the caller's global id, made afresh
     * (the slot emptied first) in the caller's slot for pair calls; its selector. If it cannot be
     * made the call through it finds no partner, and the caller takes over as the server.
     */
    private static long pairGate(L4 l4, long server) {
        int slot = PAIR_GATES + (int) (ThreadId.number(l4.myGlobalId()) % PAIR_GATE_SLOTS);
        l4.setMr(0, Comm.objectFpage(slot, 0, Fpage.RWX));
        l4.unmap(0x40);
        l4.commControl(Comm.GATE, Comm.selector(slot), server, l4.myGlobalId());
        return Comm.selector(slot);
    }

    /** Capabilities: the slots reply-pair callers make their gates to the server in. */
    private static final int PAIR_GATES = 128;
    private static final int PAIR_GATE_SLOTS = 64;

    private void pairServe(L4 l4, FuzzWords w) {
        long me = l4.myGlobalId();
        while (true) {
            long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.relative(20_000)));
            long tag = l4.mr(0);
            if (MsgTag.failed(tag)) {
                continue;
            }
            Long calling = pairCalls.get(from);
            if (MsgTag.label(tag) != PAIR_LABEL || MsgTag.untyped(tag) != 1 || calling == null || calling != l4.mr(1)) {
                if (w.chance(50)) {
                    reply(l4, w);
                    l4.ipc(w.objectNames() ? Comm.REPLY : from, ThreadId.NIL, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
                }
                continue;
            }
            long token = l4.mr(1);
            long source = PAIR_SOURCES + ((long) w.below(1 << 12) << 12);
            l4.memory().store64(source, token); // the server's own page is there: only the client's buffer faults
            long ip = -1;
            if (l4.exchangeRegisters(from, ExRegs.DELIVER, 0, 0, 0, 0, ThreadId.NIL) != ThreadId.NIL) {
                ip = l4.ret(ExRegs.OUT_IP);
            }
            int length = 1 + w.below(6000);
            Items.putString(l4, 1, source, length);
            l4.setMr(0, MsgTag.make(PAIR_LABEL, 0, 2));
            l4.ipc(w.objectNames() ? Comm.REPLY : from, ThreadId.NIL, Timeout.pair(w.chance(80) ? Timeout.ZERO : Timeout.relative(1 + w.below(100)),
                    Timeout.NEVER));
            long sent = l4.mr(0);
            long error = MsgTag.failed(sent) ? l4.errorCode() : 0;
            for (int i = 0; i < 8 && token == pairCalls.getOrDefault(from, -1L); i++) {
                sleep(l4, w, 250);
            }
            if (token != pairCalls.getOrDefault(from, -1L)
                    || l4.exchangeRegisters(from, ExRegs.DELIVER, 0, 0, 0, 0, ThreadId.NIL) == ThreadId.NIL) {
                continue;
            }
            long control = l4.ret(ExRegs.OUT_CONTROL);
            if (control == ExRegs.WAS_RECEIVING && l4.ret(ExRegs.OUT_IP) == ip && l4.ret(ExRegs.OUT_USER_HANDLE) == token
                    && l4.ret(ExRegs.OUT_PAGER) == l4.kernelInterface().sigma0() && sigma0AlwaysAnswers(l4)) {
                checks.report(FuzzChecks.HANG, "thread " + ThreadId.toString(from) + " still waits, 2 ms later, for the reply "
                        + ThreadId.toString(me) + " sent it (a string into a buffer page it had not touched; the reply "
                        + (error == 0 ? "succeeded" : "failed: " + kola.abi.IpcError.describe(error)) + ")");
                pairCalls.remove(from);
            }
        }
    }
}
