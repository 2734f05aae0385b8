package kola.kernel;

/**
 * The kernel event stream, reduced to what determinism needs: a running 64-bit hash and a count
 * of every kernel event (trap, IPC transfer, switch, timeout, fault, thread and space creation
 * and deletion) with its simulated time. Two runs of the same image with the same inputs give
 * the same hash (DESIGN.md, "Execution model"). Recording is a few multiplies: it is always on.
 */
final class EventLog {
    static final int TRAP = 1;
    static final int TRANSFER = 2;
    static final int SWITCH = 3;
    static final int TIMEOUT = 4;
    static final int FAULT = 5;
    static final int THREAD_CREATE = 6;
    static final int THREAD_DELETE = 7;
    static final int SPACE_CREATE = 8;
    static final int SPACE_DELETE = 9;
    static final int HALT = 10;
    static final int CANCEL = 11;
    static final int MAP = 12;
    static final int UNMAP = 13;
    static final int KERNEL_IPC = 14;

    private static final long PRIME = 0x100000001B3L;
    private long hash = 0xCBF29CE484222325L;
    private long count;

    void record(int type, long time, long a, long b) {
        long h = hash;
        h = (h ^ type) * PRIME;
        h = (h ^ time) * PRIME;
        h = (h ^ a) * PRIME;
        h = (h ^ b) * PRIME;
        hash = h;
        count++;
    }

    long hash() {
        return hash;
    }

    long count() {
        return count;
    }
}
