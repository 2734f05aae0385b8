package kola.machine.riscv;

/**
 * Why {@link Hart#run} stopped: the RISC-V exception cause numbers of the privileged
 * specification (Volume II, "Supervisor Cause Register (scause)", exception codes), plus
 * {@link #BUDGET}, which is no exception: the run retired as many instructions as it was allowed.
 *
 * <p>After every stop but {@link #BUDGET} the thread's {@code pc} is the address of the
 * instruction that stopped; that instruction has not retired and changed nothing.
 */
public final class Cause {

    /** The run retired its {@code maxInstructions}; {@code pc} is the next instruction. Not a RISC-V cause. */
    public static final int BUDGET = -1;
    /** Instruction address misaligned. Never raised: with the C extension every target is 2-byte aligned. */
    public static final int INSTRUCTION_MISALIGNED = 0;
    /** Instruction access fault: the code page maps no RAM (device registers cannot be executed). */
    public static final int INSTRUCTION_ACCESS_FAULT = 1;
    /** Illegal instruction; {@link Hart#tval()} holds the instruction bits. */
    public static final int ILLEGAL_INSTRUCTION = 2;
    /** {@code ebreak} or {@code c.ebreak}; {@link Hart#tval()} holds its address. */
    public static final int BREAKPOINT = 3;
    /** A load (or {@code lr}) from an address not aligned to its size. */
    public static final int LOAD_MISALIGNED = 4;
    /** A load whose page maps neither RAM nor a device register. */
    public static final int LOAD_ACCESS_FAULT = 5;
    /** A store, {@code sc} or AMO at an address not aligned to its size. */
    public static final int STORE_MISALIGNED = 6;
    /** A store or AMO whose page maps neither RAM nor a device register (or an AMO on a device). */
    public static final int STORE_ACCESS_FAULT = 7;
    /** {@code ecall} from user mode; the kernel advances {@code pc} past it (4 bytes) when it returns. */
    public static final int ECALL = 8;
    /** Instruction fetch from an unmapped, non-executable, non-user or non-canonical page. */
    public static final int INSTRUCTION_PAGE_FAULT = 12;
    /** Load (or {@code lr}) from an unmapped, unreadable, non-user or non-canonical address. */
    public static final int LOAD_PAGE_FAULT = 13;
    /** Store, {@code sc} or AMO to an unmapped, read-only, non-user or non-canonical address. */
    public static final int STORE_PAGE_FAULT = 15;

    private Cause() {
    }

    /** A short name for {@code cause}, for messages and traces. */
    public static String name(int cause) {
        return switch (cause) {
            case BUDGET -> "budget";
            case INSTRUCTION_MISALIGNED -> "instruction address misaligned";
            case INSTRUCTION_ACCESS_FAULT -> "instruction access fault";
            case ILLEGAL_INSTRUCTION -> "illegal instruction";
            case BREAKPOINT -> "breakpoint";
            case LOAD_MISALIGNED -> "load address misaligned";
            case LOAD_ACCESS_FAULT -> "load access fault";
            case STORE_MISALIGNED -> "store/AMO address misaligned";
            case STORE_ACCESS_FAULT -> "store/AMO access fault";
            case ECALL -> "environment call from U-mode";
            case INSTRUCTION_PAGE_FAULT -> "instruction page fault";
            case LOAD_PAGE_FAULT -> "load page fault";
            case STORE_PAGE_FAULT -> "store/AMO page fault";
            default -> "cause " + cause;
        };
    }
}
