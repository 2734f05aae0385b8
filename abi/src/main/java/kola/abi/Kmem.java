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
 * {@code fpage}, which the caller must hold writable and must not have mapped on, becomes kernel
 * memory for objects of {@code kind} ({@link #TCB}...{@link #REPLY}) of the space of thread
 * {@code account}: the caller's own, one it created, or any if it is privileged. No space can
 * touch the pages any more. Whoever removes the caller's mapping of a page (its pager by unmap,
 * the caller by flushing it, the caller's death) destroys exactly the objects made from it; the
 * page then comes back, zeroed. ret(0) = the pages retyped.</li>
 * <li>{@link #LEND}{@code (fpage, account)} (model {@code lend}): as RETYPE, for objects of any
 * kind, but the pages stay with the kernel until the account's space is gone and nothing lives
 * in them; unmapping them does not take them back.</li>
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
    /** Precise: retyped, revocable kernel memory. */
    public static final int MODEL_PRECISE = 3;

    /** Operation: set or read a quota. */
    public static final int QUOTA = 0;
    /** Operation: retype held pages into kernel objects of one kind (precise). */
    public static final int RETYPE = 1;
    /** Operation: lend held pages to the kernel (lend). */
    public static final int LEND = 2;

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
