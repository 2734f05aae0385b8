package kola.system;

import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;

/**
 * The root task of {@code kola exec}: it runs one freestanding RISC-V program (the image's first
 * module with machine code) as a task, as {@code qemu-riscv64} runs one, and is that task's pager
 * and exception handler ({@link ElfPager}), so that everything the program needs beyond its
 * instructions is done at user level, by this program, through L4 IPC:
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
 * {@link #ECHO} and untyped words gets a reply with the same label and each word plus one; one
 * that carries a string (simple or compound, at most {@link ElfPager#ECHO_BYTES} bytes) gets its
 * bytes back too, each plus one, as a simple string item into the program's receive buffers
 * ({@link ElfPager#acceptEcho}). The runtime's send transfer timeout is
 * {@link #ECHO_XFER_MICROS} µs, so that a reply into a buffer page the program never touched
 * (the program's fault comes to this runtime, which is then waiting for it) fails with X.2's
 * transfer timeout instead of waiting for ever.</li>
 * </ul>
 *
 * The run ends with one line on the kernel console, {@code exec: exit N} (the program's status, or
 * 128 plus the RISC-V exception cause after a line saying what happened where), which the command line
 * turns into its exit status; then the program's thread is deleted and this task ends.
 */
public final class ExecRuntime implements Program {
    /** The top of the program's stack (its first sp), 16-byte aligned, below the KIP and UTCB areas. */
    public static final long STACK_TOP = ElfPager.STACK_TOP;
    /** The stack's size in pages: 8 MiB, as a Linux main thread's default limit. */
    public static final long STACK_PAGES = ElfPager.STACK_PAGES;
    /** The status of a run that ended with an exception: 128 + the RISC-V cause, like a signal's. */
    public static final int EXCEPTION_STATUS = ElfPager.EXCEPTION_STATUS;
    /** The label of an echo request: the reply carries the same label and every word plus one. */
    public static final long ECHO = ElfPager.ECHO;
    /** The runtime's send transfer timeout, µs: how long a string echo waits for the program's fault. */
    public static final int ECHO_XFER_MICROS = 10_000;
    private static final long UART_VA = 0x2000_0000L;
    /**
     * The runtime's argument that makes the program's space privileged ({@code kola exec
     * --privileged}): it may create threads and spaces, as an X.2 root task. This runtime then
     * serves the page faults and exceptions of every thread that names it pager or exception
     * handler as the program's own (a page of the program's image, the same page in every space),
     * and an exit from any of them ends the run.
     */
    public static final String PRIVILEGED = "privileged";
    /** The runtime's argument that puts the program on a budget: {@code budget=B/P}, µs (a scheduling context). */
    public static final String BUDGET = "budget=";

    /**
     * With the argument {@code budget=B/P}, binds a scheduling context of B µs per P µs to the
     * program's thread (it has not run yet: the runtime's priority is higher). Returns why not, or null.
     */
    private static String budget(L4 l4, Kip kip, long id) {
        for (String arg : kip.module("exec").args()) {
            if (arg.startsWith(BUDGET)) {
                String bp = arg.substring(BUDGET.length());
                int slash = bp.indexOf('/');
                long b;
                long p;
                try {
                    b = Long.parseLong(bp.substring(0, Math.max(0, slash)));
                    p = Long.parseLong(bp.substring(slash + 1));
                } catch (NumberFormatException e) {
                    return "'" + arg + "' is not budget=B/P";
                }
                if (l4.schedControl(kola.abi.Sched.CREATE, 1, b, p) != 1 || l4.schedControl(kola.abi.Sched.BIND, 1, id, 0) != 1) {
                    return kola.abi.KernelError.describe(l4.errorCode());
                }
            }
        }
        return null;
    }

    @Override
    public void run(L4 l4) {
        Kip kip = l4.kernelInterface();
        Kip.BootModule program = null;
        for (Kip.BootModule m : kip.bootModules()) {
            if (m.isMachineCode() && program == null) {
                program = m;
            }
        }
        if (program == null) {
            finish(l4, "no RISC-V module in the image", 127);
            return;
        }
        ElfPager pager = new ElfPager(ElfPager.uart(UART_VA, Drivers.mapDevice(l4, "uart", UART_VA)));
        long id = ThreadId.global(kip.userBase() + 3, 1);
        boolean privileged = kip.module("exec").args().contains(PRIVILEGED);
        String failure = pager.start(l4, program, id, Kip.STANDARD_KIP_AREA, privileged);
        if (failure != null) {
            finish(l4, "cannot start " + program.name() + ": " + failure, 127);
            return;
        }
        String budgetFailure = budget(l4, kip, id);
        if (budgetFailure != null) {
            finish(l4, "cannot put " + program.name() + " on its budget: " + budgetFailure, 127);
            return;
        }
        ElfPager.Task task = pager.taskOf(id);
        boolean capabilities = Names.capabilities(l4);
        l4.setXferTimeouts(kola.abi.Timeout.pair(kola.abi.Timeout.relative(ECHO_XFER_MICROS), kola.abi.Timeout.NEVER));
        pager.acceptEcho(l4);
        long from = l4.waitAny();
        while (true) {
            long tag = l4.mr(0);
            // A privileged program's other threads (in its space or spaces it made) are its own: this
            // runtime is their pager and exception handler if the program named it so.
            if (from != id && !(privileged && ElfPager.handles(tag)) || MsgTag.failed(tag)) {
                from = l4.waitAny();
                continue;
            }
            long reply = capabilities ? kola.abi.Comm.REPLY : from; // faults and exceptions are calls
            if (!ElfPager.handles(tag) && !pager.echoesStrings(tag)) {
                // A request this runtime does not serve gets an error, so a caller does not wait for ever.
                l4.setMr(1, Protocol.E_UNKNOWN_REQUEST);
                l4.setMr(0, MsgTag.make(Protocol.ERROR, 1, 0));
                from = l4.replyWait(reply);
                continue;
            }
            ElfPager.End end = pager.serve(l4, task);
            if (end != null) {
                finish(l4, end.why(), end.status());
                pager.end(l4, task);
                return;
            }
            from = l4.replyWait(reply);
        }
    }

    /** Ends the run: says why (unless the program exited) and with which status, as {@code exec: exit N}. */
    private static void finish(L4 l4, String why, int status) {
        if (why != null) {
            l4.kdbPrint(why);
        }
        l4.kdbPrint("exit " + status);
    }
}
