package kola.machine.riscv;

/**
 * A region of decoded instructions of one code page, compiled to JVM bytecode by
 * {@link BlockCompiler}: the code reachable from its entry inside the page through
 * straight-line code, branches and direct jumps, up to instructions it cannot compile or that
 * were never executed. Loops inside the region run inside it.
 */
abstract class Block {

    /** The most instructions it retires from its entry before it tests the budget: it is entered only if the budget covers them. */
    int length;

    /**
     * Executes the region, its entry at virtual address {@code base} plus its page offset,
     * retiring at most {@code budget} instructions: at its entry and at every target of a branch
     * backwards it leaves unless the budget covers every path to the next such point. Returns
     * the next pc, and leaves in {@link Hart#exitRetired} the instructions it retired; the pc has
     * bit 0 set if the region left before a load or store that its translation cache did not
     * serve ({@code pc & ~1} is that instruction, for the hart to perform).
     */
    abstract long run(Hart h, long[] r, long base, int budget);
}
