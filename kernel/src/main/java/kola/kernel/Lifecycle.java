package kola.kernel;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import kola.abi.Fpage;
import kola.abi.KernelLabels;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.machine.CostModel;
import kola.machine.PhysicalMemory;
import kola.machine.Tlb;
import kola.machine.riscv.Elf64;
import kola.machine.riscv.HartState;

/**
 * The thread and space lifecycle: making a space and a thread, activating and starting a thread
 * (at a boot module's entry, by its pager's start message, or anew), a thread's end (its program
 * returned or threw, or it cannot go on), renaming and deleting threads, deleting spaces, and
 * destroying the kernel objects whose frames were revoked (precise). It holds the live spaces and
 * the deleted spaces still charged for objects they made (DESIGN.md, "Threads and spaces").
 *
 * <p>{@link Kernel} makes it after the parts it uses, and is not one of them: boot and the kernel
 * loop call it, as do the system calls, IPC (a start message), kernel-made IPC (a fault that ends
 * or restarts a thread), kernel memory (revoked frames), the mapping database and the invariants.
 * None of this is on the hot paths (the kernel loop, the IPC fast path, the scheduler).
 */
final class Lifecycle {
    private final Image image;
    private final Boot boot;
    private final KernelConfig config;
    private final PhysicalMemory phys;
    private final Tlb tlb;
    private final EventLog events;
    private final Cpu cpu;
    private final ThreadTable threads;
    private final KernelMemory kmem;
    /** The kernel-memory model when it is precise or lend (frames tasks gave), else null. */
    private final KernelFrames frames;
    private final CommPolicy policy;
    private final CapabilitySpaces caps;
    private final MappingDatabase mdb;
    private final Ipc ipc;
    private final Interrupts interrupts;
    private final Faults faults;
    /** The L4 system calls of RISC-V threads: a RISC-V thread's start backs and maps its UTCB page. */
    private final RiscvBinding binding;
    /**
     * A new thread's user API (its meter and memory accessor too). The API reads the kernel's
     * entry count and the CPU's preemption point as its thread runs, so it holds the {@link
     * Kernel}; the lifecycle only makes it, through this function, and holds no kernel of its own.
     */
    private final Function<Tcb, UserApi> apis;
    private final PrintStream console;
    private final List<Space> spaces = new ArrayList<>();
    /** Deleted spaces that were still charged for objects they created when they went. */
    private final List<Space> retired = new ArrayList<>();
    private int nextAsid = 1;

    Lifecycle(Image image, Boot boot, KernelConfig config, PhysicalMemory phys, Tlb tlb, EventLog events, Cpu cpu,
              ThreadTable threads, KernelMemory kmem, KernelFrames frames, CommPolicy policy, CapabilitySpaces caps,
              MappingDatabase mdb, Ipc ipc, Interrupts interrupts, Faults faults, RiscvBinding binding,
              Function<Tcb, UserApi> apis, PrintStream console) {
        this.image = image;
        this.boot = boot;
        this.config = config;
        this.phys = phys;
        this.tlb = tlb;
        this.events = events;
        this.cpu = cpu;
        this.threads = threads;
        this.kmem = kmem;
        this.frames = frames;
        this.policy = policy;
        this.caps = caps;
        this.mdb = mdb;
        this.ipc = ipc;
        this.interrupts = interrupts;
        this.faults = faults;
        this.binding = binding;
        this.apis = apis;
        this.console = console;
    }

    // ---- where a thread may start -----------------------------------------------------------

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
        s.pageTable = new PageTable(phys, kmem, s, root);
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
        t.api = apis.apply(t);
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
            space.debugger = space.privileged || m.args().contains(Kernel.DEBUGGER_ARG);
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
        t.continuation = new TaskContinuation(Kernel.SCOPE, () -> {
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

    // ---- a thread's end --------------------------------------------------------------------

    /** The thread's program returned or threw: it halts, or its exception goes to its exception handler. */
    void exited(Tcb t) {
        t.continuation = null;
        t.ended = true;
        Throwable death = t.death;
        String text = death == null ? null : Kdb.oneLine(t.deathText != null ? t.deathText : death.getClass().getName());
        events.record(KernelEvents.HALT, t.id, death == null ? 0 : 1, 0);
        long handlerId = faults.handlerId(t, t.exceptionHandler);
        Tcb handler = death == null || handlerId == ThreadId.NIL ? null : threads.lookup(handlerId);
        // Whoever waits for t (a client in its fault, a sender, a closed receive) waits for a
        // thread whose code has ended: each is released with an error, as deletion would; but
        // for its exception handler, which waits for the message the kernel now sends it.
        ipc.detach(t, Faults.alive(handler) ? handler : null);
        if (Faults.alive(handler)) {
            kdb("thread " + Kdb.describe(t) + ": " + text + " -> exception IPC to " + ThreadId.toString(handlerId));
            faults.beginKernelIpc(t, Tcb.EXCEPTION_IPC, MsgTag.make(KernelLabels.EXCEPTION, 2, 0), t.startIp,
                    Faults.exceptionCode(death));
            ipc.ipc(t, handlerId, handlerId, 0);
            return;
        }
        if (death != null) {
            kdb("thread " + Kdb.describe(t) + " halted: " + text);
        }
        t.halted = true;
        t.state = Tcb.INACTIVE;
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
        kdb("thread " + Kdb.describe(t) + " halted: " + why);
    }

    /** Prints a kernel message on the debug console. */
    private void kdb(String message) {
        Kdb.kernelMessage(console, message);
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
        tlb.flushAsid(s.asid);
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
    void waitQueueGone(WaitQueue q) {
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
        tlb.flushAsid(s.asid);
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

    // ---- the spaces, live and retired -------------------------------------------------------

    /** The live space with ASID {@code asid}, or null. */
    Space spaceByAsid(long asid) {
        for (Space s : spaces) {
            if (s.asid == asid) {
                return s;
            }
        }
        return null;
    }

    /** The live spaces, in the order they were made (the list itself: {@link Inspection} reads it too). */
    List<Space> spaces() {
        return spaces;
    }

    /** Deleted spaces still charged for objects they made. */
    List<Space> retiredSpaces() {
        return retired;
    }

    /** Kernel memory charged to deleted spaces for objects they created that still live (their threads' TCBs, say). */
    long deletedSpaceCharges() {
        long sum = 0;
        for (Space s : retired) {
            sum += s.kernelBytesTotal();
        }
        return sum;
    }
}
