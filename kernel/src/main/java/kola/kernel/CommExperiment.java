package kola.kernel;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import kola.abi.Comm;
import kola.abi.ExRegs;
import kola.abi.IpcError;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Schedule;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.machine.CostModel;
import kola.machine.Machine;

/**
 * The communication-control experiment ({@code kola experiment comm}; paper section 4.1): one
 * workload under every model. A client sends messages to a server in another address space,
 * through whatever intermediaries the model puts between them (clans: the two chiefs;
 * redirection, redirectors, pclans: one monitor); a scanner probes the names it can guess with
 * zero-timeout sends; a client that never receives its reply tries to block the server.
 */
public final class CommExperiment {
    /** One measured figure. */
    public record Row(String model, String metric, double value, String unit) {
    }

    static final long S = tid(3);
    static final long C = tid(4);
    static final long M = tid(5);
    static final long A = tid(6);
    static final long B = tid(7);
    static final long SCANNER = tid(8);
    private static final long NEVER = Timeout.pair(Timeout.NEVER, Timeout.NEVER);
    private static final long ZERO = Timeout.pair(Timeout.ZERO, Timeout.ZERO);
    /** Thread numbers a scanner probes (each with version 1). */
    static final int SCAN_NUMBERS = 256;

    private CommExperiment() {
    }

    private static long tid(long n) {
        return ThreadId.global(Kernel.USER_BASE + n, 1);
    }

    /** Runs the experiment with {@code messages} client messages per model. */
    public static List<Row> run(int messages) {
        List<Row> rows = new ArrayList<>();
        for (CommModel model : CommModel.values()) {
            rows.addAll(throughput(model, messages));
            rows.add(scan(model));
            rows.add(silentClient(model));
        }
        return rows;
    }

    // ---- the message path ---------------------------------------------------------------------

    private static List<Row> throughput(CommModel model, int n) {
        long[] counts = new long[4]; // receipts at intermediaries, at the server, client cycles, client host ns
        Image image = Image.builder(() -> l4 -> { }, () -> l4 -> setUp(l4, model))
                .module("task", () -> l4 -> role(l4, model, n, counts), 100, List.of())
                .build();
        Kernel k = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)),
                KernelConfig.defaults().withComm(model), image, new PrintStream(OutputStream.nullOutputStream()));
        k.run(50_000_000);
        if (counts[1] != n) {
            throw new IllegalStateException(model.label() + ": the server received " + counts[1] + " of " + n + " messages");
        }
        String m = model.label();
        return List.of(
                new Row(m, "ipcs-per-message", (double) (counts[0] + counts[1]) / n, "ipc"),
                new Row(m, "cycles-per-message", (double) counts[2] / n, "cycles"),
                new Row(m, "host-ns-per-message", (double) counts[3] / n, "ns"));
    }

    /** The root task: makes the server, the client and the model's intermediaries, and configures the model. */
    private static void setUp(L4 l4, CommModel model) {
        for (long t : new long[] {S, C, M, A, B}) {
            create(l4, t);
        }
        switch (model) {
            case CLANS -> {
                l4.commControl(Comm.CHIEF, C, A, 0);
                l4.commControl(Comm.CHIEF, S, B, 0);
            }
            case REDIRECTION -> l4.commControl(Comm.POLICY, C, S, M);
            case PCLANS -> {
                l4.commControl(Comm.PCLAN, C, 1, 0);
                l4.commControl(Comm.PCLAN_POLICY, 1, 0, M);
            }
            default -> { }
        }
        for (long t : new long[] {S, C, M, A, B}) {
            activate(l4, t, model == CommModel.REDIRECTORS && t == C ? M : ThreadId.NIL);
        }
        if (model == CommModel.CAPABILITIES || model == CommModel.VIRTUAL_THREADS) {
            // The root distributes names: c's slot 5 names s; s's slot 7 names c.
            l4.commControl(Comm.GATE, Comm.selector(1), S, 0x51);
            l4.commControl(Comm.GATE, Comm.selector(2), C, 0xC);
            l4.commControl(Comm.MAP, C, Comm.objectFpage(1, 0, Comm.SEND), Comm.selector(5));
            l4.commControl(Comm.MAP, S, Comm.objectFpage(2, 0, Comm.SEND), Comm.selector(7));
        }
        long ip = 0;
        start(l4, S, ip, 0, 150);
        start(l4, M, ip, 2, 160);
        start(l4, A, ip, 2, 160);
        start(l4, B, ip, 2, 160);
        start(l4, C, ip, 1, 140);
    }

    private static void create(L4 l4, long id) {
        l4.threadControl(id, id, l4.myGlobalId(), ThreadId.NIL, -1L);
    }

    private static void activate(L4 l4, long id, long redirector) {
        l4.spaceControl(id, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, redirector);
        l4.threadControl(id, id, ThreadId.NIL, ThreadId.NIL, kola.abi.Fpage.base(Kip.STANDARD_UTCB_AREA));
    }

    private static void start(L4 l4, long id, long unused, int entry, int priority) {
        l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, priority, Schedule.UNCHANGED);
        long ip = l4.kernelInterface().module("task").entry(entry);
        l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, ip, 0, 0, ThreadId.NIL);
    }

    private static void role(L4 l4, CommModel model, int n, long[] counts) {
        int entry = (int) (l4.startIp() & 0xFFFF_FFFFL);
        boolean objects = model == CommModel.CAPABILITIES || model == CommModel.VIRTUAL_THREADS;
        switch (entry) {
            case 0 -> { // the server
                for (int i = 0; i < n; i++) {
                    l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                    counts[1]++;
                }
            }
            case 1 -> { // the client
                long to = objects ? Comm.selector(5) : S;
                l4.setVirtualSender(Comm.selector(7));
                long t0 = l4.systemClock();
                long h0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    l4.setMr(0, MsgTag.make(0, 1, 0));
                    l4.setMr(1, i);
                    l4.ipc(to, ThreadId.NIL, NEVER);
                }
                counts[3] = System.nanoTime() - h0;
                counts[2] = (l4.systemClock() - t0) * CostModel.CYCLES_PER_MICROSECOND;
            }
            default -> { // an intermediary: forwards every message it gets to its intended receiver, as its sender
                while (true) {
                    long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                    counts[0]++;
                    long word = l4.mr(1);
                    l4.setVirtualSender(from);
                    l4.setMr(0, MsgTag.make(0, 1, 0) | MsgTag.PROPAGATED);
                    l4.setMr(1, word);
                    l4.ipc(l4.intendedReceiver(), ThreadId.NIL, NEVER);
                }
            }
        }
    }

    // ---- scanning -------------------------------------------------------------------------------

    /** A task in its own space, given nothing, probes every name it can guess: how many live partners does it find? */
    private static Row scan(CommModel model) {
        long[] found = new long[1];
        boolean objects = model == CommModel.CAPABILITIES || model == CommModel.VIRTUAL_THREADS;
        Image image = Image.builder(() -> l4 -> { }, () -> l4 -> {
            for (long t : new long[] {S, C, M, SCANNER}) {
                create(l4, t);
                activate(l4, t, ThreadId.NIL);
            }
            long ip = 0;
            for (long t : new long[] {S, C, M}) {
                start(l4, t, ip, 0, 50);
            }
            start(l4, SCANNER, ip, 1, 60);
        }).module("task", () -> l4 -> {
            if ((l4.startIp() & 0xFFFF_FFFFL) == 0) {
                l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER); // a live thread that waits
                return;
            }
            int probes = objects ? Comm.SLOTS : SCAN_NUMBERS;
            for (int i = 1; i < probes; i++) {
                long name = objects ? Comm.selector(i) : ThreadId.global(i, 1);
                l4.setMr(0, 0);
                l4.ipc(name, ThreadId.NIL, ZERO);
                // A partner that exists takes the message (it waits) or times out; none is "no partner".
                if ((l4.mr(0) & MsgTag.ERROR) == 0 || IpcError.kind(l4.errorCode()) != IpcError.NO_PARTNER) {
                    found[0]++;
                }
            }
        }, 100, List.of()).build();
        Kernel k = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)),
                KernelConfig.defaults().withComm(model), image, new PrintStream(OutputStream.nullOutputStream()));
        k.run(5_000_000);
        return new Row(model.label(), "threads-found-by-scanning", found[0], "threads");
    }

    // ---- Shapiro's attack: a client that never receives its reply -------------------------------

    /**
     * A client sends a request and halts itself, alive but never receiving; the server answers
     * as the model has it (thread-id models and virtual threads: to the sender's name, with an
     * infinite send timeout as a plain reply stub does; capabilities: through the reply
     * capability, which a send without a receive never creates). Is the server still blocked
     * when the run ends? 1: yes, 0: no.
     */
    private static Row silentClient(CommModel model) {
        long[] blocked = {1};
        boolean objects = model == CommModel.CAPABILITIES || model == CommModel.VIRTUAL_THREADS;
        Image image = Image.builder(() -> l4 -> { }, () -> l4 -> {
            for (long t : new long[] {S, C}) {
                create(l4, t);
                activate(l4, t, ThreadId.NIL);
            }
            if (objects) {
                l4.commControl(Comm.GATE, Comm.selector(1), S, 0x51);
                l4.commControl(Comm.GATE, Comm.selector(2), C, 0xC);
                l4.commControl(Comm.MAP, C, Comm.objectFpage(1, 0, Comm.SEND), Comm.selector(5));
                l4.commControl(Comm.MAP, S, Comm.objectFpage(2, 0, Comm.SEND), Comm.selector(7));
            }
            long ip = 0;
            start(l4, S, ip, 0, 100);
            start(l4, C, ip, 1, 90);
        }).module("task", () -> l4 -> {
            if ((l4.startIp() & 0xFFFF_FFFFL) == 0) {
                long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                l4.setMr(0, 0);
                l4.setVirtualSender(Comm.selector(5));
                l4.ipc(model == CommModel.CAPABILITIES ? Comm.REPLY : from, ThreadId.NIL, NEVER);
                blocked[0] = 0; // the reply returned: the server goes on
                return;
            }
            l4.setMr(0, 0);
            l4.setVirtualSender(Comm.selector(7));
            l4.ipc(objects ? Comm.selector(5) : S, ThreadId.NIL, NEVER); // send only: the reply never gets taken
            l4.exchangeRegisters(l4.myGlobalId(), ExRegs.HALT, 0, 0, 0, 0, ThreadId.NIL); // alive, never receiving
        }, 100, List.of()).build();
        Kernel k = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)),
                KernelConfig.defaults().withComm(model), image, new PrintStream(OutputStream.nullOutputStream()));
        k.run(5_000_000);
        return new Row(model.label(), "server-blocked-by-silent-client", blocked[0], "bool");
    }
}
