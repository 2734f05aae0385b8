package kola.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kola.bench.SideBySide;

/**
 * One benchmark measured in several fresh JVMs ({@code kola bench --processes N}): what each
 * process reported ({@code --json}, a row per line), and each row over the processes: the median
 * of its value and of its ratio, their ranges, and in how many processes the ratio met the
 * target. A target is met only if it was met in every process: a figure that holds in two runs
 * of three does not hold (BENCHMARKS.md).
 */
final class ProcessRuns {
    /** A row's figures, one per process that reported it, in the order the processes ran. */
    record Row(String name, String baseline, double target, List<Double> values, List<Double> ratios) {
        /** The median value over the processes. */
        double value() {
            return median(values);
        }

        /** The median ratio over the processes (NaN if no process had one). */
        double ratio() {
            return median(ratios);
        }

        boolean hasTarget() {
            return !Double.isNaN(target);
        }

        /** The processes whose ratio met the target. */
        int metIn() {
            return (int) ratios.stream().filter(r -> r <= target).count();
        }

        /** Met in every one of {@code processes}: each reported the row with a ratio, and each ratio met the target. */
        boolean met(int processes) {
            return hasTarget() && ratios.size() == processes && metIn() == processes;
        }

        /** The table's verdict over {@code processes}. */
        String verdict(int processes) {
            if (!hasTarget()) {
                return "-";
            }
            if (ratios.size() < processes) {
                return "MISSED: a ratio in " + ratios.size() + " of " + processes + " processes";
            }
            if (met(processes)) {
                return "met in " + processes + " of " + processes;
            }
            double worst = ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            return String.format(Locale.ROOT, "MISSED: met in %d of %d (worst %.3f)", metIn(), processes, worst);
        }
    }

    private final String benchmark;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private int processes;

    ProcessRuns(String benchmark) {
        this.benchmark = benchmark;
    }

    /**
     * Adds what one process printed with {@code --json}: one object per line with name,
     * ns_per_op, baseline, ratio and target (the last two may be null; other lines are ignored).
     * A report that is refused adds nothing.
     *
     * @throws IllegalStateException if the process reported no row, a line of it is not JSON, or a
     *                               row has no name or value
     */
    void add(String text) {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> reported = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode n;
            try {
                n = mapper.readTree(line);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("a line of the report of " + benchmark + " is not JSON: " + line);
            }
            if (!n.path("name").isTextual() || !n.path("ns_per_op").isNumber()) {
                throw new IllegalStateException("a row of " + benchmark + " without a name or value: " + line);
            }
            reported.add(n);
        }
        if (reported.isEmpty()) {
            throw new IllegalStateException("the process measuring " + benchmark + " reported no row");
        }
        for (JsonNode n : reported) {
            JsonNode target = n.path("target");
            Row row = rows.computeIfAbsent(n.path("name").asText(), k -> new Row(k, n.path("baseline").asText(""),
                    target.isNumber() ? target.asDouble() : Double.NaN, new ArrayList<>(), new ArrayList<>()));
            row.values().add(n.path("ns_per_op").asDouble());
            if (n.path("ratio").isNumber()) {
                row.ratios().add(n.path("ratio").asDouble());
            }
        }
        processes++;
    }

    int processes() {
        return processes;
    }

    List<Row> rows() {
        return List.copyOf(rows.values());
    }

    /** The rows as a table: median value and its range, baseline, median ratio and its range, target, verdict. */
    void printTable(PrintStream out) {
        out.printf(Locale.ROOT, "kola bench %s in %d processes (each a fresh JVM): each row's median over them, "
                + "[lowest - highest]%n", benchmark, processes);
        List<Row> all = rows();
        int names = Math.max(28, all.stream().mapToInt(r -> r.name().length()).max().orElse(0));
        int baselines = Math.max(20, all.stream().mapToInt(r -> r.baseline().length()).max().orElse(0));
        String columns = "%-" + names + "s %12s %-23s  %-" + baselines + "s %8s %-19s %9s  %s%n";
        out.printf(Locale.ROOT, columns, "name", "value", "[lowest - highest]", "baseline", "ratio", "[lowest - highest]",
                "target", "");
        for (Row r : all) {
            String ratio = r.ratios().isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f", r.ratio());
            String digits = digits(r.value());
            out.printf(Locale.ROOT, columns, r.name(), String.format(Locale.ROOT, digits, r.value()),
                    range(r.values(), v -> String.format(Locale.ROOT, digits, v)), r.baseline(), ratio,
                    range(r.ratios(), v -> String.format(Locale.ROOT, "%.3f", v)),
                    r.hasTarget() ? "<= " + SideBySide.formatTarget(r.target()) : "-", r.verdict(processes));
        }
        out.println("value: each process's ns_per_op (as --json: ns per operation; bytes for the heap rows); "
                + "ratio: each process's ratio over its baseline.");
        out.println("A target is met only if every process met it. Each process's ratio, in the order they ran:");
        for (Row r : all) {
            if (r.hasTarget()) {
                StringBuilder each = new StringBuilder();
                r.ratios().forEach(v -> each.append(String.format(Locale.ROOT, " %.3f", v)));
                out.printf(Locale.ROOT, "  %-" + names + "s%s%n", r.name(), each);
            }
        }
    }

    /**
     * The rows as JSON, one object per line: name, ns_per_op and ratio (the medians), baseline,
     * target (null: none), processes, met_in (null without a target), and each process's
     * ns_per_op and ratio in the order they ran.
     */
    void printJson(PrintStream out) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        for (Row r : rows()) {
            ObjectNode o = mapper.createObjectNode();
            o.put("name", r.name());
            o.put("ns_per_op", r.value());
            o.put("baseline", r.baseline());
            putNumber(o, "ratio", r.ratio());
            putNumber(o, "target", r.target());
            o.put("processes", processes);
            if (r.hasTarget()) {
                o.put("met_in", r.metIn()); // (a process without a ratio for the row did not meet it)
            } else {
                o.putNull("met_in");
            }
            ArrayNode values = o.putArray("ns_per_op_each");
            r.values().forEach(values::add);
            ArrayNode ratios = o.putArray("ratio_each");
            r.ratios().forEach(ratios::add);
            out.println(mapper.writeValueAsString(o));
        }
    }

    /** Puts {@code v}, or null if it is not a finite number. */
    static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    private static String range(List<Double> v, java.util.function.DoubleFunction<String> format) {
        if (v.isEmpty()) {
            return "";
        }
        double lo = v.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double hi = v.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return "[" + format.apply(lo) + " - " + format.apply(hi) + "]";
    }

    /** The format of a row's values, by its median: one decimal from 100 up, two from 1, three below. */
    private static String digits(double median) {
        return Math.abs(median) >= 100 ? "%.1f" : Math.abs(median) >= 1 ? "%.2f" : "%.3f";
    }

    private static double median(List<Double> v) {
        return v.isEmpty() ? Double.NaN : SideBySide.median(v.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
