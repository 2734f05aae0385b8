package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The memory cache: hits, misses and LRU eviction with exact counts, colours, flush cost, bad geometry. */
class CacheTest {
    static final long HIT = CostModel.CACHE_HIT;
    static final long MISS = CostModel.CACHE_MISS;

    @Test
    void aMissFillsTheLineAndTheNextAccessToItHits() {
        Cache c = new Cache(4, 2, 64);
        assertEquals(MISS, c.access(0x1000));
        assertEquals(HIT, c.access(0x1000));
        assertEquals(HIT, c.access(0x103F), "same 64-byte line");
        assertEquals(MISS, c.access(0x1040), "the next line");
        assertEquals(2, c.hits());
        assertEquals(2, c.misses());
        assertEquals(2, c.validLines());
        assertEquals(0, c.evictions());
    }

    @Test
    void aFullSetEvictsItsLeastRecentlyUsedLine() {
        Cache c = new Cache(4, 2, 64);
        long setStride = 4 * 64; // addresses this far apart share a set
        long a = 0;
        long b = setStride;
        long d = 2 * setStride;
        c.access(a);
        c.access(b);
        c.access(a); // b is now the least recently used
        assertEquals(MISS, c.access(d), "evicts b");
        assertTrue(c.holds(a));
        assertFalse(c.holds(b));
        assertTrue(c.holds(d));
        assertEquals(MISS, c.access(b), "b was evicted; evicts a, now the LRU");
        assertFalse(c.holds(a));
        assertEquals(1, c.hits());
        assertEquals(4, c.misses());
        assertEquals(2, c.evictions());
        assertEquals(2, c.validLines());
    }

    @Test
    void holdsNeitherCountsNorChangesTheOrder() {
        Cache c = new Cache(1, 2, 64);
        c.access(0);
        c.access(64);
        assertTrue(c.holds(0)); // not a use: 0 stays the LRU line
        c.access(128);
        assertFalse(c.holds(0));
        assertEquals(0, c.hits());
        assertEquals(3, c.misses());
    }

    @Test
    void pagesOfTheSameColourConflictAndOfDifferentColoursDoNot() {
        Cache c = new Cache(128, 1, 64); // 8 KiB direct-mapped: two colours
        assertEquals(2, c.colours());
        long p0 = 0x10L; // frame numbers
        long p1 = 0x11L;
        long p2 = 0x12L;
        assertEquals(0, c.colourOf(p0));
        assertEquals(1, c.colourOf(p1));
        assertEquals(0, c.colourOf(p2));
        for (int i = 0; i < 64; i++) {
            c.access((p0 << 12) + 64L * i);
        }
        for (int i = 0; i < 64; i++) {
            c.access((p1 << 12) + 64L * i); // the other colour: other sets
        }
        c.resetCounters();
        for (int i = 0; i < 64; i++) {
            c.access((p0 << 12) + 64L * i);
        }
        assertEquals(64, c.hits(), "a page of another colour evicted nothing");
        for (int i = 0; i < 64; i++) {
            c.access((p2 << 12) + 64L * i); // same colour: the same sets
        }
        c.resetCounters();
        for (int i = 0; i < 64; i++) {
            c.access((p0 << 12) + 64L * i);
        }
        assertEquals(0, c.hits());
        assertEquals(64, c.misses(), "a page of the same colour evicted every line");
    }

    @Test
    void coloursAreTheSetsTimesTheLineOverThePageAtLeastOne() {
        assertEquals(16, new Cache(1024, 4, 64).colours());
        assertEquals(4, new Cache(256, 4, 64).colours());
        assertEquals(1, new Cache(64, 8, 64).colours());
        assertEquals(1, new Cache(1, 1, 8).colours());
        assertEquals(3, Cache.colourOf(0x1237, 4));
        assertEquals(7, new Cache(512, 1, 64).colourOf(0xFFF));
        assertEquals(5, new Cache(256, 1, 64).setOf(0x10140));
    }

    @Test
    void flushCostsTheFixedPartPlusOnePerValidLineAndEmptiesTheCache() {
        Cache c = new Cache(64, 4, 64);
        assertEquals(CostModel.CACHE_FLUSH, c.flush(), "an empty cache: the fixed part");
        for (int i = 0; i < 100; i++) {
            c.access(64L * i);
        }
        assertEquals(100, c.validLines());
        assertEquals(CostModel.CACHE_FLUSH + 100 * CostModel.CACHE_FLUSH_LINE, c.flush());
        assertEquals(0, c.validLines());
        assertEquals(MISS, c.access(0), "flushed lines miss");
        assertEquals(2, c.flushes());
    }

    @Test
    void accessRestTouchesEveryLineButTheFirst() {
        Cache c = new Cache(64, 4, 64);
        assertEquals(0, c.accessRest(0x100, 64), "one line");
        assertEquals(0, c.accessRest(0x100, 0));
        assertEquals(0, c.accessRest(0x100, -5));
        assertEquals(3 * MISS, c.accessRest(0x110, 200), "0x110..0x1D7: lines 0x140, 0x180, 0x1C0");
        assertFalse(c.holds(0x100));
        assertTrue(c.holds(0x1C0));
        assertEquals(3, c.misses());
    }

    @Test
    void resetCountersKeepsTheContents() {
        Cache c = new Cache(16, 2, 64);
        c.access(0);
        c.access(0);
        c.resetCounters();
        assertEquals(0, c.hits());
        assertEquals(0, c.misses());
        assertEquals(1, c.validLines());
        assertEquals(HIT, c.access(0));
    }

    @Test
    void badGeometryIsRefusedNamingTheValue() {
        assertMessage("sets", "got 3", () -> new Cache(3, 4, 64));
        assertMessage("sets", "got 0", () -> new Cache(0, 4, 64));
        assertMessage("ways", "got -4", () -> new Cache(256, -4, 64));
        assertMessage("line bytes", "got 48", () -> new Cache(256, 4, 48));
        assertMessage("line bytes", "got 4", () -> new Cache(256, 4, 4));
        assertMessage("line bytes", "got 8192", () -> new Cache(256, 4, 8192));
        assertMessage("more than", "1048576", () -> new Cache(1 << 20, 2, 64));
        assertMessage("sets", "got -2147483648", () -> new Cache(Integer.MIN_VALUE, 1, 64));
    }

    @Test
    void geometryParsesSetsWaysLineAndRefusesAnythingElse() {
        assertEquals(new Cache.Geometry(256, 4, 64), Cache.Geometry.parse("256x4x64"));
        assertEquals("256x4x64", Cache.Geometry.parse("256x4x64").toString());
        assertEquals("1x1x8", new Cache(Cache.Geometry.parse("1x1x8")).geometry().toString());
        for (String bad : new String[] {"", "256", "256x4", "256x4x64x1", "axbxc", "256x4x", "x4x64", "256X4X64",
                "-256x4x64", "256x4x99999999999", " 256x4x64", "256x3x64"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cache.Geometry.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("cache geometry '" + bad + "'"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void randomAccessesKeepTheCountsConsistentAndAreDeterministic() {
        long[] first = randomRun(7);
        long[] second = randomRun(7);
        assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(second));
        assertEquals(10_000, first[0] + first[1], "every access is a hit or a miss");
        assertTrue(first[2] <= 64 * 2, "valid lines never exceed the capacity");
        assertEquals(first[1] - first[2], first[3], "every miss filled an empty line or evicted one");
    }

    @Test
    void everyAccessHitsExactlyWhenAPlainLruModelHits() {
        for (long seed = 1; seed <= 20; seed++) {
            Random r = new Random(seed);
            int sets = 1 << r.nextInt(5);
            int ways = 1 << r.nextInt(4);
            int line = 8 << r.nextInt(4);
            Cache c = new Cache(sets, ways, line);
            // The model: per set, the lines present from least to most recently used.
            java.util.List<java.util.LinkedHashSet<Long>> model = new java.util.ArrayList<>();
            for (int i = 0; i < sets; i++) {
                model.add(new java.util.LinkedHashSet<>());
            }
            int span = sets * ways * line * 3; // three times the capacity: hits and evictions both
            for (int i = 0; i < 5000; i++) {
                long pa = r.nextInt(span);
                long lineNumber = pa / line;
                java.util.LinkedHashSet<Long> set = model.get((int) (lineNumber % sets));
                boolean hit = set.remove(lineNumber);
                if (!hit && set.size() == ways) {
                    set.remove(set.iterator().next());
                }
                set.add(lineNumber);
                assertEquals(hit ? HIT : MISS, c.access(pa), "seed " + seed + " access " + i);
            }
            assertEquals(model.stream().mapToInt(java.util.Set::size).sum(), c.validLines());
        }
    }

    private static long[] randomRun(long seed) {
        Random r = new Random(seed);
        Cache c = new Cache(64, 2, 32);
        long cycles = 0;
        for (int i = 0; i < 10_000; i++) {
            cycles += c.access(r.nextLong() & 0xF_FFFF);
        }
        assertEquals(c.hits() * HIT + c.misses() * MISS, cycles);
        return new long[] {c.hits(), c.misses(), c.validLines(), c.evictions()};
    }

    private static void assertMessage(String what, String value, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(what) && e.getMessage().contains(value), e.getMessage());
    }
}
