package kola.system.fuzz;

/**
 * Where the fuzz programs report what they saw the kernel do wrong without an exception or an
 * invariant violation: a valid call refused, a reply lost, a failed SpaceControl that changed the
 * space, kernel-debugger output an unprivileged task should not get. The fuzz runner counts each
 * kind and prints its count before the summary; the programs call {@link #report} from inside
 * their threads, at a kernel entry of a deterministic run, so a report names a seed and an
 * operation like any failure.
 *
 * <p>This is the test harness's side channel, not part of the L4 interface: the programs use it
 * only to say that a check failed, never to learn anything.
 *
 * <p>Every check holds under every communication model ({@code kola fuzz --comm}):
 * <ul>
 * <li>hangs: the runner's (a thread waiting for ever in its page-fault or exception IPC on a
 * partner whose program ended) looks at kernel-made IPC, which goes by global id under every
 * model; the reply pairs' (a client left waiting for the reply its server sent) call within one
 * space, which every thread-id model delivers directly, and under capabilities through a gate
 * and the reply capability; under virtual threads the pairs do not run (no call could arrive).
 * The reply's string faults in the client's space, and the check counts on sigma0's answer to
 * that fault: it runs only under global ids and capabilities, where nothing can refuse the
 * answer (under the policy models the root task's random policies may);</li>
 * <li>refused valid calls and accepted invalid calls judge ExchangeRegisters, MemoryControl,
 * ProcessorControl and CommControl by their words alone, which no model changes (CommControl's
 * operations are accepted under every model);</li>
 * <li>inconsistent failures: the KIP probe's report reaches the root task by global id, under
 * capabilities through the probe's gate to the root task; under virtual threads it never
 * arrives, so the check does not run there (it cannot fire falsely: it needs the report);</li>
 * <li>kernel debugger leaks do not depend on IPC at all.</li>
 * </ul>
 */
public interface FuzzChecks {
    /** A call with valid arguments got an error (ExchangeRegisters with the X.2 deliver bit, say). */
    String REFUSED_VALID_CALL = "refused valid calls";
    /** A thread waits for ever for an IPC its partner already sent or will never send. */
    String HANG = "hangs";
    /** A system call that failed left what it was to change half changed. */
    String INCONSISTENT = "inconsistent failures";
    /** A call whose words are malformed (as the ABI defines them, whatever the state) succeeded. */
    String ACCEPTED_INVALID_CALL = "accepted invalid calls";
    /** The kernel debugger answered an unprivileged task, or let it forge kernel console lines. */
    String KDB_LEAK = "kernel debugger leaks";

    /** The kinds, in the order the runner prints them. */
    java.util.List<String> KINDS = java.util.List.of(HANG, REFUSED_VALID_CALL, INCONSISTENT, KDB_LEAK, ACCEPTED_INVALID_CALL);

    /** A check of kind {@code kind} (one of {@link #KINDS}) failed: {@code what} says how. */
    void report(String kind, String what);

    /** Checks nobody counts (for images booted outside the fuzz runner). */
    FuzzChecks IGNORED = (kind, what) -> { };

    /** The marker of kernel console lines the fuzz forges with KdbPrint (newlines, a "kernel:" prefix). */
    String FORGED = "fuzz-forged-line";
}
