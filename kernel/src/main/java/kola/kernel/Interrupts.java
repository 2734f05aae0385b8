package kola.kernel;

import kola.abi.KernelLabels;
import kola.abi.MsgTag;
import kola.abi.ThreadId;
import kola.machine.InterruptController;

/**
 * Interrupts as IPC (paper section 2; L4 X.2, "Interrupts"): one pseudo-thread per interrupt line,
 * thread number = line, version 1. A privileged thread makes thread H the handler of a line with
 * {@code ThreadControl(irq, irq, nil, H, -1)} (the pseudo-thread's pager is its handler) and
 * detaches it with pager = irq itself. When the line fires, the kernel masks it and the
 * pseudo-thread sends H a message with label {@link KernelLabels#INTERRUPT} and no words; H
 * acknowledges by sending to the pseudo-thread (a reply), which unmasks the line. Only the handler
 * may acknowledge; anyone else gets "no such partner".
 */
final class Interrupts {
    private final Kernel k;
    private final InterruptController pic;
    private final Tcb[] lines;
    private final Space pseudoSpace = new Space(0, "interrupts");
    /** The notification each line is bound to (null: none; the line then works as X.2 interrupt IPC), and the bits it sets. */
    private final Notification[] bound;
    private final long[] bits;

    Interrupts(Kernel kernel) {
        this.k = kernel;
        this.pic = kernel.machine.pic();
        this.lines = new Tcb[pic.lines()];
        this.bound = new Notification[lines.length];
        this.bits = new long[lines.length];
        for (int line = 0; line < lines.length; line++) {
            Tcb t = new Tcb(line);
            t.id = ThreadId.global(line, 1);
            t.interruptLine = line;
            t.space = pseudoSpace;
            t.halted = false;
            t.mr[0] = MsgTag.make(KernelLabels.INTERRUPT, 0, 0);
            lines[line] = t;
            kernel.threads.put(t);
        }
    }

    int count() {
        return lines.length;
    }

    /** The pseudo-thread of {@code line}. */
    Tcb line(int line) {
        return lines[line];
    }

    /**
     * Attaches (handler ≠ irq) or detaches (handler = irq) the line of pseudo-thread {@code irq};
     * the caller checked privilege and that the handler exists.
     */
    void assign(Tcb irq, long handler) {
        int line = irq.interruptLine;
        if (irq.state == Tcb.SENDING) {
            k.ipc.abort(irq, kola.abi.IpcError.CANCELLED);
            irq.state = Tcb.INACTIVE;
        }
        bound[line] = null;
        if (handler == irq.id) {
            irq.pager = ThreadId.NIL;
            pic.mask(line);
        } else {
            irq.pager = handler;
            pic.unmask(line);
        }
    }

    /** The handler's acknowledgement, a message to the pseudo-thread: unmasks the line. */
    boolean acknowledge(Tcb sender, Tcb irq) {
        if (irq.pager != sender.id || irq.state == Tcb.SENDING) {
            return false;
        }
        pic.unmask(irq.interruptLine);
        return true;
    }

    /**
     * Binds {@code line} to notification {@code n} with {@code lineBits} (n null: unbinds and
     * masks it). A handler thread attached by X.2 ThreadControl is detached.
     */
    void bind(int line, Notification n, long lineBits) {
        Tcb irq = lines[line];
        if (irq.state == Tcb.SENDING) {
            k.ipc.abort(irq, kola.abi.IpcError.CANCELLED);
            irq.state = Tcb.INACTIVE;
        }
        irq.pager = ThreadId.NIL;
        bound[line] = n;
        bits[line] = lineBits;
        if (n == null) {
            pic.mask(line);
        } else {
            pic.unmask(line);
        }
    }

    /** The notification {@code line} is bound to, or null. */
    Notification boundTo(int line) {
        return bound[line];
    }

    /** Unmasks a line bound to a notification (its handler's acknowledgement). */
    void unmask(int line) {
        pic.unmask(line);
    }

    /** Unbinds every line bound to {@code n}, which is gone. */
    void unbind(Notification n) {
        for (int line = 0; line < bound.length; line++) {
            if (bound[line] == n) {
                bound[line] = null;
                pic.mask(line);
            }
        }
    }

    /** Turns every pending, unmasked line into an interrupt IPC to its handler, or a signal of its notification. */
    void deliverPending() {
        int line;
        while ((line = pic.nextPending()) >= 0) {
            pic.acknowledge(line);
            pic.mask(line);
            Tcb irq = lines[line];
            if (bound[line] != null) {
                k.clock.advance(kola.machine.CostModel.TRAP);
                k.events.record(KernelEvents.INTERRUPT, line, 0, bits[line]);
                Tcb woken = k.ipc.signal(bound[line], bits[line]);
                if (woken != null) {
                    k.cpu.wakeOrQueue(woken);
                }
                continue; // masked until the holder acknowledges (CommControl IRQ_ACK)
            }
            Tcb handler = k.threads.lookup(irq.pager);
            if (handler == null || irq.state == Tcb.SENDING) {
                continue; // no handler (any more): the line stays masked until one attaches
            }
            k.clock.advance(kola.machine.CostModel.TRAP); // the interrupt's kernel entry
            k.events.record(KernelEvents.INTERRUPT, line, handler.id, 0);
            if (k.ipc.deliverInterrupt(irq, handler)) {
                k.cpu.wakeOrQueue(handler);
            }
        }
    }
}
