package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import kola.abi.L4;
import kola.abi.Memory;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.kernel.KernelEvents;
import kola.machine.CostModel;
import kola.machine.Machine;
import kola.machine.Uart;
import kola.system.Protocol;
import kola.system.RootTask;
import kola.system.Sigma0;
import kola.system.UartDriver;
import kola.system.Words;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interrupt storms: a script with a very long line and thousands of lines goes through the UART,
 * its driver, the console and the shell without losing a byte (the long line is refused whole); and, at kernel level, a
 * high-priority thread is not starved by a burst of UART input that a low-priority driver drains.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InterruptStormTest {

    @Test
    void longLineAndManyLinesLoseNoByte() {
        Random rnd = new Random(42);
        StringBuilder longLine = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            longLine.append((char) ('a' + rnd.nextInt(26)));
        }
        List<String> shortLines = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            shortLines.add(i % 7 == 0 ? "w" + i + " with " + i + " args" : "w" + i);
        }
        StringBuilder script = new StringBuilder(longLine).append('\n');
        shortLines.forEach(l -> script.append(l).append('\n'));
        script.append("exit\n");

        String out = ShellSessionTest.boot(ShellSessionTest.defaultImage(), script.toString());
        ShellSessionTest.assertRunEnded(out);

        // The long line is refused whole (it is longer than one message carries, Words.MAX_BYTES);
        // every other command the shell read is echoed after a prompt and answered on the next line.
        String tooLong = "line too long (more than " + Words.MAX_BYTES + " bytes): ignored";
        List<String> lines = ShellSessionTest.lines(out);
        List<String> echoed = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("kola> ") && l.length() > 6) {
                String command = l.substring(6);
                echoed.add(command);
                if (!command.equals("exit") && !command.equals(tooLong)) {
                    String first = command.trim().split("\\s+")[0];
                    assertEquals("unknown command: " + first + " (try help)", lines.get(i + 1), "answer to " + command);
                }
            }
        }
        assertEquals(tooLong, echoed.get(0), "the long line, refused whole");
        assertEquals(shortLines, echoed.subList(1, 1 + shortLines.size()), "every short line, in order");
        assertEquals(List.of("exit"), echoed.subList(1 + shortLines.size(), echoed.size()));
        assertTrue(out.contains("\nbye\n"), "exit reached the shell");
    }

    // ---- kernel level: a high-priority worker during a storm drained by a low-priority driver ----

    private static final int WORKER_ITERATIONS = 150_000;
    private static final long WORKER_VA = 0x0200_0000L;
    private static final long SPINNER_VA = 0x0300_0000L;

    /** What the programs report to the test (they run on the test's thread, inside the kernel loop). */
    static final class Outcome {
        long workerStart = -1;
        long workerDone = -1;
        long workerElapsed = -1;
        long sinkDone = -1;
        long sinkBytes;
        long sinkCrc;
        String failure;
        long interrupts;
        int sentWhenWorkerDone = -1;
    }

    /** The worker: waits until the UART driver serves, then does memory work and reports its times. */
    static Program worker(Outcome o) {
        return l4 -> {
            long uart = RootTask.lookup(l4, "uart");
            l4.setMr(0, MsgTag.make(Protocol.PING, 0, 0));
            long tag = l4.call(uart); // answered once the driver has its registers and its interrupt
            if (MsgTag.failed(tag) || MsgTag.label(tag) != Protocol.OK) {
                o.failure = "worker: the uart driver did not answer its ping";
                return;
            }
            Memory m = l4.memory();
            o.workerStart = l4.systemClock();
            long sum = 0;
            for (int i = 0; i < WORKER_ITERATIONS; i++) {
                long va = WORKER_VA + ((i * 8L) & 0x3FFF);
                m.store64(va, i);
                sum += m.load64(va);
            }
            o.workerDone = l4.systemClock();
            o.workerElapsed = o.workerDone - o.workerStart;
            if (sum != (long) WORKER_ITERATIONS * (WORKER_ITERATIONS - 1) / 2) {
                o.failure = "worker: memory gave back a wrong sum " + sum;
            }
        };
    }

    /** The sink: reads everything the UART driver receives, counting and checksumming it. */
    static Program sink(Outcome o, int total) {
        return l4 -> {
            long uart = RootTask.lookup(l4, "uart");
            CRC32 crc = new CRC32();
            long n = 0;
            while (n < total) {
                l4.setMr(0, MsgTag.make(Protocol.UART_READ, 0, 0));
                long tag = l4.call(uart);
                byte[] bytes = MsgTag.failed(tag) || MsgTag.label(tag) != Protocol.OK ? null
                        : Words.get(l4, MsgTag.untyped(tag));
                if (bytes == null || bytes.length == 0) {
                    o.failure = "sink: bad read " + MsgTag.toString(tag) + " after " + n + " bytes";
                    return;
                }
                crc.update(bytes);
                n += bytes.length;
            }
            o.sinkBytes = n;
            o.sinkCrc = crc.getValue();
            o.sinkDone = l4.systemClock();
        };
    }

    /** The lowest-priority thread: keeps the CPU busy so that the system never idles (interrupts
     * are taken at its preemption points). */
    static Program spinner() {
        return l4 -> {
            Memory m = l4.memory();
            for (long i = 0; ; i++) {
                m.store64(SPINNER_VA + (i & 0xFF) * 8, i);
            }
        };
    }

    /**
     * Runs the storm: {@code bytes} bytes are pushed into the UART as fast as its FIFO takes them
     * (between short runs of the kernel) while the worker (priority 200) works and the driver
     * (priority {@code driverPriority}) and the sink (40) drain them. Stops when the sink has all
     * of them, or, with no bytes, when the worker is done.
     */
    static Outcome storm(byte[] data, int driverPriority) {
        Outcome o = new Outcome();
        Image image = Image.builder(Sigma0::new, RootTask::new)
                .module("uart", UartDriver::new, driverPriority, List.of("irq=2"))
                .module("sink", () -> sink(o, data.length), 40, List.of())
                .module("worker", () -> worker(o), 200, List.of())
                .module("spinner", InterruptStormTest::spinner, 1, List.of())
                .build();
        Machine machine = new Machine(new Machine.Config(256L << 20, 256, null, null));
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        Kernel kernel = new Kernel(machine, KernelConfig.defaults().withTimeslice(20), image,
                new java.io.PrintStream(console, true, java.nio.charset.StandardCharsets.UTF_8));
        kernel.setEventListener((type, time, a, b, c) -> {
            if (type == KernelEvents.INTERRUPT && a == Machine.UART_IRQ) {
                o.interrupts++;
            }
        });
        Uart uart = machine.uart();
        int sent = 0;
        for (int step = 0; step < 2_000_000; step++) {
            while (sent < data.length && uart.available() < Uart.FIFO_CAPACITY) {
                uart.inject(data[sent++] & 0xFF);
            }
            kernel.run(1);
            if (o.workerDone >= 0 && o.sentWhenWorkerDone < 0) {
                o.sentWhenWorkerDone = sent;
            }
            if (o.failure != null || (data.length == 0 ? o.workerDone >= 0 : o.sinkDone >= 0)) {
                break;
            }
        }
        assertEquals(0, uart.overruns(), "no byte dropped by the UART");
        System.out.printf("storm(%d bytes, driver %d): worker %d..%d us (%d us), sink done %d us, %d interrupts, %d sent at worker end%n",
                data.length, driverPriority, o.workerStart, o.workerDone, o.workerElapsed, o.sinkDone, o.interrupts, o.sentWhenWorkerDone);
        if (o.failure != null) {
            throw new AssertionError(o.failure + "\n" + console);
        }
        return o;
    }

    @Test
    void highPriorityThreadIsNotStarvedByAStormALowPriorityDriverDrains() {
        byte[] data = new byte[48 * 1024];
        new Random(7).nextBytes(data);
        CRC32 crc = new CRC32();
        crc.update(data);

        Outcome quiet = storm(new byte[0], 50);
        Outcome storm = storm(data, 50);

        // The worker's loop alone is two accesses per iteration of at least a cycle each (a TLB hit):
        // a lower bound from the cost model; its four page faults and time slices add a few µs.
        long loopMicros = 2L * WORKER_ITERATIONS * CostModel.MEMORY_ACCESS / CostModel.CYCLES_PER_MICROSECOND;
        assertTrue(quiet.workerElapsed >= loopMicros && storm.workerElapsed >= loopMicros,
                "worker took " + quiet.workerElapsed + " µs quiet, " + storm.workerElapsed + " µs in the storm");
        // Nothing lost, and the storm really was one: an interrupt per FIFO-full at least.
        assertEquals(data.length, storm.sinkBytes);
        assertEquals(crc.getValue(), storm.sinkCrc, "every byte, in order");
        assertTrue(storm.interrupts >= data.length / Uart.FIFO_CAPACITY,
                "interrupts taken: " + storm.interrupts + " for " + data.length + " bytes");
        // The worker finished before the driver finished draining, with input still coming...
        assertTrue(storm.workerDone < storm.sinkDone,
                "worker done at " + storm.workerDone + " us, sink at " + storm.sinkDone + " us");
        assertTrue(storm.sentWhenWorkerDone < data.length,
                "the burst was still arriving when the worker finished (" + storm.sentWhenWorkerDone + " bytes in)");
        // ...and took no longer than without the storm (a few IPCs' worth of cycles more at most).
        assertTrue(storm.workerElapsed <= quiet.workerElapsed + 5,
                "worker took " + storm.workerElapsed + " us in the storm, " + quiet.workerElapsed + " us without");
    }

    @Test
    void aHigherPriorityDriverDoesDelayTheWorker() {
        // The control for the test above: the measurement sees interference when there is some.
        byte[] data = new byte[48 * 1024];
        new Random(7).nextBytes(data);
        Outcome quiet = storm(new byte[0], 250);
        Outcome storm = storm(data, 250);
        // Without input the driver, once started, never runs: its priority changes nothing.
        assertEquals(storm(new byte[0], 50).workerElapsed, quiet.workerElapsed, "quiet worker, driver at 50 and at 250");
        assertEquals(data.length, storm.sinkBytes);
        assertTrue(storm.workerElapsed > quiet.workerElapsed + 5,
                "a driver above the worker takes its time: " + storm.workerElapsed + " us vs " + quiet.workerElapsed);
    }
}
