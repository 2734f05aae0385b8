package kola.abi;

/**
 * SchedControl (a Kola extension of X.2; paper section 3.1, temporal partitioning): scheduling
 * contexts, passive threads, timeout-fault handlers and the domain schedule.
 * {@code schedControl(op, a, b, c)} returns 1 (or the value asked for) on success, 0 on failure
 * with ErrorCode set ({@link KernelError}); a refused call changes nothing. Every operation but
 * {@link #QUERY} needs a privileged caller; QUERY may also be made from the space of the thread
 * the context is bound to.
 *
 * <p>A scheduling context (SC) is a budget per period, enforced as a sporadic server (seL4 MCS):
 * cycles consumed at time t return at t + period. A thread bound to one runs only while it has
 * budget; a thread with none runs unlimited as in X.2, unless it is passive: then it runs only
 * on the context a caller lends it with an IPC call, which its reply gives back. When a lent
 * budget runs out in the server, the server sends a timeout fault (label
 * {@link KernelLabels#TIMEOUT_FAULT}) to its timeout-fault handler, if it has one.
 *
 * <p>Domains: the privileged {@link #DOMAIN_SCHEDULE} sets a static cyclic schedule of
 * (domain, length) slots; only threads of the current slot's domain run, and the switch happens at
 * exact simulated times whatever runs. Without a schedule every thread is in domain 0.
 */
public final class Sched {
    /** CREATE(id, budget µs, period µs): a new scheduling context {@code id} (1..{@link #CONTEXTS}-1), full. */
    public static final int CREATE = 0;
    /** CONFIGURE(id, budget µs, period µs): new figures; its budget is full again from now (1 µs ≤ budget ≤ period ≤ {@link #MAX_MICROS}). */
    public static final int CONFIGURE = 1;
    /** BIND(id, thread): binds an unbound context to a thread that has none and is not passive. */
    public static final int BIND = 2;
    /** UNBIND(id): the context's thread goes back to running without one (not while it is lent). */
    public static final int UNBIND = 3;
    /** PASSIVE(thread, 1 or 0): makes a thread without a context passive, or active again. */
    public static final int PASSIVE = 4;
    /** TIMEOUT_HANDLER(thread, handler): where the thread's timeout faults go (nil: nowhere); a thread of the same domain, not itself. */
    public static final int TIMEOUT_HANDLER = 5;
    /** DELETE(id): deletes an unbound context. */
    public static final int DELETE = 6;
    /** QUERY(id): ret(0) the budget available now (cycles), ret(1) cycles consumed in all, ret(2) the bound thread. */
    public static final int QUERY = 7;
    /** DOMAIN(thread, domain): puts a thread in domain 0..{@link #DOMAINS}-1. */
    public static final int DOMAIN = 8;
    /**
     * DOMAIN_SCHEDULE(n, counter-measures, pad cycles): the cyclic schedule of n slots (1..
     * {@link #MAX_SLOTS}) in MR1..MRn, each {@link #slot}(domain, length µs); it starts now with
     * slot 0. n = 0 removes the schedule (domain 0 then runs, and no other). The counter-measures at
     * each switch are {@link #FLUSH} and {@link #PAD} (or 0); with PAD each slot's last
     * {@code pad} cycles are kept for the switch, whose end is fixed.
     */
    public static final int DOMAIN_SCHEDULE = 9;

    /** Context ids are 1..CONTEXTS-1. */
    public static final int CONTEXTS = 256;
    /** Domains 0..DOMAINS-1. */
    public static final int DOMAINS = 16;
    /** Slots of a domain schedule, at most. */
    public static final int MAX_SLOTS = 32;
    /** The longest budget or period, µs (about 71 minutes). */
    public static final long MAX_MICROS = 0xFFFF_FFFFL;
    /** The shortest slot of a domain schedule, µs. */
    public static final long MIN_SLOT_MICROS = 10;

    /** Counter-measure at a domain switch: flush the TLB (and cache), the cost charged to the switch. */
    public static final int FLUSH = 1;
    /** Counter-measure at a domain switch: the next domain starts at a fixed time. */
    public static final int PAD = 2;

    /** ret(i) of QUERY. */
    public static final int OUT_AVAILABLE = 0;
    public static final int OUT_CONSUMED = 1;
    public static final int OUT_BOUND = 2;

    private Sched() {
    }

    /** A slot word of a domain schedule: the domain in bits 32..39, its length in µs in bits 0..31. */
    public static long slot(int domain, long micros) {
        return (long) domain << 32 | micros & 0xFFFF_FFFFL;
    }
}
