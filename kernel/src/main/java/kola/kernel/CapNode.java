package kola.kernel;

/**
 * A capability: one slot of one object space, referring to a kernel object (a gate or a notification) with some rights, derived
 * from its parent capability as a mapping node derives from its parent (one derivation
 * mechanism, two kinds of object). Children hold at most their parent's rights; unmapping a
 * capability revokes its whole subtree.
 */
final class CapNode extends Derived<CapNode> implements Charged {
    /** Bytes of kernel memory a capability slot is charged at. */
    static final long BYTES = 48;
    Space space;
    int slot;
    final KObject object;
    int rights;
    /** Where the kernel memory of this capability lives. */
    KernelFrame frame;

    CapNode(Space space, int slot, KObject object, int rights) {
        this.space = space;
        this.slot = slot;
        this.object = object;
        this.rights = rights;
    }

    @Override
    public KernelObject kind() {
        return KernelObject.CAPABILITY;
    }

    @Override
    public KernelFrame frame() {
        return frame;
    }
}
