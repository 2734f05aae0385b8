package kola.machine;

/**
 * The interrupt controller: a set of numbered interrupt lines, each with a pending bit (set by a
 * device raising the line, cleared by acknowledging it) and a mask bit. All lines start masked.
 * The kernel takes the lowest-numbered pending, unmasked line and delivers it as IPC from the
 * interrupt's pseudo-thread; the driver's reply acknowledges and unmasks it (L4 X.2, "Interrupts").
 *
 * <p>At most {@value #MAX_LINES} lines, kept as bitmaps (bit {@code n} is line {@code n}).
 *
 * <p>As an {@link MmioDevice} it offers these 64-bit registers:
 * <table>
 *   <caption>Registers</caption>
 *   <tr><th>offset</th><th>name</th><th>access</th></tr>
 *   <tr><td>0x00</td><td>PENDING</td><td>read: bitmap of pending lines</td></tr>
 *   <tr><td>0x08</td><td>MASKED</td><td>read: bitmap of masked lines</td></tr>
 *   <tr><td>0x10</td><td>MASK_SET</td><td>write: mask every line whose bit is set</td></tr>
 *   <tr><td>0x18</td><td>MASK_CLEAR</td><td>write: unmask every line whose bit is set</td></tr>
 *   <tr><td>0x20</td><td>ACK</td><td>write: acknowledge the line whose number is written</td></tr>
 *   <tr><td>0x28</td><td>NEXT</td><td>read: {@link #nextPending()}, all ones if none</td></tr>
 * </table>
 * Register writes never throw: bits and numbers of lines that do not exist are ignored.
 */
public final class InterruptController implements MmioDevice {

    /** Largest number of lines a controller can have. */
    public static final int MAX_LINES = Long.SIZE;

    /** Register offset: pending bitmap. */
    public static final long REG_PENDING = 0x00;
    /** Register offset: masked bitmap. */
    public static final long REG_MASKED = 0x08;
    /** Register offset: mask the lines set in the written bitmap. */
    public static final long REG_MASK_SET = 0x10;
    /** Register offset: unmask the lines set in the written bitmap. */
    public static final long REG_MASK_CLEAR = 0x18;
    /** Register offset: acknowledge the written line number. */
    public static final long REG_ACK = 0x20;
    /** Register offset: the next line to deliver. */
    public static final long REG_NEXT = 0x28;

    private final int lines;
    private final long existing;
    private long pending;
    private long masked;

    /**
     * Creates a controller with lines 0 to {@code lines - 1}, all masked, none pending.
     *
     * @throws IllegalArgumentException unless {@code 1 <= lines <= }{@value #MAX_LINES}
     */
    public InterruptController(int lines) {
        if (lines < 1 || lines > MAX_LINES) {
            throw new IllegalArgumentException("an interrupt controller has 1 to " + MAX_LINES + " lines, got " + lines);
        }
        this.lines = lines;
        this.existing = lines == MAX_LINES ? -1L : (1L << lines) - 1;
        this.masked = existing;
    }

    /** Returns the number of lines. */
    public int lines() {
        return lines;
    }

    /** Tells whether the controller has a line numbered {@code line}. */
    public boolean hasLine(int line) {
        return line >= 0 && line < lines;
    }

    /** Sets line {@code line} pending. */
    public void raise(int line) {
        pending |= bit(line);
    }

    /** Masks line {@code line}: it stays pending but is not delivered. */
    public void mask(int line) {
        masked |= bit(line);
    }

    /** Unmasks line {@code line}. */
    public void unmask(int line) {
        masked &= ~bit(line);
    }

    /** Tells whether line {@code line} is masked. */
    public boolean isMasked(int line) {
        return (masked & bit(line)) != 0;
    }

    /** Tells whether line {@code line} is pending. */
    public boolean isPending(int line) {
        return (pending & bit(line)) != 0;
    }

    /** Clears the pending bit of line {@code line}. */
    public void acknowledge(int line) {
        pending &= ~bit(line);
    }

    /** Returns the lowest-numbered line that is pending and unmasked, or -1 if there is none. */
    public int nextPending() {
        long deliverable = pending & ~masked;
        return deliverable == 0 ? -1 : Long.numberOfTrailingZeros(deliverable);
    }

    @Override
    public long read(long offset, int sizeBytes) {
        if (offset == REG_PENDING) {
            return pending;
        }
        if (offset == REG_MASKED) {
            return masked;
        }
        if (offset == REG_NEXT) {
            return nextPending();
        }
        return 0;
    }

    @Override
    public void write(long offset, int sizeBytes, long value) {
        if (offset == REG_MASK_SET) {
            masked |= value & existing;
        } else if (offset == REG_MASK_CLEAR) {
            masked &= ~(value & existing);
        } else if (offset == REG_ACK && value >= 0 && value < lines) {
            acknowledge((int) value);
        }
    }

    private long bit(int line) {
        if (!hasLine(line)) {
            throw new IllegalArgumentException("no interrupt line " + line + " (lines are 0 to " + (lines - 1) + ")");
        }
        return 1L << line;
    }

    @Override
    public String toString() {
        return "InterruptController[" + lines + " lines, pending 0x" + Long.toHexString(pending)
                + ", masked 0x" + Long.toHexString(masked) + "]";
    }
}
