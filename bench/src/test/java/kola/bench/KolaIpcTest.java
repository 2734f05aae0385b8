package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The IPC benchmark measures real, checked round trips, and the side-by-side arithmetic is right. */
class KolaIpcTest {

    /**
     * {@code n} timed round trips; roundTrips() throws unless all {@code n} completed, each reply's
     * tag and every word checked. Returns their host ns.
     */
    private static long timed(KolaIpc.Layout layout, int words, long n) {
        return HostNanos.assertWithinTheCall(layout + ", " + words + " words", () -> KolaIpc.roundTrips(layout, words, n));
    }

    @Test
    void crossSpaceRoundTripsComplete() {
        timed(KolaIpc.Layout.CROSS_SPACE, 0, 5_000);
        timed(KolaIpc.Layout.CROSS_SPACE, 8, 5_000);
    }

    /** Every reply is checked inside (a wrong one throws): the capability layout really answers each call. */
    @Test
    void capabilityRoundTripsComplete() {
        timed(KolaIpc.Layout.CROSS_SPACE_CAPABILITY, 0, 5_000);
        timed(KolaIpc.Layout.CROSS_SPACE_CAPABILITY, 8, 5_000);
    }

    /** The endpoint layout answers each call too (checked inside), through the endpoint's fast path. */
    @Test
    void endpointRoundTripsComplete() {
        timed(KolaIpc.Layout.CROSS_SPACE_ENDPOINT, 0, 5_000);
        timed(KolaIpc.Layout.CROSS_SPACE_ENDPOINT, 8, 5_000);
    }

    @Test
    void sameSpaceRoundTripsComplete() {
        timed(KolaIpc.Layout.SAME_SPACE, 0, 5_000);
    }

    @Test
    void allWordsRoundTrip() {
        timed(KolaIpc.Layout.CROSS_SPACE, 63, 100);
    }

    @Test
    void badWordCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> KolaIpc.roundTrips(KolaIpc.Layout.CROSS_SPACE, 64, 1));
        assertThrows(IllegalArgumentException.class, () -> KolaIpc.roundTrips(KolaIpc.Layout.CROSS_SPACE, -1, 1));
    }

    @Test
    void sessionAdvancesExactlyTheRoundTripsAskedFor() {
        KolaIpc.Session s = new KolaIpc.Session(KolaIpc.Layout.CROSS_SPACE, 8);
        long before = s.completed();
        s.roundTrips(1_000);
        assertEquals(before + 1_000, s.completed());
        s.roundTrips(1);
        assertEquals(before + 1_001, s.completed());
    }

    @Test
    void ratiosAreKolaOverTheBaseline() {
        List<SideBySide.Measurement> ms = List.of(
                new SideBySide.Measurement(SideBySide.KOLA_REFERENCE, "", true, 150, 1, new double[] {150}),
                new SideBySide.Measurement(SideBySide.FLOOR, "", false, 100, 1, new double[] {100}),
                new SideBySide.Measurement("vthread-syncqueue", "", false, 600, 1, new double[] {600}),
                new SideBySide.Measurement("platform-park", "", false, 2_000, 1, new double[] {2_000}));
        List<SideBySide.Row> rows = SideBySide.rows(List.of(ms));
        assertEquals(4, rows.size());
        assertEquals(1.5, rows.get(0).ratio(), 1e-9);
        assertEquals(SideBySide.FLOOR, rows.get(0).baseline());
        assertTrue(rows.get(0).met());
        assertEquals(0.25, rows.get(2).ratio(), 1e-9);
        assertTrue(rows.get(2).met());
        assertEquals(0.075, rows.get(3).ratio(), 1e-9);
        assertFalse(rows.get(3).met());
    }

    @Test
    void aRatioPairsTheRoundsTakenInTurn() {
        // The host slowed the second round on both sides and the third on Kola's only: each round's
        // ratio is 1.5, 1.5 and 3, their median 1.5. The medians' ratio would set Kola's slow median
        // (300) over the floor's quiet one (100): 3.
        SideBySide.Measurement kola = new SideBySide.Measurement(SideBySide.KOLA_REFERENCE, "", true, 300, 1,
                new double[] {150, 300, 300});
        SideBySide.Measurement floor = new SideBySide.Measurement(SideBySide.FLOOR, "", false, 100, 1,
                new double[] {100, 200, 100});
        assertEquals(1.5, SideBySide.ratio(kola, floor), 1e-9);
        assertEquals(1.5, SideBySide.rows(List.of(List.of(kola, floor))).get(0).ratio(), 1e-9);
        assertEquals(1 / 1.5, SideBySide.ratio(floor, kola), 1e-9);
        // An even count: the mean of the middle two (1.5 and 2).
        assertEquals(1.75, SideBySide.ratio(new double[] {3, 4, 8, 1}, new double[] {2, 2, 2, 1}), 1e-9);
        // Rounds that were not taken in turn cannot be paired.
        assertThrows(IllegalArgumentException.class, () -> SideBySide.ratio(new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> SideBySide.ratio(new double[0], new double[0]));
    }

    @Test
    void groupedRowsUseTheBaselinesOfTheirOwnGroupAndReportEachRowOnce() {
        List<SideBySide.Measurement> global = List.of(
                new SideBySide.Measurement(SideBySide.KOLA_REFERENCE, "", true, 150, 1, new double[] {150}),
                new SideBySide.Measurement(SideBySide.FLOOR, "", false, 100, 1, new double[] {100}),
                new SideBySide.Measurement("vthread-syncqueue", "", false, 600, 1, new double[] {600}));
        List<SideBySide.Measurement> caps = List.of(
                new SideBySide.Measurement(SideBySide.KOLA_REFERENCE, "", true, 200, 1, new double[] {200}),
                new SideBySide.Measurement(SideBySide.CAPABILITY, "", true, 210, 1, new double[] {210}));
        List<SideBySide.Measurement> sandboxed = List.of(
                new SideBySide.Measurement("kola-ipc-0w-xspace-sandboxed", "", true, 120, 1, new double[] {120}),
                new SideBySide.Measurement(SideBySide.FLOOR, "", false, 80, 1, new double[] {80}));
        List<SideBySide.Row> rows = SideBySide.rows(List.of(global, caps, sandboxed));
        assertEquals(List.of(SideBySide.KOLA_REFERENCE, SideBySide.CAPABILITY, "kola-ipc-0w-xspace-sandboxed",
                SideBySide.FLOOR, "vthread-syncqueue"), rows.stream().map(SideBySide.Row::name).toList());
        assertEquals(150, rows.get(0).nsPerOp(), 1e-9); // the reference row of the first group
        assertEquals(1.5, rows.get(0).ratio(), 1e-9);
        assertEquals(1.05, rows.get(1).ratio(), 1e-9); // over its own group's reference (200), not the first's
        assertEquals(1.5, rows.get(2).ratio(), 1e-9); // over its own group's floor (80)
        assertEquals(100, rows.get(3).nsPerOp(), 1e-9);
        assertEquals(0.25, rows.get(4).ratio(), 1e-9);
    }

    @Test
    void everyContenderIsInAGroupWithItsBaselines() {
        // A row is reported from the first group that measures it: its baseline must be measured there.
        java.util.Set<String> names = new java.util.HashSet<>();
        for (List<SideBySide.Contender> group : SideBySide.ipcGroups()) {
            List<String> inGroup = group.stream().map(SideBySide.Contender::name).toList();
            for (SideBySide.Contender c : group) {
                if (!names.add(c.name())) {
                    continue;
                }
                String baseline = c.kola() && !c.name().equals(SideBySide.CAPABILITY) && !c.name().equals(SideBySide.ENDPOINT)
                        ? SideBySide.FLOOR : SideBySide.KOLA_REFERENCE;
                assertTrue(inGroup.contains(baseline), c.name() + " without " + baseline);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> SideBySide.rows(List.of(List.of(
                new SideBySide.Measurement(SideBySide.CAPABILITY, "", true, 210, 1, new double[] {210})))));
    }

    @Test
    void everyRowComparedWithTheFloorIsTheOnlyKolaSystemInItsJvm() {
        // Another system run in the same JVM would move its figure: the JIT compiles the kernel
        // paths of every system the JVM ran into the same code.
        int withFloor = 0;
        for (List<SideBySide.Contender> group : SideBySide.ipcGroups()) {
            List<String> kola = group.stream().filter(SideBySide.Contender::kola).map(SideBySide.Contender::name).toList();
            if (group.stream().anyMatch(c -> c.name().equals(SideBySide.FLOOR))) {
                assertEquals(1, kola.size(), kola.toString());
                withFloor++;
            }
        }
        assertEquals(List.of(SideBySide.KOLA_REFERENCE, SideBySide.FLOOR, SideBySide.HOST_PROBE),
                SideBySide.ipcGroups().get(0).stream().map(SideBySide.Contender::name).toList());
        assertEquals(4, withFloor); // 0 words, 8 words, same space, sandboxed
    }

    @Test
    void theEightWordRowIsComparedWithTheFloorWithoutATarget() {
        // As ipcGroups measures it: in a JVM of its own, with a floor of its own.
        List<SideBySide.Row> rows = SideBySide.rows(List.of(List.of(
                        new SideBySide.Measurement(SideBySide.KOLA_REFERENCE, "", true, 200, 1, new double[] {200, 200, 200}),
                        new SideBySide.Measurement(SideBySide.FLOOR, "", false, 100, 1, new double[] {100, 100, 100})),
                List.of(new SideBySide.Measurement(SideBySide.EIGHT_WORDS, "", true, 300, 1, new double[] {300, 300, 450}),
                        new SideBySide.Measurement(SideBySide.FLOOR, "", false, 150, 1, new double[] {150, 150, 150}))));
        SideBySide.Row eight = rows.get(1);
        assertEquals(SideBySide.EIGHT_WORDS, eight.name());
        assertEquals(SideBySide.FLOOR, eight.baseline());
        assertEquals(2, eight.ratio(), 1e-9);
        assertTrue(Double.isNaN(eight.target()));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        SideBySide.printTable(rows, new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        String line = text.lines().filter(l -> l.startsWith(SideBySide.EIGHT_WORDS)).findFirst().orElseThrow();
        assertTrue(line.matches(SideBySide.EIGHT_WORDS + " +300\\.0 +50\\.0%  " + SideBySide.FLOOR
                + " +2\\.000 +-  - \\(2\\.00x the floor\\)"), line);
        assertFalse(text.contains("warning"), text); // its spread warns of nothing: it has no target
    }

    @Test
    void theHostProbeIsAnInformationalRowOfTheFloorsGroup() {
        // It is timed in the JVM and rounds of the 0-word row and the floor, and compared with nothing.
        List<String> first = SideBySide.ipcGroups().get(0).stream().map(SideBySide.Contender::name).toList();
        assertTrue(first.containsAll(List.of(SideBySide.KOLA_REFERENCE, SideBySide.FLOOR, SideBySide.HOST_PROBE)), first.toString());
        List<SideBySide.Measurement> ms = List.of(
                new SideBySide.Measurement(SideBySide.KOLA_REFERENCE, "", true, 150, 1, new double[] {150, 160}),
                new SideBySide.Measurement(SideBySide.FLOOR, "", false, 100, 1, new double[] {100, 100}),
                new SideBySide.Measurement(SideBySide.HOST_PROBE, "", false, 17, 5, new double[] {16, 18}));
        List<SideBySide.Row> rows = SideBySide.rows(List.of(ms));
        SideBySide.Row probe = rows.get(2);
        assertEquals(SideBySide.HOST_PROBE, probe.name());
        assertEquals(SideBySide.HOST_PROBE, probe.baseline());
        assertEquals(1, probe.ratio(), 0);
        assertTrue(Double.isNaN(probe.target()));
        assertEquals(2 / 17.0, probe.spread(), 1e-9);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        SideBySide.printTable(rows, new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        String line = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith(SideBySide.HOST_PROBE)).findFirst().orElseThrow();
        assertTrue(line.matches(SideBySide.HOST_PROBE + " +17\\.0 +11\\.8%  " + SideBySide.HOST_PROBE
                + " +1\\.000 +-  - \\(the host's state; BENCHMARKS\\.md\\)"), line);
    }

    @Test
    void theHostProbeMakesEveryCallInItsOrder() {
        // The value after n timed calls is what the same calls compute untimed, so none was dropped.
        for (long n : new long[] {0, 1, 63, BranchProbe.ORDER_LENGTH, 3 * BranchProbe.ORDER_LENGTH + 5}) {
            BranchProbe.run(n);
            assertEquals(BranchProbe.valueAfter(n), BranchProbe.last(), "after " + n + " calls");
        }
        assertEquals(1, BranchProbe.valueAfter(0));
        // The order reaches every one of the functions: each call is an indirect call to one of 128 targets.
        java.util.Set<Byte> called = new java.util.HashSet<>();
        for (byte b : BranchProbe.ORDER) {
            called.add(b);
        }
        assertEquals(128, BranchProbe.functions());
        assertEquals(BranchProbe.functions(), called.size());
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2, SideBySide.median(new double[] {3, 1, 2}));
        assertEquals(2.5, SideBySide.median(new double[] {4, 1, 2, 3}));
    }
}
