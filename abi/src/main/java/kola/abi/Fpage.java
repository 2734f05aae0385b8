package kola.abi;

/**
 * Flexpages (L4 X.2, "Fpages"; {@code L4_Fpage_t} in Pistachio's {@code l4/types.h}): a region of
 * {@code 2^s} bytes aligned to its size, with access rights. Encoded in one word: rwx in bits 0..2
 * (R = 4, W = 2, X = 1), an extension bit 3, s in bits 4..9 and {@code base >> 10} from bit 10.
 *
 * <p>Kola's page is 4 KiB, so a memory fpage has {@code s >= 12}. {@link #NIL} is the nil fpage;
 * {@link #COMPLETE} (s = 1, base 0) is the complete address space. The static methods work on
 * the raw word so that no fpage is ever allocated; {@link #isValid} is the check the kernel uses.
 */
public final class Fpage {
    /** Read right. */
    public static final int R = 4;
    /** Write right. */
    public static final int W = 2;
    /** Execute right. */
    public static final int X = 1;
    /** All rights. */
    public static final int RWX = R | W | X;
    /** The nil fpage. */
    public static final long NIL = 0L;
    /** The complete address space (s = 1, base 0), with no rights. */
    public static final long COMPLETE = 1L << 4;
    /** The smallest size exponent of a memory fpage: a 4 KiB page. */
    public static final int MIN_SIZE_LOG2 = 12;
    /** The largest size exponent Kola accepts: a user address space is 2^38 bytes (Sv39 lower half). */
    public static final int MAX_SIZE_LOG2 = 38;
    private static final int SIZE_SHIFT = 4;
    private static final int BASE_SHIFT = 10;

    private Fpage() {
    }

    /** The fpage of {@code 2^sizeLog2} bytes at {@code base} with {@code rights}; checked. */
    public static long of(long base, int sizeLog2, int rights) {
        if (sizeLog2 < MIN_SIZE_LOG2 || sizeLog2 > MAX_SIZE_LOG2) {
            throw new IllegalArgumentException("fpage size 2^" + sizeLog2 + " outside 2^12..2^38");
        }
        if (base < 0 || (base & ((1L << sizeLog2) - 1)) != 0) {
            throw new IllegalArgumentException("fpage base 0x" + Long.toHexString(base)
                    + " not aligned to its size 2^" + sizeLog2);
        }
        if ((rights & ~RWX) != 0) {
            throw new IllegalArgumentException("fpage rights " + rights + " not within rwx");
        }
        if (base > (1L << MAX_SIZE_LOG2) - (1L << sizeLog2)) {
            throw new IllegalArgumentException("fpage at 0x" + Long.toHexString(base) + " of 2^" + sizeLog2
                    + " bytes ends beyond the user address space (2^" + MAX_SIZE_LOG2 + ")");
        }
        return (base >>> BASE_SHIFT) << BASE_SHIFT | (long) sizeLog2 << SIZE_SHIFT | rights;
    }

    /** The same fpage with {@code rights} instead of its own. */
    public static long withRights(long fpage, int rights) {
        return fpage & ~(long) RWX | (rights & RWX);
    }

    /** The base address. */
    public static long base(long fpage) {
        return (fpage >>> BASE_SHIFT) << BASE_SHIFT;
    }

    /** The size exponent s. */
    public static int sizeLog2(long fpage) {
        return (int) (fpage >>> SIZE_SHIFT & 0x3F);
    }

    /** The size in bytes ({@code 2^s}). */
    public static long size(long fpage) {
        return 1L << sizeLog2(fpage);
    }

    /** The rights bits rwx. */
    public static int rights(long fpage) {
        return (int) (fpage & RWX);
    }

    /** Whether this is the nil fpage. */
    public static boolean isNil(long fpage) {
        return fpage == NIL;
    }

    /** Whether this is the complete address space (s = 1, base 0), whatever its rights. */
    public static boolean isComplete(long fpage) {
        return (fpage & ~(long) RWX) == COMPLETE;
    }

    /**
     * Whether the word is a well-formed memory fpage: s in 12..38, base aligned to 2^s, the
     * extension bit clear, and the region inside the user address space {@code [0, 2^38)}.
     */
    public static boolean isValid(long fpage) {
        int s = sizeLog2(fpage);
        if (s < MIN_SIZE_LOG2 || s > MAX_SIZE_LOG2 || (fpage & 8) != 0) {
            return false;
        }
        long base = base(fpage);
        return (base & ((1L << s) - 1)) == 0 && base >= 0 && base + (1L << s) <= 1L << MAX_SIZE_LOG2;
    }

    /** Whether the two valid fpages overlap. */
    public static boolean overlaps(long a, long b) {
        return base(a) < base(b) + size(b) && base(b) < base(a) + size(a);
    }

    /** Whether {@code address} lies inside the valid fpage. */
    public static boolean contains(long fpage, long address) {
        return address >= base(fpage) && address - base(fpage) < size(fpage);
    }

    /** A readable form, e.g. {@code fpage(0x10000, 2^12, rw-)}. */
    public static String toString(long fpage) {
        if (isNil(fpage)) {
            return "fpage(nil)";
        }
        if (isComplete(fpage)) {
            return "fpage(complete, " + rightsString(rights(fpage)) + ")";
        }
        return "fpage(0x" + Long.toHexString(base(fpage)) + ", 2^" + sizeLog2(fpage) + ", "
                + rightsString(rights(fpage)) + ")";
    }

    /**
     * Whether an fpage {@link L4#unmap} returned says its pages were referenced (read, written or
     * executed) since the caller last read their status (X.2 {@code L4_WasReferenced}: R).
     */
    public static boolean wasReferenced(long fpage) {
        return (fpage & R) != 0;
    }

    /** Whether an fpage {@link L4#unmap} returned says its pages were written (X.2 {@code L4_WasWritten}: W). */
    public static boolean wasWritten(long fpage) {
        return (fpage & W) != 0;
    }

    /**
     * Whether an fpage {@link L4#unmap} returned says its pages were executed (X.2
     * {@code L4_WaseXecuted}: X). Kola tells an execution only on an execute-only page; from a
     * page that is also readable it shows as referenced alone.
     */
    public static boolean wasExecuted(long fpage) {
        return (fpage & X) != 0;
    }

    /** rwx as three characters, e.g. {@code r-x}. */
    public static String rightsString(int rights) {
        return ((rights & R) != 0 ? "r" : "-") + ((rights & W) != 0 ? "w" : "-") + ((rights & X) != 0 ? "x" : "-");
    }
}
