package kola.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import kola.kernel.Kernel;
import kola.kernel.KernelConfig;
import kola.machine.Machine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kola}: with no command, boots the default system image. */
@Command(name = "kola", mixinStandardHelpOptions = true, version = "kola 0.1.0",
        description = "Kola: an L4-family microkernel on a simulated machine.%nWith no command, boots the default system image.",
        subcommands = {RunCommand.class, ExecCommand.class, DemoCommand.class, BenchCommand.class, FuzzCommand.class, GraphCommand.class,
            ExperimentCommand.class})
public final class Main implements Callable<Integer> {

    @CommandLine.Mixin
    MachineOptions machine = new MachineOptions();

    @Override
    public Integer call() {
        try {
            machine.requireThreadIds("the default system");
        } catch (IllegalArgumentException e) {
            System.err.println("kola: " + e.getMessage());
            return 2;
        }
        return RunCommand.boot(Images.defaultImage(System.console() == null), machine, false, Stdin.open(), System.out);
    }

    public static void main(String[] args) {
        // Tasks format with the JVM's default locale (String.format): the same on every host.
        java.util.Locale.setDefault(java.util.Locale.ROOT);
        System.exit(commandLine().execute(args));
    }

    /** The {@code kola} command line: a bad argument gets one line naming it, and exit code 2. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintStream err = System.err;
            String what = String.valueOf(ex.getMessage()).lines().findFirst().orElse("bad arguments");
            err.println("kola: " + what + " (see 'kola --help')");
            return 2;
        });
        return cl;
    }
}
