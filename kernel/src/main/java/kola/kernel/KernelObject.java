package kola.kernel;

/** The kinds of kernel object the kernel-memory model allocates (DESIGN.md, "Kernel memory"), each with the bytes one is charged at. */
enum KernelObject {
    /** A thread control block. */
    TCB(Tcb.BYTES),
    /** An address-space descriptor. */
    SPACE(Space.BYTES),
    /** A page-table frame (Sv39 node). */
    PAGE_TABLE(kola.machine.PhysicalMemory.PAGE_SIZE),
    /** A mapping-database node. */
    MAPPING_NODE(MapNode.BYTES),
    /** An IPC gate. */
    GATE(Gate.BYTES),
    /** A capability (an object-space slot in use). */
    CAPABILITY(CapNode.BYTES),
    /** An object space's slot table. */
    OBJECT_SPACE(ObjectSpace.BYTES),
    /** An asynchronous notification. */
    NOTIFICATION(Notification.BYTES),
    /** A saved reply capability. */
    REPLY(ReplyObject.BYTES),
    /** A scheduling context (SchedControl CREATE), charged to its creator. */
    SCHED_CONTEXT(SchedContext.BYTES);

    /** What one object of this kind is charged at. */
    final long bytes;

    KernelObject(long bytes) {
        this.bytes = bytes;
    }
}
