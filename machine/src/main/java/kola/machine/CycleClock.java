package kola.machine;

/**
 * Simulated time, counted in cycles from 0 at power-on.
 *
 * <p>The clock only moves forward: by charges from the {@link CostModel} and by the kernel skipping
 * idle time to the next device deadline. It is confined to the host thread that runs the kernel
 * loop.
 */
public final class CycleClock {

    private long now;

    /** Creates a clock at cycle 0. */
    public CycleClock() {
    }

    /** Returns the current time in cycles. */
    public long now() {
        return now;
    }

    /**
     * Advances the clock by {@code cycles}.
     *
     * @throws IllegalArgumentException if {@code cycles} is negative
     */
    public void advance(long cycles) {
        if (cycles < 0) {
            throw new IllegalArgumentException("cannot advance the clock by a negative amount: " + cycles);
        }
        now += cycles;
    }

    /** Moves the clock to time {@code t}; does nothing if {@code t} is not in the future. */
    public void advanceTo(long t) {
        if (t > now) {
            now = t;
        }
    }

    @Override
    public String toString() {
        return "CycleClock[" + now + "]";
    }
}
