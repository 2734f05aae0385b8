package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The boot harness reaches the shell prompt, on a small and a 64 GiB machine. */
class BootBenchTest {
    @Test
    void bootsToThePrompt() {
        for (long ram : new long[] {BootBench.DEFAULT_RAM, BootBench.BIG_RAM}) {
            BootBench.Boot b = BootBench.boot(ram);
            assertTrue(b.nanosToPrompt() > 0 && b.nanosToPrompt() <= b.nanosTotal(), b.toString());
        }
    }

    @Test
    void promptWatcherFindsThePromptOnce() throws Exception {
        BootBench.PromptWatcher w = new BootBench.PromptWatcher();
        w.write("kolkola kola> x kola> ".getBytes(StandardCharsets.US_ASCII));
        assertTrue(w.promptAt > 0);
        long first = w.promptAt;
        w.write("kola> ".getBytes(StandardCharsets.US_ASCII));
        assertEquals(first, w.promptAt);
    }
}
