package kola.machine;

import java.util.Objects;

/**
 * The memory-management unit: translates a virtual address of an address space to a physical
 * address through the {@link Tlb} and, on a miss, by walking the space's Sv39 page table in
 * {@link PhysicalMemory} (RISC-V privileged specification, section "Sv39", virtual address
 * translation process).
 *
 * <p>The walk follows the specification: it starts at the root frame, reads one entry per level,
 * stops at the first leaf (a 1 GiB, 2 MiB or 4 KiB page), faults on an invalid entry, a reserved
 * encoding, a pointer at level 0 or a misaligned superpage, and checks the access against the
 * leaf's {@code R W X} bits and, for user-mode accesses, the {@code U} bit. A successful walk caches
 * the 4 KiB page that contains the address, so a superpage takes one TLB entry per 4 KiB page
 * touched; the kernel's exact flush covers every such page.
 *
 * <p>The {@code A} and {@code D} bits are managed in hardware, as the specification permits: a
 * successful walk sets the leaf's {@code A}, and its {@code D} for a write, writing the entry back
 * if either was clear; a failed walk changes nothing. The TLB entry it fills grants
 * {@link Tlb#WRITE} only if {@code D} is set, so the first write to a page read so far misses
 * the TLB and walks again to set {@code D}. Every cached translation (in the TLB and in the
 * caches in front of it) was thus made from an entry whose {@code A} is set, with {@code D} set
 * too if it allows writing. Software that clears {@code A} or {@code D} in an entry (the kernel,
 * to report and reset a page's status) flushes the page's TLB entry, and the next access walks
 * and sets them again. Kola's machine is one hart, so the write-back needs no atomic update.
 * Bits 8 and 9 (for software) are never touched.
 *
 * <p>Costs ({@link CostModel}): a TLB hit charges {@link CostModel#MEMORY_ACCESS}; a walk charges
 * {@link CostModel#PAGE_WALK_LEVEL} per entry read, plus {@link CostModel#MEMORY_ACCESS} if it
 * succeeds, plus one more {@link CostModel#MEMORY_ACCESS} (a store) if it writes {@code A} or
 * {@code D} back. A hit charges nothing for them. With a {@link Cache} (DESIGN.md, "Micro-architecture cost model"), a successful
 * translation is followed by the access it was made for: the cache is accessed at the physical
 * address and charges a hit or a miss instead of {@link CostModel#MEMORY_ACCESS} (device
 * registers are uncached: they still charge {@link CostModel#MEMORY_ACCESS}). The walk's own
 * reads of the page table do not go through the cache: they cost {@link CostModel#PAGE_WALK_LEVEL}
 * each, cached or not, so the TLB's timing and the cache's are separate channels.
 *
 * <p>Svpbmt ({@link Sv39#pbmt}): a leaf's memory type NC or IO makes its page non-cacheable. With a
 * cache, an access to such a page does not touch the cache (no line is looked up, filled or made
 * recent) and costs {@link CostModel#UNCACHED_ACCESS}, the trip to memory a miss makes; it is
 * counted in {@link #uncachedAccesses}. Without a cache there is nothing to bypass and the memory
 * type costs nothing. A non-leaf entry with a memory type, or a leaf with the reserved type 3, is
 * a reserved encoding: the walk faults ({@link #FAULT_NOT_MAPPED}).
 * Translation allocates nothing.
 */
public final class Mmu {

    /** No valid leaf maps the address (also a misaligned superpage or a malformed entry). */
    public static final long FAULT_NOT_MAPPED = -1;
    /** A leaf maps the address but lacks the requested right, or a user-mode access hit a page without {@code U}. */
    public static final long FAULT_PROTECTION = -2;
    /** The address is not canonical: bits 63..39 differ from bit 38. */
    public static final long FAULT_NONCANONICAL = -3;

    private static final long OFFSET_MASK = PhysicalMemory.PAGE_SIZE - 1;

    private final PhysicalMemory memory;
    private final Tlb tlb;
    private final CycleClock clock;
    private final Cache cache;
    private long walks;
    private long uncachedAccesses;
    /** Whether the last successful translation was of a non-cacheable page. */
    private boolean lastUncached;

    /** Creates an MMU over {@code memory} that caches in {@code tlb} and charges {@code clock}, without a memory cache. */
    public Mmu(PhysicalMemory memory, Tlb tlb, CycleClock clock) {
        this(memory, tlb, clock, null);
    }

    /**
     * Creates an MMU over {@code memory} that caches translations in {@code tlb}, charges
     * {@code clock}, and charges each translated access through {@code cache} (null: none).
     */
    public Mmu(PhysicalMemory memory, Tlb tlb, CycleClock clock, Cache cache) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.tlb = Objects.requireNonNull(tlb, "tlb");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cache = cache;
    }

    /** Returns the memory cache that translated accesses go through, or null if there is none. */
    public Cache cache() {
        return cache;
    }

    /** Returns the TLB this MMU caches translations in. */
    public Tlb tlb() {
        return tlb;
    }

    /** Returns the physical memory that holds the page tables. */
    public PhysicalMemory memory() {
        return memory;
    }

    /** Returns the number of accesses to non-cacheable pages that bypassed the memory cache (0 without one). */
    public long uncachedAccesses() {
        return uncachedAccesses;
    }

    /**
     * Whether the page of the last successful translation is non-cacheable (Svpbmt NC or IO): a
     * caller that goes on to touch further lines of the access (a copy) charges them with
     * {@link #accessRest}.
     */
    public boolean lastUncached() {
        return lastUncached;
    }

    /**
     * The lines of {@code [pa, pa + length)} after the first, which the translation of
     * {@code pa} charged: through the cache ({@link Cache#accessRest}), or, for a non-cacheable
     * page ({@code uncached}: {@link #lastUncached} after that translation),
     * {@link CostModel#UNCACHED_ACCESS} each. 0 without a cache.
     */
    public long accessRest(long pa, long length, boolean uncached) {
        if (cache == null) {
            return 0;
        }
        if (!uncached) {
            return cache.accessRest(pa, length);
        }
        long lines = length <= 0 ? 0 : ((pa + length - 1) >>> lineShift()) - (pa >>> lineShift());
        uncachedAccesses += lines;
        return lines * CostModel.UNCACHED_ACCESS;
    }

    private int lineShift() {
        return Integer.numberOfTrailingZeros(cache.lineBytes());
    }

    /** Returns the number of page-table walks done (TLB misses that reached the table). */
    public long walks() {
        return walks;
    }

    /**
     * Translates a user-mode access: the page must have the {@code U} bit.
     *
     * @param asid    address-space id, the TLB tag
     * @param rootPfn frame of the space's root (level 2) page table
     * @param va      virtual address
     * @param access  the rights the access needs: {@link Tlb#READ}, {@link Tlb#WRITE}, {@link Tlb#EXECUTE}
     * @return the physical address, or {@link #FAULT_NOT_MAPPED}, {@link #FAULT_PROTECTION} or {@link #FAULT_NONCANONICAL}
     */
    public long translate(int asid, long rootPfn, long va, int access) {
        return translateMode(asid, rootPfn, va, access | Tlb.USER);
    }

    /**
     * Translates a supervisor-mode access: like {@link #translate} but the {@code U} bit is not
     * required (as with {@code sstatus.SUM} set).
     */
    public long translateSupervisor(int asid, long rootPfn, long va, int access) {
        return translateMode(asid, rootPfn, va, access & ~Tlb.USER);
    }

    private long translateMode(int asid, long rootPfn, long va, int need) {
        if (!Sv39.isCanonical(va)) {
            return FAULT_NONCANONICAL;
        }
        long vpn = Sv39.pageNumber(va);
        long pfn = tlb.lookup(asid, vpn, need);
        if (pfn >= 0) {
            long pa = (pfn << PhysicalMemory.PAGE_SHIFT) | (va & OFFSET_MASK);
            lastUncached = (tlb.lastHitRights() & Tlb.UNCACHED) != 0;
            clock.advance(cache == null ? CostModel.MEMORY_ACCESS : cached(pa, lastUncached));
            return pa;
        }
        return walk(asid, rootPfn, va, vpn, need);
    }

    private long walk(int asid, long rootPfn, long va, long vpn, int need) {
        walks++;
        long table = rootPfn;
        for (int level = Sv39.LEVELS - 1; level >= 0; level--) {
            long entry = (table << PhysicalMemory.PAGE_SHIFT) + (long) Sv39.vpn(va, level) * Sv39.PTE_SIZE;
            long pte = memory.load64(entry);
            clock.advance(CostModel.PAGE_WALK_LEVEL);
            if (!Sv39.isValid(pte)) {
                return FAULT_NOT_MAPPED;
            }
            if (Sv39.isLeaf(pte)) {
                return leaf(asid, va, vpn, need, entry, pte, level);
            }
            table = Sv39.pfn(pte);
        }
        return FAULT_NOT_MAPPED;
    }

    /** The walk reached the leaf {@code pte}, read from physical address {@code entry}. */
    private long leaf(int asid, long va, long vpn, int need, long entry, long pte, int level) {
        long pagesInLeaf = (1L << (Sv39.VPN_BITS * level)) - 1;
        long leafPfn = Sv39.pfn(pte);
        if ((leafPfn & pagesInLeaf) != 0) {
            return FAULT_NOT_MAPPED;
        }
        int rights = rights(pte);
        if ((rights & need) != need) {
            return FAULT_PROTECTION;
        }
        long accessed = (need & Tlb.WRITE) != 0 ? Sv39.A | Sv39.D : Sv39.A;
        if ((pte & accessed) != accessed) {
            pte |= accessed;
            memory.store64(entry, pte);
            clock.advance(CostModel.MEMORY_ACCESS);
        }
        if ((pte & Sv39.D) == 0) {
            rights &= ~Tlb.WRITE; // a clean page's translation is not for writing: the first write walks to set D
        }
        long pfn = leafPfn | (vpn & pagesInLeaf);
        tlb.fill(asid, vpn, pfn, rights);
        long pa = (pfn << PhysicalMemory.PAGE_SHIFT) | (va & OFFSET_MASK);
        lastUncached = (rights & Tlb.UNCACHED) != 0;
        clock.advance(cache == null ? CostModel.MEMORY_ACCESS : cached(pa, lastUncached));
        return pa;
    }

    /**
     * The cost of the access at {@code pa} through the cache: device registers and holes are not
     * cached; RAM in a non-cacheable page (Svpbmt) bypasses the cache at the cost of a trip to memory.
     */
    private long cached(long pa, boolean uncached) {
        if (!memory.isRam(pa)) {
            return CostModel.MEMORY_ACCESS;
        }
        if (uncached) {
            uncachedAccesses++;
            return CostModel.UNCACHED_ACCESS;
        }
        return cache.access(pa);
    }

    /** Converts a leaf's Sv39 flags to the TLB's rights: L4 rwx plus {@link Tlb#USER}, and {@link Tlb#UNCACHED} for an NC or IO page. */
    private static int rights(long pte) {
        int rights = 0;
        if ((pte & Sv39.R) != 0) {
            rights |= Tlb.READ;
        }
        if ((pte & Sv39.W) != 0) {
            rights |= Tlb.WRITE;
        }
        if ((pte & Sv39.X) != 0) {
            rights |= Tlb.EXECUTE;
        }
        if ((pte & Sv39.U) != 0) {
            rights |= Tlb.USER;
        }
        if (Sv39.pbmt(pte) != Sv39.PBMT_PMA) {
            rights |= Tlb.UNCACHED;
        }
        return rights;
    }
}
