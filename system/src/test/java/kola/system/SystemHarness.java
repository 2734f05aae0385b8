package kola.system;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.machine.Machine;

/** Boots a system image made of {@link DefaultImage.Entry} lists on a fresh kernel, for the system tests. */
final class SystemHarness {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final Kernel kernel;

    SystemHarness(List<DefaultImage.Entry> entries) {
        this(entries, false);
    }

    /**
     * A harness for {@code entries}; if {@code sandboxed}, every module is given as the class files
     * of its program (and its package), which the kernel verifies, meters and defines per space.
     */
    SystemHarness(List<DefaultImage.Entry> entries, boolean sandboxed) {
        List<Image.Module> modules = new java.util.ArrayList<>();
        for (DefaultImage.Entry e : entries) {
            modules.add(Image.Module.of(e.name(), e.program(), e.priority(), e.args(), sandboxed));
        }
        kernel = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), KernelConfig.defaults(),
                new Image(modules), new PrintStream(out, true, StandardCharsets.UTF_8));
        kernel.setInvariantChecking(true);
    }

    Kernel.RunResult run() {
        return kernel.run(2_000_000);
    }

    String console() {
        return out.toString(StandardCharsets.UTF_8);
    }

    List<String> lines() {
        return console().lines().toList();
    }
}
