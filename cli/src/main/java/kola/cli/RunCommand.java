package kola.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.machine.Machine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kola run}: boots an image and runs it until it has nothing left to do. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Boot the default image and run it to the end.")
final class RunCommand implements Callable<Integer> {
    @CommandLine.Mixin
    MachineOptions machine = new MachineOptions();

    @Option(names = "--trace-hash", description = "Print the hash of the kernel event stream at the end.")
    boolean traceHash;

    @Override
    public Integer call() {
        return boot(Images.defaultImage(), machine, traceHash, System.out);
    }

    static int boot(Image image, MachineOptions options, boolean traceHash, PrintStream out) {
        Machine m;
        Kernel kernel;
        try {
            m = new Machine(options.machineConfig());
            kernel = new Kernel(m, options.kernelConfig(), image, out);
        } catch (IllegalArgumentException e) {
            System.err.println("kola: " + e.getMessage());
            return 2;
        }
        Kernel.RunResult r = kernel.run();
        out.printf("kernel: nothing left to do after %d kernel entries, %d µs simulated%n", r.traps(),
                r.cycles() / kola.machine.CostModel.CYCLES_PER_MICROSECOND);
        if (traceHash) {
            out.printf("trace-hash: %016x (%d events)%n", r.eventHash(), r.events());
        }
        return 0;
    }
}
