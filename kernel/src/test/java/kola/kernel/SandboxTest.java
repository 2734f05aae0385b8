package kola.kernel;

import static kola.kernel.KernelHarness.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import kola.abi.L4;
import kola.abi.MsgTag;
import org.junit.jupiter.api.Test;

/**
 * Modules given as class files run sandboxed: verified against the allowlist, defined per
 * address space, metered for preemption.
 */
class SandboxTest {
    static final long A = tid(3);
    static final long B = tid(4);
    static final long C = tid(5);

    /** A program of Java's everyday features: lambdas, records, concatenation, pattern switches, streams, seeded randomness, enums, assert. */
    static final String EVERYDAY = """
            package p;
            import java.util.*;
            import java.util.function.*;
            import java.util.stream.*;
            import kola.abi.*;
            public final class Everyday implements Program {
                enum Color { RED, GREEN }
                record Point(int x, int y) { }
                sealed interface Shape permits Sq, Circle { }
                record Sq(int side) implements Shape { }
                record Circle(int r) implements Shape { }
                static int area(Shape s) {
                    return switch (s) {
                        case Sq q -> q.side() * q.side();
                        case Circle c -> 3 * c.r() * c.r();
                    };
                }
                static String name(Color c) {
                    return switch (c) { case RED -> "red"; case GREEN -> "green"; };
                }
                static String kind(Object o) {
                    return switch (o) {
                        case Integer i when i > 10 -> "big";
                        case Integer i -> "int";
                        case String s -> "text " + s.length();
                        default -> "other";
                    };
                }
                @Override
                public void run(L4 l4) {
                    assert l4 != null;
                    List<Integer> xs = new ArrayList<>(List.of(5, 3, 8, 1));
                    xs.sort(Comparator.naturalOrder());
                    Map<String, Integer> m = new TreeMap<>();
                    m.merge("a", 1, Integer::sum);
                    m.merge("a", 2, Integer::sum);
                    Function<Integer, Integer> twice = x -> 2 * x;
                    int sum = xs.stream().map(twice).mapToInt(Integer::intValue).sum();
                    String joined = IntStream.range(0, 4).mapToObj(Integer::toString).collect(Collectors.joining(","));
                    SplittableRandom r = new SplittableRandom(42);
                    long seeded = new SplittableRandom(42).nextLong() == r.nextLong() ? 1 : 0;
                    Point p = new Point(1, 2);
                    StringBuilder b = new StringBuilder();
                    for (int i = 0; i < 3; i++) {
                        b.append(i);
                    }
                    l4.kdbPrint("everyday: " + xs + " " + m + " " + sum + " " + joined + " " + seeded + " " + p
                            + " " + p.equals(new Point(1, 2)) + " " + area(new Sq(3)) + " " + area(new Circle(1))
                            + " " + name(Color.GREEN) + " " + kind(42) + " " + kind(7) + " " + kind("abc") + " " + b
                            + " " + Color.valueOf("RED").ordinal() + " " + Math.max(3, 4) + " " + Long.toHexString(255));
                }
            }
            """;

    @Test
    void everydayJavaPassesVerificationAndRunsSandboxed() {
        ProgramClasses classes = TaskSources.compile("p.Everyday", EVERYDAY);
        assertNull(TaskVerifier.refusal("everyday", classes));
        KernelHarness h = new KernelHarness();
        h.root(l4 -> h.startTask(l4, A, "everyday", 0, 100));
        h.module("everyday", classes);
        h.run();
        h.assertNoFailures();
        h.assertConsoleContains("everyday: [1, 3, 5, 8] {a=3} 34 0,1,2,3 1 Point[x=1, y=2] true 9 3 green big int"
                + " text 3 012 0 4 ff");
    }

    static final String SPINNER = """
            package p;
            public final class Spinner implements kola.abi.Program {
                @Override
                public void run(kola.abi.L4 l4) {
                    while (true) {
                    }
                }
            }
            """;

    static final String BYSTANDER = """
            package p;
            import kola.abi.*;
            public final class Bystander implements Program {
                @Override
                public void run(L4 l4) {
                    long sum = 0;
                    for (int i = 0; i < 50; i++) {
                        l4.setMr(0, MsgTag.make(i, 0, 0));
                        long tag = l4.call(%dL);
                        sum += MsgTag.label(tag);
                    }
                    l4.kdbPrint("bystander: 50 calls, labels sum " + sum + ", at " + l4.systemClock() + " us");
                }
            }
            """.formatted(C);

    private static KernelHarness spinnerAndBystander() {
        // A 10 us slice: 10,000 cycles, which the spinner's one-instruction loop takes 10,000 rounds to use.
        KernelHarness h = new KernelHarness().unchecked().config(KernelConfig.defaults().withTimeslice(10));
        h.root(l4 -> {
            h.startTask(l4, C, "echo", 0, 100);
            h.startTask(l4, A, "spin", 0, 100);
            h.startTask(l4, B, "bystander", 0, 100);
        });
        h.module("echo", FaultContainmentTest::echo);
        h.module("spin", TaskSources.compile("p.Spinner", SPINNER));
        h.module("bystander", TaskSources.compile("p.Bystander", BYSTANDER));
        return h;
    }

    @Test
    void aSpinningTaskIsPreemptedAndABystanderMakesProgressDeterministically() {
        KernelHarness h = spinnerAndBystander();
        Kernel.RunResult first = h.run(4_000);
        h.assertNoFailures();
        // 50 calls answered with label + 1: 1 + 2 + ... + 50.
        h.assertConsoleContains("bystander: 50 calls, labels sum 1275");
        assertEquals("ready", h.state(A), "the spinner still runs");
        assertEquals(4_000, first.traps(), "the spinner keeps being preempted: the run ends at its trap bound");
        long slice = 10 * kola.machine.CostModel.CYCLES_PER_MICROSECOND;
        assertTrue(first.cycles() > 3_000 * slice, "spinning costs simulated time: " + first.cycles());
        Kernel.RunResult second = spinnerAndBystander().run(4_000);
        assertEquals(first, second, "same image, same run");
    }

    static final String COUNTER = """
            package p;
            public final class Counter implements kola.abi.Program {
                static int starts;
                static final StringBuilder seen = new StringBuilder();
                @Override
                public void run(kola.abi.L4 l4) {
                    starts++;
                    seen.append(kola.abi.ThreadId.toString(l4.myGlobalId())).append(' ');
                    l4.kdbPrint("counter starts " + starts + ": " + seen.toString().trim());
                }
            }
            """;

    @Test
    void staticStateIsPerAddressSpace() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "counter", 0, 100);
            h.startTask(l4, B, "counter", 0, 100);
            // A second thread in A's space shares A's classes.
            h.startThread(l4, C, A, 1, "counter", 0, 100);
        });
        h.module("counter", TaskSources.compile("p.Counter", COUNTER));
        h.run();
        h.assertNoFailures();
        String a = kola.abi.ThreadId.toString(A);
        String b = kola.abi.ThreadId.toString(B);
        String c = kola.abi.ThreadId.toString(C);
        h.assertConsoleContains("counter starts 1: " + a + "\n");
        h.assertConsoleContains("counter starts 1: " + b + "\n");
        h.assertConsoleContains("counter starts 2: " + a + " " + c + "\n");
    }

    /** One hostile program: the body of its {@code run}, extra members, and the line that refuses it. */
    record Hostile(String body, String members, String refusal) {
    }

    private static String hostileSource(Hostile x) {
        return """
                package p;
                import kola.abi.*;
                public class Bad implements Program {
                    %s
                    @Override
                    public void run(L4 l4) {
                        %s
                    }
                }
                """.formatted(x.members(), x.body());
    }

    private static final String PREFIX = "kola: module bad: class p.Bad, method ";

    static final List<Hostile> HOSTILE = List.of(
            new Hostile("System.exit(1);", "",
                    PREFIX + "run: refers to java.lang.System (not allowed in a task: host system)"),
            new Hostile("long t = System.nanoTime();", "",
                    PREFIX + "run: refers to java.lang.System (not allowed in a task: host system)"),
            new Hostile("Runtime.getRuntime().gc();", "",
                    PREFIX + "run: refers to java.lang.Runtime (not allowed in a task: host system)"),
            new Hostile("new Thread(() -> { }).start();", "",
                    PREFIX + "run: refers to java.lang.Thread (not allowed in a task: host threads)"),
            new Hostile("Thread.ofVirtual().start(() -> { });", "",
                    PREFIX + "run: refers to java.lang.Thread (not allowed in a task: host threads)"),
            new Hostile("ThreadLocal<String> t = new ThreadLocal<>();", "",
                    PREFIX + "run: refers to java.lang.ThreadLocal (not allowed in a task: host threads)"),
            new Hostile("try { new ProcessBuilder(\"ls\").start(); } catch (Exception e) { }", "",
                    PREFIX + "run: refers to java.lang.ProcessBuilder (not allowed in a task: host system)"),
            new Hostile("try { Class.forName(\"kola.kernel.Kernel\"); } catch (Exception e) { }", "",
                    PREFIX + "run: refers to java.lang.Class.forName (not allowed in a task: reflection)"),
            new Hostile("l4.getClass().getDeclaredFields();", "",
                    PREFIX + "run: refers to java.lang.Class.getDeclaredFields (not allowed in a task: reflection)"),
            new Hostile("Object o = java.lang.reflect.Array.newInstance(String.class, 1);", "",
                    PREFIX + "run: refers to java.lang.reflect.Array (not allowed in a task: reflection)"),
            new Hostile("try { java.lang.invoke.MethodHandles.lookup(); } catch (Exception e) { }", "",
                    PREFIX + "run: refers to java.lang.invoke.MethodHandles.lookup (not allowed in a task: reflection)"),
            new Hostile("new java.io.File(\"/etc/passwd\").delete();", "",
                    PREFIX + "run: refers to java.io.File (not allowed in a task: host I/O)"),
            new Hostile("try { java.nio.file.Files.readAllBytes(null); } catch (Exception e) { }", "",
                    PREFIX + "run: refers to java.nio.file.Files (not allowed in a task: host I/O)"),
            new Hostile("try { new java.net.Socket(\"localhost\", 80); } catch (Exception e) { }", "",
                    PREFIX + "run: refers to java.net.Socket (not allowed in a task: host I/O)"),
            new Hostile("java.lang.foreign.Arena a = java.lang.foreign.Arena.global();", "",
                    PREFIX + "run: refers to java.lang.foreign.Arena (not allowed in a task: foreign memory)"),
            new Hostile("java.lang.management.ManagementFactory.getRuntimeMXBean();", "",
                    PREFIX + "run: refers to java.lang.management.ManagementFactory (not allowed in a task: management)"),
            new Hostile("java.time.Instant.now();", "",
                    PREFIX + "run: refers to java.time.Instant (not allowed in a task: host clock)"),
            new Hostile("double d = Math.random();", "",
                    PREFIX + "run: refers to java.lang.Math.random (not allowed in a task: host randomness)"),
            new Hostile("new java.util.Random().nextInt();", "",
                    PREFIX + "run: refers to java.util.Random.<init> (not allowed in a task: host randomness: give a seed)"),
            new Hostile("new java.util.SplittableRandom().nextInt();", "",
                    PREFIX + "run: refers to java.util.SplittableRandom.<init> (not allowed in a task: host randomness: give a seed)"),
            new Hostile("java.util.concurrent.ThreadLocalRandom.current().nextInt();", "",
                    PREFIX + "run: refers to java.util.concurrent.ThreadLocalRandom (not allowed in a task: host randomness)"),
            new Hostile("new java.security.SecureRandom().nextInt();", "",
                    PREFIX + "run: refers to java.security.SecureRandom (not allowed in a task: host randomness)"),
            new Hostile("synchronized (this) { l4.myGlobalId(); }", "",
                    PREFIX + "run: refers to monitorenter (not allowed in a task: monitors)"),
            new Hostile("f();", "synchronized void f() { }",
                    PREFIX + "f: refers to ACC_SYNCHRONIZED (not allowed in a task: monitors)"),
            new Hostile("try { wait(); } catch (Exception e) { }", "",
                    PREFIX + "run: refers to java.lang.Object.wait (not allowed in a task: monitors)"),
            new Hostile("new java.util.ArrayList<String>().notifyAll();", "",
                    PREFIX + "run: refers to java.lang.Object.notifyAll (not allowed in a task: monitors)"),
            new Hostile("java.util.List.of(1).parallelStream().count();", "",
                    PREFIX + "run: refers to java.util.List.parallelStream (not allowed in a task: host threads)"),
            new Hostile("new RuntimeException().printStackTrace();", "",
                    PREFIX + "run: refers to java.lang.RuntimeException.printStackTrace (not allowed in a task: host I/O)"),
            new Hostile("Object u = sun.misc.Unsafe.class;", "",
                    PREFIX + "run: refers to sun.misc.Unsafe (not allowed in a task: JDK internals)"),
            new Hostile("kola.kernel.Meter.charge(-1000000);", "",
                    PREFIX + "run: refers to kola.kernel.Meter (not allowed in a task: kernel internals)"),
            new Hostile("", "@SuppressWarnings(\"removal\") protected void finalize() { }",
                    PREFIX + "finalize: refers to finalize() (not allowed in a task: finalizers run on a host thread)"),
            new Hostile("", "static java.util.Vector<String> v;",
                    "kola: module bad: class p.Bad, field v: refers to java.util.Vector (not allowed in a task: not on the task allowlist)"));

    @Test
    void everyForbiddenReferenceIsRefusedWithOneLine() {
        for (Hostile x : HOSTILE) {
            ProgramClasses classes = TaskSources.compile("p.Bad", hostileSource(x));
            assertEquals(x.refusal(), TaskVerifier.refusal("bad", classes), x.body() + x.members());
        }
    }

    @Test
    void aForbiddenReferenceInAnotherClassOfTheModuleIsFoundThroughTheMainClass() {
        ProgramClasses classes = TaskSources.compile("p.Main", Map.of(
                "p.Main", "package p; public class Main implements kola.abi.Program { public void run(kola.abi.L4 l4) { Helper.go(); } }",
                "p.Helper", "package p; class Helper { static void go() { System.gc(); } }"));
        assertEquals("kola: module m: class p.Helper, method go: refers to java.lang.System (not allowed in a task: host system)",
                TaskVerifier.refusal("m", classes));
    }

    @Test
    void aModuleWithoutItsMainClassOrWithABrokenClassFileIsRefused() {
        ProgramClasses none = TaskSources.of("p.Missing", Map.of());
        assertEquals("kola: module m: class p.Missing: the module has no class file for it", TaskVerifier.refusal("m", none));
        ProgramClasses broken = TaskSources.of("p.Broken", Map.of("p.Broken", new byte[] {1, 2, 3}));
        String line = TaskVerifier.refusal("m", broken);
        assertTrue(line.startsWith("kola: module m: class p.Broken: not a valid class file ("), line);
        ProgramClasses renamed = TaskSources.of("p.Other", TaskSources.classFiles(Map.of("p.Main",
                "package p; public class Main implements kola.abi.Program { public void run(kola.abi.L4 l4) { } }")));
        assertEquals("kola: module m: class p.Other: the module has no class file for it", TaskVerifier.refusal("m", renamed));
    }

    @Test
    void aRefusedModuleIsReportedOnceItsThreadsHaltAndTheRestGoOn() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "bad", 0, 100);
            h.startThread(l4, C, A, 1, "bad", 0, 100);
            h.startTask(l4, B, "good", 0, 90);
        });
        h.module("bad", TaskSources.compile("p.Bad", hostileSource(HOSTILE.get(0))));
        h.module("good", l4 -> h.log("good ran"));
        h.run();
        h.assertNoFailures();
        String line = HOSTILE.get(0).refusal();
        String console = h.console();
        assertEquals(1, console.lines().filter(line::equals).count(), "the refusal is reported once:\n" + console);
        h.assertConsoleContains("kernel: thread " + kola.abi.ThreadId.toString(A) + " (bad) halted: " + line + "\n");
        h.assertConsoleContains("kernel: thread " + kola.abi.ThreadId.toString(C) + " (bad) halted: " + line + "\n");
        assertEquals("inactive", h.state(A));
        assertEquals(List.of("good ran"), h.log);
    }

    static final String THROWS_IN_CONSTRUCTOR = """
            package p;
            public final class Ctor implements kola.abi.Program {
                public Ctor() {
                    throw new IllegalStateException("constructor says no");
                }
                public void run(kola.abi.L4 l4) {
                }
            }
            """;

    static final String THROWS_IN_STATIC_INIT = """
            package p;
            public final class Clinit implements kola.abi.Program {
                static final int VALUE = Integer.parseInt("not a number");
                public void run(kola.abi.L4 l4) {
                }
            }
            """;

    @Test
    void aThrowingConstructorOrStaticInitializerHaltsOnlyThatTask() {
        KernelHarness h = new KernelHarness();
        h.root(l4 -> {
            h.startTask(l4, A, "ctor", 0, 100);
            h.startTask(l4, B, "clinit", 0, 100);
            h.startTask(l4, C, "good", 0, 100);
        });
        h.module("ctor", TaskSources.compile("p.Ctor", THROWS_IN_CONSTRUCTOR));
        h.module("clinit", TaskSources.compile("p.Clinit", THROWS_IN_STATIC_INIT));
        h.module("good", TaskSources.compile("p.Good", """
                package p;
                public final class Good implements kola.abi.Program {
                    public void run(kola.abi.L4 l4) { l4.kdbPrint("good: still running"); }
                }
                """));
        h.run();
        h.assertNoFailures();
        h.assertConsoleContains("kernel: thread " + kola.abi.ThreadId.toString(A)
                + " (ctor) halted: java.lang.IllegalStateException: constructor says no\n");
        h.assertConsoleContains("kernel: thread " + kola.abi.ThreadId.toString(B)
                + " (clinit) halted: java.lang.ExceptionInInitializerError: java.lang.NumberFormatException: For input string: \"not a number\"\n");
        h.assertConsoleContains("good: still running");
    }

    @Test
    void aModuleGivesAFactoryOrClassFilesNotBothNorNeither() {
        ProgramClasses classes = TaskSources.compile("p.Spinner", SPINNER);
        var both = assertThrows(IllegalArgumentException.class,
                () -> new Image.Module("m", () -> l4 -> { }, classes, null, 100, List.of()));
        assertEquals("module m: give one of a program factory, class files or an ELF executable, not 2", both.getMessage());
        var neither = assertThrows(IllegalArgumentException.class, () -> Image.Module.ofClasses("m", null, 100, List.of()));
        assertEquals("module m: give one of a program factory, class files or an ELF executable, not none", neither.getMessage());
    }
}
