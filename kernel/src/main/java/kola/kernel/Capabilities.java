package kola.kernel;

import kola.abi.Comm;

/**
 * Communication model {@code capabilities}: the paper's proposal (section 4.1), in the style of
 * Fiasco.OC. IPC names a capability in the sender's own object space, never a global thread id:
 * a task reaches only the gates it was given, and a scan of its own slots finds only those. The
 * receiver sees the gate's label, an identity the sender cannot forge. A server answers a call
 * through the one-shot reply capability ({@link Comm#REPLY}): it names no client, and a reply to
 * a client that no longer waits fails at once, so no client can block it. A closed receive names
 * a gate the receiver holds (or {@link Comm#REPLY}) and waits for the reply to its call, or names
 * a notification or an endpoint it may receive from and waits on that.
 */
final class Capabilities implements CommunicationModel {
    @Override
    public boolean route(Tcb sender, long to, Route out) {
        CapNode cap = CapabilitySpaces.lookup(sender.space, to);
        if (cap == null || (cap.rights & Comm.SEND) == 0) {
            return false;
        }
        if (cap.object instanceof Notification n) {
            return out.signal(n);
        }
        if (!(cap.object instanceof Gate gate)) {
            return false; // (an endpoint is sent to through a gate made to it, which gives the label)
        }
        if (gate.endpoint != null) {
            Endpoint e = gate.endpointTarget();
            return e != null && out.queue(e, gate.label);
        }
        Tcb dest = gate.target();
        return dest != null && out.deliver(dest, gate.label);
    }

    @Override
    public long source(Tcb receiver, long from) {
        CapNode cap = CapabilitySpaces.lookup(receiver.space, from);
        return from == Comm.REPLY || cap != null && cap.object instanceof Gate ? Comm.REPLY : NO_SOURCE;
    }

    @Override
    public WaitQueue waitObject(Tcb receiver, long from) {
        CapNode cap = CapabilitySpaces.lookup(receiver.space, from);
        return cap != null && cap.object instanceof WaitQueue q && (cap.rights & Comm.RECEIVE) != 0 ? q : null;
    }

    @Override
    public boolean mayPropagate(Tcb actual, Tcb virtual, Tcb dest) {
        return false;
    }

    @Override
    public boolean hasReplyCapability() {
        return true;
    }

    @Override
    public String name() {
        return "capabilities";
    }
}
