package kola.abi;

/**
 * Typed message items and the acceptor (L4 X.2, "Message Registers", "Buffer Registers";
 * {@code L4_MapItem}, {@code L4_GrantItem}, {@code L4_StringItem} in Pistachio's
 * {@code l4/message.h}). Items follow the untyped words of a message. An item's first word has
 * bit 0 = C ({@link #MORE}; in a message Kola counts items by the tag's t and ignores it) and a
 * 3-bit type in bits 1..3: map item = 4, grant item = 5, string item = 0hh (hh: cache hints,
 * ignored).
 *
 * <ul>
 * <li>Map / grant item, two words: word 0 = send base (bits 10 and up) | type; word 1 = the send
 * fpage. The receiver's receive window decides where it lands ({@link #acceptor}).</li>
 * <li>String item, {@code j + 2} words: word 0 = length {@code << 10} | c ({@link #COMPOUND}, bit
 * 9) | j (bits 4..8) | type 0; then {@code j + 1} substring addresses in the sender's space, each
 * substring {@code length} bytes. Bit c says that the next item continues the same string: a
 * <em>compound string</em> is a run of string items joined by c, its bytes those of every
 * substring in order. A simple string is one item with one address ({@link #stringWord(long)}).
 * A string has at most {@link #MAX_STRING} bytes in all.</li>
 * </ul>
 *
 * The receiver's BR0 is the acceptor: the receive window fpage in bits 4 and up, and bit 0 = s
 * (strings accepted). BR1 and up hold the <em>receive buffers</em>, in the string items' own
 * form: a buffer item (length, j, c) and its {@code j + 1} addresses, then the next; c joins
 * buffer items into one compound buffer, and C ({@link #MORE}) on a buffer's first item says that
 * another buffer follows it. The first string of a message goes into the buffer at BR1 (if s is
 * set), each further string into the buffer after the previous one (if that one's C is set): the
 * string's bytes fill the buffer's substrings in order, and what it leaves of the buffer is
 * skipped. A string longer than its buffer, or with no buffer, is a message overflow
 * ({@link IpcError}).
 */
public final class Items {
    /** Type of a map item. */
    public static final int MAP = 4;
    /** Type of a grant item. */
    public static final int GRANT = 5;
    /** The largest string, simple or compound, in bytes (4 MiB, as in X.2). */
    public static final long MAX_STRING = 4L << 20;
    /** Words of a map or grant item, and of a simple string item. */
    public static final int WORDS = 2;
    /** The most substrings one string item (or buffer item) has: j is 5 bits. */
    public static final int MAX_SUBSTRINGS = 32;
    /** Bit C of an item's word 0: in a receive buffer's first item, another buffer follows. */
    public static final long MORE = 1;
    /** Bit c of a string item: the next item continues the same string (or buffer). */
    public static final long COMPOUND = 1L << 9;
    private static final int SUBSTRINGS_SHIFT = 4;
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

    /** Word 0 of a simple string item of {@code length} bytes (one substring, c = 0). */
    public static long stringWord(long length) {
        return stringWord(length, 1, false);
    }

    /**
     * Word 0 of a string item (or receive buffer item) of {@code substrings} substrings of
     * {@code length} bytes each, with c = {@code compound} (the next item continues the string).
     * For a receive buffer that another buffer follows, OR in {@link #MORE}.
     */
    public static long stringWord(long length, int substrings, boolean compound) {
        if (length < 0 || length > MAX_STRING) {
            throw new IllegalArgumentException("string length " + length + " outside 0.." + MAX_STRING);
        }
        if (substrings < 1 || substrings > MAX_SUBSTRINGS) {
            throw new IllegalArgumentException("substrings " + substrings + " outside 1.." + MAX_SUBSTRINGS);
        }
        return length << 10 | (compound ? COMPOUND : 0) | (long) (substrings - 1) << SUBSTRINGS_SHIFT;
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

    /** The length of a string item: the bytes of each of its substrings. */
    public static long stringLength(long word0) {
        return word0 >>> 10;
    }

    /** The number of substrings of a string item (j + 1, 1..32), each {@link #stringLength} bytes. */
    public static int substrings(long word0) {
        return (int) (word0 >>> SUBSTRINGS_SHIFT & 0x1F) + 1;
    }

    /** The words a string item takes: word 0 and its substring addresses. */
    public static int stringItemWords(long word0) {
        return substrings(word0) + 1;
    }

    /** Whether a string item's c bit is set: the next item continues the same string (or buffer). */
    public static boolean isCompound(long word0) {
        return (word0 & COMPOUND) != 0;
    }

    /** Whether an item's C bit is set: for a receive buffer's first item, another buffer follows. */
    public static boolean more(long word0) {
        return (word0 & MORE) != 0;
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

    /** Puts a simple string item of {@code length} bytes at {@code address} into MR{mr}, MR{mr+1}. */
    public static void putString(L4 l4, int mr, long address, long length) {
        l4.setMr(mr, stringWord(length));
        l4.setMr(mr + 1, address);
    }

    /**
     * Puts a string item of {@code addresses.length} substrings of {@code length} bytes each into
     * MR{mr} and on, c = {@code compound} (the next item continues the string); returns the words
     * it takes (the tag's t must count them).
     */
    public static int putString(L4 l4, int mr, long length, boolean compound, long... addresses) {
        l4.setMr(mr, stringWord(length, addresses.length, compound));
        for (int i = 0; i < addresses.length; i++) {
            l4.setMr(mr + 1 + i, addresses[i]);
        }
        return addresses.length + 1;
    }

    /**
     * Puts a receive buffer item of {@code addresses.length} substrings of {@code length} bytes
     * each into BR{br} and on: c = {@code compound} (the next item belongs to this buffer), C =
     * {@code more} (on a buffer's first item: another buffer follows). Returns the next free BR.
     */
    public static int putBuffer(L4 l4, int br, long length, boolean compound, boolean more, long... addresses) {
        l4.setBr(br, stringWord(length, addresses.length, compound) | (more ? MORE : 0));
        for (int i = 0; i < addresses.length; i++) {
            l4.setBr(br + 1 + i, addresses[i]);
        }
        return br + 1 + addresses.length;
    }
}
