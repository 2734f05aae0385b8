package kola.machine;

/**
 * The cost model: how many simulated cycles each machine event charges to the {@link CycleClock}.
 *
 * <p>Simulated time advances only by these charges and by skipping idle time to the next event, so
 * the same run always takes the same number of cycles. The numbers are round figures of the right
 * order for a simple in-order core at 1 GHz; all of them live here and nowhere else.
 *
 * <table>
 *   <caption>Cycle charges</caption>
 *   <tr><th>event</th><th>cycles</th></tr>
 *   <tr><td>{@link #TRAP} kernel entry and exit</td><td>100</td></tr>
 *   <tr><td>{@link #MEMORY_ACCESS} load or store hitting the TLB, with the cache off</td><td>1</td></tr>
 *   <tr><td>{@link #PAGE_WALK_LEVEL} one page-table level read on a TLB miss</td><td>20</td></tr>
 *   <tr><td>{@link #TLB_FLUSH} invalidating the whole TLB</td><td>20</td></tr>
 *   <tr><td>{@link #CACHE_HIT} an access hitting the {@link Cache} (cache on: instead of {@link #MEMORY_ACCESS})</td><td>1</td></tr>
 *   <tr><td>{@link #CACHE_MISS} an access missing it: a line from memory</td><td>40</td></tr>
 *   <tr><td>{@link #CACHE_FLUSH} fixed part of flushing the whole cache</td><td>100</td></tr>
 *   <tr><td>{@link #CACHE_FLUSH_LINE} each valid line written back and invalidated by the flush</td><td>4</td></tr>
 *   <tr><td>{@link #COPY_WORD} one 8-byte word copied by the kernel</td><td>1</td></tr>
 *   <tr><td>{@link #CONTEXT_SWITCH} switch of address space</td><td>50</td></tr>
 *   <tr><td>{@link #IPC} fixed part of the kernel IPC path</td><td>150</td></tr>
 *   <tr><td>{@link #MAP_PAGE} one mapping-database node made, moved, reduced or removed</td><td>30</td></tr>
 *   <tr><td>{@link #INSTRUCTION} one bytecode instruction of a sandboxed task (metered per basic block)</td><td>1</td></tr>
 * </table>
 *
 * <p>The costs are processor cycles; the {@link CycleClock} turns them into time at the
 * processor's rate, 1 GHz unless ProcessorControl set another. {@link #CYCLES_PER_MICROSECOND}
 * converts time to microseconds: the time base ticks at 1 GHz, whatever the processor's rate.
 */
public final class CostModel {

    /**
     * Ticks of the time base (nanoseconds) per microsecond of simulated time: the time base runs at
     * 1 GHz, as does the processor at its base rate (one cycle a tick).
     */
    public static final long CYCLES_PER_MICROSECOND = 1000;

    /** Kernel entry and exit: saving and restoring user state, a pipeline flush each way. */
    public static final long TRAP = 100;

    /** One load or store that hits the TLB: a cache hit on an in-order core. */
    public static final long MEMORY_ACCESS = 1;

    /** One page-table level read during a walk on a TLB miss: roughly an L2 cache hit. */
    public static final long PAGE_WALK_LEVEL = 20;

    /**
     * Invalidating every TLB entry at once ({@link Tlb#flushAll}: a flash clear and the pipeline
     * flush around it); the refills afterwards are charged as the walks they are.
     */
    public static final long TLB_FLUSH = 20;

    /**
     * An access that hits the machine's {@link Cache}, when it has one: it replaces
     * {@link #MEMORY_ACCESS}, which is the same figure, so a run that always hits costs what it
     * costs without the cache.
     */
    public static final long CACHE_HIT = 1;

    /** An access that misses the {@link Cache}: its line is fetched from memory. */
    public static final long CACHE_MISS = 40;

    /**
     * An access to a non-cacheable page (Svpbmt NC or IO) on a machine with a {@link Cache}: it
     * bypasses the cache and goes to memory, as a miss does.
     */
    public static final long UNCACHED_ACCESS = CACHE_MISS;

    /** The fixed part of flushing the whole {@link Cache} (walking its sets, draining the write buffer). */
    public static final long CACHE_FLUSH = 100;

    /** Each valid line a {@link Cache} flush writes back and invalidates (64 bytes at 16 bytes a cycle). */
    public static final long CACHE_FLUSH_LINE = 4;

    /** One 8-byte word copied by the kernel (string items, message registers): a load plus a store, pipelined. */
    public static final long COPY_WORD = 1;

    /** A switch of address space: writing the page-table root and the pipeline and TLB-tag disruption around it. */
    public static final long CONTEXT_SWITCH = 50;

    /** The fixed part of the kernel IPC path (decode, partner lookup, state changes), on top of the trap. */
    public static final long IPC = 150;

    /** One mapping-database node made, moved, reduced or removed, with its page-table entry and TLB flush. */
    public static final long MAP_PAGE = 30;

    /**
     * One bytecode instruction of a task whose classes the kernel loaded itself (a sandboxed
     * task): its code is metered per basic block, each block charging its instruction count times
     * this when it is entered. One instruction per cycle, as on a simple in-order core.
     */
    public static final long INSTRUCTION = 1;

    private CostModel() {
    }
}
