package kola.abi;

/**
 * Words of the Schedule system call (L4 X.2, "Schedule"): a control word of all ones leaves that
 * parameter unchanged. The time control word holds the time slice in bits 16..31 as a relative
 * {@link Timeout} period; the priority control word holds the new priority (0..255) in bits 0..7.
 */
public final class Schedule {
    /** Leave the parameter unchanged. */
    public static final long UNCHANGED = -1L;
    /** The highest priority. */
    public static final int MAX_PRIORITY = 255;

    private Schedule() {
    }

    /** A time control word for a time slice of about {@code micros} microseconds. */
    public static long timeslice(long micros) {
        return (long) Timeout.relative(micros) << 16;
    }
}
