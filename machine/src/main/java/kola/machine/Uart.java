package kola.machine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * A serial port (UART) connecting the machine to a host console: bytes transmitted go to a host
 * output stream; bytes from a host input stream enter a bounded receive FIFO of
 * {@value #FIFO_CAPACITY} bytes, and the UART raises its interrupt line while the FIFO holds any.
 *
 * <p>Host input is read on a daemon host thread ("kola-uart-rx", started on first use) into a
 * buffer, so {@link #poll()} never blocks; {@code poll()} moves as many bytes as fit into the FIFO
 * and leaves the rest waiting on the host side, so host input is never lost. A byte that arrives
 * while the FIFO is full through {@link #inject(int)} (a byte on the wire that nobody holds back) is
 * dropped and counted as an overrun. A {@code null} host input means no input: it has already ended.
 * A {@code null} host output discards transmitted bytes.
 *
 * <p>As an {@link MmioDevice} it offers these 64-bit registers:
 * <table>
 *   <caption>Registers</caption>
 *   <tr><th>offset</th><th>name</th><th>access</th></tr>
 *   <tr><td>0x00</td><td>DATA</td><td>read: the next received byte, or all ones (-1 in a 64-bit read) if the
 *       FIFO is empty; write: transmit the low byte</td></tr>
 *   <tr><td>0x08</td><td>STATUS</td><td>read: bit 0 receive data ready, bit 1 input ended</td></tr>
 *   <tr><td>0x10</td><td>OVERRUNS</td><td>read: bytes dropped because the FIFO was full</td></tr>
 * </table>
 * A 1-byte read of DATA cannot tell 0xFF from empty: drivers read STATUS first or read DATA as a word.
 */
public final class Uart implements MmioDevice {

    /** Capacity of the receive FIFO in bytes. */
    public static final int FIFO_CAPACITY = 256;

    /** Register offset: data. */
    public static final long REG_DATA = 0x00;
    /** Register offset: status. */
    public static final long REG_STATUS = 0x08;
    /** Register offset: overrun count. */
    public static final long REG_OVERRUNS = 0x10;

    /** STATUS bit: the receive FIFO holds a byte. */
    public static final long STATUS_RX_READY = 1;
    /** STATUS bit: the host input ended and every byte was received. */
    public static final long STATUS_INPUT_ENDED = 2;

    private static final int NEWLINE = '\n';

    private final InterruptController pic;
    private final int line;
    private final HostInput hostIn;
    private final OutputStream hostOut;
    private final byte[] fifo = new byte[FIFO_CAPACITY];
    private int fifoHead;
    private int fifoCount;
    private long overruns;
    private long transmitted;

    /**
     * Creates a UART raising {@code line} of {@code pic}, reading {@code hostIn} (null: no input) and
     * writing {@code hostOut} (null: discard).
     *
     * @throws IllegalArgumentException if {@code pic} has no such line
     */
    public Uart(InterruptController pic, int line, InputStream hostIn, OutputStream hostOut) {
        this.pic = Objects.requireNonNull(pic, "pic");
        if (!pic.hasLine(line)) {
            throw new IllegalArgumentException("the interrupt controller has no line " + line);
        }
        this.line = line;
        this.hostIn = hostIn == null ? null : new HostInput(hostIn);
        this.hostOut = hostOut;
    }

    /** Returns the interrupt line the UART raises. */
    public int line() {
        return line;
    }

    /** Transmits the low byte of {@code b} to the host; flushes the host stream after a newline. */
    public void transmit(int b) {
        transmitted++;
        if (hostOut == null) {
            return;
        }
        try {
            hostOut.write(b);
            if ((b & 0xFF) == NEWLINE) {
                hostOut.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("UART host output failed", e);
        }
    }

    /** Flushes the host output stream. */
    public void flush() {
        if (hostOut == null) {
            return;
        }
        try {
            hostOut.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("UART host output failed", e);
        }
    }

    /** Moves host input into the receive FIFO while it has room, and raises the line if the FIFO is not empty. Never blocks. */
    public void poll() {
        if (hostIn != null) {
            while (fifoCount < FIFO_CAPACITY) {
                int b = hostIn.take();
                if (b < 0) {
                    break;
                }
                enqueue(b);
            }
        }
        if (fifoCount > 0) {
            pic.raise(line);
        }
    }

    /**
     * Moves host input into the receive FIFO up to and including the next newline (or until the
     * FIFO is full or the input ends), waiting for it when {@code wait}; raises the line if the
     * FIFO is not empty. A kernel calls this when its machine is idle: scripted input then arrives
     * a line at a time at points of simulated time that do not depend on host timing, so runs
     * with the same script are the same run.
     *
     * @return whether any byte was moved
     */
    public boolean receiveLine(boolean wait) {
        boolean moved = false;
        if (hostIn != null) {
            while (fifoCount < FIFO_CAPACITY) {
                int b = hostIn.take();
                if (b < 0) {
                    if (!wait || hostIn.ended()) {
                        break;
                    }
                    hostIn.await(Long.MAX_VALUE);
                    continue;
                }
                enqueue(b);
                moved = true;
                if (b == NEWLINE) {
                    break;
                }
            }
        }
        if (fifoCount > 0) {
            pic.raise(line);
        }
        return moved;
    }

    /** Raises the line if the FIFO holds bytes (after a driver acknowledged an interrupt it did not drain). */
    public void raiseIfPending() {
        if (fifoCount > 0) {
            pic.raise(line);
        }
    }

    /** A byte arrives on the serial line now: into the FIFO, or dropped and counted as an overrun if it is full. */
    public void inject(int b) {
        if (fifoCount == FIFO_CAPACITY) {
            overruns++;
            return;
        }
        enqueue(b);
    }

    /** Takes the next byte out of the receive FIFO, or returns -1 if it is empty. */
    public int receive() {
        if (fifoCount == 0) {
            return -1;
        }
        int b = fifo[fifoHead] & 0xFF;
        fifoHead = (fifoHead + 1) % FIFO_CAPACITY;
        fifoCount--;
        return b;
    }

    /** Returns how many bytes wait in the receive FIFO. */
    public int available() {
        return fifoCount;
    }

    /** Returns how many bytes were dropped because the receive FIFO was full. */
    public long overruns() {
        return overruns;
    }

    /** Returns how many bytes were transmitted. */
    public long transmitted() {
        return transmitted;
    }

    /** Tells whether the host input reached its end and every byte was taken out of the FIFO; true without host input. */
    public boolean inputEnded() {
        return fifoCount == 0 && (hostIn == null || hostIn.ended());
    }

    /**
     * Blocks the calling host thread until input is ready to be {@link #poll() polled}, the input
     * ended, or {@code timeoutNanos} passed. Only for a kernel whose machine is idle waiting for input.
     *
     * @return true if there is input to take or the input ended; false on timeout
     */
    public boolean awaitInput(long timeoutNanos) {
        if (fifoCount > 0 || hostIn == null) {
            return true;
        }
        return hostIn.await(timeoutNanos);
    }

    @Override
    public long read(long offset, int sizeBytes) {
        if (offset == REG_DATA) {
            return receive();
        }
        if (offset == REG_STATUS) {
            return (fifoCount > 0 ? STATUS_RX_READY : 0) | (inputEnded() ? STATUS_INPUT_ENDED : 0);
        }
        if (offset == REG_OVERRUNS) {
            return overruns;
        }
        return 0;
    }

    @Override
    public void write(long offset, int sizeBytes, long value) {
        if (offset == REG_DATA) {
            transmit((int) value & 0xFF);
        }
    }

    private void enqueue(int b) {
        fifo[(fifoHead + fifoCount) % FIFO_CAPACITY] = (byte) b;
        fifoCount++;
    }

    @Override
    public String toString() {
        return "Uart[" + fifoCount + " bytes received, " + transmitted + " transmitted, " + overruns + " overruns]";
    }
}
