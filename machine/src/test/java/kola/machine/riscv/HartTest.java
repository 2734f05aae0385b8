package kola.machine.riscv;

import static kola.machine.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import kola.machine.Sv39;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-instruction tests from hand-encoded instructions: results read back from registers and memory. */
class HartTest {

    static final long CODE = 0x10000;
    static final long DATA = 0x20000;
    static final int PAGE = RiscvSystem.PAGE;

    RiscvSystem sys;
    HartState s;

    @BeforeEach
    void setUp() {
        sys = new RiscvSystem();
        sys.mapNew(CODE, Sv39.R | Sv39.X);
        sys.mapNew(CODE + PAGE, Sv39.R | Sv39.X);
        sys.mapNew(DATA, Sv39.R | Sv39.W);
        s = new HartState(CODE);
    }

    /** Places {@code insns} at {@link #CODE} and runs exactly that many instructions (or to a stop). */
    int exec(int... insns) {
        sys.poke(CODE, ElfBuilder.words(insns));
        s.pc = CODE;
        return sys.run(s, insns.length);
    }

    /** Runs {@code insns} with the given register values first. */
    long result(int insn, long a, long b) {
        s.x[A1] = a;
        s.x[A2] = b;
        assertEquals(Cause.BUDGET, exec(insn));
        return s.x[A0];
    }

    static byte[] halves(int... parcels) {
        ByteBuffer b = ByteBuffer.allocate(2 * parcels.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int p : parcels) {
            b.putShort((short) p);
        }
        return b.array();
    }

    /** Runs 16-bit instructions (and 32-bit ones given as two parcels). */
    int execHalves(int count, int... parcels) {
        sys.poke(CODE, halves(parcels));
        s.pc = CODE;
        return sys.run(s, count);
    }

    // ---------------------------------------------------------------- RV64I

    @Test
    void immediateArithmetic() {
        assertEquals(-1, result(addi(A0, A1, -6), 5, 0));
        assertEquals(1, result(slti(A0, A1, -1), -2, 0));
        assertEquals(0, result(slti(A0, A1, -3), -2, 0));
        assertEquals(1, result(sltiu(A0, A1, -1), 5, 0), "the immediate is sign-extended, then compared unsigned");
        assertEquals(0, result(sltiu(A0, A1, 1), -1, 0));
        assertEquals(0xF0F ^ -0x100L, result(xori(A0, A1, -0x100), 0xF0F, 0));
        assertEquals(-0x100L | 0xF, result(ori(A0, A1, -0x100), 0xF, 0));
        assertEquals(0x7F0, result(andi(A0, A1, 0x7F0), 0xFFFF, 0));
        assertEquals(Long.MIN_VALUE, result(slli(A0, A1, 63), 1, 0));
        assertEquals(1, result(srli(A0, A1, 63), -1, 0));
        assertEquals(-1, result(srai(A0, A1, 63), Long.MIN_VALUE, 0));
        assertEquals(0xFFFF_FFFF_8000_0000L, result(lui(A0, 0x8000_0000), 0, 0), "lui sign-extends bit 31");
        assertEquals(0x1234_5000, result(lui(A0, 0x1234_5000), 0, 0));
    }

    @Test
    void auipcAddsToPc() {
        exec(addi(ZERO, ZERO, 0), auipc(A0, 0xFFFF_F000));
        assertEquals(CODE + 4 - 0x1000, s.x[A0]);
    }

    @Test
    void registerArithmetic() {
        assertEquals(Long.MIN_VALUE, result(add(A0, A1, A2), Long.MAX_VALUE, 1));
        assertEquals(Long.MAX_VALUE, result(sub(A0, A1, A2), Long.MIN_VALUE, 1));
        assertEquals(2, result(sll(A0, A1, A2), 1, 65), "shift amounts are masked to 6 bits");
        assertEquals(5, result(sll(A0, A1, A2), 5, 64));
        assertEquals(1, result(slt(A0, A1, A2), -1, 0));
        assertEquals(0, result(sltu(A0, A1, A2), -1, 0));
        assertEquals(1, result(sltu(A0, A1, A2), 0, -1));
        assertEquals(6, result(xor(A0, A1, A2), 5, 3));
        assertEquals(1, result(srl(A0, A1, A2), Long.MIN_VALUE, 63));
        assertEquals(Long.MIN_VALUE, result(srl(A0, A1, A2), Long.MIN_VALUE, 64));
        assertEquals(-1, result(sra(A0, A1, A2), Long.MIN_VALUE, 127));
        assertEquals(7, result(or(A0, A1, A2), 5, 3));
        assertEquals(1, result(and(A0, A1, A2), 5, 3));
    }

    @Test
    void wordFormsSignExtend() {
        assertEquals(Integer.MIN_VALUE, result(addiw(A0, A1, 1), Integer.MAX_VALUE, 0));
        assertEquals(-1, result(addiw(A0, A1, 0), 0xFFFF_FFFFL, 0), "addiw x, 0 is sext.w");
        assertEquals(Integer.MIN_VALUE, result(addw(A0, A1, A2), Integer.MAX_VALUE, 1));
        assertEquals(Integer.MAX_VALUE, result(subw(A0, A1, A2), 0x1_8000_0000L, 1));
        assertEquals(Integer.MIN_VALUE, result(slliw(A0, A1, 31), 1, 0));
        assertEquals(1, result(srliw(A0, A1, 31), 0xFFFF_FFFF_8000_0000L, 0));
        assertEquals(-1, result(sraiw(A0, A1, 31), 0x8000_0000L, 0));
        assertEquals(3, result(sllw(A0, A1, A2), 3, 32), "word shift amounts are masked to 5 bits");
        assertEquals(Integer.MIN_VALUE, result(sllw(A0, A1, A2), 1, 31));
        assertEquals(0x7FFF_FFFF, result(srlw(A0, A1, A2), -1, 1));
        assertEquals(-1, result(srlw(A0, A1, A2), -1, 0), "srlw by 0 sign-extends the word");
        assertEquals(-2, result(sraw(A0, A1, A2), 0x1_FFFF_FFFCL, 1));
    }

    @Test
    void writesToX0AreIgnored() {
        s.x[ZERO] = 99;
        assertEquals(Cause.BUDGET, exec(addi(ZERO, ZERO, 5), lui(ZERO, 0x1000), add(A0, ZERO, ZERO), jal(ZERO, 4)));
        assertEquals(0, s.x[A0]);
        assertEquals(0, s.x[ZERO]);
        assertEquals(CODE + 16, s.pc);
    }

    @Test
    void loadIntoX0StillAccessesMemory() {
        s.x[A1] = 0x50_0000;
        assertEquals(Cause.LOAD_PAGE_FAULT, exec(ld(ZERO, A1, 0)));
        assertEquals(0x50_0000, sys.hart.tval());
    }

    @Test
    void branches() {
        int[] f3s = {0, 1, 4, 5, 6, 7};
        for (int f3 : f3s) {
            // operands (a, b) where the branch is taken, then where it is not.
            long[] taken = switch (f3) {
                case 0 -> new long[] {3, 3, 3, 4};
                case 1 -> new long[] {3, 4, 3, 3};
                case 4 -> new long[] {-1, 0, 0, -1};
                case 5 -> new long[] {0, -1, -1, 0};
                case 6 -> new long[] {0, -1, -1, 0};
                default -> new long[] {-1, 0, 0, -1};
            };
            s.x[A1] = taken[0];
            s.x[A2] = taken[1];
            exec(b(-8, A2, A1, f3));
            assertEquals(CODE - 8, s.pc, "funct3 " + f3 + " taken");
            s.x[A1] = taken[2];
            s.x[A2] = taken[3];
            exec(b(-8, A2, A1, f3));
            assertEquals(CODE + 4, s.pc, "funct3 " + f3 + " not taken");
        }
    }

    @Test
    void jumpsLinkAndJalrClearsBitZero() {
        exec(jal(RA, 0x7FC));
        assertEquals(CODE + 0x7FC, s.pc);
        assertEquals(CODE + 4, s.x[RA]);
        s.x[A1] = 0x12345;
        exec(jalr(A1, A1, 0x10));
        assertEquals(0x12354, s.pc, "target is rs1 + imm with bit 0 cleared, read before rd is written");
        assertEquals(CODE + 4, s.x[A1]);
    }

    @Test
    void loadsExtendAndStoresTruncate() {
        s.x[A1] = DATA;
        s.x[A2] = 0x8182_8384_8586_8788L;
        exec(sd(A2, A1, 8), lb(A0, A1, 8), lbu(A3, A1, 8), lh(A4, A1, 8), lhu(A5, A1, 8), lw(A6, A1, 8), lwu(A7, A1, 8),
                ld(T0, A1, 8));
        assertEquals((byte) 0x88, s.x[A0]);
        assertEquals(0x88, s.x[A3]);
        assertEquals((short) 0x8788, s.x[A4]);
        assertEquals(0x8788, s.x[A5]);
        assertEquals(0x8586_8788L | 0xFFFF_FFFF_0000_0000L, s.x[A6]);
        assertEquals(0x8586_8788L, s.x[A7]);
        assertEquals(0x8182_8384_8586_8788L, s.x[T0]);
        exec(sb(A2, A1, 16), sh(A2, A1, 18), sw(A2, A1, 20));
        assertEquals(0x8586_8788_8788_0088L, sys.memory.load64(sys.pa(DATA + 16)));
    }

    @Test
    void negativeOffsetsAndPageEdges() {
        s.x[A1] = DATA + PAGE;
        s.x[A2] = 0x1122_3344_5566_7788L;
        exec(sd(A2, A1, -8), ld(A0, A1, -8));
        assertEquals(0x1122_3344_5566_7788L, s.x[A0]);
        assertEquals(0x1122_3344_5566_7788L, sys.memory.load64(sys.pa(DATA + PAGE - 8)));
    }

    // ---------------------------------------------------------------- M

    @Test
    void multiplication() {
        assertEquals(-6, result(mul(A0, A1, A2), 2, -3));
        assertEquals(-1, result(mulh(A0, A1, A2), -1, 1));
        assertEquals(0, result(mulhu(A0, A1, A2), -1, 1));
        assertEquals(-2, result(mulhu(A0, A1, A2), -1, -1), "(2^64-1)^2 >> 64 = 2^64 - 2");
        assertEquals(-1, result(mulhsu(A0, A1, A2), -1, -1), "-1 * (2^64-1) >> 64 = -1");
        assertEquals(0, result(mulhsu(A0, A1, A2), 1, -1));
        assertEquals(Math.multiplyHigh(Long.MIN_VALUE, 3), result(mulhsu(A0, A1, A2), Long.MIN_VALUE, 3));
        assertEquals(-6, result(mulw(A0, A1, A2), 0x1_0000_0002L, -3));
        assertEquals(Integer.MIN_VALUE, result(mulw(A0, A1, A2), 0x4000_0000, 2), "mulw sign-extends the low word");
    }

    @Test
    void divisionByZeroAndOverflow() {
        assertEquals(-1, result(div(A0, A1, A2), 7, 0));
        assertEquals(7, result(rem(A0, A1, A2), 7, 0));
        assertEquals(-1, result(divu(A0, A1, A2), 7, 0));
        assertEquals(7, result(remu(A0, A1, A2), 7, 0));
        assertEquals(Long.MIN_VALUE, result(div(A0, A1, A2), Long.MIN_VALUE, -1));
        assertEquals(0, result(rem(A0, A1, A2), Long.MIN_VALUE, -1));
        assertEquals(-3, result(div(A0, A1, A2), -7, 2), "rounds towards zero");
        assertEquals(-1, result(rem(A0, A1, A2), -7, 2), "remainder has the dividend's sign");
        assertEquals(Long.divideUnsigned(-7, 2), result(divu(A0, A1, A2), -7, 2));
        assertEquals(1, result(remu(A0, A1, A2), -7, 2));
        assertEquals(-1, result(divw(A0, A1, A2), 7, 0x1_0000_0000L), "the divisor's low word is zero");
        assertEquals(7, result(remw(A0, A1, A2), 7, 0));
        assertEquals(-1, result(divuw(A0, A1, A2), 7, 0), "all ones in 32 bits, sign-extended");
        assertEquals(-7, result(remuw(A0, A1, A2), -7, 0), "the dividend word, sign-extended");
        assertEquals(Integer.MIN_VALUE, result(divw(A0, A1, A2), Integer.MIN_VALUE, -1));
        assertEquals(0, result(remw(A0, A1, A2), Integer.MIN_VALUE, -1));
        assertEquals(Integer.MIN_VALUE, result(divuw(A0, A1, A2), 0xFFFF_FFFF_0000_0000L | 0x8000_0000L, 1));
        assertEquals(0x7FFF_FFFF, result(divuw(A0, A1, A2), -2, 2));
        assertEquals(1, result(remuw(A0, A1, A2), -1, 2));
    }

    // ---------------------------------------------------------------- A

    @Test
    void lrScSucceedsOnItsReservation() {
        s.x[A1] = DATA + 8;
        s.x[A2] = 42;
        sys.memory.store64(sys.pa(DATA + 8), 7);
        assertEquals(Cause.BUDGET, exec(amo(Decoder.AMO_LR, true, A0, A1, 0), amo(Decoder.AMO_SC, true, A3, A1, A2)));
        assertEquals(7, s.x[A0]);
        assertEquals(0, s.x[A3], "sc succeeded");
        assertEquals(42, sys.memory.load64(sys.pa(DATA + 8)));
        assertFalse(s.hasReservation());
    }

    @Test
    void scFailsWithoutReservationOrElsewhere() {
        s.x[A1] = DATA + 8;
        s.x[A4] = DATA + 16;
        s.x[A2] = 42;
        exec(amo(Decoder.AMO_SC, false, A3, A1, A2));
        assertEquals(1, s.x[A3]);
        exec(amo(Decoder.AMO_LR, false, A0, A1, 0), amo(Decoder.AMO_SC, false, A3, A4, A2),
                amo(Decoder.AMO_SC, false, A5, A1, A2));
        assertEquals(1, s.x[A3], "sc to another address fails");
        assertEquals(1, s.x[A5], "and the failed sc dropped the reservation");
        assertEquals(0, sys.memory.load64(sys.pa(DATA + 8)));
        assertEquals(0, sys.memory.load64(sys.pa(DATA + 16)));
    }

    @Test
    void reservationIsLostWhenTheRunEnds() {
        s.x[A1] = DATA;
        s.x[A2] = 5;
        sys.poke(CODE, ElfBuilder.words(amo(Decoder.AMO_LR, false, A0, A1, 0), amo(Decoder.AMO_SC, false, A3, A1, A2)));
        s.pc = CODE;
        assertEquals(Cause.BUDGET, sys.run(s, 1));
        assertFalse(s.hasReservation());
        assertEquals(Cause.BUDGET, sys.run(s, 1));
        assertEquals(1, s.x[A3], "a reservation does not survive a stop");
        assertEquals(0, sys.memory.load32(sys.pa(DATA)));
    }

    @Test
    void amosReturnTheOldValueAndStoreTheResult() {
        long old = 0xFFFF_FFFF_8000_0001L;
        long src = 0x0000_0000_7FFF_FFFFL;
        int[] ops = {Decoder.AMO_SWAP, Decoder.AMO_ADD, Decoder.AMO_XOR, Decoder.AMO_AND, Decoder.AMO_OR, Decoder.AMO_MIN,
            Decoder.AMO_MAX, Decoder.AMO_MINU, Decoder.AMO_MAXU};
        long[] wideResults = {src, old + src, old ^ src, old & src, old | src, old, src, src, old};
        int[] wordResults = {(int) src, (int) old + (int) src, (int) old ^ (int) src, (int) old & (int) src, (int) old | (int) src,
            (int) old, (int) src, (int) src, (int) old};
        for (int k = 0; k < ops.length; k++) {
            s.x[A1] = DATA;
            s.x[A2] = src;
            sys.memory.store64(sys.pa(DATA), old);
            exec(amo(ops[k], true, A0, A1, A2));
            assertEquals(old, s.x[A0], "amo " + ops[k] + ".d old value");
            assertEquals(wideResults[k], sys.memory.load64(sys.pa(DATA)), "amo " + ops[k] + ".d result");
            sys.memory.store64(sys.pa(DATA), old);
            exec(amo(ops[k], false, A0, A1, A2));
            assertEquals((int) old, s.x[A0], "amo " + ops[k] + ".w old value, sign-extended");
            assertEquals(wordResults[k], (int) sys.memory.load32(sys.pa(DATA)), "amo " + ops[k] + ".w result");
            assertEquals(old >>> 32, sys.memory.load32(sys.pa(DATA + 4)), "amo .w leaves the next word alone");
        }
    }

    @Test
    void atomicsMisalignedOrOnReadOnlyPagesFault() {
        s.x[A1] = DATA + 4;
        assertEquals(Cause.STORE_MISALIGNED, exec(amo(Decoder.AMO_ADD, true, A0, A1, A2)));
        assertEquals(DATA + 4, sys.hart.tval());
        assertEquals(Cause.LOAD_MISALIGNED, exec(amo(Decoder.AMO_LR, true, A0, A1, 0)));
        s.x[A1] = DATA + 2;
        assertEquals(Cause.STORE_MISALIGNED, exec(amo(Decoder.AMO_SC, false, A0, A1, A2)));
        s.x[A1] = CODE;
        s.x[A0] = 77;
        assertEquals(Cause.STORE_PAGE_FAULT, exec(amo(Decoder.AMO_SWAP, false, A0, A1, A2)));
        assertEquals(77, s.x[A0], "nothing changed");
        assertEquals(CODE, s.pc);
    }

    // ---------------------------------------------------------------- C

    @Test
    void compressedQuadrantZero() {
        s.x[SP] = DATA;
        s.x[S0] = DATA;
        s.x[S1] = 0x1234_5678_9ABC_DEF0L;
        // c.addi4spn a0, sp, 16; c.sd s1, 8(s0); c.ld a1, 8(s0); c.sw s1, 16(s0); c.lw a2, 16(s0)
        assertEquals(Cause.BUDGET, execHalves(5, 0x0808, 0xE404, 0x640C, 0xC804, 0x4810));
        assertEquals(DATA + 16, s.x[A0]);
        assertEquals(0x1234_5678_9ABC_DEF0L, s.x[A1]);
        assertEquals((int) 0x9ABC_DEF0L, s.x[A2]);
        assertEquals(CODE + 10, s.pc);
    }

    @Test
    void compressedQuadrantOne() {
        s.x[A0] = 10;
        s.x[S0] = 0xF0;
        s.x[S1] = 0x0F;
        s.x[SP] = 0x1000;
        // c.addi a0, -3; c.li a1, -32; c.lui a2, 0xfffe1 (imm -31 << 12); c.addiw a0, 1; c.addi16sp sp, -64;
        // c.srli s0, 4; c.srai s1, 1; c.andi s0, 7; c.sub s0, s1; c.nop
        assertEquals(Cause.BUDGET, execHalves(10, 0x1575, 0x5581, 0x7605, 0x2505, 0x7139, 0x8011, 0x8485, 0x881D, 0x8C05, 0x0001));
        assertEquals(8, s.x[A0]);
        assertEquals(-32, s.x[A1]);
        assertEquals(-31L << 12, s.x[A2]);
        assertEquals(0x1000 - 64, s.x[SP]);
        assertEquals(0x7, s.x[S1]);
        assertEquals((0xF & 7) - 7, s.x[S0]);
        // c.xor, c.or, c.and, c.subw, c.addw
        s.x[S0] = 0b1100;
        s.x[S1] = 0b1010;
        execHalves(1, 0x8C25);
        assertEquals(0b0110, s.x[S0]);
        execHalves(1, 0x8C45);
        assertEquals(0b1110, s.x[S0]);
        execHalves(1, 0x8C65);
        assertEquals(0b1010, s.x[S0]);
        s.x[S0] = 0x8000_0000L;
        s.x[S1] = 1;
        execHalves(1, 0x9C05);
        assertEquals(0x7FFF_FFFF, s.x[S0], "c.subw");
        execHalves(1, 0x9C25);
        assertEquals(Integer.MIN_VALUE, s.x[S0], "c.addw sign-extends");
    }

    @Test
    void compressedJumpsAndBranches() {
        execHalves(1, 0xA801); // c.j +16
        assertEquals(CODE + 16, s.pc);
        s.x[S0] = 0;
        execHalves(1, 0xC011); // c.beqz s0, +4
        assertEquals(CODE + 4, s.pc);
        s.x[S0] = 1;
        execHalves(1, 0xC011);
        assertEquals(CODE + 2, s.pc);
        execHalves(1, 0xFC7D); // c.bnez s0, -2
        assertEquals(CODE - 2, s.pc);
        s.x[A1] = 0x5000;
        execHalves(1, 0x8582); // c.jr a1
        assertEquals(0x5000, s.pc);
        execHalves(1, 0x9582); // c.jalr a1
        assertEquals(0x5000, s.pc);
        assertEquals(CODE + 2, s.x[RA]);
    }

    @Test
    void compressedQuadrantTwo() {
        s.x[SP] = DATA;
        s.x[A1] = 0x1234_5678_9ABC_DEF0L;
        s.x[A2] = 5;
        // c.slli a1, 4; c.sdsp a1, 8(sp); c.ldsp a3, 8(sp); c.swsp a2, 4(sp); c.lwsp a4, 4(sp); c.mv a5, a2; c.add a5, a2
        assertEquals(Cause.BUDGET, execHalves(7, 0x0592, 0xE42E, 0x66A2, 0xC232, 0x4712, 0x87B2, 0x97B2));
        assertEquals(0x2345_6789_ABCD_EF00L, s.x[A1]);
        assertEquals(0x2345_6789_ABCD_EF00L, s.x[A3]);
        assertEquals(5, s.x[A4]);
        assertEquals(10, s.x[A5]);
        assertEquals(Cause.BREAKPOINT, execHalves(1, 0x9002)); // c.ebreak
        assertEquals(CODE, s.pc);
    }

    @Test
    void reservedAndFloatCompressedEncodingsAreIllegal() {
        int[] illegal = {
            0x0000, // all zero (c.addi4spn with zero immediate)
            0x2000, // c.fld
            0x8000, // quadrant 0 funct3 100: reserved
            0xA000, // c.fsd
            0x2001, // c.addiw x0 (reserved in RV64)
            0x6101, // c.addi16sp with zero immediate
            0x6501, // c.lui a0 with zero immediate
            0x9C41, // c.subw... with funct bits 10 (reserved)
            0x9C61, // reserved
            0x2002, // c.fldsp
            0x4002, // c.lwsp x0
            0x6002, // c.ldsp x0
            0x8002, // c.jr x0
            0xA002, // c.fsdsp
        };
        for (int c : illegal) {
            s.x[A0] = 5;
            assertEquals(Cause.ILLEGAL_INSTRUCTION, execHalves(1, c), "0x" + Integer.toHexString(c));
            assertEquals(c, sys.hart.tval(), "tval is the 16 instruction bits");
            assertEquals(CODE, s.pc);
        }
    }

    @Test
    void mixedWidthsAdvanceThePc() {
        int addi = addi(A0, A0, 1);
        assertEquals(Cause.BUDGET, execHalves(3, 0x0505, addi & 0xFFFF, addi >>> 16, 0x0505)); // c.addi a0,1; addi; c.addi
        assertEquals(3, s.x[A0]);
        assertEquals(CODE + 8, s.pc);
    }

    // ---------------------------------------------------------------- system

    @Test
    void ecallAndEbreakStopWithoutRetiring() {
        assertEquals(Cause.ECALL, exec(ecall()));
        assertEquals(CODE, s.pc);
        assertEquals(0, s.instret);
        assertEquals(Cause.BREAKPOINT, exec(ebreak()));
        assertEquals(CODE, s.pc);
        assertEquals(CODE, sys.hart.tval());
    }

    @Test
    void countersAreReadable() {
        s.instret = 1000;
        long before = sys.clock.now();
        assertEquals(Cause.BUDGET, exec(addi(A0, A0, 1), csrrs(A0, Decoder.CSR_INSTRET, 0), csrrs(A1, Decoder.CSR_CYCLE, 0),
                csr(6, A2, 0, Decoder.CSR_TIME), csr(3, A3, 0, Decoder.CSR_INSTRET)));
        assertEquals(1001, s.x[A0], "instret counts the instructions retired before the read");
        assertTrue(s.x[A1] >= before + 2, "cycle includes this run's instructions so far");
        assertTrue(s.x[A2] >= s.x[A1]);
        assertEquals(1004, s.x[A3]);
        assertEquals(1005, s.instret);
    }

    @Test
    void illegalInstructionsReportTheirBits() {
        int[] illegal = {
            0xFFFF_FFFF, // no such opcode
            csr(1, A0, 0, Decoder.CSR_CYCLE), // csrrw: a write
            csr(5, A0, 0, Decoder.CSR_CYCLE), // csrrwi
            csrrs(A0, Decoder.CSR_CYCLE, A1), // csrrs with rs1 != x0 writes
            csr(6, A0, 1, Decoder.CSR_CYCLE), // csrrsi with uimm != 0
            csrrs(A0, 0x300, 0), // mstatus: not a user CSR
            csrrs(A0, 0x001, 0), // fflags: no floating point
            i(0, A1, 2, 0, 0x07), // flw
            s(0, A1, A2, 2, 0x27), // fsw
            0x0000_0053, // fadd.s
            0x1020_0073, // sret
            0x1050_0073, // wfi
            jalr(A0, A1, 0) | 1 << 12, // jalr with funct3 != 0
            b(8, A1, A2, 2), // branch funct3 010
            load(7, A0, A1, 0), // no ldu in RV64
            s(0, A1, A2, 4, 0x23), // store funct3 100
            slli(A0, A1, 0) | 1 << 26 | 1 << 31, // slli with bad funct6
            r(2, A2, A1, 0, A0, 0x33), // op with funct7 2
            slliw(A0, A1, 0) | 1 << 25, // slliw shamt[5] set
            amo(Decoder.AMO_LR, false, A0, A1, A2), // lr with rs2 != 0
            amo(0b00101, false, A0, A1, A2), // unknown AMO
            r(0, A2, A1, 4, A0, 0x2F), // AMO of width 4 bytes.. funct3 100
            0x0000_200F, // misc-mem funct3 010
        };
        for (int insn : illegal) {
            s.x[A0] = 5;
            assertEquals(Cause.ILLEGAL_INSTRUCTION, exec(insn), "0x" + Integer.toHexString(insn));
            assertEquals(insn & 0xFFFF_FFFFL, sys.hart.tval());
            assertEquals(CODE, s.pc);
            assertEquals(5, s.x[A0]);
        }
    }

    @Test
    void fenceIsANop() {
        assertEquals(Cause.BUDGET, exec(fence(), addi(A0, ZERO, 3)));
        assertEquals(3, s.x[A0]);
    }

    @Test
    void budgetStopsAfterExactlyN() {
        sys.poke(CODE, ElfBuilder.words(addi(A0, A0, 1), jal(ZERO, -4)));
        s.pc = CODE;
        assertEquals(Cause.BUDGET, sys.run(s, 1001));
        assertEquals(501, s.x[A0]);
        assertEquals(1001, s.instret);
        assertEquals(CODE + 4, s.pc);
        assertEquals(Cause.BUDGET, sys.run(s, 1));
        assertEquals(CODE, s.pc);
        assertEquals(1002, s.instret);
        assertThrows(IllegalArgumentException.class, () -> sys.run(s, 0));
    }

    @Test
    void clockAdvancesPerInstructionAndAccess() {
        sys.poke(CODE, ElfBuilder.words(addi(A0, A0, 1), jal(ZERO, -4)));
        s.pc = CODE;
        sys.run(s, 10); // warms the fetch translation
        long before = sys.clock.now();
        long hits = sys.tlb.hits();
        sys.run(s, 100);
        assertEquals(before + 100 + 1, sys.clock.now(), "100 instructions, one entry to the code page");
        assertEquals(hits + 1, sys.tlb.hits());
        s.x[A1] = DATA;
        sys.poke(CODE, ElfBuilder.words(ld(A0, A1, 0), jal(ZERO, -4)));
        s.pc = CODE;
        sys.run(s, 2);
        before = sys.clock.now();
        sys.run(s, 100);
        assertEquals(before + 100 + 50 + 1, sys.clock.now(), "50 loads served by the translation cache");
    }
}
