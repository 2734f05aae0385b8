package kola.abi;

/**
 * Labels of the messages the kernel makes on a thread's behalf, and of the sigma0 protocol
 * (L4 X.2, "Page Faults", "Interrupts", "Exceptions", "Sigma0 RPC protocol"). All are negative,
 * so no user protocol can be mistaken for them.
 */
public final class KernelLabels {
    /** Interrupt: from the line's pseudo-thread, u = 0. */
    public static final long INTERRUPT = -1L << 4;
    /** Page fault: label | rwx of the access; MR1 fault address, MR2 instruction pointer. */
    public static final long PAGE_FAULT = -2L << 4;
    /** Preemption notification. */
    public static final long PREEMPTION = -3L << 4;
    /** Exception: MR1 the instruction pointer the thread was started at, MR2 an {@code EXC_*} code. */
    public static final long EXCEPTION = -5L << 4;
    /**
     * Timeout fault: a thread ran out of the budget a caller lent it (see {@link Sched}); MR1 the
     * caller whose scheduling context it was, MR2 the context's id. The handler's reply lets the
     * thread go on when the budget is refilled.
     */
    public static final long TIMEOUT_FAULT = -7L << 4;
    /** Sigma0 request: MR1 the wanted fpage (base all ones: any page of that size), MR2 attributes. */
    public static final long SIGMA0 = -6L << 4;

    /**
     * A pager's (or exception handler's) reply refusing a kernel-made request: the faulting
     * thread is halted and the refusal reported. Any negative label in such a reply does the
     * same (a page fault answered by the pager's own page fault: pagers that page each other).
     */
    public static final long REFUSED = -8L << 4;

    /** Kernel-memory fault (Kola, kpager model): MR1 a thread of the account that ran short, MR2 the bytes it needed. */
    public static final long KMEM_FAULT = -9L << 4;

    /** Exception code: a {@code RuntimeException} (or other unchecked exception) escaped. */
    public static final long EXC_RUNTIME = 1;
    /** Exception code: a checked exception escaped. */
    public static final long EXC_CHECKED = 2;
    /** Exception code: a {@code StackOverflowError}. */
    public static final long EXC_STACK_OVERFLOW = 3;
    /** Exception code: another {@code Error}. */
    public static final long EXC_ERROR = 4;
    /** Exception code: a page fault that could not be resolved (no pager, pager gone, refused). */
    public static final long EXC_PAGE_FAULT = 5;

    private KernelLabels() {
    }

    /** Whether a message label is a page fault (of any access). */
    public static boolean isPageFault(long label) {
        return (label & ~7L) == PAGE_FAULT;
    }

    /** Whether a label is one the kernel makes (or the sigma0 protocol): negative. */
    public static boolean isKernelLabel(long label) {
        return label < 0;
    }
}
