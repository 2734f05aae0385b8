package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kola.abi.L4;
import kola.abi.Program;
import kola.kernel.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * YAML images ({@link ImageFile}): every malformed file gives a one-line message naming the file
 * and the problem, and {@code kola run FILE} exits with code 2; a well-formed image equivalent to
 * a small system boots and runs a script.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ImageFileTest {

    @TempDir
    Path dir;

    static final String SIGMA0_ROOT = """
            modules:
              - name: sigma0
                program: Sigma0
              - name: roottask
                program: RootTask
            """;

    /** A small system: sigma0, the root task, names, the UART driver on line 2, the console and the shell. */
    static final String SMALL_SYSTEM = SIGMA0_ROOT + """
              - name: names
                program: NameServer
                priority: 200
              - name: uart
                program: UartDriver
                priority: 220
                irq: 2
              - name: console
                program: Console
                priority: 210
              - name: shell
                program: kola.system.Shell
                args: [echo=on, kdb]
            """;

    /** A program for YAML images of this test: says hello on the kernel console. */
    public static final class Hello implements Program {
        @Override
        public void run(L4 l4) {
            l4.kdbPrint("hello from a YAML module, priority " + l4.kernelInterface().moduleOf(l4.startIp()).priority()
                    + ", args " + l4.kernelInterface().moduleOf(l4.startIp()).args());
        }
    }

    /** A Program without a public no-argument constructor. */
    public static final class NeedsArgument implements Program {
        public NeedsArgument(String s) {
        }

        @Override
        public void run(L4 l4) {
        }
    }

    /** An abstract Program: it has a public constructor, but no instance can be made. */
    public abstract static class AbstractProgram implements Program {
        public AbstractProgram() {
        }
    }

    /** A Program whose constructor fails. */
    public static final class BrokenConstructor implements Program {
        public BrokenConstructor() {
            throw new IllegalStateException("broken on purpose");
        }

        @Override
        public void run(L4 l4) {
        }
    }

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    /** Runs {@code kola ARGS} in process through picocli; returns exit code, stdout, stderr. */
    record Cli(int code, String out, String err) {
    }

    /**
     * Serialises the runs that swap System.in, out and err. A lock, not a monitor: the kernel runs
     * its tasks' continuations on this thread, and is not run while the thread holds a monitor.
     */
    private static final java.util.concurrent.locks.ReentrantLock STREAMS = new java.util.concurrent.locks.ReentrantLock();

    /** {@code kola run ARGS} with {@code stdin} as standard input (not a terminal). */
    static ImageFileTest.Cli kolaRun(String image, String stdin) {
        STREAMS.lock();
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            return kola("run", image);
        } finally {
            System.setIn(old);
            STREAMS.unlock();
        }
    }

    /** {@code kola run IMAGE} with empty standard input. */
    static ImageFileTest.Cli kolaRun(String image) {
        return kolaRun(image, "");
    }

    static Cli kola(String... args) {
        STREAMS.lock();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.commandLine().execute(args);
            return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            STREAMS.unlock();
        }
    }

    static Stream<Arguments> malformed() {
        String m3 = SIGMA0_ROOT + "  - name: x\n";
        return Stream.of(
                Arguments.of("syntax error", "modules: [\n  - {name: sigma0\n", "not valid YAML"),
                Arguments.of("tab indentation", "modules:\n\t- name: sigma0\n", "not valid YAML"),
                Arguments.of("empty file", "", "expected a mapping with a 'modules' list"),
                Arguments.of("missing modules", "images: []\n", "expected a mapping with a 'modules' list"),
                Arguments.of("modules not a list", "modules: sigma0\n", "expected a mapping with a 'modules' list"),
                Arguments.of("top-level list", "- name: sigma0\n", "expected a mapping with a 'modules' list"),
                Arguments.of("unknown top-level key", SIGMA0_ROOT + "memory: 4G\n", "unknown key 'memory'"),
                Arguments.of("no modules", "modules: []\n", "needs at least two modules"),
                Arguments.of("one module", "modules:\n  - {name: sigma0, program: Sigma0}\n", "needs at least two modules"),
                Arguments.of("module not a mapping", "modules: [sigma0, roottask]\n", "module 1: expected a mapping"),
                Arguments.of("unknown module key", m3 + "    program: Shell\n    colour: red\n", "module 3: unknown key 'colour'"),
                Arguments.of("module without name", SIGMA0_ROOT + "  - program: Shell\n", "module 3: 'name' must be"),
                Arguments.of("blank name", SIGMA0_ROOT + "  - {name: ' ', program: Shell}\n", "module 3: 'name' must be"),
                Arguments.of("numeric name", SIGMA0_ROOT + "  - {name: 12, program: Shell}\n", "module 3: 'name' must be"),
                Arguments.of("missing program", m3, "module 3 (x): 'program' must be a class name"),
                Arguments.of("unknown program", m3 + "    program: Shel\n", "module 3 (x): unknown program 'Shel'"),
                Arguments.of("unknown qualified program", m3 + "    program: org.example.Nope\n",
                        "unknown program 'org.example.Nope'"),
                Arguments.of("class that is not a program", m3 + "    program: java.lang.String\n",
                        "'java.lang.String' is not a kola.abi.Program"),
                Arguments.of("program without a no-argument constructor",
                        m3 + "    program: kola.cli.ImageFileTest$NeedsArgument\n", "has no public no-argument constructor"),
                Arguments.of("priority too high", m3 + "    program: Shell\n    priority: 256\n", "'priority' must be an integer in 0..255"),
                Arguments.of("negative priority", m3 + "    program: Shell\n    priority: -1\n", "'priority' must be an integer in 0..255"),
                Arguments.of("priority not a number", m3 + "    program: Shell\n    priority: high\n", "'priority' must be an integer in 0..255"),
                Arguments.of("fractional priority", m3 + "    program: Shell\n    priority: 1.5\n", "'priority' must be an integer in 0..255"),
                Arguments.of("irq out of range", m3 + "    program: UartDriver\n    irq: 32\n", "'irq' must be an interrupt line in 0..31"),
                Arguments.of("irq not a number", m3 + "    program: UartDriver\n    irq: two\n", "'irq' must be an interrupt line"),
                Arguments.of("manual not a boolean", m3 + "    program: Shell\n    manual: sometimes\n", "'manual' must be true or false"),
                Arguments.of("args not strings", m3 + "    program: Shell\n    args: [1, 2]\n", "'args' must be a list of strings"),
                Arguments.of("args not a list", m3 + "    program: Shell\n    args: echo=on\n", "'args' must be a list of strings"),
                Arguments.of("blank pager", m3 + "    program: Shell\n    pager: ''\n", "'pager' must name a module"),
                Arguments.of("duplicate module", SIGMA0_ROOT + "  - {name: sigma0, program: Shell}\n", "duplicate module name: sigma0"),
                Arguments.of("missing elf file", m3 + "    elf: build/nothing\n",
                        Path.of("build/nothing") + ": cannot read: no such file or directory (check the path)"),
                Arguments.of("elf that is a directory", m3 + "    elf: .\n", ".: cannot read: is a directory (give a file, not a directory)"),
                Arguments.of("elf that is not an ELF file", m3 + "    elf: image.yaml\n", "image.yaml: not an ELF file"),
                Arguments.of("program and elf", m3 + "    program: Shell\n    elf: hello\n",
                        "module 3 (x): give 'program' (a Java class) or 'elf' (a RISC-V executable), not both"),
                Arguments.of("elf not a string", m3 + "    elf: [hello]\n", "module 3 (x): 'elf' must be the path of a RISC-V ELF executable"),
                Arguments.of("blank elf", m3 + "    elf: ''\n", "module 3 (x): 'elf' must be the path of a RISC-V ELF executable"),
                Arguments.of("elf with a pager", m3 + "    elf: hello\n    pager: sigma0\n",
                        "module 3 (x): a RISC-V module is paged by the root task: no 'pager'"),
                Arguments.of("java type tag", "modules: !!java.util.ArrayList []\n", "not valid YAML"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedImageGivesOneLineNamingTheProblem(String what, String yaml, String problem) throws IOException {
        Path file = write("image.yaml", yaml);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFile.load(file));
        String msg = e.getMessage();
        assertFalse(msg.contains("\n"), () -> what + ": one line, not: " + msg);
        assertTrue(msg.startsWith(file.toString() + ": ") || msg.matches(java.util.regex.Pattern.quote(file.toString())
                + ":\\d+:\\d+: .*"), () -> what + ": names the file (and where in it): " + msg);
        assertTrue(msg.contains(problem), () -> what + ": names the problem (" + problem + "): " + msg);

        Cli r = kola("run", file.toString());
        assertEquals(2, r.code(), () -> what + ": exit code; err: " + r.err());
        assertEquals("kola: " + msg + "\n", r.err(), what);
        assertEquals("", r.out(), what + ": nothing booted");
    }

    @Test
    void yamlSyntaxErrorsSayWhereAsFileLineColumn() throws IOException {
        String[][] cases = {
            {"modules: [\n  - {name: sigma0\n",
                ":2:3: not valid YAML: expected the node content, but found '-' (while parsing a flow node)"},
            {"modules:\n  - name: sigma0\n    program: Sigma0\n   - name: x\n",
                ":4:4: not valid YAML: expected <block end>, but found '<block sequence start>' (while parsing a block collection)"},
            {"modules:\n\t- name: sigma0\n", ":2:1: not valid YAML: found character '\\t(TAB)' that cannot start any token."
                + " (Do not use \\t(TAB) for indentation) (while scanning for the next token)"},
            {"modules: !!java.util.ArrayList []\n",
                ":1:10: not valid YAML: Global tag is not allowed: tag:yaml.org,2002:java.util.ArrayList"},
        };
        for (String[] c : cases) {
            Path file = write("image.yaml", c[0]);
            Cli r = kola("run", file.toString());
            assertEquals(2, r.code(), r.err());
            assertEquals("kola: " + file + c[1] + "\n", r.err());
        }
    }

    @Test
    void unreadableFilesSayWhyAndWhatToDo() throws IOException {
        Path missing = dir.resolve("missing.yaml");
        Path badUtf8 = dir.resolve("bad.yaml");
        Files.write(badUtf8, new byte[] {'m', 'o', (byte) 0xFF, (byte) 0xFE, ':', '\n'});
        assertEquals("kola: " + missing + ": cannot read: no such file or directory (check the path)\n",
                kola("run", missing.toString()).err());
        assertEquals("kola: " + dir + ": cannot read: is a directory (give a file, not a directory)\n",
                kola("run", dir.toString()).err());
        assertEquals("kola: " + badUtf8 + ": cannot read: not UTF-8 text (save the file as UTF-8)\n",
                kola("run", badUtf8.toString()).err());
        Cli script = kola("run", "--script", missing.toString());
        assertEquals(2, script.code());
        assertEquals("kola: --script " + missing + ": cannot read: no such file or directory (check the path)\n", script.err());
        assertEquals("kola: --script " + dir + ": cannot read: is a directory (give a file, not a directory)\n",
                kola("run", "--script", dir.toString()).err());
    }

    @Test
    void unreadableFilesGiveOneLineAndExitCode2() throws IOException {
        Path missing = dir.resolve("missing.yaml");
        Path badUtf8 = dir.resolve("bad.yaml");
        Files.write(badUtf8, new byte[] {'m', 'o', (byte) 0xFF, (byte) 0xFE, ':', '\n'});
        for (Path p : List.of(missing, dir, badUtf8)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFile.load(p));
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
            Cli r = kola("run", p.toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("kola: " + p + ": ") && r.err().lines().count() == 1, r.err());
        }
    }

    @Test
    void badScriptFileGivesExitCode2() throws IOException {
        Cli r = kola("run", write("ok.yaml", SMALL_SYSTEM).toString(), "--script", dir.resolve("nope.txt").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("kola: --script ") && r.err().lines().count() == 1, r.err());
    }

    @Test
    void smallSystemImageBootsAndRunsAScript() throws IOException {
        Path file = write("small.yaml", SMALL_SYSTEM);
        Image image = ImageFile.load(file);
        assertEquals(List.of("sigma0", "roottask", "names", "uart", "console", "shell"),
                image.modules().stream().map(Image.Module::name).toList());
        assertEquals(List.of("irq=2"), image.modules().get(3).args());
        assertEquals(220, image.modules().get(3).priority());
        assertEquals(100, image.modules().get(5).priority(), "the default priority");
        assertEquals(List.of("echo=on", "kdb"), image.modules().get(5).args());

        String out = ShellSessionTest.boot(image, "ps\nipc 10\nsleep 5\ndemo fig5\ncrash uart\nipc 3\nexit\n");
        ShellSessionTest.Cursor c = new ShellSessionTest.Cursor(out);
        c.expect("kernel: Kola, L4 X.2 API 0x84, 256 MiB RAM, 16384 KiB kernel memory, 6 boot modules");
        c.expect("Kola shell. Type 'help' for commands.");
        c.expect("kola> ps");
        c.next();
        var ps = ShellSessionTest.Ps.bySpace(c.until("kola> "));
        assertTrue(ps.keySet().containsAll(List.of("sigma0", "roottask", "names", "uart", "console", "shell")),
                ps::toString);
        assertFalse(ps.containsKey("timer"), "no timer driver in this image");
        assertEquals("receiving", ps.get("uart").get(0).state());
        assertEquals(ps.get("uart").get(0).id(), ps.get("console").get(1).waits());
        c.expect("kola> ipc 10");
        c.expectMatch("ipc: 10 round trips to names: \\d+ simulated cycles each");
        c.expect("kola> sleep 5");
        c.expect("sleep: no timer driver");
        c.expect("kola> demo fig5");
        c.expect("demo: module pager1 is not in this image");
        c.expect("kola> crash uart");
        c.skipTo("uart: driver restarted (start 2)");
        c.expect("crash: the uart driver crashed; the root task restarts it");
        c.expect("kola> ipc 3");
        c.expectMatch("ipc: 3 round trips to names: \\d+ simulated cycles each");
        c.expect("kola> exit");
        c.expect("bye");
        ShellSessionTest.assertRunEnded(out);

        // The same through the command line: kola run small.yaml --script FILE.
        Path script = write("script.txt", "ipc 2\nexit\n");
        Cli r = kola("run", file.toString(), "--script", script.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        ShellSessionTest.assertLines(r.out(), ShellSessionTest.q("kola> ipc 2"),
                "ipc: 2 round trips to names: \\d+ simulated cycles each",
                ShellSessionTest.q("kola> exit"), "bye",
                "kernel: nothing left to do after \\d+ kernel entries, \\d+ µs simulated");
    }

    @Test
    void imageWithManualModulesPagersAndOwnPrograms() throws IOException {
        Path file = write("fig5.yaml", SMALL_SYSTEM + """
                  - name: hello
                    program: kola.cli.ImageFileTest$Hello
                    priority: 42
                    args: [a=1, b]
                  - name: pager1
                    program: Pager
                    priority: 130
                    manual: true
                  - name: pager2
                    program: Pager
                    priority: 120
                    manual: true
                    pager: pager1
                  - name: client
                    program: Fig5Client
                    manual: true
                    pager: pager2
                  - name: never
                    program: Hello
                    manual: false
                """.replace("program: Hello", "program: kola.cli.ImageFileTest$Hello"));
        String out = ShellSessionTest.boot(ImageFile.load(file), "demo fig5\ndemo fig5\nexit\n");
        assertTrue(out.contains("hello from a YAML module, priority 42, args [a=1, b]\n"), out);
        assertTrue(out.contains("hello from a YAML module, priority 100, args []\n"), "manual: false starts it: " + out);
        // The demo runs twice: its tasks are gone after the first run.
        assertEquals(2, out.split("demo fig5 started\n", -1).length - 1, out);
        assertEquals(2, out.split("\nclient: done\ndemo fig5 done; its 3 tasks are gone\n", -1).length - 1, out);
        ShellSessionTest.assertRunEnded(out);
    }

    @Test
    void uninstantiableProgramIsRejectedWithOneLine() throws IOException {
        for (String cls : List.of("kola.cli.ImageFileTest$AbstractProgram", "kola.cli.ImageFileTest$BrokenConstructor")) {
            Path file = write("abstract.yaml", SIGMA0_ROOT + "  - name: x\n    program: " + cls + "\n");
            Cli r = kola("run", file.toString());
            assertEquals(2, r.code(), cls + ": " + r.err());
            assertTrue(r.err().startsWith("kola: " + file + ": module 3 (x): ") && r.err().lines().count() == 1,
                    r.err());
        }
    }

    @Test
    void pagerThatIsNoEarlierModuleIsRejected() throws IOException {
        for (String pager : List.of("nosuch", "later")) {
            Path file = write("pager.yaml", SIGMA0_ROOT + "  - {name: names, program: NameServer, pager: " + pager + "}\n"
                    + "  - {name: later, program: NameServer}\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFile.load(file));
            assertTrue(e.getMessage().contains("module 3 (names)") && e.getMessage().contains(pager), e.getMessage());
            assertEquals(2, kola("run", file.toString()).code());
        }
    }
}
