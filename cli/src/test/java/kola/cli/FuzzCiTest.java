package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The fuzz that CI runs (issue #6): a fixed seed, 100,000 kernel entries, the invariant checker
 * after every one. Any kernel error (an exception escaping the kernel) or invariant violation
 * fails the build, with the seed and operation number to replay it:
 * {@code ./kola fuzz --seed 20261125 --replay OP}.
 */
class FuzzCiTest {
    static final long SEED = 20261125;
    static final long OPS = 100_000;

    @Test
    void aHundredThousandFuzzedOperationsWithoutKernelErrorsOrInvariantViolations() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
        FuzzRunner runner = new FuzzRunner(new FuzzRunner.Options(SEED, OPS, true, FuzzRunner.DEFAULT_ROUND_OPS, -1, null,
                true), out);
        FuzzRunner.Result r = runner.run();
        System.out.printf("fuzz (CI): seed %d: %s in %.1f s, %.0f ops/s; kernel events: %s%n", SEED, r.summary(),
                r.nanos() / 1e9, r.opsPerSecond(), FuzzRunner.eventSummary(r.events()));
        assertEquals("fuzz: " + OPS + " ops, 0 kernel errors, 0 invariant violations", r.summary(),
                () -> text.toString(StandardCharsets.UTF_8));
        assertEquals(0, r.checkFailureCount(), () -> r.checkSummary() + "\n" + text.toString(StandardCharsets.UTF_8));
    }
}
