package kola.machine;

import java.util.Arrays;

/**
 * The machine's memory cache (DESIGN.md, "Micro-architecture cost model"): one level,
 * physically indexed and physically tagged, set-associative with least-recently-used
 * replacement, shared by instructions and data and by every address space. It holds no data,
 * only which lines are present: its job is the cost of an access, a hit or a miss to memory.
 *
 * <p>A line is {@code lineBytes} bytes; the set of a physical address is bits
 * {@code log2(lineBytes)} up of it, modulo {@code sets}. Since the index is physical, the pages
 * of one <em>colour</em> ({@link #colourOf}) share sets and no page of another colour does: giving
 * two partitions frames of disjoint colours partitions the cache between them (page colouring;
 * paper section 3.1, temporal partitioning), with no cache control at all.
 *
 * <p>{@link #flush} empties the cache and returns what that costs, so a counter-measure that
 * flushes at a partition switch pays in simulated time. Everything is deterministic: the same
 * accesses give the same hits, misses and evictions. Access and flush allocate nothing. Not
 * thread-safe: confined to the kernel loop's host thread.
 */
public final class Cache {

    /** Most lines a cache may have (sets times ways): 2^20, a 64 MiB cache of 64-byte lines. */
    public static final int MAX_LINES = 1 << 20;
    /** Largest line: one page, so that a line never spans two frames. */
    public static final int MAX_LINE_BYTES = PhysicalMemory.PAGE_SIZE;
    /** Smallest line: one 8-byte word, so that an aligned access never spans two lines. */
    public static final int MIN_LINE_BYTES = 8;

    private static final long INVALID = -1;

    private final int sets;
    private final int ways;
    private final int lineBytes;
    private final int lineShift;
    private final int colours;
    /** The line address ({@code paddr >>> lineShift}) held by each way, set by set, or {@link #INVALID}. */
    private final long[] tags;
    /** When each way was last used, in {@link #useClock} ticks (from 1), 0 if it is empty: the least is the victim. */
    private final long[] lastUse;
    private long useClock;
    private int validLines;
    private long hits;
    private long misses;
    private long evictions;
    private long flushes;

    /**
     * The shape of a cache: {@code sets} sets of {@code ways} lines of {@code lineBytes} bytes.
     *
     * @throws IllegalArgumentException naming the bad value, unless all three are powers of two,
     *         the line is {@value #MIN_LINE_BYTES} to {@value #MAX_LINE_BYTES} bytes and there are
     *         at most {@value #MAX_LINES} lines
     */
    public record Geometry(int sets, int ways, int lineBytes) {

        public Geometry {
            requirePowerOfTwo("sets", sets);
            requirePowerOfTwo("ways", ways);
            requirePowerOfTwo("line bytes", lineBytes);
            if (lineBytes < MIN_LINE_BYTES || lineBytes > MAX_LINE_BYTES) {
                throw new IllegalArgumentException("cache line bytes must be " + MIN_LINE_BYTES + " to " + MAX_LINE_BYTES
                        + ", got " + lineBytes);
            }
            if ((long) sets * ways > MAX_LINES) {
                throw new IllegalArgumentException("cache of " + sets + " sets x " + ways + " ways has more than "
                        + MAX_LINES + " lines");
            }
        }

        /**
         * Parses {@code SETSxWAYSxLINE}, e.g. {@code 256x4x64} (256 sets, 4 ways, 64-byte lines: 64 KiB).
         *
         * @throws IllegalArgumentException with a one-line message if it is not three numbers making a cache
         */
        public static Geometry parse(String text) {
            String[] parts = text.split("x", -1);
            if (parts.length != 3) {
                throw new IllegalArgumentException("cache geometry '" + text + "': expected SETSxWAYSxLINE, e.g. 256x4x64");
            }
            int[] n = new int[3];
            for (int i = 0; i < 3; i++) {
                try {
                    n[i] = Integer.parseInt(parts[i]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("cache geometry '" + text + "': '" + parts[i]
                            + "' is not a number (expected SETSxWAYSxLINE, e.g. 256x4x64)");
                }
            }
            try {
                return new Geometry(n[0], n[1], n[2]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cache geometry '" + text + "': " + e.getMessage());
            }
        }

        /** Returns {@code SETSxWAYSxLINE}, as {@link #parse} reads it. */
        @Override
        public String toString() {
            return sets + "x" + ways + "x" + lineBytes;
        }
    }

    /**
     * Creates an empty cache of {@code sets} sets of {@code ways} lines of {@code lineBytes} bytes.
     *
     * @throws IllegalArgumentException naming the bad value, as {@link Geometry} does
     */
    public Cache(int sets, int ways, int lineBytes) {
        this(new Geometry(sets, ways, lineBytes));
    }

    /** Creates an empty cache of {@code geometry}. */
    public Cache(Geometry geometry) {
        this.sets = geometry.sets();
        this.ways = geometry.ways();
        this.lineBytes = geometry.lineBytes();
        this.lineShift = Integer.numberOfTrailingZeros(lineBytes);
        this.colours = (int) Math.max(1, (long) sets * lineBytes / PhysicalMemory.PAGE_SIZE);
        this.tags = new long[sets * ways];
        this.lastUse = new long[sets * ways];
        Arrays.fill(tags, INVALID);
    }

    private static void requirePowerOfTwo(String what, int value) {
        if (value <= 0 || Integer.bitCount(value) != 1) {
            throw new IllegalArgumentException("cache " + what + " must be a positive power of two, got " + value);
        }
    }

    /**
     * One access to physical address {@code paddr}: a hit makes its line the most recently used;
     * a miss fills the line, evicting the set's least recently used one if the set is full.
     *
     * @return its cost: {@link CostModel#CACHE_HIT} or {@link CostModel#CACHE_MISS}
     */
    public long access(long paddr) {
        long line = paddr >>> lineShift;
        int first = ((int) line & (sets - 1)) * ways;
        int end = first + ways;
        long now = ++useClock;
        int victim = first;
        for (int slot = first; slot < end; slot++) {
            long tag = tags[slot];
            if (tag == line) {
                lastUse[slot] = now;
                hits++;
                return CostModel.CACHE_HIT;
            }
            if (lastUse[slot] < lastUse[victim]) {
                victim = slot; // an empty way's last use is 0: it goes before any valid one
            }
        }
        misses++;
        if (tags[victim] == INVALID) {
            validLines++;
        } else {
            evictions++;
        }
        tags[victim] = line;
        lastUse[victim] = now;
        return CostModel.CACHE_MISS;
    }

    /**
     * Accesses every line that {@code [paddr, paddr + length)} overlaps except the first, which
     * the access's translation charged ({@link Mmu}): the rest of a copy or a block transfer.
     *
     * @return their cost, 0 if the range lies in one line or {@code length <= 0}
     */
    public long accessRest(long paddr, long length) {
        if (length <= 0) {
            return 0;
        }
        long cost = 0;
        long last = (paddr + length - 1) >>> lineShift;
        for (long line = (paddr >>> lineShift) + 1; line <= last; line++) {
            cost += access(line << lineShift);
        }
        return cost;
    }

    /**
     * Invalidates every line (a write-back and invalidate of the whole cache, as a partition
     * switch would do to keep one partition's lines from timing another's).
     *
     * @return its cost: {@link CostModel#CACHE_FLUSH} plus {@link CostModel#CACHE_FLUSH_LINE} per valid line
     */
    public long flush() {
        long cost = CostModel.CACHE_FLUSH + CostModel.CACHE_FLUSH_LINE * validLines;
        Arrays.fill(tags, INVALID);
        Arrays.fill(lastUse, 0);
        validLines = 0;
        flushes++;
        return cost;
    }

    /** Returns whether the line of {@code paddr} is present; does not count as an access or change the LRU order. */
    public boolean holds(long paddr) {
        long line = paddr >>> lineShift;
        int first = ((int) line & (sets - 1)) * ways;
        for (int slot = first; slot < first + ways; slot++) {
            if (tags[slot] == line) {
                return true;
            }
        }
        return false;
    }

    /** Returns the number of page colours: pages of different colours never share a set; at least 1. */
    public int colours() {
        return colours;
    }

    /** Returns the colour of frame {@code pfn} in this cache: {@code pfn mod colours()}. */
    public int colourOf(long pfn) {
        return colourOf(pfn, colours);
    }

    /**
     * Returns the colour of frame {@code pfn} in a cache of {@code colours} colours (a power of
     * two, as {@link #colours()} is): its frame number modulo {@code colours}.
     */
    public static int colourOf(long pfn, int colours) {
        return (int) (pfn & (colours - 1));
    }

    /** Returns the set that physical address {@code paddr} maps to. */
    public int setOf(long paddr) {
        return (int) (paddr >>> lineShift) & (sets - 1);
    }

    /** Returns the number of sets. */
    public int sets() {
        return sets;
    }

    /** Returns the associativity. */
    public int ways() {
        return ways;
    }

    /** Returns the line size in bytes. */
    public int lineBytes() {
        return lineBytes;
    }

    /** Returns the capacity in bytes. */
    public long bytes() {
        return (long) sets * ways * lineBytes;
    }

    /** Returns the number of lines present. */
    public int validLines() {
        return validLines;
    }

    /** Returns the number of accesses that hit since the counters were last reset. */
    public long hits() {
        return hits;
    }

    /** Returns the number of accesses that missed since the counters were last reset. */
    public long misses() {
        return misses;
    }

    /** Returns the number of misses that evicted a valid line since the counters were last reset. */
    public long evictions() {
        return evictions;
    }

    /** Returns the number of flushes since the counters were last reset. */
    public long flushes() {
        return flushes;
    }

    /** Sets the hit, miss, eviction and flush counters to zero; the contents stay. */
    public void resetCounters() {
        hits = 0;
        misses = 0;
        evictions = 0;
        flushes = 0;
    }

    /** Returns the geometry. */
    public Geometry geometry() {
        return new Geometry(sets, ways, lineBytes);
    }

    @Override
    public String toString() {
        return "Cache[" + geometry() + ", " + validLines + " valid lines, " + hits + " hits, " + misses + " misses]";
    }
}
