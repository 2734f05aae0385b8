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
        Image.Builder b = Image.builder(entries.get(0).program(), entries.get(1).program());
        for (DefaultImage.Entry e : entries.subList(2, entries.size())) {
            b.module(e.name(), e.program(), e.priority(), e.args());
        }
        kernel = new Kernel(new Machine(Machine.Config.defaults().withUart(null, null)), KernelConfig.defaults(),
                b.build(), new PrintStream(out, true, StandardCharsets.UTF_8));
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
