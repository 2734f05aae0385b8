package kola.kernel;

import kola.abi.Comm;

/** A space's object space: its capabilities, by slot (0 is never used). */
final class ObjectSpace {
    /** Bytes of kernel memory an object space's slot table is charged at. */
    static final long BYTES = 8L * Comm.SLOTS;
    final CapNode[] slots = new CapNode[Comm.SLOTS];
    int used;
}
