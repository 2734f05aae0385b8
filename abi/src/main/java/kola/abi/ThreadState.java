package kola.abi;

/**
 * Thread states as Schedule returns them in its result word (L4 X.2, "Schedule";
 * {@code L4_Schedule_Result_*} in Pistachio's {@code l4/schedule.h}).
 */
public final class ThreadState {
    /** The call failed; ErrorCode says why. */
    public static final int ERROR = 0;
    /** The thread does not exist. */
    public static final int DEAD = 1;
    /** The thread exists but was never started, or is halted. */
    public static final int INACTIVE = 2;
    /** The thread is running or ready to run. */
    public static final int RUNNING = 3;
    /** The thread waits to send (its partner is not receiving). */
    public static final int PENDING_SEND = 4;
    /** The thread is sending (a transfer is in progress). */
    public static final int SENDING = 5;
    /** The thread waits to receive. */
    public static final int WAITING = 6;
    /** The thread is receiving (a transfer is in progress). */
    public static final int RECEIVING = 7;

    private ThreadState() {
    }

    /** A readable name. */
    public static String name(int state) {
        return switch (state) {
            case ERROR -> "error";
            case DEAD -> "dead";
            case INACTIVE -> "inactive";
            case RUNNING -> "running";
            case PENDING_SEND -> "pending-send";
            case SENDING -> "sending";
            case WAITING -> "waiting";
            case RECEIVING -> "receiving";
            default -> "state " + state;
        };
    }
}
