package kola.kernel;

import kola.abi.Comm;

/**
 * Communication model {@code redirection} (Jaeger et al.; paper section 4.1): for each pair of
 * address spaces a policy, set from outside the tasks (CommControl {@link Comm#POLICY},
 * privileged), allows IPC, refuses it, or redirects it to an intermediary. Pairs without a
 * policy are allowed. An intermediary may forward a message as its sender if it lies on the
 * policy path from the sender to the destination.
 */
final class Redirection extends ThreadIdModel {
    private final CommPolicy policy;

    Redirection(ThreadTable threads, CommPolicy policy) {
        super(threads);
        this.policy = policy;
    }

    @Override
    boolean control(Tcb sender, Tcb dest, Route out) {
        long action = policy.pair(sender.space, dest.space);
        if (action == Comm.DENY) {
            return false;
        }
        return action == Comm.ALLOW ? out.deliver(dest, sender.id) : via(action, sender, dest, out);
    }

    @Override
    boolean onPath(Tcb actual, Tcb virtual, Tcb dest) {
        Space s = virtual.space;
        for (long i = 0, n = chainBound(); i < n; i++) {
            long action = policy.pair(s, dest.space);
            Tcb m = isThread(action) ? threads.lookup(action) : null;
            if (m == null) {
                return false;
            }
            if (m == actual) {
                return true;
            }
            if (m.space == s) {
                return false;
            }
            s = m.space;
        }
        return false;
    }

    @Override
    public String name() {
        return "redirection";
    }
}
