package kola.cli;

import java.util.List;
import kola.bench.SystemImages;
import kola.kernel.Image;
import kola.system.DefaultImage;

/** System images the command line can boot. */
final class Images {
    private Images() {
    }

    /** The default image: drivers, servers and the shell; {@code echo}: the shell echoes commands (scripts). */
    static Image defaultImage(boolean echo) {
        return of(DefaultImage.modules(echo ? List.of("echo=on") : List.of()));
    }

    /** The image of the demo called {@code name}, or null. */
    static Image demo(String name) {
        return switch (name) {
            case "ipc" -> of(DefaultImage.ipcDemo());
            case "fig1" -> of(DefaultImage.fig1());
            case "fig5" -> of(DefaultImage.fig5());
            default -> null;
        };
    }

    /** Kola's own programs run sandboxed, as any task's: verified, metered, classes per space. */
    static Image of(List<DefaultImage.Entry> entries) {
        return SystemImages.of(entries, true);
    }

    /** Like {@link #of(List)}, but the programs run as the host loaded them (trusted code: the fuzzer's tasks). */
    static Image trusted(List<DefaultImage.Entry> entries) {
        return SystemImages.of(entries, false);
    }
}
