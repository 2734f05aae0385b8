package kola.kernel;

/**
 * The ready queues of one CPU: 256 priorities, round robin within each (L4 X.2, "Scheduling").
 * Intrusive circular lists through {@link Tcb#readyNext}; a 256-bit map of non-empty priorities
 * finds the highest in constant time. The running thread is not in a queue.
 */
final class ReadyQueues {
    static final int PRIORITIES = 256;
    private final Tcb[] heads = new Tcb[PRIORITIES];
    private final long[] nonEmpty = new long[PRIORITIES / 64];

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
        int p = t.priority;
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
        int p = t.priority;
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
        return heads[p] != null;
    }

    /** The highest priority with a ready thread, or -1. */
    int highestPriority() {
        for (int w = nonEmpty.length - 1; w >= 0; w--) {
            long bits = nonEmpty[w];
            if (bits != 0) {
                return w * 64 + 63 - Long.numberOfLeadingZeros(bits);
            }
        }
        return -1;
    }

    /** Removes and returns the head of the highest non-empty queue, or null. */
    Tcb takeHighest() {
        int p = highestPriority();
        if (p < 0) {
            return null;
        }
        Tcb t = heads[p];
        remove(t);
        return t;
    }
}
