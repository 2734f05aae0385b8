package kola.kernel;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import kola.abi.Fpage;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.KipLayout;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.machine.CostModel;
import kola.machine.CycleClock;
import kola.machine.Machine;
import kola.machine.PhysicalMemory;
import kola.machine.riscv.Cause;
import kola.machine.riscv.Elf64;
import kola.machine.riscv.Hart;
import kola.machine.riscv.HartState;

/**
 * The Kola microkernel on one simulated {@link Machine}: boot, the kernel loop, and the thread and
 * space lifecycle (paper section 2; DESIGN.md, "Execution model").
 *
 * <p>The kernel loop runs the current thread's continuation until it traps, performs the trap,
 * and runs whoever is current then. When no thread is runnable it skips simulated time to the next
 * timeout or device event; when there is none, the system has nothing left to do and
 * {@link #run()} returns. The kernel never runs inside a continuation and never blocks.
 *
 * <p>Kernel-made IPC for faults and exceptions is {@link Faults}'s.
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
    /** The boot image's modules as the kernel loads them: sandboxed class files, machine code. */
    private final Boot boot;
    private final List<Space> spaces = new ArrayList<>();
    /** Snapshots of threads, spaces and mappings, for the command line and tests. */
    private final Inspection inspection;
    private int nextAsid = 1;
    /** Deleted spaces that were still charged for objects they created when they went. */
    private final List<Space> retired = new ArrayList<>();
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
        this.caps = new CapabilitySpaces(kmem, this::waitQueueGone);
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
        this.boot = new Boot(image, console);
        this.inspection = new Inspection(threads, spaces, phys);
        this.hart = new Hart(phys, machine.mmu(), clock);
    }

    /** The instruction pointer of module {@code index}'s entry 0: its code "lies" at (index + 1) << 32. */
    static long moduleIpBase(int index) {
        return (long) (index + 1) << 32;
    }

    /** The module whose code contains {@code ip}, or -1. */
    int moduleOf(long ip) {
        long index = (ip >>> 32) - 1;
        return index >= 0 && index < image.modules().size() ? (int) index : -1;
    }

    /**
     * Whether a thread of {@code space} may be started at {@code ip} by a thread of {@code
     * starter}: a new space at a module's entry (which makes it that module's space), or, started
     * by a RISC-V program, at any user address outside the modules' entries (machine code: the
     * space becomes a space of the starter's module, as an X.2 program makes a space for its own
     * code); a Java module's space at an entry of its module; a RISC-V module's space at its
     * module's entry or any user address (its own code).
     */
    boolean validStart(Space space, long ip, Space starter) {
        if (space.module < 0) {
            return moduleOf(ip) >= 0 || machineCodeStarter(starter) && ip >= 0 && ip < Elf64.USER_TOP;
        }
        if (image.modules().get(space.module).elf() != null) {
            return moduleOf(ip) == space.module || ip >= 0 && ip < Elf64.USER_TOP;
        }
        return moduleOf(ip) == space.module;
    }

    /** Whether {@code space} runs a RISC-V module's machine code. */
    private boolean machineCodeStarter(Space space) {
        return space.module >= 0 && image.modules().get(space.module).elf() != null;
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
                    // current thread picks another at once, Kernel.deleteThread; nothing else of
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
        Space sigma0 = newSpace("sigma0", null);
        Space root = newSpace("roottask", null);
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
        Tcb s0 = newThread(sigma0Id, sigma0, null, sigma0Id, ThreadId.NIL);
        Tcb rt = newThread(rootId, root, null, rootId, sigma0Id);
        s0.priority = config.bootPriority();
        rt.priority = config.bootPriority();
        activate(s0, Fpage.base(BOOT_UTCB_AREA));
        activate(rt, Fpage.base(BOOT_UTCB_AREA));
        start(s0, moduleIpBase(0), 0, s0.space);
        start(rt, moduleIpBase(1), 0, rt.space);
        s0.halted = false;
        rt.halted = false;
        cpu.makeReady(s0);
        cpu.makeReady(rt);
        kdb("Kola, L4 X.2 API 0x" + Integer.toHexString(Kip.API_VERSION_X2) + ", " + (machine.memory().ramBytes() >> 20) + " MiB RAM, "
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

    private void handleTrap(Tcb t) {
        int trap = t.trap;
        t.trap = Trap.NONE;
        if (trap != Trap.IPC) {
            events.record(KernelEvents.TRAP, t.id, trap, 0);
        }
        clock.advance(CostModel.TRAP);
        switch (trap) {
            case Trap.IPC -> ipc.ipc(t, t.a0, t.a1, t.a2);
            case Trap.PREEMPT -> { }
            case Trap.EXIT -> exited(t);
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
                console.println("kdb: " + Kdb.oneLine(reason) + " (from " + describe(t) + ")");
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

    /** The thread's program returned or threw: it halts, or its exception goes to its exception handler. */
    private void exited(Tcb t) {
        t.continuation = null;
        t.ended = true;
        Throwable death = t.death;
        String text = death == null ? null : Kdb.oneLine(t.deathText != null ? t.deathText : death.getClass().getName());
        events.record(KernelEvents.HALT, t.id, death == null ? 0 : 1, 0);
        long handlerId = handlerId(t, t.exceptionHandler);
        Tcb handler = death == null || handlerId == ThreadId.NIL ? null : threads.lookup(handlerId);
        // Whoever waits for t (a client in its fault, a sender, a closed receive) waits for a
        // thread whose code has ended: each is released with an error, as deletion would; but
        // for its exception handler, which waits for the message the kernel now sends it.
        ipc.detach(t, Faults.alive(handler) ? handler : null);
        if (Faults.alive(handler)) {
            kdb("thread " + describe(t) + ": " + text + " -> exception IPC to " + ThreadId.toString(handlerId));
            faults.beginKernelIpc(t, Tcb.EXCEPTION_IPC, MsgTag.make(KernelLabels.EXCEPTION, 2, 0), t.startIp,
                    Faults.exceptionCode(death));
            ipc.ipc(t, handlerId, handlerId, 0);
            return;
        }
        if (death != null) {
            kdb("thread " + describe(t) + " halted: " + text);
        }
        t.halted = true;
        t.state = Tcb.INACTIVE;
    }

    /**
     * The global id of the thread that {@code t}'s pager or exception-handler word {@code word}
     * names, for the kernel's IPC on t's behalf. Under the thread-id models a local id names a
     * thread of t's own space (X.2: the page fault is t's IPC to its pager, and t's local ids
     * name t's space), nil if it names none there; whatever thread number its bits hold, it never
     * names a thread of another space. Any other word is taken as it is: a global id, or, under
     * the object-space models, where local ids are no IPC names, a word that names no thread.
     */
    long handlerId(Tcb t, long word) {
        if (localIds && word != ThreadId.NIL && ThreadId.isLocal(word)) {
            Tcb h = t.space.localThread(word);
            return h == null ? ThreadId.NIL : h.id;
        }
        return word;
    }

    /** Why the pager or handler {@code word} (resolved to {@code id}, the thread {@code h}) cannot answer. */
    static String gone(long word, long id, Tcb h) {
        if (id == ThreadId.NIL) {
            return " names no thread of its space";
        }
        return h == null ? " is gone" : "'s code has ended";
    }

    /**
     * {@code t} cannot go on (an unresolvable fault): it dies like a thread whose code threw, at
     * the next point where the kernel loop would run it — its exception handler hears of it, or
     * it halts and the console says why.
     */
    void fatal(Tcb t, String why) {
        t.death = new ThreadFault(why);
        t.deathText = t.death.toString();
        t.exitPending = true;
        t.state = Tcb.READY;
        t.halted = false;
        // Whoever released t from its IPC makes it ready (or runs it); t is not queued here.
    }

    /** Halts {@code t} and reports why on the kernel console. */
    void halt(Tcb t, String why) {
        t.halted = true;
        cpu.ready.remove(t);
        events.record(KernelEvents.HALT, t.id, 2, 0);
        kdb("thread " + describe(t) + " halted: " + why);
    }

    /** Prints a kernel message on the debug console. */
    void kdb(String message) {
        console.println("kernel: " + message);
    }

    String describe(Tcb t) {
        return ThreadId.toString(t.id) + " (" + t.space.name + ")";
    }

    // ---- threads and spaces -----------------------------------------------------------------

    /** A new, empty address space charged to {@code owner}; null if kernel memory is exhausted. */
    Space newSpace(String name, Space owner) {
        KernelFrame f = kmem.charge(owner, KernelObject.SPACE, Space.BYTES);
        if (f == null) {
            return null;
        }
        Space s = new Space(nextAsid++, name);
        s.owner = owner;
        long root = kmem.allocateFrame(s);
        if (root < 0) {
            kmem.release(f, owner, KernelObject.SPACE, Space.BYTES, null);
            return null;
        }
        s.frame = f;
        f.hold(s);
        s.pageTable = new PageTable(machine.memory(), kmem, s, root);
        spaces.add(s);
        events.record(KernelEvents.SPACE_CREATE, s.asid, 0, 0);
        return s;
    }

    /** A new inactive thread; the caller checked the id and charged nothing yet. Null if out of memory. */
    Tcb newThread(long id, Space space, Space owner, long scheduler, long pager) {
        KernelFrame f = kmem.charge(owner, KernelObject.TCB, Tcb.BYTES);
        if (f == null) {
            return null;
        }
        Tcb t = new Tcb(ThreadId.number(id));
        t.frame = f;
        f.hold(t);
        t.id = id;
        t.space = space;
        t.owner = owner;
        t.scheduler = scheduler;
        t.pager = pager;
        t.priority = config.defaultPriority();
        t.timeslice = config.timesliceMicros() * CostModel.CYCLES_PER_MICROSECOND;
        t.remaining = t.timeslice;
        t.halted = true;
        t.api = new UserApi(t, this);
        space.threads++;
        threads.put(t);
        events.record(KernelEvents.THREAD_CREATE, id, space.asid, 0);
        return t;
    }

    /** Gives {@code t} its UTCB: it can be started now. The caller checked the location. */
    void activate(Tcb t, long utcbLocation) {
        t.utcbLocation = utcbLocation;
        t.space.useUtcb(utcbLocation, t);
        t.space.activeThreads++;
    }

    /**
     * The X.2 start message (tag {@code tag}, MR1 {@code ip}, MR2 {@code sp}, each read once by
     * the caller) from the pager of {@code t} (of space {@code pager}), which waits for it: exactly
     * two untyped words and an ip the thread's space can start at, started by the pager ({@link
     * #validStart}), start the thread there, not
     * halted; anything else starts nothing and returns false.
     */
    boolean startByMessage(Tcb t, long tag, long ip, long sp, Space pager) {
        if (MsgTag.untyped(tag) != 2 || MsgTag.typed(tag) != 0 || !validStart(t.space, ip, pager)) {
            return false;
        }
        t.halted = false;
        start(t, ip, sp, pager);
        return true;
    }

    /**
     * (Re)starts {@code t} at {@code ip} with a fresh continuation; the caller checked that ip lies
     * in the space's module and that the thread is activated and not in an IPC. The thread is made
     * runnable unless it is halted.
     */
    void start(Tcb t, long ip, long sp, Space starter) {
        t.awaitingStart = false;
        Space space = t.space;
        if (space.module < 0) {
            int index = moduleOf(ip) >= 0 ? moduleOf(ip) : starter.module; // (validStart: a RISC-V starter)
            Image.Module m = image.modules().get(index);
            space.module = index;
            space.name = m.name();
            space.debugger = space.privileged || m.args().contains(DEBUGGER_ARG);
        }
        t.startIp = ip;
        t.startSp = sp;
        t.death = null;
        t.deathText = null;
        t.exitPending = false;
        t.ended = false;
        t.restart = Tcb.NO_RESTART;
        t.xferError = 0;
        t.state = Tcb.READY;
        Image.Module module = image.modules().get(space.module);
        if (module.elf() != null) {
            // Machine code: a register file, no continuation. Started at the module's entry, the
            // thread begins at the program's; any other ip is an address in its own code.
            t.continuation = null;
            t.hart = new HartState(ip == moduleIpBase(space.module) ? module.elf().elf().entry() : ip);
            t.hart.x[2] = sp;
            if (t.exceptionHandler == ThreadId.NIL) {
                // A new thread's handler: its pager, until the thread names another in its UTCB
                // (a program's loader then serves both, as kola exec's runtime does).
                t.exceptionHandler = t.pager;
            }
            if (!binding.start(t)) {
                fatal(t, "no kernel memory for its UTCB");
            }
            return;
        }
        t.hart = null;
        UserApi api = t.api;
        Boot.ProgramMaker maker;
        if (module.classes() == null) {
            java.util.function.Supplier<? extends Program> factory = module.program();
            maker = () -> java.util.Objects.requireNonNull(factory.get(), "the module's program factory gave null");
        } else {
            Boot.Sandboxed prepared = boot.sandboxed(space.module);
            if (prepared.refusal() != null) {
                String line = prepared.refusal();
                maker = () -> {
                    throw new ModuleRefused(line);
                };
            } else {
                if (space.loader == null) {
                    space.loader = new TaskClassLoader(module.name(), space.asid, prepared.classes());
                    Module kernelModule = Kernel.class.getModule();
                    if (kernelModule.isNamed()) {
                        // The task's classes call the Meter (and nothing else of the kernel: the verifier saw to it).
                        kernelModule.addExports(Kernel.class.getPackageName(), space.loader.getUnnamedModule());
                    }
                }
                ClassLoader loader = space.loader;
                String main = module.classes().mainClass();
                maker = () -> Boot.instantiate(loader, main);
            }
        }
        api.stackWords = 0; // the frames of a continuation left behind are gone with it
        t.continuation = new TaskContinuation(SCOPE, () -> {
            try {
                // The space's program is made by its first thread to run, in that thread: a
                // constructor or static initializer that throws or misbehaves is the task's
                // failure, not the kernel's.
                Program program = space.program;
                if (program == null) {
                    program = maker.make();
                    space.program = program;
                }
                program.run(api);
            } catch (Throwable e) {
                t.death = e;
                t.deathText = Boot.deathText(e);
            }
            api.settle();
            t.trap = Trap.EXIT;
        }, api);
    }

    /** A module the kernel refused to load; its text is the one line that says why. */
    static final class ModuleRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ModuleRefused(String line) {
            super(line, null, false, false);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    /**
     * Gives {@code t} the global id {@code id} (same thread number, another version; ThreadControl).
     * Its old id names no thread any more: t's own IPC and every IPC that waits for it are
     * cancelled, as deletion would cancel them.
     */
    void renameThread(Tcb t, long id) {
        if (t.inIpc()) {
            ipc.abort(t, kola.abi.IpcError.CANCELLED);
        }
        ipc.detach(t);
        t.id = id;
        events.record(KernelEvents.THREAD_CREATE, id, t.space.asid, 1); // (its new name, as a thread made anew)
    }

    /** Deletes {@code t}: its IPC partners are released with errors, its space goes with its last thread. */
    void deleteThread(Tcb t) {
        if (t.lentTo != null) {
            ipc.takeBack(t);
        }
        ipc.detach(t);
        SchedContext home = t.homeSc;
        if (home != null) {
            cpu.account();
            home.home = null;
            home.holder = null;
            t.homeSc = null;
        }
        if (t.donor != null) {
            ipc.takeBack(t.donor); // it died on a lent context: back to the lender
        }
        t.sc = null;
        if (t.boundNotification != null) {
            t.boundNotification.bound = null;
            t.boundNotification = null;
        }
        cpu.ready.remove(t);
        cpu.timeouts.cancel(t);
        threads.remove(t);
        t.state = Tcb.DEAD;
        t.continuation = null;
        Space space = t.space;
        if (t.utcbLocation != -1) {
            space.releaseUtcb(t.utcbLocation);
            space.activeThreads--;
        }
        kmem.release(t.owner, t);
        events.record(KernelEvents.THREAD_DELETE, t.id, space.asid, 0);
        if (--space.threads == 0) {
            deleteSpace(space);
        }
        if (cpu.current == t) {
            cpu.current = null;
            cpu.reschedule();
        }
    }

    /**
     * Destroys {@code o}, a kernel object whose frame was revoked (precise), the way its own
     * deletion goes: a thread is deleted, a space loses its threads (and goes with the last), a
     * mapping or capability is removed with everything derived from it, a gate, notification or
     * reply object loses every capability that names it, an object space all its capabilities.
     * Each of these releases the object from its frame.
     */
    void destroyKernelObject(Object o) {
        switch (o) {
            case Tcb t -> deleteThread(t);
            case Space s -> deleteThreadsOf(s);
            case MapNode n -> mdb.removeSubtree(n);
            case CapNode c -> caps.removeSubtree(c);
            case KObject obj -> caps.destroy(obj, spaces);
            case ObjectSpace os -> caps.removeAll(os.space);
            default -> throw new IllegalStateException("not a kernel object: " + o);
        }
    }

    /** Deletes every thread of {@code s}; the space goes with the last. */
    private void deleteThreadsOf(Space s) {
        for (long no = 0; no < threads.scanLimit() && !s.dead; no++) {
            Tcb t = threads.byNumber(no);
            if (t != null && t.space == s) {
                deleteThread(t);
            }
        }
        if (!s.dead) {
            deleteSpace(s); // (a space without threads: it was being made)
        }
    }

    /**
     * Frame {@code pfn}, a node of {@code s}'s page table, was revoked (precise): every mapping of
     * s below it goes, then the node with the nodes below it. The root, or a node above the KIP or
     * a UTCB page (which the kernel maps itself and a space cannot run without), takes the whole
     * space: its threads are deleted.
     */
    void destroyPageTableFrame(Space s, long pfn) {
        PageTable.Slot at = s.pageTable.locate(pfn);
        if (at == null || coversKernelPages(s, at.base(), at.size())) {
            deleteThreadsOf(s);
            return;
        }
        for (MapNode n : MappingDatabase.heldIn(s, at.base() >>> PhysicalMemory.PAGE_SHIFT, at.size() >>> PhysicalMemory.PAGE_SHIFT)) {
            if (n.space == s && s.pages.get(n.vpn) == n) {
                mdb.removeSubtree(n);
            }
        }
        s.pageTable.detach(at);
        machine.tlb().flushAsid(s.asid);
    }

    boolean coversKernelPages(Space s, long base, long size) {
        if (!Fpage.isNil(s.kipArea) && Fpage.base(s.kipArea) - base < size) {
            return true;
        }
        for (long vpn : s.utcbPages.keySet()) {
            if ((vpn << PhysicalMemory.PAGE_SHIFT) - base < size) {
                return true;
            }
        }
        return false;
    }

    /**
     * The last capability of a notification or an endpoint went: the threads waiting on it fail
     * (cancelled), and so do an endpoint's senders, whose gates now lead nowhere; lines bound to
     * a notification are unbound.
     */
    private void waitQueueGone(WaitQueue q) {
        while (q.waitHead != null) {
            ipc.abort(q.waitHead, kola.abi.IpcError.CANCELLED);
        }
        if (q instanceof Endpoint e) {
            e.gone = true;
            while (e.senders.sendHead != null) {
                ipc.abort(e.senders.sendHead, kola.abi.IpcError.CANCELLED);
            }
        } else if (q instanceof Notification n) {
            interrupts.unbind(n);
        }
    }

    void deleteSpace(Space s) {
        s.dead = true;
        mdb.removeAll(s);
        caps.removeAll(s);
        policy.forget(s);
        machine.tlb().flushAsid(s.asid);
        for (long pfn : s.utcbPages.values()) {
            kmem.freeFrame(s, pfn);
        }
        s.utcbPages.clear();
        s.pageTable.destroy();
        kmem.release(s.owner, s);
        spaces.remove(s);
        if (s.kernelBytesTotal() != 0) {
            retired.add(s);
        }
        if (frames != null) {
            frames.accountDied(s);
        }
        events.record(KernelEvents.SPACE_DELETE, s.asid, 0, 0);
    }

    // ---- inspection, for the command line and tests -----------------------------------------

    /** The live space with ASID {@code asid}, or null. */
    Space spaceByAsid(long asid) {
        for (Space s : spaces) {
            if (s.asid == asid) {
                return s;
            }
        }
        return null;
    }

    List<Space> spacesInternal() {
        return spaces;
    }

    /** Kernel memory charged to deleted spaces for objects they created that still live (their threads' TCBs, say). */
    /** Deleted spaces still charged for objects they made. */
    List<Space> retiredSpaces() {
        return retired;
    }

    long deletedSpaceCharges() {
        long sum = 0;
        for (Space s : retired) {
            sum += s.kernelBytesTotal();
        }
        return sum;
    }

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
