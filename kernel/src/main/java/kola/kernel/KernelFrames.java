package kola.kernel;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import kola.machine.PhysicalMemory;

/**
 * Kernel memory models {@code precise} and {@code lend} (paper section 4.2; DESIGN.md,
 * "Kernel-memory models"): kernel objects are carved out of user memory that a task turned over
 * to the kernel for an account (KmemControl RETYPE or LEND). Both rest on one mechanism, the
 * {@link KernelFrame}:
 *
 * <ul>
 * <li>An account's objects come from its own frames once it has any (precise: frames of the
 * object's kind); an account without them draws on the frames of the space that created it, and
 * so on up to the kernel's boot memory, the central pool. A task funded with frames is thereby
 * on its own: when they are full its requests are refused, and nobody else's memory is touched.</li>
 * <li>While the kernel has a frame no page-table entry maps it, whatever mappings of it the
 * mapping database holds (the mapping database leaves them without entries).</li>
 * <li>{@code precise}: the frame stays in the mapping database through the mapping the task held
 * it by. Whoever removes that mapping (the task's pager by unmap, the task itself by flushing
 * it, or the task's death) revokes the frame: at the end of that kernel entry the kernel
 * destroys exactly the objects listed in the frame, then hands the frame back, zeroed, to
 * whatever mappings of it remain.</li>
 * <li>{@code lend}: the frame is pinned. Losing the lender's mapping does not take it from the
 * kernel; it goes back when its account is gone and nothing lives in it any more. An account
 * therefore keeps its peak, not its current, kernel memory (the paper's objection).</li>
 * </ul>
 */
final class KernelFrames implements KernelMemory {
    private final Kernel k;
    private final CentralPool pool;
    private final boolean precise;
    /** Every frame the kernel was given, by frame number. */
    private final Map<Long, KernelFrame> byPfn = new HashMap<>();
    /** Frames whose holder's mapping went in this kernel entry: their objects are destroyed at its end. */
    private final ArrayDeque<KernelFrame> dying = new ArrayDeque<>();
    /** Bytes of objects living in frames. */
    private long frameBytes;
    /** Objects destroyed by revocation so far. */
    private long destroyed;

    KernelFrames(Kernel k, CentralPool pool, boolean precise) {
        this.k = k;
        this.pool = pool;
        this.precise = precise;
    }

    boolean precise() {
        return precise;
    }

    /** The kernel frame {@code pfn} is, or null; cheap when the kernel has none. */
    KernelFrame frame(long pfn) {
        return byPfn.isEmpty() ? null : byPfn.get(pfn);
    }

    int frameCount() {
        return byPfn.size();
    }

    Iterable<KernelFrame> frames() {
        return byPfn.values();
    }

    long destroyed() {
        return destroyed;
    }

    /** Whether {@code f} can hold an object of {@code kind}. */
    private boolean serves(KernelFrame f, KernelObject kind) {
        return f.kind == kind || f.kind == null;
    }

    /** The account whose frames pay for {@code owner}'s objects of {@code kind}: owner or the nearest creator with such frames; null: the pool. */
    private Space payingAccount(Space owner, KernelObject kind) {
        for (Space a = owner; a != null; a = a.owner) {
            for (KernelFrame f = a.frames; f != null; f = f.next) {
                if (serves(f, kind)) {
                    return a;
                }
            }
        }
        return null;
    }

    @Override
    public KernelFrame charge(Space owner, KernelObject kind, long bytes) {
        Space a = payingAccount(owner, kind);
        if (a == null) {
            return pool.charge(owner, kind, bytes);
        }
        for (KernelFrame f = a.frames; f != null; f = f.next) {
            if (serves(f, kind) && !f.dying && f.table == null && f.used + bytes <= PhysicalMemory.PAGE_SIZE) {
                f.used += bytes;
                frameBytes += bytes;
                CentralPool.book(owner, kind, bytes);
                return f;
            }
        }
        pool.refuse();
        return null;
    }

    @Override
    public void release(KernelFrame where, Space owner, KernelObject kind, long bytes, Object o) {
        if (where == KernelFrame.POOL) {
            pool.release(where, owner, kind, bytes, o);
            return;
        }
        if (o != null && !where.drop(o)) {
            throw new IllegalStateException(o + " is not in " + where);
        }
        where.used -= bytes;
        frameBytes -= bytes;
        CentralPool.book(owner, kind, -bytes);
        returnIfDone(where);
    }

    @Override
    public long allocateFrame(Space owner) {
        Space a = payingAccount(owner, KernelObject.PAGE_TABLE);
        if (a == null) {
            return pool.allocateFrame(owner);
        }
        for (KernelFrame f = a.frames; f != null; f = f.next) {
            if (serves(f, KernelObject.PAGE_TABLE) && !f.dying && f.used == 0 && f.empty()) {
                f.table = owner;
                f.used = PhysicalMemory.PAGE_SIZE;
                frameBytes += PhysicalMemory.PAGE_SIZE;
                CentralPool.book(owner, KernelObject.PAGE_TABLE, PhysicalMemory.PAGE_SIZE);
                k.machine.memory().zeroFrame(f.pfn);
                return f.pfn;
            }
        }
        pool.refuse();
        return -1;
    }

    @Override
    public long allocateUtcbFrame(Space owner) {
        return pool.allocateFrame(owner); // user-visible memory: never a frame a task gave for objects
    }

    @Override
    public void freeFrame(Space owner, long pfn) {
        KernelFrame f = frame(pfn);
        if (f == null) {
            pool.freeFrame(owner, pfn);
            return;
        }
        k.machine.memory().zeroFrame(pfn);
        f.table = null;
        f.used = 0;
        frameBytes -= PhysicalMemory.PAGE_SIZE;
        CentralPool.book(owner, KernelObject.PAGE_TABLE, -PhysicalMemory.PAGE_SIZE);
        returnIfDone(f);
    }

    /**
     * Takes frame {@code n.pfn}, held by {@code n}, for {@code account}'s objects of {@code kind}
     * (null: any, lend). The caller checked that it may; the frame is zeroed and unmapped from
     * every space.
     */
    void give(MapNode n, Space account, KernelObject kind) {
        KernelFrame f = new KernelFrame(n.pfn, account, kind, precise);
        f.node = n;
        f.next = account.frames;
        account.frames = f;
        byPfn.put(n.pfn, f);
        k.mdb.hide(n.pfn);
        k.machine.memory().zeroFrame(n.pfn);
    }

    /** The mapping {@code n} went from the database: if a frame was held by it, it is lost (precise: revoked). */
    void mappingRemoved(MapNode n) {
        KernelFrame f = frame(n.pfn);
        if (f == null || f.node != n) {
            return;
        }
        f.node = null;
        if (f.revocable && !f.dying) {
            f.dying = true;
            dying.add(f);
        }
    }

    /** Whether revoked frames wait for their objects to be destroyed. */
    boolean revocationsPending() {
        return !dying.isEmpty();
    }

    /**
     * Destroys the objects of every revoked frame, then hands the frame back: called at the end
     * of a kernel entry, when no walk of the mapping database or of a capability tree is under
     * way. A destruction may revoke further frames (a thread's space held some); they are done
     * in the same loop, so the depth of such a chain costs no stack.
     */
    void destroyRevoked() {
        KernelFrame f;
        while ((f = dying.poll()) != null) {
            if (f.table != null) {
                k.destroyPageTableFrame(f.table, f.pfn);
                destroyed++;
            }
            while (f.count > 0) {
                Object o = f.objects[f.count - 1];
                k.destroyKernelObject(o);
                destroyed++;
                if (f.count > 0 && f.objects[f.count - 1] == o) {
                    throw new IllegalStateException("destroying " + o + " left it in " + f);
                }
            }
            f.dying = false;
            returnIfDone(f);
        }
    }

    /** The account {@code s} died: its empty frames go back now, the others once their objects die. */
    void accountDied(Space s) {
        KernelFrame f = s.frames;
        while (f != null) {
            KernelFrame next = f.next;
            returnIfDone(f);
            f = next;
        }
    }

    /** Hands {@code f} back to the spaces that map it if it is empty and no longer wanted (revoked, or its account gone). */
    private void returnIfDone(KernelFrame f) {
        if (!f.empty() || f.dying || !(f.account.dead || f.revocable && f.node == null)) {
            return;
        }
        byPfn.remove(f.pfn);
        Space a = f.account;
        if (a.frames == f) {
            a.frames = f.next;
        } else {
            for (KernelFrame p = a.frames; p != null; p = p.next) {
                if (p.next == f) {
                    p.next = f.next;
                    break;
                }
            }
        }
        f.next = null;
        k.machine.memory().zeroFrame(f.pfn);
        k.mdb.reveal(f.pfn);
    }

    @Override
    public long used() {
        return pool.used() + frameBytes;
    }

    @Override
    public long capacity() {
        return pool.capacity() + (long) byPfn.size() * PhysicalMemory.PAGE_SIZE;
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
    public Space payer(Space creator, Space target) {
        return target; // a thread's control block is the account's of the space it lives in
    }

    @Override
    public String name() {
        return precise ? "precise" : "lend";
    }
}
