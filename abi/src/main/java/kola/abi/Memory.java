package kola.abi;

/**
 * The memory accessor: a user program's loads and stores at virtual addresses of its own address
 * space. Every access translates through the TLB and the Sv39 page table (DESIGN.md, "Memory").
 * Multi-byte values are little-endian.
 *
 * <p>An access without a mapping, or without the needed right, is a page fault. The kernel
 * blocks the thread and reports the fault to the thread's pager (label -2, L4 X.2 "Page Faults");
 * when the fault cannot be resolved the thread is halted and the event reported. An access
 * outside the user address space is a fault too. Accesses are the points where a running thread
 * can be preempted.
 */
public interface Memory {
    /** Loads an unsigned byte. */
    int load8(long va);

    /** Loads an unsigned 16-bit value. */
    int load16(long va);

    /** Loads an unsigned 32-bit value. */
    long load32(long va);

    /** Loads a 64-bit value. */
    long load64(long va);

    /** Stores the low byte of {@code value}. */
    void store8(long va, long value);

    /** Stores the low 16 bits of {@code value}. */
    void store16(long va, long value);

    /** Stores the low 32 bits of {@code value}. */
    void store32(long va, long value);

    /** Stores a 64-bit value. */
    void store64(long va, long value);

    /** Copies {@code len} bytes at {@code va} into {@code dst[off..]}. */
    void read(long va, byte[] dst, int off, int len);

    /** Copies {@code src[off..off+len)} to {@code va}. */
    void write(long va, byte[] src, int off, int len);
}
