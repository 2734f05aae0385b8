package kola.kernel;

import kola.abi.IpcError;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.machine.CostModel;
import kola.machine.CycleClock;

/**
 * Synchronous IPC (paper section 2; L4 X.2 "IPC"): the send phase, the receive phase, timeouts,
 * cancellation, and the direct switch to the partner. It reads as a state machine over the two
 * threads' states, like seL4's {@code endpoint.c}:
 *
 * <ul>
 * <li>send: the destination waits for us ({@code RECEIVING} and accepting us) → transfer, wake it;
 * otherwise a zero send timeout fails, and any other blocks us ({@code SENDING}) on its send queue.</li>
 * <li>receive: a matching sender waits on our send queue → transfer, it goes on (into its own
 * receive phase, for a call); otherwise a zero receive timeout fails, any other blocks us
 * ({@code RECEIVING}).</li>
 * </ul>
 *
 * A thread's result registers ({@link Tcb#result}, MR0, ErrorCode) are written when its IPC
 * completes or fails, whether it is running or blocked. Nothing here allocates.
 */
final class Ipc {
    private final CycleClock clock;
    private final Cpu cpu;
    private final CommunicationModel comm;
    private final EventLog events;
    /** Senders whose send phase completed while they were blocked and that still have a receive phase. */
    private Tcb workHead;
    private Tcb workTail;

    Ipc(CycleClock clock, Cpu cpu, CommunicationModel comm, EventLog events) {
        this.clock = clock;
        this.cpu = cpu;
        this.comm = comm;
        this.events = events;
    }

    /** The Ipc system call of the current thread {@code self}. */
    void ipc(Tcb self, long to, long from, long timeouts) {
        clock.advance(CostModel.IPC);
        long sendMicros = Timeout.micros(Timeout.send(timeouts));
        long receiveMicros = Timeout.micros(Timeout.receive(timeouts));
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
            Tcb dest = comm.destination(self, to);
            if (dest == null) {
                fail(self, IpcError.NO_PARTNER, false);
                return;
            }
            if (dest.state == Tcb.RECEIVING && accepts(dest, self)) {
                transfer(self, dest);
                woken = dest;
            } else if (sendMicros == 0) {
                fail(self, IpcError.TIMEOUT, false);
                return;
            } else {
                blockSending(self, dest, sendMicros, from, timeouts);
                cpu.reschedule();
                return;
            }
        }
        if (from != ThreadId.NIL) {
            if (badTimeouts || receiveMicros == -2) {
                fail(self, IpcError.TIMEOUT, true);
            } else {
                receive(self, from, receiveMicros);
            }
        } else {
            self.result = ThreadId.NIL;
        }
        drainWork();
        if (self.state == Tcb.READY) {
            if (woken != null) {
                cpu.wakeWhileRunning(woken);
            }
        } else if (woken != null) {
            cpu.switchDirect(woken);
        } else {
            cpu.reschedule();
        }
    }

    /** The receive phase of {@code t} (running or just released from its send phase). */
    private void receive(Tcb t, long from, long micros) {
        Tcb sender;
        if (from == ThreadId.ANY) {
            sender = t.sendHead;
        } else {
            Tcb source = comm.source(t, from);
            if (source == null) {
                fail(t, IpcError.NO_PARTNER, true);
                return;
            }
            sender = source.state == Tcb.SENDING && source.partner == t ? source : null;
        }
        if (sender != null) {
            dequeueSender(t, sender);
            transfer(sender, t);
            senderDone(sender);
        } else if (micros == 0) {
            fail(t, IpcError.TIMEOUT, true);
        } else {
            t.state = Tcb.RECEIVING;
            t.waitFrom = from;
            if (micros > 0) {
                cpu.timeouts.add(t, clock.now() + micros * CostModel.CYCLES_PER_MICROSECOND);
                cpu.updatePreemptAt();
            }
        }
    }

    private boolean accepts(Tcb receiver, Tcb sender) {
        return receiver.waitFrom == ThreadId.ANY || receiver.waitFrom == sender.id;
    }

    private void blockSending(Tcb t, Tcb dest, long micros, long from, long timeouts) {
        t.state = Tcb.SENDING;
        t.partner = dest;
        t.pendingFrom = from;
        t.pendingReceiveTimeout = Timeout.receive(timeouts);
        Tcb tail = dest.sendTail;
        t.sendPrev = tail;
        t.sendNext = null;
        if (tail == null) {
            dest.sendHead = t;
        } else {
            tail.sendNext = t;
        }
        dest.sendTail = t;
        if (micros > 0) {
            cpu.timeouts.add(t, clock.now() + micros * CostModel.CYCLES_PER_MICROSECOND);
            cpu.updatePreemptAt();
        }
    }

    private void dequeueSender(Tcb dest, Tcb s) {
        if (s.sendPrev == null) {
            dest.sendHead = s.sendNext;
        } else {
            s.sendPrev.sendNext = s.sendNext;
        }
        if (s.sendNext == null) {
            dest.sendTail = s.sendPrev;
        } else {
            s.sendNext.sendPrev = s.sendPrev;
        }
        s.sendNext = null;
        s.sendPrev = null;
        s.partner = null;
    }

    /**
     * Copies the message from {@code from} to {@code to} and completes {@code to}'s receive: its
     * result is the sender's identifier and its MR0 the tag with the flags cleared.
     */
    private void transfer(Tcb from, Tcb to) {
        long tag = from.mr[0];
        int words = MsgTag.untyped(tag) + MsgTag.typed(tag);
        System.arraycopy(from.mr, 1, to.mr, 1, words);
        to.mr[0] = tag & ~(MsgTag.PROPAGATED | MsgTag.REDIRECTED | MsgTag.CROSS_CPU | MsgTag.ERROR);
        to.result = comm.senderId(from, to);
        to.state = Tcb.READY;
        to.waitFrom = ThreadId.NIL;
        cpu.timeouts.cancel(to);
        clock.advance(words * CostModel.COPY_WORD);
        events.record(EventLog.TRANSFER, clock.now(), from.id, to.id ^ tag);
    }

    /** {@code s}'s send phase completed while it was blocked: it goes on to its receive phase, or runs. */
    private void senderDone(Tcb s) {
        cpu.timeouts.cancel(s);
        long from = s.pendingFrom;
        s.pendingFrom = ThreadId.NIL;
        if (from == ThreadId.NIL) {
            s.state = Tcb.READY;
            s.result = ThreadId.NIL;
            cpu.makeReady(s);
        } else {
            s.state = Tcb.READY;
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
            long micros = Timeout.micros(s.pendingReceiveTimeout);
            if (micros == -2) {
                fail(s, IpcError.TIMEOUT, true);
            } else {
                receive(s, from, micros);
            }
            if (s != cpu.current) {
                cpu.makeReady(s);
            }
        }
    }

    /** Fails {@code t}'s IPC with {@code kind} in the given phase; a blocked thread is released. */
    void fail(Tcb t, int kind, boolean receivePhase) {
        t.errorCode = IpcError.code(kind, receivePhase);
        t.mr[0] = MsgTag.ERROR;
        t.result = ThreadId.NIL;
        t.state = Tcb.READY;
        t.waitFrom = ThreadId.NIL;
        t.pendingFrom = ThreadId.NIL;
    }

    /** Ends the IPC of a blocked thread {@code t} with error {@code kind} (timeout, cancel, partner gone). */
    void abort(Tcb t, int kind) {
        boolean receivePhase = t.state == Tcb.RECEIVING;
        if (t.state == Tcb.SENDING) {
            dequeueSender(t.partner, t);
        }
        cpu.timeouts.cancel(t);
        fail(t, kind, receivePhase);
        events.record(kind == IpcError.TIMEOUT ? EventLog.TIMEOUT : EventLog.CANCEL, clock.now(), t.id, kind);
        cpu.makeReady(t);
    }

    /** Fires the timeouts that are due; returns whether any fired. */
    boolean fireTimeouts() {
        boolean fired = false;
        Tcb t;
        while ((t = cpu.timeouts.pollExpired(clock.now())) != null) {
            t.timeoutIndex = -1;
            abort(t, IpcError.TIMEOUT);
            fired = true;
        }
        if (fired) {
            cpu.updatePreemptAt();
        }
        return fired;
    }

    /** Cancels, with {@code kind}, every IPC that involves {@code t}, which is going away. */
    void detach(Tcb t, ThreadTable threads) {
        if (t.inIpc()) {
            if (t.state == Tcb.SENDING) {
                dequeueSender(t.partner, t);
            }
            cpu.timeouts.cancel(t);
            t.state = Tcb.INACTIVE;
        }
        while (t.sendHead != null) {
            abort(t.sendHead, IpcError.CANCELLED);
        }
        for (long no = 0, end = threads.scanLimit(); no < end; no++) {
            Tcb r = threads.byNumber(no);
            if (r != null && r.state == Tcb.RECEIVING && r.waitFrom == t.id) {
                abort(r, IpcError.CANCELLED);
            }
        }
    }
}
