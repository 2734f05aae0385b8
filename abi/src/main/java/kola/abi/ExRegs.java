package kola.abi;

/**
 * The control word of ExchangeRegisters and the thread state it returns (L4 X.2,
 * "ExchangeRegisters"; {@code L4_ExReg_*} in Pistachio's {@code l4/thread.h}).
 *
 * <p>Input control bits: h (halt value, bit 0) applied when H (bit 8) is set; r (bit 1) aborts a
 * receive, s (bit 2) aborts a send; S, i, f, u, p (bits 3..7) write sp, ip, flags, user handle,
 * pager; d (bit 9) delivers the old values. With d, the returned control word describes the old
 * state (bit 0 halted, bit 1 receiving, bit 2 sending) and the old sp, ip, flags, user handle and
 * pager come back, read before anything was written; without d, X.2 leaves these out-parameters
 * undefined and Kola returns 0 in each.
 *
 * <p>The call's result is the other form of dest's id (X.2): its global id if dest was named by
 * its local id, its local id (its UTCB address) if dest was named by its global id, which is how
 * {@code L4_GlobalIdOf} and {@code L4_LocalIdOf} work. A thread not yet given a UTCB has no local
 * id: its result is then {@link ThreadId#ANY_LOCAL}, as in Pistachio. Nil is the failure.
 */
public final class ExRegs {
    /** The halt value h. */
    public static final long HALT_VALUE = 1L;
    /** Abort a pending receive (r). */
    public static final long ABORT_RECEIVE = 1L << 1;
    /** Abort a pending send (s). */
    public static final long ABORT_SEND = 1L << 2;
    /** Abort any pending IPC (r | s). */
    public static final long ABORT_IPC = ABORT_RECEIVE | ABORT_SEND;
    /** Write the stack pointer. */
    public static final long SET_SP = 1L << 3;
    /** Write the instruction pointer: the thread (re)starts at this entry. */
    public static final long SET_IP = 1L << 4;
    /** Write sp and ip. */
    public static final long SET_SP_IP = SET_SP | SET_IP;
    /** Write the flags. */
    public static final long SET_FLAGS = 1L << 5;
    /** Write the user-defined handle. */
    public static final long SET_USER_HANDLE = 1L << 6;
    /** Write the pager. */
    public static final long SET_PAGER = 1L << 7;
    /** Apply the halt value h. */
    public static final long HALT_VALID = 1L << 8;
    /** Halt the thread. */
    public static final long HALT = HALT_VALID | HALT_VALUE;
    /** Resume the thread. */
    public static final long RESUME = HALT_VALID;
    /**
     * Deliver (d): return the thread's old state and registers in the out-parameters (L4_Stop,
     * L4_PagerOf, L4_UserDefinedHandleOf set it); without it they are 0.
     */
    public static final long DELIVER = 1L << 9;
    /** All input control bits Kola knows; any other bit is an invalid parameter. */
    public static final long KNOWN = (1L << 10) - 1;

    /** Returned control: the thread was halted. */
    public static final long WAS_HALTED = 1L;
    /** Returned control: the thread was receiving. */
    public static final long WAS_RECEIVING = 1L << 1;
    /** Returned control: the thread was sending. */
    public static final long WAS_SENDING = 1L << 2;

    /** Index of the old control word in {@link L4#ret(int)} after ExchangeRegisters (with {@link #DELIVER}). */
    public static final int OUT_CONTROL = 0;
    /** Index of the old stack pointer. */
    public static final int OUT_SP = 1;
    /** Index of the old instruction pointer. */
    public static final int OUT_IP = 2;
    /** Index of the old flags. */
    public static final int OUT_FLAGS = 3;
    /** Index of the old user-defined handle. */
    public static final int OUT_USER_HANDLE = 4;
    /** Index of the old pager. */
    public static final int OUT_PAGER = 5;

    private ExRegs() {
    }
}
