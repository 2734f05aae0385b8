package kola.abi;

/**
 * IPC timeouts (L4 X.2, "Time"; {@code L4_Time_t} in Pistachio's {@code l4/types.h}): 16-bit
 * values. A relative period is {@code m * 2^e} microseconds with a 10-bit mantissa m and a 5-bit
 * exponent e; {@link #NEVER} is 0 and {@link #ZERO} has m = 0, e = 1. The Ipc timeouts word packs
 * the send timeout in bits 16..31 and the receive timeout in bits 0..15.
 *
 * <p>Kola does not implement absolute time points (bit 10 set); the kernel rejects them as
 * impossible timeouts, which is documented in {@link IpcError}.
 */
public final class Timeout {
    /** Wait forever. */
    public static final int NEVER = 0;
    /** Do not wait at all. */
    public static final int ZERO = 1 << 10 /* e = 1, m = 0 */;
    /** The longest relative period: m = 1023, e = 31 (about 610 hours). */
    public static final int MAX_PERIOD = 31 << 10 | 1023;
    /** The bit that marks an absolute time point, which Kola does not support. */
    public static final int POINT = 1 << 10 << 5;
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
     * The period of a relative timeout in microseconds: {@code -1} for {@link #NEVER}, 0 for
     * {@link #ZERO}, and {@code -2} for a value Kola does not accept (an absolute time point or a
     * value wider than 16 bits).
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
