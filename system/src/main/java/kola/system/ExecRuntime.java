package kola.system;

import java.util.HashMap;
import java.util.Map;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelError;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.Schedule;
import kola.abi.ThreadId;

/**
 * The root task of {@code kola exec}: it runs one freestanding RISC-V program (the image's first
 * module with machine code) as a task, as {@code qemu-riscv64} runs one, and is that task's pager
 * and exception handler, so that everything the program needs beyond its instructions is done at
 * user level, by this program, through L4 IPC:
 *
 * <ul>
 * <li><b>Loading</b>, lazily: a page fault in one of the program's segments gets that segment's
 * page of the boot module (requested from sigma0 by its physical address), mapped with the
 * segment's rights; a writable segment's page is first copied into a fresh page, so the module's
 * memory stays as the boot loader left it. A fault in the stack (the {@link #STACK_PAGES} pages
 * below {@link #STACK_TOP}) gets a fresh zeroed page. A fault anywhere else, or an access the
 * segment's rights do not allow (a store into code, say), ends the run.</li>
 * <li><b>System calls</b> of freestanding programs, from the exception IPC of an {@code ecall}:
 * a7 = 93 exits with status a0; a7 = 64 writes a2 bytes from a1 to the console (fd 1 or 2; other
 * fds get -9, EBADF) by the UART's data register; any other number returns -38 (ENOSYS), as Linux
 * does. The reply moves pc past the {@code ecall} and sets a0.</li>
 * <li>Any other exception (illegal instruction, ebreak, misaligned access...) ends the run.</li>
 * <li>An <b>echo</b> service for programs that test their L4 IPC: a message with label
 * {@link #ECHO} and untyped words gets a reply with the same label and each word plus one.</li>
 * </ul>
 *
 * The run ends with one line on the kernel console, {@code exec: exit N} (the program's status, or
 * 128 plus the RISC-V exception cause after {@code exec: NAME at pc ...}), which the command line
 * turns into its exit status; then the program's thread is deleted and this task ends.
 */
public final class ExecRuntime implements Program {
    /** The top of the program's stack (its first sp), 16-byte aligned, below the KIP and UTCB areas. */
    public static final long STACK_TOP = 0x3F_0000_0000L;
    /** The stack's size in pages: 8 MiB, as a Linux main thread's default limit. */
    public static final long STACK_PAGES = 2048;
    /** The status of a run that ended with an exception: 128 + the RISC-V cause, like a signal's. */
    public static final int EXCEPTION_STATUS = 128;
    private static final long PAGE = 4096;
    /** Where this task maps the pages it hands out, in its own space. */
    private static final long WINDOW_BASE = 0x1_0000_0000L;
    private static final long UART_VA = 0x2000_0000L;
    private static final int ECALL = 8;
    /** The label of an echo request: the reply carries the same label and every word plus one. */
    public static final long ECHO = 0xEC0;
    private static final int SYS_WRITE = 64;
    private static final int SYS_EXIT = 93;
    private static final long ENOSYS = -38;
    private static final long EBADF = -9;
    private static final long EFAULT = -14;

    /** The page of this task's space that backs each page of the program, by program page. */
    private final Map<Long, Long> pages = new HashMap<>();
    private long nextWindow = WINDOW_BASE;
    private Kip.BootModule program;
    private boolean uart;

    @Override
    public void run(L4 l4) {
        Kip kip = l4.kernelInterface();
        for (Kip.BootModule m : kip.bootModules()) {
            if (m.isMachineCode() && program == null) {
                program = m;
            }
        }
        if (program == null) {
            finish(l4, ThreadId.NIL, "exec: no RISC-V module in the image", 127);
            return;
        }
        uart = Drivers.mapDevice(l4, "uart", UART_VA);
        long task = ThreadId.global(kip.userBase() + 3, 1);
        String failure = start(l4, task);
        if (failure != null) {
            finish(l4, ThreadId.NIL, "exec: cannot start " + program.name() + ": " + failure, 127);
            return;
        }
        long from = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            if (MsgTag.failed(tag) || from != task) {
                from = l4.waitAny();
                continue;
            }
            long label = MsgTag.label(tag);
            String end;
            if (KernelLabels.isPageFault(label) && MsgTag.untyped(tag) == 2) {
                end = pageFault(l4, l4.mr(1), l4.mr(2), (int) (label & Fpage.RWX));
            } else if (label == KernelLabels.EXCEPTION && MsgTag.untyped(tag) == 34) {
                end = exception(l4);
            } else if (label == ECHO && MsgTag.typed(tag) == 0) {
                // The echo service, for programs that test their IPC: every word back, plus one.
                int u = MsgTag.untyped(tag);
                for (int i = 1; i <= u; i++) {
                    l4.setMr(i, l4.mr(i) + 1);
                }
                l4.setMr(0, MsgTag.make(ECHO, u, 0));
                end = null;
            } else if (label == KernelLabels.EXCEPTION) {
                end = "exec: " + program.name() + " died (exception code " + l4.mr(2) + ")";
                exitStatus = EXCEPTION_STATUS;
            } else {
                from = l4.waitAny();
                continue;
            }
            if (end != null) {
                finish(l4, task, end, exitStatus);
                return;
            }
            from = l4.replyWait(task);
        }
    }

    private int exitStatus;

    /** Creates the program's task, this task its pager (and so its exception handler), and starts it. */
    private String start(L4 l4, long task) {
        long me = l4.myGlobalId();
        if (l4.threadControl(task, task, me, ThreadId.NIL, -1) == 0) {
            return "ThreadControl(create): " + KernelError.describe(l4.errorCode());
        }
        if (l4.spaceControl(task, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, ThreadId.NIL) == 0) {
            return "SpaceControl: " + KernelError.describe(l4.errorCode());
        }
        if (l4.threadControl(task, task, ThreadId.NIL, me, Fpage.base(Kip.STANDARD_UTCB_AREA)) == 0) {
            return "ThreadControl(activate): " + KernelError.describe(l4.errorCode());
        }
        if (l4.schedule(task, Schedule.UNCHANGED, Schedule.UNCHANGED, program.priority(), Schedule.UNCHANGED) == 0) {
            return "Schedule: " + KernelError.describe(l4.errorCode());
        }
        if (l4.exchangeRegisters(task, ExRegs.SET_SP_IP | ExRegs.RESUME, STACK_TOP, program.ipBase(), 0, 0,
                ThreadId.NIL) == ThreadId.NIL) {
            return "ExchangeRegisters(start): " + KernelError.describe(l4.errorCode());
        }
        return null;
    }

    /** Serves a fault at {@code address} (instruction at {@code pc}); returns the line that ends the run, or null. */
    private String pageFault(L4 l4, long address, long pc, int access) {
        long page = address & -PAGE;
        int rights = rightsAt(page);
        if (rights == 0 || (rights & access) != access) {
            exitStatus = EXCEPTION_STATUS + (access == Fpage.X ? 12 : access == Fpage.W ? 15 : 13);
            return "exec: " + (access == Fpage.X ? "instruction" : access == Fpage.W ? "store" : "load")
                    + " page fault at pc 0x" + Long.toHexString(pc) + ": address 0x" + Long.toHexString(address)
                    + (rights == 0 ? " is not mapped" : " does not allow it (" + Fpage.rightsString(rights) + ")");
        }
        long own = backing(l4, page);
        if (own < 0) {
            exitStatus = EXCEPTION_STATUS;
            return "exec: out of memory at address 0x" + Long.toHexString(address);
        }
        Items.putMap(l4, 1, Fpage.of(own, 12, rights), page);
        l4.setMr(0, MsgTag.make(Protocol.OK, 0, 2));
        return null;
    }

    /** The rights the program has at {@code page}: its segment's, read-write in the stack, else 0. */
    private int rightsAt(long page) {
        for (Kip.Segment s : program.segments()) {
            if (page >= s.vaddr() && page < s.vaddr() + s.size()) {
                return s.rights();
            }
        }
        return page >= STACK_TOP - STACK_PAGES * PAGE && page < STACK_TOP ? Fpage.R | Fpage.W : 0;
    }

    /** The page of this space that backs program page {@code page} (made on first use), or -1. */
    private long backing(L4 l4, long page) {
        Long own = pages.get(page);
        if (own != null) {
            return own;
        }
        long window = nextWindow;
        Kip.Segment seg = null;
        for (Kip.Segment s : program.segments()) {
            if (page >= s.vaddr() && page < s.vaddr() + s.size()) {
                seg = s;
            }
        }
        long module = seg == null ? -1 : seg.paddr() + (page - seg.vaddr());
        if (seg != null && (seg.rights() & Fpage.W) == 0) {
            // Read-only or code: the boot module's own page.
            if (!Sigma0.requestPage(l4, Fpage.of(module, 12, Fpage.RWX), Fpage.of(window, 12, 0))) {
                return -1;
            }
        } else {
            if (!Sigma0.requestPage(l4, Sigma0.anyPage(12), Fpage.of(window, 12, 0))) {
                return -1;
            }
            zero(l4, window);
            if (seg != null) {
                long copy = window + PAGE;
                if (!Sigma0.requestPage(l4, Fpage.of(module, 12, Fpage.RWX), Fpage.of(copy, 12, 0))) {
                    return -1;
                }
                byte[] bytes = new byte[(int) PAGE];
                l4.memory().read(copy, bytes, 0, bytes.length);
                l4.memory().write(window, bytes, 0, bytes.length);
                nextWindow += PAGE; // the module's page stays mapped there, unused
            }
        }
        nextWindow += PAGE;
        pages.put(page, window);
        return window;
    }

    /** A page from sigma0 may have been used before (this system never frees, but say so): zero it. */
    private static void zero(L4 l4, long window) {
        for (long a = window; a < window + PAGE; a += 8) {
            l4.memory().store64(a, 0);
        }
    }

    /** An exception of the program (pc MR1, cause MR2, x1..x31 MR4..MR34); returns the line that ends the run, or null. */
    private String exception(L4 l4) {
        long pc = l4.mr(1);
        int cause = (int) l4.mr(2);
        long tval = l4.mr(3);
        if (cause != ECALL) {
            exitStatus = EXCEPTION_STATUS + cause;
            return "exec: " + causeName(cause) + " at pc 0x" + Long.toHexString(pc) + " (tval 0x" + Long.toHexString(tval) + ")";
        }
        long a7 = reg(l4, 17);
        long a0 = reg(l4, 10);
        long result;
        if (a7 == SYS_EXIT) {
            exitStatus = (int) (a0 & 0xFF);
            return "exec: exit " + exitStatus;
        } else if (a7 == SYS_WRITE) {
            result = a0 == 1 || a0 == 2 ? write(l4, reg(l4, 11), reg(l4, 12)) : EBADF;
        } else {
            result = ENOSYS;
        }
        // The reply: pc past the ecall, x1..x10 as they were but a0 = the result.
        l4.setMr(1, pc + 4);
        l4.setMr(4 + 9, result);
        l4.setMr(0, MsgTag.make(0, 3 + 10, 0));
        return null;
    }

    /** Register x{@code i} of the exception message. */
    private static long reg(L4 l4, int i) {
        return l4.mr(3 + i);
    }

    /** Writes {@code length} bytes of the program's memory at {@code address} to the console; the bytes written or -EFAULT. */
    private long write(L4 l4, long address, long length) {
        if (length < 0 || length > 1 << 20 || address < 0 || address + length < address) {
            return EFAULT;
        }
        for (long done = 0; done < length; ) {
            long va = address + done;
            long page = va & -PAGE;
            if ((rightsAt(page) & Fpage.R) == 0) {
                return done == 0 ? EFAULT : done;
            }
            long own = backing(l4, page);
            if (own < 0) {
                return done == 0 ? EFAULT : done;
            }
            int n = (int) Math.min(length - done, PAGE - (va - page));
            byte[] bytes = new byte[n];
            l4.memory().read(own + (va - page), bytes, 0, n);
            if (uart) {
                for (byte b : bytes) {
                    l4.memory().store8(UART_VA, b & 0xFF);
                }
            }
            done += n;
        }
        return length;
    }

    private static String causeName(int cause) {
        return switch (cause) {
            case 0 -> "misaligned instruction";
            case 1 -> "instruction access fault";
            case 2 -> "illegal instruction";
            case 3 -> "breakpoint";
            case 4 -> "misaligned load";
            case 5 -> "load access fault";
            case 6 -> "misaligned store";
            case 7 -> "store access fault";
            default -> "exception " + cause;
        };
    }

    /** Ends the run: says why and with which status, and deletes the program's thread. */
    private void finish(L4 l4, long task, String line, int status) {
        if (!line.equals("exec: exit " + status)) {
            l4.kdbPrint(line.substring("exec: ".length()));
        }
        l4.kdbPrint("exit " + status);
        if (task != ThreadId.NIL) {
            l4.threadControl(task, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1);
        }
    }
}
