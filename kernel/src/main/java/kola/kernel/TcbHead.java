package kola.kernel;

import jdk.internal.vm.Continuation;

/**
 * The head of a thread control block: every field that an IPC round trip (a client's call, a
 * server's reply-and-wait, the scheduling between them, the kernel loop's resumption of the
 * thread) reads or writes of each thread it passes. The rest of the {@link Tcb} is rarely used.
 *
 * <p>The split is for the cache: a server with many clients finds each client's control block
 * gone cold since that client's last turn, and pays for every cache line of it the round trip
 * touches. HotSpot lays out a superclass's fields before its subclass's, and a class's fields by
 * kind (references, then longs, ints and bytes), so that the hot fields of one class spread over
 * the whole object; declared here, they fill the first four of the TCB's ten lines instead of
 * lying in all ten. Where a field of this class is documented, its meaning is in {@link Tcb}'s
 * terms.
 */
abstract class TcbHead extends SendQueue {
    // Identity and the thread's code.
    long id;
    Space space;
    /** The interrupt line this pseudo-thread stands for, or -1 for a real thread. */
    int interruptLine = -1;
    Continuation continuation;
    /** A RISC-V thread's registers and pc (run by the kernel's hart), or null for a Java thread. */
    kola.machine.riscv.HartState hart;
    /** The thread's own L4 interface, memory accessor and instruction meter (a Java thread's). */
    UserApi api;

    // State (the IPC state machine, Tcb's class comment).
    byte state = Tcb.INACTIVE;
    boolean halted;
    /**
     * X.2 thread start: activated with a pager and never started, the thread waits (INACTIVE) for
     * its pager's start message, as a closed receive from the pager ({@link Lifecycle#startByMessage}).
     */
    boolean awaitingStart;
    /** The kernel decided the thread dies ({@link Tcb#death}): the loop runs its exit instead of its code. */
    boolean exitPending;
    /**
     * The restart state of this thread's system call, as seL4's {@code ThreadState_Restart}
     * (DESIGN.md, "Execution model"): {@link Tcb#NO_RESTART}, or the call cannot go on before a
     * fault is resolved (a page a string copy of its IPC needs, kernel memory an account ran
     * short of) and the kernel redoes it itself. The kernel loop's next entry for the thread
     * ({@link Tcb#RESTART_FAULT}) sends the fault ({@link Tcb#faultVa}, {@link Tcb#faultAccess}) as a page
     * fault entry would; its entry after that ({@link Tcb#RESTART_CALL}, once the fault is resolved)
     * performs the call again, trap {@link Tcb#restartTrap} with the arguments it had. Neither entry
     * runs the thread's code: a binding only ever sees a finished call.
     */
    byte restart;

    // The trap: what the user side asked for, and what the kernel answered (a3..a6 are in Tcb).
    int trap;
    long a0;
    long a1;
    long a2;
    long result;
    /**
     * Message registers: MR0..MR{@link Tcb#FEW_MESSAGE_REGISTERS}-1 until the thread's first
     * message register past them is written, then all of MR0..MR63 (grown by {@link
     * Tcb#registers}, never shrunk). Reads go through {@link Tcb#mr(int)}, where a register the
     * array does not hold is 0; MR0..MR15 may be indexed directly.
     */
    long[] mr = new long[Tcb.FEW_MESSAGE_REGISTERS];

    // Scheduling.
    int priority;
    long timeslice;
    long remaining;
    Tcb readyNext;
    Tcb readyPrev;
    boolean queued;
    /** The domain the thread runs in (SchedControl DOMAIN; 0 unless set). */
    int domain;
    /** The scheduling context the thread runs on now: its own, or one lent to it (null: none, unlimited unless passive). */
    SchedContext sc;
    /** The scheduling context bound to the thread (SchedControl BIND), or null. */
    SchedContext homeSc;
    /** A passive thread runs only on a scheduling context lent to it by a caller. */
    boolean passive;
    /** The caller whose scheduling context this thread runs on (lent by its call), or null. */
    Tcb donor;
    /** Index in the timeout heap, or -1. */
    int timeoutIndex = -1;

    // IPC. partner: the queue this one waits on to send (SENDING). waitFrom: whom it receives from.
    SendQueue partner;
    long waitFrom;
    /** The receive phase still to do after the send phase completes (nil: none). */
    long pendingFrom;
    long pendingReceiveTimeout;
    Tcb sendNext;
    Tcb sendPrev;
    /** The route of this thread's message while it is queued: the identity its receiver sees, and the receiver it named if redirected. */
    long sendId;
    long sendIntended;
    boolean propagating;
    /** The thread whose reply this one awaits (its last call's receiver), and that call's number. */
    Tcb replier;
    long callSerial;
    /** The reply capability: the caller of the last call this thread received, and that call's number. */
    Tcb replyCaller;
    long replySerial;
    /** X.2 IntendedReceiver (VirtualSender/ActualSender is in Tcb). */
    long intendedReceiver;
    /** The notification or endpoint this thread waits on (RECEIVING); the next waiter there is {@link Tcb#notifyNext}. */
    WaitQueue waitingOn;
    /** The notification bound to this thread, whose bits its open receives take too (null: none). */
    Notification boundNotification;
    /** The receive timeout word of a blocked receive, to restart it after a transfer fault. */
    long receiveTimeout;
    /** SENDING, with a transfer begun that waits for the receiver to fault its buffer in. */
    boolean inTransfer;
    /** The ErrorCode the restart of this thread's receive fails with: its sender's transfer timed out meanwhile (0: none). */
    long xferError;
    /** Kernel-made IPC on this thread's behalf ({@link Tcb#NO_KERNEL_IPC}: none; the others are in Tcb). */
    byte kernelIpc = Tcb.NO_KERNEL_IPC;
}
