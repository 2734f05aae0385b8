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
        List<SideBySide.Row> rows = SideBySide.rows(ms);
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
    void medianOfOddAndEvenCounts() {
        assertEquals(2, SideBySide.median(new double[] {3, 1, 2}));
        assertEquals(2.5, SideBySide.median(new double[] {4, 1, 2, 3}));
    }
}
