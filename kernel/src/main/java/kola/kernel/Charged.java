package kola.kernel;

/**
 * The header every object made of kernel memory has (DESIGN.md, "Kernel memory"): its kind, the
 * bytes it is charged at, and where it lives (a frame of its account's, or {@link KernelFrame#POOL}).
 * The invariant checker reads every object of a kernel frame through it, whatever its class.
 */
interface Charged {
    KernelObject kind();

    /** The bytes it is charged at: its kind's. */
    default long bytes() {
        return kind().bytes;
    }

    KernelFrame frame();
}
