package kola.system;

import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;

/**
 * The server half of the IPC demo: it answers {@link #ADD} calls with reply-and-wait, prints
 * one-way {@link #NOTE}s it receives by open receive, and on {@link #CLOSED} replies and then
 * receives from that client only (a closed receive).
 */
public final class PingServer implements Program {
    /** Call: MR1 + MR2; the reply's MR1 is the sum. */
    public static final long ADD = 1;
    /** One-way message: MR1 is printed. */
    public static final long NOTE = 2;
    /** Call: after the reply, the server receives from this client only. */
    public static final long CLOSED = 3;

    @Override
    public void run(L4 l4) {
        boolean caps = Names.capabilities(l4);
        long client = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            long label = MsgTag.label(tag);
            if (MsgTag.failed(tag)) {
                client = l4.waitAny();
                continue;
            }
            if (label == NOTE && MsgTag.untyped(tag) == 1) {
                l4.kdbPrint("note " + l4.mr(1) + " from " + ThreadId.toString(client)
                        + " (open receive)");
                client = l4.waitAny();
                continue;
            }
            if (label == CLOSED) {
                l4.setMr(0, MsgTag.make(Protocol.OK, 0, 0));
                l4.reply(Names.replyTo(caps, client));
                // Under capabilities a server cannot wait for one client (a closed receive names a
                // gate it holds and waits for the reply to its own call): it receives from anyone
                // and checks the label, which no client can forge.
                long from = caps ? l4.waitAny() : l4.receive(client);
                l4.kdbPrint((caps ? "receive checked by label: from " : "closed receive from ")
                        + ThreadId.toString(from) + (caps && from != client ? " (not the client!)" : "")
                        + " got label " + MsgTag.label(l4.mr(0)) + ", MR1 = " + l4.mr(1));
                client = l4.waitAny();
                continue;
            }
            if (label == ADD && MsgTag.untyped(tag) == 2) {
                l4.setMr(1, l4.mr(1) + l4.mr(2));
                l4.setMr(0, MsgTag.make(Protocol.OK, 1, 0));
            } else {
                l4.setMr(1, Protocol.E_UNKNOWN_REQUEST);
                l4.setMr(0, MsgTag.make(Protocol.ERROR, 1, 0));
            }
            client = l4.replyWait(Names.replyTo(caps, client));
        }
    }
}
