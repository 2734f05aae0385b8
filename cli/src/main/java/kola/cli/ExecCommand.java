package kola.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kola.bench.SystemImages;
import kola.kernel.ElfProgram;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.machine.Cache;
import kola.machine.Machine;
import kola.system.DefaultImage;
import kola.system.ExecRuntime;
import kola.system.Sigma0;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kola exec FILE.elf}: boots a minimal system (sigma0 and {@link ExecRuntime} as the root
 * task) and runs one freestanding RISC-V program as a task, as {@code qemu-riscv64 FILE} runs it:
 * what it writes to fd 1 and 2 goes to standard output, and its exit status becomes kola's. An
 * exception the runtime cannot resolve ends the run with one line on standard error saying where,
 * and status 128 + the RISC-V cause.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = "Run one freestanding RISC-V ELF program as a Kola task (like qemu-riscv64 FILE); "
                + "its exit status is kola's.")
final class ExecCommand implements Callable<Integer> {
    /** Where the runtime says how the run ended (its kernel-console line). */
    private static final Pattern EXIT = Pattern.compile("(?m)^exec: exit (\\d+)$");

    @CommandLine.Mixin
    MachineOptions machine = new MachineOptions();

    @CommandLine.Parameters(index = "0", paramLabel = "FILE.elf", description = "A RISC-V (RV64IMAC) ELF executable.")
    Path file;

    @CommandLine.Parameters(index = "1..*", paramLabel = "ARGS", description = "The module's arguments (in the KIP).")
    List<String> args = List.of();

    @Option(names = "--trace-hash", description = "Print the hash of the kernel event stream at the end (on standard error).")
    boolean traceHash;

    @Option(names = "--budget", paramLabel = "B/P", description = "Run the program on a budget of B µs in every P µs "
            + "(a scheduling context; 1 <= B <= P < 2^32).")
    String budget;

    @Option(names = "--privileged", description = "Make the program's space privileged, as an X.2 root task's: it may "
            + "create threads and spaces (ThreadControl, SpaceControl). The run ends when any of its threads exits.")
    boolean privileged;

    @Override
    public Integer call() {
        ElfProgram program;
        try {
            program = ElfProgram.read(file);
        } catch (IOException e) {
            System.err.println("kola: " + file + ": cannot read: " + Problems.whyProgram(e, file));
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("kola: " + file + ": " + e.getMessage());
            return 2;
        }
        long[] figures = null;
        if (budget != null) {
            figures = budget(budget);
            if (figures == null) {
                System.err.println("kola: --budget " + budget + ": give B/P in µs, 1 <= B <= P < 2^32");
                return 2;
            }
        }
        return run(program, name(file), args, machine, traceHash, System.out, System.err, runtimeArgs(figures, privileged));
    }

    /** The runtime's arguments: the program's budget ({budget, period} µs, or null), whether it is privileged. */
    static List<String> runtimeArgs(long[] budget, boolean privileged) {
        List<String> args = new java.util.ArrayList<>();
        if (budget != null) {
            args.add(ExecRuntime.BUDGET + budget[0] + "/" + budget[1]);
        }
        if (privileged) {
            args.add(ExecRuntime.PRIVILEGED);
        }
        return List.copyOf(args);
    }

    /** B/P as {budget, period} in µs, or null if it is not that. */
    static long[] budget(String text) {
        java.util.regex.Matcher m = Pattern.compile("(\\d{1,10})/(\\d{1,10})").matcher(text);
        if (!m.matches()) {
            return null;
        }
        long b = Long.parseLong(m.group(1));
        long p = Long.parseLong(m.group(2));
        return b >= 1 && b <= p && p <= kola.abi.Sched.MAX_MICROS ? new long[] {b, p} : null;
    }

    private static String name(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".elf") ? n.substring(0, n.length() - 4) : n;
    }

    /** The image of {@code kola exec}: sigma0, the runtime, the program. */
    static Image image(ElfProgram program, String name, List<String> args) {
        return image(program, name, args, List.of());
    }

    /** Like {@link #image(ElfProgram, String, List)}, with the runtime's arguments ({@link #runtimeArgs}). */
    static Image image(ElfProgram program, String name, List<String> args, List<String> runtimeArgs) {
        List<Image.Module> modules = new java.util.ArrayList<>(SystemImages.of(List.of(
                new DefaultImage.Entry("sigma0", Sigma0::new, 255),
                new DefaultImage.Entry("exec", ExecRuntime::new, 255, runtimeArgs)), true).modules());
        modules.add(Image.Module.ofElf(name.isBlank() || name.equals("sigma0") || name.equals("exec") ? "program" : name,
                program, 100, args));
        return new Image(modules);
    }

    /** How a run ended: the program's status (null if the runtime said none), what the kernel console said, the instructions retired, the memory cache (null: none). */
    record Outcome(Integer status, List<String> said, long instructions, Kernel.RunResult result, Cache cache) {
    }

    /**
     * Runs {@code program}, its output to {@code out}.
     *
     * @throws IllegalArgumentException with a one-line message if the machine or kernel cannot be made so
     */
    static Outcome execute(ElfProgram program, String name, List<String> args, MachineOptions options, PrintStream out) {
        return execute(program, name, args, options, out, false);
    }

    /** Like {@link #execute(ElfProgram, String, List, MachineOptions, PrintStream)}; {@code checking}: the invariants after every kernel entry. */
    static Outcome execute(ElfProgram program, String name, List<String> args, MachineOptions options, PrintStream out,
                           boolean checking) {
        return execute(program, name, args, options, out, checking, List.of());
    }

    /**
     * Like {@link #execute(ElfProgram, String, List, MachineOptions, PrintStream, boolean)}, with the
     * runtime's arguments ({@link #runtimeArgs}). A privileged program's run ends when the runtime
     * says it exited, whatever threads it left running (as a process's exit ends its threads).
     */
    static Outcome execute(ElfProgram program, String name, List<String> args, MachineOptions options, PrintStream out,
                           boolean checking, List<String> runtimeArgs) {
        return execute(program, name, args, options, out, checking, runtimeArgs, null);
    }

    /**
     * Like {@link #execute(ElfProgram, String, List, MachineOptions, PrintStream, boolean, List)};
     * {@code consoleLines}, if not null, gets each line of the kernel console as the kernel writes
     * it (in the kernel's thread, during the run: a benchmark times the program by its lines).
     */
    static Outcome execute(ElfProgram program, String name, List<String> args, MachineOptions options, PrintStream out,
                           boolean checking, List<String> runtimeArgs, java.util.function.Consumer<String> consoleLines) {
        options.userPrograms();
        options.requireThreadIds("kola exec's runtime");
        ExitWatch console = new ExitWatch();
        console.listener = consoleLines;
        Machine m = new Machine(options.machineConfig(null, out));
        Kernel kernel = new Kernel(m, options.kernelConfig(), image(program, name, args, runtimeArgs),
                new PrintStream(console, true, StandardCharsets.UTF_8));
        if (runtimeArgs.contains(ExecRuntime.PRIVILEGED)) {
            console.kernel = kernel;
        }
        kernel.setInvariantChecking(checking);
        Kernel.RunResult r = kernel.run();
        m.uart().flush();
        out.flush();
        String said = console.toString(StandardCharsets.UTF_8);
        Matcher exit = EXIT.matcher(said);
        List<String> lines = said.lines()
                .filter(l -> !l.isEmpty() && !l.startsWith("kernel: Kola,") && !EXIT.matcher(l).matches())
                .toList();
        return new Outcome(exit.find() ? Integer.valueOf(exit.group(1)) : null, lines, kernel.machineInstructions(), r,
                m.cache());
    }

    /** Runs {@code program}; its output to {@code out}, the runtime's and kernel's words to {@code err}; returns its status. */
    static int run(ElfProgram program, String name, List<String> args, MachineOptions options, boolean traceHash,
                   PrintStream out, PrintStream err) {
        return run(program, name, args, options, traceHash, out, err, List.of());
    }

    /** Like {@link #run(ElfProgram, String, List, MachineOptions, boolean, PrintStream, PrintStream)}, with the runtime's arguments. */
    static int run(ElfProgram program, String name, List<String> args, MachineOptions options, boolean traceHash,
                   PrintStream out, PrintStream err, List<String> runtimeArgs) {
        Outcome o;
        try {
            o = execute(program, name, args, options, out, false, runtimeArgs);
        } catch (IllegalArgumentException e) {
            err.println("kola: " + e.getMessage());
            return 2;
        }
        o.said().forEach(err::println);
        if (o.cache() != null) {
            err.println(cacheLine(o.cache(), o.result().cycles()));
        }
        if (traceHash) {
            err.printf("trace-hash: %016x (%d events)%n", o.result().eventHash(), o.result().events());
        }
        if (o.status() == null) {
            err.println("kola: the program's run ended without an exit status");
            return 1;
        }
        return o.status();
    }

    /** The line {@code --cache} adds to a run's report: the cache's geometry and counts, and the simulated cycles. */
    static String cacheLine(Cache cache, long cycles) {
        return String.format("cache %s: %d hits, %d misses, %d lines valid; %d cycles simulated", cache.geometry(),
                cache.hits(), cache.misses(), cache.validLines(), cycles);
    }

    /**
     * The kernel console's bytes; with a kernel to stop, it stops it at the runtime's {@code exec:
     * exit N} line; with a listener, it gives it every line.
     */
    private static final class ExitWatch extends ByteArrayOutputStream {
        Kernel kernel;
        java.util.function.Consumer<String> listener;
        private int scanned;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
            watch();
        }

        @Override
        public synchronized void write(int b) {
            super.write(b);
            watch();
        }

        private void watch() {
            if (kernel == null && listener == null) {
                return;
            }
            for (int i = scanned; i < count; i++) {
                if (buf[i] == '\n') {
                    String line = new String(buf, scanned, i - scanned, StandardCharsets.UTF_8);
                    scanned = i + 1;
                    if (listener != null) {
                        listener.accept(line);
                    }
                    if (kernel != null && EXIT.matcher(line).matches()) {
                        kernel.stop();
                    }
                }
            }
        }
    }
}
