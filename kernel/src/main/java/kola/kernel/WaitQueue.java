package kola.kernel;

/**
 * A kernel object receivers wait on, in order of arrival: a {@link Notification} (for its bits)
 * or an {@link Endpoint} (for a sender). A waiting thread is {@link Tcb#RECEIVING} with
 * {@link Tcb#waitingOn} naming the object; the queue is intrusive (through {@link Tcb#notifyNext}).
 */
abstract class WaitQueue extends KObject {
    Tcb waitHead;
    Tcb waitTail;

    WaitQueue(KernelObject kind, Space owner) {
        super(kind, owner);
    }

    final void enqueue(Tcb t) {
        t.waitingOn = this;
        t.notifyNext = null;
        if (waitTail == null) {
            waitHead = t;
        } else {
            waitTail.notifyNext = t;
        }
        waitTail = t;
    }

    /** Takes {@code t} off the queue, wherever it is. */
    final void remove(Tcb t) {
        Tcb prev = null;
        for (Tcb w = waitHead; w != null; prev = w, w = w.notifyNext) {
            if (w == t) {
                if (prev == null) {
                    waitHead = t.notifyNext;
                } else {
                    prev.notifyNext = t.notifyNext;
                }
                if (waitTail == t) {
                    waitTail = prev;
                }
                break;
            }
        }
        t.notifyNext = null;
        t.waitingOn = null;
    }
}
