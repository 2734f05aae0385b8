package kola.kernel;

/**
 * Communication model {@code virtual-threads} (Skoglund; paper section 4.1): threads are named
 * by slots of the sender's own object space (its thread space), each a reference to a real
 * thread, given by mapping or granting and taken away by unmapping, as memory is. The receiver
 * sees the sender under the slot that names the sender in the receiver's own thread space, and
 * the sender must supply it (in its VirtualSender register): the kernel delivers only if the
 * receiver's slot refers to the sender. This is the model's flaw that the paper names: senders
 * must know and coordinate their names in the recipient's space. The label of the gate is not
 * used: a reference says only which thread.
 */
final class VirtualThreads implements CommunicationModel {
    @Override
    public boolean route(Tcb sender, long to, Route out) {
        CapNode cap = CapabilitySpaces.lookup(sender.space, to);
        if (cap == null || (cap.rights & kola.abi.Comm.SEND) == 0) {
            return false;
        }
        Tcb dest = cap.object instanceof Gate g ? g.target() : null;
        if (dest == null) {
            return false;
        }
        long name = sender.virtualSender;
        CapNode back = CapabilitySpaces.lookup(dest.space, name);
        return back != null && back.object instanceof Gate g && g.target() == sender && out.deliver(dest, name);
    }

    @Override
    public long source(Tcb receiver, long from) {
        CapNode cap = CapabilitySpaces.lookup(receiver.space, from);
        return cap != null && cap.object instanceof Gate g && g.target() != null ? from : NO_SOURCE;
    }

    @Override
    public boolean mayPropagate(Tcb actual, Tcb virtual, Tcb dest) {
        return false;
    }

    @Override
    public String name() {
        return "virtual-threads";
    }
}
