package kola.machine.riscv;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import kola.machine.Cache;
import kola.machine.CycleClock;
import kola.machine.Mmu;
import kola.machine.PhysicalMemory;
import kola.machine.Sv39;
import kola.machine.Tlb;

/**
 * A bare RISC-V user-mode system for tests: memory, one Sv39 address space built here, a hart,
 * and an ELF runner that implements {@code exit} (a7 = 93) and {@code write} (a7 = 64) itself.
 */
final class RiscvSystem {

    static final int PAGE = PhysicalMemory.PAGE_SIZE;
    static final int ASID = 1;
    static final int RWX = Sv39.R | Sv39.W | Sv39.X;
    static final long STACK_TOP = 0x3F_FFFF_F000L;
    static final int STACK_PAGES = 64;
    static final int SYS_WRITE = 64;
    static final int SYS_EXIT = 93;

    final PhysicalMemory memory;
    final CycleClock clock = new CycleClock();
    final Tlb tlb = new Tlb();
    final Mmu mmu;
    final Hart hart;
    final long root;
    private long nextFrame = 1;
    /** Virtual page number to frame, for the helper's own copies into user memory. */
    private final Map<Long, Long> pages = new HashMap<>();
    private final Map<Long, Integer> pageFlags = new HashMap<>();

    RiscvSystem() {
        this(64L << 20);
    }

    RiscvSystem(long ramBytes) {
        this(ramBytes, null);
    }

    /** A system whose accesses go through {@code cache} (null: none). */
    RiscvSystem(long ramBytes, Cache cache) {
        memory = new PhysicalMemory(ramBytes);
        mmu = new Mmu(memory, tlb, clock, cache);
        hart = new Hart(memory, mmu, clock);
        root = frame();
    }

    long frame() {
        return nextFrame++;
    }

    /** Maps the 4 KiB page at {@code va} to {@code pfn} with {@code flags} (R W X) plus V and U. */
    void map(long va, long pfn, int flags) {
        mapRaw(va, pfn, flags | Sv39.V | Sv39.U);
    }

    /** Maps {@code va} with exactly the Sv39 flags {@code pteFlags}. */
    void mapRaw(long va, long pfn, int pteFlags) {
        long table = root;
        for (int level = Sv39.LEVELS - 1; level > 0; level--) {
            long slot = table * PAGE + 8L * Sv39.vpn(va, level);
            long pte = memory.load64(slot);
            if ((pte & Sv39.V) == 0) {
                pte = Sv39.pte(frame(), Sv39.V);
                memory.store64(slot, pte);
            }
            table = Sv39.pfn(pte);
        }
        memory.store64(table * PAGE + 8L * Sv39.vpn(va, 0), Sv39.pte(pfn, pteFlags));
        pages.put(va >>> 12, pfn);
        pageFlags.put(va >>> 12, pteFlags);
    }

    /** Removes the mapping of {@code va} and flushes it from the TLB, as the kernel's unmap does. */
    void unmap(long va) {
        long table = root;
        for (int level = Sv39.LEVELS - 1; level > 0; level--) {
            table = Sv39.pfn(memory.load64(table * PAGE + 8L * Sv39.vpn(va, level)));
        }
        memory.store64(table * PAGE + 8L * Sv39.vpn(va, 0), 0);
        pages.remove(va >>> 12);
        tlb.flush(ASID, Sv39.pageNumber(va));
    }

    /** The leaf entry of the page at {@code va} (0 if its tables are missing). */
    long leaf(long va) {
        long table = root;
        for (int level = Sv39.LEVELS - 1; level > 0; level--) {
            long pte = memory.load64(table * PAGE + 8L * Sv39.vpn(va, level));
            if ((pte & Sv39.V) == 0) {
                return 0;
            }
            table = Sv39.pfn(pte);
        }
        return memory.load64(table * PAGE + 8L * Sv39.vpn(va, 0));
    }

    /** Clears the A and D bits of {@code va}'s leaf and flushes its TLB entry, as the kernel does to reset a page's status. */
    void clearAccessed(long va) {
        long table = root;
        for (int level = Sv39.LEVELS - 1; level > 0; level--) {
            table = Sv39.pfn(memory.load64(table * PAGE + 8L * Sv39.vpn(va, level)));
        }
        long entry = table * PAGE + 8L * Sv39.vpn(va, 0);
        memory.store64(entry, memory.load64(entry) & ~(long) (Sv39.A | Sv39.D));
        tlb.flush(ASID, Sv39.pageNumber(va));
    }

    /** Maps a fresh frame at {@code va} (or adds rights to an existing page) and returns its frame. */
    long mapNew(long va, int flags) {
        Long pfn = pages.get(va >>> 12);
        if (pfn != null) {
            map(va & ~0xFFFL, pfn, (pageFlags.get(va >>> 12) | flags) & RWX);
            return pfn;
        }
        long f = frame();
        map(va & ~0xFFFL, f, flags);
        return f;
    }

    /** The physical address of {@code va}, which a test mapped. */
    long pa(long va) {
        Long pfn = pages.get(va >>> 12);
        if (pfn == null) {
            throw new IllegalArgumentException("test did not map 0x" + Long.toHexString(va));
        }
        return pfn * PAGE + (va & 0xFFF);
    }

    /** Copies {@code bytes} into mapped user memory at {@code va} through {@link PhysicalMemory#write}. */
    void poke(long va, byte[] bytes) {
        for (int done = 0; done < bytes.length;) {
            int n = (int) Math.min(bytes.length - done, PAGE - ((va + done) & 0xFFF));
            memory.write(pa(va + done), bytes, done, n);
            done += n;
        }
    }

    byte[] peek(long va, int len) {
        byte[] out = new byte[len];
        for (int done = 0; done < len;) {
            int n = (int) Math.min(len - done, PAGE - ((va + done) & 0xFFF));
            memory.read(pa(va + done), out, done, n);
            done += n;
        }
        return out;
    }

    /** Runs {@code s} once in this system's address space. */
    int run(HartState s, long max) {
        return hart.run(s, ASID, root, max);
    }

    // ---------------------------------------------------------------- ELF programs

    /** What a program did: its stop cause ({@link Cause#ECALL} after exit), exit status, output. */
    record Outcome(int cause, long exitStatus, String output, long pc, long tval, long instret) {
        boolean exited() {
            return cause == Cause.ECALL;
        }
    }

    /** Loads {@code file}'s segments and a stack, and returns the initial thread state. */
    HartState load(byte[] file) {
        Elf64 elf = Elf64.parse(file);
        for (Elf64.Segment seg : elf.segments()) {
            int flags = (seg.flags() & Elf64.PF_R) != 0 ? Sv39.R : 0;
            flags |= (seg.flags() & Elf64.PF_W) != 0 ? Sv39.W | Sv39.R : 0;
            flags |= (seg.flags() & Elf64.PF_X) != 0 ? Sv39.X : 0;
            for (long va = seg.vaddr() & ~0xFFFL; va < seg.end(); va += PAGE) {
                mapNew(va, flags);
            }
            byte[] data = new byte[(int) seg.fileSize()];
            System.arraycopy(file, (int) seg.offset(), data, 0, data.length);
            poke(seg.vaddr(), data);
        }
        for (int k = 1; k <= STACK_PAGES; k++) {
            mapNew(STACK_TOP - (long) k * PAGE, Sv39.R | Sv39.W);
        }
        HartState s = new HartState(elf.entry());
        s.x[Asm.SP] = STACK_TOP - 16;
        return s;
    }

    /** Runs a loaded program in slices of {@code slice} instructions until it exits or faults. */
    Outcome runProgram(HartState s, long slice, long maxInstructions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (s.instret < maxInstructions) {
            int cause = run(s, slice);
            if (cause == Cause.BUDGET) {
                continue;
            }
            if (cause != Cause.ECALL) {
                return new Outcome(cause, -1, out.toString(StandardCharsets.UTF_8), s.pc, hart.tval(), s.instret);
            }
            long a7 = s.x[Asm.A7];
            if (a7 == SYS_EXIT) {
                return new Outcome(cause, s.x[Asm.A0], out.toString(StandardCharsets.UTF_8), s.pc, 0, s.instret);
            }
            if (a7 == SYS_WRITE) {
                int len = (int) s.x[Asm.A2];
                out.writeBytes(peek(s.x[Asm.A1], len));
                s.x[Asm.A0] = len;
            } else {
                s.x[Asm.A0] = -38; // ENOSYS
            }
            s.pc += 4;
        }
        return new Outcome(Cause.BUDGET, -1, out.toString(StandardCharsets.UTF_8), s.pc, 0, s.instret);
    }

    /** Loads and runs {@code file} to completion. */
    Outcome runElf(byte[] file) {
        return runProgram(load(file), 100_000, 10_000_000_000L);
    }
}
