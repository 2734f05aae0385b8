package kola.machine;

/**
 * The Sv39 page-table format of the RISC-V privileged architecture (The RISC-V Instruction Set
 * Manual, Volume II: Privileged Architecture, section "Sv39: Page-Based 39-bit Virtual-Memory
 * System").
 *
 * <p>A virtual address has 39 significant bits: three 9-bit virtual page numbers (level 2 at the top)
 * and a 12-bit page offset; bits 63..39 must equal bit 38. A page table is one 4 KiB frame of 512
 * eight-byte entries. An entry holds a 44-bit physical page number at bit {@value #PPN_SHIFT} and the
 * flags {@code V R W X U G A D} in bits 0..7; bits 8..9 are free for software, bits 54..60 and 63
 * are reserved (must be zero). An entry with {@code V} set and none of {@code R W X} points to the
 * next level; one with {@code R} or {@code X} is a leaf, at level 2 a 1 GiB page, at level 1 a 2 MiB
 * page, at level 0 a 4 KiB page. {@code W} without {@code R} is reserved.
 *
 * <p>The machine implements the Svpbmt extension (privileged specification, "Svpbmt"): bits 61..62
 * of a leaf are its page-based memory type ({@link #PBMT_PMA} 0, the physical memory attributes
 * alone; {@link #PBMT_NC} 1, non-cacheable, idempotent, weakly ordered; {@link #PBMT_IO} 2,
 * non-cacheable, non-idempotent, strongly ordered); the value 3 is reserved. In a non-leaf entry
 * the two bits are reserved and must be zero. An entry with a reserved encoding is not valid: the
 * walk that reads it raises a page fault.
 */
public final class Sv39 {

    /** Valid. */
    public static final int V = 1;
    /** Readable. */
    public static final int R = 2;
    /** Writable. */
    public static final int W = 4;
    /** Executable. */
    public static final int X = 8;
    /** Accessible in user mode. */
    public static final int U = 16;
    /** Global: present in every address space. */
    public static final int G = 32;
    /** Accessed: set by the {@link Mmu}'s walk on any access through the entry (hardware-managed). */
    public static final int A = 64;
    /** Dirty: set by the {@link Mmu}'s walk on a write through the entry (hardware-managed). */
    public static final int D = 128;

    /** Svpbmt: bit position of a leaf's page-based memory type (bits 61..62). */
    public static final int PBMT_SHIFT = 61;
    /** Svpbmt: the memory type field of an entry. */
    public static final long PBMT_MASK = 3L << PBMT_SHIFT;
    /** Svpbmt memory type 0: none; the physical memory attributes of the page hold (RAM: cacheable). */
    public static final int PBMT_PMA = 0;
    /** Svpbmt memory type 1: non-cacheable, idempotent, weakly ordered (main memory). */
    public static final int PBMT_NC = 1;
    /** Svpbmt memory type 2: non-cacheable, non-idempotent, strongly ordered (I/O). */
    public static final int PBMT_IO = 2;
    /** Svpbmt memory type 3: reserved for future standard use. */
    public static final int PBMT_RESERVED = 3;

    /** Bit position of the physical page number in an entry. */
    public static final int PPN_SHIFT = 10;
    /** Number of page-table levels. */
    public static final int LEVELS = 3;
    /** Significant bits of a virtual address. */
    public static final int VA_BITS = 39;
    /** Bits of virtual page number translated per level. */
    public static final int VPN_BITS = 9;
    /** Entries in one page-table frame. */
    public static final int ENTRIES = 1 << VPN_BITS;
    /** Size of an entry in bytes. */
    public static final int PTE_SIZE = 8;
    /** Width of the physical page number field. */
    public static final int PPN_BITS = 44;

    private static final long PPN_MASK = (1L << PPN_BITS) - 1;
    private static final long VPN_MASK = ENTRIES - 1;
    private static final long PAGE_NUMBER_MASK = (1L << (VA_BITS - PhysicalMemory.PAGE_SHIFT)) - 1;
    private static final int CANONICAL_SHIFT = Long.SIZE - VA_BITS;
    /** Bits 54..60 and 63: reserved in every entry (61..62 are Svpbmt's). */
    private static final long RESERVED_MASK = ~((1L << (PPN_SHIFT + PPN_BITS)) - 1) & ~PBMT_MASK;
    private static final int FLAG_MASK = 0xFF;

    private Sv39() {
    }

    /** Builds an entry for physical page {@code pfn} with flags {@code flags} (the low 10 bits). */
    public static long pte(long pfn, int flags) {
        return ((pfn & PPN_MASK) << PPN_SHIFT) | (flags & ((1 << PPN_SHIFT) - 1));
    }

    /** Returns the physical page number held in an entry. */
    public static long pfn(long pte) {
        return (pte >>> PPN_SHIFT) & PPN_MASK;
    }

    /** Returns the flag bits {@code V R W X U G A D} of an entry. */
    public static int flags(long pte) {
        return (int) pte & FLAG_MASK;
    }

    /** Returns the 9-bit index into the level-{@code level} table for {@code va} (level 2 is the root). */
    public static int vpn(long va, int level) {
        return (int) ((va >>> pageShift(level)) & VPN_MASK);
    }

    /** Returns log2 of the size of a page mapped by a leaf at {@code level}: 12, 21 or 30. */
    public static int pageShift(int level) {
        return PhysicalMemory.PAGE_SHIFT + VPN_BITS * level;
    }

    /** Returns the 27-bit virtual page number of {@code va} (bits 38..12), the key of the {@link Tlb}. */
    public static long pageNumber(long va) {
        return (va >>> PhysicalMemory.PAGE_SHIFT) & PAGE_NUMBER_MASK;
    }

    /** Tells whether bits 63..39 of {@code va} all equal bit 38. */
    public static boolean isCanonical(long va) {
        return (va << CANONICAL_SHIFT) >> CANONICAL_SHIFT == va;
    }

    /** Returns the Svpbmt memory type of an entry (bits 61..62): {@link #PBMT_PMA}, {@link #PBMT_NC}, {@link #PBMT_IO} or 3. */
    public static int pbmt(long pte) {
        return (int) ((pte & PBMT_MASK) >>> PBMT_SHIFT);
    }

    /** Returns {@code pte} with its Svpbmt memory type set to {@code type} (0..3). */
    public static long withPbmt(long pte, int type) {
        return pte & ~PBMT_MASK | ((long) type << PBMT_SHIFT) & PBMT_MASK;
    }

    /**
     * Tells whether an entry is valid: {@code V} set, no reserved encoding ({@code W} without
     * {@code R}; Svpbmt: memory type 3, or any memory type in a non-leaf) and reserved bits zero.
     */
    public static boolean isValid(long pte) {
        if ((pte & V) == 0 || (pte & (R | W)) == W || (pte & RESERVED_MASK) != 0) {
            return false;
        }
        int type = pbmt(pte);
        return type == PBMT_PMA || type != PBMT_RESERVED && (pte & (R | X)) != 0;
    }

    /** Tells whether an entry is a valid leaf, one with {@code R} or {@code X} set. */
    public static boolean isLeaf(long pte) {
        return isValid(pte) && (pte & (R | X)) != 0;
    }
}
