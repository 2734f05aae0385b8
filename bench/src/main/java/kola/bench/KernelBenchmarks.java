package kola.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The kernel benchmarks of {@code kola bench}: {@code pagefault}, {@code memory}, {@code map},
 * {@code unmap}, {@code scale} and {@code boot}, each in one process, warmed up, timed over
 * several rounds, the median reported (the fixed-work contenders through
 * {@link SideBySide#measure}, with its calibration and interleaved rounds; the others with the same
 * scheme by hand). See BENCHMARKS.md for what each measures and its target.
 *
 * <p>Each benchmark yields {@link Result} rows: a value in a unit (host ns per operation, or bytes
 * per thread for the heap rows), a baseline and a ratio. For a relative target the baseline is
 * another row measured in the same rounds and the ratio is this row's value over it, round by round
 * ({@link SideBySide#ratio}); for an absolute
 * target (heap per thread, boot time) the baseline names the target (e.g. {@code target-1s}) and
 * the ratio is value over target. A row with a target meets it when {@code ratio <= target}.
 */
public final class KernelBenchmarks {
    /** The benchmark names, in the order {@code kola bench} runs them. */
    public static final List<String> NAMES = List.of("memory", "pagefault", "map", "unmap", "scale", "boot", "metering");
    /** The largest blocked-thread count {@code scale} measures unless told otherwise. */
    public static final long DEFAULT_SCALE_MAX = 100_000;
    /** Rounds of the slow measurements (scale's thread creation, boot) at most. */
    static final int SLOW_ROUNDS = 3;
    /** The Kola IPC row the page-fault and map figures are compared with. */
    static final String IPC = SideBySide.KOLA_REFERENCE;
    /** Tree sizes of {@code unmap}. */
    static final int[] TREE_SIZES = {1_000, 10_000, 100_000};
    /** Mappings unmapped per round and tree size: small trees are built and unmapped several times. */
    static final int MAPPINGS_PER_ROUND = 300_000;
    /** Active client counts of {@code scale}'s IPC rows. */
    static final int[] CLIENTS = {1, 2, 100, 1_000, 10_000};
    /** Heap per blocked thread, at most (bytes). */
    static final double HEAP_PER_THREAD_TARGET = 2048;
    /** A million blocked threads must fit in this heap. */
    static final double MILLION_HEAP_TARGET = 4.0 * (1L << 30);

    private KernelBenchmarks() {
    }

    /**
     * How to run.
     *
     * @param rounds   timed rounds (the median counts); scale's thread creation does at most {@value #SLOW_ROUNDS}
     * @param scaleMax the largest blocked-thread count of {@code scale}: 10,000, 100,000, ... up to it
     */
    public record Options(int rounds, long scaleMax) {
        public Options {
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be at least 1, not " + rounds);
            }
            if (scaleMax < 1 || scaleMax > 10_000_000) {
                throw new IllegalArgumentException("scale maximum must lie in 1..10,000,000, not " + scaleMax);
            }
        }
    }

    /**
     * A row: {@code value} in {@code unit}, compared with {@code baseline} by {@code ratio}; the
     * target (NaN: none, informational) is met when the ratio is at most it.
     */
    public record Result(String name, String description, double value, String unit, String baseline, double ratio,
                         double target, double spread, String roundsText) {
        /** Whether the row has a target. */
        public boolean hasTarget() {
            return !Double.isNaN(target);
        }

        /** Whether the row meets its target (true for a row without one). */
        public boolean met() {
            return !hasTarget() || ratio <= target;
        }
    }

    /** Runs benchmark {@code name} (one of {@link #NAMES}); progress lines go to {@code progress} (null: none). */
    public static List<Result> run(String name, Options options, PrintStream progress) throws Exception {
        return switch (name) {
            case "pagefault" -> pagefault(options, progress);
            case "memory" -> memory(options, progress);
            case "map" -> map(options, progress);
            case "unmap" -> unmap(options, progress, TREE_SIZES, MAPPINGS_PER_ROUND);
            case "scale" -> scale(options, progress, CLIENTS);
            case "boot" -> boot(options, progress, BootBench.BIG_RAM);
            case "metering" -> metering(options, progress);
            default -> throw new IllegalArgumentException("unknown benchmark " + name + " (known: " + NAMES + ")");
        };
    }

    /** A line saying what {@code name} does and how long it takes, for the text output. */
    public static String header(String name, Options o) {
        String what = switch (name) {
            case "pagefault" -> "page-fault round trip (fault, pager IPC, map reply, retried load, pager's unmap) vs "
                    + "the IPC round trip";
            case "memory" -> "8-byte load through the memory accessor (TLB hit: one warm worker, fresh systems; "
                    + "TLB miss) vs a plain MemorySegment";
            case "map" -> "map + unmap of one page between two spaces vs the IPC round trip";
            case "unmap" -> "unmap of a tree of 1,000 / 10,000 / 100,000 mappings, ns per mapping";
            case "scale" -> "threads blocked in receive (10,000 up to " + String.format(Locale.ROOT, "%,d", o.scaleMax())
                    + "): heap and creation time per thread; IPC round trip with 1, 2, 100, 1,000, 10,000 clients"
                    + " (and 1 and 10,000 bare continuations)";
            case "boot" -> "host time from nothing to the shell prompt, default image, 256 MiB and 64 GiB machines";
            case "metering" -> "a CPU-bound loop (sum += i ^ (sum >>> 3)) in a sandboxed, metered task vs the same "
                    + "class as an ordinary, unmetered task";
            default -> name;
        };
        return String.format(Locale.ROOT, "kola bench %s: %s; median of %d rounds (%d cores, %s, JDK %s, max heap %d MiB)",
                name, what, name.equals("scale") ? Math.min(o.rounds(), SLOW_ROUNDS) : o.rounds(),
                Runtime.getRuntime().availableProcessors(), cpuModel(), Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20);
    }

    // ---- pagefault, memory, map: fixed-work contenders ------------------------------------------

    static List<Result> pagefault(Options o, PrintStream progress) throws Exception {
        return progressAll(progress, pagefaultRows(o));
    }

    private static List<Result> pagefaultRows(Options o) throws Exception {
        List<SideBySide.Measurement> ms = measure(List.of(
                new SideBySide.Contender("kola-pagefault", "page-fault round trip: fault, pager's Unmap and ReplyWait "
                        + "with a map item, retried load (3 kernel entries)", true, PageFaultBench::measure),
                new SideBySide.Contender(IPC, "Kola Call/ReplyWait, 0 words, two address spaces", true,
                        n -> KolaIpc.roundTrips(KolaIpc.Layout.CROSS_SPACE, 0, n)),
                new SideBySide.Contender("kola-syscall-null", "null system call (SystemClock): the trap path alone",
                        true, TrapPath::measure)), o.rounds(), null);
        SideBySide.Measurement ipc = find(ms, IPC);
        return List.of(
                relative(find(ms, "kola-pagefault"), "ns/fault", ipc, 3),
                relative(find(ms, "kola-syscall-null"), "ns/call", ipc, Double.NaN),
                relative(ipc, "ns/round trip", ipc, Double.NaN));
    }

    static List<Result> memory(Options o, PrintStream progress) throws Exception {
        return progressAll(progress, memoryRows(o));
    }

    /**
     * Three phases, because the accessor's TLB-hit cost depends on what the JIT has seen at the
     * loop's call of the accessor: first the hit on one warm worker whose loop never misses, before
     * any miss in this process (the accessor's best case, the target row); then the hit on a fresh
     * system per round, whose first load misses where the loop calls (informational); then the miss,
     * and the hit again on a fresh system per round now that page-table walks are hot code (the
     * steady state of a system that also misses; informational). Each phase has its own segment
     * rounds.
     */
    private static List<Result> memoryRows(Options o) throws Exception {
        SideBySide.Contender segment = new SideBySide.Contender("memorysegment-load",
                "MemorySegment.get(JAVA_LONG), same pattern as the hit", false, MemoryBench::segmentLoads);
        MemoryBench.Warm hits = new MemoryBench.Warm(MemoryBench.Mode.TLB_HIT);
        List<SideBySide.Measurement> a = measure(List.of(
                new SideBySide.Contender("kola-load-tlb-hit", "Memory.load64 through the accessor, TLB hit, one warm "
                        + "worker (measured before the TLB-miss rows)", true, hits::nanos),
                segment), o.rounds(), null);
        List<SideBySide.Measurement> f = measure(List.of(
                new SideBySide.Contender("kola-load-tlb-hit-fresh", "Memory.load64, TLB hit, a fresh system per round "
                        + "(its first load a miss), before the TLB-miss rows", true,
                        n -> MemoryBench.measure(MemoryBench.Mode.TLB_HIT, n).nanos()),
                segment), o.rounds(), null);
        List<SideBySide.Measurement> b = measure(List.of(
                new SideBySide.Contender("kola-load-tlb-miss", "Memory.load64, TLB miss and 3-level Sv39 walk (1,024 "
                        + "pages)", true, n -> MemoryBench.measure(MemoryBench.Mode.TLB_MISS, n).nanos()),
                new SideBySide.Contender("kola-load-tlb-hit-after-misses", "Memory.load64, TLB hit, a fresh system "
                        + "per round, measured after TLB misses ran in this process", true,
                        n -> MemoryBench.measure(MemoryBench.Mode.TLB_HIT, n).nanos()),
                segment), o.rounds(), null);
        SideBySide.Measurement segmentA = find(a, "memorysegment-load");
        SideBySide.Measurement segmentB = find(b, "memorysegment-load");
        return List.of(
                relative(find(a, "kola-load-tlb-hit"), "ns/load", segmentA, 3),
                relative(find(f, "kola-load-tlb-hit-fresh"), "ns/load", find(f, "memorysegment-load"), Double.NaN),
                relative(find(b, "kola-load-tlb-hit-after-misses"), "ns/load", segmentB, Double.NaN),
                relative(find(b, "kola-load-tlb-miss"), "ns/load", segmentB, Double.NaN),
                relative(segmentA, "ns/load", segmentA, Double.NaN));
    }

    static List<Result> map(Options o, PrintStream progress) throws Exception {
        return progressAll(progress, mapRows(o));
    }

    private static List<Result> mapRows(Options o) throws Exception {
        List<SideBySide.Measurement> ms = measure(List.of(
                new SideBySide.Contender("kola-map-unmap-page", "Call with a map item of one page + the receiver's "
                        + "ReplyWait + Unmap (3 kernel entries)", true, MapBench::measure),
                new SideBySide.Contender(IPC, "Kola Call/ReplyWait, 0 words, two address spaces", true,
                        n -> KolaIpc.roundTrips(KolaIpc.Layout.CROSS_SPACE, 0, n))), o.rounds(), null);
        SideBySide.Measurement ipc = find(ms, IPC);
        return List.of(relative(find(ms, "kola-map-unmap-page"), "ns/op", ipc, Double.NaN),
                relative(ipc, "ns/round trip", ipc, Double.NaN));
    }

    static List<Result> metering(Options o, PrintStream progress) throws Exception {
        return progressAll(progress, meteringRows(o));
    }

    private static List<Result> meteringRows(Options o) throws Exception {
        List<SideBySide.Measurement> ms = measure(List.of(
                new SideBySide.Contender(MeteringBench.METERED, "the loop in a sandboxed task: class file verified, "
                        + "metered and defined by the kernel", true, MeteringBench::meteredLoop),
                new SideBySide.Contender(MeteringBench.UNMETERED, "the same class as an ordinary program (a factory): "
                        + "not metered", false, MeteringBench::unmeteredLoop)), o.rounds(), null);
        SideBySide.Measurement base = find(ms, MeteringBench.UNMETERED);
        return List.of(relative(find(ms, MeteringBench.METERED), "ns/iteration", base, MeteringBench.TARGET),
                relative(base, "ns/iteration", base, Double.NaN));
    }

    // ---- unmap: trees --------------------------------------------------------------------------

    static List<Result> unmap(Options o, PrintStream progress, int[] sizes, int mappingsPerRound) {
        UnmapTreeBench.Tree[] trees = new UnmapTreeBench.Tree[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            trees[i] = new UnmapTreeBench.Tree(sizes[i]);
        }
        double[][] perMapping = rounds(sizes.length, o.rounds(), 3, i -> {
            UnmapTreeBench.Tree t = trees[i];
            int reps = Math.max(1, mappingsPerRound / t.size);
            long nanos = 0;
            for (int r = 0; r < reps; r++) {
                nanos += t.round();
            }
            return (double) nanos / ((long) reps * t.size);
        });
        List<Result> out = new ArrayList<>();
        String first = "kola-unmap-tree-" + sizes[0];
        for (int i = 0; i < sizes.length; i++) {
            String name = "kola-unmap-tree-" + sizes[i];
            double v = SideBySide.median(perMapping[i]);
            Result r = new Result(name, "Unmap of one page mapped to " + String.format(Locale.ROOT, "%,d", sizes[i])
                    + " addresses in " + UnmapTreeBench.SINKS + " spaces (one system call)", v, "ns/mapping", first,
                    SideBySide.ratio(perMapping[i], perMapping[0]), i == 0 ? Double.NaN : 1.5, SideBySide.spread(perMapping[i]),
                    roundsText(perMapping[i]));
            progress(progress, r, "rounds of " + Math.max(1, mappingsPerRound / sizes[i]) + " unmaps");
            out.add(r);
        }
        return out;
    }

    // ---- scale ---------------------------------------------------------------------------------

    /** The blocked-thread counts for {@code scaleMax}: 10,000, 100,000, ... up to it (or just it, if smaller). */
    static List<Integer> scaleSizes(long scaleMax) {
        List<Integer> sizes = new ArrayList<>();
        for (long n = 10_000; n <= scaleMax; n *= 10) {
            sizes.add((int) n);
        }
        if (sizes.isEmpty() || sizes.get(sizes.size() - 1) != scaleMax) {
            sizes.add((int) scaleMax);
        }
        return sizes;
    }

    static List<Result> scale(Options o, PrintStream progress, int[] clientCounts) throws Exception {
        List<Integer> sizes = scaleSizes(o.scaleMax());
        int rounds = Math.min(o.rounds(), SLOW_ROUNDS);
        ScaleBench.blocked(Math.min(10_000, sizes.get(0))); // warm-up
        ScaleBench.Blocked[][] runs = new ScaleBench.Blocked[sizes.size()][rounds];
        boolean histogram = Boolean.getBoolean(HISTOGRAM_PROPERTY);
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < sizes.size(); i++) {
                int n = sizes.get(i);
                Runnable whileAlive = histogram && r == 0 && i == sizes.size() - 1 ? () -> printHistogram(n) : null;
                runs[i][r] = ScaleBench.blocked(n, whileAlive);
            }
        }
        List<Result> out = new ArrayList<>();
        String firstCreate = "kola-scale-create-" + sizes.get(0);
        double[] createBase = null;
        for (int i = 0; i < sizes.size(); i++) {
            int n = sizes.get(i);
            double[] nanos = Arrays.stream(runs[i]).mapToDouble(ScaleBench.Blocked::nanosPerThread).toArray();
            double[] heap = Arrays.stream(runs[i]).mapToDouble(ScaleBench.Blocked::heapBytesPerThread).toArray();
            double v = SideBySide.median(nanos);
            if (i == 0) {
                createBase = nanos;
            }
            Result create = new Result("kola-scale-create-" + n, String.format(Locale.ROOT,
                    "host time per thread, boot until %,d threads block in receive", n), v, "ns/thread", firstCreate,
                    SideBySide.ratio(nanos, createBase), Double.NaN, SideBySide.spread(nanos), roundsText(nanos));
            double h = SideBySide.median(heap);
            Result heapRow = new Result("kola-scale-heap-bytes-per-thread-" + n, String.format(Locale.ROOT,
                    "host heap per blocked thread (after GC, %,d threads alive)", n), h, "bytes/thread",
                    "target-2048-bytes", h / HEAP_PER_THREAD_TARGET, 1, SideBySide.spread(heap), roundsText(heap));
            progress(progress, create, "rounds");
            progress(progress, heapRow, "rounds");
            out.add(create);
            out.add(heapRow);
            if (n >= 1_000_000) {
                double[] total = Arrays.stream(runs[i]).mapToDouble(b -> b.heapAfter()).toArray();
                double t = SideBySide.median(total);
                Result totalRow = new Result("kola-scale-heap-total-bytes-" + n, String.format(Locale.ROOT,
                        "host heap in use with %,d blocked threads (after GC; max heap %d MiB)", n,
                        Runtime.getRuntime().maxMemory() >> 20), t, "bytes", "target-4GiB", t / MILLION_HEAP_TARGET,
                        1, SideBySide.spread(total), roundsText(total));
                progress(progress, totalRow, "rounds");
                out.add(totalRow);
            }
        }
        int most = Arrays.stream(clientCounts).max().orElseThrow();
        // The client and server programs (and the bare continuations' body) compiled before any
        // measured system starts its threads (ScaleBench.warmPrograms says why).
        ScaleBench.warmPrograms(most);
        new ScaleBench.RoundRobin(most, ScaleBench.StateLayout.SCATTERED);
        List<SideBySide.Contender> contenders = new ArrayList<>();
        for (int c : clientCounts) {
            ScaleBench.Clients clients = new ScaleBench.Clients(c);
            contenders.add(new SideBySide.Contender(clientsName(c), String.format(Locale.ROOT,
                    "IPC round trip, %,d active client%s calling one server", c, c == 1 ? "" : "s"), true,
                    clients::timedRoundTrips));
        }
        int fewest = clientCounts[0];
        Map<String, String> robinBase = new HashMap<>();
        for (ScaleBench.StateLayout layout : ScaleBench.StateLayout.values()) {
            for (int c : fewest == most ? new int[] {most} : new int[] {fewest, most}) {
                ScaleBench.RoundRobin robin = new ScaleBench.RoundRobin(c, layout);
                robinBase.put(robinName(c, layout), robinName(fewest, layout));
                contenders.add(new SideBySide.Contender(robinName(c, layout), String.format(Locale.ROOT,
                        "no kernel: %,d bare client continuation%s%s and a server continuation resumed in turn",
                        c, c == 1 ? "" : "s", layout.description), false, robin::timedRoundTrips));
            }
        }
        List<SideBySide.Measurement> ms = measure(contenders, o.rounds(), null);
        SideBySide.Measurement one = ms.get(0);
        for (SideBySide.Measurement m : ms) {
            boolean targeted = m.name().equals(clientsName(10_000));
            SideBySide.Measurement base = m.kola() ? one : find(ms, robinBase.get(m.name()));
            Result r = relative(m, "ns/round trip", base, targeted ? 2 : Double.NaN);
            progress(progress, r, "rounds");
            out.add(r);
        }
        return out;
    }

    /**
     * The informational rows of the bare round robin ({@link ScaleBench.RoundRobin}): what the
     * JDK's continuations alone cost with that many clients, with each {@link
     * ScaleBench.StateLayout} of the clients' own state, against the same with the fewest.
     */
    private static String robinName(int c, ScaleBench.StateLayout layout) {
        return "continuation-scale-" + c + (c == 1 ? "-client" : "-clients") + layout.suffix;
    }

    /**
     * With {@code -Dkola.bench.histogram=true}, {@code scale} prints the top of the heap's class
     * histogram (after a full GC) while the largest system of its first round is alive.
     */
    public static final String HISTOGRAM_PROPERTY = "kola.bench.histogram";

    /** The top of the live-object class histogram (the DiagnosticCommand MBean's GC.class_histogram), on stderr. */
    static void printHistogram(int threads) {
        if (ModuleLayer.boot().findModule("java.management").isEmpty()) {
            System.err.println("class histogram unavailable: java.management is not in the boot layer"
                    + " (KOLA_JAVA_OPTS=--add-modules=java.management adds it)");
            return;
        }
        Histogram.print(threads);
    }

    /** Apart, so that java.management's classes are loaded only when it is there. */
    private static final class Histogram {
        static void print(int threads) {
            try {
                Object text = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                        new Object[] {new String[0]}, new String[] {String[].class.getName()});
                String[] lines = String.valueOf(text).split("\n");
                System.err.printf(Locale.ROOT, "class histogram with %,d blocked threads alive (top 12):%n", threads);
                for (int i = 0; i < Math.min(lines.length, 15); i++) {
                    System.err.println("  " + lines[i]);
                }
            } catch (javax.management.JMException e) {
                System.err.println("class histogram unavailable: " + e);
            }
        }
    }

    private static String clientsName(int c) {
        return "kola-scale-ipc-" + c + (c == 1 ? "-client" : "-clients");
    }

    // ---- boot ----------------------------------------------------------------------------------

    static List<Result> boot(Options o, PrintStream progress, long bigRam) {
        long[] rams = {BootBench.DEFAULT_RAM, bigRam};
        String[] names = {"kola-boot-" + ramName(rams[0]), "kola-boot-" + ramName(rams[1])};
        List<Result> out = new ArrayList<>();
        for (int i = 0; i < rams.length; i++) {
            BootBench.Boot first = BootBench.boot(rams[i]);
            double v = first.nanosToPrompt();
            Result r = new Result(names[i] + "-first", "the first boot of this machine size in this process "
                    + "(cold code), host ns to the prompt", v, "ns/boot", "target-1s", v / 1e9, 1, 0,
                    String.format(Locale.ROOT, "%.0f", v));
            progress(progress, r, "first boot");
            out.add(r);
        }
        // The last contender: the default machine, the programs trusted (no verification, rewriting
        // or metering), so that the rows side by side show what the sandbox costs a boot.
        double[][] nanos = rounds(rams.length + 1, o.rounds(), 3,
                i -> (double) (i < rams.length ? BootBench.boot(rams[i]) : BootBench.boot(rams[0], false)).nanosToPrompt());
        for (int i = 0; i <= rams.length; i++) {
            double v = SideBySide.median(nanos[i]);
            Result r = i < rams.length
                    ? new Result(names[i], "host ns from nothing to the shell prompt, default image, "
                            + ramName(rams[i]) + " RAM (warm, median)", v, "ns/boot", "target-1s", v / 1e9, 1, SideBySide.spread(nanos[i]),
                            roundsText(nanos[i]))
                    : new Result(names[0] + "-trusted", "as " + names[0] + ", the programs trusted (not verified, "
                            + "rewritten or metered)", v, "ns/boot", names[0], SideBySide.ratio(nanos[i], nanos[0]),
                            Double.NaN, SideBySide.spread(nanos[i]), roundsText(nanos[i]));
            progress(progress, r, "rounds");
            out.add(r);
        }
        return out;
    }

    private static String ramName(long bytes) {
        return bytes >= 1L << 30 ? (bytes >> 30) + "g" : (bytes >> 20) + "m";
    }

    // ---- rows, rounds, table -------------------------------------------------------------------

    /** A round this long ends a contender's pre-warm-up. */
    static final long PREWARM_ROUND_NANOS = 200_000_000L;

    /**
     * {@link SideBySide#measure}, after warming every contender up until one of its runs takes
     * {@link #PREWARM_ROUND_NANOS}: each run of these contenders boots a fresh kernel, and a first
     * run on cold code can be slow enough to end {@link SideBySide}'s calibration with rounds far
     * too short.
     */
    static List<SideBySide.Measurement> measure(List<SideBySide.Contender> contenders, int rounds, PrintStream progress)
            throws Exception {
        for (SideBySide.Contender c : contenders) {
            for (long n = 1_000; n < 100_000_000L && c.pingPong().run(n) < PREWARM_ROUND_NANOS; n *= 2) {
                // warming up
            }
        }
        return SideBySide.measure(contenders, rounds, null);
    }

    /** Warm-up rounds, then {@code rounds} rounds of every contender in turn; returns [contender][round]. */
    private static double[][] rounds(int contenders, int rounds, int warmup, IntFunction<Double> round) {
        for (int w = 0; w < warmup; w++) {
            for (int c = 0; c < contenders; c++) {
                round.apply(c);
            }
        }
        double[][] v = new double[contenders][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < contenders; c++) {
                v[c][r] = round.apply(c);
            }
        }
        return v;
    }

    private static Result relative(SideBySide.Measurement m, String unit, SideBySide.Measurement base, double target) {
        return new Result(m.name(), m.description(), m.nsPerOp(), unit, base.name(), SideBySide.ratio(m, base),
                target, SideBySide.spread(m.roundNsPerOp()), roundsText(m.roundNsPerOp()));
    }

    private static SideBySide.Measurement find(List<SideBySide.Measurement> ms, String name) {
        return ms.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private static String roundsText(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(b.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, x < 1000 ? "%.1f" : "%,.0f", x));
        }
        return b.toString();
    }

    private static List<Result> progressAll(PrintStream progress, List<Result> rows) {
        for (Result r : rows) {
            progress(progress, r, "rounds");
        }
        return rows;
    }

    private static void progress(PrintStream progress, Result r, String what) {
        if (progress != null) {
            progress.printf(Locale.ROOT, "  %-49s %12s %-13s (median of %s: %s)%n", r.name(), format(r.value()),
                    r.unit(), what, r.roundsText());
        }
    }

    private static String format(double v) {
        return v >= 1e5 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /**
     * The rows as {@link SideBySide.Row}s, for the one-object-per-line JSON of {@code kola bench --json}:
     * {@code ns_per_op} is the row's value (bytes for the heap rows, whose names say so).
     */
    public static List<SideBySide.Row> sideBySideRows(List<Result> rows) {
        List<SideBySide.Row> out = new ArrayList<>();
        for (Result r : rows) {
            out.add(new SideBySide.Row(r.name(), r.description(), r.value(), r.baseline(), r.ratio(),
                    r.hasTarget() ? r.target() : Double.POSITIVE_INFINITY, 0, r.spread()));
        }
        return out;
    }

    /** The rows as a table: value, unit, spread, baseline, ratio, target and verdict. */
    public static void printTable(List<Result> rows, PrintStream out) {
        int names = Math.max(42, rows.stream().mapToInt(r -> r.name().length()).max().orElse(0));
        int baselines = Math.max(36, rows.stream().mapToInt(r -> r.baseline().length()).max().orElse(0));
        String columns = "%-" + names + "s %12s %-13s %7s  %-" + baselines + "s %8s %7s  %s%n";
        String row = "%-" + names + "s %12s %-13s %6.1f%%  %-" + baselines + "s %8.3f %7s  %s%n";
        out.printf(Locale.ROOT, columns, "name", "value", "unit", "spread", "baseline", "ratio", "target", "");
        for (Result r : rows) {
            String target = r.hasTarget() ? String.format(Locale.ROOT, "<= %.4g", r.target()) : "-";
            String verdict;
            if (!r.hasTarget()) {
                verdict = "(informational)";
            } else if (r.met()) {
                verdict = String.format(Locale.ROOT, "met (%.0f%% of the allowance)", 100 * r.ratio() / r.target());
            } else {
                verdict = String.format(Locale.ROOT, "MISSED by %.2fx", r.ratio() / r.target());
            }
            out.printf(Locale.ROOT, row, r.name(), format(r.value()),
                    r.unit(), 100 * r.spread(), r.baseline(), r.ratio(), target, verdict);
        }
        out.println("ratio = value over the baseline's value round by round, the median of each round's ratio (a measured"
                + " row), or value over the target (target-*).");
        Map<String, Result> byName = new HashMap<>();
        rows.forEach(r -> byName.put(r.name(), r));
        for (Result r : rows) {
            // A verdict on the ratio of two measured rows: not one against a fixed target (the boot
            // time, the heap per thread), whose rounds differ also by what the JIT and the collector
            // did, and whose margin is wide.
            Result base = byName.get(r.baseline());
            if (!r.hasTarget() || base == null) {
                continue;
            }
            Result noisy = r.spread() > SideBySide.NOISY_SPREAD ? r : base.spread() > SideBySide.NOISY_SPREAD ? base : null;
            if (noisy != null) {
                SideBySide.warnNoisy(noisy.name(), noisy.spread(), "the verdicts that depend on it are", out);
                break;
            }
        }
    }

    static String cpuModel() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: no model name
        }
        return System.getProperty("os.arch");
    }
}
