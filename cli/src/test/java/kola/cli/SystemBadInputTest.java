package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import kola.abi.Fpage;
import kola.abi.IpcError;
import kola.abi.Items;
import kola.abi.KernelError;
import kola.abi.KernelLabels;
import kola.abi.Kip;
import kola.abi.L4;
import kola.abi.MsgTag;
import kola.abi.Program;
import kola.abi.ThreadId;
import kola.abi.Timeout;
import kola.kernel.Image;
import kola.system.DefaultImage;
import kola.system.Protocol;
import kola.system.RootTask;
import kola.system.Words;
import org.junit.jupiter.api.Test;

/**
 * Bad input to the user-level system: interrupt lines claimed or acknowledged by tasks that do not
 * own them, device memory touched without a mapping, garbage sent to every server, and odd shell
 * commands. Each bad request gets an error (kernel error code, IPC error or {@link Protocol#ERROR}
 * reply), the offender is contained, and the rest of the system goes on.
 */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class SystemBadInputTest {

    /** The default image (echoing shell, sandboxed as {@code kola} runs it) plus extra modules, the test's own lambdas. */
    static Image defaultPlus(DefaultImage.Entry... extra) {
        List<Image.Module> modules = new ArrayList<>(Images.defaultImage(true).modules());
        for (DefaultImage.Entry e : extra) {
            modules.add(Image.Module.of(e.name(), e.program(), e.priority(), e.args(), false));
        }
        return new Image(modules);
    }

    static DefaultImage.Entry entry(String name, int priority, List<String> args, Supplier<? extends Program> p) {
        return new DefaultImage.Entry(name, p, priority, args);
    }

    /** Calls {@code to} with the message already in the MRs and a 1 s receive timeout (never hangs). */
    static long call(L4 l4, long to) {
        l4.ipc(to, to, Timeout.pair(Timeout.NEVER, Timeout.relative(1_000_000)));
        return l4.mr(0);
    }

    static long request(L4 l4, long to, long label, long... words) {
        for (int i = 0; i < words.length; i++) {
            l4.setMr(1 + i, words[i]);
        }
        l4.setMr(0, MsgTag.make(label, words.length, 0));
        return call(l4, to);
    }

    /** "ERROR(reason)" for an error reply, "OK" for OK, "ipc:(code)" for an IPC error, else the tag. */
    static String outcome(L4 l4, long tag) {
        if (MsgTag.failed(tag)) {
            return "ipc:" + IpcError.describe(l4.errorCode());
        }
        if (MsgTag.label(tag) == Protocol.ERROR && MsgTag.untyped(tag) == 1) {
            return "ERROR(" + l4.mr(1) + ")";
        }
        if (MsgTag.label(tag) == Protocol.OK) {
            return "OK";
        }
        return MsgTag.toString(tag);
    }

    // ---- interrupts --------------------------------------------------------------------------

    @Test
    void interruptLinesCannotBeTakenOrAcknowledgedByOthers() {
        Map<String, String> seen = new LinkedHashMap<>();
        Program intruder = l4 -> {
            Kip kip = l4.kernelInterface();
            long me = l4.myGlobalId();
            long irq2 = kip.interruptThread(2);
            // Direct ThreadControl on the pseudo-thread: privileged only.
            seen.put("attach 2 directly", l4.threadControl(irq2, irq2, ThreadId.NIL, me, -1) + "/"
                    + KernelError.describe(l4.errorCode()));
            seen.put("detach 2 directly", l4.threadControl(irq2, irq2, ThreadId.NIL, irq2, -1) + "/"
                    + KernelError.describe(l4.errorCode()));
            long irq9 = kip.interruptThread(9);
            seen.put("attach 9 directly", l4.threadControl(irq9, irq9, ThreadId.NIL, me, -1) + "/"
                    + KernelError.describe(l4.errorCode()));
            // Through the root task: only lines the module's arguments grant (this one: irq=9).
            long root = kip.rootTask();
            for (long line : new long[] {2, 1, 0, 31, 32, -1, 1L << 40}) {
                seen.put("root attach " + line, outcome(l4, request(l4, root, Protocol.ROOT_ATTACH_IRQ, line)));
            }
            seen.put("root attach no words", outcome(l4, request(l4, root, Protocol.ROOT_ATTACH_IRQ)));
            seen.put("root attach 2 words", outcome(l4, request(l4, root, Protocol.ROOT_ATTACH_IRQ, 9, 9)));
            // Acknowledging a line one does not handle: a send to the pseudo-thread.
            for (int line : new int[] {2, 1, 5}) {
                l4.setMr(0, MsgTag.make(0, 0, 0));
                long tag = l4.reply(kip.interruptThread(line));
                seen.put("ack " + line, MsgTag.failed(tag) ? IpcError.describe(l4.errorCode()) : "accepted");
            }
            // The granted line works, and the intruder can acknowledge what it owns.
            seen.put("root attach 9", outcome(l4, request(l4, root, Protocol.ROOT_ATTACH_IRQ, 9)));
            l4.setMr(0, MsgTag.make(0, 0, 0));
            long tag = l4.reply(irq9);
            seen.put("ack 9 as its handler", MsgTag.failed(tag) ? IpcError.describe(l4.errorCode()) : "accepted");
        };
        String out = ShellSessionTest.boot(defaultPlus(entry("intruder", 150, List.of("irq=9"), () -> intruder)),
                "ipc 5\nsleep 1\nexit\n");
        String denied = "ERROR(" + Protocol.E_DENIED + ")";
        String noPartner = IpcError.describe(IpcError.code(IpcError.NO_PARTNER, false));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("attach 2 directly", "0/" + KernelError.describe(KernelError.NO_PRIVILEGE));
        expected.put("detach 2 directly", "0/" + KernelError.describe(KernelError.NO_PRIVILEGE));
        expected.put("attach 9 directly", "0/" + KernelError.describe(KernelError.NO_PRIVILEGE));
        for (long line : new long[] {2, 1, 0, 31, 32, -1, 1L << 40}) {
            expected.put("root attach " + line, denied);
        }
        expected.put("root attach no words", "ERROR(" + Protocol.E_UNKNOWN_REQUEST + ")");
        expected.put("root attach 2 words", "ERROR(" + Protocol.E_UNKNOWN_REQUEST + ")");
        expected.put("ack 2", noPartner);
        expected.put("ack 1", noPartner);
        expected.put("ack 5", noPartner);
        expected.put("root attach 9", "OK");
        expected.put("ack 9 as its handler", "accepted");
        assertEquals(expected, seen, out);
        // The UART and timer lines still belong to their drivers: console input and sleep work.
        assertEveryoneElseGoesOn(out);
    }

    // ---- memory ------------------------------------------------------------------------------

    /** Loads from {@code va} (computed at run time from the KIP), and says so if it survived. */
    static Program toucher(java.util.function.ToLongFunction<Kip> va, boolean supervised, List<String> log) {
        return l4 -> {
            if (supervised) {
                l4.setExceptionHandler(l4.kernelInterface().rootTask());
            }
            long address = va.applyAsLong(l4.kernelInterface());
            log.add("touching 0x" + Long.toHexString(address));
            long v = l4.memory().load64(address);
            log.add("survived, read " + v);
        };
    }

    @Test
    void touchingAnotherDriversRegistersGetsTheToucherRestartedThenHalted() {
        // The timer's registers are the timer driver's: sigma0 refuses the page fault. The toucher
        // names the root task its exception handler, so it is restarted three times, then left.
        List<String> log = new ArrayList<>();
        Image image = defaultPlus(
                entry("toucher", 90, List.of(), () -> toucher(k -> k.device("timer").base(), true, log)));
        String out = ShellSessionTest.boot(image, "ipc 5\nsleep 1\nexit\n");
        assertEquals(4, log.size(), () -> log + "\n" + out);
        assertFalse(log.stream().anyMatch(l -> l.startsWith("survived")), log::toString);
        for (int i = 1; i <= 3; i++) {
            assertTrue(out.matches("(?s).*roottask: toucher \\(thread [0-9a-f.]+\\) died \\(exception code "
                    + KernelLabels.EXC_PAGE_FAULT + "\\); restarting it \\(" + i + "/3\\).*"), out);
        }
        assertTrue(out.contains("(toucher): page fault at 0x40001000 refused by "), out);
        assertTrue(out.contains("roottask: toucher died (exception code " + KernelLabels.EXC_PAGE_FAULT
                + ") too often; leaving it halted"), out);
        assertEveryoneElseGoesOn(out);
    }

    static void assertEveryoneElseGoesOn(String out) {
        // The script's commands may follow kernel messages printed while the shell waited.
        ShellSessionTest.assertLines(out, "ipc 5",
                "ipc: 5 round trips to names: \\d+ simulated cycles each",
                ShellSessionTest.q("kola> sleep 1"),
                ShellSessionTest.q("slept 1 ms"), // the timer driver still owns its registers and its line
                ShellSessionTest.q("kola> exit"),
                "bye");
        ShellSessionTest.assertRunEnded(out);
    }

    @Test
    // Once a kernel crash: the faulting thread was left both current and queued (fixed in what is now Lifecycle.fatal).
    void touchingUnmappableMemoryHaltsOnlyTheToucher() {
        List<String> uartLog = new ArrayList<>();
        List<String> picLog = new ArrayList<>();
        List<String> wildLog = new ArrayList<>();
        Image image = defaultPlus(
                entry("uart-toucher", 90, List.of(), () -> toucher(k -> k.device("uart").base(), false, uartLog)),
                entry("pic-toucher", 90, List.of(), () -> toucher(k -> {
                    for (Kip.MemoryDescriptor d : k.memory()) {
                        if ("pic".equals(d.name())) {
                            return d.base();
                        }
                    }
                    return -1;
                }, false, picLog)),
                entry("wild-toucher", 90, List.of(), () -> toucher(k -> 1L << 45, false, wildLog)));
        String out = ShellSessionTest.boot(image, "ipc 5\nsleep 1\nexit\n");
        assertEquals(List.of("touching 0x40000000"), uartLog, out);
        assertEquals(List.of("touching 0x40002000"), picLog, out);
        assertEquals(List.of("touching 0x200000000000"), wildLog, out);
        assertTrue(out.contains("(uart-toucher) halted: page fault at 0x40000000"), out);
        assertTrue(out.contains("(pic-toucher) halted: page fault at 0x40002000"), out);
        assertTrue(out.contains("(wild-toucher) halted: page fault at 0x200000000000"), out);
        assertEveryoneElseGoesOn(out);
    }

    @Test
    // A refused page fault once broke the invariant 'current but queued' (fixed in what is now Lifecycle.fatal).
    void refusedPageFaultKeepsTheKernelInvariants() {
        for (boolean supervised : new boolean[] {false, true}) {
            Image image = Image.builder(kola.system.Sigma0::new, RootTask::new)
                    .module("toucher", () -> l4 -> {
                        if (supervised) {
                            l4.setExceptionHandler(l4.kernelInterface().rootTask());
                        }
                        l4.memory().load64(1L << 45);
                    }, 100, List.of()).build();
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            kola.kernel.Kernel kernel = new kola.kernel.Kernel(
                    new kola.machine.Machine(new kola.machine.Machine.Config(256L << 20, 256, null, null)),
                    kola.kernel.KernelConfig.defaults(), image, new java.io.PrintStream(bytes, true));
            kernel.setInvariantChecking(true);
            kernel.run();
            assertTrue(bytes.toString().contains("page fault at 0x200000000000 refused by"), bytes::toString);
        }
    }

    // ---- garbage to every server ------------------------------------------------------------

    /** Labels each server understands (not garbage to it), by module name. */
    static final Map<String, Set<Long>> KNOWN = Map.of(
            "names", Set.of(Protocol.PING, Protocol.NAME_REGISTER, Protocol.NAME_LOOKUP),
            "console", Set.of(Protocol.PING, Protocol.CONSOLE_WRITE, Protocol.CONSOLE_READ_LINE, Protocol.CONSOLE_INPUT),
            "uart", Set.of(Protocol.PING, Protocol.UART_WRITE, Protocol.UART_READ, Protocol.UART_CRASH),
            "timer", Set.of(Protocol.PING, Protocol.TIMER_SLEEP, Protocol.TIMER_NOW),
            "roottask", Set.of(Protocol.ROOT_LOOKUP, Protocol.ROOT_LOOKUP_NAME, Protocol.ROOT_ATTACH_IRQ, Protocol.ROOT_NEW_THREAD,
                    Protocol.ROOT_START, Protocol.ROOT_SHUTDOWN, KernelLabels.EXCEPTION));

    static final int GARBAGE_PER_SERVER = 150;

    /** Per server: how each message came back. */
    static final class Tally {
        int errorReplies;
        int ipcErrors;
        int pingsOk;
        final List<String> unexpected = new ArrayList<>();
    }

    static Program garbler(Map<String, Tally> tallies, Map<String, String> specific, List<String> done) {
        return l4 -> {
            Kip kip = l4.kernelInterface();
            Random rnd = new Random(1234);
            for (String server : List.of("names", "console", "uart", "timer", "roottask")) {
                long to = server.equals("roottask") ? kola.system.Names.root(l4) : RootTask.lookup(l4, server);
                Tally tally = new Tally();
                tallies.put(server, tally);
                if (to == ThreadId.NIL) {
                    tally.unexpected.add("no thread for " + server);
                    continue;
                }
                for (int i = 0; i < GARBAGE_PER_SERVER; i++) {
                    long label;
                    do {
                        label = switch (rnd.nextInt(4)) {
                            case 0 -> rnd.nextInt(0x1000);
                            case 1 -> -rnd.nextInt(0x100);
                            case 2 -> rnd.nextLong() >> 16;
                            default -> 0x100 + rnd.nextInt(0x700);
                        };
                    } while (KNOWN.get(server).contains(label));
                    int t = switch (rnd.nextInt(6)) {
                        case 0 -> 2;
                        case 1 -> 4;
                        case 2 -> 1 + rnd.nextInt(5); // odd counts too
                        default -> 0;
                    };
                    int u = rnd.nextInt(10) == 0 ? 64 - t + rnd.nextInt(3) : rnd.nextInt(64 - t);
                    u = Math.min(u, 63);
                    for (int k = 1; k <= u; k++) {
                        l4.setMr(k, rnd.nextLong());
                    }
                    for (int k = u + 1; k <= Math.min(63, u + t); k += 2) {
                        long w0 = switch (rnd.nextInt(4)) {
                            case 0 -> Items.mapWord(rnd.nextLong() & ~0x3FFL);
                            case 1 -> Items.grantWord(rnd.nextLong() & ~0x3FFL);
                            case 2 -> Items.stringWord(rnd.nextInt(8192));
                            default -> rnd.nextLong();
                        };
                        l4.setMr(k, w0);
                        if (k + 1 <= 63) {
                            l4.setMr(k + 1, rnd.nextBoolean() ? Fpage.of(0x0200_0000L, 12, Fpage.RWX) : rnd.nextLong());
                        }
                    }
                    l4.setMr(0, MsgTag.make(label, u, t));
                    long tag = call(l4, to);
                    String what = outcome(l4, tag);
                    if (u + t > 63) {
                        if (what.equals("ipc:" + IpcError.describe(IpcError.code(IpcError.MESSAGE_OVERFLOW, false)))) {
                            tally.ipcErrors++;
                        } else {
                            tally.unexpected.add("label " + label + " u " + u + " t " + t + " -> " + what);
                        }
                    } else if (what.startsWith("ERROR(")) {
                        tally.errorReplies++;
                    } else if (t > 0 && what.startsWith("ipc:") && !what.contains("timeout")) {
                        tally.ipcErrors++; // typed items no server accepts: the kernel refuses the message
                    } else {
                        tally.unexpected.add("label " + label + " u " + u + " t " + t + " -> " + what);
                    }
                    if (i % 25 == 24) {
                        tally.pingsOk += ping(l4, to, server) ? 1 : 0;
                    }
                }
            }
            // Malformed requests with the right labels.
            long names = RootTask.lookup(l4, "names");
            long console = RootTask.lookup(l4, "console");
            long uart = RootTask.lookup(l4, "uart");
            long timer = RootTask.lookup(l4, "timer");
            long root = kola.system.Names.root(l4);
            specific.put("names lookup, no words", outcome(l4, request(l4, names, Protocol.NAME_LOOKUP)));
            specific.put("names lookup, length 100 in 2 words",
                    outcome(l4, request(l4, names, Protocol.NAME_LOOKUP, 100, 0x41)));
            specific.put("names lookup, length -1", outcome(l4, request(l4, names, Protocol.NAME_LOOKUP, -1)));
            specific.put("names register, empty name", outcome(l4, request(l4, names, Protocol.NAME_REGISTER, 0)));
            l4.setMr(0, MsgTag.make(Protocol.NAME_LOOKUP, Words.put(l4, "no such name"), 0));
            specific.put("names lookup, unknown name", outcome(l4, call(l4, names)));
            specific.put("console write, no words", outcome(l4, request(l4, console, Protocol.CONSOLE_WRITE)));
            specific.put("console write, bad length",
                    outcome(l4, request(l4, console, Protocol.CONSOLE_WRITE, 1000, 1, 2)));
            specific.put("console input from a stranger",
                    outcome(l4, request(l4, console, Protocol.CONSOLE_INPUT, 3, 0x414243)));
            specific.put("uart write, bad length", outcome(l4, request(l4, uart, Protocol.UART_WRITE, 999, 1)));
            specific.put("uart read by a second reader", outcome(l4, request(l4, uart, Protocol.UART_READ)));
            specific.put("timer sleep, no words", outcome(l4, request(l4, timer, Protocol.TIMER_SLEEP)));
            specific.put("timer sleep, negative", outcome(l4, request(l4, timer, Protocol.TIMER_SLEEP, -5)));
            specific.put("timer sleep, 2^41 us", outcome(l4, request(l4, timer, Protocol.TIMER_SLEEP, 1L << 41)));
            specific.put("timer sleep, 2 words", outcome(l4, request(l4, timer, Protocol.TIMER_SLEEP, 1, 1)));
            for (long index : new long[] {0, 1, 2, 999, -1}) {
                specific.put("root start " + index, outcome(l4, request(l4, root, Protocol.ROOT_START, index)));
            }
            specific.put("root new thread at entry -1", outcome(l4, request(l4, root, Protocol.ROOT_NEW_THREAD, -1)));
            specific.put("root new thread at entry 65536",
                    outcome(l4, request(l4, root, Protocol.ROOT_NEW_THREAD, 65536)));
            specific.put("root shutdown with a word", outcome(l4, request(l4, root, Protocol.ROOT_SHUTDOWN, 1)));
            specific.put("root lookup 999", outcome(l4, request(l4, root, Protocol.ROOT_LOOKUP, 999)) + " " + l4.mr(1));
            // Everyone still serves: the console still writes.
            for (String server : List.of("names", "console", "uart", "timer")) {
                specific.put("ping " + server + " at the end", ping(l4, RootTask.lookup(l4, server), server) ? "OK" : "no");
            }
            kola.system.Console.write(l4, console, "garbler: the console still works\n");
            done.add("done");
        };
    }

    static boolean ping(L4 l4, long to, String server) {
        if (server.equals("roottask")) {
            // The root task has no PING: a lookup is its harmless request (under capabilities it
            // grants a gate, which the caller must accept: RootTask.find does).
            return RootTask.find(l4, "sigma0").thread() != ThreadId.NIL;
        }
        return outcome(l4, request(l4, to, Protocol.PING)).equals("OK");
    }

    @Test
    void garbageToEveryServerGetsErrorsAndTheServersKeepServing() {
        garbageToEveryServer(kola.kernel.CommModel.GLOBAL_IDS);
    }

    @Test
    void garbageToEveryServerUnderCapabilitiesGetsTheSameErrors() {
        garbageToEveryServer(kola.kernel.CommModel.CAPABILITIES);
    }

    private static void garbageToEveryServer(kola.kernel.CommModel model) {
        Map<String, Tally> tallies = new LinkedHashMap<>();
        Map<String, String> specific = new LinkedHashMap<>();
        List<String> done = new ArrayList<>();
        String out = ShellSessionTest.boot(defaultPlus(entry("garbler", 90, List.of(),
                () -> garbler(tallies, specific, done))), "ipc 5\nsleep 1\nexit\n", model);
        assertEquals(List.of("done"), done, out);
        tallies.forEach((server, t) -> System.out.printf("garbage to %-8s: %d error replies, %d IPC errors, %d pings ok%n",
                server, t.errorReplies, t.ipcErrors, t.pingsOk));
        for (var e : tallies.entrySet()) {
            Tally t = e.getValue();
            assertEquals(List.of(), t.unexpected, e.getKey() + ": unexpected answers");
            assertEquals(GARBAGE_PER_SERVER, t.errorReplies + t.ipcErrors, e.getKey());
            assertTrue(t.errorReplies > GARBAGE_PER_SERVER / 3, e.getKey() + ": " + t.errorReplies + " error replies");
            assertEquals(GARBAGE_PER_SERVER / 25, t.pingsOk, e.getKey() + ": pings answered during the barrage");
        }
        assertEquals(Set.of("names", "console", "uart", "timer", "roottask"), tallies.keySet());

        String bad = "ERROR(" + Protocol.E_BAD_ARGUMENT + ")";
        String unknown = "ERROR(" + Protocol.E_UNKNOWN_REQUEST + ")";
        String denied = "ERROR(" + Protocol.E_DENIED + ")";
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("names lookup, no words", bad);
        expected.put("names lookup, length 100 in 2 words", bad);
        expected.put("names lookup, length -1", bad);
        expected.put("names register, empty name", bad);
        expected.put("names lookup, unknown name", "ERROR(" + Protocol.E_NOT_AVAILABLE + ")");
        expected.put("console write, no words", unknown);
        expected.put("console write, bad length", unknown);
        expected.put("console input from a stranger", unknown);
        expected.put("uart write, bad length", bad);
        expected.put("uart read by a second reader", denied);
        expected.put("timer sleep, no words", bad);
        expected.put("timer sleep, negative", bad);
        expected.put("timer sleep, 2^41 us", bad);
        expected.put("timer sleep, 2 words", bad);
        for (long index : new long[] {0, 1, 2, 999, -1}) {
            expected.put("root start " + index, denied);
        }
        expected.put("root new thread at entry -1", denied);
        expected.put("root new thread at entry 65536", denied);
        expected.put("root shutdown with a word", unknown);
        expected.put("root lookup 999", "OK 0");
        for (String server : List.of("names", "console", "uart", "timer")) {
            expected.put("ping " + server + " at the end", "OK");
        }
        assertEquals(expected, specific, out);
        // (The garbler's line may come right after a prompt: it writes while the shell waits.)
        assertTrue(out.contains("garbler: the console still works\n"), out);
        assertEveryoneElseGoesOn(out);
        assertFalse(out.contains("halted"), out);
    }

    // ---- shell -------------------------------------------------------------------------------

    @Test
    void oddShellCommandsGetUsageOrUnknownCommand() {
        String script = String.join("\n",
                "ipc", "ipc 0", "ipc -5", "ipc 99999999999", "ipc ten", "ipc 1 2",
                "sleep", "sleep -1", "sleep 3600001", "sleep 1.5",
                "demo", "demo nope", "demo fig5 fig1",
                "crash", "crash names", "crash uart now",
                "ps now", "mem 1", "kmem x", "spaces y",
                "HELP", "  help  ", "ünïcödé", "exit now", "exit") + "\n";
        String out = ShellSessionTest.boot(ShellSessionTest.defaultImage(), script);
        ShellSessionTest.Cursor c = new ShellSessionTest.Cursor(out);
        c.skipTo("Kola shell. Type 'help' for commands.");
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("ipc", "usage: ipc N (1..10000000)");
        answers.put("ipc 0", "usage: ipc N (1..10000000)");
        answers.put("ipc -5", "usage: ipc N (1..10000000)");
        answers.put("ipc 99999999999", "usage: ipc N (1..10000000)");
        answers.put("ipc ten", "usage: ipc N (1..10000000)");
        answers.put("ipc 1 2", "usage: ipc N (1..10000000)");
        answers.put("sleep", "usage: sleep MS");
        answers.put("sleep -1", "usage: sleep MS");
        answers.put("sleep 3600001", "usage: sleep MS");
        answers.put("sleep 1.5", "usage: sleep MS");
        answers.put("demo", "usage: demo fig1|fig5|ipc");
        answers.put("demo nope", "usage: demo fig1|fig5|ipc");
        answers.put("demo fig5 fig1", "usage: demo fig1|fig5|ipc");
        answers.put("crash", "usage: crash uart");
        answers.put("crash names", "usage: crash uart");
        answers.put("crash uart now", "usage: crash uart");
        answers.put("ps now", "usage: ps");
        answers.put("mem 1", "usage: mem");
        answers.put("kmem x", "usage: kmem");
        answers.put("spaces y", "usage: spaces");
        answers.put("HELP", "unknown command: HELP (try help)");
        for (var e : answers.entrySet()) {
            c.expect("kola> " + e.getKey());
            c.expect(e.getValue());
        }
        c.expect("kola>   help  ");
        ShellSessionTest.assertHelp(c.until("kola> ")); // despite the spaces
        c.expect("kola> ünïcödé");
        c.expect("unknown command: ünïcödé (try help)");
        // 'exit now' is an exit: the shell looks at the first word only.
        c.expect("kola> exit now");
        c.expect("bye");
        ShellSessionTest.assertRunEnded(out);
        // ...so the last line of input, a plain 'exit', was never read.
        assertFalse(ShellSessionTest.lines(out).contains("kola> exit"), out);
    }
}
