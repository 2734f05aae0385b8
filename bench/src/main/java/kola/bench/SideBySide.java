package kola.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side IPC comparison of {@code kola bench ipc}: in one run, the Kola round trip (0 and
 * 8 words across spaces, 0 words within a space, through a capability and an endpoint, between
 * sandboxed tasks) and the {@link Peers}: the bare continuation ping-pong (the floor of Kola's
 * design), virtual threads and platform threads over {@link java.util.concurrent.SynchronousQueue},
 * and platform threads with park/unpark; and, with the floor, a probe of the host's state for
 * branchy code ({@link BranchProbe}, compared with nothing). The contenders come in groups, each
 * Kola system with the baselines its rows are compared with ({@link #ipcGroups}).
 *
 * <p>Each contender is warmed up while its round size is calibrated (growing the round trips until
 * a round takes {@link #WARMUP_ROUND_NANOS}), then timed for a number of rounds sized to take about
 * {@link #TARGET_ROUND_NANOS} each, the rounds of all contenders interleaved; a contender's figure
 * is its median nanoseconds per round trip, and its ratio to another the median of the two's
 * ratios round by round ({@link #ratio}).
 *
 * <p>Ratios are always Kola's time over the other's: a Kola row against the continuation floor
 * (target at most {@value #FLOOR_TARGET}), and each peer against Kola's 0-word cross-space round
 * trip (targets: Kola at least 3x faster than virtual threads, at least 20x faster than platform
 * threads, so ratios at most 1/3 and 1/20).
 */
public final class SideBySide {
    /** Kola's time over the continuation floor's, at most. */
    public static final double FLOOR_TARGET = 1.5;
    /** Kola at least this many times faster than virtual threads. */
    public static final double VTHREAD_SPEEDUP_TARGET = 3;
    /** Kola at least this many times faster than platform threads. */
    public static final double PLATFORM_SPEEDUP_TARGET = 20;
    /** A calibration round this long ends the warm-up. */
    static final long WARMUP_ROUND_NANOS = 100_000_000L;
    /** The length a timed round aims at. */
    static final long TARGET_ROUND_NANOS = 150_000_000L;
    /** Warm-up rounds after calibration, at the calibrated size. */
    static final int WARMUP_ROUNDS = 2;
    private static final long MAX_ROUND_TRIPS = 200_000_000L;
    /** A Kola or floor row whose rounds spread more than this was disturbed by the host. */
    static final double NOISY_SPREAD = 0.25;

    /** The Kola row the peers are compared with. */
    public static final String KOLA_REFERENCE = "kola-ipc-0w-xspace";
    /** IPC through a capability, compared with {@link #KOLA_REFERENCE} in the same run. */
    public static final String CAPABILITY = "kola-ipc-0w-xspace-cap";
    /** The endpoint row: through a gate to an endpoint, compared with the global-id round trip as {@link #CAPABILITY} is. */
    public static final String ENDPOINT = "kola-ipc-0w-xspace-endpoint";
    /** A capability round trip costs at most this much of a global-id round trip. */
    public static final double CAPABILITY_TARGET = 1.1;
    /** The prefix of the rows of C programs' round trips (RISC-V, {@code kola bench ipc} in the command line). */
    public static final String C_PREFIX = "kola-c-";
    /** A C program's 0-word cross-space round trip costs at most this much of the Java one ({@link #KOLA_REFERENCE}). */
    public static final double C_TARGET = 0.6;
    /** The 8-word round trip: compared with the floor, with no target (the floor carries no message). */
    public static final String EIGHT_WORDS = "kola-ipc-8w-xspace";
    /** The floor the Kola rows are compared with. */
    public static final String FLOOR = "continuation-floor";
    /** The host's state for branchy code ({@link BranchProbe}), timed with the floor: no kernel, no target. */
    public static final String HOST_PROBE = "host-branch-probe";

    private SideBySide() {
    }

    /** Something to time: {@code n} round trips, returning the host nanoseconds they took. */
    @FunctionalInterface
    public interface PingPong {
        long run(long n) throws Exception;
    }

    /** A measured contender: its name, its round trips (median ns), and each round's ns per round trip. */
    public record Measurement(String name, String description, boolean kola, double nsPerOp, long roundTrips,
                              double[] roundNsPerOp) {
    }

    /**
     * A row of the result: {@code name} measured at {@code nsPerOp}, compared with {@code baseline}
     * by {@code ratio} = Kola's time over the non-Kola time, against {@code target} (the ratio must
     * be at most it).
     */
    public record Row(String name, String description, double nsPerOp, String baseline, double ratio, double target,
                      long roundTrips, double spread) {
        /** Whether the ratio meets the target. */
        public boolean met() {
            return ratio <= target;
        }

        /** The table's word for it: met, MISSED, or "-" for a row with no target. */
        String verdict() {
            return Double.isNaN(target) ? "-" : met() ? "met" : "MISSED";
        }
    }

    /** A contender to measure. */
    public record Contender(String name, String description, boolean kola, PingPong pingPong) {
    }

    /**
     * The contenders of {@code kola bench ipc} in groups, each Kola system with the baselines its
     * rows are compared with: the reference row with the floor and the host probe; the 8-word
     * row with the floor; the same-space row with the floor; the reference row with the peers;
     * the reference row with the capability and endpoint rows (the capabilities model); the
     * sandboxed row with the floor. {@code kola bench ipc} measures each group in a JVM of its
     * own, so that one system's paths through the kernel (the JIT's profiles, inlining and
     * deoptimisations) and the peers' threads do not move another row's figures: a JVM that also
     * ran the same-space system times the reference round trip about 4 % slower (BENCHMARKS.md).
     * A row's ratio is over the baseline measured in its own group.
     */
    public static List<List<Contender>> ipcGroups() {
        Contender reference = new Contender(KOLA_REFERENCE, "Kola Call/ReplyWait, 0 words, two address spaces", true,
                n -> KolaIpc.roundTrips(KolaIpc.Layout.CROSS_SPACE, 0, n));
        Contender floor = new Contender(FLOOR, "two bare continuations resumed in turn (no kernel)", false,
                Peers::continuationPingPong);
        return List.of(
                List.of(reference, floor,
                        new Contender(HOST_PROBE, "calls through one interface to " + BranchProbe.functions()
                                + " functions in a fixed order (no kernel; ns per call): the host's state for branchy code",
                                false, BranchProbe::run)),
                List.of(new Contender(EIGHT_WORDS, "Kola Call/ReplyWait, 8 words, two address spaces", true,
                                n -> KolaIpc.roundTrips(KolaIpc.Layout.CROSS_SPACE, 8, n)),
                        floor),
                List.of(new Contender("kola-ipc-0w-samespace", "Kola Call/ReplyWait, 0 words, two threads of one space", true,
                                n -> KolaIpc.roundTrips(KolaIpc.Layout.SAME_SPACE, 0, n)),
                        floor),
                List.of(reference,
                        new Contender("vthread-syncqueue", "two virtual threads over SynchronousQueues", false,
                                Peers::virtualThreads),
                        new Contender("platform-syncqueue", "two platform threads over SynchronousQueues", false,
                                Peers::platformThreads),
                        new Contender("platform-park", "two platform threads, LockSupport park/unpark", false,
                                Peers::parkUnpark)),
                List.of(reference,
                        new Contender(CAPABILITY, "as kola-ipc-0w-xspace, under the capabilities model: through an IPC gate, "
                                + "answered through the reply capability", true,
                                n -> KolaIpc.roundTrips(KolaIpc.Layout.CROSS_SPACE_CAPABILITY, 0, n)),
                        new Contender(ENDPOINT, "as kola-ipc-0w-xspace-cap, through a gate to an endpoint the server receives "
                                + "from (reply-and-receive from the endpoint)", true,
                                n -> KolaIpc.roundTrips(KolaIpc.Layout.CROSS_SPACE_ENDPOINT, 0, n))),
                List.of(new Contender("kola-ipc-0w-xspace-sandboxed", "as kola-ipc-0w-xspace, both tasks sandboxed "
                                + "(verified, metered)", true, SandboxedIpc.reused()),
                        floor));
    }

    /**
     * Measures every contender: each is warmed up and its round size calibrated, in order; then
     * the {@code rounds} timed rounds run interleaved, one round of every contender in turn, so
     * that a passing disturbance of the host (another process, a GC of a peer's garbage) spreads
     * over all contenders instead of shifting one median. Progress goes to {@code progress}
     * (null: none).
     */
    public static List<Measurement> measure(List<Contender> contenders, int rounds, PrintStream progress)
            throws Exception {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, not " + rounds);
        }
        int count = contenders.size();
        long[] n = new long[count];
        for (int c = 0; c < count; c++) {
            n[c] = calibrate(contenders.get(c));
        }
        double[][] perOp = new double[count][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < count; c++) {
                perOp[c][r] = (double) contenders.get(c).pingPong().run(n[c]) / n[c];
            }
        }
        List<Measurement> out = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            Contender k = contenders.get(c);
            Measurement m = new Measurement(k.name(), k.description(), k.kola(), median(perOp[c]), n[c], perOp[c]);
            if (progress != null) {
                printProgress(m, progress);
            }
            out.add(m);
        }
        return out;
    }

    /** A measurement's line of progress: its median and every round. */
    public static void printProgress(Measurement m, PrintStream out) {
        out.printf(Locale.ROOT, "  %-28s %10.1f ns/op  (median of %d rounds of %,d %s: %s)%n",
                m.name(), m.nsPerOp(), m.roundNsPerOp().length, m.roundTrips(),
                m.name().equals(HOST_PROBE) ? "calls" : "round trips", roundsText(m.roundNsPerOp()));
    }

    /**
     * Warms {@code c} up: grows its round trips until a round takes {@link #WARMUP_ROUND_NANOS},
     * then runs {@link #WARMUP_ROUNDS} more rounds, and sizes a timed round to take
     * {@link #TARGET_ROUND_NANOS} at the fastest rate seen (so that a warm-up slowed down by the
     * host does not leave too short rounds). Returns the round size.
     */
    static long calibrate(Contender c) throws Exception {
        long n = 1_000;
        long elapsed;
        while (true) {
            elapsed = c.pingPong().run(n);
            if (elapsed >= WARMUP_ROUND_NANOS || n >= MAX_ROUND_TRIPS) {
                break;
            }
            n = elapsed <= 0 ? n * 10 : Math.min(n * 10, Math.max(n * 2, n * WARMUP_ROUND_NANOS / elapsed));
        }
        double best = (double) Math.max(1, elapsed) / n;
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            best = Math.min(best, (double) Math.max(1, c.pingPong().run(n)) / n);
        }
        return Math.max(1_000, Math.min(MAX_ROUND_TRIPS, (long) (TARGET_ROUND_NANOS / best)));
    }

    /**
     * The rows of measurements taken in groups ({@link #ipcGroups}): each Kola measurement against
     * the continuation floor of its group (a capability or endpoint row against the reference row
     * of its group), then each non-Kola measurement with the reference row of its group against it.
     * A row measured in several groups is reported once, from the first. Each group that has a
     * row of these kinds needs the baseline measured in it.
     */
    public static List<Row> rows(List<List<Measurement>> groups) {
        List<Row> rows = new ArrayList<>();
        java.util.Set<String> reported = new java.util.HashSet<>();
        for (boolean kolaRows : new boolean[] {true, false}) {
            for (List<Measurement> ms : groups) {
                for (Measurement m : ms) {
                    if (m.kola() != kolaRows || !reported.add(m.name())) {
                        continue;
                    }
                    if (m.name().equals(HOST_PROBE)) {
                        rows.add(new Row(m.name(), m.description(), m.nsPerOp(), HOST_PROBE, 1, Double.NaN,
                                m.roundTrips(), spread(m.roundNsPerOp())));
                    } else if (m.name().equals(CAPABILITY) || m.name().equals(ENDPOINT)) {
                        Measurement kola = find(ms, KOLA_REFERENCE);
                        rows.add(new Row(m.name(), m.description(), m.nsPerOp(), KOLA_REFERENCE, ratio(m, kola),
                                CAPABILITY_TARGET, m.roundTrips(), spread(m.roundNsPerOp())));
                    } else if (m.kola()) {
                        Measurement floor = find(ms, FLOOR);
                        rows.add(new Row(m.name(), m.description(), m.nsPerOp(), FLOOR, ratio(m, floor),
                                m.name().equals(EIGHT_WORDS) ? Double.NaN : FLOOR_TARGET, m.roundTrips(), spread(m.roundNsPerOp())));
                    } else {
                        Measurement kola = find(ms, KOLA_REFERENCE);
                        double target = m.name().startsWith("vthread") ? 1 / VTHREAD_SPEEDUP_TARGET
                                : m.name().startsWith("platform") ? 1 / PLATFORM_SPEEDUP_TARGET : FLOOR_TARGET;
                        rows.add(new Row(m.name(), m.description(), m.nsPerOp(), KOLA_REFERENCE,
                                ratio(kola, m), target, m.roundTrips(), spread(m.roundNsPerOp())));
                    }
                }
            }
        }
        return rows;
    }

    /** The rows as a table, with the targets. */
    public static void printTable(List<Row> rows, PrintStream out) {
        out.printf(Locale.ROOT, "%-28s %11s %7s  %-20s %8s %9s  %s%n", "name", "ns/op", "spread", "baseline", "ratio",
                "target", "");
        for (Row r : rows) {
            String verdict;
            if (r.name().equals(HOST_PROBE)) {
                verdict = "- (the host's state; BENCHMARKS.md)";
            } else if (r.name().equals(CAPABILITY) || r.name().equals(ENDPOINT)) {
                verdict = String.format(Locale.ROOT, "%s (%.2fx the global-id round trip)", r.verdict(), r.ratio());
            } else if (r.name().startsWith(C_PREFIX)) {
                verdict = String.format(Locale.ROOT, "%s (%.2fx the Java round trip)", r.verdict(), r.ratio());
            } else if (r.baseline().equals(FLOOR) || r.name().equals(FLOOR)) {
                verdict = String.format(Locale.ROOT, "%s (%.2fx the floor)", r.verdict(), r.ratio());
            } else {
                verdict = String.format(Locale.ROOT, "%s (Kola %.1fx faster)", r.verdict(), 1 / r.ratio());
            }
            out.printf(Locale.ROOT, "%-28s %11.1f %6.1f%%  %-20s %8.3f %9s  %s%n", r.name(), r.nsPerOp(),
                    100 * r.spread(), r.baseline(), r.ratio(), Double.isNaN(r.target()) ? "-" : "<= " + formatTarget(r.target()),
                    verdict);
        }
        out.println("ratio = Kola's ns over the baseline's (Kola rows: over " + FLOOR + "; peer rows: "
                + KOLA_REFERENCE + " over the peer), round by round: the median of each round's ratio.");
        out.println("spread = (max - min) / median of the rounds' ns/op.");
        for (Row r : rows) {
            if ((r.name().equals(FLOOR) || r.baseline().equals(FLOOR) && !Double.isNaN(r.target())) && r.spread() > NOISY_SPREAD) {
                warnNoisy(r.name(), r.spread(), "the ratios against the floor are", out);
                break;
            }
        }
    }

    /**
     * The warning under a table whose row {@code name} spread more than {@link #NOISY_SPREAD}
     * between rounds: the host took time from some of them, so that {@code unreliable} (what it
     * makes unreliable, with its verb).
     */
    static void warnNoisy(String name, double spread, String unreliable, PrintStream out) {
        out.printf(Locale.ROOT, "warning: %s varied by %.0f%% between rounds: the host was busy; %s unreliable, run"
                + " again on a quiet machine%n", name, 100 * spread, unreliable);
    }

    private static String roundsText(double[] perOp) {
        StringBuilder b = new StringBuilder();
        for (double v : perOp) {
            b.append(b.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, v < 1000 ? "%.0f" : "%.3g", v));
        }
        return b.toString();
    }

    /** A target as the tables print it: two decimals, or 1/n for a peer's fraction ("-" for none). */
    public static String formatTarget(double t) {
        if (Double.isNaN(t)) {
            return "-";
        }
        if (t >= 1 || Math.abs(1 / t - Math.rint(1 / t)) > 1e-9) {
            return String.format(Locale.ROOT, "%.2f", t);
        }
        return String.format(Locale.ROOT, "1/%.0f", 1 / t);
    }

    private static Measurement find(List<Measurement> ms, String name) {
        for (Measurement m : ms) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("no measurement named " + name);
    }

    /**
     * The ratio of {@code m} over {@code base}, measured in the same interleaved rounds
     * ({@link #measure}): the median over the rounds of m's round over base's. Round {@code i} of
     * every contender ran in turn, within a second or so, so that whatever the host did then weighs
     * on both sides of that round's ratio; the ratio of the two medians could instead set a median
     * of busy rounds over one of quiet rounds.
     */
    public static double ratio(Measurement m, Measurement base) {
        return ratio(m.roundNsPerOp(), base.roundNsPerOp());
    }

    /** {@link #ratio(Measurement, Measurement)} of two rows' rounds, taken in turn (as many of each). */
    public static double ratio(double[] rounds, double[] baseRounds) {
        if (rounds.length == 0 || rounds.length != baseRounds.length) {
            throw new IllegalArgumentException("a ratio needs as many rounds of each row, not " + rounds.length + " over "
                    + baseRounds.length);
        }
        double[] r = new double[rounds.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = rounds[i] / baseRounds[i];
        }
        return median(r);
    }

    public static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /** The spread of rounds, (max - min) / median, as every table of {@code kola bench} prints it (0 for a zero median). */
    public static double spread(double[] rounds) {
        double median = median(rounds);
        double min = Arrays.stream(rounds).min().orElse(0);
        double max = Arrays.stream(rounds).max().orElse(0);
        return median == 0 ? 0 : (max - min) / median;
    }
}
