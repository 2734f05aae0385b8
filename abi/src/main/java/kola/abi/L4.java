package kola.abi;

/**
 * The system-call interface of one thread: the L4 X.2 system calls, its message and buffer
 * registers, its UTCB's thread control registers, and its memory accessor. A program receives
 * the {@code L4} of each of its threads in {@link Program#run}; it is only valid on that thread.
 *
 * <p>Every argument is a word and every word is input the kernel checks: a bad one yields an
 * error code (the {@link #errorCode()} register), never an exception. System calls with several
 * results return the first and leave the others in the return registers {@link #ret(int)}.
 *
 * <p>Naming follows the X.2 reference manual and Pistachio's {@code l4/*.h}: ThreadControl,
 * SpaceControl, ExchangeRegisters, ThreadSwitch, Schedule, SystemClock, Ipc, Unmap.
 */
public interface L4 {

    // ---- the UTCB ----------------------------------------------------------------------------

    /** Message register {@code i} (0..63); MR0 is the tag. */
    long mr(int i);

    /** Sets message register {@code i} (0..63). */
    void setMr(int i, long value);

    /** Buffer register {@code i} (0..32); BR0 is the acceptor. */
    long br(int i);

    /** Sets buffer register {@code i} (0..32). */
    void setBr(int i, long value);

    /** MyGlobalId: this thread's global id. */
    long myGlobalId();

    /**
     * MyLocalId (X.2): this thread's local id, the address of its UTCB in its space, which names
     * it to the threads of its own space only (see {@link ThreadId#isLocal}).
     */
    long myLocalId();

    /** ErrorCode: why the last failed system call failed. */
    long errorCode();

    /** UserDefinedHandle. */
    long userHandle();

    /** Sets UserDefinedHandle. */
    void setUserHandle(long handle);

    /**
     * XferTimeouts: the transfer timeouts, send in bits 16..31 and receive in bits 0..15, as
     * {@link Timeout#pair} packs them; 0 (the initial value) is never/never. While a string
     * transfer waits for its receiver to fault a page of its buffer in, it waits for the sooner
     * of the sender's send transfer timeout and the receiver's receive transfer timeout (X.2);
     * when that runs out, the sender fails with {@link IpcError#XFER_TIMEOUT_PARTNER} and the
     * receiver with {@link IpcError#XFER_TIMEOUT_OWN}, at the missing page's offset.
     */
    long xferTimeouts();

    /** Sets XferTimeouts. */
    void setXferTimeouts(long timeouts);

    /**
     * IntendedReceiver (X.2): after a receive whose message was redirected (the tag's
     * {@link MsgTag#REDIRECTED} flag), the global id of the thread the sender named; nil otherwise.
     */
    long intendedReceiver();

    /**
     * VirtualSender/ActualSender (X.2), one register: before a send with the tag's
     * {@link MsgTag#PROPAGATED} flag, the thread to send as; after a receive of a propagated
     * message, the thread that actually sent it. Under the virtual-threads model it is the
     * selector under which the receiver's object space names the sender (see {@link Comm}).
     */
    long virtualSender();

    /** Sets VirtualSender. */
    void setVirtualSender(long id);

    /** The thread's pager, as the kernel knows it. */
    long pager();

    /** ExceptionHandler: the thread that receives this thread's exception IPC (nil: none). */
    long exceptionHandler();

    /** Sets ExceptionHandler. */
    void setExceptionHandler(long handler);

    /** The instruction pointer the thread was started at. */
    long startIp();

    /** The stack pointer the thread was started with. */
    long startSp();

    /** Return register {@code i} (0..7) of the last system call with several results. */
    long ret(int i);

    /** The kernel interface page. */
    Kip kernelInterface();

    /** The memory accessor of this thread's address space. */
    Memory memory();

    // ---- system calls ------------------------------------------------------------------------

    /**
     * Ipc: an optional send phase to {@code to} (nil: none) and an optional receive phase from
     * {@code fromSpecifier} (nil: none; {@link ThreadId#ANY}: open receive), with the send and
     * receive timeouts packed by {@link Timeout#pair}. The message is MR0 (tag) and MR1..u+t.
     * Returns the sender of the received message (nil when there was no receive phase). On
     * failure MR0 has {@link MsgTag#ERROR} set and {@link #errorCode()} holds an {@link IpcError}.
     *
     * <p>Under the communication models that name threads by id (all but capabilities and
     * virtual threads, see {@link Comm}) {@code to} and {@code fromSpecifier} may be local ids of
     * threads of this thread's own space, and {@code fromSpecifier} may be
     * {@link ThreadId#ANY_LOCAL}: a receive from any thread of this space. As X.2 has it, a
     * message from a thread of this space is returned under the sender's local id, however the
     * sender named this thread and however the receive named the sender (a propagated message
     * under its virtual sender's global id).
     */
    long ipc(long to, long fromSpecifier, long timeouts);

    /**
     * Lipc (X.2): IPC meant for a partner of this space named by its local id. X.2 lets Lipc be
     * an optimised Ipc with the same outcome; Kola's is Ipc itself.
     */
    default long lipc(long to, long fromSpecifier, long timeouts) {
        return ipc(to, fromSpecifier, timeouts);
    }

    /** Lcall (X.2 {@code L4_Lcall}): Lipc to {@code to} and from it, no timeouts. Returns the tag. */
    default long lcall(long to) {
        lipc(to, to, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
        return mr(0);
    }

    /**
     * LreplyWait (X.2 {@code L4_LreplyWait}): Lipc replying to {@code to} with zero timeout, then
     * receiving from any thread of this space. Returns the sender (its local id).
     */
    default long lreplyWait(long to) {
        return lipc(to, ThreadId.ANY_LOCAL, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
    }

    /** Call: send to {@code to}, then receive from it, with no timeouts. Returns the tag. */
    default long call(long to) {
        ipc(to, to, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
        return mr(0);
    }

    /** Send with no timeout. Returns the tag (error flag set on failure). */
    default long send(long to) {
        ipc(to, ThreadId.NIL, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
        return mr(0);
    }

    /** Reply: send with zero timeout. Returns the tag. */
    default long reply(long to) {
        ipc(to, ThreadId.NIL, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
        return mr(0);
    }

    /** Closed receive from {@code from}. Returns the sender. */
    default long receive(long from) {
        return ipc(ThreadId.NIL, from, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
    }

    /** Open receive. Returns the sender. */
    default long waitAny() {
        return ipc(ThreadId.NIL, ThreadId.ANY, Timeout.pair(Timeout.NEVER, Timeout.NEVER));
    }

    /** ReplyWait: reply to {@code to} with zero timeout, then open receive. Returns the sender. */
    default long replyWait(long to) {
        return ipc(to, ThreadId.ANY, Timeout.pair(Timeout.ZERO, Timeout.NEVER));
    }

    /**
     * ThreadControl (privileged): create, modify or delete thread {@code dest}; an existing
     * thread number under another version changes that thread's version (its IPC is cancelled).
     * Returns 1 on success and 0 on failure ({@link KernelError} in {@link #errorCode()}).
     *
     * <p>A thread given its UTCB location ({@code utcbLocation}, which becomes its local id) while
     * it has a pager waits, as in X.2, for a start message from that pager: exactly two untyped
     * words, MR1 the instruction pointer (as ExchangeRegisters takes it) and MR2 the stack
     * pointer. Only the pager's own message starts it; one of another shape, or with an ip the
     * thread's space cannot start at, fails the pager's send with {@link IpcError#MESSAGE_OVERFLOW}
     * and the thread goes on waiting. ExchangeRegisters with {@link ExRegs#SET_IP} starts it too.
     *
     * <p>{@code pager} (like ExchangeRegisters' pager and the exception handler) may be a local
     * id, under the thread-id models: it names a thread of dest's own space, resolved when the
     * kernel sends dest's page faults, and is kept (and read back) in the form it was given.
     */
    long threadControl(long dest, long spaceSpecifier, long scheduler, long pager, long utcbLocation);

    /**
     * SpaceControl (privileged): set the KIP area and UTCB area of the space of thread
     * {@code spaceSpecifier}, and whether its threads are privileged ({@link SpaceControl#PRIVILEGED}
     * in {@code control}). Returns 1 on success, 0 on failure; {@code ret(0)} is the old control.
     */
    long spaceControl(long spaceSpecifier, long control, long kipArea, long utcbArea, long redirector);

    /**
     * ProcessorControl (privileged, X.2): set processor {@code processorNo}'s internal and
     * external frequency (kHz) and voltage (mV); 0 or {@link MemoryControl#UNCHANGED} leaves one
     * as it is. Kola's one processor, 0, takes any internal frequency from 1 kHz to 1 GHz (the
     * rate its work is costed at; time runs on at 1 GHz); its external frequency (the time base)
     * and voltage cannot change ({@link MemoryControl}). Returns 1 on success, 0 on failure with
     * ErrorCode set ({@link KernelError}).
     */
    long processorControl(long processorNo, long internalFrequency, long externalFrequency, long voltage);

    /**
     * MemoryControl (privileged, X.2): sets the memory attribute of the caller's pages in the
     * fpages in MR0..MRk (k = {@code control}'s low 6 bits), each fpage's low 2 bits choosing
     * {@code attribute0..3} ({@link MemoryControl}: on Kola an attribute is a page's Svpbmt
     * memory type). Returns 1 on success, 0 on failure with ErrorCode set ({@link KernelError}).
     */
    long memoryControl(long control, long attribute0, long attribute1, long attribute2, long attribute3);

    /**
     * ExchangeRegisters: read and write the registers of thread {@code dest} (its global id, or
     * the local id of a thread of this space), halt, resume, or abort its IPC ({@link ExRegs}).
     * Returns the other form of dest's id (its local id if named by its global id, and the other
     * way round), or nil on failure; with {@link ExRegs#DELIVER} the old values are in
     * {@code ret(ExRegs.OUT_*)}, without it those are 0.
     */
    long exchangeRegisters(long dest, long control, long sp, long ip, long flags, long userHandle, long pager);

    /** ThreadSwitch: donate the rest of the time slice to {@code dest}, or yield when nil. */
    void threadSwitch(long dest);

    /**
     * Schedule: set time slice, priority of {@code dest} (the caller must be its scheduler or a thread of the scheduler's address space).
     * Returns the {@link ThreadState} of dest, or {@link ThreadState#ERROR}; {@code ret(0)} is
     * the old time control, {@code ret(1)} the old priority.
     */
    long schedule(long dest, long timeControl, long processorControl, long prioControl, long preemptionControl);

    /**
     * SystemClock: simulated time in microseconds since boot. Kola: {@code ret(0)} holds the
     * processor's cycle count, like RISC-V's cycle CSR (one a nanosecond at the base rate, 1 GHz;
     * ProcessorControl may lower the rate).
     */
    long systemClock();

    /**
     * CommControl (a Kola extension; see {@link Comm}): configures communication control
     * ({@link Comm#CHIEF}, {@link Comm#POLICY}, {@link Comm#PCLAN}, {@link Comm#PCLAN_POLICY}) or
     * the caller's object space ({@link Comm#GATE}, {@link Comm#LOOKUP}). Returns 1 (or the value
     * asked for) on success, 0 on failure with ErrorCode set ({@link KernelError}).
     */
    long commControl(int op, long a, long b, long c);

    /** KmemControl (a Kola extension; see {@link Kmem}): operation {@code op} of the kernel-memory model. */
    long kmemControl(int op, long a, long b, long c);

    /** KmemControl {@link Kmem#QUOTA}: a space's kernel-memory quota and holdings. */
    default long kmemControl(long space, long quota) {
        return kmemControl(Kmem.QUOTA, space, quota, 0);
    }

    /**
     * SchedControl (a Kola extension; see {@link Sched}): scheduling contexts, passive threads,
     * timeout-fault handlers, domains. Returns 1 (or the value asked for) on success, 0 on failure
     * with ErrorCode set ({@link KernelError}).
     */
    long schedControl(int op, long a, long b, long c);

    /**
     * Unmap: the fpages in MR0..MR{n-1}, n - 1 in the low 6 bits of {@code control}, flush bit
     * 0x40. Each fpage's rwx are the rights to revoke from the mappings derived from the caller's
     * pages in it (and, with flush, from the caller's own); rwx 0 revokes nothing. Each fpage
     * comes back with its status in the rwx bits, accumulated over its pages, and the status is
     * reset: R (referenced), W (written), X (executed, told only on an execute-only page) since
     * the caller last read it, through the mappings derived from its pages (whoever they were
     * mapped or granted to, directly or indirectly, even if they are gone now) and, with flush,
     * through its own ({@link Fpage#wasReferenced}, {@link Fpage#wasWritten},
     * {@link Fpage#wasExecuted}). An object fpage comes back with rwx 0.
     */
    void unmap(long control);

    /**
     * Prints to the kernel debug console (like L4's kernel debugger output). Each line appears
     * as {@code SPACE: text}, SPACE being the printing address space's module name, with control
     * characters escaped: task output cannot pass for the kernel's own lines.
     */
    void kdbPrint(String text);

    /**
     * Enters the kernel debugger (L4's {@code KDB_Enter}): Kola's prints {@code reason} and a
     * snapshot of the mapping database, space by space, on the kernel debug console, and returns.
     * Without the kernel debugger right (see {@link #kdbQuery}) the snapshot is of this space alone.
     */
    void kdbEnter(String reason);

    /**
     * Asks the kernel debugger (Kola's KDB answers in text): {@code "ps"} (threads: id, space,
     * state, priority, what each waits for), {@code "spaces"}, {@code "mem"} (physical memory),
     * {@code "kmem"} (kernel memory charged to each owner), {@code "mappings"}, {@code "trace on"},
     * {@code "trace off"}. An unknown query gets a line saying so. A space without the kernel
     * debugger right (sigma0, the root task and modules with the boot argument {@code kdb} have
     * it) sees only its own threads, space and mappings, and is refused the rest.
     */
    String kdbQuery(String query);
}
