package kola.abi;

/**
 * Error codes of the privileged and scheduling system calls (ThreadControl, SpaceControl,
 * Schedule, ExchangeRegisters), as the UTCB's ErrorCode holds them when the call returned
 * failure (L4 X.2 reference manual; {@code L4_ErrNoPrivilege} etc. in Pistachio's
 * {@code l4/thread.h}).
 */
public final class KernelError {
    /** No error. */
    public static final int OK = 0;
    /** The caller may not perform the operation. */
    public static final int NO_PRIVILEGE = 1;
    /** The destination thread id is invalid, stale, or not allowed here. */
    public static final int INVALID_THREAD = 2;
    /** The space specifier names no usable address space. */
    public static final int INVALID_SPACE = 3;
    /** The scheduler thread id is invalid. */
    public static final int INVALID_SCHEDULER = 4;
    /** A parameter word is out of range. */
    public static final int INVALID_PARAMETER = 5;
    /** The UTCB location or area is invalid. */
    public static final int INVALID_UTCB = 6;
    /** The KIP area is invalid. */
    public static final int INVALID_KIP_AREA = 7;
    /** Kernel memory for the operation could not be allocated. */
    public static final int OUT_OF_MEMORY = 8;

    private KernelError() {
    }

    /** A readable form of an error code. */
    public static String describe(long code) {
        return switch ((int) code) {
            case OK -> "ok";
            case NO_PRIVILEGE -> "no privilege";
            case INVALID_THREAD -> "invalid thread";
            case INVALID_SPACE -> "invalid space";
            case INVALID_SCHEDULER -> "invalid scheduler";
            case INVALID_PARAMETER -> "invalid parameter";
            case INVALID_UTCB -> "invalid UTCB";
            case INVALID_KIP_AREA -> "invalid KIP area";
            case OUT_OF_MEMORY -> "out of memory";
            default -> "error " + code;
        };
    }
}
