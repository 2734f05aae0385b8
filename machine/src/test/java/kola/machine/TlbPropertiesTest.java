package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of fills and flushes against a model of what the TLB may hold. Each property is
 * a {@link FuzzTest} (its stored inputs run in every build, and it fuzzes coverage-guided with
 * {@code fuzz/coverage.sh}); a plain test runs it over a few hundred seeded random inputs as well.
 */
class TlbPropertiesTest {

    private static final int ASIDS = 3;
    private static final int VPNS = 40;
    private static final int RIGHTS = Tlb.READ | Tlb.WRITE | Tlb.EXECUTE | Tlb.USER;

    sealed interface Op {
    }

    record Fill(int asid, long vpn, long pfn, int rights) implements Op {
    }

    record Flush(int asid, long vpn) implements Op {
    }

    record FlushRange(int asid, long vpnBase, long pages) implements Op {
    }

    record FlushAsid(int asid) implements Op {
    }

    record FlushAll() implements Op {
    }

    record Key(int asid, long vpn) {
    }

    record Entry(long pfn, int rights) {
    }

    /** A hit is never wrong: it returns the frame last filled for that page, with the rights asked for, and never a flushed one. */
    @FuzzTest
    void hitsAgreeWithTheModel(FuzzedDataProvider data) {
        List<Op> ops = ops(data);
        Tlb tlb = new Tlb(16);
        Map<Key, Entry> model = new HashMap<>();
        for (Op op : ops) {
            apply(tlb, model, op);
            for (int asid = 0; asid < ASIDS; asid++) {
                for (long vpn = 0; vpn < VPNS; vpn++) {
                    for (int access : new int[] {0, Tlb.READ, Tlb.WRITE | Tlb.USER, Tlb.EXECUTE}) {
                        long pfn = tlb.lookup(asid, vpn, access);
                        if (pfn >= 0) {
                            Entry e = model.get(new Key(asid, vpn));
                            assertTrue(e != null, "hit for a page not in the model: " + asid + "/" + vpn);
                            assertEquals(e.pfn(), pfn);
                            assertEquals(access, e.rights() & access);
                        }
                    }
                }
            }
        }
    }

    @Test
    void hitsAgreeWithTheModelOnRandomOps() throws Exception {
        RandomInputs.check("hitsAgreeWithTheModel", 0x71B1L, 300, 500, this::hitsAgreeWithTheModel);
    }

    /** With no more pages than one set holds, nothing is evicted, and lookup agrees with the model exactly. */
    @FuzzTest
    void lookupEqualsTheModelWhenNothingIsEvicted(FuzzedDataProvider data) {
        List<Op> ops = fewPageOps(data);
        Tlb tlb = new Tlb(16);
        Map<Key, Entry> model = new HashMap<>();
        for (Op op : ops) {
            apply(tlb, model, op);
            for (Key key : FEW_KEYS) {
                Entry e = model.get(key);
                for (int access : new int[] {0, Tlb.READ, Tlb.WRITE, Tlb.EXECUTE | Tlb.USER}) {
                    long expected = e != null && (e.rights() & access) == access ? e.pfn() : -1;
                    assertEquals(expected, tlb.lookup(key.asid(), key.vpn(), access), key + " after " + op);
                }
            }
        }
    }

    @Test
    void lookupEqualsTheModelWhenNothingIsEvictedOnRandomOps() throws Exception {
        RandomInputs.check("lookupEqualsTheModelWhenNothingIsEvicted", 0x71B2L, 300, 300,
                this::lookupEqualsTheModelWhenNothingIsEvicted);
    }

    private static final List<Key> FEW_KEYS = List.of(new Key(0, 0), new Key(0, 4), new Key(0, 9), new Key(1, 8));

    private static void apply(Tlb tlb, Map<Key, Entry> model, Op op) {
        switch (op) {
            case Fill f -> {
                tlb.fill(f.asid(), f.vpn(), f.pfn(), f.rights());
                model.put(new Key(f.asid(), f.vpn()), new Entry(f.pfn(), f.rights()));
            }
            case Flush f -> {
                tlb.flush(f.asid(), f.vpn());
                model.remove(new Key(f.asid(), f.vpn()));
            }
            case FlushRange f -> {
                tlb.flushRange(f.asid(), f.vpnBase(), f.pages());
                model.keySet().removeIf(k -> k.asid() == f.asid() && k.vpn() >= f.vpnBase() && k.vpn() < f.vpnBase() + f.pages());
            }
            case FlushAsid f -> {
                tlb.flushAsid(f.asid());
                model.keySet().removeIf(k -> k.asid() == f.asid());
            }
            case FlushAll f -> {
                tlb.flushAll();
                model.clear();
            }
        }
    }

    // ---- what the inputs decode to ----------------------------------------------------------

    /** 1..60 operations: fills (3 in 5) and flushes of any page of 3 ASIDs x 40 pages. */
    static List<Op> ops(FuzzedDataProvider data) {
        return list(data, 60, () -> data.consumeInt(0, 4) < 3
                ? new Fill(data.consumeInt(0, ASIDS - 1), data.consumeLong(0, VPNS - 1), frame(data), rights(data))
                : flush(data, data.consumeInt(0, ASIDS - 1), data.consumeLong(0, VPNS - 1)));
    }

    /** 1..40 operations: fills of the few pages (3 in 4) and flushes of pages 0..10. */
    static List<Op> fewPageOps(FuzzedDataProvider data) {
        return list(data, 40, () -> {
            if (data.consumeInt(0, 3) < 3) {
                Key k = data.pickValue(FEW_KEYS);
                return new Fill(k.asid(), k.vpn(), frame(data), rights(data));
            }
            return flush(data, data.consumeInt(0, ASIDS - 1), data.consumeLong(0, 10));
        });
    }

    private static List<Op> list(FuzzedDataProvider data, int max, Supplier<Op> op) {
        int n = data.consumeInt(1, max);
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ops.add(op.get());
        }
        return ops;
    }

    private static long frame(FuzzedDataProvider data) {
        return data.consumeLong(0, 1 << 20);
    }

    private static int rights(FuzzedDataProvider data) {
        return data.consumeInt(0, RIGHTS);
    }

    /** A flush of one page (8 in 17), of a range of 0..12 pages (6), of an ASID (2) or of everything (1). */
    private static Op flush(FuzzedDataProvider data, int asid, long vpn) {
        int k = data.consumeInt(0, 16);
        if (k < 8) {
            return new Flush(asid, vpn);
        }
        if (k < 14) {
            return new FlushRange(asid, vpn, data.consumeLong(0, 12));
        }
        return k < 16 ? new FlushAsid(asid) : new FlushAll();
    }
}
