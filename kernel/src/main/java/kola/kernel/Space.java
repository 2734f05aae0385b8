package kola.kernel;

import kola.abi.Fpage;
import kola.abi.Program;

/**
 * An address space (paper section 2; L4 X.2 "Address Spaces"): its Sv39 page table, its ASID for
 * the TLB, its KIP and UTCB areas, the program instance that is its code, and the threads in it.
 * A space exists while it holds threads; it is named by any of them (the space specifier).
 */
final class Space implements Charged {
    /** Bytes of kernel memory an address-space descriptor is charged at (its page-table root is charged apart). */
    static final long BYTES = 256;
    final int asid;
    /** A name for people: the module it runs, once it runs one. */
    String name;
    PageTable pageTable;
    /** The KIP area and UTCB area (fpages), nil until SpaceControl sets them. */
    long kipArea = Fpage.NIL;
    long utcbArea = Fpage.NIL;
    /** The kernel's frames that hold the UTCBs of RISC-V threads, by page number in the UTCB area. */
    final java.util.Map<Long, Long> utcbPages = new java.util.HashMap<>();
    /** Sigma0's and the root task's spaces may use the privileged system calls. */
    boolean privileged;
    /** May use the whole kernel debugger (every space's threads and mappings, the trace); others see their own space. */
    boolean debugger;
    /** The boot module whose program runs here (-1: none yet), and its instance. */
    int module = -1;
    Program program;
    /** The loader of the module's classes when they are given as class files (one per space), else null. */
    ClassLoader loader;
    int threads;
    /** Threads that have been activated (given a UTCB); the areas are fixed once one is. */
    int activeThreads;
    boolean dead;
    /** Kernel memory charged to this space, by {@link KernelObject} ordinal. */
    final long[] kernelBytes = new long[KernelObject.values().length];
    /** The space charged for this descriptor and its page-table root. */
    Space owner;
    /** Where the kernel memory of this descriptor lives. */
    KernelFrame frame;
    /** The kernel frames given for this space's account (precise, lend), newest first. */
    KernelFrame frames;
    /** The most kernel memory this space and the spaces below it may hold (-1: no limit; enforced by the quota model), and what they hold. */
    long quota = -1;
    long subtreeBytes;

    // Communication control (see kola.abi.Comm): the clans chief (its space, null: none) and the
    // thread that acts as chief for the clans this space heads; the pclan; the X.2 redirector
    // (nil: none); the object space (null until first used).
    Space chief;
    long chiefThread;
    int pclan;
    long redirector;
    /** The thread kernel-memory faults of this account go to (kpager model; nil: none). */
    long kpager = kola.abi.ThreadId.NIL;
    ObjectSpace objects;

    /** The mapping node of each mapped page, by virtual page number. */
    final PageIndex pages = new PageIndex();
    /** The activated threads, by local id (their UTCB locations in the UTCB area). */
    private final LocalIds localIds = new LocalIds();

    Space(int asid, String name) {
        this.asid = asid;
        this.name = name;
    }

    /**
     * Whether {@code location} is a free, aligned UTCB slot inside the UTCB area. Address 0 is
     * refused: it would make the thread's local id the nil thread.
     */
    boolean utcbAvailable(long location) {
        long size = 1L << Kernel.UTCB_SIZE_LOG2;
        return !Fpage.isNil(utcbArea) && location != 0 && (location & (size - 1)) == 0
                && Fpage.contains(utcbArea, location) && localIds.get(location) == null;
    }

    /** Thread {@code t} takes the UTCB at {@code location}: its local id from now on. */
    void useUtcb(long location, Tcb t) {
        localIds.put(location, t);
    }

    void releaseUtcb(long location) {
        localIds.remove(location);
    }

    /** The thread of this space whose local id is {@code id}, or null (also for nil and anylocalthread, which name none). */
    Tcb localThread(long id) {
        return localIds.get(id);
    }

    /** How many threads have a local id here (the activated ones). */
    int localIdCount() {
        return localIds.size();
    }

    /** Whether the leaf {@code va -> pfn} is one the kernel maps itself: the KIP or a RISC-V thread's UTCB page. */
    boolean isKernelPage(long va, long pfn, long kipFrame) {
        Long utcb = utcbPages.get(va >>> 12);
        return !Fpage.isNil(kipArea) && va == Fpage.base(kipArea) && pfn == kipFrame || utcb != null && utcb == pfn;
    }

    /** Whether {@code va} lies in the KIP or UTCB area, where nothing can be mapped. */
    boolean isKernelArea(long va) {
        return !Fpage.isNil(kipArea) && Fpage.contains(kipArea, va)
                || !Fpage.isNil(utcbArea) && Fpage.contains(utcbArea, va);
    }

    long kernelBytesTotal() {
        long sum = 0;
        for (long b : kernelBytes) {
            sum += b;
        }
        return sum;
    }

    @Override
    public String toString() {
        return name + "#" + asid;
    }

    @Override
    public KernelObject kind() {
        return KernelObject.SPACE;
    }

    @Override
    public KernelFrame frame() {
        return frame;
    }
}
