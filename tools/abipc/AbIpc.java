// SPDX-License-Identifier: BSD-2-Clause
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Two builds of Kola in one JVM: the 0-word cross-space IPC round trip of build A and of build B,
 * the continuation floor and the host probe, timed in turn in rounds, so that the host's state
 * (BENCHMARKS.md, section H1-H12) weighs on both builds alike. Each build is loaded from its own
 * directory of jars (a copy of {@code cli/target/lib}) by a class loader of its own, so the JIT
 * compiles and profiles each build's kernel separately. Three A/A runs of one build gave 0.987,
 * 0.998 and 1.005; and the JIT compiles a build a little differently in each process, which moves
 * it by a few per cent more (BENCHMARKS.md, section K1-K18). So run several processes, and take a
 * difference that all of them show.
 *
 * <pre>
 * java -XX:+UseParallelGC -Xss2m -XX:CompileCommand=quiet -XX:CompileCommand=dontinline,kola.kernel.Cpu::schedule \
 *      --add-exports java.base/jdk.internal.vm=ALL-UNNAMED tools/abipc/AbIpc.java LIB_A LIB_B [SECONDS]
 * </pre>
 *
 * Prints one line per round (A, B and floor in ns per round trip, the probe in ns per call), then
 * the medians: B over A round by round, over all rounds and over the rounds of each host state (a
 * round whose probe took more than 1.1 times the fastest probe round is a slow-state round), and
 * each build over the floor. Exit 2 on bad arguments.
 */
public final class AbIpc {
    private static final long ROUND_TRIPS = 300_000;
    private static final long FLOOR_ROUND_TRIPS = 200_000;
    private static final long PROBE_CALLS = 1_000_000;
    private static final double SLOW_PROBE = 1.1;

    public static void main(String[] args) throws Throwable {
        if (args.length < 2 || args.length > 3) {
            fail("usage: AbIpc LIB_A LIB_B [SECONDS]  (each LIB a directory of Kola's jars, as cli/target/lib)");
        }
        long seconds = 60;
        if (args.length == 3) {
            try {
                seconds = Long.parseLong(args[2]);
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 1 || seconds > 86_400) {
                fail("abipc: SECONDS must be a whole number of seconds in 1..86400, not '" + args[2] + "'");
            }
        }
        ClassLoader a = loader(args[0]);
        ClassLoader b = loader(args[1]);
        MethodHandle buildA = build(a);
        MethodHandle buildB = build(b);
        MethodHandle floor = MethodHandles.lookup().findStatic(Class.forName("kola.bench.Peers", true, a),
                "continuationPingPong", MethodType.methodType(long.class, long.class));
        Method probe = Class.forName("kola.bench.BranchProbe", true, a).getDeclaredMethod("run", long.class);
        probe.setAccessible(true);
        for (int i = 0; i < 20; i++) { // warm-up: every contender's code compiled before the timed rounds
            buildA.invokeExact(100_000L);
            buildB.invokeExact(100_000L);
            long unused = (long) floor.invokeExact(100_000L);
            probe.invoke(null, 100_000L);
        }
        List<double[]> rounds = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            boolean aFirst = rounds.size() % 2 == 0; // neither build always runs right after the probe
            double first = time(aFirst ? buildA : buildB);
            double second = time(aFirst ? buildB : buildA);
            double floorNs = (double) (long) floor.invokeExact(FLOOR_ROUND_TRIPS) / FLOOR_ROUND_TRIPS;
            double probeNs = (double) (long) probe.invoke(null, PROBE_CALLS) / PROBE_CALLS;
            double[] r = {aFirst ? first : second, aFirst ? second : first, floorNs, probeNs};
            rounds.add(r);
            System.out.printf(Locale.ROOT, "%.1f %.1f %.1f %.2f%n", r[0], r[1], r[2], r[3]);
        }
        summarize(rounds);
    }

    private static double time(MethodHandle roundTrips) throws Throwable {
        long start = System.nanoTime();
        roundTrips.invokeExact(ROUND_TRIPS);
        return (double) (System.nanoTime() - start) / ROUND_TRIPS;
    }

    private static void summarize(List<double[]> rounds) {
        double fastestProbe = rounds.stream().mapToDouble(r -> r[3]).min().orElse(Double.NaN);
        List<double[]> fast = rounds.stream().filter(r -> r[3] <= SLOW_PROBE * fastestProbe).toList();
        List<double[]> slow = rounds.stream().filter(r -> r[3] > SLOW_PROBE * fastestProbe).toList();
        System.out.printf(Locale.ROOT, "rounds %d: B/A %.4f (fast-state rounds %d: %s; slow-state rounds %d: %s); "
                        + "A %.1f ns, B %.1f ns, floor %.1f ns; A/floor %.3f, B/floor %.3f%n",
                rounds.size(), median(rounds, r -> r[1] / r[0]), fast.size(), text(median(fast, r -> r[1] / r[0])),
                slow.size(), text(median(slow, r -> r[1] / r[0])), median(rounds, r -> r[0]), median(rounds, r -> r[1]),
                median(rounds, r -> r[2]), median(rounds, r -> r[0] / r[2]), median(rounds, r -> r[1] / r[2]));
    }

    private static String text(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static double median(List<double[]> rounds, java.util.function.ToDoubleFunction<double[]> f) {
        double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** A class loader of the jars in {@code dir}, over the platform's (so that each build's classes are its own). */
    private static ClassLoader loader(String dir) throws Exception {
        Path d = Path.of(dir);
        if (!Files.isDirectory(d)) {
            fail("abipc: " + dir + " is not a directory");
        }
        List<URL> jars = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d, "*.jar")) {
            for (Path p : s) {
                jars.add(p.toUri().toURL());
            }
        }
        if (jars.stream().noneMatch(u -> u.getPath().contains("kola-bench-"))) {
            fail("abipc: " + dir + " holds no kola-bench jar (copy cli/target/lib of a build)");
        }
        return new URLClassLoader(jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    /** The round-trip method, bound to a running 0-word cross-space system of the build ({@code KolaIpc.Session}). */
    private static MethodHandle build(ClassLoader l) throws Throwable {
        Class<?> layout = Class.forName("kola.bench.KolaIpc$Layout", true, l);
        Class<?> session = Class.forName("kola.bench.KolaIpc$Session", true, l);
        Object s = session.getConstructor(layout, int.class).newInstance(layout.getField("CROSS_SPACE").get(null), 0);
        MethodHandle m = MethodHandles.lookup().findVirtual(session, "roundTrips", MethodType.methodType(void.class, long.class));
        return m.bindTo(s);
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }

    private AbIpc() {
    }
}
