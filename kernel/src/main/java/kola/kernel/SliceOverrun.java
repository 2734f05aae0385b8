package kola.kernel;

/**
 * Thrown into a sandboxed task that kept computing a whole time slice past its preemption point
 * where its continuation could not yield (inside a static initializer): the kernel cannot take
 * the CPU back there, so the task's code is stopped instead.
 */
final class SliceOverrun extends Error {
    private static final long serialVersionUID = 1L;

    SliceOverrun(String message) {
        super(message, null, false, false);
    }
}
