package kola.kernel;

import kola.machine.PhysicalMemory;

/**
 * Kernel memory model 1: the central fixed pool of classic L4 (paper section 4.2). A region of
 * physical memory is reserved at boot; every kernel object of every task comes out of it, first
 * come, first served. One task can exhaust it for all others: the denial of service the paper
 * describes, which Kola reports as {@code OUT_OF_MEMORY} to whoever asks next.
 *
 * <p>Page-table frames are real frames of the region; other objects are Java objects whose size
 * is charged against the same budget. Each owner's share is kept on its {@link Space}.
 */
final class CentralPool implements KernelMemory {
    private final PhysicalMemory memory;
    private final long firstFrame;
    private final long frames;
    private final long capacity;
    private long used;
    private long kernelOwned;
    private long refusals;
    private long nextFrame;
    private long[] freeFrames = new long[64];
    private int freeCount;

    /** A pool of the frames {@code [firstFrame, firstFrame + frames)}. */
    CentralPool(PhysicalMemory memory, long firstFrame, long frames) {
        this.memory = memory;
        this.firstFrame = firstFrame;
        this.frames = frames;
        this.capacity = frames * PhysicalMemory.PAGE_SIZE;
        this.nextFrame = firstFrame;
    }

    @Override
    public KernelFrame charge(Space owner, KernelObject kind, long bytes) {
        if (used + bytes > capacity) {
            refusals++;
            return null;
        }
        used += bytes;
        account(owner, kind, bytes);
        return KernelFrame.POOL;
    }

    @Override
    public void release(KernelFrame where, Space owner, KernelObject kind, long bytes, Object o) {
        used -= bytes;
        account(owner, kind, -bytes);
    }

    /** Books {@code bytes} (negative: returned) to {@code owner}, or to the kernel itself. */
    private void account(Space owner, KernelObject kind, long bytes) {
        if (owner == null) {
            kernelOwned += bytes;
        } else {
            book(owner, kind, bytes);
        }
    }

    /** Books {@code bytes} (negative: returned) of a {@code kind} object to {@code owner} and every space above it. */
    static void book(Space owner, KernelObject kind, long bytes) {
        owner.kernelBytes[kind.ordinal()] += bytes;
        for (Space s = owner; s != null; s = s.owner) {
            s.subtreeBytes += bytes; // what each space holds with the spaces below it (the quota model's measure)
        }
    }

    @Override
    public long refusals() {
        return refusals;
    }

    /** Counts a request another model refused on top of the pool. */
    void refuse() {
        refusals++;
    }

    @Override
    public String name() {
        return "central pool";
    }

    @Override
    public long allocateFrame(Space owner) {
        long pfn;
        if (freeCount > 0) {
            pfn = freeFrames[--freeCount];
        } else if (nextFrame < firstFrame + frames) {
            pfn = nextFrame;
        } else {
            refusals++;
            return -1;
        }
        if (charge(owner, KernelObject.PAGE_TABLE, PhysicalMemory.PAGE_SIZE) == null) {
            if (pfn != nextFrame) {
                freeCount++;
            }
            return -1;
        }
        if (pfn == nextFrame) {
            nextFrame++;
        }
        memory.zeroFrame(pfn);
        return pfn;
    }

    @Override
    public void freeFrame(Space owner, long pfn) {
        assert pfn >= firstFrame && pfn < firstFrame + frames : "frame " + pfn + " is not from the pool";
        memory.zeroFrame(pfn);
        if (freeCount == freeFrames.length) {
            freeFrames = java.util.Arrays.copyOf(freeFrames, freeCount * 2);
        }
        freeFrames[freeCount++] = pfn;
        release(KernelFrame.POOL, owner, KernelObject.PAGE_TABLE, PhysicalMemory.PAGE_SIZE, null);
    }

    @Override
    public long used() {
        return used;
    }

    @Override
    public long capacity() {
        return capacity;
    }

    @Override
    public long kernelOwned() {
        return kernelOwned;
    }
}
