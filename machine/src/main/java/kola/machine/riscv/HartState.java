package kola.machine.riscv;

/**
 * The user-visible state of one RISC-V thread (RV64, unprivileged specification, "RV64I Base
 * Integer Instruction Set"): 32 integer registers, the program counter, the count of retired
 * instructions and the LR/SC reservation. The kernel keeps one in each RISC-V thread's control
 * block and hands it to {@link Hart#run}.
 *
 * <p>{@code x[0]} reads as zero whatever is stored in it. The reservation of an {@code lr} lives
 * only as long as the {@link Hart#run} that made it: every run ends at a trap or a budget stop, and
 * the reservation is lost on both (as on a trap and a context switch of real hardware).
 */
public final class HartState {

    /**
     * Integer registers {@code x0..x31}; {@code x[0]} is ignored and reads as zero. The words
     * behind them are the hart's while it runs this state ({@link Hart} executes on this array
     * itself, with no copy in or out, and x[32] takes the writes to x0); between runs they are 0.
     */
    public final long[] x = new long[64];
    /** Address of the next instruction to execute. */
    public long pc;
    /** Instructions retired by this thread (the {@code instret} counter). */
    public long instret;

    boolean reserved;
    long reservation;
    /**
     * The last run ended at an {@code ecall}: the next one starts where the call returns (or at
     * the call again), a point every round of a loop of system calls shares, unlike the arbitrary
     * instruction where a time slice ended. The hart counts such a run's first instructions
     * towards compiled regions.
     */
    boolean afterCall;

    /** Creates the state of a thread that starts at {@code pc} with every register zero. */
    public HartState(long pc) {
        this.pc = pc;
    }

    /** Creates a state with every register and the pc zero. */
    public HartState() {
        this(0);
    }

    /** Tells whether an {@code lr} reservation is held (only ever true inside a run). */
    public boolean hasReservation() {
        return reserved;
    }

    /** Drops the {@code lr} reservation, so that the next {@code sc} fails. */
    public void loseReservation() {
        reserved = false;
    }

    @Override
    public String toString() {
        return "HartState[pc=0x" + Long.toHexString(pc) + ", instret=" + instret + "]";
    }
}
