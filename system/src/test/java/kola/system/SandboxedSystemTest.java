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
        for (List<DefaultImage.Entry> demo : List.of(DefaultImage.fig1(), DefaultImage.fig5())) {
            SystemHarness plain = new SystemHarness(demo);
            SystemHarness sandboxed = new SystemHarness(demo, true);
            kola.kernel.Kernel.RunResult p = plain.run();
            kola.kernel.Kernel.RunResult s = sandboxed.run();
            assertEquals(List.of(), sandboxed.lines().stream()
                    .filter(l -> l.contains("halted") || l.startsWith("kola: module")).toList(), sandboxed.console());
            assertEquals(dumps(plain), dumps(sandboxed));
            org.junit.jupiter.api.Assertions.assertTrue(dumps(plain).size() > 10, plain.console());
            org.junit.jupiter.api.Assertions.assertTrue(s.cycles() > p.cycles(),
                    "metered code costs simulated time: " + s.cycles() + " vs " + p.cycles());
        }
    }
}
