package kola.kernel;

/** The kinds of kernel object the kernel-memory model allocates (DESIGN.md, "Kernel memory"). */
enum KernelObject {
    /** A thread control block. */
    TCB,
    /** An address-space descriptor. */
    SPACE,
    /** A page-table frame (Sv39 node). */
    PAGE_TABLE,
    /** A mapping-database node. */
    MAPPING_NODE,
    /** An IPC gate. */
    GATE,
    /** A capability (an object-space slot in use). */
    CAPABILITY,
    /** An object space's slot table. */
    OBJECT_SPACE,
    /** An asynchronous notification. */
    NOTIFICATION,
    /** A saved reply capability. */
    REPLY,
    /** A scheduling context (SchedControl CREATE), charged to its creator. */
    SCHED_CONTEXT
}
