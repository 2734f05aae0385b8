package kola.machine.riscv;

/**
 * Decodes RV64IMAC instructions into the hart's pre-decoded form: one {@code long} per
 * instruction, made once per instruction slot of a code page and executed many times.
 *
 * <p>Layout of a decoded instruction: bits 0..7 the operation ({@code OP_*}, dense so that the
 * hart's dispatch {@code switch} is one jump table), bits 8..13 {@code rd}, 14..18 {@code rs1},
 * 19..23 {@code rs2}, bit 24 set for a 16-bit instruction, bits 32..63 the sign-extended immediate.
 * An {@code rd} of {@code x0} is decoded as {@link #SINK}, a 33rd register nobody reads, so that
 * executing needs no test for {@code x0}. Compressed instructions (unprivileged specification,
 * "C" Standard Extension) are expanded to the base operation they stand for. An illegal
 * instruction becomes {@link #OP_ILLEGAL} with its bits as immediate (for {@code stval}).
 */
final class Decoder {

    /** Register index that receives writes to {@code x0}. */
    static final int SINK = 32;

    static final int OP_DECODE = 0; // slot not decoded yet: must be 0, the value of a fresh array
    static final int OP_CROSS = 1; // 32-bit instruction crossing into the next page: fetched anew each time
    static final int OP_ILLEGAL = 2;
    static final int OP_LUI = 3;
    static final int OP_AUIPC = 4;
    static final int OP_JAL = 5;
    static final int OP_JALR = 6;
    static final int OP_BEQ = 7;
    static final int OP_BNE = 8;
    static final int OP_BLT = 9;
    static final int OP_BGE = 10;
    static final int OP_BLTU = 11;
    static final int OP_BGEU = 12;
    static final int OP_LB = 13;
    static final int OP_LH = 14;
    static final int OP_LW = 15;
    static final int OP_LD = 16;
    static final int OP_LBU = 17;
    static final int OP_LHU = 18;
    static final int OP_LWU = 19;
    static final int OP_SB = 20;
    static final int OP_SH = 21;
    static final int OP_SW = 22;
    static final int OP_SD = 23;
    static final int OP_ADDI = 24;
    static final int OP_SLTI = 25;
    static final int OP_SLTIU = 26;
    static final int OP_XORI = 27;
    static final int OP_ORI = 28;
    static final int OP_ANDI = 29;
    static final int OP_SLLI = 30;
    static final int OP_SRLI = 31;
    static final int OP_SRAI = 32;
    static final int OP_ADD = 33;
    static final int OP_SUB = 34;
    static final int OP_SLL = 35;
    static final int OP_SLT = 36;
    static final int OP_SLTU = 37;
    static final int OP_XOR = 38;
    static final int OP_SRL = 39;
    static final int OP_SRA = 40;
    static final int OP_OR = 41;
    static final int OP_AND = 42;
    static final int OP_ADDIW = 43;
    static final int OP_SLLIW = 44;
    static final int OP_SRLIW = 45;
    static final int OP_SRAIW = 46;
    static final int OP_ADDW = 47;
    static final int OP_SUBW = 48;
    static final int OP_SLLW = 49;
    static final int OP_SRLW = 50;
    static final int OP_SRAW = 51;
    static final int OP_MUL = 52;
    static final int OP_MULH = 53;
    static final int OP_MULHSU = 54;
    static final int OP_MULHU = 55;
    static final int OP_DIV = 56;
    static final int OP_DIVU = 57;
    static final int OP_REM = 58;
    static final int OP_REMU = 59;
    static final int OP_MULW = 60;
    static final int OP_DIVW = 61;
    static final int OP_DIVUW = 62;
    static final int OP_REMW = 63;
    static final int OP_REMUW = 64;
    static final int OP_FENCE = 65;
    static final int OP_FENCE_I = 66;
    static final int OP_ECALL = 67;
    static final int OP_EBREAK = 68;
    static final int OP_CSRR = 69; // read of cycle, time or instret; immediate = CSR number
    static final int OP_ATOMIC = 70; // LR, SC, AMO: immediate = funct5 | width << 5 (see Hart.atomic)
    static final int OP_LI = 71; // addi rd, x0, imm (c.li, li): rd = imm
    static final int OP_MV = 72; // add rd, x0, rs2 / addi rd, rs1, 0 (c.mv, mv): rd = rs1
    static final int OP_NOP = 73; // writes only x0, or hints

    static final int CSR_CYCLE = 0xC00;
    static final int CSR_TIME = 0xC01;
    static final int CSR_INSTRET = 0xC02;

    /** Atomic funct5 values (unprivileged specification, "A" extension, AMO encodings). */
    static final int AMO_ADD = 0b00000;
    static final int AMO_SWAP = 0b00001;
    static final int AMO_LR = 0b00010;
    static final int AMO_SC = 0b00011;
    static final int AMO_XOR = 0b00100;
    static final int AMO_OR = 0b01000;
    static final int AMO_AND = 0b01100;
    static final int AMO_MIN = 0b10000;
    static final int AMO_MAX = 0b10100;
    static final int AMO_MINU = 0b11000;
    static final int AMO_MAXU = 0b11100;

    private static final long COMPRESSED = 1L << 24;
    /** {@code OP_ADD}-relative operation of OP with funct7 = 0, by funct3: add sll slt sltu xor srl or and. */
    private static final int[] OP_OFFSET = {0, 2, 3, 4, 5, 6, 8, 9};

    private Decoder() {
    }

    /** Tells whether a 16-bit parcel starts a 32-bit instruction (its low two bits are {@code 11}). */
    static boolean isWide(int parcel) {
        return (parcel & 3) == 3;
    }

    static long pack(int op, int rd, int rs1, int rs2, long imm) {
        return op | (long) rd << 8 | (long) rs1 << 14 | (long) rs2 << 19 | imm << 32;
    }

    private static long illegal(int bits) {
        return OP_ILLEGAL | (long) bits << 32;
    }

    private static int dst(int rd) {
        return rd == 0 ? SINK : rd;
    }

    /** Decodes an instruction: {@code bits} holds a 32-bit instruction, or a 16-bit one in its low half. */
    static long decode(int bits) {
        return isWide(bits) ? decode32(bits) : decode16(bits & 0xFFFF) | COMPRESSED;
    }

    // ---------------------------------------------------------------- 32-bit

    static long decode32(int i) {
        int rd = (i >>> 7) & 31;
        int f3 = (i >>> 12) & 7;
        int rs1 = (i >>> 15) & 31;
        int rs2 = (i >>> 20) & 31;
        int f7 = i >>> 25;
        long immI = i >> 20;
        switch (i & 0x7F) {
            case 0x37:
                return rd == 0 ? nop() : pack(OP_LUI, rd, 0, 0, i & 0xFFFFF000);
            case 0x17:
                return pack(OP_AUIPC, dst(rd), 0, 0, i & 0xFFFFF000);
            case 0x6F:
                return pack(OP_JAL, dst(rd), 0, 0, immJ(i));
            case 0x67:
                return f3 == 0 ? pack(OP_JALR, dst(rd), rs1, 0, immI) : illegal(i);
            case 0x63: {
                int op = switch (f3) {
                    case 0 -> OP_BEQ;
                    case 1 -> OP_BNE;
                    case 4 -> OP_BLT;
                    case 5 -> OP_BGE;
                    case 6 -> OP_BLTU;
                    case 7 -> OP_BGEU;
                    default -> -1;
                };
                return op < 0 ? illegal(i) : pack(op, 0, rs1, rs2, immB(i));
            }
            case 0x03: {
                int op = switch (f3) {
                    case 0 -> OP_LB;
                    case 1 -> OP_LH;
                    case 2 -> OP_LW;
                    case 3 -> OP_LD;
                    case 4 -> OP_LBU;
                    case 5 -> OP_LHU;
                    case 6 -> OP_LWU;
                    default -> -1;
                };
                // A load into x0 still accesses memory (it may fault), so it is kept.
                return op < 0 ? illegal(i) : pack(op, dst(rd), rs1, 0, immI);
            }
            case 0x23: {
                long imm = (i >> 25) << 5 | (i >>> 7) & 31;
                return f3 > 3 ? illegal(i) : pack(OP_SB + f3, 0, rs1, rs2, imm);
            }
            case 0x13:
                return opImm(i, rd, f3, rs1, immI);
            case 0x1B:
                return opImm32(i, rd, f3, rs1, immI);
            case 0x33:
                return op(i, rd, f3, rs1, rs2, f7);
            case 0x3B:
                return op32(i, rd, f3, rs1, rs2, f7);
            case 0x0F:
                return f3 == 0 ? nop(OP_FENCE) : f3 == 1 ? nop(OP_FENCE_I) : illegal(i);
            case 0x73:
                return system(i, rd, f3, rs1);
            case 0x2F:
                return atomic(i, rd, f3, rs1, rs2);
            default:
                return illegal(i); // includes the F/D/Q opcodes: this hart has no floating point
        }
    }

    private static long nop() {
        return nop(OP_NOP);
    }

    private static long nop(int op) {
        return pack(op, SINK, 0, 0, 0);
    }

    private static long opImm(int i, int rd, int f3, int rs1, long imm) {
        if (rd == 0) {
            // Writes only x0: a hint or nop. The shift encodings must still be legal.
            return (f3 == 1 && (i >>> 26) != 0) || (f3 == 5 && (i >>> 26 & ~0x10) != 0) ? illegal(i) : nop();
        }
        switch (f3) {
            case 0:
                return rs1 == 0 ? pack(OP_LI, rd, 0, 0, imm) : imm == 0 ? pack(OP_MV, rd, rs1, 0, 0) : pack(OP_ADDI, rd, rs1, 0, imm);
            case 1:
                return (i >>> 26) != 0 ? illegal(i) : pack(OP_SLLI, rd, rs1, 0, imm & 63);
            case 2:
                return pack(OP_SLTI, rd, rs1, 0, imm);
            case 3:
                return pack(OP_SLTIU, rd, rs1, 0, imm);
            case 4:
                return pack(OP_XORI, rd, rs1, 0, imm);
            case 5: {
                int f6 = i >>> 26;
                return f6 == 0 ? pack(OP_SRLI, rd, rs1, 0, imm & 63)
                        : f6 == 0x10 ? pack(OP_SRAI, rd, rs1, 0, imm & 63) : illegal(i);
            }
            case 6:
                return pack(OP_ORI, rd, rs1, 0, imm);
            default:
                return pack(OP_ANDI, rd, rs1, 0, imm);
        }
    }

    private static long opImm32(int i, int rd, int f3, int rs1, long imm) {
        int f7 = i >>> 25;
        int shamt = (i >>> 20) & 31;
        return switch (f3) {
            case 0 -> pack(OP_ADDIW, dst(rd), rs1, 0, imm);
            case 1 -> f7 == 0 ? pack(OP_SLLIW, dst(rd), rs1, 0, shamt) : illegal(i);
            case 5 -> f7 == 0 ? pack(OP_SRLIW, dst(rd), rs1, 0, shamt)
                    : f7 == 0x20 ? pack(OP_SRAIW, dst(rd), rs1, 0, shamt) : illegal(i);
            default -> illegal(i);
        };
    }

    private static long op(int i, int rd, int f3, int rs1, int rs2, int f7) {
        int op;
        if (f7 == 0) {
            op = OP_ADD + OP_OFFSET[f3];
        } else if (f7 == 0x20 && (f3 == 0 || f3 == 5)) {
            op = f3 == 0 ? OP_SUB : OP_SRA;
        } else if (f7 == 1) {
            op = OP_MUL + f3;
        } else {
            return illegal(i);
        }
        if (op == OP_ADD && rs1 == 0) {
            return pack(OP_MV, dst(rd), rs2, 0, 0);
        }
        return pack(op, dst(rd), rs1, rs2, 0);
    }

    private static long op32(int i, int rd, int f3, int rs1, int rs2, int f7) {
        int op;
        if (f7 == 0 && (f3 == 0 || f3 == 1 || f3 == 5)) {
            op = f3 == 0 ? OP_ADDW : f3 == 1 ? OP_SLLW : OP_SRLW;
        } else if (f7 == 0x20 && (f3 == 0 || f3 == 5)) {
            op = f3 == 0 ? OP_SUBW : OP_SRAW;
        } else if (f7 == 1 && (f3 == 0 || f3 >= 4)) {
            op = f3 == 0 ? OP_MULW : OP_DIVW + f3 - 4;
        } else {
            return illegal(i);
        }
        return pack(op, dst(rd), rs1, rs2, 0);
    }

    private static long system(int i, int rd, int f3, int rs1) {
        if (i == 0x00000073) {
            return nop(OP_ECALL);
        }
        if (i == 0x00100073) {
            return nop(OP_EBREAK);
        }
        int csr = i >>> 20;
        // Only reads of the unprivileged counters: csrrs/csrrc with rs1 = x0, csrrsi/csrrci with uimm = 0.
        boolean readOnly = (f3 == 2 || f3 == 3 || f3 == 6 || f3 == 7) && rs1 == 0;
        if (readOnly && (csr == CSR_CYCLE || csr == CSR_TIME || csr == CSR_INSTRET)) {
            return pack(OP_CSRR, dst(rd), 0, 0, csr);
        }
        return illegal(i);
    }

    private static long atomic(int i, int rd, int f3, int rs1, int rs2) {
        int f5 = i >>> 27;
        if (f3 != 2 && f3 != 3) {
            return illegal(i);
        }
        switch (f5) {
            case AMO_LR:
                if (rs2 != 0) {
                    return illegal(i);
                }
                break;
            case AMO_ADD, AMO_SWAP, AMO_SC, AMO_XOR, AMO_OR, AMO_AND, AMO_MIN, AMO_MAX, AMO_MINU, AMO_MAXU:
                break;
            default:
                return illegal(i);
        }
        // aq and rl need nothing: this hart executes in order and alone.
        return pack(OP_ATOMIC, dst(rd), rs1, rs2, f5 | (f3 == 3 ? 1 << 5 : 0));
    }

    private static long immJ(int i) {
        long imm = (i >> 31) << 20;
        imm |= (i >>> 12 & 0xFF) << 12;
        imm |= (i >>> 20 & 1) << 11;
        imm |= (i >>> 21 & 0x3FF) << 1;
        return imm;
    }

    private static long immB(int i) {
        long imm = (i >> 31) << 12;
        imm |= (i >>> 7 & 1) << 11;
        imm |= (i >>> 25 & 0x3F) << 5;
        imm |= (i >>> 8 & 0xF) << 1;
        return imm;
    }

    // ---------------------------------------------------------------- 16-bit (RV64C)

    private static int bit(int c, int n) {
        return (c >>> n) & 1;
    }

    /** The primed 3-bit register field at bit {@code n}: {@code x8..x15}. */
    private static int reg3(int c, int n) {
        return 8 + ((c >>> n) & 7);
    }

    /** The 6-bit signed immediate {@code imm[5] = c[12], imm[4:0] = c[6:2]}. */
    private static long imm6(int c) {
        return (long) ((c >>> 2 & 31) | bit(c, 12) << 5) << 58 >> 58;
    }

    static long decode16(int c) {
        int f3 = c >>> 13;
        int rd = (c >>> 7) & 31;
        int rs2 = (c >>> 2) & 31;
        switch ((c & 3) << 3 | f3) {
            // ---- quadrant 0
            case 0b00_000: { // c.addi4spn
                int imm = (c >>> 7 & 0xF) << 6 | (c >>> 11 & 3) << 4 | bit(c, 5) << 3 | bit(c, 6) << 2;
                return imm == 0 ? illegal(c) : pack(OP_ADDI, reg3(c, 2), 2, 0, imm);
            }
            case 0b00_010: // c.lw
                return pack(OP_LW, reg3(c, 2), reg3(c, 7), 0, uimmW(c));
            case 0b00_011: // c.ld
                return pack(OP_LD, reg3(c, 2), reg3(c, 7), 0, uimmD(c));
            case 0b00_110: // c.sw
                return pack(OP_SW, 0, reg3(c, 7), reg3(c, 2), uimmW(c));
            case 0b00_111: // c.sd
                return pack(OP_SD, 0, reg3(c, 7), reg3(c, 2), uimmD(c));
            // ---- quadrant 1
            case 0b01_000: // c.addi, c.nop (rd = 0 or imm = 0 are hints)
                return rd == 0 || imm6(c) == 0 ? nop() : pack(OP_ADDI, rd, rd, 0, imm6(c));
            case 0b01_001: // c.addiw; rd = 0 reserved
                return rd == 0 ? illegal(c) : pack(OP_ADDIW, rd, rd, 0, imm6(c));
            case 0b01_010: // c.li; rd = 0 is a hint
                return rd == 0 ? nop() : pack(OP_LI, rd, 0, 0, imm6(c));
            case 0b01_011:
                return luiOrAddi16sp(c, rd);
            case 0b01_100:
                return miscAlu(c);
            case 0b01_101: // c.j
                return pack(OP_JAL, SINK, 0, 0, immCj(c));
            case 0b01_110: // c.beqz
                return pack(OP_BEQ, 0, reg3(c, 7), 0, immCb(c));
            case 0b01_111: // c.bnez
                return pack(OP_BNE, 0, reg3(c, 7), 0, immCb(c));
            // ---- quadrant 2
            case 0b10_000: { // c.slli; rd = 0 is a hint
                long shamt = (c >>> 2 & 31) | bit(c, 12) << 5;
                return rd == 0 ? nop() : pack(OP_SLLI, rd, rd, 0, shamt);
            }
            case 0b10_010: { // c.lwsp; rd = 0 reserved
                int imm = bit(c, 12) << 5 | (c >>> 4 & 7) << 2 | (c >>> 2 & 3) << 6;
                return rd == 0 ? illegal(c) : pack(OP_LW, rd, 2, 0, imm);
            }
            case 0b10_011: { // c.ldsp; rd = 0 reserved
                int imm = bit(c, 12) << 5 | (c >>> 5 & 3) << 3 | (c >>> 2 & 7) << 6;
                return rd == 0 ? illegal(c) : pack(OP_LD, rd, 2, 0, imm);
            }
            case 0b10_100:
                return jumpMoveAdd(c, rd, rs2);
            case 0b10_110: { // c.swsp
                int imm = (c >>> 9 & 0xF) << 2 | (c >>> 7 & 3) << 6;
                return pack(OP_SW, 0, 2, rs2, imm);
            }
            case 0b10_111: { // c.sdsp
                int imm = (c >>> 10 & 7) << 3 | (c >>> 7 & 7) << 6;
                return pack(OP_SD, 0, 2, rs2, imm);
            }
            default:
                // c.fld, c.fsd, c.fldsp, c.fsdsp (no floating point) and the reserved quadrant-0 slot 100
                return illegal(c);
        }
    }

    private static long uimmW(int c) {
        return (c >>> 10 & 7) << 3 | bit(c, 6) << 2 | bit(c, 5) << 6;
    }

    private static long uimmD(int c) {
        return (c >>> 10 & 7) << 3 | (c >>> 5 & 3) << 6;
    }

    private static long luiOrAddi16sp(int c, int rd) {
        if (rd == 2) { // c.addi16sp; imm = 0 reserved
            long imm = (long) (bit(c, 12) << 9 | bit(c, 6) << 4 | bit(c, 5) << 6 | (c >>> 3 & 3) << 7 | bit(c, 2) << 5) << 54 >> 54;
            return imm == 0 ? illegal(c) : pack(OP_ADDI, 2, 2, 0, imm);
        }
        long imm = imm6(c) << 12; // c.lui; imm = 0 reserved, rd = 0 a hint
        if (imm == 0) {
            return illegal(c);
        }
        return rd == 0 ? nop() : pack(OP_LUI, rd, 0, 0, imm);
    }

    private static long miscAlu(int c) {
        int rd = reg3(c, 7);
        int rs2 = reg3(c, 2);
        switch (c >>> 10 & 3) {
            case 0: // c.srli
                return pack(OP_SRLI, rd, rd, 0, (c >>> 2 & 31) | bit(c, 12) << 5);
            case 1: // c.srai
                return pack(OP_SRAI, rd, rd, 0, (c >>> 2 & 31) | bit(c, 12) << 5);
            case 2: // c.andi
                return pack(OP_ANDI, rd, rd, 0, imm6(c));
            default:
                int f = bit(c, 12) << 2 | (c >>> 5 & 3);
                return switch (f) {
                    case 0 -> pack(OP_SUB, rd, rd, rs2, 0);
                    case 1 -> pack(OP_XOR, rd, rd, rs2, 0);
                    case 2 -> pack(OP_OR, rd, rd, rs2, 0);
                    case 3 -> pack(OP_AND, rd, rd, rs2, 0);
                    case 4 -> pack(OP_SUBW, rd, rd, rs2, 0);
                    case 5 -> pack(OP_ADDW, rd, rd, rs2, 0);
                    default -> illegal(c); // reserved
                };
        }
    }

    private static long jumpMoveAdd(int c, int rd, int rs2) {
        if (bit(c, 12) == 0) {
            if (rs2 == 0) { // c.jr; rs1 = 0 reserved
                return rd == 0 ? illegal(c) : pack(OP_JALR, SINK, rd, 0, 0);
            }
            return rd == 0 ? nop() : pack(OP_MV, rd, rs2, 0, 0); // c.mv; rd = 0 a hint
        }
        if (rs2 == 0) {
            return rd == 0 ? nop(OP_EBREAK) : pack(OP_JALR, 1, rd, 0, 0); // c.ebreak, c.jalr
        }
        return rd == 0 ? nop() : pack(OP_ADD, rd, rd, rs2, 0); // c.add; rd = 0 a hint
    }

    private static long immCj(int c) {
        int imm = bit(c, 12) << 11 | bit(c, 11) << 4 | (c >>> 9 & 3) << 8 | bit(c, 8) << 10 | bit(c, 7) << 6
                | bit(c, 6) << 7 | (c >>> 3 & 7) << 1 | bit(c, 2) << 5;
        return (long) imm << 52 >> 52;
    }

    private static long immCb(int c) {
        int imm = bit(c, 12) << 8 | (c >>> 10 & 3) << 3 | (c >>> 5 & 3) << 6 | (c >>> 3 & 3) << 1 | bit(c, 2) << 5;
        return (long) imm << 55 >> 55;
    }
}
