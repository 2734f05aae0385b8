package kola.kernel;

import java.util.Arrays;

/**
 * A space's index from virtual page number to the mapping node of that page, so that looking up
 * a page's node on the map, unmap and fault paths stays O(1) and, once the index has room for the
 * page, allocates nothing.
 *
 * <p>Two levels, like a page table: the pages of one aligned run of {@value #LEAF} pages share a
 * leaf, an array indexed by the page's place in the run; a directory, an open-addressing hash
 * table (linear probing, backward-shift deletion) keyed by the run's number, finds the leaf. A map
 * or unmap that walks consecutive pages, as large ones do, so walks each leaf in order and looks a
 * run up once per {@value #LEAF} pages in a directory that is small enough to stay in cache. (A
 * table hashing every page on its own sent each page of such a walk to a random cache line: the
 * unmap of a tree of 100,000 mappings then spent most of its time in cache misses on the four
 * receivers' tables, 3 MiB, and its cost per mapping grew with the tree; issue 17.)
 *
 * <p>A leaf goes when its last page goes, but the index keeps one empty leaf for the next new run,
 * so a page mapped and unmapped again and again allocates nothing.
 */
final class PageIndex {
    private static final int LEAF_BITS = 6;
    /** Pages of a leaf: an aligned run of this many pages. */
    static final int LEAF = 1 << LEAF_BITS;
    private static final int LEAF_MASK = LEAF - 1;
    /** A free directory slot (run numbers are {@code vpn >>> LEAF_BITS}, never -1). */
    private static final long EMPTY = -1L;

    /** The directory: run number, its leaf, and the leaf's pages, by slot. */
    private long[] runs = new long[8];
    private MapNode[][] leaves = new MapNode[8][];
    private int[] counts = new int[8];
    private int runCount;
    private int size;
    /** An empty leaf kept for the next new run, or null. */
    private MapNode[] spare;

    PageIndex() {
        Arrays.fill(runs, EMPTY);
    }

    MapNode get(long vpn) {
        int d = find(vpn >>> LEAF_BITS);
        return d < 0 ? null : leaves[d][(int) vpn & LEAF_MASK];
    }

    /** Indexes {@code node} (not null) as the node of page {@code vpn}, replacing any other. */
    void put(long vpn, MapNode node) {
        long run = vpn >>> LEAF_BITS;
        int d = find(run);
        if (d < 0) {
            d = addRun(run);
        }
        MapNode[] leaf = leaves[d];
        int i = (int) vpn & LEAF_MASK;
        if (leaf[i] == null) {
            counts[d]++;
            size++;
        }
        leaf[i] = node;
    }

    void remove(long vpn) {
        int d = find(vpn >>> LEAF_BITS);
        if (d < 0) {
            return;
        }
        MapNode[] leaf = leaves[d];
        int i = (int) vpn & LEAF_MASK;
        if (leaf[i] != null) {
            leaf[i] = null;
            size--;
            if (--counts[d] == 0) {
                removeRun(d);
                spare = leaf;
            }
        }
    }

    int size() {
        return size;
    }

    /** Calls {@code action} for every node (order unspecified); the action must not change the index. */
    void forEach(java.util.function.Consumer<MapNode> action) {
        for (int d = 0; d < runs.length; d++) {
            if (runs[d] != EMPTY) {
                for (MapNode n : leaves[d]) {
                    if (n != null) {
                        action.accept(n);
                    }
                }
            }
        }
    }

    /** The directory slot of {@code run}, or -1. */
    private int find(long run) {
        long[] keys = runs;
        int mask = keys.length - 1;
        for (int i = slot(run, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == run) {
                return i;
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    /** Adds a leaf for {@code run} (not in the directory); returns its slot. */
    private int addRun(long run) {
        if ((runCount + 1) * 2 > runs.length) {
            grow();
        }
        MapNode[] leaf = spare != null ? spare : new MapNode[LEAF];
        spare = null;
        int d = insert(run, leaf, 0);
        runCount++;
        return d;
    }

    /** Removes directory slot {@code d}, moving later slots of its probe run back into the hole. */
    private void removeRun(int d) {
        runCount--;
        int mask = runs.length - 1;
        int hole = d;
        for (int j = (d + 1) & mask; runs[j] != EMPTY; j = (j + 1) & mask) {
            int home = slot(runs[j], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                runs[hole] = runs[j];
                leaves[hole] = leaves[j];
                counts[hole] = counts[j];
                hole = j;
            }
        }
        runs[hole] = EMPTY;
        leaves[hole] = null;
        counts[hole] = 0;
    }

    private int insert(long run, MapNode[] leaf, int count) {
        int mask = runs.length - 1;
        int i = slot(run, mask);
        while (runs[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        runs[i] = run;
        leaves[i] = leaf;
        counts[i] = count;
        return i;
    }

    private void grow() {
        long[] oldRuns = runs;
        MapNode[][] oldLeaves = leaves;
        int[] oldCounts = counts;
        runs = new long[oldRuns.length * 2];
        leaves = new MapNode[oldRuns.length * 2][];
        counts = new int[oldRuns.length * 2];
        Arrays.fill(runs, EMPTY);
        for (int i = 0; i < oldRuns.length; i++) {
            if (oldRuns[i] != EMPTY) {
                insert(oldRuns[i], oldLeaves[i], oldCounts[i]);
            }
        }
    }

    private static int slot(long run, int mask) {
        long h = run * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
