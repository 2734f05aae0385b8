package kola.kernel;

import java.io.PrintStream;
import java.util.List;
import jdk.internal.vm.ContinuationScope;
import kola.abi.Fpage;
import kola.abi.Kip;
import kola.abi.ThreadId;
import kola.machine.CostModel;
import kola.machine.CycleClock;
import kola.machine.Machine;
import kola.machine.PhysicalMemory;
import kola.machine.riscv.Cause;
import kola.machine.riscv.Hart;

/**
 * The Kola microkernel on one simulated {@link Machine}: it makes the kernel's parts, boots, and
 * runs the kernel loop (paper section 2; DESIGN.md, "Execution model").
 *
 * <p>The kernel loop runs the current thread's continuation until it traps, performs the trap,
 * and runs whoever is current then. When no thread is runnable it skips simulated time to the next
 * timeout or device event; when there is none, the system has nothing left to do and
 * {@link #run()} returns. The kernel never runs inside a continuation and never blocks.
 *
 * <p>The thread and space lifecycle (making, starting, ending and deleting threads and spaces) is
 * {@link Lifecycle}'s; kernel-made IPC for faults and exceptions is {@link Faults}'s; the boot
 * image's modules as the kernel loads them are {@link Boot}'s; snapshots for the command line and
 * tests are {@link Inspection}'s.
 *
 * <p>This class and the records beside it are the whole public surface of the module, for the
 * command line and tests: no kernel object leaves the package.
 */
public final class Kernel {
    static final ContinuationScope SCOPE = new ContinuationScope("kola");
    /** A boot module argument that gives the module's spaces the whole kernel debugger (as the shell needs). */
    public static final String DEBUGGER_ARG = "kdb";
    /** Thread numbers below this are interrupt pseudo-threads (one per line). */
    public static final long SYSTEM_BASE = 32;
    /** The first user thread number: sigma0. */
    public static final long USER_BASE = 64;
    /** UTCB size and alignment, log2: 1 KiB as on 64-bit Pistachio. */
    public static final int UTCB_SIZE_LOG2 = 10;
    /** The smallest UTCB area, log2. */
    public static final int UTCB_AREA_MIN_LOG2 = 12;
    /** The KIP area size, log2: one page. */
    public static final int KIP_AREA_SIZE_LOG2 = 12;
    private static final long BOOT_KIP_AREA = Kip.STANDARD_KIP_AREA;
    private static final long BOOT_UTCB_AREA = Kip.STANDARD_UTCB_AREA;

    final Machine machine;
    final KernelConfig config;
    final Image image;
    final CycleClock clock;
    /** The machine's RISC-V hart: runs every RISC-V thread, in turn, as the current thread. */
    private final Hart hart;
    /** The L4 system calls of RISC-V threads. */
    private final RiscvBinding binding = new RiscvBinding(this);
    final EventLog events;
    final Cpu cpu;
    final ThreadTable threads;
    final KernelMemory kmem;
    /** The kernel-memory model when it is precise or lend (frames tasks gave), else null. */
    final KernelFrames frames;
    final CommunicationModel comm;
    /** Local ids are IPC names (the thread-id models): pager and exception-handler words may be local ids. */
    final boolean localIds;
    /** The redirection and pclans policies (CommControl). */
    final CommPolicy policy = new CommPolicy();
    /** The object spaces and their capabilities. */
    final CapabilitySpaces caps;
    final Ipc ipc;
    final SystemCalls syscalls;
    final MappingDatabase mdb;
    final Interrupts interrupts;
    /** Kernel-made IPC for faults and exceptions. */
    final Faults faults;
    /** The kernel's bounce buffer for string copies: one page. */
    final byte[] copyBuffer = new byte[PhysicalMemory.PAGE_SIZE];
    Space sigma0Space;
    final Kip kip;
    /** {@link #stop} was called: the loop ends after this entry. */
    private boolean stopRequested;
    final long kipFrame;
    private final PrintStream console;
    /** Threads and spaces made, started, ended and deleted; the live spaces. */
    final Lifecycle lifecycle;
    /** Snapshots of threads, spaces and mappings, for the command line and tests. */
    private final Inspection inspection;
    /** Kernel entries so far: every change of kernel state happens between two of them. */
    long traps;
    private boolean booted;
    private boolean checking;
    private boolean inputEndSignalled;

    /** A kernel for {@code machine} that will boot {@code image}, printing its debug console to {@code console}. */
    public Kernel(Machine machine, KernelConfig config, Image image, PrintStream console) {
        this.machine = machine;
        this.config = config;
        this.image = image;
        this.console = console;
        this.clock = machine.clock();
        this.events = new EventLog(clock);
        PhysicalMemory phys = machine.memory();
        long poolFrames = config.kernelMemoryBytes() / PhysicalMemory.PAGE_SIZE;
        if (config.kernelMemoryBytes() * 2 > phys.ramBytes()) {
            throw new IllegalArgumentException("kernel memory (" + config.kernelMemoryBytes()
                    + " bytes) must be at most half of RAM (" + phys.ramBytes() + " bytes)");
        }
        this.cpu = new Cpu(clock, events);
        this.cpu.flusher = () -> {
            long cost = machine.tlb().flushAll();
            kola.machine.Cache cache = machine.cache();
            return cache == null ? cost : cost + cache.flush();
        };
        this.threads = new ThreadTable(config.threadNumberLimit());
        this.kipFrame = 0;
        CentralPool pool = new CentralPool(phys, 1, poolFrames - 1);
        this.frames = switch (config.kmem()) {
            case PRECISE -> new KernelFrames(this, pool, KernelFrames.Mode.PRECISE);
            case LEND -> new KernelFrames(this, pool, KernelFrames.Mode.LEND);
            case KPAGER -> new KernelFrames(this, pool, KernelFrames.Mode.KPAGER);
            default -> null;
        };
        this.kmem = switch (config.kmem()) {
            case POOL -> pool;
            case QUOTA -> new Quotas(pool);
            case PRECISE, LEND, KPAGER -> frames;
        };
        this.caps = new CapabilitySpaces(kmem, this::waitQueueGone); // (made before the lifecycle, which uses it)
        this.comm = switch (config.comm()) {
            case GLOBAL_IDS -> new GlobalIds(threads);
            case CLANS -> new Clans(threads);
            case REDIRECTION -> new Redirection(threads, policy);
            case REDIRECTORS -> new Redirectors(threads);
            case PCLANS -> new Pclans(threads, policy);
            case VIRTUAL_THREADS -> new VirtualThreads();
            case CAPABILITIES -> new Capabilities();
        };
        this.localIds = comm instanceof ThreadIdModel;
        this.ipc = new Ipc(this);
        this.syscalls = new SystemCalls(this);
        this.mdb = new MappingDatabase(this);
        this.interrupts = new Interrupts(this);
        this.faults = new Faults(this);
        this.kip = Boot.buildKip(machine, config, image);
        Boot.writeKipFrame(phys, kipFrame, kip, config);
        Boot.loadMachineCode(phys, kip, image);
        Boot.writeBootInfo(phys, kip);
        // The lifecycle's collaborators are all made by now; the boot image's modules as the kernel
        // loads them (sandboxed class files, machine code) are its alone.
        this.lifecycle = new Lifecycle(image, new Boot(image, console), config, phys, machine.tlb(), events, cpu, threads,
                kmem, frames, policy, caps, mdb, ipc, interrupts, faults, binding, t -> new UserApi(t, this), console);
        this.inspection = new Inspection(threads, lifecycle.spaces(), phys);
        this.hart = new Hart(phys, machine.mmu(), clock);
    }

    /**
     * The last capability of a notification or an endpoint went ({@link Lifecycle#waitQueueGone}).
     * The capability spaces are made before the lifecycle, which uses them: they reach it through here.
     */
    private void waitQueueGone(WaitQueue q) {
        lifecycle.waitQueueGone(q);
    }

    // ---- boot and the loop ------------------------------------------------------------------

    /**
     * Boots (the first time) and runs until the system has nothing left to do: no thread is
     * runnable and no timeout or device event is pending. Returns what happened.
     */
    public RunResult run() {
        return run(Long.MAX_VALUE);
    }

    /**
     * Ends the current {@link #run} after the kernel entry now being handled (or, called between
     * runs, the next one before it starts): for an observer of the kernel console, such as {@code
     * kola exec}, which ends when its runtime says the program exited, whatever other threads the
     * program left.
     */
    public void stop() {
        stopRequested = true;
    }

    /** Like {@link #run()}, but stops after {@code maxTraps} kernel entries (for tests and fuzzing). */
    public RunResult run(long maxTraps) {
        if (!booted) {
            boot();
            booted = true;
        }
        long limit = traps + maxTraps < traps ? Long.MAX_VALUE : traps + maxTraps;
        while (traps < limit && !stopRequested) {
            Tcb t = cpu.current;
            if (t == null) {
                cpu.reschedule();
                if (cpu.current == null && !idle()) {
                    break;
                }
                continue;
            }
            if (t.exitPending) {
                t.exitPending = false;
                t.trap = Trap.EXIT;
            } else if (t.restart != Tcb.NO_RESTART) {
                restartEntry(t);
            } else if (t.hart != null) {
                runHart(t);
            } else {
                UserApi api = t.api;
                api.arm(clock.cyclesUntil(cpu.preemptAt));
                Meter.running = api;
                try {
                    t.continuation.run();
                } finally {
                    Meter.running = null;
                }
            }
            traps++;
            handleTrap(t);
            cpu.schedule(); // the entry's one decision of who runs next
            if (frames != null) {
                if (frames.revocationsPending()) {
                    // Objects of frames whose holders lost them in this entry. (Deleting the
                    // current thread picks another at once, Lifecycle.deleteThread; nothing else of
                    // this can stop the current thread, but a context it ran on may go.)
                    frames.destroyRevoked();
                    Tcb c = cpu.current;
                    if (c != null && !c.runnable()) {
                        cpu.reschedule();
                    }
                }
                frames.takeShortage(); // (a shortage no operation turned into a fault is forgotten)
            }
            long deadline = machine.nextDeviceDeadline();
            if (deadline != cpu.deviceDeadline) {
                // A driver programmed the timer through its registers: its interrupt must preempt on time.
                cpu.deviceDeadline = deadline;
                cpu.updatePreemptAt();
            }
            if (clock.now() >= cpu.preemptAt) {
                preemptionPoint(t);
            }
            if (checking) {
                checkNow();
            }
        }
        stopRequested = false;
        return new RunResult(traps, clock.now(), events.count(), events.hash(), threads.count());
    }

    /**
     * The kernel's own entry for {@code t}, whose system call is in its restart state ({@link
     * Tcb#restart}; seL4's {@code ThreadState_Restart}): the thread's code does not run. First
     * the fault the call needs is sent, as the page-fault entry of an access is ({@link
     * Faults#pageFault}: to the pager, or to the account's kpager); when the thread is next to run
     * (the fault resolved, or found resolved at once) the call is performed again with the
     * arguments it had. Each is a kernel entry of its own, as if the thread had trapped.
     */
    private void restartEntry(Tcb t) {
        if (t.restart == Tcb.RESTART_FAULT) {
            t.saveCallForFault();
            t.trap = Trap.PAGE_FAULT;
            t.restart = Tcb.RESTART_CALL;
        } else {
            t.restoreCall();
            t.trap = t.restartTrap;
            t.restart = Tcb.NO_RESTART;
            restartedCalls++;
        }
    }

    /** The system calls the kernel performed again after their fault (for tests). */
    long restartedCalls;

    /**
     * Runs RISC-V thread {@code t} on the hart until it traps, faults or reaches the preemption
     * point (its instructions are charged on the clock as they retire), and turns the stop into
     * the thread's trap: a page fault goes to its pager, any other exception (ecall, ebreak,
     * illegal instruction, misaligned or access fault) to its exception handler.
     */
    private void runHart(Tcb t) {
        if (t.hartCall != 0) {
            binding.resume(t); // (its system call is finished: its results go back first)
        }
        long budget = Math.max(1, clock.cyclesUntil(cpu.preemptAt) / CostModel.INSTRUCTION);
        long before = t.hart.instret;
        int cause = hart.run(t.hart, t.space.asid, t.space.pageTable.rootPfn, budget);
        machineInstructions += t.hart.instret - before;
        binding.syncIn(t);
        if (cause == Cause.ECALL && binding.enter(t)) {
            return;
        }
        switch (cause) {
            case Cause.BUDGET -> t.trap = Trap.PREEMPT;
            case Cause.INSTRUCTION_PAGE_FAULT, Cause.LOAD_PAGE_FAULT, Cause.STORE_PAGE_FAULT -> {
                t.trap = Trap.PAGE_FAULT;
                t.a0 = hart.tval();
                t.a1 = cause == Cause.INSTRUCTION_PAGE_FAULT ? Fpage.X : cause == Cause.LOAD_PAGE_FAULT ? Fpage.R : Fpage.W;
            }
            default -> {
                t.trap = Trap.MACHINE_EXCEPTION;
                t.a0 = cause;
                t.a1 = hart.tval();
            }
        }
    }

    /** RISC-V instructions retired by all threads so far. */
    private long machineInstructions;

    /** The RISC-V instructions all threads have retired so far (user mode, on the hart). */
    public long machineInstructions() {
        return machineInstructions;
    }

    /** A RISC-V thread's KDB_PrintChar: its characters make lines on the console, as a Java thread's kdbPrint. */
    private void kdbPrintChar(Tcb t, int c) {
        if (t.kdbLine == null) {
            t.kdbLine = new StringBuilder();
        }
        if (c != '\n') {
            t.kdbLine.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        if (c == '\n' || t.kdbLine.length() >= Kdb.MAX_LINE) {
            for (String line : Kdb.taskLines(t.space, t.kdbLine.toString())) {
                console.println(line);
            }
            t.kdbLine.setLength(0);
        }
    }

    private void boot() {
        Space sigma0 = lifecycle.newSpace("sigma0", null);
        Space root = lifecycle.newSpace("roottask", null);
        if (sigma0 == null || root == null) {
            throw new IllegalStateException("kernel memory too small to boot");
        }
        sigma0.privileged = true;
        root.privileged = true;
        sigma0Space = sigma0;
        long sigma0Id = ThreadId.global(USER_BASE, 1);
        long rootId = ThreadId.global(USER_BASE + 2, 1);
        for (Space s : List.of(sigma0, root)) {
            s.kipArea = BOOT_KIP_AREA;
            s.utcbArea = BOOT_UTCB_AREA;
            s.pageTable.map(Fpage.base(BOOT_KIP_AREA), kipFrame, Fpage.R);
        }
        Tcb s0 = lifecycle.newThread(sigma0Id, sigma0, null, sigma0Id, ThreadId.NIL);
        Tcb rt = lifecycle.newThread(rootId, root, null, rootId, sigma0Id);
        s0.priority = config.bootPriority();
        rt.priority = config.bootPriority();
        lifecycle.activate(s0, Fpage.base(BOOT_UTCB_AREA));
        lifecycle.activate(rt, Fpage.base(BOOT_UTCB_AREA));
        lifecycle.start(s0, Lifecycle.moduleIpBase(0), 0, s0.space);
        lifecycle.start(rt, Lifecycle.moduleIpBase(1), 0, rt.space);
        s0.halted = false;
        rt.halted = false;
        cpu.makeReady(s0);
        cpu.makeReady(rt);
        Kdb.kernelMessage(console, "Kola, L4 X.2 API 0x" + Integer.toHexString(Kip.API_VERSION_X2) + ", " + (machine.memory().ramBytes() >> 20) + " MiB RAM, "
                + (config.kernelMemoryBytes() >> 10) + " KiB kernel memory, " + image.modules().size() + " boot modules");
        cpu.reschedule();
    }

    /**
     * Nothing is runnable: skip to the next event, or wait for the next line of console input
     * when no event is due (the machine is idle, so input arrives at a point of simulated time
     * that does not depend on host timing). Returns false when nothing can happen any more.
     */
    private boolean idle() {
        cpu.deviceDeadline = machine.nextDeviceDeadline();
        long next = Math.min(Math.min(cpu.timeouts.earliest(), cpu.deviceDeadline), cpu.refillAt);
        if (cpu.hasDomainSchedule() && (next != Long.MAX_VALUE || cpu.ready.anyReadyIn(cpu.slotDomains))) {
            // Every switch at its time, idle or not (its counter-measures included): threads of
            // other domains wait for their slots, and a pending event must find the schedule where it is.
            // (A ready thread of a domain the schedule never runs waits for ever: it makes no switch
            // worth waiting for, or the idle machine would switch domains without end.)
            next = Math.min(next, cpu.domainEnd);
        }
        if (next == Long.MAX_VALUE) {
            // Only console input can still make something happen: wait for it if a driver listens
            // and the last input was taken; otherwise the system is done.
            // (A line bound to a notification, under capabilities, has a listener too.)
            boolean listening = interrupts.line(Machine.UART_IRQ).pager != ThreadId.NIL
                    || interrupts.boundTo(Machine.UART_IRQ) != null;
            machine.uart().flush(); // a prompt must be visible before we wait for its answer
            if (!listening || machine.uart().available() > 0) {
                return false;
            }
            if (!machine.uart().receiveLine(true)) {
                // The input ended: tell the driver once (it reads STATUS), then stop when all is quiet.
                if (inputEndSignalled) {
                    return false;
                }
                inputEndSignalled = true;
                machine.pic().raise(Machine.UART_IRQ);
            }
            next = clock.now();
        }
        clock.advanceTo(next);
        preemptionPoint(null);
        if (cpu.current == null) {
            cpu.reschedule();
        }
        return true;
    }

    /**
     * A preemption point, reached after a kernel entry of {@code ran} (or none, when idle). If
     * ran is still the current thread and the budget a caller lent it ran out, it sends a timeout fault.
     */
    private void preemptionPoint(Tcb ran) {
        if (ran != null && ran == cpu.current) {
            cpu.account();
            if (ran.sc != null && ran.sc.depleted && ran.donor != null) {
                faults.timeoutFault(ran);
            }
        }
        machine.timer().poll();
        machine.uart().raiseIfPending();
        interrupts.deliverPending();
        cpu.deviceDeadline = machine.nextDeviceDeadline();
        ipc.fireTimeouts();
        cpu.preemptionPoint();
        cpu.updatePreemptAt();
    }

    /**
     * Performs the trap {@code t} entered the kernel with. The Ipc system call, most entries by
     * far, is taken here, in a method small enough for the JIT to compile into the loop; the
     * others in {@link #handleOtherTrap}.
     */
    private void handleTrap(Tcb t) {
        int trap = t.trap;
        t.trap = Trap.NONE;
        if (trap == Trap.IPC) {
            clock.advance(CostModel.TRAP);
            ipc.ipc(t, t.a0, t.a1, t.a2);
        } else {
            handleOtherTrap(t, trap);
        }
    }

    private void handleOtherTrap(Tcb t, int trap) {
        events.record(KernelEvents.TRAP, t.id, trap, 0);
        clock.advance(CostModel.TRAP);
        switch (trap) {
            case Trap.PREEMPT -> { }
            case Trap.EXIT -> lifecycle.exited(t);
            case Trap.PAGE_FAULT -> faults.pageFault(t, t.a0, (int) t.a1);
            case Trap.MACHINE_EXCEPTION -> faults.machineException(t, (int) t.a0, t.a1);
            case Trap.KDB_PRINT_CHAR -> kdbPrintChar(t, (int) (t.a0 & 0xFF));
            case Trap.UNMAP -> syscalls.unmap(t, t.a0);
            case Trap.KDB_PRINT -> {
                // The object is the String the task passed (String is final: no task code runs here).
                String text = t.trapObject instanceof String s ? s : "null";
                t.trapObject = null;
                for (String line : Kdb.taskLines(t.space, text)) {
                    console.println(line);
                }
            }
            case Trap.KDB_ENTER -> {
                String reason = t.trapObject instanceof String s ? s : "null";
                t.trapObject = null;
                console.println("kdb: " + Kdb.oneLine(reason) + " (from " + Kdb.describe(t) + ")");
                int asid = t.space.debugger ? -1 : t.space.asid;
                for (String line : MappingDump.lines(Kdb.mappingsOf(this, asid), Kdb.spacesOf(this, asid))) {
                    console.println("kdb:   " + line);
                }
            }
            case Trap.KDB_QUERY -> {
                String query = t.trapObject instanceof String s ? s : "";
                t.trapObject = Kdb.query(this, t.space, query);
            }
            default -> syscalls.perform(t, trap);
        }
    }

    // ---- inspection, for the command line and tests -----------------------------------------

    /**
     * Switches the invariant checker on or off: when on, every kernel entry is followed by a full
     * check, and a violation stops the run with an {@link InvariantViolation}. Off by default (it
     * costs a walk of every page table per operation).
     */
    public void setInvariantChecking(boolean on) {
        checking = on;
    }

    private void checkNow() {
        List<String> violations = Invariants.check(this);
        if (!violations.isEmpty()) {
            throw new InvariantViolation(traps, violations);
        }
    }

    /** The listener the kernel debugger's trace displaced, while it is on. */
    private KernelEvents.Listener beforeKdbTrace;
    private boolean kdbTrace;

    /** The kernel debugger's trace: every kernel event as a line on the kernel console, besides any listener. */
    String setKdbTrace(boolean on) {
        if (on && !kdbTrace) {
            KernelEvents.Listener other = events.listener;
            beforeKdbTrace = other;
            events.listener = (type, time, a, b, c) -> {
                console.println(Kdb.eventLine(type, time, a, b, c));
                if (other != null) {
                    other.event(type, time, a, b, c);
                }
            };
        } else if (!on && kdbTrace) {
            events.listener = beforeKdbTrace;
            beforeKdbTrace = null;
        }
        kdbTrace = on;
        return "trace " + (on ? "on" : "off");
    }

    /** Attaches a listener to the kernel event stream (null detaches). */
    public void setEventListener(KernelEvents.Listener listener) {
        events.listener = listener;
    }

    /** Checks every kernel invariant; returns the violations (none: all hold). */
    public List<String> checkInvariants() {
        return Invariants.check(this);
    }

    /** The kernel interface page this kernel hands out. */
    public Kip kip() {
        return kip;
    }

    /** The hash of the kernel event stream so far (same image and inputs: same hash). */
    public long eventHash() {
        return events.hash();
    }

    /** Physical memory: RAM bytes, kernel-reserved bytes, and mapping nodes (pages mapped, all spaces). */
    public long[] physicalMemory() {
        return new long[] {machine.memory().ramBytes(), config.kernelMemoryBytes(), mdb.nodeCount()};
    }

    /** Simulated time in cycles. */
    public long cycles() {
        return clock.now();
    }

    /** Kernel memory handed out and the pool's capacity, in bytes, and how many requests it refused so far. */
    public long[] kernelMemory() {
        return new long[] {kmem.used(), kmem.capacity(), kmem.refusals()};
    }

    /**
     * Every space's layout, for tests that a refused call changed nothing: its areas, and every
     * page-table leaf (address and entry), in order.
     */
    List<String> spaceLayouts() {
        return inspection.spaceLayouts();
    }

    /** A snapshot of every thread, in thread-number order. */
    public List<ThreadInfo> threads() {
        return inspection.threads();
    }

    /** A snapshot of every address space. */
    public List<SpaceInfo> spaces() {
        return inspection.spaces();
    }

    /** A snapshot of the mapping database: every mapping of every space, by space then address. */
    public List<Mapping> mappings() {
        return inspection.mappings();
    }

    static String stateName(Tcb t) {
        return Inspection.stateName(t);
    }

    /** What a run did: kernel entries, simulated cycles, kernel events and their hash, live threads. */
    public record RunResult(long traps, long cycles, long events, long eventHash, int threads) {
    }

    /** A thread as the kernel sees it; {@code waitsFor} is the IPC partner it is blocked on (the pager whose start message it awaits), or 0. */
    public record ThreadInfo(long id, String space, int asid, String state, int priority, long waitsFor) {
    }

    /**
     * One mapping: page {@code va} of space {@code asid} maps frame {@code pfn} with {@code rights}
     * (rwx), derived from the mapping at {@code parentVa} of space {@code parentAsid} (-1: a root,
     * sigma0's own); {@code attribute} is the page's memory attribute (X.2 MemoryControl; Kola: its
     * Svpbmt memory type, {@link kola.abi.MemoryControl}), 0 the default.
     */
    public record Mapping(int asid, String space, long va, long pfn, int rights, int parentAsid, String parentSpace,
                          long parentVa, int attribute) {
        /** A mapping with the default memory attribute. */
        public Mapping(int asid, String space, long va, long pfn, int rights, int parentAsid, String parentSpace,
                       long parentVa) {
            this(asid, space, va, pfn, rights, parentAsid, parentSpace, parentVa, (int) kola.abi.MemoryControl.DEFAULT);
        }

        /** The memory attribute as a user names it: "" for the default, else "NC", "IO" (or its number). */
        public String attributeName() {
            return switch (attribute) {
                case (int) kola.abi.MemoryControl.DEFAULT -> "";
                case (int) kola.abi.MemoryControl.NONCACHEABLE -> "NC";
                case (int) kola.abi.MemoryControl.IO -> "IO";
                default -> "attribute " + attribute;
            };
        }
    }

    /** An address space as the kernel sees it. */
    public record SpaceInfo(int asid, String name, int threads, boolean privileged, long kernelBytes) {
    }
}
