package kola.kernel;

/**
 * Communication model {@code redirectors}: L4Ka::Pistachio's (paper section 4.1). Each address
 * space has a redirector, set with SpaceControl, or none. IPC within a space goes directly; IPC
 * that leaves a space with a redirector goes to the redirector, whatever the destination (unless
 * the sender is the redirector), flagged redirected with the intended receiver. The redirector
 * may forward it as the sender (propagation), and so may every redirector along the chain.
 */
final class Redirectors extends ThreadIdModel {
    Redirectors(ThreadTable threads) {
        super(threads);
    }

    @Override
    boolean control(Tcb sender, Tcb dest, Route out) {
        long r = sender.space.redirector;
        return isThread(r) ? via(r, sender, dest, out) : out.deliver(dest, sender.id);
    }

    @Override
    boolean onPath(Tcb actual, Tcb virtual, Tcb dest) {
        Space s = virtual.space;
        for (long i = 0, n = chainBound(); i < n; i++) {
            Tcb r = isThread(s.redirector) ? threads.lookup(s.redirector) : null;
            if (r == null) {
                return false;
            }
            if (r == actual) {
                return true;
            }
            s = r.space;
        }
        return false;
    }

    @Override
    public String name() {
        return "redirectors";
    }
}
