package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kola.kernel.Image;
import kola.machine.CostModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end: a scripted shell session on the default image, fed through
 * {@link RunCommand#boot(Image, MachineOptions, boolean, java.io.InputStream, PrintStream)} and
 * checked line by line; and the same script twice gives the same transcript, byte for byte. Also the helpers the other system-level tests of this package use.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShellSessionTest {

    static final String SCRIPT = """
            help
            ps
            ipc 10
            uptime
            sleep 5
            uptime
            spaces
            mem
            kmem
            demo fig5
            frobnicate now
            exit
            """;

    /** Boots {@code image} under global ids with {@code script} as console input; returns everything printed. */
    static String boot(Image image, String script) {
        return boot(image, script, kola.kernel.CommModel.GLOBAL_IDS);
    }

    /** Boots {@code image} under communication model {@code model} with {@code script} as console input; returns everything printed. */
    static String boot(Image image, String script, kola.kernel.CommModel model) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        MachineOptions options = new MachineOptions();
        options.comm = model;
        int rc = RunCommand.boot(image, options, false,
                new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), out);
        out.flush();
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, () -> "exit code of the run; output:\n" + text);
        return text;
    }

    /** The default image with the shell echoing commands, as {@code kola run --script} boots it. */
    static Image defaultImage() {
        return Images.defaultImage(true);
    }

    static List<String> lines(String text) {
        return List.of(text.split("\n", -1));
    }

    /** The run ended the way a run ends: the kernel's last words, and nothing after them. */
    static void assertRunEnded(String out) {
        List<String> ls = lines(out.stripTrailing());
        String last = ls.get(ls.size() - 1);
        // (The kernel's line may follow a prompt on the same line: see inputEndReachesTheShell.)
        assertTrue(last.matches("(kola> )?kernel: nothing left to do after \\d+ kernel entries, \\d+ µs simulated"),
                () -> "last line: " + last + "\n" + tail(out));
    }

    /**
     * Asserts that consecutive lines match {@code regexes}, the first one possibly after other
     * text on its line (a prompt, or kernel console output that came while the shell waited).
     */
    static void assertLines(String out, String... regexes) {
        Pattern p = Pattern.compile("(?m)^.*?" + String.join("\n", regexes) + "$");
        assertTrue(p.matcher(out).find(), () -> "no lines matching\n" + String.join("\n", regexes) + "\nin\n" + out);
    }

    /** A regex matching exactly {@code line}. */
    static String q(String line) {
        return Pattern.quote(line);
    }

    /** The commands help must list (others may come and go). */
    static final List<String> HELP_COMMANDS = List.of("help", "ps", "spaces", "mem", "kmem", "ipc N", "demo NAME", "start NAME",
            "uptime", "sleep MS", "crash uart", "exit");

    /** {@code help}'s lines: one per command, its name then a description, every documented command there. */
    static void assertHelp(List<String> lines) {
        for (String cmd : HELP_COMMANDS) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(cmd + " ") && !l.substring(cmd.length()).isBlank()),
                    () -> "help lists " + cmd + ": " + lines);
        }
        for (String line : lines) {
            assertTrue(line.matches("\\S+( \\S+)?\\s{2,}\\S.*"), () -> "help line '" + line + "'");
        }
        assertEquals("help", lines.get(0).split("\\s+")[0], "help comes first");
        assertEquals("exit", lines.get(lines.size() - 1).split("\\s+")[0], "exit comes last");
    }

    static String tail(String out) {
        List<String> ls = lines(out);
        return String.join("\n", ls.subList(Math.max(0, ls.size() - 30), ls.size()));
    }

    /** A cursor over a transcript. */
    static final class Cursor {
        final List<String> lines;
        final String text;
        int at;

        Cursor(String text) {
            this.text = text;
            this.lines = lines(text);
        }

        String next() {
            if (at >= lines.size()) {
                fail("transcript ended early; wanted another line after line " + at + "\n" + text);
            }
            return lines.get(at++);
        }

        void expect(String line) {
            String got = next();
            assertEquals(line, got, () -> "line " + at + " of the transcript\n" + text);
        }

        Matcher expectMatch(String regex) {
            String got = next();
            Matcher m = Pattern.compile(regex).matcher(got);
            assertTrue(m.matches(), () -> "line " + at + " '" + got + "' does not match " + regex + "\n" + text);
            return m;
        }

        /** Skips to the line equal to {@code line} and past it; fails if there is none. */
        void skipTo(String line) {
            while (at < lines.size()) {
                if (lines.get(at++).equals(line)) {
                    return;
                }
            }
            fail("no line '" + line + "' in the transcript\n" + text);
        }

        /** The lines up to (not including) the next one starting with {@code prefix}. */
        List<String> until(String prefix) {
            List<String> out = new ArrayList<>();
            while (at < lines.size() && !lines.get(at).startsWith(prefix)) {
                out.add(lines.get(at++));
            }
            return out;
        }
    }

    /** A row of {@code ps}: id, space, state, priority, what it waits for. */
    record Ps(String id, String space, String state, int priority, String waits) {
        static Map<String, List<Ps>> bySpace(List<String> rows) {
            Map<String, List<Ps>> out = new HashMap<>();
            for (String row : rows) {
                String[] f = row.trim().split("\\s+");
                assertEquals(5, f.length, () -> "ps row '" + row + "'");
                Ps p = new Ps(f[0], f[1], f[2], Integer.parseInt(f[3]), f[4]);
                out.computeIfAbsent(p.space, s -> new ArrayList<>()).add(p);
            }
            return out;
        }
    }

    @Test
    void scriptedSessionLineByLine() {
        String out = boot(defaultImage(), SCRIPT);
        Cursor c = new Cursor(out);
        c.expectMatch("kernel: Kola, L4 X\\.2 API 0x84, 256 MiB RAM, 16384 KiB kernel memory, 17 boot modules");
        c.expect("Kola shell. Type 'help' for commands.");

        c.expect("kola> help");
        assertHelp(c.until("kola> "));

        c.expect("kola> ps");
        c.expectMatch("THREAD\\s+SPACE\\s+STATE\\s+PRIO\\s+WAITS FOR");
        Map<String, List<Ps>> ps = Ps.bySpace(c.until("kola> "));
        for (String server : List.of("sigma0", "roottask", "names", "uart", "timer")) {
            assertNotNull(ps.get(server), () -> "ps has no thread of " + server + ": " + ps);
            assertEquals(1, ps.get(server).size(), server);
            Ps p = ps.get(server).get(0);
            assertEquals("receiving", p.state(), () -> server + " " + p);
            assertEquals("any", p.waits(), () -> server + " " + p);
        }
        assertEquals(220, ps.get("uart").get(0).priority());
        assertEquals(230, ps.get("timer").get(0).priority());
        assertEquals(200, ps.get("names").get(0).priority());
        String uartId = ps.get("uart").get(0).id();
        List<Ps> console = ps.get("console");
        assertEquals(2, console.size(), "console: server and reader threads");
        assertEquals("receiving", console.get(0).state());
        assertEquals("any", console.get(0).waits(), "the console server waits for any client");
        assertEquals("receiving", console.get(1).state());
        assertEquals(uartId, console.get(1).waits(), "the console reader waits for the uart driver");
        assertEquals(List.of(new Ps(ps.get("shell").get(0).id(), "shell", "ready", 100, "-")), ps.get("shell"),
                "the shell runs the command");
        assertFalse(ps.keySet().stream().anyMatch(s -> ps.get(s).stream().anyMatch(p -> p.state().contains("halted"))),
                () -> "nothing halted: " + ps);

        c.expect("kola> ipc 10");
        c.expect("ipc: 10 round trips to names: " + sandboxedRoundTrip(10) + " simulated cycles each");

        c.expect("kola> uptime");
        Matcher up1 = c.expectMatch("up (\\d+)\\.(\\d{6}) s \\(simulated\\)");
        c.expect("kola> sleep 5");
        Matcher slept = c.expectMatch("slept (\\d+) ms");
        long ms = Long.parseLong(slept.group(1));
        assertTrue(ms >= 5 && ms <= 6, "sleep 5 sleeps about 5 ms, not " + ms);
        c.expect("kola> uptime");
        Matcher up2 = c.expectMatch("up (\\d+)\\.(\\d{6}) s \\(simulated\\)");
        long us1 = Long.parseLong(up1.group(1)) * 1_000_000 + Long.parseLong(up1.group(2));
        long us2 = Long.parseLong(up2.group(1)) * 1_000_000 + Long.parseLong(up2.group(2));
        assertTrue(us2 - us1 >= 5_000 && us2 - us1 < 7_000, "uptime moved by the sleep: " + us1 + " -> " + us2);

        c.expect("kola> spaces");
        c.expectMatch("ASID\\s+SPACE\\s+THREADS\\s+PAGES\\s+KMEM\\s+PRIVILEGED");
        Map<String, String[]> spaces = new HashMap<>();
        for (String row : c.until("kola> ")) {
            String[] f = row.trim().split("\\s+");
            spaces.put(f[1], f);
        }
        assertEquals(java.util.Set.of("sigma0", "roottask", "names", "uart", "timer", "console", "shell"),
                spaces.keySet());
        assertEquals("2", spaces.get("console")[2], "console has two threads");
        assertEquals("1", spaces.get("uart")[3], "the uart driver maps its register page");
        assertEquals("1", spaces.get("timer")[3], "the timer driver maps its register page");
        for (String s : spaces.keySet()) {
            boolean privileged = s.equals("sigma0") || s.equals("roottask");
            assertEquals(privileged, spaces.get(s).length == 6 && spaces.get(s)[5].equals("yes"), s + " privileged");
            assertTrue(spaces.get(s)[4].matches("\\d+K"), s + " kmem column");
        }

        c.expect("kola> mem");
        c.expectMatch("RAM 262144 KiB: kernel 16384 KiB, handed out by sigma0 \\d+ KiB, free \\d+ KiB");
        List<String> mem = c.until("kola> ");
        assertTrue(mem.stream().anyMatch(l -> l.matches("\\s+uart\\s+holds 1 pages \\(4 KiB\\)")), mem::toString);
        assertTrue(mem.stream().anyMatch(l -> l.matches("\\s+timer\\s+holds 1 pages \\(4 KiB\\)")), mem::toString);
        for (String dev : List.of("uart", "timer", "pic")) {
            assertTrue(mem.stream().anyMatch(l -> l.matches("\\s+device " + dev + "\\s+0x[0-9a-f]+, 4 KiB")),
                    () -> dev + " in " + mem);
        }

        c.expect("kola> kmem");
        Matcher km = c.expectMatch("kernel memory \\(precise\\): (\\d+) of (\\d+) KiB used");
        c.expectMatch("\\s+OWNER\\s+TCB\\s+SPACE\\s+PTABLE\\s+MAPNODE\\s+OBJECTS\\s+TOTAL\\s+HELD\\s+QUOTA\\s+PAGES");
        List<String> kmemRows = c.until("kola> ");
        // Every byte used is charged to an owner (no space has been deleted yet): the figure is the
        // TOTAL column's sum, the kernel's own row included; of the 16 MiB, frame 0 is the KIP's.
        long charged = kmemRows.stream().map(l -> l.trim().split("\\s+"))
                .mapToLong(f -> Long.parseLong(f[f[0].equals("kernel") ? 1 : 6])).sum(); // the kernel's row has TOTAL only
        assertEquals(charged / 1024, Long.parseLong(km.group(1)), kmemRows::toString);
        assertEquals(16384 - 4, Long.parseLong(km.group(2)));
        List<String> owners = kmemRows.stream().map(l -> l.trim().split("\\s+")[0]).toList();
        assertTrue(owners.containsAll(List.of("sigma0", "roottask", "names", "uart", "timer", "console", "shell",
                "kernel")), owners::toString);

        c.expect("kola> demo fig5");
        c.expect("demo fig5 started");
        // The demo's tasks print on the kernel console while the shell waits for the demo to end.
        List<String> demo = c.until("demo fig5 done");
        for (int step = 0; step <= 4; step++) {
            String prefix = "kdb: fig5 step " + step + ":";
            assertTrue(demo.stream().anyMatch(l -> l.startsWith(prefix)), () -> prefix + " in\n" + String.join("\n", demo));
        }
        assertEquals("client: done", demo.get(demo.size() - 1), () -> String.join("\n", demo));
        c.expect("demo fig5 done; its 3 tasks are gone");
        c.expect("kola> frobnicate now");
        c.expect("unknown command: frobnicate (try help)");
        c.expect("kola> exit");
        c.expect("bye");
        c.expectMatch("kernel: nothing left to do after \\d+ kernel entries, \\d+ µs simulated");
        c.expect("");
        assertEquals(c.lines.size(), c.at, "nothing after the kernel's last line");
        assertFalse(out.contains("Exception"), out);
    }

    @Test
    void aDemoRunsAgainAndLeavesNoTaskBehind() {
        String out = boot(defaultImage(), "ps\ndemo fig1\ndemo fig1\ndemo ipc\ndemo ipc\ndemo fig5\ndemo fig5\nps\nexit\n");
        Cursor c = new Cursor(out);
        c.skipTo("kola> ps");
        c.next();
        List<String> before = c.until("kola> ");
        for (String[] d : new String[][] {{"fig1", "5", "fig1: done"}, {"ipc", "2", "ping-client: done"},
            {"fig5", "3", "client: done"}}) {
            for (int run = 1; run <= 2; run++) {
                c.expect("kola> demo " + d[0]);
                c.expect("demo " + d[0] + " started");
                List<String> lines = c.until("demo " + d[0] + " done");
                assertEquals(d[2], lines.get(lines.size() - 1), () -> String.join("\n", lines));
                c.expect("demo " + d[0] + " done; its " + d[1] + " tasks are gone");
            }
        }
        c.expect("kola> ps");
        c.next();
        assertEquals(before, c.until("kola> "), "the same threads as before the demos");
        c.expect("kola> exit");
        assertFalse(out.contains("cannot start"), out);
    }

    @Test
    void sameScriptSameTranscript() {
        String first = boot(defaultImage(), SCRIPT);
        String second = boot(defaultImage(), SCRIPT);
        assertEquals(first, second);
    }

    /**
     * A round trip to the name server in the cost model: the call and the server's reply-and-wait,
     * each a kernel entry, the IPC path and a switch to the partner.
     */
    static final long ROUND_TRIP_CYCLES = 2 * (CostModel.TRAP + CostModel.IPC + CostModel.CONTEXT_SWITCH);

    /**
     * Trusted (unmetered) programs: a round trip costs exactly the cost model's kernel work,
     * whatever N, as the shell takes the cost of reading the clock off.
     */
    @Test
    void ipcReportsTheCostModelsCyclesPerRoundTripWhateverN() {
        assertEquals(600, ROUND_TRIP_CYCLES);
        String out = boot(Images.trusted(kola.system.DefaultImage.modules(List.of("echo=on"))), "ipc 1\nipc 2\nipc 1000\nexit\n");
        for (int n : new int[] {1, 2, 1000}) {
            assertLines(out, q("kola> ipc " + n), q("ipc: " + n + " round trips to names: " + ROUND_TRIP_CYCLES
                    + " simulated cycles each"));
        }
    }

    /** The cycles per round trip {@code ipc n} reports in the default (sandboxed) image. */
    static long sandboxedRoundTrip(int n) {
        String out = boot(defaultImage(), "ipc " + n + "\nexit\n");
        var m = java.util.regex.Pattern.compile("ipc: " + n + " round trips to names: (\\d+) simulated cycles each").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    /**
     * Sandboxed programs are metered: a round trip costs the kernel's work plus the instructions
     * the shell's loop and the name server execute, the same in every run; the loop's set-up
     * shows only for small N.
     */
    @Test
    void sandboxedProgramsPayForTheirInstructions() {
        long many = sandboxedRoundTrip(1000);
        assertEquals(many, sandboxedRoundTrip(1000), "deterministic");
        assertEquals(many, sandboxedRoundTrip(10_000), "per round trip, the same work whatever N once set-up is amortised");
        assertTrue(many > ROUND_TRIP_CYCLES && many < ROUND_TRIP_CYCLES + 100,
                "the metered instructions of one round (shell loop, server loop): " + (many - ROUND_TRIP_CYCLES));
    }

    @Test
    void sameScriptSameTraceHashAndOutputThroughTheCommandLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        // The README's promise: the same image and input give the same hash (no host time reaches the guest).
        java.nio.file.Path script = java.nio.file.Files.writeString(dir.resolve("s.txt"), "ipc 1000\nuptime\nexit\n");
        ImageFileTest.Cli first = ImageFileTest.kola("run", "--script", script.toString(), "--trace-hash");
        ImageFileTest.Cli second = ImageFileTest.kola("run", "--script", script.toString(), "--trace-hash");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().matches("(?s).*\ntrace-hash: [0-9a-f]{16} \\(\\d+ events\\)\n"), first.out());
        assertEquals(first.out(), second.out());
    }

    @Test
    void inputEndEndsTheRun() {
        // No exit: the input ends after 'ipc 3'; the shell waits for a line that never comes and
        // the kernel, with nothing left to do and no more input, ends the run.
        String out = boot(defaultImage(), "help\nipc 3\n");
        Cursor c = new Cursor(out);
        c.skipTo("kola> ipc 3");
        c.expectMatch("ipc: 3 round trips to names: \\d+ simulated cycles each");
        assertRunEnded(out);
        assertFalse(out.contains("bye"), out);
    }

    @Test
    void inputEndReachesTheShell() {
        String out = boot(defaultImage(), "help\nipc 3\n");
        Cursor c = new Cursor(out);
        c.skipTo("kola> ipc 3");
        c.expectMatch("ipc: 3 round trips to names: \\d+ simulated cycles each");
        c.expect("kola> "); // the shell's newline when its readLine reports the end of input
        c.expectMatch("kernel: nothing left to do after \\d+ kernel entries, \\d+ µs simulated");
    }

    @Test
    void emptyAndBlankLinesJustPromptAgain() {
        String out = boot(defaultImage(), "\n   \n\t\nexit\n");
        Cursor c = new Cursor(out);
        c.skipTo("Kola shell. Type 'help' for commands.");
        c.expect("kola> ");
        c.expect("kola>    ");
        c.expect("kola> \t");
        c.expect("kola> exit");
        c.expect("bye");
        assertRunEnded(out);
    }

    @Test
    void memDoesNotCountDevicePagesAsRam() {
        String out = boot(defaultImage(), "mem\nexit\n");
        Cursor c = new Cursor(out);
        c.skipTo("kola> mem");
        c.expect("RAM 262144 KiB: kernel 16384 KiB, handed out by sigma0 0 KiB, free 245760 KiB");
    }
}
