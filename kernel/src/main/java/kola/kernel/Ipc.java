package kola.kernel;

import kola.abi.Comm;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.KernelLabels;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.machine.CostModel;
import kola.machine.CycleClock;
import kola.machine.Mmu;
import kola.machine.PhysicalMemory;
import kola.machine.Tlb;

/**
 * Synchronous IPC (paper section 2; L4 X.2 "IPC"): the send phase, the receive phase, timeouts,
 * cancellation, typed items, and the direct switch to the partner. It reads as a state machine
 * over the threads' states and the queues they wait in, like seL4's {@code endpoint.c}. Senders
 * wait in a {@link SendQueue}: the receiver's own (X.2: a message to a thread waits on that
 * thread) or an {@link Endpoint}'s; receivers wait in their own state (for a thread or any) or
 * on an endpoint's queue of receivers:
 *
 * <ul>
 * <li>send: the receiver waits for us ({@code RECEIVING} and accepting us; for an endpoint, its
 * first waiting receiver) → transfer, wake it; otherwise a zero send timeout fails, and any other
 * blocks us ({@code SENDING}) in the send queue.</li>
 * <li>receive: a matching sender waits in our send queue (for an endpoint, in its queue) →
 * transfer, it goes on (into its own receive phase, for a call); otherwise a zero receive timeout
 * fails, any other blocks us ({@code RECEIVING}; for an endpoint, last in its receivers).</li>
 * </ul>
 *
 * A thread's result registers ({@link Tcb#result}, MR0, ErrorCode) are written when its IPC
 * completes or fails, whether it is running or blocked.
 *
 * <p>X.2's local thread ids and thread start (DESIGN.md, "Local thread ids", "Thread start"):
 * under the thread-id models a local {@code to} or from-specifier is resolved in the caller's own
 * space, anylocalthread takes senders of the receiver's space only, and a sender of the
 * receiver's space is returned as its local id; a message from a thread's pager to a thread that
 * awaits its start message starts it ({@link Lifecycle#startByMessage}) instead of being received.
 *
 * <p>Typed items are checked before anything is transferred, so a malformed message changes
 * nothing; string items are X.2's, compound strings and compound, chained receive buffers
 * included ({@link #planString}). A string copy that needs a page neither partner has mapped
 * does not block inside the kernel: the IPC of the thread whose space lacks the page enters its
 * restart state ({@link Tcb#restart}): the kernel sends an ordinary page fault (IPC to its pager)
 * and then performs the IPC again from the phase it was in. A receiver that
 * does so holds its sender, which waits under X.2's transfer timeout ({@link #awaitPartnerFault});
 * a sender that does so leaves its receiver in its receive, under the receiver's own timeout.
 *
 * <p>The untyped path allocates nothing.
 */
final class Ipc {
    private static final int OK = 0;
    private static final int FAILED = 1;
    private static final int FAULTED = 2;
    /** What {@link #usable} found. */
    private static final int USABLE = 0;
    private static final int MISSING = 1;
    private static final int NOT_RAM = 2;
    private static final int MAX_COPIES = MsgTag.MESSAGE_REGISTERS + Tcb.BUFFER_REGISTERS;
    /** {@link #nextBuffer}: no receive buffer takes another string. */
    private static final int NO_BUFFER = -1;
    /** The acceptor of a kernel-made IPC's reply: the complete address space. */
    private static final long COMPLETE_ACCEPTOR = Items.acceptor(Fpage.COMPLETE, false);

    private final Kernel k;
    private final CycleClock clock;
    private final Cpu cpu;
    private final CommunicationModel comm;
    /** The model {@link CommunicationModel#controlsNothing controls nothing}: the fast path looks partners up in {@link #threads}. */
    private final boolean controlsNothing;
    private final ThreadTable threads;
    /** The route of the message being sent: filled by the model, read at once. */
    private final Route route = new Route();
    /** Whether the model has object spaces: reply capabilities, saved replies, notifications (read once, off the thread-id path). */
    private final boolean objectSpaces;
    /**
     * Whether IPC words may be local ids (X.2): under the models that name threads by id. Under
     * the object-space models a word is a selector, which has the local form too, so there a
     * local id names nothing (DESIGN.md, "Local thread ids").
     */
    private final boolean localIds;
    private final EventLog events;
    /** Whether {@link #fast} may take the messages it can ({@link KernelConfig#fastPath}). */
    private final boolean fastPath;
    /** Whether {@link Comm#REPLY} is the reply capability (the model has one). */
    private final boolean replyCapability;
    /** The IPCs {@link #fast} took (for tests). */
    long fastIpcs;
    /** The typed words of the message being transferred, read once from the sender's registers. */
    private final long[] items = new long[MsgTag.MESSAGE_REGISTERS];
    /** The receiver's buffer registers BR1..BR32 (at their own index), read once when a message's first string is met. */
    private final long[] buffers = new long[Tcb.BUFFER_REGISTERS];
    /**
     * The copies a message's strings make, in message order: from, to, bytes. A copy ends where a
     * send substring or a receive substring ends, and every substring belongs to one string, so
     * there are fewer copies than substrings on both sides: 62 in the typed words, 32 in the BRs.
     */
    private final long[] copyFrom = new long[MAX_COPIES];
    private final long[] copyTo = new long[MAX_COPIES];
    private final long[] copyBytes = new long[MAX_COPIES];
    private int copies;
    /** X.2's offset so far: the bytes of the message's strings before the item being checked. */
    private long offset;
    /** X.2's offset at each map or grant item (by typed word), for an error in its map. */
    private final long[] itemOffset = new long[MsgTag.MESSAGE_REGISTERS];
    /** What {@link #planString} found: the first BR of the next receive buffer, or {@link #NO_BUFFER}. */
    private int nextBuffer;
    /** Where {@link #usable} found a page missing or not RAM. */
    private long unusableAt;
    /** What {@link #fit} found: the part of the send fpage that moves, where it lands, and its log2 size. */
    private long fitSource;
    private long fitDest;
    private int fitSize;
    /** Senders whose send phase completed while they were blocked and that still have a receive phase. */
    private Tcb workHead;
    private Tcb workTail;

    Ipc(Kernel kernel) {
        this.k = kernel;
        this.clock = kernel.clock;
        this.cpu = kernel.cpu;
        this.comm = kernel.comm;
        this.controlsNothing = comm.controlsNothing();
        this.threads = kernel.threads;
        this.objectSpaces = comm.hasReplyCapability() || comm instanceof VirtualThreads;
        this.localIds = comm instanceof ThreadIdModel;
        this.events = kernel.events;
        this.fastPath = kernel.config.fastPath();
        this.replyCapability = comm.hasReplyCapability();
    }

    /**
     * The Ipc system call of the current thread {@code self}: the {@link #fast} path if it takes
     * it, else the {@link #general} one. (Small, so that the JIT compiles it into the kernel loop.)
     */
    void ipc(Tcb self, long to, long from, long timeouts) {
        if (!(fastPath && (from == to || from == ThreadId.ANY || from == ThreadId.ANY_LOCAL || to == Comm.REPLY && replyCapability)
                && fast(self, to, from, timeouts))) {
            general(self, to, from, timeouts);
        }
    }

    /** The Ipc system call, every case of it. */
    private void general(Tcb self, long to, long from, long timeouts) {
        clock.advance(CostModel.IPC);
        if (self.xferError != 0 && self.kernelIpc == Tcb.NO_KERNEL_IPC) {
            // The restart of a receive whose sender gave up while we faulted a buffer page in (not
            // the fault IPC itself, which the kernel makes on our behalf before the restart).
            long code = self.xferError;
            self.xferError = 0;
            if (to == ThreadId.NIL) {
                fail(self, IpcError.kind(code), true); // we go on running, with the error
                self.errorCode = code; // (with its offset)
                return;
            }
        }
        long sendMicros = micros(Timeout.send(timeouts));
        long receiveMicros = micros(Timeout.receive(timeouts));
        boolean badTimeouts = (timeouts >>> 32) != 0;
        Tcb woken = null;
        if (to != ThreadId.NIL) {
            if (badTimeouts || sendMicros == -2) {
                fail(self, IpcError.TIMEOUT, false);
                return;
            }
            long tag = self.mr[0];
            if (MsgTag.untyped(tag) + MsgTag.typed(tag) > MsgTag.MAX_WORDS) {
                fail(self, IpcError.MESSAGE_OVERFLOW, false);
                return;
            }
            if (!route(self, to, tag)) {
                fail(self, IpcError.NO_PARTNER, false);
                return;
            }
            boolean redo = false;
            try {
                Tcb dest = route.target;
                Endpoint endpoint = route.endpoint;
                if (endpoint != null) {
                    // Through a gate to an endpoint: its first waiting receiver takes any sender; with
                    // none, we wait on the endpoint's own queue.
                    dest = endpoint.waitHead;
                    if (dest == null) {
                        if (sendMicros == 0) {
                            fail(self, IpcError.TIMEOUT, false);
                        } else {
                            blockSending(self, endpoint.senders, sendMicros, from, timeouts);
                        }
                        drainWork();
                        return;
                    }
                }
                if (dest == null) {
                    // A signal to a notification: ORs the first word in, never blocks.
                    woken = signal(route.notification, MsgTag.untyped(tag) > 0 ? self.mr[1] : 1);
                    self.a0 = ThreadId.NIL;
                } else if (dest.interruptLine >= 0) {
                    // A message to an interrupt's pseudo-thread acknowledges the interrupt (X.2): only its handler may.
                    if (!k.interrupts.acknowledge(self, dest)) {
                        fail(self, IpcError.NO_PARTNER, false);
                        return;
                    }
                    self.a0 = ThreadId.NIL;
                } else if (dest.awaitingStart && k.faults.handlerId(dest, dest.pager) == self.id && self.kernelIpc == Tcb.NO_KERNEL_IPC
                        && !self.propagating) {
                    // X.2: a thread activated with a pager waits in a closed receive for its pager's
                    // start message, which starts it instead of being received.
                    if (!k.lifecycle.startByMessage(dest, tag, self.mr[1], self.mr[2], self.space)) {
                        fail(self, IpcError.MESSAGE_OVERFLOW, false); // not a start message: dest waits on
                        return;
                    }
                    clock.advance(MsgTag.untyped(tag) * CostModel.COPY_WORD);
                    events.record(KernelEvents.TRANSFER, self.id, dest.id, tag);
                    woken = dest;
                    called(self, from, dest);
                    self.a0 = ThreadId.NIL;
                } else if (dest.state == Tcb.RECEIVING && (endpoint != null || accepts(dest, self))) {
                    int outcome = transfer(self, dest);
                    if (outcome == FAULTED && self.mustFault()) {
                        redo = true;
                        return; // the kernel faults the page in for self and restarts the whole call
                    }
                    if (outcome == OK) {
                        if (endpoint != null) {
                            endpoint.remove(dest);
                        }
                        woken = dest;
                        called(self, from, dest);
                        self.a0 = ThreadId.NIL; // the send phase is done: a restart starts at the receive phase
                    } else if (outcome == FAILED) {
                        cpu.woke(dest);
                        return;
                    }
                    if (outcome == FAULTED) {
                        // dest left its receive to fault its buffer in: the transfer has begun, so we
                        // wait for dest under our transfer timeout, whatever our send timeout.
                        if (!awaitPartnerFault(self, dest)) {
                            failTransfer(self, IpcError.XFER_TIMEOUT_PARTNER);
                            drainWork();
                            return;
                        }
                        self.pendingFrom = from;
                        self.pendingReceiveTimeout = Timeout.receive(timeouts);
                        drainWork();
                        return; // (we wait: the entry's decision runs another thread, Cpu.schedule)
                    }
                }
                if (woken == null && dest != null && dest.interruptLine < 0) {
                    if (sendMicros == 0) {
                        fail(self, IpcError.TIMEOUT, false);
                        drainWork();
                        return;
                    }
                    blockSending(self, endpoint != null ? endpoint.senders : dest, sendMicros, from, timeouts);
                    drainWork();
                    return;
                }
            } finally {
                // A reply capability the send went through is used up now, unless the kernel
                // redoes the call (it faults a page of self's first): the redone send needs it.
                settleReply(self, redo);
            }
        }
        if (from != ThreadId.NIL) {
            if (badTimeouts || receiveMicros == -2) {
                fail(self, IpcError.TIMEOUT, true);
            } else {
                receive(self, from, receiveMicros, Timeout.receive(timeouts));
            }
        } else {
            self.result = ThreadId.NIL;
        }
        drainWork();
        if (woken != null) {
            // Who runs next is decided once, at the end of the kernel entry (Cpu.schedule); the
            // partner is named: if we wait, the direct switch to it, else it runs if higher.
            if (self.state == Tcb.READY) {
                cpu.woke(woken);
            } else {
                cpu.prefer(woken);
            }
        }
    }

    /**
     * The fast path, as seL4's {@code fastpath_call} and {@code fastpath_reply_recv}: the call and
     * the reply-and-wait of every client and server, which send untyped words to a thread that
     * already waits for them (or to an endpoint's first waiting receiver) and then wait themselves
     * (for the reply, for anyone, or on an endpoint with no sender waiting). It reads what it needs once, checks
     * everything before it changes anything, and declines (false, nothing changed) whenever the
     * general path has more to do: typed items, a propagated or redirected message, a kernel-made
     * IPC, a receive timeout, a partner that does not wait for us, a sender or notification bits
     * already waiting for us. When it takes a message it does what the general path does for it,
     * in the same order (the same state, cycles and events: a trace hash does not depend on it,
     * and {@code FastPathTest} checks that), without the general path's search through cases.
     */
    private boolean fast(Tcb self, long to, long from, long timeouts) {
        long tag = self.mr[0];
        if (self.kernelIpc != Tcb.NO_KERNEL_IPC || self.xferError != 0 || self.sendHead != null || workHead != null
                || to == ThreadId.NIL || to == ThreadId.ANY || to == ThreadId.ANY_LOCAL
                || MsgTag.typed(tag) != 0 || (tag & MsgTag.PROPAGATED) != 0
                || Timeout.receive(timeouts) != Timeout.NEVER || (timeouts >>> 32) != 0
                || Timeout.send(timeouts) != Timeout.NEVER && Timeout.send(timeouts) != Timeout.ZERO) {
            return false;
        }
        // The send phase's route, as route() finds it, without its effects.
        Tcb dest;
        long senderId;
        boolean reply = false;
        Endpoint sendEndpoint = null;
        if (localIds && ThreadId.isLocal(to)) {
            dest = self.space.localThread(to);
            senderId = self.id;
        } else if (objectSpaces && comm.hasReplyCapability() && isReply(self, to)) {
            dest = self.replyCaller; // (a saved reply capability is consumed as it is used: the general path's)
            if (to != Comm.REPLY || from == ThreadId.ANY_LOCAL || !awaitsReply(dest, self)) {
                return false;
            }
            senderId = dest.waitFrom;
            reply = true;
        } else if (controlsNothing) {
            dest = threads.lookup(to); // (the route: the thread the id names, the sender as itself; about 4 ns of the round trip)
            senderId = self.id;
        } else if (comm.route(self, to, route) && route.notification == null && route.intended == ThreadId.NIL) {
            sendEndpoint = route.endpoint;
            dest = sendEndpoint != null ? sendEndpoint.waitHead : route.target; // (an endpoint's receivers take anyone)
            senderId = route.senderId;
        } else {
            return false;
        }
        if (dest == null || dest.state != Tcb.RECEIVING || dest.kernelIpc != Tcb.NO_KERNEL_IPC
                || dest.interruptLine >= 0 || dest.awaitingStart || sendEndpoint == null && !accepts(dest, self, senderId)) {
            return false;
        }
        // The receive phase's key, as receive() finds it: it will wait, nothing being queued for it.
        long key;
        Endpoint waitEndpoint = null;
        if (from == ThreadId.ANY) {
            Notification bound = self.boundNotification;
            if (objectSpaces && bound != null && bound.word != 0) {
                return false;
            }
            key = ThreadId.ANY;
        } else if (from == ThreadId.ANY_LOCAL) {
            if (!localIds) {
                return false;
            }
            key = ThreadId.ANY_LOCAL;
        } else if (localIds && ThreadId.isLocal(from)) {
            key = dest.id; // (from == to: the thread the local id names)
        } else if (replyCapability && from == to) {
            // A call under the capabilities model: the slot just routed through holds a gate (or
            // to is the reply capability), which is no wait object, and a closed receive from it
            // waits for the reply, as waitObject() and source() would find. One lookup, not three.
            key = Comm.REPLY;
        } else if (objectSpaces && comm.waitObject(self, from) instanceof WaitQueue q) {
            if (!(q instanceof Endpoint e) || e.senders.sendHead != null) {
                return false; // (a notification, or a sender waits on the endpoint already)
            }
            waitEndpoint = e;
            key = from;
        } else if (to == Comm.REPLY && from != to) {
            return false; // (a reply followed by a closed receive from a thread: the general path's)
        } else if (localIds && from == to && dest.id == to) {
            // A call under a thread-id model: the source is the thread just routed to (by global id:
            // a local id took the branch above), which is no interrupt (checked above), so
            // source() would find it and return the id as the key. One lookup of the partner, not two.
            key = to;
        } else {
            key = comm.source(self, from);
            if (key == CommunicationModel.NO_SOURCE) {
                return false;
            }
        }
        fastIpcs++;
        clock.advance(CostModel.IPC);
        if (reply) {
            self.replyCaller = null;
        }
        self.propagating = false;
        self.sendId = senderId;
        self.sendIntended = ThreadId.NIL;
        transfer(self, dest); // (untyped words to a thread in no kernel IPC: it cannot fail)
        if (sendEndpoint != null) {
            sendEndpoint.remove(dest);
        }
        called(self, key != ThreadId.ANY && key != ThreadId.ANY_LOCAL && waitEndpoint == null, dest);
        self.a0 = ThreadId.NIL;
        self.state = Tcb.RECEIVING;
        self.waitFrom = key;
        self.receiveTimeout = Timeout.NEVER;
        if (waitEndpoint != null) {
            waitEndpoint.enqueue(self);
        }
        cpu.prefer(dest); // (the direct switch, taken at the entry's decision without a queue search)
        return true;
    }

    /** The receive phase of {@code t} (running, or just released from its send phase). */
    private void receive(Tcb t, long from, long micros, long timeoutWord) {
        while (true) {
            Tcb sender;
            if (objectSpaces && receivedFromObject(t, from, micros, timeoutWord)) {
                return;
            }
            if (from == ThreadId.ANY) {
                sender = t.sendHead;
            } else if (from == ThreadId.ANY_LOCAL && localIds && t.kernelIpc == Tcb.NO_KERNEL_IPC) {
                // anylocalthread (X.2): the first sender of the receiver's own space.
                sender = t.sendHead;
                while (sender != null && !sameSpace(sender, t)) {
                    sender = sender.sendNext;
                }
            } else {
                if (localIds && ThreadId.isLocal(from) && t.kernelIpc == Tcb.NO_KERNEL_IPC) {
                    // A local id names a thread of the receiver's own space only; the wait is for its global id.
                    Tcb named = t.space.localThread(from);
                    from = named == null ? ThreadId.NIL : named.id;
                }
                long key = t.kernelIpc != Tcb.NO_KERNEL_IPC ? from : comm.source(t, from);
                if (key == CommunicationModel.NO_SOURCE) {
                    fail(t, IpcError.NO_PARTNER, true);
                    return;
                }
                from = key;
                sender = t.sendHead;
                while (sender != null && sender.sendId != key) {
                    sender = sender.sendNext;
                }
            }
            if (sender == null) {
                break;
            }
            if (take(t, sender)) {
                return;
            }
            // The sender faults in its own space and will send again; look for another.
        }
        awaitMessage(t, from, micros, timeoutWord, null);
    }

    /**
     * A receive of {@code t} that found nothing to take: a zero timeout fails it; any other blocks
     * t ({@code RECEIVING} for {@code from}), waiting on {@code on} (a notification or an
     * endpoint; null: in its own state), under the timeout.
     */
    private void awaitMessage(Tcb t, long from, long micros, long timeoutWord, WaitQueue on) {
        if (micros == 0) {
            fail(t, IpcError.TIMEOUT, true);
            return;
        }
        t.state = Tcb.RECEIVING;
        t.waitFrom = from;
        t.receiveTimeout = timeoutWord;
        if (on != null) {
            on.enqueue(t);
        }
        armTimeout(t, micros);
    }

    /** Puts blocked {@code t} under a timeout of {@code micros} from now (-1: never, none). */
    private void armTimeout(Tcb t, long micros) {
        if (micros > 0) {
            cpu.timeouts.add(t, clock.now() + micros * CostModel.CYCLES_PER_MICROSECOND);
            cpu.updatePreemptAt();
        }
    }

    /**
     * Receiver {@code t} takes the message of {@code sender}, which waited in a send queue
     * (taken off it here). True if t's receive ended: the message arrived, or both failed, or t
     * must fault its buffer in first (the sender then waits at the head of t's own queue, under
     * the transfer timeout, and t's restarted receive finds it first). False if the sender must
     * fault in its own space (it will send again), and t looks for another sender.
     */
    private boolean take(Tcb t, Tcb sender) {
        dequeueSender(sender);
        int outcome = transfer(sender, t);
        if (outcome == OK) {
            senderDone(sender, t);
            return true;
        }
        if (outcome == FAILED) {
            cpu.makeReady(sender);
            return true;
        }
        if (t.mustFault()) {
            t.state = Tcb.READY;
            if (!awaitPartnerFault(sender, t)) {
                failTransfer(sender, IpcError.XFER_TIMEOUT_PARTNER);
                cpu.makeReady(sender);
            }
            return true;
        }
        return false;
    }

    /**
     * The object side of a receive, under the object-space models (kept out of {@link #receive}
     * so that the thread-id path stays small enough to inline): a closed receive from a
     * notification collects its bits or waits for them, one from an endpoint takes its first
     * sender or waits on it; an open receive with nothing queued takes the bits of the thread's
     * bound notification. True if it did any of these.
     */
    private boolean receivedFromObject(Tcb t, long from, long micros, long timeoutWord) {
        if (t.kernelIpc != Tcb.NO_KERNEL_IPC) {
            return false;
        }
        if (from != ThreadId.ANY) {
            WaitQueue q = comm.waitObject(t, from);
            if (q instanceof Notification n) {
                waitNotification(t, n, from, micros, timeoutWord);
            } else if (q instanceof Endpoint e) {
                receiveFromEndpoint(t, e, from, micros, timeoutWord);
            }
            return q != null;
        }
        Notification bound = t.boundNotification;
        if (t.sendHead != null || bound == null || bound.word == 0) {
            return false;
        }
        collect(t, bound, Comm.NOTIFIED);
        return true;
    }

    /**
     * ORs {@code bits} into notification {@code n}. If a thread waits on it, the first one takes
     * the bits at once (MR1, and its result is the selector it waited on) and is returned, to be
     * woken; otherwise null.
     */
    Tcb signal(Notification n, long bits) {
        n.word |= bits;
        Tcb w = n.waitHead;
        if (n.word == 0) {
            return null;
        }
        if (w == null) {
            // A bound thread in an open receive takes the bits as a message from NOTIFIED.
            w = n.bound;
            if (w == null || w.state != Tcb.RECEIVING || w.waitFrom != ThreadId.ANY || w.kernelIpc != Tcb.NO_KERNEL_IPC) {
                return null;
            }
            collect(w, n, Comm.NOTIFIED);
        } else {
            n.remove(w);
            collect(w, n, w.waitFrom);
        }
        cpu.timeouts.cancel(w);
        w.state = Tcb.READY;
        w.waitFrom = ThreadId.NIL;
        clock.advance(CostModel.COPY_WORD);
        events.record(KernelEvents.TRANSFER, 0, w.id, w.mr[0]);
        return w;
    }

    private static void collect(Tcb t, Notification n, long selector) {
        t.mr[0] = MsgTag.make(0, 1, 0);
        t.mr[1] = n.word;
        t.result = selector;
        n.word = 0;
    }

    /**
     * A closed receive from an endpoint: takes the message of its first waiting sender (a
     * sender whose transfer to t had begun when t left to fault its buffer in waits at the head
     * of t's own queue, and comes first), or waits on the endpoint for one.
     */
    private void receiveFromEndpoint(Tcb t, Endpoint e, long from, long micros, long timeoutWord) {
        while (true) {
            Tcb sender = t.sendHead != null && t.sendHead.inTransfer ? t.sendHead : e.senders.sendHead;
            if (sender == null) {
                break;
            }
            if (take(t, sender)) {
                return;
            }
        }
        awaitMessage(t, from, micros, timeoutWord, e);
    }

    /** A closed receive from a notification: collects its bits, or waits for some. */
    private void waitNotification(Tcb t, Notification n, long from, long micros, long timeoutWord) {
        if (n.word != 0) {
            collect(t, n, from);
            return;
        }
        awaitMessage(t, from, micros, timeoutWord, n);
    }

    private boolean accepts(Tcb receiver, Tcb sender) {
        return accepts(receiver, sender, sender.sendId);
    }

    /**
     * Whether {@code receiver}'s wait takes a message of {@code sender} seen as {@code senderId}.
     * A receiver that waits on a notification or an endpoint takes nothing sent to it as a
     * thread: its wait names a selector, which a sender's label may equal by chance (an endpoint's
     * receivers are reached through the endpoint, not this).
     */
    private static boolean accepts(Tcb receiver, Tcb sender, long senderId) {
        return receiver.waitingOn == null && (receiver.waitFrom == ThreadId.ANY || receiver.waitFrom == senderId
                || receiver.waitFrom == ThreadId.ANY_LOCAL && sameSpace(sender, receiver));
    }

    /** Whether {@code sender} is a thread (not an interrupt) of {@code receiver}'s space: anylocalthread takes its messages. */
    private static boolean sameSpace(Tcb sender, Tcb receiver) {
        return sender.space == receiver.space && sender.interruptLine < 0;
    }

    /**
     * Routes {@code self}'s message to destination word {@code to} into {@link #route} and
     * records the route on self; false: no partner. A message the kernel makes on a thread's
     * behalf (page fault, exception) goes to the pager or handler the kernel was told, by global
     * id, under the thread's global id, whatever the model. A propagated message (X.2) goes as
     * its virtual sender if the model allows it; otherwise as an ordinary message.
     */
    private boolean route(Tcb self, long to, long tag) {
        if (self.kernelIpc != Tcb.NO_KERNEL_IPC) {
            Tcb dest = threads.lookup(to);
            if (dest == null) {
                return false;
            }
            route.deliver(dest, self.id);
        } else if (localIds && ThreadId.isLocal(to)) {
            // A local id (X.2) names a thread of the sender's own space, never one of another:
            // within a space no model controls anything (ThreadIdModel delivers directly too).
            Tcb dest = self.space.localThread(to);
            if (dest == null) {
                return false;
            }
            route.deliver(dest, self.id);
        } else if (objectSpaces && comm.hasReplyCapability() && isReply(self, to)) {
            if (!replyRoute(self, to)) {
                return false;
            }
        } else if (!comm.route(self, to, route)) {
            return false;
        }
        if ((tag & MsgTag.PROPAGATED) != 0 && self.kernelIpc == Tcb.NO_KERNEL_IPC && propagate(self)) {
            return true;
        }
        self.propagating = false;
        self.sendId = route.senderId;
        self.sendIntended = route.intended;
        return true;
    }

    /** Whether {@code to} names the reply capability or a saved one in {@code self}'s object space. */
    private static boolean isReply(Tcb self, long to) {
        return to == kola.abi.Comm.REPLY
                || CapabilitySpaces.lookup(self.space, to) instanceof CapNode cap && cap.object instanceof ReplyObject;
    }

    /** Whether {@code caller} still waits for the reply to its call that {@code replier} holds the reply capability for. */
    private static boolean awaitsReply(Tcb caller, Tcb replier) {
        return caller != null && caller.replier == replier && caller.callSerial == replier.replySerial
                && caller.state == Tcb.RECEIVING;
    }

    /** Routes a reply through the reply capability or a saved one (one shot, used or not); false if its caller no longer waits. */
    private boolean replyRoute(Tcb self, long to) {
        Tcb caller;
        if (to == kola.abi.Comm.REPLY) {
            caller = self.replyCaller;
            if (!awaitsReply(caller, self)) {
                self.replyCaller = null;
                return false;
            }
            ownReplyRouted = true;
        } else {
            CapNode cap = CapabilitySpaces.lookup(self.space, to);
            ReplyObject reply = (ReplyObject) cap.object;
            if ((cap.rights & kola.abi.Comm.SEND) == 0 || !reply.valid()) {
                k.caps.consume(cap);
                return false;
            }
            savedReplyRouted = cap;
            caller = reply.caller;
        }
        route.deliver(caller, caller.waitFrom);
        return true;
    }

    /**
     * The reply capability the send in progress goes through ({@link #replyRoute}): the
     * sender's own ({@code ownReplyRouted}) or a saved one ({@code savedReplyRouted}; null:
     * none). It is used up when the send has its outcome, not before: a reply whose string must
     * fault a page in the replier's own space first is redone by the kernel once the page is
     * there, and the redone send goes through the same capability ({@link #settleReply}).
     */
    private boolean ownReplyRouted;
    private CapNode savedReplyRouted;

    /** {@code self}'s send through a reply capability is over: the capability is used up, unless {@code redo} (the call is redone). */
    private void settleReply(Tcb self, boolean redo) {
        boolean own = ownReplyRouted;
        CapNode saved = savedReplyRouted;
        ownReplyRouted = false;
        savedReplyRouted = null;
        if (redo) {
            return;
        }
        if (own) {
            self.replyCaller = null;
        }
        // (The reply's own items may have moved or replaced the capability meanwhile: it is used
        // up only if it is still where it was.)
        if (saved != null && CapabilitySpaces.lookup(saved.space, kola.abi.Comm.selector(saved.slot)) == saved) {
            k.caps.consume(saved);
        }
    }

    /** A propagated message (X.2): it goes as its virtual sender if the model allows it. */
    private boolean propagate(Tcb self) {
        Tcb virtual = threads.lookup(self.virtualSender);
        if (virtual == null || virtual == self || !comm.mayPropagate(self, virtual, route.target)) {
            return false;
        }
        self.sendIntended = route.intended;
        self.sendId = virtual.id;
        self.propagating = true;
        return true;
    }

    /**
     * {@code sender}'s send phase to {@code receiver} completed. If the receiver lent the sender
     * the context it runs on, this is the reply: the context goes back. If the sender goes on to a
     * closed receive ({@code from}) that waits for a partner's message, it is a call: the
     * receiver holds the reply capability for it, one shot, and a passive receiver runs on the
     * sender's context until it replies. A closed receive from a notification or an endpoint
     * waits for no partner's reply: a server's reply-and-receive from its endpoint is no call to
     * the client it answers.
     */
    private void called(Tcb sender, long from, Tcb receiver) {
        called(sender, from != ThreadId.NIL && from != ThreadId.ANY && from != ThreadId.ANY_LOCAL
                && !(objectSpaces && sender.kernelIpc == Tcb.NO_KERNEL_IPC && comm.waitObject(sender, from) != null), receiver);
    }

    /** {@link #called(Tcb, long, Tcb)}, with whether the sender's receive phase makes it a call already known. */
    private void called(Tcb sender, boolean call, Tcb receiver) {
        if (sender.donor == receiver && receiver != null) {
            giveBack(sender); // the reply to the call that lent sender its context
        }
        if (call) {
            sender.callSerial++;
            sender.replier = receiver;
            receiver.replyCaller = sender;
            receiver.replySerial = sender.callSerial;
            if (receiver.passive && receiver.sc == null && sender.sc != null && sender.kernelIpc == Tcb.NO_KERNEL_IPC) {
                lend(sender, receiver);
            }
        }
    }

    // ---- scheduling-context donation (DESIGN.md, "Scheduling") ---------------------------------

    /** {@code caller}'s call reached passive {@code server}: the server runs on the caller's context until it replies. */
    private void lend(Tcb caller, Tcb server) {
        cpu.account();
        SchedContext sc = caller.sc;
        server.sc = sc;
        server.donor = caller;
        caller.lentTo = server;
        caller.sc = null;
        sc.holder = server;
        cpu.ready.remove(caller); // (it waits for the reply; never queued)
        if (!server.runnable()) {
            cpu.ready.remove(server);
        }
        cpu.account();
    }

    /** {@code server} replied to the caller that lent it its context: the context goes back. */
    private void giveBack(Tcb server) {
        cpu.account();
        Tcb caller = server.donor;
        SchedContext sc = server.sc;
        caller.sc = sc;
        caller.lentTo = null;
        server.sc = null;
        server.donor = null;
        if (sc != null) {
            sc.holder = caller;
        }
        if (!server.runnable()) {
            cpu.ready.remove(server);
        }
        cpu.account();
    }

    /**
     * {@code lender}'s call ended without a reply (failed, cancelled, its server gone): the
     * context it lent comes back to it from wherever down the chain of servers it went.
     */
    void takeBack(Tcb lender) {
        cpu.account();
        Tcb x = lender;
        while (x.lentTo != null) {
            x = x.lentTo;
        }
        SchedContext sc = x.sc;
        while (x != lender && x != null) {
            Tcb up = x.donor;
            x.sc = null;
            x.donor = null;
            x.lentTo = null;
            if (!x.runnable()) {
                cpu.ready.remove(x);
            }
            x = up;
        }
        lender.lentTo = null;
        lender.sc = sc;
        if (sc != null) {
            sc.holder = lender;
        }
        cpu.account();
    }

    /** Blocks {@code t} in its send phase, last in {@code queue} (its receiver's own, or an endpoint's). */
    private void blockSending(Tcb t, SendQueue queue, long micros, long from, long timeouts) {
        t.state = Tcb.SENDING;
        t.pendingFrom = from;
        t.pendingReceiveTimeout = Timeout.receive(timeouts);
        queue.append(t);
        armTimeout(t, micros);
    }

    /**
     * A transfer from {@code sender} to {@code receiver} has begun and waits for the receiver to
     * fault a page of its buffer in (X.2: a page fault in the partner's space during the
     * transfer). The sender blocks at the head of the receiver's queue, whatever its send timeout,
     * under the transfer timeout: the sooner of its send transfer timeout and the receiver's
     * receive transfer timeout ({@link Tcb#xferTimeouts}, X.2). When that runs out, both fail
     * with a transfer timeout, the receiver's in its own space, the sender's in its partner's,
     * each at the transfer's offset ({@link Tcb#xferOffset}). The receiver's redone receive finds
     * the sender first and the transfer goes on. Returns false, blocking nothing, if the transfer
     * timeout is zero (or impossible): the caller fails the sender, and the receiver's redo fails too.
     */
    private boolean awaitPartnerFault(Tcb sender, Tcb receiver) {
        long send = micros(Timeout.send(sender.xferTimeouts));
        long receive = micros(Timeout.receive(receiver.xferTimeouts));
        long micros = send == -1 ? receive : receive == -1 ? send : Math.min(send, receive);
        if (micros == 0 || send == -2 || receive == -2) {
            receiver.xferError = IpcError.code(IpcError.XFER_TIMEOUT_OWN, true) | sender.xferOffset << IpcError.OFFSET_SHIFT;
            return false;
        }
        cpu.timeouts.cancel(sender);
        sender.state = Tcb.SENDING;
        receiver.prepend(sender);
        sender.inTransfer = true;
        armTimeout(sender, micros);
        return true;
    }

    /** Takes sender {@code s} off the queue it waits in. */
    private static void dequeueSender(Tcb s) {
        s.partner.remove(s);
        s.inTransfer = false;
    }

    // ---- transfer ---------------------------------------------------------------------------

    /**
     * Transfers the message of {@code from} to {@code to}. OK: {@code to}'s receive is complete
     * (its result is the sender's identifier, MR0 the tag with the flags cleared). FAILED: both
     * partners failed with a message error. FAULTED: a string copy needs a page; the partner
     * whose space lacks it must fault ({@link Tcb#mustFault}; if it was blocked, it left its IPC).
     *
     * <p>The tag is read once, here, and checked at this use: it is a register its owner's
     * threads could have written since the Ipc system call checked it.
     */
    private int transfer(Tcb from, Tcb to) {
        long tag = from.mr[0];
        int u = MsgTag.untyped(tag);
        int t = MsgTag.typed(tag);
        if (u + t > MsgTag.MAX_WORDS) {
            fail(from, IpcError.MESSAGE_OVERFLOW, false);
            fail(to, IpcError.MESSAGE_OVERFLOW, true);
            return FAILED;
        }
        if (t != 0) {
            int outcome = transferItems(from, to, tag, u, t);
            if (outcome != OK) {
                return outcome;
            }
        }
        if (u + t != 0) {
            from.copyMrs(1, to.registers(1 + u + t), 1, u + t); // (a call of the copy stub even for no words)
        }
        long flags = (from.sendIntended != ThreadId.NIL ? MsgTag.REDIRECTED : 0) | (from.propagating ? MsgTag.PROPAGATED : 0);
        to.mr[0] = tag & ~(MsgTag.PROPAGATED | MsgTag.REDIRECTED | MsgTag.CROSS_CPU | MsgTag.ERROR) | flags;
        to.result = from.sendId;
        if (localIds && from.sendId == from.id && from.space == to.space && to.kernelIpc == Tcb.NO_KERNEL_IPC
                && from.interruptLine < 0 && from.utcbLocation != -1) {
            // X.2: a sender of the receiver's own space is returned as its local id, however
            // either side named the other (not a propagated message: that one carries its
            // virtual sender's global id).
            to.result = from.utcbLocation;
        }
        to.intendedReceiver = from.sendIntended;
        if (from.propagating) {
            to.virtualSender = from.id; // ActualSender
        }
        to.state = Tcb.READY;
        to.waitFrom = ThreadId.NIL;
        cpu.timeouts.cancel(to);
        clock.advance((u + t) * CostModel.COPY_WORD);
        events.record(KernelEvents.TRANSFER, from.id, to.id, tag);
        if (to.kernelIpc != Tcb.NO_KERNEL_IPC) {
            k.faults.kernelIpcReplied(to, MsgTag.label(tag));
        }
        return OK;
    }

    /**
     * Checks every typed item, then copies the strings, then maps and grants in order. The typed
     * words and the receiver's buffer registers are read once, into the kernel's own arrays, and
     * used from there. Each string is planned into its receive buffer ({@link #planString}) as a
     * list of copies, every page of which must be mapped and RAM on both sides before any byte
     * moves; a page neither side has mapped is FAULTED, device memory fails the message. Strings
     * go first so that nothing the items do to either space (a grant that takes the page a later
     * string reads, a read-only map over the string buffer) can change a page the check found
     * usable: a message's strings are what its pages held when it was sent. An error carries
     * X.2's offset: the bytes of the message's strings before the point that failed (none of
     * which has moved: a refused message changes nothing).
     */
    private int transferItems(Tcb from, Tcb to, long tag, int u, int t) {
        long acceptor = to.kernelIpc != Tcb.NO_KERNEL_IPC ? COMPLETE_ACCEPTOR : to.br(0);
        long[] words = items;
        from.copyMrs(u + 1, words, 0, t);
        int buffer = Items.acceptsStrings(acceptor) ? 1 : NO_BUFFER;
        boolean buffersRead = false;
        copies = 0;
        offset = 0;
        for (int j = 0; j < t; ) {
            long w0 = words[j];
            if (Items.isString(w0)) {
                if (buffer == NO_BUFFER) {
                    return itemError(from, to, tag, u, offset);
                }
                if (!buffersRead) {
                    for (int i = 1; i < Tcb.BUFFER_REGISTERS; i++) {
                        buffers[i] = to.br(i);
                    }
                    buffersRead = true;
                }
                int next = planString(words, j, t, buffer);
                if (next < 0) {
                    return itemError(from, to, tag, u, offset);
                }
                buffer = nextBuffer;
                j = next;
                continue;
            }
            int type = Items.type(w0);
            if (j + 1 >= t || type != Items.MAP && type != Items.GRANT) {
                return itemError(from, to, tag, u, offset);
            }
            long w1 = words[j + 1];
            long window = Items.window(acceptor);
            boolean fits = Fpage.isNil(w1) // (X.2: a nil fpage maps nothing, whatever the window; sigma0's "no")
                    || (Comm.isObjectFpage(w1)
                    ? Comm.firstSlot(w1) >= 0 && Comm.firstSlot(window) >= 0
                    : Fpage.isValid(w1) && (Fpage.isComplete(window) || Fpage.isValid(window)));
            if (!fits) {
                return itemError(from, to, tag, u, offset);
            }
            itemOffset[j] = offset;
            j += Items.WORDS;
        }
        long at = 0;
        for (int c = 0; c < copies; c++) {
            int source = usable(from, copyFrom[c], copyBytes[c], Tlb.READ);
            int target = source == USABLE ? usable(to, copyTo[c], copyBytes[c], Tlb.WRITE) : source;
            if (source != USABLE || target != USABLE) {
                long failedAt = at + (unusableAt - (source != USABLE ? copyFrom[c] : copyTo[c]));
                if (source == NOT_RAM || target == NOT_RAM) {
                    return itemError(from, to, tag, u, failedAt);
                }
                from.xferOffset = failedAt;
                return FAULTED;
            }
            at += copyBytes[c];
        }
        for (int c = 0; c < copies; c++) {
            copyString(from, copyFrom[c], to, copyTo[c], copyBytes[c]);
        }
        for (int j = 0; j < t; ) {
            long w0 = words[j];
            if (Items.isString(w0)) {
                j += Items.stringItemWords(w0);
                continue;
            }
            if (!mapItem(from, to, acceptor, w0, words[j + 1])) {
                if (k.faults.kmemFault(from, Trap.IPC)) {
                    // (kpager model) The receiver's account ran short: the sender faults to its
                    // kpager and sends again; what was mapped so far stays, and is mapped again.
                    if (from != cpu.current) {
                        leaveForFault(from);
                    }
                    return FAULTED;
                }
                return itemError(from, to, tag, u, itemOffset[j]);
            }
            j += Items.WORDS;
        }
        return OK;
    }

    /**
     * Plans the send string that starts at typed word {@code j} (the item there and, while an
     * item's c bit is set, the items after it) into the receive buffer that starts at BR
     * {@code br} (likewise), as X.2 scatters it: the bytes of the send substrings, in order, fill
     * the receive substrings in order, and the rest of the buffer is skipped. Adds the copies,
     * adds the string's bytes to {@link #offset}, and sets {@link #nextBuffer} (the buffer after
     * this one, if the C bit of this one's first item says there is one). Returns the typed word
     * after the string, or -1 for a message overflow at {@link #offset}: an item whose addresses
     * run past the typed words (or the BRs), a c bit with no string item after it, a string longer
     * than its buffer or than {@link Items#MAX_STRING}, a range that wraps around the address space.
     * Every step moves to the next substring or item, so this ends within t + 32 steps.
     */
    private int planString(long[] words, int j, int t, int br) {
        long[] brs = buffers;
        long send = words[j];
        int sendEnd = j + Items.substrings(send); // its last address
        long receive = brs[br];
        int receiveEnd = br + Items.substrings(receive);
        if (sendEnd >= t || !Items.isString(receive) || receiveEnd >= Tcb.BUFFER_REGISTERS) {
            return -1;
        }
        boolean more = Items.more(receive);
        int s = j + 1;
        long src = words[s];
        long srcLeft = Items.stringLength(send);
        int d = br + 1;
        long dst = brs[d];
        long dstLeft = Items.stringLength(receive);
        long bytes = 0;
        while (true) {
            while (srcLeft == 0) {
                if (s < sendEnd) {
                    src = words[++s];
                    srcLeft = Items.stringLength(send);
                } else if (Items.isCompound(send)) {
                    s = sendEnd + 1;
                    if (s >= t || !Items.isString(words[s])) {
                        return -1;
                    }
                    send = words[s];
                    sendEnd = s + Items.substrings(send);
                    if (sendEnd >= t) {
                        return -1;
                    }
                    src = words[++s];
                    srcLeft = Items.stringLength(send);
                } else {
                    nextBuffer = more ? afterBuffer(receive, receiveEnd) : NO_BUFFER;
                    return sendEnd + 1;
                }
            }
            while (dstLeft == 0) {
                if (d < receiveEnd) {
                    dst = brs[++d];
                    dstLeft = Items.stringLength(receive);
                } else if (Items.isCompound(receive)) {
                    d = receiveEnd + 1;
                    if (d >= Tcb.BUFFER_REGISTERS || !Items.isString(brs[d])) {
                        return -1;
                    }
                    receive = brs[d];
                    receiveEnd = d + Items.substrings(receive);
                    if (receiveEnd >= Tcb.BUFFER_REGISTERS) {
                        return -1;
                    }
                    dst = brs[++d];
                    dstLeft = Items.stringLength(receive);
                } else {
                    return -1; // the string is longer than its buffer
                }
            }
            long n = Math.min(srcLeft, dstLeft);
            if (n > Items.MAX_STRING - bytes || Long.compareUnsigned(src + n, src) < 0
                    || Long.compareUnsigned(dst + n, dst) < 0) {
                return -1;
            }
            copyFrom[copies] = src;
            copyTo[copies] = dst;
            copyBytes[copies] = n;
            copies++;
            src += n;
            dst += n;
            srcLeft -= n;
            dstLeft -= n;
            bytes += n;
            offset += n;
        }
    }

    /**
     * The first BR after the receive buffer whose item {@code item} ends at BR {@code end} (its
     * compound continuations skipped), or {@link #NO_BUFFER} if the BRs end first or a
     * continuation is not a string item.
     */
    private int afterBuffer(long item, int end) {
        int next = end + 1;
        while (Items.isCompound(item)) {
            if (next >= Tcb.BUFFER_REGISTERS || !Items.isString(buffers[next])) {
                return NO_BUFFER;
            }
            item = buffers[next];
            next += Items.stringItemWords(item);
        }
        return next < Tcb.BUFFER_REGISTERS ? next : NO_BUFFER;
    }

    /**
     * A typed item failed: both partners fail with message overflow at X.2's offset. The receiver
     * still gets the tag (label, u, t, with the error flag) and the untyped words, as X.2 delivers
     * them before the items, so that it can tell what was sent; nothing of the items has moved.
     */
    private int itemError(Tcb from, Tcb to, long tag, int u, long offset) {
        fail(from, IpcError.MESSAGE_OVERFLOW, false);
        from.errorCode |= offset << IpcError.OFFSET_SHIFT;
        fail(to, IpcError.MESSAGE_OVERFLOW, true);
        to.errorCode |= offset << IpcError.OFFSET_SHIFT;
        if (to.kernelIpc == Tcb.NO_KERNEL_IPC) { // (a kernel-made IPC's registers are the thread's own again)
            from.copyMrs(1, to.registers(1 + u), 1, u);
            to.mr[0] = tag & ~(MsgTag.PROPAGATED | MsgTag.REDIRECTED | MsgTag.CROSS_CPU) | MsgTag.ERROR;
            clock.advance(u * CostModel.COPY_WORD);
        }
        return FAILED;
    }

    /**
     * Fits the item's fpage, memory or object, into the receive window ({@link #fit}) and maps or
     * grants it. False if kernel memory ran out.
     */
    private boolean mapItem(Tcb from, Tcb to, long acceptor, long w0, long fpage) {
        if (Fpage.isNil(fpage)) {
            return true; // nothing to map
        }
        long window = Items.window(acceptor);
        boolean object = Comm.isObjectFpage(fpage);
        if (object) {
            // Capabilities land in an object window by the same rule, slot i counted as address i << 12.
            fit(Comm.selector(Comm.firstSlot(fpage)), Comm.sizeLog2(fpage) + 12,
                    Comm.selector(Comm.firstSlot(window)), Comm.sizeLog2(window) + 12, Items.sendBase(w0));
        } else {
            fit(Fpage.base(fpage), Fpage.sizeLog2(fpage), Fpage.isComplete(window) ? 0 : Fpage.base(window),
                    Fpage.isComplete(window) ? Fpage.MAX_SIZE_LOG2 : Fpage.sizeLog2(window), Items.sendBase(w0));
        }
        boolean grant = Items.type(w0) == Items.GRANT;
        events.record(KernelEvents.MAP, from.id, to.id, fitDest | (object ? Comm.OBJECT_FPAGE : 0) | (grant ? 1 : 0));
        if (object) {
            return k.caps.map(from.space, (int) (fitSource >>> 12), 1 << (fitSize - 12), Fpage.rights(fpage), to.space,
                    (int) (fitDest >>> 12), grant);
        }
        return k.mdb.map(from.space, fitSource, fitSize, Fpage.rights(fpage), to.space, fitDest, grant);
    }

    /**
     * Fits a send fpage of {@code 2^s} at {@code srcBase} into a receive window of {@code 2^w} at
     * {@code windowBase} (L4 X.2): if s ≤ w the fpage lands at window base + (send base mod 2^w),
     * rounded down to 2^s; if s > w the 2^w part the send base selects fills the window.
     */
    private void fit(long srcBase, int s, long windowBase, int w, long sendBase) {
        if (s <= w) {
            fitSource = srcBase;
            fitDest = windowBase + ((sendBase & ((1L << w) - 1)) & ~((1L << s) - 1));
            fitSize = s;
        } else {
            fitSource = srcBase + ((sendBase & ((1L << s) - 1)) & ~((1L << w) - 1));
            fitDest = windowBase;
            fitSize = w;
        }
    }

    /**
     * Whether [va, va + length) is mapped in {@code t}'s space with {@code access}, and RAM (the
     * range does not wrap: {@link #planString} made sure). MISSING: t must fault the first missing
     * page in; its IPC enters its restart state ({@link Tcb#restartAfterFault}), and if it is
     * blocked the IPC is undone, to be performed again after the fault. NOT_RAM: a page is device memory (or beyond RAM), which strings cannot use. Either
     * way {@link #unusableAt} is the first address of that page in the range.
     */
    private int usable(Tcb t, long va, long length, int access) {
        Mmu mmu = k.machine.mmu();
        PhysicalMemory phys = k.machine.memory();
        long first = va & ~(PhysicalMemory.PAGE_SIZE - 1L);
        long pages = length == 0 ? 0 : Long.divideUnsigned(va + length - 1 - first, PhysicalMemory.PAGE_SIZE) + 1;
        for (long i = 0; i < pages; i++) {
            long at = i == 0 ? va : first + i * PhysicalMemory.PAGE_SIZE;
            long pa = mmu.translate(t.space.asid, t.space.pageTable.rootPfn, at, access);
            if (pa < 0) {
                unusableAt = at;
                t.restartAfterFault(Trap.IPC, at, access);
                if (t != cpu.current) {
                    leaveForFault(t);
                }
                return MISSING;
            }
            if (!phys.isRam(pa)) {
                unusableAt = at;
                return NOT_RAM;
            }
        }
        return USABLE;
    }

    /** A blocked partner must fault a page in: it leaves its IPC, which is restarted from its phase. */
    private void leaveForFault(Tcb t) {
        cpu.timeouts.cancel(t);
        if (t.waitingOn != null) {
            t.waitingOn.remove(t); // (an endpoint's receiver)
        }
        if (t.state == Tcb.RECEIVING) {
            // Restart only the receive phase: Ipc(nil, from, receive timeout).
            t.a0 = ThreadId.NIL;
            t.a1 = t.waitFrom;
            t.a2 = t.receiveTimeout;
            t.waitFrom = ThreadId.NIL;
        } else {
            // Still in the send phase: restart the whole Ipc with its own arguments (a0..a2 are intact).
            t.pendingFrom = ThreadId.NIL;
        }
        t.state = Tcb.READY;
        cpu.makeReady(t);
    }

    /** Copies a string whose pages {@link #usable} found mapped and RAM on both sides, a page at most at a time. */
    private void copyString(Tcb from, long src, Tcb to, long dst, long length) {
        Mmu mmu = k.machine.mmu();
        PhysicalMemory phys = k.machine.memory();
        byte[] buffer = k.copyBuffer;
        while (length > 0) {
            int chunk = (int) Math.min(length, Math.min(PhysicalMemory.PAGE_SIZE - (src & (PhysicalMemory.PAGE_SIZE - 1)),
                    PhysicalMemory.PAGE_SIZE - (dst & (PhysicalMemory.PAGE_SIZE - 1))));
            long pa = mmu.translate(from.space.asid, from.space.pageTable.rootPfn, src, Tlb.READ);
            boolean uncachedA = mmu.lastUncached();
            long pb = mmu.translate(to.space.asid, to.space.pageTable.rootPfn, dst, Tlb.WRITE);
            if (pa < 0 || pb < 0) {
                throw new IllegalStateException("string copy: a page checked usable is gone (" + from + " -> " + to + ")");
            }
            phys.read(pa, buffer, 0, chunk);
            phys.write(pb, buffer, 0, chunk);
            clock.advance((chunk + 7) / 8 * CostModel.COPY_WORD);
            if (mmu.cache() != null) {
                // The translations accessed the first line of each side; the copy touches the rest.
                clock.advance(mmu.accessRest(pa, chunk, uncachedA) + mmu.accessRest(pb, chunk, mmu.lastUncached()));
            }
            src += chunk;
            dst += chunk;
            length -= chunk;
        }
    }

    // ---- completion, failure, timeouts, cancellation ----------------------------------------

    /** {@code s}'s send phase completed while it was blocked: it goes on to its receive phase, or runs. */
    private void senderDone(Tcb s, Tcb receiver) {
        cpu.timeouts.cancel(s);
        s.a0 = ThreadId.NIL;
        long from = s.pendingFrom;
        called(s, from, receiver);
        s.pendingFrom = ThreadId.NIL;
        s.state = s.interruptLine >= 0 ? Tcb.INACTIVE : Tcb.READY;
        if (from == ThreadId.NIL) {
            s.result = ThreadId.NIL;
            cpu.makeReady(s);
        } else {
            s.waitFrom = from;
            if (workTail == null) {
                workHead = s;
            } else {
                workTail.sendNext = s;
            }
            workTail = s;
        }
    }

    /** Runs the receive phases of released senders, iteratively (a chain of them must not recurse). */
    private void drainWork() {
        while (workHead != null) {
            Tcb s = workHead;
            workHead = s.sendNext;
            if (workHead == null) {
                workTail = null;
            }
            s.sendNext = null;
            long from = s.waitFrom;
            s.waitFrom = ThreadId.NIL;
            long micros = micros(s.pendingReceiveTimeout);
            if (micros == -2) {
                fail(s, IpcError.TIMEOUT, true);
            } else {
                receive(s, from, micros, s.pendingReceiveTimeout);
            }
            if (s != cpu.current) {
                cpu.makeReady(s);
            }
        }
    }

    /**
     * A timeout's microseconds from now: a period's ({@link Timeout#micros}: -1 never, -2 none),
     * or until an absolute point, read against the clock now (0 if it passed).
     */
    private long micros(long timeout) {
        return Timeout.isPoint(timeout) ? Timeout.untilPoint(timeout, clock.now() / CostModel.CYCLES_PER_MICROSECOND)
                : Timeout.micros(timeout);
    }

    /** Fails {@code t}'s IPC with {@code kind} in the given phase; a blocked thread is released. */
    void fail(Tcb t, int kind, boolean receivePhase) {
        if (t.lentTo != null) {
            takeBack(t);
        }
        cpu.timeouts.cancel(t);
        if (t.waitingOn != null) {
            t.waitingOn.remove(t);
        }
        t.errorCode = IpcError.code(kind, receivePhase);
        t.mr[0] = MsgTag.ERROR;
        t.result = ThreadId.NIL;
        t.state = Tcb.READY;
        t.waitFrom = ThreadId.NIL;
        t.pendingFrom = ThreadId.NIL;
        if (t.restart == Tcb.RESTART_FAULT) {
            t.restart = Tcb.NO_RESTART; // (the call failed: nothing to fault for)
        }
        if (t.interruptLine >= 0) {
            t.state = Tcb.INACTIVE;
        }
        if (t.kernelIpc != Tcb.NO_KERNEL_IPC) {
            k.faults.kernelIpcFailed(t);
        }
    }

    /** Ends the IPC of a blocked thread {@code t} with error {@code kind} (timeout, cancel, partner gone). */
    void abort(Tcb t, int kind) {
        boolean receivePhase = t.state == Tcb.RECEIVING;
        if (t.state == Tcb.SENDING) {
            if (t.inTransfer) {
                Tcb receiver = (Tcb) t.partner; // (a transfer waits in its receiver's own queue)
                // The transfer had begun: X.2's transfer errors. The receiver, off faulting its
                // buffer in, learns of it when its receive is restarted.
                long at = t.xferOffset << IpcError.OFFSET_SHIFT;
                if (kind == IpcError.TIMEOUT) {
                    kind = IpcError.XFER_TIMEOUT_PARTNER;
                    receiver.xferError = IpcError.code(IpcError.XFER_TIMEOUT_OWN, true) | at;
                } else if (kind == IpcError.CANCELLED) {
                    kind = IpcError.ABORTED;
                    receiver.xferError = IpcError.code(IpcError.ABORTED, true) | at;
                }
            }
            dequeueSender(t);
        }
        cpu.timeouts.cancel(t);
        events.record(kind == IpcError.TIMEOUT || kind == IpcError.XFER_TIMEOUT_PARTNER ? KernelEvents.TIMEOUT
                : KernelEvents.CANCEL, t.id, kind, 0);
        if (kind == IpcError.XFER_TIMEOUT_PARTNER || kind == IpcError.ABORTED) {
            failTransfer(t, kind);
        } else {
            fail(t, kind, receivePhase);
        }
        cpu.makeReady(t);
    }

    /** Fails sender {@code t}'s transfer with error {@code kind} (6 or 7) at its offset ({@link Tcb#xferOffset}). */
    private void failTransfer(Tcb t, int kind) {
        fail(t, kind, false);
        t.errorCode |= t.xferOffset << IpcError.OFFSET_SHIFT;
    }

    /**
     * The interrupt pseudo-thread {@code irq} sends its message (already in its MR0) to
     * {@code handler}: delivered at once if the handler waits for it, queued on the handler
     * otherwise. Returns whether it was delivered.
     */
    boolean deliverInterrupt(Tcb irq, Tcb handler) {
        irq.sendId = irq.id;
        irq.sendIntended = ThreadId.NIL;
        irq.propagating = false;
        if (handler.state == Tcb.RECEIVING && accepts(handler, irq)) {
            transfer(irq, handler);
            drainWork();
            return true;
        }
        blockSending(irq, handler, -1, ThreadId.NIL, 0);
        return false;
    }

    /** Fires the timeouts that are due. */
    void fireTimeouts() {
        Tcb t;
        boolean fired = false;
        while ((t = cpu.timeouts.pollExpired(clock.now())) != null) {
            abort(t, IpcError.TIMEOUT);
            fired = true;
        }
        if (fired) {
            cpu.updatePreemptAt();
        }
    }

    /** Cancels every IPC that involves {@code t}, which is going away. */
    void detach(Tcb t) {
        detach(t, null);
    }

    /**
     * Cancels every IPC that involves {@code t}, which is going away or whose code ended, but
     * for a closed receive of {@code spared} (null: none) from t.
     */
    void detach(Tcb t, Tcb spared) {
        if (t.inIpc()) {
            if (t.state == Tcb.SENDING) {
                dequeueSender(t);
            }
            if (t.waitingOn != null) {
                t.waitingOn.remove(t);
            }
            cpu.timeouts.cancel(t);
            t.state = Tcb.INACTIVE;
        }
        while (t.sendHead != null) {
            abort(t.sendHead, IpcError.CANCELLED);
        }
        for (long no = 0, end = threads.scanLimit(); no < end; no++) {
            Tcb r = threads.byNumber(no);
            if (r != null && r != spared && r.state == Tcb.RECEIVING && r.waitingOn == null
                    && (r.waitFrom == t.id || r.replier == t && r.waitFrom == Comm.REPLY && comm.hasReplyCapability())) {
                abort(r, IpcError.CANCELLED);
            }
        }
    }
}
