package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CostModelTest {

    @Test
    void machineRunsAtOneGigahertz() {
        assertEquals(1000, CostModel.CYCLES_PER_MICROSECOND);
    }

    @Test
    void everyChargeIsPositive() {
        for (long cost : new long[] {CostModel.TRAP, CostModel.MEMORY_ACCESS, CostModel.PAGE_WALK_LEVEL,
                CostModel.COPY_WORD, CostModel.CONTEXT_SWITCH, CostModel.IPC}) {
            assertTrue(cost > 0);
        }
    }

    @Test
    void walkingCostsMoreThanHittingTheTlb() {
        assertTrue(CostModel.PAGE_WALK_LEVEL > CostModel.MEMORY_ACCESS);
    }
}
