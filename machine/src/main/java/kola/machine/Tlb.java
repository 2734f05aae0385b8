package kola.machine;

import java.util.Arrays;

/**
 * A software translation lookaside buffer: a cache of virtual-page to physical-frame translations,
 * each tagged with the id of its address space (asid), so that switching spaces needs no flush.
 *
 * <p>Four-way set-associative (direct-mapped when it has fewer than four entries); the set is
 * chosen by a hash of asid and virtual page number, and a full set evicts round-robin, so the
 * contents are deterministic. Each entry holds the access rights of its page in the L4 encoding
 * {@link #READ} / {@link #WRITE} / {@link #EXECUTE}, plus {@link #USER} when the page is
 * user-accessible. A lookup hits only if the entry grants every requested bit.
 *
 * <p>Invalidation is exact: unmap removes precisely the entries of the pages it unmapped
 * ({@link #flush}, {@link #flushRange}); {@link #flushAsid} drops one space. Lookup, fill and flush
 * allocate nothing. Not thread-safe: confined to the kernel loop's host thread.
 */
public final class Tlb {

    /** Read access or right (L4 {@code r}). */
    public static final int READ = 4;
    /** Write access or right (L4 {@code w}). */
    public static final int WRITE = 2;
    /** Execute access or right (L4 {@code x}). */
    public static final int EXECUTE = 1;
    /** Not an L4 right: the page is reachable from user mode (Sv39 {@code U}); user-mode lookups request it. */
    public static final int USER = 8;
    /**
     * Not an L4 right: the page is not cacheable (its leaf's Svpbmt memory type is NC or IO), so
     * an access to it bypasses the memory cache ({@link Mmu}). Lookups never request it.
     */
    public static final int UNCACHED = 16;

    /** Number of entries of {@link #Tlb()}. */
    public static final int DEFAULT_ENTRIES = 256;
    /** Associativity. */
    public static final int WAYS = 4;

    private static final int INVALID = -1;
    private static final long HASH_MULTIPLIER = 0x9E37_79B9_7F4A_7C15L;

    private final int ways;
    private final int setMask;
    private final int[] asids;
    private final long[] vpns;
    private final long[] pfns;
    private final int[] rights;
    private final int[] nextVictim;
    private long hits;
    private long misses;
    private long flushes;
    private long generation;
    /** The rights of the entry the last hit found ({@link #lastHitRights}). */
    private int lastRights;

    /** Creates a TLB of {@value #DEFAULT_ENTRIES} entries. */
    public Tlb() {
        this(DEFAULT_ENTRIES);
    }

    /**
     * Creates an empty TLB of {@code entries} entries.
     *
     * @throws IllegalArgumentException unless {@code entries} is a positive power of two
     */
    public Tlb(int entries) {
        if (entries <= 0 || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("TLB entries must be a positive power of two, got " + entries);
        }
        this.ways = Math.min(WAYS, entries);
        this.setMask = entries / ways - 1;
        this.asids = new int[entries];
        this.vpns = new long[entries];
        this.pfns = new long[entries];
        this.rights = new int[entries];
        this.nextVictim = new int[entries / ways];
        Arrays.fill(asids, INVALID);
    }

    /** Returns the number of entries. */
    public int entries() {
        return asids.length;
    }

    /**
     * Looks up the translation of virtual page {@code vpn} in address space {@code asid}.
     *
     * @param access the rights the access needs ({@link #READ}, {@link #WRITE}, {@link #EXECUTE}, {@link #USER})
     * @return the physical frame number, or -1 on a miss or if the entry lacks a requested right
     */
    public long lookup(int asid, long vpn, int access) {
        int slot = find(checkAsid(asid), vpn);
        if (slot >= 0 && (rights[slot] & access) == access) {
            hits++;
            lastRights = rights[slot];
            return pfns[slot];
        }
        misses++;
        return -1;
    }

    /** The rights of the entry the last successful {@link #lookup} found, {@link #UNCACHED} included. */
    public int lastHitRights() {
        return lastRights;
    }

    /** Caches the translation {@code vpn -> pfn} of address space {@code asid} with {@code rights}, replacing any entry for the same page. */
    public void fill(int asid, long vpn, long pfn, int rights) {
        int slot = find(checkAsid(asid), vpn);
        if (slot < 0) {
            slot = victim(asid, vpn);
        }
        asids[slot] = asid;
        vpns[slot] = vpn;
        pfns[slot] = pfn;
        this.rights[slot] = rights;
    }

    /**
     * A counter bumped by every flush and every eviction: a translation cached in front of the
     * TLB (the kernel's per-thread accessor cache) is valid while it is unchanged.
     */
    public long generation() {
        return generation;
    }

    /** Counts {@code n} hits that a translation cache in front of the TLB served. */
    public void countHits(long n) {
        hits += n;
    }

    /** Removes the entry for page {@code vpn} of address space {@code asid}, if present. */
    public void flush(int asid, long vpn) {
        flushes++;
        generation++;
        remove(checkAsid(asid), vpn);
    }

    /** Removes the entries for pages {@code vpnBase .. vpnBase + pages - 1} of address space {@code asid}. */
    public void flushRange(int asid, long vpnBase, long pages) {
        checkAsid(asid);
        if (pages < 0) {
            throw new IllegalArgumentException("negative page count: " + pages);
        }
        flushes++;
        generation++;
        if (pages < asids.length / ways) {
            for (long i = 0; i < pages; i++) {
                remove(asid, vpnBase + i);
            }
            return;
        }
        for (int slot = 0; slot < asids.length; slot++) {
            if (asids[slot] == asid && Long.compareUnsigned(vpns[slot] - vpnBase, pages) < 0) {
                asids[slot] = INVALID;
            }
        }
    }

    /** Removes every entry of address space {@code asid}. */
    public void flushAsid(int asid) {
        checkAsid(asid);
        flushes++;
        generation++;
        for (int slot = 0; slot < asids.length; slot++) {
            if (asids[slot] == asid) {
                asids[slot] = INVALID;
            }
        }
    }

    /**
     * Removes every entry, of every address space: what a partition switch does so that one
     * partition's translations neither speed up nor slow down another's (paper section 3.1). The
     * TLB's capacity is otherwise shared: all spaces' entries compete for the same sets.
     *
     * @return its cost, {@link CostModel#TLB_FLUSH}, for the caller to charge; the refills
     *         afterwards cost the walks they are
     */
    public long flushAll() {
        flushes++;
        generation++;
        Arrays.fill(asids, INVALID);
        return CostModel.TLB_FLUSH;
    }

    /** Returns the number of valid entries, of all address spaces. */
    public int validEntries() {
        int n = 0;
        for (int asid : asids) {
            if (asid != INVALID) {
                n++;
            }
        }
        return n;
    }

    /** Sets the hit, miss and flush counters to zero; the entries stay. */
    public void resetCounters() {
        hits = 0;
        misses = 0;
        flushes = 0;
    }

    /** Returns the number of lookups that found a usable entry. */
    public long hits() {
        return hits;
    }

    /** Returns the number of lookups that did not. */
    public long misses() {
        return misses;
    }

    /** Returns the number of flush operations (calls of any {@code flush} method), whatever they removed. */
    public long flushes() {
        return flushes;
    }

    /** Receives the valid entries of a TLB, for checks and inspection. */
    @FunctionalInterface
    public interface EntryVisitor {
        /** One valid entry: page {@code vpn} of {@code asid} → frame {@code pfn} with {@code rights}. */
        void entry(int asid, long vpn, long pfn, int rights);
    }

    /** Calls {@code visitor} for every valid entry, in slot order. */
    public void forEach(EntryVisitor visitor) {
        for (int slot = 0; slot < asids.length; slot++) {
            if (asids[slot] != INVALID) {
                visitor.entry(asids[slot], vpns[slot], pfns[slot], rights[slot]);
            }
        }
    }

    private int set(int asid, long vpn) {
        long h = (vpn ^ ((long) asid << 32)) * HASH_MULTIPLIER;
        return (int) (h >>> 32) & setMask;
    }

    private int find(int asid, long vpn) {
        int first = set(asid, vpn) * ways;
        for (int slot = first; slot < first + ways; slot++) {
            if (asids[slot] == asid && vpns[slot] == vpn) {
                return slot;
            }
        }
        return -1;
    }

    private void remove(int asid, long vpn) {
        int slot = find(asid, vpn);
        if (slot >= 0) {
            asids[slot] = INVALID;
        }
    }

    private int victim(int asid, long vpn) {
        int set = set(asid, vpn);
        int first = set * ways;
        for (int slot = first; slot < first + ways; slot++) {
            if (asids[slot] == INVALID) {
                return slot;
            }
        }
        generation++; // an eviction
        int way = nextVictim[set];
        nextVictim[set] = (way + 1) % ways;
        return first + way;
    }

    private static int checkAsid(int asid) {
        if (asid < 0) {
            throw new IllegalArgumentException("address-space id must be non-negative, got " + asid);
        }
        return asid;
    }

    @Override
    public String toString() {
        return "Tlb[" + asids.length + " entries, " + hits + " hits, " + misses + " misses, " + flushes + " flushes]";
    }
}
