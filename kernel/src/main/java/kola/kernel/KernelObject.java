package kola.kernel;

import kola.abi.Kmem;

/** The kinds of kernel object the kernel-memory model allocates (DESIGN.md, "Kernel memory"), each with the bytes one is charged at. */
enum KernelObject {
    /** A thread control block. */
    TCB(Tcb.BYTES, Kmem.TCB),
    /** An address-space descriptor. */
    SPACE(Space.BYTES, Kmem.SPACE),
    /** A page-table frame (Sv39 node). */
    PAGE_TABLE(kola.machine.PhysicalMemory.PAGE_SIZE, Kmem.PAGE_TABLE),
    /** A mapping-database node. */
    MAPPING_NODE(MapNode.BYTES, Kmem.MAPPING_NODE),
    /** An IPC gate. */
    GATE(Gate.BYTES, Kmem.GATE),
    /** A capability (an object-space slot in use). */
    CAPABILITY(CapNode.BYTES, Kmem.CAPABILITY),
    /** An object space's slot table. */
    OBJECT_SPACE(ObjectSpace.BYTES, Kmem.OBJECT_SPACE),
    /** An asynchronous notification. */
    NOTIFICATION(Notification.BYTES, Kmem.NOTIFICATION),
    /** A saved reply capability. */
    REPLY(ReplyObject.BYTES, Kmem.REPLY),
    /** A scheduling context (SchedControl CREATE), charged to its creator; never made of retyped pages. */
    SCHED_CONTEXT(SchedContext.BYTES, 0),
    /** An IPC endpoint. */
    ENDPOINT(Endpoint.BYTES, Kmem.ENDPOINT);

    /** What one object of this kind is charged at. */
    final long bytes;
    /** Its code in KmemControl RETYPE ({@link Kmem}), or 0 if pages cannot be retyped into it. */
    final int retypeCode;

    KernelObject(long bytes, int retypeCode) {
        this.bytes = bytes;
        this.retypeCode = retypeCode;
    }

    /** The kind KmemControl RETYPE names by {@code code}, or null if none. */
    static KernelObject retypable(long code) {
        for (KernelObject k : values()) {
            if (k.retypeCode != 0 && k.retypeCode == code) {
                return k;
            }
        }
        return null;
    }
}
