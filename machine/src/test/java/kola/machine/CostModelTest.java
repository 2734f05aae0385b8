package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CostModelTest {

    @Test
    void machineRunsAtOneGigahertz() {
        assertEquals(1000, CostModel.CYCLES_PER_MICROSECOND);
    }

    /**
     * Every charge is the figure of the table in {@link CostModel}'s class comment, which DESIGN.md
     * and the tests that derive expected cycle counts from these constants rely on.
     */
    @Test
    void everyChargeIsTheDocumentedFigure() {
        assertEquals(100, CostModel.TRAP);
        assertEquals(1, CostModel.MEMORY_ACCESS);
        assertEquals(20, CostModel.PAGE_WALK_LEVEL);
        assertEquals(20, CostModel.TLB_FLUSH);
        assertEquals(1, CostModel.CACHE_HIT);
        assertEquals(40, CostModel.CACHE_MISS);
        assertEquals(100, CostModel.CACHE_FLUSH);
        assertEquals(4, CostModel.CACHE_FLUSH_LINE);
        assertEquals(1, CostModel.COPY_WORD);
        assertEquals(50, CostModel.CONTEXT_SWITCH);
        assertEquals(150, CostModel.IPC);
        assertEquals(30, CostModel.MAP_PAGE);
        assertEquals(1, CostModel.INSTRUCTION);
    }

    @Test
    void aCacheHitCostsWhatAnAccessWithoutTheCacheCosts() {
        // So that a run that always hits takes the same cycles with the cache as without it.
        assertEquals(CostModel.MEMORY_ACCESS, CostModel.CACHE_HIT);
    }

    @Test
    void walkingCostsMoreThanHittingTheTlb() {
        assertTrue(CostModel.PAGE_WALK_LEVEL > CostModel.MEMORY_ACCESS);
    }
}
