package kola.abi;

/**
 * KmemControl (a Kola extension of X.2; paper section 4.2): a space's kernel-memory quota and
 * what it holds. {@code kmemControl(space, quota)} sets the quota of the space of thread
 * {@code space} to {@code quota} bytes ({@link #UNLIMITED}: none; {@link #UNCHANGED}: only read)
 * and returns 1 with ret(0) = the bytes of kernel memory charged to that space and to every space
 * it created, transitively, and ret(1) = its quota; 0 on failure with ErrorCode set. Only the
 * space's creator or a privileged task may call it; any task may read its own space's figures.
 * A quota below what the space holds is refused. The quota binds under the {@code quota}
 * kernel-memory model; under the central pool it is recorded and shown, not enforced.
 */
public final class Kmem {
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
