package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UartTest {

    private static final int LINE = 2;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final InterruptController pic = new InterruptController(32);

    private static final class CountingOutput extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int flushes;

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    private static InputStream input(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Polls until {@code n} bytes wait in the FIFO: the reader thread delivers host input asynchronously. */
    private static void pollUntilAvailable(Uart uart, int n) {
        long deadline = System.nanoTime() + 2 * SECOND;
        while (uart.available() < n && System.nanoTime() < deadline) {
            uart.awaitInput(TimeUnit.MILLISECONDS.toNanos(10));
            uart.poll();
        }
        assertEquals(n, uart.available());
    }

    @Test
    void transmitWritesToTheHostAndFlushesOnNewline() {
        CountingOutput out = new CountingOutput();
        Uart uart = new Uart(pic, LINE, null, out);
        uart.transmit('h');
        uart.transmit('i');
        assertEquals(0, out.flushes);
        uart.transmit('\n');
        assertEquals(1, out.flushes);
        uart.transmit(0x100 | '!');
        uart.flush();
        assertEquals(2, out.flushes);
        assertEquals("hi\n!", out.bytes.toString(StandardCharsets.US_ASCII));
        assertEquals(4, uart.transmitted());
    }

    @Test
    void nullOutputDiscards() {
        Uart uart = new Uart(pic, LINE, null, null);
        uart.transmit('x');
        uart.flush();
        assertEquals(1, uart.transmitted());
    }

    @Test
    void hostOutputFailureIsReported() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("gone");
            }
        };
        Uart uart = new Uart(pic, LINE, null, broken);
        assertThrows(java.io.UncheckedIOException.class, () -> uart.transmit('x'));
    }

    @Test
    void receivedBytesRaiseTheLineAndComeOutInOrder() {
        Uart uart = new Uart(pic, LINE, input("ok\n"), null);
        assertFalse(pic.isPending(LINE));
        pollUntilAvailable(uart, 3);
        assertTrue(pic.isPending(LINE));
        assertEquals('o', uart.receive());
        assertEquals('k', uart.receive());
        assertFalse(uart.inputEnded(), "a byte is still in the FIFO");
        assertEquals('\n', uart.receive());
        assertEquals(-1, uart.receive());
        assertTrue(uart.awaitInput(SECOND));
        assertTrue(uart.inputEnded());
        pic.acknowledge(LINE);
        uart.poll();
        assertFalse(pic.isPending(LINE), "empty FIFO raises nothing");
    }

    @Test
    void lineIsRaisedAgainWhileBytesRemain() {
        Uart uart = new Uart(pic, LINE, input("ab"), null);
        pollUntilAvailable(uart, 2);
        pic.acknowledge(LINE);
        uart.receive();
        uart.poll();
        assertTrue(pic.isPending(LINE));
    }

    @Test
    void longHostInputIsHeldBackNotLost() {
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        Uart uart = new Uart(pic, LINE, new ByteArrayInputStream(data), null);
        int received = 0;
        while (!uart.inputEnded()) {
            assertTrue(uart.awaitInput(SECOND), "timed out");
            uart.poll();
            assertTrue(uart.available() <= Uart.FIFO_CAPACITY);
            for (int b = uart.receive(); b >= 0; b = uart.receive()) {
                assertEquals(received & 0xFF, b);
                received++;
            }
        }
        assertEquals(data.length, received);
        assertEquals(0, uart.overruns());
    }

    @Test
    void bytesArrivingAtAFullFifoAreDroppedAndCounted() {
        Uart uart = new Uart(pic, LINE, null, null);
        for (int i = 0; i < Uart.FIFO_CAPACITY + 10; i++) {
            uart.inject(i);
        }
        assertEquals(Uart.FIFO_CAPACITY, uart.available());
        assertEquals(10, uart.overruns());
        uart.poll();
        assertTrue(pic.isPending(LINE));
        for (int i = 0; i < Uart.FIFO_CAPACITY; i++) {
            assertEquals(i & 0xFF, uart.receive());
        }
        assertEquals(-1, uart.receive());
        assertEquals(10, uart.read(Uart.REG_OVERRUNS, 8));
    }

    @Test
    void noHostInputHasEnded() {
        Uart uart = new Uart(pic, LINE, null, null);
        assertTrue(uart.inputEnded());
        assertTrue(uart.awaitInput(SECOND));
        uart.poll();
        assertEquals(-1, uart.receive());
        assertFalse(pic.isPending(LINE));
    }

    @Test
    void pollNeverBlocksOnHostInput() throws IOException {
        PipedOutputStream writer = new PipedOutputStream();
        Uart uart = new Uart(pic, LINE, new PipedInputStream(writer), null);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            uart.poll();
            uart.poll();
        });
        assertFalse(uart.inputEnded());
        assertFalse(uart.awaitInput(TimeUnit.MILLISECONDS.toNanos(20)), "times out with no input");
        writer.write('z');
        writer.flush();
        assertTrue(uart.awaitInput(SECOND));
        uart.poll();
        assertEquals('z', uart.receive());
        writer.close();
        assertTrue(uart.awaitInput(SECOND));
        uart.poll();
        assertTrue(uart.inputEnded());
    }

    @Test
    void readerIsANamedDaemonThread() {
        Uart uart = new Uart(pic, LINE, input("x"), null);
        uart.poll();
        Thread reader = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("kola-uart-rx"))
                .findAny().orElse(null);
        if (reader != null) {
            assertTrue(reader.isDaemon());
        }
        pollUntilAvailable(uart, 1);
        assertEquals('x', uart.receive());
    }

    @Test
    void registersReceiveTransmitAndReportStatus() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Uart uart = new Uart(pic, LINE, input("A"), out);
        pollUntilAvailable(uart, 1);
        assertEquals(Uart.STATUS_RX_READY, uart.read(Uart.REG_STATUS, 8));
        assertEquals('A', uart.read(Uart.REG_DATA, 8));
        assertEquals(-1, uart.read(Uart.REG_DATA, 8));
        assertTrue(uart.awaitInput(SECOND));
        assertEquals(Uart.STATUS_INPUT_ENDED, uart.read(Uart.REG_STATUS, 8));
        uart.write(Uart.REG_DATA, 1, 'B');
        uart.write(0x800, 1, 'C');
        assertEquals(0, uart.read(0x800, 8));
        assertEquals("B", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void badLineIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Uart(pic, 40, null, null));
        assertEquals(LINE, new Uart(pic, LINE, null, null).line());
    }
}
