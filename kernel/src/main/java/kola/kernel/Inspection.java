package kola.kernel;

import java.util.ArrayList;
import java.util.List;
import kola.abi.Fpage;
import kola.abi.ThreadId;
import kola.machine.PhysicalMemory;

/**
 * Snapshots of the kernel's state for the command line, the kernel debugger and tests (the
 * {@link Kernel} facade's {@code threads()}, {@code spaces()}, {@code mappings()}): read only,
 * from the thread table, the live spaces and physical memory.
 */
final class Inspection {
    private final ThreadTable threads;
    /** The live spaces (the kernel's own list: they come and go). */
    private final List<Space> spaces;
    private final PhysicalMemory memory;

    Inspection(ThreadTable threads, List<Space> spaces, PhysicalMemory memory) {
        this.threads = threads;
        this.spaces = spaces;
        this.memory = memory;
    }

    /**
     * Every space's layout, for tests that a refused call changed nothing: its areas, and every
     * page-table leaf (address and entry), in order.
     */
    List<String> spaceLayouts() {
        List<String> out = new ArrayList<>();
        for (Space s : spaces) {
            StringBuilder b = new StringBuilder(s.asid + " " + s.name + " kip " + Fpage.toString(s.kipArea) + " utcb "
                    + Fpage.toString(s.utcbArea) + ":");
            Invariants.walk(memory, s.pageTable.rootPfn, kola.machine.Sv39.LEVELS - 1, 0,
                    (va, pte) -> b.append(' ').append(Long.toHexString(va)).append('=').append(Long.toHexString(pte)));
            out.add(b.toString());
        }
        return out;
    }

    /** A snapshot of every thread, in thread-number order. */
    List<Kernel.ThreadInfo> threads() {
        List<Kernel.ThreadInfo> out = new ArrayList<>();
        for (long no = 0, end = threads.scanLimit(); no < end; no++) {
            Tcb t = threads.byNumber(no);
            if (t != null && (t.interruptLine < 0 || t.pager != ThreadId.NIL)) {
                if (t.interruptLine >= 0) {
                    // An interrupt pseudo-thread: "pending" while its message waits for the handler.
                    out.add(new Kernel.ThreadInfo(t.id, t.space.name, t.space.asid,
                            t.state == Tcb.SENDING ? "interrupt,pending" : "interrupt", t.priority, t.pager));
                    continue;
                }
                out.add(new Kernel.ThreadInfo(t.id, t.space.name, t.space.asid, stateName(t), t.priority,
                        t.state == Tcb.SENDING ? (t.partner instanceof Tcb p ? p.id : ThreadId.NIL)
                                : t.state == Tcb.RECEIVING ? t.waitFrom
                                : t.awaitingStart ? t.pager : 0));
            }
        }
        return out;
    }

    /** A snapshot of every address space. */
    List<Kernel.SpaceInfo> spaces() {
        List<Kernel.SpaceInfo> out = new ArrayList<>();
        for (Space s : spaces) {
            out.add(new Kernel.SpaceInfo(s.asid, s.name, s.threads, s.privileged, s.kernelBytesTotal()));
        }
        return out;
    }

    /** A snapshot of the mapping database: every mapping of every space, by space then address. */
    List<Kernel.Mapping> mappings() {
        List<Kernel.Mapping> out = new ArrayList<>();
        for (Space s : spaces) {
            List<MapNode> nodes = new ArrayList<>();
            s.pages.forEach(nodes::add);
            nodes.sort(java.util.Comparator.comparingLong(n -> n.vpn));
            for (MapNode n : nodes) {
                MapNode p = n.parent;
                out.add(new Kernel.Mapping(s.asid, s.name, n.vpn << PhysicalMemory.PAGE_SHIFT, n.pfn, n.rights,
                        p == null ? -1 : p.space.asid, p == null ? "" : p.space.name,
                        p == null ? -1 : p.vpn << PhysicalMemory.PAGE_SHIFT, n.attribute));
            }
        }
        return out;
    }

    static String stateName(Tcb t) {
        String s = switch (t.state) {
            case Tcb.INACTIVE -> t.awaitingStart ? "inactive,awaiting start" : "inactive";
            case Tcb.READY -> "ready";
            case Tcb.SENDING -> t.partner instanceof Endpoint.Senders ? "sending,endpoint" : "sending";
            case Tcb.RECEIVING -> t.waitingOn instanceof Endpoint ? "receiving,endpoint" : "receiving";
            default -> "dead";
        };
        s = t.halted && t.state != Tcb.INACTIVE ? s + ",halted" : s;
        if (t.state == Tcb.READY && !t.halted && t.interruptLine < 0 && !t.runnable()) {
            s += t.sc != null ? ",no budget" : t.passive ? ",passive" : ",context lent";
        }
        return t.domain != 0 ? s + ",domain " + t.domain : s;
    }
}
