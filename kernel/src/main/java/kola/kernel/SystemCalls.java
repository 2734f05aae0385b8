package kola.kernel;

import kola.abi.Comm;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.KernelError;
import kola.abi.KipLayout;
import kola.abi.MemoryControl;
import kola.abi.Sched;
import kola.abi.Schedule;
import kola.abi.SpaceControl;
import kola.abi.ThreadId;
import kola.abi.ThreadState;
import kola.abi.Timeout;
import kola.machine.CostModel;
import kola.machine.CycleClock;
import kola.machine.PhysicalMemory;

/**
 * The system calls other than Ipc (L4 X.2: ThreadControl, SpaceControl, ExchangeRegisters,
 * ThreadSwitch, Schedule, SystemClock, Unmap). Each first decodes and checks every argument word,
 * failing with a {@link KernelError} in the caller's ErrorCode, and only then changes kernel
 * state, so a rejected call changes nothing.
 *
 * <p>Kola departs from X.2 where Java user code makes it necessary, and says so in the method.
 * A newly activated thread with a pager waits for its pager's start message as in X.2 ({@link Ipc},
 * {@link Lifecycle#startByMessage}); ExchangeRegisters, which privileged threads may apply to
 * threads of other spaces, starts it too.
 */
final class SystemCalls {
    private static final long NO_UTCB = -1L;
    private final Kernel k;

    SystemCalls(Kernel kernel) {
        this.k = kernel;
    }

    void perform(Tcb self, int trap) {
        switch (trap) {
            case Trap.THREAD_CONTROL -> self.result = threadControl(self, self.a0, self.a1, self.a2, self.a3, self.a4);
            case Trap.SPACE_CONTROL -> self.result = spaceControl(self, self.a0, self.a1, self.a2, self.a3, self.a4);
            case Trap.EXCHANGE_REGISTERS -> self.result = exchangeRegisters(self, self.a0, self.a1, self.a2, self.a3,
                    self.a4, self.a5, self.a6);
            case Trap.THREAD_SWITCH -> threadSwitch(self, self.a0);
            case Trap.KMEM_CONTROL -> self.result = kmemControl(self, self.a3, self.a0, self.a1, self.a2);
            case Trap.SCHED_CONTROL -> self.result = schedControl(self, self.a0, self.a1, self.a2, self.a3);
            case Trap.COMM_CONTROL -> self.result = commControl(self, self.a0, self.a1, self.a2, self.a3);
            case Trap.SCHEDULE -> self.result = schedule(self, self.a0, self.a1, self.a2, self.a3, self.a4);
            case Trap.SYSTEM_CLOCK -> {
                self.result = k.clock.now() / CostModel.CYCLES_PER_MICROSECOND;
                self.ret()[0] = k.clock.cycles();
            }
            case Trap.KERNEL_INTERFACE -> kernelInterface(self);
            case Trap.PROCESSOR_CONTROL -> self.result = processorControl(self, self.a0, self.a1, self.a2, self.a3);
            case Trap.MEMORY_CONTROL -> self.result = memoryControl(self, self.a0, self.a1, self.a2, self.a3, self.a4);
            default -> throw new IllegalStateException("unknown trap " + trap + " from " + self);
        }
        if (self.result == 0 && self.errorCode == KernelError.OUT_OF_MEMORY && trap != Trap.IPC
                && trap != Trap.KERNEL_INTERFACE && k.faults.kmemFault(self, trap)) {
            self.errorCode = KernelError.OK; // (the kernel performs the call again after the kpager's reply)
        }
        // (ThreadSwitch donates the CPU to its target whatever its priority: X.2 "processing switches to this thread".)
        k.cpu.repick(trap != Trap.THREAD_SWITCH);
    }

    /**
     * KernelInterface (X.2): the KIP's base address in the caller's space (its KIP area), the API
     * version, the API flags and the kernel id. It takes no arguments, so nothing the caller passes
     * matters, and cannot fail; ErrorCode is left as it was.
     */
    private void kernelInterface(Tcb self) {
        self.result = Fpage.base(self.space.kipArea);
        long[] ret = self.ret();
        ret[0] = KipLayout.API_VERSION_WORD;
        ret[1] = KipLayout.API_FLAGS_WORD;
        ret[2] = KipLayout.KERNEL_ID_WORD;
    }

    /** Fails the call with {@code code}; the result word 0 is nil, failure and ThreadState.ERROR alike. */
    private static long error(Tcb self, int code) {
        self.errorCode = code;
        return 0;
    }

    /**
     * The address space a space specifier names: the space of the live thread {@code id}. An
     * interrupt pseudo-thread names none (its space is the kernel's), nor does a dead or stale id.
     */
    private Space spaceOf(long id) {
        Tcb t = k.threads.lookup(id);
        return t == null || t.interruptLine >= 0 ? null : t.space;
    }

    /** A global id (X.2: a version with its low 6 bits not all 0) of a user thread number. */
    private boolean isUserThreadId(long id) {
        long no = ThreadId.number(id);
        return id != ThreadId.NIL && id != ThreadId.ANY && ThreadId.isGlobal(id)
                && no >= Kernel.USER_BASE && k.threads.inRange(no);
    }

    /**
     * X.2 thread start: an activated thread with a pager whose code never ran waits for its
     * pager's start message (its UTCB or its pager was just given).
     */
    private static void awaitStart(Tcb t) {
        if (t.utcbLocation != NO_UTCB && t.pager != ThreadId.NIL && t.state == Tcb.INACTIVE && t.neverStarted()) {
            t.awaitingStart = true;
        }
    }

    // ---- ThreadControl ----------------------------------------------------------------------

    /**
     * ThreadControl(dest, SpaceSpecifier, Scheduler, Pager, UtcbLocation), privileged. Space
     * specifier nil deletes dest; a dest that does not exist is created in the space of the
     * specifier (a new space when the specifier is dest itself); an existing dest gets a new
     * scheduler, pager or UTCB location. A dest whose thread number exists under another version
     * changes that thread's version (X.2): its old id names nobody any more, and its own IPC and
     * every IPC waiting for it are cancelled. Kola does not move threads between spaces. dest
     * must be a global id (a version that is a multiple of 64 has the local form: invalid
     * thread); the UTCB location becomes the thread's local id (0, the nil thread, is refused).
     * A thread activated with a pager, or an activated one given a pager before it ever ran,
     * waits for its pager's start message (X.2).
     */
    private long threadControl(Tcb self, long dest, long spaceSpec, long scheduler, long pager, long utcb) {
        if (!self.space.privileged) {
            return error(self, KernelError.NO_PRIVILEGE);
        }
        if (ThreadId.number(dest) < k.interrupts.count() && ThreadId.version(dest) == 1) {
            return interruptControl(self, dest, spaceSpec, pager);
        }
        if (!isUserThreadId(dest)) {
            return error(self, KernelError.INVALID_THREAD);
        }
        Tcb t = k.threads.byNumber(ThreadId.number(dest));
        if (spaceSpec == ThreadId.NIL) {
            if (t == null || t.id != dest || t == self) {
                return error(self, KernelError.INVALID_THREAD);
            }
            k.lifecycle.deleteThread(t);
            return 1;
        }
        if (scheduler != ThreadId.NIL && k.threads.lookup(scheduler) == null && scheduler != dest) {
            return error(self, KernelError.INVALID_SCHEDULER);
        }
        if (t == null) {
            return createThread(self, dest, spaceSpec, scheduler, pager, utcb);
        }
        if (spaceSpec != dest && spaceOf(spaceSpec) != t.space) {
            return error(self, KernelError.INVALID_SPACE);
        }
        if (utcb != NO_UTCB && utcb != t.utcbLocation
                && (t.utcbLocation != NO_UTCB || !t.space.utcbAvailable(utcb))) {
            return error(self, KernelError.INVALID_UTCB);
        }
        if (scheduler != ThreadId.NIL) {
            t.scheduler = scheduler;
        }
        if (pager != ThreadId.NIL) {
            t.pager = pager;
        }
        if (utcb != NO_UTCB && t.utcbLocation == NO_UTCB) {
            k.lifecycle.activate(t, utcb);
        }
        if (pager != ThreadId.NIL || utcb != NO_UTCB) {
            awaitStart(t);
        }
        if (t.id != dest) {
            k.lifecycle.renameThread(t, dest); // X.2: an existing thread number with another version changes the thread's version
        }
        return 1;
    }

    /**
     * ThreadControl on an interrupt pseudo-thread (L4 X.2, "Interrupts"): the space specifier must
     * be the pseudo-thread itself; the pager word is the new handler (an existing thread), or the
     * pseudo-thread itself to detach the handler.
     */
    private long interruptControl(Tcb self, long irqId, long spaceSpec, long handler) {
        Tcb irq = k.interrupts.line((int) ThreadId.number(irqId));
        if (spaceSpec != irqId) {
            return error(self, KernelError.INVALID_SPACE);
        }
        if (handler != irqId && (k.threads.lookup(handler) == null || k.threads.lookup(handler).interruptLine >= 0)) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        k.interrupts.assign(irq, handler);
        return 1;
    }

    private long createThread(Tcb self, long dest, long spaceSpec, long scheduler, long pager, long utcb) {
        if (scheduler == ThreadId.NIL) {
            return error(self, KernelError.INVALID_SCHEDULER);
        }
        Space space;
        if (spaceSpec == dest) {
            if (utcb != NO_UTCB) {
                return error(self, KernelError.INVALID_UTCB); // a new space has no UTCB area yet
            }
            space = k.lifecycle.newSpace("space-" + ThreadId.toString(dest), self.space);
            if (space == null) {
                return error(self, KernelError.OUT_OF_MEMORY);
            }
        } else {
            space = spaceOf(spaceSpec);
            if (space == null) {
                return error(self, KernelError.INVALID_SPACE);
            }
            if (utcb != NO_UTCB && !space.utcbAvailable(utcb)) {
                return error(self, KernelError.INVALID_UTCB);
            }
        }
        Tcb t = k.lifecycle.newThread(dest, space, k.kmem.payer(self.space, space), scheduler, pager);
        if (t == null) {
            if (space.threads == 0) {
                k.lifecycle.deleteSpace(space);
            }
            return error(self, KernelError.OUT_OF_MEMORY);
        }
        if (utcb != NO_UTCB) {
            k.lifecycle.activate(t, utcb);
            awaitStart(t);
        }
        return 1;
    }

    // ---- SpaceControl -----------------------------------------------------------------------

    /**
     * SpaceControl(SpaceSpecifier, control, KipArea, UtcbArea, Redirector), privileged. Sets the
     * KIP and UTCB areas of a space none of whose threads is active yet (afterwards, as in X.2,
     * the areas are ignored) and maps the KIP read-only at the KIP area. The control word (X.2:
     * the implementation's) has one bit, {@link kola.abi.Space#PRIVILEGED}: the space's threads may
     * make the privileged calls, as the root task's do. It is set with the areas, so it too is
     * ignored once a thread of the space is active; any other bit is an invalid parameter. The
     * old control word is returned. The redirector (X.2) is set at any time: a thread id sets it,
     * anythread removes it, nilthread leaves it; the {@code redirectors} model consults it.
     */
    private long spaceControl(Tcb self, long spaceSpec, long control, long kipArea, long utcbArea, long redirector) {
        self.ret()[0] = 0;
        if (!self.space.privileged) {
            return error(self, KernelError.NO_PRIVILEGE);
        }
        Space space = spaceOf(spaceSpec);
        if (space == null) {
            return error(self, KernelError.INVALID_SPACE);
        }
        if ((control & ~SpaceControl.PRIVILEGED) != 0
                || redirector != ThreadId.NIL && redirector != ThreadId.ANY && k.threads.lookup(redirector) == null) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        self.ret()[0] = space.privileged ? SpaceControl.PRIVILEGED : 0;
        if (redirector != ThreadId.NIL) {
            space.redirector = redirector == ThreadId.ANY ? ThreadId.NIL : redirector;
        }
        if (space.activeThreads > 0) {
            return 1;
        }
        if (!Fpage.isValid(kipArea) || Fpage.sizeLog2(kipArea) != Kernel.KIP_AREA_SIZE_LOG2) {
            return error(self, KernelError.INVALID_KIP_AREA);
        }
        if (!Fpage.isValid(utcbArea) || Fpage.sizeLog2(utcbArea) < Kernel.UTCB_AREA_MIN_LOG2
                || Fpage.overlaps(kipArea, utcbArea)) {
            return error(self, KernelError.INVALID_UTCB);
        }
        if (holdsMappingIn(space, kipArea)) {
            return error(self, KernelError.INVALID_KIP_AREA);
        }
        if (holdsMappingIn(space, utcbArea)) {
            return error(self, KernelError.INVALID_UTCB);
        }
        // Map the KIP at its new place first: if that runs out of kernel memory, the space is as it was.
        long kipBase = Fpage.base(kipArea);
        if (!space.pageTable.map(kipBase, k.kipFrame, Fpage.R)) {
            return error(self, KernelError.OUT_OF_MEMORY);
        }
        k.machine.tlb().flush(space.asid, kipBase >>> 12);
        if (!Fpage.isNil(space.kipArea) && Fpage.base(space.kipArea) != kipBase) {
            space.pageTable.unmap(Fpage.base(space.kipArea), k.machine.tlb());
        }
        space.kipArea = Fpage.withRights(kipArea, 0);
        space.utcbArea = Fpage.withRights(utcbArea, 0);
        space.privileged = (control & SpaceControl.PRIVILEGED) != 0;
        return 1;
    }

    /** Whether the space holds a mapping inside {@code area}, where the kernel's areas would cover it. */
    private static boolean holdsMappingIn(Space space, long area) {
        if (space.pages.size() == 0) {
            return false;
        }
        boolean[] found = {false};
        space.pages.forEach(n -> found[0] |= Fpage.contains(area, n.vpn << 12));
        return found[0];
    }

    // ---- ExchangeRegisters ------------------------------------------------------------------

    /**
     * ExchangeRegisters(dest, control, sp, ip, flags, UserDefinedHandle, pager). dest is a global
     * id, or a local id, which names a thread of the caller's own space only (X.2). dest must be
     * in the caller's space, or the caller privileged (Kola's way to start a thread in a new
     * space). Setting ip (re)starts the thread at that entry; its pending IPC, if any, is
     * cancelled. With the d bit the out-parameters are the old state and registers, else 0 (X.2:
     * undefined). The result is the other form of dest's id: its local id (anylocalthread if it
     * has no UTCB yet) for a global dest, its global id for a local one.
     */
    private long exchangeRegisters(Tcb self, long dest, long control, long sp, long ip, long flags,
                                   long userHandle, long pager) {
        boolean local = ThreadId.isLocal(dest);
        Tcb t = local ? self.space.localThread(dest) : k.threads.lookup(dest);
        if (t == null || t.interruptLine >= 0 || t.space != self.space && !self.space.privileged) {
            return error(self, KernelError.INVALID_THREAD);
        }
        if ((control & ~ExRegs.KNOWN) != 0) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        boolean setIp = (control & ExRegs.SET_IP) != 0;
        if (setIp && (t.utcbLocation == NO_UTCB || !k.lifecycle.validStart(t.space, ip, self.space))) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        long[] out = self.ret();
        if ((control & ExRegs.DELIVER) != 0) {
            // (A thread waiting for its start message is in a receive from its pager, as in X.2.)
            out[ExRegs.OUT_CONTROL] = (t.halted ? ExRegs.WAS_HALTED : 0)
                    | (t.state == Tcb.RECEIVING || t.awaitingStart ? ExRegs.WAS_RECEIVING : 0)
                    | (t.state == Tcb.SENDING ? ExRegs.WAS_SENDING : 0);
            // A RISC-V thread's live registers; a Java thread's entry (its code has no other ip to show).
            out[ExRegs.OUT_SP] = t.hart != null ? t.hart.x[2] : t.startSp;
            out[ExRegs.OUT_IP] = t.hart != null ? t.hart.pc : t.startIp;
            out[ExRegs.OUT_FLAGS] = t.flags;
            out[ExRegs.OUT_USER_HANDLE] = t.userHandle;
            out[ExRegs.OUT_PAGER] = t.pager;
        } else {
            java.util.Arrays.fill(out, ExRegs.OUT_CONTROL, ExRegs.OUT_PAGER + 1, 0);
        }
        long result = local ? t.id : t.utcbLocation == NO_UTCB ? ThreadId.ANY_LOCAL : t.utcbLocation;

        if (t.state == Tcb.RECEIVING && (control & ExRegs.ABORT_RECEIVE) != 0
                || t.state == Tcb.SENDING && (control & ExRegs.ABORT_SEND) != 0
                || setIp && t.inIpc()) {
            k.ipc.abort(t, IpcError.CANCELLED);
        }
        if (t.awaitingStart && (control & ExRegs.ABORT_RECEIVE) != 0) {
            t.awaitingStart = false; // it waits for its start message no more: only ExchangeRegisters starts it now
        }
        if ((control & ExRegs.SET_SP) != 0) {
            t.startSp = sp;
        }
        if ((control & ExRegs.SET_FLAGS) != 0) {
            t.flags = flags;
        }
        if ((control & ExRegs.SET_USER_HANDLE) != 0) {
            t.userHandle = userHandle;
        }
        if ((control & ExRegs.SET_PAGER) != 0) {
            t.pager = pager;
        }
        if ((control & ExRegs.HALT_VALID) != 0) {
            t.halted = (control & ExRegs.HALT_VALUE) != 0;
            if (t.halted) {
                k.cpu.ready.remove(t);
            }
        }
        if (setIp) {
            if (t == self) {
                // The caller restarts itself: its current continuation is abandoned once it yields.
                k.cpu.current = null;
            }
            k.cpu.ready.remove(t);
            k.lifecycle.start(t, ip, t.startSp, self.space);
        }
        k.cpu.makeReady(t);
        return result;
    }

    // ---- Unmap --------------------------------------------------------------------------------

    /** The flush bit of Unmap's control word. */
    private static final long UNMAP_FLUSH = 0x40;

    /**
     * Unmap(control) (L4 X.2, "Unmap"): n = (control & 0x3F) + 1 fpages in MR0..MR{n-1}. Each
     * fpage's rwx are the rights to revoke from every mapping derived from the caller's pages in
     * it, and, with the flush bit, from the caller's own pages too. The complete fpage means the
     * whole address space. Each fpage comes back with its status in rwx (R referenced, W written,
     * X executed: the accesses through the mappings derived from the caller's pages in it, and
     * with the flush bit through the caller's own, since the caller last read them; see
     * {@link MappingDatabase}), which is then reset; rights 0 revoke nothing and only read the
     * status. An object fpage comes back with rwx 0 (capabilities have no status). A nil or
     * malformed fpage is skipped and comes back unchanged; a control word with other bits set
     * does nothing and sets ErrorCode to invalid parameter.
     */
    void unmap(Tcb self, long control) {
        if ((control & ~(UNMAP_FLUSH | 0x3F)) != 0) {
            self.errorCode = KernelError.INVALID_PARAMETER;
            return;
        }
        boolean flush = (control & UNMAP_FLUSH) != 0;
        int n = (int) (control & 0x3F) + 1;
        for (int i = 0; i < n; i++) {
            long fpage = self.mr(i);
            k.events.record(KernelEvents.UNMAP, self.id, fpage, flush ? 1 : 0);
            int revoke = Fpage.rights(fpage);
            int status = 0;
            if (Comm.isObjectFpage(fpage)) {
                int first = Comm.firstSlot(fpage);
                if (first < 0) {
                    continue;
                }
                k.caps.unmap(self.space, first, 1 << Comm.sizeLog2(fpage), revoke, flush);
            } else if (Fpage.isComplete(fpage)) {
                status = k.mdb.unmap(self.space, 0, Fpage.MAX_SIZE_LOG2, revoke, flush);
            } else if (Fpage.isValid(fpage)) {
                status = k.mdb.unmap(self.space, Fpage.base(fpage), Fpage.sizeLog2(fpage), revoke, flush);
            } else {
                continue;
            }
            self.setMr(i, Fpage.withRights(fpage, status));
        }
        self.errorCode = KernelError.OK;
    }

    // ---- ProcessorControl, MemoryControl ------------------------------------------------------

    /**
     * ProcessorControl(ProcessorNo, InternalFrequency, ExternalFrequency, voltage) (X.2),
     * privileged. The machine has one processor, 0. Its internal frequency (kHz) is the rate of
     * its cycles ({@link kola.machine.CycleClock#setKhz}): any from 1 kHz to the 1 GHz it boots
     * at; from the call on, the work the cost model charges in cycles takes time at that rate,
     * while time itself (the time base, timeouts, slices, budgets, the timer) goes on in
     * nanoseconds as before, so nothing queued is re-timed. The KIP's processor descriptor shows
     * it. The external frequency is the 1 GHz time base, fixed; the machine has no voltage to set.
     * A parameter of 0 or all ones ({@link MemoryControl#UNCHANGED}), or equal to the current
     * value, asks for no change; a change the machine cannot make, a frequency out of range or
     * another processor is an invalid parameter, and nothing changes.
     */
    private long processorControl(Tcb self, long processorNo, long internal, long external, long voltage) {
        if (!self.space.privileged) {
            return error(self, KernelError.NO_PRIVILEGE);
        }
        long current = k.clock.khz();
        boolean keep = unchanged(internal, current);
        if (processorNo != 0 || !keep && (internal < 1 || internal > CycleClock.BASE_KHZ)
                || !unchanged(external, CycleClock.BASE_KHZ) || !unchanged(voltage, 0)) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        if (!keep) {
            k.clock.setKhz(internal);
            k.machine.memory().store64(k.kipFrame * PhysicalMemory.PAGE_SIZE + KipLayout.PROC_DESC + 8, internal);
        }
        self.errorCode = KernelError.OK;
        return 1;
    }

    /** Whether ProcessorControl parameter {@code word} leaves a setting whose value is {@code current} (0: none) as it is. */
    private static boolean unchanged(long word, long current) {
        return word == 0 || word == MemoryControl.UNCHANGED || current != 0 && word == current;
    }

    /**
     * MemoryControl(control, attribute0..3) (X.2), privileged: k = control's low 6 bits, fpages in
     * MR0..MRk, each fpage's low 2 bits choosing its attribute. Sets the attribute (Kola: the
     * Svpbmt memory type, {@link MemoryControl}) of every page the caller's space holds in each
     * fpage ({@link MappingDatabase#setAttribute}); the complete fpage is the whole space; nil
     * fpages are skipped. Every fpage is read once and every fpage and chosen attribute checked
     * before anything is set: another bit in control, a malformed or object fpage, an attribute
     * above {@link MemoryControl#MAX_ATTRIBUTE} are invalid parameters and change nothing.
     */
    private long memoryControl(Tcb self, long control, long a0, long a1, long a2, long a3) {
        if (!self.space.privileged) {
            return error(self, KernelError.NO_PRIVILEGE);
        }
        if ((control & ~MemoryControl.K_MASK) != 0) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        int n = (int) control + 1;
        long[] fpages = new long[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            long fpage = self.mr(i);
            fpages[i] = fpage;
            if (Fpage.isNil(fpage)) {
                continue;
            }
            if (!Fpage.isComplete(fpage) && !Fpage.isValid(fpage)) {
                return error(self, KernelError.INVALID_PARAMETER);
            }
            long attribute = switch (MemoryControl.attributeIndex(fpage)) {
                case 0 -> a0;
                case 1 -> a1;
                case 2 -> a2;
                default -> a3;
            };
            if (Long.compareUnsigned(attribute, MemoryControl.MAX_ATTRIBUTE) > 0) {
                return error(self, KernelError.INVALID_PARAMETER);
            }
            types[i] = (int) attribute;
        }
        for (int i = 0; i < n; i++) {
            long fpage = fpages[i];
            if (Fpage.isComplete(fpage)) {
                k.mdb.setAttribute(self.space, 0, Fpage.MAX_SIZE_LOG2, types[i]);
            } else if (!Fpage.isNil(fpage)) {
                k.mdb.setAttribute(self.space, Fpage.base(fpage), Fpage.sizeLog2(fpage), types[i]);
            }
        }
        self.errorCode = KernelError.OK;
        return 1;
    }

    // ---- KmemControl --------------------------------------------------------------------------

    /** KmemControl(space, quota), a Kola extension (see {@link kola.abi.Kmem}). */
    private long kmemControl(Tcb self, long op, long a, long b, long c) {
        long[] ret = self.ret();
        ret[kola.abi.Kmem.OUT_HELD] = 0;
        ret[kola.abi.Kmem.OUT_QUOTA] = 0;
        if (op == kola.abi.Kmem.QUOTA) {
            return quota(self, a, b);
        }
        if (op == kola.abi.Kmem.RETYPE || op == kola.abi.Kmem.LEND) {
            return giveFrames(self, a, op == kola.abi.Kmem.RETYPE ? b : 0, op == kola.abi.Kmem.RETYPE ? c : b,
                    op == kola.abi.Kmem.LEND);
        }
        if (k.frames == null || k.frames.mode() != KernelFrames.Mode.KPAGER) {
            return error(self, KernelError.INVALID_PARAMETER); // the model the kernel runs has no such operation
        }
        return switch ((int) Math.max(-1, Math.min(op, 99))) {
            case kola.abi.Kmem.KPAGER -> setKpager(self, a, b);
            case kola.abi.Kmem.EVICT, kola.abi.Kmem.RESTORE -> evictOrRestore(self, a, op == kola.abi.Kmem.RESTORE);
            default -> error(self, KernelError.INVALID_PARAMETER);
        };
    }

    /** KmemControl KPAGER(space, kpager): by the space's creator or a privileged task; the kpager a live user thread or nil. */
    private long setKpager(Tcb self, long spaceSpec, long kpager) {
        Space space = spaceOf(spaceSpec);
        if (space == null) {
            return error(self, KernelError.INVALID_SPACE);
        }
        if (!self.space.privileged && space.owner != self.space) {
            return error(self, KernelError.NO_PRIVILEGE);
        }
        if (kpager != ThreadId.NIL && (!isUserThreadId(kpager) || k.threads.lookup(kpager) == null)) {
            return error(self, KernelError.INVALID_THREAD);
        }
        space.kpager = kpager;
        self.errorCode = KernelError.OK;
        return 1;
    }

    /**
     * KmemControl EVICT(fpage) and RESTORE(fpage) (kpager model): every page is checked before
     * any is changed. EVICT: pages the caller lent, each evictable; RESTORE: pages the caller
     * holds writable, not mapped on, each with an export the kernel made for an account whose
     * kpager is in the caller's space (or the caller is privileged).
     */
    private long evictOrRestore(Tcb self, long fpage, boolean restore) {
        KernelFrames frames = k.frames;
        int pages = kmemPages(fpage);
        if (pages == 0) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        long first = Fpage.base(fpage) >>> PhysicalMemory.PAGE_SHIFT;
        MapNode[] held = new MapNode[pages];
        Space[] accounts = new Space[pages];
        java.util.HashSet<Long> frameNumbers = new java.util.HashSet<>();
        for (int i = 0; i < pages; i++) {
            MapNode n = self.space.pages.get(first + i);
            if (n == null || !frameNumbers.add(n.pfn)) {
                return error(self, KernelError.INVALID_PARAMETER);
            }
            if (restore) {
                Space account = (n.rights & Fpage.W) == 0 || !MappingDatabase.unshared(n) || frames.frame(n.pfn) != null ? null
                        : frames.exportAccount(n.pfn);
                if (account == null) {
                    return error(self, KernelError.INVALID_PARAMETER); // no export of ours (forged, restored already, changed)
                }
                if (!self.space.privileged && !inSpace(account.kpager, self.space)) {
                    return error(self, KernelError.NO_PRIVILEGE);
                }
                accounts[i] = account;
            } else {
                KernelFrame f = frames.frame(n.pfn);
                if (f == null || !frames.evictable(f, n)) {
                    return error(self, KernelError.INVALID_PARAMETER); // not lent through this page, or holds what cannot be exported
                }
            }
            held[i] = n;
        }
        int mappings = 0;
        for (int i = 0; i < pages; i++) {
            mappings += restore ? frames.restore(held[i], accounts[i]) : frames.evict(frames.frame(held[i].pfn));
        }
        self.ret()[kola.abi.Kmem.OUT_PAGES] = pages;
        self.ret()[kola.abi.Kmem.OUT_MAPPINGS] = mappings;
        self.errorCode = KernelError.OK;
        return 1;
    }

    /** The pages of a KmemControl memory fpage (a memory fpage of 4 KiB .. 1 MiB), or 0 if it is none. */
    private static int kmemPages(long fpage) {
        int sizeLog2 = Fpage.sizeLog2(fpage);
        if (Fpage.isNil(fpage) || Comm.isObjectFpage(fpage) || Fpage.isComplete(fpage)
                || sizeLog2 < Fpage.MIN_SIZE_LOG2 || sizeLog2 > kola.abi.Kmem.MAX_SIZE_LOG2) {
            return 0;
        }
        return 1 << (sizeLog2 - Fpage.MIN_SIZE_LOG2);
    }

    /** Whether thread {@code id} lives and is in {@code space}. */
    private boolean inSpace(long id, Space space) {
        Tcb t = id == ThreadId.NIL ? null : k.threads.lookup(id);
        return t != null && t.space == space;
    }

    /**
     * KmemControl RETYPE and LEND (see {@link kola.abi.Kmem}): every page of {@code fpage} is
     * checked before any is given, so that a refused call changes nothing.
     */
    private long giveFrames(Tcb self, long fpage, long kindCode, long accountSpec, boolean lend) {
        KernelFrames frames = k.frames;
        if (frames == null || (frames.mode() == KernelFrames.Mode.PRECISE) == lend) {
            return error(self, KernelError.INVALID_PARAMETER); // the model the kernel runs has no such operation
        }
        Space account = spaceOf(accountSpec);
        if (account == null) {
            return error(self, KernelError.INVALID_SPACE);
        }
        boolean gift = lend && frames.mode() == KernelFrames.Mode.LEND; // (pinned: a lent page can only help its account)
        if (account != self.space && account.owner != self.space && !self.space.privileged
                && !inSpace(account.kpager, self.space) && !gift) {
            return error(self, KernelError.NO_PRIVILEGE);
        }
        KernelObject kind = null;
        if (!lend) {
            kind = KernelObject.retypable(kindCode);
            if (kind == null) {
                return error(self, KernelError.INVALID_PARAMETER);
            }
        }
        int pages = kmemPages(fpage);
        if (pages == 0) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        long first = Fpage.base(fpage) >>> PhysicalMemory.PAGE_SHIFT;
        MapNode[] held = new MapNode[pages];
        java.util.HashSet<Long> frameNumbers = new java.util.HashSet<>();
        long ramFrames = k.machine.memory().ramBytes() >>> PhysicalMemory.PAGE_SHIFT;
        for (int i = 0; i < pages; i++) {
            MapNode n = k.mdb.node(self.space, first + i);
            if (n == null || (n.rights & Fpage.W) == 0 || !MappingDatabase.unshared(n) || n.pfn >= ramFrames
                    || frames.frame(n.pfn) != null || !frameNumbers.add(n.pfn)) {
                return error(self, KernelError.INVALID_PARAMETER); // not held, read-only, shared, device memory, or given already
            }
            held[i] = n;
        }
        for (MapNode n : held) {
            frames.give(n, account, kind);
        }
        self.ret()[kola.abi.Kmem.OUT_PAGES] = pages;
        self.errorCode = KernelError.OK;
        return 1;
    }

    private long quota(Tcb self, long spaceSpec, long quota) {
        long[] ret = self.ret();
        Space space = spaceOf(spaceSpec);
        if (space == null) {
            return error(self, KernelError.INVALID_SPACE);
        }
        boolean reading = quota == kola.abi.Kmem.UNCHANGED && space == self.space;
        if (!self.space.privileged && space.owner != self.space && !reading) {
            return error(self, KernelError.NO_PRIVILEGE);
        }
        if (quota < kola.abi.Kmem.UNCHANGED || quota >= 0 && quota < space.subtreeBytes) {
            return error(self, KernelError.INVALID_PARAMETER); // a quota below what the space holds already
        }
        if (quota != kola.abi.Kmem.UNCHANGED) {
            space.quota = quota;
        }
        ret[kola.abi.Kmem.OUT_HELD] = space.subtreeBytes;
        ret[kola.abi.Kmem.OUT_QUOTA] = space.quota;
        self.errorCode = KernelError.OK;
        return 1;
    }

    // ---- CommControl --------------------------------------------------------------------------

    /**
     * CommControl(op, a, b, c), a Kola extension (see {@link Comm}). Every argument is checked
     * before anything changes; a refused call changes nothing and sets ErrorCode.
     */
    private long commControl(Tcb self, long op, long a, long b, long c) {
        if (op < Comm.CHIEF || op > Comm.ENDPOINT_GATE) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        if (op == Comm.GATE) {
            Tcb thread = k.threads.lookup(b);
            if (thread == null || thread.interruptLine >= 0) {
                return error(self, KernelError.INVALID_THREAD);
            }
            if (thread.space != self.space && !self.space.privileged) {
                return error(self, KernelError.NO_PRIVILEGE);
            }
            int code = k.caps.createGate(self.space, a, thread, c);
            return code == KernelError.OK ? 1 : error(self, code);
        }
        if (op == Comm.SAVE_REPLY) {
            int code = k.caps.saveReply(self, a);
            return code == KernelError.OK ? 1 : error(self, code);
        }
        if (op == Comm.BIND_NOTIFICATION) {
            if (a == 0) {
                if (self.boundNotification != null) {
                    self.boundNotification.bound = null;
                    self.boundNotification = null;
                }
                return 1;
            }
            CapNode cap = CapabilitySpaces.lookup(self.space, a);
            if (cap == null || !(cap.object instanceof Notification n) || (cap.rights & Comm.RECEIVE) == 0
                    || n.bound != null && n.bound != self || self.boundNotification != null && self.boundNotification != n) {
                return error(self, KernelError.INVALID_PARAMETER);
            }
            n.bound = self;
            self.boundNotification = n;
            return 1;
        }
        if (op == Comm.NOTIFICATION) {
            int code = k.caps.createNotification(self.space, a);
            return code == KernelError.OK ? 1 : error(self, code);
        }
        if (op == Comm.ENDPOINT) {
            int code = k.caps.createEndpoint(self.space, a);
            return code == KernelError.OK ? 1 : error(self, code);
        }
        if (op == Comm.ENDPOINT_GATE) {
            CapNode cap = CapabilitySpaces.lookup(self.space, b);
            if (cap == null || !(cap.object instanceof Endpoint e) || (cap.rights & Comm.SEND) == 0) {
                return error(self, KernelError.INVALID_PARAMETER);
            }
            int code = k.caps.createGate(self.space, a, e, c);
            return code == KernelError.OK ? 1 : error(self, code);
        }
        if (op == Comm.IRQ_ACK) {
            CapNode cap = CapabilitySpaces.lookup(self.space, b);
            if (a < 0 || a >= k.interrupts.count()) {
                return error(self, KernelError.INVALID_PARAMETER);
            }
            Notification n = k.interrupts.boundTo((int) a);
            if (n == null || cap == null || cap.object != n || (cap.rights & Comm.RECEIVE) == 0) {
                return error(self, KernelError.NO_PRIVILEGE);
            }
            k.interrupts.unmask((int) a);
            return 1;
        }
        if (op == Comm.LOOKUP) {
            if (Comm.slot(a) < 0) {
                return error(self, KernelError.INVALID_PARAMETER);
            }
            CapNode cap = CapabilitySpaces.lookup(self.space, a);
            self.errorCode = KernelError.OK;
            return cap == null ? 0 : cap.rights;
        }
        if (!self.space.privileged) {
            return error(self, KernelError.NO_PRIVILEGE);
        }
        switch ((int) op) {
            case Comm.CHIEF -> {
                Space space = spaceOf(a);
                Tcb chief = k.threads.lookup(b);
                if (space == null || chief == null || chief.interruptLine >= 0) {
                    return error(self, space == null ? KernelError.INVALID_SPACE : KernelError.INVALID_THREAD);
                }
                if (space.activeThreads > 0 || chief.space == space || Clans.heads(space, chief.space, k.threads.count() + 1)) {
                    return error(self, KernelError.INVALID_PARAMETER); // static, and no cycle
                }
                space.chief = chief.space;
                chief.space.chiefThread = chief.id;
                return 1;
            }
            case Comm.POLICY -> {
                Space from = spaceOf(a);
                Space to = spaceOf(b);
                if (from == null || to == null) {
                    return error(self, KernelError.INVALID_SPACE);
                }
                if (c != Comm.ALLOW && c != Comm.DENY && k.threads.lookup(c) == null) {
                    return error(self, KernelError.INVALID_THREAD);
                }
                return k.policy.setPair(from, to, c) ? 1 : error(self, KernelError.OUT_OF_MEMORY);
            }
            case Comm.PCLAN -> {
                Space space = spaceOf(a);
                if (space == null) {
                    return error(self, KernelError.INVALID_SPACE);
                }
                if (b < 0 || b >= Comm.PCLANS) {
                    return error(self, KernelError.INVALID_PARAMETER);
                }
                space.pclan = (int) b;
                return 1;
            }
            case Comm.MAP -> {
                Space to = spaceOf(a);
                int first = Comm.firstSlot(b);
                int dest = Comm.slot(c);
                if (to == null) {
                    return error(self, KernelError.INVALID_SPACE);
                }
                if (first < 0 || dest < 0 || dest + (1L << Comm.sizeLog2(b)) > Comm.SLOTS) {
                    return error(self, KernelError.INVALID_PARAMETER);
                }
                return k.caps.map(self.space, first, 1 << Comm.sizeLog2(b), kola.abi.Fpage.rights(b), to, dest, false)
                        ? 1 : error(self, KernelError.OUT_OF_MEMORY);
            }
            case Comm.IRQ_BIND -> {
                if (a < 0 || a >= k.interrupts.count()) {
                    return error(self, KernelError.INVALID_PARAMETER);
                }
                if (b == 0) {
                    k.interrupts.bind((int) a, null, 0);
                    return 1;
                }
                CapNode cap = CapabilitySpaces.lookup(self.space, b);
                if (cap == null || !(cap.object instanceof Notification n) || c == 0) {
                    return error(self, KernelError.INVALID_PARAMETER);
                }
                k.interrupts.bind((int) a, n, c);
                return 1;
            }
            case Comm.PCLAN_POLICY -> {
                if (a < 0 || a >= Comm.PCLANS || b < 0 || b >= Comm.PCLANS || a == b || c == Comm.ALLOW) {
                    return error(self, KernelError.INVALID_PARAMETER);
                }
                if (c != Comm.DENY && k.threads.lookup(c) == null) {
                    return error(self, KernelError.INVALID_THREAD);
                }
                k.policy.setPclans((int) a, (int) b, c);
                return 1;
            }
            default -> {
                return error(self, KernelError.INVALID_PARAMETER);
            }
        }
    }

    // ---- SchedControl -------------------------------------------------------------------------

    /**
     * SchedControl(op, a, b, c), a Kola extension (see {@link kola.abi.Sched}; DESIGN.md,
     * "Scheduling"). Every argument is checked before anything changes; a refused call changes
     * nothing and sets ErrorCode.
     */
    private long schedControl(Tcb self, long op, long a, long b, long c) {
        long[] ret = self.ret();
        ret[0] = 0;
        ret[1] = 0;
        ret[2] = 0;
        Cpu cpu = k.cpu;
        if (op < Sched.CREATE || op > Sched.DOMAIN_SCHEDULE) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        if (op == Sched.QUERY) {
            SchedContext sc = context(a);
            if (sc == null) {
                return error(self, KernelError.INVALID_PARAMETER);
            }
            if (!self.space.privileged && (sc.home == null || sc.home.space != self.space)) {
                return error(self, KernelError.NO_PRIVILEGE);
            }
            cpu.account();
            ret[Sched.OUT_AVAILABLE] = sc.available(k.clock.now());
            ret[Sched.OUT_CONSUMED] = sc.consumed;
            ret[Sched.OUT_BOUND] = sc.home == null ? ThreadId.NIL : sc.home.id;
            self.errorCode = KernelError.OK;
            return 1;
        }
        if (!self.space.privileged) {
            return error(self, KernelError.NO_PRIVILEGE);
        }
        switch ((int) op) {
            case Sched.CREATE, Sched.CONFIGURE -> {
                if (a < 1 || a >= Sched.CONTEXTS) {
                    return error(self, KernelError.INVALID_PARAMETER);
                }
                SchedContext sc = cpu.contexts[(int) a];
                if ((op == Sched.CREATE) != (sc == null) || b < 1 || c < b || c > Sched.MAX_MICROS) {
                    return error(self, KernelError.INVALID_PARAMETER); // budget 1 µs .. period, period at most MAX_MICROS
                }
                long budget = b * CostModel.CYCLES_PER_MICROSECOND;
                long period = c * CostModel.CYCLES_PER_MICROSECOND;
                cpu.account();
                if (op == Sched.CREATE) {
                    KernelFrame f = k.kmem.charge(self.space, KernelObject.SCHED_CONTEXT, SchedContext.BYTES);
                    if (f == null) {
                        return error(self, KernelError.OUT_OF_MEMORY);
                    }
                    SchedContext made = new SchedContext((int) a, self.space, budget, period, k.clock.now());
                    made.frame = f;
                    f.hold(made);
                    cpu.contexts[(int) a] = made;
                } else {
                    sc.configure(budget, period, k.clock.now());
                    if (sc.holder != null) {
                        cpu.woke(sc.holder); // full again
                    }
                }
                cpu.account();
            }
            case Sched.BIND -> {
                SchedContext sc = context(a);
                Tcb t = k.threads.lookup(b);
                if (sc == null) {
                    return error(self, KernelError.INVALID_PARAMETER);
                }
                if (t == null || t.interruptLine >= 0) {
                    return error(self, KernelError.INVALID_THREAD);
                }
                if (sc.home != null || t.homeSc != null || t.sc != null || t.passive || t.lentTo != null) {
                    return error(self, KernelError.INVALID_PARAMETER); // one context per thread; a passive thread has none
                }
                cpu.account();
                sc.home = t;
                sc.holder = t;
                t.homeSc = sc;
                t.sc = sc;
                if (!t.runnable()) {
                    cpu.ready.remove(t); // bound to a depleted context: it waits for the refill
                }
                cpu.account();
            }
            case Sched.UNBIND -> {
                SchedContext sc = context(a);
                if (sc == null || sc.home == null || sc.holder != sc.home) {
                    return error(self, KernelError.INVALID_PARAMETER); // not bound, or lent out now
                }
                cpu.account();
                Tcb t = sc.home;
                t.homeSc = null;
                t.sc = null;
                sc.home = null;
                sc.holder = null;
                cpu.woke(t); // unlimited again
                cpu.account();
            }
            case Sched.PASSIVE -> {
                Tcb t = k.threads.lookup(a);
                if (t == null || t.interruptLine >= 0) {
                    return error(self, KernelError.INVALID_THREAD);
                }
                if (b != 0 && b != 1 || b == 1 && t.homeSc != null) {
                    return error(self, KernelError.INVALID_PARAMETER); // a thread with a context of its own is not passive
                }
                t.passive = b == 1;
                if (t.runnable()) {
                    cpu.woke(t);
                } else {
                    cpu.ready.remove(t);
                }
            }
            case Sched.TIMEOUT_HANDLER -> {
                Tcb t = k.threads.lookup(a);
                Tcb h = b == ThreadId.NIL ? null : k.threads.lookup(b);
                if (t == null || t.interruptLine >= 0 || b != ThreadId.NIL && (h == null || h.interruptLine >= 0)) {
                    return error(self, KernelError.INVALID_THREAD);
                }
                if (h != null && (h == t || h.domain != t.domain)) {
                    return error(self, KernelError.INVALID_PARAMETER); // itself, or a partition it must not reach
                }
                t.timeoutHandler = b;
            }
            case Sched.DELETE -> {
                SchedContext sc = context(a);
                if (sc == null || sc.home != null) {
                    return error(self, KernelError.INVALID_PARAMETER); // unbind it first
                }
                cpu.contexts[(int) a] = null;
                sc.deleted = true;
                k.kmem.release(sc.owner, sc);
            }
            case Sched.DOMAIN -> {
                Tcb t = k.threads.lookup(a);
                if (t == null || t.interruptLine >= 0) {
                    return error(self, KernelError.INVALID_THREAD);
                }
                if (b < 0 || b >= Sched.DOMAINS) {
                    return error(self, KernelError.INVALID_PARAMETER);
                }
                boolean queued = t.queued;
                cpu.ready.remove(t);
                t.domain = (int) b;
                if (queued) {
                    cpu.ready.enqueue(t);
                }
                if (t == cpu.current) {
                    cpu.updatePreemptAt(); // (if it left the active domain it gives way at the entry's decision)
                }
            }
            case Sched.DOMAIN_SCHEDULE -> {
                return domainSchedule(self, a, b, c);
            }
            default -> {
                return error(self, KernelError.INVALID_PARAMETER);
            }
        }
        self.errorCode = KernelError.OK;
        return 1;
    }

    /** The scheduling context with id {@code id}, or null. */
    private SchedContext context(long id) {
        return id < 1 || id >= Sched.CONTEXTS ? null : k.cpu.contexts[(int) id];
    }

    /** SchedControl DOMAIN_SCHEDULE(n, counter-measures, pad cycles), the slots in MR1..MRn (each read once). */
    private long domainSchedule(Tcb self, long n, long measures, long pad) {
        if (n < 0 || n > Sched.MAX_SLOTS || (measures & ~(long) (Sched.FLUSH | Sched.PAD)) != 0) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        int[] domains = new int[(int) n];
        long[] lengths = new long[(int) n];
        long shortest = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            long w = self.mr(i + 1);
            long micros = w & 0xFFFF_FFFFL;
            long domain = w >>> 32;
            if (domain >= Sched.DOMAINS || micros < Sched.MIN_SLOT_MICROS) {
                return error(self, KernelError.INVALID_PARAMETER);
            }
            domains[i] = (int) domain;
            lengths[i] = micros * CostModel.CYCLES_PER_MICROSECOND;
            shortest = Math.min(shortest, lengths[i]);
        }
        boolean padded = (measures & Sched.PAD) != 0;
        if (n == 0 && (measures != 0 || pad != 0) || padded && (pad <= 0 || pad > shortest / 2) || !padded && pad != 0) {
            return error(self, KernelError.INVALID_PARAMETER); // the pad is at most half the shortest slot
        }
        k.cpu.setDomainSchedule(domains, lengths, (int) measures, pad);
        self.errorCode = KernelError.OK;
        return 1;
    }

    // ---- ThreadSwitch and Schedule ----------------------------------------------------------

    /** ThreadSwitch(dest): run dest now if it is ready, otherwise yield the rest of the slice. */
    private void threadSwitch(Tcb self, long dest) {
        Cpu cpu = k.cpu;
        Tcb t = dest == ThreadId.NIL ? null : k.threads.lookup(dest);
        if (t != null && t != self && t.runnable() && t.queued && t.domain == cpu.ready.active) {
            cpu.ready.remove(t);
            cpu.ready.enqueue(self);
            cpu.donate(t);
        } else {
            cpu.yieldCurrent();
        }
    }

    /**
     * Schedule(dest, TimeControl, ProcessorControl, PrioControl, PreemptionControl): only dest's
     * scheduler may call it; a priority above the caller's own is refused. The time slice is a
     * relative time period in bits 16..31 of TimeControl (the total quantum is not modelled and
     * must be 0 or unchanged); one processor exists (0); delayed preemption is not modelled.
     */
    private long schedule(Tcb self, long dest, long timeControl, long processorControl, long prio,
                          long preemptionControl) {
        Tcb t = k.threads.lookup(dest);
        if (t == null) {
            return error(self, KernelError.INVALID_THREAD);
        }
        Tcb scheduler = t.scheduler == self.id ? self : k.threads.lookup(t.scheduler);
        if (scheduler == null || scheduler.space != self.space || scheduler.interruptLine >= 0) {
            return error(self, KernelError.NO_PRIVILEGE); // X.2: only threads of the scheduler's space
        }
        long sliceMicros = 0;
        if (timeControl != Schedule.UNCHANGED) {
            sliceMicros = Timeout.micros(timeControl >>> 16 & 0xFFFF);
            if ((timeControl & 0xFFFF) != 0 || (timeControl >>> 32) != 0 || sliceMicros <= 0) {
                return error(self, KernelError.INVALID_PARAMETER);
            }
        }
        if (prio != Schedule.UNCHANGED && (prio < 0 || prio > self.priority)) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        if (processorControl != Schedule.UNCHANGED && processorControl != 0
                || preemptionControl != Schedule.UNCHANGED && preemptionControl != 0) {
            return error(self, KernelError.INVALID_PARAMETER);
        }
        self.ret()[0] = (long) period(t.timeslice / CostModel.CYCLES_PER_MICROSECOND) << 16;
        self.ret()[1] = t.priority;
        if (timeControl != Schedule.UNCHANGED) {
            t.timeslice = sliceMicros * CostModel.CYCLES_PER_MICROSECOND;
            t.remaining = t.timeslice; // a new slice starts now (Pistachio's init_timeslice)
            if (t == k.cpu.current) {
                k.cpu.restartSlice();
            }
        }
        if (prio != Schedule.UNCHANGED && prio != t.priority) {
            boolean queued = t.queued;
            k.cpu.ready.remove(t);
            t.priority = (int) prio;
            if (queued) {
                k.cpu.ready.enqueue(t);
            }
        }
        return threadState(t);
    }

    /** The 16-bit time period for {@code micros}, the longest one Kola can express if it is longer. */
    private static int period(long micros) {
        long longest = Timeout.micros(Timeout.MAX_PERIOD);
        return micros >= longest ? Timeout.MAX_PERIOD : Timeout.relative(micros);
    }

    private static long threadState(Tcb t) {
        if (t.state == Tcb.INACTIVE || t.halted) {
            return ThreadState.INACTIVE;
        }
        return switch (t.state) {
            case Tcb.SENDING -> ThreadState.PENDING_SEND;
            case Tcb.RECEIVING -> ThreadState.WAITING;
            default -> ThreadState.RUNNING;
        };
    }
}
