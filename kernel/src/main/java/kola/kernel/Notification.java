package kola.kernel;

/**
 * An asynchronous notification (as seL4's; paper section 4.1): a word of bits. A send through a
 * capability with the send right ORs the message's first word in and never blocks; a closed
 * receive from a capability with the receive right collects the bits (and clears them), or
 * waits until some arrive. Interrupt lines can be bound to it: a firing line ORs in its bits.
 * Waiters queue in order of arrival.
 */
final class Notification extends KObject {
    /** Bytes of kernel memory a notification is charged at. */
    static final long BYTES = 32;
    long word;
    Tcb waitHead;
    Tcb waitTail;
    /** The thread it is bound to (null: none): its open receives also take the bits. */
    Tcb bound;

    Notification(Space owner) {
        super(KernelObject.NOTIFICATION, owner);
    }

    void enqueue(Tcb t) {
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
    void remove(Tcb t) {
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
