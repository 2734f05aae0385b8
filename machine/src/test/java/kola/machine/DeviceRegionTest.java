package kola.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceRegionTest {

    private static final MmioDevice NOTHING = new MmioDevice() {
        @Override
        public long read(long offset, int sizeBytes) {
            return 0;
        }

        @Override
        public void write(long offset, int sizeBytes, long value) {
        }
    };

    @Test
    void containsItsRangeOnly() {
        DeviceRegion r = new DeviceRegion("d", 0x1000, 0x2000, NOTHING);
        assertEquals(0x3000, r.end());
        assertFalse(r.contains(0xFFF));
        assertTrue(r.contains(0x1000));
        assertTrue(r.contains(0x2FFF));
        assertFalse(r.contains(0x3000));
        assertFalse(r.contains(-1));
    }

    @Test
    void requiresNameAndDevice() {
        assertThrows(NullPointerException.class, () -> new DeviceRegion(null, 0, 1, NOTHING));
        assertThrows(NullPointerException.class, () -> new DeviceRegion("d", 0, 1, null));
    }
}
