package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

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
    @Property(tries = 300)
    void hitsAgreeWithTheModel(@ForAll("ops") List<Op> ops) {
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

    /** With no more pages than one set holds, nothing is evicted, and lookup agrees with the model exactly. */
    @Property(tries = 300)
    void lookupEqualsTheModelWhenNothingIsEvicted(@ForAll("fewPageOps") List<Op> ops) {
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

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> asids = Arbitraries.integers().between(0, ASIDS - 1);
        Arbitrary<Long> vpns = Arbitraries.longs().between(0, VPNS - 1);
        Arbitrary<Op> fill = Combinators.combine(asids, vpns, frames(), rights()).as(Fill::new);
        return Arbitraries.frequencyOf(Tuple.of(3, fill), Tuple.of(2, flushes(asids, vpns))).list().ofMinSize(1).ofMaxSize(60);
    }

    @Provide
    Arbitrary<List<Op>> fewPageOps() {
        Arbitrary<Op> fill = Combinators.combine(Arbitraries.of(FEW_KEYS), frames(), rights())
                .as((k, pfn, r) -> new Fill(k.asid(), k.vpn(), pfn, r));
        Arbitrary<Op> flush = flushes(Arbitraries.integers().between(0, ASIDS - 1), Arbitraries.longs().between(0, 10));
        return Arbitraries.frequencyOf(Tuple.of(3, fill), Tuple.of(1, flush)).list().ofMinSize(1).ofMaxSize(40);
    }

    private static Arbitrary<Long> frames() {
        return Arbitraries.longs().between(0, 1 << 20);
    }

    private static Arbitrary<Integer> rights() {
        return Arbitraries.integers().between(0, RIGHTS);
    }

    private static Arbitrary<Op> flushes(Arbitrary<Integer> asids, Arbitrary<Long> vpns) {
        Arbitrary<Op> flush = Combinators.combine(asids, vpns).as(Flush::new);
        Arbitrary<Op> range = Combinators.combine(asids, vpns, Arbitraries.longs().between(0, 12)).as(FlushRange::new);
        Arbitrary<Op> asid = asids.map(FlushAsid::new);
        Arbitrary<Op> all = Arbitraries.just(new FlushAll());
        return Arbitraries.frequencyOf(Tuple.of(8, flush), Tuple.of(6, range), Tuple.of(2, asid), Tuple.of(1, all));
    }
}
