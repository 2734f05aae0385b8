package kola.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void roundRobinClientsTouchEveryLineOfTheirStateOnEachTurn() {
        for (int n : new int[] {1, 3, 1_000}) {
            ScaleBench.RoundRobin r = new ScaleBench.RoundRobin(n, 5);
            long turns = r.turns();
            long touched = r.touched();
            assertEquals(turns / 2 * 5, touched, n + " clients"); // half the turns are the clients'
            r.roundTrips(7_000);
            assertEquals(14_000, r.turns() - turns);
            assertEquals(7_000 * 5, r.touched() - touched, n + " clients");
        }
        assertThrows(IllegalArgumentException.class, () -> new ScaleBench.RoundRobin(3, -1));
    }

    @Test
    void scaleSizes() {
        assertEquals(List.of(10_000, 100_000), KernelBenchmarks.scaleSizes(100_000));
        assertEquals(List.of(10_000, 100_000, 1_000_000), KernelBenchmarks.scaleSizes(1_000_000));
        assertEquals(List.of(3_000), KernelBenchmarks.scaleSizes(3_000));
        assertEquals(List.of(10_000, 50_000), KernelBenchmarks.scaleSizes(50_000));
    }
}
