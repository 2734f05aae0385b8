package kola.system;

import kola.abi.IpcError;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.abi.Timeout;

/**
 * The client half of the IPC demo: it finds {@link PingServer} through the root task and shows
 * each IPC form (call, reply-and-wait, send, open and closed receive), a receive timeout, and a
 * send to a thread that does not exist, printing what happened.
 */
public final class PingClient implements Program {

    @Override
    public void run(L4 l4) {
        demo(l4);
        RootTask.exit(l4); // the shell's demo waits for this, then removes the demo's tasks
    }

    private static void demo(L4 l4) {
        long server = RootTask.lookup(l4, "ping-server");
        if (server == ThreadId.NIL) {
            l4.kdbPrint("no ping-server in this image");
            return;
        }
        l4.kdbPrint("ping-server is " + (Names.capabilities(l4) ? "the gate in slot " + kola.abi.Comm.slot(server)
                : "thread " + ThreadId.toString(server)));

        l4.setMr(1, 20);
        l4.setMr(2, 22);
        l4.setMr(0, MsgTag.make(PingServer.ADD, 2, 0));
        long tag = l4.call(server);
        l4.kdbPrint("call add(20, 22) -> " + l4.mr(1) + " (" + MsgTag.toString(tag) + ")");

        long t0 = l4.systemClock();
        for (int i = 0; i < 1000; i++) {
            l4.setMr(1, i);
            l4.setMr(2, 1);
            l4.setMr(0, MsgTag.make(PingServer.ADD, 2, 0));
            l4.call(server);
        }
        long t1 = l4.systemClock();
        l4.kdbPrint("1000 calls took " + (t1 - t0) + " µs of simulated time");

        l4.setMr(1, 7);
        l4.setMr(0, MsgTag.make(PingServer.NOTE, 1, 0));
        l4.send(server);

        l4.setMr(0, MsgTag.make(PingServer.CLOSED, 0, 0));
        l4.call(server);
        l4.setMr(1, 99);
        l4.setMr(0, MsgTag.make(PingServer.NOTE, 1, 0));
        l4.send(server);

        long before = l4.systemClock();
        // A closed receive from the server (under capabilities: from the gate, a wait for a reply).
        l4.ipc(ThreadId.NIL, server, Timeout.pair(Timeout.NEVER, Timeout.relative(1000)));
        long after = l4.systemClock();
        l4.kdbPrint("receive from ping-server with a 1 ms timeout -> "
                + IpcError.describe(l4.errorCode()) + " after " + (after - before) + " µs");

        if (Names.capabilities(l4)) {
            long empty = kola.abi.Comm.selector(Names.LOOKUP_BASE - 1);
            l4.setMr(0, MsgTag.make(PingServer.ADD, 0, 0));
            l4.call(empty);
            l4.kdbPrint("call through empty slot " + kola.abi.Comm.slot(empty) + " -> " + IpcError.describe(l4.errorCode()));
            long serverId = RootTask.find(l4, "ping-server").thread();
            l4.setMr(0, MsgTag.make(PingServer.ADD, 0, 0));
            l4.call(serverId);
            l4.kdbPrint("call to the server's global id " + ThreadId.toString(serverId) + " -> "
                    + IpcError.describe(l4.errorCode()) + " (capabilities: ids name no one)");
        } else {
            long stale = ThreadId.global(ThreadId.number(server), ThreadId.version(server) + 1);
            l4.setMr(0, MsgTag.make(PingServer.ADD, 0, 0));
            l4.call(stale);
            l4.kdbPrint("call to stale id " + ThreadId.toString(stale) + " -> "
                    + IpcError.describe(l4.errorCode()));
        }
        l4.kdbPrint("done");
    }
}
