package kola.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import kola.abi.Memory;
import kola.machine.CostModel;
import kola.machine.CycleClock;
import kola.machine.Mmu;
import kola.machine.PhysicalMemory;
import kola.machine.Tlb;

/**
 * The memory accessor of one thread (DESIGN.md, "Memory"): every access translates through the
 * CPU's TLB and, on a miss, the space's Sv39 page table. No usable mapping traps to the kernel as
 * a page fault, and the access is retried when the thread runs again. Every access is a
 * preemption point.
 *
 * <p>In front of the TLB sits a one-entry translation cache per direction (the last page read,
 * the last page written, each with its host frame): the software analogue of a micro-TLB. A
 * cached translation is valid until the next kernel entry — every change of kernel state (an
 * unmap, a rights change, a TLB flush or eviction, a switch to another thread) happens at one —
 * so the cached path checks one counter. Its accesses are charged exactly what a TLB hit
 * charges, but to the thread's {@link Meter}, whose room ends where the preemption point lies,
 * and so to the clock in one step at the next kernel entry ({@link #settle}): simulated time,
 * preemption points and traces are those of the uncached accessor.
 */
final class UserMemory implements Memory {
    private static final int PAGE_MASK = PhysicalMemory.PAGE_SIZE - 1;
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Tcb tcb;
    private final Kernel kernel;
    private final UserApi api;
    private final Mmu mmu;
    private final Tlb tlb;
    private final PhysicalMemory phys;
    private final CycleClock clock;
    private final Meter meter;
    private long readVpn = -1;
    private byte[] readFrame;
    private long readEpoch = -1;
    private long writeVpn = -1;
    private byte[] writeFrame;
    private long writeEpoch = -1;
    /** Cached accesses made but not yet counted as TLB hits (their cycles are on the meter). */
    private long pending;
    /**
     * The host thread that ran the kernel loop when the cache was filled (by a slow-path access
     * that passed {@link UserApi#own}): a host thread holding this accessor finds the cache
     * empty and is refused on the slow path. Another Kola thread can only run after a kernel
     * entry, which ends the cache's epoch.
     */
    private Thread cacheOwner;

    UserMemory(Tcb tcb, Kernel kernel, UserApi api, Meter meter) {
        this.meter = meter;
        this.tcb = tcb;
        this.kernel = kernel;
        this.api = api;
        this.mmu = kernel.machine.mmu();
        this.tlb = kernel.machine.tlb();
        this.phys = kernel.machine.memory();
        this.clock = kernel.clock;
    }

    /** The cached frame for a {@code size}-byte access at {@code va}, or null (then take the slow path). */
    private byte[] cached(long va, int size, boolean write) {
        if (Thread.currentThread() != cacheOwner
                || (va & PAGE_MASK) + size > PhysicalMemory.PAGE_SIZE
                || (va >>> PhysicalMemory.PAGE_SHIFT) != (write ? writeVpn : readVpn)
                || (write ? writeEpoch : readEpoch) != kernel.traps || meter.room <= 0) {
            return null;
        }
        meter.room -= CostModel.MEMORY_ACCESS;
        pending++;
        return write ? writeFrame : readFrame;
    }

    /** Puts the instructions and cached accesses charged so far on the clock (and the TLB's hit count). */
    void settle() {
        meter.settle();
        if (pending != 0) {
            tlb.countHits(pending);
            pending = 0;
        }
    }

    /** Remembers the translation the slow path just made, if it leads to a RAM frame. */
    private void remember(long va, long pa, boolean write) {
        byte[] frame = phys.frameArray(pa >>> PhysicalMemory.PAGE_SHIFT);
        if (frame == null) {
            return; // device memory, or a frame not backed yet: not cacheable
        }
        cacheOwner = Thread.currentThread();
        if (write) {
            writeVpn = va >>> PhysicalMemory.PAGE_SHIFT;
            writeFrame = frame;
            writeEpoch = kernel.traps;
        } else {
            readVpn = va >>> PhysicalMemory.PAGE_SHIFT;
            readFrame = frame;
            readEpoch = kernel.traps;
        }
    }

    /** The physical address of {@code va} for {@code access}, after faults are resolved. */
    private long translate(long va, int access) {
        api.own(); // before anything is charged or translated
        settle();
        while (true) {
            if (clock.now() >= kernel.cpu.preemptAt) {
                api.trap(Trap.PREEMPT);
            }
            Space space = tcb.space;
            long pa = mmu.translate(space.asid, space.pageTable.rootPfn, va, access);
            if (pa >= 0) {
                // The walk and the access went on the clock: the meter's room starts afresh from there.
                meter.arm(kernel.cpu.preemptAt - clock.now());
                if (va >= 0) {
                    remember(va, pa, access == Tlb.WRITE);
                }
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

    private static int offset(long va) {
        return (int) (va & PAGE_MASK);
    }

    @Override
    public int load8(long va) {
        byte[] f = cached(va, 1, false);
        return f != null ? f[offset(va)] & 0xFF : phys.load8(translate(va, Tlb.READ));
    }

    @Override
    public int load16(long va) {
        byte[] f = cached(va, 2, false);
        if (f != null) {
            return (short) I16.get(f, offset(va)) & 0xFFFF;
        }
        if (crosses(va, 2)) {
            return load8(va) | load8(va + 1) << 8;
        }
        return phys.load16(translate(va, Tlb.READ));
    }

    @Override
    public long load32(long va) {
        byte[] f = cached(va, 4, false);
        if (f != null) {
            return (int) I32.get(f, offset(va)) & 0xFFFF_FFFFL;
        }
        if (crosses(va, 4)) {
            return load16(va) | (long) load16(va + 2) << 16;
        }
        return phys.load32(translate(va, Tlb.READ));
    }

    @Override
    public long load64(long va) {
        byte[] f = cached(va, 8, false);
        if (f != null) {
            return (long) I64.get(f, offset(va));
        }
        if (crosses(va, 8)) {
            return load32(va) | load32(va + 4) << 32;
        }
        return phys.load64(translate(va, Tlb.READ));
    }

    @Override
    public void store8(long va, long value) {
        byte[] f = cached(va, 1, true);
        if (f != null) {
            f[offset(va)] = (byte) value;
            return;
        }
        phys.store8(translate(va, Tlb.WRITE), value);
    }

    @Override
    public void store16(long va, long value) {
        byte[] f = cached(va, 2, true);
        if (f != null) {
            I16.set(f, offset(va), (short) value);
            return;
        }
        if (crosses(va, 2)) {
            store8(va, value);
            store8(va + 1, value >>> 8);
            return;
        }
        phys.store16(translate(va, Tlb.WRITE), value);
    }

    @Override
    public void store32(long va, long value) {
        byte[] f = cached(va, 4, true);
        if (f != null) {
            I32.set(f, offset(va), (int) value);
            return;
        }
        if (crosses(va, 4)) {
            store16(va, value);
            store16(va + 2, value >>> 16);
            return;
        }
        phys.store32(translate(va, Tlb.WRITE), value);
    }

    @Override
    public void store64(long va, long value) {
        byte[] f = cached(va, 8, true);
        if (f != null) {
            I64.set(f, offset(va), value);
            return;
        }
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
