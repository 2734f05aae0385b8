package kola.kernel;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The continuation that runs one Kola thread's user code, knowing whose it is: the
 * {@link Meter} finds the running thread's {@link UserApi} through it.
 *
 * <p>A continuation cannot yield while it is pinned (a class's static initializer or a native
 * frame is on its stack). A system call made there fails as before; a preemption the meter asks
 * for there is put off to the next metered point instead ({@link #tryYield}).
 */
final class TaskContinuation extends Continuation {
    final UserApi api;
    private boolean tolerant;

    TaskContinuation(ContinuationScope scope, Runnable target, UserApi api) {
        super(scope, target);
        this.api = api;
    }

    /** Yields to the kernel loop; false (and no exception) if the continuation is pinned. */
    static boolean tryYield(TaskContinuation self) {
        self.tolerant = true;
        try {
            return Continuation.yield(Kernel.SCOPE);
        } finally {
            self.tolerant = false;
        }
    }

    @Override
    protected void onPinned(Pinned reason) {
        if (!tolerant) {
            super.onPinned(reason);
        }
    }
}
