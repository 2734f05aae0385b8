package kola.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kola.kernel.ClasspathClasses;
import kola.kernel.TaskVerifier;
import org.junit.jupiter.api.Test;

/** Kola's own programs pass the checks a sandboxed task's classes must pass. */
class SandboxedSystemTest {

    /** Every program class of the default image, by the first module that runs it. */
    private static Map<Class<?>, String> programs() {
        Map<Class<?>, String> out = new LinkedHashMap<>();
        for (DefaultImage.Entry e : DefaultImage.modules(List.of())) {
            out.putIfAbsent(e.program().get().getClass(), e.name());
        }
        return out;
    }

    @Test
    void everyProgramOfTheDefaultImagePassesVerification() {
        List<String> refusals = new ArrayList<>();
        programs().forEach((cls, module) -> {
            String line = TaskVerifier.refusal(module, new ClasspathClasses(cls));
            if (line != null) {
                refusals.add(line);
            }
        });
        assertEquals(List.of(), refusals);
        assertEquals(13, programs().size(), "the default image's distinct programs: " + programs().values());
    }

    @Test
    void theClasspathReaderGivesTheMainClassAndItsPackageMatesOnly() {
        ClasspathClasses classes = new ClasspathClasses(Shell.class);
        assertEquals("kola.system.Shell", classes.mainClass());
        assertEquals(0xCAFEBABE, java.nio.ByteBuffer.wrap(classes.classFile("kola.system.Protocol")).getInt());
        assertNull(classes.classFile("kola.system.NoSuchClass"));
        assertNull(classes.classFile("kola.system.fuzz.FuzzTasks"), "another package");
        assertNull(classes.classFile("java.lang.String"), "another package");
    }

    /** The kernel debugger's dumps of a run: what the demos show, which does not depend on timing. */
    private static List<String> dumps(SystemHarness h) {
        return h.lines().stream().filter(l -> l.startsWith("kdb:")).toList();
    }

    @Test
    void theFigureDemosRunSandboxedAndShowWhatTheyShowUnsandboxed() {
        for (String name : List.of("fig1", "fig5")) {
            List<DefaultImage.Entry> demo = name.equals("fig1") ? DefaultImage.fig1() : DefaultImage.fig5();
            SystemHarness plain = new SystemHarness(demo);
            SystemHarness sandboxed = new SystemHarness(demo, true);
            kola.kernel.Kernel.RunResult p = plain.run();
            kola.kernel.Kernel.RunResult s = sandboxed.run();
            assertEquals(List.of(), sandboxed.lines().stream()
                    .filter(l -> l.contains("halted") || l.startsWith("kola: module")).toList(), sandboxed.console());
            assertEquals(dumps(plain), dumps(sandboxed));
            // Every step of the demo shows, in order: fig1's six (0-5), fig5's five (0-4).
            int steps = name.equals("fig1") ? 6 : 5;
            assertEquals(java.util.stream.IntStream.range(0, steps).boxed().toList(), dumps(plain).stream()
                    .map(l -> java.util.regex.Pattern.compile("kdb: " + name + " step (\\d+): .*").matcher(l))
                    .filter(java.util.regex.Matcher::matches).map(m -> Integer.parseInt(m.group(1))).toList(), plain.console());
            org.junit.jupiter.api.Assertions.assertTrue(s.cycles() > p.cycles(),
                    "metered code costs simulated time: " + s.cycles() + " vs " + p.cycles());
        }
    }
}
