package kola.kernel;

import kola.abi.Fpage;
import kola.abi.MsgTag;
import kola.machine.PhysicalMemory;
import kola.machine.riscv.HartState;

/**
 * The L4 system calls of a RISC-V thread (docs/ABI-RISCV.md): an {@code ecall} with a negative
 * call number in a7 and the arguments in a0..a6, the message, buffer and thread-control
 * registers in the thread's UTCB, which lives in the thread's own memory at the address in
 * {@code tp}. Modelled on L4Ka::Pistachio's register-rich bindings (mips64, powerpc64): the
 * kernel reads the UTCB words a call needs when the call enters and writes the results back
 * when it returns, and the call itself is the one the Java personality makes (same trap, same
 * code in {@link Ipc} and {@link SystemCalls}).
 *
 * <p>Every word is hostile: each UTCB word is read once, into the thread control block, and
 * checked where it is used, as a Java thread's registers are. The UTCB page is the kernel's
 * (allocated from kernel memory when the thread starts, mapped read-write into the UTCB area,
 * where nothing else can be mapped), so reading and writing it cannot fault.
 *
 * <p>The thread-control words the thread may write (UserDefinedHandle, Pager, ExceptionHandler,
 * XferTimeouts) are taken into the thread control block at every kernel entry from the hart if
 * they differ from what the kernel last wrote there, and written back at every return to user
 * mode: a change made by the thread and one made by ExchangeRegisters from another thread both
 * reach the other side. Message registers are written back only when a system call returns, so
 * a message the thread is composing survives a page fault or a preemption.
 */
final class RiscvBinding {
    /** Call numbers (a7). */
    static final long IPC = -1;
    /** Lipc (X.2): IPC meant for local partners; X.2 lets it be Ipc, and Kola's is (the same trap). */
    static final long LIPC = -2;
    static final long UNMAP = -3;
    static final long EXCHANGE_REGISTERS = -4;
    static final long THREAD_CONTROL = -5;
    static final long SPACE_CONTROL = -6;
    static final long SCHEDULE = -7;
    static final long THREAD_SWITCH = -8;
    static final long SYSTEM_CLOCK = -9;
    static final long KDB_PRINT_CHAR = -10;
    static final long KDB_ENTER = -11;
    static final long COMM_CONTROL = -12;
    static final long KMEM_CONTROL = -13;
    static final long SCHED_CONTROL = -14;
    static final long KERNEL_INTERFACE = -15;
    static final long PROCESSOR_CONTROL = -16;
    static final long MEMORY_CONTROL = -17;

    /** The trap of call number -i, at index i. */
    private static final int[] TRAPS = {Trap.NONE, Trap.IPC, Trap.IPC, Trap.UNMAP, Trap.EXCHANGE_REGISTERS,
        Trap.THREAD_CONTROL, Trap.SPACE_CONTROL, Trap.SCHEDULE, Trap.THREAD_SWITCH, Trap.SYSTEM_CLOCK,
        Trap.KDB_PRINT_CHAR, Trap.KDB_ENTER, Trap.COMM_CONTROL, Trap.KMEM_CONTROL, Trap.SCHED_CONTROL,
        Trap.KERNEL_INTERFACE, Trap.PROCESSOR_CONTROL, Trap.MEMORY_CONTROL};

    /** UTCB word offsets (bytes = word * 8). */
    static final int MY_GLOBAL_ID = 0;
    static final int PROCESSOR_NO = 1;
    static final int USER_DEFINED_HANDLE = 2;
    static final int PAGER = 3;
    static final int EXCEPTION_HANDLER = 4;
    static final int FLAGS = 5;
    static final int XFER_TIMEOUTS = 6;
    static final int ERROR_CODE = 7;
    static final int INTENDED_RECEIVER = 8;
    static final int ACTUAL_SENDER = 9;
    /** MyLocalId (X.2): the thread's local id, its UTCB's own address (= tp). */
    static final int MY_LOCAL_ID = 10;
    static final int MR0 = 16;
    static final int BR0 = MR0 + MsgTag.MESSAGE_REGISTERS;
    /** The words the UTCB holds: thread-control words, 64 MRs, 33 BRs (913 bytes of its 1 KiB). */
    static final int WORDS = BR0 + Tcb.BUFFER_REGISTERS;

    /** Registers: a0 is x10, a7 x17, tp x4. */
    private static final int A0 = 10;
    private static final int A7 = 17;
    private static final int TP = 4;
    private static final int ECALL_BYTES = 4;

    private final Kernel k;

    RiscvBinding(Kernel k) {
        this.k = k;
    }

    /**
     * The thread is (re)started on the hart: its UTCB page is backed and mapped, its words
     * written, and tp holds its address. False if kernel memory could not back the page.
     */
    boolean start(Tcb t) {
        Space s = t.space;
        long vpn = t.utcbLocation >>> PhysicalMemory.PAGE_SHIFT;
        if (!s.utcbPages.containsKey(vpn)) {
            long pfn = k.kmem.allocateUtcbFrame(s);
            if (pfn < 0) {
                return false;
            }
            k.machine.memory().zeroFrame(pfn);
            if (!s.pageTable.map(vpn << PhysicalMemory.PAGE_SHIFT, pfn, Fpage.R | Fpage.W)) {
                k.kmem.freeFrame(s, pfn);
                return false;
            }
            s.utcbPages.put(vpn, pfn);
        }
        t.utcbFrame = k.machine.memory().frameArrayForStore(s.utcbPages.get(vpn));
        t.utcbOffset = (int) (t.utcbLocation & (PhysicalMemory.PAGE_SIZE - 1));
        for (int i = 0; i < WORDS; i++) {
            store(t, i, 0);
        }
        t.hart.x[TP] = t.utcbLocation;
        t.hartCall = 0;
        t.utcbWritten = null;
        syncOut(t);
        return true;
    }

    /**
     * The ecall of {@code t} (pc on it) asks for a system call: decodes it into the trap registers,
     * moves pc past the ecall and returns true; false if a7 is no Kola call (the ecall is then an
     * exception for the thread's handler).
     */
    boolean enter(Tcb t) {
        HartState h = t.hart;
        long call = h.x[A7];
        int trap = call >= MEMORY_CONTROL && call <= IPC ? TRAPS[(int) -call] : Trap.NONE;
        if (trap == Trap.NONE) {
            return false;
        }
        h.pc += ECALL_BYTES;
        t.a0 = h.x[A0];
        t.a1 = h.x[A0 + 1];
        t.a2 = h.x[A0 + 2];
        t.a3 = h.x[A0 + 3];
        t.a4 = h.x[A0 + 4];
        t.a5 = h.x[A0 + 5];
        t.a6 = h.x[A0 + 6];
        if (trap == Trap.IPC || trap == Trap.UNMAP) {
            enterMessage(t, trap);
        } else {
            enterWords(t, trap);
        }
        t.trap = trap;
        t.hartCall = trap;
        return true;
    }

    /**
     * The message of an Ipc or Unmap: MR0 first, then the words it counts (read once; Ipc checks
     * u + t), and BR0, the acceptor, with the string buffers behind it only if it accepts
     * strings (Ipc reads them only then). (Apart from {@link #enter}, which stays small enough
     * for the JIT to inline into the kernel loop.)
     */
    private static void enterMessage(Tcb t, int trap) {
        long tag = load(t, MR0);
        t.mr[0] = tag;
        int words = Math.min(MsgTag.MESSAGE_REGISTERS - 1, MsgTag.untyped(tag) + MsgTag.typed(tag));
        if (trap == Trap.UNMAP) {
            words = (int) Math.min(MsgTag.MESSAGE_REGISTERS - 1, t.a0 & 0x3F);
        }
        long[] mr = t.registers(words + 1);
        for (int i = 1; i <= words; i++) {
            mr[i] = load(t, MR0 + i);
        }
        long acceptor = load(t, BR0);
        t.setBr(0, acceptor);
        if (kola.abi.Items.acceptsStrings(acceptor)) {
            for (int i = 1; i < Tcb.BUFFER_REGISTERS; i++) {
                t.setBr(i, load(t, BR0 + i));
            }
        }
    }

    /** The message registers other calls read (MemoryControl's fpages, SchedControl's slots), and KDB_Enter's reason. */
    private static void enterWords(Tcb t, int trap) {
        if (trap == Trap.MEMORY_CONTROL) {
            // The fpages, MR0..MRk (k = a0's low 6 bits; read once: MemoryControl checks each).
            int k = (int) (t.a0 & 0x3F);
            long[] mr = t.registers(k + 1);
            for (int i = 0; i <= k; i++) {
                mr[i] = load(t, MR0 + i);
            }
        }
        if (trap == Trap.SCHED_CONTROL && t.a0 == kola.abi.Sched.DOMAIN_SCHEDULE) {
            // The slots, MR1..MRn (read once; SchedControl checks n).
            int words = (int) Math.min(kola.abi.Sched.MAX_SLOTS, Math.max(0, t.a1));
            long[] mr = t.registers(words + 1);
            for (int i = 1; i <= words; i++) {
                mr[i] = load(t, MR0 + i);
            }
        }
        if (trap == Trap.KDB_ENTER) {
            t.trapObject = "RISC-V KDB_Enter";
        }
    }

    /**
     * Before {@code t} runs on the hart again, after its system call: writes the call's results
     * back (registers, message and thread-control words). The call is finished: one that had to
     * fault first was redone by the kernel ({@link Tcb#restart}) before the thread runs again.
     */
    void resume(Tcb t) {
        int call = t.hartCall;
        t.hartCall = 0;
        HartState h = t.hart;
        h.x[A0] = t.result;
        if (call == Trap.IPC) {
            long tag = t.mr[0];
            int words = Math.min(MsgTag.MESSAGE_REGISTERS - 1, MsgTag.untyped(tag) + MsgTag.typed(tag));
            for (int i = 0; i <= words; i++) {
                store(t, MR0 + i, t.mr(i));
            }
        } else {
            resumeResults(t, h, call);
        }
        syncOut(t);
    }

    /** The results of calls other than Ipc (apart from {@link #resume}, which stays small enough to inline). */
    private static void resumeResults(Tcb t, HartState h, int call) {
        switch (call) {
            case Trap.EXCHANGE_REGISTERS -> {
                for (int i = 1; i <= 6; i++) {
                    h.x[A0 + i] = t.ret(i - 1);
                }
            }
            case Trap.SYSTEM_CLOCK, Trap.SPACE_CONTROL -> h.x[A0 + 1] = t.ret(0);
            case Trap.KMEM_CONTROL -> {
                h.x[A0 + 1] = t.ret(0);
                h.x[A0 + 2] = t.ret(1);
            }
            case Trap.SCHEDULE -> {
                h.x[A0 + 1] = t.ret(0);
                h.x[A0 + 2] = t.ret(1);
            }
            case Trap.SCHED_CONTROL, Trap.KERNEL_INTERFACE -> {
                h.x[A0 + 1] = t.ret(0);
                h.x[A0 + 2] = t.ret(1);
                h.x[A0 + 3] = t.ret(2);
            }
            case Trap.UNMAP -> {
                // The fpages, with the status bits the unmap set.
                int k = (int) Math.min(MsgTag.MESSAGE_REGISTERS - 1, t.a0 & 0x3F);
                for (int i = 0; i <= k; i++) {
                    store(t, MR0 + i, t.mr(i));
                }
            }
            default -> { }
        }
    }

    /** At a kernel entry from the hart: takes the thread-control words the thread wrote itself (and notes them as the UTCB's). */
    void syncIn(Tcb t) {
        long[] w = t.utcbWritten;
        if (w == null) {
            return;
        }
        long v = load(t, USER_DEFINED_HANDLE);
        if (v != w[0]) {
            t.userHandle = v;
            w[0] = v;
        }
        v = load(t, PAGER);
        if (v != w[1]) {
            t.pager = v;
            w[1] = v;
        }
        v = load(t, EXCEPTION_HANDLER);
        if (v != w[2]) {
            t.exceptionHandler = v;
            w[2] = v;
        }
        v = load(t, XFER_TIMEOUTS);
        if (v != w[3]) {
            t.xferTimeouts = v;
            w[3] = v;
        }
        v = load(t, ACTUAL_SENDER);
        if (v != w[4]) {
            t.virtualSender = v;
            w[4] = v;
        }
    }

    /**
     * At a return to user mode: the thread-control words, as the kernel has them. The first
     * return after {@link #start} writes them all; later ones write ErrorCode and
     * IntendedReceiver, which every IPC may set, and each of the others only if the kernel's
     * value is not the one it last wrote there. The UTCB held that value at the last kernel entry
     * ({@link #syncIn} took any other as the thread's own write); only a thread of the same space
     * can have written it since, and what it wrote stays until the thread's next entry takes it,
     * as if the thread had written it itself. MyGlobalId, MyLocalId and ProcessorNo do not change
     * while the thread lives.
     */
    void syncOut(Tcb t) {
        long[] w = t.utcbWritten;
        if (w == null) {
            w = t.utcbWritten = new long[5];
            store(t, MY_GLOBAL_ID, t.id);
            store(t, MY_LOCAL_ID, t.utcbLocation);
            store(t, PROCESSOR_NO, 0);
            store(t, USER_DEFINED_HANDLE, w[0] = t.userHandle);
            store(t, PAGER, w[1] = t.pager);
            store(t, EXCEPTION_HANDLER, w[2] = t.exceptionHandler);
            store(t, XFER_TIMEOUTS, w[3] = t.xferTimeouts);
            store(t, ACTUAL_SENDER, w[4] = t.virtualSender);
        } else {
            if (t.userHandle != w[0]) {
                store(t, USER_DEFINED_HANDLE, w[0] = t.userHandle);
            }
            if (t.pager != w[1]) {
                store(t, PAGER, w[1] = t.pager);
            }
            if (t.exceptionHandler != w[2]) {
                store(t, EXCEPTION_HANDLER, w[2] = t.exceptionHandler);
            }
            if (t.xferTimeouts != w[3]) {
                store(t, XFER_TIMEOUTS, w[3] = t.xferTimeouts);
            }
            if (t.virtualSender != w[4]) {
                store(t, ACTUAL_SENDER, w[4] = t.virtualSender);
            }
        }
        store(t, ERROR_CODE, t.errorCode);
        store(t, INTENDED_RECEIVER, t.intendedReceiver);
    }

    /** UTCB word {@code word}, from the frame of the UTCB page (the kernel's: no walk, never code, never a device). */
    private static long load(Tcb t, int word) {
        return (long) WORD.get(t.utcbFrame, t.utcbOffset + word * 8);
    }

    private static void store(Tcb t, int word, long value) {
        WORD.set(t.utcbFrame, t.utcbOffset + word * 8, value);
    }

    private static final java.lang.invoke.VarHandle WORD =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
}
