package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.Schedule;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.machine.Machine;

/**
 * Test helper for the containment and denial-of-service tests (issue #6): an image made of
 * lambdas (sigma0 by default Kola's own), a kernel run with the invariant checker after every
 * kernel entry, and a log the programs write what they saw into. Only the kernel's public
 * surface is used, as the command line uses it.
 */
final class FuzzHarness {
    /** The first thread number of user tasks the tests create (after sigma0, sigma1, root). */
    static final long FIRST = Kernel.USER_BASE + 3;
    static final long UTCB = Fpage.base(Kip.STANDARD_UTCB_AREA);
    static final long NO_UTCB = -1;

    private Program sigma0 = new kola.system.Sigma0();
    private Program root = l4 -> { };
    private final Map<String, Program> modules = new LinkedHashMap<>();
    private KernelConfig config = KernelConfig.defaults();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    /** What the programs report, in order. */
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    Kernel kernel;

    /** The global id of user thread {@code FIRST + n}, version 1. */
    static long tid(long n) {
        return ThreadId.global(FIRST + n, 1);
    }

    FuzzHarness root(Program p) {
        root = p;
        return this;
    }

    FuzzHarness module(String name, Program p) {
        modules.put(name, p);
        return this;
    }

    FuzzHarness config(KernelConfig c) {
        config = c;
        return this;
    }

    Image image() {
        Program s0 = sigma0;
        Program rt = root;
        Image.Builder b = Image.builder(() -> s0, () -> rt);
        for (Map.Entry<String, Program> e : modules.entrySet()) {
            Program p = e.getValue();
            b.module(e.getKey(), () -> p);
        }
        return b.build();
    }

    Kernel kernel() {
        if (kernel == null) {
            kernel = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), config, image(),
                    new PrintStream(console, true, StandardCharsets.UTF_8));
            kernel.setInvariantChecking(true);
        }
        return kernel;
    }

    /** Runs at most {@code maxTraps} kernel entries with the invariant checker after each; a violation throws. */
    Kernel.RunResult run(long maxTraps) {
        return kernel().run(maxTraps);
    }

    /**
     * Runs in steps of 10,000 kernel entries until something was logged with {@code prefix} (or
     * {@code maxTraps} are spent): for worlds with a thread that never stops (a spinner, a flooder).
     */
    Kernel.RunResult runUntilLogged(String prefix, long maxTraps) {
        Kernel.RunResult r = null;
        for (long done = 0; done < maxTraps && logged(prefix).isEmpty(); done += 10_000) {
            r = run(10_000);
        }
        return r;
    }

    String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    void log(String line) {
        log.add(line);
    }

    /** The log lines that start with {@code prefix}. */
    List<String> logged(String prefix) {
        List<String> out = new ArrayList<>();
        synchronized (log) {
            for (String s : log) {
                if (s.startsWith(prefix)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    void assertInvariantsHold() {
        assertEquals(List.of(), kernel.checkInvariants(), "invariants");
    }

    /** The kernel's view of thread {@code id}, or null if it does not exist. */
    Kernel.ThreadInfo info(long id) {
        for (Kernel.ThreadInfo t : kernel.threads()) {
            if (t.id() == id) {
                return t;
            }
        }
        return null;
    }

    void failWith(String what) {
        fail(what + "\nlog: " + log + "\nconsole:\n" + console());
    }

    // ---- for programs -----------------------------------------------------------------------

    /** The instruction pointer of entry {@code k} of module {@code name}. */
    static long ip(L4 l4, String name, int k) {
        return l4.kernelInterface().module(name).entry(k);
    }

    /** The entry a thread was started at. */
    static int entry(L4 l4) {
        return (int) (l4.startIp() & 0xFFFF_FFFFL);
    }

    /** Creates a task (new space) whose first thread {@code id} runs entry k of {@code module}; null or what failed. */
    static String task(L4 l4, long id, long pager, String module, int k, int priority) {
        return kola.system.Tasks.create(l4, id, pager, ip(l4, module, k), priority);
    }

    /** Creates thread {@code id} in the space of {@code spaceOf}, UTCB slot {@code slot}, and starts it; the KernelError or 0. */
    static long thread(L4 l4, long id, long spaceOf, int slot, long pager, String module, int k, int priority) {
        if (l4.threadControl(id, spaceOf, l4.myGlobalId(), pager, UTCB + slot * 1024L) == 0) {
            return l4.errorCode();
        }
        l4.schedule(id, Schedule.UNCHANGED, Schedule.UNCHANGED, priority, Schedule.UNCHANGED);
        if (l4.exchangeRegisters(id, ExRegs.SET_SP_IP | ExRegs.RESUME, 0, ip(l4, module, k), 0, 0, ThreadId.NIL)
                == ThreadId.NIL) {
            return l4.errorCode();
        }
        return KernelError.OK;
    }

    /** An echo server: answers every call with label + 1, forever. */
    static void echo(L4 l4) {
        long from = l4.waitAny();
        while (true) {
            if (MsgTag.failed(l4.mr(0))) {
                from = l4.waitAny();
                continue;
            }
            l4.setMr(0, MsgTag.make(MsgTag.label(l4.mr(0)) + 1, 0, 0));
            from = l4.replyWait(from);
        }
    }

    /** Calls {@code server} with label {@code label} and a timeout; true if it answered label + 1. */
    static boolean ping(L4 l4, long server, long label, long timeoutMicros) {
        l4.setMr(0, MsgTag.make(label, 0, 0));
        int t = Timeout.relative(timeoutMicros);
        l4.ipc(server, server, Timeout.pair(t, t));
        long tag = l4.mr(0);
        return !MsgTag.failed(tag) && MsgTag.label(tag) == label + 1;
    }

    /** Sleeps about {@code micros} (a closed receive from itself, with a timeout). */
    static void sleep(L4 l4, long micros) {
        l4.ipc(ThreadId.NIL, l4.myGlobalId(), Timeout.pair(Timeout.NEVER, Timeout.relative(micros)));
    }
}
