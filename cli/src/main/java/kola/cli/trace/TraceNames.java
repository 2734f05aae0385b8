package kola.cli.trace;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import kola.abi.ThreadId;
import kola.kernel.Kernel;
import kola.kernel.KernelEvents;

/**
 * Names for traces and pictures: which address space a thread lives in and what that space is
 * called. It learns thread → space from the event stream ({@link KernelEvents#THREAD_CREATE}) and
 * space names from the kernel's snapshots ({@link Kernel#spaces()}, {@link Kernel#threads()}),
 * which it reads when a thread first runs (its space has its module's name by then), before a
 * thread is deleted (its space may go with it) and at the end. Snapshots only read the kernel;
 * they change nothing it does, so the event hash is the same with and without tracing.
 *
 * <p>Interrupt pseudo-threads (numbers below {@link Kernel#SYSTEM_BASE}) live in the pseudo space
 * "interrupts", asid 0. Memory: one entry per thread and per space ever seen.
 */
public final class TraceNames {
    /** The asid of the interrupt pseudo-threads' pseudo space. */
    public static final int INTERRUPT_ASID = 0;
    /** The asid used for a thread whose space the stream never told (a listener attached late). */
    public static final int UNKNOWN_ASID = -1;

    private final Kernel kernel;
    private final Map<Integer, String> spaces = new HashMap<>();
    private final Map<Long, Integer> threadSpace = new HashMap<>();
    private final Set<Long> dispatched = new HashSet<>();

    /** Names learnt from the events and, when {@code kernel} is not null, from its snapshots. */
    public TraceNames(Kernel kernel) {
        this.kernel = kernel;
        spaces.put(INTERRUPT_ASID, "interrupts");
    }

    /** Learns from one kernel event; call it for every event before using the names. */
    public void learn(int type, long a, long b) {
        switch (type) {
            case KernelEvents.THREAD_CREATE -> threadSpace.put(a, (int) b);
            case KernelEvents.THREAD_DELETE -> {
                threadSpace.put(a, (int) b);
                refresh();
            }
            case KernelEvents.SWITCH -> {
                if (b != ThreadId.NIL && dispatched.add(b)) {
                    refresh(); // its first dispatch: its space has its module's name by now
                }
            }
            default -> { }
        }
    }

    /** Reads the names of the spaces that exist now (a snapshot; no-op without a kernel). */
    public void refresh() {
        if (kernel == null) {
            return;
        }
        for (Kernel.SpaceInfo s : kernel.spaces()) {
            spaces.put(s.asid(), s.name());
        }
    }

    /** Whether {@code thread} is an interrupt pseudo-thread. */
    public static boolean isInterrupt(long thread) {
        return thread != ThreadId.NIL && ThreadId.number(thread) < Kernel.SYSTEM_BASE;
    }

    /** The asid of {@code thread}'s space, or {@link #UNKNOWN_ASID}. */
    public int asidOf(long thread) {
        if (isInterrupt(thread)) {
            return INTERRUPT_ASID;
        }
        Integer asid = threadSpace.get(thread);
        if (asid == null && kernel != null) {
            for (Kernel.ThreadInfo t : kernel.threads()) {
                if (t.id() == thread) {
                    threadSpace.put(thread, t.asid());
                    spaces.putIfAbsent(t.asid(), t.space());
                    return t.asid();
                }
            }
        }
        return asid == null ? UNKNOWN_ASID : asid;
    }

    /** The name of space {@code asid}: its module's name once it runs one, else the kernel's name for it. */
    public String space(int asid) {
        String name = spaces.get(asid);
        if (name == null && asid != UNKNOWN_ASID) {
            refresh();
            name = spaces.get(asid);
        }
        return name != null ? name : asid == UNKNOWN_ASID ? "unknown space" : "space " + asid;
    }

    /** A thread's name: its space's name and its id, e.g. {@code A 43.1}; {@code irq 3} for a pseudo-thread. */
    public String thread(long thread) {
        if (thread == ThreadId.NIL) {
            return "idle";
        }
        if (isInterrupt(thread)) {
            return "irq " + ThreadId.number(thread);
        }
        return space(asidOf(thread)) + " " + ThreadId.toString(thread);
    }
}
