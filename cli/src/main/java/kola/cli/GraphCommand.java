package kola.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import kola.cli.trace.Dot;
import kola.cli.trace.IpcGraph;
import kola.cli.trace.MappingGraph;
import kola.kernel.Image;
import kola.kernel.Kernel;
import kola.kernel.KernelEvents;
import kola.machine.Machine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kola graph}: pictures of a demo run in Graphviz DOT, and SVG too when the {@code dot}
 * program is on the PATH. {@code graph mappings}: the mapping database (which space holds which
 * page, derived from whom, with which rights) at the end of the run or at a kernel-debugger stop;
 * {@code graph ipc}: who sent messages to whom, and how many. See docs/TRACING.md.
 */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = {"Draw a demo run as a Graphviz graph (DOT; SVG too when 'dot' is installed).",
            "mappings: the mapping database; ipc: who talked to whom."},
        subcommands = {GraphCommand.Mappings.class, GraphCommand.Ipc.class})
final class GraphCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }

    /** Options both pictures take. */
    static final class Common {
        @CommandLine.Mixin
        MachineOptions machine = new MachineOptions();

        @Option(names = "--demo", paramLabel = "NAME", description = "The demo to run: ipc, fig1 or fig5 (default: ${DEFAULT-VALUE}).")
        String demo = "fig1";

        @Option(names = {"-o", "--output"}, paramLabel = "FILE",
                description = "Write the DOT to FILE (and, when 'dot' is installed, an SVG beside it: FILE with .svg); default: standard output.")
        Path output;

        @Option(names = "--console", description = "Show the demo's console output (on standard error).")
        boolean console;
    }

    @Command(name = "mappings", mixinStandardHelpOptions = true,
            description = "Draw the mapping database of a demo at the end of its run (or at a kdb stop): spaces, pages, frames, "
                    + "who derived from whom, rights.")
    static final class Mappings implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--frame", paramLabel = "F", description = "Only the mappings of physical frame F (e.g. 0x1000): its mapping tree.")
        String frame;

        @Option(names = "--at-kdb", paramLabel = "N",
                description = "Take the picture at the N-th kernel-debugger stop (0: the first) instead of at the end; "
                        + "the fig1 demo stops once per step (0 to 5).")
        Integer atKdb;

        @Override
        public Integer call() {
            long f = -1;
            if (frame != null) {
                try {
                    f = Long.decode(frame);
                } catch (NumberFormatException e) {
                    System.err.println("kola: --frame: not a frame number: " + frame);
                    return 2;
                }
            }
            Snapshot snapshot = new Snapshot(atKdb == null ? -1 : atKdb);
            Kernel kernel = GraphCommand.run(common, snapshot);
            if (kernel == null) {
                return 2;
            }
            String when;
            if (atKdb == null) {
                snapshot.take(kernel);
                when = "at the end of the run";
            } else if (snapshot.mappings == null) {
                System.err.println("kola: the " + common.demo + " demo stopped in the kernel debugger only " + snapshot.stops
                        + " times; --at-kdb must be less");
                return 2;
            } else {
                when = "at kdb stop " + atKdb;
            }
            String title = common.demo + ": mapping database " + when + (f >= 0 ? ", frame 0x" + Long.toHexString(f) : "");
            return write(common, MappingGraph.dot(snapshot.mappings, snapshot.spaces, f, title));
        }
    }

    @Command(name = "ipc", mixinStandardHelpOptions = true,
            description = "Draw who sent messages to whom during a demo run, with message counts (from the kernel's IPC events).")
    static final class Ipc implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() {
            IpcGraph[] graph = new IpcGraph[1];
            Kernel kernel = GraphCommand.run(common, k -> {
                graph[0] = new IpcGraph(k);
                return graph[0];
            });
            if (kernel == null) {
                return 2;
            }
            return write(common, graph[0].dot(common.demo + ": IPC, " + graph[0].messages() + " messages"));
        }
    }

    /** Makes the listener for a kernel (it may read the kernel's snapshots). */
    interface ListenerFactory {
        KernelEvents.Listener listenerFor(Kernel kernel);
    }

    /** Takes the mapping database at the n-th kdb stop (a TRAP event of trap kdb enter), or at the end. */
    static final class Snapshot implements ListenerFactory {
        private static final long KDB_ENTER = 13;
        private final int at;
        int stops;
        List<Kernel.Mapping> mappings;
        List<Kernel.SpaceInfo> spaces;

        Snapshot(int at) {
            this.at = at;
        }

        void take(Kernel kernel) {
            mappings = kernel.mappings();
            spaces = kernel.spaces();
        }

        @Override
        public KernelEvents.Listener listenerFor(Kernel kernel) {
            if (at < 0) {
                return null;
            }
            return (type, time, a, b, c) -> {
                if (type == KernelEvents.TRAP && b == KDB_ENTER && stops++ == at) {
                    take(kernel); // a snapshot only reads the kernel
                }
            };
        }
    }

    /** Runs the demo with the listener {@code factory} makes; null (and a message) if it cannot. */
    static Kernel run(Common common, ListenerFactory factory) {
        Image image = Images.demo(common.demo);
        if (image == null) {
            System.err.println("kola: unknown demo '" + common.demo + "' (try ipc, fig1, fig5)");
            return null;
        }
        PrintStream console = common.console ? System.err : new PrintStream(OutputStream.nullOutputStream());
        Kernel kernel;
        try {
            kernel = new Kernel(new Machine(common.machine.machineConfig(null, console)), common.machine.kernelConfig(), image,
                    console);
        } catch (IllegalArgumentException e) {
            System.err.println("kola: " + e.getMessage());
            return null;
        }
        kernel.setEventListener(factory.listenerFor(kernel));
        kernel.run();
        kernel.setEventListener(null);
        return kernel;
    }

    /** Writes {@code dot} where {@code common} says, and the SVG beside it when it can. */
    static int write(Common common, String dot) {
        if (common.output == null) {
            System.out.print(dot);
            return 0;
        }
        Path dotFile = common.output;
        String name = dotFile.getFileName().toString();
        Path svgFile;
        if (name.endsWith(".svg")) {
            svgFile = dotFile;
            dotFile = dotFile.resolveSibling(name.substring(0, name.length() - 4) + ".dot");
        } else {
            svgFile = dotFile.resolveSibling((name.endsWith(".dot") ? name.substring(0, name.length() - 4) : name) + ".svg");
        }
        try {
            Files.writeString(dotFile, dot, StandardCharsets.UTF_8);
            System.out.println("graph: " + dotFile);
            if (Dot.renderSvg(dotFile, svgFile)) {
                System.out.println("graph: " + svgFile);
            } else {
                System.out.println("graph: 'dot' (Graphviz) is not installed, so no SVG; render it with: dot -Tsvg -o "
                        + svgFile + " " + dotFile);
            }
            return 0;
        } catch (IOException e) {
            System.err.println("kola: -o " + common.output + ": cannot write: " + Problems.why(e));
            return 1;
        }
    }
}
