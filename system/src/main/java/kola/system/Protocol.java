package kola.system;

/**
 * Message labels of the user-level protocols of Kola's system programs. Labels are positive:
 * negative labels belong to the kernel (page faults, interrupts, exceptions; L4 X.2).
 */
public final class Protocol {
    /** A successful reply. */
    public static final long OK = 0;
    /** A reply refusing the request: MR1 says why ({@link #E_UNKNOWN_REQUEST} etc.). */
    public static final long ERROR = 0xE77;
    /** The request's label is not one the server knows. */
    public static final long E_UNKNOWN_REQUEST = 1;
    /** The request's words are malformed. */
    public static final long E_BAD_ARGUMENT = 2;
    /** The memory asked for is not there, is the kernel's, or is held by another. */
    public static final long E_NOT_AVAILABLE = 3;
    /** No free memory of the size asked for. */
    public static final long E_NO_MEMORY = 4;

    /** Root task: look up the first thread of boot module MR1 (its KIP index); reply MR1 = its id or nil. */
    public static final long ROOT_LOOKUP = 0x100;

    private Protocol() {
    }
}
