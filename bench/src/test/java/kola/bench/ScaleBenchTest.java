package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The scale harness: every thread is created and blocks, and every client's round trips complete. */
class ScaleBenchTest {
    @Test
    void threadsAcrossSeveralSpacesAllBlock() {
        ScaleBench.Blocked b = ScaleBench.blocked(2_500); // three spaces: 1024 + 1024 + 452
        assertEquals(2_500, b.threads());
        assertTrue(b.nanos() > 0);
        assertTrue(b.heapAfter() > 0);
    }

    @Test
    void clientsInterleaveAndComplete() {
        for (int n : new int[] {1, 2, 50}) {
            ScaleBench.Clients c = new ScaleBench.Clients(n);
            long before = c.completed();
            assertTrue(c.timedRoundTrips(5_000) > 0);
            assertEquals(5_000, c.completed() - before, 2);
        }
    }

    @Test
    void scaleSizes() {
        assertEquals(List.of(10_000, 100_000), KernelBenchmarks.scaleSizes(100_000));
        assertEquals(List.of(10_000, 100_000, 1_000_000), KernelBenchmarks.scaleSizes(1_000_000));
        assertEquals(List.of(3_000), KernelBenchmarks.scaleSizes(3_000));
        assertEquals(List.of(10_000, 50_000), KernelBenchmarks.scaleSizes(50_000));
    }
}
