package kola.kernel;

import kola.abi.Fpage;
import kola.abi.KernelLabels;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.machine.Mmu;
import kola.machine.PhysicalMemory;
import kola.machine.Tlb;
import kola.machine.riscv.Cause;

/**
 * Kernel-made IPC on a thread's behalf (DESIGN.md, "IPC", "Kernel-memory models"): page faults
 * to the pager, kernel-memory faults to an account's kpager, exceptions to the exception
 * handler, timeout faults to the timeout-fault handler; the thread's own message registers are
 * saved while the kernel's message is in them, and the reply (or the failure) decides how the
 * thread goes on. A part of the kernel the {@link Kernel} facade holds; it asks the thread
 * lifecycle ({@link Lifecycle}: fatal, halt, start) for the rest.
 */
final class Faults {
    private final Kernel k;
    private final ThreadTable threads;
    private final EventLog events;
    private final Cpu cpu;
    /** The kernel-memory model when it is precise, lend or kpager, else null. */
    private final KernelFrames frames;
    private final MappingDatabase mdb;
    private final Mmu mmu;
    private final Tlb tlb;
    /** Local ids are IPC names (the thread-id models): pager and exception-handler words may be local ids. */
    private final boolean localIds;

    Faults(Kernel k) {
        this.k = k;
        this.threads = k.threads;
        this.events = k.events;
        this.cpu = k.cpu;
        this.frames = k.frames;
        this.mdb = k.mdb;
        this.mmu = k.machine.mmu();
        this.tlb = k.machine.tlb();
        this.localIds = k.localIds;
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

    /** Words of a RISC-V exception message: pc, cause, tval, then x1..x31. */
    static final int MACHINE_EXCEPTION_WORDS = 3 + 31;

    /**
     * RISC-V thread {@code t} took exception {@code cause} (the RISC-V scause number) at its pc:
     * exception IPC to its handler (label {@link KernelLabels#EXCEPTION}, MR1 pc, MR2 cause, MR3
     * tval, MR4..MR34 x1..x31), as L4 sends an architecture exception; the handler's reply sets pc
     * and registers and resumes the thread (see {@link #kernelIpcReplied}). Without a living
     * handler the thread cannot go on: it dies, reported.
     */
    void machineException(Tcb t, int cause, long tval) {
        String what = Cause.name(cause) + " at pc 0x" + Long.toHexString(t.hart.pc) + " (tval 0x" + Long.toHexString(tval) + ")";
        long word = t.exceptionHandler; // read once: the thread's UTCB word, a global or a local id
        long handlerId = handlerId(t, word);
        Tcb handler = handlerId == ThreadId.NIL ? null : threads.lookup(handlerId);
        if (!alive(handler)) {
            k.lifecycle.fatal(t, what + ", " + (word == ThreadId.NIL ? "no exception handler"
                    : "exception handler " + ThreadId.toString(word) + gone(word, handlerId, handler)));
            cpu.makeReady(t);
            return;
        }
        beginKernelIpc(t, Tcb.EXCEPTION_IPC, MsgTag.make(KernelLabels.EXCEPTION, MACHINE_EXCEPTION_WORDS, 0),
                t.hart.pc, cause);
        t.mr[3] = tval;
        System.arraycopy(t.hart.x, 1, t.registers(35), 4, 31);
        k.ipc.ipc(t, handlerId, handlerId, 0);
    }

    /**
     * {@code t}, the current thread, ran out of the budget its caller lent it (found at the
     * preemption point after its kernel entry): a timeout fault to its timeout-fault handler
     * (label {@link KernelLabels#TIMEOUT_FAULT}, MR1 the caller, MR2 the context), whose reply
     * lets it go on when the budget is refilled. Without a living handler, or with the lender as
     * handler, it just waits for the refill.
     */
    void timeoutFault(Tcb t) {
        Tcb handler = t.timeoutHandler == ThreadId.NIL ? null : threads.lookup(t.timeoutHandler);
        if (!alive(handler) || handler == t || handler == t.donor || t.kernelIpc != Tcb.NO_KERNEL_IPC || t.restart != Tcb.NO_RESTART) {
            // (The lender waits for the reply: the fault would pass for it. A call in its restart
            // state is finished first.)
            return;
        }
        // It stopped between two of its own calls, or just after one: the fault keeps that call's results.
        t.savedErrorCode = t.errorCode;
        t.savedResult = t.result;
        beginKernelIpc(t, Tcb.TIMEOUT_IPC, MsgTag.make(KernelLabels.TIMEOUT_FAULT, 2, 0), t.donor.id, t.sc.id);
        k.ipc.ipc(t, t.timeoutHandler, t.timeoutHandler, 0);
        cpu.schedule(); // (the kernel's entry on t's behalf ends with its decision, as a trap's does)
    }

    /** Whether {@code t} exists and its code has not ended: a pager or handler that can still answer. */
    static boolean alive(Tcb t) {
        return t != null && !t.ended;
    }

    static long exceptionCode(Throwable e) {
        if (e instanceof ThreadFault) {
            return KernelLabels.EXC_PAGE_FAULT;
        }
        if (e instanceof StackOverflowError) {
            return KernelLabels.EXC_STACK_OVERFLOW;
        }
        if (e instanceof Error) {
            return KernelLabels.EXC_ERROR;
        }
        return e instanceof RuntimeException ? KernelLabels.EXC_RUNTIME : KernelLabels.EXC_CHECKED;
    }

    /**
     * A memory access of {@code t} found no usable mapping (L4 X.2, "Page Faults"): the kernel sends
     * page-fault IPC to t's pager on t's behalf (label -2 | rwx, MR1 the address, MR2 the
     * instruction pointer t was started at) and the access is retried when t runs again. Sigma0
     * faults on its own memory are served by the kernel: sigma0's space is the identity mapping.
     * A thread without a living pager is halted and the event reported.
     */
    void pageFault(Tcb t, long va, int access) {
        if (access == Tcb.KMEM_FAULT) {
            kmemFaultIpc(t);
            return;
        }
        events.record(KernelEvents.FAULT, t.id, va, access);
        Space space = t.space;
        if (frames != null && rebuild(t, space, va, access)) {
            return;
        }
        if (mmu.translate(space.asid, space.pageTable.rootPfn, va, access) >= 0) {
            return; // mapped meanwhile (a transfer fault its partner resolved, say)
        }
        if (space == k.sigma0Space && va >= 0 && mdb.node(space, va >>> PhysicalMemory.PAGE_SHIFT) != null
                && mmu.translate(space.asid, space.pageTable.rootPfn, va, access) >= 0) {
            return;
        }
        long word = t.pager; // read once: the thread's UTCB word, a global or a local id
        long pagerId = handlerId(t, word);
        Tcb pager = pagerId == ThreadId.NIL ? null : threads.lookup(pagerId);
        if (!alive(pager)) {
            k.lifecycle.fatal(t, "page fault at 0x" + Long.toHexString(va) + " (" + Fpage.rightsString(access) + "), "
                    + (word == ThreadId.NIL ? "no pager" : "pager " + ThreadId.toString(word) + gone(word, pagerId, pager)));
            return;
        }
        if (pagerCycle(t, pager)) {
            return;
        }
        t.faultVa = va;
        beginKernelIpc(t, Tcb.FAULT_IPC, MsgTag.make(KernelLabels.PAGE_FAULT | access, 2, 0), va,
                t.hart != null ? t.hart.pc : t.startIp);
        k.ipc.ipc(t, pagerId, pagerId, 0);
    }

    /**
     * Whether the system call {@code t} is in (trap {@code trap}), which an account's shortage
     * refused, becomes a kernel-memory fault instead (kpager model): the account has a live
     * kpager that is not t and did not just refuse t. If so the call enters its restart state
     * ({@link Tcb#restartAfterFault}): the kernel sends the fault, then performs the call again.
     */
    boolean kmemFault(Tcb t, int trap) {
        Space a = kmemShortage(t);
        if (a == null) {
            return false;
        }
        t.restartAfterFault(trap, 0, Tcb.KMEM_FAULT);
        t.kmemAccount = a;
        return true;
    }

    /**
     * The account whose shortage refused what {@code t} is doing, if that becomes a
     * kernel-memory fault (see {@link #kmemFault}); else null.
     */
    private Space kmemShortage(Tcb t) {
        Space a = frames == null ? null : frames.takeShortage();
        if (a == null) {
            return null;
        }
        if (t.kmemRefused) {
            t.kmemRefused = false;
            return null;
        }
        Tcb kpager = threads.lookup(a.kpager);
        return !alive(kpager) || kpager == t ? null : a;
    }

    /** Sends {@code t}'s kernel-memory fault to its account's kpager; the reply lets t go on (its restarted call, or its access). */
    private void kmemFaultIpc(Tcb t) {
        Space a = t.kmemAccount;
        t.kmemAccount = null;
        Tcb kpager = a == null || a.dead ? null : threads.lookup(a.kpager);
        if (!alive(kpager) || kpager == t) {
            return; // (the redo fails out of memory, or finds memory)
        }
        long name = ThreadId.NIL;
        for (long no = 0; no < threads.scanLimit() && name == ThreadId.NIL; no++) {
            Tcb x = threads.byNumber(no);
            name = x != null && x.space == a ? x.id : ThreadId.NIL;
        }
        events.record(KernelEvents.FAULT, t.id, -1, Tcb.KMEM_FAULT);
        beginKernelIpc(t, Tcb.KMEM_IPC, MsgTag.make(KernelLabels.KMEM_FAULT, 2, 0), name, a.asid);
        k.ipc.ipc(t, kpager.id, kpager.id, 0);
    }

    /**
     * A fault on a page {@code space} holds whose page-table path a kpager evicted: the kernel
     * makes the entry again from the mapping database (true), faulting to the kpager first if the
     * page-table nodes do not fit. False: a fault for the pager.
     */
    private boolean rebuild(Tcb t, Space space, long va, int access) {
        MapNode n = va >= 0 ? space.pages.get(va >>> PhysicalMemory.PAGE_SHIFT) : null;
        if (n == null || frames.frame(n.pfn) != null || (access & ~PageTable.effectiveRights(n.rights)) != 0
                || space.pageTable.lookup(va) != 0) {
            return false;
        }
        if (space.pageTable.map(va & -PhysicalMemory.PAGE_SIZE, n.pfn, n.rights, n.attribute)) {
            tlb.flush(space.asid, n.vpn);
            return true;
        }
        Space account = kmemShortage(t);
        if (account != null) {
            t.kmemAccount = account; // (faulting now, from this fault: the access is retried after it)
            kmemFaultIpc(t);
            return true;
        }
        return false;
    }

    /**
     * Whether t's fault would close a cycle of pagers that wait on each other's faults (t's pager
     * is in a fault IPC to a pager that is ... in a fault IPC to t). Such a cycle can never
     * resolve: every member's fault fails, and t's too, each reported. {@code pager} is the thread
     * t's pager word named at the fault; each further pager word is resolved in its own thread's
     * space ({@link #handlerId}).
     */
    private boolean pagerCycle(Tcb t, Tcb pager) {
        Tcb x = pager;
        int steps = 0;
        while (x != null && x != t && x.kernelIpc == Tcb.FAULT_IPC && x.inIpc() && steps++ < 64) {
            x = threads.lookup(handlerId(x, x.pager));
        }
        if (x != t) {
            return false;
        }
        String why = "page fault: its pager waits, through a cycle of pagers, for this very thread";
        for (Tcb y = pager; y != null && y != t; ) {
            Tcb next = threads.lookup(handlerId(y, y.pager));
            k.ipc.abort(y, kola.abi.IpcError.CANCELLED);
            y = next;
        }
        k.lifecycle.fatal(t, why);
        return true;
    }

    /** Saves t's MR0..MR2 and acceptor and loads a kernel-made message into them. */
    void beginKernelIpc(Tcb t, byte kind, long tag, long mr1, long mr2) {
        t.savedMr0 = t.mr[0];
        t.savedMr1 = t.mr[1];
        t.savedMr2 = t.mr[2];
        t.savedBr0 = t.br(0);
        t.mr[0] = tag;
        t.mr[1] = mr1;
        t.mr[2] = mr2;
        t.kernelIpc = kind;
        events.record(KernelEvents.KERNEL_IPC, t.id, tag, 0);
    }

    private void endKernelIpc(Tcb t) {
        t.mr[0] = t.savedMr0;
        t.mr[1] = t.savedMr1;
        t.mr[2] = t.savedMr2;
        t.setBr(0, t.savedBr0);
        t.kernelIpc = Tcb.NO_KERNEL_IPC;
    }

    /**
     * The pager or exception handler replied to a kernel-made IPC of {@code t} (its map items are
     * already in place). A page fault is retried; an exception reply whose MR1 is an entry of the
     * thread's program restarts it there, any other leaves it halted. A reply with a kernel label
     * (a page fault of the pager itself: pagers that page each other) fails the fault.
     */
    void kernelIpcReplied(Tcb t, long label) {
        byte kind = t.kernelIpc;
        if (kind == Tcb.KMEM_IPC) {
            endKernelIpc(t);
            t.kmemRefused = KernelLabels.isKernelLabel(label); // a refusal: the redo fails out of memory
            return;
        }
        if (kind == Tcb.TIMEOUT_IPC) {
            endKernelIpc(t); // it goes on where it stopped, when its budget is back
            t.errorCode = t.savedErrorCode;
            t.result = t.savedResult;
            return;
        }
        int untyped = MsgTag.untyped(t.mr[0]);
        long restartIp = t.mr[1];
        if (kind == Tcb.EXCEPTION_IPC && t.hart != null && untyped >= 1 && !KernelLabels.isKernelLabel(label)) {
            // The handler's reply resumes a RISC-V thread: MR1 the pc, MR4.. x1, x2, ... (as many as sent).
            t.hart.pc = restartIp;
            int regs = Math.min(31, untyped - 3);
            if (regs > 0) {
                t.copyMrs(4, t.hart.x, 1, regs);
            }
            t.ended = false;
            t.death = null;
            endKernelIpc(t);
            return;
        }
        endKernelIpc(t);
        if (KernelLabels.isKernelLabel(label)) {
            String why = label == KernelLabels.REFUSED ? "refused by " + ThreadId.toString(t.result)
                    : "answered by a kernel message (label " + label + "): pagers or handlers that fault on each other";
            if (kind == Tcb.FAULT_IPC) {
                k.lifecycle.fatal(t, "page fault at 0x" + Long.toHexString(t.faultVa) + " " + why);
            } else {
                k.lifecycle.halt(t, "exception " + why);
                t.state = Tcb.INACTIVE;
            }
            return;
        }
        if (kind == Tcb.EXCEPTION_IPC) {
            if (untyped >= 1 && k.lifecycle.moduleOf(restartIp) == t.space.module) {
                k.lifecycle.start(t, restartIp, t.startSp, t.space);
            } else {
                t.halted = true;
                t.state = Tcb.INACTIVE;
            }
        }
    }

    /**
     * A kernel-made IPC of {@code t} failed (no pager, pager gone, cancelled): t halts, reported;
     * but a timeout fault that failed only leaves t waiting for its refill.
     */
    void kernelIpcFailed(Tcb t) {
        byte kind = t.kernelIpc;
        if (kind == Tcb.KMEM_IPC) {
            endKernelIpc(t);
            t.kmemRefused = true;
            return;
        }
        if (kind == Tcb.TIMEOUT_IPC) {
            endKernelIpc(t); // no one heard: it waits for the refill
            t.errorCode = t.savedErrorCode;
            t.result = t.savedResult;
            return;
        }
        long code = t.errorCode;
        long address = t.mr[1]; // a failed IPC leaves MR1, the fault address, as it was
        endKernelIpc(t);
        if (kind == Tcb.FAULT_IPC) {
            k.lifecycle.fatal(t, "page fault at 0x" + Long.toHexString(address) + ": IPC to the pager failed: "
                    + kola.abi.IpcError.describe(code));
        } else {
            k.lifecycle.halt(t, "exception IPC failed: " + kola.abi.IpcError.describe(code));
            t.state = Tcb.INACTIVE;
        }
    }
}
