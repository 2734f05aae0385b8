package kola.kernel;

import jdk.internal.vm.Continuation;

/**
 * The meter of sandboxed tasks: the kernel rewrites every method of a task it loads itself (a
 * module given as {@link ProgramClasses}) so that entering a basic block calls
 * {@link #charge(int)} with the block's instruction count. The charge goes on the simulated clock
 * ({@link kola.machine.CostModel#INSTRUCTION} cycles an instruction) and, when the current
 * thread's time slice or another preemption point is reached, the thread traps to the kernel as
 * a memory access would: a task that computes without system calls or memory accesses is
 * preempted all the same, and its computation costs simulated time.
 *
 * <p>Task code may not name this class itself (the verifier refuses it, see {@link TaskAllowlist});
 * only the calls the kernel inserts reach it. The current Kola thread is found through the
 * continuation the kernel loop runs, never through a thread-local (inside a continuation those
 * belong to the host carrier thread). Outside a Kola thread the call does nothing.
 */
public final class Meter {
    private Meter() {
    }

    /** Charges {@code instructions} instructions to the current Kola thread; may preempt it. */
    public static void charge(int instructions) {
        if (instructions > 0 && Continuation.getCurrentContinuation(Kernel.SCOPE) instanceof TaskContinuation c) {
            c.api.meter(instructions);
        }
    }
}
