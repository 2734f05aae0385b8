package kola.kernel;

import kola.abi.Comm;

/**
 * Communication model {@code pclans} (paper section 4.1): every space belongs to one pclan
 * (CommControl {@link Comm#PCLAN}; pclan 0 until set). Within a pclan IPC is free; across pclans
 * a per-pair policy of pclans (CommControl {@link Comm#PCLAN_POLICY}) refuses it (the default) or
 * redirects it to an intermediary. As the paper reads, there is no "allow" across pclans: even
 * permitted traffic goes through an intermediary, which may forward it as its sender.
 */
final class Pclans extends ThreadIdModel {
    private final CommPolicy policy;

    Pclans(ThreadTable threads, CommPolicy policy) {
        super(threads);
        this.policy = policy;
    }

    @Override
    boolean control(Tcb sender, Tcb dest, Route out) {
        if (sender.space.pclan == dest.space.pclan) {
            return out.deliver(dest, sender.id);
        }
        long action = policy.pclans(sender.space.pclan, dest.space.pclan);
        return isThread(action) && via(action, sender, dest, out);
    }

    @Override
    boolean onPath(Tcb actual, Tcb virtual, Tcb dest) {
        long action = policy.pclans(virtual.space.pclan, dest.space.pclan);
        return isThread(action) && threads.lookup(action) == actual;
    }

    @Override
    public String name() {
        return "pclans";
    }
}
