package kola.abi;

/**
 * KmemControl (a Kola extension of X.2; paper section 4.2): kernel memory, per the model the
 * kernel runs ({@link Kip#kmemModel()}). {@code kmemControl(op, a, b, c)} returns 1 on success,
 * 0 on failure with ErrorCode set; a refused call changes nothing.
 *
 * <ul>
 * <li>{@link #QUOTA}{@code (space, quota)} (also {@code kmemControl(space, quota)}): sets the
 * quota of the space of thread {@code space} to {@code quota} bytes ({@link #UNLIMITED}: none;
 * {@link #UNCHANGED}: only read); ret(0) = the bytes of kernel memory charged to that space and
 * to every space it created, transitively, ret(1) = its quota. Only the space's creator or a
 * privileged task may call it; any task may read its own space's figures. A quota below what
 * the space holds is refused. The quota binds under the {@code quota} model; under the others it
 * is recorded and shown, not enforced.</li>
 * <li>{@link #RETYPE}{@code (fpage, kind, account)} (model {@code precise}): every page of
 * {@code fpage}, which the caller must hold writable and unshared (not mapped on, and not mapped
 * by its pagers to anyone else: kernel memory is taken from every space that maps it), becomes kernel
 * memory for objects of {@code kind} ({@link #TCB}...{@link #REPLY}) of the space of thread
 * {@code account}: the caller's own, one it created, or any if it is privileged. No space can
 * touch the pages any more. Whoever removes the caller's mapping of a page (its pager by unmap,
 * the caller by flushing it, the caller's death) destroys exactly the objects made from it; the
 * page then comes back, zeroed. ret(0) = the pages retyped.</li>
 * <li>{@link #LEND}{@code (fpage, account)} (models {@code lend}, {@code kpager}): as RETYPE, for
 * objects of any kind, but the pages stay with the kernel until the account's space is gone and
 * nothing lives in them; unmapping them does not take them back. Under lend any task may lend
 * for any account (a pinned page can only help it, as a pager lends for its client); under
 * kpager the account's kpager may lend for it too.</li>
 * <li>{@link #KPAGER}{@code (space, kpager)} (model {@code kpager}): the space's kpager (nil:
 * none). When a space with a kpager runs short, the thread whose operation needed the memory
 * sends the kpager a kernel-memory fault ({@link KernelLabels#KMEM_FAULT}, MR1 a thread of the
 * account) and redoes the operation when the kpager replies (having lent pages); a reply with a
 * kernel label refuses (the operation fails out of memory). The creator or a privileged task
 * sets it.</li>
 * <li>{@link #EVICT}{@code (fpage)} (model {@code kpager}): the kpager takes back pages it lent:
 * page-table nodes are dropped (the kernel rebuilds them from the mapping database on the next
 * fault), mappings and capabilities derived from another are exported into the page,
 * authenticated with a key the kernel made at boot; a page holding anything else (a thread, a
 * space, a slot table, an object itself) is refused. ret(0) the pages, ret(1) what was exported.</li>
 * <li>{@link #RESTORE}{@code (fpage)} (model {@code kpager}): the kpager gives such pages back:
 * each must hold an export the kernel made and not yet took back (else the call is refused); the
 * page becomes the account's kernel memory again and each exported mapping or capability whose
 * parent is still there unchanged is made again. ret(1) what was restored.</li>
 * </ul>
 *
 * <p>Under {@code precise} and {@code lend}, a space's objects come from its own pages once it has
 * any (precise: of the object's kind); a space without them draws on its creator's, up to the
 * kernel's boot pool.
 */
public final class Kmem {
    /** The kernel-memory model in the KIP ({@link Kip#kmemModel()}): the central pool. */
    public static final int MODEL_POOL = 0;
    /** Hierarchical quotas. */
    public static final int MODEL_QUOTA = 1;
    /** Lend-to-kernel. */
    public static final int MODEL_LEND = 2;
    /** Kernel-memory faults to a user-level kpager. */
    public static final int MODEL_KPAGER = 3;
    /** Precise: retyped, revocable kernel memory. */
    public static final int MODEL_PRECISE = 4;

    /** Operation: set or read a quota. */
    public static final int QUOTA = 0;
    /** Operation: retype held pages into kernel objects of one kind (precise). */
    public static final int RETYPE = 1;
    /** Operation: lend held pages to the kernel (lend; kpager: the account's kpager supplies pages). */
    public static final int LEND = 2;
    /** Operation: set a space's kpager (kpager). */
    public static final int KPAGER = 3;
    /** Operation: a kpager takes pages it lent back; what they held is rebuilt or exported (kpager). */
    public static final int EVICT = 4;
    /** Operation: a kpager gives evicted pages back with what was exported in them (kpager). */
    public static final int RESTORE = 5;
    /** ret(i) of EVICT and RESTORE: the mappings and capabilities exported or restored. */
    public static final int OUT_MAPPINGS = 1;

    /** Kinds of kernel object (RETYPE): thread control blocks. */
    public static final int TCB = 1;
    /** Address-space descriptors. */
    public static final int SPACE = 2;
    /** Page-table nodes (a page each). */
    public static final int PAGE_TABLE = 3;
    /** Mapping-database nodes. */
    public static final int MAPPING_NODE = 4;
    /** IPC gates (capabilities model). */
    public static final int GATE = 5;
    /** Capabilities. */
    public static final int CAPABILITY = 6;
    /** Object spaces (a page each). */
    public static final int OBJECT_SPACE = 7;
    /** Notifications. */
    public static final int NOTIFICATION = 8;
    /** Saved reply capabilities. */
    public static final int REPLY = 9;
    /** IPC endpoints ({@link Comm#ENDPOINT}). */
    public static final int ENDPOINT = 10;
    /** The largest fpage RETYPE and LEND take: 1 MiB. */
    public static final int MAX_SIZE_LOG2 = 20;
    /** ret(i) of RETYPE and LEND: the pages given. */
    public static final int OUT_PAGES = 0;

    /** No quota. */
    public static final long UNLIMITED = -1;
    /** Leave the quota as it is: only read the figures. */
    public static final long UNCHANGED = -2;
    /** ret(i) of KmemControl: the bytes held. */
    public static final int OUT_HELD = 0;
    /** ret(i) of KmemControl: the quota. */
    public static final int OUT_QUOTA = 1;

    private Kmem() {
    }
}
