package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel benchmarks' rows: names, baselines, ratios and verdicts, on tiny configurations. */
class KernelBenchmarksTest {
    private static final KernelBenchmarks.Options ONE_ROUND = new KernelBenchmarks.Options(1, 2_000);

    @Test
    void unmapRowsAreRelativeToTheSmallestTree() {
        List<KernelBenchmarks.Result> rows = KernelBenchmarks.unmap(ONE_ROUND, null, new int[] {100, 400}, 800);
        assertEquals(2, rows.size());
        assertEquals("kola-unmap-tree-100", rows.get(0).name());
        assertEquals(1.0, rows.get(0).ratio(), 1e-9);
        assertFalse(rows.get(0).hasTarget());
        assertEquals("kola-unmap-tree-100", rows.get(1).baseline());
        assertEquals(rows.get(1).value() / rows.get(0).value(), rows.get(1).ratio(), 1e-9);
        assertTrue(rows.get(1).hasTarget());
    }

    @Test
    void scaleRowsHaveHeapTargetsAndClientRatios() throws Exception {
        List<KernelBenchmarks.Result> rows = KernelBenchmarks.scale(ONE_ROUND, null, new int[] {1, 3});
        assertEquals("kola-scale-create-2000", rows.get(0).name());
        KernelBenchmarks.Result heap = rows.get(1);
        assertEquals("kola-scale-heap-bytes-per-thread-2000", heap.name());
        assertEquals("target-2048-bytes", heap.baseline());
        assertEquals(heap.value() / 2048, heap.ratio(), 1e-9);
        assertEquals("kola-scale-ipc-1-client", rows.get(2).name());
        assertEquals("kola-scale-ipc-3-clients", rows.get(3).name());
        assertEquals("kola-scale-ipc-1-client", rows.get(3).baseline());
        assertEquals(rows.get(3).value() / rows.get(2).value(), rows.get(3).ratio(), 1e-9);
        // The bare continuations: informational, against the fewest clients' round robin.
        assertEquals(12, rows.size());
        KernelBenchmarks.Result robinOne = rows.get(4);
        KernelBenchmarks.Result robinMost = rows.get(5);
        assertEquals("continuation-scale-1-client", robinOne.name());
        assertEquals("continuation-scale-3-clients", robinMost.name());
        assertEquals("continuation-scale-1-client", robinMost.baseline());
        assertEquals(robinMost.value() / robinOne.value(), robinMost.ratio(), 1e-9);
        assertFalse(robinMost.hasTarget());
        // The same with 20 lines of state per client, against the fewest clients' with it.
        assertEquals("continuation-scale-1-client-20-lines", rows.get(6).name());
        assertEquals("continuation-scale-3-clients-20-lines", rows.get(7).name());
        assertEquals("continuation-scale-1-client-20-lines", rows.get(7).baseline());
        assertEquals(rows.get(7).value() / rows.get(6).value(), rows.get(7).ratio(), 1e-9);
        assertFalse(rows.get(7).hasTarget());
        // Kola's layout of 9 lines in 20, and the same 9 lines with nothing between, each against its own fewest.
        List<String> names = rows.subList(8, 12).stream().map(KernelBenchmarks.Result::name).toList();
        assertEquals(List.of("continuation-scale-1-client-kola-layout", "continuation-scale-3-clients-kola-layout",
                "continuation-scale-1-client-9-lines-in-order", "continuation-scale-3-clients-9-lines-in-order"), names);
        for (int i : new int[] {9, 11}) {
            assertEquals(rows.get(i - 1).name(), rows.get(i).baseline());
            assertEquals(rows.get(i).value() / rows.get(i - 1).value(), rows.get(i).ratio(), 1e-9);
            assertFalse(rows.get(i).hasTarget());
        }
    }

    @Test
    void verdictsInTheTable() {
        List<KernelBenchmarks.Result> rows = List.of(
                new KernelBenchmarks.Result("a", "", 10, "ns/op", "b", 2, 3, 0, "10"),
                new KernelBenchmarks.Result("c", "", 10, "ns/op", "b", 4, 3, 0, "10"),
                new KernelBenchmarks.Result("d", "", 10, "ns/op", "b", 4, Double.NaN, 0, "10"));
        assertTrue(rows.get(0).met());
        assertFalse(rows.get(1).met());
        assertTrue(rows.get(2).met());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        KernelBenchmarks.printTable(rows, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("met (67% of the allowance)"), table);
        assertTrue(table.contains("MISSED by 1.33x"), table);
        assertTrue(table.contains("(informational)"), table);
        assertFalse(table.contains("warning"), table);
    }

    @Test
    void aTargetWhoseRowsSpreadIsFlaggedOnce() {
        // The targeted row itself, or the measured baseline it is a ratio over, spread more than the
        // rounds of an undisturbed host do: one warning, naming the first such row.
        KernelBenchmarks.Result base = new KernelBenchmarks.Result("base", "", 10, "ns/op", "base", 1, Double.NaN, 0.30, "10");
        KernelBenchmarks.Result quietBase = new KernelBenchmarks.Result("base", "", 10, "ns/op", "base", 1, Double.NaN, 0.05, "10");
        KernelBenchmarks.Result target = new KernelBenchmarks.Result("t", "", 15, "ns/op", "base", 1.5, 2, 0.05, "15");
        KernelBenchmarks.Result noisyTarget = new KernelBenchmarks.Result("t", "", 15, "ns/op", "base", 1.5, 2, 0.40, "15");
        KernelBenchmarks.Result noisyInformational = new KernelBenchmarks.Result("i", "", 15, "ns/op", "base", 1.5,
                Double.NaN, 0.90, "15");
        assertTrue(table(List.of(base, target)).contains("warning: base varied by 30% between rounds: the host was busy; "
                + "the verdicts that depend on it are unreliable, run again on a quiet machine\n"));
        String both = table(List.of(quietBase, noisyTarget, noisyInformational));
        assertTrue(both.contains("warning: t varied by 40%"), both);
        assertEquals(1, both.split("warning", -1).length - 1, both);
        // Spread where no target depends on it is no reason to doubt a verdict, nor is that of a row
        // against a fixed target (a heap row, a boot time).
        assertFalse(table(List.of(quietBase, target, noisyInformational)).contains("warning"));
        KernelBenchmarks.Result noisyHeap = new KernelBenchmarks.Result("h", "", 1_700, "bytes/thread", "target-2048-bytes",
                0.83, 1, 0.40, "1700");
        assertFalse(table(List.of(noisyHeap, quietBase, target)).contains("warning"));
        KernelBenchmarks.Result noisyBoot = new KernelBenchmarks.Result("b", "", 9e7, "ns/boot", "target-1s", 0.09, 1, 0.86,
                "90000000");
        assertFalse(table(List.of(noisyBoot, quietBase, target)).contains("warning"));
    }

    @Test
    void aLongNameWidensItsColumnSoTheOthersStayAligned() {
        String longName = "continuation-scale-10000-clients-9-lines-in-order-and-more";
        String longBase = "continuation-scale-1-client-9-lines-in-order-and-more";
        List<KernelBenchmarks.Result> rows = List.of(
                new KernelBenchmarks.Result("a", "", 10, "ns/op", "a", 1, Double.NaN, 0, "10"),
                new KernelBenchmarks.Result(longName, "", 20, "ns/op", longBase, 2.5, Double.NaN, 0, "20"));
        List<String> lines = table(rows).lines().toList();
        assertTrue(lines.get(2).startsWith(longName + " "), lines.get(2));
        assertEquals(lines.get(0).indexOf("ratio") + "ratio".length(), lines.get(1).indexOf("1.000") + "1.000".length(),
                lines.get(0) + "\n" + lines.get(1));
        assertEquals(lines.get(1).indexOf("1.000"), lines.get(2).indexOf("2.500"), lines.get(1) + "\n" + lines.get(2));
        assertTrue(lines.get(2).contains(" " + longBase + " "), lines.get(2));
    }

    private static String table(List<KernelBenchmarks.Result> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        KernelBenchmarks.printTable(rows, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badOptionsAndNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new KernelBenchmarks.Options(0, 10_000));
        assertThrows(IllegalArgumentException.class, () -> new KernelBenchmarks.Options(1, 0));
        assertThrows(IllegalArgumentException.class, () -> KernelBenchmarks.run("nope", ONE_ROUND, null));
    }
}
