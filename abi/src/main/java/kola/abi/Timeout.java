package kola.abi;

/**
 * IPC timeouts (L4 X.2, "Time"; {@code L4_Time_t} in Pistachio's {@code l4/types.h}): 16-bit
 * values. A relative period is {@code m * 2^e} microseconds with a 10-bit mantissa m and a 5-bit
 * exponent e; {@link #NEVER} is 0 and {@link #ZERO} has m = 0, e = 1. The Ipc timeouts word packs
 * the send timeout in bits 16..31 and the receive timeout in bits 0..15.
 *
 * <p>An absolute time point (X.2; bit 15, {@link #POINT}, set) has a 10-bit m in bits 0..9, a
 * carry c in bit 10 and a 4-bit exponent e in bits 11..14: it names the clock value (simulated
 * microseconds, as SystemClock) whose bits e..e+9 are m and whose bit e+10 is c, the one nearest
 * the clock when the kernel reads it ({@link #untilPoint}); {@link #point} makes one. A point
 * that has passed is a zero timeout. IPC timeouts and transfer timeouts may be points; a time
 * slice (Schedule) may not.
 */
public final class Timeout {
    /** Wait forever. */
    public static final int NEVER = 0;
    /** Do not wait at all. */
    public static final int ZERO = 1 << 10 /* e = 1, m = 0 */;
    /** The longest relative period: m = 1023, e = 31 (about 610 hours). */
    public static final int MAX_PERIOD = 31 << 10 | 1023;
    /** The bit that marks an absolute time point. */
    public static final int POINT = 1 << 10 << 5;
    /** The furthest a point can lie ahead of the clock it is made at: 1024 · 2^15 µs (about 33.5 s). */
    public static final long MAX_POINT_AHEAD = 1024L << 15;
    private static final int MANTISSA_BITS = 10;
    private static final int MANTISSA_MAX = (1 << MANTISSA_BITS) - 1;
    private static final int EXPONENT_MAX = 31;

    private Timeout() {
    }

    /**
     * A relative timeout of about {@code micros} microseconds, rounded up to the next
     * representable period. {@code micros == 0} gives {@link #ZERO}.
     */
    public static int relative(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("negative timeout: " + micros + " µs");
        }
        if (micros == 0) {
            return ZERO;
        }
        int e = 0;
        long m = micros;
        while (m > MANTISSA_MAX) {
            m = (m + 1) >>> 1;
            e++;
        }
        if (e > EXPONENT_MAX) {
            throw new IllegalArgumentException("timeout too long: " + micros + " µs");
        }
        return e << MANTISSA_BITS | (int) m;
    }

    /**
     * The time point for clock value {@code atMicros}, made at clock {@code nowMicros}: the finest
     * exponent whose window reaches it (X.2's {@code L4_TimePoint}). It must lie ahead, by less
     * than {@link #MAX_POINT_AHEAD}.
     */
    public static int point(long atMicros, long nowMicros) {
        long ahead = atMicros - nowMicros;
        if (ahead <= 0 || ahead >= MAX_POINT_AHEAD) {
            throw new IllegalArgumentException("a time point must lie 1 .. " + (MAX_POINT_AHEAD - 1) + " µs ahead: " + ahead);
        }
        int e = 0;
        while (ahead >= (long) (MANTISSA_MAX + 1) << e) {
            e++;
        }
        return POINT | e << 11 | (int) (atMicros >>> (e + MANTISSA_BITS) & 1) << MANTISSA_BITS
                | (int) (atMicros >>> e & MANTISSA_MAX);
    }

    /** Whether {@code timeout} is a 16-bit absolute time point. */
    public static boolean isPoint(long timeout) {
        return (timeout & ~0xFFFFL) == 0 && (timeout & POINT) != 0;
    }

    /**
     * The microseconds from clock {@code nowMicros} until time point {@code timeout}: of the clock
     * values its bits name (one every 2^(e+11) µs) the nearest to now; 0 if that has passed.
     */
    public static long untilPoint(long timeout, long nowMicros) {
        int e = (int) (timeout >>> 11 & 0xF);
        long window = 1L << (e + MANTISSA_BITS + 1);
        long at = (nowMicros & -window) | (timeout >>> MANTISSA_BITS & 1) << (e + MANTISSA_BITS) | (timeout & MANTISSA_MAX) << e;
        if (at - nowMicros > window / 2) {
            at -= window;
        } else if (nowMicros - at > window / 2) {
            at += window;
        }
        return Math.max(0, at - nowMicros);
    }

    /**
     * The period of a relative timeout in microseconds: {@code -1} for {@link #NEVER}, 0 for
     * {@link #ZERO}, and {@code -2} for a value that is no period (an absolute time point, which
     * {@link #untilPoint} reads, or a value wider than 16 bits).
     */
    public static long micros(long timeout) {
        if (timeout == NEVER) {
            return -1;
        }
        if ((timeout & ~0xFFFFL) != 0 || (timeout & POINT) != 0) {
            return -2;
        }
        long m = timeout & MANTISSA_MAX;
        long e = timeout >>> MANTISSA_BITS & EXPONENT_MAX;
        return m << e;
    }

    /** The Ipc timeouts word: send timeout in bits 16..31, receive timeout in bits 0..15. */
    public static long pair(int send, int receive) {
        return (long) (send & 0xFFFF) << 16 | (receive & 0xFFFF);
    }

    /** The send half of a timeouts word. */
    public static int send(long timeouts) {
        return (int) (timeouts >>> 16 & 0xFFFF);
    }

    /** The receive half of a timeouts word. */
    public static int receive(long timeouts) {
        return (int) (timeouts & 0xFFFF);
    }
}
