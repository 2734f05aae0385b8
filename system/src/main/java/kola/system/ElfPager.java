package kola.system;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.Items;
import kola.abi.KernelError;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Schedule;
import kola.abi.SpaceControl;
import kola.abi.ThreadId;

/**
 * The pager and exception handler of RISC-V tasks (boot modules with machine code), for the task
 * that starts them: {@link ExecRuntime} (one program) and {@link RootTask} (any number, beside
 * Java tasks). Everything such a program needs beyond its instructions is done here, at user
 * level, through L4 IPC:
 *
 * <ul>
 * <li><b>Loading</b>, lazily: a page fault in one of the program's segments gets that segment's
 * page of the boot module (requested from sigma0 by its physical address, once, and shared by
 * every task of the module), mapped with the segment's rights; a writable segment's page is first
 * copied into a fresh page of the faulting task's own, so the module's memory stays as the boot
 * loader left it and two tasks of one module never share their data. A fault in the stack (the
 * {@link #STACK_PAGES} pages below {@link #STACK_TOP}) gets a fresh zeroed page. A fault anywhere
 * else, or an access the segment's rights do not allow (a store into code, say), ends the task.</li>
 * <li><b>System calls</b> of freestanding programs, from the exception IPC of an {@code ecall}:
 * a7 = 93 exits with status a0; a7 = 64 writes a2 bytes from a1 (fd 1 or 2; other fds get -9,
 * EBADF) to the {@link Output} the owner chose; any other number returns -38 (ENOSYS), as Linux
 * does. The reply moves pc past the {@code ecall} and sets a0; every other register stays.</li>
 * <li>Any other exception (illegal instruction, ebreak, misaligned access...) ends the task.</li>
 * <li>An <b>echo</b> service for programs that test their L4 IPC: a message with label
 * {@link #ECHO} and untyped words gets a reply with the same label and each word plus one. An
 * owner that {@link #acceptEcho accepts strings} also echoes a string: a message with label
 * {@link #ECHO} whose typed words are one string (simple or compound, at most
 * {@link #ECHO_BYTES} bytes, received into the owner's echo page) gets, besides the words plus
 * one, one simple string item of its bytes, each plus one, into the sender's receive buffers.</li>
 * </ul>
 *
 * Tasks are told apart by the thread that sent the message, each belonging to one {@link Task}
 * (one address space, with its own pages). The owner receives, asks {@link #taskOf} whether the
 * sender is one of these tasks and {@link #handles} the message, and lets {@link #serve} answer
 * it: either the reply is then in the message registers, or the task has ended ({@link End}) and
 * the owner says so and calls {@link #end}, which deletes its thread and takes its pages back.
 * The pages this pager hands out are mapped in its owner's space from {@link #WINDOW_BASE} up.
 */
public final class ElfPager {
    /** The top of a program's stack (its first sp), 16-byte aligned, below the KIP and UTCB areas. */
    public static final long STACK_TOP = 0x3F_0000_0000L;
    /** The stack's size in pages: 8 MiB, as a Linux main thread's default limit. */
    public static final long STACK_PAGES = 2048;
    /** The status of a task that ended with an exception: 128 + the RISC-V cause, like a signal's. */
    public static final int EXCEPTION_STATUS = 128;
    /** The label of an echo request: the reply carries the same label and every word plus one. */
    public static final long ECHO = 0xEC0;
    /** The most bytes a string echo takes: the owner's echo page. */
    public static final int ECHO_BYTES = 4096;
    /** Where the owner's space holds the pages handed out; the owner must not use its space from here on. */
    public static final long WINDOW_BASE = 0x1_0000_0000L;
    private static final long PAGE = 4096;
    private static final int ECALL = 8;
    private static final int SYS_WRITE = 64;
    private static final int SYS_EXIT = 93;
    private static final long ENOSYS = -38;
    private static final long EBADF = -9;
    private static final long EFAULT = -14;
    /** The untyped words of a RISC-V exception message: pc, cause, tval, x1..x31. */
    private static final int EXCEPTION_WORDS = 34;

    /** Where the bytes a program writes to fd 1 and 2 go. */
    public interface Output {
        /** Task {@code task} wrote {@code bytes}. */
        void write(L4 l4, Task task, byte[] bytes);

        /** Task {@code task} has ended: what it wrote and is still held back goes out now. */
        default void end(L4 l4, Task task) {
        }
    }

    /** How a task ended: {@code why} is null when it exited (ecall 93), else what it did, in one line. */
    public record End(String why, int status) {
        /** Whether the program exited by itself (rather than being ended for a fault). */
        public boolean exited() {
            return why == null;
        }
    }

    /** One RISC-V task: an address space running a boot module's program, and the pages it was given. */
    public static final class Task {
        private final Kip.BootModule module;
        private final long thread;
        /** The page of the owner's space that backs each page of the task, by task page. */
        private final Map<Long, Long> pages = new HashMap<>();
        /** Those of them made for this task alone (stack, copies of writable pages): freed with it. */
        private final List<Long> own = new ArrayList<>();
        /** What it wrote since its last newline (for {@link #kernelConsole}). */
        private final byte[] line = new byte[MAX_LINE];
        private int lineLength;

        private Task(Kip.BootModule module, long thread) {
            this.module = module;
            this.thread = thread;
        }

        /** The boot module it runs. */
        public Kip.BootModule module() {
            return module;
        }

        /** Its module's name. */
        public String name() {
            return module.name();
        }

        /** Its thread. */
        public long thread() {
            return thread;
        }
    }

    private final Output output;
    private final Map<Long, Task> byThread = new HashMap<>();
    /** The owner's window page of each boot-module page requested so far, by physical address. */
    private final Map<Long, Long> modulePages = new HashMap<>();
    /** Fresh pages of tasks that ended, to be used again (zeroed first). */
    private final Deque<Long> free = new ArrayDeque<>();
    private long nextWindow = WINDOW_BASE;
    /** The owner's page that echoed strings are received into ({@link #acceptEcho}), 0 until then. */
    private long echoPage;

    public ElfPager(Output output) {
        this.output = output;
    }

    /**
     * Output that writes each byte to a UART's data register, mapped at {@code va} in the owner's
     * space ({@code mapped} false: the UART could not be had, the bytes are dropped).
     */
    public static Output uart(long va, boolean mapped) {
        return (l4, task, bytes) -> {
            if (mapped) {
                for (byte b : bytes) {
                    l4.memory().store8(va, b & 0xFF);
                }
            }
        };
    }

    /**
     * Output on the kernel console, through the owner's {@link L4#kdbPrint}: line by line, each
     * line as {@code NAME: text} (so {@code roottask: hello: hello from RISC-V} when the root
     * task prints it); a line is held back until its newline comes, it grows past
     * {@link #MAX_LINE} bytes, or the task ends.
     */
    public static Output kernelConsole() {
        return new Output() {
            @Override
            public void write(L4 l4, Task task, byte[] bytes) {
                for (byte b : bytes) {
                    if (b == '\n') {
                        flush(l4, task);
                    } else {
                        task.line[task.lineLength++] = b;
                        if (task.lineLength == MAX_LINE) {
                            flush(l4, task);
                        }
                    }
                }
            }

            @Override
            public void end(L4 l4, Task task) {
                if (task.lineLength > 0) {
                    flush(l4, task);
                }
            }

            private void flush(L4 l4, Task task) {
                String text = new String(task.line, 0, task.lineLength, StandardCharsets.UTF_8);
                task.lineLength = 0;
                l4.kdbPrint(task.name() + ": " + (text.endsWith("\r") ? text.substring(0, text.length() - 1) : text));
            }
        };
    }

    /** The longest line {@link #kernelConsole} holds back. */
    public static final int MAX_LINE = 200;

    /** The task thread {@code thread} belongs to, or null if it is not one of these tasks. */
    public Task taskOf(long thread) {
        return byThread.get(thread);
    }

    /** The tasks now running, in no particular order. */
    public List<Task> tasks() {
        return List.copyOf(byThread.values());
    }

    /**
     * Creates a task of {@code module} (one with machine code) whose first thread is {@code id},
     * the caller its pager, exception handler and scheduler, with the module's priority, and
     * starts it at the module's entry with sp = {@link #STACK_TOP}. Returns null on success, or
     * what failed (the thread, if made, is deleted again).
     */
    public String start(L4 l4, Kip.BootModule module, long id) {
        return start(l4, module, id, Kip.STANDARD_KIP_AREA, false);
    }

    /**
     * As {@link #start(L4, Kip.BootModule, long)}, with the KIP at {@code kipArea} (a 4 KiB fpage
     * outside the program's segments, its stack and the standard UTCB area); {@code privileged}:
     * the task's space is privileged ({@link SpaceControl#PRIVILEGED}), so that its threads may
     * create threads and spaces of their own, as an X.2 root task does (the caller must be
     * privileged itself).
     */
    public String start(L4 l4, Kip.BootModule module, long id, long kipArea, boolean privileged) {
        if (!module.isMachineCode()) {
            return "not a RISC-V module";
        }
        InitialStack args = InitialStack.of(module);
        if (args == null) {
            return "its arguments do not fit in one page";
        }
        long me = l4.myGlobalId();
        String failure = null;
        if (l4.threadControl(id, id, me, ThreadId.NIL, -1) == 0) {
            return "ThreadControl(create): " + KernelError.describe(l4.errorCode());
        }
        Task task = new Task(module, id);
        long argWindow = freshPage(l4);
        if (argWindow < 0) {
            failure = "no memory for its arguments";
        } else if (l4.spaceControl(id, privileged ? SpaceControl.PRIVILEGED : 0, kipArea, Kip.STANDARD_UTCB_AREA,
                ThreadId.NIL) == 0) {
            failure = "SpaceControl: " + KernelError.describe(l4.errorCode());
        } else if (l4.threadControl(id, id, ThreadId.NIL, me, Fpage.base(Kip.STANDARD_UTCB_AREA)) == 0) {
            failure = "ThreadControl(activate): " + KernelError.describe(l4.errorCode());
        } else if (l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, module.priority(), Schedule.UNCHANGED) == 0) {
            failure = "Schedule: " + KernelError.describe(l4.errorCode());
        } else {
            // The stack's top page holds the arguments, as Linux (and qemu-riscv64) lay them out.
            l4.memory().write(argWindow, args.page(), 0, args.page().length);
            task.pages.put(STACK_TOP - PAGE, argWindow);
            task.own.add(argWindow);
            if (l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, STACK_TOP - PAGE + args.sp(), module.ipBase(),
                    0, 0, ThreadId.NIL) == ThreadId.NIL) {
                failure = "ExchangeRegisters(start): " + KernelError.describe(l4.errorCode());
            }
        }
        if (failure != null) {
            l4.threadControl(id, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1);
            if (argWindow >= 0) {
                free.add(argWindow);
            }
            return failure;
        }
        byThread.put(id, task);
        return null;
    }

    /**
     * The top page of a program's stack at its start, as Linux's {@code execve} (and so {@code
     * qemu-riscv64}) lays it out for RISC-V: at sp (16-byte aligned) argc, then argv[0..argc-1]
     * and a null, an empty environment (a null), an empty auxiliary vector (AT_NULL, 0); the
     * strings above, up to the top. argv[0] is the module's name, the rest its arguments.
     *
     * @param page the page's bytes, the page below {@link #STACK_TOP}
     * @param sp   where sp points, as an offset in the page
     */
    record InitialStack(byte[] page, int sp) {
        /** The initial stack of {@code module}, or null if its name and arguments do not fit one page. */
        static InitialStack of(Kip.BootModule module) {
            List<String> argv = new ArrayList<>();
            argv.add(module.name());
            argv.addAll(module.args());
            byte[] page = new byte[(int) PAGE];
            int top = page.length;
            long[] pointers = new long[argv.size()];
            for (int i = argv.size() - 1; i >= 0; i--) {
                byte[] text = argv.get(i).getBytes(StandardCharsets.UTF_8);
                top -= text.length + 1;
                if (top < 0) {
                    return null;
                }
                for (int j = 0; j < text.length; j++) {
                    page[top + j] = text[j];
                }
                pointers[i] = STACK_TOP - PAGE + top;
            }
            int words = 1 + argv.size() + 1 + 1 + 2; // argc, argv, null, envp's null, AT_NULL pair
            int sp = (top - 8 * words) & ~15;
            if (sp < 0) {
                return null;
            }
            putLong(page, sp, argv.size());
            for (int i = 0; i < pointers.length; i++) {
                putLong(page, sp + 8 * (1 + i), pointers[i]);
            }
            return new InitialStack(page, sp); // (the nulls and AT_NULL are the page's zeros)
        }

        private static void putLong(byte[] page, int at, long v) {
            for (int i = 0; i < 8; i++) {
                page[at + i] = (byte) (v >>> (8 * i));
            }
        }
    }

    /**
     * Takes on thread {@code id}, the first thread of a task of {@code module} that the caller
     * made itself, this pager's thread being its pager, and starts itself: by X.2's start message
     * (MR1 {@code module.ipBase()} or an address of the program's, MR2 the stack pointer, such
     * as {@link #STACK_TOP}), which a thread activated with a pager waits for. From now on its
     * faults, exceptions and echo requests are served as those of a task {@link #start} made.
     * Null if the module has no machine code.
     */
    public Task adopt(Kip.BootModule module, long id) {
        if (!module.isMachineCode()) {
            return null;
        }
        Task task = new Task(module, id);
        byThread.put(id, task);
        return task;
    }

    /**
     * Whether a message with tag {@code tag} from one of these tasks is this pager's to serve: a
     * page fault, an exception, an echo request. Anything else is the owner's (its own protocol).
     */
    public static boolean handles(long tag) {
        long label = MsgTag.label(tag);
        return !MsgTag.failed(tag) && (KernelLabels.isPageFault(label) && MsgTag.untyped(tag) == 2
                || label == KernelLabels.EXCEPTION || label == ECHO && MsgTag.typed(tag) == 0);
    }

    /**
     * Sets the owner's buffer registers for its next receive so that a task's string echo can
     * arrive: strings accepted (no map window), one buffer of {@link #ECHO_BYTES} in the echo page
     * (a fresh page, got on the first call). Without a page, strings are not accepted. This pager
     * sets them again after each of its own requests to sigma0 (which set BR0), so an owner calls
     * this once; one that sets its buffer registers itself calls it again afterwards.
     */
    public void acceptEcho(L4 l4) {
        if (echoPage == 0) {
            long page = freshPage(l4);
            echoPage = page < 0 ? 0 : page;
        }
        setEchoBuffer(l4);
    }

    private void setEchoBuffer(L4 l4) {
        l4.setBr(0, Items.acceptor(Fpage.NIL, echoPage != 0));
        l4.setBr(1, Items.stringWord(ECHO_BYTES));
        l4.setBr(2, echoPage);
    }

    /** Whether a message with tag {@code tag} is a string echo this pager serves (its owner {@link #acceptEcho accepts} them). */
    public boolean echoesStrings(long tag) {
        return echoPage != 0 && !MsgTag.failed(tag) && MsgTag.label(tag) == ECHO && MsgTag.typed(tag) > 0;
    }

    /**
     * Serves the message of {@code task} in the message registers (one {@link #handles} or
     * {@link #echoesStrings} accepts):
     * returns null when the reply is in the message registers, or how the task ended (the owner
     * then calls {@link #end}, and does not reply).
     */
    public End serve(L4 l4, Task task) {
        long tag = l4.mr(0);
        long label = MsgTag.label(tag);
        int u = MsgTag.untyped(tag);
        if (KernelLabels.isPageFault(label) && u == 2) {
            return pageFault(l4, task, l4.mr(1), l4.mr(2), (int) (label & Fpage.RWX));
        } else if (label == KernelLabels.EXCEPTION && u == EXCEPTION_WORDS) {
            return exception(l4, task);
        } else if (label == ECHO && MsgTag.typed(tag) == 0) {
            // The echo service, for programs that test their IPC: every word back, plus one.
            for (int i = 1; i <= u; i++) {
                l4.setMr(i, l4.mr(i) + 1);
            }
            l4.setMr(0, MsgTag.make(ECHO, u, 0));
            return null;
        } else if (echoesStrings(tag)) {
            echoString(l4, u, MsgTag.typed(tag));
            return null;
        }
        return new End(task.name() + " died (exception code " + l4.mr(2) + ")", EXCEPTION_STATUS);
    }

    /**
     * A string echo: the typed words MR(u+1).. are the string items as sent (the kernel accepted
     * them, so they are one string, whose bytes are in the echo page); the reply carries the
     * untyped words plus one and the string's bytes, each plus one, as one simple string item.
     * Typed words that are not string items get an error reply.
     */
    private void echoString(L4 l4, int u, int t) {
        long bytes = 0;
        for (int i = u + 1; i <= u + t; ) {
            long w0 = l4.mr(i);
            if (!Items.isString(w0)) {
                l4.setMr(1, Protocol.E_UNKNOWN_REQUEST);
                l4.setMr(0, MsgTag.make(Protocol.ERROR, 1, 0));
                return;
            }
            bytes += Items.stringLength(w0) * Items.substrings(w0);
            i += Items.stringItemWords(w0);
        }
        int n = (int) Math.min(bytes, ECHO_BYTES);
        byte[] b = new byte[n];
        l4.memory().read(echoPage, b, 0, n);
        for (int i = 0; i < n; i++) {
            b[i]++;
        }
        l4.memory().write(echoPage, b, 0, n);
        for (int i = 1; i <= u; i++) {
            l4.setMr(i, l4.mr(i) + 1);
        }
        Items.putString(l4, u + 1, echoPage, n);
        l4.setMr(0, MsgTag.make(ECHO, u, Items.WORDS));
    }

    /**
     * Ends {@code task}: what it wrote goes out, its thread is deleted (its space and every mapping
     * in it go with it), and its own pages are kept for the next tasks.
     */
    public void end(L4 l4, Task task) {
        output.end(l4, task);
        l4.threadControl(task.thread, ThreadId.NIL, ThreadId.NIL, ThreadId.NIL, -1);
        forget(task);
    }

    /** Forgets {@code task}, whose thread the owner has deleted itself; its own pages are kept for the next tasks. */
    public void forget(Task task) {
        if (byThread.remove(task.thread) == task) {
            free.addAll(task.own);
            task.own.clear();
            task.pages.clear();
        }
    }

    /** Serves a fault at {@code address} (instruction at {@code pc}); returns how the task ends, or null. */
    private End pageFault(L4 l4, Task task, long address, long pc, int access) {
        long page = address & -PAGE;
        int rights = rightsAt(task, page);
        if (rights == 0 || (rights & access) != access) {
            return new End((access == Fpage.X ? "instruction" : access == Fpage.W ? "store" : "load")
                    + " page fault at pc 0x" + Long.toHexString(pc) + ": address 0x" + Long.toHexString(address)
                    + (rights == 0 ? " is not mapped" : " does not allow it (" + Fpage.rightsString(rights) + ")"),
                    EXCEPTION_STATUS + (access == Fpage.X ? 12 : access == Fpage.W ? 15 : 13));
        }
        long window = backing(l4, task, page);
        if (window < 0) {
            return new End("out of memory at address 0x" + Long.toHexString(address), EXCEPTION_STATUS);
        }
        Items.putMap(l4, 1, Fpage.of(window, 12, rights), page);
        l4.setMr(0, MsgTag.make(Protocol.OK, 0, 2));
        return null;
    }

    /** The segment of {@code task}'s program that holds {@code page}, or null. */
    private static Kip.Segment segmentAt(Task task, long page) {
        Kip.Segment found = null;
        for (Kip.Segment s : task.module.segments()) {
            if (page >= s.vaddr() && page < s.vaddr() + s.size()) {
                found = s;
            }
        }
        return found;
    }

    /** The rights {@code task} has at {@code page}: its segment's, read-write in the stack, else 0. */
    private static int rightsAt(Task task, long page) {
        Kip.Segment s = segmentAt(task, page);
        if (s != null) {
            return s.rights();
        }
        return page >= STACK_TOP - STACK_PAGES * PAGE && page < STACK_TOP ? Fpage.R | Fpage.W : 0;
    }

    /** The page of the owner's space that backs {@code task}'s page {@code page} (made on first use), or -1. */
    private long backing(L4 l4, Task task, long page) {
        Long known = task.pages.get(page);
        if (known != null) {
            return known;
        }
        Kip.Segment seg = segmentAt(task, page);
        long window;
        if (seg != null && (seg.rights() & Fpage.W) == 0) {
            // Read-only or code: the boot module's own page, shared by every task of the module.
            window = modulePage(l4, seg.paddr() + (page - seg.vaddr()));
        } else {
            window = freshPage(l4);
            if (window >= 0 && seg != null) {
                long source = modulePage(l4, seg.paddr() + (page - seg.vaddr()));
                if (source < 0) {
                    free.add(window);
                    return -1;
                }
                byte[] bytes = new byte[(int) PAGE];
                l4.memory().read(source, bytes, 0, bytes.length);
                l4.memory().write(window, bytes, 0, bytes.length);
            }
            if (window >= 0) {
                task.own.add(window);
            }
        }
        if (window >= 0) {
            task.pages.put(page, window);
        }
        return window;
    }

    /** The owner's window onto the boot-module page at physical address {@code paddr} (requested on first use), or -1. */
    private long modulePage(L4 l4, long paddr) {
        Long known = modulePages.get(paddr);
        if (known != null) {
            return known;
        }
        long window = nextWindow;
        boolean got = Sigma0.requestPage(l4, Fpage.of(paddr, 12, Fpage.RWX), Fpage.of(window, 12, 0));
        if (echoPage != 0) {
            setEchoBuffer(l4);
        }
        if (!got) {
            return -1;
        }
        nextWindow += PAGE;
        modulePages.put(paddr, window);
        return window;
    }

    /** A zeroed page of the owner's: one a finished task left, or a new one from sigma0; -1 if there is none. */
    private long freshPage(L4 l4) {
        long window;
        if (!free.isEmpty()) {
            window = free.removeFirst();
        } else {
            window = nextWindow;
            boolean got = Sigma0.requestPage(l4, Sigma0.anyPage(12), Fpage.of(window, 12, 0));
            if (echoPage != 0) {
                setEchoBuffer(l4);
            }
            if (!got) {
                return -1;
            }
            nextWindow += PAGE;
        }
        // A page from sigma0 may have been used before (this system never frees, but say so): zero it.
        for (long a = window; a < window + PAGE; a += 8) {
            l4.memory().store64(a, 0);
        }
        return window;
    }

    /** An exception of the task (pc MR1, cause MR2, tval MR3, x1..x31 MR4..MR34); returns how the task ends, or null. */
    private End exception(L4 l4, Task task) {
        long[] words = new long[EXCEPTION_WORDS + 1];
        for (int i = 1; i <= EXCEPTION_WORDS; i++) {
            words[i] = l4.mr(i);
        }
        long pc = words[1];
        int cause = (int) words[2];
        long tval = words[3];
        if (cause != ECALL) {
            return new End(causeName(cause) + " at pc 0x" + Long.toHexString(pc) + " (tval 0x" + Long.toHexString(tval) + ")",
                    EXCEPTION_STATUS + cause);
        }
        long a7 = words[3 + 17];
        long a0 = words[3 + 10];
        long result;
        if (a7 == SYS_EXIT) {
            return new End(null, (int) (a0 & 0xFF));
        } else if (a7 == SYS_WRITE) {
            result = a0 == 1 || a0 == 2 ? write(l4, task, words[3 + 11], words[3 + 12]) : EBADF;
        } else {
            result = ENOSYS;
        }
        // The reply: pc past the ecall, x1..x10 as they were but a0 = the result (x11.. are not touched).
        l4.setMr(1, pc + 4);
        for (int x = 1; x <= 9; x++) {
            l4.setMr(3 + x, words[3 + x]);
        }
        l4.setMr(3 + 10, result);
        l4.setMr(0, MsgTag.make(0, 3 + 10, 0));
        return null;
    }

    /** Writes {@code length} bytes of the task's memory at {@code address} to the output; the bytes written or -EFAULT. */
    private long write(L4 l4, Task task, long address, long length) {
        if (length < 0 || length > 1 << 20 || address < 0 || address + length < address) {
            return EFAULT;
        }
        for (long done = 0; done < length; ) {
            long va = address + done;
            long page = va & -PAGE;
            long window = (rightsAt(task, page) & Fpage.R) == 0 ? -1 : backing(l4, task, page);
            if (window < 0) {
                return done == 0 ? EFAULT : done;
            }
            int n = (int) Math.min(length - done, PAGE - (va - page));
            byte[] bytes = new byte[n];
            l4.memory().read(window + (va - page), bytes, 0, n);
            output.write(l4, task, bytes);
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
}
