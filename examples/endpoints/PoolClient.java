import kola.abi.Comm;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.system.Names;
import kola.system.RootTask;

/**
 * A client of the pool: it finds the pool's front desk through the root task, asks it for a gate
 * to the pool's endpoint, and sends its arguments through that gate to be doubled, printing which
 * worker answered each. Then it tries the endpoint's own slot number in its own space, which names
 * nothing there.
 */
public final class PoolClient implements Program {
    /** Where the client accepts the gate the front desk grants. */
    static final int GATE = Names.OWN_BASE + 4;

    @Override
    public void run(L4 l4) {
        RootTask.Found pool = RootTask.find(l4, "pool");
        if (pool.name() == ThreadId.NIL || !Names.capabilities(l4)) {
            l4.kdbPrint("no pool here (endpoints need the capabilities model)");
            return;
        }
        l4.setBr(0, Items.acceptor(Comm.objectFpage(GATE, 0, 0), false));
        l4.setMr(0, MsgTag.make(Pool.CONNECT, 0, 0));
        long tag = l4.call(pool.name());
        l4.kdbPrint("connected: " + (MsgTag.failed(tag) ? IpcError.describe(l4.errorCode())
                : "gate rights " + l4.commControl(Comm.LOOKUP, Comm.selector(GATE), 0, 0)));
        for (String arg : l4.kernelInterface().moduleOf(l4.startIp()).args()) {
            l4.setMr(1, Long.parseLong(arg));
            l4.setMr(0, MsgTag.make(Pool.DOUBLE, 1, 0));
            tag = l4.call(Comm.selector(GATE));
            l4.kdbPrint("double " + arg + " -> " + (MsgTag.failed(tag) ? IpcError.describe(l4.errorCode())
                    : l4.mr(1) + " (worker " + l4.mr(2) + ")"));
        }
        l4.setMr(0, MsgTag.make(Pool.DOUBLE, 0, 0));
        l4.ipc(Comm.selector(Pool.ENDPOINT), ThreadId.NIL, Timeout.pair(Timeout.ZERO, Timeout.ZERO));
        l4.kdbPrint("the pool's endpoint slot, in its own space: " + IpcError.describe(l4.errorCode()));
        RootTask.exit(l4);
    }
}
