package kola.kernel;

/**
 * What a {@link CommunicationModel} decided for one message: the thread that receives it, the
 * identity it sees the sender under, and, if the message was redirected to an intermediary, the
 * receiver the sender named. One instance per kernel, filled in place: routing allocates nothing.
 */
final class Route {
    /** The thread that receives the message. */
    Tcb target;
    /** The identifier the receiver sees for the sender (its result register), and that its closed receive matches. */
    long senderId;
    /** A notification the message signals instead (target null), or null. */
    Notification notification;
    /** An endpoint the message goes to instead (target null: its first receiver, or its queue), or null. */
    Endpoint endpoint;
    /** The global id of the receiver the sender named, when the message goes to an intermediary instead; else nil. */
    long intended;

    /** Fills the route of a message delivered to {@code to} as {@code id}, not redirected. */
    boolean deliver(Tcb to, long id) {
        target = to;
        senderId = id;
        intended = 0;
        notification = null;
        endpoint = null;
        return true;
    }

    /** Fills the route of a message redirected to {@code intermediary}, which sees sender {@code id} and the intended receiver. */
    boolean redirect(Tcb intermediary, long id, long intendedReceiver) {
        target = intermediary;
        senderId = id;
        intended = intendedReceiver;
        notification = null;
        endpoint = null;
        return true;
    }

    /** Fills the route of a signal to notification {@code n}. */
    boolean signal(Notification n) {
        target = null;
        senderId = 0;
        intended = 0;
        notification = n;
        endpoint = null;
        return true;
    }

    /** Fills the route of a message to endpoint {@code e} through a gate labelled {@code label}. */
    boolean queue(Endpoint e, long label) {
        target = null;
        senderId = label;
        intended = 0;
        notification = null;
        endpoint = e;
        return true;
    }
}
