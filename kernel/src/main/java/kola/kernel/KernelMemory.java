package kola.kernel;

/**
 * The kernel-memory seam (DESIGN.md, "Kernel memory"; paper section 4.2): every kernel object is
 * allocated through it, charged to an owner, and may be refused. A refusal is an error code for
 * the system call that needed the object ({@code OUT_OF_MEMORY}), never a kernel crash.
 *
 * <p>Owners are address spaces; {@code null} is the kernel itself (boot-time objects).
 */
interface KernelMemory {

    /**
     * Charges {@code bytes} of a kernel object of {@code kind} to {@code owner}: the frame the
     * object lives in ({@link KernelFrame#POOL} for the central pool), null if the model refuses.
     * The caller lists the object in the frame ({@link KernelFrame#hold}) once it is made.
     */
    KernelFrame charge(Space owner, KernelObject kind, long bytes);

    /** Returns what {@link #charge} took; {@code o} is the object, or null if it was never made. */
    void release(KernelFrame where, Space owner, KernelObject kind, long bytes, Object o);

    /** Releases {@code o}, charged to {@code owner}: its kind, bytes and frame as its header has them. */
    default void release(Space owner, Charged o) {
        release(o.frame(), owner, o.kind(), o.bytes(), o);
    }

    /** Allocates a zeroed physical frame for a page-table node of {@code owner}; -1 if refused. */
    long allocateFrame(Space owner);

    /** Allocates a zeroed physical frame for a RISC-V thread's UTCB page in {@code owner}; -1 if refused. */
    default long allocateUtcbFrame(Space owner) {
        return allocateFrame(owner);
    }

    /** Frees a frame {@link #allocateFrame} returned. */
    void freeFrame(Space owner, long pfn);

    /** Bytes handed out now. */
    long used();

    /** Bytes the model can hand out in all. */
    long capacity();

    /** Bytes handed out to the kernel itself (owner null). */
    long kernelOwned();

    /** Requests the model refused so far (a charge or a frame): each one some system call's or fault's out-of-memory. */
    long refusals();

    /**
     * Who pays for an object that {@code creator} makes for {@code target} (a thread in
     * target's space): the creator (the pool: whoever asks pays) unless the model says otherwise.
     */
    default Space payer(Space creator, Space target) {
        return creator;
    }

    /** The model's name, as the kernel debugger and {@code --kmem} show it. */
    String name();
}
