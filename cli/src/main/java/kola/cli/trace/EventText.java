package kola.cli.trace;

import kola.abi.Fpage;
import kola.abi.KernelLabels;
import kola.abi.MsgTag;

/** Readable words for kernel events: message labels, trap names, rights, addresses. */
public final class EventText {
    /** Trap numbers as the kernel's {@code Trap} class numbers them (L4 X.2 system calls, then Kola's own). */
    private static final String[] TRAPS = {"none", "Ipc", "ThreadControl", "SpaceControl", "ExchangeRegisters",
        "ThreadSwitch", "Schedule", "SystemClock", "Unmap", "kdb print", "page fault", "preemption", "exit", "kdb enter"};
    /** Trap number of a page fault: the FAULT event that follows says more. */
    static final int TRAP_PAGE_FAULT = 10;
    /** Trap number of Unmap: the UNMAP event that follows says more. */
    static final int TRAP_UNMAP = 8;
    /** Trap number of a thread's program ending: the HALT event that follows says more. */
    static final int TRAP_EXIT = 12;

    private EventText() {
    }

    /** The name of trap {@code trap}. */
    public static String trap(long trap) {
        return trap >= 0 && trap < TRAPS.length ? TRAPS[(int) trap] : "trap " + trap;
    }

    /** What a message with {@code tag} is: a kernel protocol (page fault, interrupt, ...) or a user label. */
    public static String label(long tag) {
        long label = MsgTag.label(tag);
        if (!KernelLabels.isKernelLabel(label)) {
            return "label " + label;
        }
        return switch ((int) (label >> 4)) {
            case -1 -> "interrupt";
            case -2 -> "page fault (" + Fpage.rightsString((int) (label & 7)) + ")";
            case -3 -> "preemption";
            case -5 -> "exception";
            case -6 -> "sigma0 request";
            case -8 -> "refused";
            default -> "kernel label " + label;
        };
    }

    /** Whether {@code tag} carries a page-fault message. */
    public static boolean isPageFault(long tag) {
        long label = MsgTag.label(tag);
        return KernelLabels.isKernelLabel(label) && (label >> 4) == -2;
    }

    /** An address in hex. */
    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** Access bits rwx as {@code rw-}. */
    public static String rights(long rwx) {
        return Fpage.rightsString((int) (rwx & 7));
    }

    /** How a thread halted (HALT's word b). */
    public static String halt(long how) {
        return switch ((int) how) {
            case 0 -> "returned";
            case 1 -> "exception";
            case 2 -> "halted by the kernel";
            default -> "halt " + how;
        };
    }
}
