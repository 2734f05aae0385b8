package kola.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program in {@code system} cannot reach any kernel object, reflection included: the probe runs
 * in a child JVM on the module path exactly as {@code ./kola} runs it, and reports what it reached.
 * (Tests themselves run on the class path, where everything is open; that is why a child JVM.)
 */
class IsolationTest {

    @Test
    void programsCannotReachKernelObjects(@TempDir Path dir) throws Exception {
        Path image = dir.resolve("probe.yaml");
        Files.writeString(image, """
                modules:
                  - {name: sigma0, program: Sigma0}
                  - {name: roottask, program: RootTask}
                  - {name: probe, program: IsolationProbe}
                """);
        String output = runOnModulePath("run", image.toString());
        assertTrue(output.contains("isolation: held"), output);
    }

    @Test
    void theProbeWouldSeeABreachOnTheClassPath() {
        // The same probe, run in this JVM where every module is unnamed and open: it must report
        // the breach, which shows the module-path result above is not a probe that cannot fail.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream ps = new java.io.PrintStream(out, true, StandardCharsets.UTF_8);
        kola.kernel.Image image = kola.kernel.Image.builder(kola.system.Sigma0::new, kola.system.RootTask::new)
                .module("probe", kola.system.IsolationProbe::new).build();
        new kola.kernel.Kernel(new kola.machine.Machine(kola.machine.Machine.Config.defaults()),
                kola.kernel.KernelConfig.defaults(), image, ps).run(10_000);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("isolation: BROKEN"), out.toString());
    }

    /** Runs the kola command in a child JVM on the module path built from this build's modules. */
    static String runOnModulePath(String... args) throws Exception {
        List<String> command = kolaCommand(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), output);
        return output;
    }

    /** The command line that runs the kola command with {@code args} in a child JVM, as {@code ./kola} runs it. */
    static List<String> kolaCommand(String... args) {
        return KolaJvm.command(List.of(), args);
    }
}
