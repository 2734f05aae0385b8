package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The boot harness reaches the shell prompt, on a small and a 64 GiB machine. */
class BootBenchTest {
    @Test
    void bootsToThePrompt() {
        long[] traps = new long[2];
        long[] rams = {BootBench.DEFAULT_RAM, BootBench.BIG_RAM};
        for (int i = 0; i < rams.length; i++) {
            long start = System.nanoTime();
            BootBench.Boot b = BootBench.boot(rams[i]);
            long call = System.nanoTime() - start;
            assertEquals(rams[i], b.ramBytes());
            // Host time: the prompt comes inside the run, and the run inside the call.
            assertTrue(b.nanosToPrompt() > 0 && b.nanosToPrompt() <= b.nanosTotal() && b.nanosTotal() <= call,
                    b + " in a call of " + call + " ns");
            traps[i] = b.traps();
        }
        // RAM is backed lazily and sigma0 hands out pages on request: booting does the same work on
        // 64 GiB as on 256 MiB, to the kernel entry.
        assertEquals(traps[0], traps[1], "kernel entries to the end of the boot run, 256 MiB and 64 GiB");
    }

    @Test
    void promptWatcherFindsThePromptOnce() throws Exception {
        BootBench.PromptWatcher w = new BootBench.PromptWatcher();
        w.write("kolkola kola".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, w.promptAt, "no prompt yet");
        long before = System.nanoTime();
        w.write("> x kola> ".getBytes(StandardCharsets.US_ASCII));
        long after = System.nanoTime();
        // The time is taken when the first prompt's last byte is written: inside this write.
        assertTrue(w.promptAt >= before && w.promptAt <= after, w.promptAt + " not in [" + before + ", " + after + "]");
        assertEquals("kolkola kola> x kola> ", w.text());
        long first = w.promptAt;
        w.write("kola> ".getBytes(StandardCharsets.US_ASCII));
        assertEquals(first, w.promptAt);
    }
}
