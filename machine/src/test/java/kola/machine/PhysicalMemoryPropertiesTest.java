package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhysicalMemoryPropertiesTest {

    private static final int FRAMES = 3;
    private static final int BYTES = FRAMES * PhysicalMemory.PAGE_SIZE;
    private static final int[] SIZES = {1, 2, 4, 8};

    record Store(int size, int pa, long value) {
    }

    @FuzzTest
    void memoryAgreesWithAByteArray(FuzzedDataProvider data) {
        List<Store> stores = stores(data);
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

    @Test
    void memoryAgreesWithAByteArrayOnRandomStores() throws Exception {
        RandomInputs.check("memoryAgreesWithAByteArray", 0x9A3L, 200, 600, this::memoryAgreesWithAByteArray);
    }

    /** Up to 40 stores of 1, 2, 4 or 8 bytes, half of them within 9 bytes of a frame boundary. */
    static List<Store> stores(FuzzedDataProvider data) {
        int n = data.consumeInt(0, 40);
        List<Store> stores = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int size = data.pickValue(SIZES);
            int pa = data.consumeBoolean()
                    ? data.consumeInt(1, FRAMES - 1) * PhysicalMemory.PAGE_SIZE + data.consumeInt(-9, 9)
                    : data.consumeInt(0, BYTES - 1);
            stores.add(new Store(size, Math.min(pa, BYTES - size), data.consumeLong()));
        }
        return stores;
    }
}
