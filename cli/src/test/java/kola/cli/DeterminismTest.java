package kola.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import kola.kernel.Kernel;
import kola.machine.Machine;
import org.junit.jupiter.api.Test;

/**
 * Determinism (DESIGN.md, "Execution model"; issue #6): the same image, inputs and seed give the
 * same kernel event sequence. Two fuzz runs are compared by the hash of their event streams
 * ({@link Kernel#eventHash()}), by their event counts, and by the kernel state they end in.
 */
class DeterminismTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);

    private static FuzzRunner.Result fuzz(long seed, long ops, boolean check) {
        return new FuzzRunner(new FuzzRunner.Options(seed, ops, check, 10_000, -1, null, false), QUIET).run();
    }

    @Test
    void twoFuzzRunsWithTheSameSeedHaveTheSameEventStream() {
        FuzzRunner.Result a = fuzz(7, 15_000, true);
        FuzzRunner.Result b = fuzz(7, 15_000, true);
        assertEquals(a.summary(), b.summary());
        assertEquals(a.rounds(), b.rounds());
        assertArrayEquals(a.events(), b.events());
        assertEquals(a.traceHash(), b.traceHash());
    }

    @Test
    void theInvariantCheckerDoesNotChangeTheRun() {
        FuzzRunner.Result checked = fuzz(11, 15_000, true);
        FuzzRunner.Result unchecked = fuzz(11, 15_000, false);
        assertEquals(0, checked.violations() + checked.kernelErrors(), checked.summary());
        assertEquals(checked.traceHash(), unchecked.traceHash());
        assertArrayEquals(checked.events(), unchecked.events());
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        assertNotEquals(fuzz(7, 5_000, false).traceHash(), fuzz(8, 5_000, false).traceHash());
    }

    @Test
    void oneFuzzedSystemBootedTwiceEndsInTheSameState() {
        FuzzRunner.Round round = FuzzRunner.round(3, 0);
        Kernel a = boot(round);
        Kernel b = boot(round);
        Kernel.RunResult ra = a.run(30_000);
        Kernel.RunResult rb = b.run(30_000);
        assertEquals(ra, rb);
        assertEquals(a.eventHash(), b.eventHash());
        assertEquals(a.threads(), b.threads());
        assertEquals(a.spaces(), b.spaces());
        assertEquals(a.mappings(), b.mappings());
        assertArrayEquals(a.kernelMemory(), b.kernelMemory());
    }

    @Test
    void aReplayStopsInTheStateTheRunPassedThrough() {
        // Run 12,345 operations one way (the whole count at once), then replay to that point the
        // way --replay does (operation by operation, stopping there): the same kernel state.
        FuzzRunner.Round round = FuzzRunner.round(5, 0);
        Kernel direct = boot(round);
        direct.run(12_345);
        FuzzRunner replay = new FuzzRunner(new FuzzRunner.Options(5, 50_000, false, 50_000, 12_345, null, false), QUIET);
        FuzzRunner.Result r = replay.run();
        assertEquals(12_345, r.ops());
        assertEquals(direct.eventHash(), replay.kernel().eventHash());
        assertEquals(direct.threads(), replay.kernel().threads());
        assertEquals(direct.mappings(), replay.kernel().mappings());
    }

    private static Kernel boot(FuzzRunner.Round round) {
        return new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), round.config(), round.image(), QUIET);
    }
}
