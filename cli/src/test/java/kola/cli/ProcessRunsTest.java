package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code kola bench --processes N}: each benchmark in N fresh JVMs, each row summarised over them
 * ({@link ProcessRuns}): medians, ranges, and a target met only if every process met it.
 */
class ProcessRunsTest {
    private static String row(String name, double value, String baseline, Double ratio, Double target) {
        return "{\"name\":\"" + name + "\",\"ns_per_op\":" + value + ",\"baseline\":\"" + baseline + "\",\"ratio\":" + ratio
                + ",\"target\":" + target + "}\n";
    }

    @Test
    void eachRowIsTheMedianOverTheProcessesAndMetOnlyIfEveryProcessMetIt() throws Exception {
        ProcessRuns runs = new ProcessRuns("scale");
        double[][] perProcess = {{500, 1.80, 250}, {540, 2.06, 262}, {460, 1.70, 270}};
        for (double[] p : perProcess) {
            runs.add("a progress line, not a row\n" + row("many", p[0], "one", p[1], 2.0) + row("one", p[2], "one", 1.0, null)
                    + row("held", p[2], "one", 1.2, 1.5));
        }
        assertEquals(3, runs.processes());
        List<ProcessRuns.Row> rows = runs.rows();
        assertEquals(List.of("many", "one", "held"), rows.stream().map(ProcessRuns.Row::name).toList());
        ProcessRuns.Row many = rows.get(0);
        assertEquals(500, many.value(), 1e-9);
        assertEquals(1.80, many.ratio(), 1e-9);
        assertEquals(List.of(500.0, 540.0, 460.0), many.values()); // in the order the processes ran
        assertEquals(2, many.metIn());
        assertFalse(many.met(3));
        assertEquals("MISSED: met in 2 of 3 (worst 2.060)", many.verdict(3));
        assertEquals("-", rows.get(1).verdict(3));
        assertFalse(rows.get(1).hasTarget());
        assertTrue(rows.get(2).met(3));
        assertEquals("met in 3 of 3", rows.get(2).verdict(3));

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        runs.printTable(new PrintStream(text, true, StandardCharsets.UTF_8));
        String table = text.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("kola bench scale in 3 processes"), table);
        String manyLine = table.lines().filter(l -> l.startsWith("many ")).findFirst().orElseThrow();
        assertTrue(manyLine.contains("500.0 [460.0 - 540.0]"), manyLine);
        assertTrue(manyLine.contains("1.800 [1.700 - 2.060]"), manyLine);
        assertTrue(manyLine.contains("<= 2.00  MISSED: met in 2 of 3 (worst 2.060)"), manyLine);
        // Each targeted row's ratio in every process, in the order they ran (not the untargeted "one").
        List<String> each = table.lines().dropWhile(l -> !l.contains("Each process's ratio")).skip(1).toList();
        assertEquals(2, each.size(), table);
        assertTrue(each.get(0).matches("  many +1\\.800 2\\.060 1\\.700"), each.get(0));
        assertTrue(each.get(1).matches("  held +1\\.200 1\\.200 1\\.200"), each.get(1));

        ByteArrayOutputStream json = new ByteArrayOutputStream();
        runs.printJson(new PrintStream(json, true, StandardCharsets.UTF_8));
        List<JsonNode> objects = new ArrayList<>();
        for (String line : json.toString(StandardCharsets.UTF_8).split("\n")) {
            objects.add(new ObjectMapper().readTree(line));
        }
        assertEquals(3, objects.size());
        JsonNode m = objects.get(0);
        assertEquals("many", m.path("name").asText());
        assertEquals(500, m.path("ns_per_op").asDouble(), 1e-9);
        assertEquals(1.80, m.path("ratio").asDouble(), 1e-9);
        assertEquals(2.0, m.path("target").asDouble(), 1e-9);
        assertEquals(3, m.path("processes").asInt());
        assertEquals(2, m.path("met_in").asInt());
        assertEquals(2.06, m.path("ratio_each").get(1).asDouble(), 1e-9);
        assertEquals(540, m.path("ns_per_op_each").get(1).asDouble(), 1e-9);
        assertTrue(objects.get(1).path("target").isNull());
        assertTrue(objects.get(1).path("met_in").isNull());
    }

    @Test
    void aRowWithoutARatioInSomeProcessIsNotMet() throws Exception {
        ProcessRuns runs = new ProcessRuns("riscv");
        runs.add(row("prog", 2.0, "qemu", 1.5, 3.0));
        runs.add(row("prog", 2.2, "qemu", null, 3.0)); // (that process had no baseline to compare with)
        ProcessRuns.Row r = runs.rows().get(0);
        assertEquals(List.of(2.0, 2.2), r.values());
        assertEquals(List.of(1.5), r.ratios());
        assertFalse(r.met(2));
        assertEquals("MISSED: a ratio in 1 of 2 processes", r.verdict(2));
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        runs.printJson(new PrintStream(json, true, StandardCharsets.UTF_8));
        assertEquals(1, new ObjectMapper().readTree(json.toString(StandardCharsets.UTF_8)).path("met_in").asInt());
    }

    @Test
    void aProcessThatReportedNoRowOrARowWithoutAValueIsRefused() throws Exception {
        ProcessRuns runs = new ProcessRuns("memory");
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> runs.add("warming up...\n"));
        assertEquals("the process measuring memory reported no row", none.getMessage());
        assertThrows(IllegalStateException.class, () -> runs.add("{\"name\":\"x\",\"ns_per_op\":\"fast\"}\n"));
        // A report refused at its second row adds nothing of its first.
        assertThrows(IllegalStateException.class, () -> runs.add(row("fine", 1.0, "fine", 1.0, null) + "{\"name\":\"y\"}\n"));
        assertThrows(IllegalStateException.class, () -> runs.add("{\"ns_per_op\":1.0}\n"));
        IllegalStateException notJson = assertThrows(IllegalStateException.class, () -> runs.add("{\"name\": oops\n"));
        assertEquals("a line of the report of memory is not JSON: {\"name\": oops", notJson.getMessage());
        assertEquals(0, runs.processes());
        assertTrue(runs.rows().isEmpty());
    }

    @Test
    void aNumberOfProcessesOutsideItsRangeIsRefused() {
        for (String n : new String[] {"0", "-1", String.valueOf(BenchCommand.MAX_PROCESSES + 1)}) {
            ImageFileTest.Cli r = ImageFileTest.kola("bench", "--processes", n, "map");
            assertEquals(2, r.code(), n);
            assertEquals("kola bench: --processes must lie in 1.." + BenchCommand.MAX_PROCESSES + ", not " + n + "\n",
                    r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void twoFreshJvmsMeasureTheBenchmarkAndTheirRowsAreSummarised() throws Exception {
        Process p = new ProcessBuilder(KolaJvm.command(List.of(), "bench", "--processes", "2", "map", "--rounds", "1", "--json"))
                .redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        List<String> names = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            JsonNode n = new ObjectMapper().readTree(line);
            names.add(n.path("name").asText());
            assertEquals(2, n.path("processes").asInt(), line);
            assertEquals(2, n.path("ns_per_op_each").size(), line);
            assertEquals(2, n.path("ratio_each").size(), line);
            double lo = Math.min(n.path("ns_per_op_each").get(0).asDouble(), n.path("ns_per_op_each").get(1).asDouble());
            double hi = Math.max(n.path("ns_per_op_each").get(0).asDouble(), n.path("ns_per_op_each").get(1).asDouble());
            assertEquals((lo + hi) / 2, n.path("ns_per_op").asDouble(), 1e-6, line); // the median of two
            assertTrue(lo > 0, line);
            assertTrue(n.path("target").isNull(), line); // (map's rows have none)
        }
        assertEquals(List.of("kola-map-unmap-page", "kola-ipc-0w-xspace"), names);
    }
}
