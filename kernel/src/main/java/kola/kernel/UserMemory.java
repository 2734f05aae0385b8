package kola.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import kola.abi.Memory;
import kola.machine.Cache;
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
 * cached translation is valid until the kernel loop next runs — every change of kernel state (an
 * unmap, a rights change, a TLB flush or eviction, a switch to another thread) happens there —
 * which the kernel's trap counter tells: the cache is valid while it is the count at the fill.
 * Its accesses are charged exactly what a TLB hit charges, but to the thread's {@link Meter},
 * whose room ends where the preemption point lies, and so to the clock in one step at the next
 * kernel entry ({@link #settle}): simulated time, preemption points and traces are those of the
 * uncached accessor.
 *
 * <p>The hit path does not read the trap counter (two dependent loads and a null check, the
 * largest part of its cost in a loop of loads; issue 17): every way back to the kernel loop goes
 * through {@link #settle} first (a system call, a preemption, the meter's slow path, the end of
 * the thread), and settle puts the cache aside ({@code readVpn} and {@code writeVpn} no page), as
 * does the kernel loop when it resumes the thread ({@link Meter#arm}). An
 * access that misses the cache then checks the trap counter ({@link #revive}): if the kernel loop
 * did not run after all (the meter's slow path found the preemption point not reached, or could
 * not yield where the continuation is pinned), the translation is still valid and is taken back,
 * so the hits and misses are exactly those of a cache checked against the counter on every access.
 *
 * <p>With a memory cache ({@link kola.machine.Machine#cache}; DESIGN.md, "Micro-architecture cost
 * model") the translation cache is not used: every access is translated by the MMU, which
 * accesses the memory cache at its physical address and charges the hit or miss. An access of
 * up to 8 bytes counts as one access, to the line of its first byte; {@link #read} and
 * {@link #write} access every line they touch.
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
    /** The machine's memory cache, or null: with one, every access is translated (and so accessed) by the MMU. */
    private final Cache cache;
    /** The page the hit path serves reads from: {@link #readPage} while the cache is in use, else -1 (no page). */
    private long readVpn = -1;
    /** The page of the last read's translation, its frame, and the kernel's trap count when it was made. */
    private long readPage = -1;
    private byte[] readFrame;
    private long readEpoch = -1;
    private long writeVpn = -1;
    private long writePage = -1;
    private byte[] writeFrame;
    private long writeEpoch = -1;
    /**
     * Cached accesses the thread may still make before its share of the room is used up: the
     * meter gives the accessor part of the cycles left before the preemption point ({@link
     * Meter#arm}), so that the hit path counts down one field of its own, and the accesses made
     * are {@code budgetArmed - budget} (charged as TLB hits at the next {@link Meter#settle}).
     */
    long budget;
    /** {@link #budget} when it was last armed or settled. */
    long budgetArmed;
    /**
     * The host thread that ran the kernel loop when the cache was filled (by a slow-path access
     * that passed {@link UserApi#own}): a host thread holding this accessor finds the cache
     * empty and is refused on the slow path. Another Kola thread can only run after a kernel
     * entry, which ends the cache's epoch.
     */
    private Thread cacheOwner;

    UserMemory(Tcb tcb, Kernel kernel, UserApi api, Meter meter) {
        this.meter = meter;
        meter.memory = this;
        this.tcb = tcb;
        this.kernel = kernel;
        this.api = api;
        this.mmu = kernel.machine.mmu();
        this.tlb = kernel.machine.tlb();
        this.phys = kernel.machine.memory();
        this.clock = kernel.clock;
        this.cache = mmu.cache();
    }

    /**
     * Whether the {@code size}-byte access at {@code va} hits the cache ({@link #readFrame} or
     * {@link #writeFrame} then holds its page), charged as a TLB hit; if not, take the slow path.
     */
    private boolean cached(long va, int size, boolean write) {
        if (Thread.currentThread() == cacheOwner
                && (va & PAGE_MASK) + size <= PhysicalMemory.PAGE_SIZE
                && (va >>> PhysicalMemory.PAGE_SHIFT) == (write ? writeVpn : readVpn) && budget > 0) {
            budget--;
            return true;
        }
        return revive(va, size, write);
    }

    /**
     * The cache's full check, for an access the hit path refused: if the cache holds the page, the
     * kernel loop has not run since it was filled (a {@link #settle} put it aside but did not
     * leave this run) and the thread has room left before its preemption point (its own share
     * may be used up: the room is shared out again), takes it back into use and charges the
     * access as {@link #cached} does.
     */
    private boolean revive(long va, int size, boolean write) {
        if (Thread.currentThread() != cacheOwner
                || (va & PAGE_MASK) + size > PhysicalMemory.PAGE_SIZE
                || (va >>> PhysicalMemory.PAGE_SHIFT) != (write ? writePage : readPage)
                || (write ? writeEpoch : readEpoch) != kernel.traps
                || meter.room + budget * CostModel.MEMORY_ACCESS <= 0) {
            return false;
        }
        if (budget <= 0) {
            charged();
            meter.arm(kernel.cpu.preemptAt - clock.now()); // the room left, shared out again
        }
        if (write) {
            writeVpn = writePage;
        } else {
            readVpn = readPage;
        }
        budget--;
        return true;
    }

    /**
     * Puts the instructions and cached accesses charged so far on the clock (and the TLB's hit
     * count), before a kernel entry; and puts the cache aside, for the kernel loop may run next.
     */
    void settle() {
        putAside();
        charged();
    }

    /** Takes the cache out of the hit path ({@link #revive} may take it back). */
    void putAside() {
        readVpn = -1;
        writeVpn = -1;
    }

    /** Puts the instructions and cached accesses charged so far on the clock (and the TLB's hit count). */
    private void charged() {
        long hits = meter.settle();
        if (hits != 0) {
            tlb.countHits(hits);
        }
    }

    /**
     * Remembers the translation the slow path just made, if it leads to a RAM frame and the
     * machine has no memory cache (which every access must reach, at its physical address).
     */
    private void remember(long va, long pa, boolean write) {
        if (cache != null) {
            return;
        }
        byte[] frame = phys.frameArray(pa >>> PhysicalMemory.PAGE_SHIFT);
        if (frame == null) {
            return; // device memory, or a frame not backed yet: not cacheable
        }
        cacheOwner = Thread.currentThread();
        long vpn = va >>> PhysicalMemory.PAGE_SHIFT;
        if (write) {
            writeVpn = vpn;
            writePage = vpn;
            writeFrame = frame;
            writeEpoch = kernel.traps;
        } else {
            readVpn = vpn;
            readPage = vpn;
            readFrame = frame;
            readEpoch = kernel.traps;
        }
    }

    /** The physical address of {@code va} for {@code access}, after faults are resolved. */
    private long translate(long va, int access) {
        api.own(); // before anything is charged or translated
        charged(); // not a kernel entry: the other direction's translation stays in use
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
        return cached(va, 1, false) ? readFrame[offset(va)] & 0xFF : phys.load8(translate(va, Tlb.READ));
    }

    @Override
    public int load16(long va) {
        if (cached(va, 2, false)) {
            return (short) I16.get(readFrame, offset(va)) & 0xFFFF;
        }
        if (crosses(va, 2)) {
            return load8(va) | load8(va + 1) << 8;
        }
        return phys.load16(translate(va, Tlb.READ));
    }

    @Override
    public long load32(long va) {
        if (cached(va, 4, false)) {
            return (int) I32.get(readFrame, offset(va)) & 0xFFFF_FFFFL;
        }
        if (crosses(va, 4)) {
            return load16(va) | (long) load16(va + 2) << 16;
        }
        return phys.load32(translate(va, Tlb.READ));
    }

    @Override
    public long load64(long va) {
        if (cached(va, 8, false)) {
            return (long) I64.get(readFrame, offset(va));
        }
        if (crosses(va, 8)) {
            return load32(va) | load32(va + 4) << 32;
        }
        return phys.load64(translate(va, Tlb.READ));
    }

    @Override
    public void store8(long va, long value) {
        if (cached(va, 1, true)) {
            writeFrame[offset(va)] = (byte) value;
            return;
        }
        phys.store8(translate(va, Tlb.WRITE), value);
    }

    @Override
    public void store16(long va, long value) {
        if (cached(va, 2, true)) {
            I16.set(writeFrame, offset(va), (short) value);
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
        if (cached(va, 4, true)) {
            I32.set(writeFrame, offset(va), (int) value);
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
        if (cached(va, 8, true)) {
            I64.set(writeFrame, offset(va), value);
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
            long pa = translate(va, Tlb.READ);
            if (cache != null) {
                clock.advance(cache.accessRest(pa, chunk)); // the translation accessed the first line
            }
            phys.read(pa, dst, off, chunk);
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
            long pa = translate(va, Tlb.WRITE);
            if (cache != null) {
                clock.advance(cache.accessRest(pa, chunk));
            }
            phys.write(pa, src, off, chunk);
            va += chunk;
            off += chunk;
            len -= chunk;
        }
    }
}
