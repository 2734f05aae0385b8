package kola.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kola.machine.PhysicalMemory;
import kola.machine.riscv.Elf64;

/**
 * A RISC-V executable given as a boot module: its file and its parsed header. Its loadable
 * segments must not share a page (each page gets the rights of one segment), which
 * {@link #parse} checks besides what {@link Elf64#parse} checks.
 */
public record ElfProgram(byte[] file, Elf64 elf) {

    /**
     * Parses {@code file}.
     *
     * @throws IllegalArgumentException with a one-line reason if it is not a RISC-V executable Kola can load
     */
    public static ElfProgram parse(byte[] file) {
        Elf64 elf = Elf64.parse(file);
        List<Elf64.Segment> segs = elf.segments();
        if (segs.isEmpty()) {
            throw new IllegalArgumentException("no loadable segment");
        }
        for (int i = 0; i < segs.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (firstPage(segs.get(i)) <= lastPage(segs.get(j)) && firstPage(segs.get(j)) <= lastPage(segs.get(i))) {
                    throw new IllegalArgumentException("loadable segments " + j + " and " + i + " share a page");
                }
            }
        }
        return new ElfProgram(file.clone(), elf);
    }

    /** Reads and parses the file at {@code path}; the message of the exception names the problem. */
    public static ElfProgram read(Path path) throws IOException {
        return parse(Files.readAllBytes(path));
    }

    static long firstPage(Elf64.Segment s) {
        return s.vaddr() >>> PhysicalMemory.PAGE_SHIFT;
    }

    static long lastPage(Elf64.Segment s) {
        return Math.max(s.vaddr(), s.end() - 1) >>> PhysicalMemory.PAGE_SHIFT;
    }

    /** Bytes of physical memory the segments take, page by page. */
    long pagesBytes() {
        long pages = 0;
        for (Elf64.Segment s : elf.segments()) {
            pages += lastPage(s) - firstPage(s) + 1;
        }
        return pages << PhysicalMemory.PAGE_SHIFT;
    }
}
