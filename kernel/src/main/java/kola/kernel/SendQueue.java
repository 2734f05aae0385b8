package kola.kernel;

/**
 * Where blocked senders wait for a receiver, in order of arrival: a thread's own queue (X.2: a
 * message to a thread waits on that thread, {@link Tcb} is one) or an {@link Endpoint}'s. A
 * queued sender is {@link Tcb#SENDING} with {@link Tcb#partner} naming the queue. The queue is
 * intrusive (through {@link Tcb#sendNext} and {@link Tcb#sendPrev}), so that blocking and waking
 * allocate nothing.
 */
abstract class SendQueue {
    Tcb sendHead;
    Tcb sendTail;

    /** Queues {@code s} last. */
    final void append(Tcb s) {
        s.partner = this;
        Tcb tail = sendTail;
        s.sendPrev = tail;
        s.sendNext = null;
        if (tail == null) {
            sendHead = s;
        } else {
            tail.sendNext = s;
        }
        sendTail = s;
    }

    /** Queues {@code s} first (a sender whose transfer has begun: the receiver's redone receive finds it first). */
    final void prepend(Tcb s) {
        s.partner = this;
        s.sendPrev = null;
        s.sendNext = sendHead;
        if (sendHead == null) {
            sendTail = s;
        } else {
            sendHead.sendPrev = s;
        }
        sendHead = s;
    }

    /** Takes {@code s}, which is queued here, off the queue. */
    final void remove(Tcb s) {
        if (s.sendPrev == null) {
            sendHead = s.sendNext;
        } else {
            s.sendPrev.sendNext = s.sendNext;
        }
        if (s.sendNext == null) {
            sendTail = s.sendPrev;
        } else {
            s.sendNext.sendPrev = s.sendPrev;
        }
        s.sendNext = null;
        s.sendPrev = null;
        s.partner = null;
    }
}
