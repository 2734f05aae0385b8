package kola.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kola.bench.KolaIpc;
import kola.bench.SideBySide;
import kola.kernel.ElfProgram;

/**
 * The C round trips of {@code kola bench ipc}: {@code user/l4/pingpong} (a privileged X.2 program
 * that makes its own partner threads, one in a new space and one in its own) run under {@code kola
 * exec --privileged} in this process. The program brackets each timed run of round trips with
 * {@code timing ...} and {@code timed ...} lines on the kernel console; the host nanoseconds between
 * the two lines, over the round trips, are the figure. The program runs once untimed (its compiled
 * code is then shared by the later runs, as the JIT's), then {@code runs} times, each run after a
 * run of Java round trips; a row is the median, compared with the median of those Java runs.
 */
final class CIpcBench {
    /** The program, relative to the repository. */
    static final Path PROGRAM = Path.of("user", "build", "l4", "pingpong");
    /**
     * Timed round trips per row and run: 200,000 (0.05 s or so at 0-8 words), so that one run is
     * not one scheduling hiccup of the host (pingpong's own default is 20,000).
     */
    static final int ROUND_TRIPS = 200_000;
    private static final Pattern MARK = Pattern.compile("pingpong: (timing|timed) (inter|intra)-space, (\\d+) words");
    private static final Pattern RESULT = Pattern.compile(
            "pingpong: (inter|intra)-space, (\\d+) words: (\\d+) round trips, (\\d+) cycles, (\\d+) instructions per round trip");
    /** The rows: name, partner, words, description. */
    private static final String[][] ROWS = {
        {SideBySide.C_PREFIX + "ipc-0w-xspace", "inter", "0", "C <-> C round trip, 0 words, two spaces (L4_Call)"},
        {SideBySide.C_PREFIX + "ipc-8w-xspace", "inter", "8", "C <-> C round trip, 8 words, two spaces (L4_Call)"},
        {SideBySide.C_PREFIX + "lipc-0w", "intra", "0", "C <-> C round trip, 0 words, one space (L4_Lipc)"},
    };

    private CIpcBench() {
    }

    /**
     * Java round trips ({@link SideBySide#KOLA_REFERENCE}) timed before each C run, about 0.1 s, so
     * that the C rows are compared with a Java figure of the same minutes (the host's speed drifts
     * between the Java table's rounds and the C runs that follow them).
     */
    static final long JAVA_ROUND_TRIPS = 300_000;

    /** A measured row: host ns per round trip (median of the runs, and each run's), simulated cycles and instructions. */
    record Figure(String name, String description, double nsPerOp, double[] runs, long roundTrips, long cycles,
                  long instructions) {
    }

    /** The rows, and the Java round trip timed between their runs (median, and each run's). */
    record Result(List<Figure> figures, double javaNsPerOp, double[] javaRuns) {
    }

    /** Measures the rows ({@code runs} timed runs, each after a Java run); throws with one line if the program is missing or fails. */
    static Result measure(Path repository, int runs) throws IOException {
        Path elf = repository.resolve(PROGRAM);
        if (!Files.isRegularFile(elf)) {
            throw new IOException(PROGRAM + " is not built (make -C user; it needs gcc-riscv64-unknown-elf)");
        }
        ElfProgram program = ElfProgram.read(elf);
        run(program); // warm-up
        Map<String, double[]> ns = new HashMap<>();
        Map<String, long[]> simulated = new HashMap<>();
        double[] java = new double[runs];
        for (int r = 0; r < runs; r++) {
            java[r] = (double) KolaIpc.roundTrips(KolaIpc.Layout.CROSS_SPACE, 0, JAVA_ROUND_TRIPS) / JAVA_ROUND_TRIPS;
            Map<String, Long> times = new HashMap<>();
            Map<String, long[]> results = run(program, times);
            for (String[] row : ROWS) {
                String key = row[1] + " " + row[2];
                long[] res = results.get(key);
                Long start = times.get("timing " + key);
                Long end = times.get("timed " + key);
                if (res == null || start == null || end == null) {
                    throw new IOException("pingpong did not report " + row[1] + "-space, " + row[2] + " words");
                }
                ns.computeIfAbsent(row[0], k -> new double[runs])[r] = (double) (end - start) / res[0];
                simulated.put(row[0], res);
            }
        }
        List<Figure> out = new ArrayList<>();
        for (String[] row : ROWS) {
            double[] v = ns.get(row[0]);
            long[] res = simulated.get(row[0]);
            out.add(new Figure(row[0], row[3], SideBySide.median(v), v, res[0], res[1], res[2]));
        }
        return new Result(out, SideBySide.median(java), java);
    }

    /** The rows beside the Java round trip ({@link SideBySide#KOLA_REFERENCE}) timed between their runs. */
    static List<SideBySide.Row> rows(Result result) {
        List<SideBySide.Row> rows = new ArrayList<>();
        for (Figure f : result.figures()) {
            double target = f.name().equals(SideBySide.C_PREFIX + "ipc-0w-xspace") ? SideBySide.C_TARGET : Double.NaN;
            rows.add(new SideBySide.Row(f.name(), f.description(), f.nsPerOp(), SideBySide.KOLA_REFERENCE,
                    SideBySide.ratio(f.runs(), result.javaRuns()), target, f.roundTrips(), SideBySide.spread(f.runs())));
        }
        return rows;
    }

    private static void run(ElfProgram program) throws IOException {
        run(program, new HashMap<>());
    }

    /** One run: the host time of each mark line into {@code times}; returns each result line's figures by "partner words". */
    private static Map<String, long[]> run(ElfProgram program, Map<String, Long> times) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExecCommand.Outcome o = ExecCommand.execute(program, "pingpong", List.of(Integer.toString(ROUND_TRIPS)), new MachineOptions(),
                new PrintStream(out, true, StandardCharsets.UTF_8), false, ExecCommand.runtimeArgs(null, true), line -> {
                    long now = System.nanoTime();
                    Matcher m = MARK.matcher(line);
                    if (m.matches()) {
                        times.put(m.group(1) + " " + m.group(2) + " " + m.group(3), now);
                    }
                });
        String text = out.toString(StandardCharsets.UTF_8);
        if (o.status() == null || o.status() != 0) {
            throw new IOException("pingpong failed (status " + o.status() + "): " + text.strip() + " " + o.said());
        }
        Map<String, long[]> results = new HashMap<>();
        for (String line : text.lines().toList()) {
            Matcher m = RESULT.matcher(line);
            if (m.matches()) {
                results.put(m.group(1) + " " + m.group(2), new long[] {Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)), Long.parseLong(m.group(5))});
            }
        }
        return results;
    }
}
