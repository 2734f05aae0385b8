package kola.system;

import java.util.List;
import java.util.function.Supplier;
import kola.abi.Program;

/**
 * The boot modules of Kola's default system image, in boot order: sigma0, the root task, then
 * the programs the root task starts. The command line turns this list into a kernel image.
 */
public final class DefaultImage {
    private DefaultImage() {
    }

    /** A module of the default image: name, program factory, priority. */
    public record Entry(String name, Supplier<? extends Program> program, int priority) {
    }

    /** The default image's modules. */
    public static List<Entry> modules() {
        return List.of(
                new Entry("sigma0", Sigma0::new, 255),
                new Entry("roottask", RootTask::new, 255),
                new Entry("ping-server", PingServer::new, 110),
                new Entry("ping-client", PingClient::new, 100));
    }
}
