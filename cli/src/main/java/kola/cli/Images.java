package kola.cli;

import kola.kernel.Image;
import kola.system.DefaultImage;

/** System images the command line can boot. */
final class Images {
    private Images() {
    }

    /** The default image: sigma0, the root task and the IPC demo. */
    static Image defaultImage() {
        var entries = DefaultImage.modules();
        Image.Builder b = Image.builder(entries.get(0).program(), entries.get(1).program());
        for (var e : entries.subList(2, entries.size())) {
            b.module(e.name(), e.program(), e.priority(), java.util.List.of());
        }
        return b.build();
    }
}
