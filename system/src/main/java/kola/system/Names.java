package kola.system;

import kola.abi.Comm;
import kola.abi.L4;
import kola.abi.ThreadId;
import kola.abi.Timeout;

/**
 * How Kola's system programs name their partners, under the communication model the kernel runs
 * ({@link kola.abi.Kip#commModel()}, read at run time):
 * <ul>
 * <li>under the thread-id models (global ids, clans, redirection, redirectors, pclans) a partner
 * is its global thread id, a server answers the id it received from, and a deferred answer
 * remembers that id;</li>
 * <li>under {@code capabilities} a partner is a selector of the caller's object space. The root
 * task fills the well-known slots of every task it starts ({@link #ROOT_SLOT}, {@link #SIGMA0_SLOT};
 * a driver's {@link #IRQ_SLOT}), and hands out gates to other modules on lookup (into slot
 * {@link #LOOKUP_BASE} + the module's index, replaced at each lookup); every gate the root task
 * makes is labelled with its client's first thread's global id, so that servers see the same
 * identities as under global ids. A server answers through the reply capability
 * ({@link Comm#REPLY}); a deferred answer is a reply capability saved (SAVE_REPLY) into a slot
 * from {@link #SAVED_BASE} up, which the answer uses up.</li>
 * </ul>
 * The virtual-threads model is not supported by the system programs.
 *
 * <p>Object-space layout of a task under capabilities: slot 1 the root task, 2 sigma0, 3 the
 * driver's interrupt notification, 4..15 the program's own (the console's reader gate, the
 * figure-1 tasks' peer), 16..511 lookups by module index, 512..1023 saved replies. The root task
 * uses 4 as scratch, 64.. for interrupt notifications (one per line) and 128.. for the gates it
 * gives each module it starts (two per module: to itself and to sigma0).
 */
public final class Names {
    /** Every task's gate to the root task. */
    public static final int ROOT_SLOT = 1;
    /** Every task's gate to sigma0 (a privileged task makes its own). */
    public static final int SIGMA0_SLOT = 2;
    /** A driver's interrupt notification (receive right), from the root task's ROOT_ATTACH_IRQ. */
    public static final int IRQ_SLOT = 3;
    /** The first slot a program may use for its own capabilities. */
    public static final int OWN_BASE = 4;
    /** The gate to boot module i, from a lookup, is in slot LOOKUP_BASE + i. */
    public static final int LOOKUP_BASE = 16;
    /** The first slot of saved reply capabilities. */
    public static final int SAVED_BASE = 512;

    // No static state: the slots themselves say what is free (CommControl LOOKUP), so that the
    // helpers are right also where programs share classes (trusted factory modules).

    private Names() {
    }

    /** Whether the kernel runs the capabilities model (IPC names object-space selectors). */
    public static boolean capabilities(L4 l4) {
        return l4.kernelInterface().capabilities();
    }

    /** The name of the root task: its global id, or the gate in {@link #ROOT_SLOT}. */
    public static long root(L4 l4) {
        return capabilities(l4) ? Comm.selector(ROOT_SLOT) : l4.kernelInterface().rootTask();
    }

    /**
     * The name of sigma0: its global id, or the gate in {@link #SIGMA0_SLOT} (the root task puts it
     * there; a privileged task, sigma0's peer, makes its own the first time).
     */
    public static long sigma0(L4 l4) {
        if (!capabilities(l4)) {
            return l4.kernelInterface().sigma0();
        }
        long sel = Comm.selector(SIGMA0_SLOT);
        if (l4.commControl(Comm.LOOKUP, sel, 0, 0) == 0) {
            // Only a privileged task may make a gate to another space's thread; for others the
            // slot stays empty (the root task did not give one) and IPC through it finds no partner.
            l4.commControl(Comm.GATE, sel, l4.kernelInterface().sigma0(), l4.myGlobalId());
        }
        return sel;
    }

    /** The name of boot module {@code index}'s gate after a lookup (capabilities). */
    public static long lookupSelector(int index) {
        return Comm.selector(LOOKUP_BASE + index);
    }

    /** Whether a module index has a lookup slot. */
    static boolean hasLookupSlot(int index) {
        return index >= 0 && LOOKUP_BASE + index < SAVED_BASE;
    }

    /** Whom a server answers right away: the sender it received from, or the reply capability. */
    public static long replyTo(boolean capabilities, long from) {
        return capabilities ? Comm.REPLY : from;
    }

    /**
     * Keeps the right to answer the call just received from {@code from} later: {@code from}
     * itself, or (capabilities) the reply capability saved into a free slot, whose selector is
     * returned. Nil if no slot is free or there is no call to answer (the caller then gets no
     * answer: it was not waiting for one, or gets the error the server chooses).
     */
    public static long save(L4 l4, boolean capabilities, long from) {
        if (!capabilities) {
            return from;
        }
        for (int i = SAVED_BASE; i < Comm.SLOTS; i++) {
            long sel = Comm.selector(i);
            if (l4.commControl(Comm.LOOKUP, sel, 0, 0) == 0) {
                return l4.commControl(Comm.SAVE_REPLY, sel, 0, 0) == 0 ? ThreadId.NIL : sel;
            }
        }
        return ThreadId.NIL;
    }

    /** Answers a call kept by {@link #save} with the message in the registers (zero send timeout); returns the tag. */
    public static long answer(L4 l4, boolean capabilities, long saved) {
        if (saved == ThreadId.NIL) {
            return l4.mr(0);
        }
        return l4.reply(saved); // a saved reply is used up, answered or not: its slot empties
    }

    /** Gives up a call kept by {@link #save} without answering it (its slot is emptied). */
    public static void drop(L4 l4, boolean capabilities, long saved) {
        if (!capabilities || saved == ThreadId.NIL) {
            return;
        }
        l4.setMr(0, Comm.objectFpage(Comm.slot(saved), 0, Comm.SEND | Comm.RECEIVE | Comm.GRANT));
        l4.unmap(0x40);
    }

    /** Sleeps {@code micros} µs by waiting for a message that never comes (X.2's sleep), under either model. */
    public static void sleep(L4 l4, long micros) {
        long from = capabilities(l4) ? Comm.REPLY : l4.myGlobalId();
        l4.ipc(ThreadId.NIL, from, Timeout.pair(Timeout.NEVER, Timeout.relative(micros)));
    }
}
