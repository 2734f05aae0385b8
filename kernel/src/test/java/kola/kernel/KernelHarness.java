package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kola.abi.ExRegs;
import kola.abi.Fpage;
import kola.abi.KernelError;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.Program;
import kola.abi.Schedule;
import kola.abi.ThreadId;
import kola.machine.Machine;

/**
 * Test helper: builds an image from lambdas, boots a fresh {@link Kernel}, creates tasks the way
 * Kola's root task does, and collects what the programs observed.
 *
 * <p>Thread ids: {@code tid(0)} is sigma0, {@code tid(2)} the root task, user tasks use
 * {@code tid(3)} and up. Modules added with {@link #module} get indexes 2, 3, ... in order.
 * Programs report problems with {@link #check}; {@link #assertNoFailures} fails the test with them.
 */
final class KernelHarness {
    static final long SIGMA0 = tid(0);
    static final long ROOT = tid(2);
    /** Base of the standard UTCB area: slot k of a space is at {@code UTCB + k * 1024}. */
    static final long UTCB = Fpage.base(Kip.STANDARD_UTCB_AREA);
    static final long KIP_BASE = Fpage.base(Kip.STANDARD_KIP_AREA);
    static final long NO_UTCB = -1L;
    /** Open-receive/closed-receive timeouts words used a lot. */
    static final long NEVER = kola.abi.Timeout.pair(kola.abi.Timeout.NEVER, kola.abi.Timeout.NEVER);

    private Program sigma0 = l4 -> { };
    private Program root = l4 -> { };
    /** Module programs: a factory, or {@link ProgramClasses} for a sandboxed module. */
    private final Map<String, Object> modules = new LinkedHashMap<>();
    private final Map<String, List<String>> moduleArgs = new LinkedHashMap<>();
    private KernelConfig config = KernelConfig.defaults();
    private Machine.Config machineConfig = Machine.Config.defaults().withUart(null, null);
    /** The kernel's own invariant checker after every kernel entry: on, except for long-running tests. */
    private boolean checking = true;
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    /** A free-form event log for programs: what happened, in order. */
    final List<String> log = new ArrayList<>();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    Kernel kernel;

    /** The global id of user thread {@code n} (0 = sigma0, 2 = root task), version 1. */
    static long tid(long n) {
        return ThreadId.global(Kernel.USER_BASE + n, 1);
    }

    KernelHarness sigma0(Program p) {
        sigma0 = p;
        return this;
    }

    KernelHarness root(Program p) {
        root = p;
        return this;
    }

    /** Adds module {@code name} (index 2, 3, ... in order of the calls). */
    KernelHarness module(String name, Program p) {
        modules.put(name, (java.util.function.Supplier<Program>) () -> p);
        return this;
    }

    /** Adds module {@code name} whose every space gets a program from {@code factory}, with boot arguments. */
    KernelHarness module(String name, java.util.function.Supplier<? extends Program> factory, String... args) {
        modules.put(name, factory);
        moduleArgs.put(name, List.of(args));
        return this;
    }

    /** Adds module {@code name} given as class files: sandboxed, with a class loader per space. */
    KernelHarness module(String name, ProgramClasses classes, String... args) {
        modules.put(name, classes);
        moduleArgs.put(name, List.of(args));
        return this;
    }

    /** Adds module {@code name} of RISC-V machine code. */
    KernelHarness module(String name, ElfProgram elf) {
        modules.put(name, elf);
        return this;
    }

    /** Switches the kernel's invariant checking off (for tests with very many kernel entries). */
    KernelHarness unchecked() {
        checking = false;
        return this;
    }

    KernelHarness config(KernelConfig c) {
        config = c;
        return this;
    }

    /** The machine to boot on (default: {@link Machine.Config#defaults()} without a UART). */
    KernelHarness machine(Machine.Config c) {
        machineConfig = c;
        return this;
    }

    Image image() {
        Program s0 = sigma0;
        Program rt = root;
        List<Image.Module> list = new ArrayList<>();
        list.add(new Image.Module("sigma0", () -> s0));
        list.add(new Image.Module("roottask", () -> rt));
        for (var e : modules.entrySet()) {
            List<String> args = moduleArgs.getOrDefault(e.getKey(), List.of());
            if (e.getValue() instanceof ProgramClasses classes) {
                list.add(Image.Module.ofClasses(e.getKey(), classes, 100, args));
            } else if (e.getValue() instanceof ElfProgram elf) {
                list.add(Image.Module.ofElf(e.getKey(), elf, 100, args));
            } else {
                @SuppressWarnings("unchecked")
                var factory = (java.util.function.Supplier<? extends Program>) e.getValue();
                list.add(new Image.Module(e.getKey(), factory, 100, args));
            }
        }
        return new Image(list);
    }

    /** Builds the kernel (once) without running it. */
    Kernel kernel() {
        if (kernel == null) {
            kernel = new Kernel(new Machine(machineConfig), config, image(),
                    new PrintStream(console, true, StandardCharsets.UTF_8));
            kernel.setInvariantChecking(checking);
        }
        return kernel;
    }

    /** Boots and runs until nothing is left to do, bounded by a generous number of kernel entries. */
    Kernel.RunResult run() {
        return run(2_000_000);
    }

    Kernel.RunResult run(long maxTraps) {
        return kernel().run(maxTraps);
    }

    String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    /** Records a failure seen inside a program (assertions thrown there would only halt the thread). */
    void check(boolean ok, String what) {
        if (!ok) {
            failures.add(what);
        }
    }

    void assertNoFailures() {
        if (!failures.isEmpty()) {
            fail("failures inside programs: " + failures + "\nconsole:\n" + console());
        }
    }

    synchronized void log(String s) {
        log.add(s);
    }

    // ---- helpers for programs ---------------------------------------------------------------

    /** The instruction pointer of entry {@code k} of module {@code name}. */
    static long ip(L4 l4, String name, int k) {
        Kip.BootModule m = l4.kernelInterface().module(name);
        if (m == null) {
            throw new IllegalArgumentException("no module " + name);
        }
        return m.entry(k);
    }

    /** The entry number a thread was started at. */
    static int entry(L4 l4) {
        return (int) (l4.startIp() & 0xFFFF_FFFFL);
    }

    /**
     * Creates a task whose first thread is {@code id}, with the standard areas, pager nil and
     * scheduler the caller, gives it {@code priority} and starts it at entry {@code k} of module
     * {@code name}. Failures are recorded.
     */
    boolean startTask(L4 l4, long id, String name, int k, int priority) {
        String what = createTask(l4, id, ThreadId.NIL, ip(l4, name, k), priority);
        check(what == null, "startTask " + ThreadId.toString(id) + ": " + what);
        return what == null;
    }

    /** Like {@link #startTask} but returns the failure (or null), without recording it. */
    static String createTask(L4 l4, long id, long pager, long ip, int priority) {
        long me = l4.myGlobalId();
        if (l4.threadControl(id, id, me, ThreadId.NIL, NO_UTCB) == 0) {
            return "ThreadControl(create): " + KernelError.describe(l4.errorCode());
        }
        if (l4.spaceControl(id, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, ThreadId.NIL) == 0) {
            return "SpaceControl: " + KernelError.describe(l4.errorCode());
        }
        if (l4.threadControl(id, id, ThreadId.NIL, pager, UTCB) == 0) {
            return "ThreadControl(activate): " + KernelError.describe(l4.errorCode());
        }
        return scheduleAndStart(l4, id, ip, priority);
    }

    private static String scheduleAndStart(L4 l4, long id, long ip, int priority) {
        if (l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, priority, Schedule.UNCHANGED) == 0) {
            return "Schedule: " + KernelError.describe(l4.errorCode());
        }
        if (l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, ip, 0, 0, ThreadId.NIL) == ThreadId.NIL) {
            return "ExchangeRegisters(start): " + KernelError.describe(l4.errorCode());
        }
        return null;
    }

    /**
     * Creates thread {@code id} in the space of {@code spaceOf} with UTCB slot {@code slot},
     * scheduler the caller, and starts it at entry {@code k} of module {@code name}.
     */
    boolean startThread(L4 l4, long id, long spaceOf, int slot, String name, int k, int priority) {
        String what = null;
        if (l4.threadControl(id, spaceOf, l4.myGlobalId(), ThreadId.NIL, UTCB + slot * 1024L) == 0) {
            what = "ThreadControl(create in space): " + KernelError.describe(l4.errorCode());
        } else {
            what = scheduleAndStart(l4, id, ip(l4, name, k), priority);
        }
        check(what == null, "startThread " + ThreadId.toString(id) + ": " + what);
        return what == null;
    }

    /** Creates (does not start) a task's first thread: new space, standard areas, activated. */
    boolean createActivated(L4 l4, long id) {
        boolean ok = l4.threadControl(id, id, l4.myGlobalId(), ThreadId.NIL, NO_UTCB) == 1
                && l4.spaceControl(id, 0, Kip.STANDARD_KIP_AREA, Kip.STANDARD_UTCB_AREA, ThreadId.NIL) == 1
                && l4.threadControl(id, id, ThreadId.NIL, ThreadId.NIL, UTCB) == 1;
        check(ok, "createActivated " + ThreadId.toString(id) + ": " + KernelError.describe(l4.errorCode()));
        return ok;
    }

    /** Sleeps about {@code micros}: a closed receive from itself (nobody can send that) with a relative timeout. */
    static void sleep(L4 l4, long micros) {
        l4.ipc(ThreadId.NIL, l4.myGlobalId(), kola.abi.Timeout.pair(kola.abi.Timeout.NEVER, kola.abi.Timeout.relative(micros)));
    }

    /** Busy-works with memory loads of the KIP (each a preemption point) until the clock passes {@code untilMicros}. */
    static void spinUntil(L4 l4, long untilMicros) {
        while (l4.systemClock() < untilMicros) {
            for (int i = 0; i < 200; i++) {
                l4.memory().load32(KIP_BASE);
            }
        }
    }

    /**
     * Everything a rejected system call must leave alone: threads, spaces, kernel memory in use,
     * and each space's KIP and UTCB areas and page-table leaves.
     */
    record Snapshot(List<Kernel.ThreadInfo> threads, List<Kernel.SpaceInfo> spaces, long kernelMemoryUsed,
                    List<String> layouts) {
    }

    Snapshot snapshot() {
        return new Snapshot(kernel.threads(), kernel.spaces(), kernel.kernelMemory()[0], kernel.spaceLayouts());
    }

    /**
     * Runs a system call that must fail: its result must be {@code failureResult}, the ErrorCode
     * {@code code}, and the kernel's threads, spaces and memory unchanged. Records a failure otherwise.
     */
    void expectError(L4 l4, String what, int code, long failureResult, java.util.function.LongSupplier call) {
        Snapshot before = snapshot();
        long result = call.getAsLong();
        long error = l4.errorCode();
        Snapshot after = snapshot();
        check(result == failureResult, what + ": result " + result + ", expected failure " + failureResult);
        check(error == code, what + ": error " + KernelError.describe(error) + ", expected " + KernelError.describe(code));
        check(before.equals(after), what + ": the rejected call changed the kernel:\n  before " + before
                + "\n  after  " + after);
    }

    // ---- helpers for the test side ----------------------------------------------------------

    /** The kernel's view of thread {@code id}, or null. */
    Kernel.ThreadInfo info(long id) {
        for (Kernel.ThreadInfo t : kernel.threads()) {
            if (t.id() == id) {
                return t;
            }
        }
        return null;
    }

    String state(long id) {
        Kernel.ThreadInfo t = info(id);
        return t == null ? "absent" : t.state();
    }

    void assertConsoleContains(String s) {
        assertTrue(console().contains(s), "console should contain '" + s + "' but was:\n" + console());
    }
}
