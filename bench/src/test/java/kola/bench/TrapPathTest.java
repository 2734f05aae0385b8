package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The null-system-call harness makes real, checked kernel entries. */
class TrapPathTest {
    @Test
    void measuresTheCallsAskedFor() {
        assertTrue(TrapPath.measure(2_000) > 0);
    }

    @Test
    void sessionMakesOneCallPerKernelEntry() {
        TrapPath.Session s = new TrapPath.Session();
        long before = s.completed();
        s.calls(1_000);
        assertEquals(1_000, s.completed() - before, 1);
    }
}
