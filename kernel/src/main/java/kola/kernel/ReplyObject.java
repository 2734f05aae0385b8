package kola.kernel;

/**
 * A saved reply capability (as seL4's SaveCaller): the one-shot right to answer one call, moved
 * out of the thread that received the call into a slot, so that the reply can wait (a driver
 * answers when its device has data) or be handed to another thread. A send through it goes to
 * the caller only if the caller still waits for that very call; either way it is used up.
 */
final class ReplyObject extends KObject {
    /** Bytes of kernel memory a saved reply capability is charged at. */
    static final long BYTES = 32;
    final Tcb caller;
    /** The thread the call was made to, and the call's number: the caller must still wait for exactly that. */
    final Tcb replier;
    final long serial;

    ReplyObject(Tcb caller, Tcb replier, long serial, Space owner) {
        super(KernelObject.REPLY, owner);
        this.caller = caller;
        this.replier = replier;
        this.serial = serial;
    }

    /** Whether the caller still waits for this reply. */
    boolean valid() {
        return caller.replier == replier && caller.callSerial == serial && caller.state == Tcb.RECEIVING;
    }
}
