package kola.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import kola.abi.Fpage;
import kola.abi.ThreadId;
import kola.kernel.Kernel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kola fuzz}: the deterministic fuzzer of issue #6. Boots systems of many tasks whose
 * threads issue random system calls with random arguments (and fault, throw, flood, spin, map,
 * grant and unmap in storms, and delete each other), runs the invariant checker after every
 * kernel entry, and ends with exactly {@code fuzz: N ops, K kernel errors, V invariant violations},
 * after a line with the counts of failed checks ({@link kola.system.fuzz.FuzzChecks}); the exit
 * status is 1 when K, V or a count of failed checks is not zero. {@code --comm MODEL} boots every
 * round under one communication model; {@code --comm all} (the default) lets each round draw
 * its own ({@link FuzzRunner#drawModel}).
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Fuzz the kernel: random system calls from many tasks, invariant checks after every kernel entry.",
            "The last line is 'fuzz: N ops, K kernel errors, V invariant violations'; the line before it counts failed checks",
            "(hangs, valid calls refused, failed calls that changed state, kernel debugger leaks, invalid calls accepted);",
            "the exit status is 1 if",
            "K, V or any of those is not 0.",
            "A failure prints its seed and operation number; --replay OP reruns up to that operation and prints the kernel state."})
final class FuzzCommand implements Callable<Integer> {
    @Option(names = "--seed", paramLabel = "S", description = "The seed (default 1); the same seed gives the same run.")
    long seed = 1;

    @Option(names = "--ops", paramLabel = "N", description = "Kernel entries to run in all (default 100000).")
    long ops = 100_000;

    @Option(names = "--replay", paramLabel = "OP",
            description = "Rerun the same seed up to operation OP and print the kernel state there: threads, spaces, mappings.")
    Long replay;

    @Option(names = "--no-check", description = "Do not run the invariant checker (to measure its cost).")
    boolean noCheck;

    @Option(names = "--round-ops", paramLabel = "N",
            description = "Kernel entries per booted system before a fresh one is booted (default " + FuzzRunner.DEFAULT_ROUND_OPS + ").")
    long roundOps = FuzzRunner.DEFAULT_ROUND_OPS;

    @Option(names = "--console", description = "Show the kernels' debug consoles (thread halts, faults, kdb output).")
    boolean console;

    @Option(names = "--comm", paramLabel = "MODEL", converter = CommChoice.Converter.class,
            description = {"The communication model the rounds boot with: global-ids, clans, redirection, redirectors, pclans,",
                "virtual-threads, capabilities, or all (the default): each round draws its own from its seed,",
                "capabilities in about half of them, the six others in the rest."})
    CommChoice comm = CommChoice.ALL;

    /** A {@code --comm} value: one model, or {@code all} (model null). */
    record CommChoice(kola.kernel.CommModel model) {
        static final CommChoice ALL = new CommChoice(null);

        /** Picocli's converter: a model's name or {@code all}; a bad name gets one line naming the choices. */
        static final class Converter implements picocli.CommandLine.ITypeConverter<CommChoice> {
            @Override
            public CommChoice convert(String value) {
                if ("all".equals(value)) {
                    return ALL;
                }
                try {
                    return new CommChoice(kola.kernel.CommModel.of(value));
                } catch (IllegalArgumentException e) {
                    throw new picocli.CommandLine.TypeConversionException(e.getMessage() + " or all");
                }
            }
        }
    }

    @Option(names = {"-v", "--verbose"}, description = "Print a line per booted system, and kernel event counts.")
    boolean verbose;

    /** For tests of the fuzzer itself: see {@link FuzzRunner#injected}. */
    kola.kernel.KernelEvents.Listener injected;

    @Override
    public Integer call() {
        return run(System.out);
    }

    int run(PrintStream out) {
        if (ops < 0 || roundOps <= 0 || replay != null && replay < 0) {
            System.err.println("kola: --ops and --replay must not be negative, --round-ops must be positive");
            return 2;
        }
        long stopAt = replay == null ? -1 : replay;
        long total = replay == null ? ops : Math.max(ops, replay);
        FuzzRunner.Options o = new FuzzRunner.Options(seed, total, !noCheck, roundOps, stopAt, console ? out : null,
                verbose || replay != null, comm.model());
        out.println("fuzz: seed " + seed + ", " + (replay == null ? ops + " ops" : "replay up to op " + replay)
                + ", invariant checker " + (noCheck ? "off" : "on") + ", comm "
                + (comm.model() == null ? "all (drawn per round)" : comm.model().label()));
        FuzzRunner runner = new FuzzRunner(o, out);
        runner.injected = injected;
        FuzzRunner.Result r = runner.run();
        if (replay != null && runner.kernel() != null) {
            printState(out, runner);
        }
        out.printf("fuzz: %d ops in %.1f s: %.0f ops/s, %d systems booted, trace hash %016x%n", r.ops(), r.nanos() / 1e9,
                r.opsPerSecond(), r.rounds(), r.traceHash());
        if (verbose) {
            out.println("fuzz: kernel events: " + FuzzRunner.eventSummary(r.events()));
        }
        out.println(r.checkSummary());
        out.println(r.summary());
        return r.kernelErrors() != 0 || r.violations() != 0 || r.checkFailureCount() != 0 ? 1 : 0;
    }

    /** The kernel state where the replay stopped: threads, spaces, mappings, kernel memory, invariants. */
    static void printState(PrintStream out, FuzzRunner runner) {
        Kernel k = runner.kernel();
        out.println("fuzz: kernel state at the end of the replay (" + runner.currentRound().describe() + "):");
        out.println("threads:");
        for (Kernel.ThreadInfo t : k.threads()) {
            out.println("  " + ThreadId.toString(t.id()) + " " + t.space() + "#" + t.asid() + " " + t.state() + " prio "
                    + t.priority() + (t.waitsFor() != 0 ? " waits for " + ThreadId.toString(t.waitsFor()) : ""));
        }
        out.println("spaces:");
        for (Kernel.SpaceInfo s : k.spaces()) {
            out.println("  " + s.name() + "#" + s.asid() + ": " + s.threads() + " threads" + (s.privileged() ? ", privileged" : "")
                    + ", " + s.kernelBytes() + " bytes of kernel memory");
        }
        out.println("mappings:");
        for (Kernel.Mapping m : k.mappings()) {
            out.println("  " + m.space() + "#" + m.asid() + " 0x" + Long.toHexString(m.va()) + " -> frame 0x"
                    + Long.toHexString(m.pfn()) + " " + Fpage.rightsString(m.rights())
                    + (m.parentAsid() < 0 ? " (root)" : " from " + m.parentSpace() + "#" + m.parentAsid() + " 0x"
                    + Long.toHexString(m.parentVa())));
        }
        long[] mem = k.kernelMemory();
        out.println("kernel memory: " + mem[0] + " of " + mem[1] + " bytes in use");
        var violations = k.checkInvariants();
        out.println("invariants: " + (violations.isEmpty() ? "all hold" : FuzzRunner.summarize(violations)));
    }
}
