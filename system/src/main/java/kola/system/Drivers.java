package kola.system;

import kola.abi.Fpage;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;

/**
 * What user-level drivers share (paper section 2: drivers are user programs; their device
 * registers are mapped into their address space and their interrupts arrive as IPC): mapping a
 * device's register page from sigma0, having the root task attach an interrupt line, and reading
 * the driver's boot-module arguments.
 */
public final class Drivers {
    private Drivers() {
    }

    /** The argument {@code key=value} of the caller's boot module, or null. */
    public static String arg(L4 l4, String key) {
        Kip.BootModule m = l4.kernelInterface().moduleOf(l4.startIp());
        if (m == null) {
            return null;
        }
        for (String a : m.args()) {
            if (a.startsWith(key + "=")) {
                return a.substring(key.length() + 1);
            }
        }
        return null;
    }

    /** Maps device {@code name}'s register page from sigma0 at {@code va}; false if refused. */
    public static boolean mapDevice(L4 l4, String name, long va) {
        Kip.MemoryDescriptor d = l4.kernelInterface().device(name);
        return d != null && Sigma0.requestPage(l4, Fpage.of(d.base(), 12, Fpage.R | Fpage.W), Fpage.of(va, 12, 0));
    }

    /** Asks the root task to make this thread the handler of interrupt {@code line}; false if refused. */
    public static boolean attachInterrupt(L4 l4, int line) {
        l4.setMr(1, line);
        l4.setMr(0, MsgTag.make(Protocol.ROOT_ATTACH_IRQ, 1, 0));
        long tag = l4.call(Names.root(l4));
        return !MsgTag.failed(tag) && MsgTag.label(tag) == Protocol.OK;
    }

    /** The interrupt line named by the module argument {@code irq=N}, or -1. */
    public static int irqArg(L4 l4) {
        String v = arg(l4, "irq");
        try {
            return v == null ? -1 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * What every driver does first: names the root task its exception handler (so that it is
     * restarted when it dies), maps device {@code device}'s registers at {@code va}, and attaches
     * the interrupt line its module's {@code irq=N} argument names. Returns the interrupt, or null
     * (and says why on the console) when any step is refused.
     */
    public static Interrupt setUp(L4 l4, String device, long va) {
        l4.setExceptionHandler(l4.kernelInterface().rootTask());
        int line = irqArg(l4);
        if (!mapDevice(l4, device, va) || line < 0 || !attachInterrupt(l4, line)) {
            l4.kdbPrint("cannot get the device's registers or interrupt line (module args need irq=N)");
            return null;
        }
        if (!Names.capabilities(l4)) {
            return new Interrupt(line, l4.kernelInterface().interruptThread(line), false);
        }
        // The root task mapped the line's notification into our IRQ slot: bind it to this thread,
        // so that an interrupt ends our open receive, and unmask the line (it may have been left
        // masked by an earlier run of this driver that died before acknowledging).
        long sel = kola.abi.Comm.selector(Names.IRQ_SLOT);
        if (l4.commControl(kola.abi.Comm.BIND_NOTIFICATION, sel, 0, 0) == 0
                || l4.commControl(kola.abi.Comm.IRQ_ACK, line, sel, 0) == 0) {
            l4.kdbPrint("cannot bind the interrupt notification");
            return null;
        }
        return new Interrupt(line, kola.abi.Comm.NOTIFIED, true);
    }

    /**
     * A driver's interrupt line: {@code from} is the sender an interrupt shows as (the line's
     * pseudo-thread; under capabilities {@link kola.abi.Comm#NOTIFIED}, from the notification
     * bound to the driver's thread).
     */
    public record Interrupt(int line, long from, boolean capabilities) {
        /** Acknowledges the interrupt (unmasks the line) and waits for the next message: an X.2 reply to the pseudo-thread, or IRQ_ACK. */
        public long acknowledgeAndWait(L4 l4) {
            if (!capabilities) {
                return l4.replyWait(from);
            }
            l4.commControl(kola.abi.Comm.IRQ_ACK, line, kola.abi.Comm.selector(Names.IRQ_SLOT), 0);
            return l4.waitAny();
        }
    }

    /** Replies OK with no words. */
    static void ok(L4 l4) {
        l4.setMr(0, MsgTag.make(Protocol.OK, 0, 0));
    }

    /** Replies ERROR with reason {@code why}. */
    static void error(L4 l4, long why) {
        l4.setMr(1, why);
        l4.setMr(0, MsgTag.make(Protocol.ERROR, 1, 0));
    }
}
