package kola.kernel;

import java.util.List;

/**
 * Thrown by the kernel loop when invariant checking is on ({@link Kernel#setInvariantChecking})
 * and an operation left a kernel invariant broken: it names the operation number (kernel entries
 * so far) and every violation. The kernel's state is left as the operation left it, for study.
 */
public final class InvariantViolation extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long operation;
    private final transient List<String> violations;

    InvariantViolation(long operation, List<String> violations) {
        super("kernel invariant violated after operation " + operation + ": " + String.join("; ", violations));
        this.operation = operation;
        this.violations = List.copyOf(violations);
    }

    /** The number of the kernel entry after which the check failed. */
    public long operation() {
        return operation;
    }

    /** What was violated, one line each. */
    public List<String> violations() {
        return violations;
    }
}
