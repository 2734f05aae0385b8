package kola.cli;

import java.io.FileNotFoundException;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.machine.Machine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kola run}: boots an image and runs it until it has nothing left to do or its input ends. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Boot an image (default: the default system) and run it until it has nothing left to do or its input ends.")
final class RunCommand implements Callable<Integer> {
    @CommandLine.Mixin
    MachineOptions machine = new MachineOptions();

    @CommandLine.Parameters(paramLabel = "IMAGE.yaml", arity = "0..1", description = "An image described in YAML.")
    Path imageFile;

    @Option(names = "--script", paramLabel = "FILE", description = "Feed FILE to the console instead of the terminal.")
    Path script;

    @Option(names = "--trace-hash", description = "Print the hash of the kernel event stream at the end.")
    boolean traceHash;

    @CommandLine.Mixin
    TraceOptions trace = new TraceOptions();

    @Override
    public Integer call() {
        Image image;
        InputStream in = Stdin.open();
        try {
            if (script != null) {
                in = new FileInputStream(script.toFile());
            }
            boolean echo = script != null || System.console() == null;
            if (imageFile == null) {
                machine.requireThreadIds("the default system");
            } else {
                machine.userPrograms();
            }
            image = imageFile == null ? Images.defaultImage(echo) : ImageFile.load(imageFile, echo);
            if (imageFile != null) {
                ImageFile.Models models = ImageFile.models(imageFile);
                machine.imageModels(models.comm(), models.kmem());
                machine.imageCache(models.cache());
            }
        } catch (FileNotFoundException e) {
            System.err.println("kola: --script " + script + ": cannot read: " + Problems.why(e));
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("kola: " + e.getMessage());
            return 2;
        } catch (ProgramSources.CompileError e) {
            System.err.println(e.getMessage());
            return 2;
        }
        return boot(image, machine, traceHash, in, System.out, trace);
    }

    static int boot(Image image, MachineOptions options, boolean traceHash, PrintStream out) {
        return boot(image, options, traceHash, null, out);
    }

    /** Boots {@code image} with console input {@code in} (null: none) and output {@code out}; returns the exit code. */
    static int boot(Image image, MachineOptions options, boolean traceHash, InputStream in, PrintStream out) {
        return boot(image, options, traceHash, in, out, null);
    }

    /** Like {@link #boot(Image, MachineOptions, boolean, InputStream, PrintStream)}, traced as {@code trace} (may be null) asks. */
    static int boot(Image image, MachineOptions options, boolean traceHash, InputStream in, PrintStream out,
                    TraceOptions trace) {
        Machine m;
        Kernel kernel;
        try {
            m = new Machine(options.machineConfig(in, out));
            kernel = new Kernel(m, options.kernelConfig(), image, out);
        } catch (IllegalArgumentException e) {
            System.err.println("kola: " + e.getMessage());
            return 2;
        }
        Kernel.RunResult r;
        String traced;
        ShellWatch watch = ShellWatch.of(image);
        try (TraceOptions.Session session = TraceOptions.attach(trace, kernel, watch)) {
            r = kernel.run();
            traced = session.finish();
        } catch (java.io.IOException e) {
            System.err.println("kola: " + e.getMessage());
            return 1;
        }
        out.printf("kernel: nothing left to do after %d kernel entries, %d µs simulated%n", r.traps(),
                r.cycles() / kola.machine.CostModel.CYCLES_PER_MICROSECOND);
        if (m.cache() != null) {
            out.println("kernel: " + ExecCommand.cacheLine(m.cache(), r.cycles()));
        }
        if (traceHash) {
            out.printf("trace-hash: %016x (%d events)%n", r.eventHash(), r.events());
        }
        out.print(traced);
        out.flush();
        String died = watch == null ? null : watch.verdict(kernel, options);
        if (died != null) {
            System.err.println("kola: " + died);
            return 1;
        }
        return 0;
    }
}
