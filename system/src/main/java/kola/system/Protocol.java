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

    /** The input has ended (console, UART driver). */
    public static final long E_END = 5;
    /** The caller may not do that. */
    public static final long E_DENIED = 6;
    /** A line longer than one message carries (console): it was dropped. */
    public static final long E_TOO_LONG = 7;

    /** Any server: an empty round trip (the shell's {@code ipc N}). */
    public static final long PING = 0x1;

    /** Root task: look up the first thread of boot module MR1 (its KIP index); reply MR1 = its id or nil. */
    public static final long ROOT_LOOKUP = 0x100;
    /** Root task: make the caller the handler of interrupt line MR1, if its module's args say {@code irq=MR1}. */
    public static final long ROOT_ATTACH_IRQ = 0x101;
    /** Root task: start another thread in the caller's space at the caller's module entry MR1; reply MR1 = its id. */
    public static final long ROOT_NEW_THREAD = 0x102;
    /** Root task: start boot module MR1 (one marked {@code manual}); reply MR1 = its first thread. */
    public static final long ROOT_START = 0x103;
    /** Root task: shut the system down (detach every interrupt handler, so the machine goes idle for good). */
    public static final long ROOT_SHUTDOWN = 0x104;
    /** Root task: the caller's program is done ({@link RootTask#exit}); whoever waits for its module goes on. */
    public static final long ROOT_EXIT = 0x105;
    /** Root task: reply when boot module MR1, started, has said {@link #ROOT_EXIT}. */
    public static final long ROOT_WAIT = 0x106;
    /** Root task: delete the threads and space of boot module MR1, which the caller started; it may be started again. */
    public static final long ROOT_STOP = 0x107;

    /**
     * Root task: as {@link #ROOT_LOOKUP}, the boot module named in MR1.. ({@link Words}); an
     * unknown name gets {@link #E_NOT_AVAILABLE}, malformed words {@link #E_BAD_ARGUMENT}.
     */
    public static final long ROOT_LOOKUP_NAME = 0x108;

    /** Name server: register the caller under the name in MR1.. ({@link Words}). */
    public static final long NAME_REGISTER = 0x400;
    /** Name server: look up the name in MR1..; reply MR1 = thread id. */
    public static final long NAME_LOOKUP = 0x401;

    /** Console: write the bytes in MR1.. ({@link Words}). */
    public static final long CONSOLE_WRITE = 0x500;
    /**
     * Console: read one line; the reply (when a line has come) carries it without its newline, or
     * {@link #E_END}, or {@link #E_TOO_LONG} for a line of more than {@link Words#MAX_BYTES} bytes,
     * which the console drops whole.
     */
    public static final long CONSOLE_READ_LINE = 0x501;
    /** Console, from its own reader thread: bytes that came in (MR1.., length 0: the input ended). */
    public static final long CONSOLE_INPUT = 0x502;

    /** UART driver: transmit the bytes in MR1... */
    public static final long UART_WRITE = 0x600;
    /** UART driver: the reply (when bytes have come) carries received bytes; length 0: the input ended. */
    public static final long UART_READ = 0x601;
    /** UART driver: throw, to show fault containment (the shell's {@code crash uart}). */
    public static final long UART_CRASH = 0x6FF;

    /** Timer driver: reply after MR1 microseconds. */
    public static final long TIMER_SLEEP = 0x700;
    /** Timer driver: the current time in MR1, microseconds. */
    public static final long TIMER_NOW = 0x701;

    private Protocol() {
    }
}
