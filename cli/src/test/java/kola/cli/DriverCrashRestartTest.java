package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.machine.CostModel;
import kola.machine.Machine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault containment of drivers: the shell's {@code crash uart} makes the UART driver throw; the
 * root task restarts it (at most {@code RootTask.MAX_RESTARTS} times) and the console, which
 * depends on it, goes on; other tasks are not affected. After too many crashes the root task
 * gives up, and the run still ends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DriverCrashRestartTest {

    static final String CRASH = "kernel: thread %s (uart): java.lang.IllegalStateException: uart driver crashed on request"
            + " -> exception IPC to %s";

    /** A booted (not yet run) kernel on the default image, with {@code script} as console input. */
    record Booted(Kernel kernel, Machine machine, ByteArrayOutputStream bytes) {
        String output() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** The kernel's threads by space name, after the run. */
        Map<String, List<Kernel.ThreadInfo>> threadsBySpace() {
            return kernel.threads().stream().collect(Collectors.groupingBy(Kernel.ThreadInfo::space));
        }
    }

    static Booted booted(Image image, String script) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        MachineOptions options = new MachineOptions();
        Machine m = new Machine(options.machineConfig(
                new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), out));
        return new Booted(new Kernel(m, options.kernelConfig(), image, out), m, bytes);
    }

    @Test
    void crashedDriverIsRestartedAndTheConsoleGoesOn() {
        String out = ShellSessionTest.boot(ShellSessionTest.defaultImage(),
                "crash uart\nipc 10\nsleep 2\nhelp\ncrash uart\nhelp\nexit\n");
        ShellSessionTest.Cursor c = new ShellSessionTest.Cursor(out);
        c.skipTo("kola> crash uart");
        String crash = c.next();
        assertEquals(String.format(CRASH, "T", "T"), crash.replaceAll("\\b[0-9a-f]+\\.1\\b", "T"));
        c.expectMatch("roottask: uart \\(thread [0-9a-f]+\\.1\\) died \\(exception code 1\\); restarting it \\(1/3\\)");
        c.expect("uart: driver restarted (start 2)");
        c.expect("crash: the uart driver crashed; the root task restarts it");
        // Console input and output go on through the restarted driver; other servers are unaffected.
        c.expect("kola> ipc 10");
        c.expectMatch("ipc: 10 round trips to names: \\d+ simulated cycles each");
        c.expect("kola> sleep 2");
        c.expect("slept 2 ms");
        c.expect("kola> help");
        ShellSessionTest.assertHelp(c.until("kola> "));
        c.expect("kola> crash uart");
        c.next();
        c.expectMatch("roottask: uart \\(thread [0-9a-f]+\\.1\\) died \\(exception code 1\\); restarting it \\(2/3\\)");
        c.expect("uart: driver restarted (start 3)");
        c.expect("crash: the uart driver crashed; the root task restarts it");
        c.expect("kola> help");
        ShellSessionTest.assertHelp(c.until("kola> "));
        c.expect("kola> exit");
        c.expect("bye");
        ShellSessionTest.assertRunEnded(out);
    }

    @Test
    void afterTooManyCrashesTheRootTaskGivesUpAndTheRunStillEnds() {
        Booted b = booted(ShellSessionTest.defaultImage(),
                "crash uart\ncrash uart\ncrash uart\nipc 10\nuptime\ncrash uart\nipc 10\nexit\n");
        Kernel.RunResult r = b.kernel().run();
        String out = b.output();
        ShellSessionTest.Cursor c = new ShellSessionTest.Cursor(out);
        for (int i = 1; i <= 3; i++) {
            c.skipTo("kola> crash uart");
            c.next();
            c.expectMatch("roottask: uart \\(thread [0-9a-f]+\\.1\\) died \\(exception code 1\\); restarting it \\(" + i
                    + "/3\\)");
            c.expect("uart: driver restarted (start " + (i + 1) + ")");
            c.expect("crash: the uart driver crashed; the root task restarts it");
        }
        // After three restarts everything still works...
        c.expect("kola> ipc 10");
        c.expectMatch("ipc: 10 round trips to names: \\d+ simulated cycles each");
        c.expect("kola> uptime");
        java.util.regex.Matcher up = c.expectMatch("up (\\d+)\\.(\\d{6}) s \\(simulated\\)");
        long upMicros = Long.parseLong(up.group(1)) * 1_000_000 + Long.parseLong(up.group(2));
        // ...and the fourth crash is one too many.
        c.expect("kola> crash uart");
        c.next();
        c.expect("roottask: uart died (exception code 1) too often; leaving it halted");
        // The console depends on the UART: nothing more is read or written, and the run ends
        // (the input still held in the UART is never taken).
        assertTrue(c.at == c.lines.size() - 1 || c.lines.get(c.at).isEmpty(),
                () -> "nothing after giving up: " + c.lines.subList(c.at, c.lines.size()));
        assertFalse(out.contains("bye"), out);
        // The run ended: nothing is left to do, so running on changes nothing, not even the clock;
        // it ended after the uptime the shell printed (the fourth crash came later).
        assertEquals(r, b.kernel().run());
        assertTrue(r.cycles() > upMicros * CostModel.CYCLES_PER_MICROSECOND,
                r.cycles() + " cycles at the end, up " + upMicros + " µs before the last crash");

        Map<String, List<Kernel.ThreadInfo>> threads = b.threadsBySpace();
        Kernel.ThreadInfo uart = threads.get("uart").get(0);
        assertTrue(uart.state().contains("halted") || uart.state().equals("inactive"), () -> "uart left halted: " + uart);
        // Other tasks are unaffected: every server still waits for its next client.
        for (String server : List.of("sigma0", "roottask", "names", "timer")) {
            Kernel.ThreadInfo t = threads.get(server).get(0);
            assertEquals("receiving", t.state(), () -> server + ": " + t);
            assertEquals(-1L, t.waitsFor(), () -> server + " waits for any: " + t);
        }
        Kernel.ThreadInfo consoleServer = threads.get("console").stream().min(
                java.util.Comparator.comparingLong(Kernel.ThreadInfo::id)).orElseThrow();
        assertFalse(consoleServer.state().contains("halted"), consoleServer::toString);
        assertEquals(List.of(), b.kernel().checkInvariants(), "kernel invariants after the crashes");
    }

    @Test
    void crashesAreDeterministic() {
        String script = "crash uart\nipc 5\ncrash uart\nps\nexit\n";
        Function<String, String> run = s -> ShellSessionTest.boot(ShellSessionTest.defaultImage(), s);
        assertEquals(run.apply(script), run.apply(script));
    }
}
