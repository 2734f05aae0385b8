package kola.kernel;

import kola.abi.Comm;

/** A space's object space: its capabilities, by slot (0 is never used). */
final class ObjectSpace implements Charged {
    /** Bytes of kernel memory an object space's slot table is charged at: a 32-bit entry per slot, one page. */
    static final long BYTES = 4L * Comm.SLOTS;
    final CapNode[] slots = new CapNode[Comm.SLOTS];
    int used;
    /** The space whose object space this is. */
    final Space space;
    /** Where the kernel memory of the slot table lives. */
    KernelFrame frame;

    ObjectSpace(Space space) {
        this.space = space;
    }

    @Override
    public KernelObject kind() {
        return KernelObject.OBJECT_SPACE;
    }

    @Override
    public KernelFrame frame() {
        return frame;
    }
}
