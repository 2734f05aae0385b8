package kola.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import kola.abi.Fpage;
import kola.abi.KernelError;
import kola.abi.KipLayout;
import kola.abi.L4;
import kola.abi.Memory;
import kola.abi.MemoryControl;
import kola.machine.Cache;
import kola.machine.CostModel;
import kola.machine.Machine;
import kola.machine.Sv39;
import org.junit.jupiter.api.Test;

/**
 * X.2's MemoryControl (and both calls' privilege; ProcessorControl: {@link ProcessorControlTest}): the attributes (Svpbmt memory types) read back from
 * the caller's page-table leaves and mapping nodes, their cost with a memory cache, the remapping
 * rules, bad input (nothing changes) and privilege. The boss of {@link AddressSpaceHarness} is the
 * root task, privileged; its pages come 1:1 from sigma0 on faults.
 */
class MemoryControlTest {
    static final long P = 0x0300_0000L;
    static final int PAGES = 4;
    /** A page of the boss's that it never touches (so never holds). */
    static final long UNHELD = 0x0310_0000L;

    private static Space spaceOf(AddressSpaceHarness.Boss b) {
        return b.kernel().threads.lookup(b.l4.myGlobalId()).space;
    }

    /** The Svpbmt type of {@code space}'s leaf for {@code va}, or -1 if it has none. */
    private static int pbmt(Space space, long va) {
        long pte = space.pageTable.lookup(va);
        return Sv39.isLeaf(pte) ? Sv39.pbmt(pte) : -1;
    }

    /** The attributes of pages P.. as the leaves and nodes hold them: "leaf/node" each. */
    private static List<String> attributes(Space space, int pages) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            long va = P + ((long) i << 12);
            MapNode n = space.pages.get(va >>> 12);
            out.add(pbmt(space, va) + "/" + (n == null ? "-" : n.attribute));
        }
        return out;
    }

    private static void touch(Memory m, int pages) {
        for (int i = 0; i < pages; i++) {
            m.store64(P + ((long) i << 12), 100 + i);
        }
    }

    @Test
    void attributesAreSetOnTheCallersPagesAndReadBackFromTheLeaves() {
        List<Object> seen = new ArrayList<>();
        new AddressSpaceHarness().script(b -> {
            L4 l4 = b.l4;
            touch(l4.memory(), PAGES);
            Space s = spaceOf(b);
            seen.add(attributes(s, PAGES));
            // MR0: P..P+2 pages, attribute 1 (NC); MR1: the third page, attribute 2 (IO); MR2 nil;
            // MR3: a page not held, attribute 0. Attribute 3 is garbage, but no fpage chooses it.
            l4.setMr(0, Fpage.of(P, 13, 0) | 1);
            l4.setMr(1, Fpage.of(P + 0x2000, 12, 0) | 2);
            l4.setMr(2, Fpage.NIL);
            l4.setMr(3, Fpage.of(UNHELD, 12, 0));
            seen.add(l4.memoryControl(3, MemoryControl.DEFAULT, MemoryControl.NONCACHEABLE, MemoryControl.IO, 77));
            seen.add(l4.errorCode());
            seen.add(attributes(s, PAGES));
            seen.add(pbmt(s, UNHELD));
            long sum = 0;
            for (int i = 0; i < PAGES; i++) {
                sum += l4.memory().load64(P + ((long) i << 12)); // the values are as they were
            }
            seen.add(sum);
            // Overlapping fpages: the later one sets its pages again.
            l4.setMr(0, Fpage.of(P, 14, 0) | 3);
            l4.setMr(1, Fpage.of(P + 0x3000, 12, 0) | 1);
            seen.add(l4.memoryControl(1, 0, MemoryControl.NONCACHEABLE, 0, MemoryControl.IO));
            seen.add(attributes(s, PAGES));
            // The complete fpage: every page the space holds, back to the default.
            l4.setMr(0, Fpage.COMPLETE);
            seen.add(l4.memoryControl(0, MemoryControl.DEFAULT, 9, 9, 9));
            seen.add(attributes(s, PAGES));
            seen.add(b.kernel().checkInvariants());
        }).run();
        assertEquals(List.of(List.of("0/0", "0/0", "0/0", "0/0"), 1L, 0L, List.of("1/1", "1/1", "2/2", "0/0"), -1,
                100L + 101 + 102 + 103, 1L, List.of("2/2", "2/2", "2/2", "1/1"), 1L, List.of("0/0", "0/0", "0/0", "0/0"),
                List.of()), seen);
    }

    /**
     * The mapping inspection shows a page's memory attribute where it is not the default:
     * {@link Kernel#mappings()} carries it, {@link MappingDump} (and with it the kernel debugger's
     * {@code mappings}) writes it after the rights and starts a new run where it changes; pages of
     * the default attribute print as before.
     */
    @Test
    void theMappingInspectionShowsAPagesMemoryAttributeWhenItIsNotTheDefault() {
        List<Object> seen = new ArrayList<>();
        new AddressSpaceHarness().script(b -> {
            L4 l4 = b.l4;
            touch(l4.memory(), PAGES);
            String before = String.join("\n", lines(b.kernel(), spaceOf(b)));
            l4.setMr(0, Fpage.of(P, 13, 0) | 1); // pages 0 and 1: NC
            l4.setMr(1, Fpage.of(P + 0x2000, 12, 0) | 2); // page 2: IO; page 3 keeps the default
            seen.add(l4.memoryControl(1, MemoryControl.DEFAULT, MemoryControl.NONCACHEABLE, MemoryControl.IO, 0));
            Space s = spaceOf(b);
            List<Object> attributes = new ArrayList<>();
            for (Kernel.Mapping m : b.kernel().mappings()) {
                if (m.asid() == s.asid && m.va() >= P && m.va() < P + PAGES * 4096L) {
                    attributes.add(m.attribute() + m.attributeName());
                }
            }
            seen.add(attributes);
            seen.add(before);
            seen.add(lines(b.kernel(), s));
            String kdb = l4.kdbQuery("mappings");
            seen.add(lines(b.kernel(), s).stream().allMatch(kdb::contains));
            seen.add(b.kernel().checkInvariants());
        }).run();
        String from = "  from sigma0 0x";
        assertEquals(List.of(1L, List.of("1NC", "1NC", "2IO", "0"),
                "    0x003000000-0x003003fff -> frame 0x3000 (4 pages)  rwx" + from + "3000000",
                List.of("    0x003000000-0x003001fff -> frame 0x3000 (2 pages)  rwx NC" + from + "3000000",
                        "    0x003002000 -> frame 0x3002  rwx IO" + from + "3002000",
                        "    0x003003000 -> frame 0x3003  rwx" + from + "3003000"),
                true, List.of()), seen);
    }

    /** {@link MappingDump}'s lines of {@code space} for pages P.. (its runs there). */
    private static List<String> lines(Kernel k, Space space) {
        return MappingDump.lines(k.mappings(), k.spaces().stream().filter(i -> i.asid() == space.asid).toList()).stream()
                .filter(l -> l.startsWith("    0x00300")).toList();
    }

    @Test
    void badFpagesAndAttributesAreRefusedAndChangeNothing() {
        List<String> failures = new ArrayList<>();
        new AddressSpaceHarness().script(b -> {
            L4 l4 = b.l4;
            touch(l4.memory(), PAGES);
            Space s = spaceOf(b);
            l4.setMr(0, Fpage.of(P, 12, 0) | 1);
            assertEquals(1, l4.memoryControl(0, 0, MemoryControl.IO, 0, 0));
            Kernel k = b.kernel();
            List<String> before = attributes(s, PAGES);
            List<String> layout = k.spaceLayouts();
            long good = Fpage.of(P, 14, 0); // all four pages, attribute 0
            long[][] cases = {
                // {control, attribute0..3, MR0, MR1, ...}
                {0, 3, 0, 0, 0, good},                              // the reserved type 3
                {0, -1, 0, 0, 0, good},                             // all ones
                {0, Long.MIN_VALUE, 0, 0, 0, good},                 // negative
                {0, 0, 0, 0, 1L << 32, good | 3},                   // attribute3 out of range
                {0x40, 0, 0, 0, 0, good},                           // another bit in control
                {-1, 0, 0, 0, 0, good},                             // all ones as control
                {0, 0, 0, 0, 0, (P >>> 10 << 10) | 11 << 4},        // a 2 KiB fpage
                {0, 0, 0, 0, 0, (P + 0x1000) >>> 10 << 10 | 13 << 4}, // misaligned base
                {0, 0, 0, 0, 0, good | 8},                          // an object fpage
                {0, 0, 0, 0, 0, 39L << 4},                          // past the user address space
                {1, 0, 0, 0, 0, good, -1L},                         // a good fpage, then garbage: neither applies
                {2, 0, 0, 0, 9, good, Fpage.NIL, good | 3},         // a good fpage, then a bad attribute
            };
            for (long[] c : cases) {
                for (int i = 5; i < c.length; i++) {
                    l4.setMr(i - 5, c[i]);
                }
                long r = l4.memoryControl(c[0], c[1], c[2], c[3], c[4]);
                if (r != 0 || l4.errorCode() != KernelError.INVALID_PARAMETER) {
                    failures.add(java.util.Arrays.toString(c) + ": result " + r + ", error " + l4.errorCode());
                }
                if (!attributes(s, PAGES).equals(before) || !k.spaceLayouts().equals(layout)) {
                    failures.add(java.util.Arrays.toString(c) + " changed " + attributes(s, PAGES));
                }
            }
            // k = 63, more fpages than the script set: MR1..MR62 good, MR63 left hostile.
            for (int i = 0; i < 63; i++) {
                l4.setMr(i, good);
            }
            l4.setMr(63, 0x7777_7777_7777_7777L);
            long r = l4.memoryControl(63, MemoryControl.NONCACHEABLE, 0, 0, 0);
            if (r != 0 || l4.errorCode() != KernelError.INVALID_PARAMETER || !attributes(s, PAGES).equals(before)) {
                failures.add("k = 63 with a hostile MR63: result " + r + ", error " + l4.errorCode() + ", " + attributes(s, PAGES));
            }
            // The same 64 fpages, all good: every page NC.
            l4.setMr(63, Fpage.NIL);
            if (l4.memoryControl(63, MemoryControl.NONCACHEABLE, 0, 0, 0) != 1
                    || !attributes(s, PAGES).equals(List.of("1/1", "1/1", "1/1", "1/1"))) {
                failures.add("k = 63, all good: " + l4.errorCode() + ", " + attributes(s, PAGES));
            }
            failures.addAll(k.checkInvariants());
        }).run();
        assertEquals(List.of(), failures);
    }

    @Test
    void onlyAPrivilegedSpaceMayCallEitherAndARefusalChangesNothing() {
        KernelHarness g = new KernelHarness();
        g.root(l4 -> g.startTask(l4, KernelHarness.tid(3), "a", 0, 100));
        g.module("a", l4 -> {
            l4.setMr(0, Fpage.COMPLETE);
            g.expectError(l4, "MemoryControl, unprivileged", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.memoryControl(0, MemoryControl.NONCACHEABLE, 0, 0, 0));
            g.expectError(l4, "MemoryControl with bad words, unprivileged", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.memoryControl(-1, -1, -1, -1, -1));
            g.expectError(l4, "ProcessorControl, unprivileged", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.processorControl(0, 0, 0, 0));
            g.expectError(l4, "ProcessorControl changing the frequency, unprivileged", KernelError.NO_PRIVILEGE, 0,
                    () -> l4.processorControl(0, 500_000, 0, 0));
            g.log.add("a done");
        });
        g.run();
        g.assertNoFailures();
        assertEquals(List.of("a done"), g.log);
    }

    @Test
    void withACacheUncachedPagesBypassItAndCostATripToMemoryEach() {
        int loads = 10;
        long[] seen = new long[12];
        new AddressSpaceHarness().machine(Machine.Config.defaults().withUart(null, null).withCache(new Cache.Geometry(256, 4, 64)))
                .script(b -> {
                    L4 l4 = b.l4;
                    Kernel k = b.kernel();
                    UserApi api = (UserApi) l4;
                    Memory m = l4.memory();
                    Cache cache = k.machine.cache();
                    m.store64(P, 5);
                    m.load64(P); // the line is in the cache
                    l4.setMr(0, Fpage.of(P, 12, 0));
                    l4.memoryControl(0, MemoryControl.NONCACHEABLE, 0, 0, 0);
                    api.settle();
                    long now = k.clock.now();
                    long hits = cache.hits();
                    long misses = cache.misses();
                    long uncached = k.machine.mmu().uncachedAccesses();
                    long sum = 0;
                    for (int i = 0; i < loads; i++) {
                        sum += m.load64(P);
                    }
                    api.settle();
                    seen[0] = sum;
                    seen[1] = k.clock.now() - now;
                    seen[2] = cache.hits() - hits + cache.misses() - misses;
                    seen[3] = k.machine.mmu().uncachedAccesses() - uncached;
                    seen[4] = cache.holds(P) ? 1 : 0; // (P is sigma0's frame P: 1:1)
                    // A read of four lines: the translation's access and three more, each to memory.
                    uncached = k.machine.mmu().uncachedAccesses();
                    m.read(P, new byte[256], 0, 256);
                    seen[5] = k.machine.mmu().uncachedAccesses() - uncached;
                    // Back to the default: the same loads hit the cache again.
                    l4.setMr(0, Fpage.of(P, 12, 0));
                    l4.memoryControl(0, MemoryControl.DEFAULT, 0, 0, 0);
                    api.settle();
                    now = k.clock.now();
                    hits = cache.hits();
                    uncached = k.machine.mmu().uncachedAccesses();
                    for (int i = 0; i < loads; i++) {
                        sum += m.load64(P);
                    }
                    api.settle();
                    seen[6] = k.clock.now() - now;
                    seen[7] = cache.hits() - hits;
                    seen[8] = k.machine.mmu().uncachedAccesses() - uncached;
                }).run();
        assertEquals(loads * 5, seen[0]);
        assertEquals(3 * CostModel.PAGE_WALK_LEVEL + loads * CostModel.UNCACHED_ACCESS, seen[1],
                "a walk (the call flushed the page's TLB entry), then every load to memory");
        assertEquals(0, seen[2], "the cache was not accessed");
        assertEquals(loads, seen[3], "every load counted as uncached");
        assertEquals(1, seen[4], "and the line it held before stays");
        assertEquals(4, seen[5]);
        assertEquals(3 * CostModel.PAGE_WALK_LEVEL + loads * CostModel.CACHE_HIT, seen[6], "a walk, then hits");
        assertEquals(loads, seen[7]);
        assertEquals(0, seen[8]);
    }

    @Test
    void theAttributeIsTheCallersMappingsAPageMappedOnGetsTheDefaultAndAFlushTakesIt() {
        List<Object> seen = new ArrayList<>();
        long va = 0x0500_0000L;
        new AddressSpaceHarness("w").pager("w", KernelHarness.ROOT).script(b -> {
            L4 l4 = b.l4;
            touch(l4.memory(), 1);
            Space s = spaceOf(b);
            l4.setMr(0, Fpage.of(P, 12, 0));
            seen.add(l4.memoryControl(0, MemoryControl.IO, 0, 0, 0));
            // w faults at va; the boss, its pager, maps its own IO page there.
            AddressSpaceHarness.Reply fault = b.read("w", va);
            seen.add(fault.faultAddress() == va);
            AddressSpaceHarness.Reply answer = b.resolve("w", Fpage.of(P, 12, Fpage.RWX), va);
            seen.add(answer.word(0));
            Space w = b.kernel().threads.lookup(b.id("w")).space;
            seen.add(pbmt(w, va) + "/" + w.pages.get(va >>> 12).attribute);
            seen.add(attributes(s, 1));
            // MemoryControl of the boss touches its own mapping only, never w's derived one.
            l4.setMr(0, Fpage.of(P, 12, 0)); // (the IPCs used the MRs)
            seen.add(l4.memoryControl(0, MemoryControl.NONCACHEABLE, 0, 0, 0));
            seen.add(pbmt(w, va) + " " + attributes(s, 1));
            // A flush of the boss's page removes its mapping (and w's): the attribute goes with it.
            l4.setMr(0, Fpage.of(P, 12, Fpage.RWX));
            l4.unmap(0x40);
            seen.add(pbmt(s, P) + " " + pbmt(w, va));
            l4.memory().load64(P); // faulted in again from sigma0: a new mapping, the default
            seen.add(attributes(s, 1));
            seen.add(b.kernel().checkInvariants());
        }).run();
        assertEquals(List.of(1L, true, 100L, "0/0", List.of("2/2"), 1L, "0 [1/1]", "-1 -1", List.of("0/0"), List.of()), seen);
    }

    @Test
    void theKipAndUtcbPagesAreSkipped() {
        List<Object> seen = new ArrayList<>();
        new AddressSpaceHarness().script(b -> {
            L4 l4 = b.l4;
            Space s = spaceOf(b);
            long kip = Fpage.base(s.kipArea);
            l4.setMr(0, Fpage.of(kip, 12, 0));
            l4.setMr(1, Fpage.COMPLETE | 1);
            seen.add(l4.memoryControl(1, MemoryControl.IO, MemoryControl.IO, 0, 0));
            seen.add(pbmt(s, kip));
            seen.add(l4.memory().load32(kip) != 0);
            seen.add(b.kernel().checkInvariants());
        }).run();
        assertEquals(List.of(1L, 0, true, List.of()), seen);
    }

    /** A word that is often a plausible fpage or attribute, often not. */
    private static long hostile(java.util.Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> Fpage.NIL;
            case 1 -> Fpage.COMPLETE | r.nextInt(16);
            case 2 -> Fpage.of(P + ((long) r.nextInt(PAGES) << 12), 12, 0) | r.nextInt(4);
            case 3 -> Fpage.of(P, 12 + r.nextInt(3), 0) | r.nextInt(16);
            case 4 -> r.nextInt(4);
            case 5 -> -1L;
            default -> r.nextLong();
        };
    }

    @Test
    void hostileWordsGetAResultAndAnErrorCodeAndARefusalChangesNothing() {
        List<String> failures = new ArrayList<>();
        new AddressSpaceHarness().script(b -> {
            L4 l4 = b.l4;
            touch(l4.memory(), PAGES);
            Kernel k = b.kernel();
            Space s = spaceOf(b);
            java.util.Random r = new java.util.Random(0x3E3C);
            int successes = 0;
            for (int round = 0; round < 400; round++) {
                for (int i = 0; i < 64; i++) {
                    l4.setMr(i, hostile(r));
                }
                long control = r.nextBoolean() ? r.nextInt(4) : r.nextInt(3) == 0 ? r.nextInt(64) : hostile(r);
                long[] a = new long[4];
                for (int i = 0; i < 4; i++) {
                    a[i] = r.nextInt(3) == 0 ? hostile(r) : r.nextInt(3);
                }
                List<String> before = attributes(s, PAGES);
                List<String> layout = k.spaceLayouts();
                long result = l4.memoryControl(control, a[0], a[1], a[2], a[3]);
                long error = l4.errorCode();
                if (result == 1 && error == KernelError.OK) {
                    successes++;
                } else if (result != 0 || error != KernelError.INVALID_PARAMETER
                        || !before.equals(attributes(s, PAGES)) || !layout.equals(k.spaceLayouts())) {
                    failures.add("round " + round + ": result " + result + ", error " + error);
                }
                long khz = k.clock.khz();
                long pr = l4.processorControl(r.nextInt(3) == 0 ? hostile(r) : 0, hostile(r), hostile(r), hostile(r));
                if (pr == 0 && (l4.errorCode() != KernelError.INVALID_PARAMETER || k.clock.khz() != khz)
                        || pr == 1 && l4.errorCode() != KernelError.OK || pr != 0 && pr != 1) {
                    failures.add("round " + round + ": ProcessorControl " + pr + ", error " + l4.errorCode());
                }
                failures.addAll(k.checkInvariants());
            }
            l4.processorControl(0, kola.machine.CycleClock.BASE_KHZ, 0, 0);
            if (successes < 20) {
                failures.add("only " + successes + " calls succeeded: the words are not varied enough");
            }
        }).run();
        assertEquals(List.of(), failures);
    }
}
