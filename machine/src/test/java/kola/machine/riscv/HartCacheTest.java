package kola.machine.riscv;

import static kola.machine.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import kola.machine.Cache;
import kola.machine.CostModel;
import org.junit.jupiter.api.Test;

/**
 * The hart with a memory cache: every fetch (a line at a time), load and store reaches the cache
 * at its physical address, and the cycles differ from the cacheless run by exactly the misses.
 */
class HartCacheTest {
    static final long TEXT = 0x10000;
    static final long BUFFER = 0x20000;
    static final int LINES = 256; // 16 KiB: four pages, one word read and one written per 64-byte line
    static final int PASSES = 4;
    static final long PASS_SUM = (long) LINES * (LINES + 1) / 2;

    /**
     * Reads word 0 of every line of the buffer (holding 1..256) {@link #PASSES} times, adds them
     * up, stores the running sum at word 1 of each line, and exits with the sum. Its code, 56
     * bytes, lies in one cache line.
     */
    static byte[] program() {
        byte[] text = ElfBuilder.words(
                /* 0 */ lui(T0, (int) BUFFER),
                /* 4 */ addi(S0, ZERO, PASSES),
                /* 8 */ addi(A0, ZERO, 0),
                /* c outer: */ addi(T1, T0, 0),
                /* 10 */ addi(T2, ZERO, LINES),
                /* 14 inner: */ ld(A1, T1, 0),
                /* 18 */ add(A0, A0, A1),
                /* 1c */ sd(A0, T1, 8),
                /* 20 */ addi(T1, T1, 64),
                /* 24 */ addi(T2, T2, -1),
                /* 28 */ bne(T2, ZERO, -20),
                /* 2c */ addi(S0, S0, -1),
                /* 30 */ bne(S0, ZERO, -36),
                /* 34 */ addi(A7, ZERO, RiscvSystem.SYS_EXIT),
                /* 38 */ ecall());
        ByteBuffer data = ByteBuffer.allocate(LINES * 64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < LINES; i++) {
            data.putLong(i * 64, i + 1);
        }
        return new ElfBuilder().entry(TEXT).load(TEXT, text, text.length, Elf64.PF_R | Elf64.PF_X)
                .load(BUFFER, data.array(), LINES * 64, Elf64.PF_R | Elf64.PF_W).build();
    }

    record Run(RiscvSystem.Outcome outcome, long cycles, long hits, long misses, long lastStored) {
    }

    static Run run(Cache cache) {
        RiscvSystem sys = new RiscvSystem(64L << 20, cache);
        RiscvSystem.Outcome o = sys.runElf(program());
        long last = ByteBuffer.wrap(sys.peek(BUFFER + (LINES - 1) * 64 + 8, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new Run(o, sys.clock.now(), cache == null ? 0 : cache.hits(), cache == null ? 0 : cache.misses(), last);
    }

    @Test
    void aCacheThatHoldsTheBufferMissesOncePerLineAndCostsExactlyTheMisses() {
        Run off = run(null);
        Cache cache = new Cache(256, 4, 64); // 64 KiB
        Run on = run(cache);
        assertTrue(off.outcome().exited());
        assertEquals(PASSES * PASS_SUM, off.outcome().exitStatus());
        assertEquals(off.outcome().exitStatus(), on.outcome().exitStatus(), "the same result");
        assertEquals(off.lastStored(), on.lastStored(), "the stores landed");
        assertEquals(PASSES * PASS_SUM, on.lastStored());
        assertEquals(off.outcome().instret(), on.outcome().instret());
        assertEquals(LINES + 1, on.misses(), "each buffer line once, and the code's line");
        assertEquals(2L * PASSES * LINES - LINES, on.hits(), "every other load and every store hit");
        // A hit costs what a cacheless access does; the fetch is one access in both (one line, one page).
        assertEquals(off.cycles() + on.misses() * (CostModel.CACHE_MISS - CostModel.CACHE_HIT), on.cycles());
        assertTrue(on.cycles() > off.cycles());
    }

    @Test
    void aCacheTooSmallForTheBufferMissesEveryLoad() {
        Run off = run(null);
        Run on = run(new Cache(16, 2, 64)); // 2 KiB
        assertEquals(off.outcome().exitStatus(), on.outcome().exitStatus());
        assertEquals(PASSES * LINES + 1, on.misses(), "every load evicted long before its next pass; and the code line");
        assertEquals(PASSES * LINES, on.hits(), "each store hits the line its load just filled");
        assertEquals(off.cycles() + on.misses() * (CostModel.CACHE_MISS - CostModel.CACHE_HIT), on.cycles());
    }

    @Test
    void aFetchAccessesTheCacheOncePerLineEntered() {
        // Thirty-two 4-byte nops from TEXT then exit: 136 bytes, three 64-byte lines.
        int[] words = new int[34];
        for (int i = 0; i < 32; i++) {
            words[i] = addi(ZERO, ZERO, 0);
        }
        words[32] = addi(A7, ZERO, RiscvSystem.SYS_EXIT);
        words[33] = ecall();
        byte[] text = ElfBuilder.words(words);
        byte[] elf = new ElfBuilder().entry(TEXT).load(TEXT, text, text.length, Elf64.PF_R | Elf64.PF_X).build();
        Cache cache = new Cache(64, 2, 64);
        RiscvSystem sys = new RiscvSystem(64L << 20, cache);
        assertTrue(sys.runElf(elf).exited());
        assertEquals(3, cache.misses());
        assertEquals(0, cache.hits());
        assertTrue(cache.holds(sys.pa(TEXT)) && cache.holds(sys.pa(TEXT + 128)));
    }

    @Test
    void withACacheNothingIsCompiledAndTheSameRunGivesTheSameCycles() {
        Cache a = new Cache(64, 2, 64);
        Cache b = new Cache(64, 2, 64);
        RiscvSystem sys = new RiscvSystem(64L << 20, a);
        assertFalse(sys.hart.compileBlocks);
        assertTrue(new RiscvSystem(64L << 20).hart.compileBlocks);
        Run first = run(a);
        Run second = run(b);
        assertEquals(first, second);
    }

    @Test
    void withACacheASliceEndsAtItsCycleBudgetWhateverItsMisses() {
        long slice = 1000;
        // The most one instruction can cost: itself, a fetch and a data access each walking and missing.
        long mostPerInstruction = CostModel.INSTRUCTION + 2 * (3 * CostModel.PAGE_WALK_LEVEL + CostModel.CACHE_MISS);
        RiscvSystem sys = new RiscvSystem(64L << 20, new Cache(16, 2, 64));
        HartState s = sys.load(program());
        int slices = 0;
        while (true) {
            long t0 = sys.clock.now();
            long i0 = s.instret;
            int cause = sys.run(s, slice);
            long spent = sys.clock.now() - t0;
            if (cause == Cause.ECALL) {
                break;
            }
            assertEquals(Cause.BUDGET, cause);
            slices++;
            assertTrue(spent >= slice && spent < slice + mostPerInstruction, "slice " + slices + " took " + spent);
            assertTrue(s.instret - i0 < slice / 5, "misses cost cycles: far fewer instructions than the budget");
        }
        assertEquals(PASSES * PASS_SUM, s.x[A0], "the program ran to its end across the slices");
        assertTrue(slices > 40, "slices: " + slices);
        RiscvSystem plain = new RiscvSystem(64L << 20);
        HartState p = plain.load(program());
        assertEquals(Cause.BUDGET, plain.run(p, slice));
        assertEquals(slice, p.instret, "without a cache the budget is instructions");
    }
}
