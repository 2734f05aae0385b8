package kola.kernel;

/**
 * The activated threads of one address space by local id, which is the thread's UTCB location
 * (L4 X.2, "Thread Ids"): a linear-probing hash table of {@code long} keys, so that resolving a
 * local id on the IPC path allocates nothing. Key 0 marks a free entry: no UTCB is at address 0
 * ({@link Space#utcbAvailable} refuses it, for 0 is the nil thread).
 */
final class LocalIds {
    private long[] keys = new long[8];
    private Tcb[] threads = new Tcb[8];
    private int size;

    /** The thread whose local id is {@code id}, or null. */
    Tcb get(long id) {
        if (id == 0) {
            return null;
        }
        int mask = keys.length - 1;
        for (int i = slot(id, mask); keys[i] != 0; i = i + 1 & mask) {
            if (keys[i] == id) {
                return threads[i];
            }
        }
        return null;
    }

    /** Enters thread {@code t} under local id {@code id} (non-zero, not yet in the table). */
    void put(long id, Tcb t) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(id, mask);
        while (keys[i] != 0) {
            i = i + 1 & mask;
        }
        keys[i] = id;
        threads[i] = t;
        size++;
    }

    /** Removes local id {@code id}, if present; the entries after it move back so that no probe chain breaks. */
    void remove(long id) {
        int mask = keys.length - 1;
        int i = slot(id, mask);
        while (keys[i] != id) {
            if (keys[i] == 0) {
                return;
            }
            i = i + 1 & mask;
        }
        int hole = i;
        for (int j = hole + 1 & mask; keys[j] != 0; j = j + 1 & mask) {
            int home = slot(keys[j], mask);
            // The entry at j may fill the hole if its home is not in the (cyclic) range (hole, j].
            if ((j - home & mask) >= (j - hole & mask)) {
                keys[hole] = keys[j];
                threads[hole] = threads[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        threads[hole] = null;
        size--;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        Tcb[] oldThreads = threads;
        keys = new long[oldKeys.length * 2];
        threads = new Tcb[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                put(oldKeys[i], oldThreads[i]);
            }
        }
    }

    /** A UTCB location's home entry: its slot number (locations are 1 KiB apart), mixed. */
    private static int slot(long id, int mask) {
        long h = (id >>> Kernel.UTCB_SIZE_LOG2) * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h >>> 32) & mask;
    }
}
