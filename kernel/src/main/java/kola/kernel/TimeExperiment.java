package kola.kernel;

import java.util.ArrayList;
import java.util.List;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.Sched;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.machine.Cache;
import kola.machine.Machine;

/**
 * The temporal-partitioning experiment ({@code kola experiment time}; paper section 3.1).
 *
 * <p>Interference: a periodic high-criticality task (period 1 ms, deadline the period, each job
 * a fixed amount of work over its 16 KiB buffer and one call to a server) while a hostile
 * partition, given a higher priority than it should have, spins, floods the shared server with
 * calls from four threads, or thrashes the cache; under priorities only, with budgets (the
 * hostile threads bound to 300 µs per 1 ms; the task to 600 µs per 1 ms; the server passive, on
 * its callers' budgets), and with domains (the task and the server in one, the hostile threads
 * in another, 500 µs each). Measured: deadline misses, worst latency (release to completion) and
 * jitter (worst less best latency).
 *
 * <p>Covert channels between two domains (250 µs slots, one bit per round): the sender touches
 * 64 KiB of lines (cache) or one word in each of 512 pages (TLB) for a 1 and nothing for a 0; the
 * receiver times its own accesses to 8 KiB of lines, or to one word in each of 64 pages, with its
 * cycle counter, and the delay between its slot's start and its wake-up (the switch). Each is
 * decoded with a threshold halfway between the least and the most the receiver saw, and rated by
 * the mutual information of sent and received bits ({@link CommExperiment#mutualInformation}), in
 * bits per simulated second; under no counter-measure, flush, partition (cache colours: the
 * receiver's frames of colours 0 and 1, the sender's of 2 and 3), pad, and flush with pad. The
 * cost of each: the work two domains, each over a 48 KiB buffer, get done in 20 ms.
 *
 * <p>The machine has a cache of 256 sets of 4 ways of 64-byte lines (64 KiB, 4 page colours).
 * Every run is deterministic: the same rows every time.
 */
public final class TimeExperiment {
    static final long HI = tid(3);
    static final long HOSTILE = tid(4);
    static final long SERVER = tid(5);
    static final long FLOOD = tid(6); // the first of FLOODERS consecutive thread numbers

    static final int FLOODERS = 4;

    /** Flooder {@code i}'s id: thread number FLOOD's + i, version 1 (FLOOD + i would be FLOOD's thread under another version). */
    static long flooder(int i) {
        return ThreadId.global(ThreadId.number(FLOOD) + i, 1);
    }
    static final long SENDER = tid(12);
    static final long RECEIVER = tid(13);

    static final Cache.Geometry CACHE = new Cache.Geometry(256, 4, 64);
    static final int COLOURS = 4;
    static final int LINE = 64;
    static final long PAGE = 4096;
    static final long NEVER = Timeout.pair(Timeout.NEVER, Timeout.NEVER);

    /** The high-criticality task: period, jobs, passes over its buffer per job. */
    static final long PERIOD_MICROS = 1000;
    static final int JOBS = 20;
    static final int PASSES = 8;
    /** When the measured part starts (after every task has faulted its pages in), µs. */
    static final long T0_MICROS = 5000;
    static final int SERVER_WORK = 64;

    static final int CHANNEL_BITS = 64;
    static final long CHANNEL_SLOT_MICROS = 250;
    static final long CHANNEL_PATTERN = 0xB5E1_9C3A_47D2_0F6EL;
    static final long PAD_CYCLES = 5000;

    private static final long KIP = Fpage.base(kola.abi.Kip.STANDARD_KIP_AREA);
    private static final long HI_BUFFER = 0x0200_0000L;
    private static final long HOSTILE_BUFFER = 0x0300_0000L;
    private static final long SENDER_BUFFER = 0x0400_0000L;
    private static final long RECEIVER_BUFFER = 0x0600_0000L;

    private TimeExperiment() {
    }

    private static long tid(long n) {
        return ThreadId.global(Kernel.USER_BASE + n, 1);
    }

    /** The schedulers of the interference rows. */
    enum Scheduler {
        PRIORITIES("priorities"), BUDGETS("budgets"), DOMAINS("domains");

        final String label;

        Scheduler(String label) {
            this.label = label;
        }
    }

    /** What the hostile partition does. */
    enum Hostile {
        SPIN("spin"), FLOOD("flood"), THRASH("thrash");

        final String label;

        Hostile(String label) {
            this.label = label;
        }
    }

    /** The counter-measures of the channel rows: domain-switch flags, and whether the frames are coloured. */
    enum Measure {
        NONE("none", 0, false), FLUSH("flush", Sched.FLUSH, false), PARTITION("partition", 0, true),
        PAD("pad", Sched.PAD, false), FLUSH_PAD("flush+pad", Sched.FLUSH | Sched.PAD, false);

        final String label;
        final int flags;
        final boolean coloured;

        Measure(String label, int flags, boolean coloured) {
            this.label = label;
            this.flags = flags;
            this.coloured = coloured;
        }
    }

    /** Runs the whole experiment. */
    public static List<CommExperiment.Row> run() {
        List<CommExperiment.Row> rows = new ArrayList<>();
        for (Scheduler s : Scheduler.values()) {
            for (Hostile h : Hostile.values()) {
                rows.addAll(interference(s, h));
            }
        }
        long noneWork = 0;
        for (Measure m : Measure.values()) {
            rows.add(channel(m, false));
            rows.add(channel(m, true));
            rows.add(switchChannel(m));
            long work = throughput(m);
            if (m == Measure.NONE) {
                noneWork = work;
            }
            rows.add(new CommExperiment.Row(m.label, "work-lines-per-ms", work / 20.0, "lines"));
            rows.add(new CommExperiment.Row(m.label, "throughput-cost", round(100.0 * (noneWork - work) / noneWork), "%"));
        }
        return rows;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    // ---- shared set-up -------------------------------------------------------------------------

    /** A machine with the experiment's cache and no console. */
    static Machine machine() {
        return new Machine(Machine.Config.defaults().withUart(null, null).withCache(CACHE));
    }

    /** A small sigma0: page faults are answered with the same physical page (sigma0 owns RAM above kernel memory). */
    static Program pager() {
        return l4 -> {
            long client = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
            while (true) {
                long tag = l4.mr(0);
                if (MsgTag.failed(tag)) {
                    client = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                    continue;
                }
                if (KernelLabels.isPageFault(MsgTag.label(tag)) && MsgTag.untyped(tag) == 2) {
                    long page = l4.mr(1) & -PAGE;
                    Items.putMap(l4, 1, Fpage.of(page, 12, Fpage.RWX), page);
                    l4.setMr(0, MsgTag.make(0, 0, 2));
                } else {
                    l4.setMr(0, MsgTag.make(KernelLabels.REFUSED, 0, 0));
                }
                client = l4.ipc(client, ThreadId.ANY, NEVER);
            }
        };
    }

    /** Creates {@code id} in a space of its own with the experiment's pager and starts it at entry {@code entry}. */
    private static void task(L4 l4, long id, int entry, int priority) {
        CommExperiment.create(l4, id);
        CommExperiment.activate(l4, id, ThreadId.NIL, l4.kernelInterface().sigma0());
        CommExperiment.start(l4, id, entry, priority);
    }

    /**
     * {@code count} page addresses from {@code base} on, of the colours in {@code colourMask}
     * (bit c: colour c); sigma0 maps every page to the same physical address, so the virtual
     * page's colour is its frame's.
     */
    static long[] pages(long base, int count, int colourMask) {
        long[] out = new long[count];
        int n = 0;
        for (long p = base; n < count; p += PAGE) {
            if ((colourMask >>> Cache.colourOf(p >>> 12, COLOURS) & 1) != 0) {
                out[n++] = p;
            }
        }
        return out;
    }

    /** Reads one word of every line of every page in {@code pages}. */
    static void touchLines(L4 l4, long[] pages) {
        for (long p : pages) {
            for (long a = p; a < p + PAGE; a += LINE) {
                l4.memory().load64(a);
            }
        }
    }

    /** Reads the word at {@code offset} of every page in {@code pages}. */
    static void touchPages(L4 l4, long[] pages, long offset) {
        for (long p : pages) {
            l4.memory().load64(p + offset);
        }
    }

    /** Cycles now, by the task's own clock (SystemClock's cycle count). */
    static long cycles(L4 l4) {
        l4.systemClock();
        return l4.ret(0);
    }

    /** Sleeps until {@code micros}: a closed receive from itself with a timeout. */
    static void sleepUntil(L4 l4, long micros) {
        long now = l4.systemClock();
        if (micros > now) {
            l4.ipc(ThreadId.NIL, l4.myGlobalId(), Timeout.pair(Timeout.NEVER, Timeout.relative(micros - now)));
        }
    }

    private static void sched(L4 l4, int op, long a, long b, long c) {
        if (l4.schedControl(op, a, b, c) != 1) {
            throw new IllegalStateException("SchedControl " + op + " refused: " + kola.abi.KernelError.describe(l4.errorCode()));
        }
    }

    /** A task's warm-up is done: it calls the root task, whose answer (MR1) is the measured part's start, µs. */
    static long ready(L4 l4) {
        l4.setMr(0, MsgTag.make(0, 0, 0));
        long root = l4.kernelInterface().rootTask();
        l4.ipc(root, root, NEVER);
        return l4.mr(1);
    }

    /**
     * The root task waits for the ready calls of sender and receiver (their pages faulted in,
     * while both are in domain 0 with the pager), puts the receiver in domain 1, sets the two-slot
     * schedule, whose slot 0 starts now, and answers both with the time.
     */
    private static void startWhenReady(L4 l4, int flags) {
        long a = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
        long b = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
        sched(l4, Sched.DOMAIN, RECEIVER, 1, 0);
        long start = l4.systemClock();
        twoDomains(l4, CHANNEL_SLOT_MICROS, flags);
        for (long t : new long[] {a, b}) {
            l4.setMr(0, MsgTag.make(0, 1, 0));
            l4.setMr(1, start);
            l4.ipc(t, ThreadId.NIL, NEVER);
        }
    }

    /** Sets the two-slot domain schedule (domain 0, then domain 1, each {@code micros}). */
    private static void twoDomains(L4 l4, long micros, int flags) {
        l4.setMr(1, Sched.slot(0, micros));
        l4.setMr(2, Sched.slot(1, micros));
        sched(l4, Sched.DOMAIN_SCHEDULE, 2, flags, (flags & Sched.PAD) != 0 ? PAD_CYCLES : 0);
    }

    // ---- interference --------------------------------------------------------------------------

    private static List<CommExperiment.Row> interference(Scheduler scheduler, Hostile hostile) {
        long[] latency = new long[JOBS];
        int[] done = new int[1];
        long horizon = T0_MICROS + (JOBS + 1) * PERIOD_MICROS;
        long[] hiPages = pages(HI_BUFFER, 4, 0xF);
        long[] hostilePages = pages(HOSTILE_BUFFER, 64, 0xF);
        boolean flood = hostile == Hostile.FLOOD;
        Image image = Image.builder(TimeExperiment::pager, () -> l4 -> {
            if (flood) {
                task(l4, SERVER, 1, 200);
                sleepUntil(l4, l4.systemClock() + 10); // the server waits for calls
            }
            task(l4, HI, 0, 100);
            if (flood) {
                for (int i = 0; i < FLOODERS; i++) {
                    task(l4, flooder(i), 2, 150);
                }
            } else {
                task(l4, HOSTILE, hostile == Hostile.SPIN ? 3 : 4, 150);
            }
            switch (scheduler) {
                case PRIORITIES -> { }
                case BUDGETS -> {
                    sched(l4, Sched.CREATE, 1, 600, PERIOD_MICROS);
                    sched(l4, Sched.BIND, 1, HI, 0);
                    for (int i = 0; i < (flood ? FLOODERS : 1); i++) {
                        sched(l4, Sched.CREATE, 2 + i, 300 / (flood ? FLOODERS : 1), PERIOD_MICROS);
                        sched(l4, Sched.BIND, 2 + i, flood ? flooder(i) : HOSTILE, 0);
                    }
                    if (flood) {
                        sched(l4, Sched.PASSIVE, SERVER, 1, 0);
                    }
                }
                case DOMAINS -> {
                    for (int i = 0; i < (flood ? FLOODERS : 1); i++) {
                        sched(l4, Sched.DOMAIN, flood ? flooder(i) : HOSTILE, 1, 0);
                    }
                }
            }
            if (scheduler == Scheduler.DOMAINS) {
                sleepUntil(l4, T0_MICROS);
                twoDomains(l4, PERIOD_MICROS / 2, 0);
            }
        }).module("task", () -> l4 -> {
            int entry = (int) (l4.startIp() & 0xFFFF_FFFFL);
            switch (entry) {
                case 0 -> { // the high-criticality task
                    touchLines(l4, hiPages);
                    if (l4.systemClock() >= T0_MICROS) {
                        throw new IllegalStateException("the task's warm-up overran the start");
                    }
                    for (int k = 0; k < JOBS; k++) {
                        long release = T0_MICROS + k * PERIOD_MICROS;
                        sleepUntil(l4, release);
                        for (int pass = 0; pass < PASSES; pass++) {
                            touchLines(l4, hiPages);
                        }
                        if (flood) {
                            l4.setMr(0, MsgTag.make(0, 0, 0));
                            l4.ipc(SERVER, SERVER, NEVER);
                        }
                        latency[k] = cycles(l4) - release * 1000;
                        done[0]++;
                    }
                }
                case 1 -> { // the shared server: some work per call
                    long from = l4.ipc(ThreadId.NIL, ThreadId.ANY, NEVER);
                    while (true) {
                        for (int i = 0; i < SERVER_WORK; i++) {
                            l4.memory().load64(KIP + 8L * (i & 7));
                        }
                        l4.setMr(0, MsgTag.make(0, 0, 0));
                        from = l4.ipc(from, ThreadId.ANY, NEVER);
                    }
                }
                case 2 -> { // a flooder
                    sleepUntil(l4, T0_MICROS);
                    while (l4.systemClock() < horizon) {
                        l4.setMr(0, MsgTag.make(0, 0, 0));
                        l4.ipc(SERVER, SERVER, NEVER);
                    }
                }
                case 3 -> { // the spinner
                    sleepUntil(l4, T0_MICROS);
                    KernelHarnessSpin.spinUntil(l4, horizon);
                }
                default -> { // the thrasher
                    touchLines(l4, hostilePages);
                    sleepUntil(l4, T0_MICROS);
                    while (l4.systemClock() < horizon) {
                        touchLines(l4, hostilePages);
                    }
                }
            }
        }, 100, List.of()).build();
        CommExperiment.run(machine(), KernelConfig.defaults(), image, 20_000_000);
        int misses = JOBS - done[0];
        long worst = 0;
        long best = Long.MAX_VALUE;
        for (int k = 0; k < done[0]; k++) {
            if (latency[k] > PERIOD_MICROS * 1000) {
                misses++;
            }
            worst = Math.max(worst, latency[k]);
            best = Math.min(best, latency[k]);
        }
        String m = scheduler.label;
        String h = hostile.label;
        return List.of(
                new CommExperiment.Row(m, h + "-deadline-misses", misses, "jobs"),
                new CommExperiment.Row(m, h + "-worst-latency", round(worst / 1000.0), "us"),
                new CommExperiment.Row(m, h + "-jitter", done[0] == 0 ? 0 : round((worst - best) / 1000.0), "us"));
    }

    /** Busy work with loads of the KIP (each a preemption point) until the clock passes {@code micros}. */
    private static final class KernelHarnessSpin {
        static void spinUntil(L4 l4, long micros) {
            while (l4.systemClock() < micros) {
                for (int i = 0; i < 200; i++) {
                    l4.memory().load32(KIP);
                }
            }
        }
    }

    // ---- covert channels -----------------------------------------------------------------------

    /**
     * The sender (domain 0) and the receiver (domain 1) under {@code measure}; the receiver's
     * probe time per round is what it reads (the cache's lines, or with {@code tlb} the TLB's
     * entries).
     */
    private static CommExperiment.Row channel(Measure measure, boolean tlb) {
        long[] seen = channelRun(measure, tlb, false);
        double bits = decode(seen);
        return new CommExperiment.Row(measure.label, (tlb ? "tlb" : "cache") + "-channel", bits, "bit/s");
    }

    /** The same sender, and a receiver that reads only when its slot began: the switch's length. */
    private static CommExperiment.Row switchChannel(Measure measure) {
        long[] seen = channelRun(measure, false, true);
        return new CommExperiment.Row(measure.label, "switch-channel", decode(seen), "bit/s");
    }

    /** Decodes what the receiver saw with a threshold halfway between its least and most; bits per simulated second. */
    private static double decode(long[] seen) {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (long s : seen) {
            lo = Math.min(lo, s);
            hi = Math.max(hi, s);
        }
        long received = 0;
        for (int i = 0; i < CHANNEL_BITS; i++) {
            if (hi > lo && seen[i] > (lo + hi) / 2) {
                received |= 1L << i;
            }
        }
        double perRound = CommExperiment.mutualInformation(CHANNEL_PATTERN, received, CHANNEL_BITS);
        return round(perRound * 1_000_000.0 / (2 * CHANNEL_SLOT_MICROS));
    }

    static long[] channelRun(Measure measure, boolean tlb, boolean switchTiming) {
        long[] seen = new long[CHANNEL_BITS];
        long[] late = new long[1];
        int senderColours = measure.coloured ? 0b1100 : 0xF;
        int receiverColours = measure.coloured ? 0b0011 : 0xF;
        long[] senderPages = tlb ? pages(SENDER_BUFFER, 512, senderColours) : pages(SENDER_BUFFER, 16, senderColours);
        long[] receiverPages = tlb ? pages(RECEIVER_BUFFER, 64, receiverColours) : pages(RECEIVER_BUFFER, 2, receiverColours);
        long round = 2 * CHANNEL_SLOT_MICROS;
        Image image = Image.builder(TimeExperiment::pager, () -> l4 -> {
            task(l4, SENDER, 0, 100);
            task(l4, RECEIVER, 1, 100);
            startWhenReady(l4, measure.flags);
        }).module("task", () -> l4 -> {
            int entry = (int) (l4.startIp() & 0xFFFF_FFFFL);
            if (entry == 0) { // the sender: slots start at T0 + i * round
                if (tlb) {
                    touchPages(l4, senderPages, 0);
                } else {
                    touchLines(l4, senderPages);
                }
                long t0 = ready(l4);
                for (int i = 1; i <= CHANNEL_BITS; i++) { // round 0 only starts the schedule
                    sleepUntil(l4, t0 + i * round + 5); // in its slot
                    if ((CHANNEL_PATTERN >>> (i - 1) & 1) != 0) {
                        if (tlb) {
                            touchPages(l4, senderPages, 0);
                        } else {
                            touchLines(l4, senderPages);
                        }
                    }
                }
            } else { // the receiver: its slots start at T0 + i * round + slot
                touchProbe(l4, receiverPages, tlb);
                long t0 = ready(l4);
                for (int i = 0; i <= CHANNEL_BITS; i++) { // round 0: the schedule's first, no bit
                    long start = t0 + i * round + CHANNEL_SLOT_MICROS;
                    sleepUntil(l4, start - 2); // ready before its slot: it runs when the switch is done
                    long woke = cycles(l4);
                    if (woke - start * 1000 > CHANNEL_SLOT_MICROS * 1000 / 2) {
                        late[0] = woke - start * 1000;
                    }
                    long t = cycles(l4);
                    touchProbe(l4, receiverPages, tlb);
                    if (i > 0) {
                        seen[i - 1] = switchTiming ? woke - start * 1000 : cycles(l4) - t;
                    }
                }
            }
        }, 100, List.of()).build();
        CommExperiment.run(machine(), KernelConfig.defaults(), image, 20_000_000);
        if (late[0] != 0) {
            throw new IllegalStateException(measure.label + ": the receiver woke " + late[0] + " cycles late: it missed its slot");
        }
        return seen;
    }

    /** The receiver's probe: its lines (cache), or one word of each page at an offset the sender's words do not share a set with (TLB). */
    private static void touchProbe(L4 l4, long[] pages, boolean tlb) {
        if (tlb) {
            touchPages(l4, pages, PAGE / 2 + LINE);
        } else {
            touchLines(l4, pages);
        }
    }

    // ---- the cost of the counter-measures ------------------------------------------------------

    /** Lines two domains, each looping over a 48 KiB buffer, read in 20 ms under {@code measure}. */
    private static long throughput(Measure measure) {
        long[] lines = new long[2];
        long[][] buffers = {
            pages(SENDER_BUFFER, 12, measure.coloured ? 0b1100 : 0xF),
            pages(RECEIVER_BUFFER, 12, measure.coloured ? 0b0011 : 0xF)};
        Image image = Image.builder(TimeExperiment::pager, () -> l4 -> {
            task(l4, SENDER, 0, 100);
            task(l4, RECEIVER, 1, 100);
            startWhenReady(l4, measure.flags);
        }).module("task", () -> l4 -> {
            int d = (int) (l4.startIp() & 0xFFFF_FFFFL);
            touchLines(l4, buffers[d]);
            long end = ready(l4) + 20_000;
            long n = 0;
            while (l4.systemClock() < end) {
                for (long p : buffers[d]) {
                    for (long a = p; a < p + PAGE; a += LINE) {
                        l4.memory().load64(a);
                    }
                    n += PAGE / LINE;
                }
            }
            lines[d] = n;
        }, 100, List.of()).build();
        CommExperiment.run(machine(), KernelConfig.defaults(), image, 20_000_000);
        return lines[0] + lines[1];
    }
}
