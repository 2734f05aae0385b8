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
 * java -XX:+UseSerialGC -Xss2m -XX:CompileCommand=quiet -XX:CompileCommand=dontinline,kola.kernel.Cpu::schedule \
 *      --add-exports java.base/jdk.internal.vm=ALL-UNNAMED tools/abipc/AbIpc.java LIB_A LIB_B [SECONDS]
 * </pre>
 *
 * Prints one line per round (A, B and floor in ns per round trip, the probe in ns per call), then
 * the medians: B over A round by round, over all rounds and over the rounds of each host state (a
 * round whose probe took more than 1.1 times the fastest probe round is a slow-state round), and
 * each build over the floor. Exit 2 on bad arguments.
 *
 * <p>Then confirm a difference in {@code kola bench ipc}'s own process, one build at a time
 * (docs/TRACING.md, "Comparing two builds of the kernel"): one that all of this harness's
 * processes show can be its own. A change to the meter's bookkeeping made the round trip 5-11 %
 * faster here in four processes of four, and no faster there (BENCHMARKS.md, section L).
 *
 * <p>With {@code --clients}, each build runs the one-client and the 10,000-client systems of
 * {@code kola bench scale} instead (after that benchmark's warm-up of their programs, A's first),
 * and the summary is B over A for each, and each build's 10,000 / 1. Where a system's objects lie
 * moves its 10,000-client round trip by up to a third between two identical builds in one JVM
 * (BENCHMARKS.md, section P1-P18): run many processes, half of them with the builds swapped.
 */
public final class AbIpc {
    private static final long ROUND_TRIPS = 300_000;
    private static final long FLOOR_ROUND_TRIPS = 200_000;
    private static final long PROBE_CALLS = 1_000_000;
    private static final double SLOW_PROBE = 1.1;

    public static void main(String[] args) throws Throwable {
        boolean clients = args.length > 0 && args[0].equals("--clients");
        String[] a = clients ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        if (a.length < 2 || a.length > 3) {
            fail("usage: AbIpc [--clients] LIB_A LIB_B [SECONDS]  (each LIB a directory of Kola's jars, as cli/target/lib)");
        }
        long seconds = 60;
        if (a.length == 3) {
            try {
                seconds = Long.parseLong(a[2]);
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 1 || seconds > 86_400) {
                fail("abipc: SECONDS must be a whole number of seconds in 1..86400, not '" + a[2] + "'");
            }
        }
        ClassLoader la = loader(a[0]);
        ClassLoader lb = loader(a[1]);
        // Each build's systems: the 0-word round trip, or (--clients) one client and 10,000.
        List<MethodHandle> buildA = clients ? clientSystems(la) : List.of(build(la));
        List<MethodHandle> buildB = clients ? clientSystems(lb) : List.of(build(lb));
        MethodHandle floor = MethodHandles.lookup().findStatic(Class.forName("kola.bench.Peers", true, la),
                "continuationPingPong", MethodType.methodType(long.class, long.class));
        Method probe = Class.forName("kola.bench.BranchProbe", true, la).getDeclaredMethod("run", long.class);
        probe.setAccessible(true);
        for (int i = 0; i < 20; i++) { // warm-up: every contender's code compiled before the timed rounds
            for (MethodHandle m : buildA) {
                m.invokeExact(100_000L);
            }
            for (MethodHandle m : buildB) {
                m.invokeExact(100_000L);
            }
            long unused = (long) floor.invokeExact(100_000L);
            probe.invoke(null, 100_000L);
        }
        int n = buildA.size();
        List<double[]> rounds = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            boolean aFirst = rounds.size() % 2 == 0; // neither build always runs right after the probe
            double[] r = new double[2 * n + 2]; // A's systems, B's, the floor, the probe
            for (int side : aFirst ? new int[] {0, 1} : new int[] {1, 0}) {
                List<MethodHandle> build = side == 0 ? buildA : buildB;
                for (int i = 0; i < n; i++) {
                    r[side * n + i] = time(build.get(i));
                }
            }
            r[2 * n] = (double) (long) floor.invokeExact(FLOOR_ROUND_TRIPS) / FLOOR_ROUND_TRIPS;
            r[2 * n + 1] = (double) (long) probe.invoke(null, PROBE_CALLS) / PROBE_CALLS;
            rounds.add(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(String.format(Locale.ROOT, i == r.length - 1 ? "%.2f" : "%.1f ", r[i]));
            }
            System.out.println(line);
        }
        if (clients) {
            summarizeClients(rounds);
        } else {
            summarize(rounds);
        }
    }

    private static double time(MethodHandle roundTrips) throws Throwable {
        long start = System.nanoTime();
        roundTrips.invokeExact(ROUND_TRIPS);
        return (double) (System.nanoTime() - start) / ROUND_TRIPS;
    }

    /**
     * The rounds in the host's fast state and in its slow one, by the probe's time in column
     * {@code probe}: a round whose probe took more than {@link #SLOW_PROBE} times the fastest is slow.
     */
    private static List<List<double[]>> byState(List<double[]> rounds, int probe) {
        double fastestProbe = rounds.stream().mapToDouble(r -> r[probe]).min().orElse(Double.NaN);
        return List.of(rounds.stream().filter(r -> r[probe] <= SLOW_PROBE * fastestProbe).toList(),
                rounds.stream().filter(r -> r[probe] > SLOW_PROBE * fastestProbe).toList());
    }

    private static void summarize(List<double[]> rounds) {
        List<List<double[]>> states = byState(rounds, 3);
        List<double[]> fast = states.get(0);
        List<double[]> slow = states.get(1);
        System.out.printf(Locale.ROOT, "rounds %d: B/A %.4f (fast-state rounds %d: %s; slow-state rounds %d: %s); "
                        + "A %.1f ns, B %.1f ns, floor %.1f ns; A/floor %.3f, B/floor %.3f%n",
                rounds.size(), median(rounds, r -> r[1] / r[0]), fast.size(), text(median(fast, r -> r[1] / r[0])),
                slow.size(), text(median(slow, r -> r[1] / r[0])), median(rounds, r -> r[0]), median(rounds, r -> r[1]),
                median(rounds, r -> r[2]), median(rounds, r -> r[0] / r[2]), median(rounds, r -> r[1] / r[2]));
    }

    /** --clients: rounds of A's one- and 10,000-client systems, B's, the floor and the probe. */
    private static void summarizeClients(List<double[]> rounds) {
        List<List<double[]>> states = byState(rounds, 5);
        List<double[]> fast = states.get(0);
        List<double[]> slow = states.get(1);
        System.out.printf(Locale.ROOT, "rounds %d: 10,000 clients B/A %.4f (fast-state rounds %d: %s; slow-state rounds %d: "
                        + "%s); one client B/A %.4f; 10,000 / 1 A %.3f, B %.3f; A 1 %.1f ns, 10,000 %.1f ns; B 1 %.1f ns, "
                        + "10,000 %.1f ns%n",
                rounds.size(), median(rounds, r -> r[3] / r[1]), fast.size(), text(median(fast, r -> r[3] / r[1])),
                slow.size(), text(median(slow, r -> r[3] / r[1])), median(rounds, r -> r[2] / r[0]),
                median(rounds, r -> r[1] / r[0]), median(rounds, r -> r[3] / r[2]), median(rounds, r -> r[0]),
                median(rounds, r -> r[1]), median(rounds, r -> r[2]), median(rounds, r -> r[3]));
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

    /**
     * The round-trip methods of a build's one-client and 10,000-client systems of {@code kola bench
     * scale} ({@code ScaleBench.Clients}), made after its warm-up of the programs.
     */
    private static List<MethodHandle> clientSystems(ClassLoader l) throws Throwable {
        Class<?> scale = Class.forName("kola.bench.ScaleBench", true, l);
        Method warm = scale.getDeclaredMethod("warmPrograms", int.class);
        warm.setAccessible(true);
        warm.invoke(null, 10_000);
        Class<?> c = Class.forName("kola.bench.ScaleBench$Clients", true, l);
        java.lang.reflect.Constructor<?> make = c.getDeclaredConstructor(int.class);
        make.setAccessible(true);
        Method roundTrips = c.getDeclaredMethod("roundTrips", long.class);
        roundTrips.setAccessible(true);
        MethodHandle m = MethodHandles.lookup().unreflect(roundTrips);
        List<MethodHandle> systems = new ArrayList<>();
        for (int n : new int[] {1, 10_000}) {
            systems.add(m.bindTo(make.newInstance(n)).asType(MethodType.methodType(void.class, long.class)));
        }
        return systems;
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }

    private AbIpc() {
    }
}
