package kola.kernel;

/**
 * An asynchronous notification (as seL4's; paper section 4.1): a word of bits. A send through a
 * capability with the send right ORs the message's first word in and never blocks; a closed
 * receive from a capability with the receive right collects the bits (and clears them), or
 * waits until some arrive. Interrupt lines can be bound to it: a firing line ORs in its bits.
 * Waiters queue in order of arrival.
 */
final class Notification extends WaitQueue {
    /** Bytes of kernel memory a notification is charged at. */
    static final long BYTES = 32;
    long word;
    /** The thread it is bound to (null: none): its open receives also take the bits. */
    Tcb bound;

    Notification(Space owner) {
        super(KernelObject.NOTIFICATION, owner);
    }
}
