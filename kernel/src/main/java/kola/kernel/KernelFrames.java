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
 * <li>{@code kpager}: frames are lent as under lend, by the account's kpager when the account
 * runs short: the shortage is noted here ({@link #takeShortage}) and the kernel turns it into a
 * kernel-memory fault of the thread whose operation needed the memory. The kpager can take a
 * frame back ({@link #evict}): page-table nodes are dropped and rebuilt from the mapping
 * database on the next fault; mappings and derived capabilities are exported into the frame,
 * authenticated with a key made at boot (HMAC-SHA256), and made again when the kpager gives the
 * frame back ({@link #restore}) if their parent is there unchanged. Anything else cannot leave
 * the kernel: a frame that holds it is not evicted.</li>
 * </ul>
 */
final class KernelFrames implements KernelMemory {
    private final Kernel k;
    private final CentralPool pool;
    /** The three models this class makes. */
    enum Mode { LEND, KPAGER, PRECISE }

    private final Mode mode;
    private final boolean precise;
    /** Every frame the kernel was given, by frame number. */
    private final Map<Long, KernelFrame> byPfn = new HashMap<>();
    /** Frames whose holder's mapping went in this kernel entry: their objects are destroyed at its end. */
    private final ArrayDeque<KernelFrame> dying = new ArrayDeque<>();
    /** Bytes of objects living in frames. */
    private long frameBytes;
    /** Objects that lived in frames when they were revoked, so far: what revocation destroyed. */
    private long destroyed;

    /** An account with a live kpager that ran short in this kernel entry, or null. */
    private Space shortage;

    KernelFrames(Kernel k, CentralPool pool, Mode mode) {
        this.k = k;
        this.pool = pool;
        this.mode = mode;
        this.precise = mode == Mode.PRECISE;
    }

    Mode mode() {
        return mode;
    }

    /** The account that ran short (and has a kpager) since the last call, or null; forgets it. */
    Space takeShortage() {
        Space s = shortage;
        shortage = null;
        return s;
    }

    private void refuse(Space account) {
        pool.refuse();
        if (mode == Mode.KPAGER && account != null && !account.dead && account.kpager != kola.abi.ThreadId.NIL) {
            shortage = account;
        }
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

    /**
     * The account whose frames pay for {@code owner}'s objects of {@code kind}: owner or the
     * nearest creator with such frames (under kpager: or with a kpager); null: the pool.
     */
    private Space payingAccount(Space owner, KernelObject kind) {
        for (Space a = owner; a != null; a = a.owner) {
            if (mode == Mode.KPAGER && a.kpager != kola.abi.ThreadId.NIL) {
                return a;
            }
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
        refuse(a);
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
        refuse(a);
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
            long objects = f.count + (f.table != null ? 1 : 0);
            destroyed += objects;
            k.clock.advance(objects * kola.machine.CostModel.MAP_PAGE); // (destroying an object costs what removing a mapping does)
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
                k.lifecycle.destroyPageTableFrame(f.table, f.pfn);
            }
            while (f.count > 0) {
                Object o = f.objects[f.count - 1];
                k.lifecycle.destroyKernelObject(o);
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
        release(f);
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
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    // ---- kpager: eviction and restoration ----------------------------------------------------

    /** The first word of an export, "KOLAKMEM". */
    static final long EXPORT_MAGIC = 0x4B4F4C414B4D454DL;
    /** Words of an export's header (magic, id, account, count) and of one exported mapping. */
    private static final int HEADER_WORDS = 4;
    private static final int ENTRY_WORDS = 5;
    private static final int MAC_BYTES = 32;
    /** The key the exports are authenticated with: made at boot, never leaves the kernel. */
    private javax.crypto.spec.SecretKeySpec exportKey;
    /** Exports handed out and not yet restored, by id: a restored or forged one is refused. */
    private final java.util.HashSet<Long> outstanding = new java.util.HashSet<>();
    private long nextExport = 1;

    private javax.crypto.Mac mac() {
        try {
            if (exportKey == null) {
                byte[] key = new byte[32];
                new java.security.SecureRandom().nextBytes(key);
                exportKey = new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256");
            }
            javax.crypto.Mac m = javax.crypto.Mac.getInstance("HmacSHA256");
            m.init(exportKey);
            return m;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e); // every JDK has it
        }
    }

    /** The authentication code of the export's first {@code words} words in frame {@code pfn}. */
    private byte[] tag(long pfn, int words) {
        javax.crypto.Mac m = mac();
        PhysicalMemory phys = k.machine.memory();
        long base = pfn << PhysicalMemory.PAGE_SHIFT;
        byte[] word = new byte[8];
        for (int i = 0; i < words; i++) {
            long w = phys.load64(base + 8L * i);
            for (int b = 0; b < 8; b++) {
                word[b] = (byte) (w >>> (8 * b));
            }
            m.update(word);
        }
        return m.doFinal();
    }

    /** Marks an exported capability (bit 63 of an entry's second word); its absence, a mapping. */
    private static final long CAPABILITY_ENTRY = 1L << 63;

    /**
     * Whether frame {@code f}, lent through {@code n}, can be evicted: a page-table node the kernel
     * can rebuild, or only leaf mappings and leaf derived capabilities (what can be exported and
     * made again from its parent).
     */
    boolean evictable(KernelFrame f, MapNode n) {
        if (mode != Mode.KPAGER || f.node != n || f.dying) {
            return false;
        }
        if (f.table != null) {
            PageTable.Slot at = f.table.pageTable.locate(f.pfn);
            return at != null && !k.lifecycle.coversKernelPages(f.table, at.base(), at.size());
        }
        for (int i = 0; i < f.count; i++) {
            boolean exportable = f.objects[i] instanceof MapNode m ? m.firstChild == null && frame(m.pfn) == null
                    : f.objects[i] instanceof CapNode c && c.firstChild == null && c.parent != null;
            if (!exportable) {
                return false;
            }
        }
        return (long) HEADER_WORDS * 8 + (long) f.count * ENTRY_WORDS * 8 + MAC_BYTES <= PhysicalMemory.PAGE_SIZE;
    }

    /**
     * Takes frame {@code f} from the kernel (the caller checked {@link #evictable}): a page-table
     * node is dropped (its mappings stay in the database, without entries until the next fault
     * rebuilds them); each mapping is exported and removed. The frame goes back to its lender
     * holding the export. Returns the mappings exported.
     */
    int evict(KernelFrame f) {
        if (f.table != null) {
            Space s = f.table;
            PageTable.Slot at = s.pageTable.locate(f.pfn);
            k.mdb.keepStatus(s, at.base() >>> PhysicalMemory.PAGE_SHIFT, at.size() >>> PhysicalMemory.PAGE_SHIFT);
            s.pageTable.detach(at);
            k.machine.tlb().flushAsid(s.asid);
        }
        int count = f.count;
        long[] words = new long[HEADER_WORDS + count * ENTRY_WORDS];
        words[0] = EXPORT_MAGIC;
        words[1] = nextExport++;
        words[2] = f.account.asid;
        words[3] = count;
        for (int i = 0; i < count; i++) {
            int at = HEADER_WORDS + i * ENTRY_WORDS;
            if (f.objects[i] instanceof MapNode m) {
                MapNode parent = m.parent;
                words[at] = (long) m.space.asid << 32 | (parent == null ? 0xFFFF_FFFFL : parent.space.asid);
                words[at + 1] = m.vpn;
                words[at + 2] = m.pfn << 3 | m.rights;
                words[at + 3] = parent == null ? -1 : parent.vpn;
                words[at + 4] = parent == null ? -1 : parent.serial;
            } else {
                CapNode c = (CapNode) f.objects[i];
                words[at] = (long) c.space.asid << 32 | c.parent.space.asid;
                words[at + 1] = CAPABILITY_ENTRY | c.slot;
                words[at + 2] = c.rights;
                words[at + 3] = c.parent.slot;
                words[at + 4] = c.parent.serial;
            }
        }
        while (f.count > 0) {
            Object o = f.objects[f.count - 1];
            if (o instanceof MapNode m) {
                k.mdb.removeSubtree(m);
            } else {
                k.caps.removeSubtree((CapNode) o); // (its object lives on: the parent still names it)
            }
        }
        release(f);
        PhysicalMemory phys = k.machine.memory();
        long base = f.pfn << PhysicalMemory.PAGE_SHIFT;
        phys.zeroFrame(f.pfn);
        for (int i = 0; i < words.length; i++) {
            phys.store64(base + 8L * i, words[i]);
        }
        byte[] code = tag(f.pfn, words.length);
        for (int i = 0; i < MAC_BYTES; i++) {
            phys.store8(base + 8L * words.length + i, code[i]);
        }
        outstanding.add(words[1]);
        k.mdb.reveal(f.pfn);
        return count;
    }

    /** The account an export in frame {@code pfn} names, if it is one the kernel made and has not taken back; else null. */
    Space exportAccount(long pfn) {
        PhysicalMemory phys = k.machine.memory();
        long base = pfn << PhysicalMemory.PAGE_SHIFT;
        long count = phys.load64(base + 24);
        if (phys.load64(base) != EXPORT_MAGIC || count < 0
                || HEADER_WORDS * 8 + count * ENTRY_WORDS * 8 + MAC_BYTES > PhysicalMemory.PAGE_SIZE
                || !outstanding.contains(phys.load64(base + 8))) {
            return null;
        }
        int words = HEADER_WORDS + (int) count * ENTRY_WORDS;
        byte[] code = tag(pfn, words);
        int diff = 0;
        for (int i = 0; i < MAC_BYTES; i++) {
            diff |= code[i] ^ (byte) phys.load8(base + 8L * words + i);
        }
        if (diff != 0) {
            return null;
        }
        return k.lifecycle.spaceByAsid(phys.load64(base + 16));
    }

    /**
     * Takes back frame {@code n.pfn}, which holds a valid export for {@code account} (the caller
     * checked it with {@link #exportAccount}): the frame is the account's kernel memory again,
     * and every exported mapping whose parent still holds the frame unchanged is made again.
     * Returns the mappings restored.
     */
    int restore(MapNode n, Space account) {
        PhysicalMemory phys = k.machine.memory();
        long base = n.pfn << PhysicalMemory.PAGE_SHIFT;
        int count = (int) phys.load64(base + 24);
        long[] words = new long[HEADER_WORDS + count * ENTRY_WORDS];
        for (int i = 0; i < words.length; i++) {
            words[i] = phys.load64(base + 8L * i);
        }
        outstanding.remove(words[1]);
        give(n, account, null);
        int restored = 0;
        for (int i = 0; i < count; i++) {
            int at = HEADER_WORDS + i * ENTRY_WORDS;
            int asid = (int) (words[at] >>> 32);
            int parentAsid = (int) words[at];
            boolean made = (words[at + 1] & CAPABILITY_ENTRY) != 0
                    ? k.caps.restore(k.lifecycle.spaceByAsid(asid), (int) words[at + 1], (int) (words[at + 2] & 7), k.lifecycle.spaceByAsid(parentAsid),
                            (int) words[at + 3], words[at + 4])
                    : k.mdb.restore(asid, words[at + 1], words[at + 2] >>> 3, (int) (words[at + 2] & 7), parentAsid,
                            words[at + 3], words[at + 4]);
            restored += made ? 1 : 0;
        }
        takeShortage(); // a mapping that did not fit is not restored; nobody faults for it
        return restored;
    }

    /** Removes the empty frame {@code f} from the kernel's frames and its account's list. */
    private void release(KernelFrame f) {
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
    }
}
