package kola.abi;

/**
 * A user program: the code of an address space. Kola's user code is Java, so a program is not
 * copied into memory; a boot module names a program, and each address space that runs it gets
 * its own instance (its Java fields are that space's private data).
 *
 * <p>Every thread started in the space runs {@link #run}. The thread's start instruction pointer
 * and stack pointer are {@link L4#startIp()} and {@link L4#startSp()}: a program with several
 * kinds of threads dispatches on the entry offset {@code L4#startIp() - module base}. When
 * {@code run} returns the thread halts; an exception escaping it halts the thread and is
 * reported on the kernel debug console.
 */
@FunctionalInterface
public interface Program {
    /** The body of a thread of this program. {@code l4} is the thread's system-call interface. */
    void run(L4 l4) throws Exception;
}
