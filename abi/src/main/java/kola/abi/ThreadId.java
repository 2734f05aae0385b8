package kola.abi;

/**
 * Thread identifiers, as words: the L4 X.2 global thread id with a 32-bit thread number and a
 * 32-bit version, and the local thread id (L4 X.2 reference manual, "Thread Ids"; {@code l4/types.h}
 * of L4Ka::Pistachio).
 *
 * <p>Thread ids are plain {@code long}s so that passing one to the kernel allocates nothing. The
 * version lets a thread number be reused: a stale id (right number, old version) names no thread.
 * Numbers below the KIP's {@code systemBase} are interrupt pseudo-threads (number = line) and
 * kernel threads; sigma0, sigma1 and the root task are the first three at {@code userBase}.
 *
 * <p>A <em>local</em> id names a thread within its own address space only: it is the address of
 * the thread's UTCB (1 KiB-aligned), so its low 6 bits are 0. X.2 tells the two forms apart by
 * those bits, which is why a global id's version must not be a multiple of 64 ({@link #global}
 * refuses one). By that test the nil thread has the local form and {@link #ANY} the global one,
 * as in Pistachio's {@code L4_IsLocalId} and {@code L4_IsGlobalId}.
 */
public final class ThreadId {
    /** The nil thread: "no thread". */
    public static final long NIL = 0L;
    /** Any thread: the from-specifier of an open receive. */
    public static final long ANY = -1L;
    /**
     * Any thread of the receiver's own address space (X.2 {@code anylocalthread}: all ones but
     * the 6 zero bits of the local form), as a from-specifier.
     */
    public static final long ANY_LOCAL = -1L << 6;
    private static final long VERSION_MASK = 0xFFFF_FFFFL;
    /** The low bits that are 0 in a local id and not all 0 in a global one. */
    private static final long LOCAL_ZERO_BITS = 0x3F;

    private ThreadId() {
    }

    /**
     * The global id of thread {@code number} with {@code version} (both 32 bits; the version
     * non-zero and not a multiple of 64, whose id would have the local form).
     */
    public static long global(long number, long version) {
        if (number < 0 || number > 0xFFFF_FFFFL || version <= 0 || version > VERSION_MASK
                || (version & LOCAL_ZERO_BITS) == 0) {
            throw new IllegalArgumentException("thread number " + number + " / version " + version
                    + " out of range (number 0..2^32-1, version 1..2^32-1 and not a multiple of 64)");
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

    /** Whether {@code id} has the local form: its low 6 bits are 0 (X.2; nil and {@link #ANY_LOCAL} have it too). */
    public static boolean isLocal(long id) {
        return (id & LOCAL_ZERO_BITS) == 0;
    }

    /** Whether {@code id} has the global form: its low 6 bits are not all 0 (X.2; {@link #ANY} has it too). */
    public static boolean isGlobal(long id) {
        return (id & LOCAL_ZERO_BITS) != 0;
    }

    /**
     * A readable form: {@code nil}, {@code any}, {@code anylocal}, {@code local:ADDRESS} for a
     * local id, or {@code number.version} in hex.
     */
    public static String toString(long id) {
        if (id == NIL) {
            return "nil";
        }
        if (id == ANY) {
            return "any";
        }
        if (id == ANY_LOCAL) {
            return "anylocal";
        }
        if (isLocal(id)) {
            return "local:" + Long.toHexString(id);
        }
        return Long.toHexString(number(id)) + "." + Long.toHexString(version(id));
    }
}
