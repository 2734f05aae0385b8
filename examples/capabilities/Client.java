import kola.abi.Comm;
import kola.abi.IpcError;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.system.RootTask;

/**
 * A client of the counter: it gets a gate from the root task, adds its arguments one by one and
 * prints the running count the server keeps for it; then it tries what a task cannot do under
 * capabilities: name the server by its global thread id, or use a slot it was never given.
 */
public final class Client implements Program {
    @Override
    public void run(L4 l4) {
        RootTask.Found counter = RootTask.find(l4, "counter");
        if (counter.name() == ThreadId.NIL) {
            l4.kdbPrint("no counter in this image");
            return;
        }
        long gate = counter.name();
        for (String arg : l4.kernelInterface().moduleOf(l4.startIp()).args()) { // this module's arguments
            l4.setMr(1, Long.parseLong(arg));
            l4.setMr(0, MsgTag.make(Counter.ADD, 1, 0));
            long tag = l4.call(gate);
            l4.kdbPrint("add " + arg + " -> " + (MsgTag.failed(tag) ? "error" : String.valueOf(l4.mr(1))));
        }
        l4.kdbPrint("the counter by its global id: " + probe(l4, counter.thread()));
        l4.kdbPrint("a slot it was never given: " + probe(l4, Comm.selector(900)));
        RootTask.exit(l4);
    }

    /** An empty message to {@code name}, not waiting: what came of it. */
    private static String probe(L4 l4, long name) {
        l4.setMr(0, 0);
        l4.ipc(name, ThreadId.NIL, Timeout.pair(Timeout.ZERO, Timeout.ZERO));
        return MsgTag.failed(l4.mr(0)) ? IpcError.describe(l4.errorCode()) : "delivered";
    }
}
