package kola.kernel;

import kola.abi.ThreadId;

/**
 * The models that name threads by global id (paper section 4.1): IPC names a thread's global id,
 * a stale version names nothing, and the receiver sees the sender's global id. Each subclass
 * adds its control: whether a message is delivered, redirected to an intermediary, or refused.
 * Messages to interrupt pseudo-threads (acknowledgements) are never redirected.
 *
 * <p>The propagation rules of X.2 hold in every such model: a thread may send as another of its
 * own space, or as a thread that waits in a closed receive for it; each model adds its
 * intermediaries.
 */
abstract class ThreadIdModel implements CommunicationModel {
    final ThreadTable threads;

    ThreadIdModel(ThreadTable threads) {
        this.threads = threads;
    }

    @Override
    public final boolean route(Tcb sender, long to, Route out) {
        Tcb dest = threads.lookup(to);
        if (dest == null) {
            return false;
        }
        if (dest.interruptLine >= 0 || sender.space == dest.space) {
            return out.deliver(dest, sender.id);
        }
        return control(sender, dest, out);
    }

    /** Decides a message between two spaces: deliver, redirect (the intermediary is never the sender), or refuse. */
    abstract boolean control(Tcb sender, Tcb dest, Route out);

    /** Redirects to the thread {@code intermediary} names, or delivers if the sender is it; false if it is gone. */
    final boolean via(long intermediary, Tcb sender, Tcb dest, Route out) {
        Tcb m = threads.lookup(intermediary);
        if (m == null || m.interruptLine >= 0) {
            return false;
        }
        if (m == sender) {
            return out.deliver(dest, sender.id);
        }
        return out.redirect(m, sender.id, dest.id);
    }

    @Override
    public final long source(Tcb receiver, long from) {
        Tcb s = threads.lookup(from);
        // An interrupt comes only to its line's handler: waiting for any other is waiting for nothing.
        if (s == null || s.interruptLine >= 0 && s.pager != receiver.id) {
            return NO_SOURCE;
        }
        return from;
    }

    @Override
    public final boolean mayPropagate(Tcb actual, Tcb virtual, Tcb dest) {
        return virtual.space == actual.space
                || virtual.state == Tcb.RECEIVING && virtual.waitFrom == actual.id
                || onPath(actual, virtual, dest);
    }

    /** Whether {@code actual} is an intermediary of this model between {@code virtual} and {@code dest}. */
    abstract boolean onPath(Tcb actual, Tcb virtual, Tcb dest);

    /** A bound on any chain a model walks: one step per space there can be. */
    final long chainBound() {
        return threads.count() + 1;
    }

    @Override
    public String toString() {
        return name();
    }

    static boolean isThread(long id) {
        return id != ThreadId.NIL && id != ThreadId.ANY;
    }
}
