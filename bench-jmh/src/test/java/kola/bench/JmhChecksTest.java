package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The end-of-trial checks, and one benchmark driven by hand through its harness in kola-bench. */
class JmhChecksTest {
    @Test
    void nearAllowsTheSlackAndNoMore() {
        // A check that passes returns nothing: its outcome is that it does not throw, at both edges.
        JmhChecks.near("ops", 1002, 1000, 2);
        JmhChecks.near("ops", 998, 1000, 2);
        JmhChecks.near("ops", 1000, 1000, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JmhChecks.near("ops", 1003, 1000, 2));
        assertEquals("ops: 1003 completed, 1000 asked for", e.getMessage());
        assertThrows(IllegalStateException.class, () -> JmhChecks.near("ops", 997, 1000, 2));
        assertThrows(IllegalStateException.class, () -> JmhChecks.near("ops", 0, 1000, 0));
    }

    @Test
    void aTrialOfTheNullSystemCallPassesItsCheck() {
        TrapBenchmark b = new TrapBenchmark();
        b.setUp();
        b.nullSystemCall();
        b.nullSystemCall();
        b.tearDown(); // 2,000 calls asked for and made (within the one in flight): the check passes
    }

    @Test
    void aTrialWhoseSessionDidNotMakeTheCallsFailsItsCheck() {
        TrapBenchmark b = new TrapBenchmark();
        b.setUp();
        b.nullSystemCall();
        b.nullSystemCall();
        b.setUp(); // a fresh session, which made none of the 2,000 calls the invocations asked for
        IllegalStateException e = assertThrows(IllegalStateException.class, b::tearDown);
        assertTrue(e.getMessage().startsWith("null system calls: 0 completed, 2000 asked for"), e.getMessage());
    }
}
