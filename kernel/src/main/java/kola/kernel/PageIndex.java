package kola.kernel;

import java.util.Arrays;

/**
 * A space's index from virtual page number to the mapping node of that page: an open-addressing
 * hash table with linear probing and backward-shift deletion, so that looking up a page's node on
 * the map, unmap and fault paths allocates nothing and stays O(1).
 */
final class PageIndex {
    private static final long EMPTY = -1L;
    private long[] keys = new long[16];
    private MapNode[] values = new MapNode[16];
    private int size;

    PageIndex() {
        Arrays.fill(keys, EMPTY);
    }

    MapNode get(long vpn) {
        int mask = keys.length - 1;
        for (int i = slot(vpn, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == vpn) {
                return values[i];
            }
            if (k == EMPTY) {
                return null;
            }
        }
    }

    void put(long vpn, MapNode node) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = slot(vpn, mask); ; i = (i + 1) & mask) {
            if (keys[i] == vpn) {
                values[i] = node;
                return;
            }
            if (keys[i] == EMPTY) {
                keys[i] = vpn;
                values[i] = node;
                size++;
                return;
            }
        }
    }

    void remove(long vpn) {
        int mask = keys.length - 1;
        int i = slot(vpn, mask);
        while (keys[i] != vpn) {
            if (keys[i] == EMPTY) {
                return;
            }
            i = (i + 1) & mask;
        }
        size--;
        // Backward-shift deletion: move later entries of the probe run into the hole.
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        values[hole] = null;
    }

    int size() {
        return size;
    }

    /** Calls {@code action} for every node (order unspecified); the action must not change the index. */
    void forEach(java.util.function.Consumer<MapNode> action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                action.accept(values[i]);
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        MapNode[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new MapNode[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int slot(long vpn, int mask) {
        long h = vpn * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }
}
