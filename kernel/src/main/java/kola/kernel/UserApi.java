package kola.kernel;

import jdk.internal.vm.Continuation;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.Memory;
import kola.abi.MsgTag;
import kola.abi.ThreadId;

/**
 * The user side of the trap: the {@link L4} a thread's program holds. Register accesses read and
 * write the thread's UTCB directly; a system call stores its number and arguments in the thread's
 * trap registers and yields the thread's continuation to the kernel loop, which performs it and
 * resumes the thread with the result. The trap allocates nothing.
 *
 * <p>The class is package-private in a package no user module can open: a program can call the
 * {@link L4} methods and nothing else, reflection included.
 */
final class UserApi extends UserMemory implements L4 {
    UserApi(Tcb tcb, Kernel kernel) {
        super(tcb, kernel);
    }

    /**
     * Refuses a call that does not run in this thread's own continuation: from another thread's
     * program (a sibling that was handed this object), or from a host thread. Every method calls
     * it before it reads or writes anything, so a refused call changes nothing; the exception is
     * the caller's.
     */
    @Override
    void own() {
        Continuation running = Continuation.getCurrentContinuation(Kernel.SCOPE);
        if (running == null || running != tcb.continuation) {
            throw new IllegalStateException("the L4 interface of thread " + ThreadId.toString(tcb.id)
                    + " was used " + (running == null ? "outside any Kola thread" : "by another thread")
                    + "; each thread must use its own");
        }
    }

    /** Enters the kernel with trap {@code trap}; returns the kernel's result when the call is finished. */
    @Override
    long trap(int trap) {
        own();
        settle();
        tcb.trap = trap;
        Continuation.yield(Kernel.SCOPE);
        // The call is finished: a call that had to fault first was redone by the kernel (Tcb#restart).
        return tcb.result;
    }

    /**
     * The meter's slow path (see {@link Meter}), in this thread's continuation: the room before the
     * preemption point is used up, so the thread traps to the kernel. Where the continuation is
     * pinned (a static initializer) the preemption waits for the next metered point, and a thread
     * that runs a whole time slice past it there is stopped with a {@link SliceOverrun}: pinned
     * code cannot hold the CPU for ever.
     */
    @Override
    void meterSlow() {
        settle();
        long late = kernel.clock.now() - kernel.cpu.preemptAt;
        if (late >= 0) {
            tcb.trap = Trap.PREEMPT;
            if (!(tcb.continuation instanceof TaskContinuation c) || !TaskContinuation.tryYield(c)) {
                tcb.trap = Trap.NONE;
                if (late > tcb.timeslice) {
                    throw new SliceOverrun("thread " + ThreadId.toString(tcb.id) + " ran " + late
                            + " cycles past its preemption point where it cannot be preempted (a static initializer)");
                }
                arm(kernel.clock.cyclesUntil(kernel.cpu.preemptAt));
            }
        } else {
            arm(kernel.clock.cyclesUntil(kernel.cpu.preemptAt)); // (-late at the base rate)
        }
    }

    @Override
    public long mr(int i) {
        own();
        long[] m = tcb.mr;
        if (i < m.length) {
            return m[i]; // (a register the thread holds, or a negative index: the array checks it)
        }
        return tcb.mr(register(i));
    }

    @Override
    public void setMr(int i, long value) {
        own();
        registersFor(i)[i] = value;
    }

    /** The thread's message registers, grown to all 64 if they do not hold MR{@code i}. */
    private long[] registersFor(int i) {
        long[] m = tcb.mr;
        return i < m.length ? m : tcb.registers(register(i) + 1);
    }

    /**
     * Message register index {@code i} past the registers the thread holds, checked as an index
     * into all 64 would be. ({@link #mr} and {@link #setMr} stay within the JIT's size for
     * inlining a method everywhere it is called.)
     */
    private static int register(int i) {
        if (i >= MsgTag.MESSAGE_REGISTERS) {
            throw new ArrayIndexOutOfBoundsException("Index " + i + " out of bounds for length " + MsgTag.MESSAGE_REGISTERS);
        }
        return i;
    }

    @Override
    public long br(int i) {
        own();
        return tcb.br(i);
    }

    @Override
    public void setBr(int i, long value) {
        own();
        tcb.setBr(i, value);
    }

    @Override
    public long myGlobalId() {
        own();
        return tcb.id;
    }

    @Override
    public long myLocalId() {
        own();
        return tcb.utcbLocation;
    }

    @Override
    public long errorCode() {
        own();
        return tcb.errorCode;
    }

    @Override
    public long userHandle() {
        own();
        return tcb.userHandle;
    }

    @Override
    public void setUserHandle(long handle) {
        own();
        tcb.userHandle = handle;
    }

    @Override
    public long xferTimeouts() {
        own();
        return tcb.xferTimeouts;
    }

    @Override
    public void setXferTimeouts(long timeouts) {
        own();
        tcb.xferTimeouts = timeouts;
    }

    @Override
    public long pager() {
        own();
        return tcb.pager;
    }

    @Override
    public long exceptionHandler() {
        own();
        return tcb.exceptionHandler;
    }

    @Override
    public void setExceptionHandler(long handler) {
        own();
        tcb.exceptionHandler = handler;
    }

    @Override
    public long startIp() {
        own();
        return tcb.startIp;
    }

    @Override
    public long startSp() {
        own();
        return tcb.startSp;
    }

    @Override
    public long ret(int i) {
        own();
        return tcb.ret(i);
    }

    @Override
    public Kip kernelInterface() {
        own();
        return kernel.kip;
    }

    @Override
    public Memory memory() {
        own();
        return this;
    }

    @Override
    public long ipc(long to, long fromSpecifier, long timeouts) {
        own();
        tcb.a0 = to;
        tcb.a1 = fromSpecifier;
        tcb.a2 = timeouts;
        return trap(Trap.IPC);
    }

    @Override
    public long threadControl(long dest, long spaceSpecifier, long scheduler, long pager, long utcbLocation) {
        own();
        tcb.a0 = dest;
        tcb.a1 = spaceSpecifier;
        tcb.a2 = scheduler;
        tcb.a3 = pager;
        tcb.a4 = utcbLocation;
        return trap(Trap.THREAD_CONTROL);
    }

    @Override
    public long spaceControl(long spaceSpecifier, long control, long kipArea, long utcbArea, long redirector) {
        own();
        tcb.a0 = spaceSpecifier;
        tcb.a1 = control;
        tcb.a2 = kipArea;
        tcb.a3 = utcbArea;
        tcb.a4 = redirector;
        return trap(Trap.SPACE_CONTROL);
    }

    @Override
    public long processorControl(long processorNo, long internalFrequency, long externalFrequency, long voltage) {
        own();
        tcb.a0 = processorNo;
        tcb.a1 = internalFrequency;
        tcb.a2 = externalFrequency;
        tcb.a3 = voltage;
        return trap(Trap.PROCESSOR_CONTROL);
    }

    @Override
    public long memoryControl(long control, long attribute0, long attribute1, long attribute2, long attribute3) {
        own();
        tcb.a0 = control;
        tcb.a1 = attribute0;
        tcb.a2 = attribute1;
        tcb.a3 = attribute2;
        tcb.a4 = attribute3;
        return trap(Trap.MEMORY_CONTROL);
    }

    @Override
    public long commControl(int op, long a, long b, long c) {
        own();
        tcb.a0 = op;
        tcb.a1 = a;
        tcb.a2 = b;
        tcb.a3 = c;
        return trap(Trap.COMM_CONTROL);
    }

    @Override
    public long kmemControl(int op, long a, long b, long c) {
        own();
        tcb.a0 = a;
        tcb.a1 = b;
        tcb.a2 = c;
        tcb.a3 = op;
        return trap(Trap.KMEM_CONTROL);
    }

    @Override
    public long schedControl(int op, long a, long b, long c) {
        own();
        tcb.a0 = op;
        tcb.a1 = a;
        tcb.a2 = b;
        tcb.a3 = c;
        return trap(Trap.SCHED_CONTROL);
    }

    @Override
    public long intendedReceiver() {
        own();
        return tcb.intendedReceiver;
    }

    @Override
    public long virtualSender() {
        own();
        return tcb.virtualSender;
    }

    @Override
    public void setVirtualSender(long id) {
        own();
        tcb.virtualSender = id;
    }

    @Override
    public long exchangeRegisters(long dest, long control, long sp, long ip, long flags, long userHandle,
                                  long pager) {
        own();
        tcb.a0 = dest;
        tcb.a1 = control;
        tcb.a2 = sp;
        tcb.a3 = ip;
        tcb.a4 = flags;
        tcb.a5 = userHandle;
        tcb.a6 = pager;
        return trap(Trap.EXCHANGE_REGISTERS);
    }

    @Override
    public void threadSwitch(long dest) {
        own();
        tcb.a0 = dest;
        trap(Trap.THREAD_SWITCH);
    }

    @Override
    public long schedule(long dest, long timeControl, long processorControl, long prioControl,
                         long preemptionControl) {
        own();
        tcb.a0 = dest;
        tcb.a1 = timeControl;
        tcb.a2 = processorControl;
        tcb.a3 = prioControl;
        tcb.a4 = preemptionControl;
        return trap(Trap.SCHEDULE);
    }

    @Override
    public long systemClock() {
        own();
        return trap(Trap.SYSTEM_CLOCK);
    }

    @Override
    public void unmap(long control) {
        own();
        tcb.a0 = control;
        trap(Trap.UNMAP);
    }

    @Override
    public String kdbQuery(String query) {
        own();
        tcb.trapObject = query;
        trap(Trap.KDB_QUERY);
        Object answer = tcb.trapObject;
        tcb.trapObject = null;
        return (String) answer;
    }

    @Override
    public void kdbEnter(String reason) {
        own();
        tcb.trapObject = reason;
        trap(Trap.KDB_ENTER);
    }

    @Override
    public void kdbPrint(String text) {
        own();
        tcb.trapObject = text;
        trap(Trap.KDB_PRINT);
    }
}
