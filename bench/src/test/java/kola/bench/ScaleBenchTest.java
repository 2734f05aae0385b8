package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The scale harness: every thread is created and blocks, and every client's round trips complete. */
class ScaleBenchTest {
    @Test
    void threadsAcrossSeveralSpacesAllBlock() {
        ScaleBench.Blocked[] r = new ScaleBench.Blocked[1];
        HostNanos.assertWithinTheCall("2,500 blocked threads",
                () -> (r[0] = ScaleBench.blocked(2_500)).nanos()); // three spaces: 1024 + 1024 + 452
        ScaleBench.Blocked b = r[0];
        assertEquals(2_500, b.threads());
        // The kernel's live threads: the 2,500, sigma0, the root task and one pseudo-thread per interrupt line.
        assertEquals(2_500 + 2 + kola.machine.Machine.LINES, b.liveThreads());
        // Host heap varies with the JVM, so only a lower bound follows from the design: the live system
        // holds at least every thread's 64 message registers (a long[] each TCB always has).
        long registers = 2_500L * kola.abi.MsgTag.MESSAGE_REGISTERS * Long.BYTES;
        assertTrue(b.heapAfter() - b.heapBefore() >= registers,
                (b.heapAfter() - b.heapBefore()) + " bytes of heap for 2,500 threads, less than their registers");
    }

    @Test
    void clientsInterleaveAndComplete() {
        for (int n : new int[] {1, 2, 50}) {
            ScaleBench.Clients c = new ScaleBench.Clients(n);
            long before = c.completed();
            HostNanos.assertWithinTheCall(n + " clients", () -> c.timedRoundTrips(5_000));
            assertEquals(5_000, c.completed() - before, 2);
        }
    }

    @Test
    void roundRobinTakesEveryTurn() {
        for (int n : new int[] {1, 3, 1_000}) {
            ScaleBench.RoundRobin r = new ScaleBench.RoundRobin(n);
            long before = r.turns();
            HostNanos.assertWithinTheCall(n + " bare continuations", () -> r.timedRoundTrips(5_000));
            assertEquals(10_000, r.turns() - before); // a client's turn and the server's per round trip
        }
        assertThrows(IllegalArgumentException.class, () -> new ScaleBench.RoundRobin(0));
    }

    @Test
    void roundRobinClientsTouchTheirLayoutsLinesOnEachTurn() {
        for (ScaleBench.StateLayout layout : ScaleBench.StateLayout.values()) {
            int lines = layout.touchedLines();
            for (int n : new int[] {1, 3, 1_000}) {
                ScaleBench.RoundRobin r = new ScaleBench.RoundRobin(n, layout);
                long turns = r.turns();
                long touched = r.touched();
                assertEquals(turns / 2 * lines, touched, layout + ", " + n + " clients"); // half the turns are the clients'
                r.roundTrips(7_000);
                assertEquals(14_000, r.turns() - turns);
                assertEquals(7_000L * lines, r.touched() - touched, layout + ", " + n + " clients");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new ScaleBench.RoundRobin(0, ScaleBench.StateLayout.KOLA));
    }

    @Test
    void stateLayoutsFillTheirBlocksAndTouchDistinctLinesOfThem() {
        assertEquals(0, ScaleBench.StateLayout.NONE.newBlock().length);
        assertEquals(0, ScaleBench.StateLayout.NONE.touchedLines());
        assertEquals(20, ScaleBench.StateLayout.SCATTERED.touchedLines());
        assertEquals(9, ScaleBench.StateLayout.KOLA.touchedLines());
        assertEquals(9, ScaleBench.StateLayout.DENSE.touchedLines());
        for (ScaleBench.StateLayout layout : ScaleBench.StateLayout.values()) {
            long[] block = layout.newBlock();
            assertEquals(layout.blockLines * 64, block.length == 0 ? 0 : 16 + 8 * block.length, layout.name());
            int[] words = layout.touchedWords();
            int line = -1;
            for (int w : words) { // one word in each touched line (the block's bytes 16 + 8w), lines in order
                assertTrue(w >= 0 && w < block.length, layout + " word " + w);
                assertTrue((16 + 8 * w) / 64 > line, layout + " word " + w + " after line " + line);
                line = (16 + 8 * w) / 64;
            }
        }
        // Kola's layout leaves lines 4-8, 12-16 and 19 of each 20 untouched; the dense one none.
        assertEquals(List.of(0, 6, 14, 22, 70, 78, 86, 134, 142),
                java.util.Arrays.stream(ScaleBench.StateLayout.KOLA.touchedWords()).boxed().toList());
        assertEquals(List.of(0, 6, 14, 22, 30, 38, 46, 54, 62),
                java.util.Arrays.stream(ScaleBench.StateLayout.DENSE.touchedWords()).boxed().toList());
        assertFalse(ScaleBench.StateLayout.SCATTERED.inOrder);
        assertTrue(ScaleBench.StateLayout.KOLA.inOrder && ScaleBench.StateLayout.DENSE.inOrder);
    }

    @Test
    void scaleSizes() {
        assertEquals(List.of(10_000, 100_000), KernelBenchmarks.scaleSizes(100_000));
        assertEquals(List.of(10_000, 100_000, 1_000_000), KernelBenchmarks.scaleSizes(1_000_000));
        assertEquals(List.of(3_000), KernelBenchmarks.scaleSizes(3_000));
        assertEquals(List.of(10_000, 50_000), KernelBenchmarks.scaleSizes(50_000));
    }
}
