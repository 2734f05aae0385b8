package kola.kernel;

import kola.machine.CycleClock;

/**
 * One simulated CPU's scheduling state: the current thread, the ready queues, the pending
 * timeouts, the scheduling contexts, the domain schedule, and the preemption point (DESIGN.md,
 * "Execution model" and "Scheduling"; L4 X.2 "Scheduling").
 *
 * <p>Who runs next is decided once per kernel entry, at its end ({@link #schedule}).
 *
 * <p>Invariants (between kernel entries): {@link #current} is runnable, of the active domain, and in no ready queue; every
 * other runnable thread is in exactly one ready queue; {@link #preemptAt} is the earliest of the
 * current time slice's end, the current thread's budget's end, the first timeout, the next
 * refill of a depleted scheduling context, the end of the domain slot and the next device event,
 * so that the memory accessor and the kernel loop need one compare to know whether to stop and
 * look.
 */
final class Cpu {
    final ReadyQueues ready = new ReadyQueues();
    final TimeoutQueue timeouts = new TimeoutQueue();
    private final CycleClock clock;
    private final EventLog events;
    Tcb current;
    /** When the current thread was dispatched, for time-slice accounting. */
    private long dispatchedAt;
    long preemptAt = Long.MAX_VALUE;
    /** The next device deadline, kept up to date by the kernel loop. */
    long deviceDeadline = Long.MAX_VALUE;

    /** The scheduling contexts by id (null: free). */
    final SchedContext[] contexts = new SchedContext[kola.abi.Sched.CONTEXTS];
    /** Until when the CPU time since {@link #accountedAt} is charged to {@link #charged}, the current thread's context. */
    private long accountedAt;
    private SchedContext charged;
    /** When the current thread's budget runs out (Long.MAX_VALUE: it has no context). */
    private long budgetEnd = Long.MAX_VALUE;
    /** The earliest refill of a depleted context (or earlier: the scan finds the true one). */
    long refillAt = Long.MAX_VALUE;

    /** The domain schedule: the slots' domains and lengths (cycles), or null for none. */
    int[] slotDomains;
    private long[] slotLengths;
    private long roundLength;
    private int slot;
    private long slotStart;
    /** When the current slot's domain stops running: its end, less the pad. */
    long domainEnd = Long.MAX_VALUE;
    /** The counter-measures at a switch ({@link kola.abi.Sched#FLUSH}, {@link kola.abi.Sched#PAD}) and the pad in cycles. */
    private int measures;
    private long pad;
    /** Flushes what a domain switch flushes (TLB, cache) and returns what it cost: set by the kernel. */
    java.util.function.LongSupplier flusher = () -> 0;
    /** Domain switches so far, and the cycles their counter-measures took (flushes and pads). */
    long domainSwitches;
    long switchCycles;

    Cpu(CycleClock clock, EventLog events) {
        this.clock = clock;
        this.events = events;
    }

    /** Makes {@code t} the running thread; the caller took it out of any queue. */
    void dispatch(Tcb t) {
        long now = clock.now();
        Tcb prev = current;
        account(now);
        if (prev != null && prev != t) {
            prev.remaining -= now - dispatchedAt;
        }
        if (t != null && (t.domain != ready.active || !t.runnable())) {
            // Not to run now (another domain's, or out of budget): whoever is best in the active domain.
            if (t.runnable() && !t.queued) {
                ready.enqueue(t);
            }
            t = ready.takeHighest();
        }
        while (t != null && t.remaining <= 0) {
            // Its slice is used up: a fresh one, behind the equals that are waiting (round robin),
            // however it came to be chosen (direct switch, preemption by a woken thread, the queue).
            t.remaining = t.timeslice;
            if (!ready.hasReady(t.priority)) {
                break;
            }
            ready.enqueue(t);
            t = ready.takeHighest();
        }
        if (prev != t) {
            switchTo(prev, t, now);
        } else {
            runFrom(now);
        }
    }

    /**
     * The end of a dispatch that changes the running thread from {@code prev} to {@code t} (either
     * may be null): a switch of address space costs {@link kola.machine.CostModel#CONTEXT_SWITCH}
     * cycles, the switch is an event, and {@code t} runs from then.
     */
    private void switchTo(Tcb prev, Tcb t, long now) {
        if (prev != null && t != null && prev.space != t.space) {
            clock.advance(kola.machine.CostModel.CONTEXT_SWITCH);
            now = clock.now();
        }
        events.record(KernelEvents.SWITCH, prev == null ? 0 : prev.id, t == null ? 0 : t.id, 0);
        current = t;
        runFrom(now);
    }

    /** The current thread runs from {@code now}: its slice and budget are counted from then. */
    private void runFrom(long now) {
        dispatchedAt = now;
        accountedAt = now;
        retarget(now);
        updatePreemptAt();
    }

    void updatePreemptAt() {
        long sliceEnd = current == null ? Long.MAX_VALUE : dispatchedAt + current.remaining;
        long scheduling = Math.min(budgetEnd, Math.min(refillAt, domainEnd));
        preemptAt = Math.min(Math.min(sliceEnd, scheduling), Math.min(timeouts.earliest(), deviceDeadline));
    }

    // ---- budgets -------------------------------------------------------------------------------

    /** Charges the CPU time since the last charge to the context the current thread runs on. */
    void account() {
        account(clock.now());
        retarget(clock.now());
        updatePreemptAt();
    }

    private void account(long now) {
        long used = now - accountedAt;
        accountedAt = now;
        SchedContext sc = charged;
        if (sc != null && used > 0 && !sc.deleted && sc.charge(used, now - used, now)) {
            depleted(sc);
        }
    }

    /** The context the current thread runs on is charged from now; its budget end is known. */
    private void retarget(long now) {
        charged = current == null ? null : current.sc;
        budgetEnd = charged == null ? Long.MAX_VALUE : now + charged.available(now);
    }

    /** {@code sc} has no budget left: its holder leaves the ready queue until the refill. */
    private void depleted(SchedContext sc) {
        Tcb h = sc.holder;
        events.record(KernelEvents.DEPLETED, h == null ? 0 : h.id, sc.id, 0);
        if (h != null) {
            ready.remove(h);
        }
        refillAt = Math.min(refillAt, sc.nextRefill());
    }

    /** The refills that are due: their contexts' holders are runnable again. */
    private void refill(long now) {
        if (refillAt > now) {
            return;
        }
        long next = Long.MAX_VALUE;
        for (SchedContext sc : contexts) {
            if (sc == null || !sc.depleted) {
                continue;
            }
            if (sc.nextRefill() <= now) {
                sc.depleted = false;
                Tcb h = sc.holder;
                events.record(KernelEvents.REFILL, h == null ? 0 : h.id, sc.id, 0);
                if (h != null && h != current) {
                    wakeOrQueue(h);
                }
            } else {
                next = Math.min(next, sc.nextRefill());
            }
        }
        refillAt = next;
    }

    // ---- domains -------------------------------------------------------------------------------

    /**
     * Sets the domain schedule (null or empty: none, domain 0 runs from now on), starting now
     * with slot 0; the current thread, if of another domain, waits for its own (from the entry's
     * decision, {@link #schedule}).
     */
    void setDomainSchedule(int[] domains, long[] lengths, int measures, long pad) {
        account(clock.now());
        boolean none = domains == null || domains.length == 0;
        slotDomains = none ? null : domains;
        slotLengths = none ? null : lengths;
        roundLength = 0;
        if (!none) {
            for (long l : lengths) {
                roundLength += l;
            }
        }
        this.measures = none ? 0 : measures;
        this.pad = none || (measures & kola.abi.Sched.PAD) == 0 ? 0 : pad;
        slot = 0;
        slotStart = clock.now();
        ready.active = none ? 0 : domains[0];
        domainEnd = none ? Long.MAX_VALUE : slotStart + lengths[0] - this.pad;
        events.record(KernelEvents.DOMAIN, ready.active, 0, 0);
        updatePreemptAt(); // (a current thread of another domain gives way at the entry's decision, schedule())
    }

    /** Whether a domain schedule is set. */
    boolean hasDomainSchedule() {
        return slotDomains != null;
    }

    /**
     * The slot ended: the current thread is put back, the counter-measures are applied (flush:
     * its cost on the clock; pad: the clock goes to the slot's end, whenever the switch began),
     * and the next slot's domain runs. Slots that passed entirely while the machine idled, or
     * while the switch overran them, are skipped.
     */
    private void switchDomain() {
        Tcb t = current;
        if (t != null && t.runnable()) {
            ready.enqueueFront(t);
        }
        dispatch(null);
        long began = clock.now();
        if ((measures & kola.abi.Sched.FLUSH) != 0) {
            clock.advance(flusher.getAsLong());
        }
        long slotEnd = slotStart + slotLengths[slot];
        if ((measures & kola.abi.Sched.PAD) != 0 && clock.now() < slotEnd) {
            clock.advanceTo(slotEnd);
        }
        switchCycles += clock.now() - began;
        domainSwitches++;
        slotStart = slotEnd;
        slot = (slot + 1) % slotLengths.length;
        long now = clock.now();
        if (now - slotStart >= roundLength) {
            slotStart += (now - slotStart) / roundLength * roundLength;
        }
        while (now >= slotStart + slotLengths[slot]) {
            slotStart += slotLengths[slot];
            slot = (slot + 1) % slotLengths.length;
        }
        ready.active = slotDomains[slot];
        domainEnd = slotStart + slotLengths[slot] - pad;
        events.record(KernelEvents.DOMAIN, ready.active, slot, 0);
        accountedAt = now;
        reschedule();
    }

    // ---- the decision of a kernel entry ---------------------------------------------------------

    /** No thread named ({@link #preference}). */
    private static final byte NONE = 0;
    /** The current thread blocked: its partner runs next unless a ready thread has a higher priority (L4's direct switch). */
    private static final byte PARTNER = 1;
    /** The current thread goes on: the woken thread runs instead only if its priority is higher. */
    private static final byte WOKEN = 2;
    /** ThreadSwitch: the named thread runs next, whatever its priority. */
    private static final byte DONATED = 3;
    /** ThreadSwitch to no one: the current thread goes to the tail of its queue with a fresh slice. */
    private static final byte YIELDED = 4;
    /** The thread the kernel entry being handled named to run next, and how ({@link #preference}). */
    private Tcb preferred;
    private byte preference = NONE;
    /** A system call other than Ipc was performed: the rule of {@link #schedule} for it applies. */
    private boolean repick;
    private boolean repickPreempts;

    /**
     * The current thread blocked (or is about to) and made {@code partner} runnable: the entry
     * names it to run next (L4's direct process switch on IPC), a hint {@link #schedule} takes
     * without a queue search unless a thread of higher priority than the partner is ready.
     */
    void prefer(Tcb partner) {
        name(partner, PARTNER);
    }

    /**
     * {@code woken} became runnable while the current thread, if any, goes on: the higher
     * priority runs; on a tie the current thread keeps the CPU.
     */
    void woke(Tcb woken) {
        name(woken, WOKEN);
    }

    /** ThreadSwitch(t): t, ready, runs next whatever its priority (X.2: "processing switches to this thread"). */
    void donate(Tcb t) {
        name(t, DONATED);
    }

    /** Yield: the current thread goes to the tail of its queue, with a fresh slice. */
    void yieldCurrent() {
        name(current, YIELDED);
    }

    /**
     * A system call other than Ipc was performed (SystemCalls): at the decision, a current
     * thread that is gone or cannot run is replaced by the best ready one, and one that can is
     * preempted by a ready thread of higher priority, unless the call was a ThreadSwitch.
     */
    void repick(boolean preempts) {
        repick = true;
        repickPreempts = preempts;
    }

    private void name(Tcb t, byte how) {
        if (preference != NONE) {
            takeNamed(); // (an entry names one thread; were it to name a second, the first is taken first)
        }
        preferred = t;
        preference = how;
    }

    /** Takes the thread the entry named, as its kind says. */
    private void takeNamed() {
        Tcb t = preferred;
        byte how = preference;
        preferred = null;
        preference = NONE;
        switch (how) {
            case PARTNER -> switchDirect(t);
            case WOKEN -> wakeOrQueue(t);
            case DONATED -> dispatch(t);
            case YIELDED -> {
                t.remaining = 0;
                ready.enqueue(t);
                reschedule();
            }
            default -> { }
        }
    }

    /**
     * The one decision of who runs next that ends each kernel entry (seL4's {@code schedule()}
     * after {@code handleSyscall}): the handlers only change thread states and name at most one
     * thread ({@link #prefer}, {@link #woke}, {@link #donate}, {@link #yieldCurrent}); this
     * takes the named one as its kind says, then makes sure the current thread may run: one of
     * another domain than the active one goes back to the head of its queue, one that blocked,
     * halted or ended gives way to the best ready thread; after a system call other than Ipc a
     * ready thread of higher priority preempts it ({@link #repick}).
     */
    void schedule() {
        if (preference == PARTNER && !repick && switchedDirect()) {
            return;
        }
        takeNamed();
        Tcb c = current;
        if (c != null && c.domain != ready.active) {
            ready.enqueueFront(c);
            reschedule();
            c = current;
        }
        if (repick) {
            boolean preempt = repickPreempts;
            repick = false;
            if (c == null || !c.runnable()) {
                reschedule();
            } else if (preempt && ready.highestPriority() > c.priority) {
                ready.enqueueFront(c);
                reschedule();
            }
        } else if (c != null && !c.runnable()) {
            reschedule();
        }
    }

    /**
     * The decision of nearly every IPC: the current thread blocked and named its partner, which
     * takes the CPU with no queue to search (L4's direct switch). When nothing else needs looking
     * at (the current thread runs on no scheduling context, the partner has slice left, is of the
     * active domain and no ready thread has a higher priority), this makes the switch at once and
     * returns true, with the same state, cycles and event as {@link #takeNamed}'s way through
     * {@link #switchDirect} and {@link #dispatch}; otherwise it changes nothing and returns false.
     * (Checked first, it takes about 6 ns off the IPC round trip: BENCHMARKS.md, section M.)
     */
    private boolean switchedDirect() {
        Tcb t = preferred;
        Tcb prev = current;
        if (prev == null || prev == t || charged != null || t.remaining <= 0 || !takesDirectSwitch(t)) {
            return false;
        }
        preferred = null;
        preference = NONE;
        long now = clock.now();
        prev.remaining -= now - dispatchedAt;
        switchTo(prev, t, now);
        return true;
    }

    /** Puts a thread that became runnable (and is not current) into its ready queue. */
    void makeReady(Tcb t) {
        if (t.runnable() && t != current && !t.queued) {
            ready.enqueue(t);
        }
    }

    /**
     * The current thread stopped being runnable (blocked, halted, ended): run the best ready
     * thread, or none.
     */
    void reschedule() {
        dispatch(ready.takeHighest());
    }

    /**
     * Switches from the current thread, which just blocked, directly to {@code partner}, which it
     * just made runnable (L4's direct process switch on IPC), unless a thread of higher priority
     * than the partner is ready.
     */
    private void switchDirect(Tcb partner) {
        if (takesDirectSwitch(partner)) {
            dispatch(partner);
        } else {
            makeReady(partner);
            reschedule();
        }
    }

    /**
     * Whether {@code partner} may take the CPU by the direct switch: it can run, is of the active
     * domain, and no ready thread outranks it.
     */
    private boolean takesDirectSwitch(Tcb partner) {
        return partner.runnable() && partner.domain == ready.active && ready.highestPriority() <= partner.priority;
    }

    /**
     * The current thread stays runnable and {@code woken} became runnable: the higher priority
     * runs; on a tie the current thread keeps the CPU.
     */
    private void wakeWhileRunning(Tcb woken) {
        if (!woken.runnable()) {
            return;
        }
        if (current != null && current.runnable() && woken.domain == ready.active && woken.priority > current.priority) {
            ready.enqueueFront(current);
            dispatch(woken);
        } else {
            makeReady(woken);
        }
    }

    /** {@code t} became runnable outside any thread's system call: it preempts a lower-priority current thread. */
    void wakeOrQueue(Tcb t) {
        if (current == null) {
            makeReady(t);
        } else {
            wakeWhileRunning(t);
        }
    }

    /**
     * A preemption point: if the time slice is used up, the current thread goes to the tail of
     * its queue; if a thread of higher priority is ready, it goes to the head.
     */
    void preemptionPoint() {
        long now = clock.now();
        account(now);
        refill(now);
        if (now >= domainEnd) {
            switchDomain();
            return;
        }
        Tcb t = current;
        if (t == null) {
            retarget(now);
            return;
        }
        if (!t.runnable()) {
            reschedule(); // its budget ran out
            return;
        }
        if (now - dispatchedAt >= t.remaining) {
            t.remaining = 0;
            if (ready.highestPriority() >= t.priority) {
                ready.enqueue(t);
                reschedule();
                return;
            }
            dispatch(t);
            return;
        }
        if (ready.highestPriority() > t.priority) {
            t.remaining -= now - dispatchedAt;
            dispatchedAt = now;
            ready.enqueueFront(t);
            reschedule();
            return;
        }
        retarget(now);
    }

    /** The current thread's slice was reset: it runs its whole new slice from now. */
    void restartSlice() {
        dispatchedAt = clock.now();
        updatePreemptAt();
    }

}
