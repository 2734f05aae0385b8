package kola.abi;

/**
 * The message tag in MR0 (L4 X.2, "Message Registers"; {@code L4_MsgTag_t} in Pistachio's
 * {@code l4/message.h}): low bits first, u (6 bits, untyped words), t (6 bits, typed words),
 * four flags (propagated, redirected, cross-CPU, error) and the label in the upper 48 bits.
 * {@code u + t <= 63}: MR1..MR{u+t} carry the message.
 */
public final class MsgTag {
    /** The number of message registers, MR0 (the tag) included. */
    public static final int MESSAGE_REGISTERS = 64;
    /** The most words u + t a message may carry after the tag. */
    public static final int MAX_WORDS = MESSAGE_REGISTERS - 1;
    /** Flag p: the message was propagated. */
    public static final long PROPAGATED = 1L << 12;
    /** Flag r: the message was redirected. */
    public static final long REDIRECTED = 1L << 13;
    /** Flag x: the message crossed processors. */
    public static final long CROSS_CPU = 1L << 14;
    /** Flag e: the IPC failed; the UTCB's ErrorCode says why. */
    public static final long ERROR = 1L << 15;
    private static final long FLAGS = 0xF000L;
    private static final int LABEL_SHIFT = 16;

    private MsgTag() {
    }

    /** A tag with the given label (48 bits, may be negative for kernel labels), u untyped and t typed words. */
    public static long make(long label, int untyped, int typed) {
        return label << LABEL_SHIFT | (long) (typed & 0x3F) << 6 | (untyped & 0x3F);
    }

    /** The untyped word count u. */
    public static int untyped(long tag) {
        return (int) (tag & 0x3F);
    }

    /** The typed word count t. */
    public static int typed(long tag) {
        return (int) (tag >>> 6 & 0x3F);
    }

    /** The label, sign-extended from 48 bits (kernel labels such as the page fault's are negative). */
    public static long label(long tag) {
        return tag >> LABEL_SHIFT;
    }

    /** The flag bits (p, r, x, e). */
    public static long flags(long tag) {
        return tag & FLAGS;
    }

    /** Whether the error flag is set: the IPC failed. */
    public static boolean failed(long tag) {
        return (tag & ERROR) != 0;
    }

    /** A readable form for traces and debugging. */
    public static String toString(long tag) {
        return "tag(label=" + label(tag) + ", u=" + untyped(tag) + ", t=" + typed(tag)
                + ((tag & ERROR) != 0 ? ", error" : "") + ")";
    }
}
