package kola.kernel;

/**
 * An IPC gate (Fiasco.OC's; paper section 4.1): a kernel object that stands for one thread with
 * a label. A message sent through a capability to the gate goes to the thread, which sees the
 * label as its sender: an identity no sender can forge, chosen by whoever made the gate. It
 * lives while some capability refers to it; it is charged to the space that made it.
 */
final class Gate extends KObject {
    /** Bytes of kernel memory a gate is charged at. */
    static final long BYTES = 64;
    final Tcb thread;
    /** The thread's global id when the gate was made: a later thread in the same TCB is not it. */
    final long threadId;
    final long label;

    Gate(Tcb thread, long label, Space owner) {
        super(KernelObject.GATE, owner);
        this.thread = thread;
        this.threadId = thread.id;
        this.label = label;
    }

    /** The thread, if it is still the one the gate was made for. */
    Tcb target() {
        return thread.id == threadId && thread.state != Tcb.DEAD ? thread : null;
    }
}
