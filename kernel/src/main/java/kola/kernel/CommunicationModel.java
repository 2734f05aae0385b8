package kola.kernel;

/**
 * The communication-control seam (DESIGN.md, "IPC"; paper section 4.1): naming and authorization
 * of IPC. Given the sender and the destination word it passed, a model answers which thread
 * receives the message (or none: the send fails with "no such partner"), and which identifier the
 * receiver sees for the sender. Models: global thread ids (plain L4) now; clans & chiefs,
 * redirectors, capabilities and the others later, each one class.
 *
 * <p>Implementations sit on the IPC fast path: they allocate nothing and do O(1) work.
 */
interface CommunicationModel {

    /** The thread a message from {@code sender} to destination word {@code to} goes to, or null. */
    Tcb destination(Tcb sender, long to);

    /** The thread a closed receive by {@code receiver} from {@code from} names, or null. */
    Tcb source(Tcb receiver, long from);

    /** The identifier under which {@code receiver} sees {@code sender}. */
    long senderId(Tcb sender, Tcb receiver);

    /** A short name for traces and the CLI. */
    String name();
}
