package kola.kernel;

/**
 * Communication model 1: global thread ids, as in plain L4 X.2 (paper section 4.1). Any thread may
 * send to any thread whose global id it knows; a stale version names no thread; the receiver
 * sees the sender's global id. This is the model the paper criticises: names are global, and
 * there is no kernel-enforced control over who may talk to whom.
 */
final class GlobalIds implements CommunicationModel {
    private final ThreadTable threads;

    GlobalIds(ThreadTable threads) {
        this.threads = threads;
    }

    @Override
    public Tcb destination(Tcb sender, long to) {
        return threads.lookup(to);
    }

    @Override
    public Tcb source(Tcb receiver, long from) {
        return threads.lookup(from);
    }

    @Override
    public long senderId(Tcb sender, Tcb receiver) {
        return sender.id;
    }

    @Override
    public String name() {
        return "global-ids";
    }
}
