import kola.abi.Comm;
import kola.abi.Items;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.system.Names;
import kola.system.Protocol;

/**
 * A pool of worker threads behind one endpoint (seL4's endpoints under Kola's capabilities
 * model). The first thread makes the endpoint, asks the root task for two more threads of this
 * space (the workers, at entry 1), and then keeps the front desk: a client that calls it with
 * {@link #CONNECT} gets a gate to the endpoint granted into its object space, labelled with the
 * label the client came with (the client's global id, which the root task chose), so every
 * worker sees who calls. The workers all receive from the endpoint; the first one waiting takes
 * the next call, and each answers through the reply capability with a reply-and-receive.
 */
public final class Pool implements Program {
    /** Request to the front desk: grant me a gate to the pool (accept it in your object window). */
    public static final long CONNECT = 1;
    /** Request to a worker: double MR1; the reply carries 2 * MR1 and the worker's number. */
    public static final long DOUBLE = 2;
    static final int WORKERS = 2;
    /** The endpoint's slot, which every thread of this space names; gates are made in the slot after it. */
    static final int ENDPOINT = Names.OWN_BASE;
    static final int NEW_GATE = Names.OWN_BASE + 1;
    private static final long NEVER = Timeout.pair(Timeout.NEVER, Timeout.NEVER);

    /** The workers started so far (the threads of a space share their program object). */
    private int workers;

    @Override
    public void run(L4 l4) {
        if (!Names.capabilities(l4)) {
            l4.kdbPrint("endpoints need the capabilities model (--comm capabilities)");
            return;
        }
        if (l4.startIp() == l4.kernelInterface().moduleOf(l4.startIp()).entry(1)) {
            work(l4, ++workers);
            return;
        }
        if (l4.commControl(Comm.ENDPOINT, Comm.selector(ENDPOINT), 0, 0) == 0) {
            l4.kdbPrint("cannot make the endpoint");
            return;
        }
        for (int i = 0; i < WORKERS; i++) {
            l4.setMr(1, 1);
            l4.setMr(0, MsgTag.make(Protocol.ROOT_NEW_THREAD, 1, 0));
            if (MsgTag.failed(l4.call(Names.root(l4))) || MsgTag.label(l4.mr(0)) != Protocol.OK) {
                l4.kdbPrint("cannot start a worker");
                return;
            }
        }
        frontDesk(l4);
    }

    private void frontDesk(L4 l4) {
        long label = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag) || MsgTag.label(tag) != CONNECT
                    || l4.commControl(Comm.ENDPOINT_GATE, Comm.selector(NEW_GATE), Comm.selector(ENDPOINT), label) == 0) {
                label = l4.waitAny();
                continue;
            }
            // Granted, the gate leaves this space: only the client holds it.
            l4.setMr(0, MsgTag.make(0, 0, 2));
            Items.putGrant(l4, 1, Comm.objectFpage(NEW_GATE, 0, Comm.SEND), 0);
            label = l4.replyWait(Comm.REPLY);
        }
    }

    private static void work(L4 l4, int number) {
        long from = Comm.selector(ENDPOINT);
        long label = l4.ipc(ThreadId.NIL, from, NEVER);
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag) || MsgTag.label(tag) != DOUBLE || MsgTag.untyped(tag) != 1) {
                label = l4.ipc(ThreadId.NIL, from, NEVER);
                continue;
            }
            l4.setMr(1, 2 * l4.mr(1));
            l4.setMr(2, number);
            l4.setMr(0, MsgTag.make(0, 2, 0));
            label = l4.ipc(Comm.REPLY, from, Timeout.pair(Timeout.ZERO, Timeout.NEVER)); // reply, then wait on the endpoint
        }
    }
}
