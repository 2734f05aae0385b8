package kola.kernel;

import kola.abi.Memory;
import kola.machine.Mmu;
import kola.machine.PhysicalMemory;
import kola.machine.Tlb;

/**
 * The memory accessor of one thread (DESIGN.md, "Memory"): every access translates through the
 * CPU's TLB and, on a miss, the space's Sv39 page table. No usable mapping traps to the kernel as
 * a page fault, and the access is retried when the thread runs again. Every access is a
 * preemption point. The hot path is a compare, a TLB probe and an array access.
 */
final class UserMemory implements Memory {
    private static final int PAGE_MASK = PhysicalMemory.PAGE_SIZE - 1;
    private final Tcb tcb;
    private final Kernel kernel;
    private final UserApi api;
    private final Mmu mmu;
    private final PhysicalMemory phys;

    UserMemory(Tcb tcb, Kernel kernel, UserApi api) {
        this.tcb = tcb;
        this.kernel = kernel;
        this.api = api;
        this.mmu = kernel.machine.mmu();
        this.phys = kernel.machine.memory();
    }

    /** The physical address of {@code va} for {@code access}, after faults are resolved. */
    private long translate(long va, int access) {
        if (kernel.cpu.current != tcb) {
            throw new IllegalStateException("the memory accessor of thread " + kola.abi.ThreadId.toString(tcb.id)
                    + " was used by another thread; each thread must use its own");
        }
        while (true) {
            if (kernel.clock.now() >= kernel.cpu.preemptAt) {
                api.trap(Trap.PREEMPT);
            }
            Space space = tcb.space;
            long pa = mmu.translate(space.asid, space.pageTable.rootPfn, va, access);
            if (pa >= 0) {
                return pa;
            }
            tcb.a0 = va;
            tcb.a1 = access;
            tcb.a2 = pa;
            api.trap(Trap.PAGE_FAULT);
        }
    }

    private static boolean crosses(long va, int size) {
        return (va & PAGE_MASK) + size > PhysicalMemory.PAGE_SIZE;
    }

    @Override
    public int load8(long va) {
        return phys.load8(translate(va, Tlb.READ));
    }

    @Override
    public int load16(long va) {
        if (crosses(va, 2)) {
            return load8(va) | load8(va + 1) << 8;
        }
        return phys.load16(translate(va, Tlb.READ));
    }

    @Override
    public long load32(long va) {
        if (crosses(va, 4)) {
            return load16(va) | (long) load16(va + 2) << 16;
        }
        return phys.load32(translate(va, Tlb.READ));
    }

    @Override
    public long load64(long va) {
        if (crosses(va, 8)) {
            return load32(va) | load32(va + 4) << 32;
        }
        return phys.load64(translate(va, Tlb.READ));
    }

    @Override
    public void store8(long va, long value) {
        phys.store8(translate(va, Tlb.WRITE), value);
    }

    @Override
    public void store16(long va, long value) {
        if (crosses(va, 2)) {
            store8(va, value);
            store8(va + 1, value >>> 8);
            return;
        }
        phys.store16(translate(va, Tlb.WRITE), value);
    }

    @Override
    public void store32(long va, long value) {
        if (crosses(va, 4)) {
            store16(va, value);
            store16(va + 2, value >>> 16);
            return;
        }
        phys.store32(translate(va, Tlb.WRITE), value);
    }

    @Override
    public void store64(long va, long value) {
        if (crosses(va, 8)) {
            store32(va, value);
            store32(va + 4, value >>> 32);
            return;
        }
        phys.store64(translate(va, Tlb.WRITE), value);
    }

    @Override
    public void read(long va, byte[] dst, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        while (len > 0) {
            int chunk = (int) Math.min(len, PhysicalMemory.PAGE_SIZE - (va & PAGE_MASK));
            phys.read(translate(va, Tlb.READ), dst, off, chunk);
            va += chunk;
            off += chunk;
            len -= chunk;
        }
    }

    @Override
    public void write(long va, byte[] src, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        while (len > 0) {
            int chunk = (int) Math.min(len, PhysicalMemory.PAGE_SIZE - (va & PAGE_MASK));
            phys.write(translate(va, Tlb.WRITE), src, off, chunk);
            va += chunk;
            off += chunk;
            len -= chunk;
        }
    }
}
