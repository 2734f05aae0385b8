package kola.abi;

/**
 * IPC error codes, as the UTCB's ErrorCode holds them after a failed IPC (L4 X.2, "IPC",
 * error codes; {@code L4_ErrTimeout} etc. in Pistachio's {@code l4/ipc.h}):
 * {@code (err << 1) | phase}, phase 0 if the send phase failed and 1 if the receive phase did.
 * Codes 4..7 carry the offset of the failing typed item in bits 4 and up ({@link #OFFSET_SHIFT}).
 *
 * <p>Kola's additions, all within the X.2 codes: a tag with {@code u + t > 63} fails the send
 * phase with {@link #MESSAGE_OVERFLOW}; so does, in both partners, a typed item that is
 * malformed (unknown type, odd t, invalid fpage, compound or oversized string), a string that
 * does not fit the receiver's buffer or is not accepted, a map item to a receiver whose window is
 * nil, a map that runs out of kernel memory, and a string whose buffer on either side lies in
 * device memory (strings copy RAM only); an impossible timeout word (bits above 32) fails the phase it belongs to with {@link #TIMEOUT}; deleting a thread cancels the
 * IPC of every thread waiting for it with {@link #CANCELLED}, and so does the end of its code
 * (its exception handler excepted). A transfer whose string needs a page of the receiver's
 * buffer waits while the receiver faults it in, under the sender's send transfer timeout
 * ({@link L4#xferTimeouts()}): when that expires the sender fails with
 * {@link #XFER_TIMEOUT_PARTNER} and the receiver with {@link #XFER_TIMEOUT_OWN}; aborted by
 * ExchangeRegisters meanwhile, both fail with {@link #ABORTED}.
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
     * Where the offset of the failing typed item (its message register number) sits in the
     * ErrorCode of errors 4..7. X.2 places it above the error; (err << 1) | phase fills bits 0..3,
     * so Kola puts it at bit 4.
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

    /** The message register of the typed item that failed (errors 4..7). */
    public static int offset(long errorCode) {
        return (int) (errorCode >>> OFFSET_SHIFT);
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
