package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class PhysicalMemoryPropertiesTest {

    private static final int FRAMES = 3;
    private static final int BYTES = FRAMES * PhysicalMemory.PAGE_SIZE;

    record Store(int size, int pa, long value) {
    }

    @Property(tries = 200)
    void memoryAgreesWithAByteArray(@ForAll("stores") List<Store> stores) {
        PhysicalMemory mem = new PhysicalMemory(BYTES);
        byte[] model = new byte[BYTES];
        for (Store s : stores) {
            PhysicalMemoryTest.store(mem, s.size(), s.pa(), s.value());
            for (int i = 0; i < s.size(); i++) {
                model[s.pa() + i] = (byte) (s.value() >>> (8 * i));
            }
        }
        for (Store s : stores) {
            long expected = 0;
            for (int i = s.size() - 1; i >= 0; i--) {
                expected = (expected << 8) | (model[s.pa() + i] & 0xFF);
            }
            assertEquals(expected, PhysicalMemoryTest.load(mem, s.size(), s.pa()));
        }
        byte[] all = new byte[BYTES];
        mem.read(0, all, 0, BYTES);
        assertEquals(java.util.Arrays.toString(model), java.util.Arrays.toString(all));
    }

    @Provide
    Arbitrary<List<Store>> stores() {
        Arbitrary<Integer> sizes = Arbitraries.of(1, 2, 4, 8);
        Arbitrary<Integer> nearBoundary = Arbitraries.integers().between(1, FRAMES - 1)
                .flatMap(f -> Arbitraries.integers().between(-9, 9).map(d -> f * PhysicalMemory.PAGE_SIZE + d));
        Arbitrary<Integer> anywhere = Arbitraries.integers().between(0, BYTES - 1);
        Arbitrary<Integer> addresses = Arbitraries.oneOf(nearBoundary, anywhere);
        return Combinators.combine(sizes, addresses, Arbitraries.longs())
                .as((size, pa, value) -> new Store(size, Math.min(pa, BYTES - size), value))
                .list().ofMaxSize(40);
    }
}
