package kola.abi;

/**
 * Typed message items and the acceptor (L4 X.2, "Message Registers", "Buffer Registers";
 * {@code L4_MapItem}, {@code L4_GrantItem}, {@code L4_StringItem} in Pistachio's
 * {@code l4/message.h}). Each item is two words after the untyped words of a message. The first
 * word has bit 0 = C (more items follow; Kola counts items by the tag's t and ignores it) and a
 * 3-bit type in bits 1..3: map item = 4, grant item = 5, string item = 0hh.
 *
 * <ul>
 * <li>Map / grant item: word 0 = send base (bits 10 and up) | type; word 1 = the send fpage.
 * The receiver's receive window decides where it lands ({@link #acceptor}).</li>
 * <li>String item: word 0 = length {@code << 10} | type 0; word 1 = the buffer address in the
 * sender's space. Kola supports simple strings only (one buffer, c = j = 0: bits 4..9 zero);
 * at most {@link #MAX_STRING} bytes.</li>
 * </ul>
 *
 * The receiver's BR0 is the acceptor: the receive window fpage in bits 4 and up, and bit 0 = s
 * (strings accepted). String item k of a message is received into the buffer described by
 * BR{2k+1} (length {@code << 10}) and BR{2k+2} (address).
 */
public final class Items {
    /** Type of a map item. */
    public static final int MAP = 4;
    /** Type of a grant item. */
    public static final int GRANT = 5;
    /** The largest string item, in bytes (4 MiB, as in X.2). */
    public static final long MAX_STRING = 4L << 20;
    /** Words per item. */
    public static final int WORDS = 2;
    private static final long BASE_MASK = ~0x3FFL;

    private Items() {
    }

    /** Word 0 of a map item with send base {@code sendBase}. */
    public static long mapWord(long sendBase) {
        return sendBase & BASE_MASK | MAP << 1;
    }

    /** Word 0 of a grant item with send base {@code sendBase}. */
    public static long grantWord(long sendBase) {
        return sendBase & BASE_MASK | GRANT << 1;
    }

    /** Word 0 of a simple string item of {@code length} bytes. */
    public static long stringWord(long length) {
        if (length < 0 || length > MAX_STRING) {
            throw new IllegalArgumentException("string length " + length + " outside 0.." + MAX_STRING);
        }
        return length << 10;
    }

    /** The type of an item from its word 0: {@link #MAP}, {@link #GRANT}, or 0..3 for a string. */
    public static int type(long word0) {
        return (int) (word0 >>> 1 & 7);
    }

    /** Whether word 0 is a string item's. */
    public static boolean isString(long word0) {
        return (word0 & 8) == 0;
    }

    /** The send base of a map or grant item. */
    public static long sendBase(long word0) {
        return word0 & BASE_MASK;
    }

    /** The length of a string item. */
    public static long stringLength(long word0) {
        return word0 >>> 10;
    }

    /**
     * The acceptor word: receive window {@code window} (a memory fpage, nil, complete, or an
     * object fpage, see {@link Comm}) and whether strings are accepted.
     */
    public static long acceptor(long window, boolean strings) {
        return window & ~0x7L | (strings ? 1 : 0);
    }

    /** The receive window of an acceptor, as an fpage word without rights (bit 3 kept: an object window). */
    public static long window(long acceptor) {
        return acceptor & ~0x7L;
    }

    /** Whether an acceptor accepts string items. */
    public static boolean acceptsStrings(long acceptor) {
        return (acceptor & 1) != 0;
    }

    /**
     * Puts a map item for {@code fpage} with {@code sendBase} into MR{mr}, MR{mr+1} of {@code l4}
     * (a convenience for senders; the tag's t must count it).
     */
    public static void putMap(L4 l4, int mr, long fpage, long sendBase) {
        l4.setMr(mr, mapWord(sendBase));
        l4.setMr(mr + 1, fpage);
    }

    /** Puts a grant item into MR{mr}, MR{mr+1}. */
    public static void putGrant(L4 l4, int mr, long fpage, long sendBase) {
        l4.setMr(mr, grantWord(sendBase));
        l4.setMr(mr + 1, fpage);
    }

    /** Puts a string item of {@code length} bytes at {@code address} into MR{mr}, MR{mr+1}. */
    public static void putString(L4 l4, int mr, long address, long length) {
        l4.setMr(mr, stringWord(length));
        l4.setMr(mr + 1, address);
    }
}
