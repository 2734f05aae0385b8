package kola.machine;

/**
 * Simulated time, and the processor's cycles.
 *
 * <p>Time is counted in ticks of a fixed 1 GHz time base from 0 at power-on ({@link #now}: one
 * tick is a nanosecond, {@link CostModel#CYCLES_PER_MICROSECOND} ticks a microsecond); the timer,
 * timeouts, time slices, budgets and the RISC-V {@code time} CSR are all in it. The processor runs
 * at {@link #khz()} kHz, {@link #BASE_KHZ} (1 GHz, one cycle a tick) unless ProcessorControl set
 * another rate (X.2 InternalFrequency): the {@link CostModel} charges work in processor cycles
 * ({@link #advance}), which become time at the current rate, so that at half the frequency the
 * same work takes twice the time and a deadline comes after half the cycles. The cycles are
 * counted too ({@link #cycles}, the {@code cycle} CSR).
 *
 * <p>The conversion is exact and keeps no error: since the last change of rate the time is
 * {@code floor(cycles * BASE_KHZ / khz)} ticks after the time of the change, so a run of charges
 * costs what one charge of their sum would. Idle time ({@link #advanceTo}) passes in whole
 * cycles: the clock stops at the first cycle boundary at or after the time asked for (at the base
 * rate, the time itself). At the base rate {@link #now} and {@link #cycles} are equal, as before
 * rates could change.
 *
 * <p>The clock only moves forward: by charges and by the kernel skipping idle time to the next
 * device deadline. It is confined to the host thread that runs the kernel loop.
 */
public final class CycleClock {
    /** The time base's rate, and the processor's highest (its rate at power-on): 1 GHz, in kHz. */
    public static final long BASE_KHZ = 1_000_000;

    private long now;
    private long cycles;
    private long khz = BASE_KHZ;
    /** The time and the cycles at the last change of rate. */
    private long rateNow;
    private long rateCycles;

    /** Creates a clock at cycle 0. */
    public CycleClock() {
    }

    /** Returns the current time in ticks of the time base (ns). */
    public long now() {
        return now;
    }

    /** Returns the processor cycles since power-on. */
    public long cycles() {
        return cycles;
    }

    /** Returns the processor's rate in kHz. */
    public long khz() {
        return khz;
    }

    /**
     * Sets the processor's rate to {@code khz} kHz from now on; the time and the cycles so far
     * stay as they are.
     *
     * @throws IllegalArgumentException unless {@code 1 <= khz <= BASE_KHZ}
     */
    public void setKhz(long khz) {
        if (khz < 1 || khz > BASE_KHZ) {
            throw new IllegalArgumentException("processor rate " + khz + " kHz outside 1.." + BASE_KHZ);
        }
        rateNow = now;
        rateCycles = cycles;
        this.khz = khz;
    }

    /**
     * Advances the clock by {@code cycles} processor cycles.
     *
     * @throws IllegalArgumentException if {@code cycles} is negative
     */
    public void advance(long cycles) {
        if (cycles < 0) {
            throw new IllegalArgumentException("cannot advance the clock by a negative amount: " + cycles);
        }
        this.cycles += cycles;
        now = khz == BASE_KHZ ? now + cycles : timeOf(this.cycles);
    }

    /**
     * Moves the clock to time {@code t}, or to the first cycle boundary after it; does nothing if
     * {@code t} is not in the future.
     */
    public void advanceTo(long t) {
        if (t > now) {
            if (khz == BASE_KHZ) {
                cycles += t - now;
                now = t;
            } else {
                cycles = rateCycles + cyclesTo(t);
                now = timeOf(cycles);
            }
        }
    }

    /**
     * The cycles from now to the first cycle boundary at or after time {@code t} (at the base
     * rate: {@code t - now()}); negative or 0 if {@code t} is not in the future. Far deadlines
     * give a huge number, never an overflow.
     */
    public long cyclesUntil(long t) {
        if (khz == BASE_KHZ) {
            return t - now;
        }
        return cyclesTo(t) - (cycles - rateCycles);
    }

    /** The time after {@code cycles} more processor cycles (at the base rate: {@code now() + cycles}). */
    public long timeAfter(long cycles) {
        if (khz == BASE_KHZ) {
            return now + cycles;
        }
        return cycles > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : timeOf(this.cycles + cycles);
    }

    /**
     * The time at processor cycle {@code c} (not before the last change of rate), or
     * {@code Long.MAX_VALUE} if that lies beyond it: the end of time, where the time base stops.
     */
    private long timeOf(long c) {
        long d = c - rateCycles;
        long whole = d / khz;
        long part = d % khz * BASE_KHZ / khz;
        if (whole > (Long.MAX_VALUE - rateNow - part) / BASE_KHZ) {
            return Long.MAX_VALUE;
        }
        return rateNow + whole * BASE_KHZ + part;
    }

    /**
     * The cycles since the last change of rate at the first cycle boundary at or after time
     * {@code t}, exactly, for any {@code t}: {@code ceil(ticks * khz / BASE_KHZ)} computed as whole
     * base periods ({@code BASE_KHZ} ticks, {@code khz} cycles each) and the rest, so that no
     * product overflows. (The result is at most the ticks, as the rate is at most the base's.)
     */
    private long cyclesTo(long t) {
        long ticks = t >= rateNow ? t - rateNow : Math.max(t, Long.MIN_VALUE + rateNow) - rateNow;
        return Math.floorDiv(ticks, BASE_KHZ) * khz + Math.ceilDiv(Math.floorMod(ticks, BASE_KHZ) * khz, BASE_KHZ);
    }

    @Override
    public String toString() {
        return khz == BASE_KHZ ? "CycleClock[" + now + "]" : "CycleClock[" + now + ", " + cycles + " cycles at " + khz + " kHz]";
    }
}
