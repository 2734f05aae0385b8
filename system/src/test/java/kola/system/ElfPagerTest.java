package kola.system;

import kola.abi.Fpage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.kernel.ClasspathClasses;
import kola.kernel.ElfProgram;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.kernel.TaskVerifier;
import kola.machine.Machine;
import org.junit.jupiter.api.Test;

/**
 * {@link ElfPager} with several RISC-V tasks at once, on programs assembled here (so no cross
 * compiler is needed): two tasks of one module each get their own copy of its writable page, and
 * the module's page stays as the boot loader left it, so that tasks started after them (on pages
 * the first ones left) see it unchanged; a wild store ends its task with one line.
 */
class ElfPagerTest {
    /** Where the programs' code and data are. */
    static final long TEXT = 0x10000;
    static final long DATA = 0x11000;

    /**
     * counter: a0 = the word at DATA, plus one; stores it back; exits with it. DATA holds 41, so
     * a task that has its own copy exits 42, and one that saw another's store would exit 43.
     */
    static final int[] COUNTER = {
        0x000112B7, // lui  t0, 0x11         t0 = DATA
        0x0002B503, // ld   a0, 0(t0)
        0x00150513, // addi a0, a0, 1
        0x00A2B023, // sd   a0, 0(t0)
        0x05D00893, // addi a7, zero, 93     exit
        0x00000073, // ecall
    };

    /** wild: a store to address 0. */
    static final int[] WILD = {
        0x00003023, // sd   zero, 0(zero)
        0x05D00893, // addi a7, zero, 93
        0x00000073, // ecall
    };

    /** sp: exits with sp >> 12 (the stack pointer it was started with, in pages). */
    static final int[] SP_PAGES = {
        0x00C15513, // srli a0, sp, 12
        0x05D00893, // addi a7, zero, 93     exit
        0x00000073, // ecall
    };

    /** A static RISC-V executable: {@code code} read-execute at {@link #TEXT}, the word {@code data} read-write at {@link #DATA}. */
    static ElfProgram program(int[] code, long data) {
        return program(code, data, 5);
    }

    /** The same with the code segment's ELF flags {@code codeFlags} (5 R-X, 1 execute-only). */
    static ElfProgram program(int[] code, long data, int codeFlags) {
        byte[] f = new byte[0x2000 + 8];
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) 243).putInt(20, 1).putLong(24, TEXT).putLong(32, 64);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 2);
        // PT_LOAD, R-X, the code at file offset 0x1000; PT_LOAD, RW-, the data at 0x2000.
        b.putInt(64, 1).putInt(68, codeFlags).putLong(72, 0x1000).putLong(80, TEXT).putLong(88, TEXT)
                .putLong(96, code.length * 4L).putLong(104, code.length * 4L).putLong(112, 0x1000);
        b.putInt(120, 1).putInt(124, 6).putLong(128, 0x2000).putLong(136, DATA).putLong(144, DATA)
                .putLong(152, 8).putLong(160, 8).putLong(168, 0x1000);
        for (int i = 0; i < code.length; i++) {
            b.putInt(0x1000 + 4 * i, code[i]);
        }
        b.putLong(0x2000, data);
        return ElfProgram.parse(f);
    }

    /**
     * Serves the tasks of {@code pager} (their faults, exceptions and echo requests) until
     * {@code tasks} of them have ended; says {@code said(task, end)} on the console for each that
     * ends, and "unexpected message" for any message that is not theirs to serve.
     */
    static void serveUntilEnded(L4 l4, ElfPager pager, int tasks,
                                java.util.function.BiFunction<ElfPager.Task, ElfPager.End, String> said) {
        int running = tasks;
        long from = l4.waitAny();
        while (true) {
            ElfPager.Task task = pager.taskOf(from);
            if (task == null || !ElfPager.handles(l4.mr(0))) {
                l4.kdbPrint("unexpected message " + MsgTag.toString(l4.mr(0)));
                from = l4.waitAny();
                continue;
            }
            ElfPager.End end = pager.serve(l4, task);
            if (end == null) {
                from = l4.replyWait(from);
                continue;
            }
            pager.end(l4, task);
            l4.kdbPrint(said.apply(task, end));
            if (--running == 0) {
                return;
            }
            from = l4.waitAny();
        }
    }

    /**
     * A root task that runs module {@code counter} twice at once, two rounds, then module
     * {@code wild}, as their pager and exception handler, and says how each task ended.
     */
    public static final class Runner implements Program {
        private long next;

        @Override
        public void run(L4 l4) {
            Kip kip = l4.kernelInterface();
            next = kip.userBase() + 3;
            ElfPager pager = new ElfPager(ElfPager.kernelConsole());
            for (int round = 1; round <= 2; round++) {
                serve(l4, pager, kip.module("counter"), kip.module("counter"));
            }
            serve(l4, pager, kip.module("wild"));
            l4.kdbPrint("done");
        }

        /** Starts a task of each of {@code modules} and serves them until all have ended. */
        private void serve(L4 l4, ElfPager pager, Kip.BootModule... modules) {
            for (Kip.BootModule m : modules) {
                String failure = pager.start(l4, m, ThreadId.global(next++, 1));
                if (failure != null) {
                    l4.kdbPrint("cannot start " + m.name() + ": " + failure);
                    return;
                }
            }
            serveUntilEnded(l4, pager, modules.length, (task, end) -> task.name() + " " + (end.exited()
                    ? "exit " + end.status() : "ended: " + end.why()) + "; tasks left: " + pager.tasks().size());
        }
    }

    @Test
    void everyTaskHasItsOwnCopyOfTheWritablePagesAndAWildStoreEndsOnlyItsTask() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Image image = new Image(List.of(
                new Image.Module("sigma0", Sigma0::new, 255, List.of()),
                new Image.Module("runner", Runner::new, 255, List.of()),
                Image.Module.ofElf("counter", program(COUNTER, 41), 100, List.of()),
                Image.Module.ofElf("wild", program(WILD, 0), 100, List.of())));
        Kernel kernel = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), KernelConfig.defaults(),
                image, new PrintStream(out, true, StandardCharsets.UTF_8));
        kernel.setInvariantChecking(true);
        kernel.run(100_000);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("runner: ")).toList();
        assertEquals(List.of(
                "runner: counter exit 42; tasks left: 1",
                "runner: counter exit 42; tasks left: 0",
                "runner: counter exit 42; tasks left: 1",
                "runner: counter exit 42; tasks left: 0",
                "runner: wild ended: store page fault at pc 0x10000: address 0x0 is not mapped; tasks left: 0",
                "runner: done"), lines, out::toString);
        // Every instruction but the ecall retired, in each of the four counter tasks.
        assertEquals(4 * (COUNTER.length - 1), kernel.machineInstructions(), "the programs ran on the hart");
    }

    /**
     * A root task that starts RISC-V tasks the X.2 way: it creates and activates each thread with
     * itself as pager, then sends the start message (MR1 ip, MR2 sp); it serves the tasks as
     * {@link ElfPager} does and says how each start message went and how each task ended.
     */
    public static final class StartMessageRunner implements Program {
        @Override
        public void run(L4 l4) {
            Kip kip = l4.kernelInterface();
            Kip.BootModule m = kip.module("sp");
            ElfPager pager = new ElfPager(ElfPager.kernelConsole());
            long me = l4.myGlobalId();
            long first = ThreadId.global(kip.userBase() + 3, 1);
            long second = ThreadId.global(kip.userBase() + 4, 1);
            for (long id : new long[] {first, second}) {
                if (l4.threadControl(id, id, me, ThreadId.NIL, -1) == 0
                        || l4.spaceControl(id, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, ThreadId.NIL) == 0
                        || l4.threadControl(id, id, ThreadId.NIL, me, kola.abi.Fpage.base(Kip.STANDARD_UTCB_AREA)) == 0
                        || pager.adopt(m, id) == null) {
                    l4.kdbPrint("cannot make " + ThreadId.toString(id));
                    return;
                }
            }
            // Refused: a short message; an ip above the user addresses; and a user address, for
            // the first thread of a new space starts at a module's entry (which makes it the
            // module's space; later threads of the space may start at any address of its code).
            l4.kdbPrint("short: " + start(l4, first, MsgTag.make(0, 1, 0), m.ipBase(), 0));
            l4.kdbPrint("not a user address: " + start(l4, first, MsgTag.make(0, 2, 0), 1L << 40, 0));
            l4.kdbPrint("a new space at an address: " + start(l4, first, MsgTag.make(0, 2, 0), TEXT, 0));
            // The module's entry (the program's ELF entry), with sp 42 and 7 pages up.
            l4.kdbPrint("first: " + start(l4, first, MsgTag.make(0, 2, 0), m.ipBase(), 42L << 12));
            l4.kdbPrint("second: " + start(l4, second, MsgTag.make(0, 2, 0), m.ipBase(), 7L << 12));
            serveUntilEnded(l4, pager, 2, (task, end) -> ThreadId.toString(task.thread()) + " "
                    + (end.exited() ? "exit " + end.status() : "ended: " + end.why()));
        }

        private static String start(L4 l4, long id, long tag, long ip, long sp) {
            l4.setMr(0, tag);
            l4.setMr(1, ip);
            l4.setMr(2, sp);
            l4.ipc(id, ThreadId.NIL, kola.abi.Timeout.pair(kola.abi.Timeout.ZERO, kola.abi.Timeout.NEVER));
            return MsgTag.failed(l4.mr(0)) ? kola.abi.IpcError.describe(l4.errorCode()) : "started";
        }
    }

    @Test
    void theX2StartMessageStartsARiscvThreadAtItsIpWithItsSp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Image image = new Image(List.of(
                new Image.Module("sigma0", Sigma0::new, 255, List.of()),
                new Image.Module("runner", StartMessageRunner::new, 255, List.of()),
                Image.Module.ofElf("sp", program(SP_PAGES, 0), 100, List.of())));
        Kernel kernel = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), KernelConfig.defaults(),
                image, new PrintStream(out, true, StandardCharsets.UTF_8));
        kernel.setInvariantChecking(true);
        kernel.run(100_000);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("runner: ")).toList();
        assertEquals(List.of(
                "runner: short: message overflow (send phase)",
                "runner: not a user address: message overflow (send phase)",
                "runner: a new space at an address: message overflow (send phase)",
                "runner: first: started",
                "runner: second: started",
                "runner: 43.1 exit 42",
                "runner: 44.1 exit 7"), lines, out::toString);
    }

    /**
     * A root task that runs module {@code xonly} (COUNTER with an execute-only code segment) to its
     * end, then reads the status of the pages it served the task from (X.2 Unmap with rights 0):
     * the module's code page (the window page after {@link ElfPager#WINDOW_BASE}, which holds the
     * stack's top page, made at the start for the arguments), the task's copy of the data page
     * (the next window page) and the module's data page the copy was made from (the one after). The task is gone by then: its mappings left their status to the pager's.
     */
    public static final class StatusRunner implements Program {
        @Override
        public void run(L4 l4) {
            Kip kip = l4.kernelInterface();
            ElfPager pager = new ElfPager(ElfPager.kernelConsole());
            String failure = pager.start(l4, kip.module("xonly"), ThreadId.global(kip.userBase() + 3, 1));
            if (failure != null) {
                l4.kdbPrint("cannot start: " + failure);
                return;
            }
            long from = l4.waitAny();
            while (true) {
                ElfPager.Task task = pager.taskOf(from);
                ElfPager.End end = task == null || !ElfPager.handles(l4.mr(0)) ? null : pager.serve(l4, task);
                if (task != null && end != null) {
                    pager.end(l4, task);
                    l4.kdbPrint("xonly exit " + end.status());
                    break;
                }
                from = task == null ? l4.waitAny() : l4.replyWait(from);
            }
            long code = ElfPager.WINDOW_BASE + 0x1000; // (after the stack's top page, with the arguments)
            long copy = code + 0x1000;
            long moduleData = code + 0x2000;
            for (int round = 1; round <= 2; round++) {
                l4.kdbPrint("round " + round + ": code " + status(l4, 0, code) + ", data copy " + status(l4, 0, copy)
                        + ", module data " + status(l4, 0, moduleData));
            }
            l4.kdbPrint("own: data copy " + status(l4, 0x40, copy) + ", module data " + status(l4, 0x40, moduleData)
                    + ", code " + status(l4, 0x40, code));
        }

        /** Unmap (control {@code control}) of the page at {@code va} with rights 0: its status. */
        private static String status(L4 l4, long control, long va) {
            l4.setMr(0, Fpage.of(va, 12, 0));
            l4.unmap(control);
            return Fpage.rightsString(Fpage.rights(l4.mr(0)));
        }
    }

    @Test
    void theHartsFetchesLoadsAndStoresAreTheStatusTheTasksPagerReads() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Image image = new Image(List.of(
                new Image.Module("sigma0", Sigma0::new, 255, List.of()),
                new Image.Module("runner", StatusRunner::new, 255, List.of()),
                Image.Module.ofElf("xonly", program(COUNTER, 41, 1), 100, List.of())));
        Kernel kernel = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), KernelConfig.defaults(),
                image, new PrintStream(out, true, StandardCharsets.UTF_8));
        kernel.setInvariantChecking(true);
        kernel.run(100_000);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("runner: ")).toList();
        assertEquals(List.of(
                "runner: xonly exit 42",
                // The code page was only fetched from (execute-only: r and x); the copy was loaded and stored.
                "runner: round 1: code r-x, data copy rw-, module data ---",
                "runner: round 2: code ---, data copy ---, module data ---",
                // The pager's own: it zeroed and wrote the copy, and read the module's data page for it.
                "runner: own: data copy rw-, module data r--, code ---"), lines, out::toString);
    }

    @Test
    void itsUsersPassTheChecksOfSandboxedTasks() {
        for (Class<?> user : List.of(RootTask.class, ExecRuntime.class)) {
            assertNull(TaskVerifier.refusal(user.getSimpleName(), new ClasspathClasses(user)), user.getName());
        }
    }
}
