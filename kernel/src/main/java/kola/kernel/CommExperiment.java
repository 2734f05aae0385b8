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
            rows.add(silentPager(model, false));
            rows.add(silentPager(model, true));
            rows.add(covertChannel(model));
            rows.addAll(monitor(model));
        }
        return rows;
    }

    // ---- the message path ---------------------------------------------------------------------

    private static List<Row> throughput(CommModel model, int n) {
        long[] counts = new long[4]; // receipts at intermediaries, at the server, client cycles, client host ns
        Machine machine = machine();
        kola.machine.CycleClock clock = machine.clock();
        Image image = Image.builder(() -> l4 -> { }, () -> l4 -> setUp(l4, model))
                .module("task", () -> l4 -> role(l4, model, n, counts, clock), 100, List.of())
                .build();
        run(machine, KernelConfig.defaults().withComm(model), image, 50_000_000);
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
        interpose(l4, model, false);
        if (objectSpaces(model)) {
            nameEachOther(l4);
        }
        start(l4, S, 0, 150);
        start(l4, M, 2, 160);
        start(l4, A, 2, 160);
        start(l4, B, 2, 160);
        start(l4, C, 1, 140);
    }

    /**
     * Creates the server, the client, the monitor M and the chiefs A and B, and puts the model's
     * intermediaries between client and server: the chiefs (A over the client, B over the
     * server), the pair's policy, the client's redirector, or the pclan policy (with
     * {@code repliesToo}, also from the server's pclan back to the client's).
     */
    private static void interpose(L4 l4, CommModel model, boolean repliesToo) {
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
                if (repliesToo) {
                    l4.commControl(Comm.PCLAN_POLICY, 0, 1, M);
                }
            }
            default -> { }
        }
        for (long t : new long[] {S, C, M, A, B}) {
            activate(l4, t, model == CommModel.REDIRECTORS && t == C ? M : ThreadId.NIL, ThreadId.NIL);
        }
    }

    /** Creates thread {@code id} in a space of its own, not yet activated (a chief or pclan can still be set). */
    static void create(L4 l4, long id) {
        l4.threadControl(id, id, l4.myGlobalId(), ThreadId.NIL, -1L);
    }

    /** Gives {@code id}'s space the standard areas and {@code redirector}, and activates it with {@code pager}. */
    static void activate(L4 l4, long id, long redirector, long pager) {
        l4.spaceControl(id, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, redirector);
        l4.threadControl(id, id, ThreadId.NIL, pager, kola.abi.Fpage.base(Kip.STANDARD_UTCB_AREA));
    }

    /** The root task distributes names under the object-space models: c's slot 5 names s, s's slot 7 names c. */
    private static void nameEachOther(L4 l4) {
        l4.commControl(Comm.GATE, Comm.selector(1), S, 0x51);
        l4.commControl(Comm.GATE, Comm.selector(2), C, 0xC);
        l4.commControl(Comm.MAP, C, Comm.objectFpage(1, 0, Comm.SEND), Comm.selector(5));
        l4.commControl(Comm.MAP, S, Comm.objectFpage(2, 0, Comm.SEND), Comm.selector(7));
    }

    /** Whether the model names partners by object-space slot. */
    private static boolean objectSpaces(CommModel model) {
        return model == CommModel.CAPABILITIES || model == CommModel.VIRTUAL_THREADS;
    }

    /** Boots {@code image} on {@code machine} with {@code config}, its console discarded, and runs it for at most {@code traps} kernel entries. */
    static void run(Machine machine, KernelConfig config, Image image, long traps) {
        new Kernel(machine, config, image, new PrintStream(OutputStream.nullOutputStream())).run(traps);
    }

    /** A machine for an experiment: the default one, without console. */
    static Machine machine() {
        return new Machine(Machine.Config.defaults().withUart(null, null));
    }

    /** Gives {@code id} its priority and starts it at entry {@code entry} of module "task". */
    static void start(L4 l4, long id, int entry, int priority) {
        l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, priority, Schedule.UNCHANGED);
        long ip = l4.kernelInterface().module("task").entry(entry);
        l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, ip, 0, 0, ThreadId.NIL);
    }

    /** {@code clock}: the machine's, read by this trusted measuring code for exact simulated cycles. */
    private static void role(L4 l4, CommModel model, int n, long[] counts, kola.machine.CycleClock clock) {
        int entry = (int) (l4.startIp() & 0xFFFF_FFFFL);
        boolean objects = objectSpaces(model);
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
                long t0 = clock.now();
                long h0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    l4.setMr(0, MsgTag.make(0, 1, 0));
                    l4.setMr(1, i);
                    l4.ipc(to, ThreadId.NIL, NEVER);
                }
                counts[3] = System.nanoTime() - h0;
                counts[2] = clock.now() - t0;
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
        boolean objects = objectSpaces(model);
        Image image = Image.builder(() -> l4 -> { }, () -> l4 -> {
            for (long t : new long[] {S, C, M, SCANNER}) {
                create(l4, t);
                activate(l4, t, ThreadId.NIL, ThreadId.NIL);
            }
            for (long t : new long[] {S, C, M}) {
                start(l4, t, 0, 50);
            }
            start(l4, SCANNER, 1, 60);
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
        run(machine(), KernelConfig.defaults().withComm(model), image, 5_000_000);
        return new Row(model.label(), "threads-found-by-scanning", found[0], "threads");
    }

    // ---- a monitor interposed between client and server ---------------------------------------

    static final int MONITOR_CALLS = 200;

    /**
     * Interposes a monitor between a client and a server without the client's knowledge: the
     * client's program is the same as without it (it calls what it calls the server), and the
     * server still sees the client. Thread-id models interpose by configuration: the client's
     * redirector (redirectors), the policy of the pair (redirection), the policy of the pclan
     * pairs (pclans; both ways, as pclans have no plain "allow"), the chiefs (clans); the monitor
     * forwards each message, propagated, to its intended receiver. The object-space models
     * interpose by distribution: the client's slot names the monitor, which calls the server
     * through its own name for it and answers the client. Under global ids the client names the
     * server itself and nothing can come between them. Rows: whether it is possible, and the
     * IPCs and simulated cycles a round trip then takes.
     */
    private static List<Row> monitor(CommModel model) {
        String m = model.label();
        if (model == CommModel.GLOBAL_IDS) {
            return List.of(new Row(m, "monitor-interposable", 0, "bool"));
        }
        boolean objects = objectSpaces(model);
        long[] counts = new long[3]; // IPCs received by anyone, client cycles, round trips checked
        Machine machine = machine();
        kola.machine.CycleClock clock = machine.clock();
        Image image = Image.builder(() -> l4 -> { }, () -> l4 -> {
            interpose(l4, model, true);
            if (objects) {
                // The client's slot 5 names the monitor (it believes: the server); the monitor's
                // slot 5 names the server and its slot 7 the client; the server's slot 7 names the
                // monitor, under the label (capabilities) it would give the client.
                l4.commControl(Comm.GATE, Comm.selector(1), S, 0xC);
                l4.commControl(Comm.GATE, Comm.selector(2), M, 0xC);
                l4.commControl(Comm.GATE, Comm.selector(3), C, 0xC);
                l4.commControl(Comm.GATE, Comm.selector(4), M, 0x3);
                l4.commControl(Comm.MAP, C, Comm.objectFpage(2, 0, Comm.SEND), Comm.selector(5));
                l4.commControl(Comm.MAP, M, Comm.objectFpage(1, 0, Comm.SEND), Comm.selector(5));
                l4.commControl(Comm.MAP, M, Comm.objectFpage(3, 0, Comm.SEND), Comm.selector(7));
                l4.commControl(Comm.MAP, S, Comm.objectFpage(4, 0, Comm.SEND), Comm.selector(7));
            }
            start(l4, S, 3, 150);
            start(l4, M, 4, 160);
            start(l4, A, 2, 160);
            start(l4, B, 2, 160);
            start(l4, C, 5, 140);
        }).module("task", () -> l4 -> monitorRole(l4, model, objects, counts, clock), 100, List.of()).build();
        run(machine, KernelConfig.defaults().withComm(model), image, 50_000_000);
        if (counts[2] != MONITOR_CALLS) {
            throw new IllegalStateException(m + ": " + counts[2] + " of " + MONITOR_CALLS + " round trips through the monitor came back right");
        }
        return List.of(new Row(m, "monitor-interposable", 1, "bool"),
                new Row(m, "monitor-ipcs-per-round-trip", (double) counts[0] / MONITOR_CALLS, "ipc"),
                new Row(m, "monitor-cycles-per-round-trip", (double) counts[1] / MONITOR_CALLS, "cycles"));
    }

    private static void monitorRole(L4 l4, CommModel model, boolean objects, long[] counts, kola.machine.CycleClock clock) {
        int entry = (int) (l4.startIp() & 0xFFFF_FFFFL);
        switch (entry) {
            case 3 -> { // the server: answers w with w + 1, to whom it sees
                long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                while (true) {
                    counts[0]++;
                    l4.setMr(0, MsgTag.make(0, 1, 0));
                    l4.setMr(1, l4.mr(1) + 1);
                    l4.setVirtualSender(Comm.selector(5)); // its name in the space of whom it answers
                    long to = model == CommModel.CAPABILITIES ? Comm.REPLY : from;
                    from = l4.ipc(to, ThreadId.ANY, NEVER);
                }
            }
            case 4 -> { // the monitor
                if (!objects) {
                    forwardCounting(l4, counts);
                    return;
                }
                while (true) {
                    long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                    counts[0]++;
                    long word = l4.mr(1);
                    l4.setMr(0, MsgTag.make(0, 1, 0));
                    l4.setMr(1, word);
                    l4.setVirtualSender(Comm.selector(7)); // its name in the server's space
                    l4.ipc(Comm.selector(5), Comm.selector(5), NEVER);
                    counts[0]++;
                    long answer = l4.mr(1);
                    l4.setMr(0, MsgTag.make(0, 1, 0));
                    l4.setMr(1, answer);
                    l4.setVirtualSender(Comm.selector(5)); // its name in the client's space
                    l4.ipc(model == CommModel.CAPABILITIES ? Comm.REPLY : from, ThreadId.NIL, ZERO);
                }
            }
            case 5 -> { // the client: calls what it calls the server
                long server = objects ? Comm.selector(5) : S;
                l4.setVirtualSender(Comm.selector(7));
                long t0 = clock.now();
                for (int i = 0; i < MONITOR_CALLS; i++) {
                    l4.setMr(0, MsgTag.make(0, 1, 0));
                    l4.setMr(1, i);
                    l4.ipc(server, server, NEVER);
                    counts[0]++;
                    if ((l4.mr(0) & MsgTag.ERROR) == 0 && l4.mr(1) == i + 1) {
                        counts[2]++;
                    }
                }
                counts[1] = clock.now() - t0;
            }
            default -> forwardCounting(l4, counts); // a chief
        }
    }

    /** An intermediary of a thread-id model: forwards every message, propagated, to its intended receiver; counts them. */
    private static void forwardCounting(L4 l4, long[] counts) {
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

    // ---- a covert channel through the global thread-id space --------------------------------------

    /** Bits the covert-channel sender tries to send, and the length of one bit's time slot. */
    static final int COVERT_BITS = 64;
    static final long SLOT_MICROS = 1000;
    private static final long COVERT_ID = tid(40);
    private static final long COVERT_PATTERN = 0xB5E1_9C3A_47D2_0F6EL;

    /**
     * The sender (here the root task, which may create threads; any task that can have threads
     * made or deleted for it can do the same) makes thread number 40 exist in a slot for a 1 bit
     * and not for a 0; the receiver, in a space of its own and given nothing, probes the id with a
     * zero-timeout send in the middle of each slot: "no partner" reads 0, anything else 1. The
     * channel's capacity is that of a binary symmetric channel with the receiver's error rate,
     * in bits per simulated second.
     */
    private static Row covertChannel(CommModel model) {
        long[] received = new long[1];
        boolean objects = objectSpaces(model);
        Image image = Image.builder(() -> l4 -> { }, () -> l4 -> {
            create(l4, C);
            activate(l4, C, ThreadId.NIL, ThreadId.NIL);
            start(l4, C, 1, 200);
            long t0 = l4.systemClock() + SLOT_MICROS;
            for (int i = 0; i < COVERT_BITS; i++) {
                sleepUntil(l4, t0 + i * SLOT_MICROS, objects);
                if ((COVERT_PATTERN >>> i & 1) != 0) {
                    l4.threadControl(COVERT_ID, C, l4.myGlobalId(), ThreadId.NIL, -1L); // exists, never runs
                } else {
                    l4.threadControl(COVERT_ID, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1L); // gone
                }
            }
            sleepUntil(l4, t0 + COVERT_BITS * SLOT_MICROS, objects);
        }).module("task", () -> l4 -> {
            long t0 = l4.systemClock() + SLOT_MICROS;
            for (int i = 0; i < COVERT_BITS; i++) {
                sleepUntil(l4, t0 + i * SLOT_MICROS + SLOT_MICROS / 2, objects);
                l4.setMr(0, 0);
                l4.ipc(objects ? Comm.selector(40) : COVERT_ID, ThreadId.NIL, ZERO);
                boolean none = (l4.mr(0) & MsgTag.ERROR) != 0 && IpcError.kind(l4.errorCode()) == IpcError.NO_PARTNER;
                if (!none) {
                    received[0] |= 1L << i;
                }
            }
        }, 100, List.of()).build();
        run(machine(), KernelConfig.defaults().withComm(model), image, 5_000_000);
        double bitsPerSlot = mutualInformation(COVERT_PATTERN, received[0], COVERT_BITS);
        return new Row(model.label(), "covert-channel-bits-per-second",
                Math.round(bitsPerSlot * 1_000_000.0 / SLOT_MICROS * 10) / 10.0, "bit/s");
    }

    /**
     * The empirical mutual information, in bits per symbol, between the {@code n} bits sent and
     * the {@code n} bits received: what the receiver learns per slot (0 if what it reads does not
     * depend on what was sent, 1 for a perfect channel of evenly used bits).
     */
    static double mutualInformation(long sent, long received, int n) {
        double[][] joint = new double[2][2];
        for (int i = 0; i < n; i++) {
            joint[(int) (sent >>> i & 1)][(int) (received >>> i & 1)] += 1.0 / n;
        }
        double info = 0;
        for (int x = 0; x < 2; x++) {
            for (int y = 0; y < 2; y++) {
                double pxy = joint[x][y];
                double px = joint[x][0] + joint[x][1];
                double py = joint[0][y] + joint[1][y];
                if (pxy > 0) {
                    info += pxy * Math.log(pxy / (px * py)) / Math.log(2);
                }
            }
        }
        return info;
    }

    /**
     * Sleeps until simulated time {@code micros}: a closed receive that nothing answers, with a
     * timeout (from itself under the thread-id models; for a reply under the object models).
     */
    private static void sleepUntil(L4 l4, long micros, boolean objects) {
        long now = l4.systemClock();
        if (micros > now) {
            l4.ipc(ThreadId.NIL, objects ? Comm.REPLY : l4.myGlobalId(), Timeout.pair(Timeout.NEVER, Timeout.relative(micros - now)));
        }
    }

    // ---- Shapiro's second attack: a client whose pager never answers during a string reply -------

    /**
     * A client calls the server with a receive buffer for a string on a page it does not have;
     * its pager takes the page fault and never answers. The server replies with an 8-byte string
     * (from its KIP page) as the model has it. The transfer must wait for the client's page:
     * is the server still blocked when the run ends? With {@code xferTimeout} the server first
     * sets a send transfer timeout of 1 ms (XferTimeouts), the X.2 remedy; without it the
     * default (never) holds.
     */
    private static Row silentPager(CommModel model, boolean xferTimeout) {
        long[] blocked = {1};
        boolean objects = objectSpaces(model);
        long pager = M;
        Image image = Image.builder(() -> l4 -> { }, () -> l4 -> {
            for (long t : new long[] {S, C, M}) {
                create(l4, t);
                activate(l4, t, ThreadId.NIL, t == C ? pager : ThreadId.NIL);
            }
            if (objects) {
                nameEachOther(l4);
            }
            start(l4, M, 2, 120);
            start(l4, S, 0, 110);
            start(l4, C, 1, 100);
        }).module("task", () -> l4 -> {
            switch ((int) (l4.startIp() & 0xFFFF_FFFFL)) {
                case 0 -> { // the server
                    if (xferTimeout) {
                        l4.setXferTimeouts(Timeout.pair(Timeout.relative(1000), Timeout.relative(1000)));
                    }
                    long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                    l4.setMr(0, MsgTag.make(0, 0, 2));
                    l4.setMr(1, kola.abi.Items.stringWord(8));
                    l4.setMr(2, kola.abi.Fpage.base(kola.abi.Kip.STANDARD_KIP_AREA));
                    l4.setVirtualSender(Comm.selector(5));
                    l4.ipc(model == CommModel.CAPABILITIES ? Comm.REPLY : from, ThreadId.NIL, ZERO);
                    blocked[0] = 0;
                }
                case 1 -> { // the client: a string buffer on a page it does not have
                    long server = objects ? Comm.selector(5) : S;
                    l4.setBr(0, kola.abi.Items.acceptor(kola.abi.Fpage.NIL, true));
                    l4.setBr(1, kola.abi.Items.stringWord(8));
                    l4.setBr(2, 0x5000_0000L);
                    l4.setVirtualSender(Comm.selector(7));
                    l4.setMr(0, 0);
                    l4.ipc(server, server, NEVER);
                }
                default -> { // the pager: takes the fault, never answers, stays alive
                    while (true) {
                        l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                    }
                }
            }
        }, 100, List.of()).build();
        run(machine(), KernelConfig.defaults().withComm(model), image, 5_000_000);
        return new Row(model.label(), xferTimeout ? "server-blocked-by-silent-pager-with-xfer-timeout"
                : "server-blocked-by-silent-pager", blocked[0], "bool");
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
        boolean objects = objectSpaces(model);
        Image image = Image.builder(() -> l4 -> { }, () -> l4 -> {
            for (long t : new long[] {S, C}) {
                create(l4, t);
                activate(l4, t, ThreadId.NIL, ThreadId.NIL);
            }
            if (objects) {
                nameEachOther(l4);
            }
            start(l4, S, 0, 100);
            start(l4, C, 1, 90);
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
        run(machine(), KernelConfig.defaults().withComm(model), image, 5_000_000);
        return new Row(model.label(), "server-blocked-by-silent-client", blocked[0], "bool");
    }
}
