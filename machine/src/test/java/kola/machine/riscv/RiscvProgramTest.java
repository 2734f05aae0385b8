package kola.machine.riscv;

import static kola.machine.riscv.Asm.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Whole programs, hand-assembled into ELF files, run by the test system's exit and write calls. */
class RiscvProgramTest {

    static final long TEXT = 0x10000;
    static final long DATA = 0x11000;

    /** Writes "hello\n" from its data segment, then exits with 7. */
    static byte[] hello() {
        byte[] text = ElfBuilder.words(
                addi(A0, ZERO, 1), // fd
                lui(A1, (int) DATA), // buf
                addi(A2, ZERO, 6), // len
                addi(A7, ZERO, RiscvSystem.SYS_WRITE),
                ecall(),
                addi(A0, ZERO, 7),
                addi(A7, ZERO, RiscvSystem.SYS_EXIT),
                ecall());
        return new ElfBuilder().entry(TEXT).load(TEXT, text, text.length, Elf64.PF_R | Elf64.PF_X)
                .load(DATA, "hello\n".getBytes(), 0x2000, Elf64.PF_R | Elf64.PF_W).build();
    }

    /**
     * Sums 1..n with a loop that calls a function through the stack: exercises calls, returns,
     * stack stores and loads, branches and the .bss part of the data segment.
     */
    static byte[] sum(int n) {
        byte[] text = ElfBuilder.words(
                /* 0 */ addi(S0, ZERO, n),
                /* 4 */ addi(S1, ZERO, 0),
                /* 8 */ addi(A0, S0, 0), // loop: a0 = i
                /* c */ jal(RA, 0x24), // call add_to_total (at 0x30)
                /* 10 */ addi(S0, S0, -1),
                /* 14 */ bne(S0, ZERO, -12),
                /* 18 */ lui(T0, (int) DATA),
                /* 1c */ ld(A0, T0, 0x100),
                /* 20 */ addi(A7, ZERO, RiscvSystem.SYS_EXIT),
                /* 24 */ ecall(),
                /* 28 */ 0, 0,
                /* 30 add_to_total: */ addi(SP, SP, -16),
                /* 34 */ sd(RA, SP, 8),
                /* 38 */ lui(T0, (int) DATA),
                /* 3c */ ld(T1, T0, 0x100),
                /* 40 */ add(T1, T1, A0),
                /* 44 */ sd(T1, T0, 0x100),
                /* 48 */ ld(RA, SP, 8),
                /* 4c */ addi(SP, SP, 16),
                /* 50 */ jalr(ZERO, RA, 0));
        return new ElfBuilder().entry(TEXT).load(TEXT, text, text.length, Elf64.PF_R | Elf64.PF_X)
                .load(DATA, new byte[8], 0x1000, Elf64.PF_R | Elf64.PF_W).build();
    }

    @Test
    void helloWritesAndExits() {
        RiscvSystem.Outcome o = new RiscvSystem().runElf(hello());
        assertEquals(Cause.ECALL, o.cause());
        assertEquals(7, o.exitStatus());
        assertEquals("hello\n", o.output());
        assertEquals(6, o.instret(), "the two ecalls do not retire");
    }

    @Test
    void sumLoopWithCallsGivesTheSameResultInAnySliceSize() {
        for (long slice : new long[] {1, 3, 7, 1000, 1_000_000}) {
            RiscvSystem sys = new RiscvSystem();
            RiscvSystem.Outcome o = sys.runProgram(sys.load(sum(1000)), slice, 1_000_000);
            assertEquals(Cause.ECALL, o.cause(), "slice " + slice);
            assertEquals(500_500, o.exitStatus(), "slice " + slice);
            assertEquals(2 + 1000 * 13 + 3, o.instret(), "slice " + slice);
        }
    }

    @Test
    void aFaultingProgramReportsWhere() {
        byte[] text = ElfBuilder.words(lui(A1, 0x4000_0000), sd(A1, A1, 0));
        byte[] file = new ElfBuilder().entry(TEXT).load(TEXT, text, text.length, Elf64.PF_R | Elf64.PF_X).build();
        RiscvSystem.Outcome o = new RiscvSystem().runElf(file);
        assertEquals(Cause.STORE_PAGE_FAULT, o.cause());
        assertEquals(0x4000_0000, o.tval());
        assertEquals(TEXT + 4, o.pc());
    }
}
