package kola.abi;

/**
 * IPC error codes, as the UTCB's ErrorCode holds them after a failed IPC (L4 X.2, "IPC",
 * error codes; {@code L4_ErrTimeout} etc. in Pistachio's {@code l4/ipc.h}):
 * {@code (err << 1) | phase}, phase 0 if the send phase failed and 1 if the receive phase did.
 * Codes 4..7 carry X.2's offset in bits 4 and up ({@link #OFFSET_SHIFT}): the bytes of the
 * message's strings that come before the point of failure (Pistachio's {@code
 * ERR_IPC_MSG_OVERFLOW(off)}). X.2 has copied those bytes when it fails; Kola checks a message
 * whole before it moves anything, so a failed message has moved nothing, and the offset says
 * where the failure lies: a string longer than its buffer fails at the buffer's size (plus the
 * bytes of the strings before it), a malformed item or one without a buffer at the bytes of the
 * strings before it.
 *
 * <p>Kola's additions, all within the X.2 codes: a tag with {@code u + t > 63} fails the send
 * phase with {@link #MESSAGE_OVERFLOW}; so does, in both partners, a typed item that is
 * malformed (unknown type, a map item cut off by t, invalid fpage, a string item whose addresses
 * or whose c continuation run past the typed words, a string over {@link Items#MAX_STRING}), a
 * string that does not fit its receive buffer, has none or is not accepted, a receive buffer
 * whose items run past BR32, a map item to a receiver whose window is nil, a map that runs out
 * of kernel memory, and a string with a page on either side in device memory (strings copy RAM
 * only); an impossible timeout word (bits above 32) fails the phase it belongs to with
 * {@link #TIMEOUT}; deleting a thread cancels the IPC of every thread waiting for it with
 * {@link #CANCELLED}, and so does the end of its code (its exception handler excepted). A
 * transfer whose string needs a page of the receiver's buffer waits while the receiver faults it
 * in, under the transfer timeout (the sooner of the sender's send and the receiver's receive
 * transfer timeout, {@link L4#xferTimeouts()}): when that expires the sender fails with
 * {@link #XFER_TIMEOUT_PARTNER} and the receiver with {@link #XFER_TIMEOUT_OWN}; aborted by
 * ExchangeRegisters meanwhile, both fail with {@link #ABORTED}; the offset is that of the
 * missing page.
 */
public final class IpcError {
    /** No error. */
    public static final int NONE = 0;
    /** The timeout expired before a partner was ready. */
    public static final int TIMEOUT = 1;
    /** The partner does not exist (or the id is stale). */
    public static final int NO_PARTNER = 2;
    /** Another thread cancelled the IPC (ExchangeRegisters), or the partner was deleted. */
    public static final int CANCELLED = 3;
    /** The message did not fit the receiver's buffers. */
    public static final int MESSAGE_OVERFLOW = 4;
    /** A string copy faulted in the invoker's space and the transfer timeout expired. */
    public static final int XFER_TIMEOUT_OWN = 5;
    /** A string copy faulted in the partner's space and the transfer timeout expired. */
    public static final int XFER_TIMEOUT_PARTNER = 6;
    /** Another thread aborted the IPC during a transfer. */
    public static final int ABORTED = 7;
    /** The phase bit: set when the receive phase failed. */
    public static final int RECEIVE_PHASE = 1;
    /**
     * Where X.2's offset (string bytes before the failure) sits in the ErrorCode of errors 4..7:
     * above the error, which with the phase fills bits 0..3 ({@code (4 + (off << 3)) << 1 | p} in
     * Pistachio).
     */
    public static final int OFFSET_SHIFT = 4;

    private IpcError() {
    }

    /** The error kind (1..7) of an ErrorCode. */
    public static int kind(long errorCode) {
        return (int) (errorCode >>> 1 & 7);
    }

    /** Whether the receive phase failed. */
    public static boolean inReceivePhase(long errorCode) {
        return (errorCode & RECEIVE_PHASE) != 0;
    }

    /** The ErrorCode for {@code kind} in the given phase. */
    public static long code(int kind, boolean receivePhase) {
        return (long) kind << 1 | (receivePhase ? RECEIVE_PHASE : 0);
    }

    /** X.2's offset of errors 4..7: the bytes of the message's strings before the point that failed. */
    public static long offset(long errorCode) {
        return errorCode >>> OFFSET_SHIFT;
    }

    /** A readable form, e.g. {@code "timeout (receive phase)"}. */
    public static String describe(long errorCode) {
        String what = switch (kind(errorCode)) {
            case NONE -> "no error";
            case TIMEOUT -> "timeout";
            case NO_PARTNER -> "no such partner";
            case CANCELLED -> "cancelled";
            case MESSAGE_OVERFLOW -> "message overflow";
            case XFER_TIMEOUT_OWN -> "transfer timeout in own space";
            case XFER_TIMEOUT_PARTNER -> "transfer timeout in partner's space";
            default -> "aborted";
        };
        return what + (inReceivePhase(errorCode) ? " (receive phase)" : " (send phase)");
    }
}
