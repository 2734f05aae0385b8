package kola.abi;

/**
 * The control word of SpaceControl (L4 X.2 leaves its bits to the implementation).
 *
 * <p>Kola has one bit, {@link #PRIVILEGED}. A privileged caller sets it, with the KIP and UTCB
 * areas, on a space none of whose threads is active yet: that space's threads may then make the
 * privileged system calls (ThreadControl, SpaceControl, the privileged Schedule and control
 * calls), as the root task's and sigma0's threads do. This is how a root task delegates its
 * authority to a program it starts, for example an X.2 program in C that creates its own threads
 * and spaces ({@code kola exec --privileged}). SpaceControl returns the space's old control word.
 */
public final class SpaceControl {
    /** The space's threads are privileged. */
    public static final long PRIVILEGED = 1L;

    private SpaceControl() {
    }
}
