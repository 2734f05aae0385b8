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

    /** The default image: sigma0, the root task, and the IPC demo (a server and a client). */
    public static List<Entry> modules() {
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
                new Entry("fig1", Fig1Demo::new, 100));
    }

    /** The figure-5 demo: sigma0 → pager1 → pager2 → client. */
    public static List<Entry> fig5() {
        return List.of(
                new Entry("sigma0", Sigma0::new, 255),
                new Entry("roottask", RootTask::new, 255),
                new Entry("pager1", Pager::new, 130),
                new Entry("pager2", Pager::new, 120, List.of("pager=pager1")),
                new Entry("client", Fig5Client::new, 100, List.of("pager=pager2")));
    }
}
