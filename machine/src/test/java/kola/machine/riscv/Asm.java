package kola.machine.riscv;

/** A tiny RV64IMAC encoder for tests: each method returns one instruction's bits. */
final class Asm {

    // ABI register numbers used by tests.
    static final int ZERO = 0, RA = 1, SP = 2, GP = 3, TP = 4, T0 = 5, T1 = 6, T2 = 7, S0 = 8, S1 = 9;
    static final int A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14, A5 = 15, A6 = 16, A7 = 17;

    private Asm() {
    }

    static int r(int f7, int rs2, int rs1, int f3, int rd, int opcode) {
        return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    static int i(int imm, int rs1, int f3, int rd, int opcode) {
        return (imm & 0xFFF) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
    }

    static int s(int imm, int rs2, int rs1, int f3, int opcode) {
        return (imm >> 5 & 0x7F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 31) << 7 | opcode;
    }

    static int b(int imm, int rs2, int rs1, int f3) {
        return (imm >> 12 & 1) << 31 | (imm >> 5 & 0x3F) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12
                | (imm >> 1 & 0xF) << 8 | (imm >> 11 & 1) << 7 | 0x63;
    }

    static int u(int imm, int rd, int opcode) {
        return imm & 0xFFFFF000 | rd << 7 | opcode;
    }

    static int j(int imm, int rd) {
        return (imm >> 20 & 1) << 31 | (imm >> 1 & 0x3FF) << 21 | (imm >> 11 & 1) << 20 | (imm >> 12 & 0xFF) << 12 | rd << 7 | 0x6F;
    }

    static int lui(int rd, int imm) { return u(imm, rd, 0x37); }
    static int auipc(int rd, int imm) { return u(imm, rd, 0x17); }
    static int jal(int rd, int imm) { return j(imm, rd); }
    static int jalr(int rd, int rs1, int imm) { return i(imm, rs1, 0, rd, 0x67); }
    static int beq(int rs1, int rs2, int imm) { return b(imm, rs2, rs1, 0); }
    static int bne(int rs1, int rs2, int imm) { return b(imm, rs2, rs1, 1); }
    static int blt(int rs1, int rs2, int imm) { return b(imm, rs2, rs1, 4); }
    static int bge(int rs1, int rs2, int imm) { return b(imm, rs2, rs1, 5); }
    static int bltu(int rs1, int rs2, int imm) { return b(imm, rs2, rs1, 6); }
    static int bgeu(int rs1, int rs2, int imm) { return b(imm, rs2, rs1, 7); }

    static int load(int f3, int rd, int rs1, int imm) { return i(imm, rs1, f3, rd, 0x03); }
    static int lb(int rd, int rs1, int imm) { return load(0, rd, rs1, imm); }
    static int lh(int rd, int rs1, int imm) { return load(1, rd, rs1, imm); }
    static int lw(int rd, int rs1, int imm) { return load(2, rd, rs1, imm); }
    static int ld(int rd, int rs1, int imm) { return load(3, rd, rs1, imm); }
    static int lbu(int rd, int rs1, int imm) { return load(4, rd, rs1, imm); }
    static int lhu(int rd, int rs1, int imm) { return load(5, rd, rs1, imm); }
    static int lwu(int rd, int rs1, int imm) { return load(6, rd, rs1, imm); }
    static int sb(int rs2, int rs1, int imm) { return s(imm, rs2, rs1, 0, 0x23); }
    static int sh(int rs2, int rs1, int imm) { return s(imm, rs2, rs1, 1, 0x23); }
    static int sw(int rs2, int rs1, int imm) { return s(imm, rs2, rs1, 2, 0x23); }
    static int sd(int rs2, int rs1, int imm) { return s(imm, rs2, rs1, 3, 0x23); }

    static int addi(int rd, int rs1, int imm) { return i(imm, rs1, 0, rd, 0x13); }
    static int slti(int rd, int rs1, int imm) { return i(imm, rs1, 2, rd, 0x13); }
    static int sltiu(int rd, int rs1, int imm) { return i(imm, rs1, 3, rd, 0x13); }
    static int xori(int rd, int rs1, int imm) { return i(imm, rs1, 4, rd, 0x13); }
    static int ori(int rd, int rs1, int imm) { return i(imm, rs1, 6, rd, 0x13); }
    static int andi(int rd, int rs1, int imm) { return i(imm, rs1, 7, rd, 0x13); }
    static int slli(int rd, int rs1, int sh) { return i(sh, rs1, 1, rd, 0x13); }
    static int srli(int rd, int rs1, int sh) { return i(sh, rs1, 5, rd, 0x13); }
    static int srai(int rd, int rs1, int sh) { return i(0x400 | sh, rs1, 5, rd, 0x13); }
    static int addiw(int rd, int rs1, int imm) { return i(imm, rs1, 0, rd, 0x1B); }
    static int slliw(int rd, int rs1, int sh) { return i(sh, rs1, 1, rd, 0x1B); }
    static int srliw(int rd, int rs1, int sh) { return i(sh, rs1, 5, rd, 0x1B); }
    static int sraiw(int rd, int rs1, int sh) { return i(0x400 | sh, rs1, 5, rd, 0x1B); }

    static int op(int f7, int f3, int rd, int rs1, int rs2) { return r(f7, rs2, rs1, f3, rd, 0x33); }
    static int op32(int f7, int f3, int rd, int rs1, int rs2) { return r(f7, rs2, rs1, f3, rd, 0x3B); }
    static int add(int rd, int rs1, int rs2) { return op(0, 0, rd, rs1, rs2); }
    static int sub(int rd, int rs1, int rs2) { return op(0x20, 0, rd, rs1, rs2); }
    static int sll(int rd, int rs1, int rs2) { return op(0, 1, rd, rs1, rs2); }
    static int slt(int rd, int rs1, int rs2) { return op(0, 2, rd, rs1, rs2); }
    static int sltu(int rd, int rs1, int rs2) { return op(0, 3, rd, rs1, rs2); }
    static int xor(int rd, int rs1, int rs2) { return op(0, 4, rd, rs1, rs2); }
    static int srl(int rd, int rs1, int rs2) { return op(0, 5, rd, rs1, rs2); }
    static int sra(int rd, int rs1, int rs2) { return op(0x20, 5, rd, rs1, rs2); }
    static int or(int rd, int rs1, int rs2) { return op(0, 6, rd, rs1, rs2); }
    static int and(int rd, int rs1, int rs2) { return op(0, 7, rd, rs1, rs2); }
    static int addw(int rd, int rs1, int rs2) { return op32(0, 0, rd, rs1, rs2); }
    static int subw(int rd, int rs1, int rs2) { return op32(0x20, 0, rd, rs1, rs2); }
    static int sllw(int rd, int rs1, int rs2) { return op32(0, 1, rd, rs1, rs2); }
    static int srlw(int rd, int rs1, int rs2) { return op32(0, 5, rd, rs1, rs2); }
    static int sraw(int rd, int rs1, int rs2) { return op32(0x20, 5, rd, rs1, rs2); }
    static int mul(int rd, int rs1, int rs2) { return op(1, 0, rd, rs1, rs2); }
    static int mulh(int rd, int rs1, int rs2) { return op(1, 1, rd, rs1, rs2); }
    static int mulhsu(int rd, int rs1, int rs2) { return op(1, 2, rd, rs1, rs2); }
    static int mulhu(int rd, int rs1, int rs2) { return op(1, 3, rd, rs1, rs2); }
    static int div(int rd, int rs1, int rs2) { return op(1, 4, rd, rs1, rs2); }
    static int divu(int rd, int rs1, int rs2) { return op(1, 5, rd, rs1, rs2); }
    static int rem(int rd, int rs1, int rs2) { return op(1, 6, rd, rs1, rs2); }
    static int remu(int rd, int rs1, int rs2) { return op(1, 7, rd, rs1, rs2); }
    static int mulw(int rd, int rs1, int rs2) { return op32(1, 0, rd, rs1, rs2); }
    static int divw(int rd, int rs1, int rs2) { return op32(1, 4, rd, rs1, rs2); }
    static int divuw(int rd, int rs1, int rs2) { return op32(1, 5, rd, rs1, rs2); }
    static int remw(int rd, int rs1, int rs2) { return op32(1, 6, rd, rs1, rs2); }
    static int remuw(int rd, int rs1, int rs2) { return op32(1, 7, rd, rs1, rs2); }

    static int fence() { return 0x0FF0000F; }
    static int fenceI() { return 0x0000100F; }
    static int ecall() { return 0x00000073; }
    static int ebreak() { return 0x00100073; }
    static int csr(int f3, int rd, int rs1, int csr) { return i(csr, rs1, f3, rd, 0x73); }
    static int csrrs(int rd, int csr, int rs1) { return csr(2, rd, rs1, csr); }

    /** An AMO, LR or SC: {@code f5} from {@link Decoder}, {@code wide} for the .D form. */
    static int amo(int f5, boolean wide, int rd, int rs1, int rs2) {
        return r(f5 << 2, rs2, rs1, wide ? 3 : 2, rd, 0x2F);
    }
}
