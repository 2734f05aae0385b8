package kola.kernel;

/**
 * Kernel memory model {@code quota}: hierarchical quotas, as Fiasco's (paper section 4.2), on
 * top of the central pool. Every space has a quota (unlimited until its creator, or a privileged
 * task, sets one with KmemControl) that bounds the kernel memory charged to it and to every space
 * it created, transitively. A charge must fit the quota of the owner and of each space above it,
 * and the pool; otherwise it is refused and nothing changes. A thread's control block is charged
 * to the space it lives in (not to whoever made it), so a task server that makes threads for
 * others spends their quota, not its own: the hog of the paper's denial of service runs into its
 * own limit, and the victim's threads still fit.
 */
final class Quotas implements KernelMemory {
    private final CentralPool pool;

    Quotas(CentralPool pool) {
        this.pool = pool;
    }

    /** Whether {@code bytes} more fit the quotas of {@code owner} and every space above it. */
    static boolean fits(Space owner, long bytes) {
        for (Space s = owner; s != null; s = s.owner) {
            if (s.quota >= 0 && s.subtreeBytes + bytes > s.quota) {
                return false;
            }
        }
        return true;
    }

    @Override
    public KernelFrame charge(Space owner, KernelObject kind, long bytes) {
        if (!fits(owner, bytes)) {
            pool.refuse();
            return null;
        }
        return pool.charge(owner, kind, bytes);
    }

    @Override
    public void release(KernelFrame where, Space owner, KernelObject kind, long bytes, Object o) {
        pool.release(where, owner, kind, bytes, o);
    }

    @Override
    public long allocateFrame(Space owner) {
        if (!fits(owner, kola.machine.PhysicalMemory.PAGE_SIZE)) {
            pool.refuse();
            return -1;
        }
        return pool.allocateFrame(owner);
    }

    @Override
    public void freeFrame(Space owner, long pfn) {
        pool.freeFrame(owner, pfn);
    }

    @Override
    public Space payer(Space creator, Space target) {
        return target;
    }

    @Override
    public long used() {
        return pool.used();
    }

    @Override
    public long capacity() {
        return pool.capacity();
    }

    @Override
    public long kernelOwned() {
        return pool.kernelOwned();
    }

    @Override
    public long refusals() {
        return pool.refusals();
    }

    @Override
    public String name() {
        return "quota";
    }
}
