package kola.machine.riscv;

/**
 * A straight-line run of decoded instructions of one code page, compiled to JVM bytecode by
 * {@link BlockCompiler}: it ends at its first jump or branch, before an instruction it cannot
 * compile, or at the end of the page.
 */
abstract class Block {

    /** Instructions it retires when it runs to its end. */
    int length;

    /**
     * Executes the block, its first instruction at virtual address {@code base} plus its page
     * offset. Returns the next pc; with bit 0 set if the block left early (a fault, or a store
     * that changed code or reached a device), and then {@link Hart#exitRetired} holds the
     * instructions it retired and {@code pc & ~1} is the faulting or next instruction.
     */
    abstract long run(Hart h, long[] r, long base);
}
