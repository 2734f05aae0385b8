package kola.kernel;

/**
 * A scheduling context (DESIGN.md, "Scheduling"; seL4 MCS): a budget of cycles per period,
 * enforced as a sporadic server. Its budget is a list of refills, each an amount that becomes
 * available at a time; cycles consumed from time t come back as a refill at t + period, so that
 * in any window of one period the context's threads get at most the budget.
 *
 * <p>Invariants (checked by {@link Invariants}): 1 to {@link #MAX_REFILLS} refills, each of a
 * positive amount, in order of time, adding up to the budget exactly; {@link #depleted} exactly
 * when no refill was available at the last charge and none has been taken since.
 *
 * <p>{@link #home} is the thread it is bound to; {@link #holder} the thread that runs on it now:
 * the home thread, or a passive server it was lent to by an IPC call (the chain of lenders is in
 * {@link Tcb#donor}).
 */
final class SchedContext implements Charged {
    /** Refills kept at most; more are merged into the last, which only delays budget. */
    static final int MAX_REFILLS = 8;
    /** Bytes of kernel memory a scheduling context is charged at (seL4's minimum SC object). */
    static final long BYTES = 256;

    final int id;
    /** The space charged for it (its creator). */
    final Space owner;
    /**
     * Where its kernel memory lives. Never a frame that can be revoked: RETYPE has no kind for
     * scheduling contexts, so under precise they come from the creator's account up to the pool;
     * lent frames are pinned, and a kpager cannot evict a frame that holds one.
     */
    KernelFrame frame;
    long budget;
    long period;
    private final long[] times = new long[MAX_REFILLS];
    private final long[] amounts = new long[MAX_REFILLS];
    private int head;
    private int count;
    Tcb home;
    Tcb holder;
    /** No budget left at the last charge: its holder waits for {@link #nextRefill()}. */
    boolean depleted;
    /** Cycles consumed in all, for SchedControl QUERY and the experiments. */
    long consumed;
    boolean deleted;

    SchedContext(int id, Space owner, long budget, long period, long now) {
        this.id = id;
        this.owner = owner;
        configure(budget, period, now);
    }

    /** New figures: one refill of the whole budget, available from {@code now}. */
    void configure(long budget, long period, long now) {
        this.budget = budget;
        this.period = period;
        head = 0;
        count = 1;
        times[0] = now;
        amounts[0] = budget;
        depleted = false;
    }

    /** The budget available at {@code now}: the refills that are due. */
    long available(long now) {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            int j = (head + i) % MAX_REFILLS;
            if (times[j] > now) {
                break;
            }
            sum += amounts[j];
        }
        return sum;
    }

    /** When the next refill is due (the earliest one). */
    long nextRefill() {
        return times[head];
    }

    /**
     * Charges {@code used} cycles consumed from {@code start} on: taken from the earliest refills,
     * due or not (a thread that ran past its budget, as a Java thread may by a few cycles, pays
     * from its next refills; more than the whole budget is not taken), given back as one refill at
     * start + period.
     * Sets {@link #depleted} if nothing is available at {@code now}. Returns whether it did.
     */
    boolean charge(long used, long start, long now) {
        long taken = 0;
        while (used > 0 && count > 0) {
            long take = Math.min(used, amounts[head]);
            amounts[head] -= take;
            used -= take;
            taken += take;
            if (amounts[head] == 0) {
                head = (head + 1) % MAX_REFILLS;
                count--;
            }
        }
        if (taken > 0) {
            consumed += taken;
            long at = start + period;
            int tail = (head + count - 1) % MAX_REFILLS;
            if (count == MAX_REFILLS || count > 0 && times[tail] >= at) {
                amounts[tail] += taken; // merged: available at the later of the two times
                times[tail] = Math.max(times[tail], at);
            } else {
                int j = (head + count) % MAX_REFILLS;
                times[j] = at;
                amounts[j] = taken;
                count++;
            }
        }
        depleted = available(now) == 0;
        return depleted;
    }

    int refills() {
        return count;
    }

    long refillTime(int i) {
        return times[(head + i) % MAX_REFILLS];
    }

    long refillAmount(int i) {
        return amounts[(head + i) % MAX_REFILLS];
    }

    @Override
    public String toString() {
        return "sc " + id;
    }

    @Override
    public KernelObject kind() {
        return KernelObject.SCHED_CONTEXT;
    }

    @Override
    public KernelFrame frame() {
        return frame;
    }
}
