package kola.bench.ping;

import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;

/**
 * Both tasks of the sandboxed IPC round trip ({@code kola-ipc-0w-xspace-sandboxed} in
 * {@code kola bench ipc}). With the module argument {@code server} it loops on ReplyWait and
 * answers label {@code l} with {@code l + 1}; otherwise it is the client: it calls the server, the
 * first module the root task starts (thread user base + 3), checks every reply's whole tag, says
 * {@code ready} on the kernel console after its warm-up calls and goes on calling for ever. A
 * wrong reply is said on the console and ends the client, so the host can neither time nor count
 * a failure as a round trip. Only {@code kola.abi}: it passes the task verification and runs
 * sandboxed (verified, metered, its classes its own), and this package holds nothing else.
 */
public final class PingPong implements Program {
    /** Calls before the client says it is ready. */
    public static final int WARMUP_CALLS = 2_000;
    private static final long LABEL_MASK = 0xFFFF_FFFFL;
    /** The server's thread number above the KIP's user base: the first module the root task starts. */
    public static final long SERVER_OFFSET = 3;

    @Override
    public void run(L4 l4) {
        kola.abi.Kip kip = l4.kernelInterface();
        kola.abi.Kip.BootModule me = kip.moduleOf(l4.startIp());
        if (me != null && me.args().contains("server")) {
            serve(l4);
        } else {
            call(l4, kip.userBase() + SERVER_OFFSET);
        }
    }

    private static void serve(L4 l4) {
        long from = l4.waitAny();
        while (true) {
            long label = MsgTag.label(l4.mr(0));
            l4.setMr(0, MsgTag.make((label + 1) & LABEL_MASK, 0, 0));
            from = l4.replyWait(from);
        }
    }

    private static void call(L4 l4, long serverNumber) {
        long server = kola.abi.ThreadId.global(serverNumber, 1);
        long label = 1;
        for (long i = 0; ; i++) {
            l4.setMr(0, MsgTag.make(label, 0, 0));
            l4.call(server);
            long want = MsgTag.make((label + 1) & LABEL_MASK, 0, 0);
            if (l4.mr(0) != want) {
                l4.kdbPrint("wrong reply " + Long.toHexString(l4.mr(0)) + " to call " + i);
                return;
            }
            label = (label + 2) & 0xFFFF;
            if (i == WARMUP_CALLS) {
                l4.kdbPrint("ready");
            }
        }
    }
}
