package kola.bench;

import java.util.Locale;

/**
 * Runs one benchmark system continuously for a while, for a profiler (JFR, a heap histogram): the
 * side-by-side runs interleave several systems, whose samples a profile cannot tell apart. From
 * the shaded jar, on the class path (see BENCHMARKS.md):
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -XX:+UseSerialGC -Xss2m \
 *      -XX:StartFlightRecording=filename=/tmp/kola.jfr,jdk.ExecutionSample#period=1ms \
 *      -cp bench/target/benchmarks.jar kola.bench.Soak clients 10000 15
 * </pre>
 *
 * Workloads: {@code clients N} (IPC with N active clients), {@code hit}, {@code miss} (memory
 * accessor), {@code pagefault}, {@code unmap N} (trees of N mappings), {@code blocked N} (creates N
 * blocked threads once and, with the system alive, prints the heap's class histogram).
 */
public final class Soak {
    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Soak clients N [SECONDS] | hit [SECONDS] | miss [SECONDS] | pagefault [SECONDS]"
                    + " | unmap N [SECONDS] | blocked N");
            System.exit(2);
        }
        String what = args[0];
        boolean sized = what.equals("clients") || what.equals("unmap") || what.equals("blocked");
        int n = sized ? Integer.parseInt(args[1]) : 0;
        int secondsArg = sized ? 2 : 1;
        long seconds = args.length > secondsArg ? Long.parseLong(args[secondsArg]) : 10;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        switch (what) {
            case "clients" -> {
                ScaleBench.Clients c = new ScaleBench.Clients(n);
                long nanos = 0;
                long trips = 0;
                while (System.nanoTime() < end) {
                    nanos += c.timedRoundTrips(100_000);
                    trips += 100_000;
                }
                report("%,d clients: %.1f ns per round trip", n, (double) nanos / trips);
            }
            case "hit", "miss" -> {
                MemoryBench.Session s = new MemoryBench.Session(what.equals("hit") ? MemoryBench.Mode.TLB_HIT
                        : MemoryBench.Mode.TLB_MISS);
                long start = System.nanoTime();
                long batches = 0;
                while (System.nanoTime() < end) {
                    s.batches(100);
                    batches += 100;
                }
                s.checkWalks();
                report("%s: %.2f ns per load", what, (double) (System.nanoTime() - start) / (batches * MemoryBench.BATCH));
            }
            case "pagefault" -> {
                PageFaultBench.Session s = new PageFaultBench.Session();
                long start = System.nanoTime();
                long faults = 0;
                while (System.nanoTime() < end) {
                    s.faults(10_000);
                    faults += 10_000;
                }
                report("page faults: %.1f ns each", (double) (System.nanoTime() - start) / faults);
            }
            case "unmap" -> {
                UnmapTreeBench.Tree t = new UnmapTreeBench.Tree(n);
                long nanos = 0;
                long mappings = 0;
                while (System.nanoTime() < end) {
                    nanos += t.round();
                    mappings += n;
                }
                report("unmap of %,d-mapping trees: %.1f ns per mapping", n, (double) nanos / mappings);
            }
            case "blocked" -> {
                ScaleBench.Blocked b = ScaleBench.blocked(n, () -> KernelBenchmarks.printHistogram(n));
                report("%,d blocked threads: %.0f ns and %.0f heap bytes per thread", n, b.nanosPerThread(),
                        b.heapBytesPerThread());
            }
            default -> {
                System.err.println("Soak: unknown workload " + what);
                System.exit(2);
            }
        }
    }

    private static void report(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
