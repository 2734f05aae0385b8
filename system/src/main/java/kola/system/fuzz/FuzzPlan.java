package kola.system.fuzz;

import java.util.SplittableRandom;

/**
 * The shape of one fuzzed system: which thread numbers the fuzz threads use, how many tasks the
 * root task starts and keeps alive, how many privileged fuzzers it runs. Derived from a seed
 * ({@link #random}) so that a seed names a whole run; the kernel configuration that goes with it
 * (kernel memory, thread-number limit, time slice) is chosen by the caller from the same seed.
 *
 * @param seed             the seed of this system; every program's random source derives from it
 * @param threadBase       the first thread number the fuzz uses (the root task's next after boot)
 * @param threadSlots      how many thread numbers, from threadBase, the root task hands out
 * @param tasks            address spaces the root task starts at boot (pagers included)
 * @param threadsPerTask   at most this many threads per space
 * @param population       the number of live fuzz threads the root task aims to keep
 * @param privileged       privileged fuzzers: threads in the root task's space that issue
 *                         ThreadControl, SpaceControl and ExchangeRegisters with random arguments
 * @param ramBytes         the machine's RAM, for addresses near its end
 * @param tickMicros       how long the root task's supervisor sleeps between rounds of care
 * @param focus            what the workers do more of in this system: 0 a balanced mix, else one of
 *                         the {@code FOCUS_*} groups gets half of all actions
 */
public record FuzzPlan(long seed, long threadBase, int threadSlots, int tasks, int threadsPerTask, int population,
                       int privileged, long ramBytes, long tickMicros, int focus) {
    /** Versions the root task gives thread ids: 1..VERSIONS, cycling, so that guesses hit often. */
    public static final int VERSIONS = 3;
    /** Focus: IPC with random words. */
    public static final int FOCUS_IPC = 1;
    /** Focus: memory: touching, faulting, mapping, granting, unmapping. */
    public static final int FOCUS_MEMORY = 2;
    /** Focus: string items and the faults their copies take. */
    public static final int FOCUS_STRINGS = 3;
    /** Focus: servers, calls, floods, spins. */
    public static final int FOCUS_SERVICE = 4;
    /** Focus: ExchangeRegisters, Schedule, ThreadSwitch, privileged calls. */
    public static final int FOCUS_CONTROL = 5;

    public FuzzPlan {
        if (threadSlots < 8 || tasks < 1 || threadsPerTask < 1 || population < 1 || privileged < 0
                || tickMicros <= 0 || threadBase < 0 || focus < 0 || focus > FOCUS_CONTROL) {
            throw new IllegalArgumentException("fuzz plan out of range");
        }
    }

    /** A plan drawn from {@code seed}: 5..9 tasks, 24..56 thread numbers, 0..3 privileged fuzzers. */
    public static FuzzPlan random(long seed, long threadBase, long ramBytes) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int slots = 24 + 8 * r.nextInt(5);
        int tasks = 5 + r.nextInt(5);
        int population = Math.min(slots - 4, tasks * 2 + r.nextInt(12));
        return new FuzzPlan(seed, threadBase, slots, tasks, 2 + r.nextInt(4), population, r.nextInt(4), ramBytes,
                100 + r.nextInt(400), r.nextInt(FOCUS_CONTROL + 1));
    }
}
