package kola.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import kola.abi.Program;
import kola.kernel.Image;
import kola.kernel.ProgramClasses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs an image names with {@code programs}: sources compiled in memory (a class in the
 * default package included), jars and class directories; the {@link ProgramClasses} of a module;
 * one definition of the classes per address space; javac's report and exit code 2 for sources
 * that do not compile; one line and exit code 2 for programs that cannot be found.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProgramSourcesTest {
    @TempDir
    Path dir;

    static final String SIGMA0_ROOT = """
              - {name: sigma0, program: Sigma0}
              - {name: roottask, program: RootTask}
            """;

    /** A default-package program with static state: each space must see its own counter. */
    static final String COUNTER = """
            import kola.abi.L4;
            import kola.abi.Program;

            public final class Counter implements Program {
                static int started;

                @Override
                public void run(L4 l4) {
                    started++;
                    l4.kdbPrint("started " + started + " time(s) in this space; " + new Helper().say());
                }

                static final class Helper {
                    String say() {
                        return "helper says hi";
                    }
                }
            }
            """;

    static final String GREETER = """
            package com.example;

            public final class Greeter implements kola.abi.Program {
                @Override
                public void run(kola.abi.L4 l4) {
                    l4.kdbPrint("greetings from " + getClass().getName());
                }
            }
            """;

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    static String run(Path image) {
        ImageFileTest.Cli r = ImageFileTest.kolaRun(image.toString());
        assertEquals(0, r.code(), () -> "exit code; err: " + r.err() + "\nout: " + r.out());
        assertEquals("", r.err());
        return r.out();
    }

    @Test
    void defaultPackageSourceCompilesAndEverySpaceDefinesItsOwnClasses() throws IOException {
        write("Counter.java", COUNTER);
        Path image = write("image.yaml", "programs: [Counter.java]\nmodules:\n" + SIGMA0_ROOT
                + "  - {name: one, program: Counter}\n  - {name: two, program: Counter}\n");
        String out = run(image);
        assertTrue(out.contains("\none: started 1 time(s) in this space; helper says hi\n"), out);
        assertTrue(out.contains("\ntwo: started 1 time(s) in this space; helper says hi\n"), "static state is per space: " + out);
    }

    @Test
    void programClassesHoldTheCompiledClassFiles() throws IOException {
        Path src = write("Counter.java", COUNTER);
        ProgramSources p = ProgramSources.load("x", List.of(src));
        assertEquals(java.util.Set.of("Counter", "Counter$Helper"), p.classNames());
        ProgramClasses c = p.classes("Counter");
        assertEquals("Counter", c.mainClass());
        byte[] file = c.classFile("Counter$Helper");
        assertNotNull(file);
        assertEquals(0xCAFEBABE, java.nio.ByteBuffer.wrap(file).getInt(), "a class file");
        assertNotSame(file, c.classFile("Counter$Helper"), "each caller gets its own copy");
        assertArrayEquals(file, c.classFile("Counter$Helper"));
        assertNull(c.classFile("kola.abi.Program"), "kola.abi is not the module's");
        assertNull(c.classFile("Nope"));
        assertNull(p.classes("Nope"));

        try (var in = kola.system.RootTask.class.getResourceAsStream("RootTask.class")) {
            assertArrayEquals(in.readAllBytes(), c.classFile("kola.system.RootTask"),
                    "kola.system is the programs' library: its class files as the class path has them");
        }
        assertNull(c.classFile("kola.system.fuzz.FuzzTask"), "but not its sub-packages");
        assertNull(kola.kernel.TaskVerifier.refusal("x", c), "Counter may run as a task");
    }

    @Test
    void classDirectoriesJarsAndSourceDirectoriesWork() throws IOException {
        // Compile Greeter once, then give it as class files in a directory and in a jar.
        Path src = write("src/com/example/Greeter.java", GREETER);
        Map<String, byte[]> files = ProgramSources.load("x", List.of(src)).classes("com.example.Greeter").files();
        Path classes = dir.resolve("classes");
        Path jar = dir.resolve("greeter.jar");
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o)) {
            for (var e : files.entrySet()) {
                String path = e.getKey().replace('.', '/') + ".class";
                Files.createDirectories(classes.resolve(path).getParent());
                Files.write(classes.resolve(path), e.getValue());
                j.putNextEntry(new JarEntry(path));
                j.write(e.getValue());
                j.closeEntry();
            }
        }
        for (String programs : List.of("[classes]", "[greeter.jar]", "[src]", "[src/com/example/Greeter.java]")) {
            Path image = write("image.yaml", "programs: " + programs + "\nmodules:\n" + SIGMA0_ROOT
                    + "  - {name: greeter, program: com.example.Greeter}\n");
            String out = run(image);
            assertTrue(out.contains("\ngreeter: greetings from com.example.Greeter\n"), programs + ": " + out);
        }
    }

    @Test
    void sourcesThatDoNotCompileGetJavacsReportAndExitCode2() throws IOException {
        write("Bad.java", """
                import kola.abi.*;

                public final class Bad implements Program {
                    public void run(L4 l4) {
                        l4.kdbPrnt("typo");
                    }
                }
                """);
        Path image = write("image.yaml", "programs: [Bad.java]\nmodules:\n" + SIGMA0_ROOT + "  - {name: bad, program: Bad}\n");
        ImageFileTest.Cli r = ImageFileTest.kolaRun(image.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out(), "nothing booted");
        String file = dir.resolve("Bad.java").toString();
        assertTrue(r.err().startsWith(file + ":5: error: cannot find symbol\n"
                + "        l4.kdbPrnt(\"typo\");\n"
                + "          ^\n"), r.err());
        assertTrue(r.err().endsWith("1 error\n"), r.err());
    }

    @Test
    void badProgramsGiveOneLineAndExitCode2() throws IOException {
        write("Counter.java", COUNTER);
        write("notes.txt", "hello");
        Files.createDirectories(dir.resolve("empty"));
        Files.createDirectories(dir.resolve("classes"));
        Files.write(dir.resolve("classes/Counter.class"),
                ProgramSources.load("x", List.of(dir.resolve("Counter.java"))).classes("Counter").classFile("Counter"));
        String[][] cases = {
            {"programs: Counter.java", "'programs' must be a list of paths"},
            {"programs: []", "'programs' must be a list of paths"},
            {"programs: [1]", "'programs' must be a list of paths"},
            {"programs: [Nope.java]", "program '" + dir.resolve("Nope.java") + "' does not exist"},
            {"programs: [notes.txt]", "program '" + dir.resolve("notes.txt") + "' is not a .java file, a .jar or a directory"},
            {"programs: [Counter.java, ./Counter.java]", "program '" + dir.resolve("./Counter.java") + "' is listed twice"},
            {"programs: [Counter.java, classes]", "class Counter is defined twice in programs"},
            {"programs: [empty]\n", "module 3 (x): unknown program 'Counter' (not a class of kola.system"},
            {"programs: [Counter.java]\n", "module 3 (x): unknown program 'Countr' (not in programs: Counter; nor a class of kola.system)"},
        };
        for (String[] c : cases) {
            String program = c[0].contains("[Counter.java]") ? "Countr" : "Counter";
            Path image = write("image.yaml", c[0] + "\nmodules:\n" + SIGMA0_ROOT + "  - {name: x, program: " + program + "}\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFile.load(image), c[0]);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith(image + ": ") && e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
            ImageFileTest.Cli r = ImageFileTest.kolaRun(image.toString());
            assertEquals(2, r.code(), r.err());
            assertEquals("kola: " + e.getMessage() + "\n", r.err());
        }
    }

    /** An image's own program runs sandboxed: what a task may not use is refused when the image loads. */
    @Test
    void aProgramUsingTheHostIsRefusedAtLoad() throws IOException {
        write("Quitter.java", "public class Quitter implements kola.abi.Program {"
                + " public void run(kola.abi.L4 l4) { System.exit(3); } }\n");
        Path image = write("image.yaml", "programs: [Quitter.java]\nmodules:\n" + SIGMA0_ROOT
                + "  - {name: q, program: Quitter}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFile.load(image));
        assertEquals(image + ": module 3 (q): module q: class Quitter, method run: refers to java.lang.System"
                + " (not allowed in a task: host system)", e.getMessage());
    }

    @Test
    void aProgramThatIsNotAProgramIsRefused() throws IOException {
        // Nothing of a program runs before its task does: a constructor that throws halts the task (SandboxTest).
        write("Plain.java", "public class Plain { }\n");
        write("Hidden.java", "class Hidden implements kola.abi.Program { public void run(kola.abi.L4 l4) { } }\n");
        write("Needy.java", "public class Needy implements kola.abi.Program { public Needy(int x) { }"
                + " public void run(kola.abi.L4 l4) { } }\n");
        String[][] cases = {
            {"Plain", "'Plain' is not a kola.abi.Program"},
            {"Hidden", "'Hidden' must be a public, concrete class"},
            {"Needy", "'Needy' has no public no-argument constructor"},
        };
        for (String[] c : cases) {
            Path image = write("image.yaml", "programs: [" + c[0] + ".java]\nmodules:\n" + SIGMA0_ROOT
                    + "  - {name: x, program: " + c[0] + "}\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFile.load(image));
            assertEquals(image + ": module 3 (x): " + c[1], e.getMessage());
        }
    }

    @Test
    void yamlShellsEchoCommandsWhenInputIsAScriptUnlessTheirArgsSayOtherwise() throws IOException {
        String system = SIGMA0_ROOT + """
                  - {name: names, program: NameServer, priority: 200}
                  - {name: uart, program: UartDriver, priority: 220, irq: 2}
                  - {name: console, program: Console, priority: 210}
                """;
        Path image = write("image.yaml", "modules:\n" + system + "  - {name: shell, program: Shell}\n");
        Image echoing = ImageFile.load(image, true);
        assertEquals(List.of("echo=on"), echoing.modules().get(5).args());
        assertEquals(List.of(), ImageFile.load(image, false).modules().get(5).args());
        Path script = write("script.txt", "ipc 2\nexit\n");
        ImageFileTest.Cli r = ImageFileTest.kola("run", image.toString(), "--script", script.toString());
        assertEquals(0, r.code(), r.err());
        ShellSessionTest.assertLines(r.out(), ShellSessionTest.q("kola> ipc 2"),
                "ipc: 2 round trips to names: \\d+ simulated cycles each", ShellSessionTest.q("kola> exit"), "bye");

        // Piped input (no terminal) echoes too: the same as the default image.
        ImageFileTest.Cli piped = ImageFileTest.kolaRun(image.toString(), "ipc 2\nexit\n");
        assertEquals(0, piped.code(), piped.err());
        ShellSessionTest.assertLines(piped.out(), ShellSessionTest.q("kola> ipc 2"),
                "ipc: 2 round trips to names: \\d+ simulated cycles each", ShellSessionTest.q("kola> exit"), "bye");

        // echo=off in the image's args wins.
        Path quiet = write("quiet.yaml", "modules:\n" + system + "  - {name: shell, program: kola.system.Shell, args: [echo=off]}\n");
        assertEquals(List.of("echo=off"), ImageFile.load(quiet, true).modules().get(5).args());
        ImageFileTest.Cli q = ImageFileTest.kola("run", quiet.toString(), "--script", script.toString());
        assertEquals(0, q.code(), q.err());
        assertFalse(q.out().contains("kola> ipc 2"), q.out());
        assertTrue(q.out().contains("kola> ipc: 2 round trips"), q.out());
    }
}
