package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The page-fault harness: every load faults, is served by the pager and reads the pager's page. */
class PageFaultBenchTest {
    @Test
    void everyLoadFaultsOnce() {
        // measure() checks loads == n and faults == warm-up + n itself.
        HostNanos.assertWithinTheCall("page-fault round trip", () -> PageFaultBench.measure(1_000));
    }

    @Test
    void sessionServesOneFaultPerThreeKernelEntries() {
        PageFaultBench.Session s = new PageFaultBench.Session();
        long loads = s.completed();
        long faults = s.faultsServed();
        s.faults(500);
        assertEquals(500, s.completed() - loads, 1);
        assertEquals(500, s.faultsServed() - faults, 1);
    }
}
