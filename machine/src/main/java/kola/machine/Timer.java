package kola.machine;

import java.util.Objects;

/**
 * A one-shot timer: armed with a deadline in cycles of the {@link CycleClock}, it raises its
 * interrupt line once the clock reaches the deadline and disarms itself.
 *
 * <p>The machine has no host threads behind simulated time: the kernel {@link #poll() polls} the
 * timer as time advances, and when idle skips the clock to {@link #deadline()}.
 *
 * <p>As an {@link MmioDevice} it offers these 64-bit registers:
 * <table>
 *   <caption>Registers</caption>
 *   <tr><th>offset</th><th>name</th><th>access</th></tr>
 *   <tr><td>0x00</td><td>NOW</td><td>read: the current cycle count</td></tr>
 *   <tr><td>0x08</td><td>DEADLINE</td><td>read: the deadline ({@link Long#MAX_VALUE} when disarmed); write: arm with that deadline</td></tr>
 *   <tr><td>0x10</td><td>CONTROL</td><td>read: 1 if armed, else 0; write 0: cancel</td></tr>
 * </table>
 */
public final class Timer implements MmioDevice {

    /** Register offset: current cycle count. */
    public static final long REG_NOW = 0x00;
    /** Register offset: deadline. */
    public static final long REG_DEADLINE = 0x08;
    /** Register offset: control. */
    public static final long REG_CONTROL = 0x10;

    private static final long DISARMED = Long.MAX_VALUE;

    private final CycleClock clock;
    private final InterruptController pic;
    private final int line;
    private long deadline = DISARMED;

    /**
     * Creates a disarmed timer that raises {@code line} of {@code pic}.
     *
     * @throws IllegalArgumentException if {@code pic} has no such line
     */
    public Timer(CycleClock clock, InterruptController pic, int line) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pic = Objects.requireNonNull(pic, "pic");
        if (!pic.hasLine(line)) {
            throw new IllegalArgumentException("the interrupt controller has no line " + line);
        }
        this.line = line;
    }

    /** Arms the timer to fire when the clock reaches {@code deadlineCycles}, replacing any earlier deadline. */
    public void arm(long deadlineCycles) {
        deadline = deadlineCycles;
    }

    /** Disarms the timer. */
    public void cancel() {
        deadline = DISARMED;
    }

    /** Returns the deadline, or {@link Long#MAX_VALUE} when disarmed. */
    public long deadline() {
        return deadline;
    }

    /** Tells whether the timer is armed. */
    public boolean isArmed() {
        return deadline != DISARMED;
    }

    /** Returns the interrupt line the timer raises. */
    public int line() {
        return line;
    }

    /** Fires the timer if it is armed and its deadline has come: raises the line and disarms. */
    public void poll() {
        if (deadline != DISARMED && clock.now() >= deadline) {
            deadline = DISARMED;
            pic.raise(line);
        }
    }

    @Override
    public long read(long offset, int sizeBytes) {
        if (offset == REG_NOW) {
            return clock.now();
        }
        if (offset == REG_DEADLINE) {
            return deadline;
        }
        if (offset == REG_CONTROL) {
            return isArmed() ? 1 : 0;
        }
        return 0;
    }

    @Override
    public void write(long offset, int sizeBytes, long value) {
        if (offset == REG_DEADLINE) {
            arm(value);
        } else if (offset == REG_CONTROL && value == 0) {
            cancel();
        }
    }

    @Override
    public String toString() {
        return "Timer[" + (isArmed() ? "deadline " + deadline : "disarmed") + ", line " + line + "]";
    }
}
