package kola.abi;

/**
 * Communication control (a Kola extension of X.2; paper section 4.1): the CommControl system
 * call's operations, capability selectors, object fpages, and the reply capability.
 *
 * <p>Which of these matter depends on the kernel's communication model (chosen at boot):
 * <ul>
 * <li>{@code global-ids}: X.2 as written; IPC names global thread ids.</li>
 * <li>{@code clans}: clans &amp; chiefs; {@link #CHIEF} sets a space's chief before its threads are activated.</li>
 * <li>{@code redirection}: a per-pair policy of spaces ({@link #POLICY}).</li>
 * <li>{@code redirectors}: each space's redirector, set with X.2 SpaceControl.</li>
 * <li>{@code pclans}: pclan membership ({@link #PCLAN}) and a per-pair policy of pclans ({@link #PCLAN_POLICY}).</li>
 * <li>{@code virtual-threads}: IPC names a slot of the sender's object space that refers to a
 * thread; the sender states, in its VirtualSender register, the slot under which the receiver's
 * object space refers to it, and the receiver sees that slot.</li>
 * <li>{@code capabilities}: IPC names an IPC gate in the sender's object space; the receiver sees
 * the gate's label; a server answers through the one-shot {@link #REPLY} capability.</li>
 * </ul>
 * The configuration operations are accepted under every model (they are per-space kernel
 * state); only the running model consults them.
 *
 * <p>Object spaces hold up to {@link #SLOTS} slots. Slot {@code i} is named by the selector
 * {@code i << 12} (as Fiasco names capabilities), so that a selector is never a global thread id;
 * slot 0 is never used. Capabilities move by map and grant items whose fpage is an object fpage,
 * and are revoked by Unmap of an object fpage, through a derivation tree as memory is.
 */
public final class Comm {
    /** Slots per object space. */
    public static final int SLOTS = 1024;
    /** Bit 3 of an fpage: the fpage names object-space slots, not memory. */
    public static final long OBJECT_FPAGE = 1L << 3;
    /** The one-shot reply capability: the caller of the last call this thread received. */
    public static final long REPLY = 0xFFFF_F000L;

    /** Rights on a capability (in an object fpage's rwx bits): receive/wait on a notification. */
    public static final int RECEIVE = Fpage.R;
    /** Send through the gate (or signal a notification). */
    public static final int SEND = Fpage.W;
    /** Map or grant the capability onward. */
    public static final int GRANT = Fpage.X;

    /** CommControl(CHIEF, space, chief thread): the chief of a space (clans), fixed before any thread of it is activated. Privileged. */
    public static final int CHIEF = 1;
    /** CommControl(POLICY, source space, destination space, action): redirection's policy for the pair. Privileged. */
    public static final int POLICY = 2;
    /** CommControl(PCLAN, space, pclan): the pclan a space belongs to (0..{@link #PCLANS}-1). Privileged. */
    public static final int PCLAN = 3;
    /** CommControl(PCLAN_POLICY, source pclan, destination pclan, action): deny (nil) or an intermediary. Privileged. */
    public static final int PCLAN_POLICY = 4;
    /**
     * CommControl(GATE, selector, thread, label): makes an IPC gate to {@code thread} with
     * {@code label} in the caller's object space, with all rights. The thread must be the
     * caller's own space's, unless the caller is privileged. The label is what the receiver sees
     * as the sender, so it may not be 0, -1, {@link #REPLY} or {@link #NOTIFIED} (invalid
     * parameter); the same holds for {@link #ENDPOINT_GATE}.
     */
    public static final int GATE = 5;
    /** CommControl(LOOKUP, selector, 0, 0): the rights of the caller's slot (0: empty), read back. */
    public static final int LOOKUP = 6;
    /**
     * CommControl(MAP, space, object fpage, destination selector): maps the caller's capabilities
     * into another space's object space without IPC (as Fiasco's task map), for a distributor
     * that must give names before any IPC can name anyone. Privileged.
     */
    public static final int MAP = 7;
    /**
     * CommControl(NOTIFICATION, selector, 0, 0): makes a notification in the caller's slot, with
     * all rights. A send through it ORs MR1 (1 if the message is empty) into its word and never
     * blocks; a closed receive from it takes the word (MR1; the result is the selector) and clears
     * it, or waits until a bit is set.
     */
    public static final int NOTIFICATION = 8;
    /**
     * CommControl(IRQ_BIND, line, selector, bits): binds interrupt line {@code line} to the
     * notification in the caller's slot (selector 0 unbinds and masks the line): when the line
     * fires, the kernel masks it and ORs {@code bits} (not 0) into the notification. Privileged.
     */
    public static final int IRQ_BIND = 9;
    /** CommControl(IRQ_ACK, line, selector, 0): unmasks a line bound to the notification the caller's slot names with the receive right. */
    public static final int IRQ_ACK = 10;
    /**
     * CommControl(SAVE_REPLY, selector, 0, 0): moves the caller's reply capability (for the last
     * call it received, whose caller still waits) into the caller's slot, as a one-shot
     * capability: a send through it answers that call, later or from another thread it is given
     * to, and uses it up.
     */
    public static final int SAVE_REPLY = 11;
    /**
     * CommControl(BIND_NOTIFICATION, selector, 0, 0): binds the notification in the caller's
     * slot (receive right) to the calling thread: its open receives also return the bits, as a
     * message from {@link #NOTIFIED} with the bits in MR1. Selector 0 unbinds.
     */
    public static final int BIND_NOTIFICATION = 12;
    /**
     * CommControl(ENDPOINT, selector, 0, 0): makes an IPC endpoint in the caller's slot, with all
     * rights: a kernel object with its own queues of senders and receivers, that no thread owns.
     * A closed receive from a capability to it with the receive right takes the first waiting
     * sender, or waits (in order of arrival with the endpoint's other receivers) for the next;
     * the receiver sees the label of the gate the sender used ({@link #ENDPOINT_GATE}). The send
     * right lets the holder make such gates; a send through the endpoint capability itself finds
     * no partner, so every message through an endpoint carries a label. When the last capability
     * to the endpoint goes, every thread queued on it fails (cancelled).
     */
    public static final int ENDPOINT = 13;
    /**
     * CommControl(ENDPOINT_GATE, selector, endpoint selector, label): makes an IPC gate to the
     * endpoint the caller's slot names (which needs the send right there) with {@code label} in
     * the caller's slot, with all rights. A message through it goes to the endpoint's first
     * waiting receiver, or waits on the endpoint; a call through it is answered through the
     * receiver's {@link #REPLY} as any call is.
     */
    public static final int ENDPOINT_GATE = 14;
    /** The sender an open receive reports when it took the bits of the thread's bound notification. */
    public static final long NOTIFIED = 0xFFFF_E000L;

    /** The KIP's communication model ({@link Kip#commModel()}): global thread ids, X.2 as written. */
    public static final int MODEL_GLOBAL_IDS = 0;
    /** The KIP's communication model: clans and chiefs. */
    public static final int MODEL_CLANS = 1;
    /** The KIP's communication model: redirection (per-pair policy of spaces). */
    public static final int MODEL_REDIRECTION = 2;
    /** The KIP's communication model: redirectors. */
    public static final int MODEL_REDIRECTORS = 3;
    /** The KIP's communication model: pclans. */
    public static final int MODEL_PCLANS = 4;
    /** The KIP's communication model: virtual threads (slots of the sender's object space). */
    public static final int MODEL_VIRTUAL_THREADS = 5;
    /** The KIP's communication model: capabilities (IPC gates and the reply capability). */
    public static final int MODEL_CAPABILITIES = 6;

    /** Pclans per system. */
    public static final int PCLANS = 64;

    /** A policy action: IPC is allowed (no intermediary). Anything else but {@link #DENY} is the intermediary's thread id. */
    public static final long ALLOW = ThreadId.ANY;
    /** A policy action: IPC is refused ("no partner"). */
    public static final long DENY = ThreadId.NIL;

    private Comm() {
    }

    /** The selector of slot {@code index}. */
    public static long selector(int index) {
        return (long) index << 12;
    }

    /** The slot a selector names, or -1 if it names none. */
    public static int slot(long selector) {
        if ((selector & 0xFFF) != 0 || selector <= 0 || selector >>> 12 >= SLOTS) {
            return -1;
        }
        return (int) (selector >>> 12);
    }

    /** The object fpage of {@code 2^sizeLog2} slots from slot {@code first} (aligned to its size) with {@code rights}. */
    public static long objectFpage(int first, int sizeLog2, int rights) {
        return selector(first) | (long) sizeLog2 << 4 | OBJECT_FPAGE | (rights & Fpage.RWX);
    }

    /** Whether {@code fpage} names object-space slots. */
    public static boolean isObjectFpage(long fpage) {
        return (fpage & OBJECT_FPAGE) != 0;
    }

    /** The first slot of an object fpage, or -1 if it is malformed (unaligned, or beyond the object space). */
    public static int firstSlot(long fpage) {
        int s = sizeLog2(fpage);
        long first = fpage >>> 12 & 0xF_FFFF_FFFF_FFFFL;
        if (!isObjectFpage(fpage) || (fpage & 0xC00) != 0 || s > 10 || (first & ((1L << s) - 1)) != 0
                || first + (1L << s) > SLOTS) {
            return -1;
        }
        return (int) first;
    }

    /** The log2 of an object fpage's number of slots. */
    public static int sizeLog2(long fpage) {
        return (int) (fpage >>> 4 & 0x3F);
    }
}
