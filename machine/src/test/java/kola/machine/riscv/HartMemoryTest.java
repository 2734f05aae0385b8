package kola.machine.riscv;

import static kola.machine.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import kola.machine.CostModel;
import kola.machine.MmioDevice;
import kola.machine.Sv39;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults, device access, the translation cache's and the decoded code's invalidation, page-crossing fetch. */
class HartMemoryTest {

    static final long CODE = 0x10000;
    static final long DATA = 0x20000;
    static final int PAGE = RiscvSystem.PAGE;

    RiscvSystem sys;
    HartState s;

    @BeforeEach
    void setUp() {
        sys = new RiscvSystem();
        sys.mapNew(CODE, Sv39.R | Sv39.X);
        sys.mapNew(DATA, Sv39.R | Sv39.W);
        s = new HartState(CODE);
    }

    int exec(int... insns) {
        sys.poke(CODE, ElfBuilder.words(insns));
        s.pc = CODE;
        return sys.run(s, insns.length);
    }

    void assertStop(int cause, long tval, long pc) {
        assertEquals(cause, sys.run(s, 100), Cause.name(cause));
        assertEquals(tval, sys.hart.tval(), "tval");
        assertEquals(pc, s.pc, "pc");
    }

    // ---------------------------------------------------------------- faults

    @Test
    void fetchFromUnmappedOrNonExecutablePagesFaults() {
        s.pc = 0x40_0000;
        assertStop(Cause.INSTRUCTION_PAGE_FAULT, 0x40_0000, 0x40_0000);
        s.pc = DATA + 8; // readable and writable, not executable
        assertStop(Cause.INSTRUCTION_PAGE_FAULT, DATA + 8, DATA + 8);
        sys.mapRaw(0x30000, sys.frame(), Sv39.V | Sv39.R | Sv39.X); // no U bit
        s.pc = 0x30000;
        assertStop(Cause.INSTRUCTION_PAGE_FAULT, 0x30000, 0x30000);
        s.pc = 0x8000_0000_0000_0000L; // not canonical
        assertStop(Cause.INSTRUCTION_PAGE_FAULT, 0x8000_0000_0000_0000L, 0x8000_0000_0000_0000L);
        assertEquals(0, s.instret);
    }

    @Test
    void jumpToAFaultingPageStopsAtTheTarget() {
        s.x[A1] = 0x70_0000;
        exec(jalr(RA, A1, 0));
        assertEquals(0x70_0000, s.pc);
        assertStop(Cause.INSTRUCTION_PAGE_FAULT, 0x70_0000, 0x70_0000);
        assertEquals(CODE + 4, s.x[RA]);
    }

    @Test
    void loadAndStoreFaultsChangeNothing() {
        s.x[A0] = 11;
        s.x[A1] = 0x50_0008;
        assertEquals(Cause.LOAD_PAGE_FAULT, exec(ld(A0, A1, 0)));
        assertEquals(0x50_0008, sys.hart.tval());
        assertEquals(11, s.x[A0]);
        assertEquals(CODE, s.pc);
        assertEquals(Cause.STORE_PAGE_FAULT, exec(sd(A0, A1, -8)));
        assertEquals(0x50_0000, sys.hart.tval());
        s.x[A1] = CODE + 16; // read-only code page
        assertEquals(Cause.STORE_PAGE_FAULT, exec(sb(A0, A1, 0)));
        assertEquals(CODE + 16, sys.hart.tval());
        assertEquals(0, sys.memory.load8(sys.pa(CODE + 16)));
        s.x[A1] = -1L << 40; // not canonical
        assertEquals(Cause.LOAD_PAGE_FAULT, exec(lb(A0, A1, 0)));
        assertEquals(-1L << 40, sys.hart.tval());
        assertEquals(11, s.x[A0]);
        assertEquals(0, s.instret);
    }

    @Test
    void pagesWithoutReadOrUserFault() {
        sys.mapRaw(0x30000, sys.frame(), Sv39.V | Sv39.R | Sv39.W); // supervisor page
        sys.mapRaw(0x31000, sys.frame(), Sv39.V | Sv39.X | Sv39.U); // execute-only
        s.x[A1] = 0x30000;
        assertEquals(Cause.LOAD_PAGE_FAULT, exec(lw(A0, A1, 0)));
        assertEquals(Cause.STORE_PAGE_FAULT, exec(sw(A0, A1, 0)));
        s.x[A1] = 0x31000;
        assertEquals(Cause.LOAD_PAGE_FAULT, exec(lw(A0, A1, 0)));
        assertEquals(0x31000, sys.hart.tval());
    }

    @Test
    void misalignedAccessesTrap() {
        s.x[A1] = DATA + 1;
        assertEquals(Cause.LOAD_MISALIGNED, exec(lh(A0, A1, 0)));
        assertEquals(DATA + 1, sys.hart.tval());
        assertEquals(Cause.LOAD_MISALIGNED, exec(lw(A0, A1, 1)));
        assertEquals(DATA + 2, sys.hart.tval());
        assertEquals(Cause.LOAD_MISALIGNED, exec(ld(A0, A1, 3)));
        assertEquals(Cause.STORE_MISALIGNED, exec(sd(A0, A1, 0)));
        assertEquals(DATA + 1, sys.hart.tval());
        assertEquals(Cause.STORE_MISALIGNED, exec(sh(A0, A1, 0)));
        assertEquals(Cause.BUDGET, exec(lb(A0, A1, 0), sb(A0, A1, 0)), "bytes are always aligned");
        s.x[A1] = 0x50_0001; // misaligned and unmapped: misaligned has priority
        assertEquals(Cause.LOAD_MISALIGNED, exec(lw(A0, A1, 0)));
    }

    @Test
    void unbackedFramesReadAsZeroAndGetBackingOnStore() {
        sys.poke(CODE, ElfBuilder.words(ld(A0, A1, 0), sb(A2, A1, 0), lbu(A0, A1, 0)));
        long before = sys.memory.backedFrames();
        s.x[A1] = DATA + 0x100;
        s.x[A2] = 0x55;
        s.x[A0] = 9;
        assertEquals(Cause.BUDGET, sys.run(s, 1));
        assertEquals(0, s.x[A0]);
        assertEquals(before, sys.memory.backedFrames(), "a load backs nothing");
        assertEquals(Cause.BUDGET, sys.run(s, 2));
        assertEquals(0x55, s.x[A0], "the load after the store sees it, not the zero page");
        assertEquals(before + 1, sys.memory.backedFrames());
        assertEquals(0x55, sys.memory.load8(sys.pa(DATA + 0x100)));
    }

    // ---------------------------------------------------------------- accessed and dirty bits

    int status(long va) {
        return (int) sys.leaf(va) & (Sv39.A | Sv39.D);
    }

    @Test
    void fetchLoadAndStoreSetAccessedAndDirty() {
        assertEquals(0, status(CODE));
        assertEquals(0, status(DATA));
        s.x[A1] = DATA;
        assertEquals(Cause.BUDGET, exec(ld(A0, A1, 0)));
        assertEquals(Sv39.A, status(CODE), "the fetch");
        assertEquals(Sv39.A, status(DATA), "the load: accessed, not dirty");
        // In one run: a load through the hart's read cache, then a store to the same page.
        assertEquals(Cause.BUDGET, exec(ld(A0, A1, 8), sd(A1, A1, 16)));
        assertEquals(Sv39.A | Sv39.D, status(DATA), "the store walked again for D");
        assertEquals(Sv39.A, status(CODE), "code is never dirty");
    }

    @Test
    void bitsClearedBetweenRunsAreSetAgainByTheNextAccess() {
        s.x[A1] = DATA;
        assertEquals(Cause.BUDGET, exec(sd(A1, A1, 0), ld(A0, A1, 0)));
        assertEquals(Sv39.A | Sv39.D, status(DATA));
        sys.clearAccessed(DATA);
        sys.clearAccessed(CODE);
        assertEquals(Cause.BUDGET, exec(ld(A0, A1, 0)));
        assertEquals(Sv39.A, status(DATA), "the hart's write cache did not outlive the flush");
        assertEquals(Sv39.A, status(CODE));
        assertEquals(Cause.BUDGET, exec(sd(A1, A1, 8)));
        assertEquals(Sv39.A | Sv39.D, status(DATA));
    }

    @Test
    void aLoopThatOnlyReadsLeavesThePageClean() {
        // a0 = 2000; loop: ld a2, 0(a1); addi a0, a0, -1; bne a0, zero, loop: long enough to be compiled.
        sys.poke(CODE, ElfBuilder.words(addi(A0, ZERO, 2000), ld(A2, A1, 0), addi(A0, A0, -1), bne(A0, ZERO, -8)));
        s.pc = CODE;
        s.x[A1] = DATA;
        assertEquals(Cause.BUDGET, sys.run(s, 1 + 3 * 2000));
        assertEquals(0, s.x[A0]);
        assertEquals(Sv39.A, status(DATA));
        sys.clearAccessed(DATA);
        s.pc = CODE;
        assertEquals(Cause.BUDGET, sys.run(s, 1 + 3 * 2000));
        assertEquals(Sv39.A, status(DATA), "set again after the clear, still not dirty");
    }

    // ---------------------------------------------------------------- the translation cache

    @Test
    void unmapBetweenRunsIsSeen() {
        s.x[A1] = DATA;
        assertEquals(Cause.BUDGET, exec(sd(A1, A1, 0), ld(A0, A1, 0)));
        sys.unmap(DATA);
        assertEquals(Cause.LOAD_PAGE_FAULT, exec(ld(A0, A1, 0)));
        assertEquals(Cause.STORE_PAGE_FAULT, exec(sd(A0, A1, 0)));
    }

    @Test
    void droppedFrameBetweenRunsReadsZero() {
        s.x[A1] = DATA;
        s.x[A2] = 123;
        assertEquals(Cause.BUDGET, exec(sd(A2, A1, 0), ld(A0, A1, 0)));
        assertEquals(123, s.x[A0]);
        sys.memory.zeroFrame(sys.pa(DATA) / PAGE);
        assertEquals(Cause.BUDGET, exec(ld(A0, A1, 0)));
        assertEquals(0, s.x[A0]);
        assertEquals(Cause.BUDGET, exec(sd(A2, A1, 0)));
        assertEquals(123, sys.memory.load64(sys.pa(DATA)), "the store went to the frame's new backing");
    }

    @Test
    void kernelStoreBetweenRunsIsSeenByLoads() {
        s.x[A1] = DATA;
        s.x[A2] = 1;
        assertEquals(Cause.BUDGET, exec(ld(A0, A1, 0))); // caches the unbacked frame as zero
        sys.memory.store64(sys.pa(DATA), 77); // backs the frame
        assertEquals(Cause.BUDGET, exec(ld(A0, A1, 0)));
        assertEquals(77, s.x[A0]);
    }

    @Test
    void anotherAddressSpaceIsTranslatedAfresh() {
        s.x[A1] = DATA;
        s.x[A2] = 5;
        assertEquals(Cause.BUDGET, exec(sd(A2, A1, 0)));
        // asid 2 with an empty root: the same instructions fault there.
        long emptyRoot = sys.frame();
        s.pc = CODE;
        assertEquals(Cause.INSTRUCTION_PAGE_FAULT, sys.hart.run(s, 2, emptyRoot, 10));
        s.pc = CODE;
        assertEquals(Cause.BUDGET, sys.run(s, 1));
    }

    /**
     * Two spaces taking turns keep their translations (the hart parks the other space's caches),
     * but a parked space whose mapping changed meanwhile (a TLB flush) translates afresh: the load
     * after the switch back reads the page's new frame, not the one its parked cache held.
     */
    @Test
    void aParkedSpacesTranslationsComeBackUnlessItsMappingChangedMeanwhile() {
        s.x[A1] = DATA;
        s.x[A2] = 5;
        assertEquals(Cause.BUDGET, exec(sd(A2, A1, 0)));
        long emptyRoot = sys.frame();
        long fills = sys.hart.fills;
        for (int round = 0; round < 3; round++) {
            HartState other = new HartState(CODE);
            assertEquals(Cause.INSTRUCTION_PAGE_FAULT, sys.hart.run(other, 2, emptyRoot, 10));
            s.pc = CODE;
            assertEquals(Cause.BUDGET, sys.run(s, 1));
            assertEquals(5, s.x[A2]);
        }
        assertEquals(0, sys.hart.fills - fills, "space 1 found its fetch and store translations again; space 2 filled none");
        // While space 2 runs, space 1's DATA page moves to another frame (and its TLB entry goes).
        HartState other = new HartState(CODE);
        assertEquals(Cause.INSTRUCTION_PAGE_FAULT, sys.hart.run(other, 2, emptyRoot, 10));
        long moved = sys.frame();
        sys.memory.store64(moved * RiscvSystem.PAGE, 99);
        sys.map(DATA, moved, Sv39.R | Sv39.W);
        sys.tlb.flush(RiscvSystem.ASID, DATA >>> 12);
        assertEquals(Cause.BUDGET, exec(ld(A0, A1, 0)));
        assertEquals(99, s.x[A0], "the load after the switch back reads the new frame");
    }

    @Test
    void manyPagesConflictInTheDirectMappedCache() {
        // Stores to pages one apart and the cache's size apart, then reads them all back.
        int pages = Hart.TC_ENTRIES + 44;
        long base = 0x100_0000;
        for (int k = 0; k < pages; k++) {
            sys.mapNew(base + (long) k * PAGE, Sv39.R | Sv39.W);
        }
        // t0 = base, t1 = count; loop: sd t1, 0(t0); add t0, t0, PAGE; addi t1, t1, -1; bnez t1, loop
        s.x[T0] = base;
        s.x[T1] = pages;
        s.x[T2] = PAGE;
        sys.poke(CODE, ElfBuilder.words(sd(T1, T0, 8), add(T0, T0, T2), addi(T1, T1, -1), bne(T1, ZERO, -12), ecall()));
        s.pc = CODE;
        assertEquals(Cause.ECALL, sys.run(s, 100_000));
        for (int k = 0; k < pages; k++) {
            assertEquals(pages - k, sys.memory.load64(sys.pa(base + (long) k * PAGE + 8)));
        }
        s.x[T0] = base;
        s.x[T1] = pages;
        s.x[A0] = 0;
        sys.poke(CODE, ElfBuilder.words(ld(A1, T0, 8), add(A0, A0, A1), add(T0, T0, T2), addi(T1, T1, -1), bne(T1, ZERO, -16), ecall()));
        s.pc = CODE;
        assertEquals(Cause.ECALL, sys.run(s, 100_000));
        assertEquals(pages * (pages + 1) / 2, s.x[A0]);
    }

    // ---------------------------------------------------------------- devices

    static final class Register implements MmioDevice {
        final List<String> log = new ArrayList<>();

        @Override
        public long read(long offset, int sizeBytes) {
            log.add("r" + sizeBytes + "@" + offset);
            return 0x8070_6050_4030_2010L;
        }

        @Override
        public void write(long offset, int sizeBytes, long value) {
            log.add("w" + sizeBytes + "@" + offset + "=" + Long.toHexString(value));
        }
    }

    @Test
    void deviceRegistersAreReachedUncached() {
        Register dev = new Register();
        long base = 1L << 30;
        sys.memory.attach("reg", base, PAGE, dev);
        sys.map(0x60000, base / PAGE, Sv39.R | Sv39.W);
        s.x[A1] = 0x60000;
        s.x[A2] = 0x41;
        assertEquals(Cause.BUDGET, exec(sb(A2, A1, 0), lw(A0, A1, 4), lbu(A3, A1, 8), sd(A2, A1, 16), lw(A4, A1, 4)));
        assertEquals(0x4030_2010L, s.x[A0]);
        assertEquals(0x10, s.x[A3]);
        assertEquals(List.of("w1@0=41", "r4@4", "r1@8", "w8@16=41", "r4@4"), dev.log);
        assertEquals(Cause.STORE_ACCESS_FAULT, exec(amo(Decoder.AMO_ADD, false, A0, A1, A2)));
        sys.map(0x61000, base / PAGE, Sv39.R | Sv39.X);
        s.pc = 0x61000;
        assertEquals(Cause.INSTRUCTION_ACCESS_FAULT, sys.run(s, 1));
    }

    @Test
    void addressesBeyondRamAndDevicesAreAccessFaults() {
        sys.map(0x60000, (1L << 32) / PAGE, Sv39.R | Sv39.W);
        s.x[A1] = 0x60000;
        assertEquals(Cause.LOAD_ACCESS_FAULT, exec(ld(A0, A1, 0)));
        assertEquals(Cause.STORE_ACCESS_FAULT, exec(sd(A0, A1, 0)));
        assertEquals(0x60000, sys.hart.tval());
    }

    // ---------------------------------------------------------------- decoded code

    @Test
    void storeIntoTheExecutingPageIsSeenWithoutFenceI() {
        sys.mapNew(CODE, Sv39.R | Sv39.W | Sv39.X);
        // Overwrite the instruction at +12 with "addi a0, zero, 2", then run it.
        s.x[A1] = CODE;
        s.x[A2] = addi(A0, ZERO, 2);
        sys.poke(CODE, ElfBuilder.words(sw(A2, A1, 12), addi(ZERO, ZERO, 0), addi(ZERO, ZERO, 0), addi(A0, ZERO, 1), ecall()));
        s.pc = CODE + 12;
        assertEquals(Cause.ECALL, sys.run(s, 10)); // decodes "addi a0, zero, 1"
        assertEquals(1, s.x[A0]);
        s.pc = CODE;
        assertEquals(Cause.ECALL, sys.run(s, 10));
        assertEquals(2, s.x[A0], "this hart's store cleared the decoded instruction at once");
    }

    @Test
    void storeThenFenceIExecutesTheNewInstruction() {
        sys.mapNew(CODE, Sv39.R | Sv39.W | Sv39.X);
        long other = 0x40000; // a second mapping of the code frame, writable only
        sys.map(other, sys.pa(CODE) / PAGE, Sv39.R | Sv39.W);
        s.x[A1] = other;
        s.x[A2] = addi(A0, ZERO, 2);
        sys.poke(CODE, ElfBuilder.words(addi(A0, ZERO, 1), ecall(), sw(A2, A1, 0), fenceI(), jal(ZERO, -16)));
        s.pc = CODE;
        assertEquals(Cause.ECALL, sys.run(s, 10));
        assertEquals(1, s.x[A0]);
        s.pc = CODE + 8;
        assertEquals(Cause.ECALL, sys.run(s, 10));
        assertEquals(2, s.x[A0], "the store through another mapping reached the decoded code of the frame");
    }

    @Test
    void kernelWritesIntoCodeAreSeen() {
        assertEquals(Cause.BUDGET, exec(addi(A0, ZERO, 1)));
        assertEquals(1, s.x[A0]);
        sys.memory.store32(sys.pa(CODE), addi(A0, ZERO, 2)); // through PhysicalMemory: watched
        s.pc = CODE;
        sys.run(s, 1);
        assertEquals(2, s.x[A0]);
        sys.memory.zeroFrame(sys.pa(CODE) / PAGE);
        s.pc = CODE;
        assertEquals(Cause.ILLEGAL_INSTRUCTION, sys.run(s, 1), "a dropped frame reads as zero: illegal");
        byte[] frame = sys.memory.frameArrayForStore(sys.pa(CODE) / PAGE);
        System.arraycopy(ElfBuilder.words(addi(A0, ZERO, 3)), 0, frame, 0, 4); // behind PhysicalMemory's back
        sys.hart.invalidateCode(sys.pa(CODE) / PAGE);
        s.pc = CODE;
        assertEquals(Cause.BUDGET, sys.run(s, 1));
        assertEquals(3, s.x[A0]);
        System.arraycopy(ElfBuilder.words(addi(A0, ZERO, 4)), 0, frame, 0, 4);
        sys.hart.invalidateAllCode();
        s.pc = CODE;
        sys.run(s, 1);
        assertEquals(4, s.x[A0]);
    }

    @Test
    void storeOverlappingTheSecondHalfOfAnInstructionClearsIt() {
        sys.mapNew(CODE, Sv39.R | Sv39.W | Sv39.X);
        int one = addi(A0, ZERO, 1);
        int big = addi(A0, ZERO, 0x7FF);
        s.x[A1] = CODE;
        s.x[A2] = big >>> 16; // the upper half of the new instruction
        sys.poke(CODE, ElfBuilder.words(one, ecall(), sh(A2, A1, 2), jal(ZERO, -12)));
        s.pc = CODE;
        assertEquals(Cause.ECALL, sys.run(s, 10));
        s.pc = CODE + 8;
        assertEquals(Cause.ECALL, sys.run(s, 10));
        assertEquals((one & 0xFFFF | big & 0xFFFF_0000) >> 20, s.x[A0]);
    }

    @Test
    void instructionCrossingAPageBoundaryExecutes() {
        sys.mapNew(CODE + PAGE, Sv39.R | Sv39.X);
        int insn = addi(A0, A0, 5);
        byte[] first = {0x01, 0x00, (byte) insn, (byte) (insn >>> 8)}; // c.nop, then the low half
        sys.poke(CODE + PAGE - 4, first);
        sys.poke(CODE + PAGE, ElfBuilder.words(insn >>> 16 | ecall() << 16, ecall() >>> 16));
        s.pc = CODE + PAGE - 4;
        s.x[A0] = 1;
        assertEquals(Cause.ECALL, sys.run(s, 10));
        assertEquals(6, s.x[A0]);
        assertEquals(CODE + PAGE + 2, s.pc);
        assertEquals(2, s.instret);
        // Again from the decoded page, then with the second half changed by the kernel.
        s.pc = CODE + PAGE - 2;
        assertEquals(Cause.ECALL, sys.run(s, 10));
        assertEquals(11, s.x[A0]);
        sys.memory.store16(sys.pa(CODE + PAGE), addi(A0, A0, 100) >>> 16);
        s.pc = CODE + PAGE - 2;
        assertEquals(Cause.ECALL, sys.run(s, 10));
        assertEquals(111, s.x[A0]);
    }

    @Test
    void instructionCrossingIntoAnUnmappedPageFaultsOnTheSecondPage() {
        int insn = addi(A0, A0, 5);
        sys.poke(CODE + PAGE - 2, new byte[] {(byte) insn, (byte) (insn >>> 8)});
        s.pc = CODE + PAGE - 2;
        s.x[A0] = 1;
        assertStop(Cause.INSTRUCTION_PAGE_FAULT, CODE + PAGE, CODE + PAGE - 2);
        assertEquals(1, s.x[A0]);
        // A compressed instruction in the last slot needs no second page.
        sys.poke(CODE + PAGE - 2, new byte[] {0x05, 0x05}); // c.addi a0, 1
        s.pc = CODE + PAGE - 2;
        assertStop(Cause.INSTRUCTION_PAGE_FAULT, CODE + PAGE, CODE + PAGE);
        assertEquals(2, s.x[A0]);
    }

    @Test
    void budgetStopInsideACrossingLoop() {
        sys.mapNew(CODE + PAGE, Sv39.R | Sv39.X);
        int insn = addi(A0, A0, 1);
        int back = jal(ZERO, -4);
        sys.poke(CODE + PAGE - 2, new byte[] {(byte) insn, (byte) (insn >>> 8), (byte) (insn >>> 16), (byte) (insn >>> 24),
            (byte) back, (byte) (back >>> 8), (byte) (back >>> 16), (byte) (back >>> 24)});
        s.pc = CODE + PAGE - 2;
        assertEquals(Cause.BUDGET, sys.run(s, 7));
        assertEquals(4, s.x[A0]);
        assertEquals(CODE + PAGE + 2, s.pc);
        // Seven instructions and eleven fetch accesses: each of the four addi reads both pages, and each
        // jal after one enters the second page again (the fetch page is the one an instruction starts
        // in). The first access to each page walks the three levels and sets the leaf's A bit (a store);
        // the other nine hit.
        assertEquals(2, sys.mmu.walks());
        assertEquals(7 * CostModel.INSTRUCTION
                + 2 * (Sv39.LEVELS * CostModel.PAGE_WALK_LEVEL + CostModel.MEMORY_ACCESS + CostModel.MEMORY_ACCESS)
                + 9 * CostModel.MEMORY_ACCESS, sys.clock.now());
    }
}
