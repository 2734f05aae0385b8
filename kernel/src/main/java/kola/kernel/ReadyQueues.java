package kola.kernel;

/**
 * The ready queues of one CPU: 256 priorities, round robin within each (L4 X.2, "Scheduling"),
 * one set per domain (DESIGN.md, "Scheduling"). Intrusive circular lists through
 * {@link Tcb#readyNext}; a 256-bit map of non-empty priorities finds the highest in constant
 * time. A thread is queued in its own domain's set; the queries and {@link #takeHighest} look at
 * the {@link #active} domain's only. The running thread is not in a queue.
 */
final class ReadyQueues {
    static final int PRIORITIES = 256;
    private static final int WORDS = PRIORITIES / 64;
    private final Tcb[] heads = new Tcb[kola.abi.Sched.DOMAINS * PRIORITIES];
    private final long[] nonEmpty = new long[kola.abi.Sched.DOMAINS * WORDS];
    /** The domain whose threads run now. */
    int active;

    /** Appends {@code t} to the tail of its priority's queue. */
    void enqueue(Tcb t) {
        insert(t, false);
    }

    /** Puts {@code t} at the head of its priority's queue (it was preempted, not done). */
    void enqueueFront(Tcb t) {
        insert(t, true);
    }

    private void insert(Tcb t, boolean front) {
        assert !t.queued : "thread " + t + " is queued twice";
        int p = t.domain * PRIORITIES + t.priority;
        Tcb head = heads[p];
        if (head == null) {
            t.readyNext = t;
            t.readyPrev = t;
            heads[p] = t;
            nonEmpty[p >>> 6] |= 1L << p;
        } else {
            Tcb tail = head.readyPrev;
            t.readyNext = head;
            t.readyPrev = tail;
            tail.readyNext = t;
            head.readyPrev = t;
            if (front) {
                heads[p] = t;
            }
        }
        t.queued = true;
    }

    /** Removes {@code t} from its queue, if it is in one. */
    void remove(Tcb t) {
        if (!t.queued) {
            return;
        }
        int p = t.domain * PRIORITIES + t.priority;
        if (t.readyNext == t) {
            heads[p] = null;
            nonEmpty[p >>> 6] &= ~(1L << p);
        } else {
            t.readyPrev.readyNext = t.readyNext;
            t.readyNext.readyPrev = t.readyPrev;
            if (heads[p] == t) {
                heads[p] = t.readyNext;
            }
        }
        t.readyNext = null;
        t.readyPrev = null;
        t.queued = false;
    }

    /** Whether a thread of priority {@code p} is ready. */
    boolean hasReady(int p) {
        return heads[active * PRIORITIES + p] != null;
    }

    /** The highest priority with a ready thread (of the active domain), or -1. */
    int highestPriority() {
        int base = active * WORDS;
        for (int w = WORDS - 1; w >= 0; w--) {
            long bits = nonEmpty[base + w];
            if (bits != 0) {
                return w * 64 + 63 - Long.numberOfLeadingZeros(bits);
            }
        }
        return -1;
    }

    /** Whether a thread of any domain is ready. */
    boolean anyReady() {
        return anyReadyIn(null);
    }

    /** Whether a thread of one of {@code domains} (null: any domain) is ready. */
    boolean anyReadyIn(int[] domains) {
        if (domains != null) {
            for (int d : domains) {
                for (int w = 0; w < WORDS; w++) {
                    if (nonEmpty[d * WORDS + w] != 0) {
                        return true;
                    }
                }
            }
            return false;
        }
        for (long bits : nonEmpty) {
            if (bits != 0) {
                return true;
            }
        }
        return false;
    }

    /** Removes and returns the head of the highest non-empty queue, or null. */
    Tcb takeHighest() {
        int p = highestPriority();
        if (p < 0) {
            return null;
        }
        Tcb t = heads[active * PRIORITIES + p];
        remove(t);
        return t;
    }
}
