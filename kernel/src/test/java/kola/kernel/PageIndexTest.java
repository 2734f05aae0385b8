package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The page index agrees with a map under every mix of puts, replacements and removes. */
class PageIndexTest {

    private static MapNode node(long vpn) {
        return new MapNode(null, vpn, vpn, 0);
    }

    private static void check(PageIndex index, Map<Long, MapNode> model, long[] probes) {
        assertEquals(model.size(), index.size());
        for (long vpn : probes) {
            assertSame(model.get(vpn), index.get(vpn), "page " + vpn);
        }
        Set<MapNode> seen = new HashSet<>();
        index.forEach(n -> {
            if (!seen.add(n)) {
                throw new AssertionError("node visited twice: " + n.vpn);
            }
        });
        assertEquals(new HashSet<>(model.values()), seen);
    }

    @Test
    void randomOperationsMatchAMap() {
        Random rnd = new Random(17);
        for (int round = 0; round < 20; round++) {
            PageIndex index = new PageIndex();
            Map<Long, MapNode> model = new HashMap<>();
            // Clustered pages (a few runs, dense) and scattered ones (far apart), with large page numbers too.
            long[] universe = new long[600];
            for (int i = 0; i < universe.length; i++) {
                universe[i] = switch (i % 3) {
                    case 0 -> 0x1000 + rnd.nextInt(300);
                    case 1 -> rnd.nextLong(1L << 27);
                    default -> (1L << 51) + rnd.nextInt(200);
                };
            }
            for (int op = 0; op < 5000; op++) {
                long vpn = universe[rnd.nextInt(universe.length)];
                if (rnd.nextInt(3) == 0) {
                    index.remove(vpn);
                    model.remove(vpn);
                } else {
                    MapNode n = node(vpn);
                    index.put(vpn, n);
                    model.put(vpn, n);
                }
                if (op % 500 == 0) {
                    check(index, model, universe);
                }
            }
            check(index, model, universe);
            for (long vpn : universe) {
                index.remove(vpn);
                model.remove(vpn);
            }
            check(index, model, universe);
        }
    }

    @Test
    void consecutivePagesFillAndEmptyTheirRuns() {
        PageIndex index = new PageIndex();
        int n = 10 * PageIndex.LEAF + 5;
        long first = 3 * PageIndex.LEAF - 7; // not aligned: the first and last runs are partial
        for (long vpn = first; vpn < first + n; vpn++) {
            index.put(vpn, node(vpn));
        }
        assertEquals(n, index.size());
        assertNull(index.get(first - 1));
        assertNull(index.get(first + n));
        for (long vpn = first; vpn < first + n; vpn++) {
            assertEquals(vpn, index.get(vpn).vpn);
        }
        for (long vpn = first + n - 1; vpn >= first; vpn -= 2) {
            index.remove(vpn);
        }
        for (long vpn = first; vpn < first + n; vpn++) {
            MapNode m = index.get(vpn);
            if ((first + n - 1 - vpn) % 2 == 0) {
                assertNull(m);
            } else {
                assertEquals(vpn, m.vpn);
            }
        }
        for (long vpn = first; vpn < first + n; vpn++) {
            index.remove(vpn);
        }
        assertEquals(0, index.size());
        index.forEach(m -> {
            throw new AssertionError("left in the index: " + m.vpn);
        });
        // An emptied index takes pages again, removing a page twice changes nothing.
        index.put(5, node(5));
        index.remove(5);
        index.remove(5);
        assertEquals(0, index.size());
        assertNull(index.get(5));
    }

    @Test
    void replacingANodeKeepsTheCount() {
        PageIndex index = new PageIndex();
        MapNode a = node(42);
        MapNode b = node(42);
        index.put(42, a);
        index.put(42, b);
        assertEquals(1, index.size());
        assertSame(b, index.get(42));
    }
}
