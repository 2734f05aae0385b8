package kola.kernel;

/** Trap numbers: why a user thread entered the kernel (what it put in its trap registers). */
final class Trap {
    static final int NONE = 0;
    static final int IPC = 1;
    static final int THREAD_CONTROL = 2;
    static final int SPACE_CONTROL = 3;
    static final int EXCHANGE_REGISTERS = 4;
    static final int THREAD_SWITCH = 5;
    static final int SCHEDULE = 6;
    static final int SYSTEM_CLOCK = 7;
    static final int UNMAP = 8;
    static final int KDB_PRINT = 9;
    /** A memory access found no usable mapping: a0 address, a1 access rwx. */
    static final int PAGE_FAULT = 10;
    /** A memory access found the clock past the preemption point. */
    static final int PREEMPT = 11;
    /** The thread's program returned or threw. */
    static final int EXIT = 12;
    static final int KDB_ENTER = 13;
    static final int KDB_QUERY = 14;
    /** A RISC-V thread took an exception other than a page fault: a0 the cause (scause), a1 tval. */
    static final int MACHINE_EXCEPTION = 15;
    /** A RISC-V thread's KDB_PrintChar: a0 the character. */
    static final int KDB_PRINT_CHAR = 16;
    static final int COMM_CONTROL = 17;
    static final int KMEM_CONTROL = 18;
    static final int SCHED_CONTROL = 19;
    /** A RISC-V thread's KernelInterface (the Java personality reads its {@code Kip} without a trap). */
    static final int KERNEL_INTERFACE = 20;
    static final int PROCESSOR_CONTROL = 21;
    static final int MEMORY_CONTROL = 22;

    private Trap() {
    }
}
