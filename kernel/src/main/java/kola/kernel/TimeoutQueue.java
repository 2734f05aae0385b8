package kola.kernel;

import java.util.Arrays;

/**
 * Pending IPC timeouts: a binary min-heap of threads by wakeup time, ties broken by arrival so that
 * runs are deterministic. Each thread knows its heap index, so cancelling is O(log n) and nothing
 * is allocated once the heap has grown.
 */
final class TimeoutQueue {
    private Tcb[] heap = new Tcb[64];
    private int size;
    private long sequence;

    /** Schedules {@code t} to time out at {@code wakeup} (cycles). */
    void add(Tcb t, long wakeup) {
        assert t.timeoutIndex < 0 : "thread " + t + " already has a timeout";
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        t.wakeup = wakeup;
        t.timeoutSeq = sequence++;
        heap[size] = t;
        t.timeoutIndex = size;
        size++;
        up(t.timeoutIndex);
    }

    /** Cancels {@code t}'s timeout, if it has one. */
    void cancel(Tcb t) {
        int i = t.timeoutIndex;
        if (i < 0) {
            return;
        }
        size--;
        Tcb last = heap[size];
        heap[size] = null;
        t.timeoutIndex = -1;
        if (i < size) {
            heap[i] = last;
            last.timeoutIndex = i;
            down(i);
            up(last.timeoutIndex);
        }
    }

    /** The earliest wakeup, or {@code Long.MAX_VALUE}. */
    long earliest() {
        return size == 0 ? Long.MAX_VALUE : heap[0].wakeup;
    }

    /** Removes and returns the earliest thread whose wakeup is at or before {@code now}, or null. */
    Tcb pollExpired(long now) {
        if (size == 0 || heap[0].wakeup > now) {
            return null;
        }
        Tcb t = heap[0];
        cancel(t);
        return t;
    }

    int size() {
        return size;
    }

    private boolean before(Tcb a, Tcb b) {
        return a.wakeup < b.wakeup || a.wakeup == b.wakeup && a.timeoutSeq < b.timeoutSeq;
    }

    private void up(int i) {
        Tcb t = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(t, heap[parent])) {
                break;
            }
            heap[i] = heap[parent];
            heap[i].timeoutIndex = i;
            i = parent;
        }
        heap[i] = t;
        t.timeoutIndex = i;
    }

    private void down(int i) {
        Tcb t = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], t)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].timeoutIndex = i;
            i = child;
        }
        heap[i] = t;
        t.timeoutIndex = i;
    }
}
