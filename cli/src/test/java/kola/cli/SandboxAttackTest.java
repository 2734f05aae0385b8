package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The isolation suite (docs/SECURITY.md): hostile programs, given as sources in an image's
 * {@code programs:} and run the way {@code ./kola run} runs them, beside a well-behaved bystander.
 * Each attack is either refused when the image loads, with one line and exit code 2, or contained:
 * the hostile task halts (or is stopped), the bystander does all its work, and two runs give the
 * same {@code --trace-hash}. The attacks that need the launcher's JVM (its flags, its boot layer,
 * an exhausted heap) run in a child JVM started as {@code ./kola} starts one ({@link KolaJvm}).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SandboxAttackTest {
    @TempDir
    Path dir;

    /**
     * The bystander: starts the hostile module (it is {@code manual}), computes and prints five
     * rounds (each longer than a 10 ms time slice, so the hostile task, of the same priority, gets
     * the CPU between them), stops it, and says it is done.
     */
    static final String BYSTANDER = """
            import kola.abi.*;
            import kola.system.Protocol;

            public final class Bystander implements Program {
                @Override
                public void run(L4 l4) {
                    Kip.BootModule hostile = l4.kernelInterface().module("hostile");
                    l4.kdbPrint("starting hostile: " + root(l4, Protocol.ROOT_START, hostile.index()));
                    long sum = 0;
                    for (int round = 1; round <= 5; round++) {
                        for (int i = 0; i < 1_000_000; i++) {
                            sum += i % 7;
                        }
                        l4.kdbPrint("round " + round + ", sum " + sum);
                    }
                    l4.kdbPrint("stopping hostile: " + root(l4, Protocol.ROOT_STOP, hostile.index()));
                    l4.kdbPrint("done");
                }

                /** A request to the root task about boot module {@code index}: its reply label, or -1. */
                static long root(L4 l4, long label, int index) {
                    l4.setMr(0, MsgTag.make(label, 1, 0));
                    l4.setMr(1, index);
                    long tag = l4.call(l4.kernelInterface().rootTask());
                    return MsgTag.failed(tag) ? -1 : MsgTag.label(tag);
                }
            }
            """;

    static final String BYSTANDER_DONE = "\nbystander: round 5, sum 14999985\nbystander: stopping hostile: 0\nbystander: done\n";

    /** A hostile program: extra members and the body of its {@code run}. */
    static String hostile(String members, String body) {
        return """
                import kola.abi.*;

                public final class Hostile implements Program {
                    %s

                    @Override
                    public void run(L4 l4) {
                        %s
                    }
                }
                """.formatted(members, body);
    }

    /** The image: sigma0, the root task, the hostile module (3, manual), more modules, the bystander. */
    Path image(String hostileSource, String moreModules) throws IOException {
        Files.writeString(dir.resolve("Hostile.java"), hostileSource, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("Bystander.java"), BYSTANDER, StandardCharsets.UTF_8);
        Path image = dir.resolve("image.yaml");
        Files.writeString(image, """
                programs: [Hostile.java, Bystander.java]
                modules:
                  - {name: sigma0, program: Sigma0}
                  - {name: roottask, program: RootTask}
                  - {name: hostile, program: Hostile, manual: true}
                %s  - {name: bystander, program: Bystander}
                """.formatted(moreModules), StandardCharsets.UTF_8);
        return image;
    }

    private static final String RUN = "method run: refers to ";

    /** Attacks refused when the image loads: the code, and what the one line says it refers to. */
    static Stream<Arguments> refused() {
        return Stream.of(
                row("System.exit", "", "System.exit(1);", RUN + "java.lang.System (not allowed in a task: host system)"),
                row("Runtime.halt", "", "Runtime.getRuntime().halt(1);",
                        RUN + "java.lang.Runtime (not allowed in a task: host system)"),
                row("Thread.sleep", "", "try { Thread.sleep(1_000); } catch (Exception e) { }",
                        RUN + "java.lang.Thread (not allowed in a task: host threads)"),
                row("Object.wait", "", "try { wait(); } catch (Exception e) { }",
                        RUN + "java.lang.Object.wait (not allowed in a task: monitors)"),
                row("LockSupport.park", "", "java.util.concurrent.locks.LockSupport.park();",
                        RUN + "java.util.concurrent.locks.LockSupport (not allowed in a task: host threads)"),
                row("synchronized across an IPC", "", "synchronized (this) { l4.call(l4.kernelInterface().rootTask()); }",
                        RUN + "monitorenter (not allowed in a task: monitors)"),
                row("synchronized method", "synchronized void hold(L4 l4) { l4.call(l4.kernelInterface().rootTask()); }",
                        "hold(l4);", "method hold: refers to ACC_SYNCHRONIZED (not allowed in a task: monitors)"),
                row("sun.misc.Unsafe", "", """
                        try {
                            var f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                            f.setAccessible(true);
                            ((sun.misc.Unsafe) f.get(null)).putLong(0L, 42L);
                        } catch (Exception e) { }""", RUN + "sun.misc.Unsafe (not allowed in a task: JDK internals)"),
                row("MethodHandles.lookup", "", "try { java.lang.invoke.MethodHandles.privateLookupIn(Object.class,"
                        + " java.lang.invoke.MethodHandles.lookup()); } catch (Exception e) { }",
                        RUN + "java.lang.invoke.MethodHandles.lookup (not allowed in a task: reflection)"),
                row("IMPL_LOOKUP", "", "try { java.lang.invoke.MethodHandles.Lookup.class.getDeclaredField(\"IMPL_LOOKUP\");"
                        + " } catch (Exception e) { }",
                        RUN + "java.lang.Class.getDeclaredField (not allowed in a task: reflection)"),
                row("FFM Linker", "", "java.lang.foreign.Linker.nativeLinker().defaultLookup().find(\"exit\");",
                        RUN + "java.lang.foreign.Linker (not allowed in a task: foreign memory)"),
                row("FFM MemorySegment.reinterpret", "", "java.lang.foreign.MemorySegment.NULL.reinterpret(8)"
                        + ".set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 42L);",
                        RUN + "java.lang.foreign.MemorySegment (not allowed in a task: foreign memory)"),
                row("heap dump (management)", "", """
                        try {
                            java.lang.management.ManagementFactory.getPlatformMXBean(
                                    com.sun.management.HotSpotDiagnosticMXBean.class).dumpHeap("/tmp/kola.hprof", true);
                        } catch (Exception e) { }""",
                        RUN + "com.sun.management.HotSpotDiagnosticMXBean (not allowed in a task: JDK internals)"),
                row("read a file", "", "try { l4.kdbPrint(java.nio.file.Files.readString(java.nio.file.Path.of(\"/etc/passwd\")));"
                        + " } catch (Exception e) { }", RUN + "java.nio.file.Path (not allowed in a task: host I/O)"),
                row("write a file", "", "try (var o = new java.io.FileOutputStream(\"/tmp/kola-pwned\")) { o.write(1); }"
                        + " catch (Exception e) { }", RUN + "java.io.FileOutputStream (not allowed in a task: host I/O)"),
                row("start a process", "", "try { new ProcessBuilder(\"sh\", \"-c\", \"id\").start(); } catch (Exception e) { }",
                        RUN + "java.lang.ProcessBuilder (not allowed in a task: host system)"),
                row("Runtime.exec", "", "try { Runtime.getRuntime().exec(new String[] {\"id\"}); } catch (Exception e) { }",
                        RUN + "java.lang.Runtime (not allowed in a task: host system)"),
                row("platform thread", "", "new Thread(() -> { while (true) { } }).start();",
                        RUN + "java.lang.Thread (not allowed in a task: host threads)"),
                row("virtual thread", "", "Thread.startVirtualThread(() -> { });",
                        RUN + "java.lang.Thread (not allowed in a task: host threads)"),
                row("System.setProperty", "", "System.setProperty(\"user.dir\", \"/\");",
                        RUN + "java.lang.System (not allowed in a task: host system)"),
                row("Locale.setDefault", "", "java.util.Locale.setDefault(java.util.Locale.GERMANY);",
                        RUN + "java.util.Locale (not allowed in a task: not on the task allowlist)"),
                row("Thread.setName", "", "Thread.currentThread().setName(\"pwned\");",
                        RUN + "java.lang.Thread (not allowed in a task: host threads)"),
                row("System.nanoTime", "", "l4.kdbPrint(\"\" + System.nanoTime());",
                        RUN + "java.lang.System (not allowed in a task: host system)"),
                row("System.currentTimeMillis", "", "l4.kdbPrint(\"\" + System.currentTimeMillis());",
                        RUN + "java.lang.System (not allowed in a task: host system)"),
                row("Math.random", "", "l4.kdbPrint(\"\" + Math.random());",
                        RUN + "java.lang.Math.random (not allowed in a task: host randomness)"),
                row("Class.forName", "", "try { Class.forName(\"kola.kernel.Kernel\"); } catch (Exception e) { }",
                        RUN + "java.lang.Class.forName (not allowed in a task: reflection)"),
                row("getDeclaredFields", "", "l4.kdbPrint(\"\" + l4.getClass().getDeclaredFields().length);",
                        RUN + "java.lang.Class.getDeclaredFields (not allowed in a task: reflection)"),
                row("setAccessible", "", "java.lang.reflect.Field f = null; f.setAccessible(true);",
                        RUN + "java.lang.reflect.Field (not allowed in a task: reflection)"),
                row("class loader", "", "l4.kdbPrint(\"\" + getClass().getClassLoader());",
                        RUN + "java.lang.Class.getClassLoader (not allowed in a task: reflection)"));
    }

    static Arguments row(String attack, String members, String body, String refusal) {
        return Arguments.of(attack, members, body, refusal);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedAtLoadWithOneLine(String attack, String members, String body, String refusal) throws IOException {
        Path image = image(hostile(members, body), "");
        ImageFileTest.Cli r = ImageFileTest.kola("run", image.toString(), "--trace-hash");
        assertEquals(2, r.code(), () -> attack + ": exit code; err: " + r.err() + "\nout: " + r.out());
        assertEquals("", r.out(), attack + ": nothing booted");
        assertEquals("kola: " + image + ": module 3 (hostile): module hostile: class Hostile, " + refusal + "\n", r.err(),
                attack);
    }

    /** Attacks contained at run time: the code, more modules, and what the console must show. */
    static Stream<Arguments> contained() {
        return Stream.of(
                Arguments.of("while (true) {} with no system call", true, "",
                        "l4.kdbPrint(\"spinning\");\n        while (true) { }", "",
                        // Preempted in the bystander's first round, and again and again: the bystander finishes.
                        List.of("\nbystander: starting hostile: 0\nhostile: spinning\nbystander: round 1, sum 2999997\n")),
                // Reproducible: the meter ends the recursion at its stack budget, counted from the class
                // files, long before the JVM's own stack (whose depth depends on what the JIT compiled).
                Arguments.of("StackOverflowError (infinite recursion)", true, "static int deeper(int n) { return deeper(n + 1) + 1; }",
                        "l4.setExceptionHandler(l4.kernelInterface().rootTask());\n        deeper(0);", "",
                        List.of(" java.lang.StackOverflowError: more than 32768 words of stack -> exception IPC to ",
                                "died (exception code 3); restarting it (1/3)")),
                // A task that catches its overflow goes on, with its stack back where it caught it.
                Arguments.of("StackOverflowError caught and recursion tried again", true,
                        "static int depth;\n    static int deeper(int n) { depth = n; return deeper(n + 1) + 1; }",
                        "for (int i = 0; i < 3; i++) {\n"
                                + "            try { deeper(0); } catch (StackOverflowError e) { l4.kdbPrint(\"overflow at depth \" + depth); }\n"
                                + "        }", "",
                        List.of("\nhostile: overflow at depth 2182\nhostile: overflow at depth 2182\nhostile: overflow at depth 2182\n")),
                Arguments.of("static field of a shared class as a channel", true, """
                        static final class Channel {
                            static int value;
                        }""", "Channel.value++;\n        l4.kdbPrint(\"channel holds \" + Channel.value);",
                        "  - {name: writer, program: Hostile}\n",
                        List.of("\nwriter: channel holds 1\n", "\nhostile: channel holds 1\n")),
                Arguments.of("huge array (in process: an ordinary OutOfMemoryError)", true, "",
                        "for (int i = 0; i < 3; i++) {\n"
                                + "            try { long[] a = new long[Integer.MAX_VALUE - 8]; l4.kdbPrint(\"got \" + a.length); }\n"
                                + "            catch (OutOfMemoryError e) { l4.kdbPrint(\"refused an array\"); }\n"
                                + "        }\n        long[] b = new long[Integer.MAX_VALUE - 8];", "",
                        List.of("\nhostile: refused an array\nhostile: refused an array\nhostile: refused an array\n",
                                " halted: java.lang.OutOfMemoryError")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contained")
    void containedWhileTheBystanderCompletes(String attack, boolean reproducible, String members, String body,
                                             String moreModules, List<String> shown) throws IOException {
        Path image = image(hostile(members, body), moreModules);
        String first = runContained(attack, image);
        for (String s : shown) {
            assertTrue(first.contains(s), () -> attack + ": shows " + s + ":\n" + first);
        }
        String second = runContained(attack, image);
        if (reproducible) {
            assertEquals(traceHash(first), traceHash(second), () -> attack + ": the same run twice:\n" + first + "\n" + second);
        } else {
            assertEquals(first.replaceAll("kernel: nothing left to do .*", "").replaceAll("trace-hash: .*", ""),
                    second.replaceAll("kernel: nothing left to do .*", "").replaceAll("trace-hash: .*", ""),
                    () -> attack + ": the same console twice, but for the time:\n" + first + "\n" + second);
        }
    }

    private static String runContained(String attack, Path image) {
        ImageFileTest.Cli r = ImageFileTest.kola("run", image.toString(), "--trace-hash");
        assertEquals(0, r.code(), () -> attack + ": exit code; err: " + r.err() + "\nout: " + r.out());
        assertEquals("", r.err(), attack);
        assertTrue(r.out().contains(BYSTANDER_DONE), () -> attack + ": the bystander did all its work:\n" + r.out());
        return r.out();
    }

    static String traceHash(String out) {
        Matcher m = Pattern.compile("trace-hash: ([0-9a-f]{16}) \\(\\d+ events\\)").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    // ---- in the launcher's JVM ------------------------------------------------------------------

    record Child(int code, String output) {
    }

    static Child child(List<String> jvmOptions, String... args) throws Exception {
        List<String> command = KolaJvm.command(jvmOptions, args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        return new Child(p.exitValue(), output);
    }

    @Test
    void theLaunchersBootLayerHasNoBackDoors() throws Exception {
        List<String> command = new ArrayList<>(List.of(KolaJvm.java()));
        command.addAll(KolaJvm.launcherFlags());
        command.addAll(List.of("-p", KolaJvm.modulePath(), "--list-modules"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        List<String> modules = output.lines().map(l -> l.replaceAll("@.*", "")).toList();
        for (String closed : List.of("jdk.unsupported", "jdk.management", "jdk.attach", "java.instrument",
                "java.management", "jdk.internal.vm.ci", "java.desktop", "java.sql")) {
            assertFalse(modules.contains(closed), () -> closed + " is observable: " + modules);
        }
        for (String needed : List.of("java.base", "java.compiler", "jdk.compiler", "jdk.jfr", "kola.cli", "kola.kernel")) {
            assertTrue(modules.contains(needed), () -> needed + " is missing: " + modules);
        }
        List<String> flags = KolaJvm.launcherFlags();
        assertTrue(flags.contains("--sun-misc-unsafe-memory-access=deny"), flags.toString());
        assertTrue(flags.contains("--illegal-native-access=deny"), flags.toString());
        assertTrue(flags.contains("-XX:+ExitOnOutOfMemoryError"), flags.toString());
    }

    @Test
    void aSpinnerIsContainedInTheLaunchersJvmToo() throws Exception {
        Path image = image(hostile("", "l4.kdbPrint(\"spinning\");\n        while (true) { }"), "");
        Child c = child(List.of(), "run", image.toString(), "--trace-hash");
        assertEquals(0, c.code(), c.output());
        assertTrue(c.output().contains("\nhostile: spinning\n") && c.output().contains(BYSTANDER_DONE), c.output());
    }

    /**
     * The heap is the JVM's, shared by every task, and cannot be bounded per task: a task that asks
     * for more than there is ends the run in the launcher's JVM, with the JVM's one line and exit
     * code 3 (-XX:+ExitOnOutOfMemoryError), never a hang nor a kernel left half-way. Both ways: one
     * array larger than the heap, asked for again and again (caught), and a heap filled up.
     */
    @Test
    void anExhaustedHeapEndsTheRunWithOneLine() throws Exception {
        String huge = hostile("", """
                for (int i = 0; i < 100; i++) {
                            try { long[] a = new long[Integer.MAX_VALUE - 8]; l4.kdbPrint("got " + a.length); }
                            catch (OutOfMemoryError e) { l4.kdbPrint("still here"); }
                        }""");
        String filling = hostile("", """
                java.util.List<long[]> kept = new java.util.ArrayList<>();
                        while (true) {
                            try { kept.add(new long[1 << 20]); } catch (OutOfMemoryError e) { l4.kdbPrint("still here"); }
                        }""");
        for (String source : List.of(huge, filling)) {
            Path image = image(source, "");
            Child c = child(List.of("-Xmx256m"), "run", image.toString());
            assertEquals(3, c.code(), c.output());
            assertTrue(c.output().contains("Terminating due to java.lang.OutOfMemoryError: Java heap space\n"), c.output());
            assertFalse(c.output().contains("still here"), c.output());
            assertFalse(c.output().contains("kernel: nothing left to do"), c.output());
        }
    }
}
