package kola.kernel;

/**
 * The communication-control seam (docs/DESIGN.md, "Communication control"; paper section 4.1):
 * naming and authorization of IPC. For each message a model decides a {@link Route}: deliver to
 * a thread under some sender identity, redirect to an intermediary, or deny (the send fails with
 * "no partner"). It also says what a closed receive waits for, and whether an intermediary may
 * forward a message as its original sender (X.2 propagation).
 *
 * <p>Models: {@link GlobalIds}, {@link Clans}, {@link Redirection}, {@link Redirectors},
 * {@link Pclans}, {@link VirtualThreads}, {@link Capabilities}. Implementations sit on the IPC
 * path: they allocate nothing; their work is O(1) or bounded by a policy chain's length.
 */
interface CommunicationModel {
    /** Returned by {@link #source} when a closed receive names nothing the receiver can hear from. */
    long NO_SOURCE = 0;

    /**
     * Routes a message from {@code sender} to destination word {@code to}, filling {@code out};
     * false to deny. {@code to} is any word the sender chose.
     */
    boolean route(Tcb sender, long to, Route out);

    /**
     * The sender identity a closed receive by {@code receiver} from {@code from} waits for (what
     * {@link Route#senderId} of a matching message is), or {@link #NO_SOURCE} if it can never come.
     */
    long source(Tcb receiver, long from);

    /**
     * Whether {@code actual} may send to {@code dest} as {@code virtual} (a propagated message:
     * the receiver sees {@code virtual} as the sender, and {@code actual} in ActualSender).
     */
    boolean mayPropagate(Tcb actual, Tcb virtual, Tcb dest);

    /**
     * The kernel object a closed receive from {@code from} waits on: a notification (for its
     * bits) or an endpoint (for a sender), or null (the receive waits for a thread's message).
     */
    default WaitQueue waitObject(Tcb receiver, long from) {
        return null;
    }

    /** Whether IPC to {@link kola.abi.Comm#REPLY} uses the reply capability (else REPLY is an ordinary word). */
    default boolean hasReplyCapability() {
        return false;
    }

    /**
     * Whether the model controls nothing: every message goes to the live thread whose global id
     * the destination word is, from the sender's own id, so {@link #route} is the thread table's
     * lookup. The IPC fast path then looks the partner up itself, without a {@link Route}.
     */
    default boolean controlsNothing() {
        return false;
    }

    /** The model's name, as {@code --comm} takes it. */
    String name();
}
