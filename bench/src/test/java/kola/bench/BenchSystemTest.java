package kola.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kola.kernel.Image;
import kola.system.Sigma0;
import org.junit.jupiter.api.Test;

/** A benchmark system refuses to be timed once its user code failed or it stopped. */
class BenchSystemTest {
    private static BenchSystem system(kola.abi.Program root, BenchSystem.Probe probe) {
        return new BenchSystem("test", 64L << 20, 4L << 20, Image.builder(Sigma0::new, () -> root).build(), probe);
    }

    @Test
    void aRecordedFailureIsThrown() {
        BenchSystem.Probe probe = new BenchSystem.Probe();
        BenchSystem sys = system(l4 -> {
            l4.systemClock();
            probe.fail("wrong answer");
            while (true) {
                l4.systemClock();
            }
        }, probe);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sys.step(10));
        assertTrue(e.getMessage().contains("wrong answer"), e.getMessage());
    }

    @Test
    void aSystemThatStopsEarlyIsAFailure() {
        BenchSystem.Probe probe = new BenchSystem.Probe();
        BenchSystem sys = system(l4 -> l4.systemClock(), probe);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sys.step(100));
        assertTrue(e.getMessage().contains("stopped"), e.getMessage());
    }

    @Test
    void aThreadThatDiesShowsOnTheConsole() {
        BenchSystem.Probe probe = new BenchSystem.Probe();
        BenchSystem sys = system(l4 -> {
            throw new IllegalStateException("boom");
        }, probe);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sys.runUntil(() -> false, 100));
        assertTrue(e.getMessage().contains("boom"), e.getMessage());
    }
}
