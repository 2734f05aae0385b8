package kola.system.fuzz;

import java.util.SplittableRandom;
import kola.abi.Comm;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.Program;
import kola.abi.Schedule;
import kola.abi.ThreadId;
import kola.abi.Timeout;

/**
 * The root task of a fuzzed system (issue #6). Its first thread, the supervisor, builds a world of
 * many tasks (fuzz workers, servers, pagers of its own and Kola's system pager, hogs, flooders,
 * spinners, throwers; some threads sharing a space) and keeps it alive: every tick it restarts
 * halted threads, cancels blocked IPC, deletes threads and whole tasks (pagers included, so that
 * their clients lose their pager) and creates new ones with random pagers and priorities. The
 * other threads of the root task's space are privileged fuzzers: they issue ThreadControl,
 * SpaceControl, ExchangeRegisters and Schedule with random arguments, delete and create threads,
 * and make random IPC like any worker.
 *
 * <p>The supervisor never blocks without a timeout, so the system always has something to do and
 * the fuzz runs for as many kernel entries as it is given. All threads of the space share this
 * program instance and its table of the fuzz threads (they run one at a time, deterministically);
 * the table may be wrong, which is fine: the kernel is the judge, and a call on a stale id only
 * gets an error code.
 */
public final class FuzzRoot implements Program {
    /** Entry of the supervisor (the boot thread). */
    public static final int SUPERVISOR = 0;
    /** Entry of a privileged fuzzer. */
    public static final int PRIVILEGED = 1;
    private static final long NO_UTCB = -1;
    private static final long UTCB_BASE = Fpage.base(Kip.STANDARD_UTCB_AREA);
    /** Role of a slot whose thread runs a module other than the fuzz module: minus one minus the module. */
    private static final int OTHER = -1;

    private final FuzzPlan plan;
    private final SplittableRandom seeds;
    private final FuzzChecks checks;

    // The table of fuzz threads, by slot (thread number - threadBase). ids[s] == 0: free.
    private long[] ids;
    private int[] generation;
    private int[] module;
    private int[] role;
    private long[] pagerOf;
    private int[] bornTick;
    private int tick;
    private boolean timerMapped;
    /** The timer's interrupt line (the machine's TIMER_IRQ) and where the root task maps its registers. */
    private static final int TIMER_LINE = 1;
    private static final long TIMER_VA = 0x6000_0000L;
    /** The processor's rate at boot, and its highest (kHz; {@link kola.abi.MemoryControl}). */
    private static final long BASE_KHZ = 1_000_000;
    /** The rate the privileged fuzzers last set (kHz): what they pass as "the current one". */
    private long rate = BASE_KHZ;
    private Kip kip;
    private int fuzzModule;
    private int pagerModule;
    private int pingModule;
    private int fragileModule;
    /** The kernel's communication model ({@link Kip#commModel()}: {@code Comm.MODEL_*}). */
    private int model;
    /** Object-space models: whether a deleted task's gates are revoked at once (its own source, so that other draws stay put). */
    private SplittableRandom revocations;
    /** Object-space models: the peer slots {@link #giveGates} filled in the task it set up last (bit i: slot PEERS + i). */
    private long startPeers;

    /**
     * Object-space models: the root task's slots for fuzz slot s are ROOT_GATES + 4s .. + 3: its
     * gate to itself and to sigma0 for the task (mapped into the task's slots 1 and 2), its gate to
     * the task's first thread (or to an endpoint the task serves), mapped to peers, and the endpoint.
     */
    private static final int ROOT_GATES = 256;
    /** Virtual threads: the root task's gate to its own supervisor, to sleep on (a closed receive from a slot that refers to a thread). */
    private static final int SELF_GATE = 5;

    /** A root task for {@code plan}; its threads' random sources derive from {@code seed}. */
    public FuzzRoot(FuzzPlan plan, long seed) {
        this(plan, seed, FuzzChecks.IGNORED);
    }

    /** A root task for {@code plan} whose privileged fuzzers report failed checks to {@code checks}. */
    public FuzzRoot(FuzzPlan plan, long seed, FuzzChecks checks) {
        this.plan = plan;
        this.seeds = new SplittableRandom(seed);
        this.checks = checks;
    }

    @Override
    public void run(L4 l4) throws Exception {
        FuzzWords w = new FuzzWords(seeds.split(), plan, l4);
        if (ids == null) {
            init(l4);
        }
        long entry = l4.startIp() & 0xFFFF_FFFFL;
        if (entry == SUPERVISOR && l4.myGlobalId() == kip.rootTask() && tick == 0 && l4.userHandle() == 0) {
            l4.setUserHandle(1);
            boot(l4, w);
            supervise(l4, w);
        } else {
            fuzzPrivileged(l4, w);
        }
    }

    private void init(L4 l4) {
        kip = l4.kernelInterface();
        int n = plan.threadSlots();
        ids = new long[n];
        generation = new int[n];
        module = new int[n];
        role = new int[n];
        pagerOf = new long[n];
        bornTick = new int[n];
        fuzzModule = moduleIndex("fuzz");
        pagerModule = moduleIndex("pager");
        pingModule = moduleIndex("ping");
        fragileModule = moduleIndex(FuzzImage.FRAGILE);
        model = kip.commModel();
        revocations = new SplittableRandom(plan.seed() ^ 0x7265766F6B65L);
    }

    private boolean objectNames() {
        return model == Comm.MODEL_CAPABILITIES || model == Comm.MODEL_VIRTUAL_THREADS;
    }

    /** Sleeps about {@code micros} µs in a closed receive from a partner that never sends, under the running model. */
    private void sleep(L4 l4, long micros) {
        long from = switch (model) {
            case Comm.MODEL_CAPABILITIES -> Comm.REPLY;
            case Comm.MODEL_VIRTUAL_THREADS -> {
                if (l4.commControl(Comm.LOOKUP, Comm.selector(SELF_GATE), 0, 0) == 0) {
                    l4.commControl(Comm.GATE, Comm.selector(SELF_GATE), l4.myGlobalId(), l4.myGlobalId());
                }
                yield Comm.selector(SELF_GATE);
            }
            default -> l4.myGlobalId();
        };
        l4.ipc(ThreadId.NIL, from, Timeout.pair(Timeout.NEVER, Timeout.relative(micros)));
    }

    private int moduleIndex(String name) {
        Kip.BootModule m = kip.module(name);
        return m == null ? -1 : m.index();
    }

    // ---- the supervisor -------------------------------------------------------------------

    private void boot(L4 l4, FuzzWords w) {
        int pagers = 1 + w.below(2);
        for (int i = 0; i < pagers; i++) {
            createTask(l4, w, fuzzModule, FuzzTask.PAGER, kip.sigma0(), 150 + w.below(80));
        }
        if (pagerModule >= 0) {
            createTask(l4, w, pagerModule, 0, kip.sigma0(), 150 + w.below(80));
        }
        for (int i = pagers + 1; i < plan.tasks(); i++) {
            int slot = createTask(l4, w, fuzzModule, randomRole(w), choosePager(w), 20 + w.below(180));
            int extra = slot < 0 ? 0 : w.below(plan.threadsPerTask());
            for (int k = 0; k < extra; k++) {
                createThreadIn(l4, w, slot, -1);
            }
        }
        for (int i = 0; i < plan.privileged(); i++) {
            createPrivileged(l4, w);
        }
    }

    /** Creates a privileged fuzzer: a thread in the root task's own space. */
    private void createPrivileged(L4 l4, FuzzWords w) {
        int slot = freeSlot(w);
        if (slot < 0) {
            return;
        }
        long id = nextId(slot);
        long utcb = UTCB_BASE + ((long) (1 + w.below(63)) << 10);
        if (l4.threadControl(id, l4.myGlobalId(), l4.myGlobalId(), kip.sigma0(), utcb) == 0) {
            cleanUp(l4, slot);
            return;
        }
        record(slot, id, 1, PRIVILEGED, kip.sigma0());
        if (!start(l4, id, 1, PRIVILEGED, 80 + w.below(100))) {
            deleteSlot(l4, slot);
        }
    }

    private int countModule(int m) {
        int count = 0;
        for (int s = 0; s < ids.length; s++) {
            count += ids[s] != 0 && module[s] == m ? 1 : 0;
        }
        return count;
    }

    private void supervise(L4 l4, FuzzWords w) {
        while (true) {
            long sleep = plan.tickMicros() / 2 + w.below((int) plan.tickMicros());
            sleep(l4, sleep);
            tick++;
            care(l4, w);
        }
    }

    /** One round of care: census and restarts, population, churn, kicks, pager deaths. */
    private void care(L4 l4, FuzzWords w) {
        int n = plan.threadSlots();
        for (int i = 0; i < 4; i++) {
            census(l4, w, w.below(n));
        }
        int live = 0;
        for (long id : ids) {
            live += id != 0 ? 1 : 0;
        }
        for (int i = 0; i < 3 && live < plan.population(); i++, live++) {
            int any = liveSlot(w);
            if (any >= 0 && module[any] >= 0 && w.chance(50) && module[any] != 1) {
                createThreadIn(l4, w, any, -1);
            } else {
                int m = w.chance(85) || pagerModule < 0 ? fuzzModule : w.chance(50) ? pagerModule
                        : pingModule >= 0 && w.chance(70) ? pingModule : w.below(2);
                int r = m == fuzzModule ? randomRole(w) : 0;
                createTask(l4, w, m, r, choosePager(w), 20 + w.below(200));
            }
        }
        if (objectNames()) {
            exchangeGates(l4, w);
        }
        if (w.chance(3)) {
            // A reply pair: a task whose threads call each other (paged by sigma0, so that the server can tell a hang).
            int slot = createTask(l4, w, fuzzModule, FuzzTask.REPLY_PAIR, kip.sigma0(), 20 + w.below(200));
            for (int k = 0, more = 1 + w.below(2); slot >= 0 && k < more; k++) {
                createThreadIn(l4, w, slot, FuzzTask.REPLY_PAIR);
            }
        }
        if (fragileModule >= 0 && w.oneIn(400)) {
            createTask(l4, w, fragileModule, 0, kip.sigma0(), 20 + w.below(200)); // its second instance throws
        }
        if (w.chance(15)) {
            deleteSlot(l4, liveSlot(w));
        }
        if (w.chance(10) && countModule(1) < plan.privileged()) {
            createPrivileged(l4, w);
        }
        if (w.chance(3)) {
            deleteSlot(l4, pagerSlot(w)); // a pager dies: its clients' faults are cancelled, they halt
        }
        for (int s = 0; s < n; s++) {
            if (ids[s] != 0 && role[s] == FuzzTask.HOG && module[s] == fuzzModule && tick - bornTick[s] > 40) {
                deleteSlot(l4, s); // give the hog's kernel memory back
            }
        }
        int kicks = w.below(3);
        for (int i = 0; i < kicks; i++) {
            int s = liveSlot(w);
            if (s >= 0) {
                long control = w.chance(80) ? ExRegs.ABORT_IPC : ExRegs.ABORT_IPC | ExRegs.RESUME;
                l4.exchangeRegisters(ids[s], control, 0, 0, 0, 0, ThreadId.NIL);
            }
        }
        if (w.chance(5)) {
            int s = liveSlot(w);
            if (s >= 0) {
                l4.schedule(ids[s], w.chance(50) ? Schedule.UNCHANGED : Schedule.timeslice(100 + w.below(20_000)),
                        Schedule.UNCHANGED, 1 + w.below(250), Schedule.UNCHANGED);
            }
        }
    }

    /** Looks at one slot: forgets a thread that is gone, restarts (or deletes) one that halted. */
    private void census(L4 l4, FuzzWords w, int s) {
        long id = ids[s];
        if (id == 0) {
            return;
        }
        if (l4.exchangeRegisters(id, ExRegs.DELIVER, 0, 0, 0, 0, ThreadId.NIL) == ThreadId.NIL) {
            ids[s] = 0;
            return;
        }
        if ((l4.ret(ExRegs.OUT_CONTROL) & ExRegs.WAS_HALTED) == 0) {
            return;
        }
        if (module[s] < 0 || w.chance(20)) {
            deleteSlot(l4, s);
            return;
        }
        int entry = module[s] == fuzzModule ? (w.chance(70) ? role[s] : randomRole(w))
                : module[s] == 1 ? PRIVILEGED : 0;
        long ip = kip.bootModules().get(module[s]).entry(entry);
        if (l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME | ExRegs.ABORT_IPC, 0, ip, 0, 0, ThreadId.NIL)
                == ThreadId.NIL) {
            deleteSlot(l4, s);
        } else {
            role[s] = module[s] == fuzzModule ? entry : OTHER;
        }
    }

    /** A random role for a fuzz-module thread: mostly workers and servers. */
    private static int randomRole(FuzzWords w) {
        int x = w.below(100);
        if (x < 45) {
            return FuzzTask.WORKER;
        } else if (x < 65) {
            return FuzzTask.SERVER;
        } else if (x < 72) {
            return FuzzTask.PAGER;
        } else if (x < 77) {
            return FuzzTask.HOG;
        } else if (x < 84) {
            return FuzzTask.FLOODER;
        } else if (x < 90) {
            return FuzzTask.SPINNER;
        } else if (x < 96) {
            return FuzzTask.THROWER;
        }
        return FuzzTask.ROLES + w.below(3); // an entry the program does not know: a worker
    }

    /** A pager for a new thread: a fuzz pager, sigma0, Kola's pager, anyone, nobody, garbage. */
    private long choosePager(FuzzWords w) {
        int x = w.below(100);
        if (x < 55) {
            int p = pagerSlot(w);
            if (p >= 0) {
                return ids[p];
            }
        }
        if (x < 75) {
            return kip.sigma0();
        }
        if (x < 90) {
            int s = liveSlot(w);
            return s >= 0 ? ids[s] : kip.sigma0();
        }
        if (x < 95) {
            return ThreadId.NIL;
        }
        return w.threadId();
    }

    // ---- creating and deleting ------------------------------------------------------------

    /** Creates a task (a new space) whose first thread runs entry {@code entry} of module {@code m}. Returns its slot, or -1. */
    private int createTask(L4 l4, FuzzWords w, int m, int entry, long pager, int priority) {
        int slot = freeSlot(w);
        if (slot < 0 || m < 0) {
            return -1;
        }
        long id = nextId(slot);
        long me = l4.myGlobalId();
        if (l4.threadControl(id, id, me, ThreadId.NIL, NO_UTCB) == 0) {
            cleanUp(l4, slot);
            return -1;
        }
        record(slot, id, m, entry, pager);
        long kipArea = Kip.STANDARD_KIP_AREA;
        long utcbArea = Kip.STANDARD_UTCB_AREA;
        long utcb = UTCB_BASE;
        if (w.chance(20)) { // another valid layout: a smaller UTCB area somewhere else
            utcbArea = Fpage.of(0x7000_0000L + ((long) w.below(16) << 20), 12 + w.below(9), 0);
            utcb = Fpage.base(utcbArea) + ((long) w.below((int) (Fpage.size(utcbArea) >>> 10)) << 10);
        }
        long redirector = model == Comm.MODEL_REDIRECTORS ? chooseRedirector(w) : ThreadId.NIL;
        if (l4.spaceControl(id, 0, kipArea, utcbArea, redirector) == 0) {
            deleteSlot(l4, slot);
            return -1;
        }
        configureSpace(l4, w, id);
        if (l4.threadControl(id, id, ThreadId.NIL, pager == ThreadId.NIL ? ThreadId.NIL : pager, utcb) == 0) {
            deleteSlot(l4, slot);
            return -1;
        }
        if (objectNames()) {
            giveGates(l4, w, slot, id, m == fuzzModule && entry == FuzzTask.SERVER);
        }
        if (!start(l4, id, m, entry, priority)) {
            deleteSlot(l4, slot);
            return -1;
        }
        return slot;
    }

    /** Creates a thread in the space of slot {@code of}'s thread, with a random UTCB slot, in role {@code forced} if not negative. */
    private void createThreadIn(L4 l4, FuzzWords w, int of, int forced) {
        int slot = freeSlot(w);
        if (slot < 0 || ids[of] == 0) {
            return;
        }
        long id = nextId(slot);
        long pager = forced >= 0 || w.chance(60) ? pagerOf[of] : choosePager(w);
        if (forced < 0 && w.chance(10)) {
            // X.2: the pager word may be a local id, naming a thread of the new thread's own space
            // (here the space's first thread, whatever its role: a pager, a server, or no pager at all).
            long local = l4.exchangeRegisters(ids[of], 0, 0, 0, 0, 0, ThreadId.NIL);
            pager = local != ThreadId.NIL && ThreadId.isLocal(local) ? local : pager;
        }
        long utcb = UTCB_BASE + ((long) w.below(12) << 10);
        if (l4.threadControl(id, ids[of], l4.myGlobalId(), pager, utcb) == 0) {
            cleanUp(l4, slot);
            return;
        }
        int entry = module[of] == fuzzModule ? (forced >= 0 ? forced : randomRole(w)) : module[of] == 1 ? PRIVILEGED : 0;
        record(slot, id, module[of], entry, pager);
        if (!start(l4, id, module[of], entry, 20 + w.below(200))) {
            deleteSlot(l4, slot);
        }
    }

    private boolean start(L4 l4, long id, int m, int entry, int priority) {
        l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, priority, Schedule.UNCHANGED);
        long ip = kip.bootModules().get(m).entry(entry);
        if (objectNames()) { // the peer slots filled for a task's first thread (giveGates), as its user handle
            long peers = startPeers;
            startPeers = 0;
            return l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME | ExRegs.SET_USER_HANDLE, 0, ip, 0, peers,
                    ThreadId.NIL) != ThreadId.NIL;
        }
        return l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, ip, 0, 0, ThreadId.NIL) != ThreadId.NIL;
    }

    private void record(int slot, long id, int m, int entry, long pager) {
        ids[slot] = id;
        module[slot] = m;
        role[slot] = m == fuzzModule ? entry : OTHER;
        pagerOf[slot] = pager;
        bornTick[slot] = tick;
    }

    /** Deletes the thread of a slot (if any), whatever the table believes. */
    private void deleteSlot(L4 l4, int s) {
        if (s < 0 || ids[s] == 0) {
            return;
        }
        l4.threadControl(ids[s], ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, NO_UTCB);
        ids[s] = 0;
        if (objectNames() && revocations.nextBoolean()) {
            flush(l4, ROOT_GATES + 4 * s, 2); // revoke its gates now (else when the slot is used again): peers lose them
        }
    }

    /** The slot's number is taken by a thread the table does not know (made by a privileged fuzzer): delete it. */
    private void cleanUp(L4 l4, int slot) {
        for (int v = 1; v <= FuzzPlan.VERSIONS; v++) {
            long other = ThreadId.global(plan.threadBase() + slot, v);
            if (other != l4.myGlobalId()) {
                l4.threadControl(other, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, NO_UTCB);
            }
        }
    }

    private long nextId(int slot) {
        generation[slot]++;
        return ThreadId.global(plan.threadBase() + slot, 1 + generation[slot] % FuzzPlan.VERSIONS);
    }

    private int freeSlot(FuzzWords w) {
        int n = plan.threadSlots();
        int start = w.below(n);
        for (int i = 0; i < n; i++) {
            int s = (start + i) % n;
            if (ids[s] == 0) {
                return s;
            }
        }
        return -1;
    }

    private int liveSlot(FuzzWords w) {
        int n = plan.threadSlots();
        int start = w.below(n);
        for (int i = 0; i < n; i++) {
            int s = (start + i) % n;
            if (ids[s] != 0) {
                return s;
            }
        }
        return -1;
    }

    private int pagerSlot(FuzzWords w) {
        int n = plan.threadSlots();
        int start = w.below(n);
        for (int i = 0; i < n; i++) {
            int s = (start + i) % n;
            if (ids[s] != 0 && (module[s] == fuzzModule && role[s] == FuzzTask.PAGER || module[s] == pagerModule)) {
                return s;
            }
        }
        return -1;
    }

    /** The slot of a thread id in the fuzz range whose table entry is exactly that id, or -1. */
    private int slotOf(long id) {
        long s = ThreadId.number(id) - plan.threadBase();
        return s >= 0 && s < ids.length && ids[(int) s] == id ? (int) s : -1;
    }

    // ---- communication control ------------------------------------------------------------

    /**
     * Sets up a new space, before its first thread is activated, for the running model, with
     * random but (mostly) valid arguments: clans its chief (the root task, a live fuzz thread,
     * garbage; none for four spaces in ten, whose IPC with each other stays direct); redirection policies between it and
     * a few live spaces, both ways (allow, deny, an intermediary); pclans its pclan (0..3) and
     * policies between pclans. The kernel is the judge: a refusal only leaves the space as it was.
     */
    private void configureSpace(L4 l4, FuzzWords w, long id) {
        switch (model) {
            case Comm.MODEL_CLANS -> {
                if (w.chance(60)) {
                    long chief = w.chance(50) ? l4.myGlobalId() : w.chance(80) ? liveId(w) : w.threadId();
                    l4.commControl(Comm.CHIEF, id, chief, 0);
                }
            }
            case Comm.MODEL_REDIRECTION -> {
                for (int i = 0, n = w.below(4); i < n; i++) {
                    long other = liveId(w);
                    boolean out = w.chance(50);
                    l4.commControl(Comm.POLICY, out ? id : other, out ? other : id, policyAction(l4, w));
                }
            }
            case Comm.MODEL_PCLANS -> {
                l4.commControl(Comm.PCLAN, id, w.chance(70) ? w.below(4) : w.below(Comm.PCLANS + 2) - 1, 0);
                if (w.chance(50)) {
                    int a = w.below(4);
                    int b = w.below(4);
                    l4.commControl(Comm.PCLAN_POLICY, a, b, w.chance(30) ? Comm.DENY : w.chance(80) ? liveId(w) : l4.myGlobalId());
                }
            }
            default -> { }
        }
    }

    /** A policy action: allow (mostly), deny, an intermediary (a live fuzz thread, the root task), garbage. */
    private long policyAction(L4 l4, FuzzWords w) {
        int x = w.below(10);
        return x < 5 ? Comm.ALLOW : x < 7 ? Comm.DENY : x < 9 ? liveId(w) : x < 10 && w.chance(50) ? l4.myGlobalId() : w.threadId();
    }

    /** Redirectors: a new space's redirector: none (mostly), a live fuzz thread, garbage. */
    private long chooseRedirector(FuzzWords w) {
        return w.chance(60) ? ThreadId.NIL : w.chance(80) ? liveId(w) : w.threadId();
    }

    /** The slot of a live fuzz server (the table's belief), else of any live thread, or -1. */
    private int serverSlot(FuzzWords w) {
        int n = plan.threadSlots();
        int start = w.below(n);
        for (int i = 0; i < n; i++) {
            int s = (start + i) % n;
            if (ids[s] != 0 && module[s] == fuzzModule && role[s] == FuzzTask.SERVER) {
                return s;
            }
        }
        return liveSlot(w);
    }

    /** The id of a live fuzz thread (the table's belief), or a guess. */
    private long liveId(FuzzWords w) {
        int s = liveSlot(w);
        return s >= 0 ? ids[s] : w.guessId();
    }

    /**
     * Object-space models: gives the new task {@code id} of fuzz slot {@code slot} its gates to
     * the root task and to sigma0 (slots 1 and 2, labelled with its id, as Kola's root task does),
     * and exchanges gates with a few live fuzz tasks: each gets, in its slot PEERS + the other's
     * slot index, a gate to the other's first thread (virtual threads: both ways, so that each
     * can name itself to the other), or, for a server now and then, a gate to an endpoint the
     * server holds in its slot OWN. The root task's earlier gates for the slot (to a task since
     * deleted) are revoked first, and with them every copy its peers hold.
     */
    private void giveGates(L4 l4, FuzzWords w, int slot, long id, boolean server) {
        int base = ROOT_GATES + 4 * slot;
        startPeers = 0;
        rootGates(l4, slot, id);
        long label = w.chance(80) ? id : 1 + w.below(1 << 20);
        boolean endpoint = server && w.chance(40) && l4.commControl(Comm.ENDPOINT, Comm.selector(base + 3), 0, 0) == 1;
        if (endpoint) {
            l4.commControl(Comm.MAP, id, Comm.objectFpage(base + 3, 0, Fpage.RWX), Comm.selector(FuzzWords.OWN));
        }
        boolean made = endpoint ? l4.commControl(Comm.ENDPOINT_GATE, Comm.selector(base + 2), Comm.selector(base + 3), label) == 1
                : l4.commControl(Comm.GATE, Comm.selector(base + 2), id, label) == 1;
        if (!made) {
            return;
        }
        for (int k = 0, peers = 1 + w.below(4); k < peers; k++) {
            int t = w.chance(50) ? serverSlot(w) : liveSlot(w);
            if (t < 0 || t == slot || module[t] != fuzzModule) {
                continue;
            }
            int rights = w.chance(80) ? Comm.SEND | Comm.GRANT : w.below(8);
            l4.commControl(Comm.MAP, ids[t], Comm.objectFpage(base + 2, 0, rights), Comm.selector(FuzzWords.PEERS + slot));
            if ((w.chance(70) || model == Comm.MODEL_VIRTUAL_THREADS)
                    && l4.commControl(Comm.MAP, id, Comm.objectFpage(ROOT_GATES + 4 * t + 2, 0, rights),
                            Comm.selector(FuzzWords.PEERS + t)) == 1 && t < 64) {
                startPeers |= 1L << t;
            }
        }
    }

    /**
     * Object-space models, every tick: a few live fuzz tasks get (again) the root task's gate to
     * another's first thread in their peer slot for it, as tasks lose theirs (revoked, unmapped,
     * overwritten by a capability they received).
     */
    private void exchangeGates(L4 l4, FuzzWords w) {
        for (int k = 0, n = w.below(4); k < n; k++) {
            int s = liveSlot(w);
            int t = w.chance(50) ? serverSlot(w) : liveSlot(w);
            if (s >= 0 && t >= 0 && s != t && module[s] == fuzzModule && module[t] == fuzzModule) {
                l4.commControl(Comm.MAP, ids[s], Comm.objectFpage(ROOT_GATES + 4 * t + 2, 0, w.chance(80) ? Comm.SEND | Comm.GRANT
                        : w.below(8)), Comm.selector(FuzzWords.PEERS + t));
            }
        }
    }

    /**
     * Object-space models: gives task {@code id} of fuzz slot {@code slot} gates to the root task
     * and to sigma0 in its slots 1 and 2, labelled with its id (as Kola's root task does); the
     * root task's earlier gates for the slot, and every copy of them, are revoked first.
     */
    private void rootGates(L4 l4, int slot, long id) {
        int base = ROOT_GATES + 4 * slot;
        flush(l4, base, 2);
        if (l4.commControl(Comm.GATE, Comm.selector(base), l4.myGlobalId(), id) == 1
                && l4.commControl(Comm.GATE, Comm.selector(base + 1), kip.sigma0(), id) == 1) {
            l4.commControl(Comm.MAP, id, Comm.objectFpage(base, 1, Comm.SEND), Comm.selector(1));
        }
    }

    /** Removes the root task's capabilities in slots [first, first + 2^log2) and everything derived from them. */
    private static void flush(L4 l4, int first, int log2) {
        l4.setMr(0, Comm.objectFpage(first, log2, Fpage.RWX));
        l4.unmap(0x40);
    }

    /**
     * A privileged fuzzer's CommControl (every model but global ids): chiefs, policies, pclans and
     * their policies with live spaces and garbage, MAP of the root task's capabilities into live
     * tasks, gates (to anyone: the caller is privileged) with valid and invalid labels, interrupt
     * bindings, revocation of the root task's gates, any operation with any words. A CommControl
     * whose words are malformed whatever the state (a bad label, a bad selector, a pclan out of
     * range, a pclan policy of a pclan with itself or "allow") must fail.
     */
    private void commControl(L4 l4, FuzzWords w) {
        switch (w.below(10)) {
            case 0 -> {
                long chief = w.chance(70) ? liveId(w) : w.threadId();
                l4.commControl(Comm.CHIEF, w.chance(80) ? liveId(w) : w.threadId(), chief, 0);
            }
            case 1 -> l4.commControl(Comm.POLICY, w.chance(80) ? liveId(w) : w.threadId(), w.chance(80) ? liveId(w) : w.threadId(),
                    policyAction(l4, w));
            case 2 -> {
                long pclan = w.chance(70) ? w.below(4) : w.chance(50) ? Comm.PCLANS + w.below(4) : w.word();
                long r = l4.commControl(Comm.PCLAN, w.chance(80) ? liveId(w) : w.threadId(), pclan, 0);
                checkComm(r, pclan >= 0 && pclan < Comm.PCLANS, "CommControl(PCLAN, pclan " + pclan + ")");
            }
            case 3 -> {
                long a = w.chance(80) ? w.below(4) : w.word();
                long b = w.chance(80) ? w.below(4) : w.word();
                long action = switch (w.below(4)) {
                    case 0 -> Comm.DENY;
                    case 1 -> Comm.ALLOW;
                    case 2 -> liveId(w);
                    default -> w.threadId();
                };
                long r = l4.commControl(Comm.PCLAN_POLICY, a, b, action);
                checkComm(r, a >= 0 && a < Comm.PCLANS && b >= 0 && b < Comm.PCLANS && a != b && action != Comm.ALLOW,
                        "CommControl(PCLAN_POLICY, " + a + ", " + b + ", " + ThreadId.toString(action) + ")");
            }
            case 4 -> {
                int first = ROOT_GATES + w.below(4 * plan.threadSlots());
                int size = w.below(3);
                long fpage = w.chance(85) ? Comm.objectFpage(first & -(1 << size), size, w.below(8)) : w.fpage();
                long dest = w.chance(80) ? Comm.selector(w.chance(50) ? FuzzWords.PEERS + w.below(plan.threadSlots())
                        : FuzzWords.OWN + w.below(FuzzWords.OWN_SLOTS)) : w.word();
                l4.commControl(Comm.MAP, w.chance(85) ? liveId(w) : w.threadId(), fpage, dest);
            }
            case 5 -> {
                long sel = Comm.selector(900 + w.below(124));
                if (w.chance(20)) {
                    sel = w.chance(50) ? Comm.selector(w.below(Comm.SLOTS)) | 1 + w.below(0xFFF) : w.word();
                }
                long label = w.chance(80) ? 1 + w.below(1000) : switch (w.below(4)) {
                    case 0 -> 0;
                    case 1 -> -1;
                    case 2 -> Comm.REPLY;
                    default -> Comm.NOTIFIED;
                };
                long r = l4.commControl(Comm.GATE, sel, w.chance(80) ? liveId(w) : w.threadId(), label);
                checkComm(r, Comm.slot(sel) >= 0 && FuzzTask.validLabel(label), "CommControl(GATE, selector 0x"
                        + Long.toHexString(sel) + ", label 0x" + Long.toHexString(label) + ")");
                if (r == 1 && w.chance(50)) {
                    l4.commControl(Comm.MAP, liveId(w), Comm.objectFpage(Comm.slot(sel), 0, Comm.SEND | Comm.GRANT),
                            Comm.selector(FuzzWords.OWN + w.below(FuzzWords.OWN_SLOTS)));
                }
            }
            case 6 -> {
                long sel = Comm.selector(900 + w.below(124));
                if (l4.commControl(Comm.NOTIFICATION, sel, 0, 0) == 1 || w.chance(50)) {
                    l4.commControl(Comm.IRQ_BIND, w.chance(70) ? TIMER_LINE : w.below(kip.interruptLines() + 2) - 1,
                            w.chance(20) ? 0 : sel, w.chance(90) ? 1L << w.below(64) : 0);
                }
            }
            case 7 -> { // revocation of the root task's gates to live tasks, or of its own slots with what derives from them
                int first = ROOT_GATES + w.below(4 * plan.threadSlots());
                int size = w.below(4);
                l4.setMr(0, Comm.objectFpage(first & -(1 << size), size, w.chance(80) ? Fpage.RWX : w.below(8)));
                l4.unmap(w.chance(30) ? 0x40 : 0);
            }
            case 8 -> l4.commControl(Comm.BIND_NOTIFICATION, w.chance(50) ? 0 : Comm.selector(900 + w.below(124)), 0, 0);
            default -> {
                int op = w.chance(80) ? w.below(Comm.ENDPOINT_GATE + 2) : (int) w.word();
                long r = l4.commControl(op, w.word(), w.word(), w.word());
                checkComm(r, op >= Comm.CHIEF && op <= Comm.ENDPOINT_GATE, "CommControl(" + op + ", ...)");
            }
        }
    }

    /** A CommControl whose words are malformed ({@code wellFormed} false) succeeded: a failed check. */
    private void checkComm(long result, boolean wellFormed, String call) {
        if (!wellFormed && result != 0) {
            checks.report(FuzzChecks.ACCEPTED_INVALID_CALL, call + " by a privileged fuzzer succeeded");
        }
    }

    // ---- the privileged fuzzers -----------------------------------------------------------

    /**
     * A privileged fuzzer: random ThreadControl, SpaceControl, ExchangeRegisters, Schedule,
     * MemoryControl, ProcessorControl, IPC.
     */
    private void fuzzPrivileged(L4 l4, FuzzWords w) {
        while (true) {
            if (model != Comm.MODEL_GLOBAL_IDS && w.chance(12)) {
                commControl(l4, w); // (drawn only under the other models: global-ids runs stay as they were)
                continue;
            }
            int a = w.below(100);
            if (a < 20) {
                long dest = w.chance(50) ? w.victimId() : w.threadId();
                long space = switch (w.below(4)) {
                    case 0 -> dest;
                    case 1 -> ThreadId.NIL;
                    default -> w.threadId();
                };
                if (space == ThreadId.NIL && (dest == kip.sigma0() || dest == kip.rootTask())) {
                    space = dest;
                }
                boolean known = slotOf(dest) >= 0;
                long utcb = switch (w.below(4)) {
                    case 0 -> NO_UTCB;
                    case 1 -> UTCB_BASE + ((long) w.below(16) << 10);
                    case 2 -> UTCB_BASE + w.below(1 << 20);
                    default -> w.word();
                };
                long result = l4.threadControl(dest, space, w.chance(70) ? l4.myGlobalId() : w.threadId(), w.threadId(), utcb);
                if (result == 1) {
                    noteThreadControl(dest, space, known);
                }
            } else if (a < 28) {
                long victim = w.victimId();
                if (l4.threadControl(victim, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, NO_UTCB) == 1) {
                    forget(victim);
                }
            } else if (a < 31) {
                kipProbe(l4, w);
            } else if (a < 36) {
                l4.spaceControl(w.threadId(), w.chance(80) ? 0 : w.word(), w.chance(50) ? Kip.STANDARD_KIP_AREA : w.fpage(),
                        w.chance(50) ? Kip.STANDARD_UTCB_AREA : w.fpage(), w.chance(70) ? ThreadId.NIL : w.threadId());
            } else if (a < 52) {
                long dest = w.victimId();
                long control = w.chance(50) ? w.below(1 << 10) : w.word();
                Kip.BootModule m = kip.bootModules().get(w.below(kip.bootModules().size()));
                long ip = w.chance(80) ? m.entry(w.below(FuzzTask.ROLES + 2)) : w.word();
                if ((control & ExRegs.HALT) == ExRegs.HALT && slotOf(dest) < 0) {
                    control &= ~ExRegs.HALT_VALUE; // threads the supervisor does not know would stay halted
                }
                l4.exchangeRegisters(dest, control, w.word(), ip, w.word(), w.word(), w.chance(50) ? ThreadId.NIL : w.threadId());
            } else if (a < 60) {
                l4.schedule(w.threadId(), w.chance(50) ? Schedule.UNCHANGED : w.word(), w.chance(80) ? Schedule.UNCHANGED : w.word(),
                        w.chance(50) ? w.below(300) - 20 : w.word(), w.chance(80) ? Schedule.UNCHANGED : w.word());
            } else if (a < 64) {
                interruptControl(l4, w);
            } else if (a < 67) {
                armTimer(l4, w);
            } else if (a < 75) {
                memoryControl(l4, w);
            } else if (a < 78) {
                processorControl(l4, w);
            } else if (a < 90) {
                FuzzTask.randomIpc(l4, w, w.chance(80) ? w.shortTimeouts() : w.timeouts());
            } else {
                sleep(l4, 1 + w.below(300));
            }
        }
    }

    /**
     * MemoryControl: first touches a few heap pages (sigma0 maps them at the fault), then sets
     * memory attributes on the fpages in MR0..MRk: heap fpages mostly (their low two bits, the
     * rights, choose the attribute), the nil and the complete fpage, the KIP and UTCB areas, the
     * timer's registers, object fpages and malformed ones; k mostly small, up to 63, sometimes with
     * other bits in the control word; attributes mostly 0..2, else 3, any word. Whether the call is
     * well formed follows from the words alone, so a well-formed call refused (other than for want
     * of privilege: a privileged fuzzer's SpaceControl may take the root task's away) and a
     * malformed one accepted are failed checks. Then touches heap pages again: through the TLB,
     * some of them uncached now.
     */
    private void memoryControl(L4 l4, FuzzWords w) {
        for (int i = 0, n = w.below(4); i < n; i++) {
            l4.memory().store64(w.heapPage() + 8L * w.below(512), w.word());
        }
        int k = w.chance(80) ? w.below(4) : w.below(64);
        long control = w.chance(90) ? k : k | w.word() << 6;
        boolean valid = (control & ~kola.abi.MemoryControl.K_MASK) == 0;
        long[] attributes = new long[4];
        for (int i = 0; i < attributes.length; i++) {
            attributes[i] = w.chance(85) ? w.below(3) : w.chance(50) ? 3 : w.word();
        }
        for (int i = 0; i <= k; i++) {
            long fpage = switch (w.below(14)) {
                case 0, 1, 2, 3, 4, 5 -> w.heapFpage();
                case 6 -> Fpage.NIL;
                case 7 -> Fpage.COMPLETE | w.below(4);
                case 8 -> Kip.STANDARD_KIP_AREA | w.below(4);
                case 9 -> Kip.STANDARD_UTCB_AREA | w.below(4);
                case 10 -> Fpage.of(TIMER_VA, 12, w.below(4));
                case 11 -> kola.abi.Comm.objectFpage(w.below(64), w.below(3), w.below(8));
                default -> w.fpage();
            };
            l4.setMr(i, fpage);
            if (!Fpage.isNil(fpage)) {
                valid &= Fpage.isComplete(fpage) || Fpage.isValid(fpage);
                valid &= Long.compareUnsigned(attributes[kola.abi.MemoryControl.attributeIndex(fpage)],
                        kola.abi.MemoryControl.MAX_ATTRIBUTE) <= 0;
            }
        }
        long result = l4.memoryControl(control, attributes[0], attributes[1], attributes[2], attributes[3]);
        checkControl("MemoryControl(0x" + Long.toHexString(control) + ", attributes " + Long.toHexString(attributes[0]) + " "
                + Long.toHexString(attributes[1]) + " " + Long.toHexString(attributes[2]) + " " + Long.toHexString(attributes[3])
                + ")", valid, result, l4.errorCode());
        for (int i = 0, n = w.below(4); i < n; i++) {
            long va = w.heapPage() + 8L * w.below(512);
            if (w.chance(50)) {
                l4.memory().load64(va);
            } else {
                l4.memory().store64(va, w.word());
            }
        }
    }

    /**
     * ProcessorControl: processor 0 mostly (else 1, all ones, any word); a rate of 0 or all ones
     * (no change), the current one, the base rate (often, so that the system spends most of its
     * time near it), a half, a quarter, any from 1 to the base rate, small ones, and rates out of
     * range; the external frequency and the voltage mostly left alone, else the time base (no
     * change), another frequency, a voltage, any word. As with MemoryControl, whether the call is
     * well formed follows from the words, and the fuzzer checks the kernel's answer against it.
     */
    private void processorControl(L4 l4, FuzzWords w) {
        long processor = w.chance(85) ? 0 : switch (w.below(3)) {
            case 0 -> 1;
            case 1 -> -1;
            default -> w.word();
        };
        long internal = switch (w.below(12)) {
            case 0 -> 0;
            case 1 -> kola.abi.MemoryControl.UNCHANGED;
            case 2 -> rate;
            case 3, 4, 5 -> BASE_KHZ;
            case 6 -> BASE_KHZ / 2;
            case 7 -> BASE_KHZ / 4;
            case 8 -> 1 + w.below((int) BASE_KHZ);
            case 9 -> 1 + w.below(1000);
            case 10 -> BASE_KHZ + 1 + w.below(1 << 20);
            default -> w.word();
        };
        long external = w.chance(80) ? 0 : switch (w.below(4)) {
            case 0 -> BASE_KHZ;
            case 1 -> kola.abi.MemoryControl.UNCHANGED;
            case 2 -> 1 + w.below((int) BASE_KHZ);
            default -> w.word();
        };
        long voltage = w.chance(80) ? 0 : switch (w.below(3)) {
            case 0 -> kola.abi.MemoryControl.UNCHANGED;
            case 1 -> 1 + w.below(5000);
            default -> w.word();
        };
        boolean keep = internal == 0 || internal == kola.abi.MemoryControl.UNCHANGED;
        boolean valid = processor == 0 && (keep || internal >= 1 && internal <= BASE_KHZ)
                && (external == 0 || external == kola.abi.MemoryControl.UNCHANGED || external == BASE_KHZ)
                && (voltage == 0 || voltage == kola.abi.MemoryControl.UNCHANGED);
        long result = l4.processorControl(processor, internal, external, voltage);
        checkControl("ProcessorControl(" + processor + ", " + internal + ", " + external + ", " + voltage + ")", valid, result,
                l4.errorCode());
        if (result == 1 && !keep) {
            rate = internal;
        }
    }

    /** Checks a privileged control call's result against whether its words were well formed. */
    private void checkControl(String call, boolean valid, long result, long error) {
        if (valid && result != 1 && error != kola.abi.KernelError.NO_PRIVILEGE) {
            checks.report(FuzzChecks.REFUSED_VALID_CALL, call + " by a privileged fuzzer was refused: error " + error);
        } else if (!valid && result != 0) {
            checks.report(FuzzChecks.ACCEPTED_INVALID_CALL, call + " by a privileged fuzzer succeeded");
        }
    }

    /**
     * ThreadControl on an interrupt's pseudo-thread (L4 X.2, "Interrupts"): attach a handler (a
     * fuzz thread, anyone, garbage) or detach it, mostly well-formed, sometimes not.
     */
    private void interruptControl(L4 l4, FuzzWords w) {
        long irq = ThreadId.global(w.chance(70) ? TIMER_LINE : w.below(kip.interruptLines() + 2), 1);
        long space = w.chance(85) ? irq : w.threadId();
        long handler = switch (w.below(5)) {
            case 0 -> irq; // detach
            case 1 -> w.threadId();
            default -> {
                int s = liveSlot(w);
                yield s >= 0 ? ids[s] : l4.myGlobalId();
            }
        };
        l4.threadControl(irq, space, w.chance(80) ? ThreadId.NIL : w.threadId(), handler, w.chance(80) ? NO_UTCB : w.word());
    }

    /**
     * Arms the machine's timer (its registers mapped from sigma0 into the root task's space once)
     * to fire soon, so that interrupt IPC reaches whoever handles the timer line now.
     */
    private void armTimer(L4 l4, FuzzWords w) {
        Kip.MemoryDescriptor timer = kip.device("timer");
        if (timer == null) {
            return;
        }
        if (!timerMapped) {
            timerMapped = kola.system.Sigma0.requestPage(l4, Fpage.of(timer.base(), 12, Fpage.R | Fpage.W),
                    Fpage.of(TIMER_VA, 12, 0));
            if (!timerMapped) {
                return;
            }
        }
        long now = l4.memory().load64(TIMER_VA); // NOW
        l4.memory().store64(TIMER_VA + 8, w.chance(90) ? now + 1 + w.below(500_000) : w.word()); // DEADLINE
    }

    /**
     * The KIP probe: makes a space, sets its KIP area, then moves the KIP again and again to
     * areas that need page tables of their own (until kernel memory runs out, in small pools),
     * and checks that the KIP is where SpaceControl's results say: a failed SpaceControl must
     * leave the space as it was. The check is a thread of the space (the fuzz module's
     * {@link FuzzTask#KIP_CHECK} entry) that reads the KIP's magic word at the area this fuzzer
     * believes in and sends it here, its pager (under capabilities through its gate to the root
     * task); a page fault there comes here instead.
     */
    private void kipProbe(L4 l4, FuzzWords w) {
        int slot = freeSlot(w);
        if (slot < 0 || fuzzModule < 0) {
            return;
        }
        long me = l4.myGlobalId();
        long id = nextId(slot);
        if (l4.threadControl(id, id, me, ThreadId.NIL, NO_UTCB) == 0) {
            cleanUp(l4, slot);
            return;
        }
        record(slot, id, fuzzModule, FuzzTask.KIP_CHECK, me);
        long utcbArea = Fpage.of(0x7000_0000L, 12 + w.below(4), 0);
        long kipArea = w.chance(50) ? Kip.STANDARD_KIP_AREA : Fpage.of((long) w.below(1 << 14) << 12, 12, 0);
        if (Fpage.overlaps(kipArea, utcbArea) || l4.spaceControl(id, 0, kipArea, utcbArea, ThreadId.NIL) != 1) {
            deleteSlot(l4, slot);
            return;
        }
        long expected = Fpage.base(kipArea);
        String failure = null;
        int tries = w.chance(50) ? 96 : 1 + w.below(8);
        for (int i = 0; i < tries; i++) {
            long base = ((long) (2 + w.below(250)) << 30) + ((long) w.below(512) << 21) + ((long) w.below(512) << 12);
            long next = Fpage.of(base, 12, 0);
            if (l4.spaceControl(id, 0, next, utcbArea, ThreadId.NIL) == 1) {
                expected = base;
                continue;
            }
            if (l4.errorCode() != kola.abi.KernelError.OUT_OF_MEMORY) {
                deleteSlot(l4, slot); // someone else deleted or started it meanwhile: nothing to conclude
                return;
            }
            failure = "SpaceControl moving the KIP area of " + ThreadId.toString(id) + " from 0x" + Long.toHexString(expected)
                    + " to 0x" + Long.toHexString(base) + " failed (out of memory)";
            break;
        }
        if (l4.threadControl(id, id, ThreadId.NIL, me, Fpage.base(utcbArea)) == 0) {
            deleteSlot(l4, slot);
            return;
        }
        if (model == Comm.MODEL_CAPABILITIES) {
            rootGates(l4, slot, id); // (its message comes through its gate to the root task, slot 1)
        }
        l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, 250, Schedule.UNCHANGED);
        long ip = kip.bootModules().get(fuzzModule).entry(FuzzTask.KIP_CHECK);
        if (l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, expected, ip, 0, 0, ThreadId.NIL) == ThreadId.NIL) {
            deleteSlot(l4, slot);
            return;
        }
        l4.setBr(0, kola.abi.Items.acceptor(Fpage.NIL, false));
        if (model == Comm.MODEL_CAPABILITIES) {
            awaitProbe(l4, id);
        } else {
            l4.ipc(ThreadId.NIL, id, Timeout.pair(Timeout.NEVER, Timeout.relative(20_000)));
        }
        long tag = l4.mr(0);
        if (!kola.abi.MsgTag.failed(tag)) {
            long label = kola.abi.MsgTag.label(tag);
            String what = failure != null ? failure : "SpaceControl put the KIP area of " + ThreadId.toString(id)
                    + " at 0x" + Long.toHexString(expected) + " (it succeeded)";
            if (kola.abi.KernelLabels.isPageFault(label) && (l4.mr(1) & -4096L) == expected) {
                checks.report(FuzzChecks.INCONSISTENT, what + ", but the KIP is not mapped there any more: reading it faults");
            } else if (label == FuzzTask.KIP_LABEL && (int) l4.mr(1) != Kip.MAGIC) {
                checks.report(FuzzChecks.INCONSISTENT, what + ", but the word there is 0x" + Long.toHexString(l4.mr(1))
                        + ", not the KIP's magic");
            }
        }
        deleteSlot(l4, slot);
    }

    /**
     * Capabilities: a receive names no thread, so the root task takes what comes for up to 20 ms
     * until the probe's own message arrives: its page fault (a kernel-made IPC, under its global
     * id) or its message through its gate to the root task (labelled with its id). Anything else
     * is dropped unanswered (fuzz threads send here through their gates too). If none came, MR0
     * holds a failed tag.
     */
    private void awaitProbe(L4 l4, long id) {
        long deadline = l4.systemClock() + 20_000;
        while (true) {
            long left = deadline - l4.systemClock();
            if (left <= 0) {
                l4.setMr(0, kola.abi.MsgTag.make(0, 0, 0) | kola.abi.MsgTag.ERROR);
                return;
            }
            long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.relative(Math.min(left, 20_000))));
            if (kola.abi.MsgTag.failed(l4.mr(0)) || from == id) {
                return;
            }
        }
    }

    /** Keeps the table in step with a ThreadControl that succeeded. */
    private void noteThreadControl(long dest, long space, boolean known) {
        long s = ThreadId.number(dest) - plan.threadBase();
        if (space == ThreadId.NIL) {
            forget(dest);
        } else if (!known && s >= 0 && s < ids.length && ids[(int) s] == 0) {
            ids[(int) s] = dest; // a thread made by garbage: the supervisor restarts or deletes it
            module[(int) s] = -1;
            role[(int) s] = OTHER;
            pagerOf[(int) s] = ThreadId.NIL;
            bornTick[(int) s] = tick;
        }
    }

    private void forget(long id) {
        int s = slotOf(id);
        if (s >= 0) {
            ids[s] = 0;
        }
    }
}
