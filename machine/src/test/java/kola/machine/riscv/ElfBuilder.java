package kola.machine.riscv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Builds small ELF64 RISC-V executables (and broken ones) for tests. */
final class ElfBuilder {

    record Seg(int type, long vaddr, byte[] data, long memSize, int flags, long align) {
    }

    private final List<Seg> segs = new ArrayList<>();
    private long entry;

    ElfBuilder entry(long entry) {
        this.entry = entry;
        return this;
    }

    ElfBuilder load(long vaddr, byte[] data, long memSize, int flags) {
        segs.add(new Seg(1, vaddr, data, memSize, flags, 0x1000));
        return this;
    }

    ElfBuilder segment(Seg seg) {
        segs.add(seg);
        return this;
    }

    /** The file: header, program headers, then each segment's data at an offset congruent to its address mod 4 KiB. */
    byte[] build() {
        int phoff = 64;
        long offset = phoff + 56L * segs.size();
        long[] offsets = new long[segs.size()];
        for (int k = 0; k < segs.size(); k++) {
            Seg s = segs.get(k);
            long want = s.vaddr() & 0xFFF;
            offset = (offset & ~0xFFFL) + want + ((offset & 0xFFF) > want ? 0x1000 : 0);
            offsets[k] = offset;
            offset += s.data().length;
        }
        ByteBuffer b = ByteBuffer.allocate((int) offset).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort((short) Elf64.EM_RISCV).putInt(1).putLong(entry).putLong(phoff).putLong(0);
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) segs.size());
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        for (int k = 0; k < segs.size(); k++) {
            Seg s = segs.get(k);
            b.position(phoff + 56 * k);
            b.putInt(s.type()).putInt(s.flags()).putLong(offsets[k]).putLong(s.vaddr()).putLong(s.vaddr());
            b.putLong(s.data().length).putLong(s.memSize()).putLong(s.align());
        }
        for (int k = 0; k < segs.size(); k++) {
            b.position((int) offsets[k]);
            b.put(segs.get(k).data());
        }
        return b.array();
    }

    /** Little-endian bytes of 32-bit instructions. */
    static byte[] words(int... insns) {
        ByteBuffer b = ByteBuffer.allocate(4 * insns.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : insns) {
            b.putInt(i);
        }
        return b.array();
    }
}
