package kola.machine.riscv;

import static kola.machine.riscv.Decoder.*;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;

/**
 * Compiles a block of decoded instructions into a hidden class extending {@link Block}: every
 * register access is an access to the register array, every memory access a call of the hart's
 * static load or store helper, which serves a translation-cache hit inline.
 */
final class BlockCompiler {

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final ClassDesc CD_BLOCK = ClassDesc.of("kola.machine.riscv.Block");
    private static final ClassDesc CD_HART = ClassDesc.of("kola.machine.riscv.Hart");
    private static final ClassDesc CD_BC = ClassDesc.of("kola.machine.riscv.BlockCompiler");
    private static final ClassDesc CD_LONGS = ConstantDescs.CD_long.arrayType();
    private static final MethodTypeDesc MT_RUN = MethodTypeDesc.of(ConstantDescs.CD_long, CD_HART, CD_LONGS, ConstantDescs.CD_long);
    private static final MethodTypeDesc MT_LOAD = MethodTypeDesc.of(ConstantDescs.CD_long, CD_HART, ConstantDescs.CD_long);
    private static final MethodTypeDesc MT_STORE = MethodTypeDesc.of(ConstantDescs.CD_boolean, CD_HART, ConstantDescs.CD_long, ConstantDescs.CD_long);
    private static final MethodTypeDesc MT_LOAD_EXIT = MethodTypeDesc.of(ConstantDescs.CD_long, CD_HART, CD_LONGS, ConstantDescs.CD_int,
            ConstantDescs.CD_long, ConstantDescs.CD_long, ConstantDescs.CD_int, ConstantDescs.CD_int, ConstantDescs.CD_int);
    private static final MethodTypeDesc MT_STORE_EXIT = MethodTypeDesc.of(ConstantDescs.CD_long, CD_HART, ConstantDescs.CD_long,
            ConstantDescs.CD_int, ConstantDescs.CD_int, ConstantDescs.CD_int);
    private static final MethodTypeDesc MT_LL_L = MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_long, ConstantDescs.CD_long);
    private static final ClassDesc CD_MATH = ClassDesc.of("java.lang.Math");

    // locals of run
    private static final int H = 1;
    private static final int R = 2;
    private static final int BASE = 3;
    private static final int TMP = 5;

    private BlockCompiler() {
    }

    /** Tells whether a block may hold the operation. */
    static boolean compilable(int op) {
        return switch (op) {
            case OP_DECODE, OP_CROSS, OP_ILLEGAL, OP_FENCE_I, OP_ECALL, OP_EBREAK, OP_CSRR, OP_ATOMIC -> false;
            default -> true;
        };
    }

    /** Tells whether the operation ends a block (it sets the pc). */
    static boolean endsBlock(int op) {
        return switch (op) {
            case OP_JAL, OP_JALR, OP_BEQ, OP_BNE, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU -> true;
            default -> false;
        };
    }

    /** Compiles {@code n} instructions {@code ins} at page offsets {@code offs}; {@code end} is the offset after the last. */
    static Block compile(long[] ins, int[] offs, int n, int end) {
        byte[] bytes = ClassFile.of().build(ClassDesc.of("kola.machine.riscv.CompiledBlock"), cb -> {
            cb.withSuperclass(CD_BLOCK);
            cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            cb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC,
                    co -> co.aload(0).invokespecial(CD_BLOCK, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_());
            cb.withMethodBody("run", MT_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, co -> {
                boolean ended = false;
                for (int k = 0; k < n && !ended; k++) {
                    ended = emit(co, ins[k], offs[k], k);
                }
                if (!ended) {
                    pc(co, end);
                    co.lreturn();
                }
            });
        });
        try {
            MethodHandles.Lookup l = LOOKUP.defineHiddenClass(bytes, true);
            return (Block) l.findConstructor(l.lookupClass(), java.lang.invoke.MethodType.methodType(void.class)).invoke();
        } catch (Throwable t) {
            throw new IllegalStateException("cannot define a compiled block", t);
        }
    }

    private static void pc(CodeBuilder co, long off) {
        co.lload(BASE);
        if (off != 0) {
            co.loadConstant(off);
            co.ladd();
        }
    }

    private static void reg(CodeBuilder co, int x) {
        if (x == 0) {
            co.lconst_0();
        } else {
            co.aload(R).loadConstant(x).laload();
        }
    }

    private static void dst(CodeBuilder co, int rd) {
        co.aload(R).loadConstant(rd);
    }

    /** Emits one instruction; true if it ended the block. */
    private static boolean emit(CodeBuilder co, long d, int off, int k) {
        int op = (int) d & 0xFF;
        int rd = (int) (d >>> 8) & 63;
        int rs1 = (int) (d >>> 14) & 31;
        int rs2 = (int) (d >>> 19) & 31;
        long imm = d >> 32;
        int len = 4 - ((int) (d >>> 23) & 2);
        switch (op) {
            case OP_LUI, OP_LI -> {
                dst(co, rd);
                co.loadConstant(imm);
                co.lastore();
            }
            case OP_AUIPC -> {
                dst(co, rd);
                pc(co, off + imm);
                co.lastore();
            }
            case OP_JAL -> {
                dst(co, rd);
                pc(co, off + len);
                co.lastore();
                pc(co, off + imm);
                co.lreturn();
                return true;
            }
            case OP_JALR -> {
                reg(co, rs1);
                co.loadConstant(imm).ladd().loadConstant(~1L).land().lstore(TMP);
                dst(co, rd);
                pc(co, off + len);
                co.lastore();
                co.lload(TMP).lreturn();
                return true;
            }
            case OP_BEQ, OP_BNE, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU -> {
                boolean unsigned = op == OP_BLTU || op == OP_BGEU;
                reg(co, rs1);
                if (unsigned) {
                    co.loadConstant(Long.MIN_VALUE).lxor();
                }
                reg(co, rs2);
                if (unsigned) {
                    co.loadConstant(Long.MIN_VALUE).lxor();
                }
                co.lcmp();
                Label taken = co.newLabel();
                switch (op) {
                    case OP_BEQ -> co.ifeq(taken);
                    case OP_BNE -> co.ifne(taken);
                    case OP_BLT, OP_BLTU -> co.iflt(taken);
                    default -> co.ifge(taken);
                }
                pc(co, off + len);
                co.lreturn();
                co.labelBinding(taken);
                pc(co, off + imm);
                co.lreturn();
                return true;
            }
            case OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU -> {
                String name = switch (op) {
                    case OP_LB -> "lb";
                    case OP_LH -> "lh";
                    case OP_LW -> "lw";
                    case OP_LD -> "ld";
                    case OP_LBU -> "lbu";
                    case OP_LHU -> "lhu";
                    default -> "lwu";
                };
                co.aload(H);
                reg(co, rs1);
                co.loadConstant(imm).ladd();
                co.invokestatic(CD_HART, name, MT_LOAD);
                co.lstore(TMP);
                Label ok = co.newLabel();
                co.aload(H).getfield(CD_HART, "status", ConstantDescs.CD_int).ifeq(ok);
                co.aload(H).aload(R).loadConstant(rd).lload(TMP).lload(BASE).loadConstant(off).loadConstant(len).loadConstant(k);
                co.invokestatic(CD_HART, "loadExit", MT_LOAD_EXIT);
                co.lreturn();
                co.labelBinding(ok);
                dst(co, rd);
                co.lload(TMP).lastore();
            }
            case OP_SB, OP_SH, OP_SW, OP_SD -> {
                String name = switch (op) {
                    case OP_SB -> "sb";
                    case OP_SH -> "sh";
                    case OP_SW -> "sw";
                    default -> "sd";
                };
                co.aload(H);
                reg(co, rs1);
                co.loadConstant(imm).ladd();
                reg(co, rs2);
                co.invokestatic(CD_HART, name, MT_STORE);
                Label ok = co.newLabel();
                co.ifne(ok);
                co.aload(H).lload(BASE).loadConstant(off).loadConstant(len).loadConstant(k);
                co.invokestatic(CD_HART, "storeExit", MT_STORE_EXIT);
                co.lreturn();
                co.labelBinding(ok);
            }
            case OP_ADDI, OP_XORI, OP_ORI, OP_ANDI -> {
                dst(co, rd);
                reg(co, rs1);
                co.loadConstant(imm);
                switch (op) {
                    case OP_ADDI -> co.ladd();
                    case OP_XORI -> co.lxor();
                    case OP_ORI -> co.lor();
                    default -> co.land();
                }
                co.lastore();
            }
            case OP_SLTI, OP_SLTIU -> {
                dst(co, rd);
                reg(co, rs1);
                co.loadConstant(imm);
                co.invokestatic(CD_BC, op == OP_SLTI ? "slt" : "sltu", MT_LL_L);
                co.lastore();
            }
            case OP_SLLI, OP_SRLI, OP_SRAI -> {
                dst(co, rd);
                reg(co, rs1);
                co.loadConstant((int) imm);
                switch (op) {
                    case OP_SLLI -> co.lshl();
                    case OP_SRLI -> co.lushr();
                    default -> co.lshr();
                }
                co.lastore();
            }
            case OP_ADD, OP_SUB, OP_XOR, OP_OR, OP_AND, OP_MUL -> {
                dst(co, rd);
                reg(co, rs1);
                reg(co, rs2);
                switch (op) {
                    case OP_ADD -> co.ladd();
                    case OP_SUB -> co.lsub();
                    case OP_XOR -> co.lxor();
                    case OP_OR -> co.lor();
                    case OP_AND -> co.land();
                    default -> co.lmul();
                }
                co.lastore();
            }
            case OP_SLL, OP_SRL, OP_SRA -> {
                dst(co, rd);
                reg(co, rs1);
                reg(co, rs2);
                co.l2i();
                switch (op) {
                    case OP_SLL -> co.lshl();
                    case OP_SRL -> co.lushr();
                    default -> co.lshr();
                }
                co.lastore();
            }
            case OP_SLT, OP_SLTU, OP_MULH, OP_MULHSU, OP_MULHU, OP_DIV, OP_DIVU, OP_REM, OP_REMU, OP_DIVW, OP_DIVUW, OP_REMW,
                    OP_REMUW -> {
                String name = switch (op) {
                    case OP_SLT -> "slt";
                    case OP_SLTU -> "sltu";
                    case OP_MULH -> "mulh";
                    case OP_MULHSU -> "mulhsu";
                    case OP_MULHU -> "mulhu";
                    case OP_DIV -> "div";
                    case OP_DIVU -> "divu";
                    case OP_REM -> "rem";
                    case OP_REMU -> "remu";
                    case OP_DIVW -> "divw";
                    case OP_DIVUW -> "divuw";
                    case OP_REMW -> "remw";
                    default -> "remuw";
                };
                dst(co, rd);
                reg(co, rs1);
                reg(co, rs2);
                co.invokestatic(CD_BC, name, MT_LL_L);
                co.lastore();
            }
            case OP_ADDIW -> {
                dst(co, rd);
                reg(co, rs1);
                co.loadConstant(imm).ladd().l2i().i2l().lastore();
            }
            case OP_SLLIW, OP_SRLIW, OP_SRAIW -> {
                dst(co, rd);
                reg(co, rs1);
                co.l2i().loadConstant((int) imm);
                switch (op) {
                    case OP_SLLIW -> co.ishl();
                    case OP_SRLIW -> co.iushr();
                    default -> co.ishr();
                }
                co.i2l().lastore();
            }
            case OP_ADDW, OP_SUBW -> {
                dst(co, rd);
                reg(co, rs1);
                reg(co, rs2);
                if (op == OP_ADDW) {
                    co.ladd();
                } else {
                    co.lsub();
                }
                co.l2i().i2l().lastore();
            }
            case OP_SLLW, OP_SRLW, OP_SRAW, OP_MULW -> {
                dst(co, rd);
                reg(co, rs1);
                co.l2i();
                reg(co, rs2);
                co.l2i();
                switch (op) {
                    case OP_SLLW -> co.ishl();
                    case OP_SRLW -> co.iushr();
                    case OP_SRAW -> co.ishr();
                    default -> co.imul();
                }
                co.i2l().lastore();
            }
            case OP_MV -> {
                dst(co, rd);
                reg(co, rs1);
                co.lastore();
            }
            case OP_NOP, OP_FENCE -> {
            }
            default -> throw new AssertionError("not compilable: " + op);
        }
        return false;
    }

    // ---------------------------------------------------------------- helpers of compiled code

    static long slt(long a, long b) {
        return a < b ? 1 : 0;
    }

    static long sltu(long a, long b) {
        return Long.compareUnsigned(a, b) < 0 ? 1 : 0;
    }

    static long mulh(long a, long b) {
        return Math.multiplyHigh(a, b);
    }

    static long mulhsu(long a, long b) {
        return Math.multiplyHigh(a, b) + (b < 0 ? a : 0);
    }

    static long mulhu(long a, long b) {
        return Math.unsignedMultiplyHigh(a, b);
    }

    static long div(long a, long b) {
        return b == 0 ? -1 : a / b;
    }

    static long divu(long a, long b) {
        return b == 0 ? -1 : Long.divideUnsigned(a, b);
    }

    static long rem(long a, long b) {
        return b == 0 ? a : a % b;
    }

    static long remu(long a, long b) {
        return b == 0 ? a : Long.remainderUnsigned(a, b);
    }

    static long divw(long a, long b) {
        int y = (int) b;
        return y == 0 ? -1 : (int) a / y;
    }

    static long divuw(long a, long b) {
        int y = (int) b;
        return y == 0 ? -1 : Integer.divideUnsigned((int) a, y);
    }

    static long remw(long a, long b) {
        int y = (int) b;
        return y == 0 ? (int) a : (int) a % y;
    }

    static long remuw(long a, long b) {
        int y = (int) b;
        return y == 0 ? (int) a : Integer.remainderUnsigned((int) a, y);
    }
}
