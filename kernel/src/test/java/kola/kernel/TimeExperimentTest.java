package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The temporal-partitioning experiment's outcomes (docs/EXPERIMENTS.md): interference, covert channels, costs. */
class TimeExperimentTest {
    @Test
    void budgetsAndDomainsProtectTheTaskAndEachCounterMeasureClosesItsChannels() {
        Map<String, Double> v = TimeExperiment.run().stream()
                .collect(Collectors.toMap(r -> r.model() + " " + r.metric(), CommExperiment.Row::value));
        double period = TimeExperiment.PERIOD_MICROS;
        for (String h : new String[] {"spin", "flood", "thrash"}) {
            // Priorities alone: the hostile partition, above the task, takes the CPU until it stops.
            assertEquals(TimeExperiment.JOBS, v.get("priorities " + h + "-deadline-misses"), h);
            assertTrue(v.get("priorities " + h + "-worst-latency") > 10 * period, h);
            if (h.equals("flood")) {
                // Budgets bound the flooders' CPU, not what they make the shared passive server hold: a
                // flooder whose budget runs out inside the server keeps it until its refill, and the
                // task's call waits behind it (there is no timeout-fault handler to abort the call).
                double misses = v.get("budgets flood-deadline-misses");
                assertTrue(misses > 0 && misses < TimeExperiment.JOBS, "budgets under flood: " + misses);
                assertTrue(v.get("budgets flood-worst-latency") > period, "a job waits out a flooder's refill");
            } else {
                // Budgets: no misses; the worst latency is about the hostile budget (300 µs) and the job.
                assertEquals(0.0, v.get("budgets " + h + "-deadline-misses"), h);
                assertTrue(v.get("budgets " + h + "-worst-latency") < 0.5 * period, h);
            }
            // Domains: no misses, and less latency and jitter than budgets give.
            assertEquals(0.0, v.get("domains " + h + "-deadline-misses"), h);
            assertTrue(v.get("domains " + h + "-worst-latency") < v.get("budgets " + h + "-worst-latency"), h);
            assertTrue(v.get("domains " + h + "-jitter") < v.get("budgets " + h + "-jitter"), h);
        }
        double open = v.get("none cache-channel");
        assertTrue(open > 1900, "a bit per round without counter-measure: " + open);
        assertEquals(open, v.get("none tlb-channel"));
        assertEquals(0.0, v.get("none switch-channel"));
        // Flushing closes the cache and TLB channels but its cost depends on the lines the sender left: the switch leaks.
        assertEquals(0.0, v.get("flush cache-channel"));
        assertEquals(0.0, v.get("flush tlb-channel"));
        assertTrue(v.get("flush switch-channel") > 1000);
        // Colouring separates the cache, not the TLB.
        assertEquals(0.0, v.get("partition cache-channel"));
        assertEquals(open, v.get("partition tlb-channel"));
        // Padding alone closes nothing the sender leaves in the cache or TLB; with flushing it closes all three.
        assertEquals(open, v.get("pad cache-channel"));
        assertEquals(0.0, v.get("flush+pad cache-channel"));
        assertEquals(0.0, v.get("flush+pad tlb-channel"));
        assertEquals(0.0, v.get("flush+pad switch-channel"));
        // Costs: each counter-measure does less work than none; flush with pad costs more than either.
        assertEquals(0.0, v.get("none throughput-cost"));
        for (String m : new String[] {"flush", "pad", "partition"}) {
            assertTrue(v.get(m + " throughput-cost") > 0, m);
            assertTrue(v.get("flush+pad throughput-cost") >= v.get("flush throughput-cost"), m);
        }
        assertTrue(v.get("partition throughput-cost") > 50, "48 KiB of work in half of a 64 KiB cache");
    }

    @Test
    void aChannelRunIsTheSameTwice() {
        assertArrayEquals(TimeExperiment.channelRun(TimeExperiment.Measure.FLUSH, false, true),
                TimeExperiment.channelRun(TimeExperiment.Measure.FLUSH, false, true));
    }
}
