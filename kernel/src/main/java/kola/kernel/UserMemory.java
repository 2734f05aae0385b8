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
 * The memory accessor of one thread (DESIGN.md, "Memory"), which is also its {@link Meter} and,
 * extended, its {@link UserApi}: one object per thread. Every access translates through the
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
 * <p>The read translation may outlive a kernel entry ({@link #resumed}): when the kernel loop
 * resumes the thread and the TLB is as it was when the translation was made (its generation,
 * bumped by every flush and every eviction, and the count of frames whose backing was dropped
 * are unchanged), the TLB still holds the page with the rights the read needed, so the thread's
 * first read of it would hit there, at the cost of a cached read. It is provisional until it
 * serves a read: a translation by the slow path before that (which may evict the page from the
 * TLB) drops it, so the next read goes to the TLB as it would have. The write translation is
 * always put aside: the first store after a kernel entry goes through {@link PhysicalMemory},
 * which tells the frame's watchers (a hart's decoded code) of the change. A loop of reads that
 * makes system calls, or is preempted, therefore misses after a kernel entry only if the TLB
 * changed meanwhile (a flush or an eviction, of any space); and a loop that never misses lets
 * the JIT compile the slow path out of it (BENCHMARKS.md).
 *
 * <p>The hit path reads four fields (the page, {@code budget}, the owner, the frame) and the
 * frame's length; reads and writes test in methods of their own
 * ({@link #readHit}, {@link #writeHit}), so that the JIT's profile of one direction's misses
 * does not shape the code it compiles for the other.
 *
 * <p>With a memory cache ({@link kola.machine.Machine#cache}; DESIGN.md, "Micro-architecture cost
 * model") the translation cache is not used: every access is translated by the MMU, which
 * accesses the memory cache at its physical address and charges the hit or miss. An access of
 * up to 8 bytes counts as one access, to the line of its first byte; {@link #read} and
 * {@link #write} access every line they touch.
 */
abstract class UserMemory extends Meter implements Memory {
    private static final int PAGE_MASK = PhysicalMemory.PAGE_SIZE - 1;
    /** No thread's id: thread ids are positive. */
    private static final long NO_THREAD = -1;
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    final Tcb tcb;
    final Kernel kernel;
    private final Mmu mmu;
    private final Tlb tlb;
    private final PhysicalMemory phys;
    /** The machine's memory cache, or null: with one, every access is translated (and so accessed) by the MMU. */
    private final Cache cache;
    /** The page the hit path serves reads from: {@link #readPage} while the cache is in use, else -1 (no page). */
    private long readVpn = -1;
    /**
     * The page of the last read's translation, its frame, and the kernel's trap count when it was
     * made or taken over at a resume.
     */
    private long readPage = -1;
    private byte[] readFrame;
    private long readEpoch = -1;
    /** The TLB's {@link Tlb#generation()} and {@link PhysicalMemory#droppedFrames()} when it was made. */
    private long readGeneration;
    private long readDropped;
    /** The read translation was taken over by {@link #resumed} and has served no read since. */
    private boolean readProvisional;
    private long writeVpn = -1;
    private long writePage = -1;
    private byte[] writeFrame;
    private long writeEpoch = -1;
    /**
     * The id ({@link Thread#threadId()}, never reused) of the host thread that ran the kernel loop
     * when the cache was filled (by a slow-path access that passed {@link UserApi#own}), or
     * {@link #NO_THREAD}: a host thread holding this accessor finds the cache empty and is refused
     * on the slow path. Another Kola thread can only run after a kernel entry, which puts the cache
     * aside. (An id, not the {@link Thread}: comparing two longs costs one instruction less than
     * comparing a compressed reference with the current thread.)
     */
    private long cacheOwner = NO_THREAD;

    UserMemory(Tcb tcb, Kernel kernel) {
        super(kernel.clock, true);
        this.tcb = tcb;
        this.kernel = kernel;
        this.mmu = kernel.machine.mmu();
        this.tlb = kernel.machine.tlb();
        this.phys = kernel.machine.memory();
        this.cache = mmu.cache();
    }

    /** Refuses a call that does not run in this thread's own continuation ({@link UserApi#own}). */
    abstract void own();

    /** Enters the kernel with trap {@code trap} ({@link UserApi#trap}). */
    abstract long trap(int trap);

    /**
     * Whether the {@code size}-byte read at {@code va} hits the cache ({@link #readFrame} then
     * holds its page), charged as a TLB hit; if not, take the slow path.
     */
    private boolean readHit(long va, int size) {
        if ((va >>> PhysicalMemory.PAGE_SHIFT) == readVpn && (va & PAGE_MASK) + size <= PhysicalMemory.PAGE_SIZE
                && budget > 0 && Thread.currentThread().threadId() == cacheOwner) {
            budget--;
            return true;
        }
        return revive(va, size, false);
    }

    /** Like {@link #readHit}, for a write ({@link #writeFrame}). */
    private boolean writeHit(long va, int size) {
        if ((va >>> PhysicalMemory.PAGE_SHIFT) == writeVpn && (va & PAGE_MASK) + size <= PhysicalMemory.PAGE_SIZE
                && budget > 0 && Thread.currentThread().threadId() == cacheOwner) {
            budget--;
            return true;
        }
        return revive(va, size, true);
    }

    /**
     * The cache's full check, for an access the hit path refused: if the cache holds the page, the
     * kernel loop has not run since it was filled or taken over (a {@link #settle} put it aside but
     * did not leave this run) and the thread has room left before its preemption point (its own share
     * may be used up: the room is shared out again), takes it back into use and charges the
     * access as {@link #readHit} does.
     */
    private boolean revive(long va, int size, boolean write) {
        if (Thread.currentThread().threadId() != cacheOwner
                || (va & PAGE_MASK) + size > PhysicalMemory.PAGE_SIZE
                || (va >>> PhysicalMemory.PAGE_SHIFT) != (write ? writePage : readPage)
                || (write ? writeEpoch : readEpoch) != kernel.traps
                || room + budget * CostModel.MEMORY_ACCESS <= 0) {
            return false;
        }
        if (budget <= 0) {
            charged();
            arm(clock.cyclesUntil(kernel.cpu.preemptAt)); // the room left, shared out again
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

    /**
     * The kernel loop resumes the thread: the write translation is put aside, the read translation
     * taken back, provisionally, if the TLB still holds its page as it did when it was made (no
     * flush or eviction since, no frame's backing dropped), else put aside too.
     */
    @Override
    void resumed() {
        putAside();
        readProvisional = false;
        if (readPage >= 0 && tlb.generation() == readGeneration && phys.droppedFrames() == readDropped) {
            readVpn = readPage;
            readEpoch = kernel.traps;
            readProvisional = true;
        }
    }

    /** Puts the instructions and cached accesses charged so far on the clock (and the TLB's hit count). */
    private void charged() {
        long hits = putOnClock();
        if (hits != 0) {
            tlb.countHits(hits);
            // Until the first translation after a resume, only the read translation is in the hit path.
            readProvisional = false;
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
        cacheOwner = Thread.currentThread().threadId();
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
            readGeneration = tlb.generation();
            readDropped = phys.droppedFrames();
        }
    }

    /** The physical address of {@code va} for {@code access}, after faults are resolved. */
    private long translate(long va, int access) {
        own(); // before anything is charged or translated
        charged(); // not a kernel entry: the other direction's translation stays in use
        if (readProvisional) {
            // The translation below may evict the page from the TLB, where a first read of it would
            // then miss: the read translation taken over at the resume goes.
            readProvisional = false;
            readVpn = -1;
            readPage = -1;
        }
        while (true) {
            if (clock.now() >= kernel.cpu.preemptAt) {
                trap(Trap.PREEMPT);
            }
            Space space = tcb.space;
            long pa = mmu.translate(space.asid, space.pageTable.rootPfn, va, access);
            if (pa >= 0) {
                // The walk and the access went on the clock: the meter's room starts afresh from there.
                arm(clock.cyclesUntil(kernel.cpu.preemptAt));
                if (va >= 0) {
                    remember(va, pa, access == Tlb.WRITE);
                }
                return pa;
            }
            tcb.a0 = va;
            tcb.a1 = access;
            tcb.a2 = pa;
            trap(Trap.PAGE_FAULT);
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
        return readHit(va, 1) ? readFrame[offset(va)] & 0xFF : phys.load8(translate(va, Tlb.READ));
    }

    @Override
    public int load16(long va) {
        if (readHit(va, 2)) {
            return (short) I16.get(readFrame, offset(va)) & 0xFFFF;
        }
        if (crosses(va, 2)) {
            return load8(va) | load8(va + 1) << 8;
        }
        return phys.load16(translate(va, Tlb.READ));
    }

    @Override
    public long load32(long va) {
        if (readHit(va, 4)) {
            return (int) I32.get(readFrame, offset(va)) & 0xFFFF_FFFFL;
        }
        if (crosses(va, 4)) {
            return load16(va) | (long) load16(va + 2) << 16;
        }
        return phys.load32(translate(va, Tlb.READ));
    }

    @Override
    public long load64(long va) {
        if (readHit(va, 8)) {
            return (long) I64.get(readFrame, offset(va));
        }
        if (crosses(va, 8)) {
            return load32(va) | load32(va + 4) << 32;
        }
        return phys.load64(translate(va, Tlb.READ));
    }

    @Override
    public void store8(long va, long value) {
        if (writeHit(va, 1)) {
            writeFrame[offset(va)] = (byte) value;
            return;
        }
        phys.store8(translate(va, Tlb.WRITE), value);
    }

    @Override
    public void store16(long va, long value) {
        if (writeHit(va, 2)) {
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
        if (writeHit(va, 4)) {
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
        if (writeHit(va, 8)) {
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
                clock.advance(mmu.accessRest(pa, chunk, mmu.lastUncached())); // the translation accessed the first line
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
                clock.advance(mmu.accessRest(pa, chunk, mmu.lastUncached()));
            }
            phys.write(pa, src, off, chunk);
            va += chunk;
            off += chunk;
            len -= chunk;
        }
    }
}
