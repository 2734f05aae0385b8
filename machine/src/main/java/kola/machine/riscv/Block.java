package kola.machine.riscv;

/**
 * A region of decoded instructions of one code page, compiled to JVM bytecode by
 * {@link BlockCompiler}: the code reachable from its entry inside the page through
 * straight-line code, branches and direct jumps, up to instructions it cannot compile or that
 * were never executed. Loops inside the region run inside it.
 */
abstract class Block {

    /** Instructions of the straight-line run at its entry: it is entered only if the budget covers them. */
    int length;

    /**
     * Executes the region, its entry at virtual address {@code base} plus its page offset,
     * retiring at most {@code budget} instructions: it enters a straight-line run only if the
     * budget covers all of it. Returns the next pc, and leaves in {@link Hart#exitRetired} the
     * instructions it retired; the pc has bit 0 set if the region left at a load or store that
     * faulted, or that changed code or reached a device ({@code pc & ~1} is then the faulting or
     * the next instruction).
     */
    abstract long run(Hart h, long[] r, long base, int budget);
}
