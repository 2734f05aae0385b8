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

    Interrupts(Kernel kernel) {
        this.k = kernel;
        this.pic = kernel.machine.pic();
        this.lines = new Tcb[pic.lines()];
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

    /** Turns every pending, unmasked line into an interrupt IPC to its handler. */
    void deliverPending() {
        int line;
        while ((line = pic.nextPending()) >= 0) {
            pic.acknowledge(line);
            pic.mask(line);
            Tcb irq = lines[line];
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
