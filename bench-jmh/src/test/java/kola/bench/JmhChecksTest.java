package kola.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The end-of-trial checks, and one benchmark driven by hand through its harness in kola-bench. */
class JmhChecksTest {
    @Test
    void nearAllowsTheSlackAndNoMore() {
        assertDoesNotThrow(() -> JmhChecks.near("ops", 1002, 1000, 2));
        assertDoesNotThrow(() -> JmhChecks.near("ops", 998, 1000, 2));
        assertThrows(IllegalStateException.class, () -> JmhChecks.near("ops", 1003, 1000, 2));
        assertThrows(IllegalStateException.class, () -> JmhChecks.near("ops", 0, 1000, 0));
    }

    @Test
    void aTrialOfTheNullSystemCallPassesItsCheck() {
        TrapBenchmark b = new TrapBenchmark();
        b.setUp();
        b.nullSystemCall();
        b.nullSystemCall();
        assertDoesNotThrow(b::tearDown);
    }
}
