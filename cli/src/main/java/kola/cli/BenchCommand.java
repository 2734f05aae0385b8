package kola.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import kola.bench.ConsoleBench;
import kola.bench.IrqBench;
import kola.bench.KernelBenchmarks;
import kola.bench.SideBySide;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kola bench [NAME...] [--json] [--rounds N]}: side-by-side benchmarks, each in a JVM of its
 * own: {@code ipc}, the Kola IPC round trip next to its peers ({@link SideBySide}; each Kola
 * system with its baselines in a JVM of its own, {@code --ipc-group}); {@code console}, console
 * throughput from the UART to a user program and back ({@link ConsoleBench}); {@code irq}, the latency
 * from an interrupt line being raised to its user-level driver running ({@link IrqBench}). With
 * {@code --json}, one JSON object per row and line: {@code {"name", "ns_per_op", "baseline", "ratio",
 * "target"}}, ratio being the row's time over the baseline's (for ipc: Kola's time over the other's)
 * and target the most it may be (null: none). With {@code --processes N}, each benchmark runs in N
 * fresh JVMs and each row is reported over them ({@link ProcessRuns}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run side-by-side benchmarks, each in a fresh JVM when several are named.",
                "NAME: ipc, console, irq, pagefault, memory, map, unmap, scale, boot, metering (default: all benchmarks; "
                        + "scale then stops at 100,000 threads). The ipc benchmark times the Kola IPC round trip "
                        + "(0 and 8 words across spaces, 0 words within a space, 0 words through an IPC gate and "
                        + "through an endpoint under the capabilities model; C programs on RISC-V when built) next "
                        + "to a bare continuation ping-pong, virtual threads and platform threads, each Kola system "
                        + "with its baselines in a JVM of its own. The console benchmark times bytes "
                        + "from the UART through driver and console to a program and back (ns per byte). The irq "
                        + "benchmark times an interrupt from the line's raise to its user-level driver running "
                        + "(host ns and simulated cycles).",
                "Kernel benchmarks (see BENCHMARKS.md): pagefault (page-fault round trip vs the IPC round trip), "
                        + "memory (load through the memory accessor, TLB hit and miss, vs a MemorySegment), map (map + "
                        + "unmap of a page), unmap (trees of 1,000 to 100,000 mappings, ns per mapping), scale (10,000 "
                        + "and 100,000 threads blocked in receive: heap and time per thread; the million only with "
                        + "--scale-max 1000000; IPC with 1 to 10,000 active clients), boot (to the shell prompt, "
                        + "256 MiB and 64 GiB machines), metering (a CPU-bound loop in a sandboxed, metered task vs the "
                        + "same class unmetered), riscv (the CPU-bound RISC-V programs of user/bench under kola exec "
                        + "and, when installed, qemu-riscv64: MIPS and the time ratio)."})
final class BenchCommand implements Callable<Integer> {
    static final List<String> KNOWN = java.util.stream.Stream.concat(java.util.stream.Stream.of("ipc", "console", "irq"),
            java.util.stream.Stream.concat(KernelBenchmarks.NAMES.stream(), java.util.stream.Stream.of("riscv"))).toList();

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Benchmarks to run: ${COMPLETION-CANDIDATES}; default all.",
            completionCandidates = Known.class)
    List<String> names = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object per line: name, ns_per_op, baseline, ratio, target (null: none).")
    boolean json;

    @Option(names = "--rounds", paramLabel = "N", description = "Timed rounds per contender; the median counts (default ${DEFAULT-VALUE}).")
    int rounds = 7;

    /** (Internal) ipc: measure one group of {@link SideBySide#ipcGroups} and print its measurements, for the parent kola. */
    @Option(names = "--ipc-group", hidden = true, paramLabel = "N")
    int ipcGroup = -1;

    @Option(names = "--processes", paramLabel = "N", description = "Measure each benchmark in N fresh JVMs, in turn "
            + "(each benchmark once, then each again, ...), and print each row's median over them with its range and in "
            + "how many the target was met: met only if in all N (default ${DEFAULT-VALUE}: one run, its own table).")
    int processes = 1;

    @Option(names = "--scale-max", paramLabel = "N", description = "scale: the largest number of blocked threads "
            + "(10,000, 100,000, ... up to N; default ${DEFAULT-VALUE}; 1000000 for the million, best with "
            + "KOLA_JAVA_OPTS=-Xmx4g).")
    long scaleMax = KernelBenchmarks.DEFAULT_SCALE_MAX;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        for (String name : names) {
            if (!KNOWN.contains(name)) {
                err.println("kola bench: unknown benchmark '" + name + "' (known: " + String.join(", ", KNOWN) + ")");
                return 2;
            }
        }
        if (rounds < 1) {
            err.println("kola bench: --rounds must be at least 1, not " + rounds);
            return 2;
        }
        if (ipcGroup != -1 && (ipcGroup < 0 || ipcGroup >= SideBySide.ipcGroups().size()
                || !(names.size() == 1 && names.get(0).equals("ipc")))) {
            err.println("kola bench: --ipc-group must lie in 0.." + (SideBySide.ipcGroups().size() - 1)
                    + " and come with ipc alone, not " + ipcGroup + " with " + names);
            return 2;
        }
        if (ipcGroup >= 0) {
            ipcGroup(System.out);
            return 0;
        }
        if (scaleMax < 1 || scaleMax > 10_000_000) {
            err.println("kola bench: --scale-max must lie in 1..10000000, not " + scaleMax);
            return 2;
        }
        if (processes < 1 || processes > MAX_PROCESSES) {
            err.println("kola bench: --processes must lie in 1.." + MAX_PROCESSES + ", not " + processes);
            return 2;
        }
        Set<String> selected = new LinkedHashSet<>(names.isEmpty() ? KNOWN : names);
        PrintStream out = System.out;
        if (processes > 1) {
            List<String> jvm = ownJvm();
            if (jvm == null) {
                err.println("kola bench: --processes needs fresh JVMs, and this JVM's command line cannot be found");
                return 2;
            }
            return inProcesses(jvm, selected, out, err);
        }
        if (selected.size() > 1) {
            // Each benchmark in a JVM of its own: one's JIT history (inlining, profiles, deoptimisations)
            // must not move another's figure.
            List<String> jvm = ownJvm();
            if (jvm != null) {
                for (String name : selected) {
                    int code = child(jvm, name);
                    if (code != 0) {
                        return code;
                    }
                }
                return 0;
            }
            err.println("kola bench: cannot find this JVM's command line: running every benchmark in this one JVM, "
                    + "one after the other (their figures may differ from runs of one benchmark alone)");
        }
        for (String name : selected) {
            if (name.equals("ipc")) {
                ipc(out, err);
            } else if (name.equals("console")) {
                console(out);
            } else if (name.equals("irq")) {
                irq(out);
            } else if (name.equals("riscv")) {
                if (!riscv(out, err)) {
                    return 1;
                }
            } else if (KernelBenchmarks.NAMES.contains(name)) {
                kernel(name, out);
            }
        }
        return 0;
    }

    private void ipc(PrintStream out, PrintStream err) throws Exception {
        PrintStream progress = json ? null : out;
        List<List<SideBySide.Contender>> groups = SideBySide.ipcGroups();
        List<String> jvm = ownJvm();
        if (!json) {
            out.printf(Locale.ROOT, "kola bench ipc: round trips, median of %d rounds (%d cores, %s, JDK %s)%n", rounds,
                    Runtime.getRuntime().availableProcessors(), cpuModel(), Runtime.version());
            out.printf(Locale.ROOT, "each Kola system with its baselines %s (%d groups): warming up "
                    + "each contender, then %d interleaved rounds (~%d s)...%n", jvm != null ? "in a JVM of its own"
                    : "in turn", groups.size(), rounds, groups.stream().mapToInt(g -> g.size() * (2 + rounds) / 5 + 1).sum());
            out.flush();
        }
        if (jvm == null) {
            err.println("kola bench ipc: cannot find this JVM's command line: every Kola system runs in this "
                    + "one JVM (the later ones' figures may differ from runs in a JVM of their own)");
        }
        List<List<SideBySide.Measurement>> measured = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            List<SideBySide.Measurement> ms;
            if (jvm != null) {
                ms = childGroup(jvm, g, groups.get(g));
                if (progress != null) {
                    ms.forEach(m -> SideBySide.printProgress(m, progress));
                }
            } else {
                ms = SideBySide.measure(groups.get(g), rounds, progress);
            }
            measured.add(ms);
        }
        List<SideBySide.Row> rows = new java.util.ArrayList<>(SideBySide.rows(measured));
        // The C programs' round trips, in the same process, beside the Java one.
        try {
            CIpcBench.Result c = CIpcBench.measure(java.nio.file.Path.of(""), Math.max(3, rounds));
            rows.addAll(CIpcBench.rows(c));
            if (!json) {
                for (CIpcBench.Figure f : c.figures()) {
                    out.printf(Locale.ROOT, "  %-26s %,d simulated cycles, %d user instructions per round trip (pingpong)%n",
                            f.name(), f.cycles(), f.instructions());
                }
                out.printf(Locale.ROOT, "  %-26s %.1f ns/op between the C runs (median of %d runs of %,d round trips); the C rows' ratios are over it%n",
                        SideBySide.KOLA_REFERENCE, c.javaNsPerOp(), c.javaRuns().length, CIpcBench.JAVA_ROUND_TRIPS);
            }
        } catch (java.io.IOException e) {
            err.println("kola bench ipc: no C rows: " + e.getMessage());
        }
        if (json) {
            printJson(rows, out);
        } else {
            out.println();
            SideBySide.printTable(rows, out);
        }
    }

    private void console(PrintStream out) throws Exception {
        if (!json) {
            out.printf(Locale.ROOT, "kola bench console: bytes from the UART to a program and back, median of %d rounds"
                    + " (%d cores, %s, JDK %s)%n", rounds, Runtime.getRuntime().availableProcessors(), cpuModel(),
                    Runtime.version());
            out.printf(Locale.ROOT, "%d runs of %d lines of %d bytes per round; warming up, then %d interleaved rounds...%n",
                    ConsoleBench.RUNS_PER_ROUND, ConsoleBench.LINES, ConsoleBench.LINE_BYTES, rounds);
            out.flush();
        }
        List<ConsoleBench.Measurement> ms = ConsoleBench.measure(rounds, json ? null : out);
        if (json) {
            printJson(ConsoleBench.rows(ms), out);
        } else {
            out.println();
            ConsoleBench.printTable(ms, out);
        }
    }

    private void irq(PrintStream out) throws Exception {
        if (!json) {
            out.printf(Locale.ROOT, "kola bench irq: interrupt raised -> user-level driver running, median of %d rounds"
                    + " (%d cores, %s, JDK %s)%n", rounds, Runtime.getRuntime().availableProcessors(), cpuModel(),
                    Runtime.version());
            out.printf(Locale.ROOT, "%,d interrupts per round after %,d warm-up (irq-timer-busy: %d after %d, 1 ms slices); warming up,"
                    + " then %d interleaved rounds...%n", IrqBench.INTERRUPTS, IrqBench.WARMUP, IrqBench.BUSY_INTERRUPTS,
                    IrqBench.BUSY_WARMUP, rounds);
            out.flush();
        }
        List<IrqBench.Measurement> ms = IrqBench.measure(rounds, json ? null : out);
        double ipcOneWay = IrqBench.ipcOneWayNs(rounds, 200_000);
        if (json) {
            printJson(IrqBench.rows(ms, ipcOneWay), out);
        } else {
            out.println();
            IrqBench.printTable(ms, ipcOneWay, out);
        }
    }

    /** One of the kernel benchmarks: pagefault, memory, map, unmap, scale, boot, metering ({@link KernelBenchmarks}). */
    private void kernel(String name, PrintStream out) throws Exception {
        KernelBenchmarks.Options options = new KernelBenchmarks.Options(rounds, scaleMax);
        if (!json) {
            out.println(KernelBenchmarks.header(name, options));
            out.flush();
        }
        List<KernelBenchmarks.Result> rows = KernelBenchmarks.run(name, options, json ? null : out);
        if (json) {
            printJson(KernelBenchmarks.sideBySideRows(rows), out);
        } else {
            out.println();
            KernelBenchmarks.printTable(rows, out);
            out.println();
        }
    }

    /** The rows as JSON, one object per line, as for ipc. */
    private static void printJson(List<SideBySide.Row> rows, PrintStream out) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        for (SideBySide.Row r : rows) {
            ObjectNode o = mapper.createObjectNode();
            o.put("name", r.name());
            o.put("ns_per_op", round(r.nsPerOp(), 2));
            o.put("baseline", r.baseline());
            o.put("ratio", round(r.ratio(), 4));
            ProcessRuns.putNumber(o, "target", r.target());
            out.println(mapper.writeValueAsString(o));
        }
    }

    /** The child's part of ipc: measures group {@link #ipcGroup}, one JSON object per measurement and line. */
    private void ipcGroup(PrintStream out) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        for (SideBySide.Measurement m : SideBySide.measure(SideBySide.ipcGroups().get(ipcGroup), rounds, null)) {
            ObjectNode o = mapper.createObjectNode();
            o.put("name", m.name());
            o.put("round_trips", m.roundTrips());
            com.fasterxml.jackson.databind.node.ArrayNode a = o.putArray("round_ns_per_op");
            for (double v : m.roundNsPerOp()) {
                a.add(v);
            }
            out.println(mapper.writeValueAsString(o));
        }
    }

    /**
     * Measures ipc group {@code g} in a fresh JVM ({@code --ipc-group}) and reads its measurements
     * back; throws if the child fails or does not report every contender of the group.
     */
    private List<SideBySide.Measurement> childGroup(List<String> jvm, int g, List<SideBySide.Contender> group) throws Exception {
        List<String> cmd = new ArrayList<>(jvm);
        cmd.addAll(List.of("bench", "ipc", "--ipc-group", String.valueOf(g), "--rounds", String.valueOf(rounds)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (code != 0) {
            throw new IllegalStateException("the JVM measuring ipc group " + g + " exited with " + code);
        }
        return parseGroup(text, group);
    }

    /** The measurements a child printed ({@link #ipcGroup}), described as {@code group} describes its contenders. */
    static List<SideBySide.Measurement> parseGroup(String text, List<SideBySide.Contender> group) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> byName = new java.util.HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("{")) {
                com.fasterxml.jackson.databind.JsonNode n = mapper.readTree(line);
                byName.put(n.path("name").asText(), n);
            }
        }
        List<SideBySide.Measurement> ms = new ArrayList<>();
        for (SideBySide.Contender c : group) {
            com.fasterxml.jackson.databind.JsonNode n = byName.get(c.name());
            if (n == null || !n.path("round_ns_per_op").isArray() || n.path("round_ns_per_op").isEmpty()
                    || !n.path("round_trips").canConvertToLong()) {
                throw new IllegalStateException("no measurement of " + c.name() + " from its JVM");
            }
            double[] perOp = new double[n.path("round_ns_per_op").size()];
            if (!ms.isEmpty() && perOp.length != ms.get(0).roundNsPerOp().length) {
                // (a ratio pairs the rows' rounds: SideBySide.ratio)
                throw new IllegalStateException(c.name() + " came with " + perOp.length + " rounds from its JVM, "
                        + ms.get(0).name() + " with " + ms.get(0).roundNsPerOp().length);
            }
            for (int i = 0; i < perOp.length; i++) {
                perOp[i] = n.path("round_ns_per_op").get(i).asDouble();
            }
            ms.add(new SideBySide.Measurement(c.name(), c.description(), c.kola(), SideBySide.median(perOp),
                    n.path("round_trips").asLong(), perOp));
        }
        return ms;
    }

    /** kola bench riscv; false (said on {@code err}) if a program is not built or gave a wrong result. */
    private boolean riscv(PrintStream out, PrintStream err) throws Exception {
        int n = Math.min(rounds, 3);
        if (!json) {
            out.printf(Locale.ROOT, "kola bench riscv: user/bench programs, median of %d runs each, kola exec in this process"
                    + " and %s (%d cores, %s, JDK %s)%n", n, RiscvBench.onPath(RiscvBench.QEMU) ? "qemu-riscv64"
                    : "no qemu-riscv64 (install qemu-user to compare)", Runtime.getRuntime().availableProcessors(), cpuModel(),
                    Runtime.version());
        }
        List<RiscvBench.Row> rows;
        try {
            rows = RiscvBench.measure(java.nio.file.Path.of("user"), n, json ? null : out);
        } catch (IllegalStateException e) {
            err.println("kola bench riscv: " + e.getMessage());
            return false;
        }
        ObjectMapper mapper = new ObjectMapper();
        for (RiscvBench.Row r : rows) {
            if (json) {
                ObjectNode o = mapper.createObjectNode();
                o.put("name", r.name());
                o.put("ns_per_op", round(r.nsPerInstruction(), 4));
                o.put("baseline", RiscvBench.QEMU);
                if (Double.isNaN(r.ratio())) {
                    o.putNull("ratio");
                } else {
                    o.put("ratio", round(r.ratio(), 4));
                }
                o.put("mips", round(r.mips(), 1));
                out.println(mapper.writeValueAsString(o));
            }
        }
        if (!json) {
            out.println("targets: at least 300 MIPS and at most 3x qemu-riscv64's time (ns_per_op is host ns per instruction)");
        }
        return true;
    }

    /** The java command and JVM options this process was started with, up to the main module; null if unknown. */
    static List<String> ownJvm() {
        ProcessHandle.Info info = ProcessHandle.current().info();
        if (info.command().isEmpty() || info.arguments().isEmpty()) {
            return null;
        }
        List<String> args = List.of(info.arguments().get());
        for (int i = 0; i + 1 < args.size(); i++) {
            if ((args.get(i).equals("-m") || args.get(i).equals("--module")) && args.get(i + 1).startsWith("kola.cli/")) {
                List<String> jvm = new ArrayList<>();
                jvm.add(info.command().get());
                jvm.addAll(args.subList(0, i + 2));
                return jvm;
            }
        }
        return null;
    }

    /** The most fresh JVMs {@code --processes} starts per benchmark. */
    static final int MAX_PROCESSES = 100;

    /**
     * {@code --processes}: each benchmark in {@link #processes} fresh JVMs, in turn (every benchmark
     * once, then every one again, ...: a slow spell of the host falls on all of them alike), each
     * child reporting with {@code --json}; then each benchmark's rows over its processes
     * ({@link ProcessRuns}). A child that fails ends the run with its exit code, one whose report
     * cannot be read with 1, each with a line naming the benchmark and the process.
     */
    private int inProcesses(List<String> jvm, Set<String> selected, PrintStream out, PrintStream err) throws Exception {
        Map<String, ProcessRuns> runs = new LinkedHashMap<>();
        selected.forEach(name -> runs.put(name, new ProcessRuns(name)));
        for (int i = 1; i <= processes; i++) {
            for (String name : selected) {
                if (!json) {
                    out.printf(Locale.ROOT, "process %d of %d: kola bench %s --json ...", i, processes, name);
                    out.flush();
                }
                long start = System.nanoTime();
                Process p = new ProcessBuilder(childCommand(jvm, name, true)).redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                int code = p.waitFor();
                if (code != 0) {
                    err.println("kola bench: the JVM measuring " + name + " (process " + i + " of " + processes
                            + ") exited with " + code);
                    return code;
                }
                try {
                    runs.get(name).add(text);
                } catch (IllegalStateException e) {
                    err.println("kola bench: process " + i + " of " + processes + ": " + e.getMessage());
                    return 1;
                }
                if (!json) {
                    out.printf(Locale.ROOT, " %.0f s%n", (System.nanoTime() - start) / 1e9);
                }
            }
        }
        for (ProcessRuns r : runs.values()) {
            if (json) {
                r.printJson(out);
            } else {
                out.println();
                r.printTable(out);
            }
        }
        return 0;
    }

    /** Runs {@code kola bench NAME} with this command's options in a fresh JVM, its output ours; its exit code. */
    private int child(List<String> jvm, String name) throws Exception {
        return new ProcessBuilder(childCommand(jvm, name, json)).inheritIO().start().waitFor();
    }

    /** The command line of {@code kola bench NAME} with this command's options, in a fresh JVM ({@code jvm}). */
    private List<String> childCommand(List<String> jvm, String name, boolean withJson) {
        List<String> cmd = new ArrayList<>(jvm);
        cmd.addAll(List.of("bench", name, "--rounds", String.valueOf(rounds), "--scale-max", String.valueOf(scaleMax)));
        if (withJson) {
            cmd.add("--json");
        }
        return cmd;
    }

    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }

    private static String cpuModel() {
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

    /** The benchmark names, for the help text. */
    static final class Known extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Known() {
            super(KNOWN);
        }
    }
}
