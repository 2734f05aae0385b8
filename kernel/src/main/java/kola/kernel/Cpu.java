package kola.kernel;

import kola.machine.CycleClock;

/**
 * One simulated CPU's scheduling state: the current thread, the ready queues, the pending
 * timeouts, and the preemption point (DESIGN.md, "Execution model"; L4 X.2 "Scheduling").
 *
 * <p>Invariants: {@link #current} is runnable and in no ready queue; every other runnable thread
 * is in exactly one ready queue; {@link #preemptAt} is the earliest of the current time slice's
 * end, the first timeout and the next device event, so that the memory accessor and the kernel
 * loop need one compare to know whether to stop and look.
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

    Cpu(CycleClock clock, EventLog events) {
        this.clock = clock;
        this.events = events;
    }

    /** Makes {@code t} the running thread; the caller took it out of any queue. */
    void dispatch(Tcb t) {
        long now = clock.now();
        Tcb prev = current;
        if (prev != null && prev != t) {
            prev.remaining -= now - dispatchedAt;
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
            if (prev != null && t != null && prev.space != t.space) {
                clock.advance(kola.machine.CostModel.CONTEXT_SWITCH);
                now = clock.now();
            }
            events.record(KernelEvents.SWITCH, prev == null ? 0 : prev.id, t == null ? 0 : t.id, 0);
        }
        current = t;
        dispatchedAt = now;
        updatePreemptAt();
    }

    void updatePreemptAt() {
        long sliceEnd = current == null ? Long.MAX_VALUE : dispatchedAt + current.remaining;
        preemptAt = Math.min(sliceEnd, Math.min(timeouts.earliest(), deviceDeadline));
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
    void switchDirect(Tcb partner) {
        if (partner.runnable() && ready.highestPriority() <= partner.priority) {
            dispatch(partner);
        } else {
            makeReady(partner);
            reschedule();
        }
    }

    /**
     * The current thread stays runnable and {@code woken} became runnable: the higher priority
     * runs; on a tie the current thread keeps the CPU.
     */
    void wakeWhileRunning(Tcb woken) {
        if (!woken.runnable()) {
            return;
        }
        if (current != null && woken.priority > current.priority) {
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
        Tcb t = current;
        if (t == null) {
            return;
        }
        long now = clock.now();
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
        }
    }

    /** The current thread's slice was reset: it runs its whole new slice from now. */
    void restartSlice() {
        dispatchedAt = clock.now();
        updatePreemptAt();
    }

    /** Yield: the current thread goes to the tail of its queue, with a fresh slice. */
    void yieldCurrent() {
        Tcb t = current;
        t.remaining = 0;
        ready.enqueue(t);
        reschedule();
    }
}
