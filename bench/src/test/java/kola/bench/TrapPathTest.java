package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The null-system-call harness makes real, checked kernel entries. */
class TrapPathTest {
    @Test
    void measuresTheCallsAskedFor() {
        // measure() throws unless all 2,000 calls completed and the clock moved forward across them.
        HostNanos.assertWithinTheCall("null system call", () -> TrapPath.measure(2_000));
    }

    @Test
    void sessionMakesOneCallPerKernelEntry() {
        TrapPath.Session s = new TrapPath.Session();
        long before = s.completed();
        s.calls(1_000);
        assertEquals(1_000, s.completed() - before, 1);
    }
}
