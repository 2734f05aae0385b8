package kola.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import kola.bench.SideBySide;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kola bench [NAME...] [--json] [--rounds N]}: side-by-side benchmarks in one process. The
 * only benchmark so far is {@code ipc}: the Kola IPC round trip next to its peers
 * ({@link SideBySide}). With {@code --json}, one JSON object per row and line:
 * {@code {"name", "ns_per_op", "baseline", "ratio"}}, ratio being Kola's time over the baseline's.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run side-by-side benchmarks in one process.",
                "NAME: ipc (the default: all benchmarks). The ipc benchmark times the Kola IPC round trip "
                        + "(0 and 8 words across spaces, 0 words within a space) next to a bare continuation "
                        + "ping-pong, virtual threads and platform threads."})
final class BenchCommand implements Callable<Integer> {
    static final List<String> KNOWN = List.of("ipc");

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Benchmarks to run: ${COMPLETION-CANDIDATES}; default all.",
            completionCandidates = Known.class)
    List<String> names = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object per line: name, ns_per_op, baseline, ratio.")
    boolean json;

    @Option(names = "--rounds", paramLabel = "N", description = "Timed rounds per contender; the median counts (default ${DEFAULT-VALUE}).")
    int rounds = 7;

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
        Set<String> selected = new LinkedHashSet<>(names.isEmpty() ? KNOWN : names);
        PrintStream out = System.out;
        for (String name : selected) {
            if (name.equals("ipc")) {
                ipc(out, err);
            }
        }
        return 0;
    }

    private void ipc(PrintStream out, PrintStream err) throws Exception {
        PrintStream progress = json ? null : out;
        if (!json) {
            out.printf(Locale.ROOT, "kola bench ipc: round trips, median of %d rounds (%d cores, %s, JDK %s)%n", rounds,
                    Runtime.getRuntime().availableProcessors(), cpuModel(), Runtime.version());
            out.printf(Locale.ROOT, "warming up each contender, then %d interleaved rounds (~%d s)...%n", rounds,
                    SideBySide.ipcContenders().size() * (2 + rounds) / 5);
            out.flush();
        }
        List<SideBySide.Measurement> ms = SideBySide.measure(SideBySide.ipcContenders(), rounds, progress);
        List<SideBySide.Row> rows = SideBySide.rows(ms);
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            for (SideBySide.Row r : rows) {
                ObjectNode o = mapper.createObjectNode();
                o.put("name", r.name());
                o.put("ns_per_op", round(r.nsPerOp(), 2));
                o.put("baseline", r.baseline());
                o.put("ratio", round(r.ratio(), 4));
                out.println(mapper.writeValueAsString(o));
            }
        } else {
            out.println();
            SideBySide.printTable(rows, out);
        }
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
