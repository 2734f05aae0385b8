package kola.machine.riscv;

import static kola.machine.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import kola.machine.Sv39;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compiled blocks change nothing: every program of {@code user/build/isa} and the start of every
 * one of {@code user/build/bench} (when built) runs in
 * lock step with and without block compilation, in slices of several sizes, and every stop shows
 * the same cause, pc, instret, registers, tval and simulated time.
 */
class HartBlockTest {

    static List<Path> programs() throws IOException {
        List<Path> out = new ArrayList<>();
        UserPrograms.build();
        for (String d : new String[] {"isa", "bench"}) {
            Path dir = Path.of("..", "user", "build", d);
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().contains(".")).sorted().forEach(out::add);
                }
            }
        }
        if (out.isEmpty()) {
            out.add(null);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("programs")
    void compiledAndInterpretedAgree(Path program) throws IOException {
        Assumptions.assumeTrue(program != null, "user/build/isa not built");
        byte[] file = Files.readAllBytes(program);
        for (long slice : new long[] {1, 3, 7, 64, 1000, 100_000}) {
            RiscvSystem a = new RiscvSystem();
            RiscvSystem b = new RiscvSystem();
            b.hart.compileBlocks = false;
            HartState sa = a.load(file);
            HartState sb = b.load(file);
            // The benchmarks run for a billion instructions: their first few million will do.
            long limit = slice < 64 ? 200_000 : 3_000_000;
            for (int round = 0; round < 1_000_000 && sa.instret < limit; round++) {
                int ca = a.run(sa, slice);
                int cb = b.run(sb, slice);
                String where = program.getFileName() + " slice " + slice + " round " + round;
                assertSameRun(where, b, sb, cb, a, sa, ca);
                if (ca == Cause.BUDGET) {
                    continue;
                }
                if (ca != Cause.ECALL || sa.x[Asm.A7] == RiscvSystem.SYS_EXIT) {
                    break;
                }
                if (sa.x[Asm.A7] == RiscvSystem.SYS_WRITE) {
                    sa.x[Asm.A0] = sa.x[Asm.A2];
                    sb.x[Asm.A0] = sb.x[Asm.A2];
                } else {
                    sa.x[Asm.A0] = -38;
                    sb.x[Asm.A0] = -38;
                }
                sa.pc += 4;
                sb.pc += 4;
            }
        }
    }

    // ---------------------------------------------------------------- hand-made regions

    static final long CODE = 0x10000;
    static final long DATA = 0x20000;

    /**
     * Runs {@code prog} at {@link #CODE} (a writable code page) with a data page at {@link #DATA},
     * compiled and interpreted in lock step, in slices of every size from 1 to 40 and a few large
     * ones, until it stops other than by budget; compares every stop and the data page. Returns
     * the final state of the compiled run of the last slice size.
     */
    record Stop(int cause, HartState s) {
    }

    static Stop lockStep(int[] prog, Consumer<HartState> init) {
        return lockStep(prog, init, new long[0]);
    }

    /**
     * The compiling system {@code a}'s run (state {@code sa}, stopped for {@code ca}) is the
     * interpreting {@code b}'s: the same cause, pc, instructions, registers, tval and cycles.
     */
    static void assertSameRun(String where, RiscvSystem b, HartState sb, int cb, RiscvSystem a, HartState sa, int ca) {
        assertEquals(cb, ca, where);
        assertEquals(sb.pc, sa.pc, where);
        assertEquals(sb.instret, sa.instret, where);
        assertArrayEquals(sb.x, sa.x, where);
        assertEquals(b.hart.tval(), a.hart.tval(), where);
        assertEquals(b.clock.now(), a.clock.now(), where);
    }

    /**
     * Two systems holding {@code prog} at {@link #CODE}, with {@link #DATA} and the pages
     * {@code extra} mapped read and write: the first compiles regions, the second only interprets.
     */
    static RiscvSystem[] compiledAndInterpreted(int[] prog, long... extra) {
        RiscvSystem a = new RiscvSystem();
        RiscvSystem b = new RiscvSystem();
        b.hart.compileBlocks = false;
        for (RiscvSystem sys : new RiscvSystem[] {a, b}) {
            sys.mapNew(CODE, Sv39.R | Sv39.W | Sv39.X);
            sys.mapNew(DATA, Sv39.R | Sv39.W);
            for (long e : extra) {
                sys.mapNew(e, Sv39.R | Sv39.W);
            }
            sys.poke(CODE, ElfBuilder.words(prog));
        }
        return new RiscvSystem[] {a, b};
    }

    /** Like {@link #lockStep(int[], Consumer)}, with the pages {@code extra} mapped too (read and write). */
    static Stop lockStep(int[] prog, Consumer<HartState> init, long... extra) {
        Stop last = null;
        List<Long> slices = new ArrayList<>();
        for (long k = 1; k <= 40; k++) {
            slices.add(k);
        }
        slices.addAll(List.of(97L, 1000L, 100_000L));
        for (long slice : slices) {
            RiscvSystem[] ab = compiledAndInterpreted(prog, extra);
            RiscvSystem a = ab[0];
            RiscvSystem b = ab[1];
            HartState sa = new HartState(CODE);
            HartState sb = new HartState(CODE);
            init.accept(sa);
            init.accept(sb);
            for (int round = 0; round < 1_000_000; round++) {
                int ca = a.run(sa, slice);
                int cb = b.run(sb, slice);
                String where = "slice " + slice + " round " + round;
                assertSameRun(where, b, sb, cb, a, sa, ca);
                assertArrayEquals(b.peek(DATA, RiscvSystem.PAGE), a.peek(DATA, RiscvSystem.PAGE), where);
                if (ca != Cause.BUDGET) {
                    last = new Stop(ca, sa);
                    break;
                }
            }
        }
        return last;
    }

    /**
     * A loop of system calls, as a client's: each run starts after the ecall and ends at it. The
     * region after the ecall is compiled once; the ecall, which no region can start with, is
     * never tried however often it runs (its heat counter would come round to hot every 256).
     */
    @Test
    void anEcallAtTheEndOfEveryRunIsNeverTriedAsARegion() {
        RiscvSystem sys = new RiscvSystem();
        sys.mapNew(CODE, Sv39.R | Sv39.W | Sv39.X);
        sys.poke(CODE, ElfBuilder.words(new int[] {Asm.addi(10, 10, 1), Asm.addi(11, 11, 2), Asm.ecall(), Asm.jal(0, -12)}));
        HartState s = new HartState(CODE);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(Cause.ECALL, sys.run(s, 1_000));
            assertEquals(CODE + 8, s.pc);
            s.pc += 4;
        }
        assertEquals(10_000, s.x[10]);
        assertEquals(20_000, s.x[11]);
        assertEquals(1, sys.hart.compileAttempts, "one region: the jump back and the two adds");
    }

    /**
     * A loop of system calls whose region loads and stores (a client's loop): every run after the
     * region is compiled starts at it and stops at the ecall without the dispatch loop. Each run
     * agrees with the interpreter's in everything: registers, pc, instructions, cycles (hits
     * included) and memory. Budgets of 1 to 9 instructions make the region decline or leave early
     * in some runs, which the dispatch loop then goes on with.
     */
    @Test
    void runsOfALoopOfSystemCallsAgreeWithTheInterpreterWhenTheyEndAtTheEcallDirectly() {
        int[] prog = {
            lui(A1, (int) DATA),
            ld(A2, A1, 0), // 4: the loop
            addi(A2, A2, 3),
            sd(A2, A1, 0),
            addi(A0, A0, 1),
            ecall(),
            jal(ZERO, -20),
        };
        RiscvSystem[] ab = compiledAndInterpreted(prog);
        RiscvSystem a = ab[0];
        RiscvSystem b = ab[1];
        HartState sa = new HartState(CODE);
        HartState sb = new HartState(CODE);
        int ecalls = 0;
        int fromTheHead = 0; // runs that start after the ecall (at the jump back) and stop at the next
        for (int round = 0; round < 20_000; round++) {
            long budget = round % 10 == 0 ? 1 + round / 10 % 9 : 1_000;
            boolean atHead = sa.pc == CODE + 24;
            int ca = a.run(sa, budget);
            int cb = b.run(sb, budget);
            String where = "round " + round;
            assertSameRun(where, b, sb, cb, a, sa, ca);
            if (ca == Cause.ECALL) {
                ecalls++;
                fromTheHead += atHead ? 1 : 0;
                sa.pc += 4;
                sb.pc += 4;
            }
        }
        assertArrayEquals(b.peek(DATA, RiscvSystem.PAGE), a.peek(DATA, RiscvSystem.PAGE));
        assertEquals(ecalls, sa.x[A0]);
        assertEquals(3L * ecalls, sa.x[A2], "each round's load saw the previous round's store");
        assertEquals(0, b.hart.quickRuns, "nothing compiled: every run is the dispatch loop's");
        // A quick run starts at the region (from the jump back after the ecall) and stops at the
        // ecall; the region is compiled when its first instruction has been interpreted 40 times:
        // all such runs but those before are quick.
        assertTrue(a.hart.quickRuns <= fromTheHead && a.hart.quickRuns >= fromTheHead - 40,
                a.hart.quickRuns + " quick runs of " + fromTheHead + " from the head");
    }

    @Test
    void loopWithInnerBranchesRunsIntoAStoreFault() {
        int[] prog = {
            addi(A0, ZERO, 0),
            lui(A1, (int) DATA),
            addi(A2, ZERO, 3),
            lui(A3, 0x100000),
            andi(T0, A0, 1), // 16: loop
            beq(T0, ZERO, 12),
            sd(A0, A1, 0),
            jal(ZERO, 8),
            sw(A2, A1, 4),
            addi(A0, A0, 1), // 36
            addi(A1, A1, 8),
            ld(T1, A1, -8),
            add(A2, A2, T1),
            blt(A0, A3, -36),
            ecall(),
        };
        Stop stop = lockStep(prog, st -> { });
        assertEquals(Cause.STORE_PAGE_FAULT, stop.cause());
        assertEquals(DATA + RiscvSystem.PAGE, stop.s().x[A1], "the loop ran off the data page");
    }

    /** A page whose translation-cache entries are those of {@link #DATA}: they evict each other. */
    static final long ALIAS = DATA + (Hart.TC_ENTRIES << 12);

    @Test
    void loopWhoseAccessesEvictEachOthersTranslationsAgrees() {
        int[] prog = {
            addi(A0, ZERO, 0),
            lui(A1, (int) DATA),
            lui(A2, (int) ALIAS),
            addi(A3, ZERO, 700),
            ld(T0, A1, 0), // 16: loop
            add(T0, T0, A0),
            sd(T0, A2, 8),
            ld(T1, A2, 8),
            sd(T1, A1, 0),
            lw(T2, A1, 4),
            sw(T2, A1, 16),
            addi(A0, A0, 1),
            blt(A0, A3, -32),
            ld(T0, ZERO, 8), // load fault at address 8
        };
        Stop stop = lockStep(prog, st -> { }, ALIAS);
        assertEquals(Cause.LOAD_PAGE_FAULT, stop.cause());
        assertEquals(700L * 699 / 2, stop.s().x[T1], "the sum of the loop's counters");
    }

    @Test
    void loopThatRewritesItsOwnBodySeesTheNewInstruction() {
        int[] prog = {
            addi(A0, ZERO, 0),
            lui(A1, (int) CODE),
            addi(A4, ZERO, 100),
            addi(A3, ZERO, 300),
            addi(A2, A2, 1), // 16: loop, rewritten to add 5
            addi(A0, A0, 1),
            bne(A0, A4, 8),
            sw(T2, A1, 16),
            blt(A0, A3, -16), // 32
            ecall(),
        };
        Stop stop = lockStep(prog, st -> st.x[T2] = addi(A2, A2, 5));
        assertEquals(Cause.ECALL, stop.cause());
        assertEquals(100 + 5 * 200, stop.s().x[A2], "the rewritten instruction ran from the next iteration on");
    }

    @Test
    void callsAndReturnsInsideAPage() {
        int[] prog = {
            addi(A0, ZERO, 0),
            addi(A3, ZERO, 500),
            jal(RA, 20), // 8: call f
            addi(A3, A3, -1),
            bne(A3, ZERO, -8),
            ld(T0, ZERO, 8), // 20: load fault at address 8
            ecall(),
            addi(A0, A0, 3), // 28: f
            andi(T1, A0, 4),
            beq(T1, ZERO, 8),
            xori(A0, A0, 1),
            jalr(ZERO, RA, 0), // 44
        };
        Stop stop = lockStep(prog, st -> { });
        assertEquals(Cause.LOAD_PAGE_FAULT, stop.cause());
        assertEquals(CODE + 20, stop.s().pc, "stopped at the faulting load");
    }

    /** Two pages after {@link #DATA}: with it, three consecutive pages. */
    static final long DATA3 = DATA + 2 * RiscvSystem.PAGE;

    /**
     * A matrix-product inner loop (two loads, a multiply-add, a store to where the second load
     * read) whose pointers walk across three pages, so that its fast copy's sites miss at each
     * page and the region's code refills them; then it leaves through a branch out of the region.
     */
    @Test
    void fastLoopWhoseSitesCrossPagesAgrees() {
        int[] prog = {
            lui(A2, (int) DATA), // B
            lui(A5, (int) DATA2), // C
            addi(A5, A5, 1000),
            addi(A0, A5, 2047),
            addi(A0, A0, 2047),
            addi(A0, A0, 906), // C + 5000: 625 steps, into DATA3
            addi(A1, ZERO, 7),
            sd(A1, A2, 0), // 28: loop
            ld(A3, A2, 0),
            ld(A4, A5, 0),
            addi(A5, A5, 8),
            mul(A3, A1, A3),
            addi(A2, A2, 8),
            add(A4, A4, A3),
            sd(A4, A5, -8),
            bne(A5, A0, -32),
            addi(A1, ZERO, 9),
            blt(A1, A0, 8), // leaves the region: never executed before it was compiled
            ecall(),
            ld(T0, ZERO, 8), // 76: load fault at address 8
        };
        Stop stop = lockStep(prog, st -> { }, DATA2, DATA3);
        assertEquals(Cause.LOAD_PAGE_FAULT, stop.cause());
        assertEquals(CODE + 76, stop.s().pc);
        assertEquals(DATA2 + 1000 + 5000, stop.s().x[A5]);
        assertEquals(49, stop.s().x[A4], "the last product stored");
    }

    /**
     * A loop that stores to a page first read as the zero page (unbacked): its compiled store
     * leaves the region before the store, the hart backs the page, and the loads read what was
     * stored from then on.
     */
    @Test
    void compiledStoreToAnUnbackedPageLeavesForTheHart() {
        int[] prog = {
            lui(A1, (int) DATA2),
            addi(A0, ZERO, 0),
            addi(A3, ZERO, 400),
            addi(A2, ZERO, 0),
            ld(T0, A1, 0), // 16: loop
            add(A2, A2, T0),
            addi(T1, A0, 1),
            sd(T1, A1, 0),
            addi(A0, A0, 1),
            blt(A0, A3, -20),
            ecall(),
        };
        Stop stop = lockStep(prog, st -> { }, DATA2);
        assertEquals(Cause.ECALL, stop.cause());
        assertEquals(399L * 400 / 2, stop.s().x[A2], "each load read the previous iteration's store");
    }

    /**
     * A region whose longest path between budget tests is long (a loop body of two arms of
     * different lengths): every slice size stops exactly where the interpreter does.
     */
    @Test
    void longArmsBetweenBudgetTestsStopExactly() {
        int[] prog = {
            addi(A0, ZERO, 0),
            addi(A3, ZERO, 300),
            andi(T0, A0, 3), // 8: loop
            bne(T0, ZERO, 40),
            addi(A2, A2, 1),
            addi(A2, A2, 2),
            addi(A2, A2, 3),
            addi(A2, A2, 4),
            addi(A2, A2, 5),
            addi(A2, A2, 6),
            addi(A2, A2, 7),
            addi(A2, A2, 8),
            addi(A2, A2, 9),
            addi(A4, A4, 1), // 56
            addi(A0, A0, 1),
            blt(A0, A3, -56),
            ecall(),
        };
        Stop stop = lockStep(prog, st -> { });
        assertEquals(Cause.ECALL, stop.cause());
        assertEquals(75 * 45, stop.s().x[A2]);
        assertEquals(300, stop.s().x[A4]);
    }

    // ---------------------------------------------------------------- the inline translation-cache test of compiled loads and stores

    /** The page after {@link #DATA}. */
    static final long DATA2 = DATA + RiscvSystem.PAGE;

    /**
     * Loads of every size and sign and stores of every size, in a loop whose pointer walks from
     * the end of {@link #DATA} (never written before: it reads as the zero page until the first
     * store backs it) into {@link #DATA2}, each iteration reading what the previous one stored;
     * then a misaligned load.
     */
    @Test
    void loadsAndStoresOfEverySizeAcrossTwoPagesAgree() {
        int[] prog = {
            addi(A0, ZERO, 0),
            lui(A1, (int) DATA),
            addi(A1, A1, 2047),
            addi(A1, A1, 1537), // DATA + 3584
            addi(A3, ZERO, 200), // 200 steps of 8 bytes: into DATA2 after 64
            addi(A2, ZERO, 0),
            ld(T0, A1, 0), // 24: loop
            lb(T1, A1, 1),
            add(A2, A2, T0),
            lbu(T2, A1, 2),
            add(A2, A2, T1),
            lh(T0, A1, 2),
            add(A2, A2, T2),
            lhu(T1, A1, 4),
            add(A2, A2, T0),
            lw(T2, A1, 4),
            add(A2, A2, T1),
            lwu(T0, A1, 4),
            add(A2, A2, T2),
            add(A2, A2, T0),
            slli(T1, A2, 7),
            xor(T1, T1, A0),
            sd(T1, A1, 8), // the next iteration's doubleword
            sw(A2, A1, 12),
            sh(A0, A1, 10),
            sb(T1, A1, 9),
            addi(A0, A0, 1),
            addi(A1, A1, 8),
            blt(A0, A3, -88),
            lw(T0, A1, 1), // misaligned
            ecall(),
        };
        Stop stop = lockStep(prog, st -> { }, DATA2);
        assertEquals(Cause.LOAD_MISALIGNED, stop.cause());
        assertEquals(DATA + 3584 + 200 * 8, stop.s().x[A1], "the loop walked into the second page");
        assertEquals(Expected.everySize(), stop.s().x[A2], "the loop's sum");
    }

    /** What {@link #loadsAndStoresOfEverySizeAcrossTwoPagesAgree}'s loop sums, computed on a byte array. */
    static final class Expected {
        static long everySize() {
            java.nio.ByteBuffer m = java.nio.ByteBuffer.allocate(2 * RiscvSystem.PAGE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long sum = 0;
            int p = 3584;
            for (long i = 0; i < 200; i++, p += 8) {
                long t0 = m.getLong(p);
                long t1 = m.get(p + 1);
                sum += t0;
                long t2 = m.get(p + 2) & 0xFF;
                sum += t1;
                t0 = m.getShort(p + 2);
                sum += t2;
                t1 = m.getShort(p + 4) & 0xFFFF;
                sum += t0;
                t2 = m.getInt(p + 4);
                sum += t1;
                t0 = m.getInt(p + 4) & 0xFFFF_FFFFL;
                sum += t2;
                sum += t0;
                t1 = sum << 7 ^ i;
                m.putLong(p + 8, t1);
                m.putInt(p + 12, (int) sum);
                m.putShort(p + 10, (short) i);
                m.put(p + 9, (byte) t1);
            }
            return sum;
        }
    }

    /**
     * A compiled loop that moves to a fresh page (never written: it reads as the zero page) every
     * 64 iterations, loads from it twice and then stores into it (which gives the page a frame of
     * its own): the next iteration's loads must see the store, not the zero page.
     */
    @Test
    void loadsFromAZeroPageThenAStoreIntoItAgree() {
        int[] prog = {
            addi(A0, ZERO, 0),
            addi(A3, ZERO, 300),
            addi(A2, ZERO, 0),
            lui(A4, (int) DATA2),
            srli(A1, A0, 6), // 16: loop
            slli(A1, A1, 12),
            add(A1, A1, A4),
            lw(T0, A1, 0),
            lw(T1, A1, 4),
            add(A2, A2, T0),
            add(A2, A2, T1),
            addi(T2, A0, 1),
            sw(T2, A1, 4),
            addi(A0, A0, 1),
            blt(A0, A3, -40),
            ecall(),
        };
        long[] pages = new long[5];
        for (int k = 0; k < pages.length; k++) {
            pages[k] = DATA2 + (long) k * RiscvSystem.PAGE;
        }
        Stop stop = lockStep(prog, st -> { }, pages);
        assertEquals(Cause.ECALL, stop.cause());
        long sum = 0;
        for (long i = 0; i < 300; i++) {
            sum += i % 64 == 0 ? 0 : i; // the previous iteration stored i, unless this one is the first on its page
        }
        assertEquals(sum, stop.s().x[A2]);
    }

    /**
     * Stores and loads in a loop on data that shares the code's page: the frame holds decoded
     * code, so every store takes the path that clears the code it overlaps (none of it here).
     */
    @Test
    void storesIntoDataOnTheCodePageAgree() {
        int[] prog = {
            addi(A0, ZERO, 0),
            lui(A1, (int) CODE),
            addi(A3, ZERO, 300),
            addi(A2, ZERO, 0),
            sd(A0, A1, 512), // 16: loop
            ld(T0, A1, 512),
            add(A2, A2, T0),
            sw(A2, A1, 520),
            lw(T1, A1, 520),
            add(A2, A2, T1),
            addi(A0, A0, 1),
            blt(A0, A3, -28),
            ecall(),
        };
        Stop stop = lockStep(prog, st -> { });
        assertEquals(Cause.ECALL, stop.cause());
        long sum = 0;
        for (long i = 0; i < 300; i++) {
            sum += i;
            sum += (int) sum;
        }
        assertEquals(sum, stop.s().x[A2]);
    }

    /**
     * Byte stores into the immediate of an instruction of the running loop, twice (the second
     * through the translation-cache entry the first one filled): the next iteration runs the new one.
     */
    @Test
    void byteStoresIntoTheLoopsOwnInstructionAreSeen() {
        int[] prog = {
            addi(A0, ZERO, 0),
            lui(A1, (int) CODE),
            addi(A4, ZERO, 100),
            addi(A3, ZERO, 300),
            addi(A2, A2, 1), // 16: loop; its immediate's high byte becomes 1, then 2 (addi a2, a2, 17 and 33)
            addi(A0, A0, 1),
            bne(A0, A4, 16),
            sb(T2, A1, 19),
            addi(T2, T2, 1),
            addi(A4, A4, 100),
            blt(A0, A3, -24), // 40
            ecall(),
        };
        Stop stop = lockStep(prog, st -> st.x[T2] = 1);
        assertEquals(Cause.ECALL, stop.cause());
        assertEquals(100 + 17 * 100 + 33 * 100, stop.s().x[A2]);
    }

    /** A compiled loop whose loads walk off the end of the data page: the page fault stops at the load, with its address. */
    @Test
    void loopThatLoadsPastItsPageFaultsAtTheLoad() {
        int[] prog = {
            lui(A1, (int) DATA),
            addi(A2, ZERO, 0),
            addi(T1, ZERO, 5),
            sw(T1, A1, 40),
            lw(T0, A1, 0), // 16: loop
            add(A2, A2, T0),
            addi(A1, A1, 4),
            jal(ZERO, -12),
        };
        Stop stop = lockStep(prog, st -> { });
        assertEquals(Cause.LOAD_PAGE_FAULT, stop.cause());
        assertEquals(CODE + 16, stop.s().pc, "stopped at the load");
        assertEquals(DATA + RiscvSystem.PAGE, stop.s().x[A1]);
        assertEquals(5, stop.s().x[A2]);
    }
}
