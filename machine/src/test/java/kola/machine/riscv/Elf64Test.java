package kola.machine.riscv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class Elf64Test {

    static final byte[] CODE = ElfBuilder.words(Asm.addi(Asm.A0, 0, 0), Asm.ecall());
    static final int RX = Elf64.PF_R | Elf64.PF_X;
    static final int RW = Elf64.PF_R | Elf64.PF_W;

    static byte[] good() {
        return new ElfBuilder().entry(0x10000).load(0x10000, CODE, CODE.length, RX).load(0x11008, new byte[16], 0x100, RW).build();
    }

    static String problem(byte[] file) {
        return assertThrows(IllegalArgumentException.class, () -> Elf64.parse(file)).getMessage();
    }

    static byte[] patch(byte[] file, int at, long value, int size) {
        byte[] copy = file.clone();
        ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        switch (size) {
            case 1 -> b.put(at, (byte) value);
            case 2 -> b.putShort(at, (short) value);
            case 4 -> b.putInt(at, (int) value);
            default -> b.putLong(at, value);
        }
        return copy;
    }

    /** Offset of field {@code field} of program header {@code index}. */
    static int ph(int index, int field) {
        return 64 + 56 * index + field;
    }

    @Test
    void parsesEntryAndSegments() {
        Elf64 elf = Elf64.parse(good());
        assertEquals(0x10000, elf.entry());
        List<Elf64.Segment> segs = elf.segments();
        assertEquals(2, segs.size());
        assertEquals(0x10000, segs.get(0).vaddr());
        assertEquals(CODE.length, segs.get(0).fileSize());
        assertEquals(RX, segs.get(0).flags());
        assertEquals(0x11008, segs.get(1).vaddr());
        assertEquals(16, segs.get(1).fileSize());
        assertEquals(0x100, segs.get(1).memSize());
        assertEquals(0x11108, segs.get(1).end());
        assertEquals(RW, segs.get(1).flags());
        byte[] file = good();
        assertEquals(CODE[4], file[(int) segs.get(0).offset() + 4]);
    }

    @Test
    void otherSegmentTypesAreIgnored() {
        byte[] file = new ElfBuilder().entry(0x10000).segment(new ElfBuilder.Seg(0x7000_0003, 0, new byte[4], 0, Elf64.PF_R, 1))
                .load(0x10000, CODE, CODE.length, RX).build();
        assertEquals(1, Elf64.parse(file).segments().size());
    }

    @Test
    void rejectsWhatIsNotARiscVExecutable() {
        assertEquals("not an ELF file", problem(new byte[0]));
        assertEquals("not an ELF file", problem("#!/bin/sh\n".getBytes()));
        assertEquals("truncated ELF header (40 bytes)", problem(Arrays.copyOf(good(), 40)));
        assertEquals("not a 64-bit ELF file (class 1)", problem(patch(good(), 4, 1, 1)));
        assertEquals("not a little-endian ELF file (data encoding 2)", problem(patch(good(), 5, 2, 1)));
        assertEquals("unknown ELF version", problem(patch(good(), 20, 2, 4)));
        assertEquals("not an executable (ELF type 3)", problem(patch(good(), 16, 3, 2)));
        assertEquals("not a RISC-V file (machine 62)", problem(patch(good(), 18, 62, 2)));
    }

    @Test
    void rejectsBrokenProgramHeaders() {
        assertEquals("no program headers", problem(patch(good(), 56, 0, 2)));
        assertEquals("program header size 32, expected 56", problem(patch(good(), 54, 32, 2)));
        assertEquals("program headers beyond end of file", problem(patch(good(), 32, 1L << 40, 8)));
        assertEquals("program headers beyond end of file", problem(patch(good(), 32, -1, 8)));
        assertEquals("program headers beyond end of file", problem(patch(good(), 56, 0xFFF0, 2)));
        byte[] onlyHeaders = Arrays.copyOf(good(), 64 + 56);
        assertEquals("program headers beyond end of file", problem(onlyHeaders));
    }

    @Test
    void rejectsBrokenSegments() {
        assertEquals("segment 1: file range beyond end of file", problem(patch(good(), ph(1, 8), 1L << 20, 8)));
        assertEquals("segment 1: file range beyond end of file", problem(patch(good(), ph(1, 32), 1L << 20, 8)));
        assertEquals("segment 1: file range beyond end of file", problem(patch(good(), ph(1, 32), -8, 8)));
        assertEquals("segment 1: file size 0x10 exceeds memory size 0x8", problem(patch(good(), ph(1, 40), 8, 8)));
        assertEquals("segment 1: memory range at 0x4000000000 is outside user space",
                problem(patch(good(), ph(1, 16), 1L << 38, 8)));
        assertEquals("segment 1: memory range at 0x11008 is outside user space",
                problem(patch(good(), ph(1, 40), (1L << 38) - 0x11000, 8)));
        assertEquals("segment 1: memory range at 0x11008 is outside user space",
                problem(patch(good(), ph(1, 40), Long.MAX_VALUE, 8)));
        assertEquals("segment 1: memory range at 0xffffffffffff0008 is outside user space",
                problem(patch(good(), ph(1, 16), -0x10000 + 8, 8)));
        assertEquals("segment 1: alignment 0x1001 is not a power of two", problem(patch(good(), ph(1, 48), 0x1001, 8)));
        assertEquals("segment 1: address and file offset disagree modulo the alignment",
                problem(patch(good(), ph(1, 16), 0x11010, 8)));
        assertEquals("segment 0: unknown flags 0x105", problem(patch(good(), ph(0, 4), 0x105, 4)));
        assertEquals("segment 1: dynamically linked (has an interpreter)", problem(patch(good(), ph(1, 0), 3, 4)));
    }

    @Test
    void rejectsOverlapsAndBadEntries() {
        byte[] overlap = new ElfBuilder().entry(0x10000).load(0x10000, CODE, 0x2000, RX).load(0x11008, new byte[8], 8, RW).build();
        assertEquals("loadable segments 0 and 1 overlap", problem(overlap));
        assertEquals("entry point 0x11008 is not in an executable segment", problem(patch(good(), 24, 0x11008, 8)));
        assertEquals("entry point 0x20000 is not in an executable segment", problem(patch(good(), 24, 0x20000, 8)));
        assertEquals("entry point 0x10001 is not 2-byte aligned", problem(patch(good(), 24, 0x10001, 8)));
        assertEquals("no loadable segment", problem(patch(patch(good(), ph(0, 0), 4, 4), ph(1, 0), 4, 4)));
    }

    @Test
    void randomCorruptionNeverThrowsAnythingElse() {
        java.util.Random random = new java.util.Random(42);
        byte[] base = good();
        for (int k = 0; k < 20_000; k++) {
            byte[] file = base.clone();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                file[random.nextInt(Math.min(file.length, 64 + 2 * 56))] = (byte) random.nextInt();
            }
            if (random.nextInt(8) == 0) {
                file = Arrays.copyOf(file, random.nextInt(file.length));
            }
            try {
                Elf64 elf = Elf64.parse(file);
                for (Elf64.Segment seg : elf.segments()) {
                    assertEquals(true, seg.offset() + seg.fileSize() <= file.length);
                    assertEquals(true, seg.end() <= Elf64.USER_TOP);
                }
            } catch (IllegalArgumentException expected) {
                assertEquals(-1, expected.getMessage().indexOf('\n'));
            }
        }
    }
}
