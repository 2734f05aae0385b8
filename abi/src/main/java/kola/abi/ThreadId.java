package kola.abi;

/**
 * Thread identifiers, as words: the L4 X.2 global thread id with a 32-bit thread number and a
 * 32-bit version (L4 X.2 reference manual, "Thread Ids"; {@code l4/types.h} of L4Ka::Pistachio).
 *
 * <p>Thread ids are plain {@code long}s so that passing one to the kernel allocates nothing. The
 * version lets a thread number be reused: a stale id (right number, old version) names no thread.
 * Numbers below the KIP's {@code systemBase} are interrupt pseudo-threads (number = line) and
 * kernel threads; sigma0, sigma1 and the root task are the first three at {@code userBase}.
 */
public final class ThreadId {
    /** The nil thread: "no thread". */
    public static final long NIL = 0L;
    /** Any thread: the from-specifier of an open receive. */
    public static final long ANY = -1L;
    private static final long VERSION_MASK = 0xFFFF_FFFFL;

    private ThreadId() {
    }

    /** The global id of thread {@code number} with {@code version} (both 32 bits; version non-zero). */
    public static long global(long number, long version) {
        if (number < 0 || number > 0xFFFF_FFFFL || version <= 0 || version > VERSION_MASK) {
            throw new IllegalArgumentException("thread number " + number + " / version " + version
                    + " out of range (number 0..2^32-1, version 1..2^32-1)");
        }
        return number << 32 | version;
    }

    /** The thread number of a global id. */
    public static long number(long id) {
        return id >>> 32;
    }

    /** The version of a global id. */
    public static long version(long id) {
        return id & VERSION_MASK;
    }

    /** Whether {@code id} is the nil thread. */
    public static boolean isNil(long id) {
        return id == NIL;
    }

    /** A readable form: {@code nil}, {@code any}, or {@code number.version} in hex. */
    public static String toString(long id) {
        if (id == NIL) {
            return "nil";
        }
        if (id == ANY) {
            return "any";
        }
        return Long.toHexString(number(id)) + "." + Long.toHexString(version(id));
    }
}
