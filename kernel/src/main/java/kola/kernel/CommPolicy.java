package kola.kernel;

import java.util.Arrays;
import kola.abi.Comm;

/**
 * The policies of the redirection and pclans models, set with CommControl by a privileged task:
 * an action ({@link Comm#ALLOW}, {@link Comm#DENY}, or an intermediary's thread id) per pair of
 * address spaces, and per pair of pclans. Space pairs live in an open-addressing table of
 * primitives (lookups allocate nothing), bounded by {@link #MAX_PAIRS}.
 */
final class CommPolicy {
    /** Space-pair policies the kernel keeps at most. */
    static final int MAX_PAIRS = 1 << 16;
    private static final long EMPTY = 0;
    private long[] keys = new long[64];
    private long[] actions = new long[64];
    private int size;
    private final long[] pclans = new long[Comm.PCLANS * Comm.PCLANS];

    CommPolicy() {
        Arrays.fill(pclans, Comm.DENY);
    }

    private static long key(Space from, Space to) {
        return (long) from.asid << 32 | to.asid & 0xFFFF_FFFFL;
    }

    /** The action for IPC from space {@code from} to space {@code to}: allow unless set. */
    long pair(Space from, Space to) {
        long key = key(from, to);
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; keys[i] != EMPTY; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return actions[i];
            }
        }
        return Comm.ALLOW;
    }

    /** Sets the action for a pair of spaces; false if the table is full. */
    boolean setPair(Space from, Space to, long action) {
        long key = key(from, to);
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        for (; keys[i] != EMPTY; i = (i + 1) & mask) {
            if (keys[i] == key) {
                actions[i] = action;
                return true;
            }
        }
        if (size >= MAX_PAIRS) {
            return false;
        }
        keys[i] = key;
        actions[i] = action;
        if (++size * 2 > keys.length) {
            grow();
        }
        return true;
    }

    /** Forgets every policy that names {@code s} (it is deleted). */
    void forget(Space s) {
        long[] k = keys;
        long[] a = actions;
        keys = new long[k.length];
        actions = new long[k.length];
        size = 0;
        for (int i = 0; i < k.length; i++) {
            if (k[i] != EMPTY && (int) (k[i] >>> 32) != s.asid && (int) k[i] != s.asid) {
                reinsert(k[i], a[i]);
            }
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] k = keys;
        long[] a = actions;
        keys = new long[k.length * 2];
        actions = new long[k.length * 2];
        size = 0;
        for (int i = 0; i < k.length; i++) {
            if (k[i] != EMPTY) {
                reinsert(k[i], a[i]);
            }
        }
    }

    private void reinsert(long key, long action) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        actions[i] = action;
        size++;
    }

    private static int mix(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ h >>> 32);
    }

    /** The action for IPC from pclan {@code from} to pclan {@code to} (different pclans): deny unless set. */
    long pclans(int from, int to) {
        return pclans[from * Comm.PCLANS + to];
    }

    void setPclans(int from, int to, long action) {
        pclans[from * Comm.PCLANS + to] = action;
    }
}
