package kola.bench;

import java.util.List;
import kola.kernel.Image;
import kola.system.DefaultImage;

/** Kernel images made of {@link DefaultImage}'s module lists, as {@code kola} and the benchmarks boot them. */
public final class SystemImages {
    private SystemImages() {
    }

    /**
     * The image of {@code entries} (sigma0 first, the root task second). If {@code sandboxed}, every
     * module runs as a sandboxed task: its classes verified, metered and defined per address space,
     * as {@code ./kola} runs Kola's own programs; otherwise they run as the host loaded them.
     */
    public static Image of(List<DefaultImage.Entry> entries, boolean sandboxed) {
        return new Image(entries.stream()
                .map(e -> Image.Module.of(e.name(), e.program(), e.priority(), e.args(), sandboxed))
                .toList());
    }
}
