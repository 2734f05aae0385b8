package kola.kernel;

/**
 * The ready queues of one CPU: 256 priorities, round robin within each (L4 X.2, "Scheduling"),
 * one set per domain (DESIGN.md, "Scheduling"). Intrusive circular lists through
 * {@link Tcb#readyNext}; a two-level map of non-empty priorities (as Pistachio's: a bit per
 * 64-priority word that is not zero, then the word) finds the highest with two loads. A thread is
 * queued in its own domain's set; the queries and {@link #takeHighest} look at the {@link #active}
 * domain's only. The running thread is not in a queue.
 */
final class ReadyQueues {
    static final int PRIORITIES = 256;
    private static final int WORDS = PRIORITIES / 64;
    private final Tcb[] heads = new Tcb[kola.abi.Sched.DOMAINS * PRIORITIES];
    private final long[] nonEmpty = new long[kola.abi.Sched.DOMAINS * WORDS];
    /** Per domain: bit w is set while word w of its {@link #nonEmpty} map is not zero. */
    private final int[] nonEmptyWords = new int[kola.abi.Sched.DOMAINS];
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
            nonEmptyWords[t.domain] |= 1 << ((p >>> 6) % WORDS);
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
            if ((nonEmpty[p >>> 6] &= ~(1L << p)) == 0) {
                nonEmptyWords[t.domain] &= ~(1 << ((p >>> 6) % WORDS));
            }
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
        int words = nonEmptyWords[active];
        if (words == 0) {
            return -1;
        }
        int w = 31 - Integer.numberOfLeadingZeros(words);
        return w * 64 + 63 - Long.numberOfLeadingZeros(nonEmpty[active * WORDS + w]);
    }

    /** Whether a thread of any domain is ready. */
    boolean anyReady() {
        return anyReadyIn(null);
    }

    /** Whether a thread of one of {@code domains} (null: any domain) is ready. */
    boolean anyReadyIn(int[] domains) {
        if (domains != null) {
            for (int d : domains) {
                if (nonEmptyWords[d] != 0) {
                    return true;
                }
            }
            return false;
        }
        for (int words : nonEmptyWords) {
            if (words != 0) {
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
