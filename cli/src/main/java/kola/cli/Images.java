package kola.cli;

import java.util.List;
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

    static Image of(List<DefaultImage.Entry> entries) {
        Image.Builder b = Image.builder(entries.get(0).program(), entries.get(1).program());
        for (var e : entries.subList(2, entries.size())) {
            b.module(e.name(), e.program(), e.priority(), e.args());
        }
        return b.build();
    }
}
