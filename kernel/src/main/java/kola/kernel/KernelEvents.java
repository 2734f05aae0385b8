package kola.kernel;

/**
 * The kernel event stream (issue-level contract for tracing): every event has a type, the
 * simulated time in cycles, and three words whose meaning the type fixes. Thread words are global
 * thread ids; space words are address-space ids (asids).
 *
 * <table>
 *   <caption>Event types and their words</caption>
 *   <tr><th>type</th><th>a</th><th>b</th><th>c</th></tr>
 *   <tr><td>{@link #TRAP}</td><td>thread</td><td>trap number (not Ipc)</td><td>0</td></tr>
 *   <tr><td>{@link #TRANSFER}</td><td>sender</td><td>receiver</td><td>message tag</td></tr>
 *   <tr><td>{@link #SWITCH}</td><td>previous thread (0: idle)</td><td>next thread (0: idle)</td><td>0</td></tr>
 *   <tr><td>{@link #TIMEOUT}</td><td>thread</td><td>IPC error code</td><td>0</td></tr>
 *   <tr><td>{@link #CANCEL}</td><td>thread</td><td>IPC error kind</td><td>0</td></tr>
 *   <tr><td>{@link #FAULT}</td><td>thread</td><td>fault address</td><td>access rwx</td></tr>
 *   <tr><td>{@link #THREAD_CREATE}</td><td>thread</td><td>space</td><td>0</td></tr>
 *   <tr><td>{@link #THREAD_DELETE}</td><td>thread</td><td>space</td><td>0</td></tr>
 *   <tr><td>{@link #SPACE_CREATE}</td><td>space</td><td>0</td><td>0</td></tr>
 *   <tr><td>{@link #SPACE_DELETE}</td><td>space</td><td>0</td><td>0</td></tr>
 *   <tr><td>{@link #HALT}</td><td>thread</td><td>0 returned, 1 exception, 2 halted by the kernel</td><td>0</td></tr>
 *   <tr><td>{@link #MAP}</td><td>sender</td><td>receiver</td><td>destination base | 1 for a grant</td></tr>
 *   <tr><td>{@link #UNMAP}</td><td>thread</td><td>fpage</td><td>1 with flush</td></tr>
 *   <tr><td>{@link #KERNEL_IPC}</td><td>thread</td><td>tag of the kernel-made message</td><td>0</td></tr>
 *   <tr><td>{@link #INTERRUPT}</td><td>line</td><td>handler thread</td><td>0</td></tr>
 *   <tr><td>{@link #DEPLETED}</td><td>thread running on the context (0: none)</td><td>scheduling context</td><td>0</td></tr>
 *   <tr><td>{@link #REFILL}</td><td>thread running on the context (0: none)</td><td>scheduling context</td><td>0</td></tr>
 *   <tr><td>{@link #DOMAIN}</td><td>domain that runs now</td><td>slot of the schedule</td><td>0</td></tr>
 * </table>
 */
public final class KernelEvents {
    public static final int TRAP = 1;
    public static final int TRANSFER = 2;
    public static final int SWITCH = 3;
    public static final int TIMEOUT = 4;
    public static final int FAULT = 5;
    public static final int THREAD_CREATE = 6;
    public static final int THREAD_DELETE = 7;
    public static final int SPACE_CREATE = 8;
    public static final int SPACE_DELETE = 9;
    public static final int HALT = 10;
    public static final int CANCEL = 11;
    public static final int MAP = 12;
    public static final int UNMAP = 13;
    public static final int KERNEL_IPC = 14;
    public static final int INTERRUPT = 15;
    /** A scheduling context's budget ran out. */
    public static final int DEPLETED = 16;
    /** A depleted scheduling context got budget back. */
    public static final int REFILL = 17;
    /** A domain switch. */
    public static final int DOMAIN = 18;

    private static final String[] NAMES = {"?", "trap", "ipc", "switch", "timeout", "fault", "thread-create",
        "thread-delete", "space-create", "space-delete", "halt", "cancel", "map", "unmap", "kernel-ipc", "interrupt",
        "depleted", "refill", "domain"};

    private KernelEvents() {
    }

    /** A short name of an event type. */
    public static String name(int type) {
        return type > 0 && type < NAMES.length ? NAMES[type] : "?";
    }

    /** Receives kernel events as they happen. Called on the kernel loop's thread; must not call the kernel. */
    @FunctionalInterface
    public interface Listener {
        void event(int type, long time, long a, long b, long c);
    }
}
