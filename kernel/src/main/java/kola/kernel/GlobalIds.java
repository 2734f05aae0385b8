package kola.kernel;

/**
 * Communication model {@code global-ids}: plain L4 X.2 (paper section 4.1). Any thread may send
 * to any thread whose global id it knows; the receiver sees the sender's global id. This is the
 * model the paper criticises: names are global and guessable, and the kernel controls nothing.
 */
final class GlobalIds extends ThreadIdModel {
    GlobalIds(ThreadTable threads) {
        super(threads);
    }

    @Override
    boolean control(Tcb sender, Tcb dest, Route out) {
        return out.deliver(dest, sender.id);
    }

    @Override
    boolean onPath(Tcb actual, Tcb virtual, Tcb dest) {
        return false;
    }

    @Override
    public boolean controlsNothing() {
        return true;
    }

    @Override
    public String name() {
        return "global-ids";
    }
}
