package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import kola.abi.Memory;
import kola.machine.Cache;
import kola.machine.CostModel;
import kola.machine.Machine;
import org.junit.jupiter.api.Test;

/**
 * The machine's memory cache is shared between address spaces (DESIGN.md, "Micro-architecture
 * cost model"): one task's accesses change another's timing unless their frames have different
 * colours. The boss (a Java task) times a loop over one page of its own before and after a
 * worker in another address space reads lines of two pages; sigma0 maps every page 1:1, so each
 * virtual address here is its physical address too.
 */
class CacheInterferenceTest {
    /** 128 sets of 2 ways of 64-byte lines: 16 KiB, two page colours. */
    static final Cache.Geometry GEOMETRY = new Cache.Geometry(128, 2, 64);
    static final int LINES_PER_PAGE = 4096 / 64;
    /** The boss's buffer: frame 0x3000 (colour 0). */
    static final long BUFFER = 0x0300_0000L;
    /** Two frames of the buffer's colour: together they fill both ways of every set the buffer uses. */
    static final long SAME_COLOUR_1 = 0x0400_0000L;
    static final long SAME_COLOUR_2 = 0x0400_2000L;
    /** Two frames of the other colour. */
    static final long OTHER_COLOUR_1 = 0x0400_1000L;
    static final long OTHER_COLOUR_2 = 0x0400_3000L;

    /** The boss's loop over every line of its buffer: its cycles (translations hit the TLB). */
    static long timedLoop(Kernel k, Memory m) {
        long t0 = k.clock.now();
        for (int i = 0; i < LINES_PER_PAGE; i++) {
            m.load64(BUFFER + 64L * i);
        }
        return k.clock.now() - t0;
    }

    /** The worker reads one word of every line of {@code a} and {@code b}. */
    static void touch(AddressSpaceHarness.Boss b, long a, long c) {
        for (int i = 0; i < LINES_PER_PAGE; i++) {
            b.readOk("w", a + 64L * i);
            b.readOk("w", c + 64L * i);
        }
    }

    /**
     * Times of the loop: warm, after the worker's same-colour reads, warm again, after its
     * other-colour reads; the colours; the run's trace hash and cycles.
     */
    static long[] run(Cache.Geometry geometry) {
        long[] seen = new long[8];
        Kernel.RunResult r = new AddressSpaceHarness("w").machine(Machine.Config.defaults().withUart(null, null).withCache(geometry)).script(b -> {
            Kernel k = b.kernel();
            Memory m = b.l4.memory();
            Cache cache = k.machine.cache();
            touch(b, SAME_COLOUR_1, SAME_COLOUR_2); // the worker's pages faulted in and its TLB entries made
            touch(b, OTHER_COLOUR_1, OTHER_COLOUR_2);
            timedLoop(k, m); // faults the buffer in, fills its lines and TLB entry
            seen[0] = timedLoop(k, m);
            touch(b, SAME_COLOUR_1, SAME_COLOUR_2);
            seen[1] = timedLoop(k, m);
            seen[2] = timedLoop(k, m);
            touch(b, OTHER_COLOUR_1, OTHER_COLOUR_2);
            seen[3] = timedLoop(k, m);
            if (cache != null) {
                seen[4] = cache.colourOf(BUFFER >>> 12) * 10 + cache.colourOf(SAME_COLOUR_2 >>> 12);
                seen[5] = cache.colourOf(OTHER_COLOUR_1 >>> 12) * 10 + cache.colourOf(OTHER_COLOUR_2 >>> 12);
            }
        }).run();
        seen[6] = r.eventHash();
        seen[7] = r.cycles();
        return seen;
    }

    @Test
    void anotherSpacesReadsOfTheSameColourEvictTheBufferAndOfAnotherColourDoNot() {
        long[] t = run(GEOMETRY);
        assertEquals(0, t[4], "buffer and the first pages share colour 0");
        assertEquals(11, t[5], "the other pages have colour 1");
        long warm = LINES_PER_PAGE * CostModel.CACHE_HIT;
        assertEquals(warm, t[0], "warm: every line hits");
        assertEquals(LINES_PER_PAGE * CostModel.CACHE_MISS, t[1], "after the worker's same-colour reads every line misses");
        assertEquals(warm, t[2]);
        assertEquals(warm, t[3], "the worker's other-colour reads left the buffer's lines alone");
    }

    @Test
    void withoutACacheTheWorkerChangesNothing() {
        long[] t = run(null);
        long flat = LINES_PER_PAGE * CostModel.MEMORY_ACCESS;
        assertEquals(flat, t[0]);
        assertEquals(flat, t[1]);
        assertEquals(flat, t[2]);
        assertEquals(flat, t[3]);
    }

    @Test
    void theSameRunGivesTheSameTimesAndTrace() {
        long[] first = run(GEOMETRY);
        long[] second = run(GEOMETRY);
        assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(second));
    }

    @Test
    void anIpcStringCopyAccessesEveryLineOfSourceAndDestination() {
        byte[] d = StringItemTest.data(StringItemTest.LEN, 5);
        long src = StringItemTest.SRC; // 0x0400_0F00: 400 bytes, seven lines over two pages
        long dst = StringItemTest.DST; // 0x0500_0F80: seven lines over two pages
        long[] seen = new long[2];
        new AddressSpaceHarness("A", "B").machine(Machine.Config.defaults().withUart(null, null).withCache(new Cache.Geometry(256, 4, 64)))
                .script(b -> {
                    StringItemTest.writeBytes(b, "A", src, d);
                    StringItemTest.writeBytes(b, "B", dst, new byte[StringItemTest.LEN]);
                    Cache cache = b.kernel().machine.cache();
                    cache.flush();
                    cache.resetCounters();
                    AddressSpaceHarness.Transfer t = b.transfer("A", "B", StringItemTest.buffer(dst, StringItemTest.LEN),
                            kola.abi.MsgTag.make(0x33, 0, 2), kola.abi.Items.stringWord(StringItemTest.LEN), src);
                    assertEquals(true, t.ok(), t.toString());
                    seen[0] = cache.misses();
                    for (long line = src & ~63L; line < src + StringItemTest.LEN; line += 64) {
                        assertEquals(true, cache.holds(line), "source line 0x" + Long.toHexString(line));
                    }
                    for (long line = dst & ~63L; line < dst + StringItemTest.LEN; line += 64) {
                        assertEquals(true, cache.holds(line), "destination line 0x" + Long.toHexString(line));
                    }
                    seen[1] = cache.validLines();
                    org.junit.jupiter.api.Assertions.assertArrayEquals(d, StringItemTest.readBytes(b, "B", dst, StringItemTest.LEN));
                }).run();
        assertEquals(14, seen[0], "seven lines each side, each once");
        assertEquals(14, seen[1]);
    }

    @Test
    void aJavaTasksAccessesReachTheCacheOneLineEachAndBlockTransfersEveryLine() {
        long[] seen = new long[8];
        new AddressSpaceHarness().machine(Machine.Config.defaults().withUart(null, null).withCache(GEOMETRY)).script(b -> {
            Kernel k = b.kernel();
            Memory m = b.l4.memory();
            Cache cache = k.machine.cache();
            m.store64(BUFFER, 1); // faults the page in
            cache.flush();
            cache.resetCounters();
            m.write(BUFFER + 32, new byte[256], 0, 256); // 0x20..0x11F: lines 0, 1, 2, 3 and 4
            seen[0] = cache.misses();
            byte[] back = new byte[256];
            m.read(BUFFER + 32, back, 0, 256);
            seen[1] = cache.hits();
            long t = k.clock.now();
            m.load64(BUFFER + 64 * 7); // a new line
            seen[2] = k.clock.now() - t;
            t = k.clock.now();
            m.load32(BUFFER + 64 * 7 + 4);
            seen[3] = k.clock.now() - t;
            long misses = cache.misses();
            m.load64(BUFFER + 64 * 9 - 4); // straddles lines 8 and 9: counted on line 8 only
            seen[4] = cache.misses() - misses;
            seen[5] = cache.holds(BUFFER + 64 * 9) ? 1 : 0;
        }).run();
        assertEquals(5, seen[0], "a 256-byte write over five lines");
        assertEquals(5, seen[1], "read back: five hits");
        assertEquals(CostModel.CACHE_MISS, seen[2]);
        assertEquals(CostModel.CACHE_HIT, seen[3]);
        assertEquals(1, seen[4]);
        assertEquals(0, seen[5]);
    }
}
