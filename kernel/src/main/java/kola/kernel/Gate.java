package kola.kernel;

/**
 * An IPC gate (Fiasco.OC's; paper section 4.1): a kernel object that stands for one thread, or
 * for an {@link Endpoint}, with a label. A message sent through a capability to the gate goes to
 * the thread (or to the endpoint's first receiver), which sees the label as its sender: an
 * identity no sender can forge, chosen by whoever made the gate. It lives while some capability
 * refers to it; it is charged to the space that made it.
 */
final class Gate extends KObject {
    /** Bytes of kernel memory a gate is charged at. */
    static final long BYTES = 64;
    /** The thread (null for a gate to an endpoint). */
    final Tcb thread;
    /** The thread's global id when the gate was made: a later thread in the same TCB is not it. */
    final long threadId;
    /** The endpoint (null for a gate to a thread). */
    final Endpoint endpoint;
    final long label;

    Gate(Tcb thread, long label, Space owner) {
        super(KernelObject.GATE, owner);
        this.thread = thread;
        this.threadId = thread.id;
        this.endpoint = null;
        this.label = label;
    }

    Gate(Endpoint endpoint, long label, Space owner) {
        super(KernelObject.GATE, owner);
        this.thread = null;
        this.threadId = 0;
        this.endpoint = endpoint;
        this.label = label;
    }

    /** The thread, if this is a gate to a thread and it is still the one the gate was made for. */
    Tcb target() {
        Tcb t = thread;
        return t != null && t.id == threadId && t.state != Tcb.DEAD ? t : null;
    }

    /** The endpoint, if this is a gate to one and it still lives. */
    Endpoint endpointTarget() {
        Endpoint e = endpoint;
        return e != null && !e.gone ? e : null;
    }
}
