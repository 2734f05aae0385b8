package kola.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import kola.abi.Comm;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.KernelError;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.Schedule;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.kernel.CommModel;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.machine.Machine;
import kola.system.Sigma0;
import kola.system.Tasks;

/**
 * The Kola IPC round trip, measured in one process: a kernel image whose root task starts a
 * server thread and a client thread, either in two address spaces ({@link Layout#CROSS_SPACE}) or
 * as two threads of one space ({@link Layout#SAME_SPACE}). The server loops on ReplyWait; the
 * client does warm-up calls, then {@code n} Calls carrying {@code words} untyped words, timed with
 * the host's {@link System#nanoTime()} around the {@code n} calls. The kernel runs on the calling
 * host thread ({@link Kernel#run()} is synchronous), as it does in {@code kola run}.
 *
 * <p>Every reply is checked: the server answers label {@code l} with label {@code l + 1} and each
 * word {@code w} with {@code w + 1}, and the client compares the whole tag (an IPC error sets the
 * error flag, so it cannot match) and every word. A wrong reply stops the client and the
 * measurement throws: the benchmark cannot silently time failures.
 *
 * <p>{@link Session} keeps one such system alive with an endless client and advances it a given
 * number of round trips at a time ({@link Kernel#run(long)} with two kernel entries per round
 * trip), for JMH.
 */
public final class KolaIpc {
    /** Where the two threads live. */
    public enum Layout {
        /** Server and client each the first thread of its own task (address space). */
        CROSS_SPACE,
        /** Server and client two threads of one task. */
        SAME_SPACE,
        /**
         * As {@link #CROSS_SPACE}, under the capabilities model: the client calls an IPC gate in
         * its object space (made by the root task, labelled with the client's id), the server
         * answers through the reply capability.
         */
        CROSS_SPACE_CAPABILITY,
        /**
         * As {@link #CROSS_SPACE_CAPABILITY}, through an endpoint: the server receives from an
         * endpoint (receive right) and answers with a reply-and-receive from it; the client calls
         * a gate to the endpoint (made by the root task, labelled with the client's id).
         */
        CROSS_SPACE_ENDPOINT
    }

    /** The client's slot that names the server's gate, under {@link Layout#CROSS_SPACE_CAPABILITY} and {@link Layout#CROSS_SPACE_ENDPOINT}. */
    private static final int GATE_SLOT = 1;
    /** The root task's and the server's slot of the endpoint, under {@link Layout#CROSS_SPACE_ENDPOINT}. */
    private static final int ENDPOINT_SLOT = 2;

    /** The server's thread number offset from the KIP's user base (sigma0 +0, root task +2). */
    private static final long SERVER_OFFSET = 3;
    private static final long CLIENT_OFFSET = 4;
    private static final int PRIORITY = 100;
    private static final long LABEL_MASK = 0xFFFF_FFFFL;
    /** Calls every fresh system makes before the timed ones, at least (its continuations' stacks settle). */
    private static final long WARMUP_CALLS = 2_000;

    private KolaIpc() {
    }

    /**
     * Boots a fresh system, lets the client make as many untimed calls as it will time (at least
     * {@value #WARMUP_CALLS}), then {@code n} timed calls of {@code words} untyped words (0..63).
     * Returns the host nanoseconds the {@code n} calls took. The warm-up is that long because a
     * system booted in a JVM that ran another one (the previous round, another contender) makes
     * the JIT deoptimise and recompile the kernel loop for this system's code paths for some tens
     * of milliseconds: a short warm-up leaves that in the timed calls.
     *
     * @throws IllegalStateException if any reply was wrong or the system did not get to run
     */
    public static long roundTrips(Layout layout, int words, long n) {
        checkWords(words);
        if (n < 0) {
            throw new IllegalArgumentException("negative call count " + n);
        }
        Outcome outcome = new Outcome();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Kernel kernel = boot(layout, words, outcome, Math.max(WARMUP_CALLS, n), n, console);
        kernel.run();
        if (outcome.failure != null || outcome.completed != n) {
            throw new IllegalStateException("Kola IPC benchmark (" + layout + ", " + words + " words) failed: "
                    + (outcome.failure != null ? outcome.failure : outcome.completed + " of " + n + " calls completed")
                    + consoleTail(console));
        }
        return outcome.elapsed;
    }

    /**
     * A running system whose client calls the server forever; {@link #roundTrips(long)} advances
     * it. For benchmark harnesses that time the steps themselves (JMH).
     */
    public static final class Session {
        private final Kernel kernel;
        private final Outcome outcome = new Outcome();
        private final ByteArrayOutputStream console = new ByteArrayOutputStream();
        private final String what;

        /** Boots the system and runs it until the client has made its warm-up calls. */
        public Session(Layout layout, int words) {
            checkWords(words);
            this.what = layout + ", " + words + " words";
            this.kernel = boot(layout, words, outcome, WARMUP_CALLS, -1, console);
            for (int i = 0; i < 1000 && !outcome.started && outcome.failure == null; i++) {
                kernel.run(1000);
            }
            check();
            if (!outcome.started) {
                throw new IllegalStateException("Kola IPC session (" + what + ") did not start" + consoleTail(console));
            }
        }

        /** Runs {@code n} more round trips (two kernel entries each: the client's Call, the server's ReplyWait). */
        public void roundTrips(long n) {
            kernel.run(2 * n);
            if (outcome.failure != null) {
                check();
            }
        }

        /** Calls completed since the warm-up, every one checked. */
        public long completed() {
            return outcome.completed;
        }

        private void check() {
            if (outcome.failure != null) {
                throw new IllegalStateException("Kola IPC session (" + what + ") failed: " + outcome.failure
                        + consoleTail(console));
            }
        }
    }

    // ---- the system -------------------------------------------------------------------------

    /** What the client reports back to the host. Written by user code running on the host thread. */
    private static final class Outcome {
        volatile boolean started;
        long completed;
        long elapsed;
        volatile String failure;
    }

    private static void checkWords(int words) {
        if (words < 0 || words > MsgTag.MAX_WORDS) {
            throw new IllegalArgumentException("untyped words must lie in 0.." + MsgTag.MAX_WORDS + ", not " + words);
        }
    }

    /** A kernel for the system; {@code n < 0}: the client never stops. */
    private static Kernel boot(Layout layout, int words, Outcome outcome, long warmup, long n, OutputStream console) {
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        Machine machine = new Machine(new Machine.Config(64L << 20, 256, null, OutputStream.nullOutputStream()));
        Image.Builder image = Image.builder(Sigma0::new, () -> rootTask(layout, outcome));
        boolean caps = layout == Layout.CROSS_SPACE_CAPABILITY || layout == Layout.CROSS_SPACE_ENDPOINT;
        long wait = layout == Layout.CROSS_SPACE_ENDPOINT ? Comm.selector(ENDPOINT_SLOT) : ThreadId.ANY;
        Program client = l4 -> client(l4, words, warmup, n, outcome, caps);
        if (layout != Layout.SAME_SPACE) {
            image.module("ipc-server", () -> l4 -> server(l4, caps, wait));
            image.module("ipc-client", () -> client);
        } else {
            image.module("ipc-pair", () -> l4 -> {
                Kip.BootModule m = l4.kernelInterface().module("ipc-pair");
                if (l4.startIp() == m.entry(1)) {
                    client.run(l4);
                } else {
                    server(l4, false, ThreadId.ANY);
                }
            });
        }
        KernelConfig config = KernelConfig.defaults().withKernelMemory(4L << 20);
        return new Kernel(machine, caps ? config.withComm(CommModel.CAPABILITIES) : config, image.build(), out);
    }

    private static long serverId(Kip kip) {
        return ThreadId.global(kip.userBase() + SERVER_OFFSET, 1);
    }

    private static long clientId(Kip kip) {
        return ThreadId.global(kip.userBase() + CLIENT_OFFSET, 1);
    }

    /** The root task: starts server and client, then ends (its thread halts). */
    private static Program rootTask(Layout layout, Outcome outcome) {
        return l4 -> {
            Kip kip = l4.kernelInterface();
            long server = serverId(kip);
            long client = clientId(kip);
            String failure;
            if (layout != Layout.SAME_SPACE) {
                failure = Tasks.create(l4, server, kip.sigma0(), kip.module("ipc-server").entry(0), PRIORITY);
                if (failure == null) {
                    failure = Tasks.create(l4, client, kip.sigma0(), kip.module("ipc-client").entry(0), PRIORITY);
                }
                if (failure == null && layout == Layout.CROSS_SPACE_CAPABILITY
                        && (l4.commControl(Comm.GATE, Comm.selector(GATE_SLOT), server, client) == 0
                        || l4.commControl(Comm.MAP, client, Comm.objectFpage(GATE_SLOT, 0, Comm.SEND), Comm.selector(GATE_SLOT)) == 0)) {
                    failure = "CommControl: " + KernelError.describe(l4.errorCode());
                }
                if (failure == null && layout == Layout.CROSS_SPACE_ENDPOINT
                        && (l4.commControl(Comm.ENDPOINT, Comm.selector(ENDPOINT_SLOT), 0, 0) == 0
                        || l4.commControl(Comm.ENDPOINT_GATE, Comm.selector(GATE_SLOT), Comm.selector(ENDPOINT_SLOT), client) == 0
                        || l4.commControl(Comm.MAP, server, Comm.objectFpage(ENDPOINT_SLOT, 0, Comm.RECEIVE),
                                Comm.selector(ENDPOINT_SLOT)) == 0
                        || l4.commControl(Comm.MAP, client, Comm.objectFpage(GATE_SLOT, 0, Comm.SEND), Comm.selector(GATE_SLOT)) == 0)) {
                    failure = "CommControl: " + KernelError.describe(l4.errorCode());
                }
            } else {
                Kip.BootModule pair = kip.module("ipc-pair");
                failure = Tasks.create(l4, server, kip.sigma0(), pair.entry(0), PRIORITY);
                if (failure == null) {
                    failure = secondThread(l4, kip, client, server, pair.entry(1));
                }
            }
            if (failure != null) {
                outcome.failure = "root task: " + failure;
            }
        };
    }

    /** Starts {@code id} as a second thread in the space of {@code spaceOf}, at {@code ip}. */
    private static String secondThread(L4 l4, Kip kip, long id, long spaceOf, long ip) {
        long utcb = Fpage.base(Kip.STANDARD_UTCB_AREA) + (1L << kip.utcbSizeLog2());
        if (l4.threadControl(id, spaceOf, l4.myGlobalId(), kip.sigma0(), utcb) == 0) {
            return "ThreadControl(second thread): " + KernelError.describe(l4.errorCode());
        }
        if (l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, PRIORITY, Schedule.UNCHANGED) == 0) {
            return "Schedule: " + KernelError.describe(l4.errorCode());
        }
        if (l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, ip, 0, 0, ThreadId.NIL) == ThreadId.NIL) {
            return "ExchangeRegisters(start): " + KernelError.describe(l4.errorCode());
        }
        return null;
    }

    /**
     * The server: answers label l with l + 1 and each word w with w + 1, by ReplyWait (through the
     * reply capability if {@code caps}), receiving from {@code from} (anyone, or an endpoint).
     */
    private static void server(L4 l4, boolean caps, long from) {
        long never = Timeout.pair(Timeout.NEVER, Timeout.NEVER);
        long replyWait = Timeout.pair(Timeout.ZERO, Timeout.NEVER);
        long client = l4.ipc(ThreadId.NIL, from, never);
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag)) {
                client = l4.ipc(ThreadId.NIL, from, never);
                continue;
            }
            int u = MsgTag.untyped(tag);
            for (int k = 1; k <= u; k++) {
                l4.setMr(k, l4.mr(k) + 1);
            }
            l4.setMr(0, MsgTag.make(MsgTag.label(tag) + 1, u, 0));
            client = l4.ipc(caps ? Comm.REPLY : client, from, replyWait);
        }
    }

    /** The client: warm-up calls, then n timed calls (n < 0: forever, counting). */
    private static void client(L4 l4, int words, long warmup, long n, Outcome outcome, boolean caps) {
        long server = caps ? Comm.selector(GATE_SLOT) : serverId(l4.kernelInterface());
        if (!calls(l4, server, words, 0, warmup, outcome)) {
            return;
        }
        outcome.started = true;
        if (n < 0) {
            for (long i = warmup; ; i++) {
                if (!calls(l4, server, words, i, 1, outcome)) {
                    return;
                }
                outcome.completed++;
            }
        }
        long start = System.nanoTime();
        boolean ok = calls(l4, server, words, warmup, n, outcome);
        long elapsed = System.nanoTime() - start;
        if (ok) {
            outcome.elapsed = elapsed;
            outcome.completed = n;
        }
    }

    /** Calls {@code count} times, checking every reply; false (and a failure recorded) on a wrong one. */
    private static boolean calls(L4 l4, long server, int words, long first, long count, Outcome outcome) {
        for (long i = first, end = first + count; i < end; i++) {
            long label = i & LABEL_MASK;
            for (int k = 1; k <= words; k++) {
                l4.setMr(k, i + k);
            }
            l4.setMr(0, MsgTag.make(label, words, 0));
            long tag = l4.call(server);
            if (tag != MsgTag.make(label + 1, words, 0)) {
                outcome.failure = "call " + i + ": reply " + MsgTag.toString(tag) + ", expected "
                        + MsgTag.toString(MsgTag.make(label + 1, words, 0))
                        + (MsgTag.failed(tag) ? " (error code " + l4.errorCode() + ")" : "");
                return false;
            }
            for (int k = 1; k <= words; k++) {
                if (l4.mr(k) != i + k + 1) {
                    outcome.failure = "call " + i + ": reply word " + k + " is " + l4.mr(k) + ", expected " + (i + k + 1);
                    return false;
                }
            }
        }
        return true;
    }

    private static String consoleTail(ByteArrayOutputStream console) {
        String text = console.toString(StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return "";
        }
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - 5);
        return "; kernel console: " + String.join(" | ", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }
}
