package kola.kernel;

import kola.abi.MsgTag;

/**
 * A thread control block: one L4 thread (paper section 2; L4 X.2 "Threads"). It holds the
 * thread's identity, its scheduling and IPC state, its UTCB registers (message registers, buffer
 * registers, thread control registers) and the continuation that runs its user code.
 *
 * <p>The IPC state machine: {@link #INACTIVE} (created, not yet started, or its code ended),
 * {@link #READY} (running or runnable), {@link #SENDING} (blocked in the send phase, queued on
 * {@link #partner}: the receiver's own send queue, the thread being a {@link SendQueue}, or an
 * endpoint's), {@link #RECEIVING} (blocked in the receive phase, waiting for {@link #waitFrom},
 * or on the notification or endpoint {@link #waitingOn}). {@link #halted} is orthogonal: a halted thread keeps its IPC state but is
 * never scheduled. The queues are intrusive, so that blocking and waking allocate nothing.
 *
 * <p>The fields an IPC round trip uses are declared in {@link TcbHead}, so that they lie together
 * in the first cache lines of the object; this class holds the rest.
 */
final class Tcb extends TcbHead implements Charged {
    static final byte INACTIVE = 0;
    static final byte READY = 1;
    static final byte SENDING = 2;
    static final byte RECEIVING = 3;
    static final byte DEAD = 4;

    /** Bytes of kernel memory a TCB is charged at (the size of a Pistachio TCB on 64-bit). */
    static final long BYTES = 1024;
    /** Where the kernel memory of this control block lives. */
    KernelFrame frame;
    /** UTCB return registers (results of system calls with several results). */
    static final int RET_REGISTERS = 8;
    /** Buffer registers BR0..BR32. */
    static final int BUFFER_REGISTERS = 33;

    final long number;
    /** The space charged for this TCB's kernel memory. */
    Space owner;

    // Thread control registers.
    long pager;
    long scheduler;
    long exceptionHandler;
    long userHandle;
    long errorCode;
    long flags;
    long utcbLocation = -1;
    /**
     * A RISC-V thread's UTCB: the frame of its page and its offset there, set when it starts. The
     * page is the kernel's, fixed while the thread is, mapped read-write and never executable, so
     * the binding reads and writes its words in the frame itself.
     */
    byte[] utcbFrame;
    int utcbOffset;
    long startIp;
    long startSp;
    /** Buffer and return registers, made on first use: most threads never touch them (heap per thread). */
    private long[] br;
    private long[] ret;

    // Scheduling (the fields a round trip uses are in TcbHead).
    /** The passive server this thread lent the context it ran on to (by its call), or null. */
    Tcb lentTo;
    /** Where this thread's timeout faults go (nil: nowhere; it waits for the refill). */
    long timeoutHandler;
    /** ErrorCode and the result word while a timeout fault is out (the fault comes between two of the thread's own calls). */
    long savedErrorCode;
    long savedResult;

    // IPC (the fields a round trip uses are in TcbHead).
    /** X.2 VirtualSender/ActualSender. */
    long virtualSender;
    /** The next waiter on the notification or endpoint this thread waits on ({@link #waitingOn}). */
    Tcb notifyNext;

    // Timeouts (the index in the timeout heap is in TcbHead).
    long wakeup;
    long timeoutSeq;

    // The trap's further arguments (its number, a0..a2 and the result are in TcbHead).
    long a3;
    long a4;
    long a5;
    long a6;
    Object trapObject;

    // Kernel-made IPC on this thread's behalf: a page fault or exception message to the pager or
    // exception handler. The thread's own message registers are saved meanwhile.
    static final byte NO_KERNEL_IPC = 0;
    static final byte FAULT_IPC = 1;
    static final byte EXCEPTION_IPC = 2;
    /** A kernel-memory fault to the kpager of an account that ran short (kpager model). */
    static final byte KMEM_IPC = 3;
    static final byte TIMEOUT_IPC = 4;
    long savedMr0;
    long savedMr1;
    long savedMr2;
    long savedBr0;
    // The restart state (TcbHead#restart).
    static final byte NO_RESTART = 0;
    /** The call must fault first: the next entry for the thread sends the fault. */
    static final byte RESTART_FAULT = 1;
    /** The fault was sent (and, when the thread runs again, resolved): the next entry redoes the call. */
    static final byte RESTART_CALL = 2;
    /** The trap of the call to restart. */
    int restartTrap;
    /** The fault a call in its restart state sends (the address, and the access: rwx or {@link #KMEM_FAULT}); faultVa is also the address of a page fault sent. */
    long faultVa;
    int faultAccess;
    /** {@link #faultAccess} of a kernel-memory fault: the account is {@link #kmemAccount}. */
    static final int KMEM_FAULT = 8;
    /** The account whose kpager the pending kernel-memory fault goes to. */
    Space kmemAccount;
    /** The kpager refused (or its IPC failed): the restarted call fails with out-of-memory instead of faulting again. */
    boolean kmemRefused;
    /** XferTimeouts (UTCB): send transfer timeout in bits 16..31, receive in 0..15; 0 is never/never. */
    long xferTimeouts;
    /** X.2's offset of this thread's transfer that waits for its receiver's fault: the string bytes before the missing page. */
    long xferOffset;

    /** A RISC-V thread's system call in progress (its trap), 0 if none ({@link RiscvBinding}). */
    int hartCall;
    /** A call's arguments a0..a5, kept while its fault is handled (restart state). */
    private long redo0;
    private long redo1;
    private long redo2;
    private long redo3;
    private long redo4;
    private long redo5;

    /**
     * The call of trap {@code trap} this thread is in must fault at {@code va} with {@code
     * access} (or {@link #KMEM_FAULT}) first, then be redone: it enters {@link #RESTART_FAULT}.
     * The arguments it is redone with are a0..a5 as they are when the fault is sent (an IPC's
     * from the phase it was in).
     */
    void restartAfterFault(int trap, long va, int access) {
        restart = RESTART_FAULT;
        restartTrap = trap;
        faultVa = va;
        faultAccess = access;
    }

    /** Whether the call this thread is in must fault first ({@link #RESTART_FAULT}). */
    boolean mustFault() {
        return restart == RESTART_FAULT;
    }

    /** Keeps a0..a5, the arguments of the call to restart, and loads the fault's trap arguments. */
    void saveCallForFault() {
        redo0 = a0;
        redo1 = a1;
        redo2 = a2;
        redo3 = a3;
        redo4 = a4;
        redo5 = a5;
        a0 = faultVa;
        a1 = faultAccess;
    }

    /** Puts back the arguments {@link #saveCallForFault} kept, to redo the call. */
    void restoreCall() {
        a0 = redo0;
        a1 = redo1;
        a2 = redo2;
        a3 = redo3;
        a4 = redo4;
        a5 = redo5;
    }
    /** What the kernel last wrote into a RISC-V thread's UTCB control words, or null. */
    long[] utcbWritten;
    /** A RISC-V thread's kernel-debugger line, put together character by character. */
    StringBuilder kdbLine;
    Throwable death;
    /** What the console says of {@link #death}, made where the thread died (never by calling it in the kernel). */
    String deathText;
    /** The thread's code has ended (returned, threw, or died of a fault) and it was not restarted since. */
    boolean ended;

    Tcb(long number) {
        this.number = number;
    }

    /**
     * How many message registers a thread's register file holds until it uses more: a message of
     * up to 15 words, which is most of them. A server with many clients reads each client's
     * registers cold, so that every line of them counts (BENCHMARKS.md). (With 8, the 8-word
     * round trip, whose threads then grow their files, took about 20 ns longer; with 16, as long
     * as with all 64 from the start.)
     */
    static final int FEW_MESSAGE_REGISTERS = 16;

    /** Message register {@code i} (0..63, checked by the caller): 0 if never written. */
    long mr(int i) {
        long[] m = mr;
        return i < m.length ? m[i] : 0;
    }

    void setMr(int i, long value) {
        registers(i + 1)[i] = value;
    }

    /** The message registers, holding at least MR0..MR{@code n - 1} ({@code n <= 64}): grown to all of them if they were fewer. */
    long[] registers(int n) {
        long[] m = mr;
        if (n > m.length) {
            m = java.util.Arrays.copyOf(m, MsgTag.MESSAGE_REGISTERS);
            mr = m;
        }
        return m;
    }

    /** Copies MR{@code from}.. ({@code n} registers, all below 64) into {@code to} at {@code at}; a register never written is 0. */
    void copyMrs(int from, long[] to, int at, int n) {
        long[] m = mr;
        if (from + n <= m.length) {
            System.arraycopy(m, from, to, at, n);
        } else {
            copyHeldMrs(m, from, to, at, n);
        }
    }

    /** {@link #copyMrs} of registers some of which {@code m} does not hold (kept out of it, which stays small). */
    private static void copyHeldMrs(long[] m, int from, long[] to, int at, int n) {
        int held = Math.max(0, m.length - from);
        if (held > 0) {
            System.arraycopy(m, from, to, at, held); // (not with none held: from may lie past the array)
        }
        java.util.Arrays.fill(to, at + held, at + n, 0);
    }

    /** Buffer register {@code i} (0..32); an index out of range throws, as an array would. */
    long br(int i) {
        java.util.Objects.checkIndex(i, BUFFER_REGISTERS);
        return br == null ? 0 : br[i];
    }

    void setBr(int i, long value) {
        java.util.Objects.checkIndex(i, BUFFER_REGISTERS);
        if (br == null) {
            if (value == 0) {
                return;
            }
            br = new long[BUFFER_REGISTERS];
        }
        br[i] = value;
    }

    /** The return registers, for a system call with several results to fill. */
    long[] ret() {
        if (ret == null) {
            ret = new long[RET_REGISTERS];
        }
        return ret;
    }

    /** Return register {@code i} (0..7). */
    long ret(int i) {
        java.util.Objects.checkIndex(i, RET_REGISTERS);
        return ret == null ? 0 : ret[i];
    }

    /**
     * Ready, not halted, a real thread, and with budget: that of the context it holds, or
     * unlimited if it holds none, is not passive and has not lent its own away.
     */
    boolean runnable() {
        return state == READY && !halted && interruptLine < 0 && (sc == null ? !passive && homeSc == null : !sc.depleted);
    }

    /** Whether the thread's code was never started: no continuation, no register file, not ended. */
    boolean neverStarted() {
        return continuation == null && hart == null && !ended;
    }

    /** Whether this thread waits for an IPC (either phase). */
    boolean inIpc() {
        return state == SENDING || state == RECEIVING;
    }

    @Override
    public String toString() {
        return kola.abi.ThreadId.toString(id);
    }

    @Override
    public KernelObject kind() {
        return KernelObject.TCB;
    }

    @Override
    public KernelFrame frame() {
        return frame;
    }
}
