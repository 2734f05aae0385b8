package kola.kernel;

import jdk.internal.vm.Continuation;
import kola.machine.CostModel;
import kola.machine.CycleClock;

/**
 * The meter of sandboxed tasks: the kernel rewrites every method of a task it loads itself (a
 * module given as {@link ProgramClasses}) so that it calls {@link #charge(int)} with the
 * instructions it executed before every invoke (but of a pure ABI helper), return and athrow, and {@link #chargeLoop} at a
 * backward branch when they reach the room it last reported (the rule: {@link TaskMetering}). The charge goes on the simulated clock
 * ({@link kola.machine.CostModel#INSTRUCTION} cycles an instruction) and, when the current
 * thread's time slice or another preemption point is reached, the thread traps to the kernel as
 * a memory access would: a task that computes without system calls or memory accesses is
 * preempted all the same, and its computation costs simulated time.
 *
 * <p>One meter per Kola thread, holding the cycles {@link #room left} before the preemption
 * point. A thread's meter, its memory accessor ({@link UserMemory}) and its {@link UserApi} are one
 * object (each class extends the one before): resuming a thread touches one object of its own
 * besides its TCB and continuation, not three reached one through another, which counts when
 * thousands of threads take turns and each one's state has gone cold in the host's caches
 * (BENCHMARKS.md, the 10,000-client round trip). The kernel loop makes the thread it resumes {@link #running} and arms its meter
 * ({@link #arm}) on every switch into a continuation, and clears it when the continuation yields.
 * A charge is then a field subtract and a compare; the cycles are put on the clock in one step at
 * the next kernel entry or slow-path memory access ({@link #putOnClock}), and the cached memory
 * accesses of the thread's {@link UserMemory} spend a share of the same room, so simulated time,
 * preemption points and traces are those of charging every instruction on the clock at once.
 * Only when the room is used up does the charge call into the kernel ({@link UserApi#meterSlow}),
 * and only from the thread's own continuation: a host thread that ran task code meanwhile (none
 * can, short of a kernel bug: task code cannot make threads) is neither preempted nor given the
 * thread's room back.
 *
 * <p>Task code may not name this class itself (the verifier refuses it, see {@link TaskAllowlist});
 * only the calls the kernel inserts reach it. Outside a Kola thread's run the call does nothing.
 */
public class Meter {
    /** The meter of the thread whose continuation the kernel loop runs, or null. */
    static Meter running;

    final CycleClock clock;
    /**
     * Whether the room is shared with a memory accessor: a thread's meter is its {@link UserMemory}
     * (one object per thread, with its {@link UserApi}); a bare meter, in tests, counts instructions only.
     */
    private final boolean sharesRoom;
    /**
     * Cycles left for instructions before the preemption point, counting the charges not yet on
     * the clock: the room left is this plus the memory accessor's share ({@link #arm}).
     */
    long room;
    /** {@link #room} when it was last on the clock: the cycles charged since are {@code armed - room}. */
    private long armed;
    /**
     * Cached accesses the thread's memory accessor may still make before its share of the room is
     * used up ({@link #arm}): the hit path counts down this field of its own, and the accesses made
     * are {@code budgetArmed - budget} (charged as TLB hits when the charges go on the clock).
     */
    long budget;
    /** {@link #budget} when it was last armed or put on the clock. */
    long budgetArmed;

    Meter(CycleClock clock, boolean sharesRoom) {
        this.clock = clock;
        this.sharesRoom = sharesRoom;
    }

    /** Charges {@code instructions} instructions to the current Kola thread; may preempt it. */
    public static void charge(int instructions) {
        Meter m = running;
        if (m != null && (m.room -= instructions * CostModel.INSTRUCTION) <= 0) {
            m.slow();
        }
    }

    /** The room {@link #chargeLoop} reports at most: pending counts stay far from int overflow. */
    static final int LOOP_ROOM = 1 << 30;

    /**
     * Charges {@code instructions} instructions like {@link #charge} and returns the instructions
     * the thread may still run before its preemption point (at most {@link #LOOP_ROOM}; 0 when it
     * is reached and the thread could not be preempted): metered code counts its loop rounds
     * against that in a local and calls again when the count reaches it.
     */
    public static int chargeLoop(int instructions) {
        Meter m = running;
        if (m == null) {
            return LOOP_ROOM;
        }
        if ((m.room -= instructions * CostModel.INSTRUCTION) <= 0) {
            m.slow();
        }
        long r = m.room;
        return r <= 0 ? 0 : (int) Math.min(LOOP_ROOM, (r + CostModel.INSTRUCTION - 1) / CostModel.INSTRUCTION);
    }

    /**
     * The stack a thread's metered frames may hold, in words: a call that would go beyond it
     * throws {@link StackOverflowError} in the task, deterministically, long before the host
     * stack under the continuation runs out (a quarter of a 1 MiB host stack, for interpreted
     * frames, the largest). Where a task's recursion ends then depends on its class files alone,
     * not on what the JIT compiled.
     */
    static final int STACK_WORDS = 32 * 1024;

    /** Words of a frame besides its locals and operand stack (return address, links, method, bcp...). */
    static final int FRAME_OVERHEAD_WORDS = 12;

    /** Words of metered frames on this thread's stack. */
    int stackWords;

    /**
     * Entering a metered method whose frame takes {@code words}: returns the thread's level of
     * metered stack with the frame on it, or refuses the call with a {@link StackOverflowError}
     * if that would exceed {@link #STACK_WORDS}.
     */
    public static int enter(int words) {
        Meter m = running;
        if (m == null) {
            return 0;
        }
        int level = m.stackWords + words;
        if (level > STACK_WORDS) {
            throw new StackOverflowError("more than " + STACK_WORDS + " words of stack");
        }
        return m.stackWords = level;
    }

    /** A handler of a metered method caught an exception: the thread's stack is back at that method's {@code level}. */
    public static void caught(int level) {
        Meter m = running;
        if (m != null) {
            m.stackWords = level;
        }
    }

    /** {@link #charge}, and the frame of {@code words} leaves the stack: the call metered code makes before a return. */
    public static void chargeReturn(int instructions, int words) {
        Meter m = running;
        if (m != null) {
            m.stackWords -= words;
            if ((m.room -= instructions * CostModel.INSTRUCTION) <= 0) {
                m.slow();
            }
        }
    }

    private void slow() {
        if (Continuation.getCurrentContinuation(Kernel.SCOPE) instanceof TaskContinuation c && c.api == this) {
            meterSlow();
        }
    }

    /** The room is used up, in this thread's own continuation: {@link UserApi#meterSlow}. A bare meter does nothing. */
    void meterSlow() {
    }

    /** The kernel loop resumes the thread: {@link UserMemory#resumed}. A bare meter has nothing to tell. */
    void resumed() {
    }

    /**
     * With nothing pending: {@code room} processor cycles are left before the preemption point
     * (the clock's {@code cyclesUntil} it: at a rate other than the base one, the cycles, not the
     * time). Armed from
     * outside the thread's run (the kernel loop resuming it, while no meter is {@link #running}),
     * the thread's memory accessor learns that the kernel loop ran ({@link UserMemory#resumed}).
     *
     * <p>The room is shared out: half of it (rounded up to whole accesses) to the memory
     * accessor's cached accesses ({@link UserMemory#budget}), the rest to the instructions, so
     * that each counts down a field of its own. Whichever runs out first takes the slow path, which
     * settles both and, short of the preemption point, arms again with the room left: the thread
     * is preempted at the same instruction or access as with one count of the room.
     */
    void arm(long room) {
        long accesses = 0;
        if (sharesRoom) {
            if (running != this) {
                resumed();
            }
            if (room > 0) {
                long half = room / 2 + (room & 1);
                accesses = half / CostModel.MEMORY_ACCESS + (half % CostModel.MEMORY_ACCESS == 0 ? 0 : 1);
            }
            budget = accesses;
            budgetArmed = accesses;
        }
        this.room = room - accesses * CostModel.MEMORY_ACCESS;
        this.armed = this.room;
    }

    /**
     * Puts the cycles charged since the last time on the clock, the instructions' and the memory
     * accessor's cached accesses'; returns the number of those accesses (TLB hits).
     */
    long putOnClock() {
        long accesses = budgetArmed - budget;
        budgetArmed = budget;
        long spent = armed - room + accesses * CostModel.MEMORY_ACCESS;
        if (spent != 0) {
            clock.advance(spent);
        }
        armed = room;
        return accesses;
    }
}
