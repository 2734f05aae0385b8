package kola.machine.riscv;

import java.util.ArrayList;
import java.util.List;

/**
 * A statically linked RISC-V executable in the ELF64 format (System V ABI, "ELF Header" and
 * "Program Header"; RISC-V ELF psABI for {@code EM_RISCV}): its entry point and its loadable
 * ({@code PT_LOAD}) segments. Only what a loader needs is read; section headers are ignored.
 *
 * <p>The file is untrusted: {@link #parse} checks every field it uses and rejects a file that is
 * not a little-endian 64-bit RISC-V executable, is truncated, has a segment whose file range lies
 * outside the file, whose memory range is smaller than its file range or leaves the lower half of
 * the Sv39 address space, segments that overlap, a dynamic interpreter, or an entry point outside
 * every executable segment. The message of the {@link IllegalArgumentException} is one line naming
 * the problem.
 */
public final class Elf64 {

    /** {@code e_machine} of RISC-V. */
    public static final int EM_RISCV = 243;
    /** Segment flag: executable ({@code PF_X}); equal to {@link kola.machine.Tlb#EXECUTE}. */
    public static final int PF_X = 1;
    /** Segment flag: writable ({@code PF_W}); equal to {@link kola.machine.Tlb#WRITE}. */
    public static final int PF_W = 2;
    /** Segment flag: readable ({@code PF_R}); equal to {@link kola.machine.Tlb#READ}. */
    public static final int PF_R = 4;
    /** End of the user half of Sv39: the lowest address above every canonical lower-half address. */
    public static final long USER_TOP = 1L << 38;

    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int ET_EXEC = 2;
    private static final int PT_LOAD = 1;
    private static final int PT_INTERP = 3;
    private static final int PN_XNUM = 0xFFFF;
    /** Segment flag bits reserved for the OS and the processor ({@code PF_MASKOS | PF_MASKPROC}): ignored. */
    private static final int PF_MASK_OS_PROC = 0xFFF0_0000;

    /**
     * One loadable segment: {@code memSize} bytes at {@code vaddr}, of which the first
     * {@code fileSize} come from the file at {@code offset} and the rest are zero.
     *
     * @param flags {@link #PF_R} | {@link #PF_W} | {@link #PF_X}
     */
    public record Segment(long vaddr, long offset, long fileSize, long memSize, int flags) {

        /** One past the last byte of the segment in memory. */
        public long end() {
            return vaddr + memSize;
        }
    }

    private final long entry;
    private final List<Segment> segments;

    private Elf64(long entry, List<Segment> segments) {
        this.entry = entry;
        this.segments = List.copyOf(segments);
    }

    /** The virtual address of the first instruction. */
    public long entry() {
        return entry;
    }

    /** The loadable segments, in file order; their file ranges lie inside the file that was parsed. */
    public List<Segment> segments() {
        return segments;
    }

    /**
     * Parses {@code file}.
     *
     * @throws IllegalArgumentException if it is not a well-formed little-endian ELF64 RISC-V executable
     */
    public static Elf64 parse(byte[] file) {
        if (file.length < 4 || file[0] != 0x7F || file[1] != 'E' || file[2] != 'L' || file[3] != 'F') {
            throw bad("not an ELF file");
        }
        if (file.length < EHDR_SIZE) {
            throw bad("truncated ELF header (" + file.length + " bytes)");
        }
        if (file[4] != 2) {
            throw bad("not a 64-bit ELF file (class " + file[4] + ")");
        }
        if (file[5] != 1) {
            throw bad("not a little-endian ELF file (data encoding " + file[5] + ")");
        }
        if (file[6] != 1 || u32(file, 20) != 1) {
            throw bad("unknown ELF version");
        }
        int type = u16(file, 16);
        if (type != ET_EXEC) {
            throw bad("not an executable (ELF type " + type + ")");
        }
        int machine = u16(file, 18);
        if (machine != EM_RISCV) {
            throw bad("not a RISC-V file (machine " + machine + ")");
        }
        long entry = u64(file, 24);
        long phoff = u64(file, 32);
        int phentsize = u16(file, 54);
        int phnum = u16(file, 56);
        if (phnum == 0 || phnum == PN_XNUM) {
            throw bad("no program headers");
        }
        if (phentsize != PHDR_SIZE) {
            throw bad("program header size " + phentsize + ", expected " + PHDR_SIZE);
        }
        if (phoff < 0 || phoff > file.length || (long) phnum * PHDR_SIZE > file.length - phoff) {
            throw bad("program headers beyond end of file");
        }
        List<Segment> loads = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) phoff + i * PHDR_SIZE;
            long ptype = u32(file, at);
            if (ptype == PT_INTERP) {
                throw bad("segment " + i + ": dynamically linked (has an interpreter)");
            }
            if (ptype != PT_LOAD) {
                continue; // notes, attributes, GNU stack: nothing to load
            }
            loads.add(segment(file, i, at));
        }
        if (loads.isEmpty()) {
            throw bad("no loadable segment");
        }
        for (int i = 0; i < loads.size(); i++) {
            for (int j = i + 1; j < loads.size(); j++) {
                Segment a = loads.get(i);
                Segment b = loads.get(j);
                if (a.memSize() > 0 && b.memSize() > 0 && a.vaddr() < b.end() && b.vaddr() < a.end()) {
                    throw bad("loadable segments " + i + " and " + j + " overlap");
                }
            }
        }
        boolean entryOk = false;
        for (Segment s : loads) {
            entryOk |= (s.flags() & PF_X) != 0 && Long.compareUnsigned(entry - s.vaddr(), s.fileSize()) < 0;
        }
        if (!entryOk) {
            throw bad("entry point 0x" + Long.toHexString(entry) + " is not in an executable segment");
        }
        if ((entry & 1) != 0) {
            throw bad("entry point 0x" + Long.toHexString(entry) + " is not 2-byte aligned");
        }
        return new Elf64(entry, loads);
    }

    private static Segment segment(byte[] file, int index, int at) {
        int flags = (int) u32(file, at + 4);
        long offset = u64(file, at + 8);
        long vaddr = u64(file, at + 16);
        long filesz = u64(file, at + 32);
        long memsz = u64(file, at + 40);
        long align = u64(file, at + 48);
        String name = "segment " + index + ": ";
        if ((flags & ~(PF_R | PF_W | PF_X | PF_MASK_OS_PROC)) != 0) {
            throw bad(name + "unknown flags 0x" + Integer.toHexString(flags));
        }
        if (offset < 0 || filesz < 0 || offset > file.length || filesz > file.length - offset) {
            throw bad(name + "file range beyond end of file");
        }
        if (memsz < 0 || filesz > memsz) {
            throw bad(name + "file size 0x" + Long.toHexString(filesz) + " exceeds memory size 0x" + Long.toHexString(memsz));
        }
        if (vaddr < 0 || vaddr >= USER_TOP || memsz > USER_TOP - vaddr) {
            throw bad(name + "memory range at 0x" + Long.toHexString(vaddr) + " is outside user space");
        }
        if (align != 0 && align != 1) {
            if (Long.bitCount(align) != 1) {
                throw bad(name + "alignment 0x" + Long.toHexString(align) + " is not a power of two");
            }
            if (((vaddr - offset) & (align - 1)) != 0) {
                throw bad(name + "address and file offset disagree modulo the alignment");
            }
        }
        return new Segment(vaddr, offset, filesz, memsz, flags & (PF_R | PF_W | PF_X));
    }

    private static IllegalArgumentException bad(String problem) {
        return new IllegalArgumentException(problem);
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int at) {
        return (u16(b, at) | (long) u16(b, at + 2) << 16) & 0xFFFF_FFFFL;
    }

    private static long u64(byte[] b, int at) {
        return u32(b, at) | u32(b, at + 4) << 32;
    }
}
