import java.util.HashMap;
import java.util.Map;
import kola.abi.Comm;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.system.Names;

/**
 * A counter server under the capabilities model. Clients reach it only through a gate the root
 * task hands them (RootTask.lookup); the kernel delivers the gate's label with each message, an
 * identity no client can forge, and the server keeps one count per label. It answers through the
 * reply capability: it never names a client, and a client that does not wait cannot block it.
 */
public final class Counter implements Program {
    /** Request: add MR1 to the caller's count; the reply carries the new count. */
    public static final long ADD = 1;

    @Override
    public void run(L4 l4) {
        Map<Long, Long> counts = new HashMap<>();
        l4.kdbPrint("serving under " + (Names.capabilities(l4) ? "capabilities" : "global ids"));
        long label = l4.waitAny();                          // the gate's label: who is asking
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag) || MsgTag.label(tag) != ADD || MsgTag.untyped(tag) != 1) {
                label = l4.waitAny();                       // garbage or an error: just wait again
                continue;
            }
            long count = counts.merge(label, l4.mr(1), Long::sum);
            l4.setMr(1, count);
            l4.setMr(0, MsgTag.make(0, 1, 0));
            label = l4.replyWait(Names.replyTo(Names.capabilities(l4), label)); // Comm.REPLY under capabilities
        }
    }
}
