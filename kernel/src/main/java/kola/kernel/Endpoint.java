package kola.kernel;

/**
 * An IPC endpoint (seL4's; paper section 4.1): a kernel object with a queue of its own for each
 * side, that no thread owns. Any number of threads holding a capability with the receive right
 * receive from it (a pool of server threads behind one name); senders reach it through IPC
 * gates made to it ({@link Gate#endpoint}), each with the label its maker chose, which the
 * receiver sees as the sender. A message goes to the first thread waiting on the endpoint, or
 * waits in {@link #senders} for the next receive. At most one of the two queues holds threads.
 * The endpoint lives while some capability names it; when the last goes, every thread queued on
 * it fails (cancelled) and the gates made to it lead nowhere.
 */
final class Endpoint extends WaitQueue {
    /** Bytes of kernel memory an endpoint is charged at. */
    static final long BYTES = 48;
    /** Senders waiting for a receiver. */
    final Senders senders = new Senders(this);
    /** The last capability naming the endpoint went. */
    boolean gone;

    Endpoint(Space owner) {
        super(KernelObject.ENDPOINT, owner);
    }

    /** An endpoint's queue of senders; it knows its endpoint. */
    static final class Senders extends SendQueue {
        final Endpoint endpoint;

        Senders(Endpoint endpoint) {
            this.endpoint = endpoint;
        }
    }
}
