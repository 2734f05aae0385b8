package kola.kernel;

import java.util.ArrayList;
import java.util.List;
import kola.abi.ThreadId;

/**
 * The kernel debugger's queries (like L4's KDB commands, answered in text): threads, spaces,
 * physical memory, kernel memory, mappings. Used by {@code L4.kdbQuery}, which is how the shell's
 * {@code ps}, {@code spaces}, {@code mem} and {@code kmem} see the kernel.
 */
final class Kdb {
    private Kdb() {
    }

    /**
     * Answers {@code query} for a thread of {@code asker}. A space with the debugger right
     * ({@link Space#debugger}: sigma0, the root task, modules given the {@code kdb} argument)
     * sees the whole system and may switch the trace; any other sees its own threads, space and
     * mappings only.
     */
    static String query(Kernel k, Space asker, String query) {
        String q = query.trim();
        boolean all = asker.debugger;
        return switch (q) {
            case "ps" -> ps(k, all ? -1 : asker.asid);
            case "spaces" -> spaces(k, all ? -1 : asker.asid);
            case "mappings" -> String.join("\n", MappingDump.lines(mappingsOf(k, all ? -1 : asker.asid),
                    spacesOf(k, all ? -1 : asker.asid)));
            case "mem", "kmem", "trace on", "trace off" -> !all ? "kdb: '" + q + "' shows or changes the whole system:"
                    + " only a module with the kernel debugger right (module argument " + Kernel.DEBUGGER_ARG + ") may ask"
                    : switch (q) {
                        case "mem" -> mem(k);
                        case "kmem" -> kmem(k);
                        case "trace on" -> k.setKdbTrace(true);
                        default -> k.setKdbTrace(false);
                    };
            default -> "kdb: unknown query '" + oneLine(query) + "' (ps, spaces, mem, kmem, mappings, trace on, trace off)";
        };
    }

    /** Prints a kernel message (the kernel's own line, "kernel: ...") on the debug console {@code console}. */
    static void kernelMessage(java.io.PrintStream console, String message) {
        console.println("kernel: " + message);
    }

    /** Thread {@code t} as kernel messages name it: its id and its space's name. */
    static String describe(Tcb t) {
        return ThreadId.toString(t.id) + " (" + t.space.name + ")";
    }

    /** The mappings of space {@code asid}, or of every space (-1). */
    static List<Kernel.Mapping> mappingsOf(Kernel k, int asid) {
        if (asid < 0) {
            return k.mappings();
        }
        // A space's own view: where a page came from is the other space's state, not shown.
        return k.mappings().stream().filter(m -> m.asid() == asid)
                .map(m -> new Kernel.Mapping(m.asid(), m.space(), m.va(), m.pfn(), m.rights(), MappingDump.HIDDEN, "", 0,
                        m.attribute()))
                .toList();
    }

    static List<Kernel.SpaceInfo> spacesOf(Kernel k, int asid) {
        return asid < 0 ? k.spaces() : k.spaces().stream().filter(s -> s.asid() == asid).toList();
    }

    /**
     * {@code text} as one printable line: control characters (a newline, an escape sequence)
     * become {@code \\xHH}, so that task text can neither start a line of its own nor rewrite the
     * console, and at most {@link #MAX_LINE} characters are kept.
     */
    static String oneLine(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_LINE) + 8);
        for (int i = 0; i < text.length() && b.length() < MAX_LINE; i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7F || c >= 0x80 && c < 0xA0) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (b.length() >= MAX_LINE && text.length() > MAX_LINE) {
            b.append("...");
        }
        return b.toString();
    }

    /** The longest line of task text the kernel console prints. */
    static final int MAX_LINE = 1000;

    /**
     * Task text for the kernel console: every line of it prefixed with the printing space's
     * name, which the kernel sets from the boot image and no task can change, so that no task
     * line can pass for a kernel line ("kernel: ...", "kdb: ...", "trace: ...").
     */
    static List<String> taskLines(Space space, String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\r?\n|\r", -1)) {
            out.add(space.name + ": " + oneLine(line));
        }
        return out;
    }

    /** One kernel event as a line of the kernel debugger's trace. */
    static String eventLine(int type, long time, long a, long b, long c) {
        String words = switch (type) {
            case KernelEvents.TRAP -> ThreadId.toString(a) + " trap " + b;
            case KernelEvents.TRANSFER -> ThreadId.toString(a) + " -> " + ThreadId.toString(b) + " " + kola.abi.MsgTag.toString(c);
            case KernelEvents.SWITCH -> ThreadId.toString(a) + " -> " + ThreadId.toString(b);
            case KernelEvents.FAULT -> ThreadId.toString(a) + " at 0x" + Long.toHexString(b) + " " + kola.abi.Fpage.rightsString((int) c);
            case KernelEvents.MAP -> ThreadId.toString(a) + " -> " + ThreadId.toString(b) + " at 0x"
                    + Long.toHexString(c & ~1L) + ((c & 1) != 0 ? " (grant)" : "");
            case KernelEvents.UNMAP -> ThreadId.toString(a) + " " + kola.abi.Fpage.toString(b) + (c != 0 ? " flush" : "");
            case KernelEvents.INTERRUPT -> "line " + a + " -> " + ThreadId.toString(b);
            case KernelEvents.SPACE_CREATE, KernelEvents.SPACE_DELETE -> "asid " + a;
            default -> ThreadId.toString(a) + " " + b;
        };
        return String.format("trace: %10.3f µs %-13s %s", time / 1000.0, KernelEvents.name(type), words);
    }

    /** Threads: all ({@code asid} -1), or those of space {@code asid}. */
    private static String ps(Kernel k, int asid) {
        StringBuilder b = new StringBuilder(String.format("%-12s %-12s %-18s %4s  %s", "THREAD", "SPACE", "STATE", "PRIO",
                "WAITS FOR"));
        for (Kernel.ThreadInfo t : k.threads()) {
            if (asid >= 0 && t.asid() != asid) {
                continue;
            }
            b.append('\n').append(String.format("%-12s %-12s %-18s %4d  %s", ThreadId.toString(t.id()), t.space(),
                    t.state(), t.priority(), t.waitsFor() == 0 ? "-"
                            : t.waitsFor() == kola.abi.Comm.REPLY ? "reply" : ThreadId.toString(t.waitsFor())));
        }
        return b.toString();
    }

    private static String spaces(Kernel k, int asid) {
        List<Kernel.Mapping> mappings = mappingsOf(k, asid);
        StringBuilder b = new StringBuilder(String.format("%-5s %-12s %7s %8s %10s %s", "ASID", "SPACE", "THREADS",
                "PAGES", "KMEM", "PRIVILEGED"));
        for (Kernel.SpaceInfo s : spacesOf(k, asid)) {
            long pages = mappings.stream().filter(m -> m.asid() == s.asid()).count();
            b.append('\n').append(String.format("%-5d %-12s %7d %8d %9dK %s", s.asid(), s.name(), s.threads(), pages,
                    s.kernelBytes() / 1024, s.privileged() ? "yes" : ""));
        }
        return b.toString();
    }

    private static String mem(Kernel k) {
        long[] pm = k.physicalMemory();
        List<Kernel.Mapping> mappings = k.mappings();
        long ramFrames = pm[0] / 4096;
        long frames = mappings.stream().filter(m -> m.parentAsid() < 0 && m.pfn() < ramFrames)
                .mapToLong(Kernel.Mapping::pfn).distinct().count();
        StringBuilder b = new StringBuilder();
        b.append(String.format("RAM %d KiB: kernel %d KiB, handed out by sigma0 %d KiB, free %d KiB",
                pm[0] / 1024, pm[1] / 1024, frames * 4, (pm[0] - pm[1]) / 1024 - frames * 4));
        for (Kernel.SpaceInfo s : k.spaces()) {
            long pages = mappings.stream().filter(m -> m.asid() == s.asid()).count();
            if (pages > 0) {
                b.append('\n').append(String.format("  %-12s holds %d pages (%d KiB)", s.name(), pages, pages * 4));
            }
        }
        for (var d : k.machine.memory().devices()) {
            b.append('\n').append(String.format("  device %-6s 0x%x, %d KiB", d.name(), d.base(), d.size() / 1024));
        }
        return b.toString();
    }

    private static String kmem(Kernel k) {
        long[] km = k.kernelMemory();
        StringBuilder b = new StringBuilder(String.format("kernel memory (%s): %d of %d KiB used", k.kmem.name(),
                km[0] / 1024, km[1] / 1024));
        b.append('\n').append(String.format("  %-12s %8s %8s %8s %8s %8s %8s %9s %9s %6s", "OWNER", "TCB", "SPACE", "PTABLE",
                "MAPNODE", "OBJECTS", "TOTAL", "HELD", "QUOTA", "PAGES"));
        List<String> rows = new ArrayList<>();
        for (Space s : k.lifecycle.spaces()) {
            long[] by = s.kernelBytes;
            long objects = s.kernelBytesTotal() - by[0] - by[1] - by[2] - by[3];
            int pages = 0; // (pages given to the kernel for this account: lend, kpager, precise)
            for (KernelFrame f = s.frames; f != null; f = f.next) {
                pages++;
            }
            rows.add(String.format("  %-12s %8d %8d %8d %8d %8d %8d %9d %9s %6s", s.name, by[0], by[1], by[2], by[3], objects,
                    s.kernelBytesTotal(), s.subtreeBytes, s.quota < 0 ? "-" : Long.toString(s.quota),
                    k.frames == null ? "-" : Integer.toString(pages)));
        }
        rows.add(String.format("  %-12s %8s %8s %8s %8s %8s %8d", "kernel", "", "", "", "", "", k.kmem.kernelOwned()));
        rows.forEach(r -> b.append('\n').append(r));
        return b.toString();
    }
}
