package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The memory-accessor harness: sums check out, hits do not walk, misses walk every time. */
class MemoryBenchTest {
    @Test
    void tlbHitLoadsDoNotWalk() {
        MemoryBench.Result[] r = new MemoryBench.Result[1];
        HostNanos.assertWithinTheCall("TLB-hit loads", () -> (r[0] = MemoryBench.measure(MemoryBench.Mode.TLB_HIT,
                MemoryBench.BATCH)).nanos());
        assertEquals(MemoryBench.BATCH, r[0].loads());
        assertEquals(0, r[0].walks(), 16);
    }

    @Test
    void tlbMissLoadsWalkEveryTime() {
        MemoryBench.Result r = MemoryBench.measure(MemoryBench.Mode.TLB_MISS, MemoryBench.BATCH);
        assertTrue(r.walks() >= r.loads(), r.walks() + " walks for " + r.loads() + " loads");
    }

    @Test
    void aWarmWorkerTimesEachRoundOnItsOneSystemWithOneKernelEntry() {
        for (MemoryBench.Mode mode : MemoryBench.Mode.values()) {
            MemoryBench.Warm w = new MemoryBench.Warm(mode);
            HostNanos.assertWithinTheCall(mode + ", first round", () -> w.measure(MemoryBench.BATCH).nanos());
            long traps = w.traps();
            MemoryBench.Result[] round = new MemoryBench.Result[1];
            HostNanos.assertWithinTheCall(mode + ", second round", () -> (round[0] = w.measure(2L * MemoryBench.BATCH)).nanos());
            MemoryBench.Result second = round[0];
            assertEquals(1, w.traps() - traps, mode + ": a round is one kernel entry, the rest loads");
            assertEquals(2L * MemoryBench.BATCH, second.loads());
            if (mode == MemoryBench.Mode.TLB_HIT) {
                assertEquals(0, second.walks(), mode + ": the page stays in the TLB across the rounds");
            } else {
                assertTrue(second.walks() >= second.loads(), second.walks() + " walks, " + second.loads() + " loads");
            }
        }
    }

    @Test
    void sessionsCountBatches() {
        for (MemoryBench.Mode mode : MemoryBench.Mode.values()) {
            MemoryBench.Session s = new MemoryBench.Session(mode);
            s.batches(3);
            assertEquals(3L * MemoryBench.BATCH, s.completed());
            s.checkWalks();
        }
    }

    @Test
    void segmentBaselineSumsRight() {
        assertEquals(MemoryBench.SEGMENT_BATCH_SUM, MemoryBench.segmentSum(MemoryBench.segment(), 1));
        assertEquals(3 * MemoryBench.SEGMENT_BATCH_SUM, MemoryBench.segmentSum(MemoryBench.segment(), 3));
        HostNanos.assertWithinTheCall("MemorySegment loads", () -> MemoryBench.segmentLoads(MemoryBench.BATCH));
    }
}
