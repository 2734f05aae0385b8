package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MmuTest {

    private static final int PAGE = PhysicalMemory.PAGE_SIZE;
    private static final long MIB2 = 1L << 21;
    private static final long GIB = 1L << 30;
    /** Accessed and dirty already, as are the others below: their walks write nothing back (the A/D tests start clean). */
    private static final int USER_RWX = Sv39.V | Sv39.R | Sv39.W | Sv39.X | Sv39.U | Sv39.A | Sv39.D;
    private static final int USER_RO = Sv39.V | Sv39.R | Sv39.U | Sv39.A;
    /** A page never accessed: A and D clear. */
    private static final int CLEAN_RW = Sv39.V | Sv39.R | Sv39.W | Sv39.U;
    private static final long WALK_3 = 3 * CostModel.PAGE_WALK_LEVEL + CostModel.MEMORY_ACCESS;

    private PhysicalMemory mem;
    private CycleClock clock;
    private Tlb tlb;
    private Mmu mmu;
    private long nextTableFrame;

    @BeforeEach
    void setUp() {
        mem = new PhysicalMemory(4 * GIB);
        clock = new CycleClock();
        tlb = new Tlb(64);
        mmu = new Mmu(mem, tlb, clock);
        nextTableFrame = 16;
    }

    /** Allocates an empty page-table frame. */
    private long table() {
        return nextTableFrame++;
    }

    /** Installs a leaf for {@code va} at {@code level}, creating intermediate tables as needed. */
    private void map(long root, long va, int level, long pfn, int flags) {
        long table = root;
        for (int l = Sv39.LEVELS - 1; l > level; l--) {
            long slot = table * PAGE + 8L * Sv39.vpn(va, l);
            long pte = mem.load64(slot);
            if ((pte & Sv39.V) == 0) {
                pte = Sv39.pte(table(), Sv39.V);
                mem.store64(slot, pte);
            }
            table = Sv39.pfn(pte);
        }
        mem.store64(table * PAGE + 8L * Sv39.vpn(va, level), Sv39.pte(pfn, flags));
    }

    @Test
    void fourKibPageTranslatesAndIsCached() {
        long root = table();
        map(root, 0x40_0000, 0, 0x1234, USER_RWX);
        assertEquals(0x1234L * PAGE + 0x56, mmu.translate(1, root, 0x40_0056, Tlb.READ));
        assertEquals(WALK_3, clock.now());
        assertEquals(1, mmu.walks());
        assertEquals(0x1234L * PAGE + 0xFF8, mmu.translate(1, root, 0x40_0FF8, Tlb.WRITE));
        assertEquals(WALK_3 + CostModel.MEMORY_ACCESS, clock.now(), "TLB hit charges one access");
        assertEquals(1, mmu.walks());
        assertEquals(1, tlb.hits());
        assertEquals(0x1234, tlb.lookup(1, Sv39.pageNumber(0x40_0000), Tlb.EXECUTE | Tlb.USER));
    }

    @Test
    void accessorsReturnTheParts() {
        assertEquals(mem, mmu.memory());
        assertEquals(tlb, mmu.tlb());
    }

    @Test
    void twoMibPageMapsEveryFourKibPageInside() {
        long root = table();
        long va = 5 * MIB2;
        long leafPfn = 0x200 * 7;
        map(root, va, 1, leafPfn, USER_RWX);
        long offset = 0x1F_3ABC;
        assertEquals(leafPfn * PAGE + offset, mmu.translate(0, root, va + offset, Tlb.READ));
        assertEquals(2 * CostModel.PAGE_WALK_LEVEL + CostModel.MEMORY_ACCESS, clock.now());
        assertEquals(leafPfn + 0x1F3, tlb.lookup(0, Sv39.pageNumber(va + offset), Tlb.READ), "4 KiB granularity fill");
        assertEquals(leafPfn * PAGE, mmu.translate(0, root, va, Tlb.READ));
        assertEquals(2, mmu.walks());
    }

    @Test
    void oneGibPageMapsEveryFourKibPageInside() {
        long root = table();
        long va = 3 * GIB;
        long leafPfn = 0x40000;
        map(root, va, 2, leafPfn, USER_RWX);
        long offset = 0x3ABC_DEF1L;
        assertEquals(leafPfn * PAGE + offset, mmu.translate(0, root, va + offset, Tlb.WRITE));
        assertEquals(CostModel.PAGE_WALK_LEVEL + CostModel.MEMORY_ACCESS, clock.now());
    }

    @Test
    void misalignedSuperpagesAreNotMapped() {
        long root = table();
        map(root, 2 * MIB2, 1, 0x201, USER_RWX);
        map(root, 2 * GIB, 2, 0x40000 + 0x200, USER_RWX);
        assertEquals(Mmu.FAULT_NOT_MAPPED, mmu.translate(0, root, 2 * MIB2 + 5, Tlb.READ));
        assertEquals(Mmu.FAULT_NOT_MAPPED, mmu.translate(0, root, 2 * GIB + 5, Tlb.READ));
        assertEquals(-1, tlb.lookup(0, Sv39.pageNumber(2 * MIB2), 0), "nothing cached");
    }

    @Test
    void missingEntriesAreNotMapped() {
        long root = table();
        assertEquals(Mmu.FAULT_NOT_MAPPED, mmu.translate(0, root, 0x1000, Tlb.READ));
        assertEquals(CostModel.PAGE_WALK_LEVEL, clock.now(), "one level read");
        map(root, 0x1000, 0, 9, USER_RWX);
        assertEquals(Mmu.FAULT_NOT_MAPPED, mmu.translate(0, root, 0x2000, Tlb.READ), "neighbour not mapped");
    }

    @Test
    void malformedEntriesAreNotMapped() {
        long root = table();
        map(root, 0x1000, 0, 9, Sv39.V | Sv39.W | Sv39.U);
        assertEquals(Mmu.FAULT_NOT_MAPPED, mmu.translate(0, root, 0x1000, Tlb.READ), "W without R");
        map(root, 0x2000, 0, 9, Sv39.V);
        assertEquals(Mmu.FAULT_NOT_MAPPED, mmu.translate(0, root, 0x2000, Tlb.READ), "pointer at level 0");
        map(root, 0x3000, 0, 9, USER_RWX);
        long level1 = Sv39.pfn(mem.load64(root * PAGE));
        long level0 = Sv39.pfn(mem.load64(level1 * PAGE));
        mem.store64(level0 * PAGE + 8 * 3, Sv39.pte(9, USER_RWX) | (1L << 60));
        assertEquals(Mmu.FAULT_NOT_MAPPED, mmu.translate(0, root, 0x3000, Tlb.READ), "reserved bits");
    }

    @Test
    void accessNeedsTheRight() {
        long root = table();
        map(root, 0x1000, 0, 9, USER_RO);
        assertEquals(Mmu.FAULT_PROTECTION, mmu.translate(0, root, 0x1000, Tlb.WRITE));
        assertEquals(Mmu.FAULT_PROTECTION, mmu.translate(0, root, 0x1000, Tlb.EXECUTE));
        assertEquals(9L * PAGE, mmu.translate(0, root, 0x1000, Tlb.READ));
        assertEquals(Mmu.FAULT_PROTECTION, mmu.translate(0, root, 0x1000, Tlb.WRITE), "cached read right does not grant write");
        map(root, 0x2000, 0, 10, Sv39.V | Sv39.X | Sv39.U);
        assertEquals(10L * PAGE, mmu.translate(0, root, 0x2000, Tlb.EXECUTE));
        assertEquals(Mmu.FAULT_PROTECTION, mmu.translate(0, root, 0x2000, Tlb.READ));
    }

    @Test
    void userAccessNeedsTheUserBit() {
        long root = table();
        map(root, 0x1000, 0, 9, Sv39.V | Sv39.R | Sv39.W);
        assertEquals(Mmu.FAULT_PROTECTION, mmu.translate(0, root, 0x1000, Tlb.READ));
        assertEquals(9L * PAGE, mmu.translateSupervisor(0, root, 0x1000, Tlb.READ));
        assertEquals(Mmu.FAULT_PROTECTION, mmu.translate(0, root, 0x1000, Tlb.READ), "supervisor fill does not leak to user");
    }

    @Test
    void nonCanonicalAddressesFaultWithoutCost() {
        long root = table();
        assertEquals(Mmu.FAULT_NONCANONICAL, mmu.translate(0, root, 1L << 38, Tlb.READ));
        assertEquals(Mmu.FAULT_NONCANONICAL, mmu.translate(0, root, Long.MIN_VALUE, Tlb.READ));
        assertEquals(0, clock.now());
    }

    @Test
    void upperHalfAddressesTranslate() {
        long root = table();
        long va = -(1L << 38) + 0x5000;
        map(root, va, 0, 77, USER_RWX);
        assertEquals(256, Sv39.vpn(va, 2));
        assertEquals(77L * PAGE + 0x12, mmu.translate(0, root, va + 0x12, Tlb.READ));
        assertEquals(Mmu.FAULT_NOT_MAPPED, mmu.translate(0, root, 0x5000, Tlb.READ), "lower half is different");
    }

    @Test
    void spacesAreSeparatedByAsid() {
        long rootA = table();
        long rootB = table();
        map(rootA, 0x1000, 0, 100, USER_RWX);
        map(rootB, 0x1000, 0, 200, USER_RWX);
        assertEquals(100L * PAGE, mmu.translate(1, rootA, 0x1000, Tlb.READ));
        assertEquals(200L * PAGE, mmu.translate(2, rootB, 0x1000, Tlb.READ));
        assertEquals(100L * PAGE, mmu.translate(1, rootA, 0x1000, Tlb.READ));
        assertEquals(2, mmu.walks());
    }

    @Test
    void unmapNeedsAFlushToTakeEffect() {
        long root = table();
        map(root, 0x1000, 0, 9, USER_RWX);
        assertEquals(9L * PAGE, mmu.translate(0, root, 0x1000, Tlb.READ));
        map(root, 0x1000, 0, 0, 0);
        assertEquals(9L * PAGE, mmu.translate(0, root, 0x1000, Tlb.READ), "stale until flushed");
        tlb.flush(0, Sv39.pageNumber(0x1000));
        assertEquals(Mmu.FAULT_NOT_MAPPED, mmu.translate(0, root, 0x1000, Tlb.READ));
    }

    @Test
    void translationAllocatesNothing() {
        long root = table();
        for (long page = 0; page < 8; page++) {
            map(root, page * PAGE, 0, 100 + page, USER_RWX);
        }
        long allocated = Allocations.of(() -> {
            for (int i = 0; i < 100_000; i++) {
                long va = (i & 0xFFFF) % (8 * PAGE);
                if (mmu.translate(i & 1, root, va, Tlb.READ) < 0) {
                    throw new AssertionError();
                }
                if ((i & 1023) == 0) {
                    tlb.flushAsid(i & 1);
                }
            }
        });
        assertTrue(allocated < Allocations.NOISE_BYTES, allocated + " bytes allocated by 100000 translations");
    }

    @Test
    void deviceFramesCanBeMapped() {
        long root = table();
        long devicePfn = 8 * GIB / PAGE;
        map(root, 0x1000, 0, devicePfn, USER_RWX);
        assertEquals(8 * GIB + 8, mmu.translate(0, root, 0x1008, Tlb.WRITE));
    }

    @Test
    void withACacheATranslatedAccessCostsItsHitOrMissInsteadOfTheFlatCharge() {
        Cache cache = new Cache(64, 2, 64);
        Mmu cached = new Mmu(mem, tlb, clock, cache);
        assertEquals(cache, cached.cache());
        long root = table();
        map(root, 0x40_0000, 0, 0x1234, USER_RWX);
        long pa = 0x1234L * PAGE + 0x40;
        assertEquals(pa, cached.translate(1, root, 0x40_0040, Tlb.READ));
        assertEquals(3 * CostModel.PAGE_WALK_LEVEL + CostModel.CACHE_MISS, clock.now(), "a walk, then the line from memory");
        long t = clock.now();
        assertEquals(pa + 8, cached.translate(1, root, 0x40_0048, Tlb.READ));
        assertEquals(CostModel.CACHE_HIT, clock.now() - t, "a TLB hit and a cache hit, charged once");
        t = clock.now();
        cached.translate(1, root, 0x40_0080, Tlb.WRITE);
        assertEquals(CostModel.CACHE_MISS, clock.now() - t, "the next line");
        assertEquals(1, cache.hits());
        assertEquals(2, cache.misses());
        assertTrue(cache.holds(pa));
        assertEquals(0, cache.accessRest(pa, 64));
    }

    @Test
    void withACacheFaultsAndDeviceRegistersDoNotTouchIt() {
        Cache cache = new Cache(64, 2, 64);
        Mmu cached = new Mmu(mem, tlb, clock, cache);
        long root = table();
        map(root, 0x40_0000, 0, 0x1234, USER_RO);
        long device = (4 * GIB) >>> 12; // just past RAM: not RAM, so not cached
        map(root, 0x50_0000, 0, device, USER_RWX);
        assertEquals(Mmu.FAULT_PROTECTION, cached.translate(1, root, 0x40_0000, Tlb.WRITE));
        assertEquals(Mmu.FAULT_NOT_MAPPED, cached.translate(1, root, 0x60_0000, Tlb.READ));
        assertEquals(device << 12, cached.translate(1, root, 0x50_0000, Tlb.READ));
        long t = clock.now();
        cached.translate(1, root, 0x50_0000, Tlb.READ);
        assertEquals(CostModel.MEMORY_ACCESS, clock.now() - t, "uncached: the flat charge");
        assertEquals(0, cache.hits() + cache.misses());
        assertEquals(0, cache.validLines());
    }

    /** The leaf entry of the 4 KiB page at {@code va} under {@code root}. */
    private long leaf(long root, long va) {
        long table = root;
        for (int l = Sv39.LEVELS - 1; l > 0; l--) {
            table = Sv39.pfn(mem.load64(table * PAGE + 8L * Sv39.vpn(va, l)));
        }
        return mem.load64(table * PAGE + 8L * Sv39.vpn(va, 0));
    }

    @Test
    void aReadSetsAccessedAndTheWriteBackCostsAStore() {
        long root = table();
        map(root, 0x40_0000, 0, 0x1234, CLEAN_RW);
        assertEquals(0x1234L * PAGE, mmu.translate(1, root, 0x40_0000, Tlb.READ));
        long pte = leaf(root, 0x40_0000);
        assertEquals(Sv39.A, pte & (Sv39.A | Sv39.D), "A set, D still clear");
        assertEquals(0x1234, Sv39.pfn(pte));
        assertEquals(WALK_3 + CostModel.MEMORY_ACCESS, clock.now(), "the walk, the access and the store of A");
        long t = clock.now();
        assertEquals(0x1234L * PAGE + 8, mmu.translate(1, root, 0x40_0008, Tlb.READ));
        assertEquals(CostModel.MEMORY_ACCESS, clock.now() - t, "a hit writes nothing");
        assertEquals(1, mmu.walks());
    }

    @Test
    void theFirstWriteToACleanPageWalksAgainAndSetsDirty() {
        long root = table();
        map(root, 0x40_0000, 0, 0x1234, CLEAN_RW);
        mmu.translate(1, root, 0x40_0000, Tlb.READ);
        assertEquals(-1, tlb.lookup(1, Sv39.pageNumber(0x40_0000), Tlb.WRITE | Tlb.USER), "the read's entry is not for writing");
        long t = clock.now();
        assertEquals(0x1234L * PAGE + 0x10, mmu.translate(1, root, 0x40_0010, Tlb.WRITE));
        assertEquals(2, mmu.walks());
        assertEquals(Sv39.A | Sv39.D, leaf(root, 0x40_0000) & (Sv39.A | Sv39.D));
        assertEquals(WALK_3 + CostModel.MEMORY_ACCESS, clock.now() - t, "a second walk and the store of D");
        t = clock.now();
        assertEquals(0x1234L * PAGE + 0x18, mmu.translate(1, root, 0x40_0018, Tlb.WRITE));
        assertEquals(CostModel.MEMORY_ACCESS, clock.now() - t, "then writes hit");
        assertEquals(0x1234L * PAGE, mmu.translate(1, root, 0x40_0000, Tlb.READ), "and so do reads");
        assertEquals(2, mmu.walks());
    }

    @Test
    void aWriteFirstSetsBothAtOnce() {
        long root = table();
        map(root, 0x1000, 0, 9, CLEAN_RW);
        assertEquals(9L * PAGE, mmu.translate(0, root, 0x1000, Tlb.WRITE));
        assertEquals(Sv39.A | Sv39.D, leaf(root, 0x1000) & (Sv39.A | Sv39.D));
        assertEquals(WALK_3 + CostModel.MEMORY_ACCESS, clock.now(), "one store for both bits");
        assertEquals(9, tlb.lookup(0, Sv39.pageNumber(0x1000), Tlb.WRITE | Tlb.USER));
    }

    @Test
    void anExecuteSetsAccessedOnly() {
        long root = table();
        map(root, 0x2000, 0, 10, Sv39.V | Sv39.X | Sv39.U);
        assertEquals(10L * PAGE, mmu.translate(0, root, 0x2000, Tlb.EXECUTE));
        assertEquals(Sv39.A, leaf(root, 0x2000) & (Sv39.A | Sv39.D));
    }

    @Test
    void aFaultingWalkSetsNothing() {
        long root = table();
        map(root, 0x1000, 0, 9, Sv39.V | Sv39.R | Sv39.U);
        map(root, 0x2000, 0, 10, Sv39.V | Sv39.R | Sv39.W);
        assertEquals(Mmu.FAULT_PROTECTION, mmu.translate(0, root, 0x1000, Tlb.WRITE));
        assertEquals(Mmu.FAULT_PROTECTION, mmu.translate(0, root, 0x1000, Tlb.EXECUTE));
        assertEquals(Mmu.FAULT_PROTECTION, mmu.translate(0, root, 0x2000, Tlb.READ), "no U for a user access");
        assertEquals(0, leaf(root, 0x1000) & (Sv39.A | Sv39.D));
        assertEquals(0, leaf(root, 0x2000) & (Sv39.A | Sv39.D));
        assertEquals(3 * 3 * CostModel.PAGE_WALK_LEVEL, clock.now(), "three walks, no access, no store");
    }

    @Test
    void bitsClearedAndFlushedAreSetAgainByTheNextAccess() {
        long root = table();
        map(root, 0x1000, 0, 9, CLEAN_RW);
        mmu.translate(0, root, 0x1000, Tlb.WRITE);
        // What the kernel does to read and reset a page's status.
        long level1 = Sv39.pfn(mem.load64(root * PAGE));
        long level0 = Sv39.pfn(mem.load64(level1 * PAGE));
        mem.store64(level0 * PAGE + 8, leaf(root, 0x1000) & ~(long) (Sv39.A | Sv39.D));
        tlb.flush(0, Sv39.pageNumber(0x1000));
        mmu.translate(0, root, 0x1000, Tlb.READ);
        assertEquals(Sv39.A, leaf(root, 0x1000) & (Sv39.A | Sv39.D), "read again: accessed, not dirty");
        assertEquals(2, mmu.walks());
    }

    @Test
    void aSuperpageLeafGetsItsBitsAtItsOwnLevel() {
        long root = table();
        long va = 5 * MIB2;
        map(root, va, 1, 0x200 * 7, Sv39.V | Sv39.R | Sv39.W | Sv39.U);
        mmu.translate(0, root, va + 0x1234, Tlb.WRITE);
        long level1 = Sv39.pfn(mem.load64(root * PAGE));
        long pte = mem.load64(level1 * PAGE + 8L * Sv39.vpn(va, 1));
        assertEquals(Sv39.A | Sv39.D, pte & (Sv39.A | Sv39.D));
        assertEquals(0, mem.load64(root * PAGE) & (Sv39.A | Sv39.D), "pointers are left alone");
    }

    @Test
    void withACacheTheWriteBackIsTheFlatStoreNotACacheAccess() {
        Cache cache = new Cache(64, 2, 64);
        Mmu cached = new Mmu(mem, tlb, clock, cache);
        long root = table();
        map(root, 0x40_0000, 0, 0x1234, CLEAN_RW);
        cached.translate(1, root, 0x40_0040, Tlb.READ);
        assertEquals(3 * CostModel.PAGE_WALK_LEVEL + CostModel.MEMORY_ACCESS + CostModel.CACHE_MISS, clock.now());
        assertEquals(1, cache.misses() + cache.hits(), "only the data's line");
    }

    @Test
    void svpbmtLeavesTranslateAndPointersWithAMemoryTypeFault() {
        long root = table();
        map(root, 0x1000, 0, 9, USER_RWX);
        map(root, 0x2000, 0, 10, USER_RWX);
        map(root, 0x3000, 0, 11, USER_RWX);
        long level1 = Sv39.pfn(mem.load64(root * PAGE));
        long level0 = Sv39.pfn(mem.load64(level1 * PAGE));
        mem.store64(level0 * PAGE + 8, Sv39.withPbmt(Sv39.pte(9, USER_RWX), Sv39.PBMT_NC));
        mem.store64(level0 * PAGE + 16, Sv39.withPbmt(Sv39.pte(10, USER_RWX), Sv39.PBMT_IO));
        mem.store64(level0 * PAGE + 24, Sv39.withPbmt(Sv39.pte(11, USER_RWX), Sv39.PBMT_RESERVED));
        assertEquals(9L * PAGE + 8, mmu.translate(0, root, 0x1008, Tlb.READ), "NC leaf");
        assertEquals(10L * PAGE, mmu.translate(0, root, 0x2000, Tlb.WRITE), "IO leaf");
        assertEquals(Mmu.FAULT_NOT_MAPPED, mmu.translate(0, root, 0x3000, Tlb.READ), "type 3 is reserved");
        assertEquals(2 * WALK_3 + 3 * CostModel.PAGE_WALK_LEVEL, clock.now(), "without a cache the type costs nothing");
        assertEquals(0, mmu.uncachedAccesses());
        // The same pointer (level 1's entry for the root's first 2 MiB) with a memory type: reserved.
        long pointer = mem.load64(level1 * PAGE);
        mem.store64(level1 * PAGE, Sv39.withPbmt(pointer, Sv39.PBMT_NC));
        tlb.flushAll();
        assertEquals(Mmu.FAULT_NOT_MAPPED, mmu.translate(0, root, 0x1000, Tlb.READ), "a non-leaf NC entry faults");
        mem.store64(level1 * PAGE, Sv39.withPbmt(pointer, Sv39.PBMT_IO));
        assertEquals(Mmu.FAULT_NOT_MAPPED, mmu.translate(0, root, 0x2000, Tlb.READ), "a non-leaf IO entry faults");
        mem.store64(level1 * PAGE, pointer);
        assertEquals(9L * PAGE, mmu.translate(0, root, 0x1000, Tlb.READ), "and translates once the bits are clear");
    }

    @Test
    void withACacheAnUncachedPageBypassesItOnWalksAndHits() {
        Cache cache = new Cache(64, 2, 64);
        Mmu cached = new Mmu(mem, tlb, clock, cache);
        long root = table();
        map(root, 0x40_0000, 0, 0x1234, USER_RWX);
        map(root, 0x41_0000, 0, 0x1235, USER_RWX);
        long level0 = Sv39.pfn(mem.load64(Sv39.pfn(mem.load64(root * PAGE + 8L * Sv39.vpn(0x40_0000, 2))) * PAGE
                + 8L * Sv39.vpn(0x40_0000, 1)));
        long slot = level0 * PAGE + 8L * Sv39.vpn(0x40_0000, 0);
        mem.store64(slot, Sv39.withPbmt(mem.load64(slot), Sv39.PBMT_NC));
        long pa = 0x1234L * PAGE + 0x40;
        assertEquals(pa, cached.translate(1, root, 0x40_0040, Tlb.READ));
        assertEquals(3 * CostModel.PAGE_WALK_LEVEL + CostModel.UNCACHED_ACCESS, clock.now(), "a walk, then memory");
        assertTrue(cached.lastUncached());
        long t = clock.now();
        assertEquals(pa + 8, cached.translate(1, root, 0x40_0048, Tlb.WRITE));
        assertEquals(CostModel.UNCACHED_ACCESS, clock.now() - t, "a TLB hit goes to memory too, the same line or not");
        t = clock.now();
        assertEquals(3 * CostModel.UNCACHED_ACCESS, cached.accessRest(pa, 4 * 64, true), "the rest of a copy: a trip per line");
        assertEquals(5, cached.uncachedAccesses());
        assertEquals(0, cache.hits() + cache.misses(), "the cache was not touched");
        assertEquals(0, cache.validLines());
        assertEquals(false, cache.holds(pa));
        // A cacheable page next to it still goes through the cache.
        cached.translate(1, root, 0x41_0000, Tlb.READ);
        assertEquals(false, cached.lastUncached());
        assertEquals(1, cache.misses());
        // Back to PMA: after the flush the walk caches the page again.
        mem.store64(slot, Sv39.withPbmt(mem.load64(slot), Sv39.PBMT_PMA));
        tlb.flush(1, Sv39.pageNumber(0x40_0000));
        t = clock.now();
        cached.translate(1, root, 0x40_0040, Tlb.READ);
        assertEquals(3 * CostModel.PAGE_WALK_LEVEL + CostModel.CACHE_MISS, clock.now() - t);
        assertTrue(cache.holds(pa));
        assertEquals(5, cached.uncachedAccesses());
    }
}
