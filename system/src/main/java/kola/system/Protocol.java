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

    /** Root task: look up the first thread of boot module MR1 (its KIP index); reply MR1 = its id or nil. */
    public static final long ROOT_LOOKUP = 0x100;

    private Protocol() {
    }
}
