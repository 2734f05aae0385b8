package kola.system;

import java.util.List;
import java.util.function.Supplier;
import kola.abi.Program;

/**
 * The system images Kola ships, as lists of boot modules in boot order: sigma0, the root task,
 * then the programs the root task starts. The command line turns a list into a kernel image.
 */
public final class DefaultImage {
    private DefaultImage() {
    }

    /** A boot module: name, program factory, priority, arguments (e.g. {@code pager=NAME}). */
    public record Entry(String name, Supplier<? extends Program> program, int priority, List<String> args) {
        public Entry(String name, Supplier<? extends Program> program, int priority) {
            this(name, program, priority, List.of());
        }
    }

    /** The boot-module argument that gives a module the whole kernel debugger (the kernel's {@code Kernel.DEBUGGER_ARG}). */
    public static final String DEBUGGER = "kdb";

    /** The shell's arguments plus the kernel debugger right: its ps, spaces, mem, kmem and trace show the whole system. */
    private static List<String> withDebugger(List<String> shellArgs) {
        List<String> args = new java.util.ArrayList<>(shellArgs);
        if (!args.contains(DEBUGGER)) {
            args.add(DEBUGGER);
        }
        return List.copyOf(args);
    }

    /**
     * The default image: sigma0, the root task, the name server, the UART and timer drivers (on
     * interrupt lines 2 and 1 of Kola's machine), the console and the shell; and, started only
     * when the shell's {@code demo} asks, the IPC demo and the demos of the paper's figures 1
     * and 5. {@code shellArgs} go to the shell (e.g. {@code echo=on} for scripted sessions).
     */
    public static List<Entry> modules(List<String> shellArgs) {
        List<String> manual = List.of("manual");
        return List.of(
                new Entry("sigma0", Sigma0::new, 255),
                new Entry("roottask", RootTask::new, 255),
                new Entry("names", NameServer::new, 200),
                new Entry("uart", UartDriver::new, 220, List.of("irq=2")),
                new Entry("timer", TimerDriver::new, 230, List.of("irq=1")),
                new Entry("console", Console::new, 210),
                new Entry("shell", Shell::new, 100, withDebugger(shellArgs)),
                new Entry("ping-server", PingServer::new, 110, manual),
                new Entry("ping-client", PingClient::new, 100, manual),
                new Entry("A", Fig1Task::new, 120, manual),
                new Entry("B", Fig1Task::new, 120, manual),
                new Entry("C", Fig1Task::new, 120, manual),
                new Entry("D", Fig1Task::new, 120, manual),
                new Entry("fig1", Fig1Demo::new, 100, List.of("manual", DEBUGGER)),
                new Entry("pager1", Pager::new, 130, manual),
                new Entry("pager2", Pager::new, 120, List.of("manual", "pager=pager1")),
                new Entry("client", Fig5Client::new, 100, List.of("manual", "pager=pager2", DEBUGGER)));
    }

    /** The IPC demo of the foundation: sigma0, the root task, a server and a client. */
    public static List<Entry> ipcDemo() {
        return List.of(
                new Entry("sigma0", Sigma0::new, 255),
                new Entry("roottask", RootTask::new, 255),
                new Entry("ping-server", PingServer::new, 110),
                new Entry("ping-client", PingClient::new, 100));
    }

    /** The figure-1 demo: tasks A, B, C, D and the coordinator. */
    public static List<Entry> fig1() {
        return List.of(
                new Entry("sigma0", Sigma0::new, 255),
                new Entry("roottask", RootTask::new, 255),
                new Entry("A", Fig1Task::new, 120),
                new Entry("B", Fig1Task::new, 120),
                new Entry("C", Fig1Task::new, 120),
                new Entry("D", Fig1Task::new, 120),
                new Entry("fig1", Fig1Demo::new, 100, List.of(DEBUGGER)));
    }

    /** The figure-5 demo: sigma0 → pager1 → pager2 → client. */
    public static List<Entry> fig5() {
        return List.of(
                new Entry("sigma0", Sigma0::new, 255),
                new Entry("roottask", RootTask::new, 255),
                new Entry("pager1", Pager::new, 130),
                new Entry("pager2", Pager::new, 120, List.of("pager=pager1")),
                new Entry("client", Fig5Client::new, 100, List.of("pager=pager2", DEBUGGER)));
    }
}
