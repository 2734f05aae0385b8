package kola.cli;

import java.util.concurrent.Callable;
import kola.kernel.Image;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kola demo NAME}: runs one of the paper's demos. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a demo: ipc (the IPC forms), fig1 (map, grant, unmap: paper figure 1), fig5 (a pager hierarchy: paper figure 5).")
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Mixin
    MachineOptions machine = new MachineOptions();

    @Parameters(paramLabel = "NAME", description = "ipc, fig1 or fig5")
    String name;

    @CommandLine.Option(names = "--trace-hash", description = "Print the hash of the kernel event stream at the end.")
    boolean traceHash;

    @CommandLine.Mixin
    TraceOptions trace = new TraceOptions();

    @Override
    public Integer call() {
        Image image = Images.demo(name);
        if (image == null) {
            System.err.println("kola: unknown demo '" + name + "' (try ipc, fig1, fig5)");
            return 2;
        }
        try {
            machine.requireThreadIds("demo " + name);
        } catch (IllegalArgumentException e) {
            System.err.println("kola: " + e.getMessage());
            return 2;
        }
        return RunCommand.boot(image, machine, traceHash, null, System.out, trace);
    }
}
